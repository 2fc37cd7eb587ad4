//! Commands and exit codes: help, config errors, audit verify on intact and edited logs.

use std::process::Command;

use crate::BIN;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().expect("run tansiq");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_lists_commands_with_examples() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for word in ["serve", "demo", "audit", "Examples"] {
        assert!(out.contains(word), "--help lacks {word}: {out}");
    }
    let (code, out, _) = run(&["serve", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("--config") && out.contains("Examples"), "{out}");
}

#[test]
fn an_unknown_config_key_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("centre.toml");
    std::fs::write(&path, "[http]\nlisten = \"127.0.0.1:0\"\nmax_bodybytes = 10\n").expect("write");
    let (code, _, err) = run(&["serve", "--config", path.to_str().expect("path")]);
    assert_ne!(code, 0);
    assert!(err.contains("max_bodybytes"), "{err}");
    let (code, _, err) = run(&["serve", "--config", "/nonexistent/centre.toml"]);
    assert_ne!(code, 0);
    assert!(err.contains("cannot read config"), "{err}");
}

#[test]
fn a_port_in_use_is_a_one_line_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) =
        run(&["serve", "--data", dir.path().to_str().expect("path"), "--port", &port]);
    assert_ne!(code, 0);
    assert!(err.contains("cannot listen"), "{err}");
}

#[test]
fn audit_verify_passes_an_intact_log_and_names_an_edited_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    {
        let mut log = store::RedbLog::open(&data.join("log.redb")).expect("open");
        let events: Vec<_> = (0..200).map(store::conformance::sample_event).collect();
        store::EventLog::append(&mut log, &events).expect("append");
    }
    let (code, out, _) = run(&["audit", "verify", "--data", data.to_str().expect("path")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("200 records"), "{out}");

    let path = data.join("log.redb");
    let mut bytes = std::fs::read(&path).expect("read");
    // Record 77's longitude as MessagePack float64: change its last byte.
    let lon = match store::conformance::sample_event(77).kind {
        model::EventKind::Observation(o) => o.position.lon,
        other => panic!("sample events are observations, not {}", other.name()),
    };
    let mut needle = vec![0xcb];
    needle.extend_from_slice(&lon.to_be_bytes());
    let at = bytes.windows(needle.len()).position(|w| w == needle).expect("record 77");
    bytes[at + needle.len() - 1] ^= 0x01;
    std::fs::write(&path, bytes).expect("write");
    let (code, out, _) = run(&["audit", "verify", "--data", data.to_str().expect("path")]);
    assert_ne!(code, 0);
    assert!(out.contains("seq 77"), "{out}");

    let (code, _, err) = run(&["audit", "verify", "--data", "/nonexistent"]);
    assert_ne!(code, 0);
    assert!(err.contains("no log"), "{err}");
}

#[test]
fn a_corrupt_data_folder_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("log.redb"), vec![0xAB; 4096]).expect("write");
    let (code, _, err) =
        run(&["serve", "--data", dir.path().to_str().expect("path"), "--port", "0"]);
    assert_ne!(code, 0);
    assert!(err.contains("cannot open the log"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let (code, out, _) = run(&["audit", "verify", "--data", dir.path().to_str().expect("path")]);
    assert_ne!(code, 0);
    assert!(out.contains("broken"), "{out}");
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // A command may refuse its arguments and exit before it reads stdin: the write then
    // meets a closed pipe, which is not the test's failure (the exit status tells).
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ais_decode_prints_gpsd_json_and_a_summary() {
    let input = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n\
        this line is not AIS\n\
        !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\n\
        \x00\xff\xfe binary garbage\n";
    let (code, out, err) = run_with_stdin(&["ais", "decode"], input);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    let message: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
    assert_eq!(message["type"], 1);
    assert_eq!(message["mmsi"], 371798000);
    assert!(message["lon"].is_i64(), "unscaled lon is an integer: {message}");
    assert!(!err.is_empty(), "a summary on stderr");

    let (code, out, err) = run_with_stdin(&["ais", "decode", "--stats"], input);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "--stats prints only the summary: {out}");

    let (code, _, err) = run(&["ais", "decode", "/nonexistent.nmea"]);
    assert_ne!(code, 0);
    assert!(err.contains("cannot open"), "{err}");
}

#[test]
fn user_and_agency_commands_administer_a_stopped_centre() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("path");
    let (code, _, err) = run_with_stdin(
        &["user", "add", "--data", data, "x", "--agency", "CGW", "--role", "admin"],
        b"pw\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("unknown agency CGW"), "{err}");
    let (code, out, err) = run(&[
        "agency",
        "add",
        "--data",
        data,
        "CGW",
        "--name-en",
        "Coast Guard West",
        "--name-ar",
        "خفر السواحل الغربي",
        "--kind",
        "coast_guard",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("CGW"));
    let (code, _, err) = run(&[
        "agency",
        "add",
        "--data",
        data,
        "bad id!",
        "--name-en",
        "x",
        "--name-ar",
        "x",
        "--kind",
        "army",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("bad id!"), "{err}");
    let (code, _, err) = run(&[
        "agency",
        "add",
        "--data",
        data,
        "X",
        "--name-en",
        "x",
        "--name-ar",
        "x",
        "--kind",
        "navy",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("navy"), "{err}");
    let (code, out, _) = run(&["agency", "list", "--data", data]);
    assert_eq!(code, 0);
    assert!(out.contains("خفر السواحل الغربي"), "{out}");

    let (code, _, err) = run_with_stdin(
        &[
            "user",
            "add",
            "--data",
            data,
            "cgw.watch",
            "--agency",
            "CGW",
            "--role",
            "watch_officer",
            "--role",
            "analyst",
        ],
        b"s3cret\n",
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_with_stdin(
        &["user", "add", "--data", data, "cgw.watch", "--agency", "CGW", "--role", "analyst"],
        b"x\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("exists"), "{err}");
    let (code, _, err) = run_with_stdin(
        &["user", "add", "--data", data, "empty", "--agency", "CGW", "--role", "analyst"],
        b"\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("empty"), "{err}");
    let (code, _, err) = run_with_stdin(
        &["user", "add", "--data", data, "r", "--agency", "CGW", "--role", "general"],
        b"x\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("general"), "{err}");
    let (code, _, err) = run_with_stdin(&["user", "passwd", "--data", data, "cgw.watch"], b"n3w\n");
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(&["user", "list", "--data", data]);
    assert_eq!(code, 0);
    assert!(out.contains("cgw.watch\tCGW\twatch_officer,analyst\tactive"), "{out}");
    let (code, _, _) = run(&["user", "disable", "--data", data, "cgw.watch"]);
    assert_eq!(code, 0);
    let (_, out, _) = run(&["user", "list", "--data", data]);
    assert!(out.contains("disabled"), "{out}");
    let (code, _, err) = run(&["user", "disable", "--data", data, "nobody"]);
    assert_ne!(code, 0);
    assert!(err.contains("no user nobody"), "{err}");
    // Every change is in the chain.
    let (code, out, _) = run(&["audit", "verify", "--data", data]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("4 records"), "{out}");
}

#[test]
fn the_demo_seeds_exactly_the_contract_accounts_and_agreements_once() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("demo");
    let start = || {
        let mut child = Command::new(BIN)
            .args(["demo", "--no-feed", "--port", "0", "--data"])
            .arg(&data)
            .env("TANSIQ_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("demo");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
        let url = lines
            .find_map(|l| l.strip_prefix("Tansiq demo centre: ").map(str::to_string))
            .expect("the demo prints its URL");
        let rest: Vec<String> = lines.by_ref().take(8).collect();
        (child, url, rest.join("\n"))
    };
    let (mut child, url, printed) = start();
    for login in ["admin", "joint.duty", "cgw.watch", "army.south", "moi.analyst"] {
        assert!(printed.contains(login), "the demo prints the login {login}: {printed}");
    }
    let expected = [
        ("admin", "JOC", "admin"),
        ("joint.duty", "JOC", "duty_officer"),
        ("cgw.watch", "CGW", "watch_officer"),
        ("army.south", "ARS", "watch_officer"),
        ("moi.analyst", "MOI", "analyst"),
    ];
    let mut tokens = std::collections::BTreeMap::new();
    for (user, agency, role) in expected {
        let body = serde_json::json!({ "username": user, "password": "demo" }).to_string();
        let response = crate::agent()
            .post(format!("{url}/api/v1/auth/login"))
            .content_type("application/json")
            .send(body)
            .expect("login");
        let value: serde_json::Value =
            serde_json::from_str(&response.into_body().read_to_string().expect("body"))
                .expect("json");
        assert_eq!(value["agency"], agency, "{user}: {value}");
        assert_eq!(value["roles"], serde_json::json!([role]), "{user}");
        tokens.insert(user, value["token"].as_str().expect("token").to_string());
    }
    let get = |user: &str, path: &str| -> serde_json::Value {
        let response = crate::agent()
            .get(format!("{url}{path}"))
            .header("authorization", &format!("Bearer {}", tokens[user]))
            .call()
            .expect("get");
        serde_json::from_str(&response.into_body().read_to_string().expect("body")).expect("json")
    };
    let ids = |value: &serde_json::Value| -> Vec<String> {
        let mut ids: Vec<String> = value["sharing_agreements"]
            .as_array()
            .expect("list")
            .iter()
            .map(|a| a["id"].as_str().unwrap_or("").to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(&get("joint.duty", "/api/v1/sharing-agreements")),
        ["ars-joc-land", "cgw-joc-maritime"]
    );
    assert_eq!(ids(&get("moi.analyst", "/api/v1/sharing-agreements")), ["ars-moi-land"]);
    assert_eq!(ids(&get("cgw.watch", "/api/v1/sharing-agreements")), ["cgw-joc-maritime"]);
    let agencies = get("admin", "/api/v1/agencies");
    assert_eq!(agencies["agencies"].as_array().map(Vec::len), Some(4));
    // The scenario's field units, each seen by its own agency only.
    let units = |user: &str| get(user, "/api/v1/units")["units"].as_array().map(Vec::len);
    assert_eq!(units("cgw.watch"), Some(12), "{}", get("cgw.watch", "/api/v1/units"));
    assert_eq!(units("army.south"), Some(5));
    assert_eq!(units("moi.analyst"), Some(0));
    child.kill().expect("kill");
    child.wait().expect("reap");

    // A restart with the same folder continues from the log and seeds nothing twice.
    let (mut child, url2, _) = start();
    let body = serde_json::json!({ "username": "admin", "password": "demo" }).to_string();
    let response = crate::agent()
        .post(format!("{url2}/api/v1/auth/login"))
        .content_type("application/json")
        .send(body)
        .expect("login");
    let value: serde_json::Value =
        serde_json::from_str(&response.into_body().read_to_string().expect("body")).expect("json");
    let token = value["token"].as_str().expect("token");
    let response = crate::agent()
        .get(format!("{url2}/api/v1/agencies"))
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .expect("agencies");
    let agencies: serde_json::Value =
        serde_json::from_str(&response.into_body().read_to_string().expect("body")).expect("json");
    assert_eq!(agencies["agencies"].as_array().map(Vec::len), Some(4));
    child.kill().expect("kill");
    child.wait().expect("reap");
}

/// The machine's PostgreSQL (`TANSIQ_TEST_PG`).
fn pg_url() -> String {
    std::env::var("TANSIQ_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// Deletes what a test wrote to `chain`, so that runs do not pile up in the database.
fn forget_chain(url: &str, chain: &str) {
    if let Ok(mut client) = postgres::Client::connect(url, postgres::NoTls) {
        for table in ["tansiq_log", "tansiq_head", "tansiq_snapshots"] {
            let sql = format!("DELETE FROM {table} WHERE chain = $1");
            let _ = client.execute(sql.as_str(), &[&chain]);
        }
    }
}

#[test]
fn audit_verify_walks_the_log_a_configuration_names_on_postgres() {
    let url = pg_url();
    let chain = format!("cli-{}", std::process::id());
    {
        let mut log = pglog::PgLog::open(&url, &chain).expect("PostgreSQL must be running");
        let events: Vec<_> = (0..30).map(store::conformance::sample_event).collect();
        store::EventLog::append(&mut log, &events).expect("append");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("tansiq.toml");
    let text = format!("[log]\nbackend = \"postgres\"\nurl = \"{url}\"\nchain = \"{chain}\"\n");
    std::fs::write(&config, text).expect("write config");
    let (code, out, err) = run(&["audit", "verify", "--config", config.to_str().expect("path")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ok: 30 records"), "{out}");

    std::fs::write(&config, "[log]\nbackend = \"postgres\"\n").expect("write config");
    let (code, _, err) = run(&["audit", "verify", "--config", config.to_str().expect("path")]);
    assert_ne!(code, 0);
    assert!(err.contains("needs url"), "{err}");
    forget_chain(&url, &chain);
}

#[test]
fn store_copy_moves_a_log_to_postgres_and_back_with_the_same_head() {
    let url = pg_url();
    let chain = format!("copy-{}", std::process::id());
    let dir = tempfile::tempdir().expect("tempdir");
    let (source, back) = (dir.path().join("source"), dir.path().join("back"));
    std::fs::create_dir_all(&source).expect("mkdir");
    {
        let mut log = store::RedbLog::open(&source.join("log.redb")).expect("open");
        let events: Vec<_> = (0..2_500).map(store::conformance::sample_event).collect();
        store::EventLog::append(&mut log, &events).expect("append");
    }
    let (source, back) = (source.to_str().expect("path"), back.to_str().expect("path"));
    let copy = |from: &str, to: &str| {
        run(&["store", "copy", "--from", from, "--to", to, "--chain", &chain])
    };

    let (code, there, err) = copy(source, &url);
    assert_eq!(code, 0, "{there}{err}");
    assert!(there.contains("copied 2500 records, chain verified"), "{there}");
    let (code, back_again, err) = copy(&url, back);
    assert_eq!(code, 0, "{back_again}{err}");
    let head = |out: &str| out.rsplit("head ").next().unwrap_or("").trim().to_string();
    assert_eq!(head(&there), head(&back_again), "the same chain both ways");
    let (code, out, _) = run(&["audit", "verify", "--data", back]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&head(&there)), "{out}");

    let (code, _, err) = copy(source, back);
    assert_ne!(code, 0);
    assert!(err.contains("not empty"), "{err}");
    let missing = dir.path().join("missing");
    let (code, _, err) = copy(missing.to_str().expect("path"), back);
    assert_ne!(code, 0);
    assert!(err.contains("no log at"), "{err}");
    forget_chain(&url, &chain);
}

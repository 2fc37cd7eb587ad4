//! `tansiq serve` and `tansiq demo`: build the config, run the centre until Ctrl-C or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;

use server::Config;

pub fn serve(
    config: Option<PathBuf>,
    data: Option<PathBuf>,
    port: Option<u16>,
) -> anyhow::Result<ExitCode> {
    let mut config = match config {
        Some(path) => Config::load(&path)?,
        None => Config::default(),
    };
    if let Some(data) = data {
        config.data_dir = data;
    }
    if let Some(port) = port {
        config.http.listen.set_port(port);
    }
    run(config, server::Seed::Nothing, |addr| say(&format!("tansiq listening on http://{addr}")))
}

/// `background`: the share of simulated background traffic to feed, or `None` for no feed.
pub fn demo(
    port: u16,
    speed: f64,
    data: PathBuf,
    background: Option<f64>,
) -> anyhow::Result<ExitCode> {
    if !(speed.is_finite() && speed > 0.0) {
        anyhow::bail!("--speed must be a positive number, got {speed}");
    }
    if let Some(b) = background
        && !(0.0..=1.0).contains(&b)
    {
        anyhow::bail!("--background must be between 0 and 1, got {b}");
    }
    let mut config = Config { data_dir: data, ..Config::default() };
    config.http.listen.set_port(port);
    config.demo_feed = background.map(|background| server::sources::demo::FeedConfig {
        speed,
        background,
        ..Default::default()
    });
    // Field units' ATAK/WinTAK/iTAK (or pytak) connect here; in the demo they are CGW's.
    // `--port 0` (tests, several demos at once) takes any free port for TAK too.
    let mut tak = server::tak::TakConfig::plain("CGW");
    if port == 0 {
        tak.listen.set_port(0);
    }
    let tak_listen = tak.listen;
    config.tak = Some(tak);
    run(config, server::Seed::Demo, |addr| {
        say(&format!("Tansiq demo centre: http://{addr}"));
        say(&format!(
            "  API: http://{addr}/api/v1/  (POST /api/v1/auth/login, then Authorization: Bearer TOKEN)"
        ));
        say("  Logins (password \"demo\" for all):");
        say("    admin        joint centre (JOC)                 administrator");
        say("    joint.duty   joint centre (JOC)                 duty officer");
        say("    cgw.watch    coast guard, western region (CGW)  watch officer");
        say("    army.south   army, southern region (ARS)        watch officer");
        say("    moi.analyst  interior ministry (MOI)            analyst");
        say(&format!("  TAK: Cursor-on-Target over TCP on {tak_listen} (clients belong to CGW)"));
        match background {
            Some(_) => say(&format!(
                "  Feed: the simulated Libya scenario (tansiq sim) at {speed}x real time; the seven scenarios play each simulated day."
            )),
            None => say("  Feed: none (--no-feed); send observations to /api/v1/observations."),
        }
        say("  Stop with Ctrl-C; a restart with the same --data continues from the log.");
    })
}

fn run(
    config: Config,
    seed: server::Seed,
    on_listening: impl FnOnce(std::net::SocketAddr),
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(server::serve(config, seed, shutdown_signal(), |addr| {
        on_listening(addr);
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints a line for the operator. A closed stdout (the terminal went away, a pipe's reader
/// quit) must never stop a running centre, so write errors are ignored here, unlike `println!`
/// which would panic.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("stopping");
}

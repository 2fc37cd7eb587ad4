//! `tansiq`: the one binary. Thin glue from the command line to the crates that do the work.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod admin;
mod ais;
mod audit;
mod replay;
mod run;
mod store_copy;

/// mimalloc rather than the C library's allocator: the fold allocates and frees small objects
/// on every update (track ids in its changes, new tracks, alerts), and with glibc's malloc that
/// was about a fifth of the picture's benchmark; vector and quickwit make the same choice (with
/// jemalloc, which takes far longer to build). `bench/picture` measures the engine over it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "tansiq",
    version,
    about = "Tansiq (تنسيق) — the software of a joint border-security operations centre",
    after_help = "Examples:\n  \
        tansiq demo                              start the demo centre on http://127.0.0.1:8080\n  \
        tansiq serve --data /var/lib/tansiq      a centre with its log under /var/lib/tansiq\n  \
        tansiq serve --config centre.toml        a centre as configured\n  \
        tansiq audit verify --data /var/lib/tansiq   check the log's hash chain"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a centre: HTTP API on 127.0.0.1:8080 by default, log and state under --data.
    #[command(after_help = "Examples:\n  \
        tansiq serve --data ./centre --port 8080\n  \
        tansiq serve --config centre.toml\n\n\
        Flags override the config file. Stop with Ctrl-C: the log is drained and a snapshot written.")]
    Serve(ServeArgs),
    /// Run the demo centre, fed by the simulated Libya scenario at --speed times real time.
    #[command(after_help = "Examples:\n  \
        tansiq demo\n  \
        tansiq demo --speed 60                     a simulated hour a minute\n  \
        tansiq demo --speed 1440 --background 0.1  a day a minute, a tenth of the traffic\n  \
        tansiq demo --port 9090 --data /tmp/demo --no-feed")]
    Demo(DemoArgs),
    /// Audit tools for the event log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Event log tools.
    #[command(subcommand)]
    Store(StoreCommand),
    /// AIS tools.
    #[command(subcommand)]
    Ais(AisCommand),
    /// Write a scenario's sensor feeds as files (NMEA, NDJSON, CoT XML), deterministic for a seed.
    #[command(after_help = "Examples:\n  \
        tansiq sim --scenario libya --out ./feeds\n  \
        tansiq sim --scenario libya --out ./feeds --hours 72 --seed 42\n\n\
        Writes ais.nmea, radar.ndjson, sensors.ndjson, units.cot and scenario.json (the schedule).")]
    Sim {
        #[arg(long)]
        scenario: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 24.0)]
        hours: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Start of the simulated period, UTC milliseconds (default 2026-06-01T00:00:00Z).
        #[arg(long, default_value_t = sim::DEFAULT_START_MS)]
        start: i64,
        /// Share of the background traffic to simulate, 0-1 (the scenarios always play).
        #[arg(long, default_value_t = 1.0)]
        background: f64,
    },
    /// Play recorded feeds (a `tansiq sim` folder) into a running centre over its API.
    #[command(
        after_help = "The password is read from TANSIQ_PASSWORD, else the first line of stdin.\n\nExamples:\n  \
        tansiq sim --scenario libya --out /tmp/day --hours 2\n  \
        TANSIQ_PASSWORD=demo tansiq replay /tmp/day --to http://127.0.0.1:8080 --speed 60"
    )]
    Replay {
        /// Folder holding ais.nmea, radar.ndjson, sensors.ndjson and units.cot.
        dir: PathBuf,
        /// The centre's URL.
        #[arg(long)]
        to: String,
        /// Recorded seconds per real second.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// The user to sign in as (its agency owns nothing here: sources keep their agencies).
        #[arg(long, default_value = "admin")]
        user: String,
    },
    /// Users of a centre (run while the centre is stopped).
    #[command(subcommand)]
    User(UserCommand),
    /// Agencies of a centre (run while the centre is stopped).
    #[command(subcommand)]
    Agency(AgencyCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; the password is the first line of stdin.
    #[command(
        after_help = "Example:\n  echo 's3cret' | tansiq user add --data ./centre cgw.watch --agency CGW --role watch_officer"
    )]
    Add {
        #[arg(long)]
        data: PathBuf,
        username: String,
        #[arg(long)]
        agency: String,
        /// admin, duty_officer, watch_officer, analyst, auditor, liaison or unit; repeatable.
        #[arg(long = "role", value_parser = parse_role, required = true)]
        roles: Vec<model::Role>,
    },
    /// Change a user's password (first line of stdin); their sessions end.
    Passwd {
        #[arg(long)]
        data: PathBuf,
        username: String,
    },
    /// Disable a user; their sessions end at once.
    Disable {
        #[arg(long)]
        data: PathBuf,
        username: String,
    },
    /// List users: name, agency, roles, state.
    List {
        #[arg(long)]
        data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AgencyCommand {
    /// Register an agency.
    #[command(
        after_help = "Example:\n  tansiq agency add --data ./centre CGW --name-en 'Coast Guard West' --name-ar 'خفر السواحل' --kind coast_guard"
    )]
    Add {
        #[arg(long)]
        data: PathBuf,
        id: String,
        #[arg(long)]
        name_en: String,
        #[arg(long)]
        name_ar: String,
        /// coast_guard, border_guard, army, police, customs or joint_centre.
        #[arg(long, value_parser = parse_agency_kind)]
        kind: model::AgencyKind,
    },
    /// List agencies.
    List {
        #[arg(long)]
        data: PathBuf,
    },
}

fn parse_role(text: &str) -> Result<model::Role, String> {
    model::Role::ALL
        .into_iter()
        .find(|r| r.as_str() == text)
        .ok_or_else(|| format!("unknown role {text:?}"))
}

fn parse_agency_kind(text: &str) -> Result<model::AgencyKind, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| format!("unknown agency kind {text:?}"))
}

#[derive(Debug, Subcommand)]
enum AisCommand {
    /// Decode NMEA 0183 AIS sentences (files, or stdin) to one JSON object per message, with
    /// gpsd's field names and unscaled values; a summary of counts and rejects on stderr.
    #[command(after_help = "Examples:\n  \
        tansiq ais decode capture.nmea > messages.ndjson\n  \
        nc -lu 10110 | tansiq ais decode --scaled\n  \
        tansiq ais decode --stats day1.nmea day2.nmea")]
    Decode {
        /// Input files, read in order as one stream; stdin when none.
        files: Vec<PathBuf>,
        /// Degrees, knots and metres instead of gpsd's raw integers.
        #[arg(long)]
        scaled: bool,
        /// Decode everything but print only the summary.
        #[arg(long)]
        stats: bool,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Folder of the embedded store (default: data_dir from the config, else ./tansiq-data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// HTTP port on the configured address (0 picks a free port).
    #[arg(long)]
    port: Option<u16>,
    /// TOML configuration file; an unknown key is an error naming the key.
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DemoArgs {
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Speed of the scenario relative to real time.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Folder of the demo's store; a restart with the same folder continues from its log.
    #[arg(long, default_value = "tansiq-demo-data")]
    data: PathBuf,
    /// Share of the simulated background traffic, 0-1 (the scenarios always play).
    #[arg(long, default_value_t = 1.0)]
    background: f64,
    /// Seed agencies, users and agreements only; feed no simulated sensors.
    #[arg(long)]
    no_feed: bool,
}

#[derive(Debug, Subcommand)]
enum StoreCommand {
    /// Copy a whole log into an empty one, then verify the copy's chain and its head.
    #[command(after_help = "A log is a data folder (its redb file) or a PostgreSQL URL, whose \
        chain is --chain. Stop the centre first: each log has one writer.\n\nExamples:\n  \
        tansiq store copy --from ./centre --to postgres://tansiq@db/tansiq --chain west\n  \
        tansiq store copy --from postgres://tansiq@db/tansiq --to ./restored --chain west")]
    Copy {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// The chain of whichever side is PostgreSQL.
        #[arg(long, default_value = "tansiq")]
        chain: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the log's hash chain; exit 0 when intact, 1 naming the first broken record.
    #[command(
        after_help = "Examples:\n  tansiq audit verify --data ./centre\n  tansiq audit verify --config /etc/tansiq/tansiq.toml   (the log its [log] names: redb or postgres)"
    )]
    Verify {
        /// The data folder of a centre whose log is the embedded redb file.
        #[arg(long, required_unless_present = "config", conflicts_with = "config")]
        data: Option<PathBuf>,
        /// A centre's configuration: verify the log its `[log]` table names.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let outcome = match cli.command {
        Command::Serve(args) => run::serve(args.config, args.data, args.port),
        Command::Demo(args) => {
            let feed = (!args.no_feed).then_some(args.background);
            run::demo(args.port, args.speed, args.data, feed)
        }
        Command::Audit(AuditCommand::Verify { data, config }) => match (data, config) {
            (Some(data), _) => audit::verify(&data),
            (None, Some(config)) => audit::verify_configured(&config),
            (None, None) => unreachable!("clap requires --data or --config"),
        },
        Command::Store(StoreCommand::Copy { from, to, chain }) => {
            store_copy::copy(&from, &to, &chain)
        }
        Command::Ais(AisCommand::Decode { files, scaled, stats }) => {
            ais::decode(&files, scaled, stats)
        }
        Command::User(UserCommand::Add { data, username, agency, roles }) => {
            admin::user_add(&data, &username, &agency, &roles)
        }
        Command::User(UserCommand::Passwd { data, username }) => {
            admin::user_passwd(&data, &username)
        }
        Command::User(UserCommand::Disable { data, username }) => {
            admin::user_disable(&data, &username)
        }
        Command::User(UserCommand::List { data }) => admin::user_list(&data),
        Command::Agency(AgencyCommand::Add { data, id, name_en, name_ar, kind }) => {
            admin::agency_add(&data, &id, &name_en, &name_ar, kind)
        }
        Command::Agency(AgencyCommand::List { data }) => admin::agency_list(&data),
        Command::Replay { dir, to, speed, user } => replay::replay(&dir, &to, speed, &user),
        Command::Sim { scenario, out, hours, seed, start, background } => {
            let params = sim::Params { scenario, hours, seed, start_ms: start, background };
            sim::run(&params, &out).map_err(anyhow::Error::from).map(|summary| {
                eprintln!(
                    "{} vessels, {} land tracks: {} AIS sentences, {} radar plots, {} ground-sensor detections, {} CoT events in {}",
                    summary.vessels,
                    summary.land_tracks,
                    summary.ais_sentences,
                    summary.radar_plots,
                    summary.sensor_detections,
                    summary.cot_events,
                    out.display()
                );
                ExitCode::SUCCESS
            })
        }
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tansiq: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TANSIQ_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}

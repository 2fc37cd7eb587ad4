//! `tansiq audit verify`: proves the log's hash chain intact, or names where it breaks.

use std::path::Path;
use std::process::ExitCode;

use store::{EventLog, RedbLog};

pub fn verify(data: &Path) -> anyhow::Result<ExitCode> {
    let path = data.join("log.redb");
    if !path.exists() {
        anyhow::bail!("no log at {}", path.display());
    }
    report(RedbLog::open(&path).and_then(|mut log| log.verify()))
}

/// The log a centre's configuration names (`[log] backend`), which must not be running: the
/// writer's lock of a PostgreSQL chain, or redb's lock on its file, refuses a second opener.
pub fn verify_configured(config: &Path) -> anyhow::Result<ExitCode> {
    let config = server::Config::load(config)?;
    if config.log.backend == server::settings::Backend::Redb {
        return verify(&config.data_dir);
    }
    let mut log = server::centre::open_log(&config.centre())?;
    report(log.verify())
}

fn report(outcome: Result<store::VerifyReport, store::StoreError>) -> anyhow::Result<ExitCode> {
    match outcome {
        Ok(report) => {
            let head: String = report.head.iter().map(|b| format!("{b:02x}")).collect();
            println!("ok: {} records, chain intact, head {head}", report.records);
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            println!("broken: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

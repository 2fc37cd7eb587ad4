//! `tansiq audit verify`: proves the log's hash chain intact, or names where it breaks.

use std::path::Path;
use std::process::ExitCode;

use store::{EventLog, RedbLog};

pub fn verify(data: &Path) -> anyhow::Result<ExitCode> {
    let path = data.join("log.redb");
    if !path.exists() {
        anyhow::bail!("no log at {}", path.display());
    }
    let outcome = RedbLog::open(&path).and_then(|mut log| log.verify());
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

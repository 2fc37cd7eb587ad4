//! `tansiq store copy --from LOG --to LOG`: moves a whole log from one backend to another
//! (a data folder's redb file, or a chain in PostgreSQL) and proves the copy on arrival.
//!
//! The destination must be empty. Records are read in order and appended in batches with the
//! same events, so the copy's chain is computed afresh by the destination; it is then walked
//! (`verify`) and its head must equal the source's, record count and hash, or the command fails.
//! Snapshots are not copied: the centre that opens the copy folds it from the start once.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use store::{EventLog, RedbLog};

const BATCH: usize = 1_000;

/// Opens a log named on the command line. `create`: a missing redb file may be made.
fn open(name: &str, chain: &str, create: bool) -> anyhow::Result<Box<dyn EventLog>> {
    if name.starts_with("postgres://") || name.starts_with("postgresql://") {
        let log = pglog::PgLog::open(name, chain)?;
        return Ok(Box::new(log));
    }
    let path = Path::new(name).join("log.redb");
    if !create && !path.exists() {
        bail!("no log at {}", path.display());
    }
    if create {
        std::fs::create_dir_all(name).with_context(|| format!("cannot create {name}"))?;
    }
    let log = RedbLog::open(&path).with_context(|| {
        format!("cannot open the log in {name} (is a centre running on this folder?)")
    })?;
    Ok(Box::new(log))
}

pub fn copy(from: &str, to: &str, chain: &str) -> anyhow::Result<ExitCode> {
    if from == to {
        bail!("--from and --to name the same log");
    }
    let source = open(from, chain, false)?;
    let source_head = source.head()?;
    let mut destination = open(to, chain, true)?;
    if destination.head()?.next_seq != 0 {
        bail!("{to} is not empty: a copy goes into an empty log");
    }
    let mut batch = Vec::with_capacity(BATCH);
    let mut failed = None;
    source.scan(0, &mut |record| {
        batch.push(record.event);
        if batch.len() == BATCH {
            if let Err(error) = destination.append(&batch) {
                failed = Some(error);
                return false;
            }
            batch.clear();
        }
        true
    })?;
    if let Some(error) = failed {
        return Err(error.into());
    }
    destination.append(&batch)?;
    let report = destination.verify().context("the copy does not verify")?;
    let hex = |h: &store::Hash| h.iter().map(|b| format!("{b:02x}")).collect::<String>();
    if report.records != source_head.next_seq || report.head != source_head.hash {
        println!(
            "broken: the copy holds {} records with head {}, the source {} with head {}",
            report.records,
            hex(&report.head),
            source_head.next_seq,
            hex(&source_head.hash)
        );
        return Ok(ExitCode::FAILURE);
    }
    println!("copied {} records, chain verified, head {}", report.records, hex(&report.head));
    Ok(ExitCode::SUCCESS)
}

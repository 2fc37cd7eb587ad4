//! `tansiq ais decode`: the AIS codec as a command-line filter (docs/contracts.md).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

const READ_BUFFER: usize = 1 << 20;

pub fn decode(files: &[PathBuf], scaled: bool, stats: bool) -> anyhow::Result<ExitCode> {
    let input: Box<dyn Read> = if files.is_empty() {
        Box::new(std::io::stdin().lock())
    } else {
        let mut chained: Box<dyn Read> = Box::new(std::io::empty());
        for path in files {
            let file =
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            chained = Box::new(chained.chain(file));
        }
        chained
    };
    let mut input = BufReader::with_capacity(READ_BUFFER, input);
    let mut out = BufWriter::with_capacity(READ_BUFFER, std::io::stdout().lock());
    let options = ais::DecodeOptions { scaled, stats_only: stats };
    let summary = ais::decode_stream(&mut input, &mut out, &options)?;
    out.flush()?;
    eprintln!("{summary}");
    Ok(ExitCode::SUCCESS)
}

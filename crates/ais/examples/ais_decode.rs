//! Stand-alone `ais decode` for benchmarks and manual runs until the CLI wires in
//! `ais::decode_stream`: `ais_decode [--scaled] [--stats] [FILE…]` (stdin when no file).

use std::io::{BufReader, BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut opts = ais::DecodeOptions::default();
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--scaled" => opts.scaled = true,
            "--stats" => opts.stats_only = true,
            _ => files.push(a),
        }
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut summaries = Vec::new();
    if files.is_empty() {
        let stdin = std::io::stdin();
        summaries.push(ais::decode_stream(&mut stdin.lock(), &mut out, &opts)?);
    }
    for f in &files {
        let mut r = BufReader::with_capacity(1 << 16, std::fs::File::open(f)?);
        summaries.push(ais::decode_stream(&mut r, &mut out, &opts)?);
    }
    out.flush()?;
    let mut total = ais::Summary::default();
    for s in &summaries {
        total.merge(s);
    }
    eprint!("{total}");
    Ok(())
}

//! In-process throughput of `decode_stream` (stats and JSON) over the repository's real
//! corpora repeated to ~300k lines; no benchmark framework, so it adds no dependency.
//! `cargo bench -p ais` prints the median and best of 7 runs. Ratios go in notes, never in tests.

use std::time::Instant;

use ais::{DecodeOptions, decode_stream};

fn corpus() -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/ais");
    let mut one = Vec::new();
    for f in [
        "gpsd/test/sample.aivdm",
        "gpsd/test/daemon/ais-nmea-type6-fid55.log",
        "pyais/tests/nmea_data_sample.txt",
        "rs162/data/ais_nmea.txt",
    ] {
        let text = std::fs::read(format!("{dir}/{f}")).unwrap_or_default();
        for line in text.split(|&b| b == b'\n') {
            if line.first() == Some(&b'!') {
                one.extend_from_slice(line);
                one.push(b'\n');
            }
        }
    }
    let mut all = Vec::with_capacity(one.len() * 100);
    while all.len() < 15_000_000 && !one.is_empty() {
        all.extend_from_slice(&one);
    }
    all
}

fn run(input: &[u8], opts: &DecodeOptions) -> (f64, u64) {
    let mut sink = std::io::sink();
    let start = Instant::now();
    let summary = decode_stream(&mut &input[..], &mut sink, opts).unwrap_or_default();
    (start.elapsed().as_secs_f64(), summary.counts.sentences)
}

fn main() {
    let input = corpus();
    for (name, opts) in [
        ("stats", DecodeOptions { scaled: false, stats_only: true }),
        ("json", DecodeOptions { scaled: false, stats_only: false }),
        ("json --scaled", DecodeOptions { scaled: true, stats_only: false }),
    ] {
        let mut times: Vec<(f64, u64)> = (0..7).map(|_| run(&input, &opts)).collect();
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (t, n) = times[times.len() / 2];
        let (best, _) = times[0];
        println!(
            "decode_stream {name:<14} {n} sentences: median {:.1} ms ({:.2}M/s), best {:.1} ms ({:.2}M/s)",
            t * 1e3,
            n as f64 / t / 1e6,
            best * 1e3,
            n as f64 / best / 1e6
        );
    }
}

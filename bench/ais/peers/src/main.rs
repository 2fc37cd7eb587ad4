//! `ais-peers-bench nmea-kit|ais FILE`: decode every AIS sentence of FILE with a peer crate
//! (multi-fragment messages reassembled, every message fully decoded) and print counts, so
//! bench/ais/run.sh can time the whole process next to `tansiq ais decode --stats`.

use std::io::{BufRead, BufReader};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(which), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: ais-peers-bench nmea-kit|ais FILE");
        std::process::exit(2);
    };
    let mut r = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let mut line = Vec::with_capacity(256);
    let (mut lines, mut messages, mut errors) = (0u64, 0u64, 0u64);
    match which.as_str() {
        "nmea-kit" => {
            let mut parser = nmea_kit::ais::AisParser::new();
            while r.read_until(b'\n', &mut line)? > 0 {
                lines += 1;
                let s = std::str::from_utf8(&line).unwrap_or("").trim_end();
                match nmea_kit::parse_frame(s) {
                    Ok(frame) => {
                        if let Some(m) = parser.decode(&frame) {
                            std::hint::black_box(&m);
                            messages += 1;
                        }
                    }
                    Err(_) => errors += 1,
                }
                line.clear();
            }
        }
        "ais" => {
            let mut parser = ais_peer::AisParser::new();
            while r.read_until(b'\n', &mut line)? > 0 {
                lines += 1;
                let l = line.strip_suffix(b"\n").unwrap_or(&line);
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                match parser.parse(l, true) {
                    Ok(ais_peer::AisFragments::Complete(s)) => {
                        if s.message.is_some() {
                            messages += 1;
                        }
                        std::hint::black_box(&s);
                    }
                    Ok(_) => {}
                    Err(_) => errors += 1,
                }
                line.clear();
            }
        }
        other => {
            eprintln!("unknown peer {other}");
            std::process::exit(2);
        }
    }
    eprintln!("{which}: {lines} lines, {messages} messages, {errors} errors");
    Ok(())
}

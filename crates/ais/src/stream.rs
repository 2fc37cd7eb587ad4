//! Whole-stream decoding for the `tansiq ais decode` command: lines in, gpsd-style NDJSON out,
//! and a human summary of what was decoded and what was rejected and why.

use std::fmt;
use std::io::{BufRead, Write};

use crate::decoder::{Counts, Decoder, RejectReason};
use crate::json::write_json;
use crate::reassembly::{ReassemblyConfig, ReassemblyStats};

/// Lines longer than this are cut, skipped and counted (no AIS sentence comes near it).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Options of [`decode_stream`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Print degrees, knots and metres (gpsd's scaled JSON) instead of raw integers.
    pub scaled: bool,
    /// Decode every message fully but print nothing; only the summary is returned.
    pub stats_only: bool,
}

/// What a stream contained: messages per type, rejected sentences per reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub counts: Counts,
    pub reassembly: ReassemblyStats,
    /// Lines longer than [`MAX_LINE_BYTES`], skipped.
    pub overlong_lines: u64,
}

impl Summary {
    /// Messages decoded.
    pub fn messages(&self) -> u64 {
        self.counts.messages()
    }
    /// Sentences rejected, all reasons.
    pub fn rejected(&self) -> u64 {
        self.counts.rejected.iter().sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        writeln!(
            f,
            "{} lines, {} ais sentences, {} messages, {} rejected, {} non-ais lines skipped",
            c.lines,
            c.sentences,
            self.messages(),
            self.rejected(),
            c.skipped + self.overlong_lines
        )?;
        let types: Vec<String> = c
            .by_type
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| format!("{t}:{n}"))
            .collect();
        writeln!(f, "messages by type: {}", types.join(" "))?;
        let reasons: Vec<String> = RejectReason::ALL
            .iter()
            .zip(c.rejected)
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{}:{n}", r.as_str()))
            .collect();
        if !reasons.is_empty() {
            writeln!(f, "rejected by reason: {}", reasons.join(" "))?;
        }
        let r = &self.reassembly;
        if r.timeouts + r.evictions + r.replaced > 0 {
            writeln!(
                f,
                "reassembly: {} timed out, {} evicted, {} replaced",
                r.timeouts, r.evictions, r.replaced
            )?;
        }
        if self.overlong_lines > 0 {
            writeln!(f, "overlong lines: {}", self.overlong_lines)?;
        }
        Ok(())
    }
}

/// Decode NMEA AIS sentences from `input` and write one gpsd-style JSON object per message to
/// `out` (nothing when `opts.stats_only`). Type 24 parts A and B are separate objects; tag
/// blocks appear under `"tagblock"`. Reassembly time comes from tag-block `c:` stamps (no clock
/// is read). Returns the [`Summary`], whose `Display` is meant for stderr.
///
/// This is the whole of `tansiq ais decode [FILE…] [--scaled] [--stats]`: the CLI (owned by the
/// `cli` crate) opens each file or stdin, calls this once per input and prints the summary.
pub fn decode_stream(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    opts: &DecodeOptions,
) -> std::io::Result<Summary> {
    let mut decoder = Decoder::new(ReassemblyConfig::default());
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut json: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut overlong = 0u64;
    let mut too_long = false;
    let mut now_ms = 0i64;
    loop {
        let avail = input.fill_buf()?;
        if avail.is_empty() {
            if !line.is_empty() && !too_long {
                process(&mut decoder, &line, &mut json, opts, &mut now_ms);
            }
            break;
        }
        let (chunk, complete, used) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (avail.get(..i).unwrap_or(&[]), true, i + 1),
            None => (avail, false, avail.len()),
        };
        if !too_long {
            if line.len() + chunk.len() > MAX_LINE_BYTES {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        input.consume(used);
        if complete {
            if too_long {
                overlong += 1;
            } else {
                process(&mut decoder, &line, &mut json, opts, &mut now_ms);
            }
            line.clear();
            too_long = false;
            if json.len() >= 60 * 1024 {
                out.write_all(&json)?;
                json.clear();
            }
        }
    }
    if too_long {
        overlong += 1;
    }
    out.write_all(&json)?;
    out.flush()?;
    Ok(Summary {
        counts: *decoder.counts(),
        reassembly: decoder.reassembly_stats(),
        overlong_lines: overlong,
    })
}

fn process(
    decoder: &mut Decoder,
    line: &[u8],
    json: &mut Vec<u8>,
    opts: &DecodeOptions,
    now_ms: &mut i64,
) {
    if let Ok(Some(d)) = decoder.decode_line(line, 0, *now_ms) {
        if let Some(t) = d.tag_block.and_then(|t| t.time) {
            *now_ms = (*now_ms).max(t.unix_ms);
        }
        if !opts.stats_only {
            write_json(json, &d, opts.scaled);
        }
    }
}

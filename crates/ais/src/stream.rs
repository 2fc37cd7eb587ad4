//! Whole-stream decoding for the `tansiq ais decode` command: lines in, gpsd-style NDJSON out,
//! and a human summary of what was decoded and what was rejected and why.

use std::fmt;
use std::io::{BufRead, Write};

use crate::decoder::{Counts, Decoder, RejectReason};
use crate::json::write_json;
use crate::reassembly::{ReassemblyConfig, ReassemblyStats};
use crate::scan::find_either;

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

    /// Add another input's summary (for one line on stderr after several files).
    pub fn merge(&mut self, other: &Summary) {
        let (c, o) = (&mut self.counts, &other.counts);
        c.lines += o.lines;
        c.sentences += o.sentences;
        c.skipped += o.skipped;
        c.truncated += o.truncated;
        for (a, b) in c.by_type.iter_mut().zip(o.by_type) {
            *a += b;
        }
        for (a, b) in c.rejected.iter_mut().zip(o.rejected) {
            *a += b;
        }
        let (r, q) = (&mut self.reassembly, &other.reassembly);
        r.timeouts += q.timeouts;
        r.evictions += q.evictions;
        r.replaced += q.replaced;
        self.overlong_lines += other.overlong_lines;
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
        if c.truncated > 0 {
            writeln!(f, "truncated payloads decoded in part: {}", c.truncated)?;
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
/// `cli` crate) opens each file or stdin, calls this once per input, folds the results with
/// [`Summary::merge`] and prints the summary on stderr. Per docs/contracts.md the exit status is 0
/// whenever this returns `Ok`, rejected sentences included; `Err` is an I/O error only.
pub fn decode_stream(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    opts: &DecodeOptions,
) -> std::io::Result<Summary> {
    let mut decoder = Decoder::new(ReassemblyConfig::default());
    // Holds only a line split across two reads; whole lines are decoded in place.
    let mut carry: Vec<u8> = Vec::with_capacity(256);
    let mut json: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut overlong = 0u64;
    let mut too_long = false;
    let mut now_ms = 0i64;
    loop {
        let avail = input.fill_buf()?;
        if avail.is_empty() {
            break;
        }
        let mut rest = avail;
        // Finish a line carried over from the previous read.
        if !carry.is_empty() || too_long {
            match find_either(rest, b'\n', b'\r') {
                Some(i) => {
                    let (head, tail) = rest.split_at(i);
                    if !too_long && carry.len() + head.len() <= MAX_LINE_BYTES {
                        carry.extend_from_slice(head);
                        process(&mut decoder, &carry, &mut json, opts, &mut now_ms);
                    } else {
                        overlong += 1;
                    }
                    carry.clear();
                    too_long = false;
                    rest = tail.get(1..).unwrap_or(&[]);
                }
                None => {
                    if carry.len() + rest.len() > MAX_LINE_BYTES {
                        too_long = true;
                        carry.clear();
                    } else if !too_long {
                        carry.extend_from_slice(rest);
                    }
                    rest = &[];
                }
            }
        }
        // Whole lines inside the buffer: no copy.
        while let Some(i) = find_either(rest, b'\n', b'\r') {
            let (l, tail) = rest.split_at(i);
            if l.len() > MAX_LINE_BYTES {
                overlong += 1;
            } else {
                process(&mut decoder, l, &mut json, opts, &mut now_ms);
            }
            rest = tail.get(1..).unwrap_or(&[]);
        }
        if rest.len() > MAX_LINE_BYTES {
            too_long = true;
        } else {
            carry.extend_from_slice(rest);
        }
        let n = avail.len();
        input.consume(n);
        if json.len() >= 60 * 1024 {
            out.write_all(&json)?;
            json.clear();
        }
    }
    if too_long {
        overlong += 1;
    } else if !carry.is_empty() {
        process(&mut decoder, &carry, &mut json, opts, &mut now_ms);
    }
    out.write_all(&json)?;
    out.flush()?;
    Ok(Summary {
        counts: *decoder.counts(),
        reassembly: decoder.reassembly_stats(),
        overlong_lines: overlong,
    })
}

/// Decode one line (CR, LF or CRLF terminated; the empty piece between CR and LF is no line).
fn process(
    decoder: &mut Decoder,
    line: &[u8],
    json: &mut Vec<u8>,
    opts: &DecodeOptions,
    now_ms: &mut i64,
) {
    if line.is_empty() {
        return;
    }
    if let Ok(Some(d)) = decoder.decode_line(line, 0, *now_ms) {
        if let Some(t) = d.tag_block.and_then(|t| t.time) {
            *now_ms = (*now_ms).max(t.unix_ms);
        }
        if !opts.stats_only {
            write_json(json, &d, opts.scaled);
        }
    }
}

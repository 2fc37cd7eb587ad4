//! AIS decoding, from NMEA lines to typed messages and gpsd-compatible JSON.
//!
//! The crate is a pure codec: no I/O beyond the `Read`/`Write` handed to [`decode_stream`], no
//! clock (reassembly time is supplied by the caller), no `unsafe`, no panics on any input, and
//! no heap allocation per message on the decode path (payloads, text and binary data live in
//! fixed inline buffers; the reassembler allocates its bounded slots once).
//!
//! Layers, bottom up:
//! - [`nmea`]: `!xxVDM`/`!xxVDO` sentences and NMEA 4.0 tag blocks, checksums verified,
//!   receiver metadata after the checksum tolerated.
//! - [`reassembly`]: multi-fragment groups keyed by connection, tag-block source, group or
//!   sequence id, channel and fragment count; bounded, with a timeout in caller time.
//! - [`bits`] and [`decode`]: six-bit de-armouring and the bit layouts of types 1–27, with
//!   gpsd's length rules; [`app`] decodes the DAC/FI application payloads gpsd decodes.
//! - [`messages`]: the typed structs, raw values plus `Option` accessors for sentinels.
//! - [`json`] / [`decode_stream`]: gpsd `gpsdecode -u` JSON (or `--scaled`), one object per
//!   message, type 24 parts separate, tag block under `"tagblock"`.
//!
//! Deliberately absent: sockets, files, clocks, vessel-state merging (static data from types
//! 5 and 24 is merged by the engine, not here).

pub mod app;
mod app_decode;
pub mod bits;
pub mod decode;
pub mod decoder;
pub mod json;
mod json_app;
pub mod messages;
pub mod nmea;
pub mod reassembly;
mod scan;
mod stream;
mod tables;
pub mod text;
mod truncated;
pub mod ttm;

pub use decode::PayloadError;
pub use decoder::{Counts, Decoded, Decoder, LineError, RejectReason};
pub use json::write_json;
pub use messages::{Body, Message};
pub use nmea::{Sentence, SentenceError, TagBlock};
pub use reassembly::ReassemblyConfig;
pub use stream::{DecodeOptions, MAX_LINE_BYTES, Summary, decode_stream};

//! The edges' pure half: bytes from the outside → observations, with no sockets, no clock and
//! no threads, so the server's sources, `tansiq replay` and the demo feed decode alike.
//!
//! - [`ais`]: AIS lines → observations, with the static cache and identity at the edge.
//! - [`ttm`]: a radar's `$xxTTM` targets placed by range and bearing from its site.
//! - [`json`]: observation JSON bodies (an array, one object, or a GeoJSON FeatureCollection).
//! - [`cot`]: a CoT event → an observation, as the TAK intake takes it.
//! - [`lines`]: a byte stream cut into bounded lines.
//! - [`recording`]: the four feed files `tansiq sim` writes, merged by time.
//!
//! What a source refuses comes back with a stable snake_case reason, which the server counts
//! as `tansiq_ingest_rejected_total{source, reason}`.

pub mod ais;
pub mod cot;
pub mod json;
pub mod lines;
pub mod recording;
pub mod ttm;

use model::{AgencyId, Marking, SourceKind};

/// What a source stamps on every observation it makes: its own id and agency (a sensor cannot
/// speak for another agency), its kind, and its default marking where an item gives none.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamp {
    pub source: String,
    pub source_kind: SourceKind,
    pub agency: AgencyId,
    pub marking: Marking,
}

impl Stamp {
    pub fn new(
        source: &str,
        source_kind: SourceKind,
        agency: &AgencyId,
        marking: &Marking,
    ) -> Stamp {
        Stamp {
            source: source.to_string(),
            source_kind,
            agency: agency.clone(),
            marking: marking.clone(),
        }
    }

    /// An AIS source's stamp.
    pub fn ais(source: &str, agency: &AgencyId, marking: &Marking) -> Stamp {
        Stamp::new(source, SourceKind::Ais, agency, marking)
    }
}

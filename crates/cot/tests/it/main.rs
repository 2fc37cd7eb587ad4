//! The cot crate's integration tests: real-looking events, round trips, hostile input.

// Helpers outside #[test] functions panic on purpose: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

mod control;
mod observation;
mod prop;
mod proto;
mod snapshots;
mod stream;
mod takproto;
mod xml;

pub const ATAK_SA: &str = include_str!("data/atak_sa.xml");
pub const GEOCHAT: &str = include_str!("data/geochat.xml");
pub const MARKER_HOSTILE: &str = include_str!("data/marker_hostile.xml");
pub const SPOT_MARKER: &str = include_str!("data/spot_marker.xml");

pub const FIXTURES: [(&str, &str); 4] = [
    ("atak_sa", ATAK_SA),
    ("geochat", GEOCHAT),
    ("marker_hostile", MARKER_HOSTILE),
    ("spot_marker", SPOT_MARKER),
];

pub fn read(xml: &str) -> cot::Event {
    cot::Event::from_xml(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}: {xml}"))
}

/// The event with its detail elements sorted: protobuf does not keep their order.
pub fn sorted(event: &cot::Event) -> cot::Event {
    let mut event = event.clone();
    if let Some(detail) = &mut event.detail {
        detail.elements.sort_by_key(|e| {
            let mut out = String::new();
            e.write(&mut out);
            out
        });
    }
    event
}

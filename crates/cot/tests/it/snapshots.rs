//! Snapshot tests: each captured-looking event in `data/*.xml` is read, written back and
//! converted to protobuf; the result must match `data/*.snap` exactly. Run with
//! `UPDATE_SNAPSHOTS=1` to rewrite the snapshots after an intended change, then review the diff.

use std::fmt::Write;
use std::path::Path;

fn render(xml: &str) -> String {
    let event = crate::read(xml);
    let message = event.to_tak_message().expect("converts to protobuf");
    let detail = message.cot_event.as_ref().and_then(|c| c.detail.clone()).unwrap_or_default();
    let mut out = String::new();
    writeln!(out, "# xml\n{}", event.to_xml()).unwrap();
    let typed: Vec<&str> = [
        ("contact", detail.contact.is_some()),
        ("__group", detail.group.is_some()),
        ("precisionlocation", detail.precision_location.is_some()),
        ("status", detail.status.is_some()),
        ("takv", detail.takv.is_some()),
        ("track", detail.track.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, present)| present.then_some(name))
    .collect();
    writeln!(out, "# protobuf typed detail\n{}", typed.join(" ")).unwrap();
    writeln!(out, "# protobuf xmlDetail\n{}", detail.xml_detail).unwrap();
    let back = cot::Event::from_tak_message(&message, cot::Limits::default()).unwrap();
    writeln!(out, "# xml from protobuf\n{}", back.to_xml()).unwrap();
    out
}

#[test]
fn captured_events_match_their_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for (name, xml) in crate::FIXTURES {
        let path = dir.join(format!("{name}.snap"));
        let actual = render(xml);
        if update {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != actual {
            stale.push(format!("{name}:\n--- expected\n{expected}\n--- actual\n{actual}"));
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots differ (UPDATE_SNAPSHOTS=1 to accept):\n{}",
        stale.join("\n")
    );
}

//! Facts about the shipped Libya geography that can be reasoned about from a map.

use geo::Geography;

#[test]
fn explore() {
    let g = Geography::libya().unwrap();
    for lat in [32.95, 33.0, 33.05, 33.1, 33.15, 33.2, 33.25, 33.3, 33.35, 33.4, 33.45, 33.5] {
        let d = g.distance_to_coast_m(12.12, lat).unwrap();
        let ids: Vec<_> = g.containing(12.12, lat).iter().map(|z| z.id.clone()).collect();
        println!("{lat} {:.1} nm {:?} {:?}", d / 1852.0, ids, g.surface(12.12, lat));
    }
    for p in [
        [14.04072, 22.75572],
        [14.05, 22.767],
        [14.06, 22.74],
        [11.50579, 33.14865],
        [11.45, 33.12],
    ] {
        let b = g.nearest_border(p[0], p[1]).unwrap();
        println!(
            "{p:?} {:?} {:?} {} {:?} {:?}",
            b.border.id,
            b.section.map(|s| &s.id),
            b.in_libya,
            b.at,
            g.nearest_crossing(p[0], p[1]).map(|(z, d)| (z.id.clone(), d))
        );
    }
    for z in g.zones() {
        println!("{} {:?} {:?}", z.id, z.kind, z.impact);
    }
    for (z, a, b) in g.sections("coast.lby") {
        println!("{} {a:.1} {b:.1}", z.id);
    }
}

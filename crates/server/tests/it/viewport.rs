//! The live stream with a viewport, over a real WebSocket: only what is in view arrives, in
//! batches; moving the view removes and adds; thinning caps at the limit (the selected track
//! always kept); the access policy still decides; garbage from the client is counted,
//! explained and ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{Socket, TestCentre};

/// West of Tripoli, where the first fleet sails.
const WEST: [f64; 4] = [11.5, 32.5, 13.5, 34.0];
/// Off Benghazi, where the second does.
const EAST: [f64; 4] = [19.0, 31.5, 21.0, 33.0];

async fn serve(c: &TestCentre) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = c.router.clone().into_make_service_with_connect_info::<std::net::SocketAddr>();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (addr, handle)
}

async fn connect(addr: std::net::SocketAddr, token: &str, query: &str) -> Socket {
    let url = format!("ws://{addr}/api/v1/stream?access_token={token}{query}");
    tokio_tungstenite::connect_async(url).await.expect("connect stream").0
}

/// What the client holds, built from the stream as the web client builds it.
#[derive(Default, Debug)]
struct Held {
    tracks: BTreeMap<String, [f64; 2]>,
    /// Tracks left out of the view, summed over the cluster cells last sent.
    clustered: u64,
    batches: u64,
    syncs: u64,
    errors: Vec<String>,
    /// The most tracks held at the end of any batch.
    peak: usize,
}

impl Held {
    fn apply(&mut self, m: &Value) {
        match (m["kind"].as_str(), m["op"].as_str()) {
            (Some("batch"), _) => {
                assert!(
                    m["data"]["time"].as_i64().is_some_and(|t| t > 0),
                    "a batch is stamped: {m}"
                );
                self.batches += 1;
                for inner in m["data"]["messages"].as_array().expect("messages") {
                    assert_ne!(inner["kind"], "batch", "batches do not nest");
                    self.apply(inner);
                }
                self.peak = self.peak.max(self.tracks.len());
            }
            (Some("track"), Some("upsert")) => {
                let c = &m["data"]["geometry"]["coordinates"];
                let at = [c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat")];
                self.tracks.insert(m["data"]["id"].as_str().expect("id").to_string(), at);
            }
            (Some("track"), Some("remove")) => {
                self.tracks.remove(m["data"]["id"].as_str().expect("id"));
            }
            (Some("cluster"), _) => {
                let cells = m["data"]["cells"].as_array().expect("cells");
                self.clustered = cells.iter().map(|c| c[2].as_f64().expect("count") as u64).sum();
            }
            (Some("sync"), _) => self.syncs += 1,
            (Some("error"), _) => {
                self.errors.push(m["data"]["code"].as_str().expect("code").to_string())
            }
            _ => {}
        }
    }

    fn ids(&self) -> BTreeSet<String> {
        self.tracks.keys().cloned().collect()
    }
}

/// Reads the stream into `held` until `done` holds (or fails after 10 s).
async fn follow(socket: &mut Socket, held: &mut Held, done: impl Fn(&Held) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done(held) {
        let next = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("stream went quiet; holding {held:?}"));
        let Some(Ok(Message::Text(text))) = next else { panic!("stream ended: {next:?}") };
        held.apply(&serde_json::from_str(&text).expect("json"));
    }
}

async fn send(socket: &mut Socket, text: String) {
    socket.send(Message::Text(text.into())).await.expect("send");
}

fn viewport(bbox: [f64; 4], zoom: f64, extra: Value) -> String {
    let mut m = json!({ "kind": "viewport", "bbox": bbox, "zoom": zoom });
    if let (Some(m), Some(extra)) = (m.as_object_mut(), extra.as_object()) {
        m.extend(extra.clone());
    }
    m.to_string()
}

fn query(bbox: [f64; 4], zoom: f64) -> String {
    format!("&bbox={},{},{},{}&zoom={zoom}", bbox[0], bbox[1], bbox[2], bbox[3])
}

/// Where vessel `i` of a fleet of `n` lies: on a diagonal across `bbox`.
fn spot(bbox: [f64; 4], i: u32, n: u32) -> [f64; 2] {
    let f = (f64::from(i) + 0.5) / f64::from(n);
    [bbox[0] + 0.2 + f * (bbox[2] - bbox[0] - 0.4), bbox[1] + 0.2 + f * (bbox[3] - bbox[1] - 0.4)]
}

/// Vessel `mmsi` a little north of `at`, reported now (its first report was two minutes ago,
/// so the step is a plausible one).
fn step(mmsi: u32, at: [f64; 2]) -> (Value, [f64; 2]) {
    let to = [at[0], at[1] + 0.001];
    (crate::observation(mmsi, to[0], to[1]), to)
}

/// `n` vessels reported by `agency` two minutes ago, at `spot`s across `bbox`; returns their
/// track ids.
async fn fleet(
    c: &TestCentre,
    agency: &str,
    first_mmsi: u32,
    n: u32,
    bbox: [f64; 4],
) -> Vec<String> {
    let token = c.login(&format!("{}.watch", agency.to_lowercase())).await;
    let observations: Vec<Value> = (0..n)
        .map(|i| {
            let [lon, lat] = spot(bbox, i, n);
            let mut o = crate::observation(first_mmsi + i, lon, lat);
            o["agency"] = json!(agency);
            o["time"] = json!(crate::now_ms() - 120_000);
            o
        })
        .collect();
    let (status, body) = c
        .call_as(Some(&token), "POST", "/api/v1/observations", json!(observations).to_string())
        .await;
    assert_eq!(status, 200, "{body}");
    let mmsis: BTreeSet<String> = (0..n).map(|i| (first_mmsi + i).to_string()).collect();
    for _ in 0..500 {
        let ids: Vec<String> = c.centre.read(|e| {
            e.tracks()
                .filter(|t| t.identity.mmsi.is_some_and(|m| mmsis.contains(&m.to_string())))
                .map(|t| t.id.0.to_string())
                .collect()
        });
        if ids.len() == n as usize {
            return ids;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the fleet of {agency} did not appear");
}

fn set(ids: &[String]) -> BTreeSet<String> {
    ids.iter().cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_tracks_in_view_arrive_and_moving_the_view_removes_and_adds() {
    let c = TestCentre::new().await;
    let west = fleet(&c, "CGW", 642_100_000, 12, WEST).await;
    let east = fleet(&c, "CGW", 642_200_000, 9, EAST).await;
    let (addr, server) = serve(&c).await;

    // The view on connect, in the URL: the first batch holds the west fleet and a sync.
    let mut socket = connect(addr, &c.token, &query(WEST, 8.0)).await;
    let mut held = Held::default();
    follow(&mut socket, &mut held, |h| h.syncs == 1).await;
    assert_eq!(held.ids(), set(&west), "only the tracks in view");
    assert_eq!(held.batches, 1, "the resynchronisation came as one batch");
    assert_eq!(held.clustered, 0, "nothing thinned");

    // A west vessel moves inside the view: its upsert arrives in a batch.
    let (moved, to) = step(642_100_000, spot(WEST, 0, 12));
    let (status, _) = c.post("/api/v1/observations", &json!([moved])).await;
    assert_eq!(status, 200);
    follow(&mut socket, &mut held, |h| h.tracks.values().any(|p| *p == to)).await;

    // An east vessel moves: outside the view, it never comes.
    let (far, _) = step(642_200_000, spot(EAST, 0, 9));
    c.post("/api/v1/observations", &json!([far])).await;

    // The view moves east: the west fleet is removed, the east fleet added.
    send(&mut socket, viewport(EAST, 8.0, json!({}))).await;
    follow(&mut socket, &mut held, |h| h.ids() == set(&east)).await;

    // A view over both holds both.
    send(&mut socket, viewport([11.0, 31.0, 21.5, 34.5], 6.0, json!({}))).await;
    let all: BTreeSet<String> = west.iter().chain(&east).cloned().collect();
    follow(&mut socket, &mut held, |h| h.ids() == all).await;
    assert!(held.errors.is_empty(), "{:?}", held.errors);
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thinning_caps_at_the_limit_clusters_the_rest_and_keeps_the_selected() {
    let c = TestCentre::new().await;
    let west = fleet(&c, "CGW", 642_300_000, 40, WEST).await;
    let (addr, server) = serve(&c).await;
    let mut socket = connect(addr, &c.token, "").await;
    let mut held = Held::default();
    // Without a viewport: everything, message by message, as before.
    follow(&mut socket, &mut held, |h| h.syncs == 1).await;
    assert_eq!(held.ids(), set(&west));
    assert_eq!(held.batches, 0, "no batches without a viewport");

    // The selected track lies outside the view; it comes all the same.
    let selected = fleet(&c, "CGW", 642_400_000, 1, EAST).await.remove(0);
    follow(&mut socket, &mut held, |h| h.tracks.contains_key(&selected)).await;
    send(&mut socket, viewport(WEST, 7.0, json!({ "limit": 8, "selected": selected }))).await;
    follow(&mut socket, &mut held, |h| h.batches >= 1 && h.tracks.len() <= 8).await;
    assert_eq!(held.tracks.len(), 8, "thinned to the limit");
    assert!(held.tracks.contains_key(&selected), "the selected track always comes");
    assert_eq!(held.clustered, 33, "the 33 west tracks left out are counted in clusters");

    // Updates of every track in view: still never more than the limit held.
    let (moves, moved): (Vec<Value>, Vec<[f64; 2]>) =
        (0..40u32).map(|i| step(642_300_000 + i, spot(WEST, i, 40))).unzip();
    let (status, body) = c.post("/api/v1/observations", &json!(moves)).await;
    assert_eq!(status, 200, "{body}");
    follow(&mut socket, &mut held, |h| {
        h.tracks.iter().filter(|(id, p)| **id != selected && moved.contains(p)).count() == 7
    })
    .await;
    assert!(held.peak <= 8, "held {} tracks at the end of a batch", held.peak);
    assert!(held.tracks.contains_key(&selected));
    assert_eq!(held.clustered, 33);

    // A larger limit lets all in.
    send(&mut socket, viewport(WEST, 7.0, json!({ "limit": 100 }))).await;
    follow(&mut socket, &mut held, |h| h.tracks.len() == 40 && h.clustered == 0).await;
    assert!(!held.tracks.contains_key(&selected), "no longer selected, out of view: removed");
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_policy_still_decides_with_a_viewport() {
    let c = TestCentre::new().await;
    let cgw = fleet(&c, "CGW", 642_500_000, 6, WEST).await;
    let ars = fleet(&c, "ARS", 642_600_000, 4, WEST).await;
    let (addr, server) = serve(&c).await;
    let ars_token = c.login("ars.watch").await;
    let mut socket = connect(addr, &ars_token, &query(WEST, 8.0)).await;
    let mut held = Held::default();
    follow(&mut socket, &mut held, |h| h.syncs == 1).await;
    // What the policy allows ARS, computed by the policy itself.
    let viewer = access::Viewer {
        user: "ars.watch".into(),
        agency: model::AgencyId::new("ARS"),
        roles: [model::Role::WatchOfficer].into(),
    };
    let allowed = |c: &TestCentre| -> BTreeSet<String> {
        let now = crate::now();
        c.centre.read(|e| {
            let agreements: Vec<model::Agreement> = e.directory().agreements().cloned().collect();
            e.tracks()
                .filter(|t| access::can_see_track(&viewer, t, &agreements, now).allowed)
                .map(|t| t.id.0.to_string())
                .collect()
        })
    };
    assert_eq!(held.ids(), allowed(&c));
    assert_eq!(held.ids(), set(&ars), "ARS sees its own vessels, not CGW's");

    // CGW shares its tracks with ARS: the stream resynchronises, the view now holds both.
    let now = crate::now();
    let agreement = model::Agreement {
        id: "cgw-ars".into(),
        from: model::AgencyId::new("CGW"),
        to: model::AgencyId::new("ARS"),
        scope: model::AgreementScope {
            tracks: Some(model::TrackScope::default()),
            alerts: false,
            incidents: None,
            units: false,
        },
        areas: Vec::new(),
        ceiling: model::Classification::Restricted,
        valid_from: now,
        valid_until: None,
        revoked: None,
    };
    let kind = model::EventKind::AgreementSet { agreement, actor: "test".into() };
    c.centre.append_folded(vec![model::Event { time: now, kind }]).await.expect("agreement");
    follow(&mut socket, &mut held, |h| h.syncs == 2).await;
    let both: BTreeSet<String> = cgw.iter().chain(&ars).cloned().collect();
    assert_eq!(held.ids(), both);
    assert_eq!(held.ids(), allowed(&c));

    // Revoked: CGW's vessels are withdrawn again.
    let kind = model::EventKind::AgreementRevoked { id: "cgw-ars".into(), actor: "test".into() };
    let event = model::Event { time: crate::now(), kind };
    c.centre.append_folded(vec![event]).await.expect("revoke");
    follow(&mut socket, &mut held, |h| h.syncs == 3).await;
    assert_eq!(held.ids(), set(&ars));
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_viewport_messages_are_counted_explained_and_ignored() {
    let c = TestCentre::new().await;
    let west = fleet(&c, "CGW", 642_700_000, 5, WEST).await;
    let east = fleet(&c, "CGW", 642_800_000, 3, EAST).await;
    let (addr, server) = serve(&c).await;
    let rejected = |reason: &str| {
        c.centre
            .metrics()
            .stream_rejected
            .get_or_create(&server::metrics::ReasonLabels { reason: reason.into() })
            .get()
    };
    // A bad viewport in the URL: counted, and the stream starts as if none was given.
    let mut socket = connect(addr, &c.token, "&bbox=20,30,10,35&zoom=5").await;
    assert_eq!(rejected("bbox"), 1);
    let mut held = Held::default();
    follow(&mut socket, &mut held, |h| h.syncs == 1).await;
    assert_eq!(held.tracks.len(), 8, "no viewport: everything");

    send(&mut socket, viewport(WEST, 8.0, json!({}))).await;
    follow(&mut socket, &mut held, |h| h.ids() == set(&west)).await;
    let garbage = [
        ("{not json".to_string(), "bad_json"),
        (r#"{"kind":"viewport","bbox":[NaN,30,15,35],"zoom":5}"#.to_string(), "bad_json"),
        (viewport([20.0, 30.0, 10.0, 35.0], 5.0, json!({})), "bad_bbox"),
        (viewport([10.0, 35.0, 15.0, 30.0], 5.0, json!({})), "bad_bbox"),
        (r#"{"kind":"viewport","bbox":[1,2,3],"zoom":5}"#.to_string(), "bad_bbox"),
        (r#"{"kind":"viewport","bbox":[10,30,15,35],"zoom":1e999}"#.to_string(), "bad_json"),
        (r#"{"kind":"viewport","bbox":[10,30,15,35],"zoom":"far"}"#.to_string(), "bad_zoom"),
        (viewport(WEST, 8.0, json!({ "limit": -3 })), "bad_limit"),
        (r#"{"kind":"teleport"}"#.to_string(), "bad_kind"),
        ("[]".to_string(), "bad_kind"),
    ];
    for (text, _) in &garbage {
        send(&mut socket, text.clone()).await;
    }
    socket.send(Message::Binary(vec![0xff, 0x00].into())).await.expect("send binary");
    follow(&mut socket, &mut held, |h| h.errors.len() == garbage.len() + 1).await;
    let codes: Vec<&str> = garbage.iter().map(|(_, code)| *code).chain(["bad_binary"]).collect();
    assert_eq!(held.errors, codes);
    assert_eq!(rejected("json"), 3);
    assert_eq!(rejected("bbox"), 4);
    assert_eq!(rejected("zoom"), 1);
    assert_eq!(rejected("limit"), 1);
    assert_eq!(rejected("kind"), 2);
    assert_eq!(rejected("binary"), 1);
    // The view is unchanged by garbage, and the stream keeps serving: updates arrive, a
    // good viewport still moves the view.
    assert_eq!(held.ids(), set(&west));
    let (moved, to) = step(642_700_000, spot(WEST, 0, 5));
    c.post("/api/v1/observations", &json!([moved])).await;
    follow(&mut socket, &mut held, |h| h.tracks.values().any(|p| *p == to)).await;
    send(&mut socket, viewport(EAST, 8.0, json!({}))).await;
    follow(&mut socket, &mut held, |h| h.ids() == set(&east)).await;
    server.abort();
}

//! No response contains what the policy refuses: random agencies, markings, agreements and
//! tracks, read through REST and the live stream, compared with `access::can_see_track`,
//! over at least 100,000 (viewer, track) cases; and revocation removes at once.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use model::{
    AgencyId, Agreement, AgreementScope, Area, Classification, Event, EventKind, Identity, Marking,
    ObjectKind, Observation, Position, SourceKind, Time, TrackScope,
};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use crate::{Socket, TestCentre, seed_events};

const AGENCIES: [&str; 4] = ["CGW", "ARS", "MOI", "JOC"];
const VIEWERS: [&str; 4] = ["cgw.watch", "ars.watch", "moi.watch", "joc.watch"];
const WORLDS: u64 = 100;
const TRACKS: u64 = 260;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const LEVELS: [Classification; 4] = [
    Classification::Unclassified,
    Classification::Restricted,
    Classification::Confidential,
    Classification::Secret,
];
const KINDS: [ObjectKind; 4] =
    [ObjectKind::Vessel, ObjectKind::Vehicle, ObjectKind::Person, ObjectKind::Unknown];
const SOURCES: [SourceKind; 4] =
    [SourceKind::Ais, SourceKind::Radar, SourceKind::Sensor, SourceKind::Cot];

fn subset<T: Copy + Ord>(rng: &mut Rng, items: &[T], percent: u64) -> BTreeSet<T> {
    items.iter().copied().filter(|_| rng.chance(percent)).collect()
}

fn random_agreement(rng: &mut Rng, n: usize, now: Time) -> Agreement {
    let from = rng.pick(&AGENCIES);
    let to = rng.pick(&AGENCIES);
    let tracks = rng.chance(80).then(|| TrackScope {
        kinds: if rng.chance(50) { BTreeSet::new() } else { subset(rng, &KINDS, 50) },
        source_kinds: if rng.chance(60) { BTreeSet::new() } else { subset(rng, &SOURCES, 60) },
    });
    let areas = if rng.chance(30) {
        vec![Area::Bbox([11.0, 30.0, 11.0 + rng.below(6) as f64, 35.0])]
    } else {
        vec![]
    };
    Agreement {
        id: format!("a{n}"),
        from: AgencyId::new(from),
        to: AgencyId::new(to),
        scope: AgreementScope { tracks, alerts: rng.chance(50), ..AgreementScope::default() },
        areas,
        ceiling: rng.pick(&LEVELS),
        valid_from: Time(0),
        valid_until: rng.chance(10).then(|| now.plus_millis(-1)),
        revoked: None,
    }
}

fn random_observation(rng: &mut Rng, key: u64, now: Time) -> Observation {
    let agency = rng.pick(&AGENCIES);
    let mut releasable = BTreeSet::new();
    if rng.chance(20) {
        releasable.insert(AgencyId::new(rng.pick(&AGENCIES)));
    }
    Observation {
        source: format!("src-{agency}"),
        source_kind: rng.pick(&SOURCES),
        agency: AgencyId::new(agency),
        marking: Marking { level: rng.pick(&LEVELS), releasable_to: releasable },
        time: now,
        position: Position {
            lon: 11.0 + rng.below(800) as f64 / 100.0,
            lat: 30.0 + rng.below(500) as f64 / 100.0,
            alt_m: None,
            accuracy_m: None,
        },
        speed_mps: None,
        course_deg: None,
        heading_deg: None,
        identity: Identity { mmsi: Some(600_000_000 + key as u32), ..Identity::default() },
        kind: rng.pick(&KINDS),
        exercise: false,
    }
}

/// What the policy says each viewer may see, straight from the engine's state.
fn expected(c: &TestCentre, viewer: &access::Viewer) -> BTreeSet<String> {
    let now = crate::now();
    c.centre.read(|engine| {
        let agreements: Vec<Agreement> = engine.directory().agreements().cloned().collect();
        engine
            .tracks()
            .filter(|t| access::can_see_track(viewer, t, &agreements, now).allowed)
            .map(|t| t.id.0.to_string())
            .collect()
    })
}

fn ids(body: &Value) -> BTreeSet<String> {
    body["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str().map(str::to_string))
        .collect()
}

fn viewer_of(c: &TestCentre, username: &str) -> access::Viewer {
    c.centre.read(|engine| {
        let u = engine.directory().user(username).expect("user");
        access::Viewer {
            user: u.username.clone(),
            agency: u.agency.clone(),
            roles: u.roles.clone(),
        }
    })
}

/// Applies stream messages to `held` until the next `sync` (or, with `until_sync` false, until
/// `held` equals `want`).
async fn follow(socket: &mut Socket, held: &mut BTreeSet<String>, want: Option<&BTreeSet<String>>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if want.is_some_and(|w| w == held) {
            return;
        }
        let next =
            tokio::time::timeout_at(deadline, socket.next()).await.expect("stream went quiet");
        let Some(Ok(Message::Text(text))) = next else { panic!("stream ended: {next:?}") };
        let m: Value = serde_json::from_str(&text).expect("json");
        match (m["kind"].as_str(), m["op"].as_str()) {
            (Some("track"), Some("upsert")) => {
                held.insert(m["data"]["id"].as_str().expect("id").to_string());
            }
            (Some("track"), Some("remove")) => {
                held.remove(m["data"]["id"].as_str().expect("id"));
            }
            (Some("sync"), _) if want.is_none() => return,
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_response_contains_what_the_policy_refuses() {
    let seed = std::env::var("TANSIQ_LEAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x007a_4551_u64);
    let mut cases = 0u64;
    let mut shown = 0u64;
    for world in 0..WORLDS {
        let mut rng = Rng(seed ^ world.wrapping_mul(0x9e37_79b9));
        let c = TestCentre::new().await;
        let now = crate::now();
        let mut events: Vec<Event> = Vec::new();
        let agreements: Vec<Agreement> =
            (0..rng.below(7) as usize).map(|n| random_agreement(&mut rng, n, now)).collect();
        for agreement in &agreements {
            events.push(Event {
                time: now,
                kind: EventKind::AgreementSet {
                    agreement: agreement.clone(),
                    actor: "test".into(),
                },
            });
        }
        for key in 0..TRACKS {
            events.push(Event::observation(now, random_observation(&mut rng, key, now)));
            if rng.chance(15) {
                // A second agency reports the same object: a fused track.
                events.push(Event::observation(now, random_observation(&mut rng, key, now)));
            }
        }
        c.centre.append_folded(events).await.expect("world");
        let mut tokens = BTreeMap::new();
        for user in VIEWERS {
            tokens.insert(user, c.login(user).await);
        }

        // The stream of one viewer per world, opened before the revocation below.
        let streamer = VIEWERS[(world % 4) as usize];
        let (addr, server) = serve(&c).await;
        let url = format!("ws://{addr}/api/v1/stream?access_token={}", tokens[streamer]);
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("connect stream");
        let mut held = BTreeSet::new();
        follow(&mut socket, &mut held, None).await;
        let stream_viewer = viewer_of(&c, streamer);
        assert_eq!(
            held,
            expected(&c, &stream_viewer),
            "world {world}: stream snapshot for {streamer}"
        );

        for user in VIEWERS {
            let viewer = viewer_of(&c, user);
            let want = expected(&c, &viewer);
            let (status, body) = c.call_as(Some(&tokens[user]), "GET", "/api/v1/tracks", "").await;
            assert_eq!(status, 200);
            let got = ids(&body);
            let all = c.centre.read(|e| e.track_count()) as u64;
            let leaked: Vec<_> = got.difference(&want).collect();
            assert!(leaked.is_empty(), "world {world}: {user} was shown {leaked:?}");
            assert_eq!(got, want, "world {world}: {user} must see everything the policy allows");
            cases += all;
            shown += got.len() as u64;
            // By id: a sample of tracks, visible or not.
            for n in 0..5 {
                let id = format!("t{}", rng.below(TRACKS + 40) + n);
                let (status, _) = c
                    .call_as(Some(&tokens[user]), "GET", &format!("/api/v1/tracks/{id}"), "")
                    .await;
                assert_eq!(
                    status == 200,
                    want.contains(&id),
                    "world {world}: {user} GET {id} -> {status}"
                );
            }
        }

        // Revoke one agreement in force: the next responses and the open stream drop what it released.
        if let Some(victim) = agreements.iter().find(|a| a.in_force(now)) {
            let revoke = Event {
                time: crate::now(),
                kind: EventKind::AgreementRevoked { id: victim.id.clone(), actor: "test".into() },
            };
            c.centre.append_folded(vec![revoke]).await.expect("revoke");
            for user in VIEWERS {
                let viewer = viewer_of(&c, user);
                let want = expected(&c, &viewer);
                let (_, body) = c.call_as(Some(&tokens[user]), "GET", "/api/v1/tracks", "").await;
                assert_eq!(ids(&body), want, "world {world}: {user} after revoking {}", victim.id);
            }
            let want = expected(&c, &stream_viewer);
            follow(&mut socket, &mut held, Some(&want)).await;
        }
        let _ = socket.close(None).await;
        server.abort();
        c.centre.stop();
    }
    eprintln!("{cases} (viewer, track) cases over {WORLDS} worlds, {shown} shown, 0 leaks");
    assert!(cases >= 100_000, "only {cases} cases");
    assert!(
        shown > cases / 20 && shown < cases,
        "the worlds share some and hide some: {shown} of {cases}"
    );
}

/// Serves the test centre's router on a real loopback socket (the stream needs one).
async fn serve(c: &TestCentre) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = c.router.clone().into_make_service_with_connect_info::<std::net::SocketAddr>();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (addr, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_closes_when_its_session_ends_and_refuses_bad_tokens() {
    let c = TestCentre::new().await;
    let (addr, server) = serve(&c).await;
    let bad = format!("ws://{addr}/api/v1/stream?access_token={}", "0".repeat(64));
    assert!(
        tokio_tungstenite::connect_async(bad).await.is_err(),
        "no stream without a valid token"
    );
    let token = c.login("ars.watch").await;
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/stream?access_token={token}"))
            .await
            .expect("connect");
    let mut held = BTreeSet::new();
    follow(&mut socket, &mut held, None).await;
    // Garbage from the client is ignored; the stream keeps serving.
    socket.send(Message::Text("{not json".into())).await.expect("send garbage");
    socket.send(Message::Binary(vec![0xff, 0x00].into())).await.expect("send garbage");
    let event = Event {
        time: crate::now(),
        kind: EventKind::UserDisabled { username: "ars.watch".into(), actor: "test".into() },
    };
    c.centre.append_folded(vec![event]).await.expect("disable");
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(closed, Some(4401));
    server.abort();
    let _ = seed_events;
}

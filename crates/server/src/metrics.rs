//! Every metric the centre exports, declared in one place (`tansiq_<area>_<thing>_<unit>`).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SourceLabels {
    pub source: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RejectLabels {
    pub source: String,
    pub reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SkipLabels {
    pub reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StageLabels {
    pub stage: String,
}

#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    pub events_appended: Counter,
    pub batches_committed: Counter,
    pub append_latency: Histogram,
    pub append_failures: Counter,
    pub observations_accepted: Family<SourceLabels, Counter>,
    pub observations_rejected: Family<RejectLabels, Counter>,
    pub queue_full: Family<StageLabels, Counter>,
    pub subscriber_lagged: Counter,
    /// Messages a live-stream client sent that were ignored, by reason (`json`, `kind`,
    /// `bbox`, `zoom`, `limit`, `selected`, `binary`).
    pub stream_rejected: Family<ReasonLabels, Counter>,
    pub events_folded: Counter,
    pub tracks: Gauge,
    /// Observations in the log the fold did not move a track with, by reason (`impossible`,
    /// `late`, `duplicate`); derived from the state, so it survives restarts.
    pub observations_skipped: Family<SkipLabels, Gauge>,
    /// Fixes that moved a track without an MMSI faster than anything moves (`engine::
    /// TELEPORT_MPS`): taken as its newest position and counted. Derived from the state.
    pub observations_teleported: Gauge,
    pub snapshots_written: Counter,
    pub unauthorized: Counter,
    pub ais: AisMetrics,
    pub tak: TakMetrics,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ListenerLabels {
    pub listener: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

/// The TAK server's counters (`crate::tak`).
#[derive(Debug, Default)]
pub struct TakMetrics {
    /// Connections accepted, by listener (`tcp`, `tls`).
    pub connections: Family<ListenerLabels, Counter>,
    /// Connections closed, by reason (`closed`, `slow_client`, `tls_handshake`, a framing
    /// error's reason …).
    pub disconnects: Family<ReasonLabels, Counter>,
    /// Events received from clients, by kind (`sa`, `chat`, `ping`, `control`, `other`).
    pub received: Family<KindLabels, Counter>,
    /// Frames skipped or refused without closing the connection, by reason.
    pub skipped: Family<ReasonLabels, Counter>,
    /// Events queued to clients.
    pub sent: Counter,
    /// Connected clients now.
    pub clients: Gauge,
}

impl TakMetrics {
    fn register(registry: &mut Registry) -> TakMetrics {
        let tak = TakMetrics::default();
        registry.register(
            "tak_connections",
            "TAK connections accepted, by listener",
            tak.connections.clone(),
        );
        registry.register(
            "tak_disconnects",
            "TAK connections closed, by reason",
            tak.disconnects.clone(),
        );
        registry.register(
            "tak_events_received",
            "CoT events received from TAK clients, by kind",
            tak.received.clone(),
        );
        registry.register(
            "tak_frames_skipped",
            "TAK frames refused without closing the connection, by reason",
            tak.skipped.clone(),
        );
        registry.register("tak_events_sent", "CoT events queued to TAK clients", tak.sent.clone());
        registry.register("tak_clients", "TAK clients connected", tak.clients.clone());
        tak
    }

    pub fn disconnected(&self, reason: &str) {
        self.disconnects.get_or_create(&ReasonLabels { reason: reason.to_string() }).inc();
    }

    pub fn skipped(&self, reason: &str) {
        self.skipped.get_or_create(&ReasonLabels { reason: reason.to_string() }).inc();
    }

    pub fn received(&self, kind: &str) {
        self.received.get_or_create(&KindLabels { kind: kind.to_string() }).inc();
    }
}

/// Per-source counters of the AIS sources (`source` label = the source's id).
#[derive(Debug, Default)]
pub struct AisMetrics {
    /// Lines that were AIS sentences, accepted or rejected.
    pub sentences: Family<SourceLabels, Counter>,
    /// Messages decoded (a multi-fragment message counts once).
    pub messages: Family<SourceLabels, Counter>,
    /// Lines refused, by reason (the codec's reasons, `not_ais`, `line_too_long`).
    pub rejects: Family<RejectLabels, Counter>,
    /// Multi-fragment groups dropped unfinished after the reassembly timeout.
    pub reassembly_timeouts: Family<SourceLabels, Counter>,
    /// TCP connections established to a feed server.
    pub connections: Family<SourceLabels, Counter>,
    /// TCP connection attempts that failed or timed out.
    pub connection_failures: Family<SourceLabels, Counter>,
}

impl AisMetrics {
    fn register(registry: &mut Registry) -> AisMetrics {
        let ais = AisMetrics::default();
        let families = [
            ("ais_sentences", "AIS sentences received, by source", &ais.sentences),
            ("ais_messages", "AIS messages decoded, by source", &ais.messages),
            (
                "ais_reassembly_timeouts",
                "unfinished multi-fragment AIS messages dropped, by source",
                &ais.reassembly_timeouts,
            ),
            ("ais_connections", "TCP connections to an AIS feed, by source", &ais.connections),
            (
                "ais_connection_failures",
                "failed TCP connection attempts to an AIS feed, by source",
                &ais.connection_failures,
            ),
        ];
        for (name, help, family) in families {
            registry.register(name, help, family.clone());
        }
        registry.register(
            "ais_rejects",
            "AIS lines rejected, by source and reason",
            ais.rejects.clone(),
        );
        ais
    }
}

impl Metrics {
    /// Copies the engine's skip counts into their gauges.
    pub fn skipped(&self, engine: &engine::Engine) {
        for (reason, n) in [
            ("impossible", engine.refused()),
            ("late", engine.late()),
            ("duplicate", engine.duplicates()),
        ] {
            let labels = SkipLabels { reason: reason.into() };
            self.observations_skipped.get_or_create(&labels).set(n as i64);
        }
        self.observations_teleported.set(engine.teleports() as i64);
    }

    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("tansiq");
        let events_appended = Counter::default();
        registry.register(
            "log_events_appended",
            "events durably appended to the log",
            events_appended.clone(),
        );
        let batches_committed = Counter::default();
        registry.register(
            "log_batches_committed",
            "group-commit transactions",
            batches_committed.clone(),
        );
        let append_latency = Histogram::new(exponential_buckets(0.000_1, 2.0, 16));
        registry.register(
            "log_append_latency_seconds",
            "time of one durable group commit",
            append_latency.clone(),
        );
        let append_failures = Counter::default();
        registry.register(
            "log_append_failures",
            "group commits that failed",
            append_failures.clone(),
        );
        let observations_accepted = Family::default();
        registry.register(
            "ingest_observations_accepted",
            "observations accepted, by source",
            observations_accepted.clone(),
        );
        let observations_rejected = Family::default();
        registry.register(
            "ingest_observations_rejected",
            "observations rejected, by source and reason",
            observations_rejected.clone(),
        );
        let queue_full = Family::default();
        registry.register(
            "pipeline_queue_full",
            "times a bounded queue was full, by stage",
            queue_full.clone(),
        );
        let subscriber_lagged = Counter::default();
        registry.register(
            "publish_subscriber_lagged",
            "updates a slow subscriber missed",
            subscriber_lagged.clone(),
        );
        let stream_rejected = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "stream_client_messages_rejected",
            "messages from live-stream clients ignored as malformed, by reason",
            stream_rejected.clone(),
        );
        let events_folded = Counter::default();
        registry.register(
            "engine_events_folded",
            "events folded into the state",
            events_folded.clone(),
        );
        let tracks = Gauge::default();
        registry.register("engine_tracks", "tracks in the picture", tracks.clone());
        let observations_skipped = Family::<SkipLabels, Gauge>::default();
        registry.register(
            "engine_observations_skipped",
            "observations that did not move a track: impossible position, late or duplicate",
            observations_skipped.clone(),
        );
        let observations_teleported = Gauge::default();
        registry.register(
            "engine_observations_teleported",
            "fixes that moved a track without an MMSI over 10 km faster than 1000 m/s: taken as \
             its newest position and counted (an MMSI's such jumps split off into tracks of \
             their own)",
            observations_teleported.clone(),
        );
        let snapshots_written = Counter::default();
        registry.register(
            "engine_snapshots_written",
            "state snapshots written",
            snapshots_written.clone(),
        );
        let unauthorized = Counter::default();
        registry.register(
            "http_unauthorized",
            "requests refused for want of a valid token",
            unauthorized.clone(),
        );
        let ais = AisMetrics::register(&mut registry);
        let tak = TakMetrics::register(&mut registry);
        Metrics {
            registry,
            events_appended,
            batches_committed,
            append_latency,
            append_failures,
            observations_accepted,
            observations_rejected,
            queue_full,
            subscriber_lagged,
            stream_rejected,
            events_folded,
            tracks,
            observations_skipped,
            observations_teleported,
            snapshots_written,
            unauthorized,
            ais,
            tak,
        }
    }

    pub fn accepted(&self, source: &str, n: u64) {
        self.observations_accepted
            .get_or_create(&SourceLabels { source: source.to_string() })
            .inc_by(n);
    }

    pub fn rejected(&self, source: &str, reason: &str) {
        self.observations_rejected
            .get_or_create(&RejectLabels { source: source.to_string(), reason: reason.to_string() })
            .inc();
    }

    pub fn full(&self, stage: &str) {
        self.queue_full.get_or_create(&StageLabels { stage: stage.to_string() }).inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

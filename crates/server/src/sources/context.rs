//! What every source is given: its id, the centre's clock and validation limits, a bounded
//! queue into the log with its counted policies, and its metrics.

use std::time::Duration;

use model::{Observation, Time, ValidationLimits};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::centre::{AppendError, Centre};
use crate::metrics::Metrics;

/// Observations a source may hold while the log catches up.
const QUEUE: usize = 16_384;
/// Most observations the forwarder appends in one request.
pub(crate) const FORWARD_BATCH: usize = 1_000;

/// A source's side of the pipeline. Cheap to clone; the forwarder that drains the queue into
/// the log ends once every clone is gone, after appending what was queued.
#[derive(Clone, Debug)]
pub struct SourceContext {
    id: String,
    centre: Centre,
    limits: ValidationLimits,
    queue: mpsc::Sender<(Time, Observation)>,
    /// `source:ID`, the queue's stage in `tansiq_pipeline_queue_full_total`.
    stage: String,
    shutdown: watch::Receiver<bool>,
}

/// Asks the sources of one context to stop; dropping it asks too.
#[derive(Debug)]
pub struct Shutdown(watch::Sender<bool>);

impl Shutdown {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

impl SourceContext {
    /// A context for the source `id`, the handle that stops it, and its forwarder's task. Must
    /// be called inside a tokio runtime.
    pub fn open(
        id: &str,
        centre: &Centre,
        limits: ValidationLimits,
    ) -> (SourceContext, Shutdown, JoinHandle<()>) {
        let (queue, rx) = mpsc::channel(QUEUE);
        let forwarder = tokio::spawn(forward(id.to_string(), rx, centre.clone()));
        let (stop, shutdown) = watch::channel(false);
        let cx = SourceContext {
            id: id.to_string(),
            centre: centre.clone(),
            limits,
            queue,
            stage: format!("source:{id}"),
            shutdown,
        };
        (cx, Shutdown(stop), forwarder)
    }

    /// Resolves once the source is asked to stop (or its [`Shutdown`] is gone).
    pub async fn stopped(&self) {
        let mut shutdown = self.shutdown.clone();
        let _ = shutdown.wait_for(|stop| *stop).await;
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn limits(&self) -> ValidationLimits {
        self.limits
    }

    /// The centre's clock: what a receive time is.
    pub fn now(&self) -> Time {
        self.centre.now()
    }

    pub fn metrics(&self) -> &Metrics {
        self.centre.metrics()
    }

    /// Counts an input refused for `reason` (`tansiq_ingest_rejected_total{source, reason}`).
    pub fn reject(&self, reason: &str) {
        self.centre.metrics().rejected(&self.id, reason);
    }

    /// Queues an observation received at `now` from a live feed, whose sender cannot be told
    /// to slow down: a full queue drops it and counts it (`queue_full`).
    pub fn offer(&self, now: Time, observation: Observation) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.queue.try_send((now, observation)) {
            self.centre.metrics().full(&self.stage);
            self.reject("queue_full");
        }
    }

    /// Queues an observation from a feed that can wait (a file, the demo), waiting for room.
    /// False once the forwarder has gone (the centre is stopping).
    pub async fn send(&self, now: Time, observation: Observation) -> bool {
        self.queue.send((now, observation)).await.is_ok()
    }
}

/// Drains a source's queue into the log, a batch at a time, retrying while the log is busy.
/// Each event is timed by its observation's receive time at the edge.
async fn forward(id: String, mut rx: mpsc::Receiver<(Time, Observation)>, centre: Centre) {
    let mut batch = Vec::with_capacity(FORWARD_BATCH);
    while rx.recv_many(&mut batch, FORWARD_BATCH).await > 0 {
        let events: Vec<_> =
            batch.drain(..).map(|(t, o)| model::Event::observation(t, o)).collect();
        let n = events.len() as u64;
        let mut pending = Some(events);
        while let Some(events) = pending.take() {
            match centre.append(events).await {
                Ok(_) => centre.metrics().accepted(&id, n),
                Err(AppendError::Busy(events)) => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    pending = Some(events);
                }
                Err(AppendError::Stopping) => return,
                Err(error) => {
                    tracing::error!(%error, source = %id, "append failed; batch dropped");
                    centre.metrics().rejected(&id, "store");
                }
            }
        }
    }
}

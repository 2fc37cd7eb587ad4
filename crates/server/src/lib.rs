//! The server: everything that touches sockets, files, clocks and threads.
//!
//! It is the thin shell around the pure core. [`Centre`] wires the pipeline — sources →
//! decode/validate → log append (group commit) → engine fold → publish to subscribers — as
//! threads and tasks joined by bounded queues, each with a counted policy when full. The HTTP
//! API in [`http`] is one such source and the read side of the state. Only this crate knows
//! tokio, HTTP and JSON wire shapes.

pub mod api;
pub mod auth;
pub mod centre;
pub mod clock;
pub mod config;
pub mod geography;
pub mod http;
pub mod metrics;
pub mod seed;
pub mod settings;
pub mod sources;
pub mod tak;
pub mod visibility;
mod web;
pub mod wire;

pub use centre::{Centre, CentreError, Update};
pub use config::{Config, ConfigError};

use std::net::SocketAddr;

/// What to put into an empty centre before it serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    Nothing,
    /// The demo's agencies, users (password `demo`) and sharing agreements (docs/contracts.md).
    Demo,
}

/// Runs a centre with `config` until `shutdown` resolves, then stops cleanly: stops accepting,
/// drains the log's queue, folds what was committed and writes a final snapshot.
pub async fn serve(
    config: Config,
    seed: Seed,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), CentreError> {
    let listener = tokio::net::TcpListener::bind(config.http.listen)
        .await
        .map_err(|e| CentreError::Bind { addr: config.http.listen, message: e.to_string() })?;
    let addr = listener.local_addr().map_err(|e| CentreError::Io(e.to_string()))?;
    let centre = Centre::start(config.centre())?;
    let empty = centre.read(|engine| engine.directory().agencies().next().is_none());
    if seed == Seed::Demo && empty {
        let hash = tokio::task::spawn_blocking(|| auth::hash_password("demo"))
            .await
            .map_err(|e| CentreError::Io(e.to_string()))?
            .map_err(|e| CentreError::Io(e.to_string()))?;
        centre
            .append_folded(seed::demo(&hash, centre.now()))
            .await
            .map_err(|e| CentreError::Io(format!("cannot seed the demo: {e}")))?;
        tracing::info!("demo agencies, users and sharing agreements seeded");
    }
    let mut running = Vec::new();
    for source in &config.sources {
        match sources::start(source, centre.clone(), config.validation_limits()).await {
            Ok(source) => running.push(source),
            Err(error) => {
                for source in &running {
                    source.stop();
                }
                centre.stop();
                return Err(CentreError::Io(error.to_string()));
            }
        }
    }
    let tak = match &config.tak {
        Some(tak) => {
            let limits = config.validation_limits();
            match tak::start(tak, centre.clone(), &config.base_dir, limits).await {
                Ok(tak) => Some(tak),
                Err(error) => {
                    running.iter().for_each(sources::RunningSource::stop);
                    centre.stop();
                    return Err(CentreError::Io(error.to_string()));
                }
            }
        }
        None => None,
    };
    let feed = config.demo_feed.clone().map(|feed| {
        let (data_dir, limits) = (config.data_dir.clone(), config.validation_limits());
        sources::demo::start(feed, centre.clone(), data_dir, limits)
    });
    let router = http::router(centre.clone(), &config);
    on_listening(addr);
    tracing::info!(%addr, "serving");
    let router = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| CentreError::Io(e.to_string()))?;
    for source in &running {
        source.stop();
    }
    if let Some(feed) = &feed {
        feed.abort();
    }
    if let Some(tak) = &tak {
        tak.stop();
    }
    centre.stop();
    Ok(())
}

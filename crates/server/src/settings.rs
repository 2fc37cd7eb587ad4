//! The configuration's leaf tables (`[http]`, `[log]`, `[ingest]`, `[auth]`), below every
//! module that reads them; `config::Config` puts them together with the parts' own tables.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    pub listen: SocketAddr,
    /// Request bodies above this many bytes are refused with 413.
    pub max_body_bytes: usize,
    /// Observations in one request above this count are refused with 413.
    pub max_items: usize,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// Where the log lives: `redb` (one file in `data_dir`, the default) or `postgres`.
    pub backend: Backend,
    /// `postgres`: the server, as `postgres://user@host:5432/database` (no password here).
    pub url: Option<String>,
    /// `postgres`: the environment variable holding the password ...
    pub password_env: Option<String>,
    /// ... or a file holding it (relative to the config file), e.g. a mounted secret.
    pub password_file: Option<PathBuf>,
    /// `postgres`: this centre's chain among those the database holds.
    pub chain: String,
    /// A group commit closes at this many events ...
    pub max_batch_events: usize,
    /// ... or this many milliseconds after its first event arrived.
    pub max_batch_delay_ms: u64,
    /// Requests that may queue for the log before producers are told to retry (HTTP 503).
    pub queue_capacity: usize,
    /// A snapshot of the folded state is written every this many events.
    pub snapshot_every: u64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Observations timed more than this ahead of the receiver's clock are refused.
    pub max_future_ms: i64,
    /// Observations older than this are refused.
    pub max_age_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// How long a session lasts after sign-in.
    pub session_ttl_ms: i64,
    /// Failed sign-ins per user name and per address within the window before 429.
    pub max_failures: usize,
    pub failure_window_ms: u64,
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig {
            session_ttl_ms: 12 * 3_600_000,
            max_failures: 5,
            failure_window_ms: 15 * 60_000,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 8 * 1024 * 1024,
            max_items: 50_000,
        }
    }
}

/// The log's backend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    #[default]
    Redb,
    Postgres,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        let store = store::CommitConfig::default();
        LogConfig {
            backend: Backend::Redb,
            url: None,
            password_env: None,
            password_file: None,
            chain: "tansiq".into(),
            max_batch_events: store.max_batch_events,
            max_batch_delay_ms: store.max_batch_delay.as_millis() as u64,
            queue_capacity: store.queue_capacity,
            snapshot_every: 100_000,
        }
    }
}

impl Default for IngestConfig {
    fn default() -> IngestConfig {
        let limits = model::ValidationLimits::default();
        IngestConfig { max_future_ms: limits.max_future_ms, max_age_ms: limits.max_age_ms }
    }
}

impl LogConfig {
    /// The password of a `postgres` log, read from its environment variable or file (never
    /// from the config file itself, and never written to the log).
    pub fn password(&self, base_dir: &Path) -> Result<Option<String>, String> {
        match (&self.password_env, &self.password_file) {
            (Some(_), Some(_)) => Err("[log] takes password_env or password_file, not both".into()),
            (Some(var), None) => std::env::var(var)
                .map(Some)
                .map_err(|_| format!("[log] password_env names {var}, which is not set")),
            (None, Some(file)) => {
                let path = if file.is_absolute() { file.clone() } else { base_dir.join(file) };
                std::fs::read_to_string(&path)
                    .map(|text| Some(text.trim_end_matches(['\r', '\n']).to_string()))
                    .map_err(|e| format!("[log] password_file {}: {e}", path.display()))
            }
            (None, None) => Ok(None),
        }
    }

    /// The committer's settings.
    pub fn commit_config(&self) -> store::CommitConfig {
        store::CommitConfig {
            max_batch_events: self.max_batch_events.max(1),
            max_batch_delay: std::time::Duration::from_millis(self.max_batch_delay_ms),
            queue_capacity: self.queue_capacity.max(1),
        }
    }
}

impl IngestConfig {
    /// The validation window every edge applies.
    pub fn validation_limits(&self) -> model::ValidationLimits {
        model::ValidationLimits { max_future_ms: self.max_future_ms, max_age_ms: self.max_age_ms }
    }
}

//! The centre's TOML configuration. Unknown keys are errors naming the key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the embedded store keeps its files.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    #[serde(default)]
    pub http: HttpConfig,
    #[serde(default)]
    pub log: LogConfig,
    #[serde(default)]
    pub ingest: IngestConfig,
    #[serde(default)]
    pub auth: AuthConfig,
    #[serde(default)]
    pub engine: engine::EngineConfig,
    /// The shipped zones' options, edited border sections and user zones.
    #[serde(default)]
    pub geography: crate::geography::GeographyConfig,
    /// Configured sources (`[[sources]]` tables; `type` names the kind).
    #[serde(default)]
    pub sources: Vec<crate::sources::SourceConfig>,
    /// The TAK server (`[tak]`): CoT over TCP, TLS and UDP; off unless configured.
    #[serde(default)]
    pub tak: Option<crate::tak::TakConfig>,
    /// The config file's folder: relative paths in it are read from here.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The demo's simulated feed (`tansiq demo` only; not a config-file setting).
    #[serde(skip)]
    pub demo_feed: Option<crate::sources::demo::FeedConfig>,
}

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

fn default_data_dir() -> PathBuf {
    PathBuf::from("tansiq-data")
}

impl Default for Config {
    fn default() -> Config {
        Config {
            data_dir: default_data_dir(),
            http: HttpConfig::default(),
            log: LogConfig::default(),
            ingest: IngestConfig::default(),
            auth: AuthConfig::default(),
            engine: engine::EngineConfig::default(),
            geography: crate::geography::GeographyConfig::default(),
            sources: Vec::new(),
            tak: None,
            base_dir: PathBuf::from("."),
            demo_feed: None,
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

impl Default for LogConfig {
    fn default() -> LogConfig {
        let store = store::CommitConfig::default();
        LogConfig {
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

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("invalid config {path}: {message}")]
    Parse { path: PathBuf, message: String },
}

impl Config {
    pub fn from_toml(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        // A datagram cannot sign in: requiring sign-in while taking datagrams from anyone
        // would be a promise the server does not keep.
        if let Some(tak) = &config.tak
            && tak.require_auth
            && let Some(udp) = tak.udp_listen
        {
            return Err(ConfigError::Parse {
                path: path.to_path_buf(),
                message: format!(
                    "[tak] require_auth = true, but udp_listen = \"{udp}\" takes CoT datagrams, \
                     which cannot sign in: remove udp_listen or set require_auth = false"
                ),
            });
        }
        config.base_dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::Read { path: path.to_path_buf(), message: e.to_string() })?;
        Config::from_toml(path, &text)
    }

    pub fn commit_config(&self) -> store::CommitConfig {
        store::CommitConfig {
            max_batch_events: self.log.max_batch_events.max(1),
            max_batch_delay: std::time::Duration::from_millis(self.log.max_batch_delay_ms),
            queue_capacity: self.log.queue_capacity.max(1),
        }
    }

    pub fn validation_limits(&self) -> model::ValidationLimits {
        model::ValidationLimits {
            max_future_ms: self.ingest.max_future_ms,
            max_age_ms: self.ingest.max_age_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_sign_in_with_a_udp_listener_is_an_error_naming_both() {
        let text =
            "[tak]\nagency = \"CGW\"\nrequire_auth = true\nudp_listen = \"127.0.0.1:6969\"\n";
        let err = Config::from_toml(Path::new("t.toml"), text).expect_err("contradiction");
        let message = err.to_string();
        assert!(message.contains("require_auth") && message.contains("udp_listen"), "{message}");
        // Either alone is fine.
        for text in [
            "[tak]\nagency = \"CGW\"\nrequire_auth = true\n",
            "[tak]\nagency = \"CGW\"\nudp_listen = \"127.0.0.1:6969\"\n",
        ] {
            Config::from_toml(Path::new("t.toml"), text).expect("valid");
        }
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let err =
            Config::from_toml(Path::new("t.toml"), "[http]\nlisten = \"127.0.0.1:1\"\nlisen = 3\n")
                .expect_err("unknown key");
        assert!(err.to_string().contains("lisen"), "{err}");
        let err = Config::from_toml(Path::new("t.toml"), "colour = 1\n").expect_err("unknown key");
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let config = Config::from_toml(Path::new("t.toml"), "").expect("empty config");
        assert_eq!(config, Config::default());
        let config = Config::from_toml(Path::new("/etc/tansiq/t.toml"), "").expect("empty");
        assert_eq!(config.base_dir, Path::new("/etc/tansiq"));
        assert_eq!(config.http.listen.port(), 8080);
    }

    #[test]
    fn sources_are_typed_tables_and_their_keys_are_checked() {
        let text = "[[sources]]\ntype = \"json_udp\"\nid = \"radar-zuwara\"\nlisten = \"127.0.0.1:9000\"\nagency = \"CGW\"\n";
        let config = Config::from_toml(Path::new("t.toml"), text).expect("source");
        assert_eq!(config.sources.len(), 1);
        assert_eq!(config.sources[0].id(), "radar-zuwara");
        let typo = text.replace("agency", "agnecy");
        let err = Config::from_toml(Path::new("t.toml"), &typo).expect_err("typo");
        assert!(err.to_string().contains("agnecy"), "{err}");
        let unknown = text.replace("json_udp", "carrier_pigeon");
        let err = Config::from_toml(Path::new("t.toml"), &unknown).expect_err("unknown type");
        assert!(err.to_string().contains("carrier_pigeon"), "{err}");
    }

    #[test]
    fn nested_engine_settings_are_checked_too() {
        let err = Config::from_toml(Path::new("t.toml"), "[engine]\nconfirm_afterr = 3\n")
            .expect_err("unknown key");
        assert!(err.to_string().contains("confirm_afterr"), "{err}");
    }
}

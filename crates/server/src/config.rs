//! The centre's TOML configuration. Unknown keys are errors naming the key.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::centre::Settings;
pub use crate::settings::{AuthConfig, HttpConfig, IngestConfig, LogConfig};

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
        self.log.commit_config()
    }

    pub fn validation_limits(&self) -> model::ValidationLimits {
        self.ingest.validation_limits()
    }

    /// What the pipeline reads of it.
    pub fn centre(&self) -> Settings<'_> {
        Settings {
            data_dir: &self.data_dir,
            base_dir: &self.base_dir,
            geography: &self.geography,
            engine: &self.engine,
            log: &self.log,
            auth: &self.auth,
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

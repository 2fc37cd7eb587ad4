//! Connections: where and as whom to connect, and where the synchronous client's calls and
//! closes may block.

use postgres::{Client, NoTls};

use crate::OpenError;

/// Runs `f` where the synchronous client may block. The client drives a runtime of its own,
/// which cannot start inside another: called from async code (a centre starting inside
/// tokio, a handler reading the audit trail), `f` runs on a thread of its own; from the
/// committer's and the folder's plain threads it runs in place.
pub(crate) fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|scope| match scope.spawn(f).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Where and as whom to connect: the URL, and a password kept apart from it (from the
/// environment or a file), which no message shows.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) url: String,
    pub(crate) password: Option<String>,
}

/// A connection whose close, like its calls, never blocks inside a runtime: dropping a client
/// closes it with a blocking call, so a drop from async code happens on a thread of its own.
pub(crate) struct Conn(Option<Client>);

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            blocking(move || drop(client));
        }
    }
}

impl std::ops::Deref for Conn {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.0.as_ref().unwrap_or_else(|| unreachable!("a Conn holds its client until dropped"))
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        self.0.as_mut().unwrap_or_else(|| unreachable!("a Conn holds its client until dropped"))
    }
}

impl Target {
    pub(crate) fn connect(&self) -> Result<Conn, OpenError> {
        let fail = |e: postgres::Error| OpenError::Connect {
            url: redact(&self.url),
            message: e.to_string(),
        };
        let mut config: postgres::Config = self.url.parse().map_err(fail)?;
        if let Some(password) = &self.password {
            config.password(password);
        }
        config.connect(NoTls).map(|client| Conn(Some(client))).map_err(fail)
    }
}

/// The URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            match user.split_once(':') {
                Some((name, _)) => format!("{}{name}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

//! CoT over UDP (6969): one XML event or one mesh frame per datagram, input only. Datagrams
//! belong to the listener's agency; they reach the picture and the connected clients.

use std::sync::Arc;
use std::time::Duration;

use cot::control::Control;
use tokio::net::UdpSocket;

use super::conn::Settings;
use super::hub::{Hub, Origin};

/// Largest datagram read; UDP payloads cannot be larger.
const MAX_DATAGRAM: usize = 65_536;

pub(crate) async fn receive(socket: UdpSocket, hub: Hub, settings: Arc<Settings>) {
    // Id 0 is never a connection, so every client may receive what arrives here.
    let origin = Origin {
        id: 0,
        agency: settings.agency.clone(),
        marking: settings.marking.clone(),
        user: None,
    };
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let n = match socket.recv_from(&mut buf).await {
            Ok((n, _peer)) => n,
            Err(error) => {
                tracing::warn!(%error, "tak udp receive failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        match cot::frame::decode_datagram(&buf[..n], settings.limits) {
            Ok(event) => match cot::control::classify(&event) {
                None | Some(Control::Delete { uid: Some(_) }) => hub.receive(&origin, event),
                Some(_) => hub.metrics().tak.received("control"),
            },
            Err(error) => {
                tracing::debug!(%error, "tak datagram refused");
                hub.metrics().tak.skipped(error.reason());
            }
        }
    }
}

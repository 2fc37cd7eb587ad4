//! The receiving loop the datagram sources share.

use std::net::SocketAddr;
use std::time::Duration;

use model::Time;
use tokio::net::UdpSocket;

use super::{SourceContext, SourceError};

/// Largest datagram read; UDP payloads cannot be larger.
const MAX_DATAGRAM: usize = 65_536;

/// Binds `listen` for the source of `cx`.
pub(super) async fn bind(
    cx: &SourceContext,
    listen: SocketAddr,
) -> Result<(UdpSocket, SocketAddr), SourceError> {
    let socket = UdpSocket::bind(listen).await.map_err(|e| SourceError::bind(cx, listen, e))?;
    let local_addr = socket.local_addr().map_err(|e| SourceError::bind(cx, listen, e))?;
    Ok((socket, local_addr))
}

/// Hands every datagram to `each` with its sender and its receive time, for ever. A failed
/// receive (an ICMP error and the like) is counted as `socket` and the socket kept.
pub(super) async fn each_datagram(
    socket: UdpSocket,
    cx: &SourceContext,
    mut each: impl FnMut(&[u8], SocketAddr, Time),
) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((n, peer)) => each(buf.get(..n).unwrap_or(&[]), peer, cx.now()),
            Err(error) => {
                cx.reject("socket");
                tracing::warn!(%error, source = %cx.id(), "receive failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

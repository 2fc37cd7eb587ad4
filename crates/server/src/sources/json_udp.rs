//! `json_udp`: observations as JSON in UDP datagrams — one object, an array, or a GeoJSON
//! FeatureCollection per datagram. `source`, `source_kind` and `agency` come from the
//! configuration, whatever the items say; a datagram's bad items are counted by reason.

use std::net::SocketAddr;

use edge::Stamp;
use model::{AgencyId, Marking, SourceKind};
use serde::Deserialize;

use super::context::FORWARD_BATCH;
use super::{Built, Source, SourceContext, SourceError, udp};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonUdp {
    pub id: String,
    pub listen: SocketAddr,
    pub agency: AgencyId,
    #[serde(default = "default_kind")]
    pub source_kind: SourceKind,
    /// Marking given to observations that carry none.
    #[serde(default)]
    pub marking: Marking,
}

fn default_kind() -> SourceKind {
    SourceKind::Sensor
}

impl Source for JsonUdp {
    async fn build(&self, cx: SourceContext) -> Result<Built, SourceError> {
        let (socket, local_addr) = udp::bind(&cx, self.listen).await?;
        let stamp = Stamp::new(&self.id, self.source_kind, &self.agency, &self.marking);
        tracing::info!(source = %self.id, %local_addr, "json_udp source listening");
        Ok(Built::new(local_addr, async move {
            let limits = cx.limits();
            udp::each_datagram(socket, &cx, |bytes, _peer, now| {
                match edge::json::parse_from(bytes, now, limits, FORWARD_BATCH, Some(&stamp)) {
                    Ok((observations, rejected)) => {
                        for r in &rejected {
                            cx.reject(r.reason);
                        }
                        for observation in observations {
                            cx.offer(now, observation);
                        }
                    }
                    Err(error) => {
                        cx.reject("bad_datagram");
                        tracing::debug!(%error, source = %cx.id(), "datagram rejected");
                    }
                }
            })
            .await;
        }))
    }
}

//! `ttm_udp`: `$xxTTM` tracked-target sentences from a coastal radar's ARPA tracker in UDP
//! datagrams (one or more lines each), placed by range and bearing from the radar's `site`
//! (`[lon, lat]` of the antenna) by `edge::ttm`.
//!
//! Each target becomes a radar observation whose `source_track` is the tracker's target
//! number, so the engine's fusion gates it against the picture like a JSON radar track. Lost
//! targets (`L`) carry stale values and are skipped (counted as `ttm_lost`); other NMEA on the
//! same feed is skipped (counted as `not_ttm`); bad sentences are counted by reason.

use std::net::SocketAddr;

use edge::Stamp;
use edge::ttm::{self, RadarSite};
use model::{AgencyId, Marking, SourceKind};
use serde::Deserialize;

use super::{Built, Source, SourceContext, SourceError, udp};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TtmUdp {
    pub id: String,
    pub listen: SocketAddr,
    pub agency: AgencyId,
    pub site: [f64; 2],
    #[serde(default)]
    pub marking: Marking,
}

impl Source for TtmUdp {
    async fn build(&self, cx: SourceContext) -> Result<Built, SourceError> {
        let stamp = Stamp::new(&self.id, SourceKind::Radar, &self.agency, &self.marking);
        let radar = RadarSite { stamp, site: self.site };
        radar.check().map_err(|message| SourceError::invalid(&cx, message))?;
        let (socket, local_addr) = udp::bind(&cx, self.listen).await?;
        tracing::info!(source = %self.id, %local_addr, "ttm_udp source listening");
        Ok(Built::new(local_addr, async move {
            let limits = cx.limits();
            udp::each_datagram(socket, &cx, |bytes, _peer, now| {
                for line in bytes.split(|&c| c == b'\n') {
                    if line.trim_ascii().is_empty() {
                        continue;
                    }
                    match ttm::observe(&radar, line, now, limits) {
                        Ok(observation) => cx.offer(now, observation),
                        Err(reason) => cx.reject(reason),
                    }
                }
            })
            .await;
        }))
    }
}

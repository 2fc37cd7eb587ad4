//! What a viewport client looks at: the `viewport` message or the connect URL's query read
//! and checked, the geometry the thinning asks of it, and the client's messages parsed.

use std::collections::BTreeMap;

use axum::extract::Query;
use axum::extract::ws::Message;
use axum::http::Uri;
use model::{Position, TrackId};
use serde_json::{Value, json};

use super::MAX_IN_VIEW;

/// A grid cell for thinning and clusters is about this many screen pixels (512-pixel tiles).
const CELL_PX: f64 = 32.0;

/// What a viewport client looks at.
#[derive(Clone, Debug, PartialEq)]
pub struct Viewport {
    /// West, south, east, north, as the client sent it.
    view: [f64; 4],
    /// The view and half its size again on each side: what a short pan reveals is already
    /// held when the pan ends.
    padded: [f64; 4],
    zoom: f64,
    pub(super) limit: usize,
    pub(super) selected: Option<TrackId>,
}

/// Why a client message was ignored: the metric's reason and the explanation sent back.
#[derive(Debug, PartialEq)]
pub struct Rejected(pub &'static str, pub String);

impl Viewport {
    /// Reads `{"kind": "viewport", …}` (the `kind` already checked).
    pub fn parse(value: &Value) -> Result<Viewport, Rejected> {
        let bbox = value["bbox"]
            .as_array()
            .filter(|b| b.len() == 4)
            .and_then(|b| b.iter().map(Value::as_f64).collect::<Option<Vec<f64>>>())
            .ok_or_else(|| Rejected("bbox", "bbox must be [west, south, east, north]".into()))?;
        let zoom = value["zoom"]
            .as_f64()
            .ok_or_else(|| Rejected("zoom", "zoom must be a number".into()))?;
        let limit = match &value["limit"] {
            Value::Null => MAX_IN_VIEW,
            v => v
                .as_u64()
                .filter(|n| *n >= 1)
                .map(|n| (n as usize).min(MAX_IN_VIEW))
                .ok_or_else(|| Rejected("limit", "limit must be a whole number >= 1".into()))?,
        };
        let selected = match &value["selected"] {
            Value::Null => None,
            Value::String(id) if !id.is_empty() && id.len() <= 128 => {
                Some(TrackId(id.as_str().into()))
            }
            _ => return Err(Rejected("selected", "selected must be a track id or null".into())),
        };
        Viewport::new([bbox[0], bbox[1], bbox[2], bbox[3]], zoom, limit, selected)
    }

    fn new(
        bbox: [f64; 4],
        zoom: f64,
        limit: usize,
        selected: Option<TrackId>,
    ) -> Result<Viewport, Rejected> {
        let [w, s, e, n] = bbox;
        let lon_ok = |x: f64| (-180.0..=180.0).contains(&x);
        let lat_ok = |y: f64| (-90.0..=90.0).contains(&y);
        if !(lon_ok(w) && lon_ok(e) && lat_ok(s) && lat_ok(n)) {
            return Err(Rejected(
                "bbox",
                "bbox out of range (longitudes -180..180, latitudes -90..90)".into(),
            ));
        }
        if !(w < e && s < n) {
            return Err(Rejected("bbox", "bbox must have west < east and south < north".into()));
        }
        if !(0.0..=24.0).contains(&zoom) {
            return Err(Rejected("zoom", "zoom must be between 0 and 24".into()));
        }
        let (dx, dy) = ((e - w) / 2.0, (n - s) / 2.0);
        let padded =
            [(w - dx).max(-180.0), (s - dy).max(-90.0), (e + dx).min(180.0), (n + dy).min(90.0)];
        Ok(Viewport { view: bbox, padded, zoom, limit, selected })
    }

    /// Inside the padded view.
    pub(super) fn near(&self, p: &Position) -> bool {
        inside(&self.padded, p)
    }

    /// Inside the view itself.
    pub(super) fn shows(&self, p: &Position) -> bool {
        inside(&self.view, p)
    }

    /// The side of a thinning cell in degrees: [`CELL_PX`] at this zoom.
    pub(super) fn cell_deg(&self) -> f64 {
        360.0 * CELL_PX / (512.0 * 2f64.powf(self.zoom))
    }
}

fn inside(bbox: &[f64; 4], p: &Position) -> bool {
    let [w, s, e, n] = *bbox;
    p.lon >= w && p.lon <= e && p.lat >= s && p.lat <= n
}

/// A viewport from the connect URL's query (`bbox`, `zoom`, `limit`, `selected`); `None`
/// without a `bbox`.
pub(super) fn viewport_from_query(uri: &Uri) -> Result<Option<Viewport>, Rejected> {
    let Query(params) = Query::<BTreeMap<String, String>>::try_from_uri(uri)
        .map_err(|e| Rejected("query", e.body_text()))?;
    let Some(bbox) = params.get("bbox") else { return Ok(None) };
    let bbox: Vec<Value> =
        bbox.split(',').map(|x| x.trim().parse::<f64>().map_or(Value::Null, Value::from)).collect();
    let number = |key: &str| -> Value {
        params.get(key).map_or(Value::Null, |v| {
            v.parse::<u64>()
                .map(Value::from)
                .or_else(|_| v.parse::<f64>().map(Value::from))
                .unwrap_or_else(|_| Value::String(v.clone()))
        })
    };
    let message = json!({
        "kind": "viewport",
        "bbox": bbox,
        "zoom": number("zoom"),
        "limit": number("limit"),
        "selected": params.get("selected"),
    });
    Viewport::parse(&message).map(Some)
}

/// A message from the client: a viewport, or garbage (counted, explained, ignored).
pub(super) fn client_message(incoming: &Message) -> Result<Option<Viewport>, Rejected> {
    let raw = match incoming {
        Message::Text(raw) => raw.as_str(),
        Message::Binary(_) => {
            return Err(Rejected("binary", "binary messages are not understood".into()));
        }
        _ => return Ok(None),
    };
    let value: Value =
        serde_json::from_str(raw).map_err(|e| Rejected("json", format!("not JSON: {e}")))?;
    match value["kind"].as_str() {
        Some("viewport") => Viewport::parse(&value).map(Some),
        _ => Err(Rejected("kind", "expected {\"kind\": \"viewport\", …}".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_viewports_are_refused_with_a_reason() {
        let bad = [
            (json!({"kind": "viewport", "bbox": [1, 2, 3], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 30, 5, 35], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 35, 15, 30], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, 95], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, "x"], "zoom": 5}), "bbox"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, 35], "zoom": 99}), "zoom"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, 35]}), "zoom"),
            (json!({"kind": "viewport", "bbox": [10, 30, 15, 35], "zoom": 5, "limit": 0}), "limit"),
            (
                json!({"kind": "viewport", "bbox": [10, 30, 15, 35], "zoom": 5, "selected": 7}),
                "selected",
            ),
        ];
        for (value, reason) in bad {
            assert_eq!(Viewport::parse(&value).map_err(|e| e.0), Err(reason), "{value}");
        }
        let good = json!({"kind": "viewport", "bbox": [10, 30, 20, 35], "zoom": 5, "limit": 9000});
        let view = Viewport::parse(&good).expect("a good viewport");
        assert_eq!(view.limit, MAX_IN_VIEW, "a limit above the server's is capped");
        assert_eq!(view.padded, [5.0, 27.5, 25.0, 37.5], "padded by half the view on each side");
    }

    #[test]
    fn a_viewport_in_the_query_reads_like_the_message() {
        let uri = |q: &str| format!("/api/v1/stream?{q}").parse::<Uri>().expect("uri");
        let view = viewport_from_query(&uri(
            "access_token=x&bbox=10,30,20,35&zoom=5.5&limit=7&selected=t3",
        ))
        .expect("parsed")
        .expect("a viewport");
        assert_eq!(view.limit, 7);
        assert_eq!(view.selected, Some(TrackId("t3".into())));
        assert_eq!(viewport_from_query(&uri("access_token=x")).expect("parsed"), None);
        assert_eq!(
            viewport_from_query(&uri("bbox=10,30,NaN,35&zoom=5")).map_err(|e| e.0),
            Err("bbox")
        );
    }
}

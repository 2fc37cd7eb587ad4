//! The CoT event as data: `event`, `point`, and the `detail` as an ordered list of elements.

use model::Time;

use crate::detail::{
    Chat, Contact, DetailElement, DroidUid, Group, Link, Marti, PrecisionLocation, RawElement,
    Remarks, Status, Takv, Track,
};

/// Values at or above this in `hae`, `ce` or `le` mean "unknown". TAK writes `9999999.0`; the
/// TAK protocol's comments say `999999`; both are read as unknown.
pub const UNKNOWN_THRESHOLD: f64 = 999_999.0;

/// What is written for an unknown `hae`, `ce` or `le`.
pub const UNKNOWN_VALUE: f64 = 9_999_999.0;

/// One Cursor-on-Target event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The schema version, `2.0` in practice.
    pub version: String,
    pub uid: String,
    /// The CoT type, e.g. `a-f-G-U-C`; see [`crate::CotType`].
    pub cot_type: String,
    /// How the position was produced, e.g. `m-g` (machine, GPS) or `h-e` (human, estimated).
    pub how: String,
    pub time: Time,
    pub start: Time,
    pub stale: Time,
    pub access: Option<String>,
    pub qos: Option<String>,
    pub opex: Option<String>,
    pub caveat: Option<String>,
    pub releasable_to: Option<String>,
    /// Any other attribute of `<event>`, in document order. XML only: TAK protocol v1 has no
    /// place for them.
    pub extra: Vec<(String, String)>,
    pub point: Point,
    /// `None` when the event has no `<detail>` at all.
    pub detail: Option<Detail>,
}

impl Event {
    /// A minimal event with an unknown-accuracy point and no detail.
    pub fn new(
        uid: impl Into<String>,
        cot_type: impl Into<String>,
        how: impl Into<String>,
        time: Time,
        stale: Time,
    ) -> Event {
        Event {
            version: "2.0".to_owned(),
            uid: uid.into(),
            cot_type: cot_type.into(),
            how: how.into(),
            time,
            start: time,
            stale,
            access: None,
            qos: None,
            opex: None,
            caveat: None,
            releasable_to: None,
            extra: Vec::new(),
            point: Point::default(),
            detail: None,
        }
    }

    /// The detail, created empty if the event had none.
    pub fn detail_mut(&mut self) -> &mut Detail {
        self.detail.get_or_insert_with(Detail::default)
    }

    /// The contact's call sign, if the detail has one.
    pub fn callsign(&self) -> Option<&str> {
        self.detail.as_ref()?.contact()?.callsign.as_deref()
    }
}

/// `<point>`: WGS84 degrees, height above the ellipsoid and circular/linear errors in metres.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
    pub hae: Option<f64>,
    pub ce: Option<f64>,
    pub le: Option<f64>,
}

impl Point {
    pub fn new(lat: f64, lon: f64) -> Point {
        Point { lat, lon, hae: None, ce: None, le: None }
    }
}

/// Reads a `hae`/`ce`/`le` value: the sentinels and non-finite numbers are unknown.
pub fn known(value: f64) -> Option<f64> {
    (value.is_finite() && value < UNKNOWN_THRESHOLD).then_some(value)
}

/// `<detail>`: its children in document order, typed where Tansiq understands them and kept
/// verbatim otherwise.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Detail {
    pub elements: Vec<DetailElement>,
}

macro_rules! first_of {
    ($(#[$doc:meta])* $fn:ident, $variant:ident, $ty:ty) => {
        $(#[$doc])*
        pub fn $fn(&self) -> Option<&$ty> {
            self.elements.iter().find_map(|e| match e {
                DetailElement::$variant(v) => Some(v),
                _ => None,
            })
        }
    };
}

impl Detail {
    first_of!(contact, Contact, Contact);
    first_of!(group, Group, Group);
    first_of!(track, Track, Track);
    first_of!(status, Status, Status);
    first_of!(takv, Takv, Takv);
    first_of!(precision_location, PrecisionLocation, PrecisionLocation);
    first_of!(droid, Uid, DroidUid);
    first_of!(remarks, Remarks, Remarks);
    first_of!(marti, Marti, Marti);
    first_of!(chat, Chat, Chat);

    pub fn links(&self) -> impl Iterator<Item = &Link> {
        self.elements.iter().filter_map(|e| match e {
            DetailElement::Link(v) => Some(v),
            _ => None,
        })
    }

    /// Elements kept verbatim with this name, e.g. `TakControl` or `usericon`.
    pub fn raw(&self, name: &str) -> impl Iterator<Item = &RawElement> {
        self.elements.iter().filter_map(move |e| match e {
            DetailElement::Raw(v) if v.name == name => Some(v),
            _ => None,
        })
    }

    pub fn push(&mut self, element: impl Into<DetailElement>) -> &mut Detail {
        self.elements.push(element.into());
        self
    }
}

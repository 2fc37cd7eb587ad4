//! What the rules remember per track: the fields most tracks use inline, the ones few tracks
//! ever set boxed apart, and one flat serialized form for both.

use model::Time;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{vessel, zone};
use crate::EngineConfig;
use crate::fusion::Kinematics;

/// What the rules remember about one track between fixes. A live track is most of the
/// engine's memory: what only a departing, border-bound, spoofed or fusing track needs is in
/// [`Rare`], allocated while it holds something. Stored as one flat struct (see [`View`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct TrackRules {
    /// Watched zones the track is in, or entering or leaving (debounce).
    pub zones: zone::Memberships,
    /// Distance to Libya's coast at the last fix inside the departure band (finite).
    pub coast_m: Slim<f64>,
    /// Last seen "in the area" by AIS: an AIS gap is watched for.
    pub gap_watch: bool,
    pub gap_raised: bool,
    /// Last seen inside the coastal receivers' coverage: the short gap warning is watched for.
    pub cover_watch: bool,
    pub cover_raised: bool,
    /// Reported a speed above the normal jump limit: judged as high-speed craft.
    pub fast: bool,
    /// The α-β filter's state, for gating.
    pub kin: Slim<Kinematics>,
    /// The newest AIS fix (time, lon, lat): the MMSI's own claims are judged against each
    /// other, not against a radar fix that joined the track.
    pub last_ais: Slim<(Time, f64, f64)>,
    /// The current loitering window.
    pub loiter: Slim<vessel::Loiter>,
    /// The last exact distance to Libya's coast and where it was measured (see
    /// [`super::near_coast`]).
    pub coast: Slim<([f64; 2], f64)>,
    /// Read with [`TrackRules::rare`], changed with [`TrackRules::with_rare`]; `None` while empty.
    rare: Option<Box<Rare>>,
}

/// An `Option<T>` in the size of `T`: every track has these, and an `Option` of a struct of
/// floats costs a word more. `None` is a NaN where the value holds a longitude, which is finite
/// whenever it is present (the fold refuses non-finite positions, and JSON has no NaN).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slim<T>(T);

/// A value with a longitude that is finite whenever the value is present.
pub(crate) trait Niche: Copy {
    const NONE: Self;
    fn is_none(&self) -> bool;
}

impl<T: Niche> Slim<T> {
    pub fn get(&self) -> Option<T> {
        (!self.0.is_none()).then_some(self.0)
    }

    pub fn set(&mut self, value: Option<T>) {
        self.0 = value.unwrap_or(T::NONE);
    }
}

impl<T: Niche> Default for Slim<T> {
    fn default() -> Slim<T> {
        Slim(T::NONE)
    }
}

impl Niche for Kinematics {
    const NONE: Kinematics =
        Kinematics { time: Time(0), lon: f64::NAN, lat: f64::NAN, east: 0.0, north: 0.0 };
    fn is_none(&self) -> bool {
        self.lon.is_nan()
    }
}

impl Niche for (Time, f64, f64) {
    const NONE: (Time, f64, f64) = (Time(0), f64::NAN, f64::NAN);
    fn is_none(&self) -> bool {
        self.1.is_nan()
    }
}

impl Niche for vessel::Loiter {
    const NONE: vessel::Loiter =
        vessel::Loiter { since: Time(0), path_m: 0.0, last: [f64::NAN, f64::NAN] };
    fn is_none(&self) -> bool {
        self.last[0].is_nan()
    }
}

/// A distance, finite whenever it is known.
impl Niche for f64 {
    const NONE: f64 = f64::NAN;
    fn is_none(&self) -> bool {
        self.is_nan()
    }
}

impl Niche for ([f64; 2], f64) {
    const NONE: ([f64; 2], f64) = ([f64::NAN, f64::NAN], f64::NAN);
    fn is_none(&self) -> bool {
        self.0[0].is_nan()
    }
}

/// What few tracks ever need the rules to remember.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Rare {
    /// Since when a radar-only contact has been moving seaward fast enough.
    pub seaward_since: Option<Time>,
    /// The last fix inside a port or terminal anchorage, while watched for departure.
    pub in_port_at: Option<Time>,
    /// Tracks split off this one by impossible jumps (suspected spoofing).
    pub splits: Vec<u64>,
    /// The border this land track was pre-alerted for.
    pub border: Option<String>,
    /// A radar-only track inside an identified track's gate: that track and for how many
    /// consecutive fixes.
    pub fusing: Option<(u64, u32)>,
    /// The port whose anchorage the vessel is in.
    pub port: Option<String>,
}

static EMPTY: Rare = Rare {
    seaward_since: None,
    in_port_at: None,
    splits: Vec::new(),
    border: None,
    fusing: None,
    port: None,
};

impl TrackRules {
    /// The rarely set part; empty when the track has none.
    pub fn rare(&self) -> &Rare {
        self.rare.as_deref().unwrap_or(&EMPTY)
    }

    /// Changes the rarely set part: it is allocated only to hold something, and freed once it
    /// holds nothing again.
    pub fn with_rare<R>(&mut self, change: impl FnOnce(&mut Rare) -> R) -> R {
        match self.rare.as_deref_mut() {
            Some(rare) => {
                let out = change(rare);
                if *rare == EMPTY {
                    self.rare = None;
                }
                out
            }
            None => {
                let mut rare = Rare::default();
                let out = change(&mut rare);
                if rare != EMPTY {
                    self.rare = Some(Box::new(rare));
                }
                out
            }
        }
    }

    /// Sets a field of the rarely set part back to nothing: `clear` must only do that. Nothing
    /// to do while the part holds nothing, the case on nearly every fix, where building an
    /// empty part to compare it with an empty part cost more than the rule around it.
    pub fn clear_rare(&mut self, clear: impl FnOnce(&mut Rare)) {
        if self.rare.is_some() {
            self.with_rare(clear);
        }
    }

    /// When the AIS gap and the coverage warning come due, if they are watched for.
    pub fn gap_dues(&self, last_time: Time, config: &EngineConfig) -> (Option<Time>, Option<Time>) {
        let gap = &config.rules.ais_gap;
        let dark = (self.gap_watch && !self.gap_raised && gap.enabled)
            .then(|| last_time.plus_millis(gap.gap_ms.max(1)));
        let cover = (self.cover_watch && !self.cover_raised && gap.enabled)
            .then(|| last_time.plus_millis(gap.coverage_gap_ms.max(1)));
        (dark, cover)
    }

    /// The earlier of the two.
    pub fn gap_due(&self, last_time: Time, config: &EngineConfig) -> Option<Time> {
        match self.gap_dues(last_time, config) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn view(&self) -> View<'_> {
        let rare = self.rare();
        View {
            zones: &self.zones,
            seaward_since: rare.seaward_since,
            in_port_at: rare.in_port_at,
            coast_m: self.coast_m.get(),
            gap_watch: self.gap_watch,
            gap_raised: self.gap_raised,
            cover_watch: self.cover_watch,
            cover_raised: self.cover_raised,
            splits: &rare.splits,
            fast: self.fast,
            border: rare.border.as_deref(),
            kin: self.kin.get(),
            last_ais: self.last_ais.get(),
            fusing: rare.fusing,
            loiter: self.loiter.get(),
            coast: self.coast.get(),
            port: rare.port.as_deref(),
        }
    }
}

/// Whether the rare part is boxed is not part of the state.
impl PartialEq for TrackRules {
    fn eq(&self, other: &TrackRules) -> bool {
        self.view() == other.view()
    }
}

/// The stored form of [`TrackRules`], borrowed: one flat struct whose fields and order are
/// those of the struct before the rare part was boxed, so snapshots read and write as before.
#[derive(PartialEq, Serialize)]
#[serde(rename = "TrackRules")]
struct View<'a> {
    #[serde(skip_serializing_if = "no_zones")]
    zones: &'a zone::Memberships,
    #[serde(skip_serializing_if = "Option::is_none")]
    seaward_since: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_port_at: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coast_m: Option<f64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    gap_watch: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    gap_raised: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cover_watch: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cover_raised: bool,
    #[serde(skip_serializing_if = "no_splits")]
    splits: &'a [u64],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    fast: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    border: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kin: Option<Kinematics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_ais: Option<(Time, f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fusing: Option<(u64, u32)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loiter: Option<vessel::Loiter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coast: Option<([f64; 2], f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<&'a str>,
}

fn no_zones(zones: &&zone::Memberships) -> bool {
    zones.is_empty()
}

fn no_splits(splits: &&[u64]) -> bool {
    splits.is_empty()
}

/// The stored form of [`TrackRules`], owned, as read back.
#[derive(Deserialize)]
#[serde(rename = "TrackRules")]
struct Stored {
    #[serde(default)]
    zones: zone::Memberships,
    #[serde(default)]
    seaward_since: Option<Time>,
    #[serde(default)]
    in_port_at: Option<Time>,
    #[serde(default)]
    coast_m: Option<f64>,
    #[serde(default)]
    gap_watch: bool,
    #[serde(default)]
    gap_raised: bool,
    #[serde(default)]
    cover_watch: bool,
    #[serde(default)]
    cover_raised: bool,
    #[serde(default)]
    splits: Vec<u64>,
    #[serde(default)]
    fast: bool,
    #[serde(default)]
    border: Option<String>,
    #[serde(default)]
    kin: Option<Kinematics>,
    #[serde(default)]
    last_ais: Option<(Time, f64, f64)>,
    #[serde(default)]
    fusing: Option<(u64, u32)>,
    #[serde(default)]
    loiter: Option<vessel::Loiter>,
    #[serde(default)]
    coast: Option<([f64; 2], f64)>,
    #[serde(default)]
    port: Option<String>,
}

impl Serialize for TrackRules {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TrackRules {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TrackRules, D::Error> {
        let s = Stored::deserialize(deserializer)?;
        let rare = Rare {
            seaward_since: s.seaward_since,
            in_port_at: s.in_port_at,
            splits: s.splits,
            border: s.border,
            fusing: s.fusing,
            port: s.port,
        };
        let mut rules = TrackRules {
            zones: s.zones,
            gap_watch: s.gap_watch,
            gap_raised: s.gap_raised,
            cover_watch: s.cover_watch,
            cover_raised: s.cover_raised,
            fast: s.fast,
            rare: (rare != EMPTY).then(|| Box::new(rare)),
            ..TrackRules::default()
        };
        rules.kin.set(s.kin);
        rules.last_ais.set(s.last_ais);
        rules.loiter.set(s.loiter);
        rules.coast.set(s.coast);
        rules.coast_m.set(s.coast_m.filter(|d| d.is_finite()));
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::TrackRules;

    #[test]
    fn the_rare_part_is_boxed_only_while_it_holds_something() {
        let mut rules = TrackRules::default();
        rules.with_rare(|r| r.seaward_since = None);
        assert!(rules.rare.is_none());
        rules.with_rare(|r| r.splits.push(7));
        assert!(rules.rare.is_some());
        let json = serde_json::to_string(&rules).unwrap();
        assert_eq!(json, r#"{"splits":[7]}"#);
        let back: TrackRules = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rules);
        rules.clear_rare(|r| r.splits.clear());
        assert!(rules.rare.is_none());
        assert_eq!(serde_json::to_string(&rules).unwrap(), "{}");
        rules.clear_rare(|r| r.seaward_since = None);
        assert!(rules.rare.is_none());
    }

    #[test]
    fn is_smaller_than_when_every_field_was_inline() {
        // 328 bytes inline before; the rare part and the zones are one pointer each now, and
        // the options of floats no larger than their values.
        assert!(size_of::<TrackRules>() <= 152);
    }
}

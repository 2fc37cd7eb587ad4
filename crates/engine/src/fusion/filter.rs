//! The α-β filter that predicts where a track is: a smoothed position and a velocity, folded
//! from each fix, extrapolated to the time of a fix to gate.

use geo::sphere::M_PER_DEG;
use model::{Time, TrackPoint};
use serde::{Deserialize, Serialize};

use super::FusionConfig;

/// Seconds below which the time between two fixes does not scale a velocity correction.
const MIN_VELOCITY_STEP_S: f64 = 30.0;

/// The α-β filter's state: a smoothed position and a velocity in metres per second.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Kinematics {
    pub time: Time,
    pub lon: f64,
    pub lat: f64,
    pub east: f64,
    pub north: f64,
}

impl Kinematics {
    fn start(p: &TrackPoint) -> Kinematics {
        let (east, north) = match (p.speed_mps, p.course_deg) {
            (Some(s), Some(c)) => (s * c.to_radians().sin(), s * c.to_radians().cos()),
            _ => (0.0, 0.0),
        };
        Kinematics { time: p.time, lon: p.lon, lat: p.lat, east, north }
    }

    /// Where the object should be at `t` (extrapolated at most an hour).
    pub fn predict(&self, t: Time) -> [f64; 2] {
        let dt = self.step(t);
        let lat = self.lat_after(dt);
        let lon = self.lon + self.east * dt / (M_PER_DEG * self.lat.to_radians().cos().max(1e-6));
        [lon, lat]
    }

    /// Two corners of a box around [`Kinematics::predict`] at every time from `ts[0]` to
    /// `ts[1]`: the latitudes exact, the longitudes as far out as a cosine from a table (at or
    /// past the latitude, so never larger) makes them. A prediction moves along a straight
    /// line in longitude and latitude as time passes, each step rounded the same way, so it
    /// lies between its ends, and the ends' longitudes lie within these.
    pub fn reach(&self, ts: [Time; 2]) -> [[f64; 2]; 2] {
        let (d0, d1) = (self.step(ts[0]), self.step(ts[1]));
        let lat = |dt: f64| self.lat_after(dt);
        // The far end farther out than `predict`'s longitude, by the smaller cosine; the near
        // end nearer in, as if the cosine were 1; each with a margin for rounding. A filter
        // not yet stepped at the near end (the usual case) is exactly where it is.
        let near = M_PER_DEG * (1.0 + 1e-9);
        let far = M_PER_DEG * cos_at_or_past(self.lat).max(1e-6) / (1.0 + 1e-9);
        let lon = |dt: f64, scale: f64| {
            if dt == 0.0 { self.lon } else { self.lon + self.east * dt / scale }
        };
        [[lon(d0, near), lat(d0)], [lon(d1, far), lat(d1)]]
    }

    /// The latitude of [`Kinematics::predict`], exactly, without its trigonometry.
    pub fn predict_lat(&self, t: Time) -> f64 {
        self.lat_after(self.step(t))
    }

    /// The predicted latitude `dt` seconds on.
    fn lat_after(&self, dt: f64) -> f64 {
        self.lat + self.north * dt / M_PER_DEG
    }

    /// Seconds to extrapolate to `t`.
    fn step(&self, t: Time) -> f64 {
        (t.since(self.time) as f64 / 1_000.0).clamp(0.0, 3_600.0)
    }

    /// Folds a new fix into the filter.
    pub fn update(state: &mut Option<Kinematics>, p: &TrackPoint, cfg: &FusionConfig) {
        let Some(k) = state else {
            *state = Some(Kinematics::start(p));
            return;
        };
        let dt = p.time.since(k.time) as f64 / 1_000.0;
        if dt <= 0.0 {
            return;
        }
        let [plon, plat] = k.predict(p.time);
        let scale = M_PER_DEG * plat.to_radians().cos().max(1e-6);
        let (re, rn) = ((p.lon - plon) * scale, (p.lat - plat) * M_PER_DEG);
        // A fix that carries speed and course (AIS, most radar trackers) says the velocity; only
        // bare plots need it estimated. The estimate's step is floored: fixes from two sensors a
        // few seconds apart would otherwise turn metres of noise into knots of speed.
        let (east, north) = match (p.speed_mps, p.course_deg) {
            (Some(s), Some(c)) => (s * c.to_radians().sin(), s * c.to_radians().cos()),
            _ => {
                let step = dt.max(MIN_VELOCITY_STEP_S);
                (k.east + cfg.beta * re / step, k.north + cfg.beta * rn / step)
            }
        };
        let next = Kinematics {
            time: p.time,
            lon: plon + cfg.alpha * re / scale,
            lat: plat + cfg.alpha * rn / M_PER_DEG,
            east,
            north,
        };
        let finite = [next.lon, next.lat, next.east, next.north].iter().all(|v| v.is_finite());
        *state = Some(if finite { next } else { Kinematics::start(p) });
    }
}

/// The cosine of `lat` degrees (its absolute value up to 90), or of a latitude a little past
/// it: of the next whole degree, from a table, where filing needs only a bound and a cosine
/// per fix would cost more than the rest of the filing.
pub(super) fn cos_at_or_past(lat: f64) -> f64 {
    static TABLE: std::sync::LazyLock<[f64; 91]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|d| (d as f64).to_radians().cos()));
    // The next whole degree without `ceil`, a call into the math library on this target.
    // `as` saturates: beyond 90 takes the last entry (NaN, which the fold never admits, the
    // first).
    let (abs, whole) = (lat.abs(), lat.abs() as usize);
    TABLE[whole.saturating_add(usize::from((whole as f64) < abs)).min(90)]
}

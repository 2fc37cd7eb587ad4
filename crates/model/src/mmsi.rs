//! What an MMSI says of its station: its structure and Maritime Identification Digits (ITU-R
//! M.585, the MID table kept as data in `data/mid.csv`), distress beacons (AIS-SART, MOB,
//! EPIRB) and navigational status 14. Domain knowledge, not codec work: the AIS edge stamps it
//! on observations and the rules judge by it. Pure; the MID table is parsed once, on first use.

const MID_TABLE: &str = include_str!("../data/mid.csv");

/// A country or territory allocated a Maritime Identification Digits block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mid {
    /// The three digits, 201–775.
    pub mid: u16,
    /// ISO 3166-1 alpha-2 code of the administration.
    pub iso: &'static str,
    /// Name as in the ITU list.
    pub name: &'static str,
}

/// The table parsed once, indexed by MID. Scanning the text on every call showed up as the
/// top cost of folding tracks with many distinct MMSIs.
fn table() -> &'static [Option<Mid>] {
    static TABLE: std::sync::OnceLock<Vec<Option<Mid>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![None; 1_000];
        for line in MID_TABLE.lines().filter(|l| !l.starts_with('#')) {
            let mut f = line.splitn(3, ',');
            let parsed = (|| {
                let m: u16 = f.next()?.parse().ok()?;
                Some(Mid { mid: m, iso: f.next()?, name: f.next()? })
            })();
            if let Some(entry) = parsed
                && let Some(slot) = table.get_mut(usize::from(entry.mid))
            {
                *slot = Some(entry);
            }
        }
        table
    })
}

/// Look up a MID in the ITU table; `None` if unallocated.
pub fn mid(mid: u16) -> Option<Mid> {
    table().get(usize::from(mid)).copied().flatten()
}

/// Distress and safety devices with their own MMSI ranges (ITU-R M.585 Annex 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beacon {
    /// AIS search-and-rescue transmitter, 970xxyyyy.
    Sart,
    /// Man-overboard device, 972xxyyyy.
    Mob,
    /// EPIRB with AIS locating signal, 974xxyyyy.
    Epirb,
}

/// What the structure of an MMSI says about the station.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StationKind {
    /// MIDxxxxxx: a ship station.
    Ship,
    /// 0MIDxxxxx: a group of ship stations.
    GroupShip,
    /// 00MIDxxxx: a coast station.
    Coast,
    /// 111MIDxxx: a SAR aircraft.
    SarAircraft,
    /// 8MIDxxxxx: a handheld VHF transceiver with DSC/GNSS.
    Handheld,
    /// 98MIDxxxx: a craft associated with a parent ship.
    Auxiliary,
    /// 99MIDxxxx: an aid to navigation.
    AidToNavigation,
    /// 970/972/974: a distress beacon.
    Beacon(Beacon),
    /// Anything else (out of range or unallocated structure).
    Invalid,
}

/// The verdict on one MMSI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub kind: StationKind,
    /// The MID when the structure carries one and it is allocated.
    pub mid: Option<Mid>,
    /// The MID digits the structure carries, allocated or not.
    pub mid_digits: Option<u16>,
}

impl Identity {
    /// True when the structure is known and, where it carries a MID, the MID is allocated.
    pub fn is_valid(&self) -> bool {
        match self.kind {
            StationKind::Invalid => false,
            StationKind::Beacon(_) => true,
            _ => self.mid.is_some(),
        }
    }
}

/// The distress beacon an MMSI belongs to, if any.
pub fn beacon(mmsi: u32) -> Option<Beacon> {
    match mmsi / 1_000_000 {
        970 => Some(Beacon::Sart),
        972 => Some(Beacon::Mob),
        974 => Some(Beacon::Epirb),
        _ => None,
    }
}

/// Navigational status 14 is "AIS-SART active" (also sent by MOB and EPIRB devices).
pub fn is_sart_active_status(status: u8) -> bool {
    status == 14
}

/// Classify an MMSI by ITU-R M.585 structure and check its MID against the table.
pub fn classify(mmsi: u32) -> Identity {
    let digits = |d: u32| Some((d % 1000) as u16);
    let (kind, mid_digits) = if mmsi >= 1_000_000_000 || mmsi == 0 {
        (StationKind::Invalid, None)
    } else if let Some(b) = beacon(mmsi) {
        (StationKind::Beacon(b), None)
    } else {
        match mmsi / 100_000_000 {
            0 if mmsi / 10_000_000 == 0 => (StationKind::Coast, digits(mmsi / 10_000)),
            0 => (StationKind::GroupShip, digits(mmsi / 100_000)),
            1 if mmsi / 1_000_000 == 111 => (StationKind::SarAircraft, digits(mmsi / 1_000)),
            2..=7 => (StationKind::Ship, digits(mmsi / 1_000_000)),
            8 => (StationKind::Handheld, digits(mmsi / 100_000)),
            9 if mmsi / 10_000_000 == 98 => (StationKind::Auxiliary, digits(mmsi / 10_000)),
            9 if mmsi / 10_000_000 == 99 => (StationKind::AidToNavigation, digits(mmsi / 10_000)),
            _ => (StationKind::Invalid, None),
        }
    };
    Identity { kind, mid: mid_digits.and_then(mid), mid_digits }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libya_is_642() {
        let m = mid(642);
        assert_eq!(m.map(|m| m.iso), Some("LY"));
        let id = classify(642_123_456);
        assert_eq!(id.kind, StationKind::Ship);
        assert!(id.is_valid());
    }

    #[test]
    fn structures() {
        assert_eq!(classify(2_275_000).kind, StationKind::Coast);
        assert_eq!(classify(2_275_000).mid.map(|m| m.iso), Some("FR"));
        assert_eq!(classify(111_232_500).kind, StationKind::SarAircraft);
        assert_eq!(classify(992_351_000).kind, StationKind::AidToNavigation);
        assert_eq!(classify(982_470_001).kind, StationKind::Auxiliary);
        assert_eq!(classify(970_010_001).kind, StationKind::Beacon(Beacon::Sart));
        assert_eq!(beacon(972_001_234), Some(Beacon::Mob));
        assert_eq!(beacon(974_001_234), Some(Beacon::Epirb));
        assert!(!classify(200_000_000).is_valid());
        assert!(!classify(1_000_000_000).is_valid());
        assert!(is_sart_active_status(14));
    }
}

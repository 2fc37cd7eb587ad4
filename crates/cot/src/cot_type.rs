//! The CoT type tree (`a-f-G-U-C`, `b-m-p-s-m`, `t-x-c-t` …): atoms carry an affiliation, a
//! battle dimension and a MIL-STD-2525 function; they map to Tansiq's [`ObjectKind`] and back.

use std::fmt;

use model::ObjectKind;

/// Whose side an atom is on: the second field of `a-?-…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Affiliation {
    Pending,
    Unknown,
    AssumedFriend,
    Friend,
    Neutral,
    Suspect,
    Hostile,
    Joker,
    Faker,
    NoneSpecified,
    Other,
}

impl Affiliation {
    const ALL: [(Affiliation, char); 11] = [
        (Affiliation::Pending, 'p'),
        (Affiliation::Unknown, 'u'),
        (Affiliation::AssumedFriend, 'a'),
        (Affiliation::Friend, 'f'),
        (Affiliation::Neutral, 'n'),
        (Affiliation::Suspect, 's'),
        (Affiliation::Hostile, 'h'),
        (Affiliation::Joker, 'j'),
        (Affiliation::Faker, 'k'),
        (Affiliation::NoneSpecified, 'o'),
        (Affiliation::Other, 'x'),
    ];

    pub fn from_code(code: char) -> Option<Affiliation> {
        Affiliation::ALL.iter().find(|(_, c)| *c == code).map(|(a, _)| *a)
    }

    pub fn code(self) -> char {
        Affiliation::ALL.iter().find(|(a, _)| *a == self).map_or('u', |(_, c)| *c)
    }

    /// Friend or assumed friend.
    pub fn is_friendly(self) -> bool {
        matches!(self, Affiliation::Friend | Affiliation::AssumedFriend)
    }

    /// Hostile, or treated as hostile (suspect, joker, faker).
    pub fn is_threat(self) -> bool {
        matches!(
            self,
            Affiliation::Hostile | Affiliation::Suspect | Affiliation::Joker | Affiliation::Faker
        )
    }
}

/// Where an atom operates: the third field of `a-?-?-…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Space,
    Air,
    Ground,
    SeaSurface,
    Subsurface,
    SpecialForces,
    Other,
}

impl Dimension {
    const ALL: [(Dimension, char); 7] = [
        (Dimension::Space, 'P'),
        (Dimension::Air, 'A'),
        (Dimension::Ground, 'G'),
        (Dimension::SeaSurface, 'S'),
        (Dimension::Subsurface, 'U'),
        (Dimension::SpecialForces, 'F'),
        (Dimension::Other, 'X'),
    ];

    pub fn from_code(code: char) -> Option<Dimension> {
        Dimension::ALL.iter().find(|(_, c)| *c == code).map(|(d, _)| *d)
    }

    pub fn code(self) -> char {
        Dimension::ALL.iter().find(|(d, _)| *d == self).map_or('X', |(_, c)| *c)
    }
}

/// An atom: something that exists at a place (`a-…`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Atom {
    pub affiliation: Affiliation,
    pub dimension: Dimension,
    /// The 2525 function codes after the dimension, e.g. `["U", "C", "I"]` for infantry.
    pub function: Vec<String>,
}

impl Atom {
    /// What Tansiq calls this object. Sea surface and subsurface are vessels, air is aircraft;
    /// on the ground, equipment vehicles and armour are vehicles, and infantry, special
    /// forces and ATAK's default self marker (`a-f-G-U-C`, a person carrying the phone) are
    /// people. Everything else is unknown.
    pub fn kind(&self) -> ObjectKind {
        let f: Vec<&str> = self.function.iter().map(String::as_str).collect();
        match self.dimension {
            Dimension::SeaSurface | Dimension::Subsurface => ObjectKind::Vessel,
            Dimension::Air => ObjectKind::Aircraft,
            Dimension::SpecialForces => ObjectKind::Person,
            Dimension::Ground => match f.as_slice() {
                ["E", "V", ..] | ["U", "C", "A", ..] => ObjectKind::Vehicle,
                ["U", "C"] | ["U", "C", "I", ..] => ObjectKind::Person,
                _ => ObjectKind::Unknown,
            },
            Dimension::Space | Dimension::Other => ObjectKind::Unknown,
        }
    }
}

/// A parsed CoT type. The string it came from is kept by [`fmt::Display`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CotType {
    /// `a-…`: a thing at a place.
    Atom(Atom),
    /// `b-…`: bits, data about something (`b-t-f` chat, `b-m-p-s-m` spot map marker …).
    Bits(Vec<String>),
    /// `t-…`: tasking and control (`t-x-c-t` ping, `t-x-takp-v` negotiation …).
    Tasking(Vec<String>),
    /// Any other root (`u-d-…` drawings, `c-…`, `y-…`) or a malformed atom.
    Other(Vec<String>),
}

impl CotType {
    /// Never fails: what is not understood is [`CotType::Other`].
    pub fn parse(text: &str) -> CotType {
        let fields: Vec<String> = text.split('-').map(str::to_owned).collect();
        let single = |s: &str| {
            let mut chars = s.chars();
            chars.next().filter(|_| chars.next().is_none())
        };
        match fields.first().map(String::as_str) {
            Some("a") if fields.len() >= 3 => {
                let affiliation = single(&fields[1]).and_then(Affiliation::from_code);
                let dimension = single(&fields[2]).and_then(Dimension::from_code);
                match (affiliation, dimension) {
                    (Some(affiliation), Some(dimension)) => CotType::Atom(Atom {
                        affiliation,
                        dimension,
                        function: fields[3..].to_vec(),
                    }),
                    _ => CotType::Other(fields),
                }
            }
            Some("b") => CotType::Bits(fields[1..].to_vec()),
            Some("t") => CotType::Tasking(fields[1..].to_vec()),
            _ => CotType::Other(fields),
        }
    }

    pub fn atom(&self) -> Option<&Atom> {
        match self {
            CotType::Atom(atom) => Some(atom),
            _ => None,
        }
    }

    /// The object kind of an atom; [`ObjectKind::Unknown`] for everything else.
    pub fn kind(&self) -> ObjectKind {
        self.atom().map_or(ObjectKind::Unknown, Atom::kind)
    }
}

impl fmt::Display for CotType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (root, rest): (&str, &[String]) = match self {
            CotType::Atom(atom) => {
                write!(f, "a-{}-{}", atom.affiliation.code(), atom.dimension.code())?;
                return atom.function.iter().try_for_each(|s| write!(f, "-{s}"));
            }
            CotType::Bits(rest) => ("b", rest),
            CotType::Tasking(rest) => ("t", rest),
            CotType::Other(all) => return f.write_str(&all.join("-")),
        };
        f.write_str(root)?;
        rest.iter().try_for_each(|s| write!(f, "-{s}"))
    }
}

/// The CoT type Tansiq writes for a track of this kind and affiliation. Reading it back with
/// [`CotType::kind`] gives the same kind.
pub fn type_for(kind: ObjectKind, affiliation: Affiliation) -> String {
    let a = affiliation.code();
    match kind {
        ObjectKind::Vessel => format!("a-{a}-S"),
        ObjectKind::Vehicle => format!("a-{a}-G-E-V"),
        ObjectKind::Aircraft => format!("a-{a}-A"),
        ObjectKind::Person => format!("a-{a}-G-U-C-I"),
        ObjectKind::Unknown => format!("a-{a}-G"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoms_map_to_kinds() {
        let cases = [
            ("a-f-G-U-C", ObjectKind::Person, Affiliation::Friend),
            ("a-h-S", ObjectKind::Vessel, Affiliation::Hostile),
            ("a-n-S-X-M", ObjectKind::Vessel, Affiliation::Neutral),
            ("a-u-U", ObjectKind::Vessel, Affiliation::Unknown),
            ("a-s-A-M-H", ObjectKind::Aircraft, Affiliation::Suspect),
            ("a-f-G-E-V-C", ObjectKind::Vehicle, Affiliation::Friend),
            ("a-h-G", ObjectKind::Unknown, Affiliation::Hostile),
            ("a-j-G-U-C-I", ObjectKind::Person, Affiliation::Joker),
            ("a-k-F", ObjectKind::Person, Affiliation::Faker),
            ("a-p-P", ObjectKind::Unknown, Affiliation::Pending),
        ];
        for (text, kind, affiliation) in cases {
            let parsed = CotType::parse(text);
            let atom = parsed.atom().unwrap_or_else(|| panic!("{text} is an atom"));
            assert_eq!(atom.kind(), kind, "{text}");
            assert_eq!(atom.affiliation, affiliation, "{text}");
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn non_atoms_and_malformed_types_are_not_atoms() {
        for text in
            ["b-m-p-s-m", "t-x-c-t", "b-t-f", "u-d-f", "a-q-G", "a-f-Q", "a-ff-G", "a-f", ""]
        {
            let parsed = CotType::parse(text);
            assert!(parsed.atom().is_none(), "{text}");
            assert_eq!(parsed.kind(), ObjectKind::Unknown, "{text}");
            assert_eq!(parsed.to_string(), text);
        }
        assert_eq!(
            CotType::parse("b-m-p-s-m"),
            CotType::Bits(vec!["m".into(), "p".into(), "s".into(), "m".into()])
        );
        assert!(matches!(CotType::parse("t-x-takp-v"), CotType::Tasking(_)));
    }

    #[test]
    fn every_kind_and_affiliation_survives_the_way_out_and_back() {
        let kinds = [
            ObjectKind::Vessel,
            ObjectKind::Vehicle,
            ObjectKind::Aircraft,
            ObjectKind::Person,
            ObjectKind::Unknown,
        ];
        for kind in kinds {
            for (affiliation, code) in Affiliation::ALL {
                let text = type_for(kind, affiliation);
                let atom = CotType::parse(&text).atom().cloned().expect("an atom");
                assert_eq!((atom.kind(), atom.affiliation), (kind, affiliation), "{text}");
                assert_eq!(Affiliation::from_code(code), Some(affiliation));
            }
        }
    }
}

//! [`Name`]: a string in one machine word.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string in one word instead of two: what an identity's many optional names are. Most of
/// them are empty on most tracks, and an `Option<Box<str>>` costs 16 bytes empty or not; an
/// `Option<Name>` costs 8 (the string itself lives behind a second pointer, read only where a
/// name is shown or compared). Reads as a `&str`; stored as a plain string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Box<Box<str>>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(Box::new(s.into()))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name(Box::new(s.into_boxed_str()))
    }
}

impl From<Box<str>> for Name {
    fn from(s: Box<str>) -> Name {
        Name(Box::new(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Name {
        Name::from(s.as_str())
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        String::from(*name.0)
    }
}

impl From<Name> for Box<str> {
    fn from(name: Name) -> Box<str> {
        *name.0
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        **self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        **self.0 == **other
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.0, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self.0, f)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        Box::<str>::deserialize(deserializer).map(Name::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn a_name_is_one_word_and_reads_and_stores_as_a_string() {
        assert_eq!(size_of::<Option<Name>>(), size_of::<usize>());
        let name = Name::from("الفجر 7");
        assert_eq!(&*name, "الفجر 7");
        assert_eq!(name, "الفجر 7");
        assert_eq!(format!("{name} {name:?}"), "الفجر 7 \"الفجر 7\"");
        let json = serde_json::to_string(&Some(name.clone())).expect("json");
        assert_eq!(json, "\"الفجر 7\"");
        assert_eq!(serde_json::from_str::<Option<Name>>(&json).expect("json"), Some(name));
    }
}

//! The `detail` children Tansiq understands, each parsed from its own verbatim XML so that
//! anything unexpected (a child element, a malformed number) keeps the element verbatim
//! instead of losing data.

use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;

use crate::read::{attributes, element_name, text_of};
use crate::write::{push_attr, push_text};

/// An attribute value with a typed reading. Values that do not read keep the whole element
/// verbatim.
pub trait AttrValue: Sized {
    fn read(text: &str) -> Option<Self>;
    fn write(&self) -> String;
}

impl AttrValue for String {
    fn read(text: &str) -> Option<String> {
        Some(text.to_owned())
    }
    fn write(&self) -> String {
        self.clone()
    }
}

impl AttrValue for f64 {
    fn read(text: &str) -> Option<f64> {
        text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
    }
    fn write(&self) -> String {
        self.to_string()
    }
}

impl AttrValue for u32 {
    fn read(text: &str) -> Option<u32> {
        text.trim().parse().ok()
    }
    fn write(&self) -> String {
        self.to_string()
    }
}

macro_rules! attr_struct {
    ($(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty = $attr:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $(pub $field: Option<$ty>,)*
            /// Attributes without a typed field, in document order.
            pub extra: Vec<(String, String)>,
        }

        impl $name {
            /// Reads the attributes; `None` if a known one is repeated or does not read.
            pub fn from_attrs(attrs: Vec<(String, String)>) -> Option<$name> {
                let mut out = $name::default();
                for (key, value) in attrs {
                    match key.as_str() {
                        $($attr => {
                            if out.$field.is_some() {
                                return None;
                            }
                            out.$field = Some(<$ty as AttrValue>::read(&value)?);
                        })*
                        _ => out.extra.push((key, value)),
                    }
                }
                Some(out)
            }

            pub fn write_attrs(&self, out: &mut String) {
                $(if let Some(v) = &self.$field {
                    push_attr(out, $attr, &AttrValue::write(v));
                })*
                for (key, value) in &self.extra {
                    push_attr(out, key, value);
                }
            }
        }
    };
}

attr_struct!(
    /// `<contact callsign endpoint/>`: who the sender is and how to reach it directly.
    Contact { callsign: String = "callsign", endpoint: String = "endpoint" }
);
attr_struct!(
    /// `<__group name role/>`: the ATAK team colour and role.
    Group { name: String = "name", role: String = "role" }
);
attr_struct!(
    /// `<track course speed/>`: degrees clockwise from true north, metres per second.
    Track { course: f64 = "course", speed: f64 = "speed" }
);
attr_struct!(
    /// `<status battery/>`: battery percentage.
    Status { battery: u32 = "battery" }
);
attr_struct!(
    /// `<takv device platform os version/>`: the client software.
    Takv { device: String = "device", platform: String = "platform", os: String = "os",
        version: String = "version" }
);
attr_struct!(
    /// `<precisionlocation geopointsrc altsrc/>`: where the position and altitude came from.
    PrecisionLocation { geopointsrc: String = "geopointsrc", altsrc: String = "altsrc" }
);
attr_struct!(
    /// `<uid Droid/>`: the device's name.
    DroidUid { droid: String = "Droid" }
);
attr_struct!(
    /// `<link uid type relation/>`: a parent, a route point or the sender of a chat.
    Link { uid: String = "uid", cot_type: String = "type", relation: String = "relation" }
);
attr_struct!(
    /// `<dest callsign|uid/>` inside `<marti>`: one addressee of a directed message.
    Dest { callsign: String = "callsign", uid: String = "uid" }
);
attr_struct!(
    /// `<remarks>` attributes; the text is in [`Remarks::text`].
    RemarksAttrs { source: String = "source", to: String = "to", time: String = "time" }
);
attr_struct!(
    /// `<__chat>` attributes.
    ChatAttrs { id: String = "id", chatroom: String = "chatroom",
        sender_callsign: String = "senderCallsign", parent: String = "parent",
        group_owner: String = "groupOwner", message_id: String = "messageId" }
);

/// `<remarks>text</remarks>`: free text, the body of a GeoChat message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Remarks {
    pub attrs: RemarksAttrs,
    pub text: String,
}

/// `<marti><dest …/>…</marti>`: the addressees of a directed message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marti {
    pub extra: Vec<(String, String)>,
    pub dests: Vec<Dest>,
}

/// `<__chat>` with its `<chatgrp uid0 uid1 … id/>`; other children kept verbatim.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chat {
    pub attrs: ChatAttrs,
    /// The `chatgrp` attributes in document order (`uid0`, `uid1`, …, `id`).
    pub chatgrp: Option<Vec<(String, String)>>,
    pub other_children: Vec<String>,
}

impl Chat {
    /// The participants named in `chatgrp` (`uid0`, `uid1`, …).
    pub fn participants(&self) -> Vec<&str> {
        let Some(group) = &self.chatgrp else { return Vec::new() };
        group
            .iter()
            .filter(|(k, _)| k.strip_prefix("uid").is_some_and(|n| n.parse::<u32>().is_ok()))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A `detail` child kept exactly as it was received.
#[derive(Clone, Debug, PartialEq)]
pub struct RawElement {
    pub name: String,
    pub xml: String,
}

/// One child of `<detail>`.
#[derive(Clone, Debug, PartialEq)]
pub enum DetailElement {
    Contact(Contact),
    Group(Group),
    Track(Track),
    Status(Status),
    Takv(Takv),
    PrecisionLocation(PrecisionLocation),
    Uid(DroidUid),
    Remarks(Remarks),
    Link(Link),
    Marti(Marti),
    Chat(Chat),
    Raw(RawElement),
}

impl DetailElement {
    /// The element's XML name.
    pub fn name(&self) -> &str {
        match self {
            DetailElement::Contact(_) => "contact",
            DetailElement::Group(_) => "__group",
            DetailElement::Track(_) => "track",
            DetailElement::Status(_) => "status",
            DetailElement::Takv(_) => "takv",
            DetailElement::PrecisionLocation(_) => "precisionlocation",
            DetailElement::Uid(_) => "uid",
            DetailElement::Remarks(_) => "remarks",
            DetailElement::Link(_) => "link",
            DetailElement::Marti(_) => "marti",
            DetailElement::Chat(_) => "__chat",
            DetailElement::Raw(raw) => &raw.name,
        }
    }

    /// Reads one child from its verbatim XML: typed if it has the expected shape, raw if not.
    pub fn from_xml(name: &str, xml: &str) -> DetailElement {
        typed(xml).unwrap_or_else(|| {
            DetailElement::Raw(RawElement { name: name.to_owned(), xml: xml.to_owned() })
        })
    }

    pub fn write(&self, out: &mut String) {
        let leaf = |out: &mut String, name: &str, write: &dyn Fn(&mut String)| {
            out.push('<');
            out.push_str(name);
            write(out);
            out.push_str("/>");
        };
        match self {
            DetailElement::Contact(v) => leaf(out, "contact", &|o| v.write_attrs(o)),
            DetailElement::Group(v) => leaf(out, "__group", &|o| v.write_attrs(o)),
            DetailElement::Track(v) => leaf(out, "track", &|o| v.write_attrs(o)),
            DetailElement::Status(v) => leaf(out, "status", &|o| v.write_attrs(o)),
            DetailElement::Takv(v) => leaf(out, "takv", &|o| v.write_attrs(o)),
            DetailElement::PrecisionLocation(v) => {
                leaf(out, "precisionlocation", &|o| v.write_attrs(o))
            }
            DetailElement::Uid(v) => leaf(out, "uid", &|o| v.write_attrs(o)),
            DetailElement::Link(v) => leaf(out, "link", &|o| v.write_attrs(o)),
            DetailElement::Remarks(v) => {
                out.push_str("<remarks");
                v.attrs.write_attrs(out);
                out.push('>');
                push_text(out, &v.text);
                out.push_str("</remarks>");
            }
            DetailElement::Marti(v) => {
                out.push_str("<marti");
                for (key, value) in &v.extra {
                    push_attr(out, key, value);
                }
                out.push('>');
                for dest in &v.dests {
                    leaf(out, "dest", &|o| dest.write_attrs(o));
                }
                out.push_str("</marti>");
            }
            DetailElement::Chat(v) => {
                out.push_str("<__chat");
                v.attrs.write_attrs(out);
                out.push('>');
                if let Some(group) = &v.chatgrp {
                    out.push_str("<chatgrp");
                    for (key, value) in group {
                        push_attr(out, key, value);
                    }
                    out.push_str("/>");
                }
                for child in &v.other_children {
                    out.push_str(child);
                }
                out.push_str("</__chat>");
            }
            DetailElement::Raw(raw) => out.push_str(&raw.xml),
        }
    }
}

macro_rules! into_element {
    ($($ty:ident => $variant:ident),*) => {
        $(impl From<$ty> for DetailElement {
            fn from(v: $ty) -> DetailElement {
                DetailElement::$variant(v)
            }
        })*
    };
}
into_element!(Contact => Contact, Group => Group, Track => Track, Status => Status,
    Takv => Takv, PrecisionLocation => PrecisionLocation, DroidUid => Uid, Remarks => Remarks,
    Link => Link, Marti => Marti, Chat => Chat, RawElement => Raw);

/// The typed reading of one element, or `None` to keep it verbatim.
fn typed(xml: &str) -> Option<DetailElement> {
    let mut reader = Reader::from_str(xml);
    let (start, empty) = loop {
        match reader.read_event().ok()? {
            XmlEvent::Start(e) => break (e, false),
            XmlEvent::Empty(e) => break (e, true),
            XmlEvent::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            _ => return None,
        }
    };
    let name = element_name(&start).ok()?;
    let attrs = attributes(&start).ok()?;
    let leaf = |reader: &mut Reader<&[u8]>| empty || only_whitespace_until_end(reader);
    let element = match name.as_str() {
        "contact" => Contact::from_attrs(attrs)?.into(),
        "__group" => Group::from_attrs(attrs)?.into(),
        "track" => Track::from_attrs(attrs)?.into(),
        "status" => Status::from_attrs(attrs)?.into(),
        "takv" => Takv::from_attrs(attrs)?.into(),
        "precisionlocation" => PrecisionLocation::from_attrs(attrs)?.into(),
        "uid" => DroidUid::from_attrs(attrs)?.into(),
        "link" => Link::from_attrs(attrs)?.into(),
        "remarks" => {
            let attrs = RemarksAttrs::from_attrs(attrs)?;
            let text = if empty { String::new() } else { text_of(&mut reader)? };
            return Some(Remarks { attrs, text }.into());
        }
        "marti" if !empty => return marti(&mut reader, attrs).map(Into::into),
        "__chat" => {
            let attrs = ChatAttrs::from_attrs(attrs)?;
            let mut chat = Chat { attrs, ..Chat::default() };
            if !empty {
                chat_children(&mut reader, xml, &mut chat)?;
            }
            return Some(chat.into());
        }
        _ => return None,
    };
    leaf(&mut reader).then_some(element)
}

fn only_whitespace_until_end(reader: &mut Reader<&[u8]>) -> bool {
    loop {
        match reader.read_event() {
            Ok(XmlEvent::End(_)) => return true,
            Ok(XmlEvent::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => {}
            _ => return false,
        }
    }
}

fn marti(reader: &mut Reader<&[u8]>, extra: Vec<(String, String)>) -> Option<Marti> {
    let mut marti = Marti { extra, dests: Vec::new() };
    loop {
        match reader.read_event().ok()? {
            XmlEvent::Empty(e) if e.name().as_ref() == b"dest" => {
                marti.dests.push(Dest::from_attrs(attributes(&e).ok()?)?);
            }
            XmlEvent::Start(e) if e.name().as_ref() == b"dest" => {
                marti.dests.push(Dest::from_attrs(attributes(&e).ok()?)?);
                if !only_whitespace_until_end(reader) {
                    return None;
                }
            }
            XmlEvent::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            XmlEvent::End(_) => return Some(marti),
            _ => return None,
        }
    }
}

fn chat_children(reader: &mut Reader<&[u8]>, xml: &str, chat: &mut Chat) -> Option<()> {
    loop {
        let before = usize::try_from(reader.buffer_position()).ok()?;
        match reader.read_event().ok()? {
            XmlEvent::Empty(e) if e.name().as_ref() == b"chatgrp" && chat.chatgrp.is_none() => {
                chat.chatgrp = Some(attributes(&e).ok()?);
            }
            XmlEvent::Empty(_) => {
                let after = usize::try_from(reader.buffer_position()).ok()?;
                chat.other_children.push(xml.get(before..after)?.to_owned());
            }
            XmlEvent::Start(e) => {
                let end = e.to_end().into_owned();
                reader.read_to_end(end.name()).ok()?;
                let after = usize::try_from(reader.buffer_position()).ok()?;
                chat.other_children.push(xml.get(before..after)?.to_owned());
            }
            XmlEvent::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            XmlEvent::End(_) => return Some(()),
            _ => return None,
        }
    }
}

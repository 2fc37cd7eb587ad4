//! The crate's error types: one for reading an event, one for the byte stream around it.

/// Why a CoT event (XML or protobuf) could not be read or converted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CotError {
    #[error("event is {size} bytes, over the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("event is not valid utf-8")]
    NotUtf8,
    #[error("document type declarations are refused (entities could expand without bound)")]
    DocType,
    #[error("invalid xml at byte {position}: {message}")]
    Xml { position: u64, message: String },
    #[error("invalid xml attribute: {0}")]
    Attribute(String),
    #[error("no <event> element")]
    NoEvent,
    #[error("root element is <{0}>, want <event>")]
    UnexpectedRoot(String),
    #[error("event ends before </event>")]
    Unterminated,
    #[error("event has no `{0}` attribute")]
    MissingAttribute(&'static str),
    #[error("event has no <point>")]
    MissingPoint,
    #[error("invalid {field}: {value:?}")]
    InvalidNumber { field: &'static str, value: String },
    #[error("invalid time {0:?}")]
    Time(String),
    #[error("invalid protobuf message: {0}")]
    Protobuf(String),
    #[error("takmessage carries no cotevent")]
    NoCotEvent,
    #[error("{field} {value} does not fit a timestamp")]
    TimeRange { field: &'static str, value: i128 },
}

/// What went wrong in a byte stream, and whether the stream can go on.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FrameError {
    /// The frame was delimited correctly but its content was refused; the decoder has skipped
    /// it and the next frame can be read.
    #[error("frame skipped: {0}")]
    Skipped(CotError),
    #[error("invalid varint length in tak protocol frame")]
    InvalidVarint,
    #[error("tak protocol frame of {size} bytes is over the limit of {limit}")]
    FrameTooLarge { size: u64, limit: usize },
    #[error("xml event of at least {size} bytes without </event> is over the limit of {limit}")]
    XmlTooLarge { size: usize, limit: usize },
    #[error("unexpected byte 0x{0:02x} where a frame or an xml element should start")]
    UnexpectedByte(u8),
    #[error("mesh header is not 0xbf <version> 0xbf")]
    MeshHeader,
    #[error("tak protocol version {0} is not supported")]
    UnsupportedVersion(u64),
    #[error("stream ended inside a frame ({0} bytes left over)")]
    Truncated(usize),
    #[error("datagram is empty")]
    EmptyDatagram,
    #[error("decoder stopped after an earlier framing error")]
    Poisoned,
}

impl FrameError {
    /// Whether the framing is lost: the connection must close (or call
    /// [`StreamDecoder::resynchronise`](crate::StreamDecoder::resynchronise) to try to go on).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, FrameError::Skipped(_))
    }

    /// A short, stable label for metrics and close reasons.
    pub fn reason(&self) -> &'static str {
        match self {
            FrameError::Skipped(_) => "invalid_event",
            FrameError::InvalidVarint => "invalid_varint",
            FrameError::FrameTooLarge { .. } => "frame_too_large",
            FrameError::XmlTooLarge { .. } => "xml_too_large",
            FrameError::UnexpectedByte(_) => "unexpected_byte",
            FrameError::MeshHeader => "mesh_header",
            FrameError::UnsupportedVersion(_) => "unsupported_version",
            FrameError::Truncated(_) => "truncated",
            FrameError::EmptyDatagram => "empty_datagram",
            FrameError::Poisoned => "poisoned",
        }
    }
}

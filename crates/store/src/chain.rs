//! The hash chain: how a record's hash is computed from its sequence number and stored bytes.

/// A BLAKE3 digest.
pub type Hash = [u8; 32];

/// The predecessor hash of record 0.
pub const GENESIS: Hash = [0; 32];

/// The hash of one record: BLAKE3 over its sequence number (little-endian), its predecessor's
/// hash and its encoded event. Including `seq` means a record moved to another position no
/// longer matches.
pub fn record_hash(seq: u64, prev_hash: &Hash, encoded_event: &[u8]) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&seq.to_le_bytes());
    hasher.update(prev_hash);
    hasher.update(encoded_event);
    *hasher.finalize().as_bytes()
}

pub(crate) fn hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

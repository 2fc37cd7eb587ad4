//! Integration tests of the store: the conformance suite on redb, group commit, tampering.

mod committer;
mod redb;

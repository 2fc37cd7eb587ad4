//! Checks of the repository itself, in the manner of rust-analyzer's `tidy`: they live in
//! `tests/tidy.rs` and run with the rest of the suite, so that a file grown past its size, a
//! pure crate that starts to depend on tokio, a reference to a document outside the
//! repository or a bare `TODO` fails the build like any other broken test.

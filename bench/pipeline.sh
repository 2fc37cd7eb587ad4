#!/usr/bin/env bash
# Core pipeline benchmark: 1M observations through validation and group commit
# into the redb log, replay, and the same batching on SQLite (WAL, synchronous=FULL).
# Usage: bench/pipeline.sh [--events N] [--runs R] [--dir DIR] [--pg postgres://…]  (--pg: the
# PostgreSQL log too, through the same group commit)
set -euo pipefail
cd "$(dirname "$0")/pipeline"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --quiet
exec "$CARGO_TARGET_DIR/release/bench-pipeline" "$@"

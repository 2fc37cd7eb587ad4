#!/usr/bin/env bash
# The picture's benchmark: 1M position updates from 100k tracks against Libya's
# zones plus 1,000 user zones through the engine with every rule on, through the zone index
# alone, and through PostGIS (apt-get install postgresql-15-postgis-3) in batches, in one run.
# Usage: bench/picture.sh [--runs R] [--batch N] [--pg CONNINFO] [--no-pg] [--pg-points N]
#        [--state-hash]  (prints a hash of the final state and one of its tracks and alerts: a
#        speed-up must leave the first as it was, a change to what the fold remembers the second)
set -euo pipefail
cd "$(dirname "$0")/picture"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --quiet
exec "$CARGO_TARGET_DIR/release/bench-picture" "$@"

#!/usr/bin/env bash
# The live map under load: 20,000 live tracks updating once a second fed to
# a release centre (`tansiq demo --no-feed`) by bench/web/render.mjs — its own feeder posting
# to POST /api/v1/observations, since the scenario simulator makes about 2,000 slow-reporting
# tracks at most — and the operator's screen in headless Chromium with software GL
# (SwiftShader). Prints the server-batch-to-rendered-frame latency (p50/p90/p99), the main
# thread's busy share (CDP TaskDuration) and the initial load; asserts nothing.
# Usage: bench/web-render.sh [TRACKS] [SECONDS]    (env CHROMIUM, default /usr/bin/chromium)
set -euo pipefail
tracks="${1:-20000}"
seconds="${2:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/tansiq-bench-target}"
(cd "$root" && cargo build --release -p cli --quiet)
[ -d "$root/web/node_modules/playwright-core" ] || (cd "$root/web" && npm ci --no-audit --no-fund)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
node "$root/bench/web/render.mjs" --bin "$CARGO_TARGET_DIR/release/tansiq" \
  --tracks "$tracks" --seconds "$seconds" "${@:3}"

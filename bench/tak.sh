#!/usr/bin/env bash
# TAK load: N simulated TAK clients (default 1,000) each sending one SA per second
# over plain TCP to `tansiq serve` with a [tak] listener, for S seconds after a warm-up; prints
# the delivery latency to the other clients (p50/p90/p99) and the server's CPU use.
# Usage: bench/tak.sh [CLIENTS] [SECONDS]   (TAK_WRITE_DELAY_MS sets [tak] write_delay_ms;
# SKIP_BUILD=1 uses the binaries already built in CARGO_TARGET_DIR). On a shared machine with
# autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled) every session gets an equal
# share of the CPU whatever its nice value: note `uptime`, and run when the others are quiet;
# TAK_AUTOGROUP_NICE=-15 runs the server and the clients in sessions of their own at that
# autogroup nice (root only), as the TAK figures in the README were measured.
set -euo pipefail
clients="${1:-1000}"
seconds="${2:-30}"
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$root" && cargo build --release -p cli --quiet)
  (cd "$root/bench/tak" && cargo build --release --quiet)
fi
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; grep -c . "$dir/server.log" | sed "s/^/server log lines: /"; grep -v " INFO " "$dir/server.log" | tail -5; rm -rf "$dir"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
cat > "$dir/tansiq.toml" <<TOML
data_dir = "$dir/data"
[http]
listen = "127.0.0.1:0"
[tak]
listen = "127.0.0.1:$port"
agency = "CGW"
${TAK_WRITE_DELAY_MS:+write_delay_ms = $TAK_WRITE_DELAY_MS}
TOML
group_nice="${TAK_AUTOGROUP_NICE:-}"
# Runs "$@" in a session (and so a scheduling autogroup) of its own at $group_nice; `exec`s,
# so that `$!` is the program's own pid.
in_group() {
  if [ -n "$group_nice" ]; then
    exec setsid bash -c 'echo "$0" > "/proc/$$/autogroup"; exec "$@"' "$group_nice" "$@"
  else
    exec "$@"
  fi
}
(in_group "$CARGO_TARGET_DIR/release/tansiq" serve --config "$dir/tansiq.toml") > "$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "load before: $(uptime)"
(in_group "$CARGO_TARGET_DIR/release/bench-tak" --addr "127.0.0.1:$port" --clients "$clients" \
  --seconds "$seconds" --server-pid "$pid")
echo "load after: $(uptime)"

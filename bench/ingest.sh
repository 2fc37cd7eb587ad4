#!/usr/bin/env bash
# End-to-end ingest through a configured source: an `ais_file` source at pace "fast" replays
# an AIS corpus (1M sentences by default, built by bench/ais/make_corpus.py) into
# `tansiq serve` on a fresh data folder, and the script times it from the first observation
# accepted to the last (`tansiq_ingest_observations_accepted_total`; the log's commit waits
# for the fold when the fold is behind, so this is decode + log + fold). Several binaries run
# side by side, interleaved run by run, so that a drift of the machine touches each alike.
# Usage: bench/ingest.sh [--runs R] [--corpus FILE] TANSIQ_BIN [TANSIQ_BIN …]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
runs=3
corpus=/tmp/tansiq-ais-bench-1M.nmea
bins=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) bins+=("$1"); shift ;;
  esac
done
[ ${#bins[@]} -gt 0 ] || { echo "name at least one tansiq binary" >&2; exit 2; }
if [ ! -s "$corpus" ]; then
  echo "building corpus $corpus" >&2
  python3 "$here/ais/make_corpus.py" "$corpus" 1000000
fi
sentences=$(grep -c '^!' "$corpus")

token=""
metric() { # the sum of a counter's series, 0 if none yet or the server is not up yet
  { curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$1/metrics" 2>/dev/null || true; } \
    | awk -v name="$2" '$1 ~ "^"name"(\\{|$)" { s += $2 } END { printf "%d\n", s }'
}

one_run() { # BIN → "SECONDS OBSERVATIONS"
  local bin="$1" dir port pid start last accepted previous=-1 still=0
  dir="$(mktemp -d)"
  port=$(( 20000 + RANDOM % 20000 ))
  cat > "$dir/tansiq.toml" <<TOML
data_dir = "$dir/data"
[http]
listen = "127.0.0.1:$port"
[[sources]]
type = "ais_file"
id = "ais-file"
path = "$corpus"
agency = "CGW"
pace = "fast"
TOML
  # /metrics wants a signed-in user: one admin, made on the stopped centre as operators do.
  "$bin" agency add --data "$dir/data" --name-en Bench --name-ar Bench --kind joint_centre JOC >/dev/null
  echo bench-password | "$bin" user add --data "$dir/data" --agency JOC --role admin bench >/dev/null
  "$bin" serve --config "$dir/tansiq.toml" > "$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    token=$(curl -fsS -X POST -H 'Content-Type: application/json' \
      -d '{"username":"bench","password":"bench-password"}' \
      "http://127.0.0.1:$port/api/v1/auth/login" 2>/dev/null \
      | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p' || true)
    [ -n "$token" ] && break
    sleep 0.05
  done
  [ -n "$token" ] || { echo "cannot sign in:" >&2; tail -5 "$dir/server.log" >&2; exit 1; }
  start=""
  while :; do
    sleep 0.05
    accepted=$(metric "$port" tansiq_ingest_observations_accepted_total)
    now=$(date +%s.%N)
    if [ -z "$start" ] && [ "$accepted" -gt 0 ]; then start=$now; fi
    if [ "$accepted" -ne "$previous" ]; then previous=$accepted; last=$now; still=0
    elif [ -n "$start" ]; then still=$((still + 1)); fi
    # Done when the count has not moved for 2 s.
    if [ "$still" -ge 40 ]; then break; fi
    kill -0 "$pid" 2>/dev/null || { echo "the server died:" >&2; tail -5 "$dir/server.log" >&2; exit 1; }
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  echo "$(echo "$last - $start" | bc -l) $accepted"
}

echo "corpus: $corpus ($sentences sentences); $runs interleaved runs; load: $(uptime)"
declare -A rates
for r in $(seq "$runs"); do
  for bin in "${bins[@]}"; do
    read -r secs obs < <(one_run "$bin")
    rate=$(echo "$obs / $secs" | bc -l)
    printf 'run %d  %-50s %8d observations in %6.2f s: %9.0f/s\n' "$r" "$bin" "$obs" "$secs" "$rate"
    rates[$bin]+="$rate "
  done
done
for bin in "${bins[@]}"; do
  median=$(echo "${rates[$bin]}" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf 'median %-50s %9.0f observations/s\n' "$bin" "$median"
done

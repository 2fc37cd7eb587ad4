#!/usr/bin/env bash
# Whole-process AIS decoding benchmark, one thread, side by side:
#   ours (`tansiq ais decode --stats`, or the ais crate's ais_decode example until the CLI
#   has the subcommand), nmea-kit 0.8.9 and ais 0.12 (bench/ais/peers, outside the
#   workspace), `gpsdecode -u` (Debian gpsd-clients) against our JSON mode, and pyais.
# Prints the median of RUNS wall-clock runs, throughput and ratios. Tools that are not
# installed are reported and skipped.
#
#   bench/ais/run.sh [CORPUS]        (default: builds a 1,000,000-sentence corpus in /tmp)
#   RUNS=5 PYAIS_LINES=100000 bench/ais/run.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs="${RUNS:-3}"
corpus="${1:-/tmp/tansiq-ais-bench-1M.nmea}"
target="${CARGO_TARGET_DIR:-$root/target}"
peers_target="${PEERS_TARGET_DIR:-$root/target/ais-peers}"

if [[ ! -s "$corpus" ]]; then
  echo "building corpus $corpus"
  python3 "$here/make_corpus.py" "$corpus" 1000000
fi
sentences=$(grep -c '^!' "$corpus")

# Ours: the CLI when it has `ais decode`, else the crate's example binary.
ours=()
if [[ -n "${TANSIQ_BIN:-}" ]]; then
  ours=("$TANSIQ_BIN" ais decode)
else
  (cd "$root" && CARGO_TARGET_DIR="$target" cargo build --quiet --release -p ais --example ais_decode)
  ours=("$target/release/examples/ais_decode")
fi
(cd "$here/peers" && CARGO_TARGET_DIR="$peers_target" cargo build --quiet --release)
peers="$peers_target/release/ais-peers-bench"

# median wall-clock seconds of a command (stdout to /dev/null, stderr kept quiet)
median() {
  local t=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s.%N)
    t+=("$(echo "$e - $s" | bc -l)")
  done
  printf '%s\n' "${t[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

declare -A secs
row() { # name, command...
  local name="$1"; shift
  secs[$name]=$(median "$@")
  printf '%-34s %8.3f s %12.0f sentences/s\n' "$name" "${secs[$name]}" \
    "$(echo "$sentences / ${secs[$name]}" | bc -l)"
}

echo "corpus: $corpus ($sentences sentences), median of $runs runs, one process each"
row "ours --stats" "${ours[@]}" --stats "$corpus"
row "ours json (gpsd -u fields)" "${ours[@]}" "$corpus"
row "nmea-kit 0.8.9 (full decode)" "$peers" nmea-kit "$corpus"
row "ais 0.12 (full decode)" "$peers" ais "$corpus"
if command -v gpsdecode >/dev/null; then
  secs[gpsdecode]=$(median sh -c "gpsdecode -u < '$corpus'")
  printf '%-34s %8.3f s %12.0f sentences/s\n' "gpsdecode -u" "${secs[gpsdecode]}" \
    "$(echo "$sentences / ${secs[gpsdecode]}" | bc -l)"
else
  echo "gpsdecode -u: skipped (apt-get install gpsd-clients)"
fi
if python3 -c 'import pyais' 2>/dev/null; then
  lines="${PYAIS_LINES:-$sentences}"
  head -n "$lines" "$corpus" > "$corpus.pyais"
  cat > "$corpus.py" <<'PY'
import sys
from pyais.stream import FileReaderStream
n = 0
for msg in FileReaderStream(sys.argv[1]):
    try:
        msg.decode()
        n += 1
    except Exception:
        pass
print(n, file=sys.stderr)
PY
  t=$(RUNS=1 median python3 "$corpus.py" "$corpus.pyais")
  secs[pyais]=$(echo "$t * $sentences / $lines" | bc -l)
  printf '%-34s %8.3f s %12.0f sentences/s%s\n' "pyais $(python3 -c 'import pyais;print(pyais.__version__)')" \
    "${secs[pyais]}" "$(echo "$sentences / ${secs[pyais]}" | bc -l)" \
    "$([[ $lines != "$sentences" ]] && echo " (measured on $lines lines, scaled)")"
else
  echo "pyais: skipped (pip install pyais)"
fi

echo
echo "ratios (higher is better for ours):"
ratio() { printf '  %-44s %6.2fx\n' "$1" "$(echo "$2 / $3" | bc -l)"; }
ratio "nmea-kit / ours --stats" "${secs[nmea-kit 0.8.9 (full decode)]}" "${secs[ours --stats]}"
ratio "ais 0.12 / ours --stats" "${secs[ais 0.12 (full decode)]}" "${secs[ours --stats]}"
[[ -n "${secs[gpsdecode]:-}" ]] && ratio "gpsdecode -u / ours json" "${secs[gpsdecode]}" "${secs[ours json (gpsd -u fields)]}"
[[ -n "${secs[pyais]:-}" ]] && ratio "pyais / ours --stats" "${secs[pyais]}" "${secs[ours --stats]}"
exit 0

#!/usr/bin/env bash
# Scan benchmark: a generated 40-service / 20,000-file monorepo (shared/corpus/gen_monorepo.py),
# `polyver scan` against `find DIR -type f` on the same tree (warm cache, median of N runs),
# and polyver's peak RSS. The ratio is the inventory alone (`--no-store`); a second line times
# the default `polyver scan`, which also runs the offline analyses and stores the scan in
# the registry (a SQLite file in a temp dir here, so runs do not pile up in the tree).
#   bench/scan.sh [RUNS]        (env: SERVICES=40 FILLER=20000 SHARED=../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
shared="${SHARED:-../shared}"
dir="${TMPDIR:-/tmp}/polyver-bench-monorepo"

cargo build --release -q -p polyver-cli
bin="$PWD/target/release/polyver"

rm -rf "$dir"
python3 "$shared/corpus/gen_monorepo.py" "$dir" --services "${SERVICES:-40}" --filler "${FILLER:-20000}" --seed 1 >/dev/null
files=$(find "$dir" -type f | wc -l)
echo "tree: $dir ($files files, $(du -sh "$dir" | cut -f1))"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() {  # runs "$@" $runs times after one warm-up, prints the median wall time in ms
  "$@" >/dev/null 2>&1
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median
}

find_ms=$(time_ms find "$dir" -type f)
scan_ms=$(time_ms "$bin" scan "$dir" --no-store --format json -o /dev/null)
rss_kb=$(/usr/bin/time -f %M "$bin" scan "$dir" --no-store --format json -o /dev/null 2>&1 >/dev/null | tail -1)
components=$("$bin" scan "$dir" --no-store --format json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["components"]))')
registry="$(mktemp -d)"
stored_ms=$(time_ms "$bin" scan "$dir" --db "sqlite://$registry/polyver.db" --format json -o /dev/null)
rm -rf "$registry"

echo "find -type f:   ${find_ms} ms"
echo "polyver scan:   ${scan_ms} ms  ($components components)"
awk -v s="$scan_ms" -v f="$find_ms" 'BEGIN { printf "ratio:          %.2fx the file listing (target <= 3x)\n", (f > 0 ? s / f : 0) }'
echo "scan + analyses + store: ${stored_ms} ms (the default \`polyver scan\`)"
echo "peak RSS:       $(( rss_kb / 1024 )) MiB (target < 100 MiB)"

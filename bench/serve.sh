#!/usr/bin/env bash
# Load bench of `polyver serve` on PostgreSQL (issue 16): a fleet of REPOS repositories x
# COMPONENTS components (default 1,000 x 300) seeded through the store API, a release build
# of the server, and wrk on loopback against its endpoints; prints req/s, p50 and p99.
#
#   bash bench/serve.sh                     # the issue's figures
#   REPOS=100 DURATION=10s bash bench/serve.sh
#
# Environment: POLYVER_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; the
# bench works in a schema of its own, dropped at the end), REPOS, COMPONENTS, DURATION (of
# each wrk run, default 20s), CONNECTIONS (default 32), THREADS (wrk's, default 2), NO_BUILD
# (set: use the release binaries already in target/release as they are).
#
# Endpoints: /metrics (the repository metrics, served from their 5-second cache, plus one
# uncached refresh timed on its own), the cross-repository search (every request from the
# database: "who uses pypi-package-7 below 2.0" — a package few repositories use —
# and "who runs image postgres below 3", a first page of 50 out of thousands of uses; see
# the seed_fleet example for the fleet), /readyz (one database round trip per request) and
# /healthz (no database: the HTTP stack alone).
#
# A bench, not a test: numbers depend on the machine. wrk and the server share its cores.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE="${POLYVER_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
REPOS="${REPOS:-1000}"
COMPONENTS="${COMPONENTS:-300}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
SCHEMA="polyver_bench_serve_$$"
# label=path
ENDPOINTS=(
  "/metrics=/metrics"
  "search pypi=/api/v1/search/components?ecosystem=pypi&name=pypi-package-7&range=%3C2.0"
  "search image=/api/v1/search/components?ecosystem=docker&name=postgres&range=%3C3"
  "/readyz=/readyz"
  "/healthz=/healthz"
)

need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "== installing $2 (Debian package)" >&2
  (apt-get install -y -q "$2" || (apt-get update -q && apt-get install -y -q "$2")) >/dev/null
}
need wrk wrk
need psql postgresql-client
need curl curl

if [ -z "${NO_BUILD:-}" ]; then
  echo "== release build (polyver, seed_fleet)"
  cargo build --release -q -p polyver-cli --bin polyver
  cargo build --release -q -p polyver-server --example seed_fleet
fi
POLYVER=target/release/polyver
# The seeding tool's speed is not measured: SEED may name another build of it.
SEED="${SEED:-target/release/examples/seed_fleet}"

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  psql -q "$BASE" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

psql -q "$BASE" -c "CREATE SCHEMA $SCHEMA" >/dev/null
sep='?'; case "$BASE" in *\?*) sep='&' ;; esac
URL="${BASE}${sep}options=-csearch_path%3D${SCHEMA}"

echo "== seeding $REPOS repositories x $COMPONENTS components"
"$SEED" "$URL" "$REPOS" "$COMPONENTS"

echo "== starting polyver serve"
"$POLYVER" serve --listen 127.0.0.1:0 --db "$URL" 2>"$workdir/serve.log" &
server_pid=$!
addr=""
for _ in $(seq 1 100); do
  addr="$(sed -n 's|^listening on http://||p' "$workdir/serve.log" | head -1)"
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "the server did not start:" >&2; cat "$workdir/serve.log" >&2; exit 3; }

# The first scrape computes the repository metrics from the database (the cache is empty).
cold="$(curl -s -o "$workdir/metrics.txt" -w '%{time_total}' "http://$addr/metrics")"
series="$(grep -vc '^#' "$workdir/metrics.txt" || true)"
bytes="$(wc -c <"$workdir/metrics.txt")"
echo "== /metrics: $series series, $bytes bytes; uncached refresh (first scrape) ${cold}s"

# wrk's latency distribution in milliseconds: "50%" and "99%" lines of --latency.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else printf "%s", v }'
}

# What each search answers (a sanity check that the bench measures real work).
for entry in "${ENDPOINTS[@]}"; do
  case "$entry" in search*)
    page="$(curl -s "http://$addr${entry#*=}")"
    echo "== ${entry%%=*}: $(grep -o '"repository"' <<<"$page" | wc -l) uses on the first page, next: $(grep -o '"next_cursor":"[^"]*"' <<<"$page" | head -1 || echo none)"
  esac
done

printf '\n%-14s %12s %10s %10s %8s\n' endpoint req/s p50_ms p99_ms errors
for entry in "${ENDPOINTS[@]}"; do
  label="${entry%%=*}"
  path="${entry#*=}"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://$addr$path")"
  rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
  errors="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { n += 1 } END { print n + 0 }' <<<"$out")"
  printf '%-14s %12s %10s %10s %8s\n' "$label" "$rps" "$p50" "$p99" "$errors"
done
echo
echo "($REPOS repositories x $COMPONENTS components on PostgreSQL; wrk -t$THREADS -c$CONNECTIONS -d$DURATION on loopback; $(nproc) cores shared by wrk and the server)"

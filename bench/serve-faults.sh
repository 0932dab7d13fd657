#!/usr/bin/env bash
# Faults of `polyver serve` during `polyver push`, on SQLite and (when it answers)
# PostgreSQL: the server is killed with -9 in the middle of a push, and the store must hold
# the last complete scan, and the retried push (same scan id) must store the scan exactly once.
#
#   1. inside the push's transaction: debug builds pause before COMMIT when
#      POLYVER_TEST_PAUSE_BEFORE_COMMIT names a file (they write it, then wait); the script
#      waits for that file and kills the server there;
#   2. at random moments: ROUNDS pushes of a COMPONENTS-line requirements file, the server
#      killed at a random moment between 40% and 130% of the time a whole push takes
#      (the slowest measured so far): before the request arrives, during the ingest, or after
#      COMMIT.
#
# After every kill: `polyver history` must show the previous scan or the new one complete (its
# component count), never a partial one; a restarted server must take the retried push once
# (201 "pushed" when the kill came before COMMIT, 200 "already had" when after).
#
#   bench/serve-faults.sh [ROUNDS]   (env: COMPONENTS=20000, POLYVER_TEST_DATABASE_URL,
#                                     default postgres://postgres@127.0.0.1:5432/test)
# A debug build on purpose: release binaries never read the pause variable.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
components="${COMPONENTS:-20000}"
pg_base="${POLYVER_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export PGOPTIONS="-c client_min_messages=warning"

cargo build -q -p polyver-cli
bin="$PWD/target/debug/polyver"
work="$(mktemp -d)"
server_pid=""
pg_schema=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_schema" ]; then psql -q "$pg_base" -c "DROP SCHEMA IF EXISTS $pg_schema CASCADE" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export POLYVER_CACHE_DIR="$work/cache" POLYVER_OSV_DB="$work/no-osv" NO_COLOR=1
unset POLYVER_DATABASE_URL POLYVER_TOKEN POLYVER_SERVER POLYVER_TEST_PAUSE_BEFORE_COMMIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# The repository: COMPONENTS pins, one commit per version of the first one.
repo="$work/repo"
mkdir -p "$repo"
git -C "$repo" init -q
commit_version() {  # commit_version N: requirements with pkg-0==N.0, and a commit
  python3 - "$repo/requirements.txt" "$components" "$1" <<'EOF'
import sys
path, n, v = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    f.write(f"pkg-0=={v}.0\n")
    for i in range(1, n):
        f.write(f"pkg-{i}==1.{i % 50}.{i % 7}\n")
EOF
  git -C "$repo" add requirements.txt
  git -C "$repo" -c user.email=bench@example.invalid -c user.name=bench commit -qm "v$1"
  git -C "$repo" rev-parse HEAD
}

start_server() {  # start_server DB [VAR=VALUE...]: sets server_pid and addr
  local db="$1"; shift
  local log="$work/serve.log"
  : >"$log"
  env "$@" "$bin" serve --listen 127.0.0.1:0 --db "$db" 2>"$log" &
  server_pid=$!
  for _ in $(seq 300); do
    addr=$(sed -n 's/^listening on //p' "$log")
    if [ -n "$addr" ]; then return 0; fi
    sleep 0.05
  done
  fail "the server did not start: $(cat "$log")"
}

kill_server() {
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# scans DB: "COUNT LATEST_COMMIT LATEST_COMPONENTS"
scans() {
  "$bin" history --db "$1" --repo fault/shop -n 1000 --format json 2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)["scans"]
print(len(s), s[0]["commit"] if s else "-", s[0]["components"] if s else 0)'
}

push() {  # push SCAN_ID RETRIES: the push, stdout+stderr to $work/push.out
  "$bin" push --server "$addr" --token "$token" --repo fault/shop --scan-id "$1" \
    --retries "$2" -q "$repo" >"$work/push.out" 2>&1
}

run_backend() {  # run_backend NAME DB
  local name="$1" db="$2"
  token=$("$bin" token create --scope push --db "$db" -q | tail -n 1)

  # 1. Inside the transaction.
  local c1 c2 id
  c1=$(commit_version 1)
  start_server "$db"
  local started finished
  started=$(date +%s%N)
  push 11111111-1111-4111-8111-111111111111 0 || fail "$name: first push: $(cat "$work/push.out")"
  finished=$(date +%s%N)
  # The random kills fall within the time a whole push takes (scan, send, ingest).
  window_ms=$(( (finished - started) / 1000000 ))
  kill_server
  c2=$(commit_version 2)
  id=22222222-2222-4222-8222-222222222222
  start_server "$db" "POLYVER_TEST_PAUSE_BEFORE_COMMIT=$work/paused"
  rm -f "$work/paused"
  ( if push "$id" 0; then echo 0; else echo $?; fi >"$work/push.status" ) &
  local client=$!
  for _ in $(seq 1200); do [ -f "$work/paused" ] && break; sleep 0.05; done
  [ -f "$work/paused" ] || fail "$name: the server never reached COMMIT"
  kill_server
  wait "$client" || true
  [ "$(cat "$work/push.status")" = 3 ] || fail "$name: the interrupted push exited $(cat "$work/push.status"): $(cat "$work/push.out")"
  read -r count latest n <<<"$(scans "$db")"
  [ "$count $latest $n" = "1 $c1 $components" ] || fail "$name: after the kill the store holds: $count scans, latest $latest ($n components)"
  start_server "$db"
  push "$id" 3 || fail "$name: retry: $(cat "$work/push.out")"
  push "$id" 3 || fail "$name: second retry: $(cat "$work/push.out")"
  kill_server
  read -r count latest n <<<"$(scans "$db")"
  [ "$count $latest $n" = "2 $c2 $components" ] || fail "$name: after the retries: $count scans, latest $latest ($n components)"
  echo "$name: killed inside the push's transaction: the store kept scan 1 ($components components), the retried push (twice) stored scan 2 once"

  # 2. At random moments.
  local before_commit=0 after_commit=0 round version expected commit delay
  for round in $(seq "$rounds"); do
    version=$((round + 2))
    commit=$(commit_version "$version")
    read -r expected _ _ <<<"$(scans "$db")"
    id=$(printf '%08d-3333-4333-8333-%012d' "$round" "$version")
    start_server "$db"
    ( push "$id" 0 || true ) &
    client=$!
    # Mostly the second half, where the server reads and writes the scan.
    delay=$(python3 -c "import random; print(round(random.uniform(0.4, 1.3) * $window_ms / 1000, 3))")
    sleep "$delay"
    kill_server
    wait "$client" || true
    read -r count latest n <<<"$(scans "$db")"
    if [ "$count" = "$expected" ]; then
      before_commit=$((before_commit + 1))
      echo "  $name round $round: killed after ${delay} s, before COMMIT ($(head -n 1 "$work/push.out" | cut -c1-100))"
    elif [ "$count" = $((expected + 1)) ] && [ "$latest" = "$commit" ] && [ "$n" = "$components" ]; then
      after_commit=$((after_commit + 1))
      echo "  $name round $round: killed after ${delay} s, after COMMIT"
    else
      fail "$name round $round: $count scans (had $expected), latest $latest with $n components"
    fi
    [ "$n" = "$components" ] || fail "$name round $round: the latest scan has $n components"
    start_server "$db"
    started=$(date +%s%N)
    push "$id" 3 || fail "$name round $round: retry: $(cat "$work/push.out")"
    finished=$(date +%s%N)
    # Pushes slow down as the registry grows: the window follows the slowest seen.
    window_ms=$(( (finished - started) / 1000000 > window_ms ? (finished - started) / 1000000 : window_ms ))
    kill_server
    read -r count latest n <<<"$(scans "$db")"
    [ "$count $latest $n" = "$((expected + 1)) $commit $components" ] \
      || fail "$name round $round: after the retry: $count scans (had $expected), latest $latest ($n components)"
  done
  echo "$name: $rounds kills at random moments within a push's ${window_ms} ms (the slowest): $before_commit before COMMIT (the retry stored the scan), $after_commit after (the retry was answered with the stored scan); never a partial scan, never a duplicate"
}

run_backend sqlite "sqlite://$work/server.db"
if command -v psql >/dev/null 2>&1 && psql -q "$pg_base" -c 'SELECT 1' >/dev/null 2>&1; then
  pg_schema="polyver_faults_$$"
  psql -q "$pg_base" -c "DROP SCHEMA IF EXISTS $pg_schema CASCADE; CREATE SCHEMA $pg_schema" >/dev/null
  sep='?'; case "$pg_base" in *\?*) sep='&' ;; esac
  run_backend postgres "${pg_base}${sep}options=-csearch_path%3D${pg_schema}"
else
  echo "postgres: skipped (no PostgreSQL at $pg_base)"
fi

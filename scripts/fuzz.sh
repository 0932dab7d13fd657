#!/usr/bin/env bash
# Runs cargo-fuzz targets for a while. Not part of CI.
#   scripts/fuzz.sh [TARGET] [SECONDS]   one target (default: version, 60 s)
#   scripts/fuzz.sh all [SECONDS]        every target (`cargo fuzz list`) in turn, SECONDS each
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1
# lets it use the sanitizer flags it needs. Each target's corpus is fuzz/corpus/TARGET
# (gitignored; seed it with test fixtures), crashes land in fuzz/artifacts/TARGET.
# Inputs are capped at 256 bytes for `version`, 4096 for the extractors; one input running
# over 10 s counts as a crash (a timeout).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
target="${1:-version}"
seconds="${2:-60}"

run() {
    local t="$1" max_len=4096
    [[ "$t" == version ]] && max_len=256
    mkdir -p "corpus/$t"
    cargo fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=10
}

if [[ "$target" != all ]]; then
    run "$target"
    exit
fi

cargo fuzz build
failed=()
for t in $(cargo fuzz list); do
    echo "=== $t (${seconds} s)"
    run "$t" || failed+=("$t")
done
if ((${#failed[@]})); then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
echo "all targets ran clean"

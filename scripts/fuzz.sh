#!/usr/bin/env bash
# Runs one cargo-fuzz target for a while (default: version, 60 s). Not part of CI.
#   scripts/fuzz.sh [TARGET] [SECONDS]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1
# lets it use the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target="${1:-version}"
seconds="${2:-60}"
RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds" -max_len=256

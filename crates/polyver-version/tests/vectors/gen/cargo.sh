#!/bin/sh
# Regenerates ../cargo.jsonl with the semver crate (same version as polyver's Cargo.lock).
set -eu
cd "$(dirname "$0")"
CARGO_TARGET_DIR="${TMPDIR:-/tmp}/polyver-cargo-vectors" cargo run -q --manifest-path cargo-semver/Cargo.toml > ../cargo.jsonl
wc -l ../cargo.jsonl

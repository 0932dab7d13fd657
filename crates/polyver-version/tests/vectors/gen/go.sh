#!/bin/sh
# Regenerates ../go.jsonl. Needs Debian's golang-go and golang-golang-x-mod-dev.
set -eu
cd "$(dirname "$0")"
GO111MODULE=off GOPATH=/usr/share/gocode go run go.go | LC_ALL=C sort -u > ../go.jsonl
wc -l ../go.jsonl

#!/usr/bin/env bash
# Installs the tools the server tests run against `polyver serve`: schemathesis, which
# fuzzes every endpoint of /openapi.json and checks each answer against the document. It
# goes into the tools directory the other test tools use,
# ${POLYVER_TEST_TOOLS:-$HOME/.cache/polyver-test-tools}, in a virtualenv of its own (its
# dependencies must not move the registry servers' pins); a second run with the pinned
# version in place only checks it and returns.
set -euo pipefail

tools="${POLYVER_TEST_TOOLS:-$HOME/.cache/polyver-test-tools}"
# Pinned: the version the schemathesis test's flags were written against (Python 3.11).
schemathesis_version=4.32.5

mkdir -p "$tools"
venv="$tools/schemathesis-venv"

installed="$("$venv/bin/python" -m pip show schemathesis 2>/dev/null | sed -n 's/^Version: //p' || true)"
if [ "$installed" != "$schemathesis_version" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

# The tests look in $POLYVER_TEST_TOOLS itself.
ln -sf schemathesis-venv/bin/schemathesis "$tools/schemathesis"
echo "schemathesis: $tools/schemathesis ($("$tools/schemathesis" --version 2>&1 | tail -1))"

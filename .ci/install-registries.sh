#!/usr/bin/env bash
# Installs the real package registries that the polyver-upstream tests start on a local
# port: pypiserver and devpi-server (PyPI), verdaccio (npm). Everything goes into one tools
# directory, ${POLYVER_TEST_TOOLS:-$HOME/.cache/polyver-test-tools}, which the tests search;
# a second run with everything in place only checks the versions and returns.
set -euo pipefail

tools="${POLYVER_TEST_TOOLS:-$HOME/.cache/polyver-test-tools}"
# Pinned: the versions the tests were written against (all run on Python 3.11, Node 20).
pypi_packages=(pypiserver==2.4.2 devpi-server==6.20.3 devpi-client==7.3.0)
verdaccio_version=6.8.0

mkdir -p "$tools"
venv="$tools/venv"

python_current() {
  [ -x "$venv/bin/python" ] || return 1
  local wanted
  for wanted in "${pypi_packages[@]}"; do
    [ "$("$venv/bin/python" -m pip show "${wanted%%==*}" 2>/dev/null | sed -n 's/^Version: //p')" = "${wanted##*==}" ] || return 1
  done
}

if ! python_current; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "${pypi_packages[@]}"
fi

verdaccio_installed="$tools/node_modules/verdaccio/package.json"
if ! { [ -f "$verdaccio_installed" ] && grep -q "\"version\": \"$verdaccio_version\"" "$verdaccio_installed"; }; then
  npm install --prefix "$tools" --no-audit --no-fund --silent "verdaccio@$verdaccio_version"
fi

# The tests look in $POLYVER_TEST_TOOLS itself: link every server there.
ln -sf venv/bin/pypi-server "$tools/pypi-server"
ln -sf venv/bin/devpi-server "$tools/devpi-server"
ln -sf venv/bin/devpi-init "$tools/devpi-init"
ln -sf venv/bin/devpi "$tools/devpi"
ln -sf node_modules/.bin/verdaccio "$tools/verdaccio"

for tool in pypi-server devpi-server devpi-init devpi verdaccio; do
  echo "$tool: $tools/$tool"
done

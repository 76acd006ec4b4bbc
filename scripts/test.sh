#!/usr/bin/env bash
# Install the test dependencies (Debian's chromium and haproxy when missing, Python packages into
# ./.venv) and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# HAProxy for the multi-worker tests (tests/test_cluster*.py), Debian's package like chromium.
if [ ! -x /usr/sbin/haproxy ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq haproxy >/dev/null
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Real boundaries for the map tests, when the development folder is beside the checkout.
if [ -z "${JABODASH_TEST_BOUNDARIES:-}" ] && [ -d ../shared/geo ]; then
  JABODASH_TEST_BOUNDARIES="$(cd ../shared/geo && pwd)"; export JABODASH_TEST_BOUNDARIES
fi
.venv/bin/ruff check --quiet .
exec .venv/bin/python -m pytest "$@"

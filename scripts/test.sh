#!/usr/bin/env bash
# Install the test dependencies (Debian's chromium and haproxy when missing, Python packages into
# ./.venv) and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
install_debian /usr/bin/chromium chromium
install_debian /usr/sbin/haproxy haproxy   # the multi-worker tests (tests/test_cluster*.py)
install_debian /usr/bin/pdftotext poppler-utils   # the PDF brief tests read its text and fonts (tests/test_brief.py)
install_venv requirements-dev.txt
# Real boundaries for the map tests, when the development folder is beside the checkout.
if [ -z "${JABODASH_TEST_BOUNDARIES:-}" ] && [ -d ../shared/geo ]; then
  JABODASH_TEST_BOUNDARIES="$(cd ../shared/geo && pwd)"; export JABODASH_TEST_BOUNDARIES
fi
.venv/bin/ruff check --quiet .
exec .venv/bin/python -m pytest "$@"

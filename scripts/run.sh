#!/usr/bin/env bash
# Install jabodash into ./.venv (once) and start the app on the embedded data at
# http://127.0.0.1:8501 . Extra arguments go to `streamlit run`. The app starts through the launcher
# jabodash.server (Host check, security headers; see README "Settings").
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m jabodash.server "$@"

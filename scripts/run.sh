#!/usr/bin/env bash
# Install jabodash into ./.venv (once) and start the app on the embedded data at
# http://127.0.0.1:8501 . Extra arguments go to `streamlit run`. The app starts through the launcher
# jabodash.server (Host check, security headers; see README "Settings").
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
install_venv requirements.txt
exec .venv/bin/python -m jabodash.server "$@"

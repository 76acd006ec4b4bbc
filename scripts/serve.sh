#!/usr/bin/env bash
# Serve many users: N app workers behind HAProxy on http://127.0.0.1:8501 (sticky sessions,
# websockets, health checks, failover). Installs Debian's haproxy when missing (apt-get, with sudo
# when not root) and jabodash into ./.venv (once). Arguments go to `python -m jabodash serve`:
#   ./scripts/serve.sh --workers 4 --port 8501 [--address 0.0.0.0]
# Ctrl-C or SIGTERM stops the proxy and every worker. ./scripts/run.sh stays the one-process way.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x /usr/sbin/haproxy ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq haproxy >/dev/null
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m jabodash serve "$@"

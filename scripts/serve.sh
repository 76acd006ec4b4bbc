#!/usr/bin/env bash
# Serve many users: N app workers behind HAProxy on http://127.0.0.1:8501 (sticky sessions,
# websockets, health checks, failover). Installs Debian's haproxy when missing (apt-get, with sudo
# when not root) and jabodash into ./.venv (once). Arguments go to `python -m jabodash serve`:
#   ./scripts/serve.sh --workers 4 --port 8501 [--address 0.0.0.0]
# Ctrl-C or SIGTERM stops the proxy and every worker. ./scripts/run.sh stays the one-process way.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
install_debian /usr/sbin/haproxy haproxy
install_venv requirements.txt
exec .venv/bin/python -m jabodash serve "$@"

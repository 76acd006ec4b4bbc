# Shared steps of scripts/run.sh, serve.sh and test.sh (sourced from the repository root, not run).

# install_debian PROGRAM PACKAGE: Debian's PACKAGE (apt-get, with sudo when not root) when the
# executable PROGRAM is missing; nothing when it is there.
install_debian() {
  [ -x "$1" ] && return 0
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
}

# install_venv REQUIREMENTS: ./.venv (made once, with $PYTHON or python3) and the pinned packages.
install_venv() {
  [ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$1"
}

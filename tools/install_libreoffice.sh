#!/usr/bin/env bash
# Debian's LibreOffice Impress (headless use only), for looking at the generated decks:
#   soffice --headless --convert-to pdf --outdir OUT deck.pptx ; pdftoppm -png -r 60 OUT/deck.pdf OUT/slide
# Not used by CI or the tests (the tests read the decks with python-pptx); a developer tool.
set -euo pipefail
if command -v soffice >/dev/null 2>&1; then
  echo "LibreOffice already installed: $(command -v soffice)"; exit 0
fi
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  libreoffice-impress libreoffice-core poppler-utils >/dev/null
echo "installed: $(command -v soffice)"

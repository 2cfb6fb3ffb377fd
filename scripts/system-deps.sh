#!/usr/bin/env bash
# Install the Debian packages Gridwork needs when they are missing (and we can: root + apt).
#   runtime: WeasyPrint's HarfBuzz subsetter (without it PDFs silently take 5x longer)
#   test:    runtime + Chromium for browser tests, a CJK font for screenshots, poppler for PDFs
set -euo pipefail
want=(libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-runtime}" = test ]; then
  want+=(chromium fonts-wqy-microhei poppler-utils)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing Debian packages: ${missing[*]} (install them with apt-get as root)" >&2
  exit 0
fi
echo "Installing ${missing[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

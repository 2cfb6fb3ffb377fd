#!/usr/bin/env bash
# Install the Debian packages Gridwork needs when they are missing (and we can: root + apt).
#   runtime: WeasyPrint's HarfBuzz subsetter (without it PDFs silently take 5x longer)
#   test:    runtime + Chromium for browser tests, a CJK font for screenshots, poppler for PDFs,
#            zbar to decode the QR codes printed on cards and posters
# Another apt or dpkg run (unattended upgrades on a fresh machine) is waited for, up to
# LOCK_WAIT seconds, instead of failing on its locks.
set -euo pipefail
want=(libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-runtime}" = test ]; then
  want+=(chromium fonts-wqy-microhei poppler-utils zbar-tools)
fi
LOCK_WAIT=300

# Present means unpacked and configured: the status is exactly "install ok installed" ("hold"
# when pinned), not "half-configured", "unpacked" or "triggers-pending" after an interrupted
# run, nor "deinstall" (marked for removal). One line per architecture it is installed for.
configured() {
  local status
  status=$(dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null) || return 1
  grep -qxE '(install|hold) ok installed' <<<"$status"
}

missing=()
find_missing() {
  missing=()
  for pkg in "${want[@]}"; do
    configured "$pkg" || missing+=("$pkg")
  done
}

find_missing
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing or unconfigured Debian packages: ${missing[*]}" \
    "(as root: dpkg --configure -a && apt-get install ${missing[*]})" >&2
  exit 0
fi

deadline=$((SECONDS + LOCK_WAIT))
# Run a package command; while another run holds a lock that the command needs (apt's
# DPkg::Lock::Timeout covers dpkg's lock, not the package lists' lock, and dpkg has no such
# option), try again every few seconds until the deadline.
patiently() {
  local err said=
  err=$(mktemp)
  until "$@" 2>"$err"; do
    if ! grep -qE 'Could not get lock|Unable to (acquire|lock)|locked by another process' "$err" ||
      [ "$SECONDS" -ge "$deadline" ]; then
      cat "$err" >&2
      rm -f "$err"
      return 1
    fi
    [ -n "$said" ] || echo "Waiting for another apt or dpkg run to finish (up to ${LOCK_WAIT} s) ..." >&2
    said=1
    sleep 3
  done
  cat "$err" >&2
  rm -f "$err"
}
apt_get() {
  local left=$((deadline - SECONDS))
  patiently env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=$((left > 0 ? left : 0)) "$@"
}

# A package that an interrupted run left unpacked or half-configured is configured first (apt
# refuses to install anything while dpkg's last run is unfinished).
patiently env DEBIAN_FRONTEND=noninteractive dpkg --configure -a
find_missing
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${missing[*]} ..."
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
find_missing
if [ ${#missing[@]} -ne 0 ]; then
  echo "Still not installed and configured: ${missing[*]}" >&2
  exit 1
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Installs the Debian packages jobmatchd needs to build, run and test
# (tools/packages.txt; with "test", also tools/packages-test.txt: clang for
# the fuzz targets; systemd, procps (/bin/kill) and man-db for
# tools/check-units.sh; groff and mandoc for the manual-page checks;
# prometheus for promtool, which checks /metrics (the package also holds
# the Prometheus server, which Debian enables and starts where systemd
# runs: `systemctl disable --now prometheus` if it is not wanted);
# chromium, nodejs, npm, fonts-noto-cjk and zbar-tools for the kiosk's
# browser tests (tests/kiosk); debhelper and lintian for the Debian
# package's test (tests/check_deb.sh); with
# "bench", also tools/packages-bench.txt: RediSearch for bench/compare.sh)
# when any is missing. Runs apt-get only if needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lists=("$here/packages.txt")
case ${1:-} in
test) lists+=("$here/packages-test.txt") ;;
bench) lists+=("$here/packages-bench.txt") ;;
esac
# Installs the packages named that are not installed.
install() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$pkg")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages: ${missing[*]} (run as root to install them)" >&2
		exit 1
	fi
	echo "installing: ${missing[*]}"
	[ -n "${updated:-}" ] || { apt-get update; updated=1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}
# npm last, and only when nodejs did not bring one: a Node.js from
# elsewhere than Debian (NodeSource's nodejs package) holds its own npm,
# which conflicts with Debian's.
pkgs=()
want_npm=
while read -r pkg; do
	[ -n "$pkg" ] || continue
	if [ "$pkg" = npm ]; then want_npm=1; else pkgs+=("$pkg"); fi
done < <(cat "${lists[@]}")
install "${pkgs[@]}"
if [ -n "$want_npm" ] && ! command -v npm >/dev/null 2>&1; then
	install npm
fi

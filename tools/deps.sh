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
# browser tests (tests/kiosk); with
# "bench", also tools/packages-bench.txt: RediSearch for bench/compare.sh)
# when any is missing. Runs apt-get only if needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lists=("$here/packages.txt")
case ${1:-} in
test) lists+=("$here/packages-test.txt") ;;
bench) lists+=("$here/packages-bench.txt") ;;
esac
missing=()
while read -r pkg; do
	[ -n "$pkg" ] || continue
	# Node.js from elsewhere than Debian (NodeSource's nodejs package) holds
	# its own npm and conflicts with Debian's: a working npm is enough.
	[ "$pkg" = npm ] && command -v npm >/dev/null 2>&1 && continue
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$pkg")
done < <(cat "${lists[@]}")
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages: ${missing[*]} (run as root to install them)" >&2
		exit 1
	fi
	echo "installing: ${missing[*]}"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Checks the systemd units in systemd/ (called by test.sh after the builds):
#  - `cmake --install` of BUILD_DIR with the default prefix, into a
#    temporary DESTDIR, writes them unchanged;
#  - `systemd-analyze verify` finds nothing to say about them;
#  - `systemd-analyze security` rates the service's exposure at most
#    max_exposure.
# verify insists that ExecStart's binary exists, and nothing is installed
# into / here: it checks copies of the installed units whose two jobmatchd
# paths point at the binary in DESTDIR, everything else as shipped, with
# MANPATH at DESTDIR's manual pages for the Documentation= lines.
#
# Usage: tools/check-units.sh [BUILD_DIR] (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
max_exposure=2.0

command -v systemd-analyze >/dev/null ||
	{ echo "systemd-analyze is missing (package systemd)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
prefix=/usr/local
units=(jobmatchd.service jobmatchd.socket)

DESTDIR=$root cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" ||
	{ cat "$tmp/install.log"; exit 1; }
sbin=$(sed -n 's|^-- Installing: '"$root"'\(.*/jobmatchd\)$|\1|p' \
	"$tmp/install.log" | grep '/sbin/' | head -n 1)
[ -n "$sbin" ] || { echo "no jobmatchd in $tmp/install.log"; exit 1; }
mkdir "$tmp/units"
for u in "${units[@]}"; do
	installed=$(find "$root" -name "$u" -path '*/systemd/*' | head -n 1)
	[ -n "$installed" ] || { echo "cmake --install did not install $u"; exit 1; }
	if ! cmp -s "$installed" "systemd/$u"; then
		echo "$u: installed with prefix $prefix it differs from systemd/$u:"
		diff "systemd/$u" "$installed" || true
		exit 1
	fi
	sed "s|$sbin|$root$sbin|g" "$installed" > "$tmp/units/$u"
done

echo "== systemd-analyze verify ${units[*]}"
MANPATH=$root$prefix/share/man systemd-analyze verify \
	"${units[@]/#/$tmp/units/}" > "$tmp/verify.log" 2>&1 ||
	{ cat "$tmp/verify.log"; exit 1; }
# verify exits 0 after warnings such as an unknown key: any word fails.
if [ -s "$tmp/verify.log" ]; then
	cat "$tmp/verify.log"
	echo "systemd-analyze verify: the units are not clean"
	exit 1
fi

echo "== systemd-analyze security jobmatchd.service"
systemd-analyze security --offline=yes systemd/jobmatchd.service \
	> "$tmp/security.log" 2>&1 || true
# What still counts against it, then the overall figure.
grep '✗' "$tmp/security.log" || true
overall=$(grep 'Overall exposure level' "$tmp/security.log" || true)
exposure=$(printf '%s\n' "$overall" | sed -n 's/.*: \([0-9][0-9.]*\) .*/\1/p')
if [ -z "$exposure" ]; then
	cat "$tmp/security.log"
	echo "no overall exposure level in the output above"
	exit 1
fi
echo "$overall"
if ! awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }'; then
	echo "jobmatchd.service: exposure $exposure is above $max_exposure"
	exit 1
fi
echo "units: verified; exposure $exposure (at most $max_exposure)"

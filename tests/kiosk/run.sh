#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Runs one file of the kiosk's browser tests with Node's test runner
# (ctest calls it: tests/CMakeLists.txt). It needs Node.js, the npm
# packages of package-lock.json in node_modules (./test.sh runs npm ci),
# Debian's chromium and, for the QR code, zbarimg (zbar-tools); without
# them it skips (exit 77), unless CI is set, when it fails.
set -euo pipefail
file=${1:?usage: run.sh TEST_FILE}
src=$(cd "$(dirname "$0")/../.." && pwd)
missing=()
command -v node >/dev/null 2>&1 || missing+=(node)
[ -d "$src/node_modules/playwright-core" ] && [ -d "$src/node_modules/axe-core" ] ||
	missing+=("node_modules (npm ci)")
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbarimg)
command -v setpriv >/dev/null 2>&1 || missing+=(setpriv)
if [ ${#missing[@]} -gt 0 ]; then
	echo "kiosk tests: missing ${missing[*]}"
	[ -n "${CI:-}" ] && exit 1
	exit 77
fi
exec node --test --test-reporter=spec "$file"

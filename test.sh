#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Builds jobmatchd twice (optimised, and with AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs every test of both builds through
# ctest, the kiosk page's in a headless browser too (after npm ci, when
# package-lock.json changed); lists every file's includes and fails on a
# loop of them (tools/check-includes.py); builds the Release, MinSizeRel and
# Debian-flags variants (tools/check-builds.sh); checks the systemd units
# (tools/check-units.sh); runs the fuzz targets briefly. Every build
# treats warnings as errors (JM_WERROR). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
./tools/deps.sh test
jobs=$(nproc 2>/dev/null || echo 2)

# The npm packages of the kiosk's browser tests (package-lock.json), put in
# node_modules again only when it is missing or the lock file changed, so
# that a run with nothing new needs no network.
if [ ! -f node_modules/.jm-package-lock.json ] ||
    ! cmp -s package-lock.json node_modules/.jm-package-lock.json; then
	echo "== npm ci"
	npm ci --no-audit --no-fund
	cp package-lock.json node_modules/.jm-package-lock.json
fi

run() {
	local dir=$1; shift
	echo "== build $dir"
	cmake -S . -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j "$jobs"
	echo "== test $dir"
	(cd "$dir" && ctest --output-on-failure -j "$jobs")
}

run build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJM_WERROR=ON
# Each file's includes of the project; two modules (a source and its
# header) that include each other, directly or round a loop, fail.
echo "== includes"
./tools/check-includes.py
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run build-asan -DCMAKE_BUILD_TYPE=Debug -DJM_SANITIZE=ON -DJM_WERROR=ON
# The build types and flags packagers use, warning-free.
./tools/check-builds.sh build-types
# The systemd units: systemd-analyze verify, and the service's exposure.
echo "== systemd units"
./tools/check-units.sh build
# The libFuzzer targets, briefly (docs/fuzzing.md runs them longer).
if command -v clang >/dev/null 2>&1; then
	seconds=${JM_FUZZ_SECONDS:-30}
	echo "== fuzz ($seconds s a target)"
	CC=clang cmake -S . -B build-fuzz -DJM_FUZZ=ON -DBUILD_TESTING=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DJM_WERROR=ON >/dev/null
	cmake --build build-fuzz -j "$jobs" --target fuzz_proto fuzz_rules
	for t in proto rules; do
		work=$(mktemp -d)
		if ! ./build-fuzz/fuzz/fuzz_$t -max_total_time="$seconds" \
		    -rss_limit_mb=2048 -artifact_prefix=build-fuzz/ \
		    "$work" "fuzz/corpus/$t" > "$work.log" 2>&1; then
			tail -n 60 "$work.log"
			echo "fuzz_$t failed; the input is in build-fuzz/"
			exit 1
		fi
		echo "fuzz_$t: $(grep -a '^Done' "$work.log")"
		rm -rf "$work" "$work.log"
	done
else
	echo "== fuzz: skipped (no clang)"
fi
echo "== all tests passed"

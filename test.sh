#!/usr/bin/env bash
# Builds jobmatchd twice (optimised, and with AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs every test of both builds through
# ctest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
./tools/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

run() {
	local dir=$1; shift
	echo "== build $dir"
	cmake -S . -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j "$jobs"
	echo "== test $dir"
	(cd "$dir" && ctest --output-on-failure -j "$jobs")
}

run build -DCMAKE_BUILD_TYPE=RelWithDebInfo
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run build-asan -DCMAKE_BUILD_TYPE=Debug -DJM_SANITIZE=ON
echo "== all tests passed"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Makes docs/kiosk/*.png again from a run of the kiosk's browser tests:
# runs kiosk_a11y, kiosk_takehome, kiosk_apply and kiosk_fair of the build
# BUILD_DIR (default build), which write a screenshot of every screen in every mode
# to BUILD_DIR/kiosk-screens/, and copies the ones docs/kiosk.md shows.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$src/$build ;; esac
rm -rf "$build/kiosk-screens"
ctest --test-dir "$build" -R '^kiosk_(a11y|takehome|apply|fair)$' --output-on-failure
mkdir -p "$src/docs/kiosk"
for name in welcome-default disability-large town-default-320px \
    results-default results-contrast home-qr results-apply contact-default \
    contact-error-contrast contact-done-default welcome-fair-default \
    results-booth floor-results-default; do
	cp "$build/kiosk-screens/$name.png" "$src/docs/kiosk/$name.png"
done
echo "docs/kiosk/: $(ls "$src/docs/kiosk" | wc -l) pictures"

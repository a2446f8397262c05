#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# bench/failover.sh - the Redis primary killed under writes, with Sentinel:
# the window without acknowledged writes, the sentinels' failover time and
# the acknowledged writes lost, with redis_wait_replicas 0 and 1. Prints
# figures; never fails on them. See bench/README.md.
# Usage: bench/failover.sh [WRITERS]   (JM_BUILD_DIR: the build, build/)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bdir=${JM_BUILD_DIR:-build}
blog=$(mktemp)
trap 'rm -f "$blog"' EXIT
build_programs "$bdir" "$blog" -- jobmatchd jobmatch
rm -f "$blog"
log "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), build in $bdir"
exec python3 bench/failover.py "$bdir" "${1:-4}"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# bench/rules_worst.sh - the worst request times of jobmatchd under the
# nastiest staff rule sets we can write. A benchmark, not a test: it prints
# figures and never fails on them. See bench/README.md.
#
# Builds the daemon if needed, starts a private redis-server and jobmatchd on
# free loopback ports (in a temporary directory, no persistence), loads the
# sample data and generated adversarial postings, tries rule sets through
# rules.set and times rules.set and match. Stops both servers on exit.
#
# Environment:
#   JM_BENCH_POSTINGS        generated postings (2000)
#   JM_BENCH_SECONDS         time budget of the whole run (110)
#   JM_BENCH_MATCHES         matches per rule set and profile (200)
#   JM_BENCH_MATCH_SECONDS   time cap of one series of matches (5)
#   JM_BENCH_AMP             amplifier repeats in the nastiest set (3x3)
#   JM_BENCH_SYNONYMS        amplified synonyms in the nastiest set (20)
#   JM_BUILD_DIR             use this build directory (skip the choice)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
here=$top/bench
postings=${JM_BENCH_POSTINGS:-2000}
budget=${JM_BENCH_SECONDS:-110}
t_begin=$(date +%s)

. "$top/bench/lib.sh"

# ---- build ---------------------------------------------------------------
build_in() {	# dir [cmake args...]: configure if needed, build the two programs
	local dir=$1; shift
	if [ ! -f "$dir/CMakeCache.txt" ] || [ $# -gt 0 ]; then
		cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" \
			>"$tmp/cmake-$(basename "$dir").log" 2>&1 || return 1
	fi
	cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)" \
		--target jobmatchd jobmatch >>"$tmp/cmake-$(basename "$dir").log" 2>&1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jm-bench.XXXXXX")
redis_pid= daemon_pid= run_pid=
cleanup() {
	trap - EXIT INT TERM
	stop_pid "$run_pid" bench
	stop_pid "$daemon_pid" jobmatchd
	stop_pid "$redis_pid" redis-server
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${JM_BUILD_DIR:-}" ]; then
	bdir=$JM_BUILD_DIR
	build_in "$bdir" || { log "build in $bdir failed:"; tail -20 "$tmp"/cmake-*.log; exit 1; }
elif cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$tmp/cmake-build.log" 2>&1 &&
    build_in build; then
	bdir=build
else
	log "(build/ does not configure or build now; using build-bench/ with -DBUILD_TESTING=OFF)"
	if build_in build-bench -DBUILD_TESTING=OFF; then
		bdir=build-bench
	elif [ -x build-bench/jobmatchd ] && [ -x build-bench/jobmatch ]; then
		log "(the tree does not build right now: using the existing build-bench/ binaries)"
		bdir=build-bench
	elif [ -x build/jobmatchd ] && [ -x build/jobmatch ]; then
		log "(the tree does not build right now: using the existing build/ binaries)"
		bdir=build
	else
		log "cannot build jobmatchd:"; tail -20 "$tmp"/cmake-*.log; exit 1
	fi
fi
case $bdir in /*) bpath=$bdir ;; *) bpath=$top/$bdir ;; esac
jobmatchd=$bpath/jobmatchd
jobmatch=$bpath/jobmatch

# ---- servers -------------------------------------------------------------
py() { python3 "$here/rules_worst.py" "$@"; }
redis_port=$(py port)
daemon_port=$(py port)
while [ "$daemon_port" = "$redis_port" ]; do daemon_port=$(py port); done
staff=$(new_token)
kiosk=$(new_token)

redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$tmp" \
	--save '' --appendonly no --logfile "$tmp/redis.log" &
redis_pid=$!
wait_redis "$redis_port" "$redis_pid" "$tmp/redis.log"

cat >"$tmp/jobmatchd.conf" <<CONF
# Written by bench/rules_worst.sh: default limits, loopback only.
listen 127.0.0.1:$daemon_port
redis 127.0.0.1:$redis_port
towns_file $top/data/towns.tsv
rules_file $top/data/rules.default.json
log_level warn
token staff $(digest "$staff")
token kiosk $(digest "$kiosk")
CONF
"$jobmatchd" -c "$tmp/jobmatchd.conf" 2>"$tmp/jobmatchd.log" &
daemon_pid=$!
export JOBMATCH_TOKEN=$staff
wait_jobmatchd "$jobmatch" "127.0.0.1:$daemon_port" "$staff" "$daemon_pid" \
    "$tmp/jobmatchd.log"

log "== jobmatchd rules_worst benchmark"
log "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
log "kernel $(uname -r); PCRE2 $(pkg-config --modversion libpcre2-8 2>/dev/null || echo '?'); binaries: $bdir/; commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- daemon matcher proto 2>/dev/null || echo ' + uncommitted changes')"
log "jobmatchd pid $daemon_pid on 127.0.0.1:$daemon_port, redis-server on 127.0.0.1:$redis_port (no persistence)"

# ---- data ----------------------------------------------------------------
t0=$(date +%s.%N)
py gen "$tmp" "$postings"
load() { "$jobmatch" -a "127.0.0.1:$daemon_port" load "$1" | sed 's|^.*/||; s/^/  /'; }
load "$top/data/employers.jsonl" || log "  (some requests failed)"
load "$top/data/jobs.jsonl" || log "  (some requests failed)"
load "$tmp/employers.jsonl" || log "  (some requests failed)"
load "$tmp/postings.jsonl" || log "  (some requests failed)"
t1=$(date +%s.%N)
log "loaded in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s ($(du -k "$tmp/postings.jsonl" | cut -f1) kB of generated postings: titles of 200 characters, descriptions of 8000, 50 skills of 64)"

# ---- measurements --------------------------------------------------------
elapsed=$(( $(date +%s) - t_begin ))
left=$(( budget - elapsed ))
[ "$left" -lt 30 ] && left=30
export JM_BENCH_STAFF=$staff JM_BENCH_KIOSK=$kiosk
timeout -s TERM $(( left + 60 )) python3 "$here/rules_worst.py" run \
	"127.0.0.1:$daemon_port" "$daemon_pid" "$left" &
run_pid=$!
wait "$run_pid" || log "(the measurements stopped early: status $?)"
run_pid=
if [ -s "$tmp/jobmatchd.log" ]; then
	log ""
	log "jobmatchd's log (warnings), last lines:"
	sort "$tmp/jobmatchd.log" | uniq -c | sort -rn | head -8 | sed 's/^/  /'
fi
log "total time: $(( $(date +%s) - t_begin )) s"

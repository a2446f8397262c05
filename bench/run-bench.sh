#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# bench/run-bench.sh - jobmatch-bench end to end: a private redis-server
# (AOF, appendfsync everysec) and jobmatchd on free loopback ports, N
# generated postings loaded through job.post, `run --check`, then `run` for
# throughput. A benchmark: it prints figures and fails only when the daemon
# cannot be started, the load has errors or --check finds a difference.
# Stops both servers on exit (Ctrl-C included). See bench/README.md.
#
# Environment (defaults in brackets):
#   JM_BENCH_N               postings [10000]
#   JM_BENCH_SEED            data set seed [1]
#   JM_BENCH_QSEED           query stream seed [1]
#   JM_BENCH_LOAD_CONNS      connections of the load [2]
#   JM_BENCH_LOAD_DEPTH      requests in flight on each while loading [32]
#   JM_BENCH_SINGLE          sequential single job.post after the load [1000]
#   JM_BENCH_RESTART         1: after the load, restart jobmatchd and time
#                            its start-up load of the mirror from Redis [0]
#   JM_BENCH_CHECK_SECONDS   duration of run --check [5]
#   JM_BENCH_CONNS           connections of the throughput run [2]
#   JM_BENCH_DEPTH           requests in flight on each [1]
#   JM_BENCH_SECONDS         duration of the throughput run [10]
#   JM_BENCH_WARMUP          warm-up before it [1]
#   JM_BUILD_DIR             build directory [build]; an existing one with
#                            the three programs is used as it is when the
#                            tree does not build at the moment
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
n=${JM_BENCH_N:-10000}
seed=${JM_BENCH_SEED:-1}
qseed=${JM_BENCH_QSEED:-1}
bdir=${JM_BUILD_DIR:-build}
case $bdir in /*) ;; *) bdir=$top/$bdir ;; esac

. "$top/bench/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jm-run-bench.XXXXXX")
redis_pid= daemon_pid=
cleanup() {
	trap - EXIT INT TERM
	stop_pid "$daemon_pid" jobmatchd
	stop_pid "$redis_pid" redis-server
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ---------------------------------------------------------------
build_programs "$bdir" "$tmp/build.log" -- jobmatchd jobmatch jobmatch-bench
bench=$bdir/jobmatch-bench

# ---- servers -------------------------------------------------------------
redis_port=$(free_port)
daemon_port=$(free_port)
while [ "$daemon_port" = "$redis_port" ]; do daemon_port=$(free_port); done
staff=$(new_token)
kiosk=$(new_token)
addr=127.0.0.1:$daemon_port

redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$tmp" \
	--save '' --appendonly yes --appendfsync everysec \
	--logfile "$tmp/redis.log" &
redis_pid=$!
wait_redis "$redis_port" "$redis_pid" "$tmp/redis.log"

# The request rate limits are lifted: the benchmark measures the matcher
# and the store, not the limiter (10,000 a second per kiosk connection and
# 100,000 per staff one by default).
cat >"$tmp/jobmatchd.conf" <<CONF
# Written by bench/run-bench.sh: loopback only.
listen $addr
redis 127.0.0.1:$redis_port
towns_file $top/data/towns.tsv
rules_file $top/data/rules.default.json
log_level warn
max_request_rate 10000000
staff_max_request_rate 10000000
token staff $(digest "$staff")
token kiosk $(digest "$kiosk")
CONF
start_daemon() {
	"$bdir/jobmatchd" -c "$tmp/jobmatchd.conf" 2>>"$tmp/jobmatchd.log" &
	daemon_pid=$!
	wait_jobmatchd "$bdir/jobmatch" "$addr" "$staff" "$daemon_pid" \
	    "$tmp/jobmatchd.log" 600
}
start_daemon

log "== jobmatch-bench: N=$n (seed $seed), queries --qseed $qseed"
log "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
log "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- daemon matcher proto 2>/dev/null || echo ' + uncommitted changes'); $(redis-server --version | cut -d' ' -f1-3); binaries: $bdir"
log "jobmatchd pid $daemon_pid on $addr; redis-server on 127.0.0.1:$redis_port (appendonly yes, appendfsync everysec)"
log ""

status=0
"$bench" load -a "$addr" -t "$staff" -n "$n" --seed "$seed" \
	-c "${JM_BENCH_LOAD_CONNS:-2}" -d "${JM_BENCH_LOAD_DEPTH:-32}" \
	--single "${JM_BENCH_SINGLE:-1000}" --pid "$daemon_pid" || status=1
log ""
if [ "${JM_BENCH_RESTART:-0}" = 1 ]; then
	# The start-up load: from the start of a fresh daemon to its mirror
	# holding every posting (stats: store.loaded).
	stop_pid "$daemon_pid" jobmatchd
	t0=$(date +%s.%N)
	start_daemon
	until JOBMATCH_TOKEN=$staff "$bdir/jobmatch" -a "$addr" call stats 2>/dev/null |
	    grep -q '"loaded": true'; do
		kill -0 "$daemon_pid" 2>/dev/null || { log "jobmatchd failed:"; cat "$tmp/jobmatchd.log"; exit 1; }
		sleep 0.05
	done
	t1=$(date +%s.%N)
	log "start-up load    $(JOBMATCH_TOKEN=$staff "$bdir/jobmatch" -a "$addr" call stats |
	    sed -n 's/.*"postings": \([0-9]*\).*/\1/p' | head -1) postings from Redis in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s (a fresh jobmatchd, until stats says loaded)"
	log ""
fi
"$bench" run -a "$addr" -t "$kiosk" --staff-token "$staff" -n "$n" \
	--seed "$seed" --qseed "$qseed" -c 2 -d 4 --warmup 0 \
	--duration "${JM_BENCH_CHECK_SECONDS:-5}" --check --pid "$daemon_pid" || status=1
log ""
"$bench" run -a "$addr" -t "$kiosk" --staff-token "$staff" \
	--qseed "$qseed" -c "${JM_BENCH_CONNS:-2}" -d "${JM_BENCH_DEPTH:-1}" \
	--warmup "${JM_BENCH_WARMUP:-1}" --duration "${JM_BENCH_SECONDS:-10}" \
	--pid "$daemon_pid" || status=1
if [ -s "$tmp/jobmatchd.log" ]; then
	log ""
	log "jobmatchd's log (warnings), most frequent:"
	sed 's/^[^ ]* [^ ]* //' "$tmp/jobmatchd.log" | sort | uniq -c | sort -rn | head -8 | sed 's/^/  /'
fi
exit $status

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# bench/compare.sh - jobmatchd against Redis with the RediSearch 1.2 module
# (Debian's redis-redisearch) on the same generated data, in one run. A
# benchmark, not a test: it prints one table and never fails on figures.
# See bench/README.md.
#
#   bench/compare.sh [BUILD_DIR]        (default build-bench/)
#
# For each size N it starts, on free loopback ports in a temporary
# directory: a redis-server for jobmatchd (appendonly yes, appendfsync
# everysec), jobmatchd with a staff and a kiosk token, and a second
# redis-server with the RediSearch module. It loads the same generated data
# (tools/bench/gen.h, seeded) into both, runs jobmatchd (jobmatch-bench) and
# RediSearch native and exact (jobmatch-rsbench) for the same time at the
# same number of connections, checks every top 10 against the brute-force
# reference, stops the servers and goes on to the next size. Everything is
# stopped on exit, Ctrl-C included, and the temporary directory removed.
#
# Environment:
#   JM_SIZES        sizes N ("10000 100000")
#   JM_SECONDS      seconds each system is driven, per size (20)
#   JM_CHECK_SECONDS  seconds of jobmatch-bench's separate --check run (5);
#                   its loop computes the reference, so it is not timed
#   JM_CONNS        connections of every client (2)
#   JM_DEPTH        jobmatch-bench's requests in flight per connection (1)
#   JM_SEED, JM_QSEED  the data set's and the queries' seeds (1, 1)
#   JM_REDISEARCH   the module (/usr/lib/redis/modules/redisearch.so)
#   JM_BUILD_DIR    the build directory (or the first argument)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
sizes=${JM_SIZES:-10000 100000}
secs=${JM_SECONDS:-20}
check_secs=${JM_CHECK_SECONDS:-5}
conns=${JM_CONNS:-2}
depth=${JM_DEPTH:-1}
seed=${JM_SEED:-1}
qseed=${JM_QSEED:-1}
module=${JM_REDISEARCH:-/usr/lib/redis/modules/redisearch.so}
bdir=${1:-${JM_BUILD_DIR:-build-bench}}
case $bdir in /*) ;; *) bdir=$top/$bdir ;; esac

. "$top/bench/lib.sh"
log() { printf '%s\n' "$*" >&2; }	# compare.sh's own: stdout is the table

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jm-compare.XXXXXX")
pids=()		# servers of the current size, stopped in reverse order
stop_all() {
	local i
	for (( i = ${#pids[@]} - 1; i >= 0; i-- )); do
		stop_pid "${pids[$i]}"
	done
	pids=()
}
cleanup() {
	trap - EXIT INT TERM
	stop_all
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- what it needs --------------------------------------------------------
if [ ! -f "$module" ]; then
	./tools/deps.sh bench >&2 || true
	[ -f "$module" ] || { log "no RediSearch module at $module (apt-get install redis-redisearch)"; exit 1; }
fi

log "building in $bdir"
# Tests are left out of a new build directory only: one that exists keeps
# its own settings (a developer's build/ must go on building its tests).
notests=(-DBUILD_TESTING=OFF)
[ -f "$bdir/CMakeCache.txt" ] && notests=()
build_programs "$bdir" "$tmp/cmake.log" "${notests[@]}" -- \
	jobmatchd jobmatch jobmatch-bench jobmatch-rsbench
bench=$bdir/jobmatch-bench
rsbench=$bdir/jobmatch-rsbench
# What was built: the tree as it was now, committed or not.
built_from="commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -n "$(git status --porcelain -- daemon matcher proto tools CMakeLists.txt 2>/dev/null)" ] &&
	built_from="$built_from + uncommitted changes"

# The value at a path ("a.b") of the last JSON line of a file, or "-".
jget() {
	python3 - "$1" "$2" <<'PY'
import json, sys
v = None
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.strip()
    if line.startswith("{"):
        try:
            v = json.loads(line)
        except ValueError:
            pass
for k in sys.argv[2].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("-" if v is None else v)
PY
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# Waits (up to 2 minutes) while a Redis rewrites its AOF: jobmatchd's
# rewrites after a big load, and the rewrite would take a core from
# whatever is measured next.
settle() {
	local i
	for i in $(seq 1200); do
		redis-cli -h 127.0.0.1 -p "$1" info persistence 2>/dev/null |
			grep -Eq '^aof_rewrite_(in_progress|scheduled):1' || return 0
		sleep 0.1
	done
}

rows=$tmp/rows.tsv
notes=$tmp/notes.txt
: >"$rows"
: >"$notes"
t_begin=$(date +%s)

for n in $sizes; do
	d=$tmp/$n
	mkdir -p "$d/jm" "$d/rs"
	jm_redis=$(free_port); rs_port=$(free_port); dport=$(free_port)
	staff=$(new_token)
	kiosk=$(new_token)

	redis-server --bind 127.0.0.1 --port "$jm_redis" --dir "$d/jm" \
		--save '' --appendonly yes --appendfsync everysec \
		--logfile "$d/jm/redis.log" &
	jm_redis_pid=$!; pids+=("$jm_redis_pid")
	# RediSearch: no persistence (which only helps its load time); no query
	# timeout, since its default (500 ms, then return what it has) would
	# cut the exact variant's candidate lists short without saying so.
	redis-server --bind 127.0.0.1 --port "$rs_port" --dir "$d/rs" \
		--save '' --appendonly no --logfile "$d/rs/redis.log" \
		--loadmodule "$module" TIMEOUT 0 ON_TIMEOUT fail &
	rs_pid=$!; pids+=("$rs_pid")
	wait_redis "$jm_redis" "$jm_redis_pid" "$d/jm/redis.log"
	wait_redis "$rs_port" "$rs_pid" "$d/rs/redis.log"

	cat >"$d/jobmatchd.conf" <<CONF
# Written by bench/compare.sh: loopback only.
listen 127.0.0.1:$dport
redis 127.0.0.1:$jm_redis
towns_file $top/data/towns.tsv
rules_file $top/data/rules.default.json
log_level warn
# The defaults (10,000 a second per kiosk connection, 100,000 per staff
# one) would measure the limiter.
max_request_rate 10000000
staff_max_request_rate 10000000
token staff $(digest "$staff")
token kiosk $(digest "$kiosk")
CONF
	"$bdir/jobmatchd" -c "$d/jobmatchd.conf" 2>"$d/jobmatchd.log" &
	dpid=$!; pids+=("$dpid")
	wait_jobmatchd "$bdir/jobmatch" "127.0.0.1:$dport" "$kiosk" "$dpid" \
	    "$d/jobmatchd.log"

	# ---- load -----------------------------------------------------------
	log "N=$n: loading jobmatchd (jobmatch-bench load)"
	"$bench" load -a "127.0.0.1:$dport" -t "$staff" -n "$n" --seed "$seed" \
		--pid "$dpid" --json >"$d/jm-load.out" 2>"$d/jm-load.err" ||
		{ log "jobmatch-bench load failed:"; tail "$d/jm-load.err" "$d/jm-load.out" >&2; exit 1; }
	settle "$jm_redis"
	log "N=$n: loading RediSearch (jobmatch-rsbench load)"
	"$rsbench" load -p "$rs_port" -n "$n" --seed "$seed" --json \
		>"$d/rs-load.out" 2>"$d/rs-load.err" ||
		{ log "jobmatch-rsbench load failed:"; tail "$d/rs-load.err" >&2; exit 1; }

	# ---- runs -----------------------------------------------------------
	settle "$jm_redis"
	log "N=$n: jobmatchd, $secs s at $conns connections x depth $depth"
	jm_rc=0
	"$bench" run -a "127.0.0.1:$dport" -t "$kiosk" -n "$n" --seed "$seed" \
		--qseed "$qseed" -c "$conns" -d "$depth" --duration "$secs" \
		--staff-token "$staff" --pid "$dpid" --json \
		>"$d/jm-run.out" 2>"$d/jm-run.err" || jm_rc=$?
	log "N=$n: jobmatchd --check, $check_secs s"
	ck_rc=0
	"$bench" run -a "127.0.0.1:$dport" -t "$kiosk" -n "$n" --seed "$seed" \
		--qseed "$qseed" -c "$conns" -d "$depth" --duration "$check_secs" \
		--check --staff-token "$staff" --pid "$dpid" --json \
		>"$d/jm-check.out" 2>"$d/jm-check.err" || ck_rc=$?
	jm_rss=$(rss_kb "$dpid"); jm_redis_rss=$(rss_kb "$jm_redis_pid")
	for mode in native exact; do
		settle "$jm_redis"
		log "N=$n: RediSearch $mode, $secs s at $conns connections"
		rc=0
		"$rsbench" run -p "$rs_port" -n "$n" --seed "$seed" \
			--qseed "$qseed" --mode "$mode" -c "$conns" \
			--duration "$secs" --check --json \
			>"$d/rs-$mode.out" 2>"$d/rs-$mode.err" || rc=$?
		echo "$rc" >"$d/rs-$mode.rc"
	done
	rs_rss=$(rss_kb "$rs_pid")
	stop_all

	# ---- rows -----------------------------------------------------------
	checked=$(jget "$d/jm-check.out" checked)
	differ=$(jget "$d/jm-check.out" differ)
	if [ "$differ" = 0 ] && [ "$checked" != "-" ] && [ "$checked" != 0 ]; then
		agree=yes
	elif [ "$differ" = "-" ]; then
		agree="? (check failed, status $ck_rc)"
	else
		agree="no ($differ of $checked differ)"
	fi
	[ "$jm_rc" = 0 ] || agree="$agree; run status $jm_rc"
	p50=$(jget "$d/jm-run.out" latency_us.p50)
	p99=$(jget "$d/jm-run.out" latency_us.p99)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' jobmatchd "$n" \
		"$(jget "$d/jm-run.out" qps)" \
		"$(awk -v v="$p50" 'BEGIN { if (v == "-") print "-"; else printf "%.3f", v / 1000 }')" \
		"$(awk -v v="$p99" 'BEGIN { if (v == "-") print "-"; else printf "%.3f", v / 1000 }')" \
		"$(awk -v a="$jm_rss" -v b="$jm_redis_rss" 'BEGIN { printf "%.0f MB (+ Redis %.0f MB)", a / 1024, b / 1024 }')" \
		"$(jget "$d/jm-load.out" seconds)" "$agree" >>"$rows"
	printf 'N=%s jobmatchd: server took_us p50 %s, p99 %s; %s errors; check: %s answers compared, %s differ; RSS after load %s MB\n' \
		"$n" "$(jget "$d/jm-run.out" took_us.p50)" "$(jget "$d/jm-run.out" took_us.p99)" \
		"$(jget "$d/jm-run.out" errors)" "$checked" "$differ" \
		"$(awk -v v="$(jget "$d/jm-load.out" rss_bytes)" 'BEGIN { if (v == "-") print "?"; else printf "%.0f", v / 1048576 }')" >>"$notes"
	printf 'N=%s RediSearch: after load used_memory %s MB, RSS %s MB; FT.ADD %s postings/s\n' "$n" \
		"$(awk -v v="$(jget "$d/rs-load.out" used_memory)" 'BEGIN { printf "%.0f", v / 1048576 }')" \
		"$(awk -v v="$(jget "$d/rs-load.out" rss)" 'BEGIN { printf "%.0f", v / 1048576 }')" \
		"$(awk -v n="$n" -v s="$(jget "$d/rs-load.out" load_s)" 'BEGIN { printf "%.0f", n / s }')" >>"$notes"
	for mode in native exact; do
		o=$d/rs-$mode.out
		agree=$(jget "$o" top10)
		[ "$(cat "$d/rs-$mode.rc")" = 0 ] || [ "$mode" = native ] ||
			agree="$agree (status $(cat "$d/rs-$mode.rc"))"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "RediSearch $mode" "$n" \
			"$(jget "$o" qps)" "$(jget "$o" p50_ms)" "$(jget "$o" p99_ms)" \
			"$(awk -v a="$rs_rss" 'BEGIN { printf "%.0f MB", a / 1024 }')" \
			"$(jget "$d/rs-load.out" load_s)" "$agree" >>"$rows"
		if [ "$mode" = native ]; then
			printf 'N=%s RediSearch native: %s matches per query (before LIMIT); %s queries checked; %s errors\n' \
				"$n" "$(jget "$o" candidates_per_query)" "$(jget "$o" checked)" \
				"$(jget "$o" errors)" >>"$notes"
		else
			printf 'N=%s RediSearch exact: %s candidates and %s explained per query, client scoring %s ms per query; %s queries checked; %s errors\n' \
				"$n" "$(jget "$o" candidates_per_query)" \
				"$(jget "$o" explained_per_query)" \
				"$(jget "$o" client_scoring_ms_per_query)" \
				"$(jget "$o" checked)" "$(jget "$o" errors)" >>"$notes"
		fi
	done
	for f in "$d"/*.err; do
		[ -s "$f" ] && { grep -Ev '^(reference|generated)' "$f" || true; } |
			sed "s|^|N=$n $(basename "$f" .err): |" >>"$notes"
	done
	true
done

# ---- the table -------------------------------------------------------------
printf '\n== jobmatchd vs RediSearch %s, %s connections, %s s each; seed %s, query seed %s\n' \
	"$(redis-cli --version | awk '{ print $2 }') + redisearch $(dpkg-query -W -f='${Version}' redis-redisearch 2>/dev/null || echo '?')" \
	"$conns" "$secs" "$seed" "$qseed"
printf '%s; %s cores (%s); built from %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
	"$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')" \
	"$built_from"
python3 - "$rows" <<'PY'
import sys
head = ["system", "N", "qps", "p50 ms", "p99 ms", "memory (RSS)", "load s",
        "top 10 agreed"]
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
def fmt(i, v):
    try:
        f = float(v)
    except ValueError:
        return v
    if i == 2:
        return "%.0f" % f if f >= 100 else "%.1f" % f
    if i in (3, 4):
        return "%.3f" % f if f < 1 else "%.2f" % f if f < 10 else "%.1f" % f
    if i == 6:
        return "%.2f" % f
    return v
rows = [[fmt(i, v) for i, v in enumerate(r)] for r in rows]
w = [max(len(x) for x in col) for col in zip(head, *rows)]
line = lambda r: "  ".join(v.ljust(w[i]) if i in (0, 5, 7) else v.rjust(w[i])
                           for i, v in enumerate(r)).rstrip()
print(line(head))
print("  ".join("-" * x for x in w))
for r in rows:
    print(line(r))
# throughput ratios per size
by = {}
for r in rows:
    try:
        by.setdefault(r[1], {})[r[0]] = float(r[2])
    except ValueError:
        pass
for n, s in by.items():
    jm = s.get("jobmatchd")
    parts = []
    for k in ("RediSearch native", "RediSearch exact"):
        if jm and s.get(k):
            parts.append("%.0fx %s" % (jm / s[k], k))
    if parts:
        print("N=%s: jobmatchd's throughput is %s" % (n, ", ".join(parts)))
PY
printf '\nNotes:\n'
sed 's/^/  /' "$notes"
printf '  latencies are the clients'"'"' (loopback, wall time from sending a query to its answer);\n'
printf '  memory: the serving process'"'"'s VmRSS after the runs (RediSearch: its redis-server)\n'
printf 'total time: %s s\n' "$(( $(date +%s) - t_begin ))"

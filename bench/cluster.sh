#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# bench/cluster.sh - the deployment of docs/operations.md ("Running at a
# province's or the country's scale") on loopback: HAProxy with
# data/haproxy.cfg, a Redis primary and a replica, three sentinels and three
# jobmatchd daemons. Loads generated postings through the proxy, measures
# matches a second through it and straight to one daemon, then drives
# matches and job.post writes through the proxy while it SIGKILLs one
# daemon and then the Redis primary (bench/cluster.py), and prints what the
# clients saw. A benchmark: figures only, no pass or fail. Stops everything
# it started on exit (Ctrl-C included). See bench/README.md.
#
# Environment (defaults in brackets):
#   JM_CLUSTER_N           postings loaded (jobmatch-bench load) [10000]
#   JM_CLUSTER_SECONDS     seconds of each throughput run [5]
#   JM_CLUSTER_MATCHERS    match connections during the kills [4]
#   JM_CLUSTER_WRITERS     job.post connections during the kills [2]
#   JM_BUILD_DIR           build directory [build]; the programs already in
#                          it are used when the tree does not build
#   JM_BIN_DIR             a directory holding jobmatchd, jobmatch and
#                          jobmatch-bench to run as they are (nothing is
#                          built): another build, or an installed one
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
n=${JM_CLUSTER_N:-10000}
secs=${JM_CLUSTER_SECONDS:-5}
bdir=${JM_BUILD_DIR:-build}
case $bdir in /*) ;; *) bdir=$top/$bdir ;; esac
master=jobmatchd

. "$top/bench/lib.sh"

command -v haproxy >/dev/null ||
	{ log "haproxy is not installed (Debian: apt-get install haproxy)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jm-cluster.XXXXXX")
pids=()
# started CMD...: runs CMD in the background, remembered for the cleanup
# (disowned: the shell does not report the kills that are the point here).
started() {
	"$@" &
	pids+=($!)
	disown $!
}
cleanup() {
	trap - EXIT INT TERM
	local i
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		stop_pid "${pids[i]}"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ---------------------------------------------------------------
if [ -n "${JM_BIN_DIR:-}" ]; then
	bdir=$(cd "$JM_BIN_DIR" && pwd)
else
	build_programs "$bdir" "$tmp/build.log" -- jobmatchd jobmatch jobmatch-bench
fi
bench=$bdir/jobmatch-bench

# ---- ports and tokens ----------------------------------------------------
# port: a free port not handed out yet (the caller adds it to used).
used=" "
port() {
	local p
	p=$(free_port)
	while [[ $used == *" $p "* ]]; do p=$(free_port); done
	echo "$p"
}
primary_port=$(port); used+="$primary_port "
replica_port=$(port); used+="$replica_port "
sentinel_ports=()
for i in 1 2 3; do sentinel_ports+=("$(port)"); used+="${sentinel_ports[-1]} "; done
rpc_ports=() health_ports=() http_ports=()
for i in 1 2 3; do
	rpc_ports+=("$(port)"); used+="${rpc_ports[-1]} "
	health_ports+=("$(port)"); used+="${health_ports[-1]} "
	http_ports+=("$(port)"); used+="${http_ports[-1]} "
done
proxy_rpc=$(port); used+="$proxy_rpc "
proxy_http=$(port); used+="$proxy_http "
staff=$(new_token)
kiosk=$(new_token)
hr=$(new_token)
employer=e000000	# the first employer jobmatch-bench load registers

# ---- how the daemons find the Redis primary ------------------------------
# The one place that says it: through the sentinels (the primary they name,
# followed across a failover) or the primary's address (which a failover
# does not move).
redis_addressing() {
	local p
	for p in "${sentinel_ports[@]}"; do
		echo "redis_sentinel 127.0.0.1:$p"
	done
	echo "redis_master_name $master"
}

# daemon_config I: the configuration of daemon I (1-3).
daemon_config() {
	local i=$1
	cat <<CONF
# Written by bench/cluster.sh: loopback only.
listen 127.0.0.1:${rpc_ports[i-1]}
metrics_listen 127.0.0.1:${health_ports[i-1]}
http_listen 127.0.0.1:${http_ports[i-1]}
kiosk_dir $top/kiosk
$(redis_addressing)
towns_file $top/data/towns.tsv
rules_file $top/data/rules.default.json
log_level warn
# Behind a proxy every client has the proxy's address: a few wrong tokens
# must not pause everyone's hello (docs/operations.md).
hello_fail_limit 100000
hello_pause_s 1
token staff $(digest "$staff")
token kiosk $(digest "$kiosk")
token employer:$employer $(digest "$hr")
CONF
}

# ---- Redis: primary, replica, sentinels ----------------------------------
start_redis() {	# NAME PORT [ARGS...]
	local name=$1 p=$2
	shift 2
	mkdir -p "$tmp/$name"
	started redis-server --bind 127.0.0.1 --port "$p" --dir "$tmp/$name" \
		--save '' --appendonly yes --appendfsync everysec \
		--logfile "$tmp/$name.log" "$@"
	wait_redis "$p" "${pids[-1]}" "$tmp/$name.log"
}
start_redis primary "$primary_port"
primary_pid=${pids[-1]}
start_redis replica "$replica_port" --replicaof 127.0.0.1 "$primary_port"
for i in 1 2 3; do
	mkdir -p "$tmp/sentinel$i"
	cat >"$tmp/sentinel$i/sentinel.conf" <<CONF
bind 127.0.0.1
port ${sentinel_ports[i-1]}
dir $tmp/sentinel$i
logfile $tmp/sentinel$i.log
sentinel monitor $master 127.0.0.1 $primary_port 2
sentinel down-after-milliseconds $master 1000
sentinel failover-timeout $master 10000
sentinel parallel-syncs $master 1
CONF
	started redis-server "$tmp/sentinel$i/sentinel.conf" --sentinel
	wait_redis "${sentinel_ports[i-1]}" "${pids[-1]}" "$tmp/sentinel$i.log"
done
# Until each sentinel knows the other two and the replica: a failover needs
# a majority of them.
for i in $(seq 300); do
	ok=0
	for p in "${sentinel_ports[@]}"; do
		out=$(redis-cli -p "$p" SENTINEL master "$master" 2>/dev/null | tr '\n' ' ')
		[[ $out == *"num-slaves 1 "* && $out == *"num-other-sentinels 2 "* ]] &&
			ok=$((ok + 1))
	done
	[ "$ok" = 3 ] && break
	sleep 0.1
done
[ "$ok" = 3 ] || log "(the sentinels did not all see each other and the replica in 30 s)"

# ---- three daemons -------------------------------------------------------
daemon_pids=()
for i in 1 2 3; do
	daemon_config "$i" >"$tmp/jobmatchd$i.conf"
	started "$bdir/jobmatchd" -c "$tmp/jobmatchd$i.conf" 2>>"$tmp/jobmatchd$i.log"
	daemon_pids+=("${pids[-1]}")
done
for i in 1 2 3; do
	wait_jobmatchd "$bdir/jobmatch" "127.0.0.1:${rpc_ports[i-1]}" "$staff" \
	    "${daemon_pids[i-1]}" "$tmp/jobmatchd$i.log" 300
done

# ---- HAProxy: the documented file, with loopback addresses ---------------
export JM_RPC_BIND=127.0.0.1:$proxy_rpc JM_HTTP_BIND=127.0.0.1:$proxy_http
export JM_STATS_SOCKET=$tmp/haproxy.sock
for i in 1 2 3; do
	export "JM_D$i=127.0.0.1" "JM_RPC_PORT$i=${rpc_ports[i-1]}" \
	    "JM_HEALTH_PORT$i=${health_ports[i-1]}" \
	    "JM_HTTP_PORT$i=${http_ports[i-1]}"
done
started haproxy -f "$top/data/haproxy.cfg" -db >"$tmp/haproxy.log" 2>&1
proxy_pid=${pids[-1]}
# Until HAProxy's checks of /healthz have all three daemons up.
wait_proxy_up() {
	python3 - "$JM_STATS_SOCKET" "$proxy_pid" <<'PY'
import os, socket, sys, time
path, pid = sys.argv[1], int(sys.argv[2])
for _ in range(300):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.sendall(b"show stat\n")
        out = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
        s.close()
        up = [ln for ln in out.decode().splitlines()
              if ln.split(",")[1:2] in (["d1"], ["d2"], ["d3"])
              and ln.split(",")[17] == "UP"]
        if len(up) == 6:
            sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        break
    time.sleep(0.1)
sys.exit(1)
PY
}
wait_proxy_up || { log "HAProxy did not mark the daemons up:"; tail -20 "$tmp/haproxy.log"; exit 1; }
proxy=127.0.0.1:$proxy_rpc

rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo '?'; }

log "== bench/cluster.sh: HAProxy, Redis primary + replica, 3 sentinels, 3 jobmatchd"
log "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- daemon matcher proto 2>/dev/null || echo ' + uncommitted changes'); $(redis-server --version | cut -d' ' -f1-3); $(haproxy -v | head -1 | cut -d' ' -f1-3)"
log "HAProxy 127.0.0.1:$proxy_rpc (JSON-RPC, TCP) and 127.0.0.1:$proxy_http (gateway, HTTP), data/haproxy.cfg"
log "Redis primary 127.0.0.1:$primary_port, replica 127.0.0.1:$replica_port, sentinels ${sentinel_ports[*]} (master name $master, down-after 1000 ms)"
for i in 1 2 3; do
	log "daemon d$i pid ${daemon_pids[i-1]}: JSON-RPC ${rpc_ports[i-1]}, /healthz ${health_ports[i-1]}, gateway ${http_ports[i-1]}"
done
log "the daemons find the primary through the sentinels (redis_sentinel, redis_master_name)"
log ""

# ---- load and throughput -------------------------------------------------
log "-- load through HAProxy (jobmatch-bench load, staff token)"
"$bench" load -a "$proxy" -t "$staff" -n "$n" -c 2 -d 32 --single 200 ||
	log "(the load had errors)"
log ""
# Every daemon holds every posting once its stream caught up.
for i in 1 2 3; do
	for _ in $(seq 300); do
		got=$(JOBMATCH_TOKEN=$staff "$bdir/jobmatch" -a "127.0.0.1:${rpc_ports[i-1]}" call stats 2>/dev/null |
		    sed -n 's/.*"postings": \([0-9]*\).*/\1/p' | head -1)
		[ "${got:-0}" -ge "$n" ] && break
		sleep 0.1
	done
done
log "memory after the load: daemons $(rss_mb "${daemon_pids[0]}"), $(rss_mb "${daemon_pids[1]}"), $(rss_mb "${daemon_pids[2]}") MB (VmRSS); Redis primary used_memory $(redis-cli -p "$primary_port" INFO memory | sed -n 's/^used_memory_human:\(.*\)\r$/\1/p'), RSS $(rss_mb "$primary_pid") MB"
log ""
log "-- matches straight to d1 (jobmatch-bench run, 2 connections x 1, ${secs} s)"
"$bench" run -a "127.0.0.1:${rpc_ports[0]}" -t "$kiosk" -c 2 -d 1 --warmup 1 --duration "$secs" ||
	log "(the run had errors)"
log ""
log "-- matches through HAProxy (6 connections x 1, ${secs} s: two a daemon)"
"$bench" run -a "$proxy" -t "$kiosk" -c 6 -d 1 --warmup 1 --duration "$secs" ||
	log "(the run had errors)"
log ""
log "-- the gateway through HAProxy (HTTP): POST /rpc ping, GET /"
log "   $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"jsonrpc":"2.0","id":1,"method":"ping"}' "http://127.0.0.1:$proxy_http/rpc") $(curl -s \
	-H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"ping"}' \
	"http://127.0.0.1:$proxy_http/rpc"); GET / $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$proxy_http/")"
log ""

# ---- a daemon, then the primary, killed under load -----------------------
log "-- matches and writes through HAProxy; SIGKILL of one daemon at 8 s, of the Redis primary at 20 s"
JM_KIOSK_TOKEN=$kiosk JM_HR_TOKEN=$hr python3 "$top/bench/cluster.py" \
	--rpc "$proxy" --stats-socket "$JM_STATS_SOCKET" \
	--daemon "d1=${daemon_pids[0]}" --daemon "d2=${daemon_pids[1]}" \
	--daemon "d3=${daemon_pids[2]}" \
	--primary-pid "$primary_pid" --primary-port "$primary_port" \
	--sentinel "${sentinel_ports[0]}" --sentinel "${sentinel_ports[1]}" \
	--sentinel "${sentinel_ports[2]}" --master-name "$master" \
	--employer "$employer" \
	--matchers "${JM_CLUSTER_MATCHERS:-4}" --writers "${JM_CLUSTER_WRITERS:-2}"
log ""
for i in 1 2 3; do
	if kill -0 "${daemon_pids[i-1]}" 2>/dev/null; then
		log "d$i at the end: RSS $(rss_mb "${daemon_pids[i-1]}") MB; /healthz $(curl -s -m 2 "http://127.0.0.1:${health_ports[i-1]}/healthz" | head -1); redis_connected $(curl -s -m 2 "http://127.0.0.1:${health_ports[i-1]}/metrics" | sed -n 's/^jobmatchd_redis_connected \(.*\)/\1/p')"
	fi
	if [ -s "$tmp/jobmatchd$i.log" ]; then
		log "d$i's log (warnings), most frequent:"
		sed 's/^[^ ]* [^ ]* //' "$tmp/jobmatchd$i.log" | sed 's/[0-9][0-9]*/N/g' |
		    sort | uniq -c | sort -rn | head -4 | sed 's/^/  /'
	fi
done

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# bench/lib.sh - what the benchmark scripts share; sourced, not run.

log() { printf '%s\n' "$*"; }

# build_programs BDIR LOG [CMAKE_OPTION...] -- TARGET...: configures BDIR
# (RelWithDebInfo) and builds the targets, the build's output in LOG; when
# the tree does not build, the programs already in BDIR are used (said),
# and without them the script exits showing LOG.
build_programs() {
	local bdir=$1 blog=$2 t
	local opts=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	if cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    "${opts[@]}" >"$blog" 2>&1 &&
	    cmake --build "$bdir" -j "$(nproc 2>/dev/null || echo 2)" \
	    --target "$@" >>"$blog" 2>&1; then
		return 0
	fi
	for t in "$@"; do
		if [ ! -x "$bdir/$t" ]; then
			log "build in $bdir failed:"; tail -30 "$blog" >&2; exit 1
		fi
	done
	log "(the tree does not build right now: using the programs already in $bdir)"
}

# stop_pid PID [NAME]: TERM, wait up to 10 s, then KILL (and say so).
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		[ -n "${2:-}" ] && log "($2 did not stop in 10 s: killed)"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

# A TCP port on 127.0.0.1 nothing listens on right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A random token (36 hex characters), and the digest a config's token
# line holds.
new_token() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
digest() { printf %s "$1" | sha256sum | cut -d' ' -f1; }

# wait_redis PORT PID LOG: until the redis-server on PORT answers; exits
# (showing LOG) when it dies or stays silent for 10 s.
wait_redis() {
	local i
	for i in $(seq 100); do
		redis-cli -h 127.0.0.1 -p "$1" ping >/dev/null 2>&1 && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	log "redis-server on port $1 did not start:"; tail -20 "$3" >&2; exit 1
}

# wait_jobmatchd JOBMATCH ADDR TOKEN PID LOG [TENTHS]: until the jobmatchd
# at ADDR answers a ping (JOBMATCH is the client); exits (showing LOG) when
# it dies or stays silent for TENTHS tenths of a second (100).
wait_jobmatchd() {
	local i
	for i in $(seq "${6:-100}"); do
		JOBMATCH_TOKEN=$3 "$1" -a "$2" call ping >/dev/null 2>&1 && return 0
		kill -0 "$4" 2>/dev/null || break
		sleep 0.1
	done
	log "jobmatchd at $2 did not start:"; tail -20 "$5" >&2; exit 1
}

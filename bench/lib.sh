# bench/lib.sh - what the benchmark scripts share; sourced, not run.

log() { printf '%s\n' "$*"; }

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

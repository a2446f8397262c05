#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# tools/systemd-smoke.sh - installs jobmatchd into a minimal Debian root file
# system, boots it with systemd-nspawn (systemd as PID 1 in a container) and
# checks that the shipped units do what they say: Type=notify start after
# redis-server, the hardened sandbox, reload, a graceful stop, socket
# activation, the watchdog and Restart=on-failure.
#
# Not part of ./test.sh: it needs root, the packages debootstrap and
# systemd-container, a Debian mirror (JM_MIRROR) and a few minutes the first
# time. The root file system is kept in JM_NSPAWN_ROOT between runs.
#
#   sudo tools/systemd-smoke.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
root=${JM_NSPAWN_ROOT:-/var/tmp/jobmatchd-nspawn}
mirror=${JM_MIRROR:-http://deb.debian.org/debian}
machine=jobmatchd-smoke
fails=0

say() { printf '%s\n' "$*"; }
check() {	# name command...: PASS or FAIL
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then say "PASS $name"; else say "FAIL $name"; fails=$((fails + 1)); fi
}

[ "$(id -u)" = 0 ] || { say "run as root"; exit 2; }
for t in debootstrap systemd-nspawn nsenter; do
	command -v "$t" >/dev/null || { say "needs $t (packages debootstrap, systemd-container, util-linux)"; exit 2; }
done
[ -x "$build/jobmatchd" ] || { say "no $build/jobmatchd: build first"; exit 2; }

if [ ! -x "$root/lib/systemd/systemd" ]; then
	say "== debootstrap into $root"
	debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,libevent-2.1-7,libevent-openssl-2.1-7,libhiredis0.14,libjansson4,libpcre2-8-0,libssl3,redis-server,procps \
		bookworm "$root" "$mirror" >/dev/null
fi

say "== installing $build into $root"
DESTDIR=$root cmake --install "$build" >/dev/null
conf=$root/etc/jobmatchd/jobmatchd.conf
cp "$root/usr/local/share/jobmatchd/jobmatchd.conf.example" "$conf" 2>/dev/null || true
kiosk=$(printf 'smoke-kiosk' | sha256sum | cut -d' ' -f1)
staff=$(printf 'smoke-staff' | sha256sum | cut -d' ' -f1)
printf 'token kiosk %s\ntoken staff %s\nunix_socket /run/jobmatchd/jobmatchd.sock\n' \
	"$kiosk" "$staff" >>"$conf"
ln -sf /usr/local/lib/systemd/system/jobmatchd.service \
	"$root/etc/systemd/system/multi-user.target.wants/jobmatchd.service"
rm -f "$root/etc/systemd/system/sockets.target.wants/jobmatchd.socket"
cp data/employers.jsonl data/jobs.jsonl "$root/root/"
echo "$machine" >"$root/etc/hostname"

say "== booting"
log=$(mktemp)
systemd-nspawn -q -D "$root" -b --private-network --register=no --keep-unit \
	--machine "$machine" >"$log" 2>&1 &
nspawn=$!
cleanup() {
	[ -n "${leader:-}" ] && nsenter -t "$leader" -a systemctl poweroff >/dev/null 2>&1 || true
	sleep 2
	kill "$nspawn" 2>/dev/null || true
	rm -f "$log"
}
trap cleanup EXIT
leader=
for _ in $(seq 100); do
	leader=$(pgrep -P "$nspawn" | head -1 || true)
	[ -n "$leader" ] && nsenter -t "$leader" -a systemctl is-system-running --wait >/dev/null 2>&1 && break
	sleep 0.3
done
[ -n "$leader" ] || { say "the container did not boot:"; cat "$log"; exit 1; }
ct() { nsenter -t "$leader" -a "$@"; }
journal() { ct journalctl -b -u jobmatchd --no-pager -o cat; }

check "jobmatchd.service is active (READY=1 came)" ct systemctl is-active jobmatchd
check "STATUS= says it is serving" sh -c "nsenter -t $leader -a systemctl show jobmatchd -p StatusText | grep -q serving"
check "it started after redis-server" sh -c "nsenter -t $leader -a systemctl show jobmatchd -p After | grep -q redis-server.service"
check "sample data loads" ct env JOBMATCH_TOKEN=smoke-staff sh -c 'jobmatch load /root/employers.jsonl && jobmatch load /root/jobs.jsonl'
check "a kiosk matches over the unix socket" sh -c "nsenter -t $leader -a env JOBMATCH_TOKEN=smoke-kiosk jobmatch -u /run/jobmatchd/jobmatchd.sock call ping | grep -q pong"
check "it runs as a dynamic user, without capabilities" sh -c "nsenter -t $leader -a sh -c 'grep -q \"^CapEff:.*0000000000000000\" /proc/\$(systemctl show -p MainPID --value jobmatchd)/status && [ \$(stat -c %u /proc/\$(systemctl show -p MainPID --value jobmatchd)) -ne 0 ]'"
ct systemctl reload jobmatchd
check "systemctl reload reloads the configuration" sh -c "nsenter -t $leader -a journalctl -b -u jobmatchd -o cat --no-pager | grep -q 'configuration reloaded'"
ct systemctl stop jobmatchd
check "systemctl stop is a graceful stop" sh -c "nsenter -t $leader -a journalctl -b -u jobmatchd -o cat --no-pager | grep -q 'every request answered'"
check "and it exited cleanly" sh -c "nsenter -t $leader -a systemctl show jobmatchd -p Result | grep -q success"
ct systemctl start jobmatchd.socket
check "socket activation: a connection starts the service" ct env JOBMATCH_TOKEN=smoke-kiosk jobmatch call ping
check "on the sockets systemd passed" sh -c "nsenter -t $leader -a journalctl -b -u jobmatchd -o cat --no-pager | grep -q 'passed TCP socket'"
before=$(ct systemctl show jobmatchd -p NRestarts --value)
ct systemctl kill -s SIGSTOP jobmatchd
say "   (a stopped loop: waiting for the watchdog, WatchdogSec=30s)"
for _ in $(seq 50); do
	n=$(ct systemctl show jobmatchd -p NRestarts --value)
	[ "$n" -gt "$before" ] && break
	sleep 1
done
check "the watchdog restarts a stopped loop" sh -c "nsenter -t $leader -a journalctl -b -u jobmatchd -o cat --no-pager | grep -q 'Watchdog timeout'"
check "and the service is back" ct env JOBMATCH_TOKEN=smoke-kiosk jobmatch call ping

if [ "$fails" -ne 0 ]; then
	say "== $fails checks failed; the unit's journal:"
	journal | tail -40
	exit 1
fi
say "== all checks passed"

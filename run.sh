#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
# Installs what is missing, builds, and runs jobmatchd on 127.0.0.1:7474 (and
# its HTTP gateway with the kiosk page on 127.0.0.1:7480) with
# a private Redis (loopback, data/redis.conf: AOF on; data in ./var/) and
# the county's sample employers, postings and job fair; prints one sample match;
# stays in the foreground until Ctrl-C, then stops both. Running it again
# reuses ./var/ (postings are upserts keyed by id, so the sample data is
# never duplicated).
#
# Environment: JM_LISTEN (127.0.0.1:7474), JM_HTTP_LISTEN (127.0.0.1:7480),
# JM_REDIS_PORT (6380).
set -euo pipefail
cd "$(dirname "$0")"
top=$PWD
listen=${JM_LISTEN:-127.0.0.1:7474}
http_listen=${JM_HTTP_LISTEN:-127.0.0.1:7480}
redis_port=${JM_REDIS_PORT:-6380}
var=$top/var

./tools/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

mkdir -p "$var/redis"
chmod 700 "$var"

# A run killed without its cleanup may have left its processes behind.
for name in redis jobmatchd; do
	pidfile=$var/$name.pid
	if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
		echo "stopping the $name left by an earlier run"
		kill "$(cat "$pidfile")" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$(cat "$pidfile")" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -f "$pidfile"
done

# Tokens are made once and kept in var/tokens.env (readable by root only);
# the daemon's config holds their SHA-256 digests only.
if [ ! -s "$var/tokens.env" ]; then
	umask 077
	{
		echo "STAFF_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
		echo "KIOSK_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	} > "$var/tokens.env"
	umask 022
fi
# A kiosk token bound to the sample fair (data/fairs.jsonl), added to a
# tokens.env an earlier run made without it.
if ! grep -q '^FAIR_KIOSK_TOKEN=' "$var/tokens.env"; then
	echo "FAIR_KIOSK_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >> "$var/tokens.env"
fi
# An HR office's token, bound to one sample employer (the express sorting
# centre), for its spreadsheet and its own quota.
if ! grep -q '^EMPLOYER_TOKEN=' "$var/tokens.env"; then
	echo "EMPLOYER_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >> "$var/tokens.env"
fi
# shellcheck disable=SC1091
. "$var/tokens.env"
hash() { ./build/jobmatch hash-token "$1"; }
fair_id=dj-fair-2026	# data/fairs.jsonl's
employer_id=dj-express-01	# data/employers.jsonl's

cat > "$var/jobmatchd.conf" <<CONF
# Written by run.sh; see README.md for every key.
listen $listen
http_listen $http_listen
kiosk_dir $top/kiosk
jsonld_region 重庆市
redis 127.0.0.1:$redis_port
towns_file $top/data/towns.tsv
rules_file $top/data/rules.default.json
log_level info
token staff $(hash "$STAFF_TOKEN")
token kiosk $(hash "$KIOSK_TOKEN")
token kiosk@$fair_id $(hash "$FAIR_KIOSK_TOKEN")
token employer:$employer_id $(hash "$EMPLOYER_TOKEN")
CONF

redis_pid= daemon_pid=
stop() {
	trap - INT TERM EXIT
	echo
	echo "stopping"
	[ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
	[ -n "$redis_pid" ] && kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
	rm -f "$var/jobmatchd.pid" "$var/redis.pid"
	exit 0
}
trap stop INT TERM EXIT

# data/redis.conf is the persistence jobmatchd wants (AOF, noeviction);
# the address, the directory and the files are this run's.
redis-server "$top/data/redis.conf" --bind 127.0.0.1 --port "$redis_port" \
	--dir "$var/redis" --save '' \
	--pidfile "$var/redis.pid" --logfile "$var/redis.log" &
redis_pid=$!
for _ in $(seq 100); do
	redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
	kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server failed; see var/redis.log"; exit 1; }
	sleep 0.1
done

./build/jobmatchd -c "$var/jobmatchd.conf" 2> >(tee -a "$var/jobmatchd.log" >&2) &
daemon_pid=$!
echo "$daemon_pid" > "$var/jobmatchd.pid"
export JOBMATCH_ADDR=$listen JOBMATCH_TOKEN=$STAFF_TOKEN
for _ in $(seq 100); do
	./build/jobmatch call ping >/dev/null 2>&1 && break
	kill -0 "$daemon_pid" 2>/dev/null || { echo "jobmatchd failed to start"; exit 1; }
	sleep 0.1
done

./build/jobmatch load data/employers.jsonl
./build/jobmatch load data/jobs.jsonl
./build/jobmatch load data/seekers.jsonl	# synthetic, with service records
./build/jobmatch load data/employment.jsonl	# employment of every form, 2021-2024
./build/jobmatch load data/followups.jsonl	# follow-up visits after employment
./build/jobmatch load data/fairs.jsonl	# the county's 2026 job fair

echo
echo "A visually impaired seeker (grade 2) in 桂溪街道 who knows 推拿 (tuina):"
JOBMATCH_TOKEN=$KIOSK_TOKEN ./build/jobmatch match --type visual --grade 2 \
	--town 500231001000 --skills 推拿,按摩 --needs step_free_access \
	--limit 5 --explain
echo
echo "jobmatchd is serving on $listen (Redis on 127.0.0.1:$redis_port)."
echo "Kiosk: http://$http_listen/"
echo "Fair kiosk token: FAIR_KIOSK_TOKEN in var/tokens.env (bound to the fair $fair_id)"
echo "Tokens are in var/tokens.env; try:"
echo "  . var/tokens.env; JOBMATCH_TOKEN=\$KIOSK_TOKEN ./build/jobmatch match --type hearing --grade 3 --town 500231002000 --skills 客服"
echo "  . var/tokens.env; JOBMATCH_TOKEN=\$STAFF_TOKEN ./build/jobmatch report --year 2024    # the plan's annual report"
echo "  . var/tokens.env; JOBMATCH_TOKEN=\$STAFF_TOKEN ./build/jobmatch call stats.plan    # the plan's period, 2022-2024"
echo "  . var/tokens.env; JOBMATCH_TOKEN=\$STAFF_TOKEN ./build/jobmatch report --fair $fair_id    # the fair's figures"
echo "  . var/tokens.env; JOBMATCH_TOKEN=\$EMPLOYER_TOKEN ./build/jobmatch import --dry-run data/import-jobs-gb18030.csv    # an HR office's sheet"
echo "  . var/tokens.env; JOBMATCH_TOKEN=\$EMPLOYER_TOKEN ./build/jobmatch report --employer $employer_id    # its own quota"
echo "Press Ctrl-C to stop."
wait "$daemon_pid"

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
bench/shared_link.py - what one client's bulk reads cost everyone else: the
Redis time of a job.list, a staff write made while a kiosk floods job.list
batches, and the daemon's memory while a client asks for pages it does not
read. A benchmark: it prints figures and never fails on them. See
bench/README.md.

usage: bench/shared_link.py [BUILD_DIR] [POSTINGS]

Starts a private redis-server (as the tests do) and jobmatchd from BUILD_DIR
(default build/) with its default limits, then:

1. posts POSTINGS (default 15000) postings in one town with 1,000-character
   (ASCII) descriptions, and reads Redis's INFO commandstats around 200
   job.list calls that filter on another town and "closed" (nothing
   matches, so each call examines as many postings as it may), then 200
   job.list {limit: 100}: the Lua time per call;
2. the flood: a kiosk sends 15 lines, each a batch of 100 such job.list
   calls, without waiting; 0.2 s later a staff connection sends one
   employer.put. Prints the write's answer and time, the kiosk's time to
   get its 1,500 answers, and the daemon's store.loads before and after (a
   write answered -32004 "unknown" that lands later makes it load again);
3. the memory: a second daemon (redis_timeout_ms 60000, so that every page
   is answered) on a fresh Redis with 100 postings whose descriptions have
   8,000 (ASCII) characters; a client sends 3 lines, each a batch of 100
   job.list {limit: 100}, and does not read. Prints the daemon's RSS
   (VmRSS) before and its peak until Redis has answered and the RSS stays,
   whether another client is served meanwhile, then reads every answer and
   prints the RSS again;
4. staff reads: on a third daemon, 5,000 registered seekers (notes of 600
   characters) hired by one posting, then the Redis time (Lua) a call of
   placement.list, stats.plan, seeker.list and employer.list costs, the
   Redis commands it takes, the time the request takes and the size of its
   answer.
"""
import json
import os
import sys
import threading
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else \
    os.path.join(top, "build")
npost = int(sys.argv[2]) if len(sys.argv) > 2 else 15000
os.environ.setdefault("JOBMATCHD", os.path.join(build, "jobmatchd"))
os.environ.setdefault("JOBMATCH", os.path.join(build, "jobmatch"))
os.environ.setdefault("JM_SOURCE_DIR", top)
sys.path.insert(0, os.path.join(top, "tests", "integration"))
import harness as h  # noqa: E402

GUIXI = "500231001000"
OTHER = "500231103000"


def rss_kb(d):
    with open("/proc/%d/status" % d.proc.pid) as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                return int(ln.split()[1])
    return 0


def populate(staff, n, desc_len, emps=10, per_line=100):
    staff.result("employer.put", {"employer": {
        "id": "emp-a", "name": "甲单位", "type": "soe", "town": GUIXI}})
    for e in range(emps):
        staff.result("employer.put", {"employer": {
            "id": "e%02d" % e, "name": "单位%02d" % e, "type": "private",
            "town": GUIXI}})
    desc = ("description " * desc_len)[:desc_len]
    for start in range(0, n, per_line):
        batch = [h.request("job.post", {"job": h.job(
            "p%06d" % i, emp="e%02d" % (i % emps), description=desc)}, id=i)
            for i in range(start, min(n, start + per_line))]
        staff.send_raw(h.line(batch))
        r = staff.read_json(timeout=120)
        bad = [x for x in r if "error" in x] if isinstance(r, list) \
            else [r]
        if bad:
            raise SystemExit("populate: %r" % bad[:2])


def evalsha_stats(redis):
    info = redis.cmd("INFO", "commandstats").decode()
    for ln in info.splitlines():
        if ln.startswith("cmdstat_evalsha:"):
            kv = dict(x.split("=") for x in ln.split(":", 1)[1].split(","))
            return int(kv["calls"]), int(kv["usec"])
    return 0, 0


def stats(d):
    with d.client(h.STAFF) as c:
        return c.result("stats")


def lua_per_call(redis, kiosk, params, n=200):
    c0, u0 = evalsha_stats(redis)
    for _ in range(n):
        kiosk.result("job.list", params)
    c1, u1 = evalsha_stats(redis)
    return (u1 - u0) / max(1, c1 - c0)


def flood(d, redis):
    params = {"town": OTHER, "status": "closed", "limit": 100}
    kiosk = d.client(h.KIOSK, timeout=120)
    print("job.list {town: other, status: closed, limit: 100}: "
          "%.0f us of Lua per call" % lua_per_call(redis, kiosk, params))
    print("job.list {limit: 100}: %.0f us of Lua per call"
          % lua_per_call(redis, kiosk, {"limit": 100}))
    loads0 = stats(d)["store"]["loads"]
    staff = d.client(h.STAFF, timeout=120)
    batch = [h.request("job.list", params, id=i) for i in range(100)]
    payload = h.line(batch) * 15
    t0 = time.perf_counter()
    kiosk.send_raw(payload)
    time.sleep(0.2)
    t1 = time.perf_counter()
    r = staff.call("employer.put", {"employer": {
        "id": "emp-a", "name": "甲单位", "type": "soe", "town": GUIXI}})
    wrote = time.perf_counter() - t1
    got = 0
    for _ in range(15):
        got += len(kiosk.read_json(timeout=120))
    took = time.perf_counter() - t0
    h.wait_until(lambda: stats(d)["store"]["pending"] == 0, timeout=60)
    time.sleep(0.5)
    loads1 = stats(d)["store"]["loads"]
    print("flood: staff employer.put answered in %.1f ms: %s" % (
        wrote * 1000, "ok" if "result" in r else json.dumps(r["error"])))
    print("flood: the kiosk's %d answers took %.2f s; store.loads %d -> %d"
          % (got, took, loads0, loads1))
    kiosk.close()
    staff.close()


def memory():
    redis = h.Redis()
    d = None
    try:
        redis.start()
        # every page is answered, however slowly
        d = h.Daemon(redis.port, extra=["log_level warn",
                                        "redis_timeout_ms 60000"])
        d.start(wait_loaded=False)
        with d.client(h.STAFF, timeout=120) as s:
            populate(s, 100, 8000, emps=1, per_line=10)
        before = rss_kb(d)
        c = d.client(h.KIOSK)
        batch = [h.request("job.list", {"limit": 100}, id=i)
                 for i in range(100)]
        payload = h.line(batch) * 3
        t = threading.Thread(target=c.sock.sendall, args=(payload,),
                             daemon=True)
        t.start()
        last, peak = -1, before
        while True:         # until Redis has answered and the RSS is still
            time.sleep(1.0)
            now = rss_kb(d)
            peak = max(peak, now)
            if abs(now - last) < 256 and stats(d)["store"]["pending"] == 0:
                break
            last = now
        with d.client(h.KIOSK) as o:
            served = o.result("ping")["pong"] is True
        print("memory: RSS %d kB before, %d kB with 300 pages asked and "
              "not read (+%d kB); another client served: %s" % (
                  before, peak, peak - before, served))
        c.sock.settimeout(120)
        got = 0
        while got < 3:
            r = c.read_json(timeout=120)
            got += 1
            assert isinstance(r, list) and len(r) == 100, r
        print("memory: read all 3 lines; RSS %d kB after" % rss_kb(d))
        c.close()
    finally:
        if d is not None:
            d.cleanup()
        redis.cleanup()


def staff_reads(nseek=5000):
    redis = h.Redis()
    d = None
    try:
        redis.start(extra_args=["--appendonly", "no"])
        d = h.Daemon(redis.port, extra=["log_level warn"])
        d.start(wait_loaded=False)
        s = d.client(h.STAFF, timeout=300)
        s.result("employer.put", {"employer": {
            "id": "e00", "name": "单位", "type": "private", "town": GUIXI}})
        s.result("job.post", {"job": h.job("big", emp="e00",
                                           openings=10000)})

        def batches(reqs):
            for i in range(0, len(reqs), 100):
                s.send_raw(h.line(reqs[i:i + 100]))
                r = s.read_json(timeout=300)
                bad = [x for x in r if "error" in x]
                if bad:
                    raise SystemExit("staff reads: %r" % bad[:2])
        batches([h.request("seeker.put", {"seeker": {
            "id": "s%05d" % i, "name": "名字%d" % i,
            "disability": {"type": "physical", "grade": 3},
            "skills": ["保洁"], "town": GUIXI, "plan_note": "计划" * 300,
            "services": {"assessed": "2024-01-01"}}}, id=i)
            for i in range(nseek)])
        batches([h.request("placement.record", {
            "seeker_id": "s%05d" % i, "job_id": "big", "employer_id": "e00",
            "date": "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28)}, id=i)
            for i in range(nseek)])
        print("staff reads, %d seekers and placements:" % nseek)
        for method, params in (
                ("placement.list", {"limit": 1000}),
                ("placement.list", {"limit": 1000, "town": OTHER}),
                ("stats.plan", {"from": "2024-01-01", "to": "2024-12-31"}),
                ("seeker.list", {"limit": 1000}),
                ("employer.list", {"limit": 1000})):
            c0, u0 = evalsha_stats(redis)
            t0 = time.perf_counter()
            for _ in range(10):
                r = s.result(method, params)
            t = (time.perf_counter() - t0) / 10
            c1, u1 = evalsha_stats(redis)
            print("  %-15s %-28s %5.0f us of Lua a command, %d commands, "
                  "%6.1f ms a request, %8d bytes" % (
                      method, json.dumps(params)[:28],
                      (u1 - u0) / max(1, c1 - c0), (c1 - c0) // 10,
                      t * 1000, len(h.line(r))))
        s.close()
    finally:
        if d is not None:
            d.cleanup()
        redis.cleanup()


def main():
    redis = h.Redis()
    d = None
    try:
        redis.start(extra_args=["--appendfsync", "no"])
        d = h.Daemon(redis.port, extra=["log_level warn"])
        d.start(wait_loaded=False)
        print("jobmatchd %s, %d postings" % (
            h.run_daemon(["--version"]).stdout.split()[-1], npost))
        t0 = time.perf_counter()
        with d.client(h.STAFF, timeout=120) as s:
            populate(s, npost, 1000)
        print("posted in %.1f s" % (time.perf_counter() - t0))
        flood(d, redis)
    finally:
        if d is not None:
            d.cleanup()
        redis.cleanup()
    memory()
    staff_reads()


if __name__ == "__main__":
    main()

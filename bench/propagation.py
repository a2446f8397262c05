#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
bench/propagation.py - how long a write through one jobmatchd takes to be
matchable through another on the same Redis (the change stream's tail).
A benchmark: it prints figures and never fails on them. See bench/README.md.

usage: bench/propagation.py [BUILD_DIR] [N]

Starts a private redis-server (AOF, appendfsync always, as the tests do) and
two daemons from BUILD_DIR (default build/), then N times (default 300):
posts a posting with a skill of its own through daemon A and, from the
moment A acknowledged it, matches on daemon B in a tight loop until the
posting is the top result; then the same for closing it. Prints the
percentiles of those delays, measured by the client on loopback (so they
include one match round trip of resolution, about 0.1-0.3 ms).
"""
import os
import statistics
import sys
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else \
    os.path.join(top, "build")
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
os.environ.setdefault("JOBMATCHD", os.path.join(build, "jobmatchd"))
os.environ.setdefault("JOBMATCH", os.path.join(build, "jobmatch"))
os.environ.setdefault("JM_SOURCE_DIR", top)
sys.path.insert(0, os.path.join(top, "tests", "integration"))
import harness as h  # noqa: E402

GUIXI = "500231001000"


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def show(name, ms):
    print("%-26s n=%-4d p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  "
          "max %7.2f ms  mean %7.2f ms" % (
              name, len(ms), pct(ms, 50), pct(ms, 90), pct(ms, 99),
              max(ms), statistics.mean(ms)))


def main():
    redis = h.Redis()
    a = b = None
    try:
        redis.start()
        a = h.Daemon(redis.port, extra=["log_level warn"])
        a.start(wait_loaded=False)
        b = h.Daemon(redis.port, extra=["log_level warn"])
        b.start(wait_loaded=False)
        sa, kb = a.client(h.STAFF), b.client(h.KIOSK)
        sa.result("employer.put", {"employer": {
            "id": "emp-a", "name": "甲单位", "type": "soe", "town": GUIXI}})
        post_ms, close_ms, probes = [], [], 0

        def top_id(skill):
            r = kb.result("match", {"profile": {
                "disability": {"type": "physical", "grade": 3},
                "town": GUIXI, "skills": [skill]}, "limit": 1})
            res = r["results"]
            return res[0]["job"]["id"] if res else None

        for i in range(n):
            id, skill = "p-%d" % i, "技能%d" % i
            sa.result("job.post", {"job": {
                "id": id, "employer_id": "emp-a", "title": "岗位",
                "skills": [skill], "accessible_for": ["physical"],
                "employment_type": "full_time", "town": GUIXI}})
            t0 = time.perf_counter()
            while top_id(skill) != id:
                probes += 1
            post_ms.append((time.perf_counter() - t0) * 1000)
            sa.result("job.close", {"id": id, "employer_id": "emp-a"})
            t0 = time.perf_counter()
            while top_id(skill) == id:
                probes += 1
            close_ms.append((time.perf_counter() - t0) * 1000)
        print("jobmatchd %s, two daemons on one Redis %s, %d postings"
              % (h.run_daemon(["--version"]).stdout.split()[-1],
                 h.subprocess.run(["redis-server", "--version"],
                                  capture_output=True, text=True)
                 .stdout.split()[2], n))
        show("job.post A -> match on B", post_ms)
        show("job.close A -> gone on B", close_ms)
        print("(%d extra matches on B while waiting)" % probes)
        sa.close()
        kb.close()
    finally:
        for d in (a, b):
            if d is not None:
                d.cleanup()
        redis.cleanup()


if __name__ == "__main__":
    main()

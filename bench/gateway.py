#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
bench/gateway.py - what the HTTP gateway adds to a match over loopback.

Starts Redis and jobmatchd (http_listen on) with the sample data, then
sends the same match N times through the line protocol (one connection)
and through POST /rpc (one kept-alive connection), one request at a time,
alternating, and prints p50 and p99 of each round trip and the
difference. Usage: bench/gateway.py [N] (default 5000); the build in
./build is used (JOBMATCHD, JOBMATCH override).
"""
import json
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(here)
os.environ.setdefault("JOBMATCHD", os.path.join(top, "build", "jobmatchd"))
os.environ.setdefault("JOBMATCH", os.path.join(top, "build", "jobmatch"))
os.environ.setdefault("JM_SOURCE_DIR", top)
sys.path.insert(0, os.path.join(top, "tests", "integration"))

import harness as h                      # noqa: E402
from gwlib import Conn, GatewayEnv       # noqa: E402


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    env = GatewayEnv(extra=["log_level info", "max_request_rate 10000000"])
    try:
        d = env.daemon
        for f in ("employers.jsonl", "jobs.jsonl"):
            r = h.run_jobmatch(["load", os.path.join(h.DATA_DIR, f)],
                               token=h.STAFF, addr=d.addr)
            assert r.returncode == 0, r.stderr
        req = h.request("match", {"profile": {
            "disability": {"type": "visual", "grade": 2},
            "town": h.GUIXI, "skills": ["推拿", "按摩"],
            "needs": ["step_free_access"]}, "limit": 5, "explain": True},
            id=1)
        body = json.dumps(req, ensure_ascii=False).encode()
        line = body + b"\n"
        c = d.client(h.KIOSK)
        hc = Conn(env.http_port)
        hdrs = {"Content-Type": "application/json",
                "Authorization": "Bearer " + h.KIOSK}
        tl, th = [], []
        for i in range(n + 200):
            t0 = time.perf_counter_ns()
            c.send_raw(line)
            c.read_line()
            t1 = time.perf_counter_ns()
            a = hc.request("POST", "/rpc", body, hdrs)
            t2 = time.perf_counter_ns()
            assert a.status == 200
            if i >= 200:                # warm-up
                tl.append((t1 - t0) / 1000)
                th.append((t2 - t1) / 1000)
        c.close()
        hc.close()
        print("match, %d round trips each over loopback (us):" % n)
        print("  line protocol  p50 %7.1f  p99 %7.1f" % (pct(tl, 50),
                                                        pct(tl, 99)))
        print("  POST /rpc      p50 %7.1f  p99 %7.1f" % (pct(th, 50),
                                                        pct(th, 99)))
        print("  HTTP adds      p50 %7.1f  p99 %7.1f" % (
            pct(th, 50) - pct(tl, 50), pct(th, 99) - pct(tl, 99)))
        env.stop()
    finally:
        env.cleanup()


if __name__ == "__main__":
    main()

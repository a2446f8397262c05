#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
bench/failover.py - what a client sees when the Redis primary dies under
Sentinel. A benchmark: it prints figures and never fails on them. See
bench/README.md.

usage: bench/failover.py [BUILD_DIR] [WRITERS]

Twice, with redis_wait_replicas 0 and then 1: starts a primary, two
replicas and three sentinels (down-after-milliseconds 1000) on loopback,
as tests/integration/test_sentinel.py does, and one jobmatchd from
BUILD_DIR (default build/) that finds the primary through the sentinels;
WRITERS connections (default 4) post postings back to back; SIGKILLs the
primary; keeps writing for two seconds after writes resume. Prints the
window without an acknowledged write (kill to the first write
acknowledged after it), the sentinels' failover time (kill to
+switch-master, from a subscription of its own), and how many
acknowledged postings the new primary does not hold.
"""
import os
import sys
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else \
    os.path.join(top, "build")
writers = int(sys.argv[2]) if len(sys.argv) > 2 else 4
os.environ.setdefault("JOBMATCHD", os.path.join(build, "jobmatchd"))
os.environ.setdefault("JOBMATCH", os.path.join(build, "jobmatch"))
os.environ.setdefault("JM_SOURCE_DIR", top)
sys.path.insert(0, os.path.join(top, "tests", "integration"))
import harness as h  # noqa: E402
import test_sentinel as ts  # noqa: E402


class Cleanups:
    """What Topology asks of a test: things to stop, last first."""

    def __init__(self):
        self.fns = []

    def addCleanup(self, fn, *args):
        self.fns.append((fn, args))

    def run(self):
        for fn, args in reversed(self.fns):
            try:
                fn(*args)
            except Exception as e:      # stop the rest all the same
                print("cleanup: %s" % e, file=sys.stderr)


def once(wait):
    c = Cleanups()
    try:
        topo = ts.Topology(c, down_ms=1000)
        d = h.Daemon(None, extra=ts.sentinel_lines(topo.sentinels) + [
            "redis_wait_replicas %d" % wait, "redis_wait_timeout_ms 500",
            "log_level warn"])
        c.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        h.wait_until(lambda: ts.stats_store(d)["loaded"], what="the load")
        with d.client(h.STAFF) as s:
            s.result("employer.put", {"employer": h.EMPLOYER_A})
        watch = ts.SwitchWatch(topo.sentinels[0])
        c.addCleanup(watch.close)
        watch.start()
        ws = [ts.Writer(d, prefix="w%d-" % i, interval=0)
              for i in range(writers)]
        for w in ws:
            c.addCleanup(w.halt.set)
            w.start()
        time.sleep(2.0)
        killed = time.monotonic()
        topo.primary.kill()
        h.wait_until(lambda: watch.switches, timeout=60,
                     what="+switch-master")

        def resumed():
            return [x[2] for w in ws for x in w.done
                    if x[3] and x[1] > killed]
        h.wait_until(resumed, timeout=60, what="a write after the kill")
        time.sleep(2.0)
        for w in ws:
            w.stop()
        switched_at, msg = watch.switches[0]
        new = topo.by_port(int(msg.split()[4]))
        held = ts.postings_on(new)
        acked = [i for w in ws for i in w.acked()]
        sent = sum(len(w.done) for w in ws)
        lost = [i for i in acked if i not in held]
        print("redis_wait_replicas %d: failover (kill -> +switch-master) "
              "%5.0f ms; no acknowledged write for %5.0f ms after the "
              "kill (%+.0f ms after the switch); %d writes sent, %d "
              "acknowledged, %d acknowledged and lost" % (
                  wait, (switched_at - killed) * 1000,
                  (min(resumed()) - killed) * 1000,
                  (min(resumed()) - switched_at) * 1000,
                  sent, len(acked), len(lost)))
        sys.stdout.flush()
        d.stop()
    finally:
        c.run()


def main():
    print("%d writers, back to back, on one jobmatchd; a primary, two "
          "replicas, three sentinels (down-after-milliseconds 1000)"
          % writers)
    for wait in (0, 1):
        once(wait)


if __name__ == "__main__":
    main()

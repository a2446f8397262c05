# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_memory.py - the daemon's memory follows what is open. One posting is
re-posted again and again, each time at a random place on earth and with
50 skills no posting had before; after a warm-up, two equal phases of that
churn are measured by the daemon's resident size (VmRSS in
/proc/PID/status). The second phase may grow it by a few megabytes at
most: a mirror that kept every cell and every skill it ever saw grew by
tens of megabytes a phase, though one posting was open all along.

Under ASan freed memory waits in a quarantine (256 MB by default) before it
is used again, which would look like growth: this daemon gets a small one.
Comparing two equal phases after a warm-up, rather than absolute sizes,
leaves out what the allocator and the sanitizer keep for themselves.
"""
import os
import random
import unittest

import harness as h

GUIXI = "500231001000"
PHASE = 3000            # re-posts a phase
BATCH = 50              # pipelined at a time
GROWTH_MAX_KB = 8 * 1024


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                return int(ln.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def asan_env():
    """ASAN_OPTIONS as given, with a small quarantine (harmless without
    ASan)."""
    opts = [o for o in os.environ.get("ASAN_OPTIONS", "").split(":") if o]
    opts = [o for o in opts if not o.startswith("quarantine_size_mb=")]
    opts.append("quarantine_size_mb=4")
    return {"ASAN_OPTIONS": ":".join(opts)}


class TestMemory(unittest.TestCase):
    def setUp(self):
        self.redis = h.Redis()
        self.daemon = None
        self.redis.start()
        self.daemon = h.Daemon(self.redis.port, extra=["log_level info"],
                               env=asan_env())
        self.daemon.start()
        self.rng = random.Random(20261201)
        self.version = 0

    def tearDown(self):
        try:
            if self.daemon is not None:
                self.daemon.stop()
        finally:
            if self.daemon is not None:
                self.daemon.cleanup()
            self.redis.cleanup()

    def churn(self, c, n):
        """n versions of posting "wander", BATCH at a time."""
        letters = "abcdefghijklmnopqrstuvwxyz"
        for base in range(0, n, BATCH):
            lines = []
            for i in range(BATCH):
                self.version += 1
                tail = "".join(self.rng.choice(letters) for _ in range(20))
                skills = ["%08d-%02d-%s" % (self.version, k, tail) +
                          "x" * 31 for k in range(50)]
                job = h.job("wander", skills=skills,
                            accessible_for=["physical", self.rng.choice(
                                ["visual", "hearing", "intellectual",
                                 "mental"])],
                            location={"lat": self.rng.uniform(-60, 70),
                                      "lon": self.rng.uniform(-180, 180)})
                del job["town"]
                lines.append(h.line(h.request("job.post", {"job": job},
                                              id=base + i)))
            c.send_raw(b"".join(lines))
            for _ in range(BATCH):
                r = c.read_json(timeout=60)
                self.assertIn("result", r, r)

    def test_churn_levels_off(self):
        pid = self.daemon.proc.pid
        with self.daemon.client(h.STAFF) as c:
            c.result("employer.put", {"employer": h.EMPLOYER_A})
            self.churn(c, PHASE)                # warm-up
            r0 = rss_kb(pid)
            self.churn(c, PHASE)
            r1 = rss_kb(pid)
            self.churn(c, PHASE)
            r2 = rss_kb(pid)
            st = c.result("stats")
            self.assertEqual(st["mirror"]["postings"], 1)
            # the last version is the one matched
            m = c.result("match", {"profile": {
                "disability": {"type": "physical", "grade": 3},
                "location": {"lat": 0, "lon": 0},
                "max_distance_km": 20000, "skills": ["x"]}})
            self.assertEqual(m["candidates"], 1)
        print("\nRSS after the warm-up %.1f MB; +%.1f MB over %d re-posts, "
              "then +%.1f MB over %d more" % (
                  r0 / 1024, (r1 - r0) / 1024, PHASE, (r2 - r1) / 1024,
                  PHASE))
        self.assertLess(r2 - r1, GROWTH_MAX_KB,
                        "the daemon grew by %d kB over %d re-posts of one "
                        "posting" % (r2 - r1, PHASE))


if __name__ == "__main__":
    h.main()

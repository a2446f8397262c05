# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_not_ready.py - before its mirror has been loaded once, the daemon
answers what it would read from the mirror with an error (-32004, reason
"loading"), never with an empty success: against a Redis it cannot reach,
and while its first load is held back; later loads answer from the
previous mirror.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness as h
from redis_proxy import RedisProxy

GUIXI = "500231001000"
PROFILE = {"disability": {"type": "physical", "grade": 3}, "town": GUIXI}

# Every method that reads the mirror, with params it would accept.
MIRROR_CALLS = [
    ("match", {"profile": PROFILE}),
    ("match", {"seeker_id": "s1"}),
    ("job.candidates", {"job_id": "j1", "employer_id": "emp-a"}),
    ("employer.quota", {"id": "emp-a"}),
    ("employer.list", {}),
    ("seeker.list", {}),
    ("stats.plan", {}),
    ("rules.explain", {"profile": PROFILE, "job_id": "j1",
                       "employer_id": "emp-a"}),
    ("placement.record", {"seeker_id": "s1", "job_id": "j1",
                          "employer_id": "emp-a", "date": "2026-03-02"}),
]

LOADED = re.compile(r"^info mirror: \d+ open postings$", re.M)


class Base(unittest.TestCase):

    def client(self, d, token):
        c = d.client(token)
        self.addCleanup(c.close)
        return c

    def assert_loading(self, c, method, params, words):
        e = c.error(method, params, h.STORE_UNAVAILABLE)
        self.assertEqual(e.get("data"), {"reason": "loading",
                                         "applied": False}, (method, e))
        self.assertIn(words, e["message"], (method, e))

    def assert_all_loading(self, d, words):
        k, s = self.client(d, h.KIOSK), self.client(d, h.STAFF)
        self.assert_loading(k, "match", {"profile": PROFILE}, words)
        for method, params in MIRROR_CALLS:
            with self.subTest(method=method, params=params):
                self.assert_loading(s, method, params, words)
        # the CLI says why, and fails
        r = h.run_jobmatch(["match", "--type", "physical", "--grade", "3",
                            "--town", GUIXI], token=h.KIOSK, addr=d.addr)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("-32004", r.stderr)
        self.assertIn("(loading)", r.stderr)
        # what needs no mirror is served
        self.assertIs(k.result("ping")["pong"], True)
        self.assertIn("towns", k.result("vocab"))
        self.assertIn("rules", s.result("rules.get"))


class UnreachableTest(Base):
    """A daemon whose Redis does not answer: nothing loaded, ever."""

    def test_answers_loading(self):
        d = h.Daemon(h.free_port())
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        self.assert_all_loading(d, "Redis not reached yet")
        # a write still says the store is down, as before
        s = self.client(d, h.STAFF)
        e = s.error("job.post", {"job": h.job("j1")}, h.STORE_UNAVAILABLE)
        self.assertEqual(e["data"], {"applied": False})
        d.stop()


class HeldLoadTest(Base):
    """Redis is there, but the daemon's first load is held at the proxy:
    the loading error until the load ends, then the postings; a later load
    answers from the mirror it replaces."""

    def start_load(self, d, lines):
        """jobmatch load of lines, as staff, running until it was told
        "loading" at least once."""
        tmp = tempfile.mkdtemp(prefix="jm-notready-")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "reads.jsonl")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        env = dict(os.environ, JOBMATCH_TOKEN=h.STAFF)
        p = h.spawn([h.JOBMATCH, "-a", d.addr, "load", path], env=env,
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True)
        h.wait_until(lambda: self.refused(d, "employer.list"),
                     what="the load to be told \"loading\"")
        return p

    def refused(self, d, method):
        with d.client(h.STAFF) as s:
            return s.result("stats")["requests"]["by_method"][method][
                "errors"] > 0

    def test_until_loaded(self):
        redis = h.Redis()
        self.addCleanup(redis.cleanup)
        redis.start()
        # what the daemon will find in Redis
        d = h.Daemon(redis.port, extra=["redis_timeout_ms 60000"])
        self.addCleanup(d.cleanup)
        d.start()
        s = self.client(d, h.STAFF)
        s.result("employer.put", {"employer": h.EMPLOYER_A})
        for i in range(3):
            s.result("job.post", {"job": h.job("j%d" % i)})
        s.close()
        d.stop()

        px = RedisProxy(redis.port)
        self.addCleanup(px.close)
        px.hold_at("SSCAN", 1)
        d.redis_port = px.port
        d.write_config()
        d.start(wait_loaded=False)
        px.wait_held("SSCAN", 1)
        self.assert_all_loading(d, "loading the mirror from Redis")
        k = self.client(d, h.KIOSK)
        self.assertNotRegex(d.log_text(), LOADED)
        # jobmatch load waits for it, and loses nothing
        load = self.start_load(d, ['{"method": "employer.list"}',
                                   '{"method": "seeker.list"}',
                                   '{"method": "stats.plan"}'])

        px.release()
        d.wait_log(LOADED)
        out, err = load.communicate(timeout=60)
        self.assertEqual(load.returncode, 0, out + err)
        self.assertIn("3 requests, 0 failed", out)
        m = k.result("match", {"profile": PROFILE})
        self.assertEqual(m["candidates"], 3, m)
        staff = self.client(d, h.STAFF)
        self.assertEqual(staff.result("employer.list")["total"], 1)

        # a later load (the link dropped) answers from the mirror in use
        px.hold_at("SSCAN", 1)
        px.drop()
        px.wait_held("SSCAN", 1)
        m = k.result("match", {"profile": PROFILE})
        self.assertEqual(m["candidates"], 3, m)
        self.assertEqual(staff.result("employer.list")["total"], 1)
        px.release()
        d.wait_log(LOADED, count=2)
        d.stop()


if __name__ == "__main__":
    h.main()

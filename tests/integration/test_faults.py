# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_faults.py - Redis failing under the daemon: killed in the middle of a
write load, restarted, replaced by an empty server, stalled (DEBUG SLEEP),
refusing writes (maxmemory). No acknowledged write may be lost, a refused
one must leave nothing behind, and matching goes on from the mirror.

The harness's Redis runs with appendonly yes and appendfsync always (what it
acknowledged is on disk before it answers) and --enable-debug-command local.
"""
import re
import socket
import threading
import unittest

import harness as h

GUIXI = h.GUIXI
PROFILE = {"disability": {"type": "physical", "grade": 3}, "town": GUIXI,
           "skills": ["客服"]}
job = h.job
EMPLOYER = h.EMPLOYER_A


class Base(unittest.TestCase):
    extra = ()

    def setUp(self):
        self.env = h.Env(extra=self.extra)
        self.addCleanup(self.env.stop)
        self.d = self.env.daemon
        self.redis = self.env.redis
        self.staff = self.client(h.STAFF)
        self.kiosk = self.client(h.KIOSK)
        self.staff.result("employer.put", {"employer": EMPLOYER})

    def client(self, token=None):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def matched(self):
        """Every posting the profile matches, page by page."""
        got, offset = set(), 0
        while True:
            r = self.kiosk.result("match", {"profile": PROFILE, "limit": 100,
                                            "offset": offset})
            got |= {x["job"]["id"] for x in r["results"]}
            if len(r["results"]) < 100:
                return got
            offset += 100

    def stored(self):
        """The postings Redis holds (all of them, any status)."""
        return {m.decode().split(":", 1)[1]
                for m in self.redis.cmd("ZRANGE", "jm:jobs:all", 0, -1)}


class KillTest(Base):

    def test_sigkill_during_a_write_load_loses_no_acknowledged_write(self):
        acked, refused, unknown = set(), set(), set()
        stop = threading.Event()
        errors = []

        def writer(n):
            # one connection per writer, pipelined a little: several
            # writes are in flight when Redis dies
            try:
                with self.d.client(h.STAFF) as c:
                    i = 0
                    while not stop.is_set():
                        ids = ["w%d-%d" % (n, i + k) for k in range(4)]
                        i += 4
                        for k, id in enumerate(ids):
                            c.send(h.request("job.post", {"job": job(id)},
                                             id=k))
                        for k, id in enumerate(ids):
                            r = c.read_json(timeout=30)
                            if "result" in r:
                                acked.add(id)
                                continue
                            e = r["error"]
                            if e["code"] != h.STORE_UNAVAILABLE:
                                errors.append(r)
                            elif e["data"]["applied"] is False:
                                refused.add(id)
                            else:
                                unknown.add(id)
            except Exception as e:      # reported by the main thread
                errors.append(repr(e))

        threads = [threading.Thread(target=writer, args=(n,))
                   for n in range(3)]
        for t in threads:
            t.start()
        try:
            h.wait_until(lambda: len(acked) >= 150, timeout=60,
                         what="150 acknowledged writes")
            self.redis.kill()               # SIGKILL, mid-load
            # writes during the outage are refused
            h.wait_until(lambda: len(refused) >= 10, timeout=60,
                         what="writes refused while Redis is down")
            self.redis.start(loading_ok=True)
            n = len(acked)
            h.wait_until(lambda: len(acked) >= n + 50, timeout=60,
                         what="writes acknowledged again after the restart")
        finally:
            stop.set()
            for t in threads:
                t.join(60)
        self.assertEqual(errors, [])
        stored = self.stored()
        lost = acked - stored
        self.assertEqual(lost, set(), "acknowledged but not in Redis")
        # "applied": false means not sent at all
        self.assertEqual(refused & stored, set())
        # and the mirror holds what Redis holds
        got = []
        try:
            h.wait_until(lambda: got.append(self.matched()) or
                         got[-1] == stored, timeout=30,
                         what="the mirror to agree with Redis")
        except AssertionError as e:
            self.fail("%s: only in the mirror %r, only in Redis %r" % (
                e, sorted(got[-1] - stored), sorted(stored - got[-1])))
        self.assertIn("redis: connected", self.d.log_text())


class RestartTest(Base):

    def test_restart_is_noticed_and_reloaded(self):
        for i in range(5):
            self.staff.result("job.post", {"job": job("r-%d" % i)})
        run_id = self.staff.result("stats")["store"]["run_id"]
        self.assertRegex(run_id, r"^[0-9a-f]{40}$")
        self.redis.stop()
        self.redis.start()
        self.d.wait_log("Redis restarted or was replaced")
        h.wait_until(lambda: self.staff.result("stats")["store"]["loaded"],
                     what="the mirror to be loaded again")
        st = self.staff.result("stats")["store"]
        self.assertNotEqual(st["run_id"], run_id)
        self.assertFalse(st["emptied"], st)
        self.assertEqual(self.matched(), {"r-%d" % i for i in range(5)})
        self.assertNotIn("EMPTY", self.d.log_text())

    def test_replaced_by_an_empty_redis(self):
        for i in range(5):
            self.staff.result("job.post", {"job": job("e-%d" % i)})
        self.assertEqual(len(self.matched()), 5)
        self.assertFalse(self.staff.result("stats")["store"]["emptied"])
        # another, empty Redis on the same port
        self.redis.kill()
        fresh = h.Redis()
        self.addCleanup(fresh.cleanup)
        fresh.port = self.redis.port
        fresh.start()
        self.d.wait_log("Redis restarted or was replaced")
        self.d.wait_log("redis: EMPTY")
        st = self.staff.result("stats")["store"]
        self.assertTrue(st["emptied"], st)
        self.assertEqual(self.matched(), set())
        # writing again is how staff say it is deliberate
        self.staff.result("employer.put", {"employer": EMPLOYER})
        self.assertFalse(self.staff.result("stats")["store"]["emptied"])

    def test_flushed_under_the_daemon(self):
        # no reconnect at all: the change stream disappears, the daemon
        # notices, reloads, and warns
        for i in range(3):
            self.staff.result("job.post", {"job": job("f-%d" % i)})
        self.redis.cmd("FLUSHALL")
        self.d.wait_log("the change stream is gone")
        self.d.wait_log("redis: EMPTY")
        h.wait_until(lambda: self.matched() == set(),
                     what="the mirror to be empty like Redis")
        self.assertTrue(self.staff.result("stats")["store"]["emptied"])
        # a dry run writes nothing: it does not say the data is back
        self.redis.cmd("HSET", "jm:employer:emp-a", "doc", "{}")
        self.assertTrue(self.staff.result("job.post", {
            "job": job("dry"), "dry_run": True})["dry_run"])
        self.assertTrue(self.staff.result("stats")["store"]["emptied"])


class WrongTypeTest(Base):

    def test_a_key_of_the_wrong_type_is_skipped(self):
        self.staff.result("job.post", {"job": job("good")})
        self.redis.cmd("ZADD", "jm:employers", 0, "bad")
        self.redis.cmd("SET", "jm:employer:bad", "not a hash")
        self.redis.cmd("SADD", "jm:jobs:open", "bad:1")
        self.redis.cmd("SET", "jm:job:bad:1", "not a hash")
        self.staff.close()
        self.kiosk.close()
        self.d.restart()                # loads, skipping both records
        self.staff = self.client(h.STAFF)
        self.kiosk = self.client(h.KIOSK)
        st = self.staff.result("stats")["store"]
        self.assertEqual(st["loads"], 1, st)
        log = self.d.log_text()
        self.assertEqual(log.count("(skipping that record)"), 2, log)
        self.assertEqual(log.count("redis: connected"), 1)
        self.assertEqual(self.matched(), {"good"})


class InfoDeniedTest(Base):
    """A Redis account that may not run INFO (its ACL leaves out the
    command) still loads, serves and follows the change stream: INFO only
    feeds the log."""

    def test_info_refused(self):
        self.staff.result("job.post", {"job": job("before")})
        self.redis.cmd("ACL", "SETUSER", "default", "-info")
        self.staff.close()
        self.kiosk.close()
        self.d.restart()
        self.staff = self.client(h.STAFF)
        self.kiosk = self.client(h.KIOSK)
        st = self.staff.result("stats")["store"]
        self.assertTrue(st["loaded"], st)
        self.assertEqual(st["loads"], 1, st)
        log = self.d.log_text()
        self.assertEqual(log.count("redis: connected"), 1, log)
        self.assertIn("NOPERM", log)
        self.assertEqual(self.matched(), {"before"})
        # another writer's posting arrives through the change stream
        other = self.d.__class__(self.redis.port)
        self.addCleanup(other.cleanup)
        other.start()
        c = other.client(h.STAFF)
        self.addCleanup(c.close)
        c.result("job.post", {"job": job("through-stream")})
        h.wait_until(lambda: self.matched() == {"before", "through-stream"},
                     what="the other daemon's posting")


class SlowTest(Base):
    extra = ("redis_timeout_ms 300",)

    def test_debug_sleep(self):
        self.staff.result("job.post", {"job": job("before")})
        self.assertEqual(self.matched(), {"before"})
        sleeper = self.redis.connect(timeout=30)
        self.addCleanup(sleeper.close)
        sleeper.sendall(h._resp_encode(("DEBUG", "SLEEP", "3")))
        # wait until Redis is asleep: a PING on another link goes unanswered
        probe = self.redis.connect(timeout=0.2)
        self.addCleanup(probe.close)
        probe.sendall(h._resp_encode(("PING",)))
        with self.assertRaises(socket.timeout):
            probe.recv(64)
        # reads answer from memory while Redis sleeps
        self.assertEqual(self.matched(), {"before"})
        self.assertTrue(self.kiosk.result("ping")["pong"])
        # a write times out: -32004, applied unknown
        e = self.staff.error("job.post", {"job": job("during")},
                             h.STORE_UNAVAILABLE)
        self.assertEqual(e["data"]["applied"], "unknown", e)
        # all of that before Redis woke up: DEBUG SLEEP has not answered
        sleeper.settimeout(0)
        with self.assertRaises(BlockingIOError):
            sleeper.recv(64)
        sleeper.settimeout(30)
        self.assertEqual(h._RespReader(sleeper).read(), "OK")
        # it was applied after all; the mirror follows without a retry
        h.wait_until(lambda: self.matched() == {"before", "during"},
                     what="the late write to reach the mirror")
        self.d.wait_log("reached Redis after all")


class MaxmemoryTest(Base):

    def snapshot(self):
        keys = sorted(k.decode() for k in self.redis.cmd("KEYS", "jm:*"))
        return keys, self.redis.cmd("XLEN", "jm:changes"), \
            self.redis.cmd("ZCARD", "jm:jobs:geo")

    def test_writes_refused_leave_nothing(self):
        self.staff.result("job.post", {"job": job("kept")})
        before = self.snapshot()
        self.redis.cmd("CONFIG", "SET", "maxmemory-policy", "noeviction")
        self.redis.cmd("CONFIG", "SET", "maxmemory", "1")
        try:
            for method, params in [
                    ("job.post", {"job": job("new")}),
                    ("job.post", {"job": job("kept", title="改")}),
                    ("job.close", {"id": "kept", "employer_id": "emp-a"}),
                    ("employer.put", {"employer": dict(EMPLOYER,
                                                       name="改名")}),
                    ("seeker.put", {"seeker": dict(PROFILE, id="s-1")})]:
                e = self.staff.error(method, params, h.STORE_UNAVAILABLE)
                self.assertIs(e["data"]["applied"], False, e)
                self.assertIn("OOM", e["message"], e)
            cur = self.staff.result("rules.get")
            e = self.staff.error("rules.set", {
                "rules": cur["rules"], "expected_version": cur["version"]},
                h.STORE_UNAVAILABLE)
            self.assertIn("OOM", e["message"], e)
            self.assertEqual(self.snapshot(), before)
            # still serving from the mirror
            self.assertEqual(self.matched(), {"kept"})
        finally:
            self.redis.cmd("CONFIG", "SET", "maxmemory", "0")
        self.staff.result("job.post", {"job": job("new")})
        self.assertEqual(self.matched(), {"kept", "new"})


if __name__ == "__main__":
    h.main()

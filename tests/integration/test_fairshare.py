# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_fairshare.py - one client's share of what every client shares: the
daemon's one Redis link and its memory. A kiosk flooding job.list batches
must not stall a staff write (nor make the daemon load its mirror again), a
connection never has more than max_store_inflight store requests in flight,
and a client that asks for pages without reading them holds no more of the
daemon's memory than its limits say, while others are served.
"""
import os
import re
import socket
import sys
import threading
import time
import unittest

import harness as h

GUIXI = h.GUIXI
OTHER = "500231103000"          # a town no posting of these tests is in
MiB = 1024 * 1024


def rss_bytes(d):
    with open("/proc/%d/status" % d.proc.pid) as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                return int(ln.split()[1]) * 1024
    raise AssertionError("no VmRSS for the daemon")


def post_many(staff, n, desc, emps=1, per_line=100):
    """n postings p000000... of employers e00.. (emps of them) in 桂溪街道,
    each with the description desc, through batches of job.post."""
    for e in range(emps):
        staff.result("employer.put", {"employer": {
            "id": "e%02d" % e, "name": "单位%02d" % e, "type": "private",
            "town": GUIXI}})
    for start in range(0, n, per_line):
        batch = [h.request("job.post", {"job": h.job(
            "p%06d" % i, emp="e%02d" % (i % emps), description=desc)}, id=i)
            for i in range(start, min(n, start + per_line))]
        staff.send_raw(h.line(batch))
        r = staff.read_json(timeout=120)
        if not isinstance(r, list) or any("error" in x for x in r):
            raise h.HarnessError("posting failed: %r" % (r,)[:300])


def conn_id(d):
    """The id of the connection that said hello last (its debug log)."""
    return int(re.findall(r"conn (\d+): hello", d.log_text())[-1])


def started(d, cid, method):
    """How many requests of method connection cid has started."""
    return d.log_text().count("conn %d: %s\n" % (cid, method))


def evalsha_usec(redis):
    """Redis's count and total time of EVALSHA (INFO commandstats)."""
    for ln in redis.cmd("INFO", "commandstats").decode().splitlines():
        if ln.startswith("cmdstat_evalsha:"):
            kv = dict(x.split("=") for x in ln.split(":", 1)[1].split(","))
            return int(kv["calls"]), int(kv["usec"])
    return 0, 0


class FloodTest(unittest.TestCase):
    """15,000 postings; a kiosk sends 15 lines, each a batch of 100
    job.list that examine as much as a call may and find nothing, without
    waiting. Each call's Redis time is bounded and the kiosk's share of the
    link too, so a staff write sent meanwhile is answered, and every other
    command with it."""

    N = 15000

    @classmethod
    def setUpClass(cls):
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        # no AOF: posting 15,000 postings is setup, not the test
        cls.redis.start(extra_args=["--appendonly", "no"])
        cls.d = h.Daemon(cls.redis.port)
        cls.addClassCleanup(cls.d.cleanup)
        cls.d.start()
        with cls.d.client(h.STAFF, timeout=120) as s:
            post_many(s, cls.N, "description " * 80, emps=10)

    def client(self, token, timeout=h.DEFAULT_TIMEOUT):
        c = self.d.client(token, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def store(self, staff):
        return staff.result("stats")["store"]

    def test_flood_does_not_stall_a_write(self):
        staff = self.client(h.STAFF, timeout=60)
        params = {"town": OTHER, "status": "closed", "limit": 100}
        kiosk = self.client(h.KIOSK, timeout=120)
        calls, usec = evalsha_usec(self.redis)
        for _ in range(20):
            self.assertEqual(kiosk.result("job.list", params)["jobs"], [])
        calls1, usec1 = evalsha_usec(self.redis)
        print("\njob.list of nothing among %d postings: %d us of Redis "
              "a call" % (self.N, (usec1 - usec) // max(1, calls1 - calls)),
              file=sys.stderr)
        loads = self.store(staff)["loads"]
        cid = conn_id(self.d)
        batch = [h.request("job.list", params, id=i) for i in range(100)]
        kiosk.send_raw(h.line(batch) * 15)
        h.wait_until(lambda: started(self.d, cid, "job.list") > 1,
                     what="the kiosk's job.list to start")
        t0 = time.monotonic()
        r = staff.call("employer.put", {"employer": {
            "id": "e00", "name": "单位00", "type": "private",
            "town": GUIXI}})
        print("staff employer.put behind the flood: %.1f ms"
              % ((time.monotonic() - t0) * 1000), file=sys.stderr)
        self.assertIn("result", r, "a staff write stalled behind a kiosk's "
                      "job.list: %r" % r)
        self.assertEqual(r["result"]["version"], 2)
        # the kiosk gets every answer, in order
        for n in range(15):
            got = kiosk.read_json(timeout=120)
            self.assertEqual([x["id"] for x in got], list(range(100)))
            for x in got:
                self.assertIn("result", x, x)
                self.assertEqual(x["result"]["jobs"], [])
        h.wait_until(lambda: self.store(staff)["pending"] == 0,
                     what="Redis's replies")
        self.assertEqual(self.store(staff)["loads"], loads,
                         "the daemon loaded its mirror again")

    def test_half_close_after_a_flood(self):
        """Lines sent before the client shut its side are all answered,
        even those the daemon had not read when it saw the end."""
        kiosk = self.client(h.KIOSK, timeout=120)
        params = {"town": OTHER, "status": "closed", "limit": 100}
        batch = [h.request("job.list", params, id=i) for i in range(100)]
        kiosk.send_raw(h.line(batch) * 15 +
                       h.line(h.request("ping", id="last")))
        kiosk.sock.shutdown(socket.SHUT_WR)
        for n in range(15):
            got = kiosk.read_json(timeout=120)
            self.assertEqual([x["id"] for x in got], list(range(100)))
        self.assertEqual(kiosk.read_json(timeout=120)["id"], "last")
        self.assertTrue(kiosk.wait_closed(timeout=60))

    def test_store_requests_in_flight_per_connection(self):
        """A connection's store requests in flight never exceed
        max_store_inflight (16): the rest wait, in order, and the
        connection is not read meanwhile."""
        staff = self.client(h.STAFF, timeout=60)
        kiosk = self.client(h.KIOSK, timeout=120)
        params = {"town": OTHER, "status": "closed", "limit": 100}
        batch = [h.request("job.list", params, id=i) for i in range(100)]
        kiosk.send_raw(h.line(batch) * 5)
        most, seen = 0, 0
        while seen < 5:
            most = max(most, self.store(staff)["pending"])
            try:
                got = kiosk.read_json(timeout=0.01)
            except OSError:
                continue
            self.assertEqual([x["id"] for x in got], list(range(100)))
            seen += 1
        self.assertGreater(most, 0)
        self.assertLessEqual(most, 16, "more store requests of one "
                             "connection in flight than max_store_inflight")


class MemoryTest(unittest.TestCase):
    """100 postings with 8,000-character descriptions: a page of 100 would
    be 800 KB. A client sends 3 lines, each a batch of 100 job.list {limit:
    100}, and does not read: what the daemon holds for it stays within
    max_output_bytes plus the answers it reserved room for, while others
    are served; then it reads every answer, in order."""

    MAX_OUTPUT = 1 * MiB
    INFLIGHT = 16                   # max_store_inflight's default
    PAGE = 256 * 1024 + 100 * 128 + 4096    # a job.list's reservation

    @classmethod
    def setUpClass(cls):
        # ASan keeps freed memory in quarantine (256 MB by default), which
        # would count every page ever built: keep it small here.
        asan = os.environ.get("ASAN_OPTIONS", "")
        cls.env = h.Env(extra=["max_output_bytes 1M",
                               # every page is answered, however slowly
                               "redis_timeout_ms 60000"])
        cls.addClassCleanup(cls.env.cleanup)
        cls.d = cls.env.daemon
        cls.d.env = {"ASAN_OPTIONS": (asan + ":" if asan else "") +
                     "quarantine_size_mb=16"}
        cls.d.restart()
        with cls.d.client(h.STAFF, timeout=120) as s:
            post_many(s, 100, ("description " * 700)[:8000], per_line=10)

    def client(self, token, timeout=h.DEFAULT_TIMEOUT):
        c = self.d.client(token, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def flood(self, c):
        """Sends the 3 lines of c without reading; returns when the daemon
        took in all it will (the count of started job.list and of Redis
        commands in flight no longer move)."""
        cid = conn_id(self.d)
        batch = [h.request("job.list", {"limit": 100}, id=i)
                 for i in range(100)]
        threading.Thread(target=c.sock.sendall, args=(h.line(batch) * 3,),
                         daemon=True).start()
        staff = self.client(h.STAFF)
        h.wait_until(lambda: started(self.d, cid, "job.list") > 0,
                     what="the job.list to start")
        last = None
        while True:
            time.sleep(1.0)
            now = (started(self.d, cid, "job.list"),
                   staff.result("stats")["store"]["pending"])
            if now == last and now[1] == 0:
                return now[0]
            last = now

    def test_client_that_does_not_read(self):
        before = rss_bytes(self.d)
        c = self.client(h.KIOSK, timeout=120)
        n = self.flood(c)
        grown = rss_bytes(self.d) - before
        owed = self.MAX_OUTPUT + self.INFLIGHT * self.PAGE
        bound = 4 * owed + 32 * MiB
        print("\n%d of 300 pages started; RSS %+.1f MiB (bound %.1f MiB)"
              % (n, grown / MiB, bound / MiB), file=sys.stderr)
        self.assertLess(grown, bound, "the daemon holds %.0f MiB for a "
                        "client that does not read" % (grown / MiB))
        self.assertLess(n, 300, "every page was started for a client that "
                        "does not read")
        # others are served meanwhile
        k = self.client(h.KIOSK)
        self.assertIs(k.result("ping")["pong"], True)
        page = k.result("job.list", {"limit": 100})
        self.assertLess(len(page["jobs"]), 100)
        self.assertIsNotNone(page["next_cursor"])
        # now it reads: every answer, in order
        for _ in range(3):
            got = c.read_json(timeout=120)
            self.assertEqual([x["id"] for x in got], list(range(100)))
            for x in got:
                self.assertEqual(x["result"]["jobs"][0]["id"], "p000000")
        self.assertIs(k.result("ping")["pong"], True)

    def test_client_that_goes_away(self):
        staff = self.client(h.STAFF)
        c = self.d.client(h.KIOSK, timeout=120)
        try:
            self.flood(c)
            others = staff.result("stats")["connections"] - 1
        finally:
            c.close()
        h.wait_until(lambda: staff.result("stats")["connections"] == others,
                     what="the connection to close")
        self.assertEqual(staff.result("stats")["store"]["pending"], 0)
        k = self.client(h.KIOSK)
        self.assertIs(k.result("ping")["pong"], True)
        self.assertEqual(len(k.result("job.list", {"limit": 1})["jobs"]), 1)


if __name__ == "__main__":
    h.main()

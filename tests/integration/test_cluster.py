# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_cluster.py - several daemons on one Redis: each follows the change
stream, so a write through any of them (posting, close, employer, seeker,
rule set) reaches the others' mirrors, and a daemon that fell behind the
stream's trimmed history loads its mirror again instead of missing changes.
"""
import signal
import unittest

import harness as h
from redis_proxy import RedisProxy

GUIXI = "500231001000"
TOWNS = ["500231001000", "500231002000", "500231101000", "500231102000"]
PROFILES = [
    {"disability": {"type": "physical", "grade": 3}, "town": GUIXI,
     "skills": ["客服"], "max_distance_km": 200},
    {"disability": {"type": "hearing", "grade": 2}, "town": TOWNS[1],
     "skills": ["数据录入", "客服"], "max_distance_km": 200},
    {"disability": {"type": "visual", "grade": 1}, "town": TOWNS[2],
     "skills": ["按摩"], "max_distance_km": 200},
]


def job(id, emp, n=0, **kw):
    j = {"id": id, "employer_id": emp, "title": "岗位 " + id,
         "skills": [["客服", "数据录入", "按摩"][n % 3]],
         "accessible_for": [["physical", "hearing", "visual"][n % 3],
                            "physical"],
         "employment_type": "full_time", "town": TOWNS[n % len(TOWNS)]}
    j.update(kw)
    return j


def employer(id, type="private"):
    return {"id": id, "name": "单位 " + id, "type": type, "town": GUIXI}


def view(kiosk, profile):
    """What a match shows, without what may differ between daemons."""
    r = kiosk.result("match", {"profile": profile, "limit": 100})
    return [(x["job"]["employer_id"], x["job"]["id"], x["job"]["title"],
             x["job"].get("version"), round(x["score"], 9))
            for x in r["results"]]


class TwoDaemons(unittest.TestCase):

    def setUp(self):
        self.redis = h.Redis()
        self.addCleanup(self.redis.cleanup)
        self.redis.start()
        # stream_maxlen at its least, so that trimming is easy to cause
        self.a = h.Daemon(self.redis.port, extra=["stream_maxlen 100"])
        self.addCleanup(self.a.cleanup)
        self.a.start()
        self.b = h.Daemon(self.redis.port)
        self.addCleanup(self.b.cleanup)
        self.b.start()
        self.sa = self.client(self.a, h.STAFF)
        self.sb = self.client(self.b, h.STAFF)
        self.ka = self.client(self.a, h.KIOSK)
        self.kb = self.client(self.b, h.KIOSK)

    def client(self, d, token):
        c = d.client(token)
        self.addCleanup(c.close)
        return c

    def same_everywhere(self, what="both daemons to match alike"):
        """Waits until A and B answer every profile alike; returns A's."""
        got = {}

        def alike():
            got["a"] = [view(self.ka, p) for p in PROFILES]
            got["b"] = [view(self.kb, p) for p in PROFILES]
            return got["a"] == got["b"]
        try:
            h.wait_until(alike, timeout=20, what=what)
        except AssertionError as e:
            self.fail("%s\nA: %r\nB: %r" % (e, got["a"], got["b"]))
        return got["a"]

    def test_writes_through_both_daemons(self):
        self.sa.result("employer.put", {"employer": employer("emp-a")})
        self.sb.result("employer.put", {"employer": employer("emp-b",
                                                             "soe")})
        for i in range(12):
            self.sa.result("job.post", {"job": job("a-%d" % i, "emp-a", i)})
            self.sb.result("job.post", {"job": job("b-%d" % i, "emp-b", i)})
        # updates and closes of the other daemon's postings
        self.sb.result("job.post", {"job": job("a-0", "emp-a", 0,
                                               title="改过的 a-0")})
        self.sa.result("job.close", {"id": "b-1", "employer_id": "emp-b"})
        self.sb.result("job.close", {"id": "a-2", "employer_id": "emp-a"})
        # closed, then posted again through the other daemon
        self.sa.result("job.close", {"id": "b-3", "employer_id": "emp-b"})
        self.sb.result("job.post", {"job": job("b-3", "emp-b", 3)})
        res = self.same_everywhere()
        ids = {(e, i) for r in res for (e, i, *_rest) in r}
        self.assertIn(("emp-a", "a-0"), ids)
        self.assertNotIn(("emp-b", "b-1"), ids)
        self.assertNotIn(("emp-a", "a-2"), ids)
        self.assertIn(("emp-b", "b-3"), ids)
        titles = {i: t for r in res for (e, i, t, *_rest) in r}
        self.assertEqual(titles["a-0"], "改过的 a-0")
        # and a third daemon started now loads the same
        c = h.Daemon(self.redis.port)
        self.addCleanup(c.cleanup)
        c.start()
        kc = self.client(c, h.KIOSK)
        self.assertEqual([view(kc, p) for p in PROFILES], res)

    def test_employer_change_reaches_the_other(self):
        # the employer's type is part of a posting's score (rules on
        # employer.type); an update through B must reach A's mirror
        self.sa.result("employer.put", {"employer": employer("emp-a")})
        self.sa.result("job.post", {"job": job("e-1", "emp-a")})
        self.same_everywhere()
        self.sb.result("employer.put", {"employer": dict(
            employer("emp-a", "sheltered_workshop"), name="改名单位")})
        h.wait_until(lambda: any(
            x["job"]["id"] == "e-1" and
            x["job"].get("employer_name") == "改名单位"
            for x in self.ka.result("match", {"profile": PROFILES[0],
                                              "limit": 100})["results"]),
            what="A to see the employer's new name")
        self.same_everywhere()

    def test_seekers_and_rules_reach_the_other(self):
        self.sa.result("employer.put", {"employer": employer("emp-a")})
        self.sa.result("job.post", {"job": job("s-1", "emp-a")})
        seeker = dict(PROFILES[0], id="900001")
        self.sa.result("seeker.put", {"seeker": seeker})
        h.wait_until(lambda: "result" in self.sb.call(
            "match", {"seeker_id": "900001"}),
            what="B to know the seeker written through A")
        self.sb.result("seeker.delete", {"id": "900001"})
        h.wait_until(lambda: self.sa.call(
            "match", {"seeker_id": "900001"}).get("error", {}).get(
                "code") == h.NOT_FOUND,
            what="A to forget the seeker deleted through B")
        # a rule set stored through B is in use on A
        cur = self.sa.result("rules.get")
        doc = cur["rules"]
        doc["weights"] = dict(doc.get("weights", {}), skills=0.9)
        v = self.sb.result("rules.set", {"rules": doc,
                                         "expected_version": cur["version"]})
        h.wait_until(lambda: self.ka.result("match", {
            "profile": PROFILES[0]})["rules_version"] == v["version"],
            what="A to use the rule set stored through B")

    def test_a_stalled_daemon_reloads_after_trimming(self):
        # B stops (SIGSTOP) while A writes far more than the stream keeps:
        # when B runs again the entries after its position are gone, and it
        # must load its mirror again rather than miss them.
        self.redis.cmd("CONFIG", "SET", "stream-node-max-entries", "10")
        self.sa.result("employer.put", {"employer": employer("emp-a")})
        for i in range(5):
            self.sa.result("job.post", {"job": job("t-%d" % i, "emp-a", i)})
        self.same_everywhere()
        self.b.proc.send_signal(signal.SIGSTOP)
        try:
            for i in range(5, 400):
                self.sa.result("job.post",
                               {"job": job("t-%d" % i, "emp-a", i)})
            for i in range(0, 400, 7):
                self.sa.result("job.close", {"id": "t-%d" % i,
                                             "employer_id": "emp-a"})
        finally:
            self.b.proc.send_signal(signal.SIGCONT)
        self.assertLess(self.redis.cmd("XLEN", "jm:changes"), 400)
        self.b.wait_log("gone from the stream (trimmed")
        res = self.same_everywhere()
        ids = {i for r in res for (_, i, *_rest) in r}
        self.assertIn("t-398", ids)
        self.assertNotIn("t-399", ids)
        self.assertNotIn("t-7", ids)

    def test_trimmed_to_nothing(self):
        # XTRIM MAXLEN 0 leaves a stream whose first entry reads 0-0: the
        # entries B had not read are gone all the same
        self.sa.result("employer.put", {"employer": employer("emp-a")})
        self.sa.result("job.post", {"job": job("z-1", "emp-a")})
        self.same_everywhere()
        self.b.proc.send_signal(signal.SIGSTOP)
        try:
            self.sa.result("job.post", {"job": job("z-2", "emp-a")})
            self.sa.result("job.close", {"id": "z-1",
                                         "employer_id": "emp-a"})
            self.assertGreater(self.redis.cmd("XTRIM", "jm:changes",
                                              "MAXLEN", "0"), 0)
        finally:
            self.b.proc.send_signal(signal.SIGCONT)
        self.b.wait_log("gone from the stream")
        res = self.same_everywhere()
        self.assertEqual({i for (_, i, *_r) in res[0]}, {"z-2"})

    def test_reload_with_a_reply_in_flight(self):
        # A's reload must not keep what a reply of a command Redis ran
        # before the reload's position says. A proxy holds A's replies to
        # put the events in this order: A's edit of X runs in Redis (its
        # reply held), B closes X, an entry disappears from the stream
        # (XDEL), A's tail notices and A starts a reload whose position
        # comes after the held reply. X is closed in Redis: A must not
        # match it.
        px = RedisProxy(self.redis.port)
        self.addCleanup(px.close)
        c = h.Daemon(self.redis.port, extra=["redis_timeout_ms 20000"])
        self.addCleanup(c.cleanup)
        c.redis_port = px.port
        c.write_config()
        c.start()
        kc = self.client(c, h.KIOSK)
        self.sb.result("employer.put", {"employer": employer("emp-a")})
        self.sb.result("job.post", {"job": job("X", "emp-a")})

        def ids(k):
            return {x["job"]["id"] for x in k.result("match", {
                "profile": PROFILES[0], "limit": 100})["results"]}
        h.wait_until(lambda: ids(kc) == {"X"}, what="C to see X")
        sc = self.client(c, h.STAFF)
        px.hold_replies()
        sc.send(h.request("job.post", {"job": job("X", "emp-a",
                                                  title="C 改的")}, id=7))
        h.wait_until(lambda: self.redis.cmd(
            "HGET", "jm:job:emp-a:X", "version") == b"2",
            what="C's edit to run in Redis")
        self.sb.result("job.close", {"id": "X", "employer_id": "emp-a"})
        last = self.redis.cmd("XREVRANGE", "jm:changes", "+", "-",
                              "COUNT", "1")[0][0]
        self.assertEqual(self.redis.cmd("XDEL", "jm:changes", last), 1)
        px.release_replies("tail")
        c.wait_log("gone from the stream")
        px.release_replies("main")
        self.assertEqual(sc.read_json()["result"]["version"], 2)
        c.wait_log("redis: mirror loaded", count=2)
        self.assertEqual(self.redis.cmd("HGET", "jm:job:emp-a:X",
                                        "status"), b"closed")
        h.wait_until(lambda: ids(kc) == set() and ids(self.kb) == set(),
                     what="no daemon to match the closed X")

    def test_change_read_as_the_link_goes(self):
        # C reads B's change (HMGET on its main link) and the link goes
        # with the read in flight: the read is answered "unknown", and the
        # next link loads the mirror anyway; no load is started on the
        # link that is going. A proxy holds C's HMGET, then drops C's
        # links.
        px = RedisProxy(self.redis.port)
        self.addCleanup(px.close)
        c = h.Daemon(self.redis.port)
        self.addCleanup(c.cleanup)
        c.redis_port = px.port
        c.write_config()
        c.start()
        kc = self.client(c, h.KIOSK)
        self.sb.result("employer.put", {"employer": employer("emp-a")})
        px.hold_at("HMGET", 1)
        self.sb.result("job.post", {"job": job("Y", "emp-a")})
        px.wait_held("HMGET", 1)
        px.drop()
        px.release()
        c.wait_log("redis: mirror loaded", count=2)
        h.wait_until(lambda: {x["job"]["id"] for x in kc.result("match", {
            "profile": PROFILES[0], "limit": 100})["results"]} == {"Y"},
            what="C to see Y after its new link's load")
        log = c.log_text()
        self.assertIn("a changed record could not be read as the link "
                      "went; the next link loads the mirror", log)
        self.assertNotIn("loading the mirror again", log)

    def test_same_rules_document_adopted(self):
        # B started with the rules file A had already stored as version 1:
        # it takes the number, without evaluating every posting again
        h.wait_until(lambda: "(the same document)" in self.b.log_text(),
                     what="B to adopt the stored version of its rules file")
        self.assertEqual(self.kb.result("match", {
            "profile": PROFILES[0]})["rules_version"], 1)

    def test_stream_reports_in_stats(self):
        self.sa.result("employer.put", {"employer": employer("emp-a")})
        self.sa.result("job.post", {"job": job("x-1", "emp-a")})
        last = self.redis.cmd("XREVRANGE", "jm:changes", "+", "-",
                              "COUNT", "1")[0][0].decode()
        h.wait_until(lambda: self.sb.result("stats")["store"].get(
            "stream_id") == last, what="B's stream position to reach %s"
            % last)
        st = self.sb.result("stats")["store"]
        self.assertTrue(st["following"], st)
        self.assertEqual(st["stream_lag"], 0, st)
        self.assertGreaterEqual(st["changes"], 2, st)


class ReusePortTest(unittest.TestCase):
    """Two daemons with reuseport yes on one port: both start, the kernel
    spreads connections between them, and a write through one is matched
    through the other."""

    def test_two_daemons_one_port(self):
        redis = h.Redis()
        self.addCleanup(redis.cleanup)
        redis.start()
        a = h.Daemon(redis.port, extra=["reuseport yes"])
        self.addCleanup(a.cleanup)
        a.start()
        b = h.Daemon(redis.port, extra=["reuseport yes"])
        self.addCleanup(b.cleanup)
        b.port = a.port
        b.write_config()
        b.start()
        self.assertEqual(a.port, b.port)
        with h.Client(a.port) as c:
            c.hello(h.STAFF)
            c.result("employer.put", {"employer": employer("emp-a")})
            c.result("job.post", {"job": job("rp-1", "emp-a")})
        served = set()
        for _ in range(40):
            with h.Client(a.port) as c:
                c.hello(h.KIOSK)
                r = h.wait_until(lambda: c.result("match", {
                    "profile": PROFILES[0]})["results"],
                    what="the posting on whichever daemon answers")
                self.assertEqual(r[0]["job"]["id"], "rp-1")
        for d in (a, b):
            if "conn 2" in d.log_text() or "conn 3" in d.log_text():
                served.add(d.log)
        self.assertEqual(len(served), 2, "one daemon took every connection")


if __name__ == "__main__":
    h.main()

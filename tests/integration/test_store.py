# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_store.py - Redis as the system of record: the mirror reloads after a
restart, the daemon keeps matching while Redis is gone, reconnects on its
own, and never claims a write it did not make.
"""
import re
import unittest

import harness as h

GUIXI = h.GUIXI
PROFILE = {"disability": {"type": "physical", "grade": 3}, "town": GUIXI,
           "skills": ["客服"]}
job = h.job


def in_redis(redis, id, emp="emp-a"):
    return redis.cmd("EXISTS", "jm:job:%s:%s" % (emp, id)) == 1


class StoreTest(unittest.TestCase):

    def setUp(self):
        self.env = h.Env()
        self.addCleanup(self.env.stop)
        self.d = self.env.daemon
        self.redis = self.env.redis
        self.staff = self.client(h.STAFF)
        self.kiosk = self.client(h.KIOSK)
        self.staff.result("employer.put", {"employer": {
            "id": "emp-a", "name": "甲单位", "type": "soe", "town": GUIXI}})

    def client(self, token=None):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def matched(self, profile=PROFILE):
        r = self.kiosk.result("match", {"profile": profile, "limit": 100})
        return {(x["job"]["employer_id"], x["job"]["id"]): x
                for x in r["results"]}

    def loaded_matched(self):
        """matched(), or None while the daemon answers that it has not
        loaded its mirror yet."""
        r = self.kiosk.call("match", {"profile": PROFILE, "limit": 100})
        if r.get("error", {}).get("data", {}).get("reason") == "loading":
            return None
        return self.matched()

    def in_redis(self, id, emp="emp-a"):
        return in_redis(self.redis, id, emp)

    def post_until_down(self):
        """Posts probes until the daemon answers -32004 (it noticed)."""
        n = [0]

        def probe():
            n[0] += 1
            r = self.staff.call("job.post", {"job": job("probe-%d" % n[0])})
            if "error" in r:
                self.assertEqual(r["error"]["code"], h.STORE_UNAVAILABLE, r)
                return True
            return False
        h.wait_until(probe, timeout=30, what="job.post to fail with -32004")

    # ---- tests ------------------------------------------------------------

    def test_postings_survive_a_daemon_restart(self):
        for i in range(3):
            self.staff.result("job.post", {"job": job("r-%d" % i)})
        self.staff.result("job.post", {"job": job("r-v", title="旧标题")})
        self.staff.result("job.post", {"job": job("r-v", title="新标题")})
        self.staff.result("job.close", {"id": "r-2", "employer_id": "emp-a"})
        self.staff.close()
        self.kiosk.close()

        self.d.restart()
        self.assertIn("mirror: 3 open postings", self.d.log_text(),
                      self.d.log_tail())
        self.staff = self.client(h.STAFF)
        self.kiosk = self.client(h.KIOSK)
        m = self.matched()
        self.assertEqual({k for k in m if k[1].startswith("r-")},
                         {("emp-a", "r-0"), ("emp-a", "r-1"),
                          ("emp-a", "r-v")})
        self.assertEqual(m[("emp-a", "r-0")]["job"]["employer_name"],
                         "甲单位", "employers are loaded into the mirror")
        self.assertEqual(m[("emp-a", "r-v")]["job"]["title"], "新标题")
        g = self.staff.result("job.get", {"id": "r-v",
                                          "employer_id": "emp-a"})
        self.assertEqual((g["version"], g["title"]), (2, "新标题"))
        g = self.staff.result("job.get", {"id": "r-2",
                                          "employer_id": "emp-a"})
        self.assertEqual(g["status"], "closed")
        # employer filter of match needs the employer's type, loaded too
        r = self.kiosk.result("match", {"profile": PROFILE, "limit": 100,
                                        "filters": {"employer_types":
                                                    ["soe"]}})
        self.assertEqual(len(r["results"]), 3, r)

    def test_restart_loads_many(self):
        # more than one load batch (500) of employers and of postings
        def batches(reqs):
            for i in range(0, len(reqs), 100):
                self.staff.send_raw(h.line(reqs[i:i + 100]))
                r = self.staff.read_json()
                bad = [x for x in r if "error" in x]
                self.assertEqual(bad, [], bad[:3])
        batches([h.request("employer.put", {"employer": {
            "id": "e%04d" % i, "name": "单位%04d" % i,
            "type": "private", "town": GUIXI}}, id=i) for i in range(600)])
        batches([h.request("job.post", {"job": job(
            "m%04d" % i, emp="e%04d" % (i % 600))}, id=i)
            for i in range(1200)])
        batches([h.request("job.close", {"id": "m%04d" % i,
                                         "employer_id": "e%04d" % (i % 600)},
                           id=i) for i in range(0, 1200, 3)])
        self.staff.close()
        self.kiosk.close()
        self.d.restart()
        self.assertIn("mirror: 800 open postings", self.d.log_text(),
                      self.d.log_tail())
        self.staff = self.client(h.STAFF)
        self.kiosk = self.client(h.KIOSK)
        seen, offset = {}, 0
        while True:
            r = self.kiosk.result("match", {"profile": PROFILE, "limit": 100,
                                            "offset": offset})
            for x in r["results"]:
                seen[(x["job"]["employer_id"], x["job"]["id"])] = \
                    x["job"]["employer_name"]
            offset += 100
            if offset >= r["candidates"]:
                break
        self.assertEqual(len(seen), 800)
        for (emp, id), name in seen.items():
            self.assertNotEqual(int(id[1:]) % 3, 0, "closed %s matched" % id)
            self.assertEqual(name, "单位" + emp[1:])
        # job.list pages through more than it examines per call
        listed, cursor, calls = [], None, 0
        while True:
            p = {"status": "closed", "limit": 100}
            if cursor:
                p["cursor"] = cursor
            r = self.staff.result("job.list", p)
            listed += [(j["employer_id"], j["id"]) for j in r["jobs"]]
            calls += 1
            cursor = r["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(len(listed), 400)
        self.assertEqual(len(set(listed)), 400)

    def test_redis_down_then_back(self):
        for id in ("before-1", "before-2"):
            self.staff.result("job.post", {"job": job(id)})
        self.redis.kill()
        self.post_until_down()

        e = self.staff.error("job.post", {"job": job("while-down")},
                             h.STORE_UNAVAILABLE)
        self.assertIs(e.get("data", {}).get("applied"), False, e)
        e = self.staff.error("job.close", {"id": "before-1",
                                           "employer_id": "emp-a"},
                             h.STORE_UNAVAILABLE)
        self.assertIs(e.get("data", {}).get("applied"), False, e)
        e = self.staff.error("employer.put", {"employer": {
            "id": "emp-z", "name": "z", "type": "private", "town": GUIXI}},
            h.STORE_UNAVAILABLE)
        self.assertIs(e.get("data", {}).get("applied"), False, e)
        self.staff.error("job.get", {"id": "before-1",
                                     "employer_id": "emp-a"},
                         h.STORE_UNAVAILABLE)
        self.staff.error("job.list", {}, h.STORE_UNAVAILABLE)

        # matching goes on from memory, with what was acknowledged
        m = self.matched()
        self.assertIn(("emp-a", "before-1"), m)
        self.assertIn(("emp-a", "before-2"), m)
        self.assertNotIn(("emp-a", "while-down"), m)
        self.assertIs(self.kiosk.result("ping")["pong"], True)

        self.redis.start()
        h.wait_until(lambda: "result" in self.staff.call(
            "job.post", {"job": job("after")}), timeout=60,
            what="the daemon to reconnect to Redis")
        self.d.wait_log(re.compile(r"^info mirror: \d+ open postings$", re.M),
                        count=2)

        for id in ("before-1", "before-2", "after"):
            self.assertTrue(self.in_redis(id), id)
            g = self.staff.result("job.get", {"id": id,
                                              "employer_id": "emp-a"})
            self.assertEqual(g["status"], "open", g)
        self.assertFalse(self.in_redis("while-down"))
        self.staff.error("job.get", {"id": "while-down",
                                     "employer_id": "emp-a"}, h.NOT_FOUND)
        self.assertEqual(self.redis.cmd("EXISTS", "jm:employer:emp-z"), 0)
        m = self.matched()
        for id in ("before-1", "before-2", "after"):
            self.assertIn(("emp-a", id), m)
        self.assertNotIn(("emp-a", "while-down"), m)
        # and writes go on normally
        self.staff.result("job.close", {"id": "before-1",
                                        "employer_id": "emp-a"})
        self.assertNotIn(("emp-a", "before-1"), self.matched())

    def test_redis_still_loading_when_the_daemon_connects(self):
        # Redis answers -LOADING while it reads its data: the daemon must
        # not take that link for ready; once Redis is done, it loads.
        reqs = [h.request("job.post", {"job": job("ld-%03d" % i)}, id=i)
                for i in range(300)]
        for i in range(0, 300, 100):
            self.staff.send_raw(h.line(reqs[i:i + 100]))
            self.assertFalse([x for x in self.staff.read_json()
                              if "error" in x])
        # the data in the AOF's RDB base, so that a slow load still
        # answers clients between keys
        self.redis.cmd("BGREWRITEAOF")

        def rewritten():
            info = self.redis.cmd("INFO", "persistence").decode()
            return ("aof_rewrite_in_progress:0" in info and
                    "aof_rewrite_scheduled:0" in info and info)
        info = h.wait_until(rewritten, what="the AOF rewrite")
        self.assertIn("aof_last_bgrewrite_status:ok", info)
        self.staff.close()
        self.kiosk.close()
        self.d.stop()
        self.redis.stop()
        self.redis.start(loading_ok=True, extra_args=[
            "--key-load-delay", "50000",
            "--loading-process-events-interval-bytes", "1024"])
        self.d.start(wait_loaded=False)
        self.d.wait_log("redis: LOADING")
        self.redis.cmd("CONFIG", "SET", "key-load-delay", "0")
        self.kiosk = self.client(h.KIOSK)
        h.wait_until(lambda: len(self.loaded_matched() or ()) == 100,
                     timeout=60,
                     what="the mirror to load once Redis has loaded")
        r = self.kiosk.result("match", {"profile": PROFILE, "limit": 1})
        self.assertEqual(r["candidates"], 300)

    def test_stop_while_redis_down(self):
        self.staff.result("job.post", {"job": job("x")})
        self.redis.kill()
        self.post_until_down()
        # reconnect timer pending, clients connected: still a clean exit
        self.d.stop()

    def test_daemon_starts_without_redis(self):
        self.staff.result("job.post", {"job": job("early")})
        self.staff.close()
        self.kiosk.close()
        self.d.stop()
        self.redis.stop()
        self.d.start(wait_loaded=False)
        self.staff = self.client(h.STAFF)
        self.kiosk = self.client(h.KIOSK)
        # not loaded: the daemon answers that it is not ready, not that
        # nothing fits
        e = self.kiosk.error("match", {"profile": PROFILE},
                             h.STORE_UNAVAILABLE)
        self.assertEqual(e["data"], {"reason": "loading", "applied": False})
        self.post_until_down()
        e = self.staff.error("job.post", {"job": job("nope")},
                             h.STORE_UNAVAILABLE)
        self.assertIs(e["data"]["applied"], False, e)
        self.redis.start()
        h.wait_until(lambda: ("emp-a", "early") in
                     (self.loaded_matched() or ()),
                     timeout=60, what="the mirror to load once Redis is up")
        self.assertFalse(self.in_redis("nope"))
        self.staff.result("job.post", {"job": job("late")})
        self.assertIn(("emp-a", "late"), self.matched())


class StallTest(unittest.TestCase):
    """Redis alive but not answering (CLIENT PAUSE)."""

    def setUp(self):
        self.env = h.Env(extra=["redis_timeout_ms 300"])
        self.addCleanup(self.env.stop)
        self.d = self.env.daemon
        self.redis = self.env.redis
        self.staff = self.d.client(h.STAFF)
        self.addCleanup(self.staff.close)
        self.staff.result("employer.put", {"employer": {
            "id": "emp-a", "name": "甲单位", "type": "soe", "town": GUIXI}})

    def in_redis(self, id, emp="emp-a"):
        return in_redis(self.redis, id, emp)

    def test_unconfirmed_write_is_unknown(self):
        self.assertEqual(self.redis.cmd("CLIENT", "PAUSE", "3000", "ALL"),
                         "OK")
        e = self.staff.error("job.post", {"job": job("slow")},
                             h.STORE_UNAVAILABLE)
        self.assertEqual(e.get("data", {}).get("applied"), "unknown", e)
        # Redis applies it when the pause ends: "unknown" was right, and a
        # retry is a harmless upsert
        h.wait_until(lambda: "result" in self.staff.call(
            "job.get", {"id": "slow", "employer_id": "emp-a"}), timeout=30,
            what="the paused write to be applied")
        r = self.staff.result("job.post", {"job": job("slow")})
        self.assertEqual(r["version"], 2)
        self.assertFalse(r["created"])

    def test_mirror_follows_unconfirmed_writes(self):
        # A close and a post that time out ("unknown") but that Redis
        # applies later: the matcher must end up agreeing with Redis (a
        # closed post is never matched), without a client retry.
        kiosk = self.d.client(h.KIOSK)
        self.addCleanup(kiosk.close)

        def matched():
            r = kiosk.result("match", {"profile": PROFILE, "limit": 100})
            return {x["job"]["id"] for x in r["results"]}
        self.staff.result("job.post", {"job": job("to-close")})
        self.assertIn("to-close", matched())
        self.assertEqual(self.redis.cmd("CLIENT", "PAUSE", "3000", "ALL"),
                         "OK")
        self.staff.send_raw(
            h.line(h.request("job.close", {"id": "to-close",
                                           "employer_id": "emp-a"}, id=1)) +
            h.line(h.request("job.post", {"job": job("late-post")}, id=2)))
        for id in (1, 2):
            r = self.staff.read_json()
            self.assertEqual(r["id"], id)
            self.assertEqual(r.get("error", {}).get("code"),
                             h.STORE_UNAVAILABLE, r)
            self.assertEqual(r["error"]["data"]["applied"], "unknown", r)
        h.wait_until(lambda: self.staff.call("job.get", {
            "id": "to-close", "employer_id": "emp-a"}).get(
                "result", {}).get("status") == "closed",
            what="Redis to apply the paused close")
        self.assertTrue(self.in_redis("late-post"))
        got = []
        try:
            h.wait_until(lambda: got.append(matched()) or
                         got[-1] == {"late-post"}, timeout=30,
                         what="the mirror to agree with Redis")
        except AssertionError as e:
            self.fail("%s: matched %r, Redis holds late-post open and "
                      "to-close closed" % (e, got[-1]))

    def test_writes_after_script_flush(self):
        # The scripts run by EVALSHA: a Redis that forgot them (SCRIPT
        # FLUSH, or a restart the daemon has not noticed yet) answers
        # NOSCRIPT, and every write must still apply, once, in order.
        self.staff.result("job.post", {"job": job("sf-1")})
        changes = self.redis.cmd("XLEN", "jm:changes")
        self.redis.cmd("SCRIPT", "FLUSH")
        n = 8
        self.staff.send_raw(b"".join(
            h.line(h.request("job.post", {"job": job("sf-%d" % (i % 2))},
                             id=i)) for i in range(n)))
        r = [self.staff.read_json() for _ in range(n)]
        self.assertEqual([x["id"] for x in r], list(range(n)))
        # sf-1 was at version 1: its four posts make 2..5; sf-0 1..4
        self.assertEqual([x["result"]["version"] for x in r],
                         [1, 2, 2, 3, 3, 4, 4, 5], r)
        self.redis.cmd("SCRIPT", "FLUSH")
        self.assertEqual(self.staff.result("job.close", {
            "id": "sf-0", "employer_id": "emp-a"})["version"], 5)
        self.redis.cmd("SCRIPT", "FLUSH")
        self.staff.result("employer.put", {"employer": {
            "id": "emp-b", "name": "乙单位", "type": "soe", "town": GUIXI}})
        self.redis.cmd("SCRIPT", "FLUSH")
        got = self.staff.result("job.list", {"employer_id": "emp-a"})
        self.assertEqual(sorted(x["id"] for x in got["jobs"]),
                         ["sf-0", "sf-1"], got)
        self.assertEqual(self.redis.cmd("HGET", "jm:job:emp-a:sf-1",
                                        "version"), b"5")
        self.assertEqual(self.redis.cmd("XLEN", "jm:changes"), changes + 10)
        kiosk = self.d.client(h.KIOSK)
        self.addCleanup(kiosk.close)
        r = kiosk.result("match", {"profile": PROFILE, "limit": 100})
        self.assertEqual({x["job"]["id"] for x in r["results"]}, {"sf-1"})

    def test_stop_with_requests_in_flight(self):
        self.assertEqual(self.redis.cmd("CLIENT", "PAUSE", "5000", "ALL"),
                         "OK")
        for i in range(20):
            self.staff.send(h.request("job.post", {"job": job("f-%d" % i)},
                                      id=i))
        self.d.wait_log(": job.post", count=20)
        # the daemon exits cleanly (status 0) with replies still owed
        self.d.stop()


if __name__ == "__main__":
    h.main()

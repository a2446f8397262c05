"""
test_extremes.py - numbers a request gives that Redis's scripts read:
versions beyond 2^53 - 1 (where a Lua number has n - 1 == n) are refused,
and no request makes a script walk further than a constant. After each,
the daemon still takes a write and Redis still takes one from another
client (a script that runs away leaves Redis answering BUSY to writes,
while PING still answers).
"""
import unittest

import harness as h

GUIXI = "500231001000"
INT64_MAX = 2 ** 63 - 1
EXACT_MAX = 2 ** 53 - 1         # proto/params.h INT_EXACT_MAX
PROBE = {"id": "emp-probe", "name": "写入探针", "type": "private",
         "town": GUIXI}


class ExtremesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.redis = cls.env.redis
        cls.staff = cls.env.daemon.client(h.STAFF)
        cls.writes = 0

    @classmethod
    def tearDownClass(cls):
        cls.staff.close()

    def redis_takes_a_write(self, what):
        """Another client than the daemon writes to Redis: a script that
        runs away makes this BUSY (or wait), never OK."""
        type(self).writes += 1
        try:
            r = self.redis.cmd("SET", "extremes:probe", self.writes,
                               timeout=5.0)
        except (h.RespError, OSError) as e:
            self.fail("after %s, Redis refused a write: %s" % (what, e))
        self.assertEqual(r, "OK", what)

    def test_rollback_past_exact_doubles(self):
        """rules.rollback to a version a Lua number cannot count down from
        (2^54 - 1 == 2^54 there) once made Redis loop for ever."""
        with self.env.daemon.client(h.STAFF) as c:
            for v in (2 ** 54, 2 ** 53 + 1, 2 ** 53, INT64_MAX):
                e = c.error("rules.rollback", {"version": v})
                self.assertEqual(e["code"], h.INVALID_PARAMS, (v, e))
                self.assertEqual(e["data"]["field"], "version", e)
                self.redis_takes_a_write("rules.rollback %d" % v)
                c.result("employer.put", {"employer": PROBE})
            # the largest version that can be named: not in the history
            e = c.error("rules.rollback", {"version": EXACT_MAX})
            self.assertEqual(e["code"], h.NOT_FOUND, e)
            self.redis_takes_a_write("rules.rollback 2^53 - 1")
            c.result("employer.put", {"employer": PROBE})
            for v in (2 ** 53, INT64_MAX):
                e = c.error("rules.rollback", {"version": 1,
                                               "expected_version": v})
                self.assertEqual(e["code"], h.INVALID_PARAMS, (v, e))
                self.assertEqual(e["data"]["field"], "expected_version")

    def test_history_walk_is_bounded(self):
        """A current version far above the history (a rule set hash set
        by hand) is walked no further than the limit asks."""
        before = self.redis.cmd("HGET", "jm:rules", "version")
        self.redis.cmd("HSET", "jm:rules", "version", str(2 ** 60))
        try:
            r = self.staff.result("rules.history", {"limit": 100})
            self.assertEqual(r["versions"], [])
            self.redis_takes_a_write("rules.history at 2^60")
        finally:
            self.redis.cmd("HSET", "jm:rules", "version", before)


if __name__ == "__main__":
    h.main()

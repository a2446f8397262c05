# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_tokens.py - a reload that removes a token, or gives it to another role
or employer, ends the connections that proved it: they are answered what
they asked before the reload, then sent -32001 "token revoked" (id null),
and closed. Connections whose token is unchanged go on.
"""
import signal
import socket
import unittest

import harness as h
from redis_proxy import RedisProxy

GUIXI = h.GUIXI
PROFILE = {"disability": {"type": "physical", "grade": 3}, "town": GUIXI,
           "skills": ["客服"]}


def employer(id):
    return {"id": id, "name": "单位 " + id, "type": "private", "town": GUIXI}


def set_tokens(d, tokens, extra=()):
    """Rewrites d's config with tokens (who -> plain token) only."""
    d.tokens = False
    d.extra = ["token %s %s" % (who, h.digest(tok))
               for who, tok in tokens.items()] + list(extra)
    d.write_config()


def reload(d, count):
    d.proc.send_signal(signal.SIGHUP)
    d.wait_log("SIGHUP: reloading the rules file", count=count)


def last_line(c):
    """The line a revoked connection is sent last; fails clearly when none
    comes (the connection was left open)."""
    try:
        r = c.read_json()
    except socket.timeout:
        raise AssertionError("the connection got no line: its revoked "
                             "token still holds it open")
    return r


class RevokeTest(unittest.TestCase):

    def setUp(self):
        self.env = h.Env()
        self.addCleanup(self.env.stop)
        self.d = self.env.daemon
        self.redis = self.env.redis
        self.hups = 0
        staff = self.client(h.STAFF)
        for e in ("emp-a", "emp-b"):
            staff.result("employer.put", {"employer": employer(e)})

    def client(self, token=None):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def reload(self, tokens):
        set_tokens(self.d, tokens)
        self.hups += 1
        reload(self.d, self.hups)

    def assert_revoked(self, c, reason):
        r = last_line(c)
        self.assertIsNone(r.get("id", "absent"), r)
        self.assertEqual(r["error"]["code"], h.UNAUTHORIZED, r)
        self.assertEqual(r["error"]["message"], "token revoked", r)
        self.assertEqual(r["error"]["data"], {"reason": reason}, r)
        c.wait_closed()

    def exists(self, emp, id):
        return self.redis.cmd("EXISTS", "jm:job:%s:%s" % (emp, id)) == 1

    def test_removed_token_ends_its_connections(self):
        ea, ea2 = self.client(h.EMP_A), self.client(h.EMP_A)
        eb, k, s = (self.client(h.EMP_B), self.client(h.KIOSK),
                    self.client(h.STAFF))
        anon = self.client()
        ea.result("job.post", {"job": h.job("a-1")})
        tokens = dict(h.TOKENS)
        del tokens["employer:emp-a"]
        self.reload(tokens)
        # new hellos with it are refused ...
        self.assertEqual(self.client().error("hello", {"token": h.EMP_A},
                                             h.UNAUTHORIZED)["message"],
                         "invalid token")
        # ... and the connections that proved it are ended
        for c in (ea, ea2):
            self.assert_revoked(c, "removed")
        try:
            ea.send(h.request("job.post", {"job": h.job("a-2")}, id=9))
        except OSError:
            pass
        self.assertTrue(self.exists("emp-a", "a-1"))
        self.assertIn("its token is no longer configured; closing",
                      self.d.log_text())
        # untouched tokens keep their connections
        self.assertEqual(eb.result("job.post", {"job": h.job(
            "b-1", "emp-b")})["version"], 1)
        self.assertGreaterEqual(len(k.result("match", {
            "profile": PROFILE})["results"]), 1)
        self.assertEqual(s.result("job.get", {"id": "a-1", "employer_id":
                                              "emp-a"})["id"], "a-1")
        self.assertTrue(anon.result("ping")["pong"])
        self.assertFalse(self.exists("emp-a", "a-2"))
        # the token never reaches the log, nor its digest
        log = self.d.log_text(whole=True)
        self.assertNotIn(h.EMP_A, log)
        self.assertNotIn(h.digest(h.EMP_A), log)

    def test_changed_token_is_checked_again(self):
        ea, k, eb, s = (self.client(h.EMP_A), self.client(h.KIOSK),
                        self.client(h.EMP_B), self.client(h.STAFF))
        # emp-a's token now names emp-b; the kiosk's token is now staff's
        tokens = dict(h.TOKENS)
        tokens["employer:emp-b"] = tokens.pop("employer:emp-a")
        del tokens["kiosk"]
        tokens["staff"] = h.KIOSK
        tokens["employer:emp-b-old"] = h.EMP_B     # same role, emp-b-old
        self.reload(tokens)
        self.assertEqual(self.client().hello(h.EMP_A)["employer_id"],
                         "emp-b")
        self.assertEqual(self.client().hello(h.KIOSK)["role"], "staff")
        for c in (ea, k, eb):
            self.assert_revoked(c, "changed")
        # the staff token is gone too (its line was replaced)
        self.assert_revoked(s, "removed")
        self.assertIn("now names another role, employer or fair; closing",
                      self.d.log_text())

    def test_unchanged_tokens_keep_their_connections(self):
        ea, k = self.client(h.EMP_A), self.client(h.KIOSK)
        # the same tokens in another order, with one more
        tokens = dict(reversed(list(h.TOKENS.items())))
        tokens["employer:emp-c"] = "emp-c-token-1"
        self.reload(tokens)
        self.assertEqual(self.client().hello("emp-c-token-1")["employer_id"],
                         "emp-c")
        self.assertEqual(ea.result("job.post", {"job": h.job("a-1")})[
            "version"], 1)
        self.assertEqual(len(k.result("match", {"profile": PROFILE})[
            "results"]), 1)
        self.assertNotIn("token revoked", self.d.log_text())


class InFlightTest(unittest.TestCase):
    """Requests a revoked connection sent before the reload: those the
    daemon had read are answered (they were accepted under the token), the
    ones it had not read are not served, and the connection's last line
    says why."""

    def test_answers_then_the_reason(self):
        redis = h.Redis()
        self.addCleanup(redis.cleanup)
        redis.start()
        px = RedisProxy(redis.port)
        self.addCleanup(px.close)
        # max_pending 4: the fifth line waits unread behind four owed
        # answers; the Redis link is held, so none comes before the reload
        extra = ["max_pending 4", "redis_timeout_ms 60000"]
        d = h.Daemon(redis.port, extra=extra)
        self.addCleanup(d.cleanup)
        d.redis_port = px.port
        d.write_config()
        d.start()
        with d.client(h.STAFF) as s:
            s.result("employer.put", {"employer": employer("emp-a")})
        ea = d.client(h.EMP_A)
        self.addCleanup(ea.close)
        px.hold()
        for i in range(1, 7):
            ea.send(h.request("job.post", {"job": h.job("a-%d" % i)}, id=i))
        px.wait_held("EVALSHA", 4)
        tokens = dict(h.TOKENS)
        del tokens["employer:emp-a"]
        set_tokens(d, tokens, extra)
        reload(d, 1)
        with d.client() as c:
            c.error("hello", {"token": h.EMP_A}, h.UNAUTHORIZED)
        px.release()
        for i in range(1, 5):
            r = ea.read_json()
            self.assertEqual(r["id"], i, r)
            self.assertEqual(r["result"]["version"], 1, r)
        r = last_line(ea)
        self.assertIsNone(r["id"], r)
        self.assertEqual(r["error"]["code"], h.UNAUTHORIZED, r)
        self.assertEqual(r["error"]["message"], "token revoked", r)
        ea.wait_closed()
        for i in range(1, 7):
            self.assertEqual(redis.cmd("EXISTS", "jm:job:emp-a:a-%d" % i),
                             1 if i <= 4 else 0, i)
        d.stop()


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_redis_auth.py - jobmatchd against a Redis that wants a password
(requirepass, or an ACL user: redis_user and redis_password_file), and
Redis by host name, address literal and unix socket.

The password is read from its file, sent with AUTH first on every link (the
main one and the change stream's: two daemons see each other's writes), and
never logged or shown. A refusal is logged once per step of the reconnect
backoff, not once per command, and /healthz and stats say what it is; after
the file is fixed, SIGHUP connects at once. A host name is looked up without
blocking the loop, again for every new link.
"""
import http.client
import json
import os
import re
import shutil
import signal
import tempfile
import time
import unittest

import harness as h

# Distinctive, so that a stray copy is found by a plain search.
PASSWORD = "pw-ZQX-5e1f9c3a"
WRONG = "wrong-ZQX-77a0b2"
ACL_USER = "jobmatchd"
# The least an ACL user of the daemon needs: docs/operations.md, "Redis".
ACL_RULES = (
    "resetkeys", "~jm:*", "resetchannels", "-@all",
    "+ping", "+info", "+select", "+script|load", "+evalsha", "+eval",
    "+multi", "+exec", "+hmget", "+sscan", "+zrange", "+zrangebylex",
    "+xrange", "+xread",
    # what the scripts run
    "+del", "+exists", "+get", "+incr", "+hget", "+hset", "+hsetnx",
    "+hdel", "+hincrby", "+hstrlen", "+hvals", "+sadd", "+srem", "+zadd",
    "+zrem", "+zrangebyscore", "+geoadd", "+xadd", "+xinfo|stream",
    "+smembers", "+zcard", "+hgetall", "+wait", "+role",
)
# store.c's reconnect backoff: 100 ms, doubling to 5 s.
BACKOFF_FIRST, BACKOFF_MAX = 0.1, 5.0


def most_links(seconds):
    """The most links one daemon's backoff lets it open within seconds of
    its start: a slow machine makes fewer, and one more allows for a timer
    armed from the loop's cached clock."""
    n, t, d = 1, 0.0, BACKOFF_FIRST
    while t + d <= seconds:
        t += d
        n += 1
        d = min(2 * d, BACKOFF_MAX)
    return n + 1


def healthz(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", "/healthz")
        r = c.getresponse()
        return r.status, r.read().decode()
    finally:
        c.close()


def metrics_text(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", "/metrics")
        return c.getresponse().read().decode()
    finally:
        c.close()


class Base(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-auth-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.redis = h.Redis()
        self.addCleanup(self.redis.cleanup)

    def secret(self, text, name="redis.password", mode=0o600):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def daemon(self, extra=(), metrics=False, start=True, **kw):
        extra = list(extra)
        mport = None
        if metrics:
            mport = h.free_port()
            extra.append("metrics_listen 127.0.0.1:%d" % mport)
        d = h.Daemon(self.redis.port, extra=extra, **kw)
        d.mport = mport
        self.addCleanup(d.cleanup)
        if start:
            d.start()
        return d

    def client(self, d, token):
        c = d.client(token)
        self.addCleanup(c.close)
        return c

    def matched(self, kiosk):
        r = kiosk.result("match", {"profile": {
            "disability": {"type": "physical", "grade": 3},
            "town": h.GUIXI, "skills": ["客服"]}, "limit": 100})
        return {x["job"]["id"] for x in r["results"]}

    def assert_shared(self, a, b):
        """Writes through either daemon reach the other's mirror: both
        links of both daemons are authenticated."""
        sa, sb = self.client(a, h.STAFF), self.client(b, h.STAFF)
        ka, kb = self.client(a, h.KIOSK), self.client(b, h.KIOSK)
        sa.result("employer.put", {"employer": h.EMPLOYER_A})
        sa.result("job.post", {"job": h.job("via-a")})
        h.wait_until(lambda: "via-a" in self.matched(kb),
                     what="B to see the posting written through A")
        sb.result("job.post", {"job": h.job("via-b")})
        h.wait_until(lambda: "via-b" in self.matched(ka),
                     what="A to see the posting written through B")
        for s in (sa, sb):
            st = s.result("stats")["store"]
            self.assertTrue(st["loaded"] and st["following"], st)
            self.assertIsNone(st["link_error"], st)
        return sa, sb

    def assert_secret_kept(self, d, *secrets):
        """Neither the log nor stats nor /metrics shows a password."""
        shown = [d.log_text(whole=True)]
        if d.running():
            with d.client(h.STAFF) as c:
                shown.append(json.dumps(c.result("stats"),
                                        ensure_ascii=False))
            if d.mport is not None:
                shown.append(metrics_text(d.mport))
        for text in shown:
            for s in secrets:
                self.assertNotIn(s, text)

    def assert_said_per_step(self, d, t0, what):
        """Over several seconds of refusals, Redis's words are logged at
        most once a link, and the daemon's own line (what) once per link
        of the main connection: not once per command."""
        time.sleep(max(0.0, t0 + 4.0 - time.monotonic()))
        log = d.log_text()
        links = most_links(time.monotonic() - t0)
        said = len(re.findall(r"redis: %s" % what, log))
        words = sum(1 for ln in log.splitlines()
                    if "NOAUTH" in ln or "WRONGPASS" in ln)
        self.assertGreaterEqual(said, 1, log)
        self.assertLessEqual(said, links, log)
        # the main link's line and, at debug, the change stream's
        self.assertLessEqual(words, 2 * links, log)


class PasswordTest(Base):
    """A Redis with requirepass."""

    def setUp(self):
        super().setUp()
        self.redis.auth = (PASSWORD,)
        self.redis.start(extra_args=("--requirepass", PASSWORD))

    def test_two_daemons_with_the_password(self):
        pw = self.secret(PASSWORD + "\n")
        a = self.daemon(["redis_password_file " + pw], metrics=True)
        b = self.daemon(["redis_password_file " + pw])
        self.assert_shared(a, b)
        self.assertEqual(healthz(a.mport)[0], 200)
        for d in (a, b):
            self.assert_secret_kept(d, PASSWORD)

    def test_wrong_password_is_said_then_fixed(self):
        pw = self.secret(WRONG + "\n")
        t0 = time.monotonic()
        d = self.daemon(["redis_password_file " + pw], metrics=True,
                        start=False)
        d.start(wait_loaded=False)
        h.wait_until(lambda: "Redis refused authentication" in
                     healthz(d.mport)[1],
                     what="/healthz to say Redis refused authentication")
        self.assertEqual(healthz(d.mport)[0], 503)
        with d.client(h.STAFF) as c:
            st = c.result("stats")["store"]
        self.assertIn("refused authentication", st["link_error"] or "", st)
        self.assertFalse(st["connected"], st)
        self.assert_said_per_step(d, t0, "authentication refused")
        self.assert_secret_kept(d, WRONG, PASSWORD)
        # the file fixed (with a CRLF end of line), then SIGHUP
        self.secret(PASSWORD + "\r\n")
        d.proc.send_signal(signal.SIGHUP)
        h.wait_until(lambda: healthz(d.mport)[0] == 200,
                     what="the daemon to load once the password is right")
        c = self.client(d, h.STAFF)
        c.result("employer.put", {"employer": h.EMPLOYER_A})
        self.assertIsNone(c.result("stats")["store"]["link_error"])
        self.assert_secret_kept(d, WRONG, PASSWORD)

    def test_no_password_configured(self):
        # Redis wants a password the daemon was not given: said once a
        # link, not once per command queued on it (NOAUTH to each)
        t0 = time.monotonic()
        d = self.daemon(metrics=True, start=False)
        d.start(wait_loaded=False)
        h.wait_until(lambda: "Redis refused authentication" in
                     healthz(d.mport)[1],
                     what="/healthz to say Redis refused authentication")
        self.assertIn("Redis wants a password", d.log_text())
        self.assert_said_per_step(d, t0, "authentication refused")
        # redis_password_file is reloadable
        d.extra.append("redis_password_file " + self.secret(PASSWORD))
        d.write_config()
        d.proc.send_signal(signal.SIGHUP)
        h.wait_until(lambda: healthz(d.mport)[0] == 200,
                     what="the daemon to load after SIGHUP")
        self.assert_secret_kept(d, PASSWORD)


class AclUserTest(Base):
    """An ACL user with the least the daemon needs (ACL_RULES, as
    docs/operations.md gives them): everything works, and Redis denied
    nothing."""

    def setUp(self):
        super().setUp()
        self.redis.start()
        self.redis.cmd("ACL", "SETUSER", ACL_USER, "reset", "on",
                       ">" + PASSWORD, *ACL_RULES)

    def test_acl_user(self):
        pw = self.secret(PASSWORD, mode=0o640)   # group-readable: allowed
        extra = ["redis_user " + ACL_USER, "redis_password_file " + pw,
                 "redis_db 1"]                   # SELECT too
        a = self.daemon(extra)
        b = self.daemon(extra)
        sa, sb = self.assert_shared(a, b)
        # the other writes and reads of the store, through A
        seeker = {"id": "s1", "disability": {"type": "physical",
                                             "grade": 3},
                  "skills": ["客服"], "town": h.GUIXI}
        sa.result("seeker.put", {"seeker": seeker})
        sa.result("seeker.get", {"id": "s1"})
        h.wait_until(lambda: "result" in sb.call("match",
                                                 {"seeker_id": "s1"}),
                     what="B to know the seeker written through A")
        sa.result("job.post", {"job": h.job("hire", openings=2)})
        sa.result("placement.record", {"seeker_id": "s1", "job_id": "hire",
                                       "employer_id": "emp-a",
                                       "date": "2024-05-01"})
        sa.result("placement.list", {})
        sa.result("stats.plan", {"from": "2024-01-01", "to": "2024-12-31"})
        sa.result("job.get", {"id": "via-a", "employer_id": "emp-a"})
        sa.result("job.list", {})
        sa.result("job.candidates", {"job_id": "via-a",
                                     "employer_id": "emp-a"})
        sa.result("job.close", {"id": "via-a", "employer_id": "emp-a"})
        sa.result("job.post", {"job": h.job("via-a")})     # open again
        sa.result("job.close", {"id": "via-a", "employer_id": "emp-a"})
        sa.result("employer.get", {"id": "emp-a"})
        cur = sa.result("rules.get")
        doc = cur["rules"]
        doc["weights"] = dict(doc.get("weights", {}), skills=0.9)
        v = sa.result("rules.set", {"rules": doc,
                                    "expected_version": cur["version"]})
        sa.result("rules.history", {})
        sa.result("rules.rollback", {"version": cur["version"],
                                     "expected_version": v["version"]})
        # what issues 16 and 17 added: fairs and their counters,
        # interests, rosters, employment records and follow-ups, the
        # export, a dry run
        sa.result("fair.put", {"fair": {
            "id": "f1", "name": "招聘会", "date": "2024-05-17",
            "venue": "体育馆", "town": h.GUIXI,
            "exhibitors": [{"employer_id": "emp-a", "booth": "A1"}]}})
        sa.result("interest.record", {
            "job": {"id": "hire", "employer_id": "emp-a"}, "fair": "f1",
            "person": {"name": "甲", "phone": "13800001111"},
            "consent": {"contact": True, "share_with_employer": True}})
        i = sa.result("interest.list", {})["interests"][0]["id"]
        sa.result("interest.update", {"id": i, "status": "contacted"})
        sa.result("fair.stats", {"id": "f1"})
        sa.result("interest.delete", {"id": i})
        sa.result("employer.roster.put", {"employer_id": "emp-a", "entries": [
            {"seeker_id": "s1", "certificate": "disability", "grade": 3,
             "on_establishment": True, "monthly_wage": 3000,
             "insurance_paid": True}]})
        sa.result("employer.roster.get", {"employer_id": "emp-a"})
        sa.result("employment.record", {"seeker_id": "s1",
                                        "form": "flexible",
                                        "date": "2024-06-01"})
        sa.result("employment.list", {})
        sa.result("followup.record", {"seeker_id": "s1",
                                      "date": "2024-07-01",
                                      "outcome": "in_work"})
        sa.result("followup.list", {})
        sa.result("seeker.export", {})
        sa.result("job.post", {"job": h.job("dry"), "dry_run": True})
        sa.result("seeker.delete", {"id": "s1"})
        h.wait_until(lambda: "via-a" not in self.matched(
            self.client(b, h.KIOSK)), what="B to see the close")
        # a Redis that forgot the scripts: sent again as EVAL
        self.redis.cmd("SCRIPT", "FLUSH")
        sa.result("job.post", {"job": h.job("after-flush")})
        self.assertEqual(self.redis.cmd("ACL", "LOG"), [])
        clients = self.redis.cmd("CLIENT", "LIST").decode()
        self.assertEqual(clients.count("user=%s " % ACL_USER), 4, clients)
        for d in (a, b):
            self.assertNotIn("NOPERM", d.log_text())
            self.assert_secret_kept(d, PASSWORD)


class NamesTest(Base):
    """redis HOST:PORT by name, address literals and a unix socket."""

    def test_host_name(self):
        self.redis.start()
        a = self.daemon(redis_host="localhost")
        self.assertIn("redis: connected", a.log_text())
        b = self.daemon(redis_host="localhost")
        self.assert_shared(a, b)
        # looked up again for the links after Redis restarted
        looked = a.log_text().count("redis: localhost is ")
        self.redis.stop()
        self.redis.start()
        h.wait_until(lambda: a.log_text().count("redis: mirror loaded") >=
                     2, what="A to load again from the restarted Redis")
        self.assertGreater(a.log_text().count("redis: localhost is "),
                           looked)

    def test_ipv6_literal(self):
        try:
            self.redis.start(extra_args=("--bind", "127.0.0.1 ::1"))
        except h.HarnessError as e:
            self.skipTest("no IPv6 loopback: %s" % e)
        d = self.daemon(redis_host="[::1]")
        c = self.client(d, h.STAFF)
        c.result("employer.put", {"employer": h.EMPLOYER_A})
        self.assertIn("addr=[::1]:", self.redis.cmd("CLIENT", "LIST").decode())

    def test_unix_socket(self):
        path = os.path.join(self.redis.dir, "redis.sock")
        self.redis.start(extra_args=("--unixsocket", path,
                                     "--unixsocketperm", "700"))
        d = self.daemon(redis_host=path)
        c = self.client(d, h.STAFF)
        c.result("employer.put", {"employer": h.EMPLOYER_A})
        self.assertIn("flags=U", self.redis.cmd("CLIENT", "LIST").decode())

    def test_unresolved_name(self):
        self.redis.start()
        t0 = time.monotonic()
        d = self.daemon(redis_host="nonexistent-zqx.invalid", metrics=True,
                        start=False)
        d.start(wait_loaded=False)      # the loop answers meanwhile
        h.wait_until(lambda: "Redis host name not resolved" in
                     healthz(d.mport)[1], timeout=60,
                     what="/healthz to say the name was not resolved")
        time.sleep(max(0.0, t0 + 4.0 - time.monotonic()))
        said = d.log_text().count("redis: cannot resolve "
                                  "nonexistent-zqx.invalid")
        self.assertGreaterEqual(said, 1)
        self.assertLessEqual(said, most_links(time.monotonic() - t0))
        d.stop()                        # with a lookup perhaps under way


class ConfigTest(unittest.TestCase):
    """The new keys as jobmatchd --check-config sees them: no Redis."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-auth-conf-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def check(self, lines, secret=None, mode=0o600):
        pw = os.path.join(self.dir, "pw")
        if secret is not None:
            with open(pw, "w") as f:
                f.write(secret)
            os.chmod(pw, mode)
        conf = os.path.join(self.dir, "jobmatchd.conf")
        with open(conf, "w") as f:
            f.write("\n".join([
                "towns_file " + os.path.join(h.DATA_DIR, "towns.tsv"),
            ] + [ln.replace("PW", pw) for ln in lines]) + "\n")
        r = h.run_daemon(["--check-config", "-c", conf])
        return r.returncode, r.stdout + r.stderr, conf

    def assert_refused(self, lines, words, **kw):
        rc, out, conf = self.check(lines, **kw)
        self.assertEqual(rc, 1, out)
        for w in words:
            self.assertIn(w, out)
        self.assertNotIn(PASSWORD, out)

    def test_keys(self):
        for host in ("redis.example.org:6379", "localhost:6379",
                     "[::1]:6379", "10.0.0.5:6380", "/run/redis/redis.sock"):
            rc, out, _ = self.check(["redis " + host])
            self.assertEqual(rc, 0, out)
        self.assert_refused(["redis bad/host:6379"], ["HOST:PORT"])
        self.assert_refused(["redis localhost"], ["HOST:PORT"])
        rc, out, _ = self.check(["redis_user jm", "redis_password_file PW"],
                                secret=PASSWORD + "\n", mode=0o640)
        self.assertEqual(rc, 0, out)
        rc, out, _ = self.check(["redis_password_file PW"], secret=PASSWORD,
                                mode=0o400)
        self.assertEqual(rc, 0, out)
        self.assert_refused(["redis_user jm"], ["redis_user needs "
                                                "redis_password_file"])

    def test_password_files_refused(self):
        conf = os.path.join(self.dir, "jobmatchd.conf")
        for secret, mode, words in (
                (PASSWORD, 0o644, ["mode 0644", "other users"]),
                (PASSWORD, 0o660, ["mode 0660", "its group write"]),
                ("\n", 0o600, ["empty"]),
                (PASSWORD + "\nmore\n", 0o600, ["more than one line"]),
                ("x" * 5000, 0o600, ["longer than 4096"])):
            self.assert_refused(["redis_password_file PW"], [
                conf + ":2:", "redis_password_file"] + words,
                secret=secret, mode=mode)
        missing = os.path.join(self.dir, "nowhere")
        self.assert_refused(["redis_password_file " + missing], [
            conf + ":2:", missing, "No such file or directory"])
        self.assert_refused(["redis_password_file " + self.dir],
                            ["not a regular file"])


if __name__ == "__main__":
    h.main()

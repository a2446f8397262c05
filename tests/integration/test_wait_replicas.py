# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_wait_replicas.py - durable acknowledgements: with redis_wait_replicas
N, a write is acknowledged only after WAIT, pipelined behind its script,
counts N replicas that have it; fewer answer -32004 with applied
"unknown" (the write is on the primary). With 0, no WAIT is sent.
"""
import os
import signal
import time
import unittest

import harness as h


def commandstat(redis, name):
    """calls= of INFO commandstats' cmdstat_NAME, or None when absent."""
    info = redis.cmd("INFO", "commandstats").decode()
    for ln in info.splitlines():
        if ln.startswith("cmdstat_%s:" % name):
            return int(ln.split("calls=")[1].split(",")[0])
    return None


class WaitReplicasTest(unittest.TestCase):

    def setUp(self):
        self.primary = h.redis_for(self)
        self.replica = h.redis_for(self, replica_of=self.primary)
        self.d = h.Daemon(self.primary.port, extra=(
            "redis_wait_replicas 1", "redis_wait_timeout_ms 500"))
        self.addCleanup(self.d.cleanup)
        self.d.start()
        self.staff = self.d.client(h.STAFF)
        self.addCleanup(self.staff.close)

    def test_acknowledged_write_is_on_the_replica(self):
        waits = commandstat(self.primary, "wait") or 0
        self.staff.result("employer.put", {"employer": h.EMPLOYER_A})
        for i in range(5):
            r = self.staff.result("job.post", {"job": h.job("j%d" % i)})
            # Read from the replica right after the answer: WAIT said
            # it has the write.
            self.assertEqual(self.replica.cmd(
                "HGET", "jm:job:emp-a:j%d" % i, "version"),
                str(r["version"]).encode())
        self.assertEqual(commandstat(self.primary, "wait"), waits + 6)
        self.d.stop()

    def test_stalled_replica_answers_unknown(self):
        self.staff.result("employer.put", {"employer": h.EMPLOYER_A})
        self.replica.proc.send_signal(signal.SIGSTOP)
        try:
            t0 = time.monotonic()
            e = self.staff.error("job.post", {"job": h.job("lost")},
                                 code=-32004)
            took = time.monotonic() - t0
            self.assertEqual(e["data"], {"applied": "unknown"})
            self.assertIn("confirmed by 0 of 1 replicas", e["message"])
            self.assertGreaterEqual(took, 0.45)    # WAIT's timeout
            # The write happened on the primary.
            self.assertIsNotNone(self.primary.cmd(
                "HGET", "jm:job:emp-a:lost", "version"))
            # A refusal wrote nothing and is answered as such.
            self.staff.error("job.post", {"job": h.job(
                "x", emp="emp-none")}, code=h.NOT_FOUND)
            # The daemon keeps serving reads.
            self.staff.result("job.get", {"id": "lost",
                                          "employer_id": "emp-a"})
        finally:
            self.replica.proc.send_signal(signal.SIGCONT)
        h.wait_until(lambda: self.replica.cmd(
            "HGET", "jm:job:emp-a:lost", "version") is not None,
            what="the replica caught up")
        # the write answered "unknown" is on the primary, so the daemon's
        # mirror takes it too (through the change stream): it is matched
        profile = {"disability": {"type": "physical", "grade": 3},
                   "skills": ["客服"], "town": h.GUIXI}

        def matched():
            r = self.staff.result("match", {"profile": profile,
                                            "limit": 100})
            return {x["job"]["id"] for x in r["results"]}
        h.wait_until(lambda: "lost" in matched(),
                     what="the mirror to take the write answered unknown")
        self.staff.result("job.post", {"job": h.job("after")})
        self.d.stop()

    def test_write_sent_again_after_script_flush_still_waits(self):
        """A write whose script Redis forgot (SCRIPT FLUSH) is sent again
        as EVAL: its answer still waits for the WAIT behind that EVAL,
        so a stalled replica makes it "unknown", never acknowledged."""
        self.staff.result("employer.put", {"employer": h.EMPLOYER_A})
        self.assertEqual(self.primary.cmd("SCRIPT", "FLUSH"), "OK")
        self.replica.proc.send_signal(signal.SIGSTOP)
        try:
            e = self.staff.error("job.post", {"job": h.job("flushed")},
                                 code=-32004)
            self.assertEqual(e["data"], {"applied": "unknown"})
            self.assertIn("confirmed by 0 of 1 replicas", e["message"])
            self.assertIsNotNone(self.primary.cmd(
                "HGET", "jm:job:emp-a:flushed", "version"))
        finally:
            self.replica.proc.send_signal(signal.SIGCONT)
        self.staff.result("job.post", {"job": h.job("flushed")})
        self.d.stop()

    def test_wait_refused_by_an_acl(self):
        """A data user whose ACL refuses WAIT: the write ran, so it is
        answered "unknown" with Redis's words, and the daemon serves on."""
        self.d.stop()
        self.primary.cmd("ACL", "SETUSER", "jmw", "on", ">pw-ZQX-9",
                         "~*", "&*", "+@all", "-wait")
        pw = os.path.join(self.d.dir, "redis.password")
        with open(pw, "w") as f:
            f.write("pw-ZQX-9\n")
        os.chmod(pw, 0o600)
        d = h.Daemon(self.primary.port, extra=(
            "redis_wait_replicas 1", "redis_wait_timeout_ms 500",
            "redis_user jmw", "redis_password_file " + pw))
        self.addCleanup(d.cleanup)
        d.start()
        with d.client(h.STAFF) as c:
            e = c.error("employer.put", {"employer": h.EMPLOYER_A},
                        code=-32004)
            self.assertEqual(e["data"], {"applied": "unknown"})
            self.assertIn("NOPERM", e["message"])
            self.assertEqual(self.primary.cmd("EXISTS",
                                              "jm:employer:emp-a"), 1)
            c.result("ping", {})
        self.assertNotIn("pw-ZQX-9", d.log_text(whole=True))
        d.stop()


class SweepTest(unittest.TestCase):
    """The retention sweep erases without waiting for replicas: nobody
    waits for its answer, and with the replicas short it would otherwise
    hold the link, then take its own erasure for a failure."""

    def test_sweep_does_not_wait(self):
        primary = h.redis_for(self)
        replica = h.redis_for(self, replica_of=primary)
        d = h.Daemon(primary.port, extra=(
            "redis_wait_replicas 1", "redis_wait_timeout_ms 500",
            "interest_sweep_s 1"))
        self.addCleanup(d.cleanup)
        d.start()
        staff = d.client(h.STAFF)
        self.addCleanup(staff.close)
        staff.result("employer.put", {"employer": h.EMPLOYER_A})
        staff.result("job.post", {"job": h.job("j")})
        iid = staff.result("interest.record", {
            "job": {"id": "j", "employer_id": "emp-a"},
            "person": {"name": "甲", "phone": "13800001111"},
            "consent": {"contact": True, "share_with_employer": False}})["id"]
        waits = commandstat(primary, "wait")
        replica.proc.send_signal(signal.SIGSTOP)
        try:
            # 200 days old: past the default retention of 180
            key = "jm:interest:%s" % iid
            at = int(primary.cmd("HGET", key, "created_at")) - 200 * 86400
            primary.cmd("HSET", key, "created_at", str(at))
            score = str(at * 2 ** 20 + int(iid) % 2 ** 20)
            for k in ("jm:interests", "jm:interests:emp:emp-a",
                      "jm:interests:job:emp-a:j"):
                primary.cmd("ZADD", k, score, iid)
            h.wait_until(lambda: primary.cmd("EXISTS", key) == 0,
                         what="the sweep to erase the interest")
            h.wait_until(lambda: "past retention (180 days) erased" in
                         d.log_text(), what="the sweep's log line")
            self.assertNotIn("sweep of those past retention failed",
                             d.log_text())
            self.assertEqual(commandstat(primary, "wait"), waits)
        finally:
            replica.proc.send_signal(signal.SIGCONT)
        d.stop()

class NoWaitTest(unittest.TestCase):

    def test_no_wait_by_default(self):
        env = h.Env()
        self.addCleanup(env.stop)
        staff = env.daemon.client(h.STAFF)
        self.addCleanup(staff.close)
        staff.result("employer.put", {"employer": h.EMPLOYER_A})
        staff.result("job.post", {"job": h.job("j1")})
        staff.result("job.close", {"id": "j1", "employer_id": "emp-a"})
        self.assertIsNotNone(commandstat(env.redis, "evalsha"))
        self.assertIsNone(commandstat(env.redis, "wait"))


if __name__ == "__main__":
    h.main()

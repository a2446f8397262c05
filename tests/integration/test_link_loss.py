# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_link_loss.py - Redis's link lost or stalled while many commands wait
behind each other: the daemon never answers a command from inside the call
that sent it (so no chain of queued work recurses through the store), and
what waits behind a command Redis did not answer is answered at once
instead of timing out in turn.
"""
import datetime
import socket
import threading
import unittest

import harness as h

GUIXI = h.GUIXI
EMPLOYER = h.EMPLOYER_A
# Pipelining tens of thousands of requests at once.
BULK = ("max_request_rate 10000000", "staff_max_request_rate 10000000",
        "max_pending 100000")


def seeker(id):
    return {"id": id, "disability": {"type": "physical", "grade": 3},
            "skills": ["保洁"], "town": GUIXI}


def posting(id, openings):
    return h.job(id, openings=openings, accessible_for=["any"])


def date(i):
    """A distinct day per hire: each is a new placement."""
    return (datetime.date(2000, 1, 1) +
            datetime.timedelta(days=i)).isoformat()


def hire(i, job_id="big", seeker_id="s-1"):
    return {"seeker_id": seeker_id, "job_id": job_id, "employer_id": "emp-a",
            "date": date(i)}


class Pipeline:
    """Requests written by a thread of their own while the caller reads
    the answers, so that neither side waits for the other."""

    def __init__(self, client, lines):
        self.client = client
        self.error = None
        self.thread = threading.Thread(target=self._send, args=(lines,),
                                       daemon=True)
        self.thread.start()

    def _send(self, lines):
        try:
            for ln in lines:
                self.client.send_raw(ln)
        except OSError as e:
            self.error = e

    def join(self):
        self.thread.join(60)
        if self.thread.is_alive() or self.error is not None:
            raise AssertionError("could not send the requests: %r"
                                 % self.error)




def consistent(redis, job_id, openings):
    """(placements of the posting recorded, openings it gave up)."""
    return h.hires_of(redis, "emp-a", job_id, openings)


class LinkKilledTest(unittest.TestCase):
    """Hires of one posting queued behind each other when Redis drops the
    daemon's links: each queued hire used to be started, and refused, inside
    the call that refused the one before it, until the stack overflowed."""

    def test_link_killed_while_hires_of_one_posting_are_queued(self):
        env = h.Env(extra=BULK)
        self.addCleanup(env.stop)
        d, redis = env.daemon, env.redis
        st = d.client(h.STAFF)
        self.addCleanup(st.close)
        st.result("employer.put", {"employer": EMPLOYER})
        st.result("seeker.put", {"seeker": seeker("s-1")})
        st.result("job.post", {"job": posting("big", 10000)})
        st.result("job.post", {"job": posting("after", 5)})

        conns, pipes, per = [], [], 10000
        for k in range(2):
            c = d.client(h.STAFF, timeout=120)
            self.addCleanup(c.close)
            lines = [h.line([h.request("placement.record",
                                       hire(k * per + b * 100 + i),
                                       id=b * 100 + i)
                             for i in range(100)])
                     for b in range(per // 100)]
            conns.append(c)
            pipes.append(Pipeline(c, lines))
        # some hires answered, thousands still queued: drop every link
        first = conns[0].read_json()
        self.assertIsInstance(first, list, first)
        redis.cmd("CLIENT", "KILL", "TYPE", "normal")

        answered = {"result": 0, "error": 0}  # recorded, refused
        got = [len(first), 0]
        for r in first:
            answered["result" if "result" in r else "error"] += 1
        for k, c in enumerate(conns):
            while got[k] < per:
                batch = c.read_json()
                self.assertIsInstance(batch, list, batch)
                for r in batch:
                    if "error" in r:
                        # -32003: filled by hires recorded after the
                        # daemon connected again
                        self.assertIn(r["error"]["code"],
                                      (h.STORE_UNAVAILABLE, h.CONFLICT), r)
                        answered["error"] += 1
                    else:
                        self.assertIn("created", r["result"], r)
                        answered["result"] += 1
                got[k] += len(batch)
            pipes[k].join()
        print("answered: %(result)d recorded, %(error)d refused" % answered)
        self.assertEqual(answered["result"] + answered["error"], 2 * per)
        self.assertGreater(answered["error"], 0, "the kill came too late")
        self.assertTrue(d.running(), "the daemon died")

        # it serves afterwards, and the store is consistent
        h.wait_until(lambda: st.result("stats", {})["store"]["loaded"],
                     timeout=60, what="the mirror to load again")
        r = st.result("placement.record", hire(0, job_id="after"))
        self.assertTrue(r["created"], r)
        self.assertEqual(r["job"]["openings"], 4, r)
        n, used = consistent(redis, "big", 10000)
        self.assertEqual(n, used)


class StalledTest(unittest.TestCase):
    """Hires of one posting behind a Redis that does not answer: the one at
    the head times out (redis_timeout_ms); those behind it were never sent
    and are answered with it, instead of each timing out in turn (400 hires
    at 250 ms each would take 100 s)."""

    def test_hires_behind_a_stalled_redis_are_answered_at_once(self):
        env = h.Env(extra=BULK + ("redis_timeout_ms 250",))
        self.addCleanup(env.stop)
        d, redis = env.daemon, env.redis
        st = d.client(h.STAFF, timeout=60)
        self.addCleanup(st.close)
        st.result("employer.put", {"employer": EMPLOYER})
        st.result("seeker.put", {"seeker": seeker("s-1")})
        st.result("job.post", {"job": posting("big", 10000)})

        sleeper = redis.connect(timeout=60)
        self.addCleanup(sleeper.close)
        sleeper.sendall(h._resp_encode(("DEBUG", "SLEEP", "10")))
        # asleep: a PING on another link goes unanswered
        probe = redis.connect(timeout=0.5)
        self.addCleanup(probe.close)
        probe.sendall(h._resp_encode(("PING",)))
        with self.assertRaises(socket.timeout):
            probe.recv(64)

        n = 400
        for b in range(n // 100):
            st.send([h.request("placement.record", hire(b * 100 + i),
                               id=b * 100 + i) for i in range(100)])
        got = []
        while len(got) < n:
            batch = st.read_json()
            self.assertIsInstance(batch, list, batch)
            got.extend(batch)
        # all of them answered before Redis woke up
        sleeper.settimeout(0)
        with self.assertRaises(BlockingIOError,
                               msg="answered only once Redis woke up"):
            sleeper.recv(64)
        sleeper.settimeout(60)
        applied = {}
        for r in got:
            self.assertEqual(r["error"]["code"], h.STORE_UNAVAILABLE, r)
            a = r["error"]["data"]["applied"]
            applied[a] = applied.get(a, 0) + 1
        print("answered while Redis slept: %r" % applied)
        # "unknown": the heads, whose own read timed out; the rest were
        # never sent
        self.assertGreater(applied.get(False, 0), applied.get("unknown", 0))
        self.assertEqual(h._RespReader(sleeper).read(), "OK")

        # nothing was written; the same hires again are all recorded
        self.assertEqual(consistent(redis, "big", 10000), (0, 0))
        for b in range(n // 100):
            st.send([h.request("placement.record", hire(b * 100 + i),
                               id=b * 100 + i) for i in range(100)])
        got = []
        while len(got) < n:
            got.extend(st.read_json())
        for r in got:
            self.assertTrue(r["result"]["created"], r)
        self.assertEqual(consistent(redis, "big", 10000), (n, n))


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_robustness.py - hostile traffic against the running daemon (under ASan
in the sanitizer build): it answers what deserves an answer, closes what
must be closed, and keeps serving everyone else.
"""
import json
import resource
import socket
import time
import unittest

import harness as h
from harness import line, request


GUIXI = "500231001000"
EMPLOYER = {"id": "emp-r", "name": "稳健测试单位", "type": "private",
            "town": GUIXI, "headcount": 50, "disabled_employees": 2,
            "severe_disabled_employees": 1, "avg_annual_salary": 60000}
JOBS = [{"id": "r%d" % i, "employer_id": "emp-r", "title": "岗位%d" % i,
         "skills": ["客服", "打字"], "accessible_for": ["any"],
         "employment_type": "full_time", "town": GUIXI,
         "salary": {"min": 2000, "max": 3000 + i}, "openings": 1 + i}
        for i in range(5)]
PROFILE = {"disability": {"type": "hearing", "grade": 3},
           "skills": ["客服"], "town": GUIXI, "max_distance_km": 20,
           "needs": [], "flags": ["rural"]}
MATCH = {"profile": PROFILE, "limit": 10, "explain": True}
JOB = dict(JOBS[0], description="d", grades=[3, 4],
           accommodations=["captioning"],
           location={"lat": 30.33, "lon": 107.34}, remote=False,
           expires_at=4000000000)
SEEKER = dict(PROFILE, id="s-r1", name="某人")
# Fields that take a number: 1.5 is a number of the wrong kind only where
# an integer is required.
NUMBERS = {"profile.max_distance_km", "profile.location.lat",
           "profile.location.lon", "job.location.lat", "job.location.lon",
           "seeker.max_distance_km"}
WRONG_TYPE_CASES = [
    ("hello", {"token": h.STAFF}, ["token"]),
    ("employer.put", {"employer": EMPLOYER},
     ["employer"] + ["employer." + k for k in EMPLOYER]),
    ("employer.get", {"id": "emp-r"}, ["id"]),
    ("job.post", {"job": JOB, "expected_version": 0},
     ["job", "expected_version", "job.salary.min", "job.salary.max",
      "job.location.lat", "job.location.lon"] + ["job." + k for k in JOB]),
    ("job.get", {"id": "r0", "employer_id": "emp-r"}, ["id", "employer_id"]),
    ("job.close", {"id": "r0", "employer_id": "emp-r", "reason": "x"},
     ["id", "employer_id", "reason"]),
    ("job.list", {"employer_id": "emp-r", "town": GUIXI, "status": "open",
                  "limit": 5}, ["employer_id", "town", "status", "limit"]),
    ("match", {"profile": PROFILE, "limit": 5, "offset": 0,
               "explain": True, "filters": {"employment_types":
                                            ["full_time"],
                                            "min_salary": 1}},
     ["profile", "limit", "offset", "explain", "filters",
      "filters.employment_types", "filters.min_salary",
      "profile.disability", "profile.disability.type",
      "profile.disability.grade"] + ["profile." + k for k in PROFILE]),
    ("seeker.put", {"seeker": SEEKER},
     ["seeker"] + ["seeker." + k for k in SEEKER]),
    ("seeker.get", {"id": "s-r1"}, ["id"]),
    ("seeker.delete", {"id": "s-r1"}, ["id"]),
    ("job.candidates", {"job_id": "r0", "employer_id": "emp-r", "limit": 5},
     ["job_id", "employer_id", "limit"]),
    ("rules.history", {"limit": 5}, ["limit"]),
    ("rules.rollback", {"version": 1}, ["version"]),
    ("rules.explain", {"profile": PROFILE, "job_id": "r0",
                       "employer_id": "emp-r"},
     ["profile", "job_id", "employer_id"]),
]
# (rules.validate answers {ok, errors} for any document; rules.set refuses a
# bad one with -32006: both are tested in test_rules.py.)


class RobustnessTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # room for a thousand connections, in this process and the daemon
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, 4096)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        cls.env = h.Env(extra=["max_connections 2000"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        s = h.Client(cls.d.port)
        s.hello(h.STAFF)
        s.result("employer.put", {"employer": dict(EMPLOYER)})
        for j in JOBS:
            s.result("job.post", {"job": dict(j)})
        cls.baseline_match = s.result("match", MATCH)["results"]
        cls.baseline_jobs = s.result("job.list", {})["jobs"]
        s.close()

    def still_serving(self):
        """The daemon answers a normal match as before, and the stored
        postings are unchanged."""
        c = h.Client(self.d.port)
        try:
            c.hello(h.STAFF)
            self.assertEqual(c.result("match", MATCH)["results"],
                             self.baseline_match)
            self.assertEqual(c.result("job.list", {})["jobs"],
                             self.baseline_jobs)
        finally:
            c.close()

    def test_every_field_of_every_request_with_wrong_types(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        wrong = [12345, "text", [], {}, True, 1.5]
        n = 0
        for method, base, paths in WRONG_TYPE_CASES:
            for path in paths:
                for w in wrong:
                    params = json.loads(json.dumps(base))
                    obj = params
                    keys = path.split(".")
                    for k in keys[:-1]:
                        obj = obj[k]
                    if type(obj.get(keys[-1])) is type(w) and \
                            keys[-1] not in ("grade",):
                        continue    # not a wrong type for this field
                    obj[keys[-1]] = w
                    r = c.call(method, params)
                    n += 1
                    if "result" in r:
                        # a value of the right kind in disguise (1.5 for a
                        # number) is fine only where a number is allowed
                        self.assertIn(path, NUMBERS, (method, path, w, r))
                        continue
                    self.assertEqual(r["error"]["code"], -32602,
                                     (method, path, w, r))
                    self.assertTrue(r["error"]["data"]["field"].startswith(
                        path), (method, path, w, r))
        self.assertGreater(n, 300)
        self.still_serving()

    def test_batch_of_ten_thousand(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        batch = [request("ping", id=i) for i in range(10000)]
        c.send(batch)
        r = c.read_json()
        self.assertIsInstance(r, dict, "a batch over max_batch is one error")
        self.assertEqual(r["error"]["code"], -32600)
        self.assertIn("batch", r["error"]["message"])
        self.assertIs(c.result("ping")["pong"], True)

    def test_nesting_one_hundred_thousand_deep(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        c.send_raw(b"[" * 100000 + b"\n")
        self.assertEqual(c.read_json()["error"]["code"], -32700)
        c.send_raw(b"{\"a\":" * 50000 + b"1" + b"}" * 50000 + b"\n")
        self.assertEqual(c.read_json()["error"]["code"], -32700)
        self.assertIs(c.result("ping")["pong"], True)

    def endless(self, total):
        """Sends total bytes of one line without a newline; returns the
        daemon's answer (it closes the connection after it)."""
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        chunk = b"x" * (1 << 20)
        sent = 0
        try:
            while sent < total:
                c.sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass                        # the daemon closed: expected
        r = c.read_json()
        c.wait_closed()
        return r

    def test_endless_line(self):
        r = self.endless(4 << 20)
        self.assertEqual(r["error"]["code"], -32600)
        self.assertIn("too long", r["error"]["message"])
        self.still_serving()

    def test_hundred_megabyte_line(self):
        r = self.endless(100 << 20)
        self.assertEqual(r["error"]["code"], -32600)
        self.still_serving()

    def test_nul_bytes_invalid_utf8_and_crlf(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        c.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"ping"}\x00\n')
        self.assertEqual(c.read_json()["error"]["code"], -32700)
        c.send_raw(b'{"jsonrpc":"2.0","id":2,"method":"p\xffing"}\n')
        self.assertEqual(c.read_json()["error"]["code"], -32700)
        c.send_raw(b'{"jsonrpc":"2.0","id":3,"method":"ping"}\r\n')
        self.assertIs(c.read_json()["result"]["pong"], True)
        self.still_serving()

    def test_half_closed_socket(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        c.send_raw(line(request("match", MATCH, id=9)))
        c.sock.shutdown(socket.SHUT_WR)
        r = c.read_json()
        self.assertEqual(r["result"]["results"], self.baseline_match)
        c.wait_closed()
        self.still_serving()

    def test_one_byte_every_100_ms(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        req = line(request("ping", id=5))
        for i in range(len(req)):
            c.send_raw(req[i:i + 1])
            time.sleep(0.1)
        self.assertIs(c.read_json()["result"]["pong"], True)
        self.still_serving()

    def test_a_thousand_idle_connections(self):
        conns = []
        try:
            for _ in range(1000):
                s = socket.create_connection(("127.0.0.1", self.d.port),
                                             timeout=10)
                conns.append(s)
            self.still_serving()
            # and they are real connections the daemon answers
            for s in conns[::100]:
                s.sendall(line(request("ping", id=7)))
                buf = b""
                while b"\n" not in buf:
                    chunk = s.recv(4096)
                    self.assertTrue(chunk, "closed instead of answering")
                    buf += chunk
                self.assertIn(b'"pong":true', buf)
        finally:
            for s in conns:
                s.close()
        self.still_serving()


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_protocol.py - the wire contract of PROTOCOL.md: framing, the JSON-RPC
envelope, hello and roles at the door, limits. Real Redis, real daemon.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import harness as h
from harness import line, notification, request

ALL_METHODS = {"hello", "ping", "vocab", "employer.put", "employer.get",
               "employer.quota", "employer.list", "job.post", "job.get",
               "job.close", "job.list", "match",
               "seeker.put", "seeker.get", "seeker.delete", "seeker.list",
               "job.candidates",
               "rules.get", "rules.set", "rules.validate", "rules.explain",
               "rules.history", "rules.rollback", "stats",
               "placement.record", "placement.list", "stats.plan",
               "skills.suggest", "interest.record", "interest.list",
               "interest.update", "interest.delete", "fair.put", "fair.get",
               "fair.list", "fair.stats", "employment.record",
               "employment.list", "followup.record", "followup.list",
               "followup.due", "subsidy.window", "employer.roster.put",
               "employer.roster.get"}

PROFILE = {"disability": {"type": "visual", "grade": 2},
           "town": "500231001000", "skills": ["推拿"]}


def job(id, **kw):
    j = {"id": id, "employer_id": "emp-a", "title": "测试岗位 " + id,
         "accessible_for": ["any"], "employment_type": "full_time",
         "town": "500231001000"}
    j.update(kw)
    return j


class ProtocolTest(unittest.TestCase):
    """One daemon with the default limits (max_line_bytes 1 MiB)."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        with cls.d.client(h.STAFF) as c:
            c.result("employer.put", {"employer": {
                "id": "emp-a", "name": "甲公司", "type": "private",
                "town": "500231001000"}})
            c.result("job.post", {"job": job("p-1")})

    def client(self, token=None):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def assertError(self, resp, code, id=None, msg=None):
        self.assertIn("error", resp, "expected error %d, got %r" % (
            code, resp))
        self.assertEqual(resp["error"]["code"], code,
                         "wrong error code in %r" % resp)
        self.assertIsInstance(resp["error"].get("message"), str,
                              "error without a message: %r" % resp)
        self.assertEqual(resp.get("jsonrpc"), "2.0", resp)
        self.assertIn("id", resp, "an error response must carry id: %r"
                      % resp)
        self.assertEqual(resp["id"], id, "wrong id in %r" % resp)
        self.assertNotIn("result", resp, resp)
        if msg is not None:
            self.assertRegex(resp["error"]["message"], msg)

    def assertResult(self, resp, id):
        self.assertIn("result", resp, "expected a result, got %r" % resp)
        self.assertNotIn("error", resp, resp)
        self.assertEqual(resp.get("jsonrpc"), "2.0", resp)
        self.assertEqual(resp.get("id"), id, resp)
        return resp["result"]

    def assertAlive(self):
        self.assertTrue(self.d.running(), "the daemon died:\n%s"
                        % self.d.log_tail())
        with self.d.client() as c:
            self.assertIs(c.result("ping")["pong"], True)

    # ---- ping and hello ---------------------------------------------------

    def test_ping_shape(self):
        c = self.client()
        r = self.assertResult(c.call("ping", id=1), 1)
        self.assertIs(r["pong"], True)
        self.assertIsInstance(r["time"], int)
        # The daemon's clock and ours: same machine; a day of slack.
        self.assertLess(abs(r["time"] - time.time()), 86400, r)
        # params {} is the same as no params
        self.assertIs(c.result("ping", {})["pong"], True)

    def test_hello_anonymous(self):
        c = self.client()
        r = c.result("hello", {})
        self.assertEqual(r["server"], "jobmatchd")
        self.assertEqual(r["protocol"], 1)
        self.assertEqual(r["role"], "anonymous")
        self.assertEqual(set(r["methods"]), {"hello", "ping"})
        self.assertNotIn("employer_id", r)

    def test_hello_shapes(self):
        out = h.run_daemon(["--version"])
        self.assertEqual(out.returncode, 0, out.stderr)
        version = out.stdout.split()[-1]
        cases = {
            h.KIOSK: ("kiosk", {"hello", "ping", "vocab", "job.get",
                                "job.list", "match", "skills.suggest",
                                "interest.record", "fair.get", "fair.list"}),
            h.EMP_A: ("employer", {"hello", "ping", "vocab", "job.post",
                                   "job.get", "job.close", "job.list",
                                   "interest.list", "fair.get", "fair.list",
                                   "employer.quota"}),
            h.STAFF: ("staff", ALL_METHODS),
        }
        for token, (role, methods) in cases.items():
            with self.subTest(role=role):
                c = self.client()
                r = c.hello(token)
                self.assertEqual(r["server"], "jobmatchd", r)
                self.assertEqual(r["version"], version, r)
                self.assertRegex(r["version"], r"^\d+\.\d+\.\d+")
                self.assertEqual(r["protocol"], 1, r)
                self.assertEqual(r["role"], role, r)
                self.assertIsInstance(r["methods"], list)
                self.assertEqual(len(r["methods"]), len(set(r["methods"])),
                                 "methods listed twice: %r" % r["methods"])
                self.assertEqual(set(r["methods"]), methods, r)
                if role == "employer":
                    self.assertEqual(r["employer_id"], "emp-a", r)
                else:
                    self.assertNotIn("employer_id", r)
        c = self.client()
        self.assertEqual(c.hello(h.EMP_B)["employer_id"], "emp-b")

    def test_anonymous_may_only_hello_and_ping(self):
        c = self.client()
        for method, params in [("vocab", None),
                               ("job.get", {"id": "p-1",
                                            "employer_id": "emp-a"}),
                               ("job.list", {}),
                               ("match", {"profile": PROFILE}),
                               ("job.post", {"job": job("anon-1")}),
                               ("employer.get", {"id": "emp-a"})]:
            with self.subTest(method=method):
                self.assertError(c.call(method, params, id=7), -32001, 7)
        # still anonymous and connected; the post did not happen
        self.assertIs(c.result("ping")["pong"], True)
        s = self.client(h.STAFF)
        self.assertError(s.call("job.get", {"id": "anon-1",
                                            "employer_id": "emp-a"}, id=1),
                         -32002, 1)

    def test_vocab_contents(self):
        c = self.client(h.KIOSK)
        v = c.result("vocab")
        ids = lambda k: [e["id"] for e in v[k]]
        self.assertEqual(ids("disability_types"), [
            "visual", "hearing", "speech", "physical", "intellectual",
            "mental", "multiple"])
        self.assertEqual(ids("grades"), [1, 2, 3, 4])
        self.assertEqual(set(ids("accommodations")), {
            "step_free_access", "elevator", "accessible_toilet",
            "accessible_parking", "adjustable_workstation", "screen_reader",
            "screen_magnifier", "braille", "large_print", "sign_language",
            "captioning", "hearing_loop", "visual_alerts",
            "written_instructions", "quiet_space", "job_coach",
            "flexible_hours", "remote_work", "accessible_transport",
            "service_animal"})
        self.assertEqual(set(ids("employment_types")), {
            "full_time", "part_time", "public_welfare", "sheltered",
            "flexible", "internship"})
        self.assertEqual(set(ids("employer_types")), {
            "agency", "institution", "soe", "private", "community",
            "social_org", "sheltered_workshop"})
        self.assertEqual(ids("employment_forms"), [
            "employer", "public_welfare", "sheltered", "self_employed",
            "flexible", "farming", "stall"])
        self.assertEqual(ids("followup_outcomes"), [
            "in_work", "changed_work", "lost_work", "at_risk"])
        for k in ("disability_types", "grades", "accommodations",
                  "employment_types", "employer_types", "employment_forms",
                  "followup_outcomes"):
            for e in v[k]:
                self.assertRegex(e["label"], r"[\u4e00-\u9fff]",
                                 "no Chinese label: %r" % e)
        towns = {t["code"]: t for t in v["towns"]}
        self.assertEqual(towns["500231001000"]["name"], "桂溪街道")
        self.assertAlmostEqual(towns["500231001000"]["lat"], 30.3336)
        self.assertAlmostEqual(towns["500231001000"]["lon"], 107.3455)
        self.assertNotIn("500231000000", towns, "the county is no town")
        self.assertEqual(len(towns), 26)

    def test_bad_token_and_disconnect(self):
        c = self.client()
        self.assertError(c.call("hello", {"token": "wrong-1"}, id=1),
                         -32001, 1)
        self.assertError(c.call("hello", {"token": "wrong-2"}, id=2),
                         -32001, 2)
        # still open and still anonymous after two failures
        self.assertIs(c.result("ping")["pong"], True)
        self.assertError(c.call("vocab", id=3), -32001, 3)
        # the third failure (max_hello_failures 3) closes the connection
        self.assertError(c.call("hello", {"token": "wrong-3"}, id=4),
                         -32001, 4)
        c.wait_closed()
        self.assertAlive()

    def test_bad_token_then_good_token(self):
        c = self.client()
        self.assertError(c.call("hello", {"token": "nope"}, id=1), -32001, 1)
        self.assertEqual(c.hello(h.KIOSK)["role"], "kiosk")
        self.assertIsInstance(c.result("vocab"), dict)

    def test_hello_token_must_be_string(self):
        c = self.client()
        e = c.error("hello", {"token": 12345}, -32602)
        self.assertEqual(e["data"]["field"], "token")

    # ---- the envelope -----------------------------------------------------

    def test_parse_error(self):
        c = self.client()
        for bad in [b'{"jsonrpc":"2.0","id":1,"method":"ping"\n',
                    b'{"jsonrpc":"2.0","id":1,"method":"ping",}\n',
                    b"not json at all\n",
                    b'{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}\n']:
            with self.subTest(line=bad):
                c.send_raw(bad)
                self.assertError(c.read_json(), -32700, None)
        self.assertIs(c.result("ping")["pong"], True)

    def test_invalid_requests(self):
        c = self.client()
        cases = [
            (b"[]", None),
            (b"42", None),
            (b'"ping"', None),
            (b"null", None),
            (b"true", None),
            (b'{"jsonrpc":"1.0","id":5,"method":"ping"}', 5),
            (b'{"id":6,"method":"ping"}', 6),
            (b'{"jsonrpc":"2.0","id":7}', 7),
            (b'{"jsonrpc":"2.0","id":8,"method":42}', 8),
            (b'{"jsonrpc":"2.0","id":9,"method":"ping","extra":1}', 9),
            (b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', None),
            (b'{"jsonrpc":"2.0","id":[1],"method":"ping"}', None),
            (b'{"jsonrpc":"2.0","id":true,"method":"ping"}', None),
            (b'[[{"jsonrpc":"2.0","id":1,"method":"ping"}]]', "batch"),
            (b'{"jsonrpc":"2.0","id":10,"method":"ping","params":5}', 10),
        ]
        for raw, id in cases:
            with self.subTest(line=raw):
                c.send_raw(raw + b"\n")
                r = c.read_json()
                if id == "batch":     # a batch whose item is no object
                    self.assertIsInstance(r, list, r)
                    self.assertEqual(len(r), 1, r)
                    self.assertError(r[0], -32600, None)
                else:
                    self.assertError(r, -32600, id)
        # an invalid request without id is answered too (id null)
        c.send_raw(b'{"jsonrpc":"2.0","method":7}\n')
        self.assertError(c.read_json(), -32600, None)
        self.assertIs(c.result("ping")["pong"], True)

    def test_batch_limits(self):
        # (staff: a batch of 100 is longer than the anonymous line limit)
        c = self.client(h.STAFF)
        c.send_raw(line([request("ping", id=i) for i in range(101)]))
        r = c.read_json()
        self.assertIsInstance(r, dict, "an oversized batch gets one error")
        self.assertError(r, -32600, None)
        self.assertNotIn("too long", r["error"]["message"])
        c.send_raw(line([request("ping", id=i) for i in range(100)]))
        r = c.read_json()
        self.assertIsInstance(r, list)
        self.assertEqual([x["id"] for x in r], list(range(100)))
        for x in r:
            self.assertIs(x["result"]["pong"], True)

    def test_unknown_method(self):
        c = self.client(h.STAFF)
        self.assertError(c.call("no.such.method", id="m1"), -32601, "m1")
        self.assertError(c.call("employer.delete", {"id": "x"}, id=2), -32601,
                         2)
        # an anonymous caller learns the same
        a = self.client()
        self.assertError(a.call("no.such.method", id=3), -32601, 3)

    def test_invalid_params_name_the_field(self):
        k = self.client(h.KIOSK)
        s = self.client(h.STAFF)
        cases = [
            (k, "match", {}, "profile"),
            (k, "match", {"profile": PROFILE, "limitt": 5}, "limitt"),
            (k, "match", {"profile": dict(PROFILE, town="000")},
             "profile.town"),
            (k, "match", {"profile": {"disability": {"type": "visual",
                                                     "grade": 9},
                                      "town": "500231001000"}},
             "profile.disability.grade"),
            (k, "match", {"profile": {"disability": {"type": "visual",
                                                     "grade": 1},
                                      "location": {"lat": 95, "lon": 1}}},
             "profile.location.lat"),
            (k, "match", {"profile": dict(PROFILE, needs=["stairs"])},
             "profile.needs[0]"),
            (k, "match", {"profile": PROFILE, "limit": 0}, "limit"),
            (k, "match", {"profile": PROFILE, "limit": 101}, "limit"),
            (k, "match", {"profile": PROFILE,
                          "filters": {"min_salary": "x"}},
             "filters.min_salary"),
            (k, "ping", {"bogus": 1}, "bogus"),
            (s, "job.post", {"job": job("bad-1", employment_type="gig")},
             "job.employment_type"),
            (s, "job.post", {"job": job("bad-2", accessible_for=[])},
             "job.accessible_for"),
            (s, "job.post", {"job": job("bad-3", salary={"min": 5,
                                                          "max": 1})},
             "job.salary.min"),
            (s, "job.post", {"job": job("bad 4")}, "job.id"),
            (s, "job.post", {"job": job("bad-5", colour="red")},
             "job.colour"),
            (s, "job.post", {"job": job("bad-6"), "expected_version": "1"},
             "expected_version"),
            (s, "job.post", {}, "job"),
            (s, "job.get", {"id": "p-1"}, "employer_id"),
            (s, "job.list", {"status": "gone"}, "status"),
            (s, "employer.put", {"employer": {"id": "e", "name": "n",
                                              "type": "shop",
                                              "town": "500231001000"}},
             "employer.type"),
        ]
        for c, method, params, field in cases:
            with self.subTest(method=method, field=field):
                e = c.error(method, params, -32602)
                self.assertIsInstance(e.get("data"), dict, e)
                self.assertEqual(e["data"].get("field"), field, e)
                self.assertIsInstance(e["data"].get("reason"), str, e)
        # nothing was written by the rejected posts
        for i in range(1, 7):
            s.error("job.get", {"id": "bad-%d" % i, "employer_id": "emp-a"},
                    -32002)

    def test_params_must_be_an_object(self):
        c = self.client(h.KIOSK)
        self.assertError(c.call("ping", [], id=1), -32602, 1)
        self.assertError(c.call("match", [PROFILE], id=2), -32602, 2)

    def test_notification_gets_no_response(self):
        c = self.client(h.STAFF)
        c.send(notification("ping"))
        c.send(notification("no.such.method"))
        c.send(notification("match", {"profile": {}}))
        c.send(notification("job.get", {"id": "p-1",
                                        "employer_id": "emp-a"}))
        c.send(request("ping", id="after"))
        r = c.read_json()
        self.assertEqual(r.get("id"), "after",
                         "a notification was answered: %r" % r)
        # and nothing else is pending
        c.send(request("ping", id="last"))
        self.assertEqual(c.read_json().get("id"), "last")

    def test_notification_is_executed(self):
        s = self.client(h.STAFF)
        s.send(notification("job.post", {"job": job("note-1")}))
        s.send(request("ping", id=1))
        self.assertEqual(s.read_json()["id"], 1)
        got = h.wait_until(lambda: "result" in s.call(
            "job.get", {"id": "note-1", "employer_id": "emp-a"}),
            what="the notified job.post to be applied")
        self.assertTrue(got)

    def test_id_echoed_unchanged(self):
        c = self.client()
        for id in ["abc", "", "编号-1 ✓", 0, 1, -5, 12345678901234,
                   2 ** 53 + 1, None, 2.5]:
            with self.subTest(id=id):
                c.send(request("ping", id=id))
                ln = c.read_line()
                r = json.loads(ln)
                self.assertIn("id", r)
                self.assertEqual(r["id"], id, ln)
                self.assertEqual(type(r["id"]), type(id), ln)
                self.assertIs(r["result"]["pong"], True)
        # an error echoes the id too
        c.send(request("vocab", id="x-1"))
        self.assertError(c.read_json(), -32001, "x-1")

    def test_float_id_echoed_exactly(self):
        # A fractional id comes back as the same number, however many
        # digits it needs.
        c = self.client()
        id = 3.141592653589793
        c.send(request("ping", id=id))
        self.assertEqual(c.read_json()["id"], id)

    def test_batch_mixed(self):
        c = self.client(h.STAFF)
        batch = [
            request("ping", id=1),
            {"jsonrpc": "2.0", "id": 2},                    # no method
            notification("ping"),
            request("no.such", id=3),
            42,
            request("job.get", {"id": "p-1", "employer_id": "emp-a"},
                    id=4),
            request("job.get", {"id": "nope", "employer_id": "emp-a"},
                    id=5),
            request("match", {}, id=6),
            notification("no.such"),
            request("ping", id="last"),
        ]
        c.send_raw(line(batch))
        r = c.read_json()
        self.assertIsInstance(r, list, r)
        self.assertEqual([x.get("id") for x in r],
                         [1, 2, 3, None, 4, 5, 6, "last"], r)
        self.assertIs(r[0]["result"]["pong"], True)
        self.assertError(r[1], -32600, 2)
        self.assertError(r[2], -32601, 3)
        self.assertError(r[3], -32600, None)
        self.assertEqual(r[4]["result"]["id"], "p-1")
        self.assertError(r[5], -32002, 5)
        self.assertError(r[6], -32602, 6)
        self.assertIs(r[7]["result"]["pong"], True)

    def test_batch_of_notifications_gets_nothing(self):
        c = self.client()
        c.send_raw(line([notification("ping"), notification("ping")]))
        c.send(request("ping", id=9))
        self.assertEqual(c.read_json()["id"], 9)

    def test_batch_hello_applies_to_later_items(self):
        c = self.client()
        c.send_raw(line([request("hello", {"token": h.KIOSK}, id=1),
                         request("vocab", id=2)]))
        r = c.read_json()
        self.assertEqual(r[0]["result"]["role"], "kiosk")
        self.assertIn("result", r[1], r[1])

    def test_pipelined_in_order(self):
        c = self.client(h.STAFF)
        reqs, expect = [], []
        for i in range(200):
            kind = i % 4
            if kind == 0:
                reqs.append(request("ping", id=i))
            elif kind == 1:       # answered by Redis, later
                reqs.append(request("job.get", {"id": "p-1",
                                                "employer_id": "emp-a"},
                                    id=i))
            elif kind == 2:
                reqs.append(request("match", {"profile": PROFILE,
                                              "limit": 1}, id=i))
            else:
                reqs.append(request("job.get", {"id": "none-%d" % i,
                                                "employer_id": "emp-a"},
                                    id=i))
            expect.append(kind)
        c.send_raw(b"".join(line(r) for r in reqs))
        for i in range(200):
            r = c.read_json()
            self.assertEqual(r.get("id"), i, "response out of order: %r" % r)
            if expect[i] == 0:
                self.assertIs(r["result"]["pong"], True)
            elif expect[i] == 1:
                self.assertEqual(r["result"]["id"], "p-1")
            elif expect[i] == 2:
                self.assertIn("results", r["result"])
            else:
                self.assertError(r, -32002, i)

    def test_framing_crlf_and_empty_lines(self):
        c = self.client()
        c.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"ping"}\r\n')
        self.assertEqual(c.read_json()["id"], 1)
        c.send_raw(b'\n\n\r\n{"jsonrpc":"2.0","id":2,"method":"ping"}\n'
                   b'\r\n{"jsonrpc":"2.0","id":3,"method":"ping"}\r\n\n')
        self.assertEqual(c.read_json()["id"], 2)
        self.assertEqual(c.read_json()["id"], 3)
        # a request split over many writes
        raw = b'{"jsonrpc":"2.0","id":4,"method":"ping"}\r\n'
        for i in range(len(raw)):
            c.send_raw(raw[i:i + 1])
        self.assertEqual(c.read_json()["id"], 4)
        # nothing else came
        c.send(request("ping", id=5))
        self.assertEqual(c.read_json()["id"], 5)

    def test_responses_are_single_lines(self):
        c = self.client(h.KIOSK)
        c.send(request("vocab", id=1))
        ln = c.read_line()
        r = json.loads(ln)
        self.assertIn("towns", r["result"])
        self.assertNotIn(b"\r", ln)

    def test_nul_byte_is_a_parse_error(self):
        c = self.client()
        for raw in [b'{"jsonrpc":"2.0","id":1,"method":"ping"\x00}\n',
                    b'{"jsonrpc":"2.0","id":"a\x00b","method":"ping"}\n',
                    b'\x00{"jsonrpc":"2.0","id":1,"method":"ping"}\n',
                    b'{"jsonrpc":"2.0","id":"a\\u0000b","method":"ping"}\n']:
            with self.subTest(line=raw):
                c.send_raw(raw)
                self.assertError(c.read_json(), -32700, None)
        self.assertIs(c.result("ping")["pong"], True)

    def test_invalid_utf8_is_a_parse_error(self):
        c = self.client()
        for raw in [b'{"jsonrpc":"2.0","id":"\xff","method":"ping"}\n',
                    b'{"jsonrpc":"2.0","id":"\xc0\xaf","method":"ping"}\n',
                    b'{"jsonrpc":"2.0","id":"\xed\xa0\x80","method":"ping"}\n',
                    b'{"jsonrpc":"2.0","id":"\xe6\x8e","method":"ping"}\n']:
            with self.subTest(line=raw):
                c.send_raw(raw)
                self.assertError(c.read_json(), -32700, None)
        self.assertIs(c.result("ping")["pong"], True)

    def test_anonymous_line_limit(self):
        # Default anon_max_line_bytes is 4096; max_line_bytes is 1 MiB.
        pad = " " * 5000
        raw = ('{"jsonrpc":"2.0","id":1,"method":"ping"%s}\n' % pad).encode()
        other = self.client()
        a = self.client()
        a.send_raw(raw)
        r = a.read_json()
        self.assertError(r, -32600, None, msg="too long")
        a.wait_closed()
        # after hello the same line is fine
        k = self.client(h.KIOSK)
        k.send_raw(raw)
        self.assertEqual(k.read_json().get("result", {}).get("pong"), True)
        # exactly at the anonymous limit is fine too (CRLF not counted)
        body = '{"jsonrpc":"2.0","id":2,"method":"ping"}'
        exact = body[:-1] + " " * (4096 - len(body)) + "}"
        self.assertEqual(len(exact), 4096)
        b = self.client()
        b.send_raw(exact.encode() + b"\r\n")
        self.assertEqual(b.read_json()["id"], 2)
        # the other anonymous connection was not disturbed
        self.assertIs(other.result("ping")["pong"], True)

    def test_client_half_close_still_answered(self):
        c = self.client(h.STAFF)
        c.send(request("job.get", {"id": "p-1", "employer_id": "emp-a"},
                       id=1))
        c.send(request("ping", id=2))
        c.sock.shutdown(socket.SHUT_WR)
        self.assertEqual(c.read_json()["id"], 1)
        self.assertEqual(c.read_json()["id"], 2)
        c.wait_closed()

    def test_long_token_refused(self):
        c = self.client()
        e = c.error("hello", {"token": "x" * 300}, -32602)
        self.assertEqual(e["data"]["field"], "token")

    def test_deep_nesting_is_a_parse_error(self):
        c = self.client(h.STAFF)
        c.send_raw(b"[" * 100000 + b"]" * 100000 + b"\n")
        self.assertError(c.read_json(), -32700, None)
        c.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"ping","params":' +
                   b'{"a":' * 50000 + b"1" + b"}" * 50001 + b"\n")
        self.assertError(c.read_json(), -32700, None)
        self.assertIs(c.result("ping")["pong"], True)

    def test_disconnect_with_requests_in_flight(self):
        # Replies that come back from Redis after the client left must not
        # touch the freed connection.
        for _ in range(5):
            c = self.d.client(h.STAFF)
            reqs = [request("job.get", {"id": "p-1", "employer_id": "emp-a"},
                            id=i) for i in range(100)]
            c.send_raw(b"".join(line(r) for r in reqs) + line(reqs[:50]))
            c.close()
        self.assertAlive()

    def test_half_close_drops_an_unfinished_line(self):
        c = self.client()
        c.send_raw(line(request("ping", id=1)) +
                   b'{"jsonrpc":"2.0","id":2,"method":"ping"}')
        c.sock.shutdown(socket.SHUT_WR)
        self.assertEqual(c.read_json()["id"], 1)
        c.wait_closed()

    def test_tokens_never_logged(self):
        c = self.client()
        c.call("hello", {"token": "secret-wrong-token-77"})
        c.hello(h.STAFF)
        with self.d.client(h.EMP_B):
            pass
        # the daemon logs as it goes: wait until it logged these hellos
        self.d.wait_log("is staff")
        log = self.d.log_text(whole=True)
        for tok in ["secret-wrong-token-77"] + list(h.TOKENS.values()):
            self.assertNotIn(tok, log, "a token was logged")

    def test_zz_still_serving(self):
        # runs last (alphabetical order): nothing above broke the daemon
        self.assertAlive()
        with self.d.client(h.KIOSK) as c:
            self.assertIn("results", c.result("match", {"profile": PROFILE}))


class ConnectionLimitTest(unittest.TestCase):
    """A daemon with max_connections 2."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["max_connections 2"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def connect_ok(self):
        """A connection that got in (the daemon may not have noticed yet
        that the harness's own connections closed: retry)."""
        def attempt():
            c = h.Client(self.d.port)
            c.send(request("ping", id=1))
            ln = c.read_line()
            if ln is not None and "result" in json.loads(ln):
                return c
            c.close()       # busy: an error, then closed
            return None
        return h.wait_until(attempt, what="a free connection slot")

    def test_busy_when_full(self):
        c1 = self.connect_ok()
        self.addCleanup(c1.close)
        c2 = self.connect_ok()
        self.addCleanup(c2.close)
        c3 = h.Client(self.d.port)
        self.addCleanup(c3.close)
        r = c3.read_json()
        self.assertEqual(r["error"]["code"], -32005, r)
        self.assertIsNone(r["id"])
        c3.wait_closed()
        self.assertIs(c1.result("ping")["pong"], True)
        self.assertIs(c2.result("ping")["pong"], True)
        c1.close()
        c4 = self.connect_ok()
        self.addCleanup(c4.close)
        self.assertIs(c4.result("ping")["pong"], True)


class IdleTimeoutTest(unittest.TestCase):
    """anon_idle_timeout_s 1 before hello, idle_timeout_s 30 after."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["anon_idle_timeout_s 1", "idle_timeout_s 30"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def test_anonymous_idle_is_closed(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        self.assertIs(c.result("ping")["pong"], True)
        # nothing more is sent: the daemon closes it, without a word
        c.wait_closed()

    def test_authenticated_gets_the_longer_timeout(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        time.sleep(2.5)         # beyond the anonymous limit
        self.assertIs(c.result("ping")["pong"], True)
        # and the daemon still serves new connections
        c2 = h.Client(self.d.port)
        self.addCleanup(c2.close)
        self.assertIs(c2.result("ping")["pong"], True)


class LineTimeoutTest(unittest.TestCase):
    """line_timeout_s 1: a line must be whole a second after its first
    byte, however steadily its bytes drip in."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["line_timeout_s 1", "idle_timeout_s 30"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def test_dripping_line_is_refused(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        req = line(request("ping", id=1))
        got = None
        for i in range(len(req) - 1):      # never the newline
            try:
                c.send_raw(req[i:i + 1])
            except OSError:
                break                       # closed: good
            time.sleep(0.2)
            c.sock.setblocking(False)
            try:
                chunk = c.sock.recv(4096)
            except BlockingIOError:
                chunk = None
            finally:
                c.sock.setblocking(True)
            if chunk:
                got = chunk
                break
        self.assertIsNotNone(got, "a dripping line was never refused")
        r = json.loads(got.split(b"\n")[0])
        self.assertEqual(r["error"]["code"], -32600, r)
        self.assertIn("not finished", r["error"]["message"])
        self.assertIsNone(r["id"])
        # the daemon goes on serving
        o = h.Client(self.d.port)
        self.addCleanup(o.close)
        self.assertIs(o.result("ping")["pong"], True)

    def test_whole_lines_keep_the_clock_fresh(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        # a line every 0.4 s for 2 s: each is whole well within its second
        for i in range(5):
            c.send(request("ping", id=i))
            self.assertEqual(c.read_json()["id"], i)
            time.sleep(0.4)


@unittest.skipUnless(shutil.which("prlimit"), "prlimit (util-linux) missing")
class OutOfDescriptorsTest(unittest.TestCase):
    """A daemon allowed 40 file descriptors: when accept() fails with
    EMFILE it stops accepting for a while instead of spinning, and serves
    the callers waiting in the backlog once descriptors are free."""

    @classmethod
    def setUpClass(cls):
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.d = h.Daemon(cls.redis.port, prefix=["prlimit", "--nofile=40:40"])
        cls.addClassCleanup(cls.d.cleanup)
        cls.d.start()

    def test_emfile_pauses_then_serves(self):
        held = []
        for _ in range(60):
            c = h.Client(self.d.port)
            held.append(c)
            self.addCleanup(c.close)
        def paused():
            with open(self.d.log, "rb") as f:
                return b"not accepting for" in f.read()
        self.assertTrue(h.wait_until(paused, timeout=10,
                                     what="the EMFILE pause in the log"))
        # free descriptors: the ones waiting in the backlog get in
        for c in held[:40]:
            c.close()
        for c in held[40:]:
            self.assertIs(c.result("ping")["pong"], True)
        n = h.Client(self.d.port)
        self.addCleanup(n.close)
        self.assertIs(n.result("ping")["pong"], True)
        self.assertIsNone(self.d.proc.poll(), "the daemon died")


class HelloPauseTest(unittest.TestCase):
    """hello_fail_limit 3, hello_pause_s 2: three wrong tokens from one
    address pause its hellos, even with a good token, for two seconds."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["hello_fail_limit 3", "hello_pause_s 2",
                               "max_hello_failures 100"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def hello(self, c, token):
        c.send(request("hello", {"token": token}, id=1))
        return c.read_json()

    def test_failures_pause_the_address(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        for _ in range(3):
            r = self.hello(c, "wrong-token")
            self.assertEqual(r["error"]["code"], -32001, r)
        r = self.hello(c, h.STAFF)
        self.assertEqual(r["error"]["code"], -32005, r)
        self.assertEqual(r["error"]["data"]["retry_after_s"], 2)
        # the address, not the connection, is paused
        o = h.Client(self.d.port)
        self.addCleanup(o.close)
        self.assertEqual(self.hello(o, h.STAFF)["error"]["code"], -32005)
        self.assertIs(o.result("ping")["pong"], True)   # still served
        time.sleep(2.5)
        self.assertEqual(self.hello(o, h.STAFF)["result"]["role"], "staff")
        # a success clears the count
        self.assertEqual(self.hello(c, "wrong-token")["error"]["code"],
                         -32001)
        self.assertEqual(self.hello(c, h.STAFF)["result"]["role"], "staff")


class RequestRateTest(unittest.TestCase):
    """max_request_rate 50 (kiosks and anonymous connections) and
    staff_max_request_rate 100: a burst of as many, then as many a second;
    employers keep their default (100,000). A line is let through or
    refused whole."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["max_request_rate 50",
                               "staff_max_request_rate 100"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def client(self, token):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(token)          # one of the burst
        return c

    def pings(self, c, n):
        """Pipelines n pings; returns (answered, refused), checking that
        every one is answered, in order."""
        c.send_raw(b"".join(line(request("ping", id=i)) for i in range(n)))
        ok, busy = 0, []
        for i in range(n):
            r = c.read_json()
            self.assertEqual(r["id"], i)        # every one, in order
            if "result" in r:
                ok += 1
            else:
                self.assertEqual(r["error"]["code"], -32005, r)
                busy.append(r["error"]["data"])
        return ok, busy

    def test_over_the_rate_is_busy(self):
        c = self.client(h.KIOSK)
        ok, busy = self.pings(c, 200)
        self.assertGreaterEqual(ok, 45, "the burst was not allowed")
        self.assertGreater(len(busy), 0, "no request was over the rate")
        for data in busy:
            self.assertEqual(data["max_request_rate"], 50)
            # when the bucket holds one again: at most 1/50 s away
            self.assertGreaterEqual(data["retry_after_ms"], 1)
            self.assertLessEqual(data["retry_after_ms"], 21)
        # the bucket fills again, and other connections have their own
        o = h.Client(self.d.port)
        self.addCleanup(o.close)
        self.assertIs(o.result("ping")["pong"], True)
        time.sleep(busy[-1]["retry_after_ms"] / 1000.0)
        self.assertIs(c.result("ping")["pong"], True)

    def test_roles_have_their_own_rates(self):
        # an employer (an HR system loading its postings): its own,
        # much higher, default rate
        ok, busy = self.pings(self.client(h.EMP_A), 1000)
        self.assertEqual((ok, busy), (1000, []))
        # staff: staff_max_request_rate
        ok, busy = self.pings(self.client(h.STAFF), 400)
        self.assertGreaterEqual(ok, 95, "the burst was not allowed")
        self.assertGreater(len(busy), 0, "no request was over the rate")
        self.assertEqual({d["max_request_rate"] for d in busy}, {100})

    def test_a_line_is_counted_whole(self):
        c = self.client(h.KIOSK)            # 49 left
        batch = lambda tag, n: [request("ping", id="%s-%d" % (tag, i))
                                for i in range(n)]
        # two batches of 40 in one write: the first goes, the second
        # would overdraw the bucket and is refused whole, not in part
        c.send_raw(line(batch("a", 40)) + line(batch("b", 40)))
        first, second = c.read_json(), c.read_json()
        self.assertEqual([r.get("result", {}).get("pong") for r in first],
                         [True] * 40, first)
        self.assertEqual([r["error"]["code"] for r in second],
                         [-32005] * 40, second)
        waits = {r["error"]["data"]["retry_after_ms"] for r in second}
        self.assertEqual(len(waits), 1, waits)
        wait = waits.pop()
        # 31 tokens missing at 50 a second
        self.assertGreater(wait, 500)
        self.assertLessEqual(wait, 1000)
        # after the wait it names, the same batch goes through whole
        time.sleep(wait / 1000.0)
        c.send(batch("b", 40))
        again = c.read_json()
        self.assertEqual([r.get("result", {}).get("pong") for r in again],
                         [True] * 40, again)
        # a batch larger than the bucket (100 > 50) takes a full bucket
        c.send(batch("c", 100))
        refused = c.read_json()
        self.assertEqual({r["error"]["code"] for r in refused}, {-32005})
        time.sleep(refused[0]["error"]["data"]["retry_after_ms"] / 1000.0)
        c.send(batch("c", 100))
        self.assertEqual(len([r for r in c.read_json() if "result" in r]),
                         100)


class BackpressureTest(unittest.TestCase):
    """max_pending 64, max_output_bytes 64k: a client that pipelines 10,000
    requests and does not read is held back by TCP, not by the daemon's
    memory; when it reads, every answer comes, in order."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["max_pending 64", "max_output_bytes 64k",
                               "max_request_rate 1000000"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def served(self, conn_id):
        """How many vocab requests of connection conn_id the daemon has
        taken in (its debug log names each one)."""
        with open(self.d.log, "rb") as f:
            return f.read().count(b"conn %d: vocab" % conn_id)

    def test_pipelined_without_reading(self):
        n = 10000
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        conn_id = int(re.findall(rb"conn (\d+): hello",
                                 open(self.d.log, "rb").read())[-1])
        payload = b"".join(line({"jsonrpc": "2.0", "id": i,
                                 "method": "vocab"}) for i in range(n))
        t = threading.Thread(target=c.sock.sendall, args=(payload,),
                             daemon=True)
        t.start()
        # The answers (4 KB each, 40 MB in all) fill the sockets' buffers;
        # then the daemon stops taking requests in instead of buffering
        # answers without end. Wait until the count stops growing.
        last = -1
        while self.served(conn_id) != last:
            last = self.served(conn_id)
            time.sleep(0.5)
        self.assertLess(last, n // 2, "the daemon took in every request "
                        "of a client that does not read")
        # ...while other clients are served
        o = h.Client(self.d.port)
        self.addCleanup(o.close)
        self.assertIs(o.result("ping")["pong"], True)
        # now read: every answer, in order
        for i in range(n):
            r = c.read_json()
            self.assertEqual(r["id"], i)
            self.assertIn("result", r)
        t.join(10.0)
        self.assertEqual(self.served(conn_id), n)


class UnixSocketTest(unittest.TestCase):
    """The optional unix stream socket speaks the same protocol."""

    @classmethod
    def setUpClass(cls):
        cls.sockdir = tempfile.mkdtemp(prefix="jm-sock-")
        cls.addClassCleanup(shutil.rmtree, cls.sockdir, True)
        cls.path = os.path.join(cls.sockdir, "jobmatchd.sock")
        cls.env = h.Env(extra=["unix_socket " + cls.path])
        cls.addClassCleanup(cls.env.cleanup)
        cls.d = cls.env.daemon

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()
        if os.path.exists(cls.path):
            raise AssertionError("the daemon left its socket behind")

    def test_unix_socket(self):
        c = h.Client(unix_path=self.path)
        self.addCleanup(c.close)
        self.assertIs(c.result("ping")["pong"], True)
        self.assertEqual(c.result("hello", {})["role"], "anonymous")
        self.assertEqual(c.hello(h.STAFF)["role"], "staff")
        self.assertIn("towns", c.result("vocab"))
        mode = os.stat(self.path).st_mode & 0o777
        self.assertEqual(mode & 0o007, 0, "socket open to everyone: %o"
                         % mode)
        r = subprocess.run([h.JOBMATCH, "-u", self.path, "call", "ping"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIs(json.loads(r.stdout)["pong"], True)


class LineLimitTest(unittest.TestCase):
    """A daemon with max_line_bytes 4096 and other limits configured."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["max_line_bytes 4096",
                               "anon_max_line_bytes 512", "max_batch 5",
                               "max_hello_failures 1"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def client(self, token=None):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def test_too_long_line_closes_only_that_connection(self):
        other = self.client(h.STAFF)
        c = self.client(h.STAFF)
        body = '{"jsonrpc":"2.0","id":1,"method":"ping"}'
        long = body[:-1] + " " * 5000 + "}"
        # an earlier request on the same connection is still answered
        c.send_raw(line(request("job.list", {}, id="before")) +
                   long.encode() + b"\n" + line(request("ping", id="after")))
        r = c.read_json()
        self.assertEqual(r.get("id"), "before", r)
        r = c.read_json()
        self.assertEqual(r["error"]["code"], -32600, r)
        self.assertIsNone(r["id"])
        self.assertIn("too long", r["error"]["message"])
        c.wait_closed()
        self.assertIs(other.result("ping")["pong"], True)

    def test_too_long_without_newline(self):
        # The limit holds before the line ends: no waiting for a newline.
        c = self.client(h.STAFF)
        c.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"ping","x":"' +
                   b"y" * 6000)
        r = c.read_json()
        self.assertEqual(r["error"]["code"], -32600, r)
        self.assertIn("too long", r["error"]["message"])
        c.wait_closed()

    def test_configured_anonymous_limit(self):
        body = '{"jsonrpc":"2.0","id":1,"method":"ping"}'
        c = self.client()
        c.send_raw((body[:-1] + " " * (512 - len(body)) + "}\n").encode())
        self.assertEqual(c.read_json()["id"], 1)
        c.send_raw((body[:-1] + " " * (513 - len(body)) + "}\n").encode())
        r = c.read_json()
        self.assertEqual(r["error"]["code"], -32600, r)
        self.assertIn("512", r["error"]["message"])
        c.wait_closed()

    def test_configured_batch_limit(self):
        c = self.client(h.STAFF)
        c.send_raw(line([request("ping", id=i) for i in range(5)]))
        self.assertEqual(len(c.read_json()), 5)
        c.send_raw(line([request("ping", id=i) for i in range(6)]))
        r = c.read_json()
        self.assertIsInstance(r, dict)
        self.assertEqual(r["error"]["code"], -32600, r)

    def test_configured_hello_failures(self):
        c = self.client()
        r = c.call("hello", {"token": "wrong"}, id=1)
        self.assertEqual(r["error"]["code"], -32001, r)
        c.wait_closed()

    def test_limit_boundary(self):
        body = '{"jsonrpc":"2.0","id":1,"method":"ping"}'
        exact = body[:-1] + " " * (4096 - len(body)) + "}"
        c = self.client(h.STAFF)
        c.send_raw(exact.encode() + b"\n")
        self.assertEqual(c.read_json()["id"], 1)
        c.send_raw(exact.encode() + b"\r\n")
        self.assertEqual(c.read_json()["id"], 1)
        over = body[:-1] + " " * (4097 - len(body)) + "}"
        c.send_raw(over.encode() + b"\n")
        r = c.read_json()
        self.assertEqual(r["error"]["code"], -32600, r)
        self.assertIn("too long", r["error"]["message"])
        c.wait_closed()

    def test_zz_still_serving(self):
        self.assertTrue(self.d.running(), self.d.log_tail())
        with self.d.client() as c:
            self.assertIs(c.result("ping")["pong"], True)


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_rules_install.py - installing a rule set that Redis has stored, when
the install runs out of regex_install_ms after the try on the postings
passed:
  - while a fresh mirror is being loaded: the mirror in use keeps the new
    rule set (never one freed under it), and the load starts again with it;
  - because postings came in between the try and Redis's answer: rules.set
    says the version was stored but is not in use on this daemon, never a
    plain {version}.
A proxy in front of Redis holds the daemon's commands, so that the events
come in this order whatever the timing.
"""
import json
import unittest

import harness as h
from redis_proxy import RedisProxy

GUIXI = h.GUIXI
# Accepted by every probe, slow only where Han and Latin alternate (see
# test_rules.py): seconds on a few hundred postings of "中a中a...".
SLOW_LATIN = (r"(?=\p{Han}\p{Latin}|\p{Latin}\p{Han})((?!\X*+0)(?!\X*+1)"
              r"(?!\X*+2)(?!\X*+3)(?!\X*+4)(?!\X*+5)(?!\X*+6)(?!\X*+7)"
              r"(?!\X*+8)(?!\X*+9))(?:(?1){1}){2}\d")
# The same, slow only where Han and Cyrillic alternate ("中д中д...").
SLOW_CYRILLIC = SLOW_LATIN.replace(r"\p{Latin}", r"\p{Cyrillic}")
LATIN_TEXT = "中a" * 300
CYRILLIC_TEXT = "中д" * 300
PROFILE = {"disability": {"type": "physical", "grade": 3}, "town": GUIXI,
           "skills": ["客服"]}


def slow_rules(pattern):
    return {"rules": [{"name": "slow", "when": {"job.description": pattern},
                       "then": {"boost": 0.1}}]}


def posting(k, description):
    return {"id": "p-%d" % k, "employer_id": "emp-s", "title": "岗位 %d" % k,
            "description": description, "accessible_for": ["any"],
            "employment_type": "full_time", "town": GUIXI}


class Base(unittest.TestCase):

    def start(self, extra=()):
        self.redis = h.Redis()
        self.addCleanup(self.redis.cleanup)
        self.redis.start()
        self.px = RedisProxy(self.redis.port)
        self.addCleanup(self.px.close)
        self.d = h.Daemon(self.redis.port, extra=[
            "redis_timeout_ms 60000", "regex_install_ms 200",
            "regex_time_us 1000"] + list(extra))
        self.addCleanup(self.d.cleanup)
        self.d.redis_port = self.px.port
        self.d.write_config()
        self.d.start()
        self.s = self.client(h.STAFF)
        self.k = self.client(h.KIOSK)
        h.wait_until(lambda: self.version() == 1, what="rules version 1")
        self.s.result("employer.put", {"employer": {
            "id": "emp-s", "name": "单位", "type": "private",
            "town": GUIXI}})

    def client(self, token):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def assert_logged(self, text):
        if text not in self.d.log_text():
            self.d.fail("%r is not in the daemon's log" % text)

    def version(self):
        return self.s.result("rules.get")["version"]

    def post(self, postings):
        for i in range(0, len(postings), 100):
            self.s.send([h.request("job.post", {"job": j}, id=n)
                         for n, j in enumerate(postings[i:i + 100])])
            for r in self.s.read_json():
                self.assertIn("result", r, r)


class LoadingInstallTest(Base):
    """The install into the mirror being loaded runs out of time after the
    install into the mirror in use succeeded: putting the old rules back
    into the mirror in use would run out of time too, and leave it on the
    new rule set, freed."""

    def test_install_while_loading(self):
        self.start()
        # R0, slow on "中a" descriptions, in use before any posting
        v0 = self.s.result("rules.set", {"expected_version": 1,
                                         "rules": slow_rules(SLOW_LATIN)})[
            "version"]
        slow = set(range(0, 1500, 10))
        self.post([posting(k, LATIN_TEXT if k in slow else "整理")
                   for k in range(1500)])
        # Behind the daemon's back, Redis's copies turn slow for R1 (and
        # fast for R0): only a load of the mirror sees them.
        for k in slow:
            key = "jm:job:emp-s:p-%d" % k
            doc = json.loads(self.redis.cmd("HGET", key, "doc"))
            doc["description"] = CYRILLIC_TEXT
            self.redis.cmd("HSET", key, "doc", json.dumps(
                doc, ensure_ascii=False, separators=(",", ":")))
        # The reload's third batch of ids, and all after it, wait: the
        # mirror being loaded holds the first two batches' postings.
        self.px.hold_at("SSCAN", 3)
        self.px.drop()
        self.px.wait_held("SSCAN", 1)
        self.s.send(h.request("rules.set", {
            "expected_version": v0, "rules": slow_rules(SLOW_CYRILLIC)},
            id="set"))
        self.px.wait_held("EVALSHA", 1)
        # Redis stores R1 and the daemon installs it, the load still on
        held = self.px.held()
        self.px.release(held.index("EVALSHA") + 1)
        r = self.s.read_json()
        # the mirror in use matches (under ASan: without a use after free)
        m = self.k.result("match", {"profile": PROFILE, "limit": 1})
        self.assertEqual(r["id"], "set", r)
        self.assertEqual(r.get("result"), {"version": v0 + 1}, r)
        self.assert_logged("the mirror being loaded")
        self.assert_logged("rules: version %d in use" % (v0 + 1))
        self.assertEqual(m["rules_version"], v0 + 1)
        self.assertEqual(self.version(), v0 + 1)
        # the load starts again, with R1, and ends
        n = self.d.log_text().count("redis: mirror loaded")
        self.px.release()
        self.d.wait_log("redis: mirror loaded", count=n + 2)
        got = self.s.result("job.get", {"id": "p-10",
                                        "employer_id": "emp-s"})
        self.assertEqual(got["description"], CYRILLIC_TEXT)
        m = self.k.result("match", {"profile": PROFILE, "limit": 1})
        self.assertEqual(m["rules_version"], v0 + 1)
        self.assertEqual(self.version(), v0 + 1)
        self.d.stop()


class StoredNotInstalledTest(Base):
    """Postings reach the mirror between rules.set's try on the postings
    and Redis's answer: the install after the store runs out of time."""

    def test_answer_says_not_installed_here(self):
        # all 150 postings and the rules.set at Redis together
        self.start(extra=["max_store_inflight 1000"])
        self.post([posting(k, "整理") for k in range(100)])
        v = self.version()
        self.px.hold()
        # 150 slow postings for R1, sent before it: Redis confirms them,
        # and the mirror takes them, only after rules.set tried R1
        self.s.send([h.request("job.post", {"job": posting(k, LATIN_TEXT)},
                               id=k) for k in range(100, 200)])
        self.s.send([h.request("job.post", {"job": posting(k, LATIN_TEXT)},
                               id=k) for k in range(200, 250)])
        self.s.send(h.request("rules.set", {
            "expected_version": v, "rules": slow_rules(SLOW_LATIN)},
            id="set"))
        self.px.wait_held("EVALSHA", 151)
        self.px.release()
        self.assertEqual(len(self.s.read_json()), 100)
        self.assertEqual(len(self.s.read_json()), 50)
        r = self.s.read_json()
        self.assertEqual(r["id"], "set", r)
        self.assertIn("error", r, "rules.set answered %r, but this daemon "
                      "kept version %d" % (r, self.version()))
        e = r["error"]
        self.assertEqual(e["code"], -32006, e)
        self.assertIn("stored as version %d" % (v + 1), e["message"])
        self.assertEqual(e["data"]["applied"], True, e)
        self.assertEqual(e["data"]["version"], v + 1, e)
        self.assertEqual(e["data"]["in_use"], v, e)
        # Redis has it; this daemon keeps v and says so
        self.assertEqual(int(self.redis.cmd("HGET", "jm:rules", "version")),
                         v + 1)
        self.assertEqual(self.version(), v)
        self.assertEqual(self.k.result("match", {"profile": PROFILE})[
            "rules_version"], v)
        # a rollback stores v's document again: back in step
        r = self.s.result("rules.rollback", {"version": v,
                                             "expected_version": v + 1})
        self.assertEqual(r, {"version": v + 2, "restored": v})
        self.assertEqual(self.version(), v + 2)
        self.d.stop()


if __name__ == "__main__":
    h.main()

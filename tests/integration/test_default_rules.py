# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_default_rules.py - a daemon whose configuration names no rules_file
runs the shipped rule set (data/rules.default.json), compiled into it: the
plan's priorities and its protections apply out of the box. It stores that
rule set in Redis as version 1 when Redis has none, as it would a
rules_file, and rules.get shows it; a visually impaired seeker is never
offered a driving post.
"""
import json
import os
import unittest

import harness as h

RULES_PATH = os.path.join(h.DATA_DIR, "rules.default.json")
with open(RULES_PATH, "rb") as _f:
    RULES_BYTES = _f.read()
RULES = json.loads(RULES_BYTES)
GUIXI = h.GUIXI


class NoRulesFileDaemon(h.Daemon):
    rules_file = None


class DefaultRulesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.d = NoRulesFileDaemon(cls.redis.port)
        cls.addClassCleanup(cls.d.cleanup)
        with open(cls.d.config) as f:
            assert "rules_file" not in f.read()
        cls.d.start()

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def rules_get(self):
        with self.d.client(h.STAFF) as c:
            return c.result("rules.get")

    def test_rules_get_shows_the_shipped_rules_as_version_1(self):
        got = h.wait_until(lambda: (lambda r: r if r["version"] == 1
                                    else None)(self.rules_get()),
                           what="rules.get at version 1")
        self.assertEqual(got["rules"], RULES)
        names = [r["name"] for r in got["rules"]["rules"]]
        self.assertIn("no_driving_for_visual", names)
        # Stored as the file is, byte for byte, as a rules_file would be.
        self.assertEqual(self.redis.cmd("HGET", "jm:rules", "doc"),
                         RULES_BYTES)
        self.assertEqual(self.redis.cmd("HGET", "jm:rules", "version"), b"1")

    def test_no_driving_post_for_a_visual_seeker(self):
        with self.d.client(h.STAFF) as staff:
            staff.result("employer.put", {"employer": h.EMPLOYER_A})
            for j in (h.job("dr-bus", title="公交驾驶员", skills=["驾驶"],
                            accessible_for=["any"]),
                      h.job("dr-massage", title="盲人推拿师",
                            skills=["推拿"], accessible_for=["visual"])):
                staff.result("job.post", {"job": j})
        with self.d.client(h.KIOSK) as kiosk:
            r = kiosk.result("match", {
                "profile": {"disability": {"type": "visual", "grade": 4},
                            "town": GUIXI, "skills": ["驾驶", "推拿"]},
                "explain": True})
        ids = [x["job"]["id"] for x in r["results"]]
        self.assertEqual(ids, ["dr-massage"], r)
        self.assertEqual(r["results"][0]["explain"]["rules"],
                         ["massage_for_visual"])
        self.assertEqual(r["rules_version"], 1)


class WithoutRedisTest(unittest.TestCase):
    """Before it reaches Redis the daemon already runs the shipped rules
    (not yet stored: version 0)."""

    def test_rules_before_redis(self):
        d = NoRulesFileDaemon(h.free_port())       # nothing listens there
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        with d.client(h.STAFF) as c:
            self.assertEqual(c.result("rules.get"),
                             {"rules": RULES, "version": 0})
        d.stop()

    def test_check_config(self):
        d = NoRulesFileDaemon(h.free_port())
        self.addCleanup(d.cleanup)
        r = h.run_daemon(["--check-config", "-c", d.config])
        self.assertEqual(r.returncode, 0, r.stderr)
        # The shipped rules compiled within the configuration's limits:
        # limits too tight for them are refused at the start, saying so.
        d.extra = ["regex_max_pattern 16"]
        d.write_config()
        r = h.run_daemon(["--check-config", "-c", d.config])
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("the built-in rule set (data/rules.default.json)",
                      r.stderr)


if __name__ == "__main__":
    h.main()

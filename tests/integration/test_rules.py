# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_rules.py - rule sets (docs/rules.md): rules.get/set/validate/history/
rollback/explain against a real Redis, the refusals of a rule set that does
not validate (-32006, the one in use stays), live reload across daemons that
share a Redis, SIGHUP re-reading rules_file, the roles, and the per-request
budget of seeker-side pattern runs.

Versions are read, never assumed (except version 1, the rules file seeded at
start): each test works from the version in use when it begins.
"""
import copy
import json
import os
import re
import shutil
import signal
import tempfile
import unittest

import harness as h

GUIXI = "500231001000"      # 桂溪街道, the county seat
GUIYANG = "500231002000"    # 桂阳街道

RULES_PATH = os.path.join(h.DATA_DIR, "rules.default.json")
with open(RULES_PATH, encoding="utf-8") as _f:
    DEFAULT = json.load(_f)
DEFAULT_NAMES = [r["name"] for r in DEFAULT["rules"]]

# The hard filters rules.explain lists (docs/protocol.md, "Scoring").
FILTERS = {"open", "disability", "grade", "needs", "distance",
           "employment_types", "employer_types", "min_salary"}
RESULTS = {"fired", "skipped", "met", "not_evaluated"}
RULE_ERROR = -32006
WAIT = 30.0                 # generous: only keeps a broken build from hanging

# A visually impaired seeker in the county seat who does massage.
SEEKER = {"disability": {"type": "visual", "grade": 2}, "town": GUIXI,
          "skills": ["按摩"]}

EMPLOYER = {"id": "emp-r", "name": "规则测试单位", "type": "community",
            "town": GUIXI}
JOBS = [
    # massage_for_visual fires for SEEKER
    {"id": "r-mass", "title": "盲人按摩师（规则测试）", "skills": ["推拿", "沟通"],
     "accessible_for": ["visual", "hearing"], "town": GUIYANG},
    # no_driving_for_visual leaves it out for SEEKER
    {"id": "r-drive", "title": "送货司机（规则测试）", "skills": ["驾驶"],
     "accessible_for": ["visual", "hearing"], "town": GUIXI},
    # no default rule acts on it; the tests' boost rules match its title
    {"id": "r-clean", "title": "保洁员（规则测试）", "skills": ["保洁"],
     "accessible_for": ["visual", "physical"], "town": GUIXI},
    # the grade filter leaves it out for SEEKER (grade 2)
    {"id": "r-grade", "title": "仓库管理员（规则测试）", "skills": ["仓储"],
     "accessible_for": ["visual"], "grades": [4], "town": GUIXI},
    # offers a screen reader: meets the require rule of test_explain
    {"id": "r-reader", "title": "客服专员（规则测试）", "skills": ["客服"],
     "accessible_for": ["visual"], "accommodations": ["screen_reader"],
     "town": GUIXI},
]


def with_rules(*extra_rules, **members):
    """The default rule set plus extra rules and replaced members."""
    doc = copy.deepcopy(DEFAULT)
    doc["rules"].extend(copy.deepcopy(list(extra_rules)))
    doc.update(copy.deepcopy(members))
    return doc


def boost(name, title_pattern, value):
    return {"name": name, "when": {"job.title": title_pattern},
            "then": {"boost": value}}


def one_rule(when, name="NAME"):
    return {"rules": [{"name": name, "when": when, "then": {"boost": 0.1}}]}


def post_fixtures(client):
    client.result("employer.put", {"employer": EMPLOYER})
    for j in JOBS:
        j = dict(j, employer_id="emp-r", employment_type="full_time")
        client.result("job.post", {"job": j})


def rules_version(client):
    return client.result("rules.get")["version"]


def wait_version(client, version, what):
    h.wait_until(lambda: rules_version(client) == version, timeout=WAIT,
                 what=what)


def match(client, profile=SEEKER):
    """Every result of a match with explain, by job id (took_us dropped)."""
    r = client.result("match", {"profile": profile, "explain": True,
                                "limit": 100})
    r.pop("took_us", None)
    return r


def by_id(m):
    return {x["job"]["id"]: x for x in m["results"]}


def redis_rules(redis):
    """(version, doc) of jm:rules as Redis holds it."""
    doc, version = redis.cmd("HMGET", "jm:rules", "doc", "version")
    return (int(version) if version is not None else None,
            json.loads(doc) if doc is not None else None)


def last_change(redis):
    """The newest entry of jm:changes as a dict of str."""
    entries = redis.cmd("XREVRANGE", "jm:changes", "+", "-", "COUNT", 1)
    fields = entries[0][1]
    return {fields[i].decode(): fields[i + 1].decode()
            for i in range(0, len(fields), 2)}


class RulesTestBase(unittest.TestCase):

    def assert_parts(self, x, w_skills, w_distance):
        """match explain: each weighted part is weight x component (rounded
        to 6 decimals) and the parts add up to the score."""
        e = x["explain"]
        self.assertAlmostEqual(e["skills"], w_skills * e["components"]
                               ["skills"], delta=1e-6, msg=x)
        self.assertAlmostEqual(e["distance"], w_distance * e["components"]
                               ["distance"], delta=1e-6, msg=x)
        self.assertAlmostEqual(e["skills"] + e["distance"] + e["policy"],
                               x["score"], delta=1e-9, msg=x)


# ---------------------------------------------------------------------------

class RulesMethodsTest(RulesTestBase):
    """One Redis, one daemon: the rules.* methods."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.r = cls.env.redis
        cls.staff = cls.d.client(h.STAFF)
        cls.addClassCleanup(cls.staff.close)
        cls.kiosk = cls.d.client(h.KIOSK)
        cls.addClassCleanup(cls.kiosk.close)
        # the daemon stores its rules file once it is connected
        wait_version(cls.staff, 1, "the rules file stored as version 1")
        cls.at_start = {
            "get": cls.staff.result("rules.get"),
            "rules": cls.r.cmd("HGETALL", "jm:rules"),
            "history": cls.r.cmd("HGETALL", "jm:rules:history"),
            "history_at": cls.r.cmd("HGETALL", "jm:rules:history:at"),
            "changes": cls.r.cmd("XRANGE", "jm:changes", "-", "+"),
        }
        post_fixtures(cls.staff)

    # ---- helpers ----------------------------------------------------------

    def current(self):
        return self.staff.result("rules.get")

    def set_rules(self, doc):
        v = self.current()["version"]
        r = self.staff.result("rules.set", {"rules": doc,
                                            "expected_version": v})
        self.assertEqual(r, {"version": v + 1})
        return v + 1

    def use_default(self):
        if self.current()["rules"] != DEFAULT:
            self.set_rules(DEFAULT)

    def xlen(self):
        return self.r.cmd("XLEN", "jm:changes")

    def snapshot(self):
        """What a refused or read-only call must leave as it was."""
        return {"get": self.current(), "match": match(self.kiosk),
                "redis": redis_rules(self.r), "xlen": self.xlen(),
                "history": self.r.cmd("HLEN", "jm:rules:history")}

    def explain(self, job_id, profile=SEEKER):
        return self.staff.result("rules.explain", {
            "profile": profile, "job_id": job_id, "employer_id": "emp-r"})

    # ---- start ------------------------------------------------------------

    def test_rules_file_stored_as_version_1(self):
        s = self.at_start
        self.assertEqual(s["get"], {"rules": DEFAULT, "version": 1})
        hash_ = {s["rules"][i].decode(): s["rules"][i + 1]
                 for i in range(0, len(s["rules"]), 2)}
        self.assertEqual(set(hash_), {"doc", "version", "updated_at"})
        self.assertEqual(json.loads(hash_["doc"]), DEFAULT)
        self.assertEqual(int(hash_["version"]), 1)
        self.assertGreater(int(hash_["updated_at"]), 1600000000)
        self.assertEqual(len(s["history"]), 2, s["history"])
        self.assertEqual(s["history"][0], b"1")
        self.assertEqual(json.loads(s["history"][1]), DEFAULT)
        self.assertEqual(s["history_at"], [b"1", hash_["updated_at"]])
        sets = [dict(zip(f[0::2], f[1::2])) for _, f in s["changes"]]
        sets = [f for f in sets if f.get(b"op") == b"rules.set"]
        self.assertEqual(len(sets), 1, s["changes"])
        self.assertEqual(sets[0][b"version"], b"1")

    # ---- rules.set --------------------------------------------------------

    def test_set_takes_effect_on_the_next_match(self):
        self.use_default()
        before = by_id(match(self.kiosk))
        self.assertEqual(set(before), {"r-mass", "r-clean", "r-reader"})
        self.assertNotIn("zz_rules_test_boost",
                         before["r-clean"]["explain"]["rules"])
        self.assert_parts(before["r-clean"], 0.5, 0.3)

        new = with_rules(boost("zz_rules_test_boost", "保洁", 0.37),
                         weights={"skills": 0.8, "distance": 0.1})
        v = self.set_rules(new)
        m = match(self.kiosk)           # the very next match
        self.assertEqual(m["rules_version"], v)
        after = by_id(m)
        clean = after["r-clean"]["explain"]
        self.assertIn("zz_rules_test_boost", clean["rules"])
        self.assertEqual(clean["boosts"].get("zz_rules_test_boost"), 0.37)
        self.assertAlmostEqual(clean["policy"], 0.37, delta=1e-9)
        self.assert_parts(after["r-clean"], 0.8, 0.1)
        mass = after["r-mass"]["explain"]
        self.assertIn("massage_for_visual", mass["rules"])
        self.assertNotIn("zz_rules_test_boost", mass["rules"])
        self.assert_parts(after["r-mass"], 0.8, 0.1)

        self.assertEqual(self.current(), {"rules": new, "version": v})
        self.assertEqual(redis_rules(self.r), (v, new))
        self.assertEqual(json.loads(self.r.cmd("HGET", "jm:rules:history",
                                               v)), new)
        self.assertIsNotNone(self.r.cmd("HGET", "jm:rules:history:at", v))
        self.assertEqual(last_change(self.r),
                         {"op": "rules.set", "version": str(v)})

        # another change came first
        n0 = self.xlen()
        e = self.staff.error("rules.set", {"rules": DEFAULT,
                                           "expected_version": v - 1},
                             h.CONFLICT)
        self.assertEqual(e["data"]["current_version"], v, e)
        e = self.staff.error("rules.set", {"rules": DEFAULT},
                             h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "expected_version", e)
        e = self.staff.error("rules.set", {"expected_version": v},
                             h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "rules", e)
        self.assertEqual(self.current(), {"rules": new, "version": v})
        self.assertEqual(redis_rules(self.r), (v, new))
        self.assertEqual(self.xlen(), n0)
        self.assertEqual(match(self.kiosk), m)

    def test_racing_sets_and_a_version_member(self):
        v = self.current()["version"]
        # two sets from the same version, pipelined: the first wins
        one = with_rules(description="race one")
        two = with_rules(description="race two")
        self.staff.send_raw(
            h.line(h.request("rules.set", {"rules": one,
                                           "expected_version": v}, id=901)) +
            h.line(h.request("rules.set", {"rules": two,
                                           "expected_version": v}, id=902)))
        r1, r2 = self.staff.read_json(), self.staff.read_json()
        self.assertEqual(r1, {"jsonrpc": "2.0", "id": 901,
                              "result": {"version": v + 1}})
        self.assertEqual(r2["id"], 902)
        self.assertEqual(r2["error"]["code"], h.CONFLICT, r2)
        self.assertEqual(r2["error"]["data"]["current_version"], v + 1, r2)
        self.assertEqual(self.current(), {"rules": one, "version": v + 1})
        # a version member is ignored: the store numbers the versions
        doc = with_rules(version=v + 40)
        r = self.staff.result("rules.set", {"rules": doc,
                                            "expected_version": v + 1})
        self.assertEqual(r, {"version": v + 2})
        self.assertEqual(self.current()["version"], v + 2)
        self.assertEqual(redis_rules(self.r)[0], v + 2)
        self.assertEqual(match(self.kiosk)["rules_version"], v + 2)

    # ---- refusals ---------------------------------------------------------

    REFUSED = [
        # (what, doc, expected error data (a subset), has an offset)
        ("pattern does not compile", one_rule({"job.title": "(abc"}),
         {"rule": "rules[0] (NAME)", "field": "when.job.title"}, True),
        ("(*NO_JIT)", one_rule({"job.title": "(*NO_JIT)x"}),
         {"rule": "rules[0] (NAME)", "field": "when.job.title"}, False),
        ("(*LIMIT_MATCH=)", one_rule({"job.title": "(*LIMIT_MATCH=5)x"}),
         {"rule": "rules[0] (NAME)", "field": "when.job.title"}, False),
        ("callout", one_rule({"job.title": "a(?C1)b"}),
         {"rule": "rules[0] (NAME)", "field": "when.job.title"}, False),
        ("nested repeat", one_rule({"job.title": "(a+)+$"}),
         {"rule": "rules[0] (NAME)", "field": "when.job.title"}, False),
        ("overlapping repeat", one_rule({"job.title": "(\\w+\\s?)*$"}),
         {"rule": "rules[0] (NAME)", "field": "when.job.title"}, False),
        ("seeker-side costly pattern", one_rule({"seeker.skills": "(a+)+$"}),
         {"rule": "rules[0] (NAME)", "field": "when.seeker.skills"}, False),
        ("unknown field", one_rule({"job.titel": "x"}),
         {"field": "rules[0].when.job.titel"}, False),
        ("number for a pattern", one_rule({"job.title": 5}),
         {"field": "rules[0].when.job.title"}, False),
        ("string for an enumeration", one_rule(
            {"job.accessible_for": "visual"}),
         {"field": "rules[0].when.job.accessible_for"}, False),
        ("unknown enumeration value", one_rule(
            {"seeker.disability.type": ["visul"]}),
         {"field": "rules[0].when.seeker.disability.type[0]"}, False),
        ("unknown top-level member", {"rulez": []}, {"field": "rulez"},
         False),
        ("duplicate names", {"rules": [
            {"name": "NAME", "then": {"boost": 0.1}},
            {"name": "NAME", "then": {"boost": 0.2}}]},
         {"rule": "rules[1] (NAME)", "field": "name"}, False),
        ("129 rules", {"rules": [{"name": "r%d" % i, "then": {"boost": 0.01}}
                                 for i in range(129)]},
         {"field": "rules"}, False),
        ("synonym pattern", {"synonyms": [{"term": "term",
                                           "pattern": "(x"}]},
         {"rule": "synonyms[0] (term)", "field": "pattern"}, True),
    ]

    def test_refusals_leave_the_rules_in_use(self):
        self.use_default()
        before = self.snapshot()
        v = before["get"]["version"]
        for what, doc, data, has_offset in self.REFUSED:
            with self.subTest(what):
                e = self.staff.error("rules.set", {
                    "rules": doc, "expected_version": v}, RULE_ERROR)
                got = e.get("data", {})
                for k, val in data.items():
                    self.assertEqual(got.get(k), val, e)
                self.assertIsInstance(got.get("reason"), str, e)
                self.assertTrue(got["reason"], e)
                if "rule" not in data:
                    self.assertNotIn("rule", got, e)
                if has_offset:
                    off = got.get("offset")
                    self.assertIsInstance(off, int, e)
                    self.assertFalse(isinstance(off, bool), e)
                    self.assertGreaterEqual(off, 0, e)
                    self.assertLessEqual(off, len(json.dumps(doc)), e)
                self.assertEqual(self.snapshot(), before,
                                 "a refused rule set changed something")
                # rules.validate finds the same error
                val = self.staff.result("rules.validate", {"rules": doc})
                self.assertIs(val["ok"], False, val)
                self.assertEqual(len(val["errors"]), 1, val)
                for k, x in data.items():
                    self.assertEqual(val["errors"][0].get(k), x, val)
        # the offset of "(abc" points into the pattern
        e = self.staff.error("rules.set", {"rules": self.REFUSED[0][1],
                                           "expected_version": v},
                             RULE_ERROR)
        self.assertLessEqual(e["data"]["offset"], len("(abc"), e)
        self.assertEqual(self.snapshot(), before)

    # ---- rules.validate ---------------------------------------------------

    def test_validate(self):
        before = self.snapshot()
        good = [
            with_rules(boost("validate_only", "保洁", 0.5)),
            {},
            # near the refused ones: literal parentheses, a group, plain
            # repeats, exactly 128 rules
            one_rule({"job.title": "\\(\\*NO_JIT\\)x"}),
            one_rule({"job.title": "(?:abc)+d"}),
            one_rule({"job.title": "a+b*$", "seeker.skills": "\\w+\\s?$"}),
            {"rules": [{"name": "r%d" % i, "then": {"boost": 0.01}}
                       for i in range(128)]},
            {"synonyms": [{"term": "term", "pattern": "\\(x"}]},
        ]
        for doc in good:
            with self.subTest(doc=json.dumps(doc)[:80]):
                self.assertEqual(self.staff.result("rules.validate",
                                                   {"rules": doc}),
                                 {"ok": True, "errors": []})
        bad = with_rules(boost("broken", "[a-", 0.1))
        r = self.staff.result("rules.validate", {"rules": bad})
        self.assertIs(r["ok"], False, r)
        self.assertEqual(len(r["errors"]), 1, r)
        err = r["errors"][0]
        self.assertEqual(err["rule"], "rules[%d] (broken)" % len(DEFAULT
                                                                 ["rules"]))
        self.assertEqual(err["field"], "when.job.title")
        self.assertIsInstance(err["reason"], str)
        self.assertTrue(err["reason"])
        self.assertIsInstance(err["message"], str)
        self.assertIsInstance(err["offset"], int)
        self.staff.error("rules.validate", {}, h.INVALID_PARAMS)
        # nothing stored
        self.assertEqual(self.snapshot(), before)

    # ---- history and rollback -------------------------------------------

    def test_history_and_rollback(self):
        a = with_rules(description="history test A")
        b = with_rules(boost("history_b", "保洁", 0.05),
                       description="history test B")
        va = self.set_rules(a)
        vb = self.set_rules(b)
        self.assertEqual(vb, va + 1)

        r = self.staff.result("rules.history")
        self.assertEqual(set(r), {"versions", "current"})
        self.assertEqual(r["current"], vb)
        versions = [x["version"] for x in r["versions"]]
        self.assertEqual(versions[:2], [vb, va])
        self.assertEqual(versions, sorted(versions, reverse=True))
        self.assertEqual(len(versions), len(set(versions)))
        for x in r["versions"]:
            self.assertEqual(set(x), {"version", "updated_at", "rules"}, x)
            self.assertIsInstance(x["updated_at"], int)
            self.assertGreater(x["updated_at"], 1600000000)
        self.assertEqual(r["versions"][0]["rules"], b)
        self.assertEqual(r["versions"][1]["rules"], a)
        ats = [x["updated_at"] for x in r["versions"]]
        self.assertEqual(ats, sorted(ats, reverse=True))

        r2 = self.staff.result("rules.history", {"limit": 2})
        self.assertEqual([x["version"] for x in r2["versions"]], [vb, va])
        self.assertEqual(r2["versions"], r["versions"][:2])
        r1 = self.staff.result("rules.history", {"limit": 1})
        self.assertEqual(r1["versions"], r["versions"][:1])
        full = self.staff.result("rules.history", {"limit": 100})
        self.assertEqual(full["versions"][-1]["version"], 1)
        self.assertEqual(full["versions"][-1]["rules"], DEFAULT)
        self.assertEqual(len(full["versions"]), vb)
        for bad in (0, 101, "2", -1):
            self.staff.error("rules.history", {"limit": bad},
                             h.INVALID_PARAMS)

        n0 = self.xlen()
        r = self.staff.result("rules.rollback", {"version": 1})
        self.assertEqual(r, {"version": vb + 1, "restored": 1})
        self.assertEqual(self.current(), {"rules": DEFAULT,
                                          "version": vb + 1})
        self.assertEqual(redis_rules(self.r), (vb + 1, DEFAULT))
        self.assertEqual(self.xlen(), n0 + 1)
        self.assertEqual(last_change(self.r),
                         {"op": "rules.set", "version": str(vb + 1)})
        top = self.staff.result("rules.history", {"limit": 1})["versions"]
        self.assertEqual((top[0]["version"], top[0]["rules"]),
                         (vb + 1, DEFAULT))
        m = match(self.kiosk)
        self.assertEqual(m["rules_version"], vb + 1)
        self.assertNotIn("history_b", by_id(m)["r-clean"]["explain"]
                         ["rules"])

        # rollback to what is not in the history, with a stale version,
        # without a version: nothing stored
        before = self.snapshot()
        self.staff.error("rules.rollback", {"version": vb + 50},
                         h.NOT_FOUND)
        e = self.staff.error("rules.rollback", {"version": va,
                                                "expected_version": vb},
                             h.CONFLICT)
        self.assertEqual(e["data"]["current_version"], vb + 1, e)
        self.staff.error("rules.rollback", {}, h.INVALID_PARAMS)
        self.staff.error("rules.rollback", {"version": 0}, h.INVALID_PARAMS)
        self.assertEqual(self.snapshot(), before)

        # and with the right expected_version
        r = self.staff.result("rules.rollback", {"version": vb,
                                                 "expected_version": vb + 1})
        self.assertEqual(r, {"version": vb + 2, "restored": vb})
        self.assertEqual(self.current(), {"rules": b, "version": vb + 2})

    # ---- rules.explain ----------------------------------------------------

    def check_rule_list(self, x, names):
        self.assertEqual([r["name"] for r in x["rules"]], names, x)
        for r in x["rules"]:
            self.assertIn(r["result"], RESULTS, r)
            self.assertIsInstance(r.get("why"), str, r)
            self.assertTrue(r["why"], r)
        return {r["name"]: r for r in x["rules"]}

    def test_explain(self):
        self.use_default()
        # excluded by a rule: every filter passes
        x = self.explain("r-drive")
        self.assertEqual(x["job"]["id"], "r-drive")
        self.assertIs(x["matched"], False)
        self.assertEqual(x["excluded_by"], "no_driving_for_visual")
        self.assertEqual({f["name"] for f in x["filters"]}, FILTERS, x)
        self.assertEqual(len(x["filters"]), len(FILTERS), x)
        for f in x["filters"]:
            self.assertIs(f["pass"], True, f)
        rules = self.check_rule_list(x, DEFAULT_NAMES)
        self.assertEqual(rules["no_driving_for_visual"]["result"], "fired")
        self.assertEqual(rules["massage_for_visual"]["result"], "skipped")
        self.assertNotIn("score", x)
        self.assertNotIn("components", x)

        # matched: the components agree with match's explain
        x = self.explain("r-mass")
        self.assertIs(x["matched"], True, x)
        self.assertIsNone(x["excluded_by"])
        for f in x["filters"]:
            self.assertIs(f["pass"], True, f)
        rules = self.check_rule_list(x, DEFAULT_NAMES)
        self.assertEqual(rules["massage_for_visual"]["result"], "fired")
        self.assertEqual(rules["massage_for_visual"]["boost"], 0.2)
        for name in DEFAULT_NAMES:
            if name != "massage_for_visual":
                self.assertEqual(rules[name]["result"], "skipped",
                                 rules[name])
        c = x["components"]
        self.assertAlmostEqual(c["skills"]["part"] + c["distance"]["part"] +
                               c["policy"]["part"], x["score"], delta=1e-9)
        self.assertEqual(c["skills"]["weight"], 0.5)
        self.assertEqual(c["distance"]["weight"], 0.3)
        m = by_id(match(self.kiosk))["r-mass"]
        e = m["explain"]
        self.assertAlmostEqual(x["score"], m["score"], delta=1e-9)
        self.assertAlmostEqual(c["skills"]["part"], e["skills"], delta=1e-9)
        self.assertAlmostEqual(c["distance"]["part"], e["distance"],
                               delta=1e-9)
        self.assertAlmostEqual(c["policy"]["part"], e["policy"], delta=1e-9)
        self.assertAlmostEqual(c["skills"]["value"],
                               e["components"]["skills"], delta=1e-9)
        self.assertAlmostEqual(c["distance"]["value"],
                               e["components"]["distance"], delta=1e-9)
        self.assertAlmostEqual(x["distance_km"], m["distance_km"],
                               delta=1e-3)

        # a hard filter leaves it out: no rule is evaluated
        x = self.explain("r-grade")
        self.assertIs(x["matched"], False)
        self.assertIsNone(x["excluded_by"])
        fl = {f["name"]: f["pass"] for f in x["filters"]}
        self.assertIs(fl.pop("grade"), False, x)
        self.assertTrue(all(v is True for v in fl.values()), x)
        rules = self.check_rule_list(x, DEFAULT_NAMES)
        self.assertEqual({r["result"] for r in rules.values()},
                         {"not_evaluated"}, x)

        # errors
        self.staff.error("rules.explain", {"profile": SEEKER,
                                           "job_id": "r-none",
                                           "employer_id": "emp-r"},
                         h.NOT_FOUND)
        e = self.staff.error("rules.explain", {"job_id": "r-mass",
                                               "employer_id": "emp-r"},
                             h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "profile", e)

        # a require rule: met by one posting, fired (left out) for another
        req = {"name": "screen_reader_for_visual",
               "when": {"seeker.disability.type": ["visual"],
                        "job.accommodations": ["screen_reader"]},
               "then": "require"}
        self.set_rules(with_rules(req))
        names = DEFAULT_NAMES + ["screen_reader_for_visual"]
        x = self.explain("r-reader")
        self.assertIs(x["matched"], True, x)
        self.assertEqual(self.check_rule_list(x, names)
                         ["screen_reader_for_visual"]["result"], "met")
        x = self.explain("r-clean")
        self.assertIs(x["matched"], False, x)
        self.assertEqual(x["excluded_by"], "screen_reader_for_visual")
        self.assertEqual(self.check_rule_list(x, names)
                         ["screen_reader_for_visual"]["result"], "fired")
        self.assertEqual(set(by_id(match(self.kiosk))), {"r-reader"})
        self.use_default()

    # ---- roles ------------------------------------------------------------

    def test_roles(self):
        v = self.current()["version"]
        calls = [
            ("rules.get", {}),
            ("rules.set", {"rules": DEFAULT, "expected_version": v}),
            ("rules.validate", {"rules": DEFAULT}),
            ("rules.explain", {"profile": SEEKER, "job_id": "r-mass",
                               "employer_id": "emp-r"}),
            ("rules.history", {}),
            ("rules.rollback", {"version": 1}),
        ]
        n0 = self.xlen()
        for token in (h.KIOSK, h.EMP_A):
            with self.d.client(token) as c:
                for method, params in calls:
                    with self.subTest(token=token, method=method):
                        c.error(method, params, h.UNAUTHORIZED)
        self.assertEqual(self.current()["version"], v)
        self.assertEqual(redis_rules(self.r)[0], v)
        self.assertEqual(self.xlen(), n0)


# ---------------------------------------------------------------------------

class LiveReloadTest(RulesTestBase):
    """One Redis, two daemons: A with a rules file of its own (SIGHUP), B
    with the shipped one. Rule sets set through either reach the other."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jm-rules-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.path = os.path.join(cls.tmp, "rules.json")
        shutil.copyfile(RULES_PATH, cls.path)
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.a = h.Daemon(cls.redis.port, extra=["rules_file " + cls.path])
        cls.addClassCleanup(cls.a.cleanup)
        cls.a.start()
        cls.sa = cls.a.client(h.STAFF)
        cls.addClassCleanup(cls.sa.close)
        wait_version(cls.sa, 1, "A's rules file stored as version 1")
        # B loads the postings from Redis when it starts
        post_fixtures(cls.sa)
        cls.b = h.Daemon(cls.redis.port, extra=[])
        cls.addClassCleanup(cls.b.cleanup)
        cls.b.start()
        cls.sb = cls.b.client(h.STAFF)
        cls.addClassCleanup(cls.sb.close)
        wait_version(cls.sb, 1, "B on version 1")

    @classmethod
    def tearDownClass(cls):
        cls.sa.close()
        cls.sb.close()
        cls.a.stop()
        cls.b.stop()

    def follows(self, client, doc, version, boost_name, who):
        """client's daemon installs version (doc) and matches with it."""
        h.wait_until(lambda: client.result("rules.get") ==
                     {"rules": doc, "version": version}, timeout=WAIT,
                     what="%s on version %d" % (who, version))
        m = match(client)
        self.assertEqual(m["rules_version"], version)
        self.assertIn(boost_name, by_id(m)["r-clean"]["explain"]["rules"])

    def test_set_through_one_daemon_reaches_the_other(self):
        v = rules_version(self.sa)
        doc = with_rules(boost("live_reload_a", "保洁", 0.41))
        self.assertNotIn("live_reload_a", by_id(match(self.sb))["r-clean"]
                         ["explain"]["rules"])
        r = self.sa.result("rules.set", {"rules": doc,
                                         "expected_version": v})
        self.assertEqual(r, {"version": v + 1})
        self.follows(self.sb, doc, v + 1, "live_reload_a", "B")
        x = by_id(match(self.sb))["r-clean"]["explain"]
        self.assertEqual(x["boosts"]["live_reload_a"], 0.41)

        # and back: through B, A follows
        doc2 = with_rules(boost("live_reload_b", "保洁", 0.43))
        r = self.sb.result("rules.set", {"rules": doc2,
                                         "expected_version": v + 1})
        self.assertEqual(r, {"version": v + 2})
        self.follows(self.sa, doc2, v + 2, "live_reload_b", "A")
        self.assertNotIn("live_reload_a", by_id(match(self.sa))["r-clean"]
                         ["explain"]["rules"])
        # following stores nothing
        self.assertEqual(redis_rules(self.redis), (v + 2, doc2))

    def write_file(self, text):
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.path)

    def hup(self, log_text, what):
        """SIGHUP to A; waits for one more log_text (a regex) in A's log."""
        rx = re.compile(log_text, re.M)
        n = len(rx.findall(self.a.log_text()))
        os.kill(self.a.proc.pid, signal.SIGHUP)
        try:
            self.a.wait_log(rx, count=n + 1, timeout=WAIT)
        except AssertionError as e:
            raise AssertionError("SIGHUP with %s: %s" % (what, e))
        return rx.findall(self.a.log_text())[-1]

    def state(self):
        return {"a": self.sa.result("rules.get"),
                "b": self.sb.result("rules.get"),
                "redis": redis_rules(self.redis),
                "xlen": self.redis.cmd("XLEN", "jm:changes")}

    def test_sighup(self):
        unchanged = r"^info SIGHUP: %s unchanged$" % re.escape(self.path)
        not_reloaded = r"^warn SIGHUP: rules not reloaded: .*$"

        # the file as A last read it: nothing new
        h.wait_until(lambda: self.sb.result("rules.get") ==
                     self.sa.result("rules.get"), timeout=WAIT,
                     what="A and B on one version")
        before = self.state()
        self.hup(unchanged, "an unchanged file")
        self.assertEqual(self.state(), before)

        # a changed file: the next version, for every daemon
        v = before["redis"][0]
        new = with_rules(boost("sighup_boost", "保洁", 0.29),
                         weights={"skills": 0.6, "distance": 0.2})
        new_text = json.dumps(new, ensure_ascii=False, indent=2) + "\n"
        self.write_file(new_text)
        os.kill(self.a.proc.pid, signal.SIGHUP)
        h.wait_until(lambda: redis_rules(self.redis) == (v + 1, new),
                     timeout=WAIT, what="the file stored as version %d" %
                     (v + 1))
        self.assertEqual(last_change(self.redis),
                         {"op": "rules.set", "version": str(v + 1)})
        self.follows(self.sa, new, v + 1, "sighup_boost", "A")
        self.follows(self.sb, new, v + 1, "sighup_boost", "B")
        self.assert_parts(by_id(match(self.sb))["r-clean"], 0.6, 0.2)
        self.assertEqual(self.redis.cmd("XLEN", "jm:changes"),
                         before["xlen"] + 1)

        # broken files change nothing and log a warning
        after = self.state()
        self.write_file("{\"rules\": [ not json")
        line = self.hup(not_reloaded, "a file that is not JSON")
        self.assertIn(self.path, line)
        self.assertEqual(self.state(), after)
        bad = with_rules(boost("NAME", "(abc", 0.1))
        self.write_file(json.dumps(bad, ensure_ascii=False))
        line = self.hup(not_reloaded, "a file with a bad pattern")
        self.assertIn("(NAME)", line)
        self.assertIn("when.job.title", line)
        self.assertEqual(self.state(), after)
        m = match(self.sa)
        self.assertEqual(m["rules_version"], v + 1)
        self.assertIn("sighup_boost", by_id(m)["r-clean"]["explain"]
                      ["rules"])

        # the good file back as it was: unchanged again
        self.write_file(new_text)
        self.hup(unchanged, "the file restored")
        self.assertEqual(self.state(), after)

        # and a further change still goes through
        new2 = with_rules(boost("sighup_boost_2", "保洁", 0.31))
        self.write_file(json.dumps(new2, ensure_ascii=False))
        os.kill(self.a.proc.pid, signal.SIGHUP)
        self.follows(self.sa, new2, v + 2, "sighup_boost_2", "A")
        self.follows(self.sb, new2, v + 2, "sighup_boost_2", "B")
        self.assertEqual(redis_rules(self.redis), (v + 2, new2))

    def test_sighup_while_redis_is_down(self):
        h.wait_until(lambda: self.sb.result("rules.get") ==
                     self.sa.result("rules.get"), timeout=WAIT,
                     what="A and B on one version")
        v, stored = redis_rules(self.redis)
        local = with_rules(boost("local_only_boost", "保洁", 0.27))
        self.write_file(json.dumps(local, ensure_ascii=False))
        self.redis.stop()
        try:
            h.wait_until(lambda: self.sa.result("stats")["store"]
                         ["connected"] is False, timeout=WAIT,
                         what="A sees Redis down")
            self.hup(r"^warn SIGHUP: Redis unavailable: %s in use here "
                     r"only$" % re.escape(self.path), "Redis down")
            # in use here only
            self.assertEqual(self.sa.result("rules.get")["rules"], local)
            self.assertIn("local_only_boost", by_id(match(self.sa))
                          ["r-clean"]["explain"]["rules"])
            # rules.set cannot store anything now
            e = self.sa.error("rules.set", {"rules": DEFAULT,
                                            "expected_version": v},
                              h.STORE_UNAVAILABLE)
            self.assertIs(e["data"]["applied"], False, e)
            self.assertEqual(self.sa.result("rules.get")["rules"], local)
        finally:
            self.redis.start()
        # Redis's version wins when it is back: A matches with what Redis
        # numbers version v again, as B does
        h.wait_until(lambda: self.sa.result("rules.get") ==
                     {"rules": stored, "version": v}, timeout=WAIT,
                     what="A back on the stored version %d" % v)
        self.assertNotIn("local_only_boost", by_id(match(self.sa))
                         ["r-clean"]["explain"]["rules"])
        self.assertEqual(self.sb.result("rules.get"),
                         {"rules": stored, "version": v})
        # the file was never stored: a SIGHUP now stores it (it is not
        # "unchanged"), and B follows
        os.kill(self.a.proc.pid, signal.SIGHUP)
        h.wait_until(lambda: redis_rules(self.redis) == (v + 1, local),
                     timeout=WAIT, what="the file stored as version %d" %
                     (v + 1))
        self.follows(self.sa, local, v + 1, "local_only_boost", "A")
        self.follows(self.sb, local, v + 1, "local_only_boost", "B")


# ---------------------------------------------------------------------------

class RegexLimitsTest(RulesTestBase):
    """A with regex_budget 1; B on the same Redis with the default budget and
    a tighter regex_max_pattern."""

    SEEKER = {"disability": {"type": "visual", "grade": 2}, "town": GUIXI,
              "skills": ["budget-skill"]}

    @classmethod
    def setUpClass(cls):
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.a = h.Daemon(cls.redis.port, extra=["regex_budget 1"])
        cls.addClassCleanup(cls.a.cleanup)
        cls.a.start()
        cls.sa = cls.a.client(h.STAFF)
        cls.addClassCleanup(cls.sa.close)
        wait_version(cls.sa, 1, "version 1")
        post_fixtures(cls.sa)
        cls.b = h.Daemon(cls.redis.port, extra=["regex_max_pattern 100"])
        cls.addClassCleanup(cls.b.cleanup)
        cls.b.start()
        cls.sb = cls.b.client(h.STAFF)
        cls.addClassCleanup(cls.sb.close)
        wait_version(cls.sb, 1, "B on version 1")

    @classmethod
    def tearDownClass(cls):
        cls.sa.close()
        cls.sb.close()
        cls.a.stop()
        cls.b.stop()

    def set_rules(self, doc):
        v = rules_version(self.sa)
        r = self.sa.result("rules.set", {"rules": doc,
                                         "expected_version": v})
        self.assertEqual(r, {"version": v + 1})
        return v + 1

    def skill_rules(self, first, second):
        return {"rules": [
            {"name": first, "when": {"seeker.skills": "^budget-skill$"},
             "then": {"boost": 0.11}},
            {"name": second, "when": {"seeker.skills": "^budget-skill$"},
             "then": {"boost": 0.22}},
            # posting side: evaluated when the rules are installed, no budget
            boost("job_title_rule", "保洁", 0.05),
        ]}

    def clean(self, client):
        return by_id(match(client, self.SEEKER))["r-clean"]["explain"]

    def budget_spent(self):
        return self.sa.result("stats")["rules"]["regex"]["budget_spent"]

    def test_budget_spent_counts_as_not_matching(self):
        v = self.set_rules(self.skill_rules("first_skill_rule",
                                            "second_skill_rule"))
        spent = self.budget_spent()
        x = self.clean(self.sa)             # an answer, not an error
        self.assertEqual(set(x["rules"]), {"first_skill_rule",
                                           "job_title_rule"}, x)
        self.assertAlmostEqual(x["policy"], 0.16, delta=1e-9)
        self.assertGreater(self.budget_spent(), spent)
        ex = self.sa.result("rules.explain", {
            "profile": self.SEEKER, "job_id": "r-clean",
            "employer_id": "emp-r"})
        res = {r["name"]: r["result"] for r in ex["rules"]}
        self.assertEqual(res, {"first_skill_rule": "fired",
                               "second_skill_rule": "skipped",
                               "job_title_rule": "fired"}, ex)

        # B, with the default budget, runs both
        wait_version(self.sb, v, "B on version %d" % v)
        x = self.clean(self.sb)
        self.assertEqual(set(x["rules"]), {"first_skill_rule",
                                           "second_skill_rule",
                                           "job_title_rule"}, x)

        # the order decides which one runs, not the pattern
        self.set_rules(self.skill_rules("second_skill_rule",
                                        "first_skill_rule"))
        x = self.clean(self.sa)
        self.assertEqual(set(x["rules"]), {"second_skill_rule",
                                           "job_title_rule"}, x)

    def test_version_another_daemon_cannot_compile(self):
        v = rules_version(self.sa)
        h.wait_until(lambda: rules_version(self.sb) == v, timeout=WAIT,
                     what="B on version %d" % v)
        long_pat = "|".join("word%03d" % i for i in range(20))   # 159 bytes
        doc = {"rules": [boost("long_pattern", long_pat, 0.1)]}
        v1 = self.set_rules(doc)
        self.b.wait_log(re.compile(r"^warn rules: stored version %d refused, "
                                   r"keeping version %d: .*$" % (v1, v), re.M),
                        timeout=WAIT)
        self.assertEqual(rules_version(self.sb), v)
        self.assertEqual(match(self.sb)["rules_version"], v)
        # the next version it can compile, it installs
        v2 = self.set_rules(self.skill_rules("x1", "x2"))
        wait_version(self.sb, v2, "B on version %d" % v2)



# ---------------------------------------------------------------------------

# Accepted by every probe (it only bites where Han and Latin alternate), but
# each step is a lookahead that scans the text: on 222 postings of "中a中a..."
# it took seconds, under every step limit.
SLOW_PATTERN = (r"(?=\p{Han}\p{Latin}|\p{Latin}\p{Han})((?!\X*+0)(?!\X*+1)"
                r"(?!\X*+2)(?!\X*+3)(?!\X*+4)(?!\X*+5)(?!\X*+6)(?!\X*+7)"
                r"(?!\X*+8)(?!\X*+9))(?:(?1){1}){2}\d")


class RegexTimeTest(RulesTestBase):
    """Time bounds that step limits cannot give: regex_install_ms refuses a
    rule set too slow on the postings; regex_time_us bounds a request."""

    @classmethod
    def setUpClass(cls):
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.d = h.Daemon(cls.redis.port, extra=["regex_install_ms 300",
                                                "regex_time_us 2000"])
        cls.addClassCleanup(cls.d.cleanup)
        cls.d.start()
        cls.s = cls.d.client(h.STAFF)
        cls.addClassCleanup(cls.s.close)
        wait_version(cls.s, 1, "version 1")
        cls.s.result("employer.put", {"employer": {
            "id": "emp-slow", "name": "慢", "type": "private",
            "town": GUIXI}})
        for k in range(200):
            cls.s.result("job.post", {"job": {
                "id": "slow-%d" % k, "employer_id": "emp-slow",
                "title": "岗位 %d" % k, "description": "中a" * 300,
                "accessible_for": ["any"], "employment_type": "full_time",
                "town": GUIXI}})

    @classmethod
    def tearDownClass(cls):
        cls.s.close()
        cls.d.stop()

    def test_too_slow_on_the_postings_is_refused(self):
        v = rules_version(self.s)
        r = self.s.call("rules.set", {"expected_version": v, "rules": {
            "rules": [{"name": "slow", "when": {"job.description":
                                                 SLOW_PATTERN},
                       "then": {"boost": 0.1}}]}})
        self.assertIn("error", r, r)
        self.assertEqual(r["error"]["code"], -32006, r)
        self.assertIn("too costly", r["error"]["message"])
        self.assertEqual(r["error"]["data"]["field"], "rules", r)
        self.assertEqual(rules_version(self.s), v)
        # the same pattern on a field no posting has text for is fine
        r = self.s.result("rules.set", {"expected_version": v, "rules": {
            "rules": [{"name": "slow", "when": {"job.employer_name":
                                                 SLOW_PATTERN},
                       "then": {"boost": 0.1}}]}})
        self.assertEqual(r, {"version": v + 1})

    def test_request_time_is_bounded(self):
        v = rules_version(self.s)
        self.s.result("rules.set", {"expected_version": v, "rules": {
            "rules": [{"name": "slow_seeker", "when": {"seeker.skills":
                                                        SLOW_PATTERN},
                       "then": {"boost": 0.1}}]}})
        before = self.s.result("stats")["rules"]["regex"]
        prof = {"disability": {"type": "hearing", "grade": 3},
                "town": GUIXI, "skills": [("中a" * 40)[:64]] * 50}
        res = self.s.result("match", {"profile": prof, "limit": 1,
                                      "explain": True})
        # an answer, with the slow rule counted as not matching
        self.assertEqual(res["results"][0]["explain"]["rules"], [], res)
        after = self.s.result("stats")["rules"]["regex"]
        self.assertGreater(after["limit_hits"], before["limit_hits"])
        self.assertGreater(after["budget_spent"], before["budget_spent"])


if __name__ == "__main__":
    h.main()

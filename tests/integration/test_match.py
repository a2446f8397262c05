# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_match.py - matching against the sample data loaded with the real
`jobmatch load`, plus a few postings that exercise every default rule.
Candidate sets, scores, the rules that fire and the order are checked
against an independent model (rules_model.py) that evaluates
data/rules.default.json itself, and every result against the posting
itself (job.get).
"""
import json
import os
import re
import shutil
import signal
import tempfile
import time
import unittest

import harness as h
import rules_model as rm

GUIXI = "500231001000"      # 桂溪街道, the county seat
GUIYANG = "500231002000"    # 桂阳街道
CHENGXI = "500231109000"    # 澄溪镇
BAIJIA = "500231117000"     # 白家镇, far south
SHAPING = "500231102000"    # 沙坪镇, far north

# data/rules.default.json, as the test daemons load it (rules_file), read
# and evaluated by the model itself: a change of the default rules changes
# what these tests expect.
RULES = rm.Rules()
RULES_DOC = RULES.doc
MAX_KM = RULES.max_km
Model = rm.Model
haversine, position = rm.haversine, rm.position

PROFILES = [
    {"disability": {"type": "visual", "grade": 2}, "town": GUIXI,
     "skills": ["推拿"]},
    {"disability": {"type": "visual", "grade": 1}, "town": GUIXI,
     "skills": ["读屏软件", "客服"], "needs": ["screen_reader"]},
    {"disability": {"type": "hearing", "grade": 3}, "town": GUIYANG,
     "skills": ["打字", "Excel", "手语"]},
    {"disability": {"type": "hearing", "grade": 4},
     "location": {"lat": 30.30, "lon": 107.35}, "skills": ["data entry"],
     "max_distance_km": 5},
    {"disability": {"type": "speech", "grade": 2}, "town": CHENGXI,
     "skills": ["包装", "分拣"], "flags": ["rural", "low_income"]},
    {"disability": {"type": "physical", "grade": 1}, "town": GUIXI,
     "skills": ["前端", "JS"], "needs": ["step_free_access", "elevator"],
     "flags": ["graduate"]},
    {"disability": {"type": "physical", "grade": 3}, "town": BAIJIA,
     "skills": ["竹编"], "flags": ["rural"]},
    {"disability": {"type": "intellectual", "grade": 2}, "town": GUIYANG,
     "skills": ["保洁"], "needs": ["job_coach"]},
    {"disability": {"type": "mental", "grade": 3}, "town": GUIXI,
     "skills": [], "max_distance_km": 60},
    {"disability": {"type": "multiple", "grade": 1}, "town": SHAPING,
     "skills": ["手工"], "max_distance_km": 100,
     "flags": ["zero_employment_household"]},
    {"disability": {"type": "physical", "grade": 4}, "town": SHAPING,
     "skills": ["驾驶"], "max_distance_km": 0.5},
    {"disability": {"type": "hearing", "grade": 2}, "town": GUIXI,
     "skills": ["电商"], "needs": ["captioning", "visual_alerts"]},
    # a low-vision seeker who chose not to be offered telephone work
    {"disability": {"type": "visual", "grade": 4}, "town": GUIYANG,
     "skills": ["沟通"], "avoid": ["voice_phone"]},
]

# Postings of emp-t, besides the sample data, that the default rules act on:
# the sample data never offers a driving post to visual seekers nor a
# telephone post to hearing ones, and has no sheltered post a grade 1
# physical seeker can reach. With them every default rule fires or leaves a
# posting out for some profile of PROFILES (test_model_profiles checks it).
TEST_EMPLOYER = {"id": "emp-t", "name": "测试用人单位", "type": "community",
                 "town": GUIXI}
PROBES = [
    # no_driving_for_visual: PROFILES[0] (visual) must not see it, PROFILES[2]
    # (hearing, 2.5 km away) must
    {"id": "probe-drive", "title": "社区送餐车司机（测试）",
     "skills": ["驾驶", "送餐"], "accessible_for": ["visual", "hearing",
                                                "physical"],
     "employment_type": "full_time", "town": GUIXI},
    # voice_phone_lower_for_deaf: PROFILES[2] (hearing) sees it ranked lower;
    # avoid_voice_phone: PROFILES[12] (visual, avoid voice_phone) must not see
    # it, PROFILES[0] (visual) must
    {"id": "probe-hotline", "title": "心理援助热线接线员（测试）",
     "skills": ["普通话", "沟通"],
     "accessible_for": ["hearing", "speech", "visual"],
     "employment_type": "part_time", "town": GUIYANG},
    # sheltered_for_severe_physical for PROFILES[5] (physical, grade 1),
    # sheltered_for_intellectual_mental for PROFILES[7] and [8]
    {"id": "probe-shelter", "title": "辅助性就业手工坊（测试）",
     "skills": ["手工"],
     "accessible_for": ["physical", "intellectual", "mental", "multiple"],
     "accommodations": ["step_free_access", "elevator", "job_coach"],
     "employment_type": "sheltered", "town": GUIXI},
]



# The labels of the shipped rules (data/rules.default.json): every rule
# has one; each label a match gives carries its rule's boost, so that a
# page tells a priority (> 0) from a posting ranked lower (< 0).
with open(os.path.join(h.DATA_DIR, "rules.default.json"),
          encoding="utf-8") as _f:
    LABELS = {r["name"]: r["label"] for r in json.load(_f)["rules"]}

class MatchTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.redis = cls.env.redis
        cls.loads = {}
        for name in ("employers.jsonl", "jobs.jsonl"):
            path = os.path.join(h.DATA_DIR, name)
            cls.loads[name] = h.run_jobmatch(["load", path], token=h.STAFF,
                                             addr=cls.d.addr)
        cls.open_after_load = cls.redis.cmd("SCARD", "jm:jobs:open")
        cls.model = Model(
            [r["params"]["job"] for r in h.read_jsonl("jobs.jsonl")],
            [r["params"]["employer"] for r in h.read_jsonl(
                "employers.jsonl")])
        cls.kiosk = cls.d.client(h.KIOSK)
        cls.staff = cls.d.client(h.STAFF)
        cls.staff.result("employer.put", {"employer": TEST_EMPLOYER})
        cls.model.employers["emp-t"] = TEST_EMPLOYER
        for j in PROBES:
            j = dict(j, employer_id="emp-t")
            cls.staff.result("job.post", {"job": j})
            cls.model.put(j)

    @classmethod
    def tearDownClass(cls):
        cls.kiosk.close()
        cls.staff.close()

    # ---- helpers ----------------------------------------------------------

    def match(self, profile, **kw):
        params = {"profile": profile}
        params.update(kw)
        return self.kiosk.result("match", params)

    def match_all(self, profile, filters=None, explain=True):
        """Every result of a query, paging by 100."""
        out, offset, cand = [], 0, None
        while True:
            p = {"limit": 100, "offset": offset, "explain": explain}
            if filters:
                p["filters"] = filters
            r = self.match(profile, **p)
            if cand is None:
                cand = r["candidates"]
            self.assertEqual(r["candidates"], cand)
            out.extend(r["results"])
            if len(r["results"]) < 100:
                break
            offset += 100
        self.assertEqual(len(out), cand,
                         "candidates %d but %d results" % (cand, len(out)))
        return out

    def post(self, j):
        j = dict(j)
        j.setdefault("employer_id", "emp-t")
        r = self.staff.result("job.post", {"job": j})
        self.model.put(j)
        return r

    def close(self, id, emp="emp-t"):
        self.staff.result("job.close", {"id": id, "employer_id": emp})
        self.model.remove(emp, id)

    def keys(self, results):
        return [(x["job"]["employer_id"], x["job"]["id"]) for x in results]

    def assert_well_formed(self, results, explain=True):
        for x in results:
            j = x["job"]
            for k in ("id", "employer_id", "employer_name", "title", "town",
                      "employment_type", "salary", "accommodations"):
                self.assertIn(k, j, "result job lacks %s: %r" % (k, x))
            self.assertIsInstance(x["score"], (int, float))
            self.assertIsInstance(x["distance_km"], (int, float))
            self.assertGreaterEqual(x["distance_km"], 0)
            if explain:
                self.assertEqual(set(x), {"job", "score", "distance_km",
                                          "explain"}, x)
                e = x["explain"]
                self.assertEqual(set(e), {"skills", "distance", "policy",
                                          "rules", "boosts", "components",
                                          "matched_skills", "wanted_skills",
                                          "needs_met", "labels"}, e)
                # for people: the seeker's skills the posting lists (as
                # many as the seeker gave at most), the needs it meets, the
                # shipped label of each boost rule that fired
                self.assertEqual(len(e["matched_skills"]),
                                 len(set(e["matched_skills"])), e)
                self.assertLessEqual(len(e["matched_skills"]),
                                     e["wanted_skills"], e)
                self.assertIsInstance(e["needs_met"], list)
                self.assertEqual(e["labels"], [
                    {"rule": n, "zh": LABELS[n]["zh"], "en": LABELS[n]["en"],
                     "boost": e["boosts"][n]}
                    for n in e["rules"]], e)
                self.assertEqual(set(e["components"]),
                                 {"skills", "distance"}, e)
                for c in e["components"].values():
                    self.assertGreaterEqual(c, 0)
                    self.assertLessEqual(c, 1)
                total = e["skills"] + e["distance"] + e["policy"]
                self.assertLessEqual(abs(total - x["score"]), 1e-9,
                                     "explain parts do not add up: %r" % x)
                # rules: the boost rules that fired, in rule-set order;
                # boosts: each one's boost; policy: their sum
                self.assertIsInstance(e["rules"], list)
                self.assertEqual(len(e["rules"]), len(set(e["rules"])), e)
                order = [r["name"] for r in RULES.rules]
                for name in e["rules"]:
                    self.assertIn(name, RULES.by_name, e)
                    self.assertEqual(RULES.by_name[name]["action"], "boost",
                                     e)
                self.assertEqual(e["rules"], sorted(e["rules"],
                                                    key=order.index), e)
                self.assertEqual(e["boosts"], {
                    n: RULES.by_name[n]["boost"] for n in e["rules"]}, e)
                self.assertLessEqual(abs(e["policy"] - rm.round6(
                    sum(e["boosts"][n] for n in e["rules"]))), 1e-9, e)
            else:
                self.assertEqual(set(x), {"job", "score", "distance_km"}, x)

    def assert_ordered(self, results):
        for a, b in zip(results, results[1:]):
            ka = (-a["score"], a["distance_km"], a["job"]["id"])
            kb = (-b["score"], b["distance_km"], b["job"]["id"])
            self.assertLessEqual(ka, kb, "results out of order:\n%r\n%r"
                                 % (a, b))

    # ---- tests ------------------------------------------------------------

    def test_load_output(self):
        for name, n in (("employers.jsonl", 25), ("jobs.jsonl", 100)):
            r = self.loads[name]
            self.assertEqual(r.returncode, 0, "%s: %s%s" % (name, r.stdout,
                                                            r.stderr))
            self.assertIn("%s: %d requests, 0 failed" % (
                os.path.join(h.DATA_DIR, name), n), r.stdout)
            self.assertEqual(r.stderr, "")
        self.assertEqual(self.open_after_load, 100)

    def test_visual_massage_first(self):
        p = PROFILES[0]
        r = self.match(p, explain=True, limit=10)
        res = r["results"]
        self.assertGreater(len(res), 3, r)
        self.assert_well_formed(res)
        self.assert_ordered(res)
        top = res[0]
        self.assertIn("massage_for_visual", top["explain"]["rules"], top)
        self.assertTrue("推拿" in top["job"]["title"] or
                        "按摩" in top["job"]["title"], top)
        # every massage post among the results ranks above every other
        massage = [("massage_for_visual" in x["explain"]["rules"])
                   for x in res]
        self.assertGreaterEqual(sum(massage), 3, res)
        first_other = massage.index(False) if False in massage else \
            len(massage)
        self.assertTrue(all(massage[:first_other]) and
                        not any(massage[first_other:]),
                        "massage posts are not first: %r" % [
                            (x["job"]["title"], x["score"]) for x in res])
        ev = self.model.evaluate(p)
        for x in res:
            key = (x["job"]["employer_id"], x["job"]["id"])
            self.assertEqual("massage_for_visual" in x["explain"]["rules"],
                             "massage_for_visual" in ev[key]["fired"],
                             x["job"]["title"])

    def test_rule_not_fired_for_other_types(self):
        p = dict(PROFILES[0], disability={"type": "hearing", "grade": 2})
        for x in self.match(p, explain=True, limit=100)["results"]:
            self.assertNotIn("massage_for_visual", x["explain"]["rules"])

    def test_model_profiles(self):
        """Candidate sets equal the model's (hard filters, then the rules'
        exclusions); every part, every fired rule and the order are as the
        model of the rule set says; every default rule is exercised."""
        exercised, complete = set(), 0
        for i, p in enumerate(PROFILES):
            with self.subTest(profile=i):
                r = self.match(p, limit=1)
                self.assertIsInstance(r.get("rules_version"), int, r)
                res = self.match_all(p)
                self.assert_well_formed(res)
                self.assert_ordered(res)
                got = self.keys(res)
                self.assertEqual(len(got), len(set(got)), "duplicates")
                ev = self.model.evaluate(p)
                sure = {k for k, v in ev.items() if v["status"] == "match"}
                border = {k for k, v in ev.items() if v["status"] == "border"}
                self.assertEqual(set(got) - border, sure,
                                 "profile %d: candidates differ from the "
                                 "model" % i)
                for k, v in ev.items():
                    if v["status"] == "excluded":
                        exercised.add(v["rule"])
                        self.assertNotIn(k, got, "profile %d: %s should be "
                                         "left out by %s" % (i, k, v["rule"]))
                plat, plon = position(p)
                for x in res:
                    key = (x["job"]["employer_id"], x["job"]["id"])
                    j, m = self.model.jobs[key], ev[key]
                    if m["status"] == "border":
                        continue
                    d = haversine(plat, plon, *position(j))
                    self.assertAlmostEqual(x["distance_km"], d, delta=0.0011)
                    self.assertEqual(x["job"]["town"], rm.town_of(j),
                                     "town of %s" % (key,))
                    e, c = x["explain"], x["explain"]["components"]
                    self.assertAlmostEqual(
                        c["skills"], m["coverage"], delta=1e-9,
                        msg="skills coverage of %s" % (key,))
                    self.assertAlmostEqual(c["distance"], m["decay"],
                                           delta=1e-9,
                                           msg="distance of %s" % (key,))
                    self.assertEqual(e["rules"], m["fired"],
                                     "rules fired for %s" % (key,))
                    exercised.update(e["rules"])
                    weights = {"skills": RULES.w_skills,
                               "distance": RULES.w_distance}
                    for part in ("skills", "distance"):
                        self.assertAlmostEqual(
                            e[part], weights[part] * c[part], delta=1.01e-6,
                            msg="%s part of %s" % (part, key))
                    for part in ("skills", "distance", "policy"):
                        self.assertAlmostEqual(
                            e[part], m["parts"][part], delta=1.01e-6,
                            msg="%s part of %s" % (part, key))
                    self.assertAlmostEqual(x["score"], m["score"],
                                           delta=3.1e-6,
                                           msg="score of %s" % (key,))
                # the order is the model's, but for ties within rounding
                for a, b in zip(res, res[1:]):
                    ka = (a["job"]["employer_id"], a["job"]["id"])
                    kb = (b["job"]["employer_id"], b["job"]["id"])
                    if "border" in (ev[ka]["status"], ev[kb]["status"]):
                        continue
                    self.assertGreaterEqual(
                        ev[ka]["score"], ev[kb]["score"] - 6.1e-6,
                        "profile %d: the model ranks %s (%.6f) above %s "
                        "(%.6f)" % (i, kb, ev[kb]["score"], ka,
                                    ev[ka]["score"]))
                complete += 1
        if complete < len(PROFILES):
            return      # a profile failed: what it exercised is unknown
        for rule in RULES.rules:
            self.assertIn(rule["name"], exercised,
                          "the default rule %s never fires (or leaves "
                          "nothing out) for PROFILES and the postings: add "
                          "a profile or a probe posting so that the model "
                          "checks it" % rule["name"])

    def test_results_respect_the_posting(self):
        """Each result checked against job.get: open, type, grade, needs,
        distance, filters."""
        cases = [(PROFILES[1], None), (PROFILES[5], None),
                 (PROFILES[3], None),
                 (PROFILES[2], {"employment_types": ["part_time",
                                                     "public_welfare"]}),
                 (PROFILES[8], {"min_salary": 3000})]
        for p, f in cases:
            res = self.match_all(p, filters=f)
            self.assertTrue(res, "no results for %r" % p)
            plat, plon = position(p)
            maxkm = p.get("max_distance_km", MAX_KM)
            for x in res:
                j = self.kiosk.result("job.get", {
                    "id": x["job"]["id"],
                    "employer_id": x["job"]["employer_id"]})
                self.assertEqual(j["status"], "open")
                acc = j["accessible_for"]
                self.assertTrue("any" in acc or
                                p["disability"]["type"] in acc, j)
                if j.get("grades"):
                    self.assertIn(p["disability"]["grade"], j["grades"])
                self.assertLessEqual(set(p.get("needs", [])),
                                     set(j["accommodations"]), j)
                self.assertEqual(sorted(x["job"]["accommodations"]),
                                 sorted(j["accommodations"]))
                self.assertEqual(x["job"]["title"], j["title"])
                self.assertEqual(x["job"]["employment_type"],
                                 j["employment_type"])
                self.assertEqual(x["job"]["salary"], j.get("salary"))
                if not j.get("remote"):
                    d = haversine(plat, plon, *position(j))
                    self.assertLessEqual(d, maxkm + 1e-9, j)
                    self.assertLessEqual(x["distance_km"], maxkm + 0.0005)
                if f and "employment_types" in f:
                    self.assertIn(j["employment_type"],
                                  f["employment_types"])
                if f and "min_salary" in f:
                    self.assertGreaterEqual(j["salary"]["max"],
                                            f["min_salary"])

    def test_needs_step_free_access(self):
        lacking = {k for k, j in self.model.jobs.items()
                   if "step_free_access" not in j.get("accommodations", [])}
        self.assertTrue(lacking)
        seen = 0
        for dtype in ("visual", "hearing", "speech", "physical",
                      "intellectual", "mental", "multiple"):
            for grade in (1, 4):
                for town in (GUIXI, CHENGXI, SHAPING):
                    p = {"disability": {"type": dtype, "grade": grade},
                         "town": town, "skills": ["客服"],
                         "needs": ["step_free_access"],
                         "max_distance_km": 200}
                    res = self.match_all(p, explain=False)
                    seen += len(res)
                    for x in res:
                        key = (x["job"]["employer_id"], x["job"]["id"])
                        self.assertNotIn(key, lacking,
                                         "%s lacks step-free access" % (key,))
                        self.assertIn("step_free_access",
                                      x["job"]["accommodations"])
        self.assertGreater(seen, 0, "no profile matched anything")

    def test_filters(self):
        p = dict(PROFILES[2], max_distance_km=100)
        res = self.match_all(p)
        everything = {tuple(k) for k in self.keys(res)}
        self.assertTrue([x for x in res if x["job"]["salary"] is None],
                        "no posting without salary to leave out")
        # min_salary 0 is a filter too: it leaves out postings without
        # salary (docs/protocol.md, "Scoring")
        for f in [{"min_salary": 0},
                  {"employment_types": ["part_time"]},
                  {"employment_types": ["public_welfare", "sheltered"]},
                  {"employer_types": ["agency"]},
                  {"employer_types": ["private", "social_org"]},
                  {"min_salary": 4000},
                  {"employment_types": ["full_time"],
                   "employer_types": ["soe", "private"],
                   "min_salary": 3000}]:
            with self.subTest(filters=f):
                res = self.match_all(p, filters=f)
                got = set(self.keys(res))
                sure, border = self.model.candidates(p, f)
                self.assertEqual(got - border, sure)
                self.assertLessEqual(got, everything)
                for x in res:
                    j = x["job"]
                    if "employment_types" in f:
                        self.assertIn(j["employment_type"],
                                      f["employment_types"])
                    if "employer_types" in f:
                        self.assertIn(self.model.employers[
                            j["employer_id"]]["type"], f["employer_types"])
                    if "min_salary" in f:
                        self.assertIsNotNone(j["salary"])
                        self.assertGreaterEqual(j["salary"]["max"],
                                                f["min_salary"])
        r = self.match(p, filters={"employment_types": ["part_time"]},
                       limit=100)
        self.assertTrue(r["results"], "no part-time post at all?")

    def test_limit_offset(self):
        p = dict(PROFILES[2], max_distance_km=100)
        big = self.match(p, limit=40)
        self.assertEqual(len(big["results"]), min(40, big["candidates"]))
        self.assertGreater(len(big["results"]), 12)
        pages = []
        for off in range(0, 40, 7):
            r = self.match(p, limit=7, offset=off)
            self.assertEqual(r["candidates"], big["candidates"])
            pages.extend(r["results"])
        pages = pages[:40]
        self.assertEqual([(x["job"]["employer_id"], x["job"]["id"],
                           x["score"]) for x in pages],
                         [(x["job"]["employer_id"], x["job"]["id"],
                           x["score"]) for x in big["results"]])
        default = self.match(p)
        self.assertEqual(len(default["results"]), 10)
        self.assertEqual(self.keys(default["results"]),
                         self.keys(big["results"][:10]))
        far = self.match(p, offset=big["candidates"])
        self.assertEqual(far["results"], [])
        self.assertEqual(far["candidates"], big["candidates"])
        self.assertIsInstance(far["took_us"], int)

    def test_post_then_match_then_close(self):
        j = {"id": "t-new-1", "title": "社区图书管理员（测试）",
             "skills": ["图书整理"], "accessible_for": ["physical"],
             "employment_type": "part_time", "town": GUIYANG,
             "accommodations": ["step_free_access", "elevator"],
             "salary": {"min": 2000, "max": 2600}}
        self.post(j)
        p = {"disability": {"type": "physical", "grade": 2},
             "town": GUIYANG, "skills": ["图书整理"],
             "needs": ["step_free_access"]}
        res = self.match_all(p)
        self.assertIn(("emp-t", "t-new-1"), self.keys(res))
        hit = [x for x in res if x["job"]["id"] == "t-new-1"][0]
        self.assertEqual(hit["job"]["employer_name"], "测试用人单位")
        self.assertEqual(hit["explain"]["components"]["skills"], 1.0)
        self.assertEqual(hit["distance_km"], 0)
        # an update is seen at once
        self.post(dict(j, accessible_for=["visual"]))
        self.assertNotIn(("emp-t", "t-new-1"), self.keys(self.match_all(p)))
        self.post(j)
        self.assertIn(("emp-t", "t-new-1"), self.keys(self.match_all(p)))
        self.close("t-new-1")
        self.assertNotIn(("emp-t", "t-new-1"), self.keys(self.match_all(p)))
        # and a re-post reopens it
        self.post(j)
        self.assertIn(("emp-t", "t-new-1"), self.keys(self.match_all(p)))
        self.close("t-new-1")

    def test_expired_never_matched(self):
        now = int(time.time())
        base = {"title": "过期测试岗位", "accessible_for": ["any"],
                "employment_type": "flexible", "town": GUIXI}
        self.post(dict(base, id="t-exp-old", expires_at=now - 3600))
        self.post(dict(base, id="t-exp-new", expires_at=now + 86400 * 365))
        p = {"disability": {"type": "speech", "grade": 3}, "town": GUIXI}
        keys = self.keys(self.match_all(p))
        self.assertNotIn(("emp-t", "t-exp-old"), keys)
        self.assertIn(("emp-t", "t-exp-new"), keys)
        self.close("t-exp-old")
        self.close("t-exp-new")

    def test_remote_matches_any_distance(self):
        base = {"title": "远程测试岗位", "accessible_for": ["mental"],
                "employment_type": "flexible", "town": BAIJIA}
        self.post(dict(base, id="t-remote", remote=True))
        self.post(dict(base, id="t-onsite"))
        p = {"disability": {"type": "mental", "grade": 2}, "town": SHAPING,
             "max_distance_km": 1}
        res = self.match_all(p)
        keys = self.keys(res)
        self.assertIn(("emp-t", "t-remote"), keys)
        self.assertNotIn(("emp-t", "t-onsite"), keys)
        hit = [x for x in res if x["job"]["id"] == "t-remote"][0]
        self.assertGreater(hit["distance_km"], 1)
        self.assertIs(hit["job"].get("remote"), True)
        self.close("t-remote")
        self.close("t-onsite")

    def test_grades(self):
        base = {"title": "等级测试岗位", "accessible_for": ["physical"],
                "employment_type": "sheltered", "town": GUIYANG}
        self.post(dict(base, id="t-grade", grades=[3, 4]))
        for g, expect in ((1, False), (2, False), (3, True), (4, True)):
            p = {"disability": {"type": "physical", "grade": g},
                 "town": GUIYANG}
            self.assertEqual(("emp-t", "t-grade") in self.keys(
                self.match_all(p)), expect, "grade %d" % g)
        self.close("t-grade")

    def test_employer_update_seen_by_match(self):
        emp = {"id": "emp-rn", "name": "旧名称", "type": "private",
               "town": GUIXI}
        self.staff.result("employer.put", {"employer": emp})
        self.model.employers["emp-rn"] = emp
        self.post({"id": "rn-1", "employer_id": "emp-rn",
                   "title": "更名测试岗位", "accessible_for": ["speech"],
                   "employment_type": "full_time", "town": GUIXI})
        p = {"disability": {"type": "speech", "grade": 2}, "town": GUIXI}

        def find(types):
            res = self.match_all(p, filters={"employer_types": types})
            return [x for x in res if x["job"]["id"] == "rn-1"]
        self.assertEqual(find(["private"])[0]["job"]["employer_name"],
                         "旧名称")
        emp = dict(emp, name="新名称", type="soe")
        self.staff.result("employer.put", {"employer": emp})
        self.model.employers["emp-rn"] = emp
        self.assertEqual(find(["private"]), [])
        self.assertEqual(find(["soe"])[0]["job"]["employer_name"], "新名称")
        self.close("rn-1", emp="emp-rn")

    def test_chinese_round_trip(self):
        title = "非遗竹编手艺人（𠀀测试·残疾人之家）"
        skills = ["竹编", "编织 工艺", "手工艺品设计"]
        self.post({"id": "t-zh", "title": title, "skills": skills,
                   "description": "传承梁平竹帘技艺，按件计酬。",
                   "accessible_for": ["hearing", "speech"],
                   "employment_type": "flexible", "town": CHENGXI})
        g = self.kiosk.result("job.get", {"id": "t-zh",
                                          "employer_id": "emp-t"})
        self.assertEqual(g["title"], title)
        self.assertEqual(g["skills"], skills)
        self.assertEqual(g["description"], "传承梁平竹帘技艺，按件计酬。")
        p = {"disability": {"type": "hearing", "grade": 3}, "town": CHENGXI,
             "skills": ["竹编"]}
        res = self.match_all(p)
        hit = [x for x in res if x["job"]["id"] == "t-zh"]
        self.assertEqual(len(hit), 1)
        self.assertEqual(hit[0]["job"]["title"], title)
        # 竹编 and 编织 share a term; 手工艺品设计 is handicraft
        self.assertAlmostEqual(hit[0]["explain"]["components"]["skills"],
                               0.5)
        self.close("t-zh")

    def test_explain_off(self):
        r = self.match(PROFILES[0], limit=5)
        self.assert_well_formed(r["results"], explain=False)
        r2 = self.match(PROFILES[0], limit=5, explain=False)
        self.assertEqual(self.keys(r["results"]), self.keys(r2["results"]))

    def test_rules_version(self):
        """Every match result names the version of the rule set it used."""
        versions = set()
        for p, kw in ((PROFILES[0], {}), (PROFILES[0], {"explain": True}),
                      (PROFILES[3], {"limit": 1}),
                      (PROFILES[2], {"offset": 10000}),
                      (PROFILES[4], {"filters": {"min_salary": 999999}})):
            r = self.match(p, **kw)
            self.assertEqual(set(r), {"results", "candidates",
                                      "rules_version", "took_us"}, r)
            self.assertIsInstance(r["rules_version"], int, r)
            self.assertNotIsInstance(r["rules_version"], bool, r)
            self.assertGreaterEqual(r["rules_version"], 0, r)
            versions.add(r["rules_version"])
        self.assertEqual(len(versions), 1, "the rules changed between "
                         "matches: %r" % versions)
        r = h.run_jobmatch(["match", "--type", "visual", "--grade", "2",
                            "--town", GUIXI, "--json"], token=h.KIOSK,
                           addr=self.d.addr)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["rules_version"],
                         versions.pop())

    def test_excluded_posts_never_appear(self):
        """no_driving_for_visual and avoid_voice_phone: the posting is left
        out (not merely ranked low) for every profile concerned, whatever
        the grade, filters, paging or skills; other seekers still get it.
        A telephone post is only ranked lower for hearing and speech
        seekers (voice_phone_lower_for_deaf) until they choose avoid
        voice_phone; then, as for anyone who chooses it, it is left out."""
        base = {"accessible_for": ["any"], "town": GUIYANG}
        posts = {
            # "Driver" is driving after the synonyms (job.skills is matched
            # against the canonical terms too)
            "t-ex-drive": dict(base, title="货车配送员（测试）",
                               skills=["Driver", "装卸"],
                               employment_type="full_time"),
            "t-ex-hotline": dict(base, title="客服热线话务员（测试）",
                                 skills=["客服"],
                                 employment_type="part_time"),
            "t-ex-phone": dict(base, title="telephone survey interviewer",
                               skills=["沟通"], employment_type="flexible",
                               remote=True),
        }
        phones = {"t-ex-hotline", "t-ex-phone"}
        for id, j in posts.items():
            self.post(dict(j, id=id))
        try:
            for dtype in rm.DISABILITY_TYPES:
                for grade, avoid in ((1, False), (4, False), (4, True)):
                    p = {"disability": {"type": dtype, "grade": grade},
                         "town": GUIYANG, "skills": ["驾驶", "客服", "沟通"],
                         "max_distance_km": 100}
                    out = {"t-ex-drive"} if dtype == "visual" else set()
                    if avoid:
                        p["avoid"] = ["voice_phone"]
                        out |= phones
                    with self.subTest(type=dtype, grade=grade, avoid=avoid):
                        ev = self.model.evaluate(p)
                        for id in posts:
                            v = ev[("emp-t", id)]
                            self.assertEqual(v["status"] == "excluded",
                                             id in out, (id, v))
                        res = self.match_all(p)
                        ids = {x["job"]["id"] for x in res}
                        self.assertEqual(ids & set(posts),
                                         set(posts) - out)
                        for x in res:
                            if x["job"]["id"] in phones and \
                                    dtype in ("hearing", "speech"):
                                self.assertIn("voice_phone_lower_for_deaf",
                                              x["explain"]["rules"])
                                self.assertAlmostEqual(
                                    x["explain"]["boosts"][
                                        "voice_phone_lower_for_deaf"], -0.3)
                        for f in ({"employment_types": ["full_time",
                                                        "part_time",
                                                        "flexible"]},
                                  {"employer_types": ["community"]}):
                            ids = {x["job"]["id"] for x in
                                   self.match_all(p, filters=f,
                                                  explain=False)}
                            self.assertEqual(ids & set(posts),
                                             set(posts) - out, f)
                        # paging never brings them back
                        seen = set()
                        for off in range(0, 100, 25):
                            r = self.match(p, limit=25, offset=off)
                            seen |= {x["job"]["id"] for x in r["results"]}
                        self.assertFalse(seen & out, seen & out)
        finally:
            for id in posts:
                self.close(id)

    def test_match_writes_nothing(self):
        secret = "隐私标记技能QX7"
        n0 = self.redis.cmd("XLEN", "jm:changes")
        k0 = self.redis.cmd("DBSIZE")
        p = dict(PROFILES[0], skills=[secret])
        self.match(p, explain=True)
        self.assertEqual(self.redis.cmd("XLEN", "jm:changes"), n0)
        self.assertEqual(self.redis.cmd("DBSIZE"), k0)
        self.assertNotIn(secret, self.d.log_text(whole=True),
                         "a kiosk profile was logged")

    def test_cli_match(self):
        r = h.run_jobmatch(["match", "--type", "visual", "--grade", "2",
                            "--town", GUIXI, "--skills", "推拿",
                            "--explain", "--limit", "5"],
                           token=h.KIOSK, addr=self.d.addr)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("康复科盲人推拿技师", r.stdout)
        self.assertIn("massage_for_visual", r.stdout)
        self.assertRegex(r.stdout, r"\d+ posts fit")
        self.assertEqual(len(re.findall(r"^\s*\d+\. ", r.stdout, re.M)), 5,
                         r.stdout)
        r = h.run_jobmatch(["match", "--type", "hearing", "--grade", "3",
                            "--at", "30.3153,107.3294", "--skills",
                            "打字,Excel", "--employment-types",
                            "part_time,public_welfare", "--json"],
                           token=h.KIOSK, addr=self.d.addr)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        for x in out["results"]:
            self.assertIn(x["job"]["employment_type"],
                          ("part_time", "public_welfare"))
        # an invalid profile: a message naming the field, exit 1
        r = h.run_jobmatch(["match", "--type", "visual", "--grade", "7",
                            "--town", GUIXI], token=h.KIOSK,
                           addr=self.d.addr)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("-32602", r.stderr)
        self.assertIn("profile.disability.grade", r.stderr)


class RulesReloadTest(unittest.TestCase):
    """SIGHUP reloads rules_file: new synonyms and rules apply to postings
    already in the mirror; a bad file leaves the rules in use."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-rules-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.rules = os.path.join(self.dir, "rules.json")
        self.write_rules(RULES_DOC)
        self.env = h.Env(extra=["rules_file " + self.rules])
        self.addCleanup(self.env.stop)
        self.d = self.env.daemon
        self.staff = self.d.client(h.STAFF)
        self.addCleanup(self.staff.close)
        self.staff.result("employer.put", {"employer": {
            "id": "emp-r", "name": "规则单位", "type": "private",
            "town": GUIXI}})
        self.staff.result("job.post", {"job": {
            "id": "r-1", "employer_id": "emp-r", "title": "数据标注员",
            "skills": ["数据标注", "打字"], "accessible_for": ["hearing"],
            "employment_type": "full_time", "town": GUIYANG}})
        self.profile = {"disability": {"type": "hearing", "grade": 3},
                        "town": GUIXI, "skills": ["图片标注", "录入"]}

    def write_rules(self, rules):
        tmp = self.rules + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(rules, f, ensure_ascii=False)
        os.replace(tmp, self.rules)

    def match(self):
        r = self.staff.result("match", {"profile": self.profile,
                                        "explain": True})
        self.assertIsInstance(r.get("rules_version"), int, r)
        return r

    def hit(self):
        r = self.match()
        self.assertEqual(len(r["results"]), 1, r)
        return r["results"][0]

    def test_sighup_reloads_rules(self):
        r0 = self.match()
        x = r0["results"][0]
        # 录入 and 打字 share "typing"; 图片标注 and 数据标注 share nothing
        self.assertAlmostEqual(x["explain"]["components"]["skills"], 0.5)
        self.assertEqual(x["explain"]["rules"], [])
        rules = json.loads(json.dumps(RULES_DOC))
        rules["weights"] = {"skills": 1.0, "distance": 0.0}
        rules["synonyms"].append({"term": "labelling",
                                  "pattern": "标注|labell?ing"})
        # a rule on a term only the new synonym gives the posting
        rules["rules"].append({"name": "labelling_boost",
                               "when": {"job.skills": "^labelling$"},
                               "then": {"boost": 0.25}})
        self.write_rules(rules)
        self.d.proc.send_signal(signal.SIGHUP)
        x = h.wait_until(
            lambda: [x for x in self.match()["results"]
                     if x["explain"]["rules"] == ["labelling_boost"]],
            what="the reloaded rules in match results")[0]
        self.assertEqual(x["explain"]["components"]["skills"], 1.0)
        self.assertEqual(x["explain"]["distance"], 0)
        self.assertEqual(x["explain"]["boosts"], {"labelling_boost": 0.25})
        self.assertEqual(x["explain"]["policy"], 0.25)
        self.assertEqual(x["score"], 1.25)
        v1 = self.match()["rules_version"]
        self.assertGreaterEqual(v1, r0["rules_version"])
        # a broken file: the rules in use stay
        with open(self.rules, "w") as f:
            f.write('{"synonyms": [{"term": "x", "pattern": "("}]}')
        n = self.d.log_text().count("rules not reloaded")
        self.d.proc.send_signal(signal.SIGHUP)
        self.d.wait_log("rules not reloaded", count=n + 1)
        r = self.match()
        self.assertEqual(r["results"][0]["score"], 1.25)
        self.assertEqual(r["rules_version"], v1)
        self.assertTrue(self.d.running())


if __name__ == "__main__":
    h.main()

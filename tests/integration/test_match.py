"""
test_match.py - matching against the sample data loaded with the real
`jobmatch load`. The hard filters are checked against an independent model
of PROTOCOL.md written here from the same data files (exact candidate sets),
and every result against the posting itself (job.get).
"""
import json
import math
import os
import re
import shutil
import signal
import tempfile
import time
import unittest

import harness as h

GUIXI = "500231001000"      # 桂溪街道, the county seat
GUIYANG = "500231002000"    # 桂阳街道
CHENGXI = "500231109000"    # 澄溪镇
BAIJIA = "500231117000"     # 白家镇, far south
SHAPING = "500231102000"    # 沙坪镇, far north

RULES = json.load(open(os.path.join(h.DATA_DIR, "rules.default.json"),
                       encoding="utf-8"))
W = RULES["weights"]
SCALE_KM = RULES["distance"]["scale_km"]
MAX_KM = RULES["distance"]["max_km"]
SYNONYMS = [(s["term"], re.compile(s["pattern"], re.IGNORECASE))
            for s in RULES["synonyms"]]


def load_towns():
    towns = {}
    with open(os.path.join(h.DATA_DIR, "towns.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for ln in f:
            if not ln.strip():
                continue
            row = dict(zip(header, ln.rstrip("\n").split("\t")))
            if row["kind"] == "county":
                continue
            towns[row["code"]] = (float(row["lat"]), float(row["lon"]),
                                  row["kind"])
    return towns


TOWNS = load_towns()


def haversine(lat1, lon1, lat2, lon2):
    r, rad = 6371.0088, math.pi / 180
    dlat, dlon = (lat2 - lat1) * rad, (lon2 - lon1) * rad
    a = (math.sin(dlat / 2) ** 2 + math.cos(lat1 * rad) *
         math.cos(lat2 * rad) * math.sin(dlon / 2) ** 2)
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def position(o):
    """lat, lon of a job or profile: its location, else its town centre."""
    if o.get("location"):
        return o["location"]["lat"], o["location"]["lon"]
    t = TOWNS[o["town"]]
    return t[0], t[1]


def normalise(s):
    """As the rules do: trim, fold inner white space, ASCII lower case."""
    ws = " \t\n\v\f\r"
    out, space = [], False
    for ch in s.lstrip(ws):
        if ch in ws:
            space = True
            continue
        if space:
            out.append(" ")
        space = False
        out.append(ch.lower() if "A" <= ch <= "Z" else ch)
    return "".join(out)


def nearest_town(lat, lon):
    k = math.cos(lat * math.pi / 180)
    return min(TOWNS, key=lambda c: (TOWNS[c][0] - lat) ** 2 +
               ((TOWNS[c][1] - lon) * k) ** 2)


def canon(skill):
    s = normalise(skill)
    for term, pat in SYNONYMS:
        if pat.search(s):
            return normalise(term)
    return s


def coverage(job_skills, seeker_skills):
    want = {canon(s) for s in seeker_skills}
    have = [c for c in dict.fromkeys(canon(s) for s in job_skills) if c]
    if not have:
        return 1.0
    return sum(1 for c in have if c in want) / len(have)


def is_massage(job):
    return ("按摩" in job["title"] or "推拿" in job["title"] or
            any(c == "massage" or "按摩" in c or "推拿" in c
                for c in (canon(s) for s in job.get("skills", []))))


class Model:
    """What PROTOCOL.md says a match must return, from the postings."""

    def __init__(self, jobs, employers):
        self.jobs = {(j["employer_id"], j["id"]): j for j in jobs}
        self.employers = {e["id"]: e for e in employers}

    def put(self, j):
        self.jobs[(j["employer_id"], j["id"])] = j

    def remove(self, emp, id):
        self.jobs.pop((emp, id), None)

    def candidates(self, profile, filters=None, now=None):
        """(sure, borderline): the keys that must match, and those too near
        the distance limit for floating point to decide."""
        filters = filters or {}
        now = time.time() if now is None else now
        dtype, grade = profile["disability"]["type"], \
            profile["disability"]["grade"]
        needs = set(profile.get("needs", []))
        maxkm = profile.get("max_distance_km", MAX_KM)
        plat, plon = position(profile)
        sure, border = set(), set()
        for key, j in self.jobs.items():
            acc = j["accessible_for"]
            if "any" not in acc and dtype not in acc:
                continue
            if j.get("grades") and grade not in j["grades"]:
                continue
            if not needs <= set(j.get("accommodations", [])):
                continue
            if j.get("openings", 1) < 1:
                continue
            if j.get("expires_at") and j["expires_at"] <= now + 5:
                if j["expires_at"] > now - 5:
                    border.add(key)
                continue
            et = filters.get("employment_types")
            if et and j["employment_type"] not in et:
                continue
            emt = filters.get("employer_types")
            if emt and self.employers.get(
                    j["employer_id"], {}).get("type") not in emt:
                continue
            ms = filters.get("min_salary")
            if ms and (not j.get("salary") or j["salary"]["max"] < ms):
                continue
            d = haversine(plat, plon, *position(j))
            if not j.get("remote"):
                if abs(d - maxkm) < 1e-6:
                    border.add(key)
                    continue
                if d > maxkm:
                    continue
            sure.add(key)
        return sure, border


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
]


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
        cls.staff.result("employer.put", {"employer": {
            "id": "emp-t", "name": "测试用人单位", "type": "community",
            "town": GUIXI}})
        cls.model.employers["emp-t"] = {"id": "emp-t", "type": "community"}

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
                e = x["explain"]
                total = e["skills"] + e["distance"] + e["policy"]
                self.assertLessEqual(abs(total - x["score"]), 1e-9,
                                     "explain parts do not add up: %r" % x)
                self.assertIsInstance(e["rules"], list)
            else:
                self.assertNotIn("explain", x)

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
        for x in res:
            key = (x["job"]["employer_id"], x["job"]["id"])
            self.assertEqual("massage_for_visual" in x["explain"]["rules"],
                             is_massage(self.model.jobs[key]),
                             x["job"]["title"])

    def test_rule_not_fired_for_other_types(self):
        p = dict(PROFILES[0], disability={"type": "hearing", "grade": 2})
        for x in self.match(p, explain=True, limit=100)["results"]:
            self.assertNotIn("massage_for_visual", x["explain"]["rules"])

    def test_model_profiles(self):
        """Candidate sets equal the model's; every part is as the rules say;
        order and sums hold."""
        for i, p in enumerate(PROFILES):
            with self.subTest(profile=i):
                res = self.match_all(p)
                self.assert_well_formed(res)
                self.assert_ordered(res)
                got = self.keys(res)
                self.assertEqual(len(got), len(set(got)), "duplicates")
                sure, border = self.model.candidates(p)
                self.assertEqual(set(got) - border, sure,
                                 "profile %d: candidates differ from the "
                                 "model" % i)
                plat, plon = position(p)
                for x in res:
                    key = (x["job"]["employer_id"], x["job"]["id"])
                    j = self.model.jobs[key]
                    d = haversine(plat, plon, *position(j))
                    self.assertAlmostEqual(x["distance_km"], d, delta=0.0011)
                    self.assertEqual(x["job"]["town"], j.get("town") or
                                     nearest_town(*position(j)),
                                     "town of %s" % (key,))
                    e, c = x["explain"], x["explain"]["components"]
                    self.assertAlmostEqual(
                        c["skills"], coverage(j.get("skills", []),
                                              p["skills"]), delta=1e-9,
                        msg="skills coverage of %s" % (key,))
                    dist = 1.0 if j.get("remote") else \
                        math.exp(-d / SCALE_KM)
                    self.assertAlmostEqual(c["distance"], dist, delta=1e-9,
                                           msg="distance of %s" % (key,))
                    self.assertGreaterEqual(c["policy"], 0)
                    self.assertLessEqual(c["policy"], 1)
                    for part in ("skills", "distance", "policy"):
                        self.assertAlmostEqual(
                            e[part], W[part] * c[part], delta=1.01e-6,
                            msg="%s part of %s" % (part, key))

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
        everything = {tuple(k) for k in self.keys(self.match_all(p))}
        for f in [{"employment_types": ["part_time"]},
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
    """SIGHUP reloads rules_file; a bad file leaves the rules in use."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-rules-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.rules = os.path.join(self.dir, "rules.json")
        self.write_rules(RULES)
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

    def hit(self):
        r = self.staff.result("match", {"profile": self.profile,
                                        "explain": True})
        self.assertEqual(len(r["results"]), 1, r)
        return r["results"][0]

    def reload(self, expect):
        n = self.d.log_text().count(expect)
        self.d.proc.send_signal(signal.SIGHUP)
        self.d.wait_log(expect, count=n + 1)

    def test_sighup_reloads_rules(self):
        x = self.hit()
        # 录入 and 打字 share "typing"; 图片标注 and 数据标注 share nothing
        self.assertAlmostEqual(x["explain"]["components"]["skills"], 0.5)
        rules = json.loads(json.dumps(RULES))
        rules["version"] = 2
        rules["weights"] = {"skills": 1.0, "distance": 0.0, "policy": 0.0}
        rules["synonyms"].append({"term": "labelling",
                                  "pattern": "标注|labell?ing"})
        self.write_rules(rules)
        self.reload("rules reloaded (version 2)")
        x = self.hit()
        self.assertEqual(x["explain"]["components"]["skills"], 1.0)
        self.assertEqual(x["score"], 1.0)
        self.assertEqual(x["explain"]["distance"], 0)
        # a broken file: the rules in use stay
        with open(self.rules, "w") as f:
            f.write('{"synonyms": [{"term": "x", "pattern": "("}]}')
        self.reload("rules not reloaded")
        self.assertEqual(self.hit()["score"], 1.0)
        self.assertTrue(self.d.running())


if __name__ == "__main__":
    h.main()

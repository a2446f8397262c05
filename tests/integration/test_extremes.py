# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_extremes.py - the extremes of every number of every method: 0, -1, 1,
each documented bound and one past it, 2^31, 2^53 - 1, 2^53, 2^53 + 1,
2^63 - 1, -2^63, 2^64, an integer of thirty digits, 1e308, -1e308, 1.5 and
-0.0 in every integer or number a method takes (cursors as their text;
dates get these and the edges of the calendar). Each gets a result (or
the documented -32002 / -32003 of a value in range) or a -32602 naming
the field (a rule set's numbers: -32006 from rules.set, ok false from
rules.validate), never an internal error, never -32004, never a hang.
After each, the daemon still takes a write and, after each method, Redis
still takes one from another client: a script that runs away leaves Redis
answering BUSY to writes, while PING still answers.

Integers beyond the signed 64-bit range are a parse error (-32700), as
docs/protocol.md says. Each request is a line of its own (pipelined, a
method at a time), since one such number makes its whole line unparsable.

PARAMS names every method the daemon serves: a method hello lists for
staff that PARAMS does not name fails the test, so that a new method
cannot escape it.

Beside the table: rules.rollback and rules.history beyond what a Lua
number counts exactly (once a script that looped for ever), and the
placement's score, day * 2^31 + id, at its largest.
"""
import copy
import datetime
import json
import os
import unittest

import harness as h

GUIXI = "500231001000"
INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1
EXACT_MAX = 2 ** 53 - 1         # proto/params.h INT_EXACT_MAX
MONEY_MAX = 100000000           # matcher/model.h
COUNT_MAX = 10000000
OPENINGS_MAX = 10000
TIME_MIN, TIME_MAX = 946684800, 4102444800      # proto/codec.h
OFFSET_CURSOR_MAX = 1000000000  # proto/params.h
GEO_LAT_MAX = 85.05112878

INTS = [0, -1, 1, 2 ** 31, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1, INT64_MAX,
        INT64_MIN, 2 ** 64, 123456789012345678901234567890]
REALS = [1e308, -1e308, 1.5, -0.0]
DATES = ["1970-01-01", "9999-12-31", "1969-12-31", "0000-01-01",
         "10000-01-01", "2024-02-30", "2024-13-01", "2024-1-01", ""]

with open(os.path.join(h.DATA_DIR, "rules.default.json"),
          encoding="utf-8") as _f:
    DEFAULT_RULES = json.load(_f)
# the default rule set and one rule with a numeric condition
RULES = copy.deepcopy(DEFAULT_RULES)
RULES["rules"].append({"name": "x_extreme",
                       "when": {"distance_km": {"min": -1e12,
                                                "max": 1e12}},
                       "then": {"boost": 0.1}})
XR = "rules[%d]" % (len(RULES["rules"]) - 1)

EMPLOYER = {"id": "emp-x", "name": "极值测试单位", "type": "private",
            "town": GUIXI, "headcount": 100, "disabled_employees": 1,
            "severe_disabled_employees": 0, "avg_annual_salary": 60000}
JOB = {"id": "x1", "employer_id": "emp-x", "title": "极值岗位",
       "skills": ["客服"], "accessible_for": ["any"],
       "employment_type": "full_time", "town": GUIXI,
       "openings": OPENINGS_MAX}
PROFILE = {"disability": {"type": "physical", "grade": 3},
           "skills": ["客服"], "location": {"lat": 30.33, "lon": 107.34},
           "max_distance_km": 50}
SEEKER = dict(PROFILE, id="s-x", name="某人",
              training=[{"course": "客服", "date": "2024-01-01"}])
POST = dict(JOB, id="x-post", grades=[1], salary={"min": 0,
            "max": MONEY_MAX}, location={"lat": 30.33, "lon": 107.34},
            expires_at=TIME_MAX)
PUT = dict(EMPLOYER, id="emp-put")
PUT_NO_FIGURES = {k: v for k, v in PUT.items()
                  if k not in ("disabled_employees",
                               "severe_disabled_employees")}


def P(path, kind, lo=None, hi=None, base=None, field=None, above=False):
    """A param: path (dots, [n] for an array item), kind (int, num, cursor
    for a number written as text, date, text), its range, the params it
    is varied in (else the method's), the field an error names (else the
    path), and whether lo itself is refused (above)."""
    return {"path": path, "kind": kind, "lo": lo, "hi": hi, "base": base,
            "field": field or path, "above": above}


def profile_params(prefix="profile."):
    return [P(prefix + "disability.grade", "int", 1, 4),
            P(prefix + "location.lat", "num", -90, 90),
            P(prefix + "location.lon", "num", -180, 180),
            P(prefix + "max_distance_km", "num", 0, 20038, above=True)]


def rules_params(method):
    """The numbers of a rule set document: rules.set refuses with -32006
    and rules.validate answers ok false, naming the field in the
    document."""
    expected = {"rules.set": 0}.get(method)
    base = {"rules": RULES}
    if expected is not None:
        base["expected_version"] = expected
    out = []
    for path, kind, lo, hi in [
            ("version", "int", 0, INT64_MAX),
            ("weights.skills", "num", 0, 100),
            ("weights.distance", "num", 0, 100),
            ("distance.scale_km", "num", 0.001, 20038),
            ("distance.max_km", "num", 0.001, 20038),
            (XR + ".then.boost", "num", -10, 10),
            (XR + ".when.distance_km.min", "num", -1e12, 1e12),
            (XR + ".when.distance_km.max", "num", -1e12, 1e12)]:
        out.append(P("rules." + path, kind, lo, hi, base=base, field=path))
    return out


# method -> its params that hold a number (or a number's text, or a date)
PARAMS = {
    "hello": [],
    "ping": [],
    "vocab": [],
    "stats": [],
    "rules.get": [],
    "employer.get": [],
    "seeker.get": [],
    "seeker.delete": [],
    "job.get": [],
    "job.close": [],
    "employer.put": [
        P("employer.headcount", "int", 0, COUNT_MAX,
          base={"employer": PUT_NO_FIGURES}),
        P("employer.disabled_employees", "int", 0, COUNT_MAX,
          base={"employer": dict(PUT_NO_FIGURES, headcount=COUNT_MAX)}),
        P("employer.severe_disabled_employees", "int", 0, COUNT_MAX,
          base={"employer": dict(PUT_NO_FIGURES, headcount=COUNT_MAX,
                                 disabled_employees=COUNT_MAX)}),
        P("employer.avg_annual_salary", "int", 0, MONEY_MAX),
        P("employer.establishment", "int", 0, COUNT_MAX)],
    "employer.roster.put": [
        P("expected_version", "int", 0, EXACT_MAX),
        P("entries[0].grade", "int", 1, 4),
        P("entries[0].birth_year", "int", 1900, datetime.date.today().year),
        P("entries[0].contract_start", "date"),
        P("entries[0].contract_months", "int", 1, 1200),
        P("entries[0].monthly_wage", "int", 0, MONEY_MAX)],
    "employer.roster.get": [],
    "employer.quota": [P("late_days", "int", 0, 36525),
                       P("date", "date")],
    "employer.list": [P("limit", "int", 1, 1000),
                      P("cursor", "cursor", 0, OFFSET_CURSOR_MAX),
                      P("date", "date")],
    "seeker.put": profile_params("seeker.") + [
        P("seeker.training[0].date", "date"),
        P("seeker.services.served", "date"),
        P("seeker.employed_since", "date"),
        P("seeker.birth_year", "int", 1900, datetime.date.today().year)],
    "seeker.list": [P("limit", "int", 1, 1000),
                    P("cursor", "cursor", 0, OFFSET_CURSOR_MAX)],
    "placement.record": [P("date", "date")],
    "placement.list": [P("limit", "int", 1, 1000),
                       P("cursor", "cursor", 0, EXACT_MAX),
                       P("from", "date"), P("to", "date")],
    "stats.plan": [P("from", "date"), P("to", "date")],
    "employment.record": [P("date", "date")],
    "employment.list": [P("limit", "int", 1, 1000),
                        P("cursor", "cursor", 0, EXACT_MAX),
                        P("from", "date"), P("to", "date")],
    "followup.record": [P("date", "date")],
    "followup.list": [P("limit", "int", 1, 1000),
                      P("cursor", "cursor", 0, EXACT_MAX),
                      P("from", "date"), P("to", "date")],
    "followup.due": [P("date", "date"), P("limit", "int", 1, 1000),
                     P("cursor", "cursor", 0, OFFSET_CURSOR_MAX)],
    "subsidy.window": [P("date", "date"), P("limit", "int", 1, 1000),
                       P("cursor", "cursor", 0, OFFSET_CURSOR_MAX)],
    "job.post": [
        P("expected_version", "int", 0, EXACT_MAX),
        P("job.salary.min", "int", 0, MONEY_MAX),
        P("job.salary.max", "int", 0, MONEY_MAX),
        P("job.openings", "int", 1, OPENINGS_MAX),
        P("job.expires_at", "int", TIME_MIN, TIME_MAX),
        P("job.grades[0]", "int", 1, 4),
        P("job.location.lat", "num", -GEO_LAT_MAX, GEO_LAT_MAX),
        P("job.location.lon", "num", -180, 180)],
    "job.list": [P("limit", "int", 1, 100), P("cursor", "text")],
    "job.candidates": [P("limit", "int", 1, 100)],
    "skills.suggest": [P("limit", "int", 1, 50)],
    "interest.record": [],
    "interest.list": [P("limit", "int", 1, 100),
                      P("cursor", "cursor", 0, EXACT_MAX),
                      P("from", "date"), P("to", "date")],
    "interest.update": [],
    "interest.delete": [],
    "fair.put": [P("expected_version", "int", 0, EXACT_MAX),
                 P("fair.date", "date"),
                 P("fair.location.lat", "num", -90, 90),
                 P("fair.location.lon", "num", -180, 180)],
    "fair.get": [],
    "fair.list": [P("limit", "int", 1, 100),
                  P("cursor", "cursor", 0, OFFSET_CURSOR_MAX),
                  P("from", "date"), P("to", "date")],
    "fair.stats": [],
    "match": [P("limit", "int", 1, 100), P("offset", "int", 0, 10000),
              P("filters.min_salary", "int", 0, MONEY_MAX)] +
    profile_params(),
    "rules.set": [P("expected_version", "int", 0, EXACT_MAX)] +
    rules_params("rules.set"),
    "rules.validate": rules_params("rules.validate"),
    "rules.explain": profile_params() + [
        P("filters.min_salary", "int", 0, MONEY_MAX)],
    "rules.history": [P("limit", "int", 1, 100)],
    "rules.rollback": [P("version", "int", 1, EXACT_MAX),
                       P("expected_version", "int", 0, EXACT_MAX)],
}

# the params each method is varied in
BASES = {
    "employer.put": {"employer": PUT},
    "employer.quota": {"id": "emp-x"},
    "employer.roster.put": {"employer_id": "emp-x", "entries": [{
        "certificate": "disability", "grade": 2, "birth_year": 1980,
        "on_establishment": False, "contract_start": "2024-01-01",
        "contract_months": 12, "monthly_wage": 2100,
        "insurance_paid": True}]},
    "employer.list": {},
    "seeker.put": {"seeker": dict(SEEKER, id="s-put",
                                  services={"served": "2024-01-01"},
                                  employed_since="2024-01-01")},
    "seeker.list": {},
    "placement.record": {"seeker_id": "s-x", "job_id": "x1",
                         "employer_id": "emp-x", "date": "2024-05-01"},
    "placement.list": {},
    "stats.plan": {"from": "1970-01-01", "to": "9999-12-31"},
    "employment.record": {"seeker_id": "s-x", "form": "flexible",
                          "date": "2024-05-01"},
    "employment.list": {},
    "followup.record": {"seeker_id": "s-x", "date": "2024-05-01",
                        "outcome": "in_work"},
    "followup.list": {},
    "followup.due": {},
    "subsidy.window": {},
    "job.post": {"job": POST},
    "job.list": {},
    "job.candidates": {"job_id": "x1", "employer_id": "emp-x"},
    "skills.suggest": {"text": ""},
    "interest.list": {},
    "fair.put": {"fair": {"id": "fair-x", "name": "招聘会", "date":
                          "2026-05-17", "venue": "体育馆", "town": GUIXI,
                          "location": {"lat": 30, "lon": 107},
                          "exhibitors": []}},
    "fair.list": {},
    "match": {"profile": PROFILE, "filters": {}},
    "rules.explain": {"profile": PROFILE, "job_id": "x1",
                      "employer_id": "emp-x", "filters": {}},
    "rules.set": {"rules": RULES, "expected_version": 0},
    "rules.history": {},
    "rules.rollback": {"version": 1},
}

PROBE = {"id": "emp-probe", "name": "写入探针", "type": "private",
         "town": GUIXI}


def keys_of(path):
    """'a.b[2].c' -> ['a', 'b', 2, 'c']."""
    out = []
    for part in path.split("."):
        while "[" in part:
            name, rest = part.split("[", 1)
            if name:
                out.append(name)
            idx, part = rest.split("]", 1)
            out.append(int(idx))
        if part:
            out.append(part)
    return out


def with_value(base, path, value):
    params = copy.deepcopy(base)
    obj = params
    keys = keys_of(path)
    for k in keys[:-1]:
        obj = obj[k]
    obj[keys[-1]] = value
    return params


def in_int64(v):
    return isinstance(v, int) and INT64_MIN <= v <= INT64_MAX


def values_of(p):
    """(value to send, whether it is in the param's range)."""
    kind, lo, hi = p["kind"], p["lo"], p["hi"]
    out = []
    if kind in ("int", "num"):
        bounds = [lo, hi]
        if kind == "int":
            bounds += [lo - 1, hi + 1]
        for v in INTS + REALS + bounds:
            if kind == "int":
                ok = isinstance(v, int) and lo <= v <= hi
            else:
                ok = (lo < v if p["above"] else lo <= v) and v <= hi
            out.append((v, ok))
    elif kind == "cursor":
        for v in INTS + [lo, hi, hi + 1]:
            out.append((str(v), lo <= v <= hi))
        for v in REALS:
            out.append((json.dumps(v), False))
    elif kind == "date":
        for v in INTS + REALS:
            out.append((v, False))
        for d in DATES:
            out.append((d, d in ("1970-01-01", "9999-12-31")))
    else:
        for v in INTS + REALS:
            out.append((str(v), None))
    return out


class ExtremesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.redis = cls.env.redis
        cls.staff = cls.env.daemon.client(h.STAFF)
        cls.staff.result("employer.put", {"employer": EMPLOYER})
        cls.staff.result("job.post", {"job": JOB})
        cls.staff.result("seeker.put", {"seeker": SEEKER})
        cls.writes = 0

    @classmethod
    def tearDownClass(cls):
        cls.staff.close()

    def redis_takes_a_write(self, what):
        """Another client than the daemon writes to Redis: a script that
        runs away makes this BUSY (or wait), never OK."""
        type(self).writes += 1
        try:
            r = self.redis.cmd("SET", "extremes:probe", self.writes,
                               timeout=5.0)
        except (h.RespError, OSError) as e:
            self.fail("after %s, Redis refused a write: %s" % (what, e))
        self.assertEqual(r, "OK", what)

    def test_rollback_past_exact_doubles(self):
        """rules.rollback to a version a Lua number cannot count down from
        (2^54 - 1 == 2^54 there) once made Redis loop for ever."""
        with self.env.daemon.client(h.STAFF) as c:
            for v in (2 ** 54, 2 ** 53 + 1, 2 ** 53, INT64_MAX):
                e = c.error("rules.rollback", {"version": v})
                self.assertEqual(e["code"], h.INVALID_PARAMS, (v, e))
                self.assertEqual(e["data"]["field"], "version", e)
                self.redis_takes_a_write("rules.rollback %d" % v)
                c.result("employer.put", {"employer": PROBE})
            # the largest version that can be named: not in the history
            e = c.error("rules.rollback", {"version": EXACT_MAX})
            self.assertEqual(e["code"], h.NOT_FOUND, e)
            self.redis_takes_a_write("rules.rollback 2^53 - 1")
            c.result("employer.put", {"employer": PROBE})
            for v in (2 ** 53, INT64_MAX):
                e = c.error("rules.rollback", {"version": 1,
                                               "expected_version": v})
                self.assertEqual(e["code"], h.INVALID_PARAMS, (v, e))
                self.assertEqual(e["data"]["field"], "expected_version")

    def test_history_walk_is_bounded(self):
        """A current version far above the history (a rule set hash set
        by hand) is walked no further than the limit asks."""
        before = self.redis.cmd("HGET", "jm:rules", "version")
        self.redis.cmd("HSET", "jm:rules", "version", str(2 ** 60))
        try:
            r = self.staff.result("rules.history", {"limit": 100})
            self.assertEqual(r["versions"], [])
            self.redis_takes_a_write("rules.history at 2^60")
        finally:
            self.redis.cmd("HSET", "jm:rules", "version", before)

    def test_placements_on_the_last_day(self):
        """A placement's score, day * 2^31 + id, is exact on 9999-12-31:
        the cursor of each page is that number, and the pages follow each
        other in id order."""
        c = self.staff
        c.result("job.post", {"job": dict(JOB, id="x2")})
        c.result("seeker.put", {"seeker": dict(SEEKER, id="s-y")})
        mine = set()
        for date in ("9999-12-31", "1970-01-01"):
            mine.add(c.result("placement.record", {
                "seeker_id": "s-y", "job_id": "x2", "employer_id": "emp-x",
                "date": date})["id"])
        day = (datetime.date(9999, 12, 31) - datetime.date(1970, 1, 1)).days
        seen, cursor = [], None
        while True:
            params = {"from": "9999-12-31", "to": "9999-12-31", "limit": 1}
            if cursor is not None:
                params["cursor"] = cursor
            r = c.result("placement.list", params)
            for p in r["placements"]:
                self.assertEqual(p["date"], "9999-12-31", p)
                seen.append(int(p["id"]))
            cursor = r["next_cursor"]
            if cursor is None:
                break
            self.assertEqual(int(cursor), day * 2 ** 31 + seen[-1])
            self.assertLessEqual(int(cursor), EXACT_MAX)
        self.assertEqual(seen, sorted(set(seen)))
        self.assertEqual(len(mine & {str(i) for i in seen}), 1, seen)

    def test_placement_ids_end_below_2_31(self):
        """The id after 2^31 - 1 would make a score of the next day: the
        hire is refused before anything is written."""
        c = self.staff
        c.result("job.post", {"job": dict(JOB, id="x3", openings=2)})
        c.result("seeker.put", {"seeker": dict(SEEKER, id="s-z")})
        before = self.redis.cmd("GET", "jm:placements:next")
        job = self.redis.cmd("HGETALL", "jm:job:emp-x:x3")
        seeker = self.redis.cmd("HGETALL", "jm:seeker:s-z")
        self.redis.cmd("SET", "jm:placements:next", str(2 ** 31 - 1))
        try:
            e = c.error("placement.record", {
                "seeker_id": "s-z", "job_id": "x3", "employer_id": "emp-x",
                "date": "2024-05-01"}, h.STORE_UNAVAILABLE)
            self.assertIs(e["data"]["applied"], False, e)
            self.assertEqual(self.redis.cmd("HGETALL", "jm:job:emp-x:x3"),
                             job)
            self.assertEqual(self.redis.cmd("HGETALL", "jm:seeker:s-z"),
                             seeker)
            self.assertEqual(self.redis.cmd("GET", "jm:placements:next"),
                             str(2 ** 31 - 1).encode())
        finally:
            self.redis.cmd("SET", "jm:placements:next", before or b"0")
        c.result("placement.record", {
            "seeker_id": "s-z", "job_id": "x3", "employer_id": "emp-x",
            "date": "2024-05-01"})

    def test_the_table_names_every_method(self):
        with self.env.daemon.client() as c:
            methods = c.hello(h.STAFF)["methods"]
        self.assertTrue(methods)
        missing = sorted(set(methods) - set(PARAMS))
        self.assertEqual(missing, [], "methods without an entry in PARAMS: "
                         "add their numbers (or [] when they take none)")
        self.assertEqual(sorted(set(PARAMS) - set(methods)), [],
                         "PARAMS names methods the daemon does not serve")

    def check(self, method, p, value, in_range, resp):
        what = "%s %s=%s" % (method, p["path"],
                             json.dumps(value)[:40])
        if isinstance(value, int) and not in_int64(value):
            self.assertEqual(resp.get("error", {}).get("code"),
                             h.PARSE_ERROR, (what, resp))
            self.assertIsNone(resp["id"], what)
            return
        if "result" in resp:
            res = resp["result"]
            if method == "rules.validate" and in_range is False:
                self.assertIs(res["ok"], False, (what, res))
                self.assertEqual(res["errors"][0]["field"], p["field"],
                                 (what, res))
                return
            self.assertNotEqual(in_range, False,
                                "%s: accepted: %r" % (what, resp))
            return
        err = resp["error"]
        code = err["code"]
        self.assertNotIn(code, (h.STORE_UNAVAILABLE, h.INTERNAL_ERROR,
                                h.BUSY), (what, err))
        refusal = -32006 if method == "rules.set" and \
            p["path"].startswith("rules.") else h.INVALID_PARAMS
        if in_range is False or (in_range is None and code == refusal):
            self.assertEqual(code, refusal, (what, err))
            self.assertEqual(err.get("data", {}).get("field"), p["field"],
                             (what, err))
            self.assertIn(p["field"], err["message"], (what, err))
            return
        # in range: a documented answer to the value (an unknown version,
        # a stale expected_version), never a refusal of it
        self.assertIn(code, (h.NOT_FOUND, h.CONFLICT), (what, err))

    def test_every_number_of_every_method(self):
        c = self.env.daemon.client(h.STAFF)
        self.addCleanup(c.close)
        n = 0
        for method in sorted(PARAMS):
            lines, cases = [], []
            for p in PARAMS[method]:
                base = p["base"] if p["base"] is not None else \
                    BASES[method]
                for value, in_range in values_of(p):
                    req = h.request(method, with_value(base, p["path"],
                                                       value), id=len(lines))
                    lines.append(h.line(req))
                    cases.append((p, value, in_range))
                    lines.append(h.line(h.request(
                        "employer.put", {"employer": PROBE},
                        id=len(lines))))
                    cases.append(None)
            if not lines:
                continue
            # a method at a time: fewer answers owed than max_pending
            self.assertLess(len(lines), 1000)
            c.send_raw(b"".join(lines))
            for i, case in enumerate(cases):
                resp = c.read_json(timeout=30.0)
                if case is None:
                    self.assertIn("result", resp,
                                  "a write after %s %r: %r" % (
                                      method, cases[i - 1][1], resp))
                    continue
                if resp.get("id") is not None:
                    self.assertEqual(resp["id"], i, resp)
                self.check(method, case[0], case[1], case[2], resp)
                n += 1
            self.redis_takes_a_write(method)
        self.assertGreater(n, 1000)
        # and the daemon still serves what it served
        self.assertEqual(c.result("job.get", {"id": "x1",
                                              "employer_id": "emp-x"})["id"],
                         "x1")


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_fairs.py - job fairs: fair.put (staff only) and its validation,
fair.get and fair.list (kiosks, employers, staff), a kiosk token bound to
a fair (token kiosk@FAIR: hello answers its fair, its matches see only the
fair's exhibitors' open postings, each with its booth; another fair is
refused; a reload that changes its fair ends its connections), the fair
filter followed by a second daemon on the same Redis, and fair.stats,
whose counters are worked out by hand for a scripted set of searches and
QR codes.
"""
import csv
import io
import json
import signal
import time
import unittest

import gwlib
import harness as h

GUIXI = "500231001000"
FAIR = "fair-1"
OTHER = "fair-2"
FAIR_KIOSK = "fair-kiosk-token-1"
OTHER_KIOSK = "fair-kiosk-token-2"
FAIR_TOKENS = ["token kiosk@%s %s" % (FAIR, h.digest(FAIR_KIOSK)),
               "token kiosk@%s %s" % (OTHER, h.digest(OTHER_KIOSK))]
TYPES = ["visual", "hearing", "speech", "physical", "intellectual",
         "mental", "multiple"]
PHYSICAL = {"disability": {"type": "physical", "grade": 3}, "town": GUIXI,
            "skills": ["客服"]}
HEARING = {"disability": {"type": "hearing", "grade": 2}, "town": GUIXI,
           "skills": ["客服"]}


def employer(id):
    return {"id": id, "name": "单位 " + id, "type": "private", "town": GUIXI}


def fair(id=FAIR, exhibitors=(("emp-1", "A1"), ("emp-2", "A2")), **kw):
    f = {"id": id, "name": "专场招聘会 " + id, "date": "2026-05-17",
         "venue": "全民健身中心", "town": GUIXI,
         "exhibitors": [{"employer_id": e, "booth": b}
                        for e, b in exhibitors]}
    f.update(kw)
    return f


def job(id, emp, **kw):
    j = {"id": id, "employer_id": emp, "title": "岗位 " + id,
         "skills": ["客服"], "accessible_for": ["physical", "hearing"],
         "employment_type": "full_time", "town": GUIXI}
    j.update(kw)
    return j


def seed(staff, n_emp=4):
    """Employers emp-1..n_emp, each with two open postings (physical and
    hearing), emp-1 also a closed one and an expired one."""
    for i in range(1, n_emp + 1):
        e = "emp-%d" % i
        staff.result("employer.put", {"employer": employer(e)})
        for k in (1, 2):
            staff.result("job.post", {"job": job("j%d" % k, e)})
    staff.result("job.post", {"job": job("closed", "emp-1")})
    staff.result("job.close", {"employer_id": "emp-1", "id": "closed"})
    staff.result("job.post", {"job": job(
        "old", "emp-1", expires_at=int(time.time()) + 2)})


def hour_now():
    return time.strftime("%Y-%m-%dT%H", time.localtime())


class FairTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = gwlib.GatewayEnv(extra=FAIR_TOKENS)
        cls.addClassCleanup(cls.env.cleanup)
        cls.d = cls.env.daemon
        cls.redis = cls.env.redis
        with cls.d.client(h.STAFF) as s:
            s.result("employer.put", {"employer": dict(h.EMPLOYER_A)})
            s.result("employer.put", {"employer": employer("emp-b")})
            seed(s)
            s.result("fair.put", {"fair": fair()})
            s.result("fair.put", {"fair": fair(OTHER, (("emp-3", "C1"),),
                                               date="2026-06-01")})

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def client(self, token=None):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    # ---- roles --------------------------------------------------------

    def test_roles(self):
        staff, kiosk = self.client(h.STAFF), self.client(h.KIOSK)
        emp, bound = self.client(h.EMP_A), self.client(FAIR_KIOSK)
        for c in (staff, kiosk, emp, bound):
            self.assertEqual(c.result("fair.get", {"id": FAIR})["id"], FAIR)
            ids = [f["id"] for f in c.result("fair.list", {
                "limit": 100})["fairs"]]
            self.assertTrue({FAIR, OTHER} <= set(ids), ids)
        for c in (kiosk, emp, bound):
            c.error("fair.put", {"fair": fair("x")}, h.UNAUTHORIZED)
            c.error("fair.stats", {"id": FAIR}, h.UNAUTHORIZED)
        self.assertEqual(self.redis.cmd("EXISTS", "jm:fair:x"), 0)
        self.assertIn("fair", staff.result("fair.stats", {"id": FAIR}))
        anon = self.client()
        anon.error("fair.get", {"id": FAIR}, h.UNAUTHORIZED)
        # hello lists the methods each role may call
        self.assertIn("fair.put", self.client().hello(h.STAFF)["methods"])
        k = self.client().hello(h.KIOSK)["methods"]
        self.assertIn("fair.get", k)
        self.assertNotIn("fair.put", k)
        self.assertNotIn("fair.stats", k)

    # ---- fair.put -----------------------------------------------------

    def test_put_answers_and_stores(self):
        staff = self.client(h.STAFF)
        r = staff.result("fair.put", {"fair": fair("put-1")})
        self.assertEqual(r, {"id": "put-1", "version": 1, "created": True})
        r = staff.result("fair.put", {"fair": fair("put-1"),
                                      "expected_version": 1})
        self.assertEqual(r, {"id": "put-1", "version": 2, "created": False})
        e = staff.error("fair.put", {"fair": fair("put-1"),
                                     "expected_version": 1}, h.CONFLICT)
        self.assertEqual(e["data"]["current_version"], 2)
        self.assertEqual(self.redis.cmd("HGET", "jm:fair:put-1", "version"),
                         b"2")
        self.assertEqual(self.redis.cmd("ZSCORE", "jm:fairs", "put-1"), b"0")
        entries = self.redis.cmd("XRANGE", "jm:changes", "-", "+")
        mine = [dict(zip(f[::2], f[1::2])) for _, f in entries
                if b"put-1" in f]
        self.assertEqual(mine[-1], {b"op": b"fair.put", b"id": b"put-1",
                                    b"version": b"2"})

    def test_validation(self):
        staff = self.client(h.STAFF)
        many = [("emp-1", "Z%d" % i) for i in range(501)]
        cases = [
            (fair(name=""), "fair.name"),
            (fair(name="名" * 101), "fair.name"),
            (fair(venue="馆" * 201), "fair.venue"),
            (fair(date="2026-02-30"), "fair.date"),
            (fair(end_date="2026-05-16"), "fair.end_date"),
            (fair(end_date="2026-06-18"), "fair.end_date"),
            (fair(town="999"), "fair.town"),
            (fair(location={"lat": 91, "lon": 107}), "fair.location.lat"),
            (fair(colour="red"), "fair.colour"),
            (fair(id="a:b"), "fair.id"),
            (fair(exhibitors=(("emp-1", "A1"), ("emp-1", "A2"))),
             "fair.exhibitors[1].employer_id"),
            (fair(exhibitors=(("emp-1", "A1"), ("emp-2", "A1"))),
             "fair.exhibitors[1].booth"),
            (fair(exhibitors=(("emp-1", "A" * 17),)),
             "fair.exhibitors[0].booth"),
            (fair(exhibitors=(("emp-1", ""),)), "fair.exhibitors[0].booth"),
            (fair(exhibitors=many), "fair.exhibitors"),
        ]
        for f, field in cases:
            with self.subTest(field=field):
                e = staff.error("fair.put", {"fair": f}, h.INVALID_PARAMS)
                self.assertEqual(e["data"]["field"], field, e)
        staff.error("fair.put", {}, h.INVALID_PARAMS)
        # an exhibitor that is not registered, named by its place as sent
        e = staff.error("fair.put", {"fair": fair(exhibitors=(
            ("emp-2", "B9"), ("emp-1", "B10"), ("nobody", "A1")))},
            h.NOT_FOUND)
        self.assertEqual(e["data"]["field"],
                         "fair.exhibitors[2].employer_id")
        # 31 days is the longest; the fair is unchanged by the refusals
        staff.result("fair.put", {"fair": fair("long", end_date="2026-06-17")})
        self.assertEqual(staff.result("fair.get", {"id": FAIR})["version"], 1)
        self.assertTrue(staff.result("ping")["pong"])

    # ---- fair.get, fair.list ------------------------------------------

    def test_get_floor_list(self):
        staff = self.client(h.STAFF)
        staff.result("fair.put", {"fair": fair("floor", (
            ("emp-1", "A10"), ("emp-2", "A2"), ("emp-3", "B1"),
            ("emp-a", "A02b")), location={"lat": 30.3, "lon": 107.3})})
        g = self.client(h.KIOSK).result("fair.get", {"id": "floor"})
        self.assertEqual([x["booth"] for x in g["exhibitors"]],
                         ["A2", "A02b", "A10", "B1"])
        by = {x["employer_id"]: x for x in g["exhibitors"]}
        self.assertEqual(by["emp-1"]["employer_name"], "单位 emp-1")
        # emp-1: j1, j2 and the posting that expires (not yet); closed
        # is not counted; emp-a has none
        self.assertIn(by["emp-1"]["open_jobs"], (2, 3))
        self.assertEqual(by["emp-2"]["open_jobs"], 2)
        self.assertEqual(by["emp-a"]["open_jobs"], 0)
        self.assertEqual((g["name"], g["date"], g["venue"], g["town"],
                          g["version"], g["location"]),
                         ("专场招聘会 floor", "2026-05-17", "全民健身中心",
                          GUIXI, 1, {"lat": 30.3, "lon": 107.3}))
        self.client(h.EMP_A).error("fair.get", {"id": "nope"}, h.NOT_FOUND)

    def test_list_by_dates(self):
        staff = self.client(h.STAFF)
        staff.result("fair.put", {"fair": fair(
            "l-1", date="2025-03-01", end_date="2025-03-03")})
        staff.result("fair.put", {"fair": fair("l-2", date="2025-03-05")})
        k = self.client(h.KIOSK)
        ids = lambda p: [f["id"] for f in k.result("fair.list", p)["fairs"]]
        self.assertEqual(ids({"from": "2025-03-03", "to": "2025-03-04"}),
                         ["l-1"])
        self.assertEqual(ids({"from": "2025-03-04", "to": "2025-03-05"}),
                         ["l-2"])
        self.assertEqual(ids({"from": "2025-03-01", "to": "2025-03-31"}),
                         ["l-1", "l-2"])
        page = k.result("fair.list", {"from": "2025-03-01", "limit": 1})
        self.assertEqual([f["id"] for f in page["fairs"]], ["l-1"])
        self.assertEqual(page["fairs"][0]["exhibitors"], 2)
        nxt = k.result("fair.list", {"from": "2025-03-01", "limit": 1,
                                     "cursor": page["next_cursor"]})
        self.assertEqual([f["id"] for f in nxt["fairs"]], ["l-2"])
        k.error("fair.list", {"from": "2025-03-05", "to": "2025-03-01"},
                h.INVALID_PARAMS)

    # ---- the bound token and the fair filter --------------------------

    def test_hello_answers_fair(self):
        self.assertEqual(self.client().hello(FAIR_KIOSK)["fair"], FAIR)
        self.assertEqual(self.client().hello(FAIR_KIOSK)["role"], "kiosk")
        self.assertNotIn("fair", self.client().hello(h.KIOSK))
        self.assertNotIn("fair", self.client().hello(h.STAFF))

    def test_bound_match_sees_exhibitors_only(self):
        bound = self.client(FAIR_KIOSK)
        r = bound.result("match", {"profile": PHYSICAL, "limit": 100})
        got = sorted((x["job"]["employer_id"], x["job"]["id"],
                      x["job"]["booth"]) for x in r["results"])
        self.assertEqual([g for g in got if g[1] != "old"], [
            ("emp-1", "j1", "A1"), ("emp-1", "j2", "A1"),
            ("emp-2", "j1", "A2"), ("emp-2", "j2", "A2")])
        # the same through filters.fair, by a plain kiosk and by staff
        for tok in (h.KIOSK, h.STAFF):
            r2 = self.client(tok).result("match", {
                "profile": PHYSICAL, "limit": 100,
                "filters": {"fair": FAIR}})
            self.assertEqual(sorted((x["job"]["employer_id"], x["job"]["id"],
                                     x["job"]["booth"])
                                    for x in r2["results"]), got)
        # without a fair: every employer, and no booth
        plain = self.client(h.KIOSK).result("match", {"profile": PHYSICAL,
                                                      "limit": 100})
        emps = {x["job"]["employer_id"] for x in plain["results"]}
        self.assertEqual(emps, {"emp-1", "emp-2", "emp-3", "emp-4"})
        self.assertFalse(any("booth" in x["job"] for x in plain["results"]))
        # the bound kiosk may name its own fair, not another
        bound.result("match", {"profile": PHYSICAL,
                               "filters": {"fair": FAIR}})
        e = bound.error("match", {"profile": PHYSICAL,
                                  "filters": {"fair": OTHER}},
                        h.UNAUTHORIZED)
        self.assertIn("another fair", e["message"])
        e = self.client(h.KIOSK).error("match", {
            "profile": PHYSICAL, "filters": {"fair": "nope"}}, h.NOT_FOUND)
        self.assertEqual(e["data"]["field"], "filters.fair")
        e = self.client(h.KIOSK).error("match", {
            "profile": PHYSICAL, "filters": {"fair": "a b"}},
            h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "filters.fair")
        # a fair with no exhibitors shows nothing
        self.client(h.STAFF).result("fair.put", {"fair": fair(
            "empty", ())})
        r = self.client(h.KIOSK).result("match", {
            "profile": PHYSICAL, "filters": {"fair": "empty"}})
        self.assertEqual(r["results"], [])
        # rules.explain takes the filter too
        x = self.client(h.STAFF).result("rules.explain", {
            "profile": PHYSICAL, "job_id": "j1", "employer_id": "emp-3",
            "filters": {"fair": FAIR}})
        self.assertFalse(x["matched"])

    def test_reload_changes_the_fair(self):
        bound, other = self.client(FAIR_KIOSK), self.client(OTHER_KIOSK)
        plain = self.client(h.KIOSK)
        self.assertEqual(bound.result("match", {"profile": PHYSICAL})[
            "results"][0]["job"]["booth"], "A1")
        # FAIR_KIOSK now bound to OTHER; OTHER_KIOSK unbound; KIOSK bound
        d = self.d
        d.tokens = False
        tokens = {k: v for k, v in h.TOKENS.items()}
        tokens["kiosk"] = OTHER_KIOSK
        d.extra = (list(d.extra[:2]) +
                   ["token %s %s" % (who, h.digest(tok))
                    for who, tok in tokens.items()] +
                   ["token kiosk@%s %s" % (OTHER, h.digest(FAIR_KIOSK)),
                    "token kiosk@%s %s" % (FAIR, h.digest(h.KIOSK))])
        try:
            d.write_config()
            d.proc.send_signal(signal.SIGHUP)
            d.wait_log("SIGHUP: reloading the rules file")
            for c in (bound, other, plain):
                r = c.read_json()
                self.assertEqual(r["error"]["code"], h.UNAUTHORIZED, r)
                self.assertEqual(r["error"]["data"], {"reason": "changed"})
                c.wait_closed()
            self.assertEqual(self.client().hello(FAIR_KIOSK)["fair"], OTHER)
            self.assertNotIn("fair", self.client().hello(OTHER_KIOSK))
            r = self.client(FAIR_KIOSK).result("match", {"profile": PHYSICAL})
            self.assertEqual({x["job"]["booth"] for x in r["results"]},
                             {"C1"})
        finally:
            d.tokens = True
            d.extra = list(d.extra[:2]) + FAIR_TOKENS
            d.write_config()
            d.proc.send_signal(signal.SIGHUP)
            d.wait_log("SIGHUP: reloading the rules file", count=2)

    def test_bad_token_lines(self):
        for bad in ("kiosk@", "kiosk@a:b", "kiosk@" + "x" * 65):
            with self.subTest(bad=bad):
                r = h.run_daemon(["-n", "-c", self.write_conf(
                    "token %s %s" % (bad, h.digest("x")))])
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("bad fair id", r.stderr)

    def write_conf(self, line):
        import os
        import tempfile
        fd, path = tempfile.mkstemp(prefix="jm-fair-conf-")
        self.addCleanup(os.unlink, path)
        with os.fdopen(fd, "w") as f:
            f.write("listen 127.0.0.1:%d\nredis 127.0.0.1:%d\n%s\n" % (
                h.free_port(), self.redis.port, line))
        return path


class FairStatsTest(unittest.TestCase):
    """fair.stats after a scripted set of searches, each count worked out
    by hand."""

    def setUp(self):
        self.env = gwlib.GatewayEnv(extra=FAIR_TOKENS)
        self.addCleanup(self.env.stop)
        self.d = self.env.daemon
        self.port = self.env.http_port
        with self.d.client(h.STAFF) as s:
            seed(s)
            s.result("fair.put", {"fair": fair()})
            s.result("fair.put", {"fair": fair(OTHER, (("emp-3", "C1"),))})

    def client(self, token=None):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def qr(self, token, query):
        return gwlib.http(self.port, "GET", "/qr.txt?jobs=emp-1:j1" + query,
                          headers={"Authorization": "Bearer " + token})

    def test_counts(self):
        before = hour_now()
        bound, plain = self.client(FAIR_KIOSK), self.client(h.KIOSK)
        staff = self.client(h.STAFF)
        # emp-1 and emp-2 have 2 open postings each, open to physical and
        # hearing (emp-1's "old" one too, while it has not expired)
        n = len(bound.result("match", {"profile": PHYSICAL,
                                       "limit": 100})["results"])
        self.assertIn(n, (4, 5))
        # 1. bound kiosk, physical, first page of 2: a search, 2 shown
        self.assertEqual(len(bound.result("match", {
            "profile": PHYSICAL, "limit": 2})["results"]), 2)
        # 2. its next page (offset 2, limit 2): not a search, 2 shown
        self.assertEqual(len(bound.result("match", {
            "profile": PHYSICAL, "limit": 2, "offset": 2})["results"]), 2)
        # 3. bound kiosk, hearing, limit 1: a search, 1 shown
        self.assertEqual(len(bound.result("match", {
            "profile": HEARING, "limit": 1})["results"]), 1)
        # 4. plain kiosk naming the fair, hearing, limit 3: a search, 3
        self.assertEqual(len(plain.result("match", {
            "profile": HEARING, "limit": 3,
            "filters": {"fair": FAIR}})["results"]), 3)
        # 5. plain kiosk without a fair: not counted
        plain.result("match", {"profile": HEARING})
        # 6. staff under the fair: not counted (staff are not visitors)
        staff.result("match", {"profile": HEARING, "filters": {"fair": FAIR}})
        # 7. a search that finds nothing: a search, 0 shown
        self.assertEqual(bound.result("match", {"profile": {
            "disability": {"type": "visual", "grade": 1}, "town": GUIXI}})[
            "results"], [])
        # 8. the other fair: counted there only
        plain.result("match", {"profile": PHYSICAL, "limit": 1,
                               "filters": {"fair": OTHER}})
        # QR codes: the bound kiosk's (txt and svg), a plain kiosk naming
        # the fair; not a plain kiosk's without one, not staff's, not an
        # unknown fair (404) nor another fair from the bound kiosk (401)
        self.assertEqual(self.qr(FAIR_KIOSK, "").status, 200)
        a = gwlib.http(self.port, "GET", "/qr.svg?jobs=emp-1:j1",
                       headers={"Authorization": "Bearer " + FAIR_KIOSK})
        self.assertEqual(a.status, 200)
        self.assertEqual(self.qr(h.KIOSK, "&fair=" + FAIR).status, 200)
        self.assertEqual(self.qr(h.KIOSK, "").status, 200)
        self.assertEqual(self.qr(h.STAFF, "&fair=" + FAIR).status, 200)
        self.assertEqual(self.qr(h.KIOSK, "&fair=nope").status, 404)
        self.assertEqual(self.qr(FAIR_KIOSK, "&fair=" + OTHER).status, 401)
        self.assertEqual(self.qr(FAIR_KIOSK, "&fair=" + FAIR).status, 200)

        st = staff.result("fair.stats", {"id": FAIR})
        after = hour_now()
        self.assertEqual(st["fair"], {"id": FAIR, "name": "专场招聘会 " + FAIR,
                                      "date": "2026-05-17",
                                      "end_date": "2026-05-17"})
        zero = {t: 0 for t in TYPES}
        # searches: 1, 3, 4, 7; the first, (n) before 1, is one too
        self.assertEqual(st["searches"]["total"], 5)
        self.assertEqual(st["searches"]["by_disability_type"],
                         dict(zero, physical=2, hearing=2, visual=1))
        self.assertEqual(list(st["searches"]["by_disability_type"]), TYPES)
        # results: n + 2 + 2 + 1 + 3 + 0
        self.assertEqual(st["results_shown"], n + 8)
        self.assertEqual(st["qr_codes"], 4)
        self.assertEqual(st["interests"], {"recorded": 0, "followed_up": 0,
                                           "hired": 0})
        hours = st["searches"]["by_hour"]
        self.assertTrue({x["hour"] for x in hours} <= {before, after}, hours)
        self.assertEqual(sum(x["total"] for x in hours), 5)
        if before == after:
            self.assertEqual(hours, [{
                "hour": before, "total": 5, "by_disability_type": dict(
                    zero, physical=2, hearing=2, visual=1)}])
        o = staff.result("fair.stats", {"id": OTHER})
        self.assertEqual((o["searches"]["total"], o["results_shown"],
                          o["qr_codes"]), (1, 1, 0))
        # what Redis holds: counters only, named as the design says
        fields = self.env.redis.cmd("HGETALL", "jm:fair:%s:stats" % FAIR)
        names = {k.decode() for k in fields[::2]}
        want = {"searches", "s:physical", "s:hearing", "s:visual",
                "results", "qr"}
        self.assertTrue(want <= names, names)
        self.assertTrue(all(k in want or k.startswith("h:") for k in names),
                        names)
        self.assertEqual(self.env.redis.cmd("EXISTS", "jm:fair:nope:stats"),
                         0)
        staff.error("fair.stats", {"id": "nope"}, h.NOT_FOUND)

    def test_interests_at_the_fair(self):
        """A bound kiosk's interests are recorded at its fair (and at no
        other); fair.stats counts them, their follow-ups and hires."""
        bound, plain = self.client(FAIR_KIOSK), self.client(h.KIOSK)
        staff = self.client(h.STAFF)

        def ask(c, job, **kw):
            p = {"job": {"id": job, "employer_id": "emp-1"},
                 "person": {"name": "甲", "phone": "13800001111"},
                 "consent": {"contact": True, "share_with_employer": False}}
            p.update(kw)
            return c.result("interest.record", p)["id"]

        a = ask(bound, "j1")                  # at its fair, unnamed
        b = ask(bound, "j2", fair=FAIR)       # naming its own fair
        ask(plain, "j1", fair=OTHER)          # a plain kiosk at the other
        ask(plain, "j2")                      # no fair at all
        e = bound.error("interest.record", {
            "job": {"id": "j1", "employer_id": "emp-1"}, "fair": OTHER,
            "person": {"name": "甲", "phone": "13800001111"},
            "consent": {"contact": True, "share_with_employer": False}},
            h.UNAUTHORIZED)
        self.assertIn("another fair", e["message"])
        listed = staff.result("interest.list", {"fair": FAIR})["interests"]
        self.assertEqual(sorted(x["id"] for x in listed), sorted([a, b]))
        self.assertTrue(all(x["fair"] == FAIR for x in listed))
        staff.result("interest.update", {"id": a, "status": "contacted"})
        staff.result("interest.update", {"id": a, "status": "hired"})
        staff.result("interest.update", {"id": b, "status": "declined"})
        st = staff.result("fair.stats", {"id": FAIR})
        self.assertEqual(st["interests"], {"recorded": 2, "followed_up": 2,
                                           "hired": 1})
        o = staff.result("fair.stats", {"id": OTHER})
        self.assertEqual(o["interests"], {"recorded": 1, "followed_up": 0,
                                          "hired": 0})
        # the organiser's report after the fair: fair.stats as JSON, and
        # as section,key,value rows
        bound.result("match", {"profile": PHYSICAL, "limit": 2})
        st = staff.result("fair.stats", {"id": FAIR})
        r = h.run_jobmatch(["report", "--fair", FAIR, "--format", "json"],
                           token=h.STAFF, addr=self.d.addr)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(json.loads(r.stdout), st)
        r = h.run_jobmatch(["report", "--fair", FAIR], token=h.STAFF,
                           addr=self.d.addr)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        rows = {(a, b): c for a, b, c in csv.reader(io.StringIO(r.stdout))}
        self.assertEqual(rows[("fair", "name")], "专场招聘会 " + FAIR)
        self.assertEqual(rows[("searches", "total")], "1")
        self.assertEqual(rows[("searches.by_disability_type", "physical")],
                         "1")
        self.assertEqual(rows[("report", "results_shown")], "2")
        self.assertEqual(rows[("interests", "recorded")], "2")
        self.assertEqual(rows[("interests", "hired")], "1")
        # a kiosk may not have it
        r = h.run_jobmatch(["report", "--fair", FAIR], token=h.KIOSK,
                           addr=self.d.addr)
        self.assertNotEqual(r.returncode, 0)

    def test_counts_are_batched(self):
        """A search costs Redis no command of its own: the counts are
        added up in the daemon and sent at most once a second, one
        HINCRBY a counter, so 50 searches send far fewer than the 250
        HINCRBYs one a counter a search would; fair.stats still counts
        every one (its own daemon's are sent before it reads)."""
        def hincrby():
            info = self.env.redis.cmd("INFO", "commandstats").decode()
            for ln in info.splitlines():
                if ln.startswith("cmdstat_hincrby:"):
                    return int(ln.split("calls=")[1].split(",")[0])
            return 0

        bound, staff = self.client(FAIR_KIOSK), self.client(h.STAFF)
        before = staff.result("fair.stats", {"id": FAIR})
        sent = hincrby()
        for _ in range(50):
            bound.result("match", {"profile": PHYSICAL, "limit": 1})
        after = staff.result("fair.stats", {"id": FAIR})
        self.assertEqual(after["searches"]["total"],
                         before["searches"]["total"] + 50)
        self.assertEqual(after["results_shown"],
                         before["results_shown"] + 50)
        # 5 counters (searches, s:physical, h:HOUR, h:HOUR:physical,
        # results) a flush: 50 would take ten seconds of flushes
        self.assertLess(hincrby() - sent, 50)

    def test_counting_never_fails_a_match(self):
        bound = self.client(FAIR_KIOSK)
        bound.result("match", {"profile": PHYSICAL})
        self.env.redis.kill()
        # Redis is gone: the match answers from the mirror, its counts
        # are lost (documented), and the daemon keeps serving
        for _ in range(3):
            r = bound.result("match", {"profile": PHYSICAL, "limit": 100})
            self.assertTrue(all(x["job"]["booth"] in ("A1", "A2")
                                for x in r["results"]))
            self.assertGreaterEqual(len(r["results"]), 4)
        self.assertEqual(self.qr(FAIR_KIOSK, "").status, 200)
        self.assertTrue(bound.result("ping")["pong"])


class TwoDaemonsTest(unittest.TestCase):
    """A fair written through one daemon is followed by another on the same
    Redis, and a kiosk bound to it there sees only its exhibitors."""

    def setUp(self):
        self.redis = h.Redis()
        self.addCleanup(self.redis.cleanup)
        self.redis.start()
        self.a = h.Daemon(self.redis.port, extra=FAIR_TOKENS)
        self.addCleanup(self.a.cleanup)
        self.a.start()
        self.b = h.Daemon(self.redis.port, extra=FAIR_TOKENS)
        self.addCleanup(self.b.cleanup)
        self.b.start()

    def test_followed(self):
        sa = self.a.client(h.STAFF)
        self.addCleanup(sa.close)
        seed(sa)
        kb = self.b.client(FAIR_KIOSK)
        self.addCleanup(kb.close)
        pb = self.b.client(h.KIOSK)
        self.addCleanup(pb.close)
        # B knows no such fair yet
        kb.error("match", {"profile": PHYSICAL}, h.NOT_FOUND)
        pb.error("fair.get", {"id": FAIR}, h.NOT_FOUND)
        sa.result("fair.put", {"fair": fair(exhibitors=(
            ("emp-2", "B7"), ("emp-4", "B12")))})

        def on_b():
            r = pb.call("fair.get", {"id": FAIR})
            return "result" in r
        h.wait_until(on_b, what="fair on daemon B")
        r = kb.result("match", {"profile": PHYSICAL, "limit": 100})
        self.assertEqual(sorted((x["job"]["employer_id"], x["job"]["id"],
                                 x["job"]["booth"]) for x in r["results"]),
                         [("emp-2", "j1", "B7"), ("emp-2", "j2", "B7"),
                          ("emp-4", "j1", "B12"), ("emp-4", "j2", "B12")])
        self.assertEqual([x["booth"] for x in pb.result(
            "fair.get", {"id": FAIR})["exhibitors"]], ["B7", "B12"])
        # a new version (emp-4 leaves, emp-1 comes) reaches B too
        sa.result("fair.put", {"fair": fair(exhibitors=(
            ("emp-2", "B7"), ("emp-1", "A1")))})
        h.wait_until(lambda: pb.result("fair.get", {"id": FAIR})[
            "version"] == 2, what="version 2 on daemon B")
        r = kb.result("match", {"profile": PHYSICAL, "limit": 100})
        self.assertEqual({(x["job"]["employer_id"], x["job"]["booth"])
                          for x in r["results"]},
                         {("emp-1", "A1"), ("emp-2", "B7")})
        # a daemon started now loads it with the rest
        self.b.restart()
        kb2 = self.b.client(h.KIOSK)
        self.addCleanup(kb2.close)
        self.assertEqual(kb2.result("fair.get", {"id": FAIR})["version"], 2)


if __name__ == "__main__":
    h.main()

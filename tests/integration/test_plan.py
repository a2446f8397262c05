# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_plan.py - the county plan's numbers through the protocol:
employer.quota and employer.list on the worked examples of docs/quota.md
(local average salary 60,000, so the salary cap is 120,000), each figure
worked out by hand there and repeated here; the seekers' service record
and seeker.list.
"""
import unittest

import harness as h

GUIXI = "500231001000"
XINMIN = "500231101000"


def employer(id, type, headcount, disabled, severe=0, salary=None,
             town=GUIXI):
    e = {"id": id, "name": "单位 " + id, "type": type, "town": town,
         "headcount": headcount, "disabled_employees": disabled,
         "severe_disabled_employees": severe}
    if salary is not None:
        e["avg_annual_salary"] = salary
    return e


# docs/quota.md's examples 1-6, one at the quota and one without figures.
EMPLOYERS = [
    dict(employer("ex1-agency", "agency", 120, 1, 0, 80000),
         level="county", establishment=120),
    dict(employer("ex2-inst", "institution", 70, 0, 0, 90000, town=XINMIN),
         level="county", establishment=70, institution_kind="other"),
    employer("ex3-small", "private", 25, 0, 0, 50000),
    employer("ex4-capped", "private", 400, 3, 1, 150000),
    employer("ex5-soe", "soe", 250, 2, 0, 72345),
    employer("ex6-community", "community", 130, 1, 0, 61237),
    employer("at-quota", "private", 200, 3, 0, 70000),
    {"id": "no-figures", "name": "单位 no-figures", "type": "agency",
     "town": GUIXI},
]


class PlanCase(unittest.TestCase):
    """A Redis and a daemon (with config lines extra) for the class, a
    staff and a kiosk client; load(staff) puts the class's data."""

    extra = ()

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=list(cls.extra))
        cls.addClassCleanup(cls.env.stop)
        cls.staff = cls.env.daemon.client(h.STAFF)
        cls.kiosk = cls.env.daemon.client(h.KIOSK)
        cls.load(cls.staff)

    @classmethod
    def tearDownClass(cls):
        cls.staff.close()
        cls.kiosk.close()


class QuotaTest(PlanCase):

    extra = ["quota_local_avg_salary 60000"]

    @classmethod
    def load(cls, st):
        for e in EMPLOYERS:
            st.result("employer.put", {"employer": e})

    def quota(self, id, **kw):
        params = {"id": id, "date": "2026-06-30"}
        params.update(kw)
        return self.staff.result("employer.quota", params)

    def test_example_1_agency(self):
        q = self.quota("ex1-agency")
        self.assertEqual(q["type"], "agency")
        self.assertEqual(q["date"], "2026-06-30")
        self.assertAlmostEqual(q["required"], 1.8, places=9)
        self.assertEqual(q["actual"], 1)
        self.assertAlmostEqual(q["shortfall"], 0.8, places=9)
        self.assertAlmostEqual(q["ratio"], 1 / 120, places=9)
        self.assertTrue(q["below_quota"])
        self.assertEqual(q["at_least_one"], {"applies": True, "met": True,
                                             "basis": "own"})
        self.assertEqual((q["establishment"], q["level"]), (120, "county"))
        self.assertEqual((q["basis"], q["overstated"]), ("declared", False))
        self.assertNotIn("roster", q)
        f = q["fund"]
        self.assertEqual(f["salary_base"], 80000)
        self.assertFalse(f["salary_capped"])
        self.assertFalse(f["exempt"])
        self.assertEqual(f["amount"], 64000.00)
        self.assertEqual(f["pay_fraction"], 0.9)
        self.assertEqual(f["due"], 57600.00)
        self.assertEqual(f["late_fee"], 0)
        self.assertEqual(f["total"], 57600.00)

    def test_example_2_institution_without_anyone(self):
        q = self.quota("ex2-inst")
        self.assertEqual(q["town"], XINMIN)
        self.assertAlmostEqual(q["required"], 1.05, places=9)
        self.assertEqual(q["actual"], 0)
        self.assertEqual(q["at_least_one"], {"applies": True, "met": False,
                                             "basis": "own"})
        self.assertEqual(q["fund"]["amount"], 94500.00)
        self.assertEqual(q["fund"]["due"], 85050.00)

    def test_example_3_small_enterprise_exempt(self):
        q = self.quota("ex3-small", late_days=10)
        self.assertAlmostEqual(q["shortfall"], 0.375, places=9)
        self.assertTrue(q["below_quota"])
        self.assertFalse(q["at_least_one"]["applies"])
        f = q["fund"]
        self.assertTrue(f["exempt"])
        self.assertEqual((f["amount"], f["due"], f["late_fee"]), (0, 0, 0))
        self.assertEqual(f["late_days"], 10)

    def test_example_4_severe_counts_twice_and_cap(self):
        q = self.quota("ex4-capped")
        self.assertEqual(q["severe_disabled_employees"], 1)
        self.assertEqual(q["actual"], 4)
        self.assertAlmostEqual(q["shortfall"], 2, places=9)
        self.assertAlmostEqual(q["ratio"], 0.01, places=12)
        f = q["fund"]
        self.assertEqual(f["salary_base"], 120000)
        self.assertTrue(f["salary_capped"])
        self.assertEqual(f["amount"], 240000.00)
        self.assertEqual(f["pay_fraction"], 0.5)
        self.assertEqual(f["due"], 120000.00)

    def test_example_5_late_after_the_reductions(self):
        q = self.quota("ex5-soe", date="2028-03-01", late_days=40)
        f = q["fund"]
        self.assertEqual(f["amount"], 126603.75)
        self.assertEqual(f["pay_fraction"], 1)
        self.assertEqual(f["due"], 126603.75)
        self.assertEqual(f["late_fee"], 25320.75)
        self.assertEqual(f["total"], 151924.50)
        # on the last day of the reductions: 90 %, rounded half up
        q = self.quota("ex5-soe", date="2027-12-31")
        self.assertEqual(q["fund"]["due"], 113943.38)

    def test_example_6_rounding(self):
        q = self.quota("ex6-community", late_days=3)
        f = q["fund"]
        self.assertEqual(f["amount"], 58175.15)
        self.assertEqual(f["due"], 52357.64)
        self.assertEqual(f["late_fee"], 785.36)

    def test_at_quota_owes_nothing(self):
        q = self.quota("at-quota")
        self.assertFalse(q["below_quota"])
        self.assertEqual(q["shortfall"], 0)
        self.assertEqual(q["fund"]["due"], 0)

    def test_errors(self):
        e = self.staff.error("employer.quota", {"id": "nobody"}, code=-32002)
        self.assertEqual(e["data"]["field"], "id")
        e = self.staff.error("employer.quota", {"id": "no-figures"},
                             code=-32602)
        self.assertIn("headcount", e["data"]["reason"])
        for bad in ({"id": "ex1-agency", "date": "2026-02-30"},
                    {"id": "ex1-agency", "date": "30/06/2026"},
                    {"id": "ex1-agency", "late_days": -1},
                    {"id": "ex1-agency", "late_days": 36526},
                    {"id": "ex1-agency", "shortfall": 1}):
            self.staff.error("employer.quota", bad, code=-32602)
        self.kiosk.error("employer.quota", {"id": "ex1-agency"}, code=-32001)
        self.kiosk.error("employer.list", {}, code=-32001)

    def test_list_below_quota_largest_shortfall_first(self):
        r = self.staff.result("employer.list", {"below_quota": True,
                                                "date": "2026-06-30"})
        ids = [e["id"] for e in r["employers"]]
        # shortfalls 2, 1.75, 1.05, 0.95, 0.8, 0.375
        self.assertEqual(ids, ["ex4-capped", "ex5-soe", "ex2-inst",
                               "ex6-community", "ex1-agency", "ex3-small"])
        self.assertEqual(r["total"], 6)
        self.assertIsNone(r["next_cursor"])
        self.assertEqual(r["employers"][0]["fund"]["due"], 120000.00)

    def test_list_filters_and_pages(self):
        r = self.staff.result("employer.list", {"below_quota": True,
                                                "town": XINMIN})
        self.assertEqual([e["id"] for e in r["employers"]], ["ex2-inst"])
        r = self.staff.result("employer.list", {"type": "private"})
        self.assertEqual([e["id"] for e in r["employers"]],
                         ["at-quota", "ex3-small", "ex4-capped"])
        # every employer, by id, two a page; no figures: below_quota null
        seen, cursor = [], None
        while True:
            p = {"limit": 2}
            if cursor is not None:
                p["cursor"] = cursor
            r = self.staff.result("employer.list", p)
            seen += r["employers"]
            cursor = r["next_cursor"]
            if cursor is None:
                break
        self.assertEqual([e["id"] for e in seen],
                         sorted(e["id"] for e in EMPLOYERS))
        nf = [e for e in seen if e["id"] == "no-figures"][0]
        self.assertIsNone(nf["below_quota"])
        self.assertIsNone(nf["headcount"])
        for bad in ({"type": "bank"}, {"town": "999"}, {"cursor": "x"},
                    {"limit": 0}, {"below_quota": "yes"}):
            self.staff.error("employer.list", bad, code=-32602)


def seeker(id, town=GUIXI, dtype="physical", **kw):
    s = {"id": id, "disability": {"type": dtype, "grade": 3},
         "skills": ["保洁"], "town": town}
    s.update(kw)
    return s


ALL4 = {"info_checked": "2024-01-10", "assessed": "2024-02-01",
        "registered": "2024-02-02", "served": "2024-03-15"}

SEEKERS = [
    # assessed but never served
    seeker("s01", services={"info_checked": "2024-01-05",
                            "assessed": "2024-01-20"}),
    seeker("s02", dtype="visual", services=ALL4),
    seeker("s03", town=XINMIN, dtype="intellectual", status="employed",
           employed_since="2024-06-01", services=ALL4, flags=["graduate"],
           plan_note="一人一策：包装岗位，就业辅导员每月回访",
           training=[{"course": "包装技能", "date": "2024-04-01"}]),
    seeker("s04", town=XINMIN, status="not_seeking"),
    # no town: XINMIN is the nearest
    {"id": "s05", "disability": {"type": "hearing", "grade": 2},
     "location": {"lat": 30.3970, "lon": 107.3890}, "flags": ["graduate"],
     "services": {"info_checked": "2024-05-05"},
     "training": [{"course": "电商客服", "date": "2024-03-01"},
                  {"course": "手语", "date": "2024-07-01"}]},
]


class SeekerRecordTest(PlanCase):

    @classmethod
    def load(cls, st):
        for s in SEEKERS:
            st.result("seeker.put", {"seeker": s})

    def ids(self, **params):
        r = self.staff.result("seeker.list", params)
        self.assertEqual(r["total"], len(r["seekers"]))
        return [x["id"] for x in r["seekers"]]

    def test_record_round_trips(self):
        got = self.staff.result("seeker.get", {"id": "s03"})
        for k in ("status", "employed_since", "services", "plan_note",
                  "training"):
            self.assertEqual(got[k], SEEKERS[2][k], k)
        got = self.staff.result("seeker.get", {"id": "s04"})
        self.assertEqual((got["status"], got["services"], got["training"]),
                         ("not_seeking", {}, []))
        self.assertNotIn("plan_note", got)

    def test_filters(self):
        self.assertEqual(self.ids(), ["s01", "s02", "s03", "s04", "s05"])
        self.assertEqual(self.ids(has=["assessed"], missing=["served"]),
                         ["s01"])
        self.assertEqual(self.ids(missing=["info_checked"]), ["s04"])
        self.assertEqual(self.ids(has=list(ALL4)), ["s02", "s03"])
        self.assertEqual(self.ids(town=XINMIN), ["s03", "s04", "s05"])
        self.assertEqual(self.ids(town=GUIXI), ["s01", "s02"])
        self.assertEqual(self.ids(status="employed"), ["s03"])
        self.assertEqual(self.ids(status="seeking"), ["s01", "s02", "s05"])
        self.assertEqual(self.ids(disability_type="physical"),
                         ["s01", "s04"])
        self.assertEqual(self.ids(graduate=True), ["s03", "s05"])
        self.assertEqual(self.ids(graduate=False), ["s01", "s02", "s04"])
        self.assertEqual(self.ids(trained=True), ["s03", "s05"])
        self.assertEqual(self.ids(town=XINMIN, status="seeking",
                                  graduate=True, has=["info_checked"],
                                  missing=["assessed"]), ["s05"])

    def test_pages(self):
        r = self.staff.result("seeker.list", {"limit": 2})
        self.assertEqual([x["id"] for x in r["seekers"]], ["s01", "s02"])
        self.assertEqual(r["total"], 5)
        r = self.staff.result("seeker.list", {"limit": 2,
                                              "cursor": r["next_cursor"]})
        self.assertEqual([x["id"] for x in r["seekers"]], ["s03", "s04"])
        r = self.staff.result("seeker.list", {"limit": 2,
                                              "cursor": r["next_cursor"]})
        self.assertEqual([x["id"] for x in r["seekers"]], ["s05"])
        self.assertIsNone(r["next_cursor"])
        self.assertIn("version", r["seekers"][0])

    def test_bad_params_and_roles(self):
        for bad, field in (({"has": ["fed"]}, "has"),
                           ({"status": "retired"}, "status"),
                           ({"has": ["served"], "missing": ["served"]},
                            "missing"),
                           ({"town": "1"}, "town"),
                           ({"disability_type": "tall"}, "disability_type"),
                           ({"graduate": 1}, "graduate"),
                           ({"cursor": "-1"}, "cursor"),
                           ({"name": "x"}, "name")):
            e = self.staff.error("seeker.list", bad, code=-32602)
            self.assertEqual(e["data"]["field"], field, bad)
        self.kiosk.error("seeker.list", {}, code=-32001)

    def test_bad_records_refused(self):
        for extra, field in (
                ({"services": {"served": "2024-13-01"}},
                 "seeker.services.served"),
                ({"services": {"visited": "2024-01-01"}},
                 "seeker.services.visited"),
                ({"status": "retired"}, "seeker.status"),
                ({"training": [{"course": "x"}]}, "seeker.training[0].date"),
                ({"training": [{"course": "x", "date": "2024-01-01"}] * 21},
                 "seeker.training"),
                ({"plan_note": "字" * 2001}, "seeker.plan_note"),
                ({"employed_since": "June"}, "seeker.employed_since")):
            e = self.staff.error("seeker.put",
                                 {"seeker": seeker("bad", **extra)},
                                 code=-32602)
            self.assertEqual(e["data"]["field"], field, extra)
        self.staff.error("seeker.get", {"id": "bad"}, code=-32002)

    def test_zz_delete_erases_from_the_list(self):
        self.staff.result("seeker.put", {"seeker": seeker("s99")})
        self.assertIn("s99", self.ids())
        self.staff.result("seeker.delete", {"id": "s99"})
        self.assertNotIn("s99", self.ids())


def job(id, emp, openings, employment_type, town=GUIXI):
    return {"id": id, "employer_id": emp, "title": "岗位 " + id,
            "skills": ["保洁"], "accessible_for": ["any"],
            "employment_type": employment_type, "town": town,
            "openings": openings}


PLAN_EMPLOYERS = [
    dict(employer("ag1", "agency", 120, 1, 0, 80000),     # below, one met
         level="county", establishment=120),
    dict(employer("in1", "institution", 70, 0, 0, 90000),  # below, unmet
         level="county", establishment=70, institution_kind="hospital"),
    employer("pr1", "private", 400, 3, 1, 150000),        # below
    employer("sw1", "sheltered_workshop", 20, 10, 0, 40000),  # at quota
    {"id": "co1", "name": "单位 co1", "type": "community", "town": GUIXI},
]

PLAN_JOBS = [
    job("j1", "ag1", 2, "full_time"),
    job("j2", "sw1", 1, "sheltered"),
    job("j3", "pr1", 3, "part_time"),
    job("j4", "in1", 1, "public_welfare"),
    # expired: never matched, not counted as open
    dict(job("j5", "in1", 4, "full_time"), expires_at=1000000000),
]

PLAN_SEEKERS = [
    seeker("g1", flags=["graduate"], services=ALL4,
           plan_note="一人一策", training=[{"course": "电脑", "date":
                                            "2024-05-01"}]),
    seeker("g2", town=XINMIN, dtype="hearing", flags=["graduate"],
           services={"info_checked": "2024-02-01"},
           training=[{"course": "手语", "date": "2023-12-01"}]),
    seeker("g3", dtype="visual", flags=["graduate"],
           services={"assessed": "2024-03-01", "served": "2025-01-05"},
           training=[{"course": "按摩", "date": "2024-09-09"}]),
    seeker("n1", town=XINMIN, dtype="intellectual", services=ALL4),
    seeker("n2", status="not_seeking"),
]

YEAR = {"from": "2024-01-01", "to": "2024-12-31"}


class PlacementPlanTest(PlanCase):
    """Hires and the plan's progress, on a data set whose answers are
    worked out by hand in the comments."""

    @classmethod
    def load(cls, st):
        for e in PLAN_EMPLOYERS:
            st.result("employer.put", {"employer": e})
        for j in PLAN_JOBS:
            st.result("job.post", {"job": j})
        for s in PLAN_SEEKERS:
            st.result("seeker.put", {"seeker": s})
        cls.placed = {}
        # P1: j1 2 -> 1 opening; P2: j2's last -> closed; P3: after 2024;
        # P5: j1's last -> closed
        for name, sid, jid, emp, date in (
                ("P1", "g1", "j1", "ag1", "2024-04-01"),
                ("P2", "n1", "j2", "sw1", "2024-06-15"),
                ("P3", "n2", "j3", "pr1", "2025-02-01"),
                ("P5", "g2", "j1", "ag1", "2024-11-30")):
            cls.placed[name] = st.result("placement.record", {
                "seeker_id": sid, "job_id": jid, "employer_id": emp,
                "date": date})

    def test_record_changes_the_posting_and_the_seeker(self):
        p = self.placed
        self.assertTrue(p["P1"]["created"])
        self.assertEqual(p["P1"]["job"], {"id": "j1", "employer_id": "ag1",
                                          "status": "open", "openings": 1})
        self.assertEqual(p["P2"]["job"]["status"], "closed")
        self.assertEqual(p["P3"]["job"]["openings"], 2)
        self.assertEqual(p["P5"]["job"]["status"], "closed")
        j1 = self.staff.result("job.get", {"id": "j1", "employer_id": "ag1"})
        self.assertEqual(j1["status"], "closed")
        j3 = self.staff.result("job.get", {"id": "j3", "employer_id": "pr1"})
        self.assertEqual((j3["status"], j3["openings"]), ("open", 2))
        g1 = self.staff.result("seeker.get", {"id": "g1"})
        self.assertEqual((g1["status"], g1["employed_since"]),
                         ("employed", "2024-04-01"))
        self.assertEqual(g1["plan_note"], "一人一策")   # the rest is kept
        self.assertEqual(self.staff.result("seeker.list", {
            "status": "employed"})["total"], 4)

    def test_the_same_hire_again_changes_nothing(self):
        again = self.staff.result("placement.record", {
            "seeker_id": "g1", "job_id": "j1", "employer_id": "ag1",
            "date": "2024-04-01"})
        self.assertFalse(again["created"])
        self.assertEqual(again["id"], self.placed["P1"]["id"])
        r = self.staff.result("placement.list", {})
        self.assertEqual(len(r["placements"]), 4)

    def test_refusals(self):
        st = self.staff
        # j2 is closed (filled by P2)
        e = st.error("placement.record", {"seeker_id": "g3", "job_id": "j2",
                                          "employer_id": "sw1",
                                          "date": "2024-07-01"}, code=-32003)
        e = st.error("placement.record", {"seeker_id": "nobody",
                                          "job_id": "j3", "employer_id":
                                          "pr1", "date": "2024-07-01"},
                     code=-32002)
        self.assertEqual(e["data"]["field"], "seeker_id")
        e = st.error("placement.record", {"seeker_id": "g3", "job_id": "jx",
                                          "employer_id": "pr1",
                                          "date": "2024-07-01"}, code=-32002)
        self.assertEqual(e["data"]["field"], "job_id")
        st.error("placement.record", {"seeker_id": "g3", "job_id": "j3",
                                      "employer_id": "pr1",
                                      "date": "2024-02-30"}, code=-32602)
        st.error("placement.record", {"seeker_id": "g3", "job_id": "j3",
                                      "employer_id": "pr1"}, code=-32602)
        for m in ("placement.record", "placement.list", "stats.plan"):
            self.kiosk.error(m, {}, code=-32001)
        j3 = st.result("job.get", {"id": "j3", "employer_id": "pr1"})
        self.assertEqual(j3["openings"], 2)     # nothing was taken

    def ids(self, **params):
        r = self.staff.result("placement.list", params)
        return [p["job_id"] + "/" + (p["seeker_id"] or "-")
                for p in r["placements"]]

    def test_list_filters(self):
        self.assertEqual(self.ids(), ["j1/g1", "j2/n1", "j1/g2", "j3/n2"])
        self.assertEqual(self.ids(**YEAR), ["j1/g1", "j2/n1", "j1/g2"])
        self.assertEqual(self.ids(disability_type="hearing"), ["j1/g2"])
        self.assertEqual(self.ids(employer_type="agency"),
                         ["j1/g1", "j1/g2"])
        self.assertEqual(self.ids(employment_type="sheltered"), ["j2/n1"])
        self.assertEqual(self.ids(town=XINMIN), ["j2/n1", "j1/g2"])
        self.assertEqual(self.ids(graduate=True, **YEAR),
                         ["j1/g1", "j1/g2"])
        r = self.staff.result("placement.list", {"limit": 3})
        self.assertEqual(len(r["placements"]), 3)
        r = self.staff.result("placement.list", {"limit": 3,
                                                 "cursor": r["next_cursor"]})
        self.assertEqual([p["job_id"] for p in r["placements"]], ["j3"])
        self.assertIsNone(r["next_cursor"])
        p = self.staff.result("placement.list", {"to": "2024-04-01"})
        self.assertEqual(p["placements"][0], {
            "id": self.placed["P1"]["id"], "seeker_id": "g1",
            "employer_id": "ag1", "job_id": "j1", "date": "2024-04-01",
            "town": GUIXI, "job_town": GUIXI, "employer_type": "agency",
            "disability_type": "physical", "grade": 3,
            "employment_type": "full_time", "graduate": True})
        for bad in ({"from": "2024-12-31", "to": "2024-01-01"},
                    {"town": "1"}, {"employer_type": "bank"},
                    {"graduate": "yes"}, {"seeker_id": "g1"}):
            self.staff.error("placement.list", bad, code=-32602)

    def test_stats_plan_2024(self):
        r = self.staff.result("stats.plan", YEAR)
        self.assertEqual((r["from"], r["to"]), ("2024-01-01", "2024-12-31"))
        emp = r["employment"]
        # P1, P2, P5 (P3 is in 2025); P1 and P5 are graduates'; each hire
        # is one person's (g1, n1, g2), employed by an employer
        self.assertEqual(emp["hires"], 3)
        self.assertEqual(emp["persons"], 3)
        self.assertEqual(emp["by_form"]["employer"], 3)
        self.assertEqual(emp["target"], 300)
        self.assertAlmostEqual(emp["progress"], 0.01)
        self.assertFalse(emp["met"])
        self.assertEqual(emp["graduates"], 2)
        self.assertEqual(emp["hires_graduates"], 2)
        self.assertEqual(emp["hires_by_disability_type"]["physical"], 1)
        self.assertEqual(emp["hires_by_disability_type"]["intellectual"], 1)
        self.assertEqual(emp["hires_by_disability_type"]["hearing"], 1)
        self.assertEqual(emp["hires_by_disability_type"]["visual"], 0)
        self.assertEqual(emp["hires_by_employment_type"]["full_time"], 2)
        self.assertEqual(emp["hires_by_employment_type"]["sheltered"], 1)
        self.assertEqual(emp["hires_by_employer_type"]["agency"], 2)
        self.assertEqual(emp["hires_by_employer_type"]["sheltered_workshop"],
                         1)
        # graduates g1, g2, g3: g1 and g2 employed; only g1 has a plan
        g = r["graduates"]
        self.assertEqual((g["registered"], g["employed"], g["with_plan"]),
                         (3, 2, 1))
        self.assertAlmostEqual(g["rate"], 2 / 3)
        self.assertEqual(g["target_rate"], 0.9)
        self.assertFalse(g["met"])
        # these seekers have no birth year or sex: no base holds them
        # (test_persons.py works the bases out)
        sv = r["services"]
        self.assertEqual((sv["seekers"], sv["age_unknown"],
                          sv["working_age"]), (5, 5, 0))
        for k in ("info_checked", "assessed", "registered", "served",
                  "all_four"):
            self.assertEqual(sv[k], {"base": 0, "count": 0,
                                     "coverage": 0}, k)
        # trained in 2024: g1 and g3 (g2's course is of 2023)
        tr = r["training"]
        self.assertEqual((tr["trained"], tr["target"], tr["met"]),
                         (2, 60, False))
        self.assertAlmostEqual(tr["progress"], 2 / 60)
        # now: g3 seeking; g1 g2 n1 n2 employed
        self.assertEqual(r["seekers"], {"seeking": 1, "employed": 4,
                                        "not_seeking": 0})
        # open now: j3 (2 openings left), j4 (1); j5 has expired
        po = r["posts"]
        self.assertEqual((po["postings"], po["openings"]), (2, 3))
        self.assertEqual(po["by_employer_type"]["private"],
                         {"postings": 1, "openings": 2})
        self.assertEqual(po["by_employer_type"]["institution"],
                         {"postings": 1, "openings": 1})
        self.assertEqual(po["by_employer_type"]["agency"],
                         {"postings": 0, "openings": 0})
        # ag1, in1, pr1 below; co1 has no figures; in1 has nobody
        em = r["employers"]
        self.assertEqual((em["registered"], em["with_figures"],
                          em["below_quota"], em["at_least_one_unmet"]),
                         (5, 4, 3, 1))
        self.assertEqual(em["by_type"]["agency"],
                         {"employers": 1, "below_quota": 1})
        self.assertEqual(em["by_type"]["sheltered_workshop"],
                         {"employers": 1, "below_quota": 0})

    def test_stats_plan_targets_from_config_and_period(self):
        r = self.staff.result("stats.plan", {"from": "2025-01-01",
                                             "to": "2025-12-31"})
        self.assertEqual(r["employment"]["hires"], 1)
        self.assertEqual(r["employment"]["persons"], 1)
        self.assertEqual(r["employment"]["hires_by_disability_type"][
            "physical"], 1)
        self.staff.error("stats.plan", {"from": "2025-01-01",
                                        "to": "2024-01-01"}, code=-32602)
        self.staff.error("stats.plan", {"year": 2024}, code=-32602)
        # to alone: from the plan's first day (plan_from, 2022-01-01)
        r = self.staff.result("stats.plan", {"to": "2024-12-31"})
        self.assertEqual(r["from"], "2022-01-01")
        self.assertEqual(r["employment"]["hires"], 3)
        # nothing: the plan's period, 2022-2024, split by year
        r = self.staff.result("stats.plan", {})
        self.assertEqual((r["from"], r["to"]), ("2022-01-01", "2024-12-31"))
        self.assertEqual([(y["year"], y["persons"]) for y in
                          r["employment"]["by_year"]],
                         [(2022, 0), (2023, 0), (2024, 3)])

    def report(self, *args):
        out = h.run_jobmatch(["report", "--year", "2024"] + list(args),
                             token=h.STAFF, addr=self.env.daemon.addr)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def test_report_json(self):
        import json
        doc = json.loads(self.report("--format", "json"))
        self.assertEqual(doc["year"], 2024)
        self.assertEqual(doc["plan"]["employment"]["hires"], 3)
        self.assertEqual(doc["plan"]["employment"]["persons"], 3)
        self.assertEqual(doc["plan"]["from"], "2024-01-01")
        self.assertEqual(doc["plan"]["to"], "2024-12-31")
        # shortfalls on 2024-12-31: pr1 2, in1 1.05, ag1 0.8
        self.assertEqual([e["id"] for e in doc["employers_below_quota"]],
                         ["pr1", "in1", "ag1"])
        # P1 (g1, GUIXI), P2 (n1, XINMIN), P5 (g2, XINMIN)
        self.assertEqual(doc["placements_by_town"], {GUIXI: 1, XINMIN: 2})

    def test_report_csv(self):
        import csv
        import io
        import os
        import tempfile
        path = os.path.join(tempfile.mkdtemp(prefix="jm-report-"),
                            "report.csv")
        self.assertEqual(self.report("--format", "csv", "-o", path), "")
        with open(path, encoding="utf-8") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["section", "key", "value"])
        got = {(r[0], r[1]): r[2] for r in rows[1:]}
        self.assertEqual(got[("report", "year")], "2024")
        self.assertEqual(got[("report", "from")], "2024-01-01")
        self.assertEqual(got[("employment", "hires")], "3")
        self.assertEqual(got[("employment", "persons")], "3")
        self.assertEqual(got[("employment.by_year.2024", "persons")], "3")
        self.assertEqual(got[("employment.by_year.2024.by_form",
                              "employer")], "3")
        self.assertEqual(got[("employment", "target")], "300")
        self.assertEqual(got[("employment.hires_by_disability_type",
                              "hearing")], "1")
        self.assertEqual(got[("graduates", "employed")], "2")
        self.assertEqual(got[("services.all_four", "base")], "0")
        self.assertEqual(got[("training", "trained")], "2")
        self.assertEqual(got[("employers", "below_quota")], "3")
        self.assertEqual(got[("placements_by_town", XINMIN)], "2")
        self.assertEqual(got[("employers_below_quota.pr1", "shortfall")],
                         "2")
        self.assertEqual(got[("employers_below_quota.pr1", "name")],
                         "单位 pr1")
        # every figure as the JSON report has it (12 significant digits)
        import json
        doc = json.loads(self.report("--format", "json"))

        def walk(section, v):
            for k, x in v.items():
                if isinstance(x, dict):
                    walk(section + ("." if section else "") + k, x)
                elif isinstance(x, (int, float)) and not isinstance(x,
                                                                   bool):
                    self.assertAlmostEqual(float(got[(section or "report",
                                                      k)]), x,
                                           delta=abs(x) * 1e-11,
                                           msg=(section, k))
        walk("", doc["plan"])
        # stdout is the default, csv the default format
        self.assertEqual(self.report().splitlines()[0], "section,key,value")
        bad = h.run_jobmatch(["report", "--year", "24"], token=h.STAFF,
                             addr=self.env.daemon.addr)
        self.assertEqual(bad.returncode, 2)
        # the year so far: P1 and P2, not P5 (30 November)
        rows = dict(((r[0], r[1]), r[2]) for r in csv.reader(io.StringIO(
            self.report("--to", "2024-11-15"))))
        self.assertEqual(rows[("report", "to")], "2024-11-15")
        self.assertEqual(rows[("employment", "hires")], "2")
        for bad_to in ("2025-01-01", "2024-13-01", "11/15"):
            bad = h.run_jobmatch(["report", "--year", "2024", "--to",
                                  bad_to], token=h.STAFF,
                                 addr=self.env.daemon.addr)
            self.assertNotEqual(bad.returncode, 0, bad_to)
        bad = h.run_jobmatch(["report", "--year", "2024", "--format",
                              "xml"], token=h.STAFF,
                             addr=self.env.daemon.addr)
        self.assertEqual(bad.returncode, 2)

    def test_zz_erasing_a_seeker_keeps_the_count(self):
        # n2's second hire, so that two placements are unlinked
        self.staff.result("placement.record", {
            "seeker_id": "n2", "job_id": "j4", "employer_id": "in1",
            "date": "2025-03-01"})
        self.assertIn(b"n2", self.dump())
        self.staff.result("seeker.delete", {"id": "n2"})
        self.assertEqual(self.ids(**{"from": "2025-01-01"}),
                         ["j3/-", "j4/-"])
        # no key or value names n2 any more (the change stream's history
        # keeps ids, and never more than the id of a seeker or a placement)
        self.assertNotIn(b"n2", self.dump())
        for _, fields in self.env.redis.cmd("XRANGE", "jm:changes", "-",
                                            "+"):
            f = dict(zip(fields[0::2], fields[1::2]))
            op = f[b"op"] if b"op" in f else f["op"]
            op = op.decode() if isinstance(op, bytes) else op
            if op.startswith(("seeker.", "placement.", "employment.")):
                self.assertEqual(len(f), 2, f)
        r = self.staff.result("stats.plan", {"from": "2025-01-01",
                                             "to": "2025-12-31"})
        self.assertEqual(r["employment"]["hires"], 2)
        # n2, deleted, is still one person
        self.assertEqual(r["employment"]["persons"], 1)

    def dump(self):
        out = []
        red = self.env.redis
        for key in red.cmd("KEYS", "*"):
            out.append(key)
            t = red.cmd("TYPE", key)
            t = t.decode() if isinstance(t, bytes) else t
            if t == "hash":
                out.extend(red.cmd("HGETALL", key))
            elif t in ("zset",):
                out.extend(red.cmd("ZRANGE", key, 0, -1))
            elif t == "set":
                out.extend(red.cmd("SMEMBERS", key))
            elif t == "string":
                out.append(red.cmd("GET", key))
        return b"\n".join(x if isinstance(x, bytes) else str(x).encode()
                          for x in out)


class PlacementsDuringReloadTest(unittest.TestCase):
    """Hires answered while the daemon loads its mirrors again (the change
    stream was lost): each lands in both mirrors, intact (under ASan a
    record shared between them would be caught), and the reloaded mirror
    agrees with Redis."""

    def test_hires_while_reloading(self):
        env = h.Env()
        self.addCleanup(env.stop)
        c = env.daemon.client(h.STAFF)
        self.addCleanup(c.close)
        c.result("employer.put", {"employer": PLAN_EMPLOYERS[0]})
        c.result("job.post", {"job": job("big", "ag1", 5000, "full_time")})
        for k in range(5):
            c.result("job.post", {"job": job("big%d" % k, "ag1", 100,
                                             "full_time")})

        n = 2000
        for i in range(n):
            c.send(h.request("seeker.put", {"seeker": seeker(
                "r%04d" % i, plan_note="计划 %d" % i,
                training=[{"course": "课程", "date": "2024-01-02"}])},
                id=i))
        for _ in range(n):
            self.assertIn("result", c.read_json())
        # hires of one posting at once: each but the first is retried
        for i in range(6):
            c.send(h.request("placement.record", {
                "seeker_id": "r%04d" % (1990 + i), "job_id": "big",
                "employer_id": "ag1", "date": "2024-03-01"}, id=i))
        for _ in range(6):
            r = c.read_json()
            self.assertIn("result", r, r)
        env.redis.cmd("DEL", "jm:changes")
        c.result("employer.put", {"employer": PLAN_EMPLOYERS[1]})
        for i in range(40):
            c.send(h.request("placement.record", {
                "seeker_id": "r%04d" % i, "job_id": "big%d" % (i % 5),
                "employer_id": "ag1", "date": "2024-03-04"}, id=i))
        for _ in range(40):
            r = c.read_json()
            self.assertIn("result", r, r)
        h.wait_until(lambda: c.result("stats", {})["store"]["loaded"],
                     what="the reload")
        got = c.result("seeker.list", {"status": "employed", "limit": 1000})
        self.assertEqual(got["total"], 46)
        for s in got["seekers"]:
            self.assertEqual(s["employed_since"], "2024-03-04" if
                             int(s["id"][1:]) < 40 else "2024-03-01")
            self.assertEqual(s["plan_note"], "计划 %d" % int(s["id"][1:]))
        j = c.result("job.get", {"id": "big", "employer_id": "ag1"})
        self.assertEqual(j["openings"], 4994)
        for k in range(5):
            j = c.result("job.get", {"id": "big%d" % k, "employer_id": "ag1"})
            self.assertEqual(j["openings"], 92)


class PlacementEdgesTest(PlanCase):
    """Hires at once on one posting, the same hire at once, a posting
    placed by location only."""

    @classmethod
    def load(cls, st):
        st.result("employer.put", {"employer": PLAN_EMPLOYERS[0]})
        st.result("job.post", {"job": job("burst", "ag1", 50, "full_time")})
        st.result("job.post", {"job": job("same", "ag1", 5, "full_time")})
        loc = job("loc", "ag1", 3, "part_time")
        del loc["town"]
        loc["location"] = {"lat": 30.3970, "lon": 107.3890}  # by XINMIN
        st.result("job.post", {"job": loc})
        for i in range(20):
            st.result("seeker.put", {"seeker": seeker("e%02d" % i)})

    def pipelined(self, calls):
        for i, params in enumerate(calls):
            self.staff.send(h.request("placement.record", params, id=i))
        out = [self.staff.read_json() for _ in calls]
        return sorted(out, key=lambda r: r["id"])

    def test_many_hires_of_one_posting_at_once(self):
        got = self.pipelined([{"seeker_id": "e%02d" % i, "job_id": "burst",
                               "employer_id": "ag1", "date": "2024-05-01"}
                              for i in range(16)])
        for r in got:
            self.assertIn("result", r, r)
            self.assertTrue(r["result"]["created"])
        left = sorted(r["result"]["job"]["openings"] for r in got)
        self.assertEqual(left, list(range(34, 50)))
        j = self.staff.result("job.get", {"id": "burst", "employer_id": "ag1"})
        self.assertEqual(j["openings"], 34)

    def test_the_same_hire_at_once(self):
        hire = {"seeker_id": "e19", "job_id": "same", "employer_id": "ag1",
                "date": "2024-05-02"}
        got = self.pipelined([hire] * 4)
        self.assertEqual(sorted(r["result"]["created"] for r in got),
                         [False, False, False, True])
        self.assertEqual({r["result"]["id"] for r in got},
                         {got[0]["result"]["id"]})
        # every answer gives the posting as it is: one opening taken
        for r in got:
            self.assertEqual(r["result"]["job"]["openings"], 4, r)

    def test_location_only_posting_has_its_nearest_town(self):
        self.staff.result("placement.record", {
            "seeker_id": "e18", "job_id": "loc", "employer_id": "ag1",
            "date": "2024-05-03"})
        p = self.staff.result("placement.list", {"from": "2024-05-03",
                                                 "to": "2024-05-03"})
        self.assertEqual([x["job_town"] for x in p["placements"]], [XINMIN])

    def test_cursor_never_reaches_below_the_period(self):
        for sid, date in (("e17", "2024-04-01"), ("e16", "2024-06-01")):
            self.staff.result("placement.record", {
                "seeker_id": sid, "job_id": "loc", "employer_id": "ag1",
                "date": date})
        p = self.staff.result("placement.list", {"from": "2024-06-01",
                                                 "to": "2024-06-01",
                                                 "cursor": "0"})
        self.assertEqual([x["seeker_id"] for x in p["placements"]], ["e16"])


class SampleSeekersTest(unittest.TestCase):
    """data/seekers.jsonl, employment.jsonl and followups.jsonl (what
    run.sh loads, after the employers) load whole, and give the figures
    docs/plan.md works out from the files by hand."""

    def test_sample_seekers(self):
        import os
        env = h.Env()
        self.addCleanup(env.stop)
        for name, n in (("employers.jsonl", None), ("seekers.jsonl", 21),
                        ("employment.jsonl", 11), ("followups.jsonl", 7)):
            path = os.path.join(h.DATA_DIR, name)
            r = h.run_jobmatch(["load", path], token=h.STAFF,
                               addr=env.daemon.addr)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(" 0 failed", r.stdout)
            if n is not None:
                self.assertIn("%s: %d requests, 0 failed" % (path, n),
                              r.stdout)
        c = env.daemon.client(h.STAFF)
        self.addCleanup(c.close)
        # the plan's period, 2022-2024 (docs/plan.md, "The sample data")
        p = c.result("stats.plan", {})
        e = p["employment"]
        self.assertEqual((e["persons"], e["graduates"], e["hires"]),
                         (8, 1, 0))
        self.assertEqual(e["by_form"], {
            "employer": 1, "public_welfare": 0, "sheltered": 1,
            "self_employed": 1, "flexible": 2, "farming": 2, "stall": 1})
        self.assertEqual([(y["year"], y["persons"]) for y in e["by_year"]],
                         [(2022, 3), (2023, 2), (2024, 3)])
        t = p["training"]
        self.assertEqual([(y["year"], y["trained"]) for y in t["by_year"]],
                         [(2022, 1), (2023, 1), (2024, 5)])
        self.assertEqual(t["trained"], 7)
        sv = p["services"]
        self.assertEqual((sv["seekers"], sv["age_unknown"],
                          sv["working_age"]), (21, 1, 17))
        self.assertEqual([(sv[k]["base"], sv[k]["count"]) for k in (
            "info_checked", "assessed", "registered", "served", "all_four")],
            [(10, 9), (10, 7), (10, 5), (10, 4), (10, 4)])
        g = p["graduates"]     # s-0001, s-0006 (both with a plan), s-0009,
        self.assertEqual((g["registered"], g["employed"], g["with_plan"]),
                         (4, 1, 2))                     # s-0020 employed
        self.assertEqual(p["seekers"], {"seeking": 12, "employed": 8,
                                        "not_seeking": 1})
        # 2024 alone: s-0017 (flexible), s-0018 (stall), s-0019 (farming)
        y = c.result("stats.plan", {"from": "2024-01-01",
                                    "to": "2024-12-31"})
        self.assertEqual(y["employment"]["persons"], 3)
        self.assertEqual(y["training"]["trained"], 5)
        due = c.result("followup.due", {"date": "2024-12-31"})
        self.assertEqual([(x["seeker_id"], x["due_since"])
                          for x in due["due"]],
                         [("s-0020", "2023-07-31"), ("s-0014", "2024-09-29"),
                          ("s-0018", "2024-10-04"), ("s-0017", "2024-12-01")])
        sub = c.result("subsidy.window", {"date": "2024-12-31"})
        self.assertEqual([(x["seeker_id"], x["window_ends"])
                          for x in sub["seekers"]],
                         [("s-0018", "2025-03-31"), ("s-0019", "2025-10-09")])


if __name__ == "__main__":
    h.main()

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
    employer("ex1-agency", "agency", 120, 1, 0, 80000),
    employer("ex2-inst", "institution", 70, 0, 0, 90000, town=XINMIN),
    employer("ex3-small", "private", 25, 0, 0, 50000),
    employer("ex4-capped", "private", 400, 3, 1, 150000),
    employer("ex5-soe", "soe", 250, 2, 0, 72345),
    employer("ex6-community", "community", 130, 1, 0, 61237),
    employer("at-quota", "private", 200, 3, 0, 70000),
    {"id": "no-figures", "name": "单位 no-figures", "type": "agency",
     "town": GUIXI},
]


class QuotaTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["quota_local_avg_salary 60000"])
        cls.addClassCleanup(cls.env.stop)
        cls.staff = cls.env.daemon.client(h.STAFF)
        cls.kiosk = cls.env.daemon.client(h.KIOSK)
        for e in EMPLOYERS:
            cls.staff.result("employer.put", {"employer": e})

    @classmethod
    def tearDownClass(cls):
        cls.staff.close()
        cls.kiosk.close()

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
        self.assertEqual(q["at_least_one"], {"applies": True, "met": True})
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
        self.assertEqual(q["at_least_one"], {"applies": True, "met": False})
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


class SeekerRecordTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.staff = cls.env.daemon.client(h.STAFF)
        cls.kiosk = cls.env.daemon.client(h.KIOSK)
        for s in SEEKERS:
            cls.staff.result("seeker.put", {"seeker": s})

    @classmethod
    def tearDownClass(cls):
        cls.staff.close()
        cls.kiosk.close()

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


if __name__ == "__main__":
    h.main()

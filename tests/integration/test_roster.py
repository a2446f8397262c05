# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_roster.py - who counts toward an employer's quota, through the
protocol: employer.roster.put and employer.roster.get (staff only; an
employer's and a kiosk's token are refused), their validation, the quota
from a roster against the declaration (docs/quota.md's example 7, worked
by hand there), employer.list {overstated: true} and stats.plan's count,
the reduced-payment tiers' first day, the "at least one" rule by
establishment, school and pool, and a roster written through one daemon
followed by another on the same Redis.
"""
import unittest

import harness as h

GUIXI = "500231001000"


def employer(id, type, headcount, disabled=None, severe=None, salary=60000,
             **kw):
    e = {"id": id, "name": "单位 " + id, "type": type, "town": GUIXI,
         "headcount": headcount, "avg_annual_salary": salary}
    if disabled is not None:
        e["disabled_employees"] = disabled
    if severe is not None:
        e["severe_disabled_employees"] = severe
    e.update(kw)
    return e


def entry(**kw):
    x = {"certificate": "disability", "grade": 3, "on_establishment": False,
         "contract_start": "2024-01-01", "contract_months": 12,
         "monthly_wage": 2100, "insurance_paid": True}
    x.update(kw)
    return {k: v for k, v in x.items() if v is not None}


# docs/quota.md, example 7 (on 2024-06-30): A counts 2 (grade 2), B 1 (a
# veteran of grade 4, open-ended), C's contract is 11 months, D is paid
# 2,099 (one yuan under quota_min_wage 2100): counted 2, weighted 3.
EX7 = [
    entry(seeker_id="s-a", grade=2, contract_start="2023-03-01",
          contract_months=36, monthly_wage=2500),
    {"certificate": "veteran", "grade": 4, "on_establishment": False,
     "contract_start": "2020-05-01", "monthly_wage": 3000,
     "insurance_paid": True, "birth_year": 1980, "sex": "male"},
    entry(contract_months=11, monthly_wage=2300),
    entry(grade=4, contract_start="2022-07-01", contract_months=24,
          monthly_wage=2099),
]

EMPLOYERS = [
    # 300 staff declaring 4, one severe (5 weighted): its roster supports 3
    employer("ex7", "private", 300, 4, 1, 80000),
    # declares 2, its roster supports 2 (one grade 1 on the establishment)
    employer("honest", "private", 100, 1, 1),
    employer("declared", "private", 300, 2, 0, 80000),
    # a county agency of 60 posts (headcount 30): the rule applies
    employer("ag", "agency", 30, 0, level="county", establishment=60),
    employer("school", "institution", 150, 0, level="county",
             establishment=150, institution_kind="secondary_school"),
    employer("no-est", "institution", 150, 0, level="county",
             institution_kind="hospital"),
    # a township's pool of two units, one of which employs one person
    employer("tw1", "agency", 20, 0, level="township", pool="p-town"),
    employer("tw2", "institution", 15, 1, level="township", pool="p-town",
             institution_kind="other"),
]


class RosterTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["quota_local_avg_salary 60000",
                               "roster_max_entries 5"])
        cls.addClassCleanup(cls.env.stop)
        d = cls.env.daemon
        cls.staff = d.client(h.STAFF)
        cls.addClassCleanup(cls.staff.close)
        for e in EMPLOYERS:
            cls.staff.result("employer.put", {"employer": e})
        r = cls.staff.result("employer.roster.put", {
            "employer_id": "ex7", "entries": EX7})
        assert (r["version"], r["created"]) == (1, True), r
        cls.staff.result("employer.roster.put", {
            "employer_id": "honest", "entries": [
                entry(grade=1, on_establishment=True, contract_start=None,
                      contract_months=None)]})

    def quota(self, id, date="2024-06-30", **kw):
        return self.staff.result("employer.quota", dict(id=id, date=date,
                                                        **kw))

    def test_roles(self):
        d = self.env.daemon
        for tok in (h.EMP_A, h.KIOSK, None):
            c = d.client(tok)
            self.addCleanup(c.close)
            c.error("employer.roster.put", {"employer_id": "ex7",
                                            "entries": []}, h.UNAUTHORIZED)
            c.error("employer.roster.get", {"employer_id": "ex7"},
                    h.UNAUTHORIZED)
        # nothing was written
        self.assertEqual(self.staff.result("employer.roster.get", {
            "employer_id": "ex7"})["version"], 1)

    def test_get_as_stored(self):
        r = self.staff.result("employer.roster.get", {"employer_id": "ex7"})
        self.assertEqual(r["employer_id"], "ex7")
        self.assertEqual(r["entries"], EX7)
        self.assertEqual(r["version"], 1)
        # a registered employer without a roster; an unknown one
        r = self.staff.result("employer.roster.get", {
            "employer_id": "declared"})
        self.assertEqual((r["entries"], r["version"]), ([], 0))
        self.staff.error("employer.roster.get", {"employer_id": "nobody"},
                         h.NOT_FOUND)

    def test_validation(self):
        def refused(params, field, code=h.INVALID_PARAMS):
            e = self.staff.error("employer.roster.put", params, code)
            if field is not None:
                self.assertEqual(e["data"]["field"], field, e)

        ok = {"employer_id": "declared", "entries": [entry()]}
        refused({"entries": []}, "employer_id")
        refused({"employer_id": "declared"}, "entries")
        refused(dict(ok, extra=1), "extra")
        refused(dict(ok, entries=[entry()] * 6), "entries")
        refused(dict(ok, entries=[entry(), entry(grade=5)]),
                "entries[1].grade")
        refused(dict(ok, entries=[entry(certificate="veteran", grade=9)]),
                "entries[0].grade")
        refused(dict(ok, entries=[entry(monthly_wage=-1)]),
                "entries[0].monthly_wage")
        refused(dict(ok, entries=[entry(insurance_paid="yes")]),
                "entries[0].insurance_paid")
        refused(dict(ok, entries=[entry(contract_start="2024-13-01")]),
                "entries[0].contract_start")
        refused(dict(ok, entries=[entry(birth_year=3000)]),
                "entries[0].birth_year")
        refused(dict(ok, entries=[entry(sex="x")]), "entries[0].sex")
        refused(dict(ok, entries=[entry(seeker_id="s1"),
                                  entry(seeker_id="s1")]),
                "entries[1].seeker_id")
        refused(dict(ok, employer_id="nobody"), "employer_id", h.NOT_FOUND)
        refused(dict(ok, expected_version=3), None, h.CONFLICT)
        # nothing of these was stored: no roster yet
        self.assertEqual(self.staff.result("employer.roster.get", {
            "employer_id": "declared"})["version"], 0)
        # the employer's new fields
        for bad, field in ((dict(level="city"), "employer.level"),
                           (dict(institution_kind="school"),
                            "employer.institution_kind"),
                           (dict(pool="p-x"), "employer.pool"),
                           (dict(establishment=-1),
                            "employer.establishment")):
            e = self.staff.error("employer.put", {"employer": employer(
                "declared", "institution", 300, 2, **bad)},
                h.INVALID_PARAMS)
            self.assertEqual(e["data"]["field"], field)
        e = self.staff.error("employer.put", {"employer": employer(
            "declared", "agency", 300, 2, institution_kind="hospital")},
            h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "employer.institution_kind")

    def test_example_7_roster_against_declared(self):
        q = self.quota("ex7")
        self.assertEqual(q["basis"], "roster")
        self.assertEqual(q["roster"], {
            "entries": 4, "counted": 2, "weighted": 3, "not_counted": [
                {"index": 2, "reasons": ["contract_under_12_months"]},
                {"index": 3, "reasons": ["wage_below_minimum"]}]})
        self.assertTrue(q["overstated"])
        self.assertEqual(q["actual"], 3)
        self.assertAlmostEqual(q["required"], 4.5, places=9)
        self.assertAlmostEqual(q["shortfall"], 1.5, places=9)
        self.assertTrue(q["below_quota"])
        f = q["fund"]
        self.assertEqual((f["amount"], f["pay_fraction"], f["due"]),
                         (120000, 0.5, 60000))
        # the next day D's contract has ended too
        q = self.quota("ex7", date="2024-07-01")
        self.assertEqual(q["roster"]["not_counted"][1], {
            "index": 3, "reasons": ["contract_ended",
                                    "wage_below_minimum"]})
        # an honest declaration; a declaration alone
        q = self.quota("honest")
        self.assertEqual((q["basis"], q["actual"], q["overstated"]),
                         ("roster", 2, False))
        self.assertEqual(q["roster"]["not_counted"], [])
        q = self.quota("declared")
        self.assertEqual((q["basis"], q["overstated"]), ("declared", False))
        self.assertNotIn("roster", q)

    def test_overstated_list_and_plan(self):
        r = self.staff.result("employer.list", {"overstated": True,
                                                "date": "2024-06-30"})
        self.assertEqual([e["id"] for e in r["employers"]], ["ex7"])
        self.assertEqual(r["total"], 1)
        row = r["employers"][0]
        self.assertEqual(row["roster"], {"entries": 4, "counted": 2,
                                         "weighted": 3})
        self.assertTrue(row["overstated"])
        r = self.staff.result("employer.list", {"date": "2024-06-30"})
        self.assertEqual(len(r["employers"]), len(EMPLOYERS))
        p = self.staff.result("stats.plan", {"from": "2024-01-01",
                                             "to": "2024-06-30"})
        self.assertEqual(p["employers"]["overstated"], 1)
        self.staff.error("employer.list", {"overstated": 1},
                         h.INVALID_PARAMS)

    def test_tier_dates(self):
        # "declared": 300 staff, 2 disabled: 0.67 %, the 90 % tier from
        # 2020-01-01; the day before pays in full: 2.5 × 80,000
        q = self.quota("declared", date="2019-12-31")
        self.assertEqual((q["fund"]["pay_fraction"], q["fund"]["due"]),
                         (1, 200000))
        q = self.quota("declared", date="2020-01-01")
        self.assertEqual((q["fund"]["pay_fraction"], q["fund"]["due"]),
                         (0.9, 180000))

    def test_at_least_one(self):
        q = self.quota("ag")
        self.assertEqual(q["at_least_one"], {"applies": True, "met": False,
                                             "basis": "own"})
        self.assertEqual((q["establishment"], q["headcount"]), (60, 30))
        q = self.quota("school")
        self.assertEqual(q["at_least_one"]["applies"], False)
        self.assertIn("schools", q["at_least_one"]["reason"])
        q = self.quota("no-est")
        self.assertIsNone(q["at_least_one"]["applies"])
        self.assertEqual(q["at_least_one"]["reason"],
                         "establishment is not given")
        for id in ("tw1", "tw2"):
            q = self.quota(id)
            self.assertEqual(q["at_least_one"], {
                "applies": True, "met": True, "basis": "pool",
                "pool": {"id": "p-town", "units": 2, "disabled": 1}})
        p = self.staff.result("stats.plan", {"from": "2024-01-01",
                                             "to": "2024-06-30"})
        # unmet: ag alone (the school is excluded, no-est unknown, the
        # pool met, ex7's an enterprise)
        self.assertEqual(p["employers"]["at_least_one_unmet"], 1)


class TwoDaemonsTest(unittest.TestCase):
    """A roster written through one daemon is what another's quota reads,
    and a daemon started later loads it."""

    def setUp(self):
        self.redis = h.Redis()
        self.addCleanup(self.redis.cleanup)
        self.redis.start()
        self.a = h.Daemon(self.redis.port)
        self.addCleanup(self.a.cleanup)
        self.a.start()
        self.b = h.Daemon(self.redis.port)
        self.addCleanup(self.b.cleanup)
        self.b.start()

    def test_followed(self):
        sa = self.a.client(h.STAFF)
        self.addCleanup(sa.close)
        sb = self.b.client(h.STAFF)
        self.addCleanup(sb.close)
        sa.result("employer.put", {"employer": employer(
            "ex7", "private", 300, 4, 1, 80000)})
        h.wait_until(lambda: "result" in sb.call("employer.quota", {
            "id": "ex7", "date": "2024-06-30"}), what="employer on B")
        self.assertEqual(sb.result("employer.quota", {
            "id": "ex7", "date": "2024-06-30"})["basis"], "declared")
        sa.result("employer.roster.put", {"employer_id": "ex7",
                                          "entries": EX7})

        def quota_b():
            return sb.result("employer.quota", {"id": "ex7",
                                                "date": "2024-06-30"})
        h.wait_until(lambda: quota_b()["basis"] == "roster",
                     what="the roster on B")
        q = quota_b()
        self.assertEqual((q["actual"], q["overstated"]), (3, True))
        # a second version (D paid the minimum) reaches B too
        sa.result("employer.roster.put", {
            "employer_id": "ex7", "expected_version": 1,
            "entries": EX7[:3] + [dict(EX7[3], monthly_wage=2100)]})
        h.wait_until(lambda: quota_b()["actual"] == 4,
                     what="version 2 on B")
        # the change stream names the employer only
        for _id, fields in self.redis.cmd("XRANGE", "jm:changes", "-", "+"):
            f = dict(zip(fields[::2], fields[1::2]))
            if f.get(b"op") == b"employer.roster.put":
                self.assertEqual(set(f), {b"op", b"employer", b"version"})
                self.assertEqual(f[b"employer"], b"ex7")
        # a daemon started now loads it with the rest
        self.b.restart()
        sb2 = self.b.client(h.STAFF)
        self.addCleanup(sb2.close)
        q = sb2.result("employer.quota", {"id": "ex7", "date": "2024-06-30"})
        self.assertEqual((q["basis"], q["actual"]), ("roster", 4))


if __name__ == "__main__":
    h.main()

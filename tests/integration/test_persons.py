# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_persons.py - the plan's figures as persons (docs/plan.md): the plan's
period and its per-year split, persons newly employed counted once across
forms and hires (a deleted seeker still once), persons trained, the four
services each over its own base with the working-age edges of both sexes,
employment.record / employment.list, follow-ups (followup.record,
followup.list, followup.due at the interval's edge) and subsidy.window at
its edges; every method's roles and validation. Each answer is worked out
by hand in the comments.

The period is 2022-07-01 .. 2024-06-30 (so that both ends cut a year);
ages are reached in 2024, the year of its end.
"""
import unittest

import harness as h

GUIXI = "500231001000"
FROM, TO = "2022-07-01", "2024-06-30"


def seeker(id, sex=None, born=None, status=None, **kw):
    s = {"id": id, "disability": {"type": "physical", "grade": 3},
         "skills": ["保洁"], "town": GUIXI}
    if sex:
        s["sex"] = sex
    if born:
        s["birth_year"] = born
    if status:
        s["status"] = status
    s.update(kw)
    return s


ALL4 = {"info_checked": "2023-01-10", "assessed": "2023-02-01",
        "registered": "2023-02-02", "served": "2023-03-15"}

# Ages in 2024 and who is in which base at 2024-06-30 (statuses as at the
# end, after the hires below: a3, g1 and e1 are then employed):
#   a1 m 1964 60 no (men 16-59)    seeking, all four given
#   a2 m 1965 59 yes               seeking: info 2023-01-01, assessed
#                                  2024-06-30 (the last day: given),
#                                  registered 2024-07-01 (after: not)
#   a3 m 2008 16 yes               employed (info given: not in a base)
#   a4 m 2009 15 no                seeking
#   b1 f 1970 54 yes (women 16-54) seeking, all four given
#   b2 f 1969 55 no                seeking
#   b3 f 1990 34 yes               not_seeking: info 2024-07-02 (after)
#   f16 f 2008 16 yes              seeking: info 2024-01-01
#   f15 f 2009 15 no               seeking
#   u1 f, no birth year            age_unknown
#   u2 1980, no sex                age_unknown
#   g1 f 2000 24 yes               employed (graduate, low income)
#   e1 m 1985 39 yes               employed (low income)
#   d1 m 1980                      deleted before the last counts
SEEKERS = [
    seeker("a1", "male", 1964, services=ALL4),
    seeker("a2", "male", 1965, services={
        "info_checked": "2023-01-01", "assessed": "2024-06-30",
        "registered": "2024-07-01"},
        training=[{"course": "电脑", "date": "2022-07-01"}]),
    seeker("a3", "male", 2008, services={"info_checked": "2023-01-01"}),
    seeker("a4", "male", 2009),
    seeker("b1", "female", 1970, services=ALL4, flags=["low_income"],
           training=[{"course": "面点", "date": "2022-05-01"},
                     {"course": "电商", "date": "2024-02-02"},
                     {"course": "手工", "date": "2023-04-01"}]),
    seeker("b2", "female", 1969),
    seeker("b3", "female", 1990, status="not_seeking",
           services={"info_checked": "2024-07-02"},
           training=[{"course": "按摩", "date": "2024-06-30"}]),
    seeker("f16", "female", 2008, services={"info_checked": "2024-01-01"}),
    seeker("f15", "female", 2009),
    seeker("u1", "female"),
    seeker("u2", born=1980,
           training=[{"course": "电脑", "date": "2024-07-01"}]),
    seeker("g1", "female", 2000, flags=["graduate", "low_income"]),
    seeker("e1", "male", 1985, flags=["low_income"]),
    seeker("d1", "male", 1980),
]

JOBS = [{"id": j, "employer_id": "emp1", "title": "岗位 " + j,
         "skills": ["保洁"], "accessible_for": ["any"],
         "employment_type": "full_time", "town": GUIXI, "openings": 5}
        for j in ("j1", "j2", "j3")]


class PersonsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["plan_from " + FROM, "plan_to " + TO])
        cls.addClassCleanup(cls.env.stop)
        cls.staff = st = cls.env.daemon.client(h.STAFF)
        cls.addClassCleanup(st.close)
        st.result("employer.put", {"employer": {
            "id": "emp1", "name": "单位", "type": "private", "town": GUIXI}})
        for j in JOBS:
            st.result("job.post", {"job": j})
        for s in SEEKERS:
            st.result("seeker.put", {"seeker": s})
        rec = cls.rec = {}

        def emp(name, sid, form, date, **kw):
            p = {"seeker_id": sid, "form": form, "date": date}
            p.update(kw)
            rec[name] = st.result("employment.record", p)

        def hire(name, sid, jid, date):
            rec[name] = st.result("placement.record", {
                "seeker_id": sid, "job_id": jid, "employer_id": "emp1",
                "date": date})
        # a3: farming the day before the period (not counted), then
        # self-employed on its first day, then hired: once, 2022,
        # self_employed
        emp("a3-farm", "a3", "farming", "2022-06-30")
        emp("a3-self", "a3", "self_employed", "2022-07-01",
            note="自己开的盲人按摩店")
        hire("a3-hire", "a3", "j1", "2023-05-05")
        # g1 (graduate): hired, then flexible: once, 2023, employer
        hire("g1-hire", "g1", "j2", "2023-02-01")
        emp("g1-flex", "g1", "flexible", "2024-01-10")
        # b1: a stall on the period's last day: once, 2024, stall
        emp("b1-stall", "b1", "stall", "2024-06-30")
        # u1: the day after the period: not counted
        emp("u1-pw", "u1", "public_welfare", "2024-07-01")
        # d1: sheltered, then farming; deleted later: once, 2022, sheltered
        emp("d1-sh", "d1", "sheltered", "2022-12-31")
        emp("d1-farm", "d1", "farming", "2023-01-01")
        # e1: recorded by hand as employed by emp1 through j3, then the
        # same hire through placement.record: one record, once, 2023
        emp("e1-emp", "e1", "employer", "2023-03-03", employer_id="emp1",
            job_id="j3")
        hire("e1-hire", "e1", "j3", "2023-03-03")
        # follow-ups: a3 90 days after its hire; e1; d1 (deleted later)
        for sid, date, outcome in (("a3", "2023-08-03", "in_work"),
                                   ("e1", "2023-10-01", "at_risk"),
                                   ("d1", "2023-02-01", "in_work")):
            rec["fu-" + sid] = st.result("followup.record", {
                "seeker_id": sid, "date": date, "outcome": outcome,
                "note": "回访记录 " + sid})
        st.result("seeker.delete", {"id": "d1"})

    def plan(self, **params):
        return self.staff.result("stats.plan", params)

    # -- employment as persons ----------------------------------------------

    def test_persons_once_by_form_and_year(self):
        r = self.plan()
        # the default period is the plan's
        self.assertEqual((r["from"], r["to"]), (FROM, TO))
        self.assertEqual(r["period"], {"from": FROM, "to": TO})
        e = r["employment"]
        # a3 (2022 self_employed), d1 (2022 sheltered, deleted), g1 (2023
        # employer), e1 (2023 employer), b1 (2024 stall): 5 persons of
        # 10 records; hires in the period: a3, g1, e1
        self.assertEqual(e["persons"], 5)
        self.assertEqual((e["target"], e["met"]), (300, False))
        self.assertAlmostEqual(e["progress"], 5 / 300)
        self.assertEqual(e["graduates"], 1)             # g1
        self.assertEqual(e["hires"], 3)
        self.assertEqual(e["by_form"], {
            "employer": 2, "public_welfare": 0, "sheltered": 1,
            "self_employed": 1, "flexible": 0, "farming": 0, "stall": 1})
        years = e["by_year"]
        self.assertEqual([(y["year"], y["from"], y["to"], y["persons"])
                          for y in years],
                         [(2022, "2022-07-01", "2022-12-31", 2),
                          (2023, "2023-01-01", "2023-12-31", 2),
                          (2024, "2024-01-01", "2024-06-30", 1)])
        self.assertEqual(years[0]["by_form"]["self_employed"], 1)
        self.assertEqual(years[0]["by_form"]["sheltered"], 1)
        self.assertEqual(years[1]["by_form"]["employer"], 2)
        self.assertEqual(years[2]["by_form"]["stall"], 1)
        # the years sum to the period, form by form
        self.assertEqual(sum(y["persons"] for y in years), e["persons"])
        for f, n in e["by_form"].items():
            self.assertEqual(sum(y["by_form"][f] for y in years), n, f)

    def test_a_year_alone_and_a_record_before_it(self):
        # 2023 alone: a3's first record in it is its hire (employer), d1's
        # farming, g1's and e1's hires: 4 persons, employer 3, farming 1
        e = self.plan(**{"from": "2023-01-01", "to": "2023-12-31"})[
            "employment"]
        self.assertEqual(e["persons"], 4)
        self.assertEqual((e["by_form"]["employer"], e["by_form"]["farming"]),
                         (3, 1))
        self.assertEqual(len(e["by_year"]), 1)
        # 2024-07-01 alone: u1
        e = self.plan(**{"from": "2024-07-01", "to": "2024-07-01"})[
            "employment"]
        self.assertEqual((e["persons"], e["by_form"]["public_welfare"]),
                         (1, 1))

    def test_training_persons(self):
        t = self.plan()["training"]
        # a2 2022-07-01 (2022); b1 first in the period 2023-04-01 (2023;
        # 2022-05-01 is before it); b3 2024-06-30 (2024); u2's is after
        self.assertEqual((t["trained"], t["target"]), (3, 60))
        self.assertEqual([(y["year"], y["trained"]) for y in t["by_year"]],
                         [(2022, 1), (2023, 1), (2024, 1)])

    def test_four_ones_bases(self):
        sv = self.plan()["services"]
        # 13 registered (d1 deleted); u1 and u2 apart; working age: a2
        # a3 b1 b3 f16 g1 e1
        self.assertEqual((sv["seekers"], sv["age_unknown"],
                          sv["working_age"], sv["age_year"]),
                         (13, 2, 7, 2024))
        # info check over working age not employed: a2 b1 b3 f16; given
        # by the end: a2 b1 f16 (b3's is after)
        self.assertEqual(sv["info_checked"],
                         {"base": 4, "count": 3, "coverage": 0.75})
        # the other three over working age seeking: a2 b1 f16
        self.assertEqual(sv["assessed"]["base"], 3)
        self.assertEqual(sv["assessed"]["count"], 2)    # a2 b1
        self.assertEqual(sv["registered"]["count"], 1)  # b1
        self.assertEqual(sv["served"]["count"], 1)      # b1
        self.assertEqual(sv["all_four"]["base"], 3)
        self.assertEqual(sv["all_four"]["count"], 1)    # b1
        self.assertAlmostEqual(sv["all_four"]["coverage"], 1 / 3)

    def test_working_age_is_configurable(self):
        env = h.Env(extra=["working_age_male 16-60",
                           "working_age_female 16-55"])
        self.addCleanup(env.stop)
        st = env.daemon.client(h.STAFF)
        self.addCleanup(st.close)
        for s in SEEKERS:
            st.result("seeker.put", {"seeker": s})
        sv = st.result("stats.plan", {"to": TO})["services"]
        # a1 (60) and b2 (55) join the working age; d1 is not deleted
        # here (male, 44); no hires, so a3, g1, e1 and d1 are seeking:
        # working age a1 a2 a3 b1 b2 b3 f16 g1 e1 d1 = 10, all in the
        # information check's base; given by the end: a1 a2 a3 b1 f16
        self.assertEqual(sv["working_age"], 10)
        self.assertEqual(sv["info_checked"], {"base": 10, "count": 5,
                                              "coverage": 0.5})
        # seeking base: the same less b3 = 9; all four: b1 a1
        self.assertEqual((sv["all_four"]["base"], sv["all_four"]["count"]),
                         (9, 2))

    def test_a_deleted_seeker_is_still_one_person(self):
        rows = self.staff.result("employment.list", {})["employments"]
        self.assertEqual(len(rows), 10)
        d1 = [x for x in rows if x["id"] in (self.rec["d1-sh"]["id"],
                                             self.rec["d1-farm"]["id"])]
        self.assertEqual(len(d1), 2)
        for x in d1:
            self.assertIsNone(x["seeker_id"])
        # both carry the same anonymous person number
        self.assertEqual(d1[0]["person"], d1[1]["person"])
        fu = self.staff.result("followup.list", {})["followups"]
        gone = [x for x in fu if x["id"] == self.rec["fu-d1"]["id"]][0]
        self.assertIsNone(gone["seeker_id"])
        self.assertNotIn("note", gone)
        # and no key or value in Redis names d1 any more
        self.assertNotIn(b"d1", self.dump())

    # -- employment.record / employment.list -------------------------------

    def test_record_is_idempotent_and_placement_records_employer(self):
        st = self.staff
        again = st.result("employment.record", {
            "seeker_id": "a3", "form": "self_employed",
            "date": "2022-07-01", "note": "another note"})
        self.assertEqual(again, {"id": self.rec["a3-self"]["id"],
                                 "created": False})
        # e1's hire found e1's record: one employer record of e1
        rows = st.result("employment.list", {"seeker_id": "e1"})[
            "employments"]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["job_id"], "j3")
        # a3's hire made one, with its placement's id
        rows = st.result("employment.list", {"seeker_id": "a3",
                                             "form": "employer"})
        x = rows["employments"]
        self.assertEqual(len(x), 1)
        self.assertEqual((x[0]["date"], x[0]["employer_id"], x[0]["job_id"],
                          x[0]["placement_id"]),
                         ("2023-05-05", "emp1", "j1",
                          self.rec["a3-hire"]["id"]))
        self.assertEqual(x[0]["graduate"], False)
        g1 = st.result("employment.list", {"seeker_id": "g1"})["employments"]
        self.assertEqual([(y["form"], y["graduate"]) for y in g1],
                         [("employer", True), ("flexible", True)])
        a3 = st.result("employment.list", {"seeker_id": "a3"})[
            "employments"]
        self.assertEqual([y["form"] for y in a3],
                         ["farming", "self_employed", "employer"])
        self.assertEqual(a3[1]["note"], "自己开的盲人按摩店")
        # by period, and paged
        r = st.result("employment.list", {"from": FROM, "to": "2022-12-31"})
        self.assertEqual([y["form"] for y in r["employments"]],
                         ["self_employed", "sheltered"])
        r = st.result("employment.list", {"limit": 6})
        self.assertEqual(len(r["employments"]), 6)
        r = st.result("employment.list", {"limit": 6,
                                          "cursor": r["next_cursor"]})
        self.assertEqual(len(r["employments"]), 4)
        self.assertIsNone(r["next_cursor"])

    def test_employment_refusals(self):
        st = self.staff
        base = {"seeker_id": "a2", "form": "flexible", "date": "2024-01-01"}

        def bad(code, field=None, **kw):
            p = dict(base)
            p.update(kw)
            p = {k: v for k, v in p.items() if v is not None}
            e = st.error("employment.record", p, code=code)
            if field:
                self.assertEqual(e["data"]["field"], field)
        bad(-32602, "seeker_id", seeker_id=None)
        bad(-32602, "form", form=None)
        bad(-32602, "form", form="farm")
        bad(-32602, "date", date=None)
        bad(-32602, "date", date="2024-02-30")
        bad(-32602, "employer_id", job_id="j1")
        bad(-32602, "note", note="x" * 2001)
        bad(-32602, None, extra=1)
        bad(-32002, "seeker_id", seeker_id="nobody")
        bad(-32002, "employer_id", employer_id="nobody")
        bad(-32002, "job_id", employer_id="emp1", job_id="jx")
        for p in ({"form": "x"}, {"from": "2024-01-01", "to": "2023-01-01"},
                  {"limit": 0}, {"limit": 1001}, {"cursor": "x"},
                  {"seeker_id": 3}, {"outcome": "in_work"}):
            st.error("employment.list", p, code=-32602)
        # nothing of a2 was written
        self.assertEqual(st.result("employment.list", {"seeker_id": "a2"})[
            "employments"], [])

    # -- follow-ups -------------------------------------------------------

    def test_followup_due_at_the_interval_edge(self):
        st = self.staff
        # in work: a3 (latest employment 2023-05-05, follow-up
        # 2023-08-03), g1 (2023-02-01 up to 2024-01-09, no follow-up), e1
        # (2023-03-03, follow-up 2023-10-01); b1 is recorded in a stall
        # but still seeking: never due.
        # 2023-11-01 is 90 days after 2023-08-03: a3 not yet due
        r = st.result("followup.due", {"date": "2023-11-01"})
        self.assertEqual((r["date"], r["interval_days"]),
                         ("2023-11-01", 90))
        self.assertEqual([x["seeker_id"] for x in r["due"]], ["g1"])
        # 2023-11-02, 91 days: due; g1 due since 2023-02-01 + 91
        r = st.result("followup.due", {"date": "2023-11-02"})
        self.assertEqual(r["total"], 2)
        g1, a3 = r["due"]
        self.assertEqual((g1["seeker_id"], g1["due_since"],
                          g1["days_since"], g1["last_followup"]),
                         ("g1", "2023-05-03", 274, None))
        self.assertEqual(g1["employed"], {"date": "2023-02-01",
                                          "form": "employer"})
        self.assertEqual((a3["seeker_id"], a3["due_since"],
                          a3["days_since"], a3["last_followup"]),
                         ("a3", "2023-11-02", 91, "2023-08-03"))
        # paged
        r = st.result("followup.due", {"date": "2023-11-02", "limit": 1})
        self.assertEqual([x["seeker_id"] for x in r["due"]], ["g1"])
        r = st.result("followup.due", {"date": "2023-11-02", "limit": 1,
                                       "cursor": r["next_cursor"]})
        self.assertEqual([x["seeker_id"] for x in r["due"]], ["a3"])
        self.assertIsNone(r["next_cursor"])

    def test_followup_record_and_list(self):
        st = self.staff
        again = st.result("followup.record", {
            "seeker_id": "a3", "date": "2023-08-03", "outcome": "in_work"})
        self.assertEqual(again, {"id": self.rec["fu-a3"]["id"],
                                 "created": False})
        r = st.result("followup.list", {"seeker_id": "e1"})["followups"]
        self.assertEqual(len(r), 1)
        self.assertEqual((r[0]["date"], r[0]["outcome"], r[0]["note"]),
                         ("2023-10-01", "at_risk", "回访记录 e1"))
        r = st.result("followup.list", {"outcome": "in_work"})["followups"]
        self.assertEqual([x["date"] for x in r], ["2023-02-01",
                                                  "2023-08-03"])
        for p in ({"seeker_id": "a3", "date": "2023-08-03"},
                  {"seeker_id": "a3", "date": "2023-08-03",
                   "outcome": "fine"},
                  {"seeker_id": "a3", "outcome": "in_work"},
                  {"date": "2023-08-03", "outcome": "in_work"},
                  {"seeker_id": "a3", "date": "2023-08-03",
                   "outcome": "in_work", "note": "x" * 2001}):
            st.error("followup.record", p, code=-32602)
        e = st.error("followup.record", {"seeker_id": "nobody",
                                         "date": "2023-08-03",
                                         "outcome": "in_work"}, code=-32002)
        self.assertEqual(e["data"]["field"], "seeker_id")
        for m in ("followup.due", "subsidy.window"):
            for p in ({"date": "2023-13-01"}, {"limit": 0}, {"cursor": "x"},
                      {"from": "2023-01-01"}):
                st.error(m, p, code=-32602)

    def test_subsidy_window_edges(self):
        st = self.staff

        def ids(date):
            r = st.result("subsidy.window", {"date": date})
            self.assertEqual(r["window_days"], 365)
            return [(x["seeker_id"], x["employed"]["date"],
                     x["window_ends"]) for x in r["seekers"]]
        # low income: b1, g1, e1. e1 from 2023-03-03: its window's last
        # day is 2023-03-03 + 364 = 2024-03-01 (2024 is a leap year)
        self.assertEqual(ids("2023-03-02"),
                         [("g1", "2023-02-01", "2024-01-31")])
        self.assertEqual(ids("2023-03-03"),
                         [("g1", "2023-02-01", "2024-01-31"),
                          ("e1", "2023-03-03", "2024-03-01")])
        # on 2024-03-01 g1's latest employment is 2024-01-10 (window to
        # 2025-01-08); e1 on its last day
        self.assertEqual(ids("2024-03-01"),
                         [("e1", "2023-03-03", "2024-03-01"),
                          ("g1", "2024-01-10", "2025-01-08")])
        self.assertEqual(ids("2024-03-02"),
                         [("g1", "2024-01-10", "2025-01-08")])
        self.assertEqual(ids("2024-06-30"),
                         [("g1", "2024-01-10", "2025-01-08"),
                          ("b1", "2024-06-30", "2025-06-29")])

    # -- roles ------------------------------------------------------------

    def test_staff_only(self):
        kiosk = self.env.daemon.client(h.KIOSK)
        self.addCleanup(kiosk.close)
        emp = self.env.daemon.client(h.EMP_A)
        self.addCleanup(emp.close)
        for m in ("employment.record", "employment.list", "followup.record",
                  "followup.list", "followup.due", "subsidy.window"):
            kiosk.error(m, {}, code=-32001)
            emp.error(m, {}, code=-32001)

    def test_seeker_birth_year_and_sex(self):
        st = self.staff
        g = st.result("seeker.get", {"id": "b1"})
        self.assertEqual((g["birth_year"], g["sex"]), (1970, "female"))
        self.assertNotIn("sex", st.result("seeker.get", {"id": "u2"}))
        for bad in ({"birth_year": 1899}, {"birth_year": 9999},
                    {"birth_year": "1980"}, {"sex": "m"}, {"sex": 1}):
            e = st.error("seeker.put", {"seeker": seeker("zz", **bad)},
                         code=-32602)
            self.assertEqual(e["data"]["field"],
                             "seeker." + list(bad)[0])

    def dump(self):
        out = []
        red = self.env.redis
        for key in red.cmd("KEYS", "*"):
            out.append(key)
            t = red.cmd("TYPE", key)
            t = t.decode() if isinstance(t, bytes) else t
            if t == "hash":
                out.extend(red.cmd("HGETALL", key))
            elif t == "zset":
                out.extend(red.cmd("ZRANGE", key, 0, -1))
            elif t == "string":
                out.append(red.cmd("GET", key))
        return b"\n".join(x if isinstance(x, bytes) else str(x).encode()
                          for x in out)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_report.py - jobmatch report on the sample data, loaded as run.sh
loads it (employers, jobs, seekers, employment, follow-ups, fairs): the
2024 annual report (--year 2024) and the plan's 2022-2024 summary (--plan)
give exactly the figures docs/plan.md ("The 2024 annual report") shows,
worked out there by hand from data/*.jsonl; any period (--from, --to);
the follow-up lists by seeker id, without names; the options' errors.
"""
import csv
import io
import json
import os
import unittest

import harness as h

# run.sh's order
SAMPLE = ("employers.jsonl", "jobs.jsonl", "seekers.jsonl",
          "employment.jsonl", "followups.jsonl", "fairs.jsonl")

# docs/plan.md, "The 2024 annual report": (section, key) -> value, as the
# CSV of `jobmatch report --year 2024` writes them
YEAR_2024 = {
    ("report", "year"): "2024",
    ("report", "from"): "2024-01-01",
    ("report", "to"): "2024-12-31",
    ("period", "from"): "2022-01-01",
    ("period", "to"): "2024-12-31",
    # s-0017 flexible (2024-02-20), s-0018 stall, s-0019 farming
    ("employment", "persons"): "3",
    ("employment", "target"): "300",
    ("employment", "progress"): "0.01",
    ("employment", "graduates"): "0",
    ("employment", "hires"): "0",
    ("employment.by_form", "employer"): "0",
    ("employment.by_form", "public_welfare"): "0",
    ("employment.by_form", "sheltered"): "0",
    ("employment.by_form", "self_employed"): "0",
    ("employment.by_form", "flexible"): "1",
    ("employment.by_form", "farming"): "1",
    ("employment.by_form", "stall"): "1",
    ("employment.by_year.2024", "persons"): "3",
    # s-0001, s-0002, s-0006, s-0007, s-0011
    ("training", "trained"): "5",
    ("training", "target"): "60",
    ("training.by_year.2024", "trained"): "5",
    # 21 seekers: s-0012 has no birth year; s-0008, s-0010, s-0019 are
    # past working age; the ten not in work are all seeking
    ("services", "seekers"): "21",
    ("services", "working_age"): "17",
    ("services", "age_unknown"): "1",
    ("services", "age_year"): "2024",
    ("services.info_checked", "base"): "10",
    ("services.info_checked", "count"): "9",
    ("services.info_checked", "coverage"): "0.9",
    ("services.assessed", "base"): "10",
    ("services.assessed", "count"): "7",
    ("services.registered", "count"): "5",
    ("services.served", "count"): "4",
    ("services.all_four", "base"): "10",
    ("services.all_four", "count"): "4",
    ("services.all_four", "coverage"): "0.4",
    ("graduates", "registered"): "4",
    ("graduates", "employed"): "1",
    ("graduates", "with_plan"): "2",
    ("employers", "registered"): "25",
    ("employers", "with_figures"): "25",
    ("employers", "below_quota"): "1",
    ("employers", "at_least_one_unmet"): "0",
    ("employers", "overstated"): "0",
    # 1860 x 1.5% = 27.9 required; 14 declared, 2 of them severe: 16
    ("employers_below_quota.dj-hospital", "required"): "27.9",
    ("employers_below_quota.dj-hospital", "actual"): "16",
    ("employers_below_quota.dj-hospital", "shortfall"): "11.9",
    # 11.9 x 105000 = 1249500, the 90% tier (below 1%): 1124550
    ("employers_below_quota.dj-hospital", "due"): "1124550",
    ("followup_due", "date"): "2024-12-31",
    ("followup_due", "interval_days"): "90",
    ("followup_due", "total"): "4",
    ("followup_due.persons", "s-0020"): "2023-07-31",
    ("followup_due.persons", "s-0014"): "2024-09-29",
    ("followup_due.persons", "s-0018"): "2024-10-04",
    ("followup_due.persons", "s-0017"): "2024-12-01",
    ("subsidy_window", "date"): "2024-12-31",
    ("subsidy_window", "window_days"): "365",
    ("subsidy_window", "total"): "2",
    ("subsidy_window.persons", "s-0018"): "2025-03-31",
    ("subsidy_window.persons", "s-0019"): "2025-10-09",
}

# docs/plan.md: the plan's 2022-2024 summary, `jobmatch report --plan`
PLAN = {
    ("report", "from"): "2022-01-01",
    ("report", "to"): "2024-12-31",
    ("employment", "persons"): "8",
    ("employment", "graduates"): "1",
    ("employment.by_form", "employer"): "1",
    ("employment.by_form", "public_welfare"): "0",
    ("employment.by_form", "sheltered"): "1",
    ("employment.by_form", "self_employed"): "1",
    ("employment.by_form", "flexible"): "2",
    ("employment.by_form", "farming"): "2",
    ("employment.by_form", "stall"): "1",
    ("employment.by_year.2022", "persons"): "3",
    ("employment.by_year.2023", "persons"): "2",
    ("employment.by_year.2024", "persons"): "3",
    ("employment.by_year.2022.by_form", "flexible"): "1",
    ("employment.by_year.2022.by_form", "self_employed"): "1",
    ("employment.by_year.2022.by_form", "farming"): "1",
    ("employment.by_year.2023.by_form", "employer"): "1",
    ("employment.by_year.2023.by_form", "sheltered"): "1",
    ("training", "trained"): "7",
    ("training.by_year.2022", "trained"): "1",
    ("training.by_year.2023", "trained"): "1",
    ("training.by_year.2024", "trained"): "5",
    ("followup_due", "total"): "4",
    ("subsidy_window", "total"): "2",
}


def doc_excerpts():
    """The CSV excerpts of docs/plan.md's "The 2024 annual report": the
    first under "### The report for 2024", the second under "### The
    plan's 2022-2024 summary", each a list of [section, key, value]."""
    with open(os.path.join(h.SOURCE_DIR, "docs", "plan.md"),
              encoding="utf-8") as f:
        text = f.read()
    text = text[text.index("## The 2024 annual report"):]
    blocks = []
    for part in text.split("```csv\n")[1:]:
        blocks.append(list(csv.reader(io.StringIO(part.split("```")[0]))))
    return blocks


def rows(text):
    r = list(csv.reader(io.StringIO(text)))
    return r[0], {(x[0], x[1]): x[2] for x in r[1:]}, r[1:]


class SampleReportTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        for name in SAMPLE:
            path = os.path.join(h.DATA_DIR, name)
            r = h.run_jobmatch(["load", path], token=h.STAFF,
                               addr=cls.env.daemon.addr)
            if r.returncode != 0 or " 0 failed" not in r.stdout:
                raise AssertionError("load %s: %s %s" % (name, r.stdout,
                                                         r.stderr))

    def report(self, *args, code=0):
        r = h.run_jobmatch(["report"] + list(args), token=h.STAFF,
                           addr=self.env.daemon.addr)
        self.assertEqual(r.returncode, code, r.stderr)
        return r.stdout

    def check(self, got, want):
        for k, v in want.items():
            self.assertEqual(got.get(k), v, k)

    def test_annual_report_2024(self):
        head, got, _ = rows(self.report("--year", "2024"))
        self.assertEqual(head, ["section", "key", "value"])
        self.check(got, YEAR_2024)
        # one row a person in the follow-up lists, in their order
        _, _, all_rows = rows(self.report("--year", "2024"))
        self.assertEqual([r[1] for r in all_rows
                          if r[0] == "followup_due.persons"],
                         ["s-0020", "s-0014", "s-0018", "s-0017"])
        self.assertEqual([r[1] for r in all_rows
                          if r[0] == "subsidy_window.persons"],
                         ["s-0018", "s-0019"])

    def test_annual_report_2024_json(self):
        doc = json.loads(self.report("--year", "2024", "--format", "json"))
        self.assertEqual((doc["year"], doc["from"], doc["to"]),
                         (2024, "2024-01-01", "2024-12-31"))
        e = doc["plan"]["employment"]
        self.assertEqual((e["persons"], e["by_form"]["stall"]), (3, 1))
        sv = doc["plan"]["services"]
        self.assertEqual((sv["age_unknown"], sv["info_checked"]["base"],
                          sv["assessed"]["count"]), (1, 10, 7))
        self.assertEqual([x["id"] for x in doc["employers_below_quota"]],
                         ["dj-hospital"])
        due = doc["followup_due"]
        self.assertEqual((due["date"], due["interval_days"], due["total"]),
                         ("2024-12-31", 90, 4))
        self.assertEqual(due["due"][3], {
            "seeker_id": "s-0017", "employed": {"date": "2024-09-01",
                                                "form": "employer"},
            "last_followup": None, "days_since": 121,
            "due_since": "2024-12-01"})
        sub = doc["subsidy_window"]
        self.assertEqual((sub["window_days"], sub["total"]), (365, 2))
        self.assertEqual([(x["seeker_id"], x["employed"]["form"],
                           x["window_ends"]) for x in sub["seekers"]],
                         [("s-0018", "stall", "2025-03-31"),
                          ("s-0019", "farming", "2025-10-09")])
        # by seeker id: no names in the lists
        for x in due["due"] + sub["seekers"]:
            self.assertNotIn("name", x)

    def test_plan_summary(self):
        _, got, _ = rows(self.report("--plan"))
        self.check(got, PLAN)
        self.assertNotIn(("report", "year"), got)
        doc = json.loads(self.report("--plan", "--format", "json"))
        self.assertEqual((doc["from"], doc["to"]),
                         ("2022-01-01", "2024-12-31"))
        self.assertNotIn("year", doc)
        self.assertEqual([(y["year"], y["persons"]) for y in
                          doc["plan"]["employment"]["by_year"]],
                         [(2022, 3), (2023, 2), (2024, 3)])
        self.assertEqual([(y["year"], y["trained"]) for y in
                          doc["plan"]["training"]["by_year"]],
                         [(2022, 1), (2023, 1), (2024, 5)])

    def test_any_period_and_follow_up_date(self):
        # the first half of 2024: s-0017 (flexible 2024-02-20) and s-0018
        # (stall 2024-04-01); s-0019's farming (2024-10-10) is after it.
        # Follow-ups on its last day, 2024-06-30 (interval 90; a visit
        # after that day does not count): s-0013 (employed 2022-05-10, its
        # visit is of 2024-11-20: due since 2022-08-09), s-0020 (visit
        # 2023-05-01: 2023-07-31), s-0016 (employed 2023-08-01:
        # 2023-10-31), s-0015 (visit 2023-09-10: 2023-12-10), s-0017
        # (employed 2024-02-20, never visited: 2024-05-21, 2024 being a
        # leap year); not s-0014 (visited that day) nor s-0018 (employed
        # 90 days before: not more than 90). Subsidy window (365 days):
        # s-0018 only; s-0013's and s-0014's work began before 2023-07-02.
        _, got, all_rows = rows(self.report("--from", "2024-01-01", "--to",
                                            "2024-06-30"))
        self.check(got, {("report", "from"): "2024-01-01",
                         ("report", "to"): "2024-06-30",
                         ("employment", "persons"): "2",
                         ("employment.by_form", "flexible"): "1",
                         ("employment.by_form", "stall"): "1",
                         ("employment.by_year.2024", "to"): "2024-06-30",
                         ("followup_due", "date"): "2024-06-30",
                         ("followup_due", "total"): "5",
                         ("subsidy_window", "date"): "2024-06-30",
                         ("subsidy_window", "total"): "1",
                         ("subsidy_window.persons", "s-0018"):
                         "2025-03-31"})
        self.assertEqual([(r[1], r[2]) for r in all_rows
                          if r[0] == "followup_due.persons"],
                         [("s-0013", "2022-08-09"), ("s-0020", "2023-07-31"),
                          ("s-0016", "2023-10-31"), ("s-0015", "2023-12-10"),
                          ("s-0017", "2024-05-21")])
        # --date moves the follow-up lists only
        _, got, _ = rows(self.report("--from", "2024-01-01", "--to",
                                     "2024-06-30", "--date", "2024-12-31"))
        self.assertEqual(got[("employment", "persons")], "2")
        self.assertEqual(got[("followup_due", "date")], "2024-12-31")
        self.assertEqual(got[("followup_due", "total")], "4")
        self.assertEqual(got[("subsidy_window.persons", "s-0019")],
                         "2025-10-09")

    def test_docs_show_the_report_as_run(self):
        # docs/plan.md pastes the report's rows: each must be the report's
        year, plan = doc_excerpts()
        for excerpt, args in ((year, ["--year", "2024"]),
                              (plan, ["--plan"])):
            _, _, got = rows(self.report(*args))
            self.assertEqual(excerpt[0], ["section", "key", "value"])
            self.assertGreater(len(excerpt), 20)
            for r in excerpt[1:]:
                self.assertIn(r, got, args)
            # in the report's order
            self.assertEqual([r for r in got if r in excerpt[1:]],
                             excerpt[1:], args)

    def test_bad_options(self):
        for args in (["--from", "2024-01-01"],            # no --to
                     ["--to", "2024-06-30"],              # alone
                     ["--plan", "--year", "2024"],        # two kinds
                     ["--plan", "--to", "2024-06-30"],
                     ["--fair", "f", "--date", "2024-12-31"]):
            r = h.run_jobmatch(["report"] + args, token=h.STAFF,
                               addr=self.env.daemon.addr)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertEqual(r.stdout, "", args)
        # the daemon checks the dates: a clear error, nothing written
        for args in (["--from", "2024-06-30", "--to", "2024-01-01"],
                     ["--from", "2024-13-01", "--to", "2024-12-31"],
                     ["--plan", "--date", "31/12/2024"]):
            r = h.run_jobmatch(["report"] + args, token=h.STAFF,
                               addr=self.env.daemon.addr)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertEqual(r.stdout, "", args)
            self.assertNotEqual(r.stderr, "", args)
        # a kiosk may not read the plan
        r = h.run_jobmatch(["report", "--plan"], token=h.KIOSK,
                           addr=self.env.daemon.addr)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stdout, "")

    def test_no_roster_no_roster_checks(self):
        # the sample's employers keep no roster: nothing is overstated
        _, got, _ = rows(self.report("--year", "2024"))
        self.assertEqual(got[("employers", "overstated")], "0")
        self.assertFalse([k for k in got
                          if k[0].startswith("employers_overstated")])
        doc = json.loads(self.report("--plan", "--format", "json"))
        self.assertEqual(doc["employers_overstated"], [])


def roster_entry(**kw):
    x = {"certificate": "disability", "grade": 3, "on_establishment": False,
         "contract_start": "2024-01-01", "contract_months": 12,
         "monthly_wage": 2100, "insurance_paid": True}
    x.update(kw)
    return {k: v for k, v in x.items() if v is not None}


class RosterChecksTest(unittest.TestCase):
    """The report's roster checks: employers whose declared number exceeds
    what their roster supports on the period's last day (employer.list
    {overstated: true}), worked out by hand (quota_min_wage 2100)."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        st = cls.env.daemon.client(h.STAFF)
        cls.addClassCleanup(st.close)

        def put(id, disabled, severe, roster):
            e = {"id": id, "name": "单位 " + id, "type": "private",
                 "town": "500231001000", "headcount": 300,
                 "avg_annual_salary": 60000, "disabled_employees": disabled}
            if severe is not None:
                e["severe_disabled_employees"] = severe
            st.result("employer.put", {"employer": e})
            if roster is not None:
                st.result("employer.roster.put", {"employer_id": id,
                                                  "entries": roster})
        # over: declares 4, one severe (5 weighted); its roster: A grade 2
        # on a 36-month contract (2 weighted), B grade 3 (1), C paid 2099,
        # under the minimum wage (0): counted 2, weighted 3 < 5
        put("over", 4, 1, [
            roster_entry(grade=2, contract_start="2023-03-01",
                         contract_months=36, monthly_wage=2500),
            roster_entry(),
            roster_entry(monthly_wage=2099)])
        # honest: declares 2, roster one grade 1 on the establishment: 2
        put("honest", 1, 1, [roster_entry(
            grade=1, on_establishment=True, contract_start=None,
            contract_months=None)])
        # over-late: declares 1 (no severe given); its one entry's 12-month
        # contract from 2023-01-01 ended 2023-12-31: 0 on 2024-12-31, but
        # it still ran on 2023-12-31
        put("over-late", 1, None, [roster_entry(contract_start="2023-01-01")])
        # no roster: nothing to check the declaration against
        put("declared", 9, 0, None)

    def report(self, *args):
        r = h.run_jobmatch(["report"] + list(args), token=h.STAFF,
                           addr=self.env.daemon.addr)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_roster_checks(self):
        _, got, _ = rows(self.report("--year", "2024"))
        self.assertEqual(got[("employers", "overstated")], "2")
        over = {k: v for k, v in got.items()
                if k[0].startswith("employers_overstated.")}
        self.assertEqual(over, {
            ("employers_overstated.over", "name"): "单位 over",
            ("employers_overstated.over", "type"): "private",
            ("employers_overstated.over", "disabled_employees"): "4",
            ("employers_overstated.over", "severe_disabled_employees"): "1",
            ("employers_overstated.over", "roster_entries"): "3",
            ("employers_overstated.over", "roster_counted"): "2",
            ("employers_overstated.over", "roster_weighted"): "3",
            ("employers_overstated.over-late", "name"): "单位 over-late",
            ("employers_overstated.over-late", "type"): "private",
            ("employers_overstated.over-late", "disabled_employees"): "1",
            ("employers_overstated.over-late",
             "severe_disabled_employees"): "",
            ("employers_overstated.over-late", "roster_entries"): "1",
            ("employers_overstated.over-late", "roster_counted"): "0",
            ("employers_overstated.over-late", "roster_weighted"): "0"})
        # on 2023-12-31 over-late's contract still ran (1, as declared);
        # over's B has not begun (2024-01-01): A alone, 2 weighted < 5
        doc = json.loads(self.report("--year", "2023", "--format", "json"))
        self.assertEqual([e["id"] for e in doc["employers_overstated"]],
                         ["over"])
        self.assertEqual(doc["employers_overstated"][0]["roster"],
                         {"entries": 3, "counted": 1, "weighted": 2})


if __name__ == "__main__":
    h.main()

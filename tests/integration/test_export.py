# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_export.py - the per-person export: seeker.export (staff only) and
jobmatch export persons. Two daemons share one Redis: A keeps the default
export_personal no (names and certificate numbers left out), B says yes.
Each page writes an audit line (rows, personal yes/no) and never the data.
The period selects the employment started in it, the services given by
its end and the courses taken in it (worked out by hand below); the CSV
quotes what needs quoting and defuses what a spreadsheet would run.
"""
import csv
import io
import os
import re
import stat
import unittest

import harness as h

GUIXI = h.GUIXI
XINMIN = "500231101000"

NAME_A = "张三ZQX"
CERT_A = "51023119800101123X42"
# a name a spreadsheet would take for a formula, with a comma and a quote
NAME_C = '=HYPERLINK("x"),王"五'
CERT_C = "51023119900202456743"

SEEKERS = [
    {"id": "p-a", "name": NAME_A, "certificate_no": CERT_A,
     "disability": {"type": "physical", "grade": 2}, "town": GUIXI,
     "flags": ["low_income", "rural"], "status": "employed",
     "employed_since": "2024-03-01", "sex": "female", "birth_year": 1985,
     "services": {"info_checked": "2022-05-01", "assessed": "2023-02-01",
                  "registered": "2023-02-01", "served": "2024-06-01"},
     "training": [{"course": "电商客服, 初级", "date": "2023-04-10"},
                  {"course": '盲人"推拿"', "date": "2024-07-01"}]},
    # no name, no certificate number, nothing in any period
    {"id": "p-b", "disability": {"type": "visual", "grade": 1},
     "town": XINMIN},
    {"id": "p-c", "name": NAME_C, "certificate_no": CERT_C,
     "disability": {"type": "hearing", "grade": 4}, "town": XINMIN,
     "status": "employed", "employed_since": "2022-09-15",
     "services": {"info_checked": "2024-12-31"}},
]

COLUMNS = ["seeker_id", "name", "certificate_no", "disability_type",
           "disability_grade", "town", "town_name", "sex", "birth_year",
           "status", "employment_form", "employment_date", "info_checked",
           "assessed", "registered", "served", "courses", "flags"]


class ExportTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.a = h.Daemon(cls.redis.port)
        cls.addClassCleanup(cls.a.cleanup)
        cls.a.start()
        cls.b = h.Daemon(cls.redis.port, extra=["export_personal yes"])
        cls.addClassCleanup(cls.b.cleanup)
        cls.b.start()
        cls.sa = cls.a.client(h.STAFF)
        cls.addClassCleanup(cls.sa.close)
        cls.sb = cls.b.client(h.STAFF)
        cls.addClassCleanup(cls.sb.close)
        for s in SEEKERS:
            cls.sa.result("seeker.put", {"seeker": s})
        # p-a's records: the CLI's CSV gives the latest in the period
        for form, date in (("flexible", "2023-01-10"),
                           ("self_employed", "2024-03-01")):
            cls.sa.result("employment.record", {
                "seeker_id": "p-a", "form": form, "date": date})
        h.wait_until(lambda: cls.sb.result("seeker.export", {})["total"] ==
                     len(SEEKERS), what="B's mirror holds the seekers")

    def export(self, client, **params):
        rows, cursor = [], None
        while True:
            p = dict(params)
            if cursor:
                p["cursor"] = cursor
            r = client.result("seeker.export", p)
            rows += r["rows"]
            cursor = r["next_cursor"]
            if cursor is None:
                return r, rows

    def audits(self, d):
        return re.findall(r"audit: (seeker\.export .*)$", d.log_text(), re.M)

    def test_roles(self):
        for tok in (h.KIOSK, h.EMP_A):
            with self.a.client(tok) as c:
                c.error("seeker.export", {}, h.UNAUTHORIZED)
        r = h.run_jobmatch(["export", "persons"], token=h.KIOSK,
                           addr=self.a.addr)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stdout, "")

    def test_personal_off_and_on(self):
        r, rows = self.export(self.sa)
        self.assertFalse(r["personal"])
        self.assertEqual([x["seeker_id"] for x in rows], ["p-a", "p-b", "p-c"])
        for x in rows:
            self.assertNotIn("name", x)
            self.assertNotIn("certificate_no", x)
        r, rows = self.export(self.sb)
        self.assertTrue(r["personal"])
        got = {x["seeker_id"]: (x["name"], x["certificate_no"])
               for x in rows}
        self.assertEqual(got, {"p-a": (NAME_A, CERT_A), "p-b": (None, None),
                               "p-c": (NAME_C, CERT_C)})

    def test_rows_all_time(self):
        r, rows = self.export(self.sa)
        self.assertEqual(r["period"], {"from": None, "to": None})
        self.assertEqual(r["total"], 3)
        a = rows[0]
        self.assertEqual(a, {
            "seeker_id": "p-a", "disability_type": "physical",
            "disability_grade": 2, "town": GUIXI, "town_name": "桂溪街道",
            "sex": "female", "birth_year": 1985, "status": "employed",
            "employment_form": None, "employment_date": "2024-03-01",
            "info_checked": "2022-05-01", "assessed": "2023-02-01",
            "registered": "2023-02-01", "served": "2024-06-01",
            "courses": [{"course": "电商客服, 初级", "date": "2023-04-10"},
                        {"course": '盲人"推拿"', "date": "2024-07-01"}],
            "flags": ["low_income", "rural"]})
        b = rows[1]
        self.assertEqual((b["status"], b["employment_date"], b["courses"],
                          b["info_checked"], b["flags"]),
                         ("seeking", None, [], None, []))

    def test_period(self):
        # 2023: p-a's employment (2024-03-01) is not in it, its services
        # by 2023-12-31 are info_checked, assessed, registered (served came
        # in 2024), one course (2023-04-10); p-c's employment (2022) is
        # not in it, its info check (2024-12-31) not yet given
        r, rows = self.export(self.sa, **{"from": "2023-01-01",
                                          "to": "2023-12-31"})
        self.assertEqual(r["period"], {"from": "2023-01-01",
                                       "to": "2023-12-31"})
        a, c = rows[0], rows[2]
        self.assertEqual((a["employment_date"], a["info_checked"],
                          a["assessed"], a["registered"], a["served"]),
                         (None, "2022-05-01", "2023-02-01", "2023-02-01",
                          None))
        self.assertEqual([x["date"] for x in a["courses"]], ["2023-04-10"])
        self.assertEqual((c["employment_date"], c["info_checked"]),
                         (None, None))
        # 2022-2024: both employments, every service, both courses
        r, rows = self.export(self.sa, **{"from": "2022-01-01",
                                          "to": "2024-12-31"})
        self.assertEqual([x["employment_date"] for x in rows],
                         ["2024-03-01", None, "2022-09-15"])
        self.assertEqual(rows[2]["info_checked"], "2024-12-31")
        self.assertEqual(len(rows[0]["courses"]), 2)
        for bad, field in (({"from": "2024-02-01", "to": "2024-01-01"}, "to"),
                           ({"from": "2024-13-01"}, "from"),
                           ({"limit": 0}, "limit"), ({"limit": 1001}, "limit"),
                           ({"cursor": "x"}, "cursor"), ({"who": 1}, "who")):
            e = self.sa.error("seeker.export", bad, h.INVALID_PARAMS)
            self.assertEqual(e["data"]["field"], field, bad)

    def test_paging_and_audit(self):
        before = len(self.audits(self.a))
        r = self.sa.result("seeker.export", {"limit": 2})
        self.assertEqual((len(r["rows"]), r["total"]), (2, 3))
        r2 = self.sa.result("seeker.export", {"limit": 2,
                                              "cursor": r["next_cursor"]})
        self.assertEqual([x["seeker_id"] for x in r2["rows"]], ["p-c"])
        self.assertIsNone(r2["next_cursor"])
        self.sa.error("seeker.export", {"limit": 0}, h.INVALID_PARAMS)
        self.assertEqual(self.audits(self.a)[before:], [
            "seeker.export by staff: 2 rows, personal no",
            "seeker.export by staff: 1 rows, personal no",
            "seeker.export by staff: error -32602"])
        before = len(self.audits(self.b))
        self.sb.result("seeker.export", {})
        self.assertEqual(self.audits(self.b)[before:], [
            "seeker.export by staff: 3 rows, personal yes"])
        # the data never reach a log
        for d in (self.a, self.b):
            log = d.log_text(whole=True)
            for s in (NAME_A, CERT_A, CERT_C, "王"):
                self.assertNotIn(s, log)

    def test_cli_csv(self):
        path = os.path.join(self.b.dir, "persons.csv")
        r = h.run_jobmatch(["export", "persons", "--from", "2022-01-01",
                            "--to", "2024-12-31", "-o", path],
                           token=h.STAFF, addr=self.b.addr)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, newline="", encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.endswith("\r\n"))
        got = list(csv.reader(io.StringIO(text)))
        self.assertEqual(got[0], COLUMNS)
        rows = {x[0]: dict(zip(COLUMNS, x)) for x in got[1:]}
        self.assertEqual(list(rows), ["p-a", "p-b", "p-c"])
        a = rows["p-a"]
        self.assertEqual(a["name"], NAME_A)
        self.assertEqual(a["certificate_no"], CERT_A)
        self.assertEqual(a["disability_grade"], "2")
        self.assertEqual(a["town_name"], "桂溪街道")
        # sex and birth year from the seeker; the form and date of the
        # latest employment record in the period (employment.list)
        self.assertEqual((a["sex"], a["birth_year"], a["employment_form"],
                          a["employment_date"]),
                         ("female", "1985", "self_employed", "2024-03-01"))
        self.assertEqual((rows["p-c"]["sex"], rows["p-c"]["employment_form"]),
                         ("", ""))
        # a course with a comma and one with quotes, one cell
        self.assertEqual(a["courses"],
                         '电商客服, 初级 2023-04-10; 盲人"推拿" 2024-07-01')
        self.assertEqual(a["flags"], "low_income;rural")
        # the formula is defused, the quote and comma kept
        self.assertEqual(rows["p-c"]["name"], "'" + NAME_C)
        self.assertIn('"\'=HYPERLINK(""x""),王""五"', text)
        self.assertEqual(rows["p-b"]["name"], "")
        # without export_personal, to standard output: the columns stay,
        # empty
        r = h.run_jobmatch(["export", "persons"], token=h.STAFF,
                           addr=self.a.addr)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = list(csv.reader(io.StringIO(r.stdout)))
        self.assertEqual(got[0], COLUMNS)
        self.assertEqual(len(got), 4)
        for x in got[1:]:
            self.assertEqual((x[1], x[2]), ("", ""))
        for s in (NAME_A, CERT_A, CERT_C):
            self.assertNotIn(s, r.stdout)
        r = h.run_jobmatch(["export", "people"], token=h.STAFF,
                           addr=self.a.addr)
        self.assertEqual(r.returncode, 2)

    def test_certificate_no_checked(self):
        base = dict(SEEKERS[1], id="p-x")
        for bad in ("5102-3119", "", "x" * 33, "证号123", 12345):
            e = self.sa.error("seeker.put", {"seeker": dict(
                base, certificate_no=bad)}, h.INVALID_PARAMS)
            self.assertEqual(e["data"]["field"], "seeker.certificate_no",
                             bad)
        self.sa.error("seeker.get", {"id": "p-x"}, h.NOT_FOUND)
        got = self.sa.result("seeker.get", {"id": "p-a"})
        self.assertEqual(got["certificate_no"], CERT_A)


if __name__ == "__main__":
    h.main()

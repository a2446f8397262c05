# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_import.py - jobmatch import (docs/import.md) against the real daemon:
a sheet of postings with deliberately broken rows in UTF-8, UTF-8 with a
BOM and GB18030 (made here from the UTF-8 one), and a small real GB18030
sheet of employers: the exact reports, every good row stored and no bad
one, the dry run writing nothing; and jobmatch report --employer.
"""
import csv
import io
import json
import os
import shutil
import tempfile
import unittest

import harness as h

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "import")
JOBS = os.path.join(HERE, "jobs.csv")
EMPLOYERS_GB = os.path.join(HERE, "employers-gb18030.csv")

GOOD = ["imp-1", "imp-8", "imp-9", "imp-12"]
BAD = ["imp-%d" % i for i in (2, 3, 4, 5, 6, 7, 10, 11)]


def job_reports(path, encoding):
    """The reports jobs.csv's broken rows get, in row order (the header
    is row 1; row 2 holds a cell over two lines, row 10 is blank)."""
    bad_at = 4 if encoding == "UTF-8" else 3    # 坏 is 3 bytes, or 2
    return [
        '%s:3: 适合残疾类别: "视残" is not a disability type (视力残疾, '
        '听力残疾, 言语残疾, 肢体残疾, 智力残疾, 精神残疾, 多重残疾, '
        'or 不限)' % path,
        '%s:4: 残疾等级: "5" is not a grade (1 to 4, or 一级 to 四级, or 不限)' % path,
        '%s:5: 工作乡镇: "火星镇" is not a town\'s name or code '
        '(jobmatch call vocab lists them)' % path,
        '%s:6: 单位: no registered employer is named "丙单位"' % path,
        '%s:7: 适合残疾类别: missing: the row has 4 cells, the header 13'
        % path,
        '%s:8: 职位名称: bytes that are not %s at byte %d of the cell'
        % (path, encoding, bad_at),
        '%s:12: 单位编号: employer not registered' % path,
        '%s:13: 月薪: must not exceed max' % path,
    ]


class ImportTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.redis = cls.env.redis
        cls.dir = tempfile.mkdtemp(prefix="jm-import-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)
        with cls.d.client(h.STAFF) as s:
            for id, name in (("emp-a", "甲单位"), ("emp-b", "乙单位"),
                             ("emp-c", "同名单位"), ("emp-d", "同名单位")):
                s.result("employer.put", {"employer": {
                    "id": id, "name": name, "type": "private",
                    "town": h.GUIXI, "headcount": 80,
                    "disabled_employees": 1, "avg_annual_salary": 60000}})

    def setUp(self):
        self.staff = self.d.client(h.STAFF)
        self.addCleanup(self.staff.close)

    def tearDown(self):
        for id in GOOD + BAD:
            for emp in ("emp-a", "emp-b"):
                self.redis.cmd("DEL", "jm:job:%s:%s" % (emp, id))

    def variant(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def source(self):
        with open(JOBS, "rb") as f:
            return f.read()

    def gb18030(self):
        """jobs.csv in GB18030: its invalid byte passes as it is."""
        text = self.source().decode("utf-8", "surrogateescape")
        return text.encode("gb18030", "surrogateescape")

    def run_import(self, path, *opts, token=h.STAFF):
        return h.run_jobmatch(["import"] + list(opts) + [path], token=token,
                              addr=self.d.addr)

    def get(self, id, emp="emp-a"):
        resp = self.staff.call("job.get", {"id": id, "employer_id": emp})
        return resp.get("result")

    def assert_imported(self, path, encoding, r):
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr.splitlines(), job_reports(path, encoding))
        self.assertEqual(r.stdout, "%s: 12 rows (%s), 6 sent, 8 failed\n"
                         % (path, encoding))
        j = self.get("imp-1")
        self.assertEqual(j["title"], "客服专员")
        self.assertEqual(j["accessible_for"], ["hearing", "physical"])
        self.assertEqual(j["grades"], [3, 4])
        self.assertEqual(j["accommodations"], ["step_free_access",
                                               "adjustable_workstation"])
        self.assertEqual(j["skills"], ["客服", "打字"])
        self.assertEqual(j["salary"], {"min": 3000, "max": 4500})
        self.assertEqual(j["openings"], 2)
        self.assertEqual(j["town"], h.GUIXI)
        self.assertEqual(j["description"], "接听电话，\n处理订单")
        j = self.get("imp-8", "emp-b")
        self.assertEqual((j["accessible_for"], j["accommodations"],
                          j["skills"], j["salary"]),
                         (["visual"], ["braille"], ["按摩", "推拿"],
                          {"min": 3000, "max": 3000}))
        j = self.get("imp-9", "emp-b")
        self.assertEqual((j["accessible_for"], j["grades"], j["town"],
                          j["employment_type"], j.get("salary")),
                         (["any"], [1, 2], h.GUIXI, "part_time", None))
        j = self.get("imp-12")
        self.assertEqual((j["title"], j["employment_type"], j["salary"]),
                         ('他说"你好"', "flexible",
                          {"min": 3000, "max": 3500}))
        for id in BAD:
            for emp in ("emp-a", "emp-b", "emp-zzz"):
                self.assertIsNone(self.get(id, emp), (id, emp))

    def test_utf8(self):
        self.assert_imported(JOBS, "UTF-8", self.run_import(JOBS))

    def test_utf8_with_bom(self):
        path = self.variant("jobs-bom.csv", b"\xef\xbb\xbf" + self.source())
        self.assert_imported(path, "UTF-8", self.run_import(path))

    def test_gb18030(self):
        path = self.variant("jobs-gb.csv", self.gb18030())
        self.assert_imported(path, "GB18030", self.run_import(path))
        # named, and as GBK
        self.assert_imported(path, "GB18030", self.run_import(
            path, "--encoding", "gbk"))

    def test_from_row(self):
        # to go on after an interrupted import: the rows before are skipped
        r = self.run_import(JOBS, "--from", "9")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr.splitlines(), job_reports(JOBS, "UTF-8")[6:])
        self.assertEqual(r.stdout, "%s: 5 rows (UTF-8), 5 sent, 2 failed\n"
                         % JOBS)
        self.assertIsNone(self.get("imp-1"))
        self.assertIsNotNone(self.get("imp-8", "emp-b"))
        self.assertIsNotNone(self.get("imp-12"))

    def test_dry_run_writes_nothing(self):
        before = sorted(self.redis.cmd("KEYS", "jm:*"))
        n0 = self.redis.cmd("XLEN", "jm:changes")
        log0 = len(self.d.log_text())
        r = self.run_import(JOBS, "--dry-run")
        self.assertEqual(r.returncode, 1, r.stderr)
        # the same reports: the daemon checked the employer too
        self.assertEqual(r.stderr.splitlines(), job_reports(JOBS, "UTF-8"))
        self.assertEqual(r.stdout, "%s: 12 rows (UTF-8), 6 sent, 8 failed; "
                         "a dry run: nothing was written\n" % JOBS)
        self.assertEqual(sorted(self.redis.cmd("KEYS", "jm:*")), before)
        self.assertEqual(self.redis.cmd("XLEN", "jm:changes"), n0)
        for id in GOOD:
            self.assertIsNone(self.get(id))
        self.assertNotIn("audit: job.post", self.d.log_text()[log0:])
        # all good: exit 0
        path = self.variant("good.csv", "职位名称,岗位编号,单位编号,"
                            "适合残疾类别,用工形式,乡镇\n"
                            "好岗位,ok-1,emp-a,肢体,全日制,桂溪街道\n"
                            .encode())
        r = self.run_import(path, "--dry-run")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertIsNone(self.get("ok-1"))

    def test_field_name_headers_and_employer_token(self):
        path = self.variant("fields.csv", (
            "id,title,accessible_for,grades,employment_type,town,"
            "salary.min,salary.max,remote,location.lat,location.lon\n"
            "f-1,文员,physical,4,full_time,桂溪街道,2000,2500,是,"
            "30.33,107.34\n").encode())
        # an employer's token posts its own rows
        r = self.run_import(path, token=h.EMP_A)
        self.assertEqual((r.returncode, r.stderr), (0, ""), r.stdout)
        j = self.get("f-1")
        self.assertEqual((j["employer_id"], j["grades"], j["salary"],
                          j["remote"], j["location"]),
                         ("emp-a", [4], {"min": 2000, "max": 2500}, True,
                          {"lat": 30.33, "lon": 107.34}))
        self.redis.cmd("DEL", "jm:job:emp-a:f-1")

    def test_ambiguous_name_and_bad_csv(self):
        path = self.variant("odd.csv", (
            "职位名称,岗位编号,单位,适合残疾类别,用工形式,乡镇\n"
            "岗位,x-1,同名单位,肢体,全日制,桂溪街道\n"
            "岗位,x-2,甲单位,肢\"体,全日制,桂溪街道\n"
            "岗位,x-3,甲单位,肢体,全日制,桂溪街道,多余\n"
            "岗位,x-4,甲单位,肢体,全日制,桂溪街道\n").encode())
        r = self.run_import(path)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.splitlines(), [
            '%s:2: 单位: 2 registered employers are named "同名单位": '
            'give 单位编号' % path,
            '%s:3: 适合残疾类别: a quote inside cell 4, which does not '
            'start with one (quote the cell and write the quote twice)'
            % path,
            "%s:4: column 7: a cell past the header's last column" % path])
        self.assertIsNotNone(self.get("x-4"))
        self.redis.cmd("DEL", "jm:job:emp-a:x-4")

    def test_bad_header_sends_nothing(self):
        path = self.variant("header.csv", (
            "职位名称,岗位编号,单位编号,适合残疾类别,用工形式,乡镇,工资待遇,"
            "岗位名称\n"
            "岗位,h-1,emp-a,肢体,全日制,桂溪街道,3000,岗位\n").encode())
        r = self.run_import(path)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.splitlines(), [
            "%s:1: 工资待遇: not a column of postings (docs/import.md "
            "lists them)" % path,
            "%s:1: 岗位名称: the same field as column 1 (职位名称)" % path,
            "%s: nothing sent: the header has 2 bad columns" % path])
        self.assertIsNone(self.get("h-1"))

    def test_usage(self):
        for args in (["import"], ["import", "--kind", "seekers", JOBS],
                     ["import", "--encoding", "latin1", JOBS],
                     ["import", "--frobnicate", JOBS]):
            with self.subTest(args=args):
                r = h.run_jobmatch(args, token=h.STAFF, addr=self.d.addr)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("import", r.stderr)
        path = self.variant("utf16.csv", "职位名称\n".encode("utf-16"))
        r = self.run_import(path)
        self.assertEqual(r.returncode, 2)
        self.assertIn("UTF-16", r.stderr)


class ImportEmployersTest(unittest.TestCase):
    """The small real GB18030 sheet of employers, and report --employer."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def test_quota_columns(self):
        """The columns "at least one" reads: established posts, level,
        kind of institution and pool, in words; a word that names no
        level or kind is the row's error."""
        path = os.path.join(tempfile.mkdtemp(prefix="jm-import-"), "u.csv")
        self.addCleanup(shutil.rmtree, os.path.dirname(path), True)
        with open(path, "w", encoding="utf-8") as f:
            f.write("单位编号,单位名称,单位类型,所在乡镇,在职职工人数,编制数,层级,"
                    "事业单位类别,统筹组\n"
                    "q-1,垫江县第一中学,事业单位,桂溪街道,160,150,县级,高中,\n"
                    "q-2,某镇卫生院,事业单位,桂溪街道,20,18,乡镇级,医院,p-1\n"
                    "q-3,某局,党政机关,桂溪街道,40,52,市级,,\n"
                    "q-4,某园,事业单位,桂溪街道,30,25,县级,托儿所,\n")
        r = h.run_jobmatch(["import", path], token=h.STAFF, addr=self.d.addr)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertEqual(r.stderr.splitlines(), [
            '%s:4: 层级: "市级" is not a level (县级 or 乡镇级)' % path,
            '%s:5: 事业单位类别: "托儿所" is not a kind of institution (小学, '
            '中学, 幼儿园, 医院 or 其他)' % path])
        with self.d.client(h.STAFF) as s:
            e = s.result("employer.get", {"id": "q-1"})
            self.assertEqual((e["establishment"], e["level"],
                              e["institution_kind"]),
                             (150, "county", "secondary_school"))
            self.assertNotIn("pool", e)
            e = s.result("employer.get", {"id": "q-2"})
            self.assertEqual((e["level"], e["institution_kind"], e["pool"]),
                             ("township", "hospital", "p-1"))
            s.error("employer.get", {"id": "q-3"}, h.NOT_FOUND)

    def test_flagged_postings_are_said(self):
        """A posting the rule set flags (a demand such as 身体健康) is
        written, and the import says so by its row, in a dry run too, so
        that the office can reword it; the exit status stays 0."""
        with self.d.client(h.STAFF) as s:
            s.result("employer.put", {"employer": {
                "id": "fl-emp", "name": "旗标测试单位", "type": "private",
                "town": h.GUIXI}})
        path = os.path.join(tempfile.mkdtemp(prefix="jm-import-"), "f.csv")
        self.addCleanup(shutil.rmtree, os.path.dirname(path), True)
        with open(path, "w", encoding="utf-8") as f:
            f.write("岗位编号,单位编号,职位名称,适合残疾类别,用工形式,乡镇,职位描述\n"
                    "fl-1,fl-emp,文员,肢体,全日制,桂溪街道,录入资料\n"
                    "fl-2,fl-emp,前台,肢体,全日制,桂溪街道,要求身体健康、五官端正\n")
        for args in (["import", "--dry-run", path], ["import", path]):
            r = h.run_jobmatch(args, token=h.STAFF, addr=self.d.addr)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stderr.splitlines()
            self.assertEqual(len(lines), 2, lines)
            self.assertTrue(lines[0].startswith(
                "%s:3: flagged health_demand: 要求“身体健康”" % path), lines)
            self.assertTrue(lines[1].startswith(
                "%s:3: flagged appearance_demand: " % path), lines)
        with self.d.client(h.STAFF) as s:
            j = s.result("job.get", {"id": "fl-2", "employer_id": "fl-emp"})
            self.assertEqual([x["name"] for x in j["flags"]],
                             ["health_demand", "appearance_demand"])

    def test_gb18030_employers_and_report(self):
        with open(EMPLOYERS_GB, "rb") as f:
            raw = f.read()
        with self.assertRaises(UnicodeDecodeError):
            raw.decode("utf-8")     # it is GB18030 indeed
        r = h.run_jobmatch(["import", EMPLOYERS_GB], token=h.STAFF,
                           addr=self.d.addr)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr.splitlines(), [
            '%s:3: 单位类型: "私营企业" is not an employer type (党政机关, '
            '事业单位, 国有企业, 民营企业, 社区服务点, 社会组织与助残机构, '
            '辅助性就业机构与集中安置单位)' % EMPLOYERS_GB])
        self.assertEqual(r.stdout, "%s: 3 rows (GB18030), 2 sent, 1 failed\n"
                         % EMPLOYERS_GB)
        with self.d.client(h.STAFF) as s:
            e = s.result("employer.get", {"id": "gb-1"})
            self.assertEqual((e["name"], e["type"], e["town"], e["headcount"],
                              e["disabled_employees"],
                              e["avg_annual_salary"]),
                             ("垫江县测试机关", "agency", h.GUIXI, 120, 1,
                              90000))
            self.assertEqual(s.result("employer.get", {"id": "gb-3"})["town"],
                             "500231107000")
            s.error("employer.get", {"id": "gb-2"}, -32002)
            s.result("employer.put", {"employer": {
                "id": "emp-a", "name": "甲单位", "type": "private",
                "town": h.GUIXI, "headcount": 200, "disabled_employees": 1,
                "severe_disabled_employees": 0, "avg_annual_salary": 60000}})
            s.result("job.post", {"job": h.job("r-1", openings=3)})
            s.result("job.post", {"job": h.job("r-2", openings=2)})
            s.result("job.post", {"job": h.job("r-3")})
            s.result("job.close", {"id": "r-3", "employer_id": "emp-a"})
            s.result("job.post", {"job": h.job("r-4", expires_at=946684800)})
            quota = s.result("employer.quota", {"id": "emp-a",
                                                "date": "2026-03-01"})

        # the employer's own token, CSV
        r = h.run_jobmatch(["report", "--employer", "emp-a", "--date",
                            "2026-03-01"], token=h.EMP_A, addr=self.d.addr)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        rows = list(csv.reader(io.StringIO(r.stdout)))
        self.assertEqual(rows[0], ["section", "key", "value"])
        got = {(a, b): c for a, b, c in rows[1:]}
        self.assertEqual(got[("report", "employer")], "emp-a")
        self.assertEqual(got[("report", "date")], "2026-03-01")
        self.assertEqual(got[("quota", "name")], "甲单位")
        self.assertEqual(got[("quota", "below_quota")], "true")
        self.assertEqual(float(got[("quota", "required")]),
                         quota["required"])
        self.assertEqual(float(got[("quota.fund", "due")]),
                         quota["fund"]["due"])
        self.assertEqual(got[("postings", "open")], "2")
        self.assertEqual(got[("postings", "openings")], "5")
        self.assertEqual(got[("postings.r-1", "openings")], "3")
        self.assertNotIn(("postings.r-3", "title"), got)
        self.assertNotIn(("postings.r-4", "title"), got)

        # staff's, JSON: the same figures
        r = h.run_jobmatch(["report", "--employer", "emp-a", "--date",
                            "2026-03-01", "--format", "json"],
                           token=h.STAFF, addr=self.d.addr)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        doc = json.loads(r.stdout)
        self.assertEqual(doc["quota"], quota)
        self.assertEqual(doc["postings"], {"open": 2, "openings": 5, "jobs": [
            {"id": "r-1", "title": "岗位 r-1", "openings": 3},
            {"id": "r-2", "title": "岗位 r-2", "openings": 2}]})

        # another employer's report is refused, and no file is left
        out = os.path.join(tempfile.mkdtemp(prefix="jm-report-"), "r.csv")
        self.addCleanup(shutil.rmtree, os.path.dirname(out), True)
        r = h.run_jobmatch(["report", "--employer", "gb-1", "-o", out],
                           token=h.EMP_A, addr=self.d.addr)
        self.assertEqual(r.returncode, 1)
        self.assertIn("-32001", r.stderr)
        self.assertFalse(os.path.exists(out))


class ImportContactColumnsTest(unittest.TestCase):
    """The posting's how-to-apply columns (联系电话, 报名截止, 报名方式,
    ...), which the daemon takes once postings have contact, apply_by and
    how_to_apply."""

    def test_import_contact_columns(self):
        env = h.Env()
        self.addCleanup(env.stop)
        d = env.daemon
        with d.client(h.STAFF) as s:
            s.result("employer.put", {"employer": h.EMPLOYER_A})
        path = os.path.join(tempfile.mkdtemp(prefix="jm-import-"), "c.csv")
        self.addCleanup(shutil.rmtree, os.path.dirname(path), True)
        with open(path, "w", encoding="utf-8") as f:
            f.write("岗位编号,单位编号,职位名称,适合残疾类别,用工形式,乡镇,"
                    "联系人,联系电话,联系地址,接待时间,网址,电子邮箱,报名截止,"
                    "报名方式\n"
                    "c-1,emp-a,文员,肢体,全日制,桂溪街道,王老师,023-7461 0000,"
                    "桂溪街道人民路1号,工作日9:00-17:00,https://example.org/j,"
                    "hr@example.org,2099/1/31,带上残疾人证到现场报名\n")
        r = h.run_jobmatch(["import", path], token=h.STAFF, addr=d.addr)
        self.assertEqual((r.returncode, r.stderr), (0, ""), r.stdout)
        with d.client(h.STAFF) as s:
            j = s.result("job.get", {"id": "c-1", "employer_id": "emp-a"})
        self.assertEqual(j["contact"], {
            "name": "王老师", "phone": "023-7461 0000",
            "address": "桂溪街道人民路1号", "hours": "工作日9:00-17:00",
            "url": "https://example.org/j", "email": "hr@example.org"})
        self.assertEqual((j["apply_by"], j["how_to_apply"]),
                         ("2099-01-31", "带上残疾人证到现场报名"))



class SampleSheetTest(unittest.TestCase):
    """data/import-jobs-gb18030.csv, the sheet ./run.sh points an HR office
    to: an employer's own token imports it (GB18030, Chinese headers, a
    description of two lines) with no row refused, and reads its own
    quota."""

    def test_sample_sheet(self):
        env = h.Env(extra=["token employer:dj-express-01 %s"
                           % h.digest("hr-office-token-ZQX")])
        self.addCleanup(env.stop)
        d = env.daemon
        r = h.run_jobmatch(["load", os.path.join(h.DATA_DIR,
                                                 "employers.jsonl")],
                           token=h.STAFF, addr=d.addr)
        self.assertEqual(r.returncode, 0, r.stderr)
        sheet = os.path.join(h.DATA_DIR, "import-jobs-gb18030.csv")
        with open(sheet, "rb") as f:
            raw = f.read()
        with self.assertRaises(UnicodeDecodeError):
            raw.decode("utf-8")     # it is GB18030, as a spreadsheet writes
        tok = "hr-office-token-ZQX"
        for args in (["import", "--dry-run", sheet], ["import", sheet]):
            r = h.run_jobmatch(args, token=tok, addr=d.addr)
            self.assertEqual(r.returncode, 0, (r.stdout, r.stderr))
        with d.client(tok) as c:
            j = c.result("job.get", {"id": "express-2027-01",
                                     "employer_id": "dj-express-01"})
            self.assertEqual(j["title"], "快递分拣员")
            self.assertEqual(j["accessible_for"], ["hearing", "physical"])
            self.assertIn("\n", j["description"])
            self.assertEqual(j["apply_by"], "2027-03-31")
            self.assertEqual(j["contact"]["phone"], "023-7468 5201")
            listed = c.result("job.list", {})["jobs"]
            self.assertEqual(
                sorted(x["id"] for x in listed if x["id"].startswith(
                    "express-2027-")),
                ["express-2027-01", "express-2027-02", "express-2027-03"])
            q = c.result("employer.quota", {})
            self.assertEqual(q["id"], "dj-express-01")
            c.error("employer.quota", {"id": "dj-hrss"}, h.UNAUTHORIZED)

if __name__ == "__main__":
    h.main()

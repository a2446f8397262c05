# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_dry_run.py - job.post and employer.put with dry_run: true check
everything a write checks (the store's checks too) and write nothing, no
audit line; an employer reads its own employer.quota and no other's.
"""
import unittest

import harness as h

GUIXI = "500231001000"


def employer(id, **kw):
    e = {"id": id, "name": "单位 " + id, "type": "private", "town": GUIXI,
         "headcount": 100, "disabled_employees": 1,
         "severe_disabled_employees": 0, "avg_annual_salary": 60000}
    e.update(kw)
    return e


class DryRunTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.redis = cls.env.redis
        with cls.d.client(h.STAFF) as s:
            s.result("employer.put", {"employer": employer("emp-a")})
            s.result("employer.put", {"employer": employer("emp-b")})
            s.result("job.post", {"job": h.job("a-1")})

    def client(self, token):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def snapshot(self):
        """Every key of the store with its value's type and version, and
        the change stream's length: what a write would change."""
        keys = sorted(self.redis.cmd("KEYS", "jm:*"))
        return (keys, self.redis.cmd("XLEN", "jm:changes"),
                [self.redis.cmd("HGET", k, "version") for k in keys
                 if self.redis.cmd("TYPE", k) == b"hash"])

    def test_job_post_dry_run_writes_nothing(self):
        s = self.client(h.STAFF)
        a = self.client(h.EMP_A)
        before = self.snapshot()
        log0 = len(self.d.log_text())
        # a new posting, one that exists, with the right expected_version,
        # by staff and by its own employer
        self.assertEqual(s.result("job.post", {"job": h.job("new-1"),
                                               "dry_run": True}),
                         {"id": "new-1", "dry_run": True, "flags": []})
        self.assertEqual(s.result("job.post", {"job": h.job("a-1"),
                                               "expected_version": 1,
                                               "dry_run": True}),
                         {"id": "a-1", "dry_run": True, "flags": []})
        self.assertEqual(a.result("job.post", {"job": h.job("new-2"),
                                               "expected_version": 0,
                                               "dry_run": True}),
                         {"id": "new-2", "dry_run": True, "flags": []})
        # dry_run false is a write as before
        self.assertEqual(self.snapshot(), before)
        s.error("job.get", {"id": "new-1", "employer_id": "emp-a"}, -32002)
        # no audit line as a write
        self.assertNotIn("audit: job.post", self.d.log_text()[log0:])

    def test_job_post_dry_run_checks_like_a_write(self):
        s = self.client(h.STAFF)
        a = self.client(h.EMP_A)
        before = self.snapshot()
        # the store's checks: the employer registered, the version
        e = s.error("job.post", {"job": h.job("x-1", emp="emp-nobody"),
                                 "dry_run": True}, -32002)
        self.assertEqual(e["data"], {"field": "job.employer_id"})
        e = s.error("job.post", {"job": h.job("a-1"), "expected_version": 0,
                                 "dry_run": True}, -32003)
        self.assertEqual(e["data"], {"current_version": 1})
        e = s.error("job.post", {"job": h.job("x-2"), "expected_version": 3,
                                 "dry_run": True}, -32003)
        self.assertEqual(e["data"], {"current_version": 0})
        # the document's checks
        e = s.error("job.post", {"job": h.job("x-3", grades=[5]),
                                 "dry_run": True}, -32602)
        self.assertEqual(e["data"]["field"], "job.grades[0]")
        e = s.error("job.post", {"job": h.job("x-4"), "dry_run": "yes"},
                    -32602)
        self.assertEqual(e["data"]["field"], "dry_run")
        # the role's
        a.error("job.post", {"job": h.job("x-5", emp="emp-b"),
                             "dry_run": True}, h.UNAUTHORIZED)
        self.client(h.KIOSK).error("job.post", {"job": h.job("x-6"),
                                                "dry_run": True},
                                   h.UNAUTHORIZED)
        self.assertEqual(self.snapshot(), before)

    def test_job_post_dry_run_false_writes(self):
        s = self.client(h.STAFF)
        r = s.result("job.post", {"job": h.job("w-1"), "dry_run": False})
        self.assertEqual((r["id"], r["version"], r["created"]),
                         ("w-1", 1, True))
        self.assertEqual(s.result("job.get", {"id": "w-1",
                                              "employer_id": "emp-a"})["id"],
                         "w-1")

    def test_employer_put_dry_run(self):
        s = self.client(h.STAFF)
        before = self.snapshot()
        log0 = len(self.d.log_text())
        self.assertEqual(s.result("employer.put", {
            "employer": employer("emp-new"), "dry_run": True}),
            {"id": "emp-new", "dry_run": True})
        self.assertEqual(s.result("employer.put", {
            "employer": employer("emp-a", name="改名"), "dry_run": True}),
            {"id": "emp-a", "dry_run": True})
        e = s.error("employer.put", {"employer": employer(
            "emp-new", type="nope"), "dry_run": True}, -32602)
        self.assertEqual(e["data"]["field"], "employer.type")
        self.client(h.EMP_A).error("employer.put", {
            "employer": employer("emp-a"), "dry_run": True}, h.UNAUTHORIZED)
        self.assertEqual(self.snapshot(), before)
        s.error("employer.get", {"id": "emp-new"}, -32002)
        self.assertEqual(s.result("employer.get", {"id": "emp-a"})["name"],
                         "单位 emp-a")
        self.assertNotIn("audit: employer.put", self.d.log_text()[log0:])


class EmployerQuotaRoleTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        with cls.d.client(h.STAFF) as s:
            s.result("employer.put", {"employer": employer("emp-a")})
            s.result("employer.put", {"employer": employer(
                "emp-b", headcount=10)})

    def client(self, token):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def test_own_quota(self):
        a = self.client(h.EMP_A)
        staff = self.client(h.STAFF).result("employer.quota",
                                            {"id": "emp-a",
                                             "date": "2026-03-01"})
        # id defaults to its own, and naming it is the same
        self.assertEqual(a.result("employer.quota", {"date": "2026-03-01"}),
                         staff)
        self.assertEqual(a.result("employer.quota", {"id": "emp-a",
                                                     "date": "2026-03-01"}),
                         staff)
        self.assertEqual(staff["id"], "emp-a")
        self.assertTrue(staff["below_quota"])
        # its params are checked as staff's are
        e = a.error("employer.quota", {"late_days": -1}, -32602)
        self.assertEqual(e["data"]["field"], "late_days")

    def test_another_employers_quota_is_refused(self):
        a = self.client(h.EMP_A)
        for id in ("emp-b", "emp-nobody"):
            e = a.error("employer.quota", {"id": id}, h.UNAUTHORIZED)
            self.assertNotIn("data", e)
        # the other employer's token reads its own
        self.assertEqual(self.client(h.EMP_B).result("employer.quota")["id"],
                         "emp-b")
        # and the rest stays staff's
        a.error("employer.list", {}, h.UNAUTHORIZED)
        a.error("employer.get", {"id": "emp-a"}, h.UNAUTHORIZED)
        self.client(h.KIOSK).error("employer.quota", {"id": "emp-a"},
                                   h.UNAUTHORIZED)
        # staff must name the employer
        e = self.client(h.STAFF).error("employer.quota", {}, -32602)
        self.assertEqual(e["data"]["field"], "id")


if __name__ == "__main__":
    h.main()

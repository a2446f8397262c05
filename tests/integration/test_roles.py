# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_roles.py - what each role may call and touch (PROTOCOL.md, Roles).
"""
import unittest

import harness as h

GUIXI = "500231001000"
PROFILE = {"disability": {"type": "physical", "grade": 3}, "town": GUIXI,
           "skills": ["客服"]}


def employer(id):
    return {"id": id, "name": "单位 " + id, "type": "private", "town": GUIXI}


def job(id, emp, **kw):
    j = {"id": id, "employer_id": emp, "title": "岗位 %s/%s" % (emp, id),
         "accessible_for": ["physical"], "employment_type": "full_time",
         "town": GUIXI}
    j.update(kw)
    return j


class RolesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.redis = cls.env.redis
        with cls.d.client(h.STAFF) as s:
            for e in ("emp-a", "emp-b"):
                s.result("employer.put", {"employer": employer(e)})
            s.result("job.post", {"job": job("a-1", "emp-a")})
            s.result("job.post", {"job": job("b-1", "emp-b")})
            s.result("job.post", {"job": job("b-2", "emp-b")})

    def client(self, token):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def assert_unauthorized(self, c, method, params=None):
        e = c.error(method, params, h.UNAUTHORIZED)
        self.assertIsInstance(e["message"], str)
        return e

    def exists(self, emp, id):
        return self.redis.cmd("EXISTS", "jm:job:%s:%s" % (emp, id)) == 1

    # ---- kiosk ------------------------------------------------------------

    def test_kiosk_may_not_write(self):
        k = self.client(h.KIOSK)
        n0 = self.redis.cmd("XLEN", "jm:changes")
        self.assert_unauthorized(k, "job.post", {"job": job("k-1", "emp-a")})
        self.assert_unauthorized(k, "job.close", {"id": "a-1",
                                                  "employer_id": "emp-a"})
        self.assert_unauthorized(k, "employer.put",
                                 {"employer": employer("emp-k")})
        self.assert_unauthorized(k, "employer.get", {"id": "emp-a"})
        self.assertEqual(self.redis.cmd("XLEN", "jm:changes"), n0)
        self.assertFalse(self.exists("emp-a", "k-1"))
        self.assertEqual(self.redis.cmd("EXISTS", "jm:employer:emp-k"), 0)
        s = self.client(h.STAFF)
        self.assertEqual(s.result("job.get", {"id": "a-1",
                                              "employer_id": "emp-a"})
                         ["status"], "open")

    def test_kiosk_may_read_and_match(self):
        k = self.client(h.KIOSK)
        r = k.result("match", {"profile": PROFILE, "limit": 50})
        keys = {(x["job"]["employer_id"], x["job"]["id"])
                for x in r["results"]}
        self.assertLessEqual({("emp-a", "a-1"), ("emp-b", "b-1")}, keys)
        self.assertEqual(k.result("job.get", {"id": "b-1",
                                              "employer_id": "emp-b"})["id"],
                         "b-1")
        listed = k.result("job.list", {"limit": 100})["jobs"]
        self.assertLessEqual({("emp-a", "a-1"), ("emp-b", "b-1"),
                              ("emp-b", "b-2")},
                             {(j["employer_id"], j["id"]) for j in listed})
        self.assertIn("towns", k.result("vocab"))

    # ---- employers --------------------------------------------------------

    def test_employer_posts_for_itself_only(self):
        a = self.client(h.EMP_A)
        r = a.result("job.post", {"job": job("a-2", "emp-a")})
        self.assertEqual((r["id"], r["created"]), ("a-2", True))
        self.assertTrue(self.exists("emp-a", "a-2"))
        self.assert_unauthorized(a, "job.post", {"job": job("a-x", "emp-b")})
        self.assertFalse(self.exists("emp-b", "a-x"))
        # and cannot overwrite the other employer's posting
        self.assert_unauthorized(a, "job.post",
                                 {"job": job("b-1", "emp-b", title="改")})
        s = self.client(h.STAFF)
        self.assertNotEqual(s.result("job.get", {"id": "b-1",
                                                 "employer_id": "emp-b"})
                            ["title"], "改")

    def test_employer_touches_its_own_postings_only(self):
        a = self.client(h.EMP_A)
        self.assertEqual(a.result("job.get", {"id": "a-1",
                                              "employer_id": "emp-a"})["id"],
                         "a-1")
        self.assert_unauthorized(a, "job.get", {"id": "b-1",
                                                "employer_id": "emp-b"})
        self.assert_unauthorized(a, "job.get", {"id": "none",
                                                "employer_id": "emp-b"})
        self.assert_unauthorized(a, "job.close", {"id": "b-2",
                                                  "employer_id": "emp-b"})
        s = self.client(h.STAFF)
        self.assertEqual(s.result("job.get", {"id": "b-2",
                                              "employer_id": "emp-b"})
                         ["status"], "open")
        # its own: close works, and a missing one is not_found
        a.result("job.post", {"job": job("a-close", "emp-a")})
        self.assertEqual(a.result("job.close", {"id": "a-close",
                                                "employer_id": "emp-a"})
                         ["status"], "closed")
        a.error("job.close", {"id": "a-none", "employer_id": "emp-a"},
                h.NOT_FOUND)

    def test_employer_list(self):
        a = self.client(h.EMP_A)
        jobs = a.result("job.list", {"limit": 100})["jobs"]
        self.assertTrue(jobs)
        self.assertEqual({j["employer_id"] for j in jobs}, {"emp-a"})
        self.assertIn("a-1", {j["id"] for j in jobs})
        mine = a.result("job.list", {"employer_id": "emp-a",
                                     "limit": 100})["jobs"]
        self.assertEqual({j["id"] for j in mine}, {j["id"] for j in jobs})
        self.assert_unauthorized(a, "job.list", {"employer_id": "emp-b"})
        b = self.client(h.EMP_B)
        bj = b.result("job.list", {"limit": 100})["jobs"]
        self.assertEqual({j["employer_id"] for j in bj}, {"emp-b"})
        self.assertLessEqual({"b-1", "b-2"}, {j["id"] for j in bj})

    def test_employer_may_not_match_or_manage_employers(self):
        a = self.client(h.EMP_A)
        self.assert_unauthorized(a, "match", {"profile": PROFILE})
        self.assert_unauthorized(a, "employer.put",
                                 {"employer": employer("emp-a")})
        self.assert_unauthorized(a, "employer.get", {"id": "emp-a"})
        self.assertIn("accommodations", a.result("vocab"))

    def test_employer_token_does_not_follow_the_id(self):
        # emp-b's token on one connection does not grant emp-a anything
        b = self.client(h.EMP_B)
        self.assert_unauthorized(b, "job.get", {"id": "a-1",
                                                "employer_id": "emp-a"})
        # a second hello switches the role of the connection
        b.hello(h.EMP_A)
        self.assertEqual(b.result("job.get", {"id": "a-1",
                                              "employer_id": "emp-a"})["id"],
                         "a-1")
        self.assert_unauthorized(b, "job.get", {"id": "b-1",
                                                "employer_id": "emp-b"})

    # ---- staff ------------------------------------------------------------

    def test_staff_may_do_everything(self):
        s = self.client(h.STAFF)
        self.assertEqual(s.result("employer.put", {"employer": employer(
            "emp-s")})["id"], "emp-s")
        self.assertEqual(s.result("employer.get", {"id": "emp-s"})["id"],
                         "emp-s")
        for emp in ("emp-a", "emp-b", "emp-s"):
            s.result("job.post", {"job": job("s-1", emp)})
            self.assertEqual(s.result("job.get", {"id": "s-1",
                                                  "employer_id": emp})
                             ["version"], 1)
        s.result("job.close", {"id": "s-1", "employer_id": "emp-b"})
        listed = s.result("job.list", {"limit": 100})["jobs"]
        self.assertLessEqual({"emp-a", "emp-b", "emp-s"},
                             {j["employer_id"] for j in listed})
        r = s.result("match", {"profile": PROFILE, "limit": 100})
        keys = {(x["job"]["employer_id"], x["job"]["id"])
                for x in r["results"]}
        self.assertIn(("emp-s", "s-1"), keys)
        self.assertNotIn(("emp-b", "s-1"), keys)
        self.assertIn("towns", s.result("vocab"))


if __name__ == "__main__":
    h.main()

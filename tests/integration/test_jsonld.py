# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_jsonld.py - postings as schema.org JobPosting JSON-LD: job.get
{format: "jsonld"} and job.list {format: "jsonld"}; GET
/jobs/EMP/ID.jsonld (an open posting, else 404) and GET /jobs.jsonld
(the open postings, paged by jsonld_page_size with a Link to the next
page), application/ld+json, no token needed, the security headers on
every answer. Each JobPosting is checked against schema.org's required
properties (title, description, datePosted, hiringOrganization with a
name, jobLocation with an address; validThrough when apply_by is set)
and the types of what it holds.
"""
import datetime
import re
import unittest

import harness as h
from gwlib import SECURITY, GatewayEnv, http

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
PAGE = 3


def day(offset):
    return (datetime.date.today() + datetime.timedelta(days=offset)) \
        .isoformat()


def check_posting(test, p, context=True):
    """schema.org's required JobPosting properties, and types."""
    if context:
        test.assertEqual(p["@context"], "https://schema.org")
    else:
        test.assertNotIn("@context", p)
    test.assertEqual(p["@type"], "JobPosting")
    for k in ("title", "description", "datePosted"):
        test.assertIsInstance(p[k], str, k)
        test.assertTrue(p[k], k)
    test.assertRegex(p["datePosted"], ISO)
    org = p["hiringOrganization"]
    test.assertEqual(org["@type"], "Organization")
    test.assertIsInstance(org["name"], str)
    test.assertTrue(org["name"])
    loc = p["jobLocation"]
    test.assertEqual(loc["@type"], "Place")
    addr = loc["address"]
    test.assertEqual(addr["@type"], "PostalAddress")
    test.assertEqual(addr["addressCountry"], "CN")
    test.assertIsInstance(addr["addressLocality"], str)
    test.assertIsInstance(addr["addressRegion"], str)
    geo = loc["geo"]
    test.assertEqual(geo["@type"], "GeoCoordinates")
    test.assertIsInstance(geo["latitude"], float)
    test.assertIsInstance(geo["longitude"], float)
    test.assertIn(p["employmentType"], ("FULL_TIME", "PART_TIME", "INTERN",
                                        "OTHER"))
    test.assertIsInstance(p["totalJobPositions"], int)
    test.assertEqual(p["identifier"]["@type"], "PropertyValue")
    if "validThrough" in p:
        test.assertRegex(p["validThrough"], ISO)
    if "baseSalary" in p:
        b = p["baseSalary"]
        test.assertEqual((b["@type"], b["currency"]), ("MonetaryAmount",
                                                        "CNY"))
        v = b["value"]
        test.assertEqual((v["@type"], v["unitText"]),
                         ("QuantitativeValue", "MONTH"))
        test.assertIsInstance(v["minValue"], int)
        test.assertIsInstance(v["maxValue"], int)
    if "applicationContact" in p:
        test.assertIn(p["applicationContact"]["@type"],
                      ("ContactPoint", "PostalAddress"))
    for k in ("physicalRequirement", "sensoryRequirement"):
        if k in p:
            test.assertIsInstance(p[k], str)
    if "skills" in p:
        test.assertTrue(all(isinstance(s, str) for s in p["skills"]))


class JsonLdTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = GatewayEnv(extra=["jsonld_page_size %d" % PAGE,
                                    "jsonld_region 重庆市"])
        cls.addClassCleanup(cls.env.cleanup)
        cls.port = cls.env.http_port
        cls.c = cls.env.daemon.client(h.STAFF)
        cls.addClassCleanup(cls.c.close)
        cls.c.result("employer.put", {"employer": dict(
            h.EMPLOYER_A, contact={"phone": "023-74681234",
                                   "address": "桂溪街道东部新城大道88号",
                                   "hours": "工作日 9:00-17:00"})})
        cls.c.result("employer.put", {"employer": {
            "id": "emp-b", "name": "乙单位", "type": "private",
            "town": h.GUIXI}})
        cls.full = h.job(
            "ld-full", title="盲人保健按摩师", description="为顾客提供保健按摩。",
            skills=["按摩", "推拿"], accessible_for=["visual", "physical"],
            accommodations=["braille", "step_free_access", "flexible_hours"],
            salary={"min": 3500, "max": 6000}, openings=4,
            location={"lat": 30.3421, "lon": 107.3584},
            apply_by=day(20), how_to_apply="电话预约后面试",
            contact={"name": "王老师", "email": "hr@dj-a.cn"})
        cls.c.result("job.post", {"job": cls.full})
        # the open ones the list gives, and those it must not
        cls.open = [("emp-a", "ld-full")]
        for i in range(7):
            emp = "emp-a" if i % 2 else "emp-b"
            cls.c.result("job.post", {"job": h.job(
                "ld-%d" % i, employer_id=emp, accessible_for=["any"],
                employment_type="part_time")})
            cls.open.append((emp, "ld-%d" % i))
        cls.c.result("job.post", {"job": h.job("ld-past", apply_by=day(-1))})
        cls.c.result("job.post", {"job": h.job("ld-closed")})
        cls.c.result("job.close", {"id": "ld-closed", "employer_id": "emp-a"})

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def test_job_get_jsonld(self):
        p = self.c.result("job.get", {"id": "ld-full", "employer_id": "emp-a",
                                      "format": "jsonld"})
        check_posting(self, p)
        self.assertEqual(p["title"], "盲人保健按摩师")
        self.assertTrue(p["description"].startswith("为顾客提供保健按摩。"))
        for w in ("盲文资料", "无障碍通道", "弹性工作时间", "视力残疾", "肢体残疾"):
            self.assertIn(w, p["description"])
        self.assertEqual(p["validThrough"][:19], day(20) + "T23:59:59")
        self.assertEqual(p["employmentType"], "FULL_TIME")
        self.assertEqual(p["hiringOrganization"]["name"], "甲单位")
        addr = p["jobLocation"]["address"]
        self.assertEqual((addr["addressLocality"], addr["addressRegion"]),
                         ("桂溪街道", "重庆市"))
        self.assertEqual(p["jobLocation"]["geo"]["latitude"], 30.3421)
        self.assertEqual(p["baseSalary"]["value"]["minValue"], 3500)
        self.assertEqual(p["totalJobPositions"], 4)
        self.assertEqual(p["skills"], ["按摩", "推拿"])
        self.assertEqual(p["identifier"]["value"], "emp-a:ld-full")
        ac = p["applicationContact"]
        self.assertEqual(ac["@type"], "PostalAddress")
        self.assertEqual((ac["name"], ac["telephone"], ac["email"],
                          ac["streetAddress"], ac["description"]),
                         ("王老师", "023-74681234", "hr@dj-a.cn",
                          "桂溪街道东部新城大道88号", "电话预约后面试"))
        self.assertEqual(ac["hoursAvailable"]["description"],
                         "工作日 9:00-17:00")
        self.assertIn("肢体残疾", p["physicalRequirement"])
        self.assertIn("无障碍通道", p["physicalRequirement"])
        self.assertNotIn("盲文资料", p["physicalRequirement"])
        self.assertIn("视力残疾", p["sensoryRequirement"])
        self.assertIn("盲文资料", p["sensoryRequirement"])
        # no apply_by, no expires_at: no validThrough; no contact at all
        p = self.c.result("job.get", {"id": "ld-0", "employer_id": "emp-b",
                                      "format": "jsonld"})
        check_posting(self, p)
        self.assertNotIn("validThrough", p)
        self.assertNotIn("applicationContact", p)
        self.assertEqual(p["employmentType"], "PART_TIME")
        # expires_at stands in for apply_by
        self.c.result("job.post", {"job": h.job("ld-exp",
                                                expires_at=4000000000)})
        p = self.c.result("job.get", {"id": "ld-exp", "employer_id": "emp-a",
                                      "format": "jsonld"})
        self.assertRegex(p["validThrough"], r"^2096-10-0[23]T")
        self.c.result("job.close", {"id": "ld-exp", "employer_id": "emp-a"})
        # job.get answers a posting past its apply_by all the same
        p = self.c.result("job.get", {"id": "ld-past", "employer_id": "emp-a",
                                      "format": "jsonld"})
        self.assertEqual(p["validThrough"][:10], day(-1))
        e = self.c.error("job.get", {"id": "ld-full", "employer_id": "emp-a",
                                     "format": "xml"}, h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "format")
        p = self.c.result("job.get", {"id": "ld-full", "employer_id": "emp-a",
                                      "format": "json"})
        self.assertEqual(p["title"], "盲人保健按摩师")

    def get(self, path, method="GET"):
        a = http(self.port, method, path)
        for k, v in SECURITY.items():
            self.assertEqual(a.headers[k], v, path)
        return a

    def test_http_one_posting(self):
        a = self.get("/jobs/emp-a/ld-full.jsonld")
        self.assertEqual(a.status, 200, a)
        self.assertEqual(a.headers["content-type"], "application/ld+json")
        p = a.json()
        check_posting(self, p)
        self.assertEqual(p, self.c.result("job.get", {
            "id": "ld-full", "employer_id": "emp-a", "format": "jsonld"}))
        for path in ("/jobs/emp-a/nope.jsonld", "/jobs/emp-a/ld-past.jsonld",
                     "/jobs/emp-a/ld-closed.jsonld", "/jobs/emp-a/ld-full",
                     "/jobs/emp-a/ld-full.json", "/jobs/emp-a/.jsonld",
                     "/jobs/emp-a:x/ld-full.jsonld", "/jobs/emp-a/ld%2Ffull"
                     ".jsonld", "/jobs/emp-a/a/b.jsonld", "/jobs/ld-full.jsonld",
                     "/jobs/" + "e" * 65 + "/ld-full.jsonld"):
            with self.subTest(path=path):
                self.assertEqual(self.get(path).status, 404)
        a = self.get("/jobs/emp-a/ld-full.jsonld", "POST")
        self.assertEqual((a.status, a.headers["allow"]), (405, "GET, HEAD"))
        a = self.get("/jobs/emp-a/ld-full.jsonld", "HEAD")
        self.assertEqual(a.status, 200)

    def test_http_pages(self):
        seen, path, pages = [], "/jobs.jsonld", 0
        while path is not None:
            a = self.get(path)
            self.assertEqual(a.status, 200, a)
            self.assertEqual(a.headers["content-type"], "application/ld+json")
            doc = a.json()
            self.assertEqual(doc["@context"], "https://schema.org")
            self.assertNotIn("next_cursor", doc)
            self.assertLessEqual(len(doc["@graph"]), PAGE)
            for p in doc["@graph"]:
                check_posting(self, p, context=False)
                seen.append(tuple(p["identifier"]["value"].split(":", 1)))
            link = a.headers.get("link")
            if link is None:
                path = None
            else:
                m = re.match(r'^<(/jobs\.jsonld\?after=[^>]+)>; rel="next"$',
                             link)
                self.assertIsNotNone(m, link)
                path = m.group(1)
            pages += 1
            self.assertLess(pages, 20)
        self.assertEqual(sorted(seen), sorted(self.open))
        self.assertGreaterEqual(pages, 3)
        for q in ("?after=", "?after=emp-a", "?after=emp%20a:x"):
            with self.subTest(q=q):
                self.assertEqual(self.get("/jobs.jsonld" + q).status, 400)
        a = self.get("/jobs.jsonld?after=zzz:zzz")
        self.assertEqual(a.json()["@graph"], [])
        self.assertNotIn("link", a.headers)
        # the method gives the same, with its cursor
        r = self.c.result("job.list", {"status": "open", "format": "jsonld",
                                       "limit": 100})
        self.assertEqual(sorted(tuple(p["identifier"]["value"].split(":", 1))
                                for p in r["@graph"]), sorted(self.open))
        self.assertIsNone(r["next_cursor"])


class NotLoadedTest(unittest.TestCase):

    def test_503_before_the_mirror_is_loaded(self):
        env = GatewayEnv(extra=["redis 127.0.0.1:%d" % h.free_port()],
                         wait_loaded=False)
        self.addCleanup(env.stop)
        for path in ("/jobs.jsonld", "/jobs/emp-a/x.jsonld"):
            a = http(env.http_port, "GET", path)
            self.assertEqual(a.status, 503, a)


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_apply.py - how to apply for a posting: contact, apply_by and
how_to_apply on job.post, an employer's default contact on employer.put,
each member validated (every refusal names its field, stores nothing and
leaves the daemon serving); a posting's contact over its employer's,
member by member, in job.get and in match results; a posting past its
apply_by left out of match, skills.suggest and job.candidates while
job.get still answers it; the line of what to do next in /qr.txt and
/qr.svg (decoded with zbarimg), and the sample data's postings with
contacts still fitting one symbol.
"""
import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import harness as h
from gwlib import GatewayEnv, http

HAVE_TOOLS = shutil.which("zbarimg") and shutil.which("rsvg-convert")
DATA = os.path.join(h.HERE, "..", "..", "data")

EMP_CONTACT = {"name": "人事科", "phone": "023-74681234",
               "address": "垫江县桂溪街道东部新城大道88号", "hours": "工作日 9:00-17:00"}
PROFILE = {"disability": {"type": "physical", "grade": 3},
           "skills": ["客服"], "town": h.GUIXI}


def day(offset):
    return (datetime.date.today() + datetime.timedelta(days=offset)) \
        .isoformat()


class ApplyTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = GatewayEnv()
        cls.addClassCleanup(cls.env.cleanup)
        cls.port = cls.env.http_port
        cls.c = cls.env.daemon.client(h.STAFF)
        cls.addClassCleanup(cls.c.close)
        cls.c.result("employer.put", {"employer": dict(
            h.EMPLOYER_A, contact=EMP_CONTACT)})
        cls.c.result("employer.put", {"employer": {
            "id": "emp-b", "name": "乙单位", "type": "private",
            "town": h.GUIXI}})

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def post(self, j):
        return self.c.result("job.post", {"job": j})

    def get(self, emp, id):
        return self.c.result("job.get", {"id": id, "employer_id": emp})

    def match(self, **kw):
        with self.env.daemon.client(h.KIOSK) as k:
            r = k.result("match", dict({"profile": PROFILE, "limit": 100},
                                       **kw))
        return {(x["job"]["employer_id"], x["job"]["id"]): x["job"]
                for x in r["results"]}

    def refused(self, job, field, method="job.post", key="job"):
        e = self.c.error(method, {key: job}, h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], field, e)
        return e

    def test_validation_names_every_field(self):
        long = "长" * 101
        cases = [
            ({"contact": "023-74681234"}, "job.contact"),
            ({"contact": {"fax": "1"}}, "job.contact.fax"),
            ({"contact": {"name": ""}}, "job.contact.name"),
            ({"contact": {"name": long}}, "job.contact.name"),
            ({"contact": {"name": 5}}, "job.contact.name"),
            ({"contact": {"phone": "023-7468abcd"}}, "job.contact.phone"),
            ({"contact": {"phone": "1234"}}, "job.contact.phone"),
            ({"contact": {"phone": "1" * 21}}, "job.contact.phone"),
            ({"contact": {"phone": "1 " * 16 + "1"}}, "job.contact.phone"),
            ({"contact": {"phone": ""}}, "job.contact.phone"),
            ({"contact": {"address": ""}}, "job.contact.address"),
            ({"contact": {"address": "址" * 201}}, "job.contact.address"),
            ({"contact": {"hours": "时" * 101}}, "job.contact.hours"),
            ({"contact": {"url": "ftp://example.org"}}, "job.contact.url"),
            ({"contact": {"url": "https://"}}, "job.contact.url"),
            ({"contact": {"url": "https://a b.org"}}, "job.contact.url"),
            ({"contact": {"url": "https://a.org/\x01"}}, "job.contact.url"),
            ({"contact": {"url": "https://a.org/" + "x" * 487}},
             "job.contact.url"),
            ({"contact": {"email": "hr"}}, "job.contact.email"),
            ({"contact": {"email": "hr@localhost"}}, "job.contact.email"),
            ({"contact": {"email": "h@r@a.cn"}}, "job.contact.email"),
            ({"contact": {"email": "h r@a.cn"}}, "job.contact.email"),
            ({"contact": {"email": "@a.cn"}}, "job.contact.email"),
            ({"contact": {"email": "h@" + "a" * 250 + ".cn"}},
             "job.contact.email"),
            ({"apply_by": "2026-02-30"}, "job.apply_by"),
            ({"apply_by": "1999-12-31"}, "job.apply_by"),
            ({"apply_by": "2100-01-01"}, "job.apply_by"),
            ({"apply_by": "26-01-01"}, "job.apply_by"),
            ({"apply_by": 20260101}, "job.apply_by"),
            ({"how_to_apply": ""}, "job.how_to_apply"),
            ({"how_to_apply": "请" * 1001}, "job.how_to_apply"),
            ({"how_to_apply": ["电话"]}, "job.how_to_apply"),
        ]
        for extra, field in cases:
            with self.subTest(field=field, extra=extra):
                self.refused(h.job("v-bad", **extra), field)
        for extra, field in cases[:24]:
            with self.subTest(employer=field):
                self.refused(dict(h.EMPLOYER_A, id="emp-v", **extra),
                             field.replace("job.", "employer."),
                             "employer.put", "employer")
        # nothing was stored, and the daemon serves on
        self.c.error("job.get", {"id": "v-bad", "employer_id": "emp-a"},
                     h.NOT_FOUND)
        self.c.error("employer.get", {"id": "emp-v"}, h.NOT_FOUND)
        # the limits themselves are accepted
        ok = {"name": "名" * 100, "phone": "+86 (023) 7468-1234",
              "address": "址" * 200, "hours": "时" * 100,
              "url": "https://a.org/" + "x" * 486,
              "email": "h@" + "a" * 249 + ".cn"}
        self.post(h.job("v-max", contact=ok, apply_by="2099-12-31",
                        how_to_apply="请" * 1000))
        got = self.get("emp-a", "v-max")
        self.assertEqual(got["contact"], dict(EMP_CONTACT, **ok))
        self.assertEqual(got["apply_by"], "2099-12-31")

    def test_empty_contact_stored_as_given(self):
        self.post(h.job("e-empty", employer_id="emp-b", contact={}))
        got = self.get("emp-b", "e-empty")
        self.assertEqual(got["contact"], {})
        raw = self.env.redis.cmd("HGET", "jm:job:emp-b:e-empty", "doc")
        self.assertEqual(json.loads(raw)["contact"], {})
        self.c.result("job.close", {"id": "e-empty", "employer_id": "emp-b"})

    def test_inheritance_member_by_member(self):
        self.post(h.job("i-own", contact={"phone": "023-74685555",
                                         "email": "hr@dj-a.cn"}))
        self.post(h.job("i-none"))
        self.post(h.job("i-b", employer_id="emp-b"))
        self.post(h.job("i-b-own", employer_id="emp-b",
                        contact={"name": "王老师"}))
        own = dict(EMP_CONTACT, phone="023-74685555", email="hr@dj-a.cn")
        self.assertEqual(self.get("emp-a", "i-own")["contact"], own)
        # the stored document keeps what was sent
        raw = json.loads(self.env.redis.cmd("HGET", "jm:job:emp-a:i-own",
                                            "doc"))
        self.assertEqual(raw["contact"], {"phone": "023-74685555",
                                          "email": "hr@dj-a.cn"})
        self.assertEqual(self.get("emp-a", "i-none")["contact"], EMP_CONTACT)
        self.assertNotIn("contact", self.get("emp-b", "i-b"))
        self.assertEqual(self.get("emp-b", "i-b-own")["contact"],
                         {"name": "王老师"})
        m = self.match()
        self.assertEqual(m[("emp-a", "i-own")]["contact"], own)
        self.assertEqual(m[("emp-a", "i-none")]["contact"], EMP_CONTACT)
        self.assertNotIn("contact", m[("emp-b", "i-b")])
        for k in ("apply_by", "how_to_apply"):
            self.assertNotIn(k, m[("emp-a", "i-none")])
        # the employer's contact changes: its postings follow
        self.c.result("employer.put", {"employer": dict(
            h.EMPLOYER_A, contact={"phone": "023-74680000"})})
        try:
            self.assertEqual(self.get("emp-a", "i-own")["contact"],
                             {"phone": "023-74685555", "email": "hr@dj-a.cn"})
            self.assertEqual(self.match()[("emp-a", "i-none")]["contact"],
                             {"phone": "023-74680000"})
        finally:
            self.c.result("employer.put", {"employer": dict(
                h.EMPLOYER_A, contact=EMP_CONTACT)})
        for emp, id in (("emp-a", "i-own"), ("emp-a", "i-none"),
                        ("emp-b", "i-b"), ("emp-b", "i-b-own")):
            self.c.result("job.close", {"id": id, "employer_id": emp})

    def test_results_carry_how_to_apply(self):
        self.post(h.job("r-1", apply_by=day(30), how_to_apply="带残疾证到人事科面试",
                        contact={"url": "https://dj-a.cn/jobs"}))
        j = self.match()[("emp-a", "r-1")]
        self.assertEqual(j["apply_by"], day(30))
        self.assertEqual(j["how_to_apply"], "带残疾证到人事科面试")
        self.assertEqual(j["contact"], dict(EMP_CONTACT,
                                            url="https://dj-a.cn/jobs"))
        self.c.result("job.close", {"id": "r-1", "employer_id": "emp-a"})

    def test_apply_by_past_is_not_matched(self):
        skill = "压缩机装配"
        sk = {"skills": [skill]}
        self.post(h.job("p-past", apply_by=day(-1), **sk))
        self.post(h.job("p-today", apply_by=day(0), **sk))
        self.post(h.job("p-later", apply_by=day(1), **sk))
        self.c.result("seeker.put", {"seeker": dict(PROFILE, id="s-apply")})
        m = self.match()
        self.assertNotIn(("emp-a", "p-past"), m)
        self.assertIn(("emp-a", "p-today"), m)
        self.assertIn(("emp-a", "p-later"), m)
        with self.env.daemon.client(h.KIOSK) as k:
            s = k.result("skills.suggest", {"text": skill})["skills"]
        self.assertEqual([(x["skill"], x["postings"]) for x in s],
                         [(skill, 2)])
        self.c.error("job.candidates", {"job_id": "p-past",
                                        "employer_id": "emp-a"}, h.NOT_FOUND)
        c = self.c.result("job.candidates", {"job_id": "p-today",
                                             "employer_id": "emp-a"})
        self.assertIn("s-apply", [x["seeker"]["id"] for x in c["results"]])
        # job.get still answers it
        got = self.get("emp-a", "p-past")
        self.assertEqual((got["status"], got["apply_by"]), ("open", day(-1)))
        # moved into the past: it leaves the matches and the suggestions
        self.post(h.job("p-later", apply_by=day(-3), **sk))
        self.assertNotIn(("emp-a", "p-later"), self.match())
        with self.env.daemon.client(h.KIOSK) as k:
            s = k.result("skills.suggest", {"text": skill})["skills"]
        self.assertEqual([x["postings"] for x in s], [1])
        # a daemon started now does not load them into its mirror
        self.env.daemon.stop()
        self.env.daemon.start()
        self.__class__.c = self.env.daemon.client(h.STAFF)
        self.__class__.addClassCleanup(self.c.close)
        m = self.match()
        self.assertNotIn(("emp-a", "p-past"), m)
        self.assertIn(("emp-a", "p-today"), m)
        self.c.result("seeker.delete", {"id": "s-apply"})
        for id in ("p-past", "p-today", "p-later"):
            self.c.result("job.close", {"id": id, "employer_id": "emp-a"})

    def qr(self, path, jobs, lang):
        return http(self.port, "GET", "%s?jobs=%s&lang=%s" % (
            path, ",".join(jobs), lang),
            headers={"Authorization": "Bearer " + h.KIOSK})

    def test_qr_next_step_line(self):
        self.post(h.job("q-a", title="包装工", apply_by=day(40),
                        contact={"phone": "023-74687777"}))
        self.post(h.job("q-b", employer_id="emp-b", title="保洁员"))
        self.post(h.job("q-c", employer_id="emp-b", title="仓管员",
                        apply_by=day(41)))
        jobs = ["emp-a:q-a", "emp-b:q-b", "emp-b:q-c"]
        zh = self.qr("/qr.txt", jobs, "zh").body.decode().split("\n")
        self.assertEqual(zh, [
            "1. 包装工 | 甲单位 | 桂溪街道 | 薪资面议 | 编号 emp-a:q-a",
            "   电话 023-74687777 | 地址 " + EMP_CONTACT["address"] +
            " | 截止 " + day(40),
            "2. 保洁员 | 乙单位 | 桂溪街道 | 薪资面议 | 编号 emp-b:q-b",
            "3. 仓管员 | 乙单位 | 桂溪街道 | 薪资面议 | 编号 emp-b:q-c",
            "   截止 " + day(41)])
        en = self.qr("/qr.txt", jobs[:1], "en").body.decode().split("\n")
        self.assertEqual(en[1], "   Tel 023-74687777 | Address " +
                         EMP_CONTACT["address"] + " | Apply by " + day(40))
        if HAVE_TOOLS or os.environ.get("CI"):
            for lang in ("zh", "en"):
                txt = self.qr("/qr.txt", jobs, lang).body
                svg = self.qr("/qr.svg", jobs, lang)
                self.assertEqual(svg.status, 200, svg)
                self.assertEqual(decode(svg.body), txt)
        for emp, id in (("emp-a", "q-a"), ("emp-b", "q-b"), ("emp-b", "q-c")):
            self.c.result("job.close", {"id": id, "employer_id": emp})

    @unittest.skipUnless(HAVE_TOOLS or os.environ.get("CI"),
                         "zbarimg or rsvg-convert missing")
    def test_sample_postings_with_contacts_fit_one_symbol(self):
        env = GatewayEnv()
        self.addCleanup(env.stop)
        jobs = []
        with env.daemon.client(h.STAFF) as c:
            for name in ("employers.jsonl", "jobs.jsonl"):
                with open(os.path.join(DATA, name), encoding="utf-8") as f:
                    for ln in f:
                        req = json.loads(ln)
                        j = req["params"].get("job")
                        # a sample date gone by is moved (the text keeps
                        # its length): the test stays true after it
                        if j and j.get("apply_by", "9") < time.strftime(
                                "%Y-%m-%d"):
                            j["apply_by"] = "2099-12-31"
                        c.result(req["method"], req["params"])
                        if j and ("contact" in j or "apply_by" in j):
                            jobs.append(j)
        self.assertGreaterEqual(len(jobs), 30)
        # the five with the longest titles and contacts
        jobs.sort(key=lambda j: -len(json.dumps(j, ensure_ascii=False)))
        names = ["%s:%s" % (j["employer_id"], j["id"]) for j in jobs[:5]]
        for lang in ("zh", "en"):
            txt = http(env.http_port, "GET", "/qr.txt?jobs=%s&lang=%s" % (
                ",".join(names), lang),
                headers={"Authorization": "Bearer " + h.KIOSK})
            self.assertEqual(txt.status, 200, txt)
            self.assertGreaterEqual(txt.body.decode().count("\n   "), 5)
            svg = http(env.http_port, "GET", "/qr.svg?jobs=%s&lang=%s" % (
                ",".join(names), lang),
                headers={"Authorization": "Bearer " + h.KIOSK})
            self.assertEqual(svg.status, 200, svg)
            self.assertEqual(decode(svg.body), txt.body)


def decode(svg):
    d = tempfile.mkdtemp()
    try:
        with open(os.path.join(d, "qr.svg"), "wb") as f:
            f.write(svg)
        subprocess.run(["rsvg-convert", "-o", os.path.join(d, "qr.png"),
                        os.path.join(d, "qr.svg")], check=True)
        r = subprocess.run(["zbarimg", "--raw", "-q", "-Sbinary",
                            os.path.join(d, "qr.png")],
                           capture_output=True, check=True)
        return r.stdout
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    h.main()

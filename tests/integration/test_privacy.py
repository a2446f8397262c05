# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_privacy.py - what jobmatchd keeps of the people it serves: after a
session with real profiles, registered seekers, every kind of token (good
and bad) and every error path, at log_level debug, neither the daemon's
log nor Redis holds a token, a kiosk profile, or a seeker's data beyond
the seeker record itself (which seeker.delete erases), whether the
requests came as lines or through the HTTP gateway. An interest (a
person's name, phone and needs left at a kiosk, and staff's note) is in
Redis only until interest.delete erases it: never in the log, the
change stream or the metrics. The log's audit lines say who wrote what
(daemon/audit.h), over HTTP too, without naming a seeker or anything of
an interest. A job fair's statistics, counted from the searches and QR
codes of a kiosk bound to it, hold counters only: no profile field
reaches them, the change stream or the log. An employer's roster of
disabled employees is in Redis and staff's answers only: its change-stream
entry names the employer alone, and nothing of an entry is logged, even
when the roster is refused.
"""
import json
import os
import re
import unittest

import gwlib
import harness as h

GUIXI = "500231001000"
# Distinctive values, so that a stray copy is found by a plain search.
SECRET_SKILL = "盲文速记术ZQX"
SECRET_NAME = "测试人员甲ZQX"
SECRET_SEEKER_SKILL = "手语直播ZQX"
SECRET_CERT = "51023119800101123X42ZQX"
BAD_TOKEN = "not-a-token-ZQX-7741"
# an interest's: a name, a phone number (digits alone, as phones are), a
# phone refused, a need no other request names, staff's note
SECRET_CONTACT = "联系人员乙ZQX"
SECRET_PHONE = "+86 139-7741-0042"
SECRET_BAD_PHONE = "139 7741 0043 ZQX"
SECRET_NEED = "sign_language"
SECRET_NOTE = "面谈备注丙ZQX"
# notes of an employment record and of a follow-up visit (staff's)
SECRET_EMPLOYMENT_NOTE = "自办按摩店丁ZQX"
SECRET_FOLLOWUP_NOTE = "回访家中困难戊ZQX"
INTEREST_SECRETS = [SECRET_CONTACT, SECRET_PHONE, "13977410042",
                    SECRET_BAD_PHONE, SECRET_NEED, SECRET_NOTE]
FAIR_KIOSK = "fair-kiosk-ZQX-5521"
# a roster's: a seeker's id, a wage and a birth year no other request
# holds (an entry's fields are personal data, in Redis only)
ROSTER_SEEKER = "s-rosterZQX"
ROSTER_WAGE = 23719
ROSTER_YEAR = 1977
ROSTER_SECRETS = [ROSTER_SEEKER, str(ROSTER_WAGE), str(ROSTER_YEAR)]


def leaked(secret, hay):
    """Whether secret (str) is in hay (bytes). A number counts only as a
    number of its own: the stream's ids and the log's times are digits,
    and a millisecond id such as 1796616731977-0 holds 1977 by chance."""
    if secret.isdigit():
        return re.search(rb"(?<![0-9])" + secret.encode() + rb"(?![0-9])",
                         hay) is not None
    return secret.encode() in hay
# the counters a fair's statistics may hold (docs/design.md)
STATS_FIELD = re.compile(r"^(searches|results|qr|interests|followed_up|"
                         r"hired|s:[a-z]+|h:\d{4}-\d\d-\d\dT\d\d"
                         r"(:[a-z]+)?)$")


class PrivacyTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.metrics_port = h.free_port()
        cls.env = gwlib.GatewayEnv(extra=[
            "log_level debug",
            "metrics_listen 127.0.0.1:%d" % cls.metrics_port,
            "token kiosk@fair-p %s" % h.digest(FAIR_KIOSK)])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.http_port = cls.env.http_port
        cls.redis = cls.env.redis

    def session(self):
        staff = h.Client(self.d.port)
        self.addCleanup(staff.close)
        staff.hello(h.STAFF)
        audit = self.audit = []         # the audit lines the writes make

        def written(what, r):
            audit.append("%s: version %d%s" % (
                what, r["version"], ", created" if r.get("created") else ""))

        written("employer.put by staff: employer emp-p",
                staff.result("employer.put", {"employer": {
                    "id": "emp-p", "name": "隐私测试单位", "type": "private",
                    "town": GUIXI}}))
        written("job.post by staff: employer emp-p, job p1",
                staff.result("job.post", {"job": {
                    "id": "p1", "employer_id": "emp-p", "title": "速记员",
                    "skills": ["速记"], "accessible_for": ["any"],
                    "employment_type": "full_time", "town": GUIXI}}))
        profile = {"disability": {"type": "visual", "grade": 1},
                   "skills": [SECRET_SKILL], "town": GUIXI,
                   "needs": ["screen_reader"], "flags": ["low_income"]}
        kiosk = h.Client(self.d.port)
        self.addCleanup(kiosk.close)
        kiosk.hello(h.KIOSK)
        for explain in (False, True):
            kiosk.result("match", {"profile": profile, "explain": explain})
        # an invalid profile: the error names the field, never the value
        bad = dict(profile, disability={"type": "visual", "grade": 9})
        r = kiosk.call("match", {"profile": bad})
        self.assertEqual(r["error"]["code"], -32602)
        staff.result("rules.explain", {"profile": profile, "job_id": "p1",
                                       "employer_id": "emp-p"})
        # a registered seeker, matched, then erased
        seeker = {"id": "s-9001", "name": SECRET_NAME,
                  "certificate_no": SECRET_CERT,
                  "disability": {"type": "hearing", "grade": 2},
                  "skills": [SECRET_SEEKER_SKILL], "town": GUIXI}
        staff.result("seeker.put", {"seeker": seeker})
        audit.append("seeker.put by staff: done")
        # a bad certificate number: the error names the field alone
        r = staff.call("seeker.put", {"seeker": dict(
            seeker, certificate_no=SECRET_CERT + "-")})
        self.assertEqual(r["error"]["data"]["field"],
                         "seeker.certificate_no")
        self.assertNotIn(SECRET_CERT, json.dumps(r))
        audit.append("seeker.put by staff: error -32602")
        # the per-person export, without export_personal: no name, no
        # certificate number; its audit line counts rows, never shows one
        r = staff.result("seeker.export", {})
        self.assertFalse(r["personal"])
        self.assertIn("s-9001", [x["seeker_id"] for x in r["rows"]])
        for x in (SECRET_NAME, SECRET_CERT):
            self.assertNotIn(x, json.dumps(r, ensure_ascii=False))
        audit.append("seeker.export by staff: %d rows, personal no" %
                     len(r["rows"]))
        staff.result("match", {"seeker_id": "s-9001"})
        staff.result("job.candidates", {"job_id": "p1",
                                        "employer_id": "emp-p"})
        # the writes the audit lines name: an employer's own, staff's
        written("employer.put by staff: employer emp-a",
                staff.result("employer.put", {"employer": {
                    "id": "emp-a", "name": "隐私测试甲", "type": "soe",
                    "town": GUIXI}}))
        emp = h.Client(self.d.port)
        self.addCleanup(emp.close)
        emp.hello(h.EMP_A)
        written("job.post by employer emp-a: employer emp-a, job pa1",
                emp.result("job.post", {"job": {
                    "id": "pa1", "employer_id": "emp-a", "title": "文员",
                    "skills": ["速记"], "accessible_for": ["any"],
                    "employment_type": "full_time", "town": GUIXI}}))
        written("job.close by employer emp-a: employer emp-a, job pa1",
                emp.result("job.close", {"employer_id": "emp-a",
                                         "id": "pa1"}))
        staff.error("job.close", {"employer_id": "emp-p", "id": "nope"},
                    h.NOT_FOUND)
        audit.append("job.close by staff: employer emp-p, job nope: "
                     "error -32002")
        with open(os.path.join(h.DATA_DIR, "rules.default.json"),
                  encoding="utf-8") as f:
            rules = json.load(f)
        v = staff.result("rules.get")["version"]
        written("rules.set by staff", staff.result("rules.set", {
            "rules": rules, "expected_version": v}))
        # employment and a follow-up, with notes: personal data, never
        # logged, never in the change stream, erased with the seeker
        staff.result("employment.record", {
            "seeker_id": "s-9001", "form": "self_employed",
            "date": "2024-03-01", "note": SECRET_EMPLOYMENT_NOTE})
        audit.append("employment.record by staff: done")
        staff.result("followup.record", {
            "seeker_id": "s-9001", "date": "2024-06-01",
            "outcome": "at_risk", "note": SECRET_FOLLOWUP_NOTE})
        audit.append("followup.record by staff: done")
        for m, rows in (("employment.list", "employments"),
                        ("followup.list", "followups")):
            staff.result(m, {"seeker_id": "s-9001"})[rows][0]
        staff.result("followup.due", {"date": "2024-12-31"})
        staff.result("subsidy.window", {"date": "2024-12-31"})
        dump = self.redis_dump()
        self.notes_in_redis = all(x.encode() in dump for x in (
            SECRET_EMPLOYMENT_NOTE, SECRET_FOLLOWUP_NOTE))
        r = staff.result("placement.record", {
            "seeker_id": "s-9001", "job_id": "p1", "employer_id": "emp-p",
            "date": "2024-05-01"})
        audit.append("placement.record by staff: employer emp-p, job p1: "
                     "placement %s, %s" % (r["id"], "created" if r["created"]
                                           else "recorded before"))
        staff.result("seeker.delete", {"id": "s-9001"})
        audit.append("seeker.delete by staff: done")
        # an employer's roster: written, refused (the error names the
        # field, never the value), read, quota'd
        entry = {"seeker_id": ROSTER_SEEKER, "certificate": "disability",
                 "grade": 2, "birth_year": ROSTER_YEAR, "sex": "female",
                 "on_establishment": False, "contract_start": "2024-01-01",
                 "contract_months": 24, "monthly_wage": ROSTER_WAGE,
                 "insurance_paid": True}
        written("employer.roster.put by staff: employer emp-p",
                staff.result("employer.roster.put", {
                    "employer_id": "emp-p", "entries": [entry]}))
        e = staff.error("employer.roster.put", {
            "employer_id": "emp-p", "entries": [dict(entry, grade=7)]},
            h.INVALID_PARAMS)
        for x in ROSTER_SECRETS:
            self.assertNotIn(x, json.dumps(e, ensure_ascii=False))
        audit.append("employer.roster.put by staff: employer emp-p: "
                     "error -32602")
        got = staff.result("employer.roster.get", {"employer_id": "emp-p"})
        self.assertEqual(got["entries"], [entry])
        self.roster_in_redis = ROSTER_SEEKER.encode() in self.redis_dump()
        staff.error("employer.quota", {"id": "emp-p"}, h.INVALID_PARAMS)
        # an interest: recorded at a kiosk, read, followed up, erased;
        # refused without consent and with a bad phone, never echoed
        written("job.post by staff: employer emp-p, job p3",
                staff.result("job.post", {"job": {
                    "id": "p3", "employer_id": "emp-p", "title": "速记员三",
                    "accessible_for": ["any"],
                    "employment_type": "full_time", "town": GUIXI}}))
        contact = {"job": {"id": "p3", "employer_id": "emp-p"},
                   "person": {"name": SECRET_CONTACT, "phone": SECRET_PHONE},
                   "consent": {"contact": True, "share_with_employer": True},
                   "needs": [SECRET_NEED]}
        for change in ({"consent": {"contact": False,
                                    "share_with_employer": True}},
                       {"person": {"name": SECRET_CONTACT,
                                   "phone": SECRET_BAD_PHONE}}):
            e = kiosk.error("interest.record", dict(contact, **change),
                            h.INVALID_PARAMS)
            for x in INTEREST_SECRETS:
                self.assertNotIn(x, json.dumps(e, ensure_ascii=False))
            audit.append("interest.record by kiosk: error -32602")
        iid = kiosk.result("interest.record", contact)["id"]
        audit.append("interest.record by kiosk: done")
        rows = staff.result("interest.list", {})["interests"]
        self.assertEqual(rows[0]["person"]["name"], SECRET_CONTACT)
        staff.result("interest.update", {"id": iid, "status": "contacted",
                                         "note": SECRET_NOTE})
        audit.append("interest.update by staff: done")
        self.interest_in_redis = SECRET_NOTE.encode() in self.redis_dump()
        staff.result("interest.delete", {"id": iid})
        audit.append("interest.delete by staff: done")
        a = gwlib.rpc(self.http_port, h.request("interest.record", contact,
                                                id=9), token=h.KIOSK)
        iid = a.json()["result"]["id"]
        audit.append("interest.record by kiosk: done")
        self.stream_held_it = any(
            x in self.stream_dump() for x in
            (SECRET_CONTACT.encode(), SECRET_PHONE.encode(), b"interest"))
        staff.result("interest.delete", {"id": iid})
        audit.append("interest.delete by staff: done")
        # the same through the HTTP gateway: a kiosk's match, a staff
        # write, a wrong token
        port = self.http_port
        for explain in (False, True):
            a = gwlib.rpc(port, h.request("match", {
                "profile": profile, "explain": explain}, id=1),
                token=h.KIOSK)
            self.assertIn("result", a.json())
        a = gwlib.rpc(port, h.request("match", {"profile": bad}, id=2),
                      token=h.KIOSK)
        self.assertEqual(a.json()["error"]["code"], -32602)
        written("job.post by staff: employer emp-p, job p2",
                gwlib.rpc(port, h.request("job.post", {"job": {
                    "id": "p2", "employer_id": "emp-p", "title": "速记员二",
                    "skills": ["速记"], "accessible_for": ["any"],
                    "employment_type": "full_time", "town": GUIXI}}, id=3),
                    token=h.STAFF).json()["result"])
        a = gwlib.rpc(port, h.request("ping", id=4), token=BAD_TOKEN)
        self.assertEqual(a.status, 401)
        # wrong tokens, and the good ones again
        anon = h.Client(self.d.port)
        self.addCleanup(anon.close)
        r = anon.call("hello", {"token": BAD_TOKEN})
        self.assertEqual(r["error"]["code"], -32001)
        for tok in (h.KIOSK, h.STAFF, h.EMP_A):
            c = h.Client(self.d.port)
            self.addCleanup(c.close)
            c.hello(tok)
        # a job fair, and the searches and QR codes of its kiosk
        written("job.post by staff: employer emp-p, job p3",
                staff.result("job.post", {"job": {
                    "id": "p3", "employer_id": "emp-p", "title": "速记员三",
                    "skills": ["速记"], "accessible_for": ["any"],
                    "accommodations": ["screen_reader"],
                    "employment_type": "full_time", "town": GUIXI}}))
        written("fair.put by staff", staff.result("fair.put", {"fair": {
            "id": "fair-p", "name": "隐私测试招聘会", "date": "2026-05-17",
            "venue": "体育馆", "town": GUIXI,
            "exhibitors": [{"employer_id": "emp-p", "booth": "A1"}]}}))
        fk = h.Client(self.d.port)
        self.addCleanup(fk.close)
        fk.hello(FAIR_KIOSK)
        searched = staff.result("fair.stats", {"id": "fair-p"})[
            "searches"]["total"]
        for explain in (False, True):
            r = fk.result("match", {"profile": profile, "explain": explain})
            self.assertEqual(r["results"][0]["job"]["booth"], "A1")
        kiosk.result("match", {"profile": profile,
                               "filters": {"fair": "fair-p"}})
        a = gwlib.rpc(self.http_port, h.request("match", {
            "profile": profile}, id=5), token=FAIR_KIOSK)
        self.assertIn("result", a.json())
        for path in ("/qr.txt?jobs=emp-p:p3", "/qr.svg?jobs=emp-p:p3"):
            a = gwlib.http(self.http_port, "GET", path, headers={
                "Authorization": "Bearer " + FAIR_KIOSK})
            self.assertEqual(a.status, 200)
        self.assertEqual(staff.result("fair.stats", {"id": "fair-p"})[
            "searches"]["total"], searched + 4)

    def stream_dump(self):
        """Every entry of the change stream, as bytes."""
        out = []
        for _id, fields in self.redis.cmd("XRANGE", "jm:changes", "-", "+"):
            out.append(_id)
            out.extend(fields)
        return b"\n".join(x if isinstance(x, bytes) else str(x).encode()
                          for x in out)

    def redis_dump(self):
        """Every key and every value in Redis, as bytes."""
        out = []
        cursor = b"0"
        while True:
            cursor, keys = self.redis.cmd("SCAN", cursor, "COUNT", "1000")
            for k in keys:
                out.append(k)
                t = self.redis.cmd("TYPE", k)
                if isinstance(t, str):
                    t = t.encode()
                if t == b"string":
                    out.append(self.redis.cmd("GET", k) or b"")
                elif t == b"hash":
                    out.extend(self.redis.cmd("HGETALL", k))
                elif t in (b"set",):
                    out.extend(self.redis.cmd("SMEMBERS", k))
                elif t == b"zset":
                    out.extend(self.redis.cmd("ZRANGE", k, "0", "-1"))
                elif t == b"stream":
                    for _id, fields in self.redis.cmd("XRANGE", k, "-",
                                                      "+"):
                        out.append(_id)
                        out.extend(fields)
            if cursor in (b"0", 0, "0"):
                break
        return b"\n".join(x if isinstance(x, bytes) else str(x).encode()
                          for x in out)

    def test_nothing_personal_is_kept(self):
        self.session()
        with open(self.d.log, "rb") as f:
            log = f.read()
        self.assertIn(b"match", log, "the log is not at debug level")
        secrets = [SECRET_SKILL, SECRET_NAME, SECRET_SEEKER_SKILL, BAD_TOKEN,
                   h.KIOSK, h.STAFF, h.EMP_A, "screen_reader",
                   "low_income", SECRET_CERT] + INTEREST_SECRETS + ROSTER_SECRETS
        secrets += [FAIR_KIOSK, SECRET_EMPLOYMENT_NOTE, SECRET_FOLLOWUP_NOTE]
        for s in secrets:
            self.assertFalse(leaked(s, log),
                             "%r is in the daemon's log" % s)
        dump = self.redis_dump()
        # the dump holds values, not only keys: the posting's title
        self.assertIn("速记员".encode(), dump, "the Redis dump is empty")
        # (vocabulary words such as low_income stand in the rule set)
        for s in (SECRET_SKILL, SECRET_NAME, SECRET_SEEKER_SKILL, BAD_TOKEN,
                  h.KIOSK, h.STAFF, h.EMP_A, SECRET_CONTACT, SECRET_PHONE,
                  SECRET_BAD_PHONE, SECRET_NOTE, FAIR_KIOSK,
                  SECRET_EMPLOYMENT_NOTE, SECRET_FOLLOWUP_NOTE, SECRET_CERT):
            self.assertFalse(s.encode() in dump, "%r is in Redis" % s)
        # the notes were in Redis until seeker.delete (the dump would have
        # found them); the change stream has the records' ids alone
        self.assertTrue(self.notes_in_redis)
        stream = self.stream_dump()
        for x in (SECRET_EMPLOYMENT_NOTE, SECRET_FOLLOWUP_NOTE,
                  "self_employed", "at_risk"):
            self.assertNotIn(x.encode(), stream)
        ops = set()
        for _id, fields in self.redis.cmd("XRANGE", "jm:changes", "-", "+"):
            f = dict(zip(fields[::2], fields[1::2]))
            if f.get(b"op") in (b"employment.record", b"followup.record"):
                ops.add(f[b"op"])
                self.assertEqual(set(f), {b"op", b"id"}, f)
        self.assertEqual(ops, {b"employment.record", b"followup.record"})
        # a seeker's certificate number never reached the change stream
        self.assertNotIn(SECRET_CERT.encode(), stream)
        # the interest was in Redis until interest.delete (the dump would
        # have found it), and never in the change stream
        self.assertTrue(self.interest_in_redis)
        self.assertFalse(self.stream_held_it,
                         "an interest is in the change stream")
        self.assertNotIn(b"interest", self.stream_dump())
        # nor in the metrics, whose labels name methods only
        m = gwlib.http(self.metrics_port, "GET", "/metrics")
        self.assertEqual(m.status, 200)
        self.assertIn(b'method="interest.record"', m.body)
        for s in INTEREST_SECRETS + [SECRET_SKILL, SECRET_NAME]:
            self.assertNotIn(s.encode(), m.body, "%r is in /metrics" % s)
        # the fair's statistics: counters by type and hour, nothing else
        # (no skill, need, flag or grade of the profiles searched)
        stats = self.redis.cmd("HGETALL", "jm:fair:fair-p:stats")
        self.assertTrue(stats, "no statistics were counted")
        for k, v in zip(stats[::2], stats[1::2]):
            self.assertRegex(k.decode(), STATS_FIELD)
            self.assertTrue(v.isdigit(), (k, v))
        self.assertIn(b"s:visual", stats[::2])
        # the roster is in Redis (staff read it back), its change-stream
        # entry names the employer alone
        self.assertTrue(self.roster_in_redis)
        rosters = 0
        for _id, fields in self.redis.cmd("XRANGE", "jm:changes", "-", "+"):
            f = dict(zip(fields[::2], fields[1::2]))
            if f.get(b"op") == b"employer.roster.put":
                rosters += 1
                self.assertEqual(set(f), {b"op", b"employer", b"version"})
                self.assertEqual(f[b"employer"], b"emp-p")
                self.assertTrue(f[b"version"].isdigit())
        self.assertGreaterEqual(rosters, 1)
        stream = self.stream_dump()
        for x in ROSTER_SECRETS + ["female"]:
            self.assertFalse(leaked(x, stream), "%r is in the stream" % x)
        # the change stream names the fair, never what was searched
        for _id, fields in self.redis.cmd("XRANGE", "jm:changes", "-", "+"):
            f = dict(zip(fields[::2], fields[1::2]))
            if f.get(b"op") == b"fair.put":
                self.assertEqual(set(f), {b"op", b"id", b"version"})
            self.assertFalse(any(b"stats" in x or b"visual" in x
                                 for x in fields), fields)
        # the token digests are in the config only, never in the log
        for tok in (h.KIOSK, h.STAFF):
            self.assertFalse(h.digest(tok).encode() in log,
                             "a token's digest is in the log")
        # nor a seeker's id, not even in the audit of a seeker's writes
        self.assertNotIn(b"s-9001", log)

    def test_public_outputs_hold_no_profile(self):
        """How to apply and JSON-LD are public: after kiosk matches with a
        profile, nothing of it reaches a result's contact, the QR text,
        job.get or the JSON-LD answers (anyone may read those)."""
        self.session()
        staff = h.Client(self.d.port)
        self.addCleanup(staff.close)
        staff.hello(h.STAFF)
        staff.result("job.post", {"job": {
            "id": "p-apply", "employer_id": "emp-p", "title": "录入员",
            "skills": ["速记"], "accessible_for": ["any"],
            "employment_type": "full_time", "town": GUIXI,
            "contact": {"phone": "023-74681111"}, "apply_by": "2099-12-31",
            "how_to_apply": "现场报名"}})
        profile = {"disability": {"type": "visual", "grade": 1},
                   "skills": [SECRET_SKILL, "速记"], "town": GUIXI,
                   "flags": ["low_income"]}
        port = self.http_port
        a = gwlib.rpc(port, h.request("match", {"profile": profile,
                                                "explain": True}, id=1),
                      token=h.KIOSK)
        hit = [r for r in a.json()["result"]["results"]
               if r["job"]["id"] == "p-apply"][0]
        self.assertEqual(hit["job"]["contact"], {"phone": "023-74681111"})
        outs = [json.dumps(hit["job"], ensure_ascii=False).encode()]
        for path, tok in (("/qr.txt?jobs=emp-p:p-apply", h.KIOSK),
                          ("/jobs/emp-p/p-apply.jsonld", None),
                          ("/jobs.jsonld", None)):
            a = gwlib.http(port, "GET", path, headers={
                "Authorization": "Bearer " + tok} if tok else {})
            self.assertEqual(a.status, 200, a)
            body = a.body
            if path == "/jobs.jsonld":
                # this posting's entry (other tests' postings offer help
                # of their own, such as a screen reader)
                body = [json.dumps(x, ensure_ascii=False).encode()
                        for x in json.loads(body)["@graph"]
                        if x["identifier"]["value"] == "emp-p:p-apply"]
                self.assertEqual(len(body), 1)
                body = body[0]
            outs.append(body)
        kiosk = h.Client(self.d.port)
        self.addCleanup(kiosk.close)
        kiosk.hello(h.KIOSK)
        outs.append(json.dumps(kiosk.result("job.get", {
            "id": "p-apply", "employer_id": "emp-p"}),
            ensure_ascii=False).encode())
        self.assertIn("023-74681111".encode(), outs[1])
        for out in outs:
            for s in (SECRET_SKILL, SECRET_NAME, SECRET_SEEKER_SKILL,
                      "screen_reader", "读屏软件", "low_income", "visual",
                      "视力残疾", h.KIOSK, h.STAFF):
                self.assertNotIn(s.encode(), out)

    def test_audit_lines(self):
        # one info line for each write, and none for a read (match,
        # job.candidates, rules.explain) or a kiosk: who, what, and how
        # it ended, at the default log level too
        before = len(self.d.log_text())
        self.session()
        audit = re.findall(r"^info conn \d+: audit: (.*)$",
                           self.d.log_text()[before:], re.M)
        self.assertEqual(audit, self.audit)


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_flags.py - postings flagged for discriminatory demands of disabled
applicants (the rule set's flags, shipped in data/rules.default.json):
job.post's answer and job.get give a posting's flags, with the reason in
Chinese and English, to staff and to the posting's own employer, never to
a kiosk; job.list gives each posting's flags to the same callers, and
{flagged: true} (staff) lists the flagged ones alone, closed ones too;
flagging never hides a posting from a match; a new rule set flags the
postings again. The data are the test's own: the sample postings make no
such demand (checked here too).
"""
import json
import os
import unittest

import harness as h

GUIXI = h.GUIXI
with open(os.path.join(h.DATA_DIR, "rules.default.json"),
          encoding="utf-8") as _f:
    DEFAULT = json.load(_f)
REASONS = {f["name"]: f["reason"] for f in DEFAULT["flags"]}
EMPLOYER_B = {"id": "emp-b", "name": "乙单位", "type": "private",
              "town": GUIXI}


def flags(*names):
    """The flags of a posting as the daemon gives them."""
    return [{"name": n, "reason": REASONS[n]} for n in names]


def job(id, emp="emp-a", **kw):
    return h.job(id, emp, accessible_for=["any"], **kw)


# A description whose demand comes after 3000 characters of duties: a
# pattern run on the first regex_max_subject bytes alone would miss it.
LONG = "负责整理、录入和归档各类资料。" * 200 + "任职要求：五官端正。"

POSTINGS = [
    job("ok-1", title="档案整理员", description="欢迎残疾人报名，提供无障碍通道。"),
    job("fl-health", title="仓库分拣员（身体健康）"),
    job("fl-many", title="前台接待",
        description="要求：身体健康，五官端正，身体无残疾。"),
    job("fl-long", title="资料员", description=LONG),
    job("fl-b", emp="emp-b", title="保安", description="四肢健全，形象好"),
    job("ok-b", emp="emp-b", title="网店客服"),
]
FLAGS = {
    "ok-1": [],
    "fl-health": flags("health_demand"),
    "fl-many": flags("health_demand", "no_disability_demand",
                     "appearance_demand"),
    "fl-long": flags("appearance_demand"),
    "fl-b": flags("able_bodied_demand", "appearance_demand"),
    "ok-b": [],
}


class FlagsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.d = h.Daemon(cls.redis.port)
        cls.addClassCleanup(cls.d.cleanup)
        cls.d.start()
        cls.staff = cls.d.client(h.STAFF)
        cls.addClassCleanup(cls.staff.close)
        cls.kiosk = cls.d.client(h.KIOSK)
        cls.addClassCleanup(cls.kiosk.close)
        cls.emp_a = cls.d.client(h.EMP_A)
        cls.addClassCleanup(cls.emp_a.close)
        cls.emp_b = cls.d.client(h.EMP_B)
        cls.addClassCleanup(cls.emp_b.close)
        cls.staff.result("employer.put", {"employer": h.EMPLOYER_A})
        cls.staff.result("employer.put", {"employer": EMPLOYER_B})
        cls.posted = {}
        for j in POSTINGS:
            c = cls.emp_a if j["employer_id"] == "emp-a" else cls.staff
            cls.posted[j["id"]] = c.result("job.post", {"job": j})

    def listing(self, client, **params):
        """Every posting of a job.list walk, by id."""
        out, cursor = {}, None
        while True:
            p = dict(params, limit=100)
            if cursor:
                p["cursor"] = cursor
            r = client.result("job.list", p)
            for j in r["jobs"]:
                out[(j["employer_id"], j["id"])] = j
            cursor = r["next_cursor"]
            if cursor is None:
                return out

    def test_post_answers_with_the_flags(self):
        # to the employer itself (emp-a posted its own) and to staff
        for id, r in self.posted.items():
            self.assertEqual(r["flags"], FLAGS[id], id)
            self.assertEqual(set(r), {"id", "version", "created", "flags"})
        # a dry run says what a write would raise, and writes nothing
        r = self.emp_a.result("job.post", {"job": job(
            "dry-1", title="话务员（形象气质佳）"), "dry_run": True})
        self.assertEqual(r, {"id": "dry-1", "dry_run": True,
                             "flags": flags("appearance_demand")})
        self.staff.error("job.get", {"id": "dry-1", "employer_id": "emp-a"},
                         h.NOT_FOUND)

    def test_get_staff_and_own_employer_not_kiosk(self):
        for j in POSTINGS:
            key = {"id": j["id"], "employer_id": j["employer_id"]}
            own = self.emp_a if j["employer_id"] == "emp-a" else self.emp_b
            for c in (self.staff, own):
                self.assertEqual(c.result("job.get", key)["flags"],
                                 FLAGS[j["id"]], (j["id"], c))
            got = self.kiosk.result("job.get", key)
            self.assertNotIn("flags", got)
            ld = self.kiosk.result("job.get", dict(key, format="jsonld"))
            self.assertNotIn("flags", json.dumps(ld))
            self.assertNotIn("health_demand", json.dumps(ld))
        # another employer still cannot read it
        self.emp_b.error("job.get", {"id": "fl-health",
                                     "employer_id": "emp-a"}, h.UNAUTHORIZED)

    def test_list_flagged(self):
        ids = {j["id"] for j in POSTINGS}   # the others' are their own
        got = {k: j for k, j in self.listing(self.staff, flagged=True).items()
               if k[1] in ids}
        want = {(j["employer_id"], j["id"]) for j in POSTINGS
                if FLAGS[j["id"]]}
        self.assertEqual(set(got), want)
        for (emp, id), j in got.items():
            self.assertEqual(j["flags"], FLAGS[id], id)
            self.assertEqual(j["status"], "open")
        # a listing without the filter gives every posting, each with its
        # flags, to staff and to an employer (its own postings)
        every = {k: j for k, j in self.listing(self.staff).items()
                 if k[1] in ids}
        self.assertEqual(len(every), len(POSTINGS))
        for (emp, id), j in every.items():
            self.assertEqual(j["flags"], FLAGS[id], id)
        own = self.listing(self.emp_b)
        self.assertEqual({k[1] for k in own} & ids, {"fl-b", "ok-b"})
        self.assertEqual(own[("emp-b", "fl-b")]["flags"], FLAGS["fl-b"])
        # a short page: the filter keeps the flagged ones of what a page
        # examined, the cursor goes on
        seen, cursor, pages = set(), None, 0
        while True:
            p = {"flagged": True, "limit": 1}
            if cursor:
                p["cursor"] = cursor
            r = self.staff.result("job.list", p)
            self.assertLessEqual(len(r["jobs"]), 1)
            seen |= {j["id"] for j in r["jobs"] if j["id"] in ids}
            pages += 1
            cursor = r["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(seen, {k[1] for k in want})
        self.assertGreaterEqual(pages, len(want))

    def test_list_roles(self):
        for c in (self.kiosk, self.emp_a):
            c.error("job.list", {"flagged": True}, h.UNAUTHORIZED)
        for j in self.listing(self.kiosk).values():
            self.assertNotIn("flags", j)
        e = self.staff.error("job.list", {"flagged": True,
                                          "format": "jsonld"},
                             h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "flagged")
        e = self.staff.error("job.list", {"flagged": "yes"},
                             h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "flagged")

    def test_flagging_never_hides(self):
        r = self.kiosk.result("match", {"profile": {
            "disability": {"type": "physical", "grade": 3}, "town": GUIXI,
            "skills": ["客服"]}, "limit": 100})
        ids = {x["job"]["id"] for x in r["results"]}
        self.assertEqual(ids, {j["id"] for j in POSTINGS})
        self.assertNotIn("flags", json.dumps(r))

    def test_closed_and_rule_change(self):
        """A closed posting keeps its flags for staff; a new rule set flags
        every posting again, open (the mirror) or closed (read)."""
        self.staff.result("job.post", {"job": job(
            "cl-1", title="收银员", description="身心健康")})
        self.staff.result("job.close", {"id": "cl-1", "employer_id": "emp-a"})
        try:
            key = {"id": "cl-1", "employer_id": "emp-a"}
            self.assertEqual(self.staff.result("job.get", key)["flags"],
                             flags("health_demand"))
            got = self.listing(self.staff, flagged=True, status="closed")
            self.assertEqual(list(got), [("emp-a", "cl-1")])
            cur = self.staff.result("rules.get")
            doc = dict(cur["rules"])
            doc["flags"] = [{"name": "cashier", "pattern": "收银",
                             "reason": {"zh": "测试", "en": "test"}},
                            {"name": "warehouse", "pattern": "仓库",
                             "reason": {"zh": "仓库", "en": "warehouse"}}]
            v = self.staff.result("rules.set", {
                "rules": doc, "expected_version": cur["version"]})["version"]
            try:
                self.assertEqual(
                    self.staff.result("job.get", key)["flags"],
                    [{"name": "cashier",
                      "reason": {"zh": "测试", "en": "test"}}])
                got = self.listing(self.staff, flagged=True)
                self.assertEqual({k[1]: [f["name"] for f in j["flags"]]
                                  for k, j in got.items()},
                                 {"cl-1": ["cashier"],
                                  "fl-health": ["warehouse"]})
            finally:
                self.staff.result("rules.set", {
                    "rules": cur["rules"], "expected_version": v})
            got = self.listing(self.staff, flagged=True)
            self.assertEqual({k[1] for k in got},
                             {"cl-1"} | {id for id in FLAGS if FLAGS[id]})
        finally:
            self.staff.result("job.close", {"id": "cl-1",
                                            "employer_id": "emp-a"})

    def test_rule_set_flags_validated(self):
        cur = self.staff.result("rules.get")
        for bad, field in (
                ({"name": "x", "pattern": "(a+)+$",
                  "reason": {"zh": "z", "en": "e"}}, "pattern"),
                ({"name": "x", "pattern": "(*LIMIT_MATCH=5)a",
                  "reason": {"zh": "z", "en": "e"}}, "pattern"),
                ({"name": "x", "pattern": "a", "reason": {"zh": "z"}},
                 "flags[0].reason.en")):
            doc = dict(cur["rules"], flags=[bad])
            r = self.staff.result("rules.validate", {"rules": doc})
            self.assertFalse(r["ok"], bad)
            self.assertEqual(r["errors"][0]["field"], field, r)
            self.staff.error("rules.set", {
                "rules": doc, "expected_version": cur["version"]}, -32006)
        self.assertEqual(self.staff.result("rules.get")["version"],
                         cur["version"])

    def test_sample_postings_are_clean(self):
        with open(os.path.join(h.DATA_DIR, "jobs.jsonl"),
                  encoding="utf-8") as f:
            sample = [json.loads(ln)["params"]["job"] for ln in f
                      if ln.strip()]
        self.assertGreater(len(sample), 10)
        for j in sample:
            r = self.staff.result("job.post", {"job": dict(
                j, id="sample-" + j["id"], employer_id="emp-a"),
                "dry_run": True})
            self.assertEqual(r["flags"], [], j["id"])


if __name__ == "__main__":
    unittest.main()

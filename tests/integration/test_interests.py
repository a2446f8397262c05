# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_interests.py - a consented contact: interest.record (kiosk, staff),
interest.list (staff; an employer its own postings' shared ones),
interest.update and interest.delete (staff); the consent refusals, the
checks, the fair's counters, retention (the sweep, and listing meanwhile;
vocab telling a kiosk how long it is) and interest_max_records; what Redis holds (read with a raw RESP client),
and that nothing of it reaches the change stream.

A fair is made here as a plain hash (jm:fair:ID with a doc), the shape
fairs are stored in.
"""
import signal
import time
import unittest

import harness as h

GUIXI = "500231001000"
SHIFT = 2 ** 20
NAME = "联系测试人ZQX"
PHONE = "138 0000 1234"


def employer(id):
    return {"id": id, "name": "单位 " + id, "type": "private",
            "town": GUIXI}


def interest(job="a1", emp="emp-a", share=True, **kw):
    p = {"job": {"id": job, "employer_id": emp},
         "person": {"name": NAME, "phone": PHONE},
         "consent": {"contact": True, "share_with_employer": share}}
    p.update(kw)
    return p


class Base(unittest.TestCase):
    extra = ()

    def setUp(self):
        self.env = h.Env(extra=list(self.extra))
        self.addCleanup(self.env.stop)
        self.redis = self.env.redis
        self.staff = self.client(h.STAFF)
        self.kiosk = self.client(h.KIOSK)
        for e in ("emp-a", "emp-b"):
            self.staff.result("employer.put", {"employer": employer(e)})
        for j in (h.job("a1"), h.job("a2"), h.job("b1", emp="emp-b"),
                  h.job("a3"), h.job("old", expires_at=1000000000)):
            self.staff.result("job.post", {"job": j})
        late = h.job("late")
        late["apply_by"] = time.strftime(
            "%Y-%m-%d", time.localtime(time.time() - 3 * 86400))
        self.staff.result("job.post", {"job": late})
        self.staff.result("job.close", {"employer_id": "emp-a",
                                        "id": "a3"})
        self.redis.cmd("HSET", "jm:fair:F1", "doc", "{}", "version", "1")
        self.redis.cmd("HSET", "jm:fair:F2", "doc", "{}", "version", "1")

    def client(self, token):
        c = self.env.daemon.client(token)
        self.addCleanup(c.close)
        return c

    def keys(self, pattern="jm:interest*"):
        return sorted(k.decode() for k in self.redis.cmd("KEYS", pattern))

    def stats(self, fair):
        r = self.redis.cmd("HGETALL", "jm:fair:%s:stats" % fair)
        return {r[i].decode(): int(r[i + 1]) for i in range(0, len(r), 2)}

    def backdate(self, iid, days):
        """Makes interest iid days older, in its hash and its indexes."""
        key = "jm:interest:%s" % iid
        at = int(self.redis.cmd("HGET", key, "created_at")) - days * 86400
        self.redis.cmd("HSET", key, "created_at", str(at))
        emp, job, fair = self.redis.cmd("HMGET", key, "emp", "job", "fair")
        idx = ["jm:interests", "jm:interests:emp:" + emp.decode(),
               "jm:interests:job:%s:%s" % (emp.decode(), job.decode())]
        if fair:
            idx.append("jm:interests:fair:" + fair.decode())
        for k in idx:
            self.redis.cmd("ZADD", k, str(at * SHIFT + int(iid) % SHIFT),
                           iid)

    def ids(self, c, **params):
        return [x["id"] for x in c.result("interest.list", params)
                ["interests"]]


class InterestTest(Base):

    def test_vocab_gives_the_default_retention(self):
        self.assertEqual(self.kiosk.result("vocab")
                         ["interest_retention_days"], 180)

    def test_roles(self):
        r = self.kiosk.result("interest.record", interest())
        self.assertRegex(r["id"], r"^[1-9][0-9]*$")
        self.assertIsInstance(r["created_at"], int)
        self.assertIn("id", self.staff.result("interest.record",
                                              interest()))
        for m, p in (("interest.list", {}),
                     ("interest.update", {"id": r["id"],
                                          "status": "contacted"}),
                     ("interest.delete", {"id": r["id"]})):
            self.kiosk.error(m, p, h.UNAUTHORIZED)
        emp = self.client(h.EMP_A)
        for m, p in (("interest.record", interest()),
                     ("interest.update", {"id": r["id"],
                                          "status": "contacted"}),
                     ("interest.delete", {"id": r["id"]})):
            emp.error(m, p, h.UNAUTHORIZED)
        anon = self.client(None)
        for m in ("interest.record", "interest.list", "interest.update",
                  "interest.delete"):
            anon.error(m, {}, h.UNAUTHORIZED)
        self.assertEqual(len(self.ids(self.staff)), 2)
        for c, want in ((self.kiosk, {"interest.record"}),
                        (emp, {"interest.list"}),
                        (self.staff, {"interest.record", "interest.list",
                                      "interest.update",
                                      "interest.delete"})):
            got = {m for m in c.result("hello", {})["methods"]
                   if m.startswith("interest.")}
            self.assertEqual(got, want)

    def test_consent_refusals(self):
        cases = [
            ({}, "consent.contact"),
            ({"consent": None}, "consent.contact"),
            ({"consent": {"share_with_employer": True}}, "consent.contact"),
            ({"consent": {"contact": False, "share_with_employer": True}},
             "consent.contact"),
            ({"consent": {"contact": "true", "share_with_employer": True}},
             "consent.contact"),
            ({"consent": {"contact": 1, "share_with_employer": True}},
             "consent.contact"),
            ({"consent": {"contact": True}}, "consent.share_with_employer"),
            ({"consent": {"contact": True, "share_with_employer": None}},
             "consent.share_with_employer"),
            ({"consent": {"contact": True, "share_with_employer": "no"}},
             "consent.share_with_employer"),
            ({"consent": {"contact": True, "share_with_employer": 0}},
             "consent.share_with_employer"),
            ({"consent": {"contact": True, "share_with_employer": False,
                          "marketing": True}}, "consent.marketing"),
        ]
        for change, field in cases:
            p = interest()
            if "consent" in change:
                p["consent"] = change["consent"]
            else:
                del p["consent"]
            with self.subTest(params=change):
                for c in (self.kiosk, self.staff):
                    e = c.error("interest.record", p, h.INVALID_PARAMS)
                    self.assertEqual(e["data"]["field"], field, e)
        # refused without consent whatever else is wrong
        p = interest(person={"name": "", "phone": "x"})
        p["consent"] = {"contact": False, "share_with_employer": True}
        e = self.kiosk.error("interest.record", p, h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "consent.contact")
        self.assertEqual(self.keys(), [])
        self.assertEqual(self.stats("F1"), {})

    def test_validation(self):
        ok = interest()
        bad = [
            ({"person": {"name": "", "phone": PHONE}}, "person.name"),
            ({"person": {"name": "甲" * 51, "phone": PHONE}},
             "person.name"),
            ({"person": {"name": "a\tb", "phone": PHONE}}, "person.name"),
            ({"person": {"phone": PHONE}}, "person.name"),
            ({"person": {"name": NAME}}, "person.phone"),
            ({"person": {"name": NAME, "phone": 13800001234}},
             "person.phone"),
            ({"person": {"name": NAME, "phone": "1234"}}, "person.phone"),
            ({"person": {"name": NAME, "phone": "1" * 21}},
             "person.phone"),
            ({"person": {"name": NAME, "phone": "138-0000-1234 ext 5"}},
             "person.phone"),
            ({"person": {"name": NAME, "phone": "(" * 30 + "12345"}},
             "person.phone"),
            ({"person": {"name": NAME, "phone": PHONE, "age": 30}},
             "person.age"),
            ({"person": None}, "person"),
            ({"needs": ["wings"]}, "needs[0]"),
            ({"needs": "screen_reader"}, "needs"),
            ({"job": None}, "job"),
            ({"job": {"id": "a1"}}, "job.employer_id"),
            ({"job": {"id": "a 1", "employer_id": "emp-a"}}, "job.id"),
            ({"job": {"id": "a1", "employer_id": "emp:a"}},
             "job.employer_id"),
            ({"fair": "F:1"}, "fair"),
            ({"fair": 7}, "fair"),
            ({"seeker": "s-1"}, "seeker"),
        ]
        for change, field in bad:
            p = dict(ok)
            p.update(change)
            with self.subTest(change=change):
                e = self.kiosk.error("interest.record", p, h.INVALID_PARAMS)
                self.assertEqual(e["data"]["field"], field, e)
        # an error never holds the value it refused
        for phone in ("13800001234 call me ZQX", "12-34", "9" * 40):
            e = self.kiosk.error("interest.record", interest(person={
                "name": NAME, "phone": phone}), h.INVALID_PARAMS)
            self.assertNotIn(phone, str(e))
            self.assertNotIn(NAME, str(e))
        self.assertEqual(self.keys(), [])
        # the edges that pass
        for person in ({"name": "甲" * 50, "phone": "+86 (23) 5555-0000"},
                       {"name": "x", "phone": "12345"},
                       {"name": "x", "phone": "1" * 20}):
            self.kiosk.result("interest.record", interest(person=person))

    def test_posting_and_fair_must_exist(self):
        for job, emp in (("nope", "emp-a"), ("a1", "emp-z"), ("a3", "emp-a"),
                         ("old", "emp-a"), ("late", "emp-a")):
            with self.subTest(job=job):
                e = self.kiosk.error("interest.record", interest(job, emp),
                                     h.NOT_FOUND)
                self.assertEqual(e["data"]["field"], "job", e)
        e = self.kiosk.error("interest.record", interest(fair="F9"),
                             h.NOT_FOUND)
        self.assertEqual(e["data"]["field"], "fair", e)
        self.assertEqual(self.keys(), [])
        self.assertEqual(self.keys("jm:fair:F9*"), [])

    def test_record_and_list(self):
        a = self.kiosk.result("interest.record", interest(
            fair="F1", needs=["sign_language", "screen_reader"]))
        b = self.kiosk.result("interest.record", interest("a2", share=False))
        c = self.kiosk.result("interest.record", interest(
            "b1", "emp-b", fair="F2"))
        # what Redis holds
        key = "jm:interest:" + a["id"]
        self.assertEqual(self.redis.cmd("HGET", key, "status"), b"new")
        self.assertEqual(self.redis.cmd("ZSCORE", "jm:interests", a["id"]),
                         str(a["created_at"] * SHIFT + int(a["id"]) % SHIFT)
                         .encode())
        for k in ("jm:interests:job:emp-a:a1", "jm:interests:emp:emp-a",
                  "jm:interests:fair:F1"):
            self.assertIsNotNone(self.redis.cmd("ZSCORE", k, a["id"]), k)
        self.assertEqual(self.stats("F1"), {"interests": 1})
        self.assertEqual(self.stats("F2"), {"interests": 1})
        rows = self.staff.result("interest.list", {})["interests"]
        self.assertEqual([x["id"] for x in rows], [a["id"], b["id"], c["id"]])
        self.assertEqual(rows[0], {
            "id": a["id"],
            "job": {"id": "a1", "employer_id": "emp-a", "title": "岗位 a1"},
            "fair": "F1", "person": {"name": NAME, "phone": PHONE},
            "needs": ["screen_reader", "sign_language"],
            "consent": {"contact": True, "share_with_employer": True},
            "status": "new", "note": None,
            "created_at": a["created_at"], "updated_at": a["created_at"]})
        self.assertIsNone(rows[1]["fair"])
        self.assertEqual(rows[1]["needs"], [])
        self.assertFalse(rows[1]["consent"]["share_with_employer"])
        # filters
        s = self.staff
        self.assertEqual(self.ids(s, fair="F1"), [a["id"]])
        self.assertEqual(self.ids(s, fair="F3"), [])
        self.assertEqual(self.ids(s, job={"id": "a2",
                                          "employer_id": "emp-a"}), [b["id"]])
        self.assertEqual(self.ids(s, job={"id": "b1", "employer_id": "emp-b"},
                                  fair="F2"), [c["id"]])
        self.assertEqual(self.ids(s, job={"id": "b1", "employer_id": "emp-b"},
                                  fair="F1"), [])
        today = time.strftime("%Y-%m-%d")
        self.assertEqual(len(self.ids(s, **{"from": today, "to": today})), 3)
        self.assertEqual(self.ids(s, to="2020-01-01"), [])
        self.assertEqual(self.ids(s, **{"from": "2099-01-01"}), [])
        s.result("interest.update", {"id": b["id"], "status": "declined"})
        self.assertEqual(self.ids(s, status="declined"), [b["id"]])
        self.assertEqual(self.ids(s, status="new"), [a["id"], c["id"]])
        # pages of one, resuming after the last given
        seen, cursor = [], None
        while True:
            p = {"limit": 1}
            if cursor is not None:
                p["cursor"] = cursor
            r = s.result("interest.list", p)
            seen += [x["id"] for x in r["interests"]]
            cursor = r["next_cursor"]
            if cursor is None:
                break
            self.assertRegex(cursor, r"^[0-9]+$")
        self.assertEqual(seen, [a["id"], b["id"], c["id"]])
        # a page with a filter may be short, and goes on
        r = s.result("interest.list", {"limit": 1, "status": "declined"})
        self.assertEqual([x["id"] for x in r["interests"]], [b["id"]])
        # bad params
        for p, field in (({"status": "lost"}, "status"),
                         ({"limit": 0}, "limit"), ({"limit": 101}, "limit"),
                         ({"cursor": "x1"}, "cursor"),
                         ({"cursor": str(2 ** 53)}, "cursor"),
                         ({"from": "2024-02-30"}, "from"),
                         ({"from": "2024-02-02", "to": "2024-02-01"}, "to"),
                         ({"job": {"id": "a1"}}, "job.employer_id"),
                         ({"fair": "F 1"}, "fair"),
                         ({"person": {}}, "person")):
            with self.subTest(params=p):
                e = s.error("interest.list", p, h.INVALID_PARAMS)
                self.assertEqual(e["data"]["field"], field, e)

    def test_employer_view(self):
        mine = self.kiosk.result("interest.record", interest(fair="F1"))
        unshared = self.kiosk.result("interest.record", interest(
            "a2", share=False))
        theirs = self.kiosk.result("interest.record", interest(
            "b1", "emp-b"))
        emp_a, emp_b = self.client(h.EMP_A), self.client(h.EMP_B)
        self.assertEqual(self.ids(emp_a), [mine["id"]])
        self.assertEqual(self.ids(emp_a, fair="F1"), [mine["id"]])
        self.assertEqual(self.ids(emp_a, job={"id": "a1",
                                              "employer_id": "emp-a"}),
                         [mine["id"]])
        self.assertEqual(self.ids(emp_a, job={"id": "a2",
                                              "employer_id": "emp-a"}), [])
        self.assertEqual(self.ids(emp_a, status="new"), [mine["id"]])
        self.assertEqual(self.ids(emp_b), [theirs["id"]])
        for c, other in ((emp_a, {"id": "b1", "employer_id": "emp-b"}),
                         (emp_b, {"id": "a1", "employer_id": "emp-a"})):
            c.error("interest.list", {"job": other}, h.UNAUTHORIZED)
        row = emp_a.result("interest.list", {})["interests"][0]
        self.assertEqual(row["person"], {"name": NAME, "phone": PHONE})
        self.assertNotIn(unshared["id"], self.ids(emp_a))
        self.assertEqual(len(self.ids(self.staff)), 3)

    def test_update_and_fair_counters(self):
        a = self.kiosk.result("interest.record", interest(fair="F1"))
        b = self.kiosk.result("interest.record", interest(fair="F1"))
        n = self.kiosk.result("interest.record", interest())
        self.assertEqual(self.stats("F1"), {"interests": 2})
        s = self.staff
        r = s.result("interest.update", {"id": a["id"],
                                         "status": "contacted",
                                         "note": "已电话联系"})
        self.assertEqual(r["id"], a["id"])
        self.assertEqual(r["status"], "contacted")
        self.assertGreaterEqual(r["updated_at"], a["created_at"])
        self.assertEqual(self.stats("F1"), {"interests": 2,
                                            "followed_up": 1})
        s.result("interest.update", {"id": a["id"], "status": "interview"})
        self.assertEqual(self.stats("F1"), {"interests": 2,
                                            "followed_up": 1})
        for _ in range(2):
            s.result("interest.update", {"id": a["id"], "status": "hired"})
        s.result("interest.update", {"id": a["id"], "status": "declined"})
        s.result("interest.update", {"id": a["id"], "status": "hired"})
        self.assertEqual(self.stats("F1"), {"interests": 2,
                                            "followed_up": 1, "hired": 1})
        # straight to hired: followed up and hired at once
        s.result("interest.update", {"id": b["id"], "status": "hired"})
        self.assertEqual(self.stats("F1"), {"interests": 2,
                                            "followed_up": 2, "hired": 2})
        # without a fair: no counter anywhere
        s.result("interest.update", {"id": n["id"], "status": "hired"})
        self.assertEqual(self.stats("F1"), {"interests": 2,
                                            "followed_up": 2, "hired": 2})
        row = [x for x in s.result("interest.list", {})["interests"]
               if x["id"] == a["id"]][0]
        self.assertEqual(row["status"], "hired")
        self.assertEqual(row["note"], "已电话联系")   # kept: none given
        s.result("interest.update", {"id": a["id"], "status": "hired",
                                     "note": ""})
        row = [x for x in s.result("interest.list", {})["interests"]
               if x["id"] == a["id"]][0]
        self.assertIsNone(row["note"])
        for p, field in (({"id": a["id"], "status": "new"}, "status"),
                         ({"id": a["id"], "status": "lost"}, "status"),
                         ({"id": a["id"]}, "status"),
                         ({"id": a["id"], "status": "hired",
                           "note": "x" * 501}, "note"),
                         ({"id": int(a["id"]), "status": "hired"}, "id"),
                         ({"id": "0", "status": "hired"}, "id"),
                         ({"id": "1x", "status": "hired"}, "id"),
                         ({"id": str(2 ** 53), "status": "hired"}, "id"),
                         ({"id": a["id"], "status": "hired", "x": 1}, "x")):
            with self.subTest(params=p):
                e = s.error("interest.update", p, h.INVALID_PARAMS)
                self.assertEqual(e["data"]["field"], field, e)
        e = s.error("interest.update", {"id": "999", "status": "hired"},
                    h.NOT_FOUND)
        self.assertEqual(e["data"]["field"], "id")
        self.assertEqual(self.keys("jm:interest:999"), [])

    def test_delete(self):
        a = self.kiosk.result("interest.record", interest(fair="F1"))
        b = self.kiosk.result("interest.record", interest())
        r = self.staff.result("interest.delete", {"id": a["id"]})
        self.assertEqual(r, {"id": a["id"], "deleted": True})
        self.assertEqual(self.keys("jm:interest:*"),
                         ["jm:interest:" + b["id"]])
        for k in ("jm:interests", "jm:interests:job:emp-a:a1",
                  "jm:interests:emp:emp-a"):
            self.assertEqual(self.redis.cmd("ZRANGE", k, 0, -1),
                             [b["id"].encode()], k)
        self.assertEqual(self.keys("jm:interests:fair:*"), [])
        self.assertEqual(self.ids(self.staff), [b["id"]])
        e = self.staff.error("interest.delete", {"id": a["id"]},
                             h.NOT_FOUND)
        self.assertEqual(e["data"]["field"], "id")
        self.staff.error("interest.delete", {"id": "abc"}, h.INVALID_PARAMS)
        # the fair's counters are aggregates: they stay
        self.assertEqual(self.stats("F1"), {"interests": 1})

    def test_past_retention_is_never_listed(self):
        a = self.kiosk.result("interest.record", interest(fair="F1"))
        b = self.kiosk.result("interest.record", interest(fair="F1"))
        self.backdate(a["id"], 181)
        s = self.staff
        self.assertEqual(self.ids(s), [b["id"]])
        self.assertEqual(self.ids(s, fair="F1"), [b["id"]])
        self.assertEqual(self.ids(s, **{"from": "2000-01-01"}), [b["id"]])
        self.assertEqual(self.ids(self.client(h.EMP_A)), [b["id"]])
        s.error("interest.update", {"id": a["id"], "status": "hired"},
                h.NOT_FOUND)
        self.assertEqual(self.stats("F1"), {"interests": 2})
        # not swept yet (interest_sweep_s is an hour): still in Redis
        self.assertIn("jm:interest:" + a["id"], self.keys())
        # one day inside retention is listed
        self.backdate(b["id"], 179)
        self.assertEqual(self.ids(s), [b["id"]])

    def test_nothing_in_the_change_stream(self):
        before = self.redis.cmd("XLEN", "jm:changes")
        a = self.kiosk.result("interest.record", interest(fair="F1"))
        self.staff.result("interest.update", {"id": a["id"],
                                              "status": "hired",
                                              "note": "ZQX note"})
        self.staff.result("interest.list", {})
        self.staff.result("interest.delete", {"id": a["id"]})
        self.assertEqual(self.redis.cmd("XLEN", "jm:changes"), before)


class SweepTest(Base):
    extra = ("interest_sweep_s 1", "interest_max_records 3")

    def test_sweep_and_max_records(self):
        ids = [self.kiosk.result("interest.record", interest(
            "a1" if i % 2 else "b1", "emp-a" if i % 2 else "emp-b",
            fair="F1" if i < 2 else None))["id"] for i in range(3)]
        e = self.kiosk.error("interest.record", interest(), h.BUSY)
        self.assertEqual(e["data"], {"interest_max_records": 3})
        self.assertIn("interest_max_records", e["message"])
        self.assertEqual(self.redis.cmd("ZCARD", "jm:interests"), 3)
        self.assertEqual(self.redis.cmd("GET", "jm:interests:next"), b"3")
        self.assertEqual(self.stats("F1"), {"interests": 2})
        # the two with a fair, past retention: the sweep erases them and
        # every index entry
        self.backdate(ids[0], 200)
        self.backdate(ids[1], 200)
        h.wait_until(lambda: self.keys("jm:interest:*") ==
                     ["jm:interest:" + ids[2]], what="the sweep")
        self.assertEqual(self.redis.cmd("ZRANGE", "jm:interests", 0, -1),
                         [ids[2].encode()])
        self.assertEqual(self.keys("jm:interests:fair:*"), [])
        self.assertEqual(self.keys("jm:interests:job:*"),
                         ["jm:interests:job:emp-b:b1"])
        self.assertEqual(self.keys("jm:interests:emp:*"),
                         ["jm:interests:emp:emp-b"])
        self.assertEqual(self.ids(self.staff), [ids[2]])
        self.env.daemon.wait_log("interests: 2 past retention")
        # room again
        self.kiosk.result("interest.record", interest())

    def test_sweep_is_bounded_per_call(self):
        # more than one call's worth (500), past retention at once: the
        # run makes as many calls as it needs (up to 20)
        n = 1203
        self.redis.cmd("EVAL", """
            for i = 1, tonumber(ARGV[1]) do
              local id = tostring(1000 + i)
              redis.call('HSET', 'jm:interest:'..id, 'doc', '{}',
                'emp', 'emp-a', 'job', 'a1', 'fair', '', 'created_at', '1')
              redis.call('ZADD', 'jm:interests', 1048576 + i, id)
              redis.call('ZADD', 'jm:interests:emp:emp-a', 1048576 + i, id)
              redis.call('ZADD', 'jm:interests:job:emp-a:a1',
                1048576 + i, id)
            end""", 0, n)
        h.wait_until(lambda: self.keys("jm:interest*") == [], timeout=60,
                     what="the sweep")
        self.env.daemon.wait_log("interests: %d past retention" % n)


    def test_a_run_at_its_bound_goes_on_soon(self):
        # more than a run erases (20 calls of 500): the run says so and
        # the next comes in a second, not an interval later
        n = 10100
        self.redis.cmd("EVAL", """
            for i = 1, tonumber(ARGV[1]) do
              local id = tostring(100000 + i)
              redis.call('HSET', 'jm:interest:'..id, 'doc', '{}',
                'emp', 'emp-a', 'job', 'a1', 'fair', '', 'created_at', '1')
              redis.call('ZADD', 'jm:interests', 1048576 + i, id)
            end""", 0, n)
        h.wait_until(lambda: self.keys("jm:interest:*") == [], timeout=60,
                     what="the sweep")
        self.env.daemon.wait_log("interests: 10000 past retention (180 "
                                 "days) erased, more left: going on in 1 s")
        self.env.daemon.wait_log("interests: 100 past retention")

class RetentionVocabTest(Base):
    extra = ("interest_retention_days 30",)

    def test_vocab_says_how_long_an_interest_is_kept(self):
        # a kiosk reads it (to tell the person before they consent), as
        # configured, and a reload's value at once
        for c in (self.kiosk, self.staff, self.client(h.EMP_A)):
            self.assertEqual(c.result("vocab")["interest_retention_days"],
                             30)
        d = self.env.daemon
        d.extra = ["interest_retention_days 7"]
        d.write_config()
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log("SIGHUP: configuration reloaded")
        h.wait_until(lambda: self.client(h.KIOSK).result("vocab")
                     ["interest_retention_days"] == 7,
                     what="vocab to give the reloaded retention")


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_seekers.py - registered job seekers (staff only): seeker.put, .get,
.delete, match {seeker_id} and job.candidates; what Redis holds of a seeker
(checked with a raw RESP client) and what it must never hold or log.
"""
import time
import unittest

import harness as h

GUIXI = "500231001000"      # 桂溪街道, at 30.3336, 107.3455
GUIYANG = "500231002000"    # 桂阳街道

# Text that must never reach the change stream or the daemon's log.
SECRET_NAME = "隐私测试姓名甲"
SECRET_SKILLS = ["隐私技能乙丙", "qz-secret-skill-7"]
# the service record is personal data too
SECRET_NOTE = "隐私一人一策丁"
SECRET_COURSE = "qz-secret-course-9"
SECRETS = [SECRET_NAME, SECRET_NOTE, SECRET_COURSE] + SECRET_SKILLS


def employer(id, **kw):
    e = {"id": id, "name": "单位 " + id, "type": "soe", "town": GUIXI}
    e.update(kw)
    return e


def job(id, emp="emp-a", **kw):
    j = {"id": id, "employer_id": emp, "title": "岗位 " + id,
         "skills": ["会计", "档案管理"], "accessible_for": ["physical"],
         "employment_type": "full_time", "town": GUIXI}
    j.update(kw)
    return j


def seeker(id, **kw):
    s = {"id": id, "disability": {"type": "physical", "grade": 3},
         "skills": ["会计", "档案管理"], "town": GUIXI}
    s.update(kw)
    return s


def stored(s):
    """A seeker as the daemon stores and returns it (no version)."""
    out = dict(s)
    for k in ("skills", "needs", "flags", "avoid", "training"):
        out.setdefault(k, [])
    out.setdefault("status", "seeking")
    out.setdefault("services", {})
    return out


# For job.candidates: the posting without step-free access is open to every
# physical seeker within 30 km except A, who needs it.
SEEKERS = [
    seeker("sk-a", name="测试甲某", needs=["step_free_access"]),     # 0.8 / absent
    seeker("sk-b", skills=["会计"]),                           # 0.55
    seeker("sk-c", flags=["graduate"],                         # 1.0
           skills=["会计", "档案管理", "测试私密技能"]),
    seeker("sk-d", location={"lat": 30.3786, "lon": 107.3455}),  # ~0.68
    seeker("sk-e", disability={"type": "visual", "grade": 2}),  # absent
    seeker("sk-f", skills=["会计"], name="测试乙某"),           # 0.55
    seeker("sk-g", location={"lat": 30.9, "lon": 107.3455}),   # absent
]


def xrange_all(redis):
    """Every entry of the change stream as (id, {field: value})."""
    out = []
    for eid, fields in redis.cmd("XRANGE", "jm:changes", "-", "+") or []:
        out.append((eid, dict(zip(fields[0::2], fields[1::2]))))
    return out


def dump_all(redis):
    """Every key of the database and its values, as one bytes blob."""
    blob = []
    for key in redis.cmd("KEYS", "*"):
        blob.append(key)
        t = redis.cmd("TYPE", key)
        if t == "string":
            blob.append(redis.cmd("GET", key))
        elif t == "hash":
            blob.extend(redis.cmd("HGETALL", key))
        elif t == "set":
            blob.extend(redis.cmd("SMEMBERS", key))
        elif t == "zset":
            blob.extend(redis.cmd("ZRANGE", key, 0, -1))
        elif t == "list":
            blob.extend(redis.cmd("LRANGE", key, 0, -1))
        elif t == "stream":
            for eid, fields in redis.cmd("XRANGE", key, "-", "+"):
                blob.append(eid)
                blob.extend(fields)
    return b"\n".join(x if isinstance(x, bytes) else str(x).encode()
                      for x in blob)


class SeekersTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.r = cls.env.redis
        cls.staff = cls.d.client(h.STAFF)
        cls.kiosk = cls.d.client(h.KIOSK)
        cls.emp = cls.d.client(h.EMP_A)
        for e in ("emp-a", "emp-b"):
            cls.staff.result("employer.put", {"employer": employer(e)})
        cls.staff.result("job.post", {"job": job("p-nostep")})
        cls.staff.result("job.post", {"job": job(
            "p-step", accommodations=["step_free_access", "elevator"])})
        for s in SEEKERS:
            cls.staff.result("seeker.put", {"seeker": s})

    @classmethod
    def tearDownClass(cls):
        for c in (cls.staff, cls.kiosk, cls.emp):
            c.close()

    def candidates(self, job_id, emp="emp-a", **kw):
        params = {"job_id": job_id, "employer_id": emp}
        params.update(kw)
        return self.staff.result("job.candidates", params)

    def bad_params(self, method, params, field, client=None):
        c = client or self.staff
        e = c.error(method, params, h.INVALID_PARAMS)
        self.assertEqual(e.get("data", {}).get("field"), field,
                         "%s %r: %r" % (method, params, e))
        return e

    # ---- put, get, delete -------------------------------------------------

    def test_put_get_delete_round_trip(self):
        s = seeker("rt-1", name="王五", skills=["推拿", "按摩"],
                   location={"lat": 30.3, "lon": 107.3}, town=GUIYANG,
                   max_distance_km=12.5, needs=["braille", "elevator"],
                   flags=["rural", "graduate"], avoid=["voice_phone"],
                   disability={"type": "visual", "grade": 1})
        r = self.staff.result("seeker.put", {"seeker": s})
        self.assertEqual(r, {"id": "rt-1", "version": 1, "created": True})
        g = self.staff.result("seeker.get", {"id": "rt-1"})
        self.assertEqual(g.pop("version"), 1)
        # lists come back in vocabulary order
        want = stored(s)
        want["needs"] = ["elevator", "braille"]
        want["flags"] = ["graduate", "rural"]
        self.assertEqual(g, want)

        s2 = seeker("rt-1", town=GUIXI)
        r = self.staff.result("seeker.put", {"seeker": s2})
        self.assertEqual(r, {"id": "rt-1", "version": 2, "created": False})
        g = self.staff.result("seeker.get", {"id": "rt-1"})
        self.assertEqual(g, dict(stored(s2), version=2))
        self.assertNotIn("name", g)
        self.assertNotIn("location", g)     # given by town alone

        r = self.staff.result("seeker.delete", {"id": "rt-1"})
        self.assertEqual(r, {"id": "rt-1", "deleted": True})
        self.staff.error("seeker.get", {"id": "rt-1"}, h.NOT_FOUND)
        self.staff.error("seeker.delete", {"id": "rt-1"}, h.NOT_FOUND)
        self.staff.error("match", {"seeker_id": "rt-1"}, h.NOT_FOUND)
        # put after delete starts again from version 1
        r = self.staff.result("seeker.put", {"seeker": s2})
        self.assertEqual(r, {"id": "rt-1", "version": 1, "created": True})
        self.staff.result("seeker.delete", {"id": "rt-1"})

    def test_absent(self):
        self.staff.error("seeker.get", {"id": "nobody"}, h.NOT_FOUND)
        self.staff.error("seeker.delete", {"id": "nobody"}, h.NOT_FOUND)
        e = self.staff.error("match", {"seeker_id": "nobody"}, h.NOT_FOUND)
        self.assertEqual(e.get("data", {}).get("field"), "seeker_id", e)

    def test_name_limit(self):
        self.staff.result("seeker.put", {"seeker": seeker(
            "nm-1", name="名" * 100)})
        self.assertEqual(self.staff.result("seeker.get", {"id": "nm-1"})
                         ["name"], "名" * 100)
        self.staff.result("seeker.delete", {"id": "nm-1"})

    def test_validation(self):
        ok = seeker("v-1")
        cases = [
            ({}, "seeker"),
            ({"seeker": ok, "extra": 1}, "extra"),
            ({"seeker": [1]}, "seeker"),
            ({"seeker": {k: v for k, v in ok.items() if k != "id"}},
             "seeker.id"),
            ({"seeker": dict(ok, id="")}, "seeker.id"),
            ({"seeker": dict(ok, id="a b")}, "seeker.id"),
            ({"seeker": dict(ok, id="emp:1")}, "seeker.id"),
            ({"seeker": dict(ok, id="x" * 65)}, "seeker.id"),
            ({"seeker": dict(ok, id_card="500231199001011234")},
             "seeker.id_card"),
            ({"seeker": dict(ok, name="名" * 101)}, "seeker.name"),
            ({"seeker": dict(ok, name=5)}, "seeker.name"),
            ({"seeker": {k: v for k, v in ok.items()
                         if k != "disability"}}, "seeker.disability"),
            ({"seeker": dict(ok, disability={"type": "physical",
                                             "grade": 5})},
             "seeker.disability.grade"),
            ({"seeker": dict(ok, disability={"type": "physical"})},
             "seeker.disability.grade"),
            ({"seeker": dict(ok, disability={"type": "blind",
                                             "grade": 1})},
             "seeker.disability.type"),
            ({"seeker": {k: v for k, v in ok.items() if k != "town"}},
             "seeker.location"),
            ({"seeker": dict(ok, town="000")}, "seeker.town"),
            ({"seeker": dict(ok, location={"lat": 91, "lon": 0})},
             "seeker.location.lat"),
            ({"seeker": dict(ok, skills=["a", 3])}, "seeker.skills[1]"),
            ({"seeker": dict(ok, max_distance_km=0)},
             "seeker.max_distance_km"),
            ({"seeker": dict(ok, needs=["stairs"])}, "seeker.needs[0]"),
            ({"seeker": dict(ok, flags=["rich"])}, "seeker.flags[0]"),
        ]
        for params, field in cases:
            with self.subTest(field=field, params=params):
                self.bad_params("seeker.put", params, field)
        self.staff.error("seeker.get", {"id": "v-1"}, h.NOT_FOUND)
        for method in ("seeker.get", "seeker.delete"):
            with self.subTest(method=method):
                self.bad_params(method, {}, "id")
                self.bad_params(method, {"id": "a:b"}, "id")
                self.bad_params(method, {"id": "sk-a", "x": 1}, "x")
        self.bad_params("match", {"seeker_id": "a b"}, "seeker_id")
        self.bad_params("match", {"seeker_id": "sk-a",
                                  "profile": stored(SEEKERS[1])},
                        "seeker_id")
        self.bad_params("match", {"limit": 5}, "profile")
        self.bad_params("job.candidates", {"employer_id": "emp-a"},
                        "job_id")
        self.bad_params("job.candidates", {"job_id": "p-nostep"},
                        "employer_id")
        for limit in (0, 101, "5"):
            self.bad_params("job.candidates", {"job_id": "p-nostep",
                                               "employer_id": "emp-a",
                                               "limit": limit}, "limit")

    # ---- roles ------------------------------------------------------------

    def test_only_staff(self):
        calls = [("seeker.put", {"seeker": seeker("r-1")}),
                 ("seeker.get", {"id": "sk-a"}),
                 ("seeker.delete", {"id": "sk-a"}),
                 ("job.candidates", {"job_id": "p-nostep",
                                     "employer_id": "emp-a"}),
                 ("match", {"seeker_id": "sk-a"}),
                 # the role is checked before the params
                 ("match", {"seeker_id": "no such id!"})]
        anon = self.d.client()
        try:
            for c in (self.kiosk, self.emp, anon):
                for method, params in calls:
                    with self.subTest(client=c, method=method):
                        c.error(method, params, h.UNAUTHORIZED)
        finally:
            anon.close()
        # nothing changed
        self.staff.error("seeker.get", {"id": "r-1"}, h.NOT_FOUND)
        self.staff.result("seeker.get", {"id": "sk-a"})
        # a kiosk still matches inline profiles
        self.assertIn("results", self.kiosk.result("match", {
            "profile": {k: v for k, v in SEEKERS[1].items()
                        if k != "id"}}))
        for who, tok in (("kiosk", h.KIOSK), ("employer", h.EMP_A)):
            c = self.d.client()
            try:
                methods = set(c.hello(tok)["methods"])
            finally:
                c.close()
            self.assertFalse(methods & {"seeker.put", "seeker.get",
                                        "seeker.delete", "job.candidates"},
                             who)
        self.assertLessEqual({"seeker.put", "seeker.get", "seeker.delete",
                              "job.candidates"},
                             set(self.staff.hello(h.STAFF)["methods"]))

    # ---- what the store holds ---------------------------------------------

    def test_redis_layout_and_stream(self):
        s = seeker("priv-1", name=SECRET_NAME, skills=SECRET_SKILLS,
                   needs=["screen_reader"], plan_note=SECRET_NOTE,
                   training=[{"course": SECRET_COURSE,
                              "date": "2024-05-06"}])
        n0 = self.r.cmd("XLEN", "jm:changes")
        self.staff.result("seeker.put", {"seeker": s})
        self.staff.result("seeker.put", {"seeker": dict(s, town=GUIYANG)})
        h_ = self.r.cmd("HGETALL", "jm:seeker:priv-1")
        fields = dict(zip(h_[0::2], h_[1::2]))
        self.assertEqual(set(fields), {b"doc", b"version", b"created_at",
                                       b"updated_at"})
        self.assertEqual(fields[b"version"], b"2")
        self.assertEqual(self.r.cmd("ZSCORE", "jm:seekers", "priv-1"), b"0")
        self.assertEqual(self.r.cmd("XLEN", "jm:changes"), n0 + 2)
        self.assertIn(SECRET_NAME.encode(), fields[b"doc"])

        self.staff.result("match", {"seeker_id": "priv-1"})
        self.staff.result("job.candidates", {"job_id": "p-step",
                                             "employer_id": "emp-a"})
        self.staff.result("seeker.delete", {"id": "priv-1"})
        self.assertEqual(self.r.cmd("XLEN", "jm:changes"), n0 + 3)

        # no key left, not in the index
        self.assertEqual(self.r.cmd("EXISTS", "jm:seeker:priv-1"), 0)
        self.assertIsNone(self.r.cmd("ZSCORE", "jm:seekers", "priv-1"))
        self.assertEqual([k for k in self.r.cmd("KEYS", "*")
                          if b"priv-1" in k], [])
        # the stream: seeker entries carry the operation and the id only
        ops = []
        for eid, f in xrange_all(self.r):
            if f.get(b"op", b"").startswith(b"seeker."):
                self.assertEqual(set(f), {b"op", b"id"}, f)
                if f[b"id"] == b"priv-1":
                    ops.append(f[b"op"])
            for secret in SECRETS:
                for v in f.values():
                    self.assertNotIn(secret.encode(), v, (eid, f))
        self.assertEqual(ops, [b"seeker.put", b"seeker.put",
                               b"seeker.delete"])
        # and nowhere else in the database either
        blob = dump_all(self.r)
        for secret in SECRETS:
            self.assertNotIn(secret.encode(), blob)
        # the daemon never logged them (it logs at debug level here)
        log = self.d.log_text(whole=True)
        self.assertIn("seeker.put", log)
        for secret in SECRETS:
            self.assertNotIn(secret, log)

    # ---- match {seeker_id} ------------------------------------------------

    def strip(self, r):
        r = dict(r)
        r.pop("took_us", None)
        return r

    def test_match_seeker_id_equals_inline(self):
        for s in SEEKERS:
            inline = {k: v for k, v in s.items() if k not in ("id", "name")}
            for extra in ({}, {"explain": True, "limit": 100},
                          {"filters": {"employer_types": ["soe"]}}):
                with self.subTest(seeker=s["id"], extra=extra):
                    a = self.staff.result("match", dict(
                        extra, seeker_id=s["id"]))
                    b = self.staff.result("match", dict(
                        extra, profile=inline))
                    self.assertEqual(self.strip(a), self.strip(b))

    # ---- job.candidates ---------------------------------------------------

    def assert_consistent_with_match(self, job_id, res):
        """Every seeker is a candidate exactly when the posting is among
        its matches, with the same score and distance."""
        got = {x["seeker"]["id"]: x for x in res["results"]}
        self.assertEqual(res["candidates"], len(got))
        for s in SEEKERS:
            m = self.staff.result("match", {"seeker_id": s["id"],
                                            "limit": 100})
            hit = [x for x in m["results"] if x["job"]["id"] == job_id and
                   x["job"]["employer_id"] == "emp-a"]
            with self.subTest(seeker=s["id"], job=job_id):
                self.assertEqual(bool(hit), s["id"] in got, (hit, got))
                if hit:
                    c = got[s["id"]]
                    self.assertEqual(c["score"], hit[0]["score"])
                    self.assertEqual(c["distance_km"],
                                     hit[0]["distance_km"])
                    self.assertEqual(c["seeker"], {"id": s["id"],
                                                   "name": s.get("name")})

    def assert_ordered(self, results):
        keys = [(-x["score"], x["distance_km"], x["seeker"]["id"])
                for x in results]
        self.assertEqual(keys, sorted(keys), results)

    def test_candidates_rank(self):
        r = self.candidates("p-nostep")
        ids = [x["seeker"]["id"] for x in r["results"]]
        # sk-a needs step-free access; sk-e is visual; sk-g is too far
        self.assertEqual(ids, ["sk-c", "sk-d", "sk-b", "sk-f"], r)
        self.assertEqual(r["candidates"], 4)
        self.assert_ordered(r["results"])
        self.assertGreater(r["results"][0]["score"],
                           r["results"][1]["score"])
        self.assertEqual(r["results"][2]["score"], r["results"][3]["score"])
        self.assert_consistent_with_match("p-nostep", r)

        r = self.candidates("p-step")
        ids = [x["seeker"]["id"] for x in r["results"]]
        self.assertEqual(ids, ["sk-c", "sk-a", "sk-d", "sk-b", "sk-f"], r)
        self.assert_consistent_with_match("p-step", r)

        r = self.candidates("p-step", limit=2)
        self.assertEqual([x["seeker"]["id"] for x in r["results"]],
                         ["sk-c", "sk-a"])
        self.assertEqual(r["candidates"], 5)
        self.assertEqual(set(r), {"results", "candidates"})

    def test_candidates_not_open(self):
        self.staff.error("job.candidates", {"job_id": "nope",
                                            "employer_id": "emp-a"},
                         h.NOT_FOUND)
        self.staff.error("job.candidates", {"job_id": "p-nostep",
                                            "employer_id": "emp-b"},
                         h.NOT_FOUND)
        self.staff.result("job.post", {"job": job("p-closed")})
        self.assertEqual(self.candidates("p-closed")["candidates"], 4)
        self.staff.result("job.close", {"id": "p-closed",
                                        "employer_id": "emp-a"})
        self.staff.error("job.candidates", {"job_id": "p-closed",
                                            "employer_id": "emp-a"},
                         h.NOT_FOUND)

    def test_candidates_follow_writes(self):
        self.staff.result("seeker.put", {"seeker": seeker("sk-z")})
        ids = [x["seeker"]["id"] for x in
               self.candidates("p-nostep", limit=100)["results"]]
        self.assertIn("sk-z", ids)
        # now needing step-free access: no longer a candidate
        self.staff.result("seeker.put", {"seeker": seeker(
            "sk-z", needs=["step_free_access"])})
        ids = [x["seeker"]["id"] for x in
               self.candidates("p-nostep", limit=100)["results"]]
        self.assertNotIn("sk-z", ids)
        self.assertIn("sk-z", [x["seeker"]["id"] for x in
                               self.candidates("p-step",
                                               limit=100)["results"]])
        self.staff.result("seeker.delete", {"id": "sk-z"})
        self.assertNotIn("sk-z", [x["seeker"]["id"] for x in
                                  self.candidates("p-step",
                                                  limit=100)["results"]])


class SeekersRestartTest(unittest.TestCase):
    """The seeker mirror is loaded from Redis at start, in batches."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.r = cls.env.redis

    def test_survive_restart(self):
        n = 1234            # more than two load batches of 500
        with self.d.client(h.STAFF) as c:
            c.result("employer.put", {"employer": employer("emp-a")})
            c.result("job.post", {"job": job("p-1")})
            for s in SEEKERS:
                c.result("seeker.put", {"seeker": s})
            for first in range(0, n, 100):
                batch = [h.request("seeker.put", {"seeker": seeker(
                    "bulk-%05d" % i, skills=["会计"],
                    location={"lat": 30.3336 + i * 1e-5,
                              "lon": 107.3455})}, id=i)
                    for i in range(first, min(n, first + 100))]
                c.send(batch)
                resp = c.read_json()
                self.assertEqual(len(resp), len(batch))
                for x in resp:
                    self.assertIn("result", x, x)
            c.result("seeker.delete", {"id": "bulk-00007"})
            before = c.result("job.candidates", {"job_id": "p-1",
                                                 "employer_id": "emp-a",
                                                 "limit": 100})
            mb = c.result("match", {"seeker_id": "sk-d", "explain": True})
        self.assertEqual(before["candidates"], 4 + n - 1)
        self.assertEqual(self.r.cmd("ZCARD", "jm:seekers"),
                         len(SEEKERS) + n - 1)

        self.d.restart()
        self.d.wait_log("seekers: %d registered" % (len(SEEKERS) + n - 1))
        with self.d.client(h.STAFF) as c:
            after = c.result("job.candidates", {"job_id": "p-1",
                                                "employer_id": "emp-a",
                                                "limit": 100})
            ma = c.result("match", {"seeker_id": "sk-d", "explain": True})
            c.error("match", {"seeker_id": "bulk-00007"}, h.NOT_FOUND)
            c.result("match", {"seeker_id": "bulk-01233"})
            g = c.result("seeker.get", {"id": "sk-a"})
        self.assertEqual(after, before)
        mb.pop("took_us")
        ma.pop("took_us")
        self.assertEqual(ma, mb)
        self.assertEqual(g, dict(stored(SEEKERS[0]), version=1))
        # the log of both runs names no seeker's data
        log = self.d.log_text(whole=True)
        for secret in ("测试甲某", "测试乙某", "测试私密技能"):
            self.assertNotIn(secret, log)


class SeekersStoreTest(unittest.TestCase):
    """Redis down, or slow to confirm: the seeker mirror agrees with Redis."""

    def setUp(self):
        self.env = h.Env(extra=["redis_timeout_ms 300"])
        self.addCleanup(self.env.stop)
        self.d = self.env.daemon
        self.redis = self.env.redis
        self.staff = self.d.client(h.STAFF)
        self.addCleanup(self.staff.close)
        self.staff.result("employer.put", {"employer": employer("emp-a")})
        self.staff.result("job.post", {"job": job("p-1")})
        for s in SEEKERS[:3]:
            self.staff.result("seeker.put", {"seeker": s})

    def candidate_ids(self):
        r = self.staff.result("job.candidates", {"job_id": "p-1",
                                                 "employer_id": "emp-a"})
        return [x["seeker"]["id"] for x in r["results"]]

    def test_redis_down_then_back(self):
        self.redis.kill()
        h.wait_until(lambda: self.staff.call("seeker.get", {"id": "sk-a"})
                     .get("error", {}).get("code") == h.STORE_UNAVAILABLE,
                     what="the daemon to see Redis down")
        for method, params in (
                ("seeker.put", {"seeker": seeker("sk-new")}),
                ("seeker.delete", {"id": "sk-b"}),
                ("seeker.get", {"id": "sk-b"})):
            e = self.staff.error(method, params, h.STORE_UNAVAILABLE)
            self.assertIs(e.get("data", {}).get("applied"), False, e)
        # matches and candidates go on from the mirror
        self.assertEqual(self.candidate_ids(), ["sk-c", "sk-b"])
        self.staff.result("match", {"seeker_id": "sk-b"})
        self.staff.error("match", {"seeker_id": "sk-new"}, h.NOT_FOUND)

        self.redis.start()
        self.d.wait_log("seekers: 3 registered", timeout=60)
        self.assertEqual(self.candidate_ids(), ["sk-c", "sk-b"])
        self.staff.error("seeker.get", {"id": "sk-new"}, h.NOT_FOUND)
        self.assertEqual(self.staff.result("seeker.get", {"id": "sk-b"})
                         ["version"], 1)

    def test_unconfirmed_delete(self):
        # A delete that times out ("unknown") but that Redis applies later:
        # the seeker must leave the mirror without a client retry.
        self.assertEqual(self.redis.cmd("CLIENT", "PAUSE", "3000", "ALL"),
                         "OK")
        e = self.staff.error("seeker.delete", {"id": "sk-b"},
                             h.STORE_UNAVAILABLE)
        self.assertEqual(e.get("data", {}).get("applied"), "unknown", e)
        h.wait_until(lambda: self.staff.call("seeker.get", {"id": "sk-b"})
                     .get("error", {}).get("code") == h.NOT_FOUND,
                     timeout=30, what="Redis to apply the paused delete")
        h.wait_until(lambda: self.staff.call("match", {"seeker_id": "sk-b"})
                     .get("error", {}).get("code") == h.NOT_FOUND,
                     timeout=30, what="the mirror to drop the seeker")
        self.assertEqual(self.candidate_ids(), ["sk-c"])
        self.assertIsNone(self.redis.cmd("ZSCORE", "jm:seekers", "sk-b"))


if __name__ == "__main__":
    h.main()

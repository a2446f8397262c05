# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_jobs.py - employers and postings: upserts, versions, close, list and
the Redis indexes behind them (checked with a raw RESP client).
"""
import time
import unittest

import harness as h

GUIXI = "500231001000"      # 桂溪街道
GUIYANG = "500231002000"    # 桂阳街道
XINMIN = "500231101000"     # 新民镇


def employer(id, **kw):
    e = {"id": id, "name": "单位 " + id, "type": "private", "town": GUIXI}
    e.update(kw)
    return e


def job(id, emp="emp-a", **kw):
    j = {"id": id, "employer_id": emp, "title": "岗位 " + id,
         "accessible_for": ["visual", "hearing"],
         "employment_type": "full_time", "town": GUIXI}
    j.update(kw)
    return j


class JobsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.r = cls.env.redis
        cls.staff = cls.d.client(h.STAFF)
        for e in ("emp-a", "emp-b"):
            cls.staff.result("employer.put", {"employer": employer(e)})

    @classmethod
    def tearDownClass(cls):
        cls.staff.close()

    def post(self, j, **kw):
        params = {"job": j}
        params.update(kw)
        return self.staff.result("job.post", params)

    def get(self, id, emp="emp-a"):
        return self.staff.result("job.get", {"id": id, "employer_id": emp})

    def member(self, id, emp="emp-a"):
        return "%s:%s" % (emp, id)

    def xlen(self):
        return self.r.cmd("XLEN", "jm:changes")

    # ---- employers --------------------------------------------------------

    def test_employer_put_get(self):
        e = employer("emp-x", name="垫江县某某公司", type="soe",
                     town=XINMIN, headcount=200, disabled_employees=3,
                     severe_disabled_employees=1, avg_annual_salary=60000)
        n0 = self.xlen()
        r = self.staff.result("employer.put", {"employer": e})
        self.assertEqual(r, {"id": "emp-x", "version": 1, "created": True})
        self.assertEqual(self.xlen(), n0 + 1)
        g = self.staff.result("employer.get", {"id": "emp-x"})
        self.assertEqual(g["version"], 1)
        for k, v in e.items():
            self.assertEqual(g[k], v, "employer.get %s" % k)
        r = self.staff.result("employer.put", {"employer": dict(
            e, name="改名后的公司")})
        self.assertEqual(r, {"id": "emp-x", "version": 2, "created": False})
        g = self.staff.result("employer.get", {"id": "emp-x"})
        self.assertEqual((g["name"], g["version"]), ("改名后的公司", 2))
        self.assertEqual(self.r.cmd("EXISTS", "jm:employer:emp-x"), 1)
        self.assertIsNotNone(self.r.cmd("ZSCORE", "jm:employers", "emp-x"))

    def test_employer_get_missing(self):
        self.staff.error("employer.get", {"id": "emp-none"}, h.NOT_FOUND)

    def test_employer_validation(self):
        e = self.staff.error("employer.put", {"employer": employer(
            "emp-v", headcount=10, disabled_employees=11)}, h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "employer.disabled_employees")
        e = self.staff.error("employer.put", {"employer": employer(
            "emp-v", town="999")}, h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "employer.town")
        self.staff.error("employer.get", {"id": "emp-v"}, h.NOT_FOUND)

    # ---- posting ----------------------------------------------------------

    def test_post_unregistered_employer(self):
        n0 = self.xlen()
        e = self.staff.error("job.post", {"job": job("j-u", emp="emp-none")},
                             h.NOT_FOUND)
        self.assertEqual(e.get("data", {}).get("field"), "job.employer_id")
        self.assertEqual(self.r.cmd("EXISTS", "jm:job:emp-none:j-u"), 0)
        self.assertEqual(self.xlen(), n0, "a refused write left a change")
        self.staff.error("job.get", {"id": "j-u", "employer_id": "emp-none"},
                         h.NOT_FOUND)

    def test_post_get_repost(self):
        j = job("j-1", title="盲人按摩师", description="描述" * 10,
                skills=["按摩", "推拿"], grades=[2, 3],
                accommodations=["braille", "step_free_access"],
                salary={"min": 3000, "max": 5000}, openings=3,
                location={"lat": 30.3421, "lon": 107.3584},
                expires_at=4000000000)
        before = int(time.time())
        r = self.post(j)
        self.assertEqual(r, {"id": "j-1", "version": 1, "created": True,
                             "flags": []})
        g = self.get("j-1")
        self.assertEqual(g["version"], 1)
        self.assertEqual(g["status"], "open")
        self.assertIsInstance(g["posted_at"], int)
        self.assertIsInstance(g["updated_at"], int)
        self.assertGreaterEqual(g["posted_at"], before - 5)
        self.assertEqual(g["posted_at"], g["updated_at"])
        for k, v in j.items():
            if k in ("accessible_for", "grades", "accommodations"):
                # sets: any order
                self.assertEqual(sorted(g[k]), sorted(v), "job.get %s" % k)
            else:
                self.assertEqual(g[k], v, "job.get field %s" % k)

        r = self.post(dict(j, title="高级盲人按摩师"))
        self.assertEqual(r, {"id": "j-1", "version": 2, "created": False,
                             "flags": []})
        g2 = self.get("j-1")
        self.assertEqual((g2["version"], g2["title"]), (2, "高级盲人按摩师"))
        self.assertEqual(g2["posted_at"], g["posted_at"],
                         "posted_at changed on update")
        self.assertGreaterEqual(g2["updated_at"], g["updated_at"])

    def test_post_defaults(self):
        self.post(job("j-def", accessible_for=["multiple", "visual"]))
        g = self.get("j-def")
        self.assertEqual(g["openings"], 1)
        self.assertEqual(g["status"], "open")
        self.assertEqual(g["town"], GUIXI)
        self.assertEqual(g["skills"], [])
        self.assertEqual(g["accommodations"], [])
        self.assertEqual(g["accessible_for"], ["visual", "multiple"],
                         "accessible_for in vocabulary order")

    def test_expires_at_zero_is_refused(self):
        """A posting that never expires leaves expires_at out: 0 (once
        stored as "never") and a time before 2000 (a duration in seconds,
        say) are refused, and nothing is stored."""
        n0 = self.xlen()
        for bad in (0, 2592000, 946684799):
            e = self.staff.error("job.post", {"job": job(
                "j-exp0", expires_at=bad)}, h.INVALID_PARAMS)
            self.assertEqual(e["data"]["field"], "job.expires_at", e)
            self.assertIn("946684800", e["data"]["reason"], e)
        self.assertEqual(self.r.cmd("EXISTS", "jm:job:emp-a:j-exp0"), 0)
        self.assertEqual(self.xlen(), n0, "a refused write left a change")
        self.post(job("j-exp0", expires_at=946684800))
        self.assertEqual(self.get("j-exp0")["expires_at"], 946684800)
        self.post(job("j-exp0"))
        self.assertNotIn("expires_at", self.get("j-exp0"))

    def test_pipelined_post_then_get(self):
        # writes and store reads reach Redis in order: a get pipelined
        # behind a post sees it
        c = self.d.client(h.STAFF)
        self.addCleanup(c.close)
        c.send_raw(h.line(h.request("job.post", {"job": job("j-pipe")},
                                    id=1)) +
                   h.line(h.request("job.get", {"id": "j-pipe",
                                                "employer_id": "emp-a"},
                                    id=2)) +
                   h.line(h.request("job.close", {"id": "j-pipe",
                                                  "employer_id": "emp-a"},
                                    id=3)) +
                   h.line(h.request("job.get", {"id": "j-pipe",
                                                "employer_id": "emp-a"},
                                    id=4)))
        r = [c.read_json() for _ in range(4)]
        self.assertEqual([x["id"] for x in r], [1, 2, 3, 4])
        self.assertEqual(r[1]["result"]["status"], "open", r[1])
        self.assertEqual(r[3]["result"]["status"], "closed", r[3])

    def test_expected_version(self):
        self.assertTrue(self.post(job("j-ev"), expected_version=0)["created"])
        self.post(job("j-ev"))
        e = self.staff.error("job.post", {"job": job("j-ev", title="x"),
                                          "expected_version": 1}, h.CONFLICT)
        self.assertEqual(e["data"]["current_version"], 2, e)
        e = self.staff.error("job.post", {"job": job("j-ev"),
                                          "expected_version": 0}, h.CONFLICT)
        self.assertEqual(e["data"]["current_version"], 2, e)
        self.assertEqual(self.get("j-ev")["version"], 2)
        self.assertNotEqual(self.get("j-ev")["title"], "x")
        r = self.post(job("j-ev", title="y"), expected_version=2)
        self.assertEqual(r["version"], 3)
        self.assertEqual(self.get("j-ev")["title"], "y")
        # expected_version on a job that does not exist yet
        e = self.staff.error("job.post", {"job": job("j-ev-new"),
                                          "expected_version": 4}, h.CONFLICT)
        self.assertEqual(e["data"]["current_version"], 0, e)
        self.staff.error("job.get", {"id": "j-ev-new",
                                     "employer_id": "emp-a"}, h.NOT_FOUND)

    def test_close(self):
        self.post(job("j-c"))
        r = self.staff.result("job.close", {"id": "j-c",
                                            "employer_id": "emp-a",
                                            "reason": "已招满"})
        self.assertEqual(r, {"id": "j-c", "status": "closed", "version": 2})
        g = self.get("j-c")
        self.assertEqual(g["status"], "closed")
        self.assertEqual(g["version"], 2)
        # closing again is harmless
        r = self.staff.result("job.close", {"id": "j-c",
                                            "employer_id": "emp-a"})
        self.assertEqual(r, {"id": "j-c", "status": "closed", "version": 2})
        self.assertEqual(self.get("j-c")["version"], 2)

    def test_close_missing(self):
        self.staff.error("job.close", {"id": "j-none",
                                       "employer_id": "emp-a"}, h.NOT_FOUND)
        self.staff.error("job.close", {"id": "j-1",
                                       "employer_id": "emp-none"},
                         h.NOT_FOUND)
        self.assertEqual(self.r.cmd("EXISTS", "jm:job:emp-a:j-none"), 0)

    def test_get_missing(self):
        self.staff.error("job.get", {"id": "j-none", "employer_id": "emp-a"},
                         h.NOT_FOUND)

    def test_job_id_with_colon(self):
        # ids may hold ':'; the pair (employer, id) stays unambiguous
        self.post(job("2026:01"))
        self.assertEqual(self.get("2026:01")["id"], "2026:01")
        self.assertEqual(self.r.cmd("EXISTS", "jm:job:emp-a:2026:01"), 1)

    def test_text_and_id_limits(self):
        ok = [job("i" * 64), job("t-200", title="岗" * 200),
              job("t-desc", description="述" * 8000),
              job("t-skills", skills=["技" * 64] * 50)]
        for j in ok:
            with self.subTest(id=j["id"][:10]):
                self.assertEqual(self.post(j)["id"], j["id"])
                g = self.get(j["id"])
                for k in ("title", "description", "skills"):
                    if k in j:
                        self.assertEqual(g[k], j[k])
        bad = [(job("i" * 65), "job.id"),
               (job("t-201", title="岗" * 201), "job.title"),
               (job("t-desc2", description="述" * 8001), "job.description"),
               (job("t-sk2", skills=["技"] * 51), "job.skills"),
               (job("t-sk3", skills=["技", "能" * 65]), "job.skills[1]"),
               (job("t-open", openings=0), "job.openings"),
               (job("t-emp", emp="emp:a"), "job.employer_id")]
        for j, field in bad:
            with self.subTest(field=field):
                e = self.staff.error("job.post", {"job": j},
                                     h.INVALID_PARAMS)
                self.assertEqual(e["data"]["field"], field, e)
        e = self.staff.error("employer.put", {"employer": employer("a:b")},
                             h.INVALID_PARAMS)
        self.assertEqual(e["data"]["field"], "employer.id")

    # ---- the Redis indexes ------------------------------------------------

    def assert_indexed_open(self, id, dis, lat, lon, emp="emp-a"):
        m = self.member(id, emp)
        self.assertEqual(self.r.cmd("EXISTS", "jm:job:%s:%s" % (emp, id)), 1)
        pos = self.r.cmd("GEOPOS", "jm:jobs:geo", m)[0]
        self.assertIsNotNone(pos, "%s not in jm:jobs:geo" % m)
        self.assertAlmostEqual(float(pos[0]), lon, places=4)
        self.assertAlmostEqual(float(pos[1]), lat, places=4)
        for t in ["visual", "hearing", "speech", "physical", "intellectual",
                  "mental", "multiple", "any"]:
            self.assertEqual(self.r.cmd("SISMEMBER", "jm:jobs:dis:" + t, m),
                             1 if t in dis else 0,
                             "%s in jm:jobs:dis:%s" % (m, t))
        self.assertIsNotNone(self.r.cmd("ZSCORE", "jm:jobs:emp:" + emp, id))
        self.assertIsNotNone(self.r.cmd("ZSCORE", "jm:jobs:all", m))
        self.assertEqual(self.r.cmd("SISMEMBER", "jm:jobs:open", m), 1)

    def test_redis_indexes(self):
        n0 = self.xlen()
        self.post(job("j-idx", accessible_for=["visual", "physical"],
                      location={"lat": 30.35, "lon": 107.36}))
        self.assertEqual(self.xlen(), n0 + 1)
        self.assert_indexed_open("j-idx", {"visual", "physical"}, 30.35,
                                 107.36)
        h_ = self.r.cmd("HGETALL", "jm:job:emp-a:j-idx")
        fields = dict(zip(h_[::2], h_[1::2]))
        self.assertEqual(fields[b"status"], b"open")
        self.assertEqual(fields[b"version"], b"1")
        self.assertEqual(fields[b"town"], GUIXI.encode(),
                         "town of a located posting is the nearest one")
        last = self.r.cmd("XREVRANGE", "jm:changes", "+", "-", "COUNT", 1)
        entry = dict(zip(last[0][1][::2], last[0][1][1::2]))
        self.assertEqual(entry, {b"op": b"job.post", b"employer": b"emp-a",
                                 b"id": b"j-idx", b"version": b"1"})

        # re-post open to other types: the type sets follow
        self.post(job("j-idx", accessible_for=["hearing"], town=GUIYANG))
        self.assertEqual(self.xlen(), n0 + 2)
        lat, lon = 30.3153, 107.3294
        self.assert_indexed_open("j-idx", {"hearing"}, lat, lon)

        self.post(job("j-idx", accessible_for=["any"], town=GUIYANG))
        self.assert_indexed_open("j-idx", {"any"}, lat, lon)

        # close: out of the match indexes, still the employer's
        self.staff.result("job.close", {"id": "j-idx",
                                        "employer_id": "emp-a",
                                        "reason": "招满"})
        self.assertEqual(self.xlen(), n0 + 4)
        m = self.member("j-idx")
        self.assertEqual(self.r.cmd("GEOPOS", "jm:jobs:geo", m), [None])
        for t in ["visual", "hearing", "physical", "any"]:
            self.assertEqual(self.r.cmd("SISMEMBER", "jm:jobs:dis:" + t, m),
                             0, "closed job still in jm:jobs:dis:" + t)
        self.assertEqual(self.r.cmd("SISMEMBER", "jm:jobs:open", m), 0)
        self.assertIsNotNone(self.r.cmd("ZSCORE", "jm:jobs:emp:emp-a",
                                        "j-idx"))
        self.assertIsNotNone(self.r.cmd("ZSCORE", "jm:jobs:all", m))
        self.assertEqual(self.r.cmd("HGET", "jm:job:emp-a:j-idx", "status"),
                         b"closed")
        self.assertEqual(self.r.cmd("HGET", "jm:job:emp-a:j-idx", "reason"),
                         "招满".encode())
        last = self.r.cmd("XREVRANGE", "jm:changes", "+", "-", "COUNT", 1)
        entry = dict(zip(last[0][1][::2], last[0][1][1::2]))
        self.assertEqual(entry[b"op"], b"job.close")

        # re-post reopens it, and the close reason goes
        r = self.post(job("j-idx", accessible_for=["speech"], town=GUIYANG))
        self.assertEqual(r["version"], 5)
        self.assertFalse(r["created"])
        self.assert_indexed_open("j-idx", {"speech"}, lat, lon)
        self.assertIsNone(self.r.cmd("HGET", "jm:job:emp-a:j-idx", "reason"))
        self.assertEqual(self.get("j-idx")["status"], "open")

    # ---- job.list ---------------------------------------------------------

    def test_list_filters_and_pages(self):
        mine = {}
        specs = [("l-01", "emp-a", GUIXI), ("l-02", "emp-a", GUIYANG),
                 ("l-03", "emp-a", XINMIN), ("l-04", "emp-a", GUIXI),
                 ("l-05", "emp-a", GUIYANG), ("l-06", "emp-b", GUIXI),
                 ("l-07", "emp-b", XINMIN)]
        for id, emp, town in specs:
            self.post(job(id, emp=emp, town=town))
            mine[(emp, id)] = town
        # a located posting gets the nearest town (新民镇's centre)
        self.post(job("l-08", emp="emp-b", town=None,
                      location={"lat": 30.3977, "lon": 107.3894}))
        mine[("emp-b", "l-08")] = XINMIN
        self.staff.result("job.close", {"id": "l-04",
                                        "employer_id": "emp-a"})

        def walk(params, limit):
            seen, cursor, pages = [], None, 0
            while True:
                p = dict(params, limit=limit)
                if cursor is not None:
                    p["cursor"] = cursor
                r = self.staff.result("job.list", p)
                self.assertLessEqual(len(r["jobs"]), limit)
                seen.extend((j["employer_id"], j["id"]) for j in r["jobs"])
                for j in r["jobs"]:
                    for k in ("version", "status", "posted_at",
                              "updated_at", "title"):
                        self.assertIn(k, j)
                pages += 1
                self.assertLess(pages, 1000, "job.list never ends")
                cursor = r["next_cursor"]
                if cursor is None:
                    break
                self.assertIsInstance(cursor, str)
            self.assertEqual(len(seen), len(set(seen)),
                             "duplicates across pages: %r" % seen)
            return seen

        def ours(seen):
            return {k for k in seen if k in mine}

        every = walk({}, 2)
        self.assertEqual(ours(every), set(mine))
        self.assertEqual(every, sorted(every, key=lambda k: "%s:%s" % k),
                         "job.list is not in key order")
        first = self.staff.result("job.list", {})
        self.assertEqual(len(first["jobs"]), min(20, len(every)),
                         "default limit")
        self.assertEqual(set(walk({}, 100)), set(every))

        a = walk({"employer_id": "emp-a"}, 2)
        self.assertTrue(all(e == "emp-a" for e, _ in a), a)
        self.assertEqual(ours(a), {k for k in mine if k[0] == "emp-a"})
        self.assertEqual(walk({"employer_id": "emp-a"}, 1), a)

        b = walk({"employer_id": "emp-b"}, 2)
        self.assertEqual(ours(b), {("emp-b", "l-06"), ("emp-b", "l-07"),
                                   ("emp-b", "l-08")})
        self.assertTrue(all(e == "emp-b" for e, _ in b), b)

        x = walk({"town": XINMIN}, 2)
        self.assertEqual(ours(x), {("emp-a", "l-03"), ("emp-b", "l-07"),
                                   ("emp-b", "l-08")})
        for emp, id in x:
            self.assertEqual(self.get(id, emp)["status"] in ("open",
                                                             "closed"), True)

        closed = walk({"status": "closed", "employer_id": "emp-a"}, 2)
        self.assertIn(("emp-a", "l-04"), closed)
        for emp, id in closed:
            self.assertEqual(self.get(id, emp)["status"], "closed")
        opened = walk({"status": "open", "employer_id": "emp-a"}, 2)
        self.assertNotIn(("emp-a", "l-04"), opened)
        self.assertIn(("emp-a", "l-01"), opened)
        self.assertEqual(set(opened) | set(closed), set(a))

        g = walk({"employer_id": "emp-a", "town": GUIYANG,
                  "status": "open"}, 1)
        self.assertEqual(ours(g), {("emp-a", "l-02"), ("emp-a", "l-05")})

        # an employer without postings
        self.assertEqual(walk({"employer_id": "emp-nobody"}, 3), [])

    def test_list_bad_cursor_and_limits(self):
        for params, field in [({"limit": 0}, "limit"),
                              ({"limit": 101}, "limit"),
                              ({"cursor": "a b"}, "cursor"),
                              ({"town": "123"}, "town")]:
            e = self.staff.error("job.list", params, h.INVALID_PARAMS)
            self.assertEqual(e["data"]["field"], field)


class StoreConfigTest(unittest.TestCase):
    """key_prefix, redis_db and stream_maxlen reach Redis."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["key_prefix jmx:", "redis_db 3",
                               "stream_maxlen 100"])
        cls.addClassCleanup(cls.env.stop)
        cls.r = cls.env.redis
        cls.staff = cls.env.daemon.client(h.STAFF)
        cls.staff.result("employer.put", {"employer": employer("emp-a")})

    @classmethod
    def tearDownClass(cls):
        cls.staff.close()

    def test_prefix_and_db(self):
        self.staff.result("job.post", {"job": job("p-1")})
        self.assertEqual(self.r.cmd("EXISTS", "jmx:job:emp-a:p-1", db=3), 1)
        self.assertEqual(self.r.cmd("SISMEMBER", "jmx:jobs:open",
                                    "emp-a:p-1", db=3), 1)
        self.assertEqual(self.r.cmd("DBSIZE"), 0, "wrote to database 0")
        self.assertEqual(self.r.cmd("KEYS", "jm:*", db=3), [])
        self.assertEqual(self.staff.result("job.get", {
            "id": "p-1", "employer_id": "emp-a"})["version"], 1)
        # and the mirror reloads from the same place
        self.staff.close()
        self.env.daemon.restart()
        with self.env.daemon.client(h.KIOSK) as k:
            r = k.result("match", {"profile": {
                "disability": {"type": "visual", "grade": 1},
                "town": GUIXI}})
            self.assertIn("p-1", [x["job"]["id"] for x in r["results"]])
        self.__class__.staff = self.env.daemon.client(h.STAFF)

    def test_stream_is_trimmed(self):
        reqs = [h.request("job.post", {"job": job("s-%03d" % i)}, id=i)
                for i in range(100)]
        for _ in range(4):
            self.staff.send_raw(h.line(reqs))
            r = self.staff.read_json()
            self.assertFalse([x for x in r if "error" in x])
        n = self.r.cmd("XLEN", "jmx:changes", db=3)
        self.assertGreaterEqual(n, 100)
        self.assertLess(n, 400, "stream_maxlen is not applied")


class ListBoundsTest(unittest.TestCase):
    """job_list_scan 7, job_list_bytes 20k: what one job.list call costs
    Redis is bounded (postings examined, bytes of documents read), and
    walking the cursor still gives every posting once, in order."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["job_list_scan 7", "job_list_bytes 20k"])
        cls.addClassCleanup(cls.env.stop)
        cls.staff = cls.env.daemon.client(h.STAFF)
        cls.addClassCleanup(cls.staff.close)
        cls.expect = {}
        for e in ("emp-x", "emp-y"):
            cls.staff.result("employer.put", {"employer": employer(e)})
        reqs = []
        for i in range(60):
            emp = "emp-x" if i % 3 else "emp-y"
            town = XINMIN if i % 10 == 0 else GUIXI
            # every fourth posting of 4,000 characters, the rest short
            desc = "说明" * (2000 if i % 4 == 0 else 10)
            reqs.append(h.request("job.post", {"job": job(
                "b-%02d" % i, emp=emp, town=town, description=desc)},
                id=i))
            cls.expect[(emp, "b-%02d" % i)] = (town, i % 5 == 0)
        for start in (0, 20, 40):
            cls.staff.send_raw(h.line(reqs[start:start + 20]))
            r = cls.staff.read_json()
            assert not [x for x in r if "error" in x], r
        for (emp, id), (town, closed) in cls.expect.items():
            if closed:
                cls.staff.result("job.close", {"id": id,
                                               "employer_id": emp})

    def walk(self, params):
        seen, cursor, pages = [], None, 0
        self.short = 0      # pages cut short by job_list_bytes
        while True:
            p = dict(params, limit=100)
            if cursor is not None:
                p["cursor"] = cursor
            r = self.staff.result("job.list", p)
            docs = sum(len(h.line({k: v for k, v in j.items() if k not in
                                   ("version", "posted_at", "updated_at",
                                    "status")})) for j in r["jobs"])
            if len(r["jobs"]) > 1:
                self.assertLessEqual(docs, 20 * 1024 + 100,
                                     "a page past job_list_bytes")
            if len(r["jobs"]) < 7 and r["next_cursor"] is not None and \
                    not params:
                self.short += 1
            self.assertLessEqual(len(r["jobs"]), 7)
            seen += [(j["employer_id"], j["id"]) for j in r["jobs"]]
            pages += 1
            self.assertLess(pages, 100, "job.list never ends")
            cursor = r["next_cursor"]
            if cursor is None:
                return seen, pages

    def ours(self, seen):
        return [k for k in seen if k in self.expect]

    def test_walks(self):
        every, pages = self.walk({})
        self.assertEqual(self.ours(every),
                         sorted(self.expect, key=lambda k: "%s:%s" % k))
        # two long postings (12 KB each) do not fit in a page of 20k
        self.assertGreater(self.short, 0)
        for params, keep in (
                ({"status": "closed"}, lambda t, c: c),
                ({"town": XINMIN}, lambda t, c: t == XINMIN),
                ({"town": XINMIN, "status": "open"},
                 lambda t, c: t == XINMIN and not c),
                ({"employer_id": "emp-y", "status": "closed"}, None)):
            seen, pages = self.walk(params)
            if keep is None:
                want = [k for k in every if k[0] == "emp-y" and
                        self.expect[k][1]]
            else:
                want = [k for k in every if keep(*self.expect[k])]
            self.assertEqual(self.ours(seen), want, params)
            # at most 7 postings examined a call, matching or not
            examined = len(every) if "employer_id" not in params else \
                len([k for k in every if k[0] == params["employer_id"]])
            self.assertGreaterEqual(pages, examined // 7, params)


if __name__ == "__main__":
    h.main()

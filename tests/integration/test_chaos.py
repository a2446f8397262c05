# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_chaos.py - a bounded chaos run. Two daemons share one Redis (AOF on,
so a restart keeps the data); clients of every role (anonymous, kiosk,
employer, staff) pipeline a mix of methods, single and in batches, and
sometimes hang up, mid-line too; meanwhile Redis's links are killed, Redis
sleeps (DEBUG SLEEP), forgets its scripts (SCRIPT FLUSH), pauses its clients
(CLIENT PAUSE) and is shut down and started again, and the daemons are sent
SIGHUP. Then, once quiet:
- every request a client did not abandon was answered, in order, with a
  result or an error the protocol allows for it;
- both daemons' mirrors agree with Redis: the open postings a match can
  find are exactly Redis's open set, both daemons answer the same matches
  alike, with the same rule set; employers and seekers are counted alike;
- every posting that took hires gave up exactly as many openings as there
  are placements of it;
- both daemons stop cleanly (exit status 0: LeakSanitizer makes it non-zero
  in the sanitizer build) and their logs hold no sanitizer report.

JM_CHAOS_SEED=N replays a run's choices (the seed is printed; the threads'
timing still differs from run to run), JM_CHAOS_SECONDS=S sets how long the
chaos lasts (default 35).
"""
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import unittest

import harness as h

SECONDS = float(os.environ.get("JM_CHAOS_SECONDS", "35"))
SEED = int(os.environ.get("JM_CHAOS_SEED", str(random.randrange(1 << 31))))
READ_TIMEOUT = 60.0     # an answer owed: generous, the machine is shared

TOWNS = ["500231001000", "500231002000", "500231101000", "500231105000",
         "500231110000", "500231118000", "500231202000"]
SKILLS = ["客服", "保洁", "按摩", "电商", "打字", "包装", "手语", "会计"]
EMPLOYERS = {"emp-a": "soe", "emp-b": "private", "emp-c": "institution"}
POOL = 40               # posting ids per employer the clients write
HIRE_JOBS = ["h-0", "h-1", "h-2"]   # of emp-c: only hires change them
SEEKERS = 60
# Every profile the mirror check uses finds every open posting: any
# disability, no needs, the whole earth.
EVERYONE = {"disability": {"type": "physical", "grade": 3},
            "town": h.GUIXI, "skills": ["客服"], "max_distance_km": 20038}

# The errors a request may meet under chaos; -32602, -32700 and -32001 only
# where a client provokes them.
STORE_ERRORS = {h.NOT_FOUND, h.CONFLICT, h.STORE_UNAVAILABLE}

SANITIZER = re.compile(r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|"
                       r"runtime error:|SUMMARY: \w+Sanitizer")


def posting(rng, emp, id, openings=None):
    j = {"id": id, "employer_id": emp,
         "title": "岗位 %s %d" % (id, rng.randrange(1000)),
         "skills": rng.sample(SKILLS, rng.randint(1, 3)),
         "accessible_for": ["any"], "employment_type":
         rng.choice(["full_time", "part_time", "public_welfare"]),
         "town": rng.choice(TOWNS),
         "openings": openings or rng.randint(1, 5)}
    if rng.random() < 0.5:
        j["salary"] = {"min": 2000, "max": rng.randint(2000, 6000)}
    return j


def seeker(rng, id):
    return {"id": id, "disability": {"type": rng.choice(
        ["physical", "hearing", "visual", "intellectual"]),
        "grade": rng.randint(1, 4)}, "town": rng.choice(TOWNS),
        "skills": rng.sample(SKILLS, rng.randint(1, 3)),
        "plan_note": "计划 %d" % rng.randrange(1000)}


def employer(id):
    return {"id": id, "name": "单位 " + id, "type": EMPLOYERS[id],
            "town": h.GUIXI}


def date(rng):
    return "2024-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28))


class Failures:
    """What the clients saw that they should not have, for the report."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, who, what):
        with self.lock:
            if len(self.items) < 50:
                self.items.append("%s: %s" % (who, what))

    def __bool__(self):
        return bool(self.items)


class Counters:

    def __init__(self):
        self.lock = threading.Lock()
        self.n = {}

    def add(self, key, k=1):
        with self.lock:
            self.n[key] = self.n.get(key, 0) + k


# ---- clients -------------------------------------------------------------

class ChaosClient(threading.Thread):
    """One client: connects to either daemon, says hello, then sends bursts
    of pipelined lines and reads every answer, checking each; now and then
    it hangs up in the middle of a burst instead (those requests are
    abandoned) or moves to a new connection."""

    def __init__(self, name, role, token, daemons, seed, stop, failures,
                 counters):
        super().__init__(name=name, daemon=True)
        self.role, self.token, self.daemons = role, token, daemons
        self.rng = random.Random(seed)
        self.stop, self.failures, self.counters = stop, failures, counters
        self.next_id = 1
        self.rules_version = 0
        with open(os.path.join(h.DATA_DIR, "rules.default.json")) as f:
            self.rules = json.load(f)

    # -- what to ask --

    def req(self, method, params=None, allowed=()):
        """A request and the error codes it may be answered with."""
        i = self.next_id
        self.next_id += 1
        return (h.request(method, params if params is not None else {},
                          id=i), set(allowed) | STORE_ERRORS)

    def forbidden(self, method, params=None):
        return self.req(method, params, {h.UNAUTHORIZED})

    def pick(self):
        rng, role = self.rng, self.role
        if role == "anon":
            return rng.choice([
                lambda: self.req("ping"),
                lambda: self.req("hello", {}),
                lambda: self.forbidden("vocab"),
                lambda: self.forbidden("match", {"profile": EVERYONE}),
                lambda: self.forbidden("job.get", {"id": "p-1",
                                                   "employer_id": "emp-a"}),
            ])()
        if role == "kiosk":
            return rng.choice([
                lambda: self.req("match", {"profile": dict(
                    EVERYONE, skills=rng.sample(SKILLS, 2)),
                    "limit": rng.randint(1, 100),
                    "offset": rng.randrange(200)}),
                lambda: self.req("match", {"profile": EVERYONE,
                                           "explain": True, "limit": 5}),
                lambda: self.req("job.get", {"id": "p-%d" % rng.randrange(
                    POOL), "employer_id": rng.choice(list(EMPLOYERS))}),
                lambda: self.req("job.list", {"status": "open",
                                              "limit": 20}),
                lambda: self.req("vocab"),
                lambda: self.req("match", {"profile": {"disability": {}}},
                                 {h.INVALID_PARAMS}),
                lambda: self.forbidden("job.post", {"job": posting(
                    rng, "emp-a", "p-1")}),
            ])()
        if role.startswith("employer:"):
            emp = role.split(":", 1)[1]
            other = "emp-b" if emp == "emp-a" else "emp-a"
            pid = "p-%d" % rng.randrange(POOL)
            return rng.choice([
                lambda: self.req("job.post", {"job": posting(rng, emp,
                                                             pid)}),
                lambda: self.req("job.post", {"job": posting(rng, emp,
                                                             pid)}),
                lambda: self.req("job.close", {"id": pid,
                                               "employer_id": emp}),
                lambda: self.req("job.get", {"id": pid,
                                             "employer_id": emp}),
                lambda: self.req("job.list", {"limit": 20}),
                lambda: self.forbidden("job.post", {"job": posting(
                    rng, other, pid)}),
                lambda: self.forbidden("seeker.get", {"id": "s-1"}),
            ])()
        return self.pick_staff()

    def pick_staff(self):
        rng = self.rng
        emp = rng.choice(list(EMPLOYERS))
        pid = "p-%d" % rng.randrange(POOL)
        sid = "s-%d" % rng.randrange(SEEKERS)

        def rules_set():
            self.rules["weights"]["skills"] = round(rng.uniform(0.3, 0.7), 2)
            return self.req("rules.set", {"rules": self.rules,
                                          "expected_version":
                                          self.rules_version})
        return rng.choice([
            lambda: self.req("job.post", {"job": posting(rng, emp, pid)}),
            lambda: self.req("job.close", {"id": pid, "employer_id": emp}),
            lambda: self.req("seeker.put", {"seeker": seeker(rng, sid)}),
            lambda: self.req("seeker.put", {"seeker": seeker(rng, sid)}),
            lambda: self.req("seeker.get", {"id": sid}),
            lambda: self.req("seeker.delete", {"id": sid}),
            lambda: self.req("seeker.list", {"limit": 50}),
            lambda: self.req("employer.put", {"employer": employer(emp)}),
            lambda: self.req("employer.get", {"id": emp}),
            lambda: self.req("match", {"seeker_id": sid, "limit": 20}),
            lambda: self.req("job.candidates", {"job_id": pid,
                                                "employer_id": emp}),
            lambda: self.req("placement.record", {
                "seeker_id": sid, "job_id": rng.choice(HIRE_JOBS),
                "employer_id": "emp-c", "date": date(rng)}),
            lambda: self.req("placement.record", {
                "seeker_id": sid, "job_id": rng.choice(HIRE_JOBS),
                "employer_id": "emp-c", "date": date(rng)}),
            lambda: self.req("placement.list", {"limit": 50}),
            lambda: self.req("stats.plan", {}),
            lambda: self.req("rules.get"),
            rules_set,
            lambda: self.req("rules.history", {"limit": 3}),
            lambda: self.req("stats"),
            lambda: self.req("job.list", {"limit": 50}),
        ])()

    # -- one burst --

    def burst(self):
        """Lines to send, each with what answers it: None for a line that
        gets no answer (a notification), else whether the answer is a batch
        and, for each of its requests, (id, allowed codes, method)."""
        out = []
        if self.role == "staff" and self.rng.random() < 0.04:
            # a storm of hires of one posting: they queue behind each other
            job = self.rng.choice(HIRE_JOBS)
            for _ in range(self.rng.randint(2, 10)):
                items = [self.req("placement.record", {
                    "seeker_id": "s-%d" % self.rng.randrange(SEEKERS),
                    "job_id": job, "employer_id": "emp-c",
                    "date": date(self.rng)}) for _ in range(100)]
                out.append((h.line([o for o, _ in items]), True,
                            [(o["id"], a, o["method"]) for o, a in items]))
            return out
        for _ in range(self.rng.randint(1, 15)):
            r = self.rng.random()
            if r < 0.03:
                out.append((b'{"jsonrpc":"2.0","id":1,"method"\n', False,
                            [(None, {h.PARSE_ERROR}, "(not JSON)")]))
            elif r < 0.06:
                out.append((h.line(h.notification("ping")), False, None))
            elif r < 0.3:
                items = [self.pick() for _ in range(self.rng.randint(2, 10))]
                out.append((h.line([o for o, _ in items]), True,
                            [(o["id"], a, o["method"]) for o, a in items]))
            else:
                o, a = self.pick()
                out.append((h.line(o), False, [(o["id"], a, o["method"])]))
        return out

    def check(self, resp, batch, want):
        if not batch:
            resp = [resp]
        elif not isinstance(resp, list) or len(resp) != len(want):
            self.failures.add(self.name, "a batch of %d answered %r" % (
                len(want), resp))
            return
        for r, (id, allowed, method) in zip(resp, want):
            self.counters.add("answered")
            if not isinstance(r, dict) or r.get("id") != id:
                self.failures.add(self.name, "%s (id %r): out of order, or "
                                  "not its answer: %r" % (method, id, r))
                continue
            if "result" in r:
                res = r["result"]
                if method in ("rules.get", "rules.set") and \
                        isinstance(res, dict) and "version" in res:
                    self.rules_version = res["version"]
                continue
            code = r.get("error", {}).get("code")
            self.counters.add("error %s" % code)
            if code not in allowed:
                self.failures.add(self.name, "%s answered %r" % (method, r))

    def session(self):
        d = self.rng.choice(self.daemons)
        try:
            c = h.Client(d.port, timeout=READ_TIMEOUT)
        except OSError as e:
            self.failures.add(self.name, "cannot connect to %s: %s" %
                              (d.addr, e))
            self.stop.wait(1)
            return
        try:
            if self.token is not None:
                r = c.call("hello", {"token": self.token})
                if "result" not in r:
                    self.failures.add(self.name, "hello answered %r" % r)
                    return
            for _ in range(self.rng.randint(1, 30)):
                # the daemons answer these from memory at once: a pause
                # leaves room for the others, which reach Redis
                if self.role in ("anon", "kiosk"):
                    self.stop.wait(self.rng.uniform(0, 0.02))
                if self.stop.is_set():
                    return
                lines = self.burst()
                data = b"".join(ln for ln, _, _ in lines)
                if self.rng.random() < 0.05:
                    # hang up somewhere in the burst, mid-line maybe
                    c.send_raw(data[:self.rng.randrange(len(data))])
                    self.counters.add("abandoned bursts")
                    return
                if self.rng.random() < 0.3:
                    # in pieces: lines split across reads
                    cut = sorted(self.rng.sample(range(1, len(data)),
                                                 min(3, len(data) - 1)))
                    for a, b in zip([0] + cut, cut + [len(data)]):
                        c.send_raw(data[a:b])
                else:
                    c.send_raw(data)
                self.counters.add("lines", len(lines))
                for _, batch, want in lines:
                    if want is not None:
                        self.check(c.read_json(), batch, want)
        except (OSError, AssertionError) as e:
            self.failures.add(self.name, "%s: %s" % (type(e).__name__, e))
            self.stop.wait(1)
        finally:
            c.close()

    def run(self):
        while not self.stop.is_set():
            self.session()


# ---- chaos ---------------------------------------------------------------

class Chaos:
    """What happens to Redis and the daemons meanwhile."""

    def __init__(self, redis, daemons, rng, counters):
        self.redis, self.daemons = redis, daemons
        self.rng, self.counters = rng, counters

    def cmd(self, *args, timeout=10):
        try:
            return self.redis.cmd(*args, timeout=timeout)
        except (h.RespError, OSError, ConnectionError):
            return None

    def kill_all(self):
        self.cmd("CLIENT", "KILL", "TYPE", "normal")

    def kill_one(self):
        text = self.cmd("CLIENT", "LIST")
        if not isinstance(text, bytes):
            return
        ids = [m.group(1) for m in re.finditer(
            rb"^id=(\d+) .* cmd=(?!client\|list)", text, re.M)]
        if ids:
            self.cmd("CLIENT", "KILL", "ID", self.rng.choice(ids).decode())

    def sleep(self):
        self.cmd("DEBUG", "SLEEP", "%.2f" % self.rng.uniform(0.2, 1.5),
                 timeout=30)

    def flush_scripts(self):
        self.cmd("SCRIPT", "FLUSH")

    def pause(self):
        self.cmd("CLIENT", "PAUSE", str(self.rng.randint(200, 1500)),
                 self.rng.choice(["ALL", "WRITE"]))

    def restart(self):
        try:
            self.redis.cmd(*self.rng.choice([("SHUTDOWN",),
                                             ("SHUTDOWN", "NOSAVE")]))
        except (h.RespError, OSError, ConnectionError):
            pass
        try:
            self.redis.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.redis.kill()
        self.redis.start()

    def hup(self):
        self.rng.choice(self.daemons).proc.send_signal(signal.SIGHUP)

    def run(self, seconds):
        acts = [(self.kill_all, 2), (self.kill_one, 2), (self.sleep, 1.5),
                (self.flush_scripts, 1), (self.pause, 1),
                (self.restart, 0.7), (self.hup, 1)]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(self.rng.uniform(0.2, 1.0))
            act = self.rng.choices([a for a, _ in acts],
                                   [w for _, w in acts])[0]
            act()
            self.counters.add(act.__name__)
        time.sleep(1.6)         # the last CLIENT PAUSE is over


# ---- the test ------------------------------------------------------------

class ChaosTest(unittest.TestCase):

    def setUp(self):
        print("chaos: JM_CHAOS_SEED=%d JM_CHAOS_SECONDS=%g" % (SEED, SECONDS),
              flush=True)
        self.rng = random.Random(SEED)
        self.redis = h.Redis()
        self.addCleanup(self.redis.cleanup)
        self.redis.start()
        extra = ["max_request_rate 1000000", "max_pending 100000",
                 "staff_max_request_rate 1000000",
                 "employer_max_request_rate 1000000",
                 "redis_timeout_ms 800", "stream_block_ms 1000"]
        self.daemons = []
        for _ in range(2):
            d = h.Daemon(self.redis.port, extra=extra)
            self.addCleanup(d.cleanup)
            d.start()
            self.daemons.append(d)
        st = self.client(self.daemons[0], h.STAFF)
        for e in EMPLOYERS:
            st.result("employer.put", {"employer": employer(e)})
        for i in range(SEEKERS):
            st.result("seeker.put", {"seeker": seeker(self.rng, "s-%d" % i)})
        for e in EMPLOYERS:
            for i in range(0, POOL, 2):
                st.result("job.post", {"job": posting(self.rng, e,
                                                      "p-%d" % i)})
        for j in HIRE_JOBS:
            st.result("job.post", {"job": posting(self.rng, "emp-c", j,
                                                  openings=10000)})

    def client(self, d, token):
        c = d.client(token, timeout=READ_TIMEOUT)
        self.addCleanup(c.close)
        return c

    # -- once quiet --

    def open_set(self):
        return {m.decode() for m in self.redis.cmd("SMEMBERS",
                                                   "jm:jobs:open")}

    def matched(self, kiosk, profile=EVERYONE):
        """Every posting the profile matches, in order, page by page."""
        out, offset = [], 0
        while True:
            r = kiosk.result("match", {"profile": profile, "limit": 100,
                                       "offset": offset})
            out += [(x["job"]["employer_id"], x["job"]["id"], x["score"])
                    for x in r["results"]]
            if len(r["results"]) < 100:
                return out, r["rules_version"]
            offset += 100

    def seeker_match(self, staff, id):
        r = staff.call("match", {"seeker_id": id, "limit": 100})
        return r["result"]["results"] if "result" in r else r["error"]

    def agree(self, kiosks, staffs):
        """Both daemons' mirrors as Redis holds them: the last difference
        seen, or None."""
        want = self.open_set()
        version = int(self.redis.cmd("HGET", "jm:rules", "version"))
        counts = {"postings": len(want),
                  "employers": self.redis.cmd("ZCARD", "jm:employers"),
                  "seekers": self.redis.cmd("ZCARD", "jm:seekers")}
        views = []
        for k, s in zip(kiosks, staffs):
            st = s.result("stats")
            if not (st["store"]["loaded"] and st["store"]["following"]) \
                    or st["store"]["pending"] != 0:
                return "not loaded, following and done: %r" % st["store"]
            got = {key: st["mirror"][key] for key in counts}
            if got != counts:
                return "mirror %r, Redis %r" % (got, counts)
            if st["rules"]["version"] != version:
                return "rules version %r, Redis %r" % (
                    st["rules"]["version"], version)
            m, v = self.matched(k)
            if {"%s:%s" % (e, i) for e, i, _ in m} != want or v != version:
                return "matched %d postings (rules %d), Redis has %d open " \
                    "(rules %d)" % (len(m), v, len(want), version)
            views.append(m)
            views.append([self.matched(k, dict(EVERYONE, skills=sk))
                          for sk in (["按摩", "电商"], ["会计"])])
            views.append([self.seeker_match(s, "s-%d" % i)
                          for i in range(0, SEEKERS, 7)])
        if views[:3] != views[3:]:
            return "the daemons answer the same matches differently"
        return None

    def test_chaos(self):
        failures, counters = Failures(), Counters()
        stop = threading.Event()
        roles = [("anon", None)] * 2 + [("kiosk", h.KIOSK)] * 3 + \
            [("employer:emp-a", h.EMP_A), ("employer:emp-a", h.EMP_A),
             ("employer:emp-b", h.EMP_B)] + [("staff", h.STAFF)] * 4
        clients = [ChaosClient("%s#%d" % (role, i), role, token,
                               self.daemons, SEED + i + 1, stop, failures,
                               counters)
                   for i, (role, token) in enumerate(roles)]
        for c in clients:
            c.start()
        try:
            Chaos(self.redis, self.daemons, self.rng, counters).run(SECONDS)
        finally:
            stop.set()
            for c in clients:
                c.join(READ_TIMEOUT + 30)
        print("chaos: %s" % json.dumps(counters.n, sort_keys=True),
              flush=True)
        self.assertFalse([c.name for c in clients if c.is_alive()],
                         "clients still waiting for answers")
        for d in self.daemons:
            self.assertTrue(d.running(), "a daemon died: see its log")
        self.assertFalse(failures, "\n".join(failures.items))

        # quiet: the mirrors converge on what Redis holds
        kiosks = [self.client(d, h.KIOSK) for d in self.daemons]
        staffs = [self.client(d, h.STAFF) for d in self.daemons]
        last = {}

        def agreed():
            last["why"] = self.agree(kiosks, staffs)
            return last["why"] is None
        try:
            h.wait_until(agreed, timeout=60, interval=0.5,
                         what="the mirrors to agree with Redis")
        except AssertionError as e:
            self.fail("%s: %s" % (e, last.get("why")))
        for j in HIRE_JOBS:
            n, gave = h.hires_of(self.redis, "emp-c", j, 10000)
            self.assertEqual(n, gave, j)
        print("chaos: %d placements" % self.redis.cmd("ZCARD",
                                                        "jm:placements"))

        for c in kiosks + staffs:
            c.close()
        for d in self.daemons:
            d.stop()
            found = SANITIZER.findall(d.log_text())
            self.assertFalse(found, "sanitizer report in %s" % d.log)



if __name__ == "__main__":
    h.main()

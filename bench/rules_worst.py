#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""rules_worst.py - the helper of bench/rules_worst.sh (Python 3 standard
library only). A benchmark, not a test: it prints figures and never asserts.

    rules_worst.py port                   print a free TCP port on 127.0.0.1
    rules_worst.py gen DIR N              write DIR/employers.jsonl and
                                          DIR/postings.jsonl (N postings)
    rules_worst.py run HOST:PORT PID SECONDS
                                          the rule sets and the measurements;
                                          tokens in JM_BENCH_STAFF and
                                          JM_BENCH_KIOSK

Environment of "run": JM_BENCH_MATCHES (200 matches per rule set and
profile), JM_BENCH_MATCH_SECONDS (5: the time cap of one series),
JM_BENCH_AMP (3x3: the amplifier's repeat counts in the nastiest rule set),
JM_BENCH_SYNONYMS (20: its amplified synonyms). See bench/README.md.
"""
import json
import os
import socket
import statistics
import sys
import threading
import time

# ---- limits of the protocol (docs/protocol.md) and of the rules ------------

TITLE_MAX = 200          # characters of a title or an employer name
DESC_MAX = 8000          # characters of a description
SKILLS_MAX = 50          # skills of a posting or a profile
SKILL_MAX = 64           # characters of one skill
RULES_MAX = 128          # rules in a rule set
PATTERN_MAX = 1024       # regex_max_pattern (bytes) in the default config
SEEKER_TOWN = "500231001000"
TOWNS = ["500231001000", "500231002000", "500231101000", "500231107000",
         "500231115000", "500231202000", "500231204000"]

# ---- adversarial texts ------------------------------------------------------
#
# Each family makes a text of exactly n characters (code points) that some
# kind of pattern finds hard: long runs of one character, with and without a
# last character that cannot continue them, "words" with single spaces,
# digits, CJK runs, 4-byte characters, and alternations of Han and Latin
# ("mixed", in postings) or of Han, Latin and Greek ("tri", only in the
# seekers' profiles). The probe that guards rules.set repeats ONE character,
# so no probe subject ever alternates scripts: the gated patterns below are
# cheap on every probe and costly on these texts.

FAMILIES = ["ascii", "ascii_bang", "words", "digits", "cjk", "cjk_bang",
            "mixed", "emoji", "punct"]


def text(family, n):
    if n <= 0:
        return ""
    if family == "ascii":
        return "a" * n
    if family == "ascii_bang":
        return "a" * (n - 1) + "!"
    if family == "words":
        return ("ab " * n)[:n - 1] + "!"
    if family == "digits":
        return "0" * max(n - 2, 0) + "!!"[:min(n, 2)]
    if family == "cjk":
        return "中" * n
    if family == "cjk_bang":
        return "中" * (n - 1) + "!"
    if family == "mixed":
        return ("中a" * n)[:n]
    if family == "tri":
        return ("中aα" * n)[:n]
    if family == "emoji":
        return "\U0001F600" * n
    if family == "punct":
        return ("a," * n)[:n - 1] + ";"
    raise ValueError(family)


def skills_of(family, n=SKILLS_MAX):
    """n distinct skills of 64 characters: a distinct first character (the
    circled numbers, \\p{No}), then 63 of the family."""
    return [chr(0x2460 + k) + text(family, SKILL_MAX - 1) for k in range(n)]



def long_text(family, n, cut=512):
    """n characters made of blocks of the family, each as long as fits in
    cut bytes (regex_max_subject: a pattern only ever sees the first 512
    bytes of a text), so that the block's last character, the one that
    cannot continue the run, is inside what the pattern sees."""
    m = 1
    while m < n and len(text(family, m + 1).encode()) <= cut:
        m += 1
    block = text(family, m)
    return (block * (n // m + 1))[:n]


def gen(outdir, n):
    """Writes employers.jsonl and postings.jsonl (one request a line)."""
    emps = []
    with open(os.path.join(outdir, "employers.jsonl"), "w") as f:
        for i, fam in enumerate(FAMILIES * 2):
            eid = "bench-emp-%02d" % i
            emps.append(eid)
            f.write(json.dumps({"method": "employer.put", "params": {
                "employer": {
                    "id": eid, "name": long_text(fam, TITLE_MAX),
                    "type": ["private", "soe", "community",
                             "sheltered_workshop", "social_org",
                             "institution"][i % 6],
                    "town": TOWNS[i % len(TOWNS)], "headcount": 100,
                    "disabled_employees": 5}}}, ensure_ascii=False) + "\n")
    accs = ["step_free_access", "screen_reader", "captioning",
            "flexible_hours", "remote_work", "braille"]
    kinds = ["full_time", "part_time", "public_welfare", "sheltered",
             "flexible", "internship"]
    nf = len(FAMILIES)
    with open(os.path.join(outdir, "postings.jsonl"), "w") as f:
        for i in range(n):
            fam = FAMILIES[i % nf]
            job = {"id": "bench-%05d" % i, "employer_id": emps[i % len(emps)],
                   "title": long_text(fam, TITLE_MAX),
                   "description": long_text(FAMILIES[(i // nf) % nf],
                                            DESC_MAX),
                   "skills": skills_of(fam),
                   "accessible_for": ["any"],
                   "accommodations": accs[:1 + i % len(accs)],
                   "employment_type": kinds[i % len(kinds)],
                   "town": TOWNS[i % len(TOWNS)],
                   "remote": i % 3 == 0,
                   "salary": {"min": 2000 + i % 7 * 100, "max": 6000},
                   "openings": 1 + i % 5}
            f.write(json.dumps({"method": "job.post", "params": {"job": job}},
                               ensure_ascii=False) + "\n")


# ---- the client ---------------------------------------------------------------

class Client:
    """One connection. quickack: acknowledge every read at once, so that
    the client's delayed ACK does not add to the daemon's Nagle delay (see
    README); the plain client leaves the socket as it is."""

    def __init__(self, addr, token, timeout, quickack=True):
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.sock.settimeout(timeout)
        self.quickack = quickack and hasattr(socket, "TCP_QUICKACK")
        self.buf = b""
        self.next_id = 1
        resp, _ = self.call_raw("hello", {"token": token})
        if "error" in resp:
            raise RuntimeError("hello: %s" % resp["error"])

    def _line(self):
        while b"\n" not in self.buf:
            if self.quickack:
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("jobmatchd closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def call_raw(self, method, params):
        """Returns (the response object, client wall time in seconds)."""
        rid = self.next_id
        self.next_id += 1
        data = (json.dumps({"jsonrpc": "2.0", "id": rid, "method": method,
                            "params": params}, ensure_ascii=False) + "\n"
                ).encode()
        t0 = time.perf_counter()
        self.sock.sendall(data)
        resp = json.loads(self._line())
        return resp, time.perf_counter() - t0

    def call(self, method, params):
        resp, _ = self.call_raw(method, params)
        if "error" in resp:
            raise RuntimeError("%s: %s" % (method, resp["error"]))
        return resp["result"]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Pinger(threading.Thread):
    """Pings on its own (kiosk) connection every 20 ms and keeps every
    latency: the longest in a window is how long the daemon stalled every
    other client then (it serves all connections from one thread)."""

    def __init__(self, addr, token):
        super().__init__(daemon=True)
        self.c = Client(addr, token, timeout=300)
        self.samples = []       # (t_sent, latency s)
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            t = time.time()
            try:
                _, lat = self.c.call_raw("ping", {})
            except (OSError, ValueError):
                return
            with self.lock:
                self.samples.append((t, lat))
            self.stop.wait(0.02)

    def stall(self, t0, t1):
        """The longest ping latency (ms) of the pings sent in [t0, t1],
        counting a ping still unanswered at t1 as waiting until t1."""
        with self.lock:
            lats = [lat for (t, lat) in self.samples if t0 <= t <= t1]
            last = self.samples[-1] if self.samples else None
        worst = max(lats) if lats else 0.0
        if last is not None and last[0] + last[1] < t1:
            worst = max(worst, t1 - (last[0] + last[1]) - 0.02)
        return worst * 1000.0


def proc_status(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return -1


def cpu_s(pid):
    """User + system CPU seconds of pid so far."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


# ---- patterns -------------------------------------------------------------------

# The gates: true at every position of a text alternating two (or three)
# scripts, false at every position of a run of one character.
GATE_MIXED = r"(?=\p{Han}\p{Latin}|\p{Latin}\p{Han})"   # the postings' "mixed"
GATE_TRI = (r"(?=\p{Han}\p{Latin}\p{Greek}|\p{Latin}\p{Greek}\p{Han}"
            r"|\p{Greek}\p{Han}\p{Latin})")                # the seekers' "tri"


def amp(n1, n2, gate=GATE_TRI, scan=r"\X", k=10):
    """The cost amplifier. Group 1 is k negative lookaheads, each scanning
    (scan*+, possessive) to the end of the subject for a digit that is not
    there; it is called n1 x n2 times by subroutine calls, then \\d fails;
    and all this again at every start position the gate lets through.

    PCRE2's match limit (10,000) counts afresh at every start position, each
    lookahead and call costing about one, so a start position spends some
    (k + 1) x n1 x n2 of it (9,240 at 28 x 30: under the limit), while each
    of those steps scans the rest of the subject (\\X, a grapheme cluster,
    is the dearest thing to scan). One run costs about positions x steps x
    length, with no limit ever hit. The gate holds only where a Han character
    is followed by a Latin one (GATE_MIXED) or where Han, Latin and Greek
    follow each other (GATE_TRI); no probe subject has that (a probe repeats
    one character, maybe with another at the end), so every probe fails at
    the gate at once, whatever the probe's own match limit, and rules.set
    answers at once."""
    chain = "".join("(?!%s*+%d)" % (scan, i % 10) for i in range(k))
    return "%s(%s)(?:(?1){%d}){%d}\\d" % (gate, chain, n1, n2)


def bexp(n):
    """Bounded exponential: two overlapping alternatives repeated n times,
    2^n paths at every start position (n = 12: some 8,000 steps, under the
    real limit; refused since the probes run with a tighter one)."""
    return r"(?:\w|\p{L}){%d}$" % n


def big_alternation(rep):
    """Overlapping alternatives (a, aa, aaa, ... and 中, 中中, ...) near the
    pattern length limit; rep is the repeat after the group."""
    alts, i = [], 1
    while True:
        a = "a" * ((i + 1) // 2) if i % 2 else "中" * (i // 2)
        cand = "(?:" + "|".join(alts + [a]) + ")" + rep
        if len(cand.encode()) > PATTERN_MAX:
            break
        alts.append(a)
        i += 1
    return "(?:" + "|".join(alts) + ")" + rep


def word_alternation():
    """Distinct two-character words (no overlap), as many as fit in 1 KiB."""
    words, k = [], 0
    while True:
        w = chr(0x4E00 + 2 * k) + chr(0x4E01 + 2 * k)
        cand = "(?:" + "|".join(words + [w]) + ")+$"
        if len(cand.encode()) > PATTERN_MAX:
            break
        words.append(w)
        k += 1
    return "(?:" + "|".join(words) + ")+$"


def nested(depth):
    """depth nested groups, each repeated: (?:(?:(?:a|\\w)*)*)*$ ..."""
    return "(?:" * (depth - 1) + r"(?:a|\w)*" + ")*" * (depth - 1) + "$"


# Before c8f2b6e, find_verb took the [ in a (?#[) comment for a class that
# never closes and stopped looking, so a callout passed; a callout just
# before an assertion condition is the one construct PCRE2's JIT does not
# support, so the pattern ran in the interpreter. Kept to show that it is
# refused now. Harmless by itself: (?(?C1)(?=x)x|) matches x or nothing.
BYPASS = r"(?#[)(?(?C1)(?=x)x|)"

EMAIL = (r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}"
         r"(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$")


def catalogue():
    """(id, field, pattern, what it is). Each is tried alone, as the one
    condition of one rule (or as the one synonym), with rules.set."""
    amp_small = amp(5, 5, gate="", scan=r"\P{N}")
    return [
        ("nested_plus", "job.title", r"(a+)+$", "classic nested repeat"),
        ("words_star", "job.description", r"(\w+\s?)*$", "classic words"),
        ("dot_a_12", "job.description", r"(.*a){12}", "12 overlapping .*"),
        ("dot_a_12_end", "job.description", r"(.*a){12}$", "the same, anchored"),
        ("alt_overlap", "job.title", r"(a|aa)+$", "overlapping alternation"),
        ("alt_optional", "job.title", r"(a|a?)+$", "alternation with empty"),
        ("digits_sep", "job.description", r"(\d+\D?)*$",
         "nested repeat whose worst subject (0...0!!) no probe builds"),
        ("email", "job.employer_name", EMAIL, "OWASP e-mail ReDoS"),
        ("cjk_nested", "job.title", r"(中+)+$", "CJK nested repeat"),
        ("han_words", "job.description", r"(\p{Han}+\s?)*$", "Han words"),
        ("emoji_nested", "job.skills", "(\U0001F600+)+$", "4-byte nested repeat"),
        ("poly_5", "job.description", r"\w*\w*\w*\w*\w*!$", "polynomial"),
        ("big_alt", "job.title", big_alternation("+$"),
         "overlapping alternation, 1 KiB"),
        ("big_alt_once", "job.title", big_alternation("$"),
         "the same, not repeated"),
        ("word_alt", "job.description", word_alternation(),
         "distinct CJK words, 1 KiB"),
        ("nest_31", "job.description", nested(31), "31 nested repeats"),
        ("nest_33", "job.description", nested(33), "33 nested groups"),
        ("backref", "job.description", r"(.{2,64})\1+$", "back-reference"),
        ("bexp_12", "seeker.skills", bexp(12), "2^12 paths per position"),
        ("bexp_13", "seeker.skills", bexp(13), "2^13 paths per position"),
        ("setting", "job.title", r"(*LIMIT_MATCH=100000000)a", "a (*setting)"),
        ("callout", "job.title", r"(?C1)a", "a callout"),
        ("bypass", "job.title", BYPASS + "a",
         "callout behind a (?#[) comment (passed before c8f2b6e)"),
        ("amp_probe", "seeker.skills", amp_small,
         "amplifier 5x5, no gate: the probe pays"),
        ("amp_max", "seeker.skills", amp(28, 30),
         "amplifier 28x30 behind the Han+Latin+Greek gate"),
        ("amp_max_syn", "synonyms", amp(28, 30),
         "amp_max as a synonym"),
        ("amp_job", "job.description", amp(1, 2, gate=GATE_MIXED),
         "amplifier 1x2 on the postings' Han+Latin texts"),
    ]


# ---- rule sets -------------------------------------------------------------------

def always_true():
    """Eight conditions on enumerations and numbers that hold for every
    bench seeker and posting, so no rule stops before its text conditions."""
    return {
        "seeker.disability.type": ["visual", "hearing", "speech", "physical",
                                   "intellectual", "mental", "multiple"],
        "seeker.disability.grade": {"min": 1, "max": 4},
        "seeker.flags": ["graduate", "zero_employment_household",
                         "low_income", "rural"],
        "seeker.town_kind": ["county", "subdistrict", "town", "township"],
        "job.accessible_for": ["visual"],
        "job.openings": {"min": 0},
        "job.town_kind": ["county", "subdistrict", "town", "township"],
        "distance_km": {"min": 0},
    }


# Candidates for each of the eight text fields, nastiest first: the bench
# takes the first of each list and moves down a list when rules.set refuses
# that one (the probe keeps changing; the lists end with harmless
# patterns). On the posting's side each pattern holds on most postings, so
# that the next condition runs too; job.skills comes last and seldom holds,
# so all of its (up to 100) items are tried.
CLASSIC_CANDIDATES = {
    "seeker.skills": [r"\w*\w*\w*\w*\w*!$", r"\w*\w*\w*!$", r"!$"],
    "seeker.town": [r"(\d+\D?)*$", r"\d*\d*\d*$", r"\d$"],
    "job.employer_id": [r"[\w.-]*[\w.-]*[\w.-]*[\w.-]*-\d\d$",
                        r"[\w.-]*[\w.-]*-\d\d$", r"\d$"],
    "job.town": [r"(\d+\D?)*$", r"\d*\d*\d*$", r"\d$"],
    "job.title": [r"(.*a){12}|\p{Han}", r"(?:.*a){6}|\p{Han}",
                  r"(.*a){3}|\p{Han}", r"a|\p{Han}"],
    "job.employer_name": [r"(.*a){12}|\p{Han}", r"(?:.*a){6}|\p{Han}",
                          r"(.*a){3}|\p{Han}", r"a|\p{Han}"],
    "job.description": [r"(\d+\D?)*$", r"\d*\d*\d*$", r"$"],
    "job.skills": [r"\w*\w*\w*\w*\w*!$", r"\w*\w*\w*!$", r"!$"],
}


def nastiest_candidates(n1, n2):
    c = dict(CLASSIC_CANDIDATES)
    c["seeker.skills"] = [amp(n1, n2)] + CLASSIC_CANDIDATES["seeker.skills"]
    return c


def amp_synonyms(n1, n2, nsyn):
    """nsyn distinct amplifiers (the first lookahead looks for another
    digit, and the final \\d repeats differently), never matching."""
    out = []
    for i in range(nsyn):
        p = amp(n1, n2).replace("(?!\\X*+0)", "(?!\\X*+%d)" % (i % 10), 1)
        out.append(p + "{1,%d}" % (1 + i))
    return out


def rule_set(text_conds, nrules=RULES_MAX, synonyms=(), description=""):
    rules = []
    for i in range(nrules):
        when = dict(always_true())
        when.update(text_conds)
        rules.append({"name": "nasty_%03d" % i,
                      "description": "16 conditions, all 8 text fields",
                      "when": when, "then": {"boost": 0.001}})
    doc = {"description": description, "rules": rules}
    if synonyms:
        doc["synonyms"] = [{"term": "syn%04d" % i, "pattern": p}
                           for i, p in enumerate(synonyms)]
    return doc


# ---- measurements -------------------------------------------------------------

def pct(xs, p):
    """The p-th percentile, nearest rank."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = -(-p * len(xs) // 100)          # ceil
    return xs[max(0, min(len(xs) - 1, int(k) - 1))]


def fmt_ms(x):
    if x != x:
        return "-"
    if x >= 1000:
        return "%.0f" % x
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.2f" % x


def stats4(xs):
    if not xs:
        return ["-"] * 4
    return [fmt_ms(min(xs)), fmt_ms(statistics.median(xs)), fmt_ms(pct(xs, 99)),
            fmt_ms(max(xs))]


def table(headers, rows, out=sys.stdout):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows
              else len(str(h)) for i, h in enumerate(headers)]
    line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, headers))
    print(line, file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in rows:
        print("  ".join("%-*s" % (w, c) for w, c in zip(widths, r)), file=out)
    out.flush()


def profile(family, n=SKILLS_MAX):
    return {"disability": {"type": "visual", "grade": 2},
            "skills": skills_of(family, n), "town": SEEKER_TOWN,
            "max_distance_km": 20000,
            "flags": ["graduate", "zero_employment_household", "low_income",
                      "rural"]}


# The two adversarial seekers: 50 skills of 64 characters each.
PROFILES = [
    # Han, Latin and Greek alternating: opens the gate of every amplifier.
    ("tri", profile("tri")),
    # The 50 skills of the "ascii_bang" postings: every skill is known, so
    # scoring compares 50 x 50 skill ids for every posting.
    ("cover", profile("ascii_bang")),
]


class Bench:
    def __init__(self, addr, pid, staff, kiosk, deadline):
        self.addr, self.pid = addr, pid
        self.deadline = deadline
        self.c = Client(addr, staff, timeout=600)
        self.pinger = Pinger(addr, kiosk)
        self.pinger.start()
        self.nmatch = int(os.environ.get("JM_BENCH_MATCHES", "200"))
        self.match_s = float(os.environ.get("JM_BENCH_MATCH_SECONDS", "5"))

    def left(self):
        return self.deadline - time.time()

    def version(self):
        return self.c.call("rules.get", {})["version"]

    def rules_set(self, doc, wait=60.0):
        """rules.set with expected_version from rules.get. Returns a dict:
        ok, answer_ms, inuse_ms (until rules.get shows the new version),
        stall_ms (longest ping on the other connection), cpu_s, code,
        error data, version."""
        cur = self.version()
        cpu0, t0 = cpu_s(self.pid), time.time()
        resp, wall = self.c.call_raw("rules.set", {"rules": doc,
                                                   "expected_version": cur})
        out = {"answer_ms": wall * 1000.0, "ok": "result" in resp,
               "code": None, "data": {}, "version": cur}
        if "result" in resp:
            out["version"] = resp["result"]["version"]
            out["inuse_ms"] = out["answer_ms"]
        else:
            out["code"] = resp["error"]["code"]
            out["data"] = resp["error"].get("data") or {}
            out["message"] = resp["error"].get("message", "")
            out["inuse_ms"] = float("nan")
            if out["code"] == -32004:
                # "applied unknown": it may be stored; then the daemon
                # installs it when it polls Redis. Wait for that.
                while time.time() - t0 < wait and self.left() > 5:
                    v = self.version()
                    if v > cur:
                        out["version"] = v
                        out["inuse_ms"] = (time.time() - t0) * 1000.0
                        break
                    time.sleep(0.05)
        t1 = time.time()
        time.sleep(0.1)
        out["stall_ms"] = self.pinger.stall(t0, t1)
        out["cpu_s"] = cpu_s(self.pid) - cpu0
        return out

    def matches(self, prof, n, seconds, client=None):
        """Up to n sequential matches (limit 100, explain) within seconds
        (at least one). Returns (wall ms list, took ms list, candidates,
        stall ms)."""
        c = client or self.c
        walls, tooks, cands = [], [], set()
        t0 = time.time()
        while len(walls) < n and (not walls or time.time() - t0 < seconds) \
                and self.left() > 3:
            resp, wall = c.call_raw("match", {"profile": prof, "limit": 100,
                                              "explain": True})
            if "error" in resp:
                print("  match error: %s" % resp["error"], flush=True)
                break
            walls.append(wall * 1000.0)
            tooks.append(resp["result"]["took_us"] / 1000.0)
            cands.add(resp["result"]["candidates"])
        return walls, tooks, cands, self.pinger.stall(t0, time.time())


def say(*a):
    print(*a, flush=True)


def verdict_of(r):
    if r["ok"]:
        return "ACCEPTED"
    if r["code"] == -32006:
        return "REFUSED"
    if r["code"] == -32004 and r["inuse_ms"] == r["inuse_ms"]:
        return "ACCEPTED*"          # answered -32004, yet stored and in use
    return "ERROR %s" % r["code"]


def run_catalogue(b):
    """Each catalogue pattern alone. Returns {id: (result, 1-skill ms)} and
    the 1-skill match time under the default rules."""
    say("\n== Patterns tried one at a time (one rule with one condition, or "
        "one synonym), through rules.set")
    one = profile("tri", 1)
    base, _, _, _ = b.matches(one, 5, 2)
    base_ms = statistics.median(base) if base else float("nan")
    rows, out = [], {}
    for cid, field, pat, what in catalogue():
        if b.left() < 50:
            say("   (time is short: the rest of the catalogue is skipped)")
            break
        if field == "synonyms":
            doc = {"synonyms": [{"term": "x", "pattern": pat}]}
        else:
            doc = {"rules": [{"name": cid, "when": {field: pat},
                              "then": {"boost": 0.1}}]}
        r = b.rules_set(doc)
        v = verdict_of(r)
        m = m50 = float("nan")
        if v.startswith("ACCEPTED") and field in ("seeker.skills",
                                                  "synonyms"):
            w, _, _, _ = b.matches(one, 3, 1)
            m = statistics.median(w) if w else m
            if b.left() > 62:
                w, _, _, _ = b.matches(PROFILES[0][1], 1, 0)
                m50 = w[0] if w else m50
        note = what
        if r["code"] == -32006:
            note = r["data"].get("reason", "")
        elif r["code"] == -32004:
            note = "the probe blocks; -32004, yet in use after %s ms" % (
                fmt_ms(r["inuse_ms"]))
        rows.append([cid, field, v, fmt_ms(r["answer_ms"]),
                     fmt_ms(r["stall_ms"]), fmt_ms(m), fmt_ms(m50),
                     len(pat.encode()), note[:64]])
        out[cid] = (r, m, pat)
    table(["pattern", "field", "verdict", "rules.set ms", "stall ms",
           "1-skill match", "50-skill match", "bytes", "what / why refused"],
          rows)
    say("   stall: the longest wait of a ping sent meanwhile on another "
        "connection.\n   1-skill match: one match by a seeker with ONE "
        "64-character 'tri' skill (the pattern\n   runs on it twice, as "
        "given and canonical; a synonym once); %s ms with the default "
        "rules.\n   50-skill match (ms): one match by the 'tri' seeker "
        "(50 skills of 64 characters, see the results).\n   ACCEPTED*: rules.set answered "
        "-32004 (applied unknown) though the rule set was stored\n   and "
        "then installed."
        % fmt_ms(base_ms))
    return out, base_ms


def compose(b, name, candidates, synonyms=()):
    """Installs the 128 x 16 rule set made of the first candidate of each
    field (and the synonyms), moving down a field's list whenever rules.set
    refuses its pattern. Returns (document, rules.set result, refusals)."""
    idx = {f: 0 for f in candidates}
    syns = list(synonyms)
    refusals = []
    for _ in range(4 * len(candidates)):
        doc = rule_set({f: candidates[f][idx[f]] for f in candidates},
                       synonyms=syns, description="bench: " + name)
        r = b.rules_set(doc, wait=120)
        if r["code"] != -32006:
            return doc, r, refusals
        where = r["data"].get("rule", "")
        field = r["data"].get("field", "")
        reason = r["data"].get("reason", "")
        f = field[5:] if field.startswith("when.") else None
        if where.startswith("synonyms") and syns:
            refusals.append(("synonyms", syns[0], reason))
            syns = []
        elif f in idx and idx[f] + 1 < len(candidates[f]):
            refusals.append((f, candidates[f][idx[f]], reason))
            idx[f] += 1
        else:
            return doc, r, refusals
    return doc, r, refusals


def show_set(name, doc, r, refusals):
    for f, p, why in refusals:
        say("   refused on the way: %s %s (%s)" % (f, p[:60], why[:60]))
    if doc is None:
        return
    conds = doc["rules"][0]["when"]
    say("   %s: %s; %d rules x %d conditions, %d synonyms; text conditions:"
        % (name, verdict_of(r), len(doc["rules"]), len(conds),
           len(doc.get("synonyms", []))))
    for f in ("seeker.skills", "seeker.town", "job.employer_id", "job.town",
              "job.title", "job.employer_name", "job.description",
              "job.skills"):
        p = conds[f]
        say("     %-18s %s" % (f, p if len(p) < 70 else p[:66] + " ..."))


def main_run(argv):
    addr, pid, seconds = argv[0], int(argv[1]), float(argv[2])
    staff, kiosk = os.environ["JM_BENCH_STAFF"], os.environ["JM_BENCH_KIOSK"]
    n1, n2 = (int(x) for x in os.environ.get("JM_BENCH_AMP", "3x3").split("x"))
    nsyn = int(os.environ.get("JM_BENCH_SYNONYMS", "20"))
    t_start = time.time()
    b = Bench(addr, pid, staff, kiosk, t_start + seconds)
    c = b.c
    rss_loaded = proc_status(pid, "VmRSS")
    say("daemon RSS after loading: %d kB (VmRSS)" % rss_loaded)
    default_doc = c.call("rules.get", {})["rules"]
    sets = []           # (name, rules.set result, RSS kB, [series])

    def series(name, caps):
        out = []
        for (pname, prof), cap in zip(PROFILES, caps):
            w, t, cands, st = b.matches(prof, b.nmatch, cap)
            out.append((pname, w, t, cands, st))
        return out

    # The default rules; and once with a plain socket (the Nagle delay).
    say("\n-- default rule set")
    r = b.rules_set(default_doc)
    ser = series("default", [b.match_s, b.match_s])
    plain = Client(addr, kiosk, timeout=600, quickack=False)
    w, t, cands, st = b.matches(PROFILES[1][1], 20, 3, client=plain)
    plain.close()
    ser.append(("cover, plain client", w, t, cands, st))
    sets.append(("default", r, proc_status(pid, "VmRSS"), ser))

    cat, base_ms = run_catalogue(b)

    say("\n-- nastiest accepted rule set (amplifier %dx%d, %d synonyms)"
        % (n1, n2, nsyn))
    nasty, r, refusals = compose(b, "nastiest", nastiest_candidates(n1, n2),
                                 amp_synonyms(n1, n2, nsyn))
    show_set("nastiest", nasty, r, refusals)
    ser = []
    if r["ok"] or r["inuse_ms"] == r["inuse_ms"]:
        ser = series("nastiest", [max(b.match_s, 15), b.match_s])
    sets.append(("nastiest", r, proc_status(pid, "VmRSS"), ser))

    if b.left() > 20:
        say("\n-- classic nasty rule set: the same without the amplifiers")
        doc, r, refusals = compose(b, "classic-128", CLASSIC_CANDIDATES)
        show_set("classic-128", doc, r, refusals)
        ser = []
        if r["ok"] or r["inuse_ms"] == r["inuse_ms"]:
            ser = series("classic-128", [b.match_s, b.match_s])
        sets.append(("classic-128", r, proc_status(pid, "VmRSS"), ser))
    else:
        say("\n(time is short: the classic 128 x 16 rule set is skipped)")
    b.pinger.stop.set()

    # ---- the table
    say("\n== Results (ms). rules.set: until answered (and in use); set "
        "stall, match stall: the\n   longest wait of a ping on another "
        "connection meanwhile. Matches: sequential, limit 100,\n   explain; "
        "wall = client time, took = the daemon's took_us. Profiles: 'tri' has"
        " 50 skills\n   of 64 characters alternating Han, Latin and Greek; "
        "'cover' the 50 skills of some postings.")
    rows = []
    for name, r, rss, ser in sets:
        set_ms = fmt_ms(r["answer_ms"])
        if not r["ok"]:
            set_ms += " (in use %s)" % fmt_ms(r["inuse_ms"])
        head = [name, verdict_of(r), set_ms, fmt_ms(r["stall_ms"]), rss]
        if not ser:
            rows.append(head + ["-"] * 11)
        for i, (pname, w, t, cands, st) in enumerate(ser):
            rows.append((head if i == 0 else [""] * 5) +
                        [pname, len(w)] + stats4(w) + stats4(t) +
                        [fmt_ms(st)])
    table(["rule set", "verdict", "rules.set", "set stall", "RSS kB",
           "profile", "n", "wall min", "median", "p99", "max",
           "took min", "median", "p99", "max", "match stall"], rows)
    say("RSS (VmRSS): %d kB after loading; %d kB at the end; peak %d kB "
        "(VmHWM)." % (rss_loaded, proc_status(pid, "VmRSS"),
                      proc_status(pid, "VmHWM")))

    # ---- what the measured costs imply at full strength (estimates)
    say("\n== Estimates from the figures above (not measured). They are what"
        "\n   these costs would add up to WITHOUT the daemon's time bounds:"
        "\n   regex_time_us caps a request's pattern time, regex_install_ms a"
        "\n   rule set's evaluation (see the Results table for what happens).")
    amp_m = cat.get("amp_max", (None, float("nan")))[1]
    syn_m = cat.get("amp_max_syn", (None, float("nan")))[1]
    run_ms = (amp_m - base_ms) / 2          # two runs per skill
    syn_ms = syn_m - base_ms                # one run per skill
    if run_ms == run_ms and syn_ms == syn_ms:
        say("one run of amp_max (28x30) on a 64-character 'tri' skill: "
            "%.0f ms (as a synonym: %.0f ms)" % (run_ms, syn_ms))
        say("a match under the nastiest rule set with the amplifier at "
            "28x30: 1,000 budgeted runs + 50 skills x %d synonyms "
            "= %.0f s" % (nsyn, (1000 * run_ms + 50 * nsyn * syn_ms) / 1e3))
        say("the same with 1,000 synonyms (the most a rule set may have): "
            "%.0f s, i.e. %.1f hours, for ONE match"
            % ((1000 * run_ms + 50000 * syn_ms) / 1e3,
               (1000 * run_ms + 50000 * syn_ms) / 3.6e6))
    aj = cat.get("amp_job")
    if aj and aj[0]["ok"]:
        say("amp_job (1x2) on job.description: rules.set %.1f s for ONE "
            "condition; at 28x30 (x420): ~%.0f min; a rule set may hold "
            "128 rules x 6 such conditions on the posting"
            % (aj[0]["answer_ms"] / 1e3, aj[0]["answer_ms"] * 420 / 6e4))
    if nasty is not None:
        say("\nnastiest rule set: %d rules of 16 conditions, %d synonyms, %d "
            "bytes of JSON; its amplifier:\n  %s"
            % (len(nasty["rules"]), len(nasty.get("synonyms", [])),
               len(json.dumps(nasty, ensure_ascii=False).encode()),
               amp(n1, n2)))
    say("bench time: %.0f s" % (time.time() - t_start))
    return 0


def main(argv):
    if len(argv) == 1 and argv[0] == "port":
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
        s.close()
        return 0
    if len(argv) == 3 and argv[0] == "gen":
        gen(argv[1], int(argv[2]))
        return 0
    if len(argv) == 4 and argv[0] == "run":
        return main_run(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

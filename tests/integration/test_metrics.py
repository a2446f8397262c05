# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_metrics.py - observability: the counters and latency percentiles of
the stats method, and the monitoring listener (metrics_listen) with its
Prometheus text on /metrics and its /healthz. Real Redis, real daemon, real
HTTP through http.client.
"""
import http.client
import json
import math
import os
import re
import select
import shutil
import socket
import subprocess
import time
import unittest

import harness as h
from harness import line, notification, request

GUIXI = "500231001000"
PROFILE = {"disability": {"type": "visual", "grade": 2}, "town": GUIXI,
           "skills": ["推拿"]}
SEEKER_NAME = "指标测试姓名丁"
QUANTILES = ("p50", "p90", "p99", "p999")

# daemon/http.c: the listener's cap on connections, and the time it gives
# one exchange however slowly it trickles in
HTTP_MAX_CONNS = 64
HTTP_DEADLINE_S = 10

# The names /metrics gives: the daemon's own, and the standard process_*
# metrics of Prometheus's client libraries.
PREFIXES = ("jobmatchd_", "process_")
PROCESS_METRICS = {
    "process_cpu_seconds_total": "counter",
    "process_resident_memory_bytes": "gauge",
    "process_virtual_memory_bytes": "gauge",
    "process_open_fds": "gauge",
    "process_max_fds": "gauge",
    "process_start_time_seconds": "gauge",
}
# The code label of request_errors_total: the protocol's codes, and one
# bucket for any other.
ERROR_CODES = {str(c) for c in (
    h.PARSE_ERROR, h.INVALID_REQUEST, h.METHOD_NOT_FOUND, h.INVALID_PARAMS,
    h.INTERNAL_ERROR, h.UNAUTHORIZED, h.NOT_FOUND, h.CONFLICT,
    h.STORE_UNAVAILABLE, h.BUSY, -32006)} | {"other"}

SAMPLE_RE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"')


def job(id, **kw):
    j = {"id": id, "employer_id": "emp-a", "title": "指标岗位 " + id,
         "accessible_for": ["any"], "employment_type": "full_time",
         "town": GUIXI, "skills": ["推拿"]}
    j.update(kw)
    return j


def http_get(port, path, method="GET", body=None, headers=None):
    """(status, headers dict with lower-case names, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def read_head(s, buf):
    """Reads from s until buf (a bytearray, kept between calls) holds a
    whole header block; removes it from buf and returns (status, headers
    dict with lower-case names). What follows stays in buf."""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            raise AssertionError("EOF in headers after %r" % bytes(buf))
        buf += d
    head, _, rest = bytes(buf).partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 "):
        raise AssertionError("not an answer: %r" % head[:100])
    buf[:] = rest
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs


def read_body(s, buf, n):
    """The next n bytes of s, buf first."""
    while len(buf) < n:
        d = s.recv(65536)
        if not d:
            raise AssertionError("EOF in a body")
        buf += d
    body = bytes(buf[:n])
    del buf[:n]
    return body


def closed_unanswered(s):
    """True once the server closed s (EOF or reset) without a byte; False
    while it is open. Never blocks."""
    if not select.select([s], [], [], 0)[0]:
        return False
    try:
        d = s.recv(4096)
    except ConnectionResetError:
        return True
    if d:
        raise AssertionError("an answer on a connection that sent no "
                             "request: %r" % d[:100])
    return True


def parse_labels(text):
    """'a="x",b="y"' -> {"a": "x", "b": "y"}; the whole text must parse."""
    labels, pos = {}, 0
    while pos < len(text):
        m = LABEL_RE.match(text, pos)
        if m is None:
            raise AssertionError("bad labels %r" % text)
        if m.group(1) in labels:
            raise AssertionError("label %s twice in %r" % (m.group(1), text))
        labels[m.group(1)] = m.group(2)
        pos = m.end()
        if pos < len(text):
            if text[pos] != ",":
                raise AssertionError("bad labels %r" % text)
            pos += 1
    return labels


def parse_exposition(text):
    """Parses Prometheus text format 0.0.4 strictly. Returns (types,
    samples): types maps a family name to its TYPE, samples is a list of
    (name, labels dict, float value)."""
    types, helps, samples, seen_samples = {}, {}, [], set()
    if not text.endswith("\n"):
        raise AssertionError("the exposition must end with a newline")
    for ln in text.split("\n")[:-1]:
        if ln.startswith("#"):
            parts = ln.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if parts[1] == "TYPE":
                    if name in types:
                        raise AssertionError("TYPE of %s twice" % name)
                    if name in seen_samples:
                        raise AssertionError("TYPE of %s after its samples"
                                             % name)
                    if len(parts) != 4 or parts[3] not in (
                            "counter", "gauge", "histogram", "summary",
                            "untyped"):
                        raise AssertionError("bad TYPE line %r" % ln)
                    types[name] = parts[3]
                else:
                    if name in helps:
                        raise AssertionError("HELP of %s twice" % name)
                    helps[name] = parts[3] if len(parts) == 4 else ""
            continue
        m = SAMPLE_RE.match(ln)
        if m is None:
            raise AssertionError("not a comment or a sample: %r" % ln)
        name, labels, value = m.group(1), m.group(2), m.group(3)
        labels = parse_labels(labels) if labels else {}
        try:
            v = float(value)
        except ValueError:
            raise AssertionError("bad value in %r" % ln)
        samples.append((name, labels, v))
        seen_samples.add(family_of(name, types))
    return types, samples


def family_of(name, types):
    """The family a sample belongs to (histograms add suffixes)."""
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram",
                                                         "summary"):
            return base
    return name


class MetricsTest(unittest.TestCase):
    """One daemon with metrics_listen; every count is checked as a
    difference between two stats calls, so what the harness did before
    (its pings) does not matter."""

    @classmethod
    def setUpClass(cls):
        cls.mport = h.free_port()
        cls.started = time.time()
        cls.env = h.Env(extra=["metrics_listen 127.0.0.1:%d" % cls.mport])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.staff = cls.d.client(h.STAFF)
        cls.addClassCleanup(cls.staff.close)
        cls.staff.result("employer.put", {"employer": {
            "id": "emp-a", "name": "指标甲公司", "type": "private",
            "town": GUIXI}})
        cls.staff.result("employer.put", {"employer": {
            "id": "emp-b", "name": "指标乙公司", "type": "soe",
            "town": GUIXI}})
        cls.staff.result("job.post", {"job": job("m-1")})
        cls.staff.result("seeker.put", {"seeker": {
            "id": "sk-m1", "name": SEEKER_NAME,
            "disability": {"type": "visual", "grade": 2},
            "skills": ["推拿"], "town": GUIXI}})

    def stats(self):
        return self.staff.result("stats")

    def settle(self, n):
        """Waits until n client connections are open: the daemon sees
        earlier tests' closes a moment after they happen."""
        h.wait_until(lambda: self.stats()["connections"] == n,
                     what="%d open connections" % n)

    def metrics(self):
        status, hdrs, body = http_get(self.mport, "/metrics")
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(hdrs.get("content-type", "").split(";")[0:2],
                         ["text/plain", " version=0.0.4"], hdrs)
        text = body.decode("utf-8")
        return text, parse_exposition(text)

    # ---- stats ------------------------------------------------------------

    def test_stats_counts(self):
        before = self.stats()
        k = self.d.client()
        self.addCleanup(k.close)
        k.hello(h.KIOSK)                                    # hello
        for _ in range(5):                                  # match x5
            self.assertIn("results", k.result("match", {"profile": PROFILE}))
        bad = dict(PROFILE, disability={"type": "visual", "grade": 7})
        k.error("match", {"profile": bad}, h.INVALID_PARAMS)  # match error
        k.send_raw(b'{"jsonrpc":"2.0","id":1,"method":\n')  # parse error
        self.assertEqual(k.read_json()["error"]["code"], h.PARSE_ERROR)
        k.error("no.such.method", None, h.METHOD_NOT_FOUND)  # (invalid)
        k.error("job.post", {"job": job("m-k")}, h.UNAUTHORIZED)
        k.error("stats", None, h.UNAUTHORIZED)               # kiosk: no
        k.send(notification("ping"))                        # ping, no answer
        k.result("ping")                                    # ping
        k.send([request("ping", id=50), {"jsonrpc": "2.0", "id": 51}])
        batch = k.read_json()                               # ping, (invalid)
        self.assertEqual([r["id"] for r in batch], [50, 51])
        self.assertEqual(batch[1]["error"]["code"], h.INVALID_REQUEST)
        self.staff.result("job.post", {"job": job("m-2")})   # job.post
        after = self.stats()

        want = {                         # method: (calls, errors) added
            "hello": (1, 0),
            "match": (6, 1),
            "job.post": (2, 1),
            "stats": (2, 1),             # `before` itself, and the kiosk's
            "ping": (3, 0),
            "(invalid)": (3, 3),
        }
        b, a = before["requests"]["by_method"], after["requests"]["by_method"]
        self.assertEqual(set(a), set(b))
        self.assertIn("(invalid)", a)
        for name in ("hello", "ping", "vocab", "match", "job.post",
                     "job.candidates", "stats", "rules.set"):
            self.assertIn(name, a)
        for name in a:
            calls, errors = want.get(name, (0, 0))
            with self.subTest(method=name):
                self.assertEqual(a[name]["calls"] - b[name]["calls"], calls,
                                 (b[name], a[name]))
                self.assertEqual(a[name]["errors"] - b[name]["errors"],
                                 errors, (b[name], a[name]))
        self.assertEqual(after["requests"]["total"] -
                         before["requests"]["total"],
                         sum(c for c, _ in want.values()))
        self.assertEqual(after["requests"]["errors"] -
                         before["requests"]["errors"],
                         sum(e for _, e in want.values()))

    def test_stats_consistent(self):
        k = self.d.client(h.KIOSK)
        self.addCleanup(k.close)
        for _ in range(3):
            k.result("match", {"profile": PROFILE})
        st = self.stats()
        req = st["requests"]
        by = req["by_method"]
        self.assertEqual(req["total"], sum(m["calls"] for m in by.values()))
        self.assertEqual(req["errors"], sum(m["errors"] for m in by.values()))
        # at least the three matches of this last minute, at most every
        # request over at least one second
        self.assertIsInstance(req["rate_1m"], float)
        self.assertGreater(req["rate_1m"], 0)
        self.assertLessEqual(req["rate_1m"], req["total"])
        for name, m in by.items():
            with self.subTest(method=name):
                self.assertEqual(set(m), {"calls", "errors", "p50_us",
                                          "p90_us", "p99_us", "p999_us"})
                self.assertLessEqual(m["errors"], m["calls"])
                qs = [m[q + "_us"] for q in QUANTILES]
                self.assertEqual(qs, sorted(qs), m)
                if m["calls"] == 0:
                    self.assertEqual(qs, [0, 0, 0, 0])
                else:
                    self.assertGreaterEqual(qs[0], 1)   # a bucket's bound
        lat = st["latency_us"]
        self.assertEqual(set(lat), set(QUANTILES))
        qs = [lat[q] for q in QUANTILES]
        self.assertEqual(qs, sorted(qs), lat)
        self.assertGreaterEqual(qs[0], 1)
        # the overall p99.9 is at least every method's p50
        self.assertGreaterEqual(lat["p999"], max(
            m["p50_us"] for m in by.values()))

    def test_stats_shape(self):
        st = self.stats()
        out = h.run_daemon(["--version"])
        self.assertEqual(st["version"], out.stdout.split()[-1])
        # the members that were there before are still there, as they were
        self.assertIsInstance(st["connections"], int)
        self.assertGreaterEqual(st["connections"], 1)
        self.assertIsInstance(st["mirror"]["postings"], int)
        self.assertIs(st["mirror"]["reloading"], False)
        self.assertEqual(st["store"]["connected"], True)
        self.assertEqual(st["store"]["loaded"], True)
        self.assertIsInstance(st["rules"]["version"], int)
        self.assertIsInstance(st["rules"]["regex"]["runs"], int)
        # and the new ones
        self.assertEqual(st["mirror"]["employers"], 2)
        self.assertEqual(st["mirror"]["seekers"], 1)
        self.assertGreaterEqual(st["mirror"]["postings"], 1)
        self.assertIsInstance(st["uptime_s"], int)
        self.assertGreaterEqual(st["uptime_s"], 0)
        self.assertGreaterEqual(st["connections_total"], st["connections"])
        self.assertEqual(st["connections_refused"], 0)
        self.assertEqual(st["accept_pauses"], 0)
        self.assertEqual(set(st["connections_closed"]),
                         {"done", "idle", "slow_reader", "shutdown", "error"})
        # no personal data anywhere in it
        text = json.dumps(st, ensure_ascii=False)
        self.assertNotIn(SEEKER_NAME, text)
        self.assertNotIn("sk-m1", text)

    def test_connection_counts(self):
        self.settle(1)                  # the staff connection alone
        before = self.stats()
        c = self.d.client()
        c.result("ping")
        mid = self.stats()
        self.assertEqual(mid["connections_total"] -
                         before["connections_total"], 1)
        self.assertEqual(mid["connections"] - before["connections"], 1)
        c.close()
        h.wait_until(lambda: self.stats()["connections"] ==
                     before["connections"], what="the connection closed")
        after = self.stats()
        self.assertEqual(after["connections_closed"]["done"] -
                         before["connections_closed"]["done"], 1)

    # ---- /metrics ---------------------------------------------------------

    def test_metrics_exposition(self):
        k = self.d.client(h.KIOSK)
        self.addCleanup(k.close)
        for _ in range(4):
            k.result("match", {"profile": PROFILE})
        k.error("nope", None, h.METHOD_NOT_FOUND)
        self.settle(2)
        st = self.stats()
        text, (types, samples) = self.metrics()

        for name, t in types.items():
            self.assertTrue(name.startswith(PREFIXES), name)
        for name, labels, v in samples:
            self.assertTrue(name.startswith(PREFIXES), name)
            self.assertIn(family_of(name, types), types,
                          "%s has no TYPE line" % name)
            if types[family_of(name, types)] == "counter":
                self.assertGreaterEqual(v, 0, name)
        values = {}
        for name, labels, v in samples:
            key = (name, tuple(sorted(labels.items())))
            self.assertNotIn(key, values, "sample %r twice" % (key,))
            values[key] = v

        def one(name, **labels):
            return values[(name, tuple(sorted(labels.items())))]

        def errors_of(method):
            """The method's errors, over every code: one sample a code."""
            by = {lb["code"]: v for n, lb, v in samples
                  if n == "jobmatchd_request_errors_total" and
                  lb["method"] == method}
            self.assertEqual(set(by), ERROR_CODES, method)
            return sum(by.values())

        # types
        for name, t in [("jobmatchd_connections", "gauge"),
                        ("jobmatchd_connections_accepted_total", "counter"),
                        ("jobmatchd_connections_refused_total", "counter"),
                        ("jobmatchd_requests_total", "counter"),
                        ("jobmatchd_request_errors_total", "counter"),
                        ("jobmatchd_request_duration_seconds", "histogram"),
                        ("jobmatchd_mirror_postings", "gauge"),
                        ("jobmatchd_mirror_employers", "gauge"),
                        ("jobmatchd_mirror_seekers", "gauge"),
                        ("jobmatchd_rules_version", "gauge"),
                        ("jobmatchd_rules", "gauge"),
                        ("jobmatchd_redis_connected", "gauge"),
                        ("jobmatchd_redis_loaded", "gauge"),
                        ("jobmatchd_uptime_seconds", "gauge"),
                        ("jobmatchd_build_info", "gauge")]:
            self.assertEqual(types.get(name), t, name)

        # counters agree with stats (the stats call itself is counted by
        # the time /metrics is read; HTTP requests are not RPC requests)
        by = st["requests"]["by_method"]
        for name, m in by.items():
            extra = 1 if name == "stats" else 0
            with self.subTest(method=name):
                self.assertEqual(one("jobmatchd_requests_total",
                                     method=name), m["calls"] + extra)
                self.assertEqual(errors_of(name), m["errors"])
        methods = {lb["method"] for n, lb, v in samples
                   if n == "jobmatchd_requests_total"}
        self.assertEqual(methods, set(by))
        self.assertEqual(one("jobmatchd_connections"), st["connections"])
        self.assertEqual(one("jobmatchd_connections_accepted_total"),
                         st["connections_total"])
        self.assertEqual(one("jobmatchd_connections_refused_total"),
                         st["connections_refused"])
        self.assertEqual(one("jobmatchd_mirror_postings"),
                         st["mirror"]["postings"])
        self.assertEqual(one("jobmatchd_mirror_employers"), 2)
        self.assertEqual(one("jobmatchd_mirror_seekers"), 1)
        self.assertEqual(one("jobmatchd_rules_version"),
                         st["rules"]["version"])
        self.assertEqual(one("jobmatchd_rules"), st["rules"]["count"])
        self.assertEqual(one("jobmatchd_redis_connected"), 1)
        self.assertEqual(one("jobmatchd_redis_loaded"), 1)
        self.assertEqual(one("jobmatchd_ready"), 1)
        # Redis and the change stream, as stats has them
        sst = self.stats()["store"]
        self.assertEqual(one("jobmatchd_redis_following"), 1)
        self.assertEqual(one("jobmatchd_redis_emptied"), 0)
        self.assertEqual(one("jobmatchd_stream_lag"), sst["stream_lag"])
        self.assertEqual(one("jobmatchd_stream_changes_total"),
                         sst["changes"])
        self.assertGreaterEqual(sst["changes"], 4)  # its own writes
        self.assertEqual(one("jobmatchd_mirror_loads_total"), sst["loads"])
        self.assertEqual(one("jobmatchd_mirror_loaded_timestamp_seconds"),
                         sst["loaded_at"])
        self.assertEqual(one("jobmatchd_build_info", version=st["version"]),
                         1)
        self.assertGreaterEqual(one("jobmatchd_uptime_seconds"),
                                st["uptime_s"])

        # the histogram: cumulative buckets per method, +Inf == _count ==
        # the method's requests
        hist = {}
        for name, labels, v in samples:
            if name == "jobmatchd_request_duration_seconds_bucket":
                hist.setdefault(labels["method"], []).append(
                    (float(labels["le"]), v))
                self.assertEqual(set(labels), {"method", "le"})
        self.assertEqual(set(hist), set(by))
        for method, buckets in hist.items():
            with self.subTest(method=method):
                les = [le for le, _ in buckets]
                self.assertEqual(les, sorted(les), "le out of order")
                self.assertEqual(len(set(les)), len(les))
                self.assertTrue(math.isinf(les[-1]))
                counts = [v for _, v in buckets]
                self.assertEqual(counts, sorted(counts), "not cumulative")
                count = one("jobmatchd_request_duration_seconds_count",
                            method=method)
                self.assertEqual(counts[-1], count)
                self.assertEqual(count, one("jobmatchd_requests_total",
                                            method=method))
                s = one("jobmatchd_request_duration_seconds_sum",
                        method=method)
                self.assertGreaterEqual(s, 0)
                # every value is below the largest finite bound that holds
                # them all, and the sum is below count x that bound
                finite = [(le, v) for le, v in buckets if not math.isinf(le)]
                if count and finite[-1][1] == count:
                    top = next(le for le, v in finite if v == count)
                    self.assertLessEqual(s, count * top + 1e-9)
        self.assertGreaterEqual(
            one("jobmatchd_request_duration_seconds_count", method="match"),
            4)

        # nothing personal, no token
        for secret in (SEEKER_NAME, "sk-m1", h.STAFF, h.KIOSK,
                       h.digest(h.STAFF)):
            self.assertNotIn(secret, text)

    def test_promtool_accepts(self):
        # Prometheus's own linter (Debian package prometheus), which CI
        # installs: it failed on jobmatchd_rules_count, a gauge named like
        # a histogram's _count
        promtool = shutil.which("promtool")
        if promtool is None:
            if os.environ.get("CI"):
                self.fail("promtool is not installed (Debian package "
                          "prometheus, in tools/packages-test.txt)")
            self.skipTest("promtool is not installed (Debian package "
                          "prometheus: ./tools/deps.sh test)")
        k = self.d.client(h.KIOSK)
        self.addCleanup(k.close)
        k.result("match", {"profile": PROFILE})
        k.error("nope", None, h.METHOD_NOT_FOUND)
        text, _ = self.metrics()
        r = subprocess.run([promtool, "check", "metrics"], input=text,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0,
                         "promtool check metrics: %s%s" % (r.stdout,
                                                           r.stderr))

    def test_errors_by_code(self):
        def errors():
            _, (_, samples) = self.metrics()
            return {(lb["method"], lb["code"]): v for n, lb, v in samples
                    if n == "jobmatchd_request_errors_total"}

        before = errors()
        k = self.d.client(h.KIOSK)
        self.addCleanup(k.close)
        bad = dict(PROFILE, disability={"type": "visual", "grade": 7})
        k.error("match", {"profile": bad}, h.INVALID_PARAMS)
        k.error("match", {"profile": bad}, h.INVALID_PARAMS)
        k.error("no.such.method", None, h.METHOD_NOT_FOUND)
        k.send_raw(b'{"jsonrpc":"2.0","id":1,"method":\n')
        self.assertEqual(k.read_json()["error"]["code"], h.PARSE_ERROR)
        k.error("stats", None, h.UNAUTHORIZED)
        after = errors()
        self.assertEqual(set(after), set(before))
        # every method has every code, zeros included (a series that
        # appears only with its first error would hide that error from
        # rate()), and nothing else: a bounded set
        methods = {m for m, _ in after}
        self.assertEqual(set(after), {(m, c) for m in methods
                                      for c in ERROR_CODES})
        want = {("match", "-32602"): 2, ("(invalid)", "-32601"): 1,
                ("(invalid)", "-32700"): 1, ("stats", "-32001"): 1}
        for key in after:
            with self.subTest(series=key):
                self.assertEqual(after[key] - before[key], want.get(key, 0))

    def test_process_metrics(self):
        _, (types, samples) = self.metrics()
        values = {n: v for n, lb, v in samples if n.startswith("process_")}
        self.assertEqual({n: types.get(n) for n in values}, PROCESS_METRICS)
        for n, lb, v in samples:
            if n.startswith("process_"):
                self.assertEqual(lb, {}, n)
        now = time.time()
        # started by this test class, not at boot nor in the future
        self.assertGreaterEqual(values["process_start_time_seconds"],
                                self.started - 1)
        self.assertLessEqual(values["process_start_time_seconds"], now)
        self.assertGreater(values["process_cpu_seconds_total"], 0)
        self.assertGreater(values["process_resident_memory_bytes"], 1 << 20)
        self.assertGreaterEqual(values["process_virtual_memory_bytes"],
                                values["process_resident_memory_bytes"])
        # stdin, stdout, stderr, listeners, Redis links, this scrape
        self.assertGreaterEqual(values["process_open_fds"], 6)
        self.assertLess(values["process_open_fds"],
                        values["process_max_fds"])
        # the daemon's own count agrees with /proc
        pid = self.d.proc.pid
        fds = len(os.listdir("/proc/%d/fd" % pid))
        self.assertLess(abs(values["process_open_fds"] - fds), 5)
        with open("/proc/%d/limits" % pid) as f:
            soft = next(ln.split()[3] for ln in f
                        if ln.startswith("Max open files"))
        self.assertEqual(values["process_max_fds"], float(soft))
        # and the resident size is the one stats reports, near enough
        rss = self.stats()["memory"]["rss_bytes"]
        self.assertLess(abs(values["process_resident_memory_bytes"] - rss),
                        64 << 20)

    def test_head_metrics(self):
        status, hdrs, body = http_get(self.mport, "/metrics", "HEAD")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")
        self.assertTrue(hdrs["content-type"].startswith(
            "text/plain; version=0.0.4"), hdrs)
        status, hdrs, body = http_get(self.mport, "/healthz", "HEAD")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")

    def test_head_raw(self):
        # on the wire: HEAD's answer is its header block and nothing else,
        # with the length a GET has, so that the connection goes on with
        # the next answer
        for path, status in (("/healthz", 200), ("/metrics", 200),
                             ("/nope", 404)):
            with self.subTest(path=path), socket.create_connection(
                    ("127.0.0.1", self.mport), timeout=10) as s:
                buf = bytearray()
                req = "%s " + path + " HTTP/1.1\r\nHost: t\r\n\r\n"
                s.sendall((req % "HEAD").encode())
                st, hdrs = read_head(s, buf)
                self.assertEqual(st, status)
                head_len = int(hdrs["content-length"])
                s.sendall((req % "GET").encode())
                # what follows HEAD's header block is the GET's answer
                st, hdrs = read_head(s, buf)
                self.assertEqual(st, status)
                body = read_body(s, buf, int(hdrs["content-length"]))
                if path == "/metrics":
                    self.assertGreater(head_len, 0)
                    self.assertTrue(body.startswith(b"# HELP "), body[:50])
                else:
                    self.assertEqual(head_len, len(body))
                # the last one closes: nothing after its header block
                s.sendall((req % "HEAD").replace(
                    "\r\n\r\n", "\r\nConnection: close\r\n\r\n").encode())
                st, hdrs = read_head(s, buf)
                self.assertEqual(st, status)
                self.assertEqual(hdrs.get("connection"), "close")
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    buf += d
                self.assertEqual(bytes(buf), b"")

    def test_slow_clients(self):
        # clients that send their request line a byte every 2 s (each
        # byte restarting evhttp's own timeout) neither keep the listener
        # nor its descriptors: beyond HTTP_MAX_CONNS they are closed at
        # once, and every one HTTP_DEADLINE_S after it came; meanwhile a
        # client asking on one kept-alive connection every 2 s is answered
        # each time, until an answer past the deadline closes it
        line = b"GET /metrics HTTP/1.1"
        log = self.d.log_text()
        refused = log.count("metrics_listen: refused ")
        expired = log.count("connections that took over")
        slow = []                                   # [socket, bytes sent]
        self.addCleanup(lambda: [s.close() for s, _ in slow])
        keep = socket.create_connection(("127.0.0.1", self.mport),
                                        timeout=10)
        self.addCleanup(keep.close)
        kbuf = bytearray()
        kept = []                                   # its answers' headers

        def ask():
            keep.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            st, hdrs = read_head(keep, kbuf)
            body = read_body(keep, kbuf, int(hdrs["content-length"]))
            self.assertEqual((st, body), (200, b"ok\n"))
            kept.append(hdrs)

        def open_slow(n):
            for _ in range(n):
                s = socket.create_connection(("127.0.0.1", self.mport),
                                             timeout=10)
                s.sendall(line[:1])
                slow.append([s, 1])

        ask()
        open_slow(HTTP_MAX_CONNS - 5)
        # while they hang, the others are answered
        status, _, body = http_get(self.mport, "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))
        open_slow(4 + 8)                            # 8 beyond the cap
        # so is the protocol, on its own port
        with self.d.client() as c:
            self.assertIs(c.result("ping")["pong"], True)

        dripped = [time.monotonic()]

        def drip():
            if time.monotonic() - dripped[0] < 2:
                return
            dripped[0] = time.monotonic()
            for e in slow:
                try:
                    e[0].send(line[e[1]:e[1] + 1])
                    e[1] += 1
                except OSError:
                    pass                            # closed already
            if kept[-1].get("connection") != "close":
                try:
                    ask()
                except OSError as e:        # (wait_until would retry)
                    raise AssertionError("kept-alive: %r" % e)

        def all_closed():
            drip()
            return all(closed_unanswered(s) for s, _ in slow)

        h.wait_until(all_closed, timeout=HTTP_DEADLINE_S * 4,
                     what="every slow connection closed")
        self.assertTrue(all(n < len(line) for _, n in slow))
        h.wait_until(lambda: drip() or
                     kept[-1].get("connection") == "close",
                     timeout=HTTP_DEADLINE_S * 2,
                     what="an answer closing the kept-alive connection")
        self.assertGreaterEqual(len(kept), 3)
        self.assertTrue(all(k.get("connection") != "close"
                            for k in kept[:-1]), kept)
        h.wait_until(lambda: closed_unanswered(keep) and not kbuf,
                     what="the kept-alive connection closed")
        # (the log says why, at most every 10 s)
        self.d.wait_log("metrics_listen: refused ", count=refused + 1)
        self.d.wait_log("connections that took over", count=expired + 1)
        status, _, body = http_get(self.mport, "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))
        with self.d.client() as c:
            self.assertIs(c.result("ping")["pong"], True)

    def test_input_flood(self):
        # a request that never ends its chunk-size line is closed without
        # waiting for the deadline, however fast it sends
        before = self.d.log_text().count("bytes ahead")
        with socket.create_connection(("127.0.0.1", self.mport),
                                      timeout=10) as s:
            try:
                s.sendall(b"POST /metrics HTTP/1.1\r\nHost: t\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n")
                s.sendall(b"0" * 300000)
            except (BrokenPipeError, ConnectionResetError):
                pass
            h.wait_until(lambda: closed_unanswered(s),
                         what="the flooding connection closed")
        self.d.wait_log("bytes ahead", count=before + 1)
        status, _, body = http_get(self.mport, "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))

    def test_healthz_ok(self):
        status, hdrs, body = http_get(self.mport, "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))
        self.assertTrue(hdrs["content-type"].startswith("text/plain"))
        # a query string does not change the path
        status, _, body = http_get(self.mport, "/healthz?verbose=1")
        self.assertEqual((status, body), (200, b"ok\n"))

    def test_not_found(self):
        for path in ("/", "/metric", "/metrics/", "/healthz/x", "/stats",
                     "/../metrics"):
            with self.subTest(path=path):
                status, _, _ = http_get(self.mport, path)
                self.assertEqual(status, 404)

    def test_method_not_allowed(self):
        for method, body in (("POST", None), ("POST", b"x=1"), ("PUT", b"1"),
                             ("DELETE", None), ("OPTIONS", None),
                             ("PATCH", b"{}")):
            for path in ("/metrics", "/healthz"):
                with self.subTest(method=method, path=path):
                    status, hdrs, _ = http_get(self.mport, path, method,
                                               body)
                    self.assertEqual(status, 405)
                    self.assertEqual(hdrs.get("allow"), "GET, HEAD")

    def test_http_bounds(self):
        # headers beyond the limit are refused, and the server goes on
        status, _, _ = http_get(self.mport, "/metrics",
                                headers={"X-Big": "a" * 20000})
        self.assertGreaterEqual(status, 400)
        # a body beyond the limit is refused unread
        status, _, _ = http_get(self.mport, "/metrics", "POST",
                                b"x" * 100000)
        self.assertIn(status, (405, 413))
        # garbage is not HTTP
        with socket.create_connection(("127.0.0.1", self.mport),
                                      timeout=10) as s:
            s.sendall(b"\x00\x01 not http at all\r\n\r\n")
            data = s.recv(4096)
            self.assertTrue(data == b"" or data.startswith(b"HTTP/1.1 4"),
                            data[:100])
        status, _, body = http_get(self.mport, "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))
        # the protocol's port is not the HTTP one
        with self.d.client() as c:
            self.assertIs(c.result("ping")["pong"], True)


class MetricsStopTest(unittest.TestCase):
    """A daemon stopped while its listener has connections in every state
    exits with status 0: everything it held of them is let go (the ASan
    build fails the exit on a leak)."""

    def test_stop_with_connections_open(self):
        mport = h.free_port()
        env = h.Env(extra=["metrics_listen 127.0.0.1:%d" % mport])
        self.addCleanup(env.cleanup)
        socks = []
        self.addCleanup(lambda: [s.close() for s in socks])

        def connect(rcvbuf=None):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if rcvbuf:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            s.settimeout(10)
            s.connect(("127.0.0.1", mport))
            socks.append(s)
            return s

        for _ in range(3):                  # halfway through a request
            connect().sendall(b"GET /hea")
        s = connect()                       # kept alive after an answer
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        buf = bytearray()
        _, hdrs = read_head(s, buf)
        read_body(s, buf, int(hdrs["content-length"]))
        # writing answers nobody reads
        connect(4096).sendall(
            b"GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n" * 200)
        connect().close()                   # gone as the daemon stops
        status, _, _ = http_get(mport, "/healthz")
        self.assertEqual(status, 200)
        env.stop()                          # exit status 0, or it raises


class MetricsNotReadyTest(unittest.TestCase):
    """A daemon whose Redis is not there yet: /healthz is 503 until Redis
    comes and the mirror is loaded; connections beyond max_connections are
    counted as refused."""

    def test_healthz_follows_the_first_load(self):
        redis = h.Redis()            # a port chosen, nothing listening yet
        self.addCleanup(redis.cleanup)
        mport = h.free_port()
        d = h.Daemon(redis.port, extra=[
            "metrics_listen 127.0.0.1:%d" % mport, "max_connections 1"])
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        self.addCleanup(d.stop)

        status, hdrs, body = http_get(mport, "/healthz")
        self.assertEqual(status, 503, body)
        text = body.decode()
        self.assertTrue(text.endswith("\n") and text.count("\n") == 1, text)
        self.assertGreater(len(text.strip()), 0)
        _, (types, samples) = self.metrics(mport)
        vals = {n: v for n, lb, v in samples if not lb}
        self.assertEqual(vals["jobmatchd_ready"], 0)
        self.assertEqual(vals["jobmatchd_redis_connected"], 0)
        self.assertEqual(vals["jobmatchd_redis_loaded"], 0)

        # max_connections 1: a second connection is refused, and counted
        # (once the harness's own ping connection is gone)
        h.wait_until(lambda: self.gauge(mport, "jobmatchd_connections") == 0,
                     what="no client connection open")
        with d.client() as c1:
            c1.result("ping")
            with h.Client(d.port) as c2:
                self.assertEqual(c2.read_json()["error"]["code"], h.BUSY)
                c2.wait_closed()
            _, (types, samples) = self.metrics(mport)
            vals = {n: v for n, lb, v in samples if not lb}
            self.assertEqual(vals["jobmatchd_connections_refused_total"], 1)
            self.assertEqual(vals["jobmatchd_connections"], 1)

        redis.start()
        h.wait_until(lambda: http_get(mport, "/healthz")[0] == 200,
                     what="/healthz to answer 200 once Redis is up")
        self.assertEqual(http_get(mport, "/healthz")[2], b"ok\n")

    def gauge(self, port, name):
        _, (types, samples) = self.metrics(port)
        return next(v for n, lb, v in samples if n == name and not lb)

    def metrics(self, port):
        status, _, body = http_get(port, "/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        return text, parse_exposition(text)

    def test_metrics_listen_in_check_config(self):
        d = h.Daemon(1, extra=["metrics_listen 127.0.0.1:0"])
        self.addCleanup(d.cleanup)
        out = h.run_daemon(["-n", "-c", d.config])
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("metrics_listen", out.stderr)
        for good in ("127.0.0.1:9100", "[::1]:9100"):
            d.extra = ["metrics_listen " + good]
            d.write_config()
            out = h.run_daemon(["-n", "-c", d.config])
            self.assertEqual(out.returncode, 0, out.stderr)
        d.extra = ["metrics_listen localhost"]
        d.write_config()
        out = h.run_daemon(["-n", "-c", d.config])
        self.assertEqual(out.returncode, 1)
        for bad in ("metrics_max_connections 0",
                    "metrics_max_connections x",
                    "metrics_timeout_s 0", "metrics_timeout_s 3601"):
            d.extra = ["metrics_listen 127.0.0.1:9100", bad]
            d.write_config()
            out = h.run_daemon(["-n", "-c", d.config])
            self.assertEqual(out.returncode, 1, bad)
            self.assertIn(bad.split()[0], out.stderr)


class MetricsLimitsTest(unittest.TestCase):
    """metrics_max_connections and metrics_timeout_s set low."""

    def test_configured_cap_and_timeout(self):
        mport = h.free_port()
        env = h.Env(extra=["metrics_listen 127.0.0.1:%d" % mport,
                           "metrics_max_connections 2",
                           "metrics_timeout_s 1"])
        self.addCleanup(env.stop)
        held = []
        for _ in range(2):
            c = socket.create_connection(("127.0.0.1", mport), timeout=10)
            self.addCleanup(c.close)
            c.sendall(b"G")                 # a request begun, not finished
            held.append(c)
        # the two held connections fill the cap: a third is closed
        # unanswered
        third = socket.create_connection(("127.0.0.1", mport), timeout=20)
        self.addCleanup(third.close)
        third.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(third.recv(4096), b"")
        h.wait_until(lambda: "refused" in env.daemon.log_text(),
                     what="the refusal in the log")
        # and the held ones are closed by the 1 s timeout
        for c in held:
            c.settimeout(20)
            self.assertEqual(c.recv(4096), b"")
        self.assertEqual(http_get(mport, "/healthz")[0], 200)


if __name__ == "__main__":
    h.main()

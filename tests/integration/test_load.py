# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_load.py - jobmatch load in bulk: 100,000 postings with the shipped
defaults, a daemon that asks it to slow down (-32005), resuming after an
interruption or a broken connection, and progress on a terminal.
"""
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness as h

GUIXI = "500231001000"


def employer_line(e):
    return json.dumps({"method": "employer.put", "params": {"employer": {
        "id": e, "name": "单位 " + e, "type": "private", "town": GUIXI}}},
        ensure_ascii=False)


def posting_line(emp, id, **kw):
    return json.dumps({"method": "job.post", "params": {
        "job": h.job(id, emp=emp, **kw)}}, ensure_ascii=False)


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        for ln in lines:
            f.write(ln + "\n")
    return path


def jobmatch_argv(addr, args):
    return [h.JOBMATCH, "-a", addr] + list(args)


def jobmatch_env(token):
    env = dict(os.environ)
    env.pop("JOBMATCH_ADDR", None)
    env["JOBMATCH_TOKEN"] = token
    return env


def open_postings(redis):
    return {m.decode() for m in redis.cmd("SMEMBERS", "jm:jobs:open")}


class Base(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-load-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def start(self, extra=()):
        env = h.Env(extra=extra)
        self.addCleanup(env.stop)
        return env

    def load(self, env, args, timeout=120):
        return h.run_jobmatch(["load"] + list(args), token=h.STAFF,
                              addr=env.daemon.addr, timeout=timeout)


class DefaultConfigTest(Base):
    """The shipped client and the shipped defaults together."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)

    def test_requests_answered_from_memory(self):
        # 50,000 requests that the daemon answers as fast as it reads
        # them, well past 10,000 a second: none refused, none lost
        path = write_lines(os.path.join(self.dir, "pings.jsonl"),
                           ['{"method": "ping"}'] * 50000)
        r = self.load(self.env, [path], timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertIn("50000 requests, 0 failed", r.stdout)
        self.assertNotIn("sent again", r.stdout)
        self.assertEqual(r.stderr, "")

    def test_100000_postings(self):
        n_emp, n_jobs = 1000, 100000
        env = self.env
        lines = [employer_line("e%04d" % e) for e in range(n_emp)]
        want = set()
        for i in range(n_jobs):
            emp = "e%04d" % (i % n_emp)
            lines.append(posting_line(emp, "j%06d" % i))
            want.add("%s:j%06d" % (emp, i))
        path = write_lines(os.path.join(self.dir, "bulk.jsonl"), lines)
        t0 = time.monotonic()
        r = self.load(env, [path], timeout=1200)
        took = time.monotonic() - t0
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertIn("%d requests, 0 failed" % len(lines), r.stdout)
        self.assertNotIn("sent again", r.stdout)
        self.assertEqual(r.stderr, "")
        self.assertEqual(open_postings(env.redis), want)
        s = env.daemon.client(h.STAFF)
        self.addCleanup(s.close)
        self.assertEqual(s.result("stats")["mirror"]["postings"], n_jobs)
        print("\n%d lines loaded in %.1f s (%.0f a second)" % (
            len(lines), took, len(lines) / took))


class BackoffTest(Base):
    """A daemon whose staff may make 20 requests a second: the load is
    refused (-32005) time and again, waits as told, and loses nothing."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env(extra=["staff_max_request_rate 20"])
        cls.addClassCleanup(cls.env.stop)

    def file(self, name, n_emp, n_jobs):
        """Employers interleaved with their postings: a posting whose
        employer's line was refused would fail, so order matters."""
        lines, want = [], set()
        for e in range(n_emp):
            emp = "%s-e%d" % (name, e)
            lines.append(employer_line(emp))
            for i in range(n_jobs // n_emp):
                lines.append(posting_line(emp, "p%03d" % i))
                want.add("%s:p%03d" % (emp, i))
        return write_lines(os.path.join(self.dir, name + ".jsonl"),
                           lines), lines, want

    def test_refused_lines_are_sent_again(self):
        path, lines, want = self.file("bk", 4, 76)
        r = self.load(self.env, [path])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("%d requests, 0 failed" % len(lines), r.stdout)
        m = re.search(r"(\d+) sent again as the daemon asked", r.stdout)
        self.assertIsNotNone(m, "the daemon never refused a line: %r"
                             % r.stdout)
        self.assertNotIn("-32005", r.stderr)
        self.assertLessEqual(want, open_postings(self.env.redis))
        # the daemon did refuse them, and counted it
        s = self.env.daemon.client(h.STAFF)
        self.addCleanup(s.close)
        by = s.result("stats")["requests"]["by_method"]
        self.assertGreater(by["job.post"]["errors"] +
                           by["employer.put"]["errors"], 0)

    def test_resume_after_interrupt(self):
        path, lines, want = self.file("in", 1, 100)
        p = h.spawn(jobmatch_argv(self.env.daemon.addr, ["load", path]),
                    env=jobmatch_env(h.STAFF), stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    text=True)
        h.wait_until(lambda: len({m for m in open_postings(self.env.redis)
                                  if m.startswith("in-")}) >= 30,
                     what="30 postings loaded")
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, -signal.SIGINT, out + err)
        m = re.search(r"resume with 'jobmatch load --from (\d+) (\S+)'",
                      err)
        self.assertIsNotNone(m, err)
        self.assertEqual(m.group(2), path)
        start = int(m.group(1))
        self.assertGreater(start, 30)
        self.assertLess(start, len(lines) + 1)
        # every line before it was applied
        have = open_postings(self.env.redis)
        for n, ln in enumerate(lines[:start - 1], 1):
            j = json.loads(ln)["params"].get("job")
            if j:
                self.assertIn("%s:%s" % (j["employer_id"], j["id"]), have,
                              "line %d" % n)
        r = self.load(self.env, ["--from", str(start), path])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("%d requests, 0 failed" % (len(lines) + 1 - start),
                      r.stdout)
        self.assertLessEqual(want, open_postings(self.env.redis))


class ResumeTest(Base):
    """The daemon closes the connection (a line longer than
    max_line_bytes): the client names the line to resume from."""

    def test_resume_after_the_connection_breaks(self):
        env = self.start(extra=["max_line_bytes 4096"])
        lines = [employer_line("rs")]
        for i in range(2, 31):
            desc = "长" * 2000 if i == 12 else "短"
            lines.append(posting_line("rs", "r%02d" % i, description=desc))
        path = write_lines(os.path.join(self.dir, "rs.jsonl"), lines)
        r = self.load(env, [path])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("%s:12: -32600 line too long" % path, r.stderr)
        self.assertRegex(r.stderr, "the daemon closed the connection|"
                         "the connection to the daemon broke")
        self.assertIn("resume with 'jobmatch load --from 13 %s'" % path,
                      r.stderr)
        self.assertEqual(open_postings(env.redis),
                         {"rs:r%02d" % i for i in range(2, 12)})
        # lines are counted from 1 in the whole file, empty ones too
        r = self.load(env, ["--from", "13", path])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("18 requests, 0 failed", r.stdout)
        self.assertEqual(open_postings(env.redis),
                         {"rs:r%02d" % i for i in range(2, 31) if i != 12})
        for bad in (["--from", "0", path], ["--from", "x", path],
                    ["--from"], ["--to", "3", path], []):
            r = self.load(env, bad)
            self.assertEqual(r.returncode, 2, (bad, r.stdout, r.stderr))


class ProgressTest(Base):
    """Progress goes to standard error on a terminal, and only there."""

    def test_progress_on_a_terminal(self):
        env = self.start()
        lines = [employer_line("pg")] + [posting_line("pg", "g%d" % i)
                                         for i in range(50)]
        path = write_lines(os.path.join(self.dir, "pg.jsonl"), lines)
        master, slave = pty.openpty()
        try:
            p = h.spawn(jobmatch_argv(env.daemon.addr, ["load", path]),
                        env=jobmatch_env(h.STAFF),
                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                        stderr=slave)
        finally:
            os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:         # EIO: the client closed its end
                break
            if not chunk:
                break
            shown += chunk
        os.close(master)
        out = p.stdout.read().decode()
        p.stdout.close()
        self.assertEqual(p.wait(timeout=60), 0, out + shown.decode())
        self.assertIn("51 requests, 0 failed", out)
        self.assertIn(b"\r" + path.encode() + b":", shown)
        self.assertIn(b"line 51, 51 answered, 0 failed", shown)
        # not on a pipe
        r = self.load(env, [path])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")


if __name__ == "__main__":
    h.main()

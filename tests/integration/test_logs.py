# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_logs.py - the daemon's log as an operator reads it (daemon/log.h):
every line stamped with its time (RFC 3339, milliseconds, offset from UTC)
and its level; under systemd (JOURNAL_STREAM naming stderr) a <N> syslog
priority instead, which journald reads; and a message that repeats written
at most log_repeat_burst times an interval, then once more with the count,
without holding back any other message.
"""
import datetime
import json
import os
import re
import signal
import unittest

import harness as h

# A line as written (harness.LOG_LINE_RE: time, level, message).
LINE_RE = h.LOG_LINE_RE
JOURNAL_RE = h.LOG_JOURNAL_RE
# the count a held-back message is written with at its interval's end
REPEATED_RE = re.compile(r" \(repeated (\d+) more times? in (\d+) s\)$")


def raw_lines(d):
    text = d.log_text(raw=True)
    return [ln for ln in text.split("\n") if ln]


def session(d):
    """debug and info lines: a hello, writes, a refused write, a line that
    is not JSON."""
    with d.client(h.STAFF) as c:
        c.result("employer.put", {"employer": h.EMPLOYER_A})
        c.result("job.post", {"job": h.job("log-1")})
        c.error("job.close", {"employer_id": "emp-a", "id": "nope"},
                h.NOT_FOUND)
        c.send_raw(b"{not json\n")
        c.read_json()


def bad_postings(redis, n, field_doc, prefix="bad"):
    """n postings in Redis that no daemon would store: each fails to load
    with the same warning (the same field), so a load writes it n times."""
    for i in range(n):
        key = "%s-%d" % (prefix, i)
        redis.cmd("HSET", "jm:job:emp-a:" + key, "doc", json.dumps(
            dict(field_doc, id=key, employer_id="emp-a")), "version", "1",
            "status", "open", "town", h.GUIXI, "dis", "physical")
        redis.cmd("SADD", "jm:jobs:open", "emp-a:" + key)


class TimestampTest(unittest.TestCase):

    def test_every_line_has_time_and_level(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        env = h.Env()
        self.addCleanup(env.cleanup)
        session(env.daemon)
        env.daemon.stop()
        after = datetime.datetime.now(datetime.timezone.utc)
        lines = raw_lines(env.daemon)
        self.assertGreater(len(lines), 10)
        levels = set()
        last = None
        for ln in lines:
            m = LINE_RE.match(ln)
            self.assertIsNotNone(m, "a line without its time and level: %r"
                                 % ln)
            t = datetime.datetime.fromisoformat(m.group(1))
            # local time with its offset: the same instant as UTC
            self.assertIsNotNone(t.utcoffset(), ln)
            self.assertEqual(t.utcoffset(), datetime.datetime.fromtimestamp(
                t.timestamp()).astimezone().utcoffset(), ln)
            self.assertGreaterEqual(t, before - datetime.timedelta(
                seconds=1), ln)
            self.assertLessEqual(t, after + datetime.timedelta(seconds=1),
                                 ln)
            if last is not None:    # in order (a clock step aside)
                self.assertGreaterEqual(t, last - datetime.timedelta(
                    seconds=1), ln)
            last = t
            levels.add(m.group(2))
        self.assertLessEqual({"debug", "info"}, levels)
        # the milliseconds are there, and differ between lines
        self.assertGreater(len({LINE_RE.match(ln).group(1)[20:23]
                                for ln in lines}), 1)
        # the harness reads the same lines as "LEVEL message"
        self.assertRegex(env.daemon.log_text(),
                         re.compile(r"^info mirror: 0 open postings$", re.M))

    def test_journal_stream(self):
        # systemd connects stderr to the journal and names that stream in
        # JOURNAL_STREAM: the daemon then writes <N> priorities
        redis = h.Redis()
        self.addCleanup(redis.cleanup)
        redis.start()
        d = h.Daemon(redis.port, extra=["log_level debug"])
        self.addCleanup(d.cleanup)
        open(d.log, "ab").close()
        st = os.stat(d.log)
        d.env = {"JOURNAL_STREAM": "%d:%d" % (st.st_dev, st.st_ino)}
        d.start()
        session(d)
        redis.kill()                    # and a warning
        d.wait_log("warn redis: connection lost")
        d.stop()
        lines = raw_lines(d)
        prios = set()
        for ln in lines:
            m = JOURNAL_RE.match(ln)
            self.assertIsNotNone(m, "a line without its priority: %r" % ln)
            self.assertIsNone(LINE_RE.match(m.group(2)), ln)
            self.assertFalse(m.group(2).startswith(h.LOG_LEVELS), ln)
            prios.add(m.group(1))
        self.assertEqual(prios, {"7", "6", "4"})
        text = "\n".join(lines)
        self.assertIn("<6>mirror: 0 open postings", text)
        self.assertIn("<7>conn 1: ping", text)
        self.assertIn("<4>redis: connection lost", text)

    def test_journal_stream_of_another_file(self):
        # a JOURNAL_STREAM inherited by a daemon whose stderr goes
        # elsewhere is not the journal: plain lines
        redis = h.Redis()
        self.addCleanup(redis.cleanup)
        redis.start()
        d = h.Daemon(redis.port)
        self.addCleanup(d.cleanup)
        st = os.stat(d.config)
        d.env = {"JOURNAL_STREAM": "%d:%d" % (st.st_dev, st.st_ino)}
        d.start()
        d.stop()
        for ln in raw_lines(d):
            self.assertRegex(ln, LINE_RE)

    def test_control_characters_are_escaped(self):
        # a message holding a control character (here a file name with a
        # terminal's escape sequence) is still one line, and cannot
        # forge another or drive the terminal that shows it
        env = h.Env()
        self.addCleanup(env.cleanup)
        d = env.daemon
        path = os.path.join(d.dir, "rules\x1b[2J\x7f.json")   # not there
        d.extra.append("rules_file " + path)
        d.write_config()
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log("SIGHUP: rules not reloaded")
        d.stop()
        raw = d.log_text(raw=True)
        self.assertNotIn("\x1b", raw)
        self.assertNotIn("\x7f", raw)
        self.assertIn("rules\\x1b[2J\\x7f.json", raw)
        for ln in raw_lines(d):
            self.assertRegex(ln, LINE_RE)


# what a stored posting without accessible_for, or with a number for its
# title, logs when a load skips it
FLOODED = "warn mirror: skipping a stored posting that does not validate: " \
          "job.accessible_for"
ODD = "warn mirror: skipping a stored posting that does not validate: " \
      "job.title"


class RepeatTest(unittest.TestCase):
    """The same warning repeated is written log_repeat_burst times an
    interval, then once with the count of those held back."""

    def start(self, extra, bad=30, odd=1):
        redis = h.Redis()
        self.addCleanup(redis.cleanup)
        redis.start()
        bad_postings(redis, bad, {"title": "x"})
        bad_postings(redis, odd, {"title": 7}, prefix="odd")
        d = h.Daemon(redis.port, extra=extra)
        self.addCleanup(d.cleanup)
        d.start()
        return redis, d

    def counts(self, d, text):
        """(lines of text written as they came, the counts of the lines
        saying how many more were held back)."""
        shown, held = 0, []
        for ln in d.log_text().split("\n"):
            if not ln.startswith(text):
                continue
            m = REPEATED_RE.search(ln)
            if m:
                held.append(int(m.group(1)))
            else:
                self.assertEqual(ln, text)
                shown += 1
        return shown, held

    def test_flood_is_a_few_lines_and_a_count(self):
        redis, d = self.start(["log_repeat_burst 2",
                               "log_repeat_interval_s 3600"])
        self.assertEqual(self.counts(d, FLOODED), (2, []))
        # another message is never held back by the flood
        self.assertEqual(self.counts(d, ODD), (1, []))
        # the count comes at the interval's end, or when the daemon stops
        d.stop()
        self.assertEqual(self.counts(d, FLOODED), (2, [28]))
        self.assertEqual(self.counts(d, ODD), (1, []))

    def test_count_at_the_interval_end(self):
        redis, d = self.start(["log_repeat_burst 1",
                               "log_repeat_interval_s 1"], bad=20)
        # however the load fell across intervals, every one of the 20 is
        # written or counted while the daemon runs, and each interval
        # writes the message once and its count at most once
        def all_there():
            shown, held = self.counts(d, FLOODED)
            return shown + sum(held) == 20

        h.wait_until(all_there, what="every warning written or counted")
        shown, held = self.counts(d, FLOODED)
        self.assertGreaterEqual(len(held), 1)
        self.assertLessEqual(len(held), shown)
        self.assertTrue(all(n > 0 for n in held), held)
        self.assertEqual(self.counts(d, ODD), (1, []))
        d.stop()
        self.assertEqual(self.counts(d, FLOODED), (shown, held))

    def test_off(self):
        redis, d = self.start(["log_repeat_burst 0"], bad=12, odd=0)
        d.stop()
        self.assertEqual(self.counts(d, FLOODED), (12, []))

    def test_redis_down(self):
        # Redis gone: the daemon tries again and again (100 ms doubling to
        # 5 s), each try a warning; the first is written, the others of
        # the interval make one count
        env = h.Env(extra=["log_repeat_burst 1",
                           "log_repeat_interval_s 10"])
        self.addCleanup(env.cleanup)
        d = env.daemon
        env.redis.kill()
        refused = "warn redis: cannot connect: Connection refused"
        d.wait_log(re.compile("^" + re.escape(refused) +
                              REPEATED_RE.pattern, re.M), timeout=60)
        env.redis.start()
        d.wait_log("redis: mirror loaded", count=2)
        shown, held = self.counts(d, refused)
        self.assertGreaterEqual(held[0], 1)
        self.assertLessEqual(len(held), shown)
        self.assertLessEqual(shown, 2)
        env.stop()

    def test_config(self):
        for line, ok in (("log_repeat_burst 0", True),
                         ("log_repeat_burst 1000000", True),
                         ("log_repeat_interval_s 1", True),
                         ("log_repeat_interval_s 86400", True),
                         ("log_repeat_burst -1", False),
                         ("log_repeat_burst x", False),
                         ("log_repeat_burst 1000001", False),
                         ("log_repeat_interval_s 0", False),
                         ("log_repeat_interval_s 86401", False)):
            with self.subTest(line=line):
                d = h.Daemon(1, extra=[line])
                self.addCleanup(d.cleanup)
                out = h.run_daemon(["-n", "-c", d.config])
                self.assertEqual(out.returncode, 0 if ok else 1,
                                 out.stdout + out.stderr)


if __name__ == "__main__":
    h.main()

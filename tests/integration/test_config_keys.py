# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_config_keys.py - `jobmatchd --list-config-keys` against what the
daemon does with each key: the table it prints is the one the daemon
reads, defaults and reloads by (tests/check_man.sh holds the manual page
to the same listing). Every key takes its listed default; a number takes
both ends of its listed range and is refused, with that range in the
message, just outside it; only token and redis_sentinel repeat; and on
SIGHUP a change of
every key listed "restart" is logged and kept, and of no key listed
"reload".
"""
import os
import re
import shutil
import signal
import tempfile
import unittest

import harness as h

UNITS = {"k": 1 << 10, "M": 1 << 20, "G": 1 << 30}
REPEATS = ("token", "redis_sentinel")
# Keys that go together and refuse the redis line: changed together in a
# SIGHUP test of their own.
SENTINEL_KEYS = ("redis_sentinel", "redis_master_name",
                 "redis_sentinel_password_file")


def listing():
    """The listed keys: {key: (kind, (min, max) or None, default or None,
    sighup, lines)}, in the listing's order."""
    r = h.run_daemon(["--list-config-keys"])
    if r.returncode != 0:
        raise AssertionError("--list-config-keys: %d %s" % (r.returncode,
                                                            r.stderr))
    keys = {}
    for ln in r.stdout.splitlines():
        if ln.startswith("#"):
            continue
        cols = ln.split("\t")
        if len(cols) != 7:
            raise AssertionError("not 7 columns: %r" % ln)
        key, kind, rng, default, sighup, lines, _ = cols
        bounds = None
        if rng != "-":
            lo, to, hi = rng.split(" ")
            if to != "to":
                raise AssertionError("range %r" % rng)
            bounds = (lo, hi)
        keys[key] = (kind, bounds, None if default == "-" else default,
                     sighup, lines)
    return keys


def number(text):
    """A listed bound as a number ("4k" is 4096)."""
    if text[-1] in UNITS:
        return int(text[:-1]) * UNITS[text[-1]]
    return int(text)


class ConfigKeysTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.keys = listing()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-config-keys-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def base(self):
        """The shipped towns; a rule set without patterns, which the
        smallest regex_* limits let through too."""
        rules = os.path.join(self.dir, "rules.json")
        with open(rules, "w") as f:
            f.write("{}\n")
        return [
            "towns_file %s" % os.path.join(h.DATA_DIR, "towns.tsv"),
            "rules_file %s" % rules,
        ]

    def check(self, lines):
        path = os.path.join(self.dir, "jobmatchd.conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path, h.run_daemon(["--check-config", "-c", path])

    def test_listing(self):
        self.assertGreater(len(self.keys), 30)
        for key, (kind, bounds, _, sighup, lines) in self.keys.items():
            with self.subTest(key=key):
                self.assertRegex(key, r"^[a-z][a-z0-9_]*$")
                self.assertRegex(kind, r"^\S+( \S+)*$")
                self.assertIn(sighup, ("reload", "restart"))
                self.assertEqual(lines, "repeats" if key in REPEATS
                                 else "once")
                self.assertEqual(bounds is not None,
                                 kind in ("int", "size", "count"))

    def test_defaults_check(self):
        """A file that gives every key its listed default checks (the
        towns file's default is the install prefix's: the base names the
        shipped one instead)."""
        lines = self.base()
        for key, (_, _, default, _, _) in self.keys.items():
            if default is not None and key != "towns_file":
                lines.append("%s %s" % (key, default))
        path, r = self.check(lines)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("%s: configuration OK" % path, r.stdout)

    def test_ranges(self):
        """Both ends of every listed range are taken; one below and one
        above are refused, and the message states the listed range."""
        numbers = {k: v for k, v in self.keys.items() if v[1] is not None}
        for end in (0, 1):
            lines = self.base() + ["%s %s" % (k, v[1][end])
                                   for k, v in numbers.items()]
            _, r = self.check(lines)
            self.assertEqual(r.returncode, 0, r.stderr)
        for key, (kind, (lo, hi), _, _, _) in numbers.items():
            outside = [number(hi) + 1]
            if number(lo) > 0:
                outside.append(number(lo) - 1)
            for value in outside:
                with self.subTest(key=key, value=value):
                    path, r = self.check(self.base() +
                                         ["%s %d" % (key, value)])
                    self.assertEqual(r.returncode, 1, r.stdout)
                    self.assertIn("%s:3: %s: " % (path, key), r.stderr)
                    self.assertIn("%s to %s" % (lo, hi), r.stderr)

    def test_only_token_repeats(self):
        for key, (_, _, default, _, _) in self.keys.items():
            if key == "token" or default is None or key == "towns_file":
                continue
            with self.subTest(key=key):
                line = "%s %s" % (key, default)
                path, r = self.check(self.base() + [line, line])
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertIn("%s:4: %s is given again: line 3"
                              % (path, key), r.stderr)

    def test_sighup_keeps_what_is_listed_restart(self):
        """One SIGHUP that changes every key listed "restart" and every
        number and bool listed "reload": a "changed: restart to apply it"
        line for each of the first, none for the others."""
        d = h.Daemon(h.free_port())         # no Redis needed
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        extra, restart = [], set()
        for key, (kind, bounds, default, sighup, _) in self.keys.items():
            if key in SENTINEL_KEYS:
                continue
            if sighup == "restart":
                restart.add(key)
            if bounds is not None:
                value = bounds[0] if bounds[0] != default else bounds[1]
            elif kind == "bool":
                value = "yes" if default == "no" else "no"
            elif sighup == "reload":
                continue
            elif kind == "host:port":
                value = "127.0.0.1:%d" % h.free_port()
            elif kind == "host:port|path":
                value = "127.0.0.1:%d" % h.free_port()
            elif kind == "path":
                value = os.path.join(self.dir, key)
            elif kind == "string":
                value = "x" + (default or "")
            else:
                self.fail("no value to change %s (%s) to" % (key, kind))
            extra.append("%s %s" % (key, value))
        d.extra = extra
        d.write_config()
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log("SIGHUP: configuration reloaded")
        d.wait_log("SIGHUP: reloading the rules file")
        logged = set(re.findall(r"config: (\S+) changed: restart to apply "
                                r"it", d.log_text()))
        self.assertEqual(logged, restart)
        self.assertTrue(d.running())

    def test_sighup_keeps_the_sentinels(self):
        """The sentinel keys, which refuse a redis line: a change of
        those listed "restart" is logged and kept."""
        d = h.Daemon(None, extra=["redis_sentinel 127.0.0.1:%d"
                                  % h.free_port(),
                                  "redis_master_name m"])
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        d.extra = ["redis_sentinel 127.0.0.1:%d" % h.free_port(),
                   "redis_sentinel 127.0.0.1:%d" % h.free_port(),
                   "redis_master_name m2"]
        d.write_config()
        d.proc.send_signal(signal.SIGHUP)
        d.wait_log("SIGHUP: configuration reloaded")
        logged = set(re.findall(r"config: (\S+) changed: restart to apply "
                                r"it", d.log_text()))
        self.assertEqual(logged, {k for k in SENTINEL_KEYS
                                  if self.keys[k][3] == "restart"})
        self.assertTrue(d.running())
        d.stop()


if __name__ == "__main__":
    h.main()

# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_config.py - the configuration file's pitfalls, through
`jobmatchd --check-config` (no Redis needed): a key given twice, the files
it names that cannot be read, size suffixes and their ranges, and the
built-in paths (the configuration read without -c, the towns file), which
come from the install prefix.
"""
import os
import re
import shutil
import tempfile
import unittest

import harness as h


class ConfigTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-config-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def base(self):
        return [
            "listen 127.0.0.1:%d" % h.free_port(),          # line 1
            "redis 127.0.0.1:%d" % h.free_port(),           # line 2
            "towns_file %s" % os.path.join(h.DATA_DIR, "towns.tsv"),
            "rules_file %s" % os.path.join(h.DATA_DIR, "rules.default.json"),
            "token kiosk %s" % h.digest(h.KIOSK),           # line 5
            "token staff %s" % h.digest(h.STAFF),
            "token employer:emp-a %s" % h.digest(h.EMP_A),
        ]

    def write(self, lines, name="jobmatchd.conf"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def check(self, lines):
        path = self.write(lines)
        return path, h.run_daemon(["--check-config", "-c", path])

    def assert_ok(self, lines):
        path, r = self.check(lines)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("%s: configuration OK" % path, r.stdout)

    def assert_refused(self, lines, *words):
        path, r = self.check(lines)
        self.assertEqual(r.returncode, 1, "accepted:\n" + "\n".join(lines))
        for w in words:
            self.assertIn(w.replace("CONF", path), r.stderr)
        return r.stderr

    # -- a key given twice ---------------------------------------------------

    def test_key_given_twice(self):
        """Two listen lines bound only the second; now a single-valued key
        given again is refused, naming both lines."""
        second = "listen 127.0.0.1:%d" % h.free_port()
        self.assert_refused(self.base() + [second],
                            "CONF:8: listen is given again: line 1")
        cases = [
            ("redis 127.0.0.1:%d" % h.free_port(), "redis", 2),
            ("redis /run/redis/redis.sock", "redis", 2),
            ("towns_file " + os.path.join(h.DATA_DIR, "towns.tsv"),
             "towns_file", 3),
            ("rules_file " + os.path.join(h.DATA_DIR, "rules.default.json"),
             "rules_file", 4),
        ]
        for line, key, first in cases:
            with self.subTest(line=line):
                self.assert_refused(self.base() + [line],
                                    "CONF:8: %s is given again: line %d"
                                    % (key, first))
        # Keys that are not in the base: the first and the second line.
        for a, b in (("max_batch 10", "max_batch 20"),
                     ("log_level debug", "log_level info"),
                     ("quota_exempt_types soe", "quota_exempt_types none"),
                     ("regex_budget 10", "regex_budget 10")):
            with self.subTest(lines=(a, b)):
                self.assert_refused(self.base() + [a, "", "# c", b],
                                    "CONF:11: %s is given again: line 8"
                                    % a.split()[0])

    def test_wait_timeout_below_redis_timeout(self):
        # WAIT holds the link: its timeout must leave room for the
        # commands behind it, but only matters when it is sent
        self.assert_ok(self.base() + ["redis_wait_replicas 1",
                                      "redis_wait_timeout_ms 1999"])
        self.assert_ok(self.base() + ["redis_wait_timeout_ms 5000"])
        self.assert_refused(self.base() + ["redis_wait_replicas 1",
                                           "redis_wait_timeout_ms 2000"],
                            "redis_wait_timeout_ms (2000) must be below "
                            "redis_timeout_ms (2000)")

    def test_plan_period_and_working_age(self):
        # The plan's period is two dates, the first not after the last;
        # a working age is MIN-MAX in whole years, MIN not above MAX.
        self.assert_ok(self.base() + ["plan_from 2022-01-01",
                                      "plan_to 2022-01-01",
                                      "working_age_male 16-60",
                                      "working_age_female 0-150"])
        self.assert_refused(self.base() + ["plan_from 2025-01-01"],
                            "plan_from is after plan_to")
        self.assert_refused(self.base() + ["plan_to 2024-02-30"],
                            "CONF:8: plan_to: expected a date")
        for bad in ("59-16", "16", "16-", "-16-59", "+16-59", "16-59x",
                    "16-151", "a-b"):
            self.assert_refused(self.base() + ["working_age_female " + bad],
                                "CONF:8: working_age_female: expected MIN-MAX")
        self.assert_refused(self.base() + ["followup_interval_days 0"],
                            "CONF:8: followup_interval_days")

    def test_token_lines_repeat(self):
        # token makes a list: the base has three, here a fourth.
        self.assert_ok(self.base() + ["token kiosk " + h.digest("k2")])

    # -- files the configuration names ----------------------------------------

    def test_files_that_cannot_be_read(self):
        """A file the configuration names that cannot be read: the reason
        (strerror) and the configuration line that named it."""
        missing = os.path.join(self.dir, "missing.tsv")
        lines = self.base()
        lines[2] = "towns_file " + missing
        self.assert_refused(lines, "CONF:3: towns_file %s: No such file or "
                            "directory" % missing)
        lines[2] = "towns_file " + self.dir
        self.assert_refused(lines, "CONF:3: towns_file %s: Is a directory"
                            % self.dir)

        missing = os.path.join(self.dir, "missing.json")
        lines = self.base()
        lines[3] = "rules_file " + missing
        self.assert_refused(lines, "CONF:4: rules_file %s: No such file or "
                            "directory" % missing)
        lines[3] = "rules_file " + self.dir
        self.assert_refused(lines, "CONF:4: rules_file %s: Is a directory"
                            % self.dir)

        # A rules file that does not validate: where, and why.
        bad = os.path.join(self.dir, "bad.json")
        with open(bad, "w") as f:
            f.write('{"weights": {"skills": "heavy"}}\n')
        lines[3] = "rules_file " + bad
        self.assert_refused(lines, "CONF:4: rules_file %s: " % bad,
                            "weights.skills")

        # TLS files: OpenSSL's reason and the line.
        cert = os.path.join(self.dir, "no-cert.pem")
        lines = self.base() + [
            "listen_tls 127.0.0.1:%d" % h.free_port(),
            "tls_cert " + cert, "tls_key " + cert]
        self.assert_refused(lines, "CONF:9: tls_cert %s: " % cert,
                            "No such file")

    def test_unix_socket_that_cannot_be_made(self):
        # Found at the start, not by --check-config: the daemon exits.
        sock = os.path.join(self.dir, "no-such-dir", "jobmatchd.sock")
        path = self.write(self.base() + ["unix_socket " + sock])
        r = h.run_daemon(["-c", path])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("%s:8: unix_socket %s: No such file or directory"
                      % (path, sock), r.stderr)

    @unittest.skipIf(os.geteuid() == 0, "root reads a file of mode 000")
    def test_file_without_permission(self):
        towns = os.path.join(self.dir, "towns.tsv")
        shutil.copy(os.path.join(h.DATA_DIR, "towns.tsv"), towns)
        os.chmod(towns, 0)
        lines = self.base()
        lines[2] = "towns_file " + towns
        self.assert_refused(lines, "CONF:3: towns_file %s: Permission "
                            "denied" % towns)

    def test_config_file_itself(self):
        missing = os.path.join(self.dir, "none.conf")
        r = h.run_daemon(["-n", "-c", missing])
        self.assertEqual(r.returncode, 1)
        self.assertIn("%s: No such file or directory" % missing, r.stderr)
        r = h.run_daemon(["-n", "-c", self.dir])
        self.assertEqual(r.returncode, 1)
        self.assertIn("%s: Is a directory" % self.dir, r.stderr)

    # -- sizes ---------------------------------------------------------------

    def test_size_suffixes(self):
        """k, M and G (1024, 1024^2, 1024^3), either case, up to each key's
        maximum, which its message states in the same units."""
        for line in ("max_line_bytes 1G", "max_line_bytes 1g",
                     "max_line_bytes 1024M", "max_line_bytes 1048576k",
                     "max_line_bytes 1073741824", "anon_max_line_bytes 1G",
                     "max_output_bytes 1G", "max_output_bytes 4k",
                     "job_list_bytes 64M", "job_list_bytes 4096",
                     "max_line_bytes 256"):
            with self.subTest(line=line):
                self.assert_ok(self.base() + [line])
        for line, words in (
                ("max_line_bytes 2G", "expected 256 to 1G"),
                ("max_line_bytes 1025M", "expected 256 to 1G"),
                ("max_line_bytes 1073741825", "expected 256 to 1G"),
                ("max_line_bytes 255", "expected 256 to 1G"),
                ("anon_max_line_bytes 2G", "expected 256 to 1G"),
                ("max_output_bytes 2g", "expected 4k to 1G"),
                ("max_output_bytes 4095", "expected 4k to 1G"),
                ("job_list_bytes 65M", "expected 4k to 64M"),
                ("max_line_bytes 1T", "expected 256 to 1G"),
                ("max_line_bytes 1GB", "expected 256 to 1G"),
                ("max_line_bytes 17179869184G", "expected 256 to 1G"),
                ("max_line_bytes G", "expected 256 to 1G")):
            with self.subTest(line=line):
                self.assert_refused(self.base() + [line],
                                    "CONF:8: %s: %s" % (line.split()[0],
                                                        words))

    # -- built-in paths -------------------------------------------------------

    def defaults(self):
        """The configuration file and towns file jobmatchd --help names."""
        r = h.run_daemon(["--help"])
        self.assertEqual(r.returncode, 0, r.stderr)
        conf = re.search(r"-c, --config FILE .*\(default: (/\S+)\)",
                         r.stdout)
        towns = re.search(r"default towns_file: (/\S+)", r.stdout)
        self.assertIsNotNone(conf, r.stdout)
        self.assertIsNotNone(towns, r.stdout)
        return conf.group(1), towns.group(1)

    def test_default_config_file(self):
        """Without -c, jobmatchd reads the configuration of its install
        prefix, which --help names, and says which file it read or could
        not read."""
        conf, _ = self.defaults()
        self.assertTrue(conf.endswith("/jobmatchd/jobmatchd.conf"), conf)
        r = h.run_daemon(["--check-config"])
        if r.returncode == 0:
            self.assertIn("%s: configuration OK" % conf, r.stdout)
        else:
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertTrue(r.stderr.startswith("jobmatchd: %s" % conf),
                            r.stderr)

    def test_log_names_the_file_read(self):
        d = h.Daemon(h.free_port())         # no Redis needed to start
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        d.wait_log("started with %s" % d.config)
        d.stop()

    def test_default_towns_file(self):
        """Without towns_file, the towns file of the install prefix: a
        message about it says it is the default."""
        _, towns = self.defaults()
        self.assertTrue(towns.endswith("/share/jobmatchd/towns.tsv"), towns)
        lines = self.base()
        del lines[2]
        path, r = self.check(lines)
        if os.path.exists(towns):
            self.assertEqual(r.returncode, 0, r.stderr)
        else:
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn("%s: towns_file %s (the default): No such file or "
                          "directory" % (path, towns), r.stderr)


if __name__ == "__main__":
    h.main()

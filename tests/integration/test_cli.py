# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_cli.py - the command lines: jobmatchd's config check and the jobmatch
client (hash-token, call, load, match).
"""
import hashlib
import json
import os
import re
import shutil
import tempfile
import unittest

import harness as h

GUIXI = "500231001000"


class ConfigCheckTest(unittest.TestCase):
    """jobmatchd --check-config: no Redis needed."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-cli-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def write(self, lines, name="jobmatchd.conf"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def base(self):
        return [
            "# jobmatchd test configuration",
            "",
            "listen 127.0.0.1:%d" % h.free_port(),
            "redis 127.0.0.1:%d" % h.free_port(),
            "towns_file %s" % os.path.join(h.DATA_DIR, "towns.tsv"),
            "rules_file %s" % os.path.join(h.DATA_DIR, "rules.default.json"),
            "token kiosk %s" % h.digest(h.KIOSK),
            "token staff %s   # the federation's staff" % h.digest(h.STAFF),
            "token employer:emp-a %s" % h.digest(h.EMP_A),
        ]

    def check(self, path, *opts):
        return h.run_daemon(list(opts or ["--check-config"]) + ["-c", path])

    def assert_bad(self, lines, lineno, words):
        path = self.write(lines)
        r = self.check(path)
        self.assertEqual(r.returncode, 1, "accepted a bad config:\n%s%s"
                         % (r.stdout, r.stderr))
        self.assertIn("%s:%d:" % (path, lineno), r.stderr,
                      "the message does not name file and line: %r"
                      % r.stderr)
        for w in words:
            self.assertIn(w, r.stderr)

    def assert_bad_lines(self, cases):
        """Each (line, words): the base config with line added is refused,
        and the message names that line and holds the words."""
        for bad, words in cases:
            with self.subTest(line=bad):
                lines = self.base()
                lines.append(bad)
                self.assert_bad(lines, len(lines), words)

    def test_good_config(self):
        path = self.write(self.base())
        for opt in ("--check-config", "-n"):
            r = self.check(path, opt)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("configuration OK", r.stdout)
            self.assertIn(path, r.stdout)
        # the harness's own daemon config is good too
        d = h.Daemon(h.free_port(), extra=["max_line_bytes 4096",
                                           "max_batch 10"])
        self.addCleanup(d.cleanup)
        r = self.check(d.config)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_example_config(self):
        # The shipped example is a valid config once its data files are
        # where it says (here: the source tree's data/).
        with open(os.path.join(h.SOURCE_DIR, "jobmatchd.conf.example")) as f:
            lines = f.read().split("\n")
        out = []
        for line in lines:
            if line.startswith("towns_file "):
                line = "towns_file %s" % os.path.join(h.DATA_DIR, "towns.tsv")
            elif line.startswith("rules_file "):
                line = "rules_file %s" % os.path.join(h.DATA_DIR,
                                                      "rules.default.json")
            out.append(line)
        r = self.check(self.write(out))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sum(1 for l in out if l.startswith(("towns_file",
                                                            "rules_file"))), 2)

    def test_unknown_key(self):
        lines = self.base()
        lines.insert(4, "colour blue")
        self.assert_bad(lines, 5, ["unknown key", "colour"])

    def test_bad_token_digest(self):
        lines = self.base()
        lines.insert(3, "token kiosk 12345")
        self.assert_bad(lines, 4, ["digest"])
        lines = self.base()
        lines.append("token staff " + "g" * 64)
        self.assert_bad(lines, len(lines), ["digest"])

    def test_other_bad_lines(self):
        cases = [
            ("token janitor " + h.digest("x"), ["kiosk, staff"]),
            ("token employer:bad/id " + h.digest("x"), ["employer id"]),
            ("token kiosk " + h.digest(h.STAFF), ["twice"]),
            ("listen localhost", ["HOST:PORT"]),
            ("listen 127.0.0.1:99999", ["HOST:PORT"]),
            ("max_line_bytes 10", ["max_line_bytes"]),
            ("max_batch", ["takes 1 value"]),
            ("log_level loud", ["log_level"]),
            ("redis_db 16", ["redis_db"]),
            ("max_store_inflight 0", ["max_store_inflight", "1 to"]),
            ("job_list_scan 0", ["job_list_scan", "1 to"]),
            ("job_list_bytes 1k", ["job_list_bytes", "4k to"]),
            ("staff_max_request_rate 0", ["staff_max_request_rate",
                                          "1 to"]),
            ("employer_max_request_rate 1e6", ["employer_max_request_rate",
                                               "1 to"]),
        ]
        self.assert_bad_lines(cases)

    def test_quota_keys(self):
        """Every quota_* key with a value other than its default checks."""
        lines = self.base() + [
            "quota_ratio 0.02",
            "quota_local_avg_salary 61234",
            "quota_salary_cap_multiple 3",
            "quota_exempt_types private soe",
            "quota_exempt_headcount 20",
            "quota_reduction_tiers 0.015:0.25 0.01:0.5 .005:0.75 0:1",
            "quota_reduction_until 2030-06-30",
            "quota_late_fee_rate 0.0005",
            "quota_agency_min_staff 40",
            "quota_institution_min_staff 60",
        ]
        r = self.check(self.write(lines))
        self.assertEqual(r.returncode, 0, r.stderr)
        for ok in ("quota_exempt_types none", "quota_reduction_tiers none",
                   "quota_ratio 1", "quota_late_fee_rate 0",
                   "quota_exempt_types agency institution soe private"
                   " community social_org sheltered_workshop"):
            with self.subTest(line=ok):
                r = self.check(self.write(self.base() + [ok]))
                self.assertEqual(r.returncode, 0, r.stderr)

    def test_bad_quota_lines(self):
        cases = [
            ("quota_ratio 0", ["quota_ratio", "above 0"]),
            ("quota_ratio 1.5", ["quota_ratio"]),
            ("quota_ratio 1.5%", ["quota_ratio"]),
            ("quota_ratio 0.0000001", ["quota_ratio", "6 decimals"]),
            ("quota_ratio", ["quota_ratio", "takes 1 value"]),
            ("quota_local_avg_salary 60k", ["quota_local_avg_salary"]),
            ("quota_local_avg_salary -1", ["quota_local_avg_salary"]),
            ("quota_salary_cap_multiple 0", ["quota_salary_cap_multiple"]),
            ("quota_salary_cap_multiple 2.5", ["quota_salary_cap_multiple"]),
            ("quota_exempt_headcount many", ["quota_exempt_headcount"]),
            ("quota_exempt_types private shop", ["quota_exempt_types",
                                                 "'shop'"]),
            ("quota_exempt_types", ["quota_exempt_types"]),
            ("quota_reduction_tiers 0.01-0.5", ["quota_reduction_tiers",
                                                "'0.01-0.5'"]),
            ("quota_reduction_tiers 0.01:0.5 0:1.1",
             ["quota_reduction_tiers", "'0:1.1'"]),
            ("quota_reduction_tiers 0.04:1 0.03:1 0.02:1 0.01:1 0:1",
             ["quota_reduction_tiers", "at most 4"]),
            ("quota_reduction_until 2027-02-29", ["quota_reduction_until"]),
            ("quota_reduction_until 31/12/2027", ["quota_reduction_until"]),
            ("quota_late_fee_rate 2", ["quota_late_fee_rate"]),
            ("quota_agency_min_staff -5", ["quota_agency_min_staff"]),
            ("quota_institution_min_staff 1e3",
             ["quota_institution_min_staff"]),
            ("quota_colour 1", ["unknown key", "quota_colour"]),
            ("quota_exempt_types a b c d e f g h", ["more than 8 words"]),
        ]
        self.assert_bad_lines(cases)

    def test_plan_keys(self):
        r = self.check(self.write(self.base() + [
            "plan_jobs_target 450", "plan_trained_target 0",
            "plan_graduate_rate 1"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_bad_lines([
            ("plan_jobs_target -1", ["plan_jobs_target"]),
            ("plan_jobs_target 3e2", ["plan_jobs_target"]),
            ("plan_trained_target lots", ["plan_trained_target"]),
            ("plan_graduate_rate 90%", ["plan_graduate_rate"]),
            ("plan_graduate_rate 1.1", ["plan_graduate_rate"]),
            ("plan_graduate_rate", ["plan_graduate_rate", "takes 1 value"]),
        ])

    def test_quota_tiers_against_ratio(self):
        # Checked once the whole file is read: the keys may come in any
        # order, so the message names the keys, not a line.
        for extra in (["quota_reduction_tiers 0.02:0.5"],
                      ["quota_reduction_tiers 0.01:0.5 0.01:0.9"],
                      ["quota_reduction_tiers 0:0.9 0.01:0.5"],
                      ["quota_ratio 0.01"]):
            with self.subTest(lines=extra):
                path = self.write(self.base() + extra)
                r = self.check(path)
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertIn(path + ": quota_reduction_tiers", r.stderr)
        path = self.write(self.base() + ["quota_reduction_tiers 0.02:0.5",
                                         "quota_ratio 0.03"])
        r = self.check(path)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_missing_files(self):
        lines = self.base()
        lines[4] = "towns_file %s" % os.path.join(self.dir, "none.tsv")
        path = self.write(lines)
        r = self.check(path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("none.tsv", r.stderr)
        r = self.check(os.path.join(self.dir, "missing.conf"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.conf", r.stderr)

    def test_bad_rules_file(self):
        rules = os.path.join(self.dir, "rules.json")
        with open(rules, "w") as f:
            json.dump({"synonyms": [{"term": "x", "pattern": "(unclosed"}]},
                      f)
        lines = self.base()
        lines[5] = "rules_file " + rules
        r = self.check(self.write(lines))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("rules.json", r.stderr)
        self.assertIn("synonyms[0]", r.stderr)

    def test_usage(self):
        r = h.run_daemon(["-n", "stray-argument"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage", r.stderr)
        r = h.run_daemon(["--no-such-option", "-c", "x"])
        self.assertEqual((r.returncode, r.stdout), (2, ""))
        self.assertIn("usage: jobmatchd", r.stderr)
        for opt in ("--help", "-h"):
            with self.subTest(opt=opt):
                r = h.run_daemon([opt])
                self.assertEqual((r.returncode, r.stderr), (0, ""))
                self.assertIn("usage: jobmatchd", r.stdout)
                self.assertIn("--check-config", r.stdout)
        r = h.run_daemon(["--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^jobmatchd \d+\.\d+\.\d+")


class ClientHelpTest(unittest.TestCase):
    """jobmatch --help and each command's: usage on standard output, exit
    0, no connection (nothing listens at the address given)."""

    COMMANDS = ("call", "load", "import", "match", "report", "hash-token")

    def run_jm(self, args):
        return h.run_jobmatch(args, addr="127.0.0.1:%d" % h.free_port())

    def test_help(self):
        for opt in ("--help", "-h"):
            r = self.run_jm([opt])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr, "")
            self.assertTrue(r.stdout.startswith("usage: jobmatch"), r.stdout)
            for cmd in self.COMMANDS:
                self.assertIn("  %s " % cmd, r.stdout)
        for cmd in self.COMMANDS:
            for opt in ("--help", "-h"):
                with self.subTest(command=cmd, option=opt):
                    r = self.run_jm([cmd, opt])
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(r.stderr, "")
                    self.assertRegex(r.stdout, r"^usage: jobmatch .*%s"
                                     % re.escape(cmd))
        # after other arguments too
        r = self.run_jm(["match", "--type", "visual", "--help"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--min-salary", r.stdout)
        r = self.run_jm(["--version"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^jobmatch \d+\.\d+\.\d+\n$")

    def test_usage_errors(self):
        for args in ([], ["frobnicate"], ["--frobnicate"],
                     ["hash-token", "--frobnicate"], ["hash-token", "a", "b"]):
            with self.subTest(args=args):
                r = self.run_jm(args)
                self.assertEqual(r.returncode, 2, r.stdout)
                self.assertIn("usage: jobmatch", r.stderr)
                self.assertEqual(r.stdout, "")

    def test_hash_token_of_an_option(self):
        # a token that looks like an option follows --
        r = self.run_jm(["hash-token", "--", "--help"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(),
                         hashlib.sha256(b"--help").hexdigest())


class ClientTest(unittest.TestCase):
    """The jobmatch binary against a running daemon."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon
        cls.dir = tempfile.mkdtemp(prefix="jm-cli-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)

    def jm(self, args, token=None, **kw):
        return h.run_jobmatch(args, token=token, addr=self.d.addr, **kw)

    def write(self, name, lines):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def staff(self):
        c = self.d.client(h.STAFF)
        self.addCleanup(c.close)
        return c

    def test_hash_token(self):
        r = h.run_jobmatch(["hash-token", "abc"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(),
                         hashlib.sha256(b"abc").hexdigest())
        self.assertEqual(r.stdout.strip(), "ba7816bf8f01cfea414140de5dae2223"
                         "b00361a396177a9cb410ff61f20015ad")
        r = h.run_jobmatch(["hash-token"], input="员工令牌\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(),
                         hashlib.sha256("员工令牌".encode()).hexdigest())
        r = h.run_jobmatch(["hash-token"], input="")
        self.assertNotEqual(r.returncode, 0)

    def test_call_ping(self):
        r = self.jm(["call", "ping"])
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertIs(out["pong"], True)
        self.assertIn('"pong"', r.stdout)
        # the address from the environment
        r = h.run_jobmatch(["call", "ping"],
                           env_extra={"JOBMATCH_ADDR": self.d.addr})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIs(json.loads(r.stdout)["pong"], True)

    def test_call_with_token_and_params(self):
        r = self.jm(["call", "vocab"])
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("-32001", r.stderr)
        r = self.jm(["-t", h.KIOSK, "call", "vocab"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("towns", json.loads(r.stdout))
        r = self.jm(["call", "match", json.dumps({"profile": {
            "disability": {"type": "visual", "grade": 1}, "town": GUIXI}})],
            token=h.KIOSK)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("results", json.loads(r.stdout))
        r = self.jm(["call", "match", "{not json"], token=h.KIOSK)
        self.assertEqual(r.returncode, 2)
        r = self.jm(["call", "match", "{}"], token=h.KIOSK)
        self.assertEqual(r.returncode, 1)
        self.assertIn("-32602", r.stderr)
        self.assertIn("(profile)", r.stderr)
        r = self.jm(["call", "hello"], token="not-a-token")
        self.assertEqual(r.returncode, 1)
        self.assertIn("-32001", r.stderr)

    def test_cannot_connect(self):
        r = h.run_jobmatch(["call", "ping"],
                           addr="127.0.0.1:%d" % h.free_port())
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot connect", r.stderr)

    def test_large_response(self):
        # a response line longer than the client's 64 KiB read buffer
        # (30 postings of about 8 KB: within one page's job_list_bytes)
        s = self.staff()
        s.result("employer.put", {"employer": {
            "id": "emp-big", "name": "大单位", "type": "soe", "town": GUIXI}})
        desc = "岗位说明很长。" * 380
        for i in range(30):
            s.result("job.post", {"job": {
                "id": "big-%02d" % i, "employer_id": "emp-big",
                "title": "长描述岗位 %d" % i, "description": desc,
                "accessible_for": ["any"], "employment_type": "full_time",
                "town": GUIXI}})
        r = self.jm(["call", "job.list", json.dumps({
            "employer_id": "emp-big", "limit": 100})], token=h.STAFF)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(len(r.stdout.encode()), 3 * 65536)
        jobs = json.loads(r.stdout)["jobs"]
        self.assertEqual(len(jobs), 30)
        self.assertTrue(all(j["description"] == desc for j in jobs))

    def test_load_reports_bad_lines(self):
        emp = {"method": "employer.put", "params": {"employer": {
            "id": "emp-load", "name": "载入单位", "type": "private",
            "town": GUIXI}}}

        def post(id, **kw):
            j = {"id": id, "employer_id": "emp-load", "title": "载入 " + id,
                 "accessible_for": ["hearing"],
                 "employment_type": "part_time", "town": GUIXI}
            j.update(kw)
            return json.dumps({"method": "job.post", "params": {"job": j}},
                              ensure_ascii=False)
        lines = [
            json.dumps(emp, ensure_ascii=False),            # 1 good
            "this is not JSON",                             # 2 bad
            post("ld-1"),                                   # 3 good
            json.dumps({"params": {}}),                     # 4 no method
            post("ld-bad", employment_type="gig"),          # 5 refused
            "",                                             # 6 empty
            post("ld-2"),                                   # 7 good
        ]
        path = self.write("bad.jsonl", lines)
        r = self.jm(["load", path], token=h.STAFF)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for n in (2, 4, 5):
            self.assertIn("%s:%d:" % (path, n), r.stderr)
        for n in (1, 3, 6, 7):
            self.assertNotIn("%s:%d:" % (path, n), r.stderr)
        self.assertIn("job.employment_type", r.stderr)
        self.assertIn("4 requests, 3 failed", r.stdout)
        s = self.staff()
        for id in ("ld-1", "ld-2"):
            self.assertEqual(s.result("job.get", {
                "id": id, "employer_id": "emp-load"})["status"], "open")
        s.error("job.get", {"id": "ld-bad", "employer_id": "emp-load"},
                h.NOT_FOUND)

    def test_load_many_pipelined(self):
        lines = [json.dumps({"method": "employer.put", "params": {
            "employer": {"id": "emp-many", "name": "多岗位单位",
                         "type": "community", "town": GUIXI}}})]
        for i in range(300):
            lines.append(json.dumps({"method": "job.post", "params": {
                "job": {"id": "m-%03d" % i, "employer_id": "emp-many",
                        "title": "批量岗位 %d" % i,
                        "accessible_for": ["physical"],
                        "employment_type": "flexible", "town": GUIXI}}},
                ensure_ascii=False))
        path = self.write("many.jsonl", lines)
        r = self.jm(["load", path], token=h.STAFF)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("301 requests, 0 failed", r.stdout)
        self.assertEqual(self.env.redis.cmd("ZCARD", "jm:jobs:emp:emp-many"),
                         300)
        # from standard input, as a kiosk: every write refused
        r = self.jm(["load", "-"], token=h.KIOSK,
                    input="\n".join(lines[:5]) + "\n")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.count("-32001"), 5, r.stderr)
        self.assertIn("5 requests, 5 failed", r.stdout)

    def test_match_command(self):
        s = self.staff()
        s.result("employer.put", {"employer": {
            "id": "emp-m", "name": "按摩店", "type": "private",
            "town": GUIXI}})
        s.result("job.post", {"job": {
            "id": "cli-1", "employer_id": "emp-m", "title": "盲人保健按摩师",
            "skills": ["按摩"], "accessible_for": ["visual"],
            "employment_type": "full_time", "town": GUIXI,
            "salary": {"min": 3000, "max": 5000}}})
        r = self.jm(["match", "--type", "visual", "--grade", "1", "--town",
                     GUIXI, "--skills", "推拿", "--explain", "--limit", "3"],
                    token=h.KIOSK)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("盲人保健按摩师", r.stdout)
        self.assertIn("按摩店", r.stdout)
        self.assertIn("3000-5000", r.stdout)
        self.assertIn("massage_for_visual", r.stdout)
        r = self.jm(["match", "--type", "visual", "--grade", "1", "--town",
                     GUIXI, "--json", "--limit", "100"], token=h.KIOSK)
        self.assertEqual(r.returncode, 0, r.stderr)
        ids = [x["job"]["id"] for x in json.loads(r.stdout)["results"]]
        self.assertIn("cli-1", ids)
        r = self.jm(["match", "--type", "visual"], token=h.KIOSK)
        self.assertEqual(r.returncode, 1)
        self.assertIn("-32602", r.stderr)


if __name__ == "__main__":
    h.main()

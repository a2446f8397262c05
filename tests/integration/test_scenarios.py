# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_scenarios.py - runs every tests/scenarios/*.json (the format is in
tests/scenarios/README.md) against a real jobmatchd and checks the match
it answers: the top of the results in the expected order, the postings that
must be absent, the rules that fired, the number of candidates.

Isolation: one redis-server for the whole file; each scenario gets a fresh
jobmatchd of its own with a key prefix of its own ("jmsc<NN>:"), so it
starts from an empty mirror and an empty store (its own rule set too), and
nothing one scenario posts can reach another. A scenario without
extra_rules runs on the rules compiled into the daemon (no rules_file),
which are the shipped data/rules.default.json that the model reads: the
plan's priorities and protections hold out of the box. Before matching, job.list
must show exactly the scenario's open postings.

A failure names the scenario and its file, and shows the expected and the
actual order, every result with its score, distance and fired rules, and how
the Python model of the rules (rules_model.py) ranks the same postings, to
tell a wrong expectation from a wrong daemon. test_expectations_agree_with
_model checks every scenario against that model without a daemon.
"""
import copy
import glob
import json
import os
import shutil
import tempfile
import time
import unittest

import harness as h
import rules_model as rm

SCENARIO_DIR = os.path.join(h.SOURCE_DIR, "tests", "scenarios")
MIN_SCENARIOS = 12

TOP_KEYS = {"name", "description", "extra_rules", "employers", "jobs",
            "close", "profile", "filters", "limit", "expect"}
REQUIRED = {"name", "description", "employers", "jobs", "profile", "expect"}
EXPECT_KEYS = {"order", "absent", "fired", "candidates"}
JOB_EXTRA_KEYS = {"expires_in"}       # the runner's, turned into expires_at


class Scenario:
    """One scenario file, checked for the format's rules on load."""

    def __init__(self, path):
        self.path = path
        self.file = os.path.relpath(path, h.SOURCE_DIR)
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            raise AssertionError("%s: not a JSON file: %s" % (self.file, e))
        self.doc = doc
        self.check(isinstance(doc, dict), "must be a JSON object")
        self.check(not set(doc) - TOP_KEYS, "unknown keys %s" %
                   sorted(set(doc) - TOP_KEYS))
        self.check(not REQUIRED - set(doc), "missing keys %s" %
                   sorted(REQUIRED - set(doc)))
        self.name = doc["name"]
        self.description = doc["description"]
        self.check(isinstance(self.description, str) and
                   self.description.strip(), "description must say why")
        self.employers = doc["employers"]
        self.check(self.employers and all("id" in e for e in self.employers),
                   "employers: at least one, each with an id")
        emp_ids = [e["id"] for e in self.employers]
        self.check(len(set(emp_ids)) == len(emp_ids),
                   "employers: duplicate ids")
        self.jobs = []
        for j in doc["jobs"]:
            j = dict(j)
            if "employer_id" not in j:
                self.check(len(self.employers) == 1, "job %s: employer_id "
                           "is required with several employers" % j.get("id"))
                j["employer_id"] = emp_ids[0]
            self.check(j["employer_id"] in emp_ids, "job %s: employer %s is "
                       "not among the scenario's employers"
                       % (j.get("id"), j["employer_id"]))
            self.check("expires_in" not in j or "expires_at" not in j,
                       "job %s: expires_in or expires_at, not both"
                       % j.get("id"))
            self.jobs.append(j)
        ids = [j["id"] for j in self.jobs]
        self.check(ids and len(set(ids)) == len(ids),
                   "jobs: at least one, and job ids unique in the scenario "
                   "(results are compared by job id)")
        self.close = doc.get("close", [])
        self.check(set(self.close) <= set(ids), "close: unknown job ids %s"
                   % sorted(set(self.close) - set(ids)))
        self.profile = doc["profile"]
        self.filters = doc.get("filters")
        self.limit = doc.get("limit")
        self.extra_rules = doc.get("extra_rules")
        e = doc["expect"]
        self.check(isinstance(e, dict) and not set(e) - EXPECT_KEYS,
                   "expect: unknown keys %s" % sorted(set(e) - EXPECT_KEYS))
        self.order = e.get("order")
        self.check(isinstance(self.order, list) and self.order,
                   "expect.order: the job ids the results start with")
        self.absent = e.get("absent", [])
        self.fired = e.get("fired", {})
        self.candidates = e.get("candidates")
        named = set(self.order) | set(self.absent) | set(self.fired)
        self.check(named <= set(ids), "expect: unknown job ids %s"
                   % sorted(named - set(ids)))
        self.check(len(set(self.order)) == len(self.order),
                   "expect.order: a job id twice")
        self.check(not set(self.order) & set(self.absent),
                   "expect: %s both in order and absent"
                   % sorted(set(self.order) & set(self.absent)))
        self.check(not set(self.fired) & set(self.absent),
                   "expect.fired names absent jobs")
        self.check(self.limit is None or len(self.order) <= self.limit,
                   "expect.order is longer than limit")
        self.rules_doc = copy.deepcopy(rm.Rules().doc)
        if self.extra_rules:
            self.rules_doc["rules"] = self.rules_doc.get("rules", []) + \
                self.extra_rules

    def check(self, cond, msg):
        if not cond:
            raise AssertionError("%s: %s" % (self.file, msg))

    def job_params(self, now):
        """The jobs as job.post takes them."""
        out = []
        for j in self.jobs:
            j = dict(j)
            if "expires_in" in j:
                j["expires_at"] = int(now) + int(j.pop("expires_in"))
            out.append(j)
        return out

    def model(self, now):
        open_jobs = [j for j in self.job_params(now)
                     if j["id"] not in self.close]
        return rm.Model(open_jobs, self.employers,
                        rules=rm.Rules(doc=self.rules_doc))

    def model_ranking(self, now):
        """[(job id, score, fired)] as the model of the rules ranks them,
        and the model's verdict per job id."""
        m = self.model(now)
        keys, ev = m.ranking(self.profile, self.filters, now)
        by_id = {k[1]: v for k, v in ev.items()}
        return [(k[1], ev[k]["score"], ev[k]["fired"]) for k in keys], by_id


def scenario_paths():
    return sorted(glob.glob(os.path.join(SCENARIO_DIR, "*.json")))


def format_results(results):
    if not results:
        return "    (no results)"
    return "\n".join(
        "    %2d. %-20s score %.6f  %7.3f km  rules %s" % (
            i + 1, x["job"]["id"], x["score"], x["distance_km"],
            x.get("explain", {}).get("rules"))
        for i, x in enumerate(results))


class BuiltinRulesDaemon(h.Daemon):
    """A daemon whose configuration names no rules_file."""
    rules_file = None


class ScenarioTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.tmp = tempfile.mkdtemp(prefix="jm-scenarios-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)

    def test_scenario_files(self):
        """The directory holds enough well-formed scenarios, with distinct
        names."""
        paths = scenario_paths()
        self.assertGreaterEqual(len(paths), MIN_SCENARIOS,
                                "fewer than %d scenarios in %s"
                                % (MIN_SCENARIOS, SCENARIO_DIR))
        names = [Scenario(p).name for p in paths]
        self.assertEqual(len(names), len(set(names)),
                         "two scenarios share a name: %r" % names)

    def test_expectations_agree_with_model(self):
        """Each scenario's expectations hold in the Python model of the
        rules too (no daemon): a hand-worked order that the model disputes
        is a wrong scenario or a wrong model."""
        now = time.time()
        for path in scenario_paths():
            sc = Scenario(path)
            with self.subTest(scenario=sc.name):
                ranking, by_id = sc.model_ranking(now)
                ids = [r[0] for r in ranking]
                self.assertEqual(
                    ids[:len(sc.order)], sc.order,
                    "%s: the model ranks %s" % (sc.file, ranking))
                # exact ties (ordered by distance, then job id) are fine;
                # near ties would make the order hang on rounding
                for a, b in zip(ranking, ranking[1:len(sc.order) + 1]):
                    if a[1] != b[1]:
                        self.assertGreater(
                            a[1] - b[1], 1e-3, "%s: %s and %s are too close "
                            "to call (%.6f, %.6f)" % (sc.file, a[0], b[0],
                                                      a[1], b[1]))
                for id in sc.absent:
                    self.assertNotIn(id, ids, sc.file)
                if sc.candidates is not None:
                    self.assertEqual(len(ids), sc.candidates, sc.file)
                for id, names in sc.fired.items():
                    self.assertEqual(sorted(by_id[id].get("fired", [])),
                                     sorted(names), "%s: %s" % (sc.file, id))

    def run_scenario(self, index, path):
        sc = Scenario(path)
        extra = ["key_prefix jmsc%02d:" % index]
        if sc.extra_rules:
            rules_path = os.path.join(self.tmp, "rules-%02d.json" % index)
            with open(rules_path, "w", encoding="utf-8") as f:
                json.dump(sc.rules_doc, f, ensure_ascii=False)
            extra.append("rules_file " + rules_path)
        d = BuiltinRulesDaemon(self.redis.port, extra=extra)
        try:
            d.start()
            with d.client(h.STAFF) as staff, d.client(h.KIOSK) as kiosk:
                self.check(sc, d, staff, kiosk)
            d.stop()
        finally:
            d.cleanup()
        h._daemons.remove(d)        # passed: keep its log out of a report

    def check(self, sc, d, staff, kiosk):
        now = time.time()
        for e in sc.employers:
            staff.result("employer.put", {"employer": e})
        for j in sc.job_params(now):
            staff.result("job.post", {"job": j})
        for id in sc.close:
            emp = [j["employer_id"] for j in sc.jobs if j["id"] == id][0]
            staff.result("job.close", {"id": id, "employer_id": emp})
        # isolation: the store holds this scenario's open postings only
        listed = staff.result("job.list", {"status": "open", "limit": 100})
        self.assertEqual(
            sorted(j["id"] for j in listed["jobs"]),
            sorted(j["id"] for j in sc.jobs if j["id"] not in sc.close),
            "%s: the store holds other open postings than the scenario's"
            % sc.file)
        self.assertIsNone(listed["next_cursor"])

        params = {"profile": sc.profile, "explain": True,
                  "limit": sc.limit if sc.limit is not None else 100}
        if sc.filters is not None:
            params["filters"] = sc.filters
        r = kiosk.result("match", params)
        results = r["results"]
        if sc.limit is not None and sc.absent:
            full = kiosk.result("match", dict(params, limit=100))["results"]
        else:
            full = results
        got = [x["job"]["id"] for x in results]
        got_all = [x["job"]["id"] for x in full]
        by_id = {x["job"]["id"]: x for x in full}

        problems = []
        if not isinstance(r.get("rules_version"), int):
            problems.append("rules_version missing from the result: %r"
                            % sorted(r))
        if got[:len(sc.order)] != sc.order:
            problems.append("order differs")
        for id in sc.absent:
            if id in got_all:
                problems.append("%s must be absent, is at position %d" % (
                    id, got_all.index(id) + 1))
        if sc.candidates is not None and r["candidates"] != sc.candidates:
            problems.append("candidates: expected %d, got %d" % (
                sc.candidates, r["candidates"]))
        for id, names in sc.fired.items():
            if id not in by_id:
                problems.append("%s: expected rules %s, but it is not among "
                                "the results" % (id, names))
                continue
            fired = by_id[id]["explain"]["rules"]
            if sorted(fired) != sorted(names):
                problems.append("%s: expected rules %s to fire, got %s" % (
                    id, sorted(names), sorted(fired)))
        if problems:
            ranking, _ = sc.model_ranking(now)
            self.fail(
                "scenario %r (%s)\n  %s\n  problems:\n    %s\n"
                "  expected order: %s\n  actual order:   %s\n"
                "  candidates: %d\n  results (limit %s):\n%s\n"
                "  the Python model of the rules ranks:\n    %s" % (
                    sc.name, sc.file, sc.description,
                    "\n    ".join(problems), sc.order, got,
                    r["candidates"], params["limit"],
                    format_results(full),
                    "\n    ".join("%-20s %.6f %s" % x for x in ranking)
                    or "(nothing)"))


def _add_tests():
    for i, path in enumerate(scenario_paths()):
        stem = os.path.splitext(os.path.basename(path))[0]
        name = "test_scenario_" + "".join(
            c if c.isalnum() else "_" for c in stem)

        def t(self, i=i, path=path):
            self.run_scenario(i, path)
        t.__doc__ = "tests/scenarios/%s" % os.path.basename(path)
        setattr(ScenarioTest, name, t)


_add_tests()

if __name__ == "__main__":
    h.main()

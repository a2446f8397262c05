# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_skills.py - what the kiosk page asks for besides a match:
skills.suggest (the skills open postings list, with how many list each,
most listed first, following closes), the explain additions of a match
(matched_skills, wanted_skills, needs_met, and the labels of the boost
rules that fired) and the optional label of a rule in a rule set.
"""
import json
import os
import unittest

import harness as h

GUIXI = h.GUIXI


class SkillsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.cleanup)
        cls.d = cls.env.daemon
        cls.staff = cls.d.client(h.STAFF)
        cls.addClassCleanup(cls.staff.close)
        cls.staff.result("employer.put", {"employer": dict(h.EMPLOYER_A)})
        posts = [
            ("s1", ["推拿", "客服"]), ("s2", ["按摩"]), ("s3", ["Massage"]),
            ("s4", ["客服"]), ("s5", ["Excel", "客户服务"]),
            ("s6", ["木雕"]),
        ]
        for pid, skills in posts:
            cls.staff.result("job.post", {"job": h.job(
                pid, skills=skills, accessible_for=["visual"],
                accommodations=["step_free_access", "screen_reader"])})

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def suggest(self, token=h.KIOSK, **params):
        with self.d.client(token) as c:
            return c.result("skills.suggest", params)["skills"]

    def test_most_listed_first(self):
        got = self.suggest(text="")
        # each with the words postings list it in: the most listed form
        # (客服 twice, 客户服务 once), ties by bytes
        self.assertEqual(got[:2], [
            {"skill": "customer_service", "text": "客服", "postings": 3},
            {"skill": "massage", "text": "Massage", "postings": 3}])
        self.assertEqual({s["skill"]: s["postings"] for s in got}, {
            "customer_service": 3, "massage": 3, "office": 1, "木雕": 1})
        self.assertEqual(len(self.suggest(text="", limit=1)), 1)

    def test_substring(self):
        # of the canonical term, ASCII letters in either case, and of the
        # skill as a posting lists it
        # skill as a posting lists it does; the words shown are a form
        # holding the text typed
        for text, words in (("mass", "Massage"), ("MASS", "Massage"),
                            ("sag", "Massage"), ("按摩", "按摩"),
                            ("推拿", "推拿"), ("推", "推拿"),
                            ("Massage", "Massage")):
            with self.subTest(text=text):
                self.assertEqual(self.suggest(text=text), [{
                    "skill": "massage", "text": words, "postings": 3}])
        self.assertEqual(self.suggest(text="木"), [
            {"skill": "木雕", "text": "木雕", "postings": 1}])
        self.assertEqual(self.suggest(text="nothing-like-it"), [])

    def test_follows_closes(self):
        self.staff.result("job.post", {"job": h.job("t1", skills=["手语"])})
        # the canonical term holds the text, the words are as posted
        self.assertEqual(self.suggest(text="sign"), [{
            "skill": "sign_language", "text": "手语", "postings": 1}])
        self.staff.result("job.close", {"employer_id": "emp-a", "id": "t1"})
        h.wait_until(lambda: self.suggest(text="sign") == [],
                     what="the closed posting's skill gone")

    def test_roles_and_params(self):
        self.assertTrue(self.suggest(token=h.STAFF, text="mass"))
        with self.d.client() as c:
            c.error("skills.suggest", {"text": "x"}, h.UNAUTHORIZED)
        with self.d.client(h.EMP_A) as c:
            c.error("skills.suggest", {"text": "x"}, h.UNAUTHORIZED)
        with self.d.client(h.KIOSK) as c:
            for bad in ({}, {"text": 5}, {"text": "x" * 65},
                        {"text": "x", "limit": 0},
                        {"text": "x", "limit": 51}, {"text": "x", "y": 1}):
                with self.subTest(params=bad):
                    c.error("skills.suggest", bad, h.INVALID_PARAMS)
            self.assertIn("skills.suggest", c.result("hello", {
                "token": h.KIOSK})["methods"])

    def test_explain_additions(self):
        profile = {"disability": {"type": "visual", "grade": 2},
                   "town": GUIXI, "skills": ["按摩", "客服", "推拿", "木工活"],
                   "needs": ["step_free_access"]}
        with self.d.client(h.KIOSK) as c:
            r = c.result("match", {"profile": profile, "explain": True,
                                   "limit": 10})
        by_id = {x["job"]["id"]: x["explain"] for x in r["results"]}
        s1 = by_id["s1"]
        # 按摩 and 推拿 are one skill: three the seeker gave
        self.assertEqual(s1["wanted_skills"], 3)
        self.assertEqual(s1["matched_skills"],
                         ["massage", "customer_service"])
        self.assertEqual(s1["needs_met"], ["step_free_access"])
        self.assertEqual(by_id["s6"]["matched_skills"], [])
        self.assertEqual(by_id["s4"]["matched_skills"], ["customer_service"])
        # massage_for_visual fired for the massage posts: its label
        self.assertEqual(s1["labels"], [{
            "rule": "massage_for_visual", "zh": "视力残疾人优先盲人按摩岗位",
            "en": "Massage posts first for blind and low-vision seekers",
            "boost": 0.2}])
        self.assertEqual(by_id["s4"]["labels"], [])


class LabelTest(unittest.TestCase):
    """A rule's label: both languages, plain text, or none."""

    @classmethod
    def setUpClass(cls):
        cls.env = h.Env()
        cls.addClassCleanup(cls.env.cleanup)
        with open(os.path.join(h.DATA_DIR, "rules.default.json"),
                  encoding="utf-8") as f:
            cls.rules = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def with_label(self, label):
        doc = json.loads(json.dumps(self.rules))
        if label is None:
            del doc["rules"][0]["label"]
        else:
            doc["rules"][0]["label"] = label
        return doc

    def test_labels(self):
        with self.env.daemon.client(h.STAFF) as c:
            for label in (None, {"zh": "公益", "en": "Public welfare"}):
                with self.subTest(label=label):
                    self.assertIs(c.result("rules.validate", {
                        "rules": self.with_label(label)})["ok"], True)
            for bad in ({"zh": "公益"}, {"en": "x"}, {"zh": "", "en": "x"},
                        {"zh": "x", "en": ""}, {"zh": 1, "en": "x"},
                        {"zh": "x", "en": "x", "fr": "x"}, "公益",
                        {"zh": "x" * 201, "en": "x"}):
                with self.subTest(label=bad):
                    r = c.result("rules.validate",
                                 {"rules": self.with_label(bad)})
                    self.assertIs(r["ok"], False)
                    self.assertTrue(r["errors"][0]["field"].startswith(
                        "rules[0].label"), r)


if __name__ == "__main__":
    h.main()

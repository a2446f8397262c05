# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
rules_model.py - an independent model, in Python, of how jobmatchd matches
and scores (docs/protocol.md, "Scoring"), written from the data files alone:
the towns (data/towns.tsv) and a rule set (data/rules.default.json unless
told otherwise). It evaluates the rule set's own synonyms and rules, so a
change of the default rules changes what the model expects; a rule on a
field the model does not know is an error (ModelError), never ignored.

Semantics modelled:
  score = w_skills * coverage + w_distance * decay + sum(boosts of the boost
  rules that fire), each part rounded to 6 decimals.
  A rule fires when every condition of its "when" holds:
    text fields    a pattern searched (unanchored) in the text, or in any
                   item of a list; patterns of rules are case-sensitive,
                   synonym patterns caseless (on lower-cased text);
                   job.skills is every skill as posted plus the canonical
                   terms; seeker.skills the same for the profile
    enumerations   the value, or any item of a list, is an allowed value
    numbers        {min, max}, inclusive, either optional
  "exclude" leaves the posting out when its conditions hold; "require"
  leaves it out when the seeker's conditions hold and the others do not.
  Rules apply after the hard filters.

Patterns are run with Python's `re`, which agrees with PCRE2 on what the
shipped patterns use (alternation, ^ $ . ? [] and groups). The daemon's
per-request budget of seeker-side pattern matches is not modelled: no
shipped rule has a text condition on the seeker.
"""
import json
import math
import os
import re
import time

import harness as h

RULES_PATH = os.path.join(h.DATA_DIR, "rules.default.json")
MAX_SUBJECT_BYTES = 512        # regex_max_subject's default in the daemon

# What the daemon assumes when a rule set leaves a part out
# (rules_spec_defaults in matcher/rules.c).
DEFAULTS = {"weights": {"skills": 0.5, "distance": 0.3},
            "distance": {"shape": "exp", "scale_km": 10, "max_km": 30}}


class ModelError(Exception):
    """The rule set uses something this model does not know."""


def load_towns():
    """code -> (lat, lon, kind), without the county itself (the daemon
    skips it too: a posting or seeker is never "in" the county row)."""
    towns = {}
    with open(os.path.join(h.DATA_DIR, "towns.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for ln in f:
            if not ln.strip():
                continue
            row = dict(zip(header, ln.rstrip("\n").split("\t")))
            if row["kind"] == "county":
                continue
            towns[row["code"]] = (float(row["lat"]), float(row["lon"]),
                                  row["kind"])
    return towns


TOWNS = load_towns()


def haversine(lat1, lon1, lat2, lon2):
    r, rad = 6371.0088, math.pi / 180
    dlat, dlon = (lat2 - lat1) * rad, (lon2 - lon1) * rad
    a = (math.sin(dlat / 2) ** 2 + math.cos(lat1 * rad) *
         math.cos(lat2 * rad) * math.sin(dlon / 2) ** 2)
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def position(o):
    """lat, lon of a job or profile: its location, else its town centre."""
    if o.get("location"):
        return o["location"]["lat"], o["location"]["lon"]
    t = TOWNS[o["town"]]
    return t[0], t[1]


def nearest_town(lat, lon):
    k = math.cos(lat * math.pi / 180)
    return min(TOWNS, key=lambda c: (TOWNS[c][0] - lat) ** 2 +
               ((TOWNS[c][1] - lon) * k) ** 2)


def town_of(o):
    """The town a job or profile is in: the one it names, else the nearest
    to its location."""
    return o.get("town") or nearest_town(*position(o))


def normalise(s):
    """As the daemon does: trim, fold inner white space, ASCII lower case."""
    ws = " \t\n\v\f\r"
    out, space = [], False
    for ch in s.lstrip(ws):
        if ch in ws:
            space = True
            continue
        if space:
            out.append(" ")
        space = False
        out.append(ch.lower() if "A" <= ch <= "Z" else ch)
    return "".join(out)


def subject(text):
    """The part of text a pattern sees: at most MAX_SUBJECT_BYTES bytes of
    UTF-8, cut at a character boundary."""
    b = text.encode("utf-8")
    if len(b) <= MAX_SUBJECT_BYTES:
        return text
    n = MAX_SUBJECT_BYTES
    while n > 0 and (b[n] & 0xC0) == 0x80:
        n -= 1
    return b[:n].decode("utf-8")


def round6(v):
    return round(v * 1e6) / 1e6


DISABILITY_TYPES = ("visual", "hearing", "speech", "physical",
                    "intellectual", "mental", "multiple")

# Every field a condition may name: (side, kind).
FIELDS = {
    "seeker.disability.type": ("seeker", "enum"),
    "seeker.disability.grade": ("seeker", "number"),
    "seeker.skills": ("seeker", "text"),
    "seeker.flags": ("seeker", "enum"),
    "seeker.needs": ("seeker", "enum"),
    "seeker.avoid": ("seeker", "enum"),
    "seeker.town": ("seeker", "text"),
    "seeker.town_kind": ("seeker", "enum"),
    "job.title": ("job", "text"),
    "job.description": ("job", "text"),
    "job.skills": ("job", "text"),
    "job.employment_type": ("job", "enum"),
    "job.employer_type": ("job", "enum"),
    "job.employer_id": ("job", "text"),
    "job.employer_name": ("job", "text"),
    "job.accessible_for": ("job", "enum"),
    "job.accommodations": ("job", "enum"),
    "job.town": ("job", "text"),
    "job.town_kind": ("job", "enum"),
    "job.remote": ("job", "enum"),
    "job.salary.min": ("job", "number"),
    "job.salary.max": ("job", "number"),
    "job.openings": ("job", "number"),
    "distance_km": ("pair", "number"),
}


class Rules:
    """A rule set, compiled for Python."""

    def __init__(self, doc=None, path=RULES_PATH):
        if doc is None:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        self.doc = doc
        w = dict(DEFAULTS["weights"], **doc.get("weights", {}))
        dist = dict(DEFAULTS["distance"], **doc.get("distance", {}))
        unknown = set(w) - {"skills", "distance"}
        if unknown:
            raise ModelError("unknown weights %s" % sorted(unknown))
        self.w_skills, self.w_distance = w["skills"], w["distance"]
        self.shape = dist["shape"]
        self.scale_km = dist["scale_km"]
        self.max_km = dist["max_km"]
        if self.shape not in ("exp", "linear", "gauss"):
            raise ModelError("unknown decay shape %r" % self.shape)
        self.synonyms = [(s["term"], re.compile(s["pattern"], re.IGNORECASE))
                         for s in doc.get("synonyms", [])]
        self.rules = []
        for r in doc.get("rules", []):
            then = r["then"]
            if then in ("exclude", "require"):
                action, boost = then, 0.0
            elif isinstance(then, dict) and set(then) == {"boost"}:
                action, boost = "boost", float(then["boost"])
            else:
                raise ModelError("rule %s: unknown action %r"
                                 % (r["name"], then))
            conds = []
            for field, v in (r.get("when") or {}).items():
                if field not in FIELDS:
                    raise ModelError("rule %s: the model does not know the "
                                     "field %r" % (r["name"], field))
                side, kind = FIELDS[field]
                if kind == "text":
                    v = re.compile(v)
                elif kind == "enum":
                    v = set(v)
                conds.append((field, side, kind, v))
            self.rules.append({"name": r["name"], "action": action,
                               "boost": boost, "conds": conds})
        self.by_name = {r["name"]: r for r in self.rules}

    # ---- skills ---------------------------------------------------------

    def canon(self, skill):
        s = normalise(skill)
        for term, pat in self.synonyms:
            if pat.search(subject(s)):
                return normalise(term)
        return s

    def coverage(self, job_skills, seeker_skills):
        want = {self.canon(s) for s in seeker_skills}
        have = [c for c in dict.fromkeys(self.canon(s) for s in job_skills)
                if c]
        if not have:
            return 1.0
        return sum(1 for c in have if c in want) / len(have)

    def decay(self, km):
        s = self.scale_km
        if self.shape == "linear":
            v = 1.0 - km / s
        elif self.shape == "gauss":
            v = math.exp(-(km * km) / (2 * s * s))
        else:
            v = math.exp(-km / s)
        return min(1.0, max(0.0, v))

    # ---- the values conditions test -------------------------------------

    def seeker_value(self, field, p):
        """A condition's subject on the seeker side: a list of texts, a set
        of enumeration values, or a number (None: absent)."""
        if field == "seeker.disability.type":
            return {p["disability"]["type"]}
        if field == "seeker.disability.grade":
            return p["disability"]["grade"]
        if field == "seeker.skills":
            out = []
            for s in p.get("skills", []):
                out += [s, self.canon(s)]
            return out
        if field == "seeker.flags":
            return set(p.get("flags", []))
        if field == "seeker.needs":
            return set(p.get("needs", []))
        if field == "seeker.avoid":
            return set(p.get("avoid", []))
        if field == "seeker.town":
            return [town_of(p)]
        if field == "seeker.town_kind":
            return {TOWNS[town_of(p)][2]}
        raise ModelError("no seeker field %r" % field)

    def job_value(self, field, j, emp):
        if field == "job.title":
            return [j["title"]]
        if field == "job.description":
            return [j["description"]] if j.get("description") is not None \
                else []
        if field == "job.skills":
            raw = list(j.get("skills", []))
            terms = [c for c in dict.fromkeys(self.canon(s) for s in raw)
                     if c]
            return raw + terms
        if field == "job.employment_type":
            return {j["employment_type"]}
        if field == "job.employer_type":
            return {emp["type"]} if emp and emp.get("type") else set()
        if field == "job.employer_id":
            return [j["employer_id"]]
        if field == "job.employer_name":
            return [emp["name"]] if emp and emp.get("name") else []
        if field == "job.accessible_for":
            acc = set(j["accessible_for"])
            return set(DISABILITY_TYPES) if "any" in acc else acc
        if field == "job.accommodations":
            return set(j.get("accommodations", []))
        if field == "job.town":
            return [town_of(j)]
        if field == "job.town_kind":
            return {TOWNS[town_of(j)][2]}
        if field == "job.remote":
            return {bool(j.get("remote", False))}
        if field in ("job.salary.min", "job.salary.max"):
            sal = j.get("salary")
            return None if not sal else sal[field.rsplit(".", 1)[1]]
        if field == "job.openings":
            return j.get("openings", 1)
        raise ModelError("no job field %r" % field)

    @staticmethod
    def holds(kind, cond, value):
        if kind == "text":
            return any(cond.search(subject(t)) for t in value)
        if kind == "enum":
            return bool(value & cond)
        if value is None:
            return False
        return (cond.get("min") is None or value >= cond["min"]) and \
            (cond.get("max") is None or value <= cond["max"])

    def side_holds(self, rule, side, p, j, emp, d):
        for field, s, kind, cond in rule["conds"]:
            if s != side:
                continue
            if s == "seeker":
                v = self.seeker_value(field, p)
            elif s == "job":
                v = self.job_value(field, j, emp)
            else:
                v = d
            if not self.holds(kind, cond, v):
                return False
        return True

    def near_boundary(self, d, eps=1e-6):
        """Whether d is too close to a distance_km bound of a rule for
        floating point to decide."""
        for r in self.rules:
            for field, s, kind, cond in r["conds"]:
                if s == "pair":
                    for b in (cond.get("min"), cond.get("max")):
                        if b is not None and abs(d - b) < eps:
                            return True
        return False

    def apply(self, p, j, emp, d):
        """(left_out_by, fired, boost): the name of the exclude or require
        rule that leaves the posting out (None if none), else the names of
        the boost rules that fire, in rule order, and their sum."""
        fired, boost = [], 0.0
        for r in self.rules:
            seeker = self.side_holds(r, "seeker", p, j, emp, d)
            job = self.side_holds(r, "job", p, j, emp, d) and \
                self.side_holds(r, "pair", p, j, emp, d)
            if r["action"] == "exclude":
                if seeker and job:
                    return r["name"], [], 0.0
            elif r["action"] == "require":
                if seeker and not job:
                    return r["name"], [], 0.0
            elif seeker and job:
                fired.append(r["name"])
                boost += r["boost"]
        return None, fired, boost


class Model:
    """What a match must return, from the postings and employers."""

    def __init__(self, jobs, employers, rules=None):
        self.rules = rules or Rules()
        self.jobs = {(j["employer_id"], j["id"]): j for j in jobs}
        self.employers = {e["id"]: e for e in employers}

    def put(self, j):
        self.jobs[(j["employer_id"], j["id"])] = j

    def remove(self, emp, id):
        self.jobs.pop((emp, id), None)

    def employer(self, j):
        return self.employers.get(j["employer_id"])

    def hard_filters(self, profile, j, filters, now, d):
        """'pass', 'fail' or 'border' (too close to a limit to decide)."""
        dtype = profile["disability"]["type"]
        grade = profile["disability"]["grade"]
        acc = j["accessible_for"]
        if "any" not in acc and dtype not in acc:
            return "fail"
        if j.get("grades") and grade not in j["grades"]:
            return "fail"
        if not set(profile.get("needs", [])) <= \
                set(j.get("accommodations", [])):
            return "fail"
        if j.get("openings", 1) < 1:
            return "fail"
        if j.get("expires_at") and j["expires_at"] <= now + 5:
            return "border" if j["expires_at"] > now - 5 else "fail"
        if j.get("apply_by"):
            # matched to the end of its day (local time)
            end = time.mktime(time.strptime(j["apply_by"], "%Y-%m-%d")) \
                + 86400
            if end <= now + 5:
                return "border" if end > now - 5 else "fail"
        et = filters.get("employment_types")
        if et and j["employment_type"] not in et:
            return "fail"
        emt = filters.get("employer_types")
        if emt and (self.employer(j) or {}).get("type") not in emt:
            return "fail"
        ms = filters.get("min_salary")
        if ms is not None and (not j.get("salary") or
                               j["salary"]["max"] < ms):
            return "fail"
        maxkm = profile.get("max_distance_km") or self.rules.max_km
        if not j.get("remote"):
            if abs(d - maxkm) < 1e-6:
                return "border"
            if d > maxkm:
                return "fail"
        return "pass"

    def evaluate(self, profile, filters=None, now=None):
        """key -> verdict for every posting: a dict with "status" ("match",
        "filtered", "excluded" or "border"), and for matches "fired",
        "boost", "coverage", "decay", "parts", "score" and "distance_km";
        for exclusions "rule"."""
        filters = filters or {}
        now = time.time() if now is None else now
        plat, plon = position(profile)
        out = {}
        for key, j in self.jobs.items():
            d = haversine(plat, plon, *position(j))
            v = {"distance_km": d}
            out[key] = v
            hf = self.hard_filters(profile, j, filters, now, d)
            if hf != "pass":
                v["status"] = "border" if hf == "border" else "filtered"
                continue
            if self.rules.near_boundary(d):
                v["status"] = "border"
                continue
            rule, fired, boost = self.rules.apply(profile, j,
                                                  self.employer(j), d)
            if rule is not None:
                v["status"] = "excluded"
                v["rule"] = rule
                continue
            cov = self.rules.coverage(j.get("skills", []),
                                      profile.get("skills", []))
            dec = 1.0 if j.get("remote") else self.rules.decay(d)
            parts = {"skills": round6(self.rules.w_skills * cov),
                     "distance": round6(self.rules.w_distance * dec),
                     "policy": round6(boost)}
            v.update(status="match", fired=fired, boost=boost, coverage=cov,
                     decay=dec, parts=parts, score=sum(parts.values()))
        return out

    def candidates(self, profile, filters=None, now=None):
        """(sure, borderline): the keys that must match, and those too near
        a limit for floating point to decide."""
        ev = self.evaluate(profile, filters, now)
        return ({k for k, v in ev.items() if v["status"] == "match"},
                {k for k, v in ev.items() if v["status"] == "border"})

    def ranking(self, profile, filters=None, now=None):
        """The matching keys in the order the daemon must give them (score,
        then distance rounded to metres, then job id, then employer id)."""
        ev = self.evaluate(profile, filters, now)
        keys = [k for k, v in ev.items() if v["status"] == "match"]
        return sorted(keys, key=lambda k: (
            -ev[k]["score"], round(ev[k]["distance_km"] * 1000) / 1000,
            k[1].encode(), k[0].encode())), ev

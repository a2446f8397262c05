#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
bench/hashflood.py - what skills chosen to collide cost the daemon to post.
A benchmark: it prints figures and never fails on them. See bench/README.md.

usage: bench/hashflood.py [BUILD_DIR] [BLOCKS]

Makes 2^BLOCKS (default 16: 65,536) distinct skills of 4 x BLOCKS letters
whose FNV-1a hashes share their low 24 bits (the low bits of FNV-1a's state
depend on its low bits alone, so colliding blocks of 4 letters are found by
a birthday search and chained), and as many random skills of the same
length. For each set, starts a private redis-server and the daemon from
BUILD_DIR (default build/), posts the skills 50 to a posting (32 postings
in flight), and prints the time that took, then the median of 200 single
job.post and of 200 matches of a seeker with 50 of the skills. A table
whose hash is FNV-1a (before SipHash) probes past every colliding key on
each one: the colliding set costs it quadratic time.
"""
import os
import random
import statistics
import sys
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else \
    os.path.join(top, "build")
blocks = int(sys.argv[2]) if len(sys.argv) > 2 else 16
os.environ.setdefault("JOBMATCHD", os.path.join(build, "jobmatchd"))
os.environ.setdefault("JOBMATCH", os.path.join(build, "jobmatch"))
os.environ.setdefault("JM_SOURCE_DIR", top)
sys.path.insert(0, os.path.join(top, "tests", "integration"))
import harness as h  # noqa: E402

GUIXI = "500231001000"
MASK64 = (1 << 64) - 1
LOW24 = (1 << 24) - 1
LETTERS = "abcdefghijklmnopqrstuvwxyz"
PER_POSTING = 50
DEPTH = 32


def fnv1a(h, s):
    for c in s:
        h = ((h ^ c) * 1099511628211) & MASK64
    return h


def block(n):
    return bytes(LETTERS[n // 26 ** k % 26].encode()[0] for k in range(4))


def colliding(nblocks):
    """2^nblocks strings whose FNV-1a hashes share the low 24 bits."""
    h, pairs = 1469598103934665603, []
    for _ in range(nblocks):
        seen = {}
        for n in range(26 ** 4):
            b = block(n)
            low = fnv1a(h & LOW24, b) & LOW24
            if low in seen:
                pairs.append((seen[low], b))
                h = fnv1a(h, seen[low])
                break
            seen[low] = b
    out = []
    for i in range(1 << nblocks):
        out.append(b"".join(pairs[k][i >> k & 1]
                            for k in range(nblocks)).decode())
    lows = {fnv1a(1469598103934665603, s.encode()) & LOW24 for s in out}
    assert len(lows) == 1, "the strings do not collide"
    return out


def posting(id, skills):
    return {"id": id, "employer_id": "emp-a", "title": "岗位",
            "skills": skills, "accessible_for": ["physical"],
            "employment_type": "full_time", "town": GUIXI}


def run(name, skills):
    redis = h.Redis()
    d = None
    try:
        redis.start()
        d = h.Daemon(redis.port, extra=["log_level warn"])
        d.start(wait_loaded=False)
        c = d.client(h.STAFF, timeout=600)
        c.result("employer.put", {"employer": h.EMPLOYER_A})
        chunks = [skills[i:i + PER_POSTING]
                  for i in range(0, len(skills), PER_POSTING)]
        t0 = time.perf_counter()
        for base in range(0, len(chunks), DEPTH):
            batch = chunks[base:base + DEPTH]
            c.send_raw(b"".join(h.line(h.request(
                "job.post", {"job": posting("f%d" % (base + i), sk)},
                id=base + i)) for i, sk in enumerate(batch)))
            for _ in batch:
                r = c.read_json(timeout=600)
                if "result" not in r:
                    raise SystemExit("job.post failed: %r" % r)
        took = time.perf_counter() - t0
        post_ms, match_ms = [], []
        for i in range(200):
            t = time.perf_counter()
            c.result("job.post", {"job": posting(
                "one", chunks[i % len(chunks)])})
            post_ms.append((time.perf_counter() - t) * 1000)
        for i in range(200):
            r = c.result("match", {"profile": {
                "disability": {"type": "physical", "grade": 3},
                "town": GUIXI, "skills": chunks[(i * 7) % len(chunks)]},
                "limit": 10})
            match_ms.append(r["took_us"] / 1000)
        c.close()
        d.stop()
        print("%-10s %6d skills in %5d postings: %7.2f s; then job.post "
              "p50 %.2f ms (client), match p50 %.3f ms (took_us)" % (
                  name, len(skills), len(chunks), took,
                  statistics.median(post_ms), statistics.median(match_ms)))
    finally:
        if d is not None:
            d.cleanup()
        redis.cleanup()


def main():
    t0 = time.perf_counter()
    coll = colliding(blocks)
    rng = random.Random(1)
    rand = ["".join(rng.choice(LETTERS) for _ in range(4 * blocks))
            for _ in coll]
    print("%s: %d skills of %d letters sharing the low 24 bits of FNV-1a "
          "(made in %.1f s)" % (os.environ["JOBMATCHD"], len(coll),
                                4 * blocks, time.perf_counter() - t0))
    run("colliding", coll)
    run("random", rand)


if __name__ == "__main__":
    main()

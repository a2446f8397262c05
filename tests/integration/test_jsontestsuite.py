# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_jsontestsuite.py - every file of the JSONTestSuite parsing corpus
(github.com/nst/JSONTestSuite, test_parsing/) sent to the real daemon, file
by file and then all in one pipelined write: each gets the error its class
calls for, and the daemon keeps serving. Real Redis, real daemon.

The corpus is data kept outside the repository, in
../shared/jsontestsuite/test_parsing/ next to the source tree (JM_SOURCE_DIR);
its SOURCE.md says where it comes from. Without it the tests are skipped.

The rules (SOURCE.md, PROTOCOL.md):
- y_ (valid JSON, not a request): -32600 with id null. A y_ file that is an
  array of 1 to max_batch items is a batch: one array of -32600 errors
  (id null), one per item. y_object_long_strings has a top-level "id"
  string, which the daemon echoes (PROTOCOL.md) instead of null. Four y_
  files are parse errors here, see Y_REJECTED.
- n_ (not JSON): -32700 with id null. n_multidigit_number_then_00 is the
  exception (jansson), see N_ACCEPTED.
- i_ (either way): -32700, or what a y_ file gets.
- A file is sent as one line. The 4 y_ files whose LFs are JSON whitespace
  are sent with their LFs made spaces (LF_AS_WHITESPACE); the n_ files with
  LFs split into fragments on the wire, each answered on its own
  (FRAGMENTS). Empty lines are ignored by the protocol, so the empty file
  n_structure_no_data gets no answer at all. NUL bytes are sent as they are.
- A line longer than the connection's limit gets "line too long" (-32600,
  id null) and the connection is closed.
"""
import json
import os
import threading
import unittest

import harness as h

CORPUS = os.path.normpath(os.path.join(h.SOURCE_DIR, os.pardir, "shared",
                                       "jsontestsuite", "test_parsing"))

PARSE = h.PARSE_ERROR
INVALID = h.INVALID_REQUEST

# The daemon of this test: these limits are configured (they are also the
# defaults) and the expectations below are computed from them.
MAX_LINE = 1024 * 1024          # max_line_bytes 1M, after hello
ANON_MAX_LINE = 4096            # anon_max_line_bytes, before hello
MAX_BATCH = 100                 # max_batch
CONFIG = ["max_line_bytes 1M", "anon_max_line_bytes %d" % ANON_MAX_LINE,
          "max_batch %d" % MAX_BATCH]

# The snapshot SOURCE.md describes.
COUNTS = {"y_": 95, "n_": 188, "i_": 35}

# y_ files whose LF bytes are only JSON whitespace: a trailing LF is dropped
# and inner LFs become spaces for the wire.
LF_AS_WHITESPACE = {
    "y_array_with_1_and_newline.json",
    "y_object_with_newlines.json",
    "y_number_double_close_to_zero.json",
    "y_structure_trailing_newline.json",
}

# n_ files that contain LFs: on the wire they are several lines. Each
# non-empty fragment (a trailing LF ends the last one) and its answer.
# A fragment that happens to be a JSON scalar is valid JSON but not a
# request: -32600.
FRAGMENTS = {
    "n_array_newlines_unclosed.json":                   # ["a",\n4\n,1,
        [(b'["a",', PARSE), (b"4", INVALID), (b",1,", PARSE)],
    "n_array_unclosed_with_new_lines.json":             # [1,\n1\n,1
        [(b"[1,", PARSE), (b"1", INVALID), (b",1", PARSE)],
    "n_string_unescaped_newline.json":                  # ["new\nline"]
        [(b'["new', PARSE), (b'line"]', PARSE)],
    "n_number_invalid-utf-8-in-int.json":               # [0\xe5]\n
        [(b"[0\xe5]", PARSE)],
    "n_object_bracket_key.json":                        # {[: "x"}\n
        [(b'{[: "x"}', PARSE)],
    "n_structure_open_array_object.json":               # 250,001 B
        [(b'[{"":' * 50000, PARSE)],
}

# y_ files the daemon refuses as parse errors (-32700, id null):
Y_REJECTED = {
    # jansson rejects a NUL in an object key ("NUL byte in object key not
    # supported"); one of its two deviations listed in SOURCE.md. PROTOCOL.md
    # makes an escaped NUL a parse error anyway.
    "y_object_escaped_null_in_key.json",
    # ["\u0000"]: jansson rejects \u0000 without JSON_ALLOW_NUL, which the
    # daemon does not set (PROTOCOL.md: a NUL byte, escaped or raw, is a
    # parse error). Not among SOURCE.md's deviations, which were measured
    # with other flags.
    "y_string_null_escape.json",
    # The daemon parses with JSON_REJECT_DUPLICATES (PROTOCOL.md: duplicate
    # keys are a parse error, never "last one wins").
    "y_object_duplicated_key.json",
    "y_object_duplicated_key_and_value.json",
}

# n_ files the daemon's parser accepts:
N_ACCEPTED = {
    # jansson's other deviation (SOURCE.md): "123\0" parses as the number
    # 123, a scalar, so not a request: -32600 with id null.
    "n_multidigit_number_then_00.json": INVALID,
}


def wire_lines(name, data):
    """The lines (without LF) a file becomes on the wire. An empty file is
    one empty line."""
    if name in LF_AS_WHITESPACE:
        if data.endswith(b"\n"):
            data = data[:-1]
        data = data.replace(b"\n", b" ")
    elif data.endswith(b"\n"):
        data = data[:-1]            # the file's own line end
    return data.split(b"\n")


def wire_bytes(lines):
    return b"".join(ln + b"\n" for ln in lines)


def _as_valid_json(text):
    """What Python's parser makes of text, or a marker when it refuses."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _REFUSED


_REFUSED = object()


def echoed_id(value):
    """The id an invalid request parsed to value is answered with: its "id"
    when that is a string, a number or null (PROTOCOL.md: the id is echoed
    as parsed), else null."""
    if isinstance(value, dict):
        i = value.get("id")
        if isinstance(i, (str, int, float)) and not isinstance(i, bool):
            return i
    return None


def not_a_request(value):
    """The answer owed to a line that parsed to value: a batch of -32600
    errors for an array of 1 to max_batch items, else one -32600 error."""
    if isinstance(value, list) and 1 <= len(value) <= MAX_BATCH:
        return ("batch", [echoed_id(v) for v in value])
    return ("error", {INVALID}, echoed_id(value))


def expectations(name, lines, limit):
    """[(line, expectation)] for the non-empty lines of a file, cut after
    the first line over limit (the connection closes there).
    An expectation is ("error", codes, id), ("batch", [id of each item]),
    ("either", the expectation if it parses, or None) or ("too_long",).
    Every id is null, except the one file with an "id" member."""
    out = []
    frags = FRAGMENTS.get(name)
    if frags is not None:
        got = [ln for ln in lines if ln]
        if got != [f for f, _ in frags]:
            raise AssertionError("%s: the fragments on the wire are %r, not "
                                 "those of FRAGMENTS" % (
                                     name, [g[:40] for g in got]))
    k = 0
    for ln in lines:
        if not ln:
            continue                # an empty line is ignored, not answered
        if len(ln) > limit:
            out.append((ln, ("too_long",)))
            break
        if frags is not None:
            exp = ("error", {frags[k][1]}, None)
            k += 1
        elif name in Y_REJECTED:
            exp = ("error", {PARSE}, None)
        elif name in N_ACCEPTED:
            exp = ("error", {N_ACCEPTED[name]}, None)
        elif name.startswith("y_"):
            v = _as_valid_json(ln)
            if v is _REFUSED:
                raise AssertionError("%s: Python's json refuses it" % name)
            exp = not_a_request(v)
        elif name.startswith("n_"):
            exp = ("error", {PARSE}, None)
        else:
            v = _as_valid_json(ln)
            exp = ("either", None if v is _REFUSED else not_a_request(v))
        out.append((ln, exp))
    return out


def signature(resp):
    """A short form of a response: ("error", code) or ("batch", n)."""
    if isinstance(resp, list):
        return ("batch", len(resp))
    if isinstance(resp, dict) and isinstance(resp.get("error"), dict):
        return ("error", resp["error"].get("code"))
    return ("other", json.dumps(resp)[:200])


def check_error(resp, codes, id=None):
    """A problem with an error response (codes: the allowed codes), or
    None."""
    if not isinstance(resp, dict):
        return "not an error object: %r" % (resp,)
    err = resp.get("error")
    if resp.get("jsonrpc") != "2.0" or "result" in resp or \
            not isinstance(err, dict):
        return "not a JSON-RPC error response: %r" % (resp,)
    if "id" not in resp or resp["id"] != id or \
            (id is None) != (resp["id"] is None):
        return "id should be %s: %r" % (json.dumps(id)[:50], resp)
    if err.get("code") not in codes:
        return "code %r, expected %s: %r" % (
            err.get("code"), " or ".join(str(c) for c in sorted(codes)),
            resp)
    if not isinstance(err.get("message"), str):
        return "no message: %r" % (resp,)
    if err["code"] == PARSE and "byte" not in err["message"]:
        return "a parse error must name the byte offset: %r" % (resp,)
    return None


def check_batch(resp, ids):
    """A problem with a batch answer of -32600 errors with these ids (None:
    any number of errors, ids null), or None."""
    if not isinstance(resp, list):
        return "expected a batch response of %s errors, got %r" % (
            len(ids) if ids is not None else "some", resp)
    if ids is not None and len(resp) != len(ids):
        return "batch response of %d items, expected %d: %r" % (
            len(resp), len(ids), resp)
    if not resp:
        return "an empty batch response"
    for i, item in enumerate(resp):
        p = check_error(item, {INVALID}, ids[i] if ids is not None else None)
        if p:
            return "in the batch response: " + p
    return None


def check(resp, exp):
    """A problem with resp as the answer to a line expecting exp, or
    None."""
    kind = exp[0]
    if kind == "error":
        return check_error(resp, exp[1], exp[2])
    if kind == "batch":
        return check_batch(resp, exp[1])
    if kind == "too_long":
        p = check_error(resp, {INVALID})
        if p is None and "too long" not in resp["error"]["message"]:
            p = "not the line-too-long error: %r" % (resp,)
        return p
    # "either": a parse error, or what a valid non-request gets
    want = exp[1]
    if isinstance(resp, list):
        return check_batch(resp, want[1] if want and want[0] == "batch"
                           else None)
    if isinstance(resp, dict) and isinstance(resp.get("error"), dict) and \
            resp["error"].get("code") == INVALID:
        return check_error(resp, {INVALID}, want[2] if want and
                           want[0] == "error" else None)
    return check_error(resp, {PARSE})


class _Sender(threading.Thread):
    """Writes data to a socket while the test reads the answers: a
    pipelined client that reads as it goes, so neither side waits on the
    other's full buffers. A send error (the daemon closed) is kept."""

    def __init__(self, sock, data):
        super().__init__(daemon=True)
        self.sock, self.data, self.error = sock, data, None
        self.start()

    def run(self):
        try:
            self.sock.sendall(self.data)
        except OSError as e:
            self.error = e


@unittest.skipUnless(os.path.isdir(CORPUS),
                     "the JSONTestSuite corpus is not at %s (it is kept "
                     "outside the repository, see "
                     "../shared/jsontestsuite/SOURCE.md)" % CORPUS)
class JSONTestSuiteTest(unittest.TestCase):
    """One daemon (max_line_bytes 1M); the corpus sent to it."""

    observed = {}       # file -> [signature] of its answers, from test_1

    @classmethod
    def setUpClass(cls):
        cls.files = {}
        for name in sorted(os.listdir(CORPUS)):
            if name.endswith(".json"):
                with open(os.path.join(CORPUS, name), "rb") as f:
                    cls.files[name] = f.read()
        cls.env = h.Env(extra=CONFIG)
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def client(self, token=h.STAFF):
        c = self.d.client(token)
        self.addCleanup(c.close)
        return c

    def assertAlive(self):
        self.assertTrue(self.d.running(), "the daemon died:\n%s"
                        % self.d.log_tail())
        with self.d.client() as c:
            self.assertIs(c.result("ping")["pong"], True)

    def test_0_corpus_is_the_known_snapshot(self):
        names = list(self.files)
        for prefix, n in COUNTS.items():
            self.assertEqual(sum(1 for x in names if x.startswith(prefix)), n,
                             "%s files in %s" % (prefix, CORPUS))
        self.assertEqual(len(names), sum(COUNTS.values()))
        named = set(LF_AS_WHITESPACE) | set(FRAGMENTS) | Y_REJECTED | \
            set(N_ACCEPTED)
        self.assertEqual(named - set(names), set(),
                         "files named by this test but not in the corpus")
        with_lf = {x for x, b in self.files.items() if b"\n" in b}
        self.assertEqual(with_lf, set(LF_AS_WHITESPACE) | set(FRAGMENTS),
                         "files with LF bytes this test does not classify")
        # A CR before a line end would be dropped by the framing.
        for name, data in self.files.items():
            for ln in wire_lines(name, data):
                self.assertFalse(ln.endswith(b"\r"), name)

    def test_1_each_file(self):
        """File by file on one connection (a new one only after one is
        closed); a ping after each file proves nothing else came."""
        c = self.client()
        failures = []
        for name, data in self.files.items():
            lines = wire_lines(name, data)
            exps = expectations(name, lines, MAX_LINE)
            got = []
            closed = False
            try:
                sender = _Sender(c.sock, wire_bytes(lines))
                for ln, exp in exps:
                    resp = c.read_json()
                    got.append(signature(resp))
                    p = check(resp, exp)
                    if p:
                        raise AssertionError("fragment %r: %s"
                                             % (ln[:40], p))
                    if exp[0] == "too_long":
                        c.wait_closed()
                        closed = True
                sender.join(h.DEFAULT_TIMEOUT)
                if sender.error is not None and not closed:
                    raise AssertionError("sending failed: %r" % sender.error)
                if not closed:
                    r = c.call("ping", id="after " + name)
                    if r.get("result", {}).get("pong") is not True:
                        raise AssertionError("ping after it: %r" % r)
            except (AssertionError, OSError) as e:
                failures.append("%s: %s" % (name, e))
                closed = True
                if not self.d.running():
                    break
            self.observed[name] = got
            if closed:
                c.close()
                try:
                    c = self.client()
                except (AssertionError, OSError) as e:
                    # a hung daemon: stop rather than time out on each file
                    failures.append("after %s, a new connection got no "
                                    "answer to hello: %s" % (name, e))
                    break
        if not self.d.running():
            failures.append("the daemon died (exit status %s)"
                            % self.d.proc.returncode)
        if failures:
            self.d.fail("%d of %d files went wrong:\n  %s" % (
                len(failures), len(self.files), "\n  ".join(failures)))
        accepted = sorted(n for n, sig in self.observed.items()
                          if n.startswith("i_") and sig and
                          sig[0] != ("error", PARSE))
        print("\ni_ files parsed (not -32700): %s"
              % (", ".join(accepted) or "none"))
        self.assertAlive()

    def test_2_whole_corpus_in_one_write(self):
        """Every file as a line, all in a single write on one connection,
        then a ping: the answers come in order, one per non-empty line."""
        expected = []
        payload = []
        for name, data in self.files.items():
            lines = wire_lines(name, data)
            exps = expectations(name, lines, MAX_LINE)
            if exps and exps[-1][1][0] == "too_long":
                continue    # would end the connection: test_1 covers it
            payload.append(wire_bytes(lines))
            sigs = self.observed.get(name)
            for i, (ln, exp) in enumerate(exps):
                # the same answer as when the file came alone
                same = sigs[i] if sigs and len(sigs) == len(exps) else None
                expected.append((name, ln, exp, same))
        payload.append(h.line(h.request("ping", id="end")))
        self.assertGreaterEqual(len(expected), len(self.files) - 10)

        c = self.client()
        sender = _Sender(c.sock, b"".join(payload))
        problems = []
        for i, (name, ln, exp, same) in enumerate(expected):
            where = "answer %d of %d (to %s, fragment %r)" % (
                i + 1, len(expected), name, ln[:40])
            try:
                resp = c.read_json()
            except (AssertionError, OSError) as e:
                problems.append("%s: %s" % (where, e))
                self.d.fail("\n  ".join(problems))
            p = check(resp, exp)
            if p is None and same is not None and signature(resp) != same:
                p = "%r, but %r when sent alone" % (signature(resp), same)
            if p:
                problems.append("%s: %s" % (where, p))
        if problems:
            self.d.fail("%d answers wrong (order or count?):\n  %s" % (
                len(problems), "\n  ".join(problems[:30])))
        r = c.read_json()
        self.assertEqual(r.get("id"), "end",
                         "an answer too many, or out of order: %r" % (r,))
        self.assertIs(r["result"]["pong"], True)
        sender.join(h.DEFAULT_TIMEOUT)
        self.assertIsNone(sender.error)

    def test_3_anonymous_line_limit(self):
        """Before hello the limit is anon_max_line_bytes: a larger file gets
        "line too long" and the connection is closed."""
        big = [n for n, b in self.files.items()
               if any(len(ln) > ANON_MAX_LINE for ln in wire_lines(n, b))]
        self.assertEqual(sorted(big), [
            "n_structure_100000_opening_arrays.json",
            "n_structure_open_array_object.json"])
        for name in big:
            with self.subTest(file=name):
                c = self.client(token=None)
                lines = wire_lines(name, self.files[name])
                exps = expectations(name, lines, ANON_MAX_LINE)
                self.assertEqual(exps[-1][1], ("too_long",))
                sender = _Sender(c.sock, wire_bytes(lines))
                for ln, exp in exps:
                    resp = c.read_json()
                    self.assertIsNone(check(resp, exp))
                self.assertIn(str(ANON_MAX_LINE), resp["error"]["message"])
                c.wait_closed()
                sender.join(h.DEFAULT_TIMEOUT)
                self.assertFalse(sender.is_alive())

    def test_zz_still_serving(self):
        # runs last (alphabetical order): a new connection is answered
        self.assertAlive()
        c = self.client()
        self.assertIs(c.call("ping", id="last")["result"]["pong"], True)


if __name__ == "__main__":
    h.main()

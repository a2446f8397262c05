# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_gateway.py - the HTTP gateway (http_listen): POST /rpc through the
same dispatcher as the line protocol (the same bytes for the same
request), its error paths (415, 405 with Allow, 413, -32700, 401/-32001,
the failed-hello throttle), the security headers on every answer, CORS
only with http_cors_origin, the kiosk's static files (types, ETag and
304, HEAD, no way out of the folder), its bounds (headers, deadline,
connections), a token removed by a reload, the rate limit, and the
listener over TLS. Real Redis, real daemon, raw HTTP on the wire.
"""
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

import harness as h
from gwlib import (FILES, SECURITY, Conn, GatewayEnv, http, make_kiosk_dir,
                   rpc)

GUIXI = h.GUIXI
PROFILE = {"disability": {"type": "visual", "grade": 2}, "town": GUIXI,
           "skills": ["推拿", "客服", "typing"],
           "needs": ["step_free_access"]}


def took_us_masked(body):
    return re.sub(rb'"took_us":\d+', b'"took_us":0', body)


class GatewayTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = GatewayEnv(extra=["max_request_rate 1000000"])
        cls.addClassCleanup(cls.env.cleanup)
        cls.d = cls.env.daemon
        cls.port = cls.env.http_port
        with cls.d.client(h.STAFF) as c:
            c.result("employer.put", {"employer": dict(h.EMPLOYER_A)})
            for i in range(6):
                c.result("job.post", {"job": h.job(
                    "g-%d" % i, title="推拿师 %d" % i,
                    skills=["推拿", "客服"] if i % 2 else ["推拿"],
                    accessible_for=["visual"],
                    accommodations=["step_free_access"])})

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def assertSecure(self, a):
        for k, v in SECURITY.items():
            self.assertEqual(a.headers.get(k), v, "%s missing: %r" % (k, a))
        self.assertNotIn("access-control-allow-origin", a.headers)

    # ---- POST /rpc ------------------------------------------------------

    def test_ping_anonymous(self):
        a = rpc(self.port, h.request("ping", id=1))
        self.assertEqual(a.status, 200)
        self.assertSecure(a)
        self.assertEqual(a.headers["cache-control"], "no-store")
        self.assertTrue(a.headers["content-type"].startswith(
            "application/json"))
        self.assertIs(a.json()["result"]["pong"], True)
        self.assertFalse(a.body.endswith(b"\n"))

    def test_same_bytes_as_the_line_protocol(self):
        # the same requests, through a line and through POST /rpc, are
        # answered with the same bytes (took_us aside)
        reqs = [
            h.request("vocab", id=1),
            h.request("match", {"profile": PROFILE, "limit": 5,
                                "explain": True}, id="m"),
            [h.request("ping", id=1), h.notification("ping"),
             h.request("nope", id=2), {"jsonrpc": "2.0", "id": 3},
             h.request("job.get", {"employer_id": "emp-a", "id": "g-1"},
                       id=4)],
            h.request("match", {"profile": {"town": GUIXI}}, id=9),
            h.request("employer.put", {}, id=5),
        ]
        for r in reqs:
            with self.subTest(r=r), self.d.client(h.KIOSK) as c:
                raw = json.dumps(r, ensure_ascii=False,
                                 separators=(",", ":")).encode()
                c.send_raw(raw + b"\n")
                want = c.read_line()
                a = rpc(self.port, None, token=h.KIOSK, raw=raw)
                self.assertEqual(a.status, 200, a)
                self.assertEqual(took_us_masked(a.body),
                                 took_us_masked(want))
        # and a line the parser refuses
        with self.d.client() as c:
            c.send_raw(b'{"jsonrpc": "2.0", "id": \n')
            want = c.read_line()
        a = rpc(self.port, None, raw=b'{"jsonrpc": "2.0", "id": ')
        self.assertEqual(a.status, 200)
        self.assertEqual(a.body, want)
        self.assertEqual(a.json()["error"]["code"], h.PARSE_ERROR)

    def test_notifications_only(self):
        a = rpc(self.port, [h.notification("ping"),
                            h.notification("ping")])
        self.assertEqual(a.status, 204)
        self.assertEqual(a.body, b"")
        self.assertSecure(a)

    def test_malformed_json(self):
        for raw in (b"", b"{", b"not json", b"[1,", b'{"a":1}x',
                    b"\xff\xfe"):
            with self.subTest(raw=raw):
                a = rpc(self.port, None, raw=raw)
                self.assertEqual(a.status, 200)
                self.assertSecure(a)
                self.assertEqual(a.json()["error"]["code"], h.PARSE_ERROR)

    def test_wrong_content_type(self):
        for ct in (None, "text/plain", "application/jsonx",
                   "application/x-www-form-urlencoded", "json"):
            with self.subTest(ct=ct):
                hdrs = {} if ct is None else {"Content-Type": ct}
                a = http(self.port, "POST", "/rpc",
                         b'{"jsonrpc":"2.0","id":1,"method":"ping"}', hdrs)
                self.assertEqual(a.status, 415)
                self.assertSecure(a)
        # a charset parameter is fine
        a = rpc(self.port, h.request("ping", id=1), headers={
            "Content-Type": "application/json; charset=utf-8"})
        self.assertEqual(a.status, 200)

    def test_method_not_allowed(self):
        for m in ("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"):
            with self.subTest(method=m):
                a = http(self.port, m, "/rpc", b"{}" if m in (
                    "PUT", "PATCH") else None)
                self.assertEqual(a.status, 405)
                self.assertEqual(a.headers.get("allow"), "POST")
                self.assertSecure(a)
        for m in ("POST", "PUT", "DELETE"):
            with self.subTest(method=m, path="/"):
                a = http(self.port, m, "/index.html", b"x")
                self.assertEqual(a.status, 405)
                self.assertEqual(a.headers.get("allow"), "GET, HEAD")
                self.assertSecure(a)

    def test_bad_token(self):
        for auth in ("Bearer nope", "Bearer " + "x" * 300, "Basic abc",
                     "Bearer "):
            with self.subTest(auth=auth):
                a = rpc(self.port, h.request("ping", id=1),
                        headers={"Authorization": auth})
                self.assertEqual(a.status, 401)
                self.assertSecure(a)
                self.assertEqual(a.headers["cache-control"], "no-store")
                self.assertIn("bearer", a.headers["www-authenticate"].lower())
                self.assertEqual(a.json()["error"]["code"], h.UNAUTHORIZED)
        # the role comes from the token; none is anonymous
        a = rpc(self.port, h.request("match", {"profile": PROFILE}, id=1))
        self.assertEqual(a.json()["error"]["code"], h.UNAUTHORIZED)
        a = rpc(self.port, h.request("match", {"profile": PROFILE}, id=1),
                token=h.KIOSK)
        self.assertIn("result", a.json())
        a = rpc(self.port, h.request("seeker.list", id=1), token=h.KIOSK)
        self.assertEqual(a.json()["error"]["code"], h.UNAUTHORIZED)
        a = rpc(self.port, h.request("hello", id=1), token=h.STAFF)
        self.assertEqual(a.json()["result"]["role"], "staff")

    def test_too_large(self):
        # beyond http_max_body_bytes (1M): 413, by evhttp itself, with the
        # security headers too
        big = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"' + \
            b"a" * (1024 * 1024) + b'"}}'
        try:
            a = rpc(self.port, None, token=h.KIOSK, raw=big)
            self.assertEqual(a.status, 413)
            self.assertSecure(a)
        except (BrokenPipeError, ConnectionResetError):
            pass        # closed while it still sent: also refused
        # without a token, anon_max_line_bytes (4096)
        mid = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"' + \
            b"a" * 5000 + b'"}}'
        a = rpc(self.port, None, raw=mid)
        self.assertEqual(a.status, 413)
        self.assertSecure(a)
        a = rpc(self.port, None, raw=mid, token=h.KIOSK)
        self.assertEqual(a.status, 200)
        self.assertEqual(a.json()["error"]["code"], h.INVALID_PARAMS)

    def test_oversized_headers(self):
        a = http(self.port, "GET", "/", headers={"X-Big": "a" * 20000})
        self.assertIn(a.status, (400, 413, 431))
        self.assertSecure(a)
        a = http(self.port, "GET", "/")
        self.assertEqual(a.status, 200)

    def test_garbage_is_answered_securely(self):
        with socket.create_connection(("127.0.0.1", self.port),
                                      timeout=10) as s:
            s.sendall(b"BLAH / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while True:
                d = s.recv(65536)
                if not d:
                    break
                data += d
        head = data.split(b"\r\n\r\n")[0].decode("latin-1").lower()
        self.assertTrue(head.startswith("http/1.1 4") or
                        head.startswith("http/1.1 5"), head)
        for k, v in SECURITY.items():
            self.assertIn("%s: %s" % (k, v.lower()), head)

    def test_keep_alive(self):
        with Conn(self.port) as c:
            for i in range(20):
                a = c.request("POST", "/rpc", json.dumps(
                    h.request("ping", id=i)), {
                    "Content-Type": "application/json",
                    "Authorization": "Bearer " + h.KIOSK})
                self.assertEqual(a.json()["id"], i)
                a = c.request("GET", "/app.js")
                self.assertEqual(a.body, FILES["app.js"])

    # ---- static files ---------------------------------------------------

    def test_files(self):
        types = {
            "index.html": "text/html; charset=utf-8",
            "app.js": "text/javascript; charset=utf-8",
            "css/site.css": "text/css; charset=utf-8",
            "data/messages.json": "application/json",
            "img/logo.svg": "image/svg+xml",
            "img/logo.png": "image/png",
            "fonts/a.woff2": "font/woff2",
            "favicon.ico": "image/x-icon",
            "notes.txt": "text/plain; charset=utf-8",
            "blob.bin": "application/octet-stream",
        }
        for name, ct in types.items():
            with self.subTest(name=name):
                a = http(self.port, "GET", "/" + name)
                self.assertEqual(a.status, 200)
                self.assertEqual(a.body, FILES[name])
                self.assertEqual(a.headers["content-type"], ct)
                self.assertSecure(a)
                self.assertRegex(a.headers["etag"], r'^"[0-9a-f]{16}"$')
        a = http(self.port, "GET", "/")
        self.assertEqual(a.body, FILES["index.html"])
        # a query string does not change the file
        a = http(self.port, "GET", "/app.js?v=3")
        self.assertEqual(a.body, FILES["app.js"])

    def test_etag_and_head(self):
        a = http(self.port, "GET", "/app.js")
        etag = a.headers["etag"]
        for inm in (etag, "W/" + etag, '"x", ' + etag, "*"):
            with self.subTest(inm=inm):
                b = http(self.port, "GET", "/app.js",
                         headers={"If-None-Match": inm})
                self.assertEqual(b.status, 304)
                self.assertEqual(b.body, b"")
                self.assertEqual(b.headers["etag"], etag)
                self.assertSecure(b)
        b = http(self.port, "GET", "/app.js",
                 headers={"If-None-Match": '"0000000000000000"'})
        self.assertEqual(b.status, 200)
        self.assertNotEqual(http(self.port, "GET", "/notes.txt")
                            .headers["etag"], etag)
        # HEAD: the headers of a GET, no body; the connection goes on
        with Conn(self.port) as c:
            a = c.request("HEAD", "/index.html")
            self.assertEqual(a.status, 200)
            self.assertEqual(int(a.headers["content-length"]),
                             len(FILES["index.html"]))
            self.assertSecure(a)
            b = c.request("GET", "/notes.txt")
            self.assertEqual(b.body, FILES["notes.txt"])

    def test_no_way_out(self):
        paths = [
            "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt", "/css/../../secret.txt",
            "/css/..%2f..%2fsecret.txt", "/css%2fsite.css",
            "/css%2Fsite.css", "/.%2e/secret.txt", "/..\\secret.txt",
            "/css\\site.css", "/%5c..%5csecret.txt", "/index.html%00",
            "/index.html%00.js", "//etc/passwd", "/css//site.css",
            "/./index.html", "/css/./site.css", "/link-out.txt",
            "/link-in.txt", "/up/secret.txt", "/up/kiosk/index.html",
            "/.hidden", "/css/", "/css", "/img", "/%", "/%zz",
            "/%2", "/etc/passwd", "/..", "/.", "/%2e", "/%2e%2e",
            "/css/%2e%2e/index.html", "/nope.html",
        ]
        for p in paths:
            with self.subTest(path=p):
                a = http(self.port, "GET", p)
                self.assertIn(a.status, (400, 404), a)
                self.assertNotIn(b"SECRET", a.body)
                self.assertNotIn(b"root:", a.body)
                self.assertSecure(a)
        # an encoded plain character is fine
        a = http(self.port, "GET", "/%61pp.js")
        self.assertEqual(a.body, FILES["app.js"])

    # ---- the log -----------------------------------------------------------

    def test_token_never_logged(self):
        rpc(self.port, h.request("ping", id=1), token=h.KIOSK)
        rpc(self.port, h.request("ping", id=1), token="wrong-secret-xyz")
        log = self.d.log_text(whole=True)
        self.assertNotIn(h.KIOSK, log)
        self.assertNotIn("wrong-secret-xyz", log)


class CorsTest(unittest.TestCase):
    """No CORS header without http_cors_origin (GatewayTest); with it, the
    origin it names is allowed on /rpc, and preflights are answered."""

    ORIGIN = "https://kiosk.example.org"

    @classmethod
    def setUpClass(cls):
        cls.env = GatewayEnv(extra=["http_cors_origin " + cls.ORIGIN])
        cls.addClassCleanup(cls.env.cleanup)
        cls.port = cls.env.http_port

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def test_preflight(self):
        a = http(self.port, "OPTIONS", "/rpc", headers={
            "Origin": self.ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        self.assertEqual(a.status, 204)
        self.assertEqual(a.headers["access-control-allow-origin"],
                         self.ORIGIN)
        self.assertEqual(a.headers["access-control-allow-methods"], "POST")
        self.assertIn("Authorization",
                      a.headers["access-control-allow-headers"])
        self.assertEqual(a.headers["vary"], "Origin")
        for k, v in SECURITY.items():
            self.assertEqual(a.headers[k], v)

    def test_origin(self):
        a = rpc(self.port, h.request("ping", id=1),
                headers={"Origin": self.ORIGIN})
        self.assertEqual(a.headers["access-control-allow-origin"],
                         self.ORIGIN)
        a = rpc(self.port, h.request("ping", id=1),
                headers={"Origin": "https://evil.example"})
        self.assertNotIn("access-control-allow-origin", a.headers)
        a = http(self.port, "OPTIONS", "/rpc",
                 headers={"Origin": "https://evil.example"})
        self.assertNotIn("access-control-allow-origin", a.headers)
        # errors carry it too, so that the page can read them
        a = rpc(self.port, h.request("ping", id=1), token="bad",
                headers={"Origin": self.ORIGIN})
        self.assertEqual(a.status, 401)
        self.assertEqual(a.headers["access-control-allow-origin"],
                         self.ORIGIN)
        # the kiosk's files are same-origin only
        a = http(self.port, "GET", "/", headers={"Origin": self.ORIGIN})
        self.assertNotIn("access-control-allow-origin", a.headers)

    def test_bad_origins_refused(self):
        for bad in ("*", "kiosk.example.org", "https://x/path",
                    "ftp://x", "https://"):
            with self.subTest(origin=bad):
                r = h.run_daemon(["-n", "-c", self._conf(bad)])
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("http_cors_origin", r.stderr)

    def _conf(self, origin):
        p = os.path.join(tempfile.mkdtemp(), "c.conf")
        with open(p, "w") as f:
            f.write("towns_file %s\nhttp_cors_origin %s\n" % (
                os.path.join(h.DATA_DIR, "towns.tsv"), origin))
        return p


if __name__ == "__main__":
    h.main()

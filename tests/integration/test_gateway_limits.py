# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_gateway_limits.py - the HTTP gateway's bounds and what it shares with
the line protocol: a client that trickles its request is closed at
http_deadline_s, connections beyond http_max_connections are closed
unanswered, a batch whose answers outgrow max_output_bytes is sent in
chunks as the client takes them, the request rate is counted per token
and address (not per connection), failed tokens pause an address, a token
a reload removed is refused at once, https_listen serves the same over
TLS, and the real kiosk/ folder is served once the source has it.
"""
import json
import os
import select
import shutil
import signal
import socket
import ssl
import tempfile
import unittest

import harness as h
from gwlib import SECURITY, Conn, GatewayEnv, http, rpc
from test_tls import make_certs


def closed_unanswered(s):
    """True once the server closed s without a byte; never blocks."""
    if not select.select([s], [], [], 0)[0]:
        return False
    try:
        return s.recv(4096) == b""
    except ConnectionResetError:
        return True


class BoundsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = GatewayEnv(extra=[
            "http_max_connections 8", "http_deadline_s 3",
            "http_timeout_s 2", "max_output_bytes 4096",
            "max_request_rate 5"])
        cls.addClassCleanup(cls.env.cleanup)
        cls.d = cls.env.daemon
        cls.port = cls.env.http_port

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def test_slowloris(self):
        # a byte a second restarts the silence timeout, not the deadline
        with socket.create_connection(("127.0.0.1", self.port),
                                      timeout=10) as s:
            line = b"GET /index.html HTTP/1.1\r\nHost: x\r\nX-A: " + \
                b"a" * 100
            sent = [0]

            def drip():
                if sent[0] < len(line):
                    try:
                        s.send(line[sent[0]:sent[0] + 1])
                        sent[0] += 1
                    except OSError:
                        return True
                return closed_unanswered(s)
            h.wait_until(drip, timeout=30, interval=0.5,
                         what="the trickling connection closed")
            self.assertLess(sent[0], len(line))
        a = http(self.port, "GET", "/index.html")
        self.assertEqual(a.status, 200)

    def test_too_many_connections(self):
        held = []
        self.addCleanup(lambda: [s.close() for s in held])
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", self.port),
                                         timeout=10)
            s.sendall(b"GET")               # a request begun
            held.append(s)
        extra = socket.create_connection(("127.0.0.1", self.port),
                                         timeout=10)
        self.addCleanup(extra.close)
        h.wait_until(lambda: closed_unanswered(extra),
                     what="the connection beyond the cap closed")
        self.d.wait_log("http_listen: refused ")
        # the protocol's port is not the HTTP one
        with self.d.client() as c:
            self.assertIs(c.result("ping")["pong"], True)
        for s in held:
            s.close()
        h.wait_until(lambda: http(self.port, "GET", "/").status == 200,
                     what="the listener serving again")

    def test_big_batch_streams(self):
        # answers beyond max_output_bytes (4096) wait for the client to
        # take what came before: the answer is chunked, and whole
        batch = [h.request("vocab", id=i) for i in range(5)]
        a = rpc(self.port, batch, token=h.STAFF)
        self.assertEqual(a.status, 200)
        self.assertEqual(a.headers.get("transfer-encoding"), "chunked")
        for k, v in SECURITY.items():
            self.assertEqual(a.headers[k], v)
        got = a.json()
        self.assertEqual([r["id"] for r in got], list(range(5)))
        self.assertTrue(all("towns" in r["result"] for r in got))
        with self.d.client(h.STAFF) as c:
            c.send(batch)
            self.assertEqual(a.body, c.read_line())

    def test_rate_per_token_and_address(self):
        # max_request_rate 5: a batch of 10 takes the whole bucket of the
        # kiosk token at this address; a new connection gets no new one
        batch = [h.request("ping", id=i) for i in range(10)]
        a = rpc(self.port, batch, token=h.KIOSK)
        self.assertTrue(all("result" in r for r in a.json()))
        busy = rpc(self.port, h.request("ping", id=1), token=h.KIOSK)
        err = busy.json()["error"]
        self.assertEqual(err["code"], h.BUSY)
        self.assertEqual(err["data"]["max_request_rate"], 5)
        # staff's bucket is its own (and its rate)
        a = rpc(self.port, h.request("ping", id=2), token=h.STAFF)
        self.assertIn("result", a.json())
        # the bucket fills again with time
        h.wait_until(lambda: "result" in rpc(
            self.port, h.request("ping", id=3), token=h.KIOSK).json(),
            what="the kiosk's bucket refilled")



class QrRateTest(unittest.TestCase):
    """A QR code is made on the loop: /qr.* counts in the request rate of
    the token and address, the same bucket as /rpc."""

    def test_qr_counts_in_the_rate(self):
        env = GatewayEnv(extra=["max_request_rate 3"])
        self.addCleanup(env.cleanup)
        port = env.http_port
        hdrs = {"Authorization": "Bearer " + h.KIOSK}
        # the mirror loaded (asked with staff's token, whose bucket is
        # its own): a code of no posting is 404, not 503
        h.wait_until(lambda: http(port, "GET", "/qr.txt?jobs=emp-a:none",
                                  headers={"Authorization": "Bearer " +
                                           h.STAFF}).status == 404,
                     what="the mirror loaded")
        a = rpc(port, [h.request("ping", id=i) for i in range(3)],
                token=h.KIOSK)
        self.assertTrue(all("result" in r for r in a.json()))
        a = http(port, "GET", "/qr.txt?jobs=emp-a:none", headers=hdrs)
        self.assertEqual(a.status, 429, a)
        self.assertGreaterEqual(int(a.headers["retry-after"]), 1)
        err = a.json()["error"]
        self.assertEqual(err["code"], h.BUSY)
        self.assertEqual(err["data"]["max_request_rate"], 3)
        self.assertGreater(err["data"]["retry_after_ms"], 0)
        for k, v in SECURITY.items():
            self.assertEqual(a.headers[k], v)
        # and /rpc's bucket is the one the codes took from
        h.wait_until(lambda: http(port, "GET", "/qr.svg?jobs=emp-a:none",
                                  headers=hdrs).status == 404,
                     what="the bucket refilled")

class ThrottleTest(unittest.TestCase):
    """hello_fail_limit wrong tokens from an address pause it: then even
    the right token is not checked (429, -32005)."""

    def test_failed_tokens_pause_the_address(self):
        env = GatewayEnv(extra=["hello_fail_limit 3", "hello_pause_s 3600"])
        self.addCleanup(env.cleanup)
        for i in range(3):
            a = rpc(env.http_port, h.request("ping", id=i), token="bad%d" % i)
            self.assertEqual(a.status, 401)
        a = rpc(env.http_port, h.request("ping", id=9), token=h.KIOSK)
        self.assertEqual(a.status, 429)
        self.assertEqual(a.headers["retry-after"], "3600")
        self.assertEqual(a.json()["error"]["code"], h.BUSY)
        for k, v in SECURITY.items():
            self.assertEqual(a.headers[k], v)
        # hello on the line protocol shares the throttle
        with env.daemon.client() as c:
            self.assertEqual(c.call("hello", {"token": h.KIOSK})["error"]
                             ["code"], h.BUSY)
        env.stop()


class ReloadTest(unittest.TestCase):

    def test_removed_token_refused_at_once(self):
        env = GatewayEnv()
        self.addCleanup(env.cleanup)
        d = env.daemon
        with Conn(env.http_port) as c:
            hdrs = {"Content-Type": "application/json",
                    "Authorization": "Bearer " + h.KIOSK}
            a = c.request("POST", "/rpc", json.dumps(
                h.request("vocab", id=1)), hdrs)
            self.assertIn("result", a.json())
            # the kiosk token goes; the others stay
            d.tokens = False
            d.extra += ["token staff " + h.digest(h.STAFF)]
            d.write_config()
            n = d.log_text().count("configuration reloaded")
            d.proc.send_signal(signal.SIGHUP)
            d.wait_log("configuration reloaded", count=n + 1)
            # on the same kept-alive connection, and on a new one
            a = c.request("POST", "/rpc", json.dumps(
                h.request("vocab", id=2)), hdrs)
            self.assertEqual(a.status, 401)
            self.assertEqual(a.json()["error"]["code"], h.UNAUTHORIZED)
        a = rpc(env.http_port, h.request("vocab", id=3), token=h.KIOSK)
        self.assertEqual(a.status, 401)
        a = rpc(env.http_port, h.request("vocab", id=4), token=h.STAFF)
        self.assertIn("result", a.json())
        env.stop()


@unittest.skipUnless(shutil.which("openssl") or os.environ.get("CI"),
                     "the openssl command missing")
class TlsTest(unittest.TestCase):

    def test_https_listen(self):
        certs = tempfile.mkdtemp(prefix="jm-tls-")
        make_certs(certs)
        c = lambda n: os.path.join(certs, n)
        port = h.free_port()
        env = GatewayEnv(extra=["https_listen 127.0.0.1:%d" % port,
                                "tls_cert " + c("server.pem"),
                                "tls_key " + c("server.key")])
        self.addCleanup(env.cleanup)
        ctx = ssl.create_default_context(cafile=c("ca.pem"))
        a = rpc(port, h.request("vocab", id=1), token=h.KIOSK, ctx=ctx)
        self.assertEqual(a.status, 200)
        self.assertIn("result", a.json())
        for k, v in SECURITY.items():
            self.assertEqual(a.headers[k], v)
        a = http(port, "GET", "/", ctx=ctx)
        self.assertEqual(a.status, 200)
        with Conn(port, ctx) as conn:
            for i in range(3):
                a = conn.request("GET", "/app.js")
                self.assertEqual(a.status, 200)
        # plain HTTP on the TLS port gets no answer
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                data = b""
            self.assertFalse(data.startswith(b"HTTP/1.1 200"), data)
        env.stop()


class RealKioskTest(unittest.TestCase):
    """The default kiosk_dir is the installed page; in the source tree the
    page is kiosk/, served as it is once it exists."""

    @unittest.skipUnless(os.path.isfile(os.path.join(
        h.SOURCE_DIR, "kiosk", "index.html")), "no kiosk/ in this tree")
    def test_real_kiosk_served(self):
        env = GatewayEnv(kiosk_dir=os.path.join(h.SOURCE_DIR, "kiosk"))
        self.addCleanup(env.cleanup)
        a = http(env.http_port, "GET", "/")
        self.assertEqual(a.status, 200)
        self.assertTrue(a.headers["content-type"].startswith("text/html"))
        with open(os.path.join(h.SOURCE_DIR, "kiosk", "index.html"),
                  "rb") as f:
            self.assertEqual(a.body, f.read())
        env.stop()

    def test_missing_kiosk_dir(self):
        # a kiosk_dir that is not there: the gateway serves /rpc and 404s
        env = GatewayEnv(kiosk_dir="/nonexistent/kiosk")
        self.addCleanup(env.cleanup)
        env.daemon.wait_log("kiosk_dir /nonexistent/kiosk: ")
        self.assertEqual(http(env.http_port, "GET", "/").status, 404)
        a = rpc(env.http_port, h.request("ping", id=1))
        self.assertIs(a.json()["result"]["pong"], True)
        env.stop()


if __name__ == "__main__":
    h.main()

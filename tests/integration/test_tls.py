# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_tls.py - the optional TLS listener: the protocol over TLS, plain TCP
refused on it, and client certificates required when tls_ca is set.
Certificates are made for the test with the openssl command.
"""
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

import harness as h
from harness import line, request


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(d):
    """A CA, a server certificate for 127.0.0.1 and a client certificate,
    both signed by the CA."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=jobmatchd test CA", "-keyout", "ca.key",
            "-out", "ca.pem", cwd=d)
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1"),
                      ("client", "extendedKeyUsage=clientAuth")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj",
                "/CN=" + name, "-keyout", name + ".key", "-out",
                name + ".csr", cwd=d)
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write(ext + "\n")
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", name + ".ext", "-out", name + ".pem", cwd=d)


@unittest.skipUnless(shutil.which("openssl"), "the openssl command missing")
class TlsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="jm-tls-")
        cls.addClassCleanup(shutil.rmtree, cls.certs, True)
        make_certs(cls.certs)
        c = lambda n: os.path.join(cls.certs, n)
        cls.redis = h.Redis()
        cls.addClassCleanup(cls.redis.cleanup)
        cls.redis.start()
        cls.tls_port = h.free_port()
        cls.d = h.Daemon(cls.redis.port, extra=[
            "listen_tls 127.0.0.1:%d" % cls.tls_port,
            "tls_cert " + c("server.pem"), "tls_key " + c("server.key")])
        cls.addClassCleanup(cls.d.cleanup)
        cls.d.start()
        cls.mtls_port = h.free_port()
        cls.m = h.Daemon(cls.redis.port, extra=[
            "listen_tls 127.0.0.1:%d" % cls.mtls_port,
            "tls_cert " + c("server.pem"), "tls_key " + c("server.key"),
            "tls_ca " + c("ca.pem")])
        cls.addClassCleanup(cls.m.cleanup)
        cls.m.start()

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.m.stop()

    def context(self, client_cert=False):
        ctx = ssl.create_default_context(cafile=os.path.join(self.certs,
                                                             "ca.pem"))
        if client_cert:
            ctx.load_cert_chain(os.path.join(self.certs, "client.pem"),
                                os.path.join(self.certs, "client.key"))
        return ctx

    def call(self, sock, method, params=None, id=1):
        sock.sendall(line(request(method, params, id=id)))
        buf = b""
        while b"\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buf += chunk
        return json.loads(buf.split(b"\n")[0])

    def test_protocol_over_tls(self):
        raw = socket.create_connection(("127.0.0.1", self.tls_port),
                                       timeout=10)
        with self.context().wrap_socket(raw,
                                        server_hostname="127.0.0.1") as s:
            self.assertIn(s.version(), ("TLSv1.2", "TLSv1.3"))
            r = self.call(s, "hello", {"token": h.STAFF})
            self.assertEqual(r["result"]["role"], "staff", r)
            r = self.call(s, "vocab", id=2)
            self.assertIn("towns", r["result"])

    def test_plain_tcp_on_the_tls_port_gets_nothing(self):
        s = socket.create_connection(("127.0.0.1", self.tls_port),
                                     timeout=10)
        self.addCleanup(s.close)
        s.sendall(line(request("ping", id=1)))
        data = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        self.assertNotIn(b"pong", data)
        # the plain listener is unaffected
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        self.assertIs(c.result("ping")["pong"], True)

    def test_client_certificate_required(self):
        raw = socket.create_connection(("127.0.0.1", self.mtls_port),
                                       timeout=10)
        refused = False
        try:
            with self.context().wrap_socket(
                    raw, server_hostname="127.0.0.1") as s:
                # TLS 1.3 reports the refusal on the first read
                refused = self.call(s, "ping") is None
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            refused = True
        self.assertTrue(refused, "served without a client certificate")
        raw = socket.create_connection(("127.0.0.1", self.mtls_port),
                                       timeout=10)
        with self.context(client_cert=True).wrap_socket(
                raw, server_hostname="127.0.0.1") as s:
            self.assertIs(self.call(s, "ping")["result"]["pong"], True)

    def test_config_check(self):
        path = os.path.join(self.certs, "bad.conf")
        with open(path, "w") as f:
            f.write("listen_tls 127.0.0.1:%d\n" % h.free_port())
            f.write("towns_file %s\n" % os.path.join(h.DATA_DIR,
                                                     "towns.tsv"))
        r = h.run_daemon(["--check-config", "-c", path])
        self.assertEqual(r.returncode, 1)
        self.assertIn("listen_tls needs tls_cert and tls_key", r.stderr)
        with open(path, "a") as f:
            f.write("tls_cert %s\n" % os.path.join(self.certs, "server.pem"))
            f.write("tls_key %s\n" % os.path.join(self.certs, "client.key"))
        r = h.run_daemon(["--check-config", "-c", path])
        self.assertEqual(r.returncode, 1)
        self.assertIn("tls_key", r.stderr)


if __name__ == "__main__":
    h.main()

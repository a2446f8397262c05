"""
test_robustness.py - hostile traffic against the running daemon (under ASan
in the sanitizer build): it answers what deserves an answer, closes what
must be closed, and keeps serving everyone else.
"""
import resource
import socket
import unittest

import harness as h
from harness import line, request


class RobustnessTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # room for a thousand connections, in this process and the daemon
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, 4096)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        cls.env = h.Env(extra=["max_connections 2000"])
        cls.addClassCleanup(cls.env.stop)
        cls.d = cls.env.daemon

    def still_serving(self):
        c = h.Client(self.d.port)
        try:
            self.assertIs(c.result("ping")["pong"], True)
        finally:
            c.close()

    def test_batch_of_ten_thousand(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        batch = [request("ping", id=i) for i in range(10000)]
        c.send(batch)
        r = c.read_json()
        self.assertIsInstance(r, dict, "a batch over max_batch is one error")
        self.assertEqual(r["error"]["code"], -32600)
        self.assertIn("batch", r["error"]["message"])
        self.assertIs(c.result("ping")["pong"], True)

    def test_nesting_one_hundred_thousand_deep(self):
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        c.send_raw(b"[" * 100000 + b"\n")
        self.assertEqual(c.read_json()["error"]["code"], -32700)
        c.send_raw(b"{\"a\":" * 50000 + b"1" + b"}" * 50000 + b"\n")
        self.assertEqual(c.read_json()["error"]["code"], -32700)
        self.assertIs(c.result("ping")["pong"], True)

    def endless(self, total):
        """Sends total bytes of one line without a newline; returns the
        daemon's answer (it closes the connection after it)."""
        c = h.Client(self.d.port)
        self.addCleanup(c.close)
        c.hello(h.STAFF)
        chunk = b"x" * (1 << 20)
        sent = 0
        try:
            while sent < total:
                c.sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass                        # the daemon closed: expected
        r = c.read_json()
        c.wait_closed()
        return r

    def test_endless_line(self):
        r = self.endless(4 << 20)
        self.assertEqual(r["error"]["code"], -32600)
        self.assertIn("too long", r["error"]["message"])
        self.still_serving()

    def test_hundred_megabyte_line(self):
        r = self.endless(100 << 20)
        self.assertEqual(r["error"]["code"], -32600)
        self.still_serving()

    def test_a_thousand_idle_connections(self):
        conns = []
        try:
            for _ in range(1000):
                s = socket.create_connection(("127.0.0.1", self.d.port),
                                             timeout=10)
                conns.append(s)
            self.still_serving()
            # and they are real connections the daemon answers
            for s in conns[::100]:
                s.sendall(line(request("ping", id=7)))
                buf = b""
                while b"\n" not in buf:
                    chunk = s.recv(4096)
                    self.assertTrue(chunk, "closed instead of answering")
                    buf += chunk
                self.assertIn(b'"pong":true', buf)
        finally:
            for s in conns:
                s.close()
        self.still_serving()


if __name__ == "__main__":
    h.main()

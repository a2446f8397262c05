# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_lifecycle.py - the daemon as a service: SIGTERM finishes what is in
flight (bounded) and exits 0, a second SIGTERM exits at once, SIGHUP reloads
the configuration's reloadable parts, systemd's notifications (READY=1 only
once the mirror is loaded, STATUS=, WATCHDOG=1, RELOADING=1, STOPPING=1) and
socket activation.
"""
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

import harness as h

EMPLOYER = h.EMPLOYER_A
job = h.job


def healthz(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", "/healthz")
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


class StopTest(unittest.TestCase):

    def start(self, extra=()):
        self.env = h.Env(extra=extra)
        self.addCleanup(self.env.cleanup)
        self.d = self.env.daemon
        self.redis = self.env.redis
        self.staff = self.d.client(h.STAFF)
        self.addCleanup(self.staff.close)
        self.staff.result("employer.put", {"employer": EMPLOYER})
        # Redis answers nothing until the pause ends
        self.addCleanup(lambda: self.redis.cmd("CLIENT", "UNPAUSE"))

    def send_writes(self, n):
        for i in range(n):
            self.staff.send(h.request("job.post", {"job": job("j-%d" % i)},
                                      id=i))
        self.d.wait_log(": job.post", count=n)

    def test_sigterm_finishes_what_is_in_flight(self):
        mport = h.free_port()
        self.start(["redis_timeout_ms 20000",
                    "metrics_listen 127.0.0.1:%d" % mport])
        idle = self.d.client(h.KIOSK)       # must not hold the exit up
        self.addCleanup(idle.close)
        self.redis.cmd("CLIENT", "PAUSE", "1500", "WRITE")
        self.send_writes(5)
        self.d.proc.send_signal(signal.SIGTERM)
        self.d.wait_log("shutting down")
        self.assertTrue(refused(self.d.port), "still accepting")
        # a load balancer asking meanwhile is told to go elsewhere
        status, body = healthz(mport)
        self.assertEqual((status, body), (503, b"stopping\n"))
        for i in range(5):
            r = self.staff.read_json(timeout=30)
            self.assertEqual(r["id"], i)
            self.assertIn("result", r, r)
        self.assertEqual(self.d.proc.wait(30), 0)
        self.assertIn("every request answered", self.d.log_text())
        for i in range(5):
            self.assertEqual(self.redis.cmd("EXISTS", "jm:job:emp-a:j-%d"
                                            % i), 1)
        self.assertTrue(idle.wait_closed())

    def test_shutdown_is_bounded(self):
        self.start(["redis_timeout_ms 60000", "shutdown_timeout_s 1"])
        self.redis.cmd("CLIENT", "PAUSE", "30000", "WRITE")
        self.send_writes(1)
        self.d.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.d.proc.wait(20), 0)
        self.assertIn("exiting anyway", self.d.log_text())

    def test_second_sigterm_exits_at_once(self):
        self.start(["redis_timeout_ms 60000"])
        self.redis.cmd("CLIENT", "PAUSE", "30000", "WRITE")
        self.send_writes(1)
        self.d.proc.send_signal(signal.SIGTERM)
        self.d.wait_log("shutting down")
        self.d.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.d.proc.wait(20), 1)
        log = self.d.log_text()
        self.assertIn("again: exiting now", log)
        self.assertNotIn("every request answered", log)
        self.assertNotIn("exiting anyway", log)


class HupTest(unittest.TestCase):

    def setUp(self):
        self.env = h.Env()
        self.addCleanup(self.env.stop)
        self.d = self.env.daemon

    def hup(self, count=1):
        self.d.proc.send_signal(signal.SIGHUP)
        self.d.wait_log("SIGHUP: reloading the rules file", count=count)

    def test_reloadable_parts(self):
        new_token = "kiosk-token-2"
        old_port = self.d.port
        with self.d.client() as c:
            self.assertEqual(c.error("hello", {"token": new_token},
                                     h.UNAUTHORIZED)["code"],
                             h.UNAUTHORIZED)
        self.d.extra = ["token kiosk " + h.digest(new_token),
                        "max_batch 2", "log_level info"]
        self.d.port = h.free_port()         # listen: restart only
        self.d.write_config()
        self.hup()
        log = self.d.log_text()
        self.assertIn("configuration reloaded", log)
        self.assertIn("listen changed: restart to apply it", log)
        self.d.port = old_port
        with self.d.client(new_token) as c:
            c.send([h.request("ping", id=i) for i in range(3)])
            r = c.read_json()
            self.assertEqual(r["error"]["code"], h.INVALID_REQUEST, r)
            self.assertIn("larger than 2", r["error"]["message"])
        # log_level info: no more debug lines
        n = self.d.log_text().count("debug ")
        with self.d.client(h.KIOSK) as c:
            c.result("ping")
        self.assertEqual(self.d.log_text().count("debug "), n)

    def test_bad_config_keeps_the_one_in_use(self):
        with open(self.d.config, "a") as f:
            f.write("no_such_key 1\n")
        self.hup()
        self.assertIn("keeping the configuration in use", self.d.log_text())
        with self.d.client(h.STAFF) as c:
            c.result("stats")


class NotifyTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="jm-notify-")
        self.path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.addCleanup(self.sock.close)
        self.msgs = []

    def recv_until(self, pred, what, timeout=20):
        """Collects notifications until pred(message) holds for one."""
        def got():
            self.sock.settimeout(0.2)
            try:
                m = self.sock.recv(4096).decode()
            except socket.timeout:
                return False
            self.msgs.append(m)
            return pred(m)
        h.wait_until(got, timeout=timeout, interval=0, what=what)

    def test_notifications(self):
        redis = h.Redis()
        self.addCleanup(redis.cleanup)
        d = h.Daemon(redis.port, env={"NOTIFY_SOCKET": self.path,
                                      "WATCHDOG_USEC": "200000"})
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)          # Redis is not there yet
        self.recv_until(lambda m: "STATUS=connecting" in m, "STATUS=")
        for _ in range(3):
            self.recv_until(lambda m: m == "WATCHDOG=1", "WATCHDOG=1")
        self.assertFalse([m for m in self.msgs if "READY=1" in m],
                         "READY=1 before the mirror was loaded")
        redis.start()
        self.recv_until(lambda m: "READY=1" in m, "READY=1")
        self.assertIn("mirror: 0 open postings", d.log_text())
        ready = [m for m in self.msgs if "READY=1" in m][0]
        self.assertIn("STATUS=serving", ready)
        d.proc.send_signal(signal.SIGHUP)
        self.recv_until(lambda m: "RELOADING=1" in m, "RELOADING=1")
        self.recv_until(lambda m: "READY=1" in m, "READY=1 after reload")
        d.proc.send_signal(signal.SIGTERM)
        self.recv_until(lambda m: "STOPPING=1" in m, "STOPPING=1")
        self.assertEqual(d.proc.wait(20), 0)
        d.proc = None


# Runs argv[3:] with fds argv[1] and argv[2] as 3 and 4 and the variables
# of socket activation naming its own pid, as systemd does.
ACTIVATE = """
import os, sys
src = [int(sys.argv[1]), int(sys.argv[2])]
hi = [os.dup2(fd, 100 + i) for i, fd in enumerate(src)]
for fd in src:
    if fd not in (3, 4):
        os.close(fd)
os.dup2(hi[0], 3)
os.dup2(hi[1], 4)
for fd in hi:
    os.close(fd)
os.environ["LISTEN_PID"] = str(os.getpid())
os.environ["LISTEN_FDS"] = "2"
os.environ["LISTEN_FDNAMES"] = "jobmatchd.socket:jobmatchd.socket"
os.execv(sys.argv[3], sys.argv[3:])
"""


class SocketActivationTest(unittest.TestCase):

    def test_passed_sockets(self):
        redis = h.Redis()
        self.addCleanup(redis.cleanup)
        redis.start()
        d = h.Daemon(redis.port)        # its listen port stays closed
        self.addCleanup(d.cleanup)
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(16)
        self.addCleanup(tcp.close)
        upath = os.path.join(d.dir, "passed.sock")
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind(upath)
        unix.listen(16)
        self.addCleanup(unix.close)
        with open(d.log, "ab") as logf:
            proc = h.spawn([sys.executable, "-c", ACTIVATE,
                            str(tcp.fileno()), str(unix.fileno()),
                            h.JOBMATCHD, "-c", d.config],
                           pass_fds=(tcp.fileno(), unix.fileno()),
                           stdin=subprocess.DEVNULL, stdout=logf,
                           stderr=logf)
        d.proc = proc
        d.wait_log("mirror: 0 open postings")
        port = tcp.getsockname()[1]
        with h.Client(port) as c:
            self.assertTrue(c.hello(h.KIOSK))
            self.assertTrue(c.result("ping")["pong"])
        with h.Client(unix_path=upath) as c:
            self.assertTrue(c.hello(h.KIOSK))
        self.assertTrue(refused(d.port))
        log = d.log_text()
        self.assertIn("listening on a passed TCP socket (fd 3)", log)
        self.assertIn("listening on a passed unix socket (fd 4)", log)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(20), 0)
        d.proc = None
        # the socket is systemd's: the daemon leaves it in place
        self.assertTrue(os.path.exists(upath))


if __name__ == "__main__":
    h.main()

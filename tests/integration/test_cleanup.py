# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_cleanup.py - the tests stop every process they start, however a test
ends (harness.py, "child processes"): a child that daemonizes, a child
started from a worker thread, a test process killed outright; and
tests/check_processes.py, which ctest runs after the integration tests,
finds and stops a process left behind.

Each case runs a small test process of its own (a Python script using the
harness) and looks at what it left.
"""
import os
import signal
import subprocess
import sys
import tempfile
import unittest

import harness as h

CHECK = os.path.join(h.SOURCE_DIR, "tests", "check_processes.py")

PRELUDE = """
import os, sys, tempfile, threading, time
sys.path.insert(0, %r)
import harness as h
""" % h.HERE


def alive(pid):
    """Whether pid runs (a zombie does not)."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:][:1] != b"Z"


def redis_pid(pid):
    """pid, if it is a redis-server: what a cleanup may kill."""
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip() == "redis-server"
    except OSError:
        return False


class CleanupTest(unittest.TestCase):

    def run_test_process(self, body, check=True):
        """Runs PRELUDE + body as a test process; returns its stdout's
        lines. Kills what it reports (pid=N lines) at the end if it is
        still there, so that this test leaves nothing when it fails."""
        r = subprocess.run([sys.executable, "-c", PRELUDE + body],
                           capture_output=True, text=True, timeout=120)
        pids = [int(ln[4:]) for ln in r.stdout.split() if
                ln.startswith("pid=")]

        def kill():
            for pid in pids:
                if redis_pid(pid):
                    os.kill(pid, signal.SIGKILL)
        self.addCleanup(kill)
        if check:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r, pids

    def assert_gone(self, pid, what):
        h.wait_until(lambda: not alive(pid), timeout=10,
                     what="%s (pid %d) to be gone" % (what, pid))

    def test_daemonizing_child(self):
        # a redis-server that forks into the background and exits: its
        # parent was the test's child, the server is not
        r, pids = self.run_test_process("""
port = h.free_port()
d = tempfile.mkdtemp()
pidfile = os.path.join(d, "redis.pid")
p = h.spawn(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
             "--dir", d, "--save", "", "--appendonly", "no",
             "--daemonize", "yes", "--pidfile", pidfile],
            stdout=h.subprocess.DEVNULL)
assert p.wait(30) == 0
r = h.Redis()
r.port = port
h.wait_until(lambda: r.cmd("PING") == "PONG", what="PONG")
h.wait_until(lambda: os.path.exists(pidfile) and open(pidfile).read())
print("pid=%d" % int(open(pidfile).read()), flush=True)
""")
        self.assertEqual(len(pids), 1, r.stdout)
        self.assert_gone(pids[0], "the daemonized redis-server")

    def test_child_of_a_worker_thread(self):
        # PR_SET_PDEATHSIG follows the thread that forked: a redis-server
        # started from a thread that then ends must go on serving
        r, pids = self.run_test_process("""
box = []
t = threading.Thread(target=lambda: box.append(h.Redis().start()))
t.start()
t.join()
r = box[0]
print("pid=%d" % r.proc.pid, flush=True)
try:
    r.proc.wait(2)
    print("killed with its thread", flush=True)
except h.subprocess.TimeoutExpired:
    print("PING " + r.cmd("PING"), flush=True)
""")
        self.assertIn("PING PONG", r.stdout)
        # and the test process's end stops it
        self.assert_gone(pids[0], "the redis-server")

    def test_killed_test_process(self):
        # a test process killed outright (ctest's timeout) takes its
        # children with it
        r, pids = self.run_test_process("""
r = h.Redis().start()
d = h.Daemon(r.port).start()
print("pid=%d" % r.proc.pid, flush=True)
print("daemon=%d" % d.proc.pid, flush=True)
os.kill(os.getpid(), 9)
""", check=False)
        self.assertEqual(r.returncode, -signal.SIGKILL, r.stderr)
        self.assert_gone(pids[0], "the redis-server")
        daemon = int(r.stdout.split("daemon=")[1].split()[0])
        self.assert_gone(daemon, "jobmatchd")

    def test_check_processes(self):
        # a process named after a test process that is gone is reported
        # and killed; nothing else is
        tag = "check%d" % os.getpid()
        gone = subprocess.Popen(["true"])
        gone.wait()
        run = tempfile.mkdtemp(prefix="jm-test-%s-%d-" % (tag, gone.pid))
        left = subprocess.Popen(["sleep", "600"], cwd=run)
        self.addCleanup(lambda: left.poll() is None and left.kill())
        mine = tempfile.mkdtemp(prefix="jm-test-%s-%d-" % (tag, os.getpid()))
        kept = subprocess.Popen(["sleep", "600"], cwd=mine)
        self.addCleanup(lambda: kept.poll() is None and kept.kill())
        r = subprocess.run([sys.executable, CHECK, tag], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("left behind: pid %d in %s: sleep 600" % (left.pid,
                                                              run), r.stdout)
        self.assertEqual(left.wait(10), -signal.SIGKILL)
        self.assertIsNone(kept.poll())     # its test process runs
        r = subprocess.run([sys.executable, CHECK, tag], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    h.main()

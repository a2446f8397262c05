# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_sentinel.py - the primary found through Redis Sentinel
(redis_sentinel, redis_master_name): real redis-server processes, real
`redis-server --sentinel` processes on free loopback ports, real daemons.

The failover test kills the primary under a stream of writes and checks
what the issue promises: writes resume within the sentinels' failover
time (kill to +switch-master, seen by the test's own subscription) plus
one second; with redis_wait_replicas 1 no acknowledged posting is missing
from the new primary; both daemons' matches agree with what it holds.
"""
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import unittest

import harness as h

NAME = "jm-primary"
PROFILE = {"disability": {"type": "physical", "grade": 3},
           "skills": ["客服"], "town": h.GUIXI}


class Sentinel:
    """redis-server --sentinel on a free loopback port, with a config
    file of its own (Sentinel rewrites it), monitoring NAME at port."""

    def __init__(self, monitor_port, quorum=2, down_ms=1000,
                 failover_ms=4000, name=NAME):
        self.dir = tempfile.mkdtemp(prefix="jm-sentinel-")
        self.port = h.free_port()
        self.conf = os.path.join(self.dir, "sentinel.conf")
        self.log = os.path.join(self.dir, "sentinel.log")
        self.proc = None
        with open(self.conf, "w") as f:
            f.write("bind 127.0.0.1\nport %d\ndir %s\n"
                    "sentinel monitor %s 127.0.0.1 %d %d\n"
                    "sentinel down-after-milliseconds %s %d\n"
                    "sentinel failover-timeout %s %d\n"
                    "sentinel parallel-syncs %s 2\n"
                    % (self.port, self.dir, name, monitor_port, quorum,
                       name, down_ms, name, failover_ms, name))

    def start(self):
        self.proc = h.spawn(["redis-server", self.conf, "--sentinel",
                             "--port", str(self.port),
                             "--logfile", self.log],
                            stdin=h.subprocess.DEVNULL,
                            stdout=h.subprocess.DEVNULL,
                            stderr=h.subprocess.DEVNULL)
        h.wait_until(self._pings, what="sentinel %d to answer" % self.port)
        return self

    def _pings(self):
        if self.proc.poll() is not None:
            raise AssertionError("sentinel exited:\n%s" % h.tail(self.log))
        try:
            return self.cmd("PING") == "PONG"
        except OSError:
            return False

    def cmd(self, *args):
        with socket.create_connection(("127.0.0.1", self.port),
                                      timeout=5) as s:
            s.sendall(h._resp_encode(args))
            return h._RespReader(s).read()

    def master(self):
        """SENTINEL master NAME as a dict of str."""
        r = self.cmd("SENTINEL", "master", NAME)
        return {r[i].decode(): r[i + 1].decode()
                for i in range(0, len(r), 2)}

    def primary_port(self):
        return int(self.cmd("SENTINEL", "get-master-addr-by-name",
                            NAME)[1])

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def role(redis):
    return redis.cmd("ROLE")[0].decode()


def sentinel_lines(sentinels):
    return ["redis_sentinel 127.0.0.1:%d" % s.port for s in sentinels] + \
        ["redis_master_name %s" % NAME]


def matched(client):
    """Every posting id a match of PROFILE gives, paging by 100."""
    ids, offset = set(), 0
    while True:
        r = client.result("match", {"profile": PROFILE, "limit": 100,
                                    "offset": offset})
        ids |= {x["job"]["id"] for x in r["results"]}
        if len(r["results"]) < 100:
            return ids
        offset += 100


def postings_on(redis):
    """The ids of emp-a's postings Redis holds."""
    keys = redis.cmd("KEYS", "jm:job:emp-a:*")
    return {k.decode().split(":", 3)[3] for k in keys}


class SwitchWatch(threading.Thread):
    """The test's own subscription to +switch-master on a sentinel: the
    monotonic time of each message."""

    def __init__(self, sentinel):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", sentinel.port),
                                             timeout=60)
        self.sock.sendall(h._resp_encode(("SUBSCRIBE", "+switch-master")))
        self.reader = h._RespReader(self.sock)
        self.reader.read()          # the subscription's confirmation
        self.switches = []

    def run(self):
        try:
            while True:
                m = self.reader.read()
                self.switches.append((time.monotonic(), m[2].decode()))
        except (OSError, ConnectionError, h.HarnessError, IndexError):
            pass

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class Writer(threading.Thread):
    """job.post w0, w1, ... to a daemon every ~20 ms until stopped: for
    each, the monotonic time it was sent and answered, and whether it was
    acknowledged (a result) or its error."""

    def __init__(self, daemon, prefix="w"):
        super().__init__(daemon=True)
        self.d = daemon
        self.prefix = prefix
        self.done = []              # (id, sent, answered, ok, error)
        self.halt = threading.Event()

    def run(self):
        c = self.d.client(h.STAFF, timeout=30)
        try:
            i = 0
            while not self.halt.is_set():
                jid = "%s%d" % (self.prefix, i)
                i += 1
                sent = time.monotonic()
                r = c.call("job.post", {"job": h.job(jid)})
                self.done.append((jid, sent, time.monotonic(),
                                  "result" in r, r.get("error")))
                self.halt.wait(0.02)
        finally:
            c.close()

    def stop(self):
        self.halt.set()
        self.join(60)

    def acked(self):
        return [w[0] for w in self.done if w[3]]


class Topology:
    """A primary, two replicas (after a failover the new primary keeps
    one, so that WAIT 1 can still be met) and three sentinels."""

    def __init__(self, test, down_ms=1000):
        self.primary = h.Redis()
        test.addCleanup(self.primary.cleanup)
        self.primary.start()
        self.replicas = []
        for _ in range(2):
            r = h.Redis()
            test.addCleanup(r.cleanup)
            r.start(extra_args=["--replicaof", "127.0.0.1",
                                str(self.primary.port)])
            self.replicas.append(r)
        for r in self.replicas:
            h.wait_until(lambda: b"master_link_status:up" in
                         r.cmd("INFO", "replication"),
                         what="the replica in sync")
        self.sentinels = []
        for _ in range(3):
            s = Sentinel(self.primary.port, down_ms=down_ms)
            test.addCleanup(s.cleanup)
            self.sentinels.append(s.start())
        for s in self.sentinels:
            h.wait_until(lambda: s.master().get("num-slaves") == "2" and
                         s.master().get("num-other-sentinels") == "2",
                         timeout=30, what="the sentinels to know each "
                         "other and the replicas")

    def servers(self):
        return [self.primary] + self.replicas

    def by_port(self, port):
        return next(r for r in self.servers() if r.port == port)


class FailoverTest(unittest.TestCase):

    def test_primary_killed_under_load(self):
        # down-after 2500 ms: the switch comes 3.5 to 5 s after the kill,
        # while a daemon that missed it would be waiting out its backoff
        # (its tries at 3.1 s and 6.3 s after losing the link), so that
        # (a) fails without the move on +switch-master
        topo = Topology(self, down_ms=2500)
        daemons = []
        for _ in range(2):
            d = h.Daemon(None, extra=sentinel_lines(topo.sentinels) + [
                "redis_wait_replicas 1", "redis_wait_timeout_ms 500"])
            self.addCleanup(d.cleanup)
            daemons.append(d.start())
        a, b = daemons
        a.wait_log("sentinel: following +switch-master")
        b.wait_log("sentinel: following +switch-master")
        staff = a.client(h.STAFF)
        self.addCleanup(staff.close)
        staff.result("employer.put", {"employer": h.EMPLOYER_A})

        watch = SwitchWatch(topo.sentinels[0])
        self.addCleanup(watch.close)
        watch.start()
        writer = Writer(a)
        writer.start()
        self.addCleanup(writer.halt.set)
        h.wait_until(lambda: len(writer.acked()) >= 20,
                     what="writes before the kill")
        killed = time.monotonic()
        topo.primary.kill()
        h.wait_until(lambda: watch.switches, timeout=60,
                     what="+switch-master")
        switched_at, msg = watch.switches[0]
        h.wait_until(lambda: any(w[3] and w[1] > killed
                                 for w in writer.done), timeout=30,
                     what="a write acknowledged after the kill")
        time.sleep(1.0)             # more writes on the new primary
        writer.stop()

        failover = switched_at - killed
        first = min(w[2] for w in writer.done if w[3] and w[1] > killed)
        lost_window = first - killed
        print("\nfailover (kill -> +switch-master): %.0f ms; no write "
              "acknowledged for %.0f ms after the kill; %d writes, %d "
              "acknowledged" % (failover * 1000, lost_window * 1000,
                                len(writer.done), len(writer.acked())))
        # (a) writes resume within the failover time plus one second
        self.assertLessEqual(first, switched_at + 1.0,
                             "writes resumed %.0f ms after +switch-master"
                             % ((first - switched_at) * 1000))

        new_port = int(msg.split()[4])
        self.assertNotEqual(new_port, topo.primary.port)
        new = topo.by_port(new_port)
        self.assertEqual(role(new), "master")
        # (b) every acknowledged posting is on the new primary
        held = postings_on(new)
        missing = [i for i in writer.acked() if i not in held]
        self.assertEqual(missing, [], "acknowledged and lost")
        # (c) both daemons' matches agree with the new primary
        for d in daemons:
            c = d.client(h.STAFF)
            self.addCleanup(c.close)
            h.wait_until(lambda: matched(c) == held, timeout=30,
                         what="daemon %d's matches to equal the new "
                         "primary's postings" % d.port)
        # (d) both still serve, and write to the new primary
        for d in daemons:
            self.assertTrue(d.running())
        staff.result("job.post", {"job": h.job("after")})
        self.assertIsNotNone(new.cmd("HGET", "jm:job:emp-a:after",
                                     "version"))
        self.assertIn("redis: the sentinels switched %s" % NAME,
                      a.log_text())
        for d in daemons:
            d.stop()


if __name__ == "__main__":
    h.main()

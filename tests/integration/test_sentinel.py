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
                 failover_ms=4000, name=NAME, password=None):
        self.dir = tempfile.mkdtemp(prefix="jm-sentinel-")
        self.port = h.free_port()
        self.conf = os.path.join(self.dir, "sentinel.conf")
        self.log = os.path.join(self.dir, "sentinel.log")
        self.proc = None
        self.password = password
        with open(self.conf, "w") as f:
            f.write("bind 127.0.0.1\nport %d\ndir %s\n"
                    "sentinel monitor %s 127.0.0.1 %d %d\n"
                    "sentinel down-after-milliseconds %s %d\n"
                    "sentinel failover-timeout %s %d\n"
                    "sentinel parallel-syncs %s 2\n"
                    % (self.port, self.dir, name, monitor_port, quorum,
                       name, down_ms, name, failover_ms, name))
            if password is not None:
                f.write("requirepass %s\n" % password)

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
            if self.password is not None:
                s.sendall(h._resp_encode(("AUTH", self.password)))
                h._RespReader(s).read()
            s.sendall(h._resp_encode(args))
            return h._RespReader(s).read()

    def signal(self, sig):
        self.proc.send_signal(sig)

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
            self.proc.send_signal(signal.SIGCONT)
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
    """job.post w0, w1, ... to a daemon every ~20 ms (interval) until
    stopped: for each, the monotonic time it was sent and answered, and
    whether it was acknowledged (a result) or its error."""

    def __init__(self, daemon, prefix="w", interval=0.02):
        super().__init__(daemon=True)
        self.d = daemon
        self.prefix = prefix
        self.interval = interval
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
                self.halt.wait(self.interval)
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
        self.primary = h.redis_for(test)
        self.replicas = [h.redis_for(test, replica_of=self.primary)
                         for _ in range(2)]
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

        # The old primary, restarted on its port, comes back as a
        # replica of the new one; the daemons keep writing to the new.
        old = topo.primary
        old.start()
        h.wait_until(lambda: role(old) == "slave", timeout=60,
                     what="the old primary to become a replica")
        staff.result("job.post", {"job": h.job("back")})
        self.assertIsNotNone(new.cmd("HGET", "jm:job:emp-a:back",
                                     "version"))
        self.assertEqual(role(new), "master")
        for d in daemons:
            self.assertNotIn("READONLY", d.log_text())
            d.stop()


class MissedSwitchTest(unittest.TestCase):

    def test_frozen_sentinel_is_left(self):
        """The sentinel a daemon follows is frozen (SIGSTOP: its
        connection stays open, its +switch-master never comes) while
        another fails the primary over: the daemon, asking the sentinel
        it follows every redis_sentinel_check_ms, finds it silent and
        follows one that answers; a daemon that practically never asks
        stays on the frozen one."""
        topo = Topology(self)
        old = topo.primary
        lines = sentinel_lines(topo.sentinels) + ["redis_timeout_ms 1000"]
        a = h.Daemon(None, extra=lines + ["redis_sentinel_check_ms 300"])
        b = h.Daemon(None, extra=lines + [
            "redis_sentinel_check_ms 3600000"])
        frozen = topo.sentinels[0]
        for d in (a, b):
            self.addCleanup(d.cleanup)
            d.start()
            d.wait_log("sentinel: following +switch-master on "
                       "127.0.0.1:%d" % frozen.port)
        with a.client(h.STAFF) as c:
            c.result("employer.put", {"employer": h.EMPLOYER_A})
        frozen.signal(signal.SIGSTOP)
        self.addCleanup(frozen.signal, signal.SIGCONT)
        self.assertEqual(topo.sentinels[1].cmd("SENTINEL", "FAILOVER",
                                               NAME), "OK")
        h.wait_until(lambda: topo.sentinels[1].primary_port() != old.port,
                     timeout=60, what="the forced failover")
        new = topo.by_port(topo.sentinels[1].primary_port())
        # (until the sentinels demote it, the old primary takes writes
        # that the demotion loses: without redis_wait_replicas, Sentinel
        # promises no more)
        h.wait_until(lambda: role(old) == "slave", timeout=60,
                     what="the old primary to be a replica")
        a.wait_log("sentinel 127.0.0.1:%d: no answer where the primary "
                   "is; following +switch-master on another"
                   % frozen.port, timeout=30)
        others = ["sentinel: following +switch-master on 127.0.0.1:%d"
                  % s.port for s in topo.sentinels[1:]]
        h.wait_until(lambda: any(x in a.log_text() for x in others),
                     timeout=30, what="a to follow another sentinel")
        # both write to the new primary (the sentinels close the links
        # of a demoted primary: each link asks again)
        for d, jid in ((a, "by-a"), (b, "by-b")):
            with d.client(h.STAFF) as c:
                h.wait_until(lambda: "result" in c.call(
                    "job.post", {"job": h.job(jid)}), timeout=30,
                    what="a write after the failover")
            self.assertIsNotNone(new.cmd("HGET", "jm:job:emp-a:" + jid,
                                         "version"))
        self.assertFalse(any(x in b.log_text() for x in others))
        self.assertNotIn("no answer where the primary is", b.log_text())
        frozen.signal(signal.SIGCONT)
        for d in (a, b):
            self.assertTrue(d.running())
            d.stop()

    def test_demoted_under_the_daemon(self):
        """The primary made a replica by hand (REPLICAOF: its clients'
        links stay open, no sentinel switched): a write answered
        READONLY makes the daemon ask the sentinels again, and ROLE then
        refuses what they still name."""
        primary = h.redis_for(self)
        other = h.redis_for(self)
        s = Sentinel(primary.port, quorum=1, down_ms=60000)
        self.addCleanup(s.cleanup)
        s.start()
        d = h.Daemon(None, extra=sentinel_lines([s]))
        self.addCleanup(d.cleanup)
        d.start()
        with d.client(h.STAFF) as c:
            c.result("employer.put", {"employer": h.EMPLOYER_A})
            primary.cmd("REPLICAOF", "127.0.0.1", str(other.port))
            h.wait_until(lambda: role(primary) == "slave",
                         what="the primary to be a replica")
            c.error("job.post", {"job": h.job("ro")},
                    code=h.STORE_UNAVAILABLE)
        d.wait_log("redis: a write was answered READONLY: asking the "
                   "sentinels where the primary is")
        d.wait_log("redis: 127.0.0.1:%d named by the sentinels is not a "
                   "primary (role: slave); asking the sentinels again"
                   % primary.port)
        self.assertTrue(d.running())
        d.stop()


def stats_store(d):
    with d.client(h.STAFF) as c:
        return c.result("stats", {})["store"]


class SentinelsDownTest(unittest.TestCase):
    """A primary and three sentinels; no replica needed."""

    def setUp(self):
        self.redis = h.redis_for(self)
        self.sentinels = []
        for _ in range(3):
            s = Sentinel(self.redis.port)
            self.addCleanup(s.cleanup)
            self.sentinels.append(s.start())

    def test_all_sentinels_down(self):
        d = h.Daemon(None, extra=sentinel_lines(self.sentinels))
        self.addCleanup(d.cleanup)
        d.start()
        d.wait_log("sentinel: following +switch-master")
        staff = d.client(h.STAFF)
        self.addCleanup(staff.close)
        staff.result("employer.put", {"employer": h.EMPLOYER_A})
        for s in self.sentinels:
            s.kill()
        # the link it holds keeps serving
        d.wait_log("subscription lost")
        staff.result("job.post", {"job": h.job("held")})
        self.assertIsNotNone(self.redis.cmd("HGET", "jm:job:emp-a:held",
                                            "version"))
        d.stop()

        # started with every sentinel down: honest errors, and its
        # trouble names the sentinels
        d.start(wait_loaded=False)
        d.wait_log("no sentinel answered for %s" % NAME)
        st = stats_store(d)
        self.assertFalse(st["loaded"])
        self.assertIn("no sentinel answered for %s: 127.0.0.1:%d: "
                      "cannot connect" % (NAME, self.sentinels[0].port),
                      st["link_error"])
        with d.client(h.STAFF) as c:
            c.error("job.post", {"job": h.job("down")},
                    code=h.STORE_UNAVAILABLE)
        # one sentinel back: it connects and loads
        self.sentinels[1].start()
        h.wait_until(lambda: stats_store(d)["loaded"], timeout=30,
                     what="the daemon to load once a sentinel is back")
        with d.client(h.STAFF) as c:
            c.result("job.post", {"job": h.job("back")})
        self.assertIsNone(self.redis.cmd("HGET", "jm:job:emp-a:down",
                                         "version"))
        d.stop()


class NamedAddressTest(unittest.TestCase):

    def test_named_address_refuses(self):
        """A sentinel naming a port nothing listens on: said, tried
        again, and connected once a Redis listens there."""
        later = h.Redis()
        self.addCleanup(later.cleanup)
        s = Sentinel(later.port, quorum=1)
        self.addCleanup(s.cleanup)
        s.start()
        d = h.Daemon(None, extra=sentinel_lines([s]))
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        d.wait_log("redis: cannot connect to 127.0.0.1:%d (named by the "
                   "sentinels): Connection refused" % later.port)
        self.assertIn("cannot connect to 127.0.0.1:%d (named by the "
                      "sentinels)" % later.port, stats_store(d)["link_error"])
        later.start()
        h.wait_until(lambda: stats_store(d)["loaded"], timeout=30,
                     what="the daemon to load once Redis listens")
        with d.client(h.STAFF) as c:
            c.result("employer.put", {"employer": h.EMPLOYER_A})
        self.assertEqual(later.cmd("EXISTS", "jm:employer:emp-a"), 1)
        d.stop()

    def test_named_replica_is_refused(self):
        """A sentinel naming a replica: ROLE refuses it, on both links,
        and nothing is written."""
        primary = h.redis_for(self)
        replica = h.redis_for(self, replica_of=primary)
        s = Sentinel(replica.port, quorum=1, down_ms=60000)
        self.addCleanup(s.cleanup)
        s.start()
        d = h.Daemon(None, extra=sentinel_lines([s]))
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        why = ("127.0.0.1:%d named by the sentinels is not a primary "
               "(role: slave)" % replica.port)
        d.wait_log("redis: %s; asking the sentinels again" % why)
        d.wait_log("change stream: %s" % why)
        self.assertEqual(stats_store(d)["link_error"], why)
        self.assertFalse(stats_store(d)["loaded"])
        with d.client(h.STAFF) as c:
            c.error("employer.put", {"employer": h.EMPLOYER_A},
                    code=h.STORE_UNAVAILABLE)
        self.assertEqual(primary.cmd("DBSIZE"), 0)
        self.assertEqual(replica.cmd("DBSIZE"), 0)
        self.assertNotIn("redis: connected", d.log_text())
        d.stop()

    def test_lagging_sentinel_passed_over(self):
        """The first sentinel names a replica (one cut off from the
        others names what it last knew): after ROLE refuses it, the next
        round asks another sentinel first, and the daemon gets to the
        primary the others name."""
        primary = h.redis_for(self)
        replica = h.redis_for(self, replica_of=primary)
        lagging = Sentinel(replica.port, quorum=1, down_ms=60000)
        self.addCleanup(lagging.cleanup)
        lagging.start()
        good = Sentinel(primary.port, quorum=1, down_ms=60000)
        self.addCleanup(good.cleanup)
        good.start()
        d = h.Daemon(None, extra=sentinel_lines([lagging, good]))
        self.addCleanup(d.cleanup)
        d.start(wait_loaded=False)
        h.wait_until(lambda: stats_store(d)["loaded"], timeout=30,
                     what="the daemon to load from the primary")
        self.assertIn("127.0.0.1:%d named by the sentinels is not a "
                      "primary" % replica.port, d.log_text())
        with d.client(h.STAFF) as c:
            c.result("employer.put", {"employer": h.EMPLOYER_A})
        self.assertEqual(primary.cmd("EXISTS", "jm:employer:emp-a"), 1)
        d.stop()

    def test_sentinel_password(self):
        """Sentinels with a password of their own
        (redis_sentinel_password_file): the right one subscribes and
        connects; a wrong one is refused, said, and never logged."""
        redis = h.redis_for(self)
        s = Sentinel(redis.port, quorum=1, password="sentinel-pw-ZQX")
        self.addCleanup(s.cleanup)
        s.start()
        dir = tempfile.mkdtemp(prefix="jm-sentinel-pw-")
        self.addCleanup(shutil.rmtree, dir, True)
        pw = os.path.join(dir, "pw")
        for secret, ok in (("sentinel-pw-ZQX", True),
                           ("wrong-pw-ZQX", False)):
            with open(pw, "w") as f:
                f.write(secret + "\n")
            os.chmod(pw, 0o600)
            d = h.Daemon(None, extra=sentinel_lines([s]) + [
                "redis_sentinel_password_file %s" % pw])
            self.addCleanup(d.cleanup)
            d.start(wait_loaded=ok)
            if ok:
                d.wait_log("sentinel: following +switch-master")
            else:
                d.wait_log("refused authentication (check "
                           "redis_sentinel_password_file)")
                self.assertIn("refused authentication",
                              stats_store(d)["link_error"])
                self.assertFalse(stats_store(d)["loaded"])
            d.stop()
            self.assertNotIn(secret, d.log_text(whole=True))


class ConfigTest(unittest.TestCase):

    def check(self, lines):
        dir = tempfile.mkdtemp(prefix="jm-sentinel-conf-")
        self.addCleanup(shutil.rmtree, dir, True)
        path = os.path.join(dir, "jobmatchd.conf")
        with open(path, "w") as f:
            f.write("\n".join(["towns_file %s" % os.path.join(
                h.DATA_DIR, "towns.tsv")] + lines) + "\n")
        return h.run_daemon(["--check-config", "-c", path])

    def refused(self, lines, msg):
        r = self.check(lines)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(msg, r.stderr)

    def test_refusals(self):
        ok = ["redis_sentinel 127.0.0.1:26379",
              "redis_sentinel sentinel-2.example:26379",
              "redis_sentinel [::1]:26380", "redis_master_name m"]
        r = self.check(ok)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.refused(["redis_master_name m"],
                     "redis_master_name needs redis_sentinel")
        self.refused(["redis_sentinel 127.0.0.1:26379"],
                     "redis_sentinel needs redis_master_name")
        self.refused(ok + ["redis /run/redis.sock"],
                     "redis and redis_sentinel are both given")
        self.refused(ok + ["redis 127.0.0.1:6379"],
                     "redis and redis_sentinel are both given")
        for bad in ("127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000",
                    "bad!host:1", ":26379"):
            self.refused(["redis_sentinel %s" % bad, "redis_master_name m"],
                         "redis_sentinel: expected HOST:PORT")
        self.refused(ok + ["redis_sentinel 127.0.0.1:26379"],
                     "the same sentinel is given twice")
        self.refused(["redis_sentinel 127.0.0.1:%d" % (26000 + i)
                      for i in range(17)] + ["redis_master_name m"],
                     "more than 16 sentinels")
        self.refused(ok[:1] + ["redis_master_name " + "n" * 128],
                     "redis_master_name: name longer than 127 bytes")
        pw = os.path.join(tempfile.mkdtemp(prefix="jm-sentinel-pw-"), "pw")
        self.addCleanup(shutil.rmtree, os.path.dirname(pw), True)
        with open(pw, "w") as f:
            f.write("secret\n")
        os.chmod(pw, 0o644)
        self.refused(ok + ["redis_sentinel_password_file %s" % pw],
                     "redis_sentinel_password_file: %s: mode 0644" % pw)
        os.chmod(pw, 0o600)
        self.refused(["redis_sentinel_password_file %s" % pw],
                     "redis_sentinel_password_file needs redis_sentinel")
        r = self.check(ok + ["redis_sentinel_password_file %s" % pw])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("secret", r.stdout + r.stderr)


if __name__ == "__main__":
    h.main()

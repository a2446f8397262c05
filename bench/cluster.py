# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
bench/cluster.py - the client side of bench/cluster.sh: drives matches (a
kiosk's token) and job.post writes (an employer's token) through HAProxy,
SIGKILLs one daemon and then the Redis primary at set times, and prints
what the clients saw: requests answered a second, errors by kind, the
window without acknowledged writes, when HAProxy marked the dead daemon
down and when the sentinels named a new primary. Prints figures; never
passes or fails on them.

A client does what a kiosk or an HR system should: a connection that
breaks is opened again (through the proxy) and the request sent again: a
match is a read, and job.post is an idempotent upsert, so sending it again
is safe even when the first one was applied ("unknown" below).

Standard library only; one thread a connection.
"""
import argparse
import json
import os
import signal
import socket
import sys
import threading
import time

PHASES = ("all up", "one daemon killed", "primary killed")


def now():
    return time.monotonic()


class Resp:
    """Just enough of Redis's protocol for SENTINEL and EXISTS."""

    def __init__(self, port, timeout=1.0):
        self.s = socket.create_connection(("127.0.0.1", port), timeout)
        self.buf = b""

    def close(self):
        self.s.close()

    def _line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise ConnectionError("closed")
            self.buf += d
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b":"):
            return rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                d = self.s.recv(65536)
                if not d:
                    raise ConnectionError("closed")
                self.buf += d
            v, self.buf = self.buf[:n], self.buf[n + 2:]
            return v.decode()
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)

    def cmd(self, *args):
        self.send(*args)
        return self._read()


class Conn:
    """A JSON-RPC connection through the proxy, with one request at a
    time and a read timeout."""

    def __init__(self, addr, token, timeout):
        host, port = addr.rsplit(":", 1)
        self.s = socket.create_connection((host, int(port)), timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.s.settimeout(timeout)
        self.buf = b""
        self.id = 0
        r = self.call("hello", {"token": token})
        if "error" in r:
            raise RpcError(r["error"])

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def call(self, method, params):
        self.id += 1
        self.s.sendall(json.dumps({"jsonrpc": "2.0", "id": self.id,
                                   "method": method, "params": params},
                                  ensure_ascii=False).encode() + b"\n")
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError()
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)


class RpcError(Exception):
    def __init__(self, err):
        super().__init__(err.get("message"))
        self.err = err


def error_kind(err):
    """An answer's error as a kind: its code, and for -32004 whether it
    was applied (or the daemon's reason)."""
    code = err.get("code")
    data = err.get("data") or {}
    if code == -32004:
        if "reason" in data:
            return "-32004 (%s)" % data["reason"]
        a = data.get("applied")
        return "-32004 (applied: %s)" % ("unknown" if a == "unknown" else
                                         json.dumps(a))
    return "%s %s" % (code, err.get("message", ""))


def exc_kind(e, stage):
    if isinstance(e, RpcError):
        return "hello answered " + error_kind(e.err)
    if isinstance(e, EOFError):
        return "%s: connection closed (EOF)" % stage
    if isinstance(e, ConnectionResetError):
        return "%s: connection reset" % stage
    if isinstance(e, ConnectionRefusedError):
        return "%s: connection refused" % stage
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "%s: no answer within the timeout" % stage
    if isinstance(e, BrokenPipeError):
        return "%s: broken pipe" % stage
    return "%s: %s" % (stage, type(e).__name__)


class Run:
    def __init__(self, a):
        self.a = a
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.t0 = now()
        self.marks = [0.0, None, None]   # phase starts, seconds from t0
        self.ok = {"match": [0, 0, 0], "write": [0, 0, 0]}
        self.errors = {}                 # (phase, kind) -> count
        self.acks = []                   # (sent, acknowledged, id, writer)
        self.retried = {"match": 0, "write": 0}
        self.unknown_writes = 0
        self.haproxy = []                # (t, {server: status})
        self.killed = None               # (name, pid)
        self.primary = None              # (t, "host:port") named by sentinels
        self.primaries = []
        self.lost_check = None

    def t(self):
        return now() - self.t0

    def phase(self, t):
        p = 0
        for i, m in enumerate(self.marks):
            if m is not None and t >= m:
                p = i
        return p

    def error(self, kind):
        """Counts an error in the phase in which it was seen."""
        with self.lock:
            k = (self.phase(self.t()), kind)
            self.errors[k] = self.errors.get(k, 0) + 1

    # ---- the clients ----------------------------------------------------

    def connect(self, token):
        while not self.stop.is_set():
            try:
                return Conn(self.a.rpc, token, self.a.timeout)
            except Exception as e:     # noqa: BLE001 - counted by kind
                self.error(exc_kind(e, "connect"))
                time.sleep(0.05)
        return None

    def matcher(self, n):
        profiles = [
            {"disability": {"type": "physical", "grade": 3},
             "town": "500231001000", "skills": ["包装", "沟通"],
             "max_distance_km": 20},
            {"disability": {"type": "hearing", "grade": 2},
             "town": "500231002000", "skills": ["电商", "打字", "文员"],
             "max_distance_km": 10},
            {"disability": {"type": "visual", "grade": 1},
             "town": "500231101000", "skills": ["音乐"],
             "max_distance_km": 40},
        ]
        c = None
        i = n
        retry = False
        while not self.stop.is_set():
            if c is None:
                c = self.connect(self.a.kiosk)
                if c is None:
                    return
            t = self.t()
            try:
                r = c.call("match", {"profile": profiles[i % len(profiles)],
                                     "limit": 10})
            except Exception as e:     # noqa: BLE001
                self.error(exc_kind(e, "match"))
                c.close()
                c = None
                retry = True
                continue
            if "error" in r:
                self.error("match answered " + error_kind(r["error"]))
                time.sleep(0.05)
                continue
            with self.lock:
                self.ok["match"][self.phase(t)] += 1
                if retry:
                    self.retried["match"] += 1
            retry = False
            i += 1
        if c:
            c.close()

    def writer(self, n):
        c = None
        i = 0
        retry = False
        while not self.stop.is_set():
            if c is None:
                c = self.connect(self.a.hr)
                if c is None:
                    return
            jid = "cl-%s-%d-%d" % (self.a.run_id, n, i)
            job = {"id": jid, "employer_id": self.a.employer,
                   "title": "包装工 %d" % i, "skills": ["包装", "沟通"],
                   "accessible_for": ["physical", "hearing"],
                   "employment_type": "full_time", "town": "500231001000",
                   "openings": 1}
            t = self.t()
            try:
                r = c.call("job.post", {"job": job})
            except Exception as e:     # noqa: BLE001
                # Sent, and the connection broke: applied or not, nobody
                # knows; job.post is an upsert, so it is sent again.
                self.error(exc_kind(e, "job.post"))
                with self.lock:
                    self.unknown_writes += 1
                c.close()
                c = None
                retry = True
                continue
            if "error" in r:
                self.error("job.post answered " + error_kind(r["error"]))
                retry = True
                time.sleep(0.05)
                continue
            with self.lock:
                self.ok["write"][self.phase(t)] += 1
                self.acks.append((t, self.t(), jid, n))
                if retry:
                    self.retried["write"] += 1
            retry = False
            i += 1
        if c:
            c.close()

    # ---- what the operators' tools see ----------------------------------

    def show_stat(self):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(1.0)
        try:
            s.connect(self.a.stats_socket)
            s.sendall(b"show stat\n")
            out = b""
            while True:
                d = s.recv(65536)
                if not d:
                    break
                out += d
        finally:
            s.close()
        lines = out.decode().splitlines()
        head = lines[0].lstrip("# ").split(",")
        rows = []
        for ln in lines[1:]:
            if ln:
                rows.append(dict(zip(head, ln.split(","))))
        return rows

    def servers(self, backend="jobmatchd_rpc"):
        return {r["svname"]: r for r in self.show_stat()
                if r["pxname"] == backend
                and r["svname"] not in ("FRONTEND", "BACKEND")}

    def poll_haproxy(self):
        last = None
        while not self.stop.is_set():
            try:
                st = {k: v["status"] for k, v in self.servers().items()}
            except (OSError, IndexError):
                st = None
            if st is not None and st != last:
                with self.lock:
                    self.haproxy.append((self.t(), st))
                last = st
            time.sleep(0.1)

    def sentinel_primary(self):
        for port in self.a.sentinels:
            try:
                r = Resp(port, 0.5)
                try:
                    a = r.cmd("SENTINEL", "get-master-addr-by-name",
                              self.a.master_name)
                finally:
                    r.close()
                if a:
                    return "%s:%s" % (a[0], a[1])
            except (OSError, RuntimeError, ConnectionError):
                continue
        return None

    def poll_sentinels(self):
        last = None
        while not self.stop.is_set():
            p = self.sentinel_primary()
            if p is not None and p != last:
                with self.lock:
                    self.primaries.append((self.t(), p))
                last = p
            time.sleep(0.1)

    # ---- the run ---------------------------------------------------------

    def kill_busiest_daemon(self):
        """SIGKILL the daemon with the most proxied connections now."""
        srv = self.servers()
        name = max(sorted(self.a.daemon_pids),
                   key=lambda k: int(srv.get(k, {}).get("scur") or 0))
        pid = self.a.daemon_pids[name]
        os.kill(pid, signal.SIGKILL)
        self.killed = (name, pid, int(srv.get(name, {}).get("scur") or 0))

    def sleep_until(self, t):
        while self.t() < t and not self.stop.is_set():
            time.sleep(min(0.05, max(0.0, t - self.t())))

    def go(self):
        a = self.a
        threads = [threading.Thread(target=self.poll_haproxy, daemon=True),
                   threading.Thread(target=self.poll_sentinels, daemon=True)]
        threads += [threading.Thread(target=self.matcher, args=(i,),
                                     daemon=True) for i in range(a.matchers)]
        threads += [threading.Thread(target=self.writer, args=(i,),
                                     daemon=True) for i in range(a.writers)]
        for th in threads:
            th.start()
        self.sleep_until(a.kill_daemon_at)
        self.marks[1] = self.t()
        self.kill_busiest_daemon()
        print("t=%5.1f s  SIGKILL daemon %s (pid %d, %d connections through "
              "the proxy)" % (self.marks[1], *self.killed), flush=True)
        self.sleep_until(a.kill_primary_at)
        self.marks[2] = self.t()
        os.kill(a.primary_pid, signal.SIGKILL)
        print("t=%5.1f s  SIGKILL the Redis primary (127.0.0.1:%d, pid %d)"
              % (self.marks[2], a.primary_port, a.primary_pid), flush=True)
        self.sleep_until(a.duration)
        self.end = self.t()
        self.stop.set()
        for th in threads:
            th.join(a.timeout + 2)
        self.check_lost()

    def check_lost(self):
        """Acknowledged writes missing from the primary the sentinels name
        at the end (the promoted replica, after a failover)."""
        p = self.sentinel_primary()
        if p is None:
            return
        try:
            r = Resp(int(p.rsplit(":", 1)[1]), 5.0)
        except OSError:
            return
        try:
            missing = 0
            ids = [ack[2] for ack in self.acks]
            for k in range(0, len(ids), 500):
                part = ids[k:k + 500]
                for jid in part:
                    r.send("EXISTS", "%sjob:%s:%s" % (self.a.key_prefix,
                                                        self.a.employer, jid))
                for _ in part:
                    missing += r._read() == "0"
            self.lost_check = (p, len(ids), missing)
        except (OSError, RuntimeError, ConnectionError):
            pass
        finally:
            r.close()

    # ---- the report ------------------------------------------------------

    def report(self):
        a = self.a
        marks = self.marks + [self.end]
        print()
        print("== Through HAProxy %s: %d match connections (kiosk token), %d "
              "job.post connections (an employer's token), one request in "
              "flight each; client timeout %.1f s" % (
                  a.rpc, a.matchers, a.writers, a.timeout))
        print("%-20s %8s %10s %9s %8s" % ("phase", "seconds", "matches/s",
                                          "writes/s", "errors"))
        for p in range(3):
            d = marks[p + 1] - marks[p]
            errs = sum(v for (ph, _), v in self.errors.items() if ph == p)
            print("%-20s %8.1f %10.0f %9.0f %8d" % (
                PHASES[p], d, self.ok["match"][p] / d,
                self.ok["write"][p] / d, errs))
        print()
        print("Errors seen by clients (each is followed by a reconnect and "
              "the same request again):")
        if not self.errors:
            print("  none")
        kinds = sorted({k for _, k in self.errors})
        for k in kinds:
            row = [self.errors.get((p, k), 0) for p in range(3)]
            print("  %-58s %s" % (k, "  ".join(
                "%s %d" % (PHASES[p], row[p]) for p in range(3) if row[p])))
        print("  matches answered after a reconnect: %d; writes "
              "acknowledged after a retry: %d; writes whose connection "
              "broke before the answer (applied or not: unknown, sent "
              "again): %d" % (self.retried["match"], self.retried["write"],
                              self.unknown_writes))
        print()
        self.report_writes(marks)
        print()
        self.report_haproxy()
        print()
        self.report_failover()

    def report_writes(self, marks):
        for p, label in ((1, "the daemon's kill"), (2, "the primary's kill")):
            start, end = marks[p], marks[p + 1]
            after = [(sent, ack) for sent, ack, _, _ in self.acks
                     if sent >= start and ack < end]
            if after:
                print("Writes after %s (t=%.1f s): the first one sent after "
                      "it and acknowledged was acknowledged %.2f s after "
                      "the kill" % (label, start, after[0][1] - start))
            else:
                print("Writes after %s (t=%.1f s): none sent after it was "
                      "acknowledged in the %.1f s to the phase's end" % (
                          label, start, end - start))
            # The longest a writer went without an acknowledgement.
            gaps = []
            for w in range(self.a.writers):
                mine = [a for _, a, _, wr in self.acks if wr == w]
                acks = [a for a in mine if a < start][-1:]
                acks += [a for a in mine if start <= a < end] + [end]
                gaps += [(b - a, a, b, w) for a, b in zip(acks, acks[1:])]
            if gaps:
                g = max(gaps)
                print("  the longest a writer went without an "
                      "acknowledgement: %.2f s (writer %d, t=%.1f to %.1f "
                      "s%s)" % (g[0], g[3], g[1], g[2],
                                ", the end of the phase" if g[2] == end
                                else ""))

    def report_haproxy(self):
        name, pid, conns = self.killed
        print("HAProxy (show stat, backend jobmatchd_rpc), the status of "
              "each daemon as it changed:")
        for t, st in self.haproxy:
            print("  t=%5.1f s  %s" % (t, "  ".join(
                "%s %s" % kv for kv in sorted(st.items()))))
        down = [t for t, st in self.haproxy
                if t >= self.marks[1] and st.get(name, "").startswith("DOWN")]
        if down:
            print("  %s was taken out %.2f s after its SIGKILL" % (
                name, down[0] - self.marks[1]))
        else:
            print("  %s was NOT marked down" % name)
        try:
            srv = self.servers()
            print("  sessions served (stot): " + "  ".join(
                "%s %s" % (k, srv[k]["stot"]) for k in sorted(srv)))
        except (OSError, IndexError, KeyError):
            pass

    def report_failover(self):
        print("Sentinels (SENTINEL get-master-addr-by-name %s), the primary "
              "they name:" % self.a.master_name)
        for t, p in self.primaries:
            print("  t=%5.1f s  %s" % (t, p))
        moved = [t for t, p in self.primaries if t >= self.marks[2]]
        if moved:
            print("  a new primary named %.2f s after the primary's SIGKILL"
                  % (moved[0] - self.marks[2]))
        else:
            print("  no new primary named before the end")
        if self.lost_check:
            p, n, missing = self.lost_check
            print("  acknowledged writes missing from %s (the primary at the "
                  "end): %d of %d" % (p, missing, n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rpc", required=True, help="HAProxy's JSON-RPC address")
    ap.add_argument("--stats-socket", required=True)
    ap.add_argument("--daemon", action="append", default=[],
                    help="NAME=PID, as HAProxy's server names")
    ap.add_argument("--primary-pid", type=int, required=True)
    ap.add_argument("--primary-port", type=int, required=True)
    ap.add_argument("--sentinel", type=int, action="append", default=[])
    ap.add_argument("--master-name", default="jobmatchd")
    ap.add_argument("--key-prefix", default="jm:")
    ap.add_argument("--employer", required=True)
    ap.add_argument("--matchers", type=int, default=4)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--kill-daemon-at", type=float, default=8.0)
    ap.add_argument("--kill-primary-at", type=float, default=20.0)
    ap.add_argument("--duration", type=float, default=40.0)
    ap.add_argument("--timeout", type=float, default=2.0)
    a = ap.parse_args()
    a.kiosk = os.environ["JM_KIOSK_TOKEN"]
    a.hr = os.environ["JM_HR_TOKEN"]
    a.daemon_pids = {k: int(v) for k, v in
                     (d.split("=", 1) for d in a.daemon)}
    a.sentinels = a.sentinel
    a.run_id = "%x" % int(time.time())
    run = Run(a)
    run.go()
    run.report()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)

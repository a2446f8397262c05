# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
harness.py - shared helpers of the integration tests: a real redis-server on
a free port, the real jobmatchd and jobmatch binaries, raw sockets.

Environment (set by tests/CMakeLists.txt):
  JOBMATCHD      the daemon binary
  JOBMATCH       the client binary
  JM_SOURCE_DIR  the repository root (data/ is read from there)
  JM_TEST_TAG    names the build in the test process's directory (below,
                 "child processes")

Nothing here asserts on timing: waits poll with generous timeouts that only
keep a broken build from hanging the test run.
"""
import atexit
import ctypes
import hashlib
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Plain tokens; the daemon's config holds their SHA-256 digests.
TOKENS = {
    "kiosk": "kiosk-token-1",
    "staff": "staff-token-1",
    "employer:emp-a": "emp-a-token-1",
    "employer:emp-b": "emp-b-token-1",
}
KIOSK = TOKENS["kiosk"]
STAFF = TOKENS["staff"]
EMP_A = TOKENS["employer:emp-a"]
EMP_B = TOKENS["employer:emp-b"]

# JSON-RPC and application error codes of PROTOCOL.md.
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
UNAUTHORIZED = -32001
NOT_FOUND = -32002
CONFLICT = -32003
STORE_UNAVAILABLE = -32004
BUSY = -32005

DEFAULT_TIMEOUT = 10.0


class HarnessError(Exception):
    """The test environment is broken (not a failed expectation)."""


def _env_path(name, fallback):
    v = os.environ.get(name)
    if v:
        return v
    if fallback is not None and os.path.exists(fallback):
        return fallback
    raise HarnessError(
        "environment variable %s is not set (run the tests through ctest, "
        "or set JOBMATCHD, JOBMATCH and JM_SOURCE_DIR)" % name)


SOURCE_DIR = _env_path("JM_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
# No guessing for the binaries: a stale build would test the wrong code.
JOBMATCHD = _env_path("JOBMATCHD", None)
JOBMATCH = _env_path("JOBMATCH", None)
DATA_DIR = os.path.join(SOURCE_DIR, "data")

for _p in (JOBMATCHD, JOBMATCH):
    if not os.access(_p, os.X_OK):
        raise HarnessError("%s is not an executable" % _p)
if shutil.which("redis-server") is None:
    raise HarnessError("redis-server is not in PATH; the integration tests "
                       "need a real Redis")


# ---- child processes -------------------------------------------------------
#
# Every process a test starts is stopped when the test process ends, however
# it ends, and can be told apart from every other process on the machine:
#  - spawn() starts it with PR_SET_PDEATHSIG (SIGKILL when the test process
#    dies, even by SIGKILL or ctest's timeout). The signal follows the
#    thread that forked, not the process, so spawn() always forks from
#    threads that live as long as the process: the main thread, or one
#    spawner thread for calls from other threads (a child of a worker
#    thread would be killed when that thread ends).
#  - The test process is a child subreaper (PR_SET_CHILD_SUBREAPER): a
#    process its children leave behind (a redis-server that daemonizes, a
#    forked child whose parent was killed) becomes its child, not init's,
#    and is killed at exit with every other child still running.
#  - Everything runs in, and every temporary file of the test process is
#    made under, ROOT, a directory named jm-test-TAG-PID-...: TAG names
#    the build (JM_TEST_TAG, set by tests/CMakeLists.txt) and PID the test
#    process. A process whose working directory or command line names a
#    ROOT whose test process is gone was left behind:
#    tests/check_processes.py, run by ctest after the integration tests,
#    fails on any and kills them.

_children = []
_daemons = []       # every Daemon of this process, for logs on failure
_PID = os.getpid()
TAG = re.sub(r"[^A-Za-z0-9]", "", os.environ.get("JM_TEST_TAG", "")) or "x"
ROOT = tempfile.mkdtemp(prefix="jm-test-%s-%d-" % (TAG, _PID))
tempfile.tempdir = ROOT     # every mkdtemp of the tests too
_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _die_with_parent():
    """In the child: SIGKILL it when the test process dies; and exit now if
    the test process died before the call could take effect."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != _PID:
        os._exit(127)


class _Spawner(threading.Thread):
    """The one thread that forks for spawn() calls made by other threads
    than the main one; it lives as long as the process."""

    def __init__(self):
        super().__init__(name="spawner", daemon=True)
        self.calls = queue.Queue()
        self.start()

    def run(self):
        while True:
            fn, out, done = self.calls.get()
            try:
                out.append(fn())
            except BaseException as e:
                out.append(e)
            done.set()

    def call(self, fn):
        """fn() run on this thread: its value, or its exception raised."""
        out, done = [], threading.Event()
        self.calls.put((fn, out, done))
        done.wait()
        if isinstance(out[0], BaseException):
            raise out[0]
        return out[0]


_spawner = None
_spawner_lock = threading.Lock()


def spawn(args, **kw):
    """subprocess.Popen(args, **kw) of a process that the end of the test
    process stops (see above); its working directory is ROOT unless kw
    gives one."""
    global _spawner
    kw.setdefault("cwd", ROOT)

    def start():
        return subprocess.Popen(args, preexec_fn=_die_with_parent, **kw)

    if threading.current_thread() is threading.main_thread():
        p = start()
    else:
        with _spawner_lock:
            if _spawner is None:
                _spawner = _Spawner()
        p = _spawner.call(start)
    _children.append(p)
    return p


def _orphans():
    """The pids of the processes whose parent is this one (the children
    the subreaper took in, and any other still running)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == _PID:
            pids.append(int(name))
    return pids


@atexit.register
def _reap_children():
    for p in _children:
        if p.poll() is None:
            p.kill()
            p.wait()
    # what the children left behind, and children not made by spawn()
    for _ in range(10):
        pids = _orphans()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in pids:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    shutil.rmtree(ROOT, ignore_errors=True)


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, timeout=20.0, interval=0.05, what="condition"):
    """Polls pred() until it returns a true value, which is returned.
    Raises AssertionError naming `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            v = pred()
            if v:
                return v
            last_exc = None
        except (OSError, ConnectionError) as e:
            last_exc = e
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s%s" % (
                timeout, what,
                " (last error: %r)" % last_exc if last_exc else ""))
        time.sleep(interval)


# A line of the daemon's log (daemon/log.h): "TIME LEVEL message", TIME
# in RFC 3339 with milliseconds and the offset from UTC; or, when stderr
# is the journal's stream, "<N>message" with N the syslog priority.
LOG_LEVELS = ("debug", "info", "warn", "error")
LOG_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(?:Z|[+-]\d\d:\d\d)"
LOG_LINE_RE = re.compile(r"^(%s) (%s) (.*)$" % (LOG_TIME, "|".join(LOG_LEVELS)))
LOG_JOURNAL_RE = re.compile(r"^<([3467])>(.*)$")
JOURNAL_LEVELS = {"7": "debug", "6": "info", "4": "warn", "3": "error"}
_LOG_TIME_RE = re.compile(r"^%s (?=(?:%s) )" % (LOG_TIME, "|".join(LOG_LEVELS)),
                          re.M)
_LOG_PRIO_RE = re.compile(r"^<([3467])>", re.M)


def log_view(text):
    """The daemon's log text with each line as "LEVEL message", whichever
    form it was written in, so that tests look for "info mirror: ..."
    alike; other lines (a sanitizer's report) stay as they are."""
    text = _LOG_TIME_RE.sub("", text)
    return _LOG_PRIO_RE.sub(lambda m: JOURNAL_LEVELS[m.group(1)] + " ", text)


def tail(path, n=50):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
    except OSError as e:
        return "(cannot read %s: %s)" % (path, e)
    return "\n".join(lines[-n:])


# ---- Redis ------------------------------------------------------------------

class RespError(Exception):
    """An error reply of Redis."""


class _PortTaken(Exception):
    """Another process bound the port free_port() chose."""


def _resp_encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, (int, float)):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class _RespReader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ConnectionError("bad RESP line %r" % line)


class Redis:
    """A private redis-server: loopback only, a fresh directory, AOF with
    fsync on every write, so that what it acknowledged survives SIGKILL."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="jm-redis-")
        self.port = free_port()
        self.log = os.path.join(self.dir, "redis.log")
        self.proc = None
        self.started = False        # once started, the port is kept
        self.auth = ()              # AUTH's arguments, for a requirepass

    def start(self, timeout=20.0, extra_args=(), loading_ok=False):
        """Starts redis-server (again: same port, same directory) and waits
        until PING answers PONG (or, with loading_ok, -LOADING too)."""
        for attempt in range(5):
            try:
                return self._start(timeout, extra_args, loading_ok)
            except _PortTaken:
                if self.started:
                    raise HarnessError("port %d was taken while Redis was "
                                       "down" % self.port)
                self.port = free_port()     # lost a race for the port
        raise HarnessError("no free port for redis-server")

    def _start(self, timeout, extra_args, loading_ok):
        if self.proc is not None and self.proc.poll() is None:
            raise HarnessError("redis-server is already running")
        log_offset = os.path.getsize(self.log) \
            if os.path.exists(self.log) else 0
        args = ["redis-server",
                "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", self.dir,
                "--appendonly", "yes", "--appendfsync", "always",
                "--save", "",
                "--enable-debug-command", "local",
                "--daemonize", "no",
                "--logfile", self.log] + list(extra_args)
        self.proc = spawn(args, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                with open(self.log, "rb") as f:
                    f.seek(log_offset)
                    if b"Address already in use" in f.read():
                        raise _PortTaken()
                raise HarnessError("redis-server exited with %s:\n%s" % (
                    self.proc.returncode, tail(self.log)))
            try:
                if self.cmd("PING", timeout=2.0) == "PONG":
                    self.started = True
                    return self
            except RespError as e:
                if loading_ok and str(e).startswith("LOADING"):
                    self.started = True
                    return self
            except (OSError, ConnectionError):
                pass        # not listening yet
            if time.monotonic() > deadline:
                self.kill()
                raise HarnessError("redis-server did not answer PING:\n%s"
                                   % tail(self.log))
            time.sleep(0.05)

    def cmd(self, *args, timeout=DEFAULT_TIMEOUT, db=0):
        """One command on a fresh connection (to database db); returns the
        decoded reply (bulk strings as bytes). Raises RespError on an error
        reply."""
        with socket.create_connection(("127.0.0.1", self.port),
                                      timeout=timeout) as s:
            rd = _RespReader(s)
            if self.auth:
                s.sendall(_resp_encode(("AUTH",) + tuple(self.auth)))
                rd.read()
            if db != 0:
                s.sendall(_resp_encode(("SELECT", db)))
                rd.read()
            s.sendall(_resp_encode(args))
            return rd.read()

    def connect(self, timeout=DEFAULT_TIMEOUT):
        """A raw connection for a command whose reply comes later."""
        return socket.create_connection(("127.0.0.1", self.port),
                                        timeout=timeout)

    def stop(self, timeout=20.0):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise HarnessError("redis-server ignored SIGTERM")

    def kill(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.kill()
        self.proc.wait()

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- the daemon -------------------------------------------------------------

class Daemon:
    """jobmatchd with a config of its own in a temp dir, stderr logged."""

    # None: no rules_file line, the daemon uses the rules compiled in.
    rules_file = os.path.join(DATA_DIR, "rules.default.json")

    def __init__(self, redis_port, extra=(), tokens=True, prefix=(),
                 env=None, redis_host="127.0.0.1"):
        self.prefix = list(prefix)  # e.g. ["prlimit", "--nofile=40:40"]
        self.env = env              # extra environment variables
        self.dir = tempfile.mkdtemp(prefix="jm-daemon-")
        self.port = free_port()
        self.redis_port = redis_port
        self.redis_host = redis_host    # a name, an address or a socket
        self.config = os.path.join(self.dir, "jobmatchd.conf")
        self.log = os.path.join(self.dir, "jobmatchd.log")
        self.proc = None
        self.log_offset = 0         # where the current run's log starts
        self.extra = list(extra)
        self.tokens = tokens
        self.saved_tail = None
        self.write_config()
        _daemons.append(self)

    def write_config(self):
        lines = [
            "# written by tests/integration/harness.py",
            "listen 127.0.0.1:%d" % self.port,
            # redis_port None: no redis line (sentinels name the primary)
            None if self.redis_port is None else "redis " + (
                self.redis_host if self.redis_host[0] == "/" else
                "%s:%d" % (self.redis_host, self.redis_port)),
            "towns_file %s" % os.path.join(DATA_DIR, "towns.tsv"),
            "log_level debug",
        ]
        lines = [ln for ln in lines if ln is not None]
        if self.rules_file is not None:
            lines.append("rules_file %s" % self.rules_file)
        if self.tokens:
            for who, tok in TOKENS.items():
                lines.append("token %s %s" % (who, digest(tok)))
        # A key is given once (token lines aside): extra replaces ours.
        given = {ln.split()[0] for ln in self.extra if ln.split()}
        lines = [ln for ln in lines if ln.startswith("#") or
                 ln.split()[0] == "token" or ln.split()[0] not in given]
        lines.extend(self.extra)
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    def log_text(self, whole=False, raw=False):
        """This run's log (whole: every run's), each of the daemon's
        lines as "LEVEL message": the time stamp, or the journal's <N>
        priority, made into that form (see log_view). raw: as written."""
        try:
            with open(self.log, "rb") as f:
                if not whole:
                    f.seek(self.log_offset)
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return text if raw else log_view(text)

    def log_tail(self, n=50):
        return tail(self.log, n)

    def fail(self, msg):
        raise AssertionError("%s\n--- last lines of %s ---\n%s" % (
            msg, self.log, self.log_tail()))

    def start(self, wait_loaded=True, timeout=20.0):
        """Starts the daemon; waits until it answers ping and, unless
        wait_loaded is false, until it loaded its mirror from Redis."""
        for attempt in range(5):
            try:
                return self._start(wait_loaded, timeout)
            except _PortTaken:
                self.port = free_port()     # lost a race for the port
                self.write_config()
        raise HarnessError("no free port for jobmatchd")

    def _start(self, wait_loaded, timeout):
        if self.proc is not None and self.proc.poll() is None:
            raise HarnessError("jobmatchd is already running")
        self.log_offset = os.path.getsize(self.log) \
            if os.path.exists(self.log) else 0
        logf = open(self.log, "ab")
        try:
            env = None
            if self.env:
                env = dict(os.environ)
                env.update(self.env)
            self.proc = spawn(self.prefix + [JOBMATCHD, "-c", self.config],
                              stdin=subprocess.DEVNULL, stdout=logf,
                              stderr=logf, env=env)
        finally:
            logf.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                if "Address already in use" in self.log_text():
                    self.proc = None
                    raise _PortTaken()
                self.fail("jobmatchd exited at start with %s" %
                          self.proc.returncode)
            try:
                with Client(self.port, timeout=2.0) as c:
                    r = c.call("ping")
                    if r.get("result", {}).get("pong") is True:
                        break
            except (OSError, ConnectionError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.kill()
                self.fail("jobmatchd did not answer ping")
            time.sleep(0.05)
        if wait_loaded:
            # the last line a completed load logs
            self.wait_log(re.compile(r"^info mirror: \d+ open postings$",
                                     re.M),
                          timeout=max(1.0, deadline - time.monotonic()))
        return self

    def wait_log(self, text, count=1, timeout=20.0):
        """Waits until text (a string or a compiled regex) appears count
        times in this run's log."""
        if isinstance(text, str):
            n = lambda: self.log_text().count(text)
        else:
            n = lambda: len(text.findall(self.log_text()))
        try:
            wait_until(lambda: n() >= count, timeout=timeout,
                       what="%r in the daemon log" % (text,))
        except AssertionError as e:
            self.fail(str(e))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10.0):
        """SIGTERM; the daemon must exit with status 0 within timeout."""
        if self.proc is None:
            return
        if self.proc.poll() is not None:
            rc, self.proc = self.proc.returncode, None
            self.fail("jobmatchd had already exited with %s" % rc)
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            self.fail("jobmatchd did not exit within %.0f s of SIGTERM"
                      % timeout)
        self.proc = None
        if rc != 0:
            self.fail("jobmatchd exited with status %s after SIGTERM" % rc)

    def restart(self, wait_loaded=True):
        self.stop()
        return self.start(wait_loaded=wait_loaded)

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.kill()
        if os.path.exists(self.log):
            self.saved_tail = self.log_tail()
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self, token=None, timeout=DEFAULT_TIMEOUT):
        c = Client(self.port, timeout=timeout)
        if token is not None:
            c.hello(token)
        return c


# ---- a client connection ----------------------------------------------------

_AUTO = object()
NO_ID = object()


def request(method, params=None, id=NO_ID):
    """A request object; without an id it is a notification."""
    o = {"jsonrpc": "2.0", "method": method}
    if id is not NO_ID:
        o["id"] = id
    if params is not None:
        o["params"] = params
    return o


def notification(method, params=None):
    return request(method, params, id=NO_ID)


def line(obj):
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            + "\n").encode()


class Client:
    """One TCP connection speaking the line protocol. Every read has a
    timeout: nothing waits forever."""

    def __init__(self, port=None, timeout=DEFAULT_TIMEOUT, host="127.0.0.1",
                 unix_path=None):
        self.timeout = timeout
        if unix_path is not None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            try:
                self.sock.connect(unix_path)
            except OSError:
                self.sock.close()
                raise
        else:
            self.sock = socket.create_connection((host, port),
                                                 timeout=timeout)
        self.buf = b""
        self.next_id = 1
        self.eof = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def send(self, obj):
        self.send_raw(line(obj))

    def read_line(self, timeout=None):
        """The next line (bytes, without its newline), or None at EOF.
        Raises socket.timeout when nothing came within timeout."""
        self.sock.settimeout(self.timeout if timeout is None else timeout)
        while b"\n" not in self.buf:
            if self.eof:
                return None
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.eof = True
                if self.buf:
                    rest, self.buf = self.buf, b""
                    raise AssertionError("partial line before EOF: %r"
                                         % rest[:200])
                return None
            self.buf += chunk
        ln, self.buf = self.buf.split(b"\n", 1)
        return ln

    def read_json(self, timeout=None):
        ln = self.read_line(timeout)
        if ln is None:
            raise AssertionError("the daemon closed the connection instead "
                                 "of answering")
        try:
            return json.loads(ln.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise AssertionError("response is not UTF-8 JSON (%s): %r"
                                 % (e, ln[:300]))

    def call(self, method, params=None, id=_AUTO):
        """Sends one request and returns the parsed response. id defaults
        to a fresh integer; the response must echo it."""
        if id is _AUTO:
            id = self.next_id
            self.next_id += 1
        req = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            req["params"] = params
        self.send(req)
        resp = self.read_json()
        if not isinstance(resp, dict) or resp.get("id", _AUTO) != id:
            raise AssertionError("response to %s (id %r) does not echo its "
                                 "id: %r" % (method, id, resp))
        return resp

    def result(self, method, params=None):
        """call() that must succeed; returns the result."""
        resp = self.call(method, params)
        if "error" in resp or "result" not in resp:
            raise AssertionError("%s %s failed: %r" % (
                method, json.dumps(params, ensure_ascii=False)[:300], resp))
        return resp["result"]

    def error(self, method, params=None, code=None):
        """call() that must fail (with code, when given); returns error."""
        resp = self.call(method, params)
        if "error" not in resp:
            raise AssertionError("%s %s should have failed%s, got %r" % (
                method, json.dumps(params, ensure_ascii=False)[:300],
                " with %d" % code if code is not None else "", resp))
        if code is not None and resp["error"].get("code") != code:
            raise AssertionError("%s should have failed with %d, got %r" % (
                method, code, resp["error"]))
        return resp["error"]

    def hello(self, token):
        return self.result("hello", {"token": token})

    def wait_closed(self, timeout=DEFAULT_TIMEOUT):
        """True when the daemon closed the connection (reads EOF) with no
        further line; fails if a line comes instead."""
        ln = self.read_line(timeout)
        if ln is not None:
            raise AssertionError("expected the connection to close, got %r"
                                 % ln[:300])
        return True


# ---- the client binary ------------------------------------------------------

def run_jobmatch(args, token=None, addr=None, input=None, timeout=60,
                 env_extra=None):
    """Runs the jobmatch binary; returns CompletedProcess (text)."""
    env = dict(os.environ)
    env.pop("JOBMATCH_TOKEN", None)
    env.pop("JOBMATCH_ADDR", None)
    if token is not None:
        env["JOBMATCH_TOKEN"] = token
    if env_extra:
        env.update(env_extra)
    argv = [JOBMATCH]
    if addr is not None:
        argv += ["-a", addr]
    return subprocess.run(argv + list(args), env=env, input=input,
                          capture_output=True, text=True, timeout=timeout)


# ---- test data --------------------------------------------------------------

GUIXI = "500231001000"      # 桂溪街道, the county seat
EMPLOYER_A = {"id": "emp-a", "name": "甲单位", "type": "soe", "town": GUIXI}


def job(id, emp="emp-a", **kw):
    """A posting of emp in 桂溪街道, open to physical disability, asking
    for 客服; kw replaces or adds fields."""
    j = {"id": id, "employer_id": emp, "title": "岗位 " + id,
         "skills": ["客服"], "accessible_for": ["physical"],
         "employment_type": "full_time", "town": GUIXI}
    j.update(kw)
    return j


_COUNT_PLACEMENTS = """
local n = 0
for _, k in ipairs(redis.call('KEYS', ARGV[1])) do
    if cjson.decode(redis.call('HGET', k, 'doc')).job_id == ARGV[2] then
        n = n + 1
    end
end
return n
"""


def hires_of(redis, emp, job_id, openings):
    """(placements recorded for posting emp:job_id, openings it gave up
    since it had openings): equal when no hire was lost or doubled."""
    n = redis.cmd("EVAL", _COUNT_PLACEMENTS, 0, "jm:placement:*", job_id)
    key = "jm:job:%s:%s" % (emp, job_id)
    left = json.loads(redis.cmd("HGET", key, "doc"))["openings"]
    if redis.cmd("HGET", key, "status") == b"closed":
        left = 0        # filled: its document keeps the last one
    return n, openings - left


def redis_for(test, replica_of=None):
    """A Redis started for test and stopped when it ends; with replica_of
    (a Redis), a replica of it, returned once its link to it is up."""
    r = Redis()
    test.addCleanup(r.cleanup)
    if replica_of is None:
        return r.start()
    r.start(extra_args=["--replicaof", "127.0.0.1", str(replica_of.port)])
    wait_until(lambda: b"master_link_status:up" in
               r.cmd("INFO", "replication"), what="the replica in sync")
    return r


def run_daemon(args, timeout=30):
    return subprocess.run([JOBMATCHD] + list(args), capture_output=True,
                          text=True, timeout=timeout)


def read_jsonl(name):
    with open(os.path.join(DATA_DIR, name), encoding="utf-8") as f:
        return [json.loads(ln) for ln in f if ln.strip()]


# ---- test case base ---------------------------------------------------------

class Env:
    """A Redis and a daemon started together; stop() checks a clean exit."""

    def __init__(self, extra=(), wait_loaded=True):
        self.redis = Redis()
        self.daemon = None
        try:
            self.redis.start()
            self.daemon = Daemon(self.redis.port, extra=extra)
            self.daemon.start(wait_loaded=wait_loaded)
        except BaseException:
            self.cleanup()
            raise

    def stop(self):
        """Stops both; raises if the daemon did not exit cleanly."""
        try:
            if self.daemon is not None:
                self.daemon.stop()
        finally:
            self.cleanup()

    def cleanup(self):
        if self.daemon is not None:
            self.daemon.cleanup()
        self.redis.cleanup()


def main():
    """unittest.main() with verbose output; exit status 0 only on success
    (an unexpected success counts as a failure)."""
    import unittest
    prog = unittest.main(verbosity=2, exit=False)
    res = prog.result
    ok = res.wasSuccessful() and not res.unexpectedSuccesses
    if res.testsRun == 0:
        print("no tests ran", file=sys.stderr)
        ok = False
    if not ok:
        for i, d in enumerate(_daemons):
            text = d.saved_tail if d.saved_tail is not None else \
                d.log_tail()
            print("\n--- jobmatchd #%d (port %d): last 50 lines of its log ---"
                  "\n%s" % (i + 1, d.port, text), file=sys.stderr)
    sys.exit(0 if ok else 1)

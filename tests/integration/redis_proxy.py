# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
redis_proxy.py - a TCP proxy in front of Redis that puts the events of a
test in an order that does not depend on timing. It knows a daemon's two
links by their first command (after any AUTH or SELECT): the main link
begins with SCRIPT LOAD, the change stream's tail with PING.

It can hold the commands the daemon sends on its main link, whole, before
they reach Redis: Redis then runs them, and answers them, only when the
test says.

    px = RedisProxy(redis.port)       # the daemon's "redis" is px.port
    px.hold_at("SSCAN", 3)            # hold from the 3rd SSCAN on
    px.drop()                         # the daemon reconnects and loads
    px.wait_held("SSCAN", 1)
    px.release()

And it can hold Redis's replies on every link, then let those of one link
("main" or "tail") through: Redis has run the commands, the daemon has not
heard.

    px.hold_replies()
    px.release_replies("tail")        # the tail hears first
    px.release_replies("main")
"""
import socket
import threading

import harness as h


class _Link:
    def __init__(self, client, server):
        self.client = client        # the daemon's side
        self.server = server        # Redis's side
        self.buf = b""              # a command not yet whole
        self.main = None            # None until its first command
        self.held = []              # [(name, raw bytes)], in order
        self.replies = b""          # replies held, in order
        self.lock = threading.Lock()


def _command(buf):
    """The first whole command in buf as (name, raw bytes, rest), or None.
    hiredis sends every command as an array of bulk strings."""
    if not buf.startswith(b"*"):
        if buf:
            raise ValueError("not a RESP array: %r" % buf[:40])
        return None
    nl = buf.find(b"\r\n")
    if nl < 0:
        return None
    n, pos, name = int(buf[1:nl]), nl + 2, None
    for i in range(n):
        nl = buf.find(b"\r\n", pos)
        if nl < 0:
            return None
        size = int(buf[pos + 1:nl])
        end = nl + 2 + size + 2
        if len(buf) < end:
            return None
        if i == 0:
            name = buf[nl + 2:nl + 2 + size].decode().upper()
        pos = end
    return name, buf[:pos], buf[pos:]


def _role(ln):
    """A link's role: "main", "tail", or None before its first command."""
    return None if ln.main is None else "main" if ln.main else "tail"


class RedisProxy:
    """See the module's comment. Thread-safe; every wait has a timeout."""

    def __init__(self, redis_port):
        self.redis_port = redis_port
        self.lis = socket.socket()
        self.lis.bind(("127.0.0.1", 0))
        self.lis.listen(16)
        self.port = self.lis.getsockname()[1]
        self.lock = threading.Lock()
        self.links = []
        self.holding = False
        self.trigger = None         # [name, commands of it still to pass]
        self.replies_held = False
        self.replies_let = set()    # "main", "tail": replies pass
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    # ---- what a test calls ----------------------------------------------

    def hold(self):
        """Holds every command sent on a main link from now on."""
        with self.lock:
            self.holding = True

    def hold_at(self, name, nth):
        """Holds from the nth command called name (sent on a main link
        from now on), that one included."""
        with self.lock:
            self.trigger = [name.upper(), nth]

    def held(self):
        """The names of the commands held, in order."""
        with self.lock:
            return [n for ln in self.links for (n, _) in ln.held]

    def wait_held(self, name, count, timeout=20.0):
        h.wait_until(lambda: self.held().count(name.upper()) >= count,
                     timeout=timeout,
                     what="%d %s held by the proxy" % (count, name))

    def release(self, count=None):
        """Sends Redis the first count commands held (all when None); with
        None, commands pass freely again."""
        with self.lock:
            if count is None:
                self.holding = False
                self.trigger = None
            for ln in self.links:
                with ln.lock:
                    k = len(ln.held) if count is None else count
                    out, ln.held = ln.held[:k], ln.held[k:]
                    if count is not None:
                        count -= len(out)
                    try:
                        ln.server.sendall(b"".join(raw for _, raw in out))
                    except OSError:
                        pass

    def hold_replies(self):
        """Holds every reply, on every link, from now on."""
        with self.lock:
            self.replies_held = True

    def release_replies(self, role):
        """Sends the daemon the replies held on its "main" or "tail" link;
        that link's replies pass freely from now on."""
        with self.lock:
            self.replies_let.add(role)
            for ln in self.links:
                if _role(ln) != role:
                    continue
                with ln.lock:
                    out, ln.replies = ln.replies, b""
                    try:
                        ln.client.sendall(out)
                    except OSError:
                        pass

    def drop(self):
        """Closes every link: the daemon sees Redis go and reconnects."""
        with self.lock:
            links, self.links = self.links, []
        for ln in links:
            for s in (ln.client, ln.server):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.closed = True
        self.drop()
        self.lis.close()

    # ---- the pumps --------------------------------------------------------

    def _accept(self):
        while not self.closed:
            try:
                c, _ = self.lis.accept()
            except OSError:
                return
            try:
                s = socket.create_connection(("127.0.0.1", self.redis_port))
            except OSError:
                c.close()
                continue
            ln = _Link(c, s)
            with self.lock:
                self.links.append(ln)
            threading.Thread(target=self._up, args=(ln,), daemon=True).start()
            threading.Thread(target=self._down, args=(ln,),
                             daemon=True).start()

    def _down(self, ln):
        try:
            while True:
                d = ln.server.recv(65536)
                if not d:
                    break
                with self.lock, ln.lock:
                    if self.replies_held and \
                            _role(ln) not in self.replies_let:
                        ln.replies += d
                        continue
                    ln.client.sendall(d)
        except OSError:
            pass
        finally:
            self._close(ln)

    def _up(self, ln):
        try:
            while True:
                d = ln.client.recv(65536)
                if not d:
                    break
                ln.buf += d
                while True:
                    cmd = _command(ln.buf)
                    if cmd is None:
                        break
                    name, raw, ln.buf = cmd
                    self._pass(ln, name, raw)
        except (OSError, ValueError):
            pass
        finally:
            self._close(ln)

    def _pass(self, ln, name, raw):
        with self.lock:
            if ln.main is None and name not in ("AUTH", "SELECT"):
                ln.main = name == "SCRIPT"
            if ln.main and self.trigger is not None and \
                    name == self.trigger[0]:
                self.trigger[1] -= 1
                if self.trigger[1] == 0:
                    self.trigger = None
                    self.holding = True
            with ln.lock:
                if ln.main and (self.holding or ln.held):
                    ln.held.append((name, raw))
                    return
                ln.server.sendall(raw)

    def _close(self, ln):
        with self.lock:
            if ln in self.links:
                self.links.remove(ln)
        for s in (ln.client, ln.server):
            try:
                s.close()
            except OSError:
                pass

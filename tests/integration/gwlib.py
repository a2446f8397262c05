# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
gwlib.py - what the HTTP gateway's tests share: a daemon with http_listen
and a kiosk_dir of test files, and a raw HTTP/1.1 client that sends
exactly the bytes it is given (paths are not normalised) and reads
answers off the wire.
"""
import json
import os
import socket
import ssl
import tempfile

import harness as h

CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

# The test kiosk_dir: name -> bytes.
FILES = {
    "index.html": b"<!doctype html><html lang=zh><title>kiosk</title></html>\n",
    "app.js": b"export const x = 1;\n",
    "css/site.css": b"body { font-size: 2rem; }\n",
    "data/messages.json": b'{"hello": "\xe4\xbd\xa0\xe5\xa5\xbd"}\n',
    "img/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    "img/logo.png": b"\x89PNG\r\n\x1a\nnot really\n",
    "fonts/a.woff2": b"wOF2....",
    "favicon.ico": b"\x00\x00\x01\x00",
    "notes.txt": b"plain text\n",
    "blob.bin": b"\x00\x01\x02",
}


def make_kiosk_dir(outside_secret=b"SECRET-OUTSIDE\n"):
    """A kiosk_dir with FILES, a dot file, and symbolic links (to a file
    outside it, to one inside, to a folder outside); returns (dir, path
    of the file outside)."""
    top = tempfile.mkdtemp(prefix="jm-kiosk-")
    root = os.path.join(top, "kiosk")
    for name, data in FILES.items():
        p = os.path.join(root, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
    with open(os.path.join(root, ".hidden"), "wb") as f:
        f.write(b"hidden\n")
    secret = os.path.join(top, "secret.txt")
    with open(secret, "wb") as f:
        f.write(outside_secret)
    os.symlink(secret, os.path.join(root, "link-out.txt"))
    os.symlink("notes.txt", os.path.join(root, "link-in.txt"))
    os.symlink(top, os.path.join(root, "up"))
    return root, secret


class Answer:
    def __init__(self, status, reason, headers, body, raw_head):
        self.status = status
        self.reason = reason
        self.headers = headers          # lower-case names -> value
        self.all_headers = []           # (name, value) in order
        self.body = body
        self.raw_head = raw_head

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<%d %s %r %r>" % (self.status, self.reason, self.headers,
                                  self.body[:200])


class Conn:
    """One HTTP/1.1 connection (TLS with ctx)."""

    def __init__(self, port, ctx=None, timeout=10):
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        if ctx is not None:
            s = ctx.wrap_socket(s, server_hostname="127.0.0.1")
        self.sock = s
        self.buf = bytearray()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _fill(self):
        d = self.sock.recv(65536)
        if not d:
            raise EOFError("connection closed; buffered %r" % bytes(self.buf[:200]))
        self.buf += d

    def send(self, method, path, body=None, headers=None):
        hdrs = {"Host": "127.0.0.1"}
        hdrs.update(headers or {})
        if body is not None:
            if isinstance(body, str):
                body = body.encode()
            hdrs.setdefault("Content-Length", str(len(body)))
        head = "%s %s HTTP/1.1\r\n" % (method, path)
        head += "".join("%s: %s\r\n" % kv for kv in hdrs.items()) + "\r\n"
        self.sock.sendall(head.encode("latin-1") + (body or b""))

    def read(self, head_only=False):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\r\n\r\n")
        raw = bytes(self.buf[:i])
        del self.buf[:i + 4]
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        status = int(parts[1])
        headers, ordered = {}, []
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            headers[k.strip().lower()] = v.strip()
            ordered.append((k.strip().lower(), v.strip()))
        body = b""
        if head_only or status in (204, 304):
            pass
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                while b"\r\n" not in self.buf:
                    self._fill()
                j = self.buf.index(b"\r\n")
                n = int(bytes(self.buf[:j]).split(b";")[0], 16)
                del self.buf[:j + 2]
                while len(self.buf) < n + 2:
                    self._fill()
                body += bytes(self.buf[:n])
                del self.buf[:n + 2]
                if n == 0:
                    break
        elif "content-length" in headers:
            n = int(headers["content-length"])
            while len(self.buf) < n:
                self._fill()
            body = bytes(self.buf[:n])
            del self.buf[:n]
        else:
            while True:
                try:
                    self._fill()
                except EOFError:
                    break
            body = bytes(self.buf)
            self.buf.clear()
        a = Answer(status, parts[2] if len(parts) > 2 else "", headers, body,
                   raw)
        a.all_headers = ordered
        return a

    def request(self, method, path, body=None, headers=None):
        self.send(method, path, body, headers)
        return self.read(head_only=(method == "HEAD"))


def http(port, method, path, body=None, headers=None, ctx=None):
    with Conn(port, ctx) as c:
        return c.request(method, path, body, headers)


def rpc(port, obj, token=None, raw=None, ctx=None, headers=None):
    """POST /rpc of obj (or raw bytes); the Answer."""
    hdrs = {"Content-Type": "application/json"}
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    hdrs.update(headers or {})
    body = raw if raw is not None else json.dumps(
        obj, ensure_ascii=False, separators=(",", ":")).encode()
    return http(port, "POST", "/rpc", body, hdrs, ctx)


class GatewayEnv(h.Env):
    """Redis and a daemon with http_listen on a free port and kiosk_dir
    the test files (make_kiosk_dir), or kiosk_dir given."""

    def __init__(self, extra=(), kiosk_dir=None, wait_loaded=True):
        self.kiosk_dir, self.secret = (kiosk_dir, None) if kiosk_dir \
            else make_kiosk_dir()
        self.http_port = h.free_port()
        super().__init__(extra=[
            "http_listen 127.0.0.1:%d" % self.http_port,
            "kiosk_dir " + self.kiosk_dir] + list(extra),
            wait_loaded=wait_loaded)

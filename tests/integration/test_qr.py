# SPDX-License-Identifier: MIT
# Copyright (c) 2022-2026 the jobmatchd authors
"""
test_qr.py - GET /qr.txt and /qr.svg: the text of chosen open postings
(title, employer, town, pay, how to reach them) in Chinese or English,
and a QR code that decodes (zbarimg) to exactly that text and nothing
else; a kiosk or staff token needed; five postings with long titles fit
one code; bad lists refused with a clear error.
"""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import harness as h
from gwlib import SECURITY, GatewayEnv, http

HAVE_TOOLS = shutil.which("zbarimg") and shutil.which("rsvg-convert")


class QrTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.env = GatewayEnv()
        cls.addClassCleanup(cls.env.cleanup)
        cls.port = cls.env.http_port
        with cls.env.daemon.client(h.STAFF) as c:
            c.result("employer.put", {"employer": dict(h.EMPLOYER_A)})
            for i in range(6):
                c.result("job.post", {"job": h.job(
                    "q-%d" % i, title="盲人保健按摩师（长标题）" * 4 + str(i),
                    salary={"min": 3500, "max": 6000})})
            c.result("job.post", {"job": h.job("q-free", title="保洁员")})
            # a posting id may hold ':' (an employer id may not)
            c.result("job.post", {"job": h.job("q:2026", title="门卫")})

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()

    def get(self, path, token=h.KIOSK):
        hdrs = {"Authorization": "Bearer " + token} if token else {}
        return http(self.port, "GET", path, headers=hdrs)

    def test_text(self):
        a = self.get("/qr.txt?jobs=emp-a:q-1,emp-a:q-free&lang=zh")
        self.assertEqual(a.status, 200, a)
        self.assertEqual(a.headers["cache-control"], "no-store")
        for k, v in SECURITY.items():
            self.assertEqual(a.headers[k], v)
        lines = a.body.decode("utf-8").split("\n")
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith("1. 盲人保健按摩师"), lines)
        self.assertIn("| 甲单位 | 桂溪街道 | 3500-6000元/月 | 编号 emp-a:q-1",
                      lines[0])
        self.assertEqual(lines[1], "2. 保洁员 | 甲单位 | 桂溪街道 | 薪资面议 | "
                                   "编号 emp-a:q-free")
        a = self.get("/qr.txt?jobs=emp-a:q-free&lang=en")
        # the town in Latin letters (the towns file's pinyin column)
        self.assertEqual(a.body.decode(), "1. 保洁员 | 甲单位 | Guixi | "
                         "pay negotiable | ID emp-a:q-free")

    @unittest.skipUnless(HAVE_TOOLS or os.environ.get("CI"),
                         "zbarimg or rsvg-convert missing")
    def test_svg_decodes_to_the_text(self):
        jobs = ",".join("emp-a:q-%d" % i for i in range(5))
        for lang in ("zh", "en"):
            with self.subTest(lang=lang):
                q = "?jobs=%s&lang=%s" % (jobs, lang)
                txt = self.get("/qr.txt" + q)
                svg = self.get("/qr.svg" + q)
                self.assertEqual(svg.status, 200, svg)
                self.assertEqual(svg.headers["content-type"],
                                 "image/svg+xml")
                self.assertEqual(svg.headers["cache-control"], "no-store")
                self.assertNotIn(b"style", svg.body)
                self.assertNotIn(b"<script", svg.body)
                self.assertEqual(self.decode(svg.body), txt.body)

    def decode(self, svg):
        d = tempfile.mkdtemp()
        with open(os.path.join(d, "qr.svg"), "wb") as f:
            f.write(svg)
        subprocess.run(["rsvg-convert", "-o", os.path.join(d, "qr.png"),
                        os.path.join(d, "qr.svg")], check=True)
        r = subprocess.run(["zbarimg", "--raw", "-q", "-Sbinary",
                            os.path.join(d, "qr.png")],
                           capture_output=True, check=True)
        return r.stdout

    def test_colon_in_a_posting_id_and_expiry(self):
        a = self.get("/qr.txt?jobs=emp-a:q:2026")
        self.assertEqual(a.status, 200, a)
        self.assertEqual(a.body.decode(), "1. 门卫 | 甲单位 | 桂溪街道 | 薪资面议 | "
                         "编号 emp-a:q:2026")
        # a posting past its expires_at is not open: no code for it
        with self.env.daemon.client(h.STAFF) as c:
            c.result("job.post", {"job": h.job(
                "q-soon", expires_at=int(time.time()) + 2)})
        self.assertEqual(self.get("/qr.txt?jobs=emp-a:q-soon").status, 200)
        h.wait_until(lambda: self.get("/qr.txt?jobs=emp-a:q-soon").status
                     == 404, what="the expired posting refused")

    def test_tokens(self):
        for tok, status in ((None, 401), ("nope", 401), (h.EMP_A, 401),
                            (h.STAFF, 200), (h.KIOSK, 200)):
            with self.subTest(token=tok):
                a = self.get("/qr.svg?jobs=emp-a:q-1", token=tok)
                self.assertEqual(a.status, status, a)
                for k, v in SECURITY.items():
                    self.assertEqual(a.headers[k], v)

    def test_bad_lists(self):
        six = ",".join("emp-a:q-%d" % i for i in range(6))
        for q, status in (("", 400), ("?jobs=", 400), ("?jobs=q-1", 400),
                          ("?jobs=emp-a:", 400), ("?jobs=:q-1", 400),
                          ("?jobs=" + six, 400),
                          ("?jobs=emp-a:q-1,emp-a:q-1", 400),
                          ("?jobs=emp-a:q-1&lang=fr", 400),
                          ("?jobs=emp-a:nope", 404),
                          ("?jobs=emp-a:q%2F1", 400)):
            with self.subTest(q=q):
                for path in ("/qr.txt", "/qr.svg"):
                    a = self.get(path + q)
                    self.assertEqual(a.status, status, a)
                    self.assertTrue(a.body.endswith(b"\n"), a)
        a = http(self.port, "POST", "/qr.svg", b"x")
        self.assertEqual(a.status, 405)
        self.assertEqual(a.headers["allow"], "GET, HEAD")


if __name__ == "__main__":
    h.main()

"""
The web console served by `jinzhi serve` beside the API: files from a temporary web root
(bodies, content types, gzip made at load, the build's .br served as is, ETag and 304, cache
headers also for a signed-in browser, the single-page-app fallback, 404, 405, HEAD), hostile
paths, /api paths unaffected, and a server without a console (missing or disabled root).
"""
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import describe, recv_all, status_of  # noqa: E402

INDEX = b"<!doctype html><html><head><title>Jinzhi</title></head><body><div id=app></div>" \
        b"<script type=module src=/assets/app-abc123.js></script></body></html>\n"
APP_JS = b"".join(b"export const line%d = 'jinzhi console, line %d';\n" % (i, i)
                  for i in range(200))
APP_BR = b"\x1b\x00not-really-brotli\x03"  # served as is: the server never decodes it
STYLE = b"body{margin:0}\n"
# A large file (over 32 KiB as it is and gzipped: hex of random bytes only halves), as the
# console's JavaScript chunks are.
VENDOR_JS = b"".join(b"export const k%d = '%s';\n" % (i, os.urandom(48).hex().encode())
                     for i in range(3000))
PASSWORD = "Qomolangma-8848!"
IMMUTABLE = "public, max-age=31536000, immutable"
CONSOLE_CSP_PARTS = ["default-src 'self'", "script-src 'self'",
                     "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
                     "font-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'",
                     "base-uri 'self'", "form-action 'self'"]


def make_root():
    root = tempfile.mkdtemp(prefix="jzweb-")
    os.makedirs(os.path.join(root, "assets"))
    files = {"index.html": INDEX, "assets/app-abc123.js": APP_JS,
             "assets/app-abc123.js.br": APP_BR, "assets/style-9f8e.css": STYLE,
             "assets/vendor-77aa.js": VENDOR_JS,
             ".env": b"SECRET=1\n"}
    for rel, data in files.items():
        with open(os.path.join(root, rel), "wb") as f:
            f.write(data)
    return root


class WebConsoleTest(jzapi.ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.root = make_root()
        cls.srv = jzapi.Server(demo=False, threads=cls.THREADS,
                               args=["--web-root", cls.root]).start()
        cls.srv.make_account("web.officer", PASSWORD, "540200", ["registry_officer"])
        r = cls.srv.post("/api/v1/auth/login", {"login": "web.officer", "password": PASSWORD},
                         auth=False)
        assert r.status == 200, describe(r)
        m = re.search(r"jz_session=([^;]+)", r.headers.get("Set-Cookie", ""))
        assert m, r.headers.get("Set-Cookie")
        cls.cookie = "jz_session=" + m.group(1)

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.root, ignore_errors=True)

    def get(self, path, **headers):
        return self.srv.get(path, headers=headers, auth=False)

    def assertCacheControl(self, r, value, what=""):
        self.assertEqual(r.headers.get_all("Cache-Control"), [value], what)

    # -- large files --------------------------------------------------------------------

    def test_large_file_identity_gzip_and_head(self):
        path = "/assets/vendor-77aa.js"
        r = self.get(path, **{"Accept-Encoding": "identity"})
        self.assertStatus(r, 200)
        self.assertEqual(r.body, VENDOR_JS)
        self.assertEqual(int(r.headers["Content-Length"]), len(VENDOR_JS))
        g = self.get(path, **{"Accept-Encoding": "gzip"})
        self.assertStatus(g, 200)
        self.assertEqual(g.headers.get("Content-Encoding"), "gzip")
        self.assertGreater(len(g.body), 32 * 1024)
        self.assertEqual(gzip.decompress(g.body), VENDOR_JS)
        h = self.srv.request("HEAD", path, headers={"Accept-Encoding": "gzip"}, auth=False)
        self.assertStatus(h, 200)
        self.assertEqual(h.body, b"")
        self.assertEqual(int(h.headers["Content-Length"]), len(g.body))
        n = self.get(path, **{"Accept-Encoding": "gzip", "If-None-Match": g.headers["ETag"]})
        self.assertStatus(n, 304)
        self.assertEqual(n.body, b"")

    def test_files_changed_on_disk_are_not_served_until_restart(self):
        # The table is read once: a build replacing files under a running server changes
        # nothing it sends (a half-written file is never served).
        with open(os.path.join(self.root, "assets", "vendor-77aa.js"), "wb") as f:
            f.write(b"changed")
        r = self.get("/assets/vendor-77aa.js", **{"Accept-Encoding": "identity"})
        self.assertEqual(r.body, VENDOR_JS)

    # -- start-up ------------------------------------------------------------------------

    def test_startup_line(self):
        line = self.srv.wait_stderr(r"jinzhi: web console: ", 5)
        self.assertIsNotNone(line, self.srv.stderr_text())
        self.assertRegex(line, r"^jinzhi: web console: 4 files \(\d+ KiB; \d+ (B|KiB) gzip\) "
                               r"from " + re.escape(self.root) + "$")

    # -- files ---------------------------------------------------------------------------

    def test_index(self):
        for path in ["/", "/index.html"]:
            with self.subTest(path=path):
                r = self.get(path)
                self.assertStatus(r, 200)
                self.assertEqual(r.body, INDEX)
                self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
                self.assertEqual(r.headers.get("Content-Length"), str(len(INDEX)))
                self.assertCacheControl(r, "no-cache")
                self.assertRegex(r.headers.get("ETag", ""), r'^"[0-9a-f]{16}"$')
                self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff")
                self.assertTrue(r.headers.get("X-Request-Id"))
                csps = r.headers.get_all("Content-Security-Policy")
                self.assertEqual(len(csps), 1, csps)
                parts = [p.strip() for p in csps[0].split(";")]
                self.assertEqual(parts, CONSOLE_CSP_PARTS)
                self.assertIsNone(r.headers.get("Content-Encoding"))
                self.assertIsNone(r.headers.get("Vary"), "index.html is too small to gzip")

    def test_asset_identity(self):
        r = self.get("/assets/app-abc123.js")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, APP_JS)
        self.assertEqual(r.headers.get("Content-Type"), "text/javascript; charset=utf-8")
        self.assertEqual(r.headers.get("Content-Length"), str(len(APP_JS)))
        self.assertIsNone(r.headers.get("Content-Encoding"))
        self.assertEqual(r.headers.get("Vary"), "Accept-Encoding")
        self.assertCacheControl(r, IMMUTABLE)
        self.assertEqual(r.headers.get("Content-Security-Policy"),
                         "default-src 'self'; frame-ancestors 'none'")

    def test_asset_gzip_made_at_load(self):
        for ae in ["gzip", "gzip, deflate", "deflate, gzip;q=0.5", "br;q=0, gzip", "x-gzip"]:
            with self.subTest(accept_encoding=ae):
                r = self.get("/assets/app-abc123.js", **{"Accept-Encoding": ae})
                self.assertStatus(r, 200)
                self.assertEqual(r.headers.get("Content-Encoding"), "gzip")
                self.assertEqual(r.headers.get("Content-Length"), str(len(r.body)))
                self.assertLess(len(r.body), len(APP_JS))
                self.assertEqual(gzip.decompress(r.body), APP_JS)
                self.assertEqual(r.headers.get("Vary"), "Accept-Encoding")
                self.assertCacheControl(r, IMMUTABLE)

    def test_asset_brotli_from_the_build(self):
        for ae in ["br", "gzip, deflate, br", "br;q=1, gzip;q=1", "*"]:
            with self.subTest(accept_encoding=ae):
                r = self.get("/assets/app-abc123.js", **{"Accept-Encoding": ae})
                self.assertStatus(r, 200)
                self.assertEqual(r.headers.get("Content-Encoding"), "br")
                self.assertEqual(r.body, APP_BR)
                self.assertEqual(r.headers.get("Content-Length"), str(len(APP_BR)))

    def test_refused_codings_give_identity(self):
        for ae in ["gzip;q=0", "br;q=0, gzip;q=0", "*;q=0", "identity", "deflate", ""]:
            with self.subTest(accept_encoding=ae):
                r = self.get("/assets/app-abc123.js", **{"Accept-Encoding": ae})
                self.assertStatus(r, 200)
                self.assertIsNone(r.headers.get("Content-Encoding"))
                self.assertEqual(r.body, APP_JS)

    def test_small_css(self):
        r = self.get("/assets/style-9f8e.css", **{"Accept-Encoding": "gzip"})
        self.assertStatus(r, 200)
        self.assertEqual(r.body, STYLE)
        self.assertEqual(r.headers.get("Content-Type"), "text/css; charset=utf-8")
        self.assertIsNone(r.headers.get("Content-Encoding"))
        self.assertIsNone(r.headers.get("Vary"))

    def test_sibling_and_dot_files_are_not_served(self):
        for path in ["/assets/app-abc123.js.br", "/.env"]:
            with self.subTest(path=path):
                self.assertError(self.get(path), 404, "not_found")

    # -- validation and caching ----------------------------------------------------------

    def test_etag_304(self):
        for ae in ["", "gzip", "br"]:
            with self.subTest(accept_encoding=ae):
                r = self.get("/assets/app-abc123.js", **{"Accept-Encoding": ae})
                etag = r.headers.get("ETag")
                self.assertRegex(etag, r'^"[0-9a-f]{16}(-gzip|-br)?"$')
                r2 = self.get("/assets/app-abc123.js",
                              **{"Accept-Encoding": ae, "If-None-Match": etag})
                self.assertStatus(r2, 304)
                self.assertEqual(r2.body, b"")
                self.assertEqual(r2.headers.get("ETag"), etag)
                self.assertCacheControl(r2, IMMUTABLE)
                r3 = self.get("/assets/app-abc123.js",
                              **{"Accept-Encoding": ae, "If-None-Match": '"other", W/' + etag})
                self.assertStatus(r3, 304)
        r = self.get("/", **{"If-None-Match": '"0000000000000000"'})
        self.assertStatus(r, 200)
        self.assertEqual(r.body, INDEX)
        etag = r.headers.get("ETag")
        r = self.get("/", **{"If-None-Match": etag})
        self.assertStatus(r, 304)
        self.assertCacheControl(r, "no-cache")
        # The fallback page validates like index.html itself.
        r = self.get("/enterprises", **{"If-None-Match": etag})
        self.assertStatus(r, 304)

    def test_cache_headers_with_session_cookie(self):
        # The browser sends the session cookie with every request to the origin.
        cases = [("/assets/app-abc123.js", IMMUTABLE), ("/", "no-cache"),
                 ("/enterprises/91540100MA6T000000/edit", "no-cache")]
        for path, cc in cases:
            with self.subTest(path=path):
                r = self.get(path, Cookie=self.cookie)
                self.assertStatus(r, 200)
                self.assertCacheControl(r, cc)
                self.assertIsNone(r.headers.get("Set-Cookie"))
        # A stale or forged cookie changes nothing either.
        r = self.get("/assets/app-abc123.js", Cookie="jz_session=forged")
        self.assertStatus(r, 200)
        self.assertCacheControl(r, IMMUTABLE)
        # And the cookie still works on the API (where responses are private).
        r = self.srv.get("/api/v1/auth/me", headers={"Cookie": self.cookie}, auth=False)
        self.assertStatus(r, 200)
        self.assertIn("no-store", r.headers.get("Cache-Control", ""))

    # -- routes, misses, methods ---------------------------------------------------------

    def test_spa_fallback(self):
        for path in ["/enterprises/91540100MA6T000000/edit", "/login", "/enterprises/",
                     "/a/b/c/d/e", "/enterprises?region=540100"]:
            with self.subTest(path=path):
                r = self.get(path)
                self.assertStatus(r, 200)
                self.assertEqual(r.body, INDEX)
                self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
                self.assertCacheControl(r, "no-cache")
                self.assertIn("script-src 'self'", r.headers.get("Content-Security-Policy"))

    def test_missing_files_404(self):
        for path in ["/assets/app-old999.js", "/favicon.ico", "/robots.txt", "/assets/nothing",
                     "/deep/missing.css"]:
            with self.subTest(path=path):
                r = self.get(path)
                self.assertError(r, 404, "not_found", None)
                self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"))

    def test_methods_405(self):
        for method, path in [("POST", "/"), ("PUT", "/assets/app-abc123.js"),
                             ("DELETE", "/index.html"), ("PATCH", "/enterprises/x"),
                             ("OPTIONS", "/"), ("POST", "/nothing.js")]:
            with self.subTest(method=method, path=path):
                r = self.srv.request(method, path, body=b"{}", auth=False,
                                     content_type="application/json")
                self.assertError(r, 405, "method_not_allowed")
                self.assertEqual(r.headers.get("Allow"), "GET, HEAD")

    def test_head(self):
        for path, body, ae, enc in [("/assets/app-abc123.js", APP_JS, "", None),
                                    ("/assets/app-abc123.js", APP_BR, "br", "br"),
                                    ("/", INDEX, "", None),
                                    ("/enterprises/1/edit", INDEX, "", None)]:
            with self.subTest(path=path, ae=ae):
                r = self.srv.request("HEAD", path, headers={"Accept-Encoding": ae}, auth=False)
                self.assertStatus(r, 200)
                self.assertEqual(r.body, b"")
                self.assertEqual(r.headers.get("Content-Length"), str(len(body)))
                self.assertEqual(r.headers.get("Content-Encoding"), enc)
                self.assertTrue(r.headers.get("ETag"))
        r = self.srv.request("HEAD", "/missing.js", auth=False)
        self.assertStatus(r, 404)

    def test_requests_are_logged(self):
        r = self.get("/assets/style-9f8e.css", **{"X-Request-Id": "web-log-check-1"})
        self.assertStatus(r, 200)
        line = self.srv.wait_stderr(r"rid=web-log-check-1 ", 5)
        self.assertIsNotNone(line, self.srv.stderr_text()[-2000:])
        self.assertRegex(line, r" GET /assets/style-9f8e\.css 200 %d \d+us$" % len(STYLE))

    # -- the API is untouched ------------------------------------------------------------

    def test_api_paths_unaffected(self):
        r = self.get("/api/v1/health")
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"status": "ok"})
        for path in ["/api/v1/nope", "/api/v1", "/api/", "/api", "/api/index.html",
                     "/api/v1/enterprises/x/extra"]:
            with self.subTest(path=path):
                self.assertError(self.get(path), 404, "not_found", None)
        r = self.srv.request("POST", "/api/v1/health", body=b"{}", auth=False,
                             content_type="application/json")
        self.assertError(r, 405, "method_not_allowed")
        self.assertIn("GET", r.headers.get("Allow"))
        self.assertError(self.get("/api/v1/enterprises"), 401, "unauthenticated")

    # -- hostile paths -------------------------------------------------------------------

    def raw_status(self, target):
        data = self.srv.raw(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return status_of(data), data

    def test_hostile_paths(self):
        targets = [b"/../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd", b"/%2e%2e/", b"//",
                   b"//etc/passwd", b"/assets/../index.html", b"/./index.html",
                   b"/a\\b", b"/%5c..%5cetc%5cpasswd", b"/..%2f..%2fetc%2fpasswd",
                   b"/index.html%00.png", b"/%00", b"/assets/app-abc123.js%00",
                   b"/%01", b"/a%09b", b"/%7f", b"/" + b"a" * 3000,
                   b"/" + b"a/" * 1500 + b"x.js", b"/%ff%fe.js"]
        for t in targets:
            with self.subTest(target=t[:60]):
                status, data = self.raw_status(t)
                self.assertIn(status, (400, 404, 414, 431), data[:300])
                self.assertNotIn(b"SECRET", data)
                self.assertNotIn(b"root:", data)
        # Still serving.
        self.assertStatus(self.get("/api/v1/health"), 200)
        self.assertStatus(self.get("/"), 200)

    def test_nul_in_api_path_is_refused(self):
        # Decoding would cut /api/v1/health%00x down to /api/v1/health: refused instead.
        for t in [b"/api/v1/health%00x", b"/api/v1/health%00", b"/api/v1/regions/540000%00.json"]:
            with self.subTest(target=t):
                status, data = self.raw_status(t)
                self.assertEqual(status, 400, data[:300])
                self.assertIn(b"%00", data)
        # In a query string too: decoding would cut name=a%00b.png down to "a" before any
        # parameter's rule could see it.
        for t in [b"/api/v1/health?x=%00", b"/api/v1/enterprises?q=a%00b"]:
            with self.subTest(target=t):
                status, _ = self.raw_status(t)
                self.assertEqual(status, 400)

    def test_huge_path(self):
        status, _ = self.raw_status(b"/" + b"a" * 20000)
        self.assertIn(status, (None, 400, 404, 414, 431))
        self.assertStatus(self.get("/"), 200)

    def test_body_on_a_console_path(self):
        r = self.srv.request("GET", "/", body=b"x" * 5000, auth=False)
        self.assertStatus(r, 200)
        big = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n"
        self.assertEqual(status_of(self.srv.raw(big)), 413)


class NoConsoleTest(unittest.TestCase):
    """A server whose web root does not exist, or is disabled, serves the API alone."""

    def check_api_only(self, srv):
        r = srv.get("/api/v1/health")
        self.assertEqual(r.status, 200, describe(r))
        for path in ["/", "/index.html", "/enterprises/1/edit", "/favicon.ico"]:
            r = srv.get(path, auth=False)
            self.assertEqual(r.status, 404, describe(r))
            self.assertEqual(r.json["error"]["code"], "not_found", describe(r))

    def test_missing_root(self):
        srv = jzapi.Server(demo=False).start()  # cwd is a fresh directory: no web/dist
        try:
            line = srv.wait_stderr(r"web console not found", 5)
            self.assertEqual(
                line, "jinzhi: web console not found at web/dist (build it: npm --prefix web ci"
                      " && npm --prefix web run build); serving the API only")
            self.check_api_only(srv)
        finally:
            rc, text = srv.stop()
        self.assertEqual(rc, 0, text[-2000:])

    def test_disabled_root(self):
        srv = jzapi.Server(demo=False, env={"JINZHI_WEB_ROOT": ""}).start()
        try:
            self.assertIsNotNone(srv.wait_stderr(r"web console disabled", 5),
                                 srv.stderr_text())
            self.check_api_only(srv)
        finally:
            rc, text = srv.stop()
        self.assertEqual(rc, 0, text[-2000:])


class ConsoleConfigTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jzwebcfg-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_jinzhi(self, *args, env=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("JINZHI_")}
        e.update(env or {})
        return subprocess.run([jzapi.jinzhi_bin()] + list(args), cwd=self.tmp, env=e,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)

    def test_print_config(self):
        p = self.run_jinzhi("serve", "--print-config")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout.decode()
        self.assertIn("[web]", out)
        self.assertRegex(out, r"(?m)^root = web/dist +; default .*JINZHI_WEB_ROOT")
        p = self.run_jinzhi("serve", "--print-config", "--web-root", "/srv/console")
        self.assertRegex(p.stdout.decode(), r"(?m)^root = /srv/console +; flag")
        p = self.run_jinzhi("serve", "--print-config", env={"JINZHI_WEB_ROOT": "/x"})
        self.assertRegex(p.stdout.decode(), r"(?m)^root = /x +; env")

    def test_link_leaving_the_root_stops_the_server(self):
        root = os.path.join(self.tmp, "site")
        os.makedirs(root)
        with open(os.path.join(self.tmp, "secret.txt"), "w") as f:
            f.write("secret")
        os.symlink(os.path.join(self.tmp, "secret.txt"), os.path.join(root, "leak.txt"))
        p = self.run_jinzhi("serve", "--db", os.path.join(self.tmp, "j.db"), "--listen",
                            "127.0.0.1:0", "--web-root", root)
        self.assertEqual(p.returncode, 1, p.stderr)
        err = p.stderr.decode()
        self.assertIn("jinzhi: web console: the symbolic link", err)
        self.assertIn("leak.txt", err)
        self.assertNotIn("listening on", err)


if __name__ == "__main__":
    jzapi.main()

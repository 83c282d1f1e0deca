"""
Public licence verification over HTTP, without signing in: GET /v/{licence_no} (HTML, or JSON
with Accept: application/json or ?format=json) and the public list /api/v1/public/licences.

The database is the demo's (`jinzhi demo --scale small`, with `--licensing small` when the
binary has that flag). The test reads lc_licence to pick its numbers and sets, with a second
process (sqlite3), one licence of each status it needs (suspended, revoked, expired, one
whose status changes while the server runs), so that each status is checked whatever the
demo holds; should the demo hold no licences at all, it writes a few rows itself and says so.

Checked: valid, suspended, revoked, cancelled, expired (valid_until before today in China) and
unknown (404, HTML and JSON), malformed numbers (400), percent-encoded industrial numbers
"(藏)XK..." and full-width parentheses, JSON by Accept and by ?format=json (the same bytes),
Vary: Accept, ETag and 304 (distinct for HTML and JSON), that no private column (legal
representative, production address) is in any answer, that a change by another process shows
on the next request, the public search (name, number prefix, credit code, kind, status,
cursor pages), and, on a second server with public.rate_limit 6 a minute and a burst of 3, the
429 with Retry-After (JSON and HTML) per client address, X-Real-IP honoured from the trusted
loopback proxy and ignored when server.trusted_proxies is empty.
"""
import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import describe  # noqa: E402

BASE_URL = "https://jz.example.org/xz"
SHAPE = {"licence_no", "status", "holder", "holder_code", "kind", "categories", "scope",
         "valid_from", "valid_until", "issuer", "status_on", "checked_at"}
SUSPEND_REASON = "监督检查发现生产条件发生变化，责令暂停"
REVOKE_REASON = "以欺骗手段取得许可，依法撤销"
UNKNOWN_SC = "SC99954019900017"
UNKNOWN_XK = "(藏)XK99-999-99999"


def china_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def vpath(no, **query):
    """/v/ + the number percent-encoded as a browser or QR reader sends it."""
    p = "/v/" + urllib.parse.quote(no, safe="()")
    return p + ("?" + urllib.parse.urlencode(query) if query else "")


def demo_has_licensing_flag(binary):
    p = subprocess.run([binary, "demo", "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    return b"--licensing" in p.stdout


FALLBACK_ROWS = [
    # number, kind, holder, name, region, categories
    ("SC10154010200017", "food", "91540100MA6T000011", "拉萨青稞食品有限公司", 540102, "101"),
    ("SC10154010200025", "food", "91540100MA6T000011", "拉萨青稞食品有限公司", 540102, "101"),
    ("SC10154010200033", "food", "91540100MA6T000011", "拉萨青稞食品有限公司", 540102, "101"),
    ("SC10354020200019", "food", "91540200MA6T000022", "日喀则酥油厂", 540202, "103"),
    ("SC10354020200027", "food", "91540200MA6T000022", "日喀则酥油厂", 540202, "103"),
    ("(藏)XK13-001-00012", "industrial", "91540200MA6T000033", "日喀则化工有限公司", 540202,
     "XK13-001"),
]


class LicensingPublic(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = jzapi.jinzhi_bin()
        cls.tmp = tempfile.mkdtemp(prefix="jzlcpub-")
        cls.db = os.path.join(cls.tmp, "jinzhi.db")
        args = [cls.bin, "demo", "--db", cls.db, "--scale", "small", "--seed", "7"]
        if demo_has_licensing_flag(cls.bin):
            args += ["--licensing", "small"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("JINZHI_")}
        subprocess.run(args, cwd=cls.tmp, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=600)
        cls.fallback = False
        cls.prepare_statuses()
        cls.srv = jzapi.Server(db=cls.db, args=["--public-rate-limit", "0"],
                               env={"JINZHI_PUBLIC_BASE_URL": BASE_URL})
        cls.srv.start()
        if cls.fallback:
            print("note: the demo holds no licences; the test wrote %d rows into lc_licence"
                  % len(FALLBACK_ROWS), file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # -- the data ------------------------------------------------------------------------

    @classmethod
    def sql(cls):
        c = sqlite3.connect(cls.db, timeout=30)
        c.row_factory = sqlite3.Row
        return c

    @classmethod
    def prepare_statuses(cls):
        """Picks licences and gives them the statuses the tests need (another process's
        writes, as an officer's action would be)."""
        today = china_today()
        with cls.sql() as c:
            n = c.execute("SELECT count(*) FROM lc_licence").fetchone()[0]
            if n == 0:
                cls.fallback = True
                for i, (no, kind, holder, name, region, cats) in enumerate(FALLBACK_ROWS):
                    c.execute(
                        "INSERT INTO lc_licence (id, licence_no, kind, holder, holder_name, "
                        "region_code, categories, scope_text, site_address, legal_rep, issuer, "
                        "issued_on, valid_from, valid_until, status, application_id, "
                        "next_check_due, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                        "'糌粑', '拉萨市城关区某路 1 号', '张三', '西藏自治区市场监督管理局', "
                        "'2024-01-02', '2024-01-02', '2029-01-01', 'valid', 1, '2025-01-02', "
                        "'2024-01-02T00:00:00Z', '2024-01-02T00:00:00Z')",
                        (900000 + i, no, kind, holder, name, region, cats))
            future = (today + datetime.timedelta(days=30)).isoformat()
            rows = c.execute(
                "SELECT id, licence_no, kind, legal_rep, site_address FROM lc_licence WHERE "
                "status = 'valid' AND valid_until > ? ORDER BY licence_no", (future,)).fetchall()
            food = [r for r in rows if r["kind"] == "food"]
            assert len(food) >= 5, "the demo has fewer than 5 valid food licences"
            cls.valid, cls.suspended, cls.revoked, cls.expired, cls.changing = (
                dict(r) for r in food[:5])
            industrial = [r for r in rows if r["kind"] == "industrial"]
            cls.industrial = dict(industrial[0]) if industrial else None
            c.execute("UPDATE lc_licence SET status = 'suspended', status_reason = ?, "
                      "status_on = '2025-06-01' WHERE id = ?",
                      (SUSPEND_REASON, cls.suspended["id"]))
            c.execute("UPDATE lc_licence SET status = 'revoked', status_reason = ?, "
                      "status_on = '2025-07-01' WHERE id = ?",
                      (REVOKE_REASON, cls.revoked["id"]))
            c.execute("UPDATE lc_licence SET valid_until = ? WHERE id = ?",
                      ((today - datetime.timedelta(days=1)).isoformat(), cls.expired["id"]))
            cls.private = {r["legal_rep"] for r in c.execute("SELECT legal_rep FROM lc_licence")}
            cls.private |= {r["site_address"] for r in
                            c.execute("SELECT site_address FROM lc_licence")}
            cls.private.discard("")

    def assert_nothing_private(self, body):
        text = body.decode("utf-8")
        for p in self.private:
            self.assertNotIn(p, text)
        for word in ("legal_rep", "site_address", "phone", "application"):
            self.assertNotIn(word, text)

    def get(self, path, **kw):
        return self.srv.get(path, auth=False, **kw)

    def get_json(self, no):
        r = self.get(vpath(no), headers={"Accept": "application/json"})
        self.assertEqual(r.headers.get("Content-Type"), "application/json; charset=utf-8")
        self.assertIsNotNone(r.json, describe(r))
        return r

    # -- verification ----------------------------------------------------------------------

    def test_valid_html(self):
        no = self.valid["licence_no"]
        r = self.get(vpath(no))
        self.assertEqual(r.status, 200, describe(r))
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
        self.assertEqual(r.headers.get("Vary"), "Accept")
        self.assertIn("public, max-age=", r.headers.get("Cache-Control"))
        self.assertIn("default-src 'none'", r.headers.get("Content-Security-Policy"))
        html = r.body.decode("utf-8")
        self.assertIn(no, html)
        self.assertIn("许可证有效", html)
        self.assertIn('lang="bo"', html)
        self.assertIn("This licence is valid", html)
        j = self.get_json(no).json
        self.assertIn(j["holder"], html)
        self.assertIn(j["holder_code"], html)
        self.assertIn(j["valid_until"], html)
        for c in j["categories"]:
            self.assertIn(c["name_zh"], html)
        self.assert_nothing_private(r.body)

    def test_valid_json_shape(self):
        no = self.valid["licence_no"]
        r = self.get_json(no)
        self.assertEqual(r.status, 200, describe(r))
        j = r.json
        self.assertTrue(SHAPE <= set(j), SHAPE - set(j))
        self.assertEqual(j["licence_no"], no)
        self.assertEqual(j["status"], "valid")
        self.assertEqual(j["kind"], "food")
        self.assertTrue(jzapi.uscc_valid(j["holder_code"]) or self.fallback, j["holder_code"])
        self.assertTrue(j["categories"])
        for c in j["categories"]:
            self.assertEqual(set(c) >= {"code", "name_zh", "name_en"}, True, c)
            self.assertTrue(c["name_zh"])
        self.assertIsNone(j["status_on"])
        self.assertEqual(j["checked_at"], china_today().isoformat())
        self.assertEqual(j["url"], BASE_URL + vpath(no))
        self.assertLessEqual(j["valid_from"], j["valid_until"])
        self.assert_nothing_private(r.body)

    def test_json_by_format_and_accept(self):
        no = self.valid["licence_no"]
        a = self.get_json(no)
        f = self.get(vpath(no, format="json"))
        self.assertEqual(f.status, 200)
        self.assertEqual(f.body, a.body)
        self.assertEqual(f.headers.get("ETag"), a.headers.get("ETag"))
        # A browser's Accept (text/html first, */* after) gets HTML, as does none at all.
        b = self.get(vpath(no), headers={
            "Accept": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"})
        self.assertTrue(b.headers.get("Content-Type").startswith("text/html"))
        h = self.get(vpath(no, format="html"), headers={"Accept": "application/json"})
        self.assertTrue(h.headers.get("Content-Type").startswith("text/html"))
        self.assertNotEqual(b.headers.get("ETag"), a.headers.get("ETag"))
        bad = self.get(vpath(no, format="xml"))
        self.assertEqual(bad.status, 400, describe(bad))

    def test_statuses(self):
        cases = [(self.suspended, "suspended", "2025-06-01", SUSPEND_REASON, "许可证已暂停"),
                 (self.revoked, "revoked", "2025-07-01", REVOKE_REASON, "许可证已被撤销"),
                 (self.expired, "expired", china_today().isoformat(), None, "许可证已超过有效期")]
        for lic, status, on, reason, banner in cases:
            with self.subTest(status=status):
                j = self.get_json(lic["licence_no"])
                self.assertEqual(j.status, 200, describe(j))
                self.assertEqual(j.json["status"], status)
                self.assertEqual(j.json["status_on"], on)
                self.assertEqual(j.json["status_reason"], reason)
                h = self.get(vpath(lic["licence_no"]))
                self.assertEqual(h.status, 200)
                text = h.body.decode("utf-8")
                self.assertIn(banner, text)
                if reason:
                    self.assertIn(reason, text)
                self.assert_nothing_private(h.body)
                self.assert_nothing_private(j.body)

    def test_unknown(self):
        for no in (UNKNOWN_SC, UNKNOWN_XK):
            with self.subTest(no=no):
                j = self.get_json(no)
                self.assertEqual(j.status, 404, describe(j))
                self.assertEqual(j.json["status"], "unknown")
                self.assertEqual(j.json["licence_no"], no)
                self.assertIsNone(j.json["holder"])
                self.assertEqual(j.json["categories"], [])
                h = self.get(vpath(no))
                self.assertEqual(h.status, 404)
                self.assertTrue(h.headers.get("Content-Type").startswith("text/html"))
                self.assertIn("未查到该许可证", h.body.decode("utf-8"))
                self.assertIn(no, h.body.decode("utf-8"))

    def test_malformed(self):
        for raw in ("SC123", "XK13-001-00012", "SC1015401020001X", "%3Cscript%3E",
                    "(Z)XK13-001-00012", "SC10154010200017%20x"):
            with self.subTest(raw=raw):
                h = self.get("/v/" + raw)
                self.assertEqual(h.status, 400, describe(h))
                self.assertIn("许可证编号格式不正确", h.body.decode("utf-8"))
                self.assertNotIn("<script>", h.body.decode("utf-8"))
                j = self.get("/v/" + raw, headers={"Accept": "application/json"})
                self.assertEqual(j.status, 400)
                self.assertEqual(j.json["error"]["field"], "licence_no")

    def test_industrial_number_encoded(self):
        if self.industrial is None:
            self.skipTest("no valid industrial licence in the demo")
        no = self.industrial["licence_no"]
        self.assertTrue(no.startswith("("), no)
        r = self.get(vpath(no))
        self.assertEqual(r.status, 200, describe(r))
        self.assertIn(no, r.body.decode("utf-8"))
        # Full-width parentheses (as typed with a Chinese input method) mean the same.
        wide = no.replace("(", "（").replace(")", "）")
        j = self.get(vpath(wide, format="json"))
        self.assertEqual(j.status, 200, describe(j))
        self.assertEqual(j.json["licence_no"], no)
        self.assertEqual(j.json["kind"], "industrial")
        self.assertEqual(j.json["url"], BASE_URL + "/v/" + urllib.parse.quote(no, safe="()"))

    def test_etag_304(self):
        no = self.valid["licence_no"]
        for headers in ({}, {"Accept": "application/json"}):
            with self.subTest(headers=headers):
                r = self.get(vpath(no), headers=headers)
                etag = r.headers.get("ETag")
                self.assertTrue(etag and etag.startswith('"'), etag)
                c = self.get(vpath(no), headers=dict(headers, **{"If-None-Match": etag}))
                self.assertEqual(c.status, 304)
                self.assertEqual(c.body, b"")
                c = self.get(vpath(no), headers=dict(headers, **{"If-None-Match": '"x"'}))
                self.assertEqual(c.status, 200)
        # A cookie changes nothing: same bytes, still public.
        r1 = self.get(vpath(no))
        r2 = self.get(vpath(no), headers={"Cookie": "jz_session=not-a-session"})
        self.assertEqual(r1.body, r2.body)
        self.assertEqual(r2.headers.get("Cache-Control"), r1.headers.get("Cache-Control"))

    def test_change_shows_at_once(self):
        no = self.changing["licence_no"]
        # Ask each of the two workers a few times so both have it cached.
        for _ in range(4):
            self.assertEqual(self.get_json(no).json["status"], "valid")
        with self.sql() as c:
            c.execute("UPDATE lc_licence SET status = 'cancelled', status_reason = '企业申请注销', "
                      "status_on = '2025-09-09' WHERE id = ?", (self.changing["id"],))
        for _ in range(4):
            j = self.get_json(no).json
            self.assertEqual(j["status"], "cancelled")
            self.assertEqual(j["status_reason"], "企业申请注销")
        self.assertIn("许可证已注销", self.get(vpath(no)).body.decode("utf-8"))

    # -- the public list -------------------------------------------------------------------

    def list(self, **q):
        r = self.get("/api/v1/public/licences", query=q)
        self.assertEqual(r.status, 200, describe(r))
        self.assert_nothing_private(r.body)
        return r.json

    def test_list_search(self):
        v = self.get_json(self.valid["licence_no"]).json
        # By number prefix, whole number, credit code, part of the name.
        items = self.list(q=v["licence_no"][:9], limit=100)["items"]
        self.assertTrue(items)
        self.assertTrue(all(i["licence_no"].startswith(v["licence_no"][:9]) for i in items))
        items = self.list(q=v["licence_no"].lower())["items"]
        self.assertEqual([i["licence_no"] for i in items], [v["licence_no"]])
        self.assertEqual(items[0], dict((k, v[k]) for k in v if k != "checked_at"))
        items = self.list(q=v["holder_code"], limit=100)["items"]
        self.assertIn(v["licence_no"], [i["licence_no"] for i in items])
        self.assertTrue(all(i["holder_code"] == v["holder_code"] for i in items))
        part = v["holder"][1:4]
        items = self.list(q=part, limit=100)["items"]
        self.assertTrue(items)
        self.assertTrue(all(part in i["holder"] for i in items))
        # Filters.
        self.assertTrue(all(i["kind"] == "food" for i in self.list(kind="food")["items"]))
        st = self.list(status="suspended", limit=100)["items"]
        self.assertIn(self.suspended["licence_no"], [i["licence_no"] for i in st])
        self.assertTrue(all(i["status"] == "suspended" for i in st))
        ex = self.list(status="expired", limit=100)["items"]
        self.assertIn(self.expired["licence_no"], [i["licence_no"] for i in ex])
        self.assertEqual(self.list(q="没有这样的企业名称")["items"], [])
        # Bad parameters name themselves.
        for k, val in (("kind", "drug"), ("status", "x"), ("limit", "1000"), ("cursor", "zz"),
                       ("region", "12")):
            r = self.get("/api/v1/public/licences", query={k: val})
            self.assertEqual(r.status, 400, describe(r))
            self.assertEqual(r.json["error"]["field"], k)

    def test_list_pages(self):
        """Pages of 7 of the food licences cover them all, in number order, each once."""
        everything = []
        cursor = None
        for _ in range(10000):
            q = {"kind": "food", "limit": "7"}
            if cursor:
                q["cursor"] = cursor
            page = self.list(**q)
            self.assertLessEqual(len(page["items"]), 7)
            everything += [i["licence_no"] for i in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        with self.sql() as c:
            want = [r[0] for r in c.execute(
                "SELECT licence_no FROM lc_licence WHERE kind = 'food' ORDER BY licence_no")]
        self.assertEqual(everything, want)

    def test_openapi(self):
        d = self.get("/api/v1/openapi.json").json
        self.assertIn("/v/{licence_no}", d["paths"])
        self.assertIn("/api/v1/public/licences", d["paths"])
        props = d["components"]["schemas"]["LicencePublic"]["properties"]
        self.assertTrue(SHAPE <= set(props), SHAPE - set(props))


class LicensingPublicRateLimit(unittest.TestCase):
    """A second and a third server on the same database, with a small limit."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jzlcrl-")
        cls.db = os.path.join(cls.tmp, "jinzhi.db")
        binary = jzapi.jinzhi_bin()
        env = {k: v for k, v in os.environ.items() if not k.startswith("JINZHI_")}
        subprocess.run([binary, "migrate", "--db", cls.db], cwd=cls.tmp, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
        limit = ["--public-rate-limit", "6", "--public-rate-burst", "3"]
        cls.srv = jzapi.Server(db=cls.db, args=limit).start()
        cls.untrusting = jzapi.Server(db=cls.db, args=limit + ["--trusted-proxies", ""]).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.untrusting.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def burst(self, srv, ip, path, n, accept=None):
        statuses, last = [], None
        for _ in range(n):
            h = {"X-Real-IP": ip}
            if accept:
                h["Accept"] = accept
            last = srv.get(path, auth=False, headers=h)
            statuses.append(last.status)
        return statuses, last

    def test_429_json_and_html(self):
        statuses, r = self.burst(self.srv, "198.51.100.10", vpath(UNKNOWN_SC), 4,
                                 "application/json")
        self.assertEqual(statuses, [404, 404, 404, 429])
        self.assertEqual(r.json["error"]["code"], "rate_limited")
        retry = int(r.headers.get("Retry-After"))
        self.assertTrue(1 <= retry <= 10, retry)  # 6 a minute: one every 10 s
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        # The HTML page says so in the three languages.
        statuses, r = self.burst(self.srv, "198.51.100.10", vpath(UNKNOWN_SC), 1)
        self.assertEqual(statuses, [429])
        self.assertTrue(r.headers.get("Content-Type").startswith("text/html"))
        self.assertIn("查询过于频繁", r.body.decode("utf-8"))
        self.assertIsNotNone(r.headers.get("Retry-After"))
        # The list shares the bucket; another client address has its own.
        statuses, _ = self.burst(self.srv, "198.51.100.10", "/api/v1/public/licences", 1)
        self.assertEqual(statuses, [429])
        statuses, _ = self.burst(self.srv, "198.51.100.11", "/api/v1/public/licences", 3)
        self.assertEqual(statuses, [200, 200, 200])
        statuses, _ = self.burst(self.srv, "2001:db8:1:2::1", vpath(UNKNOWN_SC), 3)
        self.assertEqual(statuses, [404, 404, 404])
        statuses, _ = self.burst(self.srv, "2001:db8:1:2::ffff", vpath(UNKNOWN_SC), 1)
        self.assertEqual(statuses, [429])  # the same /64
        # Other pages are not limited.
        self.assertEqual(self.srv.get("/api/v1/health", auth=False).status, 200)

    def test_untrusted_proxy_headers_ignored(self):
        statuses = []
        for i in range(4):
            r = self.untrusting.get(vpath(UNKNOWN_SC), auth=False,
                                    headers={"X-Real-IP": "203.0.113.%d" % i,
                                             "X-Forwarded-For": "203.0.113.%d" % i})
            statuses.append(r.status)
        self.assertEqual(statuses, [404, 404, 404, 429])


if __name__ == "__main__":
    unittest.main()

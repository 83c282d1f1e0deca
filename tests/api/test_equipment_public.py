"""
The public equipment page over HTTP, without signing in: GET /e/{reg_code} (HTML),
/api/v1/public/equipment/{reg_code} (JSON), /e/{reg_code}/qr.svg and /e/{reg_code}/qr.png.

Checked: the facts the page shows for a registered elevator and none of the private ones (the
inspector's name, defect texts, the device code, the use unit's people and phone numbers); the
400 and 404 pages; the JSON; the QR codes (SVG and PNG drawing the same symbol with a 4-module
quiet zone, the PNG a square of the right size for ?size=, a bad size refused, and the code
reading back as the configured public.base_url, never the Host header); ETag and 304; that a
session cookie or a bad Authorization header changes nothing; and that a write shows at once
(an inspection through the API, a change to the use unit, a change by another process), for
each worker thread's cache.
"""
import datetime
import hashlib
import base64
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import describe, make_code  # noqa: E402

BASE_URL = "https://jz.example.org/xz"
QUIET = 4

# Codes the demo data never gives (its manufacturers have 5-digit numbers below 99999 and its
# registration sequences stay far below 9900), so they cannot collide with it.

ELEVATOR_REG = "31105401002023069901"
ELEVATOR_DEVICE = "311099999202200001"
BOILER_REG = "11005402002022019907"
BOILER_DEVICE = "110099999201900077"
STOPPED_REG = "31105401002021129903"
STOPPED_DEVICE = "311099999201900003"
FRESH_REG = "31105401002021129904"
FRESH_DEVICE = "311099999201900004"

INSPECTOR = "格桑次仁"           # given at inspection: must never show
INSTITUTION = "西藏自治区特种设备检验研究院"
DEFECT = "曳引绳断丝超标需更换"  # defect text: must never show
REPORT_NO = "TJ-2024-SECRET-0815"
NOTE = "内部备注不公开"
LEGAL_REP = "次旦多吉"
CONTACT = "央金拉姆"
PHONE = "+86-891-6339999"
MAINTAINER = "拉萨高原电梯维保有限公司"
LOCATION = '北京中路 8 号 <script>alert("x")</script> & 2 号楼'


def china_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


# --------------------------------------------------------------------------------------
# PNG and SVG, read back with the standard library
# --------------------------------------------------------------------------------------


def png_read(data):
    """(width, height, rows) of a 1-bit greyscale, non-interlaced PNG; rows[y][x] is 1 for
    white. Fails on anything else."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        crc = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
        assert zlib.crc32(kind + chunk) & 0xFFFFFFFF == crc, "bad CRC in %r" % kind
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = ihdr
    assert (depth, colour, interlace) == (1, 0, 0), ihdr
    raw = zlib.decompress(idat)
    stride = (w + 7) // 8
    rows = []
    for y in range(h):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        assert line[0] == 0, "row %d uses filter %d" % (y, line[0])
        rows.append([(line[1 + x // 8] >> (7 - x % 8)) & 1 for x in range(w)])
    return w, h, rows


def svg_modules(svg):
    """(full width, set of dark (x, y)) of our SVG: a viewBox and runs M x y h n v1 h-n z."""
    m = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    assert m and m.group(1) == m.group(2), svg[:200]
    dark = set()
    for x, y, n, n2 in re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", svg):
        assert n == n2
        for k in range(int(n)):
            dark.add((int(x) + k, int(y)))
    return int(m.group(1)), dark


class PublicPageTest(jzapi.ServerTestCase):
    THREADS = 2

    @classmethod
    def setUpClass(cls):
        # ServerTestCase's own start, with the public base URL set (given with a trailing
        # slash, which is dropped).
        super(jzapi.ServerTestCase, cls).setUpClass()
        cls.srv = jzapi.Server(demo=True, threads=cls.THREADS,
                               env={"JINZHI_PUBLIC_BASE_URL": BASE_URL + "/"}).start()
        try:
            cls.fixtures()
        except BaseException:
            cls.srv.kill()
            raise

    @classmethod
    def fixtures(cls):
        srv = cls.srv
        # A use unit of our own, with people and a phone number that must never show.
        cls.credit = make_code(770011, region="540102")
        r = srv.post("/api/v1/enterprises", json_body={
            "credit_code": cls.credit, "name": "拉萨雪域商贸有限公司",
            "name_bo": "ལྷ་ས་གངས་ཅན་ཚོང་ལས་ཚད་ཡོད་ཀུང་སི།", "legal_representative": LEGAL_REP,
            "address": "拉萨市城关区江苏路 9 号", "region_code": 540102, "industry": "F",
            "contact_name": CONTACT, "contact_phone": PHONE})
        assert r.status == 201, describe(r)
        cls.enterprise = r.json
        cls.shigatse = make_code(770012, region="540202")
        r = srv.post("/api/v1/enterprises", json_body={
            "credit_code": cls.shigatse, "name": "日喀则供热公司", "region_code": 540202,
            "industry": "D"})
        assert r.status == 201, describe(r)
        cls.unit = cls.register({
            "device_code": ELEVATOR_DEVICE, "reg_code": ELEVATOR_REG, "category": "3110",
            "name": "乘客电梯", "use_unit": cls.credit, "region_code": 540102,
            "location": LOCATION, "maintainer": MAINTAINER, "manufacturer": "某电梯有限公司",
            "installer": "某安装公司", "institution": INSTITUTION,
            "manufactured_on": "2022-11-01", "commissioned_on": "2023-05-20",
            "speed_mps": "1.75", "floors": 18, "rated_load_kg": 1000})
        r = srv.post("/api/v1/equipment/units/%s/inspections" % ELEVATOR_DEVICE, json_body={
            "kind": "periodic", "institution": INSTITUTION, "inspector": INSPECTOR,
            "inspected_on": "2024-05-15", "conclusion": "pass", "report_no": REPORT_NO,
            "note": NOTE, "defects": [{"description": DEFECT, "deadline": "2024-06-15"}]})
        assert r.status == 201, describe(r)
        cls.after_first = r.json["unit"]
        # A boiler in Shigatse (no maintenance unit shown) with the longest texts allowed.
        cls.boiler = cls.register({
            "device_code": BOILER_DEVICE, "reg_code": BOILER_REG, "category": "1100",
            "name": "蒸汽锅炉", "use_unit": cls.shigatse, "region_code": 540202,
            "location": "锅" * 200, "manufacturer": "厂" * 100,
            "manufactured_on": "2019-03-01", "commissioned_on": "2019-10-01",
            "capacity_tph": "4", "pressure_mpa": "1.25"})
        cls.stopped = cls.register({
            "device_code": STOPPED_DEVICE, "reg_code": STOPPED_REG, "category": "3110",
            "name": "载货电梯", "use_unit": cls.credit, "region_code": 540102,
            "status": "stopped", "manufactured_on": "2019-01-01"})

    @classmethod
    def register(cls, body):
        r = cls.srv.post("/api/v1/equipment/units", json_body=body)
        assert r.status == 201, describe(r)
        return r.json

    def page(self, code=ELEVATOR_REG, suffix="", **kw):
        kw.setdefault("auth", False)
        return self.srv.get("/e/" + code + suffix, **kw)

    def text(self, r):
        return r.body.decode("utf-8")

    def assertHtml(self, r, status):
        self.assertStatus(r, status)
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")
        self.assertTrue(self.text(r).startswith("<!DOCTYPE html>"), describe(r))

    # -- the page ----------------------------------------------------------------------

    def test_page_shows_the_facts(self):
        r = self.page()
        self.assertHtml(r, 200)
        t = self.text(r)
        self.assertLess(len(r.body), 10 * 1024, "the page is over 10 KB")
        unit = self.srv.get("/api/v1/equipment/units/" + ELEVATOR_DEVICE).json
        for fact in (ELEVATOR_REG, "曳引驱动乘客电梯", "Traction passenger elevators",
                     "拉萨雪域商贸有限公司", "ལྷ་ས་གངས་ཅན་ཚོང་ལས་ཚད་ཡོད་ཀུང་སི།",
                     "城关区", "拉萨市", "Chengguan, Lhasa", "在用", "In use",
                     "2024-05-15", "合格", unit["next_due"], MAINTAINER, "12365",
                     "拉萨市市场监督管理局", "Lhasa Administration for Market Regulation",
                     "北京时间", "as of %s" % china_today().isoformat()):
            with self.subTest(fact=fact):
                self.assertIn(fact, t)
        # Labels in the three languages.
        self.assertRegex(t, r"<dt>设备类别<span lang=\"bo\">སྒྲིག་ཆས་རིགས།</span>"
                            r"<span lang=\"en\">Category</span></dt>")
        self.assertIn("维护保养单位", t)
        self.assertNotIn("<script", t)
        self.assertIn("<html lang=\"zh-CN\">", t)
        # Overdue or not, as the unit record says.
        banner = "检验已逾期，不得使用" if unit["overdue"] else "在检验有效期内"
        self.assertIn(banner, t)

    def test_nothing_private(self):
        pages = [self.page(), self.srv.get("/api/v1/public/equipment/" + ELEVATOR_REG,
                                            auth=False)]
        for r in pages:
            self.assertStatus(r, 200)
            t = self.text(r)
            for secret in (INSPECTOR, DEFECT, REPORT_NO, NOTE, INSTITUTION, ELEVATOR_DEVICE,
                           LEGAL_REP, CONTACT, PHONE, "891", self.credit, "某安装公司",
                           "inspector", "defect"):
                with self.subTest(secret=secret, kind=r.headers.get("Content-Type")):
                    self.assertNotIn(secret, t)

    def test_html_escaped(self):
        t = self.text(self.page())
        self.assertNotIn('<script>alert("x")</script>', t)
        self.assertIn("北京中路 8 号 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 2 号楼",
                      t)

    def test_content_security_policy(self):
        r = self.page()
        csp = r.headers.get("Content-Security-Policy")
        self.assertIn("default-src 'none'", csp)
        style = re.search(r"<style>(.*?)</style>", self.text(r), re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
        self.assertIn("style-src 'sha256-%s'" % digest, csp)
        self.assertNotIn("unsafe-inline", csp)

    def test_boiler_without_maintainer_and_long_texts(self):
        r = self.page(BOILER_REG)
        self.assertHtml(r, 200)
        t = self.text(r)
        self.assertLess(len(r.body), 10 * 1024)
        self.assertIn("锅" * 200, t)
        self.assertIn("承压蒸汽锅炉", t)
        self.assertIn("ཆུ་ཁོལ་སྒམ་", t)  # the top category's Tibetan name
        self.assertIn("日喀则市市场监督管理局", t)
        self.assertNotIn("维护保养单位", t)
        self.assertNotIn("厂" * 100, t)  # the manufacturer is not on the page
        # Never inspected, in use since 2019: its first inspection is overdue.
        j = self.srv.get("/api/v1/public/equipment/" + BOILER_REG, auth=False).json
        self.assertTrue(j["overdue"])
        self.assertFalse(j["may_be_used"])
        self.assertIn("检验已逾期，不得使用", t)
        self.assertIn("Inspection overdue", t)

    def test_stopped_unit(self):
        t = self.text(self.page(STOPPED_REG))
        self.assertIn("已停用", t)
        self.assertIn("停用", t)
        self.assertNotIn("不得使用", t)

    def test_head(self):
        r = self.srv.request("HEAD", "/e/" + ELEVATOR_REG, auth=False)
        self.assertStatus(r, 200)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.headers.get("Content-Type"), "text/html; charset=utf-8")

    def test_other_methods(self):
        for m in ("POST", "PATCH", "DELETE"):
            with self.subTest(method=m):
                r = self.srv.request(m, "/e/" + ELEVATOR_REG, json_body={}, auth=False)
                self.assertStatus(r, 405)

    # -- errors -------------------------------------------------------------------------

    def test_unknown_code_404_page(self):
        r = self.page("31105401002023069999")
        self.assertHtml(r, 404)
        t = self.text(r)
        self.assertIn("31105401002023069999", t)
        self.assertIn("未查到该设备", t)
        self.assertIn("No such unit", t)
        self.assertIn("12365", t)
        self.assertIn("<style>", t)
        for suffix in ("/qr.svg", "/qr.png"):
            self.assertStatus(self.page("31105401002023069999", suffix), 404)

    def test_malformed_code_400_page(self):
        for bad in ("1234", "3110540100202306000", "311054010020230600011",
                    "3110540100202306000A", "%EF%BC%93110540100202306000",
                    "+1105401002023060001", "-1105401002023060001", "%201105401002023060001",
                    "3110540100202306%200001", "%2531105401002023060001"):
            for suffix in ("", "/qr.svg", "/qr.png"):
                with self.subTest(code=bad, suffix=suffix):
                    r = self.page(bad, suffix)
                    self.assertHtml(r, 400)
                    t = self.text(r)
                    self.assertIn("20 位数字", t)
                    self.assertIn("20 digits", t)
                    self.assertNotIn(bad, t)  # not echoed

    def test_json_errors(self):
        r = self.srv.get("/api/v1/public/equipment/1234", auth=False)
        self.assertError(r, 400, "invalid", "reg_code")
        self.assertIn("20 digits", r.json["error"]["message"])
        r = self.srv.get("/api/v1/public/equipment/31105401002023069999", auth=False)
        self.assertError(r, 404, "not_found", "reg_code")

    # -- JSON ---------------------------------------------------------------------------

    def test_json(self):
        r = self.srv.get("/api/v1/public/equipment/" + ELEVATOR_REG, auth=False)
        self.assertStatus(r, 200)
        self.assertEqual(r.headers.get("Content-Type"), "application/json; charset=utf-8")
        self.assertEqual(r.headers.get("Cache-Control"), "public, max-age=300")
        j = r.json
        unit = self.srv.get("/api/v1/equipment/units/" + ELEVATOR_DEVICE).json
        self.assertEqual(set(j), {
            "reg_code", "url", "category", "use_unit_name", "use_unit_name_bo", "region",
            "prefecture", "location", "status", "last_inspected_on", "last_conclusion",
            "next_due", "overdue", "days_to_due", "may_be_used", "maintainer", "complaints",
            "as_of"})
        self.assertEqual(j["reg_code"], ELEVATOR_REG)
        self.assertEqual(j["url"], BASE_URL + "/e/" + ELEVATOR_REG)
        self.assertEqual(j["category"], {"code": "3110", "name_zh": "曳引驱动乘客电梯",
                                         "name_bo": "གློག་སྐས་",
                                         "name_en": "Traction passenger elevators"})
        self.assertEqual(j["use_unit_name"], "拉萨雪域商贸有限公司")
        self.assertEqual(j["region"]["code"], "540102")
        self.assertEqual(j["prefecture"]["code"], "540100")
        self.assertEqual(j["prefecture"]["name_zh"], "拉萨市")
        self.assertEqual(j["location"], LOCATION)
        self.assertEqual(j["status"], "in_use")
        self.assertEqual(j["last_inspected_on"], "2024-05-15")
        self.assertEqual(j["last_conclusion"], "pass")
        self.assertEqual(j["next_due"], unit["next_due"])
        self.assertEqual(j["overdue"], unit["overdue"])
        self.assertEqual(j["days_to_due"], unit["days_to_due"])
        self.assertEqual(j["maintainer"], MAINTAINER)
        self.assertEqual(j["complaints"]["hotlines"][0], "12365")
        self.assertEqual(j["complaints"]["authority_zh"], "拉萨市市场监督管理局")
        self.assertEqual(j["complaints"]["authority_bo"],
                         "ལྷ་ས་གྲོང་ཁྱེར་ཁྲོམ་ར་ལྟ་སྲུང་དོ་དམ་ཅུས།")
        self.assertEqual(j["as_of"], china_today().isoformat())
        b = self.srv.get("/api/v1/public/equipment/" + BOILER_REG, auth=False).json
        self.assertIsNone(b["maintainer"])

    # -- QR codes -----------------------------------------------------------------------

    def qr_text(self, png):
        """What zbarimg reads from a PNG, or None when zbarimg is not installed."""
        zbar = shutil.which("zbarimg")
        if zbar is None:
            return None
        with tempfile.NamedTemporaryFile(suffix=".png") as f:
            f.write(png)
            f.flush()
            p = subprocess.run([zbar, "--raw", "-q", f.name], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode("utf-8", "replace"))
        return p.stdout.decode("utf-8").strip()

    def test_svg(self):
        r = self.page(suffix="/qr.svg", headers={"Host": "evil.example.com"})
        self.assertStatus(r, 200)
        self.assertEqual(r.headers.get("Content-Type"), "image/svg+xml")
        self.assertTrue(r.body.startswith(b"<svg "), r.body[:40])
        self.assertEqual(r.headers.get("Cache-Control"), "public, max-age=300")
        full, dark = svg_modules(self.text(r))
        width = full - 2 * QUIET
        self.assertEqual((width - 17) % 4, 0, "not a QR symbol width: %d" % width)
        self.assertTrue(dark)
        for x, y in dark:  # the quiet zone is light
            self.assertTrue(QUIET <= x < full - QUIET and QUIET <= y < full - QUIET, (x, y))
        # The finder pattern's top-left corner is dark, its inner ring light.
        self.assertIn((QUIET, QUIET), dark)
        self.assertNotIn((QUIET + 1, QUIET + 1), dark)
        self.assertNotIn(b"evil", r.body)

    def test_png_sizes_and_same_symbol_as_svg(self):
        full, dark = svg_modules(self.text(self.page(suffix="/qr.svg")))
        for query, scale in (("", 8), ("?size=1", 1), ("?size=3", 3), ("?size=20", 20)):
            with self.subTest(size=scale):
                r = self.page(suffix="/qr.png" + query)
                self.assertStatus(r, 200)
                self.assertEqual(r.headers.get("Content-Type"), "image/png")
                self.assertEqual(r.body[:8], b"\x89PNG\r\n\x1a\n")
                w, h, rows = png_read(r.body)
                self.assertEqual((w, h), (full * scale, full * scale))
                for my in range(full):
                    for mx in range(full):
                        want = 0 if (mx, my) in dark else 1
                        for py, px in ((0, 0), (scale - 1, scale - 1)):
                            got = rows[my * scale + py][mx * scale + px]
                            if got != want:
                                self.fail("module (%d, %d) differs from the SVG" % (mx, my))

    def test_qr_encodes_the_configured_url(self):
        r = self.page(suffix="/qr.png?size=4", headers={"Host": "evil.example.com:9"})
        got = self.qr_text(r.body)
        if got is None:
            self.skipTest("zbarimg (Debian zbar-tools, scripts/deps.sh) is not installed")
        self.assertEqual(got, BASE_URL + "/e/" + ELEVATOR_REG)

    def test_bad_size(self):
        for bad in ("0", "21", "-1", "abc", "8x", "", "1e1", "08.0", "99999999999999999999"):
            with self.subTest(size=bad):
                r = self.page(suffix="/qr.png?size=" + bad)
                self.assertHtml(r, 400)
                t = self.text(r)
                self.assertIn("size", t)
                self.assertIn("1 to 20", t)

    # -- caching ------------------------------------------------------------------------

    def test_etag_and_304(self):
        for suffix, path in (("", None), ("/qr.svg", None), ("/qr.png?size=5", None),
                             (None, "/api/v1/public/equipment/" + ELEVATOR_REG)):
            with self.subTest(suffix=suffix, path=path):
                get = ((lambda **kw: self.srv.get(path, auth=False, **kw)) if path
                       else (lambda **kw: self.page(suffix=suffix, **kw)))
                r = get()
                self.assertStatus(r, 200)
                etag = r.headers.get("ETag")
                self.assertRegex(etag, r'^"[a-z0-9-]+"$')
                self.assertEqual(r.headers.get("Cache-Control"), "public, max-age=300")
                self.assertEqual(get().headers.get("ETag"), etag, "ETag not stable")
                for inm in (etag, "W/" + etag, '"x", ' + etag, "*"):
                    c = get(headers={"If-None-Match": inm})
                    self.assertStatus(c, 304, inm)
                    self.assertEqual(c.body, b"")
                    self.assertEqual(c.headers.get("ETag"), etag)
                    self.assertEqual(c.headers.get("Cache-Control"), "public, max-age=300")
                self.assertStatus(get(headers={"If-None-Match": '"other"'}), 200)
        tags = {self.page(suffix=s).headers.get("ETag")
                for s in ("", "/qr.svg", "/qr.png", "/qr.png?size=2")}
        tags.add(self.srv.get("/api/v1/public/equipment/" + ELEVATOR_REG,
                              auth=False).headers.get("ETag"))
        self.assertEqual(len(tags), 5, "representations share an ETag")
        # The page's ETag carries the unit's version and today's date in China.
        self.assertIn("-%s-" % china_today().strftime("%Y%m%d"), self.page().headers["ETag"])

    def test_credentials_are_not_looked_at(self):
        plain = self.page()
        for headers in ({"Cookie": "jz_session=not-a-session"},
                        {"Authorization": "Bearer jzt_not_a_token"},
                        {"Authorization": "Basic Zm9vOmJhcg=="},
                        {"Authorization": "Bearer " + self.srv.token}):
            with self.subTest(headers=headers):
                r = self.page(headers=headers)
                self.assertStatus(r, 200)
                self.assertEqual(r.body, plain.body)
                self.assertEqual(r.headers.get("Cache-Control"), "public, max-age=300")
                j = self.srv.get("/api/v1/public/equipment/" + ELEVATOR_REG, headers=headers,
                                 auth=False)
                self.assertStatus(j, 200)
                self.assertEqual(j.headers.get("Cache-Control"), "public, max-age=300")

    def test_real_session_cookie(self):
        login = "public.viewer"
        password = "Qomolangma-8848!"
        self.srv.make_account(login, password, "540000", ["sysadmin"])
        r = self.srv.post("/api/v1/auth/login", json_body={"login": login, "password": password},
                          auth=False)
        self.assertStatus(r, 200)
        cookie = re.search(r"jz_session=([^;]+)", r.headers.get("Set-Cookie")).group(1)
        p = self.page(headers={"Cookie": "jz_session=" + cookie})
        self.assertStatus(p, 200)
        self.assertEqual(p.body, self.page().body)
        self.assertEqual(p.headers.get("Cache-Control"), "public, max-age=300")
        self.assertIsNone(p.headers.get("Set-Cookie"))

    # -- freshness ----------------------------------------------------------------------

    def pages_everywhere(self, code, n=12):
        """n GETs on fresh connections: with 2 workers both caches are reached."""
        return [self.text(self.page(code)) for _ in range(n)]

    def test_page_changes_at_once_after_an_inspection(self):
        self.register({
            "device_code": FRESH_DEVICE, "reg_code": FRESH_REG, "category": "3110",
            "name": "载货电梯", "use_unit": self.credit, "region_code": 540102,
            "status": "stopped", "manufactured_on": "2019-01-01"})
        before = self.srv.get("/api/v1/public/equipment/" + FRESH_REG, auth=False)
        etag = self.page(FRESH_REG).headers["ETag"]
        for t in self.pages_everywhere(FRESH_REG):  # both workers hold the page
            self.assertIn("已停用", t)
        # Put the stopped unit back into use, then record an inspection through the API.
        r = self.srv.patch("/api/v1/equipment/units/" + FRESH_DEVICE,
                           json_body={"status": "in_use", "commissioned_on": "2019-06-01"})
        self.assertStatus(r, 200)
        for t in self.pages_everywhere(FRESH_REG):
            self.assertNotIn("已停用", t)
        today = china_today().isoformat()
        r = self.srv.post("/api/v1/equipment/units/%s/inspections" % FRESH_DEVICE, json_body={
            "kind": "periodic", "institution": INSTITUTION, "inspector": INSPECTOR,
            "inspected_on": today, "conclusion": "pass"})
        self.assertStatus(r, 201)
        due = r.json["unit"]["next_due"]
        self.assertIsNotNone(due)
        self.assertNotEqual(due, before.json["next_due"])
        for t in self.pages_everywhere(FRESH_REG):
            self.assertIn(due, t)
            self.assertIn(today, t)
            self.assertIn("在检验有效期内", t)
        j = self.srv.get("/api/v1/public/equipment/" + FRESH_REG, auth=False).json
        self.assertEqual(j["next_due"], due)
        self.assertEqual(j["last_inspected_on"], today)
        # The old ETag no longer matches.
        self.assertStatus(self.page(FRESH_REG, headers={"If-None-Match": etag}), 200)
        # A failed inspection the same day: may not be used, at once.
        r = self.srv.post("/api/v1/equipment/units/%s/inspections" % FRESH_DEVICE, json_body={
            "kind": "supervisory", "institution": INSTITUTION, "inspector": INSPECTOR,
            "inspected_on": today, "conclusion": "fail"})
        self.assertStatus(r, 201)
        for t in self.pages_everywhere(FRESH_REG):
            self.assertIn("检验不合格，不得使用", t)
            self.assertIn(r.json["unit"]["next_due"], t)
            self.assertNotIn(INSPECTOR, t)

    def test_page_follows_the_use_unit(self):
        self.pages_everywhere(BOILER_REG)
        ent = self.srv.get("/api/v1/enterprises/" + self.shigatse).json
        r = self.srv.patch("/api/v1/enterprises/" + self.shigatse,
                           json_body={"name": "日喀则热力有限责任公司"},
                           headers={"If-Match": '"%d"' % ent["version"]})
        self.assertStatus(r, 200)
        for t in self.pages_everywhere(BOILER_REG):
            self.assertIn("日喀则热力有限责任公司", t)
            self.assertNotIn("日喀则供热公司", t)

    def test_page_follows_another_process(self):
        sqlite3 = shutil.which("sqlite3")
        if sqlite3 is None:
            self.skipTest("sqlite3 shell not installed")
        self.pages_everywhere(ELEVATOR_REG)
        p = subprocess.run([sqlite3, self.srv.db, "PRAGMA busy_timeout=10000; UPDATE eq_unit "
                            "SET maintainer = '另一家维保公司' WHERE reg_code = '%s';"
                            % ELEVATOR_REG], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        try:
            for t in self.pages_everywhere(ELEVATOR_REG):
                self.assertIn("另一家维保公司", t)
        finally:
            r = self.srv.patch("/api/v1/equipment/units/" + ELEVATOR_DEVICE,
                               json_body={"maintainer": MAINTAINER})
            self.assertStatus(r, 200)

    # -- the API document ---------------------------------------------------------------

    def test_in_openapi(self):
        doc = self.srv.get("/api/v1/openapi.json", auth=False).json
        for path in ("/e/{reg_code}", "/e/{reg_code}/qr.svg", "/e/{reg_code}/qr.png",
                     "/api/v1/public/equipment/{reg_code}"):
            with self.subTest(path=path):
                op = doc["paths"][path]["get"]
                self.assertEqual(op["security"], [])
                self.assertNotIn("x-permission", op)
        self.assertIn("size", [p["name"] for p in doc["paths"]["/e/{reg_code}/qr.png"]["get"]
                               ["parameters"]])
        self.assertIn("EquipmentPublic", doc["components"]["schemas"])


class BesideTheConsoleTest(unittest.TestCase):
    """With the web console loaded, /e/ still goes to the public page, not to index.html."""

    def test_page_not_console(self):
        web = tempfile.mkdtemp(prefix="jzweb-")
        with open(os.path.join(web, "index.html"), "w") as f:
            f.write("<!DOCTYPE html><html><body>CONSOLE</body></html>")
        srv = jzapi.Server(demo=False, args=["--web-root", web]).start()
        try:
            credit = make_code(770021, region="540102")
            r = srv.post("/api/v1/enterprises", json_body={
                "credit_code": credit, "name": "拉萨某酒店", "region_code": 540102,
                "industry": "H"})
            self.assertEqual(r.status, 201, describe(r))
            r = srv.post("/api/v1/equipment/units", json_body={
                "device_code": ELEVATOR_DEVICE, "reg_code": ELEVATOR_REG, "category": "3110",
                "name": "乘客电梯", "use_unit": credit, "region_code": 540102,
                "commissioned_on": "2024-01-02"})
            self.assertEqual(r.status, 201, describe(r))
            self.assertIn(b"CONSOLE", srv.get("/equipment/units", auth=False).body)
            r = srv.get("/e/" + ELEVATOR_REG, auth=False)
            self.assertEqual(r.status, 200, describe(r))
            self.assertIn("拉萨某酒店", r.body.decode())
            self.assertNotIn(b"CONSOLE", r.body)
            r = srv.get("/e/123", auth=False)
            self.assertEqual(r.status, 400, describe(r))
            self.assertIn("20 digits", r.body.decode())
            r = srv.get("/e/%s/qr.svg" % ELEVATOR_REG, auth=False)
            self.assertEqual(r.status, 200, describe(r))
            self.assertIn(b"<svg", r.body)
        finally:
            rc, text = srv.stop()
            shutil.rmtree(web, ignore_errors=True)
        self.assertEqual(rc, 0, text[-2000:])


class BaseUrlConfigTest(unittest.TestCase):
    """public.base_url is checked where it enters and kept without a trailing slash."""

    def print_config(self, value):
        env = {k: v for k, v in os.environ.items() if not k.startswith("JINZHI_")}
        env["JINZHI_PUBLIC_BASE_URL"] = value
        return subprocess.run([jzapi.jinzhi_bin(), "serve", "--print-config"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)

    def test_default(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("JINZHI_")}
        p = subprocess.run([jzapi.jinzhi_bin(), "serve", "--print-config"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout.decode(), r"(?m)^\[public\]\nbase_url = http://localhost:8080 ")

    def test_good(self):
        for value, kept in (("https://jz.example.org/", "https://jz.example.org"),
                            ("http://10.0.0.5:8080", "http://10.0.0.5:8080"),
                            ("https://[2001:db8::1]:8443/jz/", "https://[2001:db8::1]:8443/jz"),
                            ("https://tj.xz.gov.cn/public/%E8%AE%BE", None)):
            with self.subTest(value=value):
                p = self.print_config(value)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("base_url = %s " % (kept or value), p.stdout.decode())

    def test_bad(self):
        for value in ("", "localhost:8080", "ftp://x.org", "http://", "http://user@x.org",
                      "http://x.org:0", "http://x.org:65536", "http://x.org/?q=1",
                      "http://x.org/#top", "http://-x.org", "http://x..org", "http://x.org/a b",
                      "http://x.org/%zz", "http://[::1", "http://[nothost]/",
                      "https://" + "a" * 64 + ".org", "https://x.org/" + "p" * 200,
                      'http://x.org/"><script>'):
            with self.subTest(value=value):
                p = self.print_config(value)
                self.assertNotEqual(p.returncode, 0, p.stdout)
                self.assertIn("public.base_url", p.stderr.decode())


if __name__ == "__main__":
    jzapi.main()

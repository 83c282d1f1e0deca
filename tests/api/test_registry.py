"""
The enterprise registry over HTTP: registration, reading, changes (PATCH with If-Match),
every kind of bad input (each answered with the right status, error.code and error.field,
and changing nothing), list filters, sort orders, cursor pagination and CSV export.
"""
import csv
import datetime
import io
import json
import os
import sys
import threading
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import code_path, corrupt_check, describe, make_code, uscc_check_char  # noqa: E402

FIELDS = ["credit_code", "name", "name_bo", "legal_representative", "address", "region_code",
          "industry", "size", "status", "established_on", "contact_name", "contact_phone",
          "contact_email", "qms_standard", "qms_certified", "qms_certificate_no",
          "qms_certification_body", "standards_adopted", "inspection_capability",
          "metrology_capability", "quality_manager_trained", "quality_manager_trained_on",
          "created_at", "updated_at", "version"]
READ_ONLY = {"created_at", "updated_at", "version"}
INPUT_FIELDS = [f for f in FIELDS if f not in READ_ONLY]
STAMP_RE = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"

DROP = object()  # marks a key to remove from a request body

_seq_lock = threading.Lock()
_seq = [1000]


def next_code(**kw):
    with _seq_lock:
        _seq[0] += 1
        return make_code(_seq[0], **kw)


def utc_today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def full_record(code=None):
    """A registration with every input field set."""
    return {
        "credit_code": code or next_code(),
        "name": "拉萨雪域质量检测有限公司",
        "name_bo": "ལྷ་ས་གངས་ཅན་སྤུས་ཚད་ཞིབ་བཤེར་ཚད་ཡོད་ཀུང་སི།",
        "legal_representative": "扎西次仁",
        "address": "西藏自治区拉萨市城关区北京中路1号",
        "region_code": 540102,
        "industry": "C",
        "size": "small",
        "status": "active",
        "established_on": "2015-06-30",
        "contact_name": "卓玛",
        "contact_phone": "+86-891-6321234",
        "contact_email": "qa@example.cn",
        "qms_standard": "GB/T 19001-2016",
        "qms_certified": True,
        "qms_certificate_no": "00123Q45678R0M",
        "qms_certification_body": "中国质量认证中心",
        "standards_adopted": "GB 2760-2014\nGB 7718-2011\nQ/XZ 0001S-2020",
        "inspection_capability": "full",
        "metrology_capability": "partial",
        "quality_manager_trained": True,
        "quality_manager_trained_on": "2020-02-29",
    }


def minimal_record(code=None):
    return {"credit_code": code or next_code(), "name": "测试企业", "region_code": 540102,
            "industry": "C"}


def with_changes(base, changes):
    d = dict(base)
    for k, v in changes.items():
        if v is DROP:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def region_in(code, region):
    """Whether region_code code lies in the subtree of region (GB/T 2260 shapes)."""
    if region % 10000 == 0:
        return code // 10000 == region // 10000
    if region % 100 == 0:
        return code // 100 == region // 100
    return code == region


def csv_cell(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


def parse_csv_export(body):
    """(header, rows) of an export body; asserts the UTF-8 BOM."""
    assert body.startswith(b"\xef\xbb\xbf"), body[:20]
    text = body[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


# ---------------------------------------------------------------------------------------
# Writes: create, read, patch, bad input
# ---------------------------------------------------------------------------------------


class RegistryWriteTest(jzapi.ServerTestCase):
    DEMO = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A few records so that "nothing changed" compares more than an empty list.
        for _ in range(3):
            r = cls.srv.post("/api/v1/enterprises", json_body=full_record())
            assert r.status == 201, describe(r)

    # -- helpers -------------------------------------------------------------------------

    def snapshot(self):
        return self.srv.list_all({"sort": "id"})

    def assertUnchanged(self, before, msg=""):
        after = self.snapshot()
        self.assertEqual(len(after), len(before), "number of enterprises changed " + msg)
        self.assertEqual(after, before, "records changed " + msg)

    def create(self, body, status=201):
        r = self.srv.post("/api/v1/enterprises", json_body=body)
        self.assertStatus(r, status)
        return r

    # -- create and read -----------------------------------------------------------------

    def test_create_full_record_and_read_back(self):
        body = full_record()
        r = self.create(body)
        rec = r.json
        for k, v in body.items():
            self.assertEqual(rec.get(k), v, "field %s" % k)
        self.assertEqual(list(rec.keys())[:len(FIELDS)], FIELDS)
        self.assertRegex(rec["created_at"], STAMP_RE)
        self.assertEqual(rec["updated_at"], rec["created_at"])
        self.assertEqual(rec["version"], 1)
        self.assertNotIn("warnings", rec)
        self.assertEqual(r.headers.get("ETag"), '"1"')
        g = self.srv.get(code_path(body["credit_code"]))
        self.assertStatus(g, 200)
        self.assertEqual(g.json, rec)
        self.assertEqual(g.headers.get("ETag"), '"1"')
        self.assertTrue(g.headers.get("Content-Type", "").startswith("application/json"))

    def test_create_minimal_record_defaults(self):
        body = minimal_record()
        r = self.create(body)
        rec = r.json
        self.assertEqual(rec["status"], "active")
        for k in INPUT_FIELDS:
            if k not in body and k != "status":
                self.assertIsNone(rec[k], "field %s should be null" % k)
        self.assertEqual(rec["version"], 1)

    def test_create_each_enum_value(self):
        for industry in "ABCDEFGHIJKLMNOPQRST":
            with self.subTest(industry=industry):
                self.create(with_changes(minimal_record(), {"industry": industry}))
        for size in ["micro", "small", "medium", "large"]:
            with self.subTest(size=size):
                self.assertEqual(self.create(with_changes(minimal_record(), {"size": size}))
                                 .json["size"], size)
        for status in ["active", "suspended", "revoked", "deregistered"]:
            with self.subTest(status=status):
                self.assertEqual(self.create(with_changes(minimal_record(), {"status": status}))
                                 .json["status"], status)
        for cap in ["none", "partial", "full"]:
            with self.subTest(capability=cap):
                rec = self.create(with_changes(minimal_record(), {
                    "inspection_capability": cap, "metrology_capability": cap})).json
                self.assertEqual((rec["inspection_capability"], rec["metrology_capability"]),
                                 (cap, cap))

    def test_create_booleans_false_and_null(self):
        rec = self.create(with_changes(minimal_record(), {
            "qms_certified": False, "quality_manager_trained": None})).json
        self.assertIs(rec["qms_certified"], False)
        self.assertIsNone(rec["quality_manager_trained"])

    def test_create_with_reference_example_codes(self):
        for code in ["91110000101623741K", "911101066976941872", "91350100M000100Y43"]:
            with self.subTest(code=code):
                rec = self.create(minimal_record(code)).json
                self.assertEqual(rec["credit_code"], code)
                self.assertNotIn("warnings", rec)

    def test_create_org_code_failure_is_a_warning(self):
        code = next_code(org_ok=False)
        r = self.create(minimal_record(code))
        w = r.json.get("warnings")
        self.assertIsInstance(w, list, describe(r))
        self.assertEqual([x.get("field") for x in w], ["credit_code"])
        self.assertIsInstance(w[0].get("message"), str)
        # The warning is shown with the record whenever it is read, not only after the write.
        g = self.srv.get(code_path(code))
        self.assertEqual(g.status, 200)
        self.assertEqual(g.json.get("warnings"), w)
        # A clean record carries none.
        clean = next_code()
        self.create(minimal_record(clean))
        self.assertNotIn("warnings", self.srv.get(code_path(clean)).json)

    def test_name_of_200_chinese_characters_accepted(self):
        name = "藏" * 200  # 600 bytes: the limit counts characters
        rec = self.create(with_changes(minimal_record(), {"name": name})).json
        self.assertEqual(rec["name"], name)

    def test_unicode_round_trip(self):
        body = with_changes(minimal_record(), {
            "name": "日喀则市\u201c珠峰\u201d青稞酒业 & Co. \"Ltd\" \\ 𠀀",
            "name_bo": "གཞིས་ཀ་རྩེ་གྲོང་ཁྱེར།",
            "address": "路\t1号"})
        rec = self.create(body).json
        for k in ("name", "name_bo", "address"):
            self.assertEqual(rec[k], body[k])
        self.assertEqual(self.srv.get(code_path(body["credit_code"])).json, rec)

    def test_multiline_standards_adopted(self):
        body = with_changes(minimal_record(), {"standards_adopted": "GB 1\nGB 2\r\nGB 3"})
        rec = self.create(body).json
        self.assertEqual(rec["standards_adopted"], "GB 1\nGB 2\r\nGB 3")

    def test_established_today_accepted(self):
        # The server judges "future" in UTC; today in UTC is never in the future.
        today = utc_today().isoformat()
        rec = self.create(with_changes(minimal_record(), {"established_on": today})).json
        self.assertEqual(rec["established_on"], today)

    def test_get_unknown_404(self):
        for code in [make_code(99999998), "abc", corrupt_check(make_code(5))]:
            with self.subTest(code=code):
                r = self.srv.get(code_path(code))
                self.assertError(r, 404, "not_found")

    def test_if_none_match_304(self):
        code = self.create(minimal_record()).json["credit_code"]
        r = self.srv.get(code_path(code), headers={"If-None-Match": '"1"'})
        self.assertEqual(r.status, 304, describe(r))
        self.assertEqual(r.body, b"")
        self.assertEqual(r.headers.get("ETag"), '"1"')
        r = self.srv.get(code_path(code), headers={"If-None-Match": '"2"'})
        self.assertEqual(r.status, 200)
        self.srv.patch(code_path(code), json_body={"name": "改名"})
        r = self.srv.get(code_path(code), headers={"If-None-Match": '"1"'})
        self.assertEqual(r.status, 200, "stale ETag must not give 304")
        self.assertEqual(r.headers.get("ETag"), '"2"')

    def test_listed_record_equals_read_record(self):
        body = full_record()
        rec = self.create(body).json
        items = self.srv.list_all({"q": body["credit_code"]})
        self.assertEqual(items, [rec])

    def test_sort_by_name_mixed_scripts(self):
        # In a county of their own, so that other tests' records stay out of the way.
        names = ["Alpha", "alpha", "Zeta", "阿里", "啊", "ཀ་ཁ", "ཨ", "𠀀字", "拉萨", "拉萨", "123",
                 "拉萨市", "Ä"]
        for n in names:
            self.create(with_changes(minimal_record(), {"name": n, "region_code": 542527}))
        everything = self.srv.list_all({"sort": "id", "region": "542527"})
        self.assertEqual(len(everything), len(names))
        rank = {x["credit_code"]: i for i, x in enumerate(everything)}
        for sort in ["name", "-name"]:
            with self.subTest(sort=sort):
                exp = sorted(everything, key=lambda x: (x["name"].encode("utf-8"),
                                                        rank[x["credit_code"]]),
                             reverse=sort.startswith("-"))
                for limit in (1000, 3, 1):
                    got = self.srv.list_all({"sort": sort, "region": "542527"}, limit=limit)
                    self.assertEqual([x["credit_code"] for x in got],
                                     [x["credit_code"] for x in exp], "limit %d" % limit)

    def test_cursor_after_longest_names(self):
        # next_cursor carries the sort key; a page ending on a name of the maximum length
        # (200 characters, up to 800 bytes of UTF-8) must still give a usable cursor.
        codes = []
        for n in ["藏" * 200, "𠀀" * 200, "A" * 200, "短名"]:
            codes.append(self.create(with_changes(minimal_record(), {
                "name": n, "region_code": 542526})).json["credit_code"])
        for sort in ["name", "-name"]:
            for limit in (1, 2):
                with self.subTest(sort=sort, limit=limit):
                    seen = []
                    cursor = None
                    while True:
                        q = {"sort": sort, "region": "542526", "limit": str(limit)}
                        if cursor:
                            q["cursor"] = cursor
                        r = self.srv.get("/api/v1/enterprises", query=q)
                        self.assertStatus(r, 200, "cursor of %d chars" % len(cursor or ""))
                        seen += [x["credit_code"] for x in r.json["items"]]
                        cursor = r.json["next_cursor"]
                        if not cursor:
                            break
                    self.assertEqual(sorted(seen), sorted(codes))

    def test_csv_export_across_chunks_with_long_names(self):
        # The export streams in pages of 1000 and continues from the last sort key; a page
        # that ends on a long name must not cut the file short.
        header = "credit_code,name,region_code,industry\r\n"
        lines = []
        codes = []
        for i in range(1001):
            c = make_code(70000000 + i, region="542525")
            codes.append(c)
            lines.append("%s,%s%04d,542525,C\r\n" % (c, "藏" * 196, i))
        r = self.srv.request("POST", "/api/v1/enterprises/import",
                             body=(header + "".join(lines)).encode("utf-8"),
                             content_type="text/csv")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["created"], 1001, describe(r))
        for sort in ["name", "-name", "credit_code", "id"]:
            with self.subTest(sort=sort):
                # A short timeout: a broken-off stream has been seen to hang until the
                # server's 30 s idle timeout instead of closing.
                conn = self.srv.connection(timeout=8)
                try:
                    conn.request("GET", "/api/v1/enterprises?format=csv&region=542525&sort="
                                 + sort, headers=self.srv.auth_headers())
                    resp = conn.getresponse()
                    self.assertEqual(resp.status, 200)
                    try:
                        body = resp.read()
                    except Exception as e:  # http.client.IncompleteRead and the like
                        self.fail(("export of 1001 rows sorted by %s broke off: %r"
                                   % (sort, e))[:300])
                finally:
                    conn.close()
                _, rows = parse_csv_export(body)
                self.assertEqual(len(rows), 1001, "rows in the export sorted by " + sort)
                self.assertEqual(sorted(r[0] for r in rows), sorted(codes))

    def test_q_finds_tibetan_name(self):
        a = self.create(with_changes(minimal_record(), {"name_bo": "ཀཁགངཅཆཇཉ"})).json
        b = self.create(with_changes(minimal_record(), {"name": "ཁགང་ཚོང་ཁང"})).json
        self.create(with_changes(minimal_record(), {"name_bo": "ཏཐདན"}))
        got = self.srv.list_all({"q": "ཁགང"})
        self.assertEqual(sorted(x["credit_code"] for x in got),
                         sorted([a["credit_code"], b["credit_code"]]))

    # -- public code check ---------------------------------------------------------------

    def test_uscc_check_endpoint(self):
        good = make_code(4711, region="540621")
        r = self.srv.get("/api/v1/codes/uscc/" + good)
        self.assertStatus(r, 200)
        self.assertEqual(r.json.get("code"), good)
        self.assertIs(r.json.get("valid"), True)
        self.assertIs(r.json.get("organisation_code_valid"), True)
        self.assertEqual(r.json.get("region_code"), "540621")
        warn = make_code(4712, org_ok=False)
        r = self.srv.get("/api/v1/codes/uscc/" + warn)
        self.assertIs(r.json.get("valid"), True)
        self.assertIs(r.json.get("organisation_code_valid"), False)
        for bad in [corrupt_check(good), good[:17], "91540102ABCDEFGHIJ", "x"]:
            with self.subTest(code=bad):
                r = self.srv.get("/api/v1/codes/uscc/" + bad)
                self.assertStatus(r, 200)
                self.assertIs(r.json.get("valid"), False)
                self.assertTrue(r.json.get("message"))

    # -- patch ---------------------------------------------------------------------------

    def test_patch_changes_only_given_fields(self):
        body = full_record()
        before = self.create(body).json
        r = self.srv.patch(code_path(body["credit_code"]),
                           json_body={"name": "新名称有限公司", "size": "medium",
                                      "region_code": 540121, "qms_certified": True,
                                      "established_on": "2001-01-01"})
        self.assertStatus(r, 200)
        after = r.json
        self.assertEqual(after["name"], "新名称有限公司")
        self.assertEqual(after["size"], "medium")
        self.assertEqual(after["region_code"], 540121)
        self.assertEqual(after["established_on"], "2001-01-01")
        self.assertEqual(after["version"], 2)
        self.assertEqual(r.headers.get("ETag"), '"2"')
        self.assertEqual(after["created_at"], before["created_at"])
        self.assertGreaterEqual(after["updated_at"], before["updated_at"])
        for k in INPUT_FIELDS:
            if k not in ("name", "size", "region_code", "established_on"):
                self.assertEqual(after[k], before[k], "field %s changed" % k)
        self.assertEqual(self.srv.get(code_path(body["credit_code"])).json, after)

    def test_patch_every_field_type(self):
        code = self.create(minimal_record()).json["credit_code"]
        changes = with_changes(full_record(code), {"credit_code": DROP})
        r = self.srv.patch(code_path(code), json_body=changes)
        self.assertStatus(r, 200)
        for k, v in changes.items():
            self.assertEqual(r.json[k], v, k)
        self.assertEqual(r.json["version"], 2)

    def test_patch_null_clears_optional_fields(self):
        body = full_record()
        self.create(body)
        clear = {k: None for k in INPUT_FIELDS
                 if k not in ("credit_code", "name", "region_code", "industry", "status")}
        r = self.srv.patch(code_path(body["credit_code"]), json_body=clear)
        self.assertStatus(r, 200)
        for k in clear:
            self.assertIsNone(r.json[k], k)
        self.assertEqual(r.json["name"], body["name"])
        self.assertEqual(r.json["version"], 2)

    def test_patch_noop_keeps_version(self):
        body = full_record()
        before = self.create(body).json
        for patch in [{}, {"name": body["name"]}, {"size": "small", "qms_certified": True}]:
            with self.subTest(patch=patch):
                r = self.srv.patch(code_path(body["credit_code"]), json_body=patch)
                self.assertStatus(r, 200)
                self.assertEqual(r.json["version"], 1)
                self.assertEqual(r.json["updated_at"], before["updated_at"])
                self.assertEqual(r.headers.get("ETag"), '"1"')
        self.assertEqual(self.srv.get(code_path(body["credit_code"])).json, before)

    def test_patch_if_match(self):
        code = self.create(minimal_record()).json["credit_code"]
        r = self.srv.patch(code_path(code), json_body={"name": "一"},
                           headers={"If-Match": '"1"'})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["version"], 2)
        before = self.srv.get(code_path(code)).json
        r = self.srv.patch(code_path(code), json_body={"name": "二"},
                           headers={"If-Match": '"1"'})
        self.assertError(r, 412)
        self.assertEqual(self.srv.get(code_path(code)).json, before, "stale PATCH applied")
        r = self.srv.patch(code_path(code), json_body={"name": "二"},
                           headers={"If-Match": '"2"'})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["version"], 3)

    def test_patch_malformed_if_match_400(self):
        code = self.create(minimal_record()).json["credit_code"]
        before = self.srv.get(code_path(code)).json
        for im in ["abc", '"x"', '"1', '"0"', "W/", '"-1"']:
            with self.subTest(if_match=im):
                r = self.srv.patch(code_path(code), json_body={"name": "改"},
                                   headers={"If-Match": im})
                self.assertIn(r.status, (400, 412), describe(r))
        self.assertEqual(self.srv.get(code_path(code)).json, before)

    def test_patch_unknown_enterprise_404(self):
        before = self.snapshot()
        r = self.srv.patch(code_path(make_code(99999997)), json_body={"name": "x"})
        self.assertError(r, 404, "not_found")
        self.assertUnchanged(before)

    def test_concurrent_patches_with_if_match_one_wins(self):
        code = self.create(minimal_record()).json["credit_code"]
        results = []

        def worker(i):
            r = self.srv.patch(code_path(code), json_body={"name": "并发%d" % i},
                               headers={"If-Match": '"1"'})
            results.append(r.status)

        ts = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        self.assertEqual(sorted(results), [200] + [412] * 5)
        self.assertEqual(self.srv.get(code_path(code)).json["version"], 2)

    def test_concurrent_duplicate_creates_one_wins(self):
        body = minimal_record()
        results = []

        def worker():
            results.append(self.srv.post("/api/v1/enterprises", json_body=body).status)

        ts = [threading.Thread(target=worker) for _ in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        self.assertEqual(sorted(results), [201] + [409] * 5)


# Bad registrations: name -> (changes to a full record, status, error.code or None, error.field)
_CC = next_code()
BAD_CREATES = {
    "missing_credit_code": ({"credit_code": DROP}, 400, "required", "credit_code"),
    "missing_name": ({"name": DROP}, 400, "required", "name"),
    "missing_region_code": ({"region_code": DROP}, 400, "required", "region_code"),
    "missing_industry": ({"industry": DROP}, 400, "required", "industry"),
    "null_name": ({"name": None}, 400, "required", "name"),
    "empty_name": ({"name": ""}, 400, None, "name"),
    "blank_name": ({"name": "   "}, 400, None, "name"),
    "credit_code_bad_check_char": ({"credit_code": corrupt_check(_CC)}, 400, "check_failed",
                                   "credit_code"),
    "credit_code_17_chars": ({"credit_code": _CC[:17]}, 400, "check_failed", "credit_code"),
    "credit_code_with_letter_O": ({"credit_code": _CC[:10] + "O" + _CC[11:]}, 400,
                                  "check_failed", "credit_code"),
    "credit_code_letters_in_region": (
        {"credit_code": (lambda c17: c17 + uscc_check_char(c17))("91AB0102" + _CC[8:17])},
        400, "check_failed", "credit_code"),
    "credit_code_number": ({"credit_code": 911101066976941872}, 400, "wrong_type",
                           "credit_code"),
    "region_code_string": ({"region_code": "540102"}, 400, "wrong_type", "region_code"),
    "region_code_float": ({"region_code": 540102.5}, 400, "wrong_type", "region_code"),
    "region_code_bool": ({"region_code": True}, 400, "wrong_type", "region_code"),
    "region_code_negative": ({"region_code": -540102}, 400, None, "region_code"),
    # Beyond 64 bits: the JSON parser itself refuses it, so any field (or none) will do.
    "region_code_huge": ({"region_code": 10 ** 20}, 400, None, "__any__"),
    "region_code_unknown": ({"region_code": 540199}, 400, "unknown_region", "region_code"),
    "region_code_other_province": ({"region_code": 110101}, 400, "unknown_region",
                                   "region_code"),
    "name_number": ({"name": 123}, 400, "wrong_type", "name"),
    "name_array": ({"name": ["a"]}, 400, "wrong_type", "name"),
    "name_object": ({"name": {"zh": "a"}}, 400, "wrong_type", "name"),
    "name_201_chars": ({"name": "藏" * 201}, 400, "too_long", "name"),
    "address_too_long": ({"address": "a" * 301}, 400, "too_long", "address"),
    "standards_adopted_too_long": ({"standards_adopted": "G" * 2001}, 400, "too_long",
                                   "standards_adopted"),
    "name_control_char": ({"name": "坏\u0001名"}, 400, None, "name"),
    "name_newline": ({"name": "两行\n名称"}, 400, None, "name"),
    # jansson refuses \u0000 while parsing, before fields are looked at: any field will do.
    "name_nul": ({"name": "a\u0000b"}, 400, None, "__any__"),
    "name_del": ({"name": "a\u007fb"}, 400, None, "name"),
    "address_escape": ({"address": "\u001b[31m"}, 400, None, "address"),
    "industry_unknown": ({"industry": "Z"}, 400, None, "industry"),
    "industry_lowercase": ({"industry": "c"}, 400, None, "industry"),
    "industry_number": ({"industry": 3}, 400, "wrong_type", "industry"),
    "size_unknown": ({"size": "huge"}, 400, None, "size"),
    "status_unknown": ({"status": "closed"}, 400, None, "status"),
    "inspection_capability_unknown": ({"inspection_capability": "most"}, 400, None,
                                      "inspection_capability"),
    "metrology_capability_unknown": ({"metrology_capability": "yes"}, 400, None,
                                     "metrology_capability"),
    "established_on_not_a_date": ({"established_on": "2023-02-29"}, 400, None,
                                  "established_on"),
    "established_on_month_13": ({"established_on": "2020-13-01"}, 400, None,
                                "established_on"),
    "established_on_compact": ({"established_on": "20200101"}, 400, None, "established_on"),
    "established_on_slashes": ({"established_on": "2020/01/01"}, 400, None,
                               "established_on"),
    "established_on_future": ({"established_on": (utc_today() + datetime.timedelta(days=400))
                               .isoformat()}, 400, None, "established_on"),
    "established_on_number": ({"established_on": 20200101}, 400, "wrong_type",
                              "established_on"),
    "contact_phone_letters": ({"contact_phone": "call me"}, 400, None, "contact_phone"),
    "contact_phone_space": ({"contact_phone": "0891 6321234"}, 400, None, "contact_phone"),
    "contact_phone_plus_inside": ({"contact_phone": "0891+6321234"}, 400, None,
                                  "contact_phone"),
    "contact_email_no_at": ({"contact_email": "qa.example.cn"}, 400, None, "contact_email"),
    "contact_email_no_dot": ({"contact_email": "qa@example"}, 400, None, "contact_email"),
    "contact_email_two_at": ({"contact_email": "qa@@example.cn"}, 400, None, "contact_email"),
    "qms_certified_string": ({"qms_certified": "true"}, 400, "wrong_type", "qms_certified"),
    "qms_certified_number": ({"qms_certified": 1}, 400, "wrong_type", "qms_certified"),
    "quality_manager_trained_string": ({"quality_manager_trained": "yes"}, 400, "wrong_type",
                                       "quality_manager_trained"),
    "certificate_without_certification": ({"qms_certified": False}, 400, None,
                                          "qms_certificate_no"),
    "certificate_with_null_certification": ({"qms_certified": None}, 400, None,
                                            "qms_certificate_no"),
    "trained_on_without_training": ({"quality_manager_trained": False}, 400, None,
                                    "quality_manager_trained_on"),
    "trained_on_future": ({"quality_manager_trained_on": (utc_today() + datetime.timedelta(
        days=400)).isoformat()}, 400, None, "quality_manager_trained_on"),
    "trained_on_not_a_date": ({"quality_manager_trained_on": "2021-04-31"}, 400, None,
                              "quality_manager_trained_on"),
    "unknown_field": ({"colour": "red"}, 400, "unknown_field", "colour"),
    "read_only_version": ({"version": 7}, 400, None, "version"),
    "read_only_created_at": ({"created_at": "2020-01-01T00:00:00Z"}, 400, None, "created_at"),
}

# Bad bodies: name -> (raw bytes, content type, status, error.code or None, error.field)
_VALID = json.dumps(minimal_record(make_code(31337)))
BAD_BODIES = {
    "invalid_json": (b'{"name": ', "application/json", 400, None, None),
    "trailing_garbage": (_VALID.encode() + b" x", "application/json", 400, None, None),
    "json_array": (b"[]", "application/json", 400, None, None),
    "json_string": (b'"text"', "application/json", 400, None, None),
    "json_null": (b"null", "application/json", 400, None, None),
    "empty_body": (b"", "application/json", 400, None, None),
    "duplicate_keys": (b'{"credit_code":"%s","name":"a","name":"b","region_code":540102,'
                       b'"industry":"C"}' % make_code(31338).encode(), "application/json", 400,
                       "duplicate_key", "__any__"),
    "too_deep": (b'{"name":' + b"[" * 17 + b"]" * 17 + b"}", "application/json", 400,
                 "too_deep", None),
    "invalid_utf8_in_string": (b'{"credit_code":"%s","name":"\xff\xfe","region_code":540102,'
                               b'"industry":"C"}' % make_code(31339).encode(),
                               "application/json", 400, None, None),
    "overlong_utf8": (b'{"credit_code":"%s","name":"\xc0\xaf","region_code":540102,'
                      b'"industry":"C"}' % make_code(31340).encode(), "application/json", 400,
                      None, None),
    "utf16_surrogate_escape_alone": (b'{"credit_code":"%s","name":"\\ud800","region_code":540102,'
                                     b'"industry":"C"}' % make_code(31341).encode(),
                                     "application/json", 400, None, None),
    "text_plain": (_VALID.encode(), "text/plain", 415, None, None),
    "form_urlencoded": (b"name=x", "application/x-www-form-urlencoded", 415, None, None),
    "csv_to_json_endpoint": (b"credit_code,name\r\n", "text/csv", 415, None, None),
}


def _make_bad_create_test(changes, status, code, field):
    def test(self):
        before = self.snapshot()
        body = with_changes(full_record(), changes)
        r = self.srv.post("/api/v1/enterprises", json_body=body)
        self.assertError(r, status, code, field)
        self.assertUnchanged(before)
    return test


def _make_bad_body_test(raw, ctype, status, code, field):
    def test(self):
        before = self.snapshot()
        r = self.srv.request("POST", "/api/v1/enterprises", body=raw,
                             headers={"Content-Type": ctype})
        self.assertError(r, status, code, field)
        self.assertUnchanged(before)
    return test


for _name, (_ch, _st, _code, _field) in BAD_CREATES.items():
    setattr(RegistryWriteTest, "test_create_rejects_" + _name,
            _make_bad_create_test(_ch, _st, _code, _field))
for _name, (_raw, _ct, _st, _code, _field) in BAD_BODIES.items():
    setattr(RegistryWriteTest, "test_create_rejects_body_" + _name,
            _make_bad_body_test(_raw, _ct, _st, _code, _field))


class RegistryBadWriteExtraTest(jzapi.ServerTestCase):
    """Bad writes that need a record in place."""
    DEMO = False

    def setUp(self):
        self.body = full_record()
        r = self.srv.post("/api/v1/enterprises", json_body=self.body)
        self.assertStatus(r, 201)
        self.rec = r.json
        self.path = code_path(self.body["credit_code"])

    def snapshot(self):
        return self.srv.list_all({"sort": "id"})

    def assertUnchanged(self, before):
        self.assertEqual(self.snapshot(), before)

    def test_duplicate_registration_409(self):
        before = self.snapshot()
        dup = with_changes(self.body, {"name": "另一家公司", "region_code": 540200})
        r = self.srv.post("/api/v1/enterprises", json_body=dup)
        self.assertError(r, 409, "duplicate", "credit_code")
        self.assertUnchanged(before)

    def test_duplicate_registration_with_warning_code_409(self):
        code = next_code(org_ok=False)
        self.assertStatus(self.srv.post("/api/v1/enterprises", json_body=minimal_record(code)),
                          201)
        before = self.snapshot()
        r = self.srv.post("/api/v1/enterprises", json_body=minimal_record(code))
        self.assertError(r, 409, "duplicate", "credit_code")
        self.assertUnchanged(before)

    def test_duplicate_registration_lowercase_code_409(self):
        # Letters of a credit code are capitals; the same code in lower case is the same code.
        code = "91350100M000100Y43"
        self.srv.post("/api/v1/enterprises", json_body=minimal_record(code))
        before = self.snapshot()
        r = self.srv.post("/api/v1/enterprises", json_body=minimal_record(code.lower()))
        self.assertIn(r.status, (400, 409), describe(r))
        self.assertUnchanged(before)


BAD_PATCHES = {
    "change_credit_code": ({"credit_code": "__other__"}, 400, "immutable", "credit_code"),
    "same_credit_code": ({"credit_code": "__same__"}, 400, "immutable", "credit_code"),
    "clear_name": ({"name": None}, 400, None, "name"),
    "empty_name": ({"name": ""}, 400, None, "name"),
    "clear_region_code": ({"region_code": None}, 400, None, "region_code"),
    "clear_industry": ({"industry": None}, 400, None, "industry"),
    "clear_credit_code": ({"credit_code": None}, 400, None, "credit_code"),
    "region_code_unknown": ({"region_code": 540199}, 400, "unknown_region", "region_code"),
    "region_code_string": ({"region_code": "540100"}, 400, "wrong_type", "region_code"),
    "name_too_long": ({"name": "x" * 201}, 400, "too_long", "name"),
    "name_control_char": ({"name": "a\u0002"}, 400, None, "name"),
    "industry_unknown": ({"industry": "U"}, 400, None, "industry"),
    "status_unknown": ({"status": "dead"}, 400, None, "status"),
    "bool_as_string": ({"qms_certified": "false"}, 400, "wrong_type", "qms_certified"),
    "unknown_field": ({"nickname": "x"}, 400, "unknown_field", "nickname"),
    "read_only_version": ({"version": 99}, 400, None, "version"),
    "read_only_updated_at": ({"updated_at": "2020-01-01T00:00:00Z"}, 400, None, "updated_at"),
    "uncertify_with_certificate": ({"qms_certified": False}, 400, None, "qms_certificate_no"),
    "untrain_with_date": ({"quality_manager_trained": False}, 400, None,
                          "quality_manager_trained_on"),
    "established_future": ({"established_on": (utc_today() + datetime.timedelta(days=400))
                            .isoformat()}, 400, None, "established_on"),
    "established_not_a_date": ({"established_on": "2019-02-29"}, 400, None, "established_on"),
    "bad_email": ({"contact_email": "nobody"}, 400, None, "contact_email"),
    "bad_phone": ({"contact_phone": "123abc"}, 400, None, "contact_phone"),
    "good_field_then_bad_field": ({"name": "好名字", "size": "gigantic"}, 400, None, "size"),
}

BAD_PATCH_BODIES = {
    "invalid_json": (b"{", "application/json", 400, None, None),
    "array": (b"[1]", "application/json", 400, None, None),
    "duplicate_keys": (b'{"name":"a","name":"b"}', "application/json", 400, "duplicate_key",
                       "__any__"),
    "too_deep": (b'{"name":' + b"{\"a\":" * 17 + b"1" + b"}" * 17 + b"}", "application/json",
                 400, "too_deep", None),
    "invalid_utf8": (b'{"name":"\xed\xa0\x80"}', "application/json", 400, None, None),
    "text_plain": (b'{"name":"x"}', "text/plain", 415, None, None),
}


def _make_bad_patch_test(changes, status, code, field):
    def test(self):
        ch = dict(changes)
        if ch.get("credit_code") == "__other__":
            ch["credit_code"] = next_code()
        elif ch.get("credit_code") == "__same__":
            ch["credit_code"] = self.body["credit_code"]
        before = self.snapshot()
        r = self.srv.patch(self.path, json_body=ch)
        if code == "immutable" and ch.get("credit_code") == self.body["credit_code"]:
            # Repeating the current code changes nothing; accepting it as a no-op is fine.
            if r.status == 200:
                self.assertEqual(r.json["version"], 1)
                self.assertUnchanged(before)
                return
        self.assertError(r, status, code, field)
        self.assertUnchanged(before)
    return test


def _make_bad_patch_body_test(raw, ctype, status, code, field):
    def test(self):
        before = self.snapshot()
        r = self.srv.request("PATCH", self.path, body=raw, headers={"Content-Type": ctype})
        self.assertError(r, status, code, field)
        self.assertUnchanged(before)
    return test


for _name, (_ch, _st, _code, _field) in BAD_PATCHES.items():
    setattr(RegistryBadWriteExtraTest, "test_patch_rejects_" + _name,
            _make_bad_patch_test(_ch, _st, _code, _field))
for _name, (_raw, _ct, _st, _code, _field) in BAD_PATCH_BODIES.items():
    setattr(RegistryBadWriteExtraTest, "test_patch_rejects_body_" + _name,
            _make_bad_patch_body_test(_raw, _ct, _st, _code, _field))


# ---------------------------------------------------------------------------------------
# Reads over the demo data: filters, sorting, pagination, CSV export
# ---------------------------------------------------------------------------------------


class RegistryListTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.all = cls.srv.list_all({"sort": "id"}, limit=1000)
        cls.rank = {x["credit_code"]: i for i, x in enumerate(cls.all)}

    # -- helpers -------------------------------------------------------------------------

    def expected(self, pred=lambda x: True, sort="id"):
        items = [x for x in self.all if pred(x)]
        desc = sort.startswith("-")
        key = sort.lstrip("-")
        if key == "id":
            k = lambda x: self.rank[x["credit_code"]]  # noqa: E731
        elif key == "name":
            k = lambda x: (x["name"].encode("utf-8"), self.rank[x["credit_code"]])  # noqa: E731
        else:
            k = lambda x: (x["credit_code"], self.rank[x["credit_code"]])  # noqa: E731
        return sorted(items, key=k, reverse=desc)

    def walk(self, params, limit):
        """All pages of a query; checks each page's size and the end of the walk."""
        seen = []
        cursor = None
        pages = 0
        while True:
            q = dict(params)
            q["limit"] = str(limit)
            if cursor is not None:
                q["cursor"] = cursor
            r = self.srv.get("/api/v1/enterprises", query=q)
            self.assertStatus(r, 200, repr(q))
            items = r.json["items"]
            self.assertLessEqual(len(items), limit)
            seen.extend(items)
            pages += 1
            self.assertLess(pages, 10000, "pagination does not end")
            cursor = r.json["next_cursor"]
            if cursor is None:
                return seen
            self.assertIsInstance(cursor, str)
            self.assertTrue(items, "an empty page with a next_cursor")

    def codes(self, items):
        return [x["credit_code"] for x in items]

    # -- basics --------------------------------------------------------------------------

    def test_demo_has_5000_unique(self):
        self.assertEqual(len(self.all), 5000)
        self.assertEqual(len(set(self.codes(self.all))), 5000)
        self.assertEqual(self.srv.count(), 5000)

    def test_default_page(self):
        r = self.srv.get("/api/v1/enterprises")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["items"]), 50)
        self.assertIsInstance(r.json["next_cursor"], str)
        self.assertNotIn("total", r.json)
        self.assertEqual(r.json["items"], self.all[:50])

    def test_items_have_all_fields(self):
        for x in self.all[:200]:
            self.assertEqual(list(x.keys()), FIELDS)

    def test_list_items_equal_single_reads(self):
        for x in self.all[::500]:
            r = self.srv.get(code_path(x["credit_code"]))
            self.assertStatus(r, 200)
            self.assertEqual(r.json, x)

    def test_demo_codes_pass_gb32100(self):
        bad = [c for c in self.codes(self.all) if not jzapi.uscc_valid(c)]
        self.assertEqual(bad, [])

    def test_format_json_explicit(self):
        a = self.srv.get("/api/v1/enterprises?limit=7")
        b = self.srv.get("/api/v1/enterprises?limit=7&format=json")
        self.assertEqual(a.json, b.json)

    # -- limits --------------------------------------------------------------------------

    def test_limit_bounds(self):
        r = self.srv.get("/api/v1/enterprises?limit=1")
        self.assertEqual(len(r.json["items"]), 1)
        self.assertIsNotNone(r.json["next_cursor"])
        r = self.srv.get("/api/v1/enterprises?limit=1000")
        self.assertEqual(len(r.json["items"]), 1000)
        self.assertEqual(r.json["items"], self.all[:1000])

    def test_bad_limit_400(self):
        for lim in ["0", "1001", "-1", "abc", "1.5", "", "10x", "99999999999999999999"]:
            with self.subTest(limit=lim):
                r = self.srv.get("/api/v1/enterprises", query={"limit": lim})
                self.assertError(r, 400, field="limit")

    # -- filters -------------------------------------------------------------------------

    def check_filter(self, params, pred, sort="id"):
        q = dict(params)
        q["sort"] = sort
        got = self.srv.list_all(q, limit=1000)
        exp = self.expected(pred, sort)
        self.assertEqual(self.codes(got), self.codes(exp), "filter %r" % (params,))
        self.assertEqual(self.srv.count(params), len(exp), "count=true total for %r" % (params,))
        return exp

    def test_region_subtree(self):
        regions = sorted({x["region_code"] for x in self.all})
        prefectures = sorted({c // 100 * 100 for c in regions})
        cases = [540000] + prefectures + regions[:5] + [542500]
        for region in cases:
            with self.subTest(region=region):
                exp = self.check_filter({"region": str(region)},
                                        lambda x, r=region: region_in(x["region_code"], r))
                if region in (540000, 540100):
                    self.assertTrue(exp)
                got = self.srv.list_all({"region": str(region)})
                self.assertTrue(all(region_in(x["region_code"], region) for x in got))

    def test_region_subtree_totals_add_up(self):
        prefectures = ["540100", "540200", "540300", "540400", "540500", "540600", "542500"]
        total = sum(self.srv.count({"region": p}) for p in prefectures)
        direct = len([x for x in self.all if x["region_code"] == 540000])
        self.assertEqual(total + direct, 5000)

    def test_region_without_matches(self):
        # A known region with no enterprises: empty list, total 0.
        used = {x["region_code"] for x in self.all}
        regions = self.srv.get("/api/v1/regions").json["items"]
        free = [int(x["code"]) for x in regions
                if x["level"] == "county" and int(x["code"]) not in used]
        if not free:
            self.skipTest("every county has enterprises in the demo data")
        r = self.srv.get("/api/v1/enterprises", query={"region": free[0], "count": "true"})
        self.assertEqual(r.json, {"items": [], "next_cursor": None, "total": 0})

    def test_bad_region_400(self):
        for region in ["999999", "540199", "110000", "abc", "54", "", "5401001", "-540000"]:
            with self.subTest(region=region):
                r = self.srv.get("/api/v1/enterprises", query={"region": region})
                self.assertError(r, 400, field="region")

    def test_industry_status_size_filters(self):
        for industry in sorted({x["industry"] for x in self.all})[:6] + ["T"]:
            with self.subTest(industry=industry):
                self.check_filter({"industry": industry},
                                  lambda x, v=industry: x["industry"] == v)
        for status in ["active", "suspended", "revoked", "deregistered"]:
            with self.subTest(status=status):
                self.check_filter({"status": status}, lambda x, v=status: x["status"] == v)
        for size in ["micro", "small", "medium", "large"]:
            with self.subTest(size=size):
                self.check_filter({"size": size}, lambda x, v=size: x["size"] == v)

    def test_combined_filters(self):
        x0 = next(x for x in self.all if x["size"] and x["status"] == "active")
        params = {"region": str(x0["region_code"] // 100 * 100), "industry": x0["industry"],
                  "status": "active", "size": x0["size"]}
        exp = self.check_filter(
            params, lambda x: (region_in(x["region_code"], int(params["region"]))
                               and x["industry"] == params["industry"]
                               and x["status"] == "active" and x["size"] == params["size"]),
            sort="-name")
        self.assertIn(x0["credit_code"], self.codes(exp))

    def test_bad_enum_filters_400(self):
        for param, value in [("industry", "Z"), ("industry", "c"), ("industry", "AB"),
                             ("status", "closed"), ("status", "Active"), ("size", "huge"),
                             ("size", ""), ("format", "xml"), ("sort", "foo"),
                             ("sort", "-"), ("sort", "--name"), ("sort", "region_code"),
                             ("sort", "name,id")]:
            with self.subTest(param=param, value=value):
                r = self.srv.get("/api/v1/enterprises", query={param: value})
                self.assertError(r, 400, field=param)

    def q_pred(self, q):
        def pred(x):
            return (q in x["name"] or (x["name_bo"] is not None and q in x["name_bo"])
                    or x["credit_code"].startswith(q))
        return pred

    def test_q_chinese_substring(self):
        # A two-character word that occurs in many names, and one from a single name.
        from collections import Counter
        bigrams = Counter()
        for x in self.all:
            n = x["name"]
            bigrams.update({n[i:i + 2] for i in range(len(n) - 1)
                            if all("\u4e00" <= ch <= "\u9fff" for ch in n[i:i + 2])})
        common = [b for b, c in bigrams.most_common(40) if 5 < c < 3000][:3]
        rare = [b for b, c in bigrams.items() if c == 1][:2]
        self.assertTrue(common)
        for q in common + rare:
            with self.subTest(q=q):
                exp = self.check_filter({"q": q}, self.q_pred(q))
                self.assertTrue(exp)

    def test_q_tibetan_name(self):
        with_bo = [x for x in self.all if x["name_bo"]]
        if not with_bo:
            self.skipTest("no Tibetan names in the demo data")
        bo = with_bo[0]["name_bo"]
        q = bo[: max(3, len(bo) // 2)]
        exp = self.check_filter({"q": q}, self.q_pred(q))
        self.assertIn(with_bo[0]["credit_code"], self.codes(exp))

    def test_q_credit_code_prefix(self):
        code = self.all[1234]["credit_code"]
        for q in [code[:6], code[:10], code]:
            with self.subTest(q=q):
                exp = self.check_filter({"q": q}, self.q_pred(q))
                self.assertIn(code, self.codes(exp))
        # Not a substring match inside the code: its middle finds nothing by code.
        mid = code[5:14]
        exp = self.check_filter({"q": mid}, self.q_pred(mid))
        self.assertNotIn(code, self.codes(exp))

    def test_q_wildcards_match_literally(self):
        for q in ["%", "_", "\\", "%%", "_a", "[", "'", "\""]:
            with self.subTest(q=q):
                self.check_filter({"q": q}, self.q_pred(q))

    def test_q_with_region(self):
        x0 = self.all[42]
        q = x0["name"][:2]
        region = x0["region_code"] // 100 * 100
        self.check_filter({"q": q, "region": str(region)},
                          lambda x: self.q_pred(q)(x) and region_in(x["region_code"], region),
                          sort="name")

    def test_q_empty_is_no_filter(self):
        self.assertEqual(self.srv.count({"q": ""}), 5000)

    def test_bad_q_400(self):
        for q in ["字" * 40, "a" * 101]:
            with self.subTest(q=q[:5]):
                r = self.srv.get("/api/v1/enterprises", query={"q": q})
                self.assertError(r, 400, field="q")
        r = self.srv.get("/api/v1/enterprises?q=%FF%FE")
        self.assertError(r, 400, field="q")

    # -- sorting and pagination ----------------------------------------------------------

    def test_sort_orders_single_page(self):
        for sort in ["id", "-id", "name", "-name", "credit_code", "-credit_code"]:
            with self.subTest(sort=sort):
                r = self.srv.get("/api/v1/enterprises", query={"sort": sort, "limit": "1000",
                                                                "region": "540100"})
                self.assertStatus(r, 200)
                exp = self.expected(lambda x: region_in(x["region_code"], 540100), sort)
                self.assertEqual(self.codes(r.json["items"]), self.codes(exp[:1000]))

    def test_sort_is_stable_between_requests(self):
        for sort in ["name", "-name", "credit_code", "id"]:
            a = self.srv.get("/api/v1/enterprises", query={"sort": sort, "limit": "300"})
            b = self.srv.get("/api/v1/enterprises", query={"sort": sort, "limit": "300"})
            self.assertEqual(a.body, b.body)

    def test_name_sort_is_binary_utf8_order(self):
        got = self.walk({"sort": "name"}, 1000)
        keys = [x["name"].encode("utf-8") for x in got]
        self.assertEqual(keys, sorted(keys))
        self.assertEqual(self.codes(got), self.codes(self.expected(sort="name")))

    def test_cursor_walks_every_sort(self):
        pred = lambda x: region_in(x["region_code"], 540100)  # noqa: E731
        total = self.srv.count({"region": "540100"})
        for sort in ["id", "-id", "name", "-name", "credit_code", "-credit_code"]:
            with self.subTest(sort=sort):
                got = self.walk({"region": "540100", "sort": sort}, 97)
                codes = self.codes(got)
                self.assertEqual(len(codes), len(set(codes)), "duplicates across pages")
                self.assertEqual(len(codes), total, "gaps across pages")
                self.assertEqual(codes, self.codes(self.expected(pred, sort)))

    def test_cursor_walk_whole_registry_by_name(self):
        got = self.walk({"sort": "-name"}, 500)
        self.assertEqual(self.codes(got), self.codes(self.expected(sort="-name")))
        self.assertEqual(len(got), self.srv.count())

    def test_cursor_walk_filtered_small_pages(self):
        params = {"status": "active", "industry": self.all[0]["industry"],
                  "sort": "-credit_code"}
        pred = lambda x: x["status"] == "active" and x["industry"] == params["industry"]  # noqa
        got = self.walk(params, 13)
        exp = self.expected(pred, "-credit_code")
        self.assertEqual(self.codes(got), self.codes(exp))
        self.assertEqual(len(got), self.srv.count({k: v for k, v in params.items()
                                                    if k != "sort"}))

    def test_cursor_walk_with_name_ties(self):
        # Names that occur more than once: id breaks the tie and pages split ties cleanly.
        from collections import Counter
        names = Counter(x["name"] for x in self.all)
        dup = [n for n, c in names.items() if c > 1]
        if not dup:
            self.skipTest("no repeated names in the demo data")
        q = dup[0]
        got = self.walk({"q": q, "sort": "name"}, 1)
        self.assertEqual(self.codes(got), self.codes(self.expected(self.q_pred(q), "name")))

    def test_last_page_has_null_cursor(self):
        # The page that holds the last match says so, even when it is exactly full.
        from collections import Counter
        per_region = Counter(x["region_code"] for x in self.all)
        region = next(str(c) for c, n in sorted(per_region.items()) if 3 <= n <= 1000)
        total = self.srv.count({"region": region})
        r = self.srv.get("/api/v1/enterprises", query={"region": region, "limit": total})
        self.assertEqual(len(r.json["items"]), total)
        self.assertIsNone(r.json["next_cursor"])
        r = self.srv.get("/api/v1/enterprises", query={"region": region,
                                                        "limit": total - 1})
        self.assertEqual(len(r.json["items"]), total - 1)
        self.assertIsNotNone(r.json["next_cursor"])
        r = self.srv.get("/api/v1/enterprises", query={"region": region, "limit": total - 1,
                                                        "cursor": r.json["next_cursor"]})
        self.assertEqual(len(r.json["items"]), 1)
        self.assertIsNone(r.json["next_cursor"])

    def test_count_with_pages(self):
        r = self.srv.get("/api/v1/enterprises", query={"region": "540200", "count": "true",
                                                        "limit": "3"})
        self.assertEqual(r.json["total"],
                         len([x for x in self.all if region_in(x["region_code"], 540200)]))
        self.assertEqual(len(r.json["items"]), 3)
        r2 = self.srv.get("/api/v1/enterprises", query={"region": "540200", "count": "true",
                                                         "limit": "3",
                                                         "cursor": r.json["next_cursor"]})
        self.assertEqual(r2.json["total"], r.json["total"], "total depends on the page")

    def test_invalid_cursor_400(self):
        name_cursor = self.srv.get("/api/v1/enterprises?sort=name&limit=2").json["next_cursor"]
        id_cursor = self.srv.get("/api/v1/enterprises?limit=2").json["next_cursor"]
        cases = [("id", "garbage"), ("id", ""), ("id", "0"), ("id", "0.x"), ("id", "1.5"),
                 ("name", "2.5"), ("name", "2.5.zz"), ("name", "2.5.abc"),
                 ("name", id_cursor), ("id", name_cursor), ("-name", name_cursor),
                 ("credit_code", name_cursor), ("id", "0.5.41"), ("id", "%s" % ("9" * 400))]
        for sort, cursor in cases:
            with self.subTest(sort=sort, cursor=cursor[:40]):
                r = self.srv.get("/api/v1/enterprises", query={"sort": sort, "cursor": cursor})
                self.assertError(r, 400, field="cursor")

    # -- CSV export ----------------------------------------------------------------------

    def test_csv_export_filtered(self):
        params = {"region": "540100", "sort": "name"}
        r = self.srv.get("/api/v1/enterprises", query=dict(params, format="csv"))
        self.assertStatus(r, 200)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("text/csv"),
                        r.headers.get("Content-Type"))
        self.assertIn("attachment", r.headers.get("Content-Disposition", ""))
        self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff")
        header, rows = parse_csv_export(r.body)
        self.assertEqual(header, FIELDS)
        exp = self.expected(lambda x: region_in(x["region_code"], 540100), "name")
        self.assertEqual(len(rows), self.srv.count({"region": "540100"}))
        self.assertEqual(len(rows), len(exp))
        for row, x in zip(rows, exp):
            self.assertEqual(row, [csv_cell(x[f]) for f in FIELDS])

    def test_csv_export_everything_chunked(self):
        conn = self.srv.connection()
        try:
            conn.request("GET", "/api/v1/enterprises?format=csv", headers=self.srv.auth_headers())
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.getheader("Transfer-Encoding", "").lower(), "chunked")
            body = resp.read()
        finally:
            conn.close()
        header, rows = parse_csv_export(body)
        self.assertEqual(header, FIELDS)
        self.assertEqual(len(rows), 5000)
        self.assertEqual([r[0] for r in rows], self.codes(self.all))
        by_code = {x["credit_code"]: x for x in self.all}
        for row in rows:
            x = by_code[row[0]]
            self.assertEqual(row, [csv_cell(x[f]) for f in FIELDS])

    def test_csv_export_sorted_by_name_everything(self):
        for sort in ["name", "-credit_code"]:
            with self.subTest(sort=sort):
                r = self.srv.get("/api/v1/enterprises?format=csv&sort=" + sort)
                _, rows = parse_csv_export(r.body)
                self.assertEqual([x[0] for x in rows], self.codes(self.expected(sort=sort)))

    def test_csv_export_ignores_limit_and_cursor_paging(self):
        r = self.srv.get("/api/v1/enterprises?format=csv&limit=10&region=540200")
        self.assertStatus(r, 200)
        _, rows = parse_csv_export(r.body)
        self.assertEqual(len(rows), self.srv.count({"region": "540200"}))

    def test_csv_export_with_q_and_filters(self):
        q = self.all[7]["name"][:2]
        params = {"q": q, "status": "active", "sort": "-credit_code"}
        r = self.srv.get("/api/v1/enterprises", query=dict(params, format="csv"))
        _, rows = parse_csv_export(r.body)
        exp = self.expected(lambda x: self.q_pred(q)(x) and x["status"] == "active",
                            "-credit_code")
        self.assertEqual([row[0] for row in rows], self.codes(exp))

    def test_csv_export_empty(self):
        r = self.srv.get("/api/v1/enterprises?format=csv&q=" + urllib.parse.quote("不存在的企业名称"))
        self.assertStatus(r, 200)
        header, rows = parse_csv_export(r.body)
        self.assertEqual(header, FIELDS)
        self.assertEqual(rows, [])

    def test_csv_export_bad_params_are_json_errors(self):
        r = self.srv.get("/api/v1/enterprises?format=csv&region=999999")
        self.assertError(r, 400, field="region")
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"))


if __name__ == "__main__":
    jzapi.main()

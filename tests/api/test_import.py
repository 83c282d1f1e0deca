"""
Bulk import of enterprises from CSV: POST /api/v1/enterprises/import
?mode=all_or_nothing|skip_bad_rows&dry_run=true|false&encoding=auto|utf-8|gb18030.

UTF-8 and GB18030 files, Chinese header labels, upsert by credit code (created / updated /
unchanged), dry runs, all-or-nothing and skip-bad-rows, the report of every bad row by row
and line, bad files, and the export -> import round trip between two servers.
"""
import csv
import hashlib
import io
import os
import sys
import threading
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import code_path, corrupt_check, describe, make_code  # noqa: E402

REPORT_KEYS = {"encoding", "sha256", "rows", "created", "updated", "unchanged", "rejected",
               "committed", "file_error", "errors", "warnings", "total_warnings"}
ISSUE_KEYS = {"row", "line", "field", "code", "message"}
REQUIRED = ["credit_code", "name", "region_code", "industry"]

_seq_lock = threading.Lock()
_seq = [5000000]


def new_code(**kw):
    with _seq_lock:
        _seq[0] += 1
        return make_code(_seq[0], **kw)


def make_csv(header, rows, encoding="utf-8", bom=False, eol="\r\n"):
    """CSV bytes: rows are lists, or dicts keyed by the header's names."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=eol)
    w.writerow(header)
    for row in rows:
        if isinstance(row, dict):
            row = [row.get(h, "") for h in header]
        w.writerow(row)
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def row(code=None, **kw):
    d = {"credit_code": code or new_code(), "name": "导入测试企业", "region_code": "540102",
         "industry": "C"}
    d.update(kw)
    return d


FULL_HEADER = ["credit_code", "name", "name_bo", "legal_representative", "address",
               "region_code", "industry", "size", "status", "established_on", "contact_name",
               "contact_phone", "contact_email", "qms_standard", "qms_certified",
               "qms_certificate_no", "qms_certification_body", "standards_adopted",
               "inspection_capability", "metrology_capability", "quality_manager_trained",
               "quality_manager_trained_on"]


def full_rows(n=3):
    names = ["拉萨净土健康产业有限公司", "日喀则珠峰青稞酒业有限公司", "林芝鲁朗石锅制造厂"]
    bos = ["ལྷ་ས་གཙང་མའི་ས་ཞིང་།", "གཞིས་ཀ་རྩེ་ཇོ་མོ་གླང་མ།", "ཉིང་ཁྲི།"]
    bools = ["true", "是", "1"]
    out = []
    for i in range(n):
        out.append({
            "credit_code": new_code(), "name": names[i % 3], "name_bo": bos[i % 3],
            "legal_representative": "次仁", "address": "西藏自治区拉萨市城关区金珠西路%d号" % (i + 1),
            "region_code": ["540102", "540202", "540402"][i % 3],
            "industry": "CFG"[i % 3], "size": ["micro", "small", "medium"][i % 3],
            "status": "active", "established_on": "2010-0%d-15" % (i + 1),
            "contact_name": "央金", "contact_phone": "0891-63%05d" % i,
            "contact_email": "c%d@example.cn" % i, "qms_standard": "GB/T 19001-2016",
            "qms_certified": bools[i % 3], "qms_certificate_no": "Q-%04d" % i,
            "qms_certification_body": "中国质量认证中心",
            "standards_adopted": "GB 2760-2014\nGB 7718-2011",
            "inspection_capability": "full", "metrology_capability": "partial",
            "quality_manager_trained": "yes", "quality_manager_trained_on": "2021-03-0%d" % (i + 1),
        })
    return out


def expected_json(r):
    """The JSON values a CSV row should produce."""
    out = {}
    for k, v in r.items():
        if v == "":
            out[k] = None
        elif k == "region_code":
            out[k] = int(v)
        elif k in ("qms_certified", "quality_manager_trained"):
            out[k] = v in ("true", "1", "yes", "是", "TRUE", "True", "y", "Yes", "YES")
        else:
            out[k] = v
    return out


class ImportTestBase(jzapi.ServerTestCase):
    DEMO = False

    def do_import(self, body, **params):
        path = "/api/v1/enterprises/import"
        if params:
            path += "?" + urllib.parse.urlencode(params)
        return self.srv.request("POST", path, body=body, content_type="text/csv")

    def assertReport(self, r, status=200, **expect):
        self.assertStatus(r, status)
        rep = r.json
        self.assertIsInstance(rep, dict, describe(r))
        missing = REPORT_KEYS - set(rep)
        self.assertFalse(missing, "report lacks %s: %s" % (missing, describe(r)))
        for k, v in expect.items():
            self.assertEqual(rep[k], v, "report.%s: %s" % (k, describe(r)))
        for issue in rep["errors"] + rep["warnings"]:
            self.assertTrue(ISSUE_KEYS <= set(issue), issue)
        return rep

    def assertInvalidFile(self, r, field="__any__"):
        return self.assertError(r, 400, "invalid_file", field)

    def snapshot(self):
        return self.srv.list_all({"sort": "id"})

    def assertAbsent(self, codes):
        for c in codes:
            r = self.srv.get(code_path(c))
            self.assertEqual(r.status, 404, "%s was written: %s" % (c, describe(r)))

    def record(self, code):
        r = self.srv.get(code_path(code))
        self.assertStatus(r, 200, code)
        return r.json

    def assertRecordMatches(self, code, expected):
        rec = self.record(code)
        for k, v in expected.items():
            self.assertEqual(rec[k], v, "%s.%s" % (code, k))
        return rec


class ImportTest(ImportTestBase):

    # -- good files ----------------------------------------------------------------------

    def test_utf8_full_rows(self):
        rows = full_rows(3)
        body = make_csv(FULL_HEADER, rows)
        r = self.do_import(body)
        rep = self.assertReport(r, 200, rows=3, created=3, updated=0, unchanged=0, rejected=0,
                                committed=True, file_error=None, errors=[])
        self.assertEqual(rep["encoding"].lower().replace("_", "-"), "utf-8")
        self.assertEqual(rep["sha256"], hashlib.sha256(body).hexdigest())
        for x in rows:
            rec = self.assertRecordMatches(x["credit_code"], expected_json(x))
            self.assertEqual(rec["version"], 1)
            self.assertIs(rec["qms_certified"], True)
            self.assertIs(rec["quality_manager_trained"], True)

    def test_utf8_with_bom(self):
        rows = [row(), row(name="带BOM的文件")]
        r = self.do_import(make_csv(REQUIRED, rows, bom=True))
        self.assertReport(r, 200, rows=2, created=2, rejected=0, committed=True)
        self.assertRecordMatches(rows[1]["credit_code"], {"name": "带BOM的文件"})

    def test_lf_line_endings(self):
        rows = [row(), row()]
        r = self.do_import(make_csv(REQUIRED, rows, eol="\n"))
        self.assertReport(r, 200, rows=2, created=2, committed=True)

    def test_gb18030_explicit(self):
        rows = full_rows(3)
        body = make_csv(FULL_HEADER, rows, encoding="gb18030")
        with self.assertRaises(UnicodeDecodeError):
            body.decode("utf-8")
        r = self.do_import(body, encoding="gb18030")
        rep = self.assertReport(r, 200, rows=3, created=3, rejected=0, committed=True)
        self.assertEqual(rep["encoding"].lower(), "gb18030")
        for x in rows:
            self.assertRecordMatches(x["credit_code"], expected_json(x))

    def test_gb18030_auto_detected(self):
        rows = full_rows(3)
        body = make_csv(FULL_HEADER, rows, encoding="gb18030")
        r = self.do_import(body)
        rep = self.assertReport(r, 200, rows=3, created=3, rejected=0, committed=True)
        self.assertEqual(rep["encoding"].lower(), "gb18030")
        for x in rows:
            rec = self.assertRecordMatches(x["credit_code"], expected_json(x))
            self.assertTrue(all(0x0F00 <= ord(ch) <= 0x0FFF for ch in rec["name_bo"]))

    def test_gb18030_chinese_labels(self):
        # What a Chinese Excel's plain "CSV" gives: GB18030 with Chinese column headings.
        header = ["统一社会信用代码", "企业名称", "藏文名称", "行政区划代码", "行业门类", "企业规模",
                  "登记状态", "成立日期", "体系是否认证", "质量负责人是否培训"]
        codes = [new_code(), new_code()]
        rows = [[codes[0], "山南市泽当镇藏毯厂", "ལྷོ་ཁ།", "540502", "C", "small", "active",
                 "2012-12-12", "是", "否"],
                [codes[1], "那曲市色尼区酥油合作社", "", "540602", "A", "micro", "suspended",
                 "", "否", ""]]
        r = self.do_import(make_csv(header, rows, encoding="gb18030"))
        self.assertReport(r, 200, rows=2, created=2, rejected=0, committed=True)
        self.assertRecordMatches(codes[0], {
            "name": "山南市泽当镇藏毯厂", "name_bo": "ལྷོ་ཁ།", "region_code": 540502,
            "industry": "C", "size": "small", "status": "active", "established_on": "2012-12-12",
            "qms_certified": True, "quality_manager_trained": False})
        self.assertRecordMatches(codes[1], {
            "name": "那曲市色尼区酥油合作社", "name_bo": None, "status": "suspended",
            "established_on": None, "qms_certified": False, "quality_manager_trained": None})

    def test_chinese_header_labels_utf8(self):
        header = ["统一社会信用代码", "企业名称", "行政区划代码", "行业门类", "法定代表人", "住所",
                  "联系电话", "电子邮箱", "出厂检验能力", "计量保证能力", "采用标准"]
        code = new_code()
        r = self.do_import(make_csv(header, [[code, "昌都市卡若区建材厂", "540302", "C", "格桑",
                                              "昌都市卡若区茶马广场", "0895-4821234",
                                              "km@example.cn", "partial", "none",
                                              "GB 175-2023"]]))
        self.assertReport(r, 200, rows=1, created=1, committed=True)
        self.assertRecordMatches(code, {
            "legal_representative": "格桑", "address": "昌都市卡若区茶马广场",
            "contact_phone": "0895-4821234", "contact_email": "km@example.cn",
            "inspection_capability": "partial", "metrology_capability": "none",
            "standards_adopted": "GB 175-2023"})

    def test_header_only(self):
        r = self.do_import(make_csv(REQUIRED, []))
        self.assertReport(r, 200, rows=0, created=0, rejected=0, errors=[])

    def test_boolean_spellings(self):
        spellings = {"true": True, "false": False, "1": True, "0": False, "yes": True,
                     "no": False, "是": True, "否": False}
        rows = [row(qms_certified=s) for s in spellings]
        r = self.do_import(make_csv(REQUIRED + ["qms_certified"], rows))
        self.assertReport(r, 200, created=len(rows), rejected=0)
        for x, (s, v) in zip(rows, spellings.items()):
            self.assertIs(self.record(x["credit_code"])["qms_certified"], v, s)

    def test_empty_cells_are_null(self):
        x = row(size="", contact_phone="", established_on="")
        r = self.do_import(make_csv(REQUIRED + ["size", "contact_phone", "established_on"], [x]))
        self.assertReport(r, 200, created=1)
        self.assertRecordMatches(x["credit_code"], {"size": None, "contact_phone": None,
                                                    "established_on": None, "status": "active"})

    def test_read_only_columns_ignored(self):
        x = row(created_at="yesterday", updated_at="x", version="999")
        r = self.do_import(make_csv(REQUIRED + ["created_at", "updated_at", "version"], [x]))
        self.assertReport(r, 200, created=1, rejected=0)
        rec = self.record(x["credit_code"])
        self.assertEqual(rec["version"], 1)
        self.assertRegex(rec["created_at"], r"^\d{4}-\d\d-\d\dT")

    def test_organisation_code_warning(self):
        code = new_code(org_ok=False)
        r = self.do_import(make_csv(REQUIRED, [row(), row(code)]))
        rep = self.assertReport(r, 200, created=2, rejected=0, total_warnings=1)
        self.assertEqual(len(rep["warnings"]), 1)
        w = rep["warnings"][0]
        self.assertEqual((w["row"], w["line"], w["field"]), (3, 3, "credit_code"))
        self.record(code)

    # -- upsert --------------------------------------------------------------------------

    def test_reimport_is_idempotent(self):
        rows = full_rows(3)
        body = make_csv(FULL_HEADER, rows)
        self.assertReport(self.do_import(body), 200, created=3, committed=True)
        before = [self.record(x["credit_code"]) for x in rows]
        rep = self.assertReport(self.do_import(body), 200, rows=3, created=0, updated=0,
                                unchanged=3, rejected=0)
        self.assertEqual([self.record(x["credit_code"]) for x in rows], before)
        # The same rows in GB18030 are the same values: still unchanged.
        rep = self.assertReport(self.do_import(make_csv(FULL_HEADER, rows, encoding="gb18030")),
                                200, unchanged=3, created=0, updated=0)
        self.assertEqual(rep["encoding"].lower(), "gb18030")

    def test_update_through_import(self):
        rows = full_rows(3)
        self.assertReport(self.do_import(make_csv(FULL_HEADER, rows)), 200, created=3)
        before = {x["credit_code"]: self.record(x["credit_code"]) for x in rows}
        rows[1]["name"] = "日喀则珠峰青稞酒业股份有限公司"
        rows[2]["status"] = "suspended"
        rows[2]["contact_phone"] = ""
        r = self.do_import(make_csv(FULL_HEADER, rows))
        self.assertReport(r, 200, rows=3, created=0, updated=2, unchanged=1, rejected=0,
                          committed=True)
        self.assertEqual(self.record(rows[0]["credit_code"]), before[rows[0]["credit_code"]])
        for x in rows[1:]:
            rec = self.assertRecordMatches(x["credit_code"], expected_json(x))
            self.assertEqual(rec["version"], 2)
            self.assertEqual(rec["created_at"], before[x["credit_code"]]["created_at"])
        self.assertIsNone(self.record(rows[2]["credit_code"])["contact_phone"])

    def test_update_of_api_record_then_patch_sees_new_version(self):
        code = new_code()
        r = self.srv.post("/api/v1/enterprises", json_body={
            "credit_code": code, "name": "接口登记", "region_code": 540102, "industry": "C"})
        self.assertStatus(r, 201)
        self.assertReport(self.do_import(make_csv(REQUIRED, [row(code, name="导入更新")])), 200,
                          updated=1)
        r = self.srv.patch(code_path(code), json_body={"name": "x"}, headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 412, "the import did not advance the version")
        r = self.srv.patch(code_path(code), json_body={"name": "再改"},
                           headers={"If-Match": '"2"'})
        self.assertStatus(r, 200)

    def test_update_keeps_columns_absent_from_file(self):
        # A file with only some columns updates those columns; the others keep their values
        # (a sheet of names must not wipe phone numbers or the quality file).
        code = new_code()
        r = self.srv.post("/api/v1/enterprises", json_body={
            "credit_code": code, "name": "旧名称", "region_code": 540102, "industry": "C",
            "contact_phone": "0891-1234567", "status": "suspended", "qms_certified": True,
            "qms_certificate_no": "Q-1"})
        self.assertStatus(r, 201)
        r = self.do_import(make_csv(REQUIRED, [row(code, name="新名称")]))
        self.assertReport(r, 200, updated=1, rejected=0)
        self.assertRecordMatches(code, {"name": "新名称", "contact_phone": "0891-1234567",
                                        "status": "suspended", "qms_certified": True,
                                        "qms_certificate_no": "Q-1"})

    # -- dry run -------------------------------------------------------------------------

    def test_dry_run_writes_nothing(self):
        rows = full_rows(3)
        body = make_csv(FULL_HEADER, rows)
        before = self.snapshot()
        r = self.do_import(body, dry_run="true")
        self.assertReport(r, 200, rows=3, created=3, rejected=0, committed=False)
        self.assertEqual(self.snapshot(), before)
        self.assertAbsent([x["credit_code"] for x in rows])
        self.assertReport(self.do_import(body, dry_run="false"), 200, created=3, committed=True)

    def test_dry_run_of_updates_writes_nothing(self):
        rows = full_rows(2)
        self.assertReport(self.do_import(make_csv(FULL_HEADER, rows)), 200, created=2)
        rows[0]["name"] = "改过的名称"
        before = self.snapshot()
        r = self.do_import(make_csv(FULL_HEADER, rows), dry_run="true")
        self.assertReport(r, 200, updated=1, unchanged=1, committed=False)
        self.assertEqual(self.snapshot(), before)

    def test_dry_run_with_bad_rows(self):
        rows = [row(), row(industry="Z")]
        before = self.snapshot()
        r = self.do_import(make_csv(REQUIRED, rows), dry_run="true")
        self.assertIn(r.status, (200, 422), describe(r))
        rep = self.assertReport(r, r.status, rejected=1, committed=False)
        self.assertEqual([(e["row"], e["field"]) for e in rep["errors"]], [(3, "industry")])
        self.assertEqual(self.snapshot(), before)

    # -- bad rows ------------------------------------------------------------------------

    def bad_file(self):
        """Three data rows, the second of them (row 3, line 3) with an unknown region."""
        rows = [row(), row(region_code="540199"), row()]
        return rows, make_csv(REQUIRED, rows)

    def test_all_or_nothing_one_bad_row(self):
        rows, body = self.bad_file()
        before = self.snapshot()
        r = self.do_import(body)
        rep = self.assertReport(r, 422, rows=3, rejected=1, committed=False, file_error=None)
        self.assertEqual(len(rep["errors"]), 1, rep["errors"])
        e = rep["errors"][0]
        self.assertEqual((e["row"], e["line"], e["field"], e["code"]),
                         (3, 3, "region_code", "unknown_region"))
        self.assertTrue(e["message"])
        self.assertEqual(self.snapshot(), before)
        self.assertAbsent([x["credit_code"] for x in rows])

    def test_all_or_nothing_explicit_mode(self):
        rows, body = self.bad_file()
        r = self.do_import(body, mode="all_or_nothing")
        self.assertReport(r, 422, rejected=1, committed=False)
        self.assertAbsent([x["credit_code"] for x in rows])

    def test_all_or_nothing_bad_update_keeps_old_values(self):
        rows = full_rows(2)
        self.assertReport(self.do_import(make_csv(FULL_HEADER, rows)), 200, created=2)
        before = self.snapshot()
        rows[0]["name"] = "应当不被写入"
        rows[1]["established_on"] = "2021-02-30"
        r = self.do_import(make_csv(FULL_HEADER, rows))
        self.assertReport(r, 422, rejected=1, committed=False)
        self.assertEqual(self.snapshot(), before)

    def test_skip_bad_rows(self):
        rows, body = self.bad_file()
        r = self.do_import(body, mode="skip_bad_rows")
        rep = self.assertReport(r, 200, rows=3, created=2, rejected=1, committed=True)
        self.assertEqual([(e["row"], e["field"]) for e in rep["errors"]], [(3, "region_code")])
        self.record(rows[0]["credit_code"])
        self.record(rows[2]["credit_code"])
        self.assertAbsent([rows[1]["credit_code"]])

    def test_every_bad_row_reported(self):
        good = row()
        bad = [
            (row(corrupt_check(new_code())), "credit_code", "check_failed"),
            (row(name=""), "name", None),
            (row(established_on="2019-02-29"), "established_on", None),
            (row(region_code="540199"), "region_code", "unknown_region"),
            (row(region_code="拉萨"), "region_code", None),
            (row(region_code="9999999999999999999"), "region_code", None),
            (row(region_code="-9223372036854775808"), "region_code", None),
            (row(region_code="540102.0"), "region_code", None),
            (row(qms_certified="maybe"), "qms_certified", None),
            (row(name="x" * 201), "name", "too_long"),
            (row(contact_email="nobody"), "contact_email", None),
            (row(industry=""), "industry", None),
            (row(qms_certified="否", qms_certificate_no="Q-9"), "qms_certificate_no", None),
        ]
        header = REQUIRED + ["established_on", "qms_certified", "contact_email",
                             "qms_certificate_no"]
        body = make_csv(header, [good] + [b[0] for b in bad])
        r = self.do_import(body, mode="skip_bad_rows")
        rep = self.assertReport(r, 200, rows=1 + len(bad), created=1, rejected=len(bad))
        got = [(e["row"], e["line"], e["field"]) for e in rep["errors"]]
        self.assertEqual(got, [(i + 3, i + 3, b[1]) for i, b in enumerate(bad)])
        for e, b in zip(rep["errors"], bad):
            if b[2]:
                self.assertEqual(e["code"], b[2], e)
        self.record(good["credit_code"])
        self.assertAbsent([b[0]["credit_code"] for b in bad if len(b[0]["credit_code"]) == 18
                           and jzapi.uscc_valid(b[0]["credit_code"])])

    def test_row_and_line_numbers_with_multiline_and_blank_lines(self):
        header = REQUIRED + ["standards_adopted"]
        g1, g2, b1 = row(), row(standards_adopted="GB 1\nGB 2"), row(industry="Z")
        text = ("credit_code,name,region_code,industry,standards_adopted\r\n"   # line 1, row 1
                + "%s,%s,540102,C,\r\n" % (g1["credit_code"], g1["name"])        # line 2, row 2
                + '%s,%s,540102,C,"GB 1\nGB 2"\r\n' % (g2["credit_code"], g2["name"])  # 3-4, row 3
                + "\r\n"                                                           # line 5
                + "%s,%s,540102,Z,\r\n" % (b1["credit_code"], b1["name"]))       # line 6, row 4
        self.assertEqual(header, text.split("\r\n")[0].split(","))
        r = self.do_import(text.encode("utf-8"))
        rep = self.assertReport(r, 422, rows=3, rejected=1, committed=False)
        e = rep["errors"][0]
        self.assertEqual((e["row"], e["line"], e["field"]), (4, 6, "industry"))
        r = self.do_import(text.encode("utf-8"), mode="skip_bad_rows")
        self.assertReport(r, 200, created=2, rejected=1)
        self.assertRecordMatches(g2["credit_code"], {"standards_adopted": "GB 1\nGB 2"})

    def test_broken_quote_unterminated(self):
        g1, g2, b = row(), row(), row()
        text = ("credit_code,name,region_code,industry\r\n"
                + "%s,%s,540102,C\r\n" % (g1["credit_code"], g1["name"])
                + "%s,%s,540102,C\r\n" % (g2["credit_code"], g2["name"])
                + '%s,"未闭合的引号,540102,C\r\n' % b["credit_code"]).encode("utf-8")
        r = self.do_import(text)
        rep = self.assertReport(r, 422, rejected=1, committed=False)
        e = rep["errors"][0]
        self.assertEqual((e["row"], e["line"], e["field"]), (4, 4, None))
        self.assertAbsent([g1["credit_code"], g2["credit_code"], b["credit_code"]])
        r = self.do_import(text, mode="skip_bad_rows")
        self.assertReport(r, 200, created=2, rejected=1, committed=True)
        self.assertAbsent([b["credit_code"]])

    def test_quote_inside_unquoted_field(self):
        g1, b, g2 = row(), row(), row()
        text = ("credit_code,name,region_code,industry\r\n"
                + "%s,%s,540102,C\r\n" % (g1["credit_code"], g1["name"])
                + '%s,坏"名称,540102,C\r\n' % b["credit_code"]
                + '%s,"好""名称",540102,C\r\n' % g2["credit_code"]).encode("utf-8")
        r = self.do_import(text, mode="skip_bad_rows")
        rep = self.assertReport(r, 200, rows=3, created=2, rejected=1)
        self.assertEqual([(e["row"], e["line"], e["field"]) for e in rep["errors"]],
                         [(3, 3, None)])
        self.assertRecordMatches(g2["credit_code"], {"name": '好"名称'})
        self.assertAbsent([b["credit_code"]])

    def test_wrong_field_count(self):
        g1, extra, short, g2 = row(), row(), row(), row()
        text = ("credit_code,name,region_code,industry\r\n"
                + "%s,n,540102,C\r\n" % g1["credit_code"]
                + "%s,n,540102,C,surplus\r\n" % extra["credit_code"]
                + "%s,n,540102\r\n" % short["credit_code"]
                + "%s,n,540102,C\r\n" % g2["credit_code"]).encode("utf-8")
        before = self.snapshot()
        r = self.do_import(text)
        rep = self.assertReport(r, 422, rows=4, rejected=2, committed=False)
        self.assertEqual([(e["row"], e["line"], e["field"]) for e in rep["errors"]],
                         [(3, 3, None), (4, 4, None)])
        self.assertEqual(self.snapshot(), before)
        r = self.do_import(text, mode="skip_bad_rows")
        self.assertReport(r, 200, created=2, rejected=2)
        self.assertAbsent([extra["credit_code"], short["credit_code"]])

    def test_duplicate_code_in_file(self):
        code = new_code()
        rows = [row(code, name="第一次"), row(), row(code, name="第二次")]
        body = make_csv(REQUIRED, rows)
        before = self.snapshot()
        r = self.do_import(body)
        rep = self.assertReport(r, 422, rows=3, rejected=1, committed=False)
        e = rep["errors"][0]
        self.assertEqual((e["row"], e["line"], e["field"], e["code"]),
                         (4, 4, "credit_code", "duplicate"))
        self.assertEqual(self.snapshot(), before)
        r = self.do_import(body, mode="skip_bad_rows")
        self.assertReport(r, 200, created=2, rejected=1)
        self.assertRecordMatches(code, {"name": "第一次"})

    def test_many_bad_rows_all_counted(self):
        rows = [row(industry="Z") for _ in range(1100)]
        r = self.do_import(make_csv(REQUIRED, rows))
        rep = self.assertReport(r, 422, rows=1100, rejected=1100, committed=False)
        self.assertGreater(len(rep["errors"]), 0)
        self.assertLessEqual(len(rep["errors"]), 1000)
        self.assertEqual(rep["errors"][0]["row"], 2)

    def test_body_over_1mib_is_accepted(self):
        # The import limit is far above the 1 MiB of JSON bodies.
        rows = [row(address="西藏自治区拉萨市城关区某路%d号" % i + "甲" * 40) for i in range(6000)]
        body = make_csv(REQUIRED + ["address"], rows)
        self.assertGreater(len(body), 1024 * 1024)
        r = self.do_import(body, dry_run="true")
        self.assertReport(r, 200, rows=6000, created=6000, rejected=0, committed=False)

    # -- bad files -----------------------------------------------------------------------

    def assertBadFile(self, body, field="__any__", **params):
        before = self.snapshot()
        r = self.do_import(body, **params)
        self.assertInvalidFile(r, field)
        self.assertEqual(self.snapshot(), before)
        return r

    def test_unknown_column(self):
        x = row(colour="red")
        self.assertBadFile(make_csv(REQUIRED + ["colour"], [x]), "colour")
        self.assertAbsent([x["credit_code"]])

    def test_duplicate_column(self):
        x = row()
        self.assertBadFile(make_csv(REQUIRED + ["name"], [dict(x)]), "name")
        self.assertAbsent([x["credit_code"]])

    def test_missing_required_column(self):
        for missing in REQUIRED:
            with self.subTest(missing=missing):
                header = [h for h in REQUIRED if h != missing]
                self.assertBadFile(make_csv(header, [row()]), missing)

    def test_missing_required_column_chinese_header(self):
        self.assertBadFile(make_csv(["统一社会信用代码", "企业名称", "行政区划代码"],
                                    [[new_code(), "x", "540102"]]), "industry")

    def test_undecodable_bytes_utf8(self):
        code = new_code()
        body = ("credit_code,name,region_code,industry\r\n%s," % code).encode() \
            + b"\xff\xfe\xfd" + b",540102,C\r\n"
        self.assertBadFile(body, None, encoding="utf-8")
        self.assertAbsent([code])

    def test_gb18030_file_declared_utf8(self):
        rows = full_rows(1)
        self.assertBadFile(make_csv(FULL_HEADER, rows, encoding="gb18030"), None,
                           encoding="utf-8")
        self.assertAbsent([rows[0]["credit_code"]])

    def test_undecodable_bytes_auto(self):
        # Not UTF-8 and not GB18030 (0x80 and 0xFF are not GB18030 lead bytes).
        body = b"credit_code,name,region_code,industry\r\n" + new_code().encode() \
            + b",\x80\xff\x80\xff,540102,C\r\n"
        self.assertBadFile(body, None)

    def test_empty_body(self):
        self.assertBadFile(b"", None)

    def test_only_blank_lines(self):
        self.assertBadFile(b"\r\n\r\n\n", None)

    def test_only_bom(self):
        self.assertBadFile(b"\xef\xbb\xbf", None)

    def test_bad_query_parameters(self):
        body = make_csv(REQUIRED, [row()])
        for param, value in [("mode", "some"), ("mode", ""), ("dry_run", "yes"),
                             ("dry_run", "1"), ("encoding", "latin1"), ("encoding", "gbk2")]:
            with self.subTest(param=param, value=value):
                before = self.snapshot()
                r = self.do_import(body, **{param: value})
                self.assertError(r, 400, field=param)
                self.assertEqual(self.snapshot(), before)

    def test_wrong_method(self):
        r = self.srv.get("/api/v1/enterprises/import")
        self.assertIn(r.status, (404, 405), describe(r))


class ExportImportRoundTripTest(ImportTestBase):
    """Export everything from a server with the demo data, import it into a second, empty
    server: the records are the same (apart from their timestamps)."""
    DEMO = True

    def test_export_import_round_trip(self):
        conn = self.srv.connection()
        try:
            conn.request("GET", "/api/v1/enterprises?format=csv", headers=self.srv.auth_headers())
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            exported = resp.read()
        finally:
            conn.close()
        self.assertTrue(exported.startswith(b"\xef\xbb\xbf"))
        self.assertGreater(len(exported), 1024 * 1024)
        source = self.srv.list_all({"sort": "credit_code"})
        self.assertEqual(len(source), 5000)

        other = jzapi.Server(demo=False).start()
        try:
            path = "/api/v1/enterprises/import"
            r = other.request("POST", path, body=exported, content_type="text/csv")
            rep = self.assertReport(r, 200, rows=5000, created=5000, updated=0, unchanged=0,
                                    rejected=0, committed=True, errors=[])
            self.assertEqual(rep["encoding"].lower().replace("_", "-"), "utf-8")
            copied = other.list_all({"sort": "credit_code"})
            self.assertEqual(len(copied), 5000)
            strip = lambda x: {k: v for k, v in x.items()  # noqa: E731
                               if k not in ("created_at", "updated_at")}
            for a, b in zip(source, copied):
                self.assertEqual(strip(b), strip(a))
            # Exporting the copy gives the same rows, timestamps aside.
            r2 = other.get("/api/v1/enterprises?format=csv")
            rows1 = list(csv.reader(io.StringIO(exported[3:].decode(), newline="")))
            rows2 = list(csv.reader(io.StringIO(r2.body[3:].decode(), newline="")))
            ts = [rows1[0].index("created_at"), rows1[0].index("updated_at")]
            drop = lambda rr: sorted([c for i, c in enumerate(x) if i not in ts]  # noqa: E731
                                     for x in rr[1:])
            self.assertEqual(rows2[0], rows1[0])
            self.assertEqual(drop(rows2), drop(rows1))
        finally:
            rc, text = other.stop()
            self.assertEqual(rc, 0, text[-2000:])

    def test_reimport_own_export_all_unchanged(self):
        r = self.srv.get("/api/v1/enterprises?format=csv&region=540100")
        self.assertStatus(r, 200)
        n = self.srv.count({"region": "540100"})
        before = self.srv.list_all({"region": "540100"})
        rep = self.assertReport(self.do_import(r.body), 200, rows=n, unchanged=n, created=0,
                                updated=0, rejected=0)
        self.assertEqual(self.srv.list_all({"region": "540100"}), before)


if __name__ == "__main__":
    jzapi.main()

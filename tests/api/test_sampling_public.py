"""
Sampling statistics, the national reporting export and announcements over HTTP, on the
small demo (three years of samples).

Checked: pass rates by every grouping against a count of the samples themselves, for the
whole region and for a prefecture officer's scope; the failing items ranked; bad parameters
named; the national CSV (header, one line per approved sample, verdict and failing items,
scope, permission); the announcement lifecycle (draft with a number YYYY-NNN, approval refused
to the drafter and when nothing qualifies, samples under an open objection left out, publish)
and the public side (feed newest first with a cursor, JSON, CSV, the page /s/{number} in three
languages with no private data, ETag/304, nothing of a draft or an approved-but-unpublished
announcement visible).
"""
import csv
import datetime
import io
import os
import re
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import describe  # noqa: E402

STATS = "/api/v1/sampling/stats"
ANN = "/api/v1/sampling/announcements"
PUBLIC = "/api/v1/public/sampling/announcements"
COUNTED = "status = 'approved' AND final_verdict IS NOT NULL"


def china_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


class SamplingPublicTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        cls.officer = srv.make_token("spo", "Officer-pass-1234", "540000", ["sampling_officer"],
                                     ["sampling:read", "sampling:write", "sampling:export",
                                      "sampling:publish"])
        cls.lhasa = srv.make_token("spo_lhasa", "Officer-pass-1234", "540100",
                                   ["sampling_officer"],
                                   ["sampling:read", "sampling:write", "sampling:export"])
        cls.analyst = srv.make_token("analyst_t", "Analyst-pass-1234", "540000-LAB1",
                                     ["lab_analyst"], ["sampling:read", "sampling:write"])
        cls.year = china_today().year - 1

    def sql(self, query, *args):
        con = sqlite3.connect(self.srv.db, timeout=30)
        try:
            rows = con.execute(query, args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def stats(self, auth=True, path=STATS, status=200, **q):
        q.setdefault("year", str(self.year))
        r = self.srv.get(path, query=q, auth=auth)
        self.assertStatus(r, status)
        return r.json

    # -- statistics ---------------------------------------------------------------------

    def test_stats_by_every_grouping_equal_the_samples(self):
        expected = {
            "prefecture": "printf('%06d', region_code / 100 * 100)",
            "county": "printf('%06d', region_code)",
            "quarter": "CAST(quarter AS TEXT)",
            "industry": "industry",
            "product": "(SELECT code FROM sp_product p WHERE p.id = product_id)",
            "category": "(SELECT category FROM sp_product p WHERE p.id = product_id)",
        }
        total = self.stats()["items"]
        self.assertEqual(len(total), 1)
        n, passed = self.sql("SELECT count(*), sum(final_verdict = 'pass') FROM sp_sample "
                             "WHERE year = ? AND " + COUNTED, self.year)[0]
        self.assertGreater(n, 500)
        self.assertEqual((total[0]["samples"], total[0]["passed"]), (n, passed))
        self.assertEqual(total[0]["failed"], n - passed)
        self.assertEqual(total[0]["pass_rate"], "%.1f" % (passed * 100.0 / n + 1e-9))
        self.assertTrue(70 < float(total[0]["pass_rate"]) < 97)
        for by, key in expected.items():
            rows = self.stats(by=by)["items"]
            want = self.sql("SELECT %s, count(*), sum(final_verdict = 'pass') FROM sp_sample "
                            "WHERE year = ? AND %s GROUP BY 1 ORDER BY 1" % (key, COUNTED),
                            self.year)
            self.assertEqual([(r["key"], r["samples"], r["passed"]) for r in rows],
                             [tuple(w) for w in want], by)
            for r in rows:
                self.assertTrue(r["label"], r)
        lhasa = [r for r in self.stats(by="prefecture")["items"] if r["key"] == "540100"][0]
        self.assertEqual(lhasa["label"], "拉萨市")
        # A quarter and a product narrow it.
        q2 = self.stats(quarter="2", product="RICE")["items"][0]
        want = self.sql("SELECT count(*) FROM sp_sample s JOIN sp_product p ON p.id = "
                        "s.product_id WHERE p.code = 'RICE' AND year = ? AND quarter = 2 AND "
                        "s." + COUNTED.replace(" AND ", " AND s."), self.year)[0][0]
        self.assertEqual(q2["samples"], want)

    def test_stats_scope_of_a_prefecture_officer(self):
        mine = self.stats(auth=self.lhasa, by="prefecture")["items"]
        self.assertEqual([r["key"] for r in mine], ["540100"])
        everyone = {r["key"]: r for r in self.stats(by="prefecture")["items"]}
        self.assertEqual(mine[0]["samples"], everyone["540100"]["samples"])
        # Asking for another prefecture gives nothing, not an error and not its numbers.
        other = self.stats(auth=self.lhasa, region="540200", by="prefecture")["items"]
        self.assertEqual(other, [])
        total = self.stats(auth=self.lhasa, region="540200")["items"][0]
        self.assertEqual(total["samples"], 0)
        self.assertIsNone(total["pass_rate"])

    def test_failing_items_ranked(self):
        items = self.stats(path=STATS + "/items")["items"]
        self.assertGreater(len(items), 5)
        failed = [i["failed"] for i in items]
        self.assertEqual(failed, sorted(failed, reverse=True))
        self.assertGreater(failed[0], 0)
        tested = self.sql(
            "SELECT count(*) FROM sp_sample s JOIN sp_result r ON r.sample_id = s.id AND r.round "
            "= COALESCE((SELECT 1 FROM sp_objection o WHERE o.sample_id = s.id AND o.outcome IS "
            "NOT NULL), 0) WHERE s.year = ? AND s.status = 'approved' AND s.final_verdict IS "
            "NOT NULL", self.year)[0][0]
        self.assertEqual(sum(i["tested"] for i in items), tested)
        self.assertTrue(all(i["name"] for i in items))

    def test_bad_parameters_are_named(self):
        for q, field in (({"year": None}, "year"), ({"year": "1999"}, "year"),
                         ({"by": "planet"}, "by"), ({"quarter": "5"}, "quarter"),
                         ({"product": "NOPE"}, "product"), ({"region": "123"}, "region")):
            query = {"year": str(self.year)}
            query.update(q)
            query = {k: v for k, v in query.items() if v is not None}
            r = self.srv.get(STATS, query=query)
            self.assertError(r, 400, field=field)
        r = self.srv.get(STATS, query={"year": str(self.year)}, auth=False)
        self.assertStatus(r, 401)

    # -- national export ----------------------------------------------------------------

    def export(self, auth=True, status=200, **q):
        q.setdefault("year", str(self.year))
        r = self.srv.get("/api/v1/sampling/export/national", query=q, auth=auth)
        self.assertStatus(r, status)
        return r

    def test_national_export(self):
        r = self.export()
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"))
        text = r.body.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        head = rows[0]
        for col in ("抽查年度", "季度", "样品编号", "产品名称", "产品类别", "受检单位名称",
                    "统一社会信用代码", "区县代码", "行业", "检验机构", "检验结论", "不合格项目"):
            self.assertIn(col, head)
        body = rows[1:]
        n = self.sql("SELECT count(*) FROM sp_sample WHERE year = ? AND " + COUNTED,
                     self.year)[0][0]
        self.assertEqual(len(body), n)
        ix = {c: i for i, c in enumerate(head)}
        nos = [row[ix["样品编号"]] for row in body]
        self.assertEqual(nos, sorted(nos))
        self.assertEqual(len(set(nos)), n)
        for row in body:
            self.assertEqual(len(row), len(head))
            self.assertIn(row[ix["检验结论"]], ("合格", "不合格"))
            self.assertEqual(row[ix["检验结论"]] == "不合格", row[ix["不合格项目"]] != "", row)
            self.assertTrue(row[ix["受检单位名称"]], row)
            self.assertEqual(row[ix["省级代码"]], "540000")
        # A prefecture officer exports only their prefecture; an analyst may not export.
        mine = list(csv.reader(io.StringIO(self.export(auth=self.lhasa).body.decode("utf-8-sig"))))
        self.assertTrue(mine[1:])
        self.assertTrue(all(row[ix["地市代码"]] == "540100" for row in mine[1:]))
        self.export(auth=self.analyst, status=403)

    # -- announcements ------------------------------------------------------------------

    def draft(self, auth, **kw):
        body = {"title": "%d年第二季度监督抽查结果公告" % self.year, "region_code": "540000",
                "period_from": "%d-04-01" % self.year, "period_to": "%d-06-30" % self.year}
        body.update(kw)
        r = self.srv.post(ANN, json_body=body, auth=auth)
        return r

    def test_lifecycle_and_public_side(self):
        r = self.draft(self.officer)
        self.assertStatus(r, 201)
        a = r.json
        self.assertRegex(a["number"], r"^%d-\d{3}$" % china_today().year)
        self.assertEqual(a["status"], "draft")
        self.assertGreater(a["sample_count"], 50)
        number, aid = a["number"], a["id"]
        # An open objection keeps its sample out of the list fixed at approval.
        held = a["samples"][0]["sample_no"]
        sid = self.sql("SELECT id FROM sp_sample WHERE sample_no = ?", held)[0][0]
        self.sql("DELETE FROM sp_objection WHERE sample_id = ?", sid)
        self.sql("INSERT INTO sp_objection (id, sample_id, filed_on, reason, filed_by, status, "
                 "created_at, updated_at) VALUES (?, ?, '%d-07-01', 'test', 'firm', 'filed', 'x', "
                 "'x')" % self.year, 990000000000001, sid)
        # Not public while a draft.
        self.assertStatus(self.srv.get(PUBLIC + "/" + number, auth=False), 404)
        self.assertStatus(self.srv.get("/s/" + number, auth=False), 404)
        # The drafter may not approve it, though allowed to publish.
        self.assertError(self.srv.post(ANN + "/%s/approve" % aid, auth=self.officer), 403,
                         field="approved_by")
        r = self.srv.post(ANN + "/%s/approve" % aid)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "approved")
        fixed = [s["sample_no"] for s in r.json["samples"]]
        self.assertNotIn(held, fixed)
        self.assertEqual(len(fixed), a["sample_count"] - 1)
        self.assertStatus(self.srv.post(ANN + "/%s/approve" % aid), 409)
        self.assertStatus(self.srv.get(PUBLIC + "/" + number, auth=False), 404)
        r = self.srv.post(ANN + "/%s/publish" % aid)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "published")

        # Public JSON: the fixed samples, nothing private.
        r = self.srv.get(PUBLIC + "/" + number, auth=False)
        self.assertStatus(r, 200)
        pub = r.json
        self.assertEqual([s["sample_no"] for s in pub["samples"]], fixed)
        self.assertNotIn("created_by", pub)
        self.assertNotIn("approved_by", pub)
        failing = [s for s in pub["samples"] if s["verdict"] == "fail"]
        self.assertTrue(failing)
        self.assertTrue(all(s["failing_items"] for s in failing))
        self.assertTrue(all(s["producer_name"] and s["credit_code"] for s in pub["samples"]))
        # CSV
        r = self.srv.get(PUBLIC + "/" + number + ".csv", auth=False)
        self.assertStatus(r, 200)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][1], "样品编号")
        self.assertEqual([row[1] for row in rows[1:]], fixed)
        # The page: three languages, the samples, no analyst, approver, drafter or contact.
        r = self.srv.get("/s/" + number, auth=False)
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
        page = r.body.decode("utf-8")
        self.assertIn(number, page)
        self.assertIn("产品质量监督抽查结果公告", page)
        self.assertIn('lang="bo"', page)
        self.assertIn("Product quality supervision sampling", page)
        self.assertIn(fixed[0], page)
        self.assertIn("script-src" not in r.headers.get("Content-Security-Policy", "") and
                      "default-src 'none'", r.headers.get("Content-Security-Policy", ""))
        private = self.sql(
            "SELECT DISTINCT analyst FROM sp_sample WHERE analyst IS NOT NULL UNION SELECT "
            "DISTINCT reviewer FROM sp_sample WHERE reviewer IS NOT NULL UNION SELECT DISTINCT "
            "approver FROM sp_sample WHERE approver IS NOT NULL")
        contacts = self.sql(
            "SELECT contact_phone FROM enterprise WHERE credit_code = ? AND contact_phone IS "
            "NOT NULL", pub["samples"][0]["credit_code"])
        for (word,) in private + contacts + [("spo",), ("Officer",)]:
            self.assertNotRegex(page, r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(word),
                                word)
        # ETag and 304.
        etag = r.headers["ETag"]
        r2 = self.srv.get("/s/" + number, auth=False, headers={"If-None-Match": etag})
        self.assertStatus(r2, 304)
        # The feed: newest first, this one at the top, no drafts.
        feed = self.srv.get(PUBLIC, auth=False, query={"limit": "1"})
        self.assertStatus(feed, 200)
        self.assertEqual(feed.json["items"][0]["number"], number)
        seen = [number]
        cursor = feed.json["next_cursor"]
        while cursor:
            page_ = self.srv.get(PUBLIC, auth=False, query={"limit": "1", "cursor": cursor})
            self.assertStatus(page_, 200)
            seen += [i["number"] for i in page_.json["items"]]
            cursor = page_.json["next_cursor"]
        published = self.sql("SELECT number FROM sp_announcement WHERE status = 'published' "
                             "ORDER BY published_at DESC, id DESC")
        self.assertEqual(seen, [p[0] for p in published])
        self.assertGreaterEqual(len(seen), 3)  # the demo's two and this one

    def test_approval_rules(self):
        # The drafter may not approve their own draft, even with the permission.
        r = self.draft(True, title="管理员起草的公告")
        self.assertStatus(r, 201)
        self.assertError(self.srv.post(ANN + "/%s/approve" % r.json["id"]), 403)
        # Nothing qualifies in a period without samples: 409, still a draft.
        r = self.draft(self.officer, period_from="2001-01-01", period_to="2001-03-31")
        self.assertStatus(r, 201)
        aid = r.json["id"]
        self.assertError(self.srv.post(ANN + "/%s/approve" % aid), 409)
        self.assertEqual(self.srv.get(ANN + "/%s" % aid).json["status"], "draft")
        # Publishing a draft is refused.
        self.assertError(self.srv.post(ANN + "/%s/publish" % aid), 409)
        # Bad drafts name their field; a region outside the officer's scope is refused.
        for kw, field in (({"title": ""}, "title"), ({"region_code": "540200"}, "region_code"),
                          ({"period_to": "2020-02-30"}, "period_to"),
                          ({"product": "NOPE"}, "product"), ({"colour": "red"}, "colour")):
            r = self.draft(self.lhasa, **kw) if field == "region_code" else \
                self.draft(self.officer, **kw)
            self.assertError(r, 400, field=field, msg=str(kw))
        # Numbers run on within the year.
        a = self.draft(self.officer).json["number"]
        b = self.draft(self.officer).json["number"]
        self.assertEqual(int(b[5:]), int(a[5:]) + 1)
        # The public never sees an unknown number or a malformed one.
        self.assertStatus(self.srv.get(PUBLIC + "/1999-999", auth=False), 404)
        self.assertStatus(self.srv.get("/s/nonsense", auth=False), 404)
        self.assertStatus(self.srv.get(PUBLIC + "/" + b, auth=False), 404)


if __name__ == "__main__":
    unittest.main()

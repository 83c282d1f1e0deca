"""
GET /api/v1/enterprises/counts: live counts by prefecture or county over the demo registry,
equal to what the list endpoint returns, with the list's filters and their errors, bounded by
the caller's data scope (a prefecture officer, an enterprise account), and following writes
at once (no cached counters).
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import describe, make_code  # noqa: E402

PASSWORD = "Qomolangma-8848!"
PATH = "/api/v1/enterprises/counts"


def prefecture(code):
    return code // 100 * 100


def expected(items, by="prefecture"):
    """The response the endpoint must give for these list items."""
    key = prefecture if by == "prefecture" else (lambda c: c)
    c = collections.Counter(key(x["region_code"]) for x in items)
    return {"by": by, "items": [{"region_code": "%06d" % k, "count": c[k]} for k in sorted(c)],
            "total": len(items)}


def region_in(code, region):
    if region % 10000 == 0:
        return code // 10000 == region // 10000
    if region % 100 == 0:
        return code // 100 == region // 100
    return code == region


class CountsTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        cls.all = srv.list_all({"sort": "id"})
        shigatse = [x for x in cls.all if x["region_code"] // 100 == 5402]
        assert shigatse, "the demo registry has no Shigatse enterprise"
        cls.own = shigatse[0]
        cls.officer = srv.make_token("counts.officer", PASSWORD, "540200",
                                     ["registry_officer"], ["registry:read"])
        cls.ent = srv.make_token("counts.ent", PASSWORD, "540202", ["enterprise"],
                                 ["registry:read"], credit_code=cls.own["credit_code"])

    def counts(self, query=None, auth=True, status=200):
        r = self.srv.get(PATH, query=query, auth=auth)
        self.assertStatus(r, status)
        return r

    # -- exactness -----------------------------------------------------------------------

    def test_by_prefecture_default(self):
        r = self.counts()
        self.assertEqual(r.json, expected(self.all))
        self.assertEqual(r.json["total"], 5000)
        self.assertEqual(self.counts({"by": "prefecture"}).json, r.json)
        codes = [i["region_code"] for i in r.json["items"]]
        self.assertEqual(codes, sorted(codes))
        for code in codes:
            self.assertRegex(code, r"^54\d{2}00$")

    def test_by_county(self):
        r = self.counts({"by": "county"})
        self.assertEqual(r.json, expected(self.all, "county"))
        # The counties add up to their prefectures.
        per_pref = collections.Counter()
        for i in r.json["items"]:
            per_pref["%06d" % prefecture(int(i["region_code"]))] += i["count"]
        pref = {i["region_code"]: i["count"] for i in self.counts().json["items"]}
        self.assertEqual(dict(per_pref), pref)

    def test_equals_list_counts(self):
        for i in self.counts().json["items"]:
            with self.subTest(region=i["region_code"]):
                self.assertEqual(i["count"], self.srv.count({"region": i["region_code"]}))

    def test_filters(self):
        cases = [{"region": "540200"}, {"region": "540100", "status": "active"},
                 {"industry": "C"}, {"size": "small", "status": "active"},
                 {"region": "540102"}, {"region": "540000", "industry": "A", "size": "micro"}]
        for q in cases:
            for by in ("prefecture", "county"):
                with self.subTest(query=q, by=by):
                    items = [x for x in self.all
                             if ("region" not in q or region_in(x["region_code"], int(q["region"])))
                             and all(x[k] == v for k, v in q.items() if k != "region")]
                    r = self.counts(dict(q, by=by))
                    self.assertEqual(r.json, expected(items, by))
                    self.assertEqual(r.json["total"], self.srv.count(q))

    def test_no_match_is_empty(self):
        r = self.counts({"region": "540200", "industry": "T", "size": "large",
                         "status": "revoked"})
        self.assertEqual(r.json["total"], sum(i["count"] for i in r.json["items"]))
        r = self.counts({"q": "ignored", "sort": "name", "limit": "1"})
        self.assertEqual(r.json, expected(self.all))

    def test_prefecture_level_registration_counts_under_itself(self):
        code = make_code(77001, region="540000")
        body = {"credit_code": code, "name": "区级登记企业", "region_code": 540000,
                "industry": "C"}
        before = self.counts().json
        r = self.srv.post("/api/v1/enterprises", json_body=body)
        self.assertStatus(r, 201)
        after = self.counts().json
        b = {i["region_code"]: i["count"] for i in before["items"]}
        a = {i["region_code"]: i["count"] for i in after["items"]}
        self.assertEqual(a.get("540000"), b.get("540000", 0) + 1)
        self.assertEqual(after["total"], before["total"] + 1)
        county = {i["region_code"]: i["count"]
                  for i in self.counts({"by": "county"}).json["items"]}
        self.assertGreaterEqual(county.get("540000", 0), 1)
        # Live: a status change moves it between filtered counts at once.
        n_active = self.counts({"status": "active"}).json["total"]
        r = self.srv.patch(jzapi.code_path(code), {"status": "suspended"})
        self.assertStatus(r, 200)
        self.assertEqual(self.counts({"status": "active"}).json["total"], n_active - 1)
        type(self).all = self.srv.list_all({"sort": "id"})

    # -- errors --------------------------------------------------------------------------

    def test_bad_by_400(self):
        for by in ["city", "", "PREFECTURE", "county ", "province"]:
            with self.subTest(by=by):
                r = self.srv.get(PATH, query={"by": by})
                self.assertError(r, 400, "not_allowed", "by")

    def test_bad_filters_400(self):
        for q, field in [({"region": "999999"}, "region"), ({"region": "54"}, "region"),
                         ({"industry": "Z"}, "industry"), ({"status": "gone"}, "status"),
                         ({"size": "huge"}, "size")]:
            with self.subTest(query=q):
                self.assertError(self.srv.get(PATH, query=q), 400, field=field)

    def test_needs_registry_read(self):
        self.assertError(self.srv.get(PATH, auth=False), 401, "unauthenticated")
        token = self.srv.make_token("counts.noread", PASSWORD, "540200", ["registry_officer"],
                                    ["registry:write"])  # a token without registry:read
        self.assertError(self.srv.get(PATH, auth=token), 403, "forbidden")

    def test_other_methods_and_credit_code_route(self):
        r = self.srv.request("POST", PATH, json_body={})
        self.assertStatus(r, (404, 405))
        # A real credit code still reaches the record.
        code = self.all[0]["credit_code"]
        self.assertStatus(self.srv.get(jzapi.code_path(code)), 200)

    def test_in_openapi(self):
        doc = self.srv.get("/api/v1/openapi.json").json
        op = doc["paths"]["/api/v1/enterprises/counts"]["get"]
        names = [p["name"] for p in op.get("parameters", [])]
        for n in ("by", "region", "industry", "status", "size"):
            self.assertIn(n, names)
        self.assertIn("EnterpriseCounts", doc["components"]["schemas"])

    # -- scope ---------------------------------------------------------------------------

    def test_prefecture_officer_sees_only_their_prefecture(self):
        mine = [x for x in self.srv.list_all({"sort": "id"}) if x["region_code"] // 100 == 5402]
        r = self.srv.get(PATH, auth=self.officer)
        self.assertStatus(r, 200)
        self.assertEqual(r.json, expected(mine))
        self.assertEqual([i["region_code"] for i in r.json["items"]], ["540200"])
        r = self.srv.get(PATH, query={"by": "county"}, auth=self.officer)
        self.assertEqual(r.json, expected(mine, "county"))
        # Asking for another prefecture gives nothing, not its numbers.
        r = self.srv.get(PATH, query={"region": "540100"}, auth=self.officer)
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"by": "prefecture", "items": [], "total": 0})
        r = self.srv.get(PATH, query={"region": "540000"}, auth=self.officer)
        self.assertEqual(r.json, expected(mine))
        # Equal to the officer's own list.
        listed = self.srv.get("/api/v1/enterprises", query={"count": "true", "limit": "1"},
                              auth=self.officer)
        self.assertEqual(listed.json["total"], len(mine), describe(listed))

    def test_enterprise_account_sees_only_itself(self):
        r = self.srv.get(PATH, auth=self.ent)
        self.assertStatus(r, 200)
        self.assertEqual(r.json, expected([self.own]))
        r = self.srv.get(PATH, query={"by": "county"}, auth=self.ent)
        self.assertEqual(r.json, expected([self.own], "county"))
        r = self.srv.get(PATH, query={"region": "540100"}, auth=self.ent)
        self.assertEqual(r.json["total"], 0)


if __name__ == "__main__":
    jzapi.main()

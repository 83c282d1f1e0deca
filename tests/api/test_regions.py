"""
The GB/T 2260 region tree: GET /api/v1/regions[?parent=CODE] and GET /api/v1/regions/{code}.
Xizang: the region, 7 prefectures, 74 counties (82 in all).
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import describe  # noqa: E402

PREFECTURES = {
    "540100": "拉萨市",
    "540200": "日喀则市",
    "540300": "昌都市",
    "540400": "林芝市",
    "540500": "山南市",
    "540600": "那曲市",
    "542500": "阿里地区",
}

TIBETAN = range(0x0F00, 0x1000)


def reference_rows():
    """Rows of data/regions-xizang.tsv (the embedded reference data), or None."""
    path = os.path.join(jzapi.SOURCE_DIR, "data", "regions-xizang.tsv")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        lines = [ln.rstrip("\n").split("\t") for ln in f if ln.strip()]
    head = lines[0]
    return [dict(zip(head, ln + [""] * (len(head) - len(ln)))) for ln in lines[1:]]


class RegionsTest(jzapi.ServerTestCase):
    DEMO = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.srv.get("/api/v1/regions")
        assert r.status == 200, describe(r)
        cls.all = r.json["items"]
        cls.by_code = {x["code"]: x for x in cls.all}

    def test_all_82_regions(self):
        self.assertEqual(len(self.all), 82)
        self.assertEqual(len(self.by_code), 82, "duplicate codes")
        levels = [x["level"] for x in self.all]
        self.assertEqual(levels.count("province"), 1)
        self.assertEqual(levels.count("prefecture"), 7)
        self.assertEqual(levels.count("county"), 74)

    def test_item_shape(self):
        for x in self.all:
            with self.subTest(code=x.get("code")):
                self.assertEqual(set(x), {"code", "parent", "level", "name_zh", "name_en",
                                          "name_bo"})
                self.assertRegex(x["code"], r"^\d{6}$")
                self.assertIsInstance(x["name_zh"], str)
                self.assertTrue(x["name_zh"])
                self.assertTrue(x["name_en"])
                if x["level"] == "province":
                    self.assertIsNone(x["parent"])
                else:
                    self.assertIn(x["parent"], self.by_code, "parent is not a known region")

    def test_sorted_by_code(self):
        codes = [x["code"] for x in self.all]
        self.assertEqual(codes, sorted(codes))

    def test_tree_consistency(self):
        for x in self.all:
            with self.subTest(code=x["code"]):
                c = int(x["code"])
                if x["level"] == "province":
                    self.assertEqual(x["code"], "540000")
                elif x["level"] == "prefecture":
                    self.assertEqual(x["parent"], "540000")
                    self.assertEqual(c % 100, 0)
                else:
                    self.assertEqual(x["parent"], "%06d" % (c // 100 * 100))
                    self.assertEqual(self.by_code[x["parent"]]["level"], "prefecture")

    def test_province(self):
        p = self.by_code["540000"]
        self.assertEqual(p["name_zh"], "西藏自治区")
        self.assertEqual(p["level"], "province")

    def test_prefectures_by_code_with_names(self):
        for code, name in PREFECTURES.items():
            with self.subTest(code=code):
                x = self.by_code.get(code)
                self.assertIsNotNone(x, "prefecture missing")
                self.assertEqual(x["name_zh"], name)
                self.assertEqual(x["level"], "prefecture")
                self.assertEqual(x["parent"], "540000")

    def test_prefectures_have_tibetan_names(self):
        for code in PREFECTURES:
            with self.subTest(code=code):
                bo = self.by_code[code]["name_bo"]
                self.assertTrue(bo, "no Tibetan name")
                self.assertTrue(all(ord(ch) in TIBETAN for ch in bo), repr(bo))
        self.assertTrue(self.by_code["540000"]["name_bo"])

    def test_names_match_reference_data(self):
        ref = reference_rows()
        if ref is None:
            self.skipTest("data/regions-xizang.tsv not found")
        self.assertEqual(len(ref), len(self.all))
        for row in ref:
            with self.subTest(code=row["code"]):
                x = self.by_code.get(row["code"])
                self.assertIsNotNone(x)
                self.assertEqual(x["name_zh"], row["name_zh"])
                self.assertEqual(x["name_en"], row["name_en"])
                self.assertEqual(x["name_bo"] or "", row["name_bo"])
                self.assertEqual(x["level"], row["level"])
                self.assertEqual(x["parent"] or "", row["parent"])

    def test_parent_filter_prefecture(self):
        r = self.srv.get("/api/v1/regions?parent=540100")
        self.assertStatus(r, 200)
        items = r.json["items"]
        expected = [x for x in self.all if x["parent"] == "540100"]
        self.assertEqual(items, expected)
        self.assertEqual(len(items), 8)  # Lhasa: 3 districts, 5 counties
        self.assertEqual({x["name_zh"] for x in items} >= {"城关区", "堆龙德庆区"}, True)

    def test_parent_filter_every_prefecture(self):
        total = 0
        for code in PREFECTURES:
            with self.subTest(parent=code):
                r = self.srv.get("/api/v1/regions", query={"parent": code})
                self.assertStatus(r, 200)
                items = r.json["items"]
                self.assertTrue(items)
                self.assertTrue(all(x["parent"] == code for x in items))
                self.assertEqual(items, [x for x in self.all if x["parent"] == code])
                total += len(items)
        self.assertEqual(total, 74)

    def test_parent_filter_province_gives_its_children(self):
        # parent=CODE lists the regions whose parent is CODE: the seven prefectures.
        r = self.srv.get("/api/v1/regions?parent=540000")
        self.assertStatus(r, 200)
        items = r.json["items"]
        self.assertEqual([x["code"] for x in items], sorted(PREFECTURES),
                         "parent=540000 returned %d items with parents %r"
                         % (len(items), sorted({x["parent"] for x in items})))

    def test_parent_filter_county_has_no_children(self):
        r = self.srv.get("/api/v1/regions?parent=540102")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["items"], [])

    def test_unknown_parent_400(self):
        for parent in ["999999", "540199", "110000", "abc", "54", "5401000", "", "-540000",
                       "540100x"]:
            with self.subTest(parent=parent):
                r = self.srv.get("/api/v1/regions", query={"parent": parent})
                self.assertError(r, 400, field="parent")

    def test_get_one_region(self):
        for code in ["540000", "540100", "540102", "542500", "542527"]:
            with self.subTest(code=code):
                r = self.srv.get("/api/v1/regions/" + code)
                self.assertStatus(r, 200)
                self.assertEqual(r.json, self.by_code[code])

    def test_get_every_region_matches_list(self):
        for x in self.all:
            r = self.srv.get("/api/v1/regions/" + x["code"])
            self.assertEqual(r.status, 200, x["code"])
            self.assertEqual(r.json, x)

    def test_get_unknown_region_404(self):
        for code in ["999999", "540199", "110000", "abc", "54010", "5401000"]:
            with self.subTest(code=code):
                r = self.srv.get("/api/v1/regions/" + code)
                self.assertError(r, 404, "not_found")

    def test_regions_are_public_and_cacheable_content(self):
        r1 = self.srv.get("/api/v1/regions")
        r2 = self.srv.get("/api/v1/regions")
        self.assertEqual(r1.body, r2.body)
        self.assertTrue(r1.headers.get("Content-Type", "").startswith("application/json"))


if __name__ == "__main__":
    jzapi.main()

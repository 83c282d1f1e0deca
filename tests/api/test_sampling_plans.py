"""
The sampling catalogue, labs, plans and tasks over HTTP: the seeded catalogue with its limits,
labs and their accredited scope (administrators only; an unknown item is refused by name),
plans drafted in one's own jurisdiction, tasks within the plan's region, approval (a leader,
a plan with tasks), the draft-only rule, progress and totals, and what a prefecture officer
sees of the regional plan.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402

PASSWORD = "Qomolangma-8848!"
S = "/api/v1/sampling"
YEAR = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).year


class SamplingPlansTest(jzapi.ServerTestCase):
    DEMO = True
    seq = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        rw = ["sampling:read", "sampling:write"]
        cls.region_officer = srv.make_token("sp.region", PASSWORD, "540000",
                                            ["sampling_officer"], rw)
        cls.shigatse = srv.make_token("sp.shigatse", PASSWORD, "540200", ["sampling_officer"],
                                      rw)
        cls.leader = srv.make_token("sp.leader", PASSWORD, "540000", ["leader"],
                                    ["sampling:read", "sampling:approve"])

    @classmethod
    def code(cls):
        cls.seq += 1
        return "CNAS L%05d" % (9000 + cls.seq)

    def lab(self, **kw):
        body = {"code": self.code(), "name": "西藏自治区产品质量监督检验所", "region_code": 540102,
                "accredited_until": "2030-12-31", "org_unit": "540000-LAB1"}
        body.update(kw)
        r = self.srv.post(S + "/labs", body)
        self.assertStatus(r, 201)
        return r.json

    def plan(self, token, region=540000, status=201, **kw):
        body = {"year": YEAR, "title": "%d 年监督抽查计划" % YEAR, "region_code": region}
        body.update(kw)
        r = self.srv.post(S + "/plans", body, auth=token)
        self.assertStatus(r, status)
        return r.json

    def task(self, plan, token, product, region, planned=3):
        return self.srv.post(S + "/plans/%s/tasks" % plan["id"],
                             {"product": product, "region_code": region, "planned": planned},
                             auth=token)

    # -- catalogue ---------------------------------------------------------------------------

    def test_catalogue(self):
        r = self.srv.get(S + "/items")
        self.assertStatus(r, 200)
        items = {i["code"]: i for i in r.json["items"]}
        self.assertEqual(items["PB"]["unit"], "mg/kg")
        self.assertEqual(items["PB"]["kind"], "numeric")
        self.assertEqual(items["LABEL"]["kind"], "qualitative")
        self.assertIsNone(items["LABEL"]["unit"])

        r = self.srv.get(S + "/products", query={"industry": "C"})
        self.assertStatus(r, 200)
        products = {p["code"]: p for p in r.json["items"]}
        for code in ("TSAMPA", "RICE", "BRICK_TEA", "CEMENT_PO425", "REBAR_HRB400E"):
            self.assertIn(code, products)
        tea = {i["item_code"]: i for i in products["BRICK_TEA"]["items"]}
        self.assertEqual(tea["FLUORIDE"]["rule"], "max")
        self.assertEqual(tea["FLUORIDE"]["hi"], "300")
        self.assertEqual(tea["FLUORIDE"]["standard"], "GB 19965-2005")
        self.assertEqual(products["BRICK_TEA"]["industry"], "C")
        self.assertEqual(self.srv.get(S + "/products", query={"industry": "A"}).json["items"],
                         [])
        r = self.srv.get(S + "/products", query={"category": "building"})
        self.assertEqual(sorted(p["code"] for p in r.json["items"]),
                         ["CEMENT_PO425", "REBAR_HRB400E"])

        r = self.srv.get(S + "/products/REBAR_HRB400E")
        self.assertStatus(r, 200)
        rebar = {i["item_code"]: i for i in r.json["items"]}
        self.assertEqual(rebar["YIELD_STRENGTH"]["lo"], "400")
        self.assertEqual(rebar["BEND"]["rule"], "equals")
        self.assertEqual(rebar["BEND"]["expected"], "pass")
        self.assertEqual(rebar["WEIGHT_DEVIATION"]["rule"], "range")
        self.assertError(self.srv.get(S + "/products/NO_SUCH"), 404)

    # -- labs --------------------------------------------------------------------------------

    def test_labs_and_scope(self):
        lab = self.lab(name_bo="བོད་ལྗོངས་")
        self.assertEqual(lab["scope"], [])
        self.assertEqual(lab["version"], 1)
        path = S + "/labs/" + lab["id"]
        r = self.srv.request("PUT", path + "/scope", json_body={"items": ["PB", "CD", "LABEL"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["scope"], ["CD", "LABEL", "PB"])
        self.assertEqual(r.json["version"], 2)

        r = self.srv.request("PUT", path + "/scope", json_body={"items": ["PB", "UNOBTAINIUM"]})
        e = self.assertError(r, 400, "unknown_item", "items")
        self.assertIn("UNOBTAINIUM", e["message"])
        self.assertEqual(self.srv.get(path).json["scope"], ["CD", "LABEL", "PB"])
        self.assertError(self.srv.request("PUT", path + "/scope", json_body={"items": "PB"}),
                         400, field="items")

        r = self.srv.patch(path, {"accredited_until": "2031-06-30"}, headers={"If-Match": '"2"'})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["accredited_until"], "2031-06-30")
        self.assertEqual(r.headers["ETag"], '"3"')
        self.assertError(self.srv.patch(path, {"name": "x"}, headers={"If-Match": '"2"'}), 412)
        self.assertError(self.srv.patch(path, {"region_code": 549999}), 400,
                         "unknown_region", "region_code")
        self.assertError(self.srv.post(S + "/labs", {
            "code": lab["code"], "name": "重复", "region_code": 540102,
            "accredited_until": "2030-01-01"}), 409, field="code")
        self.assertError(self.srv.post(S + "/labs", {"name": "无编号", "region_code": 540102,
                                                     "accredited_until": "2030-01-01"}),
                         400, field="code")

        codes = [x["code"] for x in self.srv.get(S + "/labs").json["items"]]
        self.assertIn(lab["code"], codes)
        # Officers read labs but do not register them.
        self.assertStatus(self.srv.get(path, auth=self.shigatse), 200)
        self.assertError(self.srv.post(S + "/labs", {
            "code": self.code(), "name": "x", "region_code": 540202,
            "accredited_until": "2030-01-01"}, auth=self.shigatse), 403)
        self.assertError(self.srv.request("PUT", path + "/scope", json_body={"items": []},
                                          auth=self.shigatse), 403)

    # -- plans and tasks ---------------------------------------------------------------------

    def test_plan_lifecycle(self):
        lab = self.lab()
        p = self.plan(self.region_officer, labs=[lab["id"]], budget_yuan=120000)
        self.assertEqual(p["status"], "draft")
        self.assertEqual(p["labs"], [lab["id"]])
        self.assertEqual(p["weighted"], False)
        self.assertEqual(p["totals"]["planned"], 0)
        path = S + "/plans/" + p["id"]

        # Approving a plan without tasks is refused.
        self.assertError(self.srv.post(path + "/approve", auth=self.leader), 409, "no_tasks")

        self.assertStatus(self.task(p, self.region_officer, "TSAMPA", 540102, 4), 201)
        self.assertStatus(self.task(p, self.region_officer, "TSAMPA", 540202, 2), 201)
        r = self.task(p, self.region_officer, "BRICK_TEA", 540200, 5)
        self.assertStatus(r, 201)
        t = r.json
        self.assertEqual(t["product"], "BRICK_TEA")
        self.assertEqual((t["planned"], t["sampled"], t["tested"], t["passed"], t["failed"]),
                         (5, 0, 0, 0, 0))
        self.assertError(self.task(p, self.region_officer, "TSAMPA", 540102), 409, "duplicate")
        self.assertError(self.task(p, self.region_officer, "NO_SUCH", 540102), 400,
                         "unknown_product", "product")
        self.assertError(self.task(p, self.region_officer, "RICE", 540102, 0), 400,
                         field="planned")
        self.assertError(self.task(p, self.region_officer, "RICE", 630100), 400,
                         field="region_code")

        g = self.srv.get(path)
        self.assertStatus(g, 200)
        tot = g.json["totals"]
        self.assertEqual((tot["tasks"], tot["planned"]), (3, 11))
        self.assertEqual([(x["region_code"], x["planned"]) for x in tot["by_prefecture"]],
                         [(540100, 4), (540200, 7)])

        r = self.srv.patch(path, {"title": "%d 年自治区监督抽查计划" % YEAR, "labs": []},
                           headers={"If-Match": g.headers["ETag"]}, auth=self.region_officer)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["labs"], [])
        self.assertError(self.srv.patch(path, {"budget_yuan": -1}, auth=self.region_officer),
                         400, field="budget_yuan")
        self.assertError(self.srv.patch(path, {"labs": ["123"]}, auth=self.region_officer), 400,
                         "unknown_lab", "labs")

        # The officer may not approve; the leader does.
        self.assertError(self.srv.post(path + "/approve", auth=self.region_officer), 403)
        r = self.srv.post(path + "/approve", auth=self.leader)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "approved")

        # Only a draft changes.
        self.assertError(self.srv.patch(path, {"title": "改"}, auth=self.region_officer), 409,
                         "not_draft")
        self.assertError(self.task(p, self.region_officer, "RICE", 540102), 409, "not_draft")
        self.assertError(self.srv.post(path + "/approve", auth=self.leader), 409, "not_draft")

        tasks = self.srv.get(path + "/tasks", auth=self.region_officer).json["items"]
        self.assertEqual(len(tasks), 3)

    def test_scope(self):
        # A Shigatse officer cannot plan for Lhasa.
        r = self.srv.post(S + "/plans", {"year": YEAR, "title": "拉萨计划", "region_code": 540100},
                          auth=self.shigatse)
        self.assertError(r, 400, "out_of_scope", "region_code")
        # Bad input changes nothing.
        for body, field in (({"year": 1999, "title": "x", "region_code": 540200}, "year"),
                            ({"year": YEAR, "region_code": 540200}, "title"),
                            ({"year": YEAR, "title": "x", "region_code": 540200,
                              "labs": ["999999"]}, "labs")):
            self.assertError(self.srv.post(S + "/plans", body, auth=self.shigatse), 400,
                             field=field)
        own = self.plan(self.shigatse, 540200, title="日喀则市计划")

        regional = self.plan(self.region_officer)
        self.assertStatus(self.task(regional, self.region_officer, "RICE", 540100), 201)
        r = self.task(regional, self.region_officer, "RICE", 540202)
        self.assertStatus(r, 201)
        shigatse_task = r.json["id"]
        lhasa = self.srv.get(S + "/plans/%s/tasks" % regional["id"]).json["items"]
        lhasa_task = [t["id"] for t in lhasa if t["region_code"] == 540100][0]

        # The prefecture officer sees the regional plan and its tasks for the prefecture only.
        ids = [x["id"] for x in self.srv.get(S + "/plans", auth=self.shigatse).json["items"]]
        self.assertIn(regional["id"], ids)
        self.assertIn(own["id"], ids)
        g = self.srv.get(S + "/plans/" + regional["id"], auth=self.shigatse)
        self.assertStatus(g, 200)
        self.assertEqual([x["region_code"] for x in g.json["totals"]["by_prefecture"]],
                         [540200])
        tasks = self.srv.get(S + "/plans/%s/tasks" % regional["id"], auth=self.shigatse)
        self.assertEqual([t["region_code"] for t in tasks.json["items"]], [540202])
        self.assertStatus(self.srv.get(S + "/tasks/" + shigatse_task, auth=self.shigatse), 200)
        self.assertError(self.srv.get(S + "/tasks/" + lhasa_task, auth=self.shigatse), 404)
        # ... but does not change it, nor add tasks to it.
        self.assertError(self.srv.patch(S + "/plans/" + regional["id"], {"title": "x"},
                                        auth=self.shigatse), 403)
        self.assertError(self.task(regional, self.shigatse, "TSAMPA", 540202), 403)
        # The Shigatse plan is visible to the region above it, not to Lhasa, which sees the
        # regional plan.
        lhasa_tok = self.srv.make_token("sp.lhasa", PASSWORD, "540100", ["sampling_officer"],
                                        ["sampling:read", "sampling:write"])
        self.assertError(self.srv.get(S + "/plans/" + own["id"], auth=lhasa_tok), 404)
        ids = [x["id"] for x in self.srv.get(S + "/plans", auth=lhasa_tok).json["items"]]
        self.assertNotIn(own["id"], ids)
        self.assertIn(regional["id"], ids)
        self.assertStatus(self.srv.get(S + "/plans/" + own["id"], auth=self.region_officer), 200)


if __name__ == "__main__":
    jzapi.main()

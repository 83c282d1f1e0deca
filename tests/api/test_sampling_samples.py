"""
Samples over HTTP: the sampling record at a producer (the rules of a sampling record: an
approved plan's task, a producer registered and active within the task's region, not the same
product within six months, dates in order, a refusal with its reason), lab assignment (only a
lab accredited for every item), results judged item by item (all or nothing; only the lab's
staff), submission, review and approval by three different people, the final verdict counted
in the statistics at once, the approved report locked, the notification day, and who sees what
(a producer its own samples, a lab its own, a prefecture its own).
"""
import datetime
import decimal
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402

PASSWORD = "Qomolangma-8848!"
S = "/api/v1/sampling"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
YEAR = TODAY.year


def passing(item):
    """A value that passes item's rule."""
    rule = item["rule"]
    if rule == "equals":
        return item["expected"]
    if rule == "not_detected":
        return "ND"
    if rule == "max":
        return "0"
    return item["lo"]  # min and range


def failing(item):
    """A value that fails item's rule."""
    rule = item["rule"]
    if rule == "equals":
        return "不符合"
    if rule == "not_detected":
        return "0.5"
    if rule == "min":
        return str(decimal.Decimal(item["lo"]) - 1)
    return str(decimal.Decimal(item["hi"]) + 1)  # max and range


class SamplingSamplesTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        rw = ["sampling:read", "sampling:write"]
        lab = rw + ["sampling:approve"]
        cls.officer = srv.make_token("ss.officer", PASSWORD, "540000", ["sampling_officer"], rw)
        cls.shigatse = srv.make_token("ss.shigatse", PASSWORD, "540200", ["sampling_officer"], rw)
        cls.leader = srv.make_token("ss.leader", PASSWORD, "540000", ["leader"],
                                    ["sampling:read", "sampling:approve"])
        cls.a1 = srv.make_token("ss.a1", PASSWORD, "540000-LAB1", ["lab_analyst"], lab)
        cls.a2 = srv.make_token("ss.a2", PASSWORD, "540000-LAB1", ["lab_analyst"], lab)
        cls.a3 = srv.make_token("ss.a3", PASSWORD, "540000-LAB1", ["lab_analyst"], lab)
        cls.other_lab = srv.make_token("ss.b1", PASSWORD, "540000-LAB2", ["lab_analyst"], lab)
        labs = srv.get(S + "/labs").json["items"]
        cls.lab = [x for x in labs if x.get("org_unit") == "540000-LAB1"][0]
        cls.product = srv.get(S + "/products/RICE").json
        r = srv.post(S + "/plans", {"year": YEAR, "title": "样品测试计划", "region_code": 540000},
                     auth=cls.officer)
        assert r.status == 201, jzapi.describe(r)
        cls.plan = r.json
        r = srv.post(S + "/plans/%s/tasks" % cls.plan["id"],
                     {"product": "RICE", "region_code": 540100, "planned": 20}, auth=cls.officer)
        assert r.status == 201, jzapi.describe(r)
        cls.task = r.json
        r = srv.post(S + "/plans", {"year": YEAR, "title": "草稿计划", "region_code": 540000},
                     auth=cls.officer)
        cls.draft_task = srv.post(S + "/plans/%s/tasks" % r.json["id"],
                                  {"product": "RICE", "region_code": 540100, "planned": 1},
                                  auth=cls.officer).json
        r = srv.post(S + "/plans/%s/approve" % cls.plan["id"], {}, auth=cls.leader)
        assert r.status == 200, jzapi.describe(r)
        cls.producers = [e["credit_code"] for e in srv.list_all(
            {"region": "540100", "status": "active"}, limit=200)]
        cls.outside = srv.get("/api/v1/enterprises",
                              query={"region": "540200", "status": "active", "limit": "1"}
                              ).json["items"][0]["credit_code"]
        cls.used = 0

    def body(self, **kw):
        b = {"task_id": int(self.task["id"]), "producer": None, "brand": "雪域",
             "specification": "5 kg", "batch": "B2026-01", "production_date":
             str(TODAY - datetime.timedelta(days=20)), "quantity_sampled": 4,
             "quantity_reserve": 4, "quantity_unit": "袋", "seal_no": "F-0001",
             "samplers": "扎西, 卓玛", "place": "成品库", "sampled_on": str(TODAY)}
        b.update(kw)
        return b

    def new_sample(self, **kw):
        """A sample at a producer of Lhasa not sampled for rice within six months."""
        while True:
            code = self.producers[SamplingSamplesTest.used]
            SamplingSamplesTest.used += 1
            r = self.srv.post(S + "/samples", self.body(producer=code, **kw), auth=self.officer)
            if r.status == 409 and r.json["error"]["code"] == "sampled_recently":
                continue
            self.assertStatus(r, 201)
            return r.json

    def test_sampling_record_rules(self):
        s = self.new_sample()
        self.assertEqual(s["status"], "sampled")
        self.assertRegex(s["sample_no"], r"^CC%d-5401-\d{6}$" % YEAR)
        self.assertEqual(s["product"], "RICE")
        self.assertTrue(s["producer_name"])
        self.assertEqual(len(s["results"]), len(self.product["items"]))
        self.assertTrue(all(x["value"] is None for x in s["results"]))
        # the same product of the same producer is not sampled again within six months
        r = self.srv.post(S + "/samples", self.body(producer=s["producer"]), auth=self.officer)
        self.assertError(r, 409, "sampled_recently", "producer")
        future = str(TODAY + datetime.timedelta(days=1))
        code = self.producers[-1]
        for bad, field in [({"sampled_on": future}, "sampled_on"),
                           ({"production_date": future}, "production_date"),
                           ({"producer_response": "refused"}, "refusal_reason"),
                           ({"quantity_sampled": 0}, "quantity_sampled"),
                           ({"samplers": None}, "samplers"),
                           ({"producer": self.outside}, "producer"),
                           ({"producer": "91540000MA6T00000X"}, "producer"),
                           ({"task_id": 99999999}, "task_id"),
                           ({"status": "approved"}, "status")]:
            b = self.body(producer=code)
            b.update(bad)
            if b.get("samplers") is None:
                del b["samplers"]
            before = self.srv.get(S + "/samples", query={"producer": code}).json["items"]
            r = self.srv.post(S + "/samples", b, auth=self.officer)
            self.assertError(r, 400, field=field, msg=str(bad))
            self.assertEqual(self.srv.get(S + "/samples", query={"producer": code}
                                          ).json["items"], before)
        r = self.srv.post(S + "/samples", self.body(producer=code,
                                                     task_id=int(self.draft_task["id"])),
                          auth=self.officer)
        self.assertError(r, 409, "plan_not_approved", "task_id")
        # a refusal is a record too, with its reason
        r = self.new_sample(producer_response="refused", refusal_reason="负责人拒绝签字")
        self.assertEqual(r["status"], "refused")
        # the record may be corrected until the sample is at a lab
        r = self.srv.patch(S + "/samples/%s" % s["id"], {"brand": "圣洁"}, auth=self.officer,
                           headers={"If-Match": '"%s"' % s["version"]})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["brand"], r.json["version"]), ("圣洁", 2))
        r = self.srv.patch(S + "/samples/%s" % s["id"], {"producer": self.producers[-2]},
                           auth=self.officer)
        self.assertError(r, 400, field="producer")
        # enterprises do not record samples
        firm = self.srv.make_token("ss.firm", PASSWORD, "540000", ["enterprise"],
                                   ["sampling:read", "sampling:write"],
                                   credit_code=self.producers[-3])
        r = self.srv.post(S + "/samples", self.body(producer=self.producers[-3]), auth=firm)
        self.assertStatus(r, 403)

    def test_lab_flow_to_final_verdict(self):
        s = self.new_sample()
        sid = s["id"]
        # a lab without the scope is refused by name
        r = self.srv.post(S + "/labs", {"code": "CMA 2026-TEST", "name": "无资质实验室",
                                        "region_code": 540102, "accredited_until": "2030-12-31"})
        self.assertStatus(r, 201)
        r = self.srv.post(S + "/samples/%s/assign" % sid, {"lab_id": int(r.json["id"])},
                          auth=self.officer)
        self.assertError(r, 400, "not_accredited", "lab_id")
        r = self.srv.post(S + "/samples/%s/assign" % sid, {"lab_id": int(self.lab["id"])},
                          auth=self.officer)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "testing")
        r = self.srv.patch(S + "/samples/%s" % sid, {"brand": "x"}, auth=self.officer)
        self.assertError(r, 409, "locked")
        items = self.product["items"]
        bad_item = items[0]
        values = [{"item_code": it["item_code"], "value": passing(it)} for it in items]
        # only the lab's staff enter results
        r = self.srv.request("PUT", S + "/samples/%s/results" % sid,
                             json_body={"items": values}, auth=self.officer)
        self.assertStatus(r, 403)
        r = self.srv.request("PUT", S + "/samples/%s/results" % sid,
                             json_body={"items": values}, auth=self.other_lab)
        self.assertStatus(r, 404)
        # all or nothing: one bad item writes none
        for bad, field in [([{"item_code": "NO_SUCH", "value": "1"}], "items[1].item_code"),
                           ([{"item_code": bad_item["item_code"], "value": ""}],
                            "items[1].value")]:
            r = self.srv.request("PUT", S + "/samples/%s/results" % sid,
                                 json_body={"items": values[:1] + bad}, auth=self.a1)
            self.assertError(r, 400, field=field)
        r = self.srv.get(S + "/samples/%s" % sid, auth=self.a1)
        self.assertTrue(all(x["value"] is None for x in r.json["results"]))
        # submit needs every item
        r = self.srv.request("PUT", S + "/samples/%s/results" % sid,
                             json_body={"items": values[1:]}, auth=self.a1)
        self.assertStatus(r, 200)
        r = self.srv.post(S + "/samples/%s/submit" % sid, {}, auth=self.a1)
        self.assertError(r, 400, "incomplete")
        fail = {"item_code": bad_item["item_code"], "value": failing(bad_item)}
        r = self.srv.request("PUT", S + "/samples/%s/results" % sid,
                             json_body={"items": [fail]}, auth=self.a1)
        self.assertStatus(r, 200)
        judged = {x["item_code"]: x["judgement"] for x in r.json["results"]}
        self.assertEqual(judged[bad_item["item_code"]], "fail")
        self.assertEqual(sum(v == "fail" for v in judged.values()), 1)
        r = self.srv.post(S + "/samples/%s/submit" % sid, {}, auth=self.a1)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["status"], r.json["verdict"]), ("submitted", "fail"))
        # three different people
        r = self.srv.post(S + "/samples/%s/review" % sid, {"accept": True}, auth=self.a1)
        self.assertError(r, 403, "same_person")
        r = self.srv.post(S + "/samples/%s/review" % sid, {"accept": False}, auth=self.a2)
        self.assertError(r, 400, field="note")
        r = self.srv.post(S + "/samples/%s/review" % sid, {"accept": True}, auth=self.a2)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "reviewed")
        r = self.srv.post(S + "/samples/%s/approve" % sid, {}, auth=self.a2)
        self.assertError(r, 403, "same_person")
        stats = {"year": str(YEAR), "by": "total"}
        before = self.srv.get(S + "/stats", query=stats, auth=self.leader).json["items"]
        r = self.srv.post(S + "/samples/%s/approve" % sid, {}, auth=self.a3)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["status"], r.json["final_verdict"]), ("approved", "fail"))
        self.assertEqual(r.json["approver"], "ss.a3")
        after = self.srv.get(S + "/stats", query=stats, auth=self.leader).json["items"]
        n0 = before[0]["samples"] if before else 0
        f0 = before[0]["failed"] if before else 0
        self.assertEqual((after[0]["samples"], after[0]["failed"]), (n0 + 1, f0 + 1))
        # an approved report does not change
        r = self.srv.request("PUT", S + "/samples/%s/results" % sid,
                             json_body={"items": values}, auth=self.a1)
        self.assertError(r, 409)
        r = self.srv.post(S + "/samples/%s/approve" % sid, {}, auth=self.a3)
        self.assertError(r, 409, "approved")
        # the producer's notification opens the objection window
        r = self.srv.post(S + "/samples/%s/notify" % sid,
                          {"notified_on": str(TODAY + datetime.timedelta(days=1))},
                          auth=self.officer)
        self.assertError(r, 400, field="notified_on")
        r = self.srv.post(S + "/samples/%s/notify" % sid, {}, auth=self.officer)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["notified_on"], str(TODAY))
        r = self.srv.post(S + "/samples/%s/notify" % sid, {}, auth=self.officer)
        self.assertError(r, 409)
        # audit trail of the steps
        r = self.srv.get("/api/v1/audit", query={"entity_key": s["sample_no"]})
        actions = sorted(e["action"] for e in r.json["items"])
        for a in ["sampling.sample.create", "sampling.sample.assign", "sampling.sample.results",
                  "sampling.sample.submit", "sampling.sample.review", "sampling.sample.approve",
                  "sampling.sample.notify"]:
            self.assertIn(a, actions)

    def test_who_sees_what(self):
        s = self.new_sample()
        r = self.srv.get(S + "/samples/%s" % s["id"], auth=self.shigatse)
        self.assertStatus(r, 404)
        ids = [x["id"] for x in self.srv.get(S + "/samples", query={"limit": "1000"},
                                              auth=self.shigatse).json["items"]]
        self.assertNotIn(s["id"], ids)
        firm = self.srv.make_token("ss.own", PASSWORD, "540000", ["enterprise"],
                                   ["sampling:read"], credit_code=s["producer"])
        items = self.srv.get(S + "/samples", auth=firm).json["items"]
        self.assertIn(s["id"], [x["id"] for x in items])
        self.assertTrue(all(x["producer"] == s["producer"] for x in items))
        # the lab sees it once assigned, not before
        self.assertStatus(self.srv.get(S + "/samples/%s" % s["id"], auth=self.a1), 404)
        self.srv.post(S + "/samples/%s/assign" % s["id"], {"lab_id": int(self.lab["id"])},
                      auth=self.officer)
        self.assertStatus(self.srv.get(S + "/samples/%s" % s["id"], auth=self.a1), 200)
        mine = self.srv.get(S + "/samples", query={"status": "testing"}, auth=self.a1).json
        self.assertIn(s["id"], [x["id"] for x in mine["items"]])
        r = self.srv.get(S + "/samples", query={"status": "done"})
        self.assertError(r, 400, field="status")
        # paging is stable
        page = self.srv.get(S + "/samples", query={"limit": "2"}).json
        nxt = self.srv.get(S + "/samples", query={"limit": "2", "cursor": page["next_cursor"]}
                           ).json
        self.assertFalse(set(x["id"] for x in page["items"]) & set(x["id"] for x in nxt["items"]))


if __name__ == "__main__":
    jzapi.main()

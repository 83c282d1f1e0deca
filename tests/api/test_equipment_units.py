"""
Equipment units and inspections over HTTP: registering a unit, the first due date from its
rule, an inspection that moves the due date, bad input refused with the field named and
nothing written, due lists and plans, data scope, and the four rates following every write.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import describe  # noqa: E402

PASSWORD = "Qomolangma-8848!"
UNITS = "/api/v1/equipment/units"

# China Standard Time: the server judges "today" there.
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()


def days(n):
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def add_months(iso, months):
    d = datetime.date.fromisoformat(iso)
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    import calendar
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1])).isoformat()


class UnitsTest(jzapi.ServerTestCase):
    DEMO = True
    seq = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.srv.get("/api/v1/enterprises", query={"region": "540102", "limit": "2"})
        cls.lhasa_firms = [e["credit_code"] for e in r.json["items"]]
        r = cls.srv.get("/api/v1/enterprises", query={"region": "540202", "limit": "1"})
        cls.shigatse_firm = r.json["items"][0]["credit_code"]

    def device(self, prefix="1100"):
        UnitsTest.seq += 1
        return "%s%05d%04d%05d" % (prefix, 12345, 2020, 90000 + UnitsTest.seq)

    def boiler(self, **kw):
        body = {"device_code": self.device(), "category": "1100", "name": "蒸汽锅炉",
                "use_unit": self.lhasa_firms[0], "region_code": 540102,
                "manufactured_on": "2023-01-10", "commissioned_on": "2024-03-15",
                "capacity_tph": "4", "pressure_mpa": "1.25", "institution": "西藏特检院"}
        body.update(kw)
        return body

    def create(self, body, status=201):
        r = self.srv.post(UNITS, json_body=body)
        self.assertStatus(r, status)
        return r.json

    def rates(self, **q):
        r = self.srv.get("/api/v1/equipment/rates", query=q)
        self.assertStatus(r, 200)
        return r.json

    def test_register_inspect_and_due_moves(self):
        before = self.rates(region="540102")["total"]
        u = self.create(self.boiler())
        # Boilers: yearly; first inspection one year after commissioning.
        self.assertEqual(u["next_due"], "2025-03-15")
        self.assertTrue(u["overdue"])
        self.assertEqual(u["hazard_grade"], "high")
        self.assertIsNotNone(u["use_unit_name"])
        after = self.rates(region="540102")["total"]
        self.assertEqual(after["registration"]["den"], before["registration"]["den"] + 1)
        self.assertEqual(after["registration"]["num"], before["registration"]["num"])
        self.assertEqual(after["inspection"]["den"], before["inspection"]["den"] + 1)
        self.assertEqual(after["inspection"]["num"], before["inspection"]["num"])
        # It is on the overdue list of its county, sorted by due date.
        r = self.srv.get(UNITS, query={"region": "540102", "due": "overdue", "limit": "1000"})
        self.assertStatus(r, 200)
        self.assertIn(u["device_code"], [x["device_code"] for x in r.json["items"]])
        dues = [x["next_due"] for x in r.json["items"]]
        self.assertEqual(dues, sorted(dues))

        insp = {"kind": "periodic", "institution": "西藏特检院", "inspector": "次仁",
                "inspected_on": days(-3), "conclusion": "conditional", "report_no": "R-1",
                "defects": [{"description": "安全阀校验过期", "deadline": days(20)}]}
        r = self.srv.post(UNITS + "/" + u["device_code"] + "/inspections", json_body=insp)
        self.assertStatus(r, 201)
        self.assertEqual(r.json["inspection"]["next_due"], add_months(days(-3), 12))
        self.assertEqual(r.json["unit"]["next_due"], add_months(days(-3), 12))
        self.assertFalse(r.json["unit"]["overdue"])
        self.assertEqual(r.json["unit"]["last_conclusion"], "conditional")
        self.assertEqual(len(r.json["inspection"]["defects"]), 1)
        got = self.srv.get(UNITS + "/" + u["device_code"]).json
        self.assertEqual(got["next_due"], add_months(days(-3), 12))
        self.assertEqual(got["inspections_done"], 1)
        now = self.rates(region="540102")["total"]
        self.assertEqual(now["inspection"]["num"], after["inspection"]["num"] + 1)
        r = self.srv.get(UNITS, query={"region": "540102", "due": "overdue", "limit": "1000"})
        self.assertNotIn(u["device_code"], [x["device_code"] for x in r.json["items"]])
        # Due within a year and a few days: on the due-soon list and in its month's plan.
        r = self.srv.get(UNITS, query={"region": "540102", "due": "soon", "within": "370",
                                       "limit": "1000"})
        self.assertIn(u["device_code"], [x["device_code"] for x in r.json["items"]])
        month = add_months(days(-3), 12)[:7]
        r = self.srv.get("/api/v1/equipment/plan",
                         query={"institution": "西藏特检院", "month": month})
        self.assertStatus(r, 200)
        self.assertIn(u["device_code"], [x["device_code"] for x in r.json["items"]])
        # History, then the defect rectified.
        h = self.srv.get(UNITS + "/" + u["device_code"] + "/inspections").json["items"]
        self.assertEqual(len(h), 1)
        d = h[0]["defects"][0]
        r = self.srv.patch("/api/v1/equipment/defects/" + d["id"],
                           json_body={"rectified_on": days(0)})
        self.assertStatus(r, 200)
        r = self.srv.patch("/api/v1/equipment/defects/" + d["id"],
                           json_body={"rectified_on": days(0)})
        self.assertError(r, 400, "already_rectified", "rectified_on")

    def test_failed_inspection_is_due_at_once(self):
        u = self.create(self.boiler())
        r = self.srv.post(UNITS + "/" + u["device_code"] + "/inspections", json_body={
            "kind": "periodic", "institution": "西藏特检院", "inspector": "扎西",
            "inspected_on": days(-1), "conclusion": "fail"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["unit"]["next_due"], days(-1))
        self.assertTrue(r.json["unit"]["overdue"])

    def test_registration_moves_the_registration_rate(self):
        u = self.create(self.boiler())
        before = self.rates(region="540102")["total"]["registration"]
        code = "1100540100%s0001" % TODAY.strftime("%Y%m")
        r = self.srv.patch(UNITS + "/" + u["device_code"],
                           json_body={"reg_code": code, "registered_on": days(0)},
                           headers={"If-Match": '"%d"' % u["version"]})
        self.assertStatus(r, 200)
        after = self.rates(region="540102")["total"]["registration"]
        self.assertEqual(after["num"], before["num"] + 1)
        self.assertEqual(after["den"], before["den"])
        # The same code on another unit: conflict.
        r = self.srv.post(UNITS, json_body=self.boiler(reg_code=code))
        self.assertError(r, 409, "duplicate", "reg_code")
        # A stale version: 412.
        r = self.srv.patch(UNITS + "/" + u["device_code"], json_body={"location": "x"},
                           headers={"If-Match": '"%d"' % u["version"]})
        self.assertStatus(r, 412)
        # Stopping it takes it out of the rates.
        v = self.srv.get(UNITS + "/" + u["device_code"]).json["version"]
        r = self.srv.patch(UNITS + "/" + u["device_code"], json_body={"status": "stopped"},
                           headers={"If-Match": '"%d"' % v})
        self.assertStatus(r, 200)
        self.assertEqual(self.rates(region="540102")["total"]["registration"]["den"],
                         after["den"] - 1)

    def test_bad_input_names_the_field_and_writes_nothing(self):
        n0 = self.srv.get(UNITS, query={"region": "540102", "count": "true",
                                        "limit": "1"}).json["total"]
        audit0 = self.srv.get("/api/v1/audit", query={"limit": "1"}).json["items"][0]["id"]
        cases = [
            (self.boiler(reg_code="12345"), "reg_code"),
            (self.boiler(reg_code="9900540100202001000X"), "reg_code"),
            (self.boiler(reg_code="11005401002020130001"), "reg_code"),
            (self.boiler(reg_code="31005401002020010001"), "reg_code"),
            (self.boiler(use_unit=jzapi.make_code(999, "540102")), "use_unit"),
            (self.boiler(category="9999"), "category"),
            (self.boiler(category="2310"), "category"),
            (self.boiler(speed_mps="1.75"), "speed_mps"),
            (self.boiler(pressure_mpa="1,25"), "pressure_mpa"),
            (self.boiler(commissioned_on=days(5)), "commissioned_on"),
            (self.boiler(commissioned_on="2022-01-01"), "commissioned_on"),
            (self.boiler(commissioned_on=None), "commissioned_on"),
            (self.boiler(region_code=999999), "region_code"),
            (self.boiler(device_code="ABC"), "device_code"),
            (self.boiler(next_due="2030-01-01"), "next_due"),
            (self.boiler(status="broken"), "status"),
        ]
        for body, field in cases:
            r = self.srv.post(UNITS, json_body=body)
            self.assertStatus(r, 400, "%s: %s" % (field, body))
            self.assertEqual(r.json["error"]["field"], field, describe(r))
        u = self.create(self.boiler())
        self.create(self.boiler(device_code=u["device_code"]), status=409)
        path = UNITS + "/" + u["device_code"] + "/inspections"
        good = {"kind": "periodic", "institution": "i", "inspector": "p",
                "inspected_on": days(-1), "conclusion": "pass"}
        bad = [
            (dict(good, inspected_on=days(1)), "inspected_on"),
            (dict(good, inspected_on="2024-03-01"), "inspected_on"),
            (dict(good, inspected_on="2022-12-31", kind="acceptance"), "inspected_on"),
            (dict(good, inspected_on="2026-02-30"), "inspected_on"),
            (dict(good, conclusion="excellent"), "conclusion"),
            (dict(good, kind="annual"), "kind"),
            (dict(good, inspector=""), "inspector"),
            (dict(good, safety_grade=7), "safety_grade"),
            (dict(good, defects=[{"description": "d", "deadline": days(-30)}]),
             "defects[0].deadline"),
            (dict(good, surprise=1), "surprise"),
        ]
        for body, field in bad:
            r = self.srv.post(path, json_body=body)
            self.assertStatus(r, 400, field)
            self.assertEqual(r.json["error"]["field"], field, describe(r))
        # Elevators have no "pass with conditions".
        lift = self.create({"device_code": self.device("3110"), "category": "3110",
                            "name": "乘客电梯", "use_unit": self.lhasa_firms[0],
                            "region_code": 540102, "commissioned_on": "2020-06-30",
                            "speed_mps": "1.75", "floors": 18, "rated_load_kg": 1000})
        self.assertEqual(lift["next_due"], "2021-06-30")
        r = self.srv.post(UNITS + "/" + lift["device_code"] + "/inspections",
                          json_body=dict(good, conclusion="conditional"))
        self.assertError(r, 400, "not_allowed", "conclusion")
        # Nothing of the refused requests was written: two units more, no inspection.
        n1 = self.srv.get(UNITS, query={"region": "540102", "count": "true",
                                        "limit": "1"}).json["total"]
        self.assertEqual(n1, n0 + 2)
        self.assertEqual(self.srv.get(path).json["items"], [])
        self.assertEqual(self.srv.get(UNITS + "/" + u["device_code"]).json["version"], 1)
        entries = self.srv.get("/api/v1/audit", query={"limit": "50"}).json["items"]
        new = [e for e in entries if int(e["id"]) > int(audit0)]
        self.assertEqual(sorted(e["action"] for e in new),
                         ["equipment.unit.create", "equipment.unit.create"])

    def test_vessel_grade_rule(self):
        body = {"device_code": self.device("2100"), "category": "2100", "name": "储气罐",
                "use_unit": self.lhasa_firms[0], "region_code": 540102,
                "commissioned_on": "2023-05-01", "pressure_mpa": "0.8", "volume_m3": "2",
                "vessel_class": "II"}
        u = self.create(body)
        self.assertEqual(u["next_due"], "2026-05-01")  # first within three years
        path = UNITS + "/" + u["device_code"] + "/inspections"
        good = {"kind": "periodic", "institution": "i", "inspector": "p",
                "inspected_on": days(-1), "conclusion": "pass"}
        r = self.srv.post(path, json_body=good)
        self.assertError(r, 400, None, "safety_grade")
        r = self.srv.post(path, json_body=dict(good, safety_grade=2))
        self.assertStatus(r, 201)
        self.assertEqual(r.json["unit"]["next_due"], add_months(days(-1), 72))
        self.assertEqual(r.json["unit"]["safety_grade"], 2)

    def test_scope(self):
        u = self.create(self.boiler())
        far = self.create(self.boiler(use_unit=self.shigatse_firm, region_code=540202))
        tok = self.srv.make_token("eq_lhasa", PASSWORD, "540100", ["equipment_officer"],
                                  ["equipment:read", "equipment:write"])
        h = {"Authorization": "Bearer " + tok}
        self.assertStatus(self.srv.get(UNITS + "/" + u["device_code"], headers=h), 200)
        r = self.srv.get(UNITS + "/" + far["device_code"], headers=h)
        self.assertError(r, 404, "not_found")
        items = self.srv.get(UNITS, query={"limit": "1000"}, headers=h).json["items"]
        self.assertTrue(all(540100 <= x["region_code"] <= 540199 for x in items))
        r = self.srv.post(UNITS, json_body=self.boiler(region_code=540202,
                                                       use_unit=self.shigatse_firm), headers=h)
        self.assertError(r, 400, "out_of_scope", "region_code")
        r = self.srv.post(UNITS + "/" + far["device_code"] + "/inspections", headers=h,
                          json_body={"kind": "periodic", "institution": "i", "inspector": "p",
                                     "inspected_on": days(-1), "conclusion": "pass"})
        self.assertError(r, 404)
        # Rates of a scope: only its own prefecture.
        r = self.srv.get("/api/v1/equipment/rates", query={"by": "prefecture"}, headers=h)
        self.assertEqual([x["region_code"] for x in r.json["items"]], ["540100"])
        # An enterprise account sees its own units only.
        firm = self.srv.make_token("eq_firm", PASSWORD, "540000", ["enterprise"],
                                   ["equipment:read"], credit_code=self.lhasa_firms[1])
        hf = {"Authorization": "Bearer " + firm}
        self.assertError(self.srv.get(UNITS + "/" + u["device_code"], headers=hf), 404)
        self.assertEqual(self.srv.get(UNITS, headers=hf).json["items"], [])

    def test_rates_drill_down(self):
        self.create(self.boiler())
        r = self.srv.get("/api/v1/equipment/rates", query={"by": "prefecture"})
        self.assertStatus(r, 200)
        total = r.json["total"]
        for k in ("registration", "inspection", "operators", "accidents"):
            self.assertEqual(sum(x[k]["den"] for x in r.json["items"]), total[k]["den"], k)
            self.assertEqual(sum(x[k]["num"] for x in r.json["items"]), total[k]["num"], k)
        r = self.srv.get("/api/v1/equipment/rates", query={"region": "540100", "by": "county"})
        self.assertTrue(all(x["region_code"].startswith("5401") for x in r.json["items"]))
        r = self.srv.get("/api/v1/equipment/rates", query={"region": "540102", "by": "use_unit"})
        self.assertIn(self.lhasa_firms[0], [x["use_unit"] for x in r.json["items"]])
        for q, field in [({"by": "street"}, "by"), ({"on": "2026-13-01"}, "on"),
                         ({"category": "3110"}, "category"),
                         ({"from": "2026-05-01", "to": "2026-04-01"}, "from")]:
            self.assertError(self.srv.get("/api/v1/equipment/rates", query=q), 400, None, field)

    def test_categories_carry_rules(self):
        r = self.srv.get("/api/v1/equipment/categories")
        self.assertStatus(r, 200)
        by = {c["code"]: c for c in r.json["items"]}
        self.assertEqual(by["3110"]["rule"]["conclusions"], ["pass", "fail"])
        self.assertTrue(by["2300"]["by_batch"])
        self.assertEqual(by["1000"]["parent"], None)

    def test_rule_change_applies_from_the_next_inspection(self):
        cats = self.srv.get("/api/v1/equipment/categories").json["items"]
        rule = next(c["rule"] for c in cats if c["code"] == "1100")
        self.assertEqual(rule["category"], "1")
        u = self.create(self.boiler())
        path = "/api/v1/equipment/rules/" + rule["id"]
        for body, field in [({"interval_months": 0}, "interval_months"),
                            ({"grade_months": "1:12"}, "grade_months"),
                            ({"kind": "sometimes"}, "kind"),
                            ({"category": "2"}, "category")]:
            self.assertError(self.srv.patch(path, json_body=body), 400, None, field)
        officer = self.srv.make_token("eq_rules", PASSWORD, "540000", ["equipment_officer"],
                                      ["equipment:read", "equipment:write"])
        r = self.srv.patch(path, json_body={"interval_months": 6},
                           headers={"Authorization": "Bearer " + officer})
        self.assertError(r, 403)
        try:
            r = self.srv.patch(path, json_body={"interval_months": 6, "note": "changed"})
            self.assertStatus(r, 200)
            # The unit already registered keeps its date; its next inspection uses the rule.
            self.assertEqual(self.srv.get(UNITS + "/" + u["device_code"]).json["next_due"],
                             "2025-03-15")
            r = self.srv.post(UNITS + "/" + u["device_code"] + "/inspections", json_body={
                "kind": "periodic", "institution": "i", "inspector": "p",
                "inspected_on": days(-2), "conclusion": "pass"})
            self.assertEqual(r.json["unit"]["next_due"], add_months(days(-2), 6))
            e = self.srv.get("/api/v1/audit", query={"limit": "5"}).json["items"]
            self.assertIn("equipment.rule.update", [x["action"] for x in e])
        finally:
            self.assertStatus(self.srv.patch(path, json_body={"interval_months": 12}), 200)

    def test_list_paging_and_csv(self):
        for _ in range(3):
            self.create(self.boiler())
        seen, cursor = [], None
        while True:
            q = {"region": "540102", "limit": "2"}
            if cursor:
                q["cursor"] = cursor
            j = self.srv.get(UNITS, query=q).json
            seen += [x["device_code"] for x in j["items"]]
            cursor = j["next_cursor"]
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)))
        total = self.srv.get(UNITS, query={"region": "540102", "count": "true"}).json["total"]
        self.assertEqual(len(seen), total)
        r = self.srv.get(UNITS, query={"region": "540102", "format": "csv"})
        self.assertStatus(r, 200)
        lines = r.body.decode("utf-8-sig").strip().splitlines()
        self.assertEqual(len(lines), total + 1)
        self.assertTrue(lines[0].startswith("device_code,"))
        self.assertError(self.srv.get(UNITS, query={"cursor": "zz"}), 400, None, "cursor")


if __name__ == "__main__":
    jzapi.main()

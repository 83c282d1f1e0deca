"""
Operators, accidents, campaigns and gas-cylinder batches over HTTP: operators and their
certificates (expiring and uncertified lists, the identity-card tail, a certificate without
its validity), accidents closed only with the four "don't let go" and never edited after,
campaign progress following an inspection, cylinder due dates by the rule of their gas, the
tallies behind the rates following every write, and data scope (404 outside it).
"""
import calendar
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import describe  # noqa: E402

PASSWORD = "Qomolangma-8848!"
EQ = "/api/v1/equipment"
OPERATORS = EQ + "/operators"
ACCIDENTS = EQ + "/accidents"
CAMPAIGNS = EQ + "/campaigns"
CYLINDERS = EQ + "/cylinders"

# China Standard Time: the server judges "today" there.
TODAY = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def days(n):
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def add_months(iso, months):
    d = datetime.date.fromisoformat(iso)
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1])).isoformat()


FOUR = ["cause", "responsible_handled", "measures_done", "people_educated"]


class PeopleTest(jzapi.ServerTestCase):
    DEMO = True
    seq = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        r = srv.get("/api/v1/enterprises", query={"region": "540102", "limit": "3"})
        cls.lhasa_firms = [e["credit_code"] for e in r.json["items"]]
        r = srv.get("/api/v1/enterprises", query={"region": "540202", "limit": "1"})
        cls.shigatse_firm = r.json["items"][0]["credit_code"]
        scopes = ["equipment:read", "equipment:write"]
        # A county officer of Lhünzhub (540121): Chengguan (540102) lies outside.
        cls.county = srv.make_token("lhunzhub.eq", PASSWORD, "540121", ["equipment_officer"],
                                    scopes)
        # A prefecture officer of Lhasa (540100): Chengguan lies inside.
        cls.lhasa = srv.make_token("lhasa.eq", PASSWORD, "540100", ["equipment_officer"], scopes)

    # -- helpers ---------------------------------------------------------------------------

    @classmethod
    def next_seq(cls):
        PeopleTest.seq += 1
        return PeopleTest.seq

    def operator(self, **kw):
        n = self.next_seq()
        body = {"name": "司炉工%d" % n, "id_tail": "123X", "employer": self.lhasa_firms[0],
                "category": "1000", "item": "G1", "cert_no": "TZ-G1-%06d" % n,
                "issued_on": days(-700), "valid_until": days(400)}
        body.update(kw)
        return {k: v for k, v in body.items() if v is not None}

    def create(self, path, body, status=201, **kw):
        r = self.srv.post(path, json_body=body, **kw)
        self.assertStatus(r, status)
        return r.json

    def rates(self, **q):
        r = self.srv.get(EQ + "/rates", query=q)
        self.assertStatus(r, 200)
        return r.json["total"]

    def list_all(self, path, query, auth=True):
        items, cursor = [], None
        for _ in range(1000):
            q = dict(query)
            if cursor:
                q["cursor"] = cursor
            r = self.srv.get(path, query=q, auth=auth)
            self.assertStatus(r, 200)
            items.extend(r.json["items"])
            cursor = r.json["next_cursor"]
            if cursor is None:
                return items
        self.fail("pagination does not end")

    def device(self, prefix="1100"):
        return "%s%05d%04d%05d" % (prefix, 23456, 2020, 50000 + self.next_seq())

    def boiler(self, **kw):
        body = {"device_code": self.device(), "category": "1100", "name": "蒸汽锅炉",
                "use_unit": self.lhasa_firms[0], "region_code": 540102,
                "manufactured_on": "2023-01-10", "commissioned_on": "2024-03-15",
                "capacity_tph": "4", "pressure_mpa": "1.25", "institution": "西藏特检院"}
        body.update(kw)
        return self.create(EQ + "/units", body)

    # -- operators -------------------------------------------------------------------------

    def test_create_operator_and_read_it(self):
        before = self.rates(region="540102", category="1000")["operators"]
        body = self.operator(id_tail="123x")
        op = self.create(OPERATORS, body)
        self.assertIsInstance(op["id"], str)
        self.assertTrue(op["id"].isdigit())
        self.assertEqual(op["region_code"], 540102)
        self.assertEqual(op["id_tail"], "123X")
        self.assertTrue(op["on_duty"])
        self.assertFalse(op["expired"])
        self.assertEqual(op["version"], 1)
        self.assertIsNotNone(op["employer_name"])
        r = self.srv.get(OPERATORS + "/" + op["id"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json, op)
        self.assertEqual(r.headers.get("ETag"), '"1"')
        # Counted at once: one more on duty, one more holding a valid certificate.
        after = self.rates(region="540102", category="1000")["operators"]
        self.assertEqual(after["den"], before["den"] + 1)
        self.assertEqual(after["num"], before["num"] + 1)
        # Off duty: out of both counts; a stale If-Match changes nothing.
        path = OPERATORS + "/" + op["id"]
        r = self.srv.patch(path, json_body={"on_duty": False}, headers={"If-Match": '"7"'})
        self.assertStatus(r, 412)
        r = self.srv.patch(path, json_body={"on_duty": False}, headers={"If-Match": '"1"'})
        self.assertStatus(r, 200)
        self.assertFalse(r.json["on_duty"])
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(self.rates(region="540102", category="1000")["operators"], before)
        # The region is the employer's, not the caller's to set.
        r = self.srv.patch(path, json_body={"region_code": 540202})
        self.assertError(r, 400, "read_only", "region_code")

    def test_expiring_list(self):
        soon = self.create(OPERATORS, self.operator(valid_until=days(10)))
        expired = self.create(OPERATORS, self.operator(valid_until=days(-5), issued_on=days(-900)))
        later = self.create(OPERATORS, self.operator(valid_until=days(400)))
        off = self.create(OPERATORS, self.operator(valid_until=days(5), on_duty=False))
        self.assertTrue(expired["expired"])
        items = self.list_all(OPERATORS, {"region": "540102", "expiring_within": "30",
                                          "limit": "2"})
        ids = [x["id"] for x in items]
        self.assertIn(soon["id"], ids)
        self.assertIn(expired["id"], ids)
        self.assertNotIn(later["id"], ids)
        self.assertNotIn(off["id"], ids)
        self.assertLess(ids.index(expired["id"]), ids.index(soon["id"]))
        until = [x["valid_until"] for x in items]
        self.assertEqual(until, sorted(until))
        self.assertTrue(all(x["on_duty"] and x["valid_until"] <= days(30) for x in items))
        # The rates count a certificate valid on the day asked for.
        r = self.rates(region="540102", category="1000", on=days(20))["operators"]
        r0 = self.rates(region="540102", category="1000", on=days(0))["operators"]
        self.assertEqual(r0["num"] - r["num"], sum(
            1 for x in self.list_all(OPERATORS, {"region": "540102", "category": "1000",
                                                 "on_duty": "true", "limit": "1000"})
            if x["cert_no"] and days(0) <= x["valid_until"] < days(20)))
        r = self.srv.get(OPERATORS, query={"expiring_within": "-1"})
        self.assertError(r, 400, "out_of_range", "expiring_within")

    def test_uncertified_list(self):
        bare = self.create(OPERATORS, self.operator(cert_no=None, valid_until=None,
                                                   issued_on=None))
        self.assertIsNone(bare["cert_no"])
        certified = self.create(OPERATORS, self.operator())
        items = self.list_all(OPERATORS, {"uncertified": "true", "limit": "1000",
                                          "employer": self.lhasa_firms[0]})
        ids = [x["id"] for x in items]
        self.assertIn(bare["id"], ids)
        self.assertNotIn(certified["id"], ids)
        self.assertTrue(all(x["cert_no"] is None for x in items))

    def count_operators(self):
        return len(self.list_all(OPERATORS, {"employer": self.lhasa_firms[0], "limit": "1000"}))

    def test_bad_id_tail(self):
        n = self.count_operators()
        for tail in ["12345", "12a4", "540102199001011234", "12 4", "123"]:
            with self.subTest(tail=tail):
                r = self.srv.post(OPERATORS, json_body=self.operator(id_tail=tail))
                self.assertError(r, 400, None, "id_tail")
                self.assertNotIn("199001011234", r.body.decode())
        self.assertEqual(self.count_operators(), n)

    def test_certificate_fields_together(self):
        n = self.count_operators()
        r = self.srv.post(OPERATORS, json_body=self.operator(valid_until=None))
        self.assertError(r, 400, "required", "valid_until")
        r = self.srv.post(OPERATORS, json_body=self.operator(cert_no=None, issued_on=None))
        self.assertError(r, 400, "required", "cert_no")
        r = self.srv.post(OPERATORS, json_body=self.operator(issued_on=days(10),
                                                              valid_until=days(5)))
        self.assertStatus(r, 400)
        self.assertIn(r.json["error"]["field"], ("issued_on", "valid_until"))
        r = self.srv.post(OPERATORS, json_body=self.operator(issued_on=days(-10),
                                                              valid_until=days(-20)))
        self.assertError(r, 400, "before_issue", "valid_until")
        r = self.srv.post(OPERATORS, json_body=self.operator(employer=jzapi.make_code(987654)))
        self.assertError(r, 400, "unknown_employer", "employer")
        r = self.srv.post(OPERATORS, json_body=self.operator(category="3100"))
        self.assertError(r, 400, "invalid", "category")
        self.assertEqual(self.count_operators(), n)
        # A taken certificate number is a conflict.
        op = self.create(OPERATORS, self.operator())
        r = self.srv.post(OPERATORS, json_body=self.operator(cert_no=op["cert_no"]))
        self.assertError(r, 409, "duplicate", "cert_no")
        # Clearing the validity of a certificate alone is refused, and changes nothing.
        r = self.srv.patch(OPERATORS + "/" + op["id"], json_body={"valid_until": None})
        self.assertError(r, 400, "required", "valid_until")
        self.assertEqual(self.srv.get(OPERATORS + "/" + op["id"]).json["version"], 1)

    # -- accidents -------------------------------------------------------------------------

    def accident(self, **kw):
        body = {"use_unit": self.lhasa_firms[1], "category": "3110",
                "occurred_on": days(-10), "reported_on": days(-9), "level": "general",
                "injuries": 1, "summary": "电梯困人，一人轻伤"}
        body.update(kw)
        return {k: v for k, v in body.items() if v is not None}

    def test_report_investigate_close(self):
        period = {"region": "540102", "from": days(-30), "to": days(0)}
        before = self.rates(**period)["accidents"]
        acc = self.create(ACCIDENTS, self.accident())
        self.assertEqual(acc["status"], "reported")
        self.assertEqual(acc["region_code"], 540102)
        self.assertIsNone(acc["device_code"])
        self.assertFalse(acc["complete"])
        path = ACCIDENTS + "/" + acc["id"]
        now = self.rates(**period)["accidents"]
        self.assertEqual(now["den"], before["den"] + 1)
        self.assertEqual(now["num"], before["num"])
        # Findings move it to investigating.
        r = self.srv.patch(path, json_body={"cause": "制动器磨损", "responsible_handled": "维保单位处罚"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "investigating")
        # Closing with an element missing: refused naming it, and nothing changes.
        r = self.srv.patch(path, json_body={"status": "closed"})
        self.assertError(r, 400, "incomplete", "measures_done")
        r = self.srv.patch(path, json_body={"status": "closed", "measures_done": "更换制动器"})
        self.assertError(r, 400, "incomplete", "people_educated")
        got = self.srv.get(path).json
        self.assertEqual(got["status"], "investigating")
        self.assertIsNone(got["measures_done"])
        self.assertIsNone(got["closed_on"])
        self.assertEqual(got["version"], 2)
        self.assertEqual(self.rates(**period)["accidents"]["num"], before["num"])
        # Complete: closed today.
        r = self.srv.patch(path, json_body={"status": "closed", "measures_done": "更换制动器",
                                            "people_educated": "全员培训"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "closed")
        self.assertEqual(r.json["closed_on"], days(0))
        self.assertTrue(r.json["complete"])
        closed = self.rates(**period)["accidents"]
        self.assertEqual(closed["num"], before["num"] + 1)
        self.assertEqual(closed["den"], before["den"] + 1)
        # Closed for good.
        for change in [{"summary": "改写"}, {"status": "investigating"}, {"cause": None}]:
            with self.subTest(change=change):
                r = self.srv.patch(path, json_body=change)
                self.assertError(r, 409, "closed")
        self.assertEqual(self.srv.get(path).json["version"], 3)
        items = self.list_all(ACCIDENTS, {"region": "540102", "status": "closed",
                                          "from": days(-30), "limit": "1000"})
        self.assertIn(acc["id"], [x["id"] for x in items])

    def test_close_in_one_go_and_bad_dates(self):
        body = self.accident(status="closed", **{k: "已落实" for k in FOUR})
        acc = self.create(ACCIDENTS, body)
        self.assertEqual(acc["status"], "closed")
        n = len(self.list_all(ACCIDENTS, {"region": "540102", "limit": "1000"}))
        r = self.srv.post(ACCIDENTS, json_body=self.accident(occurred_on=days(1),
                                                              reported_on=None))
        self.assertError(r, 400, "in_future", "occurred_on")
        r = self.srv.post(ACCIDENTS, json_body=self.accident(occurred_on=days(-3),
                                                              reported_on=days(-4)))
        self.assertError(r, 400, "after_report", "occurred_on")
        r = self.srv.post(ACCIDENTS, json_body=self.accident(status="closed", cause="x"))
        self.assertError(r, 400, "incomplete", "responsible_handled")
        r = self.srv.post(ACCIDENTS, json_body=self.accident(use_unit=None))
        self.assertError(r, 400, "required", "use_unit")
        r = self.srv.post(ACCIDENTS, json_body=self.accident(level="minor"))
        self.assertError(r, 400, "not_allowed", "level")
        self.assertEqual(len(self.list_all(ACCIDENTS, {"region": "540102", "limit": "1000"})), n)

    def test_accident_by_device_code(self):
        unit = self.boiler(use_unit=self.lhasa_firms[2])
        acc = self.create(ACCIDENTS, {"device_code": unit["device_code"],
                                      "occurred_on": days(-2), "level": "general",
                                      "summary": "安全阀起跳"})
        self.assertEqual(acc["device_code"], unit["device_code"])
        self.assertEqual(acc["use_unit"], self.lhasa_firms[2])
        self.assertEqual(acc["category"], "1100")
        self.assertEqual(acc["reported_on"], days(0))
        r = self.srv.post(ACCIDENTS, json_body={"device_code": unit["device_code"],
                                                "use_unit": self.lhasa_firms[0],
                                                "occurred_on": days(-2), "level": "general",
                                                "summary": "x"})
        self.assertError(r, 400, "mismatch", "use_unit")
        r = self.srv.post(ACCIDENTS, json_body={"device_code": "110099999202099999",
                                                "occurred_on": days(-2), "level": "general",
                                                "summary": "x"})
        self.assertError(r, 400, "unknown_unit", "device_code")

    def test_zz_tallies_equal_the_raw_rows(self):
        # Runs last (unittest sorts by name), after every write above: the rates read from
        # the tallies equal the same counted from the rows, use unit by use unit.
        for on in (days(0), days(20), days(-400)):
            q = {"region": "540100", "on": on, "from": days(-3650), "to": days(0)}
            total = self.rates(**q)
            r = self.srv.get(EQ + "/rates", query=dict(q, by="use_unit"))
            self.assertStatus(r, 200)
            for rate in ("operators", "accidents"):
                with self.subTest(on=on, rate=rate):
                    summed = {k: sum(x[rate][k] for x in r.json["items"]) for k in ("num", "den")}
                    self.assertEqual(summed, {k: total[rate][k] for k in ("num", "den")})
                    self.assertGreater(summed["den"], 0)

    # -- data scope ------------------------------------------------------------------------

    def test_out_of_scope_is_404(self):
        op = self.create(OPERATORS, self.operator())
        acc = self.create(ACCIDENTS, self.accident())
        camp = self.create(CAMPAIGNS, {"name": "城关区锅炉专项", "region_code": 540102,
                                       "category": "1", "starts_on": days(-1),
                                       "ends_on": days(30)})
        batch = self.create(CYLINDERS, {"station": self.lhasa_firms[0], "category": "2310",
                                        "variant": "general", "batch_no": "S-%d" % self.next_seq(),
                                        "quantity": 10, "manufactured_on": "2023-01-01"})
        cases = [(OPERATORS, op), (ACCIDENTS, acc), (CAMPAIGNS, camp), (CYLINDERS, batch)]
        for base, rec in cases:
            with self.subTest(base=base):
                path = base + "/" + rec["id"]
                r = self.srv.get(path, auth=self.county)
                self.assertError(r, 404, "not_found")
                missing = self.srv.get(base + "/999999999999999", auth=self.county)
                self.assertEqual(r.json["error"]["code"], missing.json["error"]["code"])
                ids = [x["id"] for x in self.list_all(base, {"limit": "1000"},
                                                      auth=self.county)]
                self.assertNotIn(rec["id"], ids)
                # The prefecture sees it.
                self.assertStatus(self.srv.get(path, auth=self.lhasa), 200)
        for base, rec in cases[:2]:
            r = self.srv.patch(base + "/" + rec["id"], json_body={"name": "x"}
                               if base == OPERATORS else {"summary": "x"}, auth=self.county)
            self.assertError(r, 404, "not_found")
        r = self.srv.post(CYLINDERS + "/" + batch["id"] + "/inspections",
                          json_body={"inspected_on": days(0), "conclusion": "pass"},
                          auth=self.county)
        self.assertError(r, 404, "not_found")
        # Nor may the county write there.
        r = self.srv.post(OPERATORS, json_body=self.operator(), auth=self.county)
        self.assertError(r, 400, "out_of_scope", "employer")
        r = self.srv.post(ACCIDENTS, json_body=self.accident(), auth=self.county)
        self.assertError(r, 400, "out_of_scope", "use_unit")
        r = self.srv.post(CAMPAIGNS, json_body={"name": "x", "region_code": 540102,
                                                "category": "3", "starts_on": days(0),
                                                "ends_on": days(1)}, auth=self.county)
        self.assertError(r, 400, "out_of_scope", "region_code")

    def test_enterprise_sees_only_its_own(self):
        firm, other = self.lhasa_firms[0], self.lhasa_firms[1]
        token = self.srv.make_token("ent.eq", PASSWORD, "540102", ["enterprise"],
                                    ["equipment:read"], credit_code=firm)
        mine = self.create(OPERATORS, self.operator(employer=firm))
        theirs = self.create(OPERATORS, self.operator(employer=other))
        acc = self.create(ACCIDENTS, self.accident(use_unit=other))
        items = self.list_all(OPERATORS, {"limit": "1000"}, auth=token)
        self.assertIn(mine["id"], [x["id"] for x in items])
        self.assertTrue(all(x["employer"] == firm for x in items))
        self.assertStatus(self.srv.get(OPERATORS + "/" + mine["id"], auth=token), 200)
        self.assertError(self.srv.get(OPERATORS + "/" + theirs["id"], auth=token), 404,
                         "not_found")
        self.assertError(self.srv.get(ACCIDENTS + "/" + acc["id"], auth=token), 404,
                         "not_found")
        self.assertTrue(all(x["use_unit"] == firm
                            for x in self.list_all(ACCIDENTS, {"limit": "1000"}, auth=token)))
        self.assertEqual(self.list_all(CAMPAIGNS, {"limit": "1000"}, auth=token), [])
        self.assertTrue(all(x["station"] == firm
                            for x in self.list_all(CYLINDERS, {"limit": "1000"}, auth=token)))
        r = self.srv.post(OPERATORS, json_body=self.operator(employer=firm), auth=token)
        self.assertError(r, 403, "forbidden")

    # -- campaigns -------------------------------------------------------------------------

    def campaign(self, cid, **q):
        r = self.srv.get(CAMPAIGNS + "/" + cid, query=q)
        self.assertStatus(r, 200)
        return r.json

    def test_campaign_progress_follows_inspection(self):
        # Units of a rule variant nobody else uses here, so that the targets are ours alone.
        a = self.boiler(variant="power_station", major_hazard=True)
        b = self.boiler(variant="power_station", major_hazard=True)
        other = self.boiler(variant="power_station", major_hazard=False)
        c = self.create(CAMPAIGNS, {"name": "电站锅炉重大危险源专项", "description": "逐台检验",
                                    "region_code": 540100, "category": "11",
                                    "variant": "power_station", "major_hazard_only": True,
                                    "starts_on": days(-1), "ends_on": days(60)})
        self.assertIsInstance(c["id"], str)
        got = self.campaign(c["id"], todo_limit="1000")
        todo = [t["device_code"] for t in got["todo"]]
        self.assertIn(a["device_code"], todo)
        self.assertIn(b["device_code"], todo)
        self.assertNotIn(other["device_code"], todo)
        targets, done = got["targets"], got["done"]
        self.assertGreaterEqual(targets, 2)
        self.assertEqual(len(todo), targets - done)
        # An inspection recorded today: one more done, and it leaves the list still to do.
        r = self.srv.post(EQ + "/units/" + a["device_code"] + "/inspections", json_body={
            "kind": "periodic", "institution": "西藏特检院", "inspector": "次仁",
            "inspected_on": days(0), "conclusion": "pass"})
        self.assertStatus(r, 201)
        got = self.campaign(c["id"], todo_limit="1000")
        self.assertEqual(got["targets"], targets)
        self.assertEqual(got["done"], done + 1)
        todo = [t["device_code"] for t in got["todo"]]
        self.assertNotIn(a["device_code"], todo)
        self.assertIn(b["device_code"], todo)
        listed = [x for x in self.list_all(CAMPAIGNS, {"region": "540100", "limit": "1"})
                  if x["id"] == c["id"]]
        self.assertEqual(len(listed), 1)
        self.assertEqual((listed[0]["targets"], listed[0]["done"]), (targets, done + 1))

    def test_campaign_bad_input(self):
        base = {"name": "x", "region_code": 540102, "category": "22", "starts_on": days(0),
                "ends_on": days(10)}
        for change, field, code in [({"ends_on": days(-1)}, "ends_on", "before_start"),
                                    ({"category": "Q9"}, "category", "unknown_category"),
                                    ({"category": "22-0"}, "category", None),
                                    ({"variant": "nosuch"}, "variant", "unknown_variant"),
                                    ({"region_code": 999999}, "region_code", None),
                                    ({"targets": 5}, "targets", "read_only")]:
            with self.subTest(change=change):
                r = self.srv.post(CAMPAIGNS, json_body=dict(base, **change))
                self.assertError(r, 400, code, field)

    # -- gas cylinders ---------------------------------------------------------------------

    def batch(self, **kw):
        body = {"station": self.lhasa_firms[0], "category": "2310", "variant": "lpg",
                "batch_no": "LPG-%d" % self.next_seq(), "spec": "YSP-15", "quantity": 100,
                "manufacturer": "西藏气瓶厂", "manufactured_on": "2022-05-10"}
        body.update(kw)
        return {k: v for k, v in body.items() if v is not None}

    def test_lpg_cylinders_due_and_inspection(self):
        b = self.create(CYLINDERS, self.batch())
        self.assertEqual(b["region_code"], 540102)
        self.assertEqual(b["next_due"], "2026-05-10")  # 48 months after manufacture
        self.assertEqual(b["inspections_done"], 0)
        self.assertEqual(b["overdue"], "2026-05-10" < days(0))
        path = CYLINDERS + "/" + b["id"] + "/inspections"
        r = self.srv.post(path, json_body={"inspected_on": days(-1), "conclusion": "pass",
                                           "quantity_failed": 3})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["batch"]["quantity"], 97)
        self.assertEqual(r.json["batch"]["inspections_done"], 1)
        self.assertEqual(r.json["batch"]["last_inspected_on"], days(-1))
        # The first three inspections of LPG cylinders: every 4 years.
        self.assertEqual(r.json["batch"]["next_due"], add_months(days(-1), 48))
        self.assertEqual(r.json["inspection"]["next_due"], add_months(days(-1), 48))
        self.assertFalse(r.json["batch"]["overdue"])
        self.assertEqual(self.srv.get(CYLINDERS + "/" + b["id"]).json, r.json["batch"])
        # Refused, changing nothing: before the last inspection, more failed than there are,
        # all failed but passed.
        for body, field in [({"inspected_on": days(-2), "conclusion": "pass"}, "inspected_on"),
                            ({"inspected_on": days(1), "conclusion": "pass"}, "inspected_on"),
                            ({"inspected_on": days(0), "conclusion": "pass",
                              "quantity_failed": 98}, "quantity_failed"),
                            ({"inspected_on": days(0), "conclusion": "pass",
                              "quantity_failed": 97}, "conclusion"),
                            ({"inspected_on": days(0), "conclusion": "ok"}, "conclusion"),
                            ({"inspected_on": days(0)}, "conclusion")]:
            with self.subTest(body=body):
                r = self.srv.post(path, json_body=body)
                self.assertError(r, 400, None, field)
        self.assertEqual(self.srv.get(CYLINDERS + "/" + b["id"]).json["version"], 2)
        # All failed: the batch is scrapped.
        r = self.srv.post(path, json_body={"inspected_on": days(0), "conclusion": "fail"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["batch"]["status"], "scrapped")
        self.assertIsNone(r.json["batch"]["next_due"])
        r = self.srv.post(path, json_body={"inspected_on": days(0), "conclusion": "pass"})
        self.assertError(r, 409, "not_in_use")

    def test_cylinder_rules_by_variant(self):
        made = "2021-03-31"
        for variant, months in [("lpg50", 36), ("general", 36), ("corrosive", 24),
                                ("inert", 60)]:
            with self.subTest(variant=variant):
                b = self.create(CYLINDERS, self.batch(variant=variant, manufactured_on=made))
                self.assertEqual(b["next_due"], add_months(made, months))
        old = self.create(CYLINDERS, self.batch(variant="general",
                                                manufactured_on="2015-06-01"))
        self.assertTrue(old["overdue"])
        items = self.list_all(CYLINDERS, {"overdue": "true", "region": "540102",
                                          "limit": "2"})
        self.assertIn(old["id"], [x["id"] for x in items])
        dues = [x["next_due"] for x in items]
        self.assertEqual(dues, sorted(dues))
        by_station = self.list_all(CYLINDERS, {"station": self.lhasa_firms[0], "limit": "1000"})
        self.assertTrue(all(x["station"] == self.lhasa_firms[0] for x in by_station))
        # Not a cylinder, a duplicate batch, an unknown station, made in the future.
        r = self.srv.post(CYLINDERS, json_body=self.batch(category="2100"))
        self.assertError(r, 400, "not_cylinder", "category")
        r = self.srv.post(CYLINDERS, json_body=self.batch(batch_no=old["batch_no"],
                                                           variant="general"))
        self.assertError(r, 409, "duplicate", "batch_no")
        r = self.srv.post(CYLINDERS, json_body=self.batch(station=jzapi.make_code(876543)))
        self.assertError(r, 400, "unknown_station", "station")
        r = self.srv.post(CYLINDERS, json_body=self.batch(manufactured_on=days(3)))
        self.assertError(r, 400, "in_future", "manufactured_on")
        r = self.srv.post(CYLINDERS, json_body=self.batch(variant="propane"))
        self.assertError(r, 400, "not_allowed", "variant")


if __name__ == "__main__":
    jzapi.main()

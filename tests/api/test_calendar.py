"""
The working-day calendar over HTTP: reading a shipped year (2026, verified, with the Spring
Festival's make-up Saturday) and an unknown one, an administrator adding 2027 (audited with
the year before and after), a non-administrator refused (403), and bad input refused with 400
naming the field (a bad date, a date outside the year, a bad kind, a make-up day on a weekday,
a missing source) with nothing changed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402

PASSWORD = "Qomolangma-8848!"
C = "/api/v1/calendar/"

# 2027: what an administrator might enter (dates are an example, not the State Council's).
YEAR_2027 = {
    "source": "国务院办公厅关于2027年部分节假日安排的通知 (test)",
    "days": [
        {"date": "2027-01-01", "kind": "rest", "name": "元旦", "name_en": "New Year's Day"},
        {"date": "2027-02-06", "kind": "work", "name": "春节调休上班"},  # a Saturday
        {"date": "2027-02-08", "kind": "rest", "name": "春节", "name_en": "Spring Festival"},
        {"date": "2027-02-09", "kind": "rest", "name": "春节"},
    ],
}


class CalendarTest(jzapi.ServerTestCase):
    DEMO = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = cls.srv.make_token("cal.officer", PASSWORD, "540000",
                                         ["sampling_officer"], ["sampling:read"])

    def get(self, year, auth=True):
        return self.srv.get(C + str(year), auth=auth)

    def put(self, year, body, auth=True):
        return self.srv.request("PUT", C + str(year), json_body=body, auth=auth)

    def test_01_read_shipped_year(self):
        r = self.get(2026, auth=self.officer)
        self.assertStatus(r, 200)
        y = r.json
        self.assertEqual(y["year"], 2026)
        self.assertTrue(y["known"])
        self.assertTrue(y["verified"])
        days = {d["date"]: d for d in y["days"]}
        self.assertEqual(days["2026-02-14"]["kind"], "work")
        self.assertEqual(days["2026-02-15"]["kind"], "rest")
        self.assertEqual(days["2026-10-10"]["kind"], "work")
        self.assertEqual(days["2026-01-04"]["kind"], "work")
        self.assertEqual(days["2026-02-17"]["name"], "春节")
        self.assertEqual(len([d for d in y["days"] if d["kind"] == "rest"]), 33)
        r = self.get(2025, auth=self.officer)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["known"])
        self.assertFalse(r.json["verified"])
        r = self.get(2030)
        self.assertStatus(r, 200)
        self.assertFalse(r.json["known"])
        self.assertEqual(r.json["days"], [])
        self.assertError(self.get(1800), 400, field="year")
        self.assertStatus(self.get(2026, auth=False), 401)

    def test_02_non_admin_refused(self):
        self.assertError(self.put(2027, YEAR_2027, auth=self.officer), 403)
        self.assertFalse(self.get(2027).json["known"])

    def test_03_bad_input_names_the_field(self):
        def bad(change, field, code=None):
            body = {"source": YEAR_2027["source"], "days": [dict(d) for d in YEAR_2027["days"]]}
            change(body)
            r = self.put(2027, body)
            self.assertError(r, 400, code=code, field=field)

        bad(lambda b: b["days"][3].update(date="2027-02-30"), "days[3].date", "invalid")
        bad(lambda b: b["days"][2].update(date="2026-12-31"), "days[2].date", "out_of_range")
        bad(lambda b: b["days"][1].update(kind="holiday"), "days[1].kind", "invalid")
        # 2027-02-10 is a Wednesday: a make-up working day must be on a weekend.
        bad(lambda b: b["days"][1].update(date="2027-02-10"), "days[1].kind", "invalid")
        bad(lambda b: b["days"].append(dict(b["days"][0])), "days[4].date", "duplicate")
        bad(lambda b: b.pop("source"), "source", "required")
        bad(lambda b: b.update(days="all"), "days", "invalid")
        bad(lambda b: b.update(extra=1), "extra", "unknown")
        self.assertError(self.put(2199 + 1, YEAR_2027), 400, field="year")
        # Nothing changed: 2027 is still unknown, 2026 as shipped.
        self.assertFalse(self.get(2027).json["known"])
        self.assertEqual(len(self.get(2026).json["days"]), 39)

    def test_04_admin_adds_2027(self):
        r = self.put(2027, YEAR_2027)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["known"])
        self.assertIsInstance(r.json["cases_recomputed"], int)
        y = self.get(2027, auth=self.officer).json
        self.assertTrue(y["known"])
        self.assertEqual(y["source"], YEAR_2027["source"])
        self.assertEqual([(d["date"], d["kind"]) for d in y["days"]],
                         [(d["date"], d["kind"]) for d in YEAR_2027["days"]])
        self.assertEqual(y["days"][2]["name_en"], "Spring Festival")
        # Audited, with the year before (unknown) and after.
        r = self.srv.get("/api/v1/audit", query={"action": "calendar.set_year"})
        self.assertStatus(r, 200)
        items = r.json["items"]
        self.assertEqual(len(items), 1)
        e = items[0]
        self.assertEqual(e["entity_key"], "2027")
        self.assertFalse(e["before"]["known"])
        self.assertTrue(e["after"]["known"])
        self.assertEqual(len(e["after"]["days"]), 4)
        # Replacing the year again replaces its days.
        r = self.put(2027, {"source": "corrected", "days": YEAR_2027["days"][:2]})
        self.assertStatus(r, 200)
        self.assertEqual(len(self.get(2027).json["days"]), 2)

    def test_05_openapi_documents_it(self):
        doc = self.srv.get("/api/v1/openapi.json").json
        ops = doc["paths"]["/api/v1/calendar/{year}"]
        self.assertIn("get", ops)
        self.assertIn("put", ops)
        self.assertIn("CalendarYearInput", doc["components"]["schemas"])


if __name__ == "__main__":
    jzapi.main()

"""
Licensing applications over HTTP against the live server with demo data: an enterprise
account ('firm') saves a food licence application as a draft, uploads its papers and submits
it; an officer accepts it, asks for more materials (the decision clock pauses), the
enterprise edits and supplements, the officer schedules and records the on-site
verification, a leader grants and the officer issues the licence. The queue lists the case
with its application. Bad inputs each name their field and change nothing: an unknown
category, a category of the other kind, a missing required field, categories not a list, an
action not allowed from the step (409), an edit after submission (409), another
enterprise's application (404), an enterprise acting as the authority (403), the grant by
whoever lacks the approval permission (403), findings missing (400).
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402

PASSWORD = "Qomolangma-8848!"
L = "/api/v1/licensing"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def today_china():
    return (datetime.datetime.now(datetime.timezone.utc)
            + datetime.timedelta(hours=8)).date().isoformat()


class LicensingApplicationsTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        codes = [e["credit_code"] for e in srv.list_all({"region": "540100", "status": "active"},
                                                        limit=50)]
        assert len(codes) >= 2, "the demo has too few active enterprises in Lhasa"
        cls.firm_code, cls.other_code = codes[0], codes[1]
        rw = ["licensing:read", "licensing:write"]
        cls.firm = srv.make_token("lc.firm", PASSWORD, "540000", ["enterprise"], rw,
                                  credit_code=cls.firm_code)
        cls.other = srv.make_token("lc.other", PASSWORD, "540000", ["enterprise"], rw,
                                   credit_code=cls.other_code)
        cls.officer = srv.make_token("lc.officer", PASSWORD, "540100", ["licensing_officer"],
                                     rw)
        cls.leader = srv.make_token("lc.leader", PASSWORD, "540100", ["leader"],
                                    ["licensing:read", "licensing:approve"])

    # -- helpers -------------------------------------------------------------------------

    def body(self, **kw):
        b = {"kind": "food", "purpose": "new", "categories": ["101", "123"],
             "scope_text": "青稞粉、糌粑", "site_address": "拉萨市城关区纳金路 1 号",
             "legal_rep": "扎西", "contact": "卓玛", "phone": "0891-6800000"}
        b.update(kw)
        return {k: v for k, v in b.items() if v is not None}

    def count(self, token):
        r = self.srv.get(L + "/applications", query={"limit": "500"}, auth=token)
        self.assertStatus(r, 200)
        return len(r.json["items"])

    def act(self, aid, action, token, body=None):
        return self.srv.post(L + "/applications/%s/actions/%s" % (aid, action), body or {},
                             auth=token)

    def upload(self, aid, kind, name, data, ctype, token):
        return self.srv.request("POST", L + "/applications/%s/attachments" % aid, body=data,
                                content_type=ctype, query={"kind": kind, "name": name},
                                auth=token)

    def draft(self):
        r = self.srv.post(L + "/applications", self.body(), auth=self.firm)
        self.assertStatus(r, 201)
        return r.json

    def submitted(self):
        a = self.draft()
        self.assertStatus(self.upload(a["id"], "business_licence", "执照.png", PNG, "image/png",
                                      self.firm), 201)
        self.assertStatus(self.upload(a["id"], "site_plan", "plan.pdf", PDF, "application/pdf",
                                      self.firm), 201)
        r = self.act(a["id"], "submit", self.firm)
        self.assertStatus(r, 200)
        return r.json

    # -- categories ----------------------------------------------------------------------

    def test_categories(self):
        r = self.srv.get(L + "/categories", query={"kind": "food"}, auth=self.firm)
        self.assertStatus(r, 200)
        codes = [c["code"] for c in r.json["items"]]
        self.assertEqual(len(codes), 32)
        self.assertIn("131", codes)
        self.assertIn("201", codes)
        self.assertTrue(all(c["kind"] == "food" for c in r.json["items"]))
        r = self.srv.get(L + "/categories", query={"kind": "industrial"}, auth=self.firm)
        self.assertStatus(r, 200)
        self.assertTrue(r.json["items"])
        self.assertError(self.srv.get(L + "/categories", query={"kind": "x"}, auth=self.firm),
                         400, "invalid", "kind")

    # -- drafts and bad input ------------------------------------------------------------

    def test_bad_drafts_change_nothing(self):
        before = self.count(self.officer)
        cases = [
            (self.body(categories=["101", "999"]), "categories[1]", "unknown_category"),
            (self.body(categories=["XK06-001"]), "categories[0]", "wrong_kind"),
            (self.body(kind="industrial", categories=["101"]), "categories[0]", "wrong_kind"),
            (self.body(scope_text=None), "scope_text", "required"),
            (self.body(categories="101"), "categories", "wrong_type"),
            (self.body(categories=[]), "categories", "required"),
            (self.body(kind="drink"), "kind", None),
            (self.body(purpose="change"), "licence_no", "required"),
            (self.body(status="issued"), "status", "read_only"),
            (self.body(applicant=self.other_code), "applicant", "not_own"),
        ]
        for body, field, code in cases:
            with self.subTest(field=field, code=code):
                r = self.srv.post(L + "/applications", body, auth=self.firm)
                self.assertError(r, 403 if code == "not_own" else 400, code, field)
        # An officer names the applicant.
        r = self.srv.post(L + "/applications", self.body(), auth=self.officer)
        self.assertError(r, 400, "required", "applicant")
        self.assertEqual(self.count(self.officer), before)

    def test_draft_edit_and_scope(self):
        a = self.draft()
        self.assertEqual(a["status"], "draft")
        self.assertEqual(a["applicant"], self.firm_code)
        self.assertEqual(a["categories"], ["101", "123"])
        self.assertIsNone(a["case"])
        self.assertRegex(a["application_no"], r"^SQ\d{4}-5401-\d{6}$")
        # Another enterprise sees nothing of it.
        for r in [self.srv.get(L + "/applications/%s" % a["id"], auth=self.other),
                  self.srv.patch(L + "/applications/%s" % a["id"], {"phone": "1"},
                                 auth=self.other),
                  self.act(a["id"], "submit", self.other),
                  self.upload(a["id"], "other", "x.png", PNG, "image/png", self.other),
                  self.srv.get(L + "/applications/%s/attachments" % a["id"], auth=self.other)]:
            self.assertError(r, 404, "not_found")
        ids = [x["id"] for x in self.srv.get(L + "/applications", query={"limit": "500"},
                                             auth=self.other).json["items"]]
        self.assertNotIn(a["id"], ids)
        # Edit with If-Match; a stale one is 412.
        r = self.srv.patch(L + "/applications/%s" % a["id"], {"categories": ["102"]},
                           auth=self.firm, headers={"If-Match": '"%s"' % a["version"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["categories"], ["102"])
        r = self.srv.patch(L + "/applications/%s" % a["id"], {"phone": "2"}, auth=self.firm,
                           headers={"If-Match": '"%s"' % a["version"]})
        self.assertError(r, 412, "stale")
        r = self.srv.patch(L + "/applications/%s" % a["id"], {"categories": ["XK06-001"]},
                           auth=self.firm)
        self.assertError(r, 400, "wrong_kind", "categories[0]")
        r = self.srv.get(L + "/applications/%s" % a["id"], auth=self.firm)
        self.assertEqual(r.json["categories"], ["102"])
        # Submission needs the papers.
        r = self.act(a["id"], "submit", self.firm)
        self.assertError(r, 400, "missing_attachment", "attachments")
        r = self.upload(a["id"], "business_licence", "a.png", PDF, "image/png", self.firm)
        self.assertError(r, 400, "type_mismatch", "content_type")
        r = self.upload(a["id"], "photo", "a.png", PNG, "image/png", self.firm)
        self.assertError(r, 400, None, "kind")
        self.assertEqual(self.srv.get(L + "/applications/%s/attachments" % a["id"],
                                      auth=self.firm).json["items"], [])

    # -- the whole path ------------------------------------------------------------------

    def test_whole_path(self):
        a = self.submitted()
        aid = a["id"]
        self.assertEqual(a["status"], "submitted")
        case = a["case"]
        self.assertIsNotNone(case)
        self.assertIsNotNone(case.get("deadline"))
        self.assertFalse(a["deemed_accepted"])
        self.assertEqual({x["action"] for x in case["actions"]}, {"withdraw"})
        self.assertEqual(len(a["attachments"]), 2)
        # No more edits or papers after submission.
        r = self.srv.patch(L + "/applications/%s" % aid, {"phone": "3"}, auth=self.firm)
        self.assertError(r, 409, "locked", "status")
        r = self.upload(aid, "other", "x.png", PNG, "image/png", self.firm)
        self.assertError(r, 409, "locked", "status")
        # The enterprise is not the authority; an officer cannot decide; nor out of order.
        self.assertError(self.act(aid, "accept", self.firm), 403)
        self.assertError(self.act(aid, "issue", self.officer), 409)
        self.assertError(self.act(aid, "no_such", self.officer), 404, "unknown_action",
                         "action")
        self.assertError(self.srv.post(L + "/applications/%s/actions/accept" % aid,
                                       {"colour": "red"}, auth=self.officer),
                         400, "unknown_field", "colour")
        version = self.srv.get(L + "/applications/%s" % aid, auth=self.officer).json["version"]
        # The officer sees it and can accept it.
        r = self.srv.get(L + "/applications/%s" % aid, auth=self.officer)
        self.assertIn("accept", {x["action"] for x in r.json["case"]["actions"]})
        r = self.act(aid, "accept", self.officer, {"note": "材料齐全"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "review")
        self.assertEqual(r.json["accepted_on"], today_china())
        self.assertEqual(r.json["version"], version + 1)
        # More materials: the one-time notice needs its text; then the clock pauses.
        r = self.act(aid, "request_supplement", self.officer, {"missing": " "})
        self.assertError(r, 400, "required", "missing")
        r = self.act(aid, "request_supplement", self.officer, {"missing": "工艺流程图"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "review_supplementing")
        self.assertTrue(r.json["case"]["paused"])
        self.assertEqual(r.json["missing"], "工艺流程图")
        # The enterprise edits, adds the paper, supplements; the clock runs again.
        r = self.srv.patch(L + "/applications/%s" % aid, {"scope_text": "青稞粉、糌粑、饼干"},
                           auth=self.firm, headers={"If-Match": '"%s"' % r.json["version"]})
        self.assertStatus(r, 200)
        self.assertStatus(self.upload(aid, "process_flow", "流程.pdf", PDF, "application/pdf",
                                      self.firm), 201)
        r = self.act(aid, "supplement", self.firm)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "review")
        self.assertFalse(r.json["case"]["paused"])
        # The queue: the officer's, with the application joined.
        r = self.srv.get(L + "/queue", query={"kind": "food", "mine": "1"}, auth=self.officer)
        self.assertStatus(r, 200)
        mine = [i for i in r.json["items"] if i.get("application_id") == aid]
        self.assertEqual(len(mine), 1, r.json)
        self.assertEqual(mine[0]["application_no"], a["application_no"])
        self.assertEqual(mine[0]["kind"], "food")
        self.assertEqual(mine[0]["purpose"], "new")
        r = self.srv.get(L + "/queue", query={"overdue": "1"}, auth=self.leader)
        self.assertStatus(r, 200)
        self.assertNotIn(aid, [i.get("application_id") for i in r.json["items"]])
        self.assertError(self.srv.get(L + "/queue", query={"overdue": "x"}, auth=self.leader),
                         400, "invalid", "overdue")
        # On-site verification.
        self.assertStatus(self.act(aid, "schedule_onsite", self.officer), 200)
        r = self.act(aid, "onsite_scheduled", self.officer)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "onsite")
        version = r.json["version"]
        r = self.act(aid, "record_onsite", self.officer,
                     {"onsite_on": today_china(), "onsite_team": "王伟、次旦",
                      "onsite_result": "pass"})
        self.assertError(r, 400, "required", "onsite_findings")
        self.assertEqual(self.srv.get(L + "/applications/%s" % aid,
                                      auth=self.officer).json["version"], version)
        r = self.act(aid, "record_onsite", self.officer,
                     {"onsite_on": today_china(), "onsite_team": "王伟、次旦",
                      "onsite_findings": "厂区布局合理", "onsite_result": "pass"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "decision_pending")
        # The officer has no approval; the leader grants; the officer issues.
        self.assertError(self.act(aid, "grant", self.officer), 403)
        r = self.act(aid, "grant", self.leader)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "granted")
        self.assertEqual(r.json["decided_by"], "lc.leader")
        r = self.act(aid, "issue", self.officer)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "issued")
        self.assertTrue(r.json["licence_no"].startswith("SC101"), r.json["licence_no"])
        self.assertTrue(r.json["case"]["closed"])
        self.assertEqual(r.json["case"]["actions"], [])
        history = [e["action"] for e in r.json["case"]["history"]]
        for action in ["submit", "accept", "request_supplement", "supplement",
                       "schedule_onsite", "onsite_scheduled", "record_onsite", "grant",
                       "issue"]:
            self.assertIn(action, history)
        # The papers read back byte for byte by the officer.
        att = {t["kind"]: t for t in r.json["attachments"]}
        r = self.srv.get(L + "/applications/%s/attachments/%s" % (aid, att["site_plan"]["id"]),
                         auth=self.officer)
        self.assertStatus(r, 200)
        self.assertEqual(r.body, PDF)
        self.assertEqual(r.headers.get("Content-Type", "").split(";")[0], "application/pdf")
        r = self.srv.get(L + "/applications/%s/attachments/%s" % (aid, att["site_plan"]["id"]),
                         auth=self.other)
        self.assertError(r, 404)

    def test_missing_notice_and_withdraw(self):
        a = self.submitted()
        aid = a["id"]
        r = self.act(aid, "notify_missing", self.officer, {})
        self.assertError(r, 400, "required", "missing")
        self.assertEqual(self.srv.get(L + "/applications/%s" % aid,
                                      auth=self.firm).json["status"], "submitted")
        r = self.act(aid, "notify_missing", self.officer,
                     {"missing": "1. 设备清单\n2. 平面图比例尺", "note": "一次性告知"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "supplementing")
        self.assertIsNone(r.json["case"]["deadline"])  # no stage, no clock: the applicant's turn
        # The applicant may edit now, and withdraws instead.
        r = self.srv.patch(L + "/applications/%s" % aid, {"phone": "0891-1"}, auth=self.firm)
        self.assertStatus(r, 200)
        r = self.act(aid, "withdraw", self.firm, {"note": "改日再申请"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "withdrawn")
        self.assertError(self.act(aid, "resubmit", self.firm), 409)


if __name__ == "__main__":
    jzapi.main()

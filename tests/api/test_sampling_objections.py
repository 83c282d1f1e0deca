"""
Objections, re-tests and follow-up over HTTP, on samples taken through the whole workflow
(sample, lab, results with a failing item, submit, review, approve, notify): the objection
window of 15 days (moving the notification back in the database stands for the days passing),
who may file and decide, the re-test lab's rules, the re-test by the other lab, the outcome
and who pays, the final verdict and statistics moving with it, the follow-up order, its steps
and their dates, the overdue list and its scope, and the audit trail. Bad input changes
nothing.
"""
import datetime
import decimal
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402

PASSWORD = "Qomolangma-8848!"
S = "/api/v1/sampling"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
YEAR = TODAY.year


def day(n):
    """TODAY + n days as text."""
    return str(TODAY + datetime.timedelta(days=n))


def passing(item):
    rule = item["rule"]
    if rule == "equals":
        return item["expected"]
    if rule == "not_detected":
        return "ND"
    if rule == "max":
        return "0"
    return item["lo"]


def failing(item):
    rule = item["rule"]
    if rule == "equals":
        return "不符合"
    if rule == "not_detected":
        return "0.5"
    if rule == "min":
        return str(decimal.Decimal(item["lo"]) - 1)
    return str(decimal.Decimal(item["hi"]) + 1)


class SamplingObjectionsTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        rw = ["sampling:read", "sampling:write"]
        lab = rw + ["sampling:approve"]
        cls.officer = srv.make_token("ob.officer", PASSWORD, "540000", ["sampling_officer"], rw)
        cls.shigatse = srv.make_token("ob.shigatse", PASSWORD, "540200", ["sampling_officer"],
                                      rw)
        cls.leader = srv.make_token("ob.leader", PASSWORD, "540000", ["leader"],
                                    ["sampling:read", "sampling:approve"])
        cls.a = [srv.make_token("ob.a%d" % i, PASSWORD, "540000-LAB1", ["lab_analyst"], lab)
                 for i in range(3)]
        cls.b1 = srv.make_token("ob.b1", PASSWORD, "540000-LAB2", ["lab_analyst"], lab)
        labs = srv.get(S + "/labs").json["items"]
        cls.lab1 = [x for x in labs if x.get("org_unit") == "540000-LAB1"][0]
        cls.lab2 = [x for x in labs if x.get("org_unit") == "540000-LAB2"][0]
        r = srv.post(S + "/labs", {"code": "CMA OB-NOSCOPE", "name": "无资质实验室",
                                   "region_code": 540102, "accredited_until": "2099-12-31"})
        assert r.status == 201, jzapi.describe(r)
        cls.noscope = r.json
        cls.product = srv.get(S + "/products/RICE").json
        r = srv.post(S + "/plans", {"year": YEAR, "title": "异议测试计划", "region_code": 540000},
                     auth=cls.officer)
        assert r.status == 201, jzapi.describe(r)
        plan = r.json
        r = srv.post(S + "/plans/%s/tasks" % plan["id"],
                     {"product": "RICE", "region_code": 540100, "planned": 30}, auth=cls.officer)
        assert r.status == 201, jzapi.describe(r)
        cls.task = r.json
        r = srv.post(S + "/plans/%s/approve" % plan["id"], {}, auth=cls.leader)
        assert r.status == 200, jzapi.describe(r)
        cls.producers = [e["credit_code"] for e in srv.list_all(
            {"region": "540100", "status": "active"}, limit=300)]
        cls.used = 0
        cls.firms = {}

    # -- helpers -------------------------------------------------------------------------

    def db(self):
        return sqlite3.connect(self.srv.db, timeout=30)

    def sql(self, statement, *args):
        c = self.db()
        try:
            c.execute(statement, args)
            c.commit()
        finally:
            c.close()

    def firm(self, code):
        """An enterprise account of producer code."""
        if code not in self.firms:
            self.firms[code] = self.srv.make_token(
                "ob.firm%d" % len(self.firms), PASSWORD, "540000", ["enterprise"],
                ["sampling:read", "sampling:write"], credit_code=code)
        return self.firms[code]

    def put_results(self, sid, values, token, round_=0):
        return self.srv.request("PUT", S + "/samples/%s/results" % sid,
                                json_body={"round": round_, "items": values}, auth=token)

    def values(self, fail=True):
        items = self.product["items"]
        v = [{"item_code": it["item_code"], "value": passing(it)} for it in items]
        if fail:
            v[0]["value"] = failing(items[0])
        return v

    def approved(self, fail=True, reserve=4, notify=True):
        """A sample through the whole workflow: approved (failing unless fail=False) and,
        unless notify=False, notified today."""
        while True:
            code = self.producers[SamplingObjectionsTest.used]
            SamplingObjectionsTest.used += 1
            body = {"task_id": int(self.task["id"]), "producer": code, "brand": "雪域",
                    "quantity_sampled": 4, "quantity_reserve": reserve, "quantity_unit": "袋",
                    "samplers": "扎西, 卓玛", "place": "成品库", "sampled_on": str(TODAY)}
            r = self.srv.post(S + "/samples", body, auth=self.officer)
            if r.status == 409 and r.json["error"]["code"] == "sampled_recently":
                continue
            self.assertStatus(r, 201)
            break
        sid = r.json["id"]
        r = self.srv.post(S + "/samples/%s/assign" % sid, {"lab_id": int(self.lab1["id"])},
                          auth=self.officer)
        self.assertStatus(r, 200)
        self.assertStatus(self.put_results(sid, self.values(fail), self.a[0]), 200)
        self.assertStatus(self.srv.post(S + "/samples/%s/submit" % sid, {}, auth=self.a[0]), 200)
        self.assertStatus(self.srv.post(S + "/samples/%s/review" % sid, {"accept": True},
                                        auth=self.a[1]), 200)
        r = self.srv.post(S + "/samples/%s/approve" % sid, {}, auth=self.a[2])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["final_verdict"], "fail" if fail else "pass")
        if notify:
            self.assertStatus(self.srv.post(S + "/samples/%s/notify" % sid, {},
                                            auth=self.officer), 200)
        return self.srv.get(S + "/samples/%s" % sid).json

    def notified_days_ago(self, sid, n):
        """Stands for n days passing since approval and notification."""
        self.sql("UPDATE sp_sample SET approved_on = ?, notified_on = ? WHERE id = ?",
                 day(-n), day(-n), int(sid))

    def failed_total(self):
        r = self.srv.get(S + "/stats", query={"year": str(YEAR), "by": "total"},
                         auth=self.leader)
        self.assertStatus(r, 200)
        items = r.json["items"]
        return (items[0]["samples"], items[0]["failed"]) if items else (0, 0)

    # -- objections ----------------------------------------------------------------------

    def test_window_and_who_files(self):
        s15, s16 = self.approved(), self.approved()
        self.notified_days_ago(s15["id"], 15)
        self.notified_days_ago(s16["id"], 16)
        reason = {"reason": "样品封存不当，检验结果有误"}
        r = self.srv.post(S + "/samples/%s/objection" % s16["id"], reason,
                          auth=self.firm(s16["producer"]))
        e = self.assertError(r, 400, "window_closed", "filed_on")
        self.assertIn(day(-1), e["message"])  # the last day
        # on day 15 it is still open; not before the notification, not in the future
        path = S + "/samples/%s/objection" % s15["id"]
        firm = self.firm(s15["producer"])
        for bad, code in [({"filed_on": day(-16)}, "before_notified"),
                          ({"filed_on": day(1)}, "in_future")]:
            self.assertError(self.srv.post(path, dict(reason, **bad), auth=firm), 400, code,
                             "filed_on")
        self.assertError(self.srv.post(path, {"reason": "  "}, auth=firm), 400, field="reason")
        self.assertError(self.srv.post(path, {"reason": "x" * 2001}, auth=firm), 400,
                         field="reason")
        self.assertError(self.srv.post(path, dict(reason, status="decided"), auth=firm), 400)
        # another producer does not see it; the lab that tested it is not the authority
        other = self.firm(self.producers[-1])
        self.assertStatus(self.srv.post(path, reason, auth=other), 404)
        self.assertStatus(self.srv.post(path, reason, auth=self.a[0]), 403)
        self.assertStatus(self.srv.get(path, auth=firm), 404)
        r = self.srv.post(path, dict(reason, filed_on=day(-1)), auth=firm)
        self.assertStatus(r, 201)
        self.assertEqual((r.json["status"], r.json["filed_on"], r.json["sample_no"]),
                         ("filed", day(-1), s15["sample_no"]))
        self.assertTrue(r.json["filed_by"].startswith("ob.firm"))
        self.assertEqual(r.headers.get("ETag"), '"1"')
        self.assertError(self.srv.post(path, reason, auth=self.officer), 409, "exists")
        self.assertEqual(self.srv.get(path, auth=firm).json["id"], r.json["id"])
        self.assertStatus(self.srv.get(path, auth=other), 404)
        self.assertStatus(self.srv.get(path, auth=self.shigatse), 404)
        # no reserve sample, or no notification yet: nothing to object to
        s0 = self.approved(reserve=0)
        self.assertError(self.srv.post(S + "/samples/%s/objection" % s0["id"], reason,
                                       auth=self.officer), 400, "no_reserve")
        sn = self.approved(notify=False)
        self.assertError(self.srv.post(S + "/samples/%s/objection" % sn["id"], reason,
                                       auth=self.officer), 409, "not_notified")
        # an officer of another prefecture does not see it
        r = self.srv.post(S + "/samples/%s/objection" % sn["id"], reason, auth=self.shigatse)
        self.assertStatus(r, 404)

    def test_retest_overturns(self):
        s = self.approved()
        sid = s["id"]
        firm = self.firm(s["producer"])
        r = self.srv.post(S + "/samples/%s/objection" % sid, {"reason": "复检申请"}, auth=firm)
        self.assertStatus(r, 201)
        oid = r.json["id"]
        path = S + "/samples/%s/objection/decision" % sid
        # decisions are the authority's: not the firm, not the tested lab's analyst
        self.assertStatus(self.srv.post(path, {"accept": False}, auth=firm), 403)
        self.assertError(self.srv.post(path, {"accept": True,
                                              "retest_lab_id": int(self.lab2["id"])},
                                       auth=self.a[2]), 403, "not_officer")
        for body, code in [({"accept": True}, "required"),
                           ({"accept": True, "retest_lab_id": int(self.lab1["id"])},
                            "same_lab"),
                           ({"accept": True, "retest_lab_id": int(self.noscope["id"])},
                            "not_accredited"),
                           ({"accept": True, "retest_lab_id": 999999}, "unknown_lab"),
                           ({"accept": False, "retest_lab_id": int(self.lab2["id"])},
                            "not_allowed")]:
            self.assertError(self.srv.post(path, body, auth=self.leader), 400, code,
                             "retest_lab_id", msg=str(body))
        self.assertError(self.srv.post(path, {"retest_lab_id": 1}, auth=self.leader), 400,
                         field="accept")
        self.assertEqual(self.srv.get(S + "/samples/%s/objection" % sid).json["version"], 1)
        accept = {"accept": True, "retest_lab_id": int(self.lab2["id"]), "note": "同意复检"}
        self.assertStatus(self.srv.post(path, accept, auth=self.leader,
                                        headers={"If-Match": '"7"'}), 412)
        # no re-test results before the decision (the other lab has no business with it yet)
        self.assertError(self.put_results(sid, self.values(False), self.a[0], 1), 409,
                         "no_retest")
        self.assertStatus(self.put_results(sid, self.values(False), self.b1, 1), 404)
        r = self.srv.post(path, accept, auth=self.leader, headers={"If-Match": '"1"'})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["status"], r.json["retest_lab_id"], r.json["decided_by"]),
                         ("retesting", self.lab2["id"], "ob.leader"))
        self.assertError(self.srv.post(path, accept, auth=self.leader), 409, "not_filed")
        conclude = S + "/samples/%s/retest/conclude" % sid
        self.assertError(self.srv.post(conclude, {}, auth=self.leader), 400, "incomplete",
                         "results")
        # the re-test is the other lab's: it passes
        self.assertStatus(self.put_results(sid, self.values(False), self.a[0], 1), (403, 404))
        self.assertStatus(self.put_results(sid, self.values(False), self.b1, 1), 200)
        before = self.failed_total()
        self.assertStatus(self.srv.post(conclude, {}, auth=firm), 403)
        r = self.srv.post(conclude, {}, auth=self.leader)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["status"], r.json["outcome"], r.json["cost_borne_by"]),
                         ("decided", "overturned", "authority"))
        sample = self.srv.get(S + "/samples/%s" % sid).json
        self.assertEqual((sample["verdict"], sample["final_verdict"]), ("fail", "pass"))
        after = self.failed_total()
        self.assertEqual(after, (before[0], before[1] - 1))
        self.assertError(self.srv.post(conclude, {}, auth=self.leader), 409, "not_retesting")
        # a passing sample is not followed up
        self.assertError(self.srv.post(S + "/samples/%s/followup" % sid, {"order_no": "N-1"},
                                       auth=self.officer), 409, "not_failed")
        r = self.srv.get("/api/v1/audit", query={"entity_key": oid})
        actions = sorted(e["action"] for e in r.json["items"])
        self.assertEqual(actions, ["sampling.objection.accept", "sampling.objection.file",
                                   "sampling.retest.conclude"])

    def test_rejected_objection(self):
        s = self.approved()
        r = self.srv.post(S + "/samples/%s/objection" % s["id"], {"reason": "不服"},
                          auth=self.officer)
        self.assertStatus(r, 201)
        r = self.srv.post(S + "/samples/%s/objection/decision" % s["id"],
                          {"accept": False, "note": "理由不成立"}, auth=self.leader)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["status"], r.json["decision_note"], r.json["retest_lab_id"]),
                         ("rejected", "理由不成立", None))
        self.assertError(self.srv.post(S + "/samples/%s/retest/conclude" % s["id"], {},
                                       auth=self.leader), 409, "not_retesting")
        # once rejected, the follow-up may start
        r = self.srv.post(S + "/samples/%s/followup" % s["id"], {"order_no": "N-R"},
                          auth=self.officer)
        self.assertStatus(r, 201)

    # -- follow-up -----------------------------------------------------------------------

    def test_confirmed_then_followup(self):
        s = self.approved()
        sid = s["id"]
        self.assertStatus(self.srv.post(S + "/samples/%s/objection" % sid, {"reason": "复检"},
                                        auth=self.firm(s["producer"])), 201)
        # the follow-up waits while the objection is open
        self.assertError(self.srv.post(S + "/samples/%s/followup" % sid, {"order_no": "N-2"},
                                       auth=self.officer), 409, "objection_open")
        self.assertStatus(self.srv.post(S + "/samples/%s/objection/decision" % sid,
                                        {"accept": True, "retest_lab_id": int(self.lab2["id"])},
                                        auth=self.leader), 200)
        self.assertError(self.srv.post(S + "/samples/%s/followup" % sid, {"order_no": "N-2"},
                                       auth=self.officer), 409, "objection_open")
        self.assertStatus(self.put_results(sid, self.values(True), self.b1, 1), 200)
        before = self.failed_total()
        r = self.srv.post(S + "/samples/%s/retest/conclude" % sid, {}, auth=self.leader)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["outcome"], r.json["cost_borne_by"]), ("confirmed", "applicant"))
        self.assertEqual(self.failed_total(), before)
        self.assertEqual(self.srv.get(S + "/samples/%s" % sid).json["final_verdict"], "fail")

        path = S + "/samples/%s/followup" % sid
        order = {"order_no": "藏市监抽整〔%d〕7号" % YEAR}
        self.assertStatus(self.srv.post(path, order, auth=self.firm(s["producer"])), 403)
        self.assertStatus(self.srv.post(path, order, auth=self.shigatse), 404)
        self.assertError(self.srv.post(path, dict(order, ordered_on=day(1)), auth=self.officer),
                         400, "in_future", "ordered_on")
        self.assertError(self.srv.post(path, {}, auth=self.officer), 400, field="order_no")
        r = self.srv.post(path, order, auth=self.officer)
        self.assertStatus(r, 201)
        f = r.json
        self.assertEqual((f["stage"], f["ordered_on"], f["rectify_by"], f["recheck_by"]),
                         ("ordered", day(0), day(60), day(75)))
        self.assertEqual((f["region_code"], f["producer"], f["sample_no"]),
                         (s["region_code"], s["producer"], s["sample_no"]))
        self.assertEqual((f["next_step"], f["next_deadline"], f["days_overdue"]),
                         ("rectify", day(60), 0))
        self.assertError(self.srv.post(path, order, auth=self.officer), 409, "exists")
        fp = S + "/followups/%s" % f["id"]
        # steps out of turn or out of time change nothing
        for step, body, status, code in [
                ("announce", {"on": day(0)}, 409, "wrong_stage"),
                ("second", {"on": day(0), "verdict": "fail"}, 409, "wrong_stage"),
                ("rectified", {"on": day(1)}, 400, "in_future"),
                ("rectified", {"on": day(-1)}, 400, "before_previous"),
                ("rectified", {"on": day(0), "verdict": "pass"}, 400, "not_allowed"),
                ("recheck", {"on": day(0)}, 400, "required"),
                ("recheck", {"on": day(0), "verdict": "ok"}, 400, None)]:
            r = self.srv.post(fp + "/" + step, body, auth=self.officer)
            self.assertError(r, status, code, msg=step + str(body))
        self.assertEqual(self.srv.get(fp).json["version"], 1)
        self.assertStatus(self.srv.post(fp + "/rectified", {"on": day(0)}, auth=self.shigatse),
                          404)
        r = self.srv.post(fp + "/rectified", {"on": day(0)}, auth=self.officer,
                          headers={"If-Match": '"1"'})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["stage"], r.json["next_step"], r.json["next_deadline"]),
                         ("rectified", "recheck", day(75)))
        r = self.srv.post(fp + "/recheck", {"on": day(0), "verdict": "fail"}, auth=self.officer)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["stage"], r.json["recheck_verdict"], r.json["next_step"],
                          r.json["next_deadline"]), ("rectified", "fail", "announce", None))
        r = self.srv.post(fp + "/announce", {"on": day(0)}, auth=self.officer)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["stage"], r.json["second_from"], r.json["second_by"]),
                         ("announced", day(60), day(90)))
        self.assertError(self.srv.post(fp + "/second", {"on": day(0), "verdict": "fail"},
                                       auth=self.officer), 400, "outside_window", "on")
        # 70 days on, the second re-inspection fails: suspension
        self.sql("UPDATE sp_followup SET ordered_on = ?, rectify_by = ?, recheck_by = ?, "
                 "rectified_on = ?, recheck_on = ?, announced_on = ?, second_from = ?, "
                 "second_by = ? WHERE id = ?", day(-150), day(-90), day(-75), day(-100),
                 day(-80), day(-70), day(-10), day(20), int(f["id"]))
        r = self.srv.post(fp + "/second", {"on": day(0), "verdict": "fail"}, auth=self.officer)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["stage"], r.json["second_verdict"], r.json["next_step"]),
                         ("suspended", "fail", None))
        self.assertError(self.srv.post(fp + "/second", {"on": day(0), "verdict": "pass"},
                                       auth=self.officer), 409, "wrong_stage")
        r = self.srv.get("/api/v1/audit", query={"entity_key": f["id"]})
        actions = sorted(e["action"] for e in r.json["items"])
        self.assertEqual(actions, ["sampling.followup.announce", "sampling.followup.order",
                                   "sampling.followup.recheck", "sampling.followup.rectified",
                                   "sampling.followup.second"])
        # the producer reads its own
        self.assertStatus(self.srv.get(fp, auth=self.firm(s["producer"])), 200)
        self.assertStatus(self.srv.get(fp, auth=self.firm(self.producers[-1])), 404)

    def test_overdue_list(self):
        late, fine = self.approved(), self.approved()
        ids = []
        for s in (late, fine):
            r = self.srv.post(S + "/samples/%s/followup" % s["id"], {"order_no": "N-O"},
                              auth=self.officer)
            self.assertStatus(r, 201)
            ids.append(r.json["id"])
        # the late one was ordered 63 days ago: rectification 3 days overdue
        self.sql("UPDATE sp_followup SET ordered_on = ?, rectify_by = ?, recheck_by = ? "
                 "WHERE id = ?", day(-63), day(-3), day(12), int(ids[0]))
        over = self.srv.get(S + "/followups", query={"overdue": "1", "limit": "1000"}).json
        rows = {x["id"]: x for x in over["items"]}
        self.assertIn(ids[0], rows)
        self.assertNotIn(ids[1], rows)
        self.assertEqual((rows[ids[0]]["next_step"], rows[ids[0]]["next_deadline"],
                          rows[ids[0]]["days_overdue"]), ("rectify", day(-3), 3))
        self.assertTrue(all(x["days_overdue"] > 0 for x in over["items"]))
        # region and stage filters, scope
        r = self.srv.get(S + "/followups", query={"overdue": "1", "region": "540200"}).json
        self.assertNotIn(ids[0], [x["id"] for x in r["items"]])
        r = self.srv.get(S + "/followups", query={"overdue": "1", "limit": "1000"},
                         auth=self.shigatse).json
        self.assertNotIn(ids[0], [x["id"] for x in r["items"]])
        self.assertStatus(self.srv.get(S + "/followups/%s" % ids[0], auth=self.shigatse), 404)
        r = self.srv.get(S + "/followups", query={"stage": "ordered", "limit": "1000"}).json
        got = [x["id"] for x in r["items"]]
        self.assertIn(ids[0], got)
        self.assertIn(ids[1], got)
        self.assertTrue(all(x["stage"] == "ordered" for x in r["items"]))
        for q, field in [({"overdue": "maybe"}, "overdue"), ({"stage": "done"}, "stage"),
                         ({"region": "54"}, "region"), ({"limit": "0"}, "limit"),
                         ({"cursor": "abc"}, "cursor")]:
            self.assertError(self.srv.get(S + "/followups", query=q), 400, field=field)
        # paging returns every row once
        seen, cursor = [], None
        for _ in range(100):
            q = {"limit": "50"}
            if cursor:
                q["cursor"] = cursor
            page = self.srv.get(S + "/followups", query=q).json
            seen += [x["id"] for x in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertIn(ids[0], seen)


if __name__ == "__main__":
    jzapi.main()

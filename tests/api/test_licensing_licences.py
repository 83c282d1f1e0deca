"""
Licences over HTTP, on the demo database: the list with its filters and data scope (a
prefecture's officer sees its own prefecture, an enterprise only its own licences), one
licence with its checks, the certificate as a PDF whose text (pdftotext) carries the holder
and the number in Chinese, suspension / restoration / revocation (an officer without
licensing.approve gets 403, a leader may; the reason is required and a 400 names it; nothing
changes on a refusal), post-licence checks (a check moves the next due date; refusals name
their field), the due list, and the counts of valid licences that follow a status change.
"""
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402

PASSWORD = "Qomolangma-8848!"
L = "/api/v1/licensing"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()


def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return datetime.date(y, m, day)
        except ValueError:
            continue
    raise ValueError(d)


class LicensingLicencesTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        rw = ["licensing:read", "licensing:write"]
        cls.officer = srv.make_token("ll.officer", PASSWORD, "540000", ["licensing_officer"], rw)
        cls.lhasa = srv.make_token("ll.lhasa", PASSWORD, "540100", ["licensing_officer"], rw)
        cls.leader = srv.make_token("ll.leader", PASSWORD, "540000", ["leader"],
                                    ["licensing:read", "licensing:approve"])
        valid = srv.get(L + "/licences", query={"status": "valid", "kind": "food",
                                                "region": "540100", "limit": "500"},
                        auth=cls.officer).json["items"]
        assert valid, "the demo has valid food licences in Lhasa"
        cls.licence = valid[0]
        cls.holder = cls.licence["holder"]
        cls.firm = srv.make_token("ll.firm", PASSWORD, "540000", ["enterprise"],
                                  ["licensing:read"], credit_code=cls.holder)

    def all_items(self, path, query, auth):
        items, cursor = [], None
        while True:
            q = dict(query)
            if cursor:
                q["cursor"] = cursor
            r = self.srv.get(path, query=q, auth=auth)
            self.assertEqual(r.status, 200, jzapi.describe(r))
            items += r.json["items"]
            cursor = r.json["next_cursor"]
            if not cursor:
                return items

    def test_list_filters_and_scope(self):
        everything = self.all_items(L + "/licences", {"limit": "100"}, self.officer)
        self.assertGreaterEqual(len(everything), 290)
        ids = [int(x["id"]) for x in everything]
        self.assertEqual(ids, sorted(ids, reverse=True))
        self.assertEqual(len(set(ids)), len(ids))
        statuses = {x["status"] for x in everything}
        self.assertTrue({"valid", "expired", "suspended", "revoked"} <= statuses, statuses)
        for x in everything:
            if x["status"] == "expired":
                self.assertEqual(x["stored_status"], "valid")
                self.assertLess(x["valid_until"], str(TODAY))
        lhasa = self.all_items(L + "/licences", {"limit": "500"}, self.lhasa)
        self.assertTrue(lhasa)
        self.assertTrue(all(x["region_code"].startswith("5401") for x in lhasa))
        self.assertEqual(len(lhasa), sum(1 for x in everything
                                         if x["region_code"].startswith("5401")))
        # filters
        expired = self.all_items(L + "/licences", {"status": "expired"}, self.officer)
        self.assertEqual(len(expired), sum(1 for x in everything if x["status"] == "expired"))
        ind = self.all_items(L + "/licences", {"kind": "industrial"}, self.officer)
        self.assertTrue(ind and all(x["licence_no"].startswith("(藏)XK") for x in ind))
        by_no = self.srv.get(L + "/licences", query={"q": self.licence["licence_no"]},
                             auth=self.officer).json["items"]
        self.assertEqual([x["id"] for x in by_no], [self.licence["id"]])
        cat = self.licence["categories"][0]
        with_cat = self.all_items(L + "/licences", {"category": cat}, self.officer)
        self.assertTrue(all(cat in x["categories"] for x in with_cat))
        self.assertEqual(len(with_cat), sum(1 for x in everything if cat in x["categories"]))
        r = self.srv.get(L + "/licences", query={"status": "lost"}, auth=self.officer)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"]["field"], "status")
        # an enterprise: its own only, and another's licence is not found
        own = self.all_items(L + "/licences", {}, self.firm)
        self.assertTrue(own)
        self.assertTrue(all(x["holder"] == self.holder for x in own))
        other = next(x for x in everything if x["holder"] != self.holder)
        self.assertEqual(self.srv.get(L + "/licences/" + other["id"], auth=self.firm).status, 404)
        self.assertEqual(self.srv.get(L + "/licences/" + self.licence["id"],
                                      auth=self.firm).status, 200)
        # a Shigatse licence is not found for Lhasa
        shigatse = next(x for x in everything if x["region_code"].startswith("5402"))
        self.assertEqual(self.srv.get(L + "/licences/" + shigatse["id"], auth=self.lhasa).status,
                         404)

    def test_get_and_certificate(self):
        r = self.srv.get(L + "/licences/" + self.licence["id"], auth=self.officer)
        self.assertEqual(r.status, 200, jzapi.describe(r))
        self.assertEqual(r.json["licence_no"], self.licence["licence_no"])
        self.assertIn("checks", r.json)
        self.assertTrue(r.json["category_names"][0]["name_zh"])
        self.assertEqual(r.headers["ETag"], '"%d"' % r.json["version"])
        r = self.srv.get(L + "/licences/%s/certificate.pdf" % self.licence["id"], auth=self.firm)
        self.assertEqual(r.status, 200, jzapi.describe(r))
        self.assertEqual(r.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", r.headers["Content-Disposition"])
        self.assertIn(".pdf", r.headers["Content-Disposition"])
        self.assertTrue(r.body.startswith(b"%PDF-"))
        if shutil.which("pdftotext") is None:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        tmp = tempfile.mkdtemp(prefix="lc-cert-")
        try:
            path = os.path.join(tmp, "c.pdf")
            with open(path, "wb") as f:
                f.write(r.body)
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                                  stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
        finally:
            shutil.rmtree(tmp)
        squeezed = "".join(text.split())
        self.assertIn("食品生产许可证", squeezed)
        self.assertIn(self.licence["licence_no"], squeezed)
        self.assertIn("".join(self.licence["holder_name"].split()), squeezed)
        self.assertIn(self.holder, squeezed)
        # unknown licence
        r = self.srv.get(L + "/licences/999999999/certificate.pdf", auth=self.officer)
        self.assertEqual(r.status, 404)

    def counts(self, by):
        r = self.srv.get(L + "/stats/valid", query={"by": by}, auth=self.officer)
        self.assertEqual(r.status, 200, jzapi.describe(r))
        return r.json

    def test_status_actions_and_counts(self):
        everything = self.all_items(L + "/licences", {"status": "valid", "kind": "food",
                                                      "region": "540100"}, self.officer)
        lic = everything[-1]
        path = L + "/licences/%s/actions/suspend" % lic["id"]
        # an officer without licensing.approve
        r = self.srv.post(path, {"reason": "抽检不合格"}, auth=self.officer)
        self.assertEqual(r.status, 403, jzapi.describe(r))
        # reason required, named
        r = self.srv.post(path, {}, auth=self.leader)
        self.assertEqual(r.status, 400, jzapi.describe(r))
        self.assertEqual(r.json["error"]["field"], "reason")
        r = self.srv.post(path, {"reason": "   "}, auth=self.leader)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"]["field"], "reason")
        r = self.srv.post(L + "/licences/%s/actions/burn" % lic["id"], {"reason": "x"},
                          auth=self.leader)
        self.assertEqual(r.status, 404)
        same = self.srv.get(L + "/licences/" + lic["id"], auth=self.officer).json
        self.assertEqual(same["version"], lic["version"])
        self.assertEqual(same["status"], "valid")

        pref = self.counts("prefecture")
        cats = self.counts("category")
        before_p = {x["code"]: x["count"] for x in pref["items"]}
        before_c = {x["code"]: x["count"] for x in cats["items"]}
        self.assertEqual(pref["total"], sum(before_p.values()))
        valid_all = self.all_items(L + "/licences", {"status": "valid", "limit": "500"},
                                   self.officer)
        self.assertEqual(pref["total"], len(valid_all))
        self.assertEqual(before_p.get("540100"),
                         sum(1 for x in valid_all if x["region_code"].startswith("5401")))
        for code in before_c:
            self.assertEqual(before_c[code],
                             sum(1 for x in valid_all if code in x["categories"]), code)
        self.assertTrue(any(x["name_zh"] for x in pref["items"]))

        r = self.srv.post(path, {"reason": "抽检不合格，责令整改"}, auth=self.leader,
                          headers={"If-Match": '"%d"' % lic["version"]})
        self.assertEqual(r.status, 200, jzapi.describe(r))
        self.assertEqual(r.json["status"], "suspended")
        self.assertEqual(r.json["status_reason"], "抽检不合格，责令整改")
        r = self.srv.post(path, {"reason": "again"}, auth=self.leader)
        self.assertEqual(r.status, 409)
        after_p = {x["code"]: x["count"] for x in self.counts("prefecture")["items"]}
        after_c = {x["code"]: x["count"] for x in self.counts("category")["items"]}
        self.assertEqual(after_p["540100"], before_p["540100"] - 1)
        for code in lic["categories"]:
            self.assertEqual(after_c.get(code, 0), before_c[code] - 1)
        r = self.srv.post(L + "/licences/%s/actions/restore" % lic["id"], {"reason": "已整改"},
                          auth=self.leader)
        self.assertEqual(r.status, 200, jzapi.describe(r))
        self.assertEqual(r.json["status"], "valid")
        self.assertEqual({x["code"]: x["count"] for x in self.counts("category")["items"]},
                         before_c)
        r = self.srv.get(L + "/stats/valid", query={"by": "county"}, auth=self.officer)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"]["field"], "by")

    def test_checks_and_due(self):
        due = self.all_items(L + "/checks/due", {"limit": "50"}, self.officer)
        self.assertTrue(due, "the demo has licences overdue for a check")
        days = [x["next_check_due"] for x in due]
        self.assertEqual(days, sorted(days))
        self.assertTrue(all(d <= str(TODAY) for d in days))
        self.assertTrue(all(x["status"] == "valid" for x in due))
        self.assertTrue(any(x["check_overdue"] for x in due))
        later = self.all_items(L + "/checks/due",
                               {"before": str(TODAY + datetime.timedelta(days=60))},
                               self.officer)
        self.assertGreaterEqual(len(later), len(due))
        lhasa = self.all_items(L + "/checks/due", {}, self.lhasa)
        self.assertTrue(all(x["region_code"].startswith("5401") for x in lhasa))
        lic = next(x for x in due if x["region_code"].startswith("5401"))
        path = L + "/licences/%s/checks" % lic["id"]
        body = {"checked_on": str(TODAY), "inspectors": "次仁、卓玛", "result": "conforming",
                "findings": "生产条件与许可时一致"}
        r = self.srv.post(path, dict(body, checked_on=str(TODAY + datetime.timedelta(days=1))),
                          auth=self.lhasa)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"]["field"], "checked_on")
        r = self.srv.post(path, dict(body, result="rectify"), auth=self.lhasa)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"]["field"], "rectify_by")
        r = self.srv.post(path, dict(body, result="fine"), auth=self.lhasa)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"]["field"], "result")
        r = self.srv.post(path, {k: v for k, v in body.items() if k != "findings"},
                          auth=self.lhasa)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"]["field"], "findings")
        self.assertEqual(self.srv.post(path, body, auth=self.firm).status, 403)
        r = self.srv.post(path, body, auth=self.lhasa)
        self.assertEqual(r.status, 201, jzapi.describe(r))
        self.assertEqual(r.json["result"], "conforming")
        got = self.srv.get(L + "/licences/" + lic["id"], auth=self.officer).json
        self.assertEqual(got["last_check_on"], str(TODAY))
        self.assertEqual(got["next_check_due"], str(add_months(TODAY, 12)))
        self.assertFalse(got["check_overdue"])
        self.assertEqual(got["checks"][0]["findings"], "生产条件与许可时一致")
        r = self.srv.get(path, auth=self.officer)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["items"][0]["id"], got["checks"][0]["id"])
        ids = {x["id"] for x in self.all_items(L + "/checks/due", {}, self.officer)}
        self.assertNotIn(lic["id"], ids)
        # rectify: due at the deadline
        by = str(TODAY + datetime.timedelta(days=30))
        r = self.srv.post(path, dict(body, result="rectify", rectify_by=by,
                                     findings="记录不全"), auth=self.lhasa)
        self.assertEqual(r.status, 201, jzapi.describe(r))
        got = self.srv.get(L + "/licences/" + lic["id"], auth=self.officer).json
        self.assertEqual(got["next_check_due"], by)


if __name__ == "__main__":
    unittest.main()

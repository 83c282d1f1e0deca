"""
The verifiable double-random draw over HTTP against the live server with demo data: sampling
officers made through the accounts API, a plan with a task made and approved through the
plans API; prepare (inputs and commitment published at once, the seed kept back), draw with a
witness, and the public verification. An INDEPENDENT Python implementation of the algorithm
in docs/design/sampling.md recomputes the published result from the public JSON alone and
must give the same bytes. Also: too many producers asked for (400, nothing written), a second
draw (409), cancelling, bad witnesses, a task out of the caller's scope (404), and the visits
of one draw avoided by the next.
"""
import datetime
import hashlib
import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402

PASSWORD = "Qomolangma-8848!"
TODAY = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()
PUBLIC = "/api/v1/public/sampling/draws/"


# ---- the draw, re-implemented from the design text only ------------------------------------

def sha256(b):
    return hashlib.sha256(b).digest()


def uniform(key, label, k, w):
    """uniform(L,k,W): the first x = rand(L,k,a) below 2^64 - (2^64 mod W), mod W."""
    limit = 2 ** 64 - (2 ** 64 % w)
    a = 0
    while True:
        x = int.from_bytes(sha256(key + label.encode() + struct.pack(">II", k, a))[:8], "big")
        if x < limit:
            return x % w
        a += 1


def redraw(inputs, seed, witness):
    """The result JSON text of a draw from its published inputs, seed and witness."""
    key = sha256(seed + witness.encode("utf-8"))
    left = list(inputs["candidates"])
    picks = []
    for k in range(inputs["count"]):
        total = sum(c["weight"] for c in left)
        t = uniform(key, "producer", k, total)
        run = 0
        for pos, c in enumerate(left):
            run += c["weight"]
            if run > t:
                break
        c = left.pop(pos)
        eligible = [x for x in inputs["inspectors"]
                    if x["county"] != c["county"] and c["credit_code"] not in x["avoid"]]
        chosen = []
        for j in range(inputs["inspectors_each"]):
            t = uniform(key, "inspector", k * 16 + j, len(eligible))
            chosen.append(eligible.pop(t)["login"])
        picks.append({"credit_code": c["credit_code"], "county": c["county"],
                      "inspectors": chosen})
    return json.dumps({"picks": picks}, separators=(",", ":"), ensure_ascii=False)


# ---- the tests -----------------------------------------------------------------------------

OFFICERS = [("dr.lhasa1", "540100"), ("dr.lhasa2", "540100"), ("dr.cg1", "540102"),
            ("dr.cg2", "540102"), ("dr.dl1", "540103"), ("dr.lz1", "540121"),
            ("dr.region", "540000")]


class DrawTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        for login, unit in OFFICERS:
            r = srv.post("/api/v1/accounts", {"login": login, "display_name": "抽样员 " + login,
                                              "org_unit": unit, "roles": ["sampling_officer"],
                                              "password": PASSWORD})
            assert r.status == 201, jzapi.describe(r)
        cls.task = cls.make_task(540100, 540100)

    @classmethod
    def make_task(cls, plan_region, task_region):
        """A task of an approved plan, made through the plans API (retried a while: the
        plans part may still be starting)."""
        srv = cls.srv
        deadline = time.time() + 20
        while True:
            r = srv.post("/api/v1/sampling/plans", {
                "year": TODAY.year, "title": "%d 年糌粑监督抽查" % TODAY.year,
                "region_code": plan_region, "weighted": True})
            if r.status == 201 or time.time() > deadline:
                break
            time.sleep(1)
        assert r.status == 201, jzapi.describe(r)
        plan = r.json["id"]
        r = srv.post("/api/v1/sampling/plans/%s/tasks" % plan,
                     {"product": "TSAMPA", "region_code": task_region, "planned": 5})
        assert r.status == 201, jzapi.describe(r)
        task = r.json["id"]
        r = srv.post("/api/v1/sampling/plans/%s/approve" % plan, {})
        assert r.status == 200, jzapi.describe(r)
        return task

    def prepare(self, count, task=None, each=None, status=201, **kw):
        body = {"count": count}
        if each is not None:
            body["inspectors_each"] = each
        r = self.srv.post("/api/v1/sampling/tasks/%s/draws" % (task or self.task), body, **kw)
        self.assertStatus(r, status)
        return r.json

    def draws_of(self, task=None):
        r = self.srv.get("/api/v1/sampling/tasks/%s/draws" % (task or self.task))
        self.assertStatus(r, 200)
        return r.json["items"]

    def test_prepare_draw_verify(self):
        d = self.prepare(3)
        self.assertEqual(d["status"], "prepared")
        self.assertRegex(d["commitment"], "^[0-9a-f]{64}$")
        self.assertIsNone(d["seed"])
        inputs = json.loads(d["inputs"])
        self.assertEqual(inputs["count"], 3)
        self.assertEqual(inputs["inspectors_each"], 2)
        self.assertEqual(inputs["product"], "TSAMPA")
        self.assertTrue(inputs["weighted"])
        self.assertGreaterEqual(len(inputs["candidates"]), 3)
        codes = [c["credit_code"] for c in inputs["candidates"]]
        self.assertEqual(codes, sorted(codes))
        logins = [x["login"] for x in inputs["inspectors"]]
        self.assertEqual(logins, sorted(logins))
        for login, unit in OFFICERS:
            # officers of the plan's region and below; the region's own officer is not
            if unit.startswith("5401"):
                self.assertIn(login, logins)
            else:
                self.assertNotIn(login, logins)
        # canonical: the text is exactly what a compact writer makes of it
        self.assertEqual(d["inputs"], json.dumps(inputs, separators=(",", ":"),
                                                 ensure_ascii=False))
        for c in inputs["candidates"]:
            self.assertTrue(str(c["county"]).startswith("5401"))
            self.assertIn(c["weight"], (1, 3))

        # Public before the draw: the inputs and commitment, no seed, nothing to verify.
        p = self.srv.get(PUBLIC + d["id"], auth=False)
        self.assertStatus(p, 200)
        self.assertEqual(p.json["inputs"], d["inputs"])
        self.assertEqual(p.json["commitment"], d["commitment"])
        self.assertIsNone(p.json["seed"])
        self.assertIsNone(p.json["result"])
        self.assertNotIn("prepared_by", p.json)
        self.assertError(self.srv.get(PUBLIC + d["id"] + "/verify", auth=False), 409)
        self.assertIsNone(self.srv.get("/api/v1/sampling/draws/" + d["id"]).json["seed"])

        witness = "福彩 3D 第2026101期 7 4 1 / ཚེ་རིང་"
        r = self.srv.post("/api/v1/sampling/draws/%s/draw" % d["id"], {"witness": witness})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "drawn")
        self.assertEqual(r.json["witness"], witness)

        # Everything below uses only what the public sees.
        p = self.srv.get(PUBLIC + d["id"], auth=False).json
        seed = bytes.fromhex(p["seed"])
        self.assertEqual(len(seed), 32)
        self.assertEqual(hashlib.sha256(seed).hexdigest(), p["commitment"])
        mine = redraw(json.loads(p["inputs"]), seed, p["witness"])
        self.assertEqual(mine.encode(), p["result"].encode())
        result = json.loads(p["result"])["picks"]
        self.assertEqual(len(result), 3)
        self.assertEqual(len({x["credit_code"] for x in result}), 3)
        by_login = {x["login"]: x for x in inputs["inspectors"]}
        for pk in result:
            self.assertEqual(len(set(pk["inspectors"])), 2)
            for login in pk["inspectors"]:
                self.assertNotEqual(by_login[login]["county"], pk["county"])
                self.assertNotIn(pk["credit_code"], by_login[login]["avoid"])

        v = self.srv.get(PUBLIC + d["id"] + "/verify", auth=False)
        self.assertStatus(v, 200)
        self.assertIs(v.json["commitment_ok"], True)
        self.assertIs(v.json["result_ok"], True)
        self.assertEqual(v.json["result"], p["result"])

        # Drawn once only.
        r = self.srv.post("/api/v1/sampling/draws/%s/draw" % d["id"], {"witness": "again"})
        self.assertError(r, 409)
        self.assertEqual(self.srv.get(PUBLIC + d["id"], auth=False).json["result"], p["result"])

        # The next draw's inputs: each inspector avoids the producers just visited.
        d2 = self.prepare(1)
        inputs2 = json.loads(d2["inputs"])
        inspectors = {x["login"]: x for x in inputs2["inspectors"]}
        few = {x["credit_code"] for x in inputs2["excluded"] if x["reason"] == "few_inspectors"}
        for pk in result:
            if pk["credit_code"] in few:
                continue
            for login in pk["inspectors"]:
                self.assertIn(pk["credit_code"], inspectors[login]["avoid"])
        self.assertIn(d["id"], [x["id"] for x in self.draws_of()])
        self.assertStatus(self.srv.post("/api/v1/sampling/draws/%s/cancel" % d2["id"]), 200)

    def test_too_many_writes_nothing(self):
        d = self.prepare(1)
        n = len(json.loads(d["inputs"])["candidates"])
        self.assertStatus(self.srv.post("/api/v1/sampling/draws/%s/cancel" % d["id"]), 200)
        before = len(self.draws_of())
        r = self.srv.post("/api/v1/sampling/tasks/%s/draws" % self.task, {"count": n + 1})
        self.assertError(r, 400, "too_many", "count")
        msg = r.json["error"]["message"]
        self.assertIn(str(n + 1), msg)
        self.assertIn(str(n), msg.replace(str(n + 1), ""))
        self.assertEqual(len(self.draws_of()), before)
        for body, field in (({"count": 0}, "count"), ({"count": "3"}, "count"), ({}, "count"),
                            ({"count": 1, "inspectors_each": 6}, "inspectors_each"),
                            ({"count": 1, "extra": 1}, "extra")):
            r = self.srv.post("/api/v1/sampling/tasks/%s/draws" % self.task, body)
            self.assertError(r, 400, field=field)
        self.assertEqual(len(self.draws_of()), before)

    def test_cancel_and_witness(self):
        d = self.prepare(1)
        for w in ("", "x" * 201, "a\u0001b", 7):
            r = self.srv.post("/api/v1/sampling/draws/%s/draw" % d["id"], {"witness": w})
            self.assertError(r, 400, field="witness")
        r = self.srv.post("/api/v1/sampling/draws/%s/cancel" % d["id"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "cancelled")
        self.assertError(self.srv.post("/api/v1/sampling/draws/%s/cancel" % d["id"]), 409)
        r = self.srv.post("/api/v1/sampling/draws/%s/draw" % d["id"], {"witness": "x" * 200})
        self.assertError(r, 409)
        p = self.srv.get(PUBLIC + d["id"], auth=False).json
        self.assertEqual(p["status"], "cancelled")
        self.assertIsNone(p["seed"])
        self.assertError(self.srv.get(PUBLIC + "999999999", auth=False), 404)

    def test_out_of_scope(self):
        tok = self.srv.make_token("dr.shigatse", PASSWORD, "540200", ["sampling_officer"],
                                  ["sampling:read", "sampling:write"])
        r = self.srv.post("/api/v1/sampling/tasks/%s/draws" % self.task, {"count": 1}, auth=tok)
        self.assertError(r, 404)
        self.assertError(self.srv.get("/api/v1/sampling/tasks/%s/draws" % self.task, auth=tok),
                         404)
        d = self.prepare(1)
        self.assertError(self.srv.get("/api/v1/sampling/draws/" + d["id"], auth=tok), 404)
        r = self.srv.post("/api/v1/sampling/draws/%s/draw" % d["id"], {"witness": "1"},
                          auth=tok)
        self.assertError(r, 404)
        self.assertEqual(self.srv.get("/api/v1/sampling/draws/" + d["id"]).json["status"],
                         "prepared")
        self.assertStatus(self.srv.post("/api/v1/sampling/draws/%s/cancel" % d["id"]), 200)


if __name__ == "__main__":
    jzapi.main()

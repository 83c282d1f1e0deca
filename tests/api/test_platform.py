"""
Platform behaviour of the HTTP API: health and version, 404/405, request ids and security
headers, the OpenAPI document against the routes actually served, limits (header size,
body size, conflicting Content-Length), robustness against garbage on raw sockets, and the
orderly stop on SIGTERM with requests in flight.
"""
import csv
import http.client
import io
import json
import os
import random
import re
import urllib.parse
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import code_path, describe, make_code, status_of  # noqa: E402

KNOWN_ENDPOINTS = [
    ("get", "/api/v1/health"),
    ("get", "/api/v1/version"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/regions"),
    ("get", "/api/v1/regions/{}"),
    ("get", "/api/v1/enterprises"),
    ("post", "/api/v1/enterprises"),
    ("post", "/api/v1/enterprises/import"),
    ("get", "/api/v1/enterprises/{}"),
    ("patch", "/api/v1/enterprises/{}"),
    ("get", "/api/v1/codes/uscc/{}"),
]

HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]


def norm_path(p):
    return re.sub(r"\{[^}]*\}", "{}", p)


def project_version():
    src = os.path.join(jzapi.SOURCE_DIR, "CMakeLists.txt")
    try:
        with open(src, encoding="utf-8") as f:
            m = re.search(r"project\(\s*jinzhi\s+VERSION\s+([0-9][0-9.]*)", f.read())
            return m.group(1) if m else None
    except OSError:
        return None


def minimal_enterprise(code, **kw):
    d = {"credit_code": code, "name": "平台测试企业" + code[-4:], "region_code": 540102,
         "industry": "C"}
    d.update(kw)
    return d


class Schema:
    """A small validator for the subset of OpenAPI schemas the document uses: $ref, type
    (a string, or a list as in OpenAPI 3.1), nullable, properties, required,
    additionalProperties false, items, enum, maxLength."""

    def __init__(self, doc):
        self.schemas = doc.get("components", {}).get("schemas", {})

    def resolve(self, s):
        while "$ref" in s:
            ref = s["$ref"]
            assert ref.startswith("#/components/schemas/"), ref
            s = self.schemas[ref.rsplit("/", 1)[1]]
        return s

    def errors(self, value, schema, path="$"):
        s = self.resolve(schema)
        out = []
        types = s.get("type")
        if types is not None:
            types = list(types) if isinstance(types, list) else [types]
            if s.get("nullable"):
                types.append("null")
            if not any(self._is(value, t) for t in types):
                return ["%s: %r is not of type %s" % (path, value, types)]
        if value is None:
            return out
        if "enum" in s and value not in s["enum"]:
            out.append("%s: %r not in enum %r" % (path, value, s["enum"]))
        if isinstance(value, str) and "maxLength" in s and len(value) > s["maxLength"]:
            out.append("%s: longer than maxLength %d" % (path, s["maxLength"]))
        if isinstance(value, dict):
            props = s.get("properties", {})
            for k in s.get("required", []):
                if k not in value:
                    out.append("%s: required property %r missing" % (path, k))
            for k, v in value.items():
                if k in props:
                    out.extend(self.errors(v, props[k], path + "." + k))
                elif s.get("additionalProperties") is False:
                    out.append("%s: property %r is not in the schema (additionalProperties "
                               "false)" % (path, k))
        if isinstance(value, list) and "items" in s:
            for i, v in enumerate(value):
                out.extend(self.errors(v, s["items"], "%s[%d]" % (path, i)))
        return out

    @staticmethod
    def _is(v, t):
        return {
            "null": v is None,
            "string": isinstance(v, str),
            "integer": isinstance(v, int) and not isinstance(v, bool),
            "number": isinstance(v, (int, float)) and not isinstance(v, bool),
            "boolean": isinstance(v, bool),
            "object": isinstance(v, dict),
            "array": isinstance(v, list),
        }.get(t, False)


class PlatformTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.srv.get("/api/v1/enterprises?limit=1")
        assert r.status == 200, describe(r)
        cls.some_code = r.json["items"][0]["credit_code"]
        r = cls.srv.get("/api/v1/openapi.json")
        cls.openapi = r

    # -- basics --------------------------------------------------------------------------

    def test_health(self):
        r = self.srv.get("/api/v1/health")
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"status": "ok"})
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"),
                        r.headers.get("Content-Type"))

    def test_head_health(self):
        r = self.srv.request("HEAD", "/api/v1/health")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, b"")

    def test_version(self):
        r = self.srv.get("/api/v1/version")
        self.assertStatus(r, 200)
        self.assertEqual(r.json.get("name"), "jinzhi")
        self.assertRegex(r.json.get("version", ""), r"^\d+\.\d+\.\d+")
        pv = project_version()
        if pv:
            self.assertEqual(r.json["version"], pv, "version differs from CMakeLists.txt")

    def test_unknown_paths_404(self):
        for path in ["/api/v1/nope", "/api/v2/health", "/", "/api/v1/health/extra",
                     "/api/v1/enterprises/%s/extra" % self.some_code, "/api/v1",
                     "/api/v1/regions/540100/children", "/favicon.ico",
                     "/api/v1/HEALTH"]:
            with self.subTest(path=path):
                r = self.srv.get(path)
                self.assertError(r, 404, "not_found", None)
                self.assertIsNotNone(r.headers.get("X-Request-Id"))

    def test_wrong_method_405(self):
        cases = [("DELETE", "/api/v1/health"), ("POST", "/api/v1/health"),
                 ("POST", "/api/v1/version"), ("PUT", "/api/v1/enterprises"),
                 ("DELETE", "/api/v1/enterprises"), ("POST", "/api/v1/regions"),
                 ("PATCH", "/api/v1/regions/540100"), ("DELETE", code_path(self.some_code)),
                 ("PUT", code_path(self.some_code))]
        for method, path in cases:
            with self.subTest(method=method, path=path):
                r = self.srv.request(method, path, body=b"{}" if method != "GET" else None,
                                     headers={"Content-Type": "application/json"}
                                     if method != "GET" else None)
                self.assertError(r, 405, "method_not_allowed", None)

    def test_405_has_allow_header(self):
        # RFC 9110 15.5.6: a 405 response MUST carry an Allow header listing the methods.
        r = self.srv.request("DELETE", "/api/v1/enterprises")
        self.assertStatus(r, 405)
        allow = r.headers.get("Allow")
        self.assertIsNotNone(allow, "405 without an Allow header")
        methods = {m.strip().upper() for m in allow.split(",")}
        self.assertTrue({"GET", "POST"} <= methods, allow)

    def test_request_id_generated(self):
        ids = set()
        for _ in range(5):
            r = self.srv.get("/api/v1/health")
            rid = r.headers.get("X-Request-Id")
            self.assertTrue(rid, "no X-Request-Id")
            self.assertRegex(rid, r"^[A-Za-z0-9_-]{8,64}$")
            ids.add(rid)
        self.assertEqual(len(ids), 5, "request ids repeat: %r" % ids)

    def test_request_id_echoed(self):
        for rid in ["abc-123_XYZ", "trace-0001", "A", "x" * 23]:
            with self.subTest(rid=rid):
                r = self.srv.get("/api/v1/health", headers={"X-Request-Id": rid})
                self.assertEqual(r.headers.get("X-Request-Id"), rid)
        # Echoed on errors too.
        r = self.srv.get("/api/v1/nope", headers={"X-Request-Id": "err-trace-7"})
        self.assertEqual(r.status, 404)
        self.assertEqual(r.headers.get("X-Request-Id"), "err-trace-7")

    def test_request_id_insane_replaced(self):
        for rid in ["has space", "x" * 24, "x" * 200, "<script>", "semi;colon", "a/b", "\u00e9t\u00e9"]:
            with self.subTest(rid=rid):
                enc = rid.encode("utf-8").decode("latin-1")
                r = self.srv.get("/api/v1/health", headers={"X-Request-Id": enc})
                self.assertEqual(r.status, 200)
                got = r.headers.get("X-Request-Id")
                self.assertTrue(got, "no X-Request-Id")
                self.assertNotEqual(got, enc)
                self.assertRegex(got, r"^[A-Za-z0-9_-]{8,64}$")

    def test_security_headers_everywhere(self):
        responses = {
            "200 json": self.srv.get("/api/v1/health"),
            "200 list": self.srv.get("/api/v1/enterprises?limit=1"),
            "404": self.srv.get("/api/v1/nope"),
            "405": self.srv.request("DELETE", "/api/v1/health"),
            "400": self.srv.get("/api/v1/enterprises?limit=0"),
            "415": self.srv.post("/api/v1/enterprises", body=b"x=1",
                                 content_type="text/plain"),
            "404 enterprise": self.srv.get(code_path(make_code(99999999))),
            "csv": self.srv.get("/api/v1/enterprises?format=csv&region=542521"),
        }
        for name, r in responses.items():
            with self.subTest(response=name):
                self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff",
                                 describe(r))
                self.assertTrue(r.headers.get("X-Request-Id"), describe(r))
                self.assertTrue(r.headers.get("Content-Type"), describe(r))

    def test_error_bodies_are_json_with_code_message_field(self):
        for r in [self.srv.get("/api/v1/nope"), self.srv.request("DELETE", "/api/v1/health"),
                  self.srv.get("/api/v1/enterprises?limit=x")]:
            self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"))
            e = r.json["error"]
            self.assertEqual(set(e), {"code", "message", "field"}, describe(r))

    # -- OpenAPI -------------------------------------------------------------------------

    def doc(self):
        r = self.openapi
        self.assertStatus(r, 200)
        self.assertIsInstance(r.json, dict, "openapi.json is not a JSON object")
        return r.json

    def test_openapi_is_valid_json_3x(self):
        d = self.doc()
        self.assertRegex(d.get("openapi", ""), r"^3\.\d+\.\d+$")
        self.assertIsInstance(d.get("info", {}).get("title"), str)
        self.assertIsInstance(d.get("info", {}).get("version"), str)
        self.assertIsInstance(d.get("paths"), dict)
        self.assertTrue(d["paths"])
        pv = project_version()
        if pv:
            self.assertEqual(d["info"]["version"], pv)
        for path, item in d["paths"].items():
            # The API, and the public pages routed beside it (the equipment stickers' /e/,
            # sampling announcements' /s/, licence verification's /v/).
            self.assertTrue(path.startswith(("/api/v1/", "/e/", "/s/", "/v/")), path)
            for method, op in item.items():
                with self.subTest(path=path, method=method):
                    self.assertIn(method, HTTP_METHODS)
                    self.assertIn("responses", op)
                    self.assertTrue(any(re.fullmatch(r"[1-5]\d\d", k) for k in op["responses"]),
                                    op["responses"])
                    declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
                    self.assertEqual(declared, set(re.findall(r"\{([^}]*)\}", path)))

    def test_openapi_refs_resolve(self):
        d = self.doc()
        schemas = d.get("components", {}).get("schemas", {})
        refs = re.findall(r'"\$ref":\s*"([^"]*)"', json.dumps(d))
        self.assertTrue(refs)
        for ref in refs:
            with self.subTest(ref=ref):
                self.assertTrue(ref.startswith("#/components/schemas/"), ref)
                self.assertIn(ref.rsplit("/", 1)[1], schemas)

    def test_openapi_schema_types_fit_the_declared_version(self):
        # OpenAPI 3.0.x Schema Objects take "type" as a single string (null via
        # "nullable": true); a list of types is OpenAPI 3.1 / JSON Schema 2020-12.
        d = self.doc()
        if not d.get("openapi", "").startswith("3.0"):
            self.skipTest("document is not OpenAPI 3.0")
        bad = []

        def walk(node, where):
            if isinstance(node, dict):
                t = node.get("type")
                if t is not None and not isinstance(t, str):
                    bad.append("%s: type %r" % (where, t))
                for k, v in node.items():
                    walk(v, where + "/" + k)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, "%s[%d]" % (where, i))

        walk(d.get("components", {}), "#/components")
        self.assertEqual(bad, [], "type lists are not OpenAPI %s (first: %s)"
                         % (d["openapi"], bad[:3]))

    def test_openapi_lists_known_endpoints(self):
        d = self.doc()
        documented = {(m, norm_path(p)) for p, item in d["paths"].items() for m in item}
        for ep in KNOWN_ENDPOINTS:
            with self.subTest(endpoint=ep):
                self.assertIn(ep, documented)

    def some_unit(self):
        """The device code of a unit: the demo's first, or one registered here."""
        items = self.srv.get("/api/v1/equipment/units", query={"limit": "1"}).json["items"]
        if items:
            return items[0]["device_code"]
        r = self.srv.post("/api/v1/equipment/units", json_body={
            "device_code": "110012345202099999", "category": "1100", "name": "锅炉",
            "use_unit": self.some_code, "region_code": 540102, "commissioned_on": "2024-01-01"})
        self.assertEqual(r.status, 201, describe(r))
        # With history, so that the DELETE of the sweep is refused and the unit stays.
        code = r.json["device_code"]
        r = self.srv.post("/api/v1/equipment/units/%s/inspections" % code, json_body={
            "kind": "periodic", "institution": "i", "inspector": "p",
            "inspected_on": "2025-01-02", "conclusion": "pass"})
        self.assertEqual(r.status, 201, describe(r))
        return code

    def substitute(self, path):
        """A real value for each {param}: a credit code where the path is about enterprises
        or codes, a region code for regions."""
        def value(m):
            name = m.group(1)
            if name == "credit_code" or "/codes/" in path or "/enterprises/" in path:
                return self.some_code
            if "/regions/" in path:
                return "540100"
            if name == "login":
                return jzapi.ADMIN_LOGIN
            if name == "name" and "/roles/" in path:
                return "leader"
            if name == "device_code":
                return self.some_unit()
            if "/sampling/" in path or path.startswith("/s/"):
                return self.some_sampling(path, name)
            if "/licensing/" in path or path.startswith("/v/"):
                return self.some_licensing(path, name)
            if name == "year":
                return "2026"
            m2 = re.match(r"/api/v1/equipment/(operators|accidents|campaigns|cylinders)/", path)
            if m2 and name == "id":
                items = self.srv.get("/api/v1/equipment/" + m2.group(1),
                                     query={"limit": "1"}).json.get("items") or []
                if items:
                    return str(items[0]["id"])
            return "1"
        return re.sub(r"\{([^}]*)\}", value, path)

    def first_id(self, path, key="id", query=None):
        q = {"limit": "1"}
        q.update(query or {})
        items = self.srv.get(path, query=q).json.get("items") or []
        return str(items[0][key]) if items else "1"

    def some_sampling(self, path, name):
        """A real key of the demo's sampling records for a {param} of a sampling path."""
        S = "/api/v1/sampling"
        if name == "code":
            return "RICE"
        if name == "number" or "/announcements/" in path:
            if path.startswith("/s/") or "/public/" in path:
                return self.first_id("/api/v1/public/sampling/announcements", "number")
            return self.first_id(S + "/announcements")
        if "/plans/" in path:
            return self.first_id(S + "/plans")
        if "/labs/" in path:
            return self.first_id(S + "/labs")
        if "/tasks/" in path:
            plan = self.first_id(S + "/plans", query={"status": "approved"})
            return self.first_id(S + "/plans/%s/tasks" % plan)
        if "/draws/" in path:
            plan = self.first_id(S + "/plans", query={"status": "approved"})
            task = self.first_id(S + "/plans/%s/tasks" % plan)
            r = self.srv.post(S + "/tasks/%s/draws" % task, {"count": 1})
            return str(r.json["id"]) if r.status == 201 else "1"
        if "/attachments/" in path:
            sample = self.first_id(S + "/samples")
            att = self.srv.get(S + "/samples/%s/attachments" % sample).json.get("items")
            if not att:
                png = (b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
                att = [self.srv.request("POST", S + "/samples/%s/attachments" % sample,
                                        body=png, content_type="image/png",
                                        query={"kind": "photo", "name": "p.png"}).json]
            return str(att[0].get("id", 1))
        if "/objection" in path or "/retest/" in path:
            for x in self.srv.get(S + "/samples", query={"status": "approved", "verdict": "fail",
                                                         "limit": "300"}).json["items"]:
                if self.srv.get(S + "/samples/%s/objection" % x["id"]).status == 200:
                    return str(x["id"])
            return "1"
        if "/followups/" in path:
            return self.first_id(S + "/followups")
        return self.first_id(S + "/samples")

    def some_licensing(self, path, name):
        """A real key of the demo's licensing records for a {param} of a licensing path."""
        L = "/api/v1/licensing"
        if name == "licence_no":
            return urllib.parse.quote(self.first_id(L + "/licences", "licence_no"), safe="")
        if name == "action":
            return "suspend" if "/licences/" in path else "accept"
        if "/licences/" in path:
            return self.first_id(L + "/licences")
        if name == "aid" or "/attachments" in path:
            for a in self.srv.get(L + "/applications", query={"limit": "100"}).json["items"]:
                att = self.srv.get(L + "/applications/%s/attachments" % a["id"]).json
                if att.get("items"):
                    return str(att["items"][0]["id"] if name == "aid" else a["id"])
        return self.first_id(L + "/applications")

    def call_operation(self, method, path, documented=True):
        url = self.substitute(path)
        self.assertNotIn("{", url, "unknown path parameter in %s" % path)
        m = method.upper()
        if documented and path.endswith("/import"):
            return self.srv.request(m, url + "?dry_run=true",
                                    body=b"credit_code,name,region_code,industry\r\n",
                                    content_type="text/csv")
        if m in ("POST", "PATCH", "PUT"):
            return self.srv.request(m, url, json_body={})
        return self.srv.request(m, url)

    def test_openapi_every_operation_is_served(self):
        d = self.doc()
        for path, item in d["paths"].items():
            for method in item:
                with self.subTest(method=method, path=path):
                    r = self.call_operation(method, path)
                    self.assertNotIn(r.status, (404, 405), describe(r))
                    self.assertLess(r.status, 500, describe(r))

    def test_openapi_documents_every_served_method(self):
        # The converse: on each documented path, a method that the document does not list
        # must not be served (404 or 405).
        d = self.doc()
        for path, item in d["paths"].items():
            for method in ["get", "post", "put", "patch", "delete"]:
                if method in item:
                    continue
                with self.subTest(method=method, path=path):
                    r = self.call_operation(method, path, documented=False)
                    self.assertIn(r.status, (404, 405),
                                  "%s %s is served but not documented: %s"
                                  % (method.upper(), path, describe(r)))

    def test_openapi_list_parameters(self):
        d = self.doc()
        op = d["paths"]["/api/v1/enterprises"]["get"]
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        self.assertTrue({"region", "industry", "status", "size", "q", "sort", "limit", "cursor",
                         "count", "format"} <= names, names)
        op = d["paths"]["/api/v1/enterprises/import"]["post"]
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        self.assertTrue({"mode", "dry_run", "encoding"} <= names, names)
        self.assertIn("text/csv", op.get("requestBody", {}).get("content", {}))

    def test_openapi_patch_schema_requires_nothing(self):
        # PATCH takes any subset of fields and rejects credit_code ("immutable"), so the
        # documented patch body must not list required fields.
        d = self.doc()
        op = d["paths"]["/api/v1/enterprises/{credit_code}"]["patch"]
        schema = Schema(d).resolve(op["requestBody"]["content"]["application/json"]["schema"])
        self.assertEqual(schema.get("required", []), [],
                         "EnterprisePatch requires %r, but PATCH rejects credit_code and "
                         "needs none of them" % schema.get("required"))

    def test_openapi_responses_match_schemas(self):
        # Real responses conform to the schemas the document gives for them.
        d = self.doc()
        v = Schema(d)

        def schema_of(path, method, status):
            resp = d["paths"][path][method]["responses"]
            c = resp.get(str(status), resp.get("default"))
            return c["content"]["application/json"]["schema"]

        cases = [
            ("/api/v1/health", "get", self.srv.get("/api/v1/health")),
            ("/api/v1/version", "get", self.srv.get("/api/v1/version")),
            ("/api/v1/regions", "get", self.srv.get("/api/v1/regions")),
            ("/api/v1/regions/{code}", "get", self.srv.get("/api/v1/regions/540100")),
            ("/api/v1/enterprises", "get", self.srv.get("/api/v1/enterprises?limit=20&count=true")),
            ("/api/v1/enterprises/{credit_code}", "get", self.srv.get(code_path(self.some_code))),
            ("/api/v1/enterprises/{credit_code}", "get", self.srv.get(code_path(make_code(1)))),
            ("/api/v1/enterprises", "post",
             self.srv.post("/api/v1/enterprises",
                           json_body=minimal_enterprise(make_code(424242, org_ok=False)))),
            ("/api/v1/enterprises", "post",
             self.srv.post("/api/v1/enterprises", json_body={"name": 1})),
            ("/api/v1/enterprises/import", "post",
             self.srv.request("POST", "/api/v1/enterprises/import?dry_run=true",
                              body=b"credit_code,name,region_code,industry\r\n"
                                   + make_code(5151).encode() + b",x,540102,C\r\n",
                              content_type="text/csv")),
        ]
        for path, method, r in cases:
            with self.subTest(path=path, method=method, status=r.status):
                self.assertIsNotNone(r.json, describe(r))
                errs = v.errors(r.json, schema_of(path, method, r.status))
                self.assertEqual(errs, [], "response %s does not match its schema"
                                 % describe(r)[:300])

    # -- limits --------------------------------------------------------------------------

    def assertHeadHas(self, raw):
        head = raw.partition(b"\r\n\r\n")[0].lower()
        self.assertIn(b"\r\nx-request-id: ", head, raw[:400])
        self.assertIn(b"\r\nx-content-type-options: nosniff", head, raw[:400])

    def test_huge_header_rejected_server_alive(self):
        req = (b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000
               + b"\r\n\r\n")
        resp = self.srv.raw(req, timeout=10, shutdown_write=False)
        st = status_of(resp)
        self.assertIsNotNone(st, "no HTTP response to a 100 KB header: %r" % resp[:200])
        self.assertTrue(400 <= st < 500, resp[:200])
        self.assertEqual(self.srv.get("/api/v1/health").status, 200)

    def test_many_headers_rejected_server_alive(self):
        req = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n" + b"".join(
            b"X-H%d: %s\r\n" % (i, b"v" * 50) for i in range(3000)) + b"\r\n"
        resp = self.srv.raw(req, timeout=10)
        st = status_of(resp)
        self.assertIsNotNone(st, resp[:200])
        self.assertTrue(400 <= st < 500, resp[:200])
        self.assertEqual(self.srv.get("/api/v1/health").status, 200)

    def test_conflicting_content_length_400(self):
        code = make_code(777001)
        body = json.dumps(minimal_enterprise(code)).encode()
        req = (b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\n"
               b"Content-Type: application/json\r\nContent-Length: %d\r\n"
               b"Content-Length: %d\r\n\r\n" % (len(body), len(body) + 5)) + body
        resp = self.srv.raw(req, timeout=10)
        self.assertEqual(status_of(resp), 400, resp[:300])
        self.assertHeadHas(resp)
        self.assertEqual(self.srv.get(code_path(code)).status, 404, "the request was applied")
        self.assertEqual(self.srv.get("/api/v1/health").status, 200)

    def test_oversized_body_413_early(self):
        # Only the head is sent: the answer must come from Content-Length alone.
        for path in ["/api/v1/enterprises", code_path(self.some_code)]:
            method = b"POST" if path == "/api/v1/enterprises" else b"PATCH"
            with self.subTest(path=path):
                s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
                try:
                    s.sendall(method + b" " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                              b"Content-Type: application/json\r\n"
                              b"Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024))
                    t0 = time.monotonic()
                    head = jzapi.recv_response_head(s, 10)
                    self.assertEqual(status_of(head), 413, head[:300])
                    self.assertLess(time.monotonic() - t0, 5)
                    self.assertHeadHas(head)
                finally:
                    s.close()
        self.assertEqual(self.srv.get("/api/v1/health").status, 200)

    def test_oversized_chunked_body_413(self):
        # Without Content-Length the limit applies while reading; nothing is created.
        code = make_code(777002)
        pad = "x" * (1024 * 1024 + 10)
        body = json.dumps(minimal_enterprise(code, address=pad)).encode()
        chunks = b""
        for i in range(0, len(body), 65536):
            part = body[i:i + 65536]
            chunks += b"%x\r\n" % len(part) + part + b"\r\n"
        chunks += b"0\r\n\r\n"
        req = (b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
               b"\r\nTransfer-Encoding: chunked\r\n\r\n")
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=20)
        try:
            s.sendall(req)
            try:
                s.sendall(chunks)
            except OSError:
                pass  # the server may answer and close before reading everything
            head = jzapi.recv_response_head(s, 20)
        finally:
            s.close()
        self.assertEqual(status_of(head), 413, head[:300])
        self.assertEqual(self.srv.get(code_path(code)).status, 404)

    def test_body_just_under_limit_not_413(self):
        # A 1 MiB-ish body that is within the limit is read and judged on content (address
        # too long -> 400, not 413).
        code = make_code(777003)
        body = json.dumps(minimal_enterprise(code, address="y" * 900000)).encode()
        self.assertLess(len(body), 1024 * 1024)
        r = self.srv.post("/api/v1/enterprises", body=body, content_type="application/json")
        self.assertError(r, 400, "too_long", "address")

    # -- robustness ----------------------------------------------------------------------

    def test_garbage_burst_survived(self):
        rnd = random.Random(20261128)
        port = self.srv.port
        code_mid = make_code(777004)
        full = json.dumps(minimal_enterprise(code_mid)).encode()
        payloads = [
            # (bytes, half-close then read?)
            (bytes(rnd.getrandbits(8) for _ in range(1)), True),
            (bytes(rnd.getrandbits(8) for _ in range(100)), True),
            (bytes(rnd.getrandbits(8) for _ in range(10000)), True),
            (bytes(rnd.getrandbits(8) for _ in range(70000)), True),
            (b"\r\n\r\n\r\n", True),
            (b"GET / HTTP/1.1\r\n", False),
            (b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n", False),
            (b"GET /api/v1/health HTTP/9.9\r\nHost: x\r\n\r\n", True),
            (b"GET /api/v1/health\r\n\r\n", True),
            (b"GET /api/v1/he\x00alth HTTP/1.1\r\nHost: x\r\n\r\n", True),
            (b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", True),
            (b"GET /api/v1/health HTTP/1.1\r\nthis is not a header\r\n\r\n", True),
            (b"BREW /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", True),
            (b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Transfer-Encoding: chunked\r\n\r\nZZZ\r\n", True),
            (b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab", True),
            (b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", True),
            (b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Content-Length: -1\r\n\r\n", True),
            (b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Content-Length: 99999999999999999999999\r\n\r\n", True),
            # closed mid-body
            (b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Content-Length: %d\r\n\r\n" % len(full) + full[:len(full) // 2], False),
            (b"POST /api/v1/enterprises/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
             b"Content-Length: 100000\r\n\r\ncredit_code,name,region_code,industry\r\n", False),
            # pipelined requests, the last one truncated
            (b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n" * 20
             + b"GET /api/v1/health HTTP/1.1\r\nHo", True),
        ]
        for _ in range(20):
            n = rnd.randint(1, 400)
            payloads.append((b"GET /api/v1/enterprises?" + bytes(
                rnd.choice(b"abc%&=?/\\\x7f\xff ") for _ in range(n)) + b" HTTP/1.1\r\n\r\n",
                True))

        errors = []

        def send(data, read):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError as e:
                errors.append("connect: %r" % e)
                return
            try:
                try:
                    s.sendall(data)
                    if read:
                        s.shutdown(socket.SHUT_WR)
                except OSError:
                    return
                if read:
                    resp = jzapi.recv_all(s, 5)
                    st = status_of(resp)
                    if st is not None and st >= 500 and st != 505:
                        errors.append("%r... -> %r" % (data[:60], resp[:120]))
            finally:
                s.close()

        threads = [threading.Thread(target=send, args=p) for p in payloads]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertTrue(self.srv.alive(), "server died; stderr:\n" + self.srv.stderr_text()[-2000:])
        r = self.srv.get("/api/v1/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(errors, [])
        # The request closed mid-body changed nothing.
        self.assertEqual(self.srv.get(code_path(code_mid)).status, 404)
        # Many connections at once, each closed at once.
        socks = []
        for _ in range(200):
            try:
                socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError:
                break
        for s in socks:
            s.close()
        self.assertEqual(self.srv.get("/api/v1/health").status, 200)
        self.assertTrue(self.srv.alive())

    def test_keep_alive_many_requests_one_connection(self):
        conn = self.srv.connection()
        try:
            for i in range(50):
                conn.request("GET", "/api/v1/health")
                r = conn.getresponse()
                self.assertEqual(r.status, 200)
                r.read()
        finally:
            conn.close()

    def test_concurrent_clients(self):
        results = []

        def worker(i):
            for _ in range(10):
                r = self.srv.get("/api/v1/enterprises?limit=5&region=5401%02d" % 0)
                results.append(r.status)

        ts = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(results, [200] * 80)


class SmallBufferConnection(http.client.HTTPConnection):
    """An HTTP connection whose socket has a small receive buffer (a slow reader)."""

    def connect(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        s.settimeout(self.timeout)
        s.connect((self.host, self.port))
        self.sock = s


class ShutdownTest(unittest.TestCase):
    """SIGTERM with a request in flight: the request completes, then the server exits 0."""

    def setUp(self):
        self.srv = jzapi.Server(demo=True).start()

    def tearDown(self):
        self.srv.kill()

    def assert_clean_exit(self):
        rc = self.srv.wait_exit(jzapi.STOP_TIMEOUT)
        self.assertEqual(rc, 0, "exit code after SIGTERM; stderr:\n" + self.srv.stderr_text()[-2000:])
        self.assertIn("jinzhi: stopped", self.srv.stderr_text())

    def test_sigterm_during_csv_export(self):
        # A small receive buffer keeps most of the 3 MB export inside the server until it
        # is read, so the request is really in flight when the signal comes.
        conn = SmallBufferConnection("127.0.0.1", self.srv.port, timeout=60)
        conn.request("GET", "/api/v1/enterprises?format=csv", headers=self.srv.auth_headers())
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        first = resp.read(4096)
        self.assertTrue(first.startswith(b"\xef\xbb\xbf"), first[:20])
        n = len(self.srv.stderr_lines)
        self.srv.signal_stop()
        self.assertIsNotNone(self.srv.wait_stderr("draining", 10, start=n),
                             "no 'draining' on stderr after SIGTERM")
        self.assertIsNone(self.srv.proc.poll(), "server exited with a response in flight")
        rest = resp.read()
        conn.close()
        text = (first + rest).decode("utf-8")[1:]
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(len(rows) - 1, 5000, "export cut short by the stop")
        self.assert_clean_exit()

    def test_sigterm_during_slow_upload(self):
        code = make_code(888001)
        body = json.dumps(minimal_enterprise(code), ensure_ascii=False).encode()
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=30)
        try:
            # "Expect: 100-continue": the interim answer proves the server has the request.
            s.sendall(b"POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\n"
                      b"Authorization: Bearer " + self.srv.token.encode() + b"\r\n"
                      b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body))
            interim = jzapi.recv_response_head(s, 10)
            self.assertEqual(status_of(interim), 100, interim)
            s.sendall(body[:10])
            n = len(self.srv.stderr_lines)
            self.srv.signal_stop()
            self.assertIsNotNone(self.srv.wait_stderr("draining", 10, start=n))
            self.assertIsNone(self.srv.proc.poll(), "server exited with a request in flight")
            s.sendall(body[10:])
            resp = jzapi.recv_response_head(s, 20)
            self.assertEqual(status_of(resp), 201, resp[:300])
        finally:
            s.close()
        self.assert_clean_exit()
        # The registration was committed: a new server on the same database sees it.
        db = self.srv.db
        srv2 = jzapi.Server(db=db).start()
        try:
            r = srv2.get(code_path(code))
            self.assertEqual(r.status, 200, describe(r))
        finally:
            rc, text = srv2.stop()
            self.assertEqual(rc, 0, text[-1000:])

    def test_sigterm_after_half_closed_clients_exits_promptly(self):
        # Clients that half-close (shutdown(SHUT_WR)) after their request, read the answer
        # and then close: once they are gone, nothing is in flight and the stop is prompt.
        for _ in range(100):
            s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
            try:
                s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
                s.shutdown(socket.SHUT_WR)
                head = jzapi.recv_response_head(s, 10)
                self.assertEqual(status_of(head), 200, head)
            finally:
                s.close()
        self.assertEqual(self.srv.get("/api/v1/health").status, 200)
        t0 = time.monotonic()
        self.srv.signal_stop()
        self.assert_clean_exit()
        self.assertLess(time.monotonic() - t0, 5,
                        "stop waited %.1f s for connections the clients had closed"
                        % (time.monotonic() - t0))

    def test_abandoned_uploads_are_noticed_and_not_drained(self):
        # Clients that send a request head and part of the body, then close: the server
        # must notice (the request log says "aborted") and not wait for them on SIGTERM.
        N_ABANDONED = 20  # noticing fails for some of them only: enough to see it every run
        body = json.dumps(minimal_enterprise(make_code(888002))).encode()
        n0 = len(self.srv.stderr_lines)
        for i in range(N_ABANDONED):
            s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
            try:
                path = b"/api/v1/enterprises" if i % 2 else b"/api/v1/enterprises/import"
                s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body))
                interim = jzapi.recv_response_head(s, 10)
                self.assertEqual(status_of(interim), 100, interim)
                s.sendall(body[:len(body) // 2])
            finally:
                s.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            aborted = [ln for ln in self.srv.stderr_lines[n0:] if ln.endswith(" aborted")]
            if len(aborted) >= N_ABANDONED:
                break
            time.sleep(0.05)
        self.assertEqual(len(aborted), N_ABANDONED, "abandoned uploads noticed within 5 s "
                         "(request log lines ending in 'aborted')")
        t0 = time.monotonic()
        self.srv.signal_stop()
        self.assert_clean_exit()
        self.assertLess(time.monotonic() - t0, 5, "stop waited for abandoned uploads")

    def test_sigterm_with_idle_keep_alive_connection_exits_promptly(self):
        # An open keep-alive connection with no request on it is nothing to drain.
        conn = self.srv.connection(timeout=10)
        try:
            conn.request("GET", "/api/v1/health")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            t0 = time.monotonic()
            self.srv.signal_stop()
            self.assert_clean_exit()
            self.assertLess(time.monotonic() - t0, 5, "stop waited for an idle connection")
        finally:
            conn.close()

    def test_sigterm_idle_exits_promptly(self):
        t0 = time.monotonic()
        self.srv.signal_stop()
        self.assert_clean_exit()
        self.assertLess(time.monotonic() - t0, 5, "idle server took long to stop")


if __name__ == "__main__":
    jzapi.main()

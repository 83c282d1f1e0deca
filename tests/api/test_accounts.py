"""
Accounts over HTTP: who may see and change which enterprises (a Shigatse registry officer, the
regional leader, an enterprise user and anonymous callers), console sessions (cookie flags,
CSRF, logout, disabling, forced password change, no account enumeration), lockout per login
and throttling per address, personal API tokens (shown once, scoped, revocable, expiring), the
audit log (every write and every sign-in, and `jinzhi audit verify` finding an altered, removed
or inserted entry) and the security headers of every response.

Each class has its own server: sign-in failures are counted per process, so they must not leak
from one class into another.
"""
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402
from jzapi import code_path, describe, make_code  # noqa: E402

PASSWORD = "Qomolangma-8848!"
LHASA = 540102
SHIGATSE = 540202

# A token for the administrator with the scopes these tests need. (The all-scopes token jzapi
# makes is tested on its own in AdminTokenTest.)
ADMIN_SCOPES = ["registry:read", "registry:write", "registry:export", "accounts:read",
                "accounts:admin", "audit:read"]


def enterprise_body(code, region, name="测试企业有限公司"):
    return {"credit_code": code, "name": name, "region_code": region, "industry": "C"}


def admin_token(srv, scopes=ADMIN_SCOPES):
    """Another API token of the administrator jzadmin (made with the CLI)."""
    args = ["user", "token", jzapi.ADMIN_LOGIN, "--db", srv.db, "--name", "accounts-tests",
            "--days", "1"]
    for sc in scopes:
        args += ["--scope", sc]
    out = srv._run_tool(args).stdout.decode()
    m = re.search(r"jzt_[A-Za-z0-9_-]+", out)
    if m is None:
        raise RuntimeError("no token in: " + out)
    return m.group(0)


def cli(srv, *args, stdin=None):
    """Runs the jinzhi CLI on srv's database; returns the CompletedProcess (any exit code)."""
    return subprocess.run([srv.bin] + list(args), cwd=srv.tmp, env=srv._env(), input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def cookie_of(r, name="jz_session"):
    """(value, attributes text) of the named cookie set by response r, or (None, None)."""
    for h in r.headers.get_all("Set-Cookie") or []:
        first, _, rest = h.partition(";")
        k, _, v = first.strip().partition("=")
        if k == name:
            return v, rest
    return None, None


def cookie_attrs(attrs):
    """The attributes of a Set-Cookie value after name=value: {lower-case name: value}."""
    out = {}
    for part in attrs.split(";"):
        part = part.strip()
        if part:
            k, _, v = part.partition("=")
            out[k.strip().lower()] = v.strip()
    return out


class Session:
    """A console session: the cookie and CSRF token of one sign-in."""

    def __init__(self, srv, login, password=PASSWORD, headers=None):
        self.srv = srv
        self.login = login
        self.response = srv.post("/api/v1/auth/login", {"login": login, "password": password},
                                 auth=False, headers=headers)
        if self.response.status != 200:
            raise AssertionError("sign-in of %s failed: %s" % (login, describe(self.response)))
        self.cookie, self.cookie_attrs = cookie_of(self.response)
        if not self.cookie:
            raise AssertionError("no jz_session cookie: %r"
                                 % self.response.headers.get_all("Set-Cookie"))
        self.csrf = self.response.json.get("csrf_token")

    def request(self, method, path, json_body=None, csrf=True, headers=None, **kw):
        """csrf: True sends the session's token on unsafe methods, False none, a string that
        string."""
        h = {"Cookie": "jz_session=" + self.cookie}
        if isinstance(csrf, str):
            h["X-CSRF-Token"] = csrf
        elif csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        return self.srv.request(method, path, json_body=json_body, headers=h, auth=False, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.request("POST", path, json_body, **kw)

    def patch(self, path, json_body=None, **kw):
        return self.request("PATCH", path, json_body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


class AccountsTestCase(jzapi.ServerTestCase):
    DEMO = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = admin_token(cls.srv)

    @classmethod
    def register(cls, seq, region):
        code = make_code(seq, region=str(region))
        r = cls.srv.post("/api/v1/enterprises", enterprise_body(code, region), auth=cls.admin)
        if r.status != 201:
            raise AssertionError("registering %s: %s" % (code, describe(r)))
        return code

    def listed_codes(self, who):
        r = who.get("/api/v1/enterprises?limit=1000")
        self.assertStatus(r, 200)
        self.assertIsNone(r.json["next_cursor"])
        return [e["credit_code"] for e in r.json["items"]]


# ---------------------------------------------------------------------------------------
# Who sees what
# ---------------------------------------------------------------------------------------


class JurisdictionMatrixTest(AccountsTestCase):
    """A Shigatse registry officer, the regional leader, an enterprise user, anonymous."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        cls.lhasa = [cls.register(100 + i, LHASA) for i in range(2)]
        cls.shigatse = [cls.register(200 + i, SHIGATSE) for i in range(2)]
        srv.make_account("shigatse.officer", PASSWORD, "540200", ["registry_officer"])
        srv.make_account("region.leader", PASSWORD, "540000", ["leader"])
        srv.make_account("ent.user", PASSWORD, "540202", ["enterprise"],
                         credit_code=cls.shigatse[0])
        cls.officer = Session(srv, "shigatse.officer")
        cls.leader = Session(srv, "region.leader")
        cls.ent = Session(srv, "ent.user")

    # -- the Shigatse registry officer ----------------------------------------------------

    def test_officer_lists_only_shigatse(self):
        codes = self.listed_codes(self.officer)
        for c in self.shigatse:
            self.assertIn(c, codes)
        for c in self.lhasa:
            self.assertNotIn(c, codes)
        r = self.officer.get("/api/v1/enterprises?limit=1000")
        for e in r.json["items"]:
            self.assertEqual(e["region_code"] // 100, 5402, e)
        r = self.officer.get("/api/v1/enterprises?count=true&limit=1")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], len(codes))

    def test_officer_cannot_read_or_change_lhasa(self):
        for c in self.lhasa:
            self.assertError(self.officer.get(code_path(c)), 404, "not_found")
            r = self.officer.patch(code_path(c), {"name": "越权修改"})
            self.assertError(r, 404, "not_found")
            self.assertNotEqual(self.srv.get(code_path(c), auth=self.admin).json["name"],
                                "越权修改")
        # Nor filter its way there.
        r = self.officer.get("/api/v1/enterprises", query={"region": str(LHASA)})
        if r.status == 200:
            self.assertEqual(r.json["items"], [])
        else:
            self.assertStatus(r, (400, 403, 404))

    def test_officer_cannot_register_in_lhasa(self):
        code = make_code(300, region=str(LHASA))
        r = self.officer.post("/api/v1/enterprises", enterprise_body(code, LHASA))
        self.assertStatus(r, (400, 403, 404))
        self.assertError(self.srv.get(code_path(code), auth=self.admin), 404)

    def test_officer_reads_and_changes_shigatse(self):
        c = self.shigatse[1]
        r = self.officer.get(code_path(c))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["credit_code"], c)
        r = self.officer.patch(code_path(c), {"name": "日喀则珠峰青稞有限公司"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["name"], "日喀则珠峰青稞有限公司")
        code = make_code(301, region=str(SHIGATSE))
        r = self.officer.post("/api/v1/enterprises", enterprise_body(code, SHIGATSE))
        self.assertStatus(r, 201)
        self.assertIn(code, self.listed_codes(self.officer))

    def test_officer_exports_only_shigatse(self):
        r = self.officer.get("/api/v1/enterprises?format=csv")
        self.assertStatus(r, 200)
        text = r.body.decode("utf-8-sig")
        for c in self.shigatse[:2]:
            self.assertIn(c, text)
        for c in self.lhasa:
            self.assertNotIn(c, text)

    # -- the regional leader --------------------------------------------------------------

    def test_leader_reads_both(self):
        codes = self.listed_codes(self.leader)
        for c in self.lhasa + self.shigatse[:2]:
            self.assertIn(c, codes)
            r = self.leader.get(code_path(c))
            self.assertStatus(r, 200)

    def test_leader_writes_neither(self):
        for c in (self.lhasa[0], self.shigatse[0]):
            r = self.leader.patch(code_path(c), {"name": "领导修改"})
            self.assertError(r, 403, "forbidden")
        for region in (LHASA, SHIGATSE):
            code = make_code(400 + region % 1000, region=str(region))
            r = self.leader.post("/api/v1/enterprises", enterprise_body(code, region))
            self.assertError(r, 403, "forbidden")
            self.assertError(self.srv.get(code_path(code), auth=self.admin), 404)
        csv_body = "credit_code,name,region_code,industry\r\n%s,领导导入,%d,C\r\n" % (
            make_code(499, region=str(LHASA)), LHASA)
        r = self.leader.request("POST", "/api/v1/enterprises/import", body=csv_body.encode(),
                                content_type="text/csv")
        self.assertError(r, 403, "forbidden")

    def test_leader_exports_csv(self):
        r = self.leader.get("/api/v1/enterprises?format=csv")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("text/csv"))
        text = r.body.decode("utf-8-sig")
        for c in self.lhasa + self.shigatse[:2]:
            self.assertIn(c, text)

    # -- the enterprise user --------------------------------------------------------------

    def test_enterprise_user_sees_only_itself(self):
        own = self.shigatse[0]
        r = self.ent.get("/api/v1/enterprises?limit=1000")
        self.assertStatus(r, 200)
        self.assertEqual([e["credit_code"] for e in r.json["items"]], [own])
        r = self.ent.get("/api/v1/enterprises?count=true&limit=1")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["total"], 1)
        self.assertStatus(self.ent.get(code_path(own)), 200)
        for c in self.lhasa + self.shigatse[1:2]:
            self.assertError(self.ent.get(code_path(c)), 404, "not_found")

    def test_enterprise_user_cannot_write_or_export(self):
        own = self.shigatse[0]
        self.assertError(self.ent.patch(code_path(own), {"name": "自己改名"}), 403, "forbidden")
        self.assertError(self.ent.get("/api/v1/enterprises?format=csv"), 403)
        self.assertError(self.ent.get("/api/v1/accounts"), 403, "forbidden")
        self.assertError(self.ent.get("/api/v1/audit"), 403, "forbidden")

    def test_me_describes_scope(self):
        r = self.officer.get("/api/v1/auth/me")
        self.assertStatus(r, 200)
        acc = r.json["account"]
        self.assertEqual(acc["login"], "shigatse.officer")
        self.assertEqual(acc["org_unit"], "540200")
        self.assertEqual(acc["roles"], ["registry_officer"])
        self.assertEqual(acc["scope"]["ranges"], [[540200, 540299]])
        self.assertIs(acc["scope"]["all"], False)
        r = self.ent.get("/api/v1/auth/me")
        self.assertStatus(r, 200)
        self.assertIs(r.json["account"]["enterprise"], True)
        self.assertEqual(r.json["account"]["credit_code"], self.shigatse[0])

    # -- anonymous ------------------------------------------------------------------------

    def test_anonymous_staff_endpoints_401(self):
        code = self.lhasa[0]
        calls = [
            ("GET", "/api/v1/enterprises", None, None),
            ("GET", code_path(code), None, None),
            ("GET", "/api/v1/enterprises?format=csv", None, None),
            ("POST", "/api/v1/enterprises", enterprise_body(make_code(500), LHASA), None),
            ("PATCH", code_path(code), {"name": "匿名"}, None),
            ("POST", "/api/v1/enterprises/import",
             b"credit_code,name,region_code,industry\r\n", "text/csv"),
            ("GET", "/api/v1/accounts", None, None),
            ("GET", "/api/v1/audit", None, None),
            ("GET", "/api/v1/tokens", None, None),
            ("GET", "/api/v1/auth/me", None, None),
        ]
        for method, path, body, ctype in calls:
            with self.subTest(method=method, path=path):
                if isinstance(body, bytes):
                    r = self.srv.request(method, path, body=body, content_type=ctype,
                                         auth=False)
                else:
                    r = self.srv.request(method, path, json_body=body, auth=False)
                self.assertError(r, 401, "unauthenticated")

    def test_anonymous_public_endpoints_200(self):
        for path in ["/api/v1/health", "/api/v1/regions", "/api/v1/regions/540202",
                     "/api/v1/openapi.json",
                     "/api/v1/codes/uscc/" + urllib.parse.quote(self.lhasa[0])]:
            with self.subTest(path=path):
                self.assertStatus(self.srv.get(path, auth=False), 200)

    def test_bad_credentials_on_staff_endpoint(self):
        r = self.srv.get("/api/v1/enterprises", auth="jzt_" + "A" * 43)
        self.assertError(r, 401, "bad_token")
        r = self.srv.get("/api/v1/enterprises", headers={"Authorization": "Basic Zm9vOmJhcg=="},
                         auth=False)
        self.assertError(r, 401, "unauthenticated")
        r = self.srv.get("/api/v1/enterprises", headers={"Cookie": "jz_session=" + "B" * 43},
                         auth=False)
        self.assertError(r, 401, "session_expired")
        # An expired cookie does not stop a public request.
        r = self.srv.get("/api/v1/regions", headers={"Cookie": "jz_session=" + "B" * 43},
                         auth=False)
        self.assertStatus(r, 200)


# ---------------------------------------------------------------------------------------
# Console sessions
# ---------------------------------------------------------------------------------------


class SessionTest(AccountsTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.code = cls.register(600, SHIGATSE)
        cls.srv.make_account("sess.officer", PASSWORD, "540200", ["registry_officer"])
        cls.srv.make_account("timing.user", PASSWORD, "540200", ["registry_officer"])

    def test_login_sets_cookie_and_returns_account(self):
        s = Session(self.srv, "sess.officer")
        attrs = cookie_attrs(s.cookie_attrs)
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite"), "Strict")
        self.assertEqual(attrs.get("path"), "/")
        self.assertNotIn("secure", attrs, "Secure without X-Forwarded-Proto: https")
        self.assertGreaterEqual(len(s.cookie), 40)
        j = s.response.json
        self.assertEqual(set(j), {"account", "csrf_token", "must_change_password"})
        self.assertEqual(j["account"]["login"], "sess.officer")
        self.assertIs(j["must_change_password"], False)
        self.assertIsInstance(j["csrf_token"], str)
        self.assertGreaterEqual(len(j["csrf_token"]), 32)
        self.assertNotEqual(j["csrf_token"], s.cookie)
        self.assertNotIn(s.cookie, s.response.body.decode())
        r = s.get("/api/v1/auth/me")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["account"]["login"], "sess.officer")
        self.assertEqual(r.json["csrf_token"], s.csrf)

    def test_secure_cookie_behind_tls_proxy(self):
        s = Session(self.srv, "sess.officer", headers={"X-Forwarded-Proto": "https"})
        attrs = cookie_attrs(s.cookie_attrs)
        self.assertIn("secure", attrs)
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite"), "Strict")

    def test_login_case_insensitive(self):
        s = Session(self.srv, "Sess.Officer")
        self.assertEqual(s.response.json["account"]["login"], "sess.officer")

    def test_csrf_required_for_writes(self):
        s = Session(self.srv, "sess.officer")
        path = code_path(self.code)
        self.assertStatus(s.get(path), 200)  # reads need no CSRF token
        r = s.patch(path, {"contact_name": "次仁"}, csrf=False)
        self.assertError(r, 403, "csrf", "X-CSRF-Token")
        r = s.patch(path, {"contact_name": "次仁"}, csrf="x" * len(s.csrf))
        self.assertError(r, 403, "csrf")
        r = s.patch(path, {"contact_name": "次仁"}, csrf=s.csrf[:-1])
        self.assertError(r, 403, "csrf")
        other = Session(self.srv, "sess.officer")
        r = s.patch(path, {"contact_name": "次仁"}, csrf=other.csrf)
        self.assertError(r, 403, "csrf", msg="another session's CSRF token")
        self.assertNotEqual(self.srv.get(path, auth=self.admin).json["contact_name"], "次仁")
        r = s.patch(path, {"contact_name": "次仁"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["contact_name"], "次仁")

    def test_logout_ends_session(self):
        s = Session(self.srv, "sess.officer")
        keep = Session(self.srv, "sess.officer")
        r = s.post("/api/v1/auth/logout", {}, csrf=False)
        self.assertError(r, 403, "csrf")
        r = s.post("/api/v1/auth/logout", {})
        self.assertStatus(r, 200)
        value, attrs = cookie_of(r)
        self.assertEqual(value, "", "logout clears the cookie")
        self.assertEqual(cookie_attrs(attrs).get("max-age"), "0")
        self.assertError(s.get("/api/v1/auth/me"), 401, "session_expired")
        self.assertError(s.get("/api/v1/enterprises"), 401)
        self.assertStatus(keep.get("/api/v1/auth/me"), 200)

    def test_disable_by_api_ends_session_and_tokens(self):
        token = self.srv.make_token("dis.api", PASSWORD, "540200", ["registry_officer"],
                                    ["registry:read"])
        s = Session(self.srv, "dis.api")
        self.assertStatus(s.get("/api/v1/auth/me"), 200)  # now cached
        self.assertStatus(self.srv.get("/api/v1/enterprises", auth=token), 200)
        r = self.srv.patch("/api/v1/accounts/dis.api", {"disabled": True}, auth=self.admin)
        self.assertStatus(r, 200)
        self.assertIs(r.json["disabled"], True)
        self.assertError(s.get("/api/v1/auth/me"), 401, "session_expired")
        self.assertError(self.srv.get("/api/v1/enterprises", auth=token), 401, "bad_token")
        r = self.srv.post("/api/v1/auth/login", {"login": "dis.api", "password": PASSWORD},
                          auth=False)
        self.assertError(r, 401, "bad_credentials")

    def test_an_account_cannot_disable_itself(self):
        # Through a session and through a token of its own: refused, nothing changed.
        self.srv.make_token("self.dis", PASSWORD, "540000", ["sysadmin"], ["accounts:admin"])
        s = Session(self.srv, "self.dis")
        r = s.patch("/api/v1/accounts/self.dis", {"display_name": "改名", "disabled": True})
        self.assertError(r, 400, "not_allowed")
        self.assertEqual(r.json["error"]["field"], "disabled")
        me = s.get("/api/v1/auth/me")
        self.assertStatus(me, 200)
        self.assertNotEqual(me.json["account"]["display_name"], "改名")
        # Enabling oneself (a no-op) stays allowed.
        self.assertStatus(s.patch("/api/v1/accounts/self.dis", {"disabled": False}), 200)

    def test_disable_by_cli_ends_session_at_once(self):
        token = self.srv.make_token("dis.cli", PASSWORD, "540200", ["registry_officer"],
                                    ["registry:read"])
        s = Session(self.srv, "dis.cli")
        self.assertStatus(s.get("/api/v1/auth/me"), 200)  # now cached
        self.assertStatus(self.srv.get("/api/v1/enterprises", auth=token), 200)
        p = cli(self.srv, "user", "disable", "dis.cli", "--db", self.srv.db)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        # Another process's change reaches the server's cache within a second (the server
        # polls the database's generation counter once a second); through the API it is
        # immediate (test_disable_ends_session_and_tokens).
        time.sleep(1.2)
        r = s.get("/api/v1/auth/me")
        self.assertError(r, 401, "session_expired",
                         msg="session still accepted right after `jinzhi user disable`")
        self.assertError(self.srv.get("/api/v1/enterprises", auth=token), 401, "bad_token",
                         msg="token still accepted right after `jinzhi user disable`")

    def test_bad_credentials_no_enumeration(self):
        self.srv.make_account("enum.user", PASSWORD, "540200", ["registry_officer"])
        wrong = self.srv.post("/api/v1/auth/login",
                              {"login": "enum.user", "password": "Wrong-Passw0rd!"}, auth=False)
        unknown = self.srv.post("/api/v1/auth/login",
                                {"login": "enum.nobody", "password": PASSWORD}, auth=False)
        e1 = self.assertError(wrong, 401, "bad_credentials")
        e2 = self.assertError(unknown, 401, "bad_credentials")
        self.assertEqual(e1, e2)
        self.assertEqual(cookie_of(wrong)[0], None)
        self.assertEqual(cookie_of(unknown)[0], None)

    def test_bad_credentials_similar_time(self):
        def timed(login, password):
            t = time.monotonic()
            r = self.srv.post("/api/v1/auth/login", {"login": login, "password": password},
                              auth=False)
            dt = time.monotonic() - t
            self.assertError(r, 401, "bad_credentials")
            return dt

        # Five each: the fifth failure locks timing.user, after it is answered.
        known = [timed("timing.user", "Wrong-Passw0rd-%d" % i) for i in range(5)]
        unknown = [timed("timing.nobody%d" % i, "Wrong-Passw0rd-%d" % i) for i in range(5)]
        a, b = statistics.median(known), statistics.median(unknown)
        ratio = max(a, b) / max(min(a, b), 1e-6)
        self.assertLessEqual(ratio, 2.0, "median wrong password %.1f ms, unknown login %.1f ms"
                             % (a * 1000, b * 1000))

    def test_forced_password_change(self):
        self.srv.make_account("force.user", PASSWORD, "540200", ["registry_officer"],
                              force_change=True)
        s = Session(self.srv, "force.user")
        self.assertIs(s.response.json["must_change_password"], True)
        self.assertError(s.get("/api/v1/enterprises"), 403, "password_change_required")
        self.assertError(s.get(code_path(self.code)), 403, "password_change_required")
        self.assertError(s.patch(code_path(self.code), {"contact_name": "x"}), 403,
                         "password_change_required")
        r = s.get("/api/v1/auth/me")
        self.assertStatus(r, 200)
        self.assertIs(r.json["must_change_password"], True)
        # A weak new password, a wrong old one, no CSRF token.
        r = s.post("/api/v1/auth/password", {"old_password": PASSWORD, "new_password": "weak"})
        self.assertError(r, 400, field="new_password")
        r = s.post("/api/v1/auth/password", {"old_password": PASSWORD,
                                             "new_password": "force.user-Passw0rd"})
        self.assertError(r, 400, field="new_password")
        r = s.post("/api/v1/auth/password", {"old_password": PASSWORD,
                                             "new_password": PASSWORD})
        self.assertError(r, 400, field="new_password")
        r = s.post("/api/v1/auth/password", {"old_password": "Not-the-Passw0rd",
                                             "new_password": "Fresh-Passw0rd-1"})
        self.assertError(r, 400, "wrong_password", "old_password")
        r = s.post("/api/v1/auth/password", {"old_password": PASSWORD,
                                             "new_password": "Fresh-Passw0rd-1"}, csrf=False)
        self.assertError(r, 403, "csrf")
        self.assertError(s.get("/api/v1/enterprises"), 403, "password_change_required")
        r = s.post("/api/v1/auth/password", {"old_password": PASSWORD,
                                             "new_password": "Fresh-Passw0rd-1"})
        self.assertStatus(r, 200)
        # A fresh sign-in with the new password is free; the old password is dead.
        s2 = Session(self.srv, "force.user", password="Fresh-Passw0rd-1")
        self.assertIs(s2.response.json["must_change_password"], False)
        self.assertStatus(s2.get("/api/v1/enterprises"), 200)
        r = self.srv.post("/api/v1/auth/login", {"login": "force.user", "password": PASSWORD},
                          auth=False)
        self.assertError(r, 401, "bad_credentials")

    def test_password_change_keeps_the_changing_session(self):
        """service.h: a password change 'ends its other sessions' -- not the one that made
        it, which carries on without signing in again."""
        self.srv.make_account("keep.user", PASSWORD, "540200", ["registry_officer"],
                              force_change=True)
        s = Session(self.srv, "keep.user")
        other = Session(self.srv, "keep.user")
        r = s.post("/api/v1/auth/password", {"old_password": PASSWORD,
                                             "new_password": "Fresh-Passw0rd-2"})
        self.assertStatus(r, 200)
        self.assertError(other.get("/api/v1/auth/me"), 401, "session_expired")
        r = s.get("/api/v1/enterprises")
        self.assertStatus(r, 200, "the session that changed the password")


# ---------------------------------------------------------------------------------------
# Lockout and throttling
# ---------------------------------------------------------------------------------------


LOCK_TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class LockoutTest(AccountsTestCase):

    def login(self, login, password):
        return self.srv.post("/api/v1/auth/login", {"login": login, "password": password},
                             auth=False)

    def test_lockout_known_and_unknown_alike(self):
        self.srv.make_account("lock.user", PASSWORD, "540200", ["registry_officer"])
        errors = {}
        for login in ("lock.user", "lock.nobody"):
            for i in range(5):
                self.assertError(self.login(login, "Wrong-Passw0rd-%d" % i), 401,
                                 "bad_credentials", msg="failure %d of %s" % (i + 1, login))
            r = self.login(login, PASSWORD)
            e = self.assertError(r, 401, "locked", msg=login)
            self.assertIsNone(cookie_of(r)[0])
            errors[login] = e
            # Still locked, whatever the password.
            self.assertError(self.login(login, "Wrong-Passw0rd-x"), 401, "locked")
        a, b = errors["lock.user"], errors["lock.nobody"]
        self.assertEqual(LOCK_TIME_RE.sub("T", a["message"]), LOCK_TIME_RE.sub("T", b["message"]))
        self.assertEqual(a.get("field"), b.get("field"))
        # The lock is per login: another account signs in from the same address.
        self.srv.make_account("lock.other", PASSWORD, "540200", ["registry_officer"])
        Session(self.srv, "lock.other")
        # The audit log has it all.
        for login, outcome, n in (("lock.user", "failed", 5), ("lock.user", "locked", 2),
                                  ("lock.nobody", "failed", 5), ("lock.nobody", "locked", 2),
                                  ("lock.other", "ok", 1)):
            r = self.srv.get("/api/v1/audit", auth=self.admin, query={
                "action": "auth.login", "entity_key": login, "outcome": outcome})
            self.assertStatus(r, 200)
            self.assertEqual(len(r.json["items"]), n, "%s %s: %s" % (login, outcome, describe(r)))


class ThrottleTest(AccountsTestCase):
    """A fresh server: after this every sign-in from 127.0.0.1 is refused for 10 minutes."""

    def test_address_throttled_after_20_failures(self):
        self.srv.make_account("throttle.user", PASSWORD, "540200", ["registry_officer"])
        for i in range(20):
            # A different login each time, so that no login is locked.
            r = self.srv.post("/api/v1/auth/login",
                              {"login": "spray%02d" % i, "password": "Wrong-Passw0rd!"},
                              auth=False)
            self.assertError(r, 401, "bad_credentials", msg="failure %d" % (i + 1))
        r = self.srv.post("/api/v1/auth/login",
                          {"login": "throttle.user", "password": PASSWORD}, auth=False)
        self.assertError(r, 429, "throttled")
        self.assertIsNone(cookie_of(r)[0])
        r = self.srv.get("/api/v1/audit", auth=self.admin,
                         query={"action": "auth.login", "outcome": "throttled"})
        self.assertStatus(r, 200)
        self.assertGreaterEqual(len(r.json["items"]), 1)
        # Tokens are not sign-ins: API clients carry on.
        self.assertStatus(self.srv.get("/api/v1/enterprises", auth=self.admin), 200)


# ---------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------


class TokenTest(AccountsTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv.make_account("tok.officer", PASSWORD, "540200", ["registry_officer"])
        cls.s = Session(cls.srv, "tok.officer")

    def create(self, scopes=("registry:read",), days=1, name="ci export"):
        r = self.s.post("/api/v1/tokens", {"name": name, "scopes": list(scopes), "days": days})
        self.assertStatus(r, 201)
        self.assertRegex(r.json["token"], r"^jzt_[A-Za-z0-9_-]{43}$")
        self.assertIsInstance(r.json["id"], str)
        return r.json["id"], r.json["token"]

    def test_read_token_reads_but_does_not_write(self):
        tid, token = self.create()
        self.assertStatus(self.srv.get("/api/v1/enterprises", auth=token), 200)
        code = make_code(700, region=str(SHIGATSE))
        r = self.srv.post("/api/v1/enterprises", enterprise_body(code, SHIGATSE), auth=token)
        self.assertError(r, 403, "forbidden")
        self.assertError(self.srv.get("/api/v1/enterprises?format=csv", auth=token), 403)
        # The write token of the same account can.
        tid2, wtoken = self.create(scopes=["registry:read", "registry:write"])
        r = self.srv.post("/api/v1/enterprises", enterprise_body(code, SHIGATSE), auth=wtoken)
        self.assertStatus(r, 201)

    def test_list_never_shows_secrets(self):
        tid, token = self.create(name="listed")
        r = self.s.get("/api/v1/tokens")
        self.assertStatus(r, 200)
        body = r.body.decode()
        self.assertNotIn(token, body)
        self.assertNotIn(token[4:], body)
        mine = [t for t in r.json["items"] if t["id"] == tid]
        self.assertEqual(len(mine), 1, describe(r))
        t = mine[0]
        self.assertEqual(t["name"], "listed")
        self.assertEqual(t["scopes"], ["registry:read"])
        self.assertNotIn("token", t)
        self.assertNotIn("token_hash", t)
        self.assertIsNone(t["revoked_at"])
        self.assertAlmostEqual(t["expires_at"] - t["created_at"], 86400, delta=5)

    def test_scope_beyond_account_refused(self):
        for scopes in (["accounts:admin"], ["registry:read", "equipment:write"],
                       ["audit:read"]):
            r = self.s.post("/api/v1/tokens", {"name": "too much", "scopes": scopes, "days": 1})
            self.assertError(r, 400, field="scopes", msg=str(scopes))
        for bad in (["registry:fly"], [], "registry:read"):
            r = self.s.post("/api/v1/tokens", {"name": "bad", "scopes": bad, "days": 1})
            self.assertError(r, 400, field="scopes", msg=repr(bad))
        for days in (0, 367, "7"):
            r = self.s.post("/api/v1/tokens", {"name": "d", "scopes": ["registry:read"],
                                               "days": days})
            self.assertError(r, 400, field="days", msg=repr(days))

    def test_token_management_needs_session_and_csrf(self):
        r = self.s.post("/api/v1/tokens", {"name": "x", "scopes": ["registry:read"]},
                        csrf=False)
        self.assertError(r, 403, "csrf")
        # A token cannot mint tokens (it would outgrow its scopes).
        tid, token = self.create()
        r = self.srv.post("/api/v1/tokens", {"name": "x", "scopes": ["registry:read"]},
                          auth=token)
        self.assertError(r, 403)
        r = self.srv.request("DELETE", "/api/v1/tokens/" + tid, auth=token)
        self.assertError(r, 403)
        self.assertStatus(self.srv.get("/api/v1/enterprises", auth=token), 200)

    def test_revoke_at_once(self):
        tid, token = self.create()
        self.assertStatus(self.srv.get("/api/v1/enterprises", auth=token), 200)  # cached
        r = self.s.delete("/api/v1/tokens/" + tid, csrf=False)
        self.assertError(r, 403, "csrf")
        r = self.s.delete("/api/v1/tokens/" + tid)
        self.assertStatus(r, 200)
        self.assertError(self.srv.get("/api/v1/enterprises", auth=token), 401, "bad_token")
        self.assertError(self.s.delete("/api/v1/tokens/" + tid), 404)
        self.assertError(self.s.delete("/api/v1/tokens/12345"), 404)
        listed = [t for t in self.s.get("/api/v1/tokens").json["items"] if t["id"] == tid]
        self.assertIsNotNone(listed[0]["revoked_at"])

    def test_other_accounts_token_cannot_be_revoked(self):
        self.srv.make_account("tok.other", PASSWORD, "540200", ["registry_officer"])
        other = Session(self.srv, "tok.other")
        r = other.post("/api/v1/tokens", {"name": "theirs", "scopes": ["registry:read"]})
        self.assertStatus(r, 201)
        r2 = self.s.delete("/api/v1/tokens/" + r.json["id"])
        self.assertError(r2, 404)
        self.assertStatus(self.srv.get("/api/v1/enterprises", auth=r.json["token"]), 200)
        self.assertNotIn(r.json["id"], [t["id"] for t in self.s.get("/api/v1/tokens").json["items"]])

    def test_expired_token_refused(self):
        token = self.srv.make_token("tok.expiring", PASSWORD, "540200", ["registry_officer"],
                                    ["registry:read"], days=1)
        # Not yet used (so not cached): move its expiry into the past in the database.
        con = sqlite3.connect(self.srv.db, timeout=10)
        try:
            with con:
                n = con.execute("UPDATE api_token SET expires_at = 1 WHERE account_id = "
                                "(SELECT id FROM account WHERE login = 'tok.expiring')").rowcount
        finally:
            con.close()
        self.assertEqual(n, 1)
        self.assertError(self.srv.get("/api/v1/enterprises", auth=token), 401, "bad_token")


class AdminTokenTest(AccountsTestCase):
    """The token jzapi gives the administrator holds all 90 module:action scopes."""

    def test_all_scopes_token_reaches_every_module(self):
        for path in ("/api/v1/enterprises", "/api/v1/accounts", "/api/v1/audit",
                     "/api/v1/roles", "/api/v1/org-units"):
            with self.subTest(path=path):
                self.assertStatus(self.srv.get(path), 200, "all-scopes token of jzadmin")

    def test_all_scopes_token_from_session_listed_and_audited_in_full(self):
        s = Session(self.srv, jzapi.ADMIN_LOGIN, password=jzapi.ADMIN_PASSWORD)
        r = s.post("/api/v1/tokens", {"name": "everything", "scopes": jzapi.ALL_SCOPES,
                                      "days": 1})
        self.assertStatus(r, 201)
        tid, token = r.json["id"], r.json["token"]
        with self.subTest("listed"):
            listed = [t for t in s.get("/api/v1/tokens").json["items"] if t["id"] == tid]
            self.assertEqual(len(listed), 1)
            missing = sorted(set(jzapi.ALL_SCOPES) - set(listed[0]["scopes"]))
            self.assertEqual(missing, [], "GET /api/v1/tokens: scopes missing from the list")
        with self.subTest("used"):
            self.assertStatus(self.srv.get("/api/v1/audit", auth=token), 200,
                              "the new 90-scope token on audit:read")
        with self.subTest("audited"):
            items = self.srv.get("/api/v1/audit", auth=self.admin, query={
                "action": "token.create", "actor": jzapi.ADMIN_LOGIN}).json["items"]
            after = items[0]["after"]
            self.assertIsInstance(after, dict, "audit 'after' of token.create is not JSON: %r"
                                  % (after,))


# ---------------------------------------------------------------------------------------
# The audit log
# ---------------------------------------------------------------------------------------


class AuditLogTest(AccountsTestCase):

    def audit(self, **q):
        q.setdefault("limit", "500")
        r = self.srv.get("/api/v1/audit", auth=self.admin, query=q)
        self.assertStatus(r, 200)
        return r.json["items"]

    def assertLogged(self, items, action, entity_type, entity_key, actor, outcome="ok"):
        for e in items:
            if (e["action"], e["entity_type"], e["entity_key"], e["actor"], e["outcome"]) == (
                    action, entity_type, entity_key, actor, outcome):
                return e
        self.fail("no audit entry %s %s/%s by %s (%s); have:\n%s" % (
            action, entity_type, entity_key, actor, outcome,
            "\n".join("%s %s %s/%s %s %s" % (e["id"], e["action"], e["entity_type"],
                                           e["entity_key"], e["actor"], e["outcome"])
                      for e in items[:60])))

    def test_every_write_is_logged(self):
        srv = self.srv
        code = make_code(800, region=str(SHIGATSE))
        self.assertStatus(srv.post("/api/v1/enterprises", enterprise_body(code, SHIGATSE),
                                   auth=self.admin), 201)
        self.assertStatus(srv.patch(code_path(code), {"name": "改名有限公司"}, auth=self.admin), 200)
        imported = make_code(801, region=str(LHASA))
        r = srv.request("POST", "/api/v1/enterprises/import", auth=self.admin,
                        body=("credit_code,name,region_code,industry\r\n%s,导入企业,%d,C\r\n"
                              % (imported, LHASA)).encode(), content_type="text/csv")
        self.assertStatus(r, 200)
        r = srv.post("/api/v1/accounts", {"login": "audit.new", "display_name": "新用户",
                                          "org_unit": "540200", "roles": ["registry_officer"],
                                          "password": PASSWORD}, auth=self.admin)
        self.assertStatus(r, 201)
        s = Session(srv, "audit.new")
        self.assertStatus(s.post("/api/v1/auth/password", {
            "old_password": PASSWORD, "new_password": "Audit-Passw0rd-2"}), 200)
        s = Session(srv, "audit.new", password="Audit-Passw0rd-2")
        self.assertStatus(s.patch(code_path(code), {"contact_name": "卓玛"}), 200)
        t = s.post("/api/v1/tokens", {"name": "audited", "scopes": ["registry:read"]})
        self.assertStatus(t, 201)
        self.assertStatus(s.delete("/api/v1/tokens/" + t.json["id"]), 200)
        self.assertError(srv.post("/api/v1/auth/login", {"login": "audit.new",
                                                         "password": "Wrong-Passw0rd!"},
                                  auth=False), 401)
        self.assertStatus(s.post("/api/v1/auth/logout", {}), 200)
        self.assertStatus(srv.patch("/api/v1/accounts/audit.new", {"disabled": True},
                                    auth=self.admin), 200)

        items = self.audit()
        admin = jzapi.ADMIN_LOGIN
        self.assertLogged(items, "enterprise.create", "enterprise", code, admin)
        upd = self.assertLogged(items, "enterprise.update", "enterprise", code, admin)
        self.assertEqual(upd["after"]["name"], "改名有限公司")
        self.assertLogged(items, "enterprise.update", "enterprise", code, "audit.new")
        self.assertTrue(any(e["action"].startswith("enterprise.import") and e["actor"] == admin
                            for e in items), "no enterprise.import entry")
        self.assertLogged(items, "account.create", "account", "audit.new", admin)
        self.assertLogged(items, "account.password", "account", "audit.new", "audit.new")
        self.assertLogged(items, "token.create", "account", "audit.new", "audit.new")
        self.assertLogged(items, "token.revoke", "api_token", t.json["id"], "audit.new")
        self.assertLogged(items, "auth.login", "account", "audit.new", "audit.new", "ok")
        self.assertLogged(items, "auth.login", "account", "audit.new", "audit.new", "failed")
        self.assertLogged(items, "auth.logout", "account", "audit.new", "audit.new")
        self.assertLogged(items, "account.disable", "account", "audit.new", admin)
        # Entries carry the request and the address; secrets never appear.
        text = str(items)
        for secret in (PASSWORD, "Audit-Passw0rd-2", "Wrong-Passw0rd!", t.json["token"],
                       s.cookie, s.csrf):
            self.assertNotIn(secret, text)
        for e in items:
            if e["actor"] == "audit.new":
                self.assertEqual(e["client_addr"], "127.0.0.1", e)
                self.assertTrue(e["request_id"], e)
                self.assertRegex(e["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        # Newest first, and the filters narrow.
        ids = [e["id"] for e in items]
        self.assertEqual(ids, sorted(ids, reverse=True))
        failed = self.audit(action="auth.login", outcome="failed")
        self.assertTrue(failed)
        self.assertTrue(all(e["action"] == "auth.login" and e["outcome"] == "failed"
                            for e in failed))

    def test_audit_needs_audit_read(self):
        token = self.srv.make_token("audit.reader", PASSWORD, "540200", ["registry_officer"],
                                    ["registry:read"])
        self.assertError(self.srv.get("/api/v1/audit", auth=token), 403, "forbidden")


class AuditTamperTest(unittest.TestCase):
    """jinzhi audit verify on copies of a stopped server's database, each altered once."""

    @classmethod
    def setUpClass(cls):
        srv = cls.srv = jzapi.Server(demo=False).start()
        try:
            admin = admin_token(srv)
            for i in range(4):
                code = make_code(900 + i, region=str(LHASA))
                r = srv.post("/api/v1/enterprises", enterprise_body(code, LHASA), auth=admin)
                assert r.status == 201, describe(r)
                r = srv.patch(code_path(code), {"name": "改名%d" % i}, auth=admin)
                assert r.status == 200, describe(r)
            srv.make_account("tamper.user", PASSWORD, "540200", ["registry_officer"])
            Session(srv, "tamper.user")
        except BaseException:
            srv.kill()
            raise
        rc, text = srv.stop(keep_files=True)
        if rc != 0:
            raise AssertionError("server exit %r: %s" % (rc, text[-2000:]))
        cls.work = tempfile.mkdtemp(prefix="jzaudit-")
        con = sqlite3.connect(srv.db)
        try:
            cls.ids = [row[0] for row in con.execute("SELECT id FROM audit_log ORDER BY id")]
        finally:
            con.close()
        assert len(cls.ids) >= 10, cls.ids

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)
        if cls.srv.tmp:
            shutil.rmtree(cls.srv.tmp, ignore_errors=True)

    def copy(self, name):
        """A consistent copy of the database (the WAL folded in), with its audit key."""
        path = os.path.join(self.work, name + ".db")
        key = self.srv.db + ".audit-key"
        if os.path.exists(key):
            shutil.copyfile(key, path + ".audit-key")
        src = sqlite3.connect(self.srv.db)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return path

    def alter(self, name, *statements):
        path = self.copy(name)
        con = sqlite3.connect(path)
        try:
            with con:
                for sql, params in statements:
                    con.execute(sql, params)
        finally:
            con.close()
        return path

    def verify(self, path):
        p = cli(self.srv, "audit", "verify", "--db", path)
        return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")

    def assertBrokenAt(self, path, entry_id):
        rc, out = self.verify(path)
        self.assertEqual(rc, 1, out)
        m = re.search(r"entry (\d+)", out)
        self.assertIsNotNone(m, out)
        self.assertEqual(int(m.group(1)), entry_id, out)

    def test_intact(self):
        rc, out = self.verify(self.copy("intact"))
        self.assertEqual(rc, 0, out)
        self.assertIn(str(len(self.ids)), out)

    def test_changed_field(self):
        mid = self.ids[len(self.ids) // 2]
        for column, value in (("actor", "mallory"), ("outcome", "failed"),
                              ("after_json", '{"name":"伪造"}'), ("at", "2001-01-01T00:00:00Z")):
            with self.subTest(column=column):
                path = self.alter("changed_" + column, (
                    "UPDATE audit_log SET %s = ? WHERE id = ?" % column, (value, mid)))
                self.assertBrokenAt(path, mid)

    def test_changed_last_row(self):
        last = self.ids[-1]
        path = self.alter("changed_last", (
            "UPDATE audit_log SET entity_key = 'x' WHERE id = ?", (last,)))
        self.assertBrokenAt(path, last)

    def test_deleted_middle_row(self):
        mid = self.ids[len(self.ids) // 2]
        path = self.alter("deleted", ("DELETE FROM audit_log WHERE id = ?", (mid,)))
        self.assertBrokenAt(path, mid + 1)

    def test_row_copied_to_the_end(self):
        last = self.ids[-1]
        src = self.ids[len(self.ids) // 2]
        path = self.alter("copied", (
            "INSERT INTO audit_log (id, at, actor, org_unit, action, entity_type, entity_key, "
            "before_json, after_json, request_id, client_addr, outcome, prev_hash, hash) "
            "SELECT ?, at, actor, org_unit, action, entity_type, entity_key, before_json, "
            "after_json, request_id, client_addr, outcome, prev_hash, hash FROM audit_log "
            "WHERE id = ?", (last + 1, src)))
        self.assertBrokenAt(path, last + 1)

    def test_row_inserted_between_two(self):
        """Renumber the rows after k and put a copy of row k at k + 1."""
        k = self.ids[len(self.ids) // 2]
        stmts = [("UPDATE audit_log SET id = ? WHERE id = ?", (i + 1, i))
                 for i in reversed(self.ids) if i > k]
        stmts.append((
            "INSERT INTO audit_log (id, at, actor, org_unit, action, entity_type, entity_key, "
            "before_json, after_json, request_id, client_addr, outcome, prev_hash, hash) "
            "SELECT ?, at, actor, org_unit, action, entity_type, entity_key, before_json, "
            "after_json, request_id, client_addr, outcome, prev_hash, hash FROM audit_log "
            "WHERE id = ?", (k + 1, k)))
        path = self.alter("inserted", *stmts)
        self.assertBrokenAt(path, k + 1)


# ---------------------------------------------------------------------------------------
# Security headers
# ---------------------------------------------------------------------------------------


class SecurityHeadersTest(AccountsTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.code = cls.register(1000, LHASA)
        cls.srv.make_account("hdr.user", PASSWORD, "540100", ["registry_officer"])
        cls.s = Session(cls.srv, "hdr.user")

    def assertCommonHeaders(self, r, what):
        h = r.headers
        self.assertEqual(h.get("X-Content-Type-Options"), "nosniff", what)
        csp = h.get("Content-Security-Policy") or ""
        self.assertRegex(csp, r"frame-ancestors\s+'none'", what)
        self.assertTrue(h.get("Referrer-Policy"), what)

    def assertNoStore(self, r, what):
        cc = [p.strip() for p in (r.headers.get("Cache-Control") or "").split(",")]
        self.assertIn("private", cc, "%s: Cache-Control %r" % (what, cc))
        self.assertIn("no-store", cc, "%s: Cache-Control %r" % (what, cc))

    def test_anonymous_responses(self):
        cases = {
            "health": self.srv.get("/api/v1/health", auth=False),
            "openapi": self.srv.get("/api/v1/openapi.json", auth=False),
            "401": self.srv.get("/api/v1/enterprises", auth=False),
            "404": self.srv.get("/api/v1/nothing-here", auth=False),
            "bad login": self.srv.post("/api/v1/auth/login", {"login": "x"}, auth=False),
        }
        for what, r in cases.items():
            with self.subTest(what=what):
                self.assertCommonHeaders(r, what)

    def test_authenticated_responses(self):
        cases = {
            "token list": self.srv.get("/api/v1/enterprises"),
            "token get": self.srv.get(code_path(self.code), auth=self.admin),
            "token 404": self.srv.get(code_path(make_code(1001)), auth=self.admin),
            "token public route": self.srv.get("/api/v1/regions", auth=self.admin),
            "token csv": self.srv.get("/api/v1/enterprises?format=csv", auth=self.admin),
            "session me": self.s.get("/api/v1/auth/me"),
            "session list": self.s.get("/api/v1/enterprises"),
            "session 403 csrf": self.s.patch(code_path(self.code), {"name": "x"}, csrf=False),
            "session 403 forbidden": self.s.get("/api/v1/audit"),
            "session patch": self.s.patch(code_path(self.code), {"contact_name": "拉姆"}),
        }
        for what, r in cases.items():
            with self.subTest(what=what):
                self.assertCommonHeaders(r, what)
                self.assertNoStore(r, what)

    def test_login_response_not_stored(self):
        """The sign-in answer carries the session cookie and the CSRF token."""
        s = Session(self.srv, "hdr.user")
        self.assertCommonHeaders(s.response, "login")
        cc = s.response.headers.get("Cache-Control") or ""
        self.assertIn("no-store", cc, "POST /api/v1/auth/login 200: Cache-Control %r" % cc)


if __name__ == "__main__":
    jzapi.main()

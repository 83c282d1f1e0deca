"""
Helpers for the API tests: start a fresh jinzhi server on a random port, talk to it over
HTTP (http.client) or raw sockets, and compute valid unified social credit codes.

Standard library only. Used by tests/api/test_*.py, which CTest runs as `python3 FILE` with
JINZHI_BIN (the binary) and JZ_SOURCE_DIR (the source tree) in the environment.
"""
import collections
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("JZ_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))


def jinzhi_bin():
    """Path of the binary: $JINZHI_BIN, else build/jinzhi in the source tree."""
    b = os.environ.get("JINZHI_BIN") or os.path.join(SOURCE_DIR, "build", "jinzhi")
    if not os.access(b, os.X_OK):
        raise RuntimeError("jinzhi binary not found or not executable: %r (set JINZHI_BIN)" % b)
    return b


START_TIMEOUT = 30.0  # seconds to wait for "listening on" and for health 200
STOP_TIMEOUT = 30.0  # seconds to wait for exit after SIGTERM (drain is 10 s by default)
REQUEST_TIMEOUT = 60.0

LISTEN_RE = re.compile(r"jinzhi: listening on 127\.0\.0\.1:(\d+) with (\d+) threads")

# ---------------------------------------------------------------------------------------
# Credit codes (GB 32100-2015, with the GB 11714 organisation code inside)
# ---------------------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def uscc_check_char(code17):
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code17, USCC_WEIGHTS))
    c = 31 - s % 31
    return USCC_ALPHABET[0 if c == 31 else c]


def org_check_char(body8):
    def val(ch):
        return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10

    s = sum(val(ch) * w for ch, w in zip(body8, ORG_WEIGHTS))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_valid(code):
    """True when code passes the GB 32100 check (not the inner organisation-code check)."""
    return (len(code) == 18 and all(c in USCC_ALPHABET for c in code) and code[2:8].isdigit()
            and uscc_check_char(code[:17]) == code[17])


def make_code(seq, region="540102", org_ok=True, dept="91"):
    """A valid credit code, unique per (seq, region, dept). org_ok=False gives a code whose
    embedded organisation code fails its check (the server accepts it with a warning)."""
    body8 = "%08d" % (seq % 100000000)
    oc = org_check_char(body8)
    if not org_ok:
        oc = "1" if oc != "1" else "2"
    c17 = dept + region + body8 + oc
    return c17 + uscc_check_char(c17)


# Sanity of the helper against the examples of reference/codes.md.
for _example in ("91110000101623741K", "911101066976941872", "91350100M000100Y43"):
    assert uscc_valid(_example), _example
assert uscc_check_char("91110000101623741") == "K"


def corrupt_check(code):
    """The same code with a wrong check character (position 18)."""
    good = code[17]
    bad = next(c for c in "0123456789ABCDEFGHJK" if c != good)
    return code[:17] + bad


# ---------------------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------------------

ADMIN_LOGIN = "jzadmin"
ADMIN_PASSWORD = "Test-Admin-Passw0rd"
MODULES = ["registry", "equipment", "sampling", "licensing", "food", "trace", "standards",
           "metrology", "certification", "enforcement", "quality", "reports", "documents",
           "accounts", "audit"]
ACTIONS = ["read", "write", "approve", "publish", "export", "admin"]
ALL_SCOPES = ["%s:%s" % (m, a) for m in MODULES for a in ACTIONS]

Response = collections.namedtuple("Response", "status headers body json")
Response.__doc__ = """status: int; headers: email.message.Message (case-insensitive .get);
body: bytes; json: parsed body or None when it is not JSON."""


def _parse_json(body):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def describe(r):
    """Short text of a response for assertion messages."""
    if r is None:
        return "<no response>"
    return "%d %s" % (r.status, r.body[:600].decode("utf-8", "replace"))


# ---------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------


class Server:
    """One jinzhi process on its own temporary database."""

    def make_account(self, login, password, unit, roles, credit_code=None, force_change=False):
        """Creates an account with the CLI (works while the server runs)."""
        args = ["user", "add", login, "--db", self.db, "--name", login, "--unit", unit,
                "--password-stdin"]
        for r in roles:
            args += ["--role", r]
        if credit_code:
            args += ["--credit-code", credit_code]
        if not force_change:
            args.append("--no-force-change")
        self._run_tool(args, stdin=(password + "\n").encode())

    def make_token(self, login, password, unit, roles, scopes, credit_code=None, days=30):
        """Creates an account and an API token for it with the CLI; returns the token."""
        self.make_account(login, password, unit, roles, credit_code)
        return self.issue_token(login, scopes, days)

    def issue_token(self, login, scopes, days=30):
        """An API token for an existing account, made with the CLI."""
        args = ["user", "token", login, "--db", self.db, "--name", "tests", "--days", str(days)]
        for sc in scopes:
            args += ["--scope", sc]
        out = self._run_tool(args).stdout.decode()
        m = re.search(r"jzt_[A-Za-z0-9_-]+", out)
        if m is None:
            raise RuntimeError("no token in: " + out)
        return m.group(0)

    def __init__(self, demo=True, threads=2, seed=7, scale="small", env=None, db=None,
                 args=None):
        """db: serve this existing database file (not created, not deleted) instead of a
        fresh one in a temporary directory. args: more flags for `jinzhi serve` (such as
        ["--web-root", DIR]); the server runs in its temporary directory, so the default
        web root (web/dist) is absent there unless given."""
        self.bin = jinzhi_bin()
        self.existing_db = db
        self.demo = demo
        self.threads = threads
        self.seed = seed
        self.scale = scale
        self.extra_env = env or {}
        self.extra_args = list(args or [])
        self.tmp = None
        self.db = None
        self.proc = None
        self.port = None
        self.stderr_lines = []
        self._stderr_lock = threading.Lock()
        self._stderr_cond = threading.Condition(self._stderr_lock)
        self._reader = None
        self.returncode = None
        self.token = None  # the administrator's API token, sent unless auth=False

    # -- environment ---------------------------------------------------------------------

    def _env(self):
        env = {k: v for k, v in os.environ.items()
               if not (k.startswith("JINZHI_") and k != "JINZHI_BIN")}
        env.update(self.extra_env)
        return env

    def _run_tool(self, args, stdin=None):
        p = subprocess.run([self.bin] + args, cwd=self.tmp, env=self._env(), input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s %s" % (
                " ".join(args), p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace")))
        return p

    # -- life cycle ----------------------------------------------------------------------

    def start(self):
        if self.existing_db:
            self.tmp = os.path.dirname(os.path.abspath(self.existing_db))
            self.db = self.existing_db
        else:
            self.tmp = tempfile.mkdtemp(prefix="jzapi-")
            self.db = os.path.join(self.tmp, "jinzhi.db")
        try:
            if self.existing_db:
                pass
            elif self.demo:
                self._run_tool(["demo", "--db", self.db, "--scale", self.scale,
                                "--seed", str(self.seed)])
            else:
                self._run_tool(["migrate", "--db", self.db])
            if not self.existing_db:
                self.token = self.make_token(ADMIN_LOGIN, ADMIN_PASSWORD, "540000",
                                             ["sysadmin"], ALL_SCOPES)
            else:
                try:  # a database one of our servers made before has the administrator
                    self.token = self.issue_token(ADMIN_LOGIN, ALL_SCOPES)
                except RuntimeError:
                    self.token = None
            self.proc = subprocess.Popen(
                [self.bin, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
                 "--threads", str(self.threads)] + self.extra_args,
                cwd=self.tmp, env=self._env(), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except BaseException:
            self.kill()
            raise
        self._reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._reader.start()
        try:
            line = self.wait_stderr(LISTEN_RE, START_TIMEOUT)
            if line is None:
                raise RuntimeError("server did not report its port; stderr:\n" + self.stderr_text())
            m = LISTEN_RE.search(line)
            self.port = int(m.group(1))
            if int(m.group(2)) != self.threads:
                raise RuntimeError("server reports %s threads, asked for %d"
                                   % (m.group(2), self.threads))
            self.wait_healthy()
        except BaseException:
            self.kill()
            raise
        return self

    def _drain_stderr(self):
        for raw in iter(self.proc.stderr.readline, b""):
            with self._stderr_cond:
                self.stderr_lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._stderr_cond.notify_all()
        with self._stderr_cond:
            self._stderr_cond.notify_all()

    def stderr_text(self):
        with self._stderr_lock:
            return "\n".join(self.stderr_lines)

    def wait_stderr(self, pattern, timeout, start=0):
        """First stderr line (from index start) matching the regex/string, or None."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        with self._stderr_cond:
            i = start
            while True:
                while i < len(self.stderr_lines):
                    if rx.search(self.stderr_lines[i]):
                        return self.stderr_lines[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    return None
                self._stderr_cond.wait(min(left, 0.2))

    def wait_healthy(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited (%s) during start; stderr:\n%s"
                                   % (self.proc.returncode, self.stderr_text()))
            try:
                r = self.get("/api/v1/health", timeout=5)
                if r.status == 200:
                    return
                last = describe(r)
            except OSError as e:
                last = repr(e)
            time.sleep(0.05)
        raise RuntimeError("server not healthy within %ss: %s" % (timeout, last))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal_stop(self):
        self.proc.send_signal(signal.SIGTERM)

    def wait_exit(self, timeout=STOP_TIMEOUT):
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        if self._reader:
            self._reader.join(timeout=5)
        return self.returncode

    def stop(self, keep_files=False):
        """SIGTERM; returns (exit code, stderr text). Kills it if it does not stop in time.
        keep_files leaves the temporary directory (and database) in place."""
        if self.proc is None:
            return None, ""
        if self.proc.poll() is None:
            self.signal_stop()
        rc = self.wait_exit()
        if rc is None:
            self.kill()
            rc = "timeout (killed)"
        text = self.stderr_text()
        self.cleanup(remove=not keep_files)
        return rc, text

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.cleanup()

    def cleanup(self, remove=True):
        if self.proc is not None and self.proc.stderr is not None and self.proc.poll() is not None:
            if self._reader:
                self._reader.join(timeout=5)
            try:
                self.proc.stderr.close()
            except OSError:
                pass
        if (remove and self.tmp and not self.existing_db and os.path.isdir(self.tmp)
                and (self.proc is None or self.proc.poll() is not None)):
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- HTTP ----------------------------------------------------------------------------

    def auth_headers(self):
        """Headers that authenticate as the administrator (for hand-made requests)."""
        return {"Authorization": "Bearer " + self.token} if self.token else {}

    def connection(self, timeout=REQUEST_TIMEOUT):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, json_body=None, query=None,
                timeout=REQUEST_TIMEOUT, content_type=None, auth=True):
        """One request on a fresh connection. json_body (any JSON value) is serialised with
        Content-Type application/json unless content_type is given; body is sent as is.
        auth: send the administrator's token (or give auth=TOKEN, or False for none)."""
        hdrs = dict(headers or {})
        token = auth if isinstance(auth, str) else (self.token if auth else None)
        if token and "Authorization" not in hdrs and "Cookie" not in hdrs:
            hdrs["Authorization"] = "Bearer " + token
        if query:
            path = path + ("&" if "?" in path else "?") + urllib.parse.urlencode(query)
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            hdrs.setdefault("Content-Type", content_type or "application/json")
        elif content_type is not None:
            hdrs.setdefault("Content-Type", content_type)
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return Response(resp.status, resp.headers, data, _parse_json(data))
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.request("POST", path, json_body=json_body, **kw)

    def patch(self, path, json_body=None, **kw):
        return self.request("PATCH", path, json_body=json_body, **kw)

    def raw(self, data, read=True, timeout=10.0, shutdown_write=False):
        """Sends bytes on a new socket; returns everything read until the peer closes or the
        timeout passes (b"" if nothing). Connection errors while reading count as the end."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            try:
                s.sendall(data)
                if shutdown_write:
                    s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            if not read:
                return b""
            return recv_all(s, timeout)
        finally:
            s.close()

    # -- API shortcuts -------------------------------------------------------------------

    def list_all(self, params=None, limit=1000):
        """Every item of a filtered list, following next_cursor."""
        items = []
        q = dict(params or {})
        q["limit"] = str(limit)
        cursor = None
        for _ in range(100000):
            qq = dict(q)
            if cursor:
                qq["cursor"] = cursor
            r = self.get("/api/v1/enterprises", query=qq)
            if r.status != 200:
                raise AssertionError("list %r failed: %s" % (qq, describe(r)))
            items.extend(r.json["items"])
            cursor = r.json["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError("pagination does not end")

    def count(self, params=None):
        q = dict(params or {})
        q["count"] = "true"
        q["limit"] = "1"
        r = self.get("/api/v1/enterprises", query=q)
        if r.status != 200:
            raise AssertionError("count %r failed: %s" % (q, describe(r)))
        return r.json["total"]

    def enterprise(self, code):
        r = self.get("/api/v1/enterprises/" + urllib.parse.quote(code, safe=""))
        return r


def recv_all(sock, timeout):
    """Reads until EOF, error or timeout (overall)."""
    deadline = time.monotonic() + timeout
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            b = sock.recv(65536)
        except (socket.timeout, OSError):
            break
        if not b:
            break
        chunks.append(b)
    return b"".join(chunks)


def recv_response_head(sock, timeout):
    """Reads until the end of a response head (\\r\\n\\r\\n), EOF or timeout."""
    deadline = time.monotonic() + timeout
    data = b""
    while b"\r\n\r\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            b = sock.recv(65536)
        except (socket.timeout, OSError):
            break
        if not b:
            break
        data += b
    return data


def status_of(raw_response):
    """Status code of a raw HTTP response, or None."""
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw_response)
    return int(m.group(1)) if m else None


def raw_body_json(raw_response):
    """The JSON body of a raw (non-chunked) response, or None."""
    head, sep, body = raw_response.partition(b"\r\n\r\n")
    if not sep:
        return None
    return _parse_json(body)


# ---------------------------------------------------------------------------------------
# unittest glue
# ---------------------------------------------------------------------------------------


class ServerTestCase(unittest.TestCase):
    """A test class with its own server (self.srv / cls.srv). DEMO = False for an empty
    database. tearDownClass stops it with SIGTERM and checks a clean exit."""

    DEMO = True
    THREADS = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv = Server(demo=cls.DEMO, threads=cls.THREADS).start()

    @classmethod
    def tearDownClass(cls):
        srv = cls.srv
        rc, text = srv.stop()
        super().tearDownClass()
        if rc != 0:
            raise AssertionError("server exit code %r after SIGTERM; stderr tail:\n%s"
                                 % (rc, text[-3000:]))
        if "jinzhi: stopped" not in text:
            raise AssertionError("no 'jinzhi: stopped' on stderr; tail:\n" + text[-3000:])

    # -- assertions ----------------------------------------------------------------------

    def assertStatus(self, r, status, msg=None):
        if isinstance(status, int):
            ok = r.status == status
        else:
            ok = r.status in status
        if not ok:
            self.fail("expected status %s, got %s%s" % (status, describe(r),
                                                       (" -- " + msg) if msg else ""))

    def assertError(self, r, status, code=None, field="__any__", msg=None):
        """The response is an API error with this status, error.code and error.field."""
        self.assertStatus(r, status, msg)
        j = r.json
        self.assertIsInstance(j, dict, "error body is not a JSON object: " + describe(r))
        self.assertIn("error", j, describe(r))
        e = j["error"]
        self.assertIsInstance(e.get("message"), str, describe(r))
        self.assertIn("field", e, "error.field missing: " + describe(r))
        if code is not None:
            self.assertEqual(e.get("code"), code, "error.code: " + describe(r))
        if field != "__any__":
            self.assertEqual(e.get("field"), field, "error.field: " + describe(r))
        return e


def code_path(code):
    return "/api/v1/enterprises/" + urllib.parse.quote(code, safe="")


def main():
    """unittest.main() that exits non-zero on any failure or error."""
    unittest.main(verbosity=2)

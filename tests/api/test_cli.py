"""The command line against real databases: import (alone, and beside a running server),
export, backup, audit verify, migrate, and bad arguments."""

import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402


def run(*args, stdin=None):
    return subprocess.run([jzapi.jinzhi_bin()] + list(args), input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)


def csv_rows(codes, region="540102"):
    lines = ["credit_code,name,region_code,industry"]
    for i, c in enumerate(codes):
        lines.append("%s,测试企业%d,%s,C" % (c, i, region))
    return ("\r\n".join(lines) + "\r\n").encode()


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jzcli-")
        self.db = os.path.join(self.tmp, "j.db")

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.tmp])

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def journal_mode(self):
        con = sqlite3.connect(self.db)
        try:
            return con.execute("PRAGMA journal_mode").fetchone()[0]
        finally:
            con.close()

    def count(self):
        con = sqlite3.connect(self.db)
        try:
            return con.execute("SELECT count(*) FROM enterprise").fetchone()[0]
        finally:
            con.close()

    def test_import_alone_leaves_wal_and_intact_audit(self):
        codes = [jzapi.make_code(700000 + i) for i in range(50)]
        path = self.write("a.csv", csv_rows(codes))
        p = run("import", "--db", self.db, "enterprises", path)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn("50 created", p.stderr.decode())
        self.assertEqual(self.count(), 50)
        self.assertEqual(self.journal_mode(), "wal")
        self.assertTrue(os.path.exists(self.db + ".audit-key"))
        v = run("audit", "verify", "--db", self.db)
        self.assertEqual(v.returncode, 0, v.stdout.decode() + v.stderr.decode())
        # The same file again changes nothing.
        p = run("import", "--db", self.db, "enterprises", path)
        self.assertEqual(p.returncode, 0)
        self.assertIn("50 unchanged", p.stderr.decode())

    def test_bad_rows_all_or_nothing_exit_status_and_report(self):
        codes = [jzapi.make_code(710000 + i) for i in range(3)]
        data = csv_rows(codes).replace(b",C\r\n", b",Z\r\n", 1)  # first row: bad industry
        path = self.write("b.csv", data)
        report = os.path.join(self.tmp, "r.json")
        p = run("import", "--db", self.db, "enterprises", path, "--report", report)
        self.assertEqual(p.returncode, 1)
        self.assertTrue(os.path.exists(report))
        self.assertEqual(self.count(), 0)
        p = run("import", "--db", self.db, "enterprises", path, "--mode", "skip_bad_rows")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(self.count(), 2)

    def test_import_beside_running_server(self):
        srv = jzapi.Server(demo=False, db=None)
        srv.start()
        try:
            codes = [jzapi.make_code(720000 + i) for i in range(20)]
            path = self.write("c.csv", csv_rows(codes))
            p = run("import", "--db", srv.db, "enterprises", path)
            self.assertEqual(p.returncode, 0, p.stderr.decode())
            r = srv.get("/api/v1/enterprises/" + codes[0])
            self.assertEqual(r.status, 200, jzapi.describe(r))
            self.assertEqual(srv.count(), 20)
        finally:
            rc, text = srv.stop()
            self.assertEqual(rc, 0, text)

    def test_export_backup_and_unknown_arguments(self):
        codes = [jzapi.make_code(730000 + i) for i in range(10)]
        path = self.write("d.csv", csv_rows(codes))
        self.assertEqual(run("import", "--db", self.db, "enterprises", path).returncode, 0)
        out = os.path.join(self.tmp, "out.csv")
        p = run("export", "--db", self.db, "enterprises", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        with open(out, encoding="utf-8") as f:
            self.assertEqual(len(f.read().strip().splitlines()), 11)
        copy = os.path.join(self.tmp, "copy.db")
        p = run("backup", "--db", self.db, copy)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(run("backup", "--db", self.db, copy).returncode, 1)  # exists
        for args in (["import", "--db", self.db, "enterprises"], ["export", "--db", self.db],
                     ["frobnicate"], ["import", "--db", self.db, "--mode", "sometimes",
                                      "enterprises", path]):
            with self.subTest(args=args):
                self.assertEqual(run(*args).returncode, 2)


if __name__ == "__main__":
    unittest.main()

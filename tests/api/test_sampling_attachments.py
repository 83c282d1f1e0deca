"""
Attachments of samples over HTTP against the live server with demo data: a real small PNG and
PDF uploaded to a sample, listed, downloaded byte for byte (type, ETag = SHA-256, a
Content-Disposition with the UTF-8 name, nosniff) and found on disk under their hash in the
default directory beside the database; the same bytes stored once; a type not allowed, bytes
that are not what they claim, a PDF as a photo, bad names and kinds, an empty body (400,
nothing written); a body over 10 MiB (413 from Content-Length alone, nothing written) and one
of exactly 10 MiB (accepted); a sample out of scope (404 on upload, list and download); an
enterprise account (403 on upload, reads its own); 50 attachments a sample at most (409); a
stored file altered on disk (500, logged, the wrong bytes never sent); the audit entry.
"""
import hashlib
import os
import struct
import sys
import urllib.parse
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jzapi  # noqa: E402

PASSWORD = "Qomolangma-8848!"
S = "/api/v1/sampling"
MAX = 10 * 1024 * 1024


def png(width=3, height=2, shade=0):
    """A real PNG (8-bit RGB) of width x height, colours varied by shade."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"".join(bytes(((x * 40 + shade) % 256, (y * 90) % 256,
                                             shade % 256)) for x in range(width))
                   for y in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf(text="Sampling form"):
    """A real one-page PDF showing text (ASCII), with a correct cross-reference table."""
    stream = ("BT /F1 18 Tf 72 720 Td (%s) Tj ET" % text).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def disposition(name):
    return "attachment; filename*=UTF-8''" + urllib.parse.quote(name.encode("utf-8"),
                                                               safe="!#$&+-.^_`|~")


class SamplingAttachmentsTest(jzapi.ServerTestCase):
    DEMO = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        rw = ["sampling:read", "sampling:write"]
        cls.lhasa = srv.make_token("att.lhasa", PASSWORD, "540100", ["sampling_officer"], rw)
        cls.shigatse = srv.make_token("att.shigatse", PASSWORD, "540200", ["sampling_officer"],
                                      rw)
        r = srv.get(S + "/samples", query={"region": "540100", "limit": "20"}, auth=cls.lhasa)
        assert r.status == 200, jzapi.describe(r)
        items = r.json["items"]
        assert len(items) >= 4, "the demo has too few samples in Lhasa: %d" % len(items)
        cls.samples = [it["id"] for it in items]
        cls.producer = items[0]["producer"]
        cls.sample = cls.samples[0]
        others = [it for it in items if it["producer"] != cls.producer]
        assert others, "every demo sample in Lhasa is of one producer"
        cls.other_producer_sample = others[0]["id"]
        cls.enterprise = srv.make_token("att.ent", PASSWORD, "540000", ["enterprise"], rw,
                                        credit_code=cls.producer)
        cls.dir = os.path.join(os.path.dirname(srv.db), "attachments")
        cls.shade = 0

    # -- helpers ---------------------------------------------------------------------------

    def upload(self, data, content_type, kind="photo", name="photo.png", sample=None,
               token=None, status=201):
        query = {}
        if kind is not None:
            query["kind"] = kind
        if name is not None:
            query["name"] = name
        r = self.srv.request("POST", "%s/samples/%s/attachments" % (S, sample or self.sample),
                             body=data, content_type=content_type, query=query,
                             auth=token or self.lhasa)
        self.assertStatus(r, status)
        return r

    def listing(self, sample=None, token=None, status=200):
        r = self.srv.get("%s/samples/%s/attachments" % (S, sample or self.sample),
                         auth=token or self.lhasa)
        self.assertStatus(r, status)
        return r.json["items"] if status == 200 else r

    def files(self):
        """Every file under the attachments directory (relative paths)."""
        out = set()
        for root, _dirs, names in os.walk(self.dir):
            for n in names:
                out.add(os.path.relpath(os.path.join(root, n), self.dir))
        return out

    def new_png(self):
        type(self).shade += 1
        return png(4, 3, self.shade)

    # -- tests -----------------------------------------------------------------------------

    def test_png_and_pdf_round_trip(self):
        before = len(self.listing())
        image = self.new_png()
        r = self.upload(image, "image/png", "photo", "现场照片 1.png")
        a = r.json
        self.assertEqual(a["sha256"], hashlib.sha256(image).hexdigest())
        self.assertEqual(a["size"], len(image))
        self.assertEqual(a["kind"], "photo")
        self.assertEqual(a["name"], "现场照片 1.png")
        self.assertEqual(a["content_type"], "image/png")
        self.assertEqual(a["sample_id"], self.sample)
        self.assertEqual(a["uploaded_by"], "att.lhasa")
        self.assertRegex(a["uploaded_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

        form = pdf("CC2026 sampling form")
        r = self.upload(form, "application/pdf; charset=binary", "form",
                        "抽样单 ཤོག་བྱང་ 'signed' (1).pdf")
        b = r.json
        self.assertEqual(b["content_type"], "application/pdf")
        self.assertEqual(b["sha256"], hashlib.sha256(form).hexdigest())

        items = self.listing()
        self.assertEqual(len(items), before + 2)
        by_id = {it["id"]: it for it in items}
        self.assertEqual(by_id[a["id"]], a)
        self.assertEqual(by_id[b["id"]], b)

        for att, data in ((a, image), (b, form)):
            r = self.srv.get("%s/attachments/%s" % (S, att["id"]), auth=self.lhasa)
            self.assertStatus(r, 200)
            self.assertEqual(r.body, data)
            self.assertEqual(hashlib.sha256(r.body).hexdigest(), att["sha256"])
            self.assertEqual(r.headers.get("Content-Type"), att["content_type"])
            self.assertEqual(r.headers.get("ETag"), '"%s"' % att["sha256"])
            self.assertEqual(r.headers.get("Content-Disposition"), disposition(att["name"]))
            self.assertEqual(r.headers.get("X-Content-Type-Options"), "nosniff")
            self.assertEqual(int(r.headers.get("Content-Length")), len(data))
            # On disk beside the database, under its hash.
            h = att["sha256"]
            with open(os.path.join(self.dir, h[:2], h), "rb") as f:
                self.assertEqual(f.read(), data)

    def test_same_bytes_stored_once(self):
        image = self.new_png()
        self.upload(image, "image/png", "photo", "a.png")
        files = self.files()
        r = self.upload(image, "image/png", "other", "b.png", sample=self.samples[1])
        self.assertEqual(self.files(), files)
        r2 = self.srv.get("%s/attachments/%s" % (S, r.json["id"]), auth=self.lhasa)
        self.assertStatus(r2, 200)
        self.assertEqual(r2.body, image)
        names = [it["name"] for it in self.listing(self.samples[1])]
        self.assertIn("b.png", names)

    def test_refused_uploads_write_nothing(self):
        items, files = self.listing(), self.files()
        image, form = self.new_png(), pdf("refused")
        cases = [
            (image, "text/plain", "photo", "x.png", "content_type", "type_not_allowed"),
            (b"GIF89a\x01\x00\x01\x00", "image/gif", "photo", "x.gif", "content_type",
             "type_not_allowed"),
            (image, None, "photo", "x.png", "content_type", "type_not_allowed"),
            (form, "image/png", "photo", "x.png", "content_type", "type_mismatch"),
            (image, "application/pdf", "report", "x.pdf", "content_type", "type_mismatch"),
            (b"<html>hi</html>", "image/jpeg", "photo", "x.jpg", "content_type",
             "type_mismatch"),
            (form, "application/pdf", "photo", "x.pdf", "content_type", "type_not_allowed"),
            (b"", "image/png", "photo", "x.png", "body", "required"),
            (image, "image/png", None, "x.png", "kind", "required"),
            (image, "image/png", "video", "x.png", "kind", "invalid"),
            (image, "image/png", "photo", None, "name", "required"),
            (image, "image/png", "photo", "", "name", "required"),
            (image, "image/png", "photo", "../x.png", "name", "invalid"),
            (image, "image/png", "photo", "a\\b.png", "name", "invalid"),
            (image, "image/png", "photo", "a\nb.png", "name", "invalid"),
            (image, "image/png", "photo", "样" * 201, "name", "too_long"),
        ]
        for data, ctype, kind, name, field, code in cases:
            with self.subTest(ctype=ctype, kind=kind, name=name):
                query = {k: v for k, v in (("kind", kind), ("name", name)) if v is not None}
                headers = {} if ctype is None else {"Content-Type": ctype}
                r = self.srv.request("POST", "%s/samples/%s/attachments" % (S, self.sample),
                                     body=data, headers=headers, query=query, auth=self.lhasa)
                self.assertError(r, 400, code, field)
        # Invalid UTF-8 in the name, percent-encoded by hand.
        r = self.srv.request("POST", "%s/samples/%s/attachments?kind=photo&name=%%FF.png"
                             % (S, self.sample), body=image, content_type="image/png",
                             auth=self.lhasa)
        self.assertError(r, 400, "invalid_utf8", "name")
        self.assertEqual(self.listing(), items)
        self.assertEqual(self.files(), files)
        # 200 characters are fine.
        self.upload(image, "image/png", "photo", "样" * 196 + ".png")

    def test_too_large(self):
        items, files = self.listing(), self.files()
        # Answered from Content-Length alone, before any of the body is read.
        head = ("POST %s/samples/%s/attachments?kind=report&name=big.pdf HTTP/1.1\r\n"
                "Host: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/pdf\r\n"
                "Content-Length: %d\r\n\r\n" % (S, self.sample, self.lhasa, MAX + 1)).encode()
        raw = self.srv.raw(head, timeout=10)
        self.assertEqual(jzapi.status_of(raw), 413, raw[:300])
        self.assertEqual(jzapi.raw_body_json(raw)["error"]["code"], "too_large")
        # The whole body sent anyway.
        big = b"%PDF-1.4\n" + b"\0" * (MAX + 1 - 9)
        try:
            r = self.srv.request("POST", "%s/samples/%s/attachments" % (S, self.sample),
                                 body=big, content_type="application/pdf",
                                 query={"kind": "report", "name": "big.pdf"}, auth=self.lhasa)
            self.assertStatus(r, 413)
        except OSError:
            pass  # the server may close while the rest is still being sent
        self.assertEqual(self.listing(), items)
        self.assertEqual(self.files(), files)
        # Exactly 10 MiB is allowed.
        exact = big[:MAX - 8] + b"%%EOF\n\0\0"
        self.assertEqual(len(exact), MAX)
        r = self.upload(exact, "application/pdf", "report", "exact.pdf")
        self.assertEqual(r.json["size"], MAX)
        r = self.srv.get("%s/attachments/%s" % (S, r.json["id"]), auth=self.lhasa)
        self.assertStatus(r, 200)
        self.assertEqual(hashlib.sha256(r.body).hexdigest(), hashlib.sha256(exact).hexdigest())

    def test_out_of_scope(self):
        image = self.new_png()
        a = self.upload(image, "image/png", "photo", "scope.png").json
        files = self.files()
        r = self.upload(image, "image/png", "photo", "x.png", token=self.shigatse, status=404)
        self.assertError(r, 404, "not_found")
        self.assertEqual(self.files(), files)
        self.assertError(self.listing(token=self.shigatse, status=404), 404, "not_found")
        r = self.srv.get("%s/attachments/%s" % (S, a["id"]), auth=self.shigatse)
        self.assertError(r, 404, "not_found")
        self.assertNotEqual(r.body, image)
        # No such sample or attachment at all.
        self.assertError(self.listing(sample="999999999", status=404), 404, "not_found")
        r = self.srv.get("%s/attachments/999999999" % S, auth=self.lhasa)
        self.assertError(r, 404, "not_found")
        r = self.srv.get("%s/attachments/abc" % S, auth=self.lhasa)
        self.assertError(r, 404, "not_found")
        # Without a sign-in.
        r = self.srv.get("%s/attachments/%s" % (S, a["id"]), auth=False)
        self.assertStatus(r, 401)

    def test_enterprise(self):
        image = self.new_png()
        a = self.upload(image, "image/png", "photo", "ent.png").json
        items, files = self.listing(), self.files()
        r = self.upload(self.new_png(), "image/png", "photo", "mine.png", token=self.enterprise,
                        status=403)
        self.assertError(r, 403, "forbidden")
        self.assertEqual(self.listing(), items)
        self.assertEqual(self.files(), files)
        # It reads the attachments of its own samples, and no one else's.
        self.assertEqual(self.listing(token=self.enterprise), items)
        r = self.srv.get("%s/attachments/%s" % (S, a["id"]), auth=self.enterprise)
        self.assertStatus(r, 200)
        self.assertEqual(r.body, image)
        other = self.upload(self.new_png(), "image/png", "photo", "other.png",
                            sample=self.other_producer_sample).json
        self.listing(sample=self.other_producer_sample, token=self.enterprise, status=404)
        r = self.srv.get("%s/attachments/%s" % (S, other["id"]), auth=self.enterprise)
        self.assertError(r, 404, "not_found")

    def test_at_most_fifty(self):
        sample = self.samples[2]
        have = len(self.listing(sample))
        for i in range(have, 50):
            self.upload(self.new_png(), "image/png", "photo", "p%02d.png" % i, sample=sample)
        files = self.files()
        r = self.upload(self.new_png(), "image/png", "photo", "p50.png", sample=sample,
                        status=409)
        self.assertError(r, 409, "too_many")
        self.assertEqual(len(self.listing(sample)), 50)
        self.assertEqual(self.files(), files)

    def test_tampered_file(self):
        image = self.new_png()
        a = self.upload(image, "image/png", "photo", "tamper.png", sample=self.samples[3]).json
        path = os.path.join(self.dir, a["sha256"][:2], a["sha256"])
        altered = bytearray(image)
        altered[-13] ^= 0xFF
        with open(path, "r+b") as f:
            f.write(bytes(altered))
        start = len(self.srv.stderr_lines)
        r = self.srv.get("%s/attachments/%s" % (S, a["id"]), auth=self.lhasa)
        self.assertError(r, 500, "internal")
        self.assertNotIn(bytes(altered), r.body)
        line = self.srv.wait_stderr("attachment %s of sample" % a["id"], 5, start)
        self.assertIsNotNone(line, self.srv.stderr_text()[-2000:])
        self.assertIn("missing or altered", line)
        # Missing altogether: the same.
        os.unlink(path)
        r = self.srv.get("%s/attachments/%s" % (S, a["id"]), auth=self.lhasa)
        self.assertError(r, 500, "internal")
        # Uploading the same bytes again stores them again, and both rows serve them.
        b = self.upload(image, "image/png", "photo", "again.png", sample=self.samples[3]).json
        for att in (a, b):
            r = self.srv.get("%s/attachments/%s" % (S, att["id"]), auth=self.lhasa)
            self.assertStatus(r, 200)
            self.assertEqual(r.body, image)

    def test_audit(self):
        a = self.upload(self.new_png(), "image/png", "photo", "审计.png").json
        r = self.srv.get("/api/v1/audit", query={"action": "sampling.attachment.add",
                                                 "entity_key": a["id"]})
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["items"]), 1, jzapi.describe(r))
        e = r.json["items"][0]
        self.assertEqual(e["actor"], "att.lhasa")
        self.assertEqual(e["entity_type"], "sampling_attachment")
        self.assertEqual(e["after"]["sha256"], a["sha256"])
        self.assertEqual(e["after"]["name"], "审计.png")
        self.assertEqual(e["after"]["sample_id"], self.sample)

    def test_openapi(self):
        r = self.srv.get("/api/v1/openapi.json")
        self.assertStatus(r, 200)
        paths = r.json["paths"]
        self.assertIn("post", paths["/api/v1/sampling/samples/{id}/attachments"])
        self.assertIn("get", paths["/api/v1/sampling/samples/{id}/attachments"])
        self.assertIn("get", paths["/api/v1/sampling/attachments/{id}"])
        self.assertIn("SamplingAttachment", r.json["components"]["schemas"])


if __name__ == "__main__":
    jzapi.main()

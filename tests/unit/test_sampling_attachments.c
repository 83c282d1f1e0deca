/*
 * Unit tests of sample attachments (src/modules/sampling/attachments.c): the kind, the file
 * name (length in code points, UTF-8, '/', '\' and control characters), the claimed type
 * against the bytes' magic number (and photos only as images), the content-addressed files
 * (directories made, the same bytes stored once, a file altered or missing found on read, a
 * stored hash that is not one refused), and where the attachments directory defaults to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "modules/sampling/attachments.h"
#include "platform/config.h"

static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
static const unsigned char JPEG[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
static const char PDF[] = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";

/* The result of the type check of data as type for kind; *code and *field of a failure. */
static int type_of(const char *type, const char *kind, const void *data, size_t n,
                   const char **canonical, struct field_error *err)
{
	*canonical = NULL;
	memset(err, 0, sizeof *err);
	return sp_attachment_type_check(type, kind, data, n, canonical, err);
}

static void type_fails(const char *type, const char *kind, const void *data, size_t n,
                       const char *field, const char *code)
{
	const char *canonical;
	struct field_error err;
	if (type_of(type, kind, data, n, &canonical, &err) != SVC_INVALID)
		fail_msg("type %s for %s accepted", type ? type : "(none)", kind);
	assert_string_equal(err.field, field);
	assert_string_equal(err.code, code);
	assert_null(canonical);
}

static void test_types(void **state)
{
	(void)state;
	const char *canonical;
	struct field_error err;
	assert_int_equal(type_of("image/png", "photo", PNG, sizeof PNG, &canonical, &err), SVC_OK);
	assert_string_equal(canonical, "image/png");
	assert_int_equal(type_of("image/jpeg", "photo", JPEG, sizeof JPEG, &canonical, &err),
	                 SVC_OK);
	assert_string_equal(canonical, "image/jpeg");
	assert_int_equal(type_of("application/pdf", "report", PDF, strlen(PDF), &canonical, &err),
	                 SVC_OK);
	assert_string_equal(canonical, "application/pdf");
	/* Parameters, blanks and case do not matter; the canonical name is stored. */
	assert_int_equal(
	    type_of(" Application/PDF ; name=x", "form", PDF, strlen(PDF), &canonical, &err),
	    SVC_OK);
	assert_string_equal(canonical, "application/pdf");
	/* Images are fine for any kind. */
	assert_int_equal(type_of("image/png", "other", PNG, sizeof PNG, &canonical, &err), SVC_OK);

	/* Types not allowed, and no type at all. */
	type_fails(NULL, "form", PDF, strlen(PDF), "content_type", "type_not_allowed");
	type_fails("text/plain", "form", "hello", 5, "content_type", "type_not_allowed");
	type_fails("image/gif", "photo", "GIF89a", 6, "content_type", "type_not_allowed");
	type_fails("image/svg+xml", "photo", "<svg/>", 6, "content_type", "type_not_allowed");
	type_fails("image/pngx", "photo", PNG, sizeof PNG, "content_type", "type_not_allowed");
	type_fails("image/jpg", "photo", JPEG, sizeof JPEG, "content_type", "type_not_allowed");
	type_fails("", "photo", PNG, sizeof PNG, "content_type", "type_not_allowed");
	/* A photo must be an image, even real PDF bytes. */
	type_fails("application/pdf", "photo", PDF, strlen(PDF), "content_type",
	           "type_not_allowed");

	/* The bytes must be what they claim. */
	type_fails("image/png", "photo", JPEG, sizeof JPEG, "content_type", "type_mismatch");
	type_fails("image/jpeg", "photo", PNG, sizeof PNG, "content_type", "type_mismatch");
	type_fails("application/pdf", "report", PNG, sizeof PNG, "content_type", "type_mismatch");
	type_fails("application/pdf", "report", "%PDF", 4, "content_type", "type_mismatch");
	type_fails("application/pdf", "report", "%pdf-1.4", 8, "content_type", "type_mismatch");
	type_fails("image/png", "photo", PNG, 7, "content_type", "type_mismatch");
	type_fails("image/jpeg", "photo", JPEG, 2, "content_type", "type_mismatch");
	unsigned char png_bad[sizeof PNG];
	memcpy(png_bad, PNG, sizeof PNG);
	png_bad[7] = '\r'; /* a PNG mangled by a text-mode transfer */
	type_fails("image/png", "photo", png_bad, sizeof png_bad, "content_type", "type_mismatch");
	/* Empty bytes. */
	type_fails("image/png", "photo", "", 0, "body", "required");
}

static void name_ok(const char *name)
{
	struct field_error err;
	if (sp_attachment_name_check(name, strlen(name), &err) != SVC_OK)
		fail_msg("name \"%s\" refused: %s", name, err.message);
}

static void name_bad_n(const char *name, size_t n, const char *code)
{
	struct field_error err;
	memset(&err, 0, sizeof err);
	if (sp_attachment_name_check(name, n, &err) != SVC_INVALID)
		fail_msg("name \"%.*s\" accepted", (int)n, name);
	assert_string_equal(err.field, "name");
	assert_string_equal(err.code, code);
}

static void name_bad(const char *name, const char *code)
{
	name_bad_n(name, strlen(name), code);
}

static void test_names(void **state)
{
	(void)state;
	name_ok("a");
	name_ok("photo 1.jpg");
	name_ok("抽样单-拉萨市城关区.pdf");
	name_ok("བོད་ཡིག.png");
	name_ok("..");
	name_ok("name with 'quotes' and \"doubles\" %41.pdf");

	/* 200 code points (600 bytes of CJK) pass, 201 do not. */
	char cjk[3 * 201 + 1];
	for (int i = 0; i < 201; i++)
		memcpy(cjk + 3 * i, "样", 3);
	cjk[3 * 201] = '\0';
	struct field_error err;
	assert_int_equal(sp_attachment_name_check(cjk, 3 * 200, &err), SVC_OK);
	name_bad_n(cjk, 3 * 201, "too_long");
	char ascii[202];
	memset(ascii, 'x', 201);
	ascii[201] = '\0';
	name_bad(ascii, "too_long");
	assert_int_equal(sp_attachment_name_check(ascii, 200, &err), SVC_OK);
}

static void test_names_refused(void **state)
{
	(void)state;
	name_bad("", "required");
	struct field_error err;
	assert_int_equal(sp_attachment_name_check(NULL, 0, &err), SVC_INVALID);
	assert_string_equal(err.field, "name");
	name_bad("dir/file.pdf", "invalid");
	name_bad("/etc/passwd", "invalid");
	name_bad("..\\..\\boot.ini", "invalid");
	name_bad("tab\there.pdf", "invalid");
	name_bad("line\nbreak.pdf", "invalid");
	name_bad("bell\a.pdf", "invalid");
	name_bad("del\x7f.pdf", "invalid");
	name_bad("c1\xC2\x85.pdf", "invalid"); /* U+0085 NEXT LINE */
	name_bad_n("nul\0.pdf", 8, "invalid");
	name_bad("\xff\xfe.pdf", "invalid_utf8");
	name_bad("\xC0\xAF.pdf", "invalid_utf8");     /* overlong '/' */
	name_bad("\xED\xA0\x80.pdf", "invalid_utf8"); /* a surrogate */
	name_bad("cut\xE6\xA0", "invalid_utf8");
}

static void test_kinds(void **state)
{
	(void)state;
	struct field_error err;
	for (const char *const *k = (const char *const[]){"photo", "form", "report", "other", NULL};
	     *k; k++)
		assert_int_equal(sp_attachment_kind_check(*k, &err), SVC_OK);
	assert_int_equal(sp_attachment_kind_check(NULL, &err), SVC_INVALID);
	assert_string_equal(err.field, "kind");
	assert_string_equal(err.code, "required");
	assert_int_equal(sp_attachment_kind_check("", &err), SVC_INVALID);
	assert_string_equal(err.code, "required");
	for (const char *const *k =
	         (const char *const[]){"Photo", "photos", "video", "photo ", " form", NULL};
	     *k; k++) {
		assert_int_equal(sp_attachment_kind_check(*k, &err), SVC_INVALID);
		assert_string_equal(err.field, "kind");
		assert_string_equal(err.code, "invalid");
	}
}

/* Files in directory path (not . or ..), or -1. */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void remove_tree(const char *root, const char *hex)
{
	char p[512];
	snprintf(p, sizeof p, "%s/att/%.2s/%s", root, hex, hex);
	unlink(p);
	snprintf(p, sizeof p, "%s/att/%.2s", root, hex);
	rmdir(p);
}

static void test_files(void **state)
{
	(void)state;
	char root[] = "/tmp/jz_test_attachments.XXXXXX";
	assert_non_null(mkdtemp(root));
	char dir[256], path[512];
	/* A directory that does not exist yet, two levels down. */
	snprintf(dir, sizeof dir, "%s/att", root);

	unsigned char data[3000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	char hex[65], want[65];
	unsigned char h[32];
	crypto_hash_sha256(h, data, sizeof data);
	for (int i = 0; i < 32; i++)
		snprintf(want + 2 * i, 3, "%02x", h[i]);
	assert_int_equal(sp_attachment_file_put(dir, data, sizeof data, hex), 0);
	assert_string_equal(hex, want);
	snprintf(path, sizeof path, "%s/%.2s/%s", dir, hex, hex);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, (off_t)sizeof data);
	assert_int_equal(sb.st_mode & 0777, SP_ATTACHMENT_FILE_MODE);
	assert_int_equal(stat(dir, &sb), 0);
	mode_t mask = umask(0);
	umask(mask);
	assert_int_equal(sb.st_mode & 0777, SP_ATTACHMENT_DIR_MODE & ~mask);
	char sub[300];
	snprintf(sub, sizeof sub, "%s/%.2s", dir, hex);
	assert_int_equal(count_entries(sub), 1); /* no temporary file left */

	/* Read back: the same bytes, appended after what the buffer held. */
	struct buf b = {0};
	buf_puts(&b, "head");
	assert_int_equal(sp_attachment_file_get(dir, hex, &b), 0);
	assert_int_equal(b.len, 4 + sizeof data);
	assert_memory_equal(b.data + 4, data, sizeof data);

	/* The same bytes again: stored once, same name, file untouched. */
	assert_int_equal(stat(path, &sb), 0);
	ino_t ino = sb.st_ino;
	assert_int_equal(sp_attachment_file_put(dir, data, sizeof data, hex), 0);
	assert_string_equal(hex, want);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_ino, ino);
	assert_int_equal(count_entries(sub), 1);

	/* Altered on disk: found on read, the buffer left as it was. */
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, 100, SEEK_SET);
	fputc(data[100] ^ 1, f);
	fclose(f);
	buf_reset(&b);
	buf_puts(&b, "head");
	assert_int_equal(sp_attachment_file_get(dir, hex, &b), 1);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "head");
	/* Storing the same bytes again repairs it (the altered file is replaced). */
	assert_int_equal(sp_attachment_file_put(dir, data, sizeof data, hex), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_ino != ino);
	buf_reset(&b);
	assert_int_equal(sp_attachment_file_get(dir, hex, &b), 0);
	assert_memory_equal(b.data, data, sizeof data);

	/* Truncated, then missing. */
	assert_int_equal(truncate(path, 10), 0);
	buf_reset(&b);
	assert_int_equal(sp_attachment_file_get(dir, hex, &b), 1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sp_attachment_file_get(dir, hex, &b), 1);
	assert_int_equal(b.len, 0);

	/* A stored "hash" that is not one never becomes a path. */
	assert_int_equal(sp_attachment_file_get(dir, "../../etc/passwd", &b), 1);
	assert_int_equal(sp_attachment_file_get(dir, "", &b), 1);
	char upper[65];
	for (int i = 0; i < 64; i++)
		upper[i] = want[i] >= 'a' ? (char)(want[i] - 32) : want[i];
	upper[64] = '\0';
	assert_int_equal(sp_attachment_file_get(dir, upper, &b), 1);

	/* No directory configured: refused, nothing written. */
	assert_int_equal(sp_attachment_file_put("", data, sizeof data, hex), -1);
	/* A file where the directory should be. */
	snprintf(path, sizeof path, "%s/plain", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(sub, sizeof sub, "%s/plain/deeper", root);
	assert_int_equal(sp_attachment_file_put(sub, data, sizeof data, hex), -1);
	unlink(path);

	buf_free(&b);
	remove_tree(root, want);
	snprintf(path, sizeof path, "%s/att", root);
	rmdir(path);
	assert_int_equal(rmdir(root), 0); /* everything made was removed: nothing else left */
}

static void test_set_dir(void **state)
{
	(void)state;
	sp_attachments_set_dir("/srv/jinzhi/attachments");
	assert_string_equal(sp_attachments_dir(), "/srv/jinzhi/attachments");
	sp_attachments_set_dir(NULL);
	assert_string_equal(sp_attachments_dir(), "");
}

static void test_config_dir(void **state)
{
	(void)state;
	struct config c;
	char out[4200];
	config_defaults(&c);
	assert_string_equal(c.attachments_dir, "");
	assert_string_equal(c.source[CK_ATTACHMENTS_DIR], "default");
	assert_string_equal(config_key_name(CK_ATTACHMENTS_DIR), "attachments.dir");
	assert_int_equal(config_attachments_dir(&c, out, sizeof out), 0);
	assert_string_equal(out, "attachments"); /* db "jinzhi.db" in the working directory */
	assert_int_equal(config_set(&c, CK_DB, "/var/lib/jinzhi/jz.db", "flag"), 0);
	assert_int_equal(config_attachments_dir(&c, out, sizeof out), 0);
	assert_string_equal(out, "/var/lib/jinzhi/attachments");
	assert_int_equal(config_set(&c, CK_DB, "/jz.db", "flag"), 0);
	assert_int_equal(config_attachments_dir(&c, out, sizeof out), 0);
	assert_string_equal(out, "/attachments");
	assert_int_equal(config_set(&c, CK_DB, "data/jz.db", "flag"), 0);
	assert_int_equal(config_attachments_dir(&c, out, sizeof out), 0);
	assert_string_equal(out, "data/attachments");
	assert_int_equal(config_set(&c, CK_ATTACHMENTS_DIR, "/srv/files", "env"), 0);
	assert_string_equal(c.source[CK_ATTACHMENTS_DIR], "env");
	assert_int_equal(config_attachments_dir(&c, out, sizeof out), 0);
	assert_string_equal(out, "/srv/files");
	/* Too small an output is refused, not cut short. */
	char small[8];
	assert_int_equal(config_attachments_dir(&c, small, sizeof small), -1);
	/* Environment. */
	config_defaults(&c);
	setenv("JINZHI_ATTACHMENTS_DIR", "/mnt/att", 1);
	assert_int_equal(config_load_env(&c), 0);
	unsetenv("JINZHI_ATTACHMENTS_DIR");
	assert_string_equal(c.attachments_dir, "/mnt/att");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),         cmocka_unit_test(test_names),
	    cmocka_unit_test(test_names_refused), cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_files),         cmocka_unit_test(test_set_dir),
	    cmocka_unit_test(test_config_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of the console's file table (src/platform/static.c): Accept-Encoding
 * negotiation (q values, "*", absence, refusals), content types, If-None-Match, loading a
 * temporary tree (siblings .gz and .br paired with their file, gzip made at load, dot files
 * skipped, symbolic links, the caps) and the lookup with its single-page-app fallback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "platform/static.h"

#define GZ (1u << STATIC_GZIP)
#define BR (1u << STATIC_BR)

static void test_encoding_absent_and_empty(void **state)
{
	(void)state;
	assert_int_equal(static_encoding_choose(NULL, GZ | BR), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("", GZ | BR), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("identity", GZ | BR), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("deflate", GZ | BR), STATIC_IDENTITY);
}

static void test_encoding_prefers_br_then_gzip(void **state)
{
	(void)state;
	assert_int_equal(static_encoding_choose("gzip, deflate, br", GZ | BR), STATIC_BR);
	assert_int_equal(static_encoding_choose("gzip, deflate, br", GZ), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("gzip, deflate, br", BR), STATIC_BR);
	assert_int_equal(static_encoding_choose("gzip, deflate, br", 0), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("gzip", GZ | BR), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("GZIP", GZ), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("x-gzip", GZ), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("  br  ,gzip", GZ | BR), STATIC_BR);
}

static void test_encoding_q_values(void **state)
{
	(void)state;
	assert_int_equal(static_encoding_choose("gzip;q=0", GZ), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("gzip; q=0.000", GZ), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("gzip;q=0.001", GZ), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("br;q=0, gzip", GZ | BR), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("br;q=0.5, gzip;q=0.8", GZ | BR), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("br;q=0.8, gzip;q=0.5", GZ | BR), STATIC_BR);
	assert_int_equal(static_encoding_choose("br;q=1.0, gzip;Q=1", GZ | BR), STATIC_BR);
	assert_int_equal(static_encoding_choose("gzip ; q=1.000", GZ), STATIC_GZIP);
	/* Malformed weights accept nothing. */
	assert_int_equal(static_encoding_choose("gzip;q=2", GZ), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("gzip;q=1.5", GZ), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("gzip;q=0.0001", GZ), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("gzip;q=", GZ), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("gzip;q=abc", GZ), STATIC_IDENTITY);
	/* Other parameters are ignored. */
	assert_int_equal(static_encoding_choose("gzip;level=3", GZ), STATIC_GZIP);
}

static void test_encoding_star(void **state)
{
	(void)state;
	assert_int_equal(static_encoding_choose("*", GZ | BR), STATIC_BR);
	assert_int_equal(static_encoding_choose("*", GZ), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("*;q=0", GZ | BR), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("br;q=0, *", GZ | BR), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("gzip;q=0, *;q=0.5", GZ), STATIC_IDENTITY);
	assert_int_equal(static_encoding_choose("gzip;q=0.9, *;q=0.1", GZ | BR), STATIC_GZIP);
}

static void test_encoding_garbage(void **state)
{
	(void)state;
	const char *const cases[] = {",,,",  ";",     ";;q=1", "q=1", ", ;q=0.5 ,",   "br;",
	                             "br;;", "gzip,", ",gzip", "\t",  "br;q=0.5;q=0", "*;"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum static_encoding e = static_encoding_choose(cases[i], GZ | BR);
		assert_true(e >= STATIC_IDENTITY && e < STATIC_ENCODINGS);
	}
	assert_int_equal(static_encoding_choose("gzip,", GZ), STATIC_GZIP);
	assert_int_equal(static_encoding_choose("br;q=0.5;q=0", BR), STATIC_IDENTITY);
}

static void test_content_types(void **state)
{
	(void)state;
	int z;
	assert_string_equal(static_content_type("/index.html", &z), "text/html; charset=utf-8");
	assert_int_equal(z, 1);
	assert_string_equal(static_content_type("/assets/a-1.js", &z),
	                    "text/javascript; charset=utf-8");
	assert_int_equal(z, 1);
	assert_string_equal(static_content_type("/m.mjs", NULL), "text/javascript; charset=utf-8");
	assert_string_equal(static_content_type("/a.CSS", NULL), "text/css; charset=utf-8");
	assert_string_equal(static_content_type("/a.json", NULL),
	                    "application/json; charset=utf-8");
	assert_string_equal(static_content_type("/a.js.map", NULL),
	                    "application/json; charset=utf-8");
	assert_string_equal(static_content_type("/site.webmanifest", NULL),
	                    "application/manifest+json; charset=utf-8");
	assert_string_equal(static_content_type("/robots.txt", NULL), "text/plain; charset=utf-8");
	assert_string_equal(static_content_type("/logo.svg", &z), "image/svg+xml");
	assert_int_equal(z, 1);
	assert_string_equal(static_content_type("/a.png", &z), "image/png");
	assert_int_equal(z, 0);
	assert_string_equal(static_content_type("/a.jpg", NULL), "image/jpeg");
	assert_string_equal(static_content_type("/favicon.ico", NULL), "image/x-icon");
	assert_string_equal(static_content_type("/f.woff", NULL), "font/woff");
	assert_string_equal(static_content_type("/f.woff2", &z), "font/woff2");
	assert_int_equal(z, 0);
	assert_string_equal(static_content_type("/a.exe", &z), "application/octet-stream");
	assert_int_equal(z, 0);
	assert_string_equal(static_content_type("/README", NULL), "application/octet-stream");
	assert_string_equal(static_content_type("/dir.js/README", NULL),
	                    "application/octet-stream");
}

/* ---- loading a tree --------------------------------------------------------------------- */

struct tree {
	char root[256]; /* the temporary directory */
};

static void write_file(const char *root, const char *rel, const void *data, size_t n)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	/* Make the parent directories. */
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0700);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void remove_tree(const char *root)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof *t);
	snprintf(t->root, sizeof t->root, "/tmp/jz_test_static.XXXXXX");
	if (mkdtemp(t->root) == NULL)
		return -1;
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	remove_tree(t->root);
	free(t);
	return 0;
}

static char *js_text(size_t n)
{
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = "console.log('jinzhi');\n"[i % 23];
	s[n] = '\0';
	return s;
}

/* Inflates a gzip body and compares it with want. */
static void assert_gunzips_to(const unsigned char *gz, size_t n, const char *want, size_t wn)
{
	unsigned char *out = malloc(wn + 16);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)gz;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)(wn + 16);
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, wn);
	assert_memory_equal(out, want, wn);
	inflateEnd(&zs);
	free(out);
}

static void test_load_pairs_and_gzips(void **state)
{
	struct tree *t = *state;
	const char *index = "<!doctype html><title>Jinzhi</title>";
	char *big = js_text(5000);
	write_file(t->root, "index.html", index, strlen(index));
	write_file(t->root, "assets/app-abc123.js", big, 5000);
	write_file(t->root, "assets/app-abc123.js.br", "BROTLI", 6);
	write_file(t->root, "assets/app-abc123.js.gz", "GZIPPED", 7);
	write_file(t->root, "assets/style-1.css", big, 5000); /* gzipped here */
	write_file(t->root, "assets/small.css", "a{}", 3);    /* too small to gzip */
	write_file(t->root, "logo.png", big, 5000);           /* not compressible */
	write_file(t->root, "archive.tar.gz", "TARGZ", 5);    /* no archive.tar: a file */
	write_file(t->root, ".hidden", "x", 1);
	write_file(t->root, ".git/config", "x", 1);
	write_file(t->root, "deep/er/file.txt", "deep", 4);

	struct static_site *s = NULL;
	char err[512];
	assert_int_equal(static_site_load(t->root, &s, err, sizeof err), STATIC_LOADED);
	size_t n, bytes, gz;
	static_site_stats(s, &n, &bytes, &gz);
	assert_int_equal(n, 7); /* index, app js, style, small, logo, archive, deep file */
	assert_int_equal(bytes, strlen(index) + 5000 * 3 + 3 + 5 + 4);
	assert_true(gz < bytes);

	const struct static_file *f;
	assert_int_equal(static_site_lookup(s, "/assets/app-abc123.js", &f), STATIC_FOUND);
	assert_int_equal(f->len[STATIC_IDENTITY], 5000);
	assert_memory_equal(f->body[STATIC_BR], "BROTLI", 6);
	assert_int_equal(f->len[STATIC_BR], 6);
	assert_memory_equal(f->body[STATIC_GZIP], "GZIPPED", 7); /* the build's, as given */
	assert_true(f->immutable);
	assert_false(f->html);
	assert_string_equal(f->content_type, "text/javascript; charset=utf-8");
	assert_int_equal(f->etag[STATIC_IDENTITY][0], '"');
	assert_int_equal(strlen(f->etag[STATIC_IDENTITY]), 18);
	assert_non_null(strstr(f->etag[STATIC_BR], "-br\""));
	assert_true(static_etag_matches(f, f->etag[STATIC_IDENTITY]));
	assert_true(static_etag_matches(f, f->etag[STATIC_GZIP]));
	char weak[64];
	snprintf(weak, sizeof weak, "\"nope\", W/%s", f->etag[STATIC_BR]);
	assert_true(static_etag_matches(f, weak));
	assert_true(static_etag_matches(f, "*"));
	assert_false(static_etag_matches(f, "\"nope\""));
	assert_false(static_etag_matches(f, ""));
	/* Siblings are not files of their own. */
	assert_int_equal(static_site_lookup(s, "/assets/app-abc123.js.br", &f), STATIC_NOT_FOUND);
	assert_int_equal(static_site_lookup(s, "/assets/app-abc123.js.gz", &f), STATIC_NOT_FOUND);

	assert_int_equal(static_site_lookup(s, "/assets/style-1.css", &f), STATIC_FOUND);
	assert_non_null(f->body[STATIC_GZIP]);
	assert_null(f->body[STATIC_BR]);
	assert_true(f->len[STATIC_GZIP] < 5000);
	assert_gunzips_to(f->body[STATIC_GZIP], f->len[STATIC_GZIP], big, 5000);

	assert_int_equal(static_site_lookup(s, "/assets/small.css", &f), STATIC_FOUND);
	assert_null(f->body[STATIC_GZIP]);
	assert_int_equal(static_site_lookup(s, "/logo.png", &f), STATIC_FOUND);
	assert_null(f->body[STATIC_GZIP]);
	assert_false(f->immutable);
	assert_int_equal(static_site_lookup(s, "/archive.tar.gz", &f), STATIC_FOUND);
	assert_string_equal(f->content_type, "application/octet-stream");
	assert_int_equal(static_site_lookup(s, "/deep/er/file.txt", &f), STATIC_FOUND);
	assert_memory_equal(f->body[STATIC_IDENTITY], "deep", 4);
	assert_int_equal(static_site_lookup(s, "/.hidden", &f), STATIC_NOT_FOUND);
	/* Not loaded; without a dot in its last segment it looks like a route: the page. */
	assert_int_equal(static_site_lookup(s, "/.git/config", &f), STATIC_FALLBACK);
	assert_string_equal(f->path, "/index.html");

	/* "/" and client-side routes are index.html; misses with a dot, or under /assets/, not. */
	assert_int_equal(static_site_lookup(s, "/", &f), STATIC_FOUND);
	assert_string_equal(f->path, "/index.html");
	assert_true(f->html);
	assert_false(f->immutable);
	assert_int_equal(static_site_lookup(s, "/enterprises/915401000000000001/edit", &f),
	                 STATIC_FALLBACK);
	assert_string_equal(f->path, "/index.html");
	assert_int_equal(static_site_lookup(s, "/login", &f), STATIC_FALLBACK);
	assert_int_equal(static_site_lookup(s, "/enterprises/", &f), STATIC_FALLBACK);
	assert_int_equal(static_site_lookup(s, "/favicon.ico", &f), STATIC_NOT_FOUND);
	assert_int_equal(static_site_lookup(s, "/assets/app-old.js", &f), STATIC_NOT_FOUND);
	assert_int_equal(static_site_lookup(s, "/assets/nothing", &f), STATIC_NOT_FOUND);

	static_site_free(s);
	free(big);
}

static void test_lookup_hostile_paths(void **state)
{
	struct tree *t = *state;
	write_file(t->root, "index.html", "<p>", 3);
	struct static_site *s = NULL;
	char err[512];
	assert_int_equal(static_site_load(t->root, &s, err, sizeof err), STATIC_LOADED);
	const struct static_file *f;
	const char *bad[] = {
	    "",         "index.html",    "//",     "//etc/passwd", "/../etc/passwd",
	    "/a/../b",  "/./index.html", "/a/.",   "/..",          "/a\\b",
	    "/\\..\\x", "/a\tb",         "/a\x7f", "/a\x01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (static_site_lookup(s, bad[i], &f) != STATIC_BAD_PATH)
			fail_msg("path \"%s\" accepted", bad[i]);
	char *longp = malloc(STATIC_MAX_PATH + 2);
	longp[0] = '/';
	memset(longp + 1, 'a', STATIC_MAX_PATH);
	longp[STATIC_MAX_PATH + 1] = '\0';
	assert_int_equal(static_site_lookup(s, longp, &f), STATIC_BAD_PATH);
	longp[STATIC_MAX_PATH] = '\0'; /* exactly the limit: a route */
	assert_int_equal(static_site_lookup(s, longp, &f), STATIC_FALLBACK);
	free(longp);
	/* Dots inside a segment are names, not traversal. */
	assert_int_equal(static_site_lookup(s, "/a..b", &f), STATIC_NOT_FOUND);
	assert_int_equal(static_site_lookup(s, "/...", &f), STATIC_NOT_FOUND);
	static_site_free(s);
}

static void test_load_missing_and_not_a_directory(void **state)
{
	struct tree *t = *state;
	struct static_site *s = NULL;
	char err[512], path[PATH_MAX];
	snprintf(path, sizeof path, "%s/absent", t->root);
	assert_int_equal(static_site_load(path, &s, err, sizeof err), STATIC_MISSING);
	write_file(t->root, "file", "x", 1);
	snprintf(path, sizeof path, "%s/file", t->root);
	assert_int_equal(static_site_load(path, &s, err, sizeof err), STATIC_FAILED);
	assert_non_null(strstr(err, "not a directory"));
	/* An empty directory is a console without files: everything is 404. */
	snprintf(path, sizeof path, "%s/empty", t->root);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(static_site_load(path, &s, err, sizeof err), STATIC_LOADED);
	const struct static_file *f;
	assert_int_equal(static_site_lookup(s, "/", &f), STATIC_NOT_FOUND);
	assert_int_equal(static_site_lookup(s, "/login", &f), STATIC_NOT_FOUND);
	static_site_free(s);
}

static void test_load_symlinks(void **state)
{
	struct tree *t = *state;
	char site[512], link[PATH_MAX], outside[PATH_MAX];
	snprintf(site, sizeof site, "%s/site", t->root);
	write_file(t->root, "site/index.html", "<p>", 3);
	write_file(t->root, "site/real/a.txt", "A", 1);
	write_file(t->root, "secret.txt", "S", 1);
	/* Inside the root: followed. */
	snprintf(link, sizeof link, "%s/alias.txt", site);
	assert_int_equal(symlink("real/a.txt", link), 0);
	snprintf(link, sizeof link, "%s/linkdir", site);
	assert_int_equal(symlink("real", link), 0);
	struct static_site *s = NULL;
	char err[1024];
	assert_int_equal(static_site_load(site, &s, err, sizeof err), STATIC_LOADED);
	const struct static_file *f;
	assert_int_equal(static_site_lookup(s, "/alias.txt", &f), STATIC_FOUND);
	assert_memory_equal(f->body[STATIC_IDENTITY], "A", 1);
	assert_int_equal(static_site_lookup(s, "/linkdir/a.txt", &f), STATIC_FOUND);
	static_site_free(s);
	/* Leaving the root: refused, with the link named. */
	snprintf(outside, sizeof outside, "%s/secret.txt", t->root);
	snprintf(link, sizeof link, "%s/leak.txt", site);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(static_site_load(site, &s, err, sizeof err), STATIC_FAILED);
	assert_non_null(strstr(err, "leak.txt"));
	assert_non_null(strstr(err, "outside"));
	unlink(link);
	snprintf(link, sizeof link, "%s/up", site);
	assert_int_equal(symlink("..", link), 0);
	assert_int_equal(static_site_load(site, &s, err, sizeof err), STATIC_FAILED);
	assert_non_null(strstr(err, "outside"));
	unlink(link);
	/* A link to its own directory loops: the depth cap ends it. */
	snprintf(link, sizeof link, "%s/real/self", site);
	assert_int_equal(symlink(".", link), 0);
	assert_int_equal(static_site_load(site, &s, err, sizeof err), STATIC_FAILED);
	assert_non_null(strstr(err, "deeper"));
}

static void test_load_file_cap(void **state)
{
	struct tree *t = *state;
	char dir[PATH_MAX];
	for (int i = 0; i <= STATIC_MAX_FILES; i++) {
		char name[64];
		snprintf(name, sizeof name, "d%02d/f%05d.txt", i % 50, i);
		if (i < 50) {
			snprintf(dir, sizeof dir, "%s/d%02d", t->root, i);
			mkdir(dir, 0700);
		}
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", t->root, name);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	struct static_site *s = NULL;
	char err[512];
	assert_int_equal(static_site_load(t->root, &s, err, sizeof err), STATIC_FAILED);
	assert_non_null(strstr(err, "more than 10000 files"));
	/* One fewer is fine. */
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/d00/f00000.txt", t->root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(static_site_load(t->root, &s, err, sizeof err), STATIC_LOADED);
	size_t n;
	static_site_stats(s, &n, NULL, NULL);
	assert_int_equal(n, STATIC_MAX_FILES);
	static_site_free(s);
}

static void test_load_byte_cap(void **state)
{
	struct tree *t = *state;
	/* Sparse files: the cap counts their size without writing 64 MiB. */
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/a.bin", t->root);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, STATIC_MAX_BYTES / 2), 0);
	close(fd);
	snprintf(path, sizeof path, "%s/b.bin", t->root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, STATIC_MAX_BYTES / 2 + 1), 0);
	close(fd);
	struct static_site *s = NULL;
	char err[512];
	assert_int_equal(static_site_load(t->root, &s, err, sizeof err), STATIC_FAILED);
	assert_non_null(strstr(err, "64 MiB"));
}

int main(void)
{
#define T(f)  cmocka_unit_test(f)
#define TT(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_encoding_absent_and_empty),
	    T(test_encoding_prefers_br_then_gzip),
	    T(test_encoding_q_values),
	    T(test_encoding_star),
	    T(test_encoding_garbage),
	    T(test_content_types),
	    TT(test_load_pairs_and_gzips),
	    TT(test_lookup_hostile_paths),
	    TT(test_load_missing_and_not_a_directory),
	    TT(test_load_symlinks),
	    TT(test_load_file_cap),
	    TT(test_load_byte_cap),
	};
#undef T
#undef TT
	return cmocka_run_group_tests(tests, NULL, NULL);
}

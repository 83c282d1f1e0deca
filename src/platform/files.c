/*
 * Content-addressed files (see files.h): the checks of an upload (file name, claimed type
 * against the bytes' magic number) and the files on disk (temporary file, fsync, rename,
 * fsync of the directory), verified against their SHA-256 every time they are read.
 */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "platform/fields.h"
#include "platform/textenc.h"

#define FILES_PATH_MAX 4200 /* the directory (at most 4095 bytes) and "/xx/<64 hex>" */

/* Set once before the workers start (files_set_dir), read-only afterwards. */
static char files_root[4096];

void files_set_dir(const char *dir)
{
	snprintf(files_root, sizeof files_root, "%s", dir ? dir : "");
}

const char *files_dir(void)
{
	return files_root;
}

/* ---- Checks of an upload ------------------------------------------------------------------- */

int files_name_check(const char *name, size_t n, int max_chars, const char *field,
                     struct field_error *err)
{
	if (name == NULL || n == 0)
		return field_fail(err, field, "required", "%s (the file name) is required", field);
	if (utf8_invalid_at(name, n) >= 0)
		return field_fail(err, field, "invalid_utf8", "%s must be valid UTF-8", field);
	if (memchr(name, '/', n) || memchr(name, '\\', n) || utf8_has_control(name, n, 0))
		return field_fail(err, field, "invalid",
		                  "%s may not hold '/', '\\' or control characters", field);
	if (utf8_count(name, n) > (size_t)max_chars)
		return field_fail(err, field, "too_long", "%s is longer than %d characters", field,
		                  max_chars);
	return 0;
}

/* The allowed types and how their bytes begin. */
static const struct {
	const char *type;  /* canonical media type */
	const char *magic; /* first bytes */
	size_t nmagic;     /* how many */
	int image;         /* an image */
} TYPES[] = {
    {"image/jpeg", "\xFF\xD8\xFF", 3, 1},
    {"image/png", "\x89PNG\r\n\x1A\n", 8, 1},
    {"application/pdf", "%PDF-", 5, 0},
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

const char *files_type_sniff(const void *data, size_t n)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (n >= TYPES[i].nmagic && memcmp(data, TYPES[i].magic, TYPES[i].nmagic) == 0)
			return TYPES[i].type;
	return NULL;
}

int files_type_check(const char *content_type, int images_only, const void *data, size_t n,
                     const char **canonical, struct field_error *err)
{
	if (content_type == NULL)
		return field_fail(err, "content_type", "type_not_allowed",
		                  "send the file's Content-Type: image/jpeg, image/png or "
		                  "application/pdf");
	/* The media type without parameters ("; charset=...") or surrounding blanks. */
	size_t len = strcspn(content_type, ";");
	const char *t = content_type;
	while (len > 0 && (*t == ' ' || *t == '\t')) {
		t++;
		len--;
	}
	while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	size_t i;
	for (i = 0; i < NTYPES; i++)
		if (strlen(TYPES[i].type) == len && strncasecmp(t, TYPES[i].type, len) == 0)
			break;
	if (i == NTYPES)
		return field_fail(err, "content_type", "type_not_allowed",
		                  "only image/jpeg, image/png and application/pdf may be attached");
	if (images_only && !TYPES[i].image)
		return field_fail(err, "content_type", "type_not_allowed",
		                  "a photo must be image/jpeg or image/png");
	if (n == 0)
		return field_fail(err, "body", "required", "the body (the file's bytes) is empty");
	if (n < TYPES[i].nmagic || memcmp(data, TYPES[i].magic, TYPES[i].nmagic) != 0)
		return field_fail(err, "content_type", "type_mismatch",
		                  "the bytes are not %s (their first bytes do not match)",
		                  TYPES[i].type);
	*canonical = TYPES[i].type;
	return 0;
}

/* ---- Files --------------------------------------------------------------------------------- */

static void hex_of(const unsigned char *b, size_t n, char *out)
{
	static const char HEX[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = HEX[b[i] >> 4];
		out[2 * i + 1] = HEX[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* 1 if hex is 64 lowercase hex digits (so it is safe in a path). */
static int hex_valid(const char *hex)
{
	size_t i;
	for (i = 0; hex[i]; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return 0;
	return i == 64;
}

/* Makes path and its missing parents (mode FILES_DIR_MODE). 0 or -1 (errno set). */
static int mkdir_parents(const char *path)
{
	char p[FILES_PATH_MAX];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof p) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(p, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char c = p[i];
		p[i] = '\0';
		if (mkdir(p, FILES_DIR_MODE) != 0 && errno != EEXIST)
			return -1;
		p[i] = c;
	}
	struct stat sb;
	if (stat(path, &sb) != 0)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* fsyncs directory path, so that a rename in it survives a crash. 0 or -1. */
static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int files_get(const char *dir, const char *hex, struct buf *out)
{
	if (!hex_valid(hex)) {
		fprintf(stderr, "jinzhi: attachment: stored hash \"%.80s\" is not a SHA-256\n",
		        hex);
		return 1;
	}
	char path[FILES_PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s/%.2s/%s", dir, hex, hex) >= sizeof path) {
		fprintf(stderr, "jinzhi: attachment: the directory path is too long\n");
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int missing = errno == ENOENT;
		fprintf(stderr, "jinzhi: attachment: cannot open %s: %s\n", path, strerror(errno));
		return missing ? 1 : -1;
	}
	size_t start = out->len;
	int rc = -1;
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "jinzhi: attachment: %s is not a readable file\n", path);
		goto out;
	}
	if ((uint64_t)sb.st_size > FILES_MAX_BYTES) {
		/* Larger than any upload: it cannot be what was stored. */
		rc = 1;
		fprintf(stderr, "jinzhi: attachment: %s is larger than any upload (altered?)\n",
		        path);
		goto out;
	}
	buf_reserve(out, (size_t)sb.st_size + 1);
	for (;;) {
		char chunk[65536];
		ssize_t got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "jinzhi: attachment: reading %s: %s\n", path,
			        strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		if (out->len - start + (size_t)got > FILES_MAX_BYTES) {
			rc = 1;
			fprintf(stderr, "jinzhi: attachment: %s grew past any upload\n", path);
			goto out;
		}
		buf_append(out, chunk, (size_t)got);
	}
	unsigned char h[32];
	char got_hex[65];
	crypto_hash_sha256(h, (const unsigned char *)out->data + start, out->len - start);
	hex_of(h, sizeof h, got_hex);
	if (strcmp(got_hex, hex) != 0) {
		rc = 1;
		fprintf(stderr,
		        "jinzhi: attachment: %s has SHA-256 %s, not its name: the stored file was "
		        "altered\n",
		        path, got_hex);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	if (rc != 0 && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}

int files_put(const char *dir, const void *data, size_t n, char hex[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, data, n);
	hex_of(h, sizeof h, hex);
	char sub[FILES_PATH_MAX], path[FILES_PATH_MAX], tmp[FILES_PATH_MAX];
	if (dir[0] == '\0' ||
	    (size_t)snprintf(sub, sizeof sub, "%s/%.2s", dir, hex) >= sizeof sub ||
	    (size_t)snprintf(path, sizeof path, "%s/%s", sub, hex) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", sub) >= sizeof tmp) {
		fprintf(stderr, "jinzhi: attachment: the directory \"%s\" is empty or too long\n",
		        dir);
		return -1;
	}
	if (mkdir_parents(sub) != 0) {
		fprintf(stderr, "jinzhi: attachment: cannot make %s: %s\n", sub, strerror(errno));
		return -1;
	}
	/* The same bytes stored before: keep them, unless that file was altered. */
	struct buf old = {0};
	int have = access(path, F_OK) == 0 && files_get(dir, hex, &old) == 0;
	buf_free(&old);
	if (have)
		return 0;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "jinzhi: attachment: cannot create a file in %s: %s\n", sub,
		        strerror(errno));
		return -1;
	}
	const char *p = data;
	size_t left = n;
	int ok = fchmod(fd, FILES_FILE_MODE) == 0;
	while (ok && left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			ok = 0;
			break;
		}
		p += w;
		left -= (size_t)w;
	}
	ok = ok && fsync(fd) == 0;
	int e = errno;
	if (close(fd) != 0 && ok) {
		ok = 0;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = 0;
		e = errno;
	}
	if (!ok) {
		fprintf(stderr, "jinzhi: attachment: cannot store %s: %s\n", path, strerror(e));
		unlink(tmp);
		return -1;
	}
	if (fsync_dir(sub) != 0) {
		fprintf(stderr, "jinzhi: attachment: cannot sync %s: %s\n", sub, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Attachments of samples (see attachments.h): the checks of an upload (kind, file name,
 * claimed type against the bytes' magic number), the content-addressed files on disk
 * (temporary file, fsync, rename, fsync of the directory), and the rows of sp_attachment,
 * written with their audit entry in one transaction and read through the sample's scope.
 * A file is verified against its SHA-256 every time it is read.
 */
#include "attachments.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "modules/sampling/samples.h"
#include "platform/audit.h"
#include "platform/db.h"
#include "platform/textenc.h"

#define ATT_PATH_MAX 4200 /* the directory (at most 4095 bytes) and "/xx/<64 hex>" */

/* Set once before the workers start (sp_attachments_set_dir), read-only afterwards. */
static char att_dir[4096];

/* ---- SQL ----------------------------------------------------------------------------------- */

/* Ids come from per-connection blocks (db_id_next), so they do not follow the order of
 * uploads across workers: lists are ordered by the upload time, then the id. */

static const char SQL_COUNT[] = "SELECT count(*) FROM sp_attachment WHERE sample_id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO sp_attachment (id, sample_id, kind, name, content_type, size, sha256, "
    "uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
#define ATT_COLUMNS                                                                                \
	"id, sample_id, kind, name, content_type, size, sha256, uploaded_by, uploaded_at"
static const char SQL_LIST[] =
    "SELECT " ATT_COLUMNS " FROM sp_attachment WHERE sample_id = ? ORDER BY uploaded_at, id";
static const char SQL_GET[] = "SELECT " ATT_COLUMNS " FROM sp_attachment WHERE id = ?";

/* The row under st (columns of ATT_COLUMNS) into *out, strings copied into a. */
static void att_row(struct db_stmt *st, struct arena *a, struct sp_attachment *out)
{
	size_t n;
	const char *s;
	memset(out, 0, sizeof *out);
	out->id = db_col_int64(st, 0);
	out->sample_id = db_col_int64(st, 1);
	s = db_col_text(st, 2, &n);
	out->kind = arena_strndup(a, s, n);
	s = db_col_text(st, 3, &n);
	out->name = arena_strndup(a, s, n);
	s = db_col_text(st, 4, &n);
	out->content_type = arena_strndup(a, s, n);
	out->size = db_col_int64(st, 5);
	s = db_col_text(st, 6, &n);
	snprintf(out->sha256, sizeof out->sha256, "%.*s", (int)n, s);
	s = db_col_text(st, 7, &n);
	out->uploaded_by = arena_strndup(a, s, n);
	s = db_col_text(st, 8, &n);
	out->uploaded_at = arena_strndup(a, s, n);
}

/* ---- The directory ------------------------------------------------------------------------- */

void sp_attachments_set_dir(const char *dir)
{
	snprintf(att_dir, sizeof att_dir, "%s", dir ? dir : "");
}

const char *sp_attachments_dir(void)
{
	return att_dir;
}

/* ---- Checks of an upload ------------------------------------------------------------------- */

static const char *const KINDS[] = {"photo", "form", "report", "other", NULL};

int sp_attachment_kind_check(const char *kind, struct field_error *err)
{
	if (kind == NULL || kind[0] == '\0')
		return field_fail(err, "kind", "required",
		                  "kind is required: photo, form, report or other"),
		       SVC_INVALID;
	for (int i = 0; KINDS[i]; i++)
		if (strcmp(kind, KINDS[i]) == 0)
			return SVC_OK;
	return field_fail(err, "kind", "invalid", "kind must be photo, form, report or other"),
	       SVC_INVALID;
}

int sp_attachment_name_check(const char *name, size_t n, struct field_error *err)
{
	if (name == NULL || n == 0)
		return field_fail(err, "name", "required", "name (the file name) is required"),
		       SVC_INVALID;
	if (utf8_invalid_at(name, n) >= 0)
		return field_fail(err, "name", "invalid_utf8", "name must be valid UTF-8"),
		       SVC_INVALID;
	if (memchr(name, '/', n) || memchr(name, '\\', n) || utf8_has_control(name, n, 0))
		return field_fail(err, "name", "invalid",
		                  "name may not hold '/', '\\' or control characters"),
		       SVC_INVALID;
	if (utf8_count(name, n) > SP_ATTACHMENT_NAME_MAX)
		return field_fail(err, "name", "too_long", "name is longer than %d characters",
		                  SP_ATTACHMENT_NAME_MAX),
		       SVC_INVALID;
	return SVC_OK;
}

/* The allowed types and how their bytes begin. */
static const struct {
	const char *type;  /* canonical media type */
	const char *magic; /* first bytes */
	size_t nmagic;     /* how many */
	int image;         /* allowed for a photo */
} TYPES[] = {
    {"image/jpeg", "\xFF\xD8\xFF", 3, 1},
    {"image/png", "\x89PNG\r\n\x1A\n", 8, 1},
    {"application/pdf", "%PDF-", 5, 0},
};

int sp_attachment_type_check(const char *content_type, const char *kind, const void *data, size_t n,
                             const char **canonical, struct field_error *err)
{
	if (content_type == NULL)
		return field_fail(err, "content_type", "type_not_allowed",
		                  "send the file's Content-Type: image/jpeg, image/png or "
		                  "application/pdf"),
		       SVC_INVALID;
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
	for (i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
		if (strlen(TYPES[i].type) == len && strncasecmp(t, TYPES[i].type, len) == 0)
			break;
	if (i == sizeof TYPES / sizeof TYPES[0])
		return field_fail(err, "content_type", "type_not_allowed",
		                  "only image/jpeg, image/png and application/pdf may be attached"),
		       SVC_INVALID;
	if (kind && strcmp(kind, "photo") == 0 && !TYPES[i].image)
		return field_fail(err, "content_type", "type_not_allowed",
		                  "a photo must be image/jpeg or image/png"),
		       SVC_INVALID;
	if (n == 0)
		return field_fail(err, "body", "required", "the body (the file's bytes) is empty"),
		       SVC_INVALID;
	if (n < TYPES[i].nmagic || memcmp(data, TYPES[i].magic, TYPES[i].nmagic) != 0)
		return field_fail(err, "content_type", "type_mismatch",
		                  "the bytes are not %s (their first bytes do not match)",
		                  TYPES[i].type),
		       SVC_INVALID;
	*canonical = TYPES[i].type;
	return SVC_OK;
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

/* Makes path and its missing parents (mode SP_ATTACHMENT_DIR_MODE). 0 or -1 (errno set). */
static int mkdir_parents(const char *path)
{
	char p[ATT_PATH_MAX];
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
		if (mkdir(p, SP_ATTACHMENT_DIR_MODE) != 0 && errno != EEXIST)
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

int sp_attachment_file_get(const char *dir, const char *hex, struct buf *out)
{
	if (!hex_valid(hex)) {
		fprintf(stderr, "jinzhi: attachment: stored hash \"%.80s\" is not a SHA-256\n",
		        hex);
		return 1;
	}
	char path[ATT_PATH_MAX];
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
	if ((uint64_t)sb.st_size > SP_ATTACHMENT_MAX_BYTES) {
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
		if (out->len - start + (size_t)got > SP_ATTACHMENT_MAX_BYTES) {
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

int sp_attachment_file_put(const char *dir, const void *data, size_t n, char hex[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, data, n);
	hex_of(h, sizeof h, hex);
	char sub[ATT_PATH_MAX], path[ATT_PATH_MAX], tmp[ATT_PATH_MAX];
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
	int have = access(path, F_OK) == 0 && sp_attachment_file_get(dir, hex, &old) == 0;
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
	int ok = fchmod(fd, SP_ATTACHMENT_FILE_MODE) == 0;
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

/* ---- Service ------------------------------------------------------------------------------- */

/* Attachments of sample id into *count. 0 or -1. */
static int att_count(struct db *db, int64_t sample_id, int64_t *count)
{
	struct db_stmt *st = db_prepare(db, SQL_COUNT);
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, sample_id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*count = db_col_int64(st, 0);
	db_reset(st);
	return rc == DB_ROW ? 0 : -1;
}

static int too_many(struct field_error *err)
{
	return field_fail(err, NULL, "too_many", "a sample has at most %d attachments",
	                  SP_ATTACHMENTS_PER_SAMPLE),
	       SVC_CONFLICT;
}

int sp_attachment_add(struct db *db, const struct actor *who, int64_t sample_id, const char *kind,
                      const char *name, const char *content_type, const void *data, size_t n,
                      struct arena *a, struct sp_attachment *out, struct field_error *err)
{
	if (who->entity_code)
		return field_fail(err, NULL, "forbidden",
		                  "enterprise accounts may not upload attachments"),
		       SVC_FORBIDDEN;
	const char *type;
	int rc;
	if ((rc = sp_attachment_kind_check(kind, err)) != SVC_OK ||
	    (rc = sp_attachment_name_check(name, name ? strlen(name) : 0, err)) != SVC_OK ||
	    (rc = sp_attachment_type_check(content_type, kind, data, n, &type, err)) != SVC_OK)
		return rc;
	if (n > SP_ATTACHMENT_MAX_BYTES)
		return field_fail(err, "body", "too_large", "an attachment is at most %u bytes",
		                  SP_ATTACHMENT_MAX_BYTES),
		       SVC_INVALID;
	struct sp_sample_row s;
	rc = sp_sample_read(db, who, sample_id, a, &s);
	if (rc != SVC_OK)
		return rc;
	int64_t count;
	if (att_count(db, sample_id, &count) != 0)
		return SVC_ERROR;
	if (count >= SP_ATTACHMENTS_PER_SAMPLE)
		return too_many(err);
	/* The file first, outside the transaction (an fsync of up to 10 MiB must not hold the
	 * write lock); should the row fail, the file stays, harmless under its hash. */
	struct sp_attachment att = {0};
	if (sp_attachment_file_put(att_dir, data, n, att.sha256) != 0)
		return SVC_ERROR;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	rc = SVC_ERROR;
	/* Counted again under the write lock: another upload may have come in between. */
	if (att_count(db, sample_id, &count) != 0)
		goto out;
	if (count >= SP_ATTACHMENTS_PER_SAMPLE) {
		rc = too_many(err);
		goto out;
	}
	char now[32];
	now_iso(now);
	if (db_id_next(db, &att.id) != 0)
		goto out;
	att.sample_id = sample_id;
	att.kind = arena_strdup(a, kind);
	att.name = arena_strdup(a, name);
	att.content_type = type;
	att.size = (int64_t)n;
	att.uploaded_by = arena_strdup(a, who->name);
	att.uploaded_at = arena_strdup(a, now);
	struct db_stmt *st = db_prepare(db, SQL_INSERT);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, att.id);
	db_bind_int64(st, 2, sample_id);
	db_bind_cstr(st, 3, att.kind);
	db_bind_cstr(st, 4, att.name);
	db_bind_cstr(st, 5, att.content_type);
	db_bind_int64(st, 6, att.size);
	db_bind_cstr(st, 7, att.sha256);
	db_bind_cstr(st, 8, att.uploaded_by);
	db_bind_cstr(st, 9, att.uploaded_at);
	int step = db_step(st);
	db_reset(st);
	if (step != DB_DONE)
		goto out;
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)att.id);
	struct buf after = {0};
	buf_printf(&after, "{\"id\":\"%s\",\"sample_id\":\"%lld\",\"kind\":\"%s\",\"name\":", key,
	           (long long)sample_id, att.kind);
	json_write_string(&after, att.name, strlen(att.name));
	buf_printf(&after, ",\"content_type\":\"%s\",\"size\":%lld,\"sha256\":\"%s\"}",
	           att.content_type, (long long)att.size, att.sha256);
	int audited = audit_append(db, who, "sampling.attachment.add", "sampling_attachment", key,
	                           NULL, after.data, "ok");
	buf_free(&after);
	if (audited != 0 || db_commit(db) != 0)
		goto out;
	*out = att;
	return SVC_OK;
out:
	db_rollback(db);
	return rc;
}

int sp_attachment_list(struct db *db, const struct actor *who, int64_t sample_id, struct arena *a,
                       void (*fn)(void *ctx, const struct sp_attachment *att), void *ctx)
{
	struct sp_sample_row s;
	int rc = sp_sample_read(db, who, sample_id, a, &s);
	if (rc != SVC_OK)
		return rc;
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, sample_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct sp_attachment att;
		att_row(st, a, &att);
		fn(ctx, &att);
	}
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int sp_attachment_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                      struct sp_attachment *out, struct buf *bytes)
{
	struct db_stmt *st = db_prepare(db, SQL_GET);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	struct sp_attachment att;
	int rc = db_step(st);
	if (rc == DB_ROW)
		att_row(st, a, &att);
	db_reset(st);
	if (rc == DB_DONE)
		return SVC_NOT_FOUND;
	if (rc != DB_ROW)
		return SVC_ERROR;
	/* Visible only through its sample; not found (not forbidden) otherwise, so that ids
	 * outside one's scope tell nothing. */
	struct sp_sample_row s;
	rc = sp_sample_read(db, who, att.sample_id, a, &s);
	if (rc != SVC_OK)
		return rc;
	size_t start = bytes->len;
	rc = sp_attachment_file_get(att_dir, att.sha256, bytes);
	if (rc == 0 && (int64_t)(bytes->len - start) != att.size) {
		/* The right bytes but another size: the row was altered. */
		fprintf(stderr, "jinzhi: attachment %lld: its size differs from its row\n",
		        (long long)id);
		return SVC_ERROR;
	}
	if (rc != 0) {
		fprintf(
		    stderr,
		    "jinzhi: attachment %lld of sample %lld: the stored file is %s; not served\n",
		    (long long)id, (long long)att.sample_id,
		    rc > 0 ? "missing or altered" : "unreadable");
		return SVC_ERROR;
	}
	*out = att;
	return SVC_OK;
}

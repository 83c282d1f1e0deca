/*
 * Attachments of samples (see attachments.h): the checks of an upload (kind, file name,
 * claimed type against the bytes' magic number) and the content-addressed files on disk are
 * the platform's (platform/files.h); here are the rows of sp_attachment,
 * written with their audit entry in one transaction and read through the sample's scope.
 * A file is verified against its SHA-256 every time it is read.
 */
#include "attachments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/samples.h"
#include "platform/audit.h"
#include "platform/db.h"
#include "platform/files.h"

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

/* ---- The directory, checks and files (platform/files.h) ----------------------------------- */

void sp_attachments_set_dir(const char *dir)
{
	files_set_dir(dir);
}

const char *sp_attachments_dir(void)
{
	return files_dir();
}

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
	return files_name_check(name, n, SP_ATTACHMENT_NAME_MAX, "name", err) == 0 ? SVC_OK
	                                                                           : SVC_INVALID;
}

int sp_attachment_type_check(const char *content_type, const char *kind, const void *data, size_t n,
                             const char **canonical, struct field_error *err)
{
	int photo = kind && strcmp(kind, "photo") == 0;
	return files_type_check(content_type, photo, data, n, canonical, err) == 0 ? SVC_OK
	                                                                           : SVC_INVALID;
}

int sp_attachment_file_get(const char *dir, const char *hex, struct buf *out)
{
	return files_get(dir, hex, out);
}

int sp_attachment_file_put(const char *dir, const void *data, size_t n, char hex[65])
{
	return files_put(dir, data, n, hex);
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
	if (sp_attachment_file_put(files_dir(), data, n, att.sha256) != 0)
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
	rc = sp_attachment_file_get(files_dir(), att.sha256, bytes);
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

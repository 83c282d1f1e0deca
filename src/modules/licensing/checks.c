/*
 * Post-licence supervision: the check records' field tables, recording a check (which moves
 * the licence's next_check_due), a licence's checks, the due list, and the counts of valid
 * licences by prefecture and by category.
 */
#include "checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

static const char *const RESULTS[] = {"conforming", "rectify", "nonconforming", NULL};

static const struct field_spec CHECK_FIELDS[] = {
    [LK_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Check id (a 64-bit number, written as a string)"},
    [LK_LICENCE_ID] = {"licence_id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
                       "The licence checked"},
    [LK_REGION_CODE] = {"region_code", FT_INT, FF_READONLY, 0, 100000, 999999, NULL, NULL,
                        "The producer's region (from the licence)"},
    [LK_CHECKED_ON] = {"checked_on", FT_DATE, FF_READONLY, 0, 0, 0, NULL, NULL, "Day of the check"},
    [LK_INSPECTORS] = {"inspectors", FT_TEXT, FF_READONLY, 200, 0, 0, NULL, NULL, "Who checked"},
    [LK_RESULT] = {"result", FT_ENUM, FF_READONLY, 0, 0, 0, RESULTS, NULL,
                   "conforming, rectify or nonconforming"},
    [LK_FINDINGS] = {"findings", FT_TEXT, FF_READONLY | FF_MULTILINE, 4000, 0, 0, NULL, NULL,
                     "What was found"},
    [LK_RECTIFY_BY] = {"rectify_by", FT_DATE, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "Rectification deadline (result rectify): the next check is due then"},
    [LK_CREATED_BY] = {"created_by", FT_TEXT, FF_READONLY, 100, 0, 0, NULL, NULL, "Who entered it"},
    [LK_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When it was entered (UTC)"},
};
_Static_assert(sizeof CHECK_FIELDS / sizeof *CHECK_FIELDS == LK_NFIELDS,
               "every check field is described");
const struct record_type LC_CHECK_TYPE = {"licensing_check", CHECK_FIELDS, LK_NFIELDS};

static const struct field_spec CHECK_INPUT_FIELDS[] = {
    [LKI_CHECKED_ON] = {"checked_on", FT_DATE, FF_REQUIRED, 0, 0, 0, NULL, NULL,
                        "Day of the check: not in the future, not before the licence's issue"},
    [LKI_INSPECTORS] = {"inspectors", FT_TEXT, FF_REQUIRED | FF_TRIM, 200, 0, 0, NULL, NULL,
                        "Who checked (names)"},
    [LKI_RESULT] = {"result", FT_ENUM, FF_REQUIRED, 0, 0, 0, RESULTS, NULL,
                    "conforming, rectify or nonconforming"},
    [LKI_FINDINGS] = {"findings", FT_TEXT, FF_REQUIRED | FF_TRIM | FF_MULTILINE, 4000, 0, 0, NULL,
                      NULL, "What was found"},
    [LKI_RECTIFY_BY] = {"rectify_by", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                        "Rectification deadline, after checked_on: required for result "
                        "rectify, not allowed otherwise"},
};
_Static_assert(sizeof CHECK_INPUT_FIELDS / sizeof *CHECK_INPUT_FIELDS == LKI_NFIELDS,
               "every check input field is described");
const struct record_type LC_CHECK_INPUT_TYPE = {"licensing_check_input", CHECK_INPUT_FIELDS,
                                                LKI_NFIELDS};

#define CHECK_COLS                                                                                 \
	"id, licence_id, region_code, checked_on, inspectors, result, findings, rectify_by, "      \
	"created_by, created_at"

static const char SQL_CHECK_INSERT[] =
    "INSERT INTO lc_check (" CHECK_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_CHECK_DATES[] =
    "UPDATE lc_licence SET last_check_on = ?, next_check_due = ?, updated_at = ?, "
    "version = version + 1 WHERE id = ?";
static const char SQL_CHECK_TOUCH[] =
    "UPDATE lc_licence SET updated_at = ?, version = version + 1 WHERE id = ?";
static const char SQL_CHECK_LIST[] = "SELECT " CHECK_COLS " FROM lc_check WHERE licence_id = ? "
                                     "ORDER BY checked_on DESC, id DESC";

static void bind_day(struct db_stmt *st, int i, int32_t d)
{
	char s[11];
	date_format(d, s);
	db_bind_cstr(st, i, s);
}

int lc_check_record(struct db *db, const struct actor *who, int64_t licence_id,
                    const struct record *in, int32_t today, struct arena *a, struct record *out,
                    struct field_error *err)
{
	if (who->entity_code)
		return field_fail(err, NULL, "forbidden", "an enterprise cannot record a check"),
		       SVC_FORBIDDEN;
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	int32_t on = record_day_of(in->v[LKI_CHECKED_ON]);
	int rectify = text_is(in->v[LKI_RESULT], "rectify");
	int32_t by = record_day_of(in->v[LKI_RECTIFY_BY]);
	if (on > today)
		return field_fail(err, "checked_on", "future",
		                  "checked_on cannot be in the future"),
		       SVC_INVALID;
	if (rectify && by == DATE_NONE)
		return field_fail(err, "rectify_by", "required",
		                  "a result of rectify needs the rectification deadline"),
		       SVC_INVALID;
	if (rectify && by <= on)
		return field_fail(err, "rectify_by", "before_check",
		                  "rectify_by must be after checked_on"),
		       SVC_INVALID;
	if (!rectify && by != DATE_NONE)
		return field_fail(err, "rectify_by", "not_allowed",
		                  "rectify_by goes only with the result rectify"),
		       SVC_INVALID;

	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct lc_licence l;
	int rc = lc_licence_read(db, who, licence_id, a, &l);
	if (rc != SVC_OK)
		goto fail;
	if (strcmp(l.status, LC_STATUS_VALID) != 0 && strcmp(l.status, LC_STATUS_SUSPENDED) != 0) {
		field_fail(err, "status", "status", "licence %s is %s: nothing to supervise",
		           l.licence_no, l.status);
		rc = SVC_CONFLICT;
		goto fail;
	}
	if (on < l.issued_on) {
		char d[11];
		date_format(l.issued_on, d);
		field_fail(err, "checked_on", "before_issue",
		           "checked_on cannot be before the licence was issued (%s)", d);
		rc = SVC_INVALID;
		goto fail;
	}
	int64_t id;
	if (db_id_next(db, &id) != 0) {
		rc = SVC_ERROR;
		goto fail;
	}
	char stamp[32];
	now_iso(stamp);
	record_init(out, &LC_CHECK_TYPE);
	record_set_int(out, a, LK_ID, id);
	record_set_int(out, a, LK_LICENCE_ID, licence_id);
	record_set_int(out, a, LK_REGION_CODE, l.region);
	record_set_day(out, a, LK_CHECKED_ON, on);
	record_set_str(out, a, LK_INSPECTORS, in->v[LKI_INSPECTORS]);
	record_set_str(out, a, LK_RESULT, in->v[LKI_RESULT]);
	record_set_str(out, a, LK_FINDINGS, in->v[LKI_FINDINGS]);
	record_set_day(out, a, LK_RECTIFY_BY, rectify ? by : DATE_NONE);
	record_set_str(out, a, LK_CREATED_BY, who->name);
	record_set_str(out, a, LK_CREATED_AT, stamp);

	struct db_stmt *st = db_prepare(db, SQL_CHECK_INSERT);
	if (st == NULL) {
		rc = SVC_ERROR;
		goto fail;
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, licence_id);
	db_bind_int64(st, 3, l.region);
	bind_day(st, 4, on);
	db_bind_cstr(st, 5, in->v[LKI_INSPECTORS]);
	db_bind_cstr(st, 6, in->v[LKI_RESULT]);
	db_bind_cstr(st, 7, in->v[LKI_FINDINGS]);
	if (rectify)
		bind_day(st, 8, by);
	else
		db_bind_null(st, 8);
	db_bind_cstr(st, 9, who->name);
	db_bind_cstr(st, 10, stamp);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE) {
		rc = SVC_ERROR;
		goto fail;
	}
	/* A check older than the newest one on file is history: it leaves the dates alone. */
	int newest = l.last_check_on == DATE_NONE || on >= l.last_check_on;
	st = db_prepare(db, newest ? SQL_CHECK_DATES : SQL_CHECK_TOUCH);
	if (st == NULL) {
		rc = SVC_ERROR;
		goto fail;
	}
	if (newest) {
		bind_day(st, 1, on);
		bind_day(st, 2, rectify ? by : date_add_months(on, LC_CHECK_MONTHS));
		db_bind_cstr(st, 3, stamp);
		db_bind_int64(st, 4, licence_id);
	} else {
		db_bind_cstr(st, 1, stamp);
		db_bind_int64(st, 2, licence_id);
	}
	rc = db_step(st);
	db_reset(st);
	char *aj = record_to_json(out);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	int ok = rc == DB_DONE &&
	         audit_append(db, who, "licensing.check.record", "licensing_check", key, NULL, aj,
	                      "ok") == 0 &&
	         db_commit(db) == 0;
	free(aj);
	if (!ok) {
		rc = SVC_ERROR;
		goto fail;
	}
	return SVC_OK;
fail:
	db_rollback(db);
	return rc;
}

int lc_check_list(struct db *db, const struct actor *who, int64_t licence_id, struct arena *a,
                  int (*fn)(void *ctx, const struct record *r), void *ctx)
{
	struct lc_licence l;
	int rc = lc_licence_read(db, who, licence_id, a, &l);
	if (rc != SVC_OK)
		return rc;
	struct db_stmt *st = db_prepare(db, SQL_CHECK_LIST);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, licence_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct record r;
		record_from_row(&r, &LC_CHECK_TYPE, st, 0, LK_NFIELDS, a);
		if (fn(ctx, &r) != 0) {
			rc = DB_DONE;
			break;
		}
	}
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

/* ---- Due list --------------------------------------------------------------------------- */

int lc_due_filter_parse(struct lc_due_filter *f, const char *region, const char *kind,
                        const char *before, const char *limit, const char *cursor, int32_t today,
                        struct field_error *err)
{
	memset(f, 0, sizeof *f);
	f->before = today;
	f->after_due = DATE_NONE;
	if (lc_region_param(region, &f->region, err) != SVC_OK)
		return SVC_INVALID;
	if (lc_kind_param(kind, &f->kind, err) != SVC_OK)
		return SVC_INVALID;
	if (before && *before && date_parse(before, strlen(before), &f->before) != 0)
		return field_fail(err, "before", "invalid", "before is a date YYYY-MM-DD"),
		       SVC_INVALID;
	if (lc_limit_parse(limit, &f->limit, err) != SVC_OK)
		return SVC_INVALID;
	if (cursor && *cursor) {
		/* "YYYY-MM-DD.<id>" */
		const char *dot = strchr(cursor, '.');
		int64_t id;
		if (dot == NULL || date_parse(cursor, (size_t)(dot - cursor), &f->after_due) != 0 ||
		    field_int_parse_cstr(dot + 1, 1, INT64_MAX, &id) != 0)
			return field_fail(err, "cursor", "invalid",
			                  "cursor is a next_cursor of this list"),
			       SVC_INVALID;
		f->after_id = id;
	}
	return SVC_OK;
}

int lc_due_list(struct db *db, const struct actor *who, const struct lc_due_filter *f,
                int32_t today, struct arena *a, int (*fn)(void *ctx, const struct lc_licence *l),
                void *ctx, const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return SVC_OK;
	struct buf sql = {0};
	buf_puts(&sql, "SELECT id FROM lc_licence WHERE status = 'valid' AND valid_until >= ? AND "
	               "next_check_due <= ?");
	if (f->kind)
		buf_puts(&sql, " AND kind = ?");
	if (f->after_due != DATE_NONE)
		buf_puts(&sql, " AND (next_check_due > ? OR (next_check_due = ? AND id > ?))");
	scope_sql(&sql, &sc, "region_code", "holder");
	buf_puts(&sql, " ORDER BY next_check_due, id LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	bind_day(st, i++, today);
	bind_day(st, i++, f->before);
	if (f->kind)
		db_bind_cstr(st, i++, f->kind);
	if (f->after_due != DATE_NONE) {
		bind_day(st, i++, f->after_due);
		bind_day(st, i++, f->after_due);
		db_bind_int64(st, i++, f->after_id);
	}
	scope_bind(st, &i, &sc);
	db_bind_int64(st, i++, f->limit + 1);
	/* Ids first, then each licence read whole: one reader of lc_licence rows. */
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)(f->limit + 1));
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW && n <= f->limit)
		ids[n++] = db_col_int64(st, 0);
	db_finalize(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return SVC_ERROR;
	int shown = n > f->limit ? f->limit : n;
	struct lc_licence l = {0};
	for (int k = 0; k < shown; k++) {
		if ((rc = lc_licence_read(db, who, ids[k], a, &l)) != SVC_OK)
			return rc == SVC_NOT_FOUND ? SVC_ERROR : rc;
		if (fn(ctx, &l) != 0)
			return SVC_OK;
	}
	if (n > f->limit) {
		char d[11];
		date_format(l.next_check_due, d);
		*next_cursor = arena_printf(a, "%s.%lld", d, (long long)l.id);
	}
	return SVC_OK;
}

/* ---- Counts ----------------------------------------------------------------------------- */

int lc_valid_counts(struct db *db, const struct actor *who, enum lc_count_by by, int region,
                    const char *kind, int32_t today,
                    int (*fn)(void *ctx, const char *key, int64_t count), void *ctx, int64_t *total)
{
	*total = 0;
	struct scope sc;
	if (scope_make(who, region, &sc) != 0)
		return SVC_OK;
	struct buf sql = {0};
	if (by == LC_BY_PREFECTURE)
		buf_puts(&sql,
		         "SELECT (l.region_code / 100) * 100 AS k, count(*) FROM lc_licence l "
		         "WHERE l.status = 'valid' AND l.valid_until >= ?");
	else
		buf_puts(&sql, "SELECT c.category AS k, count(*) FROM lc_licence_category c JOIN "
		               "lc_licence l ON l.id = c.licence_id WHERE c.status = 'valid' AND "
		               "l.valid_until >= ?");
	if (kind)
		buf_puts(&sql, " AND l.kind = ?");
	scope_sql(&sql, &sc, by == LC_BY_PREFECTURE ? "l.region_code" : "c.region_code",
	          "l.holder");
	buf_puts(&sql, " GROUP BY k ORDER BY k");
	struct db_stmt *st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	bind_day(st, i++, today);
	if (kind)
		db_bind_cstr(st, i++, kind);
	scope_bind(st, &i, &sc);
	int rc = DB_DONE, stop = 0;
	while (!stop && (rc = db_step(st)) == DB_ROW) {
		char key[LC_CATEGORY_CODE_MAX];
		if (by == LC_BY_PREFECTURE)
			snprintf(key, sizeof key, "%lld", (long long)db_col_int64(st, 0));
		else {
			size_t n;
			const char *s = db_col_text(st, 0, &n);
			snprintf(key, sizeof key, "%.*s", (int)n, s);
		}
		stop = fn(ctx, key, db_col_int64(st, 1));
	}
	db_finalize(st);
	if (!stop && rc != DB_DONE)
		return SVC_ERROR;
	/* The distinct licences counted (a licence of several categories counts once here). */
	sql = (struct buf){0};
	buf_puts(&sql, "SELECT count(*) FROM lc_licence l WHERE l.status = 'valid' AND "
	               "l.valid_until >= ?");
	if (kind)
		buf_puts(&sql, " AND l.kind = ?");
	scope_sql(&sql, &sc, "l.region_code", "l.holder");
	st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	i = 1;
	bind_day(st, i++, today);
	if (kind)
		db_bind_cstr(st, i++, kind);
	scope_bind(st, &i, &sc);
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int64(st, 0);
	db_finalize(st);
	return rc == DB_ROW ? SVC_OK : SVC_ERROR;
}

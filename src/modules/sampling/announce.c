/*
 * Announcements (see announce.h): drafting with a number unique in its year, approval by a
 * second officer that fixes the list of samples, publication, and the reads the console and
 * the public answers share. Every write is audited in its transaction.
 */
#include "announce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/regions/service.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/textenc.h"

static const char SQL_AN_HEAD[] =
    "SELECT a.id, a.number, a.title, a.region_code, p.code, p.name_zh, p.name_en, "
    "a.period_from, a.period_to, a.status, a.created_by, a.approved_by, a.published_by, "
    "a.published_at, a.created_at, a.updated_at, a.version FROM sp_announcement a LEFT JOIN "
    "sp_product p ON p.id = a.product_id WHERE ";
#define AN_COLUMNS                                                                                 \
	"a.id, a.number, a.title, a.region_code, p.code, p.name_zh, p.name_en, a.period_from, "    \
	"a.period_to, a.status, a.created_by, a.approved_by, a.published_by, a.published_at, "     \
	"a.created_at, a.updated_at, a.version"
static const char SQL_AN_BY_ID[] = "SELECT " AN_COLUMNS " FROM sp_announcement a LEFT JOIN "
                                   "sp_product p ON p.id = a.product_id WHERE a.id = ?";
static const char SQL_AN_PUBLISHED[] =
    "SELECT " AN_COLUMNS " FROM sp_announcement a LEFT JOIN sp_product p ON p.id = "
    "a.product_id WHERE a.number = ? AND a.status = 'published'";

/* The samples that qualify for announcement ?1 of period ?2..?3, regions ?4..?5 and product
 * ?6 (NULL: all): approved with a final verdict, not under an objection still open. */
#define QUALIFYING                                                                                 \
	"s.status = 'approved' AND s.final_verdict IS NOT NULL AND s.sampled_on BETWEEN ?2 AND "   \
	"?3 "                                                                                      \
	"AND s.region_code BETWEEN ?4 AND ?5 AND (?6 IS NULL OR s.product_id = ?6) AND NOT "       \
	"EXISTS (SELECT 1 FROM sp_objection o WHERE o.sample_id = s.id AND o.status IN "           \
	"('filed', 'retesting'))"
#define FAILING(col, sep)                                                                          \
	"(SELECT group_concat(v, '" sep "') FROM (SELECT " col " AS v FROM sp_result r JOIN "      \
	"sp_test_item ti ON ti.code = r.item_code WHERE r.sample_id = s.id AND r.judgement = "     \
	"'fail' AND r.round = COALESCE((SELECT 1 FROM sp_objection o WHERE o.sample_id = s.id "    \
	"AND o.outcome IS NOT NULL), 0) ORDER BY r.item_code))"
#define SAMPLE_COLUMNS                                                                             \
	"SELECT s.sample_no, p.code, p.name_zh, p.name_en, s.producer, s.region_code, s.brand, "   \
	"s.specification, s.batch, s.production_date, s.sampled_on, s.final_verdict, " FAILING(    \
	    "ti.name_zh", "、") ", " FAILING("ti.code",                                            \
	                                     ",") " FROM sp_sample s JOIN sp_product p "           \
	                                          "ON p.id = s.product_id "
static const char SQL_SAMPLES_FIXED[] =
    SAMPLE_COLUMNS "JOIN sp_announcement_sample x ON x.sample_id = s.id WHERE "
                   "x.announcement_id = ?1 ORDER BY s.final_verdict = 'pass', s.sample_no";
static const char SQL_SAMPLES_QUALIFYING[] = SAMPLE_COLUMNS
    "WHERE ?1 IS NOT NULL AND " QUALIFYING " ORDER BY s.final_verdict = 'pass', s.sample_no";
static const char SQL_FIX[] = "INSERT INTO sp_announcement_sample (announcement_id, sample_id) "
                              "SELECT ?1, s.id FROM sp_sample s WHERE " QUALIFYING;

/* Column i of st in a, or NULL when null. */
static const char *col(struct db_stmt *st, int i, struct arena *a)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(a, db_col_text(st, i, NULL));
}

static void an_from_row(struct db_stmt *st, struct arena *a, struct sp_announcement *an)
{
	an->id = db_col_int64(st, 0);
	an->number = col(st, 1, a);
	an->title = col(st, 2, a);
	an->region_code = (int)db_col_int64(st, 3);
	an->product_code = col(st, 4, a);
	an->product_zh = col(st, 5, a);
	an->product_en = col(st, 6, a);
	an->period_from = col(st, 7, a);
	an->period_to = col(st, 8, a);
	an->status = col(st, 9, a);
	an->created_by = col(st, 10, a);
	an->approved_by = col(st, 11, a);
	an->published_by = col(st, 12, a);
	an->published_at = col(st, 13, a);
	an->created_at = col(st, 14, a);
	an->updated_at = col(st, 15, a);
	an->version = db_col_int64(st, 16);
}

int sp_announcement_number_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 8 || n > 11 || s[4] != '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

int sp_announcement_get(struct db *db, const struct actor *who, int64_t id, const char *number,
                        struct arena *a, struct sp_announcement *out)
{
	struct db_stmt *st = db_prepare(db, who ? SQL_AN_BY_ID : SQL_AN_PUBLISHED);
	if (st == NULL)
		return SVC_ERROR;
	if (who)
		db_bind_int64(st, 1, id);
	else
		db_bind_cstr(st, 1, number);
	int rc = db_step(st);
	if (rc == DB_ROW)
		an_from_row(st, a, out);
	db_reset(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
	if (who && !scope_visible(who, out->region_code, NULL))
		return SVC_NOT_FOUND;
	return SVC_OK;
}

/* The audit text of an announcement. */
static char *an_audit_json(const struct sp_announcement *an)
{
	struct buf b = {0};
	buf_printf(&b, "{\"number\":\"%s\",\"title\":", an->number);
	json_write_string(&b, an->title, strlen(an->title));
	buf_printf(&b, ",\"region_code\":\"%06d\",\"product\":", an->region_code);
	if (an->product_code)
		json_write_string(&b, an->product_code, strlen(an->product_code));
	else
		buf_puts(&b, "null");
	buf_printf(&b, ",\"period_from\":\"%s\",\"period_to\":\"%s\",\"status\":\"%s\"}",
	           an->period_from, an->period_to, an->status);
	return buf_steal(&b, NULL);
}

static int fail_field(struct field_error *err, const char *field, const char *code, const char *msg)
{
	field_fail(err, field, code, "%s", msg);
	return SVC_INVALID;
}

int sp_announcement_create(struct db *db, const struct actor *who,
                           const struct sp_announcement_input *in, struct arena *a,
                           struct sp_announcement *out, struct field_error *err)
{
	const char *t = in->title;
	size_t tn = t ? strlen(t) : 0;
	if (tn == 0)
		return fail_field(err, "title", "required", "title is required");
	if (utf8_invalid_at(t, tn) >= 0 || utf8_has_control(t, tn, 0) ||
	    utf8_count(t, tn) > SP_ANN_TITLE_MAX)
		return fail_field(err, "title", "invalid",
		                  "title must be UTF-8 text without control characters, at most "
		                  "200 characters");
	int64_t region;
	if (in->region_code == NULL)
		return fail_field(err, "region_code", "required", "region_code is required");
	if (field_int_parse_cstr(in->region_code, 100000, 999999, &region) != 0 ||
	    regions_find((int)region) == NULL)
		return fail_field(err, "region_code", "unknown_region",
		                  "region_code must be a known six-digit region code");
	if (!scope_visible(who, (int)region, NULL))
		return fail_field(err, "region_code", "out_of_scope",
		                  "region_code is outside your jurisdiction");
	int32_t from, to;
	const char *fields[2] = {"period_from", "period_to"};
	const char *vals[2] = {in->period_from, in->period_to};
	int32_t *days[2] = {&from, &to};
	for (int i = 0; i < 2; i++) {
		if (vals[i] == NULL)
			return fail_field(err, fields[i], "required", "the period is required");
		if (date_parse(vals[i], strlen(vals[i]), days[i]) != 0)
			return fail_field(err, fields[i], "invalid", "a date is YYYY-MM-DD");
	}
	if (to < from)
		return fail_field(err, "period_to", "invalid", "period_to is before period_from");

	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	int64_t product_id = 0;
	if (in->product) {
		struct db_stmt *st = db_prepare(db, "SELECT id FROM sp_product WHERE code = ?");
		if (st == NULL)
			goto error;
		db_bind_cstr(st, 1, in->product);
		int rc = db_step(st);
		product_id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		db_reset(st);
		if (rc < 0)
			goto error;
		if (product_id == 0) {
			db_rollback(db);
			return fail_field(err, "product", "unknown_product",
			                  "product must be a product code of the catalogue");
		}
	}
	int y, m, d;
	date_to_ymd(today_china(), &y, &m, &d);
	char prefix[24], number[40], stamp[32];
	snprintf(prefix, sizeof prefix, "%04d-%%", y);
	struct db_stmt *st = db_prepare(db, "SELECT COALESCE(max(CAST(substr(number, 6) AS "
	                                    "INTEGER)), 0) + 1 FROM sp_announcement WHERE number "
	                                    "LIKE ?");
	if (st == NULL)
		goto error;
	db_bind_cstr(st, 1, prefix);
	int64_t seq = db_step(st) == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	int64_t id;
	if (seq <= 0 || db_id_next(db, &id) != 0)
		goto error;
	snprintf(number, sizeof number, "%04d-%03lld", y, (long long)seq);
	now_iso(stamp);
	st = db_prepare(db, "INSERT INTO sp_announcement (id, number, title, region_code, "
	                    "product_id, period_from, period_to, status, created_by, created_at, "
	                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)");
	if (st == NULL)
		goto error;
	db_bind_int64(st, 1, id);
	db_bind_cstr(st, 2, number);
	db_bind_cstr(st, 3, t);
	db_bind_int64(st, 4, region);
	if (product_id)
		db_bind_int64(st, 5, product_id);
	else
		db_bind_null(st, 5);
	db_bind_cstr(st, 6, in->period_from);
	db_bind_cstr(st, 7, in->period_to);
	db_bind_cstr(st, 8, who->name);
	db_bind_cstr(st, 9, stamp);
	db_bind_cstr(st, 10, stamp);
	int rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE || sp_announcement_get(db, who, id, NULL, a, out) != SVC_OK)
		goto error;
	char *after = an_audit_json(out);
	rc = audit_append(db, who, "sampling.announcement.create", "sp_announcement", out->number,
	                  NULL, after, "ok");
	free(after);
	if (rc != 0 || db_commit(db) != 0)
		goto error;
	return SVC_OK;
error:
	db_rollback(db);
	return SVC_ERROR;
}

/* Moves announcement id from status `from` to `to` in one transaction, with what the move
 * needs done (approval: fixing the samples). */
static int an_move(struct db *db, const struct actor *who, int64_t id, int64_t if_version,
                   const char *from, const char *to, struct arena *a, struct sp_announcement *out,
                   struct field_error *err)
{
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_announcement before;
	int rc = sp_announcement_get(db, who, id, NULL, a, &before);
	if (rc != SVC_OK)
		goto out;
	if (if_version && if_version != before.version) {
		rc = SVC_STALE;
		goto out;
	}
	int approving = strcmp(to, "approved") == 0;
	if (approving && before.created_by && strcmp(before.created_by, who->name) == 0) {
		field_fail(err, "approved_by", "same_person",
		           "an announcement is approved by someone other than its drafter");
		rc = SVC_FORBIDDEN;
		goto out;
	}
	if (strcmp(before.status, from) != 0) {
		field_fail(err, "status", "wrong_status", "the announcement is %s, not %s",
		           before.status, from);
		rc = SVC_CONFLICT;
		goto out;
	}
	rc = SVC_ERROR;
	struct db_stmt *st;
	if (approving) {
		st = db_prepare(db, SQL_FIX);
		if (st == NULL)
			goto out;
		int lo, hi;
		region_subtree(before.region_code, &lo, &hi);
		db_bind_int64(st, 1, id);
		db_bind_cstr(st, 2, before.period_from);
		db_bind_cstr(st, 3, before.period_to);
		db_bind_int64(st, 4, lo);
		db_bind_int64(st, 5, hi);
		if (before.product_code) {
			struct db_stmt *p = db_prepare(db, "SELECT product_id FROM sp_announcement "
			                                   "WHERE id = ?");
			if (p == NULL)
				goto out;
			db_bind_int64(p, 1, id);
			if (db_step(p) == DB_ROW)
				db_bind_int64(st, 6, db_col_int64(p, 0));
			db_reset(p);
		} else {
			db_bind_null(st, 6);
		}
		int r = db_step(st);
		db_reset(st);
		if (r != DB_DONE)
			goto out;
		if (db_changes(db) == 0) {
			field_fail(
			    err, "samples", "no_samples",
			    "no approved sample with a final verdict (and no open objection) "
			    "in this period, region and product");
			rc = SVC_CONFLICT;
			goto out;
		}
	}
	char stamp[32];
	now_iso(stamp);
	st = db_prepare(
	    db, approving ? "UPDATE sp_announcement SET status = 'approved', approved_by = ?1, "
	                    "updated_at = ?2, version = version + 1 WHERE id = ?3"
	                  : "UPDATE sp_announcement SET status = 'published', published_by = "
	                    "?1, published_at = ?2, updated_at = ?2, version = version + 1 "
	                    "WHERE id = ?3");
	if (st == NULL)
		goto out;
	db_bind_cstr(st, 1, who->name);
	db_bind_cstr(st, 2, stamp);
	db_bind_int64(st, 3, id);
	int r = db_step(st);
	db_reset(st);
	if (r != DB_DONE || sp_announcement_get(db, who, id, NULL, a, out) != SVC_OK)
		goto out;
	char *bj = an_audit_json(&before), *aj = an_audit_json(out);
	r = audit_append(
	    db, who, approving ? "sampling.announcement.approve" : "sampling.announcement.publish",
	    "sp_announcement", out->number, bj, aj, "ok");
	free(bj);
	free(aj);
	if (r != 0 || db_commit(db) != 0)
		goto out;
	return SVC_OK;
out:
	db_rollback(db);
	return rc;
}

int sp_announcement_approve(struct db *db, const struct actor *who, int64_t id, int64_t if_version,
                            struct arena *a, struct sp_announcement *out, struct field_error *err)
{
	return an_move(db, who, id, if_version, "draft", "approved", a, out, err);
}

int sp_announcement_publish(struct db *db, const struct actor *who, int64_t id, int64_t if_version,
                            struct arena *a, struct sp_announcement *out, struct field_error *err)
{
	return an_move(db, who, id, if_version, "approved", "published", a, out, err);
}

int sp_announcement_list(struct db *db, const struct actor *who, const char *status,
                         const char *cursor, int limit, struct arena *a, sp_announcement_fn fn,
                         void *ctx, const char **next)
{
	*next = NULL;
	/* Cursor: "<order key>~<id>", the last row of the previous page. */
	const char *key = NULL;
	int64_t after_id = 0;
	if (cursor) {
		const char *tilde = strrchr(cursor, '~');
		if (tilde == NULL || tilde - cursor > 40 ||
		    field_int_parse_cstr(tilde + 1, 1, INT64_MAX, &after_id) != 0)
			return SVC_INVALID;
		key = arena_strndup(a, cursor, (size_t)(tilde - cursor));
	}
	struct scope sc = {0};
	if (who && scope_make(who, 0, &sc) != 0)
		return SVC_OK;
	const char *order = who ? "a.created_at" : "a.published_at";
	struct buf b = {0};
	buf_puts(&b, SQL_AN_HEAD);
	buf_puts(&b, who ? "1" : "a.status = 'published'");
	if (who)
		scope_sql(&b, &sc, "a.region_code", "NULL");
	if (status)
		buf_puts(&b, " AND a.status = ?");
	if (key)
		buf_printf(&b, " AND (%s, a.id) < (?, ?)", order);
	buf_printf(&b, " ORDER BY %s DESC, a.id DESC LIMIT ?", order);
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	if (who)
		scope_bind(st, &i, &sc);
	if (status)
		db_bind_cstr(st, i++, status);
	if (key) {
		db_bind_cstr(st, i++, key);
		db_bind_int64(st, i++, after_id);
	}
	db_bind_int64(st, i++, limit + 1);
	int rc, n = 0;
	struct sp_announcement an;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n++ == limit) {
			*next = arena_printf(a, "%s~%lld", who ? an.created_at : an.published_at,
			                     (long long)an.id);
			break;
		}
		an_from_row(st, a, &an);
		if (fn(ctx, &an))
			break;
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int sp_announcement_samples(struct db *db, const struct sp_announcement *an, struct arena *a,
                            sp_announced_fn fn, void *ctx)
{
	int fixed = strcmp(an->status, "draft") != 0;
	struct db_stmt *st = db_prepare(db, fixed ? SQL_SAMPLES_FIXED : SQL_SAMPLES_QUALIFYING);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, an->id);
	if (!fixed) {
		int lo, hi;
		region_subtree(an->region_code, &lo, &hi);
		db_bind_cstr(st, 2, an->period_from);
		db_bind_cstr(st, 3, an->period_to);
		db_bind_int64(st, 4, lo);
		db_bind_int64(st, 5, hi);
		struct db_stmt *p = db_prepare(db, "SELECT id FROM sp_product WHERE code = ?");
		int64_t pid = 0;
		if (an->product_code && p) {
			db_bind_cstr(p, 1, an->product_code);
			if (db_step(p) == DB_ROW)
				pid = db_col_int64(p, 0);
			db_reset(p);
		}
		if (pid)
			db_bind_int64(st, 6, pid);
		else
			db_bind_null(st, 6);
	}
	/* Rows are copied out first: reading the registry uses statements of its own. */
	struct sp_announced_sample *rows = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		struct sp_announced_sample *s = &rows[n++];
		memset(s, 0, sizeof *s);
		s->sample_no = col(st, 0, a);
		s->product_code = col(st, 1, a);
		s->product_zh = col(st, 2, a);
		s->product_en = col(st, 3, a);
		s->credit_code = col(st, 4, a);
		s->region_code = (int)db_col_int64(st, 5);
		s->brand = col(st, 6, a);
		s->specification = col(st, 7, a);
		s->batch = col(st, 8, a);
		s->production_date = col(st, 9, a);
		s->sampled_on = col(st, 10, a);
		s->verdict = col(st, 11, a);
		s->failing_items = col(st, 12, a);
		s->failing_codes = col(st, 13, a);
	}
	db_reset(st);
	if (rc != DB_DONE) {
		free(rows);
		return SVC_ERROR;
	}
	struct actor all = {.name = "announcement", .all_regions = 1};
	for (size_t i = 0; i < n; i++) {
		struct record ent;
		if (registry_get(db, &all, rows[i].credit_code, a, &ent) == REG_OK)
			rows[i].producer_name = ent.v[ENT_NAME];
		if (fn(ctx, &rows[i]))
			break;
	}
	free(rows);
	return SVC_OK;
}

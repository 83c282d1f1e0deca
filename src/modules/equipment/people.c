/*
 * Operators and their certificates: the field table, the rules across fields, reads, lists
 * and writes. The SQL is in the store functions (store_*) at the top; list SQL is assembled
 * from constant fragments, with every value bound.
 */
#include "people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* ---- The field table ---------------------------------------------------------------------- */

/* Exactly the last four characters of an identity card. Anything longer is refused rather
 * than cut: the rest of the number must never reach the server's storage. */
static int id_tail_validate(const struct field_spec *f, const char *v, size_t n,
                            struct field_error *err, const char **warning)
{
	int ok = n == 4;
	for (size_t i = 0; ok && i < n; i++)
		ok = (v[i] >= '0' && v[i] <= '9') || v[i] == 'X';
	if (!ok)
		return field_fail(err, f->name, "invalid",
		                  "%s must be exactly the last 4 characters of the identity card "
		                  "(digits or X), and nothing more of the number",
		                  f->name);
	return 0;
}

static int top_category_validate(const struct field_spec *f, const char *v, size_t n,
                                 struct field_error *err, const char **warning)
{
	if (n != 4 || strcmp(v + 1, "000") != 0)
		return field_fail(err, f->name, "invalid",
		                  "%s must be a top-level category code such as 3000", f->name);
	return 0;
}

static const struct field_spec OPERATOR_FIELDS[] = {
    [EO_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Operator id (a 64-bit number, written as a string)"},
    [EO_NAME] = {"name", FT_TEXT, FF_REQUIRED | FF_TRIM, 60, 0, 0, NULL, NULL,
                 "Name of the operator"},
    [EO_ID_TAIL] = {"id_tail", FT_CODE, FF_TRIM | FF_UPPER, 4, 0, 0, NULL, id_tail_validate,
                    "Last 4 characters of the identity card (digits or X); no more of the "
                    "number is taken"},
    [EO_EMPLOYER] = {"employer", FT_CODE, FF_REQUIRED | FF_TRIM | FF_UPPER, 18, 0, 0, NULL,
                     field_credit_code_shape, "Credit code of the employing use unit (registered)"},
    [EO_REGION_CODE] = {"region_code", FT_INT, FF_READONLY, 0, 110000, 829999, NULL, NULL,
                        "Region of the employer (set from the registry)"},
    [EO_CATEGORY] = {"category", FT_CODE, FF_REQUIRED | FF_TRIM | FF_UPPER, 4, 0, 0, NULL,
                     top_category_validate, "Top-level category operated, e.g. 3000"},
    [EO_ITEM] = {"item", FT_CODE, FF_TRIM | FF_UPPER, 8, 0, 0, NULL, NULL,
                 "Operator item code on the certificate, e.g. G1, R1, T, Q1"},
    [EO_CERT_NO] = {"cert_no", FT_TEXT, FF_TRIM, 40, 0, 0, NULL, NULL,
                    "Certificate number; given together with valid_until"},
    [EO_ISSUED_ON] = {"issued_on", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                      "Date the certificate was issued"},
    [EO_VALID_UNTIL] = {"valid_until", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                        "Last day the certificate is valid; given together with cert_no"},
    [EO_ON_DUTY] = {"on_duty", FT_BOOL, FF_NOT_NULL, 0, 0, 0, NULL, NULL, "On duty (default true)"},
    [EO_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When the record was created (UTC)"},
    [EO_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When the record was last changed (UTC)"},
    [EO_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                    "Version, increased by every change; also the ETag"},
    [EO_EXPIRED] = {"expired", FT_BOOL, FF_READONLY, 0, 0, 0, NULL, NULL,
                    "Computed: holds a certificate whose valid_until is before today"},
    [EO_EMPLOYER_NAME] = {"employer_name", FT_TEXT, FF_READONLY, 200, 0, 0, NULL, NULL,
                          "Computed: the employer's registered name"},
};

_Static_assert(sizeof OPERATOR_FIELDS / sizeof OPERATOR_FIELDS[0] == EO_NFIELDS,
               "every operator field is described");

const struct record_type OPERATOR_TYPE = {"equipment_operator", OPERATOR_FIELDS, EO_NFIELDS};

/* ---- Small helpers ------------------------------------------------------------------------ */

/* The stored fields of r as JSON (the audit log's before and after); the caller frees. */
static char *stored_json(const struct record *r)
{
	struct record c = *r;
	for (int i = EO_NCOLUMNS; i < EO_NFIELDS; i++)
		c.v[i] = NULL;
	struct buf b = {0};
	record_write_json(&c, &b);
	return buf_steal(&b, NULL);
}

/* ---- Store: the SQL ----------------------------------------------------------------------- */

#define COLS                                                                                       \
	"id, name, id_tail, employer, region_code, category, item, cert_no, issued_on, "           \
	"valid_until, on_duty, created_at, updated_at, version"

/* Reads operator id regardless of scope. DB_ROW with *out, DB_DONE, or an error. */
static int store_operator_read(struct db *db, int64_t id, struct arena *a, struct record *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " COLS " FROM eq_operator WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &OPERATOR_TYPE, st, 0, EO_NCOLUMNS, a);
	db_reset(st);
	return rc;
}

/* Inserts r as row id, or overwrites row id with r. DB_DONE, DB_CONSTRAINT (the certificate
 * number is taken) or an error. */
static int store_operator_write(struct db *db, int64_t id, const struct record *r, int insert)
{
	struct db_stmt *st =
	    insert
	        ? db_prepare(db, "INSERT INTO eq_operator (name, id_tail, employer, region_code, "
	                         "category, item, cert_no, issued_on, valid_until, on_duty, "
	                         "created_at, updated_at, version, id) VALUES (?, ?, ?, ?, ?, ?, "
	                         "?, ?, ?, ?, ?, ?, ?, ?)")
	        : db_prepare(db, "UPDATE eq_operator SET (name, id_tail, employer, region_code, "
	                         "category, item, cert_no, issued_on, valid_until, on_duty, "
	                         "created_at, updated_at, version) = (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                         "?, ?, ?, ?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	for (int i = EO_NAME; i < EO_NCOLUMNS; i++)
		db_bind_cstr(st, i, r->v[i]);
	db_bind_int64(st, EO_NCOLUMNS, id);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* DB_ROW if the catalogue has code, DB_DONE if not, or an error. */
static int store_category_known(struct db *db, const char *code)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM eq_category WHERE code = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, code);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* The statement of a list page (limit + 1 rows, to tell whether more follow), bound. The
 * caller steps it and frees it with db_finalize. NULL on failure. */
static struct db_stmt *store_operator_list(struct db *db, const struct eq_operator_filter *f,
                                           const struct scope *sc, int32_t today)
{
	int expiring = f->expiring >= 0;
	struct buf b = {0};
	buf_puts(&b, "SELECT " COLS " FROM eq_operator WHERE 1");
	scope_sql(&b, sc, "region_code", "employer");
	if (f->employer)
		buf_puts(&b, " AND employer = ?");
	if (f->category)
		buf_puts(&b, " AND category = ?");
	if (f->on_duty >= 0)
		buf_puts(&b, " AND on_duty = ?");
	if (f->uncertified)
		buf_puts(&b, " AND cert_no IS NULL");
	if (expiring)
		buf_puts(&b, " AND on_duty = 1 AND valid_until <= ?");
	if (f->has_cursor)
		buf_puts(&b, expiring ? " AND (valid_until, id) > (?, ?)" : " AND id > ?");
	buf_puts(&b, expiring ? " ORDER BY valid_until, id LIMIT ?" : " ORDER BY id LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return NULL;
	int i = 1;
	scope_bind(st, &i, sc);
	if (f->employer)
		db_bind_cstr(st, i++, f->employer);
	if (f->category)
		db_bind_cstr(st, i++, f->category);
	if (f->on_duty >= 0)
		db_bind_int64(st, i++, f->on_duty);
	if (expiring) {
		char until[11];
		date_format(today + f->expiring, until);
		db_bind_cstr(st, i++, until);
	}
	if (f->has_cursor) {
		if (expiring) {
			char after[11];
			date_format(f->after_day, after);
			db_bind_cstr(st, i++, after);
		}
		db_bind_int64(st, i++, f->after_id);
	}
	db_bind_int64(st, i, f->limit + 1);
	return st;
}

/* ---- Rules -------------------------------------------------------------------------------- */

void eq_operator_tally_row(const struct record *r, struct eq_tally_row *t)
{
	memset(t, 0, sizeof *t);
	t->kind = EQ_TALLY_OPERATOR;
	t->region = r->v[EO_REGION_CODE] ? (int)record_int_of(r->v[EO_REGION_CODE]) : 0;
	const char *c = r->v[EO_CATEGORY];
	t->category[0] = c && c[0] ? c[0] : '0';
	memcpy(t->category + 1, "000", 4);
	t->on_duty = r->v[EO_ON_DUTY] && r->v[EO_ON_DUTY][0] == '1';
	t->certified = r->v[EO_CERT_NO] != NULL;
	t->expires = t->certified ? record_day_of(r->v[EO_VALID_UNTIL]) : 0;
}

/* Computed fields of a record as read. */
static void finish_view(struct db *db, struct arena *a, struct record *r)
{
	int32_t until = record_day_of(r->v[EO_VALID_UNTIL]);
	int expired = r->v[EO_CERT_NO] && until != DATE_NONE && until < today_china();
	record_set_str(r, a, EO_EXPIRED, expired ? "1" : "0");
	const char *name = NULL;
	(void)eq_use_unit(db, r->v[EO_EMPLOYER], a, NULL, &name);
	r->v[EO_EMPLOYER_NAME] = name;
	r->present |= (uint64_t)1 << EO_EMPLOYER_NAME;
}

/*
 * Rules across fields of an operator as it will be stored: a known top-level category, an
 * employer that is registered and within who's scope (an enterprise account: itself), whose
 * region the operator takes; cert_no and valid_until together, issued only with a
 * certificate, not in the future and not after valid_until. Returns EQ_OK, EQ_INVALID with
 * *err, or EQ_ERROR.
 */
static int operator_rules_check(struct db *db, const struct actor *who, struct record *r,
                                struct arena *a, struct field_error *err)
{
	int rc = store_category_known(db, r->v[EO_CATEGORY]);
	if (rc < 0)
		return EQ_ERROR;
	if (rc != DB_ROW)
		return field_fail(err, "category", "unknown_category",
		                  "category %s is not in the special-equipment catalogue",
		                  r->v[EO_CATEGORY]),
		       EQ_INVALID;
	int region = 0;
	rc = eq_party_check(db, who, "employer", r->v[EO_EMPLOYER], a, &region, err);
	if (rc != EQ_OK)
		return rc;
	record_set_int(r, a, EO_REGION_CODE, region);
	if (r->v[EO_CERT_NO] && r->v[EO_VALID_UNTIL] == NULL)
		return field_fail(err, "valid_until", "required",
		                  "valid_until is required with cert_no"),
		       EQ_INVALID;
	if (r->v[EO_VALID_UNTIL] && r->v[EO_CERT_NO] == NULL)
		return field_fail(err, "cert_no", "required",
		                  "cert_no is required with valid_until"),
		       EQ_INVALID;
	if (r->v[EO_ISSUED_ON] && r->v[EO_CERT_NO] == NULL)
		return field_fail(err, "cert_no", "required", "cert_no is required with issued_on"),
		       EQ_INVALID;
	int32_t issued = record_day_of(r->v[EO_ISSUED_ON]),
	        until = record_day_of(r->v[EO_VALID_UNTIL]);
	if (issued != DATE_NONE && issued > today_china())
		return field_fail(err, "issued_on", "in_future",
		                  "issued_on cannot be in the future"),
		       EQ_INVALID;
	if (issued != DATE_NONE && until != DATE_NONE && until < issued)
		return field_fail(err, "valid_until", "before_issue",
		                  "valid_until cannot be before issued_on"),
		       EQ_INVALID;
	return EQ_OK;
}

/* ---- Service ------------------------------------------------------------------------------ */

int eq_operator_filter_parse(struct eq_operator_filter *f, struct arena *a, const char *employer,
                             const char *region, const char *category, const char *on_duty,
                             const char *uncertified, const char *expiring_within,
                             const char *limit, const char *cursor, struct field_error *err)
{
	memset(f, 0, sizeof *f);
	f->limit = EQ_PAGE_DEFAULT;
	f->on_duty = -1;
	f->expiring = -1;
	int64_t v;
	if (employer) {
		if (strlen(employer) != 18)
			return field_fail(err, "employer", "invalid",
			                  "employer must be an 18-character credit code"),
			       EQ_INVALID;
		f->employer = arena_strdup(a, employer);
	}
	if (region) {
		if (field_int_parse_cstr(region, 100000, 999999, &v) != 0)
			return field_fail(err, "region", "unknown_region",
			                  "region must be a six-digit region code"),
			       EQ_INVALID;
		f->region = (int)v;
	}
	if (category) {
		if (strlen(category) != 4 || strcmp(category + 1, "000") != 0)
			return field_fail(err, "category", "invalid",
			                  "category must be a top-level code such as 3000"),
			       EQ_INVALID;
		f->category = arena_strdup(a, category);
	}
	if (on_duty) {
		if (strcmp(on_duty, "true") != 0 && strcmp(on_duty, "false") != 0)
			return field_fail(err, "on_duty", "invalid",
			                  "on_duty must be true or false"),
			       EQ_INVALID;
		f->on_duty = on_duty[0] == 't';
	}
	if (uncertified) {
		if (strcmp(uncertified, "true") != 0 && strcmp(uncertified, "false") != 0)
			return field_fail(err, "uncertified", "invalid",
			                  "uncertified must be true or false"),
			       EQ_INVALID;
		f->uncertified = uncertified[0] == 't';
	}
	if (expiring_within) {
		if (field_int_parse_cstr(expiring_within, 0, EQ_EXPIRING_MAX_DAYS, &v) != 0)
			return field_fail(err, "expiring_within", "out_of_range",
			                  "expiring_within must be a number of days from 0 to %d",
			                  EQ_EXPIRING_MAX_DAYS),
			       EQ_INVALID;
		if (f->uncertified)
			return field_fail(err, "expiring_within", "conflict",
			                  "give either uncertified or expiring_within"),
			       EQ_INVALID;
		f->expiring = (int)v;
	}
	if (limit) {
		if (field_int_parse_cstr(limit, 1, EQ_PAGE_MAX, &v) != 0)
			return field_fail(err, "limit", "out_of_range",
			                  "limit must be an integer from 1 to %d", EQ_PAGE_MAX),
			       EQ_INVALID;
		f->limit = (int)v;
	}
	if (cursor) {
		/* "<id>" in id order, "<valid_until day>.<id>" in expiry order. */
		const char *dot = strchr(cursor, '.');
		int64_t day = 0, id = 0;
		int ok =
		    dot ? f->expiring >= 0 &&
		              field_int_parse(cursor, (size_t)(dot - cursor), -100000, 200000,
		                              &day) == 0 &&
		              field_int_parse_cstr(dot + 1, 1, INT64_MAX, &id) == 0
		        : f->expiring < 0 && field_int_parse_cstr(cursor, 1, INT64_MAX, &id) == 0;
		if (!ok)
			return field_fail(err, "cursor", "invalid",
			                  "cursor is not one this list returned"),
			       EQ_INVALID;
		f->has_cursor = 1;
		f->after_id = id;
		f->after_day = (int32_t)day;
	}
	return EQ_OK;
}

int eq_operator_list(struct db *db, const struct actor *who, const struct eq_operator_filter *f,
                     struct arena *a, eq_operator_fn fn, void *ctx, const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return EQ_OK;
	int32_t today = today_china();
	struct db_stmt *st = store_operator_list(db, f, &sc, today);
	if (st == NULL)
		return EQ_ERROR;
	/* Rows first, then the names: a lookup per row would interleave with the stepping. */
	struct record *rows = arena_alloc(a, (size_t)(f->limit + 1) * sizeof *rows);
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW && n <= f->limit)
		record_from_row(&rows[n++], &OPERATOR_TYPE, st, 0, EO_NCOLUMNS, a);
	db_finalize(st);
	if (rc < 0)
		return EQ_ERROR;
	int more = n > f->limit;
	if (more)
		n = f->limit;
	for (int i = 0; i < n; i++) {
		finish_view(db, a, &rows[i]);
		if (fn(ctx, &rows[i]))
			return EQ_OK;
	}
	if (more) {
		const struct record *last = &rows[n - 1];
		*next_cursor =
		    f->expiring >= 0
		        ? arena_printf(a, "%d.%s", (int)record_day_of(last->v[EO_VALID_UNTIL]),
		                       last->v[EO_ID])
		        : arena_strdup(a, last->v[EO_ID]);
	}
	return EQ_OK;
}

int eq_operator_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out)
{
	int rc = store_operator_read(db, id, a, out);
	if (rc == DB_DONE ||
	    (rc == DB_ROW &&
	     !scope_visible(who, (int)record_int_of(out->v[EO_REGION_CODE]), out->v[EO_EMPLOYER])))
		return EQ_NOT_FOUND;
	if (rc != DB_ROW)
		return EQ_ERROR;
	finish_view(db, a, out);
	return EQ_OK;
}

static int duplicate_cert(const struct record *r, struct field_error *err)
{
	field_fail(err, "cert_no", "duplicate", "certificate %s is already recorded",
	           r->v[EO_CERT_NO] ? r->v[EO_CERT_NO] : "");
	return EQ_CONFLICT;
}

int eq_operator_create(struct db *db, const struct actor *who, const struct record *in,
                       struct arena *a, struct record *out, struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return EQ_INVALID;
	struct record r = *in;
	r.type = &OPERATOR_TYPE;
	if (r.v[EO_ON_DUTY] == NULL)
		record_set_str(&r, a, EO_ON_DUTY, "1");
	char now[32];
	now_iso(now);
	record_set_str(&r, a, EO_CREATED_AT, now);
	record_set_str(&r, a, EO_UPDATED_AT, now);
	record_set_str(&r, a, EO_VERSION, "1");

	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	int rc = operator_rules_check(db, who, &r, a, err);
	if (rc != EQ_OK) {
		db_rollback(db);
		return rc;
	}
	int64_t id;
	char *aj = NULL;
	struct eq_tally_row none = {0}, after;
	if (db_id_next(db, &id) != 0)
		goto fail;
	record_set_int(&r, a, EO_ID, id);
	rc = store_operator_write(db, id, &r, 1);
	if (rc == DB_CONSTRAINT) {
		db_rollback(db);
		return duplicate_cert(&r, err);
	}
	eq_operator_tally_row(&r, &after);
	aj = stored_json(&r);
	if (rc != DB_DONE || eq_tally_apply(db, &none, &after) != 0 ||
	    audit_append(db, who, "equipment.operator.create", "equipment_operator", r.v[EO_ID],
	                 NULL, aj, "ok") != 0 ||
	    db_commit(db) != 0)
		goto fail;
	free(aj);
	*out = r;
	finish_view(db, a, out);
	return EQ_OK;
fail:
	free(aj);
	db_rollback(db);
	return EQ_ERROR;
}

int eq_operator_update(struct db *db, const struct actor *who, int64_t id,
                       const struct record *patch, int64_t if_version, struct arena *a,
                       struct record *out, struct field_error *err)
{
	if (record_check(patch, 1, err) != 0)
		return EQ_INVALID;
	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	struct record before;
	int rc = store_operator_read(db, id, a, &before);
	if (rc != DB_ROW || !scope_visible(who, (int)record_int_of(before.v[EO_REGION_CODE]),
	                                   before.v[EO_EMPLOYER])) {
		db_rollback(db);
		return rc == DB_ROW || rc == DB_DONE ? EQ_NOT_FOUND : EQ_ERROR;
	}
	int64_t version = record_int_of(before.v[EO_VERSION]);
	if (if_version && if_version != version) {
		db_rollback(db);
		return EQ_STALE;
	}
	struct record r = before;
	int changed = 0;
	for (int i = 0; i < EO_NCOLUMNS; i++) {
		if (!record_has(patch, i))
			continue;
		const char *nv = patch->v[i], *ov = r.v[i];
		if ((nv == NULL) != (ov == NULL) || (nv && strcmp(nv, ov) != 0)) {
			r.v[i] = nv;
			changed = 1;
		}
	}
	if (!changed) {
		db_rollback(db);
		*out = before;
		finish_view(db, a, out);
		return EQ_OK;
	}
	rc = operator_rules_check(db, who, &r, a, err);
	if (rc != EQ_OK) {
		db_rollback(db);
		return rc;
	}
	char now[32];
	now_iso(now);
	record_set_str(&r, a, EO_UPDATED_AT, now);
	record_set_int(&r, a, EO_VERSION, version + 1);
	rc = store_operator_write(db, id, &r, 0);
	if (rc == DB_CONSTRAINT) {
		db_rollback(db);
		return duplicate_cert(&r, err);
	}
	struct eq_tally_row tb, ta;
	eq_operator_tally_row(&before, &tb);
	eq_operator_tally_row(&r, &ta);
	char *bj = stored_json(&before), *aj = stored_json(&r);
	int ok = rc == DB_DONE && eq_tally_apply(db, &tb, &ta) == 0 &&
	         audit_append(db, who, "equipment.operator.update", "equipment_operator",
	                      r.v[EO_ID], bj, aj, "ok") == 0 &&
	         db_commit(db) == 0;
	free(bj);
	free(aj);
	if (!ok) {
		db_rollback(db);
		return EQ_ERROR;
	}
	*out = r;
	finish_view(db, a, out);
	return EQ_OK;
}

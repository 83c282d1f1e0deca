/*
 * Accidents: the field table, the rules of reporting, investigation and closure, reads, lists
 * and writes. The SQL is in the store functions (store_*) at the top.
 */
#include "accidents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* ---- The field table ---------------------------------------------------------------------- */

static const char *const LEVELS[] = {"general", "larger", "major", "especially_major", NULL};
static const char *const STATUSES[] = {"reported", "investigating", "closed", NULL};

static int code_length(const struct field_spec *f, const char *v, size_t n, struct field_error *err,
                       const char **warning)
{
	if (n != (size_t)f->max_chars)
		return field_fail(err, f->name, "invalid", "%s must be %d characters", f->name,
		                  f->max_chars);
	return 0;
}

#define FINDING(name, what)                                                                        \
	{                                                                                          \
		name, FT_TEXT, FF_TRIM | FF_MULTILINE, 2000, 0, 0, NULL, NULL, what                \
	}

static const struct field_spec ACCIDENT_FIELDS[] = {
    [EA_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Accident id (a 64-bit number, written as a string)"},
    [EA_DEVICE_CODE] = {"device_code", FT_CODE, FF_IMMUTABLE | FF_TRIM | FF_UPPER, 18, 0, 0, NULL,
                        code_length,
                        "Device code of the unit involved; it gives use_unit, region and "
                        "category"},
    [EA_USE_UNIT] = {"use_unit", FT_CODE, FF_IMMUTABLE | FF_TRIM | FF_UPPER, 18, 0, 0, NULL,
                     field_credit_code_shape,
                     "Credit code of the use unit; required when no device_code is given"},
    [EA_REGION_CODE] = {"region_code", FT_INT, FF_READONLY, 0, 110000, 829999, NULL, NULL,
                        "Region: the unit's, else the use unit's"},
    [EA_CATEGORY] = {"category", FT_CODE, FF_IMMUTABLE | FF_TRIM | FF_UPPER, 4, 0, 0, NULL,
                     code_length, "Catalogue code; required when no device_code is given"},
    [EA_OCCURRED_ON] = {"occurred_on", FT_DATE, FF_REQUIRED, 0, 0, 0, NULL, NULL,
                        "Day it occurred (not in the future, not after reported_on)"},
    [EA_REPORTED_ON] = {"reported_on", FT_DATE, FF_NOT_NULL, 0, 0, 0, NULL, NULL,
                        "Day it was reported (default today)"},
    [EA_LEVEL] = {"level", FT_ENUM, FF_REQUIRED, 0, 0, 0, LEVELS, NULL,
                  "general, larger, major or especially_major"},
    [EA_DEATHS] = {"deaths", FT_INT, FF_NOT_NULL, 0, 0, 100000, NULL, NULL, "People killed"},
    [EA_INJURIES] = {"injuries", FT_INT, FF_NOT_NULL, 0, 0, 100000, NULL, NULL, "People injured"},
    [EA_LOSS_YUAN] = {"loss_yuan", FT_INT, FF_NOT_NULL, 0, 0, 1000000000000LL, NULL, NULL,
                      "Direct economic loss, yuan"},
    [EA_SUMMARY] = {"summary", FT_TEXT, FF_REQUIRED | FF_TRIM | FF_MULTILINE, 2000, 0, 0, NULL,
                    NULL, "What happened"},
    [EA_STATUS] = {"status", FT_ENUM, FF_NOT_NULL, 0, 0, 0, STATUSES, NULL,
                   "reported (default), investigating or closed; closing needs all four "
                   "elements"},
    [EA_CAUSE] = FINDING("cause", "The cause, as established"),
    [EA_RESPONSIBLE_HANDLED] =
        FINDING("responsible_handled", "How those responsible were dealt with"),
    [EA_MEASURES_DONE] = FINDING("measures_done", "The corrective measures carried out"),
    [EA_PEOPLE_EDUCATED] = FINDING("people_educated", "How the people concerned were educated"),
    [EA_CLOSED_ON] = {"closed_on", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                      "Day it was closed (default: the day status becomes closed)"},
    [EA_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When the record was created (UTC)"},
    [EA_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When the record was last changed (UTC)"},
    [EA_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                    "Version, increased by every change; also the ETag"},
    [EA_COMPLETE] = {"complete", FT_BOOL, FF_READONLY, 0, 0, 0, NULL, NULL,
                     "Computed: all four \"don't let go\" elements are recorded"},
};

_Static_assert(sizeof ACCIDENT_FIELDS / sizeof ACCIDENT_FIELDS[0] == EA_NFIELDS,
               "every accident field is described");

const struct record_type ACCIDENT_TYPE = {"equipment_accident", ACCIDENT_FIELDS, EA_NFIELDS};

/* The four "don't let go", in the order a refusal names the first missing one. */
static const int FOUR[] = {EA_CAUSE, EA_RESPONSIBLE_HANDLED, EA_MEASURES_DONE, EA_PEOPLE_EDUCATED};

/* ---- Small helpers ------------------------------------------------------------------------ */

static char *stored_json(const struct record *r)
{
	struct record c = *r;
	c.v[EA_COMPLETE] = NULL;
	struct buf b = {0};
	record_write_json(&c, &b);
	return buf_steal(&b, NULL);
}

static void finish_view(struct arena *a, struct record *r)
{
	int complete = 1;
	for (int k = 0; k < 4; k++)
		complete &= r->v[FOUR[k]] != NULL;
	record_set_str(r, a, EA_COMPLETE, complete ? "1" : "0");
}

/* ---- Store: the SQL ----------------------------------------------------------------------- */

#define SELECT                                                                                     \
	"SELECT a.id, u.device_code, a.use_unit, a.region_code, a.category, a.occurred_on, "       \
	"a.reported_on, a.level, a.deaths, a.injuries, a.loss_yuan, a.summary, a.status, "         \
	"a.cause, "                                                                                \
	"a.responsible_handled, a.measures_done, a.people_educated, a.closed_on, a.created_at, "   \
	"a.updated_at, a.version FROM eq_accident a LEFT JOIN eq_unit u ON u.id = a.unit_id"

/* The stored columns from use_unit on, in the order of the fields EA_USE_UNIT..EA_VERSION. */
#define WRITE_COLS                                                                                 \
	"use_unit, region_code, category, occurred_on, reported_on, level, deaths, injuries, "     \
	"loss_yuan, summary, status, cause, responsible_handled, measures_done, people_educated, " \
	"closed_on, created_at, updated_at, version"
#define NWRITE (EA_VERSION - EA_USE_UNIT + 1)

/* Reads accident id regardless of scope: DB_ROW with *out, DB_DONE, or an error. */
static int store_accident_read(struct db *db, int64_t id, struct arena *a, struct record *out)
{
	struct db_stmt *st = db_prepare(db, SELECT " WHERE a.id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &ACCIDENT_TYPE, st, 0, EA_VERSION + 1, a);
	db_reset(st);
	return rc;
}

/* Inserts r as row id (of unit unit_id, 0 for none), or overwrites row id (its unit stays).
 * DB_DONE or an error. */
static int store_accident_write(struct db *db, int64_t id, int64_t unit_id, const struct record *r,
                                int insert)
{
	struct db_stmt *st =
	    insert
	        ? db_prepare(db, "INSERT INTO eq_accident (" WRITE_COLS ", id, unit_id) VALUES "
	                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	        : db_prepare(db, "UPDATE eq_accident SET (" WRITE_COLS ") = (?, ?, ?, ?, ?, ?, ?, "
	                         "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	for (int i = EA_USE_UNIT; i <= EA_VERSION; i++)
		db_bind_cstr(st, i - EA_USE_UNIT + 1, r->v[i]);
	db_bind_int64(st, NWRITE + 1, id);
	if (insert) {
		if (unit_id)
			db_bind_int64(st, NWRITE + 2, unit_id);
		else
			db_bind_null(st, NWRITE + 2);
	}
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* The unit of a device code: DB_ROW with *id, its use unit, region and category (in a),
 * DB_DONE, or an error. */
static int store_unit_find(struct db *db, const char *device_code, struct arena *a, int64_t *id,
                           const char **use_unit, int *region, const char **category)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT id, use_unit, region_code, category FROM eq_unit WHERE device_code = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, device_code);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		*use_unit = arena_strdup(a, db_col_text(st, 1, NULL));
		*region = (int)db_col_int64(st, 2);
		*category = arena_strdup(a, db_col_text(st, 3, NULL));
	}
	db_reset(st);
	return rc;
}

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

/* The bound statement of a list page (limit + 1 rows); the caller frees it. NULL on failure. */
static struct db_stmt *store_accident_list(struct db *db, const struct eq_accident_filter *f,
                                           const struct scope *sc)
{
	struct buf b = {0};
	buf_puts(&b, SELECT " WHERE 1");
	scope_sql(&b, sc, "a.region_code", "a.use_unit");
	if (f->status)
		buf_puts(&b, " AND a.status = ?");
	if (f->level)
		buf_puts(&b, " AND a.level = ?");
	if (f->use_unit)
		buf_puts(&b, " AND a.use_unit = ?");
	if (f->from != INT32_MIN)
		buf_puts(&b, " AND a.occurred_on >= ?");
	if (f->to != INT32_MAX)
		buf_puts(&b, " AND a.occurred_on <= ?");
	if (f->has_cursor)
		buf_puts(&b, " AND (a.occurred_on, a.id) < (?, ?)");
	buf_puts(&b, " ORDER BY a.occurred_on DESC, a.id DESC LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return NULL;
	int i = 1;
	scope_bind(st, &i, sc);
	if (f->status)
		db_bind_cstr(st, i++, f->status);
	if (f->level)
		db_bind_cstr(st, i++, f->level);
	if (f->use_unit)
		db_bind_cstr(st, i++, f->use_unit);
	if (f->from != INT32_MIN) {
		char from[11];
		date_format(f->from, from);
		db_bind_cstr(st, i++, from);
	}
	if (f->to != INT32_MAX) {
		char to[11];
		date_format(f->to, to);
		db_bind_cstr(st, i++, to);
	}
	if (f->has_cursor) {
		char after[11];
		date_format(f->after_day, after);
		db_bind_cstr(st, i++, after);
		db_bind_int64(st, i++, f->after_id);
	}
	db_bind_int64(st, i, f->limit + 1);
	return st;
}

/* ---- Rules -------------------------------------------------------------------------------- */

void eq_accident_tally_row(const struct record *r, struct eq_tally_row *t)
{
	memset(t, 0, sizeof *t);
	t->kind = EQ_TALLY_ACCIDENT;
	t->region = r->v[EA_REGION_CODE] ? (int)record_int_of(r->v[EA_REGION_CODE]) : 0;
	const char *c = r->v[EA_CATEGORY];
	t->category[0] = c && c[0] ? c[0] : '0';
	memcpy(t->category + 1, "000", 4);
	t->occurred = record_day_of(r->v[EA_OCCURRED_ON]);
	t->closed = text_is(r->v[EA_STATUS], "closed");
}

/*
 * Where a new accident belongs: the unit named by device_code (in who's scope) gives the use
 * unit, region and category, which must agree with any given; otherwise use_unit and category
 * are required, the use unit must be registered and in scope, and gives the region. *unit_id
 * receives the unit's id or 0. EQ_OK, EQ_INVALID with *err, or EQ_ERROR.
 */
static int accident_place(struct db *db, const struct actor *who, struct record *r, struct arena *a,
                          int64_t *unit_id, struct field_error *err)
{
	*unit_id = 0;
	int region = 0, rc;
	if (r->v[EA_DEVICE_CODE]) {
		const char *use_unit = NULL, *category = NULL;
		rc = store_unit_find(db, r->v[EA_DEVICE_CODE], a, unit_id, &use_unit, &region,
		                     &category);
		if (rc < 0)
			return EQ_ERROR;
		if (rc != DB_ROW || !scope_visible(who, region, use_unit))
			return field_fail(err, "device_code", "unknown_unit",
			                  "no unit %s in your scope", r->v[EA_DEVICE_CODE]),
			       EQ_INVALID;
		if (r->v[EA_USE_UNIT] && strcmp(r->v[EA_USE_UNIT], use_unit) != 0)
			return field_fail(err, "use_unit", "mismatch",
			                  "unit %s is used by %s, not %s", r->v[EA_DEVICE_CODE],
			                  use_unit, r->v[EA_USE_UNIT]),
			       EQ_INVALID;
		if (r->v[EA_CATEGORY] && strcmp(r->v[EA_CATEGORY], category) != 0)
			return field_fail(err, "category", "mismatch", "unit %s is of category %s",
			                  r->v[EA_DEVICE_CODE], category),
			       EQ_INVALID;
		record_set_str(r, a, EA_USE_UNIT, use_unit);
		record_set_str(r, a, EA_CATEGORY, category);
		record_set_int(r, a, EA_REGION_CODE, region);
		return EQ_OK;
	}
	if (r->v[EA_USE_UNIT] == NULL)
		return field_fail(err, "use_unit", "required",
		                  "use_unit is required when no device_code is given"),
		       EQ_INVALID;
	if (r->v[EA_CATEGORY] == NULL)
		return field_fail(err, "category", "required",
		                  "category is required when no device_code is given"),
		       EQ_INVALID;
	rc = store_category_known(db, r->v[EA_CATEGORY]);
	if (rc < 0)
		return EQ_ERROR;
	if (rc != DB_ROW)
		return field_fail(err, "category", "unknown_category",
		                  "category %s is not in the special-equipment catalogue",
		                  r->v[EA_CATEGORY]),
		       EQ_INVALID;
	rc = eq_party_check(db, who, "use_unit", r->v[EA_USE_UNIT], a, &region, err);
	if (rc != EQ_OK)
		return rc;
	record_set_int(r, a, EA_REGION_CODE, region);
	return EQ_OK;
}

/*
 * Dates and the course of the case, on the record as it will be stored (before: as it was,
 * NULL for a report; status_given: the input named a status). A finding moves a reported
 * accident on to investigating; it does not go back. Closing needs the four elements and
 * dates the closure. Returns 0 or -1 with *err.
 */
static int accident_rules_check(struct record *r, const struct record *before, int status_given,
                                struct arena *a, struct field_error *err)
{
	int32_t today = today_china();
	int32_t occurred = record_day_of(r->v[EA_OCCURRED_ON]),
	        reported = record_day_of(r->v[EA_REPORTED_ON]);
	if (occurred > today)
		return field_fail(err, "occurred_on", "in_future",
		                  "occurred_on cannot be in the future");
	if (reported > today)
		return field_fail(err, "reported_on", "in_future",
		                  "reported_on cannot be in the future");
	if (occurred > reported)
		return field_fail(err, "occurred_on", "after_report",
		                  "occurred_on cannot be after reported_on");
	int findings = 0;
	for (int k = 0; k < 4; k++)
		findings |= r->v[FOUR[k]] != NULL;
	if (text_is(r->v[EA_STATUS], "reported")) {
		int was_investigating = before && !text_is(before->v[EA_STATUS], "reported");
		if (status_given && (findings || was_investigating))
			return field_fail(
			    err, "status", "not_allowed",
			    "an accident with findings is under investigation; it cannot go "
			    "back to reported");
		if (findings)
			record_set_str(r, a, EA_STATUS, "investigating");
	}
	if (!text_is(r->v[EA_STATUS], "closed")) {
		if (r->v[EA_CLOSED_ON])
			return field_fail(
			    err, "closed_on", "not_closed",
			    "closed_on is set by closing the accident (status closed)");
		return 0;
	}
	for (int k = 0; k < 4; k++)
		if (r->v[FOUR[k]] == NULL) {
			const char *name = ACCIDENT_FIELDS[FOUR[k]].name;
			return field_fail(
			    err, name, "incomplete",
			    "an accident closes only when cause, responsible_handled, "
			    "measures_done and people_educated are all recorded; %s is "
			    "missing",
			    name);
		}
	if (r->v[EA_CLOSED_ON] == NULL)
		record_set_day(r, a, EA_CLOSED_ON, today);
	int32_t closed = record_day_of(r->v[EA_CLOSED_ON]);
	if (closed > today)
		return field_fail(err, "closed_on", "in_future",
		                  "closed_on cannot be in the future");
	if (closed < occurred)
		return field_fail(err, "closed_on", "before_occurrence",
		                  "closed_on cannot be before occurred_on");
	return 0;
}

/* ---- Service ------------------------------------------------------------------------------ */

static int choice(const char *const *choices, const char *v)
{
	for (int i = 0; choices[i]; i++)
		if (strcmp(choices[i], v) == 0)
			return 1;
	return 0;
}

static int date_param(const char *s, const char *name, int32_t *out, struct field_error *err)
{
	if (s && date_parse(s, strlen(s), out) != 0)
		return field_fail(err, name, "invalid", "%s must be a real date written YYYY-MM-DD",
		                  name);
	return 0;
}

int eq_accident_filter_parse(struct eq_accident_filter *f, struct arena *a, const char *region,
                             const char *status, const char *level, const char *use_unit,
                             const char *from, const char *to, const char *limit,
                             const char *cursor, struct field_error *err)
{
	memset(f, 0, sizeof *f);
	f->limit = EQ_PAGE_DEFAULT;
	f->from = INT32_MIN;
	f->to = INT32_MAX;
	int64_t v;
	if (region) {
		if (field_int_parse_cstr(region, 100000, 999999, &v) != 0)
			return field_fail(err, "region", "unknown_region",
			                  "region must be a six-digit region code"),
			       EQ_INVALID;
		f->region = (int)v;
	}
	if (status) {
		if (!choice(STATUSES, status))
			return field_fail(err, "status", "not_allowed",
			                  "status must be reported, investigating or closed"),
			       EQ_INVALID;
		f->status = arena_strdup(a, status);
	}
	if (level) {
		if (!choice(LEVELS, level))
			return field_fail(
			           err, "level", "not_allowed",
			           "level must be general, larger, major or especially_major"),
			       EQ_INVALID;
		f->level = arena_strdup(a, level);
	}
	if (use_unit) {
		if (strlen(use_unit) != 18)
			return field_fail(err, "use_unit", "invalid",
			                  "use_unit must be an 18-character credit code"),
			       EQ_INVALID;
		f->use_unit = arena_strdup(a, use_unit);
	}
	if (date_param(from, "from", &f->from, err) != 0 || date_param(to, "to", &f->to, err) != 0)
		return EQ_INVALID;
	if (f->from > f->to)
		return field_fail(err, "from", "invalid", "from must not be after to"), EQ_INVALID;
	if (limit) {
		if (field_int_parse_cstr(limit, 1, EQ_PAGE_MAX, &v) != 0)
			return field_fail(err, "limit", "out_of_range",
			                  "limit must be an integer from 1 to %d", EQ_PAGE_MAX),
			       EQ_INVALID;
		f->limit = (int)v;
	}
	if (cursor) {
		/* "<occurred_on day>.<id>" of the last row seen. */
		const char *dot = strchr(cursor, '.');
		int64_t day, id;
		if (dot == NULL ||
		    field_int_parse(cursor, (size_t)(dot - cursor), -100000, 200000, &day) != 0 ||
		    field_int_parse_cstr(dot + 1, 1, INT64_MAX, &id) != 0)
			return field_fail(err, "cursor", "invalid",
			                  "cursor is not one this list returned"),
			       EQ_INVALID;
		f->has_cursor = 1;
		f->after_day = (int32_t)day;
		f->after_id = id;
	}
	return EQ_OK;
}

int eq_accident_list(struct db *db, const struct actor *who, const struct eq_accident_filter *f,
                     struct arena *a, eq_accident_fn fn, void *ctx, const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return EQ_OK;
	struct db_stmt *st = store_accident_list(db, f, &sc);
	if (st == NULL)
		return EQ_ERROR;
	struct record r;
	int n = 0, rc = DB_DONE, stop = 0;
	char last[48] = "";
	while (!stop && (rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*next_cursor = arena_strdup(a, last);
			break;
		}
		record_from_row(&r, &ACCIDENT_TYPE, st, 0, EA_VERSION + 1, a);
		finish_view(a, &r);
		n++;
		snprintf(last, sizeof last, "%d.%s", (int)record_day_of(r.v[EA_OCCURRED_ON]),
		         r.v[EA_ID]);
		stop = fn(ctx, &r);
	}
	db_finalize(st);
	return rc < 0 ? EQ_ERROR : EQ_OK;
}

int eq_accident_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out)
{
	int rc = store_accident_read(db, id, a, out);
	if (rc == DB_DONE ||
	    (rc == DB_ROW &&
	     !scope_visible(who, (int)record_int_of(out->v[EA_REGION_CODE]), out->v[EA_USE_UNIT])))
		return EQ_NOT_FOUND;
	if (rc != DB_ROW)
		return EQ_ERROR;
	finish_view(a, out);
	return EQ_OK;
}

int eq_accident_create(struct db *db, const struct actor *who, const struct record *in,
                       struct arena *a, struct record *out, struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return EQ_INVALID;
	struct record r = *in;
	static const int ZEROES[] = {EA_DEATHS, EA_INJURIES, EA_LOSS_YUAN};
	for (int k = 0; k < 3; k++)
		if (r.v[ZEROES[k]] == NULL)
			record_set_str(&r, a, ZEROES[k], "0");
	if (r.v[EA_REPORTED_ON] == NULL)
		record_set_day(&r, a, EA_REPORTED_ON, today_china());
	if (r.v[EA_STATUS] == NULL)
		record_set_str(&r, a, EA_STATUS, "reported");
	if (accident_rules_check(&r, NULL, record_has(in, EA_STATUS) && in->v[EA_STATUS], a, err) !=
	    0)
		return EQ_INVALID;
	char now[32];
	now_iso(now);
	record_set_str(&r, a, EA_CREATED_AT, now);
	record_set_str(&r, a, EA_UPDATED_AT, now);
	record_set_str(&r, a, EA_VERSION, "1");

	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	int64_t unit_id, id;
	int rc = accident_place(db, who, &r, a, &unit_id, err);
	if (rc != EQ_OK) {
		db_rollback(db);
		return rc;
	}
	char *aj = NULL;
	struct eq_tally_row none = {0}, after;
	if (db_id_next(db, &id) != 0)
		goto fail;
	record_set_int(&r, a, EA_ID, id);
	eq_accident_tally_row(&r, &after);
	aj = stored_json(&r);
	if (store_accident_write(db, id, unit_id, &r, 1) != DB_DONE ||
	    eq_tally_apply(db, &none, &after) != 0 ||
	    audit_append(db, who, "equipment.accident.create", "equipment_accident", r.v[EA_ID],
	                 NULL, aj, "ok") != 0 ||
	    db_commit(db) != 0)
		goto fail;
	free(aj);
	*out = r;
	finish_view(a, out);
	return EQ_OK;
fail:
	free(aj);
	db_rollback(db);
	return EQ_ERROR;
}

int eq_accident_update(struct db *db, const struct actor *who, int64_t id,
                       const struct record *patch, int64_t if_version, struct arena *a,
                       struct record *out, struct field_error *err)
{
	if (record_check(patch, 1, err) != 0)
		return EQ_INVALID;
	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	struct record before;
	int rc = store_accident_read(db, id, a, &before);
	if (rc != DB_ROW || !scope_visible(who, (int)record_int_of(before.v[EA_REGION_CODE]),
	                                   before.v[EA_USE_UNIT])) {
		db_rollback(db);
		return rc == DB_ROW || rc == DB_DONE ? EQ_NOT_FOUND : EQ_ERROR;
	}
	if (text_is(before.v[EA_STATUS], "closed")) {
		db_rollback(db);
		field_fail(err, "status", "closed",
		           "the accident was closed on %s; a closed accident is not changed",
		           before.v[EA_CLOSED_ON] ? before.v[EA_CLOSED_ON] : "");
		return EQ_CONFLICT;
	}
	int64_t version = record_int_of(before.v[EA_VERSION]);
	if (if_version && if_version != version) {
		db_rollback(db);
		return EQ_STALE;
	}
	struct record r = before;
	int changed = 0;
	for (int i = 0; i <= EA_VERSION; i++) {
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
		finish_view(a, out);
		return EQ_OK;
	}
	if (accident_rules_check(&r, &before, record_has(patch, EA_STATUS), a, err) != 0) {
		db_rollback(db);
		return EQ_INVALID;
	}
	char now[32];
	now_iso(now);
	record_set_str(&r, a, EA_UPDATED_AT, now);
	record_set_int(&r, a, EA_VERSION, version + 1);
	struct eq_tally_row tb, ta;
	eq_accident_tally_row(&before, &tb);
	eq_accident_tally_row(&r, &ta);
	const char *action = text_is(r.v[EA_STATUS], "closed") ? "equipment.accident.close"
	                                                       : "equipment.accident.update";
	char *bj = stored_json(&before), *aj = stored_json(&r);
	int ok =
	    store_accident_write(db, id, 0, &r, 0) == DB_DONE &&
	    eq_tally_apply(db, &tb, &ta) == 0 &&
	    audit_append(db, who, action, "equipment_accident", r.v[EA_ID], bj, aj, "ok") == 0 &&
	    db_commit(db) == 0;
	free(bj);
	free(aj);
	if (!ok) {
		db_rollback(db);
		return EQ_ERROR;
	}
	*out = r;
	finish_view(a, out);
	return EQ_OK;
}

/*
 * Gas-cylinder batches: the field table, registration of a batch with its first due date, its
 * inspections, reads and lists. The SQL is in the store functions (store_*) at the top.
 */
#include "cylinders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/rules.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* ---- The field table ---------------------------------------------------------------------- */

static const char *const VARIANTS[] = {"corrosive", "general", "inert", "lpg", "lpg50", NULL};

/* The cylinder family of the catalogue: 2300 and the codes below it. */
static int cylinder_category_validate(const struct field_spec *f, const char *v, size_t n,
                                      struct field_error *err, const char **warning)
{
	if (n != 4 || v[0] != '2' || v[1] != '3')
		return field_fail(err, f->name, "not_cylinder",
		                  "%s must be a gas-cylinder code (2300 or below it, such as 2310)",
		                  f->name);
	return 0;
}

static const struct field_spec CYLINDER_FIELDS[] = {
    [ECB_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
                "Batch id (a 64-bit number, written as a string)"},
    [ECB_STATION] = {"station", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_TRIM | FF_UPPER, 18, 0, 0,
                     NULL, field_credit_code_shape,
                     "Credit code of the filling station (a registered enterprise)"},
    [ECB_REGION_CODE] = {"region_code", FT_INT, FF_READONLY, 0, 110000, 829999, NULL, NULL,
                         "Region of the station (set from the registry)"},
    [ECB_CATEGORY] = {"category", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_TRIM | FF_UPPER, 4, 0, 0,
                      NULL, cylinder_category_validate,
                      "Catalogue code: 2300 or below (2310 seamless, 2320 welded...)"},
    [ECB_VARIANT] = {"variant", FT_ENUM, FF_NOT_NULL | FF_IMMUTABLE, 0, 0, 0, VARIANTS, NULL,
                     "The gas, which picks the inspection rule: corrosive, general (default), "
                     "inert, lpg (YSP-0.5 to YSP-15) or lpg50 (YSP-50)"},
    [ECB_BATCH_NO] = {"batch_no", FT_TEXT, FF_REQUIRED | FF_IMMUTABLE | FF_TRIM, 40, 0, 0, NULL,
                      NULL, "Batch number, unique at the station"},
    [ECB_SPEC] = {"spec", FT_TEXT, FF_TRIM, 20, 0, 0, NULL, NULL, "Specification, e.g. YSP-15"},
    [ECB_QUANTITY] = {"quantity", FT_INT, FF_REQUIRED, 0, 1, 10000000, NULL, NULL,
                      "Cylinders in the batch (still in use)"},
    [ECB_MANUFACTURER] = {"manufacturer", FT_TEXT, FF_TRIM, 100, 0, 0, NULL, NULL, "Manufacturer"},
    [ECB_MANUFACTURED_ON] = {"manufactured_on", FT_DATE, FF_REQUIRED | FF_IMMUTABLE, 0, 0, 0, NULL,
                             NULL, "Date of manufacture: the first due date counts from it"},
    [ECB_STATUS] = {"status", FT_ENUM, FF_NOT_NULL, 0, 0, 0, EQ_UNIT_STATUSES, NULL,
                    "in_use (default), stopped or scrapped"},
    [ECB_LAST_INSPECTED_ON] = {"last_inspected_on", FT_DATE, FF_READONLY, 0, 0, 0, NULL, NULL,
                               "Date of the last inspection"},
    [ECB_INSPECTIONS_DONE] = {"inspections_done", FT_INT, FF_READONLY, 0, 0, INT32_MAX, NULL, NULL,
                              "Inspections recorded"},
    [ECB_NEXT_DUE] = {"next_due", FT_DATE, FF_READONLY, 0, 0, 0, NULL, NULL,
                      "Next inspection due, by the rule of the variant"},
    [ECB_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                        "When the record was created (UTC)"},
    [ECB_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                        "When the record was last changed (UTC)"},
    [ECB_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                     "Version, increased by every change"},
    [ECB_OVERDUE] = {"overdue", FT_BOOL, FF_READONLY, 0, 0, 0, NULL, NULL,
                     "Computed: in use and next_due before today (filling stations must "
                     "refuse to fill them)"},
};

_Static_assert(sizeof CYLINDER_FIELDS / sizeof CYLINDER_FIELDS[0] == ECB_NFIELDS,
               "every cylinder batch field is described");

const struct record_type CYLINDER_TYPE = {"equipment_cylinder_batch", CYLINDER_FIELDS, ECB_NFIELDS};

/* ---- Small helpers ------------------------------------------------------------------------ */

static char *stored_json(const struct record *r)
{
	struct record c = *r;
	c.v[ECB_OVERDUE] = NULL;
	struct buf b = {0};
	record_write_json(&c, &b);
	return buf_steal(&b, NULL);
}

static void finish_view(struct arena *a, struct record *r)
{
	int32_t due = record_day_of(r->v[ECB_NEXT_DUE]);
	int overdue =
	    text_is(r->v[ECB_STATUS], "in_use") && due != DATE_NONE && due < today_china();
	record_set_str(r, a, ECB_OVERDUE, overdue ? "1" : "0");
}

/* The rule of a batch: the variant "general" is the default rule of its category. */
static const struct eq_rule *batch_rule(const struct eq_rules *rules, const struct record *r)
{
	const char *v = r->v[ECB_VARIANT];
	return eq_rule_find(rules, r->v[ECB_CATEGORY], text_is(v, "general") ? "" : v);
}

/* ---- Store: the SQL ----------------------------------------------------------------------- */

#define COLS                                                                                       \
	"id, station, region_code, category, variant, batch_no, spec, quantity, manufacturer, "    \
	"manufactured_on, status, last_inspected_on, inspections_done, next_due, created_at, "     \
	"updated_at, version"

static int store_cylinder_read(struct db *db, int64_t id, struct arena *a, struct record *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " COLS " FROM eq_cylinder_batch WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &CYLINDER_TYPE, st, 0, ECB_NCOLUMNS, a);
	db_reset(st);
	return rc;
}

/* Inserts r as row id, or overwrites row id. DB_DONE, DB_CONSTRAINT (the station's batch
 * number is taken) or an error. */
static int store_cylinder_write(struct db *db, int64_t id, const struct record *r, int insert)
{
	struct db_stmt *st =
	    insert
	        ? db_prepare(db, "INSERT INTO eq_cylinder_batch (station, region_code, category, "
	                         "variant, batch_no, spec, quantity, manufacturer, "
	                         "manufactured_on, status, last_inspected_on, inspections_done, "
	                         "next_due, created_at, updated_at, version, id) VALUES (?, ?, ?, "
	                         "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	        : db_prepare(db, "UPDATE eq_cylinder_batch SET (station, region_code, category, "
	                         "variant, batch_no, spec, quantity, manufacturer, "
	                         "manufactured_on, status, last_inspected_on, inspections_done, "
	                         "next_due, created_at, updated_at, version) = (?, ?, ?, ?, ?, ?, "
	                         "?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	for (int i = ECB_STATION; i < ECB_NCOLUMNS; i++)
		db_bind_cstr(st, i, r->v[i]);
	db_bind_int64(st, ECB_NCOLUMNS, id);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* DB_ROW if the catalogue has code and counts it by batch, DB_DONE if not, or an error. */
static int store_batch_category(struct db *db, const char *code)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT 1 FROM eq_category WHERE code = ? AND by_batch = 1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, code);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

static struct db_stmt *store_cylinder_list(struct db *db, const struct eq_cylinder_filter *f,
                                           const struct scope *sc, int32_t today)
{
	struct buf b = {0};
	buf_puts(&b, "SELECT " COLS " FROM eq_cylinder_batch WHERE 1");
	scope_sql(&b, sc, "region_code", "station");
	if (f->station)
		buf_puts(&b, " AND station = ?");
	if (f->overdue)
		buf_puts(&b, " AND status = 'in_use' AND next_due < ?");
	if (f->has_cursor)
		buf_puts(&b, f->overdue ? " AND (next_due, id) > (?, ?)" : " AND id > ?");
	buf_puts(&b, f->overdue ? " ORDER BY next_due, id LIMIT ?" : " ORDER BY id LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return NULL;
	int i = 1;
	scope_bind(st, &i, sc);
	if (f->station)
		db_bind_cstr(st, i++, f->station);
	if (f->overdue) {
		char t[11];
		date_format(today, t);
		db_bind_cstr(st, i++, t);
	}
	if (f->has_cursor) {
		if (f->overdue) {
			char after[11];
			date_format(f->after_day, after);
			db_bind_cstr(st, i++, after);
		}
		db_bind_int64(st, i++, f->after_id);
	}
	db_bind_int64(st, i, f->limit + 1);
	return st;
}

/* ---- Service ------------------------------------------------------------------------------ */

int eq_cylinder_filter_parse(struct eq_cylinder_filter *f, struct arena *a, const char *station,
                             const char *region, const char *overdue, const char *limit,
                             const char *cursor, struct field_error *err)
{
	memset(f, 0, sizeof *f);
	f->limit = EQ_PAGE_DEFAULT;
	int64_t v;
	if (station) {
		if (strlen(station) != 18)
			return field_fail(err, "station", "invalid",
			                  "station must be an 18-character credit code"),
			       EQ_INVALID;
		f->station = arena_strdup(a, station);
	}
	if (region) {
		if (field_int_parse_cstr(region, 100000, 999999, &v) != 0)
			return field_fail(err, "region", "unknown_region",
			                  "region must be a six-digit region code"),
			       EQ_INVALID;
		f->region = (int)v;
	}
	if (overdue) {
		if (!text_is(overdue, "true") && !text_is(overdue, "false"))
			return field_fail(err, "overdue", "invalid",
			                  "overdue must be true or false"),
			       EQ_INVALID;
		f->overdue = overdue[0] == 't';
	}
	if (limit) {
		if (field_int_parse_cstr(limit, 1, EQ_PAGE_MAX, &v) != 0)
			return field_fail(err, "limit", "out_of_range",
			                  "limit must be an integer from 1 to %d", EQ_PAGE_MAX),
			       EQ_INVALID;
		f->limit = (int)v;
	}
	if (cursor) {
		/* "<id>" in id order, "<next_due day>.<id>" in due order. */
		const char *dot = strchr(cursor, '.');
		int64_t day = 0, id = 0;
		int ok = dot ? f->overdue &&
		                   field_int_parse(cursor, (size_t)(dot - cursor), -100000, 200000,
		                                   &day) == 0 &&
		                   field_int_parse_cstr(dot + 1, 1, INT64_MAX, &id) == 0
		             : !f->overdue && field_int_parse_cstr(cursor, 1, INT64_MAX, &id) == 0;
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

int eq_cylinder_list(struct db *db, const struct actor *who, const struct eq_cylinder_filter *f,
                     struct arena *a, eq_cylinder_fn fn, void *ctx, const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return EQ_OK;
	struct db_stmt *st = store_cylinder_list(db, f, &sc, today_china());
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
		record_from_row(&r, &CYLINDER_TYPE, st, 0, ECB_NCOLUMNS, a);
		finish_view(a, &r);
		n++;
		if (f->overdue)
			snprintf(last, sizeof last, "%d.%s", (int)record_day_of(r.v[ECB_NEXT_DUE]),
			         r.v[ECB_ID]);
		else
			snprintf(last, sizeof last, "%s", r.v[ECB_ID]);
		stop = fn(ctx, &r);
	}
	db_finalize(st);
	return rc < 0 ? EQ_ERROR : EQ_OK;
}

int eq_cylinder_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out)
{
	int rc = store_cylinder_read(db, id, a, out);
	if (rc == DB_DONE ||
	    (rc == DB_ROW &&
	     !scope_visible(who, (int)record_int_of(out->v[ECB_REGION_CODE]), out->v[ECB_STATION])))
		return EQ_NOT_FOUND;
	if (rc != DB_ROW)
		return EQ_ERROR;
	finish_view(a, out);
	return EQ_OK;
}

/*
 * Rules of a new batch: a cylinder category of the catalogue, a station that is registered
 * and in who's scope (an enterprise account: itself), whose region the batch takes; made not in
 * the future. EQ_OK, EQ_INVALID with *err, or EQ_ERROR.
 */
static int cylinder_rules_check(struct db *db, const struct actor *who, struct record *r,
                                struct arena *a, struct field_error *err)
{
	int rc = store_batch_category(db, r->v[ECB_CATEGORY]);
	if (rc < 0)
		return EQ_ERROR;
	if (rc != DB_ROW)
		return field_fail(err, "category", "not_cylinder",
		                  "category %s is not a gas-cylinder code of the catalogue",
		                  r->v[ECB_CATEGORY]),
		       EQ_INVALID;
	int region = 0;
	rc = eq_party_check(db, who, "station", r->v[ECB_STATION], a, &region, err);
	if (rc != EQ_OK)
		return rc;
	record_set_int(r, a, ECB_REGION_CODE, region);
	if (record_day_of(r->v[ECB_MANUFACTURED_ON]) > today_china())
		return field_fail(err, "manufactured_on", "in_future",
		                  "manufactured_on cannot be in the future"),
		       EQ_INVALID;
	return EQ_OK;
}

int eq_cylinder_create(struct db *db, const struct actor *who, const struct record *in,
                       struct arena *a, struct record *out, struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return EQ_INVALID;
	struct record r = *in;
	if (r.v[ECB_VARIANT] == NULL)
		record_set_str(&r, a, ECB_VARIANT, "general");
	if (r.v[ECB_STATUS] == NULL)
		record_set_str(&r, a, ECB_STATUS, "in_use");
	record_set_str(&r, a, ECB_LAST_INSPECTED_ON, NULL);
	record_set_str(&r, a, ECB_INSPECTIONS_DONE, "0");
	char now[32];
	now_iso(now);
	record_set_str(&r, a, ECB_CREATED_AT, now);
	record_set_str(&r, a, ECB_UPDATED_AT, now);
	record_set_str(&r, a, ECB_VERSION, "1");

	struct eq_rules rules;
	if (eq_rules_load(db, &rules) != 0)
		return EQ_ERROR;
	const struct eq_rule *rule = batch_rule(&rules, &r);
	int32_t due;
	if (rule == NULL || eq_first_due(rule, record_day_of(r.v[ECB_MANUFACTURED_ON]), &due) != 0)
		due = DATE_NONE;
	eq_rules_free(&rules);
	record_set_day(&r, a, ECB_NEXT_DUE, text_is(r.v[ECB_STATUS], "scrapped") ? DATE_NONE : due);

	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	int rc = cylinder_rules_check(db, who, &r, a, err);
	if (rc != EQ_OK) {
		db_rollback(db);
		return rc;
	}
	int64_t id;
	char *aj = NULL;
	if (db_id_next(db, &id) != 0)
		goto fail;
	record_set_int(&r, a, ECB_ID, id);
	rc = store_cylinder_write(db, id, &r, 1);
	if (rc == DB_CONSTRAINT) {
		db_rollback(db);
		field_fail(err, "batch_no", "duplicate", "station %s already has batch %s",
		           r.v[ECB_STATION], r.v[ECB_BATCH_NO]);
		return EQ_CONFLICT;
	}
	aj = stored_json(&r);
	if (rc != DB_DONE ||
	    audit_append(db, who, "equipment.cylinder.create", "equipment_cylinder_batch",
	                 r.v[ECB_ID], NULL, aj, "ok") != 0 ||
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

int eq_cylinder_inspection_from_json(json_t *body, struct arena *a,
                                     struct eq_cylinder_inspection *out, struct field_error *err)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(body))
		return field_fail(err, NULL, "invalid_body", "the body must be a JSON object"),
		       EQ_INVALID;
	const char *key;
	json_t *val;
	json_object_foreach(body, key, val)
	{
		if (!text_is(key, "inspected_on") && !text_is(key, "conclusion") &&
		    !text_is(key, "quantity_failed"))
			return field_fail(err, arena_strdup(a, key), "unknown_field",
			                  "%s is not a field of a cylinder inspection", key),
			       EQ_INVALID;
	}
	json_t *on = json_object_get(body, "inspected_on");
	int32_t day;
	if (on == NULL || json_is_null(on))
		return field_fail(err, "inspected_on", "required", "inspected_on is required"),
		       EQ_INVALID;
	if (!json_is_string(on) ||
	    date_parse(json_string_value(on), json_string_length(on), &day) != 0)
		return field_fail(err, "inspected_on", "invalid",
		                  "inspected_on must be a real date written YYYY-MM-DD"),
		       EQ_INVALID;
	out->inspected_on = arena_strdup(a, json_string_value(on));
	json_t *c = json_object_get(body, "conclusion");
	if (c == NULL || json_is_null(c))
		return field_fail(err, "conclusion", "required", "conclusion is required"),
		       EQ_INVALID;
	for (int i = 0; json_is_string(c) && EQ_CONCLUSION_NAMES[i]; i++)
		if (text_is(json_string_value(c), EQ_CONCLUSION_NAMES[i]))
			out->conclusion = EQ_CONCLUSION_NAMES[i];
	if (out->conclusion == NULL)
		return field_fail(err, "conclusion", "not_allowed",
		                  "conclusion must be pass, conditional or fail"),
		       EQ_INVALID;
	json_t *q = json_object_get(body, "quantity_failed");
	if (q && !json_is_null(q)) {
		if (!json_is_integer(q) || json_integer_value(q) < 0)
			return field_fail(err, "quantity_failed", "invalid",
			                  "quantity_failed must be a whole number of cylinders, 0 "
			                  "or more"),
			       EQ_INVALID;
		out->quantity_failed = json_integer_value(q);
		out->failed_given = 1;
	}
	return EQ_OK;
}

/*
 * Checks an inspection against the batch r as stored and works out the batch after it into
 * r (not yet written). Returns EQ_OK, EQ_INVALID / EQ_CONFLICT with *err.
 */
static int inspection_apply(const struct eq_rules *rules, struct record *r,
                            struct eq_cylinder_inspection *ins, struct arena *a,
                            struct field_error *err)
{
	if (!text_is(r->v[ECB_STATUS], "in_use"))
		return field_fail(err, "status", "not_in_use", "the batch is %s, not in use",
		                  r->v[ECB_STATUS]),
		       EQ_CONFLICT;
	int32_t on = record_day_of(ins->inspected_on),
	        made = record_day_of(r->v[ECB_MANUFACTURED_ON]);
	int32_t last = record_day_of(r->v[ECB_LAST_INSPECTED_ON]);
	if (on > today_china())
		return field_fail(err, "inspected_on", "in_future",
		                  "inspected_on cannot be in the future"),
		       EQ_INVALID;
	if (on < made)
		return field_fail(err, "inspected_on", "before_manufacture",
		                  "inspected_on cannot be before the cylinders were made (%s)",
		                  r->v[ECB_MANUFACTURED_ON]),
		       EQ_INVALID;
	if (last != DATE_NONE && on < last)
		return field_fail(err, "inspected_on", "before_last",
		                  "inspected_on cannot be before the last inspection (%s)",
		                  r->v[ECB_LAST_INSPECTED_ON]),
		       EQ_INVALID;
	unsigned concl = eq_conclusion_parse(ins->conclusion);
	const struct eq_rule *rule = batch_rule(rules, r);
	if (rule && !(rule->conclusions & concl))
		return field_fail(err, "conclusion", "not_allowed",
		                  "the rule for %s cylinders does not allow the conclusion %s",
		                  r->v[ECB_VARIANT], ins->conclusion),
		       EQ_INVALID;
	int64_t quantity = record_int_of(r->v[ECB_QUANTITY]);
	if (ins->quantity_failed > quantity)
		return field_fail(err, "quantity_failed", "out_of_range",
		                  "quantity_failed cannot exceed the %lld cylinders of the batch",
		                  (long long)quantity),
		       EQ_INVALID;
	if (concl == EQ_FAIL) {
		if (ins->failed_given && ins->quantity_failed != quantity)
			return field_fail(
			           err, "quantity_failed", "inconsistent",
			           "the conclusion fail scraps the whole batch; for some failed "
			           "cylinders give pass or conditional with quantity_failed"),
			       EQ_INVALID;
		ins->quantity_failed = quantity;
	} else if (ins->quantity_failed == quantity) {
		return field_fail(err, "conclusion", "inconsistent",
		                  "every cylinder failed: the conclusion is fail"),
		       EQ_INVALID;
	}
	int done = (int)record_int_of(r->v[ECB_INSPECTIONS_DONE]) + 1;
	int32_t due = DATE_NONE;
	if (rule) {
		struct eq_inspected in = {made, on, concl, 0, done};
		const char *why = NULL;
		int k = eq_next_due(rule, &in, &due, &why);
		if (k < 0)
			return field_fail(err, "conclusion", "not_allowed", "%s", why), EQ_INVALID;
		if (k > 0)
			due = DATE_NONE;
	}
	if (concl == EQ_FAIL) {
		/* A batch of which nothing is left in use is scrapped; its quantity stays as the
		 * number scrapped (a batch is never of zero cylinders). */
		record_set_str(r, a, ECB_STATUS, "scrapped");
		due = DATE_NONE;
	} else {
		record_set_int(r, a, ECB_QUANTITY, quantity - ins->quantity_failed);
	}
	record_set_str(r, a, ECB_LAST_INSPECTED_ON, ins->inspected_on);
	record_set_int(r, a, ECB_INSPECTIONS_DONE, done);
	record_set_day(r, a, ECB_NEXT_DUE, due);
	ins->next_due = r->v[ECB_NEXT_DUE];
	return EQ_OK;
}

int eq_cylinder_inspect(struct db *db, const struct actor *who, int64_t id,
                        struct eq_cylinder_inspection *ins, struct arena *a, struct record *out,
                        struct field_error *err)
{
	struct eq_rules rules;
	if (eq_rules_load(db, &rules) != 0)
		return EQ_ERROR;
	if (db_begin_write(db) != 0) {
		eq_rules_free(&rules);
		return EQ_ERROR;
	}
	struct record before;
	int rc = store_cylinder_read(db, id, a, &before);
	if (rc != DB_ROW || !scope_visible(who, (int)record_int_of(before.v[ECB_REGION_CODE]),
	                                   before.v[ECB_STATION])) {
		rc = rc == DB_ROW || rc == DB_DONE ? EQ_NOT_FOUND : EQ_ERROR;
		goto out;
	}
	struct record r = before;
	rc = inspection_apply(&rules, &r, ins, a, err);
	if (rc != EQ_OK)
		goto out;
	char now[32];
	now_iso(now);
	record_set_str(&r, a, ECB_UPDATED_AT, now);
	record_set_int(&r, a, ECB_VERSION, record_int_of(before.v[ECB_VERSION]) + 1);
	/* After: the inspection itself (there is no table of cylinder inspections: the audit
	 * log is their history) and the batch it left. */
	char *bj = stored_json(&before), *batch = stored_json(&r);
	struct buf b = {0};
	buf_printf(&b,
	           "{\"inspected_on\":\"%s\",\"conclusion\":\"%s\",\"quantity_failed\":%lld,"
	           "\"batch\":%s}",
	           ins->inspected_on, ins->conclusion, (long long)ins->quantity_failed, batch);
	free(batch);
	char *aj = buf_steal(&b, NULL);
	int ok = store_cylinder_write(db, id, &r, 0) == DB_DONE &&
	         audit_append(db, who, "equipment.cylinder.inspect", "equipment_cylinder_batch",
	                      r.v[ECB_ID], bj, aj, "ok") == 0 &&
	         db_commit(db) == 0;
	free(bj);
	free(aj);
	rc = ok ? EQ_OK : EQ_ERROR;
	if (ok) {
		*out = r;
		finish_view(a, out);
	}
out:
	if (rc != EQ_OK)
		db_rollback(db);
	eq_rules_free(&rules);
	return rc;
}

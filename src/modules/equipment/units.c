/*
 * The unit register and its inspections, with their SQL. List SQL is assembled from constant
 * fragments (the filters given pick the fragments; values are always bound).
 */
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/rules.h"
#include "modules/regions/service.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

#define COLS                                                                                       \
	"device_code, reg_code, reg_cert_no, registered_on, category, variant, name, model, "      \
	"use_unit, region_code, location, manufacturer, manufactured_on, installer, maintainer, "  \
	"institution, commissioned_on, status, safety_grade, major_hazard, capacity_tph, "         \
	"pressure_mpa, medium, vessel_class, volume_m3, speed_mps, floors, rated_load_kg, "        \
	"lifting_t, span_m, length_m, last_inspected_on, last_conclusion, inspections_done, "      \
	"next_due, created_at, updated_at, version"

#define HAZARD_AGE_YEARS 15 /* in use longer than this: at least a medium hazard */

void eq_top_category(const char *code, char out[5])
{
	out[0] = code && code[0] ? code[0] : '0';
	memcpy(out + 1, "000", 4);
}

const char *eq_hazard_grade(const struct record *r, int32_t today)
{
	int in_use = text_is(r->v[EU_STATUS], "in_use");
	int grade = r->v[EU_SAFETY_GRADE] ? (int)record_int_of(r->v[EU_SAFETY_GRADE]) : 0;
	int32_t due = record_day_of(r->v[EU_NEXT_DUE]);
	if (in_use &&
	    ((due != DATE_NONE && due < today) || text_is(r->v[EU_LAST_CONCLUSION], "fail") ||
	     grade >= 4 || text_is(r->v[EU_MAJOR_HAZARD], "1")))
		return "high";
	int32_t since = record_day_of(r->v[EU_COMMISSIONED_ON]);
	if (text_is(r->v[EU_LAST_CONCLUSION], "conditional") || grade == 3 ||
	    (in_use && since != DATE_NONE && date_years_between(since, today) > HAZARD_AGE_YEARS))
		return "medium";
	return "low";
}

/* The same grade as SQL, for filtering lists (?1 is today, ?2 the day fifteen years ago, as
 * YYYY-MM-DD); kept next to eq_hazard_grade, which it must agree with (tests check). */
#define HAZARD_SQL                                                                                 \
	"(CASE WHEN status = 'in_use' AND (next_due < ?1 OR last_conclusion = 'fail' OR "          \
	"safety_grade >= 4 OR major_hazard = 1) THEN 'high' WHEN last_conclusion = 'conditional' " \
	"OR safety_grade = 3 OR (status = 'in_use' AND commissioned_on < ?2) THEN 'medium' ELSE "  \
	"'low' END)"

void eq_unit_tally_row(const struct record *r, struct eq_tally_row *t)
{
	memset(t, 0, sizeof *t);
	t->kind = EQ_TALLY_UNIT;
	t->region = r->v[EU_REGION_CODE] ? (int)record_int_of(r->v[EU_REGION_CODE]) : 0;
	eq_top_category(r->v[EU_CATEGORY], t->category);
	t->in_use = text_is(r->v[EU_STATUS], "in_use");
	t->registered = r->v[EU_REG_CODE] != NULL;
	t->due = record_day_of(r->v[EU_NEXT_DUE]);
	t->subject = t->due != DATE_NONE;
}

static void compute(struct eq_unit *u, int32_t today)
{
	int32_t due = record_day_of(u->r.v[EU_NEXT_DUE]);
	u->has_due = due != DATE_NONE;
	u->days_to_due = u->has_due ? due - today : 0;
	u->overdue = u->has_due && due < today && text_is(u->r.v[EU_STATUS], "in_use");
	u->hazard = eq_hazard_grade(&u->r, today);
}

/* Fills u from columns 0 (id) and 1.. (COLS) of st. */
static void row_to_unit(struct db_stmt *st, struct arena *a, struct eq_unit *u)
{
	memset(u, 0, sizeof *u);
	u->id = db_col_int64(st, 0);
	record_from_row(&u->r, &UNIT_TYPE, st, 1, EU_NFIELDS, a);
}

static void bind_record(struct db_stmt *st, int first, const struct record *r)
{
	for (int i = 0; i < EU_NFIELDS; i++)
		db_bind_cstr(st, first + i, r->v[i]);
}

/* Reads a unit by device code, without scope. DB_ROW, DB_DONE or an error. */
static int unit_read(struct db *db, const char *device_code, struct arena *a, struct eq_unit *u)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT id, " COLS " FROM eq_unit WHERE device_code = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, device_code);
	int rc = db_step(st);
	if (rc == DB_ROW)
		row_to_unit(st, a, u);
	db_reset(st);
	return rc;
}

static int unit_write(struct db *db, int64_t id, const struct record *r, const char *created_by,
                      int insert)
{
	struct db_stmt *st =
	    insert
	        ? db_prepare(db, "INSERT INTO eq_unit (" COLS ", id, created_by) VALUES (?, ?, ?, "
	                         "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                         "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	        : db_prepare(db,
	                     "UPDATE eq_unit SET (" COLS ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	bind_record(st, 1, r);
	db_bind_int64(st, EU_NFIELDS + 1, id);
	if (insert)
		db_bind_cstr(st, EU_NFIELDS + 2, created_by);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* Looks up the category: 0 if known and registered unit by unit, else -1 with *err. */
static int category_check(struct db *db, const char *code, struct field_error *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT by_batch FROM eq_category WHERE code = ?");
	if (st == NULL)
		return field_fail(err, NULL, "internal", "database failure");
	db_bind_cstr(st, 1, code);
	int rc = db_step(st);
	int by_batch = rc == DB_ROW ? (int)db_col_int64(st, 0) : 0;
	db_reset(st);
	if (rc != DB_ROW)
		return field_fail(err, "category", "unknown_category",
		                  "category %s is not in the special-equipment catalogue", code);
	if (by_batch)
		return field_fail(
		    err, "category", "by_batch",
		    "gas cylinders (%s) are registered by filling station and batch: use "
		    "/api/v1/equipment/cylinders",
		    code);
	return 0;
}

/* The next due date a unit that has not been inspected yet has: from the rule and the day it
 * was put into use (none when not in use yet or not subject). */
static int32_t first_due(const struct eq_rules *rules, const struct record *r)
{
	const struct eq_rule *rule = eq_rule_find(rules, r->v[EU_CATEGORY], r->v[EU_VARIANT]);
	int32_t since = record_day_of(r->v[EU_COMMISSIONED_ON]), due;
	if (rule == NULL || since == DATE_NONE || eq_first_due(rule, since, &due) != 0)
		return DATE_NONE;
	return due;
}

/*
 * Rules across fields of a unit as it will be stored: known category, region in scope, use
 * unit registered (an enterprise account: itself), parameters of its category only, dates in
 * order and not in the future, a registration code that agrees with the unit.
 */
static int unit_rules_check(struct db *db, const struct actor *who, const struct record *r,
                            struct arena *a, struct field_error *err)
{
	if (category_check(db, r->v[EU_CATEGORY], err) != 0)
		return -1;
	int region = (int)record_int_of(r->v[EU_REGION_CODE]);
	if (regions_find(region) == NULL)
		return field_fail(err, "region_code", "unknown_region",
		                  "region_code %d is not a known GB/T 2260 region", region);
	if (!actor_region_in_scope(who, region))
		return field_fail(err, "region_code", "out_of_scope",
		                  "region_code %d is outside your jurisdiction", region);
	if (who->entity_code && strcmp(who->entity_code, r->v[EU_USE_UNIT]) != 0)
		return field_fail(err, "use_unit", "not_yours",
		                  "an enterprise account registers only its own equipment");
	int rc = eq_use_unit(db, r->v[EU_USE_UNIT], a, NULL, NULL);
	if (rc == EQ_NOT_FOUND)
		return field_fail(err, "use_unit", "unknown_use_unit",
		                  "use_unit %s is not a registered enterprise", r->v[EU_USE_UNIT]);
	if (rc != EQ_OK)
		return field_fail(err, NULL, "internal", "database failure");
	for (int i = 0; i < EU_NFIELDS; i++) {
		const char *cats = unit_field_categories(i);
		if (cats && r->v[i] && strchr(cats, r->v[EU_CATEGORY][0]) == NULL)
			return field_fail(err, UNIT_TYPE.fields[i].name, "not_applicable",
			                  "%s does not apply to category %s",
			                  UNIT_TYPE.fields[i].name, r->v[EU_CATEGORY]);
	}
	int32_t today = today_china();
	static const int DATED[] = {EU_MANUFACTURED_ON, EU_COMMISSIONED_ON, EU_REGISTERED_ON};
	int32_t d[3];
	for (int k = 0; k < 3; k++) {
		d[k] = record_day_of(r->v[DATED[k]]);
		if (d[k] > today)
			return field_fail(err, UNIT_TYPE.fields[DATED[k]].name, "in_future",
			                  "%s cannot be in the future",
			                  UNIT_TYPE.fields[DATED[k]].name);
	}
	if (d[0] != DATE_NONE && d[1] != DATE_NONE && d[1] < d[0])
		return field_fail(err, "commissioned_on", "before_manufacture",
		                  "commissioned_on cannot be before manufactured_on");
	if (text_is(r->v[EU_STATUS], "in_use") && d[1] == DATE_NONE)
		return field_fail(err, "commissioned_on", "required",
		                  "commissioned_on is required for a unit in use");
	const char *reg = r->v[EU_REG_CODE];
	if (reg) {
		char top[5];
		eq_top_category(r->v[EU_CATEGORY], top);
		if (memcmp(reg, r->v[EU_CATEGORY], 4) != 0 && memcmp(reg, top, 4) != 0)
			return field_fail(err, "reg_code", "invalid",
			                  "reg_code must begin with the category code (%s or %s)",
			                  r->v[EU_CATEGORY], top);
		int64_t office = 0, ym = 0;
		(void)field_int_parse(reg + 4, 6, 0, 999999, &office); /* 20 digits: checked */
		(void)field_int_parse(reg + 10, 6, 0, 999999, &ym);
		if (regions_find((int)office) == NULL)
			return field_fail(err, "reg_code", "invalid",
			                  "reg_code digits 5-10 must be the division code of the "
			                  "registering office; %06d is not a known region",
			                  (int)office);
		int y, m, dd;
		date_to_ymd(today, &y, &m, &dd);
		if (ym > y * 100 + m || ym < 195001)
			return field_fail(
			    err, "reg_code", "invalid",
			    "reg_code digits 11-16 (year and month of registration) cannot "
			    "be in the future");
	}
	if (r->v[EU_REG_CERT_NO] && reg == NULL)
		return field_fail(err, "reg_code", "required", "reg_cert_no needs reg_code");
	return 0;
}

static int load_rules(struct db *db, struct eq_rules *rules, struct field_error *err)
{
	if (eq_rules_load(db, rules) != 0)
		return field_fail(err, NULL, "internal", "cannot read the inspection rules");
	return 0;
}

static int constraint_error(struct db *db, const struct record *r, struct field_error *err)
{
	/* The device code was checked under the write lock; what remains is the registration. */
	(void)db;
	field_fail(err, "reg_code", "duplicate",
	           "reg_code %s is already registered to another unit",
	           r->v[EU_REG_CODE] ? r->v[EU_REG_CODE] : "");
	return EQ_CONFLICT;
}

static void finish_view(struct db *db, struct arena *a, struct eq_unit *u, int with_name)
{
	compute(u, today_china());
	if (with_name)
		(void)eq_use_unit(db, u->r.v[EU_USE_UNIT], a, NULL, &u->use_unit_name);
}

int eq_unit_create(struct db *db, const struct actor *who, const struct record *in, struct arena *a,
                   struct eq_unit *out, struct field_error *err)
{
	struct record r = *in;
	if (r.v[EU_STATUS] == NULL)
		record_set(&r, a, EU_STATUS, "in_use", 6);
	if (r.v[EU_MAJOR_HAZARD] == NULL)
		record_set(&r, a, EU_MAJOR_HAZARD, "0", 1);
	if (unit_rules_check(db, who, &r, a, err) != 0)
		return err->code && strcmp(err->code, "internal") == 0 ? EQ_ERROR : EQ_INVALID;
	struct eq_rules rules;
	if (load_rules(db, &rules, err) != 0)
		return EQ_ERROR;
	record_set_day(&r, a, EU_NEXT_DUE, first_due(&rules, &r));
	eq_rules_free(&rules);
	record_set_int(&r, a, EU_INSPECTIONS_DONE, 0);
	char now[32];
	now_iso(now);
	record_set_str(&r, a, EU_CREATED_AT, now);
	record_set_str(&r, a, EU_UPDATED_AT, now);
	record_set_str(&r, a, EU_VERSION, "1");

	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	struct eq_unit existing;
	int rc = unit_read(db, r.v[EU_DEVICE_CODE], a, &existing);
	if (rc == DB_ROW) {
		db_rollback(db);
		field_fail(err, "device_code", "duplicate", "device_code %s is already registered",
		           r.v[EU_DEVICE_CODE]);
		return EQ_CONFLICT;
	}
	int64_t id = 0;
	struct eq_tally_row none = {0}, after;
	eq_unit_tally_row(&r, &after);
	char *aj = NULL;
	if (rc != DB_DONE || db_id_next(db, &id) != 0)
		goto fail;
	rc = unit_write(db, id, &r, who->name, 1);
	if (rc == DB_CONSTRAINT) {
		db_rollback(db);
		return constraint_error(db, &r, err);
	}
	aj = record_to_json(&r);
	if (rc != DB_DONE || eq_tally_apply(db, &none, &after) != 0 ||
	    audit_append(db, who, "equipment.unit.create", "equipment_unit", r.v[EU_DEVICE_CODE],
	                 NULL, aj, "ok") != 0 ||
	    db_commit(db) != 0)
		goto fail;
	free(aj);
	out->id = id;
	out->r = r;
	finish_view(db, a, out, 1);
	return EQ_OK;
fail:
	free(aj);
	db_rollback(db);
	return EQ_ERROR;
}

int eq_unit_update(struct db *db, const struct actor *who, const char *device_code,
                   const struct record *patch, int64_t if_version, struct arena *a,
                   struct eq_unit *out, struct field_error *err)
{
	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	struct eq_unit u;
	int rc = unit_read(db, device_code, a, &u);
	if (rc != DB_ROW ||
	    !scope_visible(who, (int)record_int_of(u.r.v[EU_REGION_CODE]), u.r.v[EU_USE_UNIT])) {
		db_rollback(db);
		return rc == DB_ROW || rc == DB_DONE ? EQ_NOT_FOUND : EQ_ERROR;
	}
	int64_t version = record_int_of(u.r.v[EU_VERSION]);
	if (if_version && if_version != version) {
		db_rollback(db);
		return EQ_STALE;
	}
	struct record before = u.r, r = u.r;
	int changed = record_apply_patch(&r, patch);
	if (r.v[EU_STATUS] == NULL || r.v[EU_MAJOR_HAZARD] == NULL) {
		db_rollback(db);
		field_fail(err, r.v[EU_STATUS] == NULL ? "status" : "major_hazard", "required",
		           "%s cannot be cleared",
		           r.v[EU_STATUS] == NULL ? "status" : "major_hazard");
		return EQ_INVALID;
	}
	if (!changed) {
		db_rollback(db);
		*out = u;
		finish_view(db, a, out, 1);
		return EQ_OK;
	}
	if (unit_rules_check(db, who, &r, a, err) != 0) {
		db_rollback(db);
		return strcmp(err->code, "internal") == 0 ? EQ_ERROR : EQ_INVALID;
	}
	/* Before its first inspection a unit's due date follows its category, variant and the
	 * day it was put into use; after it, the inspections decide. */
	if ((int)record_int_of(r.v[EU_INSPECTIONS_DONE]) == 0) {
		struct eq_rules rules;
		if (load_rules(db, &rules, err) != 0) {
			db_rollback(db);
			return EQ_ERROR;
		}
		record_set_day(&r, a, EU_NEXT_DUE, first_due(&rules, &r));
		eq_rules_free(&rules);
	}
	char now[32];
	now_iso(now);
	record_set_str(&r, a, EU_UPDATED_AT, now);
	record_set_int(&r, a, EU_VERSION, version + 1);
	struct eq_tally_row tb, ta;
	eq_unit_tally_row(&before, &tb);
	eq_unit_tally_row(&r, &ta);
	rc = unit_write(db, u.id, &r, NULL, 0);
	if (rc == DB_CONSTRAINT) {
		db_rollback(db);
		return constraint_error(db, &r, err);
	}
	char *bj = record_to_json(&before), *aj = record_to_json(&r);
	int ok = rc == DB_DONE && eq_tally_apply(db, &tb, &ta) == 0 &&
	         audit_append(db, who, "equipment.unit.update", "equipment_unit", device_code, bj,
	                      aj, "ok") == 0 &&
	         db_commit(db) == 0;
	free(bj);
	free(aj);
	if (!ok) {
		db_rollback(db);
		return EQ_ERROR;
	}
	out->id = u.id;
	out->r = r;
	finish_view(db, a, out, 1);
	return EQ_OK;
}

int eq_unit_delete(struct db *db, const struct actor *who, const char *device_code,
                   int64_t if_version, struct arena *a, struct field_error *err)
{
	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	struct eq_unit u;
	int rc = unit_read(db, device_code, a, &u);
	if (rc != DB_ROW ||
	    !scope_visible(who, (int)record_int_of(u.r.v[EU_REGION_CODE]), u.r.v[EU_USE_UNIT])) {
		db_rollback(db);
		return rc == DB_ROW || rc == DB_DONE ? EQ_NOT_FOUND : EQ_ERROR;
	}
	if (if_version && if_version != record_int_of(u.r.v[EU_VERSION])) {
		db_rollback(db);
		return EQ_STALE;
	}
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT EXISTS (SELECT 1 FROM eq_inspection WHERE unit_id = ?1) OR EXISTS (SELECT 1 "
	    "FROM eq_accident WHERE unit_id = ?1)");
	if (st == NULL) {
		db_rollback(db);
		return EQ_ERROR;
	}
	db_bind_int64(st, 1, u.id);
	rc = db_step(st);
	int history = rc == DB_ROW && db_col_int64(st, 0);
	db_reset(st);
	if (rc != DB_ROW || history) {
		db_rollback(db);
		if (rc != DB_ROW)
			return EQ_ERROR;
		field_fail(err, NULL, "has_history",
		           "the unit has inspections or accidents on record: set its status to "
		           "stopped or scrapped instead");
		return EQ_INVALID;
	}
	struct eq_tally_row tb, none = {0};
	eq_unit_tally_row(&u.r, &tb);
	st = db_prepare(db, "DELETE FROM eq_unit WHERE id = ?");
	if (st == NULL) {
		db_rollback(db);
		return EQ_ERROR;
	}
	db_bind_int64(st, 1, u.id);
	rc = db_step(st);
	db_reset(st);
	char *bj = record_to_json(&u.r);
	int ok = rc == DB_DONE && eq_tally_apply(db, &tb, &none) == 0 &&
	         audit_append(db, who, "equipment.unit.delete", "equipment_unit", device_code, bj,
	                      NULL, "ok") == 0 &&
	         db_commit(db) == 0;
	free(bj);
	if (!ok) {
		db_rollback(db);
		return EQ_ERROR;
	}
	return EQ_OK;
}

int eq_unit_get(struct db *db, const struct actor *who, const char *device_code, struct arena *a,
                struct eq_unit *out)
{
	int rc = unit_read(db, device_code, a, out);
	if (rc == DB_DONE ||
	    (rc == DB_ROW && !scope_visible(who, (int)record_int_of(out->r.v[EU_REGION_CODE]),
	                                    out->r.v[EU_USE_UNIT])))
		return EQ_NOT_FOUND;
	if (rc != DB_ROW)
		return EQ_ERROR;
	finish_view(db, a, out, 1);
	return EQ_OK;
}

/* ---- Lists ------------------------------------------------------------------------------ */

int eq_unit_filter_parse(struct eq_unit_filter *f, struct arena *a, const char *region,
                         const char *category, const char *status, const char *use_unit,
                         const char *institution, const char *q, const char *hazard,
                         const char *due, const char *within, const char *month, const char *limit,
                         const char *cursor, struct field_error *err)
{
	memset(f, 0, sizeof *f);
	f->limit = EQ_PAGE_DEFAULT;
	int64_t v;
	if (region) {
		if (field_int_parse_cstr(region, 100000, 999999, &v) != 0 ||
		    regions_find((int)v) == NULL)
			return field_fail(err, "region", "unknown_region",
			                  "region must be a known six-digit region code"),
			       EQ_INVALID;
		f->region = (int)v;
	}
	if (category) {
		size_t n = strlen(category);
		for (size_t i = 0; i < n; i++)
			if (!((category[i] >= '0' && category[i] <= '9') ||
			      (category[i] >= 'A' && category[i] <= 'Z')))
				n = 0;
		if (n == 0 || n > 4)
			return field_fail(
			           err, "category", "invalid",
			           "category must be a catalogue code or its first characters"),
			       EQ_INVALID;
		char prefix[5];
		eq_category_prefix(category, prefix);
		f->category = arena_strdup(a, prefix);
	}
	if (status) {
		if (!text_is(status, "in_use") && !text_is(status, "stopped") &&
		    !text_is(status, "scrapped"))
			return field_fail(err, "status", "not_allowed",
			                  "status must be in_use, stopped or scrapped"),
			       EQ_INVALID;
		f->status = arena_strdup(a, status);
	}
	if (use_unit) {
		if (strlen(use_unit) != 18)
			return field_fail(err, "use_unit", "invalid",
			                  "use_unit must be an 18-character credit code"),
			       EQ_INVALID;
		f->use_unit = arena_strdup(a, use_unit);
	}
	if (institution && institution[0])
		f->institution = arena_strdup(a, institution);
	if (q && q[0]) {
		if (strlen(q) > 100)
			return field_fail(err, "q", "too_long", "q is at most 100 bytes"),
			       EQ_INVALID;
		f->q = arena_strdup(a, q);
	}
	if (hazard) {
		if (!text_is(hazard, "high") && !text_is(hazard, "medium") &&
		    !text_is(hazard, "low"))
			return field_fail(err, "hazard", "not_allowed",
			                  "hazard must be high, medium or low"),
			       EQ_INVALID;
		f->hazard = arena_strdup(a, hazard);
	}
	if (due) {
		if (text_is(due, "overdue"))
			f->due = EQ_DUE_OVERDUE;
		else if (text_is(due, "soon"))
			f->due = EQ_DUE_SOON;
		else
			return field_fail(err, "due", "not_allowed", "due must be overdue or soon"),
			       EQ_INVALID;
	}
	f->within = 30;
	if (within) {
		if (field_int_parse_cstr(within, 0, 3660, &v) != 0)
			return field_fail(err, "within", "out_of_range",
			                  "within must be a number of days from 0 to 3660"),
			       EQ_INVALID;
		f->within = (int)v;
	}
	if (month) {
		char first[11];
		int32_t d;
		if (strlen(month) != 7 || snprintf(first, sizeof first, "%s-01", month) != 10 ||
		    date_parse(first, 10, &d) != 0)
			return field_fail(err, "month", "invalid", "month must be written YYYY-MM"),
			       EQ_INVALID;
		if (f->due != EQ_DUE_ANY)
			return field_fail(err, "month", "conflict", "give either due or month"),
			       EQ_INVALID;
		f->due = EQ_DUE_RANGE;
		f->due_from = d;
		f->due_to = date_add_months(d, 1) - 1;
	}
	if (limit) {
		if (field_int_parse_cstr(limit, 1, EQ_PAGE_MAX, &v) != 0)
			return field_fail(err, "limit", "out_of_range",
			                  "limit must be an integer from 1 to %d", EQ_PAGE_MAX),
			       EQ_INVALID;
		f->limit = (int)v;
	}
	if (cursor) {
		/* "<id>" for id order, "<due day>.<id>" for due order. */
		const char *dot = strchr(cursor, '.');
		int64_t due_day = 0, id;
		int ok = dot ? f->due != EQ_DUE_ANY &&
		                   field_int_parse(cursor, (size_t)(dot - cursor), -100000, 200000,
		                                   &due_day) == 0 &&
		                   field_int_parse_cstr(dot + 1, 1, INT64_MAX, &id) == 0
		             : f->due == EQ_DUE_ANY &&
		                   field_int_parse_cstr(cursor, 1, INT64_MAX, &id) == 0;
		if (!ok)
			return field_fail(err, "cursor", "invalid",
			                  "cursor is not one this list returned"),
			       EQ_INVALID;
		f->has_cursor = 1;
		f->after_id = id;
		f->after_due = (int32_t)due_day;
	}
	return EQ_OK;
}

/* Builds the WHERE part of a list or count and binds it: ?1 today and ?2 fifteen years ago
 * are always bound (the hazard expression uses them). Returns the statement (prepared once)
 * or NULL. */
static struct db_stmt *list_stmt(struct db *db, const struct scope *sc,
                                 const struct eq_unit_filter *f, int count, int32_t today)
{
	struct buf b = {0};
	int by_due = f->due != EQ_DUE_ANY;
	buf_puts(&b, count ? "SELECT count(*) FROM eq_unit WHERE ?1 IS NOT NULL AND ?2 IS NOT NULL"
	                   : "SELECT id, " COLS " FROM eq_unit WHERE ?1 IS NOT NULL AND ?2 IS NOT "
	                     "NULL");
	if (by_due)
		buf_puts(&b, " AND status = 'in_use' AND next_due BETWEEN ?3 AND ?4");
	else
		buf_puts(&b, " AND ?3 IS NOT NULL AND ?4 IS NOT NULL");
	scope_sql(&b, sc, "region_code", "use_unit");
	if (f->category)
		buf_puts(&b, " AND category LIKE ? || '%'");
	if (f->status)
		buf_puts(&b, " AND status = ?");
	if (f->use_unit)
		buf_puts(&b, " AND use_unit = ?");
	if (f->institution)
		buf_puts(&b, " AND institution = ?");
	if (f->q)
		buf_puts(&b,
		         " AND (instr(name, ?) > 0 OR device_code LIKE ? || '%' OR reg_code LIKE ? "
		         "|| '%' OR instr(location, ?) > 0)");
	if (f->hazard)
		buf_puts(&b, " AND " HAZARD_SQL " = ?");
	if (!count && f->has_cursor)
		buf_puts(&b, by_due ? " AND (next_due, id) > (?, ?)" : " AND id > ?");
	if (!count)
		buf_puts(&b, by_due ? " ORDER BY next_due, id LIMIT ?" : " ORDER BY id LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return NULL;
	char t[11], old[11], lo[11], hi[11];
	date_format(today, t);
	date_format(date_add_months(today, -12 * HAZARD_AGE_YEARS), old);
	int32_t from = 0, to = 0;
	switch (f->due) {
	case EQ_DUE_OVERDUE:
		from = date_from_ymd(DATE_MIN_YEAR, 1, 1);
		to = today - 1;
		break;
	case EQ_DUE_SOON:
		from = today;
		to = today + f->within;
		break;
	case EQ_DUE_RANGE:
		from = f->due_from;
		to = f->due_to;
		break;
	case EQ_DUE_ANY:
		break;
	}
	date_format(from, lo);
	date_format(to, hi);
	db_bind_cstr(st, 1, t);
	db_bind_cstr(st, 2, old);
	db_bind_cstr(st, 3, lo);
	db_bind_cstr(st, 4, hi);
	int i = 5;
	scope_bind(st, &i, sc);
	if (f->category)
		db_bind_cstr(st, i++, f->category);
	if (f->status)
		db_bind_cstr(st, i++, f->status);
	if (f->use_unit)
		db_bind_cstr(st, i++, f->use_unit);
	if (f->institution)
		db_bind_cstr(st, i++, f->institution);
	if (f->q)
		for (int k = 0; k < 4; k++)
			db_bind_cstr(st, i++, f->q);
	if (f->hazard)
		db_bind_cstr(st, i++, f->hazard);
	if (!count && f->has_cursor) {
		if (by_due) {
			char d[11];
			date_format(f->after_due, d);
			db_bind_cstr(st, i++, d);
		}
		db_bind_int64(st, i++, f->after_id);
	}
	if (!count)
		db_bind_int64(st, i++, f->limit + 1);
	return st;
}

int eq_unit_list(struct db *db, const struct actor *who, const struct eq_unit_filter *f,
                 struct arena *a, int with_names, eq_unit_fn fn, void *ctx,
                 const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return EQ_OK;
	int32_t today = today_china();
	struct db_stmt *st = list_stmt(db, &sc, f, 0, today);
	if (st == NULL)
		return EQ_ERROR;
	int rc, n = 0;
	struct eq_unit u;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			char c[48];
			if (f->due != EQ_DUE_ANY)
				snprintf(c, sizeof c, "%d.%lld",
				         (int)record_day_of(u.r.v[EU_NEXT_DUE]), (long long)u.id);
			else
				snprintf(c, sizeof c, "%lld", (long long)u.id);
			*next_cursor = arena_strdup(a, c);
			rc = DB_DONE;
			break;
		}
		row_to_unit(st, a, &u);
		finish_view(db, a, &u, with_names);
		n++;
		if (fn(ctx, &u)) {
			rc = DB_DONE;
			break;
		}
	}
	db_finalize(st);
	return rc == DB_DONE ? EQ_OK : EQ_ERROR;
}

int eq_unit_count(struct db *db, const struct actor *who, const struct eq_unit_filter *f,
                  int64_t *count)
{
	*count = 0;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return EQ_OK;
	struct db_stmt *st = list_stmt(db, &sc, f, 1, today_china());
	if (st == NULL)
		return EQ_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW)
		*count = db_col_int64(st, 0);
	db_finalize(st);
	return rc == DB_ROW ? EQ_OK : EQ_ERROR;
}

/* ---- Inspections ------------------------------------------------------------------------ */

static const char *json_str(json_t *o, const char *key, struct arena *a)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

/* A required or optional text member: present as a string of 1..max code points (trimmed by
 * the caller's client), or absent/null when optional. */
static int text_member(json_t *o, const char *key, int required, size_t max, struct arena *a,
                       const char **out, const char *field, struct field_error *err)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return field_fail(err, field, "required", "%s is required", field);
		return 0;
	}
	if (!json_is_string(v))
		return field_fail(err, field, "invalid", "%s must be a string", field);
	const char *s = json_string_value(v);
	size_t n = strlen(s), cps = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) != 0x80)
			cps++;
		if (c < 0x20 && c != '\t')
			return field_fail(err, field, "invalid",
			                  "%s may not hold control characters", field);
	}
	if (n == 0 && required)
		return field_fail(err, field, "required", "%s is required", field);
	if (cps > max)
		return field_fail(err, field, "too_long", "%s is at most %zu characters", field,
		                  max);
	*out = n ? json_str(o, key, a) : NULL;
	return 0;
}

static int date_member(json_t *o, const char *key, int required, struct arena *a, const char **out,
                       const char *field, struct field_error *err)
{
	if (text_member(o, key, required, 10, a, out, field, err) != 0)
		return -1;
	int32_t d;
	if (*out && date_parse(*out, strlen(*out), &d) != 0)
		return field_fail(err, field, "invalid",
		                  "%s must be a real date written YYYY-MM-DD", field);
	return 0;
}

int eq_inspection_from_json(json_t *body, struct arena *a, struct eq_inspection *out,
                            struct field_error *err)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(body))
		return field_fail(err, NULL, "invalid", "the body must be a JSON object"),
		       EQ_INVALID;
	static const char *const KNOWN[] = {
	    "kind",         "institution", "inspector", "inspected_on", "conclusion",
	    "safety_grade", "report_no",   "note",      "defects",      NULL};
	const char *key;
	json_t *val;
	json_object_foreach(body, key, val)
	{
		int known = 0;
		for (int i = 0; KNOWN[i]; i++)
			known |= strcmp(key, KNOWN[i]) == 0;
		if (!known)
			return field_fail(err, arena_strdup(a, key), "unknown_field",
			                  "%s is not a field of an inspection", key),
			       EQ_INVALID;
	}
	if (text_member(body, "kind", 1, 20, a, &out->kind, "kind", err) != 0 ||
	    text_member(body, "institution", 1, 100, a, &out->institution, "institution", err) !=
	        0 ||
	    text_member(body, "inspector", 1, 60, a, &out->inspector, "inspector", err) != 0 ||
	    date_member(body, "inspected_on", 1, a, &out->inspected_on, "inspected_on", err) != 0 ||
	    text_member(body, "conclusion", 1, 20, a, &out->conclusion, "conclusion", err) != 0 ||
	    text_member(body, "report_no", 0, 40, a, &out->report_no, "report_no", err) != 0 ||
	    text_member(body, "note", 0, 1000, a, &out->note, "note", err) != 0)
		return EQ_INVALID;
	if (!text_is(out->kind, "periodic") && !text_is(out->kind, "supervisory") &&
	    !text_is(out->kind, "acceptance"))
		return field_fail(err, "kind", "not_allowed",
		                  "kind must be periodic, supervisory or acceptance"),
		       EQ_INVALID;
	if (eq_conclusion_parse(out->conclusion) == 0)
		return field_fail(err, "conclusion", "not_allowed",
		                  "conclusion must be pass, conditional or fail"),
		       EQ_INVALID;
	json_t *g = json_object_get(body, "safety_grade");
	if (g && !json_is_null(g)) {
		if (!json_is_integer(g) || json_integer_value(g) < 1 || json_integer_value(g) > 5)
			return field_fail(err, "safety_grade", "out_of_range",
			                  "safety_grade must be an integer from 1 to 5"),
			       EQ_INVALID;
		out->safety_grade = (int)json_integer_value(g);
	}
	json_t *defects = json_object_get(body, "defects");
	if (defects && !json_is_null(defects)) {
		if (!json_is_array(defects))
			return field_fail(err, "defects", "invalid", "defects must be an array"),
			       EQ_INVALID;
		if (json_array_size(defects) > EQ_DEFECTS_MAX)
			return field_fail(err, "defects", "too_many", "at most %d defects",
			                  EQ_DEFECTS_MAX),
			       EQ_INVALID;
		size_t i;
		json_t *d;
		json_array_foreach(defects, i, d)
		{
			char fd[64], fl[64];
			snprintf(fd, sizeof fd, "defects[%zu].description", i);
			snprintf(fl, sizeof fl, "defects[%zu].deadline", i);
			struct eq_defect *x = &out->defects[out->ndefects++];
			if (!json_is_object(d))
				return field_fail(err, arena_strdup(a, fd), "invalid",
				                  "each defect is an object"),
				       EQ_INVALID;
			if (text_member(d, "description", 1, 500, a, &x->description,
			                arena_strdup(a, fd), err) != 0 ||
			    date_member(d, "deadline", 1, a, &x->deadline, arena_strdup(a, fl),
			                err) != 0)
				return EQ_INVALID;
		}
	}
	return EQ_OK;
}

int eq_inspection_add(struct db *db, const struct actor *who, const char *device_code,
                      struct eq_inspection *ins, struct arena *a, struct eq_unit *unit,
                      struct field_error *err)
{
	int32_t today = today_china(), on;
	date_parse(ins->inspected_on, 10, &on);
	if (on > today)
		return field_fail(err, "inspected_on", "in_future",
		                  "inspected_on cannot be in the future"),
		       EQ_INVALID;
	for (int i = 0; i < ins->ndefects; i++) {
		int32_t dl;
		date_parse(ins->defects[i].deadline, 10, &dl);
		if (dl < on) {
			char f[40];
			snprintf(f, sizeof f, "defects[%d].deadline", i);
			return field_fail(
			           err, arena_strdup(a, f), "before_inspection",
			           "a rectification deadline cannot be before the inspection"),
			       EQ_INVALID;
		}
	}
	struct eq_rules rules;
	if (load_rules(db, &rules, err) != 0)
		return EQ_ERROR;
	if (db_begin_write(db) != 0) {
		eq_rules_free(&rules);
		return EQ_ERROR;
	}
	struct eq_unit u;
	int rc = unit_read(db, device_code, a, &u);
	if (rc != DB_ROW ||
	    !scope_visible(who, (int)record_int_of(u.r.v[EU_REGION_CODE]), u.r.v[EU_USE_UNIT])) {
		db_rollback(db);
		eq_rules_free(&rules);
		return rc == DB_ROW || rc == DB_DONE ? EQ_NOT_FOUND : EQ_ERROR;
	}
	struct record before = u.r, r = u.r;
	int32_t made = record_day_of(r.v[EU_MANUFACTURED_ON]),
	        since = record_day_of(r.v[EU_COMMISSIONED_ON]);
	int periodic = text_is(ins->kind, "periodic");
	int verdict = EQ_INVALID;
	if (made != DATE_NONE && on < made) {
		field_fail(err, "inspected_on", "before_manufacture",
		           "inspected_on cannot be before the unit was made (%s)",
		           r.v[EU_MANUFACTURED_ON]);
		goto refuse;
	}
	if (periodic && (since == DATE_NONE || on < since)) {
		field_fail(err, "inspected_on", "before_installation",
		           since == DATE_NONE
		               ? "a periodic inspection needs the unit's commissioned_on"
		               : "a periodic inspection cannot be before the unit was installed "
		                 "and put into use (%s)",
		           r.v[EU_COMMISSIONED_ON]);
		goto refuse;
	}
	const struct eq_rule *rule = eq_rule_find(&rules, r.v[EU_CATEGORY], r.v[EU_VARIANT]);
	unsigned concl = eq_conclusion_parse(ins->conclusion);
	if (rule && !(rule->conclusions & concl)) {
		field_fail(err, "conclusion", "not_allowed",
		           "the inspection rule for category %s does not allow the conclusion %s",
		           r.v[EU_CATEGORY], ins->conclusion);
		goto refuse;
	}
	int done = (int)record_int_of(r.v[EU_INSPECTIONS_DONE]) + (periodic ? 1 : 0);
	int32_t last = record_day_of(r.v[EU_LAST_INSPECTED_ON]);
	int latest = last == DATE_NONE || on >= last;
	int32_t due = record_day_of(r.v[EU_NEXT_DUE]);
	if (rule && (periodic || concl == EQ_FAIL)) {
		struct eq_inspected in = {since != DATE_NONE ? since : on, on, concl,
		                          ins->safety_grade, done};
		const char *why = NULL;
		int32_t next;
		int k = eq_next_due(rule, &in, &next, &why);
		if (k < 0) {
			field_fail(err, rule->kind == EQ_RULE_GRADE ? "safety_grade" : "conclusion",
			           "not_allowed", "%s", why);
			goto refuse;
		}
		if (latest)
			due = k == 0 ? next : DATE_NONE;
		ins->next_due = k == 0 ? arena_strdup(a, (char[11]){0}) : NULL;
		if (k == 0)
			date_format(next, (char *)ins->next_due);
	}
	if (latest) {
		record_set_str(&r, a, EU_LAST_INSPECTED_ON, ins->inspected_on);
		record_set_str(&r, a, EU_LAST_CONCLUSION, ins->conclusion);
		if (ins->safety_grade)
			record_set_int(&r, a, EU_SAFETY_GRADE, ins->safety_grade);
		record_set_day(&r, a, EU_NEXT_DUE, due);
	}
	record_set_int(&r, a, EU_INSPECTIONS_DONE, done);
	char now[32];
	now_iso(now);
	record_set_str(&r, a, EU_UPDATED_AT, now);
	record_set_int(&r, a, EU_VERSION, record_int_of(r.v[EU_VERSION]) + 1);
	ins->created_at = arena_strdup(a, now);
	verdict = EQ_ERROR;

	struct db_stmt *st = db_prepare(
	    db,
	    "INSERT INTO eq_inspection (id, unit_id, kind, institution, inspector, inspected_on, "
	    "conclusion, safety_grade, report_no, next_due, note, created_at, created_by) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL || db_id_next(db, &ins->id) != 0)
		goto refuse;
	db_bind_int64(st, 1, ins->id);
	db_bind_int64(st, 2, u.id);
	db_bind_cstr(st, 3, ins->kind);
	db_bind_cstr(st, 4, ins->institution);
	db_bind_cstr(st, 5, ins->inspector);
	db_bind_cstr(st, 6, ins->inspected_on);
	db_bind_cstr(st, 7, ins->conclusion);
	if (ins->safety_grade)
		db_bind_int64(st, 8, ins->safety_grade);
	else
		db_bind_null(st, 8);
	db_bind_cstr(st, 9, ins->report_no);
	db_bind_cstr(st, 10, ins->next_due);
	db_bind_cstr(st, 11, ins->note);
	db_bind_cstr(st, 12, now);
	db_bind_cstr(st, 13, who->name);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		goto refuse;
	st = db_prepare(db, "INSERT INTO eq_defect (id, inspection_id, unit_id, description, "
	                    "deadline, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	for (int i = 0; i < ins->ndefects; i++) {
		if (st == NULL || db_id_next(db, &ins->defects[i].id) != 0)
			goto refuse;
		db_bind_int64(st, 1, ins->defects[i].id);
		db_bind_int64(st, 2, ins->id);
		db_bind_int64(st, 3, u.id);
		db_bind_cstr(st, 4, ins->defects[i].description);
		db_bind_cstr(st, 5, ins->defects[i].deadline);
		db_bind_cstr(st, 6, now);
		rc = db_step(st);
		db_reset(st);
		if (rc != DB_DONE)
			goto refuse;
	}
	struct eq_tally_row tb, ta;
	eq_unit_tally_row(&before, &tb);
	eq_unit_tally_row(&r, &ta);
	struct buf aj = {0};
	buf_printf(&aj, "{\"inspection_id\":\"%lld\",\"kind\":", (long long)ins->id);
	json_write_string(&aj, ins->kind, strlen(ins->kind));
	buf_puts(&aj, ",\"inspected_on\":");
	json_write_string(&aj, ins->inspected_on, 10);
	buf_puts(&aj, ",\"conclusion\":");
	json_write_string(&aj, ins->conclusion, strlen(ins->conclusion));
	buf_printf(&aj, ",\"defects\":%d,\"unit\":", ins->ndefects);
	record_write_json(&r, &aj);
	buf_putc(&aj, '}');
	int ok = unit_write(db, u.id, &r, NULL, 0) == DB_DONE &&
	         eq_tally_apply(db, &tb, &ta) == 0 &&
	         audit_append(db, who, "equipment.inspection.create", "equipment_unit", device_code,
	                      NULL, aj.data, "ok") == 0 &&
	         db_commit(db) == 0;
	buf_free(&aj);
	if (!ok)
		goto refuse;
	eq_rules_free(&rules);
	unit->id = u.id;
	unit->r = r;
	finish_view(db, a, unit, 1);
	return EQ_OK;
refuse:
	db_rollback(db);
	eq_rules_free(&rules);
	return verdict;
}

int eq_inspection_list(struct db *db, const struct actor *who, const char *device_code,
                       struct arena *a, eq_inspection_fn fn, void *ctx)
{
	struct eq_unit u;
	int rc = eq_unit_get(db, who, device_code, a, &u);
	if (rc != EQ_OK)
		return rc;
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT id, kind, institution, inspector, inspected_on, conclusion, safety_grade, "
	    "report_no, note, next_due, created_at FROM eq_inspection WHERE unit_id = ? ORDER BY "
	    "inspected_on DESC, id DESC");
	struct db_stmt *ds = db_prepare(db, "SELECT id, description, deadline, rectified_on FROM "
	                                    "eq_defect WHERE inspection_id = ? ORDER BY id");
	if (st == NULL || ds == NULL)
		return EQ_ERROR;
	db_bind_int64(st, 1, u.id);
	struct eq_inspection *ins = arena_alloc(a, sizeof *ins);
	while ((rc = db_step(st)) == DB_ROW) {
		memset(ins, 0, sizeof *ins);
		ins->id = db_col_int64(st, 0);
		const char **s[] = {&ins->kind, &ins->institution, &ins->inspector,
		                    &ins->inspected_on, &ins->conclusion};
		for (int i = 0; i < 5; i++)
			*s[i] = arena_strdup(a, db_col_text(st, 1 + i, NULL));
		ins->safety_grade = (int)db_col_int64(st, 6);
		ins->report_no =
		    db_col_is_null(st, 7) ? NULL : arena_strdup(a, db_col_text(st, 7, NULL));
		ins->note =
		    db_col_is_null(st, 8) ? NULL : arena_strdup(a, db_col_text(st, 8, NULL));
		ins->next_due =
		    db_col_is_null(st, 9) ? NULL : arena_strdup(a, db_col_text(st, 9, NULL));
		ins->created_at = arena_strdup(a, db_col_text(st, 10, NULL));
		db_bind_int64(ds, 1, ins->id);
		while (db_step(ds) == DB_ROW && ins->ndefects < EQ_DEFECTS_MAX) {
			struct eq_defect *d = &ins->defects[ins->ndefects++];
			d->id = db_col_int64(ds, 0);
			d->description = arena_strdup(a, db_col_text(ds, 1, NULL));
			d->deadline = arena_strdup(a, db_col_text(ds, 2, NULL));
			d->rectified_on = db_col_is_null(ds, 3)
			                      ? NULL
			                      : arena_strdup(a, db_col_text(ds, 3, NULL));
		}
		db_reset(ds);
		if (fn(ctx, ins))
			break;
	}
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? EQ_OK : EQ_ERROR;
}

int eq_defect_rectify(struct db *db, const struct actor *who, int64_t defect_id,
                      const char *rectified_on, struct field_error *err)
{
	int32_t on;
	if (rectified_on == NULL || date_parse(rectified_on, strlen(rectified_on), &on) != 0)
		return field_fail(err, "rectified_on", "invalid",
		                  "rectified_on must be a real date written YYYY-MM-DD"),
		       EQ_INVALID;
	if (on > today_china())
		return field_fail(err, "rectified_on", "in_future",
		                  "rectified_on cannot be in the future"),
		       EQ_INVALID;
	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	struct db_stmt *st = db_prepare(
	    db, "SELECT u.region_code, u.use_unit, u.device_code, i.inspected_on, d.rectified_on "
	        "FROM eq_defect d JOIN eq_inspection i ON i.id = d.inspection_id JOIN eq_unit u ON "
	        "u.id = d.unit_id WHERE d.id = ?");
	if (st == NULL) {
		db_rollback(db);
		return EQ_ERROR;
	}
	db_bind_int64(st, 1, defect_id);
	int rc = db_step(st);
	int visible =
	    rc == DB_ROW && scope_visible(who, (int)db_col_int64(st, 0), db_col_text(st, 1, NULL));
	char device[24] = "", inspected[11] = "";
	int already = 0;
	if (visible) {
		snprintf(device, sizeof device, "%s", db_col_text(st, 2, NULL));
		snprintf(inspected, sizeof inspected, "%s", db_col_text(st, 3, NULL));
		already = !db_col_is_null(st, 4);
	}
	db_reset(st);
	if (!visible) {
		db_rollback(db);
		return rc == DB_ROW || rc == DB_DONE ? EQ_NOT_FOUND : EQ_ERROR;
	}
	if (already || strcmp(rectified_on, inspected) < 0) {
		db_rollback(db);
		return field_fail(err, "rectified_on",
		                  already ? "already_rectified" : "before_inspection",
		                  already ? "the defect is already recorded as rectified"
		                          : "rectified_on cannot be before the inspection (%s)",
		                  inspected),
		       EQ_INVALID;
	}
	st = db_prepare(db, "UPDATE eq_defect SET rectified_on = ? WHERE id = ?");
	char key[24], after[64];
	snprintf(key, sizeof key, "%lld", (long long)defect_id);
	snprintf(after, sizeof after, "{\"device_code\":\"%s\",\"rectified_on\":\"%s\"}", device,
	         rectified_on);
	if (st == NULL) {
		db_rollback(db);
		return EQ_ERROR;
	}
	db_bind_cstr(st, 1, rectified_on);
	db_bind_int64(st, 2, defect_id);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE ||
	    audit_append(db, who, "equipment.defect.rectify", "equipment_defect", key, NULL, after,
	                 "ok") != 0 ||
	    db_commit(db) != 0) {
		db_rollback(db);
		return EQ_ERROR;
	}
	return EQ_OK;
}

/*
 * Follow-up of failed samples: the field tables, the stage machine and deadlines (pure, on a
 * struct sp_followup_state, so the unit tests drive it day by day), and the service: the
 * order, each later step, reads and the list of what is overdue. The SQL is in the store
 * functions (store_*) at the top.
 */
#include "followup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/objections.h"
#include "modules/sampling/samples.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* ---- The field tables --------------------------------------------------------------------- */

static const char *const STAGES[] = {"ordered",   "rectified", "announced",
                                     "suspended", "closed",    NULL};
static const char *const VERDICTS[] = {"pass", "fail", NULL};
static const char *const STEPS[] = {"rectify", "recheck", "announce", "second", NULL};

#define DAY(name, what)                                                                            \
	{                                                                                          \
		name, FT_DATE, FF_READONLY, 0, 0, 0, NULL, NULL, what                              \
	}

static const struct field_spec FOLLOWUP_FIELDS[] = {
    [SF_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Follow-up id (a 64-bit number, written as a string)"},
    [SF_SAMPLE_ID] = {"sample_id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL, "The failed sample"},
    [SF_SAMPLE_NO] = {"sample_no", FT_CODE, FF_READONLY, 40, 0, 0, NULL, NULL,
                      "The sample's number"},
    [SF_REGION_CODE] = {"region_code", FT_INT, FF_READONLY, 0, 100000, 999999, NULL, NULL,
                        "The producer's county (from the sample)"},
    [SF_PRODUCER] = {"producer", FT_CODE, FF_READONLY, 18, 0, 0, NULL, NULL,
                     "Credit code of the producer"},
    [SF_ORDER_NO] = {"order_no", FT_TEXT, FF_READONLY, SP_ORDER_NO_MAX, 0, 0, NULL, NULL,
                     "Number of the rectification order"},
    [SF_ORDERED_ON] = DAY("ordered_on", "Day of the order"),
    [SF_RECTIFY_BY] = DAY("rectify_by", "Rectification due: ordered_on + 60 days"),
    [SF_RECHECK_BY] = DAY("recheck_by", "Re-inspection due: ordered_on + 75 days"),
    [SF_RECTIFIED_ON] = DAY("rectified_on", "Day the rectification was reported"),
    [SF_RECHECK_ON] = DAY("recheck_on", "Day of the re-inspection"),
    [SF_RECHECK_VERDICT] = {"recheck_verdict", FT_ENUM, FF_READONLY, 0, 0, 0, VERDICTS, NULL,
                            "pass or fail"},
    [SF_ANNOUNCED_ON] = DAY("announced_on", "Day the failed re-inspection was announced"),
    [SF_SECOND_FROM] = DAY("second_from", "Second re-inspection from: announced_on + 60"),
    [SF_SECOND_BY] = DAY("second_by", "Second re-inspection by: announced_on + 90"),
    [SF_SECOND_ON] = DAY("second_on", "Day of the second re-inspection"),
    [SF_SECOND_VERDICT] = {"second_verdict", FT_ENUM, FF_READONLY, 0, 0, 0, VERDICTS, NULL,
                           "pass or fail (fail: suspension; the licence goes to licensing)"},
    [SF_STAGE] = {"stage", FT_ENUM, FF_READONLY, 0, 0, 0, STAGES, NULL,
                  "ordered, rectified, announced, suspended or closed"},
    [SF_NOTE] = {"note", FT_TEXT, FF_READONLY | FF_MULTILINE, 2000, 0, 0, NULL, NULL, "Note"},
    [SF_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When it was ordered (UTC)"},
    [SF_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When it last changed (UTC)"},
    [SF_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                    "Version, increased by every change; also the ETag"},
    [SF_NEXT_STEP] = {"next_step", FT_ENUM, FF_READONLY, 0, 0, 0, STEPS, NULL,
                      "Computed: rectify, recheck, announce, second, or null when done"},
    [SF_NEXT_DEADLINE] = DAY("next_deadline", "Computed: the day the next step is due"),
    [SF_DAYS_OVERDUE] = {"days_overdue", FT_INT, FF_READONLY, 0, 0, INT32_MAX, NULL, NULL,
                         "Computed: days past next_deadline (0 when not past)"},
};
_Static_assert(sizeof FOLLOWUP_FIELDS / sizeof *FOLLOWUP_FIELDS == SF_NFIELDS,
               "every follow-up field is described");
const struct record_type SP_FOLLOWUP_TYPE = {"sampling_followup", FOLLOWUP_FIELDS, SF_NFIELDS};

static const struct field_spec ORDER_FIELDS[] = {
    [SFO_ORDER_NO] = {"order_no", FT_TEXT, FF_REQUIRED | FF_TRIM, SP_ORDER_NO_MAX, 0, 0, NULL, NULL,
                      "Number of the rectification order"},
    [SFO_ORDERED_ON] = {"ordered_on", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                        "Day of the order (default today, China time)"},
    [SFO_NOTE] = {"note", FT_TEXT, FF_TRIM | FF_MULTILINE, 2000, 0, 0, NULL, NULL, "Note"},
};
const struct record_type SP_FOLLOWUP_ORDER_TYPE = {"sampling_followup_order", ORDER_FIELDS,
                                                   SFO_NFIELDS};

static const struct field_spec STEP_FIELDS[] = {
    [SFS_ON] = {"on", FT_DATE, FF_REQUIRED, 0, 0, 0, NULL, NULL,
                "Day of the step: not in the future, not before the previous step"},
    [SFS_VERDICT] = {"verdict", FT_ENUM, 0, 0, 0, 0, VERDICTS, NULL,
                     "pass or fail (re-inspections only)"},
};
const struct record_type SP_FOLLOWUP_STEP_TYPE = {"sampling_followup_step", STEP_FIELDS,
                                                  SFS_NFIELDS};

/* ---- Store: the SQL ----------------------------------------------------------------------- */

#define SELECT                                                                                     \
	"SELECT f.id, f.sample_id, s.sample_no, f.region_code, f.producer, f.order_no, "           \
	"f.ordered_on, f.rectify_by, f.recheck_by, f.rectified_on, f.recheck_on, "                 \
	"f.recheck_verdict, f.announced_on, f.second_from, f.second_by, f.second_on, "             \
	"f.second_verdict, f.stage, f.note, f.created_at, f.updated_at, f.version FROM "           \
	"sp_followup f JOIN sp_sample s ON s.id = f.sample_id"

/* Reads follow-up id (id 0: the one of sample_id) regardless of scope: DB_ROW with *out,
 * DB_DONE or an error. */
static int store_followup_read(struct db *db, int64_t id, int64_t sample_id, struct arena *a,
                               struct record *out)
{
	struct db_stmt *st = id ? db_prepare(db, SELECT " WHERE f.id = ?")
	                        : db_prepare(db, SELECT " WHERE f.sample_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id ? id : sample_id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &SP_FOLLOWUP_TYPE, st, 0, SF_VERSION + 1, a);
	db_reset(st);
	return rc;
}

static int store_followup_insert(struct db *db, const struct record *r)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO sp_followup (id, sample_id, region_code, producer, order_no, "
	        "ordered_on, rectify_by, recheck_by, stage, note, created_at, updated_at, version) "
	        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, record_int_of(r->v[SF_ID]));
	db_bind_int64(st, 2, record_int_of(r->v[SF_SAMPLE_ID]));
	db_bind_int64(st, 3, record_int_of(r->v[SF_REGION_CODE]));
	static const int TEXT[] = {SF_PRODUCER,   SF_ORDER_NO,   SF_ORDERED_ON,
	                           SF_RECTIFY_BY, SF_RECHECK_BY, SF_STAGE,
	                           SF_NOTE,       SF_CREATED_AT, SF_UPDATED_AT};
	for (int k = 0; k < 9; k++)
		db_bind_cstr(st, 4 + k, r->v[TEXT[k]]);
	db_bind_int64(st, 13, record_int_of(r->v[SF_VERSION]));
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* Writes the later steps of r if its stored version is still before_version: DB_DONE, or
 * DB_CONSTRAINT when it changed meanwhile, or an error. */
static int store_followup_update(struct db *db, const struct record *r, int64_t before_version)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE sp_followup SET rectified_on = ?, recheck_on = ?, recheck_verdict = ?, "
	        "announced_on = ?, second_from = ?, second_by = ?, second_on = ?, second_verdict = "
	        "?, stage = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?");
	if (st == NULL)
		return DB_ERROR;
	for (int i = SF_RECTIFIED_ON; i <= SF_STAGE; i++)
		db_bind_cstr(st, i - SF_RECTIFIED_ON + 1, r->v[i]);
	db_bind_cstr(st, 10, r->v[SF_UPDATED_AT]);
	db_bind_int64(st, 11, record_int_of(r->v[SF_VERSION]));
	db_bind_int64(st, 12, record_int_of(r->v[SF_ID]));
	db_bind_int64(st, 13, before_version);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_DONE && db_changes(db) != 1)
		return DB_CONSTRAINT;
	return rc;
}

/* The bound statement of a list page (limit + 1 rows); the caller finalizes it. */
static struct db_stmt *store_followup_list(struct db *db, const struct sp_followup_filter *f,
                                           const struct scope *sc, int32_t today)
{
	struct buf b = {0};
	buf_puts(&b, SELECT " WHERE 1");
	scope_sql(&b, sc, "f.region_code", "f.producer");
	if (f->stage)
		buf_puts(&b, " AND f.stage = ?");
	if (f->overdue)
		buf_puts(&b, " AND ((f.stage = 'ordered' AND f.rectify_by < ?) OR (f.stage IN "
		             "('ordered', 'rectified') AND f.recheck_verdict IS NULL AND "
		             "f.recheck_by < ?) OR (f.stage = 'announced' AND f.second_on IS NULL "
		             "AND f.second_by < ?))");
	if (f->after_id)
		buf_puts(&b, " AND f.id > ?");
	buf_puts(&b, " ORDER BY f.id LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return NULL;
	int i = 1;
	scope_bind(st, &i, sc);
	if (f->stage)
		db_bind_cstr(st, i++, f->stage);
	if (f->overdue) {
		char d[11];
		date_format(today, d);
		for (int k = 0; k < 3; k++)
			db_bind_cstr(st, i++, d);
	}
	if (f->after_id)
		db_bind_int64(st, i++, f->after_id);
	db_bind_int64(st, i, f->limit + 1);
	return st;
}

/* ---- Rules -------------------------------------------------------------------------------- */

void sp_followup_order_state(int32_t ordered_on, struct sp_followup_state *f)
{
	f->stage = "ordered";
	f->ordered_on = ordered_on;
	f->rectify_by = ordered_on + SP_RECTIFY_DAYS;
	f->recheck_by = ordered_on + SP_RECHECK_DAYS;
	f->rectified_on = f->recheck_on = f->announced_on = DATE_NONE;
	f->second_from = f->second_by = f->second_on = DATE_NONE;
	f->recheck_verdict = f->second_verdict = NULL;
}

static int stage_is(const struct sp_followup_state *f, const char *s)
{
	return f->stage && strcmp(f->stage, s) == 0;
}

static int32_t later(int32_t a, int32_t b)
{
	return a == DATE_NONE ? b : b == DATE_NONE ? a : a > b ? a : b;
}

static int wrong_stage(const struct sp_followup_state *f, const char *what, struct field_error *err)
{
	return field_fail(err, "stage", "wrong_stage", "%s is not possible at stage %s%s", what,
	                  f->stage ? f->stage : "?",
	                  f->recheck_verdict && stage_is(f, "rectified") ? " after a re-inspection"
	                                                                 : ""),
	       SVC_CONFLICT;
}

int sp_followup_apply(struct sp_followup_state *f, enum sp_followup_step step, int32_t on,
                      const char *verdict, int32_t today, struct field_error *err)
{
	int needs_verdict = step == SP_STEP_RECHECK || step == SP_STEP_SECOND;
	/* The previous step's day: no step is dated before it. */
	int32_t prev =
	    later(later(f->ordered_on, f->rectified_on), later(f->recheck_on, f->announced_on));
	switch (step) {
	case SP_STEP_RECTIFIED:
		if (!stage_is(f, "ordered"))
			return wrong_stage(f, "reporting the rectification", err);
		break;
	case SP_STEP_RECHECK:
		if (!(stage_is(f, "ordered") || stage_is(f, "rectified")) || f->recheck_verdict)
			return wrong_stage(f, "a re-inspection", err);
		break;
	case SP_STEP_ANNOUNCE:
		if (!stage_is(f, "rectified") || f->recheck_verdict == NULL ||
		    strcmp(f->recheck_verdict, "fail") != 0)
			return field_fail(err, "stage", "wrong_stage",
			                  "only a failed re-inspection is announced"),
			       SVC_CONFLICT;
		break;
	case SP_STEP_SECOND:
		if (!stage_is(f, "announced") || f->second_on != DATE_NONE)
			return wrong_stage(f, "the second re-inspection", err);
		break;
	}
	if (needs_verdict && verdict == NULL)
		return field_fail(err, "verdict", "required", "verdict (pass or fail) is required"),
		       SVC_INVALID;
	if (!needs_verdict && verdict)
		return field_fail(err, "verdict", "not_allowed", "this step takes no verdict"),
		       SVC_INVALID;
	if (needs_verdict && strcmp(verdict, "pass") != 0 && strcmp(verdict, "fail") != 0)
		return field_fail(err, "verdict", "invalid", "verdict must be pass or fail"),
		       SVC_INVALID;
	if (on > today)
		return field_fail(err, "on", "in_future", "on cannot be in the future"),
		       SVC_INVALID;
	if (on < prev) {
		char d[11];
		date_format(prev, d);
		return field_fail(err, "on", "before_previous",
		                  "on cannot be before the previous step (%s)", d),
		       SVC_INVALID;
	}
	int pass = verdict && strcmp(verdict, "pass") == 0;
	switch (step) {
	case SP_STEP_RECTIFIED:
		f->rectified_on = on;
		f->stage = "rectified";
		break;
	case SP_STEP_RECHECK:
		f->recheck_on = on;
		f->recheck_verdict = pass ? "pass" : "fail";
		/* A failed re-inspection waits for the announcement at stage rectified. */
		f->stage = pass ? "closed" : "rectified";
		break;
	case SP_STEP_ANNOUNCE:
		f->announced_on = on;
		f->second_from = on + SP_SECOND_FROM_DAYS;
		f->second_by = on + SP_SECOND_BY_DAYS;
		f->stage = "announced";
		break;
	case SP_STEP_SECOND:
		if (on < f->second_from || on > f->second_by) {
			char a[11], b[11];
			date_format(f->second_from, a);
			date_format(f->second_by, b);
			return field_fail(err, "on", "outside_window",
			                  "the second re-inspection is done from %s to %s", a, b),
			       SVC_INVALID;
		}
		f->second_on = on;
		f->second_verdict = pass ? "pass" : "fail";
		f->stage = pass ? "closed" : "suspended";
		break;
	}
	return SVC_OK;
}

int sp_followup_next(const struct sp_followup_state *f, int32_t today, const char **step,
                     int32_t *deadline, int *days_overdue)
{
	*step = NULL;
	*deadline = DATE_NONE;
	*days_overdue = 0;
	if (stage_is(f, "ordered")) {
		*step = "rectify";
		*deadline = f->rectify_by;
	} else if (stage_is(f, "rectified") && f->recheck_verdict == NULL) {
		*step = "recheck";
		*deadline = f->recheck_by;
	} else if (stage_is(f, "rectified")) {
		*step = "announce"; /* the provincial authority's turn: no deadline in Order 18 */
	} else if (stage_is(f, "announced") && f->second_on == DATE_NONE) {
		*step = "second";
		*deadline = f->second_by;
	}
	if (*deadline != DATE_NONE && *deadline < today) {
		*days_overdue = today - *deadline;
		return 1;
	}
	return 0;
}

/* ---- Records and states ------------------------------------------------------------------- */

static const char *static_of(const char *const *choices, const char *v)
{
	for (int i = 0; v && choices[i]; i++)
		if (strcmp(choices[i], v) == 0)
			return choices[i];
	return NULL;
}

static void state_of(const struct record *r, struct sp_followup_state *f)
{
	f->stage = static_of(STAGES, r->v[SF_STAGE]);
	f->ordered_on = record_day_of(r->v[SF_ORDERED_ON]);
	f->rectify_by = record_day_of(r->v[SF_RECTIFY_BY]);
	f->recheck_by = record_day_of(r->v[SF_RECHECK_BY]);
	f->rectified_on = record_day_of(r->v[SF_RECTIFIED_ON]);
	f->recheck_on = record_day_of(r->v[SF_RECHECK_ON]);
	f->recheck_verdict = static_of(VERDICTS, r->v[SF_RECHECK_VERDICT]);
	f->announced_on = record_day_of(r->v[SF_ANNOUNCED_ON]);
	f->second_from = record_day_of(r->v[SF_SECOND_FROM]);
	f->second_by = record_day_of(r->v[SF_SECOND_BY]);
	f->second_on = record_day_of(r->v[SF_SECOND_ON]);
	f->second_verdict = static_of(VERDICTS, r->v[SF_SECOND_VERDICT]);
}

static void state_to(const struct sp_followup_state *f, struct arena *a, struct record *r)
{
	record_set_str(r, a, SF_STAGE, f->stage);
	record_set_day(r, a, SF_ORDERED_ON, f->ordered_on);
	record_set_day(r, a, SF_RECTIFY_BY, f->rectify_by);
	record_set_day(r, a, SF_RECHECK_BY, f->recheck_by);
	record_set_day(r, a, SF_RECTIFIED_ON, f->rectified_on);
	record_set_day(r, a, SF_RECHECK_ON, f->recheck_on);
	record_set_str(r, a, SF_RECHECK_VERDICT, f->recheck_verdict);
	record_set_day(r, a, SF_ANNOUNCED_ON, f->announced_on);
	record_set_day(r, a, SF_SECOND_FROM, f->second_from);
	record_set_day(r, a, SF_SECOND_BY, f->second_by);
	record_set_day(r, a, SF_SECOND_ON, f->second_on);
	record_set_str(r, a, SF_SECOND_VERDICT, f->second_verdict);
}

/* Sets the computed fields of r for today. */
static void finish_view(struct record *r, int32_t today, struct arena *a)
{
	struct sp_followup_state f;
	state_of(r, &f);
	const char *step;
	int32_t deadline;
	int overdue;
	sp_followup_next(&f, today, &step, &deadline, &overdue);
	record_set_str(r, a, SF_NEXT_STEP, step);
	record_set_day(r, a, SF_NEXT_DEADLINE, deadline);
	record_set_int(r, a, SF_DAYS_OVERDUE, overdue);
}

/* The record without its computed fields, as JSON the caller frees (for the audit log). */
static char *stored_json(const struct record *r)
{
	struct record c = *r;
	c.v[SF_NEXT_STEP] = c.v[SF_NEXT_DEADLINE] = c.v[SF_DAYS_OVERDUE] = NULL;
	return record_to_json(&c);
}

/* ---- Service ------------------------------------------------------------------------------ */

int sp_followup_create(struct db *db, const struct actor *who, int64_t sample_id,
                       const struct record *in, struct arena *a, struct record *out,
                       struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	int32_t today = today_china();
	int32_t ordered_on = in->v[SFO_ORDERED_ON] ? record_day_of(in->v[SFO_ORDERED_ON]) : today;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_sample_row s;
	int rc = sp_sample_read(db, who, sample_id, a, &s);
	if (rc != SVC_OK)
		goto out;
	if (!sp_officer_for(who, s.region)) {
		field_fail(err, NULL, "not_officer",
		           "only an officer of the authority over sample %s orders its "
		           "rectification",
		           s.sample_no);
		rc = SVC_FORBIDDEN;
		goto out;
	}
	if (!text_is(s.status, "approved") || !text_is(s.final_verdict, "fail")) {
		field_fail(err, NULL, "not_failed",
		           "sample %s has no approved failing result to follow up", s.sample_no);
		rc = SVC_CONFLICT;
		goto out;
	}
	const char *ostatus;
	if ((rc = sp_objection_status(db, sample_id, &ostatus)) != SVC_OK)
		goto out;
	if (ostatus && (strcmp(ostatus, "filed") == 0 || strcmp(ostatus, "retesting") == 0)) {
		field_fail(err, NULL, "objection_open",
		           "the objection to sample %s is still %s; follow-up waits for it",
		           s.sample_no, ostatus);
		rc = SVC_CONFLICT;
		goto out;
	}
	struct record r;
	int src = store_followup_read(db, 0, sample_id, a, &r);
	if (src < 0) {
		rc = SVC_ERROR;
		goto out;
	}
	if (src == DB_ROW) {
		field_fail(err, NULL, "exists", "sample %s is already followed up (order %s)",
		           s.sample_no, r.v[SF_ORDER_NO]);
		rc = SVC_CONFLICT;
		goto out;
	}
	if (ordered_on > today) {
		field_fail(err, "ordered_on", "in_future", "ordered_on cannot be in the future");
		rc = SVC_INVALID;
		goto out;
	}
	if (s.notified_on != DATE_NONE && ordered_on < s.notified_on) {
		char d[11];
		date_format(s.notified_on, d);
		field_fail(err, "ordered_on", "before_notified",
		           "ordered_on cannot be before the producer was notified (%s)", d);
		rc = SVC_INVALID;
		goto out;
	}
	int64_t id;
	if (db_id_next(db, &id) != 0) {
		rc = SVC_ERROR;
		goto out;
	}
	record_init(&r, &SP_FOLLOWUP_TYPE);
	struct sp_followup_state f;
	sp_followup_order_state(ordered_on, &f);
	char now[32];
	now_iso(now);
	record_set_int(&r, a, SF_ID, id);
	record_set_int(&r, a, SF_SAMPLE_ID, sample_id);
	record_set_str(&r, a, SF_SAMPLE_NO, s.sample_no);
	record_set_int(&r, a, SF_REGION_CODE, s.region);
	record_set_str(&r, a, SF_PRODUCER, s.producer);
	record_set_str(&r, a, SF_ORDER_NO, in->v[SFO_ORDER_NO]);
	state_to(&f, a, &r);
	record_set_str(&r, a, SF_NOTE, in->v[SFO_NOTE]);
	record_set_str(&r, a, SF_CREATED_AT, now);
	record_set_str(&r, a, SF_UPDATED_AT, now);
	record_set_str(&r, a, SF_VERSION, "1");
	finish_view(&r, today, a);
	char *aj = stored_json(&r);
	int ok = store_followup_insert(db, &r) == DB_DONE &&
	         audit_append(db, who, "sampling.followup.order", "sampling_followup", r.v[SF_ID],
	                      NULL, aj, "ok") == 0 &&
	         db_commit(db) == 0;
	free(aj);
	if (!ok) {
		rc = SVC_ERROR;
		goto out;
	}
	*out = r;
	return SVC_OK;
out:
	db_rollback(db);
	return rc;
}

int sp_followup_step(struct db *db, const struct actor *who, int64_t id, enum sp_followup_step step,
                     const struct record *in, int64_t if_version, struct arena *a,
                     struct record *out, struct field_error *err)
{
	static const char *const ACTIONS[] = {
	    [SP_STEP_RECTIFIED] = "sampling.followup.rectified",
	    [SP_STEP_RECHECK] = "sampling.followup.recheck",
	    [SP_STEP_ANNOUNCE] = "sampling.followup.announce",
	    [SP_STEP_SECOND] = "sampling.followup.second",
	};
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	int32_t today = today_china();
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct record before, r;
	int rc = store_followup_read(db, id, 0, a, &before);
	int region = rc == DB_ROW ? (int)record_int_of(before.v[SF_REGION_CODE]) : 0;
	if (rc != DB_ROW || !scope_visible(who, region, before.v[SF_PRODUCER])) {
		rc = rc == DB_ROW || rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
		goto out;
	}
	if (!sp_officer_for(who, region)) {
		field_fail(err, NULL, "not_officer",
		           "only an officer of the authority records the follow-up");
		rc = SVC_FORBIDDEN;
		goto out;
	}
	int64_t version = record_int_of(before.v[SF_VERSION]);
	if (if_version && if_version != version) {
		rc = SVC_STALE;
		goto out;
	}
	struct sp_followup_state f;
	state_of(&before, &f);
	rc = sp_followup_apply(&f, step, record_day_of(in->v[SFS_ON]), in->v[SFS_VERDICT], today,
	                       err);
	if (rc != SVC_OK)
		goto out;
	r = before;
	state_to(&f, a, &r);
	char now[32];
	now_iso(now);
	record_set_str(&r, a, SF_UPDATED_AT, now);
	record_set_int(&r, a, SF_VERSION, version + 1);
	finish_view(&r, today, a);
	int wrc = store_followup_update(db, &r, version);
	if (wrc == DB_CONSTRAINT) {
		rc = SVC_STALE;
		goto out;
	}
	char *bj = stored_json(&before), *aj = stored_json(&r);
	int ok = wrc == DB_DONE &&
	         audit_append(db, who, ACTIONS[step], "sampling_followup", r.v[SF_ID], bj, aj,
	                      "ok") == 0 &&
	         db_commit(db) == 0;
	free(bj);
	free(aj);
	if (!ok) {
		rc = SVC_ERROR;
		goto out;
	}
	*out = r;
	return SVC_OK;
out:
	db_rollback(db);
	return rc;
}

int sp_followup_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out)
{
	int rc = store_followup_read(db, id, 0, a, out);
	if (rc == DB_DONE ||
	    (rc == DB_ROW &&
	     !scope_visible(who, (int)record_int_of(out->v[SF_REGION_CODE]), out->v[SF_PRODUCER])))
		return SVC_NOT_FOUND;
	if (rc != DB_ROW)
		return SVC_ERROR;
	finish_view(out, today_china(), a);
	return SVC_OK;
}

int sp_followup_filter_parse(struct sp_followup_filter *f, struct arena *a, const char *overdue,
                             const char *region, const char *stage, const char *limit,
                             const char *cursor, struct field_error *err)
{
	memset(f, 0, sizeof *f);
	int64_t v;
	if (overdue) {
		if (strcmp(overdue, "1") == 0 || strcmp(overdue, "true") == 0)
			f->overdue = 1;
		else if (strcmp(overdue, "0") != 0 && strcmp(overdue, "false") != 0)
			return field_fail(err, "overdue", "invalid", "overdue must be 1 or 0"),
			       SVC_INVALID;
	}
	if (region) {
		if (field_int_parse_cstr(region, 100000, 999999, &v) != 0)
			return field_fail(err, "region", "unknown_region",
			                  "region must be a six-digit region code"),
			       SVC_INVALID;
		f->region = (int)v;
	}
	if (stage) {
		f->stage = static_of(STAGES, stage);
		if (f->stage == NULL)
			return field_fail(
			           err, "stage", "invalid",
			           "stage must be ordered, rectified, announced, suspended or "
			           "closed"),
			       SVC_INVALID;
	}
	if (sp_limit_parse(limit, &f->limit, err) != SVC_OK)
		return SVC_INVALID;
	if (cursor) {
		if (field_int_parse_cstr(cursor, 1, INT64_MAX, &v) != 0)
			return field_fail(err, "cursor", "invalid",
			                  "cursor is not one this list returned"),
			       SVC_INVALID;
		f->after_id = v;
	}
	(void)a;
	return SVC_OK;
}

int sp_followup_list(struct db *db, const struct actor *who, const struct sp_followup_filter *f,
                     int32_t today, struct arena *a, sp_followup_fn fn, void *ctx,
                     const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return SVC_OK;
	struct db_stmt *st = store_followup_list(db, f, &sc, today);
	if (st == NULL)
		return SVC_ERROR;
	struct record r;
	int n = 0, rc = DB_DONE, stop = 0;
	const char *last = NULL;
	while (!stop && (rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*next_cursor = last;
			break;
		}
		record_from_row(&r, &SP_FOLLOWUP_TYPE, st, 0, SF_VERSION + 1, a);
		finish_view(&r, today, a);
		n++;
		last = r.v[SF_ID];
		stop = fn(ctx, &r);
	}
	db_finalize(st);
	return rc < 0 ? SVC_ERROR : SVC_OK;
}

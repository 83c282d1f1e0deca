/*
 * Objections, re-tests and follow-up: the 15-day window (day 15 inside, day 16 out, not
 * before the notification, not in the future), the outcome and cost rule of Order 18, the
 * follow-up deadlines and stage machine day by day, the overdue listing with its scope and
 * paging, and the services on a real database: filing, deciding with every kind of bad lab,
 * concluding a re-test (final verdict, tallies equal to a rebuild, audit) and the follow-up
 * order's refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/followup.h"
#include "modules/sampling/objections.h"
#include "modules/sampling/tally.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "tempdb.h"

#define PRODUCER "91540102MA6T000001"
#define OTHER    "91540102MA6T000002"

/* ---- Pure rules --------------------------------------------------------------------------- */

static void test_window(void **state)
{
	(void)state;
	struct field_error err = {0};
	int32_t today = date_from_ymd(2026, 3, 20);
	int32_t notified = date_from_ymd(2026, 3, 1);
	assert_int_equal(sp_objection_window_check(notified, notified, today, &err), 0);
	assert_int_equal(sp_objection_window_check(notified, notified + 15, today, &err), 0);
	assert_int_equal(sp_objection_window_check(notified, notified + 16, today, &err), -1);
	assert_string_equal(err.code, "window_closed");
	assert_string_equal(err.field, "filed_on");
	assert_non_null(strstr(err.message, "2026-03-16")); /* the last day */
	assert_int_equal(sp_objection_window_check(notified, notified - 1, today, &err), -1);
	assert_string_equal(err.code, "before_notified");
	assert_int_equal(sp_objection_window_check(notified, today + 1, today, &err), -1);
	assert_string_equal(err.code, "in_future");
	/* Across a month end and a leap day: 2028-02-20 + 15 = 2028-03-06. */
	notified = date_from_ymd(2028, 2, 20);
	today = date_from_ymd(2028, 4, 1);
	assert_int_equal(
	    sp_objection_window_check(notified, date_from_ymd(2028, 3, 6), today, &err), 0);
	assert_int_equal(
	    sp_objection_window_check(notified, date_from_ymd(2028, 3, 7), today, &err), -1);
	assert_non_null(strstr(err.message, "2028-03-06"));
}

static void test_outcome(void **state)
{
	(void)state;
	const char *o, *c;
	sp_retest_outcome("fail", "fail", &o, &c);
	assert_string_equal(o, "confirmed");
	assert_string_equal(c, "applicant");
	sp_retest_outcome("fail", "pass", &o, &c);
	assert_string_equal(o, "overturned");
	assert_string_equal(c, "authority");
	sp_retest_outcome("pass", "fail", &o, &c);
	assert_string_equal(o, "overturned");
	assert_string_equal(c, "authority");
	sp_retest_outcome("pass", "pass", &o, &c);
	assert_string_equal(o, "confirmed");
	assert_string_equal(c, "applicant");
}

static void test_deadlines_and_stages(void **state)
{
	(void)state;
	struct field_error err = {0};
	struct sp_followup_state f;
	int32_t d = date_from_ymd(2026, 1, 10), today = date_from_ymd(2026, 12, 31);
	sp_followup_order_state(d, &f);
	assert_string_equal(f.stage, "ordered");
	assert_int_equal(f.rectify_by, date_from_ymd(2026, 3, 11)); /* + 60 */
	assert_int_equal(f.recheck_by, date_from_ymd(2026, 3, 26)); /* + 75 */

	const char *step;
	int32_t due;
	int over;
	assert_int_equal(sp_followup_next(&f, f.rectify_by, &step, &due, &over), 0);
	assert_string_equal(step, "rectify");
	assert_int_equal(due, f.rectify_by);
	assert_int_equal(sp_followup_next(&f, f.rectify_by + 3, &step, &due, &over), 1);
	assert_int_equal(over, 3);

	/* Steps out of turn and bad days change nothing. */
	struct sp_followup_state keep = f;
	assert_int_equal(sp_followup_apply(&f, SP_STEP_ANNOUNCE, d + 1, NULL, today, &err),
	                 SVC_CONFLICT);
	assert_int_equal(sp_followup_apply(&f, SP_STEP_SECOND, d + 1, "pass", today, &err),
	                 SVC_CONFLICT);
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECTIFIED, d - 1, NULL, today, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "before_previous");
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECTIFIED, today + 1, NULL, today, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "in_future");
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECTIFIED, d + 5, "pass", today, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "verdict");
	assert_memory_equal(&keep, &f, sizeof f);

	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECTIFIED, d + 50, NULL, today, &err),
	                 SVC_OK);
	assert_string_equal(f.stage, "rectified");
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECTIFIED, d + 51, NULL, today, &err),
	                 SVC_CONFLICT);
	sp_followup_next(&f, today, &step, &due, &over);
	assert_string_equal(step, "recheck");
	assert_int_equal(due, f.recheck_by);
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECHECK, d + 49, "fail", today, &err),
	                 SVC_INVALID); /* before the rectification */
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECHECK, d + 70, NULL, today, &err),
	                 SVC_INVALID);
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECHECK, d + 70, "maybe", today, &err),
	                 SVC_INVALID);
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECHECK, d + 70, "fail", today, &err),
	                 SVC_OK);
	assert_string_equal(f.stage, "rectified");
	assert_string_equal(f.recheck_verdict, "fail");
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECHECK, d + 71, "pass", today, &err),
	                 SVC_CONFLICT); /* one re-check */
	assert_int_equal(sp_followup_next(&f, today, &step, &due, &over), 0);
	assert_string_equal(step, "announce");
	assert_int_equal(due, DATE_NONE);

	int32_t an = d + 80;
	assert_int_equal(sp_followup_apply(&f, SP_STEP_ANNOUNCE, an, NULL, today, &err), SVC_OK);
	assert_string_equal(f.stage, "announced");
	assert_int_equal(f.second_from, an + 60);
	assert_int_equal(f.second_by, an + 90);
	keep = f;
	assert_int_equal(sp_followup_apply(&f, SP_STEP_SECOND, an + 59, "pass", today, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "outside_window");
	assert_int_equal(sp_followup_apply(&f, SP_STEP_SECOND, an + 91, "pass", today, &err),
	                 SVC_INVALID);
	assert_memory_equal(&keep, &f, sizeof f);
	assert_int_equal(sp_followup_next(&f, an + 92, &step, &due, &over), 1);
	assert_string_equal(step, "second");
	assert_int_equal(over, 2);

	struct sp_followup_state g = f;
	assert_int_equal(sp_followup_apply(&f, SP_STEP_SECOND, an + 90, "fail", today, &err),
	                 SVC_OK);
	assert_string_equal(f.stage, "suspended");
	assert_int_equal(sp_followup_apply(&g, SP_STEP_SECOND, an + 60, "pass", today, &err),
	                 SVC_OK);
	assert_string_equal(g.stage, "closed");
	assert_int_equal(sp_followup_next(&g, today, &step, &due, &over), 0);
	assert_null(step);

	/* A re-check that passes straight from the order closes it. */
	sp_followup_order_state(d, &f);
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECHECK, d + 10, "pass", today, &err),
	                 SVC_OK);
	assert_string_equal(f.stage, "closed");
	/* One that fails from the order waits for the announcement. */
	sp_followup_order_state(d, &f);
	assert_int_equal(sp_followup_apply(&f, SP_STEP_RECHECK, d + 10, "fail", today, &err),
	                 SVC_OK);
	assert_string_equal(f.stage, "rectified");
	assert_int_equal(sp_followup_apply(&f, SP_STEP_ANNOUNCE, d + 9, NULL, today, &err),
	                 SVC_INVALID);
}

/* ---- On a database ------------------------------------------------------------------------ */

struct fx {
	struct tempdb tmp;
	struct db *db;
	int32_t today;
};

static void exec(struct db *db, const char *sql)
{
	if (db_exec(db, sql) != 0)
		fail_msg("%s: %s", sql, db_errmsg(db));
}

static int group_setup(void **state)
{
	(void)state;
	return tempdb_load_regions();
}

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	if (tempdb_make(&x->tmp, "sp_objections") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	x->today = today_china();
	exec(x->db, "INSERT INTO sp_test_item (code, name_zh, name_en, unit, kind) VALUES "
	            "('TO_A','甲','A','mg/kg','numeric'),('TO_B','乙','B',NULL,'qualitative')");
	exec(x->db, "INSERT INTO sp_product (id, code, name_zh, name_en, category, industry, risk, "
	            "standards) VALUES (9101,'TO_RICE','米','Rice','food','C','high','GB 1')");
	exec(x->db, "INSERT INTO sp_product_item (product_id, item_code, rule, lo, hi, expected, "
	            "standard) VALUES (9101,'TO_A','max',NULL,'1',NULL,'GB 1'),"
	            "(9101,'TO_B','equals',NULL,NULL,'pass','GB 1')");
	/* Lab 1 tested; 2 covers everything; 3 only TO_A; 4 everything but expired. */
	exec(x->db, "INSERT INTO sp_lab (id, code, name, region_code, org_unit, accredited_until, "
	            "created_at, updated_at) VALUES (1,'L1','Lab one',540000,'U1','2199-12-31','x',"
	            "'x'),(2,'L2','Lab two',540000,'U2','2199-12-31','x','x'),(3,'L3','Lab three',"
	            "540000,'U3','2199-12-31','x','x'),(4,'L4','Lab four',540000,'U4','2000-01-01',"
	            "'x','x')");
	exec(x->db, "INSERT INTO sp_lab_scope (lab_id, item_code) VALUES (1,'TO_A'),(1,'TO_B'),"
	            "(2,'TO_A'),(2,'TO_B'),(3,'TO_A'),(4,'TO_A'),(4,'TO_B')");
	exec(x->db,
	     "INSERT INTO sp_plan (id, year, title, region_code, status, created_by, "
	     "created_at, updated_at) VALUES (1, 2025, 'p', 540000, 'approved', 't', 'x', 'x')");
	exec(x->db, "INSERT INTO sp_task (id, plan_id, product_id, region_code, planned) VALUES "
	            "(1, 1, 9101, 540100, 10)");
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	db_close(x->db);
	tempdb_remove(&x->tmp);
	free(x);
	return 0;
}

/* An approved sample id of region, verdict v (round 0 from its items), notified notified_days
 * ago (-1: not notified), with reserve; counted in the tallies. */
static void sample(struct fx *x, int64_t id, int region, const char *v, int notified_days,
                   int reserve)
{
	char notified[11] = "";
	if (notified_days >= 0)
		date_format(x->today - notified_days, notified);
	char no[32];
	snprintf(no, sizeof no, "T-%06lld", (long long)id);
	struct db_stmt *st = db_prepare(
	    x->db,
	    "INSERT INTO sp_sample (id, sample_no, task_id, product_id, producer, region_code, "
	    "industry, quantity_sampled, quantity_reserve, quantity_unit, samplers, place, "
	    "sampled_on, year, quarter, lab_id, status, verdict, final_verdict, notified_on, "
	    "created_by, created_at, updated_at) VALUES (?, ?, 1, 9101, ?, ?, 'C', 2, ?, 'kg', "
	    "'s', 'p', '2025-05-02', 2025, 2, 1, 'approved', ?, ?, NULLIF(?, ''), 't', 'x', 'x')");
	db_bind_int64(st, 1, id);
	db_bind_cstr(st, 2, no);
	db_bind_cstr(st, 3, PRODUCER);
	db_bind_int64(st, 4, region);
	db_bind_int64(st, 5, reserve);
	db_bind_cstr(st, 6, v);
	db_bind_cstr(st, 7, v);
	db_bind_cstr(st, 8, notified);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	st = db_prepare(x->db, "INSERT INTO sp_result (sample_id, round, item_code, value, "
	                       "judgement, analyst, entered_at) VALUES (?, 0, 'TO_A', '2', ?, 'a', "
	                       "'x'), (?, 0, 'TO_B', 'pass', 'pass', 'a', 'x')");
	db_bind_int64(st, 1, id);
	db_bind_cstr(st, 2, v);
	db_bind_int64(st, 3, id);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(sp_tally_move(x->db, id, NULL, 0, v, 0), SVC_OK);
	assert_int_equal(db_commit(x->db), 0);
}

static const struct actor OFFICER = {.name = "officer", .all_regions = 1};

static struct record file_body(struct arena *a, const char *reason, const char *filed_on)
{
	struct record in;
	record_init(&in, &SP_OBJECTION_FILE_TYPE);
	struct field_error err;
	if (reason)
		assert_int_equal(record_set_text(&in, a, SOF_REASON, reason, strlen(reason), &err),
		                 0);
	if (filed_on)
		assert_int_equal(
		    record_set_text(&in, a, SOF_FILED_ON, filed_on, strlen(filed_on), &err), 0);
	return in;
}

static struct record decision(struct arena *a, const char *accept, const char *lab)
{
	struct record in;
	record_init(&in, &SP_OBJECTION_DECISION_TYPE);
	struct field_error err;
	assert_int_equal(record_set_text(&in, a, SOD_ACCEPT, accept, strlen(accept), &err), 0);
	if (lab)
		assert_int_equal(record_set_text(&in, a, SOD_RETEST_LAB_ID, lab, strlen(lab), &err),
		                 0);
	return in;
}

static int64_t count(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	int64_t n = db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
	db_finalize(st);
	return n;
}

/* The tallies as text, to compare with what a rebuild gives. */
static char *tallies(struct db *db)
{
	struct db_stmt *st = db_prepare_once(
	    db, "SELECT (SELECT group_concat(t, ';') FROM (SELECT year||','||quarter||','||"
	        "region_code||','||product_id||','||industry||','||samples||','||passed AS t FROM "
	        "sp_tally ORDER BY 1)) || '|' || (SELECT group_concat(t, ';') FROM (SELECT "
	        "year||','||quarter||','||region_code||','||product_id||','||item_code||','||tested"
	        "||','||failed AS t FROM sp_item_tally ORDER BY 1))");
	assert_int_equal(db_step(st), DB_ROW);
	char *s = strdup(db_col_text(st, 0, NULL));
	db_finalize(st);
	return s;
}

static void test_file_decide_conclude(void **state)
{
	struct fx *x = *state;
	struct arena a = {0};
	struct field_error err = {0};
	struct record out;
	char day[11];
	sample(x, 101, 540102, "fail", 15, 2); /* notified 15 days ago: the last day */
	sample(x, 102, 540102, "fail", 16, 2); /* 16 days ago: too late */
	sample(x, 103, 540102, "fail", 3, 0);  /* no reserve */
	sample(x, 104, 540102, "fail", -1, 2); /* not notified */

	struct record in = file_body(&a, "  ", NULL);
	assert_int_equal(sp_objection_file(x->db, &OFFICER, 101, &in, &a, &out, &err), SVC_INVALID);
	assert_string_equal(err.field, "reason");
	in = file_body(&a, "the lab mixed up two samples", NULL);
	assert_int_equal(sp_objection_file(x->db, &OFFICER, 102, &in, &a, &out, &err), SVC_INVALID);
	assert_string_equal(err.code, "window_closed");
	date_format(x->today - 1, day);
	assert_non_null(strstr(err.message, day));
	assert_int_equal(sp_objection_file(x->db, &OFFICER, 103, &in, &a, &out, &err), SVC_INVALID);
	assert_string_equal(err.code, "no_reserve");
	assert_int_equal(sp_objection_file(x->db, &OFFICER, 104, &in, &a, &out, &err),
	                 SVC_CONFLICT);
	assert_int_equal(sp_objection_file(x->db, &OFFICER, 999, &in, &a, &out, &err),
	                 SVC_NOT_FOUND);
	/* Another enterprise does not see it; a lab analyst who sees it is no officer. */
	struct actor other = {.name = "other", .all_regions = 1, .entity_code = OTHER};
	assert_int_equal(sp_objection_file(x->db, &other, 101, &in, &a, &out, &err), SVC_NOT_FOUND);
	struct actor analyst = {
	    .name = "analyst", .org_unit = "U1", .nranges = 1, .lo = {540000}, .hi = {540000}};
	assert_int_equal(sp_objection_file(x->db, &analyst, 101, &in, &a, &out, &err),
	                 SVC_FORBIDDEN);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_objection"), 0);

	/* The producer files on the last day. */
	struct actor firm = {.name = "firm", .all_regions = 1, .entity_code = PRODUCER};
	assert_int_equal(sp_objection_file(x->db, &firm, 101, &in, &a, &out, &err), SVC_OK);
	assert_string_equal(out.v[SO_STATUS], "filed");
	date_format(x->today, day);
	assert_string_equal(out.v[SO_FILED_ON], day);
	assert_int_equal(sp_objection_file(x->db, &firm, 101, &in, &a, &out, &err), SVC_CONFLICT);
	assert_string_equal(err.code, "exists");
	const char *status;
	assert_int_equal(sp_objection_status(x->db, 101, &status), SVC_OK);
	assert_string_equal(status, "filed");

	/* Decisions: only an officer; bad labs name retest_lab_id and change nothing. */
	in = decision(&a, "1", "2");
	assert_int_equal(sp_objection_decide(x->db, &firm, 101, &in, 0, &a, &out, &err),
	                 SVC_FORBIDDEN);
	static const struct {
		const char *lab, *code;
	} BAD[] = {{"1", "same_lab"},
	           {"3", "not_accredited"},
	           {"4", "accreditation_expired"},
	           {"77", "unknown_lab"}};
	for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
		in = decision(&a, "1", BAD[i].lab);
		assert_int_equal(sp_objection_decide(x->db, &OFFICER, 101, &in, 0, &a, &out, &err),
		                 SVC_INVALID);
		assert_string_equal(err.field, "retest_lab_id");
		assert_string_equal(err.code, BAD[i].code);
	}
	in = decision(&a, "1", NULL);
	assert_int_equal(sp_objection_decide(x->db, &OFFICER, 101, &in, 0, &a, &out, &err),
	                 SVC_INVALID);
	in = decision(&a, "1", "2");
	assert_int_equal(sp_objection_decide(x->db, &OFFICER, 101, &in, 7, &a, &out, &err),
	                 SVC_STALE);
	assert_int_equal(count(x->db, "SELECT version FROM sp_objection"), 1);
	/* Concluding before the decision is out of turn. */
	assert_int_equal(sp_retest_conclude(x->db, &OFFICER, 101, 0, &a, &out, &err), SVC_CONFLICT);
	assert_int_equal(sp_objection_decide(x->db, &OFFICER, 101, &in, 1, &a, &out, &err), SVC_OK);
	assert_string_equal(out.v[SO_STATUS], "retesting");
	assert_string_equal(out.v[SO_RETEST_LAB_ID], "2");
	assert_int_equal(sp_objection_decide(x->db, &OFFICER, 101, &in, 0, &a, &out, &err),
	                 SVC_CONFLICT);

	/* The re-test: one item only, then both; it passes, overturning the failure. */
	exec(x->db,
	     "INSERT INTO sp_result (sample_id, round, item_code, value, judgement, analyst, "
	     "entered_at) VALUES (101, 1, 'TO_A', '0.5', 'pass', 'b', 'x')");
	assert_int_equal(sp_retest_conclude(x->db, &OFFICER, 101, 0, &a, &out, &err), SVC_INVALID);
	assert_string_equal(err.field, "results");
	assert_non_null(strstr(err.message, "TO_B"));
	exec(x->db,
	     "INSERT INTO sp_result (sample_id, round, item_code, value, judgement, analyst, "
	     "entered_at) VALUES (101, 1, 'TO_B', 'pass', 'pass', 'b', 'x')");
	assert_int_equal(sp_retest_conclude(x->db, &firm, 101, 0, &a, &out, &err), SVC_FORBIDDEN);
	int64_t audits = count(x->db, "SELECT count(*) FROM audit_log");
	assert_int_equal(sp_retest_conclude(x->db, &OFFICER, 101, 0, &a, &out, &err), SVC_OK);
	assert_string_equal(out.v[SO_STATUS], "decided");
	assert_string_equal(out.v[SO_OUTCOME], "overturned");
	assert_string_equal(out.v[SO_COST_BORNE_BY], "authority");
	assert_int_equal(
	    count(x->db, "SELECT final_verdict = 'pass' FROM sp_sample WHERE id = 101"), 1);
	assert_int_equal(count(x->db, "SELECT count(*) FROM audit_log"), audits + 2);
	/* The live tallies equal a rebuild (which counts round 1 for a concluded re-test). */
	char *live = tallies(x->db);
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(sp_tally_rebuild(x->db), SVC_OK);
	char *rebuilt = tallies(x->db);
	assert_int_equal(db_commit(x->db), 0);
	assert_string_equal(live, rebuilt);
	free(live);
	free(rebuilt);
	assert_int_equal(sp_retest_conclude(x->db, &OFFICER, 101, 0, &a, &out, &err), SVC_CONFLICT);

	/* A re-test that confirms: the applicant pays, the tallies still move to round 1. */
	sample(x, 105, 540102, "fail", 1, 2);
	in = file_body(&a, "disputed", NULL);
	assert_int_equal(sp_objection_file(x->db, &OFFICER, 105, &in, &a, &out, &err), SVC_OK);
	in = decision(&a, "1", "2");
	assert_int_equal(sp_objection_decide(x->db, &OFFICER, 105, &in, 0, &a, &out, &err), SVC_OK);
	exec(x->db,
	     "INSERT INTO sp_result (sample_id, round, item_code, value, judgement, analyst, "
	     "entered_at) VALUES (105, 1, 'TO_A', '3', 'fail', 'b', 'x'), (105, 1, 'TO_B', "
	     "'fail', 'fail', 'b', 'x')");
	assert_int_equal(sp_retest_conclude(x->db, &OFFICER, 105, 0, &a, &out, &err), SVC_OK);
	assert_string_equal(out.v[SO_OUTCOME], "confirmed");
	assert_string_equal(out.v[SO_COST_BORNE_BY], "applicant");
	live = tallies(x->db);
	assert_non_null(strstr(live, "TO_B,5,1")); /* only round 1 of 105 fails TO_B */
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(sp_tally_rebuild(x->db), SVC_OK);
	rebuilt = tallies(x->db);
	assert_int_equal(db_commit(x->db), 0);
	assert_string_equal(live, rebuilt);
	free(live);
	free(rebuilt);

	/* A rejection. */
	sample(x, 106, 540102, "fail", 0, 2);
	in = file_body(&a, "disputed", NULL);
	assert_int_equal(sp_objection_file(x->db, &OFFICER, 106, &in, &a, &out, &err), SVC_OK);
	in = decision(&a, "0", "2");
	assert_int_equal(sp_objection_decide(x->db, &OFFICER, 106, &in, 0, &a, &out, &err),
	                 SVC_INVALID);
	in = decision(&a, "0", NULL);
	assert_int_equal(sp_objection_decide(x->db, &OFFICER, 106, &in, 0, &a, &out, &err), SVC_OK);
	assert_string_equal(out.v[SO_STATUS], "rejected");
	assert_null(out.v[SO_RETEST_LAB_ID]);
	assert_int_equal(sp_objection_get(x->db, &firm, 106, &a, &out), SVC_OK);
	assert_string_equal(out.v[SO_STATUS], "rejected");
	assert_int_equal(sp_objection_get(x->db, &other, 106, &a, &out), SVC_NOT_FOUND);
	assert_int_equal(sp_objection_get(x->db, &OFFICER, 104, &a, &out), SVC_NOT_FOUND);
	arena_free(&a);
}

static struct record order(struct arena *a, const char *no, const char *on)
{
	struct record in;
	record_init(&in, &SP_FOLLOWUP_ORDER_TYPE);
	struct field_error err;
	assert_int_equal(record_set_text(&in, a, SFO_ORDER_NO, no, strlen(no), &err), 0);
	if (on)
		assert_int_equal(record_set_text(&in, a, SFO_ORDERED_ON, on, strlen(on), &err), 0);
	return in;
}

static struct record step_body(struct arena *a, int32_t on, const char *verdict)
{
	struct record in;
	record_init(&in, &SP_FOLLOWUP_STEP_TYPE);
	struct field_error err;
	char d[11];
	date_format(on, d);
	assert_int_equal(record_set_text(&in, a, SFS_ON, d, 10, &err), 0);
	if (verdict)
		assert_int_equal(
		    record_set_text(&in, a, SFS_VERDICT, verdict, strlen(verdict), &err), 0);
	return in;
}

static void test_followup_service(void **state)
{
	struct fx *x = *state;
	struct arena a = {0};
	struct field_error err = {0};
	struct record out;
	sample(x, 201, 540102, "fail", 5, 2);
	sample(x, 202, 540102, "pass", 5, 2);
	sample(x, 203, 540102, "fail", 5, 2);
	struct record in = order(&a, "藏市监抽整〔2026〕1号", NULL);
	assert_int_equal(sp_followup_create(x->db, &OFFICER, 202, &in, &a, &out, &err),
	                 SVC_CONFLICT);
	assert_string_equal(err.code, "not_failed");
	struct actor firm = {.name = "firm", .all_regions = 1, .entity_code = PRODUCER};
	assert_int_equal(sp_followup_create(x->db, &firm, 201, &in, &a, &out, &err), SVC_FORBIDDEN);
	/* An open objection holds the follow-up back. */
	struct record ob = file_body(&a, "disputed", NULL);
	assert_int_equal(sp_objection_file(x->db, &firm, 203, &ob, &a, &out, &err), SVC_OK);
	assert_int_equal(sp_followup_create(x->db, &OFFICER, 203, &in, &a, &out, &err),
	                 SVC_CONFLICT);
	assert_string_equal(err.code, "objection_open");
	char d[11];
	date_format(x->today + 1, d);
	struct record late = order(&a, "N1", d);
	assert_int_equal(sp_followup_create(x->db, &OFFICER, 201, &late, &a, &out, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "ordered_on");
	date_format(x->today - 6, d);
	late = order(&a, "N1", d);
	assert_int_equal(sp_followup_create(x->db, &OFFICER, 201, &late, &a, &out, &err),
	                 SVC_INVALID); /* before the notification */
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_followup"), 0);

	assert_int_equal(sp_followup_create(x->db, &OFFICER, 201, &in, &a, &out, &err), SVC_OK);
	assert_string_equal(out.v[SF_STAGE], "ordered");
	assert_string_equal(out.v[SF_REGION_CODE], "540102");
	assert_string_equal(out.v[SF_PRODUCER], PRODUCER);
	assert_string_equal(out.v[SF_NEXT_STEP], "rectify");
	assert_string_equal(out.v[SF_DAYS_OVERDUE], "0");
	date_format(x->today + 60, d);
	assert_string_equal(out.v[SF_RECTIFY_BY], d);
	assert_string_equal(out.v[SF_NEXT_DEADLINE], d);
	int64_t id = record_int_of(out.v[SF_ID]);
	assert_int_equal(sp_followup_create(x->db, &OFFICER, 201, &in, &a, &out, &err),
	                 SVC_CONFLICT);
	assert_string_equal(err.code, "exists");

	struct record s = step_body(&a, x->today, NULL);
	assert_int_equal(
	    sp_followup_step(x->db, &firm, id, SP_STEP_RECTIFIED, &s, 0, &a, &out, &err),
	    SVC_FORBIDDEN);
	assert_int_equal(
	    sp_followup_step(x->db, &OFFICER, id, SP_STEP_ANNOUNCE, &s, 0, &a, &out, &err),
	    SVC_CONFLICT);
	assert_int_equal(
	    sp_followup_step(x->db, &OFFICER, id, SP_STEP_RECTIFIED, &s, 9, &a, &out, &err),
	    SVC_STALE);
	assert_int_equal(
	    sp_followup_step(x->db, &OFFICER, id, SP_STEP_RECTIFIED, &s, 1, &a, &out, &err),
	    SVC_OK);
	assert_string_equal(out.v[SF_STAGE], "rectified");
	assert_string_equal(out.v[SF_NEXT_STEP], "recheck");
	s = step_body(&a, x->today, "fail");
	assert_int_equal(
	    sp_followup_step(x->db, &OFFICER, id, SP_STEP_RECHECK, &s, 0, &a, &out, &err), SVC_OK);
	assert_string_equal(out.v[SF_STAGE], "rectified");
	assert_string_equal(out.v[SF_RECHECK_VERDICT], "fail");
	assert_string_equal(out.v[SF_NEXT_STEP], "announce");
	s = step_body(&a, x->today, NULL);
	assert_int_equal(
	    sp_followup_step(x->db, &OFFICER, id, SP_STEP_ANNOUNCE, &s, 0, &a, &out, &err), SVC_OK);
	assert_string_equal(out.v[SF_STAGE], "announced");
	date_format(x->today + 90, d);
	assert_string_equal(out.v[SF_SECOND_BY], d);
	/* The second re-inspection cannot be today: its window opens in 60 days. */
	s = step_body(&a, x->today, "fail");
	assert_int_equal(
	    sp_followup_step(x->db, &OFFICER, id, SP_STEP_SECOND, &s, 0, &a, &out, &err),
	    SVC_INVALID);
	assert_string_equal(err.code, "outside_window");
	assert_int_equal(sp_followup_get(x->db, &firm, id, &a, &out), SVC_OK);
	assert_string_equal(out.v[SF_STAGE], "announced");
	struct actor other = {.name = "other", .all_regions = 1, .entity_code = OTHER};
	assert_int_equal(sp_followup_get(x->db, &other, id, &a, &out), SVC_NOT_FOUND);
	assert_int_equal(count(x->db, "SELECT count(*) FROM audit_log WHERE action LIKE "
	                              "'sampling.followup.%'"),
	                 4);
	arena_free(&a);
}

/* A follow-up row written directly, with its dates relative to today. */
static void followup_row(struct fx *x, int64_t id, int region, const char *stage, int ordered_ago,
                         const char *recheck_verdict, int announced_ago, int second_done)
{
	char ordered[11], rectify[11], recheck[11], announced[11] = "", from[11] = "", by[11] = "";
	date_format(x->today - ordered_ago, ordered);
	date_format(x->today - ordered_ago + 60, rectify);
	date_format(x->today - ordered_ago + 75, recheck);
	if (announced_ago >= 0) {
		date_format(x->today - announced_ago, announced);
		date_format(x->today - announced_ago + 60, from);
		date_format(x->today - announced_ago + 90, by);
	}
	sample(x, id, region, "fail", 100, 2);
	struct db_stmt *st = db_prepare(
	    x->db,
	    "INSERT INTO sp_followup (id, sample_id, region_code, producer, order_no, "
	    "ordered_on, rectify_by, recheck_by, recheck_verdict, announced_on, second_from, "
	    "second_by, second_on, stage, created_at, updated_at) VALUES (?, ?, ?, ?, 'N', ?, "
	    "?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), ?, ?, 'x', 'x')");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, id);
	db_bind_int64(st, 3, region);
	db_bind_cstr(st, 4, PRODUCER);
	db_bind_cstr(st, 5, ordered);
	db_bind_cstr(st, 6, rectify);
	db_bind_cstr(st, 7, recheck);
	db_bind_cstr(st, 8, recheck_verdict);
	db_bind_cstr(st, 9, announced);
	db_bind_cstr(st, 10, from);
	db_bind_cstr(st, 11, by);
	db_bind_cstr(st, 12, second_done ? ordered : NULL);
	db_bind_cstr(st, 13, stage);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
}

struct seen {
	int n;
	char ids[16][24];
	char overdue[16][12];
	char step[16][12];
};

static int collect(void *ctx, const struct record *r)
{
	struct seen *s = ctx;
	snprintf(s->ids[s->n], sizeof s->ids[0], "%s", r->v[SF_ID]);
	snprintf(s->overdue[s->n], sizeof s->overdue[0], "%s", r->v[SF_DAYS_OVERDUE]);
	snprintf(s->step[s->n], sizeof s->step[0], "%s",
	         r->v[SF_NEXT_STEP] ? r->v[SF_NEXT_STEP] : "-");
	s->n++;
	return 0;
}

static void test_overdue_list(void **state)
{
	struct fx *x = *state;
	struct arena a = {0};
	struct field_error err = {0};
	followup_row(x, 301, 540102, "ordered", 10, NULL, -1, 0);       /* in time */
	followup_row(x, 302, 540102, "ordered", 61, NULL, -1, 0);       /* rectify 1 day late */
	followup_row(x, 303, 540202, "rectified", 80, NULL, -1, 0);     /* recheck 5 days late */
	followup_row(x, 304, 540102, "rectified", 80, "fail", -1, 0);   /* awaiting announcement */
	followup_row(x, 305, 540202, "announced", 200, "fail", 95, 0);  /* second 5 days late */
	followup_row(x, 306, 540102, "suspended", 300, "fail", 100, 1); /* done */
	followup_row(x, 307, 540102, "ordered", 60, NULL, -1, 0);       /* due today: not late */
	followup_row(x, 308, 540102, "announced", 200, "fail", 90, 0);  /* due today */

	struct sp_followup_filter f;
	assert_int_equal(sp_followup_filter_parse(&f, &a, "1", NULL, NULL, NULL, NULL, &err),
	                 SVC_OK);
	struct seen s = {0};
	const char *next;
	assert_int_equal(sp_followup_list(x->db, &OFFICER, &f, x->today, &a, collect, &s, &next),
	                 SVC_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], "302");
	assert_string_equal(s.overdue[0], "1");
	assert_string_equal(s.step[0], "rectify");
	assert_string_equal(s.ids[1], "303");
	assert_string_equal(s.overdue[1], "5");
	assert_string_equal(s.step[1], "recheck");
	assert_string_equal(s.ids[2], "305");
	assert_string_equal(s.overdue[2], "5");
	assert_string_equal(s.step[2], "second");
	assert_null(next);

	/* Region scope: an officer of Shigatse (5402xx) sees only its two. */
	struct actor shigatse = {.name = "s", .nranges = 1, .lo = {540200}, .hi = {540299}};
	memset(&s, 0, sizeof s);
	assert_int_equal(sp_followup_list(x->db, &shigatse, &f, x->today, &a, collect, &s, &next),
	                 SVC_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ids[0], "303");
	assert_string_equal(s.ids[1], "305");
	/* A region filter narrows it; a stage filter too. */
	assert_int_equal(sp_followup_filter_parse(&f, &a, "1", "540100", NULL, NULL, NULL, &err),
	                 SVC_OK);
	memset(&s, 0, sizeof s);
	sp_followup_list(x->db, &OFFICER, &f, x->today, &a, collect, &s, &next);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ids[0], "302");
	assert_int_equal(
	    sp_followup_filter_parse(&f, &a, NULL, NULL, "announced", NULL, NULL, &err), SVC_OK);
	memset(&s, 0, sizeof s);
	sp_followup_list(x->db, &OFFICER, &f, x->today, &a, collect, &s, &next);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.overdue[1], "0"); /* 308: due today */

	/* Paging: two at a time through all eight. */
	assert_int_equal(sp_followup_filter_parse(&f, &a, NULL, NULL, NULL, "3", NULL, &err),
	                 SVC_OK);
	int total = 0;
	for (int page = 0; page < 5; page++) {
		memset(&s, 0, sizeof s);
		sp_followup_list(x->db, &OFFICER, &f, x->today, &a, collect, &s, &next);
		total += s.n;
		if (next == NULL)
			break;
		assert_int_equal(
		    sp_followup_filter_parse(&f, &a, NULL, NULL, NULL, "3", next, &err), SVC_OK);
	}
	assert_int_equal(total, 8);

	assert_int_equal(sp_followup_filter_parse(&f, &a, "yes", NULL, NULL, NULL, NULL, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "overdue");
	assert_int_equal(sp_followup_filter_parse(&f, &a, NULL, NULL, "done", NULL, NULL, &err),
	                 SVC_INVALID);
	assert_int_equal(sp_followup_filter_parse(&f, &a, NULL, "54", NULL, NULL, NULL, &err),
	                 SVC_INVALID);
	assert_int_equal(sp_followup_filter_parse(&f, &a, NULL, NULL, NULL, NULL, "x1", &err),
	                 SVC_INVALID);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_outcome),
	    cmocka_unit_test(test_deadlines_and_stages),
	    cmocka_unit_test_setup_teardown(test_file_decide_conclude, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_followup_service, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_overdue_list, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}

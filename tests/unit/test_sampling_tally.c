/*
 * Sampling statistics from the tallies must equal the obvious count over sp_sample and
 * sp_result at every moment: after random approvals, re-tests that overturn or confirm a
 * verdict, objections still open (whose re-test results must not count yet), for every
 * grouping, year, quarter, product filter and scope; and sp_tally_rebuild must give back
 * exactly the tables the live moves built.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/tally.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "tempdb.h"

#define STEPS       1200 /* random writes */
#define CHECK_EVERY 60   /* writes between comparisons */
#define NPRODUCTS   4
#define NITEMS      5

static const int COUNTIES[] = {540102, 540103, 540121, 540202, 540221, 540302, 542521};
#define NCOUNTIES ((int)(sizeof COUNTIES / sizeof *COUNTIES))
static const char *const INDUSTRIES[] = {"C", "A", "F"};
static const char *const ITEMS[NITEMS] = {"TT_A", "TT_B", "TT_C", "TT_D", "TT_E"};

struct fx {
	struct tempdb tmp;
	struct db *db;
	uint64_t rng;
	int64_t product[NPRODUCTS];
	int64_t task;
	int64_t nsamples;
};

static uint64_t next(struct fx *x)
{
	x->rng ^= x->rng << 13;
	x->rng ^= x->rng >> 7;
	x->rng ^= x->rng << 17;
	return x->rng;
}

static int pick(struct fx *x, int n)
{
	return (int)(next(x) % (uint64_t)n);
}

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
	x->rng = 0x9E3779B97F4A7C15ull;
	if (tempdb_make(&x->tmp, "sp_tally") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	/* A catalogue of its own (test codes no seed uses), a plan and a task. */
	exec(x->db, "INSERT INTO sp_test_item (code, name_zh, name_en, unit, kind) VALUES "
	            "('TT_A','甲','A','mg/kg','numeric'),('TT_B','乙','B','mg/kg','numeric'),"
	            "('TT_C','丙','C',NULL,'qualitative'),('TT_D','丁','D','g','numeric'),"
	            "('TT_E','戊','E',NULL,'qualitative')");
	exec(x->db, "INSERT INTO sp_product (id, code, name_zh, name_en, category, industry, risk, "
	            "standards) VALUES (9001,'TP_RICE','米','Rice','food','C','high','GB 1'),"
	            "(9002,'TP_TEA','茶','Tea','food','C','medium','GB 2'),"
	            "(9003,'TP_PIPE','管','Pipe','building','C','low','GB 3'),"
	            "(9004,'TP_FERT','肥','Fertiliser','agricultural_input','C','medium','GB 4')");
	exec(x->db,
	     "INSERT INTO sp_plan (id, year, title, region_code, status, created_by, "
	     "created_at, updated_at) VALUES (1, 2025, 'p', 540000, 'approved', 't', 'x', 'x')");
	exec(x->db, "INSERT INTO sp_task (id, plan_id, product_id, region_code, planned) VALUES "
	            "(1, 1, 9001, 540000, 10)");
	for (int i = 0; i < NPRODUCTS; i++)
		x->product[i] = 9001 + i;
	x->task = 1;
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

/* Writes round's results of sample id: each item fails with chance 1 in fail_in. Returns 1 if
 * any failed. */
static int results(struct fx *x, int64_t id, int round, int fail_in)
{
	struct db_stmt *st = db_prepare(
	    x->db, "INSERT INTO sp_result (sample_id, round, item_code, value, judgement, analyst, "
	           "entered_at) VALUES (?, ?, ?, '1', ?, 'a', 'x')");
	int failed = 0, n = 2 + pick(x, NITEMS - 1);
	for (int k = 0; k < n; k++) {
		int f = pick(x, fail_in) == 0;
		failed |= f;
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, round);
		db_bind_cstr(st, 3, ITEMS[(k + id) % NITEMS]);
		db_bind_cstr(st, 4, f ? "fail" : "pass");
		assert_int_equal(db_step(st), DB_DONE);
		db_reset(st);
	}
	return failed;
}

/* A new sample, tested (round 0), not yet approved. */
static void new_sample(struct fx *x)
{
	int64_t id = ++x->nsamples;
	int year = 2024 + pick(x, 2), quarter = 1 + pick(x, 4);
	char no[32], day[40];
	snprintf(no, sizeof no, "T-%06lld", (long long)id);
	snprintf(day, sizeof day, "%04d-%02d-15", year, quarter * 3 - 1);
	struct db_stmt *st = db_prepare(
	    x->db,
	    "INSERT INTO sp_sample (id, sample_no, task_id, product_id, producer, region_code, "
	    "industry, quantity_sampled, quantity_reserve, quantity_unit, samplers, place, "
	    "sampled_on, year, quarter, status, verdict, created_by, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, '91540000000000000X', ?, ?, 2, 2, 'kg', 's', 'p', ?, ?, ?, "
	    "'testing', NULL, 't', 'x', 'x')");
	db_bind_int64(st, 1, id);
	db_bind_cstr(st, 2, no);
	db_bind_int64(st, 3, x->task);
	db_bind_int64(st, 4, x->product[pick(x, NPRODUCTS)]);
	db_bind_int64(st, 5, COUNTIES[pick(x, NCOUNTIES)]);
	db_bind_cstr(st, 6, INDUSTRIES[pick(x, 3)]);
	db_bind_cstr(st, 7, day);
	db_bind_int64(st, 8, year);
	db_bind_int64(st, 9, quarter);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	int failed = results(x, id, 0, 6);
	st = db_prepare(x->db, "UPDATE sp_sample SET verdict = ? WHERE id = ?");
	db_bind_cstr(st, 1, failed ? "fail" : "pass");
	db_bind_int64(st, 2, id);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
}

/* A random sample id matching where (a constant condition over s), or 0. */
static int64_t some_sample(struct fx *x, const char *sql)
{
	struct db_stmt *st = db_prepare(x->db, sql);
	db_bind_int64(st, 1, (int64_t)(next(x) % (uint64_t)(x->nsamples + 1)));
	int64_t id = db_step(st) == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	return id;
}

/* Approves a tested sample: its final verdict is its verdict, round 0. */
static void approve(struct fx *x)
{
	int64_t id = some_sample(x, "SELECT id FROM sp_sample WHERE status = 'testing' AND id >= ? "
	                            "ORDER BY id LIMIT 1");
	if (id == 0)
		return;
	assert_int_equal(db_exec(x->db, "SAVEPOINT a"), 0);
	struct db_stmt *st =
	    db_prepare(x->db, "UPDATE sp_sample SET status = 'approved', final_verdict = verdict "
	                      "WHERE id = ? RETURNING final_verdict");
	db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	char v[8];
	snprintf(v, sizeof v, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	assert_int_equal(sp_tally_move(x->db, id, NULL, 0, v, 0), SVC_OK);
	assert_int_equal(db_exec(x->db, "RELEASE a"), 0);
}

/* Files an objection on an approved sample; half the time a re-test is half entered, which
 * must not count until it is concluded. */
static void object(struct fx *x)
{
	int64_t id = some_sample(x, "SELECT id FROM sp_sample s WHERE status = 'approved' AND id "
	                            ">= ? AND NOT EXISTS (SELECT 1 FROM sp_objection o WHERE "
	                            "o.sample_id = s.id) ORDER BY id LIMIT 1");
	if (id == 0)
		return;
	struct db_stmt *st = db_prepare(
	    x->db, "INSERT INTO sp_objection (sample_id, filed_on, reason, filed_by, status, "
	           "created_at, updated_at) VALUES (?, '2025-01-01', 'r', 'f', ?, 'x', 'x')");
	int retesting = pick(x, 2);
	db_bind_int64(st, 1, id);
	db_bind_cstr(st, 2, retesting ? "retesting" : "filed");
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	if (retesting)
		results(x, id, 1, 3);
}

/* Concludes a re-test: round 1 decides; the final verdict may change or stay. */
static void conclude(struct fx *x)
{
	int64_t id = some_sample(x, "SELECT s.id FROM sp_sample s JOIN sp_objection o ON "
	                            "o.sample_id = s.id WHERE o.outcome IS NULL AND s.id >= ? "
	                            "ORDER BY s.id LIMIT 1");
	if (id == 0)
		return;
	struct db_stmt *st = db_prepare(x->db, "SELECT final_verdict, (SELECT count(*) FROM "
	                                       "sp_result WHERE sample_id = ?1 AND round = 1) "
	                                       "FROM sp_sample WHERE id = ?1");
	db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	char old[8];
	snprintf(old, sizeof old, "%s", db_col_text(st, 0, NULL));
	int have = (int)db_col_int64(st, 1);
	db_reset(st);
	int failed;
	if (have) {
		st = db_prepare(x->db,
		                "SELECT count(*) FROM sp_result WHERE sample_id = ? AND round "
		                "= 1 AND judgement = 'fail'");
		db_bind_int64(st, 1, id);
		assert_int_equal(db_step(st), DB_ROW);
		failed = db_col_int64(st, 0) > 0;
		db_reset(st);
	} else {
		failed = results(x, id, 1, 3);
	}
	const char *v = failed ? "fail" : "pass";
	st = db_prepare(x->db, "UPDATE sp_objection SET status = 'decided', outcome = ? WHERE "
	                       "sample_id = ?");
	db_bind_cstr(st, 1, strcmp(v, old) == 0 ? "confirmed" : "overturned");
	db_bind_int64(st, 2, id);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	st = db_prepare(x->db, "UPDATE sp_sample SET final_verdict = ? WHERE id = ?");
	db_bind_cstr(st, 1, v);
	db_bind_int64(st, 2, id);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	assert_int_equal(sp_tally_move(x->db, id, old, 0, v, 1), SVC_OK);
}

/* ---- Comparing ------------------------------------------------------------------------- */

struct rows {
	struct buf b;
	int n;
};

static int row_fn(void *ctx, const char *key, int64_t a, int64_t b)
{
	struct rows *r = ctx;
	buf_printf(&r->b, "%s=%lld/%lld;", key, (long long)a, (long long)b);
	r->n++;
	return 0;
}

static void same(struct fx *x, const struct sp_stats_query *q, int items, int64_t *nonempty)
{
	struct rows a = {{0}, 0}, b = {{0}, 0};
	if (items) {
		assert_int_equal(sp_item_stats(x->db, q, row_fn, &a), SVC_OK);
		assert_int_equal(sp_item_stats_obvious(x->db, q, row_fn, &b), SVC_OK);
	} else {
		assert_int_equal(sp_stats(x->db, q, row_fn, &a), SVC_OK);
		assert_int_equal(sp_stats_obvious(x->db, q, row_fn, &b), SVC_OK);
	}
	if (a.n != b.n || strcmp(a.b.data ? a.b.data : "", b.b.data ? b.b.data : "") != 0)
		fail_msg(
		    "year %d quarter %d product %lld by %d items %d:\n tally   %s\n obvious %s",
		    q->year, q->quarter, (long long)q->product_id, (int)q->by, items,
		    a.b.data ? a.b.data : "", b.b.data ? b.b.data : "");
	*nonempty += a.n;
	buf_free(&a.b);
	buf_free(&b.b);
}

static void compare_all(struct fx *x, int64_t *nonempty)
{
	static const struct actor ALL = {.name = "t", .all_regions = 1};
	static const int REGIONS[] = {0, 540100, 540221};
	for (size_t r = 0; r < sizeof REGIONS / sizeof *REGIONS; r++)
		for (int year = 2024; year <= 2025; year++)
			for (int quarter = 0; quarter <= 4; quarter += 3)
				for (int pr = 0; pr < 2; pr++) {
					struct sp_stats_query q = {.year = year,
					                           .quarter = quarter};
					assert_int_equal(scope_make(&ALL, REGIONS[r], &q.sc), 0);
					q.product_id = pr ? x->product[1] : 0;
					for (int by = SP_BY_TOTAL; by <= SP_BY_QUARTER; by++) {
						q.by = (enum sp_stats_by)by;
						same(x, &q, 0, nonempty);
					}
					same(x, &q, 1, nonempty);
				}
}

/* Both tallies as text, in key order. */
static char *dump(struct db *db)
{
	struct buf b = {0};
	static const char *const SQL[2] = {
	    "SELECT year, quarter, region_code, product_id, industry, samples, passed FROM "
	    "sp_tally ORDER BY 1, 2, 3, 4, 5",
	    "SELECT year, quarter, region_code, product_id, item_code, tested, failed FROM "
	    "sp_item_tally ORDER BY 1, 2, 3, 4, 5"};
	for (int k = 0; k < 2; k++) {
		struct db_stmt *st = db_prepare(db, SQL[k]);
		while (db_step(st) == DB_ROW)
			buf_printf(&b, "%lld %lld %lld %lld %s %lld %lld\n",
			           (long long)db_col_int64(st, 0), (long long)db_col_int64(st, 1),
			           (long long)db_col_int64(st, 2), (long long)db_col_int64(st, 3),
			           db_col_text(st, 4, NULL), (long long)db_col_int64(st, 5),
			           (long long)db_col_int64(st, 6));
		db_reset(st);
		buf_puts(&b, "--\n");
	}
	return buf_steal(&b, NULL);
}

static void test_tally_equals_obvious(void **state)
{
	struct fx *x = *state;
	int64_t nonempty = 0;
	int approvals = 0, conclusions = 0;
	assert_int_equal(db_begin_write(x->db), 0);
	for (int step = 1; step <= STEPS; step++) {
		int what = pick(x, 10);
		if (what < 4 || x->nsamples < 10)
			new_sample(x);
		else if (what < 7)
			approve(x), approvals++;
		else if (what < 8)
			object(x);
		else
			conclude(x), conclusions++;
		if (step % CHECK_EVERY == 0)
			compare_all(x, &nonempty);
	}
	/* Rebuilt from the rows, the tallies are what the moves made. */
	char *live = dump(x->db);
	assert_int_equal(sp_tally_rebuild(x->db), SVC_OK);
	char *rebuilt = dump(x->db);
	assert_string_equal(live, rebuilt);
	compare_all(x, &nonempty);
	assert_int_equal(db_commit(x->db), 0);
	/* The comparisons were not of empty answers, and the tallies hold no zero rows. */
	assert_true(nonempty > 1000);
	assert_true(approvals > 100 && conclusions > 50);
	struct db_stmt *st =
	    db_prepare(x->db, "SELECT (SELECT count(*) FROM sp_tally WHERE samples "
	                      "= 0) + (SELECT count(*) FROM sp_item_tally WHERE "
	                      "tested = 0), (SELECT count(*) FROM sp_objection "
	                      "WHERE outcome = 'overturned')");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	assert_true(db_col_int64(st, 1) > 5);
	db_reset(st);
	free(live);
	free(rebuilt);
}

/* A move that undoes itself leaves nothing behind; an unknown sample is an error. */
static void test_move_round_trip(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_begin_write(x->db), 0);
	new_sample(x);
	approve(x);
	struct db_stmt *st = db_prepare(x->db, "SELECT final_verdict FROM sp_sample WHERE id = 1");
	assert_int_equal(db_step(st), DB_ROW);
	char v[8];
	snprintf(v, sizeof v, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	assert_int_equal(sp_tally_move(x->db, 1, v, 0, NULL, 0), SVC_OK);
	char *d = dump(x->db);
	assert_string_equal(d, "--\n--\n");
	free(d);
	assert_int_equal(sp_tally_move(x->db, 999999, NULL, 0, "pass", 0), SVC_ERROR);
	assert_int_equal(db_rollback(x->db), 0);
	enum sp_stats_by by;
	assert_int_equal(sp_stats_by_parse("category", &by), 0);
	assert_int_equal(by, SP_BY_CATEGORY);
	assert_int_equal(sp_stats_by_parse("nope", &by), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tally_equals_obvious, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_move_round_trip, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}

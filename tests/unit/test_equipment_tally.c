/*
 * The four rates from the live tallies must equal the obvious count over the raw rows at every
 * moment: after random registrations, changes, inspections, deletions, operators and
 * accidents, for many days of judgement, every grouping, category filter and scope.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "modules/equipment/tally.h"
#include "modules/equipment/units.h"
#include "modules/regions/service.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "tempdb.h"

#define STEPS       1500 /* random writes */
#define CHECK_EVERY 50   /* writes between comparisons */

static const struct actor ALL = {.name = "test", .all_regions = 1};
static const int COUNTIES[] = {540102, 540103, 540121, 540202, 540221, 540302, 542521};
#define NCOUNTIES ((int)(sizeof COUNTIES / sizeof *COUNTIES))
static const char *const CATEGORIES[] = {"1100", "2100", "3110", "3310", "4300",
                                         "4100", "6100", "7000", "8300", "9100"};
#define NCATEGORIES ((int)(sizeof CATEGORIES / sizeof *CATEGORIES))
#define NFIRMS      12

struct fx {
	struct tempdb tmp;
	struct db *db;
	struct arena a;
	uint64_t rng;
	char firms[NFIRMS][19];
	int firm_region[NFIRMS];
	char (*devices)[19]; /* units created and not deleted */
	int ndevices;
	int64_t nops, naccidents;
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

static int group_setup(void **state)
{
	(void)state;
	if (tempdb_load_regions() != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regions_free();
	return 0;
}

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	x->rng = 0x9E3779B97F4A7C15ull;
	x->devices = calloc(STEPS + 1, sizeof *x->devices);
	if (tempdb_make(&x->tmp, "eqtally") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	/* Use units straight into the registry's table: the test is about the tallies. */
	for (int i = 0; i < NFIRMS; i++) {
		snprintf(x->firms[i], sizeof x->firms[i], "91540000TEST%05dX", i % 100000);
		x->firm_region[i] = COUNTIES[i % NCOUNTIES];
		char sql[400];
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO enterprise (credit_code, name, region_code, industry, created_at, "
		    "updated_at) VALUES ('%s', 'firm %d', %d, 'C', '2026-01-01T00:00:00Z', "
		    "'2026-01-01T00:00:00Z')",
		    x->firms[i], i, x->firm_region[i]);
		if (db_exec(x->db, sql) != 0)
			return -1;
	}
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	db_close(x->db);
	tempdb_remove(&x->tmp);
	arena_free(&x->a);
	free(x->devices);
	free(x);
	return 0;
}

static void day_text(int32_t day, char out[11])
{
	date_format(day, out);
}

/* A random date between from and to (day numbers). */
static int32_t some_day(struct fx *x, int32_t from, int32_t to)
{
	return from + pick(x, to - from + 1);
}

static void set(struct record *r, struct arena *a, const char *name, const char *v)
{
	int i = fields_find(r->type, name, strlen(name));
	assert_true(i >= 0);
	struct field_error err;
	if (record_set_text(r, a, i, v, v ? strlen(v) : 0, &err) != 0)
		fail_msg("%s = %s: %s", name, v ? v : "(null)", err.message);
}

static void op_create(struct fx *x, int32_t today)
{
	struct record r;
	record_init(&r, &UNIT_TYPE);
	int f = pick(x, NFIRMS);
	const char *cat = CATEGORIES[pick(x, NCATEGORIES)];
	char device[40], buf[40];
	snprintf(device, sizeof device, "%s%05d%04d%05d", cat, 11111, 2000 + pick(x, 26),
	         (int)(x->nops % 100000));
	set(&r, &x->a, "device_code", device);
	set(&r, &x->a, "category", cat);
	set(&r, &x->a, "name", "unit");
	set(&r, &x->a, "use_unit", x->firms[f]);
	snprintf(buf, sizeof buf, "%d", COUNTIES[pick(x, NCOUNTIES)]);
	set(&r, &x->a, "region_code", buf);
	int status = pick(x, 10);
	set(&r, &x->a, "status", status < 8 ? "in_use" : status == 8 ? "stopped" : "scrapped");
	char d[11];
	day_text(some_day(x, today - 365 * 20, today), d);
	set(&r, &x->a, "commissioned_on", d);
	if (pick(x, 3)) {
		snprintf(buf, sizeof buf, "%s540100202001%04d", cat, (int)(x->nops % 10000));
		if (cat[0] >= '0' && cat[0] <= '9')
			set(&r, &x->a, "reg_code", buf);
	}
	struct eq_unit out;
	struct field_error err = {0};
	int rc = eq_unit_create(x->db, &ALL, &r, &x->a, &out, &err);
	if (rc == EQ_CONFLICT)
		return; /* a reused random registration code: nothing written, fine */
	if (rc != EQ_OK)
		fail_msg("create %s: %d %s %s", device, rc, err.field ? err.field : "",
		         err.message);
	memcpy(x->devices[x->ndevices++], device, 19);
}

static void op_update(struct fx *x, int32_t today)
{
	if (x->ndevices == 0)
		return;
	const char *dev = x->devices[pick(x, x->ndevices)];
	struct record p;
	record_init(&p, &UNIT_TYPE);
	char buf[32];
	switch (pick(x, 4)) {
	case 0: {
		static const char *const S[] = {"in_use", "stopped", "scrapped"};
		set(&p, &x->a, "status", S[pick(x, 3)]);
		break;
	}
	case 1:
		snprintf(buf, sizeof buf, "%d", COUNTIES[pick(x, NCOUNTIES)]);
		set(&p, &x->a, "region_code", buf);
		break;
	case 2:
		set(&p, &x->a, "reg_code", NULL);
		break;
	default: {
		char d[11];
		day_text(some_day(x, today - 365 * 10, today), d);
		set(&p, &x->a, "commissioned_on", d);
	}
	}
	struct eq_unit out;
	struct field_error err = {0};
	int rc = eq_unit_update(x->db, &ALL, dev, &p, 0, &x->a, &out, &err);
	if (rc != EQ_OK && rc != EQ_INVALID)
		fail_msg("update %s: %d %s", dev, rc, err.message);
}

static void op_inspect(struct fx *x, int32_t today)
{
	if (x->ndevices == 0)
		return;
	const char *dev = x->devices[pick(x, x->ndevices)];
	struct eq_inspection *ins = arena_alloc(&x->a, sizeof *ins);
	memset(ins, 0, sizeof *ins);
	static const char *const C[] = {"pass", "pass", "pass", "conditional", "fail"};
	ins->kind = pick(x, 5) ? "periodic" : "supervisory";
	ins->institution = "inst";
	ins->inspector = "insp";
	char *d = arena_alloc(&x->a, 11);
	day_text(some_day(x, today - 365 * 3, today), d);
	ins->inspected_on = d;
	ins->conclusion = C[pick(x, 5)];
	ins->safety_grade = 1 + pick(x, 5);
	struct eq_unit out;
	struct field_error err = {0};
	int rc = eq_inspection_add(x->db, &ALL, dev, ins, &x->a, &out, &err);
	/* Refusals (before commissioning, a conclusion the rule does not allow) write nothing. */
	if (rc != EQ_OK && rc != EQ_INVALID)
		fail_msg("inspect %s: %d %s", dev, rc, err.message);
}

static void op_delete(struct fx *x)
{
	if (x->ndevices == 0)
		return;
	int k = pick(x, x->ndevices);
	struct field_error err = {0};
	int rc = eq_unit_delete(x->db, &ALL, x->devices[k], 0, &x->a, &err);
	if (rc == EQ_OK)
		memcpy(x->devices[k], x->devices[--x->ndevices], 19);
	else if (rc != EQ_INVALID)
		fail_msg("delete: %d", rc);
}

/* Operators and accidents written as their module writes them: the row and its tally move in
 * one transaction. */
static void op_operator(struct fx *x, int32_t today)
{
	int f = pick(x, NFIRMS);
	int certified = pick(x, 4) != 0, on_duty = pick(x, 5) != 0;
	int32_t until = some_day(x, today - 400, today + 1500);
	char u[11], category[5];
	day_text(until, u);
	snprintf(category, sizeof category, "%c000", CATEGORIES[pick(x, NCATEGORIES)][0]);
	char sql[512];
	if (certified)
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO eq_operator (name, employer, region_code, category, cert_no, "
		    "valid_until, on_duty, created_at, updated_at) VALUES ('p', '%s', %d, '%s', "
		    "'C%lld', '%s', %d, 'x', 'x')",
		    x->firms[f], x->firm_region[f], category, (long long)x->nops, u, on_duty);
	else
		snprintf(sql, sizeof sql,
		         "INSERT INTO eq_operator (name, employer, region_code, category, on_duty, "
		         "created_at, updated_at) VALUES ('p', '%s', %d, '%s', %d, 'x', 'x')",
		         x->firms[f], x->firm_region[f], category, on_duty);
	struct eq_tally_row none = {0}, row = {.kind = EQ_TALLY_OPERATOR};
	row.region = x->firm_region[f];
	memcpy(row.category, category, 5);
	row.on_duty = on_duty;
	row.certified = certified;
	row.expires = until;
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(db_exec(x->db, sql), 0);
	assert_int_equal(eq_tally_apply(x->db, &none, &row), 0);
	assert_int_equal(db_commit(x->db), 0);
}

static void op_accident(struct fx *x, int32_t today)
{
	int f = pick(x, NFIRMS);
	int32_t when = some_day(x, today - 800, today);
	int closed = pick(x, 2);
	char d[11];
	day_text(when, d);
	char sql[700];
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO eq_accident (use_unit, region_code, category, occurred_on, reported_on, "
	    "level, summary, status, cause, responsible_handled, measures_done, people_educated, "
	    "closed_on, created_at, updated_at) VALUES ('%s', %d, '%s', '%s', '%s', 'general', "
	    "'s', '%s', %s, %s, %s, %s, %s, 'x', 'x')",
	    x->firms[f], x->firm_region[f], CATEGORIES[pick(x, NCATEGORIES)], d, d,
	    closed ? "closed" : "investigating", closed ? "'c'" : "NULL", closed ? "'r'" : "NULL",
	    closed ? "'m'" : "NULL", closed ? "'e'" : "NULL", closed ? "'2026-01-01'" : "NULL");
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(db_exec(x->db, sql), 0);
	struct db_stmt *st = db_prepare(x->db, "SELECT category FROM eq_accident WHERE rowid = "
	                                       "last_insert_rowid()");
	assert_int_equal(db_step(st), DB_ROW);
	struct eq_tally_row none = {0}, row = {.kind = EQ_TALLY_ACCIDENT};
	row.region = x->firm_region[f];
	eq_top_category(db_col_text(st, 0, NULL), row.category);
	db_reset(st);
	row.occurred = when;
	row.closed = closed;
	assert_int_equal(eq_tally_apply(x->db, &none, &row), 0);
	assert_int_equal(db_commit(x->db), 0);
	x->naccidents++;
}

/* ---- Comparison ---------------------------------------------------------------------- */

#define MAX_SEEN 64

struct seen {
	int n;
	int region[MAX_SEEN];
	struct eq_rates r[MAX_SEEN];
};

static int remember(void *ctx, int region, const struct eq_rates *r)
{
	struct seen *s = ctx;
	assert_true(s->n < MAX_SEEN);
	s->region[s->n] = region;
	s->r[s->n++] = *r;
	return 0;
}

static void same_rates(struct fx *x, const struct eq_rates_query *q, const char *what)
{
	struct seen a = {0}, b = {0};
	assert_int_equal(eq_tally_rates(x->db, q, remember, &a), 0);
	assert_int_equal(eq_rates_obvious(x->db, q, remember, &b), 0);
	/* Groups with nothing counted appear in neither or are all zero: compare what both say
	 * after dropping all-zero groups. */
	struct seen *s[2] = {&a, &b};
	for (int k = 0; k < 2; k++) {
		int w = 0;
		for (int i = 0; i < s[k]->n; i++) {
			const struct eq_rates *r = &s[k]->r[i];
			int zero = !r->registration.den && !r->registration.num &&
			           !r->inspection.den && !r->inspection.num && !r->operators.den &&
			           !r->operators.num && !r->accidents.den && !r->accidents.num;
			if (!zero || q->by == 0) {
				s[k]->region[w] = s[k]->region[i];
				s[k]->r[w++] = *r;
			}
		}
		s[k]->n = w;
	}
	if (a.n != b.n)
		fail_msg("%s: %d groups from the tallies, %d from the rows", what, a.n, b.n);
	for (int i = 0; i < a.n; i++) {
		if (a.region[i] != b.region[i] || memcmp(&a.r[i], &b.r[i], sizeof a.r[i]) != 0)
			fail_msg(
			    "%s, region %d: tallies reg %lld/%lld insp %lld/%lld op %lld/%lld acc "
			    "%lld/%lld; rows reg %lld/%lld insp %lld/%lld op %lld/%lld acc "
			    "%lld/%lld",
			    what, a.region[i], (long long)a.r[i].registration.num,
			    (long long)a.r[i].registration.den, (long long)a.r[i].inspection.num,
			    (long long)a.r[i].inspection.den, (long long)a.r[i].operators.num,
			    (long long)a.r[i].operators.den, (long long)a.r[i].accidents.num,
			    (long long)a.r[i].accidents.den, (long long)b.r[i].registration.num,
			    (long long)b.r[i].registration.den, (long long)b.r[i].inspection.num,
			    (long long)b.r[i].inspection.den, (long long)b.r[i].operators.num,
			    (long long)b.r[i].operators.den, (long long)b.r[i].accidents.num,
			    (long long)b.r[i].accidents.den);
	}
}

static void compare_all(struct fx *x, int32_t today)
{
	/* Days of judgement: the first and last of a month, mid-month, long ago and ahead. */
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	int32_t ons[] = {today,
	                 today + 1,
	                 date_from_ymd(y, m, 1),
	                 date_add_months(date_from_ymd(y, m, 1), 1) - 1,
	                 some_day(x, today - 3000, today + 3000),
	                 some_day(x, today - 40, today + 40)};
	struct actor lhasa = {.name = "l", .nranges = 1, .lo = {540100}, .hi = {540199}};
	struct actor two = {
	    .name = "t", .nranges = 2, .lo = {540100, 540300}, .hi = {540199, 540399}};
	const struct actor *whos[] = {&ALL, &lhasa, &two};
	for (size_t i = 0; i < sizeof ons / sizeof *ons; i++)
		for (int by = 0; by < 3; by++)
			for (int w = 0; w < 3; w++)
				for (int c = 0; c < 3; c++) {
					struct eq_rates_query q = {0};
					assert_int_equal(
					    scope_make(whos[w], w == 0 && c == 2 ? 540200 : 0,
					                  &q.scope),
					    0);
					q.category = c == 1 ? "3000" : NULL;
					q.on = ons[i];
					q.from = some_day(x, today - 900, today);
					q.to = some_day(x, q.from, today + 10);
					q.by = by;
					char what[120];
					snprintf(what, sizeof what,
					         "on %d by %d who %d cat %d after %lld writes",
					         (int)ons[i], by, w, c, (long long)x->nops);
					same_rates(x, &q, what);
				}
}

static void test_tallies_equal_rows(void **state)
{
	struct fx *x = *state;
	int32_t today = today_china();
	compare_all(x, today);
	for (int step = 0; step < STEPS; step++) {
		x->nops++;
		int k = pick(x, 100);
		if (k < 35)
			op_create(x, today);
		else if (k < 55)
			op_update(x, today);
		else if (k < 80)
			op_inspect(x, today);
		else if (k < 86)
			op_delete(x);
		else if (k < 95)
			op_operator(x, today);
		else
			op_accident(x, today);
		if (step % CHECK_EVERY == CHECK_EVERY - 1)
			compare_all(x, today);
		arena_free(&x->a);
	}
	compare_all(x, today);
	/* A rebuild from the rows (what a bulk load does) gives back the same tallies. */
	static const char *const SNAP =
	    "SELECT group_concat(t, '|') FROM (SELECT kind || region_code || category || n AS t "
	    "FROM eq_tally UNION ALL SELECT kind || day || region_code || category || n FROM "
	    "eq_tally_day UNION ALL SELECT kind || month || region_code || category || n FROM "
	    "eq_tally_month ORDER BY 1)";
	struct db_stmt *snap = db_prepare(x->db, SNAP);
	assert_int_equal(db_step(snap), DB_ROW);
	char *live = strdup(db_col_text(snap, 0, NULL));
	db_reset(snap);
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(eq_tally_rebuild(x->db), 0);
	assert_int_equal(db_commit(x->db), 0);
	assert_int_equal(db_step(snap), DB_ROW);
	assert_string_equal(db_col_text(snap, 0, NULL), live);
	assert_true(strlen(live) > 1000);
	db_reset(snap);
	free(live);
	/* The run did exercise every kind of write. */
	struct db_stmt *st = db_prepare(
	    x->db,
	    "SELECT (SELECT count(*) FROM eq_unit), (SELECT count(*) FROM eq_inspection), "
	    "(SELECT count(*) FROM eq_unit WHERE status = 'in_use' AND next_due < date('now')), "
	    "(SELECT count(*) FROM eq_operator), (SELECT count(*) FROM audit_log WHERE action = "
	    "'equipment.unit.delete')");
	assert_int_equal(db_step(st), DB_ROW);
	for (int i = 0; i < 5; i++)
		assert_true(db_col_int64(st, i) > 0);
	db_reset(st);
	/* Emptied dates leave no rows behind. */
	st = db_prepare(x->db,
	                "SELECT (SELECT count(*) FROM eq_tally_day WHERE n = 0) + (SELECT "
	                "count(*) FROM eq_tally_month WHERE n = 0) + (SELECT count(*) FROM "
	                "eq_tally WHERE n <= 0) + (SELECT count(*) FROM eq_tally_day WHERE n < 0)");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_reset(st);
}

struct grade_check {
	const char *want; /* the grade asked for */
	int n;            /* units listed */
};

static int check_grade(void *ctx, const struct eq_unit *u)
{
	struct grade_check *c = ctx;
	if (strcmp(u->hazard, c->want) != 0)
		fail_msg("unit %s listed as %s, graded %s", u->r.v[EU_DEVICE_CODE], c->want,
		         u->hazard);
	c->n++;
	return 0;
}

static void test_hazard_sql_agrees(void **state)
{
	struct fx *x = *state;
	int32_t today = today_china();
	for (int i = 0; i < 200; i++) {
		x->nops++;
		if (pick(x, 2))
			op_create(x, today);
		else
			op_inspect(x, today);
	}
	/* Every unit is listed under the grade eq_hazard_grade gives it. */
	static const char *const G[] = {"high", "medium", "low"};
	int64_t total = 0;
	for (int g = 0; g < 3; g++) {
		struct eq_unit_filter f;
		struct field_error err;
		assert_int_equal(eq_unit_filter_parse(&f, &x->a, NULL, NULL, NULL, NULL, NULL, NULL,
		                                      G[g], NULL, NULL, NULL, "1000", NULL, &err),
		                 EQ_OK);
		int64_t n;
		assert_int_equal(eq_unit_count(x->db, &ALL, &f, &n), EQ_OK);
		total += n;
		struct grade_check c = {G[g], 0};
		const char *next;
		assert_int_equal(eq_unit_list(x->db, &ALL, &f, &x->a, 0, check_grade, &c, &next),
		                 EQ_OK);
		assert_int_equal(c.n, n);
	}
	struct db_stmt *st = db_prepare(x->db, "SELECT count(*) FROM eq_unit");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), total);
	db_reset(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tallies_equal_rows, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_hazard_sql_agrees, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

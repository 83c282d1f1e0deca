/*
 * Sampling statistics against the obvious SQL, in one process on one database
 * (bench/sampling.sh builds this with the sp_bench target and runs it on a copy of the large
 * demo database). Rounds alternate which side goes first; every answer is checked equal to the
 * other side's, and the program stops with status 1 at the first difference.
 *
 *   (a) pass rate by prefecture for one year: sp_stats (the tallies) against sp_stats_obvious
 *       (every approved sample of the year);
 *   (b) pass rate by product for the same year, the same two ways;
 *   (c) failing items ranked: sp_item_stats against sp_item_stats_obvious (every item result
 *       of the deciding round);
 *   (d) once per round, a write: an approved sample's final verdict turned over as a re-test
 *       would (sp_tally_move in the same transaction), then (a) by county compared at once,
 *       then rolled back.
 *
 *   sp_bench --db FILE [--rounds N] [--year YYYY]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "sp_bench"
#include "bench.h"
#include "modules/regions/service.h"
#include "modules/sampling/tally.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/scope.h"

#define ROUNDS_MAX BENCH_ROUNDS_MAX
#define KINDS      3

static const struct actor ALL = {.name = "bench", .all_regions = 1};

/* An answer as text, for comparing. */
static int row(void *ctx, const char *key, int64_t a, int64_t b)
{
	buf_printf(ctx, "%s:%lld/%lld\n", key, (long long)a, (long long)b);
	return 0;
}

/* Runs kind k the tally way (obvious 0) or the obvious way into out; returns milliseconds. */
static double run(struct db *db, int k, int obvious, const struct sp_stats_query *base,
                  struct buf *out)
{
	struct sp_stats_query q = *base;
	q.by = k == 0 ? SP_BY_PREFECTURE : SP_BY_PRODUCT;
	buf_reset(out);
	double t0 = bench_now_ms();
	int rc = k == 2
	             ? (obvious ? sp_item_stats_obvious(db, &q, row, out)
	                        : sp_item_stats(db, &q, row, out))
	             : (obvious ? sp_stats_obvious(db, &q, row, out) : sp_stats(db, &q, row, out));
	double t = bench_now_ms() - t0;
	if (rc != SVC_OK)
		bench_die(db_errmsg(db));
	return t;
}

static void check_same(const struct buf *a, const struct buf *b, const char *what)
{
	if (a->len == 0 || strcmp(a->data, b->data) != 0) {
		fprintf(stderr, "sp_bench: %s differs:\n--- tallies\n%s--- obvious\n%s", what,
		        a->data ? a->data : "(empty)\n", b->data ? b->data : "(empty)\n");
		exit(1);
	}
}

/* (d): a verdict turned over and the county answer compared inside the transaction. */
static void write_check(struct db *db, const struct sp_stats_query *base, int round, struct buf *a,
                        struct buf *b)
{
	if (db_begin_write(db) != 0)
		bench_die("begin");
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT id, final_verdict FROM sp_sample WHERE year = ? AND status = 'approved' AND "
	    "final_verdict IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?");
	db_bind_int64(st, 1, base->year);
	db_bind_int64(st, 2, 997 * (round + 1));
	if (db_step(st) != DB_ROW)
		bench_die("no approved sample to turn over");
	int64_t id = db_col_int64(st, 0);
	char old[8];
	snprintf(old, sizeof old, "%s", db_col_text(st, 1, NULL));
	db_reset(st);
	const char *nv = strcmp(old, "pass") == 0 ? "fail" : "pass";
	st = db_prepare(db, "UPDATE sp_sample SET final_verdict = ? WHERE id = ?");
	db_bind_cstr(st, 1, nv);
	db_bind_int64(st, 2, id);
	if (db_step(st) != DB_DONE)
		bench_die(db_errmsg(db));
	db_reset(st);
	if (sp_tally_move(db, id, old, 0, nv, 0) != SVC_OK)
		bench_die("sp_tally_move");
	struct sp_stats_query q = *base;
	q.by = SP_BY_COUNTY;
	buf_reset(a);
	buf_reset(b);
	if (sp_stats(db, &q, row, a) != SVC_OK || sp_stats_obvious(db, &q, row, b) != SVC_OK)
		bench_die(db_errmsg(db));
	check_same(a, b, "by county right after a write");
	db_rollback(db);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int64_t rounds = 7, year = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			if (field_int_parse_cstr(argv[++i], 1, ROUNDS_MAX, &rounds) != 0)
				bench_die("--rounds is 1 to 50");
		} else if (strcmp(argv[i], "--year") == 0 && i + 1 < argc) {
			if (field_int_parse_cstr(argv[++i], 2000, 2199, &year) != 0)
				bench_die("--year is 2000 to 2199");
		} else
			bench_die("usage: sp_bench --db FILE [--rounds N] [--year YYYY]");
	}
	if (path == NULL)
		bench_die("--db FILE is required");
	db_global_init();
	struct db *db;
	if (db_open(path, 0, &db) != 0 || regions_load(db) != 0)
		bench_die("cannot open the database");
	if (year == 0) {
		int y, m, d;
		date_to_ymd(today_china(), &y, &m, &d);
		year = y - 1; /* the last complete year */
	}
	struct sp_stats_query q = {.year = (int)year};
	if (scope_make(&ALL, 0, &q.sc) != 0)
		bench_die("scope");
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT (SELECT count(*) FROM sp_sample WHERE year = ?1 AND status = 'approved' AND "
	    "final_verdict IS NOT NULL), (SELECT count(*) FROM sp_sample), (SELECT count(*) FROM "
	    "sp_result), (SELECT count(*) FROM sp_tally WHERE year = ?1), (SELECT count(*) FROM "
	    "sp_item_tally WHERE year = ?1)");
	db_bind_int64(st, 1, year);
	if (db_step(st) != DB_ROW)
		bench_die(db_errmsg(db));
	printf("data:    %lld samples, %lld item results; %lld counted samples in %lld, in %lld "
	       "tally rows and %lld item-tally rows\n",
	       (long long)db_col_int64(st, 1), (long long)db_col_int64(st, 2),
	       (long long)db_col_int64(st, 0), (long long)year, (long long)db_col_int64(st, 3),
	       (long long)db_col_int64(st, 4));
	db_reset(st);

	static const char *const NAMES[KINDS] = {"(a) pass rate by prefecture, one year",
	                                         "(b) pass rate by product, one year",
	                                         "(c) failing items ranked, one year"};
	double t[KINDS][2][ROUNDS_MAX];
	struct buf a = {0}, b = {0};
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < KINDS; k++) {
			int first = r % 2; /* alternate which side goes first */
			struct buf *out[2] = {&a, &b};
			for (int s = 0; s < 2; s++) {
				int side = s ? !first : first;
				t[k][side][r] = run(db, k, side, &q, out[side]);
			}
			check_same(&a, &b, NAMES[k]);
		}
		write_check(db, &q, r, &a, &b);
	}
	printf("rounds:  %lld, alternating which side goes first; every answer checked equal\n\n",
	       (long long)rounds);
	printf("%-40s %14s %14s %8s\n", "query", "tallies ms", "obvious ms", "ratio");
	for (int k = 0; k < KINDS; k++) {
		double mt = bench_median(t[k][0], (int)rounds),
		       mo = bench_median(t[k][1], (int)rounds);
		printf("%-40s %14.3f %14.3f %7.0fx\n", NAMES[k], mt, mo, mo / (mt > 0 ? mt : 1e-6));
	}
	printf("(d) a verdict turned over %lld times (sp_tally_move): by county equal right after "
	       "each\n",
	       (long long)rounds);
	buf_free(&a);
	buf_free(&b);
	db_close(db);
	return 0;
}

/*
 * The tallies behind sampling statistics (see tally.h). A sample counts once it is approved
 * with a final verdict: one in sp_tally under (year, quarter, county, product, industry), and
 * each item result of its deciding round in sp_item_tally. sp_tally_move subtracts what a
 * sample counted for and adds what it counts for now, in the caller's transaction; rows that
 * reach zero are deleted, so the tables hold only what counts.
 *
 * The statistics read the tallies (a few thousand rows a year for a whole province) where the
 * obvious SQL reads every sample and every item result; both are here, the second as the
 * reference that tests and the benchmark hold the first to.
 */
#include "tally.h"

#include <stdio.h>
#include <string.h>

#include "platform/db.h"

/* The deciding round of sample s: 1 once its re-test is concluded, else 0. */
#define DECIDING_ROUND                                                                             \
	"COALESCE((SELECT 1 FROM sp_objection o WHERE o.sample_id = s.id AND o.outcome IS NOT "    \
	"NULL), 0)"
#define COUNTED "s.status = 'approved' AND s.final_verdict IS NOT NULL"

static const char SQL_SAMPLE[] =
    "SELECT year, quarter, region_code, product_id, industry FROM sp_sample WHERE id = ?";
static const char SQL_TALLY_ADD[] =
    "INSERT INTO sp_tally (year, quarter, region_code, product_id, industry, samples, passed) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (year, quarter, region_code, product_id, "
    "industry) DO UPDATE SET samples = samples + excluded.samples, passed = passed + "
    "excluded.passed";
static const char SQL_TALLY_PRUNE[] =
    "DELETE FROM sp_tally WHERE year = ? AND quarter = ? AND region_code = ? AND product_id = "
    "? AND industry = ? AND samples = 0";
static const char SQL_ITEMS_ADD[] =
    "INSERT INTO sp_item_tally (year, quarter, region_code, product_id, item_code, tested, "
    "failed) SELECT ?1, ?2, ?3, ?4, item_code, ?5, CASE WHEN judgement = 'fail' THEN ?5 ELSE 0 "
    "END FROM sp_result WHERE sample_id = ?6 AND round = ?7 AND 1 ON CONFLICT (year, quarter, "
    "region_code, product_id, item_code) DO UPDATE SET tested = tested + excluded.tested, "
    "failed = failed + excluded.failed";
static const char SQL_ITEMS_PRUNE[] =
    "DELETE FROM sp_item_tally WHERE year = ? AND quarter = ? AND region_code = ? AND "
    "product_id = ? AND tested = 0";

/* Where a sample is counted. */
struct place {
	int64_t year, quarter, region, product;
	char industry[16];
};

/* Adds sign times what a sample with final verdict counts for at p, with the item results of
 * round. */
static int tally_add(struct db *db, int64_t sample_id, const struct place *p, const char *final,
                     int round, int sign)
{
	struct db_stmt *st = db_prepare(db, SQL_TALLY_ADD);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, p->year);
	db_bind_int64(st, 2, p->quarter);
	db_bind_int64(st, 3, p->region);
	db_bind_int64(st, 4, p->product);
	db_bind_cstr(st, 5, p->industry);
	db_bind_int64(st, 6, sign);
	db_bind_int64(st, 7, strcmp(final, "pass") == 0 ? sign : 0);
	int rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		return SVC_ERROR;
	st = db_prepare(db, SQL_ITEMS_ADD);
	if (st == NULL)
		return SVC_ERROR;
	for (int i = 0; i < 4; i++)
		db_bind_int64(st, i + 1, (&p->year)[i]);
	db_bind_int64(st, 5, sign);
	db_bind_int64(st, 6, sample_id);
	db_bind_int64(st, 7, round);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		return SVC_ERROR;
	if (sign > 0)
		return SVC_OK;
	const char *const PRUNE[2] = {SQL_TALLY_PRUNE, SQL_ITEMS_PRUNE};
	for (int k = 0; k < 2; k++) {
		st = db_prepare(db, PRUNE[k]);
		if (st == NULL)
			return SVC_ERROR;
		for (int i = 0; i < 4; i++)
			db_bind_int64(st, i + 1, (&p->year)[i]);
		if (k == 0)
			db_bind_cstr(st, 5, p->industry);
		rc = db_step(st);
		db_reset(st);
		if (rc != DB_DONE)
			return SVC_ERROR;
	}
	return SVC_OK;
}

int sp_tally_move(struct db *db, int64_t sample_id, const char *old_final, int old_round,
                  const char *new_final, int new_round)
{
	struct db_stmt *st = db_prepare(db, SQL_SAMPLE);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, sample_id);
	int rc = db_step(st);
	struct place p;
	if (rc == DB_ROW) {
		p.year = db_col_int64(st, 0);
		p.quarter = db_col_int64(st, 1);
		p.region = db_col_int64(st, 2);
		p.product = db_col_int64(st, 3);
		snprintf(p.industry, sizeof p.industry, "%s", db_col_text(st, 4, NULL));
	}
	db_reset(st);
	if (rc != DB_ROW)
		return SVC_ERROR;
	if (old_final && tally_add(db, sample_id, &p, old_final, old_round, -1) != SVC_OK)
		return SVC_ERROR;
	if (new_final && tally_add(db, sample_id, &p, new_final, new_round, +1) != SVC_OK)
		return SVC_ERROR;
	return SVC_OK;
}

int sp_tally_rebuild(struct db *db)
{
	static const char *const SQL[] = {
	    "DELETE FROM sp_tally",
	    "DELETE FROM sp_item_tally",
	    "INSERT INTO sp_tally (year, quarter, region_code, product_id, industry, samples, "
	    "passed) SELECT s.year, s.quarter, s.region_code, s.product_id, s.industry, count(*), "
	    "sum(s.final_verdict = 'pass') FROM sp_sample s WHERE " COUNTED
	    " GROUP BY 1, 2, 3, 4, 5",
	    "INSERT INTO sp_item_tally (year, quarter, region_code, product_id, item_code, tested, "
	    "failed) SELECT s.year, s.quarter, s.region_code, s.product_id, r.item_code, count(*), "
	    "sum(r.judgement = 'fail') FROM sp_sample s JOIN sp_result r ON r.sample_id = s.id AND "
	    "r.round = " DECIDING_ROUND " WHERE " COUNTED " GROUP BY 1, 2, 3, 4, 5",
	};
	for (size_t i = 0; i < sizeof SQL / sizeof *SQL; i++)
		if (db_exec(db, SQL[i]) != 0)
			return SVC_ERROR;
	return SVC_OK;
}

int sp_stats_by_parse(const char *s, enum sp_stats_by *by)
{
	static const char *const NAMES[] = {"total",    "prefecture", "county", "product",
	                                    "category", "industry",   "quarter"};
	for (size_t i = 0; s && i < sizeof NAMES / sizeof *NAMES; i++)
		if (strcmp(s, NAMES[i]) == 0) {
			*by = (enum sp_stats_by)i;
			return 0;
		}
	return -1;
}

/* ---- Reading ------------------------------------------------------------------------------ */

/* The group key of each grouping over a row aliased t (tally or sample) joined with its
 * product p. */
static const char *const KEY[] = {
    [SP_BY_TOTAL] = "''",
    [SP_BY_PREFECTURE] = "printf('%06d', t.region_code / 100 * 100)",
    [SP_BY_COUNTY] = "printf('%06d', t.region_code)",
    [SP_BY_PRODUCT] = "p.code",
    [SP_BY_CATEGORY] = "p.category",
    [SP_BY_INDUSTRY] = "t.industry",
    [SP_BY_QUARTER] = "CAST(t.quarter AS TEXT)",
};

/* Appends the filters of q over t and binds nothing; bind_filters binds them in the same
 * order from *i on. */
static void filters_sql(struct buf *b, const struct sp_stats_query *q, int entity_col)
{
	buf_puts(b, " AND t.year = ?");
	if (q->quarter)
		buf_puts(b, " AND t.quarter = ?");
	if (q->product_id)
		buf_puts(b, " AND t.product_id = ?");
	scope_sql(b, &q->sc, "t.region_code", entity_col ? "t.producer" : "''");
}

static void filters_bind(struct db_stmt *st, int *i, const struct sp_stats_query *q)
{
	db_bind_int64(st, (*i)++, q->year);
	if (q->quarter)
		db_bind_int64(st, (*i)++, q->quarter);
	if (q->product_id)
		db_bind_int64(st, (*i)++, q->product_id);
	scope_bind(st, i, &q->sc);
}

/* Runs the statement assembled in b (fixed fragments only), binding q's filters, and hands
 * each row (text, int, int) to fn or gn. */
static int run(struct db *db, struct buf *b, const struct sp_stats_query *q, sp_stats_fn fn,
               sp_item_stats_fn gn, void *ctx)
{
	if (q->sc.n == 0 && q->sc.entity == NULL) {
		buf_free(b);
		return SVC_OK; /* nothing in scope */
	}
	struct db_stmt *st = db_prepare_once(db, b->data);
	buf_free(b);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	filters_bind(st, &i, q);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *key = db_col_text(st, 0, NULL);
		int64_t x = db_col_int64(st, 1), y = db_col_int64(st, 2);
		if (fn ? fn(ctx, key, x, y) : gn(ctx, key, x, y))
			break;
	}
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? SVC_OK : SVC_ERROR;
}

static int needs_product(enum sp_stats_by by)
{
	return by == SP_BY_PRODUCT || by == SP_BY_CATEGORY;
}

int sp_stats_obvious(struct db *db, const struct sp_stats_query *q, sp_stats_fn fn, void *ctx)
{
	struct buf b = {0};
	buf_printf(&b,
	           "SELECT %s, count(*), sum(t.final_verdict = 'pass') FROM sp_sample t%s WHERE "
	           "t.status = 'approved' AND t.final_verdict IS NOT NULL",
	           KEY[q->by],
	           needs_product(q->by) ? " JOIN sp_product p ON p.id = t.product_id" : "");
	filters_sql(&b, q, 1);
	buf_puts(&b, " GROUP BY 1 ORDER BY 1");
	return run(db, &b, q, fn, NULL, ctx);
}

int sp_stats(struct db *db, const struct sp_stats_query *q, sp_stats_fn fn, void *ctx)
{
	if (q->sc.entity)
		return sp_stats_obvious(db, q, fn, ctx);
	struct buf b = {0};
	buf_printf(&b, "SELECT %s, sum(t.samples), sum(t.passed) FROM sp_tally t%s WHERE 1",
	           KEY[q->by],
	           needs_product(q->by) ? " JOIN sp_product p ON p.id = t.product_id" : "");
	filters_sql(&b, q, 0);
	buf_puts(&b, " GROUP BY 1 ORDER BY 1");
	return run(db, &b, q, fn, NULL, ctx);
}

int sp_item_stats_obvious(struct db *db, const struct sp_stats_query *q, sp_item_stats_fn fn,
                          void *ctx)
{
	struct buf b = {0};
	buf_puts(&b, "SELECT r.item_code, count(*), sum(r.judgement = 'fail') FROM sp_sample t "
	             "JOIN sp_result r ON r.sample_id = t.id AND r.round = COALESCE((SELECT 1 FROM "
	             "sp_objection o WHERE o.sample_id = t.id AND o.outcome IS NOT NULL), 0) WHERE "
	             "t.status = 'approved' AND t.final_verdict IS NOT NULL");
	filters_sql(&b, q, 1);
	buf_puts(&b, " GROUP BY 1 ORDER BY 3 DESC, 1");
	return run(db, &b, q, NULL, fn, ctx);
}

int sp_item_stats(struct db *db, const struct sp_stats_query *q, sp_item_stats_fn fn, void *ctx)
{
	if (q->sc.entity)
		return sp_item_stats_obvious(db, q, fn, ctx);
	struct buf b = {0};
	buf_puts(&b,
	         "SELECT t.item_code, sum(t.tested), sum(t.failed) FROM sp_item_tally t WHERE 1");
	filters_sql(&b, q, 0);
	buf_puts(&b, " GROUP BY 1 ORDER BY 3 DESC, 1");
	return run(db, &b, q, NULL, fn, ctx);
}

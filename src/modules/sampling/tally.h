/*
 * Statistics of supervision sampling kept exact without a nightly rebuild: sp_tally (samples
 * and passes by year, quarter, county, product and industry) and sp_item_tally (items tested
 * and failed), moved in the same transaction as every change of a sample's final verdict.
 */
#ifndef JZ_SAMPLING_TALLY_H
#define JZ_SAMPLING_TALLY_H

#include <stdint.h>

#include "modules/sampling/common.h"

/*
 * Moves the tallies for sample id, whose final verdict changes from old_final to new_final
 * ("pass", "fail", or NULL for none: NULL -> "pass" at approval, "fail" -> "pass" when a
 * re-test overturns it). The item tallies count the results of the round that decides
 * (the re-test's once there is one: round is 0 or 1, for new_final; old_round for
 * old_final). Must run inside the caller's write transaction. Returns SVC_OK or SVC_ERROR.
 */
int sp_tally_move(struct db *db, int64_t sample_id, const char *old_final, int old_round,
                  const char *new_final, int new_round);

/*
 * Recomputes both tallies from sp_sample, sp_result and sp_objection, inside the caller's
 * write transaction: for bulk loads (the demo) that write samples without sp_tally_move. The
 * deciding round of a sample is 1 once its re-test is concluded (sp_objection.outcome set),
 * else 0. Returns SVC_OK or SVC_ERROR.
 */
int sp_tally_rebuild(struct db *db);

/* How statistics are grouped. */
enum sp_stats_by {
	SP_BY_TOTAL,      /* one row, key "" */
	SP_BY_PREFECTURE, /* key: the six-digit code of the county's prefecture */
	SP_BY_COUNTY,     /* key: the six-digit county code */
	SP_BY_PRODUCT,    /* key: sp_product.code */
	SP_BY_CATEGORY,   /* key: sp_product.category */
	SP_BY_INDUSTRY,   /* key: the GB/T 4754 section of the producer */
	SP_BY_QUARTER,    /* key: "1" to "4" */
};

/* A statistics query: approved samples with a final verdict of one year. */
struct sp_stats_query {
	struct scope sc;    /* regions counted (an entity scope: only that producer's samples) */
	int year;           /* 2000..2199 */
	int quarter;        /* 1..4, or 0 for the whole year */
	int64_t product_id; /* one product, or 0 for all */
	enum sp_stats_by by;
};

/* Called per group in ascending order of key; a non-zero return stops the walk. */
typedef int (*sp_stats_fn)(void *ctx, const char *key, int64_t samples, int64_t passed);
/* Called per test item in descending order of failed, then item code. */
typedef int (*sp_item_stats_fn)(void *ctx, const char *item_code, int64_t tested, int64_t failed);

/* Samples and passes per group, from the tallies (an entity scope reads the samples
 * themselves: the tallies do not keep producers). Returns SVC_OK or SVC_ERROR. */
int sp_stats(struct db *db, const struct sp_stats_query *q, sp_stats_fn fn, void *ctx);
/* Items tested and failed in the deciding round, from the item tallies (q->by is ignored).
 * Returns SVC_OK or SVC_ERROR. */
int sp_item_stats(struct db *db, const struct sp_stats_query *q, sp_item_stats_fn fn, void *ctx);

/* The same two answers by the obvious SQL over sp_sample and sp_result (the reference the
 * tests and the benchmark hold the tallies to). Returns SVC_OK or SVC_ERROR. */
int sp_stats_obvious(struct db *db, const struct sp_stats_query *q, sp_stats_fn fn, void *ctx);
int sp_item_stats_obvious(struct db *db, const struct sp_stats_query *q, sp_item_stats_fn fn,
                          void *ctx);

/* The enum of a "by" parameter (total, prefecture, county, product, category, industry,
 * quarter). Returns 0, or -1 for an unknown name. */
int sp_stats_by_parse(const char *s, enum sp_stats_by *by);

#endif

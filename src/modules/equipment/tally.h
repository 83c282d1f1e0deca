/*
 * The live tallies behind the four rates (tables eq_tally, eq_tally_day, eq_tally_month).
 * Every write to a unit, operator or accident calls eq_tally_apply in its own transaction with
 * what the row counted for before and after the change, so the tallies equal the obvious
 * count over the raw tables at every moment: no nightly rebuild.
 */
#ifndef JZ_EQUIPMENT_TALLY_H
#define JZ_EQUIPMENT_TALLY_H

#include <stdint.h>

#include "modules/equipment/common.h"

struct db;

/* What one row contributes. kind == EQ_TALLY_NONE: the row counts for nothing (absent before a
 * create, or after a delete). */
enum eq_tally_kind { EQ_TALLY_NONE, EQ_TALLY_UNIT, EQ_TALLY_OPERATOR, EQ_TALLY_ACCIDENT };

struct eq_tally_row {
	enum eq_tally_kind kind;
	int region;       /* county (or higher) code of the row */
	char category[5]; /* top-level category, e.g. "3000" */
	/* EQ_TALLY_UNIT */
	int in_use;     /* status is in_use */
	int registered; /* ... and it has a use-registration code */
	int subject;    /* ... and a rule makes it subject to periodic inspection */
	int32_t due;    /* ... next inspection due (day number), when subject */
	/* EQ_TALLY_OPERATOR */
	int on_duty;     /* on duty */
	int certified;   /* ... holding a certificate */
	int32_t expires; /* ... valid until (day number), when certified */
	/* EQ_TALLY_ACCIDENT */
	int32_t occurred; /* day it occurred */
	int closed;       /* closed with all four elements */
};

/* Moves the tallies from what before counted to what after counts (either may be kind NONE).
 * Must run inside the write transaction that changes the row. Returns 0 or a negative
 * db_result. */
int eq_tally_apply(struct db *db, const struct eq_tally_row *before,
                   const struct eq_tally_row *after);

/* Recomputes every tally from the rows, inside the caller's write transaction: for a bulk load
 * (the demo, a migration from another system) that writes rows without eq_tally_apply. Never
 * needed in normal operation. Returns 0 or a negative db_result. */
int eq_tally_rebuild(struct db *db);

/* A rate: num of den (den 0: no rate). */
struct eq_rate {
	int64_t num, den;
};

/* Counts behind the rates, as the queries return them by kind ("in_use", "due", ...). */
struct eq_counts {
	int64_t in_use, registered, subject, overdue, on_duty, certified, expired, accidents,
	    closed;
};

/* Adds n to the count of kind (unknown kinds are ignored). */
void eq_counts_add(struct eq_counts *c, const char *kind, int64_t n);

/* The four rates of one group. */
struct eq_rates {
	struct eq_rate registration; /* registered units in use / units in use */
	struct eq_rate inspection;   /* subject units not overdue on `on` / subject units */
	struct eq_rate operators; /* on-duty operators with a certificate valid on `on` / on duty */
	struct eq_rate accidents; /* closed accidents / accidents that occurred in [from, to] */
};

struct eq_rates_query {
	struct scope scope;   /* regions counted */
	const char *category; /* top-level category, or NULL for all */
	int32_t on;           /* the day overdue and validity are judged on */
	int32_t from, to;     /* accidents that occurred in [from, to] */
	int by;               /* 0: one total; 1: per prefecture; 2: per county */
};

/* Called per group in ascending order of region (region 0 for the total when by is 0). */
typedef int (*eq_rates_fn)(void *ctx, int region, const struct eq_rates *r);

/* Reads the four rates from the tallies. Returns 0 or a negative db_result. */
int eq_tally_rates(struct db *db, const struct eq_rates_query *q, eq_rates_fn fn, void *ctx);

/* The same answer computed the obvious way, from the raw tables (for tests and the benchmark
 * that hold the tallies to it, and for an enterprise account's own rates). */
int eq_rates_obvious(struct db *db, const struct eq_rates_query *q, eq_rates_fn fn, void *ctx);

/* The four rates per use unit (credit code) among the rows in q's scope (a county or a
 * prefecture holds hundreds of use units, so the rows are counted directly), in order of
 * credit code. q->by is ignored. */
typedef int (*eq_use_unit_rates_fn)(void *ctx, const char *use_unit, const struct eq_rates *r);
int eq_rates_by_use_unit(struct db *db, const struct eq_rates_query *q, eq_use_unit_rates_fn fn,
                         void *ctx);

#endif

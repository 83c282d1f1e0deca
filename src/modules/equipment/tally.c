/*
 * Live tallies behind the four rates. A row's contribution is a short list of (kind, date)
 * counts; a change subtracts the old list and adds the new one, cancelling what did not move,
 * so a typical edit touches nothing and an inspection moves one due date.
 *
 * Dated counts are kept twice: per day and per month. "How many fall before day D" is then
 * the months before D's month plus the days of D's month before D: at most a few hundred rows
 * per county whatever the number of units.
 */
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/dates.h"
#include "platform/db.h"

#define MAX_TERMS 8 /* contributions of one row, both signs */

struct term {
	const char *kind; /* a static string: the kind column */
	int region;
	const char *category;
	int32_t day; /* dated kinds: day number; else DATE_NONE */
	int sign;
};

static int contributions(const struct eq_tally_row *r, int sign, struct term *t)
{
	int n = 0;
#define ADD(k, d) (t[n++] = (struct term){(k), r->region, r->category, (d), sign})
	switch (r->kind) {
	case EQ_TALLY_UNIT:
		if (r->in_use) {
			ADD("in_use", DATE_NONE);
			if (r->registered)
				ADD("registered", DATE_NONE);
			if (r->subject) {
				ADD("subject", DATE_NONE);
				ADD("due", r->due);
			}
		}
		break;
	case EQ_TALLY_OPERATOR:
		if (r->on_duty) {
			ADD("on_duty", DATE_NONE);
			if (r->certified) {
				ADD("certified", DATE_NONE);
				ADD("expires", r->expires);
			}
		}
		break;
	case EQ_TALLY_ACCIDENT:
		ADD("accident", r->occurred);
		if (r->closed)
			ADD("closed", r->occurred);
		break;
	case EQ_TALLY_NONE:
		break;
	}
#undef ADD
	return n;
}

static int same_place(const struct term *a, const struct term *b)
{
	return a->kind == b->kind && a->region == b->region && a->day == b->day &&
	       strcmp(a->category, b->category) == 0;
}

static int add_plain(struct db *db, const struct term *t)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO eq_tally (kind, region_code, category, n) VALUES (?, ?, ?, ?) "
	        "ON CONFLICT (kind, region_code, category) DO UPDATE SET n = n + excluded.n");
	struct db_stmt *del = db_prepare(
	    db,
	    "DELETE FROM eq_tally WHERE kind = ? AND region_code = ? AND category = ? AND n = 0");
	if (st == NULL || del == NULL)
		return DB_ERROR;
	db_bind_cstr_static(st, 1, t->kind);
	db_bind_int64(st, 2, t->region);
	db_bind_cstr(st, 3, t->category);
	db_bind_int64(st, 4, t->sign);
	int rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE || t->sign > 0)
		return rc;
	db_bind_cstr_static(del, 1, t->kind);
	db_bind_int64(del, 2, t->region);
	db_bind_cstr(del, 3, t->category);
	rc = db_step(del);
	db_reset(del);
	return rc;
}

/* Adds sign to the day row and the month row of t's date; rows that reach zero go, so the
 * tables hold only dates that count. */
static int add_dated(struct db *db, const struct term *t)
{
	static const char *const UPSERT[2] = {
	    "INSERT INTO eq_tally_day (kind, day, region_code, category, n) VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT (kind, day, region_code, category) DO UPDATE SET n = n + excluded.n",
	    "INSERT INTO eq_tally_month (kind, month, region_code, category, n) "
	    "VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT (kind, month, region_code, category) DO UPDATE SET n = n + excluded.n"};
	static const char *const PRUNE[2] = {
	    "DELETE FROM eq_tally_day WHERE kind = ? AND day = ? AND region_code = ? AND "
	    "category = ? AND n = 0",
	    "DELETE FROM eq_tally_month WHERE kind = ? AND month = ? AND region_code = ? AND "
	    "category = ? AND n = 0"};
	int y, m, d;
	date_to_ymd(t->day, &y, &m, &d);
	int64_t key[2] = {(int64_t)y * 10000 + m * 100 + d, (int64_t)y * 100 + m};
	for (int g = 0; g < 2; g++) {
		struct db_stmt *st = db_prepare(db, UPSERT[g]);
		if (st == NULL)
			return DB_ERROR;
		db_bind_cstr_static(st, 1, t->kind);
		db_bind_int64(st, 2, key[g]);
		db_bind_int64(st, 3, t->region);
		db_bind_cstr(st, 4, t->category);
		db_bind_int64(st, 5, t->sign);
		int rc = db_step(st);
		db_reset(st);
		if (rc != DB_DONE)
			return rc;
		if (t->sign > 0)
			continue;
		st = db_prepare(db, PRUNE[g]);
		if (st == NULL)
			return DB_ERROR;
		db_bind_cstr_static(st, 1, t->kind);
		db_bind_int64(st, 2, key[g]);
		db_bind_int64(st, 3, t->region);
		db_bind_cstr(st, 4, t->category);
		rc = db_step(st);
		db_reset(st);
		if (rc != DB_DONE)
			return rc;
	}
	return DB_DONE;
}

int eq_tally_apply(struct db *db, const struct eq_tally_row *before,
                   const struct eq_tally_row *after)
{
	struct term t[MAX_TERMS];
	int n = contributions(before, -1, t);
	n += contributions(after, +1, t + n);
	/* What is counted the same before and after does not move. */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n && t[i].sign; j++)
			if (t[j].sign == -t[i].sign && same_place(&t[i], &t[j]))
				t[i].sign = t[j].sign = 0;
	for (int i = 0; i < n; i++) {
		if (t[i].sign == 0)
			continue;
		int rc = t[i].day == DATE_NONE ? add_plain(db, &t[i]) : add_dated(db, &t[i]);
		if (rc != DB_DONE)
			return rc < 0 ? rc : DB_ERROR;
	}
	return 0;
}

int eq_tally_rebuild(struct db *db)
{
	/* Dates as YYYYMMDD and YYYYMM integers, categories cut to their top level, exactly as
	 * eq_tally_apply keys them. */
#define TOP    "substr(category, 1, 1) || '000'"
#define DAY(c) "CAST(replace(" c ", '-', '') AS INTEGER)"
#define ROWS_OF(kind, date, from)                                                                  \
	"SELECT '" kind "', " DAY(date) ", region_code, " TOP ", count(*) FROM " from              \
	                                " GROUP BY 2, 3, 4"
	static const char *const SQL[] = {
	    "DELETE FROM eq_tally",
	    "DELETE FROM eq_tally_day",
	    "DELETE FROM eq_tally_month",
	    ("INSERT INTO eq_tally (kind, region_code, category, n) "
	     "SELECT 'in_use', region_code, " TOP
	     ", count(*) FROM eq_unit NOT INDEXED WHERE status = 'in_use' "
	     "GROUP BY 2, 3 UNION ALL "
	     "SELECT 'registered', region_code, " TOP
	     ", count(*) FROM eq_unit NOT INDEXED WHERE status = "
	     "'in_use' AND reg_code IS NOT NULL GROUP BY 2, 3 UNION ALL "
	     "SELECT 'subject', region_code, " TOP
	     ", count(*) FROM eq_unit NOT INDEXED WHERE status = 'in_use' "
	     "AND next_due IS NOT NULL GROUP BY 2, 3 UNION ALL "
	     "SELECT 'on_duty', region_code, " TOP
	     ", count(*) FROM eq_operator NOT INDEXED WHERE on_duty = 1 "
	     "GROUP BY 2, 3 UNION ALL "
	     "SELECT 'certified', region_code, " TOP
	     ", count(*) FROM eq_operator NOT INDEXED WHERE on_duty = 1 "
	     "AND cert_no IS NOT NULL GROUP BY 2, 3"),
	    ("INSERT INTO eq_tally_day (kind, day, region_code, category, "
	     "n) " ROWS_OF(
	         "due", "next_due",
	         "eq_unit NOT INDEXED WHERE status = 'in_use' AND next_due IS NOT "
	         "NULL") " UNION ALL " ROWS_OF("expires", "valid_until",
	                                       "eq_operator NOT INDEXED WHERE "
	                                       "on_duty = 1 AND cert_no IS NOT "
	                                       "NULL") " UNION ALL " ROWS_OF("accid"
	                                                                     "ent",
	                                                                     "occur"
	                                                                     "red_"
	                                                                     "on",
	                                                                     "eq_"
	                                                                     "accid"
	                                                                     "ent "
	                                                                     "NOT "
	                                                                     "INDEX"
	                                                                     "ED") " UNION "
	                                                                           "ALL " ROWS_OF(
	                                                                               "closed",
	                                                                               "occurred_"
	                                                                               "on",
	                                                                               "eq_"
	                                                                               "accident "
	                                                                               "NOT "
	                                                                               "INDEXED "
	                                                                               "WHERE "
	                                                                               "status = "
	                                                                               "'closed'")),
	    ("INSERT INTO eq_tally_month (kind, month, region_code, category, n) "
	     "SELECT kind, day / "
	     "100, region_code, category, sum(n) FROM eq_tally_day GROUP BY 1, 2, "
	     "3, 4"),
	};
#undef ROWS_OF
#undef DAY
#undef TOP
	for (size_t i = 0; i < sizeof SQL / sizeof *SQL; i++) {
		int rc = db_exec(db, SQL[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- Reading the rates ------------------------------------------------------------------ */

#define MAX_GROUPS 1024 /* counties of a country fit; larger groups are summed in place */

struct group {
	int region;
	struct eq_counts c;
};

struct groups {
	struct group g[MAX_GROUPS];
	int n;
	int by;
};

static struct group *group_of(struct groups *gs, int region)
{
	int key = gs->by == 0 ? 0 : gs->by == 1 ? region / 100 * 100 : region;
	/* Groups arrive mostly in order: search from the end. */
	for (int i = gs->n - 1; i >= 0; i--)
		if (gs->g[i].region == key)
			return &gs->g[i];
	if (gs->n == MAX_GROUPS)
		return NULL;
	struct group *g = &gs->g[gs->n++];
	memset(g, 0, sizeof *g);
	g->region = key;
	return g;
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	return (x->region > y->region) - (x->region < y->region);
}

static void counts_rates(const struct eq_counts *c, struct eq_rates *r)
{
	r->registration = (struct eq_rate){c->registered, c->in_use};
	r->inspection = (struct eq_rate){c->subject - c->overdue, c->subject};
	r->operators = (struct eq_rate){c->certified - c->expired, c->on_duty};
	r->accidents = (struct eq_rate){c->closed, c->accidents};
}

static int emit(struct groups *gs, eq_rates_fn fn, void *ctx)
{
	qsort(gs->g, (size_t)gs->n, sizeof gs->g[0], cmp_group);
	if (gs->by == 0 && gs->n == 0)
		group_of(gs, 0); /* a total is answered even when nothing counts */
	for (int i = 0; i < gs->n; i++) {
		struct eq_rates r;
		counts_rates(&gs->g[i].c, &r);
		if (fn(ctx, gs->g[i].region, &r))
			break;
	}
	return 0;
}

void eq_counts_add(struct eq_counts *c, const char *kind, int64_t n)
{
	int64_t *slot = strcmp(kind, "in_use") == 0       ? &c->in_use
	                : strcmp(kind, "registered") == 0 ? &c->registered
	                : strcmp(kind, "subject") == 0    ? &c->subject
	                : strcmp(kind, "due") == 0        ? &c->overdue
	                : strcmp(kind, "on_duty") == 0    ? &c->on_duty
	                : strcmp(kind, "certified") == 0  ? &c->certified
	                : strcmp(kind, "expires") == 0    ? &c->expired
	                : strcmp(kind, "accident") == 0   ? &c->accidents
	                : strcmp(kind, "closed") == 0     ? &c->closed
	                                                  : NULL;
	if (slot)
		*slot += n;
}

/* Steps st (bound; it selects region_code, kind, count) adding each row to its group, and
 * finalizes it. */
static int collect(struct db_stmt *st, struct groups *gs)
{
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct group *g = group_of(gs, (int)db_col_int64(st, 0));
		if (g == NULL) {
			rc = DB_ERROR;
			break;
		}
		eq_counts_add(&g->c, db_col_text(st, 1, NULL), db_col_int64(st, 2));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

/* SQL assembled from constant fragments and the scope's placeholder count: no user text. */
static struct db_stmt *prepare(struct db *db, const char *head, const struct eq_rates_query *q,
                               const char *tail)
{
	struct buf b = {0};
	buf_puts(&b, head);
	scope_sql(&b, &q->scope, "region_code", "''");
	if (q->category)
		buf_puts(&b, " AND category = ?");
	buf_puts(&b, tail);
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	return st;
}

static int64_t day_key(int32_t day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	return (int64_t)y * 10000 + m * 100 + d;
}

/* The tally queries: each selects region_code, kind, count with its own leading parameters
 * (bound by eq_tally_rates), then the scope and category. */
static const char *const TALLY_SQL[4] = {
    "SELECT region_code, kind, sum(n) FROM eq_tally WHERE kind IN "
    "('in_use', 'registered', 'subject', 'on_duty', 'certified')",
    "SELECT region_code, kind, sum(n) FROM eq_tally_month WHERE kind IN ('due', 'expires') AND "
    "month < ?",
    "SELECT region_code, kind, sum(n) FROM eq_tally_day WHERE kind IN ('due', 'expires') AND "
    "day >= ? AND day < ?",
    "SELECT region_code, kind, sum(n) FROM eq_tally_day WHERE kind IN ('accident', 'closed') "
    "AND day BETWEEN ? AND ?",
};

int eq_tally_rates(struct db *db, const struct eq_rates_query *q, eq_rates_fn fn, void *ctx)
{
	/* The tallies are per region: an enterprise's own rates come from its rows. */
	if (q->scope.entity)
		return eq_rates_obvious(db, q, fn, ctx);
	struct groups *gs = xcalloc(1, sizeof *gs);
	gs->by = q->by;
	int y, m, d;
	date_to_ymd(q->on, &y, &m, &d);
	int64_t on_month = (int64_t)y * 100 + m;
	/* Before `on`: the months before its month, then its month's days before it. */
	const int64_t params[4][2] = {
	    {0, 0},
	    {on_month, 0},
	    {on_month * 100 + 1, day_key(q->on)},
	    {day_key(q->from), day_key(q->to)},
	};
	const int nparams[4] = {0, 1, 2, 2};
	int rc = 0;
	for (int part = 0; part < 4 && rc == 0; part++) {
		struct db_stmt *st = prepare(db, TALLY_SQL[part], q, " GROUP BY region_code, kind");
		if (st == NULL) {
			rc = DB_ERROR;
			break;
		}
		int i = 1;
		for (int k = 0; k < nparams[part]; k++)
			db_bind_int64(st, i++, params[part][k]);
		scope_bind(st, &i, &q->scope);
		if (q->category)
			db_bind_cstr(st, i++, q->category);
		rc = collect(st, gs);
	}
	if (rc == 0)
		rc = emit(gs, fn, ctx);
	free(gs);
	return rc;
}

/* The obvious query over the raw rows: every unit, operator and accident in the scope is
 * read and counted by kind. ?1 is `on`, ?2 and ?3 the accident period; the scope and the
 * category follow. The group column (region_code or who, the use unit) is chosen by prefix. */
#define OBVIOUS_ROWS                                                                               \
	" kind, count(*) FROM ("                                                                   \
	"SELECT use_unit AS who, region_code, category, 'in_use' AS kind FROM eq_unit WHERE "      \
	"status = 'in_use' UNION ALL SELECT use_unit, region_code, category, 'registered' FROM "   \
	"eq_unit WHERE status = 'in_use' AND reg_code IS NOT NULL UNION ALL SELECT use_unit, "     \
	"region_code, category, 'subject' FROM eq_unit WHERE status = 'in_use' AND next_due IS "   \
	"NOT NULL UNION ALL SELECT use_unit, region_code, category, 'due' FROM eq_unit WHERE "     \
	"status = 'in_use' AND next_due < ?1 UNION ALL SELECT employer, region_code, category, "   \
	"'on_duty' FROM eq_operator WHERE on_duty = 1 UNION ALL SELECT employer, region_code, "    \
	"category, 'certified' FROM eq_operator WHERE on_duty = 1 AND cert_no IS NOT NULL UNION "  \
	"ALL SELECT employer, region_code, category, 'expires' FROM eq_operator WHERE on_duty = "  \
	"1 "                                                                                       \
	"AND cert_no IS NOT NULL AND valid_until < ?1 UNION ALL SELECT use_unit, region_code, "    \
	"category, 'accident' FROM eq_accident WHERE occurred_on BETWEEN ?2 AND ?3 UNION ALL "     \
	"SELECT use_unit, region_code, category, 'closed' FROM eq_accident WHERE occurred_on "     \
	"BETWEEN ?2 AND ?3 AND status = 'closed') WHERE 1"

/* Prepares and binds the obvious query grouped by region_code or by who. */
static struct db_stmt *obvious_stmt(struct db *db, const struct eq_rates_query *q, int by_who)
{
	struct buf b = {0};
	buf_puts(&b, by_who ? "SELECT who," OBVIOUS_ROWS : "SELECT region_code," OBVIOUS_ROWS);
	scope_sql(&b, &q->scope, "region_code", "who");
	/* Rows carry the full category code; the filter is a top-level one. */
	if (q->category)
		buf_puts(&b, " AND substr(category, 1, 1) || '000' = ?");
	buf_puts(&b, by_who ? " GROUP BY who, kind ORDER BY who" : " GROUP BY region_code, kind");
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return NULL;
	char on[11], from[11], to[11];
	date_format(q->on, on);
	date_format(q->from, from);
	date_format(q->to, to);
	db_bind_cstr(st, 1, on);
	db_bind_cstr(st, 2, from);
	db_bind_cstr(st, 3, to);
	int i = 4;
	scope_bind(st, &i, &q->scope);
	if (q->category)
		db_bind_cstr(st, i++, q->category);
	return st;
}

int eq_rates_obvious(struct db *db, const struct eq_rates_query *q, eq_rates_fn fn, void *ctx)
{
	struct db_stmt *st = obvious_stmt(db, q, 0);
	if (st == NULL)
		return DB_ERROR;
	struct groups *gs = xcalloc(1, sizeof *gs);
	gs->by = q->by;
	int rc = collect(st, gs);
	if (rc == 0)
		rc = emit(gs, fn, ctx);
	free(gs);
	return rc;
}

int eq_rates_by_use_unit(struct db *db, const struct eq_rates_query *q, eq_use_unit_rates_fn fn,
                         void *ctx)
{
	struct db_stmt *st = obvious_stmt(db, q, 1);
	if (st == NULL)
		return DB_ERROR;
	char who[32] = "";
	struct eq_counts c = {0};
	struct eq_rates r;
	int rc, stop = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *w = db_col_text(st, 0, NULL);
		if (who[0] && strcmp(who, w) != 0) {
			counts_rates(&c, &r);
			if ((stop = fn(ctx, who, &r)) != 0)
				break;
			memset(&c, 0, sizeof c);
		}
		snprintf(who, sizeof who, "%s", w);
		eq_counts_add(&c, db_col_text(st, 1, NULL), db_col_int64(st, 2));
	}
	if (rc == DB_DONE && who[0]) {
		counts_rates(&c, &r);
		fn(ctx, who, &r);
	}
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

/*
 * The special-equipment dashboard against the obvious SQL, in one process on one database
 * (bench/equipment.sh builds this with the eq_bench target and runs it on a copy of the large
 * demo database). Rounds alternate which side goes first; every answer is checked equal to the
 * other side's, and the program stops with status 1 at the first difference.
 *
 *   (a) the four rates for the whole region (by 0) and per prefecture (by 1): eq_tally_rates
 *       (the live tallies) against eq_rates_obvious (the module's own obvious query over every
 *       unit, operator and accident row) and against a second plain reference, one scan of
 *       each raw table with conditional sums (NOT INDEXED), folded the same way;
 *   (b) the overdue list of one prefecture, every row: eq_unit_list with due=overdue, page by
 *       page through its cursor, against one plain query over eq_unit that is not allowed the
 *       partial due index (NOT INDEXED: a full scan, then a sort) and the same query made to
 *       use the plain region index (INDEXED BY eq_unit_region); and the first page of 50 (what
 *       the due-list view shows) against the NOT INDEXED query with LIMIT 50;
 *   (c) one write through the service per round, in turn an inspection recorded, a status
 *       changed, a unit registered, a unit without history deleted (every kind at least once
 *       whatever the number of rounds), each followed at once by the rates per county (by 2)
 *       from the tallies against eq_rates_obvious; the next round's comparisons of (a) and (b)
 *       also run right after it. Both sides fold the same per-county rows into prefectures
 *       and the total, so equality by county carries to by 1 and by 0.
 *
 *   eq_bench --db FILE [--rounds N] [--prefecture CODE]
 */
#include <fcntl.h>
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_NAME "eq_bench"
#include "bench.h"
#include "modules/equipment/tally.h"
#include "modules/equipment/units.h"
#include "modules/regions/service.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/migrate.h"

#define ROUNDS_MAX BENCH_ROUNDS_MAX
#define GROUPS_MAX 1024
#define DEVICE_LEN 18

static const struct actor ALL = {.name = "bench", .all_regions = 1};

/* ---- (a) the rates ------------------------------------------------------------------------- */

struct groups {
	int n;
	int region[GROUPS_MAX];
	struct eq_rates r[GROUPS_MAX];
};

static int collect(void *ctx, int region, const struct eq_rates *r)
{
	struct groups *g = ctx;
	if (g->n == GROUPS_MAX)
		bench_die("too many groups");
	g->region[g->n] = region;
	g->r[g->n++] = *r;
	return 0;
}

static int all_zero(const struct eq_rates *r)
{
	return !r->registration.num && !r->registration.den && !r->inspection.num &&
	       !r->inspection.den && !r->operators.num && !r->operators.den && !r->accidents.num &&
	       !r->accidents.den;
}

/* Groups where nothing counts may be left out by one side (the tallies drop rows that reach
 * zero); everything else must be identical, or the program stops. */
static void same_groups(const struct groups *x, const struct groups *y, int by, const char *what)
{
	static struct groups a, b;
	a = *x;
	b = *y;
	struct groups *s[2] = {&a, &b};
	for (int k = 0; k < 2; k++) {
		int w = 0;
		for (int i = 0; i < s[k]->n; i++)
			if (by == 0 || !all_zero(&s[k]->r[i])) {
				s[k]->region[w] = s[k]->region[i];
				s[k]->r[w++] = s[k]->r[i];
			}
		s[k]->n = w;
	}
	if (a.n != b.n) {
		fprintf(stderr, "eq_bench: %s: %d groups from the tallies, %d from the rows\n",
		        what, a.n, b.n);
		exit(1);
	}
	for (int i = 0; i < a.n; i++)
		if (a.region[i] != b.region[i] || memcmp(&a.r[i], &b.r[i], sizeof a.r[i]) != 0) {
			const struct eq_rates *p = &a.r[i], *q = &b.r[i];
			fprintf(
			    stderr,
			    "eq_bench: %s: DIFFERENT at region %d: tallies %lld/%lld %lld/%lld "
			    "%lld/%lld %lld/%lld, rows %lld/%lld %lld/%lld %lld/%lld %lld/%lld\n",
			    what, a.region[i], (long long)p->registration.num,
			    (long long)p->registration.den, (long long)p->inspection.num,
			    (long long)p->inspection.den, (long long)p->operators.num,
			    (long long)p->operators.den, (long long)p->accidents.num,
			    (long long)p->accidents.den, (long long)q->registration.num,
			    (long long)q->registration.den, (long long)q->inspection.num,
			    (long long)q->inspection.den, (long long)q->operators.num,
			    (long long)q->operators.den, (long long)q->accidents.num,
			    (long long)q->accidents.den);
			exit(1);
		}
}

/* The dashboard's question: judged today, accidents since 1 January (the API's defaults). */
static void rates_query(struct eq_rates_query *q, int by)
{
	memset(q, 0, sizeof *q);
	if (scope_make(&ALL, 0, &q->scope) != 0)
		bench_die("scope");
	int32_t today = today_china();
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	q->on = today;
	q->from = date_from_ymd(y, 1, 1);
	q->to = today;
	q->by = by;
}

/* One answer, eq_tally_rates or eq_rates_obvious, into g; returns its time (ms). */
static double rates_timed(struct db *db, int obvious, int by, struct groups *g)
{
	struct eq_rates_query q;
	rates_query(&q, by);
	g->n = 0;
	double t0 = bench_now_ms();
	int rc =
	    obvious ? eq_rates_obvious(db, &q, collect, g) : eq_tally_rates(db, &q, collect, g);
	double ms = bench_now_ms() - t0;
	if (rc != 0)
		bench_die(obvious ? "eq_rates_obvious failed" : "eq_tally_rates failed");
	return ms;
}

/* The second reference: each raw table read once, the counts per county summed in SQL, then
 * folded into the total (g0) and prefectures (g1) as the module folds them. ?1 is the day
 * judged on, ?2 and ?3 the accident period. */
static const char SCAN_SQL[] =
    "SELECT region_code, 0, sum(status = 'in_use'), sum(status = 'in_use' AND reg_code IS NOT "
    "NULL), sum(status = 'in_use' AND next_due IS NOT NULL), sum(status = 'in_use' AND next_due "
    "< ?1) FROM eq_unit NOT INDEXED GROUP BY region_code UNION ALL SELECT region_code, 1, "
    "sum(on_duty = 1), sum(on_duty = 1 AND cert_no IS NOT NULL), sum(on_duty = 1 AND cert_no IS "
    "NOT NULL AND valid_until < ?1), 0 FROM eq_operator NOT INDEXED GROUP BY region_code UNION "
    "ALL SELECT region_code, 2, count(*), sum(status = 'closed'), 0, 0 FROM eq_accident NOT "
    "INDEXED WHERE occurred_on BETWEEN ?2 AND ?3 GROUP BY region_code";

static struct eq_counts *fold(struct eq_counts *c, int *regions, int *n, int key)
{
	for (int i = 0; i < *n; i++)
		if (regions[i] == key)
			return &c[i];
	if (*n == GROUPS_MAX)
		bench_die("too many groups");
	regions[*n] = key;
	memset(&c[*n], 0, sizeof c[*n]);
	return &c[(*n)++];
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static double rates_scan(struct db *db, struct groups *g0, struct groups *g1)
{
	static struct eq_counts c[2][GROUPS_MAX];
	static int regions[2][GROUPS_MAX];
	int n[2] = {0, 0};
	struct eq_rates_query q;
	rates_query(&q, 0);
	char on[11], from[11], to[11];
	date_format(q.on, on);
	date_format(q.from, from);
	date_format(q.to, to);
	double t0 = bench_now_ms();
	struct db_stmt *st = db_prepare(db, SCAN_SQL);
	if (st == NULL)
		bench_die("cannot prepare the scan");
	db_bind_cstr(st, 1, on);
	db_bind_cstr(st, 2, from);
	db_bind_cstr(st, 3, to);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int region = (int)db_col_int64(st, 0), table = (int)db_col_int64(st, 1);
		int64_t v[4];
		for (int i = 0; i < 4; i++)
			v[i] = db_col_int64(st, 2 + i);
		for (int by = 0; by < 2; by++) {
			struct eq_counts *x =
			    fold(c[by], regions[by], &n[by], by ? region / 100 * 100 : 0);
			if (table == 0) {
				x->in_use += v[0];
				x->registered += v[1];
				x->subject += v[2];
				x->overdue += v[3];
			} else if (table == 1) {
				x->on_duty += v[0];
				x->certified += v[1];
				x->expired += v[2];
			} else {
				x->accidents += v[0];
				x->closed += v[1];
			}
		}
	}
	db_reset(st);
	if (rc != DB_DONE)
		bench_die("the scan failed");
	struct groups *g[2] = {g0, g1};
	for (int by = 0; by < 2; by++) {
		if (by == 0 && n[0] == 0)
			fold(c[0], regions[0], &n[0], 0);
		int order[GROUPS_MAX];
		memcpy(order, regions[by], (size_t)n[by] * sizeof *order);
		qsort(order, (size_t)n[by], sizeof *order, cmp_int);
		g[by]->n = 0;
		for (int i = 0; i < n[by]; i++) {
			const struct eq_counts *x = fold(c[by], regions[by], &n[by], order[i]);
			struct eq_rates r = {{x->registered, x->in_use},
			                     {x->subject - x->overdue, x->subject},
			                     {x->certified - x->expired, x->on_duty},
			                     {x->closed, x->accidents}};
			collect(g[by], order[i], &r);
		}
	}
	return bench_now_ms() - t0;
}

/* The rates per county from the tallies and from eq_rates_obvious: identical, or stop. */
static void rates_check_counties(struct db *db, const char *after)
{
	static struct groups a, b;
	rates_timed(db, 0, 2, &a);
	rates_timed(db, 1, 2, &b);
	char what[160];
	snprintf(what, sizeof what, "rates per county right after %s", after);
	same_groups(&a, &b, 2, what);
}

/* ---- (b) the overdue list ------------------------------------------------------------------ */

struct codes {
	char (*v)[DEVICE_LEN + 1];
	size_t n, cap;
};

static void codes_add(struct codes *c, const char *s)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4096;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		if (c->v == NULL)
			bench_die("out of memory");
	}
	snprintf(c->v[c->n++], DEVICE_LEN + 1, "%s", s);
}

static int list_row(void *ctx, const struct eq_unit *u)
{
	codes_add(ctx, u->r.v[EU_DEVICE_CODE]);
	return 0;
}

/* The overdue list of prefecture through the service: every page of 1000 (all = 1), or the
 * first page of 50. Returns the time (ms). */
static double list_service(struct db *db, int prefecture, int all, struct codes *out, int *pages)
{
	struct arena a = {0};
	char region[16];
	snprintf(region, sizeof region, "%d", prefecture);
	const char *cursor = NULL;
	out->n = 0;
	*pages = 0;
	double t0 = bench_now_ms();
	do {
		struct eq_unit_filter f;
		struct field_error err;
		if (eq_unit_filter_parse(&f, &a, region, NULL, NULL, NULL, NULL, NULL, NULL,
		                         "overdue", NULL, NULL, all ? "1000" : "50", cursor,
		                         &err) != EQ_OK)
			bench_die(err.message);
		const char *next = NULL;
		if (eq_unit_list(db, &ALL, &f, &a, 0, list_row, out, &next) != EQ_OK)
			bench_die("eq_unit_list failed");
		cursor = next && all ? arena_strdup(&a, next) : NULL;
		++*pages;
	} while (cursor);
	double ms = bench_now_ms() - t0;
	arena_free(&a);
	return ms;
}

/* The obvious query, written plainly: every column of the units in use of the prefecture
 * whose next due date is before today, in due order. NOT INDEXED keeps SQLite from the partial
 * index eq_unit_due (the list side's counterpart of the tallies): a scan of the table and a
 * sort. INDEXED BY eq_unit_region gives it the plain (region_code, id) index that a table
 * without eq_unit_due would still have. The third is the first one's first page. */
static const char *const OBVIOUS_LIST[3] = {
    "SELECT * FROM eq_unit NOT INDEXED WHERE region_code BETWEEN ?1 AND ?2 AND status = "
    "'in_use' AND next_due < ?3 ORDER BY next_due, id",
    "SELECT * FROM eq_unit INDEXED BY eq_unit_region WHERE region_code BETWEEN ?1 AND ?2 AND "
    "status = 'in_use' AND next_due < ?3 ORDER BY next_due, id",
    "SELECT * FROM eq_unit NOT INDEXED WHERE region_code BETWEEN ?1 AND ?2 AND status = "
    "'in_use' AND next_due < ?3 ORDER BY next_due, id LIMIT 50",
};

static double list_obvious(struct db *db, int which, int prefecture, struct codes *out)
{
	out->n = 0;
	char today[11];
	date_format(today_china(), today);
	double t0 = bench_now_ms();
	struct db_stmt *st = db_prepare(db, OBVIOUS_LIST[which]);
	if (st == NULL)
		bench_die("cannot prepare the obvious list query");
	db_bind_int64(st, 1, prefecture);
	db_bind_int64(st, 2, prefecture + 99);
	db_bind_cstr(st, 3, today);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		codes_add(out, db_col_text(st, 1, NULL)); /* id, then device_code */
	db_reset(st);
	if (rc != DB_DONE)
		bench_die("the obvious list query failed");
	return bench_now_ms() - t0;
}

static void same_codes(const struct codes *a, const struct codes *b, const char *what)
{
	if (a->n != b->n) {
		fprintf(stderr, "eq_bench: %s: %zu units from eq_unit_list, %zu from the query\n",
		        what, a->n, b->n);
		exit(1);
	}
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0) {
			fprintf(stderr, "eq_bench: %s: row %zu differs: %s / %s\n", what, i,
			        a->v[i], b->v[i]);
			exit(1);
		}
}

/* ---- (c) writes -------------------------------------------------------------------------- */

enum write_kind { W_INSPECTION, W_STATUS, W_REGISTRATION, W_DELETION, NWRITES };
static const char *const WRITE_NAMES[NWRITES] = {"inspection", "status", "registration",
                                                 "deletion"};

static void write_fail(const char *what, int rc, const struct field_error *err)
{
	fprintf(stderr, "eq_bench: %s failed (%d): %s %s\n", what, rc, err->field ? err->field : "",
	        err->message);
	exit(1);
}

/* The first device code a query gives (it takes ?1 = n), into out; 0 or -1 if none. */
static int pick_device(struct db *db, const char *sql, int64_t n, char out[32])
{
	struct db_stmt *st = db_prepare(db, sql);
	if (st == NULL)
		bench_die("cannot prepare a pick");
	db_bind_int64(st, 1, n);
	int found = db_step(st) == DB_ROW;
	if (found)
		snprintf(out, 32, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	return found ? 0 : -1;
}

/* One write of kind through the service, then the rates per county checked. The inspection
 * and the status change take the two most overdue units of the list; the registration a new
 * elevator (a copy of a demo one under new codes); the deletion a unit without history (one
 * registered earlier in this run, else one of the demo's). Returns the time of the write (ms)
 * and what it touched in label. */
static double write_one(struct db *db, enum write_kind kind, int round, const struct codes *overdue,
                        char label[96])
{
	static char made[8][32]; /* registrations of this run not deleted yet */
	static int nmade;
	struct arena a = {0};
	struct field_error err = {0};
	struct eq_unit u;
	int32_t today = today_china();
	char on[11], dev[32];
	date_format(today, on);
	double ms = 0, t0;
	int rc = EQ_OK;
	switch (kind) {
	case W_INSPECTION: {
		if (overdue->n < 1)
			bench_die("no overdue unit to inspect");
		snprintf(dev, sizeof dev, "%s", overdue->v[0]);
		if (eq_unit_get(db, &ALL, dev, &a, &u) != EQ_OK)
			bench_die("eq_unit_get");
		struct eq_inspection *ins = arena_alloc(&a, sizeof *ins);
		memset(ins, 0, sizeof *ins);
		ins->kind = "periodic";
		ins->institution = u.r.v[EU_INSTITUTION] ? u.r.v[EU_INSTITUTION] : "bench";
		ins->inspector = "基准测试";
		ins->inspected_on = on;
		ins->conclusion = "pass";
		const char *cat = u.r.v[EU_CATEGORY];
		ins->safety_grade = cat[0] == '2' || (cat[0] == '8' && cat[1] == '3') ? 2 : 0;
		t0 = bench_now_ms();
		rc = eq_inspection_add(db, &ALL, dev, ins, &a, &u, &err);
		ms = bench_now_ms() - t0;
		snprintf(label, 96, "an inspection of %s (%s)", dev, cat);
		break;
	}
	case W_STATUS: {
		if (overdue->n < 2)
			bench_die("no overdue unit to stop");
		snprintf(dev, sizeof dev, "%s", overdue->v[1]);
		struct record p;
		record_init(&p, &UNIT_TYPE);
		if (record_set_text(&p, &a, EU_STATUS, "stopped", 7, &err) != 0)
			write_fail("record_set_text", -1, &err);
		t0 = bench_now_ms();
		rc = eq_unit_update(db, &ALL, dev, &p, 0, &a, &u, &err);
		ms = bench_now_ms() - t0;
		snprintf(label, 96, "stopping %s", dev);
		break;
	}
	case W_REGISTRATION: {
		char model[32];
		if (pick_device(db,
		                "SELECT device_code FROM eq_unit WHERE status = 'in_use' AND "
		                "reg_code IS NOT NULL AND category = '3110' ORDER BY id LIMIT 1 "
		                "OFFSET ?",
		                1000 + round, model) != 0 ||
		    eq_unit_get(db, &ALL, model, &a, &u) != EQ_OK)
			bench_die("no elevator to copy");
		struct record r;
		record_init(&r, &UNIT_TYPE);
		static const int COPY[] = {
		    EU_CATEGORY,    EU_NAME,        EU_MODEL,           EU_USE_UNIT,
		    EU_REGION_CODE, EU_LOCATION,    EU_MANUFACTURER,    EU_MANUFACTURED_ON,
		    EU_MAINTAINER,  EU_INSTITUTION, EU_COMMISSIONED_ON, EU_SPEED_MPS};
		for (size_t i = 0; i < sizeof COPY / sizeof *COPY; i++)
			if (u.r.v[COPY[i]] && record_set_text(&r, &a, COPY[i], u.r.v[COPY[i]],
			                                      strlen(u.r.v[COPY[i]]), &err) != 0)
				write_fail("record_set_text", -1, &err);
		char reg[32];
		int y, m, d;
		date_to_ymd(today, &y, &m, &d);
		/* Manufacturer 99999 and sequences from 9000 are never the demo's. */
		snprintf(dev, sizeof dev, "311099999%04d%05d", y,
		         (int)((getpid() * 64 + round) % 100000));
		snprintf(reg, sizeof reg, "3110%06d%04d%02d%04d",
		         (int)record_int_of(u.r.v[EU_REGION_CODE]) / 100 * 100, y, m,
		         9000 + round % 1000);
		if (record_set_text(&r, &a, EU_DEVICE_CODE, dev, 18, &err) != 0 ||
		    record_set_text(&r, &a, EU_REG_CODE, reg, 20, &err) != 0)
			write_fail("record_set_text", -1, &err);
		t0 = bench_now_ms();
		rc = eq_unit_create(db, &ALL, &r, &a, &u, &err);
		ms = bench_now_ms() - t0;
		if (rc == EQ_OK && nmade < 8)
			snprintf(made[nmade++], 32, "%s", dev);
		snprintf(label, 96, "registering %s", dev);
		break;
	}
	case W_DELETION:
		if (nmade > 0)
			snprintf(dev, sizeof dev, "%s", made[--nmade]);
		else if (pick_device(db,
		                     "SELECT device_code FROM eq_unit u WHERE inspections_done = 0 "
		                     "AND last_inspected_on IS NULL AND ?1 = ?1 AND NOT EXISTS "
		                     "(SELECT 1 FROM eq_inspection i WHERE i.unit_id = u.id) AND "
		                     "NOT EXISTS (SELECT 1 FROM eq_accident x WHERE x.unit_id = "
		                     "u.id) LIMIT 1",
		                     0, dev) != 0)
			bench_die("no unit without history to delete");
		t0 = bench_now_ms();
		rc = eq_unit_delete(db, &ALL, dev, 0, &a, &err);
		ms = bench_now_ms() - t0;
		snprintf(label, 96, "deleting %s", dev);
		break;
	case NWRITES:
		break;
	}
	if (rc != EQ_OK)
		write_fail(WRITE_NAMES[kind], rc, &err);
	arena_free(&a);
	rates_check_counties(db, label);
	return ms;
}

/* ---- main --------------------------------------------------------------------------------- */

/* The deployment's audit key next to the database (as `jinzhi` reads it), so that the
 * entries the writes append keep the copy's chain verifiable. */
static void load_audit_key(const char *db_path)
{
	char path[4200], hex[2 * AUDIT_KEY_BYTES + 2];
	unsigned char key[AUDIT_KEY_BYTES];
	snprintf(path, sizeof path, "%s.audit-key", db_path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, hex, sizeof hex - 1);
	close(fd);
	size_t len = 0;
	if (n >= 2 * AUDIT_KEY_BYTES &&
	    sodium_hex2bin(key, sizeof key, hex, (size_t)n, "\n", &len, NULL) == 0 &&
	    len == AUDIT_KEY_BYTES)
		audit_set_key(key);
	sodium_memzero(key, sizeof key);
	sodium_memzero(hex, sizeof hex);
}

static int64_t count_of(struct db *db, const char *sql, int64_t lo, int64_t hi)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	if (st == NULL)
		bench_die("cannot prepare a count");
	if (lo || hi) {
		db_bind_int64(st, 1, lo);
		db_bind_int64(st, 2, hi);
	}
	int64_t v = db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
	db_finalize(st);
	return v;
}

/* Times of one round (ms), and the ratios. */
struct round {
	double tally, obvious, scan, list, list_ni, list_rx, page, page_ni, write;
	double r_obvious, r_scan, r_list_ni, r_list_rx, r_page;
};

/* The median over the rounds of one field of struct round. */
static double median_at(const struct round *R, int rounds, size_t offset)
{
	double v[ROUNDS_MAX] = {0};
	for (int i = 0; i < rounds; i++)
		memcpy(&v[i], (const char *)&R[i] + offset, sizeof v[i]);
	return bench_median(v, rounds);
}

#define MEDIAN_OF(field) median_at(R, rounds, offsetof(struct round, field))

int main(int argc, char **argv)
{
	const char *path = NULL;
	int64_t rounds_arg = 7, prefecture_arg = 540100;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds_arg = field_int_parse_cstr(argv[++i], 1, ROUNDS_MAX, &rounds_arg)
			                 ? 0
			                 : rounds_arg;
		else if (strcmp(argv[i], "--prefecture") == 0 && i + 1 < argc)
			prefecture_arg =
			    field_int_parse_cstr(argv[++i], 100000, 999999, &prefecture_arg)
			        ? 0
			        : prefecture_arg;
		else
			bench_die("usage: eq_bench --db FILE [--rounds N] [--prefecture CODE]");
	}
	int rounds = (int)rounds_arg, prefecture = (int)prefecture_arg;
	if (path == NULL || rounds < 1 || rounds > ROUNDS_MAX || prefecture < 100000 ||
	    prefecture % 100 != 0)
		bench_die("usage: eq_bench --db FILE [--rounds 1..50] [--prefecture CODE]");
	if (sodium_init() < 0)
		bench_die("libsodium cannot start");
	db_global_init();
	load_audit_key(path);
	struct db *db;
	if (db_open(path, 0, &db) != 0 || migrate_run(db, 0, 0) != 0 || regions_load(db) != 0)
		bench_die("cannot open the database");

	printf(
	    "database: %lld units (%lld in use), %lld inspections, %lld operators, %lld "
	    "accidents; %lld units in use in %d\n",
	    (long long)count_of(db, "SELECT count(*) FROM eq_unit", 0, 0),
	    (long long)count_of(db, "SELECT count(*) FROM eq_unit WHERE status = 'in_use'", 0, 0),
	    (long long)count_of(db, "SELECT count(*) FROM eq_inspection", 0, 0),
	    (long long)count_of(db, "SELECT count(*) FROM eq_operator", 0, 0),
	    (long long)count_of(db, "SELECT count(*) FROM eq_accident", 0, 0),
	    (long long)count_of(db,
	                        "SELECT count(*) FROM eq_unit WHERE region_code BETWEEN ? AND "
	                        "? AND status = 'in_use'",
	                        prefecture, prefecture + 99),
	    prefecture);

	static struct groups ta0, ta1, ob0, ob1, sc0, sc1;
	struct codes ls = {0}, lo = {0}, lr = {0}, ps = {0}, po = {0};
	static struct round R[ROUNDS_MAX];
	int pages = 0, page1 = 0, done[NWRITES] = {0};

	/* Warm-up, not timed: each side reads its pages once. */
	rates_timed(db, 0, 1, &ta1);
	rates_timed(db, 1, 1, &ob1);
	rates_scan(db, &sc0, &sc1);
	list_service(db, prefecture, 1, &ls, &pages);
	list_obvious(db, 0, prefecture, &lo);
	list_obvious(db, 1, prefecture, &lr);

	printf("\ntimes in ms; ratio = reference / Jinzhi\n");
	printf("%-6s %8s %9s %7s %8s %6s | %8s %6s %8s %6s %8s %6s | %6s %7s %6s | %-12s %6s\n",
	       "round", "tally", "obvious", "ratio", "1-scan", "ratio", "list", "rows", "NOT-IX",
	       "ratio", "region", "ratio", "page", "NOT-IX", "ratio", "write", "ms");
	for (int r = 0; r < rounds; r++) {
		struct round *x = &R[r];
		int obvious_first = r % 2;
		for (int side = 0; side < 2; side++) {
			if ((side == 0) == obvious_first) {
				x->obvious =
				    rates_timed(db, 1, 0, &ob0) + rates_timed(db, 1, 1, &ob1);
				x->scan = rates_scan(db, &sc0, &sc1);
				x->list_ni = list_obvious(db, 0, prefecture, &lo);
				x->list_rx = list_obvious(db, 1, prefecture, &lr);
				x->page_ni = list_obvious(db, 2, prefecture, &po);
			} else {
				x->tally =
				    rates_timed(db, 0, 0, &ta0) + rates_timed(db, 0, 1, &ta1);
				x->list = list_service(db, prefecture, 1, &ls, &pages);
				x->page = list_service(db, prefecture, 0, &ps, &page1);
			}
		}
		same_groups(&ta0, &ob0, 0, "rates for the region (eq_rates_obvious)");
		same_groups(&ta1, &ob1, 1, "rates per prefecture (eq_rates_obvious)");
		same_groups(&ta0, &sc0, 0, "rates for the region (one scan)");
		same_groups(&ta1, &sc1, 1, "rates per prefecture (one scan)");
		same_codes(&ls, &lo, "overdue list (NOT INDEXED)");
		same_codes(&ls, &lr, "overdue list (INDEXED BY eq_unit_region)");
		same_codes(&ps, &po, "first page of the overdue list");
		/* The list agrees with the tallies' count of the prefecture's overdue units. */
		for (int g = 0; g < ta1.n; g++)
			if (ta1.region[g] == prefecture &&
			    (size_t)(ta1.r[g].inspection.den - ta1.r[g].inspection.num) != ls.n) {
				fprintf(
				    stderr,
				    "eq_bench: %zu overdue listed, %lld counted by the tallies\n",
				    ls.n,
				    (long long)(ta1.r[g].inspection.den - ta1.r[g].inspection.num));
				return 1;
			}
		x->r_obvious = x->obvious / x->tally;
		x->r_scan = x->scan / x->tally;
		x->r_list_ni = x->list_ni / x->list;
		x->r_list_rx = x->list_rx / x->list;
		x->r_page = x->page_ni / x->page;
		/* (c): this round's write, checked at once (and by the next round's comparisons).
		 */
		enum write_kind kind = (enum write_kind)(r % NWRITES);
		char label[96];
		x->write = write_one(db, kind, r, &ls, label);
		done[kind]++;
		printf("%-6d %8.3f %9.1f %7.0f %8.1f %6.0f | %8.2f %6zu %8.1f %6.1f %8.1f %6.1f | "
		       "%6.2f %7.1f %6.0f | %-12s %6.1f\n",
		       r + 1, x->tally, x->obvious, x->r_obvious, x->scan, x->r_scan, x->list, ls.n,
		       x->list_ni, x->r_list_ni, x->list_rx, x->r_list_rx, x->page, x->page_ni,
		       x->r_page, WRITE_NAMES[kind], x->write);
		fflush(stdout);
	}
	/* Every kind of write at least once, whatever the number of rounds; then the rates of
	 * (a) once more, right after the last write. */
	for (int k = 0; k < NWRITES; k++)
		if (done[k] == 0) {
			char label[96];
			list_service(db, prefecture, 1, &ls, &pages);
			double ms = write_one(db, (enum write_kind)k, rounds + k, &ls, label);
			done[k]++;
			printf(
			    "extra  (c) a %s write, %.1f ms, then the rates per county compared\n",
			    WRITE_NAMES[k], ms);
		}
	rates_timed(db, 0, 0, &ta0);
	rates_timed(db, 0, 1, &ta1);
	rates_timed(db, 1, 0, &ob0);
	rates_timed(db, 1, 1, &ob1);
	same_groups(&ta0, &ob0, 0, "rates for the region after the last write");
	same_groups(&ta1, &ob1, 1, "rates per prefecture after the last write");

	printf("%-6s %8.3f %9.1f %7.0f %8.1f %6.0f | %8.2f %6s %8.1f %6.1f %8.1f %6.1f | %6.2f "
	       "%7.1f %6.0f | %-12s %6.1f\n",
	       "median", MEDIAN_OF(tally), MEDIAN_OF(obvious), MEDIAN_OF(r_obvious),
	       MEDIAN_OF(scan), MEDIAN_OF(r_scan), MEDIAN_OF(list), "", MEDIAN_OF(list_ni),
	       MEDIAN_OF(r_list_ni), MEDIAN_OF(list_rx), MEDIAN_OF(r_list_rx), MEDIAN_OF(page),
	       MEDIAN_OF(page_ni), MEDIAN_OF(r_page), "", MEDIAN_OF(write));
	printf("\n(a) the four rates, region (by 0) + its %d prefectures (by 1): tallies %.3f ms; "
	       "eq_rates_obvious %.1f ms (x%.0f); one plain scan per table %.1f ms (x%.0f). "
	       "Identical answers in every round.\n",
	       ta1.n, MEDIAN_OF(tally), MEDIAN_OF(obvious), MEDIAN_OF(r_obvious), MEDIAN_OF(scan),
	       MEDIAN_OF(r_scan));
	printf(
	    "(b) overdue list of %d, all %zu rows (%d pages of 1000): eq_unit_list %.2f ms; "
	    "plain query NOT INDEXED %.1f ms (x%.1f), INDEXED BY eq_unit_region %.1f ms (x%.1f). "
	    "First page of 50: %.2f ms; NOT INDEXED ... LIMIT 50 %.1f ms (x%.0f). Identical "
	    "device codes in every round.\n",
	    prefecture, ls.n, pages, MEDIAN_OF(list), MEDIAN_OF(list_ni), MEDIAN_OF(r_list_ni),
	    MEDIAN_OF(list_rx), MEDIAN_OF(r_list_rx), MEDIAN_OF(page), MEDIAN_OF(page_ni),
	    MEDIAN_OF(r_page));
	printf("(c) writes through the service: %d inspection(s), %d status change(s), %d "
	       "registration(s), %d deletion(s); right after each, the rates per county from the "
	       "tallies equal eq_rates_obvious (and the next round's comparisons held).\n",
	       done[0], done[1], done[2], done[3]);
	printf("\nRESULT equipment rates_obvious/tally=%.0f rates_scan/tally=%.0f "
	       "list_notindexed/service=%.2f list_regionindex/service=%.2f "
	       "page50_notindexed/service=%.0f "
	       "tally_ms=%.3f obvious_ms=%.1f scan_ms=%.1f list_ms=%.2f rows=%zu rounds=%d\n",
	       MEDIAN_OF(r_obvious), MEDIAN_OF(r_scan), MEDIAN_OF(r_list_ni), MEDIAN_OF(r_list_rx),
	       MEDIAN_OF(r_page), MEDIAN_OF(tally), MEDIAN_OF(obvious), MEDIAN_OF(scan),
	       MEDIAN_OF(list), ls.n, rounds);
	free(ls.v);
	free(lo.v);
	free(lr.v);
	free(ps.v);
	free(po.v);
	db_close(db);
	regions_free();
	return 0;
}

/*
 * The verifiable draw: a known answer computed independently (a small Python script, once),
 * the Fenwick draw equal to the naive scan on many random inputs, the rejection path of
 * uniform(), weights honoured, inspectors of the producer's county and avoiders never chosen,
 * the strict parser of published inputs and its canonical round trip; then the service on a
 * real database: exclusions and their reasons, weights, avoid lists, too_many writing
 * nothing, draw, a second draw refused, visits, verification and sp_draw_pick_of.
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

#include "modules/regions/service.h"
#include "modules/sampling/draw.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "platform/scope.h"
#include "tempdb.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int pick(int n)
{
	return (int)(next() % (uint64_t)n);
}

static const int COUNTIES[] = {540102, 540103, 540121, 540122};

/* The input of the known-answer test: 40 candidates, 8 inspectors (as in the script). */
struct kat {
	char codes[40][19];
	struct sp_draw_candidate c[40];
	char logins[8][16];
	const char *avoid1[2], *avoid2[1];
	struct sp_draw_inspector x[8];
	struct sp_draw_input in;
};

static int cand_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sp_draw_candidate *)a)->credit_code,
	              ((const struct sp_draw_candidate *)b)->credit_code);
}

static void kat_make(struct kat *k)
{
	memset(k, 0, sizeof *k);
	for (int i = 0; i < 40; i++) {
		snprintf(k->codes[i], sizeof k->codes[i], "91540100MA6T%05dX", i * 7 % 100000);
		k->c[i].credit_code = k->codes[i];
		k->c[i].county = COUNTIES[i % 4];
		k->c[i].weight = i % 5 == 0 ? 3 : 1;
	}
	qsort(k->c, 40, sizeof *k->c, cand_cmp);
	for (int i = 0; i < 8; i++) {
		snprintf(k->logins[i], sizeof k->logins[i], "officer%02d", i);
		k->x[i].login = k->logins[i];
		k->x[i].name = "n";
		k->x[i].county = COUNTIES[i % 4];
	}
	/* sorted([cands[0], cands[5]]): cands[0] sorts first */
	k->avoid1[0] = k->c[0].credit_code;
	k->avoid1[1] = k->c[5].credit_code;
	k->avoid2[0] = k->c[5].credit_code;
	k->x[1].avoid = k->avoid1;
	k->x[1].navoid = 2;
	k->x[2].avoid = k->avoid2;
	k->x[2].navoid = 1;
	k->in = (struct sp_draw_input){.task_id = "1",
	                               .plan_id = "2",
	                               .plan_year = 2026,
	                               .plan_region = 540100,
	                               .product = "RICE",
	                               .industry = "C",
	                               .region_code = 540100,
	                               .as_of = "2026-05-01",
	                               .weighted = 1,
	                               .count = 6,
	                               .inspectors_each = 2,
	                               .ncandidates = 40,
	                               .candidates = k->c,
	                               .ninspectors = 8,
	                               .inspectors = k->x};
}

/* Computed once by an independent Python implementation of docs/design/sampling.md ("The
 * draw"): seed = bytes 0..31, witness "07 13 22 28 31 + 05 11 / 双随机", the 40 candidates
 * and 8 inspectors of kat_make. */
static const char KAT_RESULT[] =
    "{\"picks\":[{\"credit_code\":\"91540100MA6T00035X\",\"county\":540103,\"inspectors\":["
    "\"officer07\",\"officer03\"]},{\"credit_code\":\"91540100MA6T00154X\",\"county\":540121,"
    "\"inspectors\":[\"officer03\",\"officer05\"]},{\"credit_code\":\"91540100MA6T00182X\","
    "\"county\":540121,\"inspectors\":[\"officer00\",\"officer07\"]},{\"credit_code\":"
    "\"91540100MA6T00224X\",\"county\":540102,\"inspectors\":[\"officer03\",\"officer07\"]},{"
    "\"credit_code\":\"91540100MA6T00161X\",\"county\":540122,\"inspectors\":[\"officer04\","
    "\"officer00\"]},{\"credit_code\":\"91540100MA6T00175X\",\"county\":540103,\"inspectors\":"
    "[\"officer02\",\"officer07\"]}]}";
static const char KAT_WITNESS[] = "07 13 22 28 31 + 05 11 / 双随机";

static void kat_seed(unsigned char seed[32])
{
	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
}

static void test_known_answer(void **state)
{
	(void)state;
	struct kat *k = malloc(sizeof *k);
	kat_make(k);
	unsigned char seed[32];
	kat_seed(seed);
	struct sp_draw_pick p[6], q[6];
	assert_int_equal(sp_draw_run(&k->in, seed, KAT_WITNESS, strlen(KAT_WITNESS), p), 0);
	assert_int_equal(sp_draw_run_naive(&k->in, seed, KAT_WITNESS, strlen(KAT_WITNESS), q), 0);
	struct buf b = {0}, c = {0};
	sp_draw_result_json(&k->in, p, &b);
	sp_draw_result_json(&k->in, q, &c);
	assert_string_equal(b.data, KAT_RESULT);
	assert_string_equal(c.data, KAT_RESULT);
	/* Another witness, another result. */
	buf_reset(&b);
	assert_int_equal(sp_draw_run(&k->in, seed, "x", 1, p), 0);
	sp_draw_result_json(&k->in, p, &b);
	assert_string_not_equal(b.data, KAT_RESULT);
	buf_free(&b);
	buf_free(&c);
	free(k);
}

static void test_uniform(void **state)
{
	(void)state;
	unsigned char seed[32], key[32];
	kat_seed(seed);
	sp_draw_key(seed, KAT_WITNESS, strlen(KAT_WITNESS), key);
	/* From the same Python script. */
	int tries = 0;
	assert_int_equal(sp_draw_uniform(key, "producer", 0, 1000, &tries), 345);
	assert_int_equal(sp_draw_uniform(key, "producer", 1, 1000, &tries), 138);
	assert_int_equal(sp_draw_uniform(key, "producer", 2, 1000, &tries), 230);
	assert_int_equal(tries, 3);
	/* W = 2^63 + 1 rejects almost half of all values: at k = 1 the first four are. */
	tries = 0;
	uint64_t w = (1ULL << 63) + 1;
	assert_true(sp_draw_uniform(key, "producer", 1, w, &tries) == 3652303899371997925ULL);
	assert_int_equal(tries, 5);
	/* Over many k, values stay below W and rejections happen about half the time. */
	int total = 0;
	for (uint32_t k = 0; k < 2000; k++) {
		int t = 0;
		assert_true(sp_draw_uniform(key, "inspector", k, w, &t) < w);
		total += t;
	}
	assert_true(total > 3400 && total < 4600); /* expected 4000 */
	tries = 0;
	assert_int_equal(sp_draw_uniform(key, "producer", 7, 1, &tries), 0);
	assert_int_equal(tries, 1);
	assert_true(sp_draw_uniform(key, "producer", 7, UINT64_MAX, NULL) < UINT64_MAX);
}

/* A random input of up to maxn candidates, into arrays the caller frees with rand_free. */
struct rnd {
	char (*codes)[19];
	struct sp_draw_candidate *c;
	char (*logins)[16];
	struct sp_draw_inspector *x;
	const char ***avoid;
	struct sp_draw_input in;
};

static void rand_make(struct rnd *r, int maxn, int maxx)
{
	int n = 1 + pick(maxn), nx = pick(maxx + 1);
	r->codes = calloc((size_t)n, sizeof *r->codes);
	r->c = calloc((size_t)n, sizeof *r->c);
	for (int i = 0; i < n; i++) {
		/* ascending: the index in the code */
		snprintf(r->codes[i], 19, "9154%08dXXXXXX", i % 100000000);
		r->c[i].credit_code = r->codes[i];
		r->c[i].county = COUNTIES[pick(4)];
		r->c[i].weight = pick(3) == 0 ? 3 : 1;
	}
	r->logins = calloc((size_t)nx + 1, sizeof *r->logins);
	r->x = calloc((size_t)nx + 1, sizeof *r->x);
	r->avoid = calloc((size_t)nx + 1, sizeof *r->avoid);
	for (int i = 0; i < nx; i++) {
		snprintf(r->logins[i], 16, "in%04d", i);
		r->x[i].login = r->logins[i];
		r->x[i].name = "x";
		r->x[i].county = COUNTIES[pick(4)];
		r->avoid[i] = calloc((size_t)n, sizeof **r->avoid);
		size_t m = 0;
		for (int j = 0; j < n; j++)
			if (pick(4) == 0)
				r->avoid[i][m++] = r->codes[j];
		r->x[i].avoid = r->avoid[i];
		r->x[i].navoid = m;
	}
	r->in = (struct sp_draw_input){.count = 1 + pick(n),
	                               .inspectors_each = 1 + pick(3),
	                               .weighted = 1,
	                               .ncandidates = (size_t)n,
	                               .candidates = r->c,
	                               .ninspectors = (size_t)nx,
	                               .inspectors = r->x};
}

static void rand_free(struct rnd *r)
{
	for (size_t i = 0; i < r->in.ninspectors; i++)
		free(r->avoid[i]);
	free(r->avoid);
	free(r->x);
	free(r->logins);
	free(r->c);
	free(r->codes);
}

/* Every pick distinct; every inspector eligible for its pick and distinct within it. */
static void check_picks(const struct sp_draw_input *in, const struct sp_draw_pick *p)
{
	for (int k = 0; k < in->count; k++) {
		const struct sp_draw_candidate *c = &in->candidates[p[k].candidate];
		assert_true(p[k].candidate < in->ncandidates);
		for (int l = 0; l < k; l++)
			assert_true(p[l].candidate != p[k].candidate);
		for (int j = 0; j < in->inspectors_each; j++) {
			const struct sp_draw_inspector *x = &in->inspectors[p[k].inspectors[j]];
			assert_true(x->county != c->county);
			for (size_t v = 0; v < x->navoid; v++)
				assert_string_not_equal(x->avoid[v], c->credit_code);
			for (int i = 0; i < j; i++)
				assert_true(p[k].inspectors[i] != p[k].inspectors[j]);
		}
	}
}

static void test_fenwick_equals_naive(void **state)
{
	(void)state;
	int ran = 0, failed = 0;
	for (int round = 0; round < 1500; round++) {
		struct rnd r;
		rand_make(&r, round < 1000 ? 40 : 700, 12);
		unsigned char seed[32];
		for (int i = 0; i < 32; i++)
			seed[i] = (unsigned char)next();
		char w[16];
		snprintf(w, sizeof w, "%d", round);
		struct sp_draw_pick *p = calloc((size_t)r.in.count, sizeof *p),
		                    *q = calloc((size_t)r.in.count, sizeof *q);
		int a = sp_draw_run(&r.in, seed, w, strlen(w), p);
		int b = sp_draw_run_naive(&r.in, seed, w, strlen(w), q);
		assert_int_equal(a, b);
		if (a == 0) {
			ran++;
			assert_memory_equal(p, q, (size_t)r.in.count * sizeof *p);
			check_picks(&r.in, p);
		} else {
			failed++;
			assert_int_equal(a, SP_DRAW_E_INSPECTORS);
		}
		free(p);
		free(q);
		rand_free(&r);
	}
	/* Both paths taken often. */
	assert_true(ran > 300);
	assert_true(failed > 100);
}

static void test_weights(void **state)
{
	(void)state;
	/* 10 candidates, the fourth weighing 3: drawn first with probability 3/12. */
	char codes[10][19];
	struct sp_draw_candidate c[10];
	struct sp_draw_inspector x[2] = {{"a", "a", 540102, 0, NULL}, {"b", "b", 540103, 0, NULL}};
	for (int i = 0; i < 10; i++) {
		snprintf(codes[i], 19, "91540000%010d", i % 10);
		c[i] = (struct sp_draw_candidate){codes[i], 540121, i == 3 ? 3 : 1};
	}
	struct sp_draw_input in = {.count = 1,
	                           .inspectors_each = 2,
	                           .weighted = 1,
	                           .ncandidates = 10,
	                           .candidates = c,
	                           .ninspectors = 2,
	                           .inspectors = x};
	int heavy = 0, last = 0, n = 4000;
	unsigned char seed[32] = {0};
	for (int i = 0; i < n; i++) {
		char w[16];
		snprintf(w, sizeof w, "w%d", i);
		struct sp_draw_pick p;
		assert_int_equal(sp_draw_run(&in, seed, w, strlen(w), &p), 0);
		heavy += p.candidate == 3;
		last += p.candidate == 9;
	}
	assert_true(heavy > 850 && heavy < 1150); /* expected 1000 */
	assert_true(last > 220 && last < 450);    /* expected 333 */
}

static void test_avoidance_and_errors(void **state)
{
	(void)state;
	char codes[3][19];
	struct sp_draw_candidate c[3];
	for (int i = 0; i < 3; i++) {
		snprintf(codes[i], 19, "91540000%010d", i % 10);
		c[i] = (struct sp_draw_candidate){codes[i], 540102, 1};
	}
	const char *av[] = {codes[1]};
	/* a: own county; b: avoids codes[1]; c and d always eligible. */
	struct sp_draw_inspector x[4] = {{"a", "a", 540102, 0, NULL},
	                                 {"b", "b", 540103, 1, av},
	                                 {"c", "c", 540121, 0, NULL},
	                                 {"d", "d", 540122, 0, NULL}};
	struct sp_draw_input in = {.count = 3,
	                           .inspectors_each = 3,
	                           .ncandidates = 3,
	                           .candidates = c,
	                           .ninspectors = 4,
	                           .inspectors = x};
	unsigned char seed[32] = {1};
	struct sp_draw_pick p[3];
	/* codes[1] has only c and d: three are too many. */
	assert_int_equal(sp_draw_run(&in, seed, "w", 1, p), SP_DRAW_E_INSPECTORS);
	assert_int_equal(sp_draw_run_naive(&in, seed, "w", 1, p), SP_DRAW_E_INSPECTORS);
	in.inspectors_each = 2;
	for (int i = 0; i < 50; i++) {
		char w[8];
		snprintf(w, sizeof w, "%d", i);
		assert_int_equal(sp_draw_run(&in, seed, w, strlen(w), p), 0);
		check_picks(&in, p);
		for (int k = 0; k < 3; k++)
			for (int j = 0; j < 2; j++) {
				assert_int_not_equal(p[k].inspectors[j], 0);
				if (p[k].candidate == 1)
					assert_int_not_equal(p[k].inspectors[j], 1);
			}
	}
	in.count = 4;
	assert_int_equal(sp_draw_run(&in, seed, "w", 1, p), SP_DRAW_E_COUNT);
	in.count = 0;
	assert_int_equal(sp_draw_run(&in, seed, "w", 1, p), SP_DRAW_E_COUNT);
	in.count = 1;
	in.inspectors_each = 6;
	assert_int_equal(sp_draw_run_naive(&in, seed, "w", 1, p), SP_DRAW_E_COUNT);
}

/* ---- The parser ------------------------------------------------------------------------------ */

#define NAME3 "次仁 \"Tsering\" \\ ཚེ་རིང་"

static char *kat_inputs(void)
{
	struct kat *k = malloc(sizeof *k);
	kat_make(k);
	static const struct sp_draw_excluded ex[] = {{"91540100MA6T00001X", "resampled"},
	                                             {"91540100MA6T99999X", "few_inspectors"}};
	k->in.excluded = ex;
	k->in.nexcluded = 2;
	k->x[3].name = NAME3;
	struct buf b = {0};
	sp_draw_inputs_json(&k->in, &b);
	free(k);
	return buf_steal(&b, NULL);
}

static void test_parse_round_trip(void **state)
{
	(void)state;
	char *s = kat_inputs();
	struct arena a = {0};
	struct sp_draw_input in;
	struct field_error err;
	assert_int_equal(sp_draw_inputs_parse(s, strlen(s), &a, &in, &err), 0);
	struct buf b = {0};
	sp_draw_inputs_json(&in, &b);
	assert_string_equal(b.data, s);
	assert_int_equal(in.ncandidates, 40);
	assert_int_equal(in.nexcluded, 2);
	assert_int_equal(in.ninspectors, 8);
	assert_int_equal(in.inspectors[1].navoid, 2);
	assert_string_equal(in.inspectors[3].name, NAME3);
	/* the parsed inputs draw the known answer */
	unsigned char seed[32];
	kat_seed(seed);
	struct sp_draw_pick p[6];
	assert_int_equal(sp_draw_run(&in, seed, KAT_WITNESS, strlen(KAT_WITNESS), p), 0);
	buf_reset(&b);
	sp_draw_result_json(&in, p, &b);
	assert_string_equal(b.data, KAT_RESULT);
	buf_free(&b);
	arena_free(&a);
	free(s);
}

/* Replaces the first occurrence of from in s by to; returns a new string. */
static char *replaced(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	assert_non_null(p);
	struct buf b = {0};
	buf_append(&b, s, (size_t)(p - s));
	buf_puts(&b, to);
	buf_puts(&b, p + strlen(from));
	return buf_steal(&b, NULL);
}

static void expect_bad(const char *s, const char *field)
{
	struct arena a = {0};
	struct sp_draw_input in;
	struct field_error err;
	assert_int_equal(sp_draw_inputs_parse(s, strlen(s), &a, &in, &err), -1);
	if (strcmp(err.field, field) != 0)
		fail_msg("expected field %s, got %s (%s)", field, err.field, err.message);
	arena_free(&a);
}

static void test_parse_rejects(void **state)
{
	(void)state;
	char *s = kat_inputs();
	static const struct {
		const char *from, *to, *field;
	} CASES[] = {
	    {"{\"format\":\"jinzhi-draw-1\"", "{\"format\":\"jinzhi-draw-2\"", "format"},
	    {"\"plan_year\":2026", "\"plan_year\":2026,\"plan_year\":2026", "inputs"},
	    {"\"plan_year\":2026", "\"plan_year\":2026,\"extra\":1", "extra"},
	    {"\"plan_year\":2026,", "", "plan_year"},
	    {"\"plan_year\":2026", "\"plan_year\":\"2026\"", "plan_year"},
	    {"\"task_id\":\"1\"", "\"task_id\":\"01\"", "task_id"},
	    {"\"region_code\":540100", "\"region_code\":54010", "region_code"},
	    {"\"as_of\":\"2026-05-01\"", "\"as_of\":\"2026-02-30\"", "as_of"},
	    {"\"weighted\":true", "\"weighted\":1", "weighted"},
	    {"\"count\":6", "\"count\":41", "count"},
	    {"\"count\":6", "\"count\":6.0", "count"},
	    {"\"inspectors_each\":2", "\"inspectors_each\":6", "inspectors_each"},
	    {"\"weight\":3", "\"weight\":2", "candidates[0].weight"},
	    {"\"county\":540102,\"weight\":1", "\"county\":540102,\"weight\":1,\"x\":0",
	     "candidates[4].x"},
	    {"91540100MA6T00007X", "91540100MA6T00000X", "candidates[1].credit_code"},
	    {"91540100MA6T00000X\"", "91540100ma6t00000X\"", "candidates[0].credit_code"},
	    {"\"reason\":\"resampled\"", "\"reason\":\"tired\"", "excluded[0].reason"},
	    {"{\"credit_code\":\"91540100MA6T00001X\"", "{\"credit_code\":\"91540100MA6T00007X\"",
	     "excluded[0].credit_code"},
	    {"\"login\":\"officer01\"", "\"login\":\"Officer01\"", "inspectors[1].login"},
	    {"\"login\":\"officer01\"", "\"login\":\"officer00\"", "inspectors[1].login"},
	    {"\"name\":\"n\"", "\"name\":\"\"", "inspectors[0].name"},
	    {"\"name\":\"n\"", "\"name\":\"a\\u0001\"", "inspectors[0].name"},
	    {"\"avoid\":[\"91540100MA6T00000X\"", "\"avoid\":[\"91540100MA6T00001X\"",
	     "inspectors[1].avoid[0]"},
	    {"\"avoid\":[\"91540100MA6T00000X\",", "\"avoid\":[\"91540100MA6T00070X\",",
	     "inspectors[1].avoid[1]"},
	};
	for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
		char *t = replaced(s, CASES[i].from, CASES[i].to);
		expect_bad(t, CASES[i].field);
		free(t);
	}
	expect_bad("[1]", "");
	expect_bad("{\"format\":", "inputs");
	free(s);
}

/* ---- The service on a database -------------------------------------------------------------- */

static const struct actor ALL = {.name = "test", .all_regions = 1};

struct dbx {
	struct tempdb tmp;
	struct db *db;
	struct arena a;
	int year;
	char ago2[11], ago7[11], ago12[11], ago14[11], ago30[11], ago3[11];
};

static void exec_ok(struct db *db, const char *sql)
{
	if (db_exec(db, sql) != 0)
		fail_msg("%s: %s", sql, db_errmsg(db));
}

/* Runs sql with the text parameters given (NULL-terminated). */
static void run(struct db *db, const char *sql, ...)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	assert_non_null(st);
	va_list ap;
	va_start(ap, sql);
	const char *v;
	for (int i = 1; (v = va_arg(ap, const char *)) != NULL; i++)
		db_bind_cstr(st, i, v);
	va_end(ap);
	if (db_step(st) != DB_DONE)
		fail_msg("%s: %s", sql, db_errmsg(db));
	db_finalize(st);
}

static int64_t count_of(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_finalize(st);
	return n;
}

#define FIRM(n) "915401000000000" n "X"

static void add_firm(struct db *db, const char *code, const char *region, const char *industry,
                     const char *status)
{
	run(db,
	    "INSERT INTO enterprise (credit_code, name, region_code, industry, status, created_at, "
	    "updated_at) VALUES (?, 'firm', ?, ?, ?, '2026-01-01T00:00:00Z', "
	    "'2026-01-01T00:00:00Z')",
	    code, region, industry, status, NULL);
}

static void add_officer(struct db *db, const char *login, const char *unit, const char *role,
                        const char *disabled)
{
	run(db,
	    "INSERT INTO account (login, display_name, kind, org_unit_id, password_hash, disabled, "
	    "created_at) VALUES (?, ?, 'staff', (SELECT id FROM org_unit WHERE code = ?), 'x', ?, "
	    "'2026-01-01T00:00:00Z')",
	    login, login, unit, disabled, NULL);
	run(db,
	    "INSERT INTO account_role (account_id, role_id) VALUES ((SELECT id FROM account WHERE "
	    "login = ?), (SELECT id FROM role WHERE name = ?))",
	    login, role, NULL);
}

static void add_sample(struct db *db, const char *no, const char *task, const char *product,
                       const char *producer, const char *region, const char *on,
                       const char *verdict)
{
	run(db,
	    "INSERT INTO sp_sample (sample_no, task_id, product_id, producer, region_code, "
	    "industry, quantity_sampled, quantity_reserve, quantity_unit, samplers, place, "
	    "sampled_on, year, quarter, status, final_verdict, created_by, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, 'C', 2, 2, 'kg', 'x', 'x', ?, CAST(substr(?6, 1, 4) AS "
	    "INTEGER), 1, 'approved', ?, 'test', 'x', 'x')",
	    no, task, product, producer, region, on, verdict, NULL);
}

static int db_setup(void **state)
{
	struct dbx *x = calloc(1, sizeof *x);
	if (tempdb_load_regions() != 0 || tempdb_make(&x->tmp, "sampling_draw") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	int32_t today = today_china();
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	x->year = y;
	date_format(date_add_months(today, -2), x->ago2);
	date_format(date_add_months(today, -3), x->ago3);
	date_format(date_add_months(today, -7), x->ago7);
	date_format(date_add_months(today, -12), x->ago12);
	date_format(date_add_months(today, -14), x->ago14);
	date_format(date_add_months(today, -30), x->ago30);
	struct db *db = x->db;
	exec_ok(db, "INSERT INTO sp_product (id, code, name_zh, name_en, category, industry, risk, "
	            "standards) VALUES (9001, 'DRAWTEST', '测', 'test', 'food', 'C', 'high', 'x'), "
	            "(9002, 'DRAWOTHER', '测', 'other', 'food', 'C', 'high', 'x')");
	/* Candidates-to-be in Lhasa (540100), industry C. */
	add_firm(db, FIRM("01"), "540102", "C", "active");  /* plain */
	add_firm(db, FIRM("02"), "540102", "C", "active");  /* resampled 2 months ago */
	add_firm(db, FIRM("03"), "540103", "C", "active");  /* failed 12 months ago: weight 3 */
	add_firm(db, FIRM("04"), "540121", "C", "active");  /* failed 30 months ago: weight 1 */
	add_firm(db, FIRM("05"), "540103", "C", "active");  /* avoided by ins.a: few inspectors */
	add_firm(db, FIRM("06"), "540121", "C", "active");  /* sampled by the region's plan */
	add_firm(db, FIRM("07"), "540102", "C", "active");  /* visited by ins.b 14 months ago */
	add_firm(db, FIRM("08"), "540121", "C", "active");  /* plain */
	add_firm(db, FIRM("09"), "540102", "D", "active");  /* another industry */
	add_firm(db, FIRM("10"), "540102", "C", "revoked"); /* not active */
	add_firm(db, FIRM("11"), "540202", "C", "active");  /* Shigatse: outside the task */
	add_officer(db, "ins.a", "540102", "sampling_officer", "0");
	add_officer(db, "ins.b", "540103", "sampling_officer", "0");
	add_officer(db, "ins.c", "540100", "sampling_officer", "0");
	add_officer(db, "ins.off", "540100", "sampling_officer", "1"); /* disabled */
	add_officer(db, "ins.far", "540202", "sampling_officer", "0"); /* Shigatse */
	add_officer(db, "ins.reg", "540100", "registry_officer", "0"); /* another role */
	char year[16], old[16];
	snprintf(year, sizeof year, "%d", y);
	snprintf(old, sizeof old, "%d", y - 1);
	run(db,
	    "INSERT INTO sp_plan (id, year, title, region_code, weighted, status, created_by, "
	    "created_at, updated_at) VALUES (1, ?1, 'Lhasa', 540100, 1, 'approved', 't', 'x', "
	    "'x'), "
	    "(2, ?1, 'Region', 540000, 0, 'approved', 't', 'x', 'x'), (3, ?1, 'Draft', 540100, 0, "
	    "'draft', 't', 'x', 'x'), (4, ?2, 'Region last year', 540000, 0, 'approved', 't', 'x', "
	    "'x')",
	    year, old, NULL);
	exec_ok(db, "INSERT INTO sp_task (id, plan_id, product_id, region_code, planned) VALUES "
	            "(10, 1, 9001, 540100, 3), (20, 2, 9001, 540000, 3), (30, 3, 9001, 540100, 3), "
	            "(40, 4, 9001, 540000, 3), (50, 2, 9002, 540000, 3)");
	add_sample(db, "S1", "10", "9001", FIRM("02"), "540102", x->ago2, NULL);
	add_sample(db, "S2", "50", "9002", FIRM("03"), "540103", x->ago12, "fail");
	add_sample(db, "S3", "50", "9002", FIRM("04"), "540121", x->ago30, "fail");
	add_sample(db, "S4", "20", "9001", FIRM("06"), "540121", x->ago7, "pass");
	add_sample(db, "S5", "40", "9001", FIRM("08"), "540121", x->ago7, "pass"); /* last year's */
	exec_ok(db, "INSERT INTO sp_draw (id, task_id, region_code, count, inspectors_each, "
	            "commitment, seed, inputs, status, prepared_by, prepared_at) VALUES (5, 10, "
	            "540100, 1, 1, 'c', 's', '{}', 'cancelled', 't', 'x')");
	run(db, "INSERT INTO sp_visit VALUES ('ins.a', ?, 5, ?)", FIRM("05"), x->ago3, NULL);
	run(db, "INSERT INTO sp_visit VALUES ('ins.b', ?, 5, ?)", FIRM("07"), x->ago14, NULL);
	*state = x;
	return 0;
}

static int db_teardown(void **state)
{
	struct dbx *x = *state;
	arena_free(&x->a);
	db_close(x->db);
	tempdb_remove(&x->tmp);
	regions_free();
	free(x);
	return 0;
}

static const char *excluded_reason(const struct sp_draw_input *in, const char *code)
{
	for (size_t i = 0; i < in->nexcluded; i++)
		if (strcmp(in->excluded[i].credit_code, code) == 0)
			return in->excluded[i].reason;
	return NULL;
}

static void test_service(void **state)
{
	struct dbx *x = *state;
	struct db *db = x->db;
	struct sp_draw_info d;
	struct field_error err;
	int64_t audits = count_of(db, "SELECT count(*) FROM audit_log");
	/* Five candidates remain (01, 03, 04, 07, 08): six are too many, and nothing is written. */
	assert_int_equal(sp_draw_prepare(db, &ALL, 10, 6, 2, &x->a, &d, &err), SVC_INVALID);
	assert_string_equal(err.field, "count");
	assert_string_equal(err.code, "too_many");
	assert_non_null(strstr(err.message, "6"));
	assert_non_null(strstr(err.message, "5"));
	assert_int_equal(count_of(db, "SELECT count(*) FROM sp_draw"), 1);
	assert_int_equal(count_of(db, "SELECT count(*) FROM audit_log"), audits);
	/* A draft plan: 409; out of scope or unknown: 404. */
	assert_int_equal(sp_draw_prepare(db, &ALL, 30, 1, 2, &x->a, &d, &err), SVC_CONFLICT);
	struct actor far = {.name = "far", .nranges = 1, .lo = {540200}, .hi = {540299}};
	assert_int_equal(sp_draw_prepare(db, &far, 10, 1, 2, &x->a, &d, &err), SVC_NOT_FOUND);
	assert_int_equal(sp_draw_prepare(db, &ALL, 999, 1, 2, &x->a, &d, &err), SVC_NOT_FOUND);
	assert_int_equal(sp_draw_prepare(db, &ALL, 10, 1, 6, &x->a, &d, &err), SVC_INVALID);
	assert_string_equal(err.field, "inspectors_each");

	assert_int_equal(sp_draw_prepare(db, &ALL, 10, 2, 2, &x->a, &d, &err), SVC_OK);
	assert_string_equal(d.status, "prepared");
	assert_null(d.seed);
	struct sp_draw_input in;
	assert_int_equal(sp_draw_inputs_parse(d.inputs, strlen(d.inputs), &x->a, &in, &err), 0);
	assert_int_equal(in.ncandidates, 5);
	static const char *const CANDS[] = {FIRM("01"), FIRM("03"), FIRM("04"), FIRM("07"),
	                                    FIRM("08")};
	static const int WEIGHTS[] = {1, 3, 1, 1, 1};
	for (int i = 0; i < 5; i++) {
		assert_string_equal(in.candidates[i].credit_code, CANDS[i]);
		assert_int_equal(in.candidates[i].weight, WEIGHTS[i]);
	}
	assert_int_equal(in.nexcluded, 3);
	assert_string_equal(excluded_reason(&in, FIRM("02")), "resampled");
	assert_string_equal(excluded_reason(&in, FIRM("05")), "few_inspectors");
	assert_string_equal(excluded_reason(&in, FIRM("06")), "higher_level");
	assert_int_equal(in.ninspectors, 3);
	assert_string_equal(in.inspectors[0].login, "ins.a");
	assert_int_equal(in.inspectors[0].county, 540102);
	assert_int_equal(in.inspectors[0].navoid, 0); /* 05 left out, so not listed */
	assert_string_equal(in.inspectors[2].login, "ins.c");
	assert_int_equal(in.inspectors[2].county, 540100);
	assert_int_equal(in.inspectors[1].navoid, 0); /* 07 was visited too long ago */
	char *commitment = strdup(d.commitment);
	int64_t id = d.id;
	assert_int_equal(count_of(db, "SELECT count(*) FROM audit_log WHERE action = "
	                              "'sampling.draw.prepare'"),
	                 1);
	/* Before the draw nothing can be verified. */
	struct sp_draw_check c;
	assert_int_equal(sp_draw_verify(db, id, &x->a, &c), SVC_CONFLICT);
	int drawn;
	assert_int_equal(sp_draw_pick_of(db, id, FIRM("01"), &drawn), 0);
	assert_int_equal(drawn, 0);

	assert_int_equal(sp_draw_draw(db, &ALL, id, "", &x->a, &d, &err), SVC_INVALID);
	assert_string_equal(err.field, "witness");
	assert_int_equal(sp_draw_draw(db, &far, id, "12 34", &x->a, &d, &err), SVC_NOT_FOUND);
	assert_int_equal(sp_draw_draw(db, &ALL, id, "12 34", &x->a, &d, &err), SVC_OK);
	assert_string_equal(d.status, "drawn");
	/* The seed matches the commitment, and the result is the pure draw's. */
	unsigned char seed[32], h[32];
	char hex[65];
	assert_int_equal(sodium_hex2bin(seed, 32, d.seed, 64, NULL, NULL, NULL), 0);
	crypto_hash_sha256(h, seed, 32);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	assert_string_equal(hex, commitment);
	struct sp_draw_pick p[2];
	assert_int_equal(sp_draw_run_naive(&in, seed, "12 34", 5, p), 0);
	struct buf b = {0};
	sp_draw_result_json(&in, p, &b);
	assert_string_equal(b.data, d.result);
	buf_free(&b);
	assert_int_equal(count_of(db, "SELECT count(*) FROM sp_visit WHERE draw_id <> 5"), 4);
	for (int k = 0; k < 2; k++) {
		const char *code = in.candidates[p[k].candidate].credit_code;
		assert_int_equal(sp_draw_pick_of(db, id, code, &drawn), 1);
		assert_int_equal(drawn, 1);
	}
	assert_int_equal(sp_draw_pick_of(db, id, FIRM("02"), &drawn), 0);
	assert_int_equal(sp_draw_pick_of(db, 424242, FIRM("02"), &drawn), SVC_NOT_FOUND);
	/* Drawn once only; verified from what is stored. */
	assert_int_equal(sp_draw_draw(db, &ALL, id, "again", &x->a, &d, &err), SVC_CONFLICT);
	assert_int_equal(sp_draw_cancel(db, &ALL, id, &x->a, &d), SVC_CONFLICT);
	assert_int_equal(sp_draw_verify(db, id, &x->a, &c), SVC_OK);
	assert_true(c.commitment_ok);
	assert_true(c.result_ok);
	/* A stored result altered afterwards no longer verifies. */
	exec_ok(db, "UPDATE sp_draw SET result = replace(result, 'ins.', 'ins,') WHERE status = "
	            "'drawn'");
	assert_int_equal(sp_draw_verify(db, id, &x->a, &c), SVC_OK);
	assert_true(c.commitment_ok);
	assert_false(c.result_ok);
	/* The next draw: each inspector avoids the producers just visited (when eligible at
	 * all). */
	assert_int_equal(sp_draw_prepare(db, &ALL, 10, 1, 1, &x->a, &d, &err), SVC_OK);
	struct sp_draw_input next;
	assert_int_equal(sp_draw_inputs_parse(d.inputs, strlen(d.inputs), &x->a, &next, &err), 0);
	size_t avoided = 0;
	for (int k = 0; k < 2; k++) {
		const char *code = in.candidates[p[k].candidate].credit_code;
		const char *why = excluded_reason(&next, code);
		if (why) {
			assert_string_equal(why, "few_inspectors");
			continue;
		}
		for (int j = 0; j < 2; j++) {
			const char *login = in.inspectors[p[k].inspectors[j]].login;
			for (size_t i = 0; i < next.ninspectors; i++)
				if (strcmp(next.inspectors[i].login, login) == 0)
					for (size_t v = 0; v < next.inspectors[i].navoid; v++)
						avoided +=
						    strcmp(next.inspectors[i].avoid[v], code) == 0;
		}
		avoided += 100;
	}
	/* every pick still a candidate is avoided by both its inspectors */
	assert_int_equal(avoided % 100, 2 * (avoided / 100));
	assert_int_equal(sp_draw_cancel(db, &ALL, d.id, &x->a, &d), SVC_OK);
	assert_string_equal(d.status, "cancelled");
	free(commitment);
}

#define DB_TESTS cmocka_unit_test_setup_teardown(test_service, db_setup, db_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_answer),         cmocka_unit_test(test_uniform),
	    cmocka_unit_test(test_fenwick_equals_naive), cmocka_unit_test(test_weights),
	    cmocka_unit_test(test_avoidance_and_errors), cmocka_unit_test(test_parse_round_trip),
	    cmocka_unit_test(test_parse_rejects),        DB_TESTS};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

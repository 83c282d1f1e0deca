/*
 * The sampling draw benchmark (bench/sampling_draw.sh builds and runs it): draws COUNT of N
 * synthetic candidates (weights 1 or 3, in sorted credit-code order, over ten counties) with
 * INSPECTORS inspectors (some avoiding a few producers) by sp_draw_run (Fenwick tree) and by
 * sp_draw_run_naive (the cumulative scan), alternating, ROUNDS times; checks the two agree to
 * the byte every round and prints the medians and the SHA-256 of the result JSON.
 *
 *   sp_draw_bench [--rounds R] [--candidates N] [--count K] [--inspectors M] [--seed S]
 *
 * Output (one "key value" per line): the figures bench/sampling_draw.sh reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define BENCH_NAME "sp_draw_bench"
#include "bench.h"
#include "modules/sampling/draw.h"
#include "platform/fields.h"

#define ROUNDS_MAX BENCH_ROUNDS_MAX

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int arg_int(const char *s, int64_t lo, int64_t hi, int64_t *out, const char *name)
{
	if (field_int_parse_cstr(s, lo, hi, out) != 0) {
		fprintf(stderr, "sp_draw_bench: %s must be %lld..%lld\n", name, (long long)lo,
		        (long long)hi);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int64_t rounds = 5, n = 1000000, count = 1000, ninsp = 200, seedno = 1;
	for (int i = 1; i < argc; i++) {
		int64_t *v = NULL, lo = 1, hi = 0;
		const char *name = argv[i];
		if (strcmp(name, "--rounds") == 0)
			v = &rounds, hi = ROUNDS_MAX;
		else if (strcmp(name, "--candidates") == 0)
			v = &n, hi = SP_DRAW_CANDIDATES_MAX;
		else if (strcmp(name, "--count") == 0)
			v = &count, hi = SP_DRAW_COUNT_MAX;
		else if (strcmp(name, "--inspectors") == 0)
			v = &ninsp, hi = 10000;
		else if (strcmp(name, "--seed") == 0)
			v = &seedno, hi = INT32_MAX;
		if (v == NULL || i + 1 >= argc || arg_int(argv[++i], lo, hi, v, name) != 0) {
			fprintf(stderr,
			        "usage: sp_draw_bench [--rounds R] [--candidates N] [--count K] "
			        "[--inspectors M] [--seed S]\n");
			return 2;
		}
	}
	if (count > n || sodium_init() < 0)
		return 2;
	rng ^= (uint64_t)seedno * 0x2545F4914F6CDD1DULL;
	char(*codes)[19] = calloc((size_t)n, sizeof *codes);
	struct sp_draw_candidate *c = calloc((size_t)n, sizeof *c);
	for (int64_t i = 0; i < n; i++) {
		snprintf(codes[i], 19, "91540%09lldXXXX", (long long)(i % 1000000000));
		c[i].credit_code = codes[i];
		c[i].county = 540102 + (int)(next() % 10);
		c[i].weight = next() % 10 == 0 ? 3 : 1;
	}
	char(*logins)[16] = calloc((size_t)ninsp, sizeof *logins);
	struct sp_draw_inspector *x = calloc((size_t)ninsp, sizeof *x);
	const char **avoid = calloc((size_t)ninsp * 3, sizeof *avoid);
	for (int64_t i = 0; i < ninsp; i++) {
		snprintf(logins[i], 16, "officer%05d", (int)(i % 100000));
		x[i].login = logins[i];
		x[i].name = "inspector";
		x[i].county = 540102 + (int)(next() % 10);
		/* three producers each, ascending */
		int64_t base = (int64_t)(next() % (uint64_t)(n - 3));
		for (int j = 0; j < 3; j++)
			avoid[i * 3 + j] = codes[base + j];
		x[i].avoid = avoid + i * 3;
		x[i].navoid = 3;
	}
	struct sp_draw_input in = {.task_id = "1",
	                           .plan_id = "1",
	                           .plan_year = 2026,
	                           .plan_region = 540000,
	                           .product = "BENCH",
	                           .industry = "C",
	                           .region_code = 540000,
	                           .as_of = "2026-01-01",
	                           .weighted = 1,
	                           .count = (int)count,
	                           .inspectors_each = 2,
	                           .ncandidates = (size_t)n,
	                           .candidates = c,
	                           .ninspectors = (size_t)ninsp,
	                           .inspectors = x};
	unsigned char seed[SP_DRAW_SEED_BYTES];
	for (int i = 0; i < SP_DRAW_SEED_BYTES; i++)
		seed[i] = (unsigned char)next();
	const char *witness = "bench 07 13 22 28 31";
	struct sp_draw_pick *p = calloc((size_t)count, sizeof *p),
	                    *q = calloc((size_t)count, sizeof *q);
	double tf[ROUNDS_MAX], tn[ROUNDS_MAX];
	char hex[65] = "";
	int rc = 0;
	for (int r = 0; r < rounds && rc == 0; r++) {
		double t0 = now_s();
		rc |= sp_draw_run(&in, seed, witness, strlen(witness), p);
		double t1 = now_s();
		rc |= sp_draw_run_naive(&in, seed, witness, strlen(witness), q);
		double t2 = now_s();
		tf[r] = t1 - t0;
		tn[r] = t2 - t1;
		struct buf a = {0}, b = {0};
		sp_draw_result_json(&in, p, &a);
		sp_draw_result_json(&in, q, &b);
		if (rc != 0 || a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
			fprintf(stderr, "sp_draw_bench: the two draws differ (rc %d)\n", rc);
			rc = 1;
		}
		unsigned char h[32];
		crypto_hash_sha256(h, (const unsigned char *)a.data, a.len);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		buf_free(&a);
		buf_free(&b);
	}
	if (rc != 0)
		return 1;
	double mf = bench_median(tf, (int)rounds), mn = bench_median(tn, (int)rounds);
	printf("candidates %lld\ncount %lld\ninspectors %lld\nrounds %lld\n", (long long)n,
	       (long long)count, (long long)ninsp, (long long)rounds);
	printf("fenwick_ms %.3f\nnaive_ms %.1f\nratio %.0f\nresult_sha256 %s\n", mf * 1e3, mn * 1e3,
	       mn / mf, hex);
	free(p);
	free(q);
	free(avoid);
	free(x);
	free(logins);
	free(c);
	free(codes);
	return 0;
}

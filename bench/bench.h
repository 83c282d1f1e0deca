/*
 * What the benchmark programs share (bench/eq_bench.c, sp_bench.c, sp_draw_bench.c): a
 * monotonic clock, the median of the rounds' timings, and dying with a message. Header-only,
 * static inline: each benchmark is one translation unit. Define BENCH_NAME (the program's
 * name, for messages) before including it.
 */
#ifndef JZ_BENCH_H
#define JZ_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_NAME
#error "define BENCH_NAME before including bench.h"
#endif

#define BENCH_ROUNDS_MAX 50 /* rounds a benchmark may be asked for */

/* Milliseconds on the monotonic clock. */
static inline double bench_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Says "BENCH_NAME: what" on stderr and exits 1. */
static inline void bench_die(const char *what)
{
	fprintf(stderr, BENCH_NAME ": %s\n", what);
	exit(1);
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of v[0..n), 1 <= n <= BENCH_ROUNDS_MAX; v is left as it is. */
static inline double bench_median(const double *v, int n)
{
	double s[BENCH_ROUNDS_MAX];
	memcpy(s, v, (size_t)n * sizeof *v);
	qsort(s, (size_t)n, sizeof *s, bench_cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

#endif

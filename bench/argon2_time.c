/*
 * argon2_time: what one Argon2id password hash costs on this machine, through the project's
 * own code (acc_password_hash in src/modules/accounts/service.c, the call every account
 * creation and password change makes) and libsodium's crypto_pwhash_str_verify (the work of
 * every sign-in, acc_login). Built and run by bench/argon2.sh:
 *
 *   gcc -O2 -std=c11 -D_GNU_SOURCE -I src bench/argon2_time.c build-bench/libjzcore.a \
 *       $(pkg-config --cflags --libs libmicrohttpd jansson sqlite3 libsodium inih) -lpthread -lm
 *   argon2_time [N]          (N hashes and N verifications, default 20, 1..1000)
 *
 * Prints the parameters (from libsodium's constants and from the hash string itself), then the
 * median and p90 in milliseconds of: a hash, a verification of the right password, a
 * verification of a wrong one, and a hash while a second thread hashes at the same time (two
 * concurrent hashes, the most acc_password_hash lets run at once), with the wall time of the
 * pair. The last line is a one-line RESULT summary.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "modules/accounts/service.h"

#define N_DEFAULT 20
#define N_MAX     1000

static const char PASSWORD[] = "Bench-argon2-Passw0rd"; /* passes acc_password_check */
static const char WRONG[] = "Bench-argon2-Passw0rX";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts v and returns its median; *p90 gets the nearest-rank 90th percentile. */
static double stats(double *v, int n, double *p90, double *min, double *max)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	int rank = (9 * n + 9) / 10; /* ceil(0.9 n), 1-based */
	*p90 = v[rank - 1];
	*min = v[0];
	*max = v[n - 1];
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(const char *what, double *v, int n, double *median_out)
{
	double p90, lo, hi, med = stats(v, n, &p90, &lo, &hi);
	printf("%-44s %9.1f %9.1f %9.1f %9.1f\n", what, med, p90, lo, hi);
	if (median_out)
		*median_out = med;
}

struct worker {
	pthread_barrier_t *start; /* both threads begin together */
	double ms;                /* this thread's hash time */
	double done_at;           /* clock when it finished */
	int rc;                   /* acc_password_hash's return */
	char hash[crypto_pwhash_STRBYTES];
};

static void *hash_thread(void *arg)
{
	struct worker *w = arg;
	pthread_barrier_wait(w->start);
	double t0 = now_ms();
	w->rc = acc_password_hash(PASSWORD, w->hash);
	w->done_at = now_ms();
	w->ms = w->done_at - t0;
	return NULL;
}

int main(int argc, char **argv)
{
	int n = N_DEFAULT;
	if (argc > 2) {
		fprintf(stderr, "usage: argon2_time [N]\n");
		return 2;
	}
	if (argc == 2) {
		char *end;
		long v = strtol(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end != '\0' || v < 1 || v > N_MAX) {
			fprintf(stderr, "argon2_time: N must be 1..%d\n", N_MAX);
			return 2;
		}
		n = (int)v;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "argon2_time: libsodium cannot start\n");
		return 1;
	}
	double t0 = now_ms();
	acc_init(); /* the server does this once at start: one hash (of a random dummy password) */
	double init_ms = now_ms() - t0;

	double *hash_ms = calloc((size_t)n, sizeof *hash_ms);
	double *verify_ms = calloc((size_t)n, sizeof *verify_ms);
	double *wrong_ms = calloc((size_t)n, sizeof *wrong_ms);
	double *conc_ms = calloc((size_t)(2 * n), sizeof *conc_ms);
	double *pair_ms = calloc((size_t)n, sizeof *pair_ms);
	if (!hash_ms || !verify_ms || !wrong_ms || !conc_ms || !pair_ms) {
		fprintf(stderr, "argon2_time: out of memory\n");
		return 1;
	}

	char hash[crypto_pwhash_STRBYTES];
	for (int i = 0; i < n; i++) {
		t0 = now_ms();
		if (acc_password_hash(PASSWORD, hash) != 0) {
			fprintf(stderr, "argon2_time: acc_password_hash failed\n");
			return 1;
		}
		hash_ms[i] = now_ms() - t0;
	}
	for (int i = 0; i < n; i++) {
		t0 = now_ms();
		int ok = crypto_pwhash_str_verify(hash, PASSWORD, strlen(PASSWORD)) == 0;
		verify_ms[i] = now_ms() - t0;
		if (!ok) {
			fprintf(stderr, "argon2_time: the right password did not verify\n");
			return 1;
		}
		t0 = now_ms();
		int bad = crypto_pwhash_str_verify(hash, WRONG, strlen(WRONG)) == 0;
		wrong_ms[i] = now_ms() - t0;
		if (bad) {
			fprintf(stderr, "argon2_time: a wrong password verified\n");
			return 1;
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_barrier_t start;
		pthread_barrier_init(&start, NULL, 3);
		struct worker w[2];
		pthread_t th[2];
		memset(w, 0, sizeof w);
		for (int k = 0; k < 2; k++) {
			w[k].start = &start;
			if (pthread_create(&th[k], NULL, hash_thread, &w[k]) != 0) {
				fprintf(stderr, "argon2_time: pthread_create failed\n");
				return 1;
			}
		}
		pthread_barrier_wait(&start);
		double begin = now_ms();
		for (int k = 0; k < 2; k++)
			pthread_join(th[k], NULL);
		pthread_barrier_destroy(&start);
		if (w[0].rc != 0 || w[1].rc != 0) {
			fprintf(stderr, "argon2_time: acc_password_hash failed in a thread\n");
			return 1;
		}
		conc_ms[2 * i] = w[0].ms;
		conc_ms[2 * i + 1] = w[1].ms;
		pair_ms[i] = (w[0].done_at > w[1].done_at ? w[0].done_at : w[1].done_at) - begin;
	}

	/* $argon2id$v=19$m=65536,t=2,p=1$salt$hash: algorithm and parameters as stored. */
	char params[64] = "";
	const char *p = hash;
	int dollars = 0;
	size_t k = 0;
	while (*p && k + 1 < sizeof params) {
		if (*p == '$' && ++dollars == 4)
			break;
		params[k++] = *p++;
	}
	params[k] = '\0';

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);

	printf("libsodium:  %s\n", sodium_version_string());
	printf("algorithm:  %s (crypto_pwhash_ALG_DEFAULT = %d, ARGON2ID13 = %d)\n",
	       crypto_pwhash_ALG_DEFAULT == crypto_pwhash_ALG_ARGON2ID13 ? "Argon2id v1.3"
	                                                                 : "not Argon2id",
	       crypto_pwhash_ALG_DEFAULT, crypto_pwhash_ALG_ARGON2ID13);
	printf("parameters: opslimit crypto_pwhash_OPSLIMIT_INTERACTIVE = %llu passes, memlimit "
	       "crypto_pwhash_MEMLIMIT_INTERACTIVE = %zu bytes = %.0f MiB, 1 lane\n",
	       (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE,
	       (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE,
	       (double)crypto_pwhash_MEMLIMIT_INTERACTIVE / (1024.0 * 1024.0));
	printf("stored as:  %s$<salt>$<hash>  (%zu bytes)\n", params, strlen(hash));
	printf("runs:       %d of each; acc_init() (one hash of a dummy password) took %.1f ms\n",
	       n, init_ms);
	printf("\n%-44s %9s %9s %9s %9s\n", "milliseconds", "median", "p90", "min", "max");
	double m_hash, m_verify, m_conc, m_pair;
	report("acc_password_hash (one at a time)", hash_ms, n, &m_hash);
	report("crypto_pwhash_str_verify, right password", verify_ms, n, &m_verify);
	report("crypto_pwhash_str_verify, wrong password", wrong_ms, n, NULL);
	report("acc_password_hash, 2 threads at once (each)", conc_ms, 2 * n, &m_conc);
	report("  wall time of the pair", pair_ms, n, &m_pair);
	printf("\nthroughput: %.1f hashes/s one at a time, %.1f hashes/s with 2 at once "
	       "(medians; a sign-in costs one verification)\n",
	       1000.0 / m_hash, 2000.0 / m_pair);
	printf("peak RSS of this process: %.1f MiB (each hash in progress holds its memlimit)\n",
	       (double)ru.ru_maxrss / 1024.0);
	printf("\nRESULT argon2 hash_ms=%.1f verify_ms=%.1f concurrent2_hash_ms=%.1f "
	       "concurrent2_pair_ms=%.1f opslimit=%llu memlimit_mib=%.0f\n",
	       m_hash, m_verify, m_conc, m_pair,
	       (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE,
	       (double)crypto_pwhash_MEMLIMIT_INTERACTIVE / (1024.0 * 1024.0));
	free(hash_ms);
	free(verify_ms);
	free(wrong_ms);
	free(conc_ms);
	free(pair_ms);
	return 0;
}

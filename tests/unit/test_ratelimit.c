/*
 * Unit tests of per-address rate limiting (src/platform/ratelimit.c): the bucket arithmetic
 * against a clock the test moves by hand (burst at once, then one per interval, Retry-After
 * rounded up, a bucket that refills but never beyond its size), the keys of IPv4, IPv6 (/64)
 * and IPv4-mapped addresses, a full table taking the least recently used entry and keeping
 * its size however many addresses come, many threads on one address (exactly burst allowed)
 * and on many, the trusted proxies' list and the client address behind them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "platform/ratelimit.h"

#define SEC 1000000000ull

static uint64_t fake_now; /* the injected clock (ns); tests set it */

static uint64_t fake_clock(void)
{
	return __atomic_load_n(&fake_now, __ATOMIC_RELAXED);
}

/* 60 a minute is one a second; a burst of 5. */
static void test_bucket_arithmetic(void **state)
{
	(void)state;
	fake_now = 1000 * SEC;
	struct ratelimit *rl = ratelimit_new(64, 60, 5, fake_clock);
	assert_non_null(rl);
	unsigned retry = 0;
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, "192.0.2.1", &retry), 1);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", &retry), 0);
	assert_int_equal(retry, 1); /* one token comes back in one second */
	/* A refused request costs nothing: still refused, still 1 s to wait. */
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", &retry), 0);
	assert_int_equal(retry, 1);
	/* Another address has its own bucket. */
	assert_int_equal(ratelimit_take(rl, "192.0.2.2", NULL), 1);
	/* 0.999 s later still nothing; at 1 s exactly one. */
	fake_now += SEC - 1000000;
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", &retry), 0);
	assert_int_equal(retry, 1);
	fake_now += 1000000;
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", NULL), 1);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", NULL), 0);
	/* 2.5 s later two tokens are back (the half is not a token). */
	fake_now += 2 * SEC + SEC / 2;
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", NULL), 1);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", NULL), 1);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", &retry), 0);
	assert_int_equal(retry, 1); /* half a second, rounded up */
	/* An hour of quiet fills the bucket to its size, not beyond: 5 again, then no. */
	fake_now += 3600 * SEC;
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, "192.0.2.1", NULL), 1);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", NULL), 0);
	ratelimit_free(rl);
}

/* 2 a minute: a token every 30 s, so Retry-After counts whole seconds up to 30. */
static void test_retry_after_seconds(void **state)
{
	(void)state;
	fake_now = 5 * SEC;
	struct ratelimit *rl = ratelimit_new(8, 2, 1, fake_clock);
	assert_non_null(rl);
	unsigned retry = 0;
	assert_int_equal(ratelimit_take(rl, "2001:db8::1", &retry), 1);
	assert_int_equal(ratelimit_take(rl, "2001:db8::1", &retry), 0);
	assert_int_equal(retry, 30);
	fake_now += 10 * SEC + 1;
	assert_int_equal(ratelimit_take(rl, "2001:db8::1", &retry), 0);
	assert_int_equal(retry, 20); /* 19.999999999 s, rounded up */
	fake_now += 20 * SEC;
	assert_int_equal(ratelimit_take(rl, "2001:db8::1", &retry), 1);
	ratelimit_free(rl);
}

static void test_limits_out_of_range(void **state)
{
	(void)state;
	assert_null(ratelimit_new(8, 0, 1, NULL));
	assert_null(ratelimit_new(8, 60, 0, NULL));
	assert_null(ratelimit_new(8, RATELIMIT_RATE_MAX + 1, 1, NULL));
	assert_null(ratelimit_new(8, 60, RATELIMIT_BURST_MAX + 1, NULL));
	struct ratelimit *rl = ratelimit_new(0, RATELIMIT_RATE_MAX, RATELIMIT_BURST_MAX, NULL);
	assert_non_null(rl);
	assert_int_equal(ratelimit_capacity(rl), RATELIMIT_WAYS); /* at least one set */
	ratelimit_free(rl);
	ratelimit_free(NULL);
}

static void test_keys(void **state)
{
	(void)state;
	uint8_t a[16], b[16];
	assert_int_equal(ratelimit_key("10.1.2.3", a), 0);
	assert_int_equal(ratelimit_key("::ffff:10.1.2.3", b), 0);
	assert_memory_equal(a, b, 16);
	static const uint8_t V4[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3};
	assert_memory_equal(a, V4, 16);
	/* One /64 is one client; the next /64 another. */
	assert_int_equal(ratelimit_key("2001:db8:1:2:aaaa::1", a), 0);
	assert_int_equal(ratelimit_key("2001:db8:1:2:ffff:eeee:dddd:cccc", b), 0);
	assert_memory_equal(a, b, 16);
	assert_int_equal(ratelimit_key("2001:db8:1:3::1", b), 0);
	assert_memory_not_equal(a, b, 16);
	static const uint8_t ZERO[16] = {0};
	assert_int_equal(ratelimit_key("not an address", a), -1);
	assert_memory_equal(a, ZERO, 16);
	assert_int_equal(ratelimit_key("", a), -1);
	assert_int_equal(ratelimit_key(NULL, a), -1);
	assert_int_equal(ratelimit_key("10.1.2.3:80", a), -1);

	/* The same in the limiter: a neighbour in the /64 shares the bucket. */
	fake_now = SEC;
	struct ratelimit *rl = ratelimit_new(64, 60, 1, fake_clock);
	assert_int_equal(ratelimit_take(rl, "2001:db8:1:2::1", NULL), 1);
	assert_int_equal(ratelimit_take(rl, "2001:db8:1:2::99", NULL), 0);
	assert_int_equal(ratelimit_take(rl, "2001:db8:1:3::1", NULL), 1);
	assert_int_equal(ratelimit_take(rl, "198.51.100.7", NULL), 1);
	assert_int_equal(ratelimit_take(rl, "::ffff:198.51.100.7", NULL), 0);
	ratelimit_free(rl);
}

/*
 * One set of RATELIMIT_WAYS entries: every address lands in it. When it is full, a new
 * address takes first an entry whose bucket is full again, else the least recently used.
 */
static void test_table_full_replacement(void **state)
{
	(void)state;
	fake_now = 100 * SEC;
	struct ratelimit *rl = ratelimit_new(1, 60, 1, fake_clock); /* one token a second */
	assert_int_equal(ratelimit_capacity(rl), RATELIMIT_WAYS);
	char addr[32];
	for (int i = 0; i < RATELIMIT_WAYS; i++) {
		snprintf(addr, sizeof addr, "203.0.113.%d", i);
		assert_int_equal(ratelimit_take(rl, addr, NULL), 1);
		fake_now += 1000; /* distinct times of last use; buckets stay empty */
	}
	assert_int_equal(ratelimit_used(rl), RATELIMIT_WAYS);
	/* Touch .0 so that .1 is the least recently used; all are still limited. */
	assert_int_equal(ratelimit_take(rl, "203.0.113.0", NULL), 0);
	/* A new address takes .1's entry. */
	assert_int_equal(ratelimit_take(rl, "203.0.113.200", NULL), 1);
	assert_int_equal(ratelimit_used(rl), RATELIMIT_WAYS);
	assert_int_equal(ratelimit_take(rl, "203.0.113.0", NULL), 0);   /* remembered */
	assert_int_equal(ratelimit_take(rl, "203.0.113.2", NULL), 0);   /* remembered */
	assert_int_equal(ratelimit_take(rl, "203.0.113.200", NULL), 0); /* remembered */
	/* .1 was forgotten: a fresh bucket (which takes .3's entry, now the oldest). */
	assert_int_equal(ratelimit_take(rl, "203.0.113.1", NULL), 1);
	assert_int_equal(ratelimit_take(rl, "203.0.113.3", NULL), 1);

	ratelimit_free(rl);

	/* A full bucket goes before the least recently used: x0..x6 are full again but were
	 * used (refused) after x7, whose bucket is still empty. */
	rl = ratelimit_new(1, 60, 1, fake_clock);
	uint64_t t0 = 500 * SEC;
	fake_now = t0;
	for (int i = 0; i < RATELIMIT_WAYS - 1; i++) {
		snprintf(addr, sizeof addr, "192.0.2.%d", i);
		assert_int_equal(ratelimit_take(rl, addr, NULL), 1);
	}
	fake_now = t0 + SEC * 9 / 10;
	assert_int_equal(ratelimit_take(rl, "192.0.2.7", NULL), 1);
	fake_now = t0 + SEC * 95 / 100;
	for (int i = 0; i < RATELIMIT_WAYS - 1; i++) {
		snprintf(addr, sizeof addr, "192.0.2.%d", i);
		assert_int_equal(ratelimit_take(rl, addr, NULL), 0);
	}
	fake_now = t0 + SEC * 12 / 10;
	for (int i = 0; i < RATELIMIT_WAYS - 1; i++) {
		snprintf(addr, sizeof addr, "198.18.0.%d", i);
		assert_int_equal(ratelimit_take(rl, addr, NULL), 1);
	}
	assert_int_equal(ratelimit_used(rl), RATELIMIT_WAYS);
	assert_int_equal(ratelimit_take(rl, "192.0.2.7", NULL), 0); /* kept: still limited */
	/* A flood of new addresses never grows the table. */
	for (int i = 0; i < 3 * RATELIMIT_WAYS; i++) {
		snprintf(addr, sizeof addr, "198.19.0.%d", i);
		assert_int_equal(ratelimit_take(rl, addr, NULL), 1);
	}
	assert_int_equal(ratelimit_used(rl), RATELIMIT_WAYS);
	ratelimit_free(rl);
}

/* A flood of addresses in a larger table: memory is fixed, the count bounded. */
static void test_flood_bounded(void **state)
{
	(void)state;
	fake_now = SEC;
	struct ratelimit *rl = ratelimit_new(1000, 60, 3, fake_clock);
	size_t cap = ratelimit_capacity(rl);
	assert_true(cap >= 1000 && cap < 1000 + RATELIMIT_WAYS);
	char addr[48];
	for (int i = 0; i < 100000; i++) {
		snprintf(addr, sizeof addr, "2001:db8:%x:%x::1", i >> 16, i & 0xffff);
		assert_int_equal(ratelimit_take(rl, addr, NULL), 1);
	}
	size_t used = ratelimit_used(rl);
	assert_true(used <= cap);
	assert_true(used > cap * 9 / 10); /* the sets fill evenly */
	/* A client that keeps asking keeps its entry while strangers stream past... mostly:
	 * at worst it is forgotten and gets a fresh bucket, never a smaller one. */
	assert_int_equal(ratelimit_take(rl, "192.0.2.77", NULL), 1);
	ratelimit_free(rl);
}

struct thread_arg {
	struct ratelimit *rl; /* shared */
	int id;               /* thread number */
	int n;                /* requests to make */
	int same;             /* all on one address, else each thread its own */
	int allowed;          /* out: how many were allowed */
};

static void *hammer(void *p)
{
	struct thread_arg *t = p;
	char addr[48];
	for (int i = 0; i < t->n; i++) {
		if (t->same)
			snprintf(addr, sizeof addr, "192.0.2.9");
		else
			snprintf(addr, sizeof addr, "10.%d.%d.%d", t->id, (i / 250) % 250, i % 250);
		t->allowed += ratelimit_take(t->rl, addr, NULL);
	}
	return NULL;
}

#define THREADS 8

static void test_many_threads(void **state)
{
	(void)state;
	/* One address, the clock standing still: exactly the burst is allowed in all. */
	fake_now = 50 * SEC;
	struct ratelimit *rl = ratelimit_new(4096, 60, 1000, fake_clock);
	pthread_t th[THREADS];
	struct thread_arg arg[THREADS];
	for (int i = 0; i < THREADS; i++) {
		arg[i] = (struct thread_arg){rl, i, 5000, 1, 0};
		assert_int_equal(pthread_create(&th[i], NULL, hammer, &arg[i]), 0);
	}
	int total = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		total += arg[i].allowed;
	}
	assert_int_equal(total, 1000);
	assert_int_equal(ratelimit_used(rl), 1);
	ratelimit_free(rl);

	/* Distinct addresses (fewer than the table holds): each has its first burst. */
	rl = ratelimit_new(1 << 16, 60, 2, fake_clock);
	for (int i = 0; i < THREADS; i++) {
		arg[i] = (struct thread_arg){rl, i, 4000, 0, 0};
		assert_int_equal(pthread_create(&th[i], NULL, hammer, &arg[i]), 0);
	}
	total = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		total += arg[i].allowed;
	}
	/* Each thread's 4000 requests cover 4000 distinct addresses once: all allowed, unless
	 * a set overflowed (then an address might come back fresh, also allowed). */
	assert_int_equal(total, THREADS * 4000);
	assert_true(ratelimit_used(rl) <= (size_t)THREADS * 4000);
	assert_true(ratelimit_used(rl) > (size_t)THREADS * 4000 * 9 / 10);
	ratelimit_free(rl);

	/* The real clock, many threads, a small table: no crash, no deadlock, counts sane. */
	rl = ratelimit_new(64, RATELIMIT_RATE_MAX, 10, NULL);
	for (int i = 0; i < THREADS; i++) {
		arg[i] = (struct thread_arg){rl, i, 20000, i % 2, 0};
		assert_int_equal(pthread_create(&th[i], NULL, hammer, &arg[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_true(arg[i].allowed > 0);
	}
	assert_true(ratelimit_used(rl) <= ratelimit_capacity(rl));
	ratelimit_free(rl);
}

static void test_proxies_parse(void **state)
{
	(void)state;
	struct ratelimit_proxies p;
	const char *why = NULL;
	assert_int_equal(ratelimit_proxies_parse("", &p, &why), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(ratelimit_proxies_parse("127.0.0.1, ::1,10.0.0.0/8  fd00::/8", &p, &why),
	                 0);
	assert_int_equal(p.n, 4);
	assert_true(ratelimit_proxies_match(&p, "127.0.0.1"));
	assert_false(ratelimit_proxies_match(&p, "127.0.0.2"));
	assert_true(ratelimit_proxies_match(&p, "::1"));
	assert_true(ratelimit_proxies_match(&p, "10.200.3.4"));
	assert_true(ratelimit_proxies_match(&p, "::ffff:10.200.3.4"));
	assert_false(ratelimit_proxies_match(&p, "11.0.0.1"));
	assert_true(ratelimit_proxies_match(&p, "fd12:3456::1"));
	assert_false(ratelimit_proxies_match(&p, "fe80::1"));
	assert_false(ratelimit_proxies_match(&p, "junk"));
	assert_false(ratelimit_proxies_match(&p, NULL));
	/* Host bits in a network are ignored; odd prefix lengths work. */
	assert_int_equal(ratelimit_proxies_parse("192.168.1.77/23", &p, &why), 0);
	assert_true(ratelimit_proxies_match(&p, "192.168.0.1"));
	assert_true(ratelimit_proxies_match(&p, "192.168.1.255"));
	assert_false(ratelimit_proxies_match(&p, "192.168.2.0"));
	assert_int_equal(ratelimit_proxies_parse("0.0.0.0/0", &p, &why), 0);
	assert_true(ratelimit_proxies_match(&p, "8.8.8.8"));
	assert_false(ratelimit_proxies_match(&p, "2001:db8::1"));

	static const char *const BAD[] = {"localhost", "10.0.0.0/33", "::/129",     "1.2.3.4/",
	                                  "1.2.3.4/x", "1.2.3",       "1.2.3.4/-1", NULL};
	for (int i = 0; BAD[i]; i++) {
		why = NULL;
		assert_int_equal(ratelimit_proxies_parse(BAD[i], &p, &why), -1);
		assert_non_null(why);
	}
	char many[600] = "";
	for (int i = 0; i < RATELIMIT_PROXIES_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "10.0.0.%d,", i);
	assert_int_equal(ratelimit_proxies_parse(many, &p, &why), -1);
}

static void test_client_addr(void **state)
{
	(void)state;
	struct ratelimit_proxies p;
	const char *why;
	assert_int_equal(ratelimit_proxies_parse("127.0.0.1,::1,10.0.0.0/8", &p, &why), 0);
	char out[RATELIMIT_ADDR_TEXT];
	/* A peer that is not a proxy: its own address, whatever it claims. */
	ratelimit_client_addr(&p, "198.51.100.1", "1.1.1.1", "2.2.2.2", out, sizeof out);
	assert_string_equal(out, "198.51.100.1");
	/* nginx on loopback: X-Real-IP first. */
	ratelimit_client_addr(&p, "127.0.0.1", "198.51.100.2", "9.9.9.9", out, sizeof out);
	assert_string_equal(out, "198.51.100.2");
	ratelimit_client_addr(&p, "::1", "2001:db8::5", NULL, out, sizeof out);
	assert_string_equal(out, "2001:db8::5");
	/* No X-Real-IP: the rightmost untrusted of X-Forwarded-For; the client's own claims
	 * (left of it) are ignored. */
	ratelimit_client_addr(&p, "127.0.0.1", NULL, "6.6.6.6, 198.51.100.3, 10.1.1.1", out,
	                      sizeof out);
	assert_string_equal(out, "198.51.100.3");
	ratelimit_client_addr(&p, "127.0.0.1", NULL, "198.51.100.4", out, sizeof out);
	assert_string_equal(out, "198.51.100.4");
	/* An X-Real-IP that is a proxy's, or junk: X-Forwarded-For decides. */
	ratelimit_client_addr(&p, "127.0.0.1", "10.0.0.5", "198.51.100.5,10.0.0.5", out,
	                      sizeof out);
	assert_string_equal(out, "198.51.100.5");
	ratelimit_client_addr(&p, "127.0.0.1", "junk", "198.51.100.6", out, sizeof out);
	assert_string_equal(out, "198.51.100.6");
	/* All trusted: the leftmost. Junk in the list: the last trusted one before it. */
	ratelimit_client_addr(&p, "127.0.0.1", NULL, "10.0.0.7, 10.0.0.8", out, sizeof out);
	assert_string_equal(out, "10.0.0.7");
	ratelimit_client_addr(&p, "127.0.0.1", NULL, "198.51.100.9, junk, 10.0.0.8", out,
	                      sizeof out);
	assert_string_equal(out, "10.0.0.8");
	/* Nothing given: the proxy itself. */
	ratelimit_client_addr(&p, "127.0.0.1", NULL, NULL, out, sizeof out);
	assert_string_equal(out, "127.0.0.1");
	ratelimit_client_addr(&p, "127.0.0.1", NULL, "", out, sizeof out);
	assert_string_equal(out, "127.0.0.1");
	/* No trusted proxies at all: the headers mean nothing. */
	struct ratelimit_proxies none;
	assert_int_equal(ratelimit_proxies_parse("", &none, &why), 0);
	ratelimit_client_addr(&none, "127.0.0.1", "198.51.100.2", "198.51.100.3", out, sizeof out);
	assert_string_equal(out, "127.0.0.1");
}

static void test_public_setup(void **state)
{
	(void)state;
	assert_int_equal(ratelimit_public_setup(120, 30, "127.0.0.1,::1"), 0);
	assert_int_equal(ratelimit_public_setup(0, 30, ""), 0); /* off */
	assert_int_equal(ratelimit_public_setup(120, 30, "nonsense"), -1);
	assert_int_equal(ratelimit_public_setup(RATELIMIT_RATE_MAX + 1, 30, ""), -1);
	ratelimit_public_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bucket_arithmetic),
	    cmocka_unit_test(test_retry_after_seconds),
	    cmocka_unit_test(test_limits_out_of_range),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_table_full_replacement),
	    cmocka_unit_test(test_flood_bounded),
	    cmocka_unit_test(test_many_threads),
	    cmocka_unit_test(test_proxies_parse),
	    cmocka_unit_test(test_client_addr),
	    cmocka_unit_test(test_public_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

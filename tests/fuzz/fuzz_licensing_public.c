/*
 * Fuzz target for what the public verification endpoint reads from strangers: the licence
 * number in the path (lc_public_number_normalize) and the client address with the proxy
 * headers that decide whose rate limit a request counts against (ratelimit_key,
 * ratelimit_proxies_parse, ratelimit_client_addr).
 *
 * The input is cut at NUL bytes into up to four parts: a licence number, a proxy list, a peer
 * address and an X-Forwarded-For value. Properties checked, besides not crashing:
 *   - a number accepted is NUL-terminated within LC_LICENCE_NO_MAX, is normalised already
 *     (normalising it again gives the same bytes) and has one of the two shapes; a number
 *     refused leaves out "";
 *   - the client address chosen is always one of the addresses the request carried (the
 *     peer, or a part of the forwarded list), never made up, and fits its buffer;
 *   - the key of an address the proxy list matches is stable (same bytes twice).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/common.h"
#include "modules/licensing/public.h"
#include "platform/ratelimit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_licensing_public: %s:%d: check failed: %s\n",        \
			        __FILE__, __LINE__, #cond);                                        \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define PARTS    4
#define PART_MAX 512 /* bytes of one part looked at (a header or path is short) */

static void check_number(const char *s, size_t n)
{
	char out[LC_LICENCE_NO_MAX], again[LC_LICENCE_NO_MAX];
	memset(out, 'x', sizeof out);
	int rc = lc_public_number_normalize(s, n, out);
	CHECK(memchr(out, '\0', sizeof out) != NULL);
	if (rc != 0) {
		CHECK(out[0] == '\0');
		return;
	}
	size_t len = strlen(out);
	CHECK(len > 0);
	CHECK(lc_public_number_normalize(out, len, again) == 0);
	CHECK(strcmp(out, again) == 0);
	if (out[0] == 'S') {
		CHECK(len == 16 && out[1] == 'C');
		for (size_t i = 2; i < len; i++)
			CHECK(out[i] >= '0' && out[i] <= '9');
	} else {
		CHECK(out[0] == '(');
		CHECK(strstr(out, ")XK") != NULL);
	}
}

/* 1 if addr is the peer or one of the comma-separated parts of xff (spaces trimmed). */
static int carried(const char *addr, const char *peer, const char *xff)
{
	if (strcmp(addr, peer) == 0)
		return 1;
	size_t n = strlen(addr);
	for (const char *p = xff; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > p && t[-1] == ' ')
			t--;
		if ((size_t)(t - p) == n && memcmp(p, addr, n) == 0)
			return 1;
		p = e;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char part[PARTS][PART_MAX + 1];
	size_t len[PARTS] = {0};
	int k = 0;
	for (size_t i = 0; i < size && k < PARTS; i++) {
		if (data[i] == '\0') {
			k++;
			continue;
		}
		if (len[k] < PART_MAX)
			part[k][len[k]++] = (char)data[i];
	}
	for (int i = 0; i < PARTS; i++)
		part[i][len[i]] = '\0';

	check_number(part[0], len[0]);

	struct ratelimit_proxies proxies;
	const char *why = NULL;
	if (ratelimit_proxies_parse(part[1], &proxies, &why) != 0) {
		CHECK(why != NULL);
		return 0;
	}
	uint8_t key1[16], key2[16];
	if (ratelimit_key(part[2], key1) == 0) {
		CHECK(ratelimit_key(part[2], key2) == 0);
		CHECK(memcmp(key1, key2, sizeof key1) == 0);
	}
	char out[64];
	for (size_t cap = 1; cap <= sizeof out; cap += 31) {
		memset(out, 'x', sizeof out);
		ratelimit_client_addr(&proxies, part[2], NULL, part[3], out, cap);
		CHECK(memchr(out, '\0', cap) != NULL);
		if (cap == sizeof out && strlen(out) < cap - 1)
			CHECK(carried(out, part[2], part[3]));
	}
	return 0;
}

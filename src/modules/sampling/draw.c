/*
 * The verifiable draw. The first half is pure (no database): the random numbers, the Fenwick
 * and the naive draw, the canonical JSON writers and the strict parser of published inputs.
 * The second half is the service: it gathers the candidates (the registry's active producers
 * of the product's industry in the task's region, less those sampled too recently or by a
 * higher level, or with too few inspectors), the inspectors (the accounts module's sampling
 * officers) and what they visited lately, commits to a seed, and later draws and verifies.
 */
#include "draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "modules/accounts/service.h"
#include "modules/registry/service.h"
#include "modules/sampling/plans.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/textenc.h"

/* ---- Random numbers ------------------------------------------------------------------------ */

void sp_draw_key(const unsigned char seed[SP_DRAW_SEED_BYTES], const char *w, size_t wn,
                 unsigned char key[32])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, seed, SP_DRAW_SEED_BYTES);
	crypto_hash_sha256_update(&st, (const unsigned char *)w, wn);
	crypto_hash_sha256_final(&st, key);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* rand(L, k, a): the first 8 bytes, big-endian, of SHA-256(key || L || be32(k) || be32(a)). */
static uint64_t draw_rand(const unsigned char key[32], const char *label, uint32_t k, uint32_t a)
{
	unsigned char m[32 + 16 + 8], h[32];
	size_t ln = strlen(label);
	memcpy(m, key, 32);
	memcpy(m + 32, label, ln);
	put_be32(m + 32 + ln, k);
	put_be32(m + 32 + ln + 4, a);
	crypto_hash_sha256(h, m, 32 + ln + 8);
	uint64_t x = 0;
	for (int i = 0; i < 8; i++)
		x = x << 8 | h[i];
	return x;
}

uint64_t sp_draw_uniform(const unsigned char key[32], const char *label, uint32_t k, uint64_t w,
                         int *tries)
{
	/* 2^64 mod w, computed as (2^64 - w) mod w; accepting x < 2^64 - that (x <= max - that)
	 * leaves a whole number of copies of [0, w), so x mod w is exactly uniform. */
	uint64_t r = (0 - w) % w;
	for (uint32_t a = 0;; a++) {
		uint64_t x = draw_rand(key, label, k, a);
		if (tries)
			(*tries)++;
		if (x <= UINT64_MAX - r)
			return x % w;
	}
}

/* ---- Inspectors of one pick ---------------------------------------------------------------- */

static int code_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if inspector i may go to candidate c (not of its county, not avoiding it); the avoid list
 * is sorted, so a binary search. */
static int inspector_eligible(const struct sp_draw_inspector *i, const struct sp_draw_candidate *c)
{
	if (i->county == c->county)
		return 0;
	return i->navoid == 0 ||
	       bsearch(&c->credit_code, i->avoid, i->navoid, sizeof *i->avoid, code_cmp) == NULL;
}

/* Draws the inspectors of pick k (candidate c) into p->inspectors, using elig (room for
 * ninspectors indices). 0 or SP_DRAW_E_INSPECTORS. */
static int draw_inspectors(const struct sp_draw_input *in, const unsigned char key[32], uint32_t k,
                           size_t *elig, struct sp_draw_pick *p, int naive)
{
	const struct sp_draw_candidate *c = &in->candidates[p->candidate];
	size_t n = 0;
	for (size_t i = 0; i < in->ninspectors; i++) {
		const struct sp_draw_inspector *x = &in->inspectors[i];
		int ok;
		if (naive) {
			ok = x->county != c->county;
			for (size_t v = 0; ok && v < x->navoid; v++)
				ok = strcmp(x->avoid[v], c->credit_code) != 0;
		} else {
			ok = inspector_eligible(x, c);
		}
		if (ok)
			elig[n++] = i;
	}
	for (int j = 0; j < in->inspectors_each; j++) {
		if (n == 0)
			return SP_DRAW_E_INSPECTORS;
		uint64_t t = sp_draw_uniform(key, "inspector", k * 16 + (uint32_t)j, n, NULL);
		p->inspectors[j] = elig[t];
		memmove(elig + t, elig + t + 1, (n - t - 1) * sizeof *elig);
		n--;
	}
	return 0;
}

static int draw_check(const struct sp_draw_input *in)
{
	if (in->count < 1 || (size_t)in->count > in->ncandidates || in->inspectors_each < 1 ||
	    in->inspectors_each > SP_DRAW_EACH_MAX)
		return SP_DRAW_E_COUNT;
	for (size_t i = 0; i < in->ncandidates; i++)
		if (in->candidates[i].weight < 1)
			return SP_DRAW_E_COUNT;
	return 0;
}

/* ---- The draw through a Fenwick tree -------------------------------------------------------- */

int sp_draw_run(const struct sp_draw_input *in, const unsigned char seed[SP_DRAW_SEED_BYTES],
                const char *w, size_t wn, struct sp_draw_pick *out)
{
	int rc = draw_check(in);
	if (rc != 0)
		return rc;
	unsigned char key[32];
	sp_draw_key(seed, w, wn, key);
	size_t n = in->ncandidates;
	/* tree[i] holds the sum of the weights of candidates (i - lowbit(i), i], 1-based. */
	uint64_t *tree = xcalloc(n + 1, sizeof *tree);
	uint64_t total = 0;
	for (size_t i = 1; i <= n; i++) {
		tree[i] += (uint64_t)in->candidates[i - 1].weight;
		total += (uint64_t)in->candidates[i - 1].weight;
		size_t up = i + (i & (0 - i));
		if (up <= n)
			tree[up] += tree[i];
	}
	size_t top = 1;
	while (top <= n / 2)
		top <<= 1;
	size_t *elig = xcalloc(in->ninspectors + 1, sizeof *elig);
	for (int k = 0; k < in->count; k++) {
		uint64_t t = sp_draw_uniform(key, "producer", (uint32_t)k, total, NULL);
		/* The largest pos with prefix(pos) <= t; candidate pos + 1 (1-based) is the first
		 * whose running sum exceeds t, and has weight > 0, so it is still in the list. */
		size_t pos = 0;
		uint64_t rem = t;
		for (size_t step = top; step > 0; step >>= 1)
			if (pos + step <= n && tree[pos + step] <= rem) {
				pos += step;
				rem -= tree[pos];
			}
		out[k].candidate = pos;
		uint64_t wt = (uint64_t)in->candidates[pos].weight;
		for (size_t i = pos + 1; i <= n; i += i & (0 - i))
			tree[i] -= wt;
		total -= wt;
		rc = draw_inspectors(in, key, (uint32_t)k, elig, &out[k], 0);
		if (rc != 0)
			break;
	}
	free(elig);
	free(tree);
	sodium_memzero(key, sizeof key);
	return rc;
}

/* ---- The draw by the obvious scan ---------------------------------------------------------- */

int sp_draw_run_naive(const struct sp_draw_input *in, const unsigned char seed[SP_DRAW_SEED_BYTES],
                      const char *w, size_t wn, struct sp_draw_pick *out)
{
	int rc = draw_check(in);
	if (rc != 0)
		return rc;
	unsigned char key[32];
	sp_draw_key(seed, w, wn, key);
	size_t n = in->ncandidates;
	unsigned char *gone = xcalloc(n ? n : 1, 1);
	size_t *elig = xcalloc(in->ninspectors + 1, sizeof *elig);
	for (int k = 0; k < in->count && rc == 0; k++) {
		uint64_t total = 0;
		for (size_t i = 0; i < n; i++)
			if (!gone[i])
				total += (uint64_t)in->candidates[i].weight;
		uint64_t t = sp_draw_uniform(key, "producer", (uint32_t)k, total, NULL);
		uint64_t sum = 0;
		size_t i = 0;
		for (; i < n; i++) {
			if (gone[i])
				continue;
			sum += (uint64_t)in->candidates[i].weight;
			if (sum > t)
				break;
		}
		gone[i] = 1;
		out[k].candidate = i;
		rc = draw_inspectors(in, key, (uint32_t)k, elig, &out[k], 1);
	}
	free(elig);
	free(gone);
	sodium_memzero(key, sizeof key);
	return rc;
}

/* ---- Canonical JSON ------------------------------------------------------------------------ */

static void put_str(struct buf *out, const char *key, const char *v)
{
	buf_printf(out, "\"%s\":", key);
	json_write_string(out, v, strlen(v));
}

void sp_draw_inputs_json(const struct sp_draw_input *in, struct buf *out)
{
	buf_putc(out, '{');
	put_str(out, "format", SP_DRAW_FORMAT);
	buf_putc(out, ',');
	put_str(out, "task_id", in->task_id);
	buf_putc(out, ',');
	put_str(out, "plan_id", in->plan_id);
	buf_printf(out, ",\"plan_year\":%d,\"plan_region\":%d,", in->plan_year, in->plan_region);
	put_str(out, "product", in->product);
	buf_putc(out, ',');
	put_str(out, "industry", in->industry);
	buf_printf(out, ",\"region_code\":%d,", in->region_code);
	put_str(out, "as_of", in->as_of);
	buf_printf(out, ",\"weighted\":%s,\"count\":%d,\"inspectors_each\":%d,\"candidates\":[",
	           in->weighted ? "true" : "false", in->count, in->inspectors_each);
	for (size_t i = 0; i < in->ncandidates; i++) {
		const struct sp_draw_candidate *c = &in->candidates[i];
		buf_puts(out, i ? ",{" : "{");
		put_str(out, "credit_code", c->credit_code);
		buf_printf(out, ",\"county\":%d,\"weight\":%d}", c->county, c->weight);
	}
	buf_puts(out, "],\"excluded\":[");
	for (size_t i = 0; i < in->nexcluded; i++) {
		buf_puts(out, i ? ",{" : "{");
		put_str(out, "credit_code", in->excluded[i].credit_code);
		buf_putc(out, ',');
		put_str(out, "reason", in->excluded[i].reason);
		buf_putc(out, '}');
	}
	buf_puts(out, "],\"inspectors\":[");
	for (size_t i = 0; i < in->ninspectors; i++) {
		const struct sp_draw_inspector *x = &in->inspectors[i];
		buf_puts(out, i ? ",{" : "{");
		put_str(out, "login", x->login);
		buf_putc(out, ',');
		put_str(out, "name", x->name);
		buf_printf(out, ",\"county\":%d,\"avoid\":[", x->county);
		for (size_t v = 0; v < x->navoid; v++) {
			if (v)
				buf_putc(out, ',');
			json_write_string(out, x->avoid[v], strlen(x->avoid[v]));
		}
		buf_puts(out, "]}");
	}
	buf_puts(out, "]}");
}

void sp_draw_result_json(const struct sp_draw_input *in, const struct sp_draw_pick *picks,
                         struct buf *out)
{
	buf_puts(out, "{\"picks\":[");
	for (int k = 0; k < in->count; k++) {
		const struct sp_draw_candidate *c = &in->candidates[picks[k].candidate];
		buf_puts(out, k ? ",{" : "{");
		put_str(out, "credit_code", c->credit_code);
		buf_printf(out, ",\"county\":%d,\"inspectors\":[", c->county);
		for (int j = 0; j < in->inspectors_each; j++) {
			const char *l = in->inspectors[picks[k].inspectors[j]].login;
			if (j)
				buf_putc(out, ',');
			json_write_string(out, l, strlen(l));
		}
		buf_puts(out, "]}");
	}
	buf_puts(out, "]}");
}

/* ---- The parser of published inputs -------------------------------------------------------- */

static const char *const REASONS[] = {"resampled", "higher_level", "few_inspectors", NULL};

/* Where a parse is, for naming the bad field. */
struct parse {
	struct arena *a;
	struct field_error *err;
	const char *path; /* "candidates[3]", or "" at the top */
};

static int bad(struct parse *p, const char *key, const char *code, const char *what)
{
	const char *f = !key[0]      ? arena_printf(p->a, "%s", p->path)
	                : p->path[0] ? arena_printf(p->a, "%s.%s", p->path, key)
	                             : arena_printf(p->a, "%s", key);
	field_fail(p->err, NULL, code, "%s %s", f, what);
	p->err->field = f;
	return -1;
}

/* The object o must have exactly the n keys in keys. */
static int keys_exact(struct parse *p, json_t *o, const char *const *keys, size_t n)
{
	if (!json_is_object(o))
		return bad(p, "", "invalid", "must be an object");
	for (size_t i = 0; i < n; i++)
		if (json_object_get(o, keys[i]) == NULL)
			return bad(p, keys[i], "required", "is missing");
	if (json_object_size(o) != n) {
		const char *k;
		json_t *v;
		json_object_foreach(o, k, v)
		{
			int known = 0;
			for (size_t i = 0; i < n; i++)
				known |= strcmp(k, keys[i]) == 0;
			if (!known)
				return bad(p, arena_strdup(p->a, k), "unknown", "is not a field");
		}
	}
	return 0;
}

static int get_int(struct parse *p, json_t *o, const char *key, int64_t lo, int64_t hi,
                   int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return bad(p, key, "invalid", "must be an integer");
	*out = json_integer_value(v);
	if (*out < lo || *out > hi)
		return bad(p, key, "out_of_range", "is out of range");
	return 0;
}

/* A string of 1..max code points with no NUL and no control characters, into *out (in a). */
static int str_value(struct parse *p, json_t *v, const char *key, size_t max, const char **out)
{
	if (!json_is_string(v))
		return bad(p, key, "invalid", "must be a string");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n == 0 || strlen(s) != n || utf8_invalid_at(s, n) >= 0 || utf8_has_control(s, n, 0))
		return bad(p, key, "invalid", "must be non-empty text without control characters");
	if (utf8_count(s, n) > max)
		return bad(p, key, "too_long", "is too long");
	*out = arena_strndup(p->a, s, n);
	return 0;
}

/* Every byte of s within the ASCII set allowed (a string of characters). */
static int ascii_only(const char *s, const char *allowed)
{
	for (; *s; s++)
		if (strchr(allowed, *s) == NULL)
			return 0;
	return 1;
}

#define UPPER_DIGITS "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

static int get_code(struct parse *p, json_t *v, const char *key, const char **out)
{
	if (str_value(p, v, key, 18, out) != 0)
		return -1;
	if (strlen(*out) != 18 || !ascii_only(*out, UPPER_DIGITS))
		return bad(p, key, "invalid", "must be an 18-character credit code");
	return 0;
}

static int get_id(struct parse *p, json_t *o, const char *key, const char **out)
{
	if (str_value(p, json_object_get(o, key), key, 19, out) != 0)
		return -1;
	if (!ascii_only(*out, "0123456789") || (*out)[0] == '0')
		return bad(p, key, "invalid", "must be a positive decimal id");
	return 0;
}

#define REGION_LO 110000
#define REGION_HI 829999

static int parse_candidates(struct parse *p, json_t *arr, struct sp_draw_input *in, int weighted)
{
	static const char *const KEYS[] = {"credit_code", "county", "weight"};
	size_t n = json_array_size(arr);
	struct sp_draw_candidate *c = arena_alloc(p->a, (n ? n : 1) * sizeof *c);
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		struct parse q = {p->a, p->err, arena_printf(p->a, "candidates[%zu]", i)};
		int64_t v;
		if (keys_exact(&q, o, KEYS, 3) != 0 ||
		    get_code(&q, json_object_get(o, "credit_code"), "credit_code",
		             &c[i].credit_code) != 0)
			return -1;
		if (i > 0 && strcmp(c[i - 1].credit_code, c[i].credit_code) >= 0)
			return bad(&q, "credit_code", "order",
			           "must come after the previous candidate's (ascending, unique)");
		if (get_int(&q, o, "county", REGION_LO, REGION_HI, &v) != 0)
			return -1;
		c[i].county = (int)v;
		if (get_int(&q, o, "weight", 1, 3, &v) != 0)
			return -1;
		if (v == 2 || (!weighted && v != 1))
			return bad(&q, "weight", "invalid",
			           weighted ? "must be 1 or 3" : "must be 1 in an unweighted draw");
		c[i].weight = (int)v;
	}
	in->candidates = c;
	in->ncandidates = n;
	return 0;
}

static int is_candidate(const struct sp_draw_input *in, const char *code)
{
	size_t lo = 0, hi = in->ncandidates;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(in->candidates[mid].credit_code, code);
		if (d == 0)
			return 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int parse_excluded(struct parse *p, json_t *arr, struct sp_draw_input *in)
{
	static const char *const KEYS[] = {"credit_code", "reason"};
	size_t n = json_array_size(arr);
	struct sp_draw_excluded *e = arena_alloc(p->a, (n ? n : 1) * sizeof *e);
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		struct parse q = {p->a, p->err, arena_printf(p->a, "excluded[%zu]", i)};
		if (keys_exact(&q, o, KEYS, 2) != 0 ||
		    get_code(&q, json_object_get(o, "credit_code"), "credit_code",
		             &e[i].credit_code) != 0)
			return -1;
		if (i > 0 && strcmp(e[i - 1].credit_code, e[i].credit_code) >= 0)
			return bad(&q, "credit_code", "order",
			           "must come after the previous one's (ascending, unique)");
		if (is_candidate(in, e[i].credit_code))
			return bad(&q, "credit_code", "invalid", "is also a candidate");
		if (str_value(&q, json_object_get(o, "reason"), "reason", 32, &e[i].reason) != 0)
			return -1;
		int known = 0;
		for (int r = 0; REASONS[r]; r++)
			known |= strcmp(REASONS[r], e[i].reason) == 0;
		if (!known)
			return bad(&q, "reason", "invalid",
			           "must be resampled, higher_level or few_inspectors");
	}
	in->excluded = e;
	in->nexcluded = n;
	return 0;
}

static int parse_inspectors(struct parse *p, json_t *arr, struct sp_draw_input *in)
{
	static const char *const KEYS[] = {"login", "name", "county", "avoid"};
	size_t n = json_array_size(arr);
	struct sp_draw_inspector *x = arena_alloc(p->a, (n ? n : 1) * sizeof *x);
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		struct parse q = {p->a, p->err, arena_printf(p->a, "inspectors[%zu]", i)};
		int64_t v;
		if (keys_exact(&q, o, KEYS, 4) != 0 ||
		    str_value(&q, json_object_get(o, "login"), "login", 64, &x[i].login) != 0)
			return -1;
		if (!ascii_only(x[i].login, "abcdefghijklmnopqrstuvwxyz0123456789._-@"))
			return bad(&q, "login", "invalid",
			           "must be lower-case letters, digits and . _ - @");
		if (i > 0 && strcmp(x[i - 1].login, x[i].login) >= 0)
			return bad(&q, "login", "order",
			           "must come after the previous inspector's (ascending, unique)");
		if (str_value(&q, json_object_get(o, "name"), "name", 100, &x[i].name) != 0 ||
		    get_int(&q, o, "county", REGION_LO, REGION_HI, &v) != 0)
			return -1;
		x[i].county = (int)v;
		json_t *av = json_object_get(o, "avoid");
		if (!json_is_array(av))
			return bad(&q, "avoid", "invalid", "must be an array");
		size_t m = json_array_size(av);
		if (m > in->ncandidates)
			return bad(&q, "avoid", "invalid", "lists more producers than there are");
		const char **list = arena_alloc(p->a, (m ? m : 1) * sizeof *list);
		for (size_t j = 0; j < m; j++) {
			const char *key = arena_printf(p->a, "avoid[%zu]", j);
			if (get_code(&q, json_array_get(av, j), key, &list[j]) != 0)
				return -1;
			if (j > 0 && strcmp(list[j - 1], list[j]) >= 0)
				return bad(&q, key, "order", "must be ascending and unique");
			if (!is_candidate(in, list[j]))
				return bad(&q, key, "invalid", "is not a candidate");
		}
		x[i].navoid = m;
		x[i].avoid = list;
	}
	in->inspectors = x;
	in->ninspectors = n;
	return 0;
}

static int parse_top(struct parse *p, json_t *root, struct sp_draw_input *in)
{
	static const char *const KEYS[] = {
	    "format",  "task_id",         "plan_id",     "plan_year", "plan_region",
	    "product", "industry",        "region_code", "as_of",     "weighted",
	    "count",   "inspectors_each", "candidates",  "excluded",  "inspectors"};
	if (keys_exact(p, root, KEYS, sizeof KEYS / sizeof *KEYS) != 0)
		return -1;
	const char *s;
	int64_t v;
	if (str_value(p, json_object_get(root, "format"), "format", 32, &s) != 0)
		return -1;
	if (strcmp(s, SP_DRAW_FORMAT) != 0)
		return bad(p, "format", "invalid", "must be " SP_DRAW_FORMAT);
	if (get_id(p, root, "task_id", &in->task_id) != 0 ||
	    get_id(p, root, "plan_id", &in->plan_id) != 0 ||
	    get_int(p, root, "plan_year", 2000, 2199, &v) != 0)
		return -1;
	in->plan_year = (int)v;
	if (get_int(p, root, "plan_region", REGION_LO, REGION_HI, &v) != 0)
		return -1;
	in->plan_region = (int)v;
	if (str_value(p, json_object_get(root, "product"), "product", 32, &in->product) != 0)
		return -1;
	if (!ascii_only(in->product, UPPER_DIGITS "_"))
		return bad(p, "product", "invalid", "must be a product code (A-Z, 0-9, _)");
	if (str_value(p, json_object_get(root, "industry"), "industry", 8, &in->industry) != 0)
		return -1;
	if (!ascii_only(in->industry, UPPER_DIGITS))
		return bad(p, "industry", "invalid", "must be an industry code (A-Z, 0-9)");
	if (get_int(p, root, "region_code", REGION_LO, REGION_HI, &v) != 0)
		return -1;
	in->region_code = (int)v;
	int32_t day;
	if (str_value(p, json_object_get(root, "as_of"), "as_of", 10, &in->as_of) != 0)
		return -1;
	if (date_parse(in->as_of, strlen(in->as_of), &day) != 0)
		return bad(p, "as_of", "invalid", "must be a date YYYY-MM-DD");
	json_t *wt = json_object_get(root, "weighted");
	if (!json_is_boolean(wt))
		return bad(p, "weighted", "invalid", "must be true or false");
	in->weighted = json_is_true(wt);
	if (get_int(p, root, "count", 1, SP_DRAW_COUNT_MAX, &v) != 0)
		return -1;
	in->count = (int)v;
	if (get_int(p, root, "inspectors_each", 1, SP_DRAW_EACH_MAX, &v) != 0)
		return -1;
	in->inspectors_each = (int)v;
	json_t *c = json_object_get(root, "candidates"), *e = json_object_get(root, "excluded"),
	       *x = json_object_get(root, "inspectors");
	if (!json_is_array(c) || json_array_size(c) > SP_DRAW_CANDIDATES_MAX)
		return bad(p, "candidates", "invalid", "must be an array of at most 2000000");
	if (!json_is_array(e) || json_array_size(e) > SP_DRAW_CANDIDATES_MAX)
		return bad(p, "excluded", "invalid", "must be an array of at most 2000000");
	if (!json_is_array(x) || json_array_size(x) > SP_DRAW_INSPECTORS_MAX)
		return bad(p, "inspectors", "invalid", "must be an array of at most 100000");
	if (parse_candidates(p, c, in, in->weighted) != 0 || parse_excluded(p, e, in) != 0 ||
	    parse_inspectors(p, x, in) != 0)
		return -1;
	if ((size_t)in->count > in->ncandidates)
		return bad(p, "count", "too_many", "exceeds the number of candidates");
	return 0;
}

int sp_draw_inputs_parse(const char *s, size_t n, struct arena *a, struct sp_draw_input *in,
                         struct field_error *err)
{
	memset(in, 0, sizeof *in);
	if (n > SP_DRAW_INPUTS_MAX)
		return field_fail(err, "inputs", "too_large", "the inputs are too large");
	json_error_t je;
	json_t *root = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return field_fail(err, "inputs", "invalid", "not JSON: %s", je.text);
	struct parse p = {a, err, ""};
	int rc = parse_top(&p, root, in);
	json_decref(root);
	return rc;
}

/* ---- Store: the SQL ------------------------------------------------------------------------ */

#define DRAW_COLS                                                                                  \
	"id, task_id, region_code, count, inspectors_each, commitment, seed, witness, inputs, "    \
	"result, status, prepared_by, prepared_at, drawn_by, drawn_at"

static const char *col_str(struct db_stmt *st, int i, struct arena *a)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(a, db_col_text(st, i, NULL));
}

static void draw_from_row(struct db_stmt *st, struct arena *a, struct sp_draw_info *d, int full)
{
	d->id = db_col_int64(st, 0);
	d->task_id = db_col_int64(st, 1);
	d->region_code = (int)db_col_int64(st, 2);
	d->count = (int)db_col_int64(st, 3);
	d->inspectors_each = (int)db_col_int64(st, 4);
	d->commitment = col_str(st, 5, a);
	d->seed = col_str(st, 6, a);
	d->witness = col_str(st, 7, a);
	d->inputs = full ? col_str(st, 8, a) : NULL;
	d->result = full ? col_str(st, 9, a) : NULL;
	d->status = col_str(st, 10, a);
	d->prepared_by = col_str(st, 11, a);
	d->prepared_at = col_str(st, 12, a);
	d->drawn_by = col_str(st, 13, a);
	d->drawn_at = col_str(st, 14, a);
}

/* Draw id regardless of scope: DB_ROW with *out, DB_DONE, or an error. */
static int store_draw_read(struct db *db, int64_t id, struct arena *a, struct sp_draw_info *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " DRAW_COLS " FROM sp_draw WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		draw_from_row(st, a, out, 1);
	db_reset(st);
	return rc;
}

static int store_draw_insert(struct db *db, const struct sp_draw_info *d)
{
	struct db_stmt *st = db_prepare(
	    db,
	    "INSERT INTO sp_draw (id, task_id, region_code, count, inspectors_each, "
	    "commitment, seed, inputs, status, prepared_by, prepared_at) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?, 'prepared', ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, d->id);
	db_bind_int64(st, 2, d->task_id);
	db_bind_int64(st, 3, d->region_code);
	db_bind_int64(st, 4, d->count);
	db_bind_int64(st, 5, d->inspectors_each);
	db_bind_cstr(st, 6, d->commitment);
	db_bind_cstr(st, 7, d->seed);
	db_bind_cstr_static(st, 8, d->inputs);
	db_bind_cstr(st, 9, d->prepared_by);
	db_bind_cstr(st, 10, d->prepared_at);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* Moves a prepared draw on: to drawn (witness and result given) or cancelled. */
static int store_draw_finish(struct db *db, const struct sp_draw_info *d)
{
	struct db_stmt *st =
	    db_prepare(db, "UPDATE sp_draw SET status = ?, witness = ?, result = ?, drawn_by = ?, "
	                   "drawn_at = ? WHERE id = ? AND status = 'prepared'");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, d->status);
	db_bind_cstr(st, 2, d->witness);
	db_bind_cstr(st, 3, d->result);
	db_bind_cstr(st, 4, d->drawn_by);
	db_bind_cstr(st, 5, d->drawn_at);
	db_bind_int64(st, 6, d->id);
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE && db_changes(db) != 1 ? DB_ERROR : rc;
}

static int store_visit_insert(struct db *db, const char *inspector, const char *producer,
                              int64_t draw_id, const char *day)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO sp_visit (inspector, producer, draw_id, "
	                                    "visited_on) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, inspector);
	db_bind_cstr(st, 2, producer);
	db_bind_int64(st, 3, draw_id);
	db_bind_cstr(st, 4, day);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* A sorted set of credit codes (from an ORDER BY query). */
struct code_set {
	const char **v;
	size_t n, cap;
};

static void set_add(struct code_set *s, struct arena *a, const char *code)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = arena_strdup(a, code);
}

static int set_has(const struct code_set *s, const char *code)
{
	return s->n && bsearch(&code, s->v, s->n, sizeof *s->v, code_cmp) != NULL;
}

/* Runs st (bound; its first column a credit code, ordered) into *s. 0 or -1. */
static int set_fill(struct db_stmt *st, struct arena *a, struct code_set *s)
{
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		set_add(s, a, db_col_text(st, 0, NULL));
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

/* Producers in [lo, hi] sampled for product since day `after` (exclusive). */
static int store_resampled(struct db *db, int64_t product, const char *after, int lo, int hi,
                           struct arena *a, struct code_set *s)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT DISTINCT producer FROM sp_sample WHERE product_id = ? AND sampled_on > ? "
	        "AND region_code BETWEEN ? AND ? ORDER BY producer");
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, product);
	db_bind_cstr(st, 2, after);
	db_bind_int64(st, 3, lo);
	db_bind_int64(st, 4, hi);
	return set_fill(st, a, s);
}

/* Producers in [lo, hi] sampled for product under a plan of year by an authority of region
 * province or prefecture other than own. */
static int store_higher(struct db *db, int64_t product, int year, int province, int prefecture,
                        int own, int lo, int hi, struct arena *a, struct code_set *s)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT DISTINCT s.producer FROM sp_sample s JOIN sp_task t ON t.id = s.task_id "
	        "JOIN sp_plan p ON p.id = t.plan_id WHERE s.product_id = ? AND p.year = ? AND "
	        "p.region_code IN (?, ?) AND p.region_code <> ? AND s.region_code BETWEEN ? AND ? "
	        "ORDER BY s.producer");
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, product);
	db_bind_int64(st, 2, year);
	db_bind_int64(st, 3, province);
	db_bind_int64(st, 4, prefecture);
	db_bind_int64(st, 5, own);
	db_bind_int64(st, 6, lo);
	db_bind_int64(st, 7, hi);
	return set_fill(st, a, s);
}

/* Producers in [lo, hi] with a sample failed in the end, sampled after day `after`. */
static int store_failed(struct db *db, const char *after, int lo, int hi, struct arena *a,
                        struct code_set *s)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT DISTINCT producer FROM sp_sample WHERE final_verdict = 'fail' AND "
	        "sampled_on > ? AND region_code BETWEEN ? AND ? ORDER BY producer");
	if (st == NULL)
		return -1;
	db_bind_cstr(st, 1, after);
	db_bind_int64(st, 2, lo);
	db_bind_int64(st, 3, hi);
	return set_fill(st, a, s);
}

/* Producers inspector visited after day `after`. */
static int store_visited(struct db *db, const char *inspector, const char *after, struct arena *a,
                         struct code_set *s)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT DISTINCT producer FROM sp_visit WHERE inspector = ? AND "
	                   "visited_on > ? ORDER BY producer");
	if (st == NULL)
		return -1;
	db_bind_cstr(st, 1, inspector);
	db_bind_cstr(st, 2, after);
	return set_fill(st, a, s);
}

static int store_product_industry(struct db *db, int64_t product, struct arena *a,
                                  const char **industry)
{
	struct db_stmt *st = db_prepare(db, "SELECT industry FROM sp_product WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, product);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*industry = arena_strdup(a, db_col_text(st, 0, NULL));
	db_reset(st);
	return rc;
}

/* ---- Gathering the inputs ------------------------------------------------------------------ */

struct gather {
	struct arena *a;
	const struct code_set *resampled, *higher, *failed;
	int weighted;
	struct sp_draw_candidate *c; /* candidates so far (xrealloc'd) */
	size_t nc, capc;
	struct sp_draw_excluded *e; /* producers left out so far (xrealloc'd) */
	size_t ne, cape;
	struct sp_draw_inspector *x; /* inspectors so far (xrealloc'd) */
	size_t nx, capx;
};

static void gather_exclude(struct gather *g, const char *code, const char *reason)
{
	if (g->ne == g->cape) {
		g->cape = g->cape ? g->cape * 2 : 64;
		g->e = xrealloc(g->e, g->cape * sizeof *g->e);
	}
	g->e[g->ne].credit_code = code;
	g->e[g->ne++].reason = reason;
}

static int gather_producer(void *ctx, const char *credit_code, int region_code)
{
	struct gather *g = ctx;
	const char *code = arena_strdup(g->a, credit_code);
	if (set_has(g->resampled, code)) {
		gather_exclude(g, code, "resampled");
		return 0;
	}
	if (set_has(g->higher, code)) {
		gather_exclude(g, code, "higher_level");
		return 0;
	}
	if (g->nc == g->capc) {
		g->capc = g->capc ? g->capc * 2 : 256;
		g->c = xrealloc(g->c, g->capc * sizeof *g->c);
	}
	g->c[g->nc].credit_code = code;
	g->c[g->nc].county = region_code;
	g->c[g->nc++].weight = g->weighted && set_has(g->failed, code) ? 3 : 1;
	return 0;
}

static int gather_inspector(void *ctx, const char *login, const char *name, int region)
{
	struct gather *g = ctx;
	for (size_t i = 0; i < g->nx; i++)
		if (strcmp(g->x[i].login, login) == 0)
			return 0; /* found by both ranges */
	if (g->nx == g->capx) {
		g->capx = g->capx ? g->capx * 2 : 32;
		g->x = xrealloc(g->x, g->capx * sizeof *g->x);
	}
	struct sp_draw_inspector *x = &g->x[g->nx++];
	memset(x, 0, sizeof *x);
	x->login = arena_strdup(g->a, login);
	x->name = arena_strdup(g->a, name);
	x->county = region;
	return 0;
}

static int inspector_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sp_draw_inspector *)a)->login,
	              ((const struct sp_draw_inspector *)b)->login);
}

static int excluded_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sp_draw_excluded *)a)->credit_code,
	              ((const struct sp_draw_excluded *)b)->credit_code);
}

static long candidate_index(const struct gather *g, const char *code)
{
	size_t lo = 0, hi = g->nc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(g->c[mid].credit_code, code);
		if (d == 0)
			return (long)mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Each inspector's avoid list: the candidates (in g) it visited after day `after`. */
static int gather_avoid(struct db *db, struct gather *g, const char *after)
{
	for (size_t i = 0; i < g->nx; i++) {
		struct code_set v = {0};
		if (store_visited(db, g->x[i].login, after, g->a, &v) != 0) {
			free(v.v);
			return -1;
		}
		const char **list = arena_alloc(g->a, (v.n ? v.n : 1) * sizeof *list);
		size_t m = 0;
		for (size_t j = 0; j < v.n; j++)
			if (candidate_index(g, v.v[j]) >= 0)
				list[m++] = v.v[j];
		g->x[i].avoid = list;
		g->x[i].navoid = m;
		free(v.v);
	}
	return 0;
}

/* Leaves out the candidates with fewer than each eligible inspectors (own county, avoid), and
 * drops them from the avoid lists. */
static void gather_few_inspectors(struct gather *g, int each)
{
	size_t *elig = xcalloc(g->nc ? g->nc : 1, sizeof *elig);
	for (size_t i = 0; i < g->nc; i++) {
		size_t n = 0;
		for (size_t j = 0; j < g->nx; j++)
			n += g->x[j].county != g->c[i].county;
		elig[i] = n;
	}
	for (size_t j = 0; j < g->nx; j++)
		for (size_t v = 0; v < g->x[j].navoid; v++) {
			long i = candidate_index(g, g->x[j].avoid[v]);
			if (i >= 0 && g->x[j].county != g->c[i].county)
				elig[i]--;
		}
	unsigned char *out = xcalloc(g->nc ? g->nc : 1, 1);
	size_t keep = 0;
	for (size_t i = 0; i < g->nc; i++) {
		if (elig[i] < (size_t)each) {
			out[i] = 1;
			gather_exclude(g, g->c[i].credit_code, "few_inspectors");
		}
	}
	for (size_t j = 0; j < g->nx; j++) {
		const char **list = (const char **)g->x[j].avoid;
		size_t m = 0;
		for (size_t v = 0; v < g->x[j].navoid; v++)
			if (!out[candidate_index(g, list[v])])
				list[m++] = list[v];
		g->x[j].navoid = m;
	}
	for (size_t i = 0; i < g->nc; i++)
		if (!out[i])
			g->c[keep++] = g->c[i];
	g->nc = keep;
	free(out);
	free(elig);
	qsort(g->e, g->ne, sizeof *g->e, excluded_cmp);
}

/* ---- Service ------------------------------------------------------------------------------- */

static void hex_of(const unsigned char *b, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, b, n);
}

static int draw_visible(const struct actor *who, const struct sp_draw_info *d)
{
	return who == NULL || scope_visible(who, d->region_code, NULL);
}

static void day_text(int32_t day, char out[11])
{
	date_format(day, out);
}

/* Everything prepare reads, inside its transaction. SVC_OK with in (arrays in g, freed by the
 * caller), SVC_NOT_FOUND, SVC_CONFLICT, SVC_INVALID or SVC_ERROR. */
static int prepare_gather(struct db *db, const struct actor *who, int64_t task_id, int count,
                          int each, struct arena *a, struct gather *g, struct sp_draw_input *in,
                          struct sp_task_info *t, struct field_error *err)
{
	int rc = sp_task_get(db, who, task_id, a, t);
	if (rc != SVC_OK)
		return rc;
	if (strcmp(t->plan_status, "approved") != 0)
		return field_fail(err, NULL, "plan_not_approved",
		                  "the plan of this task is %s: draws are made only under an "
		                  "approved plan",
		                  t->plan_status),
		       SVC_CONFLICT;
	const char *industry = NULL;
	rc = store_product_industry(db, t->product_id, a, &industry);
	if (rc != DB_ROW)
		return SVC_ERROR;
	int32_t today = today_china();
	char as_of[11], resample_after[11], risk_after[11], visit_after[11];
	day_text(today, as_of);
	day_text(date_add_months(today, -SP_RESAMPLE_MONTHS), resample_after);
	day_text(date_add_months(today, -SP_RISK_MONTHS), risk_after);
	day_text(date_add_months(today, -SP_VISIT_MONTHS), visit_after);
	int lo, hi, plo, phi;
	region_subtree(t->region_code, &lo, &hi);
	region_subtree(t->plan_region, &plo, &phi);
	struct code_set resampled = {0}, higher = {0}, failed = {0};
	g->a = a;
	g->resampled = &resampled;
	g->higher = &higher;
	g->failed = &failed;
	g->weighted = t->weighted;
	int province = t->plan_region / 10000 * 10000, prefecture = t->plan_region / 100 * 100;
	rc = SVC_ERROR;
	if (store_resampled(db, t->product_id, resample_after, lo, hi, a, &resampled) != 0 ||
	    store_higher(db, t->product_id, t->plan_year, province, prefecture, t->plan_region, lo,
	                 hi, a, &higher) != 0 ||
	    (t->weighted && store_failed(db, risk_after, lo, hi, a, &failed) != 0) ||
	    registry_each_active(db, lo, hi, industry, gather_producer, g) != REG_OK ||
	    acc_each_holder(db, "sampling_officer", plo, phi, gather_inspector, g) != ACC_OK ||
	    ((lo < plo || hi > phi) &&
	     acc_each_holder(db, "sampling_officer", lo, hi, gather_inspector, g) != ACC_OK))
		goto out;
	if (g->nx > 1)
		qsort(g->x, g->nx, sizeof *g->x, inspector_cmp);
	if (gather_avoid(db, g, visit_after) != 0)
		goto out;
	gather_few_inspectors(g, each);
	if ((size_t)count > g->nc) {
		field_fail(
		    err, "count", "too_many",
		    "%d producers asked for, but only %zu are eligible in this task's region",
		    count, g->nc);
		rc = SVC_INVALID;
		goto out;
	}
	in->task_id = arena_printf(a, "%lld", (long long)t->id);
	in->plan_id = arena_printf(a, "%lld", (long long)t->plan_id);
	in->plan_year = t->plan_year;
	in->plan_region = t->plan_region;
	in->product = t->product_code;
	in->industry = industry;
	in->region_code = t->region_code;
	in->as_of = arena_strdup(a, as_of);
	in->weighted = t->weighted != 0;
	in->count = count;
	in->inspectors_each = each;
	in->candidates = g->c;
	in->ncandidates = g->nc;
	in->excluded = g->e;
	in->nexcluded = g->ne;
	in->inspectors = g->x;
	in->ninspectors = g->nx;
	rc = SVC_OK;
out:
	free(resampled.v);
	free(higher.v);
	free(failed.v);
	return rc;
}

int sp_draw_prepare(struct db *db, const struct actor *who, int64_t task_id, int count,
                    int inspectors_each, struct arena *a, struct sp_draw_info *out,
                    struct field_error *err)
{
	if (count < 1 || count > SP_DRAW_COUNT_MAX)
		return field_fail(err, "count", "out_of_range", "count must be 1 to %d",
		                  SP_DRAW_COUNT_MAX),
		       SVC_INVALID;
	if (inspectors_each < 1 || inspectors_each > SP_DRAW_EACH_MAX)
		return field_fail(err, "inspectors_each", "out_of_range",
		                  "inspectors_each must be 1 to %d", SP_DRAW_EACH_MAX),
		       SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct gather g = {0};
	struct sp_draw_input in;
	struct sp_task_info t;
	struct buf inputs = {0};
	int rc = prepare_gather(db, who, task_id, count, inspectors_each, a, &g, &in, &t, err);
	if (rc != SVC_OK)
		goto out;
	sp_draw_inputs_json(&in, &inputs);
	unsigned char seed[SP_DRAW_SEED_BYTES], h[32];
	randombytes_buf(seed, sizeof seed);
	crypto_hash_sha256(h, seed, sizeof seed);
	char seed_hex[2 * SP_DRAW_SEED_BYTES + 1], commitment[65], now[32], ih[65];
	hex_of(seed, sizeof seed, seed_hex);
	hex_of(h, sizeof h, commitment);
	sodium_memzero(seed, sizeof seed);
	crypto_hash_sha256(h, (const unsigned char *)inputs.data, inputs.len);
	hex_of(h, sizeof h, ih);
	now_iso(now);
	struct sp_draw_info d = {0};
	rc = SVC_ERROR;
	if (db_id_next(db, &d.id) != 0)
		goto out;
	d.task_id = t.id;
	d.region_code = t.region_code;
	d.count = count;
	d.inspectors_each = inspectors_each;
	d.commitment = arena_strdup(a, commitment);
	d.seed = seed_hex;
	d.inputs = inputs.data;
	d.status = "prepared";
	d.prepared_by = who->name;
	d.prepared_at = arena_strdup(a, now);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)d.id);
	/* The seed stays out of the audit log: it is secret until the draw. */
	char *after = arena_printf(
	    a,
	    "{\"id\":\"%s\",\"task_id\":\"%lld\",\"count\":%d,\"inspectors_each\":%d,"
	    "\"commitment\":\"%s\",\"inputs_sha256\":\"%s\",\"candidates\":%zu,\"excluded\":%zu,"
	    "\"inspectors\":%zu}",
	    key, (long long)t.id, count, inspectors_each, commitment, ih, in.ncandidates,
	    in.nexcluded, in.ninspectors);
	if (store_draw_insert(db, &d) != DB_DONE ||
	    audit_append(db, who, "sampling.draw.prepare", "sampling_draw", key, NULL, after,
	                 "ok") != 0 ||
	    db_commit(db) != 0)
		goto out;
	sodium_memzero(seed_hex, sizeof seed_hex);
	d.seed = NULL;
	d.inputs = arena_strndup(a, inputs.data, inputs.len);
	*out = d;
	rc = SVC_OK;
out:
	if (rc != SVC_OK)
		db_rollback(db);
	buf_free(&inputs);
	free(g.c);
	free(g.e);
	free(g.x);
	return rc;
}

/* Recomputes the result of d (inputs, seed, witness) into *result (in a); *commitment_ok says
 * whether the seed matches the commitment. 0, or -1 when the stored values cannot run. */
static int draw_compute(const struct sp_draw_info *d, const char *witness, struct arena *a,
                        char **result, int *commitment_ok)
{
	struct sp_draw_input in;
	struct field_error err;
	unsigned char seed[SP_DRAW_SEED_BYTES], h[32];
	size_t got = 0;
	if (sp_draw_inputs_parse(d->inputs, strlen(d->inputs), a, &in, &err) != 0 ||
	    sodium_hex2bin(seed, sizeof seed, d->seed, strlen(d->seed), NULL, &got, NULL) != 0 ||
	    got != sizeof seed || strlen(d->seed) != 2 * sizeof seed)
		return -1;
	char hex[65];
	crypto_hash_sha256(h, seed, sizeof seed);
	hex_of(h, sizeof h, hex);
	*commitment_ok = strcmp(hex, d->commitment) == 0;
	struct sp_draw_pick *picks = xcalloc((size_t)in.count, sizeof *picks);
	int rc = sp_draw_run(&in, seed, witness, strlen(witness), picks);
	sodium_memzero(seed, sizeof seed);
	if (rc == 0) {
		struct buf b = {0};
		sp_draw_result_json(&in, picks, &b);
		*result = arena_strndup(a, b.data, b.len);
		buf_free(&b);
	}
	free(picks);
	return rc == 0 ? 0 : -1;
}

/* Writes an sp_visit row for each inspector of each pick of result (canonical JSON). */
static int draw_visits(struct db *db, int64_t id, const char *result, const char *day)
{
	json_t *root = json_loads(result, JSON_REJECT_DUPLICATES, NULL);
	json_t *picks = json_object_get(root, "picks"), *p;
	size_t i;
	int rc = json_is_array(picks) ? 0 : -1;
	json_array_foreach(picks, i, p)
	{
		const char *producer = json_string_value(json_object_get(p, "credit_code"));
		json_t *x = json_object_get(p, "inspectors"), *l;
		size_t j;
		json_array_foreach(x, j, l)
		{
			if (rc == 0 && (producer == NULL || !json_is_string(l) ||
			                store_visit_insert(db, json_string_value(l), producer, id,
			                                   day) != DB_DONE))
				rc = -1;
		}
	}
	json_decref(root);
	return rc;
}

int sp_draw_draw(struct db *db, const struct actor *who, int64_t id, const char *w, struct arena *a,
                 struct sp_draw_info *out, struct field_error *err)
{
	size_t wn = w ? strlen(w) : 0;
	if (wn == 0 || utf8_invalid_at(w, wn) >= 0 || utf8_has_control(w, wn, 0) ||
	    utf8_count(w, wn) > SP_DRAW_WITNESS_MAX)
		return field_fail(err, "witness", "invalid",
		                  "witness must be 1 to %d characters of text without control "
		                  "characters",
		                  SP_DRAW_WITNESS_MAX),
		       SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_draw_info d;
	int rc = store_draw_read(db, id, a, &d);
	if (rc != DB_ROW || !draw_visible(who, &d)) {
		db_rollback(db);
		return rc == DB_ROW || rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
	}
	if (strcmp(d.status, "prepared") != 0) {
		db_rollback(db);
		return field_fail(err, NULL, "not_prepared", "draw %lld is %s already",
		                  (long long)id, d.status),
		       SVC_CONFLICT;
	}
	char *result = NULL;
	int commitment_ok = 0;
	if (draw_compute(&d, w, a, &result, &commitment_ok) != 0 || !commitment_ok) {
		db_rollback(db);
		return SVC_ERROR;
	}
	char now[32], day[11], key[24];
	now_iso(now);
	day_text(today_china(), day);
	snprintf(key, sizeof key, "%lld", (long long)id);
	d.status = "drawn";
	d.witness = arena_strdup(a, w);
	d.result = result;
	d.drawn_by = who->name;
	d.drawn_at = arena_strdup(a, now);
	struct buf after = {0};
	buf_printf(&after, "{\"id\":\"%s\",\"status\":\"drawn\",\"seed\":\"%s\",\"witness\":", key,
	           d.seed);
	json_write_string(&after, w, wn);
	buf_puts(&after, ",\"result\":");
	buf_puts(&after, result);
	buf_putc(&after, '}');
	int ok = store_draw_finish(db, &d) == DB_DONE && draw_visits(db, id, result, day) == 0 &&
	         audit_append(db, who, "sampling.draw.run", "sampling_draw", key,
	                      "{\"status\":\"prepared\"}", after.data, "ok") == 0 &&
	         db_commit(db) == 0;
	buf_free(&after);
	if (!ok) {
		db_rollback(db);
		return SVC_ERROR;
	}
	*out = d;
	return SVC_OK;
}

int sp_draw_cancel(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                   struct sp_draw_info *out)
{
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_draw_info d;
	int rc = store_draw_read(db, id, a, &d);
	if (rc != DB_ROW || !draw_visible(who, &d)) {
		db_rollback(db);
		return rc == DB_ROW || rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
	}
	if (strcmp(d.status, "prepared") != 0) {
		db_rollback(db);
		return SVC_CONFLICT;
	}
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	d.status = "cancelled";
	int ok =
	    store_draw_finish(db, &d) == DB_DONE &&
	    audit_append(db, who, "sampling.draw.cancel", "sampling_draw", key,
	                 "{\"status\":\"prepared\"}", "{\"status\":\"cancelled\"}", "ok") == 0 &&
	    db_commit(db) == 0;
	if (!ok) {
		db_rollback(db);
		return SVC_ERROR;
	}
	*out = d;
	return SVC_OK;
}

int sp_draw_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                struct sp_draw_info *out)
{
	int rc = store_draw_read(db, id, a, out);
	if (rc == DB_ROW && draw_visible(who, out))
		return SVC_OK;
	return rc == DB_ROW || rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
}

int sp_draw_list(struct db *db, const struct actor *who, int64_t task_id, struct arena *a,
                 void (*fn)(void *ctx, const struct sp_draw_info *d), void *ctx)
{
	struct sp_task_info t;
	int rc = sp_task_get(db, who, task_id, a, &t);
	if (rc != SVC_OK)
		return rc;
	struct db_stmt *st = db_prepare(db, "SELECT " DRAW_COLS " FROM sp_draw WHERE task_id = ? "
	                                    "ORDER BY prepared_at DESC, id DESC");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, task_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct sp_draw_info d;
		draw_from_row(st, a, &d, 0);
		fn(ctx, &d);
	}
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int sp_draw_verify(struct db *db, int64_t id, struct arena *a, struct sp_draw_check *out)
{
	struct sp_draw_info d;
	int rc = sp_draw_get(db, NULL, id, a, &d);
	if (rc != SVC_OK)
		return rc;
	if (strcmp(d.status, "drawn") != 0 || d.witness == NULL || d.result == NULL)
		return SVC_CONFLICT;
	memset(out, 0, sizeof *out);
	if (draw_compute(&d, d.witness, a, &out->result, &out->commitment_ok) != 0) {
		out->result = NULL;
		return SVC_OK; /* the stored values do not run: neither check holds */
	}
	out->result_ok = strcmp(out->result, d.result) == 0;
	return SVC_OK;
}

int sp_draw_pick_of(struct db *db, int64_t draw_id, const char *producer, int *drawn)
{
	*drawn = 0;
	struct db_stmt *st = db_prepare(db, "SELECT status = 'drawn', EXISTS (SELECT 1 FROM "
	                                    "sp_visit WHERE draw_id = d.id AND producer = ?) FROM "
	                                    "sp_draw d WHERE d.id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, producer);
	db_bind_int64(st, 2, draw_id);
	int rc = db_step(st), picked = 0;
	if (rc == DB_ROW) {
		*drawn = (int)db_col_int64(st, 0);
		picked = *drawn && db_col_int64(st, 1);
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
	return picked;
}

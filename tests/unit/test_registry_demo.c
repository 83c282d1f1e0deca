/*
 * Unit tests of the demo enterprise generator: determinism and order independence, valid and
 * unique credit codes, about 1% failing organisation checks, placement in listed counties,
 * valid and ordered dates, and every value accepted by the enterprise field table. The
 * region list is read from data/regions-xizang.tsv (under $JZ_SOURCE_DIR) by the test itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modules/registry/demo.h"
#include "modules/registry/model.h"
#include "modules/registry/uscc.h"

#define NREGIONS_MAX 200
#define NCODES       200000 /* codes checked for validity and uniqueness */
#define NVALIDATED   20000  /* records run through the field table's validation */

static struct region regions[NREGIONS_MAX];
static size_t nregions;
static char *tsv; /* the file's bytes, cut into the region names */

/* Splits the line at p into at most n tab-separated fields; returns the field count. */
static size_t split_tabs(char *p, char **fields, size_t n)
{
	size_t k = 0;
	fields[k++] = p;
	for (; *p && k < n; p++)
		if (*p == '\t') {
			*p = '\0';
			fields[k++] = p + 1;
		}
	return k;
}

static int load_regions(void **state)
{
	const char *dir = getenv("JZ_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/data/regions-xizang.tsv", dir && *dir ? dir : ".");
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	tsv = malloc((size_t)size + 1);
	size_t got = fread(tsv, 1, (size_t)size, f);
	fclose(f);
	tsv[got] = '\0';

	char *line = tsv;
	int header = 1;
	while (line && *line) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (header) {
			header = 0;
		} else if (*line) {
			char *fl[6] = {"", "", "", "", "", ""};
			split_tabs(line, fl, 6);
			if (nregions == NREGIONS_MAX)
				return -1;
			struct region *g = &regions[nregions++];
			g->code = atoi(fl[0]);
			g->parent = atoi(fl[1]);
			g->level = strcmp(fl[2], "province") == 0     ? REGION_PROVINCE
			           : strcmp(fl[2], "prefecture") == 0 ? REGION_PREFECTURE
			                                              : REGION_COUNTY;
			g->name_zh = fl[3];
			g->name_en = fl[4];
			g->name_bo = fl[5];
		}
		line = next;
	}
	return nregions > 0 ? 0 : -1;
}

static int free_regions(void **state)
{
	free(tsv);
	return 0;
}

static int is_county(int code)
{
	for (size_t i = 0; i < nregions; i++)
		if (regions[i].code == code)
			return regions[i].level == REGION_COUNTY;
	return 0;
}

static void assert_records_equal(const struct record *x, const struct record *y)
{
	assert_int_equal(x->present, y->present);
	for (int i = 0; i < ENT_NFIELDS; i++) {
		if (x->v[i] == NULL || y->v[i] == NULL)
			assert_ptr_equal(x->v[i], y->v[i]);
		else
			assert_string_equal(x->v[i], y->v[i]);
	}
}

static void test_deterministic(void **state)
{
	static const uint64_t indexes[] = {
	    0, 1, 2, 77, 12345, 999999999, 1ULL << 40, REGISTRY_DEMO_UNIQUE_MAX - 1};
	struct registry_demo *d1 = registry_demo_new(42, regions, nregions);
	struct registry_demo *d2 = registry_demo_new(42, regions, nregions);
	assert_non_null(d1);
	assert_non_null(d2);
	struct arena a = {0};
	size_t n = sizeof indexes / sizeof indexes[0];
	for (size_t i = 0; i < n; i++) {
		struct record x, y;
		record_init(&x, &ENTERPRISE_TYPE);
		record_init(&y, &ENTERPRISE_TYPE);
		registry_demo_enterprise(d1, &x, &a, indexes[i]);
		/* the second population is asked in reverse order, after other records */
		registry_demo_enterprise(d2, &y, &a, indexes[n - 1 - i]);
		record_init(&y, &ENTERPRISE_TYPE);
		registry_demo_enterprise(d2, &y, &a, indexes[i]);
		assert_records_equal(&x, &y);
	}
	arena_free(&a);
	registry_demo_free(d1);
	registry_demo_free(d2);
}

static void test_order_independent(void **state)
{
	enum { N = 1000 };
	struct registry_demo *d = registry_demo_new(7, regions, nregions);
	struct arena a = {0};
	static struct record forward[N];
	for (int i = 0; i < N; i++) {
		record_init(&forward[i], &ENTERPRISE_TYPE);
		registry_demo_enterprise(d, &forward[i], &a, (uint64_t)i);
	}
	for (int i = N - 1; i >= 0; i--) {
		struct record r;
		record_init(&r, &ENTERPRISE_TYPE);
		registry_demo_enterprise(d, &r, &a, (uint64_t)i);
		assert_records_equal(&forward[i], &r);
	}
	arena_free(&a);
	registry_demo_free(d);
}

static void test_seeds_differ(void **state)
{
	struct registry_demo *d1 = registry_demo_new(1, regions, nregions);
	struct registry_demo *d2 = registry_demo_new(2, regions, nregions);
	struct arena a = {0};
	int same_code = 0, same_name = 0;
	for (uint64_t i = 0; i < 200; i++) {
		struct record x, y;
		record_init(&x, &ENTERPRISE_TYPE);
		record_init(&y, &ENTERPRISE_TYPE);
		registry_demo_enterprise(d1, &x, &a, i);
		registry_demo_enterprise(d2, &y, &a, i);
		same_code += strcmp(x.v[ENT_CREDIT_CODE], y.v[ENT_CREDIT_CODE]) == 0;
		same_name += strcmp(x.v[ENT_NAME], y.v[ENT_NAME]) == 0;
	}
	assert_int_equal(same_code, 0);
	assert_true(same_name < 10);
	arena_free(&a);
	registry_demo_free(d1);
	registry_demo_free(d2);
}

static int code_cmp(const void *x, const void *y)
{
	return memcmp(x, y, USCC_LEN);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static void test_credit_codes(void **state)
{
	struct registry_demo *d = registry_demo_new(20240601, regions, nregions);
	char(*codes)[USCC_LEN] = malloc((size_t)NCODES * USCC_LEN);
	struct arena a = {0};
	int org_failures = 0, kinds[4] = {0};
	for (uint64_t i = 0; i < NCODES; i++) {
		struct record r;
		record_init(&r, &ENTERPRISE_TYPE);
		registry_demo_enterprise(d, &r, &a, i);
		const char *code = r.v[ENT_CREDIT_CODE];
		assert_non_null(code);
		int org_ok;
		assert_int_equal(uscc_check(code, strlen(code), &org_ok), USCC_OK);
		org_failures += !org_ok;
		assert_int_equal(code[0], '9');
		assert_true(code[1] >= '1' && code[1] <= '3');
		kinds[code[1] - '0']++;
		if (code[1] == '3')
			assert_true(ends_with(r.v[ENT_NAME], "专业合作社"));
		else
			assert_false(ends_with(r.v[ENT_NAME], "专业合作社"));
		/* positions 3-8 are the county the firm is placed in */
		assert_memory_equal(code + 2, r.v[ENT_REGION_CODE], 6);
		assert_true(is_county(atoi(r.v[ENT_REGION_CODE])));
		memcpy(codes[i], code, USCC_LEN);
		if (i % 4096 == 4095)
			arena_free(&a);
	}
	/* about 1% fail the inner check on purpose */
	assert_in_range(org_failures, NCODES / 200, NCODES * 3 / 200);
	/* mostly enterprises, some individual businesses and cooperatives */
	assert_true(kinds[1] > NCODES / 2);
	assert_true(kinds[2] > NCODES / 10);
	assert_true(kinds[3] > NCODES / 50);

	qsort(codes, NCODES, USCC_LEN, code_cmp);
	for (size_t i = 1; i < NCODES; i++)
		assert_true(memcmp(codes[i - 1], codes[i], USCC_LEN) != 0);
	/* the organisation codes alone are distinct too (the county is not what separates them) */
	for (size_t i = 0; i < NCODES; i++)
		memmove(codes[i], codes[i] + 8, 8), memset(codes[i] + 8, 0, USCC_LEN - 8);
	qsort(codes, NCODES, USCC_LEN, code_cmp);
	for (size_t i = 1; i < NCODES; i++)
		assert_true(memcmp(codes[i - 1], codes[i], 8) != 0);

	free(codes);
	arena_free(&a);
	registry_demo_free(d);
}

static int date_valid(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, dd;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &dd) != 3)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m >= 1 && m <= 12 && dd >= 1 && dd <= mdays[m - 1] + (m == 2 && leap);
}

static void test_fields_valid(void **state)
{
	static const char *const statuses[] = {"active", "suspended", "revoked", "deregistered"};
	struct registry_demo *d = registry_demo_new(99, regions, nregions);
	struct arena a = {0};
	int active = 0, industry[26] = {0}, certified = 0, trained = 0, tibetan_phone = 0;
	for (uint64_t i = 0; i < NVALIDATED; i++) {
		struct record r, check;
		record_init(&r, &ENTERPRISE_TYPE);
		record_init(&check, &ENTERPRISE_TYPE);
		registry_demo_enterprise(d, &r, &a, i * 7919);

		/* every value passes the field table as if it came from a CSV import */
		for (int f = 0; f < ENT_NFIELDS; f++) {
			if (!record_has(&r, f))
				continue;
			assert_non_null(r.v[f]);
			struct field_error err;
			int rc = record_set_text(&check, &a, f, r.v[f], strlen(r.v[f]), &err);
			if (rc != 0)
				fail_msg("index %llu field %s value '%s': %s",
				         (unsigned long long)(i * 7919),
				         ENTERPRISE_TYPE.fields[f].name, r.v[f], err.message);
			assert_non_null(check.v[f]);
			assert_string_equal(check.v[f], r.v[f]); /* already canonical */
		}
		struct field_error err;
		assert_int_equal(record_check(&r, 0, &err), 0);

		/* set by the server or not generated */
		assert_false(record_has(&r, ENT_CREATED_AT));
		assert_false(record_has(&r, ENT_UPDATED_AT));
		assert_false(record_has(&r, ENT_VERSION));
		assert_false(record_has(&r, ENT_NAME_BO));
		assert_true(record_has(&r, ENT_LEGAL_REPRESENTATIVE));
		assert_true(record_has(&r, ENT_ADDRESS));
		assert_true(strncmp(r.v[ENT_ADDRESS], "西藏自治区", strlen("西藏自治区")) == 0);

		/* dates in range and ordered */
		const char *est = r.v[ENT_ESTABLISHED_ON];
		assert_true(date_valid(est));
		assert_true(strcmp(est, "1985-01-01") >= 0);
		assert_true(strcmp(est, "2026-10-31") <= 0);
		assert_true(record_has(&r, ENT_QUALITY_MANAGER_TRAINED));
		if (strcmp(r.v[ENT_QUALITY_MANAGER_TRAINED], "1") == 0) {
			const char *on = r.v[ENT_QUALITY_MANAGER_TRAINED_ON];
			assert_non_null(on);
			assert_true(date_valid(on));
			assert_true(strcmp(on, est) > 0);
			assert_true(strcmp(on, "2026-10-31") <= 0);
			trained++;
		} else {
			assert_false(record_has(&r, ENT_QUALITY_MANAGER_TRAINED_ON));
		}

		/* a certificate only when certified, and only under a standard */
		int cert = strcmp(r.v[ENT_QMS_CERTIFIED], "1") == 0;
		certified += cert;
		assert_int_equal(record_has(&r, ENT_QMS_CERTIFICATE_NO), cert);
		assert_int_equal(record_has(&r, ENT_QMS_CERTIFICATION_BODY), cert);
		if (cert)
			assert_true(record_has(&r, ENT_QMS_STANDARD));

		/* enum values */
		int found = 0;
		for (size_t k = 0; k < 4; k++)
			found |= strcmp(r.v[ENT_STATUS], statuses[k]) == 0;
		assert_true(found);
		active += strcmp(r.v[ENT_STATUS], "active") == 0;
		const char *ind = r.v[ENT_INDUSTRY];
		assert_int_equal(strlen(ind), 1);
		assert_true(ind[0] >= 'A' && ind[0] <= 'T');
		industry[ind[0] - 'A']++;

		/* landlines carry the prefecture's area code */
		const char *phone = r.v[ENT_CONTACT_PHONE];
		if (phone && phone[0] == '0') {
			static const char *const areas[][2] = {
			    {"5401", "0891-6"}, {"5402", "0892-8"}, {"5403", "0895-4"},
			    {"5404", "0894-5"}, {"5405", "0893-7"}, {"5406", "0896-3"},
			    {"5425", "0897-2"}};
			int matched = 0;
			for (size_t k = 0; k < 7; k++)
				if (strncmp(r.v[ENT_REGION_CODE], areas[k][0], 4) == 0)
					matched = strncmp(phone, areas[k][1], 6) == 0;
			assert_true(matched);
			assert_int_equal(strlen(phone), 12);
			tibetan_phone++;
		} else if (phone) {
			assert_int_equal(strlen(phone), 11);
			assert_int_equal(phone[0], '1');
			assert_true(phone[1] >= '3' && phone[1] <= '9');
		}
		if ((i + 1) % 2048 == 0)
			arena_free(&a);
	}
	arena_free(&a);
	registry_demo_free(d);

	/* plausible shares */
	assert_in_range(active, NVALIDATED * 85 / 100, NVALIDATED * 95 / 100);
	int most = 0;
	for (int k = 0; k < 26; k++)
		if (industry[k] > industry[most])
			most = k;
	assert_int_equal('A' + most, 'F');
	assert_true(industry['C' - 'A'] > industry['G' - 'A']);
	assert_true(industry['E' - 'A'] > industry['K' - 'A']);
	assert_int_equal(industry['T' - 'A'], 0);
	assert_true(certified > NVALIDATED / 100);
	assert_true(certified < NVALIDATED / 4);
	assert_true(trained > NVALIDATED / 20);
	assert_true(tibetan_phone > NVALIDATED / 20);
}

static void test_placement(void **state)
{
	/* the capital's central district is the most common seat; every county is used */
	struct registry_demo *d = registry_demo_new(5, regions, nregions);
	struct arena a = {0};
	int counts[NREGIONS_MAX] = {0};
	enum { N = 50000 };
	for (uint64_t i = 0; i < N; i++) {
		struct record r;
		record_init(&r, &ENTERPRISE_TYPE);
		registry_demo_enterprise(d, &r, &a, i);
		int code = atoi(r.v[ENT_REGION_CODE]);
		for (size_t k = 0; k < nregions; k++)
			if (regions[k].code == code)
				counts[k]++;
		if ((i + 1) % 4096 == 0)
			arena_free(&a);
	}
	size_t most = 0;
	for (size_t k = 0; k < nregions; k++) {
		if (counts[k] > counts[most])
			most = k;
		if (regions[k].level == REGION_COUNTY)
			assert_true(counts[k] > 0);
		else
			assert_int_equal(counts[k], 0);
	}
	assert_int_equal(regions[most].code, 540102);
	arena_free(&a);
	registry_demo_free(d);
}

static void test_no_counties(void **state)
{
	assert_null(registry_demo_new(1, regions, 2)); /* province and one prefecture */
	assert_null(registry_demo_new(1, NULL, 0));
	registry_demo_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deterministic), cmocka_unit_test(test_order_independent),
	    cmocka_unit_test(test_seeds_differ),  cmocka_unit_test(test_credit_codes),
	    cmocka_unit_test(test_fields_valid),  cmocka_unit_test(test_placement),
	    cmocka_unit_test(test_no_counties),
	};
	return cmocka_run_group_tests(tests, load_regions, free_regions);
}

/*
 * Fuzz target for the registry's list parameters (registry_filter_parse and
 * registry_filter_continue in src/modules/registry/service.c). The input is split at 0x00
 * bytes into the eight parameters region, industry, status, size, q, sort, limit, cursor (a
 * part that is the single byte 0x01, or a missing part, stands for an absent parameter).
 * Parsing must not crash and must name one of the parameters when it refuses; a filter it
 * accepts must be within its limits and must run as a list (on a small in-memory registry)
 * whose next_cursor is accepted back. Every part is also tried as a cursor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/regions/service.h"
#include "modules/registry/service.h"
#include "modules/registry/uscc.h"
#include "platform/db.h"
#include "platform/migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_filter: %s:%d: check failed: %s\n", __FILE__,        \
			        __LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define NPARAMS   8
#define SEED_ROWS 24 /* enterprises in the registry the lists run on */

static const char *const PARAM_NAMES[NPARAMS] = {"region", "industry", "status", "size",
                                                 "q",      "sort",     "limit",  "cursor"};

static const struct actor ALL = {.name = "fuzz:all", .all_regions = 1};
static const struct actor SHIGATSE = {
    .name = "fuzz:shigatse", .nranges = 1, .lo = {540200}, .hi = {540299}};

static struct db *db; /* the registry, created once per process */

static void seed(void)
{
	static const char *const regions[] = {"540102", "540103", "540202",
	                                      "540221", "542523", "540302"};
	static const char *const names[] = {"拉萨净水",   "Lhasa Water", "100% Pure_Water",
	                                    "日喀则青稞", "阿里盐业",    "拉萨净水"};
	static const char *const industries[] = {"C", "D", "G", "C"};
	static const char *const sizes[] = {"micro", "small", "medium", "large"};
	static const char *const statuses[] = {"active", "suspended", "active", "revoked",
	                                       "deregistered"};
	struct arena a = {0};
	for (unsigned i = 0; i < SEED_ROWS; i++) {
		char code[19];
		snprintf(code, sizeof code, "91540000%08u", i * 7919u);
		code[16] = uscc_org_check_char(code + 8);
		code[17] = uscc_check_char(code);
		code[18] = '\0';
		struct record r;
		record_init(&r, &ENTERPRISE_TYPE);
		struct field_error err;
		const char *values[][2] = {
		    {"credit_code", code},
		    {"name", names[i % 6]},
		    {"region_code", regions[i % 6]},
		    {"industry", industries[i % 4]},
		    {"size", sizes[i % 4]},
		    {"status", statuses[i % 5]},
		    {"name_bo", i % 3 ? "" : "ལྷ་ས་ཆུ་གཙང་།"},
		};
		for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
			int f = fields_find(&ENTERPRISE_TYPE, values[k][0], strlen(values[k][0]));
			CHECK(record_set_text(&r, &a, f, values[k][1], strlen(values[k][1]),
			                      &err) == 0);
		}
		struct record out;
		CHECK(registry_create(db, &ALL, &r, &a, &out, &err) == REG_OK);
	}
	arena_free(&a);
}

static void setup_once(void)
{
	if (db)
		return;
	if (db_open(":memory:", DB_OPEN_CREATE, &db) != 0 || migrate_run(db, 0, 0) != 0 ||
	    regions_load(db) != 0) {
		fprintf(stderr, "fuzz_filter: cannot set up the database\n");
		abort();
	}
	seed();
}

static int count_row(void *ctx, const struct record *r)
{
	CHECK(r->v[ENT_CREDIT_CODE] != NULL && r->v[ENT_NAME] != NULL);
	(*(int *)ctx)++;
	return 0;
}

static void check_filter(const struct registry_filter *f)
{
	CHECK(f->limit >= 1 && f->limit <= REGISTRY_PAGE_MAX);
	CHECK(f->sort >= 0 && f->sort < REG_SORT_COUNT);
	CHECK(f->desc == 0 || f->desc == 1);
	CHECK(f->region == 0 || regions_find(f->region) != NULL);
	if (f->q)
		CHECK(strlen(f->q) <= 100);
	if (f->has_cursor && f->sort != REG_SORT_ID)
		CHECK(f->after_key != NULL);
}

/* Runs the list and follows next_cursor for a few pages. */
static void run_list(const struct actor *who, struct registry_filter f, struct arena *a)
{
	int64_t total = -1;
	CHECK(registry_count(db, who, &f, &total) == REG_OK);
	CHECK(total >= 0 && total <= SEED_ROWS);
	for (int page = 0; page < 4; page++) {
		int n = 0;
		const char *next = NULL;
		CHECK(registry_list(db, who, &f, a, count_row, &n, &next) == REG_OK);
		CHECK(n <= f.limit);
		if (!f.has_cursor)
			CHECK(n <= total);
		if (next == NULL)
			break;
		CHECK(n == f.limit);
		struct field_error err;
		if (registry_filter_continue(&f, a, next, &err) != REG_OK) {
			fprintf(stderr, "fuzz_filter: own cursor %s refused\n", next);
			abort();
		}
		check_filter(&f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup_once();
	/* Split into NUL-terminated parts. */
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	const char *param[NPARAMS] = {0};
	size_t np = 0;
	char *p = copy, *end = copy + size;
	while (np < NPARAMS && p <= end) {
		param[np++] = p;
		char *z = memchr(p, '\0', (size_t)(end - p) + 1);
		p = z + 1;
	}
	if (size == 0)
		np = 0;
	for (size_t i = 0; i < np; i++)
		if (param[i] && strcmp(param[i], "\x01") == 0)
			param[i] = NULL;
	for (size_t i = np; i < NPARAMS; i++)
		param[i] = NULL;

	const struct actor *who = (size & 1) ? &SHIGATSE : &ALL;
	struct arena a = {0};
	struct registry_filter f;
	struct field_error err;
	memset(&err, 0, sizeof err);
	int rc = registry_filter_parse(&f, &a, param[0], param[1], param[2], param[3], param[4],
	                               param[5], param[6], param[7], &err);
	if (rc != REG_OK) {
		CHECK(rc == REG_INVALID);
		CHECK(err.field != NULL && err.code != NULL && err.message[0] != '\0');
		int named = 0;
		for (int i = 0; i < NPARAMS; i++)
			named |= strcmp(err.field, PARAM_NAMES[i]) == 0;
		CHECK(named);
	} else {
		check_filter(&f);
		run_list(who, f, &a);
		/* Every part as a cursor for this filter's sort. */
		for (size_t i = 0; i < NPARAMS; i++) {
			if (param[i] == NULL)
				continue;
			struct registry_filter g = f;
			if (registry_filter_continue(&g, &a, param[i], &err) == REG_OK) {
				CHECK(g.has_cursor);
				check_filter(&g);
				run_list(who, g, &a);
			} else {
				CHECK(strcmp(err.field, "cursor") == 0);
			}
		}
	}
	arena_free(&a);
	free(copy);
	return 0;
}

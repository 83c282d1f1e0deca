/*
 * Fuzz target for the enterprise import (registry_import in src/modules/registry/import.c):
 * the input is a CSV file given to a dry run on an in-memory registry (created once per
 * process, with a few enterprises so that updates, unchanged rows and out-of-scope codes
 * occur). The import must not crash or fail; its report must add up (rows = created + updated
 * + unchanged + rejected when the file as a whole is readable), list issues with sane row and
 * line numbers, render as valid JSON, and a dry run must leave the registry and its audit log
 * exactly as they were. The low bits of the input's length choose the mode and the actor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "modules/regions/service.h"
#include "modules/registry/service.h"
#include "modules/registry/uscc.h"
#include "platform/db.h"
#include "platform/migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_import: %s:%d: check failed: %s\n", __FILE__,        \
			        __LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static const struct actor ALL = {.name = "fuzz:all", .all_regions = 1};
static const struct actor SHIGATSE = {
    .name = "fuzz:shigatse", .nranges = 1, .lo = {540200}, .hi = {540299}};

static struct db *db;      /* created once per process */
static int64_t base_rows;  /* enterprises in it */
static int64_t base_audit; /* audit entries in it */

static int64_t count(const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	CHECK(st != NULL);
	CHECK(db_step(st) == DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

static const char SQL_COUNT_ENTERPRISE[] = "SELECT count(*) FROM enterprise";
static const char SQL_COUNT_AUDIT[] = "SELECT count(*) FROM audit_log";
static const char SQL_SUM_VERSION[] = "SELECT coalesce(sum(version), 0) FROM enterprise";

/* Seed codes: 91540000 + 0000000n + checks; the seed corpus uses the same ones. */
static void seed(void)
{
	static const char *const regions[] = {"540102", "540202", "542523"};
	struct arena a = {0};
	for (unsigned i = 1; i <= 3; i++) {
		char code[19];
		snprintf(code, sizeof code, "91540000%08u", i);
		code[16] = uscc_org_check_char(code + 8);
		code[17] = uscc_check_char(code);
		code[18] = '\0';
		struct record r, out;
		record_init(&r, &ENTERPRISE_TYPE);
		struct field_error err;
		const char *values[][2] = {{"credit_code", code},
		                           {"name", "种子企业"},
		                           {"region_code", regions[i - 1]},
		                           {"industry", "C"}};
		for (size_t k = 0; k < 4; k++) {
			int f = fields_find(&ENTERPRISE_TYPE, values[k][0], strlen(values[k][0]));
			CHECK(record_set_text(&r, &a, f, values[k][1], strlen(values[k][1]),
			                      &err) == 0);
		}
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
		fprintf(stderr, "fuzz_import: cannot set up the database\n");
		abort();
	}
	seed();
	base_rows = count(SQL_COUNT_ENTERPRISE);
	base_audit = count(SQL_COUNT_AUDIT);
}

static void check_issues(const struct registry_import_issue *is, size_t n, size_t rows)
{
	CHECK(n <= REGISTRY_IMPORT_MAX_REPORTED);
	CHECK(n == 0 || is != NULL);
	for (size_t i = 0; i < n; i++) {
		CHECK(is[i].row >= 2 && is[i].row <= rows + 1);
		CHECK(is[i].line >= 2);
		CHECK(is[i].code != NULL && is[i].code[0] != '\0');
		CHECK(is[i].message != NULL && is[i].message[0] != '\0');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup_once();
	struct registry_import_options opt = {
	    .mode = (size & 1) ? REG_IMPORT_ALL_OR_NOTHING : REG_IMPORT_SKIP_BAD,
	    .dry_run = 1,
	    .encoding = TEXT_ENC_AUTO,
	};
	const struct actor *who = (size & 2) ? &SHIGATSE : &ALL;
	struct arena a = {0};
	struct registry_import_report rep;
	int rc = registry_import(db, who, size ? (const char *)data : "", size, &opt, &a, &rep);
	CHECK(rc == REG_OK);
	CHECK(rep.committed == 0);
	CHECK(rep.encoding != NULL);
	CHECK(strlen(rep.sha256) == 64);
	if (rep.file_error) {
		CHECK(rep.rows == 0);
		CHECK(rep.created + rep.updated + rep.unchanged + rep.rejected == 0);
	} else {
		if (rep.rows != rep.created + rep.updated + rep.unchanged + rep.rejected) {
			fprintf(
			    stderr,
			    "fuzz_import: rows %zu != created %zu + updated %zu + unchanged %zu "
			    "+ rejected %zu (mode %s)\n",
			    rep.rows, rep.created, rep.updated, rep.unchanged, rep.rejected,
			    opt.mode == REG_IMPORT_SKIP_BAD ? "skip" : "all_or_nothing");
			abort();
		}
		/* Every rejected row is listed (while the list has room). */
		CHECK(rep.nerrors >= rep.rejected || rep.nerrors == REGISTRY_IMPORT_MAX_REPORTED);
		CHECK(rep.rejected == 0 || rep.nerrors > 0);
	}
	check_issues(rep.errors, rep.nerrors, rep.rows);
	check_issues(rep.warnings, rep.nwarnings, rep.rows);
	CHECK(rep.nwarnings <= rep.total_warnings);

	struct buf js = {0};
	registry_import_report_json(&rep, &js);
	json_error_t jerr;
	json_t *j = json_loadb(js.data, js.len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		fprintf(stderr, "fuzz_import: report is not JSON (%s): %s\n", jerr.text, js.data);
		abort();
	}
	CHECK((size_t)json_integer_value(json_object_get(j, "rows")) == rep.rows);
	json_decref(j);
	buf_free(&js);

	/* A dry run writes nothing. */
	CHECK(count(SQL_COUNT_ENTERPRISE) == base_rows);
	CHECK(count(SQL_COUNT_AUDIT) == base_audit);
	CHECK(count(SQL_SUM_VERSION) == base_rows);
	arena_free(&a);
	return 0;
}

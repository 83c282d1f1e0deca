/*
 * Unit tests of the enterprise registry service (src/modules/registry/service.c, store.c,
 * import.c) on a fresh migrated database per test, with the region tree loaded: registration,
 * reads, changes, lists and cursors, list parameters, data scope (an actor for the whole
 * region and one for Shigatse only), and CSV import in UTF-8 and GB18030 with its report.
 * After every write the audit chain is verified.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tempdb.h"

#include <iconv.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modules/regions/service.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "modules/registry/uscc.h"
#include "platform/audit.h"
#include "platform/db.h"
#include "platform/migrate.h"

#define MAX_ROWS 64 /* rows a list test collects */

static const struct actor ALL = {.name = "test:all", .all_regions = 1};
static const struct actor SHIGATSE = {
    .name = "test:shigatse", .nranges = 1, .lo = {540200}, .hi = {540299}};
static const struct actor NOWHERE = {.name = "test:nowhere"};
static const struct actor LHASA_AND_SHIGATSE = {
    .name = "test:two", .nranges = 2, .lo = {540100, 540200}, .hi = {540199, 540299}};

struct fx {
	struct tempdb tmp; /* its database file */
	struct db *db;
	struct arena a;
	struct field_error err;
};

/* The region tree is process-wide: loaded once from a database of its own. */
static int group_setup(void **state)
{
	(void)state;
	if (tempdb_load_regions() != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regions_free();
	return 0;
}

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	if (tempdb_make(&x->tmp, "registry") != 0)
		return -1;
	if (db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	db_close(x->db);
	arena_free(&x->a);
	tempdb_remove(&x->tmp);
	free(x);
	return 0;
}

/* ---- helpers ---- */

/* A valid credit code, distinct for each n; org_ok=0 makes the inner check fail. */
static const char *code_n(struct fx *x, unsigned n, int org_ok)
{
	char c[19];
	snprintf(c, sizeof c, "91540000%08u", n % 100000000u);
	char org = uscc_org_check_char(c + 8);
	c[16] = org_ok ? org : (org == '1' ? '2' : '1');
	c[17] = uscc_check_char(c);
	c[18] = '\0';
	return arena_strdup(&x->a, c);
}

static void assert_audit_intact(struct fx *x)
{
	int64_t bad = 0, checked = 0;
	int rc = audit_verify(x->db, &bad, &checked);
	if (rc != 0)
		fail_msg("audit chain broken at entry %lld (rc %d)", (long long)bad, rc);
}

static int64_t query_int(struct fx *x, const char *sql)
{
	struct db_stmt *st = db_prepare_once(x->db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t v = db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

static int64_t count_audit(struct fx *x, const char *action)
{
	static const char sql[] = "SELECT count(*) FROM audit_log WHERE action = ?";
	struct db_stmt *st = db_prepare(x->db, sql);
	db_bind_cstr(st, 1, action);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

/* A record from name/value pairs (NULL-terminated), each through record_set_text. */
static struct record mk(struct fx *x, ...)
{
	struct record r;
	record_init(&r, &ENTERPRISE_TYPE);
	va_list ap;
	va_start(ap, x);
	const char *name;
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		int i = fields_find(&ENTERPRISE_TYPE, name, strlen(name));
		if (i < 0)
			fail_msg("no field %s", name);
		if (value == NULL) {
			record_set(&r, &x->a, i, NULL, 0);
			continue;
		}
		struct field_error err;
		if (record_set_text(&r, &x->a, i, value, strlen(value), &err) != 0)
			fail_msg("%s = %s: %s", name, value, err.message);
	}
	va_end(ap);
	return r;
}

/* A minimal valid enterprise. */
static struct record basic(struct fx *x, const char *code, const char *name, const char *region)
{
	return mk(x, "credit_code", code, "name", name, "region_code", region, "industry", "C",
	          NULL);
}

static int create(struct fx *x, const struct actor *who, struct record in, struct record *out)
{
	struct record tmp;
	memset(&x->err, 0, sizeof x->err);
	return registry_create(x->db, who, &in, &x->a, out ? out : &tmp, &x->err);
}

static void create_ok(struct fx *x, const struct actor *who, struct record in)
{
	int rc = create(x, who, in, NULL);
	if (rc != REG_OK)
		fail_msg("create failed: %d %s: %s", rc, x->err.field ? x->err.field : "",
		         x->err.message);
}

static int update(struct fx *x, const struct actor *who, const char *code, struct record patch,
                  int64_t if_version, struct record *out)
{
	struct record tmp;
	memset(&x->err, 0, sizeof x->err);
	return registry_update(x->db, who, code, &patch, if_version, &x->a, out ? out : &tmp,
	                       &x->err);
}

static void assert_err(struct fx *x, const char *field, const char *code)
{
	assert_non_null(x->err.field);
	assert_string_equal(x->err.field, field);
	if (code)
		assert_string_equal(x->err.code, code);
	assert_true(strlen(x->err.message) > 0);
}

static const char *get_field(struct fx *x, const struct actor *who, const char *code, int field)
{
	struct record r;
	assert_int_equal(registry_get(x->db, who, code, &x->a, &r), REG_OK);
	return r.v[field];
}

/* ---- create and get ---- */

static void test_create_and_get(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 1, 1);
	struct record in = mk(
	    x, "credit_code", code, "name", "拉萨雪域净水有限公司", "name_bo", "ལྷ་ས་གངས་ཅན་ཆུ་གཙང་།",
	    "legal_representative", "扎西", "address", "拉萨市城关区北京中路1号", "region_code",
	    "540102", "industry", "C", "size", "small", "established_on", "2010-05-04",
	    "contact_name", "卓玛", "contact_phone", "0891-6333333", "contact_email",
	    "info@example.cn", "qms_standard", "GB/T 19001-2016", "qms_certified", "是",
	    "qms_certificate_no", "00123Q45678R0S", "qms_certification_body", "中国质量认证中心",
	    "standards_adopted", "GB 19298-2014\nGB/T 5750-2023", "inspection_capability",
	    "partial", "metrology_capability", "full", "quality_manager_trained", "true",
	    "quality_manager_trained_on", "2020-03-01", NULL);
	struct record out;
	assert_int_equal(create(x, &ALL, in, &out), REG_OK);
	assert_string_equal(out.v[ENT_STATUS], "active");
	assert_string_equal(out.v[ENT_VERSION], "1");
	assert_non_null(out.v[ENT_CREATED_AT]);
	assert_int_equal(strlen(out.v[ENT_CREATED_AT]), 20);
	assert_string_equal(out.v[ENT_CREATED_AT], out.v[ENT_UPDATED_AT]);
	struct record got;
	assert_int_equal(registry_get(x->db, &ALL, code, &x->a, &got), REG_OK);
	for (int i = 0; i < ENT_NFIELDS; i++) {
		if (out.v[i] == NULL) {
			if (got.v[i] != NULL)
				fail_msg("%s: stored %s", ENTERPRISE_TYPE.fields[i].name, got.v[i]);
			continue;
		}
		assert_non_null(got.v[i]);
		if (strcmp(got.v[i], out.v[i]) != 0)
			fail_msg("%s: created %s, read %s", ENTERPRISE_TYPE.fields[i].name,
			         out.v[i], got.v[i]);
	}
	assert_int_equal(count_audit(x, "enterprise.create"), 1);
	assert_audit_intact(x);
}

/* The audit entry of a create holds the record as JSON. */
static void test_create_audit_entry(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 2, 1);
	create_ok(x, &ALL, basic(x, code, "A \"quoted\" name", "540102"));
	struct db_stmt *st =
	    db_prepare_once(x->db, "SELECT actor, entity_type, entity_key, "
	                           "before_json, after_json, outcome FROM audit_log "
	                           "WHERE action = 'enterprise.create'");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0, NULL), "test:all");
	assert_string_equal(db_col_text(st, 1, NULL), "enterprise");
	assert_string_equal(db_col_text(st, 2, NULL), code);
	assert_true(db_col_is_null(st, 3));
	json_t *j = json_loads(db_col_text(st, 4, NULL), JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "A \"quoted\" name");
	assert_string_equal(json_string_value(json_object_get(j, "credit_code")), code);
	json_decref(j);
	assert_string_equal(db_col_text(st, 5, NULL), "ok");
	db_finalize(st);
}

static void test_create_required_missing(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 3, 1);
	assert_int_equal(
	    create(x, &ALL,
	           mk(x, "credit_code", code, "region_code", "540102", "industry", "C", NULL),
	           NULL),
	    REG_INVALID);
	assert_err(x, "name", "required");
	assert_int_equal(
	    create(x, &ALL, mk(x, "credit_code", code, "name", "A", "region_code", "540102", NULL),
	           NULL),
	    REG_INVALID);
	assert_err(x, "industry", "required");
	assert_int_equal(create(x, &ALL,
	                        mk(x, "name", "A", "region_code", "540102", "industry", "C", NULL),
	                        NULL),
	                 REG_INVALID);
	assert_err(x, "credit_code", "required");
	assert_int_equal(query_int(x, "SELECT count(*) FROM enterprise"), 0);
	assert_int_equal(query_int(x, "SELECT count(*) FROM audit_log"), 0);
}

static void test_create_unknown_region(void **state)
{
	struct fx *x = *state;
	assert_int_equal(create(x, &ALL, basic(x, code_n(x, 4, 1), "A", "540199"), NULL),
	                 REG_INVALID);
	assert_err(x, "region_code", "unknown_region");
	assert_int_equal(create(x, &ALL, basic(x, code_n(x, 4, 1), "A", "110101"), NULL),
	                 REG_INVALID);
	assert_err(x, "region_code", "unknown_region");
}

static void test_create_outside_scope(void **state)
{
	struct fx *x = *state;
	assert_int_equal(create(x, &SHIGATSE, basic(x, code_n(x, 5, 1), "A", "540102"), NULL),
	                 REG_INVALID);
	assert_err(x, "region_code", "out_of_scope");
	assert_int_equal(create(x, &SHIGATSE, basic(x, code_n(x, 5, 1), "A", "540000"), NULL),
	                 REG_INVALID);
	assert_err(x, "region_code", NULL);
	assert_int_equal(create(x, &NOWHERE, basic(x, code_n(x, 5, 1), "A", "540202"), NULL),
	                 REG_INVALID);
	assert_err(x, "region_code", NULL);
	/* Inside: a county and the prefecture itself. */
	create_ok(x, &SHIGATSE, basic(x, code_n(x, 5, 1), "A", "540202"));
	create_ok(x, &SHIGATSE, basic(x, code_n(x, 6, 1), "B", "540200"));
	assert_int_equal(query_int(x, "SELECT count(*) FROM enterprise"), 2);
	assert_audit_intact(x);
}

static void test_create_future_dates(void **state)
{
	struct fx *x = *state;
	struct record r = basic(x, code_n(x, 7, 1), "A", "540102");
	struct field_error e;
	record_set_text(&r, &x->a, ENT_ESTABLISHED_ON, "2199-01-01", 10, &e);
	assert_int_equal(create(x, &ALL, r, NULL), REG_INVALID);
	assert_err(x, "established_on", "in_future");
	r = mk(x, "credit_code", code_n(x, 7, 1), "name", "A", "region_code", "540102", "industry",
	       "C", "quality_manager_trained", "1", "quality_manager_trained_on", "2199-01-01",
	       NULL);
	assert_int_equal(create(x, &ALL, r, NULL), REG_INVALID);
	assert_err(x, "quality_manager_trained_on", "in_future");
}

static void test_create_trained_on_needs_trained(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 8, 1);
	assert_int_equal(
	    create(x, &ALL,
	           mk(x, "credit_code", code, "name", "A", "region_code", "540102", "industry", "C",
	              "quality_manager_trained_on", "2020-01-01", NULL),
	           NULL),
	    REG_INVALID);
	assert_err(x, "quality_manager_trained_on", "inconsistent");
	assert_int_equal(create(x, &ALL,
	                        mk(x, "credit_code", code, "name", "A", "region_code", "540102",
	                           "industry", "C", "quality_manager_trained", "否",
	                           "quality_manager_trained_on", "2020-01-01", NULL),
	                        NULL),
	                 REG_INVALID);
	assert_err(x, "quality_manager_trained_on", "inconsistent");
	create_ok(x, &ALL,
	          mk(x, "credit_code", code, "name", "A", "region_code", "540102", "industry", "C",
	             "quality_manager_trained", "是", "quality_manager_trained_on", "2020-01-01",
	             NULL));
}

static void test_create_certificate_needs_certified(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 9, 1);
	assert_int_equal(create(x, &ALL,
	                        mk(x, "credit_code", code, "name", "A", "region_code", "540102",
	                           "industry", "C", "qms_certificate_no", "Q1", NULL),
	                        NULL),
	                 REG_INVALID);
	assert_err(x, "qms_certificate_no", "inconsistent");
	create_ok(x, &ALL,
	          mk(x, "credit_code", code, "name", "A", "region_code", "540102", "industry", "C",
	             "qms_certified", "yes", "qms_certificate_no", "Q1", NULL));
}

static void test_create_duplicate(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 10, 1);
	create_ok(x, &ALL, basic(x, code, "A", "540202"));
	assert_int_equal(create(x, &ALL, basic(x, code, "Other", "540102"), NULL), REG_CONFLICT);
	assert_err(x, "credit_code", "duplicate");
	assert_int_equal(create(x, &SHIGATSE, basic(x, code, "Other", "540202"), NULL),
	                 REG_CONFLICT);
	assert_err(x, "credit_code", NULL);
	assert_int_equal(query_int(x, "SELECT count(*) FROM enterprise"), 1);
	assert_string_equal(get_field(x, &ALL, code, ENT_NAME), "A");
	assert_int_equal(count_audit(x, "enterprise.create"), 1);
	assert_audit_intact(x);
}

static void test_create_keeps_given_status(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 11, 1);
	create_ok(x, &ALL,
	          mk(x, "credit_code", code, "name", "A", "region_code", "540102", "industry", "C",
	             "status", "suspended", NULL));
	assert_string_equal(get_field(x, &ALL, code, ENT_STATUS), "suspended");
}

/* Ids are the deployment's: 540000 * 10^12 + n. */
static void test_create_ids(void **state)
{
	struct fx *x = *state;
	create_ok(x, &ALL, basic(x, code_n(x, 12, 1), "A", "540102"));
	create_ok(x, &ALL, basic(x, code_n(x, 13, 1), "B", "540102"));
	assert_int_equal(query_int(x, "SELECT min(id) / 1000000000000 FROM enterprise"), 540000);
	assert_true(query_int(x, "SELECT max(id) - min(id) FROM enterprise") >= 1);
}

static void test_get_not_found(void **state)
{
	struct fx *x = *state;
	struct record r;
	assert_int_equal(registry_get(x->db, &ALL, code_n(x, 14, 1), &x->a, &r), REG_NOT_FOUND);
	assert_int_equal(registry_get(x->db, &ALL, "", &x->a, &r), REG_NOT_FOUND);
	assert_int_equal(registry_get(x->db, &ALL, "' OR 1=1 --", &x->a, &r), REG_NOT_FOUND);
}

static void test_get_out_of_scope(void **state)
{
	struct fx *x = *state;
	const char *lhasa = code_n(x, 15, 1), *shigatse = code_n(x, 16, 1);
	create_ok(x, &ALL, basic(x, lhasa, "Lhasa Co", "540102"));
	create_ok(x, &ALL, basic(x, shigatse, "Shigatse Co", "540202"));
	struct record r;
	assert_int_equal(registry_get(x->db, &SHIGATSE, lhasa, &x->a, &r), REG_NOT_FOUND);
	assert_int_equal(registry_get(x->db, &SHIGATSE, shigatse, &x->a, &r), REG_OK);
	assert_string_equal(r.v[ENT_NAME], "Shigatse Co");
	assert_int_equal(registry_get(x->db, &NOWHERE, shigatse, &x->a, &r), REG_NOT_FOUND);
}

/* An actor whose scope has two ranges reaches records in both. */
static void test_multi_range_actor(void **state)
{
	struct fx *x = *state;
	const char *lhasa = code_n(x, 17, 1), *shigatse = code_n(x, 18, 1);
	create_ok(x, &LHASA_AND_SHIGATSE, basic(x, lhasa, "Lhasa Co", "540102"));
	create_ok(x, &LHASA_AND_SHIGATSE, basic(x, shigatse, "Shigatse Co", "540202"));
	struct record r;
	assert_int_equal(registry_get(x->db, &LHASA_AND_SHIGATSE, lhasa, &x->a, &r), REG_OK);
	assert_int_equal(registry_get(x->db, &LHASA_AND_SHIGATSE, shigatse, &x->a, &r), REG_OK);
	struct registry_filter f;
	assert_int_equal(registry_filter_parse(&f, &x->a, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	                                       NULL, &x->err),
	                 REG_OK);
	int64_t n = -1;
	assert_int_equal(registry_count(x->db, &LHASA_AND_SHIGATSE, &f, &n), REG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(
	    update(x, &LHASA_AND_SHIGATSE, shigatse, mk(x, "name", "New", NULL), 0, NULL), REG_OK);
}

/* ---- update ---- */

static void test_update_changes(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 20, 1);
	create_ok(x, &ALL,
	          mk(x, "credit_code", code, "name", "Old name", "region_code", "540102",
	             "industry", "C", "address", "Somewhere", NULL));
	struct record out;
	assert_int_equal(
	    update(x, &ALL, code, mk(x, "name", "New name", "size", "large", NULL), 0, &out),
	    REG_OK);
	assert_string_equal(out.v[ENT_NAME], "New name");
	assert_string_equal(out.v[ENT_SIZE], "large");
	assert_string_equal(out.v[ENT_ADDRESS], "Somewhere"); /* absent: kept */
	assert_string_equal(out.v[ENT_VERSION], "2");
	struct record got;
	assert_int_equal(registry_get(x->db, &ALL, code, &x->a, &got), REG_OK);
	assert_string_equal(got.v[ENT_NAME], "New name");
	assert_string_equal(got.v[ENT_VERSION], "2");
	assert_string_equal(got.v[ENT_ADDRESS], "Somewhere");
	assert_string_equal(got.v[ENT_CREDIT_CODE], code);
	assert_non_null(got.v[ENT_CREATED_AT]);
	assert_true(strcmp(got.v[ENT_UPDATED_AT], got.v[ENT_CREATED_AT]) >= 0);
	/* Audited with before and after. */
	struct db_stmt *st = db_prepare_once(x->db, "SELECT before_json, after_json FROM audit_log "
	                                            "WHERE action = 'enterprise.update'");
	assert_int_equal(db_step(st), DB_ROW);
	json_t *b = json_loads(db_col_text(st, 0, NULL), 0, NULL);
	json_t *a = json_loads(db_col_text(st, 1, NULL), 0, NULL);
	assert_non_null(b);
	assert_non_null(a);
	assert_string_equal(json_string_value(json_object_get(b, "name")), "Old name");
	assert_string_equal(json_string_value(json_object_get(a, "name")), "New name");
	assert_int_equal(json_integer_value(json_object_get(a, "version")), 2);
	json_decref(a);
	json_decref(b);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
	assert_audit_intact(x);
}

static void test_update_stale_version(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 21, 1);
	create_ok(x, &ALL, basic(x, code, "A", "540102"));
	assert_int_equal(update(x, &ALL, code, mk(x, "name", "B", NULL), 5, NULL), REG_STALE);
	assert_string_equal(get_field(x, &ALL, code, ENT_NAME), "A");
	assert_int_equal(update(x, &ALL, code, mk(x, "name", "B", NULL), 1, NULL), REG_OK);
	assert_string_equal(get_field(x, &ALL, code, ENT_VERSION), "2");
	assert_int_equal(update(x, &ALL, code, mk(x, "name", "C", NULL), 1, NULL), REG_STALE);
	assert_string_equal(get_field(x, &ALL, code, ENT_NAME), "B");
	assert_int_equal(update(x, &ALL, code, mk(x, "name", "C", NULL), 2, NULL), REG_OK);
	assert_string_equal(get_field(x, &ALL, code, ENT_VERSION), "3");
	assert_audit_intact(x);
}

static void test_update_immutable_code(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 22, 1);
	create_ok(x, &ALL, basic(x, code, "A", "540102"));
	assert_int_equal(
	    update(x, &ALL, code, mk(x, "credit_code", code_n(x, 23, 1), NULL), 0, NULL),
	    REG_INVALID);
	assert_err(x, "credit_code", "immutable");
	/* Even given unchanged. */
	assert_int_equal(update(x, &ALL, code, mk(x, "credit_code", code, NULL), 0, NULL),
	                 REG_INVALID);
	assert_err(x, "credit_code", "immutable");
}

static void test_update_clear_required(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 24, 1);
	create_ok(x, &ALL, basic(x, code, "A", "540102"));
	assert_int_equal(update(x, &ALL, code, mk(x, "name", NULL, NULL), 0, NULL), REG_INVALID);
	assert_err(x, "name", "required");
	assert_int_equal(update(x, &ALL, code, mk(x, "region_code", "", NULL), 0, NULL),
	                 REG_INVALID);
	assert_err(x, "region_code", "required");
	assert_string_equal(get_field(x, &ALL, code, ENT_NAME), "A");
}

static void test_update_clear_optional(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 25, 1);
	create_ok(x, &ALL,
	          mk(x, "credit_code", code, "name", "A", "region_code", "540102", "industry", "C",
	             "address", "Somewhere", NULL));
	assert_int_equal(update(x, &ALL, code, mk(x, "address", "", NULL), 0, NULL), REG_OK);
	assert_null(get_field(x, &ALL, code, ENT_ADDRESS));
	assert_audit_intact(x);
}

/* Clearing status (optional, NOT NULL in storage, "active when not given") must not be a
 * database error: either refused as invalid or stored as active. */
static void test_update_clear_status(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 26, 1);
	create_ok(x, &ALL, basic(x, code, "A", "540102"));
	struct record out;
	int rc = update(x, &ALL, code, mk(x, "status", "", NULL), 0, &out);
	if (rc == REG_INVALID) {
		assert_err(x, "status", NULL);
	} else {
		if (rc != REG_OK)
			fail_msg("clearing status gave %d (REG_ERROR is -5), expected REG_OK or "
			         "REG_INVALID",
			         rc);
		assert_string_equal(get_field(x, &ALL, code, ENT_STATUS), "active");
	}
	assert_audit_intact(x);
}

static void test_update_no_change(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 27, 1);
	create_ok(x, &ALL, basic(x, code, "A", "540102"));
	int64_t entries = query_int(x, "SELECT count(*) FROM audit_log");
	struct record out;
	assert_int_equal(update(x, &ALL, code, mk(x, "name", "A", "industry", "C", NULL), 0, &out),
	                 REG_OK);
	assert_string_equal(out.v[ENT_VERSION], "1");
	assert_int_equal(update(x, &ALL, code, mk(x, NULL), 1, &out), REG_OK);
	assert_string_equal(get_field(x, &ALL, code, ENT_VERSION), "1");
	assert_int_equal(query_int(x, "SELECT count(*) FROM audit_log"), entries);
}

static void test_update_not_found_and_out_of_scope(void **state)
{
	struct fx *x = *state;
	const char *lhasa = code_n(x, 28, 1);
	create_ok(x, &ALL, basic(x, lhasa, "A", "540102"));
	assert_int_equal(update(x, &ALL, code_n(x, 29, 1), mk(x, "name", "B", NULL), 0, NULL),
	                 REG_NOT_FOUND);
	assert_int_equal(update(x, &SHIGATSE, lhasa, mk(x, "name", "B", NULL), 0, NULL),
	                 REG_NOT_FOUND);
	assert_int_equal(update(x, &NOWHERE, lhasa, mk(x, "name", "B", NULL), 0, NULL),
	                 REG_NOT_FOUND);
	assert_string_equal(get_field(x, &ALL, lhasa, ENT_NAME), "A");
	/* A stale version of an out-of-scope record is still "not found". */
	assert_int_equal(update(x, &SHIGATSE, lhasa, mk(x, "name", "B", NULL), 9, NULL),
	                 REG_NOT_FOUND);
}

static void test_update_moves_out_of_scope(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 30, 1);
	create_ok(x, &SHIGATSE, basic(x, code, "A", "540202"));
	assert_int_equal(update(x, &SHIGATSE, code, mk(x, "region_code", "540102", NULL), 0, NULL),
	                 REG_INVALID);
	assert_err(x, "region_code", "out_of_scope");
	assert_string_equal(get_field(x, &ALL, code, ENT_REGION_CODE), "540202");
	assert_int_equal(update(x, &SHIGATSE, code, mk(x, "region_code", "540221", NULL), 0, NULL),
	                 REG_OK);
	assert_int_equal(update(x, &ALL, code, mk(x, "region_code", "540199", NULL), 0, NULL),
	                 REG_INVALID);
	assert_err(x, "region_code", "unknown_region");
	assert_audit_intact(x);
}

/* Rules hold on the merged record: un-certifying leaves a certificate number behind. */
static void test_update_rules_on_merged_record(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 31, 1);
	create_ok(x, &ALL,
	          mk(x, "credit_code", code, "name", "A", "region_code", "540102", "industry", "C",
	             "qms_certified", "true", "qms_certificate_no", "Q-1", NULL));
	assert_int_equal(update(x, &ALL, code, mk(x, "qms_certified", "false", NULL), 0, NULL),
	                 REG_INVALID);
	assert_err(x, "qms_certificate_no", "inconsistent");
	assert_int_equal(update(x, &ALL, code,
	                        mk(x, "qms_certified", "false", "qms_certificate_no", "", NULL), 0,
	                        NULL),
	                 REG_OK);
	assert_int_equal(
	    update(x, &ALL, code, mk(x, "established_on", "2199-01-01", NULL), 0, NULL),
	    REG_INVALID);
	assert_err(x, "established_on", "in_future");
}

/* ---- list, count, filters ---- */

struct collect {
	int n;                       /* rows seen */
	const char *codes[MAX_ROWS]; /* their credit codes */
	const char *names[MAX_ROWS]; /* and names */
	struct arena *a;             /* where copies go */
};

static int collect_row(void *ctx, const struct record *r)
{
	struct collect *c = ctx;
	assert_true(c->n < MAX_ROWS);
	c->codes[c->n] = arena_strdup(c->a, r->v[ENT_CREDIT_CODE]);
	c->names[c->n] = arena_strdup(c->a, r->v[ENT_NAME]);
	c->n++;
	return 0;
}

/* Parses list parameters, asserting success. */
static struct registry_filter filter(struct fx *x, const char *region, const char *industry,
                                     const char *status, const char *size, const char *q,
                                     const char *sort, const char *limit)
{
	struct registry_filter f;
	if (registry_filter_parse(&f, &x->a, region, industry, status, size, q, sort, limit, NULL,
	                          &x->err) != REG_OK)
		fail_msg("filter rejected: %s", x->err.message);
	return f;
}

static int list_count(struct fx *x, const struct actor *who, struct registry_filter f)
{
	struct collect c = {.a = &x->a};
	const char *next;
	f.limit = REGISTRY_PAGE_MAX;
	assert_int_equal(registry_list(x->db, who, &f, &x->a, collect_row, &c, &next), REG_OK);
	int64_t n = -1;
	assert_int_equal(registry_count(x->db, who, &f, &n), REG_OK);
	assert_int_equal(n, c.n);
	return c.n;
}

/* Twelve enterprises across regions, industries, sizes and statuses. */
static void seed(struct fx *x)
{
	struct {
		const char *name, *region, *industry, *size, *status, *name_bo;
	} rows[] = {
	    {"拉萨净水有限公司", "540102", "C", "small", "active", "ལྷ་ས་ཆུ་གཙང་།"},
	    {"拉萨酥油茶厂", "540102", "C", "micro", "active", NULL},
	    {"堆龙建材公司", "540103", "C", "medium", "suspended", NULL},
	    {"日喀则青稞酒业", "540202", "C", "small", "active", "གཞིས་ཀ་རྩེ་ཆང་།"},
	    {"江孜卡垫厂", "540222", "C", "micro", "active", NULL},
	    {"日喀则电力", "540202", "D", "large", "active", NULL},
	    {"定日运输", "540223", "G", "small", "revoked", NULL},
	    {"昌都药业", "540302", "C", "medium", "active", NULL},
	    {"阿里盐业", "542523", "B", "small", "active", NULL},
	    {"100% Pure_Water", "540102", "C", "small", "active", NULL},
	    {"100 Pure Water", "540102", "C", "small", "active", NULL},
	    {"拉萨净水有限公司", "540104", "C", "small", "deregistered", NULL},
	};
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct record r = mk(x, "credit_code", code_n(x, 100 + i, 1), "name", rows[i].name,
		                     "region_code", rows[i].region, "industry", rows[i].industry,
		                     "size", rows[i].size, "status", rows[i].status, NULL);
		if (rows[i].name_bo)
			record_set_text(&r, &x->a, ENT_NAME_BO, rows[i].name_bo,
			                strlen(rows[i].name_bo), &x->err);
		create_ok(x, &ALL, r);
	}
}

static void test_list_all_in_id_order(void **state)
{
	struct fx *x = *state;
	seed(x);
	struct registry_filter f = filter(x, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	struct collect c = {.a = &x->a};
	const char *next = "unset";
	assert_int_equal(registry_list(x->db, &ALL, &f, &x->a, collect_row, &c, &next), REG_OK);
	assert_int_equal(c.n, 12);
	assert_null(next);
	for (int i = 0; i < 12; i++)
		assert_string_equal(c.codes[i], code_n(x, 100 + (unsigned)i, 1));
	f = filter(x, NULL, NULL, NULL, NULL, NULL, "-id", NULL);
	c.n = 0;
	assert_int_equal(registry_list(x->db, &ALL, &f, &x->a, collect_row, &c, &next), REG_OK);
	for (int i = 0; i < 12; i++)
		assert_string_equal(c.codes[i], code_n(x, 111 - (unsigned)i, 1));
	int64_t n;
	assert_int_equal(registry_count(x->db, &ALL, &f, &n), REG_OK);
	assert_int_equal(n, 12);
}

static void test_list_filters(void **state)
{
	struct fx *x = *state;
	seed(x);
	assert_int_equal(list_count(x, &ALL, filter(x, "540000", 0, 0, 0, 0, 0, 0)), 12);
	assert_int_equal(list_count(x, &ALL, filter(x, "540100", 0, 0, 0, 0, 0, 0)), 6);
	assert_int_equal(list_count(x, &ALL, filter(x, "540102", 0, 0, 0, 0, 0, 0)), 4);
	assert_int_equal(list_count(x, &ALL, filter(x, "540200", 0, 0, 0, 0, 0, 0)), 4);
	assert_int_equal(list_count(x, &ALL, filter(x, "542500", 0, 0, 0, 0, 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, "542521", 0, 0, 0, 0, 0, 0)), 0);
	assert_int_equal(list_count(x, &ALL, filter(x, NULL, "C", 0, 0, 0, 0, 0)), 9);
	assert_int_equal(list_count(x, &ALL, filter(x, NULL, "D", 0, 0, 0, 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, NULL, 0, "active", 0, 0, 0, 0)), 9);
	assert_int_equal(list_count(x, &ALL, filter(x, NULL, 0, "revoked", 0, 0, 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, NULL, 0, 0, "small", 0, 0, 0)), 7);
	assert_int_equal(list_count(x, &ALL, filter(x, "540100", "C", "active", "small", 0, 0, 0)),
	                 3);
}

static void test_list_q(void **state)
{
	struct fx *x = *state;
	seed(x);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "净水", 0, 0)), 2);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "拉萨", 0, 0)), 3);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "日喀则", 0, 0)), 2);
	/* Tibetan name. */
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "ཆང", 0, 0)), 1);
	/* Wildcards match themselves only. */
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "100%", 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "Pure_", 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "%", 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "_", 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "\\", 0, 0)), 0);
	/* Credit code prefix, not infix. */
	const char *code = code_n(x, 105, 1);
	char prefix[19];
	memcpy(prefix, code, 17);
	prefix[17] = '\0';
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, prefix, 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, code, 0, 0)), 1);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "91540000", 0, 0)), 12);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, code + 1, 0, 0)), 0);
	/* An empty q is no filter. */
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "", 0, 0)), 12);
	assert_int_equal(list_count(x, &ALL, filter(x, 0, 0, 0, 0, "no such text", 0, 0)), 0);
}

static void test_list_scope(void **state)
{
	struct fx *x = *state;
	seed(x);
	assert_int_equal(list_count(x, &SHIGATSE, filter(x, 0, 0, 0, 0, 0, 0, 0)), 4);
	assert_int_equal(list_count(x, &SHIGATSE, filter(x, "540000", 0, 0, 0, 0, 0, 0)), 4);
	assert_int_equal(list_count(x, &SHIGATSE, filter(x, "540202", 0, 0, 0, 0, 0, 0)), 2);
	assert_int_equal(list_count(x, &SHIGATSE, filter(x, "540100", 0, 0, 0, 0, 0, 0)), 0);
	assert_int_equal(list_count(x, &SHIGATSE, filter(x, 0, 0, 0, 0, "拉萨", 0, 0)), 0);
	assert_int_equal(list_count(x, &NOWHERE, filter(x, 0, 0, 0, 0, 0, 0, 0)), 0);
	struct collect c = {.a = &x->a};
	struct registry_filter f = filter(x, 0, 0, 0, 0, 0, 0, 0);
	const char *next;
	assert_int_equal(registry_list(x->db, &SHIGATSE, &f, &x->a, collect_row, &c, &next),
	                 REG_OK);
	for (int i = 0; i < c.n; i++) {
		const char *region = get_field(x, &ALL, c.codes[i], ENT_REGION_CODE);
		assert_true(atoi(region) >= 540200 && atoi(region) <= 540299);
	}
}

static int stop_after_two(void *ctx, const struct record *r)
{
	(void)r;
	return ++*(int *)ctx == 2;
}

static void test_list_callback_stops(void **state)
{
	struct fx *x = *state;
	seed(x);
	struct registry_filter f = filter(x, 0, 0, 0, 0, 0, 0, "10");
	int n = 0;
	const char *next;
	assert_int_equal(registry_list(x->db, &ALL, &f, &x->a, stop_after_two, &n, &next), REG_OK);
	assert_int_equal(n, 2);
}

/* Pages through a list with the given sort and limit; the pages joined must equal one page of
 * everything, in an order that agrees with the sort key. */
static void page_through(struct fx *x, const char *sort, const char *limit, int total)
{
	struct registry_filter all = filter(x, 0, 0, 0, 0, 0, sort, "1000");
	struct collect whole = {.a = &x->a};
	const char *next;
	assert_int_equal(registry_list(x->db, &ALL, &all, &x->a, collect_row, &whole, &next),
	                 REG_OK);
	assert_null(next);
	assert_int_equal(whole.n, total);
	int desc = sort[0] == '-';
	const char *key = sort + desc;
	for (int i = 1; i < whole.n; i++) {
		int c = 0;
		if (strcmp(key, "name") == 0)
			c = strcmp(whole.names[i - 1], whole.names[i]);
		else if (strcmp(key, "credit_code") == 0)
			c = strcmp(whole.codes[i - 1], whole.codes[i]);
		assert_true(desc ? c >= 0 : c <= 0);
	}

	struct collect pages = {.a = &x->a};
	const char *cursor = NULL;
	int npages = 0;
	for (;;) {
		struct registry_filter f;
		if (registry_filter_parse(&f, &x->a, NULL, NULL, NULL, NULL, NULL, sort, limit,
		                          cursor, &x->err) != REG_OK)
			fail_msg("cursor %s of sort %s rejected: %s", cursor, sort, x->err.message);
		int before = pages.n;
		assert_int_equal(registry_list(x->db, &ALL, &f, &x->a, collect_row, &pages, &next),
		                 REG_OK);
		assert_true(pages.n - before <= atoi(limit));
		npages++;
		assert_true(npages <= total + 2);
		if (next == NULL)
			break;
		assert_int_equal(pages.n - before, atoi(limit));
		cursor = next;
	}
	if (pages.n != whole.n)
		fail_msg("sort %s limit %s: %d rows paged, %d in one list", sort, limit, pages.n,
		         whole.n);
	for (int i = 0; i < whole.n; i++)
		assert_string_equal(pages.codes[i], whole.codes[i]);
}

static void test_cursor_round_trip(void **state)
{
	struct fx *x = *state;
	seed(x);
	const char *sorts[] = {"id", "-id", "name", "-name", "credit_code", "-credit_code"};
	const char *limits[] = {"1", "2", "5", "7", "11", "13", "1000"};
	for (size_t s = 0; s < sizeof sorts / sizeof sorts[0]; s++)
		for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++)
			page_through(x, sorts[s], limits[l], 12);
}

/* Cursors combine with filters and scope. */
static void test_cursor_with_filters(void **state)
{
	struct fx *x = *state;
	seed(x);
	struct collect pages = {.a = &x->a};
	const char *cursor = NULL, *next;
	for (int guard = 0; guard < 10; guard++) {
		struct registry_filter f;
		assert_int_equal(registry_filter_parse(&f, &x->a, "540100", "C", NULL, NULL, NULL,
		                                       "-name", "2", cursor, &x->err),
		                 REG_OK);
		assert_int_equal(registry_list(x->db, &ALL, &f, &x->a, collect_row, &pages, &next),
		                 REG_OK);
		if (next == NULL)
			break;
		cursor = next;
	}
	assert_int_equal(pages.n, 6);
}

/* "When more rows follow, *next_cursor receives a cursor, else NULL": a last page that is
 * exactly full has no rows after it. */
static void test_cursor_none_after_exactly_full_last_page(void **state)
{
	struct fx *x = *state;
	seed(x);
	struct registry_filter f = filter(x, 0, 0, 0, 0, 0, 0, "12");
	struct collect c = {.a = &x->a};
	const char *next = "unset";
	assert_int_equal(registry_list(x->db, &ALL, &f, &x->a, collect_row, &c, &next), REG_OK);
	assert_int_equal(c.n, 12);
	assert_null(next);
}

static void test_cursor_bound_to_sort(void **state)
{
	struct fx *x = *state;
	seed(x);
	struct registry_filter f = filter(x, 0, 0, 0, 0, 0, "name", "3");
	struct collect c = {.a = &x->a};
	const char *next;
	assert_int_equal(registry_list(x->db, &ALL, &f, &x->a, collect_row, &c, &next), REG_OK);
	assert_non_null(next);
	const char *other[] = {"id", "-name", "credit_code"};
	for (size_t i = 0; i < 3; i++) {
		struct registry_filter g;
		assert_int_equal(
		    registry_filter_parse(&g, &x->a, 0, 0, 0, 0, 0, other[i], "3", next, &x->err),
		    REG_INVALID);
		assert_err(x, "cursor", NULL);
	}
}

static void test_cursor_garbage(void **state)
{
	struct fx *x = *state;
	const char *bad_id[] = {"", "x", "0", "1.5", "0.5.", "0.5x", "0.5.41"};
	for (size_t i = 0; i < sizeof bad_id / sizeof bad_id[0]; i++) {
		struct registry_filter f;
		if (registry_filter_parse(&f, &x->a, 0, 0, 0, 0, 0, "id", 0, bad_id[i], &x->err) !=
		    REG_INVALID)
			fail_msg("cursor \"%s\" accepted for sort id", bad_id[i]);
		assert_err(x, "cursor", NULL);
	}
	const char *bad_name[] = {"2.5", "2.5.a", "2.5.abc", "2.5.zz", "0.5.41", "3.5.41"};
	for (size_t i = 0; i < sizeof bad_name / sizeof bad_name[0]; i++) {
		struct registry_filter f;
		if (registry_filter_parse(&f, &x->a, 0, 0, 0, 0, 0, "name", 0, bad_name[i],
		                          &x->err) != REG_INVALID)
			fail_msg("cursor \"%s\" accepted for sort name", bad_name[i]);
		assert_err(x, "cursor", NULL);
	}
}

/* ---- list parameters ---- */

static void test_filter_defaults(void **state)
{
	struct fx *x = *state;
	struct registry_filter f;
	assert_int_equal(registry_filter_parse(&f, &x->a, 0, 0, 0, 0, 0, 0, 0, 0, &x->err), REG_OK);
	assert_int_equal(f.region, 0);
	assert_null(f.industry);
	assert_null(f.status);
	assert_null(f.size);
	assert_null(f.q);
	assert_int_equal(f.sort, REG_SORT_ID);
	assert_int_equal(f.desc, 0);
	assert_int_equal(f.limit, REGISTRY_PAGE_DEFAULT);
	assert_int_equal(f.has_cursor, 0);
}

static void test_filter_accepts(void **state)
{
	struct fx *x = *state;
	struct registry_filter f;
	assert_int_equal(registry_filter_parse(&f, &x->a, "540200", "T", "deregistered", "large",
	                                       "拉萨", "-credit_code", "1000", NULL, &x->err),
	                 REG_OK);
	assert_int_equal(f.region, 540200);
	assert_string_equal(f.industry, "T");
	assert_string_equal(f.status, "deregistered");
	assert_string_equal(f.size, "large");
	assert_string_equal(f.q, "拉萨");
	assert_int_equal(f.sort, REG_SORT_CREDIT_CODE);
	assert_int_equal(f.desc, 1);
	assert_int_equal(f.limit, 1000);
	assert_int_equal(registry_filter_parse(&f, &x->a, 0, 0, 0, 0, 0, "name", "1", 0, &x->err),
	                 REG_OK);
	assert_int_equal(f.sort, REG_SORT_NAME);
	assert_int_equal(f.limit, 1);
}

static void expect_param_error(struct fx *x, const char *param, const char *region,
                               const char *industry, const char *status, const char *size,
                               const char *q, const char *sort, const char *limit)
{
	struct registry_filter f;
	memset(&x->err, 0, sizeof x->err);
	int rc = registry_filter_parse(&f, &x->a, region, industry, status, size, q, sort, limit,
	                               NULL, &x->err);
	if (rc != REG_INVALID)
		fail_msg("%s: accepted", param);
	assert_err(x, param, NULL);
}

static void test_filter_errors_name_parameter(void **state)
{
	struct fx *x = *state;
	expect_param_error(x, "region", "abc", 0, 0, 0, 0, 0, 0);
	expect_param_error(x, "region", "", 0, 0, 0, 0, 0, 0);
	expect_param_error(x, "region", "540199", 0, 0, 0, 0, 0, 0);
	expect_param_error(x, "region", "5402", 0, 0, 0, 0, 0, 0);
	expect_param_error(x, "region", "5402000", 0, 0, 0, 0, 0, 0);
	expect_param_error(x, "region", "540200x", 0, 0, 0, 0, 0, 0);
	expect_param_error(x, "region", "99999999999999999999999", 0, 0, 0, 0, 0, 0);
	expect_param_error(x, "industry", 0, "Z", 0, 0, 0, 0, 0);
	expect_param_error(x, "industry", 0, "c", 0, 0, 0, 0, 0);
	expect_param_error(x, "industry", 0, "", 0, 0, 0, 0, 0);
	expect_param_error(x, "status", 0, 0, "open", 0, 0, 0, 0);
	expect_param_error(x, "size", 0, 0, 0, "huge", 0, 0, 0);
	expect_param_error(x, "q", 0, 0, 0, 0, "\xff\xfe", 0, 0);
	char longq[102];
	memset(longq, 'a', 101);
	longq[101] = '\0';
	expect_param_error(x, "q", 0, 0, 0, 0, longq, 0, 0);
	expect_param_error(x, "sort", 0, 0, 0, 0, 0, "date", 0);
	expect_param_error(x, "sort", 0, 0, 0, 0, 0, "", 0);
	expect_param_error(x, "sort", 0, 0, 0, 0, 0, "--name", 0);
	expect_param_error(x, "sort", 0, 0, 0, 0, 0, "-", 0);
	expect_param_error(x, "limit", 0, 0, 0, 0, 0, 0, "0");
	expect_param_error(x, "limit", 0, 0, 0, 0, 0, 0, "1001");
	expect_param_error(x, "limit", 0, 0, 0, 0, 0, 0, "-5");
	expect_param_error(x, "limit", 0, 0, 0, 0, 0, 0, "ten");
	expect_param_error(x, "limit", 0, 0, 0, 0, 0, 0, "");
	expect_param_error(x, "limit", 0, 0, 0, 0, 0, 0, "10x");
	expect_param_error(x, "limit", 0, 0, 0, 0, 0, 0, "99999999999999999999");
	/* A q of exactly 100 bytes is fine. */
	longq[100] = '\0';
	struct registry_filter f;
	assert_int_equal(registry_filter_parse(&f, &x->a, 0, 0, 0, 0, longq, 0, 0, 0, &x->err),
	                 REG_OK);
}

/* ---- import ---- */

static const struct registry_import_options SKIP = {REG_IMPORT_SKIP_BAD, 0, TEXT_ENC_AUTO};
static const struct registry_import_options ALL_OR_NOTHING = {REG_IMPORT_ALL_OR_NOTHING, 0,
                                                              TEXT_ENC_AUTO};
static const struct registry_import_options DRY_RUN = {REG_IMPORT_SKIP_BAD, 1, TEXT_ENC_AUTO};

static struct registry_import_report import_as(struct fx *x, const struct actor *who,
                                               const char *csv, size_t n,
                                               const struct registry_import_options *opt)
{
	struct registry_import_report rep;
	assert_int_equal(registry_import(x->db, who, csv, n, opt, &x->a, &rep), REG_OK);
	/* The report's counts always add up, and it is valid JSON. */
	if (rep.file_error == NULL)
		assert_int_equal(rep.rows,
		                 rep.created + rep.updated + rep.unchanged + rep.rejected);
	struct buf js = {0};
	registry_import_report_json(&rep, &js);
	json_error_t jerr;
	json_t *j = json_loadb(js.data, js.len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		fail_msg("report is not JSON (%s): %s", jerr.text, js.data);
	assert_int_equal(json_integer_value(json_object_get(j, "rows")), rep.rows);
	assert_int_equal(json_integer_value(json_object_get(j, "created")), rep.created);
	assert_int_equal(json_integer_value(json_object_get(j, "rejected")), rep.rejected);
	assert_int_equal(json_array_size(json_object_get(j, "errors")), rep.nerrors);
	assert_int_equal(json_is_true(json_object_get(j, "committed")), rep.committed);
	json_decref(j);
	buf_free(&js);
	assert_audit_intact(x);
	return rep;
}

static struct registry_import_report import(struct fx *x, const char *csv,
                                            const struct registry_import_options *opt)
{
	return import_as(x, &ALL, csv, strlen(csv), opt);
}

/* 1 if some audit entry names credit code: as its key, or inside its after_json. */
static int audit_mentions(struct fx *x, const char *code)
{
	static const char sql[] = "SELECT count(*) FROM audit_log WHERE entity_key = ?1 OR "
	                          "instr(after_json, ?1) > 0";
	struct db_stmt *st = db_prepare(x->db, sql);
	db_bind_cstr(st, 1, code);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n > 0;
}

static int64_t count_enterprises(struct fx *x)
{
	return query_int(x, "SELECT count(*) FROM enterprise");
}

/* A CSV text with header "credit_code,name,region_code,industry" and rows built from codes. */
static const char *csv3(struct fx *x, unsigned base)
{
	return arena_printf(&x->a,
	                    "credit_code,name,region_code,industry\n"
	                    "%s,拉萨净水有限公司,540102,C\n"
	                    "%s,\"日喀则青稞酒业, 有限公司\",540202,C\n"
	                    "%s,阿里盐业,542523,B\n",
	                    code_n(x, base, 1), code_n(x, base + 1, 1), code_n(x, base + 2, 1));
}

static void test_import_utf8(void **state)
{
	struct fx *x = *state;
	const char *csv = csv3(x, 200);
	struct registry_import_report rep = import(x, csv, &SKIP);
	assert_null(rep.file_error);
	assert_string_equal(rep.encoding, "utf-8");
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.created, 3);
	assert_int_equal(rep.rejected, 0);
	assert_int_equal(rep.nerrors, 0);
	assert_int_equal(rep.committed, 1);
	assert_int_equal(count_enterprises(x), 3);
	assert_string_equal(get_field(x, &ALL, code_n(x, 201, 1), ENT_NAME),
	                    "日喀则青稞酒业, 有限公司");
	assert_string_equal(get_field(x, &ALL, code_n(x, 202, 1), ENT_STATUS), "active");
	assert_string_equal(get_field(x, &ALL, code_n(x, 202, 1), ENT_VERSION), "1");
	/* The file's hash. */
	unsigned char d[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256(d, (const unsigned char *)csv, strlen(csv));
	sodium_bin2hex(hex, sizeof hex, d, sizeof d);
	assert_string_equal(rep.sha256, hex);
	/* Audited per file, and every created record is named in the log (by an entry of its
	 * own or in the file's entry). */
	assert_int_equal(count_audit(x, "enterprise.import"), 1);
	for (unsigned i = 0; i < 3; i++)
		assert_true(audit_mentions(x, code_n(x, 200 + i, 1)));
	assert_true(query_int(x, "SELECT count(*) FROM audit_log WHERE action = "
	                         "'enterprise.import' AND after_json LIKE '%\"rows\":3%'") == 1);
}

static void test_import_bom_and_crlf(void **state)
{
	struct fx *x = *state;
	const char *csv = arena_printf(&x->a,
	                               "\xEF\xBB\xBF"
	                               "credit_code,name,region_code,industry\r\n%s,A,540102,C\r\n",
	                               code_n(x, 210, 1));
	struct registry_import_report rep = import(x, csv, &SKIP);
	assert_null(rep.file_error);
	assert_string_equal(rep.encoding, "utf-8");
	assert_int_equal(rep.created, 1);
	assert_string_equal(get_field(x, &ALL, code_n(x, 210, 1), ENT_NAME), "A");
}

/* UTF-8 text converted to GB18030 with iconv. */
static char *to_gb18030(const char *utf8, size_t *n)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t inleft = strlen(utf8), cap = inleft * 2 + 16, outleft = cap;
	char *out = malloc(cap), *in = (char *)utf8, *o = out;
	assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
	iconv_close(cd);
	*n = cap - outleft;
	return out;
}

static const char *labels_csv(struct fx *x, unsigned base)
{
	return arena_printf(&x->a,
	                    "统一社会信用代码,企业名称,行政区划代码,行业门类,企业规模,成立日期,"
	                    "质量负责人是否培训,质量负责人培训日期,住所\n"
	                    "%s,拉萨净水有限公司,540102,C,small,2010-01-02,是,2020-05-06,"
	                    "拉萨市城关区\n"
	                    "%s,日喀则青稞酒业,540202,C,micro,,否,,日喀则市桑珠孜区\n",
	                    code_n(x, base, 1), code_n(x, base + 1, 1));
}

static void check_labels_import(struct fx *x, unsigned base)
{
	const char *a = code_n(x, base, 1), *b = code_n(x, base + 1, 1);
	assert_string_equal(get_field(x, &ALL, a, ENT_NAME), "拉萨净水有限公司");
	assert_string_equal(get_field(x, &ALL, a, ENT_SIZE), "small");
	assert_string_equal(get_field(x, &ALL, a, ENT_ESTABLISHED_ON), "2010-01-02");
	assert_string_equal(get_field(x, &ALL, a, ENT_QUALITY_MANAGER_TRAINED), "1");
	assert_string_equal(get_field(x, &ALL, a, ENT_QUALITY_MANAGER_TRAINED_ON), "2020-05-06");
	assert_string_equal(get_field(x, &ALL, a, ENT_ADDRESS), "拉萨市城关区");
	assert_string_equal(get_field(x, &ALL, b, ENT_NAME), "日喀则青稞酒业");
	assert_string_equal(get_field(x, &ALL, b, ENT_QUALITY_MANAGER_TRAINED), "0");
	assert_null(get_field(x, &ALL, b, ENT_ESTABLISHED_ON));
	assert_string_equal(get_field(x, &ALL, b, ENT_REGION_CODE), "540202");
}

static void test_import_chinese_labels(void **state)
{
	struct fx *x = *state;
	struct registry_import_report rep = import(x, labels_csv(x, 220), &SKIP);
	if (rep.file_error)
		fail_msg("%s", rep.file_error);
	assert_int_equal(rep.created, 2);
	check_labels_import(x, 220);
}

static void test_import_gb18030(void **state)
{
	struct fx *x = *state;
	size_t n;
	char *gb = to_gb18030(labels_csv(x, 230), &n);
	struct registry_import_report rep = import_as(x, &ALL, gb, n, &SKIP);
	if (rep.file_error)
		fail_msg("%s", rep.file_error);
	assert_string_equal(rep.encoding, "gb18030");
	assert_int_equal(rep.rows, 2);
	assert_int_equal(rep.created, 2);
	check_labels_import(x, 230);
	/* Declared as GB18030, the same bytes import the same way. */
	struct registry_import_options opt = {REG_IMPORT_SKIP_BAD, 1, TEXT_ENC_GB18030};
	rep = import_as(x, &ALL, gb, n, &opt);
	assert_null(rep.file_error);
	assert_int_equal(rep.unchanged, 2);
	/* Declared as UTF-8 they are refused as a whole. */
	opt.encoding = TEXT_ENC_UTF8;
	rep = import_as(x, &ALL, gb, n, &opt);
	assert_non_null(rep.file_error);
	assert_int_equal(rep.committed, 0);
	free(gb);
}

static const char *bad_middle_csv(struct fx *x, unsigned base)
{
	return arena_printf(&x->a,
	                    "credit_code,name,region_code,industry\n"
	                    "%s,A,540102,C\n"
	                    "%s,B,540102,Z\n"
	                    "%s,C,540102,C\n",
	                    code_n(x, base, 1), code_n(x, base + 1, 1), code_n(x, base + 2, 1));
}

static void test_import_all_or_nothing(void **state)
{
	struct fx *x = *state;
	struct registry_import_report rep = import(x, bad_middle_csv(x, 240), &ALL_OR_NOTHING);
	assert_null(rep.file_error);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.created, 2);
	assert_int_equal(rep.rejected, 1);
	assert_int_equal(rep.committed, 0);
	assert_int_equal(rep.nerrors, 1);
	assert_int_equal(rep.errors[0].row, 3);
	assert_int_equal(rep.errors[0].line, 3);
	assert_string_equal(rep.errors[0].field, "industry");
	assert_string_equal(rep.errors[0].code, "not_allowed");
	assert_int_equal(count_enterprises(x), 0);
	assert_int_equal(query_int(x, "SELECT count(*) FROM audit_log"), 0);
}

static void test_import_skip_bad(void **state)
{
	struct fx *x = *state;
	struct registry_import_report rep = import(x, bad_middle_csv(x, 250), &SKIP);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.created, 2);
	assert_int_equal(rep.rejected, 1);
	assert_int_equal(rep.committed, 1);
	assert_int_equal(count_enterprises(x), 2);
	struct record r;
	assert_int_equal(registry_get(x->db, &ALL, code_n(x, 251, 1), &x->a, &r), REG_NOT_FOUND);
	assert_int_equal(registry_get(x->db, &ALL, code_n(x, 252, 1), &x->a, &r), REG_OK);
	assert_int_equal(query_int(x, "SELECT count(*) FROM audit_log WHERE action = "
	                              "'enterprise.import' AND outcome = 'partial'"),
	                 1);
}

static void test_import_dry_run(void **state)
{
	struct fx *x = *state;
	struct registry_import_report rep = import(x, csv3(x, 260), &DRY_RUN);
	assert_null(rep.file_error);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.created, 3);
	assert_int_equal(rep.committed, 0);
	assert_int_equal(count_enterprises(x), 0);
	assert_int_equal(query_int(x, "SELECT count(*) FROM audit_log"), 0);
	/* A dry run over existing records counts what would change. */
	import(x, csv3(x, 260), &SKIP);
	rep = import(x, csv3(x, 260), &DRY_RUN);
	assert_int_equal(rep.unchanged, 3);
	assert_int_equal(rep.created, 0);
	/* And the ids handed out in the dry run are not lost to a later create. */
	create_ok(x, &ALL, basic(x, code_n(x, 263, 1), "After", "540102"));
	assert_int_equal(count_enterprises(x), 4);
}

static void test_import_duplicate_in_file(void **state)
{
	struct fx *x = *state;
	const char *a = code_n(x, 270, 1), *b = code_n(x, 271, 1);
	const char *csv = arena_printf(&x->a,
	                               "credit_code,name,region_code,industry\n"
	                               "%s,A,540102,C\n%s,B,540102,C\n%s,A again,540102,C\n",
	                               a, b, a);
	struct registry_import_report rep = import(x, csv, &SKIP);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.created, 2);
	assert_int_equal(rep.rejected, 1);
	assert_int_equal(rep.nerrors, 1);
	assert_int_equal(rep.errors[0].row, 4);
	assert_string_equal(rep.errors[0].field, "credit_code");
	assert_string_equal(rep.errors[0].code, "duplicate");
	assert_non_null(strstr(rep.errors[0].message, "row 2"));
	assert_string_equal(get_field(x, &ALL, a, ENT_NAME), "A");
	/* Lower case in the file is the same code. */
	char lower[19];
	for (int i = 0; i < 19; i++)
		lower[i] = (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
	csv = arena_printf(&x->a,
	                   "credit_code,name,region_code,industry\n%s,A,540102,C\n%s,A,540102,C\n",
	                   a, lower);
	rep = import(x, csv, &DRY_RUN);
	assert_int_equal(rep.rejected, 1);
}

/* Rows are numbered as records (header = 1), lines as lines: a quoted line break and a
 * blank line make them differ. */
static void test_import_row_and_line_numbers(void **state)
{
	struct fx *x = *state;
	const char *csv = arena_printf(
	    &x->a,
	    "credit_code,name,region_code,industry,standards_adopted\n" /* line 1, row 1 */
	    "%s,A,540102,C,\"first\nsecond\"\n"                         /* lines 2-3, row 2 */
	    "%s,B,540102,Z,\n"                                          /* line 4, row 3: bad */
	    "%s,C,540102,C\n"     /* line 5, row 4: 4 fields */
	    "\n"                  /* line 6: blank */
	    "%s,D,540102,C,\n"    /* line 7, row 5 */
	    "%s,E\"x,540102,C,\n" /* line 8, row 6: csv */
	    "%s,F,540102,C,\n",   /* line 9, row 7 */
	    code_n(x, 280, 1), code_n(x, 281, 1), code_n(x, 282, 1), code_n(x, 283, 1),
	    code_n(x, 284, 1), code_n(x, 285, 1));
	struct registry_import_report rep = import(x, csv, &SKIP);
	assert_null(rep.file_error);
	assert_int_equal(rep.rows, 6);
	assert_int_equal(rep.created, 3);
	assert_int_equal(rep.rejected, 3);
	assert_int_equal(rep.nerrors, 3);
	assert_int_equal(rep.errors[0].row, 3);
	assert_int_equal(rep.errors[0].line, 4);
	assert_string_equal(rep.errors[0].field, "industry");
	assert_int_equal(rep.errors[1].row, 4);
	assert_int_equal(rep.errors[1].line, 5);
	assert_null(rep.errors[1].field);
	assert_string_equal(rep.errors[1].code, "field_count");
	assert_int_equal(rep.errors[2].row, 6);
	assert_int_equal(rep.errors[2].line, 8);
	assert_null(rep.errors[2].field);
	assert_string_equal(rep.errors[2].code, "csv");
	assert_string_equal(get_field(x, &ALL, code_n(x, 280, 1), ENT_STANDARDS_ADOPTED),
	                    "first\nsecond");
	assert_string_equal(get_field(x, &ALL, code_n(x, 285, 1), ENT_NAME), "F");
}

/* A row with several bad fields reports each. */
static void test_import_every_bad_field_reported(void **state)
{
	struct fx *x = *state;
	const char *csv = "credit_code,name,region_code,industry,established_on\n"
	                  "91110000101623741J,,abc,Z,2023-02-29\n";
	struct registry_import_report rep = import(x, csv, &SKIP);
	assert_int_equal(rep.rows, 1);
	assert_int_equal(rep.rejected, 1);
	assert_int_equal(rep.nerrors, 4);
	const char *fields[] = {"credit_code", "region_code", "industry", "established_on"};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(rep.errors[i].row, 2);
		assert_string_equal(rep.errors[i].field, fields[i]);
	}
}

static void test_import_update_and_unchanged(void **state)
{
	struct fx *x = *state;
	import(x, csv3(x, 290), &SKIP);
	struct registry_import_report rep = import(x, csv3(x, 290), &SKIP);
	assert_int_equal(rep.unchanged, 3);
	assert_int_equal(rep.created + rep.updated, 0);
	assert_string_equal(get_field(x, &ALL, code_n(x, 290, 1), ENT_VERSION), "1");
	const char *csv = arena_printf(&x->a,
	                               "credit_code,name,region_code,industry\n"
	                               "%s,拉萨净水有限公司,540102,C\n%s,New name,540202,C\n",
	                               code_n(x, 290, 1), code_n(x, 291, 1));
	rep = import(x, csv, &SKIP);
	assert_int_equal(rep.unchanged, 1);
	assert_int_equal(rep.updated, 1);
	assert_string_equal(get_field(x, &ALL, code_n(x, 291, 1), ENT_NAME), "New name");
	assert_string_equal(get_field(x, &ALL, code_n(x, 291, 1), ENT_VERSION), "2");
	assert_int_equal(count_audit(x, "enterprise.import.update"), 1);
	/* The update's audit entry holds before and after. */
	assert_int_equal(query_int(x, "SELECT count(*) FROM audit_log WHERE action = "
	                              "'enterprise.import.update' AND before_json LIKE "
	                              "'%日喀则青稞酒业%' AND after_json LIKE '%New name%'"),
	                 1);
}

/* Columns the file does not have are not cleared by an update from it. */
static void test_import_update_keeps_absent_columns(void **state)
{
	struct fx *x = *state;
	const char *code = code_n(x, 300, 1);
	create_ok(x, &ALL,
	          mk(x, "credit_code", code, "name", "Old", "region_code", "540102", "industry",
	             "C", "address", "拉萨市城关区", "contact_phone", "0891-6333333", "status",
	             "suspended", NULL));
	const char *csv =
	    arena_printf(&x->a, "credit_code,name,region_code,industry\n%s,New,540102,C\n", code);
	struct registry_import_report rep = import(x, csv, &SKIP);
	assert_int_equal(rep.updated, 1);
	assert_string_equal(get_field(x, &ALL, code, ENT_NAME), "New");
	const char *addr = get_field(x, &ALL, code, ENT_ADDRESS);
	const char *phone = get_field(x, &ALL, code, ENT_CONTACT_PHONE);
	const char *status = get_field(x, &ALL, code, ENT_STATUS);
	if (addr == NULL || phone == NULL || strcmp(status, "suspended") != 0)
		fail_msg("import without those columns changed address to %s, contact_phone to "
		         "%s, status to %s",
		         addr ? addr : "NULL", phone ? phone : "NULL", status);
}

/* The rules across fields hold for the record as stored after an import merged a row into
 * it: un-certifying by import while the stored certificate number stays is refused (as
 * registry_update refuses it), and so is "not trained" beside a stored training date. */
static void test_import_merge_keeps_rules(void **state)
{
	struct fx *x = *state;
	const char *a = code_n(x, 350, 1), *b = code_n(x, 351, 1);
	create_ok(x, &ALL,
	          mk(x, "credit_code", a, "name", "A", "region_code", "540102", "industry", "C",
	             "qms_certified", "true", "qms_certificate_no", "Q-1", NULL));
	create_ok(x, &ALL,
	          mk(x, "credit_code", b, "name", "B", "region_code", "540102", "industry", "C",
	             "quality_manager_trained", "true", "quality_manager_trained_on", "2020-01-01",
	             NULL));
	const char *csv = arena_printf(&x->a,
	                               "credit_code,name,region_code,industry,qms_certified,"
	                               "quality_manager_trained\n"
	                               "%s,A,540102,C,false,\n%s,B,540102,C,,false\n",
	                               a, b);
	struct registry_import_report rep = import(x, csv, &SKIP);
	for (int i = 0; i < 2; i++) {
		const char *code = i ? b : a;
		const char *certified = get_field(x, &ALL, code, ENT_QMS_CERTIFIED);
		const char *cert_no = get_field(x, &ALL, code, ENT_QMS_CERTIFICATE_NO);
		const char *trained = get_field(x, &ALL, code, ENT_QUALITY_MANAGER_TRAINED);
		const char *trained_on = get_field(x, &ALL, code, ENT_QUALITY_MANAGER_TRAINED_ON);
		if (cert_no && !(certified && certified[0] == '1'))
			fail_msg("%s stored with qms_certificate_no %s but qms_certified %s "
			         "(report: %zu updated, %zu rejected)",
			         code, cert_no, certified ? certified : "NULL", rep.updated,
			         rep.rejected);
		if (trained_on && !(trained && trained[0] == '1'))
			fail_msg("%s stored with quality_manager_trained_on %s but "
			         "quality_manager_trained %s (report: %zu updated, %zu rejected)",
			         code, trained_on, trained ? trained : "NULL", rep.updated,
			         rep.rejected);
	}
}

static void expect_file_error(struct fx *x, const char *csv, size_t n, const char *field)
{
	struct registry_import_report rep = import_as(x, &ALL, csv, n, &SKIP);
	if (rep.file_error == NULL)
		fail_msg("no file error for: %.*s", (int)n, csv);
	if (field) {
		assert_non_null(rep.file_error_field);
		assert_string_equal(rep.file_error_field, field);
	}
	assert_int_equal(rep.rows, 0);
	assert_int_equal(rep.committed, 0);
	assert_int_equal(count_enterprises(x), 0);
}

static void test_import_file_errors(void **state)
{
	struct fx *x = *state;
	const char *row = "\n91110000101623741K,A,540102,C\n";
	char csv[256];
	snprintf(csv, sizeof csv, "credit_code,name,region_code,industry,nickname%s", row);
	expect_file_error(x, csv, strlen(csv), "nickname");
	snprintf(csv, sizeof csv, "credit_code,name,region_code%s", row);
	expect_file_error(x, csv, strlen(csv), "industry");
	snprintf(csv, sizeof csv, "credit_code,name,region_code,industry,名称%s", row);
	expect_file_error(x, csv, strlen(csv), "名称");
	expect_file_error(x, "", 0, NULL);
	expect_file_error(x, "\n\n", 2, NULL);
	expect_file_error(x, "credit_code,\"name\n", 18, NULL);
	/* A NUL inside a heading: no field is called that (and nothing is read past a name). */
	static const char nul_header[] = "credit_code\0x,name,region_code,industry\n";
	expect_file_error(x, nul_header, sizeof nul_header - 1, NULL);
	/* Neither UTF-8 nor GB18030. */
	expect_file_error(x, "credit_code,name\n\xff\xff\xff\n", 21, NULL);
	assert_int_equal(query_int(x, "SELECT count(*) FROM audit_log"), 0);
}

/* Our own export format (server-set columns included) imports; those columns are ignored. */
static void test_import_export_format(void **state)
{
	struct fx *x = *state;
	struct buf csv = {0};
	record_type_write_csv_header(&ENTERPRISE_TYPE, &csv);
	for (unsigned i = 0; i < 3; i++) {
		struct record r =
		    mk(x, "credit_code", code_n(x, 310 + i, 1), "name",
		       i == 1 ? "Comma, \"quote\"" : "Plain", "region_code", "540102", "industry",
		       "C", "standards_adopted", "GB 1\nGB 2", "qms_certified", "true", NULL);
		record_set(&r, &x->a, ENT_VERSION, "9", 1);
		record_set(&r, &x->a, ENT_CREATED_AT, "2000-01-01T00:00:00Z", 20);
		record_write_csv(&r, &csv);
	}
	struct registry_import_report rep = import_as(x, &ALL, csv.data, csv.len, &SKIP);
	if (rep.file_error)
		fail_msg("%s", rep.file_error);
	assert_int_equal(rep.created, 3);
	assert_string_equal(get_field(x, &ALL, code_n(x, 311, 1), ENT_NAME), "Comma, \"quote\"");
	assert_string_equal(get_field(x, &ALL, code_n(x, 311, 1), ENT_VERSION), "1");
	assert_string_equal(get_field(x, &ALL, code_n(x, 311, 1), ENT_STANDARDS_ADOPTED),
	                    "GB 1\nGB 2");
	assert_string_not_equal(get_field(x, &ALL, code_n(x, 311, 1), ENT_CREATED_AT),
	                        "2000-01-01T00:00:00Z");
	buf_free(&csv);
}

static void test_import_warnings(void **state)
{
	struct fx *x = *state;
	const char *csv = arena_printf(&x->a,
	                               "credit_code,name,region_code,industry\n"
	                               "%s,A,540102,C\n%s,B,540102,C\n",
	                               code_n(x, 320, 0), code_n(x, 321, 1));
	struct registry_import_report rep = import(x, csv, &SKIP);
	assert_int_equal(rep.created, 2);
	assert_int_equal(rep.total_warnings, 1);
	assert_int_equal(rep.nwarnings, 1);
	assert_int_equal(rep.warnings[0].row, 2);
	assert_string_equal(rep.warnings[0].field, "credit_code");
	assert_string_equal(rep.warnings[0].code, "organisation_code_check");
}

static void test_import_scope(void **state)
{
	struct fx *x = *state;
	const char *lhasa = code_n(x, 330, 1);
	create_ok(x, &ALL, basic(x, lhasa, "Lhasa Co", "540102"));
	const char *csv = arena_printf(&x->a,
	                               "credit_code,name,region_code,industry\n"
	                               "%s,In Lhasa,540102,C\n"     /* row 2: region out of scope */
	                               "%s,Moved,540202,C\n"        /* row 3: record out of scope */
	                               "%s,Shigatse Co,540202,C\n", /* row 4: fine */
	                               code_n(x, 331, 1), lhasa, code_n(x, 332, 1));
	struct registry_import_report rep = import_as(x, &SHIGATSE, csv, strlen(csv), &SKIP);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.created, 1);
	assert_int_equal(rep.rejected, 2);
	assert_int_equal(rep.nerrors, 2);
	assert_int_equal(rep.errors[0].row, 2);
	assert_string_equal(rep.errors[0].field, "region_code");
	assert_string_equal(rep.errors[0].code, "out_of_scope");
	assert_int_equal(rep.errors[1].row, 3);
	assert_string_equal(rep.errors[1].field, "credit_code");
	assert_string_equal(rep.errors[1].code, "out_of_scope");
	assert_string_equal(get_field(x, &ALL, lhasa, ENT_NAME), "Lhasa Co");
	assert_string_equal(get_field(x, &ALL, lhasa, ENT_REGION_CODE), "540102");
}

/* Rules across fields apply to imported rows. */
static void test_import_rules(void **state)
{
	struct fx *x = *state;
	const char *csv = arena_printf(&x->a,
	                               "credit_code,name,region_code,industry,qms_certificate_no,"
	                               "established_on\n"
	                               "%s,A,540102,C,Q-1,\n%s,B,540102,C,,2199-01-01\n"
	                               "%s,C,540199,C,,\n",
	                               code_n(x, 340, 1), code_n(x, 341, 1), code_n(x, 342, 1));
	struct registry_import_report rep = import(x, csv, &SKIP);
	assert_int_equal(rep.rejected, 3);
	assert_string_equal(rep.errors[0].field, "qms_certificate_no");
	assert_string_equal(rep.errors[1].field, "established_on");
	assert_string_equal(rep.errors[2].field, "region_code");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_create_and_get),
	    T(test_create_audit_entry),
	    T(test_create_required_missing),
	    T(test_create_unknown_region),
	    T(test_create_outside_scope),
	    T(test_create_future_dates),
	    T(test_create_trained_on_needs_trained),
	    T(test_create_certificate_needs_certified),
	    T(test_create_duplicate),
	    T(test_create_keeps_given_status),
	    T(test_create_ids),
	    T(test_get_not_found),
	    T(test_get_out_of_scope),
	    T(test_multi_range_actor),
	    T(test_update_changes),
	    T(test_update_stale_version),
	    T(test_update_immutable_code),
	    T(test_update_clear_required),
	    T(test_update_clear_optional),
	    T(test_update_clear_status),
	    T(test_update_no_change),
	    T(test_update_not_found_and_out_of_scope),
	    T(test_update_moves_out_of_scope),
	    T(test_update_rules_on_merged_record),
	    T(test_list_all_in_id_order),
	    T(test_list_filters),
	    T(test_list_q),
	    T(test_list_scope),
	    T(test_list_callback_stops),
	    T(test_cursor_round_trip),
	    T(test_cursor_with_filters),
	    T(test_cursor_none_after_exactly_full_last_page),
	    T(test_cursor_bound_to_sort),
	    T(test_cursor_garbage),
	    T(test_filter_defaults),
	    T(test_filter_accepts),
	    T(test_filter_errors_name_parameter),
	    T(test_import_utf8),
	    T(test_import_bom_and_crlf),
	    T(test_import_chinese_labels),
	    T(test_import_gb18030),
	    T(test_import_all_or_nothing),
	    T(test_import_skip_bad),
	    T(test_import_dry_run),
	    T(test_import_duplicate_in_file),
	    T(test_import_row_and_line_numbers),
	    T(test_import_every_bad_field_reported),
	    T(test_import_update_and_unchanged),
	    T(test_import_update_keeps_absent_columns),
	    T(test_import_merge_keeps_rules),
	    T(test_import_file_errors),
	    T(test_import_export_format),
	    T(test_import_warnings),
	    T(test_import_scope),
	    T(test_import_rules),
	};
#undef T
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

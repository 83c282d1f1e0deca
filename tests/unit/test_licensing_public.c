/*
 * Unit tests of public licence verification (src/modules/licensing/public.c, included to
 * reach its static functions): licence numbers as typed (normalised, well-formed or not); the
 * public status of licences written straight into a migrated temporary database (valid,
 * suspended, revoked, cancelled, replaced, expired the day after valid_until, unknown); the
 * JSON and HTML of each with the category names and without the private columns (legal
 * representative, production address); and the public list: holder name, number prefix
 * (full-width parentheses too), credit code, kind, category, region, status filters, and
 * cursor pages that cover every row once in number order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tempdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/public.c"

#define S(lit) (lit), (sizeof(lit) - 1)

static struct tempdb tmp;
static struct db *db;
static char today[11], yesterday[11], tomorrow[11];

static const char LEGAL_REP[] = "张法人";
static const char SITE[] = "拉萨市城关区秘密路 7 号";

/* Inserts a licence as the licensing module stores one. */
static void put(int64_t id, const char *no, const char *kind, const char *holder, const char *name,
                int region, const char *cats, const char *until, const char *status,
                const char *reason, const char *status_on, int64_t replaces)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO lc_licence (id, licence_no, kind, holder, holder_name, region_code, "
	        "categories, scope_text, site_address, legal_rep, issuer, issued_on, valid_from, "
	        "valid_until, status, status_reason, status_on, application_id, replaces_id, "
	        "next_check_due, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	        "'西藏自治区市场监督管理局', '2022-03-01', '2022-03-01', ?, ?, ?, ?, 1, ?, "
	        "'2027-03-01', '2022-03-01T00:00:00Z', '2022-03-01T00:00:00Z')");
	assert_non_null(st);
	db_bind_int64(st, 1, id);
	db_bind_cstr(st, 2, no);
	db_bind_cstr(st, 3, kind);
	db_bind_cstr(st, 4, holder);
	db_bind_cstr(st, 5, name);
	db_bind_int64(st, 6, region);
	db_bind_cstr(st, 7, cats);
	db_bind_cstr(st, 8, "糌粑、青稞粉");
	db_bind_cstr(st, 9, SITE);
	db_bind_cstr(st, 10, LEGAL_REP);
	db_bind_cstr(st, 11, until);
	db_bind_cstr(st, 12, status);
	db_bind_cstr(st, 13, reason);
	db_bind_cstr(st, 14, status_on);
	if (replaces)
		db_bind_int64(st, 15, replaces);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
}

#define HOLDER_A "91540100MA6T000011"
#define HOLDER_B "91540200MA6T000022"

static int setup(void **state)
{
	(void)state;
	if (tempdb_load_regions() != 0 || tempdb_make(&tmp, "lcpublic") != 0 ||
	    db_open(tmp.path, DB_OPEN_CREATE, &db) != 0 || migrate_run(db, 0, 0) != 0)
		return -1;
	int32_t t = today_china();
	date_format(t, today);
	date_format(t - 1, yesterday);
	date_format(t + 1, tomorrow);
	if (db_begin_write(db) != 0)
		return -1;
	put(1, "SC10154010200017", "food", HOLDER_A, "拉萨青稞食品有限公司", 540102, "101,103",
	    "2030-01-01", "valid", NULL, NULL, 0);
	put(2, "SC10154010200025", "food", HOLDER_A, "拉萨青稞食品有限公司", 540102, "101",
	    "2030-01-01", "suspended", "监督检查发现生产条件发生重大变化", "2025-06-01", 0);
	put(3, "SC10354020100011", "food", HOLDER_B, "日喀则酥油厂", 540202, "103", "2030-01-01",
	    "revoked", "以欺骗手段取得许可", "2025-07-01", 0);
	put(4, "SC10154010200033", "food", HOLDER_A, "拉萨青稞食品有限公司", 540102, "101",
	    yesterday, "valid", NULL, NULL, 0);
	put(5, "SC10154010200041", "food", HOLDER_A, "拉萨青稞食品有限公司", 540102, "101", today,
	    "valid", NULL, NULL, 0);
	put(6, "(藏)XK13-001-00012", "industrial", HOLDER_B, "日喀则化工有限公司", 540202,
	    "XK13-001", "2030-01-01", "cancelled", "企业申请注销", "2025-08-01", 0);
	put(7, "SC10154010200058", "food", HOLDER_A, "拉萨青稞食品有限公司", 540102, "101",
	    "2030-01-01", "replaced", NULL, "2025-09-01", 0);
	put(8, "SC10154010200066", "food", HOLDER_A, "拉萨青稞食品有限公司", 540102, "101",
	    "2035-01-01", "valid", NULL, NULL, 7);
	put(9, "SC10154010200074", "food", HOLDER_A, "拉萨青稞食品有限公司", 540102, "101",
	    yesterday, "suspended", "整改", "2024-01-01", 0);
	return db_commit(db);
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	tempdb_remove(&tmp);
	regions_free();
	return 0;
}

static void test_number_normalize(void **state)
{
	(void)state;
	char out[LC_LICENCE_NO_MAX];
	assert_int_equal(lc_public_number_normalize(S("SC10154010200017"), out), 0);
	assert_string_equal(out, "SC10154010200017");
	assert_int_equal(lc_public_number_normalize(S(" sc10154010200017\t"), out), 0);
	assert_string_equal(out, "SC10154010200017");
	assert_int_equal(lc_public_number_normalize(S("(藏)XK13-001-00012"), out), 0);
	assert_string_equal(out, "(藏)XK13-001-00012");
	assert_int_equal(lc_public_number_normalize(S("（藏）xk13-001-00012"), out), 0);
	assert_string_equal(out, "(藏)XK13-001-00012");
	assert_int_equal(lc_public_number_normalize(S("(内蒙)XK13-001-00012"), out), 0);
	static const char *const BAD[] = {
	    "",
	    "SC1015401020001",   /* 13 digits */
	    "SC101540102000170", /* 15 */
	    "SC1015401020001X",
	    "SX10154010200017",
	    "SC 10154010200017",
	    "(藏)XK13-001-0001",
	    "(藏)XK13-01-00012",
	    "(藏)XK1-001-00012",
	    "(Z)XK13-001-00012", /* an ASCII abbreviation */
	    "()XK13-001-00012",
	    "(西藏自治)XK13-001-00012", /* four characters */
	    "藏XK13-001-00012",
	    "(藏)XK13-001-00012/",
	    "(藏)XK13-001-00012x",
	    "SC10154010200017\x01",
	    "\xff\xfe",
	    "SC1015401020001\xc3",
	    "<script>",
	    NULL,
	};
	for (int i = 0; BAD[i]; i++) {
		if (lc_public_number_normalize(BAD[i], strlen(BAD[i]), out) == 0)
			fail_msg("\"%s\" accepted as \"%s\"", BAD[i], out);
		assert_string_equal(out, "");
	}
	char longer[200];
	memset(longer, '1', sizeof longer);
	memcpy(longer, "SC", 2);
	assert_int_equal(lc_public_number_normalize(longer, sizeof longer, out), -1);
}

/* Reads a licence and checks its public status. */
static void status_is(const char *no, int want_rc, const char *status)
{
	struct arena a = {0};
	struct public_licence l;
	int rc = public_licence_read(db, no, &a, &l);
	if (rc != want_rc || strcmp(l.status, status) != 0)
		fail_msg("%s: rc %d status %s, expected rc %d status %s", no, rc, l.status, want_rc,
		         status);
	arena_free(&a);
}

static void test_statuses(void **state)
{
	(void)state;
	status_is("SC10154010200017", SVC_OK, "valid");
	status_is("SC10154010200025", SVC_OK, "suspended");
	status_is("SC10354020100011", SVC_OK, "revoked");
	status_is("SC10154010200033", SVC_OK, "expired"); /* valid_until was yesterday */
	status_is("SC10154010200041", SVC_OK, "valid");   /* valid through today */
	status_is("(藏)XK13-001-00012", SVC_OK, "cancelled");
	status_is("SC10154010200058", SVC_OK, "replaced");
	status_is("SC10154010200074", SVC_OK, "expired"); /* suspended, then past its term */
	status_is("SC99954010200017", SVC_NOT_FOUND, "unknown");

	struct arena a = {0};
	struct public_licence l;
	assert_int_equal(public_licence_read(db, "SC10154010200033", &a, &l), SVC_OK);
	assert_string_equal(l.status_on, today); /* the first day it is not valid */
	assert_null(l.status_reason);
	assert_int_equal(public_licence_read(db, "SC10154010200025", &a, &l), SVC_OK);
	assert_string_equal(l.status_on, "2025-06-01");
	assert_string_equal(l.status_reason, "监督检查发现生产条件发生重大变化");
	assert_int_equal(public_licence_read(db, "SC10154010200058", &a, &l), SVC_OK);
	assert_string_equal(l.replaced_by, "SC10154010200066");
	assert_int_equal(public_licence_read(db, "SC10154010200017", &a, &l), SVC_OK);
	assert_null(l.status_on);
	assert_null(l.replaced_by);
	assert_int_equal(l.ncat, 2);
	assert_string_equal(l.cat[0].code, "101");
	assert_string_equal(l.cat[0].name_zh, "粮食加工品");
	assert_string_equal(l.cat[0].name_en, "Grain products");
	assert_string_equal(l.cat[1].code, "103");
	assert_non_null(l.cat[1].name_zh);
	arena_free(&a);
}

/* No private column of lc_licence ever reaches an answer. */
static void assert_nothing_private(const struct buf *b)
{
	char *s = strndup(b->data, b->len);
	assert_null(strstr(s, LEGAL_REP));
	assert_null(strstr(s, SITE));
	assert_null(strstr(s, "legal_rep"));
	assert_null(strstr(s, "site_address"));
	assert_null(strstr(s, "application_id"));
	free(s);
}

static void test_json(void **state)
{
	(void)state;
	struct arena a = {0};
	struct public_licence l;
	assert_int_equal(public_licence_read(db, "SC10154010200025", &a, &l), SVC_OK);
	struct buf b = {0};
	json_licence(&b, &l, 1);
	json_t *j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	static const char *const KEYS[] = {
	    "licence_no", "status",        "holder",      "holder_code", "kind",      "categories",
	    "scope",      "valid_from",    "valid_until", "issuer",      "status_on", "checked_at",
	    "url",        "status_reason", "replaced_by", NULL,
	};
	for (int i = 0; KEYS[i]; i++)
		if (json_object_get(j, KEYS[i]) == NULL)
			fail_msg("no %s in %.*s", KEYS[i], (int)b.len, b.data);
	assert_int_equal(json_object_size(j), 15);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "suspended");
	assert_string_equal(json_string_value(json_object_get(j, "holder")),
	                    "拉萨青稞食品有限公司");
	assert_string_equal(json_string_value(json_object_get(j, "holder_code")), HOLDER_A);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "food");
	assert_string_equal(json_string_value(json_object_get(j, "valid_until")), "2030-01-01");
	assert_string_equal(json_string_value(json_object_get(j, "checked_at")), today);
	json_t *c0 = json_array_get(json_object_get(j, "categories"), 0);
	assert_string_equal(json_string_value(json_object_get(c0, "code")), "101");
	assert_string_equal(json_string_value(json_object_get(c0, "name_zh")), "粮食加工品");
	assert_nothing_private(&b);
	json_decref(j);

	/* The industrial number's URL is percent-encoded, its parentheses kept. */
	buf_reset(&b);
	assert_int_equal(public_licence_read(db, "(藏)XK13-001-00012", &a, &l), SVC_OK);
	json_licence(&b, &l, 0);
	j = json_loadb(b.data, b.len, 0, NULL);
	assert_non_null(j);
	const char *url = json_string_value(json_object_get(j, "url"));
	assert_non_null(strstr(url, "/v/(%E8%97%8F)XK13-001-00012"));
	assert_null(json_object_get(j, "checked_at"));
	json_decref(j);

	/* Unknown: the shape with status unknown and nulls. */
	buf_reset(&b);
	assert_int_equal(public_licence_read(db, "SC99954010200017", &a, &l), SVC_NOT_FOUND);
	json_licence(&b, &l, 1);
	j = json_loadb(b.data, b.len, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "unknown");
	assert_string_equal(json_string_value(json_object_get(j, "licence_no")),
	                    "SC99954010200017");
	assert_true(json_is_null(json_object_get(j, "holder")));
	assert_int_equal(json_array_size(json_object_get(j, "categories")), 0);
	json_decref(j);
	buf_free(&b);
	arena_free(&a);
}

static void test_html(void **state)
{
	(void)state;
	struct arena a = {0};
	struct public_licence l;
	struct buf b = {0};
	static const struct {
		const char *no, *banner;
	} CASES[] = {
	    {"SC10154010200017", "许可证有效"},     {"SC10154010200025", "许可证已暂停"},
	    {"SC10354020100011", "许可证已被撤销"}, {"SC10154010200033", "许可证已超过有效期"},
	    {"(藏)XK13-001-00012", "许可证已注销"}, {"SC10154010200058", "SC10154010200066"},
	};
	for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
		buf_reset(&b);
		assert_int_equal(public_licence_read(db, CASES[i].no, &a, &l), SVC_OK);
		html_page(&b, &l);
		char *s = strndup(b.data, b.len);
		if (strstr(s, CASES[i].banner) == NULL)
			fail_msg("%s: no \"%s\" in the page", CASES[i].no, CASES[i].banner);
		assert_non_null(strstr(s, "<!DOCTYPE html>"));
		assert_non_null(strstr(s, "lang=\"bo\""));
		assert_non_null(l.cat[0].name_zh);
		assert_non_null(strstr(s, l.cat[0].name_zh));
		assert_non_null(strstr(s, "西藏自治区市场监督管理局"));
		free(s);
		assert_nothing_private(&b);
	}
	/* The reason of a revocation is shown; text is escaped. */
	buf_reset(&b);
	assert_int_equal(public_licence_read(db, "SC10354020100011", &a, &l), SVC_OK);
	l.holder_name = "<b>&\"";
	html_page(&b, &l);
	char *s = strndup(b.data, b.len);
	assert_non_null(strstr(s, "以欺骗手段取得许可"));
	assert_non_null(strstr(s, "&lt;b&gt;&amp;&quot;"));
	assert_null(strstr(s, "<b>&\""));
	free(s);
	buf_free(&b);
	arena_free(&a);
}

/* The list's parameters from a NULL-terminated table of name, value pairs. */
static const char *table_param(void *ctx, const char *name)
{
	for (const char *const *p = ctx; *p; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

/* Runs the list with params; returns its JSON (the caller json_decref's it). */
static json_t *list_of(const char *const *params)
{
	struct arena a = {0};
	struct list_query lq;
	struct field_error err = {0};
	if (list_query_read(table_param, (void *)params, &a, &lq, &err) != SVC_OK)
		fail_msg("parameters refused: %s: %s", err.field, err.message);
	struct buf b = {0};
	assert_int_equal(list_write(db, &lq, today_china(), &a, &b), SVC_OK);
	json_t *j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_nothing_private(&b);
	buf_free(&b);
	arena_free(&a);
	return j;
}

/* The numbers of a list's items, joined by spaces. */
static void numbers_are(const char *const *params, const char *want)
{
	json_t *j = list_of(params);
	char got[1024] = "";
	json_t *items = json_object_get(j, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		snprintf(
		    got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "",
		    json_string_value(json_object_get(json_array_get(items, i), "licence_no")));
	if (strcmp(got, want) != 0)
		fail_msg("got \"%s\", expected \"%s\"", got, want);
	json_decref(j);
}

static void test_list_filters(void **state)
{
	(void)state;
	const char *const ALL[] = {NULL};
	numbers_are(ALL, "(藏)XK13-001-00012 SC10154010200017 SC10154010200025 SC10154010200033 "
	                 "SC10154010200041 SC10154010200058 SC10154010200066 SC10154010200074 "
	                 "SC10354020100011");
	const char *const NAME[] = {"q", "酥油", NULL};
	numbers_are(NAME, "SC10354020100011");
	const char *const PREFIX[] = {"q", "sc103", NULL};
	numbers_are(PREFIX, "SC10354020100011");
	const char *const PREFIX_XK[] = {"q", "（藏）XK13", NULL};
	numbers_are(PREFIX_XK, "(藏)XK13-001-00012");
	const char *const WHOLE[] = {"q", "SC10154010200025", NULL};
	numbers_are(WHOLE, "SC10154010200025");
	const char *const HOLDER[] = {"q", HOLDER_B, NULL};
	numbers_are(HOLDER, "(藏)XK13-001-00012 SC10354020100011");
	const char *const KIND[] = {"kind", "industrial", NULL};
	numbers_are(KIND, "(藏)XK13-001-00012");
	const char *const CAT[] = {"category", "103", NULL};
	numbers_are(CAT, "SC10154010200017 SC10354020100011");
	const char *const REGION[] = {"region", "540200", NULL};
	numbers_are(REGION, "(藏)XK13-001-00012 SC10354020100011");
	const char *const COUNTY[] = {"region", "540102", "status", "valid", NULL};
	numbers_are(COUNTY, "SC10154010200017 SC10154010200041 SC10154010200066");
	const char *const EXPIRED[] = {"status", "expired", NULL};
	numbers_are(EXPIRED, "SC10154010200033 SC10154010200074");
	const char *const NONE[] = {"q", "没有这家企业", NULL};
	numbers_are(NONE, "");

	/* An item has the verification's shape and the public status. */
	const char *const ONE[] = {"q", "SC10154010200033", NULL};
	json_t *j = list_of(ONE);
	json_t *it = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(it, "status")), "expired");
	assert_string_equal(json_string_value(json_object_get(it, "status_on")), today);
	assert_true(json_is_null(json_object_get(j, "next_cursor")));
	assert_string_equal(json_string_value(json_object_get(j, "checked_at")), today);
	json_decref(j);
}

static void test_list_pages(void **state)
{
	(void)state;
	/* Pages of 2 cover all 9 in order, each once. */
	char cursor[PUBLIC_CURSOR_MAX + 1] = "";
	char seen[1024] = "";
	int pages = 0;
	for (;;) {
		const char *const P[] = {"limit", "2", "cursor", cursor, NULL};
		json_t *j = list_of(P);
		json_t *items = json_object_get(j, "items");
		assert_true(json_array_size(items) <= 2);
		for (size_t i = 0; i < json_array_size(items); i++)
			snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s ",
			         json_string_value(
			             json_object_get(json_array_get(items, i), "licence_no")));
		pages++;
		json_t *next = json_object_get(j, "next_cursor");
		if (json_is_null(next)) {
			json_decref(j);
			break;
		}
		snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
		json_decref(j);
		assert_true(pages < 10);
	}
	assert_int_equal(pages, 5);
	assert_string_equal(seen, "(藏)XK13-001-00012 SC10154010200017 SC10154010200025 "
	                          "SC10154010200033 SC10154010200041 SC10154010200058 "
	                          "SC10154010200066 SC10154010200074 SC10354020100011 ");
	/* With a prefix: the cursor continues inside it. */
	const char *const P1[] = {"q", "SC1015401020", "limit", "3", NULL};
	json_t *j = list_of(P1);
	snprintf(cursor, sizeof cursor, "%s", json_string_value(json_object_get(j, "next_cursor")));
	json_decref(j);
	const char *const P2[] = {"q", "SC1015401020", "limit", "3", "cursor", cursor, NULL};
	numbers_are(P2, "SC10154010200041 SC10154010200058 SC10154010200066");
}

static void test_list_bad_params(void **state)
{
	(void)state;
	static const struct {
		const char *name, *value;
	} BAD[] = {
	    {"kind", "drugs"},     {"category", "1,2"}, {"region", "123"}, {"region", "999999"},
	    {"status", "unknown"}, {"limit", "0"},      {"limit", "101"},  {"cursor", "zz"},
	    {"cursor", "abc"},     {"cursor", "00"},    {"q", "\xff\xfe"},
	};
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		const char *const P[] = {BAD[i].name, BAD[i].value, NULL};
		struct arena a = {0};
		struct list_query lq;
		struct field_error err = {0};
		if (list_query_read(table_param, (void *)P, &a, &lq, &err) != SVC_INVALID)
			fail_msg("%s=%s accepted", BAD[i].name, BAD[i].value);
		assert_string_equal(err.field, BAD[i].name);
		arena_free(&a);
	}
	char q[LC_PUBLIC_QUERY_MAX + 2];
	memset(q, 'a', sizeof q - 1);
	q[sizeof q - 1] = '\0';
	const char *const P[] = {"q", q, NULL};
	struct arena a = {0};
	struct list_query lq;
	struct field_error err = {0};
	assert_int_equal(list_query_read(table_param, (void *)P, &a, &lq, &err), SVC_INVALID);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_number_normalize),
	    cmocka_unit_test(test_statuses),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_list_filters),
	    cmocka_unit_test(test_list_pages),
	    cmocka_unit_test(test_list_bad_params),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

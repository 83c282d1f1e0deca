/*
 * The sampling catalogue and plans: the two data files compiled in parse and pass every check
 * (each product item a known item, each rule with the limits it needs, range lo <= hi by an
 * exact decimal comparison); broken copies of them are refused naming the line; the seed
 * writes what the files say, once, and leaves an administrator's change alone; products read
 * back with their items; and the rules of plans and tasks (jurisdiction, the plan's region,
 * drafts only, approval with a task) hold through the service functions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/labs.h"
#include "modules/sampling/plans.h"
#include "platform/db.h"
#include "platform/embed.h"
#include "platform/migrate.h"
#include "tempdb.h"

static const struct actor ALL = {.name = "test", .all_regions = 1};
static const struct actor SHIGATSE = {
    .name = "shigatse", .nranges = 1, .lo = {540200}, .hi = {540299}};
static const struct actor REGION = {.name = "region", .nranges = 1, .lo = {540000}, .hi = {549999}};
static const struct actor FIRM = {.name = "firm", .entity_code = "91540000000000000X"};

/* ---- Decimals ----------------------------------------------------------------------------- */

static void test_decimal_valid(void **state)
{
	(void)state;
	static const char *const GOOD[] = {"0", "300", "0.005", "-5.5", "1000", "14.0", NULL};
	static const char *const BAD[] = {"",   "-",   ".5",   "5.",    "1e3", "+1", " 1",
	                                  "1 ", "1,5", "0x10", "1.2.3", "--1", NULL};
	for (int i = 0; GOOD[i]; i++)
		assert_true(sp_decimal_valid(GOOD[i]));
	for (int i = 0; BAD[i]; i++)
		assert_false(sp_decimal_valid(BAD[i]));
	assert_false(sp_decimal_valid(NULL));
	assert_false(sp_decimal_valid("1234567890123456789012345678901")); /* 31 digits */
}

static void test_decimal_cmp(void **state)
{
	(void)state;
	assert_int_equal(sp_decimal_cmp("1.5", "1.50"), 0);
	assert_int_equal(sp_decimal_cmp("0010", "10"), 0);
	assert_int_equal(sp_decimal_cmp("-0", "0"), 0);
	assert_int_equal(sp_decimal_cmp("0.0", "-0.00"), 0);
	assert_int_equal(sp_decimal_cmp("0.1", "0.09"), 1);
	assert_int_equal(sp_decimal_cmp("9", "10"), -1);
	assert_int_equal(sp_decimal_cmp("-5.5", "5.5"), -1);
	assert_int_equal(sp_decimal_cmp("-5.5", "-5.4"), -1);
	assert_int_equal(sp_decimal_cmp("-10", "-9"), -1);
	assert_int_equal(sp_decimal_cmp("300", "299.999999"), 1);
	/* Beyond double precision: still exact. */
	assert_int_equal(sp_decimal_cmp("0.10000000000000000001", "0.1"), 1);
}

/* ---- The data files ----------------------------------------------------------------------- */

static const struct embedded_file *items_file(void)
{
	const struct embedded_file *f = embed_find("data/sampling-items.tsv");
	assert_non_null(f);
	return f;
}

static const struct embedded_file *products_file(void)
{
	const struct embedded_file *f = embed_find("data/sampling-products.tsv");
	assert_non_null(f);
	return f;
}

static void test_files_pass(void **state)
{
	(void)state;
	char why[300] = "";
	const struct embedded_file *it = items_file(), *pr = products_file();
	int rc = sp_catalogue_check(it->data, it->len, pr->data, pr->len, why, sizeof why);
	if (rc != 0)
		fail_msg("%s", why);
}

/* Checks the products file with the first occurrence of from replaced by to; returns the
 * reason (static) or NULL when it passes. */
static const char *products_with(const char *from, const char *to)
{
	static char why[300];
	const struct embedded_file *it = items_file(), *pr = products_file();
	const char *at = strstr(pr->data, from);
	assert_non_null(at);
	struct buf b = {0};
	buf_append(&b, pr->data, (size_t)(at - pr->data));
	buf_puts(&b, to);
	buf_puts(&b, at + strlen(from));
	why[0] = '\0';
	int rc = sp_catalogue_check(it->data, it->len, b.data, b.len, why, sizeof why);
	buf_free(&b);
	return rc == 0 ? NULL : why;
}

static const char *items_with(const char *from, const char *to)
{
	static char why[300];
	const struct embedded_file *it = items_file(), *pr = products_file();
	const char *at = strstr(it->data, from);
	assert_non_null(at);
	struct buf b = {0};
	buf_append(&b, it->data, (size_t)(at - it->data));
	buf_puts(&b, to);
	buf_puts(&b, at + strlen(from));
	why[0] = '\0';
	int rc = sp_catalogue_check(b.data, b.len, pr->data, pr->len, why, sizeof why);
	buf_free(&b);
	return rc == 0 ? NULL : why;
}

static void assert_refused(const char *why, const char *expect)
{
	assert_non_null(why);
	if (strstr(why, expect) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", expect, why);
}

static void test_files_broken(void **state)
{
	(void)state;
	/* The same replacement with itself passes: the harness changes nothing else. */
	assert_null(products_with("BRICK_TEA\tFLUORIDE", "BRICK_TEA\tFLUORIDE"));
	assert_refused(products_with("BRICK_TEA\tFLUORIDE", "BRICK_TEA\tFLUORINE"),
	               "is not in data/sampling-items.tsv");
	assert_refused(products_with("\trange\t-5.5\t5.5\t", "\trange\t5.6\t5.5\t"),
	               "lo must not be greater than hi");
	assert_null(products_with("\trange\t-5.5\t5.5\t", "\trange\t5.50\t5.5\t"));
	assert_refused(products_with("\tmax\t\t300\t", "\tmax\t\t3e2\t"),
	               "hi must be a decimal number");
	assert_refused(products_with("\tmax\t\t300\t", "\tmax\t\t\t"), "hi must be a decimal");
	assert_refused(products_with("\tmax\t\t300\t", "\tmax\t1\t300\t"), "this rule has no lo");
	assert_refused(products_with("\tmin\t40.0\t\t", "\tmin\t\t40.0\t"), "lo must be");
	assert_refused(products_with("\tequals\t\t\tpass\t", "\tequals\t\t\t\t"),
	               "equals needs expected");
	assert_refused(products_with("\tmax\t\t300\t\t", "\tequals\t\t\tpass\t"),
	               "equals is the rule of qualitative items");
	assert_refused(products_with("\tmax\t\t300\t", "\tat_most\t\t300\t"), "rule must be");
	assert_refused(products_with("\tfood\tC\t", "\tfood\tc\t"), "GB/T 4754 section letter");
	assert_refused(products_with("\tfood\tC\t", "\tsnacks\tC\t"), "category must be");
	assert_refused(products_with("\tmedium\t", "\tsevere\t"), "risk must be");
	assert_refused(products_with("BRICK_TEA\tFLUORIDE", "RICE\tFLUORIDE"),
	               "must follow the lines of its product");
	assert_refused(products_with("BRICK_TEA\tPB", "BRICK_TEA\tFLUORIDE"), "given twice");
	assert_refused(products_with("product\titem", "product\titems"), "the header must be");
	/* A line number is named. */
	assert_refused(products_with("BRICK_TEA\tFLUORIDE", "BRICK_TEA\tFLUORINE"),
	               "data/sampling-products.tsv line ");

	assert_refused(items_with("\nCD\t", "\nPB\t"), "the code is given twice");
	assert_refused(items_with("\tnumeric\tGB/T 21728-2008", "\tcounted\tGB/T 21728-2008"),
	               "kind must be numeric or qualitative");
	assert_refused(items_with("\tLabel\t\tqualitative", "\tLabel\tpcs\tqualitative"),
	               "a qualitative item has no unit");
}

/* ---- The seed ----------------------------------------------------------------------------- */

struct fx {
	struct tempdb tmp;
	struct db *db;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	if (x == NULL || tempdb_make(&x->tmp, "sp_catalogue") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	db_close(x->db);
	tempdb_remove(&x->tmp);
	free(x);
	return 0;
}

static int64_t count(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n;
}

/* Lines of f that are not the header and not empty, and those whose column col is empty. */
static void file_lines(const struct embedded_file *f, int col, int *lines, int *empty_col)
{
	*lines = *empty_col = 0;
	const char *p = f->data, *end = f->data + f->len;
	int first = 1;
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *e = lf ? lf : end;
		if (e > p && !first) {
			(*lines)++;
			const char *c = p;
			for (int k = 0; k < col && c; k++) {
				c = memchr(c, '\t', (size_t)(e - c));
				if (c)
					c++;
			}
			if (c && (c == e || *c == '\t'))
				(*empty_col)++;
		}
		first = 0;
		p = e + 1;
	}
}

static void test_seed(void **state)
{
	struct fx *x = *state;
	int item_lines, unused, product_lines, product_rows;
	file_lines(items_file(), 0, &item_lines, &unused);
	file_lines(products_file(), 1, &product_lines, &product_rows);
	assert_true(item_lines > 40);
	assert_true(product_rows >= 12);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_test_item"), item_lines);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_product"), product_rows);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_product_item"),
	                 product_lines - product_rows);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_product WHERE industry NOT "
	                              "BETWEEN 'A' AND 'T' OR length(industry) <> 1"),
	                 0);

	/* Seeding again adds nothing, and keeps an administrator's change. */
	assert_int_equal(db_exec(x->db, "UPDATE sp_product_item SET hi = '250' WHERE item_code = "
	                                "'FLUORIDE'"),
	                 0);
	assert_int_equal(sp_seed(x->db), 0);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_product"), product_rows);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_product_item"),
	                 product_lines - product_rows);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_product_item WHERE hi = '250'"), 1);

	/* A product deleted by hand comes back with its items. */
	assert_int_equal(db_exec(x->db, "DELETE FROM sp_product_item WHERE product_id = (SELECT "
	                                "id FROM sp_product WHERE code = 'RICE'); DELETE FROM "
	                                "sp_product WHERE code = 'RICE'"),
	                 0);
	assert_int_equal(sp_seed(x->db), 0);
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_product_item WHERE product_id = "
	                              "(SELECT id FROM sp_product WHERE code = 'RICE')"),
	                 6);
}

static void test_product_get(void **state)
{
	struct fx *x = *state;
	struct arena a = {0};
	struct sp_product p;
	assert_int_equal(sp_product_get(x->db, 0, "BRICK_TEA", &a, &p), SVC_OK);
	assert_string_equal(p.industry, "C");
	assert_string_equal(p.category, "food");
	assert_int_equal(p.nitems, 3);
	assert_string_equal(p.items[0].item_code, "FLUORIDE");
	assert_string_equal(p.items[0].rule, "max");
	assert_string_equal(p.items[0].hi, "300");
	assert_null(p.items[0].lo);
	assert_string_equal(p.items[0].unit, "mg/kg");
	assert_string_equal(p.items[1].item_code, "LABEL");
	assert_string_equal(p.items[1].kind, "qualitative");
	assert_string_equal(p.items[1].expected, "pass");
	assert_null(p.items[1].unit);
	assert_string_equal(p.items[2].item_code, "PB");
	for (int i = 1; i < p.nitems; i++)
		assert_true(strcmp(p.items[i - 1].item_code, p.items[i].item_code) < 0);

	struct sp_product q;
	assert_int_equal(sp_product_get(x->db, p.id, NULL, &a, &q), SVC_OK);
	assert_string_equal(q.code, "BRICK_TEA");
	assert_int_equal(sp_product_get(x->db, 0, "NO_SUCH", &a, &q), SVC_NOT_FOUND);
	assert_int_equal(sp_product_get(x->db, 1, NULL, &a, &q), SVC_NOT_FOUND);
	arena_free(&a);
}

static void test_labs(void **state)
{
	struct fx *x = *state;
	struct arena a = {0};
	struct record in, out;
	struct field_error err;
	record_init(&in, &SP_LAB_TYPE);
	record_set_str(&in, &a, SL_CODE, "CMA 123456");
	record_set_str(&in, &a, SL_NAME, "西藏自治区产品质量监督检验所");
	record_set_int(&in, &a, SL_REGION_CODE, 540102);
	record_set_str(&in, &a, SL_ORG_UNIT, "540000-LAB1");
	record_set_str(&in, &a, SL_ACCREDITED_UNTIL, "2030-12-31");
	in.present = (1u << SL_CODE) | (1u << SL_NAME) | (1u << SL_REGION_CODE) |
	             (1u << SL_ORG_UNIT) | (1u << SL_ACCREDITED_UNTIL);
	assert_int_equal(sp_lab_create(x->db, &ALL, &in, &a, &out, &err), SVC_OK);
	int64_t id = record_int_of(out.v[SL_ID]);
	struct record dup;
	assert_int_equal(sp_lab_create(x->db, &ALL, &in, &a, &dup, &err), SVC_CONFLICT);
	assert_string_equal(err.field, "code");

	static const char *const SCOPE[] = {"PB", "FLUORIDE"};
	assert_int_equal(sp_lab_scope_set(x->db, &ALL, id, SCOPE, 2, 1, &err), SVC_OK);
	assert_int_equal(sp_lab_covers(x->db, id, "PB"), 1);
	assert_int_equal(sp_lab_covers(x->db, id, "CD"), 0);
	static const char *const BAD[] = {"CD", "NOPE"};
	assert_int_equal(sp_lab_scope_set(x->db, &ALL, id, BAD, 2, 0, &err), SVC_INVALID);
	assert_string_equal(err.field, "items");
	assert_non_null(strstr(err.message, "NOPE"));
	assert_int_equal(sp_lab_covers(x->db, id, "CD"), 0); /* nothing written */
	assert_int_equal(sp_lab_scope_set(x->db, &ALL, id, SCOPE, 2, 1, &err), SVC_STALE);

	struct sp_lab_info info;
	assert_int_equal(sp_lab_info(x->db, id, &a, &info), SVC_OK);
	assert_string_equal(info.org_unit, "540000-LAB1");
	assert_int_equal(info.accredited_until, record_day_of("2030-12-31"));
	assert_int_equal(sp_lab_info(x->db, id + 1000, &a, &info), SVC_NOT_FOUND);
	arena_free(&a);
}

/* ---- Plans -------------------------------------------------------------------------------- */

static void plan_input(struct record *r, struct arena *a, int region)
{
	record_init(r, &SP_PLAN_TYPE);
	record_set_int(r, a, SPL_YEAR, 2026);
	record_set_str(r, a, SPL_TITLE, "2026 年监督抽查计划");
	record_set_int(r, a, SPL_REGION_CODE, region);
	r->present = (1u << SPL_YEAR) | (1u << SPL_TITLE) | (1u << SPL_REGION_CODE);
}

static void test_plan_rules(void **state)
{
	(void)state;
	struct arena a = {0};
	struct record r;
	struct field_error err;
	plan_input(&r, &a, 540100);
	record_set_str(&r, &a, SPL_BUDGET_YUAN, "0");
	assert_int_equal(sp_plan_rules_check(&SHIGATSE, &r, &err), -1);
	assert_string_equal(err.field, "region_code");
	assert_string_equal(err.code, "out_of_scope");
	assert_int_equal(sp_plan_rules_check(&REGION, &r, &err), 0);
	assert_int_equal(sp_plan_rules_check(&FIRM, &r, &err), -1);
	record_set_int(&r, &a, SPL_REGION_CODE, 540202);
	assert_int_equal(sp_plan_rules_check(&SHIGATSE, &r, &err), 0);
	record_set_int(&r, &a, SPL_BUDGET_YUAN, -1);
	assert_int_equal(sp_plan_rules_check(&SHIGATSE, &r, &err), -1);
	assert_string_equal(err.field, "budget_yuan");

	assert_int_equal(sp_task_rules_check(540000, 540202, 1, &err), 0);
	assert_int_equal(sp_task_rules_check(540200, 540200, 3, &err), 0);
	assert_int_equal(sp_task_rules_check(540200, 540102, 3, &err), -1);
	assert_string_equal(err.field, "region_code");
	assert_int_equal(sp_task_rules_check(540202, 540200, 3, &err), -1);
	assert_int_equal(sp_task_rules_check(540200, 540202, 0, &err), -1);
	assert_string_equal(err.field, "planned");

	/* A prefecture sees its own plans, those below, and the regional plan above it. */
	assert_true(sp_plan_visible(&SHIGATSE, 540000));
	assert_true(sp_plan_visible(&SHIGATSE, 540200));
	assert_true(sp_plan_visible(&SHIGATSE, 540221));
	assert_false(sp_plan_visible(&SHIGATSE, 540100));
	assert_false(sp_plan_visible(&SHIGATSE, 630000));
	assert_true(sp_plan_visible(&REGION, 540100));
	assert_false(sp_plan_visible(&FIRM, 540000));
	arena_free(&a);
}

static void test_plan_service(void **state)
{
	struct fx *x = *state;
	struct arena a = {0};
	struct record in;
	struct sp_plan p, q;
	struct field_error err;
	plan_input(&in, &a, 540100);
	assert_int_equal(sp_plan_create(x->db, &SHIGATSE, &in, NULL, 0, &a, &p, &err), SVC_INVALID);
	assert_string_equal(err.field, "region_code");
	static const char *const NOLAB[] = {"999"};
	plan_input(&in, &a, 540000);
	assert_int_equal(sp_plan_create(x->db, &REGION, &in, NOLAB, 1, &a, &p, &err), SVC_INVALID);
	assert_string_equal(err.field, "labs");
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_plan"), 0);

	int64_t audits = count(x->db, "SELECT count(*) FROM audit_log");
	assert_int_equal(sp_plan_create(x->db, &REGION, &in, NULL, 0, &a, &p, &err), SVC_OK);
	assert_string_equal(p.r.v[SPL_STATUS], "draft");
	assert_string_equal(p.r.v[SPL_WEIGHTED], "0");
	assert_int_equal(count(x->db, "SELECT count(*) FROM audit_log"), audits + 1);
	int64_t id = record_int_of(p.r.v[SPL_ID]);

	assert_int_equal(sp_plan_approve(x->db, &REGION, id, 0, &a, &q, &err), SVC_CONFLICT);
	assert_string_equal(err.code, "no_tasks");

	struct record t, tout;
	record_init(&t, &SP_TASK_TYPE);
	record_set_str(&t, &a, STK_PRODUCT, "BRICK_TEA");
	record_set_int(&t, &a, STK_REGION_CODE, 540202);
	record_set_int(&t, &a, STK_PLANNED, 4);
	t.present = (1u << STK_PRODUCT) | (1u << STK_REGION_CODE) | (1u << STK_PLANNED);
	/* Shigatse sees the regional plan but may not add to it. */
	assert_int_equal(sp_task_create(x->db, &SHIGATSE, id, &t, &a, &tout, &err), SVC_FORBIDDEN);
	assert_int_equal(sp_task_create(x->db, &REGION, id, &t, &a, &tout, &err), SVC_OK);
	assert_int_equal(sp_task_create(x->db, &REGION, id, &t, &a, &tout, &err), SVC_CONFLICT);
	assert_string_equal(err.code, "duplicate");
	record_set_str(&t, &a, STK_PRODUCT, "NOPE");
	assert_int_equal(sp_task_create(x->db, &REGION, id, &t, &a, &tout, &err), SVC_INVALID);
	assert_string_equal(err.field, "product");
	assert_int_equal(count(x->db, "SELECT count(*) FROM sp_task"), 1);

	struct sp_task_info ti;
	int64_t task = count(x->db, "SELECT id FROM sp_task");
	assert_int_equal(sp_task_get(x->db, &SHIGATSE, task, &a, &ti), SVC_OK);
	assert_int_equal(ti.plan_id, id);
	assert_int_equal(ti.plan_region, 540000);
	assert_int_equal(ti.plan_year, 2026);
	assert_string_equal(ti.plan_status, "draft");
	assert_string_equal(ti.product_code, "BRICK_TEA");
	assert_int_equal(ti.region_code, 540202);
	assert_int_equal(ti.planned, 4);
	static const struct actor LHASA = {
	    .name = "lhasa", .nranges = 1, .lo = {540100}, .hi = {540199}};
	assert_int_equal(sp_task_get(x->db, &LHASA, task, &a, &ti), SVC_NOT_FOUND);
	assert_int_equal(sp_task_get(x->db, &FIRM, task, &a, &ti), SVC_NOT_FOUND);
	assert_int_equal(sp_task_get(x->db, &ALL, task + 1000, &a, &ti), SVC_NOT_FOUND);

	assert_int_equal(sp_plan_approve(x->db, &REGION, id, 7, &a, &q, &err), SVC_STALE);
	assert_int_equal(sp_plan_approve(x->db, &REGION, id, 1, &a, &q, &err), SVC_OK);
	assert_string_equal(q.r.v[SPL_STATUS], "approved");
	assert_string_equal(q.r.v[SPL_VERSION], "2");
	struct record patch;
	record_init(&patch, &SP_PLAN_TYPE);
	record_set_str(&patch, &a, SPL_TITLE, "改");
	patch.present = 1u << SPL_TITLE;
	assert_int_equal(sp_plan_update(x->db, &REGION, id, &patch, NULL, -1, 0, &a, &q, &err),
	                 SVC_CONFLICT);
	assert_string_equal(err.code, "not_draft");
	record_set_str(&t, &a, STK_PRODUCT, "RICE");
	assert_int_equal(sp_task_create(x->db, &REGION, id, &t, &a, &tout, &err), SVC_CONFLICT);
	assert_int_equal(sp_task_get(x->db, &ALL, task, &a, &ti), SVC_OK);
	assert_string_equal(ti.plan_status, "approved");
	arena_free(&a);
}

int main(void)
{
	if (tempdb_load_regions() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decimal_valid),
	    cmocka_unit_test(test_decimal_cmp),
	    cmocka_unit_test(test_files_pass),
	    cmocka_unit_test(test_files_broken),
	    cmocka_unit_test_setup_teardown(test_seed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_product_get, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_labs, setup, teardown),
	    cmocka_unit_test(test_plan_rules),
	    cmocka_unit_test_setup_teardown(test_plan_service, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of the special-equipment demo (src/modules/equipment/demo.c): the small demo
 * loaded into a temporary database over the 5,000 demo enterprises gives the expected counts
 * and mixes; every unit's next_due (and every inspection's) is what the rules give when its
 * history is replayed as eq_inspection_add would; device and registration codes are unique and
 * well formed; every value passes the unit field table; the tallies equal the obvious count
 * right after the load; the same seed gives the same data and a second run writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "modules/equipment/demo.h"
#include "modules/equipment/rules.h"
#include "modules/equipment/tally.h"
#include "modules/equipment/units.h"
#include "modules/regions/service.h"
#include "modules/registry/demo.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "tempdb.h"

#define ENTERPRISES 5000 /* as `jinzhi demo --scale small` */
#define SEED        1

static const struct actor ALL = {.name = "test", .all_regions = 1};

struct fx {
	struct tempdb tmp;
	struct db *db;
	struct eq_demo_report rep;
	int32_t today;
	double seconds; /* the equipment load */
};

static struct fx fx;

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A migrated database at t with the demo enterprises of seed loaded, as `jinzhi demo` does. */
static int open_with_enterprises(struct tempdb *t, const char *name, uint64_t seed, struct db **out)
{
	struct db *db;
	if (tempdb_make(t, name) != 0 || db_open(t->path, DB_OPEN_CREATE, &db) != 0 ||
	    migrate_run(db, 0, 0) != 0 || regions_load(db) != 0)
		return -1;
	size_t nregions;
	const struct region *regions = regions_all(&nregions);
	struct registry_demo *d = registry_demo_new(seed, regions, nregions);
	struct buf b = {0};
	struct arena a = {0};
	record_type_write_csv_header(&ENTERPRISE_TYPE, &b);
	for (uint64_t i = 0; i < ENTERPRISES; i++) {
		struct record r;
		record_init(&r, &ENTERPRISE_TYPE);
		registry_demo_enterprise(d, &r, &a, i);
		record_write_csv(&r, &b);
	}
	registry_demo_free(d);
	struct actor who = {.name = "demo", .all_regions = 1};
	struct registry_import_options opt = {REG_IMPORT_ALL_OR_NOTHING, 0, TEXT_ENC_UTF8};
	struct registry_import_report rep;
	int rc = registry_import(db, &who, b.data, b.len, &opt, &a, &rep);
	buf_free(&b);
	arena_free(&a);
	if (rc != REG_OK || !rep.committed) {
		db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || open_with_enterprises(&fx.tmp, "eqdemo", SEED, &fx.db) != 0)
		return -1;
	fx.today = today_china();
	struct eq_demo_options o;
	eq_demo_options_init(&o, EQ_DEMO_SMALL, SEED, fx.today);
	double t0 = now_seconds();
	if (eq_demo_load(fx.db, &o, &fx.rep) != 0)
		return -1;
	fx.seconds = now_seconds() - t0;
	fprintf(stderr, "small equipment demo: %lld units, %lld inspections in %.2f s\n",
	        (long long)fx.rep.units, (long long)fx.rep.inspections, fx.seconds);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	db_close(fx.db);
	tempdb_remove(&fx.tmp);
	regions_free();
	return 0;
}

/* The single integer a query gives. */
static int64_t one(const char *sql)
{
	struct db_stmt *st = db_prepare_once(fx.db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t v = db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

static void today_text(int32_t offset, char out[11])
{
	date_format(fx.today + offset, out);
}

static void test_counts(void **state)
{
	(void)state;
	const struct eq_demo_report *r = &fx.rep;
	assert_int_equal(r->already, 0);
	assert_int_equal(r->units, 3000);
	assert_int_equal(one("SELECT count(*) FROM eq_unit"), r->units);
	assert_int_equal(one("SELECT count(*) FROM eq_unit WHERE status = 'in_use'"), r->in_use);
	assert_int_equal(one("SELECT count(*) FROM eq_unit WHERE reg_code IS NOT NULL"),
	                 r->registered);
	assert_int_equal(one("SELECT count(*) FROM eq_inspection"), r->inspections);
	assert_int_equal(one("SELECT count(*) FROM eq_defect"), r->defects);
	assert_int_equal(one("SELECT count(*) FROM eq_operator"), 1500);
	assert_int_equal(one("SELECT count(*) FROM eq_accident"), 40);
	assert_int_equal(one("SELECT count(*) FROM eq_cylinder_batch"), 200);
	assert_int_equal(one("SELECT count(*) FROM eq_campaign"), 3);
	assert_int_equal(one("SELECT count(*) FROM audit_log WHERE action = 'equipment.demo.load'"),
	                 1);

	/* Mostly in use, about 93 % registered, about 5 % of units in use overdue now. */
	assert_true(r->in_use * 100 > r->units * 85);
	assert_true(r->registered * 1000 > r->units * 900 && r->registered * 1000 < r->units * 960);
	char sql[300], t[11];
	today_text(0, t);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM eq_unit WHERE status = 'in_use' AND next_due < '%s'", t);
	assert_int_equal(one(sql), r->overdue);
	assert_true(r->overdue * 100 > r->in_use * 3 && r->overdue * 100 < r->in_use * 8);
	/* Several inspections per unit, a few failed and conditional ones with defects. */
	assert_true(r->inspections > r->units * 5);
	int64_t failed = one("SELECT count(*) FROM eq_inspection WHERE conclusion = 'fail'");
	int64_t cond = one("SELECT count(*) FROM eq_inspection WHERE conclusion = 'conditional'");
	assert_true(failed > 0 && failed * 100 < r->inspections * 5);
	assert_true(cond > 0 && cond * 100 < r->inspections * 10);
	assert_int_equal(one("SELECT count(*) FROM eq_inspection i WHERE conclusion <> 'pass' AND "
	                     "NOT EXISTS (SELECT 1 FROM eq_defect d WHERE d.inspection_id = i.id)"),
	                 0);
	assert_int_equal(one("SELECT count(*) FROM eq_defect d JOIN eq_inspection i ON i.id = "
	                     "d.inspection_id WHERE d.unit_id <> i.unit_id OR d.deadline < "
	                     "i.inspected_on OR d.rectified_on < i.inspected_on"),
	                 0);

	/* Every county of the demo registry, every prefecture, units at their users' county. */
	assert_int_equal(one("SELECT count(DISTINCT region_code) FROM eq_unit"),
	                 one("SELECT count(DISTINCT region_code) FROM enterprise WHERE status = "
	                     "'active'"));
	assert_int_equal(r->counties, one("SELECT count(DISTINCT region_code) FROM eq_unit"));
	assert_int_equal(one("SELECT count(DISTINCT region_code / 100) FROM eq_unit"), 7);
	assert_int_equal(one("SELECT count(*) FROM eq_unit u LEFT JOIN enterprise e ON "
	                     "e.credit_code = u.use_unit WHERE e.region_code IS NOT u.region_code "
	                     "OR e.status <> 'active'"),
	                 0);
	assert_int_equal(one("SELECT count(DISTINCT use_unit) FROM eq_unit"), r->use_units);

	/* Elevators most, then boilers, vessels, cranes; a few rides, ropeways, vehicles, pipes. */
	int64_t n[10];
	for (int c = 1; c <= 9; c++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM eq_unit WHERE category LIKE '%d%%'",
		         c);
		n[c] = one(sql);
	}
	assert_true(n[3] > n[1] && n[1] > n[2] && n[2] > n[4] && n[4] > n[5]);
	assert_true(n[6] > 0 && n[8] > 0 && n[9] > 0 && n[5] > 0);
	assert_true(n[6] < 50 && n[9] < 20);
	assert_int_equal(n[7], 0);
	/* Variants: tower cranes, non-metallic vessels... */
	assert_true(one("SELECT count(*) FROM eq_unit WHERE variant = 'tower'") > 0);
	assert_true(one("SELECT count(*) FROM eq_unit WHERE variant = 'nonmetal'") > 0);
	/* Elevators have their maintainers; the regional institute and its branches inspect. */
	assert_int_equal(one("SELECT count(*) FROM eq_unit WHERE category LIKE '3%' AND maintainer "
	                     "IS NULL"),
	                 0);
	assert_int_equal(one("SELECT count(*) FROM eq_unit WHERE category NOT LIKE '3%' AND "
	                     "maintainer IS NOT NULL"),
	                 0);
	assert_true(one("SELECT count(*) FROM eq_unit WHERE institution = "
	                "'西藏自治区特种设备检验研究院'") > 0);
	assert_int_equal(one("SELECT count(DISTINCT institution) FROM eq_unit WHERE institution "
	                     "LIKE '西藏自治区特种设备检验研究院%分院'"),
	                 7);
	/* Put into use over the last 25 years, made before. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM eq_unit WHERE commissioned_on > '%s' OR commissioned_on < "
	         "date('%s', '-26 years') OR manufactured_on > commissioned_on",
	         t, t);
	assert_int_equal(one(sql), 0);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM eq_inspection WHERE inspected_on > '%s' OR next_due < "
	         "inspected_on",
	         t);
	assert_int_equal(one(sql), 0);

	/* Operators: most certified, some expiring within 60 days, some expired, a few none. */
	char in60[11];
	today_text(60, in60);
	snprintf(
	    sql, sizeof sql,
	    "SELECT count(*) FROM eq_operator WHERE valid_until >= '%s' AND valid_until < '%s'", t,
	    in60);
	int64_t expiring = one(sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM eq_operator WHERE valid_until < '%s'", t);
	int64_t expired = one(sql);
	int64_t none = one("SELECT count(*) FROM eq_operator WHERE cert_no IS NULL");
	assert_int_equal(1500 - none, r->certified);
	assert_true(none > 0 && none < 100);
	assert_true(expiring > 20 && expiring < 150);
	assert_true(expired > 20 && expired < 150);
	assert_true(one("SELECT count(*) FROM eq_operator WHERE on_duty = 0") > 0);
	/* Accidents over three years, most closed with the four elements, some open. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM eq_accident WHERE occurred_on > '%s' OR occurred_on < "
	         "date('%s', '-3 years') OR reported_on < occurred_on",
	         t, t);
	assert_int_equal(one(sql), 0);
	assert_int_equal(one("SELECT count(*) FROM eq_accident WHERE status = 'closed'"),
	                 r->closed);
	assert_true(r->closed > 20 && r->closed < 40);
	assert_int_equal(
	    one("SELECT count(*) FROM eq_accident a JOIN eq_unit u ON u.id = a.unit_id "
	        "WHERE u.use_unit = a.use_unit AND u.region_code = a.region_code AND "
	        "u.category = a.category"),
	    40);
	/* Campaigns on LPG tank trucks, elevators and rides; cylinder batches at stations. */
	assert_int_equal(
	    one("SELECT count(*) FROM eq_campaign WHERE category IN ('2220', '3', '6') "
	        "AND starts_on <= ends_on"),
	    3);
	assert_int_equal(
	    one("SELECT count(*) FROM eq_campaign c WHERE NOT EXISTS (SELECT 1 FROM "
	        "eq_unit u WHERE u.status = 'in_use' AND u.category LIKE c.category || "
	        "'%')"),
	    0);
	assert_int_equal(one("SELECT count(*) FROM eq_cylinder_batch WHERE variant IS NULL OR "
	                     "next_due IS NULL OR category NOT LIKE '23%'"),
	                 0);
	assert_true(one("SELECT count(DISTINCT station) FROM eq_cylinder_batch") > 10);
	assert_true(one("SELECT count(*) FROM eq_cylinder_batch WHERE variant = 'lpg'") > 50);
}

/* ---- next_due replayed through the rules ------------------------------------------------- */

static int32_t day_or(const char *s)
{
	int32_t d;
	if (s == NULL || date_parse(s, strlen(s), &d) != 0)
		return -1;
	return d;
}

static char *dup_or_null(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : strdup(db_col_text(st, i, NULL));
}

/* Replays each unit's inspections in order exactly as eq_inspection_add moves a unit, from the
 * first due date eq_unit_create gives it, and compares every stored date with the result. */
static void test_next_due_follows_rules(void **state)
{
	(void)state;
	struct eq_rules rules;
	assert_int_equal(eq_rules_load(fx.db, &rules), 0);
	struct db_stmt *us = db_prepare_once(
	    fx.db,
	    "SELECT id, device_code, category, variant, commissioned_on, status, next_due, "
	    "inspections_done, last_inspected_on, last_conclusion, safety_grade FROM eq_unit "
	    "ORDER BY id");
	struct db_stmt *is = db_prepare_once(
	    fx.db,
	    "SELECT kind, inspected_on, conclusion, safety_grade, next_due FROM eq_inspection "
	    "WHERE unit_id = ? ORDER BY inspected_on, id");
	assert_non_null(us);
	assert_non_null(is);
	int64_t units = 0, in_use_checked = 0, inspections = 0;
	while (db_step(us) == DB_ROW) {
		char *device = strdup(db_col_text(us, 1, NULL));
		char *category = strdup(db_col_text(us, 2, NULL));
		char *variant = dup_or_null(us, 3);
		int32_t since = day_or(db_col_text(us, 4, NULL));
		int in_use = strcmp(db_col_text(us, 5, NULL), "in_use") == 0;
		int32_t stored_due = db_col_is_null(us, 6) ? -1 : day_or(db_col_text(us, 6, NULL));
		int64_t stored_done = db_col_int64(us, 7);
		char *stored_last = dup_or_null(us, 8), *stored_concl = dup_or_null(us, 9);
		int64_t stored_grade = db_col_is_null(us, 10) ? 0 : db_col_int64(us, 10);
		const struct eq_rule *rule = eq_rule_find(&rules, category, variant);
		assert_non_null(rule);
		int32_t due = -1;
		if (since < 0 || eq_first_due(rule, since, &due) != 0)
			due = -1;
		int done = 0, grade = 0;
		int32_t last = -1;
		char last_concl[16] = "";
		db_bind_int64(is, 1, db_col_int64(us, 0));
		while (db_step(is) == DB_ROW) {
			int periodic = strcmp(db_col_text(is, 0, NULL), "periodic") == 0;
			int32_t on = day_or(db_col_text(is, 1, NULL));
			unsigned concl = eq_conclusion_parse(db_col_text(is, 2, NULL));
			int g = db_col_is_null(is, 3) ? 0 : (int)db_col_int64(is, 3);
			int32_t stored =
			    db_col_is_null(is, 4) ? -1 : day_or(db_col_text(is, 4, NULL));
			assert_true(concl & rule->conclusions);
			if (periodic)
				assert_true(on >= since);
			done += periodic;
			int32_t given = -1;
			if (periodic || concl == EQ_FAIL) {
				struct eq_inspected in = {since >= 0 ? since : on, on, concl, g,
				                          done};
				const char *why = NULL;
				int32_t next;
				int k = eq_next_due(rule, &in, &next, &why);
				if (k < 0)
					fail_msg("%s on %s: %s", device, db_col_text(is, 1, NULL),
					         why);
				given = k == 0 ? next : -1;
				if (on >= last)
					due = given;
			}
			if (given != stored)
				fail_msg(
				    "%s: inspection of %s stores next_due %d, the rule gives %d",
				    device, db_col_text(is, 1, NULL), (int)stored, (int)given);
			if (on >= last) {
				last = on;
				snprintf(last_concl, sizeof last_concl, "%s",
				         db_col_text(is, 2, NULL));
				if (g)
					grade = g;
			}
			inspections++;
		}
		db_reset(is);
		if (due != stored_due)
			fail_msg("%s (%s, %s): next_due %d stored, %d from the rules", device,
			         category, in_use ? "in use" : "not in use", (int)stored_due,
			         (int)due);
		assert_int_equal(stored_done, done);
		assert_int_equal(stored_grade, grade);
		if (last >= 0) {
			char t[11];
			date_format(last, t);
			assert_non_null(stored_last);
			assert_string_equal(stored_last, t);
			assert_string_equal(stored_concl, last_concl);
		} else {
			assert_null(stored_last);
		}
		in_use_checked += in_use;
		units++;
		free(device);
		free(category);
		free(variant);
		free(stored_last);
		free(stored_concl);
	}
	db_finalize(us);
	db_finalize(is);
	eq_rules_free(&rules);
	assert_int_equal(units, fx.rep.units);
	assert_int_equal(in_use_checked, fx.rep.in_use);
	assert_int_equal(inspections, fx.rep.inspections);
}

/* ---- codes ------------------------------------------------------------------------------ */

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void test_codes(void **state)
{
	(void)state;
	assert_int_equal(one("SELECT count(DISTINCT device_code) FROM eq_unit"), fx.rep.units);
	assert_int_equal(one("SELECT count(DISTINCT reg_code) FROM eq_unit"), fx.rep.registered);
	int y, m, d;
	date_to_ymd(fx.today, &y, &m, &d);
	struct db_stmt *st = db_prepare_once(
	    fx.db,
	    "SELECT device_code, reg_code, reg_cert_no, registered_on, category, region_code, "
	    "manufactured_on FROM eq_unit");
	int64_t registered = 0;
	while (db_step(st) == DB_ROW) {
		const char *dev = db_col_text(st, 0, NULL), *cat = db_col_text(st, 4, NULL);
		int region = (int)db_col_int64(st, 5);
		assert_int_equal(strlen(dev), 18);
		assert_memory_equal(dev, cat, 4);
		assert_true(digits(dev + 4, 14));
		assert_memory_equal(dev + 9, db_col_text(st, 6, NULL), 4); /* year of manufacture */
		if (db_col_is_null(st, 1)) {
			assert_true(db_col_is_null(st, 2));
			assert_true(db_col_is_null(st, 3));
			continue;
		}
		registered++;
		const char *reg = db_col_text(st, 1, NULL);
		assert_int_equal(strlen(reg), 20);
		assert_true(digits(reg, 20));
		/* category (its top level where the code has a letter) */
		char top[5] = {cat[0], '0', '0', '0', 0};
		assert_true(memcmp(reg, cat, 4) == 0 || memcmp(reg, top, 4) == 0);
		/* the prefecture office of the unit's county */
		char office[16];
		snprintf(office, sizeof office, "%06d", region / 100 * 100);
		assert_memory_equal(reg + 4, office, 6);
		const struct region *r = regions_find(region / 100 * 100);
		assert_non_null(r);
		assert_int_equal(r->level, REGION_PREFECTURE);
		/* the month of registration, not in the future */
		const char *on = db_col_text(st, 3, NULL);
		assert_memory_equal(reg + 10, on, 4);
		assert_memory_equal(reg + 14, on + 5, 2);
		int ym = atoi((char[7]){reg[10], reg[11], reg[12], reg[13], reg[14], reg[15], 0});
		assert_true(ym <= y * 100 + m);
		int seq = atoi(reg + 16);
		assert_true(seq >= 1 && seq <= 9999);
		assert_false(db_col_is_null(st, 2));
	}
	db_finalize(st);
	assert_int_equal(registered, fx.rep.registered);
	assert_int_equal(one("SELECT count(DISTINCT cert_no) FROM eq_operator"),
	                 one("SELECT count(*) FROM eq_operator WHERE cert_no IS NOT NULL"));
}

/* ---- every value through the field table ------------------------------------------------- */

struct valid_check {
	struct arena a;
	int64_t n;
};

static int check_fields(void *ctx, const struct eq_unit *u)
{
	struct valid_check *c = ctx;
	struct record r;
	record_init(&r, &UNIT_TYPE);
	for (int i = 0; i < EU_NFIELDS; i++) {
		if (u->r.v[i] == NULL || (UNIT_TYPE.fields[i].flags & FF_READONLY))
			continue;
		struct field_error err;
		if (record_set_text(&r, &c->a, i, u->r.v[i], strlen(u->r.v[i]), &err) != 0)
			fail_msg("%s: %s = %s: %s", u->r.v[EU_DEVICE_CODE],
			         UNIT_TYPE.fields[i].name, u->r.v[i], err.message);
		assert_string_equal(r.v[i], u->r.v[i]);
		const char *cats = unit_field_categories(i);
		if (cats && strchr(cats, u->r.v[EU_CATEGORY][0]) == NULL)
			fail_msg("%s: %s does not apply to %s", u->r.v[EU_DEVICE_CODE],
			         UNIT_TYPE.fields[i].name, u->r.v[EU_CATEGORY]);
	}
	struct field_error err;
	if (record_check(&r, 0, &err) != 0)
		fail_msg("%s: %s", u->r.v[EU_DEVICE_CODE], err.message);
	c->n++;
	return 0;
}

static void test_values_valid(void **state)
{
	(void)state;
	struct valid_check c = {{0}, 0};
	struct eq_unit_filter f;
	struct field_error err;
	assert_int_equal(eq_unit_filter_parse(&f, &c.a, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	                                      NULL, NULL, NULL, "1000", NULL, &err),
	                 EQ_OK);
	for (;;) {
		const char *next = NULL;
		assert_int_equal(eq_unit_list(fx.db, &ALL, &f, &c.a, 1, check_fields, &c, &next),
		                 EQ_OK);
		if (next == NULL)
			break;
		f.has_cursor = 1;
		f.after_id = strtoll(next, NULL, 10);
	}
	assert_int_equal(c.n, fx.rep.units);
	arena_free(&c.a);
}

/* ---- the tallies ------------------------------------------------------------------------ */

#define MAX_GROUPS 128

struct seen {
	int n;
	int region[MAX_GROUPS];
	struct eq_rates r[MAX_GROUPS];
};

static int remember(void *ctx, int region, const struct eq_rates *r)
{
	struct seen *s = ctx;
	assert_true(s->n < MAX_GROUPS);
	s->region[s->n] = region;
	s->r[s->n++] = *r;
	return 0;
}

static int is_zero(const struct eq_rates *r)
{
	return !r->registration.den && !r->inspection.den && !r->operators.den &&
	       !r->accidents.den && !r->registration.num && !r->inspection.num &&
	       !r->operators.num && !r->accidents.num;
}

static void same_rates(const struct eq_rates_query *q, const char *what)
{
	struct seen a = {0}, b = {0};
	assert_int_equal(eq_tally_rates(fx.db, q, remember, &a), 0);
	assert_int_equal(eq_rates_obvious(fx.db, q, remember, &b), 0);
	struct seen *s[2] = {&a, &b};
	for (int k = 0; k < 2; k++) { /* groups where nothing counts may be left out */
		int w = 0;
		for (int i = 0; i < s[k]->n; i++)
			if (q->by == 0 || !is_zero(&s[k]->r[i])) {
				s[k]->region[w] = s[k]->region[i];
				s[k]->r[w++] = s[k]->r[i];
			}
		s[k]->n = w;
	}
	if (a.n != b.n)
		fail_msg("%s: %d groups from the tallies, %d from the rows", what, a.n, b.n);
	for (int i = 0; i < a.n; i++)
		if (a.region[i] != b.region[i] || memcmp(&a.r[i], &b.r[i], sizeof a.r[i]) != 0)
			fail_msg(
			    "%s: region %d differs (tallies: registration %lld/%lld, inspection "
			    "%lld/%lld; rows: %lld/%lld, %lld/%lld)",
			    what, a.region[i], (long long)a.r[i].registration.num,
			    (long long)a.r[i].registration.den, (long long)a.r[i].inspection.num,
			    (long long)a.r[i].inspection.den, (long long)b.r[i].registration.num,
			    (long long)b.r[i].registration.den, (long long)b.r[i].inspection.num,
			    (long long)b.r[i].inspection.den);
}

static void compare_rates(void)
{
	int32_t ons[] = {fx.today, fx.today + 1, fx.today - 100, fx.today + 45, fx.today - 3000};
	static const char *const CATS[] = {NULL, "3000", "1000", "2000"};
	struct actor lhasa = {.name = "l", .nranges = 1, .lo = {540100}, .hi = {540199}};
	const struct actor *whos[] = {&ALL, &lhasa};
	for (size_t i = 0; i < sizeof ons / sizeof *ons; i++)
		for (int by = 0; by < 3; by++)
			for (int c = 0; c < 4; c++)
				for (int w = 0; w < 2; w++) {
					struct eq_rates_query q = {0};
					assert_int_equal(scope_make(whos[w], 0, &q.scope), 0);
					q.category = CATS[c];
					q.on = ons[i];
					q.from = fx.today - 3 * 365 + (int32_t)i * 100;
					q.to = fx.today - (int32_t)i * 30;
					q.by = by;
					char what[100];
					snprintf(what, sizeof what,
					         "on %+d by %d category %s scope %d",
					         (int)(ons[i] - fx.today), by,
					         CATS[c] ? CATS[c] : "all", w);
					same_rates(&q, what);
				}
}

static void test_tallies_equal_rows(void **state)
{
	(void)state;
	/* Something to compare: the whole region's rates are not trivial. */
	struct eq_rates_query q = {0};
	assert_int_equal(scope_make(&ALL, 0, &q.scope), 0);
	q.on = fx.today;
	q.from = fx.today - 3 * 365;
	q.to = fx.today;
	struct seen s = {0};
	assert_int_equal(eq_tally_rates(fx.db, &q, remember, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].registration.den, fx.rep.in_use);
	assert_true(s.r[0].inspection.num < s.r[0].inspection.den);
	assert_int_equal(s.r[0].inspection.den - s.r[0].inspection.num, fx.rep.overdue);
	assert_true(s.r[0].operators.num > 0 && s.r[0].operators.num < s.r[0].operators.den);
	assert_int_equal(s.r[0].accidents.den, 40);
	assert_int_equal(s.r[0].accidents.num, fx.rep.closed);
	compare_rates();
}

/* After the load the service works on demo units as on any: changes pass its cross-field
 * checks and keep the tallies exact. */
static void test_service_on_demo_units(void **state)
{
	(void)state;
	struct arena a = {0};
	struct db_stmt *st = db_prepare_once(
	    fx.db, "SELECT device_code FROM eq_unit WHERE id % 97 = 0 ORDER BY id LIMIT 40");
	char devices[40][19];
	int n = 0;
	while (n < 40 && db_step(st) == DB_ROW)
		snprintf(devices[n++], 19, "%s", db_col_text(st, 0, NULL));
	db_finalize(st);
	assert_true(n > 20);
	for (int i = 0; i < n; i++) {
		struct record p;
		record_init(&p, &UNIT_TYPE);
		struct field_error err = {0};
		static const char LOC[] = "demo location changed";
		assert_int_equal(record_set_text(&p, &a, EU_LOCATION, LOC, sizeof LOC - 1, &err),
		                 0);
		if (i % 3 == 0)
			assert_int_equal(record_set_text(&p, &a, EU_STATUS, "stopped", 7, &err), 0);
		struct eq_unit out;
		int rc = eq_unit_update(fx.db, &ALL, devices[i], &p, 0, &a, &out, &err);
		if (rc != EQ_OK)
			fail_msg("update %s: %d %s %s", devices[i], rc, err.field ? err.field : "",
			         err.message);
	}
	compare_rates();
	arena_free(&a);
}

/* ---- determinism ------------------------------------------------------------------------- */

/* A digest of what the demo generated (not the load time stamps). */
static void digest(struct db *db, unsigned char out[32])
{
	static const char *const SQL[] = {
	    "SELECT id, device_code, reg_code, use_unit, region_code, category, variant, status, "
	    "commissioned_on, next_due, last_conclusion, location, maintainer FROM eq_unit ORDER "
	    "BY id",
	    "SELECT id, unit_id, kind, inspected_on, conclusion, safety_grade, next_due, "
	    "inspector, "
	    "report_no FROM eq_inspection ORDER BY id",
	    "SELECT id, unit_id, description, deadline, rectified_on FROM eq_defect ORDER BY id",
	    "SELECT id, name, employer, cert_no, valid_until, on_duty FROM eq_operator ORDER BY id",
	    "SELECT id, unit_id, occurred_on, status, closed_on FROM eq_accident ORDER BY id",
	    "SELECT id, station, batch_no, next_due FROM eq_cylinder_batch ORDER BY id",
	};
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	for (size_t q = 0; q < sizeof SQL / sizeof *SQL; q++) {
		struct db_stmt *st = db_prepare_once(db, SQL[q]);
		assert_non_null(st);
		while (db_step(st) == DB_ROW)
			for (int i = 0; i < db_col_count(st); i++) {
				size_t n;
				const char *s = db_col_text(st, i, &n);
				crypto_generichash_update(&h, (const unsigned char *)s, n + 1);
			}
		db_finalize(st);
	}
	crypto_generichash_final(&h, out, 32);
}

static void test_deterministic(void **state)
{
	(void)state;
	/* A second run into the same database writes nothing. */
	struct eq_demo_options o;
	struct eq_demo_report again;
	eq_demo_options_init(&o, EQ_DEMO_SMALL, SEED, fx.today);
	assert_int_equal(eq_demo_load(fx.db, &o, &again), 0);
	assert_int_equal(again.already, 1);
	assert_int_equal(again.units, 0);
	assert_int_equal(one("SELECT count(*) FROM eq_unit"), fx.rep.units);

	/* The same seed and day into another database give the same data; another seed not. */
	unsigned char h[3][32];
	digest(fx.db, h[0]);
	for (int k = 1; k < 3; k++) {
		struct tempdb t;
		struct db *db;
		memset(&t, 0, sizeof t);
		assert_int_equal(open_with_enterprises(&t, "eqdemo2", SEED, &db), 0);
		eq_demo_options_init(&o, EQ_DEMO_SMALL, k == 1 ? SEED : SEED + 1, fx.today);
		struct eq_demo_report r;
		assert_int_equal(eq_demo_load(db, &o, &r), 0);
		if (k == 1) {
			assert_int_equal(r.units, fx.rep.units);
			assert_int_equal(r.overdue, fx.rep.overdue);
			assert_int_equal(r.inspections, fx.rep.inspections);
			assert_int_equal(r.defects, fx.rep.defects);
			assert_int_equal(r.certified, fx.rep.certified);
		}
		digest(db, h[k]);
		db_close(db);
		tempdb_remove(&t);
	}
	assert_memory_equal(h[0], h[1], 32);
	assert_memory_not_equal(h[0], h[2], 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_next_due_follows_rules),
	    cmocka_unit_test(test_codes),
	    cmocka_unit_test(test_values_valid),
	    cmocka_unit_test(test_tallies_equal_rows),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_service_on_demo_units), /* last: it changes units */
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

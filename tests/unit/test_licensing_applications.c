/*
 * Licensing applications on a real database: the categories file and seed, the field rules of
 * a draft (each bad input named, nothing written), data scope (officers by region, an
 * enterprise its own entity), and the whole path of a food licence through the workflow
 * engine with its statutory clock on dates worked out by hand from the 2026 calendar
 * (Spring Festival rest 15-23 February, make-up working days Saturdays 14 and 28 February):
 * draft -> submit -> accept -> schedule_onsite (clock stops) -> onsite_scheduled ->
 * record_onsite -> grant -> issue; and the returns for missing materials (the one-time
 * notice needs its text, the applicant edits and resubmits), refusals that need reasons, the
 * rule that who recorded the on-site verification does not grant, and an enterprise that
 * tries to act as the authority.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/applications.h"
#include "modules/licensing/catalogue.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/embed.h"
#include "platform/files.h"
#include "platform/migrate.h"
#include "tempdb.h"

#define FIRM     "91540102MA6T000001"
#define OTHER    "91540102MA6T000002"
#define FAR      "91542521MA6T000003"
#define REVOKED  "91540102MA6T000004"
#define UNKNOWNC "91540102MA6T000009"

static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 1, 2, 3};
static const char PDF[] = "%PDF-1.4\n%fake but starts right\n";

/* ---- Actors and permissions ---------------------------------------------------------------- */

static const struct actor FIRM_ACTOR = {.name = "firm", .all_regions = 1, .entity_code = FIRM};
static const struct actor OTHER_ACTOR = {.name = "other", .all_regions = 1, .entity_code = OTHER};
/* Officers of Lhasa (5401xx); one of Ngari (5425xx). */
#define LHASA .nranges = 1, .lo = {540100}, .hi = {540199}
static const struct actor OFFICER = {.name = "officer1", .org_unit = "U1", LHASA};
static const struct actor OFFICER2 = {.name = "officer2", .org_unit = "U1", LHASA};
static const struct actor LEADER = {.name = "leader", .org_unit = "U1", LHASA};
static const struct actor NGARI = {
    .name = "ngari", .org_unit = "U9", .nranges = 1, .lo = {542500}, .hi = {542599}};

/* A may callback: ctx is a space-separated list of permissions held. */
static int may_of(void *ctx, const char *permission)
{
	const char *held = ctx;
	size_t n = strlen(permission);
	for (const char *p = strstr(held, permission); p; p = strstr(p + 1, permission))
		if ((p == held || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}
static char WRITE[] = "licensing.read licensing.write";
static char APPROVE[] = "licensing.read licensing.approve";
static char BOTH[] = "licensing.read licensing.write licensing.approve";
/* What an enterprise account holds: it must still not act as the authority. */
static char ENTERPRISE[] = "licensing.read licensing.write";

/* ---- Fixture ------------------------------------------------------------------------------- */

struct fx {
	struct tempdb tmp;
	char files[128];
	struct db *db;
	struct arena a;
};

static void exec(struct db *db, const char *sql)
{
	if (db_exec(db, sql) != 0)
		fail_msg("%s: %s", sql, db_errmsg(db));
}

static int64_t count(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_finalize(st);
	return n;
}

static int group_setup(void **state)
{
	(void)state;
	return tempdb_load_regions();
}

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	if (tempdb_make(&x->tmp, "lc_applications") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	snprintf(x->files, sizeof x->files, "%s/files", x->tmp.dir);
	files_set_dir(x->files);
	exec(x->db, "INSERT INTO enterprise (credit_code, name, legal_representative, address, "
	            "region_code, industry, status, created_at, updated_at) VALUES "
	            "('" FIRM "', '拉萨青稞食品有限公司', '扎西', '拉萨市城关区', 540102, 'C', "
	            "'active', 'x', 'x'), "
	            "('" OTHER "', '拉萨酥油厂', '卓玛', '拉萨市城关区', 540102, 'C', 'active', "
	            "'x', 'x'), "
	            "('" FAR "', '阿里食品厂', '次仁', '噶尔县', 542523, 'C', 'active', 'x', 'x'), "
	            "('" REVOKED "', '已吊销厂', '某', '拉萨', 540102, 'C', 'revoked', 'x', 'x')");
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	arena_free(&x->a);
	db_close(x->db);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", x->files);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", x->files);
	tempdb_remove(&x->tmp);
	files_set_dir(NULL);
	free(x);
	return 0;
}

/* A draft body of kind with categories (joined by ','). */
static void draft(struct record *in, struct arena *a, const char *kind, const char *categories)
{
	record_init(in, &LC_APPLICATION_TYPE);
	record_set_str(in, a, LA_KIND, kind);
	record_set_str(in, a, LA_PURPOSE, "new");
	record_set_str(in, a, LA_CATEGORIES, categories);
	record_set_str(in, a, LA_SCOPE_TEXT, "青稞粉、糌粑");
	record_set_str(in, a, LA_SITE_ADDRESS, "拉萨市城关区纳金路 1 号");
	record_set_str(in, a, LA_LEGAL_REP, "扎西");
	for (int i = 0; i < LA_NFIELDS; i++)
		if (in->v[i])
			in->present |= (uint64_t)1 << i;
}

static int64_t create_ok(struct fx *x, const struct actor *who, struct record *in)
{
	struct record out;
	struct field_error err = {0};
	int rc = lc_application_create(x->db, who, in, &x->a, &out, &err);
	if (rc != SVC_OK)
		fail_msg("create: %d %s %s", rc, err.field ? err.field : "-", err.message);
	return record_int_of(out.v[LA_ID]);
}

/* Creates a draft for FIRM with its two required papers. */
static int64_t firm_draft(struct fx *x)
{
	struct record in;
	draft(&in, &x->a, "food", "123,101");
	int64_t id = create_ok(x, &FIRM_ACTOR, &in);
	struct lc_attachment t;
	struct field_error err = {0};
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "business_licence", "执照.png",
	                                   "image/png", PNG, sizeof PNG, &x->a, &t, &err),
	                 SVC_OK);
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "site_plan", "plan.pdf",
	                                   "application/pdf", PDF, strlen(PDF), &x->a, &t, &err),
	                 SVC_OK);
	return id;
}

/* Takes action on day y-m-d; returns the result code, state and record in *st, *r. */
static int act(struct fx *x, const struct actor *who, char *perms, int64_t id, const char *action,
               const struct lc_action_in *in, int y, int m, int d, struct flow_state *st,
               struct record *r, struct field_error *err)
{
	memset(err, 0, sizeof *err);
	return lc_application_act(x->db, who, id, action, in, date_from_ymd(y, m, d), may_of, perms,
	                          &x->a, r, st, err);
}

static void act_ok(struct fx *x, const struct actor *who, char *perms, int64_t id,
                   const char *action, const struct lc_action_in *in, int y, int m, int d,
                   struct flow_state *st, struct record *r)
{
	struct field_error err;
	int rc = act(x, who, perms, id, action, in, y, m, d, st, r, &err);
	if (rc != SVC_OK)
		fail_msg("%s: %d %s %s %s", action, rc, err.field ? err.field : "-",
		         err.code ? err.code : "-", err.message);
}

static int64_t version_of(struct fx *x, int64_t id)
{
	struct record r;
	assert_int_equal(lc_application_get(x->db, &OFFICER, id, &x->a, &r), SVC_OK);
	return record_int_of(r.v[LA_VERSION]);
}

static void assert_day(int32_t day, int y, int m, int d)
{
	char got[11], want[11];
	date_format(day, got);
	date_format(date_from_ymd(y, m, d), want);
	assert_string_equal(got, want);
}

/* ---- Catalogue ----------------------------------------------------------------------------- */

static void test_catalogue_file(void **state)
{
	struct fx *x = *state;
	char why[300];
	const struct embedded_file *f = embed_find("data/licensing-categories.tsv");
	assert_non_null(f);
	assert_int_equal(lc_catalogue_check(f->data, f->len, why, sizeof why), 0);
	/* The 32 food categories: 101..131 and additives 201; 'other foods' is 131. */
	assert_int_equal(count(x->db, "SELECT count(*) FROM lc_category WHERE kind = 'food'"), 32);
	assert_int_equal(count(x->db, "SELECT count(*) FROM lc_category WHERE kind = 'food' AND "
	                              "code BETWEEN '101' AND '131'"),
	                 31);
	struct lc_category c;
	assert_int_equal(lc_category_get(x->db, "131", &x->a, &c), SVC_OK);
	assert_string_equal(c.name_en, "Other foods");
	assert_int_equal(lc_category_get(x->db, "201", &x->a, &c), SVC_OK);
	assert_string_equal(c.name_zh, "食品添加剂");
	assert_true(count(x->db, "SELECT count(*) FROM lc_category WHERE kind = 'industrial'") > 0);
	/* Both processes are defined. */
	assert_int_equal(count(x->db, "SELECT count(DISTINCT code) FROM flow_process WHERE code IN "
	                              "('licence-food', 'licence-industrial')"),
	                 2);
	/* Bad files. */
	static const char *const BAD[] = {
	    "code\tkind\tname_zh\tname_bo\tname_en\n",
	    "code\tkind\tname\n101\tfood\t粮\n",
	    "# note\ncode\tkind\tname_zh\tname_bo\tname_en\n301\tfood\t粮\t\tGrain\n",
	    "code\tkind\tname_zh\tname_bo\tname_en\n101\tindustrial\t粮\t\tGrain\n",
	    "code\tkind\tname_zh\tname_bo\tname_en\n101\tfood\t\t\tGrain\n",
	    "code\tkind\tname_zh\tname_bo\tname_en\nXK6-001\tindustrial\t线\t\tWire\n",
	    "code\tkind\tname_zh\tname_bo\tname_en\n101\tfood\t粮\t\tGrain\n101\tfood\t粮\t\tG\n",
	    "code\tkind\tname_zh\tname_bo\tname_en\n101\tfood\t粮\t\n",
	};
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++)
		if (lc_catalogue_check(BAD[i], strlen(BAD[i]), why, sizeof why) != -1)
			fail_msg("bad file %zu accepted", i);
	const char *good = "# a note\n# another\ncode\tkind\tname_zh\tname_bo\tname_en\n"
	                   "101\tfood\t粮\t\tGrain\nXK06-001\tindustrial\t线\t\tWire\n";
	assert_int_equal(lc_catalogue_check(good, strlen(good), why, sizeof why), 0);
}

/* ---- Field rules --------------------------------------------------------------------------- */

static void expect_invalid(struct fx *x, const struct actor *who, struct record *in, int want,
                           const char *field, const char *code)
{
	struct record out;
	struct field_error err = {0};
	int rc = lc_application_create(x->db, who, in, &x->a, &out, &err);
	if (rc != want || err.field == NULL || strcmp(err.field, field) != 0 ||
	    (code && strcmp(err.code, code) != 0))
		fail_msg("want %d %s %s, got %d %s %s (%s)", want, field, code ? code : "", rc,
		         err.field ? err.field : "-", err.code ? err.code : "-", err.message);
}

static void test_field_rules(void **state)
{
	struct fx *x = *state;
	struct record in;
	draft(&in, &x->a, "food", "101,999");
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_INVALID, "categories[1]", "unknown_category");
	draft(&in, &x->a, "food", "101,XK06-001");
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_INVALID, "categories[1]", "wrong_kind");
	draft(&in, &x->a, "industrial", "101");
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_INVALID, "categories[0]", "wrong_kind");
	draft(&in, &x->a, "food", "101,101");
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_INVALID, "categories[1]", "duplicate");
	draft(&in, &x->a, "food", "101");
	in.v[LA_SCOPE_TEXT] = NULL;
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_INVALID, "scope_text", "required");
	/* An officer names the applicant: registered, active, in the jurisdiction. */
	draft(&in, &x->a, "food", "101");
	expect_invalid(x, &OFFICER, &in, SVC_INVALID, "applicant", "required");
	record_set_str(&in, &x->a, LA_APPLICANT, FAR);
	in.present |= 1u << LA_APPLICANT;
	expect_invalid(x, &OFFICER, &in, SVC_INVALID, "applicant", "unknown_applicant");
	record_set_str(&in, &x->a, LA_APPLICANT, UNKNOWNC);
	expect_invalid(x, &OFFICER, &in, SVC_INVALID, "applicant", "unknown_applicant");
	record_set_str(&in, &x->a, LA_APPLICANT, REVOKED);
	expect_invalid(x, &OFFICER, &in, SVC_INVALID, "applicant", "not_active");
	/* An enterprise applies for itself only. */
	record_set_str(&in, &x->a, LA_APPLICANT, OTHER);
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_FORBIDDEN, "applicant", "not_own");
	/* A new licence names none; a change needs one and its reason. */
	draft(&in, &x->a, "food", "101");
	record_set_str(&in, &x->a, LA_LICENCE_NO, "SC10154010200017");
	in.present |= 1u << LA_LICENCE_NO;
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_INVALID, "licence_no", "not_allowed");
	draft(&in, &x->a, "food", "101");
	record_set_str(&in, &x->a, LA_PURPOSE, "change");
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_INVALID, "licence_no", "required");
	record_set_str(&in, &x->a, LA_LICENCE_NO, "SC10154010200017");
	in.present |= 1u << LA_LICENCE_NO;
	expect_invalid(x, &FIRM_ACTOR, &in, SVC_INVALID, "reason", "required");
	/* Nothing was written by any of these. */
	assert_int_equal(count(x->db, "SELECT count(*) FROM lc_application"), 0);
	assert_int_equal(count(x->db, "SELECT count(*) FROM audit_log WHERE action LIKE "
	                              "'licensing.application.%'"),
	                 0);

	/* A good one: sorted categories, the registry's name and region, a number. */
	draft(&in, &x->a, "food", "123,101");
	struct record out;
	struct field_error err = {0};
	assert_int_equal(lc_application_create(x->db, &FIRM_ACTOR, &in, &x->a, &out, &err), SVC_OK);
	assert_string_equal(out.v[LA_CATEGORIES], "101,123");
	assert_string_equal(out.v[LA_APPLICANT], FIRM);
	assert_string_equal(out.v[LA_APPLICANT_NAME], "拉萨青稞食品有限公司");
	assert_string_equal(out.v[LA_REGION_CODE], "540102");
	assert_string_equal(out.v[LA_STATUS], "draft");
	assert_non_null(strstr(out.v[LA_APPLICATION_NO], "-5401-000001"));
	assert_int_equal(count(x->db, "SELECT count(*) FROM audit_log WHERE action = "
	                              "'licensing.application.create'"),
	                 1);
	/* An officer for an enterprise of the jurisdiction. */
	draft(&in, &x->a, "industrial", "XK06-001");
	record_set_str(&in, &x->a, LA_APPLICANT, OTHER);
	in.present |= 1u << LA_APPLICANT;
	assert_int_equal(lc_application_create(x->db, &OFFICER, &in, &x->a, &out, &err), SVC_OK);
	assert_non_null(strstr(out.v[LA_APPLICATION_NO], "-5401-000002"));
	/* JSON: categories as an array. */
	struct buf b = {0};
	lc_application_write_json(&out, &b);
	assert_non_null(strstr(b.data, "\"categories\":[\"XK06-001\"]"));
	buf_free(&b);
}

/* ---- Scope ----------------------------------------------------------------------------------- */

static int count_row(void *ctx, const struct record *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static void test_scope(void **state)
{
	struct fx *x = *state;
	int64_t mine = firm_draft(x);
	struct record in, r;
	draft(&in, &x->a, "food", "105");
	int64_t theirs = create_ok(x, &OTHER_ACTOR, &in);
	assert_int_equal(lc_application_get(x->db, &FIRM_ACTOR, mine, &x->a, &r), SVC_OK);
	assert_int_equal(lc_application_get(x->db, &FIRM_ACTOR, theirs, &x->a, &r), SVC_NOT_FOUND);
	assert_int_equal(lc_application_get(x->db, &OFFICER, theirs, &x->a, &r), SVC_OK);
	assert_int_equal(lc_application_get(x->db, &NGARI, mine, &x->a, &r), SVC_NOT_FOUND);
	/* Another enterprise cannot edit, attach to or act on it: not found. */
	struct record patch, out;
	struct field_error err = {0};
	record_init(&patch, &LC_APPLICATION_TYPE);
	record_set_str(&patch, &x->a, LA_PHONE, "0891-1234567");
	patch.present |= 1u << LA_PHONE;
	assert_int_equal(
	    lc_application_update(x->db, &OTHER_ACTOR, mine, &patch, 0, &x->a, &out, &err),
	    SVC_NOT_FOUND);
	struct lc_attachment t;
	assert_int_equal(lc_attachment_add(x->db, &OTHER_ACTOR, mine, "other", "x.png", "image/png",
	                                   PNG, sizeof PNG, &x->a, &t, &err),
	                 SVC_NOT_FOUND);
	struct flow_state st;
	assert_int_equal(
	    act(x, &OTHER_ACTOR, ENTERPRISE, mine, "submit", NULL, 2026, 2, 13, &st, &r, &err),
	    SVC_NOT_FOUND);
	/* An officer reads but does not edit the enterprise's draft. */
	assert_int_equal(lc_application_update(x->db, &OFFICER, mine, &patch, 0, &x->a, &out, &err),
	                 SVC_FORBIDDEN);
	/* Lists. */
	struct lc_application_filter f;
	assert_int_equal(lc_application_filter_parse(&f, NULL, NULL, NULL, NULL, NULL, NULL, &err),
	                 SVC_OK);
	const char *next;
	int n = 0;
	assert_int_equal(lc_application_list(x->db, &FIRM_ACTOR, &f, &x->a, count_row, &n, &next),
	                 SVC_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(lc_application_list(x->db, &OFFICER, &f, &x->a, count_row, &n, &next),
	                 SVC_OK);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(lc_application_list(x->db, &NGARI, &f, &x->a, count_row, &n, &next),
	                 SVC_OK);
	assert_int_equal(n, 0);
	/* Paging: one a page. */
	assert_int_equal(lc_application_filter_parse(&f, NULL, "food", NULL, NULL, "1", NULL, &err),
	                 SVC_OK);
	n = 0;
	assert_int_equal(lc_application_list(x->db, &OFFICER, &f, &x->a, count_row, &n, &next),
	                 SVC_OK);
	assert_int_equal(n, 1);
	assert_non_null(next);
	assert_int_equal(lc_application_filter_parse(&f, NULL, "food", NULL, NULL, "1", next, &err),
	                 SVC_OK);
	n = 0;
	assert_int_equal(lc_application_list(x->db, &OFFICER, &f, &x->a, count_row, &n, &next),
	                 SVC_OK);
	assert_int_equal(n, 1);
	assert_null(next);
	assert_int_equal(
	    lc_application_filter_parse(&f, NULL, "drink", NULL, NULL, NULL, NULL, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "kind");
}

/* ---- The whole path -------------------------------------------------------------------------- */

static void test_whole_path(void **state)
{
	struct fx *x = *state;
	struct record in, r;
	struct flow_state st;
	struct field_error err;
	draft(&in, &x->a, "food", "101");
	int64_t id = create_ok(x, &FIRM_ACTOR, &in);

	/* Submission needs the business licence and the site plan. */
	assert_int_equal(
	    act(x, &FIRM_ACTOR, ENTERPRISE, id, "submit", NULL, 2026, 2, 13, &st, &r, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "attachments");
	assert_int_equal(count(x->db, "SELECT count(*) FROM flow_case"), 0);
	struct lc_attachment t;
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "business_licence", "a.png",
	                                   "image/png", PNG, sizeof PNG, &x->a, &t, &err),
	                 SVC_OK);
	assert_int_equal(
	    act(x, &FIRM_ACTOR, ENTERPRISE, id, "submit", NULL, 2026, 2, 13, &st, &r, &err),
	    SVC_INVALID);
	/* Bad uploads: a PDF claimed as PNG, an unknown kind, a bad name. */
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "site_plan", "p.png",
	                                   "image/png", PDF, strlen(PDF), &x->a, &t, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "type_mismatch");
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "photo", "p.png", "image/png",
	                                   PNG, sizeof PNG, &x->a, &t, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "kind");
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "site_plan", "a/b.pdf",
	                                   "application/pdf", PDF, strlen(PDF), &x->a, &t, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "name");
	/* An officer does not upload the applicant's papers. */
	assert_int_equal(lc_attachment_add(x->db, &OFFICER, id, "site_plan", "p.pdf",
	                                   "application/pdf", PDF, strlen(PDF), &x->a, &t, &err),
	                 SVC_FORBIDDEN);
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "site_plan", "平面图.pdf",
	                                   "application/pdf", PDF, strlen(PDF), &x->a, &t, &err),
	                 SVC_OK);
	/* The officer reads it back, verified. */
	struct buf bytes = {0};
	struct lc_attachment got;
	assert_int_equal(lc_attachment_get(x->db, &OFFICER, id, t.id, &x->a, &got, &bytes), SVC_OK);
	assert_int_equal(bytes.len, strlen(PDF));
	assert_memory_equal(bytes.data, PDF, strlen(PDF));
	assert_string_equal(got.file_name, "平面图.pdf");
	buf_free(&bytes);
	assert_int_equal(lc_attachment_get(x->db, &OTHER_ACTOR, id, t.id, &x->a, &got, &bytes),
	                 SVC_NOT_FOUND);

	/* An officer cannot submit for the enterprise. */
	assert_int_equal(act(x, &OFFICER, WRITE, id, "submit", NULL, 2026, 2, 13, &st, &r, &err),
	                 SVC_FORBIDDEN);
	/* Friday 13 February 2026: acceptance within 5 working days, not counting the day:
	 * Sat 14 (make-up working day) 1, Spring Festival 15-23 at rest, Tue 24 2, 25 3, 26 4,
	 * Fri 27 February 5. */
	act_ok(x, &FIRM_ACTOR, ENTERPRISE, id, "submit", NULL, 2026, 2, 13, &st, &r);
	assert_string_equal(st.step, "submitted");
	assert_string_equal(r.v[LA_STATUS], "submitted");
	assert_string_equal(r.v[LA_SUBMITTED_ON], "2026-02-13");
	assert_non_null(r.v[LA_CASE_ID]);
	assert_string_equal(st.stage, "acceptance");
	assert_day(st.deadline, 2026, 2, 27);
	assert_int_equal(st.days_left, 5);
	/* The draft no longer changes. */
	struct record patch, out;
	record_init(&patch, &LC_APPLICATION_TYPE);
	record_set_str(&patch, &x->a, LA_PHONE, "0891-1234567");
	patch.present |= 1u << LA_PHONE;
	memset(&err, 0, sizeof err);
	assert_int_equal(
	    lc_application_update(x->db, &FIRM_ACTOR, id, &patch, 0, &x->a, &out, &err),
	    SVC_CONFLICT);
	assert_string_equal(err.field, "status");
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "other", "x.png", "image/png",
	                                   PNG, sizeof PNG, &x->a, &t, &err),
	                 SVC_CONFLICT);

	/* The enterprise holds licensing.write, but does not accept its own application. */
	int64_t v = version_of(x, id);
	assert_int_equal(
	    act(x, &FIRM_ACTOR, ENTERPRISE, id, "accept", NULL, 2026, 2, 24, &st, &r, &err),
	    SVC_FORBIDDEN);
	/* Not from this step: a decision before acceptance. */
	assert_int_equal(act(x, &LEADER, APPROVE, id, "grant", NULL, 2026, 2, 24, &st, &r, &err),
	                 SVC_CONFLICT);
	assert_int_equal(version_of(x, id), v);

	/* Accepted on Tue 24 February: the decision within 20 working days: 25 1, 26 2, 27 3,
	 * Sat 28 (make-up) 4, 2-6 March 5-9, 9-13 10-14, 16-20 15-19, Mon 23 March 20. */
	act_ok(x, &OFFICER, WRITE, id, "accept", NULL, 2026, 2, 24, &st, &r);
	assert_string_equal(st.step, "review");
	assert_string_equal(r.v[LA_ACCEPTED_ON], "2026-02-24");
	assert_day(st.deadline, 2026, 3, 23);
	assert_int_equal(st.limit, 20);
	/* notify_missing belongs to acceptance. */
	struct lc_action_in miss = {.missing = "厂区平面图比例尺"};
	assert_int_equal(
	    act(x, &OFFICER, WRITE, id, "notify_missing", &miss, 2026, 2, 25, &st, &r, &err),
	    SVC_CONFLICT);

	/* On-site verification being scheduled from Mon 2 March stops the clock... */
	act_ok(x, &OFFICER, WRITE, id, "schedule_onsite", NULL, 2026, 3, 2, &st, &r);
	assert_string_equal(st.step, "onsite_scheduling");
	assert_true(st.paused);
	assert_string_equal(st.pause_reason, "onsite_scheduling");
	/* ...until Fri 6 March: the 4 working days 3-6 March are not counted, so the deadline
	 * moves from 23 to 27 March, and on 6 March 15 working days are left. */
	act_ok(x, &OFFICER, WRITE, id, "onsite_scheduled", NULL, 2026, 3, 6, &st, &r);
	assert_false(st.paused);
	assert_int_equal(st.stopped_days, 4);
	assert_day(st.deadline, 2026, 3, 27);
	assert_int_equal(st.days_left, 15);
	struct flow_state now;
	assert_int_equal(flow_get(x->db, &OFFICER, record_int_of(r.v[LA_CASE_ID]),
	                          date_from_ymd(2026, 3, 20), &now),
	                 SVC_OK);
	assert_int_equal(now.days_left, 5);
	assert_false(now.overdue);
	assert_int_equal(flow_get(x->db, &OFFICER, record_int_of(r.v[LA_CASE_ID]),
	                          date_from_ymd(2026, 3, 30), &now),
	                 SVC_OK);
	assert_true(now.overdue);
	assert_int_equal(now.days_left, -1);

	/* Recording the verification needs all four facts; nothing changes without them. */
	v = version_of(x, id);
	struct lc_action_in onsite = {
	    .onsite_on = "2026-03-09", .onsite_findings = "布局合理", .onsite_result = "pass"};
	assert_int_equal(
	    act(x, &OFFICER, BOTH, id, "record_onsite", &onsite, 2026, 3, 10, &st, &r, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "onsite_team");
	onsite.onsite_team = "王伟、次旦";
	onsite.onsite_result = "maybe";
	assert_int_equal(
	    act(x, &OFFICER, BOTH, id, "record_onsite", &onsite, 2026, 3, 10, &st, &r, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "onsite_result");
	onsite.onsite_result = "pass";
	onsite.onsite_on = "2026-03-11";
	assert_int_equal(
	    act(x, &OFFICER, BOTH, id, "record_onsite", &onsite, 2026, 3, 10, &st, &r, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "onsite_on");
	assert_int_equal(version_of(x, id), v);
	onsite.onsite_on = "2026-03-09";
	act_ok(x, &OFFICER, BOTH, id, "record_onsite", &onsite, 2026, 3, 10, &st, &r);
	assert_string_equal(st.step, "decision_pending");
	assert_string_equal(r.v[LA_ONSITE_RESULT], "pass");
	assert_string_equal(r.v[LA_ONSITE_TEAM], "王伟、次旦");

	/* Who recorded the verification does not grant; a refusal needs its reasons. */
	assert_int_equal(act(x, &OFFICER, BOTH, id, "grant", NULL, 2026, 3, 12, &st, &r, &err),
	                 SVC_FORBIDDEN);
	assert_int_equal(act(x, &OFFICER2, WRITE, id, "grant", NULL, 2026, 3, 12, &st, &r, &err),
	                 SVC_FORBIDDEN);
	assert_int_equal(act(x, &LEADER, APPROVE, id, "refuse", NULL, 2026, 3, 12, &st, &r, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "decision_reason");
	struct lc_action_in blank = {.decision_reason = "  "};
	assert_int_equal(act(x, &LEADER, APPROVE, id, "refuse", &blank, 2026, 3, 12, &st, &r, &err),
	                 SVC_INVALID);
	assert_int_equal(version_of(x, id), v + 1);

	/* A hearing (Art. 46-48) held from Wed 11 March stops the clock again until Thu 12
	 * March: one more working day (12 March) is not counted, 4 + 1 = 5 in all, and the
	 * decision deadline moves from Fri 27 to Mon 30 March. */
	act_ok(x, &OFFICER, WRITE, id, "hold_hearing", NULL, 2026, 3, 11, &st, &r);
	assert_string_equal(st.step, "hearing");
	assert_true(st.paused);
	assert_string_equal(st.pause_reason, "hearing");
	act_ok(x, &OFFICER, WRITE, id, "hearing_held", NULL, 2026, 3, 12, &st, &r);
	assert_string_equal(st.step, "decision_pending");
	assert_false(st.paused);
	assert_int_equal(st.stopped_days, 5);
	assert_day(st.deadline, 2026, 3, 30);

	/* Granted on Thu 12 March: the certificate within 10 working days, by 26 March. */
	act_ok(x, &LEADER, APPROVE, id, "grant", NULL, 2026, 3, 12, &st, &r);
	assert_string_equal(st.step, "granted");
	assert_string_equal(st.stage, "issue");
	assert_day(st.deadline, 2026, 3, 26);
	assert_string_equal(r.v[LA_DECISION], "grant");
	assert_string_equal(r.v[LA_DECIDED_ON], "2026-03-12");
	assert_string_equal(r.v[LA_DECIDED_BY], "leader");

	/* Issue: the licence exists and the application names it. */
	act_ok(x, &OFFICER, WRITE, id, "issue", NULL, 2026, 3, 13, &st, &r);
	assert_string_equal(st.step, "issued");
	assert_true(st.closed);
	assert_string_equal(r.v[LA_STATUS], "issued");
	assert_non_null(r.v[LA_LICENCE_ID]);
	assert_non_null(r.v[LA_LICENCE_NO]);
	assert_int_equal(strncmp(r.v[LA_LICENCE_NO], "SC101", 5), 0);
	assert_int_equal(count(x->db, "SELECT count(*) FROM lc_licence"), 1);

	/* Every transition audited by the engine, every change of the record here. */
	assert_int_equal(count(x->db, "SELECT count(*) FROM audit_log WHERE action LIKE "
	                              "'licensing.application.%'"),
	                 10); /* create, submit, accept, schedule_onsite, onsite_scheduled,
	                         record_onsite, hold_hearing, hearing_held, grant, issue:
	                         nothing for the refused actions */
	assert_true(count(x->db, "SELECT count(*) FROM audit_log WHERE action LIKE 'flow.%'") >= 7);
}

/* ---- Returned for missing materials --------------------------------------------------------- */

static void test_missing_and_supplement(void **state)
{
	struct fx *x = *state;
	int64_t id = firm_draft(x);
	struct record r;
	struct flow_state st;
	struct field_error err;
	/* Wednesday 30 September 2026: National Day rests 1-7 October, Sat 10 October works:
	 * Thu 8 1, Fri 9 2, Sat 10 3, Mon 12 4, Tue 13 October 5. */
	act_ok(x, &FIRM_ACTOR, ENTERPRISE, id, "submit", NULL, 2026, 9, 30, &st, &r);
	assert_day(st.deadline, 2026, 10, 13);
	/* The one-time notice says what is missing. */
	struct lc_action_in empty = {.missing = ""};
	assert_int_equal(
	    act(x, &OFFICER, WRITE, id, "notify_missing", &empty, 2026, 10, 9, &st, &r, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "missing");
	assert_int_equal(
	    act(x, &OFFICER, WRITE, id, "notify_missing", NULL, 2026, 10, 9, &st, &r, &err),
	    SVC_INVALID);
	struct lc_action_in miss = {.missing = "1. 生产设备清单；2. 工艺流程图",
	                            .note = "请一次补齐"};
	act_ok(x, &OFFICER, WRITE, id, "notify_missing", &miss, 2026, 10, 9, &st, &r);
	assert_string_equal(st.step, "supplementing");
	assert_string_equal(r.v[LA_MISSING], "1. 生产设备清单；2. 工艺流程图");
	/* The applicant edits and adds the papers, then resubmits: the acceptance limit runs
	 * again from then (Mon 12 October: 13, 14, 15, 16, Mon 19 October). */
	struct record patch, out;
	record_init(&patch, &LC_APPLICATION_TYPE);
	record_set_str(&patch, &x->a, LA_SCOPE_TEXT, "青稞粉、糌粑、青稞饼干");
	patch.present |= 1u << LA_SCOPE_TEXT;
	int64_t v = version_of(x, id);
	assert_int_equal(
	    lc_application_update(x->db, &FIRM_ACTOR, id, &patch, v + 5, &x->a, &out, &err),
	    SVC_STALE);
	assert_int_equal(
	    lc_application_update(x->db, &FIRM_ACTOR, id, &patch, v, &x->a, &out, &err), SVC_OK);
	assert_string_equal(out.v[LA_SCOPE_TEXT], "青稞粉、糌粑、青稞饼干");
	record_init(&patch, &LC_APPLICATION_TYPE);
	record_set_str(&patch, &x->a, LA_KIND, "industrial");
	patch.present |= 1u << LA_KIND;
	assert_int_equal(
	    lc_application_update(x->db, &FIRM_ACTOR, id, &patch, 0, &x->a, &out, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "kind");
	struct lc_attachment t;
	assert_int_equal(lc_attachment_add(x->db, &FIRM_ACTOR, id, "equipment_list", "设备.pdf",
	                                   "application/pdf", PDF, strlen(PDF), &x->a, &t, &err),
	                 SVC_OK);
	act_ok(x, &FIRM_ACTOR, ENTERPRISE, id, "resubmit", NULL, 2026, 10, 12, &st, &r);
	assert_string_equal(st.step, "submitted");
	assert_day(st.deadline, 2026, 10, 19);
	/* Reject needs the engine's step; not accepted closes the case. */
	act_ok(x, &OFFICER, WRITE, id, "accept", NULL, 2026, 10, 13, &st, &r);
	/* Supplementing during review stops the decision clock (needs the text too). */
	assert_int_equal(
	    act(x, &OFFICER, WRITE, id, "request_supplement", NULL, 2026, 10, 14, &st, &r, &err),
	    SVC_INVALID);
	struct lc_action_in more = {.missing = "检验报告"};
	act_ok(x, &OFFICER, WRITE, id, "request_supplement", &more, 2026, 10, 14, &st, &r);
	assert_true(st.paused);
	assert_string_equal(st.pause_reason, "supplement");
	act_ok(x, &FIRM_ACTOR, ENTERPRISE, id, "supplement", NULL, 2026, 10, 16, &st, &r);
	assert_false(st.paused);
	assert_int_equal(st.stopped_days, 2); /* 15 and 16 October */
	/* A new licence is granted only after an on-site verification that passed. */
	assert_int_equal(act(x, &LEADER, APPROVE, id, "grant", NULL, 2026, 10, 19, &st, &r, &err),
	                 SVC_CONFLICT);
	assert_string_equal(err.field, "onsite_result");
	/* Refused with reasons. */
	struct lc_action_in no = {.decision_reason = "生产场所不符合要求"};
	act_ok(x, &LEADER, APPROVE, id, "refuse", &no, 2026, 10, 19, &st, &r);
	assert_string_equal(r.v[LA_STATUS], "refused");
	assert_string_equal(r.v[LA_DECISION], "refuse");
	assert_string_equal(r.v[LA_DECISION_REASON], "生产场所不符合要求");
	assert_true(st.closed);
	assert_int_equal(
	    act(x, &FIRM_ACTOR, ENTERPRISE, id, "withdraw", NULL, 2026, 10, 20, &st, &r, &err),
	    SVC_CONFLICT);
	assert_int_equal(act(x, &OFFICER, WRITE, id, "fly", NULL, 2026, 10, 20, &st, &r, &err),
	                 SVC_NOT_FOUND);
	assert_string_equal(err.field, "action");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_catalogue_file, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_field_rules, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_scope, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_whole_path, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_missing_and_supplement, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}

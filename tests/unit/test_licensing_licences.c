/*
 * Licences on a real database: issue of a new licence (number, validity from the decision
 * day, first check due, category rows, audit), change, renewal and cancellation through
 * their applications, the target check of a change / renewal / cancel application (with the
 * late-renewal warning), suspension / restoration / revocation (reason required, nothing
 * changed by a refusal, scope, versions), expiry at read time, the list's filters and scope,
 * post-licence checks and due dates, and counts of valid licences that stay exact through
 * status changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/certificate.h"
#include "modules/licensing/checks.h"
#include "modules/licensing/licences.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "tempdb.h"

#define FIRM  "91540102MA6T000001"
#define FIRM2 "91540202MA6T000002"

struct fx {
	struct tempdb tmp;
	struct db *db;
	struct arena a;
};

static const struct actor OFFICER = {.name = "officer", .all_regions = 1};
static const struct actor LHASA = {.name = "lhasa", .nranges = 1, .lo = {540100}, .hi = {540199}};
static const struct actor SHIGATSE = {
    .name = "shigatse", .nranges = 1, .lo = {540200}, .hi = {540299}};
static const struct actor ENTERPRISE = {.name = "firm", .all_regions = 1, .entity_code = FIRM};

static int32_t D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	if (sodium_init() < 0 || tempdb_make(&x->tmp, "lc_licences") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	arena_free(&x->a);
	db_close(x->db);
	tempdb_remove(&x->tmp);
	free(x);
	return 0;
}

/* Inserts a granted application (decided on decided, "" for none) and returns its id. */
static int64_t application(struct fx *x, int64_t id, const char *kind, const char *purpose,
                           int64_t licence_id, const char *applicant, int region,
                           const char *categories, const char *decision, const char *decided)
{
	struct db_stmt *st = db_prepare(
	    x->db,
	    "INSERT INTO lc_application (id, application_no, kind, purpose, licence_id, "
	    "applicant, applicant_name, region_code, categories, scope_text, site_address, "
	    "legal_rep, reason, status, decision, decided_on, created_by, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '扎西', ?, 'granted', ?, ?, "
	    "'t', 'x', 'x')");
	assert_non_null(st);
	char no[32];
	snprintf(no, sizeof no, "SQ-%lld", (long long)id);
	db_bind_int64(st, 1, id);
	db_bind_cstr(st, 2, no);
	db_bind_cstr(st, 3, kind);
	db_bind_cstr(st, 4, purpose);
	if (licence_id)
		db_bind_int64(st, 5, licence_id);
	else
		db_bind_null(st, 5);
	db_bind_cstr(st, 6, applicant);
	db_bind_cstr(st, 7,
	             strcmp(applicant, FIRM) == 0 ? "拉萨雪域青稞食品有限公司" : "日喀则食品厂");
	db_bind_int64(st, 8, region);
	db_bind_cstr(st, 9, categories);
	db_bind_cstr(st, 10,
	             strcmp(purpose, "change") == 0 ? "青稞粉、糌粑、乳制品" : "青稞粉、糌粑");
	db_bind_cstr(st, 11,
	             strcmp(purpose, "change") == 0 ? "拉萨市城关区新址1号"
	                                            : "拉萨市城关区金珠西路8号");
	db_bind_cstr(st, 12, strcmp(purpose, "cancel") == 0 ? "停产" : NULL);
	db_bind_cstr(st, 13, decision);
	db_bind_cstr(st, 14, decided && *decided ? decided : NULL);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	return id;
}

/* Issues application app on today in a transaction; returns the service result. */
static int issue(struct fx *x, int64_t app, int32_t today, int64_t *lid, struct field_error *err)
{
	assert_int_equal(db_begin_write(x->db), 0);
	int rc = lc_licence_issue(x->db, &OFFICER, app, today, lid, err);
	if (rc == SVC_OK)
		assert_int_equal(db_commit(x->db), 0);
	else
		assert_int_equal(db_rollback(x->db), 0);
	return rc;
}

static int64_t count(struct fx *x, const char *sql)
{
	struct db_stmt *st = db_prepare_once(x->db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_finalize(st);
	return n;
}

static void test_issue_change_renew_cancel(void **state)
{
	struct fx *x = *state;
	struct field_error err = {0};
	struct lc_licence l;
	int64_t lid = 0, lid2;
	int32_t today = D(2026, 3, 20);

	/* Not granted: nothing issued. */
	application(x, 10, "food", "new", 0, FIRM, 540102, "101,124", "refuse", "2026-03-10");
	assert_int_equal(issue(x, 10, today, &lid, &err), SVC_CONFLICT);
	assert_string_equal(err.code, "not_granted");
	assert_int_equal(issue(x, 999, today, &lid, &err), SVC_NOT_FOUND);

	application(x, 11, "food", "new", 0, FIRM, 540102, "101,124", "grant", "2026-03-10");
	assert_int_equal(issue(x, 11, today, &lid, &err), SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	assert_string_equal(l.licence_no, "SC10154010200012"); /* see test_licensing_numbers */
	assert_string_equal(l.holder, FIRM);
	assert_string_equal(l.status, "valid");
	assert_string_equal(l.issuer, LC_ISSUER_ZH);
	assert_int_equal(l.valid_from, D(2026, 3, 10)); /* the decision day */
	assert_int_equal(l.valid_until, D(2031, 3, 9)); /* five years, less a day */
	assert_int_equal(l.issued_on, today);
	assert_int_equal(l.next_check_due, D(2027, 3, 20)); /* 12 months after issue */
	assert_int_equal(l.version, 1);
	assert_int_equal(count(x, "SELECT count(*) FROM lc_licence_category WHERE status = 'valid' "
	                          "AND region_code = 540102 AND category IN ('101', '124')"),
	                 2);
	assert_int_equal(count(x, "SELECT count(*) FROM audit_log WHERE action = "
	                          "'licensing.licence.issue'"),
	                 1);
	/* Issued once only. */
	assert_int_equal(issue(x, 11, today, &lid2, &err), SVC_CONFLICT);
	assert_string_equal(err.code, "issued");

	/* A second licence of the same prefix takes the next number. */
	application(x, 12, "food", "new", 0, FIRM, 540102, "101", "grant", "");
	assert_int_equal(issue(x, 12, today, &lid2, &err), SVC_OK);
	struct lc_licence l2;
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid2, &x->a, &l2), SVC_OK);
	assert_memory_equal(l2.licence_no, "SC1015401020002", 15);
	assert_int_equal(l2.valid_from, today); /* no decision day: today */

	/* Change: categories, scope and address; same number and validity; version 2. */
	application(x, 13, "food", "change", lid, FIRM, 540102, "101,105", "grant", "2026-05-01");
	int64_t got;
	assert_int_equal(issue(x, 13, D(2026, 5, 6), &got, &err), SVC_OK);
	assert_int_equal(got, lid);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	assert_string_equal(l.licence_no, "SC10154010200012");
	assert_string_equal(l.categories, "101,105");
	assert_string_equal(l.scope_text, "青稞粉、糌粑、乳制品");
	assert_string_equal(l.site_address, "拉萨市城关区新址1号");
	assert_int_equal(l.valid_until, D(2031, 3, 9));
	assert_int_equal(l.version, 2);
	assert_int_equal(count(x, "SELECT count(*) FROM lc_licence_category WHERE licence_id IN "
	                          "(SELECT id FROM lc_licence WHERE licence_no = "
	                          "'SC10154010200012') AND category IN ('101','105')"),
	                 2);
	assert_int_equal(count(x, "SELECT count(*) FROM lc_licence_category WHERE category = "
	                          "'124'"),
	                 0);

	/* A change of another holder's or kind's licence is refused at issue. */
	application(x, 14, "industrial", "change", lid, FIRM, 540102, "XK13-001", "grant", "");
	assert_int_equal(issue(x, 14, today, &got, &err), SVC_CONFLICT);
	assert_string_equal(err.code, "mismatch");

	/* Renewal: one more term from the old expiry. */
	application(x, 15, "food", "renewal", lid, FIRM, 540102, "101,105", "grant", "2031-02-20");
	assert_int_equal(issue(x, 15, D(2031, 2, 25), &got, &err), SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	assert_int_equal(l.valid_until, D(2036, 3, 9));
	assert_int_equal(l.valid_from, D(2026, 3, 10));
	assert_int_equal(l.version, 3);

	/* Cancel: status cancelled, category rows follow, with the application's reason. */
	application(x, 16, "food", "cancel", lid2, FIRM, 540102, "101", "grant", "");
	assert_int_equal(issue(x, 16, D(2026, 6, 1), &got, &err), SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid2, &x->a, &l2), SVC_OK);
	assert_string_equal(l2.status, "cancelled");
	assert_string_equal(l2.status_reason, "停产");
	assert_int_equal(l2.status_on, D(2026, 6, 1));
	assert_int_equal(count(x, "SELECT count(*) FROM lc_licence_category WHERE status = "
	                          "'cancelled'"),
	                 1);
	/* Nothing more can be done to a cancelled licence. */
	application(x, 17, "food", "renewal", lid2, FIRM, 540102, "101", "grant", "");
	assert_int_equal(issue(x, 17, D(2026, 6, 2), &got, &err), SVC_CONFLICT);
	assert_string_equal(err.code, "status");
	assert_int_equal(count(x, "SELECT count(*) FROM audit_log WHERE action LIKE "
	                          "'licensing.licence.%'"),
	                 5);
}

static void test_target(void **state)
{
	struct fx *x = *state;
	struct field_error err = {0};
	int64_t lid, got;
	application(x, 20, "food", "new", 0, FIRM, 540102, "101", "grant", "2026-03-10");
	assert_int_equal(issue(x, 20, D(2026, 3, 20), &lid, &err), SVC_OK);
	struct lc_licence l;
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	const char *no = l.licence_no; /* valid until 2031-03-09 */

	/* Renewal 40 days before expiry: fine, no warning. */
	err = (struct field_error){0};
	assert_int_equal(
	    lc_licence_target(x->db, &ENTERPRISE, no, FIRM, "renewal", D(2031, 1, 28), &got, &err),
	    SVC_OK);
	assert_int_equal(got, lid);
	assert_null(err.code);
	/* 30 days before: still on time (the law's 30 days). */
	assert_int_equal(
	    lc_licence_target(x->db, &ENTERPRISE, no, FIRM, "renewal", D(2031, 2, 7), &got, &err),
	    SVC_OK);
	assert_null(err.code);
	/* 29 days before: allowed, with the warning "late". */
	assert_int_equal(
	    lc_licence_target(x->db, &ENTERPRISE, no, FIRM, "renewal", D(2031, 2, 8), &got, &err),
	    SVC_OK);
	assert_string_equal(err.code, "late");
	assert_string_equal(err.field, "licence_no");
	assert_non_null(strstr(err.message, "29 days"));
	/* On the last day still; the day after it has expired. */
	err = (struct field_error){0};
	assert_int_equal(
	    lc_licence_target(x->db, &ENTERPRISE, no, FIRM, "renewal", D(2031, 3, 9), &got, &err),
	    SVC_OK);
	assert_int_equal(
	    lc_licence_target(x->db, &ENTERPRISE, no, FIRM, "renewal", D(2031, 3, 10), &got, &err),
	    SVC_INVALID);
	assert_string_equal(err.code, "expired");
	/* Not the holder; another kind; unknown number; a bad purpose. */
	assert_int_equal(
	    lc_licence_target(x->db, &OFFICER, no, FIRM2, "change", D(2026, 4, 1), &got, &err),
	    SVC_INVALID);
	assert_string_equal(err.code, "not_holder");
	assert_int_equal(lc_licence_target_kind(x->db, &OFFICER, no, FIRM, "change", "industrial",
	                                        D(2026, 4, 1), &got, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "kind");
	assert_int_equal(lc_licence_target_kind(x->db, &OFFICER, no, FIRM, "change", "food",
	                                        D(2026, 4, 1), &got, &err),
	                 SVC_OK);
	assert_int_equal(lc_licence_target(x->db, &OFFICER, "SC99999999999999", FIRM, "change",
	                                   D(2026, 4, 1), &got, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "unknown");
	assert_int_equal(
	    lc_licence_target(x->db, &OFFICER, no, FIRM, "new", D(2026, 4, 1), &got, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "purpose");
	/* Suspended: a change or renewal no, a cancellation yes. */
	assert_int_equal(lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_SUSPEND, "整改",
	                                          D(2026, 4, 1), 0, &err),
	                 SVC_OK);
	assert_int_equal(
	    lc_licence_target(x->db, &OFFICER, no, FIRM, "change", D(2026, 4, 2), &got, &err),
	    SVC_INVALID);
	assert_string_equal(err.code, "status");
	assert_int_equal(
	    lc_licence_target(x->db, &OFFICER, no, FIRM, "cancel", D(2026, 4, 2), &got, &err),
	    SVC_OK);
}

static void test_status_changes(void **state)
{
	struct fx *x = *state;
	struct field_error err = {0};
	int64_t lid;
	application(x, 30, "industrial", "new", 0, FIRM, 540102, "XK13-001", "grant", "2026-03-10");
	assert_int_equal(issue(x, 30, D(2026, 3, 20), &lid, &err), SVC_OK);
	struct lc_licence l;
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	assert_string_equal(l.licence_no, "(藏)XK13-001-00001");
	int32_t day = D(2026, 4, 1);

	/* Reason required; a refusal changes nothing. */
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_SUSPEND, NULL, day, 0, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "reason");
	assert_string_equal(err.code, "required");
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_SUSPEND, " \n ", day, 0, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "reason");
	char long_reason[LC_REASON_MAX * 3 + 4] = "";
	for (int i = 0; i <= LC_REASON_MAX; i++)
		strcat(long_reason, "因");
	assert_int_equal(lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_SUSPEND,
	                                          long_reason, day, 0, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "too_long");
	/* Who: an enterprise may not; an officer elsewhere does not see it; a stale version. */
	assert_int_equal(
	    lc_licence_status_change(x->db, &ENTERPRISE, lid, LC_ACTION_SUSPEND, "x", day, 0, &err),
	    SVC_FORBIDDEN);
	assert_int_equal(
	    lc_licence_status_change(x->db, &SHIGATSE, lid, LC_ACTION_SUSPEND, "x", day, 0, &err),
	    SVC_NOT_FOUND);
	assert_int_equal(
	    lc_licence_status_change(x->db, &LHASA, lid, LC_ACTION_SUSPEND, "x", day, 7, &err),
	    SVC_STALE);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	assert_string_equal(l.status, "valid");
	assert_int_equal(l.version, 1);
	/* Restore of a valid licence: conflict. */
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_RESTORE, "x", day, 0, &err),
	    SVC_CONFLICT);

	assert_int_equal(lc_licence_status_change(x->db, &LHASA, lid, LC_ACTION_SUSPEND,
	                                          "  抽检不合格，责令整改  ", day, 1, &err),
	                 SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	assert_string_equal(l.status, "suspended");
	assert_string_equal(l.status_reason, "抽检不合格，责令整改"); /* trimmed */
	assert_int_equal(l.status_on, day);
	assert_int_equal(l.version, 2);
	assert_int_equal(count(x, "SELECT count(*) FROM lc_licence_category WHERE status = "
	                          "'suspended'"),
	                 1);
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_SUSPEND, "x", day, 0, &err),
	    SVC_CONFLICT);
	assert_int_equal(lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_RESTORE, "已整改",
	                                          day + 10, 0, &err),
	                 SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	assert_string_equal(l.status, "valid");
	assert_int_equal(lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_REVOKE,
	                                          "严重违法", day + 20, 0, &err),
	                 SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, lid, &x->a, &l), SVC_OK);
	assert_string_equal(l.status, "revoked");
	assert_int_equal(lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_RESTORE, "x",
	                                          day + 21, 0, &err),
	                 SVC_CONFLICT);
	assert_int_equal(lc_licence_status_change(x->db, &OFFICER, lid, LC_ACTION_REVOKE, "x",
	                                          day + 21, 0, &err),
	                 SVC_CONFLICT);
	assert_int_equal(count(x, "SELECT count(*) FROM audit_log WHERE action IN "
	                          "('licensing.licence.suspend', 'licensing.licence.restore', "
	                          "'licensing.licence.revoke')"),
	                 3);
	/* A suspended licence whose term has ended cannot be restored. */
	int64_t lid2;
	application(x, 31, "food", "new", 0, FIRM, 540102, "101", "grant", "2026-03-10");
	assert_int_equal(issue(x, 31, D(2026, 3, 20), &lid2, &err), SVC_OK);
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, lid2, LC_ACTION_SUSPEND, "x", day, 0, &err),
	    SVC_OK);
	assert_int_equal(lc_licence_status_change(x->db, &OFFICER, lid2, LC_ACTION_RESTORE, "x",
	                                          D(2031, 3, 10), 0, &err),
	                 SVC_CONFLICT);
}

struct collect {
	int n;
	int64_t ids[16];
	char json[4096];
};

static int collect_row(void *ctx, const struct lc_licence *l)
{
	struct collect *c = ctx;
	if (c->n < 16)
		c->ids[c->n] = l->id;
	c->n++;
	return 0;
}

static int list(struct fx *x, const struct actor *who, const char *q, const char *status,
                const char *region, const char *category, int32_t today, struct collect *c)
{
	struct lc_licence_filter f;
	struct field_error err = {0};
	assert_int_equal(
	    lc_licence_filter_parse(&f, q, NULL, status, region, category, NULL, NULL, NULL, &err),
	    SVC_OK);
	memset(c, 0, sizeof *c);
	const char *next;
	assert_int_equal(lc_licence_list(x->db, who, &f, today, &x->a, collect_row, c, &next),
	                 SVC_OK);
	return c->n;
}

static void test_expiry_and_list(void **state)
{
	struct fx *x = *state;
	struct field_error err = {0};
	int64_t a, b, c;
	application(x, 40, "food", "new", 0, FIRM, 540102, "101,124", "grant", "2021-03-10");
	assert_int_equal(issue(x, 40, D(2021, 3, 12), &a, &err), SVC_OK); /* until 2026-03-09 */
	application(x, 41, "food", "new", 0, FIRM2, 540202, "124", "grant", "2026-03-10");
	assert_int_equal(issue(x, 41, D(2026, 3, 12), &b, &err), SVC_OK);
	application(x, 42, "industrial", "new", 0, FIRM, 540102, "XK06-001", "grant", "2026-03-10");
	assert_int_equal(issue(x, 42, D(2026, 3, 12), &c, &err), SVC_OK);
	struct lc_licence l;
	assert_int_equal(lc_licence_read(x->db, &OFFICER, a, &x->a, &l), SVC_OK);
	assert_string_equal(lc_licence_status_at(&l, D(2026, 3, 9)), "valid");
	assert_string_equal(lc_licence_status_at(&l, D(2026, 3, 10)), "expired");
	assert_string_equal(l.status, "valid"); /* stored status never rewritten */
	struct buf j = {0};
	lc_licence_json(&j, &l, D(2026, 3, 10));
	assert_non_null(strstr(j.data, "\"status\":\"expired\""));
	assert_non_null(strstr(j.data, "\"stored_status\":\"valid\""));
	assert_non_null(strstr(j.data, "\"categories\":[\"101\",\"124\"]"));
	buf_free(&j);

	int32_t today = D(2026, 4, 1);
	struct collect r;
	assert_int_equal(list(x, &OFFICER, NULL, NULL, NULL, NULL, today, &r), 3);
	assert_true(r.ids[0] > r.ids[1] && r.ids[1] > r.ids[2]); /* newest first */
	assert_int_equal(list(x, &OFFICER, NULL, "expired", NULL, NULL, today, &r), 1);
	assert_int_equal(r.ids[0], a);
	assert_int_equal(list(x, &OFFICER, NULL, "valid", NULL, NULL, today, &r), 2);
	assert_int_equal(list(x, &OFFICER, NULL, NULL, "540200", NULL, today, &r), 1);
	assert_int_equal(r.ids[0], b);
	assert_int_equal(list(x, &OFFICER, NULL, NULL, NULL, "124", today, &r), 2);
	assert_int_equal(list(x, &OFFICER, "日喀则", NULL, NULL, NULL, today, &r), 1);
	assert_int_equal(list(x, &OFFICER, "XK06", NULL, NULL, NULL, today, &r), 1);
	assert_int_equal(r.ids[0], c);
	assert_int_equal(list(x, &OFFICER, "%", NULL, NULL, NULL, today, &r), 0); /* no wildcard */
	/* Scope: a prefecture's officers, an enterprise. */
	assert_int_equal(list(x, &SHIGATSE, NULL, NULL, NULL, NULL, today, &r), 1);
	assert_int_equal(list(x, &SHIGATSE, NULL, NULL, "540100", NULL, today, &r), 0);
	assert_int_equal(list(x, &LHASA, NULL, NULL, NULL, NULL, today, &r), 2);
	assert_int_equal(list(x, &ENTERPRISE, NULL, NULL, NULL, NULL, today, &r), 2);
	assert_int_equal(lc_licence_read(x->db, &ENTERPRISE, b, &x->a, &l), SVC_NOT_FOUND);
	assert_int_equal(lc_licence_read(x->db, &SHIGATSE, a, &x->a, &l), SVC_NOT_FOUND);

	/* Paging: one at a time, the cursor goes on where the page ended. */
	struct lc_licence_filter f;
	assert_int_equal(
	    lc_licence_filter_parse(&f, NULL, NULL, NULL, NULL, NULL, NULL, "2", NULL, &err),
	    SVC_OK);
	const char *next;
	memset(&r, 0, sizeof r);
	assert_int_equal(lc_licence_list(x->db, &OFFICER, &f, today, &x->a, collect_row, &r, &next),
	                 SVC_OK);
	assert_int_equal(r.n, 2);
	assert_non_null(next);
	assert_int_equal(
	    lc_licence_filter_parse(&f, NULL, NULL, NULL, NULL, NULL, NULL, "2", next, &err),
	    SVC_OK);
	memset(&r, 0, sizeof r);
	assert_int_equal(lc_licence_list(x->db, &OFFICER, &f, today, &x->a, collect_row, &r, &next),
	                 SVC_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ids[0], a);
	assert_null(next);
	/* Bad parameters name themselves. */
	assert_int_equal(
	    lc_licence_filter_parse(&f, NULL, "drugs", NULL, NULL, NULL, NULL, NULL, NULL, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "kind");
	assert_int_equal(
	    lc_licence_filter_parse(&f, NULL, NULL, "lost", NULL, NULL, NULL, NULL, NULL, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "status");
	assert_int_equal(
	    lc_licence_filter_parse(&f, NULL, NULL, NULL, "54", NULL, NULL, NULL, NULL, &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "region");
	assert_int_equal(
	    lc_licence_filter_parse(&f, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "x", &err),
	    SVC_INVALID);
	assert_string_equal(err.field, "cursor");

	/* A certificate: the right title, the number, and the QR address with the number
	 * percent-encoded. */
	struct lc_certificate cert;
	assert_int_equal(lc_licence_read(x->db, &OFFICER, c, &x->a, &l), SVC_OK);
	assert_int_equal(lc_certificate_build(x->db, &l, "https://v.example", today, &x->a, &cert),
	                 SVC_OK);
	assert_string_equal(cert.pdf.title_zh, "全国工业产品生产许可证");
	assert_string_equal(cert.pdf.number, "(藏)XK06-001-00001");
	assert_string_equal(cert.pdf.qr_text, "https://v.example/v/(%E8%97%8F)XK06-001-00001");
	int found = 0;
	for (int i = 0; i < cert.pdf.nfields; i++)
		found += strcmp(cert.fields[i].value, "电线电缆") == 0;
	assert_int_equal(found, 1);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, a, &x->a, &l), SVC_OK);
	assert_int_equal(lc_certificate_build(x->db, &l, "", today, &x->a, &cert), SVC_OK);
	assert_string_equal(cert.pdf.title_zh, "食品生产许可证");
	assert_non_null(strstr(cert.pdf.footer, "已过期"));
	found = 0;
	for (int i = 0; i < cert.pdf.nfields; i++)
		found += strcmp(cert.fields[i].value, "粮食加工品；糕点") == 0 ||
		         strcmp(cert.fields[i].value, "2021年3月10日至2026年3月9日") == 0;
	assert_int_equal(found, 2);
}

struct check_ctx {
	int n;
	const char *results[8];
};

static int check_row(void *ctx, const struct record *r)
{
	struct check_ctx *c = ctx;
	if (c->n < 8)
		c->results[c->n] = r->v[LK_RESULT];
	c->n++;
	return 0;
}

/* Records a check; returns the service result. */
static int check(struct fx *x, const struct actor *who, int64_t lid, const char *on,
                 const char *result, const char *rectify_by, int32_t today, struct field_error *err)
{
	struct record in, out;
	record_init(&in, &LC_CHECK_INPUT_TYPE);
	record_set_str(&in, &x->a, LKI_CHECKED_ON, on);
	record_set_str(&in, &x->a, LKI_INSPECTORS, "次仁、卓玛");
	record_set_str(&in, &x->a, LKI_RESULT, result);
	record_set_str(&in, &x->a, LKI_FINDINGS, "记录齐全");
	if (rectify_by)
		record_set_str(&in, &x->a, LKI_RECTIFY_BY, rectify_by);
	in.present = (1u << LKI_NFIELDS) - 1;
	return lc_check_record(x->db, who, lid, &in, today, &x->a, &out, err);
}

static int due(struct fx *x, const struct actor *who, const char *before, int32_t today,
               struct collect *c)
{
	struct lc_due_filter f;
	struct field_error err = {0};
	assert_int_equal(lc_due_filter_parse(&f, NULL, NULL, before, NULL, NULL, today, &err),
	                 SVC_OK);
	memset(c, 0, sizeof *c);
	const char *next;
	assert_int_equal(lc_due_list(x->db, who, &f, today, &x->a, collect_row, c, &next), SVC_OK);
	return c->n;
}

static void test_checks(void **state)
{
	struct fx *x = *state;
	struct field_error err = {0};
	int64_t a, b;
	application(x, 50, "food", "new", 0, FIRM, 540102, "101", "grant", "2025-01-05");
	assert_int_equal(issue(x, 50, D(2025, 1, 10), &a, &err), SVC_OK); /* due 2026-01-10 */
	application(x, 51, "food", "new", 0, FIRM2, 540202, "124", "grant", "2025-06-01");
	assert_int_equal(issue(x, 51, D(2025, 6, 1), &b, &err), SVC_OK); /* due 2026-06-01 */
	int32_t today = D(2026, 3, 1);
	struct collect r;
	assert_int_equal(due(x, &OFFICER, NULL, today, &r), 1); /* a: overdue */
	assert_int_equal(r.ids[0], a);
	assert_int_equal(due(x, &OFFICER, "2026-06-30", today, &r), 2);
	assert_int_equal(r.ids[0], a); /* soonest first */
	assert_int_equal(r.ids[1], b);
	assert_int_equal(due(x, &SHIGATSE, "2026-06-30", today, &r), 1);
	assert_int_equal(r.ids[0], b);
	struct lc_licence l;
	assert_int_equal(lc_licence_read(x->db, &OFFICER, a, &x->a, &l), SVC_OK);
	struct buf j = {0};
	lc_licence_json(&j, &l, today);
	assert_non_null(strstr(j.data, "\"check_overdue\":true"));
	buf_free(&j);

	/* Refusals, each naming its field; none changes anything. */
	assert_int_equal(check(x, &OFFICER, a, "2026-03-02", "conforming", NULL, today, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "future");
	assert_int_equal(check(x, &OFFICER, a, "2025-01-09", "conforming", NULL, today, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "before_issue");
	assert_int_equal(check(x, &OFFICER, a, "2026-02-10", "rectify", NULL, today, &err),
	                 SVC_INVALID);
	assert_string_equal(err.field, "rectify_by");
	assert_int_equal(check(x, &OFFICER, a, "2026-02-10", "rectify", "2026-02-10", today, &err),
	                 SVC_INVALID);
	assert_string_equal(err.code, "before_check");
	assert_int_equal(
	    check(x, &OFFICER, a, "2026-02-10", "conforming", "2026-04-10", today, &err),
	    SVC_INVALID);
	assert_string_equal(err.code, "not_allowed");
	assert_int_equal(check(x, &ENTERPRISE, a, "2026-02-10", "conforming", NULL, today, &err),
	                 SVC_FORBIDDEN);
	assert_int_equal(check(x, &SHIGATSE, a, "2026-02-10", "conforming", NULL, today, &err),
	                 SVC_NOT_FOUND);
	assert_int_equal(count(x, "SELECT count(*) FROM lc_check"), 0);

	/* Rectify: the next check falls due at the deadline. */
	assert_int_equal(check(x, &LHASA, a, "2026-02-10", "rectify", "2026-04-10", today, &err),
	                 SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, a, &x->a, &l), SVC_OK);
	assert_int_equal(l.last_check_on, D(2026, 2, 10));
	assert_int_equal(l.next_check_due, D(2026, 4, 10));
	assert_int_equal(due(x, &OFFICER, NULL, today, &r), 0);
	/* Conforming: 12 months on. */
	assert_int_equal(check(x, &OFFICER, a, "2026-02-28", "conforming", NULL, today, &err),
	                 SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, a, &x->a, &l), SVC_OK);
	assert_int_equal(l.next_check_due, D(2027, 2, 28));
	/* An older check entered late is kept but moves no date. */
	assert_int_equal(check(x, &OFFICER, a, "2025-12-01", "nonconforming", NULL, today, &err),
	                 SVC_OK);
	assert_int_equal(lc_licence_read(x->db, &OFFICER, a, &x->a, &l), SVC_OK);
	assert_int_equal(l.last_check_on, D(2026, 2, 28));
	assert_int_equal(l.next_check_due, D(2027, 2, 28));
	struct check_ctx cc = {0};
	assert_int_equal(lc_check_list(x->db, &OFFICER, a, &x->a, check_row, &cc), SVC_OK);
	assert_int_equal(cc.n, 3);
	assert_string_equal(cc.results[0], "conforming"); /* newest first */
	assert_string_equal(cc.results[2], "nonconforming");
	assert_int_equal(lc_check_list(x->db, &SHIGATSE, a, &x->a, check_row, &cc), SVC_NOT_FOUND);
	assert_int_equal(count(x, "SELECT count(*) FROM audit_log WHERE action = "
	                          "'licensing.check.record'"),
	                 3);
	/* A suspended licence is still checked, but is not in the due list; a revoked one is
	 * not checked. */
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, b, LC_ACTION_SUSPEND, "x", today, 0, &err),
	    SVC_OK);
	assert_int_equal(due(x, &OFFICER, "2026-06-30", today, &r), 0);
	assert_int_equal(check(x, &OFFICER, b, "2026-02-20", "conforming", NULL, today, &err),
	                 SVC_OK);
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, b, LC_ACTION_REVOKE, "x", today, 0, &err),
	    SVC_OK);
	assert_int_equal(check(x, &OFFICER, b, "2026-02-21", "conforming", NULL, today, &err),
	                 SVC_CONFLICT);
}

struct counts {
	int n;
	char key[16][16];
	int64_t count[16];
};

static int count_row(void *ctx, const char *key, int64_t n)
{
	struct counts *c = ctx;
	snprintf(c->key[c->n], sizeof c->key[c->n], "%s", key);
	c->count[c->n++] = n;
	return 0;
}

/* The count of key in c (0 when absent). */
static int64_t of(const struct counts *c, const char *key)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->key[i], key) == 0)
			return c->count[i];
	return 0;
}

/* Counts by `by` as who on today into c; returns the total. */
static int64_t counts(struct fx *x, const struct actor *who, enum lc_count_by by, int32_t today,
                      struct counts *c)
{
	memset(c, 0, sizeof *c);
	int64_t total;
	assert_int_equal(lc_valid_counts(x->db, who, by, 0, NULL, today, count_row, c, &total),
	                 SVC_OK);
	return total;
}

/* The counts recomputed the slow way from lc_licence alone (categories text, status, expiry). */
static int64_t slow_category(struct fx *x, const char *cat, int32_t today)
{
	char d[11], sql[300];
	date_format(today, d);
	snprintf(
	    sql, sizeof sql,
	    "SELECT count(*) FROM lc_licence WHERE status = 'valid' AND valid_until >= '%s' AND "
	    "(',' || categories || ',') LIKE '%%,%s,%%'",
	    d, cat);
	return count(x, sql);
}

static void test_counts(void **state)
{
	struct fx *x = *state;
	struct field_error err = {0};
	int64_t l1, l2, l3, l4, got;
	int32_t today = D(2026, 4, 1);
	application(x, 60, "food", "new", 0, FIRM, 540102, "101,124", "grant", "2026-03-10");
	assert_int_equal(issue(x, 60, D(2026, 3, 12), &l1, &err), SVC_OK);
	application(x, 61, "food", "new", 0, FIRM, 540103, "124", "grant", "2026-03-10");
	assert_int_equal(issue(x, 61, D(2026, 3, 12), &l2, &err), SVC_OK);
	application(x, 62, "food", "new", 0, FIRM2, 540202, "101", "grant", "2026-03-10");
	assert_int_equal(issue(x, 62, D(2026, 3, 12), &l3, &err), SVC_OK);
	application(x, 63, "food", "new", 0, FIRM2, 540202, "105", "grant", "2021-03-01");
	assert_int_equal(issue(x, 63, D(2021, 3, 1), &l4, &err), SVC_OK); /* expired 2026-02-28 */
	struct counts c;
	assert_int_equal(counts(x, &OFFICER, LC_BY_PREFECTURE, today, &c), 3);
	assert_int_equal(c.n, 2);
	assert_int_equal(of(&c, "540100"), 2);
	assert_int_equal(of(&c, "540200"), 1);
	assert_int_equal(counts(x, &OFFICER, LC_BY_CATEGORY, today, &c), 3);
	assert_int_equal(of(&c, "101"), 2);
	assert_int_equal(of(&c, "124"), 2);
	assert_int_equal(of(&c, "105"), 0); /* expired */
	/* Day before l4 expired, it counts. */
	assert_int_equal(counts(x, &OFFICER, LC_BY_CATEGORY, D(2026, 2, 28), &c), 4);
	assert_int_equal(of(&c, "105"), 1);
	/* Scope. */
	assert_int_equal(counts(x, &SHIGATSE, LC_BY_PREFECTURE, today, &c), 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(counts(x, &ENTERPRISE, LC_BY_CATEGORY, today, &c), 2);
	assert_int_equal(of(&c, "124"), 2);
	assert_int_equal(of(&c, "101"), 1);

	/* Through suspension, restoration, change, cancellation and revocation the counts equal
	 * the slow recount from lc_licence. */
	static const char *const CATS[] = {"101", "105", "124"};
#define SAME()                                                                                     \
	do {                                                                                       \
		counts(x, &OFFICER, LC_BY_CATEGORY, today, &c);                                    \
		for (size_t k = 0; k < 3; k++)                                                     \
			assert_int_equal(of(&c, CATS[k]), slow_category(x, CATS[k], today));       \
	} while (0)
	SAME();
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, l1, LC_ACTION_SUSPEND, "x", today, 0, &err),
	    SVC_OK);
	SAME();
	assert_int_equal(of(&c, "101"), 1);
	assert_int_equal(counts(x, &OFFICER, LC_BY_PREFECTURE, today, &c), 2);
	assert_int_equal(of(&c, "540100"), 1);
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, l1, LC_ACTION_RESTORE, "x", today, 0, &err),
	    SVC_OK);
	SAME();
	application(x, 64, "food", "change", l2, FIRM, 540103, "105,124", "grant", "");
	assert_int_equal(issue(x, 64, today, &got, &err), SVC_OK);
	SAME();
	assert_int_equal(of(&c, "105"), 1);
	application(x, 65, "food", "cancel", l3, FIRM2, 540202, "101", "grant", "");
	assert_int_equal(issue(x, 65, today, &got, &err), SVC_OK);
	SAME();
	assert_int_equal(
	    lc_licence_status_change(x->db, &OFFICER, l2, LC_ACTION_REVOKE, "x", today, 0, &err),
	    SVC_OK);
	SAME();
	assert_int_equal(counts(x, &OFFICER, LC_BY_CATEGORY, today, &c), 1);
	assert_int_equal(of(&c, "101"), 1);
	assert_int_equal(of(&c, "124"), 1);
	assert_int_equal(of(&c, "105"), 0);
#undef SAME
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_issue_change_renew_cancel, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_target, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_status_changes, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_expiry_and_list, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_checks, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_counts, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

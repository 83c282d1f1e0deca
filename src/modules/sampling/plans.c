/*
 * Plans and tasks of supervision sampling: the field tables, the rules (a plan of the actor's
 * own jurisdiction; tasks within the plan's region; changes only while the plan is a draft;
 * approval needs a task), reads with progress counted from the samples, and audited writes.
 * The SQL is in the store functions (store_*) at the top.
 */
#include "plans.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/audit.h"
#include "platform/db.h"

/* ---- The field tables --------------------------------------------------------------------- */

static const char *const PLAN_STATUSES[] = {"draft", "approved", "closed", NULL};

static const struct field_spec PLAN_FIELDS[] = {
    [SPL_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
                "Plan id (a 64-bit number, written as a string)"},
    [SPL_YEAR] = {"year", FT_INT, FF_REQUIRED, 0, 2000, 2199, NULL, NULL, "Year of the plan"},
    [SPL_TITLE] = {"title", FT_TEXT, FF_REQUIRED | FF_TRIM, 200, 0, 0, NULL, NULL, "Title"},
    [SPL_REGION_CODE] = {"region_code", FT_INT, FF_REQUIRED | FF_IMMUTABLE, 0, 110000, 829999, NULL,
                         NULL, "Region of the planning authority (within your jurisdiction)"},
    [SPL_BUDGET_YUAN] = {"budget_yuan", FT_INT, FF_NOT_NULL, 0, 0, 1000000000000LL, NULL, NULL,
                         "Budget, yuan (default 0)"},
    [SPL_WEIGHTED] = {"weighted", FT_BOOL, FF_NOT_NULL, 0, 0, 0, NULL, NULL,
                      "Producer draws weighted by risk (default false)"},
    [SPL_STATUS] = {"status", FT_ENUM, FF_READONLY, 0, 0, 0, PLAN_STATUSES, NULL,
                    "draft, approved or closed"},
    [SPL_CREATED_BY] = {"created_by", FT_TEXT, FF_READONLY, 100, 0, 0, NULL, NULL,
                        "Who drafted it"},
    [SPL_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                        "When the record was created (UTC)"},
    [SPL_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                        "When the record was last changed (UTC)"},
    [SPL_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                     "Version, increased by every change; also the ETag"},
};

_Static_assert(sizeof PLAN_FIELDS / sizeof PLAN_FIELDS[0] == SPL_NFIELDS,
               "every plan field is described");

const struct record_type SP_PLAN_TYPE = {"sampling_plan", PLAN_FIELDS, SPL_NFIELDS};

static const struct field_spec TASK_FIELDS[] = {
    [STK_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL, "Task id"},
    [STK_PLAN_ID] = {"plan_id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL, "Its plan"},
    [STK_PRODUCT] = {"product", FT_CODE, FF_REQUIRED | FF_TRIM | FF_UPPER, 40, 0, 0, NULL, NULL,
                     "Product code of the catalogue"},
    [STK_REGION_CODE] = {"region_code", FT_INT, FF_REQUIRED, 0, 110000, 829999, NULL, NULL,
                         "Where producers are drawn: within the plan's region"},
    [STK_PLANNED] = {"planned", FT_INT, FF_REQUIRED, 0, 1, 100000, NULL, NULL,
                     "Samples planned (at least 1)"},
    [STK_SAMPLED] = {"sampled", FT_INT, FF_READONLY, 0, 0, INT32_MAX, NULL, NULL, "Samples taken"},
    [STK_TESTED] = {"tested", FT_INT, FF_READONLY, 0, 0, INT32_MAX, NULL, NULL,
                    "Samples whose report is approved"},
    [STK_PASSED] = {"passed", FT_INT, FF_READONLY, 0, 0, INT32_MAX, NULL, NULL,
                    "Approved samples whose final verdict is pass"},
    [STK_FAILED] = {"failed", FT_INT, FF_READONLY, 0, 0, INT32_MAX, NULL, NULL,
                    "Approved samples whose final verdict is fail"},
};

_Static_assert(sizeof TASK_FIELDS / sizeof TASK_FIELDS[0] == STK_NFIELDS,
               "every task field is described");

const struct record_type SP_TASK_TYPE = {"sampling_task", TASK_FIELDS, STK_NFIELDS};

/* ---- Store: the SQL ----------------------------------------------------------------------- */

#define PLAN_SELECT                                                                                \
	"SELECT id, year, title, region_code, budget_yuan, weighted, status, created_by, "         \
	"created_at, updated_at, version FROM sp_plan"

#define PLAN_COLS                                                                                  \
	"year, title, region_code, budget_yuan, weighted, status, created_by, created_at, "        \
	"updated_at, version"

#define TASK_SELECT                                                                                \
	"SELECT t.id, t.plan_id, pr.code, t.region_code, t.planned, (SELECT count(*) FROM "        \
	"sp_sample s WHERE s.task_id = t.id), (SELECT count(*) FROM sp_sample s WHERE s.task_id "  \
	"= t.id AND s.status = 'approved'), (SELECT count(*) FROM sp_sample s WHERE s.task_id = "  \
	"t.id AND s.status = 'approved' AND s.final_verdict = 'pass'), (SELECT count(*) FROM "     \
	"sp_sample s WHERE s.task_id = t.id AND s.status = 'approved' AND s.final_verdict = "      \
	"'fail') FROM sp_task t JOIN sp_product pr ON pr.id = t.product_id"

/* Reads plan id regardless of scope: DB_ROW with *out, DB_DONE, or an error. */
static int store_plan_read(struct db *db, int64_t id, struct arena *a, struct record *out)
{
	struct db_stmt *st = db_prepare(db, PLAN_SELECT " WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &SP_PLAN_TYPE, st, 0, SPL_NFIELDS, a);
	db_reset(st);
	return rc;
}

/* The labs of plan id, as text ids in a. DB_DONE or an error. */
static int store_plan_labs(struct db *db, int64_t id, struct arena *a, struct sp_plan *p)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT lab_id FROM sp_plan_lab WHERE plan_id = ? ORDER BY lab_id");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	p->nlabs = 0;
	p->labs = arena_alloc(a, SP_PLAN_LABS_MAX * sizeof *p->labs);
	int rc;
	while ((rc = db_step(st)) == DB_ROW && p->nlabs < SP_PLAN_LABS_MAX)
		p->labs[p->nlabs++] = arena_printf(a, "%lld", (long long)db_col_int64(st, 0));
	db_reset(st);
	return rc == DB_ROW ? DB_DONE : rc;
}

/* Inserts (insert = 1) or overwrites plan id from r. DB_DONE or an error. */
static int store_plan_write(struct db *db, int64_t id, const struct record *r, int insert)
{
	struct db_stmt *st =
	    insert ? db_prepare(db, "INSERT INTO sp_plan (" PLAN_COLS ", id) VALUES (?, ?, ?, ?, "
	                            "?, ?, ?, ?, ?, ?, ?)")
	           : db_prepare(db, "UPDATE sp_plan SET (" PLAN_COLS ") = (?, ?, ?, ?, ?, ?, ?, "
	                            "?, ?, ?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	for (int i = SPL_YEAR; i <= SPL_VERSION; i++)
		db_bind_cstr(st, i, r->v[i]);
	db_bind_int64(st, SPL_VERSION + 1, id);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* Replaces the labs of plan id. DB_DONE or an error (DB_CONSTRAINT for an unknown lab). */
static int store_plan_labs_set(struct db *db, int64_t id, const char *const *labs, int n)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM sp_plan_lab WHERE plan_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	db_reset(st);
	for (int i = 0; i < n && rc == DB_DONE; i++) {
		st = db_prepare(
		    db, "INSERT OR IGNORE INTO sp_plan_lab (plan_id, lab_id) VALUES (?, ?)");
		if (st == NULL)
			return DB_ERROR;
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, record_int_of(labs[i]));
		rc = db_step(st);
		db_reset(st);
	}
	return rc;
}

static int store_exists(struct db *db, const char *sql, int64_t key)
{
	struct db_stmt *st = db_prepare(db, sql);
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, key);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* ---- Rules -------------------------------------------------------------------------------- */

int sp_plan_visible(const struct actor *who, int plan_region)
{
	if (who->entity_code)
		return 0;
	if (actor_region_in_scope(who, plan_region))
		return 1;
	int lo, hi;
	region_subtree(plan_region, &lo, &hi);
	for (int i = 0; i < who->nranges && i < ACTOR_MAX_RANGES; i++)
		if (who->lo[i] >= lo && who->lo[i] <= hi)
			return 1;
	return 0;
}

/* 1 if who may change a plan of plan_region: the region is in who's own jurisdiction. */
static int plan_writable(const struct actor *who, int plan_region)
{
	return !who->entity_code && actor_region_in_scope(who, plan_region);
}

int sp_plan_rules_check(const struct actor *who, const struct record *r, struct field_error *err)
{
	int64_t year = record_int_of(r->v[SPL_YEAR]);
	if (year < 2000 || year > 2199)
		return field_fail(err, "year", "out_of_range", "year must be 2000 to 2199");
	if (record_int_of(r->v[SPL_BUDGET_YUAN]) < 0)
		return field_fail(err, "budget_yuan", "out_of_range",
		                  "budget_yuan must not be negative");
	int region = (int)record_int_of(r->v[SPL_REGION_CODE]);
	if (!plan_writable(who, region))
		return field_fail(err, "region_code", "out_of_scope",
		                  "region %d is not in your jurisdiction", region);
	return 0;
}

int sp_task_rules_check(int plan_region, int task_region, int64_t planned, struct field_error *err)
{
	int lo, hi;
	region_subtree(plan_region, &lo, &hi);
	if (task_region < lo || task_region > hi)
		return field_fail(err, "region_code", "outside_plan",
		                  "region %d is not within the plan's region %d", task_region,
		                  plan_region);
	if (planned < 1)
		return field_fail(err, "planned", "out_of_range", "planned must be at least 1");
	return 0;
}

/* Checks labs[0..n): ids of existing labs, each once, at most SP_PLAN_LABS_MAX. */
static int labs_check(struct db *db, const char *const *labs, int n, struct field_error *err)
{
	if (n > SP_PLAN_LABS_MAX)
		return field_fail(err, "labs", "too_many", "a plan names at most %d labs",
		                  SP_PLAN_LABS_MAX),
		       SVC_INVALID;
	for (int i = 0; i < n; i++) {
		int64_t id;
		if (field_int_parse_cstr(labs[i], 1, INT64_MAX, &id) != 0)
			return field_fail(err, "labs", "invalid", "lab %s is not a lab id",
			                  labs[i]),
			       SVC_INVALID;
		int rc = store_exists(db, "SELECT 1 FROM sp_lab WHERE id = ?", id);
		if (rc < 0)
			return SVC_ERROR;
		if (rc != DB_ROW)
			return field_fail(err, "labs", "unknown_lab", "no lab %s", labs[i]),
			       SVC_INVALID;
		for (int j = 0; j < i; j++)
			if (strcmp(labs[i], labs[j]) == 0)
				return field_fail(err, "labs", "duplicate", "lab %s is named twice",
				                  labs[i]),
				       SVC_INVALID;
	}
	return SVC_OK;
}

static char *plan_json(const struct record *r, const char *const *labs, int n)
{
	struct buf b = {0};
	record_write_json(r, &b);
	b.data[--b.len] = '\0'; /* the closing brace */
	buf_puts(&b, ",\"labs\":[");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s\"%s\"", i ? "," : "", labs[i]);
	buf_puts(&b, "]}");
	return buf_steal(&b, NULL);
}

/* ---- Service: plans ----------------------------------------------------------------------- */

int sp_plan_list(struct db *db, const struct actor *who, int year, const char *status,
                 struct arena *a, sp_plan_fn fn, void *ctx)
{
	if (who->entity_code)
		return SVC_OK;
	struct db_stmt *st =
	    db_prepare(db, PLAN_SELECT " WHERE (? = 0 OR year = ?) AND (? IS NULL OR status = ?) "
	                               "ORDER BY year DESC, id DESC");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, year);
	db_bind_int64(st, 2, year);
	db_bind_cstr(st, 3, status);
	db_bind_cstr(st, 4, status);
	/* Plans are few (tens a year): they are filtered here by sp_plan_visible, whose
	 * "ancestor of the actor's region" is not a range. */
	int n = 0, cap = 0, rc;
	struct sp_plan *plans = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!sp_plan_visible(who, (int)db_col_int64(st, SPL_REGION_CODE)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			struct sp_plan *p = arena_alloc(a, (size_t)cap * sizeof *p);
			if (n)
				memcpy(p, plans, (size_t)n * sizeof *p);
			plans = p;
		}
		record_from_row(&plans[n++].r, &SP_PLAN_TYPE, st, 0, SPL_NFIELDS, a);
	}
	db_reset(st);
	if (rc != DB_DONE)
		return SVC_ERROR;
	for (int i = 0; i < n; i++) {
		if (store_plan_labs(db, record_int_of(plans[i].r.v[SPL_ID]), a, &plans[i]) !=
		    DB_DONE)
			return SVC_ERROR;
		if (fn(ctx, &plans[i]))
			break;
	}
	return SVC_OK;
}

int sp_plan_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                struct sp_plan *out)
{
	int rc = store_plan_read(db, id, a, &out->r);
	if (rc == DB_DONE ||
	    (rc == DB_ROW && !sp_plan_visible(who, (int)record_int_of(out->r.v[SPL_REGION_CODE]))))
		return SVC_NOT_FOUND;
	if (rc != DB_ROW || store_plan_labs(db, id, a, out) != DB_DONE)
		return SVC_ERROR;
	return SVC_OK;
}

int sp_plan_create(struct db *db, const struct actor *who, const struct record *in,
                   const char *const *labs, int nlabs, struct arena *a, struct sp_plan *out,
                   struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	struct record r = *in;
	if (r.v[SPL_BUDGET_YUAN] == NULL)
		record_set_str(&r, a, SPL_BUDGET_YUAN, "0");
	if (r.v[SPL_WEIGHTED] == NULL)
		record_set_str(&r, a, SPL_WEIGHTED, "0");
	if (sp_plan_rules_check(who, &r, err) != 0)
		return SVC_INVALID;
	char now[32];
	now_iso(now);
	record_set_str(&r, a, SPL_STATUS, "draft");
	record_set_str(&r, a, SPL_CREATED_BY, who->name);
	record_set_str(&r, a, SPL_CREATED_AT, now);
	record_set_str(&r, a, SPL_UPDATED_AT, now);
	record_set_str(&r, a, SPL_VERSION, "1");

	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	int rc = store_exists(db, "SELECT 1 FROM region WHERE code = ?",
	                      record_int_of(r.v[SPL_REGION_CODE]));
	if (rc != DB_ROW) {
		db_rollback(db);
		return rc < 0 ? SVC_ERROR
		              : (field_fail(err, "region_code", "unknown_region", "no region %s",
		                            r.v[SPL_REGION_CODE]),
		                 SVC_INVALID);
	}
	rc = labs_check(db, labs, nlabs, err);
	if (rc != SVC_OK) {
		db_rollback(db);
		return rc;
	}
	int64_t id;
	char *aj = NULL;
	if (db_id_next(db, &id) != 0)
		goto fail;
	record_set_int(&r, a, SPL_ID, id);
	aj = plan_json(&r, labs, nlabs);
	if (store_plan_write(db, id, &r, 1) != DB_DONE ||
	    store_plan_labs_set(db, id, labs, nlabs) != DB_DONE ||
	    audit_append(db, who, "sampling.plan.create", "sampling_plan", r.v[SPL_ID], NULL, aj,
	                 "ok") != 0 ||
	    db_commit(db) != 0)
		goto fail;
	free(aj);
	out->r = r;
	out->nlabs = nlabs;
	out->labs = arena_alloc(a, (size_t)(nlabs ? nlabs : 1) * sizeof *out->labs);
	for (int i = 0; i < nlabs; i++)
		out->labs[i] = arena_strdup(a, labs[i]);
	return SVC_OK;
fail:
	free(aj);
	db_rollback(db);
	return SVC_ERROR;
}

/*
 * The start of every change of a plan, inside the write transaction: reads it (visible to
 * who, else SVC_NOT_FOUND), in who's own jurisdiction (SVC_FORBIDDEN), a draft
 * (SVC_CONFLICT), at the version asked (SVC_STALE). On failure the transaction is rolled back.
 */
static int plan_open(struct db *db, const struct actor *who, int64_t id, int64_t if_version,
                     struct arena *a, struct sp_plan *p, struct field_error *err)
{
	int rc = store_plan_read(db, id, a, &p->r);
	int svc = SVC_OK;
	int region = rc == DB_ROW ? (int)record_int_of(p->r.v[SPL_REGION_CODE]) : 0;
	if (rc < 0)
		svc = SVC_ERROR;
	else if (rc == DB_DONE || !sp_plan_visible(who, region))
		svc = SVC_NOT_FOUND;
	else if (!plan_writable(who, region))
		svc = (field_fail(err, "region_code", "out_of_scope",
		                  "the plan of region %d is not yours to change", region),
		       SVC_FORBIDDEN);
	else if (!text_is(p->r.v[SPL_STATUS], "draft"))
		svc = (field_fail(err, "status", "not_draft",
		                  "the plan is %s; only a draft changes", p->r.v[SPL_STATUS]),
		       SVC_CONFLICT);
	else if (if_version && if_version != record_int_of(p->r.v[SPL_VERSION]))
		svc = SVC_STALE;
	else if (store_plan_labs(db, id, a, p) != DB_DONE)
		svc = SVC_ERROR;
	if (svc != SVC_OK)
		db_rollback(db);
	return svc;
}

/* Writes the changed plan r (labs: new ones, or NULL to keep p's), audits action, commits. */
static int plan_save(struct db *db, const struct actor *who, const struct sp_plan *before,
                     struct record *r, const char *const *labs, int nlabs, const char *action,
                     struct arena *a, struct sp_plan *out)
{
	char now[32];
	now_iso(now);
	int64_t id = record_int_of(r->v[SPL_ID]);
	record_set_str(r, a, SPL_UPDATED_AT, now);
	record_set_int(r, a, SPL_VERSION, record_int_of(before->r.v[SPL_VERSION]) + 1);
	if (labs == NULL) {
		labs = before->labs;
		nlabs = before->nlabs;
	}
	char *bj = plan_json(&before->r, before->labs, before->nlabs);
	char *aj = plan_json(r, labs, nlabs);
	int ok = store_plan_write(db, id, r, 0) == DB_DONE &&
	         store_plan_labs_set(db, id, labs, nlabs) == DB_DONE &&
	         audit_append(db, who, action, "sampling_plan", r->v[SPL_ID], bj, aj, "ok") == 0 &&
	         db_commit(db) == 0;
	free(bj);
	free(aj);
	if (!ok) {
		db_rollback(db);
		return SVC_ERROR;
	}
	out->r = *r;
	out->nlabs = nlabs;
	out->labs = arena_alloc(a, (size_t)(nlabs ? nlabs : 1) * sizeof *out->labs);
	for (int i = 0; i < nlabs; i++)
		out->labs[i] = arena_strdup(a, labs[i]);
	return SVC_OK;
}

int sp_plan_update(struct db *db, const struct actor *who, int64_t id, const struct record *patch,
                   const char *const *labs, int nlabs, int64_t if_version, struct arena *a,
                   struct sp_plan *out, struct field_error *err)
{
	if (record_check(patch, 1, err) != 0)
		return SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_plan before;
	int rc = plan_open(db, who, id, if_version, a, &before, err);
	if (rc != SVC_OK)
		return rc;
	struct record r = before.r;
	record_apply_patch(&r, patch);
	if (sp_plan_rules_check(who, &r, err) != 0) {
		db_rollback(db);
		return SVC_INVALID;
	}
	if (nlabs >= 0) {
		rc = labs_check(db, labs, nlabs, err);
		if (rc != SVC_OK) {
			db_rollback(db);
			return rc;
		}
	}
	return plan_save(db, who, &before, &r, nlabs >= 0 ? labs : NULL, nlabs,
	                 "sampling.plan.update", a, out);
}

int sp_plan_approve(struct db *db, const struct actor *who, int64_t id, int64_t if_version,
                    struct arena *a, struct sp_plan *out, struct field_error *err)
{
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_plan before;
	int rc = plan_open(db, who, id, if_version, a, &before, err);
	if (rc != SVC_OK)
		return rc;
	rc = store_exists(db, "SELECT 1 FROM sp_task WHERE plan_id = ? LIMIT 1", id);
	if (rc != DB_ROW) {
		db_rollback(db);
		return rc < 0 ? SVC_ERROR
		              : (field_fail(err, NULL, "no_tasks",
		                            "a plan is approved with at least one task"),
		                 SVC_CONFLICT);
	}
	struct record r = before.r;
	record_set_str(&r, a, SPL_STATUS, "approved");
	return plan_save(db, who, &before, &r, NULL, 0, "sampling.plan.approve", a, out);
}

int sp_plan_totals_write_json(struct db *db, const struct actor *who, int64_t id, struct buf *out)
{
	struct scope sc;
	if (scope_make(who, 0, &sc) != 0 || who->entity_code) {
		buf_puts(out, "{\"tasks\":0,\"planned\":0,\"sampled\":0,\"tested\":0,\"passed\":0,"
		              "\"failed\":0,\"by_prefecture\":[]}");
		return SVC_OK;
	}
	sc.entity = NULL;
	struct buf sql = {0};
	buf_puts(&sql, "SELECT t.region_code / 100 * 100 AS pref, count(*), sum(t.planned), "
	               "sum(x.sampled), sum(x.tested), sum(x.passed), sum(x.failed) FROM sp_task t "
	               "JOIN (SELECT t2.id AS id, count(s.id) AS sampled, count(CASE WHEN "
	               "s.status = 'approved' THEN 1 END) AS tested, count(CASE WHEN s.status = "
	               "'approved' AND s.final_verdict = 'pass' THEN 1 END) AS passed, count(CASE "
	               "WHEN s.status = 'approved' AND s.final_verdict = 'fail' THEN 1 END) AS "
	               "failed FROM sp_task t2 LEFT JOIN sp_sample s ON s.task_id = t2.id WHERE "
	               "t2.plan_id = ? GROUP BY t2.id) x ON x.id = t.id WHERE t.plan_id = ?");
	scope_sql(&sql, &sc, "t.region_code", NULL);
	buf_puts(&sql, " GROUP BY pref ORDER BY pref");
	struct db_stmt *st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	db_bind_int64(st, i++, id);
	db_bind_int64(st, i++, id);
	scope_bind(st, &i, &sc);
	int64_t sum[6] = {0};
	struct buf by = {0};
	int rc, n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t v[6];
		for (int k = 0; k < 6; k++) {
			v[k] = db_col_int64(st, k + 1);
			sum[k] += v[k];
		}
		buf_printf(
		    &by,
		    "%s{\"region_code\":%lld,\"tasks\":%lld,\"planned\":%lld,\"sampled\":%lld,"
		    "\"tested\":%lld,\"passed\":%lld,\"failed\":%lld}",
		    n++ ? "," : "", (long long)db_col_int64(st, 0), (long long)v[0],
		    (long long)v[1], (long long)v[2], (long long)v[3], (long long)v[4],
		    (long long)v[5]);
	}
	db_finalize(st);
	if (rc != DB_DONE) {
		buf_free(&by);
		return SVC_ERROR;
	}
	buf_printf(out,
	           "{\"tasks\":%lld,\"planned\":%lld,\"sampled\":%lld,\"tested\":%lld,\"passed\":"
	           "%lld,\"failed\":%lld,\"by_prefecture\":[%s]}",
	           (long long)sum[0], (long long)sum[1], (long long)sum[2], (long long)sum[3],
	           (long long)sum[4], (long long)sum[5], by.data ? by.data : "");
	buf_free(&by);
	return SVC_OK;
}

/* ---- Service: tasks ----------------------------------------------------------------------- */

int sp_task_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                struct sp_task_info *out)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT t.id, t.plan_id, p.year, p.region_code, p.status, p.weighted, "
	        "t.product_id, pr.code, t.region_code, t.planned FROM sp_task t JOIN sp_plan p ON "
	        "p.id = t.plan_id JOIN sp_product pr ON pr.id = t.product_id WHERE t.id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_int64(st, 0);
		out->plan_id = db_col_int64(st, 1);
		out->plan_year = (int)db_col_int64(st, 2);
		out->plan_region = (int)db_col_int64(st, 3);
		out->plan_status = arena_strdup(a, db_col_text(st, 4, NULL));
		out->weighted = db_col_int64(st, 5) != 0;
		out->product_id = db_col_int64(st, 6);
		out->product_code = arena_strdup(a, db_col_text(st, 7, NULL));
		out->region_code = (int)db_col_int64(st, 8);
		out->planned = (int)db_col_int64(st, 9);
	}
	db_reset(st);
	if (rc < 0)
		return SVC_ERROR;
	if (rc == DB_DONE || who->entity_code || !actor_region_in_scope(who, out->region_code))
		return SVC_NOT_FOUND;
	return SVC_OK;
}

int sp_task_list(struct db *db, const struct actor *who, int64_t plan_id, struct arena *a,
                 sp_task_fn fn, void *ctx)
{
	struct record plan;
	int rc = store_plan_read(db, plan_id, a, &plan);
	if (rc < 0)
		return SVC_ERROR;
	if (rc == DB_DONE || !sp_plan_visible(who, (int)record_int_of(plan.v[SPL_REGION_CODE])))
		return SVC_NOT_FOUND;
	struct scope sc;
	if (scope_make(who, 0, &sc) != 0)
		return SVC_OK;
	sc.entity = NULL; /* sp_plan_visible refused enterprise accounts */
	struct buf sql = {0};
	buf_puts(&sql, TASK_SELECT " WHERE t.plan_id = ?");
	scope_sql(&sql, &sc, "t.region_code", NULL);
	buf_puts(&sql, " ORDER BY t.region_code, pr.code");
	struct db_stmt *st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	db_bind_int64(st, i++, plan_id);
	scope_bind(st, &i, &sc);
	struct record r;
	while ((rc = db_step(st)) == DB_ROW) {
		record_from_row(&r, &SP_TASK_TYPE, st, 0, STK_NFIELDS, a);
		if (fn(ctx, &r))
			break;
	}
	db_finalize(st);
	return rc < 0 ? SVC_ERROR : SVC_OK;
}

/* Reads task id with progress regardless of scope: DB_ROW, DB_DONE or an error. */
static int store_task_read(struct db *db, int64_t id, struct arena *a, struct record *out)
{
	struct db_stmt *st = db_prepare(db, TASK_SELECT " WHERE t.id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &SP_TASK_TYPE, st, 0, STK_NFIELDS, a);
	db_reset(st);
	return rc;
}

int sp_task_read(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                 struct record *out)
{
	int rc = store_task_read(db, id, a, out);
	if (rc < 0)
		return SVC_ERROR;
	if (rc == DB_DONE || who->entity_code ||
	    !actor_region_in_scope(who, (int)record_int_of(out->v[STK_REGION_CODE])))
		return SVC_NOT_FOUND;
	return SVC_OK;
}

int sp_task_create(struct db *db, const struct actor *who, int64_t plan_id, const struct record *in,
                   struct arena *a, struct record *out, struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	int region = (int)record_int_of(in->v[STK_REGION_CODE]);
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_plan plan;
	int rc = plan_open(db, who, plan_id, 0, a, &plan, err);
	if (rc != SVC_OK)
		return rc;
	int plan_region = (int)record_int_of(plan.r.v[SPL_REGION_CODE]);
	int64_t product_id = 0;
	struct db_stmt *st;
	if (sp_task_rules_check(plan_region, region, record_int_of(in->v[STK_PLANNED]), err) != 0) {
		rc = SVC_INVALID;
		goto out;
	}
	if (!actor_region_in_scope(who, region)) {
		field_fail(err, "region_code", "out_of_scope",
		           "region %d is not in your jurisdiction", region);
		rc = SVC_INVALID;
		goto out;
	}
	rc = store_exists(db, "SELECT 1 FROM region WHERE code = ?", region);
	if (rc != DB_ROW) {
		if (rc == DB_DONE)
			field_fail(err, "region_code", "unknown_region", "no region %d", region);
		rc = rc < 0 ? SVC_ERROR : SVC_INVALID;
		goto out;
	}
	st = db_prepare(db, "SELECT id FROM sp_product WHERE code = ?");
	if (st == NULL) {
		rc = SVC_ERROR;
		goto out;
	}
	db_bind_cstr(st, 1, in->v[STK_PRODUCT]);
	rc = db_step(st);
	if (rc == DB_ROW)
		product_id = db_col_int64(st, 0);
	db_reset(st);
	if (rc != DB_ROW) {
		if (rc == DB_DONE)
			field_fail(err, "product", "unknown_product",
			           "product %s is not in the catalogue", in->v[STK_PRODUCT]);
		rc = rc < 0 ? SVC_ERROR : SVC_INVALID;
		goto out;
	}
	int64_t id;
	if (db_id_next(db, &id) != 0) {
		rc = SVC_ERROR;
		goto out;
	}
	st = db_prepare(db, "INSERT INTO sp_task (id, plan_id, product_id, region_code, planned) "
	                    "VALUES (?, ?, ?, ?, ?)");
	if (st == NULL) {
		rc = SVC_ERROR;
		goto out;
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, plan_id);
	db_bind_int64(st, 3, product_id);
	db_bind_int64(st, 4, region);
	db_bind_int64(st, 5, record_int_of(in->v[STK_PLANNED]));
	rc = db_step(st);
	db_reset(st);
	if (rc == DB_CONSTRAINT) {
		field_fail(err, "product", "duplicate",
		           "the plan has a task for %s in region %d already", in->v[STK_PRODUCT],
		           region);
		rc = SVC_CONFLICT;
		goto out;
	}
	if (rc != DB_DONE || store_task_read(db, id, a, out) != DB_ROW) {
		rc = SVC_ERROR;
		goto out;
	}
	char *aj = record_to_json(out);
	rc = audit_append(db, who, "sampling.task.create", "sampling_task", out->v[STK_ID], NULL,
	                  aj, "ok") == 0 &&
	             db_commit(db) == 0
	         ? SVC_OK
	         : SVC_ERROR;
	free(aj);
out:
	if (rc != SVC_OK)
		db_rollback(db);
	return rc;
}

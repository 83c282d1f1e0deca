/*
 * Plans of supervision sampling and their tasks: a plan (a year's programme of a planning
 * authority, with the labs it uses) is drafted, given tasks (a product in a region, with the
 * number of samples planned) and approved; only an approved plan's tasks are drawn and
 * sampled. Progress (sampled, tested, passed, failed) is counted from the samples.
 */
#ifndef JZ_SAMPLING_PLANS_H
#define JZ_SAMPLING_PLANS_H

#include <stdint.h>

#include "modules/sampling/common.h"

#define SP_PLAN_LABS_MAX 100 /* labs named by one plan */

/* A task as the draw and sample parts need it (strings in the caller's arena). */
struct sp_task_info {
	int64_t id;
	int64_t plan_id;
	int plan_year;
	int plan_region;         /* the planning authority's region */
	const char *plan_status; /* draft, approved, closed */
	int weighted;            /* 1: producer draws weighted by risk */
	int64_t product_id;
	const char *product_code;
	int region_code; /* where producers are drawn */
	int planned;     /* samples planned */
};

/* Reads task id if its region is in who's scope. SVC_OK with *out, SVC_NOT_FOUND (absent or
 * outside the scope), SVC_ERROR. */
int sp_task_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                struct sp_task_info *out);

/* The fields of a plan. */
enum sp_plan_field {
	SPL_ID,
	SPL_YEAR,
	SPL_TITLE,
	SPL_REGION_CODE,
	SPL_BUDGET_YUAN,
	SPL_WEIGHTED,
	SPL_STATUS,
	SPL_CREATED_BY,
	SPL_CREATED_AT,
	SPL_UPDATED_AT,
	SPL_VERSION,
	SPL_NFIELDS
};

extern const struct record_type SP_PLAN_TYPE;

/* The fields of a task (progress is computed). */
enum sp_task_field {
	STK_ID,
	STK_PLAN_ID,
	STK_PRODUCT,
	STK_REGION_CODE,
	STK_PLANNED,
	STK_SAMPLED,
	STK_TESTED,
	STK_PASSED,
	STK_FAILED,
	STK_NFIELDS
};

extern const struct record_type SP_TASK_TYPE;

/* A plan with its labs (ids as text, in a). */
struct sp_plan {
	struct record r;   /* the fields */
	int nlabs;         /* labs named */
	const char **labs; /* their ids */
};

/* 1 if a plan of region plan_region is visible to who: the region is in who's scope, or is an
 * ancestor of a region of who's scope (a prefecture sees the regional plan, whose tasks for
 * it are its work). */
int sp_plan_visible(const struct actor *who, int plan_region);

/*
 * Checks the rules of a plan record as it will be stored: year 2000..2199, budget >= 0,
 * region_code in who's jurisdiction (field region_code, code "out_of_scope"). Returns 0 or -1
 * with *err. (Pure: unit-tested.)
 */
int sp_plan_rules_check(const struct actor *who, const struct record *r, struct field_error *err);

/* Checks a task's place: its region (task_region) lies in the plan's region subtree and
 * planned > 0. Returns 0 or -1 with *err naming region_code or planned. (Pure.) */
int sp_task_rules_check(int plan_region, int task_region, int64_t planned, struct field_error *err);

/* Called per plan of a list; return non-zero to stop. */
typedef int (*sp_plan_fn)(void *ctx, const struct sp_plan *p);

/* Lists the plans visible to who (year 0: any; status NULL: any), newest year first.
 * SVC_OK or SVC_ERROR. */
int sp_plan_list(struct db *db, const struct actor *who, int year, const char *status,
                 struct arena *a, sp_plan_fn fn, void *ctx);

/* Reads plan id. SVC_OK, SVC_NOT_FOUND (absent or not visible), SVC_ERROR. */
int sp_plan_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                struct sp_plan *out);

/* Creates a draft plan naming labs[0..nlabs) (each an existing lab: SVC_INVALID naming
 * "labs"). Audited. SVC_OK with *out, SVC_INVALID with *err, SVC_ERROR. */
int sp_plan_create(struct db *db, const struct actor *who, const struct record *in,
                   const char *const *labs, int nlabs, struct arena *a, struct sp_plan *out,
                   struct field_error *err);

/* Changes a draft plan (labs < 0: labs unchanged). A plan no longer draft: SVC_CONFLICT
 * (code "not_draft"). if_version (0: any) must match. Audited. */
int sp_plan_update(struct db *db, const struct actor *who, int64_t id, const struct record *patch,
                   const char *const *labs, int nlabs, int64_t if_version, struct arena *a,
                   struct sp_plan *out, struct field_error *err);

/* Approves a draft plan with at least one task (else SVC_CONFLICT, code "no_tasks" or
 * "not_draft"); the approver's scope must hold the plan's region. Audited. */
int sp_plan_approve(struct db *db, const struct actor *who, int64_t id, int64_t if_version,
                    struct arena *a, struct sp_plan *out, struct field_error *err);

/* Appends {"planned":n,"tasks":n,"by_prefecture":[{"region_code":c,"planned":n}]} of plan id
 * (tasks within who's scope when the plan's region is not). SVC_OK or SVC_ERROR. */
int sp_plan_totals_write_json(struct db *db, const struct actor *who, int64_t id, struct buf *out);

/* Called per task of a list; return non-zero to stop. */
typedef int (*sp_task_fn)(void *ctx, const struct record *r);

/* Lists the tasks of plan id whose region is in who's scope, with progress. SVC_OK,
 * SVC_NOT_FOUND (plan not visible), SVC_ERROR. */
int sp_task_list(struct db *db, const struct actor *who, int64_t plan_id, struct arena *a,
                 sp_task_fn fn, void *ctx);

/* Reads task id with its progress. SVC_OK, SVC_NOT_FOUND, SVC_ERROR. */
int sp_task_read(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                 struct record *out);

/* Adds a task to draft plan plan_id: product a catalogue code (SVC_INVALID "product"),
 * region within the plan's subtree and who's scope, planned > 0; the same product and region
 * twice: SVC_CONFLICT ("duplicate"); plan not draft: SVC_CONFLICT ("not_draft"). Audited. */
int sp_task_create(struct db *db, const struct actor *who, int64_t plan_id, const struct record *in,
                   struct arena *a, struct record *out, struct field_error *err);

struct route_table;

/* Routes of plans and tasks (api_plans.c). */
extern const struct route_table SP_PLAN_ROUTE_TABLE;

/* Appends the OpenAPI component schemas of those routes (each followed by a comma). */
void sp_plan_schemas_write(struct buf *out);

#endif

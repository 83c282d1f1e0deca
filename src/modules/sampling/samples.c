/*
 * Samples: the field table, the store SQL (store_* at the top), and the rules of the sample's
 * record: what the producer gave and signed (see samples.h; workflow.c takes it through the lab).
 */
#include "samples.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "modules/sampling/catalogue.h"
#include "modules/sampling/draw.h"
#include "modules/sampling/judge.h"
#include "modules/sampling/plans.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* ---- The field table ---------------------------------------------------------------------- */

static const char *const RESPONSES[] = {"confirmed", "refused", NULL};
static const char *const STATUSES[] = {"sampled",  "refused",  "testing", "submitted",
                                       "reviewed", "approved", NULL};
static const char *const VERDICTS[] = {"pass", "fail", NULL};

#define TEXT(name, flags, max, what)                                                               \
	{                                                                                          \
		name, FT_TEXT, (flags) | FF_TRIM, max, 0, 0, NULL, NULL, what                      \
	}
#define SERVER(name, type, what)                                                                   \
	{                                                                                          \
		name, type, FF_READONLY, 0, 0, 0, NULL, NULL, what                                 \
	}

static const struct field_spec SAMPLE_FIELDS[] = {
    [SS_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Sample id (a 64-bit number, written as a string)"},
    [SS_SAMPLE_NO] = {"sample_no", FT_CODE, FF_READONLY, 40, 0, 0, NULL, NULL,
                      "Sample number, CC<year>-<prefecture>-<sequence>"},
    [SS_TASK_ID] = {"task_id", FT_INT, FF_REQUIRED | FF_IMMUTABLE, 0, 1, INT64_MAX, NULL, NULL,
                    "The plan task this sample fulfils (its plan must be approved)"},
    [SS_DRAW_ID] = {"draw_id", FT_INT, FF_IMMUTABLE, 0, 1, INT64_MAX, NULL, NULL,
                    "The draw that picked the producer (drawn, of the same task)"},
    [SS_PRODUCT] = {"product", FT_CODE, FF_READONLY, 40, 0, 0, NULL, NULL,
                    "Product code (the task's)"},
    [SS_PRODUCER] = {"producer", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_TRIM | FF_UPPER, 18, 0, 0,
                     NULL, field_credit_code_shape,
                     "Credit code of the producer: a registered, active enterprise within the "
                     "task's region"},
    [SS_PRODUCER_NAME] = SERVER("producer_name", FT_TEXT, "The producer's registered name"),
    [SS_REGION_CODE] = SERVER("region_code", FT_INT, "The producer's county"),
    [SS_INDUSTRY] = SERVER("industry", FT_CODE, "The producer's industry when sampled"),
    [SS_BRAND] = TEXT("brand", 0, 100, "Brand (trade mark)"),
    [SS_SPECIFICATION] = TEXT("specification", 0, 100, "Specification or model"),
    [SS_BATCH] = TEXT("batch", 0, 100, "Batch number"),
    [SS_PRODUCTION_DATE] = {"production_date", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                            "Production date (not after sampled_on)"},
    [SS_QUANTITY_SAMPLED] = {"quantity_sampled", FT_INT, FF_REQUIRED, 0, 1, 100000, NULL, NULL,
                             "Quantity taken for testing"},
    [SS_QUANTITY_RESERVE] = {"quantity_reserve", FT_INT, FF_NOT_NULL, 0, 0, 100000, NULL, NULL,
                             "Quantity sealed in reserve for a re-test (default 0)"},
    [SS_QUANTITY_UNIT] = TEXT("quantity_unit", FF_REQUIRED, 20, "Unit of the quantities"),
    [SS_SEAL_NO] = TEXT("seal_no", 0, 60, "Number of the seal put on the samples"),
    [SS_SAMPLERS] = TEXT("samplers", FF_REQUIRED, 200, "Names of the samplers (at least two)"),
    [SS_PLACE] = TEXT("place", FF_REQUIRED, 200, "Where the sample was taken"),
    [SS_SAMPLED_ON] = {"sampled_on", FT_DATE, FF_REQUIRED, 0, 0, 0, NULL, NULL,
                       "Day of sampling (not in the future)"},
    [SS_PRODUCER_RESPONSE] = {"producer_response", FT_ENUM, FF_NOT_NULL, 0, 0, 0, RESPONSES, NULL,
                              "confirmed (default) or refused: the producer's signature"},
    [SS_REFUSAL_REASON] = TEXT("refusal_reason", FF_MULTILINE, 1000,
                               "Why the producer refused (required with refused)"),
    [SS_LAB_ID] = SERVER("lab_id", FT_CODE, "The lab the sample was assigned to"),
    [SS_RECEIVED_ON] = SERVER("received_on", FT_DATE, "Day the lab received it"),
    [SS_STATUS] = {"status", FT_ENUM, FF_READONLY, 0, 0, 0, STATUSES, NULL,
                   "sampled, refused, testing, submitted, reviewed or approved"},
    [SS_VERDICT] = {"verdict", FT_ENUM, FF_READONLY, 0, 0, 0, VERDICTS, NULL,
                    "Verdict of the original test (from its items)"},
    [SS_FINAL_VERDICT] = {"final_verdict", FT_ENUM, FF_READONLY, 0, 0, 0, VERDICTS, NULL,
                          "Verdict once approved; a re-test may change it"},
    [SS_ANALYST] = SERVER("analyst", FT_TEXT, "Who entered and submitted the results"),
    [SS_REVIEWER] = SERVER("reviewer", FT_TEXT, "Who reviewed the report"),
    [SS_APPROVER] = SERVER("approver", FT_TEXT, "Who approved the report"),
    [SS_APPROVED_ON] = SERVER("approved_on", FT_DATE, "Day of approval"),
    [SS_NOTIFIED_ON] = SERVER("notified_on", FT_DATE,
                              "Day the producer received the result; the objection window runs "
                              "from it"),
    [SS_CREATED_BY] = SERVER("created_by", FT_TEXT, "Who recorded the sample"),
    [SS_CREATED_AT] = SERVER("created_at", FT_STAMP, "When the record was created (UTC)"),
    [SS_UPDATED_AT] = SERVER("updated_at", FT_STAMP, "When the record was last changed (UTC)"),
    [SS_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                    "Version, increased by every change; also the ETag"},
};

_Static_assert(sizeof SAMPLE_FIELDS / sizeof SAMPLE_FIELDS[0] == SS_NFIELDS,
               "every sample field is described");

const struct record_type SP_SAMPLE_TYPE = {"sampling_sample", SAMPLE_FIELDS, SS_NFIELDS};

/* ---- Store: the SQL ----------------------------------------------------------------------- */

/* Columns in field order (producer_name is filled from the registry after reading). */
#define SELECT                                                                                     \
	"SELECT s.id, s.sample_no, s.task_id, s.draw_id, p.code, s.producer, NULL, "               \
	"s.region_code, "                                                                          \
	"s.industry, s.brand, s.specification, s.batch, s.production_date, s.quantity_sampled, "   \
	"s.quantity_reserve, s.quantity_unit, s.seal_no, s.samplers, s.place, s.sampled_on, "      \
	"s.producer_response, s.refusal_reason, s.lab_id, s.received_on, s.status, s.verdict, "    \
	"s.final_verdict, s.analyst, s.reviewer, s.approver, s.approved_on, s.notified_on, "       \
	"s.created_by, s.created_at, s.updated_at, s.version, s.product_id "                       \
	"FROM sp_sample s JOIN sp_product p ON p.id = s.product_id"

/* Stored columns written from the record, in field order from brand to version. */
#define WRITE_COLS                                                                                 \
	"brand, specification, batch, production_date, quantity_sampled, quantity_reserve, "       \
	"quantity_unit, seal_no, samplers, place, sampled_on, producer_response, refusal_reason, " \
	"lab_id, received_on, status, verdict, final_verdict, analyst, reviewer, approver, "       \
	"approved_on, notified_on, created_by, created_at, updated_at, version"
#define NWRITE (SS_VERSION - SS_BRAND + 1)

static int store_sample_read(struct db *db, int64_t id, struct arena *a, struct record *out,
                             int64_t *product_id)
{
	struct db_stmt *st = db_prepare(db, SELECT " WHERE s.id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		record_from_row(out, &SP_SAMPLE_TYPE, st, 0, SS_NFIELDS, a);
		if (product_id)
			*product_id = db_col_int64(st, SS_NFIELDS);
	}
	db_reset(st);
	return rc;
}

/* Writes r over row id (insert: a new row of product_id, with the immutable columns too). */
static int store_sample_write(struct db *db, int64_t id, int64_t product_id, int year, int quarter,
                              const struct record *r, int insert)
{
	struct db_stmt *st =
	    insert
	        ? db_prepare(db,
	                     "INSERT INTO sp_sample (" WRITE_COLS
	                     ", id, sample_no, task_id, draw_id, product_id, producer, "
	                     "region_code, industry, year, quarter) VALUES (?, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?, ?)")
	        : db_prepare(db,
	                     "UPDATE sp_sample SET (" WRITE_COLS
	                     ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                     "?, ?, ?, ?, ?, ?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	for (int i = SS_BRAND; i <= SS_VERSION; i++)
		db_bind_cstr(st, i - SS_BRAND + 1, r->v[i]);
	int k = NWRITE + 1;
	db_bind_int64(st, k++, id);
	if (insert) {
		db_bind_cstr(st, k++, r->v[SS_SAMPLE_NO]);
		db_bind_cstr(st, k++, r->v[SS_TASK_ID]);
		db_bind_cstr(st, k++, r->v[SS_DRAW_ID]);
		db_bind_int64(st, k++, product_id);
		db_bind_cstr(st, k++, r->v[SS_PRODUCER]);
		db_bind_cstr(st, k++, r->v[SS_REGION_CODE]);
		db_bind_cstr(st, k++, r->v[SS_INDUSTRY]);
		db_bind_int64(st, k++, year);
		db_bind_int64(st, k++, quarter);
	}
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* The next sample number with prefix ("CC2026-5401-"): one more than the greatest. */
static int store_next_number(struct db *db, const char *prefix, int64_t *seq)
{
	struct db_stmt *st = db_prepare(db, "SELECT max(sample_no) FROM sp_sample WHERE sample_no "
	                                    ">= ? AND sample_no < ? || 'Z'");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, prefix);
	db_bind_cstr(st, 2, prefix);
	int rc = db_step(st);
	*seq = 1;
	if (rc == DB_ROW && !db_col_is_null(st, 0)) {
		const char *s = db_col_text(st, 0, NULL);
		*seq = record_int_of(s + strlen(prefix)) + 1;
	}
	db_reset(st);
	return rc == DB_ROW ? DB_DONE : rc;
}

/* 1 if producer has a sample of product_id sampled on or after day since (other than
 * except_id), 0 if not, negative on failure. */
static int store_sampled_since(struct db *db, const char *producer, int64_t product_id,
                               const char *since)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM sp_sample WHERE producer = ? AND "
	                                    "product_id = ? AND sampled_on >= ? AND status <> "
	                                    "'refused' LIMIT 1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, producer);
	db_bind_int64(st, 2, product_id);
	db_bind_cstr(st, 3, since);
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_ROW ? 1 : rc;
}

/* ---- Reads -------------------------------------------------------------------------------- */

/* The producer's registered name, region, industry and status (in a). SVC_OK, SVC_NOT_FOUND,
 * SVC_ERROR. */
static int producer_lookup(struct db *db, const char *code, struct arena *a, const char **name,
                           int *region, const char **industry, const char **status)
{
	struct actor all = {.name = "sampling", .all_regions = 1};
	struct record e;
	int rc = registry_get(db, &all, code, a, &e);
	if (rc == REG_NOT_FOUND)
		return SVC_NOT_FOUND;
	if (rc != REG_OK)
		return SVC_ERROR;
	if (name)
		*name = e.v[ENT_NAME];
	if (region)
		*region = (int)record_int_of(e.v[ENT_REGION_CODE]);
	if (industry)
		*industry = e.v[ENT_INDUSTRY];
	if (status)
		*status = e.v[ENT_STATUS];
	return SVC_OK;
}

static void finish_view(struct db *db, struct arena *a, struct record *r)
{
	const char *name = NULL;
	if (r->v[SS_PRODUCER] &&
	    producer_lookup(db, r->v[SS_PRODUCER], a, &name, NULL, NULL, NULL) == SVC_OK)
		record_set_str(r, a, SS_PRODUCER_NAME, name);
}

/* Reads sample id if who may see it: SVC_OK with r (and *product_id), SVC_NOT_FOUND,
 * SVC_ERROR. */
static int sample_load(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                       struct record *r, int64_t *product_id)
{
	int rc = store_sample_read(db, id, a, r, product_id);
	if (rc == DB_DONE)
		return SVC_NOT_FOUND;
	if (rc != DB_ROW)
		return SVC_ERROR;
	if (!sp_sample_visible(db, who, id, (int)record_int_of(r->v[SS_REGION_CODE]),
	                       r->v[SS_PRODUCER], record_int_of(r->v[SS_LAB_ID])))
		return SVC_NOT_FOUND;
	return SVC_OK;
}

int sp_sample_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                  struct record *out)
{
	int rc = sample_load(db, who, id, a, out, NULL);
	if (rc == SVC_OK)
		finish_view(db, a, out);
	return rc;
}

int sp_sample_read(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                   struct sp_sample_row *out)
{
	struct record r;
	int64_t product_id = 0;
	int rc = sample_load(db, who, id, a, &r, &product_id);
	if (rc != SVC_OK)
		return rc;
	memset(out, 0, sizeof *out);
	out->id = id;
	out->sample_no = r.v[SS_SAMPLE_NO];
	out->task_id = record_int_of(r.v[SS_TASK_ID]);
	out->product_id = product_id;
	out->lab_id = record_int_of(r.v[SS_LAB_ID]);
	out->producer = r.v[SS_PRODUCER];
	out->region = (int)record_int_of(r.v[SS_REGION_CODE]);
	out->status = r.v[SS_STATUS];
	out->verdict = r.v[SS_VERDICT];
	out->final_verdict = r.v[SS_FINAL_VERDICT];
	out->analyst = r.v[SS_ANALYST];
	out->reviewer = r.v[SS_REVIEWER];
	out->approver = r.v[SS_APPROVER];
	out->notified_on = record_day_of(r.v[SS_NOTIFIED_ON]);
	out->quantity_reserve = record_int_of(r.v[SS_QUANTITY_RESERVE]);
	out->version = record_int_of(r.v[SS_VERSION]);
	return SVC_OK;
}

/* ---- Writes ------------------------------------------------------------------------------- */

static char *stored_json(const struct record *r)
{
	struct record c = *r;
	c.v[SS_PRODUCER_NAME] = NULL;
	return record_to_json(&c);
}

/* Checks of a sampling record as a whole (create and update). */
static int sample_rules(const struct record *r, int32_t today, struct field_error *err)
{
	int32_t sampled = record_day_of(r->v[SS_SAMPLED_ON]);
	int32_t made = record_day_of(r->v[SS_PRODUCTION_DATE]);
	if (sampled > today)
		return field_fail(err, "sampled_on", "future", "sampled_on is after today"),
		       SVC_INVALID;
	if (made != DATE_NONE && made > sampled)
		return field_fail(err, "production_date", "after_sampling",
		                  "production_date is after sampled_on"),
		       SVC_INVALID;
	int refused = text_is(r->v[SS_PRODUCER_RESPONSE], "refused");
	if (refused && r->v[SS_REFUSAL_REASON] == NULL)
		return field_fail(err, "refusal_reason", "required",
		                  "refusal_reason is required when the producer refused"),
		       SVC_INVALID;
	if (!refused && r->v[SS_REFUSAL_REASON] != NULL)
		return field_fail(err, "refusal_reason", "not_refused",
		                  "refusal_reason only goes with producer_response refused"),
		       SVC_INVALID;
	return SVC_OK;
}

static int finish_write(struct db *db, int rc)
{
	if (rc == SVC_OK && db_commit(db) == 0)
		return SVC_OK;
	db_rollback(db);
	return rc == SVC_OK ? SVC_ERROR : rc;
}

int sp_sample_create(struct db *db, const struct actor *who, const struct record *in,
                     struct arena *a, struct record *out, struct field_error *err)
{
	if (who->entity_code)
		return field_fail(err, NULL, "enterprise",
		                  "an enterprise account does not record "
		                  "samples"),
		       SVC_FORBIDDEN;
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	struct record r = *in;
	record_set_str(&r, a, SS_PRODUCER_RESPONSE,
	               in->v[SS_PRODUCER_RESPONSE] ? in->v[SS_PRODUCER_RESPONSE] : "confirmed");
	if (r.v[SS_QUANTITY_RESERVE] == NULL)
		record_set_int(&r, a, SS_QUANTITY_RESERVE, 0);
	int32_t today = today_china();
	int rc = sample_rules(&r, today, err);
	if (rc != SVC_OK)
		return rc;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;

	struct sp_task_info task;
	rc = sp_task_get(db, who, record_int_of(r.v[SS_TASK_ID]), a, &task);
	if (rc == SVC_NOT_FOUND) {
		field_fail(err, "task_id", "unknown_task", "no task %s in your scope",
		           r.v[SS_TASK_ID]);
		return finish_write(db, SVC_INVALID);
	}
	if (rc != SVC_OK)
		return finish_write(db, SVC_ERROR);
	if (strcmp(task.plan_status, "approved") != 0) {
		field_fail(err, "task_id", "plan_not_approved",
		           "the task's plan is %s; samples are taken under an approved plan",
		           task.plan_status);
		return finish_write(db, SVC_CONFLICT);
	}
	const char *pname, *industry, *pstatus;
	int region;
	rc = producer_lookup(db, r.v[SS_PRODUCER], a, &pname, &region, &industry, &pstatus);
	if (rc == SVC_NOT_FOUND) {
		field_fail(err, "producer", "unknown_producer",
		           "producer %s is not a registered enterprise", r.v[SS_PRODUCER]);
		return finish_write(db, SVC_INVALID);
	}
	if (rc != SVC_OK)
		return finish_write(db, SVC_ERROR);
	int lo, hi;
	region_subtree(task.region_code, &lo, &hi);
	if (region < lo || region > hi) {
		field_fail(err, "producer", "outside_task",
		           "producer %s is registered in %d, outside the task's region %d",
		           r.v[SS_PRODUCER], region, task.region_code);
		return finish_write(db, SVC_INVALID);
	}
	if (!text_is(pstatus, "active")) {
		field_fail(err, "producer", "not_active", "producer %s is %s", r.v[SS_PRODUCER],
		           pstatus);
		return finish_write(db, SVC_INVALID);
	}
	if (r.v[SS_DRAW_ID]) {
		int drawn = 0;
		int picked =
		    sp_draw_pick_of(db, record_int_of(r.v[SS_DRAW_ID]), r.v[SS_PRODUCER], &drawn);
		if (picked == SVC_ERROR)
			return finish_write(db, SVC_ERROR);
		if (picked != 1) {
			field_fail(err, "draw_id", "not_drawn",
			           picked == SVC_NOT_FOUND ? "no draw %s"
			           : drawn                 ? "producer was not picked by draw %s"
			                                   : "draw %s has not been drawn yet",
			           r.v[SS_DRAW_ID]);
			return finish_write(db, SVC_INVALID);
		}
	}
	/* SAMR Order 18: the same product of the same producer not again within six months. */
	int32_t sampled = record_day_of(r.v[SS_SAMPLED_ON]);
	char since[11];
	date_format(date_add_months(sampled, -SP_RESAMPLE_MONTHS) + 1, since);
	int again = store_sampled_since(db, r.v[SS_PRODUCER], task.product_id, since);
	if (again < 0)
		return finish_write(db, SVC_ERROR);
	if (again) {
		field_fail(
		    err, "producer", "sampled_recently",
		    "%s was sampled for this product on or after %s; the same product is not "
		    "sampled again within %d months",
		    r.v[SS_PRODUCER], since, SP_RESAMPLE_MONTHS);
		return finish_write(db, SVC_CONFLICT);
	}

	int y, m, d;
	date_to_ymd(sampled, &y, &m, &d);
	char prefix[32];
	snprintf(prefix, sizeof prefix, "CC%04d-%04d-", y, task.region_code / 100);
	int64_t seq, id;
	if (store_next_number(db, prefix, &seq) != DB_DONE || db_id_next(db, &id) != 0)
		return finish_write(db, SVC_ERROR);
	char no[48], now[32];
	snprintf(no, sizeof no, "%s%06lld", prefix, (long long)seq);
	now_iso(now);
	record_set_int(&r, a, SS_ID, id);
	record_set_str(&r, a, SS_SAMPLE_NO, no);
	record_set_str(&r, a, SS_PRODUCT, task.product_code);
	record_set_int(&r, a, SS_REGION_CODE, region);
	record_set_str(&r, a, SS_INDUSTRY, industry);
	record_set_str(&r, a, SS_STATUS,
	               text_is(r.v[SS_PRODUCER_RESPONSE], "refused") ? "refused" : "sampled");
	record_set_str(&r, a, SS_CREATED_BY, who->name);
	record_set_str(&r, a, SS_CREATED_AT, now);
	record_set_str(&r, a, SS_UPDATED_AT, now);
	record_set_int(&r, a, SS_VERSION, 1);
	if (store_sample_write(db, id, task.product_id, y, (m - 1) / 3 + 1, &r, 1) != DB_DONE)
		return finish_write(db, SVC_ERROR);
	char *after = stored_json(&r);
	rc = audit_append(db, who, "sampling.sample.create", "sampling_sample", no, NULL, after,
	                  "ok");
	free(after);
	if (rc != 0)
		return finish_write(db, SVC_ERROR);
	rc = finish_write(db, SVC_OK);
	if (rc == SVC_OK) {
		*out = r;
		record_set_str(out, a, SS_PRODUCER_NAME, pname);
	}
	return rc;
}

int sp_sample_update(struct db *db, const struct actor *who, int64_t id, const struct record *patch,
                     int64_t if_version, struct arena *a, struct record *out,
                     struct field_error *err)
{
	if (who->entity_code)
		return field_fail(err, NULL, "enterprise",
		                  "an enterprise account does not change "
		                  "samples"),
		       SVC_FORBIDDEN;
	if (record_check(patch, 1, err) != 0)
		return SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct record r;
	int64_t product_id;
	int rc = sample_load(db, who, id, a, &r, &product_id);
	if (rc != SVC_OK)
		return finish_write(db, rc);
	if (if_version && if_version != record_int_of(r.v[SS_VERSION]))
		return finish_write(db, SVC_STALE);
	char *before = stored_json(&r);
	for (int i = 0; i < SS_NFIELDS; i++)
		if (record_has(patch, i) && (SAMPLE_FIELDS[i].flags & FF_IMMUTABLE) &&
		    !text_is(r.v[i], patch->v[i] ? patch->v[i] : "")) {
			free(before);
			field_fail(err, SAMPLE_FIELDS[i].name, "immutable", "%s cannot be changed",
			           SAMPLE_FIELDS[i].name);
			return finish_write(db, SVC_INVALID);
		}
	if (!text_is(r.v[SS_STATUS], "sampled") && !text_is(r.v[SS_STATUS], "refused")) {
		free(before);
		field_fail(err, NULL, "locked",
		           "the sample is %s: its sampling record no longer changes",
		           r.v[SS_STATUS]);
		return finish_write(db, SVC_CONFLICT);
	}
	if (!record_apply_patch(&r, patch)) {
		free(before);
		db_rollback(db);
		*out = r;
		finish_view(db, a, out);
		return SVC_OK;
	}
	rc = sample_rules(&r, today_china(), err);
	if (rc != SVC_OK) {
		free(before);
		return finish_write(db, rc);
	}
	record_set_str(&r, a, SS_STATUS,
	               text_is(r.v[SS_PRODUCER_RESPONSE], "refused") ? "refused" : "sampled");
	char now[32];
	now_iso(now);
	record_set_str(&r, a, SS_UPDATED_AT, now);
	record_set_int(&r, a, SS_VERSION, record_int_of(r.v[SS_VERSION]) + 1);
	char *after = stored_json(&r);
	rc = store_sample_write(db, id, product_id, 0, 0, &r, 0) == DB_DONE &&
	             audit_append(db, who, "sampling.sample.update", "sampling_sample",
	                          r.v[SS_SAMPLE_NO], before, after, "ok") == 0
	         ? SVC_OK
	         : SVC_ERROR;
	free(before);
	free(after);
	rc = finish_write(db, rc);
	if (rc == SVC_OK) {
		*out = r;
		finish_view(db, a, out);
	}
	return rc;
}

int sp_sample_set_final(struct db *db, int64_t id, const char *final_verdict)
{
	char now[32];
	now_iso(now);
	struct db_stmt *st =
	    db_prepare(db, "UPDATE sp_sample SET final_verdict = ?, updated_at = ?, "
	                   "version = version + 1 WHERE id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, final_verdict);
	db_bind_cstr(st, 2, now);
	db_bind_int64(st, 3, id);
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int sp_results_verdict(struct db *db, int64_t id, int round, const struct sp_product *p,
                       struct arena *a, const char **verdict, const char **missing)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT judgement FROM sp_result WHERE sample_id = ? AND "
	                   "round = ? AND item_code = ?");
	if (st == NULL)
		return SVC_ERROR;
	const char **j = arena_alloc(a, sizeof *j * (size_t)(p->nitems ? p->nitems : 1));
	for (int i = 0; i < p->nitems; i++) {
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, round);
		db_bind_cstr(st, 3, p->items[i].item_code);
		int rc = db_step(st);
		if (rc == DB_ROW)
			j[i] = strcmp(db_col_text(st, 0, NULL), "pass") == 0 ? "pass" : "fail";
		db_reset(st);
		if (rc == DB_DONE) {
			*missing = p->items[i].item_code;
			return SVC_INVALID;
		}
		if (rc != DB_ROW)
			return SVC_ERROR;
	}
	if (p->nitems == 0) {
		*missing = "";
		return SVC_INVALID;
	}
	*verdict = sp_verdict_of(j, p->nitems);
	return SVC_OK;
}

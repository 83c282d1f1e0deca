/*
 * Objections and re-tests: the field tables, the window and outcome rules (pure, so the unit
 * tests hold them to the law's numbers), and the service: filing, the decision, the
 * conclusion of the re-test (final verdict, tallies and objection in one transaction) and
 * reads. The SQL is in the store functions (store_*) at the top.
 */
#include "objections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/catalogue.h"
#include "modules/sampling/samples.h"
#include "modules/sampling/tally.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* ---- The field tables --------------------------------------------------------------------- */

static const char *const STATUSES[] = {"filed", "rejected", "retesting", "decided", NULL};
static const char *const OUTCOMES[] = {"confirmed", "overturned", NULL};
static const char *const COSTS[] = {"applicant", "authority", NULL};

static const struct field_spec OBJECTION_FIELDS[] = {
    [SO_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Objection id (a 64-bit number, written as a string)"},
    [SO_SAMPLE_ID] = {"sample_id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
                      "The sample objected to"},
    [SO_SAMPLE_NO] = {"sample_no", FT_CODE, FF_READONLY, 40, 0, 0, NULL, NULL,
                      "The sample's number"},
    [SO_FILED_ON] = {"filed_on", FT_DATE, FF_READONLY, 0, 0, 0, NULL, NULL,
                     "Day filed: within 15 days of the producer's notification"},
    [SO_REASON] = {"reason", FT_TEXT, FF_READONLY | FF_MULTILINE, SP_OBJECTION_REASON_MAX, 0, 0,
                   NULL, NULL, "Why the producer objects"},
    [SO_FILED_BY] = {"filed_by", FT_TEXT, FF_READONLY, 100, 0, 0, NULL, NULL,
                     "Account that filed it"},
    [SO_STATUS] = {"status", FT_ENUM, FF_READONLY, 0, 0, 0, STATUSES, NULL,
                   "filed, rejected, retesting or decided"},
    [SO_DECISION_NOTE] = {"decision_note", FT_TEXT, FF_READONLY | FF_MULTILINE,
                          SP_OBJECTION_NOTE_MAX, 0, 0, NULL, NULL, "Note of the decision"},
    [SO_DECIDED_BY] = {"decided_by", FT_TEXT, FF_READONLY, 100, 0, 0, NULL, NULL,
                       "Officer who decided"},
    [SO_RETEST_LAB_ID] = {"retest_lab_id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
                          "Lab of the re-test (accepted objections)"},
    [SO_OUTCOME] = {"outcome", FT_ENUM, FF_READONLY, 0, 0, 0, OUTCOMES, NULL,
                    "confirmed (the re-test gave the original verdict) or overturned"},
    [SO_COST_BORNE_BY] = {"cost_borne_by", FT_ENUM, FF_READONLY, 0, 0, 0, COSTS, NULL,
                          "applicant when confirmed, authority when overturned (Order 18)"},
    [SO_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When it was filed (UTC)"},
    [SO_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When it last changed (UTC)"},
    [SO_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                    "Version, increased by every change; also the ETag"},
};
_Static_assert(sizeof OBJECTION_FIELDS / sizeof *OBJECTION_FIELDS == SO_NFIELDS,
               "every objection field is described");
const struct record_type SP_OBJECTION_TYPE = {"sampling_objection", OBJECTION_FIELDS, SO_NFIELDS};

static const struct field_spec FILE_FIELDS[] = {
    [SOF_REASON] = {"reason", FT_TEXT, FF_REQUIRED | FF_TRIM | FF_MULTILINE,
                    SP_OBJECTION_REASON_MAX, 0, 0, NULL, NULL,
                    "Why the producer objects (1 to 2000 characters)"},
    [SOF_FILED_ON] = {"filed_on", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                      "Day filed (default today, China time): not before the notification, "
                      "not in the future, at most 15 days after the notification"},
};
const struct record_type SP_OBJECTION_FILE_TYPE = {"sampling_objection_file", FILE_FIELDS,
                                                   SOF_NFIELDS};

static const struct field_spec DECISION_FIELDS[] = {
    [SOD_ACCEPT] = {"accept", FT_BOOL, FF_REQUIRED, 0, 0, 0, NULL, NULL,
                    "true: re-test at retest_lab_id; false: reject"},
    [SOD_RETEST_LAB_ID] = {"retest_lab_id", FT_INT, 0, 0, 1, INT64_MAX, NULL, NULL,
                           "Lab of the re-test (when accepted): accredited for every item, "
                           "not the original lab"},
    [SOD_NOTE] = {"note", FT_TEXT, FF_TRIM | FF_MULTILINE, SP_OBJECTION_NOTE_MAX, 0, 0, NULL, NULL,
                  "Note of the decision"},
};
const struct record_type SP_OBJECTION_DECISION_TYPE = {"sampling_objection_decision",
                                                       DECISION_FIELDS, SOD_NFIELDS};

/* ---- Store: the SQL ----------------------------------------------------------------------- */

/* Reads the objection of sample_id: DB_ROW with *out, DB_DONE, or an error. */
static int store_objection_read(struct db *db, int64_t sample_id, struct arena *a,
                                struct record *out)
{
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT o.id, o.sample_id, s.sample_no, o.filed_on, o.reason, o.filed_by, o.status, "
	    "o.decision_note, o.decided_by, o.retest_lab_id, o.outcome, o.cost_borne_by, "
	    "o.created_at, o.updated_at, o.version FROM sp_objection o JOIN sp_sample s ON "
	    "s.id = o.sample_id WHERE o.sample_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, sample_id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &SP_OBJECTION_TYPE, st, 0, SO_NFIELDS, a);
	db_reset(st);
	return rc;
}

static int store_objection_insert(struct db *db, const struct record *r)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO sp_objection (id, sample_id, filed_on, reason, filed_by, status, "
	        "created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, record_int_of(r->v[SO_ID]));
	db_bind_int64(st, 2, record_int_of(r->v[SO_SAMPLE_ID]));
	db_bind_cstr(st, 3, r->v[SO_FILED_ON]);
	db_bind_cstr(st, 4, r->v[SO_REASON]);
	db_bind_cstr(st, 5, r->v[SO_FILED_BY]);
	db_bind_cstr(st, 6, r->v[SO_STATUS]);
	db_bind_cstr(st, 7, r->v[SO_CREATED_AT]);
	db_bind_cstr(st, 8, r->v[SO_UPDATED_AT]);
	db_bind_int64(st, 9, record_int_of(r->v[SO_VERSION]));
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* Writes what a decision or conclusion changes; only when the stored version is still
 * before_version. DB_DONE when one row changed, DB_CONSTRAINT when none, or an error. */
static int store_objection_update(struct db *db, const struct record *r, int64_t before_version)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE sp_objection SET status = ?, decision_note = ?, decided_by = ?, "
	        "retest_lab_id = ?, outcome = ?, cost_borne_by = ?, updated_at = ?, version = ? "
	        "WHERE id = ? AND version = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, r->v[SO_STATUS]);
	db_bind_cstr(st, 2, r->v[SO_DECISION_NOTE]);
	db_bind_cstr(st, 3, r->v[SO_DECIDED_BY]);
	if (r->v[SO_RETEST_LAB_ID])
		db_bind_int64(st, 4, record_int_of(r->v[SO_RETEST_LAB_ID]));
	else
		db_bind_null(st, 4);
	db_bind_cstr(st, 5, r->v[SO_OUTCOME]);
	db_bind_cstr(st, 6, r->v[SO_COST_BORNE_BY]);
	db_bind_cstr(st, 7, r->v[SO_UPDATED_AT]);
	db_bind_int64(st, 8, record_int_of(r->v[SO_VERSION]));
	db_bind_int64(st, 9, record_int_of(r->v[SO_ID]));
	db_bind_int64(st, 10, before_version);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_DONE && db_changes(db) != 1)
		return DB_CONSTRAINT;
	return rc;
}

/* ---- Rules -------------------------------------------------------------------------------- */

int sp_objection_window_check(int32_t notified_on, int32_t filed_on, int32_t today,
                              struct field_error *err)
{
	char d[11];
	if (filed_on > today)
		return field_fail(err, "filed_on", "in_future", "filed_on cannot be in the future");
	if (filed_on < notified_on) {
		date_format(notified_on, d);
		return field_fail(err, "filed_on", "before_notified",
		                  "filed_on cannot be before the producer was notified (%s)", d);
	}
	if (filed_on > notified_on + SP_OBJECTION_DAYS) {
		date_format(notified_on + SP_OBJECTION_DAYS, d);
		return field_fail(err, "filed_on", "window_closed",
		                  "an objection is filed within %d days of the notification; the "
		                  "last day was %s",
		                  SP_OBJECTION_DAYS, d);
	}
	return 0;
}

void sp_retest_outcome(const char *original_final, const char *retest_verdict, const char **outcome,
                       const char **cost_borne_by)
{
	int same = original_final && retest_verdict && strcmp(original_final, retest_verdict) == 0;
	*outcome = same ? "confirmed" : "overturned";
	*cost_borne_by = same ? "applicant" : "authority";
}

int sp_officer_for(const struct actor *who, int region)
{
	return who->entity_code == NULL && actor_region_in_scope(who, region);
}

int sp_objection_status(struct db *db, int64_t sample_id, const char **status)
{
	*status = NULL;
	struct db_stmt *st = db_prepare(db, "SELECT status FROM sp_objection WHERE sample_id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, sample_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		const char *s = db_col_text(st, 0, NULL);
		for (int i = 0; STATUSES[i]; i++)
			if (strcmp(STATUSES[i], s) == 0)
				*status = STATUSES[i];
	}
	db_reset(st);
	return rc < 0 ? SVC_ERROR : SVC_OK;
}

/* ---- Service ------------------------------------------------------------------------------ */

/* Reads sample id inside the current transaction and checks that who acts for the authority
 * over it. SVC_OK, SVC_NOT_FOUND, SVC_FORBIDDEN with *err, SVC_ERROR. */
static int officer_sample(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                          struct sp_sample_row *s, struct field_error *err)
{
	int rc = sp_sample_read(db, who, id, a, s);
	if (rc != SVC_OK)
		return rc;
	if (!sp_officer_for(who, s->region))
		return field_fail(err, NULL, "not_officer",
		                  "only an officer of the authority over sample %s may do this",
		                  s->sample_no),
		       SVC_FORBIDDEN;
	return SVC_OK;
}

/* Appends an audit entry of r (before: NULL or the record before). 0 or -1. */
static int audit_objection(struct db *db, const struct actor *who, const char *action,
                           const struct record *before, const struct record *after)
{
	char *bj = before ? record_to_json(before) : NULL, *aj = record_to_json(after);
	int rc = audit_append(db, who, action, "sampling_objection", after->v[SO_ID], bj, aj, "ok");
	free(bj);
	free(aj);
	return rc == 0 ? 0 : -1;
}

int sp_objection_file(struct db *db, const struct actor *who, int64_t sample_id,
                      const struct record *in, struct arena *a, struct record *out,
                      struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	int32_t today = today_china();
	int32_t filed_on = in->v[SOF_FILED_ON] ? record_day_of(in->v[SOF_FILED_ON]) : today;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_sample_row s;
	int rc = sp_sample_read(db, who, sample_id, a, &s);
	if (rc != SVC_OK)
		goto out;
	if (who->entity_code ? strcmp(who->entity_code, s.producer) != 0
	                     : !sp_officer_for(who, s.region)) {
		field_fail(err, NULL, "not_allowed",
		           "an objection is filed by the producer of sample %s or by an officer "
		           "on its behalf",
		           s.sample_no);
		rc = SVC_FORBIDDEN;
		goto out;
	}
	const char *status;
	if ((rc = sp_objection_status(db, sample_id, &status)) != SVC_OK)
		goto out;
	if (status) {
		field_fail(err, NULL, "exists", "sample %s already has an objection (%s)",
		           s.sample_no, status);
		rc = SVC_CONFLICT;
		goto out;
	}
	if (!text_is(s.status, "approved") || s.notified_on == DATE_NONE) {
		field_fail(err, NULL, "not_notified",
		           "sample %s: an objection is filed once the result is approved and the "
		           "producer notified",
		           s.sample_no);
		rc = SVC_CONFLICT;
		goto out;
	}
	if (sp_objection_window_check(s.notified_on, filed_on, today, err) != 0) {
		rc = SVC_INVALID;
		goto out;
	}
	if (s.quantity_reserve <= 0) {
		field_fail(err, "quantity_reserve", "no_reserve",
		           "sample %s has no reserve sample to re-test", s.sample_no);
		rc = SVC_INVALID;
		goto out;
	}
	struct record r;
	record_init(&r, &SP_OBJECTION_TYPE);
	int64_t id;
	if (db_id_next(db, &id) != 0) {
		rc = SVC_ERROR;
		goto out;
	}
	char now[32];
	now_iso(now);
	record_set_int(&r, a, SO_ID, id);
	record_set_int(&r, a, SO_SAMPLE_ID, sample_id);
	record_set_str(&r, a, SO_SAMPLE_NO, s.sample_no);
	record_set_day(&r, a, SO_FILED_ON, filed_on);
	record_set_str(&r, a, SO_REASON, in->v[SOF_REASON]);
	record_set_str(&r, a, SO_FILED_BY, who->name);
	record_set_str(&r, a, SO_STATUS, "filed");
	record_set_str(&r, a, SO_CREATED_AT, now);
	record_set_str(&r, a, SO_UPDATED_AT, now);
	record_set_str(&r, a, SO_VERSION, "1");
	for (int i = 0; i < SO_NFIELDS; i++)
		r.present |= 1ull << i; /* every field is written, nulls as null */
	if (store_objection_insert(db, &r) != DB_DONE ||
	    audit_objection(db, who, "sampling.objection.file", NULL, &r) != 0 ||
	    db_commit(db) != 0) {
		rc = SVC_ERROR;
		goto out;
	}
	*out = r;
	return SVC_OK;
out:
	db_rollback(db);
	return rc;
}

/* The objection of sample s for a change by who: SVC_OK with *o, SVC_NOT_FOUND (none),
 * SVC_STALE, SVC_ERROR. */
static int objection_for_change(struct db *db, int64_t sample_id, int64_t if_version,
                                struct arena *a, struct record *o)
{
	int rc = store_objection_read(db, sample_id, a, o);
	if (rc == DB_DONE)
		return SVC_NOT_FOUND;
	if (rc != DB_ROW)
		return SVC_ERROR;
	if (if_version && if_version != record_int_of(o->v[SO_VERSION]))
		return SVC_STALE;
	return SVC_OK;
}

/* Checks that lab lab_id may re-test sample s of product p. SVC_OK, SVC_INVALID with *err
 * naming retest_lab_id, SVC_ERROR. */
static int retest_lab_check(struct db *db, const struct sp_sample_row *s, int64_t lab_id,
                            struct arena *a, struct field_error *err)
{
	struct sp_lab_info lab;
	int rc = sp_lab_info(db, lab_id, a, &lab);
	if (rc == SVC_NOT_FOUND)
		return field_fail(err, "retest_lab_id", "unknown_lab", "there is no lab %lld",
		                  (long long)lab_id),
		       SVC_INVALID;
	if (rc != SVC_OK)
		return SVC_ERROR;
	if (lab_id == s->lab_id)
		return field_fail(err, "retest_lab_id", "same_lab",
		                  "the re-test is done by another lab than %s, which tested the "
		                  "sample",
		                  lab.name),
		       SVC_INVALID;
	if (lab.accredited_until < today_china()) {
		char d[11];
		date_format(lab.accredited_until, d);
		return field_fail(err, "retest_lab_id", "accreditation_expired",
		                  "the accreditation of %s ended on %s", lab.name, d),
		       SVC_INVALID;
	}
	struct sp_product p;
	if (sp_product_get(db, s->product_id, NULL, a, &p) != SVC_OK)
		return SVC_ERROR;
	for (int i = 0; i < p.nitems; i++) {
		int c = sp_lab_covers(db, lab_id, p.items[i].item_code);
		if (c < 0)
			return SVC_ERROR;
		if (c == 0)
			return field_fail(err, "retest_lab_id", "not_accredited",
			                  "%s is not accredited for item %s of %s", lab.name,
			                  p.items[i].item_code, p.code),
			       SVC_INVALID;
	}
	return SVC_OK;
}

int sp_objection_decide(struct db *db, const struct actor *who, int64_t sample_id,
                        const struct record *in, int64_t if_version, struct arena *a,
                        struct record *out, struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	int accept = text_is(in->v[SOD_ACCEPT], "1");
	if (!accept && in->v[SOD_RETEST_LAB_ID])
		return field_fail(err, "retest_lab_id", "not_allowed",
		                  "a rejected objection has no re-test lab"),
		       SVC_INVALID;
	if (accept && in->v[SOD_RETEST_LAB_ID] == NULL)
		return field_fail(err, "retest_lab_id", "required",
		                  "an accepted objection names the lab of the re-test"),
		       SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_sample_row s;
	struct record before, r;
	int rc = officer_sample(db, who, sample_id, a, &s, err);
	if (rc == SVC_OK)
		rc = objection_for_change(db, sample_id, if_version, a, &before);
	if (rc != SVC_OK)
		goto out;
	if (!text_is(before.v[SO_STATUS], "filed")) {
		field_fail(err, "status", "not_filed",
		           "the objection to sample %s was decided already (%s)", s.sample_no,
		           before.v[SO_STATUS]);
		rc = SVC_CONFLICT;
		goto out;
	}
	int64_t lab_id = accept ? record_int_of(in->v[SOD_RETEST_LAB_ID]) : 0;
	if (accept && (rc = retest_lab_check(db, &s, lab_id, a, err)) != SVC_OK)
		goto out;
	r = before;
	char now[32];
	now_iso(now);
	int64_t version = record_int_of(before.v[SO_VERSION]);
	record_set_str(&r, a, SO_STATUS, accept ? "retesting" : "rejected");
	record_set_str(&r, a, SO_DECISION_NOTE, in->v[SOD_NOTE]);
	record_set_str(&r, a, SO_DECIDED_BY, who->name);
	if (accept)
		record_set_int(&r, a, SO_RETEST_LAB_ID, lab_id);
	record_set_str(&r, a, SO_UPDATED_AT, now);
	record_set_int(&r, a, SO_VERSION, version + 1);
	int wrc = store_objection_update(db, &r, version);
	if (wrc == DB_CONSTRAINT) {
		rc = SVC_STALE;
		goto out;
	}
	if (wrc != DB_DONE ||
	    audit_objection(db, who,
	                    accept ? "sampling.objection.accept" : "sampling.objection.reject",
	                    &before, &r) != 0 ||
	    db_commit(db) != 0) {
		rc = SVC_ERROR;
		goto out;
	}
	*out = r;
	return SVC_OK;
out:
	db_rollback(db);
	return rc;
}

int sp_retest_conclude(struct db *db, const struct actor *who, int64_t sample_id,
                       int64_t if_version, struct arena *a, struct record *out,
                       struct field_error *err)
{
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_sample_row s;
	struct record before, r;
	int rc = officer_sample(db, who, sample_id, a, &s, err);
	if (rc == SVC_OK)
		rc = objection_for_change(db, sample_id, if_version, a, &before);
	if (rc != SVC_OK)
		goto out;
	if (!text_is(before.v[SO_STATUS], "retesting")) {
		field_fail(err, "status", "not_retesting",
		           "the objection to sample %s is %s, not under re-test", s.sample_no,
		           before.v[SO_STATUS]);
		rc = SVC_CONFLICT;
		goto out;
	}
	if (s.final_verdict == NULL) {
		field_fail(err, NULL, "no_verdict", "sample %s has no final verdict", s.sample_no);
		rc = SVC_CONFLICT;
		goto out;
	}
	struct sp_product p;
	const char *verdict = NULL, *missing = NULL;
	if (sp_product_get(db, s.product_id, NULL, a, &p) != SVC_OK) {
		rc = SVC_ERROR;
		goto out;
	}
	rc = sp_results_verdict(db, sample_id, 1, &p, a, &verdict, &missing);
	if (rc == SVC_INVALID) {
		field_fail(err, "results", "incomplete",
		           "the re-test of sample %s has no result for item %s", s.sample_no,
		           missing ? missing : "?");
		goto out;
	}
	if (rc != SVC_OK)
		goto out;
	const char *outcome, *cost;
	const char *old_final = arena_strdup(a, s.final_verdict);
	sp_retest_outcome(old_final, verdict, &outcome, &cost);
	r = before;
	char now[32];
	now_iso(now);
	int64_t version = record_int_of(before.v[SO_VERSION]);
	record_set_str(&r, a, SO_STATUS, "decided");
	record_set_str(&r, a, SO_OUTCOME, outcome);
	record_set_str(&r, a, SO_COST_BORNE_BY, cost);
	record_set_str(&r, a, SO_UPDATED_AT, now);
	record_set_int(&r, a, SO_VERSION, version + 1);
	char sb[64], sa[64];
	snprintf(sb, sizeof sb, "{\"final_verdict\":\"%s\"}", old_final);
	snprintf(sa, sizeof sa, "{\"final_verdict\":\"%s\"}", verdict);
	int wrc = store_objection_update(db, &r, version);
	if (wrc == DB_CONSTRAINT) {
		rc = SVC_STALE;
		goto out;
	}
	if (wrc != DB_DONE || sp_sample_set_final(db, sample_id, verdict) != SVC_OK ||
	    sp_tally_move(db, sample_id, old_final, 0, verdict, 1) != SVC_OK ||
	    audit_objection(db, who, "sampling.retest.conclude", &before, &r) != 0 ||
	    audit_append(db, who, "sampling.sample.final", "sampling_sample",
	                 arena_printf(a, "%lld", (long long)sample_id), sb, sa, "ok") != 0 ||
	    db_commit(db) != 0) {
		rc = SVC_ERROR;
		goto out;
	}
	*out = r;
	return SVC_OK;
out:
	db_rollback(db);
	return rc;
}

int sp_objection_get(struct db *db, const struct actor *who, int64_t sample_id, struct arena *a,
                     struct record *out)
{
	struct sp_sample_row s;
	int rc = sp_sample_read(db, who, sample_id, a, &s);
	if (rc != SVC_OK)
		return rc;
	rc = store_objection_read(db, sample_id, a, out);
	return rc == DB_ROW ? SVC_OK : rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
}

/*
 * Objections to a result and the re-test of the reserve sample (Product Quality Law art. 15:
 * the producer may ask for a re-test within 15 days of receiving the result; SAMR Order
 * No. 18: the re-test's cost is borne by the applicant when it confirms the result, otherwise
 * by the authority).
 *
 * Status: filed -> rejected, or filed -> retesting (a retest lab accredited for every item,
 * not the original lab) -> decided (outcome confirmed or overturned; the sample's final
 * verdict becomes the re-test's, and the tallies move to count the re-test's items).
 */
#ifndef JZ_SAMPLING_OBJECTIONS_H
#define JZ_SAMPLING_OBJECTIONS_H

#include <stdint.h>

#include "modules/sampling/common.h"

#define SP_OBJECTION_REASON_MAX 2000 /* characters of a reason */
#define SP_OBJECTION_NOTE_MAX   2000 /* characters of a decision note */

/* Fields of an objection (the order of SP_OBJECTION_TYPE's fields). */
enum sp_objection_field {
	SO_ID,
	SO_SAMPLE_ID,
	SO_SAMPLE_NO,
	SO_FILED_ON,
	SO_REASON,
	SO_FILED_BY,
	SO_STATUS,
	SO_DECISION_NOTE,
	SO_DECIDED_BY,
	SO_RETEST_LAB_ID,
	SO_OUTCOME,
	SO_COST_BORNE_BY,
	SO_CREATED_AT,
	SO_UPDATED_AT,
	SO_VERSION,
	SO_NFIELDS
};

extern const struct record_type SP_OBJECTION_TYPE;

/* The body of filing: reason, filed_on. */
enum sp_objection_file_field { SOF_REASON, SOF_FILED_ON, SOF_NFIELDS };
extern const struct record_type SP_OBJECTION_FILE_TYPE;

/* The body of a decision: accept, retest_lab_id (a lab id), note. */
enum sp_objection_decision_field { SOD_ACCEPT, SOD_RETEST_LAB_ID, SOD_NOTE, SOD_NFIELDS };
extern const struct record_type SP_OBJECTION_DECISION_TYPE;

/*
 * The objection window, pure: filed_on must not be before notified_on (code
 * "before_notified"), nor after today ("in_future"), nor more than SP_OBJECTION_DAYS calendar
 * days after notified_on ("window_closed", the message naming the last day). Returns 0 or -1
 * with *err naming filed_on.
 */
int sp_objection_window_check(int32_t notified_on, int32_t filed_on, int32_t today,
                              struct field_error *err);

/*
 * The outcome of a re-test, pure: "confirmed" when the re-test verdict equals the original
 * final verdict, else "overturned"; the cost is then borne by the "applicant" (confirmed) or
 * the "authority" (overturned). Static strings.
 */
void sp_retest_outcome(const char *original_final, const char *retest_verdict, const char **outcome,
                       const char **cost_borne_by);

/*
 * The status of sample id's objection into *status (a static string: filed, rejected,
 * retesting, decided), or NULL when there is none. Not scoped (callers have read the sample).
 * Returns SVC_OK or SVC_ERROR.
 */
int sp_objection_status(struct db *db, int64_t sample_id, const char **status);

/*
 * Files an objection to sample sample_id (in: SP_OBJECTION_FILE_TYPE). who is the producer's
 * enterprise account or an officer whose regions hold the sample (else SVC_FORBIDDEN); the
 * sample is approved and notified (SVC_CONFLICT "not_notified"), filed_on (default today,
 * China time) within the window, the reserve quantity above 0 (SVC_INVALID "no_reserve"); one
 * objection a sample (SVC_CONFLICT "exists"). Audited. SVC_OK with *out (strings in a), or an
 * SVC_* error with *err.
 */
int sp_objection_file(struct db *db, const struct actor *who, int64_t sample_id,
                      const struct record *in, struct arena *a, struct record *out,
                      struct field_error *err);

/*
 * Decides a filed objection (in: SP_OBJECTION_DECISION_TYPE) by an officer (not an
 * enterprise; the sample in who's regions, else SVC_FORBIDDEN): rejected, or retesting at
 * retest_lab_id, a lab accredited for every item of the product, not past accredited_until
 * and not the original lab (SVC_INVALID naming retest_lab_id). Not filed: SVC_CONFLICT.
 * if_version (0: any) must match the objection's version (SVC_STALE). Audited.
 */
int sp_objection_decide(struct db *db, const struct actor *who, int64_t sample_id,
                        const struct record *in, int64_t if_version, struct arena *a,
                        struct record *out, struct field_error *err);

/*
 * Concludes the re-test of sample sample_id by an officer: the objection is retesting
 * (SVC_CONFLICT), every item has a round-1 result (SVC_INVALID naming the missing item); the
 * outcome and cost follow sp_retest_outcome, the sample's final verdict becomes the
 * re-test's, the tallies move from round 0 to round 1, status decided: one transaction,
 * audited. SVC_OK with *out, or an SVC_* error.
 */
int sp_retest_conclude(struct db *db, const struct actor *who, int64_t sample_id,
                       int64_t if_version, struct arena *a, struct record *out,
                       struct field_error *err);

/* Reads the objection of sample sample_id when who may see the sample. SVC_OK, SVC_NOT_FOUND
 * (no such sample in scope, or no objection) or SVC_ERROR. */
int sp_objection_get(struct db *db, const struct actor *who, int64_t sample_id, struct arena *a,
                     struct record *out);

/* 1 if who acts for the authority over a sample of region: not an enterprise account and the
 * region lies in who's regions (a lab analyst's lab does not make them an officer). */
int sp_officer_for(const struct actor *who, int region);

struct route_table;

/* Routes of objections, re-tests and follow-up (api_objections.c). */
extern const struct route_table SP_OBJECTION_ROUTE_TABLE;

/* Appends the OpenAPI component schemas of those routes (each followed by a comma). */
void sp_objection_schemas_write(struct buf *out);

#endif

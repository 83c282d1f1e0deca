/*
 * Follow-up of a failed sample (SAMR Order No. 18): a rectification order (rectify within
 * SP_RECTIFY_DAYS, re-inspection within SP_RECHECK_DAYS of the order), the re-inspection, and
 * when that fails too the provincial announcement, a second re-inspection SP_SECOND_FROM_DAYS
 * to SP_SECOND_BY_DAYS after it, and suspension for rectification when the second fails (the
 * licence itself is the licensing part's business).
 *
 * Stages: ordered -> rectified (rectification reported) -> closed (re-check passed);
 * ordered|rectified -> re-check failed (stage rectified, recheck_verdict fail) -> announced ->
 * closed (second passed) or suspended (second failed).
 */
#ifndef JZ_SAMPLING_FOLLOWUP_H
#define JZ_SAMPLING_FOLLOWUP_H

#include <stdint.h>

#include "modules/sampling/common.h"

#define SP_ORDER_NO_MAX 60 /* characters of a rectification order's number */

/* Fields of a follow-up (the order of SP_FOLLOWUP_TYPE's fields); the last three are
 * computed when it is read. */
enum sp_followup_field {
	SF_ID,
	SF_SAMPLE_ID,
	SF_SAMPLE_NO,
	SF_REGION_CODE,
	SF_PRODUCER,
	SF_ORDER_NO,
	SF_ORDERED_ON,
	SF_RECTIFY_BY,
	SF_RECHECK_BY,
	SF_RECTIFIED_ON,
	SF_RECHECK_ON,
	SF_RECHECK_VERDICT,
	SF_ANNOUNCED_ON,
	SF_SECOND_FROM,
	SF_SECOND_BY,
	SF_SECOND_ON,
	SF_SECOND_VERDICT,
	SF_STAGE,
	SF_NOTE,
	SF_CREATED_AT,
	SF_UPDATED_AT,
	SF_VERSION,
	SF_NEXT_STEP,     /* computed: rectify, recheck, announce, second, or null */
	SF_NEXT_DEADLINE, /* computed: the day the next step is due, or null */
	SF_DAYS_OVERDUE,  /* computed: days past that deadline (0 when not past) */
	SF_NFIELDS
};

extern const struct record_type SP_FOLLOWUP_TYPE;

/* The body of an order: order_no, ordered_on, note. */
enum sp_followup_order_field { SFO_ORDER_NO, SFO_ORDERED_ON, SFO_NOTE, SFO_NFIELDS };
extern const struct record_type SP_FOLLOWUP_ORDER_TYPE;

/* The body of a step: on, verdict (recheck and second only). */
enum sp_followup_step_field { SFS_ON, SFS_VERDICT, SFS_NFIELDS };
extern const struct record_type SP_FOLLOWUP_STEP_TYPE;

/* The state of a follow-up as its rules see it: day numbers (DATE_NONE when not set) and
 * static strings. */
struct sp_followup_state {
	const char *stage; /* ordered, rectified, announced, suspended, closed */
	int32_t ordered_on, rectify_by, recheck_by;
	int32_t rectified_on, recheck_on, announced_on, second_from, second_by, second_on;
	const char *recheck_verdict, *second_verdict; /* pass, fail or NULL */
};

/* The steps after the order. */
enum sp_followup_step { SP_STEP_RECTIFIED, SP_STEP_RECHECK, SP_STEP_ANNOUNCE, SP_STEP_SECOND };

/* A new order's state: stage ordered, rectify_by and recheck_by from ordered_on. */
void sp_followup_order_state(int32_t ordered_on, struct sp_followup_state *f);

/*
 * Applies step (on the day on; verdict "pass"/"fail" for re-checks, else NULL) to f, pure:
 * SVC_OK with f moved on; SVC_CONFLICT (err code "wrong_stage") when the stage does not allow
 * the step; SVC_INVALID with err naming "on" (in_future, before_previous, outside_window) or
 * "verdict". today is the day in China.
 */
int sp_followup_apply(struct sp_followup_state *f, enum sp_followup_step step, int32_t on,
                      const char *verdict, int32_t today, struct field_error *err);

/* The next step of f ("rectify", "recheck", "announce", "second" or NULL when none), its
 * deadline (DATE_NONE: none) and the days past it on today (0 when not past). 1 if overdue. */
int sp_followup_next(const struct sp_followup_state *f, int32_t today, const char **step,
                     int32_t *deadline, int *days_overdue);

/*
 * Orders the rectification of sample sample_id (in: SP_FOLLOWUP_ORDER_TYPE) by an officer
 * whose regions hold it (SVC_FORBIDDEN): approved with final verdict fail (SVC_CONFLICT
 * "not_failed"), no objection filed or retesting (SVC_CONFLICT "objection_open"), one a sample
 * (SVC_CONFLICT "exists"); ordered_on (default today) not in the future nor before the
 * notification. Audited. SVC_OK with *out, or an SVC_* error with *err.
 */
int sp_followup_create(struct db *db, const struct actor *who, int64_t sample_id,
                       const struct record *in, struct arena *a, struct record *out,
                       struct field_error *err);

/* Records step of follow-up id (in: SP_FOLLOWUP_STEP_TYPE) by an officer of its region, by
 * sp_followup_apply's rules; if_version (0: any) must match. Audited. SVC_OK with *out, or an
 * SVC_* error. */
int sp_followup_step(struct db *db, const struct actor *who, int64_t id, enum sp_followup_step step,
                     const struct record *in, int64_t if_version, struct arena *a,
                     struct record *out, struct field_error *err);

/* Reads follow-up id in who's scope (its region and producer). SVC_OK, SVC_NOT_FOUND,
 * SVC_ERROR. */
int sp_followup_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out);

/* A list of follow-ups. */
struct sp_followup_filter {
	int region;        /* subtree, 0: any */
	const char *stage; /* or NULL */
	int overdue;       /* 1: only those past a deadline */
	int limit;         /* page size */
	int64_t after_id;  /* cursor: ids above this (0: from the start) */
};

/* Parses the query parameters (NULL: absent) into *f. SVC_OK or SVC_INVALID with *err. */
int sp_followup_filter_parse(struct sp_followup_filter *f, struct arena *a, const char *overdue,
                             const char *region, const char *stage, const char *limit,
                             const char *cursor, struct field_error *err);

/* Lists follow-ups in who's scope by id, each with its next step, deadline and days overdue
 * on today. *next_cursor (in a) when more follow. SVC_OK or SVC_ERROR. */
typedef int (*sp_followup_fn)(void *ctx, const struct record *r);
int sp_followup_list(struct db *db, const struct actor *who, const struct sp_followup_filter *f,
                     int32_t today, struct arena *a, sp_followup_fn fn, void *ctx,
                     const char **next_cursor);

#endif

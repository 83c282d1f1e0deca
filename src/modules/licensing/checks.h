/*
 * Post-licence supervision ("whoever licenses, supervises"): the licences due for a check,
 * the checks and their findings, and the counts of valid licences by prefecture and category.
 *
 * Rule: a valid licence is due for a check LC_CHECK_MONTHS after issue and LC_CHECK_MONTHS
 * after each check (lc_licence.next_check_due); a check with result "rectify" sets a
 * rectification deadline and the next check falls due on it. A check entered late (older
 * than the licence's newest) is kept but does not move the dates back.
 *
 * Counts are exact and live: they read lc_licence_category (kept in every licence change's
 * transaction) and lc_licence, with expiry applied at the day asked for.
 */
#ifndef JZ_LICENSING_CHECKS_H
#define JZ_LICENSING_CHECKS_H

#include <stdint.h>

#include "modules/licensing/common.h"
#include "modules/licensing/licences.h"

struct db;

/* Fields of a check record (LC_CHECK_TYPE). */
enum lc_check_field {
	LK_ID,
	LK_LICENCE_ID,
	LK_REGION_CODE,
	LK_CHECKED_ON,
	LK_INSPECTORS,
	LK_RESULT,
	LK_FINDINGS,
	LK_RECTIFY_BY,
	LK_CREATED_BY,
	LK_CREATED_AT,
	LK_NFIELDS
};
extern const struct record_type LC_CHECK_TYPE;

/* The body of POST .../checks (LC_CHECK_INPUT_TYPE). */
enum lc_check_input_field {
	LKI_CHECKED_ON,
	LKI_INSPECTORS,
	LKI_RESULT,
	LKI_FINDINGS,
	LKI_RECTIFY_BY,
	LKI_NFIELDS
};
extern const struct record_type LC_CHECK_INPUT_TYPE;

/*
 * Records a check of licence id (in its own write transaction): who may not be an enterprise
 * (SVC_FORBIDDEN); the licence must be in who's scope (SVC_NOT_FOUND) and valid or suspended
 * (SVC_CONFLICT, *err "status"). in (LC_CHECK_INPUT_TYPE, validated by its field table):
 * checked_on required, not after today (code "future") and not before the licence's issue
 * ("before_issue"); inspectors, result (conforming | rectify | nonconforming) and findings
 * required; rectify_by required for "rectify" and after checked_on, and not allowed for the
 * other results. Sets the licence's last_check_on to checked_on and next_check_due to
 * checked_on + LC_CHECK_MONTHS, or to rectify_by for "rectify" (unless a newer check exists),
 * version + 1. Audited ("licensing.check.record"). On SVC_OK *out is the check.
 */
int lc_check_record(struct db *db, const struct actor *who, int64_t licence_id,
                    const struct record *in, int32_t today, struct arena *a, struct record *out,
                    struct field_error *err);

/* The checks of licence id (which who must be able to see: else SVC_NOT_FOUND), newest first,
 * calling fn per check. SVC_OK or SVC_ERROR. */
int lc_check_list(struct db *db, const struct actor *who, int64_t licence_id, struct arena *a,
                  int (*fn)(void *ctx, const struct record *r), void *ctx);

/* The due list's query. */
struct lc_due_filter {
	int region;       /* subtree, 0: any */
	const char *kind; /* food | industrial, NULL: both */
	int32_t before;   /* due on or before this day */
	int limit;
	int32_t after_due; /* cursor: (due, id) after (after_due, after_id); DATE_NONE: start */
	int64_t after_id;
};

/* Parses region, kind, before (YYYY-MM-DD; default today), limit and cursor. SVC_OK or
 * SVC_INVALID with *err naming the parameter. */
int lc_due_filter_parse(struct lc_due_filter *f, const char *region, const char *kind,
                        const char *before, const char *limit, const char *cursor, int32_t today,
                        struct field_error *err);

/* Licences visible to who that are valid on today (stored valid, not expired) with
 * next_check_due <= f->before, by due date then id, calling fn per licence; *next_cursor (in
 * a) or NULL. A licence whose next_check_due is before today is overdue (lc_licence_json
 * says "check_overdue"). SVC_OK or SVC_ERROR. */
int lc_due_list(struct db *db, const struct actor *who, const struct lc_due_filter *f,
                int32_t today, struct arena *a, int (*fn)(void *ctx, const struct lc_licence *l),
                void *ctx, const char **next_cursor);

/* What the counts are grouped by. */
enum lc_count_by {
	LC_BY_PREFECTURE, /* the prefecture (PPCC00) of the producer's region */
	LC_BY_CATEGORY,   /* each category a licence covers (a licence counts once per category) */
};

/* Counts the licences visible to who (within region's subtree, 0: all; kind NULL: both) that
 * are valid on today, grouped by, calling fn(key, count) in key order (prefecture code as
 * text, or category code); *total is the number of distinct licences counted. SVC_OK or
 * SVC_ERROR. */
int lc_valid_counts(struct db *db, const struct actor *who, enum lc_count_by by, int region,
                    const char *kind, int32_t today,
                    int (*fn)(void *ctx, const char *key, int64_t count), void *ctx,
                    int64_t *total);

#endif

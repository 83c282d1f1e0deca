/*
 * Licences: what a granted application issues, and what happens to a licence afterwards.
 *
 * A new-licence application's "issue" action creates the licence (lc_licence_issue: a number
 * from numbers.c, validity LC_VALIDITY_YEARS from the decision day, the first post-licence
 * check due LC_CHECK_MONTHS after issue, one lc_licence_category row per category). A change
 * rewrites the licence's categories, scope, address and legal representative in place (same
 * number, same validity, version + 1); a renewal extends valid_until by the term counted from
 * the old expiry; a cancellation sets the status "cancelled". Officers holding
 * licensing.approve suspend, restore and revoke licences (a reason is required). Every
 * change is audited in the transaction that makes it and keeps lc_licence_category's status
 * and region equal to the licence's, so counts by category stay exact.
 *
 * Expiry is computed when a licence is read: a licence stored "valid" whose valid_until is
 * before today reads "expired" (lc_licence_status_at); nothing rewrites rows at midnight.
 *
 * Data scope: officers see licences of producers in their regions; an enterprise account sees
 * only its own entity's licences. Enforced here, in the store.
 */
#ifndef JZ_LICENSING_LICENCES_H
#define JZ_LICENSING_LICENCES_H

#include <stdint.h>

#include "modules/licensing/common.h"

struct db;

/* Licence statuses as stored (lc_licence.status) and the computed one. */
#define LC_STATUS_VALID     "valid"
#define LC_STATUS_SUSPENDED "suspended"
#define LC_STATUS_REVOKED   "revoked"
#define LC_STATUS_CANCELLED "cancelled"
#define LC_STATUS_REPLACED  "replaced"
#define LC_STATUS_EXPIRED   "expired" /* computed: stored "valid", valid_until < today */

#define LC_REASON_MAX 500 /* characters of a status change's reason */

/* A licence as stored (strings in the caller's arena; dates as day numbers, DATE_NONE when
 * absent). */
struct lc_licence {
	int64_t id;
	const char *licence_no;
	const char *kind; /* "food" or "industrial" */
	const char *holder, *holder_name;
	int region;             /* the producer's region (county) code */
	const char *categories; /* codes, ',' separated, sorted */
	const char *scope_text, *site_address, *legal_rep, *issuer;
	int32_t issued_on, valid_from, valid_until;
	const char *status; /* as stored (never "expired") */
	const char *status_reason;
	int32_t status_on;
	int64_t application_id, replaces_id; /* replaces_id 0: none */
	int32_t last_check_on, next_check_due;
	const char *created_at, *updated_at;
	int64_t version;
};

/* The status of l as read on day today: "expired" for a stored "valid" licence whose
 * valid_until is before today, else the stored status. */
const char *lc_licence_status_at(const struct lc_licence *l, int32_t today);

/* valid_until of a term starting on from: LC_VALIDITY_YEARS later, less a day (a licence
 * granted 2026-03-10 is valid until 2031-03-09). */
int32_t lc_validity_end(int32_t from);

/* Reads licence id if who may see it. SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int lc_licence_read(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct lc_licence *out);

/* Reads a licence by number if who may see it. SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int lc_licence_read_no(struct db *db, const struct actor *who, const char *licence_no,
                       struct arena *a, struct lc_licence *out);

/*
 * Carries out application application_id's "issue" action, inside the caller's write
 * transaction (the caller moves the workflow case in the same transaction). The application
 * must have decision 'grant'. By purpose:
 *   new:     a new licence: number (numbers.c), valid from the decision day (decided_on, or
 *            today if absent) for LC_VALIDITY_YEARS, issued_on today, next_check_due = today
 *            + LC_CHECK_MONTHS, one lc_licence_category row per category;
 *   change:  the application's licence gets its categories, scope, site address and legal
 *            representative (same number and validity), version + 1, category rows rewritten;
 *   renewal: valid_until moves one term on from the old expiry (old valid_until + 1 day +
 *            LC_VALIDITY_YEARS - 1 day), version + 1;
 *   cancel:  status "cancelled" (status_on today, status_reason the application's reason).
 * Sets *licence_id to the licence concerned. Audited ("licensing.licence.issue", ".change",
 * ".renew", ".cancel"). Returns SVC_OK; SVC_NOT_FOUND (no such application); SVC_CONFLICT
 * with *err (the application is not granted, or the licence's state forbids it: a renewal or
 * change of a licence no longer valid, a cancellation of one revoked or cancelled); SVC_ERROR.
 * On failure the caller rolls back.
 */
int lc_licence_issue(struct db *db, const struct actor *who, int64_t application_id, int32_t today,
                     int64_t *licence_id, struct field_error *err);

/*
 * The licence that a change, renewal or cancel application (purpose "change", "renewal" or
 * "cancel") of applicant (credit code) names by licence_no. Checks: the licence exists, is
 * held by applicant, its status is valid (for cancel also suspended), and for a change or
 * renewal it has not expired on today. who's scope is not applied (an enterprise names its
 * own licence; the holder check is what protects others' licences). The kind is not checked
 * here: use lc_licence_target_kind, or compare the licence's kind (lc_licence_issue refuses
 * a licence of another kind than the application's in any case).
 *
 * Returns SVC_OK and *licence_id; SVC_INVALID with err->field "licence_no" and err->code
 * "unknown", "not_holder", "kind", "status" or "expired" (or err->field "purpose", code
 * "invalid", for a purpose other than the three); SVC_ERROR.
 *
 * Warning: a renewal submitted later than LC_RENEWAL_NOTICE_DAYS before expiry (today >
 * valid_until - LC_RENEWAL_NOTICE_DAYS) is allowed: the function returns SVC_OK with
 * err->field "licence_no", err->code "late" and a message saying how many days were left.
 * Callers clear *err before the call (err->code NULL) and treat err->code "late" after an
 * SVC_OK as a warning to show or record, not as a failure.
 */
int lc_licence_target(struct db *db, const struct actor *who, const char *licence_no,
                      const char *applicant, const char *purpose, int32_t today,
                      int64_t *licence_id, struct field_error *err);

/* lc_licence_target, and also the licence's kind must be kind (the application's): else
 * SVC_INVALID with err->code "kind". */
int lc_licence_target_kind(struct db *db, const struct actor *who, const char *licence_no,
                           const char *applicant, const char *purpose, const char *kind,
                           int32_t today, int64_t *licence_id, struct field_error *err);

/* Status changes by officers with licensing.approve (the API checks the permission). */
enum lc_status_action {
	LC_ACTION_SUSPEND, /* valid (not expired) -> suspended */
	LC_ACTION_RESTORE, /* suspended (not expired) -> valid */
	LC_ACTION_REVOKE,  /* valid or suspended -> revoked */
};

/* Parses "suspend", "restore" or "revoke". Returns 0 and *out, or -1. */
int lc_status_action_parse(const char *s, enum lc_status_action *out);

/*
 * Applies action to licence id in its own write transaction: reason (1..LC_REASON_MAX
 * characters, required) and today go into status_reason and status_on; version + 1; the
 * category rows follow; audited ("licensing.licence.suspend" ...). if_version > 0 must equal
 * the stored version. Returns SVC_OK; SVC_NOT_FOUND (not in who's scope); SVC_INVALID (*err:
 * "reason" required/too_long); SVC_CONFLICT (*err "status": the licence's state forbids it);
 * SVC_STALE; SVC_FORBIDDEN (an enterprise account); SVC_ERROR.
 */
int lc_licence_status_change(struct db *db, const struct actor *who, int64_t id,
                             enum lc_status_action action, const char *reason, int32_t today,
                             int64_t if_version, struct field_error *err);

/* A list of licences: filters (NULL/0: any) and a page. */
struct lc_licence_filter {
	const char *q;        /* part of the licence number or the holder's name */
	const char *kind;     /* food | industrial */
	const char *status;   /* valid | suspended | revoked | cancelled | replaced | expired */
	int region;           /* subtree, 0: any */
	const char *category; /* one category code */
	const char *holder;   /* one credit code */
	int limit;            /* page size */
	int64_t before_id;    /* cursor: ids below this, 0: from the newest */
};

/* Parses a list's query parameters (strings may be NULL). SVC_OK or SVC_INVALID with *err
 * naming the parameter. */
int lc_licence_filter_parse(struct lc_licence_filter *f, const char *q, const char *kind,
                            const char *status, const char *region, const char *category,
                            const char *holder, const char *limit, const char *cursor,
                            struct field_error *err);

/* Lists licences visible to who, newest first, calling fn per licence (stop with non-zero);
 * *next_cursor (in a) or NULL. SVC_OK or SVC_ERROR. */
int lc_licence_list(struct db *db, const struct actor *who, const struct lc_licence_filter *f,
                    int32_t today, struct arena *a,
                    int (*fn)(void *ctx, const struct lc_licence *l), void *ctx,
                    const char **next_cursor);

/* Appends l as a JSON object (ids as strings, dates as YYYY-MM-DD, "status" as read on today,
 * "stored_status", "overdue_check" whether a valid licence's next check is before today). */
void lc_licence_json(struct buf *out, const struct lc_licence *l, int32_t today);

#endif

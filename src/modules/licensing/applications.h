/*
 * Applications for a licence: a new licence, a change, a renewal or a cancellation, of food
 * or industrial products. An enterprise account applies for its own legal entity (an officer
 * at the service window gives the applicant's credit code); the application is a draft until
 * it is submitted, then a case of the workflow engine (platform/flow.h, processes
 * data/flows/licence-*.json) whose step the application's status mirrors. Every action goes
 * through lc_application_act, which moves the case and writes the application's own record
 * (dates, the one-time notice of what is missing, on-site findings, the decision) in one
 * write transaction, and on "issue" has the licence issued (licences.h).
 *
 * Data scope: officers see the applications of their jurisdiction (the producer's region),
 * an enterprise account only its own entity's; anything else is "not found".
 *
 * Attachments: the business licence, site plan, process flow, equipment list and other
 * papers (JPEG, PNG or PDF, at most 10 MiB each), uploaded by the applicant while the
 * application can be edited, stored by content (platform/files.h), read by whoever sees the
 * application. Submission needs at least a business licence copy and a site plan.
 */
#ifndef JZ_LICENSING_APPLICATIONS_H
#define JZ_LICENSING_APPLICATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "modules/licensing/common.h"
#include "platform/flow.h"

struct db;

/* Fields of an application (the order of LC_APPLICATION_TYPE's fields). */
enum lc_application_field {
	LA_ID,
	LA_APPLICATION_NO,
	LA_KIND,
	LA_PURPOSE,
	LA_LICENCE_NO,
	LA_APPLICANT,
	LA_APPLICANT_NAME,
	LA_REGION_CODE,
	LA_CATEGORIES,
	LA_SCOPE_TEXT,
	LA_SITE_ADDRESS,
	LA_LEGAL_REP,
	LA_CONTACT,
	LA_PHONE,
	LA_REASON,
	LA_STATUS,
	LA_CASE_ID,
	LA_LICENCE_ID,
	LA_MISSING,
	LA_ONSITE_ON,
	LA_ONSITE_TEAM,
	LA_ONSITE_FINDINGS,
	LA_ONSITE_RESULT,
	LA_DECISION,
	LA_DECISION_REASON,
	LA_DECIDED_ON,
	LA_DECIDED_BY,
	LA_SUBMITTED_ON,
	LA_ACCEPTED_ON,
	LA_CREATED_BY,
	LA_CREATED_AT,
	LA_UPDATED_AT,
	LA_VERSION,
	LA_NFIELDS
};

/* The record type. "categories" holds the codes joined by ',' (sorted once stored); the API
 * takes and gives it as a JSON array (lc_application_write_json). */
extern const struct record_type LC_APPLICATION_TYPE;

/* Appends r as a JSON object, categories as an array of codes. */
void lc_application_write_json(const struct record *r, struct buf *out);

/*
 * Whether who holds permission, for the flow engine: the caller's answer (ctx->may), except
 * that an enterprise account never acts as the licensing authority (it holds
 * licensing.write for its own applications, not to accept or decide them). ctx is a struct
 * lc_may.
 */
struct lc_may {
	flow_may_fn may;
	void *ctx;
	const struct actor *who;
};
int lc_may(void *ctx, const char *permission);

/*
 * Creates a draft from in (fields as the API gives them; categories joined by ','): an
 * enterprise account applies for its own entity (an "applicant" other than its own is
 * SVC_FORBIDDEN); an officer must give "applicant", a registered, active enterprise in the
 * officer's jurisdiction. applicant_name and region_code come from the registry. Change,
 * renewal and cancel name the licence ("licence_no", checked by lc_licence_target) and a
 * change or cancel its reason; a new application names no licence. Audited
 * ("licensing.application.create"). SVC_OK with *out; SVC_INVALID / SVC_FORBIDDEN with *err;
 * SVC_ERROR.
 */
int lc_application_create(struct db *db, const struct actor *who, const struct record *in,
                          struct arena *a, struct record *out, struct field_error *err);

/* Reads application id if who may see it. SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int lc_application_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                       struct record *out);

/*
 * Changes the fields in patch while the application is a draft or its applicant is
 * supplementing materials (supplementing, review_supplementing); by the applicant's accounts
 * or the officer who created the draft. kind, purpose, licence_no and applicant do not change.
 * if_version (0: any) must match. Audited ("licensing.application.update"). SVC_OK with *out;
 * SVC_NOT_FOUND; SVC_INVALID; SVC_CONFLICT (*err: the status does not allow it);
 * SVC_FORBIDDEN; SVC_STALE; SVC_ERROR.
 */
int lc_application_update(struct db *db, const struct actor *who, int64_t id,
                          const struct record *patch, int64_t if_version, struct arena *a,
                          struct record *out, struct field_error *err);

/* What an action carries (NULL: not given). */
struct lc_action_in {
	const char *note;            /* shown to the applicant with the event */
	const char *missing;         /* notify_missing, request_supplement: everything missing */
	const char *onsite_on;       /* record_onsite: YYYY-MM-DD, not after today */
	const char *onsite_team;     /* record_onsite: the verifiers */
	const char *onsite_findings; /* record_onsite */
	const char *onsite_result;   /* record_onsite: pass or fail */
	const char *decision_reason; /* refuse (required); grant (optional) */
};

/*
 * Takes action on application id on day today, in one write transaction: submit (the first
 * time: checks the required attachments, refreshes the applicant's registered name and
 * region, opens the workflow case with flow_start) and every other action through flow_act
 * (which checks the step, who may act through may/may_ctx and the process's rules, and
 * audits the transition); then records the action's facts on the application (submitted_on,
 * accepted_on, missing, onsite_*, decision, decided_on, decided_by), its status (the case's
 * step) and an audit entry ("licensing.application.<action>"); issue has the licence issued
 * (lc_licence_issue). Checks the action's input first: notify_missing needs missing,
 * record_onsite all four onsite_* fields, refuse a decision_reason; grant of a new licence
 * needs an on-site verification that passed. A refused action changes nothing.
 * SVC_OK with *out (the application) and *state (the case now); SVC_NOT_FOUND; SVC_INVALID
 * (*err names the field); SVC_CONFLICT (not allowed from this step); SVC_FORBIDDEN;
 * SVC_ERROR.
 */
int lc_application_act(struct db *db, const struct actor *who, int64_t id, const char *action,
                       const struct lc_action_in *in, int32_t today, flow_may_fn may, void *may_ctx,
                       struct arena *a, struct record *out, struct flow_state *state,
                       struct field_error *err);

/* A list of applications: filters (NULL / 0: any) and a page. */
struct lc_application_filter {
	const char *status; /* one status (a step of the process) */
	const char *kind;   /* food or industrial */
	int region;         /* the producer's region subtree */
	const char *q;      /* part of the application number or the applicant's name or code */
	int limit;          /* page size */
	int64_t before_id;  /* cursor: ids below this, 0: from the newest */
};

/* Parses the list's query parameters. SVC_OK or SVC_INVALID with *err naming the parameter. */
int lc_application_filter_parse(struct lc_application_filter *f, const char *status,
                                const char *kind, const char *region, const char *q,
                                const char *limit, const char *cursor, struct field_error *err);

/* Lists applications visible to who, newest first, calling fn per record; *next_cursor (in
 * a) or NULL. SVC_OK or SVC_ERROR. */
int lc_application_list(struct db *db, const struct actor *who,
                        const struct lc_application_filter *f, struct arena *a,
                        int (*fn)(void *ctx, const struct record *r), void *ctx,
                        const char **next_cursor);

/* The application a workflow case is about (its subject), if visible to who: SVC_OK with *out,
 * SVC_NOT_FOUND, SVC_ERROR. */
int lc_application_of_subject(struct db *db, const struct actor *who, const char *subject,
                              struct arena *a, struct record *out);

/* ---- Attachments -------------------------------------------------------------------------- */

#define LC_ATTACHMENTS_PER_APPLICATION 50
#define LC_ATTACHMENT_NAME_MAX         200 /* code points of a file name */

/* An attachment as listed (strings in the caller's arena). */
struct lc_attachment {
	int64_t id;
	int64_t application_id;
	const char *kind; /* business_licence, site_plan, process_flow, equipment_list, other */
	const char *file_name;
	const char *content_type; /* image/jpeg, image/png or application/pdf */
	int64_t size;
	char sha256[65];
	const char *uploaded_by;
	const char *uploaded_at;
};

/*
 * Adds a file to application id: by the applicant's accounts while the application is a
 * draft or supplementing (SVC_FORBIDDEN for others, SVC_CONFLICT in another status); checks
 * kind, name, type against the bytes and size (SVC_INVALID naming kind, name, content_type or
 * body), at most LC_ATTACHMENTS_PER_APPLICATION (SVC_CONFLICT). The bytes are stored first
 * (files_put), then the row and its audit entry ("licensing.attachment.add"). SVC_OK with
 * *out; SVC_NOT_FOUND; SVC_ERROR.
 */
int lc_attachment_add(struct db *db, const struct actor *who, int64_t application_id,
                      const char *kind, const char *name, const char *content_type,
                      const void *data, size_t n, struct arena *a, struct lc_attachment *out,
                      struct field_error *err);

/* Calls fn for each attachment of application id (visible to who), by upload time then id.
 * SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int lc_attachment_list(struct db *db, const struct actor *who, int64_t application_id,
                       struct arena *a, void (*fn)(void *ctx, const struct lc_attachment *t),
                       void *ctx);

/* Reads attachment aid of application id (visible to who): the row into *out and the
 * verified bytes into bytes. SVC_OK; SVC_NOT_FOUND; SVC_ERROR (also a missing or altered
 * file, logged). */
int lc_attachment_get(struct db *db, const struct actor *who, int64_t application_id, int64_t aid,
                      struct arena *a, struct lc_attachment *out, struct buf *bytes);

/* Appends attachment t as JSON. */
void lc_attachment_write_json(const struct lc_attachment *t, struct buf *out);

#endif

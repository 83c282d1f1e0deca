/*
 * Applications (see applications.h): the field table, the store SQL (store_* near the top),
 * the rules of a draft, the actions through the workflow engine with the application's own
 * record written in the same transaction, and the attachments (rows here, bytes in the
 * platform's content-addressed store, platform/files.h).
 */
#include "applications.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/catalogue.h"
#include "modules/licensing/licences.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/files.h"

#define TEXT_MAX_BYTES 8000 /* an action's text (the notice, findings, reasons) */

/* ---- The field table ---------------------------------------------------------------------- */

static const char *const KINDS[] = {LC_KIND_FOOD, LC_KIND_INDUSTRIAL, NULL};
static const char *const PURPOSES[] = {LC_PURPOSE_NEW, LC_PURPOSE_CHANGE, LC_PURPOSE_RENEWAL,
                                       LC_PURPOSE_CANCEL, NULL};
static const char *const RESULTS[] = {"pass", "fail", NULL};
static const char *const DECISIONS[] = {"grant", "refuse", NULL};

#define TEXT(name, flags, max, what)                                                               \
	{                                                                                          \
		name, FT_TEXT, (flags) | FF_TRIM, max, 0, 0, NULL, NULL, what                      \
	}
#define SERVER(name, type, what)                                                                   \
	{                                                                                          \
		name, type, FF_READONLY, 0, 0, 0, NULL, NULL, what                                 \
	}

static const struct field_spec APPLICATION_FIELDS[] = {
    [LA_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Application id (a 64-bit number, written as a string)"},
    [LA_APPLICATION_NO] = {"application_no", FT_CODE, FF_READONLY, 32, 0, 0, NULL, NULL,
                           "Application number, SQ<year>-<prefecture>-<sequence>"},
    [LA_KIND] = {"kind", FT_ENUM, FF_REQUIRED | FF_IMMUTABLE, 0, 0, 0, KINDS, NULL,
                 "food (food production licence) or industrial (industrial product production "
                 "licence)"},
    [LA_PURPOSE] = {"purpose", FT_ENUM, FF_REQUIRED | FF_IMMUTABLE, 0, 0, 0, PURPOSES, NULL,
                    "new, change, renewal or cancel"},
    [LA_LICENCE_NO] = TEXT("licence_no", FF_IMMUTABLE, LC_LICENCE_NO_MAX - 1,
                           "change, renewal, cancel: the applicant's licence concerned (for a "
                           "new licence, once issued: its number)"),
    [LA_APPLICANT] = {"applicant", FT_CODE, FF_IMMUTABLE | FF_TRIM | FF_UPPER, 18, 0, 0, NULL,
                      field_credit_code_shape,
                      "Credit code of the applicant (an officer gives it; an enterprise "
                      "account applies for its own entity)"},
    [LA_APPLICANT_NAME] = SERVER("applicant_name", FT_TEXT,
                                 "The applicant's registered name (refreshed on submission)"),
    [LA_REGION_CODE] = SERVER("region_code", FT_INT, "The applicant's registered region"),
    [LA_CATEGORIES] = {"categories", FT_TEXT, FF_REQUIRED | FF_TRIM, 400, 0, 0, NULL, NULL,
                       "Category codes applied for (GET /licensing/categories), of the "
                       "application's kind; an array in JSON"},
    [LA_SCOPE_TEXT] = TEXT("scope_text", FF_REQUIRED | FF_MULTILINE, 2000,
                           "The products applied for, as the applicant words them"),
    [LA_SITE_ADDRESS] = TEXT("site_address", FF_REQUIRED, 300, "Production address"),
    [LA_LEGAL_REP] = TEXT("legal_rep", FF_REQUIRED, 100, "Legal representative"),
    [LA_CONTACT] = TEXT("contact", 0, 100, "Contact person"),
    [LA_PHONE] = TEXT("phone", 0, 40, "Contact telephone"),
    [LA_REASON] =
        TEXT("reason", FF_MULTILINE, 2000, "change, cancel: what changes and why (required)"),
    [LA_STATUS] = {"status", FT_CODE, FF_READONLY, FLOW_CODE_MAX - 1, 0, 0, NULL, NULL,
                   "The step of the process: draft, submitted, supplementing, not_accepted, "
                   "review, review_supplementing, expert_review, testing, onsite_scheduling, "
                   "onsite, decision_pending, hearing, granted, refused, issued, withdrawn"},
    [LA_CASE_ID] = SERVER("case_id", FT_CODE, "The workflow case, once submitted"),
    [LA_LICENCE_ID] =
        SERVER("licence_id", FT_CODE, "The licence concerned (change, renewal, cancel) or issued"),
    [LA_MISSING] = {"missing", FT_TEXT, FF_READONLY | FF_MULTILINE, 0, 0, 0, NULL, NULL,
                    "The one-time notice of everything missing (or asked for in review)"},
    [LA_ONSITE_ON] = SERVER("onsite_on", FT_DATE, "Day of the on-site verification"),
    [LA_ONSITE_TEAM] = SERVER("onsite_team", FT_TEXT, "The verifiers"),
    [LA_ONSITE_FINDINGS] = {"onsite_findings", FT_TEXT, FF_READONLY | FF_MULTILINE, 0, 0, 0, NULL,
                            NULL, "What the verification found"},
    [LA_ONSITE_RESULT] = {"onsite_result", FT_ENUM, FF_READONLY, 0, 0, 0, RESULTS, NULL,
                          "pass or fail"},
    [LA_DECISION] = {"decision", FT_ENUM, FF_READONLY, 0, 0, 0, DECISIONS, NULL, "grant or refuse"},
    [LA_DECISION_REASON] = {"decision_reason", FT_TEXT, FF_READONLY | FF_MULTILINE, 0, 0, 0, NULL,
                            NULL, "Reasons of the decision (required to refuse)"},
    [LA_DECIDED_ON] = SERVER("decided_on", FT_DATE, "Day of the decision"),
    [LA_DECIDED_BY] = SERVER("decided_by", FT_TEXT, "Who decided"),
    [LA_SUBMITTED_ON] = SERVER("submitted_on", FT_DATE,
                               "Day of (the latest) submission: the acceptance limit runs from "
                               "it"),
    [LA_ACCEPTED_ON] =
        SERVER("accepted_on", FT_DATE, "Day of acceptance: the decision limit runs from it"),
    [LA_CREATED_BY] = SERVER("created_by", FT_TEXT, "Who created the draft"),
    [LA_CREATED_AT] = SERVER("created_at", FT_STAMP, "When the draft was created (UTC)"),
    [LA_UPDATED_AT] = SERVER("updated_at", FT_STAMP, "When the record was last changed (UTC)"),
    [LA_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                    "Version, increased by every change; also the ETag"},
};

_Static_assert(sizeof APPLICATION_FIELDS / sizeof APPLICATION_FIELDS[0] == LA_NFIELDS,
               "every application field is described");

const struct record_type LC_APPLICATION_TYPE = {"licensing_application", APPLICATION_FIELDS,
                                                LA_NFIELDS};

void lc_application_write_json(const struct record *r, struct buf *out)
{
	struct record c = *r;
	c.v[LA_CATEGORIES] = NULL;
	size_t start = out->len;
	record_write_json_warnings(&c, out);
	/* Replace "categories":null by the array. */
	const char *key = "\"categories\":null";
	char *p = strstr(out->data + start, key);
	if (p == NULL)
		return;
	size_t at = (size_t)(p - out->data), klen = strlen(key);
	struct buf arr = {0};
	buf_puts(&arr, "\"categories\":[");
	const char *s = r->v[LA_CATEGORIES];
	for (int n = 0; s && *s; n++) {
		size_t l = strcspn(s, ",");
		if (n)
			buf_putc(&arr, ',');
		json_write_string(&arr, s, l);
		s += l + (s[l] == ',');
	}
	buf_putc(&arr, ']');
	struct buf tail = {0};
	buf_puts(&tail, out->data + at + klen);
	out->len = at;
	out->data[at] = '\0';
	buf_append(out, arr.data, arr.len);
	buf_append(out, tail.data, tail.len);
	buf_free(&arr);
	buf_free(&tail);
}

/* ---- Store: the SQL ----------------------------------------------------------------------- */

/* Columns in field order (licence_no through the licence concerned or issued). */
#define SELECT                                                                                     \
	"SELECT a.id, a.application_no, a.kind, a.purpose, l.licence_no, a.applicant, "            \
	"a.applicant_name, a.region_code, a.categories, a.scope_text, a.site_address, "            \
	"a.legal_rep, a.contact, a.phone, a.reason, a.status, a.case_id, a.licence_id, "           \
	"a.missing, a.onsite_on, a.onsite_team, a.onsite_findings, a.onsite_result, a.decision, "  \
	"a.decision_reason, a.decided_on, a.decided_by, a.submitted_on, a.accepted_on, "           \
	"a.created_by, a.created_at, a.updated_at, a.version FROM lc_application a LEFT JOIN "     \
	"lc_licence l ON l.id = a.licence_id"

/* The columns every write sets, in this order. */
static const int WRITE_FIELDS[] = {
    LA_APPLICANT_NAME,  LA_REGION_CODE,   LA_CATEGORIES,  LA_SCOPE_TEXT,      LA_SITE_ADDRESS,
    LA_LEGAL_REP,       LA_CONTACT,       LA_PHONE,       LA_REASON,          LA_STATUS,
    LA_CASE_ID,         LA_LICENCE_ID,    LA_MISSING,     LA_ONSITE_ON,       LA_ONSITE_TEAM,
    LA_ONSITE_FINDINGS, LA_ONSITE_RESULT, LA_DECISION,    LA_DECISION_REASON, LA_DECIDED_ON,
    LA_DECIDED_BY,      LA_SUBMITTED_ON,  LA_ACCEPTED_ON, LA_UPDATED_AT,      LA_VERSION};
#define NWRITE ((int)(sizeof WRITE_FIELDS / sizeof WRITE_FIELDS[0]))
#define WRITE_COLS                                                                                 \
	"applicant_name, region_code, categories, scope_text, site_address, legal_rep, contact, "  \
	"phone, reason, status, case_id, licence_id, missing, onsite_on, onsite_team, "            \
	"onsite_findings, onsite_result, decision, decision_reason, decided_on, decided_by, "      \
	"submitted_on, accepted_on, updated_at, version"

static int store_read(struct db *db, int64_t id, struct arena *a, struct record *out)
{
	struct db_stmt *st = db_prepare(db, SELECT " WHERE a.id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &LC_APPLICATION_TYPE, st, 0, LA_NFIELDS, a);
	db_reset(st);
	return rc;
}

/* Writes r over row id, or inserts it (with the columns that never change). */
static int store_write(struct db *db, int64_t id, const struct record *r, int insert)
{
	struct db_stmt *st =
	    insert ? db_prepare(db, "INSERT INTO lc_application (" WRITE_COLS
	                            ", id, application_no, kind, purpose, applicant, created_by, "
	                            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	           : db_prepare(db, "UPDATE lc_application SET (" WRITE_COLS
	                            ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                            "?, ?, ?, ?, ?, ?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	for (int i = 0; i < NWRITE; i++)
		db_bind_cstr(st, i + 1, r->v[WRITE_FIELDS[i]]);
	int k = NWRITE + 1;
	db_bind_int64(st, k++, id);
	if (insert) {
		db_bind_cstr(st, k++, r->v[LA_APPLICATION_NO]);
		db_bind_cstr(st, k++, r->v[LA_KIND]);
		db_bind_cstr(st, k++, r->v[LA_PURPOSE]);
		db_bind_cstr(st, k++, r->v[LA_APPLICANT]);
		db_bind_cstr(st, k++, r->v[LA_CREATED_BY]);
		db_bind_cstr(st, k++, r->v[LA_CREATED_AT]);
	}
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* The next application number with prefix ("SQ2026-5401-"): one more than the greatest. */
static int store_next_number(struct db *db, const char *prefix, int64_t *seq)
{
	struct db_stmt *st = db_prepare(db, "SELECT max(application_no) FROM lc_application WHERE "
	                                    "application_no >= ? AND application_no < ? || 'Z'");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, prefix);
	db_bind_cstr(st, 2, prefix);
	int rc = db_step(st);
	*seq = 1;
	if (rc == DB_ROW && !db_col_is_null(st, 0))
		*seq = record_int_of(db_col_text(st, 0, NULL) + strlen(prefix)) + 1;
	db_reset(st);
	return rc == DB_ROW ? DB_DONE : rc;
}

/* How many attachments application id has of kind (NULL: of any kind), into *n. */
static int store_attachment_count(struct db *db, int64_t id, const char *kind, int64_t *n)
{
	struct db_stmt *st =
	    kind ? db_prepare(db, "SELECT count(*) FROM lc_attachment WHERE application_id = ? "
	                          "AND kind = ?")
	         : db_prepare(db, "SELECT count(*) FROM lc_attachment WHERE application_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	if (kind)
		db_bind_cstr(st, 2, kind);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*n = db_col_int64(st, 0);
	db_reset(st);
	return rc == DB_ROW ? DB_DONE : rc;
}

/* ---- Helpers ------------------------------------------------------------------------------ */

int lc_may(void *ctx, const char *permission)
{
	const struct lc_may *m = ctx;
	if (m->who && m->who->entity_code)
		return 0; /* an enterprise never acts as the licensing authority */
	return m->may ? m->may(m->ctx, permission) : 0;
}

static int finish_write(struct db *db, int rc)
{
	if (rc == SVC_OK && db_commit(db) == 0)
		return SVC_OK;
	db_rollback(db);
	return rc == SVC_OK ? SVC_ERROR : rc;
}

/* The applicant's registered name, region and status (in a). SVC_OK, SVC_NOT_FOUND, SVC_ERROR. */
static int applicant_lookup(struct db *db, const char *code, struct arena *a, const char **name,
                            int *region, const char **status)
{
	struct actor all = {.name = "licensing", .all_regions = 1};
	struct record e;
	int rc = registry_get(db, &all, code, a, &e);
	if (rc == REG_NOT_FOUND)
		return SVC_NOT_FOUND;
	if (rc != REG_OK)
		return SVC_ERROR;
	*name = e.v[ENT_NAME];
	*region = (int)record_int_of(e.v[ENT_REGION_CODE]);
	*status = e.v[ENT_STATUS];
	return SVC_OK;
}

/* Splits a ','-joined list of codes into *codes (in a). Returns how many. */
static int split_codes(const char *s, struct arena *a, const char ***codes)
{
	int n = 1;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	const char **c = arena_alloc(a, sizeof *c * (size_t)n);
	int k = 0;
	while (k < n) {
		size_t l = strcspn(s, ",");
		c[k++] = arena_strndup(a, s, l);
		s += l;
		if (*s == ',')
			s++;
	}
	*codes = c;
	return n;
}

/* Checks the categories of r (of its kind) and stores them sorted. */
static int categories_rule(struct db *db, struct record *r, struct arena *a,
                           struct field_error *err)
{
	const char **codes;
	int n = split_codes(r->v[LA_CATEGORIES] ? r->v[LA_CATEGORIES] : "", a, &codes);
	const char *canonical;
	int rc = lc_categories_check(db, r->v[LA_KIND], codes, n, "categories", a, &canonical, err);
	if (rc == SVC_OK)
		record_set_str(r, a, LA_CATEGORIES, canonical);
	return rc;
}

/* The rules of the record as a whole (create and update). */
static int draft_rules(const struct record *r, struct field_error *err)
{
	int is_new = text_is(r->v[LA_PURPOSE], LC_PURPOSE_NEW);
	if (is_new && r->v[LA_LICENCE_NO])
		return field_fail(err, "licence_no", "not_allowed",
		                  "an application for a new licence names no licence"),
		       SVC_INVALID;
	if (!is_new && r->v[LA_LICENCE_NO] == NULL)
		return field_fail(err, "licence_no", "required", "licence_no is required for a %s",
		                  r->v[LA_PURPOSE]),
		       SVC_INVALID;
	if ((text_is(r->v[LA_PURPOSE], LC_PURPOSE_CHANGE) ||
	     text_is(r->v[LA_PURPOSE], LC_PURPOSE_CANCEL)) &&
	    r->v[LA_REASON] == NULL)
		return field_fail(err, "reason", "required",
		                  "reason is required for a %s: say what and why",
		                  r->v[LA_PURPOSE]),
		       SVC_INVALID;
	return SVC_OK;
}

/* The licence a change, renewal or cancel application r names (lc_licence_target_kind): a
 * late renewal is allowed, with the warning kept on the record's licence_no. */
static int licence_target(struct db *db, const struct actor *who, struct record *r, int32_t today,
                          struct arena *a, int64_t *licence_id, struct field_error *err)
{
	memset(err, 0, sizeof *err);
	int rc = lc_licence_target_kind(db, who, r->v[LA_LICENCE_NO], r->v[LA_APPLICANT],
	                                r->v[LA_PURPOSE], r->v[LA_KIND], today, licence_id, err);
	if (rc == SVC_OK && err->code && strcmp(err->code, "late") == 0)
		r->warnings[LA_LICENCE_NO] = arena_strdup(a, err->message);
	if (rc == SVC_OK)
		memset(err, 0, sizeof *err);
	return rc;
}

/* 1 if who applies for the application's entity (an enterprise account of the applicant). */
static int is_applicant(const struct actor *who, const struct record *r)
{
	return who->entity_code && text_is(r->v[LA_APPLICANT], who->entity_code);
}

/* Loads application id if visible to who. */
static int app_load(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *r)
{
	int rc = store_read(db, id, a, r);
	if (rc == DB_DONE)
		return SVC_NOT_FOUND;
	if (rc != DB_ROW)
		return SVC_ERROR;
	if (!scope_visible(who, (int)record_int_of(r->v[LA_REGION_CODE]), r->v[LA_APPLICANT]))
		return SVC_NOT_FOUND;
	return SVC_OK;
}

static int audit_change(struct db *db, const struct actor *who, const char *action,
                        const struct record *before, const struct record *after)
{
	char *b = before ? record_to_json(before) : NULL;
	char *x = record_to_json(after);
	char name[80];
	snprintf(name, sizeof name, "licensing.application.%s", action);
	int rc = audit_append(db, who, name, "licensing_application", after->v[LA_APPLICATION_NO],
	                      b, x, "ok");
	free(b);
	free(x);
	return rc;
}

/* ---- Create, read, update ----------------------------------------------------------------- */

int lc_application_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                       struct record *out)
{
	return app_load(db, who, id, a, out);
}

int lc_application_create(struct db *db, const struct actor *who, const struct record *in,
                          struct arena *a, struct record *out, struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	struct record r = *in;
	const char *applicant = in->v[LA_APPLICANT];
	if (who->entity_code) {
		if (applicant && strcmp(applicant, who->entity_code) != 0)
			return field_fail(err, "applicant", "not_own",
			                  "an enterprise account applies for its own entity only"),
			       SVC_FORBIDDEN;
		applicant = who->entity_code;
	} else if (applicant == NULL) {
		return field_fail(err, "applicant", "required",
		                  "applicant (the credit code of the enterprise applying) is "
		                  "required"),
		       SVC_INVALID;
	}
	record_set_str(&r, a, LA_APPLICANT, applicant);
	int rc = draft_rules(&r, err);
	if (rc != SVC_OK)
		return rc;
	int32_t today = today_china();
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	const char *name, *status;
	int region;
	rc = applicant_lookup(db, applicant, a, &name, &region, &status);
	if (rc == SVC_ERROR)
		return finish_write(db, rc);
	if (rc == SVC_NOT_FOUND || (!who->entity_code && !scope_visible(who, region, NULL))) {
		field_fail(err, "applicant", "unknown_applicant",
		           "%s is not a registered enterprise in your jurisdiction", applicant);
		return finish_write(db, SVC_INVALID);
	}
	if (!text_is(status, "active")) {
		field_fail(err, "applicant", "not_active", "%s is %s in the registry", applicant,
		           status);
		return finish_write(db, SVC_INVALID);
	}
	rc = categories_rule(db, &r, a, err);
	if (rc != SVC_OK)
		return finish_write(db, rc);
	int64_t licence_id = 0;
	if (r.v[LA_LICENCE_NO]) {
		rc = licence_target(db, who, &r, today, a, &licence_id, err);
		if (rc != SVC_OK)
			return finish_write(db, rc);
	}
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	char prefix[32];
	snprintf(prefix, sizeof prefix, "SQ%04d-%04d-", y, region / 100);
	int64_t seq, id;
	if (store_next_number(db, prefix, &seq) != DB_DONE || db_id_next(db, &id) != 0)
		return finish_write(db, SVC_ERROR);
	char no[64], now[32];
	snprintf(no, sizeof no, "%s%06lld", prefix, (long long)seq);
	now_iso(now);
	record_set_int(&r, a, LA_ID, id);
	record_set_str(&r, a, LA_APPLICATION_NO, no);
	record_set_str(&r, a, LA_APPLICANT_NAME, name);
	record_set_int(&r, a, LA_REGION_CODE, region);
	record_set_str(&r, a, LA_STATUS, "draft");
	if (licence_id)
		record_set_int(&r, a, LA_LICENCE_ID, licence_id);
	record_set_str(&r, a, LA_CREATED_BY, who->name);
	record_set_str(&r, a, LA_CREATED_AT, now);
	record_set_str(&r, a, LA_UPDATED_AT, now);
	record_set_int(&r, a, LA_VERSION, 1);
	if (store_write(db, id, &r, 1) != DB_DONE || audit_change(db, who, "create", NULL, &r) != 0)
		return finish_write(db, SVC_ERROR);
	rc = finish_write(db, SVC_OK);
	if (rc == SVC_OK)
		*out = r;
	return rc;
}

/* 1 if the applicant may edit (and attach to) the application in its status. */
static int editable(const char *status)
{
	return text_is(status, "draft") || text_is(status, "supplementing") ||
	       text_is(status, "review_supplementing");
}

/* Whether who may edit r: its applicant, or the officer who created the draft. */
static int may_edit(const struct actor *who, const struct record *r)
{
	return is_applicant(who, r) ||
	       (!who->entity_code && text_is(r->v[LA_CREATED_BY], who->name));
}

int lc_application_update(struct db *db, const struct actor *who, int64_t id,
                          const struct record *patch, int64_t if_version, struct arena *a,
                          struct record *out, struct field_error *err)
{
	if (record_check(patch, 1, err) != 0)
		return SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct record r;
	int rc = app_load(db, who, id, a, &r);
	if (rc != SVC_OK)
		return finish_write(db, rc);
	if (!may_edit(who, &r)) {
		field_fail(err, NULL, "not_applicant",
		           "only the applicant (or the officer who created the draft) edits it");
		return finish_write(db, SVC_FORBIDDEN);
	}
	if (if_version && if_version != record_int_of(r.v[LA_VERSION]))
		return finish_write(db, SVC_STALE);
	for (int i = 0; i < LA_NFIELDS; i++)
		if (record_has(patch, i) && (APPLICATION_FIELDS[i].flags & FF_IMMUTABLE) &&
		    !text_is(r.v[i], patch->v[i] ? patch->v[i] : "")) {
			field_fail(err, APPLICATION_FIELDS[i].name, "immutable",
			           "%s cannot be changed", APPLICATION_FIELDS[i].name);
			return finish_write(db, SVC_INVALID);
		}
	if (!editable(r.v[LA_STATUS])) {
		field_fail(err, "status", "locked",
		           "the application is %s: it is edited only as a draft or while "
		           "supplementing materials",
		           r.v[LA_STATUS]);
		return finish_write(db, SVC_CONFLICT);
	}
	struct record before = r;
	if (!record_apply_patch(&r, patch)) {
		db_rollback(db);
		*out = r;
		return SVC_OK;
	}
	if ((rc = draft_rules(&r, err)) != SVC_OK ||
	    (rc = categories_rule(db, &r, a, err)) != SVC_OK)
		return finish_write(db, rc);
	char now[32];
	now_iso(now);
	record_set_str(&r, a, LA_UPDATED_AT, now);
	record_set_int(&r, a, LA_VERSION, record_int_of(r.v[LA_VERSION]) + 1);
	rc = store_write(db, id, &r, 0) == DB_DONE &&
	             audit_change(db, who, "update", &before, &r) == 0
	         ? SVC_OK
	         : SVC_ERROR;
	rc = finish_write(db, rc);
	if (rc == SVC_OK)
		*out = r;
	return rc;
}

/* ---- Actions ------------------------------------------------------------------------------ */

static const char *const ACTIONS[] = {"submit",           "resubmit",
                                      "accept",           "notify_missing",
                                      "reject",           "request_supplement",
                                      "supplement",       "refer_experts",
                                      "experts_done",     "send_testing",
                                      "tested",           "schedule_onsite",
                                      "onsite_scheduled", "record_onsite",
                                      "extend",           "grant",
                                      "refuse",           "issue",
                                      "withdraw",         "hold_hearing",
                                      "hearing_held",     NULL};

static int is_action(const char *a)
{
	for (int i = 0; ACTIONS[i]; i++)
		if (strcmp(a, ACTIONS[i]) == 0)
			return 1;
	return 0;
}

/* A text an action needs: present, not blank, at most TEXT_MAX_BYTES. */
static int need_text(const char *v, const char *field, struct field_error *err)
{
	if (v == NULL || v[strspn(v, " \t\r\n")] == '\0')
		return field_fail(err, field, "required", "%s is required for this action", field),
		       SVC_INVALID;
	if (strlen(v) > TEXT_MAX_BYTES)
		return field_fail(err, field, "too_long", "%s is longer than %d bytes", field,
		                  TEXT_MAX_BYTES),
		       SVC_INVALID;
	return SVC_OK;
}

/* The checks of an action's input that need no database. */
static int action_input_rules(const char *action, const struct lc_action_in *in, int32_t today,
                              struct field_error *err)
{
	int rc = SVC_OK;
	if (in->note && strlen(in->note) > TEXT_MAX_BYTES)
		return field_fail(err, "note", "too_long", "note is longer than %d bytes",
		                  TEXT_MAX_BYTES),
		       SVC_INVALID;
	if (strcmp(action, "notify_missing") == 0 || strcmp(action, "request_supplement") == 0)
		return need_text(in->missing, "missing", err);
	if (strcmp(action, "refuse") == 0)
		return need_text(in->decision_reason, "decision_reason", err);
	if (strcmp(action, "grant") == 0 && in->decision_reason)
		return need_text(in->decision_reason, "decision_reason", err);
	if (strcmp(action, "record_onsite") == 0) {
		int32_t day;
		if (in->onsite_on == NULL ||
		    date_parse(in->onsite_on, strlen(in->onsite_on), &day) != 0)
			return field_fail(err, "onsite_on", in->onsite_on ? "invalid" : "required",
			                  "onsite_on is the day of the verification, YYYY-MM-DD"),
			       SVC_INVALID;
		if (day > today)
			return field_fail(err, "onsite_on", "future", "onsite_on is after today"),
			       SVC_INVALID;
		if ((rc = need_text(in->onsite_team, "onsite_team", err)) != SVC_OK ||
		    (rc = need_text(in->onsite_findings, "onsite_findings", err)) != SVC_OK)
			return rc;
		if (!text_is(in->onsite_result, "pass") && !text_is(in->onsite_result, "fail"))
			return field_fail(err, "onsite_result",
			                  in->onsite_result ? "invalid" : "required",
			                  "onsite_result is pass or fail"),
			       SVC_INVALID;
	}
	return rc;
}

/* Checks the required attachments before (re)submission. */
static int attachments_rule(struct db *db, int64_t id, struct field_error *err)
{
	static const char *const REQUIRED[] = {"business_licence", "site_plan", NULL};
	for (int i = 0; REQUIRED[i]; i++) {
		int64_t n = 0;
		if (store_attachment_count(db, id, REQUIRED[i], &n) != DB_DONE)
			return SVC_ERROR;
		if (n == 0)
			return field_fail(err, "attachments", "missing_attachment",
			                  "attach a %s before submitting",
			                  i == 0 ? "copy of the business licence (kind "
			                           "business_licence)"
			                         : "site plan (kind site_plan)"),
			       SVC_INVALID;
	}
	return SVC_OK;
}

/* Submission: the applicant is still registered and active (its name and region are
 * refreshed), the licence concerned still qualifies, the papers are there. */
static int submit_rules(struct db *db, const struct actor *who, struct record *r, int32_t today,
                        struct arena *a, struct field_error *err)
{
	const char *name, *status;
	int region;
	int rc = applicant_lookup(db, r->v[LA_APPLICANT], a, &name, &region, &status);
	if (rc == SVC_ERROR)
		return rc;
	if (rc == SVC_NOT_FOUND || !text_is(status, "active"))
		return field_fail(err, "applicant", "not_active",
		                  "%s is no longer an active registered enterprise",
		                  r->v[LA_APPLICANT]),
		       SVC_INVALID;
	record_set_str(r, a, LA_APPLICANT_NAME, name);
	record_set_int(r, a, LA_REGION_CODE, region);
	if (r->v[LA_LICENCE_NO] && !text_is(r->v[LA_PURPOSE], LC_PURPOSE_NEW)) {
		int64_t licence_id = 0;
		rc = licence_target(db, who, r, today, a, &licence_id, err);
		if (rc != SVC_OK)
			return rc;
		record_set_int(r, a, LA_LICENCE_ID, licence_id);
	}
	return attachments_rule(db, record_int_of(r->v[LA_ID]), err);
}

int lc_application_act(struct db *db, const struct actor *who, int64_t id, const char *action,
                       const struct lc_action_in *in, int32_t today, flow_may_fn may, void *may_ctx,
                       struct arena *a, struct record *out, struct flow_state *state,
                       struct field_error *err)
{
	static const struct lc_action_in NONE = {0};
	if (in == NULL)
		in = &NONE;
	if (action == NULL || !is_action(action))
		return field_fail(err, "action", "unknown_action", "no action \"%.40s\"",
		                  action ? action : ""),
		       SVC_NOT_FOUND;
	int rc = action_input_rules(action, in, today, err);
	if (rc != SVC_OK)
		return rc;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct record r;
	rc = app_load(db, who, id, a, &r);
	if (rc != SVC_OK)
		return finish_write(db, rc);
	struct record before = r;
	if (strcmp(action, "submit") == 0 || strcmp(action, "resubmit") == 0) {
		if (!is_applicant(who, &r)) {
			field_fail(err, NULL, "not_applicant",
			           "only the applicant's accounts submit the application");
			return finish_write(db, SVC_FORBIDDEN);
		}
		if ((rc = submit_rules(db, who, &r, today, a, err)) != SVC_OK)
			return finish_write(db, rc);
	}
	if (strcmp(action, "grant") == 0 && text_is(r.v[LA_PURPOSE], LC_PURPOSE_NEW) &&
	    !text_is(r.v[LA_ONSITE_RESULT], "pass")) {
		field_fail(err, "onsite_result", "onsite_required",
		           "a new licence is granted after an on-site verification that passed");
		return finish_write(db, SVC_CONFLICT);
	}
	int64_t case_id = record_int_of(r.v[LA_CASE_ID]);
	if (case_id == 0) {
		char subject[64];
		snprintf(subject, sizeof subject, LC_SUBJECT_PREFIX "%lld", (long long)id);
		rc = flow_start(db, who, lc_process_of_kind(r.v[LA_KIND]), subject,
		                (int)record_int_of(r.v[LA_REGION_CODE]), r.v[LA_APPLICANT], today,
		                &case_id, err);
		if (rc != SVC_OK)
			return finish_write(db, rc == SVC_INVALID ? SVC_ERROR : rc);
		record_set_int(&r, a, LA_CASE_ID, case_id);
	}
	struct lc_may m = {may, may_ctx, who};
	rc = flow_act(db, who, case_id, action, in->note, today, lc_may, &m, state, err);
	if (rc != SVC_OK)
		return finish_write(db, rc);
	if (strcmp(action, "issue") == 0) {
		int64_t licence_id = 0;
		rc = lc_licence_issue(db, who, id, today, &licence_id, err);
		if (rc != SVC_OK)
			return finish_write(db, rc);
		record_set_int(&r, a, LA_LICENCE_ID, licence_id);
	}
	/* The facts the action records. */
	if (strcmp(action, "submit") == 0 || strcmp(action, "resubmit") == 0)
		record_set_day(&r, a, LA_SUBMITTED_ON, today);
	else if (strcmp(action, "accept") == 0)
		record_set_day(&r, a, LA_ACCEPTED_ON, today);
	else if (strcmp(action, "notify_missing") == 0 || strcmp(action, "request_supplement") == 0)
		record_set_str(&r, a, LA_MISSING, in->missing);
	else if (strcmp(action, "record_onsite") == 0) {
		record_set_str(&r, a, LA_ONSITE_ON, in->onsite_on);
		record_set_str(&r, a, LA_ONSITE_TEAM, in->onsite_team);
		record_set_str(&r, a, LA_ONSITE_FINDINGS, in->onsite_findings);
		record_set_str(&r, a, LA_ONSITE_RESULT, in->onsite_result);
	} else if (strcmp(action, "grant") == 0 || strcmp(action, "refuse") == 0) {
		record_set_str(&r, a, LA_DECISION, action);
		record_set_str(&r, a, LA_DECISION_REASON, in->decision_reason);
		record_set_day(&r, a, LA_DECIDED_ON, today);
		record_set_str(&r, a, LA_DECIDED_BY, who->name);
	}
	record_set_str(&r, a, LA_STATUS, state->step);
	char now[32];
	now_iso(now);
	record_set_str(&r, a, LA_UPDATED_AT, now);
	record_set_int(&r, a, LA_VERSION, record_int_of(r.v[LA_VERSION]) + 1);
	if (store_write(db, id, &r, 0) != DB_DONE ||
	    audit_change(db, who, action, &before, &r) != 0)
		return finish_write(db, SVC_ERROR);
	rc = finish_write(db, SVC_OK);
	if (rc != SVC_OK)
		return rc;
	/* Read back: the licence number of an issued licence comes from its row. */
	if (store_read(db, id, a, out) != DB_ROW)
		*out = r;
	return SVC_OK;
}

/* ---- Lists -------------------------------------------------------------------------------- */

int lc_application_filter_parse(struct lc_application_filter *f, const char *status,
                                const char *kind, const char *region, const char *q,
                                const char *limit, const char *cursor, struct field_error *err)
{
	memset(f, 0, sizeof *f);
	if (status && *status) {
		size_t n = strlen(status);
		if (n >= FLOW_CODE_MAX || strspn(status, "abcdefghijklmnopqrstuvwxyz_") != n)
			return field_fail(err, "status", "invalid", "status is a step code"),
			       SVC_INVALID;
		f->status = status;
	}
	if (lc_kind_param(kind, &f->kind, err) != SVC_OK)
		return SVC_INVALID;
	int64_t v;
	if (region && *region) {
		if (field_int_parse_cstr(region, 100000, 999999, &v) != 0)
			return field_fail(err, "region", "invalid", "region is a GB/T 2260 code"),
			       SVC_INVALID;
		f->region = (int)v;
	}
	if (q && *q) {
		if (strlen(q) > 100)
			return field_fail(err, "q", "too_long", "q is at most 100 bytes"),
			       SVC_INVALID;
		f->q = q;
	}
	if (lc_limit_parse(limit, &f->limit, err) != SVC_OK)
		return SVC_INVALID;
	if (cursor && *cursor) {
		if (field_int_parse_cstr(cursor, 1, INT64_MAX, &v) != 0)
			return field_fail(err, "cursor", "invalid",
			                  "cursor is the next_cursor of the previous page"),
			       SVC_INVALID;
		f->before_id = v;
	}
	return SVC_OK;
}

int lc_application_list(struct db *db, const struct actor *who,
                        const struct lc_application_filter *f, struct arena *a,
                        int (*fn)(void *ctx, const struct record *r), void *ctx,
                        const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return SVC_OK;
	struct buf sql = {0};
	buf_puts(&sql, SELECT " WHERE 1");
	scope_sql(&sql, &sc, "a.region_code", "a.applicant");
	if (f->status)
		buf_puts(&sql, " AND a.status = ?");
	if (f->kind)
		buf_puts(&sql, " AND a.kind = ?");
	if (f->q)
		buf_puts(&sql,
		         " AND (instr(a.application_no, ?) > 0 OR instr(a.applicant_name, ?) > 0 "
		         "OR a.applicant = upper(?))");
	if (f->before_id)
		buf_puts(&sql, " AND a.id < ?");
	buf_puts(&sql, " ORDER BY a.id DESC LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	int k = 1;
	scope_bind(st, &k, &sc);
	if (f->status)
		db_bind_cstr(st, k++, f->status);
	if (f->kind)
		db_bind_cstr(st, k++, f->kind);
	if (f->q)
		for (int i = 0; i < 3; i++)
			db_bind_cstr(st, k++, f->q);
	if (f->before_id)
		db_bind_int64(st, k++, f->before_id);
	db_bind_int64(st, k++, f->limit + 1);
	int n = 0, rc;
	int64_t last = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*next_cursor = arena_printf(a, "%lld", (long long)last);
			break;
		}
		struct record r;
		record_from_row(&r, &LC_APPLICATION_TYPE, st, 0, LA_NFIELDS, a);
		last = record_int_of(r.v[LA_ID]);
		n++;
		if (fn(ctx, &r) != 0)
			break;
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int lc_application_of_subject(struct db *db, const struct actor *who, const char *subject,
                              struct arena *a, struct record *out)
{
	size_t pl = strlen(LC_SUBJECT_PREFIX);
	int64_t id;
	if (subject == NULL || strncmp(subject, LC_SUBJECT_PREFIX, pl) != 0 ||
	    field_int_parse_cstr(subject + pl, 1, INT64_MAX, &id) != 0)
		return SVC_NOT_FOUND;
	return app_load(db, who, id, a, out);
}

/* ---- Attachments -------------------------------------------------------------------------- */

static const char *const ATTACHMENT_KINDS[] = {"business_licence", "site_plan", "process_flow",
                                               "equipment_list",   "other",     NULL};

#define ATT_COLUMNS                                                                                \
	"id, application_id, kind, file_name, content_type, size, sha256, uploaded_by, "           \
	"uploaded_at"

static void att_row(struct db_stmt *st, struct arena *a, struct lc_attachment *out)
{
	size_t n;
	const char *s;
	memset(out, 0, sizeof *out);
	out->id = db_col_int64(st, 0);
	out->application_id = db_col_int64(st, 1);
	s = db_col_text(st, 2, &n);
	out->kind = arena_strndup(a, s, n);
	s = db_col_text(st, 3, &n);
	out->file_name = arena_strndup(a, s, n);
	s = db_col_text(st, 4, &n);
	out->content_type = arena_strndup(a, s, n);
	out->size = db_col_int64(st, 5);
	s = db_col_text(st, 6, &n);
	snprintf(out->sha256, sizeof out->sha256, "%.*s", (int)n, s);
	s = db_col_text(st, 7, &n);
	out->uploaded_by = arena_strndup(a, s, n);
	s = db_col_text(st, 8, &n);
	out->uploaded_at = arena_strndup(a, s, n);
}

void lc_attachment_write_json(const struct lc_attachment *t, struct buf *out)
{
	buf_printf(out, "{\"id\":\"%lld\",\"application_id\":\"%lld\",\"kind\":", (long long)t->id,
	           (long long)t->application_id);
	json_write_string(out, t->kind, strlen(t->kind));
	buf_puts(out, ",\"file_name\":");
	json_write_string(out, t->file_name, strlen(t->file_name));
	buf_puts(out, ",\"content_type\":");
	json_write_string(out, t->content_type, strlen(t->content_type));
	buf_printf(out, ",\"size\":%lld,\"sha256\":\"%s\",\"uploaded_by\":", (long long)t->size,
	           t->sha256);
	json_write_string(out, t->uploaded_by, strlen(t->uploaded_by));
	buf_puts(out, ",\"uploaded_at\":");
	json_write_string(out, t->uploaded_at, strlen(t->uploaded_at));
	buf_putc(out, '}');
}

static int attachment_kind_check(const char *kind, struct field_error *err)
{
	for (int i = 0; kind && ATTACHMENT_KINDS[i]; i++)
		if (strcmp(kind, ATTACHMENT_KINDS[i]) == 0)
			return SVC_OK;
	return field_fail(err, "kind", kind && *kind ? "invalid" : "required",
	                  "kind is business_licence, site_plan, process_flow, equipment_list or "
	                  "other"),
	       SVC_INVALID;
}

/* Whether the application can take an upload from who now. */
static int attach_allowed(const struct actor *who, const struct record *r, struct field_error *err)
{
	if (!may_edit(who, r))
		return field_fail(err, NULL, "not_applicant", "only the applicant uploads papers"),
		       SVC_FORBIDDEN;
	if (!editable(r->v[LA_STATUS]))
		return field_fail(err, "status", "locked",
		                  "the application is %s: papers are added as a draft or while "
		                  "supplementing",
		                  r->v[LA_STATUS]),
		       SVC_CONFLICT;
	return SVC_OK;
}

int lc_attachment_add(struct db *db, const struct actor *who, int64_t application_id,
                      const char *kind, const char *name, const char *content_type,
                      const void *data, size_t n, struct arena *a, struct lc_attachment *out,
                      struct field_error *err)
{
	const char *type;
	int rc;
	if ((rc = attachment_kind_check(kind, err)) != SVC_OK)
		return rc;
	if (files_name_check(name, name ? strlen(name) : 0, LC_ATTACHMENT_NAME_MAX, "name", err) !=
	    0)
		return SVC_INVALID;
	if (n > LC_ATTACHMENT_MAX)
		return field_fail(err, "body", "too_large", "a file is at most %u bytes",
		                  LC_ATTACHMENT_MAX),
		       SVC_INVALID;
	if (files_type_check(content_type, 0, data, n, &type, err) != 0)
		return SVC_INVALID;
	struct record r;
	if ((rc = app_load(db, who, application_id, a, &r)) != SVC_OK ||
	    (rc = attach_allowed(who, &r, err)) != SVC_OK)
		return rc;
	/* The file first, outside the transaction (an fsync of up to 10 MiB must not hold the
	 * write lock); should the row fail, the file stays, harmless under its hash. */
	struct lc_attachment t = {0};
	if (files_put(files_dir(), data, n, t.sha256) != 0)
		return SVC_ERROR;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	/* Again under the write lock: the status may have moved meanwhile. */
	if ((rc = app_load(db, who, application_id, a, &r)) != SVC_OK ||
	    (rc = attach_allowed(who, &r, err)) != SVC_OK)
		return finish_write(db, rc);
	int64_t count = 0;
	if (store_attachment_count(db, application_id, NULL, &count) != DB_DONE)
		return finish_write(db, SVC_ERROR);
	if (count >= LC_ATTACHMENTS_PER_APPLICATION) {
		field_fail(err, NULL, "too_many", "an application has at most %d attachments",
		           LC_ATTACHMENTS_PER_APPLICATION);
		return finish_write(db, SVC_CONFLICT);
	}
	char now[32];
	now_iso(now);
	if (db_id_next(db, &t.id) != 0)
		return finish_write(db, SVC_ERROR);
	t.application_id = application_id;
	t.kind = arena_strdup(a, kind);
	t.file_name = arena_strdup(a, name);
	t.content_type = type;
	t.size = (int64_t)n;
	t.uploaded_by = arena_strdup(a, who->name);
	t.uploaded_at = arena_strdup(a, now);
	struct db_stmt *st = db_prepare(db, "INSERT INTO lc_attachment (" ATT_COLUMNS
	                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return finish_write(db, SVC_ERROR);
	db_bind_int64(st, 1, t.id);
	db_bind_int64(st, 2, application_id);
	db_bind_cstr(st, 3, t.kind);
	db_bind_cstr(st, 4, t.file_name);
	db_bind_cstr(st, 5, t.content_type);
	db_bind_int64(st, 6, t.size);
	db_bind_cstr(st, 7, t.sha256);
	db_bind_cstr(st, 8, t.uploaded_by);
	db_bind_cstr(st, 9, t.uploaded_at);
	int step = db_step(st);
	db_reset(st);
	if (step != DB_DONE)
		return finish_write(db, SVC_ERROR);
	struct buf after = {0};
	lc_attachment_write_json(&t, &after);
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)t.id);
	int audited = audit_append(db, who, "licensing.attachment.add", "licensing_attachment", key,
	                           NULL, after.data, "ok");
	buf_free(&after);
	if (audited != 0)
		return finish_write(db, SVC_ERROR);
	rc = finish_write(db, SVC_OK);
	if (rc == SVC_OK)
		*out = t;
	return rc;
}

int lc_attachment_list(struct db *db, const struct actor *who, int64_t application_id,
                       struct arena *a, void (*fn)(void *ctx, const struct lc_attachment *t),
                       void *ctx)
{
	struct record r;
	int rc = app_load(db, who, application_id, a, &r);
	if (rc != SVC_OK)
		return rc;
	struct db_stmt *st = db_prepare(db, "SELECT " ATT_COLUMNS " FROM lc_attachment WHERE "
	                                    "application_id = ? ORDER BY uploaded_at, id");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, application_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct lc_attachment t;
		att_row(st, a, &t);
		fn(ctx, &t);
	}
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int lc_attachment_get(struct db *db, const struct actor *who, int64_t application_id, int64_t aid,
                      struct arena *a, struct lc_attachment *out, struct buf *bytes)
{
	struct record r;
	int rc = app_load(db, who, application_id, a, &r);
	if (rc != SVC_OK)
		return rc;
	struct db_stmt *st = db_prepare(db, "SELECT " ATT_COLUMNS " FROM lc_attachment WHERE id "
	                                    "= ? AND application_id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, aid);
	db_bind_int64(st, 2, application_id);
	struct lc_attachment t;
	rc = db_step(st);
	if (rc == DB_ROW)
		att_row(st, a, &t);
	db_reset(st);
	if (rc == DB_DONE)
		return SVC_NOT_FOUND;
	if (rc != DB_ROW)
		return SVC_ERROR;
	size_t start = bytes->len;
	rc = files_get(files_dir(), t.sha256, bytes);
	if (rc != 0 || (int64_t)(bytes->len - start) != t.size) {
		fprintf(stderr,
		        "jinzhi: licensing attachment %lld of application %lld: the stored file is "
		        "%s; not served\n",
		        (long long)aid, (long long)application_id,
		        rc > 0   ? "missing or altered"
		        : rc < 0 ? "unreadable"
		                 : "of another size");
		bytes->len = start;
		return SVC_ERROR;
	}
	*out = t;
	return SVC_OK;
}

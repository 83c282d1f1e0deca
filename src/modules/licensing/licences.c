/*
 * Licences: the store (one row reader over lc_licence, the category rows kept with the
 * licence), issue and its change / renewal / cancel variants run inside the application's
 * transaction, the target check of a change, renewal or cancel application, status changes by
 * officers (their own transaction), the scoped list, and the licence's JSON.
 */
#include "licences.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/numbers.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

#define COLS                                                                                       \
	"id, licence_no, kind, holder, holder_name, region_code, categories, scope_text, "         \
	"site_address, legal_rep, issuer, issued_on, valid_from, valid_until, status, "            \
	"status_reason, status_on, application_id, replaces_id, last_check_on, next_check_due, "   \
	"created_at, updated_at, version"

static const char *dup_col(struct db_stmt *st, int i, struct arena *a)
{
	if (db_col_is_null(st, i))
		return NULL;
	size_t n;
	const char *s = db_col_text(st, i, &n);
	return arena_strndup(a, s, n);
}

static int32_t day_col(struct db_stmt *st, int i)
{
	if (db_col_is_null(st, i))
		return DATE_NONE;
	size_t n;
	const char *s = db_col_text(st, i, &n);
	int32_t d;
	return date_parse(s, n, &d) == 0 ? d : DATE_NONE;
}

/* Fills l from the current row of a SELECT COLS. */
static void row_read(struct db_stmt *st, struct arena *a, struct lc_licence *l)
{
	l->id = db_col_int64(st, 0);
	l->licence_no = dup_col(st, 1, a);
	l->kind = dup_col(st, 2, a);
	l->holder = dup_col(st, 3, a);
	l->holder_name = dup_col(st, 4, a);
	l->region = (int)db_col_int64(st, 5);
	l->categories = dup_col(st, 6, a);
	l->scope_text = dup_col(st, 7, a);
	l->site_address = dup_col(st, 8, a);
	l->legal_rep = dup_col(st, 9, a);
	l->issuer = dup_col(st, 10, a);
	l->issued_on = day_col(st, 11);
	l->valid_from = day_col(st, 12);
	l->valid_until = day_col(st, 13);
	l->status = dup_col(st, 14, a);
	l->status_reason = dup_col(st, 15, a);
	l->status_on = day_col(st, 16);
	l->application_id = db_col_int64(st, 17);
	l->replaces_id = db_col_is_null(st, 18) ? 0 : db_col_int64(st, 18);
	l->last_check_on = day_col(st, 19);
	l->next_check_due = day_col(st, 20);
	l->created_at = dup_col(st, 21, a);
	l->updated_at = dup_col(st, 22, a);
	l->version = db_col_int64(st, 23);
}

const char *lc_licence_status_at(const struct lc_licence *l, int32_t today)
{
	if (l->status && strcmp(l->status, LC_STATUS_VALID) == 0 && l->valid_until != DATE_NONE &&
	    l->valid_until < today)
		return LC_STATUS_EXPIRED;
	return l->status;
}

int32_t lc_validity_end(int32_t from)
{
	return date_add_months(from, 12 * LC_VALIDITY_YEARS) - 1;
}

static const char SQL_BY_ID[] = "SELECT " COLS " FROM lc_licence WHERE id = ?";
static const char SQL_BY_NO[] = "SELECT " COLS " FROM lc_licence WHERE licence_no = ?";

/* Reads a licence by id (no scope). SVC_OK, SVC_NOT_FOUND, SVC_ERROR. */
static int read_id(struct db *db, int64_t id, struct arena *a, struct lc_licence *out)
{
	struct db_stmt *st = db_prepare(db, SQL_BY_ID);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		row_read(st, a, out);
	db_reset(st);
	return rc == DB_ROW ? SVC_OK : rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
}

static int read_no(struct db *db, const char *no, struct arena *a, struct lc_licence *out)
{
	struct db_stmt *st = db_prepare(db, SQL_BY_NO);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, no);
	int rc = db_step(st);
	if (rc == DB_ROW)
		row_read(st, a, out);
	db_reset(st);
	return rc == DB_ROW ? SVC_OK : rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
}

int lc_licence_read(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct lc_licence *out)
{
	int rc = read_id(db, id, a, out);
	if (rc == SVC_OK && !scope_visible(who, out->region, out->holder))
		return SVC_NOT_FOUND;
	return rc;
}

int lc_licence_read_no(struct db *db, const struct actor *who, const char *licence_no,
                       struct arena *a, struct lc_licence *out)
{
	int rc = read_no(db, licence_no, a, out);
	if (rc == SVC_OK && !scope_visible(who, out->region, out->holder))
		return SVC_NOT_FOUND;
	return rc;
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_str(struct buf *out, const char *key, const char *v)
{
	buf_printf(out, "\"%s\":", key);
	if (v)
		json_write_string(out, v, strlen(v));
	else
		buf_puts(out, "null");
}

static void json_day(struct buf *out, const char *key, int32_t d)
{
	if (d == DATE_NONE) {
		buf_printf(out, "\"%s\":null", key);
		return;
	}
	char s[11];
	date_format(d, s);
	buf_printf(out, "\"%s\":\"%s\"", key, s);
}

void lc_licence_json(struct buf *out, const struct lc_licence *l, int32_t today)
{
	const char *status = lc_licence_status_at(l, today);
	buf_printf(out, "{\"id\":\"%lld\",", (long long)l->id);
	json_str(out, "licence_no", l->licence_no);
	buf_putc(out, ',');
	json_str(out, "kind", l->kind);
	buf_putc(out, ',');
	json_str(out, "holder", l->holder);
	buf_putc(out, ',');
	json_str(out, "holder_name", l->holder_name);
	buf_printf(out, ",\"region_code\":\"%d\",\"categories\":[", l->region);
	const char *c = l->categories ? l->categories : "";
	int first = 1;
	while (*c) {
		const char *e = strchr(c, ',');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n) {
			if (!first)
				buf_putc(out, ',');
			json_write_string(out, c, n);
			first = 0;
		}
		c += n + (e != NULL);
	}
	buf_puts(out, "],");
	json_str(out, "scope_text", l->scope_text);
	buf_putc(out, ',');
	json_str(out, "site_address", l->site_address);
	buf_putc(out, ',');
	json_str(out, "legal_rep", l->legal_rep);
	buf_putc(out, ',');
	json_str(out, "issuer", l->issuer);
	buf_putc(out, ',');
	json_day(out, "issued_on", l->issued_on);
	buf_putc(out, ',');
	json_day(out, "valid_from", l->valid_from);
	buf_putc(out, ',');
	json_day(out, "valid_until", l->valid_until);
	buf_putc(out, ',');
	json_str(out, "status", status);
	buf_putc(out, ',');
	json_str(out, "stored_status", l->status);
	buf_putc(out, ',');
	json_str(out, "status_reason", l->status_reason);
	buf_putc(out, ',');
	json_day(out, "status_on", l->status_on);
	buf_printf(out, ",\"application_id\":\"%lld\",", (long long)l->application_id);
	if (l->replaces_id)
		buf_printf(out, "\"replaces_id\":\"%lld\",", (long long)l->replaces_id);
	else
		buf_puts(out, "\"replaces_id\":null,");
	json_day(out, "last_check_on", l->last_check_on);
	buf_putc(out, ',');
	json_day(out, "next_check_due", l->next_check_due);
	int valid = status && strcmp(status, LC_STATUS_VALID) == 0;
	buf_printf(out, ",\"check_overdue\":%s,",
	           valid && l->next_check_due != DATE_NONE && l->next_check_due < today ? "true"
	                                                                                : "false");
	if (l->valid_until != DATE_NONE && valid)
		buf_printf(out, "\"days_to_expiry\":%d,", (int)(l->valid_until - today));
	else
		buf_puts(out, "\"days_to_expiry\":null,");
	json_str(out, "created_at", l->created_at);
	buf_putc(out, ',');
	json_str(out, "updated_at", l->updated_at);
	buf_printf(out, ",\"version\":%lld}", (long long)l->version);
}

/* l as JSON text in a (for the audit log). */
static char *audit_json(const struct lc_licence *l, int32_t today, struct arena *a)
{
	struct buf b = {0};
	lc_licence_json(&b, l, today);
	char *s = arena_strdup(a, b.data ? b.data : "{}");
	buf_free(&b);
	return s;
}

/* ---- Category rows ---------------------------------------------------------------------- */

static const char SQL_CAT_DELETE[] = "DELETE FROM lc_licence_category WHERE licence_id = ?";
static const char SQL_CAT_INSERT[] = "INSERT INTO lc_licence_category (licence_id, category, "
                                     "region_code, status) VALUES (?, ?, ?, ?)";
static const char SQL_CAT_STATUS[] =
    "UPDATE lc_licence_category SET status = ?, region_code = ? WHERE licence_id = ?";

/* Rewrites the category rows of licence id from categories (',' separated). */
static int categories_write(struct db *db, int64_t id, const char *categories, int region,
                            const char *status)
{
	struct db_stmt *st = db_prepare(db, SQL_CAT_DELETE);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		return SVC_ERROR;
	const char *c = categories;
	while (*c) {
		const char *e = strchr(c, ',');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n) {
			st = db_prepare(db, SQL_CAT_INSERT);
			if (st == NULL)
				return SVC_ERROR;
			db_bind_int64(st, 1, id);
			db_bind_text(st, 2, c, n);
			db_bind_int64(st, 3, region);
			db_bind_cstr(st, 4, status);
			rc = db_step(st);
			db_reset(st);
			if (rc != DB_DONE)
				return SVC_ERROR;
		}
		c += n + (e != NULL);
	}
	return SVC_OK;
}

static int categories_status(struct db *db, int64_t id, int region, const char *status)
{
	struct db_stmt *st = db_prepare(db, SQL_CAT_STATUS);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, status);
	db_bind_int64(st, 2, region);
	db_bind_int64(st, 3, id);
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

/* ---- Issue ------------------------------------------------------------------------------ */

/* What lc_licence_issue needs of the application. */
struct app_row {
	int64_t id;
	const char *application_no, *kind, *purpose;
	int64_t licence_id;
	const char *applicant, *applicant_name;
	int region;
	const char *categories, *scope_text, *site_address, *legal_rep, *reason, *decision;
	int32_t decided_on;
};

static const char SQL_APP[] =
    "SELECT id, application_no, kind, purpose, licence_id, applicant, applicant_name, "
    "region_code, categories, scope_text, site_address, legal_rep, reason, decision, "
    "decided_on FROM lc_application WHERE id = ?";

static int app_read(struct db *db, int64_t id, struct arena *a, struct app_row *r)
{
	struct db_stmt *st = db_prepare(db, SQL_APP);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		r->id = db_col_int64(st, 0);
		r->application_no = dup_col(st, 1, a);
		r->kind = dup_col(st, 2, a);
		r->purpose = dup_col(st, 3, a);
		r->licence_id = db_col_is_null(st, 4) ? 0 : db_col_int64(st, 4);
		r->applicant = dup_col(st, 5, a);
		r->applicant_name = dup_col(st, 6, a);
		r->region = (int)db_col_int64(st, 7);
		r->categories = dup_col(st, 8, a);
		r->scope_text = dup_col(st, 9, a);
		r->site_address = dup_col(st, 10, a);
		r->legal_rep = dup_col(st, 11, a);
		r->reason = dup_col(st, 12, a);
		r->decision = dup_col(st, 13, a);
		r->decided_on = day_col(st, 14);
	}
	db_reset(st);
	return rc == DB_ROW ? SVC_OK : rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
}

static const char SQL_ISSUED_BY[] = "SELECT id FROM lc_licence WHERE application_id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO lc_licence (id, licence_no, kind, holder, holder_name, region_code, "
    "categories, scope_text, site_address, legal_rep, issuer, issued_on, valid_from, "
    "valid_until, status, application_id, next_check_due, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?, ?, 1)";
static const char SQL_CHANGE[] =
    "UPDATE lc_licence SET holder_name = ?, region_code = ?, categories = ?, scope_text = ?, "
    "site_address = ?, legal_rep = ?, updated_at = ?, version = version + 1 WHERE id = ?";
static const char SQL_RENEW[] = "UPDATE lc_licence SET valid_until = ?, updated_at = ?, "
                                "version = version + 1 WHERE id = ?";
static const char SQL_STATUS[] =
    "UPDATE lc_licence SET status = ?, status_reason = ?, status_on = ?, updated_at = ?, "
    "version = version + 1 WHERE id = ?";

static void bind_day(struct db_stmt *st, int i, int32_t d)
{
	if (d == DATE_NONE) {
		db_bind_null(st, i);
		return;
	}
	char s[11];
	date_format(d, s);
	db_bind_cstr(st, i, s);
}

static int step_done(struct db_stmt *st)
{
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : rc == DB_CONSTRAINT ? SVC_CONFLICT : SVC_ERROR;
}

/* The first code of a ',' separated list, into out (LC_CATEGORY_CODE_MAX bytes). */
static int first_category(const char *list, char out[LC_CATEGORY_CODE_MAX])
{
	const char *e = list ? strchr(list, ',') : NULL;
	size_t n = list ? (e ? (size_t)(e - list) : strlen(list)) : 0;
	if (n == 0 || n >= LC_CATEGORY_CODE_MAX)
		return -1;
	memcpy(out, list, n);
	out[n] = '\0';
	return 0;
}

static int issue_new(struct db *db, const struct actor *who, const struct app_row *ap,
                     int32_t today, struct arena *a, int64_t *licence_id, struct field_error *err)
{
	struct db_stmt *st = db_prepare(db, SQL_ISSUED_BY);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, ap->id);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_ROW)
		return field_fail(err, "application_id", "issued",
		                  "application %s has issued its licence already",
		                  ap->application_no),
		       SVC_CONFLICT;
	if (rc != DB_DONE)
		return SVC_ERROR;

	char cat[LC_CATEGORY_CODE_MAX], no[LC_LICENCE_NO_MAX];
	if (first_category(ap->categories, cat) != 0)
		return field_fail(err, "categories", "required",
		                  "the application names no category"),
		       SVC_INVALID;
	rc = lc_number_next(db, ap->kind, cat, ap->region, no, err);
	if (rc != SVC_OK)
		return rc;
	int64_t id;
	if (db_id_next(db, &id) != 0)
		return SVC_ERROR;
	int32_t from = ap->decided_on != DATE_NONE ? ap->decided_on : today;
	char stamp[32];
	now_iso(stamp);
	struct lc_licence l = {
	    .id = id,
	    .licence_no = no,
	    .kind = ap->kind,
	    .holder = ap->applicant,
	    .holder_name = ap->applicant_name,
	    .region = ap->region,
	    .categories = ap->categories,
	    .scope_text = ap->scope_text,
	    .site_address = ap->site_address,
	    .legal_rep = ap->legal_rep,
	    .issuer = LC_ISSUER_ZH,
	    .issued_on = today,
	    .valid_from = from,
	    .valid_until = lc_validity_end(from),
	    .status = LC_STATUS_VALID,
	    .status_on = DATE_NONE,
	    .application_id = ap->id,
	    .last_check_on = DATE_NONE,
	    .next_check_due = date_add_months(today, LC_CHECK_MONTHS),
	    .created_at = stamp,
	    .updated_at = stamp,
	    .version = 1,
	};
	st = db_prepare(db, SQL_INSERT);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	db_bind_int64(st, i++, l.id);
	db_bind_cstr(st, i++, l.licence_no);
	db_bind_cstr(st, i++, l.kind);
	db_bind_cstr(st, i++, l.holder);
	db_bind_cstr(st, i++, l.holder_name);
	db_bind_int64(st, i++, l.region);
	db_bind_cstr(st, i++, l.categories);
	db_bind_cstr(st, i++, l.scope_text);
	db_bind_cstr(st, i++, l.site_address);
	db_bind_cstr(st, i++, l.legal_rep);
	db_bind_cstr(st, i++, l.issuer);
	bind_day(st, i++, l.issued_on);
	bind_day(st, i++, l.valid_from);
	bind_day(st, i++, l.valid_until);
	db_bind_int64(st, i++, l.application_id);
	bind_day(st, i++, l.next_check_due);
	db_bind_cstr(st, i++, stamp);
	db_bind_cstr(st, i++, stamp);
	if ((rc = step_done(st)) != SVC_OK)
		return rc == SVC_CONFLICT ? SVC_ERROR : rc;
	if ((rc = categories_write(db, id, l.categories, l.region, LC_STATUS_VALID)) != SVC_OK)
		return rc;
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	if (audit_append(db, who, "licensing.licence.issue", "licensing_licence", key, NULL,
	                 audit_json(&l, today, a), "ok") != 0)
		return SVC_ERROR;
	*licence_id = id;
	return SVC_OK;
}

int lc_licence_issue(struct db *db, const struct actor *who, int64_t application_id, int32_t today,
                     int64_t *licence_id, struct field_error *err)
{
	struct arena a = {0};
	struct app_row ap;
	int rc = app_read(db, application_id, &a, &ap);
	if (rc != SVC_OK)
		goto out;
	if (!text_is(ap.decision, "grant")) {
		field_fail(err, "decision", "not_granted", "application %s has not been granted",
		           ap.application_no);
		rc = SVC_CONFLICT;
		goto out;
	}
	if (strcmp(ap.purpose, LC_PURPOSE_NEW) == 0) {
		rc = issue_new(db, who, &ap, today, &a, licence_id, err);
		goto out;
	}

	struct lc_licence before, after;
	rc = ap.licence_id ? read_id(db, ap.licence_id, &a, &before) : SVC_NOT_FOUND;
	if (rc == SVC_NOT_FOUND) {
		field_fail(err, "licence_id", "unknown", "application %s names no licence to %s",
		           ap.application_no, ap.purpose);
		rc = SVC_CONFLICT;
		goto out;
	}
	if (rc != SVC_OK)
		goto out;
	if (strcmp(before.kind, ap.kind) != 0 || strcmp(before.holder, ap.applicant) != 0) {
		field_fail(err, "licence_id", "mismatch", "licence %s is not a %s licence of %s",
		           before.licence_no, ap.kind, ap.applicant);
		rc = SVC_CONFLICT;
		goto out;
	}
	char stamp[32];
	now_iso(stamp);
	const char *action;
	struct db_stmt *st;
	int cancel = strcmp(ap.purpose, LC_PURPOSE_CANCEL) == 0;
	int renewal = strcmp(ap.purpose, LC_PURPOSE_RENEWAL) == 0;
	int ok_status = strcmp(before.status, LC_STATUS_VALID) == 0 ||
	                (cancel && strcmp(before.status, LC_STATUS_SUSPENDED) == 0);
	/* A change needs a licence in force; a renewal may be decided after the old expiry
	 * (the application came in before it), so only the stored status counts there. */
	if (!ok_status || (!cancel && !renewal &&
	                   strcmp(lc_licence_status_at(&before, today), LC_STATUS_VALID) != 0)) {
		field_fail(err, "licence_id", "status", "licence %s is %s", before.licence_no,
		           lc_licence_status_at(&before, today));
		rc = SVC_CONFLICT;
		goto out;
	}
	if (cancel) {
		action = "licensing.licence.cancel";
		st = db_prepare(db, SQL_STATUS);
		if (st == NULL) {
			rc = SVC_ERROR;
			goto out;
		}
		const char *why =
		    ap.reason && *ap.reason
		        ? ap.reason
		        : arena_printf(&a, "cancelled on application %s", ap.application_no);
		db_bind_cstr(st, 1, LC_STATUS_CANCELLED);
		db_bind_cstr(st, 2, why);
		bind_day(st, 3, today);
		db_bind_cstr(st, 4, stamp);
		db_bind_int64(st, 5, before.id);
		if ((rc = step_done(st)) == SVC_OK)
			rc = categories_status(db, before.id, before.region, LC_STATUS_CANCELLED);
	} else if (renewal) {
		action = "licensing.licence.renew";
		st = db_prepare(db, SQL_RENEW);
		if (st == NULL) {
			rc = SVC_ERROR;
			goto out;
		}
		bind_day(st, 1, lc_validity_end(before.valid_until + 1));
		db_bind_cstr(st, 2, stamp);
		db_bind_int64(st, 3, before.id);
		rc = step_done(st);
	} else {
		action = "licensing.licence.change";
		st = db_prepare(db, SQL_CHANGE);
		if (st == NULL) {
			rc = SVC_ERROR;
			goto out;
		}
		db_bind_cstr(st, 1, ap.applicant_name);
		db_bind_int64(st, 2, ap.region);
		db_bind_cstr(st, 3, ap.categories);
		db_bind_cstr(st, 4, ap.scope_text);
		db_bind_cstr(st, 5, ap.site_address);
		db_bind_cstr(st, 6, ap.legal_rep);
		db_bind_cstr(st, 7, stamp);
		db_bind_int64(st, 8, before.id);
		if ((rc = step_done(st)) == SVC_OK)
			rc = categories_write(db, before.id, ap.categories, ap.region,
			                      before.status);
	}
	if (rc != SVC_OK) {
		rc = SVC_ERROR;
		goto out;
	}
	if ((rc = read_id(db, before.id, &a, &after)) != SVC_OK) {
		rc = SVC_ERROR;
		goto out;
	}
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)before.id);
	if (audit_append(db, who, action, "licensing_licence", key, audit_json(&before, today, &a),
	                 audit_json(&after, today, &a), "ok") != 0) {
		rc = SVC_ERROR;
		goto out;
	}
	*licence_id = before.id;
	rc = SVC_OK;
out:
	arena_free(&a);
	return rc;
}

/* ---- The licence an application names -------------------------------------------------- */

int lc_licence_target_kind(struct db *db, const struct actor *who, const char *licence_no,
                           const char *applicant, const char *purpose, const char *kind,
                           int32_t today, int64_t *licence_id, struct field_error *err)
{
	(void)who;
	int cancel = text_is(purpose, LC_PURPOSE_CANCEL);
	int renewal = text_is(purpose, LC_PURPOSE_RENEWAL);
	if (!cancel && !renewal && !text_is(purpose, LC_PURPOSE_CHANGE))
		return field_fail(err, "purpose", "invalid",
		                  "only a change, renewal or cancel application names a licence"),
		       SVC_INVALID;
	if (licence_no == NULL || *licence_no == '\0')
		return field_fail(err, "licence_no", "required", "name the licence to %s", purpose),
		       SVC_INVALID;
	struct arena a = {0};
	struct lc_licence l;
	int rc = read_no(db, licence_no, &a, &l);
	if (rc == SVC_NOT_FOUND) {
		field_fail(err, "licence_no", "unknown", "no licence %.64s", licence_no);
		rc = SVC_INVALID;
		goto out;
	}
	if (rc != SVC_OK)
		goto out;
	rc = SVC_INVALID;
	const char *status = lc_licence_status_at(&l, today);
	if (applicant == NULL || strcmp(l.holder, applicant) != 0)
		field_fail(err, "licence_no", "not_holder",
		           "licence %s is not held by the applicant", l.licence_no);
	else if (kind && strcmp(l.kind, kind) != 0)
		field_fail(err, "licence_no", "kind", "licence %s is a %s licence, not a %s one",
		           l.licence_no, l.kind, kind);
	else if (strcmp(status, LC_STATUS_EXPIRED) == 0 && !cancel)
		field_fail(err, "licence_no", "expired",
		           "licence %s has expired: apply for a new licence", l.licence_no);
	else if (!(strcmp(l.status, LC_STATUS_VALID) == 0 ||
	           (cancel && strcmp(l.status, LC_STATUS_SUSPENDED) == 0)))
		field_fail(err, "licence_no", "status", "licence %s is %s", l.licence_no, status);
	else {
		rc = SVC_OK;
		*licence_id = l.id;
		int32_t left = l.valid_until - today;
		if (renewal && left < LC_RENEWAL_NOTICE_DAYS)
			field_fail(err, "licence_no", "late",
			           "renewal applied for %d days before expiry: the law asks for at "
			           "least %d",
			           (int)left, LC_RENEWAL_NOTICE_DAYS);
	}
out:
	arena_free(&a);
	return rc;
}

int lc_licence_target(struct db *db, const struct actor *who, const char *licence_no,
                      const char *applicant, const char *purpose, int32_t today,
                      int64_t *licence_id, struct field_error *err)
{
	return lc_licence_target_kind(db, who, licence_no, applicant, purpose, NULL, today,
	                              licence_id, err);
}

/* ---- Status changes --------------------------------------------------------------------- */

int lc_status_action_parse(const char *s, enum lc_status_action *out)
{
	if (text_is(s, "suspend"))
		*out = LC_ACTION_SUSPEND;
	else if (text_is(s, "restore"))
		*out = LC_ACTION_RESTORE;
	else if (text_is(s, "revoke"))
		*out = LC_ACTION_REVOKE;
	else
		return -1;
	return 0;
}

/* Code points of UTF-8 text s. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int lc_licence_status_change(struct db *db, const struct actor *who, int64_t id,
                             enum lc_status_action action, const char *reason, int32_t today,
                             int64_t if_version, struct field_error *err)
{
	if (who->entity_code)
		return field_fail(err, NULL, "forbidden",
		                  "an enterprise cannot change a licence's "
		                  "status"),
		       SVC_FORBIDDEN;
	while (reason && (*reason == ' ' || *reason == '\t' || *reason == '\n' || *reason == '\r'))
		reason++;
	if (reason == NULL || *reason == '\0')
		return field_fail(err, "reason", "required", "give the reason"), SVC_INVALID;
	size_t rn = strlen(reason);
	while (rn && (reason[rn - 1] == ' ' || reason[rn - 1] == '\t' || reason[rn - 1] == '\n' ||
	              reason[rn - 1] == '\r'))
		rn--;
	if (utf8_chars(reason) > LC_REASON_MAX)
		return field_fail(err, "reason", "too_long",
		                  "the reason is longer than %d characters", LC_REASON_MAX),
		       SVC_INVALID;
	static const char *const NEW_STATUS[] = {LC_STATUS_SUSPENDED, LC_STATUS_VALID,
	                                         LC_STATUS_REVOKED};
	static const char *const ACTION[] = {
	    "licensing.licence.suspend", "licensing.licence.restore", "licensing.licence.revoke"};
	struct arena a = {0};
	reason = arena_strndup(&a, reason, rn);
	if (db_begin_write(db) != 0) {
		arena_free(&a);
		return SVC_ERROR;
	}
	struct lc_licence before, after;
	int rc = lc_licence_read(db, who, id, &a, &before);
	if (rc != SVC_OK)
		goto fail;
	if (if_version > 0 && if_version != before.version) {
		rc = SVC_STALE;
		goto fail;
	}
	const char *now = lc_licence_status_at(&before, today);
	int allowed =
	    action == LC_ACTION_SUSPEND ? strcmp(now, LC_STATUS_VALID) == 0
	    : action == LC_ACTION_RESTORE
	        ? strcmp(now, LC_STATUS_SUSPENDED) == 0 && before.valid_until >= today
	        : strcmp(now, LC_STATUS_VALID) == 0 || strcmp(now, LC_STATUS_SUSPENDED) == 0;
	if (!allowed) {
		field_fail(err, "status", "status", "licence %s is %s%s", before.licence_no, now,
		           action == LC_ACTION_RESTORE && strcmp(now, LC_STATUS_SUSPENDED) == 0
		               ? " and its term has ended"
		               : "");
		rc = SVC_CONFLICT;
		goto fail;
	}
	char stamp[32];
	now_iso(stamp);
	struct db_stmt *st = db_prepare(db, SQL_STATUS);
	if (st == NULL) {
		rc = SVC_ERROR;
		goto fail;
	}
	db_bind_cstr(st, 1, NEW_STATUS[action]);
	db_bind_cstr(st, 2, reason);
	bind_day(st, 3, today);
	db_bind_cstr(st, 4, stamp);
	db_bind_int64(st, 5, id);
	if (step_done(st) != SVC_OK ||
	    categories_status(db, id, before.region, NEW_STATUS[action]) != SVC_OK ||
	    read_id(db, id, &a, &after) != SVC_OK) {
		rc = SVC_ERROR;
		goto fail;
	}
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	if (audit_append(db, who, ACTION[action], "licensing_licence", key,
	                 audit_json(&before, today, &a), audit_json(&after, today, &a),
	                 "ok") != 0 ||
	    db_commit(db) != 0) {
		rc = SVC_ERROR;
		goto fail;
	}
	arena_free(&a);
	return SVC_OK;
fail:
	db_rollback(db);
	arena_free(&a);
	return rc;
}

/* ---- List ------------------------------------------------------------------------------- */

static const char *const STATUSES[] = {LC_STATUS_VALID,     LC_STATUS_SUSPENDED, LC_STATUS_REVOKED,
                                       LC_STATUS_CANCELLED, LC_STATUS_REPLACED,  LC_STATUS_EXPIRED};

int lc_licence_filter_parse(struct lc_licence_filter *f, const char *q, const char *kind,
                            const char *status, const char *region, const char *category,
                            const char *holder, const char *limit, const char *cursor,
                            struct field_error *err)
{
	memset(f, 0, sizeof *f);
	if (q && *q) {
		if (utf8_chars(q) > 100)
			return field_fail(err, "q", "too_long", "q is longer than 100 characters"),
			       SVC_INVALID;
		f->q = q;
	}
	if (lc_kind_param(kind, &f->kind, err) != SVC_OK)
		return SVC_INVALID;
	if (status && *status) {
		for (size_t i = 0; i < sizeof STATUSES / sizeof *STATUSES; i++)
			if (strcmp(status, STATUSES[i]) == 0)
				f->status = STATUSES[i];
		if (f->status == NULL)
			return field_fail(
			           err, "status", "invalid",
			           "status is valid, suspended, revoked, cancelled, replaced or "
			           "expired"),
			       SVC_INVALID;
	}
	if (lc_region_param(region, &f->region, err) != SVC_OK)
		return SVC_INVALID;
	if (category && *category) {
		if (strlen(category) >= LC_CATEGORY_CODE_MAX)
			return field_fail(err, "category", "invalid", "no such category"),
			       SVC_INVALID;
		f->category = category;
	}
	if (holder && *holder) {
		if (strlen(holder) != 18)
			return field_fail(err, "holder", "invalid",
			                  "holder is an 18-character credit code"),
			       SVC_INVALID;
		f->holder = holder;
	}
	if (lc_limit_parse(limit, &f->limit, err) != SVC_OK)
		return SVC_INVALID;
	if (cursor && *cursor) {
		int64_t v;
		if (field_int_parse_cstr(cursor, 1, INT64_MAX, &v) != 0)
			return field_fail(err, "cursor", "invalid",
			                  "cursor is a next_cursor of this list"),
			       SVC_INVALID;
		f->before_id = v;
	}
	return SVC_OK;
}

/* s with LIKE's wildcards escaped ('\'), wrapped in '%', in a. */
static char *like_pattern(const char *s, struct arena *a)
{
	size_t n = strlen(s);
	char *p = arena_alloc(a, 2 * n + 3), *o = p;
	*o++ = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

int lc_licence_list(struct db *db, const struct actor *who, const struct lc_licence_filter *f,
                    int32_t today, struct arena *a,
                    int (*fn)(void *ctx, const struct lc_licence *l), void *ctx,
                    const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0)
		return SVC_OK;
	char day[11];
	date_format(today, day);
	struct buf sql = {0};
	buf_puts(&sql, "SELECT " COLS " FROM lc_licence l WHERE 1");
	if (f->q)
		buf_puts(&sql,
		         " AND (l.licence_no LIKE ? ESCAPE '\\' OR l.holder_name LIKE ? ESCAPE "
		         "'\\')");
	if (f->kind)
		buf_puts(&sql, " AND l.kind = ?");
	if (f->status && strcmp(f->status, LC_STATUS_EXPIRED) == 0)
		buf_puts(&sql, " AND l.status = 'valid' AND l.valid_until < ?");
	else if (f->status && strcmp(f->status, LC_STATUS_VALID) == 0)
		buf_puts(&sql, " AND l.status = 'valid' AND l.valid_until >= ?");
	else if (f->status)
		buf_puts(&sql, " AND l.status = ?");
	if (f->category)
		buf_puts(&sql,
		         " AND EXISTS (SELECT 1 FROM lc_licence_category c WHERE c.licence_id "
		         "= l.id AND c.category = ?)");
	if (f->holder)
		buf_puts(&sql, " AND l.holder = ?");
	if (f->before_id)
		buf_puts(&sql, " AND l.id < ?");
	scope_sql(&sql, &sc, "l.region_code", "l.holder");
	buf_puts(&sql, " ORDER BY l.id DESC LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	if (f->q) {
		char *p = like_pattern(f->q, a);
		db_bind_cstr(st, i++, p);
		db_bind_cstr(st, i++, p);
	}
	if (f->kind)
		db_bind_cstr(st, i++, f->kind);
	if (f->status &&
	    (strcmp(f->status, LC_STATUS_EXPIRED) == 0 || strcmp(f->status, LC_STATUS_VALID) == 0))
		db_bind_cstr(st, i++, day);
	else if (f->status)
		db_bind_cstr(st, i++, f->status);
	if (f->category)
		db_bind_cstr(st, i++, f->category);
	if (f->holder)
		db_bind_cstr(st, i++, f->holder);
	if (f->before_id)
		db_bind_int64(st, i++, f->before_id);
	scope_bind(st, &i, &sc);
	db_bind_int64(st, i++, f->limit + 1);
	int n = 0, rc;
	int64_t last = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*next_cursor = arena_printf(a, "%lld", (long long)last);
			break;
		}
		struct lc_licence l;
		row_read(st, a, &l);
		last = l.id;
		n++;
		if (fn(ctx, &l) != 0)
			break;
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

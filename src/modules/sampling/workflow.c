/*
 * A sample's way through the lab: assignment to an accredited lab, item results judged
 * against their limits, submission, review and approval by three different people of the
 * lab, and the notification of the producer (see samples.h). Approval moves the statistics'
 * tallies in the same transaction.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/catalogue.h"
#include "modules/sampling/judge.h"
#include "modules/sampling/samples.h"
#include "modules/sampling/tally.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* ---- Store -------------------------------------------------------------------------------- */

/* Sets status and the named columns of sample id; version and updated_at follow. */
static int store_set(struct db *db, int64_t id, const char *status, const char *col1,
                     const char *v1, const char *col2, const char *v2)
{
	/* The column names come from this file only (never from input): one statement each. */
	static const struct {
		const char *c1, *c2, *sql;
	} SQL[] = {
	    {"lab_id", "received_on",
	     "UPDATE sp_sample SET status = ?, lab_id = ?, received_on = ?, updated_at = ?, "
	     "version = version + 1 WHERE id = ?"},
	    {"verdict", "analyst",
	     "UPDATE sp_sample SET status = ?, verdict = ?, analyst = ?, updated_at = ?, version = "
	     "version + 1 WHERE id = ?"},
	    {"reviewer", "verdict",
	     "UPDATE sp_sample SET status = ?, reviewer = ?, verdict = ?, updated_at = ?, version "
	     "= "
	     "version + 1 WHERE id = ?"},
	    {"approver", "approved_on",
	     "UPDATE sp_sample SET status = ?, approver = ?, approved_on = ?, final_verdict = "
	     "verdict, updated_at = ?, version = version + 1 WHERE id = ?"},
	    {"notified_on", NULL,
	     "UPDATE sp_sample SET status = ?, notified_on = ?, updated_at = ?, version = version "
	     "+ "
	     "1 WHERE id = ?"},
	};
	const char *sql = NULL;
	for (size_t i = 0; i < sizeof SQL / sizeof SQL[0]; i++)
		if (strcmp(SQL[i].c1, col1) == 0 &&
		    (SQL[i].c2 == NULL ? col2 == NULL : col2 && strcmp(SQL[i].c2, col2) == 0))
			sql = SQL[i].sql;
	if (sql == NULL)
		return DB_ERROR;
	struct db_stmt *st = db_prepare(db, sql);
	if (st == NULL)
		return DB_ERROR;
	char now[32];
	now_iso(now);
	int k = 1;
	db_bind_cstr(st, k++, status);
	db_bind_cstr(st, k++, v1);
	if (col2)
		db_bind_cstr(st, k++, v2);
	db_bind_cstr(st, k++, now);
	db_bind_int64(st, k++, id);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

static int store_result_put(struct db *db, int64_t id, int round, const char *item,
                            const char *value, const char *judgement, const char *analyst)
{
	struct db_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO sp_result (sample_id, round, "
	                                    "item_code, value, judgement, analyst, entered_at) "
	                                    "VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	char now[32];
	now_iso(now);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, round);
	db_bind_cstr(st, 3, item);
	db_bind_cstr(st, 4, value);
	db_bind_cstr(st, 5, judgement);
	db_bind_cstr(st, 6, analyst);
	db_bind_cstr(st, 7, now);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* The objection of sample id: DB_ROW with its status and re-test lab, DB_DONE, or an error. */
static int store_objection(struct db *db, int64_t id, struct arena *a, const char **status,
                           int64_t *retest_lab)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT status, coalesce(retest_lab_id, 0) FROM sp_objection WHERE sample_id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*status = arena_strdup(a, db_col_text(st, 0, NULL));
		*retest_lab = db_col_int64(st, 1);
	}
	db_reset(st);
	return rc;
}

/* ---- Helpers ------------------------------------------------------------------------------ */

static int done(struct db *db, int rc)
{
	if (rc == SVC_OK && db_commit(db) == 0)
		return SVC_OK;
	db_rollback(db);
	return rc == SVC_OK ? SVC_ERROR : rc;
}

/* 1 if who works at lab_id (their org unit is the lab's). */
static int at_lab(struct db *db, const struct actor *who, int64_t lab_id, struct arena *a)
{
	struct sp_lab_info lab;
	return lab_id && who->org_unit && !who->entity_code &&
	       sp_lab_info(db, lab_id, a, &lab) == SVC_OK && lab.org_unit &&
	       strcmp(lab.org_unit, who->org_unit) == 0;
}

static int not_lab(struct field_error *err)
{
	field_fail(err, NULL, "not_lab_staff", "only the staff of the sample's lab do this");
	return SVC_FORBIDDEN;
}

static int wrong_status(struct field_error *err, const char *status, const char *want)
{
	field_fail(err, "status", "wrong_status", "the sample is %s; this needs it %s", status,
	           want);
	return SVC_CONFLICT;
}

static int audit(struct db *db, const struct actor *who, const char *action,
                 const struct sp_sample_row *s, const char *after_fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int audit(struct db *db, const struct actor *who, const char *action,
                 const struct sp_sample_row *s, const char *after_fmt, ...)
{
	char before[160];
	snprintf(before, sizeof before, "{\"status\":\"%s\",\"version\":%lld}", s->status,
	         (long long)s->version);
	struct buf after = {0};
	va_list ap;
	va_start(ap, after_fmt);
	buf_vprintf(&after, after_fmt, ap);
	va_end(ap);
	int rc = audit_append(db, who, action, "sampling_sample", s->sample_no, before,
	                      after.data ? after.data : "{}", "ok");
	buf_free(&after);
	return rc == 0 ? SVC_OK : SVC_ERROR;
}

/* ---- The steps ---------------------------------------------------------------------------- */

int sp_sample_assign(struct db *db, const struct actor *who, int64_t id, int64_t lab_id,
                     int32_t received, struct field_error *err)
{
	struct arena a = {0};
	if (who->entity_code) {
		arena_free(&a);
		return field_fail(err, NULL, "enterprise", "officers assign samples to labs"),
		       SVC_FORBIDDEN;
	}
	if (db_begin_write(db) != 0)
		return arena_free(&a), SVC_ERROR;
	struct sp_sample_row s;
	struct sp_product p;
	struct sp_lab_info lab;
	int32_t today = today_china();
	if (received == DATE_NONE)
		received = today;
	int rc = sp_sample_read(db, who, id, &a, &s);
	if (rc != SVC_OK)
		goto out;
	if (strcmp(s.status, "sampled") != 0) {
		rc = wrong_status(err, s.status, "sampled");
		goto out;
	}
	rc = sp_lab_info(db, lab_id, &a, &lab);
	if (rc == SVC_NOT_FOUND) {
		field_fail(err, "lab_id", "unknown_lab", "no lab %lld", (long long)lab_id);
		rc = SVC_INVALID;
	}
	if (rc != SVC_OK)
		goto out;
	if (lab.accredited_until < today) {
		char d[11];
		date_format(lab.accredited_until, d);
		field_fail(err, "lab_id", "accreditation_expired", "lab %s was accredited until %s",
		           lab.code, d);
		rc = SVC_INVALID;
		goto out;
	}
	if ((rc = sp_product_get(db, s.product_id, NULL, &a, &p)) != SVC_OK)
		goto out;
	for (int i = 0; i < p.nitems; i++) {
		int c = sp_lab_covers(db, lab_id, p.items[i].item_code);
		if (c < 0) {
			rc = SVC_ERROR;
			goto out;
		}
		if (!c) {
			field_fail(err, "lab_id", "not_accredited",
			           "lab %s is not accredited for %s, which %s is tested for",
			           lab.code, p.items[i].item_code, p.code);
			rc = SVC_INVALID;
			goto out;
		}
	}
	if (received > today) {
		field_fail(err, "received_on", "future", "received_on is after today");
		rc = SVC_INVALID;
		goto out;
	}
	char lab_s[24], day[11];
	snprintf(lab_s, sizeof lab_s, "%lld", (long long)lab_id);
	date_format(received, day);
	rc = store_set(db, id, "testing", "lab_id", lab_s, "received_on", day) == DB_DONE
	         ? audit(db, who, "sampling.sample.assign", &s,
	                 "{\"status\":\"testing\",\"lab\":\"%s\",\"received_on\":\"%s\"}", lab.code,
	                 day)
	         : SVC_ERROR;
out:
	rc = done(db, rc);
	arena_free(&a);
	return rc;
}

int sp_results_enter(struct db *db, const struct actor *who, int64_t id, int round,
                     const struct sp_result_in *items, int n, struct arena *a,
                     struct field_error *err)
{
	if (round != 0 && round != 1)
		return field_fail(err, "round", "invalid",
		                  "round is 0 (the test) or 1 (a re-test)"),
		       SVC_INVALID;
	if (n <= 0)
		return field_fail(err, "items", "required", "give at least one result"),
		       SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_sample_row s;
	struct sp_product p;
	int rc = sp_sample_read(db, who, id, a, &s);
	if (rc != SVC_OK)
		return done(db, rc);
	int64_t lab = s.lab_id;
	if (round == 0) {
		if (strcmp(s.status, "testing") != 0)
			return done(db, wrong_status(err, s.status, "testing"));
	} else {
		const char *ostatus = NULL;
		int64_t retest_lab = 0;
		int orc = store_objection(db, id, a, &ostatus, &retest_lab);
		if (orc < 0)
			return done(db, SVC_ERROR);
		if (orc == DB_DONE || strcmp(ostatus, "retesting") != 0) {
			field_fail(err, "round", "no_retest",
			           "re-test results need an objection accepted for re-testing");
			return done(db, SVC_CONFLICT);
		}
		lab = retest_lab;
	}
	if (!at_lab(db, who, lab, a))
		return done(db, not_lab(err));
	if ((rc = sp_product_get(db, s.product_id, NULL, a, &p)) != SVC_OK)
		return done(db, rc);
	for (int k = 0; k < n; k++) {
		char field[40];
		const struct sp_product_item *pi = NULL;
		for (int i = 0; i < p.nitems && items[k].item_code; i++)
			if (strcmp(p.items[i].item_code, items[k].item_code) == 0)
				pi = &p.items[i];
		if (pi == NULL) {
			snprintf(field, sizeof field, "items[%d].item_code", k);
			field_fail(err, arena_strdup(a, field), "unknown_item",
			           "%s is not tested on %s",
			           items[k].item_code ? items[k].item_code : "", p.code);
			return done(db, SVC_INVALID);
		}
		int c = sp_lab_covers(db, lab, pi->item_code);
		if (c < 0)
			return done(db, SVC_ERROR);
		if (!c) {
			snprintf(field, sizeof field, "items[%d].item_code", k);
			field_fail(err, arena_strdup(a, field), "not_accredited",
			           "the lab is not accredited for %s", pi->item_code);
			return done(db, SVC_INVALID);
		}
		const char *judgement, *why;
		if (sp_judge_item(pi, items[k].value, &judgement, &why) != 0) {
			snprintf(field, sizeof field, "items[%d].value", k);
			field_fail(err, arena_strdup(a, field), "invalid", "%s: %s", pi->item_code,
			           why);
			return done(db, SVC_INVALID);
		}
		if (store_result_put(db, id, round, pi->item_code, items[k].value, judgement,
		                     who->name) != DB_DONE)
			return done(db, SVC_ERROR);
	}
	return done(db, audit(db, who, "sampling.sample.results", &s, "{\"round\":%d,\"items\":%d}",
	                      round, n));
}

int sp_sample_submit(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                     struct field_error *err)
{
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct sp_sample_row s;
	struct sp_product p;
	int rc = sp_sample_read(db, who, id, a, &s);
	if (rc != SVC_OK)
		return done(db, rc);
	if (strcmp(s.status, "testing") != 0)
		return done(db, wrong_status(err, s.status, "testing"));
	if (!at_lab(db, who, s.lab_id, a))
		return done(db, not_lab(err));
	if ((rc = sp_product_get(db, s.product_id, NULL, a, &p)) != SVC_OK)
		return done(db, rc);
	const char *verdict, *missing;
	rc = sp_results_verdict(db, id, 0, &p, a, &verdict, &missing);
	if (rc == SVC_INVALID) {
		field_fail(err, "items", "incomplete", "no result yet for %s", missing);
		return done(db, SVC_INVALID);
	}
	if (rc != SVC_OK)
		return done(db, rc);
	rc = store_set(db, id, "submitted", "verdict", verdict, "analyst", who->name) == DB_DONE
	         ? audit(db, who, "sampling.sample.submit", &s,
	                 "{\"status\":\"submitted\",\"verdict\":\"%s\"}", verdict)
	         : SVC_ERROR;
	return done(db, rc);
}

int sp_sample_review(struct db *db, const struct actor *who, int64_t id, int accept,
                     const char *note, struct field_error *err)
{
	struct arena a = {0};
	if (db_begin_write(db) != 0)
		return arena_free(&a), SVC_ERROR;
	struct sp_sample_row s;
	int rc = sp_sample_read(db, who, id, &a, &s);
	if (rc != SVC_OK)
		goto out;
	if (strcmp(s.status, "submitted") != 0) {
		rc = wrong_status(err, s.status, "submitted");
		goto out;
	}
	if (!at_lab(db, who, s.lab_id, &a)) {
		rc = not_lab(err);
		goto out;
	}
	if (s.analyst && strcmp(s.analyst, who->name) == 0) {
		field_fail(err, NULL, "same_person",
		           "the analyst does not review their own report");
		rc = SVC_FORBIDDEN;
		goto out;
	}
	if (!accept && (note == NULL || note[0] == '\0')) {
		field_fail(err, "note", "required", "say what must be corrected");
		rc = SVC_INVALID;
		goto out;
	}
	struct buf after = {0};
	buf_puts(&after, accept ? "{\"status\":\"reviewed\",\"note\":"
	                        : "{\"status\":\"testing\","
	                          "\"note\":");
	if (note)
		json_write_string(&after, note, strlen(note));
	else
		buf_puts(&after, "null");
	buf_putc(&after, '}');
	rc = store_set(db, id, accept ? "reviewed" : "testing", "reviewer",
	               accept ? who->name : NULL, "verdict", accept ? s.verdict : NULL) == DB_DONE
	         ? audit(db, who, accept ? "sampling.sample.review" : "sampling.sample.return", &s,
	                 "%s", after.data)
	         : SVC_ERROR;
	buf_free(&after);
out:
	rc = done(db, rc);
	arena_free(&a);
	return rc;
}

int sp_sample_approve(struct db *db, const struct actor *who, int64_t id, struct field_error *err)
{
	struct arena a = {0};
	if (db_begin_write(db) != 0)
		return arena_free(&a), SVC_ERROR;
	struct sp_sample_row s;
	int rc = sp_sample_read(db, who, id, &a, &s);
	if (rc != SVC_OK)
		goto out;
	if (strcmp(s.status, "reviewed") != 0) {
		rc = s.status && strcmp(s.status, "approved") == 0
		         ? (field_fail(err, "status", "approved",
		                       "the report is approved already; it no longer changes"),
		            SVC_CONFLICT)
		         : wrong_status(err, s.status, "reviewed");
		goto out;
	}
	if (!at_lab(db, who, s.lab_id, &a)) {
		rc = not_lab(err);
		goto out;
	}
	if ((s.analyst && strcmp(s.analyst, who->name) == 0) ||
	    (s.reviewer && strcmp(s.reviewer, who->name) == 0)) {
		field_fail(err, NULL, "same_person",
		           "the approver is neither the analyst nor the reviewer");
		rc = SVC_FORBIDDEN;
		goto out;
	}
	char day[11];
	date_format(today_china(), day);
	if (store_set(db, id, "approved", "approver", who->name, "approved_on", day) != DB_DONE ||
	    sp_tally_move(db, id, NULL, 0, s.verdict, 0) != SVC_OK) {
		rc = SVC_ERROR;
		goto out;
	}
	rc = audit(db, who, "sampling.sample.approve", &s,
	           "{\"status\":\"approved\",\"final_verdict\":\"%s\",\"approved_on\":\"%s\"}",
	           s.verdict, day);
out:
	rc = done(db, rc);
	arena_free(&a);
	return rc;
}

int sp_sample_notify(struct db *db, const struct actor *who, int64_t id, int32_t day,
                     struct field_error *err)
{
	struct arena a = {0};
	if (who->entity_code) {
		arena_free(&a);
		return field_fail(err, NULL, "enterprise", "officers record the notification"),
		       SVC_FORBIDDEN;
	}
	int32_t today = today_china();
	if (day == DATE_NONE)
		day = today;
	if (db_begin_write(db) != 0)
		return arena_free(&a), SVC_ERROR;
	struct sp_sample_row s;
	char d[11];
	int rc = sp_sample_read(db, who, id, &a, &s);
	if (rc != SVC_OK)
		goto out;
	if (strcmp(s.status, "approved") != 0) {
		rc = wrong_status(err, s.status, "approved");
		goto out;
	}
	if (s.notified_on != DATE_NONE) {
		field_fail(err, "notified_on", "notified", "the producer was notified already");
		rc = SVC_CONFLICT;
		goto out;
	}
	struct record r;
	if (sp_sample_get(db, who, id, &a, &r) != SVC_OK) {
		rc = SVC_ERROR;
		goto out;
	}
	if (day > today || day < record_day_of(r.v[SS_APPROVED_ON])) {
		field_fail(err, "notified_on", "invalid",
		           "notified_on lies between the approval (%s) and today",
		           r.v[SS_APPROVED_ON]);
		rc = SVC_INVALID;
		goto out;
	}
	date_format(day, d);
	rc = store_set(db, id, "approved", "notified_on", d, NULL, NULL) == DB_DONE
	         ? audit(db, who, "sampling.sample.notify", &s, "{\"notified_on\":\"%s\"}", d)
	         : SVC_ERROR;
out:
	rc = done(db, rc);
	arena_free(&a);
	return rc;
}

/* ---- Reading results and lists ------------------------------------------------------------ */

int sp_results_write_json(struct db *db, int64_t id, int64_t product_id, struct arena *a,
                          struct buf *out)
{
	struct sp_product p;
	int rc = sp_product_get(db, product_id, NULL, a, &p);
	if (rc != SVC_OK)
		return rc;
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT r.round, r.value, r.judgement, r.analyst, r.entered_at, t.name_zh, t.name_bo, "
	    "t.name_en FROM sp_test_item t LEFT JOIN sp_result r ON r.item_code = t.code AND "
	    "r.sample_id = ? WHERE t.code = ? ORDER BY r.round");
	if (st == NULL)
		return SVC_ERROR;
	buf_putc(out, '[');
	int first = 1;
	for (int i = 0; i < p.nitems; i++) {
		const struct sp_product_item *pi = &p.items[i];
		db_bind_int64(st, 1, id);
		db_bind_cstr(st, 2, pi->item_code);
		while ((rc = db_step(st)) == DB_ROW) {
			buf_puts(out, first ? "{" : ",{");
			first = 0;
			buf_printf(out, "\"round\":%s,\"item_code\":",
			           db_col_is_null(st, 0) ? "0" : db_col_text(st, 0, NULL));
			json_write_string(out, pi->item_code, strlen(pi->item_code));
			static const char *const NAMES[] = {"name_zh", "name_bo", "name_en"};
			for (int k = 0; k < 3; k++) {
				buf_printf(out, ",\"%s\":", NAMES[k]);
				size_t n;
				const char *v = db_col_text(st, 5 + k, &n);
				if (db_col_is_null(st, 5 + k))
					buf_puts(out, "null");
				else
					json_write_string(out, v, n);
			}
			const char *keys[] = {"unit", "rule", "lo", "hi", "expected"};
			const char *vals[] = {pi->unit, pi->rule, pi->lo, pi->hi, pi->expected};
			for (int k = 0; k < 5; k++) {
				buf_printf(out, ",\"%s\":", keys[k]);
				if (vals[k] && vals[k][0])
					json_write_string(out, vals[k], strlen(vals[k]));
				else
					buf_puts(out, "null");
			}
			const char *rkeys[] = {"value", "judgement", "analyst", "entered_at"};
			for (int k = 0; k < 4; k++) {
				buf_printf(out, ",\"%s\":", rkeys[k]);
				size_t n;
				const char *v = db_col_text(st, 1 + k, &n);
				if (db_col_is_null(st, 1 + k))
					buf_puts(out, "null");
				else
					json_write_string(out, v, n);
			}
			buf_putc(out, '}');
		}
		db_reset(st);
		if (rc != DB_DONE)
			return SVC_ERROR;
	}
	buf_putc(out, ']');
	return SVC_OK;
}

static const char *const STATUS_NAMES[] = {"sampled",   "refused",  "testing",
                                           "submitted", "reviewed", "approved"};

int sp_sample_filter_parse(struct sp_sample_filter *f, const char *region, const char *status,
                           const char *verdict, const char *product, const char *producer,
                           const char *task, const char *lab, const char *year, const char *limit,
                           const char *cursor, struct field_error *err)
{
	memset(f, 0, sizeof *f);
	int64_t v;
	if (region) {
		if (field_int_parse_cstr(region, 110000, 829999, &v) != 0)
			return field_fail(err, "region", "invalid", "region is a GB/T 2260 code"),
			       SVC_INVALID;
		f->region = (int)v;
	}
	if (status) {
		int ok = 0;
		for (size_t i = 0; i < sizeof STATUS_NAMES / sizeof STATUS_NAMES[0]; i++)
			ok |= strcmp(status, STATUS_NAMES[i]) == 0;
		if (!ok)
			return field_fail(
			           err, "status", "invalid",
			           "status is sampled, refused, testing, submitted, reviewed or "
			           "approved"),
			       SVC_INVALID;
		f->status = status;
	}
	if (verdict) {
		if (strcmp(verdict, "pass") != 0 && strcmp(verdict, "fail") != 0)
			return field_fail(err, "verdict", "invalid", "verdict is pass or fail"),
			       SVC_INVALID;
		f->verdict = verdict;
	}
	if (product && (strlen(product) == 0 || strlen(product) > 40))
		return field_fail(err, "product", "invalid", "product is a catalogue code"),
		       SVC_INVALID;
	f->product = product;
	if (producer && strlen(producer) != 18)
		return field_fail(err, "producer", "invalid",
		                  "producer is an 18-character credit code"),
		       SVC_INVALID;
	f->producer = producer;
	if (task && field_int_parse_cstr(task, 1, INT64_MAX, &f->task_id) != 0)
		return field_fail(err, "task", "invalid", "task is a task id"), SVC_INVALID;
	if (lab && field_int_parse_cstr(lab, 1, INT64_MAX, &f->lab_id) != 0)
		return field_fail(err, "lab", "invalid", "lab is a lab id"), SVC_INVALID;
	if (year) {
		if (field_int_parse_cstr(year, 2000, 2199, &v) != 0)
			return field_fail(err, "year", "invalid", "year is 2000 to 2199"),
			       SVC_INVALID;
		f->year = (int)v;
	}
	if (cursor && field_int_parse_cstr(cursor, 1, INT64_MAX, &f->before_id) != 0)
		return field_fail(err, "cursor", "invalid", "cursor is the next_cursor of a page"),
		       SVC_INVALID;
	return sp_limit_parse(limit, &f->limit, err);
}

int sp_sample_list(struct db *db, const struct actor *who, const struct sp_sample_filter *f,
                   struct arena *a, int (*fn)(void *ctx, const struct record *r), void *ctx,
                   const char **next_cursor)
{
	*next_cursor = NULL;
	struct sp_scope sc;
	if (sp_scope_make(who, f->region, &sc) != 0)
		return SVC_OK;
	struct buf sql = {0};
	buf_puts(&sql, "SELECT s.id FROM sp_sample s JOIN sp_product p ON p.id = s.product_id "
	               "WHERE 1");
	if (f->region) {
		/* the filter's subtree applies to lab staff too */
		int lo, hi;
		region_subtree(f->region, &lo, &hi);
		buf_printf(&sql, " AND s.region_code BETWEEN %d AND %d", lo, hi);
	}
	sp_scope_sql(&sql, &sc, "s.region_code", "s.producer", "s.lab_id", "s.id");
	if (f->status)
		buf_puts(&sql, " AND s.status = ?");
	if (f->verdict)
		buf_puts(&sql, " AND s.final_verdict = ?");
	if (f->product)
		buf_puts(&sql, " AND p.code = ?");
	if (f->producer)
		buf_puts(&sql, " AND s.producer = ?");
	if (f->task_id)
		buf_puts(&sql, " AND s.task_id = ?");
	if (f->lab_id)
		buf_puts(&sql, " AND s.lab_id = ?");
	if (f->year)
		buf_puts(&sql, " AND s.year = ?");
	if (f->before_id)
		buf_puts(&sql, " AND s.id < ?");
	buf_puts(&sql, " ORDER BY s.id DESC LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	int k = 1;
	sp_scope_bind(st, &k, &sc);
	if (f->status)
		db_bind_cstr(st, k++, f->status);
	if (f->verdict)
		db_bind_cstr(st, k++, f->verdict);
	if (f->product)
		db_bind_cstr(st, k++, f->product);
	if (f->producer)
		db_bind_cstr(st, k++, f->producer);
	if (f->task_id)
		db_bind_int64(st, k++, f->task_id);
	if (f->lab_id)
		db_bind_int64(st, k++, f->lab_id);
	if (f->year)
		db_bind_int64(st, k++, f->year);
	if (f->before_id)
		db_bind_int64(st, k++, f->before_id);
	db_bind_int64(st, k++, f->limit + 1);
	int64_t ids[SP_PAGE_MAX + 1];
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW && n <= f->limit)
		ids[n++] = db_col_int64(st, 0);
	db_finalize(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return SVC_ERROR;
	int shown = n > f->limit ? f->limit : n;
	for (int i = 0; i < shown; i++) {
		struct record r;
		/* the list's scope already admitted the row: read it without asking again */
		struct actor all = {.name = who->name, .all_regions = 1};
		if (sp_sample_get(db, &all, ids[i], a, &r) != SVC_OK)
			return SVC_ERROR;
		if (fn(ctx, &r) != 0)
			return SVC_ERROR;
	}
	if (n > f->limit) {
		char c[24];
		snprintf(c, sizeof c, "%lld", (long long)ids[shown - 1]);
		*next_cursor = arena_strdup(a, c);
	}
	return SVC_OK;
}

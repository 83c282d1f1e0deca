/*
 * Rules of the enterprise registry: list parameters, reads, registration and changes, each
 * change in one write transaction together with its audit entry.
 */
#include "service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modules/regions/service.h"
#include "platform/scope.h"
#include "platform/audit.h"
#include "platform/db.h"
#include "store.h"

/* Current UTC time as 2026-11-28T10:11:12Z into out[32]. */
static int choice_valid(const struct field_spec *f, const char *v)
{
	for (int i = 0; f->choices[i]; i++)
		if (strcmp(f->choices[i], v) == 0)
			return 1;
	return 0;
}

int registry_filter_continue(struct registry_filter *f, struct arena *a, const char *cursor,
                             struct field_error *err)
{
	/* Cursor: "<sort>.<id>" or "<sort>.<id>.<hex of key>", bound to its sort. */
	const char *bad = "cursor is not one this list returned";
	const char *dot = strchr(cursor, '.');
	int64_t sk;
	if (dot == NULL || field_int_parse(cursor, (size_t)(dot - cursor), 0, 9, &sk) != 0 ||
	    sk != f->sort * 2 + f->desc)
		return field_fail(err, "cursor", "invalid", "%s", bad), REG_INVALID;
	const char *idtext = dot + 1;
	const char *end = strchr(idtext, '.');
	if (end == NULL)
		end = idtext + strlen(idtext);
	if (field_int_parse(idtext, (size_t)(end - idtext), 0, INT64_MAX, &f->after_id) != 0)
		return field_fail(err, "cursor", "invalid", "%s", bad), REG_INVALID;
	if (f->sort != REG_SORT_ID) {
		if (*end != '.')
			return field_fail(err, "cursor", "invalid", "%s", bad), REG_INVALID;
		const char *hex = end + 1;
		size_t n = strlen(hex);
		if (n % 2 || n > 4096)
			return field_fail(err, "cursor", "invalid", "%s", bad), REG_INVALID;
		char *key = arena_alloc(a, n / 2 + 1);
		for (size_t i = 0; i < n / 2; i++) {
			unsigned x;
			if (sscanf(hex + 2 * i, "%2x", &x) != 1)
				return field_fail(err, "cursor", "invalid", "%s", bad), REG_INVALID;
			key[i] = (char)x;
		}
		key[n / 2] = '\0';
		f->after_key = key;
	} else if (*end) {
		return field_fail(err, "cursor", "invalid", "%s", bad), REG_INVALID;
	}
	f->has_cursor = 1;
	return REG_OK;
}

int registry_filter_parse(struct registry_filter *f, struct arena *a, const char *region,
                          const char *industry, const char *status, const char *size, const char *q,
                          const char *sort, const char *limit, const char *cursor,
                          struct field_error *err)
{
	memset(f, 0, sizeof *f);
	f->limit = REGISTRY_PAGE_DEFAULT;
	int64_t v;
	if (region) {
		if (field_int_parse_cstr(region, 100000, 999999, &v) != 0 ||
		    regions_find((int)v) == NULL)
			return field_fail(err, "region", "unknown_region",
			                  "region must be a known six-digit region code"),
			       REG_INVALID;
		f->region = (int)v;
	}
	const struct field_spec *fs = ENTERPRISE_TYPE.fields;
	if (industry && !choice_valid(&fs[ENT_INDUSTRY], industry))
		return field_fail(err, "industry", "not_allowed",
		                  "industry must be a GB/T 4754 section letter A-T"),
		       REG_INVALID;
	if (status && !choice_valid(&fs[ENT_STATUS], status))
		return field_fail(err, "status", "not_allowed",
		                  "status must be active, suspended, revoked or deregistered"),
		       REG_INVALID;
	if (size && !choice_valid(&fs[ENT_SIZE], size))
		return field_fail(err, "size", "not_allowed",
		                  "size must be micro, small, medium or large"),
		       REG_INVALID;
	f->industry = industry;
	f->status = status;
	f->size = size;
	if (q && *q) {
		size_t n = strlen(q);
		if (n > 100 || utf8_invalid_at(q, n) >= 0)
			return field_fail(err, "q", "invalid",
			                  "q must be valid UTF-8 of at most 100 bytes"),
			       REG_INVALID;
		f->q = arena_strdup(a, q);
	}
	if (sort) {
		const char *k = sort;
		if (*k == '-') {
			f->desc = 1;
			k++;
		}
		if (strcmp(k, "id") == 0)
			f->sort = REG_SORT_ID;
		else if (strcmp(k, "name") == 0)
			f->sort = REG_SORT_NAME;
		else if (strcmp(k, "credit_code") == 0)
			f->sort = REG_SORT_CREDIT_CODE;
		else
			return field_fail(err, "sort", "not_allowed",
			                  "sort must be id, name or credit_code, with - for "
			                  "descending"),
			       REG_INVALID;
	}
	if (limit) {
		if (field_int_parse_cstr(limit, 1, REGISTRY_PAGE_MAX, &v) != 0)
			return field_fail(err, "limit", "out_of_range",
			                  "limit must be an integer from 1 to %d",
			                  REGISTRY_PAGE_MAX),
			       REG_INVALID;
		f->limit = (int)v;
	}
	if (cursor)
		return registry_filter_continue(f, a, cursor, err);
	return REG_OK;
}

static const char *cursor_make(struct arena *a, const struct registry_filter *f, int64_t id,
                               const char *key)
{
	struct buf b = {0};
	buf_printf(&b, "%d.%lld", f->sort * 2 + f->desc, (long long)id);
	if (f->sort != REG_SORT_ID) {
		buf_putc(&b, '.');
		for (const unsigned char *p = (const unsigned char *)(key ? key : ""); *p; p++)
			buf_printf(&b, "%02x", *p);
	}
	const char *s = arena_strdup(a, b.data);
	buf_free(&b);
	return s;
}

int registry_list(struct db *db, const struct actor *who, const struct registry_filter *f,
                  struct arena *a, registry_row_fn fn, void *ctx, const char **next_cursor)
{
	*next_cursor = NULL;
	struct store_scope sc;
	if (store_scope_ranges(who, f->region, &sc) != 0)
		return REG_OK;
	int64_t last_id = 0;
	const char *last_key = NULL;
	int more;
	int n = store_list(db, f, &sc, a, fn, ctx, &last_id, &last_key, &more);
	if (n < 0)
		return REG_ERROR;
	if (more)
		*next_cursor = cursor_make(a, f, last_id, last_key);
	return REG_OK;
}

int registry_count(struct db *db, const struct actor *who, const struct registry_filter *f,
                   int64_t *count)
{
	struct store_scope sc;
	*count = 0;
	if (store_scope_ranges(who, f->region, &sc) != 0)
		return REG_OK;
	return store_count(db, f, &sc, count) == 0 ? REG_OK : REG_ERROR;
}

int registry_count_by_region(struct db *db, const struct actor *who,
                             const struct registry_filter *f, enum registry_count_by by,
                             registry_region_count_fn fn, void *ctx)
{
	struct store_scope sc;
	if (store_scope_ranges(who, f->region, &sc) != 0)
		return REG_OK; /* the filter lies outside the scope: no region has a match */
	return store_count_by_region(db, f, &sc, by == REG_COUNT_BY_COUNTY, fn, ctx) == 0
	           ? REG_OK
	           : REG_ERROR;
}

int registry_get(struct db *db, const struct actor *who, const char *credit_code, struct arena *a,
                 struct record *out)
{
	int64_t id;
	int rc = store_get(db, credit_code, who, a, out, &id);
	if (rc == DB_ROW)
		record_recheck_warnings(out); /* warnings are shown with the record, not stored */
	return rc == DB_ROW ? REG_OK : rc == DB_DONE ? REG_NOT_FOUND : REG_ERROR;
}

int registry_rules_check(const struct actor *who, const struct record *r, struct field_error *err)
{
	int64_t code = 0;
	if (field_int_parse_cstr(r->v[ENT_REGION_CODE], 100000, 999999, &code) != 0 ||
	    regions_find((int)code) == NULL)
		return field_fail(err, "region_code", "unknown_region",
		                  "region_code %lld is not a known GB/T 2260 region",
		                  (long long)code);
	/* An actor who may see what they create may also create outside their ranges. */
	if (!actor_region_in_scope(who, (int)code) && !who->own_records)
		return field_fail(err, "region_code", "out_of_scope",
		                  "region_code %lld is outside your jurisdiction", (long long)code);
	/* Today's date, worked out again only when the clock moves on (imports call this per row).
	 */
	static _Thread_local time_t cached_at;
	static _Thread_local char today[32];
	time_t t = time(NULL);
	if (t != cached_at) {
		now_iso(today);
		today[10] = '\0';
		cached_at = t;
	}
	if (r->v[ENT_ESTABLISHED_ON] && strcmp(r->v[ENT_ESTABLISHED_ON], today) > 0)
		return field_fail(err, "established_on", "in_future",
		                  "established_on cannot be in the future");
	const char *trained_on = r->v[ENT_QUALITY_MANAGER_TRAINED_ON];
	if (trained_on) {
		if (r->v[ENT_QUALITY_MANAGER_TRAINED] == NULL ||
		    r->v[ENT_QUALITY_MANAGER_TRAINED][0] != '1')
			return field_fail(err, "quality_manager_trained_on", "inconsistent",
			                  "quality_manager_trained_on needs "
			                  "quality_manager_trained to be true");
		if (strcmp(trained_on, today) > 0)
			return field_fail(err, "quality_manager_trained_on", "in_future",
			                  "quality_manager_trained_on cannot be in the future");
	}
	if (r->v[ENT_QMS_CERTIFICATE_NO] &&
	    (r->v[ENT_QMS_CERTIFIED] == NULL || r->v[ENT_QMS_CERTIFIED][0] != '1'))
		return field_fail(err, "qms_certificate_no", "inconsistent",
		                  "qms_certificate_no needs qms_certified to be true");
	return 0;
}

int registry_create(struct db *db, const struct actor *who, const struct record *in,
                    struct arena *a, struct record *out, struct field_error *err)
{
	struct record r = *in;
	if (r.v[ENT_STATUS] == NULL)
		record_set(&r, a, ENT_STATUS, "active", 6);
	if (record_check(&r, 0, err) != 0)
		return REG_INVALID;
	if (registry_rules_check(who, &r, err) != 0)
		return REG_INVALID;
	char now[32];
	now_iso(now);
	record_set(&r, a, ENT_CREATED_AT, now, strlen(now));
	record_set(&r, a, ENT_UPDATED_AT, now, strlen(now));
	record_set(&r, a, ENT_VERSION, "1", 1);

	if (db_begin_write(db) != 0)
		return REG_ERROR;
	struct record existing;
	int64_t id;
	int rc = store_get(db, r.v[ENT_CREDIT_CODE], NULL, a, &existing, &id);
	if (rc == DB_ROW) {
		db_rollback(db);
		field_fail(err, "credit_code", "duplicate", "%s is already registered",
		           r.v[ENT_CREDIT_CODE]);
		return REG_CONFLICT;
	}
	char *after = NULL;
	if (rc < 0 || db_id_next(db, &id) != 0 || store_insert(db, id, &r, who->name) != 0)
		goto fail;
	after = record_to_json(&r);
	if (audit_append(db, who, "enterprise.create", "enterprise", r.v[ENT_CREDIT_CODE], NULL,
	                 after, "ok") != 0 ||
	    db_commit(db) != 0)
		goto fail;
	free(after);
	*out = r;
	return REG_OK;
fail:
	free(after);
	db_rollback(db);
	return REG_ERROR;
}

int registry_update(struct db *db, const struct actor *who, const char *credit_code,
                    const struct record *patch, int64_t if_version, struct arena *a,
                    struct record *out, struct field_error *err)
{
	if (record_check(patch, 1, err) != 0)
		return REG_INVALID;
	if (db_begin_write(db) != 0)
		return REG_ERROR;
	struct record before;
	int64_t id;
	int rc = store_get(db, credit_code, who, a, &before, &id);
	if (rc != DB_ROW) {
		db_rollback(db);
		return rc == DB_DONE ? REG_NOT_FOUND : REG_ERROR;
	}
	int64_t version;
	if (field_int_parse_cstr(before.v[ENT_VERSION], 1, INT32_MAX, &version) != 0) {
		db_rollback(db);
		return REG_ERROR;
	}
	if (if_version && if_version != version) {
		db_rollback(db);
		return REG_STALE;
	}
	struct record r = before;
	if (!record_apply_patch(&r, patch)) {
		db_rollback(db);
		*out = before;
		return REG_OK;
	}
	if (registry_rules_check(who, &r, err) != 0) {
		db_rollback(db);
		return REG_INVALID;
	}
	char now[32], ver[24];
	now_iso(now);
	snprintf(ver, sizeof ver, "%lld", (long long)version + 1);
	record_set(&r, a, ENT_UPDATED_AT, now, strlen(now));
	record_set(&r, a, ENT_VERSION, ver, strlen(ver));
	char *bj = record_to_json(&before), *aj = record_to_json(&r);
	int ok = store_update(db, id, &r) == 0 &&
	         audit_append(db, who, "enterprise.update", "enterprise", credit_code, bj, aj,
	                      "ok") == 0 &&
	         db_commit(db) == 0;
	free(bj);
	free(aj);
	if (!ok) {
		db_rollback(db);
		return REG_ERROR;
	}
	*out = r;
	return REG_OK;
}

int registry_each_active(struct db *db, int lo, int hi, const char *industry, registry_active_fn fn,
                         void *ctx)
{
	/* A read of two columns for another module: too small for a store function of its own. */
	struct db_stmt *st = db_prepare(db, "SELECT credit_code, region_code FROM enterprise WHERE "
	                                    "region_code BETWEEN ? AND ? AND industry = ? AND "
	                                    "status = 'active' ORDER BY credit_code");
	if (st == NULL)
		return REG_ERROR;
	db_bind_int64(st, 1, lo);
	db_bind_int64(st, 2, hi);
	db_bind_cstr(st, 3, industry);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		if (fn(ctx, db_col_text(st, 0, NULL), (int)db_col_int64(st, 1)) != 0) {
			rc = DB_DONE;
			break;
		}
	db_reset(st);
	return rc == DB_DONE ? REG_OK : REG_ERROR;
}

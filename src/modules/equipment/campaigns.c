/*
 * Campaigns: the field table, creation, and progress counted live from the unit register.
 * The SQL is in the store functions (store_*) at the top.
 */
#include "campaigns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/regions/service.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"

/* ---- The field table ---------------------------------------------------------------------- */

/* A catalogue code or its first characters: 1 to 4 of [0-9A-Z]. */
static int category_prefix_validate(const struct field_spec *f, const char *v, size_t n,
                                    struct field_error *err, const char **warning)
{
	int ok = n >= 1 && n <= 4;
	for (size_t i = 0; ok && i < n; i++)
		ok = (v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'Z');
	if (!ok)
		return field_fail(err, f->name, "invalid",
		                  "%s must be a catalogue code or its first characters (\"2220\", "
		                  "\"3\")",
		                  f->name);
	return 0;
}

static const struct field_spec CAMPAIGN_FIELDS[] = {
    [EC_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Campaign id (a 64-bit number, written as a string)"},
    [EC_NAME] = {"name", FT_TEXT, FF_REQUIRED | FF_TRIM, 100, 0, 0, NULL, NULL, "Name"},
    [EC_DESCRIPTION] = {"description", FT_TEXT, FF_TRIM | FF_MULTILINE, 2000, 0, 0, NULL, NULL,
                        "What it is for"},
    [EC_REGION_CODE] = {"region_code", FT_INT, FF_REQUIRED, 0, 110000, 829999, NULL, NULL,
                        "GB/T 2260 code: the region and everything below it (in your scope)"},
    [EC_CATEGORY] = {"category", FT_CODE, FF_REQUIRED | FF_TRIM | FF_UPPER, 4, 0, 0, NULL,
                     category_prefix_validate,
                     "Catalogue code or its first characters: the targets' categories"},
    [EC_VARIANT] = {"variant", FT_CODE, FF_TRIM, 24, 0, 0, NULL, NULL,
                    "Only units of this inspection-rule variant (tower, molten...)"},
    [EC_MAJOR_HAZARD_ONLY] = {"major_hazard_only", FT_BOOL, FF_NOT_NULL, 0, 0, 0, NULL, NULL,
                              "Only units that are part of a major hazard source"},
    [EC_STARTS_ON] = {"starts_on", FT_DATE, FF_REQUIRED, 0, 0, 0, NULL, NULL, "First day"},
    [EC_ENDS_ON] = {"ends_on", FT_DATE, FF_REQUIRED, 0, 0, 0, NULL, NULL,
                    "Last day (not before starts_on)"},
    [EC_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When it was created (UTC)"},
    [EC_CREATED_BY] = {"created_by", FT_TEXT, FF_READONLY, 100, 0, 0, NULL, NULL, "Who created it"},
    [EC_TARGETS] = {"targets", FT_INT, FF_READONLY, 0, 0, INT64_MAX, NULL, NULL,
                    "Computed: units in use matching the campaign (in your scope)"},
    [EC_DONE] = {"done", FT_INT, FF_READONLY, 0, 0, INT64_MAX, NULL, NULL,
                 "Computed: targets inspected since starts_on with pass or conditional"},
};

_Static_assert(sizeof CAMPAIGN_FIELDS / sizeof CAMPAIGN_FIELDS[0] == EC_NFIELDS,
               "every campaign field is described");

const struct record_type CAMPAIGN_TYPE = {"equipment_campaign", CAMPAIGN_FIELDS, EC_NFIELDS};

/* ---- Small helpers ------------------------------------------------------------------------ */

/* ---- Store: the SQL ----------------------------------------------------------------------- */

#define COLS                                                                                       \
	"id, name, description, region_code, category, variant, major_hazard_only, starts_on, "    \
	"ends_on, created_at, created_by"

/* What makes a unit a target (bound by bind_targets: the scope, the category prefix, then the
 * variant when given), and what makes a target done (?: starts_on). */
#define TARGET_SQL " WHERE status = 'in_use' AND category LIKE ? || '%'"
#define DONE_SQL                                                                                   \
	"(coalesce(last_inspected_on, '') >= ? AND coalesce(last_conclusion, '') IN ('pass', "     \
	"'conditional'))"

static int store_campaign_read(struct db *db, int64_t id, struct arena *a, struct record *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " COLS " FROM eq_campaign WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &CAMPAIGN_TYPE, st, 0, EC_NCOLUMNS, a);
	db_reset(st);
	return rc;
}

static int store_campaign_insert(struct db *db, int64_t id, const struct record *r)
{
	struct db_stmt *st =
	    db_prepare(db, "INSERT INTO eq_campaign (name, description, "
	                   "region_code, category, variant, major_hazard_only, "
	                   "starts_on, ends_on, created_at, created_by, id) VALUES "
	                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	for (int i = EC_NAME; i < EC_NCOLUMNS; i++)
		db_bind_cstr(st, i, r->v[i]);
	db_bind_int64(st, EC_NCOLUMNS, id);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* DB_ROW if a catalogue code begins with prefix, DB_DONE if none, or an error. */
static int store_category_prefix_known(struct db *db, const char *prefix)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT 1 FROM eq_category WHERE substr(code, 1, length(?1)) = ?1 LIMIT 1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, prefix);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* DB_ROW if some inspection rule has this variant, DB_DONE if none, or an error. */
static int store_variant_known(struct db *db, const char *variant)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM eq_rule WHERE variant = ? LIMIT 1");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, variant);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* Appends the conditions on targets of campaign c within sc. */
static void targets_sql(struct buf *b, const struct record *c, const struct scope *sc)
{
	buf_puts(b, TARGET_SQL);
	scope_sql(b, sc, "region_code", "use_unit");
	if (c->v[EC_VARIANT])
		buf_puts(b, " AND variant = ?");
	if (c->v[EC_MAJOR_HAZARD_ONLY] && c->v[EC_MAJOR_HAZARD_ONLY][0] == '1')
		buf_puts(b, " AND major_hazard = 1");
}

static void targets_bind(struct db_stmt *st, int *i, const struct record *c, const struct scope *sc)
{
	char prefix[5];
	eq_category_prefix(c->v[EC_CATEGORY], prefix);
	db_bind_cstr(st, (*i)++, prefix);
	scope_bind(st, i, sc);
	if (c->v[EC_VARIANT])
		db_bind_cstr(st, (*i)++, c->v[EC_VARIANT]);
}

/* Counts the targets of campaign c within sc and those done. 0 or a negative db_result. */
static int store_campaign_progress(struct db *db, const struct record *c, const struct scope *sc,
                                   int64_t *targets, int64_t *done)
{
	struct buf b = {0};
	buf_puts(&b, "SELECT count(*), coalesce(sum(" DONE_SQL "), 0) FROM eq_unit");
	targets_sql(&b, c, sc);
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return DB_ERROR;
	int i = 1;
	db_bind_cstr(st, i++, c->v[EC_STARTS_ON]);
	targets_bind(st, &i, c, sc);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*targets = db_col_int64(st, 0);
		*done = db_col_int64(st, 1);
	}
	db_finalize(st);
	return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERROR;
}

/* Calls fn for the first n targets of c within sc still to do, soonest due first (units with
 * no due date last). 0 or a negative db_result. */
static int store_campaign_todo(struct db *db, const struct record *c, const struct scope *sc, int n,
                               struct arena *a, eq_campaign_target_fn fn, void *ctx)
{
	struct buf b = {0};
	buf_puts(&b, "SELECT device_code, reg_code, name, use_unit, next_due FROM eq_unit");
	targets_sql(&b, c, sc);
	buf_puts(&b, " AND NOT " DONE_SQL " ORDER BY next_due IS NULL, next_due, id LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return DB_ERROR;
	int i = 1;
	targets_bind(st, &i, c, sc);
	db_bind_cstr(st, i++, c->v[EC_STARTS_ON]);
	db_bind_int64(st, i, n);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *v[5];
		for (int k = 0; k < 5; k++)
			v[k] = db_col_is_null(st, k) ? NULL
			                             : arena_strdup(a, db_col_text(st, k, NULL));
		struct eq_campaign_target t = {v[0], v[1], v[2], v[3], v[4]};
		if (fn(ctx, &t))
			break;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The bound statement of a list page (limit + 1 rows); the caller frees it. */
static struct db_stmt *store_campaign_list(struct db *db, const struct eq_campaign_filter *f,
                                           const struct scope *sc)
{
	struct buf b = {0};
	buf_puts(&b, "SELECT " COLS " FROM eq_campaign WHERE 1");
	/* Campaigns belong to no legal entity: the scope's regions alone decide. */
	struct scope regions = *sc;
	regions.entity = NULL;
	scope_sql(&b, &regions, "region_code", NULL);
	if (f->has_cursor)
		buf_puts(&b, " AND id < ?");
	buf_puts(&b, " ORDER BY id DESC LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, b.data);
	buf_free(&b);
	if (st == NULL)
		return NULL;
	int i = 1;
	scope_bind(st, &i, &regions);
	if (f->has_cursor)
		db_bind_int64(st, i++, f->after_id);
	db_bind_int64(st, i, f->limit + 1);
	return st;
}

/* ---- Service ------------------------------------------------------------------------------ */

/* A campaign is the supervisors' own: visible when its region is in the actor's scope, never
 * to an enterprise account. */
static int campaign_visible(const struct actor *who, const struct record *c)
{
	return who->entity_code == NULL &&
	       scope_visible(who, (int)record_int_of(c->v[EC_REGION_CODE]), NULL);
}

/* Fills in the progress of c as who sees it. EQ_OK or EQ_ERROR. */
static int campaign_progress(struct db *db, const struct actor *who, struct record *c,
                             struct arena *a, struct scope *sc)
{
	int64_t targets = 0, done = 0;
	if (scope_make(who, (int)record_int_of(c->v[EC_REGION_CODE]), sc) == 0 &&
	    store_campaign_progress(db, c, sc, &targets, &done) != 0)
		return EQ_ERROR;
	record_set_int(c, a, EC_TARGETS, targets);
	record_set_int(c, a, EC_DONE, done);
	return EQ_OK;
}

int eq_campaign_filter_parse(struct eq_campaign_filter *f, const char *region, const char *limit,
                             const char *cursor, struct field_error *err)
{
	memset(f, 0, sizeof *f);
	f->limit = EQ_PAGE_DEFAULT;
	int64_t v;
	if (region) {
		if (field_int_parse_cstr(region, 100000, 999999, &v) != 0)
			return field_fail(err, "region", "unknown_region",
			                  "region must be a six-digit region code"),
			       EQ_INVALID;
		f->region = (int)v;
	}
	if (limit) {
		if (field_int_parse_cstr(limit, 1, EQ_PAGE_MAX, &v) != 0)
			return field_fail(err, "limit", "out_of_range",
			                  "limit must be an integer from 1 to %d", EQ_PAGE_MAX),
			       EQ_INVALID;
		f->limit = (int)v;
	}
	if (cursor) {
		if (field_int_parse_cstr(cursor, 1, INT64_MAX, &v) != 0)
			return field_fail(err, "cursor", "invalid",
			                  "cursor is not one this list returned"),
			       EQ_INVALID;
		f->has_cursor = 1;
		f->after_id = v;
	}
	return EQ_OK;
}

int eq_campaign_list(struct db *db, const struct actor *who, const struct eq_campaign_filter *f,
                     struct arena *a, eq_campaign_fn fn, void *ctx, const char **next_cursor)
{
	*next_cursor = NULL;
	struct scope sc;
	if (who->entity_code || scope_make(who, f->region, &sc) != 0)
		return EQ_OK;
	struct db_stmt *st = store_campaign_list(db, f, &sc);
	if (st == NULL)
		return EQ_ERROR;
	/* The page first, then each campaign's counts (other statements on this connection). */
	struct record *rows = arena_alloc(a, (size_t)(f->limit + 1) * sizeof *rows);
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW && n <= f->limit)
		record_from_row(&rows[n++], &CAMPAIGN_TYPE, st, 0, EC_NCOLUMNS, a);
	db_finalize(st);
	if (rc < 0)
		return EQ_ERROR;
	int more = n > f->limit;
	if (more)
		n = f->limit;
	for (int i = 0; i < n; i++) {
		struct scope psc;
		if (campaign_progress(db, who, &rows[i], a, &psc) != EQ_OK)
			return EQ_ERROR;
		if (fn(ctx, &rows[i]))
			return EQ_OK;
	}
	if (more)
		*next_cursor = arena_strdup(a, rows[n - 1].v[EC_ID]);
	return EQ_OK;
}

int eq_campaign_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out, int todo, eq_campaign_target_fn target_fn, void *ctx)
{
	int rc = store_campaign_read(db, id, a, out);
	if (rc == DB_DONE || (rc == DB_ROW && !campaign_visible(who, out)))
		return EQ_NOT_FOUND;
	if (rc != DB_ROW)
		return EQ_ERROR;
	/* One read transaction, so that the counts and the list agree with each other. */
	if (db_begin_read(db) != 0)
		return EQ_ERROR;
	struct scope sc;
	int ok = campaign_progress(db, who, out, a, &sc) == EQ_OK &&
	         (target_fn == NULL || todo <= 0 ||
	          store_campaign_todo(db, out, &sc, todo, a, target_fn, ctx) == 0);
	db_commit(db);
	return ok ? EQ_OK : EQ_ERROR;
}

/* Rules across fields of a new campaign. EQ_OK, EQ_INVALID with *err, EQ_ERROR. */
static int campaign_rules_check(struct db *db, const struct actor *who, const struct record *r,
                                struct field_error *err)
{
	int region = (int)record_int_of(r->v[EC_REGION_CODE]);
	if (regions_find(region) == NULL)
		return field_fail(err, "region_code", "unknown_region",
		                  "region_code %d is not a known GB/T 2260 region", region),
		       EQ_INVALID;
	if (who->entity_code || !actor_region_in_scope(who, region))
		return field_fail(err, "region_code", "out_of_scope",
		                  "region_code %d is outside your jurisdiction", region),
		       EQ_INVALID;
	int rc = store_category_prefix_known(db, r->v[EC_CATEGORY]);
	if (rc < 0)
		return EQ_ERROR;
	if (rc != DB_ROW)
		return field_fail(err, "category", "unknown_category",
		                  "no catalogue code begins with %s", r->v[EC_CATEGORY]),
		       EQ_INVALID;
	if (r->v[EC_VARIANT]) {
		rc = store_variant_known(db, r->v[EC_VARIANT]);
		if (rc < 0)
			return EQ_ERROR;
		if (rc != DB_ROW)
			return field_fail(err, "variant", "unknown_variant",
			                  "no inspection rule has the variant %s",
			                  r->v[EC_VARIANT]),
			       EQ_INVALID;
	}
	if (strcmp(r->v[EC_ENDS_ON], r->v[EC_STARTS_ON]) < 0)
		return field_fail(err, "ends_on", "before_start",
		                  "ends_on cannot be before starts_on"),
		       EQ_INVALID;
	return EQ_OK;
}

int eq_campaign_create(struct db *db, const struct actor *who, const struct record *in,
                       struct arena *a, struct record *out, struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return EQ_INVALID;
	struct record r = *in;
	if (r.v[EC_MAJOR_HAZARD_ONLY] == NULL)
		record_set_str(&r, a, EC_MAJOR_HAZARD_ONLY, "0");
	char now[32];
	now_iso(now);
	record_set_str(&r, a, EC_CREATED_AT, now);
	record_set_str(&r, a, EC_CREATED_BY, who->name);
	if (db_begin_write(db) != 0)
		return EQ_ERROR;
	int rc = campaign_rules_check(db, who, &r, err);
	if (rc != EQ_OK) {
		db_rollback(db);
		return rc;
	}
	int64_t id;
	char *aj = NULL;
	if (db_id_next(db, &id) != 0)
		goto fail;
	record_set_int(&r, a, EC_ID, id);
	struct buf b = {0};
	record_write_json(&r, &b);
	aj = buf_steal(&b, NULL);
	if (store_campaign_insert(db, id, &r) != DB_DONE ||
	    audit_append(db, who, "equipment.campaign.create", "equipment_campaign", r.v[EC_ID],
	                 NULL, aj, "ok") != 0 ||
	    db_commit(db) != 0)
		goto fail;
	free(aj);
	*out = r;
	struct scope sc;
	return campaign_progress(db, who, out, a, &sc);
fail:
	free(aj);
	db_rollback(db);
	return EQ_ERROR;
}

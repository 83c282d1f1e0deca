/*
 * SQL of the enterprise registry. List queries come in a fixed set of shapes (sort, direction,
 * cursor, which filters are given); each shape's SQL is built once from constant fragments,
 * never from user data, and then cached as a prepared statement per connection.
 */
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/db.h"

#define COLS                                                                                       \
	"credit_code, name, name_bo, legal_representative, address, region_code, industry, size, " \
	"status, established_on, contact_name, contact_phone, contact_email, qms_standard, "       \
	"qms_certified, qms_certificate_no, qms_certification_body, standards_adopted, "           \
	"inspection_capability, metrology_capability, quality_manager_trained, "                   \
	"quality_manager_trained_on, created_at, updated_at, version"

enum {
	SHAPE_DESC = 1 << 0,
	SHAPE_CURSOR = 1 << 1,
	SHAPE_INDUSTRY = 1 << 2,
	SHAPE_STATUS = 1 << 3,
	SHAPE_SIZE = 1 << 4,
	SHAPE_Q = 1 << 5,
	SHAPE_MULTI = 1 << 6,  /* the scope is several region ranges */
	SHAPE_OWN = 1 << 7,    /* ... or records the actor created */
	SHAPE_ENTITY = 1 << 8, /* only one legal entity (an enterprise account) */
	SHAPE_VARIANTS = 1 << 9,
};

static char *list_sql[REG_SORT_COUNT][SHAPE_VARIANTS];
static char *count_sql[SHAPE_VARIANTS];
static char *region_count_sql[2][SHAPE_VARIANTS]; /* [by_county][shape] */
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static const char *const SORT_KEY[REG_SORT_COUNT] = {NULL, "name", "credit_code"};

static void where_filters(struct buf *b, int shape)
{
	/* The data scope first: region ranges (unused pairs bound as the empty range [1, 0]),
	 * or-ed with the actor's own records, and-ed with a single entity. */
	buf_puts(b, " WHERE (");
	int pairs = (shape & SHAPE_MULTI) ? ACTOR_MAX_RANGES : 1;
	for (int i = 0; i < pairs; i++)
		buf_puts(b, i ? " OR region_code BETWEEN ? AND ?" : "region_code BETWEEN ? AND ?");
	if (shape & SHAPE_OWN) /* the second test lets the partial index serve */
		buf_puts(b, " OR (created_by = ? AND created_by NOT IN ('cli', 'demo'))");
	buf_putc(b, ')');
	if (shape & SHAPE_ENTITY)
		buf_puts(b, " AND credit_code = ?");
	if (shape & SHAPE_INDUSTRY)
		buf_puts(b, " AND industry = ?");
	if (shape & SHAPE_STATUS)
		buf_puts(b, " AND status = ?");
	if (shape & SHAPE_SIZE)
		buf_puts(b, " AND size = ?");
	if (shape & SHAPE_Q)
		buf_puts(b, " AND (name LIKE ? ESCAPE '\\' OR name_bo LIKE ? ESCAPE '\\'"
		            " OR credit_code LIKE ? ESCAPE '\\')");
}

/* The SQL that differs by sort order, as constant text: no part of a statement is formatted. */
static const struct {
	const char *select;   /* the columns, the sort key first after the id */
	const char *after[2]; /* the keyset condition, ascending and descending */
	const char *order[2]; /* ORDER BY ... LIMIT ?, ascending and descending */
} SORT_SQL[REG_SORT_COUNT] = {
    [REG_SORT_ID] = {"SELECT id, '', " COLS " FROM enterprise",
                     {" AND id > ?", " AND id < ?"},
                     {" ORDER BY id LIMIT ?", " ORDER BY id DESC LIMIT ?"}},
    [REG_SORT_NAME] = {"SELECT id, name, " COLS " FROM enterprise",
                       {" AND (name, id) > (?, ?)", " AND (name, id) < (?, ?)"},
                       {" ORDER BY name, id LIMIT ?", " ORDER BY name DESC, id DESC LIMIT ?"}},
    [REG_SORT_CREDIT_CODE] = {"SELECT id, credit_code, " COLS " FROM enterprise",
                              {" AND (credit_code, id) > (?, ?)",
                               " AND (credit_code, id) < (?, ?)"},
                              {" ORDER BY credit_code, id LIMIT ?",
                               " ORDER BY credit_code DESC, id DESC LIMIT ?"}},
};

static void build_sql(void)
{
	for (int s = 0; s < REG_SORT_COUNT; s++)
		for (int shape = 0; shape < SHAPE_VARIANTS; shape++) {
			struct buf b = {0};
			int desc = (shape & SHAPE_DESC) != 0;
			buf_puts(&b, SORT_SQL[s].select);
			where_filters(&b, shape);
			if (shape & SHAPE_CURSOR)
				buf_puts(&b, SORT_SQL[s].after[desc]);
			buf_puts(&b, SORT_SQL[s].order[desc]);
			list_sql[s][shape] = buf_steal(&b, NULL);
		}
	for (int shape = 0; shape < SHAPE_VARIANTS; shape++) {
		if (shape & (SHAPE_DESC | SHAPE_CURSOR))
			continue;
		struct buf b = {0};
		buf_puts(&b, "SELECT count(*) FROM enterprise");
		where_filters(&b, shape);
		count_sql[shape] = buf_steal(&b, NULL);
	}
	/* Grouped counts: the region index serves the scope's ranges; the prefecture of a code is
	 * the code with its last two digits zeroed (540102 -> 540100, 540000 stays). */
	static const char *const GROUP_SELECT[2] = {
	    "SELECT region_code / 100 * 100 AS region, count(*) FROM enterprise",
	    "SELECT region_code AS region, count(*) FROM enterprise"};
	for (int by = 0; by < 2; by++)
		for (int shape = 0; shape < SHAPE_VARIANTS; shape++) {
			if (shape & (SHAPE_DESC | SHAPE_CURSOR | SHAPE_Q))
				continue;
			struct buf b = {0};
			buf_puts(&b, GROUP_SELECT[by]);
			where_filters(&b, shape);
			buf_puts(&b, " GROUP BY region ORDER BY region");
			region_count_sql[by][shape] = buf_steal(&b, NULL);
		}
}

int store_scope_ranges(const struct actor *who, int region, struct store_scope *sc)
{
	sc->own = who->own_records ? who->name : NULL;
	sc->entity = who->entity_code;
	sc->n = actor_scope_ranges(who, region, sc->lo, sc->hi);
	return sc->n || sc->own ? 0 : -1;
}

int store_get(struct db *db, const char *credit_code, const struct actor *who, struct arena *a,
              struct record *out, int64_t *id)
{
	return store_get_scoped(db, credit_code, who, a, out, id, NULL);
}

int store_get_scoped(struct db *db, const char *credit_code, const struct actor *who,
                     struct arena *a, struct record *out, int64_t *id, int *hidden)
{
	if (hidden)
		*hidden = 0;
	struct db_stmt *st = db_prepare(db, "SELECT id, region_code, created_by, " COLS
	                                    " FROM enterprise WHERE credit_code = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, credit_code);
	int rc = db_step(st);
	if (rc == DB_ROW && who) {
		/* Out of scope is indistinguishable from absent. */
		const char *creator = db_col_text(st, 2, NULL);
		int in = actor_region_in_scope(who, (int)db_col_int64(st, 1)) ||
		         (who->own_records && strcmp(creator, who->name) == 0);
		if (who->entity_code && strcmp(who->entity_code, credit_code) != 0)
			in = 0;
		if (!in) {
			rc = DB_DONE;
			if (hidden)
				*hidden = 1;
		}
	}
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		record_from_row(out, &ENTERPRISE_TYPE, st, 3, ENT_NFIELDS, a);
	}
	db_reset(st);
	return rc;
}

static void bind_fields(struct db_stmt *st, int first, const struct record *r)
{
	for (int i = 0; i < ENT_NFIELDS; i++) {
		const char *v = r->v[i];
		enum field_type t = r->type->fields[i].type;
		if (v == NULL)
			db_bind_null(st, first + i);
		else if (t == FT_INT || t == FT_BOOL)
			db_bind_int64(st, first + i, strtoll(v, NULL, 10));
		else
			db_bind_cstr_static(st, first + i, v); /* r outlives the step */
	}
}

int store_insert(struct db *db, int64_t id, const struct record *r, const char *created_by)
{
	struct db_stmt *st =
	    db_prepare(db, "INSERT INTO enterprise (id, " COLS ", created_by) "
	                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	bind_fields(st, 2, r);
	db_bind_cstr_static(st, ENT_NFIELDS + 2, created_by);
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? rc : DB_DONE;
}

int store_update(struct db *db, int64_t id, const struct record *r)
{
	struct db_stmt *st = db_prepare(db, "UPDATE enterprise SET (" COLS
	                                    ") = (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	                                    "?,?,?,?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	bind_fields(st, 1, r);
	db_bind_int64(st, ENT_NFIELDS + 1, id);
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? rc : DB_DONE;
}

static int shape_of(const struct registry_filter *f, const struct store_scope *sc)
{
	return (sc->n > 1 ? SHAPE_MULTI : 0) | (sc->own ? SHAPE_OWN : 0) |
	       (sc->entity ? SHAPE_ENTITY : 0) | (f->desc ? SHAPE_DESC : 0) |
	       (f->has_cursor ? SHAPE_CURSOR : 0) | (f->industry ? SHAPE_INDUSTRY : 0) |
	       (f->status ? SHAPE_STATUS : 0) | (f->size ? SHAPE_SIZE : 0) | (f->q ? SHAPE_Q : 0);
}

/* Binds the WHERE parameters; returns the next parameter index. */
static int bind_filters(struct db_stmt *st, const struct registry_filter *f,
                        const struct store_scope *sc)
{
	int k = 1;
	int pairs = sc->n > 1 ? ACTOR_MAX_RANGES : 1;
	for (int i = 0; i < pairs; i++) {
		db_bind_int64(st, k++, i < sc->n ? sc->lo[i] : 1);
		db_bind_int64(st, k++, i < sc->n ? sc->hi[i] : 0);
	}
	if (sc->own)
		db_bind_cstr(st, k++, sc->own);
	if (sc->entity)
		db_bind_cstr(st, k++, sc->entity);
	if (f->industry)
		db_bind_cstr(st, k++, f->industry);
	if (f->status)
		db_bind_cstr(st, k++, f->status);
	if (f->size)
		db_bind_cstr(st, k++, f->size);
	if (f->q) {
		/* Escape LIKE's wildcards so the text matches itself. */
		struct buf b = {0};
		buf_putc(&b, '%');
		for (const char *p = f->q; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '%');
		db_bind_text(st, k++, b.data, b.len);
		db_bind_text(st, k++, b.data, b.len);
		db_bind_text(st, k++, b.data + 1, b.len - 1); /* credit code: prefix */
		buf_free(&b);
	}
	return k;
}

int store_list(struct db *db, const struct registry_filter *f, const struct store_scope *sc,
               struct arena *a, registry_row_fn fn, void *ctx, int64_t *last_id,
               const char **last_key, int *more)
{
	pthread_once(&sql_once, build_sql);
	struct db_stmt *st = db_prepare(db, list_sql[f->sort][shape_of(f, sc)]);
	if (st == NULL)
		return DB_ERROR;
	int k = bind_filters(st, f, sc);
	if (f->has_cursor) {
		if (SORT_KEY[f->sort])
			db_bind_cstr(st, k++, f->after_key ? f->after_key : "");
		db_bind_int64(st, k++, f->after_id);
	}
	/* One row more than asked says whether another page follows. */
	db_bind_int64(st, k, f->limit + 1);
	int rc, n = 0;
	*more = 0;
	struct arena row_arena = {0};
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*more = 1;
			rc = DB_DONE;
			break;
		}
		struct record r;
		arena_free(&row_arena);
		record_from_row(&r, &ENTERPRISE_TYPE, st, 2, ENT_NFIELDS, &row_arena);
		*last_id = db_col_int64(st, 0);
		n++;
		if (SORT_KEY[f->sort] && n == f->limit) {
			size_t len;
			const char *key = db_col_text(st, 1, &len);
			*last_key = arena_strndup(a, key, len);
		}
		if (fn(ctx, &r) != 0) {
			rc = DB_DONE;
			break;
		}
	}
	arena_free(&row_arena);
	db_reset(st);
	return rc < 0 ? rc : n;
}

int store_count(struct db *db, const struct registry_filter *f, const struct store_scope *sc,
                int64_t *count)
{
	pthread_once(&sql_once, build_sql);
	int shape = shape_of(f, sc) & ~(SHAPE_DESC | SHAPE_CURSOR);
	struct db_stmt *st = db_prepare(db, count_sql[shape]);
	if (st == NULL)
		return DB_ERROR;
	bind_filters(st, f, sc);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*count = db_col_int64(st, 0);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int store_count_by_region(struct db *db, const struct registry_filter *f,
                          const struct store_scope *sc, int by_county, registry_region_count_fn fn,
                          void *ctx)
{
	pthread_once(&sql_once, build_sql);
	struct registry_filter plain = *f;
	plain.q = NULL;
	int shape = shape_of(&plain, sc) & ~(SHAPE_DESC | SHAPE_CURSOR);
	struct db_stmt *st = db_prepare(db, region_count_sql[by_county != 0][shape]);
	if (st == NULL)
		return DB_ERROR;
	bind_filters(st, &plain, sc);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		if (fn(ctx, (int)db_col_int64(st, 0), db_col_int64(st, 1)) != 0) {
			rc = DB_DONE;
			break;
		}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int64_t store_count_all(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM enterprise");
	if (st == NULL)
		return DB_ERROR;
	int rc = db_step(st);
	int64_t n = rc == DB_ROW ? db_col_int64(st, 0) : (rc < 0 ? rc : DB_ERROR);
	db_reset(st);
	return n;
}

char *store_bulk_begin(struct db *db, int table_empty)
{
	/* Indexes whose keys arrive in random order (credit codes, names) are cheaper built once,
	 * sorted, than grown a row at a time. With rows already there the credit-code index must
	 * stay to find them. The region index stays: new ids ascend, so it grows at the end of
	 * each region's run while the validating thread keeps the writer busy anyway (measured:
	 * building it afterwards is slower). The creator index leaves out command-line loads. */
	static const char *const ALL[] = {"enterprise_credit_code", "enterprise_name", NULL};
	static const char *const SOME[] = {"enterprise_name", NULL};
	return db_indexes_suspend(db, "enterprise", table_empty ? ALL : SOME);
}

int store_bulk_end(struct db *db, char *saved)
{
	return db_indexes_restore(db, saved);
}

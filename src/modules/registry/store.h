/*
 * The registry's SQL (private to the module). Functions return DB_* results (db.h).
 */
#ifndef JZ_REGISTRY_STORE_H
#define JZ_REGISTRY_STORE_H

#include "modules/registry/service.h"

struct db;

/* The region code ranges a query may touch. */
struct store_scope {
	const char *own;          /* also the records this login created, or NULL */
	const char *entity;       /* only this credit code, or NULL */
	int n;                    /* ranges */
	int lo[ACTOR_MAX_RANGES]; /* inclusive lower bounds */
	int hi[ACTOR_MAX_RANGES]; /* inclusive upper bounds */
};

/* The filter's subtree (region, 0 for all) within the actor's scope. Returns 0, or -1 if
 * they do not overlap (nothing can match). */
int store_scope_ranges(const struct actor *who, int region, struct store_scope *sc);

/* Reads the enterprise with this credit code if its region lies in who's scope (who NULL:
 * anywhere). Returns DB_ROW with *out and *id, DB_DONE if absent or out of scope, or a
 * negative db_result. */
int store_get(struct db *db, const char *credit_code, const struct actor *who, struct arena *a,
              struct record *out, int64_t *id);

/* The same, and *hidden is set to 1 when the row exists but lies outside who's scope (for
 * callers that must say so, such as an import naming a code it may not change). */
int store_get_scoped(struct db *db, const char *credit_code, const struct actor *who,
                     struct arena *a, struct record *out, int64_t *id, int *hidden);

/* Inserts r (every field of the type, created_at/updated_at/version included) as id,
 * registered by the login created_by. r and created_by must live until it returns. */
int store_insert(struct db *db, int64_t id, const struct record *r, const char *created_by);

/* Overwrites every field of the row id with r. */
int store_update(struct db *db, int64_t id, const struct record *r);

/* Runs a list query within the scope, calling fn per row (at most f->limit). *last_id and
 * *last_key receive the last row's cursor values (key in a); *more is 1 if rows follow.
 * Returns the number of rows or a negative db_result. */
int store_list(struct db *db, const struct registry_filter *f, const struct store_scope *sc,
               struct arena *a, registry_row_fn fn, void *ctx, int64_t *last_id,
               const char **last_key, int *more);

/* Counts matching rows. */
int store_count(struct db *db, const struct registry_filter *f, const struct store_scope *sc,
                int64_t *count);

/* Counts matching rows per region (by_county: the region code; else its prefecture, the code
 * with the last two digits zeroed), calling fn in ascending order of region. f->q is not
 * applied. Returns 0 or a negative db_result. */
int store_count_by_region(struct db *db, const struct registry_filter *f,
                          const struct store_scope *sc, int by_county, registry_region_count_fn fn,
                          void *ctx);

/* Number of enterprises in the table, or a negative db_result. */
int64_t store_count_all(struct db *db);

/* Bulk load: suspends indexes (see db_indexes_suspend) — into an empty table all of them, the
 * credit codes being unique within the load; else the name index. Returns what store_bulk_end
 * needs to rebuild them, or NULL. */
char *store_bulk_begin(struct db *db, int table_empty);
/* Rebuilds the indexes store_bulk_begin suspended. Returns 0 or a negative db_result. */
int store_bulk_end(struct db *db, char *saved);

/* Rules across fields (in service.c), checked on a record as it will be stored: known region
 * within the actor's scope, no dates in the future, consistent quality-file fields. Returns 0
 * or -1 with *err. */
int registry_rules_check(const struct actor *who, const struct record *r, struct field_error *err);

#endif

/*
 * The audit log: every write appends an entry (who, where, when, what, before and after) in
 * the same transaction as the write itself, chained by hash so that an altered, inserted or
 * removed entry is found by audit_verify.
 */
#ifndef JZ_AUDIT_H
#define JZ_AUDIT_H

#include <stdint.h>

struct db;
struct db_stmt;
struct actor;

#define AUDIT_LIST_MAX     500 /* entries in one page of audit_list */
#define AUDIT_LIST_DEFAULT 100 /* page size when none is asked for */

#define AUDIT_KEY_BYTES 32

/*
 * Sets the deployment's secret audit key (AUDIT_KEY_BYTES), or none with NULL. With a key the
 * chain is a chain of MACs: someone who can write the database but has not the key cannot
 * make an altered, inserted or removed entry verify. Call at start, before any entry is
 * written or verified; the key lives outside the database (see cli_audit_key).
 */
void audit_set_key(const unsigned char *key);

/*
 * Appends one entry. Must be called inside the write transaction of the change it records.
 * before and after are JSON texts or NULL. Returns 0 or a negative db_result.
 */
int audit_append(struct db *db, const struct actor *who, const char *action,
                 const char *entity_type, const char *entity_key, const char *before,
                 const char *after, const char *outcome);

/*
 * Walks the chain from the first entry, then checks the anchor of the newest one. Returns 0 if
 * intact; otherwise 1 with *bad_id set to the first entry whose hash or link is wrong, the
 * entry after a gap, or the first entry missing from the end. -1 on a db error.
 */
int audit_verify(struct db *db, int64_t *bad_id, int64_t *checked);

/* A query over the log. NULL strings and zero numbers mean "any". */
struct audit_filter {
	const char *actor;       /* exactly this actor name */
	const char *action;      /* exactly this action ("enterprise.update") */
	const char *entity_type; /* exactly this entity type */
	const char *entity_key;  /* exactly this entity key */
	const char *outcome;     /* exactly this outcome ("ok", "denied", ...) */
	const char *from;  /* at >= from, compared as text ("2024-05-01", "2024-05-01T08:00") */
	const char *to;    /* at begins with to or sorts before it: a prefix, so "2024-05-31"
	                      takes in the whole day */
	int64_t before_id; /* only entries with a smaller id (the cursor), or 0 */
	int limit;         /* entries wanted, 1 to AUDIT_LIST_MAX */
	const struct actor *scope; /* whose view: all_regions sees everything; otherwise only
	                              entries whose org_unit lies in one of the scope's region
	                              ranges (an actor without ranges sees nothing) */
};

/* Columns of the row handed to audit_list's callback (read with db_col_*). */
enum audit_column {
	AUDIT_COL_ID,
	AUDIT_COL_AT,
	AUDIT_COL_ACTOR,
	AUDIT_COL_ORG_UNIT,
	AUDIT_COL_ACTION,
	AUDIT_COL_ENTITY_TYPE,
	AUDIT_COL_ENTITY_KEY,
	AUDIT_COL_BEFORE,
	AUDIT_COL_AFTER,
	AUDIT_COL_REQUEST_ID,
	AUDIT_COL_CLIENT_ADDR,
	AUDIT_COL_OUTCOME,
};

/*
 * Lists the entries matching f, newest first, calling fn once per entry with the row (valid
 * only during the call). *next_cursor receives the id to pass as before_id for the next page,
 * or 0 when this page is the last. The scope check joins the accounts module's org_unit table.
 * Returns 0 or a negative db_result.
 */
int audit_list(struct db *db, const struct audit_filter *f,
               void (*fn)(void *ctx, struct db_stmt *row), void *ctx, int64_t *next_cursor);

#endif

/*
 * The data scope of a query: the actor's jurisdiction (region code ranges, or one legal entity
 * for an enterprise account) narrowed to a filter's subtree. Every module's store narrows its
 * reads and writes through one of these, so a handler that forgets a check cannot reach a
 * record outside the actor's jurisdiction.
 */
#ifndef JZ_SCOPE_H
#define JZ_SCOPE_H

#include "platform/actor.h"
#include "platform/mem.h"

struct db_stmt;

/* The region ranges a query may touch. */
struct scope {
	int n;                    /* ranges; 0 means nothing is visible */
	int lo[ACTOR_MAX_RANGES]; /* inclusive lower bounds */
	int hi[ACTOR_MAX_RANGES]; /* inclusive upper bounds */
	const char *entity;       /* an enterprise account: only records of this credit code */
};

/* The scope of who within the subtree of region (0: everything). Returns 0, or -1 when the
 * two do not overlap (nothing can match). */
int scope_make(const struct actor *who, int region, struct scope *sc);

/* 1 if a record of region, belonging to the legal entity credit_code, is visible to who. */
int scope_visible(const struct actor *who, int region, const char *credit_code);

/* Appends " AND (<col> BETWEEN ? AND ? OR ...)" for the ranges of sc (and " AND <entity_col> =
 * ?" for an entity) to sql; scope_bind binds them from parameter *i on, advancing it. */
void scope_sql(struct buf *sql, const struct scope *sc, const char *col, const char *entity_col);
void scope_bind(struct db_stmt *st, int *i, const struct scope *sc);

/* Today's date (day number, see platform/dates.h) in China Standard Time (UTC+8, no summer
 * time): the date an officer in Lhasa sees on the wall. */
int32_t today_china(void);

/* Now as ISO 8601 UTC ("2026-11-29T02:00:00Z"), for created_at/updated_at. */
void now_iso(char out[32]);

#endif

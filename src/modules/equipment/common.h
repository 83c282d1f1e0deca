/*
 * What the equipment module's parts share: its result codes, the data scope of a query, and
 * today's date. Every read and write goes through eq_scope, so a handler cannot reach a unit,
 * operator or accident outside the actor's jurisdiction.
 */
#ifndef JZ_EQUIPMENT_COMMON_H
#define JZ_EQUIPMENT_COMMON_H

#include <stdint.h>

#include "platform/actor.h"
#include "platform/fields.h"
#include "platform/mem.h"

struct db;

enum eq_result {
	EQ_OK = 0,
	EQ_NOT_FOUND = -1, /* no such record in the actor's scope */
	EQ_INVALID = -2,   /* input breaks a rule; the field_error says which */
	EQ_CONFLICT = -3,  /* a unique code is already taken */
	EQ_STALE = -4,     /* If-Match version does not match */
	EQ_ERROR = -5,     /* database failure */
};

#define EQ_PAGE_DEFAULT 50
#define EQ_PAGE_MAX     1000

/* The region ranges a query may touch: the actor's scope narrowed to a filter's subtree. */
struct eq_scope {
	int n;                    /* ranges; 0 means nothing is visible */
	int lo[ACTOR_MAX_RANGES]; /* inclusive lower bounds */
	int hi[ACTOR_MAX_RANGES]; /* inclusive upper bounds */
	const char *entity;       /* an enterprise account: only records of this credit code */
};

/* The scope of who within the subtree of region (0: everything). Returns 0, or -1 when the
 * two do not overlap (nothing can match). */
int eq_scope_make(const struct actor *who, int region, struct eq_scope *sc);

/* 1 if a record of region, belonging to the legal entity credit_code, is visible to who. */
int eq_visible(const struct actor *who, int region, const char *credit_code);

/* Appends " AND (<col> BETWEEN ? AND ? OR ...)" for the ranges of sc (and " AND <entity_col> =
 * ?" for an entity) to sql; eq_scope_bind binds them from parameter *i on, advancing it. */
void eq_scope_sql(struct buf *sql, const struct eq_scope *sc, const char *col,
                  const char *entity_col);
struct db_stmt;
void eq_scope_bind(struct db_stmt *st, int *i, const struct eq_scope *sc);

/* Looks up a use unit (a legal entity of the registry, any region: a unit may stand outside
 * the county where its user is registered) by credit code. Returns EQ_OK with *region and
 * *name (in a; either pointer may be NULL), EQ_NOT_FOUND, or EQ_ERROR. */
int eq_use_unit(struct db *db, const char *credit_code, struct arena *a, int *region,
                const char **name);

/* The code prefix that selects a catalogue code's subtree: trailing zeros mark the levels below
 * (3000 -> "3" every elevator, 3100 -> "31", 4D00 -> "4D", 3110 -> "311"); a prefix given
 * already ("31") stays as it is. out holds at least 5 bytes. */
void eq_category_prefix(const char *code, char out[5]);

/* Field checks the parts share: an 18-character credit code (the registry checks it fully
 * when it is looked up), and the unit statuses and inspection conclusions. */
int eq_credit_code_shape(const struct field_spec *f, const char *v, size_t n,
                         struct field_error *err, const char **warning);
extern const char *const EQ_UNIT_STATUSES[];    /* in_use, stopped, scrapped */
extern const char *const EQ_CONCLUSION_NAMES[]; /* pass, conditional, fail */

/* The integer a stored field holds (region codes, versions, counts: text the field table
 * checked on the way in), or 0 when it is absent or not an integer. */
int64_t eq_int_of(const char *s);

/* Dates of records are text (YYYY-MM-DD); these read and set them as day numbers. */
#define EQ_NO_DAY INT32_MIN /* an absent date (days before 1970 are negative numbers) */

/* The day number of s, or EQ_NO_DAY when s is NULL or not a date. */
int32_t eq_day_of(const char *s);
/* 1 if v is the string s (v may be NULL). */
int eq_is(const char *v, const char *s);
/* Sets field i of r to s (NULL: null), to the decimal v, or to the date day (EQ_NO_DAY:
 * null), copied into a. */
void eq_set_str(struct record *r, struct arena *a, int i, const char *s);
void eq_set_int(struct record *r, struct arena *a, int i, int64_t v);
void eq_set_day(struct record *r, struct arena *a, int i, int32_t day);

/* Checks the legal entity a record belongs to (field: "employer", "station", "use_unit"):
 * an enterprise account may name only itself; the credit code must be a registered enterprise
 * (code "unknown_<field>") whose region lies in who's jurisdiction ("out_of_scope"). Returns
 * EQ_OK with *region (the entity's), EQ_INVALID with *err, or EQ_ERROR. */
int eq_party_check(struct db *db, const struct actor *who, const char *field,
                   const char *credit_code, struct arena *a, int *region, struct field_error *err);

/* Today's date (day number, see platform/dates.h) in China Standard Time (UTC+8, no summer
 * time): the date an officer in Lhasa sees on the wall. */
int32_t eq_today(void);

/* Now as ISO 8601 UTC, for created_at/updated_at. */
void eq_now_iso(char out[32]);

#endif

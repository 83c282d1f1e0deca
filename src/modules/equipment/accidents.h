/*
 * Accidents involving special equipment (table eq_accident): the report, the investigation,
 * and closure under the four "don't let go" (四不放过): an accident closes only when its cause,
 * the handling of those responsible, the measures carried out and the education of the people
 * concerned are all recorded, and a closed accident is never edited again. Every write moves
 * the accident tallies (tally.h) and appends to the audit log in one transaction. No HTTP here.
 */
#ifndef JZ_EQUIPMENT_ACCIDENTS_H
#define JZ_EQUIPMENT_ACCIDENTS_H

#include <stdint.h>

#include "modules/equipment/common.h"
#include "modules/equipment/tally.h"

/* Fields of an accident. The stored ones follow eq_accident, except that the unit is named by
 * its device code (the table keeps unit_id). */
enum accident_field {
	EA_ID,                  /* 64-bit row id, as text */
	EA_DEVICE_CODE,         /* the unit involved, or NULL */
	EA_USE_UNIT,            /* credit code of the use unit (the unit's, when a unit is named) */
	EA_REGION_CODE,         /* the unit's region, else the use unit's (set by the server) */
	EA_CATEGORY,            /* catalogue code (the unit's, when a unit is named) */
	EA_OCCURRED_ON,         /* day it occurred */
	EA_REPORTED_ON,         /* day it was reported (default today) */
	EA_LEVEL,               /* general, larger, major, especially_major */
	EA_DEATHS,              /* people killed */
	EA_INJURIES,            /* people injured */
	EA_LOSS_YUAN,           /* direct economic loss */
	EA_SUMMARY,             /* what happened */
	EA_STATUS,              /* reported, investigating, closed */
	EA_CAUSE,               /* the four elements: cause established */
	EA_RESPONSIBLE_HANDLED, /* ... those responsible dealt with */
	EA_MEASURES_DONE,       /* ... corrective measures carried out */
	EA_PEOPLE_EDUCATED,     /* ... the people concerned educated */
	EA_CLOSED_ON,           /* day it was closed */
	EA_CREATED_AT,
	EA_UPDATED_AT,
	EA_VERSION,
	EA_COMPLETE, /* computed: all four elements recorded */
	EA_NFIELDS
};

extern const struct record_type ACCIDENT_TYPE;

/* A list query. Strings are borrowed. */
struct eq_accident_filter {
	int region;           /* subtree, 0 for all */
	const char *status;   /* or NULL */
	const char *level;    /* or NULL */
	const char *use_unit; /* or NULL */
	int32_t from, to;     /* occurred_on within [from, to]; INT32_MIN, INT32_MAX: open */
	int limit;            /* 1..EQ_PAGE_MAX */
	int has_cursor;       /* continue after the row below (newest first) */
	int32_t after_day;    /* its occurred_on */
	int64_t after_id;     /* its id */
};

/* Parses list parameters given as text (NULL where absent); strings are copied into a.
 * Returns EQ_OK or EQ_INVALID with *err naming the parameter. */
int eq_accident_filter_parse(struct eq_accident_filter *f, struct arena *a, const char *region,
                             const char *status, const char *level, const char *use_unit,
                             const char *from, const char *to, const char *limit,
                             const char *cursor, struct field_error *err);

/* Called per row of a list; return non-zero to stop. */
typedef int (*eq_accident_fn)(void *ctx, const struct record *r);

/* Lists accidents in who's scope, newest first (occurred_on, then id), at most f->limit.
 * *next_cursor receives the next page's cursor (in a) or NULL. EQ_OK or EQ_ERROR. */
int eq_accident_list(struct db *db, const struct actor *who, const struct eq_accident_filter *f,
                     struct arena *a, eq_accident_fn fn, void *ctx, const char **next_cursor);

/* Reads one accident. EQ_OK, EQ_NOT_FOUND (absent or out of scope), EQ_ERROR. */
int eq_accident_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out);

/*
 * Reports an accident. With device_code the unit (in who's scope) gives the use unit, region
 * and category; without, use_unit (a registered enterprise in scope) and category are
 * required and the region is the use unit's. occurred_on not in the future and not after
 * reported_on. Audited, tallies moved. EQ_OK with *out, EQ_INVALID with *err, EQ_ERROR.
 */
int eq_accident_create(struct db *db, const struct actor *who, const struct record *in,
                       struct arena *a, struct record *out, struct field_error *err);

/*
 * Records findings or closes: the fields given in patch change; a finding moves a reported
 * accident to investigating; status "closed" needs all four elements (else EQ_INVALID, code
 * "incomplete", naming the first missing one) and sets closed_on (default today). A closed
 * accident refuses any change with EQ_CONFLICT (code "closed"). if_version (0: any) must
 * match. Audited, tallies moved.
 */
int eq_accident_update(struct db *db, const struct actor *who, int64_t id,
                       const struct record *patch, int64_t if_version, struct arena *a,
                       struct record *out, struct field_error *err);

/* What an accident counts for in the tallies. */
void eq_accident_tally_row(const struct record *r, struct eq_tally_row *t);

#endif

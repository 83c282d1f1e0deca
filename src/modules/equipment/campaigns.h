/*
 * Campaigns (table eq_campaign): a named set of targets aimed at the worst risks, such as every
 * LPG road tank truck of a prefecture, with progress. The targets are the in-use units
 * (eq_unit) of the campaign's region subtree whose category begins with its category code or
 * prefix, of its rule variant if it names one, and only those of major hazard sources if it
 * says so. A target is done once it was inspected on or after starts_on with the conclusion
 * pass or conditional. Targets are counted live from the units, never stored. No HTTP here.
 */
#ifndef JZ_EQUIPMENT_CAMPAIGNS_H
#define JZ_EQUIPMENT_CAMPAIGNS_H

#include <stdint.h>

#include "modules/equipment/common.h"

enum campaign_field {
	EC_ID,                /* 64-bit row id, as text */
	EC_NAME,              /* what it is called */
	EC_DESCRIPTION,       /* what it is for */
	EC_REGION_CODE,       /* the subtree it covers (in the creator's scope) */
	EC_CATEGORY,          /* catalogue code or prefix of the targets ("2220", "3") */
	EC_VARIANT,           /* only units of this rule variant, or NULL */
	EC_MAJOR_HAZARD_ONLY, /* "1": only units of major hazard sources */
	EC_STARTS_ON,         /* first day */
	EC_ENDS_ON,           /* last day */
	EC_CREATED_AT,
	EC_CREATED_BY,
	EC_TARGETS, /* computed: targets in the reader's scope */
	EC_DONE,    /* computed: of which done */
	EC_NFIELDS
};
#define EC_NCOLUMNS EC_TARGETS /* fields stored in eq_campaign */

extern const struct record_type CAMPAIGN_TYPE;

/* A target still to do, as listed with a campaign. */
struct eq_campaign_target {
	const char *device_code;
	const char *reg_code; /* or NULL */
	const char *name;
	const char *use_unit;
	const char *next_due; /* or NULL */
};

/* Called per target; return non-zero to stop. */
typedef int (*eq_campaign_target_fn)(void *ctx, const struct eq_campaign_target *t);

/* Called per campaign (progress filled in); return non-zero to stop. */
typedef int (*eq_campaign_fn)(void *ctx, const struct record *r);

/* A list query. */
struct eq_campaign_filter {
	int region;       /* campaigns whose region lies in this subtree, 0 for all */
	int limit;        /* 1..EQ_PAGE_MAX */
	int has_cursor;   /* continue after (newest first) */
	int64_t after_id; /* the id of the last row seen */
};

/* Parses list parameters given as text (NULL where absent). EQ_OK or EQ_INVALID. */
int eq_campaign_filter_parse(struct eq_campaign_filter *f, const char *region, const char *limit,
                             const char *cursor, struct field_error *err);

/* Lists the campaigns in who's scope, newest first, each with its progress. *next_cursor
 * receives the next page's cursor (in a) or NULL. EQ_OK or EQ_ERROR. */
int eq_campaign_list(struct db *db, const struct actor *who, const struct eq_campaign_filter *f,
                     struct arena *a, eq_campaign_fn fn, void *ctx, const char **next_cursor);

/*
 * Reads a campaign with its progress, and calls target_fn (if not NULL) for the first `todo`
 * targets still to do, the soonest due first. EQ_OK, EQ_NOT_FOUND (absent or its region out of
 * scope; an enterprise account sees no campaign), EQ_ERROR.
 */
int eq_campaign_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out, int todo, eq_campaign_target_fn target_fn, void *ctx);

/*
 * Creates a campaign from in: a known region in who's scope, a category code or prefix the
 * catalogue has, a known rule variant, starts_on <= ends_on. Audited. EQ_OK with *out (and its
 * progress), EQ_INVALID with *err, EQ_ERROR.
 */
int eq_campaign_create(struct db *db, const struct actor *who, const struct record *in,
                       struct arena *a, struct record *out, struct field_error *err);

#endif

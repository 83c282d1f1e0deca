/*
 * Operators of special equipment and their certificates (table eq_operator): who operates
 * what at which use unit, the certificate they hold and until when. Only the last four
 * characters of an identity card are ever taken, stored or shown. Every write moves the
 * operator tallies (tally.h) and appends to the audit log in one transaction. No HTTP here.
 */
#ifndef JZ_EQUIPMENT_PEOPLE_H
#define JZ_EQUIPMENT_PEOPLE_H

#include <stdint.h>

#include "modules/equipment/common.h"
#include "modules/equipment/tally.h"

/* Fields of an operator: the columns of eq_operator in order, then what is computed. */
enum operator_field {
	EO_ID,          /* 64-bit row id, as text */
	EO_NAME,        /* the holder's name */
	EO_ID_TAIL,     /* last four characters of the identity card ([0-9X]{4}) */
	EO_EMPLOYER,    /* credit code of the use unit employing them */
	EO_REGION_CODE, /* the employer's region (set by the server) */
	EO_CATEGORY,    /* top-level category operated, e.g. 3000 */
	EO_ITEM,        /* operator item code on the certificate (G1, R1, T, Q1...) */
	EO_CERT_NO,     /* certificate number, with valid_until or neither */
	EO_ISSUED_ON,   /* date the certificate was issued */
	EO_VALID_UNTIL, /* last day the certificate is valid */
	EO_ON_DUTY,     /* "1" while on duty */
	EO_CREATED_AT,
	EO_UPDATED_AT,
	EO_VERSION,
	EO_EXPIRED,       /* computed: certified and valid_until before today */
	EO_EMPLOYER_NAME, /* computed: the employer's registered name */
	EO_NFIELDS
};
#define EO_NCOLUMNS EO_EXPIRED /* fields stored in eq_operator */

extern const struct record_type OPERATOR_TYPE;

#define EQ_EXPIRING_MAX_DAYS 3660 /* largest expiring_within */

/* A list query. Strings are borrowed. */
struct eq_operator_filter {
	const char *employer; /* credit code, or NULL */
	int region;           /* subtree, 0 for all */
	const char *category; /* top-level category, or NULL */
	int on_duty;          /* -1 any, 0 off duty, 1 on duty */
	int uncertified;      /* only those holding no certificate */
	int expiring;         /* -1: no condition; else on duty, valid_until <= today + expiring
	                         (expired ones included), ordered by valid_until */
	int limit;            /* 1..EQ_PAGE_MAX */
	int has_cursor;       /* continue after the row below */
	int64_t after_id;     /* id of the last row seen */
	int32_t after_day;    /* its valid_until (expiring lists) */
};

/* Parses list parameters given as text (NULL where absent) into *f; strings are copied into
 * a. Returns EQ_OK or EQ_INVALID with *err naming the parameter. */
int eq_operator_filter_parse(struct eq_operator_filter *f, struct arena *a, const char *employer,
                             const char *region, const char *category, const char *on_duty,
                             const char *uncertified, const char *expiring_within,
                             const char *limit, const char *cursor, struct field_error *err);

/* Called per row of a list; return non-zero to stop. */
typedef int (*eq_operator_fn)(void *ctx, const struct record *r);

/* Lists operators in who's scope (by id, or by valid_until then id for expiring lists), at
 * most f->limit. *next_cursor receives the next page's cursor (in a) or NULL. Returns EQ_OK or
 * EQ_ERROR. */
int eq_operator_list(struct db *db, const struct actor *who, const struct eq_operator_filter *f,
                     struct arena *a, eq_operator_fn fn, void *ctx, const char **next_cursor);

/* Reads one operator into *out (strings in a). EQ_OK, EQ_NOT_FOUND (absent or out of scope),
 * EQ_ERROR. */
int eq_operator_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out);

/*
 * Records an operator from in (fields of OPERATOR_TYPE as parsed from input). The employer
 * must be a registered enterprise in who's scope (an enterprise account: itself); the region
 * is the employer's. Audited, tallies moved. EQ_OK with *out, EQ_INVALID or EQ_CONFLICT (the
 * certificate number is taken) with *err, EQ_ERROR.
 */
int eq_operator_create(struct db *db, const struct actor *who, const struct record *in,
                       struct arena *a, struct record *out, struct field_error *err);

/* Changes the fields given in patch (null clears); if_version (0: any) must match. The same
 * rules as a create apply to the result. Audited, tallies moved. */
int eq_operator_update(struct db *db, const struct actor *who, int64_t id,
                       const struct record *patch, int64_t if_version, struct arena *a,
                       struct record *out, struct field_error *err);

/* What an operator counts for in the tallies. */
void eq_operator_tally_row(const struct record *r, struct eq_tally_row *t);

#endif

/*
 * Gas cylinders (category 2300 and below), counted by filling station and batch (table
 * eq_cylinder_batch) rather than one by one. The batch's rule variant picks the inspection
 * rule (rules.h: corrosive, general, inert, lpg, lpg50): the first inspection falls due from
 * the day of manufacture, the next ones from each inspection, and the cylinders that fail are
 * scrapped, which reduces the batch. Every write appends to the audit log in its transaction.
 * No HTTP here.
 */
#ifndef JZ_EQUIPMENT_CYLINDERS_H
#define JZ_EQUIPMENT_CYLINDERS_H

#include <stdint.h>

#include <jansson.h>

#include "modules/equipment/common.h"

enum cylinder_field {
	ECB_ID,                /* 64-bit row id, as text */
	ECB_STATION,           /* credit code of the filling station */
	ECB_REGION_CODE,       /* the station's region (set by the server) */
	ECB_CATEGORY,          /* 2300 or a code below it */
	ECB_VARIANT,           /* corrosive, general, inert, lpg, lpg50 */
	ECB_BATCH_NO,          /* the station's batch number */
	ECB_SPEC,              /* e.g. YSP-15 */
	ECB_QUANTITY,          /* cylinders in the batch still in use */
	ECB_MANUFACTURER,      /* manufacturer */
	ECB_MANUFACTURED_ON,   /* date of manufacture */
	ECB_STATUS,            /* in_use, stopped, scrapped */
	ECB_LAST_INSPECTED_ON, /* set by inspections */
	ECB_INSPECTIONS_DONE,  /* periodic inspections recorded */
	ECB_NEXT_DUE,          /* next inspection due, by the rule */
	ECB_CREATED_AT,
	ECB_UPDATED_AT,
	ECB_VERSION,
	ECB_OVERDUE, /* computed: in use and next_due before today */
	ECB_NFIELDS
};
#define ECB_NCOLUMNS ECB_OVERDUE /* fields stored in eq_cylinder_batch */

extern const struct record_type CYLINDER_TYPE;

/* A list query. Strings are borrowed. */
struct eq_cylinder_filter {
	const char *station; /* credit code, or NULL */
	int region;          /* subtree, 0 for all */
	int overdue;         /* only batches in use whose next_due is before today, by due date */
	int limit;           /* 1..EQ_PAGE_MAX */
	int has_cursor;      /* continue after the row below */
	int64_t after_id;    /* id of the last row seen */
	int32_t after_day;   /* its next_due (overdue lists) */
};

/* Parses list parameters given as text (NULL where absent); strings are copied into a.
 * EQ_OK or EQ_INVALID with *err naming the parameter. */
int eq_cylinder_filter_parse(struct eq_cylinder_filter *f, struct arena *a, const char *station,
                             const char *region, const char *overdue, const char *limit,
                             const char *cursor, struct field_error *err);

/* Called per row of a list; return non-zero to stop. */
typedef int (*eq_cylinder_fn)(void *ctx, const struct record *r);

/* Lists batches in who's scope (by id, or by next_due then id when overdue). EQ_OK or
 * EQ_ERROR; *next_cursor receives the next page's cursor (in a) or NULL. */
int eq_cylinder_list(struct db *db, const struct actor *who, const struct eq_cylinder_filter *f,
                     struct arena *a, eq_cylinder_fn fn, void *ctx, const char **next_cursor);

/* Reads one batch. EQ_OK, EQ_NOT_FOUND (absent or out of scope), EQ_ERROR. */
int eq_cylinder_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                    struct record *out);

/*
 * Records a batch from in: the station a registered enterprise in who's scope (an enterprise
 * account: itself), whose region the batch takes; a category of the cylinder family; made not
 * in the future. next_due is the rule's first due date from manufacture. Audited. EQ_OK,
 * EQ_INVALID, EQ_CONFLICT (the station already has this batch number), EQ_ERROR.
 */
int eq_cylinder_create(struct db *db, const struct actor *who, const struct record *in,
                       struct arena *a, struct record *out, struct field_error *err);

/* An inspection of a batch. */
struct eq_cylinder_inspection {
	const char *inspected_on; /* YYYY-MM-DD */
	const char *conclusion;   /* pass, conditional, fail (fail: the whole batch) */
	int64_t quantity_failed;  /* cylinders that failed and are scrapped */
	int failed_given;         /* quantity_failed was given */
	const char *next_due;     /* out: the batch's next due date, or NULL */
};

/* Reads an inspection from a JSON body {inspected_on, conclusion, quantity_failed?}; strings
 * go into a. EQ_OK or EQ_INVALID naming the field. */
int eq_cylinder_inspection_from_json(json_t *body, struct arena *a,
                                     struct eq_cylinder_inspection *out, struct field_error *err);

/*
 * Records an inspection of batch id: not in the future, not before manufacture or the last
 * inspection; a conclusion the rule allows. The failed cylinders are scrapped (quantity
 * reduced); when all fail (conclusion fail) the batch is scrapped as a whole and keeps its
 * quantity as the number scrapped. Moves last_inspected_on, inspections_done and next_due.
 * One transaction, audited. *out receives the batch after it. EQ_OK, EQ_NOT_FOUND, EQ_INVALID,
 * EQ_CONFLICT (the batch is not in use), EQ_ERROR.
 */
int eq_cylinder_inspect(struct db *db, const struct actor *who, int64_t id,
                        struct eq_cylinder_inspection *ins, struct arena *a, struct record *out,
                        struct field_error *err);

#endif

/*
 * The unit register and its inspections: registration of a unit, its inspection records and
 * defects, the next due date the rules give, due lists and inspection plans, and the
 * per-use-unit drill-down of the rates. Every write moves the tallies (tally.h) and appends to
 * the audit log in one transaction. No HTTP here.
 */
#ifndef JZ_EQUIPMENT_UNITS_H
#define JZ_EQUIPMENT_UNITS_H

#include <stdint.h>

#include "modules/equipment/common.h"
#include "modules/equipment/model.h"
#include "modules/equipment/tally.h"

/* A unit as read, with what is computed from it on the day it is read. */
struct eq_unit {
	int64_t id;
	struct record r;           /* the fields of UNIT_TYPE */
	int overdue;               /* in use and next_due before today */
	int has_due;               /* next_due is set */
	int days_to_due;           /* next_due - today (negative: overdue by so many days) */
	const char *hazard;        /* "high", "medium" or "low" (eq_hazard_grade) */
	const char *use_unit_name; /* the use unit's registered name, or NULL */
};

enum eq_due_filter {
	EQ_DUE_ANY,     /* no condition on the due date */
	EQ_DUE_OVERDUE, /* in use, next_due before today */
	EQ_DUE_SOON,    /* in use, next_due from today to today + within days */
	EQ_DUE_RANGE,   /* in use, next_due in [due_from, due_to] (an inspection plan's month) */
};

struct eq_unit_filter {
	int region;              /* subtree, 0 for all */
	const char *category;    /* code or prefix, or NULL */
	const char *status;      /* or NULL */
	const char *use_unit;    /* credit code, or NULL */
	const char *institution; /* exactly, or NULL */
	const char *q;           /* in name, device code, registration code or location; or NULL */
	const char *hazard;      /* high, medium, low or NULL */
	enum eq_due_filter due;
	int within;               /* EQ_DUE_SOON: days */
	int32_t due_from, due_to; /* EQ_DUE_RANGE */
	int limit;                /* 1..EQ_PAGE_MAX */
	int has_cursor;
	int64_t after_id;  /* keyset cursor: id of the last row seen */
	int32_t after_due; /* ... and its next_due (due-ordered lists) */
};

/* Parses list parameters given as text (NULL where absent). Strings are copied into a.
 * month ("YYYY-MM") selects EQ_DUE_RANGE over that month. Returns EQ_OK or EQ_INVALID. */
int eq_unit_filter_parse(struct eq_unit_filter *f, struct arena *a, const char *region,
                         const char *category, const char *status, const char *use_unit,
                         const char *institution, const char *q, const char *hazard,
                         const char *due, const char *within, const char *month, const char *limit,
                         const char *cursor, struct field_error *err);

typedef int (*eq_unit_fn)(void *ctx, const struct eq_unit *u);

/* Lists units in who's scope (ordered by id, or by next_due then id for due filters), at most
 * f->limit. *next_cursor receives the cursor of the next page (in a) or NULL. with_names: look
 * up each use unit's name. Returns EQ_OK or EQ_ERROR. */
int eq_unit_list(struct db *db, const struct actor *who, const struct eq_unit_filter *f,
                 struct arena *a, int with_names, eq_unit_fn fn, void *ctx,
                 const char **next_cursor);

/* Counts what the filter matches (ignoring cursor and limit). */
int eq_unit_count(struct db *db, const struct actor *who, const struct eq_unit_filter *f,
                  int64_t *count);

/* Reads one unit by device code. EQ_OK, EQ_NOT_FOUND (absent or out of scope), EQ_ERROR. */
int eq_unit_get(struct db *db, const struct actor *who, const char *device_code, struct arena *a,
                struct eq_unit *out);

/* Registers a unit from validated fields. Audited. EQ_OK, EQ_INVALID, EQ_CONFLICT (device or
 * registration code taken), EQ_ERROR. */
int eq_unit_create(struct db *db, const struct actor *who, const struct record *in, struct arena *a,
                   struct eq_unit *out, struct field_error *err);

/* Changes the fields given in patch; if_version (0: any) must match. Audited. */
int eq_unit_update(struct db *db, const struct actor *who, const char *device_code,
                   const struct record *patch, int64_t if_version, struct arena *a,
                   struct eq_unit *out, struct field_error *err);

/* Removes a unit registered by mistake: only one with no inspection, accident or other record
 * pointing at it (a real unit is stopped or scrapped instead, and keeps its history).
 * Audited with what was removed. EQ_OK, EQ_NOT_FOUND, EQ_INVALID (it has history), EQ_STALE. */
int eq_unit_delete(struct db *db, const struct actor *who, const char *device_code,
                   int64_t if_version, struct arena *a, struct field_error *err);

#define EQ_DEFECTS_MAX 50 /* defects on one inspection */

struct eq_defect {
	int64_t id;
	const char *description;
	const char *deadline;     /* YYYY-MM-DD */
	const char *rectified_on; /* or NULL */
};

struct eq_inspection {
	int64_t id;
	const char *kind; /* periodic, supervisory, acceptance */
	const char *institution;
	const char *inspector;
	const char *inspected_on;
	const char *conclusion; /* pass, conditional, fail */
	int safety_grade;       /* 0: none */
	const char *report_no;  /* or NULL */
	const char *note;       /* or NULL */
	const char *next_due;   /* what the rule gave, or NULL */
	const char *created_at;
	struct eq_defect defects[EQ_DEFECTS_MAX];
	int ndefects;
};

/* Reads an inspection from a JSON body (kind, institution, inspector, inspected_on,
 * conclusion, safety_grade, report_no, note, defects: [{description, deadline}]). Strings go
 * into a. Returns EQ_OK or EQ_INVALID naming the field ("defects[2].deadline"). */
int eq_inspection_from_json(json_t *body, struct arena *a, struct eq_inspection *out,
                            struct field_error *err);

/*
 * Records an inspection of a unit: checks it against the unit (not in the future, not before
 * manufacture, periodic ones not before the unit was put into use; a conclusion and a safety
 * grade the rule allows), stores it and its defects, and moves the unit's last inspection and
 * next due date by the rule when it is the latest. One transaction, audited. *ins receives the
 * stored inspection (ids, next_due), *unit the unit after it.
 */
int eq_inspection_add(struct db *db, const struct actor *who, const char *device_code,
                      struct eq_inspection *ins, struct arena *a, struct eq_unit *unit,
                      struct field_error *err);

typedef int (*eq_inspection_fn)(void *ctx, const struct eq_inspection *ins);

/* The unit's inspections, newest first, with their defects. */
int eq_inspection_list(struct db *db, const struct actor *who, const char *device_code,
                       struct arena *a, eq_inspection_fn fn, void *ctx);

/* Records that a defect was rectified on a day (not in the future, not before its inspection).
 * Audited. */
int eq_defect_rectify(struct db *db, const struct actor *who, int64_t defect_id,
                      const char *rectified_on, struct field_error *err);

/* The hazard grade of a unit on day today: high (in use and overdue, failed, safety grade 4-5
 * or part of a major hazard source), medium (conditional pass, grade 3, or in use more than
 * fifteen years), else low. */
const char *eq_hazard_grade(const struct record *r, int32_t today);

/* What a unit counts for in the tallies. */
void eq_unit_tally_row(const struct record *r, struct eq_tally_row *t);

/* The top-level category of a catalogue code: "3110" -> "3000" (into out[5]). */
void eq_top_category(const char *code, char out[5]);

#endif

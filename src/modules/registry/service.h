/*
 * The enterprise registry: legal entities and their quality files. Domain rules live here;
 * this code sees neither HTTP nor SQL (store.c holds the SQL). Every call takes the acting
 * struct actor, and reads and writes only within its data scope: a record outside answers
 * REG_NOT_FOUND, exactly as a record that does not exist.
 */
#ifndef JZ_REGISTRY_SERVICE_H
#define JZ_REGISTRY_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "modules/registry/model.h"
#include "platform/actor.h"
#include "platform/mem.h"
#include "platform/textenc.h"

struct db;

enum registry_result {
	REG_OK = 0,
	REG_NOT_FOUND = -1, /* no such record in the actor's scope */
	REG_INVALID = -2,   /* input breaks a rule; the field_error says which */
	REG_CONFLICT = -3,  /* the credit code is already registered */
	REG_STALE = -4,     /* If-Match version does not match the record */
	REG_ERROR = -5,     /* database failure */
};

#define REGISTRY_PAGE_DEFAULT 50
#define REGISTRY_PAGE_MAX     1000

enum registry_sort {
	REG_SORT_ID,          /* order of registration in this deployment */
	REG_SORT_NAME,        /* by name, then id */
	REG_SORT_CREDIT_CODE, /* by credit code */
	REG_SORT_COUNT
};

/* A list query. Strings are borrowed. */
struct registry_filter {
	int region;              /* subtree root, 0 for all */
	const char *industry;    /* section letter or NULL */
	const char *status;      /* status or NULL */
	const char *size;        /* size or NULL */
	const char *q;           /* text in name, Tibetan name, or credit-code prefix; NULL */
	enum registry_sort sort; /* order */
	int desc;                /* descending */
	int limit;               /* page size, 1..REGISTRY_PAGE_MAX */
	/* Keyset cursor: continue after this row. */
	int has_cursor;        /* cursor given */
	int64_t after_id;      /* id of the last row seen */
	const char *after_key; /* its sort key (name or credit code) */
};

/*
 * Parses the list parameters given as text (query string values, NULL where absent) into
 * *f. Strings are copied into a. Returns 0 or REG_INVALID with *err naming the parameter.
 */
int registry_filter_parse(struct registry_filter *f, struct arena *a, const char *region,
                          const char *industry, const char *status, const char *size, const char *q,
                          const char *sort, const char *limit, const char *cursor,
                          struct field_error *err);

/* Sets f to continue after cursor (a next_cursor of the same sort). Returns 0 or REG_INVALID. */
int registry_filter_continue(struct registry_filter *f, struct arena *a, const char *cursor,
                             struct field_error *err);

/* Called for each row of a list; return non-zero to stop. */
typedef int (*registry_row_fn)(void *ctx, const struct record *r);

/*
 * Runs a list query, calling fn for each row in order (at most f->limit rows). When more rows
 * follow, *next_cursor receives an opaque cursor string (in a), else NULL. Returns REG_OK or
 * REG_ERROR.
 */
int registry_list(struct db *db, const struct actor *who, const struct registry_filter *f,
                  struct arena *a, registry_row_fn fn, void *ctx, const char **next_cursor);

/* Counts the rows the filter matches (ignoring cursor and limit). */
int registry_count(struct db *db, const struct actor *who, const struct registry_filter *f,
                   int64_t *count);

/* The region level counts are grouped by. */
enum registry_count_by {
	REG_COUNT_BY_PREFECTURE, /* first four digits + "00": 540102 under 540100, 540000 itself */
	REG_COUNT_BY_COUNTY,     /* the region code as registered */
};

/* Called for each region of a count, in ascending order of code; return non-zero to stop. */
typedef int (*registry_region_count_fn)(void *ctx, int region_code, int64_t count);

/*
 * Counts the enterprises the filter matches (region, industry, status, size; q, sort, cursor
 * and limit are ignored) within who's scope, grouped by region at the level by, live from
 * the table. Calls fn for each region with at least one match. Returns REG_OK or REG_ERROR.
 */
int registry_count_by_region(struct db *db, const struct actor *who,
                             const struct registry_filter *f, enum registry_count_by by,
                             registry_region_count_fn fn, void *ctx);

/* Reads one enterprise by credit code into *out (strings in a), with the warnings its values
 * carry (recomputed: they are not stored). */
int registry_get(struct db *db, const struct actor *who, const char *credit_code, struct arena *a,
                 struct record *out);

/*
 * Registers a new enterprise from in (validated fields). On REG_OK *out holds the stored
 * record; on REG_INVALID or REG_CONFLICT *err says why. Audited.
 */
int registry_create(struct db *db, const struct actor *who, const struct record *in,
                    struct arena *a, struct record *out, struct field_error *err);

/*
 * Changes the fields given in patch (absent fields are kept; null clears). if_version, when
 * not 0, must equal the stored version. Audited with before and after.
 */
int registry_update(struct db *db, const struct actor *who, const char *credit_code,
                    const struct record *patch, int64_t if_version, struct arena *a,
                    struct record *out, struct field_error *err);

/* How an import treats bad rows. */
enum registry_import_mode {
	REG_IMPORT_ALL_OR_NOTHING, /* any bad row: nothing is written */
	REG_IMPORT_SKIP_BAD,       /* good rows are written, bad rows reported */
};

#define REGISTRY_IMPORT_MAX_REPORTED 1000 /* row errors listed in a report */

struct registry_import_options {
	enum registry_import_mode mode; /* see above */
	int dry_run;                    /* validate and count, write nothing */
	enum text_encoding encoding;    /* of the file */
};

struct registry_import_issue {
	size_t row;          /* record number in the file, the header being 1 */
	size_t line;         /* line where the record starts */
	const char *field;   /* column, or NULL for the whole row */
	const char *code;    /* machine code */
	const char *message; /* English text */
};

struct registry_import_report {
	const char *encoding;                   /* encoding found */
	size_t rows;                            /* data rows read */
	size_t created, updated, unchanged;     /* rows written (or that would be, in a dry run) */
	size_t rejected;                        /* bad rows */
	int committed;                          /* whether anything was written */
	const char *file_error;                 /* a problem with the file as a whole, or NULL */
	const char *file_error_field;           /* the column it concerns, or NULL */
	struct registry_import_issue *errors;   /* first REGISTRY_IMPORT_MAX_REPORTED, in a */
	size_t nerrors;                         /* listed */
	struct registry_import_issue *warnings; /* likewise */
	size_t nwarnings;                       /* listed */
	size_t total_warnings;                  /* all warnings */
	char sha256[65];                        /* of the file as given */
};

/*
 * Imports enterprises from CSV bytes s[0..n): header of field names (or their Chinese
 * labels), one enterprise per row, upsert by credit code. Every row is validated as a create;
 * an existing credit code is updated with the row's values. Returns REG_OK with *rep filled
 * (also when rows were rejected), or REG_ERROR. Audited per row and per file.
 */
int registry_import(struct db *db, const struct actor *who, const char *s, size_t n,
                    const struct registry_import_options *opt, struct arena *a,
                    struct registry_import_report *rep);

/* Writes the report as JSON. */
void registry_import_report_json(const struct registry_import_report *rep, struct buf *out);

/* Called for each enterprise of registry_each_active; return non-zero to stop. */
typedef int (*registry_active_fn)(void *ctx, const char *credit_code, int region_code);
/*
 * Calls fn for every active enterprise whose region lies in [lo, hi] and whose industry is
 * industry, in credit-code order (the candidates of a sampling draw; no actor: the caller has
 * checked the region). Returns REG_OK or REG_ERROR.
 */
int registry_each_active(struct db *db, int lo, int hi, const char *industry, registry_active_fn fn,
                         void *ctx);
#endif

/*
 * Records described by data. A module lists its fields once (name, type, limits, flags) and
 * the same table then validates JSON bodies and CSV rows, binds SQL parameters, writes JSON
 * and CSV, and describes the schema in the OpenAPI document. Values are held as canonical
 * text (see enum field_type), so one validation path serves every way data comes in.
 */
#ifndef JZ_FIELDS_H
#define JZ_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "mem.h"

#define FIELDS_MAX 64 /* fields in one record type */

enum field_type {
	FT_TEXT,  /* UTF-8 text, no control characters but TAB (and LF/CR if FF_MULTILINE) */
	FT_CODE,  /* printable ASCII without spaces, checked further by the validator */
	FT_ENUM,  /* one of spec->choices */
	FT_BOOL,  /* canonical "0" or "1"; CSV also accepts true/false/yes/no/是/否 */
	FT_DATE,  /* a real calendar date as YYYY-MM-DD */
	FT_INT,   /* decimal integer within [min, max] */
	FT_STAMP, /* server-set time, ISO 8601 UTC, never accepted as input */
};

enum field_flags {
	FF_REQUIRED = 1 << 0,  /* must be present and not empty on create */
	FF_IMMUTABLE = 1 << 1, /* may be given on create, never changed after */
	FF_READONLY = 1 << 2,  /* set by the server; input naming it is rejected */
	FF_MULTILINE = 1 << 3, /* FT_TEXT may hold line breaks */
	FF_TRIM = 1 << 4,      /* leading and trailing spaces are removed on input */
	FF_UPPER = 1 << 5,     /* FT_CODE is upper-cased on input (ASCII only) */
	FF_NOT_NULL = 1 << 6,  /* optional on create (a default applies), never cleared after */
};

struct field_error {
	const char *field; /* field name, or NULL for the whole record */
	const char *code;  /* machine code: required, too_long, invalid, ... */
	char message[200]; /* English explanation for the user */
};

struct field_spec;
/* Extra check of a canonical value; returns 0 or -1 with *err filled. May set *warning to a
 * static string for a problem that does not reject the value. */
typedef int (*field_validate_fn)(const struct field_spec *spec, const char *v, size_t n,
                                 struct field_error *err, const char **warning);

struct field_spec {
	const char *name;           /* JSON key and CSV column */
	enum field_type type;       /* how the value is parsed and stored */
	int flags;                  /* enum field_flags */
	int max_chars;              /* FT_TEXT/FT_CODE: maximum length in code points */
	int64_t min, max;           /* FT_INT: inclusive range */
	const char *const *choices; /* FT_ENUM: NULL-terminated allowed values */
	field_validate_fn validate; /* optional extra check */
	const char *description;    /* for the OpenAPI document */
};

struct record_type {
	const char *name;                /* e.g. "enterprise" */
	const struct field_spec *fields; /* the fields, in storage order */
	size_t nfields;                  /* count of fields */
};

/* A record's values as canonical text. A field is either absent, null or a value. */
struct record {
	const struct record_type *type;   /* what the record is */
	const char *v[FIELDS_MAX];        /* value (NUL-terminated) or NULL */
	uint64_t present;                 /* bit i: field i was given (value or null) */
	const char *warnings[FIELDS_MAX]; /* per-field warning from a validator, or NULL */
};

enum {
	FIELD_INT_INVALID = -1, /* not a decimal integer */
	FIELD_INT_RANGE = -2,   /* an integer outside the range (or of more than 19 digits) */
};

/*
 * The one integer parser for text from outside: s[0..n) must be an optional '-' and decimal
 * digits only (no spaces, no '+', no base prefixes), within [lo, hi]. Returns 0 with *out, or
 * FIELD_INT_INVALID / FIELD_INT_RANGE. field_int_parse_cstr takes a NUL-terminated string
 * (NULL is invalid).
 */
int field_int_parse(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out);
int field_int_parse_cstr(const char *s, int64_t lo, int64_t hi, int64_t *out);

/* Index of a field by name, or -1. */
int fields_find(const struct record_type *t, const char *name, size_t n);

void record_init(struct record *r, const struct record_type *t);
/* Sets field i to s[0..n) copied into the arena (no validation). */
void record_set(struct record *r, struct arena *a, int i, const char *s, size_t n);
static inline int record_has(const struct record *r, int i)
{
	return (r->present >> i) & 1;
}

/*
 * Validates and canonicalises one value given as text (a CSV cell or a query parameter) for
 * field i, storing it in r. An empty cell means null. Returns 0 or -1 with *err set.
 */
int record_set_text(struct record *r, struct arena *a, int i, const char *s, size_t n,
                    struct field_error *err);

/* The same, for s already known to be valid UTF-8 (a field of a file checked as a whole:
 * CSV separators are ASCII, so every field of valid UTF-8 text is valid UTF-8). */
int record_set_text_utf8(struct record *r, struct arena *a, int i, const char *s, size_t n,
                         struct field_error *err);

/*
 * Fills r from a JSON object: every key must name a field that is not FF_READONLY, values
 * must have the field's JSON type (string, boolean, integer, or null). Returns 0 or -1 with
 * *err naming the first bad field.
 */
int record_from_json(struct record *r, struct arena *a, json_t *obj, struct field_error *err);

/*
 * Checks the record as a whole for a create (every FF_REQUIRED field present and not null)
 * or for an update (no FF_IMMUTABLE field changed: is_update=1). Returns 0 or -1.
 */
int record_check(const struct record *r, int is_update, struct field_error *err);

/*
 * Compact copies of records, for holding many validated records in one buffer: record_pack
 * appends r's values (a tag byte per field, then the text and a NUL for values);
 * record_unpack points r's values into such bytes (which must outlive r). Warnings are not
 * kept.
 */
void record_pack(const struct record *r, struct buf *out);
void record_unpack(struct record *r, const struct record_type *t, const char *packed);

struct db_stmt;
/* Fills r as a record of type t from columns first .. first + n - 1 of the current row of st,
 * in field order (SQL NULL: a null value); the values are copied into a. */
void record_from_row(struct record *r, const struct record_type *t, struct db_stmt *st, int first,
                     int n, struct arena *a);

/* Applies the fields given in patch (values, nulls and their warnings) to r, which must be of
 * the same type. Returns 1 if any value differs from what r held, else 0. */
int record_apply_patch(struct record *r, const struct record *patch);

/* r as a JSON object in a string the caller frees (what the audit log keeps). */
char *record_to_json(const struct record *r);

/* Appends a JSON object with every field of r (absent fields as null). */
void record_write_json(const struct record *r, struct buf *out);
/* The same, plus "warnings":[{"field","message"}] for values accepted with a warning (what an
 * API answers after a write). */
void record_write_json_warnings(const struct record *r, struct buf *out);
/* Recomputes the warnings of a record read back from storage (warnings are not stored): runs
 * each field's extra check over its stored value and keeps what it warns of. */
void record_recheck_warnings(struct record *r);
/* Appends a JSON string literal (with quotes) of s[0..n). */
void json_write_string(struct buf *out, const char *s, size_t n);

/* Appends r as one CSV line (fields in order, ending in CRLF). */
void record_write_csv(const struct record *r, struct buf *out);
/* Appends the CSV header line of t. */
void record_type_write_csv_header(const struct record_type *t, struct buf *out);

enum schema_mode {
	SCHEMA_OUTPUT, /* a record as returned */
	SCHEMA_CREATE, /* a body that creates one: no read-only fields, required ones listed */
	SCHEMA_PATCH,  /* a body that changes one: nothing required */
};

/* Appends an OpenAPI 3.0 schema object describing t. */
void record_type_write_schema(const struct record_type *t, struct buf *out, int mode);

/* Sets *err; returns -1 so callers can `return field_fail(...)`. */
int field_fail(struct field_error *err, const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Small helpers for the values of records (canonical text). */
/* The integer a stored field holds (region codes, versions, counts: text the field table
 * checked on the way in), or 0 when it is absent or not an integer. */
int64_t record_int_of(const char *s);
/* The day number (platform/dates.h) of a date value, or DATE_NONE when s is NULL or not a
 * date. */
int32_t record_day_of(const char *s);
/* 1 if v is the string s (v may be NULL). */
int text_is(const char *v, const char *s);
/* Sets field i of r to s (NULL: null), to the decimal v, or to the date day (DATE_NONE:
 * null), copied into a. */
void record_set_str(struct record *r, struct arena *a, int i, const char *s);
void record_set_int(struct record *r, struct arena *a, int i, int64_t v);
void record_set_day(struct record *r, struct arena *a, int i, int32_t day);

/* A field check: an 18-character unified social credit code (the registry checks it fully
 * when the code is looked up). */
int field_credit_code_shape(const struct field_spec *f, const char *v, size_t n,
                            struct field_error *err, const char **warning);

#endif

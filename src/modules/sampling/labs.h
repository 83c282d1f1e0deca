/*
 * The catalogue and labs beyond what the other parts need (catalogue.h): exact decimal text
 * checks used by the seed, the check of the two data files, lists of items and products for
 * the API, and testing laboratories as a record-shaped resource with their accredited scope
 * (written by administrators).
 */
#ifndef JZ_SAMPLING_LABS_H
#define JZ_SAMPLING_LABS_H

#include <stddef.h>
#include <stdint.h>

#include "modules/sampling/catalogue.h"

/* 1 if s is decimal text: an optional '-', digits, optionally '.' and digits (at most 30
 * digits in all; no exponent, no spaces, no '+'). */
int sp_decimal_valid(const char *s);

/* Compares two valid decimal texts exactly: -1, 0 or 1 ("1.50" equals "1.5", "-0" "0"). */
int sp_decimal_cmp(const char *a, const char *b);

/*
 * Checks the items file and the products file (their bytes) as sp_seed does before writing
 * anything: headers, codes, names, kinds, categories, GB/T 4754 section letters, every
 * product item a known item, and each rule with the limits it needs (range: lo <= hi).
 * Returns 0, or -1 with why ("<file> line <n>: <reason>") in why.
 */
int sp_catalogue_check(const char *items_data, size_t items_len, const char *products_data,
                       size_t products_len, char *why, size_t why_size);

/* Appends the test items as a JSON array of {code, name_zh, name_bo, name_en, unit, kind}.
 * Returns SVC_OK or SVC_ERROR. */
int sp_items_write_json(struct db *db, struct buf *out);

/* Appends product p (with "items": [{item_code, name_zh, name_en, kind, unit, rule, lo, hi,
 * expected, standard}]) as JSON. Returns SVC_OK or SVC_ERROR. */
int sp_product_write_json(struct db *db, int64_t product_id, struct buf *out);

/* Appends the products (category and industry filters: NULL for any) as a JSON array, each as
 * sp_product_write_json writes it. Returns SVC_OK or SVC_ERROR. */
int sp_products_write_json(struct db *db, const char *category, const char *industry,
                           struct buf *out);

/* The fields of a lab. */
enum sp_lab_field {
	SL_ID,
	SL_CODE,
	SL_NAME,
	SL_NAME_BO,
	SL_REGION_CODE,
	SL_ORG_UNIT,
	SL_ACCREDITED_UNTIL,
	SL_CREATED_AT,
	SL_UPDATED_AT,
	SL_VERSION,
	SL_NFIELDS
};

extern const struct record_type SP_LAB_TYPE;

#define SP_LAB_SCOPE_MAX 500 /* items in one scope */

/* Called per lab of a list; return non-zero to stop. */
typedef int (*sp_lab_fn)(void *ctx, const struct record *r);

/* Lists the labs (every signed-in reader may see them: they are public bodies), by code. The
 * region filter (0: any) keeps the labs of that subtree. SVC_OK or SVC_ERROR. */
int sp_lab_list(struct db *db, int region, struct arena *a, sp_lab_fn fn, void *ctx);

/* Reads lab id. SVC_OK, SVC_NOT_FOUND or SVC_ERROR (who is unused: labs are not scoped). */
int sp_lab_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
               struct record *out);

/* Creates a lab: code unique (SVC_CONFLICT), a known region, org_unit a known org unit code.
 * Audited. SVC_OK with *out, SVC_INVALID with *err, SVC_CONFLICT, SVC_ERROR. */
int sp_lab_create(struct db *db, const struct actor *who, const struct record *in, struct arena *a,
                  struct record *out, struct field_error *err);

/* Changes the fields given in patch (if_version, 0 for any, must match: SVC_STALE). Audited.
 * SVC_OK, SVC_NOT_FOUND, SVC_INVALID, SVC_CONFLICT, SVC_STALE, SVC_ERROR. */
int sp_lab_update(struct db *db, const struct actor *who, int64_t id, const struct record *patch,
                  int64_t if_version, struct arena *a, struct record *out, struct field_error *err);

/* Replaces lab id's accredited scope with items[0..n) (each a known item; an unknown one is
 * SVC_INVALID naming it in field "items"); the lab's version goes up. Audited. SVC_OK,
 * SVC_NOT_FOUND, SVC_INVALID, SVC_STALE, SVC_ERROR. */
int sp_lab_scope_set(struct db *db, const struct actor *who, int64_t id, const char *const *items,
                     int n, int64_t if_version, struct field_error *err);

/* Appends lab id's scope as a JSON array of item codes, in code order. SVC_OK or SVC_ERROR. */
int sp_lab_scope_write_json(struct db *db, int64_t id, struct buf *out);

struct route_table;

/* Routes of the catalogue and the labs (api_catalogue.c). */
extern const struct route_table SP_CATALOGUE_ROUTE_TABLE;

/* Appends the OpenAPI component schemas of those routes (each followed by a comma). */
void sp_catalogue_schemas_write(struct buf *out);

#endif

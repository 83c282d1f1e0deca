/*
 * What a licence can cover: the food categories of food production licences (SC numbers
 * carry the 3-digit code: 101..131, additives 201) and the product units of the industrial
 * product production licence catalogue ("XK06-001"). Seeded from
 * data/licensing-categories.tsv (embedded) into lc_category by lc_seed, which also defines
 * the licensing workflow processes (data/flows/licence-*.json) with the flow engine.
 */
#ifndef JZ_LICENSING_CATALOGUE_H
#define JZ_LICENSING_CATALOGUE_H

#include <stddef.h>

#include "modules/licensing/common.h"

struct db;

/* A category as stored (strings in the caller's arena; name_bo may be NULL). */
struct lc_category {
	const char *code;
	const char *kind; /* "food" or "industrial" */
	const char *name_zh, *name_bo, *name_en;
	int ord;
};

/*
 * Checks the categories file data[0..len): notes ('#' lines) first, the header
 * "code\tkind\tname_zh\tname_bo\tname_en", then rows: a food code of 3 digits (1xx or 2xx),
 * an industrial code "XK" + 2 digits + "-" + 3 digits, kind food|industrial matching the
 * code, names of valid UTF-8 without control characters (zh and en required), no code twice.
 * Returns 0, or -1 with the first problem and its line in why.
 */
int lc_catalogue_check(const char *data, size_t len, char *why, size_t nwhy);

/*
 * The module's seed (registered in src/modules/modules.c): checks and loads the categories
 * (INSERT OR IGNORE: what is in the table belongs to the administrators afterwards), then
 * defines the two processes with flow_define (a new version only when a definition changed).
 * Returns 0 or -1 (logged).
 */
int lc_seed(struct db *db);

/* Reads category code. SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int lc_category_get(struct db *db, const char *code, struct arena *a, struct lc_category *out);

/*
 * Checks a list of category codes for an application or licence of kind: 1..LC_CATEGORIES_MAX
 * codes, each known and of kind, none twice. On SVC_OK *canonical (in a) is the codes sorted
 * and joined by ','; SVC_INVALID with *err naming field ("categories[2]" for the third code,
 * or field itself for the list); SVC_ERROR.
 */
int lc_categories_check(struct db *db, const char *kind, const char *const *codes, int n,
                        const char *field, struct arena *a, const char **canonical,
                        struct field_error *err);

/* Appends the categories as a JSON array of {code, kind, name_zh, name_bo, name_en}, in
 * catalogue order (kind NULL: both kinds). SVC_OK or SVC_ERROR. */
int lc_categories_json(struct db *db, const char *kind, struct buf *out);

#endif

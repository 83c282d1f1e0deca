/*
 * The sampling catalogue and the labs: test items, products with the items tested on each and
 * their limits (seeded from data/sampling-items.tsv and data/sampling-products.tsv, kept by
 * administrators afterwards), and testing laboratories with their accredited scope.
 */
#ifndef JZ_SAMPLING_CATALOGUE_H
#define JZ_SAMPLING_CATALOGUE_H

#include <stdint.h>

#include "modules/sampling/common.h"

/* One item tested on a product, with how it is judged (see judge.h). */
struct sp_product_item {
	const char *item_code; /* sp_test_item.code */
	const char *kind;      /* numeric or qualitative */
	const char *unit;      /* or NULL */
	const char *rule;      /* min, max, range, equals, not_detected */
	const char *lo, *hi;   /* decimal text or NULL */
	const char *expected;  /* equals: the passing value, or NULL */
};

/* A product of the catalogue. */
struct sp_product {
	int64_t id;
	const char *code, *name_zh, *name_bo, *name_en;
	const char
	    *category; /* food, food_related, industrial, consumer, agricultural_input, building */
	const char *industry; /* GB/T 4754 section of its producers */
	const char *risk;     /* high, medium, low */
	const char *standards;
	int nitems;                    /* items tested */
	struct sp_product_item *items; /* in item-code order */
};

/* Reads product id (code NULL) or the product of code (id 0), with its items, into *out (all
 * strings in a). Returns SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int sp_product_get(struct db *db, int64_t id, const char *code, struct arena *a,
                   struct sp_product *out);

/* Seeds the catalogue from the two data files (INSERT OR IGNORE: an administrator's change
 * survives upgrades). Run after every migration. Returns 0, or -1 with a message on stderr. */
int sp_seed(struct db *db);

/* A lab as the sample workflow needs it. */
struct sp_lab_info {
	int64_t id;
	const char *code, *name;
	const char *org_unit;     /* or NULL */
	int32_t accredited_until; /* day number */
};

/* Reads lab id into *out (strings in a). SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int sp_lab_info(struct db *db, int64_t id, struct arena *a, struct sp_lab_info *out);

/* 1 if lab id is accredited for item_code, 0 if not, SVC_ERROR on failure. */
int sp_lab_covers(struct db *db, int64_t lab_id, const char *item_code);

#endif

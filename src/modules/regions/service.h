/*
 * Administrative divisions (GB/T 2260): the reference tree every record is placed in by its
 * region_code. The tree is small and read-mostly, so it is held in memory after loading and
 * shared by all threads; a change (import of another province) replaces it atomically.
 */
#ifndef JZ_REGIONS_SERVICE_H
#define JZ_REGIONS_SERVICE_H

#include <stddef.h>

struct db;

enum region_level {
	REGION_PROVINCE = 1, /* e.g. 540000 */
	REGION_PREFECTURE,   /* e.g. 540100 */
	REGION_COUNTY,       /* e.g. 540102 */
};

struct region {
	int code;                /* six-digit GB/T 2260 code */
	int parent;              /* parent's code, 0 for a province */
	enum region_level level; /* from the code's shape and the reference data */
	const char *name_zh;     /* Chinese name */
	const char *name_en;     /* conventional romanisation */
	const char *name_bo;     /* Tibetan name, or "" where not yet given */
};

/* Fills the region table from the embedded GB/T 2260 data if it is empty. Returns 0 or -1. */
int regions_seed(struct db *db);

/*
 * Loads the tree from the database into memory (after migrations have seeded it). Returns 0
 * or -1. Called once at start and after an import of regions.
 */
int regions_load(struct db *db);

/* The region with this code, or NULL. The pointer stays valid until regions_free. */
const struct region *regions_find(int code);

/* All regions, sorted by code; *n receives the count. */
const struct region *regions_all(size_t *n);

/* Frees the in-memory tree (at shutdown). */
void regions_free(void);

#endif

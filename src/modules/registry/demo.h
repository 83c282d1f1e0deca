/*
 * Demo enterprises for `jinzhi demo`: a deterministic generator of realistic legal entities
 * (companies, individual businesses, farmers' cooperatives) placed in the counties of a region
 * list. Record number i of a population depends only on the seed and i, so a population of any
 * size can be generated in any order, in pieces, or again, with the same result.
 */
#ifndef JZ_REGISTRY_DEMO_H
#define JZ_REGISTRY_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "modules/regions/service.h"
#include "platform/fields.h"

/* 31^8: indexes below this get pairwise distinct credit codes (their organisation codes are a
 * permutation of the index). Larger indexes wrap around. */
#define REGISTRY_DEMO_UNIQUE_MAX 852891037441ULL

/* A demo population: which counties, and the seed. Prepared once, used from one thread. */
struct registry_demo;

/*
 * Prepares a population from the full region list (province, prefectures, counties): the
 * county-level regions are where enterprises are placed (the capital's central district and
 * the prefecture seats more often than remote counties); prefecture and province names go into
 * company names and addresses. The names are copied, so regions may be freed afterwards.
 * Returns NULL when the list holds no county-level region. The caller frees the result with
 * registry_demo_free.
 */
struct registry_demo *registry_demo_new(uint64_t seed, const struct region *regions,
                                        size_t nregions);

/* Frees d; NULL is allowed. */
void registry_demo_free(struct registry_demo *d);

/*
 * Fills r (already record_init'ed with &ENTERPRISE_TYPE) with enterprise number index
 * (0-based) of the population; the values are copied into a. The same seed and index give the
 * same record whatever order indexes are asked in; distinct indexes below
 * REGISTRY_DEMO_UNIQUE_MAX give distinct credit codes. About 1% of the codes carry an
 * organisation code that fails its own GB 11714 check, as some codes in circulation do. The
 * server-set fields (created_at, updated_at, version) and name_bo are left unset. d is only
 * read, never changed.
 */
void registry_demo_enterprise(struct registry_demo *d, struct record *r, struct arena *a,
                              uint64_t index);

#endif

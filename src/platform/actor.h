/*
 * Who is acting and where they may act. Every service call takes an actor; the store narrows
 * every query by the actor's data scope, so a handler that forgets a check cannot leak
 * another jurisdiction's records. The accounts module fills it in from the signed-in
 * account's roles; the command line acts with the whole deployment in scope.
 */
#ifndef JZ_ACTOR_H
#define JZ_ACTOR_H

#define ACTOR_MAX_RANGES 8

struct actor {
	const char *name;        /* user name, "cli:<login>" or "anonymous" */
	const char *org_unit;    /* org unit code, or NULL */
	const char *request_id;  /* for the audit log, or NULL */
	const char *client_addr; /* for the audit log, or NULL */
	int all_regions;         /* scope covers every region */
	int nranges;             /* otherwise: region code ranges in scope */
	int lo[ACTOR_MAX_RANGES], hi[ACTOR_MAX_RANGES]; /* inclusive bounds */
	int own_records;         /* scope also covers records this actor created (by name) */
	const char *entity_code; /* an enterprise account: only this legal entity, else NULL */
};

/* 1 if region code lies in the actor's region scope (ignoring own_records and entity_code,
 * which the stores apply to the records they concern). */
static inline int actor_region_in_scope(const struct actor *a, int code)
{
	if (a->all_regions)
		return 1;
	for (int i = 0; i < a->nranges; i++)
		if (code >= a->lo[i] && code <= a->hi[i])
			return 1;
	return 0;
}

/* The subtree of a GB/T 2260 region code as an inclusive range. A province (PP0000) spans
 * PP0000..PP9999, a prefecture (PPCC00) PPCC00..PPCC99, a county only itself. */
static inline void region_subtree(int region, int *lo, int *hi)
{
	*lo = region;
	*hi = region % 10000 == 0 ? region + 9999 : region % 100 == 0 ? region + 99 : region;
}

/* The actor's region ranges narrowed to the subtree of region (0: everywhere), into lo[] and
 * hi[] (ACTOR_MAX_RANGES each). Returns how many (0: the two do not overlap). */
static inline int actor_scope_ranges(const struct actor *a, int region, int *lo, int *hi)
{
	int flo = 0, fhi = 999999, n = 0;
	if (region)
		region_subtree(region, &flo, &fhi);
	if (a->all_regions) {
		lo[0] = flo;
		hi[0] = fhi;
		return 1;
	}
	for (int i = 0; i < a->nranges && i < ACTOR_MAX_RANGES; i++) {
		int l = flo > a->lo[i] ? flo : a->lo[i];
		int h = fhi < a->hi[i] ? fhi : a->hi[i];
		if (l <= h) {
			lo[n] = l;
			hi[n] = h;
			n++;
		}
	}
	return n;
}

#endif

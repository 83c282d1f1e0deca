/*
 * Demo data for licensing (`jinzhi demo --licensing small|large|none`): licences for a share
 * of the registry's active manufacturers (food producers get food production licences of the
 * category their trade suggests, builders' material and packaging makers industrial product
 * licences), issued over the last six years so that some have expired; a few suspended,
 * revoked or cancelled; post-licence checks year by year with some skipped (overdue) and
 * some "rectify" results. Written in one write transaction with prepared statements and one
 * audit entry. Then (small and large alike) a set of applications at every step of the
 * process, made through the applications service (applications.h) as the enterprise and an
 * officer would, with attachments, so that their cases, deadlines and clock stops are real.
 */
#ifndef JZ_LICENSING_DEMO_H
#define JZ_LICENSING_DEMO_H

#include <stdint.h>

struct db;

enum lc_demo_scale {
	LC_DEMO_SMALL, /* about 300 licences */
	LC_DEMO_LARGE, /* about 100,000 licences (the public verification benchmark) */
};

/* What was written. */
struct lc_demo_report {
	int already; /* 1: licences were there already; nothing was written */
	int64_t licences, food, industrial, expired, suspended, revoked, cancelled, checks, overdue,
	    applications;
};

/*
 * Loads the demo into db (migrated and seeded, regions loaded, demo enterprises there; the
 * attachments directory set with files_set_dir for the applications' files). The same seed
 * and today give the same licences. Does nothing (rep->already = 1) when there are licences
 * already. Returns 0, or -1 with a message on stderr (the licences' transaction is rolled
 * back; applications made before a failure stay).
 */
int lc_demo_load(struct db *db, enum lc_demo_scale scale, uint64_t seed, int32_t today,
                 struct lc_demo_report *rep);

#endif

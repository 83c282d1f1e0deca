/*
 * Demo data for the special-equipment module (`jinzhi demo`): units over every county of the
 * demo registry, used by the demo enterprises, with an inspection history that the inspection
 * rules (rules.h) generate date by date, so that every stored next_due is exactly what the
 * service would have computed; operators and their certificates, accidents, gas-cylinder
 * batches at filling stations and campaigns. Written in bulk (prepared statements, indexes
 * built once at the end, one write transaction) and followed by eq_tally_rebuild in the same
 * transaction, so the tallies equal the rows the moment it commits.
 */
#ifndef JZ_EQUIPMENT_DEMO_H
#define JZ_EQUIPMENT_DEMO_H

#include <stdint.h>

struct db;

enum eq_demo_scale {
	EQ_DEMO_SMALL, /* about 3,000 units: the console, API tests, a laptop */
	EQ_DEMO_LARGE, /* at least 500,000 units and 3,000,000 inspections: the benchmark */
};

/* What to generate. eq_demo_options_init fills in the figures of a scale. */
struct eq_demo_options {
	uint64_t seed;     /* the same seed and today give the same data */
	int32_t today;     /* the day the data is as of (day number; today_china() normally) */
	int64_t units;     /* special-equipment units */
	int64_t operators; /* operators on duty or not, with or without a certificate */
	int64_t accidents; /* accidents over the three years before today */
	int64_t cylinder_batches; /* gas-cylinder batches at filling stations */
};

void eq_demo_options_init(struct eq_demo_options *o, enum eq_demo_scale scale, uint64_t seed,
                          int32_t today);

/* What was written. */
struct eq_demo_report {
	int already;       /* 1: the database had units already; nothing was written */
	int64_t use_units; /* distinct enterprises holding units */
	int64_t counties;  /* distinct counties with units */
	int64_t units, in_use, registered, overdue; /* overdue: in use, next_due before today */
	int64_t inspections, defects;
	int64_t operators, certified;
	int64_t accidents, closed;
	int64_t cylinder_batches, campaigns;
};

/*
 * Loads the demo into db (migrated, regions loaded, demo enterprises already there: units are
 * given to the active enterprises of the registry, in their counties). Does nothing (with
 * rep->already = 1) when there are units, operators, accidents or cylinder batches already,
 * so running the demo again changes nothing.
 * Everything is written in one write transaction, audited by one entry; inside it the
 * tallies are rebuilt from the rows. Returns 0, or -1 with a message on stderr (nothing
 * written). rep may be NULL.
 */
int eq_demo_load(struct db *db, const struct eq_demo_options *o, struct eq_demo_report *rep);

#endif

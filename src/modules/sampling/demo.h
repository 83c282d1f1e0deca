/*
 * Demo data for supervision sampling (`jinzhi demo`): three labs accredited for the whole
 * catalogue, an approved plan per year with tasks per prefecture and product, samples over
 * the last three years at active registry enterprises of the product's industry, item results
 * generated relative to each limit (most pass; about one sample in nine fails an item), final
 * verdicts, objections and re-tests, follow-ups of failures and published announcements.
 * Written in bulk in one write transaction (prepared statements, the sample indexes built
 * once at the end), then the tallies are rebuilt in the same transaction.
 */
#ifndef JZ_SAMPLING_DEMO_H
#define JZ_SAMPLING_DEMO_H

#include <stdint.h>

struct db;

enum sp_demo_scale {
	SP_DEMO_SMALL, /* about 3,000 samples */
	SP_DEMO_LARGE, /* at least 100,000 samples and 1,000,000 item results: the benchmark */
};

/* What was written. */
struct sp_demo_report {
	int already; /* 1: samples were there already; nothing was written */
	int64_t labs, plans, tasks, samples, approved, failed, results, objections, overturned,
	    followups, announcements;
};

/*
 * Loads the demo into db (migrated, catalogue seeded, regions loaded, demo enterprises there).
 * The same seed and today give the same data. Does nothing (rep->already = 1) when there are
 * samples already. Everything is written in one transaction, audited by one entry. Returns
 * 0, or -1 with a message on stderr (nothing written).
 */
int sp_demo_load(struct db *db, enum sp_demo_scale scale, uint64_t seed, int32_t today,
                 struct sp_demo_report *rep);

/* The org units of the demo labs ("540000-LAB1" ...), NULL-terminated: the accounts of their
 * analysts belong there. */
extern const char *const SP_DEMO_LAB_UNITS[];

#endif

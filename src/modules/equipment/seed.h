/*
 * Reference data of the equipment module: the catalogue of categories and the default
 * periodic-inspection rules, compiled into the binary from data/equipment-categories.tsv and
 * data/equipment-rules.tsv.
 */
#ifndef JZ_EQUIPMENT_SEED_H
#define JZ_EQUIPMENT_SEED_H

struct db;

/*
 * Checks both files and adds the categories and rules the database does not have yet, in one
 * write transaction (run after every migration, so a release that adds a category or a rule
 * brings it to existing databases). Rows already there are left as they are: an
 * administrator's edit to a rule survives upgrades. Returns 0, or -1 with a message on stderr
 * (a bad file is a bug of the release: nothing is written).
 */
int eq_seed(struct db *db);

#endif

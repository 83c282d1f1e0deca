/*
 * Numbered schema migrations, owned by the platform and by each module
 * (src/<...>/<module>/migrations/NNNN_name.sql, compiled into the binary). They are applied in
 * module order, then number, each in its own transaction, and recorded in schema_migration;
 * after them each module's seed function loads reference data it owns.
 */
#ifndef JZ_MIGRATE_H
#define JZ_MIGRATE_H

#include <stdint.h>

struct db;

struct migrate_module {
	const char *name;           /* folder name, e.g. "registry" */
	const char *dir;            /* source path of its migrations folder */
	int (*seed)(struct db *db); /* loads reference data after migrations, or NULL */
};

#define MIGRATE_DEFAULT_DEPLOYMENT 540000 /* Xizang: the first users */

/*
 * Brings the database up to date. deployment (0: keep the recorded one, or the default) is the id
 * prefix recorded on first creation (a later different value is an error: ids must never change
 * meaning). Prints what it applies when verbose. Returns 0 or -1 (with a message on stderr).
 */
int migrate_run(struct db *db, int64_t deployment, int verbose);

/* The modules in the order their migrations run (defined in modules.c). */
extern const struct migrate_module MIGRATE_MODULES[];

#endif

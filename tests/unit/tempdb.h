/*
 * A database file in a fresh temporary folder, for unit tests that need a real file (WAL,
 * second connections) rather than ":memory:". Header-only: each test program includes it.
 */
#ifndef JZ_TEST_TEMPDB_H
#define JZ_TEST_TEMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "modules/regions/service.h"
#include "platform/db.h"
#include "platform/migrate.h"

struct tempdb {
	char dir[64];   /* the temporary folder */
	char path[128]; /* the database file inside it */
};

/* Makes /tmp/jz_test_NAME.XXXXXX and names t.db in it. Returns 0 or -1. */
static inline int tempdb_make(struct tempdb *t, const char *name)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/jz_test_%s.XXXXXX", name);
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
	return 0;
}

/* Removes the database, its journals and the folder. */
static inline void tempdb_remove(const struct tempdb *t)
{
	static const char *const SUFFIX[] = {"", "-wal", "-shm", "-journal"};
	char p[sizeof t->path + 16];
	for (size_t i = 0; i < sizeof SUFFIX / sizeof *SUFFIX; i++) {
		snprintf(p, sizeof p, "%s%s", t->path, SUFFIX[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

/* Loads the process-wide region tree from a migrated in-memory database (what suites that
 * check jurisdictions need once, before their tests), after sodium_init. Returns 0 or -1. */
static inline int tempdb_load_regions(void)
{
	if (sodium_init() < 0)
		return -1;
	struct db *db;
	if (db_open(":memory:", DB_OPEN_CREATE, &db) != 0)
		return -1;
	int rc = migrate_run(db, 0, 0) == 0 && regions_load(db) == 0 ? 0 : -1;
	db_close(db);
	return rc;
}

#endif

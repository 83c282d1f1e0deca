/*
 * A database file in a fresh temporary folder, for unit tests that need a real file (WAL,
 * second connections) rather than ":memory:". Header-only: each test program includes it.
 */
#ifndef JZ_TEST_TEMPDB_H
#define JZ_TEST_TEMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

#endif

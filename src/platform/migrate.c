/*
 * Applies embedded migrations (see migrate.h).
 */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "embed.h"
#include "fields.h"

const struct embedded_file *embed_find(const char *path)
{
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

static int cmp_path(const void *a, const void *b)
{
	const struct embedded_file *x = *(const struct embedded_file *const *)a;
	const struct embedded_file *y = *(const struct embedded_file *const *)b;
	return strcmp(x->path, y->path);
}

static int applied(struct db *db, const char *module, int version)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT 1 FROM schema_migration WHERE module = ? AND version = ?");
	db_bind_cstr(st, 1, module);
	db_bind_int64(st, 2, version);
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_ROW;
}

static int apply_module(struct db *db, const struct migrate_module *m, int verbose)
{
	const struct embedded_file *list[256];
	size_t n = 0, dlen = strlen(m->dir);
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (strncmp(f->path, m->dir, dlen) == 0 && f->path[dlen] == '/' &&
		    strstr(f->path, ".sql") && n < 256)
			list[n++] = f;
	qsort(list, n, sizeof list[0], cmp_path);
	for (size_t i = 0; i < n; i++) {
		const char *base = list[i]->path + dlen + 1;
		int64_t version = 0;
		if (field_int_parse(base, strspn(base, "0123456789"), 1, 9999, &version) != 0) {
			fprintf(stderr, "jinzhi: migration %s has no number\n", list[i]->path);
			return -1;
		}
		if (applied(db, m->name, (int)version))
			continue;
		if (db_begin_write(db) != 0)
			return -1;
		if (db_exec(db, list[i]->data) != 0) {
			fprintf(stderr, "jinzhi: migration %s failed\n", list[i]->path);
			db_rollback(db);
			return -1;
		}
		struct db_stmt *st = db_prepare(
		    db, "INSERT INTO schema_migration (module, version, name, applied_at) "
		        "VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
		db_bind_cstr(st, 1, m->name);
		db_bind_int64(st, 2, version);
		db_bind_cstr(st, 3, base);
		int rc = db_step(st);
		db_reset(st);
		if (rc < 0 || db_commit(db) != 0) {
			db_rollback(db);
			return -1;
		}
		if (verbose)
			fprintf(stderr, "jinzhi: applied %s\n", list[i]->path);
	}
	return 0;
}

int migrate_run(struct db *db, int64_t deployment, int verbose)
{
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migration ("
	                "module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
	                "applied_at TEXT NOT NULL, PRIMARY KEY (module, version))") != 0)
		return -1;
	for (const struct migrate_module *m = MIGRATE_MODULES; m->name; m++) {
		if (apply_module(db, m, verbose) != 0)
			return -1;
		if (strcmp(m->name, "platform") != 0)
			continue;
		/* The deployment is fixed by the first migration and never changes after. */
		if (db_begin_write(db) != 0)
			return -1;
		struct db_stmt *st = db_prepare(db, "SELECT deployment FROM id_sequence");
		int rc = db_step(st);
		int64_t have = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		db_reset(st);
		if (rc == DB_DONE) {
			st = db_prepare(
			    db, "INSERT INTO id_sequence (deployment, next_local) VALUES (?, 1)");
			db_bind_int64(st, 1, deployment ? deployment : MIGRATE_DEFAULT_DEPLOYMENT);
			rc = db_step(st);
			db_reset(st);
		} else if (rc == DB_ROW && deployment != 0 && have != deployment) {
			fprintf(stderr,
			        "jinzhi: this database belongs to deployment %lld, not %lld; "
			        "ids cannot change meaning\n",
			        (long long)have, (long long)deployment);
			db_rollback(db);
			return -1;
		}
		if (rc < 0 || db_commit(db) != 0) {
			db_rollback(db);
			return -1;
		}
	}
	for (const struct migrate_module *m = MIGRATE_MODULES; m->name; m++)
		if (m->seed && m->seed(db) != 0) {
			fprintf(stderr, "jinzhi: loading reference data of %s failed\n", m->name);
			return -1;
		}
	return 0;
}

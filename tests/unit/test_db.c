/*
 * Unit tests of the store interface on SQLite (src/platform/db_sqlite.c) and of migrations
 * (src/platform/migrate.c), each on a fresh database file in a temporary folder: connection
 * settings, the statement cache, binding and columns, constraint errors, transactions, the
 * migrated schema and deployment, and row ids that stay unique across connections and
 * rolled-back transactions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tempdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/db.h"
#include "platform/migrate.h"

#define IDS_PER_ROUND 700 /* ids taken per transaction when crossing blocks */

struct fx {
	struct tempdb tmp; /* its database file */
	struct db *db;     /* first connection */
};

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	if (tempdb_make(&x->tmp, "db") != 0)
		return -1;
	if (db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0)
		return -1;
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	db_close(x->db);
	tempdb_remove(&x->tmp);
	free(x);
	return 0;
}

static struct db *open_second(struct fx *x)
{
	struct db *db2;
	assert_int_equal(db_open(x->tmp.path, 0, &db2), 0);
	return db2;
}

/* The integer result of a one-value query. */
static int64_t query_int(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t v = db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

static void test_open_settings(void **state)
{
	struct fx *x = *state;
	struct db_stmt *st = db_prepare(x->db, "PRAGMA journal_mode");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0, NULL), "wal");
	db_reset(st);
	st = db_prepare(x->db, "PRAGMA foreign_keys");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	db_reset(st);
	st = db_prepare(x->db, "PRAGMA synchronous");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 2);
	db_reset(st);
	/* A busy timeout is set, so concurrent writers wait instead of failing at once. */
	st = db_prepare(x->db, "PRAGMA busy_timeout");
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_int64(st, 0) > 0);
	db_reset(st);
}

static void test_open_settings_second_connection(void **state)
{
	struct fx *x = *state;
	struct db *db2 = open_second(x);
	assert_int_equal(query_int(db2, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(db2, "PRAGMA synchronous"), 2);
	db_close(db2);
}

static void test_open_missing_without_create(void **state)
{
	struct fx *x = *state;
	char p[160];
	snprintf(p, sizeof p, "%s/missing.db", x->tmp.dir);
	struct db *db2 = (struct db *)0x1;
	assert_int_equal(db_open(p, 0, &db2), -1);
	assert_ptr_equal(db2, (struct db *)0x1); /* *out untouched on failure */
	assert_int_equal(access(p, F_OK), -1);
}

static void test_open_readonly(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_exec(x->db, "CREATE TABLE t (a)"), 0);
	struct db *ro;
	assert_int_equal(db_open(x->tmp.path, DB_OPEN_READONLY, &ro), 0);
	assert_int_equal(query_int(ro, "SELECT count(*) FROM t"), 0);
	assert_true(db_exec(ro, "INSERT INTO t VALUES (1)") < 0);
	db_close(ro);
}

static void test_close_null(void **state)
{
	(void)state;
	db_close(NULL);
	db_finalize(NULL);
}

static const char SQL_ONE[] = "SELECT 1";

static void test_stmt_cache_same_pointer(void **state)
{
	struct fx *x = *state;
	struct db_stmt *a = db_prepare(x->db, SQL_ONE);
	assert_non_null(a);
	struct db_stmt *b = db_prepare(x->db, SQL_ONE);
	assert_ptr_equal(a, b);
	/* Keyed by address: equal text elsewhere is another statement. */
	char copy[sizeof SQL_ONE];
	memcpy(copy, SQL_ONE, sizeof copy);
	struct db_stmt *c = db_prepare(x->db, copy);
	assert_non_null(c);
	assert_ptr_not_equal(a, c);
	/* Each connection has its own cache. */
	struct db *db2 = open_second(x);
	struct db_stmt *d = db_prepare(db2, SQL_ONE);
	assert_non_null(d);
	assert_ptr_not_equal(a, d);
	db_close(db2);
}

/* The cached statement comes back reset and without bindings. */
static void test_stmt_cache_returns_reset(void **state)
{
	struct fx *x = *state;
	static const char sql[] = "SELECT ?1 IS NULL";
	struct db_stmt *st = db_prepare(x->db, sql);
	db_bind_int64(st, 1, 5);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_reset(st);
	st = db_prepare(x->db, sql);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	db_reset(st);
}

static void test_prepare_syntax_error(void **state)
{
	struct fx *x = *state;
	static const char bad_sql[] = "SELEKT 1";
	assert_null(db_prepare(x->db, bad_sql));
	assert_null(db_prepare_once(x->db, "SELECT * FROM no_such_table"));
	/* A failed prepare is not cached as a hit. */
	assert_null(db_prepare(x->db, bad_sql));
}

static void test_bind_step_columns(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_exec(x->db, "CREATE TABLE t (a INTEGER, b TEXT, c TEXT, d)"), 0);
	static const char ins[] = "INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?)";
	struct db_stmt *st = db_prepare(x->db, ins);
	db_bind_int64(st, 1, INT64_MAX);
	db_bind_text(st, 2, "hello world", 5);
	db_bind_cstr(st, 3, "拉萨 ལྷ་ས་");
	db_bind_null(st, 4);
	assert_int_equal(db_step(st), DB_DONE);
	assert_int_equal(db_changes(x->db), 1);
	db_reset(st);
	st = db_prepare(x->db, ins);
	db_bind_int64(st, 1, -7);
	db_bind_text(st, 2, "a\0b", 3);
	db_bind_cstr(st, 3, NULL);
	db_bind_int64(st, 4, 0);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);

	static const char sel[] = "SELECT a, b, c, d FROM t ORDER BY rowid";
	st = db_prepare(x->db, sel);
	assert_int_equal(db_col_count(st), 4);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), INT64_MAX);
	size_t n = 99;
	assert_string_equal(db_col_text(st, 1, &n), "hello");
	assert_int_equal(n, 5);
	assert_string_equal(db_col_text(st, 2, &n), "拉萨 ལྷ་ས་");
	assert_int_equal(n, strlen("拉萨 ལྷ་ས་"));
	assert_true(db_col_is_null(st, 3));
	assert_false(db_col_is_null(st, 0));
	assert_string_equal(db_col_text(st, 3, &n), "");
	assert_int_equal(n, 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), -7);
	const char *b = db_col_text(st, 1, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(b, "a\0b", 3);
	assert_true(db_col_is_null(st, 2));
	assert_false(db_col_is_null(st, 3));
	assert_int_equal(db_col_int64(st, 3), 0);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
}

static void test_reset_clears_bindings(void **state)
{
	struct fx *x = *state;
	static const char sql[] = "SELECT ?";
	struct db_stmt *st = db_prepare(x->db, sql);
	db_bind_int64(st, 1, 42);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 42);
	db_reset(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_is_null(st, 0));
	db_reset(st);
}

static void test_constraint_violations(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_exec(x->db,
	                         "CREATE TABLE p (id INTEGER PRIMARY KEY);"
	                         "CREATE TABLE c (k TEXT UNIQUE NOT NULL, n INTEGER CHECK (n > 0),"
	                         " p INTEGER REFERENCES p (id));"
	                         "INSERT INTO p VALUES (1);"),
	                 0);
	static const char ins[] = "INSERT INTO c (k, n, p) VALUES (?, ?, ?)";
	struct db_stmt *st = db_prepare(x->db, ins);
	db_bind_cstr(st, 1, "a");
	db_bind_int64(st, 2, 1);
	db_bind_int64(st, 3, 1);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	/* UNIQUE */
	db_bind_cstr(st, 1, "a");
	db_bind_int64(st, 2, 1);
	assert_int_equal(db_step(st), DB_CONSTRAINT);
	db_reset(st);
	/* CHECK */
	db_bind_cstr(st, 1, "b");
	db_bind_int64(st, 2, 0);
	assert_int_equal(db_step(st), DB_CONSTRAINT);
	db_reset(st);
	/* NOT NULL */
	db_bind_null(st, 1);
	db_bind_int64(st, 2, 1);
	assert_int_equal(db_step(st), DB_CONSTRAINT);
	db_reset(st);
	/* FOREIGN KEY (on, because db_open enables it) */
	db_bind_cstr(st, 1, "c");
	db_bind_int64(st, 2, 1);
	db_bind_int64(st, 3, 99);
	assert_int_equal(db_step(st), DB_CONSTRAINT);
	db_reset(st);
	/* The statement is usable after a failure. */
	db_bind_cstr(st, 1, "d");
	db_bind_int64(st, 2, 2);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	assert_int_equal(query_int(x->db, "SELECT count(*) FROM c"), 2);
	/* db_exec maps the same way. */
	assert_int_equal(db_exec(x->db, "INSERT INTO c (k, n) VALUES ('a', 1)"), DB_CONSTRAINT);
	assert_int_equal(db_exec(x->db, "NOT SQL AT ALL"), DB_ERROR);
}

static void test_transaction_commit(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_exec(x->db, "CREATE TABLE t (a)"), 0);
	struct db *db2 = open_second(x);
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(db_exec(x->db, "INSERT INTO t VALUES (1)"), 0);
	/* Not yet visible to another connection. */
	assert_int_equal(query_int(db2, "SELECT count(*) FROM t"), 0);
	assert_int_equal(db_commit(x->db), 0);
	assert_int_equal(query_int(db2, "SELECT count(*) FROM t"), 1);
	db_close(db2);
}

static void test_transaction_rollback(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_exec(x->db, "CREATE TABLE t (a)"), 0);
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(db_exec(x->db, "INSERT INTO t VALUES (1)"), 0);
	assert_int_equal(query_int(x->db, "SELECT count(*) FROM t"), 1);
	assert_int_equal(db_rollback(x->db), 0);
	assert_int_equal(query_int(x->db, "SELECT count(*) FROM t"), 0);
}

static void test_transaction_read(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_exec(x->db, "CREATE TABLE t (a); INSERT INTO t VALUES (1)"), 0);
	struct db *db2 = open_second(x);
	assert_int_equal(db_begin_read(db2), 0);
	assert_int_equal(query_int(db2, "SELECT count(*) FROM t"), 1);
	/* A snapshot: a write committed meanwhile is not seen until the read ends. */
	assert_int_equal(db_exec(x->db, "INSERT INTO t VALUES (2)"), 0);
	assert_int_equal(query_int(db2, "SELECT count(*) FROM t"), 1);
	assert_int_equal(db_commit(db2), 0);
	assert_int_equal(query_int(db2, "SELECT count(*) FROM t"), 2);
	db_close(db2);
}

static void test_nested_begin_fails(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_begin_write(x->db), 0);
	assert_true(db_begin_write(x->db) < 0);
	assert_int_equal(db_rollback(x->db), 0);
	assert_true(db_commit(x->db) < 0); /* nothing to commit */
}

static int table_exists(struct db *db, const char *name)
{
	static const char sql[] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	                          "name = ?";
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_cstr(st, 1, name);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_reset(st);
	return n == 1;
}

static void test_migrate_creates_tables(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	const char *tables[] = {"schema_migration", "meta",   "id_sequence",
	                        "audit_log",        "region", "enterprise"};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (!table_exists(x->db, tables[i]))
			fail_msg("table %s missing after migrate_run", tables[i]);
	/* Every module's migrations are recorded. */
	for (const struct migrate_module *m = MIGRATE_MODULES; m->name; m++) {
		static const char sql[] = "SELECT count(*) FROM schema_migration WHERE module = ?";
		struct db_stmt *st = db_prepare(x->db, sql);
		db_bind_cstr(st, 1, m->name);
		assert_int_equal(db_step(st), DB_ROW);
		assert_true(db_col_int64(st, 0) >= 1);
		db_reset(st);
	}
	assert_int_equal(query_int(x->db, "SELECT count(*) FROM region"), 82);
	/* The seeded reference data satisfies the foreign keys. */
	struct db_stmt *st = db_prepare_once(x->db, "PRAGMA foreign_key_check");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
}

static void test_migrate_idempotent(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	int64_t nmig = query_int(x->db, "SELECT count(*) FROM schema_migration");
	int64_t nreg = query_int(x->db, "SELECT count(*) FROM region");
	int64_t nseq = query_int(x->db, "SELECT count(*) FROM id_sequence");
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	assert_int_equal(migrate_run(x->db, 0, 1), 0);
	assert_int_equal(query_int(x->db, "SELECT count(*) FROM schema_migration"), nmig);
	assert_int_equal(query_int(x->db, "SELECT count(*) FROM region"), nreg);
	assert_int_equal(query_int(x->db, "SELECT count(*) FROM id_sequence"), 1);
	assert_int_equal(nseq, 1);
	/* From another connection too. */
	struct db *db2 = open_second(x);
	assert_int_equal(migrate_run(db2, 0, 0), 0);
	assert_int_equal(query_int(db2, "SELECT count(*) FROM schema_migration"), nmig);
	db_close(db2);
}

static void test_migrate_default_deployment(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	assert_int_equal(query_int(x->db, "SELECT deployment FROM id_sequence"),
	                 MIGRATE_DEFAULT_DEPLOYMENT);
	/* The same explicit deployment is accepted later. */
	assert_int_equal(migrate_run(x->db, MIGRATE_DEFAULT_DEPLOYMENT, 0), 0);
}

static void test_migrate_explicit_deployment(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 110000, 0), 0);
	assert_int_equal(query_int(x->db, "SELECT deployment FROM id_sequence"), 110000);
	assert_int_equal(migrate_run(x->db, 110000, 0), 0);
	assert_int_equal(migrate_run(x->db, 0, 0), 0); /* 0 keeps the recorded one */
	assert_int_equal(query_int(x->db, "SELECT deployment FROM id_sequence"), 110000);
}

static void test_migrate_different_deployment_refused(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 540000, 0), 0);
	assert_int_equal(migrate_run(x->db, 110000, 0), -1);
	assert_int_equal(query_int(x->db, "SELECT deployment FROM id_sequence"), 540000);
	/* The refusal left no transaction open. */
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(db_commit(x->db), 0);
}

static void test_migrate_deployment_out_of_range(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 9223372 /* above the CHECK */, 0), -1);
	assert_int_equal(db_begin_write(x->db), 0); /* no transaction left open */
	assert_int_equal(db_rollback(x->db), 0);
}

static void test_id_format(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	/* A fresh connection (the migrating one holds what is left of the block its seeds drew
	 * from) is given the next block; its ids follow one another. */
	struct db *b = open_second(x);
	int64_t used = query_int(b, "SELECT next_local FROM id_sequence"), id, id2;
	assert_int_equal(db_begin_write(b), 0);
	assert_int_equal(db_id_next(b, &id), 0);
	assert_int_equal(db_id_next(b, &id2), 0);
	assert_int_equal(id / DB_ID_LOCAL_SPAN, 540000);
	assert_int_equal(id, 540000 * DB_ID_LOCAL_SPAN + used);
	assert_int_equal(id2, id + 1);
	assert_int_equal(db_commit(b), 0);
	db_close(b);
}

static void test_id_format_explicit_deployment(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 542500, 0), 0);
	assert_int_equal(db_begin_write(x->db), 0);
	int64_t id;
	assert_int_equal(db_id_next(x->db, &id), 0);
	assert_int_equal(id / DB_ID_LOCAL_SPAN, 542500);
	assert_true(id % DB_ID_LOCAL_SPAN >= 1);
	assert_int_equal(db_commit(x->db), 0);
}

static void test_id_increasing(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	int64_t prev = 0;
	for (int round = 0; round < 5; round++) {
		assert_int_equal(db_begin_write(x->db), 0);
		for (int i = 0; i < IDS_PER_ROUND; i++) {
			int64_t id;
			assert_int_equal(db_id_next(x->db, &id), 0);
			assert_true(id > prev);
			assert_int_equal(id / DB_ID_LOCAL_SPAN, 540000);
			prev = id;
		}
		assert_int_equal(db_commit(x->db), 0);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void assert_unique(int64_t *ids, size_t n)
{
	qsort(ids, n, sizeof *ids, cmp_i64);
	for (size_t i = 1; i < n; i++)
		if (ids[i] == ids[i - 1])
			fail_msg("id %lld handed out twice", (long long)ids[i]);
}

/* Two connections taking ids in alternating write transactions never collide. */
static void test_id_unique_two_connections(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	struct db *db2 = open_second(x);
	struct db *dbs[2] = {x->db, db2};
	size_t cap = 2 * 8 * IDS_PER_ROUND, n = 0;
	int64_t *ids = malloc(cap * sizeof *ids);
	for (int round = 0; round < 8; round++)
		for (int c = 0; c < 2; c++) {
			assert_int_equal(db_begin_write(dbs[c]), 0);
			for (int i = 0; i < IDS_PER_ROUND; i++)
				assert_int_equal(db_id_next(dbs[c], &ids[n++]), 0);
			assert_int_equal(db_commit(dbs[c]), 0);
		}
	assert_unique(ids, n);
	free(ids);
	db_close(db2);
}

/* Ids used as keys of committed rows: the table's PRIMARY KEY proves there is no collision. */
static void insert_with_id(struct db *db, int64_t id)
{
	static const char sql[] = "INSERT INTO ids (id) VALUES (?)";
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		fail_msg("id %lld collides with a committed row", (long long)id);
}

/*
 * A rolled-back transaction that reserved a block forgets it: the database's sequence was
 * rolled back too, so another connection will be given the same block, and the first must
 * not hand those ids out again.
 */
static void test_id_rollback_forgets_block(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	assert_int_equal(db_exec(x->db, "CREATE TABLE ids (id INTEGER PRIMARY KEY)"), 0);
	/* Two fresh connections: the migrating one may still hold the block its seeds drew from. */
	struct db *a = open_second(x), *b = open_second(x);
	int64_t ia, ib, ia2;

	assert_int_equal(db_begin_write(a), 0);
	assert_int_equal(db_id_next(a, &ia), 0);
	assert_int_equal(db_rollback(a), 0);

	assert_int_equal(db_begin_write(b), 0);
	assert_int_equal(db_id_next(b, &ib), 0);
	insert_with_id(b, ib);
	assert_int_equal(db_commit(b), 0);
	assert_int_equal(ib, ia); /* the block came round again, to b */

	assert_int_equal(db_begin_write(a), 0);
	for (int i = 0; i < 1500; i++) {
		assert_int_equal(db_id_next(a, &ia2), 0);
		assert_int_not_equal(ia2, ib);
		insert_with_id(a, ia2);
	}
	assert_int_equal(db_commit(a), 0);
	db_close(a);
	db_close(b);
}

/* A block reserved mid-transaction (the old one ran out) is forgotten on rollback too. */
static void test_id_rollback_after_block_boundary(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	assert_int_equal(db_exec(x->db, "CREATE TABLE ids (id INTEGER PRIMARY KEY)"), 0);
	struct db *a = x->db, *b = open_second(x);
	int64_t id;
	/* a: a committed block, partly used. */
	assert_int_equal(db_begin_write(a), 0);
	for (int i = 0; i < 600; i++) {
		assert_int_equal(db_id_next(a, &id), 0);
		insert_with_id(a, id);
	}
	assert_int_equal(db_commit(a), 0);
	/* a: runs past the end of that block into a new one, then rolls back. */
	assert_int_equal(db_begin_write(a), 0);
	for (int i = 0; i < 600; i++)
		assert_int_equal(db_id_next(a, &id), 0);
	assert_int_equal(db_rollback(a), 0);
	/* b: takes the block a gave back. */
	assert_int_equal(db_begin_write(b), 0);
	for (int i = 0; i < 1200; i++) {
		assert_int_equal(db_id_next(b, &id), 0);
		insert_with_id(b, id);
	}
	assert_int_equal(db_commit(b), 0);
	/* a again, many ids: none may collide with b's. */
	assert_int_equal(db_begin_write(a), 0);
	for (int i = 0; i < 2500; i++) {
		assert_int_equal(db_id_next(a, &id), 0);
		insert_with_id(a, id);
	}
	assert_int_equal(db_commit(a), 0);
	/* Interleave once more, with rollbacks on both sides. */
	for (int round = 0; round < 6; round++) {
		struct db *c = round % 2 ? a : b;
		assert_int_equal(db_begin_write(c), 0);
		for (int i = 0; i < 450; i++) {
			assert_int_equal(db_id_next(c, &id), 0);
			insert_with_id(c, id);
		}
		if (round % 3 == 2)
			assert_int_equal(db_rollback(c), 0);
		else
			assert_int_equal(db_commit(c), 0);
	}
	db_close(b);
}

/* A rollback of a transaction that only used an already committed block keeps the rest. */
static void test_id_rollback_keeps_committed_block(void **state)
{
	struct fx *x = *state;
	assert_int_equal(migrate_run(x->db, 0, 0), 0);
	int64_t first, second, third;
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(db_id_next(x->db, &first), 0);
	assert_int_equal(db_commit(x->db), 0);
	int64_t seq = query_int(x->db, "SELECT next_local FROM id_sequence");
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(db_id_next(x->db, &second), 0);
	assert_int_equal(db_rollback(x->db), 0);
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(db_id_next(x->db, &third), 0);
	assert_int_equal(db_commit(x->db), 0);
	assert_true(second > first);
	assert_true(third > first);
	/* No new block was reserved for these. */
	assert_int_equal(query_int(x->db, "SELECT next_local FROM id_sequence"), seq);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_open_settings),
	    T(test_open_settings_second_connection),
	    T(test_open_missing_without_create),
	    T(test_open_readonly),
	    T(test_close_null),
	    T(test_stmt_cache_same_pointer),
	    T(test_stmt_cache_returns_reset),
	    T(test_prepare_syntax_error),
	    T(test_bind_step_columns),
	    T(test_reset_clears_bindings),
	    T(test_constraint_violations),
	    T(test_transaction_commit),
	    T(test_transaction_rollback),
	    T(test_transaction_read),
	    T(test_nested_begin_fails),
	    T(test_migrate_creates_tables),
	    T(test_migrate_idempotent),
	    T(test_migrate_default_deployment),
	    T(test_migrate_explicit_deployment),
	    T(test_migrate_different_deployment_refused),
	    T(test_migrate_deployment_out_of_range),
	    T(test_id_format),
	    T(test_id_format_explicit_deployment),
	    T(test_id_increasing),
	    T(test_id_unique_two_connections),
	    T(test_id_rollback_forgets_block),
	    T(test_id_rollback_after_block_boundary),
	    T(test_id_rollback_keeps_committed_block),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The SQLite driver of the store interface (db.h): one connection per thread, WAL,
 * synchronous=FULL (these are legal records), a busy timeout, foreign keys, and a cache of
 * prepared statements keyed by the address of their SQL text.
 */
#include "db.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define DB_BUSY_TIMEOUT_MS 5000
#define DB_STMT_CACHE      1024 /* slots in the statement cache (power of two) */
#define DB_ID_BLOCK        1000 /* ids reserved at a time */

struct db_stmt {
	sqlite3_stmt *st; /* the prepared statement */
	struct db *db;    /* its connection */
};

struct db {
	sqlite3 *h;                               /* the connection */
	const char *cache_key[DB_STMT_CACHE];     /* SQL text addresses */
	struct db_stmt *cache_val[DB_STMT_CACHE]; /* their statements */
	int in_write;                             /* inside db_begin_write */
	int64_t id_next, id_end;                  /* reserved block [next, end) */
	int block_fresh;                          /* block reserved in the current transaction */
	_Alignas(16) unsigned char scratch[DB_TX_SCRATCH]; /* see db_tx_scratch */
};

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
	case SQLITE_OK:
		return DB_DONE;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	default:
		return DB_ERROR;
	}
}

void db_global_init(void)
{
	/* Memory statistics take a global mutex on every allocation; we never read them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

int db_open(const char *path, int flags, struct db **out)
{
	sqlite3 *h = NULL;
	int oflags = SQLITE_OPEN_NOMUTEX;
	oflags |= (flags & DB_OPEN_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & DB_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &h, oflags, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "jinzhi: cannot open database %s: %s\n", path,
		        h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return -1;
	}
	sqlite3_busy_timeout(h, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(h, 1);
	const char *pragmas = (flags & DB_OPEN_READONLY)
	                          ? "PRAGMA foreign_keys=ON;"
	                          : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                            "PRAGMA foreign_keys=ON;";
	char *err = NULL;
	if (sqlite3_exec(h, pragmas, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "jinzhi: cannot configure database %s: %s\n", path, err);
		sqlite3_free(err);
		sqlite3_close(h);
		return -1;
	}
	sqlite3_exec(h,
	             (flags & DB_OPEN_BULK)
	                 ? "PRAGMA cache_size=-262144; PRAGMA threads=2; PRAGMA temp_store=MEMORY;"
	                 : "PRAGMA cache_size=-16384;",
	             NULL, NULL, NULL);
	struct db *db = xcalloc(1, sizeof *db);
	db->h = h;
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < DB_STMT_CACHE; i++)
		if (db->cache_val[i]) {
			sqlite3_finalize(db->cache_val[i]->st);
			free(db->cache_val[i]);
		}
	sqlite3_close(db->h);
	free(db);
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

int db_exec(struct db *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "jinzhi: sql error: %s\n", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
	}
	return map_rc(rc);
}

struct db_stmt *db_prepare_once(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "jinzhi: cannot prepare [%s]: %s\n", sql, sqlite3_errmsg(db->h));
		return NULL;
	}
	struct db_stmt *s = xmalloc(sizeof *s);
	s->st = st;
	s->db = db;
	return s;
}

void db_finalize(struct db_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->st);
	free(st);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	size_t slot = (size_t)(h >> 32) & (DB_STMT_CACHE - 1);
	for (size_t probe = 0; probe < DB_STMT_CACHE; probe++) {
		size_t k = (slot + probe) & (DB_STMT_CACHE - 1);
		if (db->cache_key[k] == sql) {
			return db->cache_val[k];
		}
		if (db->cache_key[k] == NULL) {
			struct db_stmt *st = db_prepare_once(db, sql);
			if (st == NULL)
				return NULL;
			db->cache_key[k] = sql;
			db->cache_val[k] = st;
			return st;
		}
	}
	/* A full cache means more distinct SQL texts than any module has: a bug. */
	fprintf(stderr, "jinzhi: statement cache full\n");
	return NULL;
}

void db_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	sqlite3_bind_text(st->st, i, s, (int)n, SQLITE_TRANSIENT);
}

void db_bind_cstr(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st->st, i);
	else
		sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT);
}

void db_bind_cstr_static(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st->st, i);
	else
		sqlite3_bind_text(st->st, i, s, -1, SQLITE_STATIC);
}

void db_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st->st, i, v);
}

void db_bind_null(struct db_stmt *st, int i)
{
	sqlite3_bind_null(st->st, i);
}

int db_step(struct db_stmt *st)
{
	int rc = sqlite3_step(st->st);
	int r = map_rc(rc);
	if (r < 0 && r != DB_CONSTRAINT)
		fprintf(stderr, "jinzhi: sql step failed: %s\n", sqlite3_errmsg(st->db->h));
	return r;
}

void db_reset(struct db_stmt *st)
{
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

int db_col_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

int64_t db_col_int64(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

const char *db_col_text(struct db_stmt *st, int i, size_t *n)
{
	const unsigned char *s = sqlite3_column_text(st->st, i);
	if (n)
		*n = (size_t)sqlite3_column_bytes(st->st, i);
	return s ? (const char *)s : "";
}

int db_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(st->st);
}

static int simple(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	if (st == NULL)
		return DB_ERROR;
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int db_begin_read(struct db *db)
{
	return simple(db, "BEGIN DEFERRED");
}

int db_begin_write(struct db *db)
{
	memset(db->scratch, 0, sizeof db->scratch);
	int rc = simple(db, "BEGIN IMMEDIATE");
	if (rc == 0) {
		db->in_write = 1;
		db->block_fresh = 0;
	}
	return rc;
}

int db_commit(struct db *db)
{
	memset(db->scratch, 0, sizeof db->scratch);
	int rc = simple(db, "COMMIT");
	if (rc != 0 && db->in_write && db->block_fresh)
		db->id_next = db->id_end = 0;
	db->in_write = 0;
	return rc;
}

int db_rollback(struct db *db)
{
	memset(db->scratch, 0, sizeof db->scratch);
	int rc = simple(db, "ROLLBACK");
	/* A block reserved in this transaction was never recorded: forget it. */
	if (db->block_fresh)
		db->id_next = db->id_end = 0;
	db->in_write = 0;
	db->block_fresh = 0;
	return rc;
}

int64_t db_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

int db_id_next(struct db *db, int64_t *id)
{
	if (db->id_next == db->id_end) {
		struct db_stmt *st =
		    db_prepare(db, "UPDATE id_sequence SET next_local = next_local + ? "
		                   "RETURNING deployment, next_local - ?");
		if (st == NULL)
			return DB_ERROR;
		db_bind_int64(st, 1, DB_ID_BLOCK);
		db_bind_int64(st, 2, DB_ID_BLOCK);
		int rc = db_step(st);
		if (rc != DB_ROW) {
			db_reset(st);
			return rc < 0 ? rc : DB_ERROR;
		}
		int64_t deployment = db_col_int64(st, 0), local = db_col_int64(st, 1);
		db_step(st);
		db_reset(st);
		if (local + DB_ID_BLOCK > DB_ID_LOCAL_SPAN)
			return DB_ERROR;
		db->id_next = deployment * DB_ID_LOCAL_SPAN + local;
		db->id_end = db->id_next + DB_ID_BLOCK;
		db->block_fresh = 1;
	}
	*id = db->id_next++;
	return 0;
}

int db_backup(struct db *db, const char *path)
{
	/* VACUUM INTO reads one snapshot and writes a compact, self-contained file. */
	struct db_stmt *st = db_prepare_once(db, "VACUUM INTO ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, path);
	int rc = db_step(st);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

char *db_indexes_suspend(struct db *db, const char *table, const char *const *which)
{
	struct db_stmt *st = db_prepare_once(
	    db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
	        "AND sql IS NOT NULL");
	if (st == NULL)
		return NULL;
	db_bind_cstr(st, 1, table);
	struct buf saved = {0}, names = {0};
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *iname = db_col_text(st, 0, NULL);
		int wanted = 0;
		for (const char *const *w = which; *w && !wanted; w++)
			wanted = strcmp(*w, iname) == 0;
		if (!wanted)
			continue;
		size_t n;
		const char *name = db_col_text(st, 0, &n);
		buf_append(&names, name, n + 1);
		const char *sql = db_col_text(st, 1, &n);
		buf_append(&saved, sql, n + 1);
	}
	db_finalize(st);
	for (size_t off = 0; rc == DB_DONE && off < names.len;
	     off += strlen(names.data + off) + 1) {
		/* Index names come from the schema, not from users; quote them anyway. */
		char *q = sqlite3_mprintf("DROP INDEX \"%w\"", names.data + off);
		rc = db_exec(db, q);
		sqlite3_free(q);
	}
	buf_free(&names);
	if (rc != DB_DONE || saved.len == 0) {
		buf_free(&saved);
		return NULL;
	}
	buf_putc(&saved, '\0'); /* an empty string ends the list */
	return buf_steal(&saved, NULL);
}

int db_indexes_restore(struct db *db, char *saved)
{
	int rc = 0;
	for (const char *sql = saved; saved && *sql && rc == 0; sql += strlen(sql) + 1)
		rc = db_exec(db, sql);
	free(saved);
	return rc;
}

void *db_tx_scratch(struct db *db)
{
	return db->scratch;
}

int db_bulk_journal(struct db *db, int on)
{
	/* journal_mode answers with the mode in force after the request. */
	struct db_stmt *st =
	    db_prepare_once(db, on ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL");
	if (st == NULL)
		return 0;
	int rc = db_step(st);
	int rollback = rc == DB_ROW && strcmp(db_col_text(st, 0, NULL), "delete") == 0;
	db_finalize(st);
	return rollback;
}

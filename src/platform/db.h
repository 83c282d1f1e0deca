/*
 * The store interface. Modules write portable SQL with `?` parameters and use only these
 * calls; the driver behind them is SQLite today (db_sqlite.c). A PostgreSQL driver plugs in
 * here (rewriting `?` to `$n`, mapping errors to the same codes) without any module change.
 *
 * A struct db is one connection, used by one thread at a time. Prepared statements are cached
 * per connection, keyed by the address of the SQL text, so SQL must be a string constant (or
 * otherwise live as long as the connection).
 */
#ifndef JZ_DB_H
#define JZ_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_result {
	DB_DONE = 0,        /* no (more) rows */
	DB_ROW = 1,         /* a row is ready */
	DB_ERROR = -1,      /* any other failure; see db_errmsg */
	DB_CONSTRAINT = -2, /* a UNIQUE, CHECK or FOREIGN KEY constraint failed */
	DB_BUSY = -3,       /* the database stayed locked past the busy timeout */
};

enum db_open_flags {
	DB_OPEN_CREATE = 1 << 0,   /* create the file if missing */
	DB_OPEN_READONLY = 1 << 1, /* read-only connection */
	DB_OPEN_BULK = 1 << 2,     /* bulk loading: larger cache; durability as usual */
};

/* Process-wide driver set-up; call once at start, before any db_open. */
void db_global_init(void);

/* Opens a connection to path with the project's settings (WAL, busy timeout, foreign keys,
 * synchronous=FULL). Returns 0 and *out, which the caller frees with db_close, or -1 with a
 * message on stderr. */
int db_open(const char *path, int flags, struct db **out);
void db_close(struct db *db);

/* The driver's last error message on this connection (valid until the next call). */
const char *db_errmsg(struct db *db);

/* Runs one or more statements without parameters (migrations). Returns 0 or a negative db_result.
 */
int db_exec(struct db *db, const char *sql);

/* The cached prepared statement for sql (prepared on first use), reset and with no
 * bindings. Returns NULL on a syntax error (a bug: logged). The statement belongs to the
 * connection; callers never free it, and must db_reset it when done stepping. */
struct db_stmt *db_prepare(struct db *db, const char *sql);

/* Prepares sql outside the cache (for SQL built at run time from fixed fragments). The caller
 * frees it with db_finalize. */
struct db_stmt *db_prepare_once(struct db *db, const char *sql);
void db_finalize(struct db_stmt *st);

/* Parameter binding, 1-based as in SQL. Text is copied. */
void db_bind_text(struct db_stmt *st, int i, const char *s, size_t n);
void db_bind_cstr(struct db_stmt *st, int i, const char *s); /* NULL binds null */
/* Binds s without copying: s must stay unchanged until the statement is reset. */
void db_bind_cstr_static(struct db_stmt *st, int i, const char *s);
void db_bind_int64(struct db_stmt *st, int i, int64_t v);
void db_bind_null(struct db_stmt *st, int i);

/* Steps st: DB_ROW, DB_DONE or a negative db_result. */
int db_step(struct db_stmt *st);
/* Clears bindings and rewinds st so it can be used again. */
void db_reset(struct db_stmt *st);

/* Column access, 0-based, valid until the next step or reset. */
int db_col_is_null(struct db_stmt *st, int i);
int64_t db_col_int64(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i, size_t *n); /* "" for null */
int db_col_count(struct db_stmt *st);

/* Transactions. db_begin_write takes the write lock at once (BEGIN IMMEDIATE), so a
 * transaction never fails half-way for lack of it. Each returns 0 or a negative db_result. */
int db_begin_read(struct db *db);
int db_begin_write(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* Rows changed by the last INSERT, UPDATE or DELETE. */
int64_t db_changes(struct db *db);

/*
 * Row identifiers unique across deployments: deployment * 10^12 + a local sequence, so that
 * 540000000000000123 is row 123 of the deployment numbered 540000 (a GB/T 2260 code of the
 * deploying authority, set once at the first migration). A provincial database merged into a
 * national one keeps every id. Must be called inside a write transaction; ids are handed out
 * from a block reserved in the database and a rolled-back transaction forgets its block.
 * Returns 0 and *id, or a negative db_result.
 */
int db_id_next(struct db *db, int64_t *id);

/*
 * For a bulk load by a connection that has the database to itself: switches to a rollback
 * journal (on = 1), which writes each page once where the write-ahead log writes it twice
 * (into the log, then into the database), and back to the write-ahead log (on = 0).
 * Durability is the same: commits are synced either way. If another connection has the
 * database open the switch is refused and the load simply runs in WAL mode. Returns 1 if
 * the rollback journal is in use, else 0.
 */
int db_bulk_journal(struct db *db, int on);

#define DB_TX_SCRATCH 128 /* bytes of per-transaction scratch */

/*
 * A small scratch area tied to the current write transaction: zeroed whenever a write
 * transaction begins, commits or rolls back, so what a caller caches there (the audit
 * chain's head) can never outlive the transaction that made it true.
 */
void *db_tx_scratch(struct db *db);

/*
 * Writes a consistent copy of the whole database to path (which must not exist) while others
 * keep reading and writing. Returns 0 or a negative db_result.
 */
int db_backup(struct db *db, const char *path);

/*
 * Bulk loading: drops the named (NULL-terminated list) indexes of table inside the current
 * write transaction and returns their definitions (a NUL-separated list the caller frees), so
 * that db_indexes_restore can build them again, sorted in one pass, after the load. A unique
 * index may be suspended only when nothing loaded can conflict (an empty table, keys checked
 * by the caller); its rebuild checks uniqueness again. Returns NULL on failure or if none.
 */
char *db_indexes_suspend(struct db *db, const char *table, const char *const *which);
/* Re-creates the indexes db_indexes_suspend dropped and frees saved. Returns 0 or a negative
 * db_result. */
int db_indexes_restore(struct db *db, char *saved);

#define DB_ID_LOCAL_SPAN 1000000000000LL /* ids per deployment */

#endif

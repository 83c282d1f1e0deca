/*
 * Unit tests of the hash-chained audit log (src/platform/audit.c) on a temporary migrated
 * database: entries appended inside write transactions verify as intact, and each kind of
 * tampering done directly in SQL (a changed field, a removed entry, a forged entry, a
 * re-hashed entry whose successor still links to the old hash) is found at the right entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tempdb.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/actor.h"
#include "platform/audit.h"
#include "platform/db.h"
#include "platform/migrate.h"

#define NENTRIES 7 /* entries written by the fixture */

struct fx {
	struct tempdb tmp; /* its database file */
	struct db *db;
};

static const struct actor ACTOR = {
    .name = "cli:tester",
    .org_unit = "540000-QTS",
    .request_id = "req-1",
    .client_addr = "127.0.0.1",
    .all_regions = 1,
};

static const struct actor ACTOR_NULLS = {.name = "anonymous", .all_regions = 1};

/* Appends one entry in its own write transaction. */
static void append(struct db *db, const struct actor *who, int k)
{
	char key[32], after[64];
	snprintf(key, sizeof key, "9154000000000000%02d", k);
	snprintf(after, sizeof after, "{\"name\":\"企业 %d \\\"q\\\"\"}", k);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(audit_append(db, who, "enterprise.update", "enterprise", key,
	                              k % 2 ? "{\"name\":\"old\"}" : NULL, after,
	                              k % 3 ? "ok" : "partial"),
	                 0);
	assert_int_equal(db_commit(db), 0);
}

static int fx_setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	struct fx *x = calloc(1, sizeof *x);
	if (tempdb_make(&x->tmp, "audit") != 0)
		return -1;
	if (db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	for (int k = 1; k <= NENTRIES; k++)
		append(x->db, k == 4 ? &ACTOR_NULLS : &ACTOR, k);
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

static void exec(struct db *db, const char *sql)
{
	if (db_exec(db, sql) != 0)
		fail_msg("%s: %s", sql, db_errmsg(db));
}

/* Runs audit_verify; returns its result and the bad id (0 when none). */
static int verify(struct db *db, int64_t *bad, int64_t *checked)
{
	*bad = 0;
	*checked = -1;
	return audit_verify(db, bad, checked);
}

/* The hash audit.c computes: BLAKE2b-256 over length-prefixed parts (NULL: length ~0). */
static void hash_parts(const char *const parts[13], char hex[65])
{
	crypto_generichash_state h;
	unsigned char out[32];
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	for (int i = 0; i < 13; i++) {
		uint64_t n = parts[i] ? strlen(parts[i]) : UINT64_MAX;
		unsigned char len[8];
		for (int b = 0; b < 8; b++)
			len[b] = (unsigned char)(n >> (8 * b));
		crypto_generichash_update(&h, len, sizeof len);
		if (parts[i])
			crypto_generichash_update(&h, (const unsigned char *)parts[i],
			                          strlen(parts[i]));
	}
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(hex, 65, out, sizeof out);
}

/* Recomputes the hash of entry id from its stored columns and prev_hash. */
static void rehash_entry(struct db *db, int64_t id, char hex[65])
{
	struct db_stmt *st = db_prepare_once(
	    db, "SELECT prev_hash, id, at, actor, org_unit, action, entity_type, entity_key, "
	        "before_json, after_json, request_id, client_addr, outcome FROM audit_log "
	        "WHERE id = ?");
	assert_non_null(st);
	db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	char *copies[13];
	const char *parts[13];
	for (int i = 0; i < 13; i++) {
		copies[i] = db_col_is_null(st, i) ? NULL : strdup(db_col_text(st, i, NULL));
		parts[i] = copies[i];
	}
	db_finalize(st);
	hash_parts(parts, hex);
	for (int i = 0; i < 13; i++)
		free(copies[i]);
}

static void set_hash(struct db *db, int64_t id, const char *column, const char *hex)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE audit_log SET %s = '%s' WHERE id = %lld", column, hex,
	         (long long)id);
	exec(db, sql);
}

static void test_intact(void **state)
{
	struct fx *x = *state;
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 0);
	assert_int_equal(checked, NENTRIES);
}

static void test_empty_log_is_intact(void **state)
{
	struct fx *x = *state;
	/* Emptying a log that had entries is tampering: the anchor still names the last one. */
	exec(x->db, "DELETE FROM audit_log");
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, 1);
	/* A log never written to (no anchor either) is intact. */
	exec(x->db, "DELETE FROM meta WHERE key = 'audit_head'");
	assert_int_equal(verify(x->db, &bad, &checked), 0);
	assert_int_equal(checked, 0);
}

/* Removing the newest entries leaves an intact chain, but not the anchor. */
static void test_tail_removed(void **state)
{
	struct fx *x = *state;
	exec(x->db, "DELETE FROM audit_log WHERE id >= (SELECT max(id) - 1 FROM audit_log)");
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, NENTRIES - 1);
}

static void test_entries_chain(void **state)
{
	struct fx *x = *state;
	struct db_stmt *st = db_prepare_once(
	    x->db, "SELECT id, prev_hash, hash, actor, org_unit, request_id, client_addr, "
	           "before_json, outcome FROM audit_log ORDER BY id");
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	int64_t n = 0;
	while (db_step(st) == DB_ROW) {
		n++;
		assert_int_equal(db_col_int64(st, 0), n);
		assert_string_equal(db_col_text(st, 1, NULL), prev);
		const char *h = db_col_text(st, 2, NULL);
		assert_int_equal(strlen(h), 64);
		assert_string_not_equal(h, prev);
		snprintf(prev, sizeof prev, "%s", h);
		char mine[65];
		rehash_entry(x->db, n, mine);
		assert_string_equal(mine, h);
		if (n == 4) {
			assert_string_equal(db_col_text(st, 3, NULL), "anonymous");
			assert_true(db_col_is_null(st, 4));
			assert_true(db_col_is_null(st, 5));
			assert_true(db_col_is_null(st, 6));
		} else {
			assert_string_equal(db_col_text(st, 3, NULL), "cli:tester");
			assert_string_equal(db_col_text(st, 4, NULL), "540000-QTS");
		}
		assert_int_equal(db_col_is_null(st, 7), n % 2 == 0);
	}
	db_finalize(st);
	assert_int_equal(n, NENTRIES);
}

/* Appending continues the chain; an entry rolled back with its transaction leaves no gap. */
static void test_append_after_rollback(void **state)
{
	struct fx *x = *state;
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(audit_append(x->db, &ACTOR, "x", "t", "k", NULL, NULL, "ok"), 0);
	assert_int_equal(db_rollback(x->db), 0);
	append(x->db, &ACTOR, 8);
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 0);
	assert_int_equal(checked, NENTRIES + 1);
}

static void check_tamper(struct fx *x, const char *sql, int64_t want_bad)
{
	exec(x->db, sql);
	int64_t bad, checked;
	if (verify(x->db, &bad, &checked) != 1)
		fail_msg("not detected: %s", sql);
	assert_int_equal(bad, want_bad);
}

static void test_changed_actor(void **state)
{
	check_tamper(*state, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3", 3);
}

static void test_changed_after(void **state)
{
	check_tamper(*state, "UPDATE audit_log SET after_json = '{\"name\":\"x\"}' WHERE id = 4",
	             4);
}

static void test_changed_at(void **state)
{
	check_tamper(*state, "UPDATE audit_log SET at = '2001-01-01T00:00:00.000000Z' WHERE id = 5",
	             5);
}

static void test_changed_outcome(void **state)
{
	check_tamper(*state, "UPDATE audit_log SET outcome = 'ok' WHERE id = 3", 3);
}

/* NULL and "" are different values. */
static void test_null_to_empty(void **state)
{
	check_tamper(*state, "UPDATE audit_log SET org_unit = '' WHERE id = 4", 4);
}

static void test_value_to_null(void **state)
{
	check_tamper(*state, "UPDATE audit_log SET before_json = NULL WHERE id = 3", 3);
}

/* Every column of a middle entry, one at a time. */
static void test_every_column(void **state)
{
	struct fx *x = *state;
	const char *cols[] = {"at",          "actor",       "org_unit",    "action",
	                      "entity_type", "entity_key",  "before_json", "after_json",
	                      "request_id",  "client_addr", "outcome",     "prev_hash",
	                      "hash"};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		char sql[200];
		exec(x->db, "SAVEPOINT t");
		snprintf(sql, sizeof sql,
		         "UPDATE audit_log SET %s = coalesce(%s, '') || 'x' WHERE id = 5", cols[i],
		         cols[i]);
		exec(x->db, sql);
		int64_t bad, checked;
		if (verify(x->db, &bad, &checked) != 1)
			fail_msg("a change of %s is not detected", cols[i]);
		assert_int_equal(bad, 5);
		exec(x->db, "ROLLBACK TO t");
		exec(x->db, "RELEASE t");
		assert_int_equal(verify(x->db, &bad, &checked), 0);
	}
}

static void test_deleted_middle_row(void **state)
{
	check_tamper(*state, "DELETE FROM audit_log WHERE id = 4", 5);
}

static void test_deleted_first_row(void **state)
{
	check_tamper(*state, "DELETE FROM audit_log WHERE id = 1", 2);
}

static void test_deleted_two_rows(void **state)
{
	check_tamper(*state, "DELETE FROM audit_log WHERE id IN (3, 4)", 5);
}

/* A forged entry appended at the end with a made-up hash. */
static void test_forged_row_at_end(void **state)
{
	struct fx *x = *state;
	exec(x->db,
	     "INSERT INTO audit_log (id, at, actor, action, entity_type, outcome, "
	     "prev_hash, hash) SELECT 8, '2030-01-01T00:00:00.000000Z', 'mallory', 'x', 'y', "
	     "'ok', hash, 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' "
	     "FROM audit_log WHERE id = 7");
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, 8);
}

/* A forged entry whose own hash is right (computed as audit.c does) but inserted in the
 * middle: the ids after it are shifted, so the entry after it no longer links. */
static void test_forged_row_in_middle(void **state)
{
	struct fx *x = *state;
	exec(x->db, "UPDATE audit_log SET id = id + 100 WHERE id > 3");
	exec(x->db, "UPDATE audit_log SET id = id - 99 WHERE id > 100");
	exec(x->db,
	     "INSERT INTO audit_log (id, at, actor, action, entity_type, outcome, "
	     "prev_hash, hash) SELECT 4, '2030-01-01T00:00:00.000000Z', 'mallory', 'x', 'y', "
	     "'ok', hash, '' FROM audit_log WHERE id = 3");
	char h[65];
	rehash_entry(x->db, 4, h);
	set_hash(x->db, 4, "hash", h);
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, 5);
}

/* A forged entry at the id of a removed one, with a consistent own hash. */
static void test_forged_replacement(void **state)
{
	struct fx *x = *state;
	exec(x->db, "UPDATE audit_log SET actor = 'mallory', after_json = '{}' WHERE id = 4");
	char h[65];
	rehash_entry(x->db, 4, h);
	set_hash(x->db, 4, "hash", h);
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, 5);
}

/* The hash column replaced by another value without recomputing anything. */
static void test_hash_overwritten(void **state)
{
	struct fx *x = *state;
	set_hash(x->db, 3, "hash",
	         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, 3);
}

/* A row changed and its own hash recomputed, the next row's link left alone: found at the
 * next row. */
static void test_rehashed_row_breaks_next_link(void **state)
{
	struct fx *x = *state;
	exec(x->db, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3");
	char h[65];
	rehash_entry(x->db, 3, h);
	set_hash(x->db, 3, "hash", h);
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, 4);
	assert_int_equal(checked, 4);
}

/* Even with the next row's prev_hash fixed, that row's own hash no longer matches. */
static void test_rehashed_row_and_link_fixed(void **state)
{
	struct fx *x = *state;
	exec(x->db, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3");
	char h[65];
	rehash_entry(x->db, 3, h);
	set_hash(x->db, 3, "hash", h);
	set_hash(x->db, 4, "prev_hash", h);
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, 4);
}

/* Two rows swapped (ids exchanged). */
static void test_swapped_rows(void **state)
{
	struct fx *x = *state;
	exec(x->db, "UPDATE audit_log SET id = 100 WHERE id = 3;"
	            "UPDATE audit_log SET id = 3 WHERE id = 4;"
	            "UPDATE audit_log SET id = 4 WHERE id = 100;");
	int64_t bad, checked;
	assert_int_equal(verify(x->db, &bad, &checked), 1);
	assert_int_equal(bad, 3);
}

/* Entries are chained by the id they were given: renumbering one breaks it. */
static void test_renumbered_row(void **state)
{
	check_tamper(*state, "UPDATE audit_log SET id = 70 WHERE id = 7", 70);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_intact),
	    T(test_tail_removed),
	    T(test_empty_log_is_intact),
	    T(test_entries_chain),
	    T(test_append_after_rollback),
	    T(test_changed_actor),
	    T(test_changed_after),
	    T(test_changed_at),
	    T(test_changed_outcome),
	    T(test_null_to_empty),
	    T(test_value_to_null),
	    T(test_every_column),
	    T(test_deleted_middle_row),
	    T(test_deleted_first_row),
	    T(test_deleted_two_rows),
	    T(test_forged_row_at_end),
	    T(test_forged_row_in_middle),
	    T(test_forged_replacement),
	    T(test_hash_overwritten),
	    T(test_rehashed_row_breaks_next_link),
	    T(test_rehashed_row_and_link_fixed),
	    T(test_swapped_rows),
	    T(test_renumbered_row),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

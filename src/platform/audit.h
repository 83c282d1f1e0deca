/*
 * The audit log: every write appends an entry (who, where, when, what, before and after) in
 * the same transaction as the write itself, chained by hash so that an altered, inserted or
 * removed entry is found by audit_verify.
 */
#ifndef JZ_AUDIT_H
#define JZ_AUDIT_H

#include <stdint.h>

struct db;
struct actor;

/*
 * Appends one entry. Must be called inside the write transaction of the change it records.
 * before and after are JSON texts or NULL. Returns 0 or a negative db_result.
 */
int audit_append(struct db *db, const struct actor *who, const char *action,
		 const char *entity_type, const char *entity_key, const char *before,
		 const char *after, const char *outcome);

/*
 * Walks the chain from the first entry. Returns 0 if intact; otherwise 1 with *bad_id set to
 * the first entry whose hash or link is wrong (or the entry after a gap). -1 on a db error.
 */
int audit_verify(struct db *db, int64_t *bad_id, int64_t *checked);

#endif

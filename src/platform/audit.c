/*
 * Hash-chained audit entries (BLAKE2b-256 through libsodium's generic hash).
 * hash = H(prev_hash | id | at | actor | org_unit | action | entity_type | entity_key |
 * before | after | request_id | client_addr | outcome), each part length-prefixed so that
 * no two different entries hash the same bytes.
 */
#include "audit.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actor.h"
#include "db.h"
#include "fields.h"

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_NPARTS  12

/* The newest entry, kept in the transaction's scratch (db_tx_scratch). */
struct audit_head {
	int valid;     /* filled in this transaction */
	int64_t id;    /* its id */
	char hash[65]; /* its hash, hex */
};

static void hash_part(crypto_generichash_state *h, const char *s)
{
	uint64_t n = s ? strlen(s) : UINT64_MAX;
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(h, len, sizeof len);
	if (s)
		crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

/* parts: prev, id, at, actor, org, action, type, key, before, after, rid, addr, outcome */
/* The deployment's audit key (see audit_set_key), or none. */
static unsigned char audit_key[AUDIT_KEY_BYTES];
static int have_key;

void audit_set_key(const unsigned char *key)
{
	have_key = key != NULL;
	if (key)
		memcpy(audit_key, key, AUDIT_KEY_BYTES);
	else
		sodium_memzero(audit_key, sizeof audit_key);
}

static void entry_hash(const char *const parts[AUDIT_NPARTS + 1], char hex[65])
{
	crypto_generichash_state h;
	unsigned char out[32];
	crypto_generichash_init(&h, have_key ? audit_key : NULL, have_key ? AUDIT_KEY_BYTES : 0,
	                        sizeof out);
	for (int i = 0; i <= AUDIT_NPARTS; i++)
		hash_part(&h, parts[i]);
	crypto_generichash_final(&h, out, sizeof out);
	sodium_bin2hex(hex, 65, out, sizeof out);
}

/* The anchor of the chain's newest entry: "id:mac", mac = keyed BLAKE2b of "head", id and
 * hash. Kept in meta and rewritten with every entry, so removing entries from the end shows. */
static void anchor_text(int64_t id, const char *hash, char out[96])
{
	char idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	const char *parts[AUDIT_NPARTS + 1] = {"head", idtext, hash};
	char mac[65];
	entry_hash(parts, mac);
	snprintf(out, 96, "%s:%s", idtext, mac);
}

int audit_append(struct db *db, const struct actor *who, const char *action,
                 const char *entity_type, const char *entity_key, const char *before,
                 const char *after, const char *outcome)
{
	/* The chain's head, cached for the rest of this write transaction (nobody else can
	 * append while we hold the write lock). */
	struct audit_head *head = db_tx_scratch(db);
	_Static_assert(sizeof(struct audit_head) <= DB_TX_SCRATCH, "head fits the scratch");
	if (!head->valid) {
		struct db_stmt *st =
		    db_prepare(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
		int rc = db_step(st);
		head->id = 0;
		memcpy(head->hash, AUDIT_GENESIS, sizeof head->hash);
		if (rc == DB_ROW) {
			head->id = db_col_int64(st, 0);
			snprintf(head->hash, sizeof head->hash, "%s", db_col_text(st, 1, NULL));
		}
		db_reset(st);
		if (rc < 0)
			return rc;
		head->valid = 1;
	}
	char prev[65];
	memcpy(prev, head->hash, sizeof prev);
	int64_t id = head->id + 1;

	char at[96], idtext[24];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(at, sizeof at, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	const char *parts[AUDIT_NPARTS + 1] = {
	    prev,       idtext, at,    who->name,       who->org_unit,    action, entity_type,
	    entity_key, before, after, who->request_id, who->client_addr, outcome};
	char hash[65];
	entry_hash(parts, hash);

	struct db_stmt *st =
	    db_prepare(db, "INSERT INTO audit_log (id, at, actor, org_unit, action, entity_type, "
	                   "entity_key, before_json, after_json, request_id, client_addr, outcome, "
	                   "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	db_bind_int64(st, 1, id);
	for (int i = 2; i <= 12; i++)
		db_bind_cstr(st, i, parts[i]);
	db_bind_cstr(st, 13, prev);
	db_bind_cstr(st, 14, hash);
	int rc = db_step(st);
	db_reset(st);
	if (rc >= 0) {
		char anchor[96];
		anchor_text(id, hash, anchor);
		st = db_prepare(db, "INSERT INTO meta (key, value) VALUES ('audit_head', ?) "
		                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
		db_bind_cstr(st, 1, anchor);
		rc = db_step(st);
		db_reset(st);
	}
	if (rc < 0) {
		head->valid = 0;
		return rc;
	}
	head->id = id;
	memcpy(head->hash, hash, sizeof head->hash);
	return 0;
}

int audit_verify(struct db *db, int64_t *bad_id, int64_t *checked)
{
	struct db_stmt *st = db_prepare_once(
	    db, "SELECT id, at, actor, org_unit, action, entity_type, entity_key, before_json, "
	        "after_json, request_id, client_addr, outcome, prev_hash, hash FROM audit_log "
	        "ORDER BY id");
	if (st == NULL)
		return -1;
	char prev[65] = AUDIT_GENESIS;
	int64_t expect = 1, n = 0;
	int rc, result = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		const char *parts[AUDIT_NPARTS + 1];
		char idtext[24];
		snprintf(idtext, sizeof idtext, "%lld", (long long)id);
		parts[0] = prev;
		parts[1] = idtext;
		for (int i = 1; i <= 11; i++)
			parts[i + 1] = db_col_is_null(st, i) ? NULL : db_col_text(st, i, NULL);
		char hash[65];
		entry_hash(parts, hash);
		const char *stored_prev = db_col_text(st, 12, NULL);
		const char *stored = db_col_text(st, 13, NULL);
		n++;
		if (id != expect || strcmp(stored_prev, prev) != 0 || strcmp(stored, hash) != 0) {
			*bad_id = id;
			result = 1;
			break;
		}
		memcpy(prev, stored, 65);
		expect = id + 1;
	}
	db_finalize(st);
	if (checked)
		*checked = n;
	if (rc < 0)
		return -1;
	if (result)
		return result;
	/* The anchor names the newest entry there should be: entries removed from the end, or
	 * an anchor rewritten without the key, show here. */
	st = db_prepare(db, "SELECT value FROM meta WHERE key = 'audit_head'");
	rc = db_step(st);
	char stored[96] = "";
	if (rc == DB_ROW)
		snprintf(stored, sizeof stored, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	if (rc < 0)
		return -1;
	if (n == 0 && stored[0] == '\0')
		return 0;
	/* The anchor is "<id>:<mac>"; an unreadable one counts as naming no entry. */
	int64_t head_id = 0;
	field_int_parse(stored, strcspn(stored, ":"), 0, INT64_MAX, &head_id);
	char want[96];
	anchor_text(expect - 1, prev, want);
	if (strcmp(stored, want) != 0) {
		/* The first entry that should be there and is not, or the last if the anchor
		 * itself is forged. */
		*bad_id = head_id >= expect ? expect : expect - 1;
		return 1;
	}
	return 0;
}

/* One fixed statement: each filter is "(? IS NULL OR ...)" so an absent one binds null, and
 * the scope test has a slot per possible range (empty ranges bind 1..0, which nothing meets). */
static const char AUDIT_LIST_SQL[] =
    "SELECT id, at, actor, org_unit, action, entity_type, entity_key, before_json, "
    "after_json, request_id, client_addr, outcome FROM audit_log WHERE "
    "(? IS NULL OR actor = ?) AND (? IS NULL OR action = ?) AND "
    "(? IS NULL OR entity_type = ?) AND (? IS NULL OR entity_key = ?) AND "
    "(? IS NULL OR outcome = ?) AND (? IS NULL OR at >= ?) AND "
    "(? IS NULL OR at < ? || '~') AND (? IS NULL OR id < ?) AND "
    "(? = 1 OR org_unit IN (SELECT code FROM org_unit WHERE "
    "region_code BETWEEN ? AND ? OR region_code BETWEEN ? AND ? OR "
    "region_code BETWEEN ? AND ? OR region_code BETWEEN ? AND ? OR "
    "region_code BETWEEN ? AND ? OR region_code BETWEEN ? AND ? OR "
    "region_code BETWEEN ? AND ? OR region_code BETWEEN ? AND ?)) "
    "ORDER BY id DESC LIMIT ?";

_Static_assert(ACTOR_MAX_RANGES == 8, "AUDIT_LIST_SQL has a BETWEEN per range");

int audit_list(struct db *db, const struct audit_filter *f,
               void (*fn)(void *ctx, struct db_stmt *row), void *ctx, int64_t *next_cursor)
{
	assert(f->limit >= 1 && f->limit <= AUDIT_LIST_MAX);
	assert(f->scope != NULL);
	struct db_stmt *st = db_prepare(db, AUDIT_LIST_SQL);
	if (st == NULL)
		return DB_ERROR;
	const char *const text[] = {f->actor,   f->action, f->entity_type, f->entity_key,
	                            f->outcome, f->from,   f->to};
	int i = 1;
	for (size_t k = 0; k < sizeof text / sizeof text[0]; k++) {
		db_bind_cstr(st, i++, text[k]);
		db_bind_cstr(st, i++, text[k]);
	}
	if (f->before_id > 0) {
		db_bind_int64(st, i++, f->before_id);
		db_bind_int64(st, i++, f->before_id);
	} else {
		db_bind_null(st, i++);
		db_bind_null(st, i++);
	}
	const struct actor *s = f->scope;
	db_bind_int64(st, i++, s->all_regions ? 1 : 0);
	for (int r = 0; r < ACTOR_MAX_RANGES; r++) {
		int used = !s->all_regions && r < s->nranges;
		db_bind_int64(st, i++, used ? s->lo[r] : 1);
		db_bind_int64(st, i++, used ? s->hi[r] : 0);
	}
	/* One more than asked: whether it exists decides if there is a next page. */
	db_bind_int64(st, i++, f->limit + 1);
	int rc, n = 0;
	int64_t last = 0;
	*next_cursor = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == f->limit) {
			*next_cursor = last;
			break;
		}
		last = db_col_int64(st, AUDIT_COL_ID);
		fn(ctx, st);
		n++;
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/*
 * Accounts (see service.h): principals from roles, Argon2id passwords, sessions and tokens,
 * throttling of logins, and the administration of accounts, roles and org units.
 */
#include "service.h"

#include <ctype.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "modules/regions/service.h"
#include "modules/registry/service.h"
#include "modules/registry/uscc.h"
#include "platform/scope.h"
#include "platform/audit.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/textenc.h"

const char *const ACC_MODULES[ACC_NMODULES] = {
    "registry", "equipment", "sampling",  "licensing",     "food",
    "trace",    "standards", "metrology", "certification", "enforcement",
    "quality",  "reports",   "documents", "accounts",      "audit",
};
const char *const ACC_ACTIONS[ACC_NACTIONS] = {"read",    "write",  "approve",
                                               "publish", "export", "admin"};

#define ACC_CACHE_SLOTS     1024 /* cached principals */
#define ACC_CACHE_TTL       15   /* seconds a cached principal is trusted */
#define ACC_SEEN_EVERY      60   /* seconds between last_seen writes of a session */
#define ACC_THROTTLE_SLOTS  4096 /* tracked logins and addresses */
#define ACC_HASHING_AT_ONCE 2    /* concurrent Argon2id computations (64 MiB each) */

static uint64_t generation = 1;                 /* bumped by acc_invalidate */
static char dummy_hash[crypto_pwhash_STRBYTES]; /* verified against for unknown logins */
static sem_t hashing;                           /* bounds memory used by Argon2id */

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

void acc_invalidate(void)
{
	__atomic_add_fetch(&generation, 1, __ATOMIC_ACQ_REL);
}

/*
 * The cache generation as the database knows it: every change that must end sessions at once
 * bumps it in the same transaction (bump_generation), so a change made by another process
 * (the jinzhi command, another server) reaches this one's cache within ACC_GEN_POLL seconds.
 */
#define ACC_GEN_POLL 1
static int64_t db_generation = -1; /* last value read */
static int64_t db_generation_at;   /* when */

static int bump_generation(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO meta (key, value) VALUES "
	                                    "('auth_generation', '1') ON CONFLICT (key) DO UPDATE "
	                                    "SET value = CAST(value AS INTEGER) + 1");
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static void poll_generation(struct db *db)
{
	int64_t now = now_s();
	if (__atomic_load_n(&db_generation_at, __ATOMIC_RELAXED) + ACC_GEN_POLL > now)
		return;
	__atomic_store_n(&db_generation_at, now, __ATOMIC_RELAXED);
	struct db_stmt *st = db_prepare(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
	                                    "'auth_generation'");
	int64_t g = db_step(st) == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	if (__atomic_exchange_n(&db_generation, g, __ATOMIC_ACQ_REL) != g)
		acc_invalidate();
}

int acc_password_hash(const char *password, char *out)
{
	sem_wait(&hashing);
	int rc =
	    crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sem_post(&hashing);
	return rc == 0 ? 0 : -1;
}

static int password_verify(const char *hash, const char *password)
{
	sem_wait(&hashing);
	int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
	sem_post(&hashing);
	return rc == 0;
}

/* The dummy hash unknown logins are checked against, made on first need: an Argon2id hash
 * costs 64 MiB and some 70 ms, which commands that never sign anyone in should not pay. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	char pw[33];
	unsigned char rnd[16];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(pw, sizeof pw, rnd, sizeof rnd);
	if (acc_password_hash(pw, dummy_hash) != 0)
		dummy_hash[0] = '\0';
}

void acc_init(void)
{
	sem_init(&hashing, 0, ACC_HASHING_AT_ONCE);
}

/* A 256-bit random secret as base64url text (43 characters) with an optional prefix. */
static void random_secret(char *out, size_t n, const char *prefix)
{
	unsigned char rnd[32];
	randombytes_buf(rnd, sizeof rnd);
	size_t p = strlen(prefix);
	memcpy(out, prefix, p);
	sodium_bin2base64(out + p, n - p, rnd, sizeof rnd,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof rnd);
}

/* Hex BLAKE2b-256 of a secret: what is stored instead of it. */
static void secret_hash(const char *secret, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

int acc_password_check(const char *login, const char *password, const char **why)
{
	size_t n = strlen(password);
	if (n > ACC_PASSWORD_MAX)
		return *why = "the password is longer than 128 bytes", -1;
	if (utf8_invalid_at(password, n) >= 0)
		return *why = "the password is not valid UTF-8", -1;
	size_t chars = utf8_count(password, n);
	if (chars < ACC_PASSWORD_MIN)
		return *why = "the password must have at least 10 characters", -1;
	if (utf8_has_control(password, n, 0))
		return *why = "the password contains a control character", -1;
	int lower = 0, upper = 0, digit = 0, other = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)password[i];
		if (islower(c))
			lower = 1;
		else if (isupper(c))
			upper = 1;
		else if (isdigit(c))
			digit = 1;
		else
			other = 1; /* punctuation, or any non-ASCII letter (Chinese, Tibetan) */
	}
	if (lower + upper + digit + other < 3 && chars < 16)
		return *why = "the password needs three of: lower case, upper case, digits, other "
		              "characters (or 16 characters or more)",
		       -1;
	size_t ln = strlen(login);
	for (size_t i = 0; ln >= 3 && i + ln <= n; i++)
		if (strncasecmp(password + i, login, ln) == 0)
			return *why = "the password must not contain the login", -1;
	/* One character (of however many bytes) repeated throughout. */
	size_t first = 1;
	while (first < n && ((unsigned char)password[first] & 0xc0) == 0x80)
		first++;
	int same = n % first == 0;
	for (size_t i = first; same && i < n; i += first)
		same = memcmp(password + i, password, first) == 0;
	if (same)
		return *why = "the password must not repeat one character", -1;
	return 0;
}

/* A random password that meets the rules: 16 characters of an unambiguous alphabet. */
static void random_password(char out[17])
{
	static const char ALPHA[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (;;) {
		for (int i = 0; i < 16; i++)
			out[i] = ALPHA[randombytes_uniform(sizeof ALPHA - 1)];
		out[16] = '\0';
		const char *why;
		if (acc_password_check("", out, &why) == 0 && strpbrk(out, "23456789") &&
		    strpbrk(out, "ABCDEFGHJKLMNPQRSTUVWXYZ"))
			return;
	}
}

/* --- Principals --- */

static int module_index(const char *m)
{
	for (int i = 0; i < ACC_NMODULES; i++)
		if (strcmp(ACC_MODULES[i], m) == 0)
			return i;
	return -1;
}

static int action_index(const char *a)
{
	for (int i = 0; i < ACC_NACTIONS; i++)
		if (strcmp(ACC_ACTIONS[i], a) == 0)
			return i;
	return -1;
}

int acc_allowed(const struct principal *p, const char *module, const char *action)
{
	int m = module_index(module), a = action_index(action);
	return m >= 0 && a >= 0 && (p->perms[m] >> a) & 1;
}

/* Parses "module:action"; returns 0 with indexes or -1. */
static int perm_parse(const char *s, int *m, int *a)
{
	const char *colon = strchr(s, ':');
	if (colon == NULL || colon - s >= 32)
		return -1;
	char mod[32];
	memcpy(mod, s, (size_t)(colon - s));
	mod[colon - s] = '\0';
	*m = module_index(mod);
	*a = action_index(colon + 1);
	return *m >= 0 && *a >= 0 ? 0 : -1;
}

static void add_range(struct principal *p, int lo, int hi)
{
	for (int i = 0; i < p->nranges; i++)
		if (lo >= p->lo[i] && hi <= p->hi[i])
			return; /* already covered */
	if (p->nranges == ACTOR_MAX_RANGES) {
		/* More units than a scope can carry: never widen by accident; refuse the rest
		 * and say so. */
		fprintf(stderr,
		        "jinzhi: account %s: scope has more than %d ranges; extra ignored\n",
		        p->login, ACTOR_MAX_RANGES);
		return;
	}
	p->lo[p->nranges] = lo;
	p->hi[p->nranges] = hi;
	p->nranges++;
}

/* Loads the account id with its roles, permissions and scope. Returns ACC_OK, ACC_DENIED for
 * an absent or disabled account, or ACC_ERROR. */
static int principal_load(struct db *db, int64_t id, struct principal *p)
{
	memset(p, 0, sizeof *p);
	struct db_stmt *st = db_prepare(
	    db, "SELECT a.login, a.display_name, a.kind, coalesce(a.credit_code, ''), "
	        "a.must_change_password, a.disabled, u.code, u.region_code FROM account a JOIN "
	        "org_unit u ON u.id = a.org_unit_id WHERE a.id = ?");
	if (st == NULL)
		return ACC_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		p->account_id = id;
		snprintf(p->login, sizeof p->login, "%s", db_col_text(st, 0, NULL));
		snprintf(p->display_name, sizeof p->display_name, "%s", db_col_text(st, 1, NULL));
		p->enterprise = strcmp(db_col_text(st, 2, NULL), "enterprise") == 0;
		snprintf(p->credit_code, sizeof p->credit_code, "%s", db_col_text(st, 3, NULL));
		p->must_change_password = (int)db_col_int64(st, 4);
		if (db_col_int64(st, 5))
			rc = DB_DONE; /* disabled */
		snprintf(p->org_unit, sizeof p->org_unit, "%s", db_col_text(st, 6, NULL));
		p->org_region = (int)db_col_int64(st, 7);
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? ACC_ERROR : ACC_DENIED;

	st = db_prepare(db, "SELECT r.id, r.name, r.scope FROM role r JOIN account_role ar ON "
	                    "ar.role_id = r.id WHERE ar.account_id = ? ORDER BY r.name");
	db_bind_int64(st, 1, id);
	int64_t role_ids[ACC_MAX_ROLES];
	char scopes[ACC_MAX_ROLES][16];
	while ((rc = db_step(st)) == DB_ROW && p->nroles < ACC_MAX_ROLES) {
		role_ids[p->nroles] = db_col_int64(st, 0);
		snprintf(p->roles[p->nroles], sizeof p->roles[0], "%s", db_col_text(st, 1, NULL));
		snprintf(scopes[p->nroles], sizeof scopes[0], "%s", db_col_text(st, 2, NULL));
		p->nroles++;
	}
	db_reset(st);
	if (rc < 0)
		return ACC_ERROR;
	for (int r = 0; r < p->nroles; r++) {
		st = db_prepare(db, "SELECT module, action FROM role_permission WHERE role_id = ?");
		db_bind_int64(st, 1, role_ids[r]);
		while ((rc = db_step(st)) == DB_ROW) {
			int m = module_index(db_col_text(st, 0, NULL));
			int a = action_index(db_col_text(st, 1, NULL));
			if (m >= 0 && a >= 0)
				p->perms[m] |= (uint8_t)(1u << a);
		}
		db_reset(st);
		/* Several roles widen the scope (a union), never narrow it. */
		const char *sc = scopes[r];
		int lo, hi;
		if (strcmp(sc, "all") == 0) {
			p->all_regions = 1;
		} else if (strcmp(sc, "unit_and_below") == 0) {
			region_subtree(p->org_region, &lo, &hi);
			add_range(p, lo, hi);
		} else if (strcmp(sc, "unit") == 0) {
			add_range(p, p->org_region, p->org_region);
		} else if (strcmp(sc, "own") == 0) {
			p->own_records = 1;
		} else if (strcmp(sc, "units") == 0) {
			st =
			    db_prepare(db, "SELECT u.region_code FROM role_unit ru JOIN org_unit u "
			                   "ON u.id = ru.org_unit_id WHERE ru.role_id = ?");
			db_bind_int64(st, 1, role_ids[r]);
			while (db_step(st) == DB_ROW) {
				region_subtree((int)db_col_int64(st, 0), &lo, &hi);
				add_range(p, lo, hi);
			}
			db_reset(st);
		}
	}
	if (p->enterprise) {
		/* An enterprise account sees its own legal entity and nothing else. */
		p->all_regions = 1;
		p->nranges = 0;
		p->own_records = 0;
	}
	return ACC_OK;
}

void acc_principal_actor(const struct principal *p, struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->name = p->login;
	a->org_unit = p->org_unit;
	a->all_regions = p->all_regions;
	a->nranges = p->nranges;
	memcpy(a->lo, p->lo, sizeof a->lo);
	memcpy(a->hi, p->hi, sizeof a->hi);
	a->own_records = p->own_records;
	a->entity_code = p->enterprise ? p->credit_code : NULL;
}

/* --- The principal cache --- */

struct cache_entry {
	char key[65];        /* secret hash, "" if empty */
	uint64_t generation; /* generation when loaded */
	int64_t loaded_at;   /* when */
	struct principal p;  /* the principal */
};

static struct cache_entry *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t cache_slot(const char *key)
{
	unsigned v = 0;
	sscanf(key, "%8x", &v);
	return v % ACC_CACHE_SLOTS;
}

static int cache_get(const char *key, struct principal *p)
{
	int hit = 0;
	pthread_mutex_lock(&cache_lock);
	if (cache) {
		struct cache_entry *e = &cache[cache_slot(key)];
		if (strcmp(e->key, key) == 0 &&
		    e->generation == __atomic_load_n(&generation, __ATOMIC_ACQUIRE) &&
		    now_s() - e->loaded_at < ACC_CACHE_TTL) {
			*p = e->p;
			hit = 1;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void cache_put(const char *key, const struct principal *p, uint64_t gen)
{
	pthread_mutex_lock(&cache_lock);
	if (cache == NULL)
		cache = xcalloc(ACC_CACHE_SLOTS, sizeof *cache);
	struct cache_entry *e = &cache[cache_slot(key)];
	snprintf(e->key, sizeof e->key, "%s", key);
	e->generation = gen;
	e->loaded_at = now_s();
	e->p = *p;
	pthread_mutex_unlock(&cache_lock);
}

int acc_authenticate(struct db *db, const char *secret, int is_token, struct principal *p)
{
	size_t n = strlen(secret);
	if (n < 40 || n > ACC_TOKEN_TEXT)
		return ACC_DENIED;
	if (is_token != (strncmp(secret, "jzt_", 4) == 0))
		return ACC_DENIED;
	char key[65];
	secret_hash(secret, key);
	poll_generation(db);
	if (cache_get(key, p))
		return ACC_OK;
	uint64_t gen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
	int64_t now = now_s(), account = 0, seen = 0;
	char csrf[64] = "";
	struct buf scopes = {0};
	struct db_stmt *st;
	int rc;
	if (!is_token) {
		st = db_prepare(db,
		                "SELECT account_id, created_at, last_seen_at, revoked, csrf_token "
		                "FROM session WHERE token_hash = ?");
		db_bind_cstr(st, 1, key);
		rc = db_step(st);
		if (rc == DB_ROW) {
			account = db_col_int64(st, 0);
			int64_t created = db_col_int64(st, 1);
			seen = db_col_int64(st, 2);
			if (db_col_int64(st, 3) || now - seen > ACC_SESSION_IDLE ||
			    now - created > ACC_SESSION_ABSOLUTE)
				rc = DB_DONE;
			snprintf(csrf, sizeof csrf, "%s", db_col_text(st, 4, NULL));
		}
	} else {
		st =
		    db_prepare(db, "SELECT account_id, expires_at, revoked_at, scopes, "
		                   "coalesce(last_used_at, 0) FROM api_token WHERE token_hash = ?");
		db_bind_cstr(st, 1, key);
		rc = db_step(st);
		if (rc == DB_ROW) {
			account = db_col_int64(st, 0);
			if (db_col_int64(st, 1) <= now || !db_col_is_null(st, 2))
				rc = DB_DONE;
			buf_puts(&scopes, db_col_text(st, 3, NULL));
			seen = db_col_int64(st, 4);
		}
	}
	db_reset(st);
	if (rc != DB_ROW) {
		buf_free(&scopes);
		return rc < 0 ? ACC_ERROR : ACC_DENIED;
	}
	int lr = principal_load(db, account, p);
	if (lr != ACC_OK) {
		buf_free(&scopes);
		return lr;
	}
	if (is_token) {
		/* A token can do what its scopes say, within what its account may do. */
		uint8_t granted[ACC_NMODULES] = {0};
		char *save = NULL;
		for (char *s = strtok_r(scopes.data ? scopes.data : (char *)"", " ", &save); s;
		     s = strtok_r(NULL, " ", &save)) {
			int m, a;
			if (perm_parse(s, &m, &a) == 0)
				granted[m] |= (uint8_t)(1u << a);
		}
		for (int m = 0; m < ACC_NMODULES; m++)
			p->perms[m] &= granted[m];
		p->via_token = 1;
		p->must_change_password = 0; /* machine clients do not change passwords */
	} else {
		snprintf(p->csrf, sizeof p->csrf, "%s", csrf);
	}
	if (now - seen >= ACC_SEEN_EVERY && db_begin_write(db) == 0) {
		st = db_prepare(
		    db, is_token ? "UPDATE api_token SET last_used_at = ? WHERE token_hash = ?"
		                 : "UPDATE session SET last_seen_at = ? WHERE token_hash = ?");
		db_bind_int64(st, 1, now);
		db_bind_cstr(st, 2, key);
		rc = db_step(st);
		db_reset(st);
		if (rc < 0 || db_commit(db) != 0)
			db_rollback(db);
	}
	buf_free(&scopes);
	cache_put(key, p, gen);
	return ACC_OK;
}

/* --- Throttling --- */

struct throttle_entry {
	char key[ACC_LOGIN_MAX + 1]; /* login or address, "" if empty */
	int failures;                /* consecutive (login) or in window (address) */
	int64_t since;               /* window start (address) */
	int64_t locked_until;        /* login locked until */
};

static struct throttle_entry *throttle_logins, *throttle_addrs;
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

/* The entry for key in table (created, replacing the slot's old entry, if absent). */
static struct throttle_entry *throttle_find(struct throttle_entry **table, const char *key)
{
	if (*table == NULL)
		*table = xcalloc(ACC_THROTTLE_SLOTS, sizeof **table);
	unsigned char h[8];
	crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
	uint64_t v;
	memcpy(&v, h, sizeof v);
	struct throttle_entry *e = &(*table)[v % ACC_THROTTLE_SLOTS];
	if (strcmp(e->key, key) != 0) {
		memset(e, 0, sizeof *e);
		snprintf(e->key, sizeof e->key, "%s", key);
	}
	return e;
}

static void lower_login(const char *in, char out[ACC_LOGIN_MAX + 1])
{
	size_t i = 0;
	for (; in[i] && i < ACC_LOGIN_MAX; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static int audit_auth(struct db *db, const char *actor, const char *org, const char *action,
                      const char *key, const char *outcome, const char *request_id,
                      const char *client_addr)
{
	struct actor who = {
	    .name = actor, .org_unit = org, .request_id = request_id, .client_addr = client_addr};
	if (db_begin_write(db) != 0)
		return -1;
	if (audit_append(db, &who, action, "account", key, NULL, NULL, outcome) != 0 ||
	    db_commit(db) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int acc_login(struct db *db, const char *login_in, const char *password, const char *client_addr,
              const char *request_id, struct acc_login_result *out)
{
	memset(out, 0, sizeof *out);
	char login[ACC_LOGIN_MAX + 1];
	lower_login(login_in, login);
	int64_t now = now_s();
	const char *addr = client_addr && *client_addr ? client_addr : "-";

	pthread_mutex_lock(&throttle_lock);
	struct throttle_entry *ea = throttle_find(&throttle_addrs, addr);
	if (now - ea->since > ACC_ADDR_WINDOW) {
		ea->since = now;
		ea->failures = 0;
	}
	int throttled = ea->failures >= ACC_ADDR_FAILURES;
	struct throttle_entry *el = throttle_find(&throttle_logins, login);
	int64_t locked = el->locked_until > now ? el->locked_until : 0;
	pthread_mutex_unlock(&throttle_lock);
	if (throttled) {
		audit_auth(db, login, NULL, "auth.login", login, "throttled", request_id,
		           client_addr);
		return ACC_THROTTLED;
	}
	if (locked) {
		/* The same answer whether the login exists or not. */
		out->locked_until = locked;
		audit_auth(db, login, NULL, "auth.login", login, "locked", request_id, client_addr);
		return ACC_LOCKED;
	}

	struct db_stmt *st =
	    db_prepare(db, "SELECT a.id, a.password_hash, a.disabled, u.code FROM "
	                   "account a JOIN org_unit u ON u.id = a.org_unit_id WHERE "
	                   "a.login = ?");
	db_bind_cstr(st, 1, login);
	int rc = db_step(st);
	int64_t id = 0;
	int disabled = 1;
	char unit[32] = "";
	char hash[crypto_pwhash_STRBYTES];
	pthread_once(&dummy_once, dummy_make);
	snprintf(hash, sizeof hash, "%s", dummy_hash);
	if (rc == DB_ROW) {
		id = db_col_int64(st, 0);
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 1, NULL));
		disabled = (int)db_col_int64(st, 2);
		snprintf(unit, sizeof unit, "%s", db_col_text(st, 3, NULL));
	}
	db_reset(st);
	if (rc < 0)
		return ACC_ERROR;
	/* Unknown logins cost the same Argon2id work as known ones: no enumeration by time. */
	int ok = password_verify(hash, password) && rc == DB_ROW && !disabled;
	if (ok && principal_load(db, id, &out->p) != ACC_OK)
		ok = 0;
	pthread_mutex_lock(&throttle_lock);
	el = throttle_find(&throttle_logins, login);
	ea = throttle_find(&throttle_addrs, addr);
	if (ok) {
		el->failures = 0;
	} else {
		ea->failures++;
		if (++el->failures >= ACC_LOCK_FAILURES) {
			el->locked_until = now + ACC_LOCK_SECONDS;
			el->failures = 0;
		}
	}
	pthread_mutex_unlock(&throttle_lock);
	if (!ok) {
		/* The unit of the account tried (if it exists), so its leaders see the attempt. */
		audit_auth(db, login, unit[0] ? unit : NULL, "auth.login", login, "failed",
		           request_id, client_addr);
		return ACC_DENIED;
	}

	/* Rehash when the parameters have been raised since the hash was made. */
	if (crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                                   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		char fresh[crypto_pwhash_STRBYTES];
		if (acc_password_hash(password, fresh) == 0 && db_begin_write(db) == 0) {
			st = db_prepare(db, "UPDATE account SET password_hash = ? WHERE id = ?");
			db_bind_cstr(st, 1, fresh);
			db_bind_int64(st, 2, id);
			if (db_step(st) < 0 || db_commit(db) != 0)
				db_rollback(db);
			db_reset(st);
		}
	}

	char csrf[64];
	random_secret(out->token, sizeof out->token, "");
	random_secret(csrf, sizeof csrf, "");
	char key[65];
	secret_hash(out->token, key);
	struct actor who = {.name = out->p.login,
	                    .org_unit = out->p.org_unit,
	                    .request_id = request_id,
	                    .client_addr = client_addr};
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	st = db_prepare(db, "INSERT INTO session (token_hash, account_id, csrf_token, created_at, "
	                    "last_seen_at, client_addr) VALUES (?, ?, ?, ?, ?, ?)");
	db_bind_cstr(st, 1, key);
	db_bind_int64(st, 2, id);
	db_bind_cstr(st, 3, csrf);
	db_bind_int64(st, 4, now);
	db_bind_int64(st, 5, now);
	db_bind_cstr(st, 6, client_addr);
	rc = db_step(st);
	db_reset(st);
	if (rc < 0 ||
	    audit_append(db, &who, "auth.login", "account", out->p.login, NULL, NULL, "ok") != 0 ||
	    db_commit(db) != 0) {
		db_rollback(db);
		sodium_memzero(out->token, sizeof out->token);
		return ACC_ERROR;
	}
	snprintf(out->p.csrf, sizeof out->p.csrf, "%s", csrf);
	return ACC_OK;
}

int acc_logout(struct db *db, const struct principal *p, const char *token, const char *request_id,
               const char *client_addr)
{
	if (token == NULL)
		return ACC_OK; /* a token client has no session to end */
	char key[65];
	secret_hash(token, key);
	struct actor who = {.name = p->login,
	                    .org_unit = p->org_unit,
	                    .request_id = request_id,
	                    .client_addr = client_addr};
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	struct db_stmt *st = db_prepare(db, "UPDATE session SET revoked = 1 WHERE token_hash = ?");
	db_bind_cstr(st, 1, key);
	int rc = db_step(st);
	db_reset(st);
	if (rc < 0 ||
	    audit_append(db, &who, "auth.logout", "account", p->login, NULL, NULL, "ok") != 0 ||
	    bump_generation(db) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return ACC_ERROR;
	}
	acc_invalidate();
	return ACC_OK;
}

/* Ends every session of an account but the one whose hash is keep (or all, for NULL), and
 * with tokens_too revokes its tokens. Inside a write transaction. */
static int end_sessions(struct db *db, int64_t account, int tokens_too, const char *keep)
{
	struct db_stmt *st = db_prepare(db, "UPDATE session SET revoked = 1 WHERE account_id = ? "
	                                    "AND token_hash <> ?");
	db_bind_int64(st, 1, account);
	db_bind_cstr(st, 2, keep ? keep : "");
	int rc = db_step(st);
	db_reset(st);
	if (rc >= 0 && tokens_too) {
		st = db_prepare(db, "UPDATE api_token SET revoked_at = ? WHERE account_id = ? AND "
		                    "revoked_at IS NULL");
		db_bind_int64(st, 1, now_s());
		db_bind_int64(st, 2, account);
		rc = db_step(st);
		db_reset(st);
	}
	return rc < 0 ? -1 : 0;
}

/* Stores a new password hash for account; inside a write transaction. */
static int store_password(struct db *db, int64_t account, const char *password, int must_change)
{
	char hash[crypto_pwhash_STRBYTES], now[32];
	if (acc_password_hash(password, hash) != 0)
		return -1;
	now_iso(now);
	struct db_stmt *st = db_prepare(db, "UPDATE account SET password_hash = ?, "
	                                    "must_change_password = ?, password_changed_at = ? "
	                                    "WHERE id = ?");
	db_bind_cstr(st, 1, hash);
	db_bind_int64(st, 2, must_change);
	db_bind_cstr(st, 3, now);
	db_bind_int64(st, 4, account);
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int acc_password_change(struct db *db, const struct principal *p, const char *keep_token,
                        const char *old_password, const char *new_password, const char *request_id,
                        const char *client_addr, const char **why)
{
	char keep[65] = "";
	if (keep_token)
		secret_hash(keep_token, keep);
	struct db_stmt *st = db_prepare(db, "SELECT password_hash FROM account WHERE id = ?");
	db_bind_int64(st, 1, p->account_id);
	int rc = db_step(st);
	char hash[crypto_pwhash_STRBYTES] = "";
	if (rc == DB_ROW)
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? ACC_ERROR : ACC_NOT_FOUND;
	if (!password_verify(hash, old_password))
		return ACC_DENIED;
	if (acc_password_check(p->login, new_password, why) != 0)
		return ACC_INVALID;
	if (strcmp(old_password, new_password) == 0)
		return *why = "the new password must differ from the old one", ACC_INVALID;
	struct actor who = {.name = p->login,
	                    .org_unit = p->org_unit,
	                    .request_id = request_id,
	                    .client_addr = client_addr};
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	/* Other sessions end; this one stays (the caller is the one who changed it). */
	if (store_password(db, p->account_id, new_password, 0) != 0 ||
	    end_sessions(db, p->account_id, 0, keep_token ? keep : NULL) != 0 ||
	    audit_append(db, &who, "account.password", "account", p->login, NULL, NULL, "ok") !=
	        0) {
		db_rollback(db);
		return ACC_ERROR;
	}
	if (bump_generation(db) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return ACC_ERROR;
	}
	acc_invalidate();
	return ACC_OK;
}

/* --- Administration --- */

/* 1 if login is 2-64 of a-z 0-9 . _ - (after lower-casing). */
static int login_valid(const char *login)
{
	size_t n = strlen(login);
	if (n < 2 || n > ACC_LOGIN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '.' ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int text_valid(const char *s, size_t max_chars)
{
	size_t n = strlen(s);
	return n > 0 && utf8_invalid_at(s, n) < 0 && utf8_count(s, n) <= max_chars &&
	       !utf8_has_control(s, n, 0);
}

/* Runs sql (one text parameter, key) for a row of an id and an integer; returns the id and
 * sets *second (if not NULL), or 0 if there is no such row. */
static int64_t lookup_id(struct db *db, const char *sql, const char *key, int *second)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_cstr(st, 1, key);
	int64_t id = 0;
	if (db_step(st) == DB_ROW) {
		id = db_col_int64(st, 0);
		if (second)
			*second = (int)db_col_int64(st, 1);
	}
	db_reset(st);
	return id;
}

/* id of an org unit by code, 0 if absent; its region in *region. */
static int64_t unit_id(struct db *db, const char *code, int *region)
{
	return lookup_id(db, "SELECT id, region_code FROM org_unit WHERE code = ?", code, region);
}

/* Finds org unit code within who's jurisdiction: ACC_OK with *id and *region, or ACC_INVALID
 * with the reason for an absent unit (absent) or one outside the jurisdiction (outside). */
static int unit_check(struct db *db, const struct actor *who, const char *code, int64_t *id,
                      int *region, const char *absent, const char *outside, const char **why)
{
	*id = code ? unit_id(db, code, region) : 0;
	if (*id == 0)
		return *why = absent, ACC_INVALID;
	if (!actor_region_in_scope(who, *region))
		return *why = outside, ACC_INVALID;
	return ACC_OK;
}

/* id and scope of a role by name, 0 if absent. */
static int64_t role_id(struct db *db, const char *name, char scope[16], int *builtin)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, scope, builtin FROM role WHERE name = ?");
	db_bind_cstr(st, 1, name);
	int64_t id = 0;
	if (db_step(st) == DB_ROW) {
		id = db_col_int64(st, 0);
		if (scope)
			snprintf(scope, 16, "%s", db_col_text(st, 1, NULL));
		if (builtin)
			*builtin = (int)db_col_int64(st, 2);
	}
	db_reset(st);
	return id;
}

/* id and org region of an account by login (lower-cased), 0 if absent. */
static int64_t account_id(struct db *db, const char *login, int *region)
{
	char l[ACC_LOGIN_MAX + 1];
	lower_login(login, l);
	return lookup_id(db,
	                 "SELECT a.id, u.region_code FROM account a JOIN org_unit u ON u.id = "
	                 "a.org_unit_id WHERE a.login = ?",
	                 l, region);
}

/* Checks roles against the account's kind and sets them (inside a write transaction). */
static int set_roles(struct db *db, int64_t account, int enterprise, const char *const *roles,
                     int nroles, const char **why)
{
	int64_t ids[ACC_MAX_ROLES];
	if (nroles > ACC_MAX_ROLES)
		return *why = "an account has at most 16 roles", ACC_INVALID;
	for (int i = 0; i < nroles; i++) {
		char scope[16];
		ids[i] = role_id(db, roles[i], scope, NULL);
		if (ids[i] == 0)
			return *why = "no such role", ACC_INVALID;
		if ((strcmp(scope, "entity") == 0) != enterprise)
			return *why = enterprise
			                  ? "an enterprise account takes only roles scoped to "
			                    "its own entity"
			                  : "a role scoped to an enterprise's entity is for "
			                    "enterprise accounts",
			       ACC_INVALID;
	}
	struct db_stmt *st = db_prepare(db, "DELETE FROM account_role WHERE account_id = ?");
	db_bind_int64(st, 1, account);
	int rc = db_step(st);
	db_reset(st);
	for (int i = 0; i < nroles && rc >= 0; i++) {
		st = db_prepare(db, "INSERT OR IGNORE INTO account_role (account_id, role_id) "
		                    "VALUES (?, ?)");
		db_bind_int64(st, 1, account);
		db_bind_int64(st, 2, ids[i]);
		rc = db_step(st);
		db_reset(st);
	}
	return rc < 0 ? ACC_ERROR : ACC_OK;
}

int acc_account_create(struct db *db, const struct actor *who, const struct acc_account_spec *spec,
                       struct arena *a, const char **initial_password, const char **why)
{
	*initial_password = NULL;
	char login[ACC_LOGIN_MAX + 1];
	if (spec->login == NULL || strlen(spec->login) > ACC_LOGIN_MAX)
		return *why = "login: 2 to 64 of a-z, 0-9, '.', '_' and '-'", ACC_INVALID;
	lower_login(spec->login, login);
	if (!login_valid(login))
		return *why = "login: 2 to 64 of a-z, 0-9, '.', '_' and '-'", ACC_INVALID;
	/* Names the system itself acts under (audit entries, record creators). */
	static const char *const RESERVED[] = {"cli", "demo", "anonymous", "system", NULL};
	for (int i = 0; RESERVED[i]; i++)
		if (strcmp(login, RESERVED[i]) == 0)
			return *why = "login: reserved for the system", ACC_INVALID;
	if (spec->display_name == NULL || !text_valid(spec->display_name, ACC_NAME_MAX))
		return *why = "display_name: 1 to 100 characters", ACC_INVALID;
	int64_t unit;
	int unit_region = 0;
	if (unit_check(db, who, spec->org_unit, &unit, &unit_region, "org_unit: no such org unit",
	               "org_unit: outside your jurisdiction", why) != ACC_OK)
		return ACC_INVALID;
	int enterprise = spec->credit_code != NULL;
	if (enterprise) {
		struct actor all = {.name = who->name, .all_regions = 1};
		struct record r;
		if (uscc_check(spec->credit_code, strlen(spec->credit_code), NULL) != USCC_OK ||
		    registry_get(db, &all, spec->credit_code, a, &r) != REG_OK)
			return *why = "credit_code: not a registered enterprise", ACC_INVALID;
	}
	char generated[17];
	const char *password = spec->password;
	if (password == NULL) {
		random_password(generated);
		password = generated;
	} else if (acc_password_check(login, password, why) != 0) {
		return ACC_INVALID;
	}
	char hash[crypto_pwhash_STRBYTES], now[32];
	if (acc_password_hash(password, hash) != 0)
		return ACC_ERROR;
	now_iso(now);
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	if (account_id(db, login, NULL)) {
		db_rollback(db);
		return *why = "login: already taken", ACC_CONFLICT;
	}
	int64_t id;
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO account (id, login, display_name, kind, org_unit_id, credit_code, "
	        "password_hash, must_change_password, created_at, password_changed_at) VALUES "
	        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int rc = db_id_next(db, &id);
	if (rc == 0) {
		db_bind_int64(st, 1, id);
		db_bind_cstr(st, 2, login);
		db_bind_cstr(st, 3, spec->display_name);
		db_bind_cstr(st, 4, enterprise ? "enterprise" : "staff");
		db_bind_int64(st, 5, unit);
		db_bind_cstr(st, 6, spec->credit_code);
		db_bind_cstr(st, 7, hash);
		db_bind_int64(st, 8, spec->must_change != 0);
		db_bind_cstr(st, 9, now);
		db_bind_cstr(st, 10, now);
		rc = db_step(st);
		db_reset(st);
	}
	int r = rc < 0 ? ACC_ERROR : set_roles(db, id, enterprise, spec->roles, spec->nroles, why);
	if (r == ACC_OK) {
		const char *after = acc_account_json(db, who, login, a);
		if (audit_append(db, who, "account.create", "account", login, NULL, after, "ok") !=
		    0)
			r = ACC_ERROR;
	}
	if (r != ACC_OK || db_commit(db) != 0) {
		db_rollback(db);
		sodium_memzero(generated, sizeof generated);
		return r != ACC_OK ? r : ACC_ERROR;
	}
	if (spec->password == NULL)
		*initial_password = arena_strdup(a, generated);
	sodium_memzero(generated, sizeof generated);
	return ACC_OK;
}

int acc_account_reset_password(struct db *db, const struct actor *who, const char *login,
                               const char *password, struct arena *a, const char **new_password,
                               const char **why)
{
	*new_password = NULL;
	int region = 0;
	int64_t id = account_id(db, login, &region);
	if (id == 0 || !actor_region_in_scope(who, region))
		return ACC_NOT_FOUND;
	char generated[17];
	if (password == NULL) {
		random_password(generated);
		password = generated;
	} else if (acc_password_check(login, password, why) != 0) {
		return ACC_INVALID;
	}
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	if (store_password(db, id, password, 1) != 0 || end_sessions(db, id, 0, NULL) != 0 ||
	    audit_append(db, who, "account.password_reset", "account", login, NULL, NULL, "ok") !=
	        0 ||
	    bump_generation(db) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		sodium_memzero(generated, sizeof generated);
		return ACC_ERROR;
	}
	acc_invalidate();
	if (password == generated)
		*new_password = arena_strdup(a, generated);
	sodium_memzero(generated, sizeof generated);
	return ACC_OK;
}

int acc_account_set_disabled(struct db *db, const struct actor *who, const char *login,
                             int disabled)
{
	int region = 0;
	int64_t id = account_id(db, login, &region);
	if (id == 0 || !actor_region_in_scope(who, region))
		return ACC_NOT_FOUND;
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	struct db_stmt *st = db_prepare(db, "UPDATE account SET disabled = ? WHERE id = ?");
	db_bind_int64(st, 1, disabled != 0);
	db_bind_int64(st, 2, id);
	int rc = db_step(st);
	db_reset(st);
	/* Disabling revokes at once: sessions end and tokens die with the account. */
	if (rc < 0 || (disabled && end_sessions(db, id, 1, NULL) != 0) ||
	    audit_append(db, who, disabled ? "account.disable" : "account.enable", "account", login,
	                 NULL, NULL, "ok") != 0 ||
	    bump_generation(db) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return ACC_ERROR;
	}
	acc_invalidate();
	return ACC_OK;
}

int acc_account_update(struct db *db, const struct actor *who, const char *login,
                       const char *display_name, const char *org_unit, const char *const *roles,
                       int nroles, const char **why)
{
	struct arena a = {0};
	int region = 0, r = ACC_OK;
	int64_t id = account_id(db, login, &region);
	if (id == 0 || !actor_region_in_scope(who, region))
		return ACC_NOT_FOUND;
	if (display_name && !text_valid(display_name, ACC_NAME_MAX))
		return *why = "display_name: 1 to 100 characters", ACC_INVALID;
	int64_t unit = 0;
	int unit_region = 0;
	if (org_unit &&
	    unit_check(db, who, org_unit, &unit, &unit_region, "org_unit: no such org unit",
	               "org_unit: outside your jurisdiction", why) != ACC_OK)
		return ACC_INVALID;
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	const char *before = acc_account_json(db, who, login, &a);
	struct db_stmt *st = db_prepare(
	    db, "UPDATE account SET display_name = coalesce(?, display_name), org_unit_id = "
	        "coalesce(?, org_unit_id) WHERE id = ?");
	db_bind_cstr(st, 1, display_name);
	if (unit)
		db_bind_int64(st, 2, unit);
	else
		db_bind_null(st, 2);
	db_bind_int64(st, 3, id);
	int rc = db_step(st);
	db_reset(st);
	if (rc < 0)
		r = ACC_ERROR;
	if (r == ACC_OK && roles) {
		st = db_prepare(db, "SELECT kind = 'enterprise' FROM account WHERE id = ?");
		db_bind_int64(st, 1, id);
		int enterprise = db_step(st) == DB_ROW && db_col_int64(st, 0);
		db_reset(st);
		r = set_roles(db, id, enterprise, roles, nroles, why);
	}
	if (r == ACC_OK) {
		const char *after = acc_account_json(db, who, login, &a);
		if (audit_append(db, who, "account.update", "account", login, before, after,
		                 "ok") != 0)
			r = ACC_ERROR;
	}
	if (r != ACC_OK || bump_generation(db) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		arena_free(&a);
		return r != ACC_OK ? r : ACC_ERROR;
	}
	arena_free(&a);
	acc_invalidate();
	return ACC_OK;
}

/* Appends the account at the statement's row as JSON: columns id, login, display_name, kind,
 * unit code, credit_code, disabled, must_change, created_at, password_changed_at. */
static void account_row_json(struct db *db, struct db_stmt *st, struct buf *b)
{
	int64_t id = db_col_int64(st, 0);
	buf_puts(b, "{\"login\":");
	const char *s = db_col_text(st, 1, NULL);
	json_write_string(b, s, strlen(s));
	buf_puts(b, ",\"display_name\":");
	s = db_col_text(st, 2, NULL);
	json_write_string(b, s, strlen(s));
	buf_printf(b, ",\"kind\":\"%s\",\"org_unit\":", db_col_text(st, 3, NULL));
	s = db_col_text(st, 4, NULL);
	json_write_string(b, s, strlen(s));
	buf_puts(b, ",\"credit_code\":");
	if (db_col_is_null(st, 5))
		buf_puts(b, "null");
	else
		buf_printf(b, "\"%s\"", db_col_text(st, 5, NULL));
	buf_printf(b,
	           ",\"disabled\":%s,\"must_change_password\":%s,\"created_at\":\"%s\","
	           "\"password_changed_at\":",
	           db_col_int64(st, 6) ? "true" : "false", db_col_int64(st, 7) ? "true" : "false",
	           db_col_text(st, 8, NULL));
	if (db_col_is_null(st, 9))
		buf_puts(b, "null");
	else
		buf_printf(b, "\"%s\"", db_col_text(st, 9, NULL));
	buf_puts(b, ",\"roles\":[");
	struct db_stmt *rs =
	    db_prepare(db, "SELECT r.name FROM role r JOIN account_role ar ON "
	                   "ar.role_id = r.id WHERE ar.account_id = ? ORDER BY r.name");
	db_bind_int64(rs, 1, id);
	int first = 1;
	while (db_step(rs) == DB_ROW) {
		s = db_col_text(rs, 0, NULL);
		if (!first)
			buf_putc(b, ',');
		first = 0;
		json_write_string(b, s, strlen(s));
	}
	db_reset(rs);
	buf_puts(b, "]}");
}

#define ACCOUNT_COLS                                                                               \
	"SELECT a.id, a.login, a.display_name, a.kind, u.code, a.credit_code, a.disabled, "        \
	"a.must_change_password, a.created_at, a.password_changed_at, u.region_code FROM account " \
	"a JOIN org_unit u ON u.id = a.org_unit_id "

const char *acc_account_json(struct db *db, const struct actor *who, const char *login,
                             struct arena *a)
{
	char l[ACC_LOGIN_MAX + 1];
	lower_login(login, l);
	struct db_stmt *st = db_prepare(db, ACCOUNT_COLS "WHERE a.login = ?");
	db_bind_cstr(st, 1, l);
	const char *out = NULL;
	if (db_step(st) == DB_ROW && actor_region_in_scope(who, (int)db_col_int64(st, 10))) {
		struct buf b = {0};
		account_row_json(db, st, &b);
		out = arena_strdup(a, b.data);
		buf_free(&b);
	}
	db_reset(st);
	return out;
}

int acc_accounts_list(struct db *db, const struct actor *who,
                      void (*fn)(void *ctx, const char *json), void *ctx)
{
	struct db_stmt *st = db_prepare(db, ACCOUNT_COLS "ORDER BY a.login");
	struct buf b = {0};
	int rc;
	/* Rows are written first and handed on after, as account_row_json runs its own query. */
	struct buf all = {0};
	while ((rc = db_step(st)) == DB_ROW) {
		if (!actor_region_in_scope(who, (int)db_col_int64(st, 10)))
			continue;
		buf_reset(&b);
		account_row_json(db, st, &b);
		buf_append(&all, b.data, b.len + 1);
	}
	db_reset(st);
	for (size_t off = 0; off < all.len; off += strlen(all.data + off) + 1)
		fn(ctx, all.data + off);
	buf_free(&b);
	buf_free(&all);
	return rc < 0 ? ACC_ERROR : ACC_OK;
}

const char *acc_roles_json(struct db *db, struct arena *a)
{
	struct buf b = {0};
	buf_putc(&b, '[');
	struct db_stmt *st = db_prepare(db, "SELECT id, name, label, builtin, scope FROM role "
	                                    "ORDER BY id");
	int first = 1;
	int64_t ids[256];
	struct buf rows = {0};
	int n = 0;
	while (db_step(st) == DB_ROW && n < 256) {
		ids[n++] = db_col_int64(st, 0);
		if (!first)
			buf_putc(&rows, ',');
		first = 0;
		buf_puts(&rows, "{\"name\":");
		const char *s = db_col_text(st, 1, NULL);
		json_write_string(&rows, s, strlen(s));
		buf_puts(&rows, ",\"label\":");
		s = db_col_text(st, 2, NULL);
		json_write_string(&rows, s, strlen(s));
		buf_printf(&rows, ",\"builtin\":%s,\"scope\":\"%s\"\x1f",
		           db_col_int64(st, 3) ? "true" : "false", db_col_text(st, 4, NULL));
	}
	db_reset(st);
	/* Each row's permissions and units come from queries of their own. */
	const char *p = rows.data ? rows.data : "";
	for (int i = 0; i < n; i++) {
		const char *end = strchr(p, '\x1f');
		buf_append(&b, p, (size_t)(end - p));
		p = end + 1;
		buf_puts(&b, ",\"permissions\":[");
		st = db_prepare(db, "SELECT module || ':' || action FROM role_permission WHERE "
		                    "role_id = ? ORDER BY module, action");
		db_bind_int64(st, 1, ids[i]);
		for (int k = 0; db_step(st) == DB_ROW; k++)
			buf_printf(&b, "%s\"%s\"", k ? "," : "", db_col_text(st, 0, NULL));
		db_reset(st);
		buf_puts(&b, "],\"units\":[");
		st = db_prepare(db, "SELECT u.code FROM role_unit ru JOIN org_unit u ON u.id = "
		                    "ru.org_unit_id WHERE ru.role_id = ? ORDER BY u.code");
		db_bind_int64(st, 1, ids[i]);
		for (int k = 0; db_step(st) == DB_ROW; k++) {
			const char *s = db_col_text(st, 0, NULL);
			if (k)
				buf_putc(&b, ',');
			json_write_string(&b, s, strlen(s));
		}
		db_reset(st);
		buf_puts(&b, "]}");
	}
	buf_putc(&b, ']');
	const char *out = arena_strdup(a, b.data);
	buf_free(&b);
	buf_free(&rows);
	return out;
}

int acc_role_put(struct db *db, const struct actor *who, const char *name, const char *label,
                 const char *scope, const char *const *perms, int nperms, const char *const *units,
                 int nunits, const char **why)
{
	static const char *const SCOPES[] = {"all",  "units", "unit_and_below",
	                                     "unit", "own",   "entity"};
	if (name == NULL || !login_valid(name) || strlen(name) > 31)
		return *why = "name: 2 to 31 of a-z, 0-9, '.', '_' and '-'", ACC_INVALID;
	if (label == NULL || !text_valid(label, ACC_NAME_MAX))
		return *why = "label: 1 to 100 characters", ACC_INVALID;
	int ok = 0;
	for (size_t i = 0; scope && i < sizeof SCOPES / sizeof SCOPES[0]; i++)
		ok |= strcmp(scope, SCOPES[i]) == 0;
	if (!ok)
		return *why = "scope: all, units, unit_and_below, unit, own or entity", ACC_INVALID;
	for (int i = 0; i < nperms; i++) {
		int m, a;
		if (perm_parse(perms[i], &m, &a) != 0)
			return *why = "permissions: each is module:action with a known module and "
			              "action",
			       ACC_INVALID;
	}
	if ((nunits > 0) != (strcmp(scope, "units") == 0))
		return *why = "units: given exactly when the scope is units", ACC_INVALID;
	if (nunits > ACTOR_MAX_RANGES)
		return *why = "units: at most 8", ACC_INVALID;
	int64_t uids[ACTOR_MAX_RANGES];
	for (int i = 0; i < nunits; i++)
		if ((uids[i] = unit_id(db, units[i], NULL)) == 0)
			return *why = "units: no such org unit", ACC_INVALID;
	int builtin = 0;
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	int64_t id = role_id(db, name, NULL, &builtin);
	if (builtin) {
		db_rollback(db);
		return *why = "built-in roles cannot be changed", ACC_DENIED;
	}
	struct db_stmt *st;
	int rc = 0;
	if (id == 0) {
		st = db_prepare(db, "INSERT INTO role (name, label, scope) VALUES (?, ?, ?)");
		db_bind_cstr(st, 1, name);
		db_bind_cstr(st, 2, label);
		db_bind_cstr(st, 3, scope);
		rc = db_step(st);
		db_reset(st);
		id = role_id(db, name, NULL, NULL);
	} else {
		st = db_prepare(db, "UPDATE role SET label = ?, scope = ? WHERE id = ?");
		db_bind_cstr(st, 1, label);
		db_bind_cstr(st, 2, scope);
		db_bind_int64(st, 3, id);
		rc = db_step(st);
		db_reset(st);
	}
	static const char *const CLEAR[] = {"DELETE FROM role_permission WHERE role_id = ?",
	                                    "DELETE FROM role_unit WHERE role_id = ?"};
	for (int k = 0; k < 2 && rc >= 0; k++) {
		st = db_prepare(db, CLEAR[k]);
		db_bind_int64(st, 1, id);
		rc = db_step(st);
		db_reset(st);
	}
	for (int i = 0; i < nperms && rc >= 0; i++) {
		int m, a;
		perm_parse(perms[i], &m, &a);
		st = db_prepare(db,
		                "INSERT OR IGNORE INTO role_permission (role_id, module, action) "
		                "VALUES (?, ?, ?)");
		db_bind_int64(st, 1, id);
		db_bind_cstr(st, 2, ACC_MODULES[m]);
		db_bind_cstr(st, 3, ACC_ACTIONS[a]);
		rc = db_step(st);
		db_reset(st);
	}
	for (int i = 0; i < nunits && rc >= 0; i++) {
		st = db_prepare(
		    db, "INSERT OR IGNORE INTO role_unit (role_id, org_unit_id) VALUES (?, ?)");
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, uids[i]);
		rc = db_step(st);
		db_reset(st);
	}
	char after[256];
	snprintf(after, sizeof after, "{\"scope\":\"%s\",\"permissions\":%d,\"units\":%d}", scope,
	         nperms, nunits);
	if (rc < 0 || audit_append(db, who, "role.put", "role", name, NULL, after, "ok") != 0 ||
	    bump_generation(db) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return ACC_ERROR;
	}
	acc_invalidate();
	return ACC_OK;
}

const char *acc_org_units_json(struct db *db, struct arena *a)
{
	struct buf b = {0};
	buf_putc(&b, '[');
	struct db_stmt *st = db_prepare(
	    db, "SELECT u.code, u.name, u.kind, u.region_code, p.code FROM org_unit u LEFT JOIN "
	        "org_unit p ON p.id = u.parent_id ORDER BY u.code");
	for (int k = 0; db_step(st) == DB_ROW; k++) {
		if (k)
			buf_putc(&b, ',');
		const char *s = db_col_text(st, 0, NULL);
		buf_puts(&b, "{\"code\":");
		json_write_string(&b, s, strlen(s));
		buf_puts(&b, ",\"name\":");
		s = db_col_text(st, 1, NULL);
		json_write_string(&b, s, strlen(s));
		buf_printf(&b, ",\"kind\":\"%s\",\"region_code\":\"%06lld\",\"parent\":",
		           db_col_text(st, 2, NULL), (long long)db_col_int64(st, 3));
		if (db_col_is_null(st, 4)) {
			buf_puts(&b, "null}");
		} else {
			s = db_col_text(st, 4, NULL);
			json_write_string(&b, s, strlen(s));
			buf_putc(&b, '}');
		}
	}
	db_reset(st);
	buf_putc(&b, ']');
	const char *out = arena_strdup(a, b.data);
	buf_free(&b);
	return out;
}

int acc_org_unit_add(struct db *db, const struct actor *who, const char *code, const char *name,
                     const char *kind, const char *parent_code, const char **why)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 2 || n > 31 || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n)
		return *why = "code: 2 to 31 of A-Z, 0-9 and '-'", ACC_INVALID;
	if (name == NULL || !text_valid(name, ACC_NAME_MAX))
		return *why = "name: 1 to 100 characters", ACC_INVALID;
	if (kind == NULL || (strcmp(kind, "institution") != 0 && strcmp(kind, "lab") != 0 &&
	                     strcmp(kind, "office") != 0))
		return *why = "kind: institution, lab or office", ACC_INVALID;
	int64_t parent;
	int region = 0;
	if (unit_check(db, who, parent_code, &parent, &region, "parent: no such org unit",
	               "parent: outside your jurisdiction", why) != ACC_OK)
		return ACC_INVALID;
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	if (unit_id(db, code, NULL)) {
		db_rollback(db);
		return *why = "code: already taken", ACC_CONFLICT;
	}
	struct db_stmt *st = db_prepare(db, "INSERT INTO org_unit (code, name, kind, region_code, "
	                                    "parent_id) VALUES (?, ?, ?, ?, ?)");
	db_bind_cstr(st, 1, code);
	db_bind_cstr(st, 2, name);
	db_bind_cstr(st, 3, kind);
	db_bind_int64(st, 4, region);
	db_bind_int64(st, 5, parent);
	int rc = db_step(st);
	db_reset(st);
	if (rc < 0 ||
	    audit_append(db, who, "org_unit.create", "org_unit", code, NULL, NULL, "ok") != 0 ||
	    db_commit(db) != 0) {
		db_rollback(db);
		return ACC_ERROR;
	}
	return ACC_OK;
}

int acc_seed(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM org_unit");
	int64_t have = db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
	db_reset(st);
	if (have != 0)
		return have > 0 ? 0 : -1;
	size_t n;
	const struct region *r = regions_all(&n);
	if (n == 0) {
		/* Regions are loaded into memory after migrations; seed from the table instead. */
		if (regions_load(db) != 0)
			return -1;
		r = regions_all(&n);
	}
	if (db_begin_write(db) != 0)
		return -1;
	int rc = 0;
	/* Regions come sorted by code, so a parent's unit exists before its children's. */
	for (size_t i = 0; i < n && rc >= 0; i++) {
		char code[8], name[256];
		snprintf(code, sizeof code, "%06d", r[i].code);
		snprintf(name, sizeof name, "%s%s", r[i].name_zh,
		         r[i].level == REGION_COUNTY ? "质量技术监督分局" : "质量技术监督局");
		st = db_prepare(db,
		                "INSERT INTO org_unit (code, name, kind, region_code, parent_id) "
		                "VALUES (?, ?, ?, ?, (SELECT id FROM org_unit WHERE region_code "
		                "= ? AND kind <> 'office' AND kind <> 'lab' AND kind <> "
		                "'institution'))");
		db_bind_cstr(st, 1, code);
		db_bind_cstr(st, 2, name);
		db_bind_cstr(st, 3, r[i].level == REGION_COUNTY ? "office" : "bureau");
		db_bind_int64(st, 4, r[i].code);
		if (r[i].parent)
			db_bind_int64(st, 5, r[i].parent);
		else
			db_bind_null(st, 5);
		rc = db_step(st);
		db_reset(st);
	}
	if (rc < 0 || db_commit(db) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* --- API tokens --- */

int acc_token_create(struct db *db, const struct actor *who, const char *login, const char *name,
                     const char *const *scopes, int nscopes, int days, struct arena *a,
                     const char **token, int64_t *id, const char **why)
{
	*token = NULL;
	int region = 0;
	int64_t account = account_id(db, login, &region);
	if (account == 0)
		return ACC_NOT_FOUND;
	if (name == NULL || !text_valid(name, ACC_NAME_MAX))
		return *why = "name: 1 to 100 characters", ACC_INVALID;
	if (days < 1 || days > ACC_TOKEN_MAX_DAYS)
		return *why = "days: 1 to 366", ACC_INVALID;
	if (nscopes < 1 || nscopes > ACC_NMODULES * ACC_NACTIONS)
		return *why = "scopes: at least one module:action", ACC_INVALID;
	struct principal owner;
	if (principal_load(db, account, &owner) != ACC_OK)
		return *why = "the account is disabled", ACC_INVALID;
	struct buf sc = {0};
	for (int i = 0; i < nscopes; i++) {
		int m, ac;
		if (perm_parse(scopes[i], &m, &ac) != 0 || !((owner.perms[m] >> ac) & 1)) {
			buf_free(&sc);
			return *why =
			           "scopes: each must be a module:action the account itself may do",
			       ACC_INVALID;
		}
		buf_printf(&sc, "%s%s", i ? " " : "", scopes[i]);
	}
	char secret[ACC_TOKEN_TEXT], key[65];
	random_secret(secret, sizeof secret, "jzt_");
	secret_hash(secret, key);
	int64_t now = now_s();
	int r = ACC_ERROR;
	if (db_begin_write(db) == 0) {
		struct db_stmt *st = db_prepare(
		    db, "INSERT INTO api_token (id, account_id, name, token_hash, scopes, "
		        "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
		int rc = db_id_next(db, id);
		if (rc == 0) {
			db_bind_int64(st, 1, *id);
			db_bind_int64(st, 2, account);
			db_bind_cstr(st, 3, name);
			db_bind_cstr(st, 4, key);
			db_bind_cstr(st, 5, sc.data);
			db_bind_int64(st, 6, now);
			db_bind_int64(st, 7, now + (int64_t)days * 86400);
			rc = db_step(st);
			db_reset(st);
		}
		struct buf after = {0};
		buf_printf(&after, "{\"id\":\"%lld\",\"scopes\":\"%s\",\"days\":%d}",
		           (long long)*id, sc.data, days);
		int ok = rc >= 0 &&
		         audit_append(db, who, "token.create", "account", owner.login, NULL,
		                      after.data, "ok") == 0 &&
		         db_commit(db) == 0;
		buf_free(&after);
		if (ok)
			r = ACC_OK;
		else
			db_rollback(db);
	}
	buf_free(&sc);
	if (r == ACC_OK)
		*token = arena_strdup(a, secret);
	sodium_memzero(secret, sizeof secret);
	return r;
}

int acc_token_revoke(struct db *db, const struct actor *who, const char *login, int64_t id)
{
	int64_t account = login ? account_id(db, login, NULL) : 0;
	if (login && account == 0)
		return ACC_NOT_FOUND; /* never "any account's" by accident */
	if (db_begin_write(db) != 0)
		return ACC_ERROR;
	struct db_stmt *st = db_prepare(db, "UPDATE api_token SET revoked_at = ? WHERE id = ? AND "
	                                    "(? = 0 OR account_id = ?) AND revoked_at IS NULL");
	db_bind_int64(st, 1, now_s());
	db_bind_int64(st, 2, id);
	db_bind_int64(st, 3, account);
	db_bind_int64(st, 4, account);
	int rc = db_step(st);
	db_reset(st);
	if (rc < 0 || db_changes(db) == 0) {
		db_rollback(db);
		return rc < 0 ? ACC_ERROR : ACC_NOT_FOUND;
	}
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	if (audit_append(db, who, "token.revoke", "api_token", key, NULL, NULL, "ok") != 0 ||
	    bump_generation(db) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return ACC_ERROR;
	}
	acc_invalidate();
	return ACC_OK;
}

const char *acc_tokens_json(struct db *db, const char *login, struct arena *a)
{
	struct buf b = {0};
	buf_putc(&b, '[');
	struct db_stmt *st = db_prepare(
	    db, "SELECT t.id, t.name, t.scopes, t.created_at, t.expires_at, t.revoked_at, "
	        "t.last_used_at FROM api_token t JOIN account a ON a.id = t.account_id WHERE "
	        "a.login = ? ORDER BY t.id");
	char l[ACC_LOGIN_MAX + 1];
	lower_login(login, l);
	db_bind_cstr(st, 1, l);
	for (int k = 0; db_step(st) == DB_ROW; k++) {
		buf_printf(&b, "%s{\"id\":\"%lld\",\"name\":", k ? "," : "",
		           (long long)db_col_int64(st, 0));
		const char *s = db_col_text(st, 1, NULL);
		json_write_string(&b, s, strlen(s));
		buf_puts(&b, ",\"scopes\":[");
		char *scopes = xstrdup(db_col_text(st, 2, NULL));
		char *save = NULL;
		int first = 1;
		for (char *t = strtok_r(scopes, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			buf_printf(&b, "%s\"%s\"", first ? "" : ",", t);
			first = 0;
		}
		free(scopes);
		buf_printf(&b, "],\"created_at\":%lld,\"expires_at\":%lld,\"revoked_at\":",
		           (long long)db_col_int64(st, 3), (long long)db_col_int64(st, 4));
		if (db_col_is_null(st, 5))
			buf_puts(&b, "null");
		else
			buf_printf(&b, "%lld", (long long)db_col_int64(st, 5));
		buf_puts(&b, ",\"last_used_at\":");
		if (db_col_is_null(st, 6))
			buf_puts(&b, "null}");
		else
			buf_printf(&b, "%lld}", (long long)db_col_int64(st, 6));
	}
	db_reset(st);
	buf_putc(&b, ']');
	const char *out = arena_strdup(a, b.data);
	buf_free(&b);
	return out;
}

int acc_each_holder(struct db *db, const char *role, int lo, int hi, acc_holder_fn fn, void *ctx)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT a.login, a.display_name, u.region_code FROM account a JOIN org_unit u ON "
	        "u.id = a.org_unit_id JOIN account_role ar ON ar.account_id = a.id JOIN role r ON "
	        "r.id = ar.role_id WHERE r.name = ? AND a.kind = 'staff' AND a.disabled = 0 AND "
	        "u.region_code BETWEEN ? AND ? ORDER BY a.login");
	if (st == NULL)
		return ACC_ERROR;
	db_bind_cstr(st, 1, role);
	db_bind_int64(st, 2, lo);
	db_bind_int64(st, 3, hi);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		if (fn(ctx, db_col_text(st, 0, NULL), db_col_text(st, 1, NULL),
		       (int)db_col_int64(st, 2)) != 0) {
			rc = DB_DONE;
			break;
		}
	db_reset(st);
	return rc == DB_DONE ? ACC_OK : ACC_ERROR;
}

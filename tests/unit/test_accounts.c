/*
 * Unit tests of the accounts service (src/modules/accounts/service.c) on a fresh migrated
 * database per test, with the region tree loaded: the password rules, hashing, sign-in,
 * lockout per login and throttling per address, sessions and their idle and absolute expiry,
 * logout, disabling, API tokens (scopes within the account's permissions, expiry,
 * revocation), how roles compose a principal's permissions and data scope, validation of
 * new accounts, built-in roles, and the seeded org units. The service file is included so
 * that the one thing a test cannot wait for, a lock running out after 15 minutes, can be
 * simulated in its in-memory throttle table. After the writes the audit chain is verified.
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

#include "../../src/modules/accounts/service.c"

#include "modules/regions/service.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "modules/registry/uscc.h"
#include "platform/audit.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/migrate.h"

#define GOOD_PASSWORD "Qomolangma-8848"

static const struct actor ROOT = {.name = "test:root", .all_regions = 1};
static const struct actor SHIGATSE_ONLY = {
    .name = "test:shigatse", .nranges = 1, .lo = {540200}, .hi = {540299}};

struct fx {
	struct tempdb tmp; /* its database file */
	struct db *db;  /* connection */
	struct arena a; /* scratch for the test */
};

/* The region tree is process-wide: loaded once; acc_init once per process. */
static int group_setup(void **state)
{
	(void)state;
	if (tempdb_load_regions() != 0)
		return -1;
	acc_init();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	regions_free();
	return 0;
}

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	if (tempdb_make(&x->tmp, "accounts") != 0)
		return -1;
	if (db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0)
		return -1;
	acc_invalidate();
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	db_close(x->db);
	arena_free(&x->a);
	tempdb_remove(&x->tmp);
	free(x);
	return 0;
}

/* ---- helpers ---- */

/* A client address of its own for each call: the per-address throttle is process-wide. */
static const char *fresh_addr(struct fx *x)
{
	static int n;
	n++;
	return arena_printf(&x->a, "10.%d.%d.%d", (n >> 16) & 255, (n >> 8) & 255, n & 255);
}

static void exec_sql(struct fx *x, const char *sql)
{
	if (db_exec(x->db, sql) != 0)
		fail_msg("%s: %s", sql, db_errmsg(x->db));
}

static int64_t query_int(struct fx *x, const char *sql)
{
	struct db_stmt *st = db_prepare_once(x->db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t v = db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

static int64_t count_audit(struct fx *x, const char *action, const char *key, const char *outcome)
{
	struct db_stmt *st = db_prepare_once(
	    x->db, "SELECT count(*) FROM audit_log WHERE action = ? AND entity_key = ? AND "
	           "outcome = ?");
	db_bind_cstr(st, 1, action);
	db_bind_cstr(st, 2, key);
	db_bind_cstr(st, 3, outcome);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int64(st, 0);
	db_finalize(st);
	return n;
}

static void assert_audit_intact(struct fx *x)
{
	int64_t bad = 0, checked = 0;
	int rc = audit_verify(x->db, &bad, &checked);
	if (rc != 0)
		fail_msg("audit chain broken at entry %lld (rc %d)", (long long)bad, rc);
	assert_true(checked > 0);
}

/* Creates an account; roles is a NULL-terminated list. Returns acc_account_create's result
 * with the reason in *why (may be NULL). */
static int make_account(struct fx *x, const struct actor *who, const char *login, const char *unit,
                        const char *credit_code, const char *password, int must_change,
                        const char **why, ...)
{
	struct acc_account_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.login = login;
	spec.display_name = "测试 Test";
	spec.org_unit = unit;
	spec.credit_code = credit_code;
	spec.password = password;
	spec.must_change = must_change;
	va_list ap;
	va_start(ap, why);
	const char *role;
	while ((role = va_arg(ap, const char *)) != NULL && spec.nroles < ACC_MAX_ROLES)
		spec.roles[spec.nroles++] = role;
	va_end(ap);
	const char *initial = NULL, *w = NULL;
	int rc = acc_account_create(x->db, who, &spec, &x->a, &initial, &w);
	if (why)
		*why = w;
	return rc;
}

/* Creates an account that must succeed, with GOOD_PASSWORD and no forced change. */
#define ACCOUNT_OK(x, login, unit, credit, ...)                                                    \
	do {                                                                                       \
		const char *why_ = NULL;                                                           \
		int rc_ = make_account(x, &ROOT, login, unit, credit, GOOD_PASSWORD, 0, &why_,     \
		                       __VA_ARGS__, (const char *)NULL);                           \
		if (rc_ != ACC_OK)                                                                 \
			fail_msg("creating %s: rc %d: %s", login, rc_, why_ ? why_ : "");          \
	} while (0)

static int do_login(struct fx *x, const char *login, const char *password, const char *addr,
                    struct acc_login_result *out)
{
	return acc_login(x->db, login, password, addr, "req-test", out);
}

/* Signs in with GOOD_PASSWORD from an address of its own; fails the test otherwise. */
static void login_ok(struct fx *x, const char *login, struct acc_login_result *out)
{
	int rc = do_login(x, login, GOOD_PASSWORD, fresh_addr(x), out);
	if (rc != ACC_OK)
		fail_msg("login %s: rc %d", login, rc);
}

/* A valid credit code with the region digits 540000, distinct for each n. */
static const char *code_n(struct fx *x, unsigned n)
{
	char c[19];
	snprintf(c, sizeof c, "91540000%08u", n % 100000000u);
	c[16] = uscc_org_check_char(c + 8);
	c[17] = uscc_check_char(c);
	c[18] = '\0';
	return arena_strdup(&x->a, c);
}

static void register_enterprise(struct fx *x, const char *code, const char *region)
{
	struct record r, out;
	record_init(&r, &ENTERPRISE_TYPE);
	const char *pairs[][2] = {{"credit_code", code},
	                          {"name", "测试企业"},
	                          {"region_code", region},
	                          {"industry", "C"}};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		struct field_error err;
		int f = fields_find(&ENTERPRISE_TYPE, pairs[i][0], strlen(pairs[i][0]));
		assert_true(f >= 0);
		if (record_set_text(&r, &x->a, f, pairs[i][1], strlen(pairs[i][1]), &err) != 0)
			fail_msg("%s: %s", pairs[i][0], err.message);
	}
	struct field_error err;
	memset(&err, 0, sizeof err);
	int rc = registry_create(x->db, &ROOT, &r, &x->a, &out, &err);
	if (rc != REG_OK)
		fail_msg("registering %s: %d %s", code, rc, err.message);
}

/* Issues a token for login with the given scopes (NULL-terminated). */
static int make_token(struct fx *x, const char *login, int days, const char **token, int64_t *id,
                      const char **why, ...)
{
	const char *scopes[ACC_NMODULES * ACC_NACTIONS];
	int n = 0;
	va_list ap;
	va_start(ap, why);
	const char *s;
	while ((s = va_arg(ap, const char *)) != NULL)
		scopes[n++] = s;
	va_end(ap);
	const char *w = NULL;
	*token = NULL;
	int rc = acc_token_create(x->db, &ROOT, login, "unit test", scopes, n, days, &x->a, token,
	                          id, &w);
	if (why)
		*why = w;
	return rc;
}

static int authn(struct fx *x, const char *secret, int is_token, struct principal *p)
{
	return acc_authenticate(x->db, secret, is_token, p);
}

/* ---- password rules ---- */

static void expect_password(const char *login, const char *pw, int ok, const char *why_part)
{
	const char *why = NULL;
	int rc = acc_password_check(login, pw, &why);
	if (ok && rc != 0)
		fail_msg("password %s for %s refused: %s", pw, login, why ? why : "(no reason)");
	if (!ok) {
		if (rc == 0)
			fail_msg("password \"%s\" for %s accepted", pw, login);
		if (why == NULL)
			fail_msg("password \"%s\" refused without a reason", pw);
		if (why_part && strstr(why, why_part) == NULL)
			fail_msg("password \"%s\": reason \"%s\" does not mention \"%s\"", pw, why,
			         why_part);
	}
}

static void test_password_length_in_characters(void **state)
{
	(void)state;
	expect_password("zhaxi", "Abcdefgh1!", 1, NULL); /* 10 ASCII */
	expect_password("zhaxi", "Abcdefg1!", 0, "10 characters");
	/* Chinese: 10 characters (28 bytes) pass, 9 characters (25 bytes) do not. */
	expect_password("zhaxi", "质量Ab1质量监督局", 1, NULL);
	expect_password("zhaxi", "质量Ab1质量监督", 0, "10 characters");
	/* Tibetan (counted in code points): 11 pass, 9 (23 bytes) do not. */
	expect_password("zhaxi", "བཀྲ་ཤིས་Ab1", 1, NULL);
	expect_password("zhaxi", "བཀྲ་ཤིསA1", 0, "10 characters");
	expect_password("zhaxi", "", 0, NULL);
}

static void test_password_classes_and_passphrase(void **state)
{
	(void)state;
	expect_password("zhaxi", "abcdefghij", 0, "three of");      /* one class */
	expect_password("zhaxi", "abcdefgh12", 0, "three of");      /* two classes */
	expect_password("zhaxi", "ABCDEFGH1!", 1, NULL);            /* upper, digit, other */
	expect_password("zhaxi", "abcdefgH12", 1, NULL);            /* lower, upper, digit */
	expect_password("zhaxi", "abcdefgh1!", 1, NULL);            /* lower, digit, other */
	expect_password("zhaxi", "abcdefghijklmno", 0, "three of"); /* 15: not a passphrase */
	expect_password("zhaxi", "abcdefghijklmnop", 1, NULL);      /* 16: a passphrase */
	expect_password("zhaxi", "correct horse battery", 1, NULL);
	/* 16 Chinese characters are a passphrase; 15 are not (one class only). */
	expect_password("zhaxi", "雪域高原质量监督检验检测技术中心", 1, NULL);
	expect_password("zhaxi", "雪域高原质量监督检验检测技术中", 0, "three of");
}

static void test_password_login_and_repetition(void **state)
{
	(void)state;
	expect_password("zhaxi", "Zhaxi-2024!", 0, "login");
	expect_password("zhaxi", "my-ZHAXI-pw-1", 0, "login");
	expect_password("zhaxi", "Tashi-2024!x", 1, NULL);
	expect_password("aaaaaaaaaaaaaaaaaaaa", "Abcdefgh1!", 1, NULL);
	expect_password("zhaxi", "aaaaaaaaaaaaaaaa", 0, "repeat");
	expect_password("zhaxi", "1111111111111111111111", 0, "repeat");
}

/* One character repeated is one character repeated, however many bytes it takes. */
static void test_password_repeated_multibyte(void **state)
{
	(void)state;
	expect_password("zhaxi", "藏藏藏藏藏藏藏藏藏藏藏藏藏藏藏藏", 0, "repeat");
	expect_password("zhaxi", "ཀཀཀཀཀཀཀཀཀཀཀཀཀཀཀཀ", 0, "repeat");
}

static void test_password_bytes(void **state)
{
	(void)state;
	expect_password("zhaxi", "Abcdefgh1\t!", 0, "control");
	expect_password("zhaxi", "Abcdefgh1\n!", 0, "control");
	expect_password("zhaxi", "Abcdefgh1\x7f!", 0, "control");
	expect_password("zhaxi", "Abcdefgh1\x1b!", 0, "control");
	expect_password("zhaxi", "Abcdefgh1\xff!", 0, "UTF-8");
	expect_password("zhaxi", "Abcdefgh1\xc0\xaf!", 0, "UTF-8");     /* overlong '/' */
	expect_password("zhaxi", "Abcdefgh1\xe4\xb8", 0, "UTF-8");      /* truncated */
	expect_password("zhaxi", "Abcdefgh1\xed\xa0\x80!", 0, "UTF-8"); /* surrogate */
	char pw[200];
	/* 128 bytes pass, 129 do not. */
	for (int i = 0; i < 128; i++)
		pw[i] = "Ab1!"[i % 4];
	pw[128] = '\0';
	expect_password("zhaxi", pw, 1, NULL);
	pw[128] = 'x';
	pw[129] = '\0';
	expect_password("zhaxi", pw, 0, "128");
	/* 43 Chinese characters are 129 bytes: too long although only 43 characters. */
	pw[0] = '\0';
	for (int i = 0; i < 43; i++)
		strcat(pw, i % 2 ? "质" : "量");
	assert_int_equal(strlen(pw), 129);
	expect_password("zhaxi", pw, 0, "128");
	pw[126] = '\0'; /* 42 characters, 126 bytes */
	expect_password("zhaxi", pw, 1, NULL);
}

/* C1 control characters (U+0080 to U+009F) are control characters too. */
static void test_password_c1_control(void **state)
{
	(void)state;
	expect_password("zhaxi", "Abcdefgh1\xc2\x85!", 0, "control"); /* U+0085 NEL */
	expect_password("zhaxi", "Abcdefgh1\xc2\x9b!", 0, "control"); /* U+009B CSI */
}

/* ---- hashing and sign-in ---- */

static void test_password_hash(void **state)
{
	(void)state;
	char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
	assert_int_equal(acc_password_hash(GOOD_PASSWORD, h1), 0);
	assert_int_equal(acc_password_hash(GOOD_PASSWORD, h2), 0);
	assert_true(strncmp(h1, "$argon2id$", 10) == 0);
	assert_string_not_equal(h1, h2); /* salted */
	assert_null(strstr(h1, GOOD_PASSWORD));
	assert_int_equal(crypto_pwhash_str_verify(h1, GOOD_PASSWORD, strlen(GOOD_PASSWORD)), 0);
	assert_int_not_equal(crypto_pwhash_str_verify(h1, "Qomolangma-8849", 15), 0);
}

static void test_login_success_and_failure(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "login.ok", "540200", NULL, "registry_officer");
	struct acc_login_result r;
	login_ok(x, "login.ok", &r);
	assert_int_equal(strlen(r.token), 43);
	assert_string_equal(r.p.login, "login.ok");
	assert_string_equal(r.p.org_unit, "540200");
	assert_true(strlen(r.p.csrf) >= 32);
	assert_string_not_equal(r.p.csrf, r.token);
	assert_int_equal(r.p.must_change_password, 0);
	assert_int_equal(r.p.via_token, 0);
	/* The table holds the token's hash, never the token. */
	struct db_stmt *st = db_prepare_once(x->db, "SELECT count(*) FROM session WHERE "
	                                            "token_hash = ?");
	db_bind_cstr(st, 1, r.token);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_finalize(st);
	assert_int_equal(query_int(x, "SELECT count(*) FROM session"), 1);

	/* Logins are case-insensitive. */
	struct acc_login_result r2;
	login_ok(x, "LOGIN.OK", &r2);
	assert_string_equal(r2.p.login, "login.ok");
	assert_string_not_equal(r.token, r2.token);

	struct acc_login_result bad;
	assert_int_equal(do_login(x, "login.ok", "Qomolangma-8849", fresh_addr(x), &bad),
	                 ACC_DENIED);
	assert_int_equal(bad.token[0], '\0');
	assert_int_equal(do_login(x, "no.such.login", GOOD_PASSWORD, fresh_addr(x), &bad),
	                 ACC_DENIED);
	assert_int_equal(do_login(x, "login.ok", "", fresh_addr(x), &bad), ACC_DENIED);

	assert_int_equal(count_audit(x, "auth.login", "login.ok", "ok"), 2);
	assert_int_equal(count_audit(x, "auth.login", "login.ok", "failed"), 2);
	assert_int_equal(count_audit(x, "auth.login", "no.such.login", "failed"), 1);
	assert_audit_intact(x);
}

/* ---- lockout and throttling ---- */

static void test_lockout_after_failures(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "lock.me", "540200", NULL, "registry_officer");
	struct acc_login_result r;
	for (int i = 0; i < ACC_LOCK_FAILURES; i++)
		assert_int_equal(do_login(x, "lock.me", "Wrong-pass-1", fresh_addr(x), &r),
		                 ACC_DENIED);
	int64_t before = (int64_t)time(NULL);
	/* Locked: even the right password, from another address, is refused. */
	assert_int_equal(do_login(x, "lock.me", GOOD_PASSWORD, fresh_addr(x), &r), ACC_LOCKED);
	assert_int_equal(r.token[0], '\0');
	assert_true(r.locked_until >= before + ACC_LOCK_SECONDS - 2);
	assert_true(r.locked_until <= before + ACC_LOCK_SECONDS + 2);
	assert_int_equal(do_login(x, "Lock.Me", GOOD_PASSWORD, fresh_addr(x), &r), ACC_LOCKED);
	assert_int_equal(query_int(x, "SELECT count(*) FROM session"), 0);
	assert_true(count_audit(x, "auth.login", "lock.me", "locked") >= 2);
	assert_int_equal(count_audit(x, "auth.login", "lock.me", "failed"), ACC_LOCK_FAILURES);
	assert_audit_intact(x);
}

static void test_lockout_unknown_login_same_answer(void **state)
{
	struct fx *x = *state;
	struct acc_login_result r;
	for (int i = 0; i < ACC_LOCK_FAILURES; i++)
		assert_int_equal(do_login(x, "ghost.login", "Wrong-pass-1", fresh_addr(x), &r),
		                 ACC_DENIED);
	assert_int_equal(do_login(x, "ghost.login", GOOD_PASSWORD, fresh_addr(x), &r), ACC_LOCKED);
	assert_true(r.locked_until > (int64_t)time(NULL));
	assert_true(count_audit(x, "auth.login", "ghost.login", "locked") >= 1);
}

static void test_success_resets_failure_count(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "reset.count", "540200", NULL, "registry_officer");
	struct acc_login_result r;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < ACC_LOCK_FAILURES - 1; i++)
			assert_int_equal(
			    do_login(x, "reset.count", "Wrong-pass-1", fresh_addr(x), &r),
			    ACC_DENIED);
		login_ok(x, "reset.count", &r);
	}
}

static void test_lock_recovery(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "lock.recover", "540200", NULL, "registry_officer");
	struct acc_login_result r;
	for (int i = 0; i < ACC_LOCK_FAILURES; i++)
		assert_int_equal(do_login(x, "lock.recover", "Wrong-pass-1", fresh_addr(x), &r),
		                 ACC_DENIED);
	assert_int_equal(do_login(x, "lock.recover", GOOD_PASSWORD, fresh_addr(x), &r), ACC_LOCKED);
	/* The service reads the clock with time(): there is no clock to move forward. Let the
	 * 15 minutes pass in its throttle table instead (service.c is included above). */
	pthread_mutex_lock(&throttle_lock);
	struct throttle_entry *e = throttle_find(&throttle_logins, "lock.recover");
	assert_true(e->locked_until > now_s());
	e->locked_until = now_s() - 1;
	pthread_mutex_unlock(&throttle_lock);
	login_ok(x, "lock.recover", &r);
	/* And the count starts again: one failure does not lock. */
	assert_int_equal(do_login(x, "lock.recover", "Wrong-pass-1", fresh_addr(x), &r),
	                 ACC_DENIED);
	login_ok(x, "lock.recover", &r);
}

static void test_address_throttle(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "addr.victim", "540200", NULL, "registry_officer");
	const char *addr = fresh_addr(x);
	struct acc_login_result r;
	/* Different logins, so that no login lock interferes. */
	for (int i = 0; i < ACC_ADDR_FAILURES; i++) {
		char login[32];
		snprintf(login, sizeof login, "spray%02d", i);
		assert_int_equal(do_login(x, login, "Wrong-pass-1", addr, &r), ACC_DENIED);
	}
	assert_int_equal(do_login(x, "addr.victim", GOOD_PASSWORD, addr, &r), ACC_THROTTLED);
	assert_int_equal(r.token[0], '\0');
	assert_true(count_audit(x, "auth.login", "addr.victim", "throttled") >= 1);
	/* Other addresses are not affected, nor is the login itself. */
	login_ok(x, "addr.victim", &r);
}

/* ---- sessions ---- */

static void test_session_authenticate_and_logout(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "sess.user", "540200", NULL, "registry_officer");
	struct acc_login_result r, r2;
	login_ok(x, "sess.user", &r);
	login_ok(x, "sess.user", &r2);
	struct principal p;
	assert_int_equal(authn(x, r.token, 0, &p), ACC_OK);
	assert_string_equal(p.login, "sess.user");
	assert_string_equal(p.csrf, r.p.csrf);
	assert_int_equal(p.via_token, 0);
	/* Cached the second time: the same answer. */
	assert_int_equal(authn(x, r.token, 0, &p), ACC_OK);
	/* A session secret is not an API token, and garbage is nothing. */
	assert_int_equal(authn(x, r.token, 1, &p), ACC_DENIED);
	assert_int_equal(authn(x, "short", 0, &p), ACC_DENIED);
	char forged[44];
	memcpy(forged, r.token, sizeof forged);
	forged[5] = forged[5] == 'A' ? 'B' : 'A';
	assert_int_equal(authn(x, forged, 0, &p), ACC_DENIED);

	assert_int_equal(acc_logout(x->db, &r.p, r.token, "req-test", "127.0.0.1"), ACC_OK);
	assert_int_equal(authn(x, r.token, 0, &p), ACC_DENIED);
	/* The other session of the same account lives on. */
	assert_int_equal(authn(x, r2.token, 0, &p), ACC_OK);
	assert_int_equal(count_audit(x, "auth.logout", "sess.user", "ok"), 1);
	assert_audit_intact(x);
}

static void test_session_idle_expiry(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "idle.user", "540200", NULL, "registry_officer");
	struct acc_login_result r;
	login_ok(x, "idle.user", &r);
	struct principal p;
	assert_int_equal(authn(x, r.token, 0, &p), ACC_OK);
	/* 28 minutes idle: still alive (and seen again now). */
	exec_sql(x, "UPDATE session SET last_seen_at = last_seen_at - 28 * 60");
	acc_invalidate();
	assert_int_equal(authn(x, r.token, 0, &p), ACC_OK);
	/* An hour idle: over the 30 minutes. */
	exec_sql(x, "UPDATE session SET last_seen_at = strftime('%s', 'now') - 3600");
	acc_invalidate();
	assert_int_equal(authn(x, r.token, 0, &p), ACC_DENIED);
}

static void test_session_absolute_expiry(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "abs.user", "540200", NULL, "registry_officer");
	struct acc_login_result r;
	login_ok(x, "abs.user", &r);
	struct principal p;
	/* Active all along (last seen now), but opened 11 hours ago: alive. */
	exec_sql(x, "UPDATE session SET created_at = created_at - 11 * 3600");
	acc_invalidate();
	assert_int_equal(authn(x, r.token, 0, &p), ACC_OK);
	/* Opened 13 hours ago: over the 12 hours, however active. */
	exec_sql(x, "UPDATE session SET created_at = created_at - 2 * 3600, last_seen_at = "
	            "strftime('%s', 'now')");
	acc_invalidate();
	assert_int_equal(authn(x, r.token, 0, &p), ACC_DENIED);
}

static void test_disabled_account(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "dis.user", "540200", NULL, "registry_officer");
	struct acc_login_result r;
	login_ok(x, "dis.user", &r);
	const char *tok;
	int64_t id;
	assert_int_equal(make_token(x, "dis.user", 30, &tok, &id, NULL, "registry:read", NULL),
	                 ACC_OK);
	struct principal p;
	assert_int_equal(authn(x, r.token, 0, &p), ACC_OK);
	assert_int_equal(authn(x, tok, 1, &p), ACC_OK);

	assert_int_equal(acc_account_set_disabled(x->db, &ROOT, "dis.user", 1), ACC_OK);
	/* At once: no need to wait for the principal cache. */
	assert_int_equal(authn(x, r.token, 0, &p), ACC_DENIED);
	assert_int_equal(authn(x, tok, 1, &p), ACC_DENIED);
	/* The right password gets the same answer as a wrong one. */
	assert_int_equal(do_login(x, "dis.user", GOOD_PASSWORD, fresh_addr(x), &r), ACC_DENIED);
	assert_int_equal(r.token[0], '\0');

	/* Enabling again allows signing in, but ended sessions and revoked tokens stay dead. */
	assert_int_equal(acc_account_set_disabled(x->db, &ROOT, "dis.user", 0), ACC_OK);
	assert_int_equal(authn(x, tok, 1, &p), ACC_DENIED);
	login_ok(x, "dis.user", &r);
	assert_int_equal(count_audit(x, "account.disable", "dis.user", "ok"), 1);
	assert_int_equal(count_audit(x, "account.enable", "dis.user", "ok"), 1);
	/* Unknown, or outside the actor's jurisdiction: not found. */
	assert_int_equal(acc_account_set_disabled(x->db, &ROOT, "nobody.here", 1), ACC_NOT_FOUND);
	ACCOUNT_OK(x, "lhasa.user", "540100", NULL, "registry_officer");
	assert_int_equal(acc_account_set_disabled(x->db, &SHIGATSE_ONLY, "lhasa.user", 1),
	                 ACC_NOT_FOUND);
	assert_audit_intact(x);
}

static void test_password_change(void **state)
{
	struct fx *x = *state;
	const char *why = NULL;
	assert_int_equal(make_account(x, &ROOT, "pw.change", "540200", NULL, GOOD_PASSWORD, 1, &why,
	                              "registry_officer", (const char *)NULL),
	                 ACC_OK);
	struct acc_login_result r, other;
	login_ok(x, "pw.change", &r);
	assert_int_equal(r.p.must_change_password, 1);
	login_ok(x, "pw.change", &other);

	why = NULL;
	assert_int_equal(acc_password_change(x->db, &r.p, r.token, "Not-the-old-1",
	                                     "Fresh-Passw0rd", "req", "127.0.0.1", &why),
	                 ACC_DENIED);
	assert_int_equal(acc_password_change(x->db, &r.p, r.token, GOOD_PASSWORD, "weak", "req",
	                                     "127.0.0.1", &why),
	                 ACC_INVALID);
	assert_non_null(why);
	assert_int_equal(acc_password_change(x->db, &r.p, r.token, GOOD_PASSWORD, GOOD_PASSWORD,
	                                     "req", "127.0.0.1", &why),
	                 ACC_INVALID);
	assert_int_equal(acc_password_change(x->db, &r.p, r.token, GOOD_PASSWORD, "Fresh-Passw0rd",
	                                     "req", "127.0.0.1", &why),
	                 ACC_OK);
	struct principal p;
	/* The other session ends. */
	assert_int_equal(authn(x, other.token, 0, &p), ACC_DENIED);
	/* The old password no longer works, the new one does, and no change is forced. */
	struct acc_login_result r3;
	assert_int_equal(do_login(x, "pw.change", GOOD_PASSWORD, fresh_addr(x), &r3), ACC_DENIED);
	assert_int_equal(do_login(x, "pw.change", "Fresh-Passw0rd", fresh_addr(x), &r3), ACC_OK);
	assert_int_equal(r3.p.must_change_password, 0);
	assert_int_equal(count_audit(x, "account.password", "pw.change", "ok"), 1);
	assert_audit_intact(x);
}

/* service.h: acc_password_change "Ends its other sessions" -- the session that made the
 * change is not one of them. */
static void test_password_change_keeps_own_session(void **state)
{
	struct fx *x = *state;
	const char *why = NULL;
	assert_int_equal(make_account(x, &ROOT, "pw.keep", "540200", NULL, GOOD_PASSWORD, 1, &why,
	                              "registry_officer", (const char *)NULL),
	                 ACC_OK);
	struct acc_login_result r;
	login_ok(x, "pw.keep", &r);
	assert_int_equal(acc_password_change(x->db, &r.p, r.token, GOOD_PASSWORD, "Fresh-Passw0rd",
	                                     "req", "127.0.0.1", &why),
	                 ACC_OK);
	struct principal p;
	int rc = authn(x, r.token, 0, &p);
	if (rc != ACC_OK)
		fail_msg("the session that changed the password was ended too (acc_authenticate "
		         "gives %d); service.h says only the other sessions end",
		         rc);
	assert_int_equal(p.must_change_password, 0);
}

/* ---- API tokens ---- */

static void test_token_scopes_within_permissions(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "tok.admin", "540000", NULL, "sysadmin");
	const char *tok, *why;
	int64_t id;
	assert_int_equal(make_token(x, "tok.admin", 30, &tok, &id, &why, "registry:read", NULL),
	                 ACC_OK);
	assert_non_null(tok);
	assert_true(strncmp(tok, "jzt_", 4) == 0);
	assert_int_equal(strlen(tok), 47);
	assert_true(id > 0);
	struct principal p;
	assert_int_equal(authn(x, tok, 1, &p), ACC_OK);
	assert_int_equal(p.via_token, 1);
	assert_string_equal(p.login, "tok.admin");
	assert_true(acc_allowed(&p, "registry", "read"));
	/* A sysadmin's registry:read token cannot write, nor administer. */
	assert_false(acc_allowed(&p, "registry", "write"));
	assert_false(acc_allowed(&p, "accounts", "admin"));
	assert_false(acc_allowed(&p, "audit", "read"));
	assert_int_equal(p.all_regions, 1);
	/* A token is not a session cookie. */
	assert_int_equal(authn(x, tok, 0, &p), ACC_DENIED);

	/* Stored hashed; never listed. */
	assert_int_equal(
	    query_int(x, "SELECT count(*) FROM api_token WHERE token_hash LIKE 'jzt_%'"), 0);
	const char *json = acc_tokens_json(x->db, "tok.admin", &x->a);
	assert_non_null(json);
	assert_null(strstr(json, tok));
	assert_null(strstr(json, tok + 4));
	char key[65];
	secret_hash(tok, key);
	assert_null(strstr(json, key));
	assert_non_null(strstr(json, "registry:read"));

	/* A registry officer cannot give a token more than it may do itself. */
	ACCOUNT_OK(x, "tok.officer", "540200", NULL, "registry_officer");
	why = NULL;
	assert_int_equal(make_token(x, "tok.officer", 30, &tok, &id, &why, "accounts:admin", NULL),
	                 ACC_INVALID);
	assert_non_null(why);
	assert_null(tok);
	assert_int_equal(make_token(x, "tok.officer", 30, &tok, &id, &why, "registry:read",
	                            "equipment:write", NULL),
	                 ACC_INVALID);
	assert_int_equal(make_token(x, "tok.officer", 30, &tok, &id, &why, "registry:fly", NULL),
	                 ACC_INVALID);
	assert_int_equal(make_token(x, "tok.officer", 30, &tok, &id, &why, NULL), ACC_INVALID);
	assert_int_equal(make_token(x, "tok.officer", 0, &tok, &id, &why, "registry:read", NULL),
	                 ACC_INVALID);
	assert_int_equal(make_token(x, "tok.officer", ACC_TOKEN_MAX_DAYS + 1, &tok, &id, &why,
	                            "registry:read", NULL),
	                 ACC_INVALID);
	assert_int_equal(make_token(x, "no.such.login", 30, &tok, &id, &why, "registry:read", NULL),
	                 ACC_NOT_FOUND);
	assert_int_equal(make_token(x, "tok.officer", ACC_TOKEN_MAX_DAYS, &tok, &id, &why,
	                            "registry:read", "registry:write", NULL),
	                 ACC_OK);
	assert_int_equal(authn(x, tok, 1, &p), ACC_OK);
	assert_true(acc_allowed(&p, "registry", "write"));
	assert_false(acc_allowed(&p, "registry", "export")); /* the officer may; not asked for */
	assert_int_equal(p.all_regions, 0);
	assert_int_equal(p.nranges, 1);
	assert_int_equal(p.lo[0], 540200);
	assert_int_equal(p.hi[0], 540299);

	/* Roles narrowed later narrow the token too. */
	const char *leader[] = {"leader"};
	assert_int_equal(
	    acc_account_update(x->db, &ROOT, "tok.officer", NULL, NULL, leader, 1, &why), ACC_OK);
	assert_int_equal(authn(x, tok, 1, &p), ACC_OK);
	assert_true(acc_allowed(&p, "registry", "read"));
	assert_false(acc_allowed(&p, "registry", "write"));
	assert_audit_intact(x);
}

static void test_token_revoke_and_expiry(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "tok.life", "540200", NULL, "registry_officer");
	ACCOUNT_OK(x, "tok.other", "540200", NULL, "registry_officer");
	const char *t1, *t2;
	int64_t id1, id2;
	assert_int_equal(make_token(x, "tok.life", 1, &t1, &id1, NULL, "registry:read", NULL),
	                 ACC_OK);
	assert_int_equal(make_token(x, "tok.life", 1, &t2, &id2, NULL, "registry:read", NULL),
	                 ACC_OK);
	assert_true(id1 != id2);
	struct principal p;
	assert_int_equal(authn(x, t1, 1, &p), ACC_OK);
	assert_int_equal(authn(x, t2, 1, &p), ACC_OK);

	/* Someone else's token: not found for them. */
	assert_int_equal(acc_token_revoke(x->db, &ROOT, "tok.other", id1), ACC_NOT_FOUND);
	assert_int_equal(authn(x, t1, 1, &p), ACC_OK);
	assert_int_equal(acc_token_revoke(x->db, &ROOT, "tok.life", id1), ACC_OK);
	assert_int_equal(authn(x, t1, 1, &p), ACC_DENIED); /* at once, despite the cache */
	assert_int_equal(acc_token_revoke(x->db, &ROOT, "tok.life", id1), ACC_NOT_FOUND);
	assert_int_equal(acc_token_revoke(x->db, &ROOT, "tok.life", 999999), ACC_NOT_FOUND);
	assert_int_equal(authn(x, t2, 1, &p), ACC_OK);
	const char *json = acc_tokens_json(x->db, "tok.life", &x->a);
	assert_non_null(json);
	assert_null(strstr(json, t1));
	assert_null(strstr(json, t2));

	/* Expiry: a token past its expires_at is refused. */
	exec_sql(x, "UPDATE api_token SET expires_at = 1");
	acc_invalidate();
	assert_int_equal(authn(x, t2, 1, &p), ACC_DENIED);
	/* One second from now is still good; now is over. */
	exec_sql(x, "UPDATE api_token SET expires_at = strftime('%s', 'now') + 100");
	acc_invalidate();
	assert_int_equal(authn(x, t2, 1, &p), ACC_OK);
	exec_sql(x, "UPDATE api_token SET expires_at = strftime('%s', 'now')");
	acc_invalidate();
	assert_int_equal(authn(x, t2, 1, &p), ACC_DENIED);
	assert_true(count_audit(x, "token.create", "tok.life", "ok") == 2);
	assert_audit_intact(x);
}

/* A token may carry every module:action there is (90 of them, 1415 bytes as stored). */
static void test_token_all_scopes(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "tok.all", "540000", NULL, "sysadmin");
	const char *scopes[ACC_NMODULES * ACC_NACTIONS];
	int n = 0;
	for (int m = 0; m < ACC_NMODULES; m++)
		for (int a = 0; a < ACC_NACTIONS; a++)
			scopes[n++] = arena_printf(&x->a, "%s:%s", ACC_MODULES[m], ACC_ACTIONS[a]);
	const char *tok = NULL, *why = NULL;
	int64_t id = 0;
	assert_int_equal(
	    acc_token_create(x->db, &ROOT, "tok.all", "all", scopes, n, 30, &x->a, &tok, &id, &why),
	    ACC_OK);
	struct principal p;
	assert_int_equal(authn(x, tok, 1, &p), ACC_OK);
	for (int m = 0; m < ACC_NMODULES; m++)
		for (int a = 0; a < ACC_NACTIONS; a++)
			if (!acc_allowed(&p, ACC_MODULES[m], ACC_ACTIONS[a]))
				fail_msg("a token with all %d scopes lacks %s:%s", n,
				         ACC_MODULES[m], ACC_ACTIONS[a]);
	/* Listed in full. */
	const char *json = acc_tokens_json(x->db, "tok.all", &x->a);
	assert_non_null(json);
	if (strstr(json, "\"audit:admin\"") == NULL)
		fail_msg("acc_tokens_json does not list audit:admin: %s", json);
}

/* ---- principals: permissions and scope ---- */

static void test_scope_unit_and_below(void **state)
{
	struct fx *x = *state;
	ACCOUNT_OK(x, "scope.shigatse", "540200", NULL, "registry_officer");
	struct acc_login_result r;
	login_ok(x, "scope.shigatse", &r);
	assert_int_equal(r.p.all_regions, 0);
	assert_int_equal(r.p.nranges, 1);
	assert_int_equal(r.p.lo[0], 540200);
	assert_int_equal(r.p.hi[0], 540299);
	assert_int_equal(r.p.own_records, 0);
	assert_int_equal(r.p.enterprise, 0);
	assert_true(acc_allowed(&r.p, "registry", "write"));
	assert_false(acc_allowed(&r.p, "equipment", "read"));
	assert_false(acc_allowed(&r.p, "registry", "bogus"));
	assert_false(acc_allowed(&r.p, "bogus", "read"));
	struct actor a;
	acc_principal_actor(&r.p, &a);
	assert_string_equal(a.name, "scope.shigatse");
	assert_string_equal(a.org_unit, "540200");
	assert_true(actor_region_in_scope(&a, 540202));
	assert_false(actor_region_in_scope(&a, 540102));
	assert_null(a.entity_code);

	ACCOUNT_OK(x, "scope.leader", "540000", NULL, "leader");
	login_ok(x, "scope.leader", &r);
	assert_int_equal(r.p.nranges, 1);
	assert_int_equal(r.p.lo[0], 540000);
	assert_int_equal(r.p.hi[0], 549999);
	assert_true(acc_allowed(&r.p, "registry", "read"));
	assert_true(acc_allowed(&r.p, "registry", "export"));
	assert_false(acc_allowed(&r.p, "registry", "write"));
	assert_false(acc_allowed(&r.p, "accounts", "export"));

	ACCOUNT_OK(x, "scope.lab", "540202", NULL, "lab_analyst");
	login_ok(x, "scope.lab", &r);
	assert_int_equal(r.p.nranges, 1);
	assert_int_equal(r.p.lo[0], 540202);
	assert_int_equal(r.p.hi[0], 540202);
}

static void test_scope_two_roles_widen(void **state)
{
	struct fx *x = *state;
	const char *why = NULL;
	const char *perms[] = {"registry:read"};
	const char *units[] = {"540100"};
	assert_int_equal(acc_role_put(x->db, &ROOT, "lhasa-reader", "拉萨只读 Lhasa reader",
	                              "units", perms, 1, units, 1, &why),
	                 ACC_OK);
	ACCOUNT_OK(x, "scope.two", "540200", NULL, "registry_officer", "lhasa-reader");
	struct acc_login_result r;
	login_ok(x, "scope.two", &r);
	assert_int_equal(r.p.nroles, 2);
	assert_int_equal(r.p.all_regions, 0);
	assert_int_equal(r.p.nranges, 2);
	int seen_lhasa = 0, seen_shigatse = 0;
	for (int i = 0; i < r.p.nranges; i++) {
		seen_lhasa |= r.p.lo[i] == 540100 && r.p.hi[i] == 540199;
		seen_shigatse |= r.p.lo[i] == 540200 && r.p.hi[i] == 540299;
	}
	assert_true(seen_lhasa && seen_shigatse);

	/* Permissions are a union too. */
	ACCOUNT_OK(x, "perm.two", "540200", NULL, "registry_officer", "equipment_officer");
	login_ok(x, "perm.two", &r);
	assert_true(acc_allowed(&r.p, "registry", "write"));
	assert_true(acc_allowed(&r.p, "equipment", "write"));
	assert_false(acc_allowed(&r.p, "sampling", "read"));
	assert_int_equal(r.p.nranges, 1); /* the same range, once */

	/* A role scoped to all makes everything visible, whatever else. */
	ACCOUNT_OK(x, "scope.all", "540200", NULL, "registry_officer", "sysadmin");
	login_ok(x, "scope.all", &r);
	assert_int_equal(r.p.all_regions, 1);
}

static void test_scope_enterprise_entity_only(void **state)
{
	struct fx *x = *state;
	const char *own = code_n(x, 7001), *other = code_n(x, 7002);
	register_enterprise(x, own, "540102");
	register_enterprise(x, other, "540102");
	ACCOUNT_OK(x, "ent.user", "540102", own, "enterprise");
	struct acc_login_result r;
	login_ok(x, "ent.user", &r);
	assert_int_equal(r.p.enterprise, 1);
	assert_string_equal(r.p.credit_code, own);
	assert_int_equal(r.p.own_records, 0);
	assert_int_equal(r.p.nranges, 0);
	assert_true(acc_allowed(&r.p, "registry", "read"));
	assert_false(acc_allowed(&r.p, "registry", "write"));
	assert_false(acc_allowed(&r.p, "registry", "export"));
	struct actor a;
	acc_principal_actor(&r.p, &a);
	assert_non_null(a.entity_code);
	assert_string_equal(a.entity_code, own);
	/* What the registry makes of it: its own entity and nothing else. */
	struct record rec;
	assert_int_equal(registry_get(x->db, &a, own, &x->a, &rec), REG_OK);
	assert_int_equal(registry_get(x->db, &a, other, &x->a, &rec), REG_NOT_FOUND);
}

/* ---- account administration ---- */

static void expect_create(struct fx *x, const struct actor *who, const char *login,
                          const char *unit, const char *credit, const char *role, int want,
                          const char *field)
{
	const char *why = NULL;
	int rc = make_account(x, who, login, unit, credit, GOOD_PASSWORD, 0, &why, role,
	                      (const char *)NULL);
	if (rc != want)
		fail_msg("create %s (unit %s, role %s): rc %d, expected %d (%s)", login,
		         unit ? unit : "-", role, rc, want, why ? why : "");
	if (field) {
		assert_non_null(why);
		if (strncmp(why, field, strlen(field)) != 0)
			fail_msg("create %s: reason \"%s\" does not start with %s", login, why,
			         field);
	}
}

static void test_account_create_validation(void **state)
{
	struct fx *x = *state;
	const char *registered = code_n(x, 8001);
	register_enterprise(x, registered, "540202");
	int64_t before = query_int(x, "SELECT count(*) FROM account");

	expect_create(x, &ROOT, "a", "540200", NULL, "registry_officer", ACC_INVALID, "login");
	expect_create(x, &ROOT, "bad login", "540200", NULL, "registry_officer", ACC_INVALID,
	              "login");
	expect_create(x, &ROOT, "zhaxi!", "540200", NULL, "registry_officer", ACC_INVALID, "login");
	expect_create(x, &ROOT, "扎西", "540200", NULL, "registry_officer", ACC_INVALID, "login");
	expect_create(x, &ROOT, "", "540200", NULL, "registry_officer", ACC_INVALID, "login");
	char longlogin[80];
	memset(longlogin, 'a', 65);
	longlogin[65] = '\0';
	expect_create(x, &ROOT, longlogin, "540200", NULL, "registry_officer", ACC_INVALID,
	              "login");
	expect_create(x, &ROOT, "unit.unknown", "549999", NULL, "registry_officer", ACC_INVALID,
	              "org_unit");
	expect_create(x, &ROOT, "role.unknown", "540200", NULL, "no_such_role", ACC_INVALID, NULL);
	/* The enterprise role is for enterprise accounts, and only it is. */
	expect_create(x, &ROOT, "staff.ent", "540200", NULL, "enterprise", ACC_INVALID, NULL);
	expect_create(x, &ROOT, "ent.staff", "540202", registered, "registry_officer", ACC_INVALID,
	              NULL);
	expect_create(x, &ROOT, "ent.unreg", "540202", code_n(x, 8002), "enterprise", ACC_INVALID,
	              "credit_code");
	expect_create(x, &ROOT, "ent.bad", "540202", "91540000NOTACODE1X", "enterprise",
	              ACC_INVALID, "credit_code");
	/* Outside the creator's jurisdiction. */
	expect_create(x, &SHIGATSE_ONLY, "lhasa.staff", "540100", NULL, "registry_officer",
	              ACC_INVALID, "org_unit");
	/* A weak password. */
	const char *why = NULL;
	assert_int_equal(make_account(x, &ROOT, "weak.pw", "540200", NULL, "password", 0, &why,
	                              "registry_officer", (const char *)NULL),
	                 ACC_INVALID);
	assert_non_null(why);
	assert_int_equal(query_int(x, "SELECT count(*) FROM account"), before);

	expect_create(x, &ROOT, "dup.user", "540200", NULL, "registry_officer", ACC_OK, NULL);
	expect_create(x, &SHIGATSE_ONLY, "shig.staff", "540202", NULL, "registry_officer", ACC_OK,
	              NULL);
	expect_create(x, &ROOT, "ent.ok", "540202", registered, "enterprise", ACC_OK, NULL);
	expect_create(x, &ROOT, "dup.user", "540100", NULL, "leader", ACC_CONFLICT, "login");
	expect_create(x, &ROOT, "DUP.User", "540100", NULL, "leader", ACC_CONFLICT, "login");
	assert_int_equal(query_int(x, "SELECT count(*) FROM account"), before + 3);
	assert_int_equal(query_int(x, "SELECT count(*) FROM account WHERE login = 'ent.ok' AND "
	                              "kind = 'enterprise'"),
	                 1);
	/* The password is never stored as given. */
	assert_int_equal(query_int(x, "SELECT count(*) FROM account WHERE password_hash NOT LIKE "
	                              "'$argon2id$%'"),
	                 0);
	assert_int_equal(count_audit(x, "account.create", "dup.user", "ok"), 1);
	assert_audit_intact(x);
}

static void test_account_create_generated_password(void **state)
{
	struct fx *x = *state;
	struct acc_account_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.login = "gen.pw";
	spec.display_name = "扎西 Tashi";
	spec.org_unit = "540200";
	spec.roles[0] = "registry_officer";
	spec.nroles = 1;
	spec.must_change = 1;
	const char *initial = NULL, *why = NULL;
	assert_int_equal(acc_account_create(x->db, &ROOT, &spec, &x->a, &initial, &why), ACC_OK);
	assert_non_null(initial);
	assert_int_equal(acc_password_check("gen.pw", initial, &why), 0);
	struct acc_login_result r;
	assert_int_equal(do_login(x, "gen.pw", initial, fresh_addr(x), &r), ACC_OK);
	assert_int_equal(r.p.must_change_password, 1);
	/* The audit entry does not carry it. */
	assert_int_equal(query_int(x, "SELECT count(*) FROM audit_log WHERE action = "
	                              "'account.create' AND after_json LIKE '%argon2%'"),
	                 0);
	struct db_stmt *st = db_prepare_once(
	    x->db, "SELECT count(*) FROM audit_log WHERE instr(coalesce(after_json, ''), ?) > 0");
	db_bind_cstr(st, 1, initial);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_finalize(st);
}

static void test_role_put_refuses_builtin(void **state)
{
	struct fx *x = *state;
	const char *why = NULL;
	const char *perms[] = {"registry:read", "registry:write", "accounts:admin"};
	int64_t before = query_int(x, "SELECT count(*) FROM role_permission rp JOIN role r ON "
	                              "r.id = rp.role_id WHERE r.name = 'leader'");
	int rc = acc_role_put(x->db, &ROOT, "leader", "Changed", "all", perms, 3, NULL, 0, &why);
	if (rc == ACC_OK)
		fail_msg("acc_role_put changed the built-in role leader");
	assert_int_equal(query_int(x, "SELECT count(*) FROM role_permission rp JOIN role r ON "
	                              "r.id = rp.role_id WHERE r.name = 'leader'"),
	                 before);
	assert_int_equal(query_int(x, "SELECT count(*) FROM role WHERE name = 'leader' AND scope "
	                              "= 'unit_and_below' AND label <> 'Changed'"),
	                 1);
	rc = acc_role_put(x->db, &ROOT, "sysadmin", "Changed", "unit", perms, 1, NULL, 0, &why);
	assert_int_not_equal(rc, ACC_OK);

	/* A role of our own can be made and replaced. */
	assert_int_equal(
	    acc_role_put(x->db, &ROOT, "auditor", "Auditor", "all", perms, 1, NULL, 0, &why),
	    ACC_OK);
	assert_int_equal(
	    acc_role_put(x->db, &ROOT, "auditor", "Auditor", "unit", perms, 2, NULL, 0, &why),
	    ACC_OK);
	assert_int_equal(query_int(x, "SELECT count(*) FROM role_permission rp JOIN role r ON "
	                              "r.id = rp.role_id WHERE r.name = 'auditor'"),
	                 2);
	const char *bad[] = {"registry:fly"};
	assert_int_equal(acc_role_put(x->db, &ROOT, "auditor2", "A", "all", bad, 1, NULL, 0, &why),
	                 ACC_INVALID);
	assert_int_equal(
	    acc_role_put(x->db, &ROOT, "auditor3", "A", "galaxy", perms, 1, NULL, 0, &why),
	    ACC_INVALID);
	assert_audit_intact(x);
}

static void test_seeded_org_units(void **state)
{
	struct fx *x = *state;
	assert_int_equal(query_int(x, "SELECT count(*) FROM org_unit"), 82);
	assert_int_equal(query_int(x, "SELECT count(*) FROM org_unit WHERE parent_id IS NULL"), 1);
	assert_int_equal(query_int(x,
	                           "SELECT count(*) FROM org_unit WHERE parent_id IS NULL AND "
	                           "code = '540000' AND kind = 'bureau' AND region_code = 540000"),
	                 1);
	assert_int_equal(query_int(x, "SELECT count(*) FROM org_unit WHERE kind = 'bureau'"), 8);
	assert_int_equal(query_int(x, "SELECT count(*) FROM org_unit WHERE kind = 'office'"), 74);
	assert_int_equal(query_int(x, "SELECT count(*) FROM org_unit u JOIN org_unit p ON p.id = "
	                              "u.parent_id WHERE u.code = '540200' AND p.code = '540000'"),
	                 1);
	assert_int_equal(query_int(x, "SELECT count(*) FROM org_unit u JOIN org_unit p ON p.id = "
	                              "u.parent_id WHERE u.code = '540202' AND p.code = '540200'"),
	                 1);
	/* Every unit's region lies in its parent's subtree. */
	assert_int_equal(query_int(x,
	                           "SELECT count(*) FROM org_unit u JOIN org_unit p ON p.id = "
	                           "u.parent_id WHERE u.region_code / 100 <> p.region_code / 100 "
	                           "AND p.region_code % 10000 <> 0"),
	                 0);
	/* Seeding again changes nothing. */
	assert_int_equal(acc_seed(x->db), 0);
	assert_int_equal(query_int(x, "SELECT count(*) FROM org_unit"), 82);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_length_in_characters),
	    cmocka_unit_test(test_password_classes_and_passphrase),
	    cmocka_unit_test(test_password_login_and_repetition),
	    cmocka_unit_test(test_password_repeated_multibyte),
	    cmocka_unit_test(test_password_bytes),
	    cmocka_unit_test(test_password_c1_control),
	    cmocka_unit_test(test_password_hash),
	    cmocka_unit_test_setup_teardown(test_login_success_and_failure, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_lockout_after_failures, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_lockout_unknown_login_same_answer, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_success_resets_failure_count, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_lock_recovery, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_address_throttle, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_session_authenticate_and_logout, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_session_idle_expiry, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_session_absolute_expiry, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_disabled_account, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_password_change, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_password_change_keeps_own_session, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_token_scopes_within_permissions, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_token_revoke_and_expiry, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_token_all_scopes, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_scope_unit_and_below, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_scope_two_roles_widen, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_scope_enterprise_entity_only, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_account_create_validation, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_account_create_generated_password, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_role_put_refuses_builtin, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_seeded_org_units, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

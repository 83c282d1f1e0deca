/*
 * Accounts: org units, staff and enterprise accounts, roles (permissions = module x action,
 * and a data scope), console sessions, API tokens, login throttling. This is what turns an
 * HTTP request into a struct actor that every service then obeys.
 *
 * Passwords are hashed with Argon2id (libsodium crypto_pwhash_str). Session cookies and API
 * tokens are 256-bit random values; only their BLAKE2b hashes are stored. Principals are cached
 * in memory and the cache is invalidated at once by logout, disabling, password and role
 * changes and token revocation (a generation counter; one process per database).
 */
#ifndef JZ_ACCOUNTS_SERVICE_H
#define JZ_ACCOUNTS_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "platform/actor.h"
#include "platform/mem.h"

struct db;

#define ACC_LOGIN_MAX        64          /* bytes in a login */
#define ACC_NAME_MAX         100         /* characters in a display name */
#define ACC_PASSWORD_MIN     10          /* characters in a password */
#define ACC_PASSWORD_MAX     128         /* bytes in a password */
#define ACC_TOKEN_TEXT       48          /* "jzt_" + 43 base64url characters + NUL */
#define ACC_MAX_ROLES        16          /* roles of one account */
#define ACC_LOCK_FAILURES    5           /* failed logins that lock a login */
#define ACC_LOCK_SECONDS     (15 * 60)   /* for how long */
#define ACC_ADDR_FAILURES    20          /* failed logins from one address ... */
#define ACC_ADDR_WINDOW      (10 * 60)   /* ... within this window, then 429 */
#define ACC_TOKEN_MAX_DAYS   366         /* longest token lifetime */
#define ACC_SESSION_IDLE     (30 * 60)   /* seconds of inactivity that end a session */
#define ACC_SESSION_ABSOLUTE (12 * 3600) /* seconds after which a session ends anyway */

enum acc_result {
	ACC_OK = 0,
	ACC_NOT_FOUND = -1, /* no such account, role, unit or token (in scope) */
	ACC_INVALID = -2,   /* input breaks a rule; field_error says which */
	ACC_CONFLICT = -3,  /* already exists */
	ACC_DENIED = -4,    /* wrong login or password, disabled: one answer for all */
	ACC_LOCKED = -5,    /* too many failures for this login */
	ACC_THROTTLED = -6, /* too many failures from this address */
	ACC_ERROR = -7,     /* database failure */
};

/* The modules permissions are granted on, and the actions. */
#define ACC_NMODULES 15
#define ACC_NACTIONS 6
extern const char *const ACC_MODULES[ACC_NMODULES];
extern const char *const ACC_ACTIONS[ACC_NACTIONS];

/* Who is signed in, with everything a request needs to decide. */
struct principal {
	int64_t account_id;                      /* internal id */
	char login[ACC_LOGIN_MAX + 1];           /* login */
	char display_name[3 * ACC_NAME_MAX + 1]; /* name shown */
	char org_unit[32];                       /* org unit code */
	int org_region;                          /* its region code */
	int enterprise;                          /* an enterprise account */
	char credit_code[19];                    /* its legal entity, or "" */
	int must_change_password;                /* only the password may be changed until it is */
	uint8_t perms[ACC_NMODULES];             /* bit a: action a allowed on module m */
	int all_regions;                         /* scope: everything */
	int nranges;                             /* scope: region ranges */
	int lo[ACTOR_MAX_RANGES], hi[ACTOR_MAX_RANGES];
	int own_records;               /* scope also covers records this account created */
	char roles[ACC_MAX_ROLES][32]; /* role names */
	int nroles;                    /* count */
	int via_token;                 /* authenticated by an API token, not a session */
	char csrf[64];                 /* the session's CSRF token (sessions only) */
};

/* Fills *a (for services) from p; strings point into p, which must outlive *a. */
void acc_principal_actor(const struct principal *p, struct actor *a);

/* 1 if p may do action on module ("registry", "read"). */
int acc_allowed(const struct principal *p, const char *module, const char *action);

/*
 * Password rules: at least ACC_PASSWORD_MIN characters, at most ACC_PASSWORD_MAX bytes, valid
 * UTF-8, three of lower case, upper case, digits and other characters (or 16 characters or
 * more), not containing the login. Returns 0, or -1 with a reason in *why (static English).
 */
int acc_password_check(const char *login, const char *password, const char **why);

/* Argon2id hash of password into out (crypto_pwhash_STRBYTES). Returns 0 or -1. */
int acc_password_hash(const char *password, char *out);

/* Process-wide set-up (bounds concurrent Argon2id work). Call once at start. */
void acc_init(void);

/* --- Logins and sessions --- */

struct acc_login_result {
	char token[ACC_TOKEN_TEXT]; /* session token for the cookie */
	struct principal p;         /* who */
	int64_t locked_until;       /* with ACC_LOCKED: unix time */
};

/*
 * Checks login and password, throttled per login and per client address. On ACC_OK opens a
 * session. Unknown logins, wrong passwords and disabled accounts all give ACC_DENIED, after
 * the same Argon2id work. Audited (success and failure).
 */
int acc_login(struct db *db, const char *login, const char *password, const char *client_addr,
              const char *request_id, struct acc_login_result *out);

/* Ends the session of token (cookie value). Audited. */
int acc_logout(struct db *db, const struct principal *p, const char *token, const char *request_id,
               const char *client_addr);

/*
 * Resolves a session cookie value (is_token 0) or an API token ("jzt_..."; is_token 1) to a
 * principal, honouring idle and absolute expiry, revocation, disabling and token expiry and
 * scopes. Returns ACC_OK with *p, or ACC_DENIED.
 */
int acc_authenticate(struct db *db, const char *secret, int is_token, struct principal *p);

/* Changes the principal's own password (old one required). Ends its other sessions: all but
 * the one of keep_token (the caller's session cookie, or NULL). */
int acc_password_change(struct db *db, const struct principal *p, const char *keep_token,
                        const char *old_password, const char *new_password, const char *request_id,
                        const char *client_addr, const char **why);

/* --- Administration (callers check the accounts:admin permission) --- */

struct acc_account_spec {
	const char *login;                /* required */
	const char *display_name;         /* required */
	const char *org_unit;             /* unit code; required */
	const char *credit_code;          /* for an enterprise account, else NULL */
	const char *roles[ACC_MAX_ROLES]; /* role names */
	int nroles;                       /* count */
	const char *password;             /* NULL: a random one is made and returned */
	int must_change; /* force a change at first login (callers set it for passwords an
	                    administrator made or chose; demo accounts do not) */
};

/*
 * Creates an account. *initial_password receives the password made (in a), shown once, when
 * spec->password is NULL. Audited as by actor who.
 */
int acc_account_create(struct db *db, const struct actor *who, const struct acc_account_spec *spec,
                       struct arena *a, const char **initial_password, const char **why);

/* Sets a new password (given, or random into *new_password) and forces a change at next login;
 * ends the account's sessions. */
int acc_account_reset_password(struct db *db, const struct actor *who, const char *login,
                               const char *password, struct arena *a, const char **new_password,
                               const char **why);

/* Disables or enables an account; disabling ends its sessions and tokens at once. */
int acc_account_set_disabled(struct db *db, const struct actor *who, const char *login,
                             int disabled);

/* Replaces an account's roles (and optionally org unit and name: NULL keeps). */
int acc_account_update(struct db *db, const struct actor *who, const char *login,
                       const char *display_name, const char *org_unit, const char *const *roles,
                       int nroles, const char **why);

/* Calls fn with a JSON object per account (in a) within who's scope, by login. */
int acc_accounts_list(struct db *db, const struct actor *who,
                      void (*fn)(void *ctx, const char *json), void *ctx);

/* One account as JSON (in a), or NULL if absent / out of scope. */
const char *acc_account_json(struct db *db, const struct actor *who, const char *login,
                             struct arena *a);

/* Roles with their permissions and scope, as a JSON array (in a). */
const char *acc_roles_json(struct db *db, struct arena *a);

/* Creates a role or replaces a non-built-in role's permissions ("module:action" strings),
 * scope and units. */
int acc_role_put(struct db *db, const struct actor *who, const char *name, const char *label,
                 const char *scope, const char *const *perms, int nperms, const char *const *units,
                 int nunits, const char **why);

/* Org units as a JSON array (in a). */
const char *acc_org_units_json(struct db *db, struct arena *a);

/* Adds an institution or lab under a parent unit. */
int acc_org_unit_add(struct db *db, const struct actor *who, const char *code, const char *name,
                     const char *kind, const char *parent_code, const char **why);

/* Seeds org units from the regions (a bureau per province and prefecture, an office per
 * county) when none exist. A migrate_module seed function. */
int acc_seed(struct db *db);

/* --- API tokens --- */

/*
 * Issues a token for the account login with the given scopes ("module:action", each within
 * the account's own permissions) lasting days. *token receives the secret (in a), shown once.
 */
int acc_token_create(struct db *db, const struct actor *who, const char *login, const char *name,
                     const char *const *scopes, int nscopes, int days, struct arena *a,
                     const char **token, int64_t *id, const char **why);

/* Revokes token id of the account login (or any account's, for an administrator). */
int acc_token_revoke(struct db *db, const struct actor *who, const char *login, int64_t id);

/* The account's tokens (never their secrets) as a JSON array (in a). */
const char *acc_tokens_json(struct db *db, const char *login, struct arena *a);

/* Bumps the principal cache generation: every cached principal is looked up again. */
void acc_invalidate(void);

/* Called for each account of acc_each_holder; return non-zero to stop. */
typedef int (*acc_holder_fn)(void *ctx, const char *login, const char *display_name,
                             int unit_region);
/*
 * Calls fn for every enabled staff account holding the role named role whose org unit's
 * region lies in [lo, hi], in login order, with the unit's region (the inspectors of a
 * sampling draw). Returns ACC_OK or ACC_ERROR.
 */
int acc_each_holder(struct db *db, const char *role, int lo, int hi, acc_holder_fn fn, void *ctx);

#endif

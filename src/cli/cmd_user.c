/*
 * jinzhi user: accounts from the command line, for the first administrator and for recovery
 * when nobody can sign in. Acts as "cli" with the whole deployment in scope; every change is
 * audited by the accounts service like one made through the API. Passwords are never given
 * as arguments (they would show in ps and the shell history): read from standard input, or
 * generated and printed once.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "modules/accounts/service.h"
#include "platform/db.h"
#include "platform/fields.h"

#define USER_MAX_SCOPES         (ACC_NMODULES * ACC_NACTIONS) /* --scope options of one token */
#define USER_TOKEN_DEFAULT_DAYS 30                            /* token lifetime without --days */

/* Prints the usage line to stderr and returns 2, the exit status of a usage error. */
static int usage(void)
{
	fprintf(stderr, "usage: jinzhi %s\n", cmd_user_entry.usage);
	return 2;
}

/*
 * Reads one line from standard input into buf (at most ACC_PASSWORD_MAX bytes, the line end
 * stripped). Returns 0, or -1 with a message when there is none or it is too long. The caller
 * wipes buf.
 */
static int password_read(char buf[ACC_PASSWORD_MAX + 2])
{
	if (fgets(buf, ACC_PASSWORD_MAX + 2, stdin) == NULL) {
		fprintf(stderr, "jinzhi user: no password on standard input\n");
		return -1;
	}
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(stdin)) {
		fprintf(stderr, "jinzhi user: the password is longer than %d bytes\n",
		        ACC_PASSWORD_MAX);
		/* Do not leave the rest of an over-long line in stdio's buffer. */
		int c;
		while ((c = getchar()) != EOF && c != '\n')
			;
		return -1;
	}
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	if (n == 0) {
		fprintf(stderr, "jinzhi user: the password on standard input is empty\n");
		return -1;
	}
	return 0;
}

/* Says why a service call failed; returns 1, the exit status of a failure. */
static int fail(int rc, const char *login, const char *why)
{
	switch (rc) {
	case ACC_NOT_FOUND:
		fprintf(stderr, "jinzhi user: no account %s\n", login);
		break;
	case ACC_INVALID:
	case ACC_CONFLICT:
		fprintf(stderr, "jinzhi user: %s\n", why ? why : "the input breaks a rule");
		break;
	default:
		fprintf(stderr, "jinzhi user: database error; nothing was changed\n");
		break;
	}
	return 1;
}

static void show_password(const char *what, const char *login, const char *password,
                          int must_change)
{
	printf("%s for %s: %s\n", what, login, password);
	printf(must_change ? "(shown once; it must be changed at the first sign-in)\n"
	                   : "(shown once; store it safely)\n");
}

/* Options, as bits: which were given, and which a verb takes. */
enum user_opt {
	OPT_NAME = 1 << 0,            /* --name */
	OPT_UNIT = 1 << 1,            /* --unit */
	OPT_CREDIT_CODE = 1 << 2,     /* --credit-code */
	OPT_ROLE = 1 << 3,            /* --role */
	OPT_SCOPE = 1 << 4,           /* --scope */
	OPT_DAYS = 1 << 5,            /* --days */
	OPT_PASSWORD_STDIN = 1 << 6,  /* --password-stdin */
	OPT_NO_FORCE_CHANGE = 1 << 7, /* --no-force-change */
};

/* The arguments of one subcommand. */
struct user_opts {
	int given;                           /* enum user_opt bits of the options given */
	const char *name;                    /* --name */
	const char *unit;                    /* --unit */
	const char *credit_code;             /* --credit-code */
	const char *roles[ACC_MAX_ROLES];    /* --role, repeated */
	int nroles;                          /* count */
	const char *scopes[USER_MAX_SCOPES]; /* --scope, repeated */
	int nscopes;                         /* count */
	int days;                            /* --days, or 0 */
	const char *login;                   /* the one positional argument */
};

/* Parses argv[2..argc) (after "user VERB"), taking only the options in allowed. Returns 0, or
 * 2 after a message. */
static int opts_parse(int argc, char **argv, int allowed, struct user_opts *o)
{
	static const struct {
		const char *flag;
		int bit;
		int takes_value;
	} OPTS[] = {
	    {"--name", OPT_NAME, 1},
	    {"--unit", OPT_UNIT, 1},
	    {"--credit-code", OPT_CREDIT_CODE, 1},
	    {"--role", OPT_ROLE, 1},
	    {"--scope", OPT_SCOPE, 1},
	    {"--days", OPT_DAYS, 1},
	    {"--password-stdin", OPT_PASSWORD_STDIN, 0},
	    {"--no-force-change", OPT_NO_FORCE_CHANGE, 0},
	};
	memset(o, 0, sizeof *o);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		size_t k = 0;
		while (k < sizeof OPTS / sizeof OPTS[0] && strcmp(OPTS[k].flag, a) != 0)
			k++;
		if (k == sizeof OPTS / sizeof OPTS[0]) {
			if (a[0] == '-' && a[1] != '\0') {
				fprintf(stderr, "jinzhi user: unknown option %s\n", a);
				return 2;
			}
			if (o->login) {
				fprintf(stderr, "jinzhi user: too many arguments\n");
				return 2;
			}
			o->login = a;
			continue;
		}
		if (!(allowed & OPTS[k].bit)) {
			fprintf(stderr, "jinzhi user: %s does not apply here\n", a);
			return 2;
		}
		if (OPTS[k].takes_value && i + 1 >= argc) {
			fprintf(stderr, "jinzhi user: %s needs a value\n", a);
			return 2;
		}
		const char *v = OPTS[k].takes_value ? argv[++i] : NULL;
		if ((o->given & OPTS[k].bit) && OPTS[k].bit != OPT_ROLE &&
		    OPTS[k].bit != OPT_SCOPE) {
			fprintf(stderr, "jinzhi user: %s given twice\n", a);
			return 2;
		}
		o->given |= OPTS[k].bit;
		switch (OPTS[k].bit) {
		case OPT_NAME:
			o->name = v;
			break;
		case OPT_UNIT:
			o->unit = v;
			break;
		case OPT_CREDIT_CODE:
			o->credit_code = v;
			break;
		case OPT_ROLE:
			if (o->nroles == ACC_MAX_ROLES) {
				fprintf(stderr, "jinzhi user: at most %d roles\n", ACC_MAX_ROLES);
				return 2;
			}
			o->roles[o->nroles++] = v;
			break;
		case OPT_SCOPE:
			if (o->nscopes == USER_MAX_SCOPES) {
				fprintf(stderr, "jinzhi user: at most %d scopes\n",
				        USER_MAX_SCOPES);
				return 2;
			}
			o->scopes[o->nscopes++] = v;
			break;
		case OPT_DAYS: {
			int64_t days;
			if (field_int_parse_cstr(v, 1, ACC_TOKEN_MAX_DAYS, &days) != 0) {
				fprintf(stderr, "jinzhi user: --days is 1 to %d\n",
				        ACC_TOKEN_MAX_DAYS);
				return 2;
			}
			o->days = (int)days;
			break;
		}
		default:
			break;
		}
	}
	return 0;
}

static int user_add(struct db *db, const struct actor *who, const struct user_opts *o)
{
	if (o->name == NULL || o->unit == NULL || o->nroles == 0) {
		fprintf(stderr, "jinzhi user add: --name, --unit and at least one --role are "
		                "required\n");
		return 2;
	}
	char pw[ACC_PASSWORD_MAX + 2];
	struct acc_account_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.login = o->login;
	spec.display_name = o->name;
	spec.org_unit = o->unit;
	spec.credit_code = o->credit_code;
	memcpy(spec.roles, o->roles, sizeof spec.roles);
	spec.nroles = o->nroles;
	spec.must_change = !(o->given & OPT_NO_FORCE_CHANGE);
	if (o->given & OPT_PASSWORD_STDIN) {
		if (password_read(pw) != 0) {
			sodium_memzero(pw, sizeof pw);
			return 1;
		}
		spec.password = pw;
	}
	struct arena a = {0};
	const char *initial = NULL, *why = NULL;
	int rc = acc_account_create(db, who, &spec, &a, &initial, &why);
	sodium_memzero(pw, sizeof pw);
	int status = 0;
	if (rc != ACC_OK) {
		status = fail(rc, o->login, why);
	} else {
		printf("account %s created\n", o->login);
		if (initial) {
			show_password("initial password", o->login, initial, spec.must_change);
			sodium_memzero((char *)initial, strlen(initial));
		}
	}
	arena_free(&a);
	return status;
}

static int user_passwd(struct db *db, const struct actor *who, const struct user_opts *o)
{
	char pw[ACC_PASSWORD_MAX + 2];
	const char *given = NULL;
	if (o->given & OPT_PASSWORD_STDIN) {
		if (password_read(pw) != 0) {
			sodium_memzero(pw, sizeof pw);
			return 1;
		}
		given = pw;
	}
	struct arena a = {0};
	const char *made = NULL, *why = NULL;
	int rc = acc_account_reset_password(db, who, o->login, given, &a, &made, &why);
	sodium_memzero(pw, sizeof pw);
	int status = 0;
	if (rc != ACC_OK) {
		status = fail(rc, o->login, why);
	} else {
		printf("password of %s reset; its sessions are ended\n", o->login);
		if (made) {
			show_password("new password", o->login, made, 1);
			sodium_memzero((char *)made, strlen(made));
		} else {
			printf("(it must be changed at the next sign-in)\n");
		}
	}
	arena_free(&a);
	return status;
}

static int user_set_disabled(struct db *db, const struct actor *who, const char *login,
                             int disabled)
{
	int rc = acc_account_set_disabled(db, who, login, disabled);
	if (rc != ACC_OK)
		return fail(rc, login, NULL);
	printf(disabled ? "account %s disabled; its sessions and tokens are ended\n"
	                : "account %s enabled\n",
	       login);
	return 0;
}

/* Prints one account (a JSON object from the service) as a line of the list. */
static void list_line(void *ctx, const char *json)
{
	int *n = ctx;
	json_t *v = json_loads(json, 0, NULL);
	if (v == NULL)
		return;
	if ((*n)++ == 0)
		printf("%-24s %-12s %-11s %-20s %s\n", "LOGIN", "UNIT", "STATE", "ROLES", "NAME");
	const char *state = json_is_true(json_object_get(v, "disabled")) ? "disabled"
	                    : json_is_true(json_object_get(v, "must_change_password"))
	                        ? "must-change"
	                        : "active";
	char roles[256] = "";
	size_t i, used = 0;
	json_t *r;
	json_array_foreach(json_object_get(v, "roles"), i, r)
	{
		int w = snprintf(roles + used, sizeof roles - used, "%s%s", i ? "," : "",
		                 json_string_value(r) ? json_string_value(r) : "");
		if (w < 0 || (size_t)w >= sizeof roles - used)
			break;
		used += (size_t)w;
	}
	const char *login = json_string_value(json_object_get(v, "login"));
	const char *unit = json_string_value(json_object_get(v, "org_unit"));
	const char *name = json_string_value(json_object_get(v, "display_name"));
	printf("%-24s %-12s %-11s %-20s %s\n", login ? login : "", unit ? unit : "", state,
	       roles[0] ? roles : "-", name ? name : "");
	json_decref(v);
}

static int user_list(struct db *db, const struct actor *who)
{
	int n = 0;
	if (acc_accounts_list(db, who, list_line, &n) != ACC_OK) {
		fprintf(stderr, "jinzhi user: database error\n");
		return 1;
	}
	if (n == 0)
		printf("no accounts (create one: jinzhi user add LOGIN --name NAME --unit CODE "
		       "--role sysadmin)\n");
	return 0;
}

static int user_token(struct db *db, const struct actor *who, const struct user_opts *o)
{
	if (o->name == NULL || o->nscopes == 0) {
		fprintf(stderr,
		        "jinzhi user token: --name and at least one --scope are required\n");
		return 2;
	}
	struct arena a = {0};
	const char *token = NULL, *why = NULL;
	int64_t id = 0;
	int rc =
	    acc_token_create(db, who, o->login, o->name, o->scopes, o->nscopes,
	                     o->days ? o->days : USER_TOKEN_DEFAULT_DAYS, &a, &token, &id, &why);
	int status = 0;
	if (rc != ACC_OK) {
		status = fail(rc, o->login, why);
	} else {
		printf("token %lld for %s: %s\n", (long long)id, o->login, token);
		printf("(shown once; send it as Authorization: Bearer TOKEN)\n");
		sodium_memzero((char *)token, strlen(token));
	}
	arena_free(&a);
	return status;
}

static int cmd_user(int argc, char **argv)
{
	struct config c;
	int rc = cli_config(&argc, argv, &cmd_user_entry, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (argc < 2)
		return usage();
	/* Each verb and the options it takes. */
	static const struct {
		const char *verb;
		int options;
		int takes_login;
	} VERBS[] = {
	    {"add",
	     OPT_NAME | OPT_UNIT | OPT_ROLE | OPT_CREDIT_CODE | OPT_PASSWORD_STDIN |
	         OPT_NO_FORCE_CHANGE,
	     1},
	    {"passwd", OPT_PASSWORD_STDIN, 1},
	    {"disable", 0, 1},
	    {"enable", 0, 1},
	    {"list", 0, 0},
	    {"token", OPT_NAME | OPT_SCOPE | OPT_DAYS, 1},
	};
	const char *verb = argv[1];
	size_t v = 0;
	while (v < sizeof VERBS / sizeof VERBS[0] && strcmp(VERBS[v].verb, verb) != 0)
		v++;
	if (v == sizeof VERBS / sizeof VERBS[0])
		return usage();
	struct user_opts o;
	if (opts_parse(argc, argv, VERBS[v].options, &o) != 0)
		return 2;
	if ((o.login != NULL) != VERBS[v].takes_login)
		return usage();

	struct db *db;
	if (cli_open_db(&c, 0, &db) != 0)
		return 1;
	struct actor who = {0};
	who.name = "cli";
	who.all_regions = 1;
	if (strcmp(verb, "add") == 0)
		rc = user_add(db, &who, &o);
	else if (strcmp(verb, "passwd") == 0)
		rc = user_passwd(db, &who, &o);
	else if (strcmp(verb, "disable") == 0)
		rc = user_set_disabled(db, &who, o.login, 1);
	else if (strcmp(verb, "enable") == 0)
		rc = user_set_disabled(db, &who, o.login, 0);
	else if (strcmp(verb, "token") == 0)
		rc = user_token(db, &who, &o);
	else
		rc = user_list(db, &who);
	db_close(db);
	return rc;
}

const struct cmd_entry cmd_user_entry = {
    "user", "user add|passwd|disable|enable|list|token [--db FILE] [LOGIN] [options]",
    "add LOGIN --name NAME --unit CODE --role ROLE [--role ROLE...] [--credit-code CODE]\n"
    "    [--password-stdin] [--no-force-change]\n"
    "  Creates an account. Without --password-stdin a random password is generated and\n"
    "  printed once; either way it must be changed at the first sign-in unless\n"
    "  --no-force-change. --credit-code makes an enterprise account of that enterprise.\n"
    "passwd LOGIN [--password-stdin]\n"
    "  Resets the password (generated and printed once unless read from standard input),\n"
    "  ends the account's sessions and forces a change at the next sign-in.\n"
    "disable LOGIN | enable LOGIN\n"
    "  Disabling ends the account's sessions and revokes its API tokens at once.\n"
    "list\n"
    "  Lists every account.\n"
    "token LOGIN --name NAME --scope MODULE:ACTION [--scope ...] [--days N]\n"
    "  Issues an API token (default 30 days, at most 366) limited to the scopes, each of\n"
    "  which the account itself must have. The token is printed once.\n"
    "--password-stdin reads one line from standard input. Exit status 1 on failure, 2 on a\n"
    "usage error.",
    cmd_user};

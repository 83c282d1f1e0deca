/*
 * HTTP handlers of accounts and the audit log: signing in and out, the signed-in account and
 * its password, administration of accounts, roles and org units, personal API tokens, and
 * reading the audit trail. Authentication, permissions and the CSRF check happen before a
 * handler runs (api_authenticate); handlers validate every input at the edge (types,
 * lengths, unknown fields), call the service, which enforces the rules and audits every
 * change, and shape the JSON.
 */
#include "api.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modules/accounts/service.h"
#include "platform/api_common.h"
#include "platform/audit.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/textenc.h"

#define ACCOUNTS_COOKIE             "jz_session" /* name of the session cookie */
#define ACCOUNTS_AUTH_BODY_LIMIT    4096         /* bytes in a sign-in or password body */
#define ACCOUNTS_BODY_LIMIT         (16u * 1024) /* bytes in an administration body */
#define ACCOUNTS_CODE_MAX           31           /* bytes in an org unit code or role name */
#define ACCOUNTS_CREDIT_CODE_MAX    18           /* bytes in a unified social credit code */
#define ACCOUNTS_LABEL_MAX          100          /* characters in a role label or unit name */
#define ACCOUNTS_PERMISSION_MAX     32           /* bytes in "module:action" */
#define ACCOUNTS_MAX_PERMISSIONS    (ACC_NMODULES * ACC_NACTIONS) /* of one role or token */
#define ACCOUNTS_MAX_UNITS          ACTOR_MAX_RANGES /* units of one role: each becomes a range */
#define ACCOUNTS_TOKEN_NAME_MAX     100              /* characters in a token's name */
#define ACCOUNTS_TOKEN_DEFAULT_DAYS 30  /* lifetime of a token when none is asked for */
#define AUDIT_QUERY_MAX             200 /* bytes in an audit filter value */

/* --- Input at the edge --- */

enum str_flags {
	STR_REQUIRED = 1 << 0, /* must be present and not empty */
	STR_LINE = 1 << 1,     /* text shown to people: no control characters */
	STR_CODE = 1 << 2,     /* a code or name: printable ASCII without spaces */
};

/* Sets res to a 400 naming field and evaluates to -1, so that checks can `return REJECT(...)`
 * (a macro rather than a function so that the -1 is plain to see, also to analysers). */
#define REJECT(res, code, field, ...)                                                              \
	(http_error((res), API_BAD_REQUEST, (code), (field), __VA_ARGS__), -1)

/* 1 if s[0..n) is printable ASCII without spaces. */
static int is_code(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* Checks the JSON value v given for field name as a string under flags and limits (0: none;
 * characters are code points). jansson has already refused bad UTF-8 and NUL. Returns 0 with
 * *out pointing into v, or -1 with res set. */
static int string_check(struct http_response *res, json_t *v, const char *name, int flags,
                        size_t max_bytes, size_t max_chars, const char **out)
{
	*out = NULL;
	const char *s = json_string_value(v); /* NULL unless v is a string */
	if (s == NULL)
		return REJECT(res, "wrong_type", name, "%s must be a string", name);
	size_t n = json_string_length(v);
	if (n == 0 && (flags & STR_REQUIRED))
		return REJECT(res, "required", name, "%s must not be empty", name);
	if (n == 0)
		return REJECT(res, "invalid", name, "%s must not be empty (leave it out instead)",
		              name);
	if (max_bytes && n > max_bytes)
		return REJECT(res, "too_long", name, "%s is longer than %zu bytes", name,
		              max_bytes);
	if (max_chars && utf8_count(s, n) > max_chars)
		return REJECT(res, "too_long", name, "%s is longer than %zu characters", name,
		              max_chars);
	if ((flags & STR_LINE) && utf8_has_control(s, n, 0))
		return REJECT(res, "invalid", name, "%s must not contain control characters", name);
	if ((flags & STR_CODE) && !is_code(s, n))
		return REJECT(res, "invalid", name,
		              "%s must be printable ASCII characters without spaces", name);
	*out = s;
	return 0;
}

/* The string member name of obj, checked as by string_check; *out is NULL when absent. */
static int body_string(struct http_response *res, json_t *obj, const char *name, int flags,
                       size_t max_bytes, size_t max_chars, const char **out)
{
	*out = NULL;
	json_t *v = json_object_get(obj, name);
	if (v == NULL)
		return (flags & STR_REQUIRED)
		           ? REJECT(res, "required", name, "%s is required", name)
		           : 0;
	return string_check(res, v, name, flags, max_bytes, max_chars, out);
}

/* The array-of-strings member name of obj into out[0..max_items), each checked as by
 * string_check and none repeated. *n is -1 when absent. */
static int body_strings(struct http_response *res, json_t *obj, const char *name, int flags,
                        size_t max_bytes, const char **out, int max_items, int *n)
{
	*n = -1;
	json_t *v = json_object_get(obj, name);
	if (v == NULL)
		return (flags & STR_REQUIRED)
		           ? REJECT(res, "required", name, "%s is required", name)
		           : 0;
	if (!json_is_array(v))
		return REJECT(res, "wrong_type", name, "%s must be an array of strings", name);
	size_t count = json_array_size(v);
	if (count > (size_t)max_items)
		return REJECT(res, "too_many", name, "%s has more than %d entries", name,
		              max_items);
	if (count == 0 && (flags & STR_REQUIRED))
		return REJECT(res, "required", name, "%s must not be empty", name);
	for (size_t i = 0; i < count; i++) {
		if (string_check(res, json_array_get(v, i), name, flags & ~STR_REQUIRED, max_bytes,
		                 0, &out[i]) != 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(out[i], out[j]) == 0)
				return REJECT(res, "duplicate", name, "%s lists %s twice", name,
				              out[i]);
	}
	*n = (int)count;
	return 0;
}

/* The boolean member name of obj: *out is 0 or 1, or -1 when absent. */
static int body_bool(struct http_response *res, json_t *obj, const char *name, int *out)
{
	json_t *v = json_object_get(obj, name);
	*out = -1;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return REJECT(res, "wrong_type", name, "%s must be true or false", name);
	*out = json_is_true(v);
	return 0;
}

/* The integer member name of obj within [min, max]; *out keeps its value when absent. */
static int body_int(struct http_response *res, json_t *obj, const char *name, int min, int max,
                    int *out)
{
	json_t *v = json_object_get(obj, name);
	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return REJECT(res, "wrong_type", name, "%s must be an integer", name);
	json_int_t i = json_integer_value(v);
	if (i < min || i > max)
		return REJECT(res, "out_of_range", name, "%s must be from %d to %d", name, min,
		              max);
	*out = (int)i;
	return 0;
}

/*
 * The request body as a JSON object whose members are all named in allowed (NULL-terminated).
 * An empty body counts as {} when empty_ok. Returns the object (the caller json_decref's it)
 * or NULL with res set.
 */
static json_t *body_object(struct http_request *req, struct http_response *res,
                           const char *const *allowed, int empty_ok)
{
	if (empty_ok && req->body.len == 0)
		return json_object();
	json_t *v = http_body_json(req, res);
	if (v == NULL)
		return NULL;
	if (!json_is_object(v)) {
		json_decref(v);
		http_error(res, API_BAD_REQUEST, "invalid_body", NULL,
		           "the body must be a JSON object");
		return NULL;
	}
	const char *key;
	json_t *member;
	json_object_foreach(v, key, member)
	{
		const char *const *k = allowed;
		while (*k && strcmp(*k, key) != 0)
			k++;
		if (*k == NULL) {
			http_error(res, API_BAD_REQUEST, "unknown_field", key,
			           "this request takes no such field");
			json_decref(v);
			return NULL;
		}
	}
	return v;
}

/* Overwrites a secret (string member name of obj) before the tree is freed. jansson owns the
 * bytes; writing over them in place is the only way to wipe them. */
static void wipe_member(json_t *obj, const char *name)
{
	json_t *v = obj ? json_object_get(obj, name) : NULL;
	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
}

/* Overwrites the raw request body (it held a password). */
static void wipe_body(struct http_request *req)
{
	if (req->body.data)
		sodium_memzero(req->body.data, req->body.len);
}

/* A path segment naming something: valid UTF-8 of 1 to max bytes. Returns 0 or -1. */
static int path_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n > 0 && n <= max && utf8_invalid_at(s, n) < 0 ? 0 : -1;
}

/* A positive decimal int64 (an id in a path or a cursor); returns 0 with *out or -1. */
static int parse_id(const char *s, int64_t *out)
{
	return s[0] == '0' || field_int_parse_cstr(s, 1, INT64_MAX, out) != 0 ? -1 : 0;
}

/* "module:action" with a known module and action. */
static int permission_ok(const char *s)
{
	const char *colon = strchr(s, ':');
	if (colon == NULL)
		return 0;
	size_t mlen = (size_t)(colon - s);
	int module = 0, action = 0;
	for (int m = 0; m < ACC_NMODULES; m++)
		if (strlen(ACC_MODULES[m]) == mlen && memcmp(ACC_MODULES[m], s, mlen) == 0)
			module = 1;
	for (int a = 0; a < ACC_NACTIONS; a++)
		if (strcmp(ACC_ACTIONS[a], colon + 1) == 0)
			action = 1;
	return module && action;
}

/* Checks that every entry of perms[0..n) is a known "module:action"; field names the input. */
static int permissions_check(struct http_response *res, const char *field, const char *const *perms,
                             int n)
{
	for (int i = 0; i < n; i++)
		if (!permission_ok(perms[i]))
			return REJECT(
			    res, "not_allowed", field,
			    "%s is not a permission: use module:action, e.g. registry:read",
			    perms[i]);
	return 0;
}

/* --- Service results --- */

/* How an ACC_DENIED is answered: it means different things to different requests. */
enum denied_as {
	DENIED_FORBIDDEN,    /* 403: the caller may not do this */
	DENIED_CREDENTIALS,  /* 401 bad_credentials: a failed sign-in, one answer for every cause */
	DENIED_OLD_PASSWORD, /* 400 on old_password: the current password given was wrong */
};

/* What a handler knows about a failed service call, to explain it. */
struct acc_outcome {
	const char *field;     /* the input an ACC_INVALID or ACC_CONFLICT concerns when the
	                          service's reason does not name it, or NULL */
	const char *what;      /* what an ACC_NOT_FOUND did not find ("account li.wei") */
	const char *why;       /* the service's reason (static English), or NULL */
	enum denied_as denied; /* how ACC_DENIED is answered */
	int64_t locked_until;  /* with ACC_LOCKED: until when, unix time */
};

/* The field a service reason names: the service writes "field: what is wrong" (a lower-case
 * identifier before ": "); otherwise fallback. The result points into why or is fallback. */
static const char *why_field(struct arena *a, const char *why, const char *fallback)
{
	if (why == NULL)
		return fallback;
	size_t n = strspn(why, "abcdefghijklmnopqrstuvwxyz_");
	if (n == 0 || why[n] != ':' || why[n + 1] != ' ')
		return fallback;
	return arena_strndup(a, why, n);
}

/*
 * The one place an acc_result becomes an HTTP answer. Returns 0 with res set to the error,
 * or -1 for ACC_ERROR (and anything unknown), which the server answers with a 500.
 */
static int acc_answer(struct http_request *req, struct http_response *res, int rc,
                      const struct acc_outcome *o)
{
	const char *why = o->why ? o->why : "the input breaks a rule";
	const char *field = why_field(&req->arena, o->why, o->field);
	switch (rc) {
	case ACC_NOT_FOUND:
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no %s",
		                  o->what ? o->what : "such thing");
	case ACC_INVALID:
		return http_error(res, API_BAD_REQUEST, "invalid", field, "%s", why);
	case ACC_CONFLICT:
		return http_error(res, API_CONFLICT, "exists", field, "%s",
		                  o->why ? o->why : "it exists already");
	case ACC_DENIED:
		switch (o->denied) {
		case DENIED_CREDENTIALS:
			return http_error(res, API_UNAUTHORIZED, "bad_credentials", NULL,
			                  "login or password is wrong");
		case DENIED_OLD_PASSWORD:
			return http_error(res, API_BAD_REQUEST, "wrong_password", "old_password",
			                  "the current password is wrong");
		case DENIED_FORBIDDEN:
			break;
		}
		return http_error(res, API_FORBIDDEN, "forbidden", NULL, "%s",
		                  o->why ? o->why : "you may not do this");
	case ACC_LOCKED: {
		char until[32] = "later";
		time_t t = (time_t)o->locked_until;
		struct tm tm;
		if (t > 0 && gmtime_r(&t, &tm))
			strftime(until, sizeof until, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return http_error(res, API_UNAUTHORIZED, "locked", NULL,
		                  "too many failed sign-ins: this login is locked until %s", until);
	}
	case ACC_THROTTLED:
		return http_error(res, API_TOO_MANY, "throttled", NULL,
		                  "too many failed sign-ins from this address; try again later");
	default:
		return -1;
	}
}

/* --- Who is asking --- */

/* The signed-in principal; api_authenticate guarantees one on every route that is not
 * public, so NULL here (answered 401) means a route table mistake. */
static const struct principal *principal_of(struct http_request *req, struct http_response *res)
{
	if (req->principal == NULL)
		http_error(res, API_UNAUTHORIZED, "unauthenticated", NULL, "sign in first");
	return req->principal;
}

/* Appends the JSON object describing who p is and what they may do. */
static void principal_write(struct buf *out, const struct principal *p)
{
	buf_puts(out, "{\"login\":");
	json_write_string(out, p->login, strlen(p->login));
	buf_puts(out, ",\"display_name\":");
	json_write_string(out, p->display_name, strlen(p->display_name));
	buf_puts(out, ",\"org_unit\":");
	json_write_string(out, p->org_unit, strlen(p->org_unit));
	buf_printf(out, ",\"enterprise\":%s,\"credit_code\":", p->enterprise ? "true" : "false");
	if (p->credit_code[0])
		json_write_string(out, p->credit_code, strlen(p->credit_code));
	else
		buf_puts(out, "null");
	buf_puts(out, ",\"roles\":[");
	for (int i = 0; i < p->nroles; i++) {
		if (i)
			buf_putc(out, ',');
		json_write_string(out, p->roles[i], strlen(p->roles[i]));
	}
	buf_puts(out, "],\"permissions\":{");
	int first = 1;
	for (int m = 0; m < ACC_NMODULES; m++) {
		if (p->perms[m] == 0)
			continue;
		if (!first)
			buf_putc(out, ',');
		first = 0;
		buf_printf(out, "\"%s\":[", ACC_MODULES[m]);
		int firsta = 1;
		for (int a = 0; a < ACC_NACTIONS; a++)
			if ((p->perms[m] >> a) & 1) {
				buf_printf(out, "%s\"%s\"", firsta ? "" : ",", ACC_ACTIONS[a]);
				firsta = 0;
			}
		buf_putc(out, ']');
	}
	buf_printf(out, "},\"scope\":{\"all\":%s,\"ranges\":[", p->all_regions ? "true" : "false");
	for (int i = 0; !p->all_regions && i < p->nranges; i++)
		buf_printf(out, "%s[%d,%d]", i ? "," : "", p->lo[i], p->hi[i]);
	buf_printf(out, "],\"own_records\":%s}}", p->own_records ? "true" : "false");
}

/* Appends {"account":...,"must_change_password":...,"csrf_token":...} for p; the CSRF token
 * goes with sessions only (a console reloading the page learns it again from /auth/me). */
static void session_write(struct buf *out, const struct principal *p)
{
	buf_puts(out, "{\"account\":");
	principal_write(out, p);
	buf_printf(out, ",\"must_change_password\":%s", p->must_change_password ? "true" : "false");
	if (!p->via_token && p->csrf[0]) {
		buf_puts(out, ",\"csrf_token\":");
		json_write_string(out, p->csrf, strlen(p->csrf));
	}
	buf_putc(out, '}');
}

/* --- Signing in and out --- */

static int auth_login(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"login", "password", NULL};
	json_t *body = body_object(req, res, KEYS, 0);
	int rc = 0;
	const char *login, *password;
	struct acc_login_result r;
	memset(&r, 0, sizeof r);
	if (body == NULL ||
	    body_string(res, body, "login", STR_REQUIRED | STR_LINE, ACC_LOGIN_MAX, 0, &login) !=
	        0 ||
	    body_string(res, body, "password", STR_REQUIRED, ACC_PASSWORD_MAX, 0, &password) != 0)
		goto out;
	int arc = acc_login(req->db, login, password, req->client_addr, req->request_id, &r);
	if (arc != ACC_OK) {
		struct acc_outcome o = {.denied = DENIED_CREDENTIALS,
		                        .locked_until = r.locked_until};
		rc = acc_answer(req, res, arc, &o);
		goto out;
	}
	res->set_cookie =
	    arena_printf(&req->arena, ACCOUNTS_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
	                 r.token, http_is_tls(req) ? "; Secure" : "");
	session_write(&res->body, &r.p);
	http_json(res, 200);
out:
	wipe_member(body, "password");
	json_decref(body);
	wipe_body(req);
	sodium_memzero(&r, sizeof r);
	return rc;
}

static int auth_logout(struct http_request *req, struct http_response *res)
{
	const struct principal *p = principal_of(req, res);
	if (p == NULL)
		return 0;
	int rc = acc_logout(req->db, p, p->via_token ? NULL : req->session_token, req->request_id,
	                    req->client_addr);
	if (rc != ACC_OK) {
		struct acc_outcome o = {0};
		return acc_answer(req, res, rc, &o);
	}
	res->set_cookie = ACCOUNTS_COOKIE "=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict";
	buf_puts(&res->body, "{}");
	http_json(res, 200);
	return 0;
}

static int auth_me(struct http_request *req, struct http_response *res)
{
	const struct principal *p = principal_of(req, res);
	if (p == NULL)
		return 0;
	session_write(&res->body, p);
	http_json(res, 200);
	return 0;
}

static int auth_password(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"old_password", "new_password", NULL};
	const struct principal *p = principal_of(req, res);
	if (p == NULL)
		return 0;
	json_t *body = body_object(req, res, KEYS, 0);
	int rc = 0;
	const char *old_pw, *new_pw;
	if (body == NULL ||
	    body_string(res, body, "old_password", STR_REQUIRED, ACC_PASSWORD_MAX, 0, &old_pw) !=
	        0 ||
	    body_string(res, body, "new_password", STR_REQUIRED, ACC_PASSWORD_MAX, 0, &new_pw) != 0)
		goto out;
	const char *why = NULL;
	int arc = acc_password_change(req->db, p, req->session_token, old_pw, new_pw,
	                              req->request_id, req->client_addr, &why);
	if (arc != ACC_OK) {
		struct acc_outcome o = {.field = "new_password",
		                        .what = "such account",
		                        .why = why,
		                        .denied = DENIED_OLD_PASSWORD};
		rc = acc_answer(req, res, arc, &o);
		goto out;
	}
	buf_puts(&res->body, "{}");
	http_json(res, 200);
out:
	wipe_member(body, "old_password");
	wipe_member(body, "new_password");
	json_decref(body);
	wipe_body(req);
	return rc;
}

/* --- Accounts --- */

/* Collects JSON objects into an array being written. */
struct list_ctx {
	struct buf *out; /* the response body */
	int n;           /* objects written */
};

static void list_add(void *ctx, const char *json)
{
	struct list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	buf_puts(lc->out, json);
}

/* The {login} of the path, or NULL with a 404 in res. */
static const char *path_login(struct http_request *req, struct http_response *res)
{
	const char *login = req->params[0];
	if (path_name_ok(login, ACC_LOGIN_MAX) != 0) {
		http_error(res, API_NOT_FOUND, "not_found", NULL, "no such account");
		return NULL;
	}
	return login;
}

/* Writes {"account": <the account>} (or the bare account when bare) with status; a 404 if it
 * cannot be read back (out of the caller's scope). */
static int account_respond(struct http_request *req, struct http_response *res, const char *login,
                           int status)
{
	struct actor who = api_actor(req);
	const char *json = acc_account_json(req->db, &who, login, &req->arena);
	if (json == NULL)
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no account %s", login);
	buf_puts(&res->body, json);
	http_json(res, status);
	return 0;
}

static int accounts_list(struct http_request *req, struct http_response *res)
{
	struct actor who = api_actor(req);
	struct list_ctx lc = {&res->body, 0};
	buf_puts(&res->body, "{\"items\":[");
	if (acc_accounts_list(req->db, &who, list_add, &lc) != ACC_OK)
		return -1;
	buf_puts(&res->body, "]}");
	http_json(res, 200);
	return 0;
}

static int accounts_get(struct http_request *req, struct http_response *res)
{
	const char *login = path_login(req, res);
	return login ? account_respond(req, res, login, 200) : 0;
}

static int accounts_create(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"login",       "display_name", "org_unit", "roles",
	                                   "credit_code", "password",     NULL};
	json_t *body = body_object(req, res, KEYS, 0);
	int rc = 0;
	struct acc_account_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.must_change = 1;
	if (body == NULL ||
	    body_string(res, body, "login", STR_REQUIRED | STR_LINE, ACC_LOGIN_MAX, 0,
	                &spec.login) != 0 ||
	    body_string(res, body, "display_name", STR_REQUIRED | STR_LINE, 0, ACC_NAME_MAX,
	                &spec.display_name) != 0 ||
	    body_string(res, body, "org_unit", STR_REQUIRED | STR_CODE, ACCOUNTS_CODE_MAX, 0,
	                &spec.org_unit) != 0 ||
	    body_strings(res, body, "roles", STR_REQUIRED | STR_CODE, ACCOUNTS_CODE_MAX, spec.roles,
	                 ACC_MAX_ROLES, &spec.nroles) != 0 ||
	    body_string(res, body, "credit_code", STR_CODE, ACCOUNTS_CREDIT_CODE_MAX, 0,
	                &spec.credit_code) != 0 ||
	    body_string(res, body, "password", 0, ACC_PASSWORD_MAX, 0, &spec.password) != 0)
		goto out;
	struct actor who = api_actor(req);
	const char *initial = NULL, *why = NULL;
	int arc = acc_account_create(req->db, &who, &spec, &req->arena, &initial, &why);
	if (arc != ACC_OK) {
		/* Reasons that name no field come from the password rules ("the password ...")
		 * or the roles. */
		int pw = why && strstr(why, "password") != NULL;
		struct acc_outcome o = {
		    .field = pw ? "password" : "roles", .what = "such unit or role", .why = why};
		rc = acc_answer(req, res, arc, &o);
		goto out;
	}
	const char *json = acc_account_json(req->db, &who, spec.login, &req->arena);
	buf_puts(&res->body, "{\"account\":");
	buf_puts(&res->body, json ? json : "null");
	if (initial) {
		buf_puts(&res->body, ",\"initial_password\":");
		json_write_string(&res->body, initial, strlen(initial));
	}
	buf_putc(&res->body, '}');
	http_json(res, 201);
out:
	wipe_member(body, "password");
	json_decref(body);
	wipe_body(req);
	return rc;
}

static int accounts_update(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"display_name", "org_unit", "roles", "disabled", NULL};
	const char *login = path_login(req, res);
	if (login == NULL)
		return 0;
	json_t *body = body_object(req, res, KEYS, 0);
	int rc = 0, disabled, nroles;
	const char *name, *unit, *roles[ACC_MAX_ROLES];
	if (body == NULL ||
	    body_string(res, body, "display_name", STR_LINE, 0, ACC_NAME_MAX, &name) != 0 ||
	    body_string(res, body, "org_unit", STR_CODE, ACCOUNTS_CODE_MAX, 0, &unit) != 0 ||
	    body_strings(res, body, "roles", STR_CODE, ACCOUNTS_CODE_MAX, roles, ACC_MAX_ROLES,
	                 &nroles) != 0 ||
	    body_bool(res, body, "disabled", &disabled) != 0)
		goto out;
	struct actor who = api_actor(req);
	/* Nobody locks themselves out (a lone administrator would leave nobody to undo it). */
	if (disabled == 1 && who.name && strcmp(who.name, login) == 0) {
		rc = http_error(res, API_BAD_REQUEST, "not_allowed", "disabled",
		                "an account cannot disable itself");
		goto out;
	}
	char *what = arena_printf(&req->arena, "account %s", login);
	int arc = ACC_OK;
	const char *why = NULL;
	if (name || unit || nroles >= 0)
		arc = acc_account_update(req->db, &who, login, name, unit,
		                         nroles >= 0 ? roles : NULL, nroles, &why);
	if (arc == ACC_OK && disabled >= 0)
		arc = acc_account_set_disabled(req->db, &who, login, disabled);
	if (arc != ACC_OK) {
		/* Reasons that name no field come from the roles. */
		struct acc_outcome o = {.field = "roles", .what = what, .why = why};
		rc = acc_answer(req, res, arc, &o);
		goto out;
	}
	rc = account_respond(req, res, login, 200);
out:
	json_decref(body);
	return rc;
}

static int accounts_password_reset(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"password", NULL};
	const char *login = path_login(req, res);
	if (login == NULL)
		return 0;
	json_t *body = body_object(req, res, KEYS, 1);
	int rc = 0;
	const char *password;
	if (body == NULL ||
	    body_string(res, body, "password", 0, ACC_PASSWORD_MAX, 0, &password) != 0)
		goto out;
	struct actor who = api_actor(req);
	const char *made = NULL, *why = NULL;
	int arc =
	    acc_account_reset_password(req->db, &who, login, password, &req->arena, &made, &why);
	if (arc != ACC_OK) {
		struct acc_outcome o = {.field = "password",
		                        .what = arena_printf(&req->arena, "account %s", login),
		                        .why = why};
		rc = acc_answer(req, res, arc, &o);
		goto out;
	}
	buf_putc(&res->body, '{');
	if (made) {
		buf_puts(&res->body, "\"password\":");
		json_write_string(&res->body, made, strlen(made));
	}
	buf_putc(&res->body, '}');
	http_json(res, 200);
out:
	wipe_member(body, "password");
	json_decref(body);
	wipe_body(req);
	return rc;
}

/* --- Roles and org units --- */

/* Writes the element of the JSON array text whose member key equals value, read back after a
 * change. Returns 0, or -1 if the array is missing or lacks it (the change just succeeded, so
 * that is a fault). */
static int item_respond(struct http_response *res, const char *array, const char *key,
                        const char *value, int status)
{
	json_t *all = array ? json_loads(array, 0, NULL) : NULL;
	size_t i;
	json_t *item;
	int rc = -1;
	json_array_foreach(all, i, item)
	{
		const char *v = json_string_value(json_object_get(item, key));
		if (v && strcmp(v, value) == 0) {
			char *text = json_dumps(item, JSON_COMPACT);
			if (text) {
				buf_puts(&res->body, text);
				free(text);
				http_json(res, status);
				rc = 0;
			}
			break;
		}
	}
	json_decref(all);
	return rc;
}

static int items_respond(struct http_response *res, const char *array)
{
	if (array == NULL)
		return -1;
	buf_puts(&res->body, "{\"items\":");
	buf_puts(&res->body, array);
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

static int roles_list(struct http_request *req, struct http_response *res)
{
	return items_respond(res, acc_roles_json(req->db, &req->arena));
}

static int roles_put(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"label", "scope", "permissions", "units", NULL};
	static const char *const SCOPES[] = {"all",    "units", "unit_and_below", "unit", "own",
	                                     "entity", NULL};
	const char *name = req->params[0];
	if (path_name_ok(name, ACCOUNTS_CODE_MAX) != 0 || !is_code(name, strlen(name))) {
		http_error(res, API_BAD_REQUEST, "invalid", "name",
		           "a role name is 1 to %d printable ASCII characters without spaces",
		           ACCOUNTS_CODE_MAX);
		return 0;
	}
	json_t *body = body_object(req, res, KEYS, 0);
	int rc = 0, nperms, nunits;
	const char *label, *scope, *perms[ACCOUNTS_MAX_PERMISSIONS], *units[ACCOUNTS_MAX_UNITS];
	if (body == NULL ||
	    body_string(res, body, "label", STR_REQUIRED | STR_LINE, 0, ACCOUNTS_LABEL_MAX,
	                &label) != 0 ||
	    body_string(res, body, "scope", STR_REQUIRED | STR_CODE, ACCOUNTS_CODE_MAX, 0,
	                &scope) != 0 ||
	    body_strings(res, body, "permissions", STR_CODE, ACCOUNTS_PERMISSION_MAX, perms,
	                 ACCOUNTS_MAX_PERMISSIONS, &nperms) != 0 ||
	    body_strings(res, body, "units", STR_CODE, ACCOUNTS_CODE_MAX, units, ACCOUNTS_MAX_UNITS,
	                 &nunits) != 0)
		goto out;
	const char *const *s = SCOPES;
	while (*s && strcmp(*s, scope) != 0)
		s++;
	if (*s == NULL) {
		http_error(res, API_BAD_REQUEST, "not_allowed", "scope",
		           "scope must be all, units, unit_and_below, unit, own or entity");
		goto out;
	}
	if (nperms < 0) {
		http_error(res, API_BAD_REQUEST, "required", "permissions",
		           "permissions is required (it may be [])");
		goto out;
	}
	if (permissions_check(res, "permissions", perms, nperms) != 0)
		goto out;
	if (nunits < 0)
		nunits = 0;
	if ((strcmp(scope, "units") == 0) != (nunits > 0)) {
		http_error(res, API_BAD_REQUEST, "invalid", "units",
		           "units are given exactly when scope is units");
		goto out;
	}
	struct actor who = api_actor(req);
	const char *why = NULL;
	int arc =
	    acc_role_put(req->db, &who, name, label, scope, perms, nperms, units, nunits, &why);
	if (arc != ACC_OK) {
		/* The one reason that names no field is about the role itself (built in). */
		struct acc_outcome o = {.field = "name", .what = "such role", .why = why};
		rc = acc_answer(req, res, arc, &o);
		goto out;
	}
	rc = item_respond(res, acc_roles_json(req->db, &req->arena), "name", name, 200);
out:
	json_decref(body);
	return rc;
}

static int org_units_list(struct http_request *req, struct http_response *res)
{
	return items_respond(res, acc_org_units_json(req->db, &req->arena));
}

static int org_units_add(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"code", "name", "kind", "parent", NULL};
	/* Bureaus are seeded from the regions, one per province and prefecture. */
	static const char *const KINDS[] = {"office", "institution", "lab", NULL};
	json_t *body = body_object(req, res, KEYS, 0);
	int rc = 0;
	const char *code, *name, *kind, *parent;
	if (body == NULL ||
	    body_string(res, body, "code", STR_REQUIRED | STR_CODE, ACCOUNTS_CODE_MAX, 0, &code) !=
	        0 ||
	    body_string(res, body, "name", STR_REQUIRED | STR_LINE, 0, ACCOUNTS_LABEL_MAX, &name) !=
	        0 ||
	    body_string(res, body, "kind", STR_REQUIRED | STR_CODE, ACCOUNTS_CODE_MAX, 0, &kind) !=
	        0 ||
	    body_string(res, body, "parent", STR_REQUIRED | STR_CODE, ACCOUNTS_CODE_MAX, 0,
	                &parent) != 0)
		goto out;
	const char *const *k = KINDS;
	while (*k && strcmp(*k, kind) != 0)
		k++;
	if (*k == NULL) {
		http_error(res, API_BAD_REQUEST, "not_allowed", "kind",
		           "kind must be office, institution or lab");
		goto out;
	}
	struct actor who = api_actor(req);
	const char *why = NULL;
	int arc = acc_org_unit_add(req->db, &who, code, name, kind, parent, &why);
	if (arc != ACC_OK) {
		struct acc_outcome o = {.what = "such parent unit", .why = why};
		rc = acc_answer(req, res, arc, &o);
		goto out;
	}
	rc = item_respond(res, acc_org_units_json(req->db, &req->arena), "code", code, 201);
out:
	json_decref(body);
	return rc;
}

/* --- API tokens --- */

/* Tokens are managed from a console session only: a token that could mint tokens would
 * outgrow the scopes it was given. Returns the principal or NULL with res set. */
static const struct principal *token_owner(struct http_request *req, struct http_response *res)
{
	const struct principal *p = principal_of(req, res);
	if (p && p->via_token) {
		http_error(res, API_FORBIDDEN, "forbidden", NULL,
		           "API tokens are managed from a signed-in session, not with a token");
		return NULL;
	}
	return p;
}

static int tokens_list(struct http_request *req, struct http_response *res)
{
	const struct principal *p = token_owner(req, res);
	if (p == NULL)
		return 0;
	return items_respond(res, acc_tokens_json(req->db, p->login, &req->arena));
}

static int tokens_create(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"name", "scopes", "days", NULL};
	const struct principal *p = token_owner(req, res);
	if (p == NULL)
		return 0;
	json_t *body = body_object(req, res, KEYS, 0);
	int rc = 0, nscopes, days = ACCOUNTS_TOKEN_DEFAULT_DAYS;
	const char *name, *scopes[ACCOUNTS_MAX_PERMISSIONS];
	if (body == NULL ||
	    body_string(res, body, "name", STR_REQUIRED | STR_LINE, 0, ACCOUNTS_TOKEN_NAME_MAX,
	                &name) != 0 ||
	    body_strings(res, body, "scopes", STR_REQUIRED | STR_CODE, ACCOUNTS_PERMISSION_MAX,
	                 scopes, ACCOUNTS_MAX_PERMISSIONS, &nscopes) != 0 ||
	    permissions_check(res, "scopes", scopes, nscopes) != 0 ||
	    body_int(res, body, "days", 1, ACC_TOKEN_MAX_DAYS, &days) != 0)
		goto out;
	struct actor who = api_actor(req);
	const char *token = NULL, *why = NULL;
	int64_t id = 0;
	int arc = acc_token_create(req->db, &who, p->login, name, scopes, nscopes, days,
	                           &req->arena, &token, &id, &why);
	if (arc != ACC_OK) {
		struct acc_outcome o = {.what = "such account", .why = why};
		rc = acc_answer(req, res, arc, &o);
		goto out;
	}
	/* Ids are deployment-prefixed and exceed 2^53: a string, so JavaScript keeps them. */
	buf_printf(&res->body, "{\"id\":\"%lld\",\"token\":", (long long)id);
	json_write_string(&res->body, token, strlen(token));
	buf_puts(&res->body, ",\"note\":\"shown once: store it now, it cannot be read again\"}");
	http_json(res, 201);
out:
	json_decref(body);
	return rc;
}

static int tokens_revoke(struct http_request *req, struct http_response *res)
{
	const struct principal *p = token_owner(req, res);
	if (p == NULL)
		return 0;
	int64_t id;
	if (parse_id(req->params[0], &id) != 0)
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no such token");
	struct actor who = api_actor(req);
	int arc = acc_token_revoke(req->db, &who, p->login, id);
	if (arc != ACC_OK) {
		struct acc_outcome o = {.what = "such token"};
		return acc_answer(req, res, arc, &o);
	}
	buf_puts(&res->body, "{}");
	http_json(res, 200);
	return 0;
}

/* --- The audit log --- */

/* A text filter from the query: 1 to AUDIT_QUERY_MAX bytes of UTF-8, or absent (*out NULL). */
static int query_text(struct http_request *req, struct http_response *res, const char *name,
                      const char **out)
{
	const char *v = http_query(req, name);
	*out = NULL;
	if (v == NULL)
		return 0;
	size_t n = strlen(v);
	if (n == 0 || n > AUDIT_QUERY_MAX || utf8_invalid_at(v, n) >= 0 ||
	    utf8_has_control(v, n, 0))
		return REJECT(res, "invalid", name, "%s must be 1 to %d bytes of text", name,
		              AUDIT_QUERY_MAX);
	*out = v;
	return 0;
}

/* Fixed-width digits at s (n of them) within [lo, hi]. */
/* 1 if s[0..n) is a decimal number within [lo, hi]. */
static int digits_in(const char *s, int n, int lo, int hi)
{
	int64_t v;
	return s[0] != '-' && field_int_parse(s, (size_t)n, lo, hi, &v) == 0;
}

/*
 * A time bound from the query: an ISO 8601 date or UTC date-time, YYYY-MM-DD[THH:MM[:SS[.f]]]
 * with an optional Z. Returns it without the Z (so that it compares as text with the at
 * column, which is always UTC) in *out, or -1 with res set.
 */
static int query_time(struct http_request *req, struct http_response *res, const char *name,
                      const char **out)
{
	const char *v;
	if (query_text(req, res, name, &v) != 0)
		return -1;
	*out = NULL;
	if (v == NULL)
		return 0;
	size_t n = strlen(v);
	if (n && v[n - 1] == 'Z')
		n--;
	int ok = n >= 10 && digits_in(v, 4, 1, 9999) && v[4] == '-' && digits_in(v + 5, 2, 1, 12) &&
	         v[7] == '-' && digits_in(v + 8, 2, 1, 31);
	if (ok && n > 10)
		ok = n >= 16 && v[10] == 'T' && digits_in(v + 11, 2, 0, 23) && v[13] == ':' &&
		     digits_in(v + 14, 2, 0, 59);
	if (ok && n > 16)
		ok = n >= 19 && v[16] == ':' && digits_in(v + 17, 2, 0, 60);
	if (ok && n > 19)
		ok = n >= 21 && n <= 26 && v[19] == '.' && strspn(v + 20, "0123456789") == n - 20;
	if (!ok || (n == 10 && v[n] == 'Z'))
		return REJECT(res, "invalid", name,
		              "%s must be a date (2024-05-31) or a UTC date-time "
		              "(2024-05-31T08:30:00Z)",
		              name);
	*out = arena_strndup(&req->arena, v, n);
	return 0;
}

/* Appends a column holding JSON text as the JSON value itself; text that does not parse (it
 * never should) goes as a string, so one bad entry cannot break the whole answer. */
static void write_json_column(struct buf *out, struct db_stmt *row, int col)
{
	if (db_col_is_null(row, col)) {
		buf_puts(out, "null");
		return;
	}
	size_t n;
	const char *t = db_col_text(row, col, &n);
	json_t *v = json_loadb(t, n, JSON_DECODE_ANY, NULL);
	if (v)
		buf_append(out, t, n);
	else
		json_write_string(out, t, n);
	json_decref(v);
}

static void write_text_column(struct buf *out, struct db_stmt *row, int col)
{
	size_t n;
	const char *t = db_col_text(row, col, &n);
	if (db_col_is_null(row, col))
		buf_puts(out, "null");
	else
		json_write_string(out, t, n);
}

static void audit_row_write(void *ctx, struct db_stmt *row)
{
	static const struct {
		const char *name;
		int col;
		int is_json;
	} COLUMNS[] = {
	    {"at", AUDIT_COL_AT, 0},
	    {"actor", AUDIT_COL_ACTOR, 0},
	    {"org_unit", AUDIT_COL_ORG_UNIT, 0},
	    {"action", AUDIT_COL_ACTION, 0},
	    {"entity_type", AUDIT_COL_ENTITY_TYPE, 0},
	    {"entity_key", AUDIT_COL_ENTITY_KEY, 0},
	    {"before", AUDIT_COL_BEFORE, 1},
	    {"after", AUDIT_COL_AFTER, 1},
	    {"request_id", AUDIT_COL_REQUEST_ID, 0},
	    {"client_addr", AUDIT_COL_CLIENT_ADDR, 0},
	    {"outcome", AUDIT_COL_OUTCOME, 0},
	};
	struct list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	buf_printf(lc->out, "{\"id\":%lld", (long long)db_col_int64(row, AUDIT_COL_ID));
	for (size_t i = 0; i < sizeof COLUMNS / sizeof COLUMNS[0]; i++) {
		buf_printf(lc->out, ",\"%s\":", COLUMNS[i].name);
		if (COLUMNS[i].is_json)
			write_json_column(lc->out, row, COLUMNS[i].col);
		else
			write_text_column(lc->out, row, COLUMNS[i].col);
	}
	buf_putc(lc->out, '}');
}

static int audit_entries_list(struct http_request *req, struct http_response *res)
{
	struct audit_filter f;
	memset(&f, 0, sizeof f);
	f.limit = AUDIT_LIST_DEFAULT;
	if (query_text(req, res, "actor", &f.actor) != 0 ||
	    query_text(req, res, "action", &f.action) != 0 ||
	    query_text(req, res, "entity_type", &f.entity_type) != 0 ||
	    query_text(req, res, "entity_key", &f.entity_key) != 0 ||
	    query_text(req, res, "outcome", &f.outcome) != 0 ||
	    query_time(req, res, "from", &f.from) != 0 || query_time(req, res, "to", &f.to) != 0)
		return 0;
	const char *limit = http_query(req, "limit");
	if (limit) {
		int64_t v;
		if (field_int_parse_cstr(limit, 1, AUDIT_LIST_MAX, &v) != 0)
			return http_error(res, API_BAD_REQUEST, "out_of_range", "limit",
			                  "limit must be from 1 to %d", AUDIT_LIST_MAX);
		f.limit = (int)v;
	}
	const char *cursor = http_query(req, "cursor");
	if (cursor && parse_id(cursor, &f.before_id) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "cursor",
		                  "cursor must be the next_cursor of the previous page");
	struct actor who = api_actor(req);
	f.scope = &who;
	struct list_ctx lc = {&res->body, 0};
	int64_t next = 0;
	buf_puts(&res->body, "{\"items\":[");
	if (audit_list(req->db, &f, audit_row_write, &lc, &next) != 0)
		return -1;
	buf_puts(&res->body, "],\"next_cursor\":");
	if (next)
		buf_printf(&res->body, "\"%lld\"", (long long)next);
	else
		buf_puts(&res->body, "null");
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

/* --- Routes --- */

static const struct route_param AUDIT_PARAMS[] = {
    {"actor", "string", "login of who acted (exact)"},
    {"action", "string", "what was done, e.g. account.create (exact)"},
    {"entity_type", "string", "kind of thing changed, e.g. account (exact)"},
    {"entity_key", "string", "key of the thing changed (exact)"},
    {"outcome", "string", "ok, failed, locked, throttled, ... (exact)"},
    {"from", "string", "earliest time: ISO date or UTC date-time, inclusive"},
    {"to", "string",
     "latest time: ISO date or UTC date-time, inclusive (a date takes the "
     "whole day)"},
    {"limit", "integer", "page size, 1 to 500 (default 100)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

#define SIGNED_IN ROUTE_SIGNED_IN
#define ANY_STATE (ROUTE_SIGNED_IN | ROUTE_BEFORE_CHANGE)

static const struct route ACCOUNTS_ROUTES[] = {
    {"POST", "/api/v1/auth/login", auth_login, ROUTE_PUBLIC, ACCOUNTS_AUTH_BODY_LIMIT,
     "Sign in: sets the session cookie and returns the account and its CSRF token", "accounts",
     "LoginInput", "Session", NULL, 200, NULL},
    {"POST", "/api/v1/auth/logout", auth_logout, ANY_STATE, ACCOUNTS_AUTH_BODY_LIMIT,
     "Sign out: ends the session and clears the cookie", "accounts", NULL, NULL, NULL, 200, NULL},
    {"GET", "/api/v1/auth/me", auth_me, ANY_STATE, 0,
     "The signed-in account, its permissions and scope", "accounts", NULL, "Session", NULL, 200,
     NULL},
    {"POST", "/api/v1/auth/password", auth_password, ANY_STATE, ACCOUNTS_AUTH_BODY_LIMIT,
     "Change one's own password (ends one's other sessions)", "accounts", "PasswordChange", NULL,
     NULL, 200, NULL},
    {"GET", "/api/v1/accounts", accounts_list, 0, 0, "List accounts in scope", "accounts", NULL,
     "AccountList", NULL, 200, "accounts:read"},
    {"POST", "/api/v1/accounts", accounts_create, 0, ACCOUNTS_BODY_LIMIT,
     "Create an account (a password is generated and shown once if none is given)", "accounts",
     "AccountInput", "AccountCreated", NULL, 201, "accounts:admin"},
    {"GET", "/api/v1/accounts/{login}", accounts_get, 0, 0, "Read an account", "accounts", NULL,
     "Account", NULL, 200, "accounts:read"},
    {"PATCH", "/api/v1/accounts/{login}", accounts_update, 0, ACCOUNTS_BODY_LIMIT,
     "Change an account's name, unit or roles, or disable or enable it", "accounts", "AccountPatch",
     "Account", NULL, 200, "accounts:admin"},
    {"POST", "/api/v1/accounts/{login}/password-reset", accounts_password_reset, 0,
     ACCOUNTS_AUTH_BODY_LIMIT,
     "Reset an account's password (generated if not given); it must be changed at next "
     "sign-in",
     "accounts", "PasswordResetInput", "PasswordReset", NULL, 200, "accounts:admin"},
    {"GET", "/api/v1/roles", roles_list, 0, 0, "List roles with permissions and scope", "accounts",
     NULL, "RoleList", NULL, 200, "accounts:read"},
    {"PUT", "/api/v1/roles/{name}", roles_put, 0, ACCOUNTS_BODY_LIMIT,
     "Create or replace a role (built-in roles cannot be changed)", "accounts", "RoleInput", "Role",
     NULL, 200, "accounts:admin"},
    {"GET", "/api/v1/org-units", org_units_list, 0, 0, "List org units", "accounts", NULL,
     "OrgUnitList", NULL, 200, "accounts:read"},
    {"POST", "/api/v1/org-units", org_units_add, 0, ACCOUNTS_BODY_LIMIT,
     "Add an org unit under a parent unit", "accounts", "OrgUnitInput", "OrgUnit", NULL, 201,
     "accounts:admin"},
    {"GET", "/api/v1/tokens", tokens_list, SIGNED_IN, 0, "List one's own API tokens", "accounts",
     NULL, "TokenList", NULL, 200, NULL},
    {"POST", "/api/v1/tokens", tokens_create, SIGNED_IN, ACCOUNTS_BODY_LIMIT,
     "Issue an API token for oneself (the secret is shown once)", "accounts", "TokenInput",
     "TokenCreated", NULL, 201, NULL},
    {"DELETE", "/api/v1/tokens/{id}", tokens_revoke, SIGNED_IN, 0, "Revoke one of one's API tokens",
     "accounts", NULL, NULL, NULL, 200, NULL},
    {"GET", "/api/v1/audit", audit_entries_list, 0, 0,
     "Read the audit log, newest first (leaders see their units' entries)", "audit", NULL,
     "AuditList", AUDIT_PARAMS, 200, "audit:read"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table ACCOUNTS_ROUTE_TABLE = {"accounts", ACCOUNTS_ROUTES};

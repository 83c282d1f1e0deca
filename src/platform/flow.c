/*
 * The workflow engine (see flow.h). Three parts: the definition parser (strict: every part of
 * a process is checked, and the first fault is named by its path, "transitions[3].to"); the
 * cache of parsed definitions, keyed by process code, version and the SHA-256 of the stored
 * text, shared by every thread under one mutex and never freed while the process runs (a
 * definition is immutable once stored, and there are few of them); and the cases, whose
 * clock arithmetic is done in working days through platform/workdays.h.
 *
 * Stored per case: the stage's start day, its limit, the extension granted and the working
 * days of finished clock stops; the deadline of an open running case is derived from those
 * and stored too (kept up to date by every move and by flow_recompute), so that queues sort
 * and filter on the (closed, deadline) index. A paused case has no deadline: its
 * frozen_deadline (the deadline as it stood when the clock stopped) tells how much was left.
 */
#include "flow.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "platform/actor.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/mem.h"
#include "platform/scope.h"
#include "platform/service.h"
#include "platform/textenc.h"
#include "platform/workdays.h"

#define FLOW_NAME_MAX    200  /* characters of a name in one language, or of a basis */
#define FLOW_PERM_MAX    64   /* bytes of "module.action" with the NUL */
#define FLOW_SUBJECT_MAX 128  /* bytes of a case's subject */
#define FLOW_ENTITY_MAX  32   /* bytes of a legal entity's code with the NUL */
#define FLOW_NOTE_MAX    4000 /* characters of an event's note */
#define FLOW_QUEUE_SCAN  2000 /* rows one page of an actionable queue may look at */
#define DIGEST_HEX       65

/* ---- Definitions -------------------------------------------------------------------------- */

struct flow_name {
	char *zh, *bo, *en; /* owned; bo may be NULL */
};

struct flow_stage_def {
	char code[FLOW_CODE_MAX];
	int limit;     /* working days */
	int extension; /* working days that may be added once, or 0 */
	char *basis;   /* the legal basis, or NULL */
	struct flow_name name;
};

struct flow_step_def {
	char code[FLOW_CODE_MAX];
	int stage;   /* index into stages, or -1 */
	int stopped; /* the stage's clock stops here */
	char reason[FLOW_CODE_MAX];
	int final;
	struct flow_name name;
};

struct flow_transition_def {
	int from, to; /* step indexes */
	char action[FLOW_CODE_MAX];
	int applicant;                     /* done by the case's legal entity */
	char permission[FLOW_PERM_MAX];    /* otherwise: "module.action" */
	char distinct_from[FLOW_CODE_MAX]; /* "" or an action whose last actor may not do this */
	int extend;                        /* grants the stage's extension */
	struct flow_name name;
};

struct flow_def {
	char code[FLOW_CODE_MAX];
	int version;             /* 0 until stored */
	char digest[DIGEST_HEX]; /* of the stored text */
	struct flow_name name;   /* zh may be NULL: the process's name is optional */
	int start;               /* step index */
	struct flow_stage_def *stages;
	int nstages;
	struct flow_step_def *steps;
	int nsteps;
	struct flow_transition_def *transitions;
	int ntransitions;
	struct flow_def *next; /* in the cache */
};

static void name_free(struct flow_name *n)
{
	free(n->zh);
	free(n->bo);
	free(n->en);
}

static void def_free(struct flow_def *d)
{
	if (d == NULL)
		return;
	name_free(&d->name);
	for (int i = 0; i < d->nstages; i++) {
		free(d->stages[i].basis);
		name_free(&d->stages[i].name);
	}
	for (int i = 0; i < d->nsteps; i++)
		name_free(&d->steps[i].name);
	for (int i = 0; i < d->ntransitions; i++)
		name_free(&d->transitions[i].name);
	free(d->stages);
	free(d->steps);
	free(d->transitions);
	free(d);
}

/* The path a failure names: per thread, valid until the next failure in the thread. */
static _Thread_local char fail_field[96];

static int fail(struct field_error *err, const char *code, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Names the part (printf-style path) and returns SVC_INVALID. */
static int fail(struct field_error *err, const char *code, const char *msg, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fail_field, sizeof fail_field, fmt, ap);
	va_end(ap);
	if (fail_field[0] == '.') /* a member of the top level: "code", not ".code" */
		memmove(fail_field, fail_field + 1, strlen(fail_field));
	field_fail(err, fail_field, code, "%s: %s", fail_field, msg);
	return SVC_INVALID;
}

static int code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > FLOW_CODE_MAX - 1)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* A process code may also have hyphens ("licence-food"), as the file names of processes do. */
static int process_code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > FLOW_CODE_MAX - 1 || s[0] == '-')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* "module.action": two codes joined by a dot, shorter than FLOW_PERM_MAX. */
static int permission_ok(const char *s)
{
	const char *dot = strchr(s, '.');
	size_t n = strlen(s);
	if (dot == NULL || n >= FLOW_PERM_MAX || dot == s || dot[1] == '\0')
		return 0;
	size_t a = (size_t)(dot - s);
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == a &&
	       strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz0123456789_") == n - a - 1;
}

/* Only the keys allowed (and "description", "comment") in obj. */
static int keys_check(json_t *obj, const char *const *keys, const char *path,
                      struct field_error *err)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		int known = strcmp(k, "description") == 0 || strcmp(k, "comment") == 0;
		for (int i = 0; keys[i] && !known; i++)
			known = strcmp(keys[i], k) == 0;
		if (!known)
			return fail(err, "unknown", "is not part of a definition", "%s%s%.40s",
			            path, path[0] ? "." : "", k);
	}
	return 0;
}

/* A text of at most FLOW_NAME_MAX characters without control characters, into *out (a copy,
 * or NULL when absent and not required). */
static int text_get(json_t *obj, const char *key, int required, const char *path, char **out,
                    struct field_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL && !required)
		return 0;
	if (v == NULL)
		return fail(err, "required", "is required", "%s.%s", path, key);
	if (!json_is_string(v))
		return fail(err, "invalid", "must be a string", "%s.%s", path, key);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (strlen(s) != n || utf8_has_control(s, n, 0))
		return fail(err, "invalid", "must be text without control characters", "%s.%s",
		            path, key);
	if (utf8_count(s, n) > FLOW_NAME_MAX)
		return fail(err, "too_long", "has more than 200 characters", "%s.%s", path, key);
	if (n == 0 && required)
		return fail(err, "required", "must not be empty", "%s.%s", path, key);
	*out = xstrdup(s);
	return 0;
}

/* name: {zh, en required; bo optional}. */
static int name_get(json_t *obj, const char *path, int required, struct flow_name *out,
                    struct field_error *err)
{
	static const char *const KEYS[] = {"zh", "bo", "en", NULL};
	char p[96];
	json_t *v = json_object_get(obj, "name");
	snprintf(p, sizeof p, "%s%sname", path, path[0] ? "." : "");
	if (v == NULL && !required)
		return 0;
	if (!json_is_object(v))
		return fail(err, v ? "invalid" : "required",
		            "must be an object {\"zh\":...,\"bo\":...,\"en\":...}", "%s", p);
	int rc = keys_check(v, KEYS, p, err);
	if (rc == 0)
		rc = text_get(v, "zh", 1, p, &out->zh, err);
	if (rc == 0)
		rc = text_get(v, "en", 1, p, &out->en, err);
	if (rc == 0)
		rc = text_get(v, "bo", 0, p, &out->bo, err);
	return rc;
}

/* A code member into out[FLOW_CODE_MAX]. */
static int code_get(json_t *obj, const char *key, const char *path, char *out,
                    struct field_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL)
		return fail(err, "required", "is required", "%s.%s", path, key);
	if (!json_is_string(v) || !code_ok(json_string_value(v)))
		return fail(err, "invalid", "must be a code of a-z, 0-9 and _ (at most 47)",
		            "%s.%s", path, key);
	snprintf(out, FLOW_CODE_MAX, "%s", json_string_value(v));
	return 0;
}

static int int_get(json_t *obj, const char *key, int required, int lo, int hi, const char *path,
                   int *out, struct field_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (v == NULL && !required)
		return 0;
	if (v == NULL)
		return fail(err, "required", "is required", "%s.%s", path, key);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return fail(err, "out_of_range",
		            lo == 0 ? "must be a whole number 0 to 365"
		                    : "must be a whole number 1 to 365",
		            "%s.%s", path, key);
	*out = (int)json_integer_value(v);
	return 0;
}

static int bool_get(json_t *obj, const char *key, const char *path, int *out,
                    struct field_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return fail(err, "invalid", "must be true or false", "%s.%s", path, key);
	*out = json_is_true(v);
	return 0;
}

static int stage_find(const struct flow_def *d, const char *code)
{
	for (int i = 0; i < d->nstages; i++)
		if (strcmp(d->stages[i].code, code) == 0)
			return i;
	return -1;
}

static int step_find(const struct flow_def *d, const char *code)
{
	for (int i = 0; i < d->nsteps; i++)
		if (strcmp(d->steps[i].code, code) == 0)
			return i;
	return -1;
}

/* An array member of at most max entries. */
static int array_get(json_t *root, const char *key, int min, int max, json_t **out,
                     struct field_error *err)
{
	json_t *v = json_object_get(root, key);
	if (v == NULL)
		return fail(err, "required", "is required", "%s", key);
	if (!json_is_array(v))
		return fail(err, "invalid", "must be an array", "%s", key);
	if (json_array_size(v) < (size_t)min || json_array_size(v) > (size_t)max)
		return fail(err, "out_of_range", "has too few or too many entries", "%s", key);
	*out = v;
	return 0;
}

static int stages_parse(json_t *arr, struct flow_def *d, struct field_error *err)
{
	static const char *const KEYS[] = {"code", "limit", "extension", "basis", "name", NULL};
	size_t i;
	json_t *e;
	d->stages = xcalloc(json_array_size(arr) + 1, sizeof *d->stages);
	json_array_foreach(arr, i, e)
	{
		char p[32];
		snprintf(p, sizeof p, "stages[%zu]", i);
		struct flow_stage_def *s = &d->stages[i];
		d->nstages = (int)i + 1;
		if (!json_is_object(e))
			return fail(err, "invalid", "must be an object", "%s", p);
		int rc;
		if ((rc = keys_check(e, KEYS, p, err)) ||
		    (rc = code_get(e, "code", p, s->code, err)))
			return rc;
		if (stage_find(d, s->code) != (int)i)
			return fail(err, "duplicate", "the code is used twice", "%s.code", p);
		if ((rc = int_get(e, "limit", 1, 1, 365, p, &s->limit, err)) ||
		    (rc = int_get(e, "extension", 0, 0, 365, p, &s->extension, err)) ||
		    (rc = text_get(e, "basis", 0, p, &s->basis, err)) ||
		    (rc = name_get(e, p, 1, &s->name, err)))
			return rc;
	}
	return 0;
}

static int steps_parse(json_t *arr, struct flow_def *d, struct field_error *err)
{
	static const char *const KEYS[] = {"code",  "stage", "clock", "reason",
	                                   "final", "name",  NULL};
	size_t i;
	json_t *e;
	d->steps = xcalloc(json_array_size(arr) + 1, sizeof *d->steps);
	json_array_foreach(arr, i, e)
	{
		char p[32];
		snprintf(p, sizeof p, "steps[%zu]", i);
		struct flow_step_def *s = &d->steps[i];
		d->nsteps = (int)i + 1;
		s->stage = -1;
		if (!json_is_object(e))
			return fail(err, "invalid", "must be an object", "%s", p);
		int rc;
		if ((rc = keys_check(e, KEYS, p, err)) ||
		    (rc = code_get(e, "code", p, s->code, err)))
			return rc;
		if (step_find(d, s->code) != (int)i)
			return fail(err, "duplicate", "the code is used twice", "%s.code", p);
		json_t *st = json_object_get(e, "stage");
		if (st && !json_is_null(st)) {
			if (!json_is_string(st))
				return fail(err, "invalid", "must be a stage's code or null",
				            "%s.stage", p);
			s->stage = stage_find(d, json_string_value(st));
			if (s->stage < 0)
				return fail(err, "unknown", "names no stage of the process",
				            "%s.stage", p);
		}
		json_t *clock = json_object_get(e, "clock");
		if (clock) {
			const char *c = json_is_string(clock) ? json_string_value(clock) : "";
			if (strcmp(c, "stopped") == 0)
				s->stopped = 1;
			else if (strcmp(c, "running") != 0)
				return fail(err, "invalid", "must be \"running\" or \"stopped\"",
				            "%s.clock", p);
		}
		if (s->stopped && s->stage < 0)
			return fail(err, "invalid", "only a step in a stage can stop its clock",
			            "%s.clock", p);
		if (s->stopped) {
			if ((rc = code_get(e, "reason", p, s->reason, err)))
				return rc;
		} else if (json_object_get(e, "reason")) {
			return fail(err, "invalid", "only a step that stops the clock has a reason",
			            "%s.reason", p);
		}
		if ((rc = bool_get(e, "final", p, &s->final, err)) ||
		    (rc = name_get(e, p, 1, &s->name, err)))
			return rc;
		if (s->final && (s->stage >= 0))
			return fail(err, "invalid", "a final step closes the case: it has no stage",
			            "%s.stage", p);
	}
	return 0;
}

static int transitions_parse(json_t *arr, struct flow_def *d, struct field_error *err)
{
	static const char *const KEYS[] = {"from",          "action", "to",   "by",
	                                   "distinct_from", "extend", "name", NULL};
	size_t i;
	json_t *e;
	d->transitions = xcalloc(json_array_size(arr) + 1, sizeof *d->transitions);
	json_array_foreach(arr, i, e)
	{
		char p[40], code[FLOW_CODE_MAX];
		snprintf(p, sizeof p, "transitions[%zu]", i);
		struct flow_transition_def *t = &d->transitions[i];
		d->ntransitions = (int)i + 1;
		if (!json_is_object(e))
			return fail(err, "invalid", "must be an object", "%s", p);
		int rc;
		if ((rc = keys_check(e, KEYS, p, err)) || (rc = code_get(e, "from", p, code, err)))
			return rc;
		if ((t->from = step_find(d, code)) < 0)
			return fail(err, "unknown", "names no step of the process", "%s.from", p);
		if (d->steps[t->from].final)
			return fail(err, "invalid", "a final step has no way out", "%s.from", p);
		if ((rc = code_get(e, "to", p, code, err)))
			return rc;
		if ((t->to = step_find(d, code)) < 0)
			return fail(err, "unknown", "names no step of the process", "%s.to", p);
		if ((rc = code_get(e, "action", p, t->action, err)))
			return rc;
		if (strcmp(t->action, "start") == 0)
			return fail(err, "invalid", "\"start\" is the engine's own action",
			            "%s.action", p);
		for (size_t j = 0; j < i; j++)
			if (d->transitions[j].from == t->from &&
			    strcmp(d->transitions[j].action, t->action) == 0)
				return fail(err, "duplicate",
				            "the step already has a transition with this action",
				            "%s.action", p);
		json_t *by = json_object_get(e, "by");
		const char *bs = json_is_string(by) ? json_string_value(by) : "";
		if (strcmp(bs, "applicant") == 0)
			t->applicant = 1;
		else if (permission_ok(bs))
			snprintf(t->permission, sizeof t->permission, "%s", bs);
		else
			return fail(err, by ? "invalid" : "required",
			            "must be \"applicant\" or a permission \"module.action\"",
			            "%s.by", p);
		if (json_object_get(e, "distinct_from") &&
		    (rc = code_get(e, "distinct_from", p, t->distinct_from, err)))
			return rc;
		if ((rc = bool_get(e, "extend", p, &t->extend, err)))
			return rc;
		if (t->extend) {
			int s = d->steps[t->from].stage;
			if (s < 0 || d->stages[s].extension == 0)
				return fail(
				    err, "invalid",
				    "only a step of a stage with an extension can extend it",
				    "%s.extend", p);
			if (d->steps[t->to].stage != s)
				return fail(err, "invalid", "an extension stays in its stage",
				            "%s.to", p);
		}
		if ((rc = name_get(e, p, 1, &t->name, err)))
			return rc;
	}
	/* distinct_from names an action of the process. */
	for (int k = 0; k < d->ntransitions; k++) {
		const char *df = d->transitions[k].distinct_from;
		int found = df[0] == '\0';
		for (int j = 0; j < d->ntransitions && !found; j++)
			found = strcmp(d->transitions[j].action, df) == 0;
		if (!found)
			return fail(err, "unknown", "names no action of the process",
			            "transitions[%d].distinct_from", k);
	}
	return 0;
}

/* Parses and checks a definition. Returns 0 with *out (def_free), or SVC_INVALID. */
static int def_parse(const char *json, size_t n, struct flow_def **out, struct field_error *err)
{
	static const char *const KEYS[] = {"code",  "name",        "start", "stages",
	                                   "steps", "transitions", NULL};
	*out = NULL;
	if (n > FLOW_DEFINITION_MAX)
		return fail(err, "too_large", "the definition is too large", "definition");
	json_error_t je;
	json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return fail(err, "invalid", "is not JSON (or repeats a key)", "definition");
	struct flow_def *d = xcalloc(1, sizeof *d);
	json_t *stages, *steps, *transitions;
	char start[FLOW_CODE_MAX];
	int rc;
	if (!json_is_object(root)) {
		rc = fail(err, "invalid", "must be a JSON object", "definition");
		goto out;
	}
	if ((rc = keys_check(root, KEYS, "", err)))
		goto out;
	json_t *pc = json_object_get(root, "code");
	if (!json_is_string(pc) || !process_code_ok(json_string_value(pc))) {
		rc = fail(err, pc ? "invalid" : "required",
		          "must be a code of a-z, 0-9, _ and - (at most 47)", "code");
		goto out;
	}
	snprintf(d->code, sizeof d->code, "%s", json_string_value(pc));
	if ((rc = name_get(root, "", 0, &d->name, err)) ||
	    (rc = array_get(root, "stages", 0, FLOW_STAGES_MAX, &stages, err)) ||
	    (rc = array_get(root, "steps", 1, FLOW_STEPS_MAX, &steps, err)) ||
	    (rc = array_get(root, "transitions", 0, FLOW_TRANSITIONS_MAX, &transitions, err)) ||
	    (rc = stages_parse(stages, d, err)) || (rc = steps_parse(steps, d, err)) ||
	    (rc = code_get(root, "start", "", start, err)))
		goto out;
	if ((d->start = step_find(d, start)) < 0) {
		rc = fail(err, "unknown", "names no step of the process", "start");
		goto out;
	}
	rc = transitions_parse(transitions, d, err);
out:
	json_decref(root);
	if (rc != 0)
		def_free(d);
	else
		*out = d;
	return rc;
}

int flow_definition_check(const char *json, size_t n, struct field_error *err)
{
	struct flow_def *d;
	int rc = def_parse(json, n, &d, err);
	def_free(d);
	return rc;
}

static void digest_hex(const char *s, size_t n, char out[DIGEST_HEX])
{
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)s, n);
	sodium_bin2hex(out, DIGEST_HEX, h, sizeof h);
}

int flow_define(struct db *db, const char *json, size_t n, struct field_error *err)
{
	struct flow_def *d;
	int rc = def_parse(json, n, &d, err);
	if (rc != 0)
		return rc;
	char digest[DIGEST_HEX], now[32];
	digest_hex(json, n, digest);
	rc = SVC_ERROR;
	struct db_stmt *st = db_prepare(db, "SELECT version, digest FROM flow_process WHERE code = "
	                                    "? ORDER BY version DESC LIMIT 1");
	if (st == NULL)
		goto out;
	db_bind_cstr(st, 1, d->code);
	int r = db_step(st);
	int64_t have = r == DB_ROW ? db_col_int64(st, 0) : 0;
	int same = r == DB_ROW && strcmp(db_col_text(st, 1, NULL), digest) == 0;
	db_reset(st);
	if (r < 0)
		goto out;
	if (same) {
		rc = 0;
		goto out;
	}
	now_iso(now);
	st = db_prepare(db, "INSERT INTO flow_process (code, version, definition, digest, "
	                    "created_at) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		goto out;
	db_bind_cstr(st, 1, d->code);
	db_bind_int64(st, 2, have + 1);
	db_bind_text(st, 3, json, n);
	db_bind_cstr(st, 4, digest);
	db_bind_cstr(st, 5, now);
	r = db_step(st);
	db_reset(st);
	rc = r < 0 ? SVC_ERROR : 0;
out:
	def_free(d);
	return rc;
}

/* ---- The cache of definitions ------------------------------------------------------------- */

static pthread_mutex_t def_lock = PTHREAD_MUTEX_INITIALIZER;
static struct flow_def *def_cache; /* every definition parsed so far; never freed */

/*
 * The definition of process at version (0: the newest), from the cache or parsed from the
 * database. Returns NULL when there is no such process (*rc SVC_NOT_FOUND) or on failure
 * (*rc SVC_ERROR). The definition lives as long as the process.
 */
static const struct flow_def *def_get(struct db *db, const char *process, int version, int *rc)
{
	struct db_stmt *st =
	    version ? db_prepare(db, "SELECT version, digest FROM flow_process WHERE code = ? AND "
	                             "version = ?")
	            : db_prepare(db, "SELECT version, digest FROM flow_process WHERE code = ? "
	                             "ORDER BY version DESC LIMIT 1");
	*rc = SVC_ERROR;
	if (st == NULL)
		return NULL;
	db_bind_cstr(st, 1, process);
	if (version)
		db_bind_int64(st, 2, version);
	int r = db_step(st);
	char digest[DIGEST_HEX] = "";
	int v = 0;
	if (r == DB_ROW) {
		v = (int)db_col_int64(st, 0);
		snprintf(digest, sizeof digest, "%s", db_col_text(st, 1, NULL));
	}
	db_reset(st);
	if (r != DB_ROW) {
		*rc = r == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
		return NULL;
	}
	pthread_mutex_lock(&def_lock);
	for (struct flow_def *d = def_cache; d; d = d->next)
		if (d->version == v && strcmp(d->code, process) == 0 &&
		    strcmp(d->digest, digest) == 0) {
			pthread_mutex_unlock(&def_lock);
			*rc = 0;
			return d;
		}
	pthread_mutex_unlock(&def_lock);

	st = db_prepare(db, "SELECT definition FROM flow_process WHERE code = ? AND version = ?");
	if (st == NULL)
		return NULL;
	db_bind_cstr(st, 1, process);
	db_bind_int64(st, 2, v);
	struct flow_def *d = NULL;
	if (db_step(st) == DB_ROW) {
		size_t n;
		const char *s = db_col_text(st, 0, &n);
		struct field_error err;
		if (def_parse(s, n, &d, &err) != 0)
			fprintf(stderr, "jinzhi: stored process %s version %d: %s\n", process, v,
			        err.message);
	}
	db_reset(st);
	if (d == NULL)
		return NULL;
	d->version = v;
	snprintf(d->digest, sizeof d->digest, "%s", digest);
	pthread_mutex_lock(&def_lock);
	for (struct flow_def *o = def_cache; o; o = o->next)
		if (o->version == v && strcmp(o->code, process) == 0 &&
		    strcmp(o->digest, digest) == 0) {
			/* another thread got there first */
			pthread_mutex_unlock(&def_lock);
			def_free(d);
			*rc = 0;
			return o;
		}
	d->next = def_cache;
	def_cache = d;
	pthread_mutex_unlock(&def_lock);
	*rc = 0;
	return d;
}

/* ---- Cases -------------------------------------------------------------------------------- */

/* A case as stored. */
struct case_row {
	int64_t id;
	char process[FLOW_CODE_MAX];
	int version;
	char subject[FLOW_SUBJECT_MAX];
	int region;
	char entity[FLOW_ENTITY_MAX]; /* "" when none */
	char step[FLOW_CODE_MAX];
	char stage[FLOW_CODE_MAX]; /* "" when none */
	int32_t stage_start;       /* DATE_NONE when none */
	int stage_limit;
	int extended;
	int stopped_days;
	int32_t paused_since; /* DATE_NONE when running */
	char pause_reason[FLOW_CODE_MAX];
	int closed;
};

#define CASE_COLS                                                                                  \
	"id, process, version, subject, region_code, entity_code, step, stage, stage_start, "      \
	"stage_limit, extended, stopped_days, paused_since, pause_reason, closed"

static int32_t col_day(struct db_stmt *st, int i)
{
	size_t n;
	const char *s = db_col_text(st, i, &n);
	int32_t d;
	return !db_col_is_null(st, i) && date_parse(s, n, &d) == 0 ? d : DATE_NONE;
}

static void col_copy(struct db_stmt *st, int i, char *out, size_t cap)
{
	snprintf(out, cap, "%s", db_col_text(st, i, NULL));
}

static void case_from_row(struct db_stmt *st, struct case_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_col_int64(st, 0);
	col_copy(st, 1, r->process, sizeof r->process);
	r->version = (int)db_col_int64(st, 2);
	col_copy(st, 3, r->subject, sizeof r->subject);
	r->region = (int)db_col_int64(st, 4);
	col_copy(st, 5, r->entity, sizeof r->entity);
	col_copy(st, 6, r->step, sizeof r->step);
	col_copy(st, 7, r->stage, sizeof r->stage);
	r->stage_start = col_day(st, 8);
	r->stage_limit = (int)db_col_int64(st, 9);
	r->extended = (int)db_col_int64(st, 10);
	r->stopped_days = (int)db_col_int64(st, 11);
	r->paused_since = col_day(st, 12);
	col_copy(st, 13, r->pause_reason, sizeof r->pause_reason);
	r->closed = (int)db_col_int64(st, 14);
}

/* The case id visible to who. Returns 0, SVC_NOT_FOUND or SVC_ERROR. */
static int case_load(struct db *db, const struct actor *who, int64_t id, struct case_row *r)
{
	struct db_stmt *st = db_prepare(db, "SELECT " CASE_COLS " FROM flow_case WHERE id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		case_from_row(st, r);
	db_reset(st);
	if (rc < 0)
		return SVC_ERROR;
	if (rc == DB_DONE || !scope_visible(who, r->region, r->entity[0] ? r->entity : NULL))
		return SVC_NOT_FOUND;
	return 0;
}

/* The deadline as if the clock ran now: the (limit + extension + finished stops)-th working
 * day after the stage started, or DATE_NONE outside a stage. */
static int32_t full_deadline(const struct case_row *r, const struct workcal *c)
{
	if (r->closed || r->stage[0] == '\0' || r->stage_start == DATE_NONE)
		return DATE_NONE;
	return workcal_add(c, r->stage_start, r->stage_limit + r->extended + r->stopped_days);
}

static int year_of(int32_t day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	return y;
}

static void state_compute(const struct case_row *r, const struct workcal *c, int32_t today,
                          struct flow_state *s)
{
	memset(s, 0, sizeof *s);
	s->case_id = r->id;
	snprintf(s->process, sizeof s->process, "%s", r->process);
	s->version = r->version;
	snprintf(s->step, sizeof s->step, "%s", r->step);
	s->closed = r->closed;
	s->stage_start = DATE_NONE;
	s->paused_since = DATE_NONE;
	s->deadline = DATE_NONE;
	int32_t full = full_deadline(r, c);
	if (full == DATE_NONE) {
		s->calendar_known = workcal_known(c, year_of(today));
		return;
	}
	snprintf(s->stage, sizeof s->stage, "%s", r->stage);
	s->stage_start = r->stage_start;
	s->limit = r->stage_limit + r->extended;
	s->extended = r->extended;
	s->stopped_days = r->stopped_days;
	int32_t last = full > today ? full : today;
	if (r->paused_since != DATE_NONE) {
		s->paused = 1;
		snprintf(s->pause_reason, sizeof s->pause_reason, "%s", r->pause_reason);
		s->paused_since = r->paused_since;
		s->days_left = workcal_between(c, r->paused_since, full);
		s->overdue = r->paused_since > full;
	} else {
		s->deadline = full;
		s->days_left = workcal_between(c, today, full);
		s->overdue = today > full;
	}
	s->calendar_known = 1;
	for (int y = year_of(r->stage_start); y <= year_of(last) && s->calendar_known; y++)
		s->calendar_known = workcal_known(c, y);
}

static void put_day(struct buf *out, const char *key, int32_t day)
{
	char s[11];
	if (day == DATE_NONE) {
		buf_printf(out, ",\"%s\":null", key);
		return;
	}
	date_format(day, s);
	buf_printf(out, ",\"%s\":\"%s\"", key, s);
}

static void put_str(struct buf *out, const char *key, const char *v)
{
	buf_printf(out, ",\"%s\":", key);
	if (v && v[0])
		json_write_string(out, v, strlen(v));
	else
		buf_puts(out, "null");
}

/* The members of s, each preceded by a comma except the first. */
static void state_members(const struct flow_state *s, struct buf *out)
{
	buf_printf(out, "\"case_id\":\"%lld\"", (long long)s->case_id);
	put_str(out, "process", s->process);
	buf_printf(out, ",\"version\":%d", s->version);
	put_str(out, "step", s->step);
	put_str(out, "stage", s->stage);
	buf_printf(out, ",\"closed\":%s", s->closed ? "true" : "false");
	put_day(out, "stage_start", s->stage_start);
	int in_stage = s->stage[0] != '\0';
	if (in_stage)
		buf_printf(out, ",\"limit\":%d,\"extended\":%d,\"stopped_days\":%d", s->limit,
		           s->extended, s->stopped_days);
	else
		buf_puts(out, ",\"limit\":null,\"extended\":0,\"stopped_days\":0");
	buf_printf(out, ",\"paused\":%s", s->paused ? "true" : "false");
	put_str(out, "pause_reason", s->paused ? s->pause_reason : NULL);
	put_day(out, "paused_since", s->paused_since);
	put_day(out, "deadline", s->deadline);
	if (in_stage)
		buf_printf(out, ",\"days_left\":%d", s->days_left);
	else
		buf_puts(out, ",\"days_left\":null");
	buf_printf(out, ",\"overdue\":%s,\"calendar_known\":%s", s->overdue ? "true" : "false",
	           s->calendar_known ? "true" : "false");
}

void flow_state_json(const struct flow_state *s, struct buf *out)
{
	buf_putc(out, '{');
	state_members(s, out);
	buf_putc(out, '}');
}

static void bind_day(struct db_stmt *st, int i, int32_t day)
{
	char s[11];
	if (day == DATE_NONE) {
		db_bind_null(st, i);
		return;
	}
	date_format(day, s);
	db_bind_text(st, i, s, 10);
}

/* Writes r's moving parts and its stored deadlines. Returns 0 or SVC_ERROR. */
static int case_store(struct db *db, const struct case_row *r, const struct workcal *c)
{
	char now[32];
	now_iso(now);
	int32_t full = full_deadline(r, c);
	int paused = r->paused_since != DATE_NONE;
	struct db_stmt *st = db_prepare(
	    db, "UPDATE flow_case SET step = ?, stage = ?, stage_start = ?, stage_limit = ?, "
	        "extended = ?, stopped_days = ?, paused_since = ?, pause_reason = ?, deadline = ?, "
	        "frozen_deadline = ?, closed = ?, updated_at = ? WHERE id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, r->step);
	db_bind_cstr(st, 2, r->stage[0] ? r->stage : NULL);
	bind_day(st, 3, r->stage_start);
	if (r->stage[0])
		db_bind_int64(st, 4, r->stage_limit);
	else
		db_bind_null(st, 4);
	db_bind_int64(st, 5, r->extended);
	db_bind_int64(st, 6, r->stopped_days);
	bind_day(st, 7, r->paused_since);
	db_bind_cstr(st, 8, paused ? r->pause_reason : NULL);
	bind_day(st, 9, paused ? DATE_NONE : full);
	bind_day(st, 10, paused ? full : DATE_NONE);
	db_bind_int64(st, 11, r->closed);
	db_bind_cstr(st, 12, now);
	db_bind_int64(st, 13, r->id);
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? SVC_ERROR : 0;
}

/* What a move did to the clock. */
struct clock_effect {
	int started, stopped, resumed, extended;
	int resumed_days; /* working days of the stop that ended */
};

/*
 * Moves r from step `from` (-1: a new case) to step `to` of d on today, extending the stage
 * when extend: the pure part of a move (see flow.h for the rules of the clock).
 */
static void move_apply(const struct flow_def *d, struct case_row *r, int from, int to, int extend,
                       int32_t today, const struct workcal *c, struct clock_effect *fx)
{
	memset(fx, 0, sizeof *fx);
	const struct flow_step_def *sf = from >= 0 ? &d->steps[from] : NULL;
	const struct flow_step_def *st = &d->steps[to];
	int old_stage = sf ? sf->stage : -1;
	if (r->paused_since != DATE_NONE) {
		int days = workcal_between(c, r->paused_since, today);
		fx->resumed_days = days > 0 ? days : 0;
		r->stopped_days += fx->resumed_days;
		r->paused_since = DATE_NONE;
		r->pause_reason[0] = '\0';
		fx->resumed = 1;
	}
	if (extend && old_stage >= 0) {
		r->extended = d->stages[old_stage].extension;
		fx->extended = 1;
	}
	if (st->stage != old_stage) {
		fx->resumed = 0; /* the stop ended with its stage: nothing resumes */
		if (st->stage >= 0) {
			const struct flow_stage_def *sd = &d->stages[st->stage];
			snprintf(r->stage, sizeof r->stage, "%s", sd->code);
			r->stage_start = today;
			r->stage_limit = sd->limit;
			fx->started = 1;
		} else {
			r->stage[0] = '\0';
			r->stage_start = DATE_NONE;
			r->stage_limit = 0;
		}
		r->extended = 0;
		r->stopped_days = 0;
	}
	if (st->stopped) {
		r->paused_since = today;
		snprintf(r->pause_reason, sizeof r->pause_reason, "%s", st->reason);
		fx->stopped = 1;
	}
	snprintf(r->step, sizeof r->step, "%s", st->code);
	r->closed = st->final;
}

static void clock_text(const struct clock_effect *fx, char out[48])
{
	out[0] = '\0';
	const char *parts[4] = {fx->resumed ? "resumed" : NULL, fx->extended ? "extended" : NULL,
	                        fx->started ? "started" : NULL, fx->stopped ? "stopped" : NULL};
	for (int i = 0; i < 4; i++)
		if (parts[i])
			snprintf(out + strlen(out), 48 - strlen(out), "%s%s", out[0] ? "," : "",
			         parts[i]);
}

/* Records the event and the stops of a move, and audits it. Returns 0 or SVC_ERROR. */
static int move_record(struct db *db, const struct actor *who, const struct case_row *before,
                       const struct case_row *after, const char *action, const char *note,
                       int32_t today, const struct clock_effect *fx, const struct flow_state *sb,
                       const struct flow_state *sa)
{
	char now[32], clock[48], day[11], key[24];
	now_iso(now);
	clock_text(fx, clock);
	date_format(today, day);
	int64_t id;
	struct db_stmt *st;
	int rc;
	if (fx->resumed || (before && before->paused_since != DATE_NONE)) {
		st = db_prepare(db, "UPDATE flow_stop SET to_day = ?, days = ? WHERE case_id = ? "
		                    "AND to_day IS NULL");
		if (st == NULL)
			return SVC_ERROR;
		db_bind_cstr(st, 1, day);
		db_bind_int64(st, 2, fx->resumed_days);
		db_bind_int64(st, 3, after->id);
		rc = db_step(st);
		db_reset(st);
		if (rc < 0)
			return SVC_ERROR;
	}
	if (fx->stopped) {
		if (db_id_next(db, &id) != 0 ||
		    (st = db_prepare(db, "INSERT INTO flow_stop (id, case_id, stage, reason, "
		                         "from_day) VALUES (?, ?, ?, ?, ?)")) == NULL)
			return SVC_ERROR;
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, after->id);
		db_bind_cstr(st, 3, after->stage);
		db_bind_cstr(st, 4, after->pause_reason);
		db_bind_cstr(st, 5, day);
		rc = db_step(st);
		db_reset(st);
		if (rc < 0)
			return SVC_ERROR;
	}
	if (db_id_next(db, &id) != 0 ||
	    (st = db_prepare(db, "INSERT INTO flow_event (id, case_id, at, day, actor, action, "
	                         "from_step, to_step, note, clock) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	                         "?, ?)")) == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, after->id);
	db_bind_cstr(st, 3, now);
	db_bind_cstr(st, 4, day);
	db_bind_cstr(st, 5, who->name ? who->name : "unknown");
	db_bind_cstr(st, 6, action);
	db_bind_cstr(st, 7, before ? before->step : NULL);
	db_bind_cstr(st, 8, after->step);
	db_bind_cstr(st, 9, note && note[0] ? note : NULL);
	db_bind_cstr(st, 10, clock[0] ? clock : NULL);
	rc = db_step(st);
	db_reset(st);
	if (rc < 0)
		return SVC_ERROR;

	struct buf b = {0}, a = {0};
	if (sb)
		flow_state_json(sb, &b);
	/* The subject and note go into the record too: the audit log must say what moved. */
	buf_putc(&a, '{');
	state_members(sa, &a);
	put_str(&a, "subject", after->subject);
	put_str(&a, "note", note);
	buf_putc(&a, '}');
	char what[FLOW_CODE_MAX + 8];
	snprintf(what, sizeof what, "flow.%s", action);
	snprintf(key, sizeof key, "%lld", (long long)after->id);
	rc = audit_append(db, who, what, "flow_case", key, sb ? b.data : NULL, a.data, "ok");
	buf_free(&b);
	buf_free(&a);
	return rc < 0 ? SVC_ERROR : 0;
}

/* The last actor of action on case id into out ("" if none). Returns 0 or SVC_ERROR. */
static int last_actor(struct db *db, int64_t id, const char *action, char *out, size_t cap)
{
	struct db_stmt *st = db_prepare(db, "SELECT actor FROM flow_event WHERE case_id = ? AND "
	                                    "action = ? ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	db_bind_cstr(st, 2, action);
	int rc = db_step(st);
	out[0] = '\0';
	if (rc == DB_ROW)
		snprintf(out, cap, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	return rc < 0 ? SVC_ERROR : 0;
}

/*
 * Whether who may take transition t on case r: 0, SVC_FORBIDDEN or SVC_CONFLICT (extension
 * used up) with *err saying why, or SVC_ERROR. The applicant is the case's legal entity (an
 * enterprise account of that credit code); a permission is for staff only, so an enterprise
 * account holding "licensing.write" for its own applications cannot act as the office.
 */
static int transition_allowed(struct db *db, const struct actor *who, const struct case_row *r,
                              const struct flow_transition_def *t, flow_may_fn may, void *may_ctx,
                              struct field_error *err)
{
	if (t->applicant) {
		if (who->entity_code == NULL || r->entity[0] == '\0' ||
		    strcmp(who->entity_code, r->entity) != 0)
			return field_fail(err, "action", "forbidden", "only the applicant may %s",
			                  t->action),
			       SVC_FORBIDDEN;
	} else if (who->entity_code || may == NULL || !may(may_ctx, t->permission)) {
		return field_fail(err, "action", "forbidden", "%s needs the permission %s",
		                  t->action, t->permission),
		       SVC_FORBIDDEN;
	}
	if (t->distinct_from[0]) {
		char prev[128];
		if (last_actor(db, r->id, t->distinct_from, prev, sizeof prev) != 0)
			return SVC_ERROR;
		if (who->name && strcmp(prev, who->name) == 0)
			return field_fail(err, "action", "same_person",
			                  "whoever did %s may not also %s", t->distinct_from,
			                  t->action),
			       SVC_FORBIDDEN;
	}
	if (t->extend && r->extended > 0)
		return field_fail(err, "action", "extension_used",
		                  "the extension of this stage was granted already"),
		       SVC_CONFLICT;
	return 0;
}

int flow_start(struct db *db, const struct actor *who, const char *process, const char *subject,
               int region, const char *entity, int32_t today, int64_t *case_id,
               struct field_error *err)
{
	if (process == NULL || !process_code_ok(process))
		return field_fail(err, "process", "invalid", "not a process code"), SVC_INVALID;
	size_t sn = subject ? strlen(subject) : 0;
	if (sn == 0 || sn >= FLOW_SUBJECT_MAX || utf8_invalid_at(subject, sn) >= 0 ||
	    utf8_has_control(subject, sn, 0))
		return field_fail(err, "subject", "invalid", "the subject must be a short text"),
		       SVC_INVALID;
	if (region < 100000 || region > 999999)
		return field_fail(err, "region", "invalid", "not a GB/T 2260 region code"),
		       SVC_INVALID;
	if (entity && (entity[0] == '\0' || strlen(entity) >= FLOW_ENTITY_MAX))
		return field_fail(err, "entity", "invalid", "not a legal entity's code"),
		       SVC_INVALID;
	int rc;
	const struct flow_def *d = def_get(db, process, 0, &rc);
	if (d == NULL) {
		if (rc == SVC_NOT_FOUND)
			return field_fail(err, "process", "unknown", "no process %s", process),
			       SVC_INVALID;
		return SVC_ERROR;
	}
	const struct workcal *c = workcal_current(db);
	if (c == NULL)
		return SVC_ERROR;
	struct case_row r;
	memset(&r, 0, sizeof r);
	rc = SVC_ERROR;
	if (db_id_next(db, &r.id) != 0)
		goto out;
	snprintf(r.process, sizeof r.process, "%s", d->code);
	r.version = d->version;
	snprintf(r.subject, sizeof r.subject, "%s", subject);
	r.region = region;
	snprintf(r.entity, sizeof r.entity, "%s", entity ? entity : "");
	r.stage_start = DATE_NONE;
	r.paused_since = DATE_NONE;
	struct clock_effect fx;
	move_apply(d, &r, -1, d->start, 0, today, c, &fx);
	char now[32];
	now_iso(now);
	struct db_stmt *st =
	    db_prepare(db, "INSERT INTO flow_case (id, process, version, subject, region_code, "
	                   "entity_code, step, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
	                   "?, ?, ?)");
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, r.id);
	db_bind_cstr(st, 2, r.process);
	db_bind_int64(st, 3, r.version);
	db_bind_cstr(st, 4, r.subject);
	db_bind_int64(st, 5, r.region);
	db_bind_cstr(st, 6, entity);
	db_bind_cstr(st, 7, r.step);
	db_bind_cstr(st, 8, now);
	db_bind_cstr(st, 9, now);
	int s = db_step(st);
	db_reset(st);
	if (s < 0 || case_store(db, &r, c) != 0)
		goto out;
	struct flow_state sa;
	state_compute(&r, c, today, &sa);
	if (move_record(db, who, NULL, &r, "start", NULL, today, &fx, NULL, &sa) != 0)
		goto out;
	*case_id = r.id;
	rc = 0;
out:
	workcal_release(c);
	return rc;
}

static const struct flow_transition_def *transition_find(const struct flow_def *d, int from,
                                                         const char *action)
{
	for (int i = 0; i < d->ntransitions; i++)
		if (d->transitions[i].from == from && strcmp(d->transitions[i].action, action) == 0)
			return &d->transitions[i];
	return NULL;
}

int flow_act(struct db *db, const struct actor *who, int64_t case_id, const char *action,
             const char *note, int32_t today, flow_may_fn may, void *may_ctx,
             struct flow_state *out, struct field_error *err)
{
	struct case_row r;
	int rc = case_load(db, who, case_id, &r);
	if (rc != 0)
		return field_fail(err, NULL, rc == SVC_NOT_FOUND ? "not_found" : "error",
		                  "no such case"),
		       rc;
	if (note && (utf8_invalid_at(note, strlen(note)) >= 0 ||
	             utf8_has_control(note, strlen(note), UTF8_ALLOW_BREAKS | UTF8_ALLOW_TAB) ||
	             utf8_count(note, strlen(note)) > FLOW_NOTE_MAX))
		return field_fail(err, "note", "invalid",
		                  "the note must be text of at most 4000 characters"),
		       SVC_INVALID;
	const struct flow_def *d = def_get(db, r.process, r.version, &rc);
	if (d == NULL)
		return field_fail(err, NULL, "error", "the case's process is missing"), SVC_ERROR;
	int from = step_find(d, r.step);
	if (from < 0)
		return field_fail(err, NULL, "error", "the case's step is not in its process"),
		       SVC_ERROR;
	if (r.closed)
		return field_fail(err, "action", "closed", "the case is closed"), SVC_CONFLICT;
	const struct flow_transition_def *t =
	    action && code_ok(action) ? transition_find(d, from, action) : NULL;
	if (t == NULL)
		return field_fail(err, "action", "not_allowed", "%.60s is not possible from %s",
		                  action ? action : "(none)", r.step),
		       SVC_CONFLICT;
	if ((rc = transition_allowed(db, who, &r, t, may, may_ctx, err)) != 0)
		return rc;

	const struct workcal *c = workcal_current(db);
	if (c == NULL)
		return SVC_ERROR;
	struct flow_state sb, sa;
	struct clock_effect fx;
	struct case_row before = r;
	state_compute(&before, c, today, &sb);
	move_apply(d, &r, from, t->to, t->extend, today, c, &fx);
	state_compute(&r, c, today, &sa);
	rc = case_store(db, &r, c) != 0 ||
	             move_record(db, who, &before, &r, t->action, note, today, &fx, &sb, &sa) != 0
	         ? SVC_ERROR
	         : 0;
	workcal_release(c);
	if (rc != 0)
		return field_fail(err, NULL, "error", "the case could not be written"), rc;
	*out = sa;
	return 0;
}

int flow_get(struct db *db, const struct actor *who, int64_t case_id, int32_t today,
             struct flow_state *out)
{
	struct case_row r;
	int rc = case_load(db, who, case_id, &r);
	if (rc != 0)
		return rc;
	const struct workcal *c = workcal_current(db);
	if (c == NULL)
		return SVC_ERROR;
	state_compute(&r, c, today, out);
	workcal_release(c);
	return 0;
}

static void put_name(struct buf *out, const char *key, const struct flow_name *n)
{
	buf_printf(out, ",\"%s\":", key);
	if (n == NULL || n->zh == NULL) {
		buf_puts(out, "null");
		return;
	}
	buf_puts(out, "{\"zh\":");
	json_write_string(out, n->zh, strlen(n->zh));
	buf_puts(out, ",\"bo\":");
	if (n->bo)
		json_write_string(out, n->bo, strlen(n->bo));
	else
		buf_puts(out, "null");
	buf_puts(out, ",\"en\":");
	json_write_string(out, n->en, strlen(n->en));
	buf_putc(out, '}');
}

/* The case's identity and names: members after the state's. */
static void case_members(const struct case_row *r, const struct flow_def *d, struct buf *out)
{
	put_str(out, "subject", r->subject);
	buf_printf(out, ",\"region_code\":%d", r->region);
	put_str(out, "entity_code", r->entity);
	int si = step_find(d, r->step);
	put_name(out, "step_name", si >= 0 ? &d->steps[si].name : NULL);
	int gi = r->stage[0] ? stage_find(d, r->stage) : -1;
	put_name(out, "stage_name", gi >= 0 ? &d->stages[gi].name : NULL);
	put_str(out, "stage_basis", gi >= 0 ? d->stages[gi].basis : NULL);
}

/* Appends the actions who can take on r now (comma-separated objects; none when nothing).
 * Returns how many, or SVC_ERROR. */
static int actions_write(struct db *db, const struct actor *who, const struct case_row *r,
                         const struct flow_def *d, flow_may_fn may, void *may_ctx, struct buf *out)
{
	int from = step_find(d, r->step), n = 0;
	if (from < 0 || r->closed)
		return 0;
	for (int i = 0; i < d->ntransitions; i++) {
		const struct flow_transition_def *t = &d->transitions[i];
		if (t->from != from)
			continue;
		struct field_error err;
		int rc = transition_allowed(db, who, r, t, may, may_ctx, &err);
		if (rc == SVC_ERROR)
			return SVC_ERROR;
		if (rc != 0)
			continue;
		if (out) {
			buf_puts(out, n ? ",{\"action\":" : "{\"action\":");
			json_write_string(out, t->action, strlen(t->action));
			buf_puts(out, ",\"to\":");
			const char *to = d->steps[t->to].code;
			json_write_string(out, to, strlen(to));
			put_name(out, "name", &t->name);
			put_name(out, "to_name", &d->steps[t->to].name);
			buf_printf(out, ",\"by\":\"%s\",\"extend\":%s}",
			           t->applicant ? "applicant" : t->permission,
			           t->extend ? "true" : "false");
		}
		n++;
	}
	return n;
}

static int history_write(struct db *db, int64_t id, struct buf *out)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT id, at, day, actor, action, from_step, "
	                   "to_step, note, clock FROM flow_event WHERE case_id = ? "
	                   "ORDER BY id");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	static const char *const KEYS[] = {NULL,   "at", "day",  "actor", "action",
	                                   "from", "to", "note", "clock"};
	int rc, n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		buf_printf(out, "%s{\"id\":\"%lld\"", n++ ? "," : "",
		           (long long)db_col_int64(st, 0));
		for (int i = 1; i < 9; i++) {
			if (db_col_is_null(st, i)) {
				buf_printf(out, ",\"%s\":null", KEYS[i]);
				continue;
			}
			size_t len;
			const char *s = db_col_text(st, i, &len);
			buf_printf(out, ",\"%s\":", KEYS[i]);
			json_write_string(out, s, len);
		}
		buf_putc(out, '}');
	}
	db_reset(st);
	return rc < 0 ? SVC_ERROR : 0;
}

static int stops_write(struct db *db, int64_t id, struct buf *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT stage, reason, from_day, to_day, days FROM "
	                                    "flow_stop WHERE case_id = ? ORDER BY id");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	int rc, n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		buf_puts(out, n++ ? ",{\"stage\":" : "{\"stage\":");
		size_t len;
		const char *s = db_col_text(st, 0, &len);
		json_write_string(out, s, len);
		s = db_col_text(st, 1, &len);
		buf_puts(out, ",\"reason\":");
		json_write_string(out, s, len);
		buf_printf(out, ",\"from\":\"%s\"", db_col_text(st, 2, NULL));
		if (db_col_is_null(st, 3))
			buf_puts(out, ",\"to\":null,\"days\":null}");
		else
			buf_printf(out, ",\"to\":\"%s\",\"days\":%lld}", db_col_text(st, 3, NULL),
			           (long long)db_col_int64(st, 4));
	}
	db_reset(st);
	return rc < 0 ? SVC_ERROR : 0;
}

int flow_case_json(struct db *db, const struct actor *who, int64_t case_id, int32_t today,
                   flow_may_fn may, void *may_ctx, struct buf *out)
{
	struct case_row r;
	int rc = case_load(db, who, case_id, &r);
	if (rc != 0)
		return rc;
	const struct flow_def *d = def_get(db, r.process, r.version, &rc);
	if (d == NULL)
		return SVC_ERROR;
	const struct workcal *c = workcal_current(db);
	if (c == NULL)
		return SVC_ERROR;
	struct flow_state s;
	state_compute(&r, c, today, &s);
	workcal_release(c);
	struct buf b = {0};
	buf_putc(&b, '{');
	state_members(&s, &b);
	case_members(&r, d, &b);
	buf_puts(&b, ",\"actions\":[");
	rc = actions_write(db, who, &r, d, may, may_ctx, &b) < 0 ? SVC_ERROR : 0;
	buf_puts(&b, "],\"history\":[");
	if (rc == 0)
		rc = history_write(db, r.id, &b);
	buf_puts(&b, "],\"stops\":[");
	if (rc == 0)
		rc = stops_write(db, r.id, &b);
	buf_puts(&b, "]}");
	if (rc == 0)
		buf_append(out, b.data, b.len);
	buf_free(&b);
	return rc;
}

/* ---- Queues ------------------------------------------------------------------------------- */

/* A queue position: running cases by (deadline, id), then paused ones by id. */
struct queue_key {
	int paused;
	char deadline[11];
	int64_t id;
};

/* Parses "r.YYYY-MM-DD.ID" or "p.ID". Returns 0 or -1. */
static int cursor_parse(const char *s, struct queue_key *k)
{
	memset(k, 0, sizeof *k);
	int64_t id;
	int32_t day;
	if (strncmp(s, "p.", 2) == 0) {
		k->paused = 1;
		s += 2;
	} else if (strncmp(s, "r.", 2) == 0 && strlen(s) > 13 && s[12] == '.' &&
	           date_parse(s + 2, 10, &day) == 0) {
		memcpy(k->deadline, s + 2, 10);
		s += 13;
	} else {
		return -1;
	}
	if (field_int_parse(s, strlen(s), 1, INT64_MAX, &id) != 0)
		return -1;
	k->id = id;
	return 0;
}

int flow_queue_json(struct db *db, const struct actor *who, const struct flow_queue_filter *f,
                    int32_t today, flow_may_fn may, void *may_ctx, struct buf *out)
{
	int limit = f->limit < 1 ? 1 : f->limit > FLOW_QUEUE_MAX ? FLOW_QUEUE_MAX : f->limit;
	struct queue_key cur;
	int has_cursor = f->cursor && f->cursor[0];
	if (has_cursor && cursor_parse(f->cursor, &cur) != 0)
		has_cursor = 0; /* a cursor we never gave: the first page */
	struct scope sc;
	if (scope_make(who, f->region, &sc) != 0) {
		buf_puts(out, "{\"items\":[],\"next_cursor\":null}");
		return 0;
	}
	struct buf sql = {0};
	buf_puts(&sql, "SELECT " CASE_COLS ", deadline FROM flow_case WHERE closed = 0 AND stage "
	               "IS NOT NULL");
	if (f->process)
		buf_puts(&sql, " AND process = ?");
	scope_sql(&sql, &sc, "region_code", "entity_code");
	if (f->overdue_only)
		buf_puts(&sql, " AND (deadline < ? OR (deadline IS NULL AND paused_since > "
		               "frozen_deadline))");
	if (has_cursor && cur.paused)
		buf_puts(&sql, " AND deadline IS NULL AND id > ?");
	else if (has_cursor)
		buf_puts(&sql,
		         " AND (deadline IS NULL OR deadline > ? OR (deadline = ? AND id > ?))");
	buf_puts(&sql, " ORDER BY deadline IS NULL, deadline, id LIMIT ?");
	struct db_stmt *st = db_prepare_once(db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return SVC_ERROR;
	int i = 1;
	char day[11];
	date_format(today, day);
	if (f->process)
		db_bind_cstr(st, i++, f->process);
	scope_bind(st, &i, &sc);
	if (f->overdue_only)
		db_bind_cstr(st, i++, day);
	if (has_cursor && cur.paused) {
		db_bind_int64(st, i++, cur.id);
	} else if (has_cursor) {
		db_bind_cstr(st, i++, cur.deadline);
		db_bind_cstr(st, i++, cur.deadline);
		db_bind_int64(st, i++, cur.id);
	}
	int scan = f->actionable ? FLOW_QUEUE_SCAN : limit + 1;
	db_bind_int64(st, i++, scan);

	const struct workcal *c = workcal_current(db);
	if (c == NULL) {
		db_finalize(st);
		return SVC_ERROR;
	}
	struct buf items = {0};
	struct queue_key last = {0}, seen = {0};
	int n = 0, examined = 0, more = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct case_row r;
		case_from_row(st, &r);
		struct queue_key k = {db_col_is_null(st, 15), "", r.id};
		if (!k.paused)
			snprintf(k.deadline, sizeof k.deadline, "%s", db_col_text(st, 15, NULL));
		if (n == limit) {
			more = 1;
			break;
		}
		examined++;
		seen = k;
		int drc;
		const struct flow_def *d = def_get(db, r.process, r.version, &drc);
		if (d == NULL) {
			rc = SVC_ERROR;
			break;
		}
		if (f->actionable) {
			int a = actions_write(db, who, &r, d, may, may_ctx, NULL);
			if (a < 0) {
				rc = SVC_ERROR;
				break;
			}
			if (a == 0)
				continue;
		}
		struct flow_state s;
		state_compute(&r, c, today, &s);
		buf_puts(&items, n ? ",{" : "{");
		state_members(&s, &items);
		case_members(&r, d, &items);
		buf_putc(&items, '}');
		n++;
		last = k;
	}
	db_finalize(st);
	workcal_release(c);
	if (rc < 0) {
		buf_free(&items);
		return SVC_ERROR;
	}
	/* An actionable page that looked at all it may without filling up goes on from there. */
	if (!more && f->actionable && examined == scan) {
		more = 1;
		last = seen;
	}
	buf_puts(out, "{\"items\":[");
	if (items.len)
		buf_append(out, items.data, items.len);
	buf_free(&items);
	if (more && last.id) {
		if (last.paused)
			buf_printf(out, "],\"next_cursor\":\"p.%lld\"}", (long long)last.id);
		else
			buf_printf(out, "],\"next_cursor\":\"r.%s.%lld\"}", last.deadline,
			           (long long)last.id);
	} else {
		buf_puts(out, "],\"next_cursor\":null}");
	}
	return 0;
}

/* ---- Recomputing ---------------------------------------------------------------------------- */

int flow_recompute(struct db *db)
{
	struct workcal *c;
	if (workcal_load(db, &c) != 0)
		return SVC_ERROR;
	struct db_stmt *st = db_prepare(db, "SELECT " CASE_COLS ", deadline, frozen_deadline FROM "
	                                    "flow_case WHERE closed = 0 AND stage IS NOT NULL");
	if (st == NULL) {
		workcal_free(c);
		return SVC_ERROR;
	}
	struct changed {
		int64_t id;
		int32_t deadline, frozen;
	} *ch = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct case_row r;
		case_from_row(st, &r);
		int32_t full = full_deadline(&r, c);
		int paused = r.paused_since != DATE_NONE;
		int32_t want_d = paused ? DATE_NONE : full, want_f = paused ? full : DATE_NONE;
		if (col_day(st, 15) == want_d && col_day(st, 16) == want_f)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			ch = xrealloc(ch, cap * sizeof *ch);
		}
		ch[n++] = (struct changed){r.id, want_d, want_f};
	}
	db_reset(st);
	workcal_free(c);
	if (rc < 0) {
		free(ch);
		return SVC_ERROR;
	}
	/* Written after the scan: an update must not move rows under a running scan. */
	for (size_t i = 0; i < n; i++) {
		st = db_prepare(db, "UPDATE flow_case SET deadline = ?, frozen_deadline = ? WHERE "
		                    "id = ?");
		if (st == NULL) {
			free(ch);
			return SVC_ERROR;
		}
		bind_day(st, 1, ch[i].deadline);
		bind_day(st, 2, ch[i].frozen);
		db_bind_int64(st, 3, ch[i].id);
		rc = db_step(st);
		db_reset(st);
		if (rc < 0) {
			free(ch);
			return SVC_ERROR;
		}
	}
	free(ch);
	return (int)n;
}

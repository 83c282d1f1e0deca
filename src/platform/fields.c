/*
 * Records described by field tables (see fields.h): validation of text and JSON input into
 * canonical values, and output as JSON, CSV and JSON Schema.
 */
#include "fields.h"

#include "db.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "dates.h"
#include "textenc.h"

int field_fail(struct field_error *err, const char *field, const char *code, const char *fmt, ...)
{
	err->field = field;
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return -1;
}

int field_int_parse(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
	size_t i = n > 0 && s[0] == '-' ? 1 : 0;
	if (n == i)
		return FIELD_INT_INVALID;
	if (n - i > 19)
		return FIELD_INT_RANGE;
	/* Digits beyond what int64 holds are out of range, not undefined behaviour. */
	int64_t v = 0;
	int overflow = 0;
	for (; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return FIELD_INT_INVALID;
		int d = s[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			overflow = 1;
		else
			v = v * 10 + d;
	}
	if (s[0] == '-')
		v = -v;
	if (overflow || v < lo || v > hi)
		return FIELD_INT_RANGE;
	*out = v;
	return 0;
}

int field_int_parse_cstr(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	return s ? field_int_parse(s, strlen(s), lo, hi, out) : FIELD_INT_INVALID;
}

int fields_find(const struct record_type *t, const char *name, size_t n)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (strlen(t->fields[i].name) == n && memcmp(t->fields[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

void record_init(struct record *r, const struct record_type *t)
{
	memset(r, 0, sizeof *r);
	r->type = t;
}

void record_set(struct record *r, struct arena *a, int i, const char *s, size_t n)
{
	r->v[i] = s ? arena_strndup(a, s, n) : NULL;
	r->present |= (uint64_t)1 << i;
}

/* 0 if s[0..n) is a real date YYYY-MM-DD between DATE_MIN_YEAR and DATE_MAX_YEAR: the one
 * date parser of the project decides, so a field and the code that computes with it never
 * disagree about what a date is. */
static int date_check(const char *s, size_t n)
{
	int32_t day;
	return date_parse(s, n, &day);
}

static int bool_parse(const char *s, size_t n)
{
	static const char *const yes[] = {"1",    "true", "yes", "y",   "是",
	                                  "TRUE", "True", "YES", "Yes", NULL};
	static const char *const no[] = {"0",     "false", "no", "n",  "否",
	                                 "FALSE", "False", "NO", "No", NULL};
	for (int i = 0; yes[i]; i++)
		if (strlen(yes[i]) == n && memcmp(yes[i], s, n) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strlen(no[i]) == n && memcmp(no[i], s, n) == 0)
			return 0;
	return -1;
}

/*
 * Validates s[0..n) for spec and stores the canonical form in *out. The common heart of the
 * text and JSON paths.
 */
static int value_canonical(const struct field_spec *f, struct arena *a, const char *s, size_t n,
                           int utf8_known, const char **out, const char **warning,
                           struct field_error *err)
{
	*warning = NULL;
	if (f->flags & FF_TRIM) {
		while (n > 0 && (s[0] == ' ' || s[0] == '\t'))
			s++, n--;
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
	}
	switch (f->type) {
	case FT_TEXT: {
		ssize_t bad = utf8_known ? -1 : utf8_invalid_at(s, n);
		if (bad >= 0)
			return field_fail(err, f->name, "invalid_utf8",
			                  "%s is not valid UTF-8 (byte %zd)", f->name, bad);
		if (utf8_has_control(
		        s, n, UTF8_ALLOW_TAB | ((f->flags & FF_MULTILINE) ? UTF8_ALLOW_BREAKS : 0)))
			return field_fail(err, f->name, "invalid",
			                  "%s contains a control character", f->name);
		/* A text no longer in bytes than the limit in characters is within it. */
		size_t chars = n <= (size_t)f->max_chars ? n : utf8_count(s, n);
		if (f->max_chars > 0 && chars > (size_t)f->max_chars)
			return field_fail(err, f->name, "too_long",
			                  "%s has %zu characters; at most %d are allowed", f->name,
			                  chars, f->max_chars);
		*out = arena_strndup(a, s, n);
		break;
	}
	case FT_CODE: {
		if (f->max_chars > 0 && n > (size_t)f->max_chars)
			return field_fail(err, f->name, "too_long",
			                  "%s has %zu characters; at most %d are allowed", f->name,
			                  n, f->max_chars);
		char *c = arena_strndup(a, s, n);
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)c[i];
			if (ch <= 0x20 || ch >= 0x7f)
				return field_fail(err, f->name, "invalid",
				                  "%s may hold only printable ASCII without spaces",
				                  f->name);
			if (f->flags & FF_UPPER)
				c[i] = (char)toupper(ch);
		}
		*out = c;
		break;
	}
	case FT_ENUM: {
		for (int i = 0; f->choices[i]; i++)
			if (strlen(f->choices[i]) == n && memcmp(f->choices[i], s, n) == 0) {
				*out = f->choices[i];
				goto validated;
			}
		struct buf b = {0};
		for (int i = 0; f->choices[i]; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", f->choices[i]);
		field_fail(err, f->name, "not_allowed", "%s must be one of: %s", f->name, b.data);
		buf_free(&b);
		return -1;
	}
	case FT_BOOL: {
		int v = bool_parse(s, n);
		if (v < 0)
			return field_fail(err, f->name, "invalid", "%s must be true or false",
			                  f->name);
		*out = v ? "1" : "0";
		break;
	}
	case FT_DATE:
		if (date_check(s, n) != 0)
			return field_fail(err, f->name, "invalid",
			                  "%s must be a real date written YYYY-MM-DD", f->name);
		*out = arena_strndup(a, s, n);
		break;
	case FT_INT: {
		int64_t v;
		int rc = field_int_parse(s, n, f->min, f->max, &v);
		if (rc == FIELD_INT_INVALID)
			return field_fail(err, f->name, "invalid", "%s must be an integer",
			                  f->name);
		if (rc == FIELD_INT_RANGE)
			return field_fail(err, f->name, "out_of_range",
			                  "%s must be between %lld and %lld", f->name,
			                  (long long)f->min, (long long)f->max);
		*out = arena_printf(a, "%lld", (long long)v);
		break;
	}
	case FT_STAMP:
		return field_fail(err, f->name, "read_only", "%s is set by the server", f->name);
	}
validated:
	if (f->validate && f->validate(f, *out, strlen(*out), err, warning) != 0)
		return -1;
	return 0;
}

void record_recheck_warnings(struct record *r)
{
	for (size_t i = 0; i < r->type->nfields; i++) {
		const struct field_spec *f = &r->type->fields[i];
		r->warnings[i] = NULL;
		if (f->validate == NULL || r->v[i] == NULL)
			continue;
		struct field_error ignored; /* a stored value passed its check when written */
		(void)f->validate(f, r->v[i], strlen(r->v[i]), &ignored, &r->warnings[i]);
	}
}

/* record_set_text and record_set_text_utf8. */
static int set_text(struct record *r, struct arena *a, int i, const char *s, size_t n,
                    int utf8_known, struct field_error *err)
{
	const struct field_spec *f = &r->type->fields[i];
	if (f->flags & FF_READONLY)
		return field_fail(err, f->name, "read_only", "%s is set by the server", f->name);
	r->present |= (uint64_t)1 << i;
	r->warnings[i] = NULL;
	/* An empty cell is null; a cell of spaces is too, where the field trims. */
	size_t k = 0;
	if (f->flags & FF_TRIM)
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
	if (k == n) {
		r->v[i] = NULL;
		return 0;
	}
	const char *out;
	if (value_canonical(f, a, s, n, utf8_known, &out, &r->warnings[i], err) != 0)
		return -1;
	r->v[i] = out;
	return 0;
}

int record_set_text(struct record *r, struct arena *a, int i, const char *s, size_t n,
                    struct field_error *err)
{
	return set_text(r, a, i, s, n, 0, err);
}

int record_set_text_utf8(struct record *r, struct arena *a, int i, const char *s, size_t n,
                         struct field_error *err)
{
	return set_text(r, a, i, s, n, 1, err);
}

int record_from_json(struct record *r, struct arena *a, json_t *obj, struct field_error *err)
{
	if (!json_is_object(obj))
		return field_fail(err, NULL, "invalid_body", "the body must be a JSON object");
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		int i = fields_find(r->type, key, strlen(key));
		if (i < 0)
			return field_fail(err, arena_strdup(a, key), "unknown_field",
			                  "%s is not a field of %s", key, r->type->name);
		const struct field_spec *f = &r->type->fields[i];
		if (f->flags & FF_READONLY)
			return field_fail(err, f->name, "read_only", "%s is set by the server",
			                  f->name);
		r->present |= (uint64_t)1 << i;
		r->warnings[i] = NULL;
		if (json_is_null(val)) {
			r->v[i] = NULL;
			continue;
		}
		const char *s;
		size_t n;
		char num[32];
		switch (f->type) {
		case FT_BOOL:
			if (!json_is_boolean(val))
				return field_fail(err, f->name, "wrong_type",
				                  "%s must be true or false", f->name);
			r->v[i] = json_is_true(val) ? "1" : "0";
			continue;
		case FT_INT:
			if (!json_is_integer(val))
				return field_fail(err, f->name, "wrong_type",
				                  "%s must be an integer", f->name);
			n = (size_t)snprintf(num, sizeof num, "%lld",
			                     (long long)json_integer_value(val));
			s = num;
			break;
		default:
			if (!json_is_string(val))
				return field_fail(err, f->name, "wrong_type", "%s must be a string",
				                  f->name);
			s = json_string_value(val);
			n = json_string_length(val);
			if (memchr(s, '\0', n))
				return field_fail(err, f->name, "invalid",
				                  "%s contains a NUL character", f->name);
			break;
		}
		const char *out;
		if (value_canonical(f, a, s, n, 0, &out, &r->warnings[i], err) != 0)
			return -1;
		/* An empty string after trimming is null, as an empty CSV cell is. */
		r->v[i] = (f->type == FT_TEXT && out[0] == '\0') ? NULL : out;
	}
	return 0;
}

int record_check(const struct record *r, int is_update, struct field_error *err)
{
	for (size_t i = 0; i < r->type->nfields; i++) {
		const struct field_spec *f = &r->type->fields[i];
		int given = record_has(r, (int)i);
		if (is_update) {
			if (given && (f->flags & FF_IMMUTABLE))
				return field_fail(err, f->name, "immutable", "%s cannot be changed",
				                  f->name);
			if (given && r->v[i] == NULL && (f->flags & (FF_REQUIRED | FF_NOT_NULL)))
				return field_fail(err, f->name, "required", "%s cannot be cleared",
				                  f->name);
		} else if ((f->flags & FF_REQUIRED) && (!given || r->v[i] == NULL)) {
			return field_fail(err, f->name, "required", "%s is required", f->name);
		}
	}
	return 0;
}

void json_write_string(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_reserve(out, n + 2);
	out->data[out->len++] = '"';
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(out, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"':
			buf_append(out, "\\\"", 2);
			break;
		case '\\':
			buf_append(out, "\\\\", 2);
			break;
		case '\n':
			buf_append(out, "\\n", 2);
			break;
		case '\r':
			buf_append(out, "\\r", 2);
			break;
		case '\t':
			buf_append(out, "\\t", 2);
			break;
		default: {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			buf_append(out, e, 6);
		}
		}
	}
	buf_append(out, s + start, n - start);
	buf_putc(out, '"');
}

/* A record as a JSON object; with_warnings adds "warnings":[{field, message}] if any. */
static void write_json(const struct record *r, struct buf *out, int with_warnings)
{
	buf_putc(out, '{');
	for (size_t i = 0; i < r->type->nfields; i++) {
		const struct field_spec *f = &r->type->fields[i];
		if (i)
			buf_putc(out, ',');
		json_write_string(out, f->name, strlen(f->name));
		buf_putc(out, ':');
		const char *v = r->v[i];
		if (v == NULL)
			buf_append(out, "null", 4);
		else if (f->type == FT_BOOL)
			buf_puts(out, v[0] == '1' ? "true" : "false");
		else if (f->type == FT_INT)
			buf_puts(out, v);
		else
			json_write_string(out, v, strlen(v));
	}
	int any = 0;
	for (size_t i = 0; with_warnings && i < r->type->nfields; i++) {
		if (r->warnings[i] == NULL)
			continue;
		buf_puts(out, any ? "," : ",\"warnings\":[");
		any = 1;
		buf_puts(out, "{\"field\":");
		json_write_string(out, r->type->fields[i].name, strlen(r->type->fields[i].name));
		buf_puts(out, ",\"message\":");
		json_write_string(out, r->warnings[i], strlen(r->warnings[i]));
		buf_putc(out, '}');
	}
	if (any)
		buf_putc(out, ']');
	buf_putc(out, '}');
}

void record_write_json(const struct record *r, struct buf *out)
{
	write_json(r, out, 0);
}

void record_write_json_warnings(const struct record *r, struct buf *out)
{
	write_json(r, out, 1);
}

void record_write_csv(const struct record *r, struct buf *out)
{
	for (size_t i = 0; i < r->type->nfields; i++) {
		if (i)
			buf_putc(out, ',');
		const char *v = r->v[i];
		if (v == NULL)
			continue;
		if (r->type->fields[i].type == FT_BOOL)
			buf_puts(out, v[0] == '1' ? "true" : "false");
		else
			csv_write_field(out, v, strlen(v));
	}
	buf_append(out, "\r\n", 2);
}

void record_type_write_csv_header(const struct record_type *t, struct buf *out)
{
	for (size_t i = 0; i < t->nfields; i++) {
		if (i)
			buf_putc(out, ',');
		buf_puts(out, t->fields[i].name);
	}
	buf_append(out, "\r\n", 2);
}

void record_type_write_schema(const struct record_type *t, struct buf *out, int mode)
{
	buf_puts(out, "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{");
	int first = 1;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct field_spec *f = &t->fields[i];
		if (mode != SCHEMA_OUTPUT && (f->flags & FF_READONLY))
			continue;
		if (!first)
			buf_putc(out, ',');
		first = 0;
		json_write_string(out, f->name, strlen(f->name));
		buf_putc(out, ':');
		buf_putc(out, '{');
		/* OpenAPI 3.0: one type per schema, "nullable" for null. */
		int nullable = !(f->flags & (FF_REQUIRED | FF_READONLY | FF_NOT_NULL));
		switch (f->type) {
		case FT_BOOL:
			buf_puts(out, "\"type\":\"boolean\"");
			break;
		case FT_INT:
			buf_printf(out, "\"type\":\"integer\",\"minimum\":%lld,\"maximum\":%lld",
			           (long long)f->min, (long long)f->max);
			break;
		case FT_DATE:
			buf_puts(out, "\"type\":\"string\",\"format\":\"date\"");
			break;
		case FT_STAMP:
			buf_puts(out, "\"type\":\"string\",\"format\":\"date-time\"");
			break;
		case FT_ENUM:
			buf_puts(out, "\"type\":\"string\",\"enum\":[");
			for (int k = 0; f->choices[k]; k++) {
				if (k)
					buf_putc(out, ',');
				json_write_string(out, f->choices[k], strlen(f->choices[k]));
			}
			buf_puts(out, nullable ? ",null]" : "]");
			break;
		default:
			buf_printf(out, "\"type\":\"string\",\"maxLength\":%d", f->max_chars);
		}
		if (nullable)
			buf_puts(out, ",\"nullable\":true");
		if (f->flags & FF_READONLY)
			buf_puts(out, ",\"readOnly\":true");
		if (f->description) {
			buf_puts(out, ",\"description\":");
			json_write_string(out, f->description, strlen(f->description));
		}
		buf_putc(out, '}');
	}
	if (mode == SCHEMA_OUTPUT)
		buf_puts(out,
		         ",\"warnings\":{\"type\":\"array\",\"description\":\"problems that did "
		         "not stop the write\",\"items\":{\"type\":\"object\",\"properties\":{"
		         "\"field\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}}");
	buf_putc(out, '}');
	if (mode == SCHEMA_PATCH) {
		buf_putc(out, '}');
		return;
	}
	buf_puts(out, ",\"required\":[");
	first = 1;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct field_spec *f = &t->fields[i];
		if (!(f->flags & FF_REQUIRED))
			continue;
		if (!first)
			buf_putc(out, ',');
		first = 0;
		json_write_string(out, f->name, strlen(f->name));
	}
	buf_puts(out, "]}");
}

enum { PACK_ABSENT, PACK_NULL, PACK_VALUE };

void record_pack(const struct record *r, struct buf *out)
{
	for (size_t i = 0; i < r->type->nfields; i++) {
		if (!record_has(r, (int)i)) {
			buf_putc(out, PACK_ABSENT);
		} else if (r->v[i] == NULL) {
			buf_putc(out, PACK_NULL);
		} else {
			buf_putc(out, PACK_VALUE);
			buf_append(out, r->v[i], strlen(r->v[i]) + 1);
		}
	}
}

void record_unpack(struct record *r, const struct record_type *t, const char *packed)
{
	record_init(r, t);
	const char *p = packed;
	for (size_t i = 0; i < t->nfields; i++) {
		char tag = *p++;
		if (tag == PACK_ABSENT)
			continue;
		r->present |= (uint64_t)1 << i;
		if (tag == PACK_VALUE) {
			r->v[i] = p;
			p += strlen(p) + 1;
		}
	}
}

int record_apply_patch(struct record *r, const struct record *patch)
{
	int changed = 0;
	for (size_t i = 0; i < r->type->nfields; i++) {
		if (!record_has(patch, (int)i))
			continue;
		const char *o = r->v[i], *n = patch->v[i];
		if ((o == NULL) != (n == NULL) || (o && strcmp(o, n) != 0))
			changed = 1;
		r->v[i] = n;
		r->warnings[i] = patch->warnings[i];
	}
	return changed;
}

char *record_to_json(const struct record *r)
{
	struct buf b = {0};
	record_write_json(r, &b);
	return buf_steal(&b, NULL);
}

void record_from_row(struct record *r, const struct record_type *t, struct db_stmt *st, int first,
                     int n, struct arena *a)
{
	record_init(r, t);
	for (int i = 0; i < n; i++) {
		if (db_col_is_null(st, first + i)) {
			r->present |= (uint64_t)1 << i;
			continue;
		}
		size_t len;
		const char *s = db_col_text(st, first + i, &len);
		record_set(r, a, i, s, len);
	}
}

int64_t record_int_of(const char *s)
{
	int64_t v;
	return s && field_int_parse_cstr(s, INT64_MIN + 1, INT64_MAX, &v) == 0 ? v : 0;
}

int32_t record_day_of(const char *s)
{
	int32_t d;
	return s && date_parse(s, strlen(s), &d) == 0 ? d : DATE_NONE;
}

int text_is(const char *v, const char *s)
{
	return v && strcmp(v, s) == 0;
}

void record_set_str(struct record *r, struct arena *a, int i, const char *s)
{
	if (s) {
		record_set(r, a, i, s, strlen(s));
	} else {
		r->v[i] = NULL;
		r->present |= (uint64_t)1 << i;
	}
}

void record_set_int(struct record *r, struct arena *a, int i, int64_t v)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)v);
	record_set_str(r, a, i, s);
}

void record_set_day(struct record *r, struct arena *a, int i, int32_t day)
{
	if (day == DATE_NONE) {
		record_set_str(r, a, i, NULL);
		return;
	}
	char s[11];
	date_format(day, s);
	record_set_str(r, a, i, s);
}

int field_credit_code_shape(const struct field_spec *f, const char *v, size_t n,
                            struct field_error *err, const char **warning)
{
	(void)v;
	(void)warning;
	if (n != 18)
		return field_fail(err, f->name, "invalid",
		                  "%s must be an 18-character unified social credit code", f->name);
	return 0;
}

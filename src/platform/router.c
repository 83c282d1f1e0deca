/*
 * Route matching over the const tables, and the OpenAPI document written from them.
 */
#include "router.h"

#include <string.h>

#include "fields.h"
#include "schemas.h"

/* Matches one pattern against path; fills params. Returns 1 on a match. */
static int pattern_match(const char *pat, const char *path, const char **params,
                         struct arena *arena)
{
	int np = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			const char *seg_end = strchr(path, '/');
			if (seg_end == NULL)
				seg_end = path + strlen(path);
			if (seg_end == path || close == NULL || np == HTTP_MAX_PATH_PARAMS)
				return 0;
			if (arena)
				params[np] = arena_strndup(arena, path, (size_t)(seg_end - path));
			np++;
			pat = close + 1;
			path = seg_end;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

int router_match(const char *method, const char *path, const struct route **route,
                 const char **params, struct arena *arena)
{
	int path_seen = 0;
	for (const struct route_table *const *t = HTTP_ROUTE_TABLES; *t; t++)
		for (const struct route *r = (*t)->routes; r->method; r++) {
			if (!pattern_match(r->pattern, path, params, NULL))
				continue;
			path_seen = 1;
			if (strcmp(r->method, method) != 0)
				continue;
			pattern_match(r->pattern, path, params, arena);
			*route = r;
			return 0;
		}
	return path_seen ? 405 : 404;
}

void router_allowed(const char *path, struct buf *out)
{
	const char *params[HTTP_MAX_PATH_PARAMS];
	for (const struct route_table *const *t = HTTP_ROUTE_TABLES; *t; t++)
		for (const struct route *r = (*t)->routes; r->method; r++)
			if (pattern_match(r->pattern, path, params, NULL)) {
				if (out->len)
					buf_puts(out, ", ");
				buf_puts(out, r->method);
				if (strcmp(r->method, "GET") == 0)
					buf_puts(out, ", HEAD");
			}
}

static void write_lower(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (; *s; s++)
		buf_putc(out, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s));
	buf_putc(out, '"');
}

static void write_operation(struct buf *out, const struct route *r)
{
	write_lower(out, r->method);
	buf_puts(out, ":{\"summary\":");
	json_write_string(out, r->summary, strlen(r->summary));
	buf_puts(out, ",\"tags\":[");
	json_write_string(out, r->tag, strlen(r->tag));
	buf_puts(out, "],\"parameters\":[");
	int first = 1;
	for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		if (!first)
			buf_putc(out, ',');
		first = 0;
		buf_puts(out, "{\"in\":\"path\",\"required\":true,\"name\":");
		json_write_string(out, p + 1, (size_t)(close - p - 1));
		buf_puts(out, ",\"schema\":{\"type\":\"string\"}}");
	}
	for (const struct route_param *q = r->query; q && q->name; q++) {
		if (!first)
			buf_putc(out, ',');
		first = 0;
		buf_puts(out, "{\"in\":\"query\",\"name\":");
		json_write_string(out, q->name, strlen(q->name));
		buf_printf(out, ",\"schema\":{\"type\":\"%s\"},\"description\":", q->type);
		json_write_string(out, q->description, strlen(q->description));
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
	if (r->request_schema) {
		if (r->flags & ROUTE_RAW_BODY)
			buf_printf(out,
			           ",\"requestBody\":{\"required\":true,\"content\":{\"text/csv\":"
			           "{\"schema\":{\"type\":\"string\",\"format\":\"binary\"}}}}");
		else
			buf_printf(out,
			           ",\"requestBody\":{\"required\":true,\"content\":{"
			           "\"application/json\":{\"schema\":{\"$ref\":"
			           "\"#/components/schemas/%s\"}}}}",
			           r->request_schema);
	}
	buf_printf(out, ",\"responses\":{\"%d\":{\"description\":\"success\"", r->ok_status);
	if (r->response_schema)
		buf_printf(out,
		           ",\"content\":{\"application/json\":{\"schema\":{\"$ref\":"
		           "\"#/components/schemas/%s\"}}}",
		           r->response_schema);
	buf_puts(out, "},\"default\":{\"description\":\"error\",\"content\":{\"application/json\":"
	              "{\"schema\":{\"$ref\":\"#/components/schemas/Error\"}}}}}");
	if (r->flags & ROUTE_PUBLIC)
		buf_puts(out, ",\"security\":[]");
	if (r->permission)
		buf_printf(out, ",\"x-permission\":\"%s\"", r->permission);
	buf_putc(out, '}');
}

void router_write_openapi(struct buf *out)
{
	buf_puts(
	    out,
	    "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"Jinzhi API\",\"version\":\"" JZ_VERSION
	    "\",\"description\":\"Information system for quality and technical "
	    "supervision bureaus. Errors are {error:{code,message,field}}; lists use "
	    "cursor pagination (limit, cursor -> next_cursor).\"},"
	    "\"servers\":[{\"url\":\"/\"}],"
	    "\"security\":[{\"bearerAuth\":[]},{\"cookieAuth\":[]}],\"paths\":{");
	/* Group operations by path: a path appears once with all its methods. */
	int first_path = 1;
	for (const struct route_table *const *t = HTTP_ROUTE_TABLES; *t; t++)
		for (const struct route *r = (*t)->routes; r->method; r++) {
			int seen = 0;
			for (const struct route_table *const *t2 = HTTP_ROUTE_TABLES; *t2 && !seen;
			     t2++)
				for (const struct route *r2 = (*t2)->routes; r2 != r && r2->method;
				     r2++)
					if (strcmp(r2->pattern, r->pattern) == 0) {
						seen = 1;
						break;
					}
			if (seen)
				continue;
			if (!first_path)
				buf_putc(out, ',');
			first_path = 0;
			json_write_string(out, r->pattern, strlen(r->pattern));
			buf_putc(out, ':');
			buf_putc(out, '{');
			int first_op = 1;
			for (const struct route_table *const *t2 = HTTP_ROUTE_TABLES; *t2; t2++)
				for (const struct route *r2 = (*t2)->routes; r2->method; r2++) {
					if (strcmp(r2->pattern, r->pattern) != 0)
						continue;
					if (!first_op)
						buf_putc(out, ',');
					first_op = 0;
					write_operation(out, r2);
				}
			buf_putc(out, '}');
		}
	buf_puts(out, "},\"components\":{\"securitySchemes\":{\"bearerAuth\":{\"type\":\"http\","
	              "\"scheme\":\"bearer\",\"description\":\"an API token (jzt_...)\"},"
	              "\"cookieAuth\":{\"type\":\"apiKey\",\"in\":\"cookie\",\"name\":"
	              "\"jz_session\",\"description\":\"console session; writes also need the "
	              "X-CSRF-Token header given at sign-in\"}},\"schemas\":{");
	schemas_write(out);
	buf_puts(out, "}}}");
}

/*
 * HTTP handlers of the region tree (public reference data).
 */
#include <stdlib.h>
#include <string.h>

#include "modules/regions/service.h"
#include "platform/fields.h"
#include "platform/http.h"

static void region_json(struct buf *out, const struct region *r)
{
	static const char *const LEVELS[] = {"", "province", "prefecture", "county"};
	buf_printf(out, "{\"code\":\"%06d\",\"parent\":", r->code);
	if (r->parent)
		buf_printf(out, "\"%06d\"", r->parent);
	else
		buf_puts(out, "null");
	buf_printf(out, ",\"level\":\"%s\",\"name_zh\":", LEVELS[r->level]);
	json_write_string(out, r->name_zh, strlen(r->name_zh));
	buf_puts(out, ",\"name_en\":");
	json_write_string(out, r->name_en, strlen(r->name_en));
	buf_puts(out, ",\"name_bo\":");
	json_write_string(out, r->name_bo, strlen(r->name_bo));
	buf_putc(out, '}');
}

static int parse_code(const char *s, int *code)
{
	/* Exactly six digits: strtol alone would let spaces and signs through. */
	int64_t v;
	if (s == NULL || strlen(s) != 6 || field_int_parse(s, 6, 100000, 999999, &v) != 0)
		return -1;
	*code = (int)v;
	return 0;
}

static int regions_list_handler(struct http_request *req, struct http_response *res)
{
	const char *parent = http_query(req, "parent");
	int pcode = 0;
	if (parent && (parse_code(parent, &pcode) != 0 || regions_find(pcode) == NULL))
		return http_error(res, API_BAD_REQUEST, "unknown_region", "parent",
		                  "parent must be a known six-digit region code");
	size_t n;
	const struct region *all = regions_all(&n);
	buf_puts(&res->body, "{\"items\":[");
	int first = 1;
	for (size_t i = 0; i < n; i++) {
		if (parent && all[i].parent != pcode)
			continue; /* only the direct children */
		if (!first)
			buf_putc(&res->body, ',');
		first = 0;
		region_json(&res->body, &all[i]);
	}
	buf_puts(&res->body, "]}");
	http_json(res, 200);
	return 0;
}

static int regions_get_handler(struct http_request *req, struct http_response *res)
{
	int code;
	const struct region *r;
	if (parse_code(req->params[0], &code) != 0 || (r = regions_find(code)) == NULL)
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no region %s",
		                  req->params[0]);
	region_json(&res->body, r);
	http_json(res, 200);
	return 0;
}

static const struct route_param LIST_PARAMS[] = {
    {"parent", "string", "only the regions directly below this code"},
    {NULL, NULL, NULL},
};

static const struct route REGIONS_ROUTES[] = {
    {"GET", "/api/v1/regions", regions_list_handler, ROUTE_PUBLIC, 0, "List GB/T 2260 regions",
     "regions", NULL, "RegionList", LIST_PARAMS, 200, NULL},
    {"GET", "/api/v1/regions/{code}", regions_get_handler, ROUTE_PUBLIC, 0, "Read one region",
     "regions", NULL, "Region", NULL, 200, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table REGIONS_ROUTE_TABLE = {"regions", REGIONS_ROUTES};

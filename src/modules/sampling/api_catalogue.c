/*
 * HTTP handlers of the catalogue (test items, products with their items and limits) and of
 * the labs with their accredited scope. Parse, call catalogue.c, shape JSON.
 */
#include <stdio.h>
#include <string.h>

#include "modules/sampling/labs.h"
#include "platform/api_common.h"
#include "platform/router.h"

#define FILTER_MAX 40 /* bytes of a category or industry filter */

static int items_list(struct http_request *req, struct http_response *res)
{
	buf_puts(&res->body, "{\"items\":");
	if (sp_items_write_json(req->db, &res->body) != SVC_OK)
		return -1;
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

static int products_list(struct http_request *req, struct http_response *res)
{
	const char *category = http_query(req, "category"), *industry = http_query(req, "industry");
	if (category && strlen(category) > FILTER_MAX)
		return http_error(res, API_BAD_REQUEST, "invalid", "category",
		                  "category is too long");
	if (industry && strlen(industry) > FILTER_MAX)
		return http_error(res, API_BAD_REQUEST, "invalid", "industry",
		                  "industry is too long");
	buf_puts(&res->body, "{\"items\":");
	if (sp_products_write_json(req->db, category, industry, &res->body) != SVC_OK)
		return -1;
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

static int products_get(struct http_request *req, struct http_response *res)
{
	struct sp_product p;
	int rc = sp_product_get(req->db, 0, req->params[0], &req->arena, &p);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "product", req->params[0]);
	if (sp_product_write_json(req->db, p.id, &res->body) != SVC_OK)
		return -1;
	http_json(res, 200);
	return 0;
}

/* Appends lab r as JSON with its "scope". */
static int lab_write(struct db *db, const struct record *r, struct buf *out)
{
	record_write_json(r, out);
	out->data[--out->len] = '\0'; /* the closing brace */
	buf_puts(out, ",\"scope\":");
	if (sp_lab_scope_write_json(db, record_int_of(r->v[SL_ID]), out) != SVC_OK)
		return -1;
	buf_putc(out, '}');
	return 0;
}

static int lab_respond(struct http_request *req, struct http_response *res, const struct record *r,
                       int status)
{
	if (lab_write(req->db, r, &res->body) != 0)
		return -1;
	snprintf(res->etag, sizeof res->etag, "\"%s\"", r->v[SL_VERSION]);
	http_json(res, status);
	return 0;
}

struct lab_list_ctx {
	struct db *db;
	struct buf *out;
	int n;
	int failed;
};

static int lab_row(void *ctx, const struct record *r)
{
	struct lab_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	lc->failed = lab_write(lc->db, r, lc->out) != 0;
	return lc->failed;
}

static int labs_list(struct http_request *req, struct http_response *res)
{
	int64_t region = 0;
	const char *rq = http_query(req, "region");
	if (rq && field_int_parse_cstr(rq, 110000, 829999, &region) != 0)
		return http_error(res, API_BAD_REQUEST, "unknown_region", "region",
		                  "region must be a six-digit region code");
	buf_puts(&res->body, "{\"items\":[");
	struct lab_list_ctx lc = {req->db, &res->body, 0, 0};
	if (sp_lab_list(req->db, (int)region, &req->arena, lab_row, &lc) != SVC_OK || lc.failed)
		return -1;
	api_list_end(res, NULL, NULL);
	return 0;
}

static int labs_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "lab", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record r;
	int rc = sp_lab_get(req->db, &who, id, &req->arena, &r);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "lab", req->params[0]);
	return lab_respond(req, res, &r, 200);
}

static int labs_create(struct http_request *req, struct http_response *res)
{
	struct record in, out;
	struct field_error err;
	int rc = api_record_body(req, res, &SP_LAB_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_lab_create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "lab", NULL);
	return lab_respond(req, res, &out, 201);
}

static int labs_update(struct http_request *req, struct http_response *res)
{
	int64_t id, if_version;
	if (api_id_param(req, res, "lab", &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch, out;
	struct field_error err;
	int rc = api_record_body(req, res, &SP_LAB_TYPE, &patch, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_lab_update(req->db, &who, id, &patch, if_version, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "lab", req->params[0]);
	return lab_respond(req, res, &out, 200);
}

static int labs_scope_put(struct http_request *req, struct http_response *res)
{
	int64_t id, if_version;
	if (api_id_param(req, res, "lab", &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	json_t *items = json_is_object(body) ? json_object_get(body, "items") : NULL;
	if (!json_is_array(items) || json_object_size(body) != 1) {
		json_decref(body);
		return http_error(res, API_BAD_REQUEST, "invalid", "items",
		                  "the body must be {\"items\": [item codes]}");
	}
	size_t n = json_array_size(items);
	if (n > SP_LAB_SCOPE_MAX) {
		json_decref(body);
		return http_error(res, API_BAD_REQUEST, "too_many", "items",
		                  "a scope holds at most %d items", SP_LAB_SCOPE_MAX);
	}
	const char **codes = arena_alloc(&req->arena, (n ? n : 1) * sizeof *codes);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(items, i);
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > 40) {
			json_decref(body);
			return http_error(res, API_BAD_REQUEST, "invalid", "items",
			                  "items must be item codes (strings)");
		}
		codes[i] = arena_strdup(&req->arena, json_string_value(v));
	}
	json_decref(body);
	struct actor who = api_actor(req);
	struct field_error err;
	int rc = sp_lab_scope_set(req->db, &who, id, codes, (int)n, if_version, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "lab", req->params[0]);
	struct record r;
	rc = sp_lab_get(req->db, &who, id, &req->arena, &r);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "lab", req->params[0]);
	return lab_respond(req, res, &r, 200);
}

void sp_catalogue_schemas_write(struct buf *out)
{
	buf_puts(
	    out,
	    "\"SamplingItem\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":"
	    "\"string\"},\"name_zh\":{\"type\":\"string\"},\"name_bo\":{\"type\":\"string\","
	    "\"nullable\":true},\"name_en\":{\"type\":\"string\"},\"unit\":{\"type\":"
	    "\"string\",\"nullable\":true},\"kind\":{\"type\":\"string\",\"enum\":["
	    "\"numeric\",\"qualitative\"]}}},"
	    "\"SamplingItemList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":"
	    "\"array\",\"items\":{\"$ref\":\"#/components/schemas/SamplingItem\"}}}},"
	    "\"SamplingProduct\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":"
	    "\"string\"},\"code\":{\"type\":\"string\"},\"name_zh\":{\"type\":\"string\"},"
	    "\"name_bo\":{\"type\":\"string\",\"nullable\":true},\"name_en\":{\"type\":"
	    "\"string\"},\"category\":{\"type\":\"string\"},\"industry\":{\"type\":\"string\","
	    "\"description\":\"GB/T 4754 section letter\"},\"risk\":{\"type\":\"string\"},"
	    "\"standards\":{\"type\":\"string\"},\"items\":{\"type\":\"array\",\"items\":{"
	    "\"type\":\"object\",\"properties\":{\"item_code\":{\"type\":\"string\"},"
	    "\"kind\":{\"type\":\"string\"},\"unit\":{\"type\":\"string\",\"nullable\":true},"
	    "\"rule\":{\"type\":\"string\",\"enum\":[\"min\",\"max\",\"range\",\"equals\","
	    "\"not_detected\"]},\"lo\":{\"type\":\"string\",\"nullable\":true,"
	    "\"description\":\"decimal text\"},\"hi\":{\"type\":\"string\",\"nullable\":true,"
	    "\"description\":\"decimal text\"},\"expected\":{\"type\":\"string\","
	    "\"nullable\":true},\"standard\":{\"type\":\"string\"}}}}}},"
	    "\"SamplingProductList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":"
	    "\"array\",\"items\":{\"$ref\":\"#/components/schemas/SamplingProduct\"}}}},"
	    "\"SamplingLabScope\":{\"type\":\"object\",\"required\":[\"items\"],"
	    "\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}},");
	buf_puts(out, "\"SamplingLab\":");
	record_type_write_schema(&SP_LAB_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"SamplingLabInput\":");
	record_type_write_schema(&SP_LAB_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"SamplingLabPatch\":");
	record_type_write_schema(&SP_LAB_TYPE, out, SCHEMA_PATCH);
	buf_puts(out, ",\"SamplingLabList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "SamplingLab\"}}}},");
}

static const struct route_param PRODUCT_PARAMS[] = {
    {"category", "string",
     "food, food_related, industrial, consumer, agricultural_input or building"},
    {"industry", "string", "GB/T 4754 section letter (C: manufacturing)"},
    {NULL, NULL, NULL},
};

static const struct route_param LAB_PARAMS[] = {
    {"region", "string", "GB/T 2260 code: labs of the region and everything below it"},
    {NULL, NULL, NULL},
};

static const struct route SP_CATALOGUE_ROUTES[] = {
    {"GET", "/api/v1/sampling/items", items_list, 0, 0, "List the test items", "sampling", NULL,
     "SamplingItemList", NULL, 200, "sampling:read"},
    {"GET", "/api/v1/sampling/products", products_list, 0, 0,
     "List the products of the catalogue with their items and limits", "sampling", NULL,
     "SamplingProductList", PRODUCT_PARAMS, 200, "sampling:read"},
    {"GET", "/api/v1/sampling/products/{code}", products_get, 0, 0,
     "Read a product with its items and limits", "sampling", NULL, "SamplingProduct", NULL, 200,
     "sampling:read"},
    {"GET", "/api/v1/sampling/labs", labs_list, 0, 0, "List the testing laboratories", "sampling",
     NULL, "SamplingLabList", LAB_PARAMS, 200, "sampling:read"},
    {"POST", "/api/v1/sampling/labs", labs_create, 0, 0, "Register a testing laboratory",
     "sampling", "SamplingLabInput", "SamplingLab", NULL, 201, "sampling:admin"},
    {"GET", "/api/v1/sampling/labs/{id}", labs_get, 0, 0, "Read a laboratory with its scope",
     "sampling", NULL, "SamplingLab", NULL, 200, "sampling:read"},
    {"PATCH", "/api/v1/sampling/labs/{id}", labs_update, 0, 0,
     "Change a laboratory. If-Match: ETag", "sampling", "SamplingLabPatch", "SamplingLab", NULL,
     200, "sampling:admin"},
    {"PUT", "/api/v1/sampling/labs/{id}/scope", labs_scope_put, 0, 0,
     "Replace the accredited scope (test item codes; an unknown one is refused). If-Match: "
     "ETag",
     "sampling", "SamplingLabScope", "SamplingLab", NULL, 200, "sampling:admin"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_CATALOGUE_ROUTE_TABLE = {"sampling", SP_CATALOGUE_ROUTES};

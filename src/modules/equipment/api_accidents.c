/*
 * HTTP handlers of accidents: the report, findings and closure. Parse, call accidents.c, shape
 * JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/accidents.h"
#include "modules/equipment/api.h"
#include "platform/api_common.h"
#include "platform/router.h"

static void accident_response(struct http_response *res, const struct record *r, int status)
{
	record_write_json(r, &res->body);
	snprintf(res->etag, sizeof res->etag, "\"%s\"", r->v[EA_VERSION]);
	http_json(res, status);
}

struct list_ctx {
	struct buf *out; /* where rows go */
	int n;           /* rows written */
};

static int list_row(void *ctx, const struct record *r)
{
	struct list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	record_write_json(r, lc->out);
	return 0;
}

static int accidents_list(struct http_request *req, struct http_response *res)
{
	struct eq_accident_filter f;
	struct field_error err;
	int rc = eq_accident_filter_parse(
	    &f, &req->arena, http_query(req, "region"), http_query(req, "status"),
	    http_query(req, "level"), http_query(req, "use_unit"), http_query(req, "from"),
	    http_query(req, "to"), http_query(req, "limit"), http_query(req, "cursor"), &err);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, &err, "accident", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct list_ctx lc = {&res->body, 0};
	const char *next;
	if (eq_accident_list(req->db, &who, &f, &req->arena, list_row, &lc, &next) != EQ_OK)
		return -1;
	eq_list_end(res, next, NULL);
	return 0;
}

static int accidents_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (eq_id_param(req, res, "accident", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record r;
	int rc = eq_accident_get(req->db, &who, id, &req->arena, &r);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, NULL, "accident", req->params[0]);
	accident_response(res, &r, 200);
	return 0;
}

static int accidents_create(struct http_request *req, struct http_response *res)
{
	struct record in, out;
	struct field_error err;
	int rc = eq_record_body(req, res, &ACCIDENT_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc = eq_accident_create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, &err, "accident", NULL);
	accident_response(res, &out, 201);
	return 0;
}

static int accidents_update(struct http_request *req, struct http_response *res)
{
	int64_t id, if_version;
	if (eq_id_param(req, res, "accident", &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch, out;
	struct field_error err;
	int rc = eq_record_body(req, res, &ACCIDENT_TYPE, &patch, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc = eq_accident_update(req->db, &who, id, &patch, if_version, &req->arena, &out,
		                        &err);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, &err, "accident", req->params[0]);
	accident_response(res, &out, 200);
	return 0;
}

void eq_accident_schemas_write(struct buf *out)
{
	buf_puts(out, "\"EquipmentAccident\":");
	record_type_write_schema(&ACCIDENT_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"EquipmentAccidentInput\":");
	record_type_write_schema(&ACCIDENT_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"EquipmentAccidentPatch\":");
	record_type_write_schema(&ACCIDENT_TYPE, out, SCHEMA_PATCH);
	buf_puts(out, ",\"EquipmentAccidentList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "EquipmentAccident\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":"
	              "true}}},");
}

static const struct route_param LIST_PARAMS[] = {
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"status", "string", "reported, investigating or closed"},
    {"level", "string", "general, larger, major or especially_major"},
    {"use_unit", "string", "credit code of the use unit"},
    {"from", "string", "occurred on or after this day (YYYY-MM-DD)"},
    {"to", "string", "occurred on or before this day (YYYY-MM-DD)"},
    {"limit", "integer", "page size, 1 to 1000 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route EQ_ACCIDENT_ROUTES[] = {
    {"GET", "/api/v1/equipment/accidents", accidents_list, 0, 0, "List accidents, newest first",
     "equipment", NULL, "EquipmentAccidentList", LIST_PARAMS, 200, "equipment:read"},
    {"POST", "/api/v1/equipment/accidents", accidents_create, 0, 0,
     "Report an accident (by the unit's device code, or by use unit and category)", "equipment",
     "EquipmentAccidentInput", "EquipmentAccident", NULL, 201, "equipment:write"},
    {"GET", "/api/v1/equipment/accidents/{id}", accidents_get, 0, 0, "Read an accident",
     "equipment", NULL, "EquipmentAccident", NULL, 200, "equipment:read"},
    {"PATCH", "/api/v1/equipment/accidents/{id}", accidents_update, 0, 0,
     "Record findings; close with status closed once the four \"don't let go\" are recorded. "
     "A closed accident is not changed (409). If-Match: ETag",
     "equipment", "EquipmentAccidentPatch", "EquipmentAccident", NULL, 200, "equipment:write"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table EQ_ACCIDENT_ROUTE_TABLE = {"equipment", EQ_ACCIDENT_ROUTES};

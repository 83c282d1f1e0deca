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

static int accidents_list(struct http_request *req, struct http_response *res)
{
	struct eq_accident_filter f;
	struct field_error err;
	int rc = eq_accident_filter_parse(
	    &f, &req->arena, http_query(req, "region"), http_query(req, "status"),
	    http_query(req, "level"), http_query(req, "use_unit"), http_query(req, "from"),
	    http_query(req, "to"), http_query(req, "limit"), http_query(req, "cursor"), &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "accident", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct api_list_ctx lc = {&res->body, 0};
	const char *next;
	if (eq_accident_list(req->db, &who, &f, &req->arena, api_record_row, &lc, &next) != EQ_OK)
		return -1;
	api_list_end(res, next, NULL);
	return 0;
}

static const struct api_resource ACCIDENTS = {
    .what = "accident",
    .type = &ACCIDENT_TYPE,
    .version_field = EA_VERSION,
    .get = eq_accident_get,
    .create = eq_accident_create,
    .update = eq_accident_update,
};

static int accidents_get(struct http_request *req, struct http_response *res)
{
	return api_resource_get(req, res, &ACCIDENTS);
}

static int accidents_create(struct http_request *req, struct http_response *res)
{
	return api_resource_create(req, res, &ACCIDENTS);
}

static int accidents_update(struct http_request *req, struct http_response *res)
{
	return api_resource_update(req, res, &ACCIDENTS);
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

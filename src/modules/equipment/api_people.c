/*
 * HTTP handlers of operators and their certificates: parse, call people.c, shape JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/api.h"
#include "modules/equipment/people.h"
#include "platform/api_common.h"
#include "platform/router.h"

static int operators_list(struct http_request *req, struct http_response *res)
{
	struct eq_operator_filter f;
	struct field_error err;
	int rc = eq_operator_filter_parse(
	    &f, &req->arena, http_query(req, "employer"), http_query(req, "region"),
	    http_query(req, "category"), http_query(req, "on_duty"), http_query(req, "uncertified"),
	    http_query(req, "expiring_within"), http_query(req, "limit"), http_query(req, "cursor"),
	    &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "operator", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct api_list_ctx lc = {&res->body, 0};
	const char *next;
	if (eq_operator_list(req->db, &who, &f, &req->arena, api_record_row, &lc, &next) != EQ_OK)
		return -1;
	api_list_end(res, next, NULL);
	return 0;
}

static const struct api_resource OPERATORS = {
    .what = "operator",
    .type = &OPERATOR_TYPE,
    .version_field = EO_VERSION,
    .get = eq_operator_get,
    .create = eq_operator_create,
    .update = eq_operator_update,
};

static int operators_get(struct http_request *req, struct http_response *res)
{
	return api_resource_get(req, res, &OPERATORS);
}

static int operators_create(struct http_request *req, struct http_response *res)
{
	return api_resource_create(req, res, &OPERATORS);
}

static int operators_update(struct http_request *req, struct http_response *res)
{
	return api_resource_update(req, res, &OPERATORS);
}

void eq_operator_schemas_write(struct buf *out)
{
	buf_puts(out, "\"EquipmentOperator\":");
	record_type_write_schema(&OPERATOR_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"EquipmentOperatorInput\":");
	record_type_write_schema(&OPERATOR_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"EquipmentOperatorPatch\":");
	record_type_write_schema(&OPERATOR_TYPE, out, SCHEMA_PATCH);
	buf_puts(out, ",\"EquipmentOperatorList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "EquipmentOperator\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":"
	              "true}}},");
}

static const struct route_param LIST_PARAMS[] = {
    {"employer", "string", "credit code of the employing use unit"},
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"category", "string", "top-level category operated, e.g. 3000"},
    {"on_duty", "boolean", "true: on duty only; false: off duty only"},
    {"uncertified", "boolean", "true: only those holding no certificate"},
    {"expiring_within", "integer",
     "days: operators on duty whose certificate expires within so many days of today or has "
     "expired, soonest first"},
    {"limit", "integer", "page size, 1 to 1000 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route EQ_OPERATOR_ROUTES[] = {
    {"GET", "/api/v1/equipment/operators", operators_list, 0, 0,
     "List operators; uncertified and expiring-certificate lists", "equipment", NULL,
     "EquipmentOperatorList", LIST_PARAMS, 200, "equipment:read"},
    {"POST", "/api/v1/equipment/operators", operators_create, 0, 0,
     "Record an operator and their certificate", "equipment", "EquipmentOperatorInput",
     "EquipmentOperator", NULL, 201, "equipment:write"},
    {"GET", "/api/v1/equipment/operators/{id}", operators_get, 0, 0, "Read an operator",
     "equipment", NULL, "EquipmentOperator", NULL, 200, "equipment:read"},
    {"PATCH", "/api/v1/equipment/operators/{id}", operators_update, 0, 0,
     "Change an operator or their certificate (If-Match: ETag)", "equipment",
     "EquipmentOperatorPatch", "EquipmentOperator", NULL, 200, "equipment:write"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table EQ_OPERATOR_ROUTE_TABLE = {"equipment", EQ_OPERATOR_ROUTES};

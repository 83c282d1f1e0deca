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

static void operator_response(struct http_response *res, const struct record *r, int status)
{
	record_write_json(r, &res->body);
	snprintf(res->etag, sizeof res->etag, "\"%s\"", r->v[EO_VERSION]);
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
		return eq_service_error(res, rc, &err, "operator", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct list_ctx lc = {&res->body, 0};
	const char *next;
	if (eq_operator_list(req->db, &who, &f, &req->arena, list_row, &lc, &next) != EQ_OK)
		return -1;
	eq_list_end(res, next, NULL);
	return 0;
}

static int operators_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (eq_id_param(req, res, "operator", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record r;
	int rc = eq_operator_get(req->db, &who, id, &req->arena, &r);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, NULL, "operator", req->params[0]);
	operator_response(res, &r, 200);
	return 0;
}

static int operators_create(struct http_request *req, struct http_response *res)
{
	struct record in, out;
	struct field_error err;
	int rc = eq_record_body(req, res, &OPERATOR_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc = eq_operator_create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, &err, "operator", NULL);
	operator_response(res, &out, 201);
	return 0;
}

static int operators_update(struct http_request *req, struct http_response *res)
{
	int64_t id, if_version;
	if (eq_id_param(req, res, "operator", &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch, out;
	struct field_error err;
	int rc = eq_record_body(req, res, &OPERATOR_TYPE, &patch, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc = eq_operator_update(req->db, &who, id, &patch, if_version, &req->arena, &out,
		                        &err);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, &err, "operator", req->params[0]);
	operator_response(res, &out, 200);
	return 0;
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

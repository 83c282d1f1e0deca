/*
 * HTTP handlers of gas-cylinder batches: registration, lists, and inspections that move the
 * due date and scrap the cylinders that fail. Parse, call cylinders.c, shape JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/api.h"
#include "modules/equipment/cylinders.h"
#include "platform/api_common.h"
#include "platform/router.h"

static int cylinders_list(struct http_request *req, struct http_response *res)
{
	struct eq_cylinder_filter f;
	struct field_error err;
	int rc = eq_cylinder_filter_parse(
	    &f, &req->arena, http_query(req, "station"), http_query(req, "region"),
	    http_query(req, "overdue"), http_query(req, "limit"), http_query(req, "cursor"), &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "cylinder batch", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct api_list_ctx lc = {&res->body, 0};
	const char *next;
	if (eq_cylinder_list(req->db, &who, &f, &req->arena, api_record_row, &lc, &next) != EQ_OK)
		return -1;
	api_list_end(res, next, NULL);
	return 0;
}

static const struct api_resource CYLINDERS = {
    .what = "cylinder batch",
    .type = &CYLINDER_TYPE,
    .version_field = ECB_VERSION,
    .get = eq_cylinder_get,
    .create = eq_cylinder_create,
    .update = NULL,
};

static int cylinders_get(struct http_request *req, struct http_response *res)
{
	return api_resource_get(req, res, &CYLINDERS);
}

static int cylinders_create(struct http_request *req, struct http_response *res)
{
	return api_resource_create(req, res, &CYLINDERS);
}

static int cylinders_inspect(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "cylinder batch", &id) != 0)
		return 0;
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	struct eq_cylinder_inspection ins;
	struct field_error err;
	int rc = eq_cylinder_inspection_from_json(body, &req->arena, &ins, &err);
	json_decref(body);
	struct actor who = api_actor(req);
	struct record batch;
	if (rc == EQ_OK)
		rc = eq_cylinder_inspect(req->db, &who, id, &ins, &req->arena, &batch, &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "cylinder batch", req->params[0]);
	buf_puts(&res->body, "{\"inspection\":{\"inspected_on\":");
	json_write_string(&res->body, ins.inspected_on, strlen(ins.inspected_on));
	buf_printf(&res->body,
	           ",\"conclusion\":\"%s\",\"quantity_failed\":%lld,\"next_due\":", ins.conclusion,
	           (long long)ins.quantity_failed);
	if (ins.next_due)
		json_write_string(&res->body, ins.next_due, strlen(ins.next_due));
	else
		buf_puts(&res->body, "null");
	buf_puts(&res->body, "},\"batch\":");
	record_write_json(&batch, &res->body);
	buf_putc(&res->body, '}');
	http_json(res, 201);
	return 0;
}

void eq_cylinder_schemas_write(struct buf *out)
{
	buf_puts(out, "\"EquipmentCylinderBatch\":");
	record_type_write_schema(&CYLINDER_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"EquipmentCylinderBatchInput\":");
	record_type_write_schema(&CYLINDER_TYPE, out, SCHEMA_CREATE);
	buf_puts(out,
	         ",\"EquipmentCylinderBatchList\":{\"type\":\"object\",\"properties\":{"
	         "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	         "EquipmentCylinderBatch\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":"
	         "true}}},");
	buf_puts(out,
	         "\"EquipmentCylinderInspectionInput\":{\"type\":\"object\",\"required\":["
	         "\"inspected_on\",\"conclusion\"],\"properties\":{\"inspected_on\":{\"type\":"
	         "\"string\",\"format\":\"date\"},\"conclusion\":{\"type\":\"string\",\"enum\":["
	         "\"pass\",\"conditional\",\"fail\"],\"description\":\"fail: the whole batch "
	         "failed and is scrapped\"},\"quantity_failed\":{\"type\":\"integer\","
	         "\"minimum\":0,\"description\":\"cylinders that failed; they are scrapped and "
	         "the batch reduced\"}}},");
	buf_puts(out,
	         "\"EquipmentCylinderInspectionResult\":{\"type\":\"object\",\"properties\":{"
	         "\"inspection\":{\"type\":\"object\",\"properties\":{\"inspected_on\":{\"type\":"
	         "\"string\",\"format\":\"date\"},\"conclusion\":{\"type\":\"string\"},"
	         "\"quantity_failed\":{\"type\":\"integer\"},\"next_due\":{\"type\":\"string\","
	         "\"format\":\"date\",\"nullable\":true}}},\"batch\":{\"$ref\":"
	         "\"#/components/schemas/EquipmentCylinderBatch\"}}},");
}

static const struct route_param LIST_PARAMS[] = {
    {"station", "string", "credit code of the filling station"},
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"overdue", "boolean", "true: only batches in use whose inspection is overdue, by due date"},
    {"limit", "integer", "page size, 1 to 1000 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route EQ_CYLINDER_ROUTES[] = {
    {"GET", "/api/v1/equipment/cylinders", cylinders_list, 0, 0,
     "List gas-cylinder batches by filling station, region or overdue", "equipment", NULL,
     "EquipmentCylinderBatchList", LIST_PARAMS, 200, "equipment:read"},
    {"POST", "/api/v1/equipment/cylinders", cylinders_create, 0, 0,
     "Register a batch of gas cylinders at a filling station; its first due date follows the "
     "rule of its variant",
     "equipment", "EquipmentCylinderBatchInput", "EquipmentCylinderBatch", NULL, 201,
     "equipment:write"},
    {"GET", "/api/v1/equipment/cylinders/{id}", cylinders_get, 0, 0, "Read a gas-cylinder batch",
     "equipment", NULL, "EquipmentCylinderBatch", NULL, 200, "equipment:read"},
    {"POST", "/api/v1/equipment/cylinders/{id}/inspections", cylinders_inspect, 0, 0,
     "Record an inspection of a batch: moves its due date, scraps the cylinders that failed",
     "equipment", "EquipmentCylinderInspectionInput", "EquipmentCylinderInspectionResult", NULL,
     201, "equipment:write"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table EQ_CYLINDER_ROUTE_TABLE = {"equipment", EQ_CYLINDER_ROUTES};

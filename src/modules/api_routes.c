/*
 * The whole API: the platform's own routes (health, version, OpenAPI) and every module's
 * routing table, with the component schemas the OpenAPI document refers to.
 */
#include <string.h>

#include "modules/registry/api.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "platform/api_common.h"
#include "platform/fields.h"
#include "platform/router.h"
#include "platform/schemas.h"

extern const struct route_table REGIONS_ROUTE_TABLE;

struct actor api_actor(struct http_request *req)
{
	struct actor a = {0};
	a.name = "anonymous";
	a.request_id = req->request_id;
	a.client_addr = req->client_addr;
	a.all_regions = 1;
	return a;
}

static int health(struct http_request *req, struct http_response *res)
{
	(void)req;
	buf_puts(&res->body, "{\"status\":\"ok\"}");
	http_json(res, 200);
	return 0;
}

static int version(struct http_request *req, struct http_response *res)
{
	(void)req;
	buf_puts(&res->body, "{\"name\":\"jinzhi\",\"version\":\"" JZ_VERSION "\"}");
	http_json(res, 200);
	return 0;
}

static int openapi(struct http_request *req, struct http_response *res)
{
	(void)req;
	router_write_openapi(&res->body);
	http_json(res, 200);
	return 0;
}

static const struct route PLATFORM_ROUTES[] = {
	{"GET", "/api/v1/health", health, ROUTE_PUBLIC, 0, "Liveness and readiness", "platform",
	 NULL, "Health", NULL, 200},
	{"GET", "/api/v1/version", version, ROUTE_PUBLIC, 0, "Server version", "platform", NULL,
	 "Version", NULL, 200},
	{"GET", "/api/v1/openapi.json", openapi, ROUTE_PUBLIC, 0, "This document", "platform",
	 NULL, NULL, NULL, 200},
	{NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0},
};

static const struct route_table PLATFORM_ROUTE_TABLE = {"platform", PLATFORM_ROUTES};

const struct route_table *const HTTP_ROUTE_TABLES[] = {
	&PLATFORM_ROUTE_TABLE,
	&REGIONS_ROUTE_TABLE,
	&REGISTRY_ROUTE_TABLE,
	NULL,
};

void schemas_write(struct buf *out)
{
	buf_puts(out, "\"Error\":{\"type\":\"object\",\"required\":[\"error\"],\"properties\":{"
		      "\"error\":{\"type\":\"object\",\"required\":[\"code\",\"message\"],"
		      "\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":"
		      "\"string\"},\"field\":{\"type\":\"string\",\"nullable\":true}}}}},");
	buf_puts(out, "\"CodeCheck\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":"
		      "\"string\"},\"valid\":{\"type\":\"boolean\"},\"message\":{\"type\":"
		      "\"string\"},\"organisation_code_valid\":{\"type\":\"boolean\"},"
		      "\"region_code\":{\"type\":\"string\"}}},");
	buf_puts(out, "\"Health\":{\"type\":\"object\",\"properties\":{\"status\":{\"type\":"
		      "\"string\"}}},");
	buf_puts(out, "\"Version\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":"
		      "\"string\"},\"version\":{\"type\":\"string\"}}},");
	buf_puts(out, "\"Region\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":"
		      "\"string\"},\"parent\":{\"type\":\"string\",\"nullable\":true},\"level\":{"
		      "\"type\":\"string\",\"enum\":[\"province\",\"prefecture\",\"county\"]},"
		      "\"name_zh\":{\"type\":\"string\"},\"name_en\":{\"type\":\"string\"},"
		      "\"name_bo\":{\"type\":\"string\"}}},");
	buf_puts(out, "\"RegionList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":"
		      "\"array\",\"items\":{\"$ref\":\"#/components/schemas/Region\"}}}},");
	buf_puts(out, "\"Enterprise\":");
	record_type_write_schema(&ENTERPRISE_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"EnterpriseInput\":");
	record_type_write_schema(&ENTERPRISE_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"EnterprisePatch\":");
	record_type_write_schema(&ENTERPRISE_TYPE, out, SCHEMA_PATCH);
	buf_puts(out, ",\"EnterpriseList\":{\"type\":\"object\",\"properties\":{\"items\":{"
		      "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Enterprise\"}},"
		      "\"next_cursor\":{\"type\":\"string\",\"nullable\":true},\"total\":{\"type\":"
		      "\"integer\"}}},");
	buf_puts(out, "\"ImportIssue\":{\"type\":\"object\",\"properties\":{\"row\":{\"type\":"
		      "\"integer\"},\"line\":{\"type\":\"integer\"},\"field\":{\"type\":\"string\","
		      "\"nullable\":true},\"code\":{\"type\":\"string\"},\"message\":{\"type\":"
		      "\"string\"}}},");
	buf_puts(out, "\"ImportReport\":{\"type\":\"object\",\"properties\":{"
		      "\"encoding\":{\"type\":\"string\"},\"sha256\":{\"type\":\"string\"},"
		      "\"rows\":{\"type\":\"integer\"},\"created\":{\"type\":\"integer\"},"
		      "\"updated\":{\"type\":\"integer\"},\"unchanged\":{\"type\":\"integer\"},"
		      "\"rejected\":{\"type\":\"integer\"},\"committed\":{\"type\":\"boolean\"},"
		      "\"errors\":{\"type\":\"array\",\"items\":{\"$ref\":"
		      "\"#/components/schemas/ImportIssue\"}},\"warnings\":{\"type\":\"array\","
		      "\"items\":{\"$ref\":\"#/components/schemas/ImportIssue\"}},"
		      "\"total_warnings\":{\"type\":\"integer\"}}}");
}

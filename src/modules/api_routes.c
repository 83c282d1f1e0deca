/*
 * The whole API: the platform's own routes (health, version, OpenAPI) and every module's
 * routing table, with the component schemas the OpenAPI document refers to.
 */
#include <string.h>

#include <sodium.h>

#include "modules/accounts/api.h"
#include "modules/accounts/service.h"
#include "modules/equipment/api.h"
#include "modules/licensing/common.h"
#include "modules/registry/api.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "modules/sampling/attachments.h"
#include "modules/sampling/draw.h"
#include "modules/sampling/labs.h"
#include "modules/sampling/objections.h"
#include "modules/sampling/plans.h"
#include "modules/sampling/samples.h"
#include "modules/sampling/public.h"
#include "platform/api_calendar.h"
#include "platform/api_common.h"
#include "platform/fields.h"
#include "platform/router.h"
#include "platform/schemas.h"

extern const struct route_table REGIONS_ROUTE_TABLE;

struct actor api_actor(struct http_request *req)
{
	struct actor a = {0};
	if (req->principal)
		acc_principal_actor(req->principal, &a);
	else
		a.name = "anonymous"; /* no regions in scope: public routes only */
	a.request_id = req->request_id;
	a.client_addr = req->client_addr;
	return a;
}

int api_allowed(struct http_request *req, const char *module, const char *action)
{
	return req->principal && acc_allowed(req->principal, module, action);
}

int api_if_match(struct http_request *req, struct http_response *res, int64_t *version)
{
	*version = 0;
	const char *im = http_header(req, "If-Match");
	if (im == NULL)
		return 0;
	size_t n = strlen(im);
	int quoted = n >= 2 && im[0] == '"' && im[n - 1] == '"';
	if (field_int_parse(im + quoted, n - 2 * (size_t)quoted, 1, INT32_MAX, version) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "If-Match",
		                  "If-Match must be an ETag this API returned"),
		       -1;
	return 0;
}

int api_authenticate(struct http_request *req, struct http_response *res)
{
	const struct route *r = req->route;
	int is_public = r->flags & ROUTE_PUBLIC;
	const char *authz = http_header(req, "Authorization");
	const char *cookie = http_cookie(req, "jz_session");
	const char *secret = NULL;
	int is_token = 0;
	if (authz) {
		if (strncmp(authz, "Bearer ", 7) != 0)
			return http_error(res, API_UNAUTHORIZED, "unauthenticated", "Authorization",
			                  "use Authorization: Bearer <token>"),
			       -1;
		secret = authz + 7;
		is_token = 1;
	} else if (cookie) {
		secret = cookie;
	}
	if (secret == NULL) {
		if (is_public)
			return 0;
		return http_error(res, API_UNAUTHORIZED, "unauthenticated", NULL,
		                  "sign in or send an API token"),
		       -1;
	}
	struct principal *p = arena_alloc(&req->arena, sizeof *p);
	int rc = acc_authenticate(req->db, secret, is_token, p);
	if (rc == ACC_ERROR)
		return http_error(res, API_INTERNAL, "internal", NULL, "authentication failed"), -1;
	if (rc != ACC_OK) {
		if (is_public && !is_token)
			return 0; /* an expired cookie does not stop a public request */
		return http_error(res, API_UNAUTHORIZED, is_token ? "bad_token" : "session_expired",
		                  NULL,
		                  is_token ? "the token is unknown, expired or revoked"
		                           : "the session has ended; sign in again"),
		       -1;
	}
	req->principal = p;
	if (!is_token)
		req->session_token = secret;
	if (is_public)
		return 0;
	/* A cookie is sent by the browser on its own: writes must prove they come from our page. */
	int safe = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	if (!is_token && !safe) {
		const char *csrf = http_header(req, "X-CSRF-Token");
		size_t n = strlen(p->csrf);
		if (csrf == NULL || strlen(csrf) != n || n == 0 ||
		    sodium_memcmp(csrf, p->csrf, n) != 0)
			return http_error(
			           res, API_FORBIDDEN, "csrf", "X-CSRF-Token",
			           "send the X-CSRF-Token given at sign-in with every change"),
			       -1;
	}
	if (p->must_change_password && !(r->flags & ROUTE_BEFORE_CHANGE))
		return http_error(res, API_FORBIDDEN, "password_change_required", NULL,
		                  "change your password first"),
		       -1;
	if (r->permission) {
		char module[32];
		const char *colon = strchr(r->permission, ':');
		snprintf(module, sizeof module, "%.*s", (int)(colon - r->permission),
		         r->permission);
		if (!acc_allowed(p, module, colon + 1))
			return http_error(res, API_FORBIDDEN, "forbidden", NULL,
			                  "your roles do not allow %s", r->permission),
			       -1;
	}
	return 0;
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
    {"GET", "/api/v1/health", health, ROUTE_PUBLIC, 0, "Liveness and readiness", "platform", NULL,
     "Health", NULL, 200, NULL},
    {"GET", "/api/v1/version", version, ROUTE_PUBLIC, 0, "Server version", "platform", NULL,
     "Version", NULL, 200, NULL},
    {"GET", "/api/v1/openapi.json", openapi, ROUTE_PUBLIC, 0, "This document", "platform", NULL,
     NULL, NULL, 200, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

static const struct route_table PLATFORM_ROUTE_TABLE = {"platform", PLATFORM_ROUTES};

/* The router tries the tables in order: the public licence verification, the busiest path
 * (every QR code scanned), comes first after the platform's. */
const struct route_table *const HTTP_ROUTE_TABLES[] = {
    &PLATFORM_ROUTE_TABLE,       &LC_PUBLIC_ROUTE_TABLE,     &CALENDAR_ROUTE_TABLE,
    &REGIONS_ROUTE_TABLE,        &REGISTRY_ROUTE_TABLE,      &ACCOUNTS_ROUTE_TABLE,
    &EQ_UNIT_ROUTE_TABLE,        &EQ_PUBLIC_ROUTE_TABLE,     &EQ_OPERATOR_ROUTE_TABLE,
    &EQ_ACCIDENT_ROUTE_TABLE,    &EQ_CAMPAIGN_ROUTE_TABLE,   &EQ_CYLINDER_ROUTE_TABLE,
    &SP_STATS_ROUTE_TABLE,       &SP_ANNOUNCE_ROUTE_TABLE,   &SP_PUBLIC_ROUTE_TABLE,
    &SP_DRAW_ROUTE_TABLE,        &SP_CATALOGUE_ROUTE_TABLE,  &SP_PLAN_ROUTE_TABLE,
    &SP_SAMPLE_ROUTE_TABLE,      &SP_ATTACHMENT_ROUTE_TABLE, &SP_OBJECTION_ROUTE_TABLE,
    &LC_APPLICATION_ROUTE_TABLE, &LC_LICENCE_ROUTE_TABLE,    NULL,
};

/* Component schemas of the accounts and audit routes. */
static const char ACCOUNTS_SCHEMAS[] =
    "\"LoginInput\":{\"type\":\"object\",\"required\":[\"login\",\"password\"],"
    "\"properties\":{\"login\":{\"type\":\"string\"},\"password\":{\"type\":\"string\","
    "\"format\":\"password\"}}},"
    "\"Principal\":{\"type\":\"object\",\"properties\":{\"login\":{\"type\":\"string\"},"
    "\"display_name\":{\"type\":\"string\"},\"org_unit\":{\"type\":\"string\"},"
    "\"enterprise\":{\"type\":\"boolean\"},\"credit_code\":{\"type\":\"string\","
    "\"nullable\":true},\"roles\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"permissions\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}}},\"scope\":{\"type\":\"object\"}}},"
    "\"Session\":{\"type\":\"object\",\"properties\":{\"account\":{\"$ref\":"
    "\"#/components/schemas/Principal\"},\"csrf_token\":{\"type\":\"string\"},"
    "\"must_change_password\":{\"type\":\"boolean\"}}},"
    "\"PasswordChange\":{\"type\":\"object\",\"required\":[\"old_password\","
    "\"new_password\"],\"properties\":{\"old_password\":{\"type\":\"string\"},"
    "\"new_password\":{\"type\":\"string\"}}},"
    "\"Account\":{\"type\":\"object\",\"properties\":{\"login\":{\"type\":\"string\"},"
    "\"display_name\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\",\"enum\":"
    "[\"staff\",\"enterprise\"]},\"org_unit\":{\"type\":\"string\"},\"credit_code\":{"
    "\"type\":\"string\",\"nullable\":true},\"roles\":{\"type\":\"array\",\"items\":{"
    "\"type\":\"string\"}},\"disabled\":{\"type\":\"boolean\"},\"must_change_password\":{"
    "\"type\":\"boolean\"},\"created_at\":{\"type\":\"string\"},\"password_changed_at\":"
    "{\"type\":\"string\",\"nullable\":true}}},"
    "\"AccountList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
    "\"items\":{\"$ref\":\"#/components/schemas/Account\"}}}},"
    "\"AccountInput\":{\"type\":\"object\",\"required\":[\"login\",\"display_name\","
    "\"org_unit\",\"roles\"],\"properties\":{\"login\":{\"type\":\"string\"},"
    "\"display_name\":{\"type\":\"string\"},\"org_unit\":{\"type\":\"string\"},\"roles\":"
    "{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"credit_code\":{\"type\":"
    "\"string\"},\"password\":{\"type\":\"string\"}}},"
    "\"AccountCreated\":{\"type\":\"object\",\"properties\":{\"account\":{\"$ref\":"
    "\"#/components/schemas/Account\"},\"initial_password\":{\"type\":\"string\"}}},"
    "\"AccountPatch\":{\"type\":\"object\",\"properties\":{\"display_name\":{\"type\":"
    "\"string\"},\"org_unit\":{\"type\":\"string\"},\"roles\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}},\"disabled\":{\"type\":\"boolean\"}}},"
    "\"PasswordResetInput\":{\"type\":\"object\",\"properties\":{\"password\":{\"type\":"
    "\"string\"}}},"
    "\"PasswordReset\":{\"type\":\"object\",\"properties\":{\"password\":{\"type\":"
    "\"string\"}}},"
    "\"Role\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
    "\"label\":{\"type\":\"string\"},\"builtin\":{\"type\":\"boolean\"},\"scope\":{"
    "\"type\":\"string\",\"enum\":[\"all\",\"units\",\"unit_and_below\",\"unit\",\"own\","
    "\"entity\"]},\"permissions\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"units\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}},"
    "\"RoleInput\":{\"type\":\"object\",\"required\":[\"label\",\"scope\","
    "\"permissions\"],\"properties\":{\"label\":{\"type\":\"string\"},\"scope\":{"
    "\"type\":\"string\"},\"permissions\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"string\"}},\"units\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}},"
    "\"RoleList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
    "\"items\":{\"$ref\":\"#/components/schemas/Role\"}}}},"
    "\"OrgUnit\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"},"
    "\"name\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\"},\"region_code\":{"
    "\"type\":\"string\"},\"parent\":{\"type\":\"string\",\"nullable\":true}}},"
    "\"OrgUnitInput\":{\"type\":\"object\",\"required\":[\"code\",\"name\",\"kind\","
    "\"parent\"],\"properties\":{\"code\":{\"type\":\"string\"},\"name\":{\"type\":"
    "\"string\"},\"kind\":{\"type\":\"string\",\"enum\":[\"institution\",\"lab\","
    "\"office\"]},\"parent\":{\"type\":\"string\"}}},"
    "\"OrgUnitList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
    "\"items\":{\"$ref\":\"#/components/schemas/OrgUnit\"}}}},"
    "\"TokenInput\":{\"type\":\"object\",\"required\":[\"name\",\"scopes\",\"days\"],"
    "\"properties\":{\"name\":{\"type\":\"string\"},\"scopes\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}},\"days\":{\"type\":\"integer\",\"minimum\":1,"
    "\"maximum\":366}}},"
    "\"TokenCreated\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
    "\"token\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"}}},"
    "\"TokenList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\"}}}},"
    "\"AuditList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":"
    "true}}},";

void schemas_write(struct buf *out)
{
	buf_puts(out, ACCOUNTS_SCHEMAS);
	calendar_schemas_write(out);
	eq_schemas_write(out);
	sp_stats_schemas_write(out);
	sp_draw_schemas_write(out);
	sp_catalogue_schemas_write(out);
	sp_plan_schemas_write(out);
	sp_sample_schemas_write(out);
	sp_attachment_schemas_write(out);
	sp_objection_schemas_write(out);
	lc_public_schemas_write(out);
	lc_application_schemas_write(out);
	lc_licence_schemas_write(out);
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
	buf_puts(out,
	         ",\"EnterpriseList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	         "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Enterprise\"}},"
	         "\"next_cursor\":{\"type\":\"string\",\"nullable\":true},\"total\":{\"type\":"
	         "\"integer\"}}},");
	buf_puts(out, "\"EnterpriseCounts\":{\"type\":\"object\",\"properties\":{\"by\":{"
	              "\"type\":\"string\",\"enum\":[\"prefecture\",\"county\"]},\"items\":{"
	              "\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	              "\"region_code\":{\"type\":\"string\"},\"count\":{\"type\":"
	              "\"integer\"}}}},\"total\":{\"type\":\"integer\"}}},");
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

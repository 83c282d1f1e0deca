/*
 * HTTP handlers of campaigns: create, list with progress, and one campaign with its progress
 * and the first targets still to do. Parse, call campaigns.c, shape JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/api.h"
#include "modules/equipment/campaigns.h"
#include "platform/api_common.h"
#include "platform/router.h"

#define TODO_DEFAULT EQ_PAGE_DEFAULT /* targets still to do listed with a campaign */

static void write_opt(struct buf *out, const char *key, const char *v)
{
	buf_printf(out, ",\"%s\":", key);
	if (v)
		json_write_string(out, v, strlen(v));
	else
		buf_puts(out, "null");
}

static int todo_row(void *ctx, const struct eq_campaign_target *t)
{
	struct api_list_ctx *lc = ctx;
	buf_puts(lc->out, lc->n++ ? ",{\"device_code\":" : "{\"device_code\":");
	json_write_string(lc->out, t->device_code, strlen(t->device_code));
	write_opt(lc->out, "reg_code", t->reg_code);
	write_opt(lc->out, "name", t->name);
	write_opt(lc->out, "use_unit", t->use_unit);
	write_opt(lc->out, "next_due", t->next_due);
	buf_putc(lc->out, '}');
	return 0;
}

static int campaigns_list(struct http_request *req, struct http_response *res)
{
	struct eq_campaign_filter f;
	struct field_error err;
	int rc = eq_campaign_filter_parse(&f, http_query(req, "region"), http_query(req, "limit"),
	                                  http_query(req, "cursor"), &err);
	if (rc != EQ_OK)
		return api_service_error(res, rc, &err, "campaign", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct api_list_ctx lc = {&res->body, 0};
	const char *next;
	if (eq_campaign_list(req->db, &who, &f, &req->arena, api_record_row, &lc, &next) != EQ_OK)
		return -1;
	api_list_end(res, next, NULL);
	return 0;
}

static int campaigns_get(struct http_request *req, struct http_response *res)
{
	int64_t id, todo = TODO_DEFAULT;
	if (field_int_parse_cstr(req->params[0], 1, INT64_MAX, &id) != 0)
		return http_error(res, API_NOT_FOUND, "not_found", NULL,
		                  "no campaign %s in your scope", req->params[0]);
	const char *limit = http_query(req, "todo_limit");
	if (limit && field_int_parse_cstr(limit, 0, EQ_PAGE_MAX, &todo) != 0)
		return http_error(res, API_BAD_REQUEST, "out_of_range", "todo_limit",
		                  "todo_limit must be an integer from 0 to %d", EQ_PAGE_MAX);
	struct actor who = api_actor(req);
	struct record r;
	struct buf todo_json = {0};
	struct api_list_ctx lc = {&todo_json, 0};
	int rc = eq_campaign_get(req->db, &who, id, &req->arena, &r, (int)todo, todo_row, &lc);
	if (rc != EQ_OK) {
		buf_free(&todo_json);
		return api_service_error(res, rc, NULL, "campaign", req->params[0]);
	}
	record_write_json(&r, &res->body);
	res->body.len--; /* reopen the object for the targets still to do */
	buf_puts(&res->body, ",\"todo\":[");
	if (todo_json.len)
		buf_append(&res->body, todo_json.data, todo_json.len);
	buf_puts(&res->body, "]}");
	buf_free(&todo_json);
	http_json(res, 200);
	return 0;
}

static const struct api_resource CAMPAIGNS = {
    .what = "campaign",
    .type = &CAMPAIGN_TYPE,
    .version_field = -1,
    .get = NULL,
    .create = eq_campaign_create,
    .update = NULL,
};

static int campaigns_create(struct http_request *req, struct http_response *res)
{
	return api_resource_create(req, res, &CAMPAIGNS);
}

void eq_campaign_schemas_write(struct buf *out)
{
	buf_puts(out, "\"EquipmentCampaign\":");
	record_type_write_schema(&CAMPAIGN_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"EquipmentCampaignInput\":");
	record_type_write_schema(&CAMPAIGN_TYPE, out, SCHEMA_CREATE);
	/* One campaign: the same object with the targets still to do. */
	struct buf b = {0};
	record_type_write_schema(&CAMPAIGN_TYPE, &b, SCHEMA_OUTPUT);
	/* An output schema always ends its properties with "warnings": the list goes before. */
	const char *cut = strstr(b.data, ",\"warnings\":");
	buf_puts(out, ",\"EquipmentCampaignDetail\":");
	if (cut == NULL) {
		buf_append(out, b.data, b.len);
	} else {
		buf_append(out, b.data, (size_t)(cut - b.data));
		buf_puts(out,
		         ",\"todo\":{\"type\":\"array\",\"description\":\"targets still to "
		         "do, the soonest due first (todo_limit of them)\",\"items\":{\"type\":"
		         "\"object\",\"properties\":{\"device_code\":{\"type\":\"string\"},"
		         "\"reg_code\":{\"type\":\"string\",\"nullable\":true},\"name\":{"
		         "\"type\":\"string\"},\"use_unit\":{\"type\":\"string\"},\"next_due\":{"
		         "\"type\":\"string\",\"format\":\"date\",\"nullable\":true}}}}");
		buf_puts(out, cut);
	}
	buf_free(&b);
	buf_puts(out, ",\"EquipmentCampaignList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "EquipmentCampaign\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":"
	              "true}}},");
}

static const struct route_param LIST_PARAMS[] = {
    {"region", "string", "GB/T 2260 code: campaigns of the region and everything below it"},
    {"limit", "integer", "page size, 1 to 1000 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route_param GET_PARAMS[] = {
    {"todo_limit", "integer", "targets still to do to list, 0 to 1000 (default 50)"},
    {NULL, NULL, NULL},
};

static const struct route EQ_CAMPAIGN_ROUTES[] = {
    {"GET", "/api/v1/equipment/campaigns", campaigns_list, 0, 0,
     "List campaigns, newest first, each with its progress (targets, done)", "equipment", NULL,
     "EquipmentCampaignList", LIST_PARAMS, 200, "equipment:read"},
    {"POST", "/api/v1/equipment/campaigns", campaigns_create, 0, 0,
     "Start a campaign: a named set of targets (units matching region, category, variant, "
     "major hazard)",
     "equipment", "EquipmentCampaignInput", "EquipmentCampaign", NULL, 201, "equipment:write"},
    {"GET", "/api/v1/equipment/campaigns/{id}", campaigns_get, 0, 0,
     "A campaign with its progress and the first targets still to do", "equipment", NULL,
     "EquipmentCampaignDetail", GET_PARAMS, 200, "equipment:read"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table EQ_CAMPAIGN_ROUTE_TABLE = {"equipment", EQ_CAMPAIGN_ROUTES};

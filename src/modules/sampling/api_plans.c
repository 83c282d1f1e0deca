/*
 * HTTP handlers of plans and tasks: drafting, changing and approving a plan, its tasks with
 * their progress, and the plan's totals by prefecture. Parse, call plans.c, shape JSON.
 */
#include <stdio.h>
#include <string.h>

#include "modules/sampling/plans.h"
#include "platform/api_common.h"
#include "platform/router.h"

/* Appends plan p as JSON with its labs (and, with db, its totals as who sees them). */
static int plan_write(struct db *db, const struct actor *who, const struct sp_plan *p,
                      struct buf *out)
{
	record_write_json(&p->r, out);
	out->data[--out->len] = '\0'; /* the closing brace */
	buf_puts(out, ",\"labs\":[");
	for (int i = 0; i < p->nlabs; i++) {
		if (i)
			buf_putc(out, ',');
		json_write_string(out, p->labs[i], strlen(p->labs[i]));
	}
	buf_putc(out, ']');
	if (db) {
		buf_puts(out, ",\"totals\":");
		if (sp_plan_totals_write_json(db, who, record_int_of(p->r.v[SPL_ID]), out) !=
		    SVC_OK)
			return -1;
	}
	buf_putc(out, '}');
	return 0;
}

static int plan_respond(struct http_request *req, struct http_response *res,
                        const struct actor *who, const struct sp_plan *p, int status)
{
	if (plan_write(req->db, who, p, &res->body) != 0)
		return -1;
	snprintf(res->etag, sizeof res->etag, "\"%s\"", p->r.v[SPL_VERSION]);
	http_json(res, status);
	return 0;
}

/*
 * Reads a plan body: the plan's fields into in, and "labs" (an array of lab ids, as strings
 * or integers) into *labs / *nlabs (-1 when absent). Returns SVC_OK, SVC_INVALID with *err, or
 * 1 when the body was not JSON (answered).
 */
static int plan_body(struct http_request *req, struct http_response *res, struct record *in,
                     const char ***labs, int *nlabs, struct field_error *err)
{
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 1;
	record_init(in, &SP_PLAN_TYPE);
	*nlabs = -1;
	*labs = NULL;
	int rc = SVC_OK;
	json_t *l = json_is_object(body) ? json_object_get(body, "labs") : NULL;
	if (l) {
		if (!json_is_array(l) || json_array_size(l) > SP_PLAN_LABS_MAX) {
			field_fail(err, "labs", "invalid",
			           "labs must be an array of at most %d lab ids", SP_PLAN_LABS_MAX);
			rc = SVC_INVALID;
			goto out;
		}
		size_t n = json_array_size(l);
		*labs = arena_alloc(&req->arena, (n ? n : 1) * sizeof **labs);
		for (size_t i = 0; i < n; i++) {
			json_t *v = json_array_get(l, i);
			if (json_is_integer(v) && json_integer_value(v) > 0)
				(*labs)[i] = arena_printf(&req->arena, "%lld",
				                          (long long)json_integer_value(v));
			else if (json_is_string(v) && json_string_length(v) <= 20)
				(*labs)[i] = arena_strdup(&req->arena, json_string_value(v));
			else {
				field_fail(err, "labs", "invalid", "labs must be lab ids");
				rc = SVC_INVALID;
				goto out;
			}
		}
		*nlabs = (int)n;
		json_object_del(body, "labs");
	}
	if (record_from_json(in, &req->arena, body, err) != 0)
		rc = SVC_INVALID;
out:
	json_decref(body);
	return rc;
}

struct plan_list_ctx {
	struct buf *out;
	int n;
};

static int plan_row(void *ctx, const struct sp_plan *p)
{
	struct plan_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	plan_write(NULL, NULL, p, lc->out);
	return 0;
}

static int plans_list(struct http_request *req, struct http_response *res)
{
	int64_t year = 0;
	const char *y = http_query(req, "year"), *status = http_query(req, "status");
	if (y && field_int_parse_cstr(y, 2000, 2199, &year) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "year",
		                  "year must be 2000 to 2199");
	if (status && strcmp(status, "draft") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "closed") != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "status",
		                  "status must be draft, approved or closed");
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct plan_list_ctx lc = {&res->body, 0};
	if (sp_plan_list(req->db, &who, (int)year, status, &req->arena, plan_row, &lc) != SVC_OK)
		return -1;
	api_list_end(res, NULL, NULL);
	return 0;
}

static int plans_create(struct http_request *req, struct http_response *res)
{
	struct record in;
	struct sp_plan out;
	struct field_error err;
	const char **labs;
	int nlabs;
	int rc = plan_body(req, res, &in, &labs, &nlabs, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_plan_create(req->db, &who, &in, labs, nlabs < 0 ? 0 : nlabs, &req->arena,
		                    &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "plan", NULL);
	return plan_respond(req, res, &who, &out, 201);
}

static int plans_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "plan", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct sp_plan p;
	int rc = sp_plan_get(req->db, &who, id, &req->arena, &p);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "plan", req->params[0]);
	return plan_respond(req, res, &who, &p, 200);
}

static int plans_update(struct http_request *req, struct http_response *res)
{
	int64_t id, if_version;
	if (api_id_param(req, res, "plan", &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch;
	struct sp_plan out;
	struct field_error err;
	const char **labs;
	int nlabs;
	int rc = plan_body(req, res, &patch, &labs, &nlabs, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_plan_update(req->db, &who, id, &patch, labs, nlabs, if_version, &req->arena,
		                    &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "plan", req->params[0]);
	return plan_respond(req, res, &who, &out, 200);
}

static int plans_approve(struct http_request *req, struct http_response *res)
{
	int64_t id, if_version;
	if (api_id_param(req, res, "plan", &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct sp_plan out;
	struct field_error err;
	int rc = sp_plan_approve(req->db, &who, id, if_version, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "plan", req->params[0]);
	return plan_respond(req, res, &who, &out, 200);
}

static int tasks_list(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "plan", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct api_list_ctx lc = {&res->body, 0};
	int rc = sp_task_list(req->db, &who, id, &req->arena, api_record_row, &lc);
	if (rc != SVC_OK) {
		buf_reset(&res->body);
		return api_service_error(res, rc, NULL, "plan", req->params[0]);
	}
	api_list_end(res, NULL, NULL);
	return 0;
}

static int tasks_create(struct http_request *req, struct http_response *res)
{
	int64_t plan_id;
	if (api_id_param(req, res, "plan", &plan_id) != 0)
		return 0;
	struct record in, out;
	struct field_error err;
	int rc = api_record_body(req, res, &SP_TASK_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_task_create(req->db, &who, plan_id, &in, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "plan", req->params[0]);
	record_write_json(&out, &res->body);
	http_json(res, 201);
	return 0;
}

static int tasks_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "task", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record r;
	int rc = sp_task_read(req->db, &who, id, &req->arena, &r);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "task", req->params[0]);
	record_write_json(&r, &res->body);
	http_json(res, 200);
	return 0;
}

void sp_plan_schemas_write(struct buf *out)
{
	buf_puts(out, "\"SamplingPlan\":");
	record_type_write_schema(&SP_PLAN_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"SamplingPlanInput\":");
	record_type_write_schema(&SP_PLAN_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"SamplingPlanPatch\":");
	record_type_write_schema(&SP_PLAN_TYPE, out, SCHEMA_PATCH);
	buf_puts(out, ",\"SamplingPlanList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "SamplingPlan\"}}}},\"SamplingTask\":");
	record_type_write_schema(&SP_TASK_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"SamplingTaskInput\":");
	record_type_write_schema(&SP_TASK_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"SamplingTaskList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "SamplingTask\"}}}},");
}

static const struct route_param PLAN_PARAMS[] = {
    {"year", "integer", "plans of this year"},
    {"status", "string", "draft, approved or closed"},
    {NULL, NULL, NULL},
};

static const struct route SP_PLAN_ROUTES[] = {
    {"GET", "/api/v1/sampling/plans", plans_list, 0, 0,
     "List plans: of your jurisdiction and of the regions above it", "sampling", NULL,
     "SamplingPlanList", PLAN_PARAMS, 200, "sampling:read"},
    {"POST", "/api/v1/sampling/plans", plans_create, 0, 0,
     "Draft a plan for a region of your jurisdiction (body: the fields and labs: [lab ids])",
     "sampling", "SamplingPlanInput", "SamplingPlan", NULL, 201, "sampling:write"},
    {"GET", "/api/v1/sampling/plans/{id}", plans_get, 0, 0,
     "Read a plan with its labs and totals by prefecture", "sampling", NULL, "SamplingPlan", NULL,
     200, "sampling:read"},
    {"PATCH", "/api/v1/sampling/plans/{id}", plans_update, 0, 0,
     "Change a draft plan (409 once approved). If-Match: ETag", "sampling", "SamplingPlanPatch",
     "SamplingPlan", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/plans/{id}/approve", plans_approve, 0, 0,
     "Approve a draft plan that has tasks (409 otherwise)", "sampling", NULL, "SamplingPlan", NULL,
     200, "sampling:approve"},
    {"GET", "/api/v1/sampling/plans/{id}/tasks", tasks_list, 0, 0,
     "List the plan's tasks in your jurisdiction, with progress", "sampling", NULL,
     "SamplingTaskList", NULL, 200, "sampling:read"},
    {"POST", "/api/v1/sampling/plans/{id}/tasks", tasks_create, 0, 0,
     "Add a task to a draft plan: a product in a region within the plan's (409 if the plan "
     "has it already)",
     "sampling", "SamplingTaskInput", "SamplingTask", NULL, 201, "sampling:write"},
    {"GET", "/api/v1/sampling/tasks/{id}", tasks_get, 0, 0, "Read a task with its progress",
     "sampling", NULL, "SamplingTask", NULL, 200, "sampling:read"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_PLAN_ROUTE_TABLE = {"sampling", SP_PLAN_ROUTES};

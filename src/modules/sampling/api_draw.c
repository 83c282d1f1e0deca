/*
 * HTTP handlers of the verifiable draw: prepare under a task, run with a witness, cancel, read
 * and list (signed in), and the public reading and verification that anyone can make without
 * an account. Parse, call draw.c, shape JSON. The canonical texts (inputs, result) are given
 * as JSON strings, so that their exact bytes can be hashed and compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/draw.h"
#include "platform/api_common.h"
#include "platform/router.h"

static void put_text(struct buf *out, const char *key, const char *v)
{
	buf_printf(out, ",\"%s\":", key);
	if (v)
		json_write_string(out, v, strlen(v));
	else
		buf_puts(out, "null");
}

/* Appends draw d as JSON. The seed only once drawn; the staff who acted unless is_public;
 * inputs and result (canonical texts, as strings) when read. */
static void draw_write(const struct sp_draw_info *d, int is_public, struct buf *out)
{
	int drawn = strcmp(d->status, "drawn") == 0;
	buf_printf(out,
	           "{\"id\":\"%lld\",\"task_id\":\"%lld\",\"region_code\":%d,\"count\":%d,"
	           "\"inspectors_each\":%d",
	           (long long)d->id, (long long)d->task_id, d->region_code, d->count,
	           d->inspectors_each);
	put_text(out, "status", d->status);
	put_text(out, "commitment", d->commitment);
	put_text(out, "seed", drawn ? d->seed : NULL);
	put_text(out, "witness", drawn ? d->witness : NULL);
	put_text(out, "prepared_at", d->prepared_at);
	put_text(out, "drawn_at", d->drawn_at);
	if (!is_public) {
		put_text(out, "prepared_by", d->prepared_by);
		put_text(out, "drawn_by", d->drawn_by);
	}
	if (d->inputs) {
		put_text(out, "inputs", d->inputs);
		put_text(out, "result", drawn ? d->result : NULL);
	}
	buf_putc(out, '}');
}

static int draw_answer(struct http_response *res, const struct sp_draw_info *d, int is_public,
                       int status)
{
	draw_write(d, is_public, &res->body);
	http_json(res, status);
	return 0;
}

/* Reads an optional integer member of body into *v (unchanged when absent). 0, or -1 after
 * answering 400. */
static int body_int(struct http_response *res, json_t *body, const char *key, int required, int *v)
{
	json_t *x = json_object_get(body, key);
	if (x == NULL && !required)
		return 0;
	if (x == NULL)
		return http_error(res, API_BAD_REQUEST, "required", key, "%s is required", key), -1;
	if (!json_is_integer(x) || json_integer_value(x) < -1000000 ||
	    json_integer_value(x) > 1000000)
		return http_error(res, API_BAD_REQUEST, "invalid", key, "%s must be an integer",
		                  key),
		       -1;
	*v = (int)json_integer_value(x);
	return 0;
}

/* The body must be an object of only the keys named. 0, or -1 after answering 400. */
static int body_keys(struct http_response *res, json_t *body, const char *const *keys)
{
	if (!json_is_object(body))
		return http_error(res, API_BAD_REQUEST, "invalid", NULL,
		                  "the body must be a JSON object"),
		       -1;
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		int known = 0;
		for (int i = 0; keys[i]; i++)
			known |= strcmp(keys[i], k) == 0;
		if (!known)
			return http_error(res, API_BAD_REQUEST, "unknown", k, "%s is not a field",
			                  k),
			       -1;
	}
	return 0;
}

static int draws_prepare(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"count", "inspectors_each", NULL};
	int64_t task;
	if (api_id_param(req, res, "task", &task) != 0)
		return 0;
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	int count = 0, each = SP_DRAW_EACH_DEFAULT;
	int bad = body_keys(res, body, KEYS) != 0 || body_int(res, body, "count", 1, &count) != 0 ||
	          body_int(res, body, "inspectors_each", 0, &each) != 0;
	json_decref(body);
	if (bad)
		return 0;
	struct actor who = api_actor(req);
	struct field_error err;
	struct sp_draw_info d;
	int rc = sp_draw_prepare(req->db, &who, task, count, each, &req->arena, &d, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "task", req->params[0]);
	return draw_answer(res, &d, 0, 201);
}

static void list_row(void *ctx, const struct sp_draw_info *d)
{
	struct api_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	draw_write(d, 0, lc->out);
}

static int draws_of_task(struct http_request *req, struct http_response *res)
{
	int64_t task;
	if (api_id_param(req, res, "task", &task) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct buf items = {0};
	struct api_list_ctx lc = {&items, 0};
	int rc = sp_draw_list(req->db, &who, task, &req->arena, list_row, &lc);
	if (rc != SVC_OK) {
		buf_free(&items);
		return api_service_error(res, rc, NULL, "task", req->params[0]);
	}
	return api_items_send(res, &items);
}

static int draw_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "draw", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct sp_draw_info d;
	int rc = sp_draw_get(req->db, &who, id, &req->arena, &d);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "draw", req->params[0]);
	return draw_answer(res, &d, 0, 200);
}

static int draw_run(struct http_request *req, struct http_response *res)
{
	static const char *const KEYS[] = {"witness", NULL};
	int64_t id;
	if (api_id_param(req, res, "draw", &id) != 0)
		return 0;
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	if (body_keys(res, body, KEYS) != 0) {
		json_decref(body);
		return 0;
	}
	json_t *w = json_object_get(body, "witness");
	const char *witness =
	    json_is_string(w) && strlen(json_string_value(w)) == json_string_length(w)
	        ? arena_strdup(&req->arena, json_string_value(w))
	        : NULL;
	json_decref(body);
	struct actor who = api_actor(req);
	struct field_error err;
	struct sp_draw_info d;
	int rc = sp_draw_draw(req->db, &who, id, witness, &req->arena, &d, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "draw", req->params[0]);
	return draw_answer(res, &d, 0, 200);
}

static int draw_cancel(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "draw", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct sp_draw_info d;
	int rc = sp_draw_cancel(req->db, &who, id, &req->arena, &d);
	if (rc == SVC_CONFLICT)
		return http_error(res, API_CONFLICT, "not_prepared", NULL,
		                  "only a prepared draw can be cancelled");
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "draw", req->params[0]);
	return draw_answer(res, &d, 0, 200);
}

static int public_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "draw", &id) != 0)
		return 0;
	struct sp_draw_info d;
	int rc = sp_draw_get(req->db, NULL, id, &req->arena, &d);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "draw", req->params[0]);
	return draw_answer(res, &d, 1, 200);
}

static int public_verify(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "draw", &id) != 0)
		return 0;
	struct sp_draw_check c;
	int rc = sp_draw_verify(req->db, id, &req->arena, &c);
	if (rc == SVC_CONFLICT)
		return http_error(res, API_CONFLICT, "not_drawn", NULL,
		                  "draw %lld has not been drawn: there is nothing to verify yet",
		                  (long long)id);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "draw", req->params[0]);
	buf_printf(&res->body, "{\"id\":\"%lld\",\"commitment_ok\":%s,\"result_ok\":%s",
	           (long long)id, c.commitment_ok ? "true" : "false",
	           c.result_ok ? "true" : "false");
	put_text(&res->body, "result", c.result);
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

void sp_draw_schemas_write(struct buf *out)
{
	static const char DRAW_PROPS[] =
	    "\"id\":{\"type\":\"string\"},\"task_id\":{\"type\":\"string\"},\"region_code\":{"
	    "\"type\":\"integer\"},\"count\":{\"type\":\"integer\"},\"inspectors_each\":{"
	    "\"type\":\"integer\"},\"status\":{\"type\":\"string\",\"enum\":[\"prepared\","
	    "\"drawn\",\"cancelled\"]},\"commitment\":{\"type\":\"string\",\"description\":"
	    "\"hex SHA-256 of the seed\"},\"seed\":{\"type\":\"string\",\"nullable\":true,"
	    "\"description\":\"hex of the 32-byte seed, once drawn\"},\"witness\":{\"type\":"
	    "\"string\",\"nullable\":true},\"prepared_at\":{\"type\":\"string\"},\"drawn_at\":{"
	    "\"type\":\"string\",\"nullable\":true},\"inputs\":{\"type\":\"string\","
	    "\"description\":\"the frozen inputs: canonical JSON text\"},\"result\":{\"type\":"
	    "\"string\",\"nullable\":true,\"description\":\"the picks: canonical JSON text, "
	    "once drawn\"}";
	buf_printf(out,
	           "\"SamplingDraw\":{\"type\":\"object\",\"properties\":{%s,\"prepared_by\":{"
	           "\"type\":\"string\"},\"drawn_by\":{\"type\":\"string\",\"nullable\":true}}},"
	           "\"SamplingDrawPublic\":{\"type\":\"object\",\"properties\":{%s}},",
	           DRAW_PROPS, DRAW_PROPS);
	buf_puts(out, "\"SamplingDrawList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "SamplingDraw\"}}}},"
	              "\"SamplingDrawInput\":{\"type\":\"object\",\"required\":[\"count\"],"
	              "\"properties\":{\"count\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":"
	              "10000},\"inspectors_each\":{\"type\":\"integer\",\"minimum\":1,"
	              "\"maximum\":5,\"default\":2}}},"
	              "\"SamplingDrawWitness\":{\"type\":\"object\",\"required\":[\"witness\"],"
	              "\"properties\":{\"witness\":{\"type\":\"string\",\"minLength\":1,"
	              "\"maxLength\":200}}},"
	              "\"SamplingDrawCheck\":{\"type\":\"object\",\"properties\":{\"id\":{"
	              "\"type\":\"string\"},\"commitment_ok\":{\"type\":\"boolean\"},"
	              "\"result_ok\":{\"type\":\"boolean\"},\"result\":{\"type\":\"string\","
	              "\"nullable\":true}}},");
}

static const struct route SP_DRAW_ROUTES[] = {
    {"POST", "/api/v1/sampling/tasks/{id}/draws", draws_prepare, 0, 0,
     "Prepare a draw of producers and inspectors for a task of an approved plan: freezes and "
     "publishes the inputs and the commitment to a secret seed",
     "sampling", "SamplingDrawInput", "SamplingDraw", NULL, 201, "sampling:write"},
    {"GET", "/api/v1/sampling/tasks/{id}/draws", draws_of_task, 0, 0,
     "The draws of a task, newest first", "sampling", NULL, "SamplingDrawList", NULL, 200,
     "sampling:read"},
    {"GET", "/api/v1/sampling/draws/{id}", draw_get, 0, 0, "Read a draw", "sampling", NULL,
     "SamplingDraw", NULL, 200, "sampling:read"},
    {"POST", "/api/v1/sampling/draws/{id}/draw", draw_run, 0, 0,
     "Run a prepared draw with a public witness value: reveals the seed and the picks (409 "
     "once drawn or cancelled)",
     "sampling", "SamplingDrawWitness", "SamplingDraw", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/draws/{id}/cancel", draw_cancel, 0, 0, "Cancel a prepared draw",
     "sampling", NULL, "SamplingDraw", NULL, 200, "sampling:write"},
    {"GET", "/api/v1/public/sampling/draws/{id}", public_get, ROUTE_PUBLIC, 0,
     "A draw as published: commitment and inputs; seed, witness and result once drawn", "sampling",
     NULL, "SamplingDrawPublic", NULL, 200, NULL},
    {"GET", "/api/v1/public/sampling/draws/{id}/verify", public_verify, ROUTE_PUBLIC, 0,
     "Re-run a drawn draw from its published inputs, seed and witness (409 before the draw)",
     "sampling", NULL, "SamplingDrawCheck", NULL, 200, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_DRAW_ROUTE_TABLE = {"sampling-draws", SP_DRAW_ROUTES};

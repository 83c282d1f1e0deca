/*
 * Announcements in the console: draft (sampling:write), list and read with their samples
 * (sampling:read), approve by a second officer and publish (sampling:publish). The service is
 * announce.c; the JSON shapes are shared with the public answers (public.c).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "modules/sampling/announce.h"
#include "modules/sampling/public.h"
#include "platform/api_common.h"
#include "platform/fields.h"

/* The string member key of obj into *out (NULL when absent or null). Returns 0, or -1 after
 * answering 400 when it is of another type. */
static int body_string(struct http_request *req, struct http_response *res, json_t *obj,
                       const char *key, const char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return http_error(res, API_BAD_REQUEST, "invalid", key, "%s must be a string", key),
		       -1;
	*out = arena_strndup(&req->arena, json_string_value(v), json_string_length(v));
	return 0;
}

static int answer_one(struct http_request *req, struct http_response *res,
                      const struct sp_announcement *an, int status)
{
	if (sp_announcement_json(req->db, an, 0, 1, &req->arena, &res->body) != SVC_OK)
		return -1;
	snprintf(res->etag, sizeof res->etag, "\"%lld\"", (long long)an->version);
	http_json(res, status);
	return 0;
}

static int ann_create(struct http_request *req, struct http_response *res)
{
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	static const char *const KNOWN[] = {"title", "region_code", "product", "period_from",
	                                    "period_to"};
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		size_t i = 0;
		while (i < sizeof KNOWN / sizeof *KNOWN && strcmp(KNOWN[i], key) != 0)
			i++;
		if (i == sizeof KNOWN / sizeof *KNOWN) {
			const char *k = arena_strdup(&req->arena, key);
			json_decref(body);
			return http_error(res, API_BAD_REQUEST, "unknown_field", k,
			                  "%s is not a field of an announcement", k);
		}
	}
	struct sp_announcement_input in;
	if (body_string(req, res, body, "title", &in.title) ||
	    body_string(req, res, body, "region_code", &in.region_code) ||
	    body_string(req, res, body, "product", &in.product) ||
	    body_string(req, res, body, "period_from", &in.period_from) ||
	    body_string(req, res, body, "period_to", &in.period_to)) {
		json_decref(body);
		return 0;
	}
	json_decref(body);
	struct actor who = api_actor(req);
	struct sp_announcement an;
	struct field_error err = {0};
	int rc = sp_announcement_create(req->db, &who, &in, &req->arena, &an, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "announcement", NULL);
	return answer_one(req, res, &an, 201);
}

static int ann_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "announcement", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct sp_announcement an;
	int rc = sp_announcement_get(req->db, &who, id, NULL, &req->arena, &an);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "announcement", req->params[0]);
	return answer_one(req, res, &an, 200);
}

/* POST .../approve and .../publish. */
static int ann_move(struct http_request *req, struct http_response *res, int publish)
{
	int64_t id, version;
	if (api_id_param(req, res, "announcement", &id) != 0 ||
	    api_if_match(req, res, &version) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct sp_announcement an;
	struct field_error err = {0};
	int rc = publish
	             ? sp_announcement_publish(req->db, &who, id, version, &req->arena, &an, &err)
	             : sp_announcement_approve(req->db, &who, id, version, &req->arena, &an, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "announcement", req->params[0]);
	return answer_one(req, res, &an, 200);
}

static int ann_approve(struct http_request *req, struct http_response *res)
{
	return ann_move(req, res, 0);
}

static int ann_publish(struct http_request *req, struct http_response *res)
{
	return ann_move(req, res, 1);
}

struct list_ctx {
	struct http_request *req;
	struct buf *out;
	int n, failed;
};

static int list_row(void *ctx, const struct sp_announcement *an)
{
	struct list_ctx *x = ctx;
	if (x->n++)
		buf_putc(x->out, ',');
	if (sp_announcement_json(x->req->db, an, 0, 0, &x->req->arena, x->out) != SVC_OK)
		return x->failed = 1;
	return 0;
}

static int ann_list(struct http_request *req, struct http_response *res)
{
	struct field_error err = {0};
	int limit;
	if (sp_limit_parse(http_query(req, "limit"), &limit, &err) != SVC_OK)
		return api_service_error(res, SVC_INVALID, &err, "announcement", NULL);
	const char *status = http_query(req, "status");
	if (status && strcmp(status, "draft") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "published") != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "status",
		                  "status must be draft, approved or published");
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct list_ctx x = {req, &res->body, 0, 0};
	const char *next;
	int rc = sp_announcement_list(req->db, &who, status, http_query(req, "cursor"), limit,
	                              &req->arena, list_row, &x, &next);
	if (rc == SVC_INVALID)
		return http_error(res, API_BAD_REQUEST, "invalid", "cursor",
		                  "cursor must be a next_cursor this list returned");
	if (rc != SVC_OK || x.failed)
		return -1;
	api_list_end(res, next, NULL);
	return 0;
}

static const struct route_param LIST_PARAMS[] = {
    {"status", "string", "draft, approved or published"},
    {"cursor", "string", "next_cursor of the previous page"},
    {"limit", "integer", "1 to 1000 (default 50)"},
    {NULL, NULL, NULL},
};

static const struct route SP_ANNOUNCE_ROUTES[] = {
    {"GET", "/api/v1/sampling/announcements", ann_list, 0, 0,
     "Announcements in your jurisdiction, newest first", "sampling", NULL,
     "SamplingAnnouncementList", LIST_PARAMS, 200, "sampling:read"},
    {"POST", "/api/v1/sampling/announcements", ann_create, 0, 0,
     "Draft an announcement of results for a region, product and sampling period", "sampling",
     "SamplingAnnouncementInput", "SamplingAnnouncement", NULL, 201, "sampling:write"},
    {"GET", "/api/v1/sampling/announcements/{id}", ann_get, 0, 0,
     "An announcement with its samples (a draft: those that qualify now)", "sampling", NULL,
     "SamplingAnnouncement", NULL, 200, "sampling:read"},
    {"POST", "/api/v1/sampling/announcements/{id}/approve", ann_approve, 0, 0,
     "Approve a draft (not by its drafter): fixes its samples", "sampling", NULL,
     "SamplingAnnouncement", NULL, 200, "sampling:publish"},
    {"POST", "/api/v1/sampling/announcements/{id}/publish", ann_publish, 0, 0,
     "Publish an approved announcement: public at /s/{number}", "sampling", NULL,
     "SamplingAnnouncement", NULL, 200, "sampling:publish"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_ANNOUNCE_ROUTE_TABLE = {"sampling-announcements", SP_ANNOUNCE_ROUTES};

/*
 * HTTP handlers of objections, re-tests and the follow-up of failed samples: parse, call
 * objections.c and followup.c, answer the record with its version as the ETag.
 */
#include <stdio.h>
#include <string.h>

#include "modules/sampling/followup.h"
#include "modules/sampling/objections.h"
#include "platform/api_common.h"
#include "platform/router.h"

/* Answers record r (version in field vf) with status. */
static int answer(struct http_response *res, const struct record *r, int vf, int status)
{
	record_write_json(r, &res->body);
	if (r->v[vf])
		snprintf(res->etag, sizeof res->etag, "\"%s\"", r->v[vf]);
	http_json(res, status);
	return 0;
}

static int objection_file(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	struct record in, out;
	struct field_error err = {0};
	int rc = api_record_body(req, res, &SP_OBJECTION_FILE_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_objection_file(req->db, &who, id, &in, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "sample", req->params[0]);
	return answer(res, &out, SO_VERSION, 201);
}

static int objection_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record out;
	int rc = sp_objection_get(req->db, &who, id, &req->arena, &out);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "objection to sample", req->params[0]);
	return answer(res, &out, SO_VERSION, 200);
}

static int objection_decide(struct http_request *req, struct http_response *res)
{
	int64_t id, version;
	if (api_id_param(req, res, "sample", &id) != 0 || api_if_match(req, res, &version) != 0)
		return 0;
	struct record in, out;
	struct field_error err = {0};
	int rc = api_record_body(req, res, &SP_OBJECTION_DECISION_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_objection_decide(req->db, &who, id, &in, version, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "objection to sample", req->params[0]);
	return answer(res, &out, SO_VERSION, 200);
}

static int retest_conclude(struct http_request *req, struct http_response *res)
{
	int64_t id, version;
	if (api_id_param(req, res, "sample", &id) != 0 || api_if_match(req, res, &version) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record out;
	struct field_error err = {0};
	int rc = sp_retest_conclude(req->db, &who, id, version, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "objection to sample", req->params[0]);
	return answer(res, &out, SO_VERSION, 200);
}

static int followup_create(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	struct record in, out;
	struct field_error err = {0};
	int rc = api_record_body(req, res, &SP_FOLLOWUP_ORDER_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_followup_create(req->db, &who, id, &in, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "sample", req->params[0]);
	return answer(res, &out, SF_VERSION, 201);
}

static int followup_step(struct http_request *req, struct http_response *res,
                         enum sp_followup_step step)
{
	int64_t id, version;
	if (api_id_param(req, res, "follow-up", &id) != 0 || api_if_match(req, res, &version) != 0)
		return 0;
	struct record in, out;
	struct field_error err = {0};
	int rc = api_record_body(req, res, &SP_FOLLOWUP_STEP_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_followup_step(req->db, &who, id, step, &in, version, &req->arena, &out,
		                      &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "follow-up", req->params[0]);
	return answer(res, &out, SF_VERSION, 200);
}

static int followup_rectified(struct http_request *req, struct http_response *res)
{
	return followup_step(req, res, SP_STEP_RECTIFIED);
}

static int followup_recheck(struct http_request *req, struct http_response *res)
{
	return followup_step(req, res, SP_STEP_RECHECK);
}

static int followup_announce(struct http_request *req, struct http_response *res)
{
	return followup_step(req, res, SP_STEP_ANNOUNCE);
}

static int followup_second(struct http_request *req, struct http_response *res)
{
	return followup_step(req, res, SP_STEP_SECOND);
}

static int followup_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "follow-up", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record out;
	int rc = sp_followup_get(req->db, &who, id, &req->arena, &out);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "follow-up", req->params[0]);
	return answer(res, &out, SF_VERSION, 200);
}

static int followup_list(struct http_request *req, struct http_response *res)
{
	struct sp_followup_filter f;
	struct field_error err = {0};
	int rc = sp_followup_filter_parse(
	    &f, &req->arena, http_query(req, "overdue"), http_query(req, "region"),
	    http_query(req, "stage"), http_query(req, "limit"), http_query(req, "cursor"), &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "follow-up", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct api_list_ctx lc = {&res->body, 0};
	const char *next;
	if (sp_followup_list(req->db, &who, &f, today_china(), &req->arena, api_record_row, &lc,
	                     &next) != SVC_OK)
		return -1;
	api_list_end(res, next, NULL);
	return 0;
}

void sp_objection_schemas_write(struct buf *out)
{
	static const struct {
		const char *name;
		const struct record_type *type;
		int mode;
	} S[] = {
	    {"SamplingObjection", &SP_OBJECTION_TYPE, SCHEMA_OUTPUT},
	    {"SamplingObjectionInput", &SP_OBJECTION_FILE_TYPE, SCHEMA_CREATE},
	    {"SamplingObjectionDecision", &SP_OBJECTION_DECISION_TYPE, SCHEMA_CREATE},
	    {"SamplingFollowup", &SP_FOLLOWUP_TYPE, SCHEMA_OUTPUT},
	    {"SamplingFollowupInput", &SP_FOLLOWUP_ORDER_TYPE, SCHEMA_CREATE},
	    {"SamplingFollowupStep", &SP_FOLLOWUP_STEP_TYPE, SCHEMA_CREATE},
	};
	for (size_t i = 0; i < sizeof S / sizeof *S; i++) {
		buf_printf(out, "\"%s\":", S[i].name);
		record_type_write_schema(S[i].type, out, S[i].mode);
		buf_putc(out, ',');
	}
	buf_puts(out, "\"SamplingFollowupList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "SamplingFollowup\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":"
	              "true}}},");
}

static const struct route_param LIST_PARAMS[] = {
    {"overdue", "string", "1: only follow-ups past a deadline"},
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"stage", "string", "ordered, rectified, announced, suspended or closed"},
    {"limit", "integer", "page size, 1 to 1000 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route SP_OBJECTION_ROUTES[] = {
    {"GET", "/api/v1/sampling/samples/{id}/objection", objection_get, 0, 0,
     "The objection to a sample's result", "sampling", NULL, "SamplingObjection", NULL, 200,
     "sampling:read"},
    {"POST", "/api/v1/sampling/samples/{id}/objection", objection_file, 0, 0,
     "File an objection within 15 days of notification (the producer, or an officer on its "
     "behalf)",
     "sampling", "SamplingObjectionInput", "SamplingObjection", NULL, 201, "sampling:write"},
    {"POST", "/api/v1/sampling/samples/{id}/objection/decision", objection_decide, 0, 0,
     "Reject an objection, or accept it with a re-test lab (an officer). If-Match: ETag",
     "sampling", "SamplingObjectionDecision", "SamplingObjection", NULL, 200, "sampling:approve"},
    {"POST", "/api/v1/sampling/samples/{id}/retest/conclude", retest_conclude, 0, 0,
     "Conclude the re-test: outcome, cost, and the final verdict becomes the re-test's", "sampling",
     NULL, "SamplingObjection", NULL, 200, "sampling:approve"},
    {"POST", "/api/v1/sampling/samples/{id}/followup", followup_create, 0, 0,
     "Order the rectification of a failed sample (an officer)", "sampling", "SamplingFollowupInput",
     "SamplingFollowup", NULL, 201, "sampling:write"},
    {"GET", "/api/v1/sampling/followups", followup_list, 0, 0,
     "Follow-ups in your jurisdiction, with their next deadline; overdue=1 for those past it",
     "sampling", NULL, "SamplingFollowupList", LIST_PARAMS, 200, "sampling:read"},
    {"GET", "/api/v1/sampling/followups/{id}", followup_get, 0, 0, "A follow-up", "sampling", NULL,
     "SamplingFollowup", NULL, 200, "sampling:read"},
    {"POST", "/api/v1/sampling/followups/{id}/rectified", followup_rectified, 0, 0,
     "Record the reported rectification {on}", "sampling", "SamplingFollowupStep",
     "SamplingFollowup", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/followups/{id}/recheck", followup_recheck, 0, 0,
     "Record the re-inspection {on, verdict}: pass closes it", "sampling", "SamplingFollowupStep",
     "SamplingFollowup", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/followups/{id}/announce", followup_announce, 0, 0,
     "Record the announcement of a failed re-inspection {on}: the second re-inspection is due "
     "60 to 90 days after",
     "sampling", "SamplingFollowupStep", "SamplingFollowup", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/followups/{id}/second", followup_second, 0, 0,
     "Record the second re-inspection {on, verdict}: fail suspends the producer (the licence "
     "goes to licensing)",
     "sampling", "SamplingFollowupStep", "SamplingFollowup", NULL, 200, "sampling:write"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_OBJECTION_ROUTE_TABLE = {"sampling-objections", SP_OBJECTION_ROUTES};

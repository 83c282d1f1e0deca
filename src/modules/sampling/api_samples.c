/*
 * HTTP handlers of samples: the sampling record, lab assignment, results, submission, review,
 * approval and notification. Parse, call samples.c / workflow.c, shape JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/sampling/judge.h"
#include "modules/sampling/samples.h"
#include "platform/api_common.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/router.h"

#define SP_RESULTS_MAX 200 /* results in one request */

/* Writes a sample with its results (read in who's scope). */
static int sample_respond(struct http_request *req, struct http_response *res, int64_t id,
                          int status)
{
	struct actor who = api_actor(req);
	struct record r;
	int rc = sp_sample_get(req->db, &who, id, &req->arena, &r);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "sample", req->params[0]);
	struct sp_sample_row s;
	if (sp_sample_read(req->db, &who, id, &req->arena, &s) != SVC_OK)
		return -1;
	record_write_json(&r, &res->body);
	res->body.len--; /* reopen the object */
	buf_puts(&res->body, ",\"results\":");
	if (sp_results_write_json(req->db, id, s.product_id, &req->arena, &res->body) != SVC_OK)
		return -1;
	buf_putc(&res->body, '}');
	snprintf(res->etag, sizeof res->etag, "\"%s\"", r.v[SS_VERSION]);
	http_json(res, status);
	return 0;
}

static int samples_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	return sample_respond(req, res, id, 200);
}

static int samples_create(struct http_request *req, struct http_response *res)
{
	struct record in, out;
	struct field_error err;
	int rc = api_record_body(req, res, &SP_SAMPLE_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_sample_create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "sample", NULL);
	return sample_respond(req, res, record_int_of(out.v[SS_ID]), 201);
}

static int samples_update(struct http_request *req, struct http_response *res)
{
	int64_t id, if_version;
	if (api_id_param(req, res, "sample", &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch, out;
	struct field_error err;
	int rc = api_record_body(req, res, &SP_SAMPLE_TYPE, &patch, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = sp_sample_update(req->db, &who, id, &patch, if_version, &req->arena, &out,
		                      &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "sample", req->params[0]);
	return sample_respond(req, res, id, 200);
}

static int samples_list(struct http_request *req, struct http_response *res)
{
	struct sp_sample_filter f;
	struct field_error err;
	int rc = sp_sample_filter_parse(&f, http_query(req, "region"), http_query(req, "status"),
	                                http_query(req, "verdict"), http_query(req, "product"),
	                                http_query(req, "producer"), http_query(req, "task"),
	                                http_query(req, "lab"), http_query(req, "year"),
	                                http_query(req, "limit"), http_query(req, "cursor"), &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "sample", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct api_list_ctx lc = {&res->body, 0};
	const char *next;
	if (sp_sample_list(req->db, &who, &f, &req->arena, api_record_row, &lc, &next) != SVC_OK)
		return -1;
	api_list_end(res, next, NULL);
	return 0;
}

/* The body of an action: a JSON object (an empty body counts as {}). NULL after answering. */
static json_t *action_body(struct http_request *req, struct http_response *res)
{
	if (req->body.len == 0)
		return json_object();
	json_t *b = http_body_json(req, res);
	if (b && !json_is_object(b)) {
		json_decref(b);
		http_error(res, API_BAD_REQUEST, "invalid", NULL, "the body is a JSON object");
		return NULL;
	}
	return b;
}

/* Reads an optional date member. Returns 0 with *day (DATE_NONE when absent or null), or -1
 * after answering 400. */
static int body_date(struct http_response *res, json_t *b, const char *key, int32_t *day)
{
	json_t *v = json_object_get(b, key);
	*day = DATE_NONE;
	if (v == NULL || json_is_null(v))
		return 0;
	const char *s = json_string_value(v);
	if (s == NULL || date_parse(s, strlen(s), day) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", key, "%s is a date YYYY-MM-DD",
		                  key),
		       -1;
	return 0;
}

/* Ends an action: the sample as it is now, or the error. */
static int action_end(struct http_request *req, struct http_response *res, int64_t id, int rc,
                      const struct field_error *err)
{
	if (rc != SVC_OK)
		return api_service_error(res, rc, err, "sample", req->params[0]);
	return sample_respond(req, res, id, 200);
}

static int samples_assign(struct http_request *req, struct http_response *res)
{
	int64_t id, lab;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	json_t *b = action_body(req, res);
	if (b == NULL)
		return 0;
	json_t *l = json_object_get(b, "lab_id");
	int32_t received;
	int ok = 1;
	if (json_is_integer(l))
		lab = json_integer_value(l);
	else if (json_is_string(l))
		ok = field_int_parse_cstr(json_string_value(l), 1, INT64_MAX, &lab) == 0;
	else
		ok = 0;
	if (!ok || lab < 1) {
		json_decref(b);
		return http_error(res, API_BAD_REQUEST, "required", "lab_id",
		                  "lab_id is a lab's id");
	}
	if (body_date(res, b, "received_on", &received) != 0) {
		json_decref(b);
		return 0;
	}
	json_decref(b);
	struct actor who = api_actor(req);
	struct field_error err;
	int rc = sp_sample_assign(req->db, &who, id, lab, received, &err);
	return action_end(req, res, id, rc, &err);
}

static int samples_results(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	json_t *b = action_body(req, res);
	if (b == NULL)
		return 0;
	int rc = 0;
	json_t *round = json_object_get(b, "round"), *items = json_object_get(b, "items");
	if (round && !json_is_integer(round))
		rc = http_error(res, API_BAD_REQUEST, "invalid", "round", "round is 0 or 1");
	else if (!json_is_array(items) || json_array_size(items) == 0 ||
	         json_array_size(items) > SP_RESULTS_MAX)
		rc = http_error(res, API_BAD_REQUEST, "invalid", "items",
		                "items is a list of 1 to %d {item_code, value}", SP_RESULTS_MAX);
	if (rc) {
		json_decref(b);
		return 0;
	}
	size_t n = json_array_size(items);
	struct sp_result_in *in = arena_alloc(&req->arena, sizeof *in * n);
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(items, i);
		const char *code = json_string_value(json_object_get(it, "item_code"));
		const char *value = json_string_value(json_object_get(it, "value"));
		if (!json_is_object(it) || code == NULL || value == NULL) {
			char field[32];
			snprintf(field, sizeof field, "items[%zu]", i);
			json_decref(b);
			return http_error(res, API_BAD_REQUEST, "invalid",
			                  arena_strdup(&req->arena, field),
			                  "each result is {\"item_code\": text, \"value\": text}");
		}
		in[i].item_code = arena_strdup(&req->arena, code);
		in[i].value = arena_strdup(&req->arena, value);
	}
	int r = round ? (int)json_integer_value(round) : 0;
	if (round && (json_integer_value(round) < 0 || json_integer_value(round) > 1))
		r = -1;
	json_decref(b);
	struct actor who = api_actor(req);
	struct field_error err;
	rc = sp_results_enter(req->db, &who, id, r, in, (int)n, &req->arena, &err);
	return action_end(req, res, id, rc, &err);
}

static int samples_submit(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct field_error err;
	int rc = sp_sample_submit(req->db, &who, id, &req->arena, &err);
	return action_end(req, res, id, rc, &err);
}

static int samples_review(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	json_t *b = action_body(req, res);
	if (b == NULL)
		return 0;
	json_t *accept = json_object_get(b, "accept"), *note = json_object_get(b, "note");
	if (!json_is_boolean(accept) || (note && !json_is_null(note) && !json_is_string(note))) {
		json_decref(b);
		return http_error(res, API_BAD_REQUEST, "invalid",
		                  json_is_boolean(accept) ? "note" : "accept",
		                  "review with {\"accept\": true|false, \"note\": text}");
	}
	const char *n =
	    json_is_string(note) ? arena_strdup(&req->arena, json_string_value(note)) : NULL;
	int yes = json_is_true(accept);
	json_decref(b);
	if (n && strlen(n) > 2000)
		return http_error(res, API_BAD_REQUEST, "too_long", "note",
		                  "note has at most 2000 bytes");
	struct actor who = api_actor(req);
	struct field_error err;
	int rc = sp_sample_review(req->db, &who, id, yes, n, &err);
	return action_end(req, res, id, rc, &err);
}

static int samples_approve(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct field_error err;
	int rc = sp_sample_approve(req->db, &who, id, &err);
	return action_end(req, res, id, rc, &err);
}

static int samples_notify(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "sample", &id) != 0)
		return 0;
	json_t *b = action_body(req, res);
	if (b == NULL)
		return 0;
	int32_t day;
	int bad = body_date(res, b, "notified_on", &day);
	json_decref(b);
	if (bad)
		return 0;
	struct actor who = api_actor(req);
	struct field_error err;
	int rc = sp_sample_notify(req->db, &who, id, day, &err);
	return action_end(req, res, id, rc, &err);
}

void sp_sample_schemas_write(struct buf *out)
{
	buf_puts(out, "\"SamplingSample\":");
	record_type_write_schema(&SP_SAMPLE_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"SamplingSampleInput\":");
	record_type_write_schema(&SP_SAMPLE_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"SamplingSamplePatch\":");
	record_type_write_schema(&SP_SAMPLE_TYPE, out, SCHEMA_PATCH);
	buf_puts(
	    out,
	    ",\"SamplingSampleList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":"
	    "\"array\",\"items\":{\"$ref\":\"#/components/schemas/SamplingSample\"}},"
	    "\"next_cursor\":{\"type\":\"string\",\"nullable\":true}}},"
	    "\"SamplingAssign\":{\"type\":\"object\",\"required\":[\"lab_id\"],\"properties\":{"
	    "\"lab_id\":{\"type\":\"integer\"},\"received_on\":{\"type\":\"string\",\"format\":"
	    "\"date\"}}},"
	    "\"SamplingResults\":{\"type\":\"object\",\"required\":[\"items\"],\"properties\":{"
	    "\"round\":{\"type\":\"integer\",\"enum\":[0,1]},\"items\":{\"type\":\"array\","
	    "\"items\":{\"type\":\"object\",\"required\":[\"item_code\",\"value\"],"
	    "\"properties\":{\"item_code\":{\"type\":\"string\"},\"value\":{\"type\":\"string\","
	    "\"description\":\"decimal, ND (not detected) or a word\"}}}}}},"
	    "\"SamplingReview\":{\"type\":\"object\",\"required\":[\"accept\"],\"properties\":{"
	    "\"accept\":{\"type\":\"boolean\"},\"note\":{\"type\":\"string\"}}},"
	    "\"SamplingNotify\":{\"type\":\"object\",\"properties\":{\"notified_on\":{\"type\":"
	    "\"string\",\"format\":\"date\"}}},");
}

static const struct route_param LIST_PARAMS[] = {
    {"region", "string", "GB/T 2260 code: the producer's region and everything below it"},
    {"status", "string", "sampled, refused, testing, submitted, reviewed or approved"},
    {"verdict", "string", "final verdict: pass or fail"},
    {"product", "string", "product code"},
    {"producer", "string", "credit code of the producer"},
    {"task", "integer", "task id"},
    {"lab", "integer", "lab id"},
    {"year", "integer", "year of sampling"},
    {"limit", "integer", "page size, 1 to 1000 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route SP_SAMPLE_ROUTES[] = {
    {"GET", "/api/v1/sampling/samples", samples_list, 0, 0,
     "List samples, newest first (an enterprise sees its own; lab staff their lab's too)",
     "sampling", NULL, "SamplingSampleList", LIST_PARAMS, 200, "sampling:read"},
    {"POST", "/api/v1/sampling/samples", samples_create, 0, 0,
     "Record a sample taken at a producer (or the producer's refusal)", "sampling",
     "SamplingSampleInput", "SamplingSample", NULL, 201, "sampling:write"},
    {"GET", "/api/v1/sampling/samples/{id}", samples_get, 0, 0, "Read a sample with its results",
     "sampling", NULL, "SamplingSample", NULL, 200, "sampling:read"},
    {"PATCH", "/api/v1/sampling/samples/{id}", samples_update, 0, 0,
     "Correct the sampling record while the sample is not yet at a lab. If-Match: ETag", "sampling",
     "SamplingSamplePatch", "SamplingSample", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/samples/{id}/assign", samples_assign, 0, 0,
     "Assign the sample to a lab accredited for every item of its product", "sampling",
     "SamplingAssign", "SamplingSample", NULL, 200, "sampling:write"},
    {"PUT", "/api/v1/sampling/samples/{id}/results", samples_results, 0, 0,
     "Enter item results (round 0: the lab's test; 1: the re-test under an objection); each is "
     "judged against its limit",
     "sampling", "SamplingResults", "SamplingSample", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/samples/{id}/submit", samples_submit, 0, 0,
     "Submit the results for review (every item has one; the verdict follows)", "sampling", NULL,
     "SamplingSample", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/samples/{id}/review", samples_review, 0, 0,
     "Review the report (not by its analyst): accept, or return with a note", "sampling",
     "SamplingReview", "SamplingSample", NULL, 200, "sampling:write"},
    {"POST", "/api/v1/sampling/samples/{id}/approve", samples_approve, 0, 0,
     "Approve the report (neither analyst nor reviewer): the verdict is final and counted",
     "sampling", NULL, "SamplingSample", NULL, 200, "sampling:approve"},
    {"POST", "/api/v1/sampling/samples/{id}/notify", samples_notify, 0, 0,
     "Record the day the producer received the result (the objection window runs from it)",
     "sampling", "SamplingNotify", "SamplingSample", NULL, 200, "sampling:write"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_SAMPLE_ROUTE_TABLE = {"sampling", SP_SAMPLE_ROUTES};

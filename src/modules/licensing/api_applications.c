/*
 * HTTP handlers of licensing applications: the categories, applications (list, create, read,
 * edit), their actions through the workflow, their attachments, and the officers' queue.
 * Parse, call applications.c / catalogue.c / the flow engine, shape JSON. Who may take an
 * action is the process's business: the route asks only licensing:read, and the engine asks
 * the account's permissions through api_may.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/applications.h"
#include "modules/licensing/catalogue.h"
#include "platform/api_common.h"
#include "platform/dates.h"
#include "platform/router.h"

/* The flow engine's permission question ("licensing.approve") for the signed-in account. */
static int api_may(void *ctx, const char *permission)
{
	struct http_request *req = ctx;
	const char *dot = strchr(permission, '.');
	if (dot == NULL || dot - permission >= 32)
		return 0;
	char module[32];
	snprintf(module, sizeof module, "%.*s", (int)(dot - permission), permission);
	return api_allowed(req, module, dot + 1);
}

/* ---- Categories --------------------------------------------------------------------------- */

static int categories_list(struct http_request *req, struct http_response *res)
{
	const char *kind = http_query(req, "kind");
	if (kind && *kind && !lc_kind_valid(kind))
		return http_error(res, API_BAD_REQUEST, "invalid", "kind",
		                  "kind is food or industrial");
	buf_puts(&res->body, "{\"items\":");
	if (lc_categories_json(req->db, kind && *kind ? kind : NULL, &res->body) != SVC_OK)
		return -1;
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

/* ---- Applications ------------------------------------------------------------------------- */

static void attachment_row(void *ctx, const struct lc_attachment *t)
{
	struct api_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	lc_attachment_write_json(t, lc->out);
}

/* Writes application id with its case and attachments (read in who's scope). */
static int application_respond(struct http_request *req, struct http_response *res, int64_t id,
                               int status)
{
	struct actor who = api_actor(req);
	struct record r;
	int rc = lc_application_get(req->db, &who, id, &req->arena, &r);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "application", req->params[0]);
	int32_t today = today_china();
	struct buf *out = &res->body;
	lc_application_write_json(&r, out);
	out->len--; /* reopen the object */
	int64_t case_id = record_int_of(r.v[LA_CASE_ID]);
	int deemed = 0;
	if (case_id) {
		struct flow_state s;
		if (flow_get(req->db, &who, case_id, today, &s) == SVC_OK)
			deemed = strcmp(s.step, "submitted") == 0 && s.overdue;
	}
	buf_printf(out, ",\"deemed_accepted\":%s,\"case\":", deemed ? "true" : "false");
	struct lc_may m = {api_may, req, &who};
	if (case_id == 0)
		buf_puts(out, "null");
	else if (flow_case_json(req->db, &who, case_id, today, lc_may, &m, out) != SVC_OK)
		return -1;
	buf_puts(out, ",\"attachments\":[");
	struct api_list_ctx lc = {out, 0};
	if (lc_attachment_list(req->db, &who, id, &req->arena, attachment_row, &lc) != SVC_OK)
		return -1;
	buf_puts(out, "]}");
	snprintf(res->etag, sizeof res->etag, "\"%s\"", r.v[LA_VERSION]);
	http_json(res, status);
	return 0;
}

static int applications_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "application", &id) != 0)
		return 0;
	return application_respond(req, res, id, 200);
}

/*
 * Reads the JSON body of a create or edit into in: "categories" is an array of codes (joined
 * with ',' for the record). Returns SVC_OK, SVC_INVALID with *err, or 1 when answered.
 */
static int application_body(struct http_request *req, struct http_response *res, struct record *in,
                            struct field_error *err)
{
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 1;
	record_init(in, &LC_APPLICATION_TYPE);
	int rc = SVC_OK;
	json_t *cats = json_object_get(body, "categories");
	if (cats && !json_is_null(cats)) {
		if (!json_is_array(cats)) {
			field_fail(err, "categories", "wrong_type",
			           "categories is an array of category codes");
			rc = SVC_INVALID;
			goto out;
		}
		struct buf joined = {0};
		size_t i;
		json_t *c;
		json_array_foreach(cats, i, c)
		{
			const char *s = json_string_value(c);
			if (s == NULL || *s == '\0' || strchr(s, ',') ||
			    strlen(s) >= LC_CATEGORY_CODE_MAX) {
				buf_free(&joined);
				field_fail(err, arena_printf(&req->arena, "categories[%zu]", i),
				           "invalid", "a category code is a short text");
				rc = SVC_INVALID;
				goto out;
			}
			if (i)
				buf_putc(&joined, ',');
			buf_puts(&joined, s);
		}
		json_object_set_new(body, "categories",
		                    json_string(joined.data ? joined.data : ""));
		buf_free(&joined);
	}
	if (record_from_json(in, &req->arena, body, err) != 0)
		rc = SVC_INVALID;
out:
	json_decref(body);
	return rc;
}

static int applications_create(struct http_request *req, struct http_response *res)
{
	struct record in, out;
	struct field_error err;
	int rc = application_body(req, res, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = lc_application_create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "application", NULL);
	return application_respond(req, res, record_int_of(out.v[LA_ID]), 201);
}

static int applications_update(struct http_request *req, struct http_response *res)
{
	int64_t id, if_version;
	if (api_id_param(req, res, "application", &id) != 0 ||
	    api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch, out;
	struct field_error err;
	int rc = application_body(req, res, &patch, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = lc_application_update(req->db, &who, id, &patch, if_version, &req->arena, &out,
		                           &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "application", req->params[0]);
	return application_respond(req, res, id, 200);
}

/* A list callback: the application as JSON (categories as an array). */
static int application_row(void *ctx, const struct record *r)
{
	struct api_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	lc_application_write_json(r, lc->out);
	return 0;
}

static int applications_list_send(struct http_request *req, struct http_response *res)
{
	struct lc_application_filter f;
	struct field_error err;
	int rc = lc_application_filter_parse(
	    &f, http_query(req, "status"), http_query(req, "kind"), http_query(req, "region"),
	    http_query(req, "q"), http_query(req, "limit"), http_query(req, "cursor"), &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "application", NULL);
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct api_list_ctx lc = {&res->body, 0};
	const char *next;
	if (lc_application_list(req->db, &who, &f, &req->arena, application_row, &lc, &next) !=
	    SVC_OK)
		return -1;
	api_list_end(res, next, NULL);
	return 0;
}

/* ---- Actions ------------------------------------------------------------------------------ */

static int applications_act(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "application", &id) != 0)
		return 0;
	const char *action = req->params[1];
	json_t *b = req->body.len == 0 ? json_object() : http_body_json(req, res);
	if (b == NULL)
		return 0;
	if (!json_is_object(b)) {
		json_decref(b);
		return http_error(res, API_BAD_REQUEST, "invalid_body", NULL,
		                  "the body is a JSON object");
	}
	static const char *const KEYS[] = {
	    "note",          "missing",         "onsite_on", "onsite_team", "onsite_findings",
	    "onsite_result", "decision_reason", NULL};
	const char *vals[7] = {0};
	const char *key;
	json_t *v;
	json_object_foreach(b, key, v)
	{
		int k = 0;
		while (KEYS[k] && strcmp(KEYS[k], key) != 0)
			k++;
		if (KEYS[k] == NULL || !(json_is_string(v) || json_is_null(v))) {
			const char *field = arena_strdup(&req->arena, key);
			json_decref(b);
			return KEYS[k] == NULL
			           ? http_error(res, API_BAD_REQUEST, "unknown_field", field,
			                        "%s is not a member of an action's body", field)
			           : http_error(res, API_BAD_REQUEST, "wrong_type", field,
			                        "%s must be a string", field);
		}
		if (json_is_string(v)) {
			const char *s = json_string_value(v);
			if (memchr(s, '\0', json_string_length(v))) {
				const char *field = arena_strdup(&req->arena, key);
				json_decref(b);
				return http_error(res, API_BAD_REQUEST, "invalid", field,
				                  "%s contains a NUL character", field);
			}
			vals[k] = arena_strdup(&req->arena, s);
		}
	}
	json_decref(b);
	struct lc_action_in in = {vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6]};
	struct actor who = api_actor(req);
	struct field_error err = {0};
	struct record out;
	struct flow_state state;
	int rc = lc_application_act(req->db, &who, id, action, &in, today_china(), api_may, req,
	                            &req->arena, &out, &state, &err);
	if (rc == SVC_NOT_FOUND && err.field && strcmp(err.field, "action") == 0)
		return http_error(res, API_NOT_FOUND, "unknown_action", "action", "%s",
		                  err.message);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "application", req->params[0]);
	return application_respond(req, res, id, 200);
}

/* ---- Attachments -------------------------------------------------------------------------- */

static int attachment_upload(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "application", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct field_error err = {0};
	struct lc_attachment t;
	int rc = lc_attachment_add(req->db, &who, id, http_query(req, "kind"),
	                           http_query(req, "name"), http_header(req, "Content-Type"),
	                           req->body.data ? req->body.data : "", req->body.len, &req->arena,
	                           &t, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "application", req->params[0]);
	lc_attachment_write_json(&t, &res->body);
	http_json(res, 201);
	return 0;
}

static int attachment_list(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "application", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct buf items = {0};
	struct api_list_ctx lc = {&items, 0};
	int rc = lc_attachment_list(req->db, &who, id, &req->arena, attachment_row, &lc);
	if (rc != SVC_OK) {
		buf_free(&items);
		return api_service_error(res, rc, NULL, "application", req->params[0]);
	}
	return api_items_send(res, &items);
}

static int attachment_download(struct http_request *req, struct http_response *res)
{
	int64_t id, aid;
	if (api_id_param(req, res, "application", &id) != 0)
		return 0;
	if (field_int_parse_cstr(req->params[1], 1, INT64_MAX, &aid) != 0)
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no attachment %s",
		                  req->params[1]);
	struct actor who = api_actor(req);
	struct lc_attachment t;
	int rc = lc_attachment_get(req->db, &who, id, aid, &req->arena, &t, &res->body);
	if (rc != SVC_OK) {
		buf_reset(&res->body);
		return api_service_error(res, rc, NULL, "attachment", req->params[1]);
	}
	return api_file_send(req, res, t.content_type, t.sha256, t.file_name);
}

/* ---- The queue ---------------------------------------------------------------------------- */

/* 1 if the query parameter is "1" or "true", 0 if absent, "0" or "false"; -1 otherwise. */
static int flag_param(const char *s)
{
	if (s == NULL || *s == '\0' || strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
		return 0;
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
		return 1;
	return -1;
}

static void put_member(json_t *item, const char *key, const char *v)
{
	json_object_set_new(item, key, v ? json_string(v) : json_null());
}

static int queue(struct http_request *req, struct http_response *res)
{
	struct flow_queue_filter f = {0};
	struct field_error err = {0};
	const char *kind = http_query(req, "kind");
	const char *region = http_query(req, "region");
	int overdue = flag_param(http_query(req, "overdue"));
	int mine = flag_param(http_query(req, "mine"));
	if (kind && *kind && !lc_kind_valid(kind))
		return http_error(res, API_BAD_REQUEST, "invalid", "kind",
		                  "kind is food or industrial");
	if (overdue < 0 || mine < 0)
		return http_error(res, API_BAD_REQUEST, "invalid", overdue < 0 ? "overdue" : "mine",
		                  "%s is 1 or 0", overdue < 0 ? "overdue" : "mine");
	int64_t rv = 0;
	if (region && *region && field_int_parse_cstr(region, 100000, 999999, &rv) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "region",
		                  "region is a GB/T 2260 code");
	if (lc_limit_parse(http_query(req, "limit"), &f.limit, &err) != SVC_OK)
		return api_service_error(res, SVC_INVALID, &err, "queue", NULL);
	f.process = kind && *kind ? lc_process_of_kind(kind) : NULL;
	f.region = (int)rv;
	f.actionable = mine;
	f.overdue_only = overdue;
	f.cursor = http_query(req, "cursor");
	struct actor who = api_actor(req);
	struct lc_may m = {api_may, req, &who};
	struct buf raw = {0};
	int32_t today = today_china();
	int rc = flow_queue_json(req->db, &who, &f, today, lc_may, &m, &raw);
	if (rc != SVC_OK) {
		buf_free(&raw);
		if (rc == SVC_INVALID)
			return http_error(res, API_BAD_REQUEST, "invalid", "cursor",
			                  "cursor is the next_cursor of the previous page");
		return -1;
	}
	json_error_t jerr;
	json_t *doc = json_loadb(raw.data, raw.len, 0, &jerr);
	buf_free(&raw);
	json_t *items = json_object_get(doc, "items");
	if (!json_is_array(items)) {
		json_decref(doc);
		return -1;
	}
	/* Each case joined with its application; cases of other modules are left out. */
	json_t *kept = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		struct record r;
		const char *subject = json_string_value(json_object_get(it, "subject"));
		if (lc_application_of_subject(req->db, &who, subject, &req->arena, &r) != SVC_OK)
			continue;
		put_member(it, "application_id", r.v[LA_ID]);
		put_member(it, "application_no", r.v[LA_APPLICATION_NO]);
		put_member(it, "applicant", r.v[LA_APPLICANT]);
		put_member(it, "applicant_name", r.v[LA_APPLICANT_NAME]);
		put_member(it, "kind", r.v[LA_KIND]);
		put_member(it, "purpose", r.v[LA_PURPOSE]);
		json_t *deemed = json_object_get(it, "step");
		json_object_set_new(
		    it, "deemed_accepted",
		    json_boolean(json_is_string(deemed) &&
		                 strcmp(json_string_value(deemed), "submitted") == 0 &&
		                 json_is_true(json_object_get(it, "overdue"))));
		json_array_append(kept, it);
	}
	json_object_set_new(doc, "items", kept);
	char *s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (s == NULL)
		return -1;
	buf_puts(&res->body, s);
	free(s);
	http_json(res, 200);
	return 0;
}

/* ---- OpenAPI ------------------------------------------------------------------------------ */

/* Writes t's schema in mode with "categories" as an array of codes and, for the output, the
 * members a read adds. */
static void application_schema(struct buf *out, int mode)
{
	struct buf s = {0};
	record_type_write_schema(&LC_APPLICATION_TYPE, &s, mode);
	const char *key = "\"categories\":{";
	char *p = strstr(s.data, key);
	char *q = p ? strchr(p + strlen(key), '}') : NULL;
	if (p == NULL || q == NULL) {
		buf_append(out, s.data, s.len);
		buf_free(&s);
		return;
	}
	buf_append(out, s.data, (size_t)(p - s.data));
	buf_puts(out, "\"categories\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
	              "\"maxItems\":32,\"description\":\"Category codes applied for (GET "
	              "/licensing/categories), of the application's kind\"}");
	const char *rest = q + 1;
	if (mode == SCHEMA_OUTPUT) {
		const char *w = strstr(rest, ",\"warnings\":");
		if (w) {
			buf_append(out, rest, (size_t)(w - rest));
			buf_puts(out,
			         ",\"deemed_accepted\":{\"type\":\"boolean\",\"description\":"
			         "\"the acceptance limit ran out without a notice: the "
			         "application counts as accepted on receipt (art. 32)\"},"
			         "\"case\":{\"type\":\"object\",\"nullable\":true,"
			         "\"description\":\"the workflow case: state, deadline, actions "
			         "the caller can take, history\"},\"attachments\":{\"type\":"
			         "\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
			         "LicensingAttachment\"}}");
			rest = w;
		}
	}
	buf_puts(out, rest);
	buf_free(&s);
}

void lc_application_schemas_write(struct buf *out)
{
	buf_puts(out, "\"LicensingCategoryList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"code\":"
	              "{\"type\":\"string\"},\"kind\":{\"type\":\"string\",\"enum\":[\"food\","
	              "\"industrial\"]},\"name_zh\":{\"type\":\"string\"},\"name_bo\":{\"type\":"
	              "\"string\",\"nullable\":true},\"name_en\":{\"type\":\"string\"}}}}}},");
	buf_puts(out, "\"LicensingApplication\":");
	application_schema(out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"LicensingApplicationInput\":");
	application_schema(out, SCHEMA_CREATE);
	buf_puts(out, ",\"LicensingApplicationPatch\":");
	application_schema(out, SCHEMA_PATCH);
	buf_puts(out,
	         ",\"LicensingApplicationList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	         "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	         "LicensingApplication\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":"
	         "true}}},"
	         "\"LicensingAction\":{\"type\":\"object\",\"additionalProperties\":false,"
	         "\"properties\":{\"note\":{\"type\":\"string\"},\"missing\":{\"type\":\"string\","
	         "\"description\":\"notify_missing, request_supplement: everything missing\"},"
	         "\"onsite_on\":{\"type\":\"string\",\"format\":\"date\"},\"onsite_team\":{"
	         "\"type\":\"string\"},\"onsite_findings\":{\"type\":\"string\"},"
	         "\"onsite_result\":{\"type\":\"string\",\"enum\":[\"pass\",\"fail\"]},"
	         "\"decision_reason\":{\"type\":\"string\",\"description\":\"refuse: required\"}}},"
	         "\"LicensingAttachment\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":"
	         "\"string\"},\"application_id\":{\"type\":\"string\"},\"kind\":{\"type\":"
	         "\"string\",\"enum\":[\"business_licence\",\"site_plan\",\"process_flow\","
	         "\"equipment_list\",\"other\"]},\"file_name\":{\"type\":\"string\"},"
	         "\"content_type\":{\"type\":\"string\",\"enum\":[\"image/jpeg\",\"image/png\","
	         "\"application/pdf\"]},\"size\":{\"type\":\"integer\"},\"sha256\":{\"type\":"
	         "\"string\"},\"uploaded_by\":{\"type\":\"string\"},\"uploaded_at\":{\"type\":"
	         "\"string\"}}},"
	         "\"LicensingAttachmentList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	         "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	         "LicensingAttachment\"}}}},"
	         "\"LicensingQueue\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":"
	         "\"array\",\"items\":{\"type\":\"object\"}},\"next_cursor\":{\"type\":\"string\","
	         "\"nullable\":true}}},");
}

/* ---- Routes ------------------------------------------------------------------------------- */

static const struct route_param CATEGORY_PARAMS[] = {
    {"kind", "string", "food or industrial (default: both)"},
    {NULL, NULL, NULL},
};

static const struct route_param LIST_PARAMS[] = {
    {"status", "string", "a step: draft, submitted, review, granted, issued..."},
    {"kind", "string", "food or industrial"},
    {"region", "string", "GB/T 2260 code: the applicant's region and everything below it"},
    {"q", "string", "part of the application number or applicant's name, or a credit code"},
    {"limit", "integer", "page size, 1 to 500 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route_param UPLOAD_PARAMS[] = {
    {"kind", "string", "business_licence, site_plan, process_flow, equipment_list or other"},
    {"name", "string", "the file name shown and given back on download (1 to 200 characters)"},
    {NULL, NULL, NULL},
};

static const struct route_param QUEUE_PARAMS[] = {
    {"kind", "string", "food or industrial"},
    {"region", "string", "GB/T 2260 code: that subtree"},
    {"overdue", "boolean", "1: only cases past their deadline (the leaders' list)"},
    {"mine", "boolean", "1: only cases where the caller can act now"},
    {"limit", "integer", "page size, 1 to 500 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route LC_APPLICATION_ROUTES[] = {
    {"GET", "/api/v1/licensing/categories", categories_list, ROUTE_SIGNED_IN, 0,
     "Food categories and industrial product units a licence can cover", "licensing", NULL,
     "LicensingCategoryList", CATEGORY_PARAMS, 200, NULL},
    {"GET", "/api/v1/licensing/applications", applications_list_send, 0, 0,
     "List applications, newest first (an enterprise sees its own)", "licensing", NULL,
     "LicensingApplicationList", LIST_PARAMS, 200, "licensing:read"},
    {"POST", "/api/v1/licensing/applications", applications_create, 0, 0,
     "Save a new application as a draft (an enterprise for itself; an officer names the "
     "applicant)",
     "licensing", "LicensingApplicationInput", "LicensingApplication", NULL, 201,
     "licensing:write"},
    {"GET", "/api/v1/licensing/applications/{id}", applications_get, 0, 0,
     "Read an application with its case (deadline, actions the caller can take, history) and "
     "attachments",
     "licensing", NULL, "LicensingApplication", NULL, 200, "licensing:read"},
    {"PATCH", "/api/v1/licensing/applications/{id}", applications_update, 0, 0,
     "Edit a draft, or an application while its applicant supplements materials. If-Match: "
     "ETag",
     "licensing", "LicensingApplicationPatch", "LicensingApplication", NULL, 200,
     "licensing:write"},
    {"POST", "/api/v1/licensing/applications/{id}/actions/{action}", applications_act, 0, 0,
     "Take an action of the process (submit, accept, notify_missing, request_supplement, "
     "schedule_onsite, record_onsite, extend, grant, refuse, issue, withdraw...): who may is "
     "the process's rule",
     "licensing", "LicensingAction", "LicensingApplication", NULL, 200, "licensing:read"},
    {"POST", "/api/v1/licensing/applications/{id}/attachments", attachment_upload, ROUTE_RAW_BODY,
     LC_ATTACHMENT_MAX,
     "Attach a paper: the raw bytes as the body (at most 10 MiB), its type (image/jpeg, "
     "image/png, application/pdf) in Content-Type, checked against the bytes",
     "licensing", NULL, "LicensingAttachment", UPLOAD_PARAMS, 201, "licensing:write"},
    {"GET", "/api/v1/licensing/applications/{id}/attachments", attachment_list, 0, 0,
     "The attachments of an application, by upload time", "licensing", NULL,
     "LicensingAttachmentList", NULL, 200, "licensing:read"},
    {"GET", "/api/v1/licensing/applications/{id}/attachments/{aid}", attachment_download, 0, 0,
     "Download an attachment (verified against its SHA-256)", "licensing", NULL, NULL, NULL, 200,
     "licensing:read"},
    {"GET", "/api/v1/licensing/queue", queue, 0, 0,
     "Open licensing cases by urgency (most overdue first, paused last), with their "
     "applications",
     "licensing", NULL, "LicensingQueue", QUEUE_PARAMS, 200, "licensing:read"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table LC_APPLICATION_ROUTE_TABLE = {"licensing", LC_APPLICATION_ROUTES};

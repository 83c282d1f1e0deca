/*
 * HTTP handlers of licences: the list, one licence with its checks, its certificate as PDF,
 * suspension / restoration / revocation, post-licence checks (record, list, the due list),
 * and the counts of valid licences. Parse, call licences.c / checks.c / certificate.c, shape
 * JSON. Data scope is the store's business; the route tables ask the permissions.
 */
#include <stdio.h>
#include <string.h>

#include "modules/licensing/catalogue.h"
#include "modules/licensing/certificate.h"
#include "modules/licensing/checks.h"
#include "modules/licensing/licences.h"
#include "modules/regions/service.h"
#include "platform/api_common.h"
#include "platform/dates.h"
#include "platform/router.h"

/* The body of a status action: {reason}. The service says when it is missing. */
static const struct field_spec REASON_FIELDS[] = {
    {"reason", FT_TEXT, FF_TRIM | FF_MULTILINE, LC_REASON_MAX, 0, 0, NULL, NULL,
     "Why (required): kept with the licence and shown on the verification page"},
};
static const struct record_type REASON_TYPE = {"licensing_status_reason", REASON_FIELDS, 1};

/* ---- List and read ---------------------------------------------------------------------- */

struct licence_rows {
	struct buf *out;
	int n;
	int32_t today;
};

static int licence_row(void *ctx, const struct lc_licence *l)
{
	struct licence_rows *r = ctx;
	if (r->n++)
		buf_putc(r->out, ',');
	lc_licence_json(r->out, l, r->today);
	return 0;
}

static int licence_list(struct http_request *req, struct http_response *res)
{
	struct lc_licence_filter f;
	struct field_error err = {0};
	int rc = lc_licence_filter_parse(&f, http_query(req, "q"), http_query(req, "kind"),
	                                 http_query(req, "status"), http_query(req, "region"),
	                                 http_query(req, "category"), http_query(req, "holder"),
	                                 http_query(req, "limit"), http_query(req, "cursor"), &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "licence", NULL);
	struct actor who = api_actor(req);
	struct buf items = {0};
	struct licence_rows rows = {&items, 0, today_china()};
	const char *next;
	if (lc_licence_list(req->db, &who, &f, rows.today, &req->arena, licence_row, &rows,
	                    &next) != SVC_OK) {
		buf_free(&items);
		return -1;
	}
	buf_puts(&res->body, "{\"items\":[");
	if (items.len)
		buf_append(&res->body, items.data, items.len);
	buf_free(&items);
	api_list_end(res, next, NULL);
	return 0;
}

static int check_row(void *ctx, const struct record *r)
{
	struct api_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	record_write_json(r, lc->out);
	return 0;
}

/* Appends ,"category_names":[{code,name_zh,name_bo,name_en}] of l. */
static int category_names(struct http_request *req, const struct lc_licence *l, struct buf *out)
{
	buf_puts(out, ",\"category_names\":[");
	const char *c = l->categories ? l->categories : "";
	int n = 0;
	while (*c) {
		const char *e = strchr(c, ',');
		size_t len = e ? (size_t)(e - c) : strlen(c);
		if (len) {
			char *code = arena_strndup(&req->arena, c, len);
			struct lc_category cat;
			int rc = lc_category_get(req->db, code, &req->arena, &cat);
			if (rc == SVC_ERROR)
				return -1;
			if (n++)
				buf_putc(out, ',');
			buf_puts(out, "{\"code\":");
			json_write_string(out, code, len);
			if (rc == SVC_OK) {
				buf_puts(out, ",\"name_zh\":");
				json_write_string(out, cat.name_zh, strlen(cat.name_zh));
				buf_puts(out, ",\"name_bo\":");
				if (cat.name_bo && *cat.name_bo)
					json_write_string(out, cat.name_bo, strlen(cat.name_bo));
				else
					buf_puts(out, "null");
				buf_puts(out, ",\"name_en\":");
				json_write_string(out, cat.name_en, strlen(cat.name_en));
			}
			buf_putc(out, '}');
		}
		c += len + (e != NULL);
	}
	buf_putc(out, ']');
	return 0;
}

/* Answers licence id with its category names and checks (status 200). */
static int licence_respond(struct http_request *req, struct http_response *res, int64_t id)
{
	struct actor who = api_actor(req);
	struct lc_licence l;
	int rc = lc_licence_read(req->db, &who, id, &req->arena, &l);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, "licence", req->params[0]);
	int32_t today = today_china();
	struct buf b = {0};
	lc_licence_json(&b, &l, today);
	b.len--; /* reopen the object */
	if (category_names(req, &l, &b) != 0) {
		buf_free(&b);
		return -1;
	}
	const struct region *r = regions_find(l.region);
	buf_puts(&b, ",\"region_name\":");
	if (r)
		json_write_string(&b, r->name_zh, strlen(r->name_zh));
	else
		buf_puts(&b, "null");
	buf_puts(&b, ",\"checks\":[");
	struct api_list_ctx lc = {&b, 0};
	if (lc_check_list(req->db, &who, id, &req->arena, check_row, &lc) != SVC_OK) {
		buf_free(&b);
		return -1;
	}
	buf_puts(&b, "]}");
	buf_append(&res->body, b.data, b.len);
	buf_free(&b);
	snprintf(res->etag, sizeof res->etag, "\"%lld\"", (long long)l.version);
	http_json(res, 200);
	return 0;
}

static int licence_get(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "licence", &id) != 0)
		return 0;
	return licence_respond(req, res, id);
}

/* ---- Certificate ------------------------------------------------------------------------ */

static int certificate_pdf(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "licence", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	const char *no = NULL;
	int rc = lc_certificate_pdf(req->db, &who, id, http_public_base_url(), today_china(),
	                            &req->arena, &res->body, &no);
	if (rc != SVC_OK) {
		buf_reset(&res->body);
		return api_service_error(res, rc, NULL, "licence", req->params[0]);
	}
	res->status = 200;
	res->content_type = "application/pdf";
	/* An ASCII name for every client, and the number itself (UTF-8) for those that read
	 * filename* (RFC 6266). */
	struct buf d = {0};
	buf_printf(&d, "attachment; filename=\"licence-%lld.pdf\"; filename*=UTF-8''",
	           (long long)id);
	for (const unsigned char *p = (const unsigned char *)no; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-')
			buf_putc(&d, (char)*p);
		else
			buf_printf(&d, "%%%02X", *p);
	}
	buf_puts(&d, ".pdf");
	res->disposition = arena_strdup(&req->arena, d.data);
	buf_free(&d);
	return 0;
}

/* ---- Status actions --------------------------------------------------------------------- */

static int licence_action(struct http_request *req, struct http_response *res)
{
	int64_t id, version;
	if (api_id_param(req, res, "licence", &id) != 0 || api_if_match(req, res, &version) != 0)
		return 0;
	enum lc_status_action action;
	if (lc_status_action_parse(req->params[1], &action) != 0)
		return http_error(res, API_NOT_FOUND, "not_found", "action",
		                  "a licence's actions are suspend, restore and revoke");
	struct record in;
	struct field_error err = {0};
	int rc = api_record_body(req, res, &REASON_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = lc_licence_status_change(req->db, &who, id, action, in.v[0], today_china(),
		                              version, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "licence", req->params[0]);
	return licence_respond(req, res, id);
}

/* ---- Checks ----------------------------------------------------------------------------- */

static int check_create(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "licence", &id) != 0)
		return 0;
	struct record in, out;
	struct field_error err = {0};
	int rc = api_record_body(req, res, &LC_CHECK_INPUT_TYPE, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc =
		    lc_check_record(req->db, &who, id, &in, today_china(), &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "licence", req->params[0]);
	record_write_json(&out, &res->body);
	http_json(res, 201);
	return 0;
}

static int check_list(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "licence", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct buf items = {0};
	struct api_list_ctx lc = {&items, 0};
	int rc = lc_check_list(req->db, &who, id, &req->arena, check_row, &lc);
	if (rc != SVC_OK) {
		buf_free(&items);
		return api_service_error(res, rc, NULL, "licence", req->params[0]);
	}
	return api_items_send(res, &items);
}

static int due_list(struct http_request *req, struct http_response *res)
{
	int32_t today = today_china();
	struct lc_due_filter f;
	struct field_error err = {0};
	int rc = lc_due_filter_parse(&f, http_query(req, "region"), http_query(req, "kind"),
	                             http_query(req, "before"), http_query(req, "limit"),
	                             http_query(req, "cursor"), today, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "licence", NULL);
	struct actor who = api_actor(req);
	struct buf items = {0};
	struct licence_rows rows = {&items, 0, today};
	const char *next;
	if (lc_due_list(req->db, &who, &f, today, &req->arena, licence_row, &rows, &next) !=
	    SVC_OK) {
		buf_free(&items);
		return -1;
	}
	buf_puts(&res->body, "{\"items\":[");
	if (items.len)
		buf_append(&res->body, items.data, items.len);
	buf_free(&items);
	api_list_end(res, next, NULL);
	return 0;
}

/* ---- Counts ----------------------------------------------------------------------------- */

struct count_rows {
	struct http_request *req;
	struct buf *out;
	int n;
	enum lc_count_by by;
	int failed;
};

static int count_row(void *ctx, const char *key, int64_t count)
{
	struct count_rows *c = ctx;
	if (c->n++)
		buf_putc(c->out, ',');
	buf_puts(c->out, "{\"code\":");
	json_write_string(c->out, key, strlen(key));
	const char *zh = NULL, *bo = NULL, *en = NULL;
	if (c->by == LC_BY_PREFECTURE) {
		int64_t code;
		const struct region *r = field_int_parse_cstr(key, 100000, 999999, &code) == 0
		                             ? regions_find((int)code)
		                             : NULL;
		if (r)
			zh = r->name_zh, bo = r->name_bo, en = r->name_en;
	} else {
		struct lc_category cat;
		int rc = lc_category_get(c->req->db, key, &c->req->arena, &cat);
		if (rc == SVC_ERROR)
			return c->failed = 1;
		if (rc == SVC_OK)
			zh = cat.name_zh, bo = cat.name_bo, en = cat.name_en;
	}
	const char *names[] = {zh, bo, en}, *keys[] = {"name_zh", "name_bo", "name_en"};
	for (int i = 0; i < 3; i++) {
		buf_printf(c->out, ",\"%s\":", keys[i]);
		if (names[i] && *names[i])
			json_write_string(c->out, names[i], strlen(names[i]));
		else
			buf_puts(c->out, "null");
	}
	buf_printf(c->out, ",\"count\":%lld}", (long long)count);
	return 0;
}

static int stats_valid(struct http_request *req, struct http_response *res)
{
	const char *by = http_query(req, "by");
	enum lc_count_by b;
	if (by == NULL || *by == '\0' || strcmp(by, "prefecture") == 0)
		b = LC_BY_PREFECTURE;
	else if (strcmp(by, "category") == 0)
		b = LC_BY_CATEGORY;
	else
		return http_error(res, API_BAD_REQUEST, "invalid", "by",
		                  "by is prefecture or category");
	const char *kind = http_query(req, "kind");
	if (kind && *kind && !lc_kind_valid(kind))
		return http_error(res, API_BAD_REQUEST, "invalid", "kind",
		                  "kind is food or industrial");
	const char *region = http_query(req, "region");
	int64_t rv = 0;
	if (region && *region && field_int_parse_cstr(region, 100000, 999999, &rv) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "region",
		                  "region is a 6-digit region code");
	struct actor who = api_actor(req);
	int32_t today = today_china();
	struct buf items = {0};
	struct count_rows c = {req, &items, 0, b, 0};
	int64_t total;
	int rc = lc_valid_counts(req->db, &who, b, (int)rv, kind && *kind ? kind : NULL, today,
	                         count_row, &c, &total);
	if (rc != SVC_OK || c.failed) {
		buf_free(&items);
		return -1;
	}
	char day[11];
	date_format(today, day);
	buf_printf(&res->body, "{\"by\":\"%s\",\"on\":\"%s\",\"total\":%lld,\"items\":[",
	           b == LC_BY_PREFECTURE ? "prefecture" : "category", day, (long long)total);
	if (items.len)
		buf_append(&res->body, items.data, items.len);
	buf_free(&items);
	buf_puts(&res->body, "]}");
	http_json(res, 200);
	return 0;
}

/* ---- Schemas and routes ----------------------------------------------------------------- */

void lc_licence_schemas_write(struct buf *out)
{
	buf_puts(
	    out,
	    "\"LicensingLicence\":{\"type\":\"object\",\"properties\":{"
	    "\"id\":{\"type\":\"string\"},\"licence_no\":{\"type\":\"string\"},"
	    "\"kind\":{\"type\":\"string\",\"enum\":[\"food\",\"industrial\"]},"
	    "\"holder\":{\"type\":\"string\",\"description\":\"credit code\"},"
	    "\"holder_name\":{\"type\":\"string\"},\"region_code\":{\"type\":\"string\"},"
	    "\"categories\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	    "\"scope_text\":{\"type\":\"string\"},\"site_address\":{\"type\":\"string\"},"
	    "\"legal_rep\":{\"type\":\"string\"},\"issuer\":{\"type\":\"string\"},"
	    "\"issued_on\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"valid_from\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"valid_until\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"status\":{\"type\":\"string\",\"enum\":[\"valid\",\"suspended\",\"revoked\","
	    "\"cancelled\",\"replaced\",\"expired\"],\"description\":\"as read today: a "
	    "valid licence past valid_until is expired\"},"
	    "\"stored_status\":{\"type\":\"string\"},"
	    "\"status_reason\":{\"type\":\"string\",\"nullable\":true},"
	    "\"status_on\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true},"
	    "\"application_id\":{\"type\":\"string\"},"
	    "\"replaces_id\":{\"type\":\"string\",\"nullable\":true},"
	    "\"last_check_on\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true},"
	    "\"next_check_due\":{\"type\":\"string\",\"format\":\"date\"},"
	    "\"check_overdue\":{\"type\":\"boolean\"},"
	    "\"days_to_expiry\":{\"type\":\"integer\",\"nullable\":true},"
	    "\"created_at\":{\"type\":\"string\"},\"updated_at\":{\"type\":\"string\"},"
	    "\"version\":{\"type\":\"integer\"}}},"
	    "\"LicensingLicenceDetail\":{\"allOf\":[{\"$ref\":\"#/components/schemas/"
	    "LicensingLicence\"},{\"type\":\"object\",\"properties\":{\"category_names\":{"
	    "\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"region_name\":{\"type\":"
	    "\"string\",\"nullable\":true},\"checks\":{\"type\":\"array\",\"items\":{\"$ref\":"
	    "\"#/components/schemas/LicensingCheck\"}}}}]},"
	    "\"LicensingLicenceList\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":"
	    "\"array\",\"items\":{\"$ref\":\"#/components/schemas/LicensingLicence\"}},"
	    "\"next_cursor\":{\"type\":\"string\",\"nullable\":true}}},"
	    "\"LicensingStatusReason\":");
	record_type_write_schema(&REASON_TYPE, out, SCHEMA_CREATE);
	buf_puts(out, ",\"LicensingCheck\":");
	record_type_write_schema(&LC_CHECK_TYPE, out, SCHEMA_OUTPUT);
	buf_puts(out, ",\"LicensingCheckInput\":");
	record_type_write_schema(&LC_CHECK_INPUT_TYPE, out, SCHEMA_CREATE);
	buf_puts(out,
	         ",\"LicensingCheckList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	         "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	         "LicensingCheck\"}}}},"
	         "\"LicensingValidCounts\":{\"type\":\"object\",\"properties\":{\"by\":{"
	         "\"type\":\"string\",\"enum\":[\"prefecture\",\"category\"]},\"on\":{"
	         "\"type\":\"string\",\"format\":\"date\"},\"total\":{\"type\":\"integer\"},"
	         "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	         "\"code\":{\"type\":\"string\"},\"name_zh\":{\"type\":\"string\"},"
	         "\"name_bo\":{\"type\":\"string\",\"nullable\":true},\"name_en\":{\"type\":"
	         "\"string\"},\"count\":{\"type\":\"integer\"}}}}}},");
}

static const struct route_param LIST_PARAMS[] = {
    {"q", "string", "part of the licence number or of the holder's name"},
    {"kind", "string", "food or industrial"},
    {"status", "string", "valid, suspended, revoked, cancelled, replaced or expired"},
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"category", "string", "a category code (licences covering it)"},
    {"holder", "string", "the holder's credit code"},
    {"limit", "integer", "page size, 1 to 500 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route_param DUE_PARAMS[] = {
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"kind", "string", "food or industrial"},
    {"before", "string", "due on or before this day (YYYY-MM-DD, default today)"},
    {"limit", "integer", "page size, 1 to 500 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {NULL, NULL, NULL},
};

static const struct route_param STATS_PARAMS[] = {
    {"by", "string", "prefecture (default) or category"},
    {"kind", "string", "food or industrial"},
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {NULL, NULL, NULL},
};

static const struct route LC_LICENCE_ROUTES[] = {
    {"GET", "/api/v1/licensing/licences", licence_list, 0, 0,
     "Licences in your jurisdiction (an enterprise: its own), newest first", "licensing", NULL,
     "LicensingLicenceList", LIST_PARAMS, 200, "licensing:read"},
    {"GET", "/api/v1/licensing/licences/{id}", licence_get, 0, 0,
     "A licence with its category names and post-licence checks", "licensing", NULL,
     "LicensingLicenceDetail", NULL, 200, "licensing:read"},
    {"GET", "/api/v1/licensing/licences/{id}/certificate.pdf", certificate_pdf, 0, 0,
     "The licence's certificate (PDF, Tibetan and Chinese, QR code of the verification page)",
     "licensing", NULL, NULL, NULL, 200, "licensing:read"},
    {"POST", "/api/v1/licensing/licences/{id}/actions/{action}", licence_action, 0, 0,
     "suspend, restore or revoke a licence {reason} (If-Match: ETag, optional)", "licensing",
     "LicensingStatusReason", "LicensingLicenceDetail", NULL, 200, "licensing:approve"},
    {"GET", "/api/v1/licensing/licences/{id}/checks", check_list, 0, 0,
     "The post-licence checks of a licence, newest first", "licensing", NULL, "LicensingCheckList",
     NULL, 200, "licensing:read"},
    {"POST", "/api/v1/licensing/licences/{id}/checks", check_create, 0, 0,
     "Record a post-licence check: the next one falls due 12 months later, or at the "
     "rectification deadline",
     "licensing", "LicensingCheckInput", "LicensingCheck", NULL, 201, "licensing:write"},
    {"GET", "/api/v1/licensing/checks/due", due_list, 0, 0,
     "Valid licences due for a post-licence check by a day (default today), soonest first",
     "licensing", NULL, "LicensingLicenceList", DUE_PARAMS, 200, "licensing:read"},
    {"GET", "/api/v1/licensing/stats/valid", stats_valid, 0, 0,
     "Counts of licences valid today by prefecture or by category", "licensing", NULL,
     "LicensingValidCounts", STATS_PARAMS, 200, "licensing:read"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table LC_LICENCE_ROUTE_TABLE = {"licensing-licences", LC_LICENCE_ROUTES};

/*
 * HTTP handlers of the enterprise registry: parse, call the service, shape JSON or CSV.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include "modules/registry/service.h"
#include "modules/registry/uscc.h"
#include "platform/api_common.h"
#include "platform/csv.h"
#include "platform/db.h"

#define REGISTRY_IMPORT_BODY_LIMIT (64u << 20) /* CSV uploads; larger files: jinzhi import */
#define REGISTRY_EXPORT_CHUNK      1000        /* rows fetched per streaming step */

static int service_error(struct http_response *res, int rc, const struct field_error *err,
                         const char *code)
{
	switch (rc) {
	case REG_NOT_FOUND:
		return http_error(res, API_NOT_FOUND, "not_found", NULL,
		                  "no enterprise with credit code %s", code ? code : "");
	case REG_INVALID:
		return http_error(res, API_BAD_REQUEST, err->code, err->field, "%s", err->message);
	case REG_CONFLICT:
		return http_error(res, API_CONFLICT, err->code, err->field, "%s", err->message);
	case REG_STALE:
		return http_error(res, API_PRECONDITION_FAILED, "stale", NULL,
		                  "the enterprise was changed meanwhile; read it again");
	default:
		return -1;
	}
}

static void write_enterprise(struct http_response *res, const struct record *r, int status)
{
	record_write_json_warnings(r, &res->body);
	snprintf(res->etag, sizeof res->etag, "\"%s\"", r->v[ENT_VERSION]);
	http_json(res, status);
}

static int filter_from_query(struct http_request *req, struct registry_filter *f,
                             struct field_error *err)
{
	return registry_filter_parse(
	    f, &req->arena, http_query(req, "region"), http_query(req, "industry"),
	    http_query(req, "status"), http_query(req, "size"), http_query(req, "q"),
	    http_query(req, "sort"), http_query(req, "limit"), http_query(req, "cursor"), err);
}

struct list_ctx {
	struct buf *out; /* where rows go */
	int n;           /* rows written */
};

static int list_row_json(void *ctx, const struct record *r)
{
	struct list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	record_write_json(r, lc->out);
	return 0;
}

static int list_row_csv(void *ctx, const struct record *r)
{
	struct list_ctx *lc = ctx;
	lc->n++;
	record_write_csv(r, lc->out);
	return 0;
}

/* State of a streamed CSV export: the query with its own copies of the strings. */
struct export_ctx {
	struct db *db;            /* the worker's connection (same thread throughout) */
	struct actor who;         /* the caller */
	struct registry_filter f; /* the query, advanced page by page */
	struct arena arena;       /* owns the filter's strings and cursors */
	int header_done;          /* header line sent */
	int finished;             /* no more pages */
};

static int export_step(void *ctx, struct buf *out)
{
	struct export_ctx *x = ctx;
	if (!x->header_done) {
		buf_append(out, "\xEF\xBB\xBF", 3); /* so that Excel reads it as UTF-8 */
		record_type_write_csv_header(&ENTERPRISE_TYPE, out);
		x->header_done = 1;
		return 1;
	}
	if (x->finished)
		return 0;
	struct list_ctx lc = {out, 0};
	const char *next = NULL;
	if (registry_list(x->db, &x->who, &x->f, &x->arena, list_row_csv, &lc, &next) != REG_OK)
		return -1;
	if (next == NULL) {
		x->finished = 1;
		return out->len ? 1 : 0;
	}
	struct field_error err;
	if (registry_filter_continue(&x->f, &x->arena, next, &err) != REG_OK)
		return -1;
	return 1;
}

static void export_free(void *ctx)
{
	struct export_ctx *x = ctx;
	arena_free(&x->arena);
	free(x);
}

static int enterprises_list(struct http_request *req, struct http_response *res)
{
	struct registry_filter f;
	struct field_error err;
	int rc = filter_from_query(req, &f, &err);
	if (rc != REG_OK)
		return service_error(res, rc, &err, NULL);
	const char *format = http_query(req, "format");
	if (format && strcmp(format, "csv") == 0) {
		if (!api_allowed(req, "registry", "export"))
			return http_error(res, API_FORBIDDEN, "forbidden", "format",
			                  "your roles do not allow registry:export");
		struct export_ctx *x = xcalloc(1, sizeof *x);
		x->db = req->db;
		x->who = api_actor(req);
		x->who.name = arena_strdup(&x->arena, x->who.name);
		x->who.request_id = x->who.client_addr = NULL;
		x->f = f;
		if (f.industry)
			x->f.industry = arena_strdup(&x->arena, f.industry);
		if (f.status)
			x->f.status = arena_strdup(&x->arena, f.status);
		if (f.size)
			x->f.size = arena_strdup(&x->arena, f.size);
		if (f.q)
			x->f.q = arena_strdup(&x->arena, f.q);
		if (f.after_key)
			x->f.after_key = arena_strdup(&x->arena, f.after_key);
		x->f.limit = REGISTRY_EXPORT_CHUNK;
		res->status = 200;
		res->content_type = "text/csv; charset=utf-8";
		res->disposition = "attachment; filename=\"enterprises.csv\"";
		res->stream = export_step;
		res->stream_free = export_free;
		res->stream_ctx = x;
		return 0;
	}
	if (format && strcmp(format, "json") != 0)
		return http_error(res, API_BAD_REQUEST, "not_allowed", "format",
		                  "format must be json or csv");
	struct actor who = api_actor(req);
	buf_puts(&res->body, "{\"items\":[");
	struct list_ctx lc = {&res->body, 0};
	const char *next;
	if (registry_list(req->db, &who, &f, &req->arena, list_row_json, &lc, &next) != REG_OK)
		return -1;
	buf_puts(&res->body, "],\"next_cursor\":");
	if (next)
		json_write_string(&res->body, next, strlen(next));
	else
		buf_puts(&res->body, "null");
	const char *count = http_query(req, "count");
	if (count && strcmp(count, "true") == 0) {
		int64_t total;
		if (registry_count(req->db, &who, &f, &total) != REG_OK)
			return -1;
		buf_printf(&res->body, ",\"total\":%lld", (long long)total);
	}
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

struct counts_ctx {
	struct buf *out; /* where items go */
	int64_t total;   /* sum of the counts */
	int n;           /* items written */
};

static int counts_row(void *ctx, int region_code, int64_t count)
{
	struct counts_ctx *cc = ctx;
	buf_printf(cc->out, "%s{\"region_code\":\"%06d\",\"count\":%lld}", cc->n++ ? "," : "",
	           region_code, (long long)count);
	cc->total += count;
	return 0;
}

/* Live counts for the console's dashboard: one GROUP BY within the caller's scope. */
static int enterprises_counts(struct http_request *req, struct http_response *res)
{
	const char *by = http_query(req, "by");
	enum registry_count_by level;
	if (by == NULL || strcmp(by, "prefecture") == 0)
		level = REG_COUNT_BY_PREFECTURE;
	else if (strcmp(by, "county") == 0)
		level = REG_COUNT_BY_COUNTY;
	else
		return http_error(res, API_BAD_REQUEST, "not_allowed", "by",
		                  "by must be prefecture or county");
	struct registry_filter f;
	struct field_error err;
	int rc = registry_filter_parse(&f, &req->arena, http_query(req, "region"),
	                               http_query(req, "industry"), http_query(req, "status"),
	                               http_query(req, "size"), NULL, NULL, NULL, NULL, &err);
	if (rc != REG_OK)
		return service_error(res, rc, &err, NULL);
	struct actor who = api_actor(req);
	buf_printf(&res->body, "{\"by\":\"%s\",\"items\":[",
	           level == REG_COUNT_BY_COUNTY ? "county" : "prefecture");
	struct counts_ctx cc = {&res->body, 0, 0};
	if (registry_count_by_region(req->db, &who, &f, level, counts_row, &cc) != REG_OK)
		return -1;
	buf_printf(&res->body, "],\"total\":%lld}", (long long)cc.total);
	http_json(res, 200);
	return 0;
}

static int enterprises_get(struct http_request *req, struct http_response *res)
{
	struct record r;
	struct actor who = api_actor(req);
	int rc = registry_get(req->db, &who, req->params[0], &req->arena, &r);
	if (rc != REG_OK)
		return service_error(res, rc, NULL, req->params[0]);
	char etag[40];
	snprintf(etag, sizeof etag, "\"%s\"", r.v[ENT_VERSION]);
	const char *inm = http_header(req, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		res->status = 304;
		memcpy(res->etag, etag, sizeof etag);
		return 0;
	}
	write_enterprise(res, &r, 200);
	return 0;
}

static int enterprises_create(struct http_request *req, struct http_response *res)
{
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	struct record in, out;
	struct field_error err;
	record_init(&in, &ENTERPRISE_TYPE);
	int rc = record_from_json(&in, &req->arena, body, &err) == 0 ? REG_OK : REG_INVALID;
	json_decref(body);
	struct actor who = api_actor(req);
	if (rc == REG_OK)
		rc = registry_create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != REG_OK)
		return service_error(res, rc, &err, NULL);
	write_enterprise(res, &out, 201);
	return 0;
}

static int enterprises_update(struct http_request *req, struct http_response *res)
{
	int64_t if_version;
	if (api_if_match(req, res, &if_version) != 0)
		return 0;
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 0;
	struct record patch, out;
	struct field_error err;
	record_init(&patch, &ENTERPRISE_TYPE);
	int rc = record_from_json(&patch, &req->arena, body, &err) == 0 ? REG_OK : REG_INVALID;
	json_decref(body);
	struct actor who = api_actor(req);
	if (rc == REG_OK)
		rc = registry_update(req->db, &who, req->params[0], &patch, if_version, &req->arena,
		                     &out, &err);
	if (rc != REG_OK)
		return service_error(res, rc, &err, req->params[0]);
	write_enterprise(res, &out, 200);
	return 0;
}

static int enterprises_import(struct http_request *req, struct http_response *res)
{
	struct registry_import_options opt = {REG_IMPORT_ALL_OR_NOTHING, 0, TEXT_ENC_AUTO};
	const char *mode = http_query(req, "mode");
	if (mode && strcmp(mode, "skip_bad_rows") == 0)
		opt.mode = REG_IMPORT_SKIP_BAD;
	else if (mode && strcmp(mode, "all_or_nothing") != 0)
		return http_error(res, API_BAD_REQUEST, "not_allowed", "mode",
		                  "mode must be all_or_nothing or skip_bad_rows");
	const char *dry = http_query(req, "dry_run");
	if (dry && strcmp(dry, "true") == 0)
		opt.dry_run = 1;
	else if (dry && strcmp(dry, "false") != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "dry_run",
		                  "dry_run must be true or false");
	const char *enc = http_query(req, "encoding");
	if (enc && text_encoding_parse(enc, &opt.encoding) != 0)
		return http_error(res, API_BAD_REQUEST, "not_allowed", "encoding",
		                  "encoding must be auto, utf-8 or gb18030");
	struct actor who = api_actor(req);
	struct registry_import_report rep;
	if (registry_import(req->db, &who, req->body.data ? req->body.data : "", req->body.len,
	                    &opt, &req->arena, &rep) != REG_OK)
		return -1;
	if (rep.file_error)
		return http_error(res, API_BAD_REQUEST, "invalid_file", rep.file_error_field, "%s",
		                  rep.file_error);
	registry_import_report_json(&rep, &res->body);
	http_json(res, rep.rejected && !rep.committed && !opt.dry_run ? 422 : 200);
	return 0;
}

/* Public check of a credit code: what a citizen or clerk types before anything else. */
static int codes_uscc_check(struct http_request *req, struct http_response *res)
{
	const char *code = req->params[0];
	int org_ok = 0;
	enum uscc_result r = uscc_check(code, strlen(code), &org_ok);
	buf_puts(&res->body, "{\"code\":");
	json_write_string(&res->body, code, strlen(code));
	buf_printf(&res->body, ",\"valid\":%s,\"message\":", r == USCC_OK ? "true" : "false");
	const char *m = uscc_result_message(r);
	json_write_string(&res->body, m, strlen(m));
	if (r == USCC_OK)
		buf_printf(&res->body, ",\"organisation_code_valid\":%s,\"region_code\":\"%.6s\"",
		           org_ok ? "true" : "false", code + 2);
	buf_putc(&res->body, '}');
	http_json(res, 200);
	return 0;
}

static const struct route_param LIST_PARAMS[] = {
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"industry", "string", "GB/T 4754 section letter"},
    {"status", "string", "active, suspended, revoked or deregistered"},
    {"size", "string", "micro, small, medium or large"},
    {"q", "string", "text in the name or Tibetan name, or the start of a credit code"},
    {"sort", "string", "id, name or credit_code; prefix - for descending"},
    {"limit", "integer", "page size, 1 to 1000 (default 50)"},
    {"cursor", "string", "next_cursor of the previous page"},
    {"count", "boolean", "true adds the total number of matches"},
    {"format", "string", "json (default) or csv (all matches, streamed)"},
    {NULL, NULL, NULL},
};

static const struct route_param COUNTS_PARAMS[] = {
    {"by", "string", "prefecture (default: the first four digits + 00) or county"},
    {"region", "string", "GB/T 2260 code: the region and everything below it"},
    {"industry", "string", "GB/T 4754 section letter"},
    {"status", "string", "active, suspended, revoked or deregistered"},
    {"size", "string", "micro, small, medium or large"},
    {NULL, NULL, NULL},
};

static const struct route_param IMPORT_PARAMS[] = {
    {"mode", "string", "all_or_nothing (default) or skip_bad_rows"},
    {"dry_run", "boolean", "true: validate and report, write nothing"},
    {"encoding", "string", "auto (default), utf-8 or gb18030"},
    {NULL, NULL, NULL},
};

static const struct route REGISTRY_ROUTES[] = {
    {"GET", "/api/v1/enterprises", enterprises_list, 0, 0, "List enterprises", "registry", NULL,
     "EnterpriseList", LIST_PARAMS, 200, "registry:read"},
    {"POST", "/api/v1/enterprises", enterprises_create, 0, 0, "Register an enterprise", "registry",
     "EnterpriseInput", "Enterprise", NULL, 201, "registry:write"},
    {"POST", "/api/v1/enterprises/import", enterprises_import, ROUTE_RAW_BODY,
     REGISTRY_IMPORT_BODY_LIMIT, "Import enterprises from CSV (UTF-8 or GB18030)", "registry",
     "csv", "ImportReport", IMPORT_PARAMS, 200, "registry:write"},
    /* Before {credit_code}, which would otherwise take "counts" for a credit code. */
    {"GET", "/api/v1/enterprises/counts", enterprises_counts, 0, 0,
     "Count enterprises by prefecture or county, live, within your scope", "registry", NULL,
     "EnterpriseCounts", COUNTS_PARAMS, 200, "registry:read"},
    {"GET", "/api/v1/enterprises/{credit_code}", enterprises_get, 0, 0,
     "Read an enterprise by credit code", "registry", NULL, "Enterprise", NULL, 200,
     "registry:read"},
    {"PATCH", "/api/v1/enterprises/{credit_code}", enterprises_update, 0, 0,
     "Change fields of an enterprise (If-Match: ETag)", "registry", "EnterprisePatch", "Enterprise",
     NULL, 200, "registry:write"},
    {"GET", "/api/v1/codes/uscc/{code}", codes_uscc_check, ROUTE_PUBLIC, 0,
     "Check a unified social credit code (GB 32100) and its organisation code", "registry", NULL,
     "CodeCheck", NULL, 200, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table REGISTRY_ROUTE_TABLE = {"registry", REGISTRY_ROUTES};

/*
 * HTTP handlers of sample attachments: upload (the file's raw bytes as the body, kind and
 * name in the query, its type in Content-Type), the list of a sample's attachments, and the
 * download of one, verified against its SHA-256 before a byte is sent. Parse, call
 * attachments.c, shape the answer.
 */
#include <stdio.h>
#include <string.h>

#include "modules/sampling/attachments.h"
#include "platform/api_common.h"
#include "platform/router.h"

static void put_text(struct buf *out, const char *key, const char *v)
{
	buf_printf(out, ",\"%s\":", key);
	json_write_string(out, v, strlen(v));
}

/* Appends attachment t as JSON. */
static void attachment_write(const struct sp_attachment *t, struct buf *out)
{
	buf_printf(out, "{\"id\":\"%lld\",\"sample_id\":\"%lld\"", (long long)t->id,
	           (long long)t->sample_id);
	put_text(out, "kind", t->kind);
	put_text(out, "name", t->name);
	put_text(out, "content_type", t->content_type);
	buf_printf(out, ",\"size\":%lld", (long long)t->size);
	put_text(out, "sha256", t->sha256);
	put_text(out, "uploaded_by", t->uploaded_by);
	put_text(out, "uploaded_at", t->uploaded_at);
	buf_putc(out, '}');
}

static int attachment_upload(struct http_request *req, struct http_response *res)
{
	int64_t sample;
	if (api_id_param(req, res, "sample", &sample) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct field_error err;
	struct sp_attachment t;
	int rc = sp_attachment_add(req->db, &who, sample, http_query(req, "kind"),
	                           http_query(req, "name"), http_header(req, "Content-Type"),
	                           req->body.data ? req->body.data : "", req->body.len, &req->arena,
	                           &t, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, "sample", req->params[0]);
	attachment_write(&t, &res->body);
	http_json(res, 201);
	return 0;
}

static void list_row(void *ctx, const struct sp_attachment *t)
{
	struct api_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	attachment_write(t, lc->out);
}

static int attachments_of_sample(struct http_request *req, struct http_response *res)
{
	int64_t sample;
	if (api_id_param(req, res, "sample", &sample) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct buf items = {0};
	struct api_list_ctx lc = {&items, 0};
	int rc = sp_attachment_list(req->db, &who, sample, &req->arena, list_row, &lc);
	if (rc != SVC_OK) {
		buf_free(&items);
		return api_service_error(res, rc, NULL, "sample", req->params[0]);
	}
	return api_items_send(res, &items);
}

static int attachment_download(struct http_request *req, struct http_response *res)
{
	int64_t id;
	if (api_id_param(req, res, "attachment", &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct sp_attachment t;
	int rc = sp_attachment_get(req->db, &who, id, &req->arena, &t, &res->body);
	if (rc != SVC_OK) {
		buf_reset(&res->body);
		return api_service_error(res, rc, NULL, "attachment", req->params[0]);
	}
	return api_file_send(req, res, t.content_type, t.sha256, t.name);
}

void sp_attachment_schemas_write(struct buf *out)
{
	buf_puts(out, "\"SamplingAttachment\":{\"type\":\"object\",\"properties\":{\"id\":{"
	              "\"type\":\"string\"},\"sample_id\":{\"type\":\"string\"},\"kind\":{"
	              "\"type\":\"string\",\"enum\":[\"photo\",\"form\",\"report\",\"other\"]},"
	              "\"name\":{\"type\":\"string\",\"maxLength\":200},\"content_type\":{"
	              "\"type\":\"string\",\"enum\":[\"image/jpeg\",\"image/png\","
	              "\"application/pdf\"]},\"size\":{\"type\":\"integer\"},\"sha256\":{"
	              "\"type\":\"string\"},\"uploaded_by\":{\"type\":\"string\"},"
	              "\"uploaded_at\":{\"type\":\"string\"}}},"
	              "\"SamplingAttachmentList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "SamplingAttachment\"}}}},");
}

static const struct route_param UPLOAD_PARAMS[] = {
    {"kind", "string", "photo (image/jpeg or image/png), form, report or other"},
    {"name", "string", "the file name shown and given back on download (1 to 200 characters)"},
    {NULL, NULL, NULL},
};

static const struct route SP_ATTACHMENT_ROUTES[] = {
    {"POST", "/api/v1/sampling/samples/{id}/attachments", attachment_upload, ROUTE_RAW_BODY,
     SP_ATTACHMENT_MAX_BYTES,
     "Attach a file to a sample: the raw bytes as the body (at most 10 MiB), its type "
     "(image/jpeg, image/png, application/pdf) in Content-Type, checked against the bytes; at "
     "most 50 a sample",
     "sampling", NULL, "SamplingAttachment", UPLOAD_PARAMS, 201, "sampling:write"},
    {"GET", "/api/v1/sampling/samples/{id}/attachments", attachments_of_sample, 0, 0,
     "The attachments of a sample, by upload time", "sampling", NULL, "SamplingAttachmentList",
     NULL, 200, "sampling:read"},
    {"GET", "/api/v1/sampling/attachments/{id}", attachment_download, 0, 0,
     "Download an attachment: its bytes with their type, ETag the SHA-256 (500 if the stored "
     "file no longer matches it)",
     "sampling", NULL, NULL, NULL, 200, "sampling:read"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_ATTACHMENT_ROUTE_TABLE = {"sampling-attachments", SP_ATTACHMENT_ROUTES};

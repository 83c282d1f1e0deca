/*
 * What record-shaped resources of every module share on the HTTP side: service results as
 * HTTP errors, ids from the path, JSON bodies as records, list pages, stored files, and
 * get/create/update
 * handlers driven by a struct api_resource.
 */
#include <stdio.h>
#include <string.h>

#include "platform/api_common.h"
#include "platform/service.h"

int api_service_error(struct http_response *res, int rc, const struct field_error *err,
                      const char *what, const char *key)
{
	switch (rc) {
	case SVC_NOT_FOUND:
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no %s %s in your scope",
		                  what, key ? key : "");
	case SVC_INVALID:
		return http_error(res, API_BAD_REQUEST, err->code, err->field, "%s", err->message);
	case SVC_CONFLICT:
		return http_error(res, API_CONFLICT, err->code, err->field, "%s", err->message);
	case SVC_FORBIDDEN:
		return http_error(res, API_FORBIDDEN, err ? err->code : "forbidden",
		                  err ? err->field : NULL, "%s",
		                  err ? err->message : "not allowed");
	case SVC_STALE:
		return http_error(res, API_PRECONDITION_FAILED, "stale", NULL,
		                  "the %s was changed meanwhile; read it again", what);
	default:
		return -1;
	}
}

int api_id_param(struct http_request *req, struct http_response *res, const char *what, int64_t *id)
{
	if (field_int_parse_cstr(req->params[0], 1, INT64_MAX, id) != 0)
		return http_error(res, API_NOT_FOUND, "not_found", NULL, "no %s %s in your scope",
		                  what, req->params[0]),
		       -1;
	return 0;
}

int api_record_body(struct http_request *req, struct http_response *res,
                    const struct record_type *t, struct record *in, struct field_error *err)
{
	json_t *body = http_body_json(req, res);
	if (body == NULL)
		return 1;
	record_init(in, t);
	int rc = record_from_json(in, &req->arena, body, err) == 0 ? SVC_OK : SVC_INVALID;
	json_decref(body);
	return rc;
}

void api_list_end(struct http_response *res, const char *next_cursor, const char *extra)
{
	buf_puts(&res->body, "],\"next_cursor\":");
	if (next_cursor)
		json_write_string(&res->body, next_cursor, strlen(next_cursor));
	else
		buf_puts(&res->body, "null");
	if (extra)
		buf_puts(&res->body, extra);
	buf_putc(&res->body, '}');
	http_json(res, 200);
}

/* 1 for the bytes RFC 8187 (attr-char) lets stand unescaped in filename*. */
static int attr_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL);
}

/* "attachment; filename*=UTF-8''<name percent-encoded>", in a. */
static const char *disposition_of(const char *name, struct arena *a)
{
	static const char HEX[] = "0123456789ABCDEF";
	static const char HEAD[] = "attachment; filename*=UTF-8''";
	size_t n = strlen(name);
	char *out = arena_alloc(a, sizeof HEAD + 3 * n);
	char *p = out + sizeof HEAD - 1;
	memcpy(out, HEAD, sizeof HEAD - 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (attr_char(c)) {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = HEX[c >> 4];
			*p++ = HEX[c & 15];
		}
	}
	*p = '\0';
	return out;
}

int api_file_send(struct http_request *req, struct http_response *res, const char *content_type,
                  const char *sha256, const char *name)
{
	res->status = 200;
	res->content_type = content_type;
	snprintf(res->etag, sizeof res->etag, "\"%s\"", sha256);
	res->disposition = disposition_of(name, &req->arena);
	return 0;
}

int api_items_send(struct http_response *res, struct buf *items)
{
	buf_puts(&res->body, "{\"items\":[");
	buf_append(&res->body, items->data ? items->data : "", items->len);
	buf_puts(&res->body, "]}");
	buf_free(items);
	http_json(res, 200);
	return 0;
}

int api_record_row(void *ctx, const struct record *r)
{
	struct api_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	record_write_json(r, lc->out);
	return 0;
}

/* Answers one record, with its version as the ETag where it has one. */
static int respond(struct http_response *res, const struct api_resource *k, const struct record *r,
                   int status)
{
	record_write_json(r, &res->body);
	if (k->version_field >= 0 && r->v[k->version_field])
		snprintf(res->etag, sizeof res->etag, "\"%s\"", r->v[k->version_field]);
	http_json(res, status);
	return 0;
}

int api_resource_get(struct http_request *req, struct http_response *res,
                     const struct api_resource *k)
{
	int64_t id;
	if (api_id_param(req, res, k->what, &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record r;
	int rc = k->get(req->db, &who, id, &req->arena, &r);
	if (rc != SVC_OK)
		return api_service_error(res, rc, NULL, k->what, req->params[0]);
	return respond(res, k, &r, 200);
}

int api_resource_create(struct http_request *req, struct http_response *res,
                        const struct api_resource *k)
{
	struct record in, out;
	struct field_error err;
	int rc = api_record_body(req, res, k->type, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = k->create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, k->what, NULL);
	return respond(res, k, &out, 201);
}

int api_resource_update(struct http_request *req, struct http_response *res,
                        const struct api_resource *k)
{
	int64_t id, if_version;
	if (api_id_param(req, res, k->what, &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch, out;
	struct field_error err;
	int rc = api_record_body(req, res, k->type, &patch, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == SVC_OK)
		rc = k->update(req->db, &who, id, &patch, if_version, &req->arena, &out, &err);
	if (rc != SVC_OK)
		return api_service_error(res, rc, &err, k->what, req->params[0]);
	return respond(res, k, &out, 200);
}

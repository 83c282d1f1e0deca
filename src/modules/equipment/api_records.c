/*
 * What the handlers of the equipment module's record-shaped parts (operators, accidents,
 * campaigns, cylinder batches) have in common: reading one, creating one, changing one with
 * If-Match, and writing list rows. Each part describes itself in a struct eq_resource.
 */
#include <stdio.h>
#include <string.h>

#include "modules/equipment/api.h"
#include "platform/api_common.h"

int eq_record_row(void *ctx, const struct record *r)
{
	struct eq_list_ctx *lc = ctx;
	if (lc->n++)
		buf_putc(lc->out, ',');
	record_write_json(r, lc->out);
	return 0;
}

/* Answers one record, with its version as the ETag where it has one. */
static int respond(struct http_response *res, const struct eq_resource *k, const struct record *r,
                   int status)
{
	record_write_json(r, &res->body);
	if (k->version_field >= 0 && r->v[k->version_field])
		snprintf(res->etag, sizeof res->etag, "\"%s\"", r->v[k->version_field]);
	http_json(res, status);
	return 0;
}

int eq_resource_get(struct http_request *req, struct http_response *res,
                    const struct eq_resource *k)
{
	int64_t id;
	if (eq_id_param(req, res, k->what, &id) != 0)
		return 0;
	struct actor who = api_actor(req);
	struct record r;
	int rc = k->get(req->db, &who, id, &req->arena, &r);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, NULL, k->what, req->params[0]);
	return respond(res, k, &r, 200);
}

int eq_resource_create(struct http_request *req, struct http_response *res,
                       const struct eq_resource *k)
{
	struct record in, out;
	struct field_error err;
	int rc = eq_record_body(req, res, k->type, &in, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc = k->create(req->db, &who, &in, &req->arena, &out, &err);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, &err, k->what, NULL);
	return respond(res, k, &out, 201);
}

int eq_resource_update(struct http_request *req, struct http_response *res,
                       const struct eq_resource *k)
{
	int64_t id, if_version;
	if (eq_id_param(req, res, k->what, &id) != 0 || api_if_match(req, res, &if_version) != 0)
		return 0;
	struct record patch, out;
	struct field_error err;
	int rc = eq_record_body(req, res, k->type, &patch, &err);
	if (rc == 1)
		return 0;
	struct actor who = api_actor(req);
	if (rc == EQ_OK)
		rc = k->update(req->db, &who, id, &patch, if_version, &req->arena, &out, &err);
	if (rc != EQ_OK)
		return eq_service_error(res, rc, &err, k->what, req->params[0]);
	return respond(res, k, &out, 200);
}

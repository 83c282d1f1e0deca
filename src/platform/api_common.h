/*
 * What every module's handlers share: the acting user of a request.
 */
#ifndef JZ_API_COMMON_H
#define JZ_API_COMMON_H

#include "actor.h"
#include <stdint.h>

#include "http.h"
#include "fields.h"

/*
 * The actor for a request: the signed-in account with its data scope, or "anonymous" with
 * nothing in scope (public routes only).
 */
struct actor api_actor(struct http_request *req);

/* 1 if the signed-in account may do action on module (for checks inside a handler, such as
 * export through ?format=csv). */
int api_allowed(struct http_request *req, const char *module, const char *action);

/* The version an If-Match header asks for ("<n>", quoted as our ETags are, or bare) into
 * *version, 0 when there is none. Returns 0, or -1 after answering 400. */
int api_if_match(struct http_request *req, struct http_response *res, int64_t *version);

struct field_error;
struct record;
struct record_type;
struct arena;
struct db;

/* Answers a service result other than SVC_OK (what: "unit", "sample"...; key: the code or id
 * asked for). Returns what a handler returns. */
int api_service_error(struct http_response *res, int rc, const struct field_error *err,
                      const char *what, const char *key);

/* The {id} of a path (a positive 64-bit integer) into *id. Returns 0, or -1 after answering
 * 404 for a what that cannot exist ("operator", "accident"...). */
int api_id_param(struct http_request *req, struct http_response *res, const char *what,
                 int64_t *id);

/* Reads the JSON body into in (a record of type t). Returns SVC_OK; SVC_INVALID with *err; or 1
 * when the body was not JSON, which is answered already. */
int api_record_body(struct http_request *req, struct http_response *res,
                    const struct record_type *t, struct record *in, struct field_error *err);

/* Ends a list answer begun with {"items":[ : the next cursor (or null), any members in extra
 * (or NULL), then sends it with 200. */
void api_list_end(struct http_response *res, const char *next_cursor, const char *extra);

/*
 * Answers 200 with a stored file whose bytes are in res->body already: content_type, the
 * file's SHA-256 (hex) as its ETag, and "attachment; filename*=UTF-8''<name percent-encoded>"
 * (RFC 8187) as its Content-Disposition, that header in req's arena. Returns 0.
 */
int api_file_send(struct http_request *req, struct http_response *res, const char *content_type,
                  const char *sha256, const char *name);

/* Sends {"items":[items]} (rows written into a buffer of their own, to answer an error
 * instead when the listing fails half way) with 200, and frees items. Returns 0. */
int api_items_send(struct http_response *res, struct buf *items);

/* A list being written: rows go to out, separated by commas. */
struct api_list_ctx {
	struct buf *out;
	int n; /* rows written */
};

/* A list callback writing each record as JSON into a struct api_list_ctx. */
int api_record_row(void *ctx, const struct record *r);

/* A record-shaped part of the module, for the shared handlers below. */
struct api_resource {
	const char *what;               /* "operator", for messages */
	const struct record_type *type; /* its fields */
	int version_field;              /* field holding the version (the ETag), or -1 */
	int (*get)(struct db *db, const struct actor *who, int64_t id, struct arena *a,
	           struct record *out);
	int (*create)(struct db *db, const struct actor *who, const struct record *in,
	              struct arena *a, struct record *out, struct field_error *err);
	int (*update)(struct db *db, const struct actor *who, int64_t id,
	              const struct record *patch, int64_t if_version, struct arena *a,
	              struct record *out, struct field_error *err);
};

/* GET .../{id}, POST ... (a JSON body), PATCH .../{id} (If-Match) of a resource. */
int api_resource_get(struct http_request *req, struct http_response *res,
                     const struct api_resource *k);
int api_resource_create(struct http_request *req, struct http_response *res,
                        const struct api_resource *k);
int api_resource_update(struct http_request *req, struct http_response *res,
                        const struct api_resource *k);

#endif

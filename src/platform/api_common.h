/*
 * What every module's handlers share: the acting user of a request.
 */
#ifndef JZ_API_COMMON_H
#define JZ_API_COMMON_H

#include "actor.h"
#include <stdint.h>

#include "http.h"

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

#endif

/*
 * What every module's handlers share: the acting user of a request.
 */
#ifndef JZ_API_COMMON_H
#define JZ_API_COMMON_H

#include "actor.h"
#include "http.h"

/*
 * The actor for a request: the signed-in account with its data scope, or "anonymous" with
 * nothing in scope (public routes only).
 */
struct actor api_actor(struct http_request *req);

/* 1 if the signed-in account may do action on module (for checks inside a handler, such as
 * export through ?format=csv). */
int api_allowed(struct http_request *req, const char *module, const char *action);

#endif

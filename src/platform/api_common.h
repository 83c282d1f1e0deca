/*
 * What every module's handlers share: the acting user of a request.
 */
#ifndef JZ_API_COMMON_H
#define JZ_API_COMMON_H

#include "actor.h"
#include "http.h"

/*
 * The actor for a request. Until accounts exist every caller is "anonymous" with the whole
 * deployment in scope; the accounts module replaces this with the authenticated user.
 */
struct actor api_actor(struct http_request *req);

#endif

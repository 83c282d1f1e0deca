/*
 * Routing: matches a method and path against the modules' const route tables, and writes the
 * OpenAPI 3 document from the same tables, so the document cannot drift from what is served.
 */
#ifndef JZ_ROUTER_H
#define JZ_ROUTER_H

#include "http.h"

/*
 * Finds the route for method and path. Returns 0 with *route and the {name} segments in
 * params (copied into arena), 404 when no pattern matches the path, 405 when patterns match
 * but none with this method.
 */
int router_match(const char *method, const char *path, const struct route **route,
                 const char **params, struct arena *arena);

/* Appends the methods served on path ("GET, PATCH") to out, for a 405's Allow header. */
void router_allowed(const char *path, struct buf *out);

/* Appends the OpenAPI 3.0 document of every route table to out. */
void router_write_openapi(struct buf *out);

#endif

/*
 * Component schemas of the OpenAPI document (written by src/modules/api_routes.c, which
 * knows every module's record types).
 */
#ifndef JZ_SCHEMAS_H
#define JZ_SCHEMAS_H

#include "mem.h"

/* Appends "Name":{schema},... for every component. */
void schemas_write(struct buf *out);

#endif

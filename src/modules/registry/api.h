/*
 * The registry's routes.
 */
#ifndef JZ_REGISTRY_API_H
#define JZ_REGISTRY_API_H

#include "platform/http.h"

extern const struct route_table REGISTRY_ROUTE_TABLE;

#endif

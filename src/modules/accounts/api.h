/*
 * The accounts module's routes: signing in and out, the signed-in account, administration of
 * accounts, roles and org units, personal API tokens, and reading the audit log.
 */
#ifndef JZ_ACCOUNTS_API_H
#define JZ_ACCOUNTS_API_H

#include "platform/http.h"

extern const struct route_table ACCOUNTS_ROUTE_TABLE;

#endif

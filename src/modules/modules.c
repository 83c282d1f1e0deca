/*
 * The modules this build carries, in the order their migrations run. A new module adds one
 * line here and one routing table in src/platform/api_routes.c.
 */
#include "platform/migrate.h"
#include "platform/workdays.h"
#include "modules/accounts/service.h"
#include "modules/equipment/seed.h"
#include "modules/licensing/catalogue.h"
#include "modules/regions/service.h"
#include "modules/sampling/catalogue.h"

const struct migrate_module MIGRATE_MODULES[] = {
    {"platform", "src/platform/migrations", workcal_seed},
    {"regions", "src/modules/regions/migrations", regions_seed},
    {"registry", "src/modules/registry/migrations", NULL},
    {"equipment", "src/modules/equipment/migrations", eq_seed},
    {"sampling", "src/modules/sampling/migrations", sp_seed},
    {"licensing", "src/modules/licensing/migrations", lc_seed},
    {"accounts", "src/modules/accounts/migrations", acc_seed},
    {NULL, NULL, NULL},
};

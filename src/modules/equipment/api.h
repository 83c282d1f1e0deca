/*
 * The equipment module's HTTP side: route tables and what the handlers of its parts share.
 */
#ifndef JZ_EQUIPMENT_API_H
#define JZ_EQUIPMENT_API_H

#include "modules/equipment/tally.h"
#include "modules/equipment/units.h"
#include "platform/http.h"
#include "platform/router.h"

/* The parts' route tables (all listed in src/modules/api_routes.c). */
extern const struct route_table EQ_UNIT_ROUTE_TABLE, EQ_OPERATOR_ROUTE_TABLE,
    EQ_ACCIDENT_ROUTE_TABLE, EQ_CAMPAIGN_ROUTE_TABLE, EQ_CYLINDER_ROUTE_TABLE,
    EQ_PUBLIC_ROUTE_TABLE;

/* Appends a unit as JSON: its fields and the computed overdue, days_to_due, hazard_grade and
 * use_unit_name. */
void eq_write_unit(const struct eq_unit *u, struct buf *out);

/* Appends "registration":{num,den,rate},"inspection":...,"operators":...,"accidents":... */
void eq_write_rates(struct buf *out, const struct eq_rates *r);

/* Reads region, category, on, from, to into q with the caller's scope. Returns 0, or -1 after
 * answering 400. */
int eq_rates_params(struct http_request *req, struct http_response *res, struct eq_rates_query *q);

/* Appends the module's OpenAPI component schemas ("Name":{...}, each followed by a comma):
 * eq_schemas_write writes every part's. */
void eq_schemas_write(struct buf *out);
void eq_operator_schemas_write(struct buf *out);
void eq_accident_schemas_write(struct buf *out);
void eq_campaign_schemas_write(struct buf *out);
void eq_cylinder_schemas_write(struct buf *out);
void eq_public_schemas_write(struct buf *out);

#endif

/*
 * The equipment module's HTTP side: route tables and what the handlers of its parts share.
 */
#ifndef JZ_EQUIPMENT_API_H
#define JZ_EQUIPMENT_API_H

#include "modules/equipment/tally.h"
#include "modules/equipment/units.h"
#include "platform/http.h"
#include "platform/router.h"

extern const struct route_table EQ_UNIT_ROUTE_TABLE;

/* Answers a service result other than EQ_OK (what: "unit", "operator"...; key: the code or
 * id asked for). Returns what a handler returns. */
int eq_service_error(struct http_response *res, int rc, const struct field_error *err,
                     const char *what, const char *key);

/* Appends a unit as JSON: its fields and the computed overdue, days_to_due, hazard_grade and
 * use_unit_name. */
void eq_write_unit(const struct eq_unit *u, struct buf *out);

/* Appends "registration":{num,den,rate},"inspection":...,"operators":...,"accidents":... */
void eq_write_rates(struct buf *out, const struct eq_rates *r);

/* Reads region, category, on, from, to into q with the caller's scope. Returns 0, or -1 after
 * answering 400. */
int eq_rates_params(struct http_request *req, struct http_response *res,
                    struct eq_rates_query *q);

/* Appends the module's OpenAPI component schemas ("Name":{...}, each followed by a comma). */
void eq_schemas_write(struct buf *out);

#endif

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

/* Answers a service result other than EQ_OK (what: "unit", "operator"...; key: the code or
 * id asked for). Returns what a handler returns. */
int eq_service_error(struct http_response *res, int rc, const struct field_error *err,
                     const char *what, const char *key);

/* The {id} of a path (a positive 64-bit integer) into *id. Returns 0, or -1 after answering
 * 404 for a what that cannot exist ("operator", "accident"...). */
int eq_id_param(struct http_request *req, struct http_response *res, const char *what,
                int64_t *id);

/* Reads the JSON body into in (a record of type t). Returns EQ_OK; EQ_INVALID with *err; or 1
 * when the body was not JSON, which is answered already. */
int eq_record_body(struct http_request *req, struct http_response *res,
                   const struct record_type *t, struct record *in, struct field_error *err);

/* Ends a list answer begun with {"items":[ : the next cursor (or null), any members in extra
 * (or NULL), then sends it with 200. */
void eq_list_end(struct http_response *res, const char *next_cursor, const char *extra);

/* Appends a unit as JSON: its fields and the computed overdue, days_to_due, hazard_grade and
 * use_unit_name. */
void eq_write_unit(const struct eq_unit *u, struct buf *out);

/* Appends "registration":{num,den,rate},"inspection":...,"operators":...,"accidents":... */
void eq_write_rates(struct buf *out, const struct eq_rates *r);

/* Reads region, category, on, from, to into q with the caller's scope. Returns 0, or -1 after
 * answering 400. */
int eq_rates_params(struct http_request *req, struct http_response *res,
                    struct eq_rates_query *q);

/* Appends the module's OpenAPI component schemas ("Name":{...}, each followed by a comma):
 * eq_schemas_write writes every part's. */
void eq_schemas_write(struct buf *out);
void eq_operator_schemas_write(struct buf *out);
void eq_accident_schemas_write(struct buf *out);
void eq_campaign_schemas_write(struct buf *out);
void eq_cylinder_schemas_write(struct buf *out);
void eq_public_schemas_write(struct buf *out);

#endif

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
int eq_id_param(struct http_request *req, struct http_response *res, const char *what, int64_t *id);

/* Reads the JSON body into in (a record of type t). Returns EQ_OK; EQ_INVALID with *err; or 1
 * when the body was not JSON, which is answered already. */
int eq_record_body(struct http_request *req, struct http_response *res, const struct record_type *t,
                   struct record *in, struct field_error *err);

/* Ends a list answer begun with {"items":[ : the next cursor (or null), any members in extra
 * (or NULL), then sends it with 200. */
void eq_list_end(struct http_response *res, const char *next_cursor, const char *extra);

/* A list being written: rows go to out, separated by commas. */
struct eq_list_ctx {
	struct buf *out;
	int n; /* rows written */
};

/* A list callback writing each record as JSON into a struct eq_list_ctx. */
int eq_record_row(void *ctx, const struct record *r);

/* A record-shaped part of the module, for the shared handlers below. */
struct eq_resource {
	const char *what;               /* "operator", for messages */
	const struct record_type *type; /* its fields */
	int version_field;              /* field holding the version (the ETag), or -1 */
	int (*get)(struct db *db, const struct actor *who, int64_t id, struct arena *a,
	           struct record *out);
	int (*create)(struct db *db, const struct actor *who, const struct record *in,
	              struct arena *a, struct record *out, struct field_error *err);
	int (*update)(struct db *db, const struct actor *who, int64_t id,
	              const struct record *patch, int64_t if_version, struct arena *a,
	              struct record *out, struct field_error *err);
};

/* GET .../{id}, POST ... (a JSON body), PATCH .../{id} (If-Match) of a resource. */
int eq_resource_get(struct http_request *req, struct http_response *res,
                    const struct eq_resource *k);
int eq_resource_create(struct http_request *req, struct http_response *res,
                       const struct eq_resource *k);
int eq_resource_update(struct http_request *req, struct http_response *res,
                       const struct eq_resource *k);

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

/*
 * What the licensing module's parts share: the kinds of licence and purposes of an
 * application, the module's limits (validity, post-licence checks, renewal notice, paging,
 * attachments), the workflow process codes, and the route tables and schema writers each
 * part defines (api_applications.c, api_licences.c, public.c), which src/modules/api_routes.c
 * lists. Result codes are the platform's (platform/service.h).
 */
#ifndef JZ_LICENSING_COMMON_H
#define JZ_LICENSING_COMMON_H

#include <stdint.h>

#include "platform/actor.h"
#include "platform/fields.h"
#include "platform/mem.h"
#include "platform/scope.h"
#include "platform/service.h"

struct route_table;

/* Kinds of licence (lc_category.kind, lc_application.kind, lc_licence.kind). */
#define LC_KIND_FOOD       "food"
#define LC_KIND_INDUSTRIAL "industrial"

/* Purposes of an application (lc_application.purpose). */
#define LC_PURPOSE_NEW     "new"
#define LC_PURPOSE_CHANGE  "change"
#define LC_PURPOSE_RENEWAL "renewal"
#define LC_PURPOSE_CANCEL  "cancel"

/* The workflow processes (data/flows/licence-*.json, defined by lc_seed). */
#define LC_PROCESS_FOOD       "licence-food"
#define LC_PROCESS_INDUSTRIAL "licence-industrial"
/* The subject of a case: this prefix and the application's id. */
#define LC_SUBJECT_PREFIX "licensing.application:"

/* Limits. Unverified defaults are said so in docs/licensing.md. */
#define LC_VALIDITY_YEARS      5  /* a licence's term (licensing.validity_years default) */
#define LC_CHECK_MONTHS        12 /* a post-licence check 12 months after issue / last check */
#define LC_RENEWAL_NOTICE_DAYS 30 /* Administrative Licensing Law art. 50 */
#define LC_PAGE_DEFAULT        50
#define LC_PAGE_MAX            500
#define LC_ATTACHMENT_MAX      (10u * 1024u * 1024u) /* bytes of one uploaded file */
#define LC_CATEGORIES_MAX      32                    /* categories in one application */
#define LC_CATEGORY_CODE_MAX   16                    /* bytes of a category code, with NUL */
#define LC_LICENCE_NO_MAX      64                    /* bytes of a licence number, with NUL */
#define LC_APPLICATION_NO_MAX  32                    /* bytes of an application number */

/* The issuing authority as printed on certificates and verification pages. */
#define LC_ISSUER_ZH "西藏自治区市场监督管理局"
#define LC_ISSUER_EN "Market Supervision Administration of the Xizang Autonomous Region"

/* 1 if s is "food" or "industrial". */
int lc_kind_valid(const char *s);

/* Reads an optional kind filter into *kind: NULL for none (s NULL or ""), else s. Returns 0, or
 * SVC_INVALID with *err naming "kind" when s is neither food nor industrial. */
int lc_kind_param(const char *s, const char **kind, struct field_error *err);

/* Reads an optional region filter into *region: 0 for none (s NULL or ""), else the 6-digit
 * code. Returns 0, or SVC_INVALID with *err naming "region". */
int lc_region_param(const char *s, int *region, struct field_error *err);

/* 1 if s is one of the purposes above. */
int lc_purpose_valid(const char *s);

/* The workflow process of a kind ("food" -> LC_PROCESS_FOOD), or NULL for another kind. */
const char *lc_process_of_kind(const char *kind);

/* Reads a page-size parameter (NULL: LC_PAGE_DEFAULT) into *limit. Returns 0 or SVC_INVALID
 * with *err naming "limit". */
int lc_limit_parse(const char *s, int *limit, struct field_error *err);

/* Route tables, each defined by the part that owns it. */
extern const struct route_table LC_APPLICATION_ROUTE_TABLE; /* api_applications.c: categories,
                                                               applications, attachments,
                                                               queue */
extern const struct route_table LC_LICENCE_ROUTE_TABLE;     /* api_licences.c: licences,
                                                               certificates, checks, stats */
extern const struct route_table LC_PUBLIC_ROUTE_TABLE;      /* public.c: /v/{no}, public
                                                               search */

/* OpenAPI component schemas of each part's routes (each ends with a ','). */
void lc_application_schemas_write(struct buf *out);
void lc_licence_schemas_write(struct buf *out);
void lc_public_schemas_write(struct buf *out);

#endif

/*
 * What the sampling module's parts share: result codes (platform/service.h), limits, the data
 * scope of samples (a jurisdiction, plus the samples assigned to the actor's own lab), and
 * small helpers.
 */
#ifndef JZ_SAMPLING_COMMON_H
#define JZ_SAMPLING_COMMON_H

#include <stdint.h>

#include "platform/actor.h"
#include "platform/fields.h"
#include "platform/mem.h"
#include "platform/scope.h"
#include "platform/service.h"

struct db;
struct db_stmt;

#define SP_PAGE_DEFAULT     50
#define SP_PAGE_MAX         1000
#define SP_OBJECTION_DAYS   15 /* Product Quality Law art. 15: re-test asked within 15 days */
#define SP_RESAMPLE_MONTHS  6  /* SAMR Order 18: same product of a producer not again within */
#define SP_VISIT_MONTHS     12 /* an inspector who visited a producer within this is avoided */
#define SP_RISK_MONTHS      24 /* a failure within this weighs a producer 3 in weighted draws */
#define SP_RECTIFY_DAYS     60 /* Order 18: rectification within 60 days */
#define SP_RECHECK_DAYS     75 /* Order 18: re-inspection within 75 days */
#define SP_SECOND_FROM_DAYS 60 /* second re-inspection 60..90 days after the announcement */
#define SP_SECOND_BY_DAYS   90

/* The scope of samples for who: the region ranges of who within the subtree of region (0:
 * all), the entity of an enterprise account, and the actor's org unit, whose lab's samples
 * are visible too. */
struct sp_scope {
	struct scope sc;      /* regions and entity */
	const char *lab_unit; /* who->org_unit: samples at a lab of this org unit are visible */
};

/* Fills s; returns 0, or -1 when nothing at all can be visible. */
int sp_scope_make(const struct actor *who, int region, struct sp_scope *s);

/* Appends " AND ((<region_col> ranges [AND <producer_col> = ?]) OR <lab_col> IN (the labs of
 * the actor's org unit) OR <id_col> IN (samples re-tested at such a lab))" to sql;
 * sp_scope_bind binds from *i on. */
void sp_scope_sql(struct buf *sql, const struct sp_scope *s, const char *region_col,
                  const char *producer_col, const char *lab_col, const char *id_col);
void sp_scope_bind(struct db_stmt *st, int *i, const struct sp_scope *s);

/* 1 if sample id, of region and producer, at lab lab_id (0: none yet), is visible to who: in
 * who's jurisdiction, or assigned to who's lab, or re-tested there under an objection. */
int sp_sample_visible(struct db *db, const struct actor *who, int64_t id, int region,
                      const char *producer, int64_t lab_id);

/* Reads a page-size parameter (NULL: SP_PAGE_DEFAULT) into *limit. Returns 0 or SVC_INVALID
 * with *err naming "limit". */
int sp_limit_parse(const char *s, int *limit, struct field_error *err);

#endif

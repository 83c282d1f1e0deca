/*
 * Samples: the sampling record at a producer (or the producer's refusal), assignment to a lab
 * accredited for every item, item results and their judgement, submission by the analyst,
 * review and approval by two other people of the lab, and the day the producer was notified
 * (from which the objection window runs). An approved sample's results never change; only a
 * re-test of the reserve sample (objections.c) may change its final verdict.
 *
 * Status: sampled -> testing (assigned) -> submitted -> reviewed -> approved; refused when
 * the producer refused sampling; review may send a sample back to testing.
 */
#ifndef JZ_SAMPLING_SAMPLES_H
#define JZ_SAMPLING_SAMPLES_H

#include <stdint.h>

#include "modules/sampling/common.h"

struct sp_product;

/* Fields of a sample record (the order of SP_SAMPLE_TYPE's fields). */
enum sp_sample_field {
	SS_ID,
	SS_SAMPLE_NO,
	SS_TASK_ID,
	SS_DRAW_ID,
	SS_PRODUCT,
	SS_PRODUCER,
	SS_PRODUCER_NAME,
	SS_REGION_CODE,
	SS_INDUSTRY,
	SS_BRAND,
	SS_SPECIFICATION,
	SS_BATCH,
	SS_PRODUCTION_DATE,
	SS_QUANTITY_SAMPLED,
	SS_QUANTITY_RESERVE,
	SS_QUANTITY_UNIT,
	SS_SEAL_NO,
	SS_SAMPLERS,
	SS_PLACE,
	SS_SAMPLED_ON,
	SS_PRODUCER_RESPONSE,
	SS_REFUSAL_REASON,
	SS_LAB_ID,
	SS_RECEIVED_ON,
	SS_STATUS,
	SS_VERDICT,
	SS_FINAL_VERDICT,
	SS_ANALYST,
	SS_REVIEWER,
	SS_APPROVER,
	SS_APPROVED_ON,
	SS_NOTIFIED_ON,
	SS_CREATED_BY,
	SS_CREATED_AT,
	SS_UPDATED_AT,
	SS_VERSION,
	SS_NFIELDS
};

extern const struct record_type SP_SAMPLE_TYPE;

/* A sample as the other parts need it (strings in the caller's arena). */
struct sp_sample_row {
	int64_t id;
	const char *sample_no;
	int64_t task_id, product_id, lab_id;          /* lab_id 0: not assigned */
	const char *producer;                         /* credit code */
	int region;                                   /* the producer's county */
	const char *status, *verdict, *final_verdict; /* verdicts may be NULL */
	const char *analyst, *reviewer, *approver;    /* or NULL */
	int32_t notified_on;                          /* day number or DATE_NONE */
	int64_t quantity_reserve;
	int64_t version;
};

/* Reads sample id if who may see it (sp_scope). SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int sp_sample_read(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                   struct sp_sample_row *out);

/* The verdict of round (0 original, 1 re-test) of sample id of product p from its stored
 * results: SVC_OK with *verdict when every item of p has a result; SVC_INVALID with *missing
 * (an item code, in a) when one has none; SVC_ERROR. */
int sp_results_verdict(struct db *db, int64_t id, int round, const struct sp_product *p,
                       struct arena *a, const char **verdict, const char **missing);

/* Sets the final verdict of sample id (inside the caller's write transaction), raising its
 * version. SVC_OK or SVC_ERROR. */
int sp_sample_set_final(struct db *db, int64_t id, const char *final_verdict);

/* Creating, reading, changing, listing (record API like the other parts). Enterprise accounts
 * may only read their own. */
int sp_sample_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                  struct record *out);
int sp_sample_create(struct db *db, const struct actor *who, const struct record *in,
                     struct arena *a, struct record *out, struct field_error *err);
int sp_sample_update(struct db *db, const struct actor *who, int64_t id, const struct record *patch,
                     int64_t if_version, struct arena *a, struct record *out,
                     struct field_error *err);

/* ---- The lab's part (workflow.c) -------------------------------------------------------- */

/* One result as entered. */
struct sp_result_in {
	const char *item_code;
	const char *value;
};

/* Assigns sample id (status sampled) to lab_id, received on day received (DATE_NONE: today):
 * the lab must be accredited for every item of the product and its accreditation current.
 * Officers only. SVC_OK, SVC_NOT_FOUND, SVC_INVALID (*err: lab_id not_accredited / expired,
 * received_on), SVC_CONFLICT (wrong status), SVC_FORBIDDEN, SVC_ERROR. */
int sp_sample_assign(struct db *db, const struct actor *who, int64_t id, int64_t lab_id,
                     int32_t received, struct field_error *err);

/* Enters (or replaces) results of round 0 (status testing, by the lab's staff) or round 1 (a
 * re-test under an objection being re-tested, by the re-test lab's staff), each value judged
 * against the item's limit. All or nothing: a bad item (err->field "items[i].item_code" or
 * "items[i].value") writes none. */
int sp_results_enter(struct db *db, const struct actor *who, int64_t id, int round,
                     const struct sp_result_in *items, int n, struct arena *a,
                     struct field_error *err);

/* The analyst submits (every item has a result; the verdict follows from the items); another
 * of the lab reviews (accept: reviewed; else back to testing); a third approves (the final
 * verdict, counted in the statistics). Officers record the day the producer was notified. */
int sp_sample_submit(struct db *db, const struct actor *who, int64_t id, struct arena *a,
                     struct field_error *err);
int sp_sample_review(struct db *db, const struct actor *who, int64_t id, int accept,
                     const char *note, struct field_error *err);
int sp_sample_approve(struct db *db, const struct actor *who, int64_t id, struct field_error *err);
int sp_sample_notify(struct db *db, const struct actor *who, int64_t id, int32_t day,
                     struct field_error *err);

/* Appends the results of sample id as a JSON array: round, item_code, item names, unit, rule,
 * limits, value, judgement, analyst, entered_at; and for items without a result of round 0 a
 * row with value null (so the lab sees what is left). */
int sp_results_write_json(struct db *db, int64_t id, int64_t product_id, struct arena *a,
                          struct buf *out);

/* A list of samples: filters (NULL: any) and a page. */
struct sp_sample_filter {
	int region;           /* subtree, 0: any */
	const char *status;   /* one status */
	const char *verdict;  /* final verdict pass|fail */
	const char *product;  /* product code */
	const char *producer; /* credit code */
	int64_t task_id;      /* 0: any */
	int64_t lab_id;       /* 0: any */
	int year;             /* 0: any */
	int limit;            /* page size */
	int64_t before_id;    /* cursor: ids below this, 0: from the newest */
};

/* Parses the query parameters of a list. SVC_OK or SVC_INVALID with *err naming the parameter. */
int sp_sample_filter_parse(struct sp_sample_filter *f, const char *region, const char *status,
                           const char *verdict, const char *product, const char *producer,
                           const char *task, const char *lab, const char *year, const char *limit,
                           const char *cursor, struct field_error *err);

/* Lists samples visible to who, newest first, calling fn per record; *next_cursor (in a) or
 * NULL. SVC_OK or SVC_ERROR. */
int sp_sample_list(struct db *db, const struct actor *who, const struct sp_sample_filter *f,
                   struct arena *a, int (*fn)(void *ctx, const struct record *r), void *ctx,
                   const char **next_cursor);

/* HTTP (api_samples.c): the route table and the OpenAPI schemas. */
struct route_table;
extern const struct route_table SP_SAMPLE_ROUTE_TABLE;
void sp_sample_schemas_write(struct buf *out);

#endif

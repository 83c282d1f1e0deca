/*
 * Announcements of supervision sampling results (SAMR Order No. 18: results are made
 * public). An officer drafts one for a region, an optional product and a sampling period; an
 * officer other than the drafter approves it, which fixes its samples (approved, with a final
 * verdict, sampled in the period, in the region's subtree, of the product, and not under an
 * objection still open); then it is published and readable by anyone by its number.
 */
#ifndef JZ_SAMPLING_ANNOUNCE_H
#define JZ_SAMPLING_ANNOUNCE_H

#include <stdint.h>

#include "modules/sampling/common.h"

#define SP_ANN_TITLE_MAX 200 /* characters of a title */

/* An announcement (strings in the caller's arena; NULL where not set). */
struct sp_announcement {
	int64_t id;
	const char *number; /* "2026-001": the year it was drafted, then a sequence */
	const char *title;
	int region_code;
	const char *product_code, *product_zh, *product_en; /* NULL: every product */
	const char *period_from, *period_to;                /* YYYY-MM-DD, sampled_on within */
	const char *status;                                 /* draft, approved, published */
	const char *created_by, *approved_by, *published_by;
	const char *published_at;
	const char *created_at, *updated_at;
	int64_t version;
};

/* What a draft asks for. */
struct sp_announcement_input {
	const char *title;
	const char *region_code; /* six digits, in the actor's scope */
	const char *product;     /* a product code, or NULL for every product */
	const char *period_from, *period_to;
};

/* Drafts an announcement with the next number of this year (China time). Returns SVC_OK
 * with *out (strings in a), SVC_INVALID with err naming the field, SVC_ERROR. */
int sp_announcement_create(struct db *db, const struct actor *who,
                           const struct sp_announcement_input *in, struct arena *a,
                           struct sp_announcement *out, struct field_error *err);

/* Reads announcement id in who's scope (or, with who NULL, only a published one by number).
 * Returns SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int sp_announcement_get(struct db *db, const struct actor *who, int64_t id, const char *number,
                        struct arena *a, struct sp_announcement *out);

/* Approves a draft: who must not be its drafter (SVC_FORBIDDEN); it must be a draft
 * (SVC_CONFLICT) and some sample must qualify (SVC_CONFLICT, err says why). The samples are
 * fixed in the same transaction. Returns SVC_OK with *out, or an SVC_* error. */
int sp_announcement_approve(struct db *db, const struct actor *who, int64_t id, int64_t if_version,
                            struct arena *a, struct sp_announcement *out, struct field_error *err);

/* Publishes an approved announcement. SVC_OK with *out, SVC_CONFLICT unless approved, or an
 * SVC_* error. */
int sp_announcement_publish(struct db *db, const struct actor *who, int64_t id, int64_t if_version,
                            struct arena *a, struct sp_announcement *out, struct field_error *err);

/* Lists announcements newest first: in who's scope, or (who NULL) the published ones by date
 * of publication. cursor (from the previous page's *next, or NULL) continues a list; *next is
 * set (in a) when more follow. Returns SVC_OK, SVC_INVALID (a bad cursor) or SVC_ERROR. */
typedef int (*sp_announcement_fn)(void *ctx, const struct sp_announcement *an);
int sp_announcement_list(struct db *db, const struct actor *who, const char *status,
                         const char *cursor, int limit, struct arena *a, sp_announcement_fn fn,
                         void *ctx, const char **next);

/* One sample of an announcement, as it is published (nothing private). */
struct sp_announced_sample {
	const char *sample_no;
	const char *product_code, *product_zh, *product_en;
	const char *producer_name; /* the registry's name, or NULL */
	const char *credit_code;
	int region_code; /* the producer's county */
	const char *brand, *specification, *batch, *production_date;
	const char *sampled_on;
	const char *verdict;       /* final: pass or fail */
	const char *failing_items; /* Chinese names, '、'-separated, or NULL */
	const char *failing_codes; /* item codes, ','-separated, or NULL */
};

/* Walks the samples of an announcement (its fixed list once approved; for a draft the samples
 * that would qualify now), failing first, then by sample number. Returns SVC_OK or
 * SVC_ERROR. */
typedef int (*sp_announced_fn)(void *ctx, const struct sp_announced_sample *s);
int sp_announcement_samples(struct db *db, const struct sp_announcement *an, struct arena *a,
                            sp_announced_fn fn, void *ctx);

/* 1 if s is shaped like an announcement number ("2026-001"). */
int sp_announcement_number_ok(const char *s);

#endif

/*
 * The public face of supervision sampling, and the HTTP side of statistics and announcements:
 * the published announcements as a JSON feed, one announcement as JSON or CSV, and the page
 * /s/{number} (Chinese with Tibetan and English, like the equipment page /e/). Only published
 * announcements are visible; nothing private is ever read for them (no analysts, reviewers,
 * approvers, contacts or people's names).
 */
#ifndef JZ_SAMPLING_PUBLIC_H
#define JZ_SAMPLING_PUBLIC_H

#include "platform/http.h"

struct db;

#define SP_PUBLIC_MAX_AGE 300 /* seconds a public answer may be cached */

/* Route tables of statistics and export (api_stats.c), announcements (api_announce.c) and the
 * public answers (public.c); listed in src/modules/api_routes.c. */
extern const struct route_table SP_STATS_ROUTE_TABLE, SP_ANNOUNCE_ROUTE_TABLE,
    SP_PUBLIC_ROUTE_TABLE;

/* The names of a product category code (food, food_related, industrial, consumer,
 * agricultural_input, building) in Chinese and English; the code itself when unknown. */
const char *sp_category_zh(const char *code);
const char *sp_category_en(const char *code);

/* The Chinese name of a GB/T 4754 section letter ("C": 制造业), or the letter when unknown. */
const char *sp_industry_zh(const char *section);

/* "87.5" for passed of samples (rounded half up to one decimal) into out, or NULL when
 * samples is 0. */
const char *sp_rate_format(int64_t num, int64_t den, char out[16]);

struct sp_announcement;
struct sp_announced_sample;

/* Appends an announcement as a JSON object; with is_public, only what the public may read (no
 * drafter, approver or publisher). Then, when with_samples, "samples":[...] of its samples.
 * Returns SVC_OK or SVC_ERROR. */
int sp_announcement_json(struct db *db, const struct sp_announcement *an, int is_public,
                         int with_samples, struct arena *a, struct buf *out);

/* Appends the OpenAPI component schemas of these routes ("Name":{...}, each followed by a
 * comma). */
void sp_stats_schemas_write(struct buf *out);

#endif

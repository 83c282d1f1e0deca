/*
 * Statistics of supervision sampling and the national reporting export: pass rates by any
 * grouping from the live tallies (tally.h), the failing items ranked, and one CSV line per
 * approved sample in our rendering of the SAMR reporting table (docs/sampling.md), streamed
 * page by page so that a province's year never sits in memory at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/regions/service.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "modules/sampling/public.h"
#include "modules/sampling/tally.h"
#include "platform/api_common.h"
#include "platform/csv.h"
#include "platform/db.h"
#include "platform/fields.h"

#define EXPORT_CHUNK 1000 /* samples fetched per streaming step */

/* ---- Parameters ---------------------------------------------------------------------------- */

/* Reads year, quarter, region, product and by into q with the actor's scope. Returns 0, or -1
 * after answering 400. */
static int stats_params(struct http_request *req, struct http_response *res,
                        struct sp_stats_query *q)
{
	memset(q, 0, sizeof *q);
	const char *s = http_query(req, "year");
	int64_t v;
	if (s == NULL || field_int_parse_cstr(s, 2000, 2199, &v) != 0)
		return http_error(res, API_BAD_REQUEST, s ? "invalid" : "required", "year",
		                  "year must be given, 2000 to 2199"),
		       -1;
	q->year = (int)v;
	if ((s = http_query(req, "quarter")) != NULL) {
		if (field_int_parse_cstr(s, 1, 4, &v) != 0)
			return http_error(res, API_BAD_REQUEST, "invalid", "quarter",
			                  "quarter must be 1 to 4"),
			       -1;
		q->quarter = (int)v;
	}
	int region = 0;
	if ((s = http_query(req, "region")) != NULL) {
		if (field_int_parse_cstr(s, 100000, 999999, &v) != 0 ||
		    regions_find((int)v) == NULL)
			return http_error(res, API_BAD_REQUEST, "unknown_region", "region",
			                  "region must be a known six-digit region code"),
			       -1;
		region = (int)v;
	}
	if ((s = http_query(req, "product")) != NULL) {
		struct db_stmt *st =
		    db_prepare(req->db, "SELECT id FROM sp_product WHERE code = ?");
		if (st == NULL)
			return -1;
		db_bind_cstr(st, 1, s);
		int rc = db_step(st);
		q->product_id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		db_reset(st);
		if (rc < 0)
			return -1;
		if (q->product_id == 0)
			return http_error(res, API_BAD_REQUEST, "unknown_product", "product",
			                  "product must be a product code of the catalogue"),
			       -1;
	}
	q->by = SP_BY_TOTAL;
	if ((s = http_query(req, "by")) != NULL && sp_stats_by_parse(s, &q->by) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "by",
		                  "by must be total, prefecture, county, product, category, "
		                  "industry or quarter"),
		       -1;
	struct actor who = api_actor(req);
	if (scope_make(&who, region, &q->sc) != 0)
		q->sc.n = 0; /* outside the actor's scope: nothing counts */
	if (q->sc.entity)
		q->sc.entity = arena_strdup(&req->arena, q->sc.entity);
	return 0;
}

/* ---- GET stats ----------------------------------------------------------------------------- */

struct stats_out {
	struct http_request *req;
	struct buf *out;
	enum sp_stats_by by;
	int n;
};

/* The label of a group key in Chinese and English (strings static, in regions, or in a). */
static void group_label(struct db *db, enum sp_stats_by by, const char *key, struct arena *a,
                        const char **zh, const char **en)
{
	*zh = *en = key;
	switch (by) {
	case SP_BY_TOTAL:
		*zh = "合计", *en = "Total";
		break;
	case SP_BY_PREFECTURE:
	case SP_BY_COUNTY: {
		int64_t code;
		const struct region *r = field_int_parse_cstr(key, 100000, 999999, &code) == 0
		                             ? regions_find((int)code)
		                             : NULL;
		if (r)
			*zh = r->name_zh, *en = r->name_en;
		break;
	}
	case SP_BY_PRODUCT: {
		struct db_stmt *st =
		    db_prepare(db, "SELECT name_zh, name_en FROM sp_product WHERE code = ?");
		if (st == NULL)
			break;
		db_bind_cstr(st, 1, key);
		if (db_step(st) == DB_ROW) {
			*zh = arena_strdup(a, db_col_text(st, 0, NULL));
			*en = arena_strdup(a, db_col_text(st, 1, NULL));
		}
		db_reset(st);
		break;
	}
	case SP_BY_CATEGORY:
		*zh = sp_category_zh(key), *en = sp_category_en(key);
		break;
	case SP_BY_INDUSTRY:
		*zh = sp_industry_zh(key);
		*en = arena_printf(a, "GB/T 4754 section %s", key);
		break;
	case SP_BY_QUARTER:
		*zh = arena_printf(a, "第%s季度", key);
		*en = arena_printf(a, "Q%s", key);
		break;
	}
}

static void json_str(struct buf *out, const char *s)
{
	if (s)
		json_write_string(out, s, strlen(s));
	else
		buf_puts(out, "null");
}

static int stats_row(void *ctx, const char *key, int64_t samples, int64_t passed)
{
	struct stats_out *o = ctx;
	const char *zh, *en;
	group_label(o->req->db, o->by, key, &o->req->arena, &zh, &en);
	char rate[16];
	buf_puts(o->out, o->n++ ? ",{\"key\":" : "{\"key\":");
	json_str(o->out, key);
	buf_puts(o->out, ",\"label\":");
	json_str(o->out, zh);
	buf_puts(o->out, ",\"label_en\":");
	json_str(o->out, en);
	buf_printf(o->out, ",\"samples\":%lld,\"passed\":%lld,\"failed\":%lld,\"pass_rate\":",
	           (long long)samples, (long long)passed, (long long)(samples - passed));
	json_str(o->out, sp_rate_format(passed, samples, rate));
	buf_putc(o->out, '}');
	return 0;
}

static const char *const BY_NAMES[] = {"total",    "prefecture", "county", "product",
                                       "category", "industry",   "quarter"};

static int stats_get(struct http_request *req, struct http_response *res)
{
	struct sp_stats_query q;
	if (stats_params(req, res, &q) != 0)
		return 0;
	buf_printf(&res->body, "{\"year\":%d,\"quarter\":", q.year);
	if (q.quarter)
		buf_printf(&res->body, "%d", q.quarter);
	else
		buf_puts(&res->body, "null");
	buf_printf(&res->body, ",\"by\":\"%s\",\"items\":[", BY_NAMES[q.by]);
	struct stats_out o = {req, &res->body, q.by, 0};
	if (sp_stats(req->db, &q, stats_row, &o) != SVC_OK)
		return -1;
	if (q.by == SP_BY_TOTAL && o.n == 0)
		stats_row(&o, "", 0, 0); /* a total is answered even when nothing counts */
	buf_puts(&res->body, "]}");
	http_json(res, 200);
	return 0;
}

/* ---- GET stats/items ------------------------------------------------------------------------ */

static int item_row(void *ctx, const char *code, int64_t tested, int64_t failed)
{
	struct stats_out *o = ctx;
	struct db_stmt *st = db_prepare(
	    o->req->db, "SELECT name_zh, name_en, unit FROM sp_test_item WHERE code = ?");
	if (st == NULL)
		return 1;
	db_bind_cstr(st, 1, code);
	int have = db_step(st) == DB_ROW;
	buf_puts(o->out, o->n++ ? ",{\"item_code\":" : "{\"item_code\":");
	json_str(o->out, code);
	buf_puts(o->out, ",\"name\":");
	json_str(o->out, have ? db_col_text(st, 0, NULL) : code);
	buf_puts(o->out, ",\"name_en\":");
	json_str(o->out, have ? db_col_text(st, 1, NULL) : code);
	buf_puts(o->out, ",\"unit\":");
	json_str(o->out, have && !db_col_is_null(st, 2) ? db_col_text(st, 2, NULL) : NULL);
	db_reset(st);
	char rate[16];
	buf_printf(o->out, ",\"tested\":%lld,\"failed\":%lld,\"fail_rate\":", (long long)tested,
	           (long long)failed);
	json_str(o->out, sp_rate_format(failed, tested, rate));
	buf_putc(o->out, '}');
	return 0;
}

static int stats_items(struct http_request *req, struct http_response *res)
{
	struct sp_stats_query q;
	if (stats_params(req, res, &q) != 0)
		return 0;
	buf_printf(&res->body, "{\"year\":%d,\"items\":[", q.year);
	struct stats_out o = {req, &res->body, q.by, 0};
	if (sp_item_stats(req->db, &q, item_row, &o) != SVC_OK)
		return -1;
	buf_puts(&res->body, "]}");
	http_json(res, 200);
	return 0;
}

/* ---- GET export/national -------------------------------------------------------------------- */

/* The columns of the national reporting layout (docs/sampling.md). */
static const char *const NATIONAL_COLUMNS[] = {
    "抽查年度",         "季度",     "样品编号",   "产品名称", "产品类别",      "受检单位名称",
    "统一社会信用代码", "省级代码", "省级名称",   "地市代码", "地市名称",      "区县代码",
    "区县名称",         "行业",     "商标",       "规格型号", "生产日期/批号", "抽样日期",
    "检验机构",         "检验结论", "不合格项目",
};

static const char SQL_NATIONAL_HEAD[] =
    "SELECT s.sample_no, s.year, s.quarter, p.name_zh, p.category, s.producer, s.region_code, "
    "s.industry, s.brand, s.specification, s.production_date, s.batch, s.sampled_on, l.name, "
    "s.final_verdict, (SELECT group_concat(name, '、') FROM (SELECT ti.name_zh AS name FROM "
    "sp_result r JOIN sp_test_item ti ON ti.code = r.item_code WHERE r.sample_id = s.id AND "
    "r.judgement = 'fail' AND r.round = COALESCE((SELECT 1 FROM sp_objection o WHERE "
    "o.sample_id = s.id AND o.outcome IS NOT NULL), 0) ORDER BY r.item_code)) FROM sp_sample s "
    "JOIN sp_product p ON p.id = s.product_id LEFT JOIN sp_lab l ON l.id = s.lab_id WHERE "
    "s.status = 'approved' AND s.final_verdict IS NOT NULL AND s.year = ? AND s.sample_no > ?";

/* A streamed export: its own copies of what the query needs. */
struct export_ctx {
	struct db *db;
	struct scope sc;
	int year;
	char after[64]; /* the last sample number written */
	struct arena arena;
	int header_done, finished;
};

static void field(struct buf *out, const char *s, int last)
{
	csv_write_field(out, s ? s : "", s ? strlen(s) : 0);
	buf_puts(out, last ? "\r\n" : ",");
}

/* The province, prefecture and county above region (each NULL when absent). */
static void region_chain(int region, const struct region *chain[3])
{
	chain[0] = chain[1] = chain[2] = NULL;
	for (const struct region *r = regions_find(region); r; r = regions_find(r->parent)) {
		int level = r->level == REGION_PROVINCE ? 0 : r->level == REGION_PREFECTURE ? 1 : 2;
		chain[level] = r;
		if (r->parent == 0)
			break;
	}
}

static int export_step(void *ctx, struct buf *out)
{
	struct export_ctx *x = ctx;
	if (!x->header_done) {
		buf_append(out, "\xEF\xBB\xBF", 3); /* so that Excel reads it as UTF-8 */
		size_t n = sizeof NATIONAL_COLUMNS / sizeof *NATIONAL_COLUMNS;
		for (size_t i = 0; i < n; i++)
			field(out, NATIONAL_COLUMNS[i], i + 1 == n);
		x->header_done = 1;
		return 1;
	}
	if (x->finished)
		return 0;
	struct buf sql = {0};
	buf_puts(&sql, SQL_NATIONAL_HEAD);
	scope_sql(&sql, &x->sc, "s.region_code", "s.producer");
	buf_printf(&sql, " ORDER BY s.sample_no LIMIT %d", EXPORT_CHUNK);
	struct db_stmt *st = db_prepare_once(x->db, sql.data);
	buf_free(&sql);
	if (st == NULL)
		return -1;
	int i = 1;
	db_bind_int64(st, i++, x->year);
	db_bind_cstr(st, i++, x->after);
	scope_bind(st, &i, &x->sc);
	struct actor all = {.name = "export", .all_regions = 1};
	int rc, rows = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		arena_reset(&x->arena);
		rows++;
		snprintf(x->after, sizeof x->after, "%s", db_col_text(st, 0, NULL));
		char y[8], quarter[4], codes[3][8];
		snprintf(y, sizeof y, "%lld", (long long)db_col_int64(st, 1));
		snprintf(quarter, sizeof quarter, "%lld", (long long)db_col_int64(st, 2));
		const char *producer = db_col_text(st, 5, NULL);
		const char *name = NULL;
		struct record ent;
		if (registry_get(x->db, &all, producer, &x->arena, &ent) == REG_OK)
			name = ent.v[ENT_NAME];
		const struct region *chain[3];
		region_chain((int)db_col_int64(st, 6), chain);
		for (int k = 0; k < 3; k++)
			snprintf(codes[k], sizeof codes[k], "%06d", chain[k] ? chain[k]->code : 0);
		const char *date = db_col_is_null(st, 10) ? NULL : db_col_text(st, 10, NULL);
		const char *batch = db_col_is_null(st, 11) ? NULL : db_col_text(st, 11, NULL);
		const char *date_batch = date && batch
		                             ? arena_printf(&x->arena, "%s/%s", date, batch)
		                         : date ? date
		                                : batch;
		field(out, y, 0);
		field(out, quarter, 0);
		field(out, db_col_text(st, 0, NULL), 0);
		field(out, db_col_text(st, 3, NULL), 0);
		field(out, sp_category_zh(db_col_text(st, 4, NULL)), 0);
		field(out, name, 0);
		field(out, producer, 0);
		for (int k = 0; k < 3; k++) {
			field(out, chain[k] ? codes[k] : NULL, 0);
			field(out, chain[k] ? chain[k]->name_zh : NULL, 0);
		}
		field(out, sp_industry_zh(db_col_text(st, 7, NULL)), 0);
		field(out, db_col_text(st, 8, NULL), 0);
		field(out, db_col_text(st, 9, NULL), 0);
		field(out, date_batch, 0);
		field(out, db_col_text(st, 12, NULL), 0);
		field(out, db_col_text(st, 13, NULL), 0);
		field(out, strcmp(db_col_text(st, 14, NULL), "pass") == 0 ? "合格" : "不合格", 0);
		field(out, db_col_text(st, 15, NULL), 1);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return -1;
	if (rows < EXPORT_CHUNK)
		x->finished = 1;
	return out->len ? 1 : 0;
}

static void export_free(void *ctx)
{
	struct export_ctx *x = ctx;
	arena_free(&x->arena);
	free(x);
}

static int export_national(struct http_request *req, struct http_response *res)
{
	const char *s = http_query(req, "year");
	int64_t year;
	if (s == NULL || field_int_parse_cstr(s, 2000, 2199, &year) != 0)
		return http_error(res, API_BAD_REQUEST, s ? "invalid" : "required", "year",
		                  "year must be given, 2000 to 2199");
	int region = 0;
	if ((s = http_query(req, "region")) != NULL) {
		int64_t v;
		if (field_int_parse_cstr(s, 100000, 999999, &v) != 0 ||
		    regions_find((int)v) == NULL)
			return http_error(res, API_BAD_REQUEST, "unknown_region", "region",
			                  "region must be a known six-digit region code");
		region = (int)v;
	}
	struct export_ctx *x = xcalloc(1, sizeof *x);
	x->db = req->db;
	x->year = (int)year;
	struct actor who = api_actor(req);
	if (scope_make(&who, region, &x->sc) != 0) {
		x->sc.n = 1; /* nothing in scope: a range no code falls in */
		x->sc.lo[0] = 1;
		x->sc.hi[0] = 0;
	}
	if (x->sc.entity)
		x->sc.entity = arena_strdup(&x->arena, x->sc.entity);
	res->status = 200;
	res->content_type = "text/csv; charset=utf-8";
	res->disposition = arena_printf(
	    &req->arena, "attachment; filename=\"sampling-national-%lld.csv\"", (long long)year);
	res->stream = export_step;
	res->stream_free = export_free;
	res->stream_ctx = x;
	return 0;
}

/* ---- Routes --------------------------------------------------------------------------------- */

static const struct route_param STATS_PARAMS[] = {
    {"year", "integer", "the year sampled (required)"},
    {"quarter", "integer", "1 to 4 (default: the whole year)"},
    {"region", "string", "GB/T 2260 code (default: your whole scope)"},
    {"product", "string", "a product code of the catalogue"},
    {"by", "string", "total (default), prefecture, county, product, category, industry, quarter"},
    {NULL, NULL, NULL},
};

static const struct route_param EXPORT_PARAMS[] = {
    {"year", "integer", "the year sampled (required)"},
    {"region", "string", "GB/T 2260 code (default: your whole scope)"},
    {NULL, NULL, NULL},
};

static const struct route SP_STATS_ROUTES[] = {
    {"GET", "/api/v1/sampling/stats", stats_get, 0, 0,
     "Samples, passes and pass rate of approved samples, grouped (live tallies)", "sampling", NULL,
     "SamplingStats", STATS_PARAMS, 200, "sampling:read"},
    {"GET", "/api/v1/sampling/stats/items", stats_items, 0, 0,
     "Test items ranked by failures in the deciding round", "sampling", NULL, "SamplingItemStats",
     STATS_PARAMS, 200, "sampling:read"},
    {"GET", "/api/v1/sampling/export/national", export_national, 0, 0,
     "One CSV line per approved sample in the national reporting layout (streamed)", "sampling",
     NULL, NULL, EXPORT_PARAMS, 200, "sampling:export"},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_STATS_ROUTE_TABLE = {"sampling-stats", SP_STATS_ROUTES};

/*
 * The public answers of supervision sampling (see public.h): the feed of published
 * announcements, one announcement as JSON, CSV and the HTML page /s/{number}, and the words
 * and JSON shapes the staff handlers share with them.
 *
 * What is shown is chosen, not filtered: the announcement's number, title, region, product and
 * period, and per sample its number, product, producer (registered name and credit code), county,
 * brand, specification, batch, date of sampling, the final verdict and the failing items. No
 * officer, analyst, reviewer or approver is named, and no contact is read.
 *
 * Answers carry an ETag (a hash of the bytes) and are answered 304 to a matching
 * If-None-Match; a published announcement does not change, so proxies may keep it a while.
 */
#include "public.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/regions/service.h"
#include "modules/sampling/announce.h"
#include "platform/csv.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/page.h"

#define PUBLIC_STRINGIFY_(x) #x
#define PUBLIC_STRINGIFY(x)  PUBLIC_STRINGIFY_(x)
#define FEED_DEFAULT         20  /* announcements per page of the feed */
#define FEED_MAX             100 /* at most, with ?limit= */

/* ---- Words --------------------------------------------------------------------------------- */

static const struct {
	const char *code, *zh, *en;
} CATEGORIES[] = {
    {"food", "食品", "Food"},
    {"food_related", "食品相关产品", "Food-related products"},
    {"industrial", "工业产品", "Industrial products"},
    {"consumer", "日用消费品", "Consumer goods"},
    {"agricultural_input", "农业生产资料", "Agricultural inputs"},
    {"building", "建筑材料", "Building materials"},
};

const char *sp_category_zh(const char *code)
{
	for (size_t i = 0; code && i < sizeof CATEGORIES / sizeof *CATEGORIES; i++)
		if (strcmp(CATEGORIES[i].code, code) == 0)
			return CATEGORIES[i].zh;
	return code;
}

const char *sp_category_en(const char *code)
{
	for (size_t i = 0; code && i < sizeof CATEGORIES / sizeof *CATEGORIES; i++)
		if (strcmp(CATEGORIES[i].code, code) == 0)
			return CATEGORIES[i].en;
	return code;
}

const char *sp_industry_zh(const char *section)
{
	static const char *const SECTIONS[20] = {
	    "农、林、牧、渔业",
	    "采矿业",
	    "制造业",
	    "电力、热力、燃气及水生产和供应业",
	    "建筑业",
	    "批发和零售业",
	    "交通运输、仓储和邮政业",
	    "住宿和餐饮业",
	    "信息传输、软件和信息技术服务业",
	    "金融业",
	    "房地产业",
	    "租赁和商务服务业",
	    "科学研究和技术服务业",
	    "水利、环境和公共设施管理业",
	    "居民服务、修理和其他服务业",
	    "教育",
	    "卫生和社会工作",
	    "文化、体育和娱乐业",
	    "公共管理、社会保障和社会组织",
	    "国际组织",
	};
	if (section && section[0] >= 'A' && section[0] <= 'T' && section[1] == 0)
		return SECTIONS[section[0] - 'A'];
	return section;
}

const char *sp_rate_format(int64_t num, int64_t den, char out[16])
{
	if (den <= 0)
		return NULL;
	/* Tenths of a percent, rounded half up, in integers: no binary fraction in between. */
	int64_t tenths = (num * 2000 + den) / (2 * den);
	int t = tenths < 0 ? 0 : tenths > 1000 ? 1000 : (int)tenths; /* num <= den: 0..100 % */
	snprintf(out, 16, "%d.%d", t / 10, t % 10);
	return out;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void member(struct buf *out, const char *key, const char *v)
{
	buf_printf(out, ",\"%s\":", key);
	if (v)
		json_write_string(out, v, strlen(v));
	else
		buf_puts(out, "null");
}

static void region_json(struct buf *out, const char *key, int code)
{
	const struct region *r = regions_find(code);
	buf_printf(out, ",\"%s\":{\"code\":\"%06d\"", key, code);
	member(out, "name_zh", r ? r->name_zh : NULL);
	member(out, "name_bo", r && r->name_bo && r->name_bo[0] ? r->name_bo : NULL);
	member(out, "name_en", r ? r->name_en : NULL);
	buf_putc(out, '}');
}

struct samples_json {
	struct buf *out;
	int n;
};

static int sample_json(void *ctx, const struct sp_announced_sample *s)
{
	struct samples_json *x = ctx;
	buf_puts(x->out, x->n++ ? ",{\"sample_no\":" : "{\"sample_no\":");
	json_write_string(x->out, s->sample_no, strlen(s->sample_no));
	buf_puts(x->out, ",\"product\":{\"code\":");
	json_write_string(x->out, s->product_code, strlen(s->product_code));
	member(x->out, "name_zh", s->product_zh);
	member(x->out, "name_en", s->product_en);
	buf_putc(x->out, '}');
	member(x->out, "producer_name", s->producer_name);
	member(x->out, "credit_code", s->credit_code);
	region_json(x->out, "county", s->region_code);
	member(x->out, "brand", s->brand);
	member(x->out, "specification", s->specification);
	member(x->out, "batch", s->batch);
	member(x->out, "production_date", s->production_date);
	member(x->out, "sampled_on", s->sampled_on);
	member(x->out, "verdict", s->verdict);
	buf_puts(x->out, ",\"failing_items\":[");
	if (s->failing_codes) {
		/* Codes and names are in the same item order; names are joined by '、'. */
		const char *c = s->failing_codes, *nm = s->failing_items ? s->failing_items : "";
		static const char SEP[] = "、";
		for (int k = 0; *c; k++) {
			const char *ce = strchr(c, ',');
			size_t cn = ce ? (size_t)(ce - c) : strlen(c);
			const char *ne = strstr(nm, SEP);
			size_t nn = ne ? (size_t)(ne - nm) : strlen(nm);
			buf_puts(x->out, k ? ",{\"code\":" : "{\"code\":");
			json_write_string(x->out, c, cn);
			buf_puts(x->out, ",\"name\":");
			json_write_string(x->out, nm, nn);
			buf_putc(x->out, '}');
			c = ce ? ce + 1 : c + cn;
			nm = ne ? ne + sizeof SEP - 1 : nm + nn;
		}
	}
	buf_puts(x->out, "]}");
	return 0;
}

int sp_announcement_json(struct db *db, const struct sp_announcement *an, int is_public,
                         int with_samples, struct arena *a, struct buf *out)
{
	buf_puts(out, "{\"number\":");
	json_write_string(out, an->number, strlen(an->number));
	if (!is_public)
		buf_printf(out, ",\"id\":\"%lld\"", (long long)an->id);
	member(out, "title", an->title);
	region_json(out, "region", an->region_code);
	if (an->product_code) {
		buf_puts(out, ",\"product\":{\"code\":");
		json_write_string(out, an->product_code, strlen(an->product_code));
		member(out, "name_zh", an->product_zh);
		member(out, "name_en", an->product_en);
		buf_putc(out, '}');
	} else {
		buf_puts(out, ",\"product\":null");
	}
	member(out, "period_from", an->period_from);
	member(out, "period_to", an->period_to);
	if (is_public) {
		member(out, "published_on",
		       an->published_at ? arena_strndup(a, an->published_at, 10) : NULL);
		buf_printf(out, ",\"url\":\"%s/s/%s\"", http_public_base_url(), an->number);
	} else {
		member(out, "status", an->status);
		member(out, "created_by", an->created_by);
		member(out, "approved_by", an->approved_by);
		member(out, "published_by", an->published_by);
		member(out, "published_at", an->published_at);
		member(out, "created_at", an->created_at);
		member(out, "updated_at", an->updated_at);
		buf_printf(out, ",\"version\":%lld", (long long)an->version);
	}
	if (with_samples) {
		buf_puts(out, ",\"samples\":[");
		struct samples_json x = {out, 0};
		if (sp_announcement_samples(db, an, a, sample_json, &x) != SVC_OK)
			return SVC_ERROR;
		buf_printf(out, "],\"sample_count\":%d", x.n);
	}
	buf_putc(out, '}');
	return SVC_OK;
}

/* ---- Answers with an ETag ------------------------------------------------------------------- */

/* Sends res->body (already written) with its ETag and caching, or 304 when the client has
 * it. */
static int answer(struct http_request *req, struct http_response *res, char kind,
                  const char *content_type)
{
	snprintf(res->etag, sizeof res->etag, "\"%c%08x-%zx\"", kind,
	         page_fnv1a(res->body.data ? res->body.data : "", res->body.len, PAGE_FNV1A_SEED),
	         res->body.len);
	res->content_type = content_type;
	res->caching = "public, max-age=" PUBLIC_STRINGIFY(SP_PUBLIC_MAX_AGE);
	page_not_modified(req, res, res->etag);
	return 0;
}

/* The published announcement numbered req->params[0] (a ".csv" suffix cut when csv). Returns
 * SVC_OK, SVC_NOT_FOUND (answered when json) or SVC_ERROR. */
static int published(struct http_request *req, int csv, struct sp_announcement *an)
{
	const char *p = req->params[0];
	size_t n = strlen(p);
	if (csv) {
		if (n < 4 || strcmp(p + n - 4, ".csv") != 0)
			return SVC_NOT_FOUND;
		p = arena_strndup(&req->arena, p, n - 4);
	}
	if (!sp_announcement_number_ok(p))
		return SVC_NOT_FOUND;
	return sp_announcement_get(req->db, NULL, 0, p, &req->arena, an);
}

static int not_found_json(struct http_response *res, const char *number)
{
	return http_error(res, API_NOT_FOUND, "not_found", "number",
	                  "no published announcement numbered %s", number);
}

/* ---- The feed ------------------------------------------------------------------------------- */

struct feed_ctx {
	struct http_request *req;
	struct buf *out;
	int n;
	int failed;
};

static int feed_row(void *ctx, const struct sp_announcement *an)
{
	struct feed_ctx *x = ctx;
	if (x->n++)
		buf_putc(x->out, ',');
	if (sp_announcement_json(x->req->db, an, 1, 0, &x->req->arena, x->out) != SVC_OK)
		return x->failed = 1;
	return 0;
}

/* GET /api/v1/public/sampling/announcements: published, newest first. */
static int feed(struct http_request *req, struct http_response *res)
{
	const char *s = http_query(req, "limit");
	int64_t limit = FEED_DEFAULT;
	if (s && field_int_parse_cstr(s, 1, FEED_MAX, &limit) != 0)
		return http_error(res, API_BAD_REQUEST, "invalid", "limit", "limit must be 1 to %d",
		                  FEED_MAX);
	buf_puts(&res->body, "{\"items\":[");
	struct feed_ctx x = {req, &res->body, 0, 0};
	const char *next;
	int rc = sp_announcement_list(req->db, NULL, NULL, http_query(req, "cursor"), (int)limit,
	                              &req->arena, feed_row, &x, &next);
	if (rc == SVC_INVALID)
		return http_error(res, API_BAD_REQUEST, "invalid", "cursor",
		                  "cursor must be a next_cursor this feed returned");
	if (rc != SVC_OK || x.failed)
		return -1;
	buf_puts(&res->body, "],\"next_cursor\":");
	if (next)
		json_write_string(&res->body, next, strlen(next));
	else
		buf_puts(&res->body, "null");
	buf_putc(&res->body, '}');
	return answer(req, res, 'f', "application/json; charset=utf-8");
}

/* ---- One announcement: JSON or CSV ---------------------------------------------------------- */

static const char *const CSV_COLUMNS[] = {
    "序号", "样品编号", "产品名称",      "受检单位名称", "统一社会信用代码", "所在地区",
    "商标", "规格型号", "生产日期/批号", "抽样日期",     "检验结论",         "不合格项目",
};

struct csv_ctx {
	struct buf *out;
	struct arena *a;
	int n;
};

static void csv_field(struct buf *out, const char *s, int last)
{
	csv_write_field(out, s ? s : "", s ? strlen(s) : 0);
	buf_puts(out, last ? "\r\n" : ",");
}

/* "拉萨市城关区": the prefecture's and the county's names. */
static const char *place_zh(int code, struct arena *a)
{
	const struct region *c = regions_find(code);
	if (c == NULL)
		return NULL;
	const struct region *p = c->level == REGION_COUNTY ? regions_find(c->parent) : NULL;
	return p && p->level == REGION_PREFECTURE ? arena_printf(a, "%s%s", p->name_zh, c->name_zh)
	                                          : c->name_zh;
}

static const char *date_batch(const struct sp_announced_sample *s, struct arena *a)
{
	if (s->production_date && s->batch)
		return arena_printf(a, "%s/%s", s->production_date, s->batch);
	return s->production_date ? s->production_date : s->batch;
}

static int csv_row(void *ctx, const struct sp_announced_sample *s)
{
	struct csv_ctx *x = ctx;
	char n[16];
	snprintf(n, sizeof n, "%d", ++x->n);
	csv_field(x->out, n, 0);
	csv_field(x->out, s->sample_no, 0);
	csv_field(x->out, s->product_zh, 0);
	csv_field(x->out, s->producer_name, 0);
	csv_field(x->out, s->credit_code, 0);
	csv_field(x->out, place_zh(s->region_code, x->a), 0);
	csv_field(x->out, s->brand, 0);
	csv_field(x->out, s->specification, 0);
	csv_field(x->out, date_batch(s, x->a), 0);
	csv_field(x->out, s->sampled_on, 0);
	csv_field(x->out, text_is(s->verdict, "pass") ? "合格" : "不合格", 0);
	csv_field(x->out, s->failing_items, 1);
	return 0;
}

/* GET /api/v1/public/sampling/announcements/{number} and .../{number}.csv */
static int one(struct http_request *req, struct http_response *res)
{
	const char *p = req->params[0];
	size_t len = strlen(p);
	int csv = len > 4 && strcmp(p + len - 4, ".csv") == 0;
	struct sp_announcement an;
	int rc = published(req, csv, &an);
	if (rc == SVC_NOT_FOUND)
		return not_found_json(res, p);
	if (rc != SVC_OK)
		return -1;
	if (!csv) {
		if (sp_announcement_json(req->db, &an, 1, 1, &req->arena, &res->body) != SVC_OK)
			return -1;
		return answer(req, res, 'j', "application/json; charset=utf-8");
	}
	buf_append(&res->body, "\xEF\xBB\xBF", 3); /* so that Excel reads it as UTF-8 */
	size_t ncol = sizeof CSV_COLUMNS / sizeof *CSV_COLUMNS;
	for (size_t i = 0; i < ncol; i++)
		csv_field(&res->body, CSV_COLUMNS[i], i + 1 == ncol);
	struct csv_ctx x = {&res->body, &req->arena, 0};
	if (sp_announcement_samples(req->db, &an, &req->arena, csv_row, &x) != SVC_OK)
		return -1;
	res->disposition =
	    arena_printf(&req->arena, "attachment; filename=\"sampling-%s.csv\"", an.number);
	return answer(req, res, 'c', "text/csv; charset=utf-8");
}

/* ---- The page /s/{number} ------------------------------------------------------------------- */

static const struct page_tri T_TITLE = {"产品质量监督抽查结果公告",
                                        "ཐོན་རྫས་སྤུས་ཚད་ལྟ་ཞིབ་མ་དཔེ་ལེན་པའི་གྲུབ་འབྲས་གསལ་བསྒྲགས།",
                                        "Product quality supervision sampling: results"};
static const struct page_tri T_NUMBER = {"公告编号", "གསལ་བསྒྲགས་ཨང་།", "Announcement number"};
static const struct page_tri T_REGION = {"地区", "ས་ཁུལ།", "Region"};
static const struct page_tri T_PRODUCT = {"产品", "ཐོན་རྫས།", "Product"};
static const struct page_tri T_ALL_PRODUCTS = {"全部产品", "ཐོན་རྫས་ཡོངས།", "All products"};
static const struct page_tri T_PERIOD = {"抽样期间", "མ་དཔེ་ལེན་པའི་དུས་ཚོད།", "Sampling period"};
static const struct page_tri T_PUBLISHED = {"发布日期", "སྤེལ་བའི་ཚེས་གྲངས།", "Published on"};
static const struct page_tri T_RESULT = {"抽查结果", "ལྟ་ཞིབ་གྲུབ་འབྲས།", "Results"};
static const struct page_tri T_SAMPLE_NO = {"样品编号", "མ་དཔེའི་ཨང་།", "Sample"};
static const struct page_tri T_PRODUCER = {"受检单位", "ཞིབ་བཤེར་བྱས་པའི་ལས་ཁུངས།", "Producer"};
static const struct page_tri T_PLACE = {"所在地区", "ས་གནས།", "Location"};
static const struct page_tri T_BRAND = {"商标 / 规格型号", "ཚོང་རྟགས། / ཚད་གཞི།",
                                        "Brand / specification"};
static const struct page_tri T_BATCH = {"生产日期/批号", "ཐོན་སྐྱེད་ཚེས་གྲངས། / སྡེབ་ཨང་།",
                                        "Production date / batch"};
static const struct page_tri T_VERDICT = {"检验结论", "ཞིབ་བཤེར་མཇུག་སྡོམ།", "Verdict"};
static const struct page_tri T_FAILING = {"不合格项目", "ཚད་མི་ལྡན་པའི་རྣམ་གྲངས།", "Failing items"};
static const struct page_tri T_PASS = {"合格", "ཚད་ལྡན།", "Pass"};
static const struct page_tri T_FAIL = {"不合格", "ཚད་མི་ལྡན།", "Fail"};
static const struct page_tri T_CSV = {"下载表格 (CSV)", "རེའུ་མིག་ཕབ་ལེན། (CSV)", "Download (CSV)"};
static const struct page_tri T_NOTE = {
    "本公告公布经批准的监督抽查检验结论。不合格产品的生产者应立即停止生产、销售，并在 60 "
    "日内整改。",
    "གསལ་བསྒྲགས་འདིར་ཆོག་མཆན་ཐོབ་པའི་ལྟ་ཞིབ་མ་དཔེ་ལེན་པའི་ཞིབ་བཤེར་མཇུག་སྡོམ་སྤེལ་ཡོད།",
    "This announcement publishes the approved conclusions of supervision sampling. Producers "
    "of failed products must stop producing and selling them at once and rectify within 60 "
    "days."};
static const struct page_tri E_UNKNOWN = {"未查到该公告", "གསལ་བསྒྲགས་འདི་རྙེད་མ་སོང་།",
                                          "No such announcement"};
static const struct page_tri E_UNKNOWN_HOW = {
    "没有以此编号发布的公告。公告编号形如 2026-001。", "ཨང་འདིས་སྤེལ་བའི་གསལ་བསྒྲགས་མེད།",
    "No announcement has been published under this number. Numbers look like 2026-001."};

/* The page's whole style sheet; its hash goes into the page's Content-Security-Policy. */
static const char STYLE[] =
    "body{margin:0;background:#eee;color:#222;font:15px/1.5 sans-serif}"
    "main{max-width:64em;margin:0 auto;padding:.6em 1em 1em;background:#fff}"
    "h1{font-size:1.2em;margin:.2em 0 .5em}"
    "h1>span,h2>span,dt>span,th>span{display:block;font-size:.8em;font-weight:normal}"
    "[lang=bo]{font-family:'Noto Sans Tibetan','Microsoft Himalaya',Jomolhari,serif}"
    "dl{margin:0}dt{margin-top:.6em;color:#555;font-size:.85em}dd{margin:0;font-weight:bold}"
    "h2{font-size:1em;margin:1.2em 0 .4em;border-top:1px solid #ccc;padding-top:.6em}"
    "table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:.3em .4em;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4}.f{color:#900;font-weight:bold}small{display:block;color:#555}"
    "a{color:#0645ad}.n{margin-top:1.2em;color:#555;font-size:.8em}";

static pthread_once_t csp_once = PTHREAD_ONCE_INIT;
static char csp_html[256];

/* A page may use its own style sheet and nothing else: no script, no frame, no form. */
static void csp_make(void)
{
	page_csp(STYLE, csp_html, sizeof csp_html);
}

static void head(struct buf *out, const char *number)
{
	page_head(out, T_TITLE.zh, number, STYLE, 0);
	page_tri_block(out, &T_TITLE);
	buf_puts(out, "</h1>");
}

static void dt(struct buf *out, const struct page_tri *label)
{
	buf_puts(out, "<dt>");
	page_tri_block(out, label);
	buf_puts(out, "</dt><dd>");
}

struct page_ctx {
	struct buf *out;
	struct arena *a;
	int n, failed;
};

static int page_row(void *ctx, const struct sp_announced_sample *s)
{
	struct page_ctx *x = ctx;
	struct buf *out = x->out;
	int fail = !text_is(s->verdict, "pass");
	x->n++;
	x->failed += fail;
	buf_puts(out, "<tr><td>");
	page_escape(out, s->sample_no);
	buf_puts(out, "</td><td>");
	page_escape(out, s->product_zh);
	buf_puts(out, "<small>");
	page_escape(out, s->product_en);
	buf_puts(out, "</small></td><td>");
	page_escape(out, s->producer_name ? s->producer_name : "");
	buf_puts(out, "<small>");
	page_escape(out, s->credit_code);
	buf_puts(out, "</small></td><td>");
	page_escape(out, place_zh(s->region_code, x->a));
	const struct region *r = regions_find(s->region_code);
	if (r) {
		buf_puts(out, "<small>");
		page_escape(out, r->name_en);
		buf_puts(out, "</small>");
	}
	buf_puts(out, "</td><td>");
	page_escape(out, s->brand ? s->brand : "—");
	buf_puts(out, "<small>");
	page_escape(out, s->specification ? s->specification : "—");
	buf_puts(out, "</small></td><td>");
	page_escape(out, date_batch(s, x->a) ? date_batch(s, x->a) : "—");
	buf_puts(out, fail ? "</td><td class=\"f\">" : "</td><td>");
	const struct page_tri *v = fail ? &T_FAIL : &T_PASS;
	page_escape(out, v->zh);
	buf_puts(out, "<small lang=\"bo\">");
	page_escape(out, v->bo);
	buf_puts(out, "</small><small>");
	page_escape(out, v->en);
	buf_puts(out, "</small></td><td>");
	page_escape(out, s->failing_items ? s->failing_items : "—");
	buf_puts(out, "</td></tr>");
	return 0;
}

static void page(struct http_request *req, const struct sp_announcement *an, struct buf *out,
                 int *rc)
{
	head(out, an->number);
	buf_puts(out, "<dl>");
	dt(out, &T_NUMBER);
	page_escape(out, an->number);
	buf_puts(out, "</dd>");
	buf_puts(out, "<dt>");
	page_escape(out, an->title);
	buf_puts(out, "</dt>");
	dt(out, &T_REGION);
	const struct region *r = regions_find(an->region_code);
	if (r) {
		page_tri_inline(out, r->name_zh ? r->name_zh : "", r->name_bo ? r->name_bo : "",
		                r->name_en ? r->name_en : "");
	}
	buf_puts(out, "</dd>");
	dt(out, &T_PRODUCT);
	if (an->product_code) {
		page_escape(out, an->product_zh);
		buf_puts(out, " · ");
		page_escape(out, an->product_en);
	} else {
		page_tri_inline(out, T_ALL_PRODUCTS.zh, T_ALL_PRODUCTS.bo, T_ALL_PRODUCTS.en);
	}
	buf_puts(out, "</dd>");
	dt(out, &T_PERIOD);
	page_escape(out, an->period_from);
	buf_puts(out, " — ");
	page_escape(out, an->period_to);
	buf_puts(out, "</dd>");
	dt(out, &T_PUBLISHED);
	if (an->published_at)
		buf_append(out, an->published_at, strlen(an->published_at) < 10 ? 0 : 10);
	buf_puts(out, "</dd></dl><h2>");
	page_tri_block(out, &T_RESULT);
	buf_puts(out, "</h2><table><thead><tr>");
	const struct page_tri *cols[] = {&T_SAMPLE_NO, &T_PRODUCT, &T_PRODUCER, &T_PLACE,
	                                 &T_BRAND,     &T_BATCH,   &T_VERDICT,  &T_FAILING};
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
		buf_puts(out, "<th>");
		page_tri_block(out, cols[i]);
		buf_puts(out, "</th>");
	}
	buf_puts(out, "</tr></thead><tbody>");
	struct page_ctx x = {out, &req->arena, 0, 0};
	*rc = sp_announcement_samples(req->db, an, &req->arena, page_row, &x);
	buf_printf(out,
	           "</tbody></table><p>共抽查 %d 批次，合格 %d 批次，不合格 %d 批次。"
	           "<br><span lang=\"bo\">མ་དཔེ་ %d ལེན། ཚད་ལྡན་ %d ཚད་མི་ལྡན་ %d</span>"
	           "<br>%d samples: %d passed, %d failed.</p>",
	           x.n, x.n - x.failed, x.failed, x.n, x.n - x.failed, x.failed, x.n,
	           x.n - x.failed, x.failed);
	buf_printf(out, "<p><a href=\"/api/v1/public/sampling/announcements/%s.csv\">", an->number);
	page_tri_inline(out, T_CSV.zh, T_CSV.bo, T_CSV.en);
	buf_puts(out, "</a></p><p class=\"n\">");
	page_tri_lines(out, &T_NOTE);
	buf_puts(out, "</p></main></body></html>\n");
}

/* GET /s/{number} */
static int page_html(struct http_request *req, struct http_response *res)
{
	pthread_once(&csp_once, csp_make);
	res->csp = csp_html;
	struct sp_announcement an;
	int rc = published(req, 0, &an);
	if (rc == SVC_NOT_FOUND) {
		head(&res->body, NULL);
		buf_puts(&res->body, "<h2>");
		page_tri_block(&res->body, &E_UNKNOWN);
		buf_puts(&res->body, "</h2><p>");
		page_tri_lines(&res->body, &E_UNKNOWN_HOW);
		buf_puts(&res->body, "</p></main></body></html>\n");
		res->status = 404;
		res->content_type = "text/html; charset=utf-8";
		res->caching = "public, max-age=60";
		return 0;
	}
	if (rc != SVC_OK)
		return -1;
	page(req, &an, &res->body, &rc);
	if (rc != SVC_OK)
		return -1;
	return answer(req, res, 'h', "text/html; charset=utf-8");
}

/* ---- Routes --------------------------------------------------------------------------------- */

static const struct route_param FEED_PARAMS[] = {
    {"cursor", "string", "next_cursor of the previous page"},
    {"limit", "integer", "announcements per page, 1 to 100 (default 20)"},
    {NULL, NULL, NULL},
};

static const struct route SP_PUBLIC_ROUTES[] = {
    {"GET", "/s/{number}", page_html, ROUTE_PUBLIC, 0,
     "Public page of a published sampling announcement (HTML, no login)", "sampling-public", NULL,
     NULL, NULL, 200, NULL},
    {"GET", "/api/v1/public/sampling/announcements", feed, ROUTE_PUBLIC, 0,
     "Published sampling announcements, newest first (no login)", "sampling-public", NULL,
     "SamplingAnnouncementFeed", FEED_PARAMS, 200, NULL},
    {"GET", "/api/v1/public/sampling/announcements/{number}", one, ROUTE_PUBLIC, 0,
     "A published announcement with its samples as JSON, or as CSV when the number ends in "
     ".csv (no login)",
     "sampling-public", NULL, "SamplingAnnouncementPublic", NULL, 200, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table SP_PUBLIC_ROUTE_TABLE = {"sampling-public", SP_PUBLIC_ROUTES};

void sp_stats_schemas_write(struct buf *out)
{
	static const char REGION[] =
	    "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"},\"name_zh\":{"
	    "\"type\":\"string\"},\"name_bo\":{\"type\":\"string\",\"nullable\":true},\"name_en\":{"
	    "\"type\":\"string\"}}}";
	buf_puts(out,
	         "\"SamplingStats\":{\"type\":\"object\",\"properties\":{\"year\":{\"type\":"
	         "\"integer\"},\"quarter\":{\"type\":\"integer\",\"nullable\":true},\"by\":{"
	         "\"type\":\"string\"},\"items\":{\"type\":\"array\",\"items\":{\"type\":"
	         "\"object\",\"properties\":{\"key\":{\"type\":\"string\"},\"label\":{\"type\":"
	         "\"string\"},\"label_en\":{\"type\":\"string\"},\"samples\":{\"type\":"
	         "\"integer\"},\"passed\":{\"type\":\"integer\"},\"failed\":{\"type\":"
	         "\"integer\"},\"pass_rate\":{\"type\":\"string\",\"nullable\":true}}}}}},");
	buf_puts(out, "\"SamplingItemStats\":{\"type\":\"object\",\"properties\":{\"year\":{"
	              "\"type\":\"integer\"},\"items\":{\"type\":\"array\",\"items\":{\"type\":"
	              "\"object\",\"properties\":{\"item_code\":{\"type\":\"string\"},\"name\":{"
	              "\"type\":\"string\"},\"name_en\":{\"type\":\"string\"},\"unit\":{\"type\":"
	              "\"string\",\"nullable\":true},\"tested\":{\"type\":\"integer\"},\"failed\":{"
	              "\"type\":\"integer\"},\"fail_rate\":{\"type\":\"string\",\"nullable\":"
	              "true}}}}}},");
	buf_puts(out,
	         "\"SamplingAnnouncementPublic\":{\"type\":\"object\",\"properties\":{"
	         "\"number\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"region\":");
	buf_puts(out, REGION);
	buf_puts(out, ",\"product\":{\"type\":\"object\",\"nullable\":true},\"period_from\":{"
	              "\"type\":\"string\"},\"period_to\":{\"type\":\"string\"},\"published_on\":{"
	              "\"type\":\"string\"},\"url\":{\"type\":\"string\"},\"samples\":{\"type\":"
	              "\"array\",\"items\":{\"type\":\"object\"}},\"sample_count\":{\"type\":"
	              "\"integer\"}}},");
	buf_puts(out, "\"SamplingAnnouncementFeed\":{\"type\":\"object\",\"properties\":{\"items\":"
	              "{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "SamplingAnnouncementPublic\"}},\"next_cursor\":{\"type\":\"string\","
	              "\"nullable\":true}}},");
	buf_puts(out,
	         "\"SamplingAnnouncement\":{\"type\":\"object\",\"properties\":{\"id\":{"
	         "\"type\":\"string\"},\"number\":{\"type\":\"string\"},\"title\":{\"type\":"
	         "\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"draft\","
	         "\"approved\",\"published\"]},\"version\":{\"type\":\"integer\"},\"samples\":{"
	         "\"type\":\"array\",\"items\":{\"type\":\"object\"}}}},");
	buf_puts(out, "\"SamplingAnnouncementInput\":{\"type\":\"object\",\"required\":[\"title\","
	              "\"region_code\",\"period_from\",\"period_to\"],\"properties\":{\"title\":{"
	              "\"type\":\"string\"},\"region_code\":{\"type\":\"string\"},\"product\":{"
	              "\"type\":\"string\",\"nullable\":true},\"period_from\":{\"type\":\"string\","
	              "\"format\":\"date\"},\"period_to\":{\"type\":\"string\",\"format\":"
	              "\"date\"}}},");
	buf_puts(out, "\"SamplingAnnouncementList\":{\"type\":\"object\",\"properties\":{\"items\":"
	              "{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "SamplingAnnouncement\"}},\"next_cursor\":{\"type\":\"string\",\"nullable\":"
	              "true}}},");
}

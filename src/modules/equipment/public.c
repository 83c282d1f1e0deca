/*
 * The public equipment page (see public.h): the facts a passer-by may read about a unit, read
 * by its use-registration code, shaped as HTML, JSON, SVG or PNG.
 *
 * What is shown is chosen, not filtered: the registration code, the category, the use unit's
 * registered name, where it stands, its status, the last inspection's date and conclusion,
 * the next due date and whether it is overdue, the maintenance unit of an elevator, and where
 * to complain. Never the device code, people's names, inspectors, phone numbers of persons or
 * defect texts: none of them is even read from the database here.
 *
 * Each worker thread keeps the answers it rendered last (platform/pubcache.h: a small table
 * keyed by kind, code and PNG size) with the state of the database they were rendered from,
 * so a write anywhere shows on the very next request; a cache hit costs two tiny statements
 * instead of three lookups and a page rendering.
 */
#include "public.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/api.h"
#include "modules/equipment/common.h"
#include "modules/regions/service.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/page.h"
#include "platform/pubcache.h"
#include "platform/qr.h"

#define PUBLIC_CACHE_SLOTS   64      /* answers each worker keeps (direct-mapped by key) */
#define PUBLIC_HOTLINE       "12365" /* the quality and special-equipment complaint line */
#define PUBLIC_HOTLINE_ALL   "12315" /* the market-regulation line it is being merged into */
#define PUBLIC_STRINGIFY_(x) #x
#define PUBLIC_STRINGIFY(x)  PUBLIC_STRINGIFY_(x)

/* The four shapes of the same facts. */
enum public_kind {
	PUBLIC_HTML,
	PUBLIC_JSON,
	PUBLIC_SVG,
	PUBLIC_PNG,
};

/* What the page says about a unit: strings in the request's arena, NULL where unknown. */
struct public_unit {
	const char *reg_code;
	int64_t version;                      /* the unit's version, part of the ETag */
	const char *category;                 /* catalogue code */
	const char *cat_zh, *cat_bo, *cat_en; /* its names (Tibetan: the top category's if none) */
	const char *use_unit_zh;              /* the use unit's registered name */
	const char *use_unit_bo;              /* its Tibetan name, where registered */
	const struct region *county;          /* where it stands (as registered), or NULL */
	const struct region *prefecture;      /* the prefecture (or province) above it, or NULL */
	const char *location;                 /* address within the county */
	const char *maintainer;               /* elevators only */
	const char *status;                   /* in_use, stopped, scrapped */
	const char *last_inspected_on;        /* YYYY-MM-DD */
	const char *last_conclusion;          /* pass, conditional, fail */
	const char *next_due;                 /* YYYY-MM-DD */
	int has_due;                          /* next_due is set */
	int days_to_due;                      /* next_due - today */
	int overdue;                          /* in use and next_due before today */
	int32_t today;                        /* the day it is in China */
};

/* ---- Reading ----------------------------------------------------------------------------- */

int eq_reg_code_well_formed(const char *s, size_t n)
{
	if (s == NULL || n != EQ_REG_CODE_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static const char SQL_UNIT[] =
    "SELECT u.version, u.category, u.use_unit, u.region_code, u.location, u.maintainer, "
    "u.status, u.last_inspected_on, u.last_conclusion, u.next_due, c.name_zh, c.name_bo, "
    "c.name_en, t.name_bo FROM eq_unit u LEFT JOIN eq_category c ON c.code = u.category LEFT "
    "JOIN eq_category t ON t.code = substr(u.category, 1, 1) || '000' WHERE u.reg_code = ?";

/* Column i of st in a, or NULL when null or empty. */
static const char *col(struct db_stmt *st, int i, struct arena *a)
{
	size_t n;
	const char *s = db_col_text(st, i, &n);
	return db_col_is_null(st, i) || n == 0 ? NULL : arena_strndup(a, s, n);
}

/*
 * Reads the public facts of the unit registered under code. Returns EQ_OK with *u (strings in
 * a), EQ_NOT_FOUND, or EQ_ERROR.
 */
static int public_unit_read(struct db *db, const char *code, struct arena *a, struct public_unit *u)
{
	memset(u, 0, sizeof *u);
	struct db_stmt *st = db_prepare(db, SQL_UNIT);
	if (st == NULL)
		return EQ_ERROR;
	db_bind_cstr(st, 1, code);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? EQ_NOT_FOUND : EQ_ERROR;
	}
	u->reg_code = code;
	u->version = db_col_int64(st, 0);
	u->category = col(st, 1, a);
	const char *use_unit = col(st, 2, a);
	int region = (int)db_col_int64(st, 3);
	u->location = col(st, 4, a);
	u->maintainer = col(st, 5, a);
	u->status = col(st, 6, a);
	u->last_inspected_on = col(st, 7, a);
	u->last_conclusion = col(st, 8, a);
	u->next_due = col(st, 9, a);
	u->cat_zh = col(st, 10, a);
	u->cat_bo = col(st, 11, a);
	u->cat_en = col(st, 12, a);
	if (u->cat_bo == NULL)
		u->cat_bo = col(st, 13, a);
	db_reset(st);

	if (u->category == NULL || u->category[0] != '3')
		u->maintainer = NULL; /* a maintenance unit is an elevator's matter */
	u->today = today_china();
	int32_t due = record_day_of(u->next_due);
	u->has_due = due != DATE_NONE;
	u->days_to_due = u->has_due ? due - u->today : 0;
	u->overdue = u->has_due && due < u->today && u->status && strcmp(u->status, "in_use") == 0;

	u->county = regions_find(region);
	const struct region *p = u->county;
	while (p && p->level == REGION_COUNTY)
		p = regions_find(p->parent);
	u->prefecture = p;

	/* The use unit may stand in any region: read it with the whole registry in scope. */
	struct actor all = {.name = "public", .all_regions = 1};
	struct record ent;
	rc = use_unit ? registry_get(db, &all, use_unit, a, &ent) : REG_NOT_FOUND;
	if (rc == REG_OK) {
		u->use_unit_zh = ent.v[ENT_NAME];
		u->use_unit_bo =
		    ent.v[ENT_NAME_BO] && ent.v[ENT_NAME_BO][0] ? ent.v[ENT_NAME_BO] : NULL;
	} else if (rc != REG_NOT_FOUND) {
		return EQ_ERROR;
	}
	return EQ_OK;
}

/* ---- Words ------------------------------------------------------------------------------- */

static const struct page_tri T_TITLE = {"特种设备使用信息公示", "ཆེད་ལས་སྒྲིག་ཆས་ཀྱི་བེད་སྤྱོད་ཆ་འཕྲིན་སྤྱི་བསྒྲགས།",
                                        "Special equipment: public record"};
static const struct page_tri T_REG_CODE = {"使用登记代码", "བེད་སྤྱོད་ཐོ་འགོད་ཨང་རྟགས།",
                                           "Registration code"};
static const struct page_tri T_CATEGORY = {"设备类别", "སྒྲིག་ཆས་རིགས།", "Category"};
static const struct page_tri T_USE_UNIT = {"使用单位", "བེད་སྤྱོད་ལས་ཁུངས།", "Use unit"};
static const struct page_tri T_LOCATION = {"设备地点", "བེད་སྤྱོད་ས་གནས།", "Location"};
static const struct page_tri T_STATUS = {"设备状态", "སྒྲིག་ཆས་གནས་སྟངས།", "Status"};
static const struct page_tri T_LAST = {"上次检验", "ཞིབ་བཤེར་སྔ་མ།", "Last inspection"};
static const struct page_tri T_NEXT_DUE = {"下次检验日期", "ཞིབ་བཤེར་རྗེས་མའི་ཚེས་གྲངས།",
                                           "Next inspection due"};
static const struct page_tri T_MAINTAINER = {"维护保养单位", "ཉར་སྐྱོང་ལས་ཁུངས།", "Maintenance unit"};
static const struct page_tri T_COMPLAIN = {"投诉举报", "ཞུ་གཏུགས་དང་མཐོ་གཏུགས།",
                                           "Complaints and reports"};
static const struct page_tri T_HOTLINE = {"投诉举报电话", "ཞུ་གཏུགས་ཁ་པར།", "Hotline"};
static const struct page_tri T_BUREAU = {"监管部门", "ལྟ་སྲུང་དོ་དམ་ལས་ཁུངས།", "Supervising authority"};
static const struct page_tri T_NONE = {"无记录", "ཟིན་ཐོ་མེད།", "none recorded"};
static const struct page_tri T_NOT_SUBJECT = {"无需定期检验", "དུས་ཐོག་ཞིབ་བཤེར་མི་དགོས།",
                                              "not subject to periodic inspection"};
static const struct page_tri T_COMPLAIN_HOW = {
    "对设备安全有疑问或发现隐患，请拨打投诉举报电话或联系监管部门。",
    "སྒྲིག་ཆས་ཀྱི་བདེ་འཇགས་ཐད་དོགས་པ་ཡོད་ན་ཞུ་གཏུགས་ཁ་པར་གཏོང་བའམ་ལྟ་སྲུང་དོ་དམ་ལས་ཁུངས་ལ་"
    "འབྲེལ་བ་གནང་རོགས།",
    "Doubts about its safety? Call the hotline or contact the supervising authority."};

/* Banners: the one thing a passer-by must see first. */
static const struct page_tri B_OVERDUE = {"检验已逾期，不得使用", "ཞིབ་བཤེར་དུས་ཡོལ་ཟིན། བེད་སྤྱོད་མི་ཆོག",
                                          "Inspection overdue: it may not be used"};
static const struct page_tri B_FAILED = {"检验不合格，不得使用", "ཞིབ་བཤེར་ཚད་མི་ལྡན། བེད་སྤྱོད་མི་ཆོག",
                                         "Failed its inspection: it may not be used"};
static const struct page_tri B_VALID = {"在检验有效期内", "ཞིབ་བཤེར་ནུས་ཡོད་དུས་ཡུན་ནང་ཡོད།",
                                        "Within its inspection period"};
static const struct page_tri B_STOPPED = {"已停用", "བེད་སྤྱོད་མཚམས་བཞག", "Stopped: not in use"};
static const struct page_tri B_SCRAPPED = {"已报废", "གཏོར་བཤིག་བྱས་ཟིན།", "Scrapped"};

static const struct {
	const char *code;
	struct page_tri t;
} STATUSES[] =
    {
        {"in_use", {"在用", "བེད་སྤྱོད་བཞིན་པ།", "In use"}},
        {"stopped", {"停用", "བེད་སྤྱོད་མཚམས་བཞག", "Stopped"}},
        {"scrapped", {"报废", "གཏོར་བཤིག་བྱས་ཟིན།", "Scrapped"}},
},
  CONCLUSIONS[] = {
      {"pass", {"合格", "ཚད་ལྡན།", "Pass"}},
      {"conditional", {"基本符合要求", "ཕལ་ཆེར་བླང་བྱ་དང་མཐུན།", "Pass with conditions"}},
      {"fail", {"不合格", "ཚད་མི་ལྡན།", "Fail"}},
};

static const struct page_tri *status_words(const char *code)
{
	for (size_t i = 0; code && i < sizeof STATUSES / sizeof STATUSES[0]; i++)
		if (strcmp(STATUSES[i].code, code) == 0)
			return &STATUSES[i].t;
	return NULL;
}

static const struct page_tri *conclusion_words(const char *code)
{
	for (size_t i = 0; code && i < sizeof CONCLUSIONS / sizeof CONCLUSIONS[0]; i++)
		if (strcmp(CONCLUSIONS[i].code, code) == 0)
			return &CONCLUSIONS[i].t;
	return NULL;
}

/* The banner of u, and whether it is a warning. */
static const struct page_tri *banner(const struct public_unit *u, int *warn)
{
	*warn = 0;
	if (text_is(u->status, "scrapped"))
		return &B_SCRAPPED;
	if (text_is(u->status, "stopped"))
		return &B_STOPPED;
	*warn = 1;
	if (u->overdue)
		return &B_OVERDUE;
	if (text_is(u->last_conclusion, "fail"))
		return &B_FAILED;
	*warn = 0;
	return u->has_due ? &B_VALID : &T_NOT_SUBJECT;
}

/* ---- HTML -------------------------------------------------------------------------------- */

/* The page's whole style sheet; its hash goes into the page's Content-Security-Policy. */
static const char STYLE[] =
    "body{margin:0;background:#eee;color:#222;font:16px/1.5 sans-serif}"
    "main{max-width:34em;margin:0 auto;padding:.6em 1em 1em;background:#fff}"
    "h1{font-size:1.2em;margin:.2em 0 .5em}"
    "h1>span,h2>span,dt>span,.b>span,small{display:block;font-size:.8em;font-weight:normal}"
    "[lang=bo]{font-family:'Noto Sans Tibetan','Microsoft Himalaya',Jomolhari,serif;"
    "font-size:1.1em}"
    ".b{margin:.5em 0;padding:.5em .7em;border-left:.4em solid #2a7a2a;background:#eef6ee;"
    "font-weight:bold}"
    ".w{border-color:#b00;background:#fbeaea;color:#900}"
    "dl{margin:0}dt{margin-top:.8em;color:#555;font-size:.85em}"
    "dd{margin:.1em 0 0;font-weight:bold;word-wrap:break-word}"
    "dd small{font-size:.9em}"
    ".c{font-size:1.1em;letter-spacing:.03em}"
    "h2{font-size:1em;margin:1.2em 0 0;border-top:1px solid #ccc;padding-top:.6em}"
    "a{color:#0645ad}"
    ".n{margin-top:1.2em;color:#555;font-size:.8em}";

static pthread_once_t csp_once = PTHREAD_ONCE_INIT;
static char csp_html[256];

/* A page may use its own style sheet and nothing else: no script, no frame, no form. */
static void csp_make(void)
{
	page_csp(STYLE, csp_html, sizeof csp_html);
}

static const char CSP_IMAGE[] = "default-src 'none'; frame-ancestors 'none'";

/* A value: zh (or the first given) in bold, then "bo · en" on a line of its own. */
static void tri_value(struct buf *out, const char *zh, const char *bo, const char *en)
{
	if (zh == NULL) {
		zh = bo ? bo : en;
		if (zh == bo)
			bo = NULL;
		else
			en = NULL;
	}
	if (zh)
		page_escape(out, zh);
	if (bo || en) {
		buf_puts(out, "<small>");
		page_tri_inline(out, NULL, bo, en);
		buf_puts(out, "</small>");
	}
}

static void html_head(struct buf *out, const char *title_code)
{
	page_head(out, T_TITLE.zh, title_code, STYLE, 1);
}

/* A paragraph in the three languages, a line each. */
static void html_paragraph(struct buf *out, const struct page_tri *t)
{
	buf_puts(out, "<p>");
	page_tri_lines(out, t);
	buf_puts(out, "</p>");
}

static void dt(struct buf *out, const struct page_tri *label)
{
	buf_puts(out, "<dt>");
	page_tri_block(out, label);
	buf_puts(out, "</dt><dd>");
}

/* The bureau of a prefecture in three languages (zh, bo may be NULL when unknown). */
static void bureau_names(const struct region *p, struct arena *a, struct page_tri *out)
{
	out->zh = p ? arena_printf(a, "%s市场监督管理局", p->name_zh) : NULL;
	out->bo = NULL;
	if (p && p->name_bo && p->name_bo[0]) {
		/* "ལྷ་ས་གྲོང་ཁྱེར།" + "ཁྲོམ་ར..." joins as "ལྷ་ས་གྲོང་ཁྱེར་ཁྲོམ་ར...": the shad
		 * that ends a name becomes a tsheg inside the longer one. */
		static const char SHAD[] = "\u0F0D", TSHEG[] = "\u0F0B";
		size_t n = strlen(p->name_bo), k = sizeof SHAD - 1;
		if (n >= k && memcmp(p->name_bo + n - k, SHAD, k) == 0)
			n -= k;
		int tsheg = n >= k && memcmp(p->name_bo + n - k, TSHEG, k) == 0;
		out->bo = arena_printf(a, "%.*s%sཁྲོམ་ར་ལྟ་སྲུང་དོ་དམ་ཅུས།", (int)n, p->name_bo,
		                       tsheg ? "" : TSHEG);
	}
	out->en = p ? arena_printf(a, "%s Administration for Market Regulation", p->name_en) : NULL;
}

static void html_complain(struct buf *out, const struct region *prefecture, struct arena *a)
{
	buf_puts(out, "<h2>");
	page_tri_block(out, &T_COMPLAIN);
	buf_puts(out, "</h2>");
	html_paragraph(out, &T_COMPLAIN_HOW);
	buf_puts(out, "<dl>");
	dt(out, &T_HOTLINE);
	buf_puts(out, "<a class=\"c\" href=\"tel:" PUBLIC_HOTLINE "\">" PUBLIC_HOTLINE
	              "</a> · <a class=\"c\" href=\"tel:" PUBLIC_HOTLINE_ALL
	              "\">" PUBLIC_HOTLINE_ALL "</a></dd>");
	if (prefecture) {
		struct page_tri b;
		bureau_names(prefecture, a, &b);
		dt(out, &T_BUREAU);
		tri_value(out, b.zh, b.bo, b.en);
		buf_puts(out, "</dd>");
	}
	buf_puts(out, "</dl>");
}

static void html_note(struct buf *out, int32_t today)
{
	char d[11];
	date_format(today, d);
	buf_printf(
	    out,
	    "<p class=\"n\">本页显示截至 %s（北京时间）的登记与检验记录，以监管部门的现行记录为准。"
	    "<br><span lang=\"bo\">ཤོག་ངོས་འདིར་ %s (པེ་ཅིང་དུས་ཚོད།) བར་གྱི་ཐོ་འགོད་དང་ཞིབ་བཤེར་ཟིན་ཐོ་"
	    "མངོན། ལྟ་སྲུང་དོ་དམ་ལས་ཁུངས་ཀྱི་ད་ལྟའི་ཟིན་ཐོ་གཞིར་བཟུང་།</span><br>This page "
	    "shows the registration and inspection record as of %s (Beijing time); the "
	    "authority's current record prevails.</p>",
	    d, d, d);
}

/* The due date's distance from today, in three languages. */
static void html_days(struct buf *out, const struct public_unit *u)
{
	int n = u->days_to_due;
	if (n == 0)
		buf_puts(out, "<small>今天到期 · <span lang=\"bo\">དེ་རིང་དུས་ཚོད་སླེབས།</span> · due "
		              "today</small>");
	else if (n > 0)
		buf_printf(out,
		           "<small>还有 %d 天 · <span lang=\"bo\">ད་དུང་ཉིན་ %d</span> · in %d "
		           "days</small>",
		           n, n, n);
	else
		buf_printf(out,
		           "<small>逾期 %d 天 · <span lang=\"bo\">དུས་ཡོལ་ཉིན་ %d</span> · %d days "
		           "overdue</small>",
		           -n, -n, -n);
}

static void html_page(struct buf *out, const struct public_unit *u, struct arena *a)
{
	html_head(out, u->reg_code);
	page_tri_block(out, &T_TITLE);
	buf_puts(out, "</h1>");
	int warn;
	const struct page_tri *b = banner(u, &warn);
	buf_puts(out, warn ? "<p class=\"b w\">" : "<p class=\"b\">");
	page_tri_block(out, b);
	buf_puts(out, "</p><dl>");

	dt(out, &T_REG_CODE);
	buf_puts(out, "<span class=\"c\">");
	page_escape(out, u->reg_code);
	buf_puts(out, "</span></dd>");

	dt(out, &T_CATEGORY);
	tri_value(out,
	          u->cat_zh     ? u->cat_zh
	          : u->category ? u->category
	                        : "",
	          u->cat_bo, u->cat_en);
	buf_puts(out, "</dd>");

	dt(out, &T_USE_UNIT);
	if (u->use_unit_zh)
		tri_value(out, u->use_unit_zh, u->use_unit_bo, NULL);
	else
		tri_value(out, T_NONE.zh, T_NONE.bo, T_NONE.en);
	buf_puts(out, "</dd>");

	dt(out, &T_LOCATION);
	if (u->prefecture && u->prefecture != u->county)
		page_escape(out, u->prefecture->name_zh);
	if (u->county)
		page_escape(out, u->county->name_zh);
	if (u->location) {
		buf_putc(out, ' ');
		page_escape(out, u->location);
	}
	if (u->county) {
		buf_puts(out, "<small>");
		const char *bo = u->county->name_bo && u->county->name_bo[0] ? u->county->name_bo
		                 : u->prefecture && u->prefecture->name_bo[0]
		                     ? u->prefecture->name_bo
		                     : NULL;
		const char *en =
		    u->prefecture && u->prefecture != u->county
		        ? arena_printf(a, "%s, %s", u->county->name_en, u->prefecture->name_en)
		        : u->county->name_en;
		page_tri_inline(out, NULL, bo, en);
		buf_puts(out, "</small>");
	}
	buf_puts(out, "</dd>");

	dt(out, &T_STATUS);
	const struct page_tri *s = status_words(u->status);
	if (s)
		tri_value(out, s->zh, s->bo, s->en);
	buf_puts(out, "</dd>");

	dt(out, &T_LAST);
	if (u->last_inspected_on) {
		const struct page_tri *c = conclusion_words(u->last_conclusion);
		page_escape(out, u->last_inspected_on);
		if (c) {
			buf_puts(out, " · ");
			tri_value(out, c->zh, c->bo, c->en);
		}
	} else {
		tri_value(out, T_NONE.zh, T_NONE.bo, T_NONE.en);
	}
	buf_puts(out, "</dd>");

	dt(out, &T_NEXT_DUE);
	if (u->next_due) {
		page_escape(out, u->next_due);
		if (text_is(u->status, "in_use"))
			html_days(out, u);
	} else {
		tri_value(out, T_NOT_SUBJECT.zh, T_NOT_SUBJECT.bo, T_NOT_SUBJECT.en);
	}
	buf_puts(out, "</dd>");

	if (u->category && u->category[0] == '3') {
		dt(out, &T_MAINTAINER);
		if (u->maintainer)
			page_escape(out, u->maintainer);
		else
			tri_value(out, T_NONE.zh, T_NONE.bo, T_NONE.en);
		buf_puts(out, "</dd>");
	}
	buf_puts(out, "</dl>");
	html_complain(out, u->prefecture, a);
	html_note(out, u->today);
	buf_puts(out, "</main></body></html>\n");
}

/* The 400 and 404 pages: what went wrong, what a code looks like, where to complain. */
static const struct page_tri E_FORMAT = {"代码格式不正确", "ཨང་རྟགས་ཀྱི་རྣམ་གཞག་ནོར་འདུག",
                                         "Malformed registration code"};
static const struct page_tri E_FORMAT_HOW = {
    "使用登记代码为 20 位数字：4 位设备类别、6 位登记机关行政区划代码、6 位登记年月、4 位顺序号。",
    "བེད་སྤྱོད་ཐོ་འགོད་ཨང་རྟགས་ནི་ཨང་གྲངས་ 20 ཡིན།",
    "A registration code is 20 digits: 4 of the category, 6 of the registering office's "
    "division code, 6 of the year and month of registration, 4 of the sequence."};
static const struct page_tri E_SIZE = {"二维码尺寸不正确", "QR ཚད་ནོར་འདུག", "Bad QR code size"};
static const struct page_tri E_SIZE_HOW = {
    "size 须为 1 到 20 的整数（每个模块的像素数），默认 8。", "size ནི་ 1 ནས་ 20 བར་གྱི་གྲངས་ཆ་ཡིན་དགོས།",
    "size must be an integer from 1 to 20 (pixels per module); the default is 8."};
static const struct page_tri E_UNKNOWN = {"未查到该设备", "སྒྲིག་ཆས་འདི་རྙེད་མ་སོང་།", "No such unit"};
static const struct page_tri E_UNKNOWN_HOW = {
    "没有以此使用登记代码登记的设备。请核对设备上张贴的代码；未办理使用登记的设备不得使用，"
    "可以投诉举报。",
    "ཨང་རྟགས་འདིས་ཐོ་འགོད་བྱས་པའི་སྒྲིག་ཆས་མེད། སྒྲིག་ཆས་སྟེང་གི་ཨང་རྟགས་ལ་ཞིབ་བཤེར་གནང་རོགས།",
    "No unit is registered under this code. Check the code posted on the unit: a unit that "
    "is not registered may not be used, and you may report it."};

static void html_error(struct buf *out, const struct page_tri *what, const struct page_tri *how,
                       const char *code)
{
	html_head(out, NULL);
	page_tri_block(out, what);
	buf_puts(out, "</h1>");
	if (code) {
		buf_puts(out, "<p class=\"b w c\">");
		page_escape(out, code);
		buf_puts(out, "</p>");
	}
	html_paragraph(out, how);
	html_complain(out, NULL, NULL);
	buf_puts(out, "</main></body></html>\n");
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void json_member(struct buf *out, const char *key, const char *v, int first)
{
	buf_printf(out, first ? "\"%s\":" : ",\"%s\":", key);
	if (v)
		json_write_string(out, v, strlen(v));
	else
		buf_puts(out, "null");
}

static void json_region(struct buf *out, const char *key, const struct region *r)
{
	buf_printf(out, ",\"%s\":", key);
	if (r == NULL) {
		buf_puts(out, "null");
		return;
	}
	buf_printf(out, "{\"code\":\"%06d\"", r->code);
	json_member(out, "name_zh", r->name_zh, 0);
	json_member(out, "name_bo", r->name_bo && r->name_bo[0] ? r->name_bo : NULL, 0);
	json_member(out, "name_en", r->name_en, 0);
	buf_putc(out, '}');
}

static void json_page(struct buf *out, const struct public_unit *u, struct arena *a)
{
	char d[11];
	date_format(u->today, d);
	buf_putc(out, '{');
	json_member(out, "reg_code", u->reg_code, 1);
	buf_puts(out, ",\"url\":");
	const char *url = arena_printf(a, "%s/e/%s", http_public_base_url(), u->reg_code);
	json_write_string(out, url, strlen(url));
	buf_puts(out, ",\"category\":{");
	json_member(out, "code", u->category, 1);
	json_member(out, "name_zh", u->cat_zh, 0);
	json_member(out, "name_bo", u->cat_bo, 0);
	json_member(out, "name_en", u->cat_en, 0);
	buf_putc(out, '}');
	json_member(out, "use_unit_name", u->use_unit_zh, 0);
	json_member(out, "use_unit_name_bo", u->use_unit_bo, 0);
	json_region(out, "region", u->county);
	json_region(out, "prefecture", u->prefecture);
	json_member(out, "location", u->location, 0);
	json_member(out, "status", u->status, 0);
	json_member(out, "last_inspected_on", u->last_inspected_on, 0);
	json_member(out, "last_conclusion", u->last_conclusion, 0);
	json_member(out, "next_due", u->next_due, 0);
	buf_printf(out, ",\"overdue\":%s,\"days_to_due\":", u->overdue ? "true" : "false");
	if (u->has_due)
		buf_printf(out, "%d", u->days_to_due);
	else
		buf_puts(out, "null");
	int warn;
	(void)banner(u, &warn);
	buf_printf(out, ",\"may_be_used\":%s",
	           text_is(u->status, "in_use") && !warn ? "true" : "false");
	json_member(out, "maintainer", u->maintainer, 0);
	struct page_tri b;
	bureau_names(u->prefecture, a, &b);
	buf_puts(out, ",\"complaints\":{\"hotlines\":[\"" PUBLIC_HOTLINE "\",\"" PUBLIC_HOTLINE_ALL
	              "\"]");
	json_member(out, "authority_zh", b.zh, 0);
	json_member(out, "authority_bo", b.bo, 0);
	json_member(out, "authority_en", b.en, 0);
	buf_putc(out, '}');
	json_member(out, "as_of", d, 0);
	buf_puts(out, "}");
}

/* The answers each worker keeps (see platform/pubcache.h). */
static struct pubcache public_cache = PUBCACHE_INIT(PUBLIC_CACHE_SLOTS);

/* ---- Answers ----------------------------------------------------------------------------- */

static const char *content_type(enum public_kind kind)
{
	switch (kind) {
	case PUBLIC_HTML:
		return "text/html; charset=utf-8";
	case PUBLIC_JSON:
		return "application/json; charset=utf-8";
	case PUBLIC_SVG:
		return "image/svg+xml";
	default:
		return "image/png";
	}
}

static void public_headers(struct http_response *res, enum public_kind kind)
{
	pthread_once(&csp_once, csp_make);
	res->content_type = content_type(kind);
	res->csp = kind == PUBLIC_HTML ? csp_html : kind == PUBLIC_JSON ? NULL : CSP_IMAGE;
}

/* Answers an HTML error page (status 400 or 404); not cached by anyone for long. */
static int html_error_answer(struct http_response *res, int status, const struct page_tri *what,
                             const struct page_tri *how, const char *code)
{
	buf_reset(&res->body);
	html_error(&res->body, what, how, code);
	public_headers(res, PUBLIC_HTML);
	res->status = status;
	res->caching = "public, max-age=60";
	return 0;
}

/*
 * Renders the answer of kind for the unit into out and its ETag into etag. Returns EQ_OK,
 * EQ_NOT_FOUND, or EQ_ERROR.
 */
static int render(struct http_request *req, enum public_kind kind, int scale, const char *code,
                  struct buf *out, char etag[PUBCACHE_ETAG_MAX])
{
	struct public_unit u;
	int rc = public_unit_read(req->db, code, &req->arena, &u);
	if (rc != EQ_OK)
		return rc;
	int y, m, d;
	date_to_ymd(u.today, &y, &m, &d);
	if (kind == PUBLIC_HTML || kind == PUBLIC_JSON) {
		if (kind == PUBLIC_HTML)
			html_page(out, &u, &req->arena);
		else
			json_page(out, &u, &req->arena);
		/* The unit's version and the day say when to look again; the hash covers what
		 * else the page shows (the use unit's name, a renamed category). */
		snprintf(etag, PUBCACHE_ETAG_MAX, "\"%c%lld-%04d%02d%02d-%08x\"",
		         kind == PUBLIC_HTML ? 'h' : 'j', (long long)u.version, y, m, d,
		         page_fnv1a(out->data, out->len, PAGE_FNV1A_SEED));
		return EQ_OK;
	}
	/* The code holds the page's address, built on the configured base URL only. */
	char url[QR_TEXT_MAX + 1];
	int n = snprintf(url, sizeof url, "%s/e/%s", http_public_base_url(), code);
	struct qr q;
	if (n < 0 || (size_t)n >= sizeof url || qr_encode(url, (size_t)n, QR_LEVEL_M, &q) != 0)
		return EQ_ERROR;
	if (kind == PUBLIC_SVG)
		qr_write_svg(&q, out);
	else
		rc = qr_write_png(&q, scale, out) == 0 ? EQ_OK : EQ_ERROR;
	qr_free(&q);
	snprintf(etag, PUBCACHE_ETAG_MAX, "\"%c%d-%08x\"", kind == PUBLIC_SVG ? 's' : 'p', scale,
	         page_fnv1a(out->data, out->len, PAGE_FNV1A_SEED));
	return rc;
}

/* Answers kind for the unit in req->params[0]: from the worker's cache when still true. */
static int public_answer(struct http_request *req, struct http_response *res, enum public_kind kind,
                         int scale)
{
	const char *code = req->params[0];
	if (!eq_reg_code_well_formed(code, strlen(code))) {
		if (kind == PUBLIC_JSON)
			return http_error(
			    res, API_BAD_REQUEST, "invalid", "reg_code",
			    "reg_code must be 20 digits (category, registering office's "
			    "division code, YYYYMM, sequence)");
		return html_error_answer(res, 400, &E_FORMAT, &E_FORMAT_HOW, NULL);
	}
	struct pubcache_state now;
	if (pubcache_state_read(req->db, &now) != 0)
		return -1;
	int hit;
	struct pubcache_entry *e =
	    pubcache_find(&public_cache, kind, scale, code, EQ_REG_CODE_LEN, &now, &hit);
	if (!hit) {
		int rc = render(req, kind, scale, code, &e->body, e->etag);
		if (rc == EQ_NOT_FOUND) {
			if (kind == PUBLIC_JSON)
				return http_error(res, API_NOT_FOUND, "not_found", "reg_code",
				                  "no unit is registered under %s", code);
			return html_error_answer(res, 404, &E_UNKNOWN, &E_UNKNOWN_HOW, code);
		}
		if (rc != EQ_OK)
			return -1;
		pubcache_keep(e, kind, scale, code, EQ_REG_CODE_LEN, &now);
	}
	public_headers(res, kind);
	res->caching = "public, max-age=" PUBLIC_STRINGIFY(EQ_PUBLIC_MAX_AGE);
	if (!page_not_modified(req, res, e->etag))
		buf_append(&res->body, e->body.data, e->body.len);
	return 0;
}

static int page_html(struct http_request *req, struct http_response *res)
{
	return public_answer(req, res, PUBLIC_HTML, 0);
}

static int page_json(struct http_request *req, struct http_response *res)
{
	return public_answer(req, res, PUBLIC_JSON, 0);
}

static int qr_svg(struct http_request *req, struct http_response *res)
{
	return public_answer(req, res, PUBLIC_SVG, 0);
}

static int qr_png(struct http_request *req, struct http_response *res)
{
	const char *size = http_query(req, "size");
	int64_t scale = EQ_PUBLIC_PNG_SCALE;
	if (size && field_int_parse_cstr(size, 1, QR_PNG_SCALE_MAX, &scale) != 0)
		return html_error_answer(res, 400, &E_SIZE, &E_SIZE_HOW, NULL);
	return public_answer(req, res, PUBLIC_PNG, (int)scale);
}

/* ---- Routes ------------------------------------------------------------------------------ */

static const struct route_param PNG_PARAMS[] = {
    {"size", "integer", "pixels per module, 1 to 20 (default 8); the quiet zone is 4 modules"},
    {NULL, NULL, NULL},
};

static const struct route EQ_PUBLIC_ROUTES[] = {
    {"GET", "/e/{reg_code}", page_html, ROUTE_PUBLIC, 0,
     "Public page of an equipment unit by its use-registration code (HTML, no login)",
     "equipment-public", NULL, NULL, NULL, 200, NULL},
    {"GET", "/e/{reg_code}/qr.svg", qr_svg, ROUTE_PUBLIC, 0,
     "QR code of the public page's address (SVG)", "equipment-public", NULL, NULL, NULL, 200, NULL},
    {"GET", "/e/{reg_code}/qr.png", qr_png, ROUTE_PUBLIC, 0,
     "QR code of the public page's address (PNG)", "equipment-public", NULL, NULL, PNG_PARAMS, 200,
     NULL},
    {"GET", "/api/v1/public/equipment/{reg_code}", page_json, ROUTE_PUBLIC, 0,
     "The public page's facts as JSON (no login)", "equipment-public", NULL, "EquipmentPublic",
     NULL, 200, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table EQ_PUBLIC_ROUTE_TABLE = {"equipment-public", EQ_PUBLIC_ROUTES};

void eq_public_schemas_write(struct buf *out)
{
	static const char REGION[] =
	    "{\"type\":\"object\",\"nullable\":true,\"properties\":{\"code\":{\"type\":\"string\"},"
	    "\"name_zh\":{\"type\":\"string\"},\"name_bo\":{\"type\":\"string\",\"nullable\":true},"
	    "\"name_en\":{\"type\":\"string\"}}}";
	buf_puts(out,
	         "\"EquipmentPublic\":{\"type\":\"object\",\"properties\":{"
	         "\"reg_code\":{\"type\":\"string\"},\"url\":{\"type\":\"string\"},"
	         "\"category\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":"
	         "\"string\"},\"name_zh\":{\"type\":\"string\",\"nullable\":true},\"name_bo\":{"
	         "\"type\":\"string\",\"nullable\":true},\"name_en\":{\"type\":\"string\","
	         "\"nullable\":true}}},\"use_unit_name\":{\"type\":\"string\",\"nullable\":"
	         "true},\"use_unit_name_bo\":{\"type\":\"string\",\"nullable\":true},"
	         "\"region\":");
	buf_puts(out, REGION);
	buf_puts(out, ",\"prefecture\":");
	buf_puts(out, REGION);
	buf_puts(out,
	         ",\"location\":{\"type\":\"string\",\"nullable\":true},\"status\":{\"type\":"
	         "\"string\",\"enum\":[\"in_use\",\"stopped\",\"scrapped\"]},"
	         "\"last_inspected_on\":{\"type\":\"string\",\"nullable\":true},"
	         "\"last_conclusion\":{\"type\":\"string\",\"nullable\":true},\"next_due\":{"
	         "\"type\":\"string\",\"nullable\":true},\"overdue\":{\"type\":\"boolean\"},"
	         "\"days_to_due\":{\"type\":\"integer\",\"nullable\":true},\"may_be_used\":{"
	         "\"type\":\"boolean\"},\"maintainer\":{\"type\":\"string\",\"nullable\":true},"
	         "\"complaints\":{\"type\":\"object\",\"properties\":{\"hotlines\":{\"type\":"
	         "\"array\",\"items\":{\"type\":\"string\"}},\"authority_zh\":{\"type\":"
	         "\"string\",\"nullable\":true},\"authority_bo\":{\"type\":\"string\","
	         "\"nullable\":true},\"authority_en\":{\"type\":\"string\",\"nullable\":true}}},"
	         "\"as_of\":{\"type\":\"string\"}}},");
}

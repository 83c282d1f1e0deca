/*
 * Public verification of licences (see public.h): the page and JSON of /v/{licence_no}, and
 * the public licence list /api/v1/public/licences.
 *
 * What is shown is chosen, not filtered: the number, the public status, the holder's
 * registered name and credit code, the kind, the categories' names, the scope, the validity,
 * the issuer, and the date and reason of a suspension, revocation or cancellation. The
 * legal representative, the production address, the application and its officers are never
 * read here: the statements below name the columns they show and nothing else.
 *
 * The public status is the stored one, except that a licence that is valid or suspended past
 * its valid_until is "expired" (from the day after). It is worked out for the day it is in
 * China.
 *
 * Each worker thread keeps the answers it rendered last (platform/pubcache.h: direct-mapped by
 * kind and number, the unknown numbers' 404 answers too), with the state of the database they
 * were rendered from, so a suspension shows on the very next request, and a cache hit costs
 * two tiny statements instead of the lookups and the rendering.
 * Every request first takes a token of its client address from the public rate limiter.
 */
#include "public.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/catalogue.h"
#include "modules/regions/service.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/http.h"
#include "platform/page.h"
#include "platform/pubcache.h"
#include "platform/ratelimit.h"
#include "platform/scope.h"
#include "platform/textenc.h"

#define PUBLIC_CACHE_SLOTS   256     /* answers each worker keeps (direct-mapped by key) */
#define PUBLIC_HOTLINE       "12315" /* the market-regulation complaint line */
#define PUBLIC_STRINGIFY_(x) #x
#define PUBLIC_STRINGIFY(x)  PUBLIC_STRINGIFY_(x)
#define PUBLIC_CURSOR_MAX    (2 * LC_LICENCE_NO_MAX) /* hex digits of a list cursor */

/* The two shapes of the same facts. */
enum public_kind {
	PUBLIC_HTML,
	PUBLIC_JSON,
};

/* A category of a licence, as shown. */
struct public_category {
	const char *code;
	const char *name_zh, *name_bo, *name_en; /* NULL when the code is not in the catalogue */
};

/* What the page says about a licence: strings in the request's arena. */
struct public_licence {
	const char *licence_no;
	const char *status;      /* the public status: valid, suspended, ..., expired */
	const char *holder_name; /* the holder's registered name */
	const char *holder_code; /* its unified social credit code */
	const char *kind;        /* food, industrial */
	struct public_category cat[LC_CATEGORIES_MAX];
	int ncat;
	const char *scope;
	const char *valid_from, *valid_until; /* YYYY-MM-DD */
	const char *issuer;
	const char *status_on;     /* the date of the status (NULL for valid) */
	const char *status_reason; /* suspended, revoked, cancelled: the reason, if recorded */
	const char *replaced_by;   /* replaced: the number of the licence that replaced it */
	int32_t today;             /* the day it is in China */
};

/* ---- Numbers ----------------------------------------------------------------------------- */

/* Bytes of the UTF-8 character starting at s[i] (of n), 0 when it is not well-formed. */
static size_t utf8_char(const unsigned char *s, size_t i, size_t n)
{
	unsigned c = s[i];
	size_t len = c < 0x80             ? 1
	             : (c & 0xE0) == 0xC0 ? 2
	             : (c & 0xF0) == 0xE0 ? 3
	             : (c & 0xF8) == 0xF0 ? 4
	                                  : 0;
	if (len == 0 || i + len > n || (len == 2 && c < 0xC2))
		return 0;
	for (size_t k = 1; k < len; k++)
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
	return len;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int lc_public_number_normalize(const char *in, size_t n, char out[LC_LICENCE_NO_MAX])
{
	static const char FW_OPEN[] = "\xEF\xBC\x88", FW_CLOSE[] = "\xEF\xBC\x89"; /* （ ） */
	out[0] = '\0';
	while (n > 0 && (*in == ' ' || *in == '\t'))
		in++, n--;
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		if (o + 4 >= LC_LICENCE_NO_MAX)
			goto bad;
		if (n - i >= 3 &&
		    (memcmp(in + i, FW_OPEN, 3) == 0 || memcmp(in + i, FW_CLOSE, 3) == 0)) {
			out[o++] = in[i + 2] == '\x88' ? '(' : ')';
			i += 3;
			continue;
		}
		size_t len = utf8_char((const unsigned char *)in, i, n);
		if (len == 0)
			goto bad;
		if (len == 1) {
			char c = in[i];
			if ((unsigned char)c < 0x21 || c == 0x7f)
				goto bad;
			out[o++] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
		} else {
			memcpy(out + o, in + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	/* Food: SC + 3 category + 6 region + 4 sequence + 1 check digit. */
	if (o == 16 && memcmp(out, "SC", 2) == 0 && all_digits(out + 2, 14))
		return 0;
	/* Industrial: (X)XK00-000-00000, X one to three characters outside ASCII. */
	const char *close = strchr(out, ')');
	if (out[0] != '(' || close == NULL)
		goto bad;
	size_t k = 1, chars = 0;
	while (out + k < close) {
		size_t len = utf8_char((const unsigned char *)out, k, o);
		if (len < 2)
			goto bad;
		k += len;
		chars++;
	}
	const char *t = close + 1;
	if (chars < 1 || chars > 3 || strlen(t) != 14 || memcmp(t, "XK", 2) != 0 ||
	    !all_digits(t + 2, 2) || t[4] != '-' || !all_digits(t + 5, 3) || t[8] != '-' ||
	    !all_digits(t + 9, 5))
		goto bad;
	return 0;
bad:
	out[0] = '\0';
	return -1;
}

/* ---- Reading ----------------------------------------------------------------------------- */

/* The columns shown, and nothing else (?1: today): the public status is the stored one,
 * except that valid and suspended licences expire. */
#define PUBLIC_COLUMNS                                                                             \
	"licence_no, CASE WHEN status IN ('valid', 'suspended') AND valid_until < ?1 THEN "        \
	"'expired' ELSE status END, holder_name, holder, kind, categories, scope_text, "           \
	"valid_from, valid_until, issuer, status_on, status_reason, id"

static const char SQL_LICENCE[] = "SELECT " PUBLIC_COLUMNS " FROM lc_licence WHERE licence_no = ?2";
static const char SQL_REPLACED_BY[] =
    "SELECT licence_no FROM lc_licence WHERE replaces_id = ? ORDER BY id DESC LIMIT 1";

/* Column i of st in a, or NULL when null or empty. */
static const char *col(struct db_stmt *st, int i, struct arena *a)
{
	size_t n;
	const char *s = db_col_text(st, i, &n);
	return db_col_is_null(st, i) || n == 0 ? NULL : arena_strndup(a, s, n);
}

/* Fills l's categories from the ','-separated codes. SVC_OK or SVC_ERROR. */
static int categories_read(struct db *db, const char *codes, struct arena *a,
                           struct public_licence *l)
{
	l->ncat = 0;
	for (const char *p = codes; p && *p && l->ncat < LC_CATEGORIES_MAX;) {
		size_t n = strcspn(p, ",");
		if (n > 0) {
			struct public_category *c = &l->cat[l->ncat++];
			memset(c, 0, sizeof *c);
			c->code = arena_strndup(a, p, n);
			struct lc_category k;
			int rc = lc_category_get(db, c->code, a, &k);
			if (rc == SVC_OK) {
				c->name_zh = k.name_zh;
				c->name_bo = k.name_bo && k.name_bo[0] ? k.name_bo : NULL;
				c->name_en = k.name_en;
			} else if (rc != SVC_NOT_FOUND) {
				return SVC_ERROR;
			}
		}
		p += n + (p[n] == ',');
	}
	return SVC_OK;
}

/* Reads the row st stands on into l (not the categories' names). */
static void licence_of_row(struct db_stmt *st, struct arena *a, struct public_licence *l,
                           const char **codes, int64_t *id)
{
	l->licence_no = col(st, 0, a);
	l->status = col(st, 1, a);
	l->holder_name = col(st, 2, a);
	l->holder_code = col(st, 3, a);
	l->kind = col(st, 4, a);
	*codes = col(st, 5, a);
	l->scope = col(st, 6, a);
	l->valid_from = col(st, 7, a);
	l->valid_until = col(st, 8, a);
	l->issuer = col(st, 9, a);
	l->status_on = col(st, 10, a);
	l->status_reason = col(st, 11, a);
	*id = db_col_int64(st, 12);
}

/* The day after valid_until, as text in a: the first day an expired licence is not valid. */
static const char *day_after(const char *d, struct arena *a)
{
	int32_t day;
	if (d == NULL || date_parse(d, strlen(d), &day) != 0)
		return NULL;
	char out[11];
	date_format(day + 1, out);
	return arena_strdup(a, out);
}

/* Fixes what depends on the public status: its date, its reason, its successor. */
static int status_details(struct db *db, int64_t id, struct arena *a, struct public_licence *l)
{
	if (text_is(l->status, "valid")) {
		l->status_on = NULL;
		l->status_reason = NULL;
	} else if (text_is(l->status, "expired")) {
		l->status_on = day_after(l->valid_until, a);
		l->status_reason = NULL;
	}
	if (!text_is(l->status, "replaced"))
		return SVC_OK;
	struct db_stmt *st = db_prepare(db, SQL_REPLACED_BY);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		l->replaced_by = col(st, 0, a);
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

/*
 * Reads the public facts of the licence numbered no. Returns SVC_OK with *l (strings in a),
 * SVC_NOT_FOUND (l->licence_no, today set), or SVC_ERROR.
 */
static int public_licence_read(struct db *db, const char *no, struct arena *a,
                               struct public_licence *l)
{
	memset(l, 0, sizeof *l);
	l->today = today_china();
	l->licence_no = no;
	l->status = "unknown";
	char today[11];
	date_format(l->today, today);
	struct db_stmt *st = db_prepare(db, SQL_LICENCE);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, today);
	db_bind_cstr(st, 2, no);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
	}
	const char *codes;
	int64_t id;
	licence_of_row(st, a, l, &codes, &id);
	db_reset(st);
	if (categories_read(db, codes, a, l) != SVC_OK)
		return SVC_ERROR;
	return status_details(db, id, a, l);
}

/* ---- Words ------------------------------------------------------------------------------- */

static const struct page_tri T_TITLE = {"生产许可证查询验证", "ཐོན་སྐྱེད་ཆོག་མཆན་ཞིབ་བཤེར་ར་སྤྲོད།",
                                        "Production licence verification"};
static const struct page_tri T_NUMBER = {"许可证编号", "ཆོག་མཆན་ཨང་རྟགས།", "Licence number"};
static const struct page_tri T_STATUS = {"证书状态", "ཆོག་མཆན་གནས་སྟངས།", "Status"};
static const struct page_tri T_HOLDER = {"生产者名称", "ཐོན་སྐྱེད་པའི་མིང་།", "Holder"};
static const struct page_tri T_CODE = {"统一社会信用代码", "སྤྱི་ཚོགས་ཡིད་རྟོན་ཨང་རྟགས་གཅིག་གྱུར།",
                                       "Unified social credit code"};
static const struct page_tri T_KIND = {"许可证类别", "ཆོག་མཆན་རིགས།", "Licence type"};
static const struct page_tri T_CATEGORIES = {"产品类别", "ཐོན་རྫས་རིགས།", "Product categories"};
static const struct page_tri T_SCOPE = {"许可范围", "ཆོག་མཆན་ཁྱབ་ཁོངས།", "Scope"};
static const struct page_tri T_VALIDITY = {"有效期", "ནུས་ལྡན་དུས་ཡུན།", "Validity"};
static const struct page_tri T_ISSUER = {"发证机关", "ཆོག་མཆན་སྤྲོད་མཁན་ལས་ཁུངས།", "Issued by"};
static const struct page_tri T_STATUS_ON = {"状态日期", "གནས་སྟངས་ཀྱི་ཚེས་གྲངས།", "Status since"};
static const struct page_tri T_REASON = {"原因", "རྒྱུ་མཚན།", "Reason"};
static const struct page_tri T_REPLACED_BY = {"新证编号", "ཆོག་མཆན་གསར་པའི་ཨང་རྟགས།", "Replaced by"};
static const struct page_tri T_COMPLAIN = {"投诉举报", "ཞུ་གཏུགས་དང་མཐོ་གཏུགས།",
                                           "Complaints and reports"};
static const struct page_tri T_COMPLAIN_HOW = {
    "发现无证生产、超范围生产或冒用许可证编号，请拨打 " PUBLIC_HOTLINE " 投诉举报。",
    "ཆོག་མཆན་མེད་པར་ཐོན་སྐྱེད་བྱེད་པ་དང་ཁྱབ་ཁོངས་ལས་བརྒལ་བ། ཆོག་མཆན་ཨང་རྟགས་རྫུན་སྤྱོད་བྱེད་པ་"
    "མཐོང་ཚེ་ " PUBLIC_HOTLINE " ལ་ཁ་པར་གཏོང་རོགས།",
    "Production without a licence, beyond its scope or under a borrowed number: "
    "call " PUBLIC_HOTLINE "."};

/* The bureau of LC_ISSUER_ZH in Tibetan. */
static const char ISSUER_BO[] = "བོད་རང་སྐྱོང་ལྗོངས་ཁྲོམ་ར་ལྟ་སྲུང་དོ་དམ་ཅུས།";

static const struct page_tri KIND_FOOD = {"食品生产许可证", "ཟས་རིགས་ཐོན་སྐྱེད་ཆོག་མཆན།",
                                          "Food production licence"};
static const struct page_tri KIND_INDUSTRIAL = {"工业产品生产许可证", "བཟོ་ལས་ཐོན་རྫས་ཐོན་སྐྱེད་ཆོག་མཆན།",
                                                "Industrial product production licence"};

/* A status: its word in the list, and the banner the page opens with. */
static const struct {
	const char *code;
	int warn; /* the banner is a warning */
	struct page_tri word, banner;
} STATUSES[] = {
    {"valid",
     0,
     {"有效", "ནུས་ལྡན།", "Valid"},
     {"许可证有效", "ཆོག་མཆན་ནུས་ལྡན་ཡིན།", "This licence is valid"}},
    {"suspended",
     1,
     {"暂停", "གནས་སྐབས་མཚམས་འཇོག", "Suspended"},
     {"许可证已暂停，暂停期间不得生产", "ཆོག་མཆན་གནས་སྐབས་མཚམས་འཇོག་བྱས་ཟིན། དུས་དེའི་ནང་ཐོན་སྐྱེད་མི་ཆོག",
      "Suspended: no production under this licence while it is suspended"}},
    {"revoked",
     1,
     {"已撤销", "ཕྱིར་བསྡུས་ཟིན།", "Revoked"},
     {"许可证已被撤销", "ཆོག་མཆན་ཕྱིར་བསྡུས་ཟིན།", "This licence has been revoked"}},
    {"cancelled",
     1,
     {"已注销", "མིང་ཐོ་བསུབ་ཟིན།", "Cancelled"},
     {"许可证已注销", "ཆོག་མཆན་མིང་ཐོ་བསུབ་ཟིན།", "This licence has been cancelled"}},
    {"replaced",
     1,
     {"已换发新证", "ཆོག་མཆན་གསར་པ་བརྗེས་ཟིན།", "Replaced"},
     {"许可证已换发新证，本证不再有效", "ཆོག་མཆན་གསར་པ་བརྗེས་ཟིན། འདི་ནུས་མེད་ཡིན།",
      "Replaced by a new licence: this one is no longer valid"}},
    {"expired",
     1,
     {"已过期", "དུས་ཡོལ་ཟིན།", "Expired"},
     {"许可证已超过有效期", "ཆོག་མཆན་གྱི་ནུས་ལྡན་དུས་ཡུན་ཡོལ་ཟིན།", "This licence has expired"}},
};

static int status_index(const char *code)
{
	for (size_t i = 0; code && i < sizeof STATUSES / sizeof STATUSES[0]; i++)
		if (strcmp(STATUSES[i].code, code) == 0)
			return (int)i;
	return -1;
}

static const struct page_tri E_FORMAT = {"许可证编号格式不正确", "ཆོག་མཆན་ཨང་རྟགས་ཀྱི་རྣམ་གཞག་ནོར་འདུག",
                                         "Malformed licence number"};
static const struct page_tri E_FORMAT_HOW = {
    "食品生产许可证编号为 SC 加 14 位数字，如 SC10154010200017；工业产品生产许可证编号形如 "
    "(藏)XK13-001-00012。",
    "ཟས་རིགས་ཐོན་སྐྱེད་ཆོག་མཆན་གྱི་ཨང་རྟགས་ནི་ SC དང་ཨང་གྲངས་ 14 ཡིན། བཟོ་ལས་ཐོན་རྫས་ཀྱི་ཨང་རྟགས་ནི་ "
    "(藏)XK13-001-00012 ལྟ་བུ་ཡིན།",
    "A food production licence number is SC and 14 digits, such as SC10154010200017; an "
    "industrial product production licence number looks like (藏)XK13-001-00012."};
static const struct page_tri E_UNKNOWN = {"未查到该许可证", "ཆོག་མཆན་འདི་རྙེད་མ་སོང་།",
                                          "No such licence"};
static const struct page_tri E_UNKNOWN_HOW = {
    "没有以此编号发放的生产许可证。请核对编号；产品包装上标注的编号查不到的，可以投诉举报。",
    "ཨང་རྟགས་འདིས་སྤྲད་པའི་ཐོན་སྐྱེད་ཆོག་མཆན་མེད། ཨང་རྟགས་ལ་ཞིབ་བཤེར་གནང་རོགས།",
    "No production licence has been issued under this number. Check the number; if the one "
    "printed on a product cannot be found, you may report it."};
static const struct page_tri E_TOO_MANY = {"查询过于频繁", "འཚོལ་ཞིབ་ཐེངས་གྲངས་མང་དྲགས་འདུག",
                                           "Too many requests"};
static const struct page_tri E_TOO_MANY_HOW = {
    "来自您的网络地址的查询过多，请稍后再试。", "ཏོག་ཙམ་ནས་ཡང་བསྐྱར་ཚོད་ལྟ་གནང་རོགས།",
    "Too many requests from your network address: please try again in a little while."};
static const struct page_tri E_FORMAT_PARAM = {"format 参数不正确", "format ནོར་འདུག",
                                               "Bad format parameter"};
static const struct page_tri E_FORMAT_PARAM_HOW = {"format 只能是 html 或 json。",
                                                   "format ནི་ html ཡང་ན་ json ཡིན་དགོས།",
                                                   "format must be html or json."};

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

static void html_head(struct buf *out, const char *number)
{
	page_head(out, T_TITLE.zh, number, STYLE, 1);
}

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

/* A value in the three languages: zh in bold, then "bo · en" on a line of its own. */
static void tri_value(struct buf *out, const struct page_tri *t)
{
	page_escape(out, t->zh);
	buf_puts(out, "<small>");
	page_tri_inline(out, NULL, t->bo, t->en);
	buf_puts(out, "</small>");
}

/* A plain value (escaped) and the end of its dd. */
static void text_dd(struct buf *out, const struct page_tri *label, const char *v, int code)
{
	if (v == NULL)
		return;
	dt(out, label);
	if (code)
		buf_puts(out, "<span class=\"c\">");
	page_escape(out, v);
	if (code)
		buf_puts(out, "</span>");
	buf_puts(out, "</dd>");
}

static void html_complain(struct buf *out)
{
	buf_puts(out, "<h2>");
	page_tri_block(out, &T_COMPLAIN);
	buf_puts(out, "</h2>");
	html_paragraph(out, &T_COMPLAIN_HOW);
}

static void html_note(struct buf *out, int32_t today)
{
	char d[11];
	date_format(today, d);
	buf_printf(
	    out,
	    "<p class=\"n\">本页显示截至 %s（北京时间）的生产许可证信息，以发证机关的记录为准。"
	    "<br><span lang=\"bo\">ཤོག་ངོས་འདིར་ %s (པེ་ཅིང་དུས་ཚོད།) བར་གྱི་ཆོག་མཆན་ཆ་འཕྲིན་"
	    "སྟོན། ཆོག་མཆན་སྤྲོད་མཁན་ལས་ཁུངས་ཀྱི་ཟིན་ཐོ་ལྟར་ཡིན།</span><br>The licence as "
	    "recorded on %s (Beijing time); the issuing authority's records prevail.</p>",
	    d, d, d);
}

static void html_page(struct buf *out, const struct public_licence *l)
{
	int s = status_index(l->status);
	html_head(out, l->licence_no);
	page_tri_block(out, &T_TITLE);
	buf_puts(out, "</h1>");
	if (s >= 0) {
		buf_puts(out, STATUSES[s].warn ? "<p class=\"b w\">" : "<p class=\"b\">");
		page_tri_block(out, &STATUSES[s].banner);
		buf_puts(out, "</p>");
	}
	buf_puts(out, "<dl>");
	text_dd(out, &T_NUMBER, l->licence_no, 1);
	dt(out, &T_STATUS);
	if (s >= 0)
		tri_value(out, &STATUSES[s].word);
	else
		page_escape(out, l->status);
	buf_puts(out, "</dd>");
	text_dd(out, &T_STATUS_ON, l->status_on, 0);
	text_dd(out, &T_REASON, l->status_reason, 0);
	text_dd(out, &T_REPLACED_BY, l->replaced_by, 1);
	text_dd(out, &T_HOLDER, l->holder_name, 0);
	text_dd(out, &T_CODE, l->holder_code, 1);
	const struct page_tri *kind = text_is(l->kind, LC_KIND_FOOD)         ? &KIND_FOOD
	                              : text_is(l->kind, LC_KIND_INDUSTRIAL) ? &KIND_INDUSTRIAL
	                                                                     : NULL;
	if (kind) {
		dt(out, &T_KIND);
		tri_value(out, kind);
		buf_puts(out, "</dd>");
	}
	if (l->ncat > 0) {
		dt(out, &T_CATEGORIES);
		for (int i = 0; i < l->ncat; i++) {
			const struct public_category *c = &l->cat[i];
			if (i)
				buf_puts(out, "<br>");
			page_escape(out, c->code);
			if (c->name_zh) {
				buf_putc(out, ' ');
				page_escape(out, c->name_zh);
				buf_puts(out, "<small>");
				page_tri_inline(out, NULL, c->name_bo, c->name_en);
				buf_puts(out, "</small>");
			}
		}
		buf_puts(out, "</dd>");
	}
	text_dd(out, &T_SCOPE, l->scope, 0);
	if (l->valid_from && l->valid_until) {
		dt(out, &T_VALIDITY);
		page_escape(out, l->valid_from);
		buf_puts(out, " – ");
		page_escape(out, l->valid_until);
		buf_puts(out, "</dd>");
	}
	if (l->issuer) {
		dt(out, &T_ISSUER);
		page_escape(out, l->issuer);
		if (strcmp(l->issuer, LC_ISSUER_ZH) == 0) {
			buf_puts(out, "<small>");
			page_tri_inline(out, NULL, ISSUER_BO, LC_ISSUER_EN);
			buf_puts(out, "</small>");
		}
		buf_puts(out, "</dd>");
	}
	buf_puts(out, "</dl>");
	html_complain(out);
	html_note(out, l->today);
	buf_puts(out, "</main></body></html>\n");
}

static void html_error(struct buf *out, const struct page_tri *what, const struct page_tri *how,
                       const char *number, int32_t today)
{
	html_head(out, NULL);
	page_tri_block(out, what);
	buf_puts(out, "</h1>");
	if (number) {
		buf_puts(out, "<p class=\"b w c\">");
		page_escape(out, number);
		buf_puts(out, "</p>");
	}
	html_paragraph(out, how);
	html_complain(out);
	if (today != DATE_NONE)
		html_note(out, today);
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

/* Appends no percent-encoded for a URL path: unreserved characters and ( ) as they are. */
static void url_escape(struct buf *out, const char *no)
{
	for (const unsigned char *p = (const unsigned char *)no; *p; p++) {
		unsigned c = *p;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    strchr("-._~()", (int)c))
			buf_putc(out, (char)c);
		else
			buf_printf(out, "%%%02X", c);
	}
}

/* One licence as the JSON object of the documented shape. */
static void json_licence(struct buf *out, const struct public_licence *l, int with_checked)
{
	buf_putc(out, '{');
	json_member(out, "licence_no", l->licence_no, 1);
	json_member(out, "status", l->status, 0);
	json_member(out, "holder", l->holder_name, 0);
	json_member(out, "holder_code", l->holder_code, 0);
	json_member(out, "kind", l->kind, 0);
	buf_puts(out, ",\"categories\":[");
	for (int i = 0; i < l->ncat; i++) {
		const struct public_category *c = &l->cat[i];
		buf_puts(out, i ? ",{" : "{");
		json_member(out, "code", c->code, 1);
		json_member(out, "name_zh", c->name_zh, 0);
		json_member(out, "name_bo", c->name_bo, 0);
		json_member(out, "name_en", c->name_en, 0);
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
	json_member(out, "scope", l->scope, 0);
	json_member(out, "valid_from", l->valid_from, 0);
	json_member(out, "valid_until", l->valid_until, 0);
	json_member(out, "issuer", l->issuer, 0);
	json_member(out, "status_on", l->status_on, 0);
	json_member(out, "status_reason", l->status_reason, 0);
	json_member(out, "replaced_by", l->replaced_by, 0);
	buf_puts(out, ",\"url\":");
	struct buf url = {0};
	buf_puts(&url, http_public_base_url());
	buf_puts(&url, "/v/");
	url_escape(&url, l->licence_no);
	json_write_string(out, url.data, url.len);
	buf_free(&url);
	if (with_checked) {
		char d[11];
		date_format(l->today, d);
		json_member(out, "checked_at", d, 0);
	}
	buf_putc(out, '}');
}

/* The answers each worker keeps, the unknown numbers' 404 answers too (platform/pubcache.h). */
static struct pubcache public_cache = PUBCACHE_INIT(PUBLIC_CACHE_SLOTS);

/* ---- Answers ----------------------------------------------------------------------------- */

static void public_headers(struct http_response *res, enum public_kind kind)
{
	pthread_once(&csp_once, csp_make);
	res->content_type =
	    kind == PUBLIC_HTML ? "text/html; charset=utf-8" : "application/json; charset=utf-8";
	res->csp = kind == PUBLIC_HTML ? csp_html : NULL;
	res->vary = "Accept";
}

/* An HTML error page (400, 404 or 429); cached by others briefly, if at all. */
static int html_error_answer(struct http_response *res, int status, const struct page_tri *what,
                             const struct page_tri *how, const char *number)
{
	buf_reset(&res->body);
	html_error(&res->body, what, how, number, status == 404 ? today_china() : DATE_NONE);
	public_headers(res, PUBLIC_HTML);
	res->status = status;
	res->caching = status == 429 ? "no-store" : "public, max-age=60";
	return 0;
}

/* The shape the request asks for: ?format=, else Accept. Returns 0, or -1 when ?format= is
 * neither html nor json. */
static int kind_asked(struct http_request *req, enum public_kind *kind)
{
	const char *f = http_query(req, "format");
	if (f) {
		*kind = strcmp(f, "json") == 0 ? PUBLIC_JSON : PUBLIC_HTML;
		return strcmp(f, "json") == 0 || strcmp(f, "html") == 0 ? 0 : -1;
	}
	/* A browser asks for text/html (and any type after it); a program for application/json. */
	const char *accept = http_header(req, "Accept");
	*kind = accept && strstr(accept, "application/json") && !strstr(accept, "text/html")
	            ? PUBLIC_JSON
	            : PUBLIC_HTML;
	return 0;
}

/* Answers 429 in the shape asked for, with Retry-After. */
static int too_many(struct http_response *res, enum public_kind kind, unsigned retry_after)
{
	if (kind == PUBLIC_JSON) {
		http_error(res, API_TOO_MANY, "rate_limited", NULL,
		           "too many requests from this address; retry after %u s", retry_after);
		res->caching = "no-store";
	} else {
		html_error_answer(res, 429, &E_TOO_MANY, &E_TOO_MANY_HOW, NULL);
	}
	res->retry_after = (int)retry_after;
	return 0;
}

/*
 * Renders the answer of kind for licence number into out with its ETag and status. Returns
 * SVC_OK (found, *status 200), SVC_NOT_FOUND (the "unknown" answer rendered, *status 404), or
 * SVC_ERROR.
 */
static int render(struct http_request *req, enum public_kind kind, const char *number,
                  struct buf *out, char etag[PUBCACHE_ETAG_MAX], int *status)
{
	struct public_licence l;
	int rc = public_licence_read(req->db, number, &req->arena, &l);
	if (rc == SVC_ERROR)
		return rc;
	*status = rc == SVC_OK ? 200 : 404;
	if (kind == PUBLIC_JSON)
		json_licence(out, &l, 1);
	else if (rc == SVC_OK)
		html_page(out, &l);
	else
		html_error(out, &E_UNKNOWN, &E_UNKNOWN_HOW, number, l.today);
	/* Everything the answer says is in its bytes: their hash is the tag. */
	snprintf(etag, PUBCACHE_ETAG_MAX, "\"%c%d-%08x-%zu\"", kind == PUBLIC_HTML ? 'h' : 'j',
	         *status, page_fnv1a(out->data, out->len, PAGE_FNV1A_SEED), out->len);
	return rc;
}

/* GET /v/{licence_no} */
static int verify(struct http_request *req, struct http_response *res)
{
	enum public_kind kind;
	int bad_format = kind_asked(req, &kind) != 0;
	unsigned retry = 0;
	if (!ratelimit_public_allow(req, &retry))
		return too_many(res, kind, retry);
	if (bad_format)
		return html_error_answer(res, 400, &E_FORMAT_PARAM, &E_FORMAT_PARAM_HOW, NULL);
	const char *raw = req->params[0];
	char number[LC_LICENCE_NO_MAX];
	if (lc_public_number_normalize(raw, strlen(raw), number) != 0) {
		if (kind == PUBLIC_JSON) {
			http_error(res, API_BAD_REQUEST, "invalid", "licence_no",
			           "licence_no must be SC and 14 digits (food) or like "
			           "(藏)XK13-001-00012 (industrial)");
			res->vary = "Accept";
			return 0;
		}
		return html_error_answer(res, 400, &E_FORMAT, &E_FORMAT_HOW, NULL);
	}
	struct pubcache_state now;
	if (pubcache_state_read(req->db, &now) != 0)
		return -1;
	size_t n = strlen(number);
	int hit;
	struct pubcache_entry *e = pubcache_find(&public_cache, kind, 0, number, n, &now, &hit);
	if (!hit) {
		if (render(req, kind, number, &e->body, e->etag, &e->status) == SVC_ERROR)
			return -1;
		pubcache_keep(e, kind, 0, number, n, &now);
	}
	public_headers(res, kind);
	if (e->status != 200) { /* unknown: no tag, no conditional answer */
		res->caching = "public, max-age=60";
		res->status = e->status;
		buf_append(&res->body, e->body.data, e->body.len);
		return 0;
	}
	res->caching = "public, max-age=" PUBLIC_STRINGIFY(LC_PUBLIC_MAX_AGE);
	if (!page_not_modified(req, res, e->etag))
		buf_append(&res->body, e->body.data, e->body.len);
	return 0;
}

/* ---- The public list --------------------------------------------------------------------- */

/* Numbers from ?1 (inclusive) to ?2 (exclusive), after the cursor ?3; the filters optional. */
#define LIST_FILTERS                                                                               \
	" AND licence_no IS NOT ?3"                                                                \
	" AND (?4 IS NULL OR instr(holder_name, ?4) > 0)"                                          \
	" AND (?5 IS NULL OR kind = ?5)"                                                           \
	" AND (?6 IS NULL OR instr(',' || categories || ',', ',' || ?6 || ',') > 0)"               \
	" AND (?7 IS NULL OR region_code BETWEEN ?7 AND ?8)"                                       \
	" AND (?10 IS NULL OR CASE WHEN status IN ('valid', 'suspended') AND valid_until < ?9 "    \
	"THEN 'expired' ELSE status END = ?10)"                                                    \
	" ORDER BY licence_no LIMIT ?11"

/* The columns, with ?9 as today (PUBLIC_COLUMNS uses ?1). */
#define LIST_COLUMNS                                                                               \
	"licence_no, CASE WHEN status IN ('valid', 'suspended') AND valid_until < ?9 THEN "        \
	"'expired' ELSE status END, holder_name, holder, kind, categories, scope_text, "           \
	"valid_from, valid_until, issuer, status_on, status_reason, id"

static const char SQL_LIST[] = "SELECT " LIST_COLUMNS " FROM lc_licence WHERE licence_no >= ?1 "
                               "AND licence_no < ?2" LIST_FILTERS;
/* By the holder's credit code: its index, then the same filters. */
static const char SQL_LIST_HOLDER[] = "SELECT " LIST_COLUMNS " FROM lc_licence WHERE holder = ?12 "
                                      "AND licence_no >= ?1 AND licence_no < ?2" LIST_FILTERS;

/* Above every UTF-8 text: the exclusive end of "all numbers". */
static const char TEXT_END[] = "\xF5";

/* Hex of s into a. */
static const char *hex_of(const char *s, struct arena *a)
{
	size_t n = strlen(s);
	char *h = arena_alloc(a, 2 * n + 1);
	for (size_t i = 0; i < n; i++)
		snprintf(h + 2 * i, 3, "%02x", (unsigned char)s[i]);
	h[2 * n] = '\0';
	return h;
}

/* The text a hex cursor stands for, in a, or NULL when it is not one we gave. */
static const char *cursor_decode(const char *hex, struct arena *a)
{
	size_t n = strlen(hex);
	if (n == 0 || n % 2 || n > PUBLIC_CURSOR_MAX)
		return NULL;
	char *s = arena_alloc(a, n / 2 + 1);
	for (size_t i = 0; i < n; i += 2) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = hex[i + k];
			int d = c >= '0' && c <= '9'   ? c - '0'
			        : c >= 'a' && c <= 'f' ? c - 'a' + 10
			                               : -1;
			if (d < 0)
				return NULL;
			v = v * 16 + d;
		}
		s[i / 2] = (char)v;
	}
	s[n / 2] = '\0';
	return strlen(s) == n / 2 ? s : NULL;
}

/* The public filters of a list request, checked. */
struct list_query {
	const char *lo, *hi;          /* the range of numbers */
	const char *cursor;           /* the last number of the previous page, or NULL */
	const char *name;             /* holder name substring, or NULL */
	const char *holder;           /* holder credit code, or NULL */
	const char *kind;             /* or NULL */
	const char *category;         /* or NULL */
	int64_t region_lo, region_hi; /* region codes, or 0 */
	const char *status;           /* public status, or NULL */
	int limit;
};

/* 1 if q is (the start of) a licence number: SC and digits, or "(" ... */
static int looks_like_number(const char *q)
{
	if ((q[0] == 'S' || q[0] == 's') && (q[1] == 'C' || q[1] == 'c'))
		return all_digits(q + 2, strlen(q + 2));
	return q[0] == '(' || strncmp(q, "\xEF\xBC\x88", 3) == 0;
}

/* 1 if q is 18 characters of a credit code's alphabet (digits and upper-case letters). */
static int looks_like_credit_code(const char *q)
{
	if (strlen(q) != 18)
		return 0;
	for (const char *p = q; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z')))
			return 0;
	return 1;
}

/* A source of the list's parameters (the request's query, or a test's table). */
typedef const char *(*param_fn)(void *ctx, const char *name);

/*
 * Reads the list's parameters (q, kind, category, region, status, limit, cursor) from param
 * into *lq (strings in a). Returns SVC_OK, or SVC_INVALID with *err naming the parameter.
 */
static int list_query_read(param_fn param, void *ctx, struct arena *a, struct list_query *lq,
                           struct field_error *err)
{
	memset(lq, 0, sizeof *lq);
	lq->lo = "";
	lq->hi = TEXT_END;
	const char *q = param(ctx, "q");
	if (q && q[0]) {
		size_t n = strlen(q);
		if (n > LC_PUBLIC_QUERY_MAX || utf8_invalid_at(q, n) >= 0)
			return field_fail(err, "q", "invalid", "q must be text of at most %d bytes",
			                  LC_PUBLIC_QUERY_MAX),
			       SVC_INVALID;
		if (looks_like_credit_code(q)) {
			lq->holder = q;
		} else if (looks_like_number(q)) {
			/* A prefix of numbers, written as numbers are stored (upper case, ASCII
			 * parentheses): the range [prefix, prefix + TEXT_END). */
			struct buf p = {0};
			for (size_t i = 0; i < n;) {
				if (n - i >= 3 && memcmp(q + i, "\xEF\xBC\x88", 3) == 0) {
					buf_putc(&p, '(');
					i += 3;
				} else if (n - i >= 3 && memcmp(q + i, "\xEF\xBC\x89", 3) == 0) {
					buf_putc(&p, ')');
					i += 3;
				} else {
					char c = q[i++];
					buf_putc(&p, c >= 'a' && c <= 'z' ? (char)(c - 32) : c);
				}
			}
			lq->lo = arena_strndup(a, p.data, p.len);
			lq->hi = arena_printf(a, "%s%s", lq->lo, TEXT_END);
			buf_free(&p);
		} else {
			lq->name = q;
		}
	}
	const char *kind = param(ctx, "kind");
	if (kind && kind[0]) {
		if (!lc_kind_valid(kind))
			return field_fail(err, "kind", "invalid",
			                  "kind must be food or industrial"),
			       SVC_INVALID;
		lq->kind = kind;
	}
	const char *cat = param(ctx, "category");
	if (cat && cat[0]) {
		if (strlen(cat) >= LC_CATEGORY_CODE_MAX || strchr(cat, ','))
			return field_fail(err, "category", "invalid",
			                  "category must be a category code"),
			       SVC_INVALID;
		lq->category = cat;
	}
	const char *region = param(ctx, "region");
	if (region && region[0]) {
		int64_t code;
		const struct region *r = NULL;
		if (field_int_parse_cstr(region, 100000, 999999, &code) == 0)
			r = regions_find((int)code);
		if (r == NULL)
			return field_fail(err, "region", "invalid",
			                  "region must be a known six-digit region code"),
			       SVC_INVALID;
		/* A province or prefecture covers the codes below it. */
		lq->region_lo = code;
		lq->region_hi = r->level == REGION_PROVINCE     ? code + 9999
		                : r->level == REGION_PREFECTURE ? code + 99
		                                                : code;
	}
	const char *status = param(ctx, "status");
	if (status && status[0]) {
		if (status_index(status) < 0)
			return field_fail(err, "status", "invalid",
			                  "status must be valid, suspended, revoked, cancelled, "
			                  "replaced or expired"),
			       SVC_INVALID;
		lq->status = status;
	}
	const char *limit = param(ctx, "limit");
	int64_t v = LC_PUBLIC_PAGE_DEFAULT;
	if (limit && field_int_parse_cstr(limit, 1, LC_PUBLIC_PAGE_MAX, &v) != 0)
		return field_fail(err, "limit", "invalid", "limit must be 1 to %d",
		                  LC_PUBLIC_PAGE_MAX),
		       SVC_INVALID;
	lq->limit = (int)v;
	const char *cursor = param(ctx, "cursor");
	if (cursor && cursor[0]) {
		lq->cursor = cursor_decode(cursor, a);
		if (lq->cursor == NULL)
			return field_fail(err, "cursor", "invalid",
			                  "cursor must be a next_cursor this list returned"),
			       SVC_INVALID;
		/* Go on after it: the range starts at the cursor (which is excluded). */
		if (strcmp(lq->cursor, lq->lo) > 0)
			lq->lo = lq->cursor;
	}
	return SVC_OK;
}

/*
 * Writes the page of the public list lq asks for, as of day, into out: {"items":[...],
 * "next_cursor", "checked_at"}. Returns SVC_OK or SVC_ERROR (out then holds a part).
 */
static int list_write(struct db *db, const struct list_query *lq, int32_t day, struct arena *a,
                      struct buf *out)
{
	char today[11];
	date_format(day, today);
	struct db_stmt *st = db_prepare(db, lq->holder ? SQL_LIST_HOLDER : SQL_LIST);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, lq->lo);
	db_bind_cstr(st, 2, lq->hi);
	db_bind_cstr(st, 3, lq->cursor);
	db_bind_cstr(st, 4, lq->name);
	db_bind_cstr(st, 5, lq->kind);
	db_bind_cstr(st, 6, lq->category);
	if (lq->region_lo) {
		db_bind_int64(st, 7, lq->region_lo);
		db_bind_int64(st, 8, lq->region_hi);
	}
	db_bind_cstr(st, 9, today);
	db_bind_cstr(st, 10, lq->status);
	db_bind_int64(st, 11, lq->limit + 1); /* one more says whether a next page exists */
	if (lq->holder)
		db_bind_cstr(st, 12, lq->holder);
	/* The rows first: their categories' names need the connection's other statements. */
	struct row {
		struct public_licence l;
		const char *codes;
		int64_t id;
	} *rows = arena_alloc(a, sizeof *rows * (size_t)(lq->limit + 1));
	int n = 0, rc;
	while (n <= lq->limit && (rc = db_step(st)) == DB_ROW) {
		struct row *r = &rows[n++];
		memset(r, 0, sizeof *r);
		licence_of_row(st, a, &r->l, &r->codes, &r->id);
		r->l.today = day;
	}
	db_reset(st);
	if (n <= lq->limit && rc != DB_DONE)
		return SVC_ERROR;
	int more = n > lq->limit;
	if (more)
		n = lq->limit;
	buf_puts(out, "{\"items\":[");
	for (int i = 0; i < n; i++) {
		struct row *r = &rows[i];
		if (categories_read(db, r->codes, a, &r->l) != SVC_OK ||
		    status_details(db, r->id, a, &r->l) != SVC_OK)
			return SVC_ERROR;
		if (i)
			buf_putc(out, ',');
		json_licence(out, &r->l, 0);
	}
	buf_puts(out, "],\"next_cursor\":");
	if (more) {
		const char *c = hex_of(rows[n - 1].l.licence_no, a);
		json_write_string(out, c, strlen(c));
	} else {
		buf_puts(out, "null");
	}
	buf_printf(out, ",\"checked_at\":\"%s\"}", today);
	return SVC_OK;
}

static const char *query_param(void *ctx, const char *name)
{
	return http_query(ctx, name);
}

/* GET /api/v1/public/licences */
static int list(struct http_request *req, struct http_response *res)
{
	unsigned retry = 0;
	if (!ratelimit_public_allow(req, &retry))
		return too_many(res, PUBLIC_JSON, retry);
	struct list_query lq;
	struct field_error err = {0};
	if (list_query_read(query_param, req, &req->arena, &lq, &err) != SVC_OK)
		return http_error(res, API_BAD_REQUEST, err.code, err.field, "%s", err.message);
	buf_reset(&res->body);
	if (list_write(req->db, &lq, today_china(), &req->arena, &res->body) != SVC_OK)
		return -1;
	http_json(res, 200);
	res->caching = "public, max-age=60";
	return 0;
}

/* ---- Routes ------------------------------------------------------------------------------ */

static const struct route_param VERIFY_PARAMS[] = {
    {"format", "string", "json or html (default: by Accept; application/json gives JSON)"},
    {NULL, NULL, NULL},
};

static const struct route_param LIST_PARAMS[] = {
    {"q", "string",
     "a licence number or its beginning (SC..., (藏)XK...), a holder's credit code, or part "
     "of the holder's name"},
    {"kind", "string", "food or industrial"},
    {"category", "string", "a category code (101, XK06-001, ...)"},
    {"region", "string", "a region code: the province or a prefecture covers its counties"},
    {"status", "string", "valid, suspended, revoked, cancelled, replaced or expired"},
    {"cursor", "string", "next_cursor of the previous page"},
    {"limit", "integer", "licences per page, 1 to 100 (default 20)"},
    {NULL, NULL, NULL},
};

static const struct route LC_PUBLIC_ROUTES[] = {
    {"GET", "/v/{licence_no}", verify, ROUTE_PUBLIC, 0,
     "Verify a licence by its number, without login: an HTML page, or JSON with Accept: "
     "application/json or ?format=json (unknown numbers 404 with status unknown; "
     "rate-limited per address)",
     "licensing-public", NULL, "LicencePublic", VERIFY_PARAMS, 200, NULL},
    {"GET", "/api/v1/public/licences", list, ROUTE_PUBLIC, 0,
     "The public licence list: search by number, credit code or holder name (no login; "
     "rate-limited per address)",
     "licensing-public", NULL, "LicencePublicList", LIST_PARAMS, 200, NULL},
    {NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
};

const struct route_table LC_PUBLIC_ROUTE_TABLE = {"licensing-public", LC_PUBLIC_ROUTES};

void lc_public_schemas_write(struct buf *out)
{
	static const char STR[] = "{\"type\":\"string\"}";
	static const char STR_NULL[] = "{\"type\":\"string\",\"nullable\":true}";
	buf_puts(out, "\"LicencePublic\":{\"type\":\"object\",\"required\":[\"licence_no\","
	              "\"status\"],\"properties\":{\"licence_no\":");
	buf_puts(out, STR);
	buf_puts(out, ",\"status\":{\"type\":\"string\",\"enum\":[\"valid\",\"suspended\","
	              "\"revoked\",\"cancelled\",\"replaced\",\"expired\",\"unknown\"]}");
	static const char *const NULLABLE[] = {
	    "holder", "holder_code", "kind",          "scope",       "valid_from", "valid_until",
	    "issuer", "status_on",   "status_reason", "replaced_by", NULL};
	for (int i = 0; NULLABLE[i]; i++) {
		buf_printf(out, ",\"%s\":", NULLABLE[i]);
		buf_puts(out, STR_NULL);
	}
	buf_puts(out, ",\"categories\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	              "\"properties\":{\"code\":");
	buf_puts(out, STR);
	buf_puts(out, ",\"name_zh\":");
	buf_puts(out, STR_NULL);
	buf_puts(out, ",\"name_bo\":");
	buf_puts(out, STR_NULL);
	buf_puts(out, ",\"name_en\":");
	buf_puts(out, STR_NULL);
	buf_puts(out, "}}},\"url\":");
	buf_puts(out, STR);
	buf_puts(out, ",\"checked_at\":{\"type\":\"string\",\"format\":\"date\"}}},");
	buf_puts(out, "\"LicencePublicList\":{\"type\":\"object\",\"properties\":{\"items\":{"
	              "\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/"
	              "LicencePublic\"}},\"next_cursor\":");
	buf_puts(out, STR_NULL);
	buf_puts(out, ",\"checked_at\":{\"type\":\"string\",\"format\":\"date\"}}},");
}

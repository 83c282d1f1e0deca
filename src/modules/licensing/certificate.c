/*
 * Certificates: a licence turned into the rows, titles and QR text of a struct
 * pdf_certificate. The Tibetan renderings below are marked for review (docs/licensing.md):
 * they follow the terms used elsewhere in the project's certificates (platform/pdf tests)
 * and common official usage, but no native reader has checked them yet.
 */
#include "certificate.h"

#include <stdio.h>
#include <string.h>

#include "modules/licensing/catalogue.h"
#include "platform/dates.h"

/* ---- Texts (Tibetan: REVIEW) ------------------------------------------------------------ */

static const char TITLE_FOOD_ZH[] = "食品生产许可证";
static const char TITLE_FOOD_BO[] = "ཟས་རིགས་ཐོན་སྐྱེད་ཆོག་མཆན།";
static const char TITLE_FOOD_EN[] = "Food Production Licence";
static const char TITLE_IND_ZH[] = "全国工业产品生产许可证";
static const char TITLE_IND_BO[] = "རྒྱལ་ཡོངས་བཟོ་ལས་ཐོན་རྫས་ཐོན་སྐྱེད་ཆོག་མཆན།";
static const char TITLE_IND_EN[] = "National Industrial Product Production Licence";
static const char ISSUER_BO[] = "བོད་རང་སྐྱོང་ལྗོངས་ཁྲོམ་ར་ལྟ་སྲུང་དོ་དམ་ཅུས།";

enum row { R_HOLDER, R_CREDIT, R_LEGAL, R_SITE, R_CATEGORIES, R_SCOPE, R_VALIDITY, R_PHONE };

static const struct {
	const char *bo, *zh, *en;
} LABELS[] = {
    [R_HOLDER] = {"ཐོན་སྐྱེད་པའི་མིང་།", "生产者名称", "Producer"},
    [R_CREDIT] = {"སྤྱི་ཚོགས་ཡིད་རྟོན་ཨང་རྟགས།", "统一社会信用代码", "Unified social credit code"},
    [R_LEGAL] = {"ཁྲིམས་ལྡན་ངོ་ཚབ།", "法定代表人", "Legal representative"},
    [R_SITE] = {"ཐོན་སྐྱེད་ས་གནས།", "生产地址", "Production site"},
    [R_CATEGORIES] = {"ཟས་རིགས་ཀྱི་རིགས།", "食品类别", "Food categories"},
    [R_SCOPE] = {"ཆོག་མཆན་གྱི་ཁྱབ་ཁོངས།", "许可范围", "Scope"},
    [R_VALIDITY] = {"ནུས་ལྡན་དུས་ཚོད།", "有效期", "Validity"},
    [R_PHONE] =
        {
            NULL,
            "投诉举报电话",
            "Complaints",
        },
};
/* The industrial certificate names products rather than food categories. */
static const char PRODUCTS_BO[] = "ཐོན་རྫས་ཀྱི་མིང་།";
static const char PRODUCTS_ZH[] = "产品名称";
static const char PRODUCTS_EN[] = "Products";

static const struct {
	const char *status, *zh;
} STATUS_ZH[] = {
    {LC_STATUS_SUSPENDED, "暂停"},  {LC_STATUS_REVOKED, "吊销"},   {LC_STATUS_CANCELLED, "注销"},
    {LC_STATUS_REPLACED, "已换发"}, {LC_STATUS_EXPIRED, "已过期"},
};

const char *lc_verify_url(const char *base_url, const char *licence_no, struct arena *a)
{
	struct buf b = {0};
	buf_puts(&b, base_url ? base_url : "");
	buf_puts(&b, "/v/");
	for (const unsigned char *p = (const unsigned char *)licence_no; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '(' || *p == ')' || *p == '-')
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	const char *s = arena_strdup(a, b.data);
	buf_free(&b);
	return s;
}

/* "2026年3月10日" */
static const char *day_zh(int32_t d, struct arena *a)
{
	if (d == DATE_NONE)
		return "";
	int y, m, dd;
	date_to_ymd(d, &y, &m, &dd);
	return arena_printf(a, "%d年%d月%d日", y, m, dd);
}

int lc_certificate_build(struct db *db, const struct lc_licence *l, const char *base_url,
                         int32_t today, struct arena *a, struct lc_certificate *out)
{
	memset(out, 0, sizeof *out);
	int food = strcmp(l->kind, LC_KIND_FOOD) == 0;
	/* Category names, in the licence's order, joined by "；". */
	struct buf names = {0};
	const char *c = l->categories ? l->categories : "";
	while (*c) {
		const char *e = strchr(c, ',');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n) {
			char *code = arena_strndup(a, c, n);
			struct lc_category cat;
			int rc = lc_category_get(db, code, a, &cat);
			if (rc == SVC_ERROR) {
				buf_free(&names);
				return SVC_ERROR;
			}
			if (names.len)
				buf_puts(&names, "；");
			buf_puts(&names, rc == SVC_OK ? cat.name_zh : code);
		}
		c += n + (e != NULL);
	}
	const char *cats = arena_strdup(a, names.data ? names.data : "");
	buf_free(&names);

	const char *values[] = {
	    [R_HOLDER] = l->holder_name,
	    [R_CREDIT] = l->holder,
	    [R_LEGAL] = l->legal_rep,
	    [R_SITE] = l->site_address,
	    [R_CATEGORIES] = cats,
	    [R_SCOPE] = l->scope_text,
	    [R_VALIDITY] =
	        arena_printf(a, "%s至%s", day_zh(l->valid_from, a), day_zh(l->valid_until, a)),
	    [R_PHONE] = "12315",
	};
	int n = 0;
	for (size_t i = 0; i < sizeof LABELS / sizeof *LABELS; i++) {
		struct pdf_field *f = &out->fields[n++];
		f->label_bo = LABELS[i].bo;
		f->label_zh = LABELS[i].zh;
		f->label_en = LABELS[i].en;
		f->value = values[i];
		if (i == R_CATEGORIES && !food) {
			f->label_bo = PRODUCTS_BO;
			f->label_zh = PRODUCTS_ZH;
			f->label_en = PRODUCTS_EN;
		}
	}
	char issued[11];
	date_format(l->issued_on, issued);
	struct pdf_certificate *p = &out->pdf;
	p->title_bo = food ? TITLE_FOOD_BO : TITLE_IND_BO;
	p->title_zh = food ? TITLE_FOOD_ZH : TITLE_IND_ZH;
	p->title_en = food ? TITLE_FOOD_EN : TITLE_IND_EN;
	p->number_label_bo = "ཨང་རྟགས།";
	p->number_label_zh = "编号";
	p->number = l->licence_no;
	p->issuer_bo = ISSUER_BO;
	p->issuer_zh = l->issuer && *l->issuer ? l->issuer : LC_ISSUER_ZH;
	p->issued_on = arena_strdup(a, issued);
	p->fields = out->fields;
	p->nfields = n;
	p->qr_text = lc_verify_url(base_url, l->licence_no, a);
	p->qr_caption_bo = "བཤེར་ནས་ཞིབ་བཤེར།";
	p->qr_caption_zh = "扫码核验";
	const char *status = lc_licence_status_at(l, today);
	const char *szh = NULL;
	for (size_t i = 0; i < sizeof STATUS_ZH / sizeof *STATUS_ZH; i++)
		if (strcmp(status, STATUS_ZH[i].status) == 0)
			szh = STATUS_ZH[i].zh;
	p->footer = szh ? arena_printf(a, "本许可证状态：%s（%s）。以核验页面为准。", szh, status)
	                : "本证书可扫码或访问上述网址核验真伪。";
	return SVC_OK;
}

int lc_certificate_pdf(struct db *db, const struct actor *who, int64_t id, const char *base_url,
                       int32_t today, struct arena *a, struct buf *pdf, const char **licence_no)
{
	struct lc_licence l;
	int rc = lc_licence_read(db, who, id, a, &l);
	if (rc != SVC_OK)
		return rc;
	struct lc_certificate c;
	if ((rc = lc_certificate_build(db, &l, base_url, today, a, &c)) != SVC_OK)
		return rc;
	*licence_no = l.licence_no;
	return pdf_certificate_render(&c.pdf, pdf) == 0 ? SVC_OK : SVC_ERROR;
}

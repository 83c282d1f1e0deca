/*
 * Unit tests of the certificate renderer (src/platform/pdf.c), checked with poppler's own
 * tools (poppler-utils, a declared dependency: the tests fail when they are missing): a food
 * production licence in Chinese, Tibetan and English extracts to the same code points
 * (pdftotext), is one A4 page with the metadata set and the fonts embedded (pdfinfo,
 * pdffonts), its screenshot (pdftoppm) is left in the build tree's test-output/ and is not
 * blank, its QR code reads back as the verification URL (zbarimg); values that are far too
 * long are cut with "…" inside the page (pdftotext -bbox); markup in values is printed as it
 * is; what the renderer refuses; two threads rendering at once give the same texts as one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <png.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "platform/pdf.h"
#include "platform/qr.h"

#ifndef JZ_TEST_OUTPUT_DIR
#error "JZ_TEST_OUTPUT_DIR (the build tree's test-output folder) must be defined"
#endif
#define OUT JZ_TEST_OUTPUT_DIR

#define PAGE_W 595.28
#define PAGE_H 841.89
#define BORDER 24.0 /* the inner border's inset: no text outside it */

static const char URL[] = "https://jinzhi.example.gov.cn/v/SC10654010200017";
static const char REGION_BO[] = "བོད་རང་སྐྱོང་ལྗོངས།";
static const char HOLDER_BO[] = "བསྟན་འཛིན་སྒྲོལ་མ།"; /* stacks: སྟ, འཛ, སྒྲ */
static const char ISSUER_BO[] = "བོད་རང་སྐྱོང་ལྗོངས་ཁྲོམ་ར་ལྟ་སྲུང་དོ་དམ་ཅུས།";

static const struct pdf_field FIELDS[] = {
    {"ཐོན་སྐྱེད་པའི་མིང་།", "生产者名称", "Producer", "拉萨雪域青稞食品有限公司"},
    {"སྤྱི་ཚོགས་ཡིད་རྟོན་ཨང་རྟགས།", "社会信用代码", "Credit code", "91540100MA6T1234XK"},
    {"ཁྲིམས་ལྡན་ངོ་ཚབ།", "法定代表人", "Legal representative", "བསྟན་འཛིན་སྒྲོལ་མ། 旦增卓玛"},
    {"སྡོད་གནས།", "住所", "Domicile", "བོད་རང་སྐྱོང་ལྗོངས། 西藏自治区拉萨市城关区金珠西路8号"},
    {"ཐོན་སྐྱེད་ས་གནས།", "生产地址", "Production site", "拉萨经济技术开发区格桑路15号"},
    {"ཟས་རིགས་ཀྱི་རིགས།", "食品类别", "Food categories", "粮食加工品；糕点；饮料"},
    {"ཉིན་རེའི་ལྟ་སྲུང་དོ་དམ་ལས་ཁུངས།", "日常监督管理机构", "Supervising office",
     "拉萨市城关区市场监督管理局"},
    {"ནུས་ལྡན་དུས་ཚོད།", "有效期至", "Valid until", "2030年3月3日"},
    {NULL, "投诉举报电话", NULL, "12315"},
};

static struct pdf_certificate sample(void)
{
	struct pdf_certificate c = {
	    .title_bo = "ཟས་རིགས་ཐོན་སྐྱེད་ཆོག་མཆན།",
	    .title_zh = "食品生产许可证",
	    .title_en = "Food Production Licence",
	    .number_label_bo = "ཨང་རྟགས།",
	    .number_label_zh = "编号",
	    .number = "SC10654010200017",
	    .issuer_bo = ISSUER_BO,
	    .issuer_zh = "西藏自治区市场监督管理局",
	    .issued_on = "2025-03-04",
	    .fields = FIELDS,
	    .nfields = (int)(sizeof FIELDS / sizeof FIELDS[0]),
	    .qr_text = URL,
	    .qr_caption_bo = "བཤེར་ནས་ཞིབ་བཤེར།",
	    .qr_caption_zh = "扫码核验",
	    .footer = "本证书由金枝系统生成，可扫码或访问上述网址核验真伪。",
	};
	return c;
}

/* Runs the shell command and returns its standard output (NUL-terminated; free it); fails
 * the test when it cannot run or exits non-zero. */
static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		fail_msg("cannot run: %s", cmd);
	struct buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&b, chunk, n);
	int st = pclose(p);
	if (st != 0)
		fail_msg("failed (status %d): %s", st, cmd);
	buf_putc(&b, '\0');
	return buf_steal(&b, NULL);
}

static void need_tool(const char *tool, const char *package)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	if (system(cmd) != 0)
		fail_msg("%s is missing: it is a declared dependency (Debian package %s; run "
		         "scripts/deps.sh)",
		         tool, package);
}

static void make_out_dir(void)
{
	if (mkdir(OUT, 0755) != 0 && errno != EEXIST)
		fail_msg("cannot make %s", OUT);
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* Renders c to OUT/name.pdf and returns pdftotext's text of it (free it). */
static char *render_text(const struct pdf_certificate *c, const char *name, int layout)
{
	struct buf b = {0};
	assert_int_equal(pdf_certificate_render(c, &b), 0);
	assert_true(b.len > 1000);
	assert_memory_equal(b.data, "%PDF-", 5);
	char path[512];
	snprintf(path, sizeof path, "%s/%s.pdf", OUT, name);
	write_file(path, &b);
	buf_free(&b);
	return run("pdftotext %s -enc UTF-8 '%s' -", layout ? "-layout" : "", path);
}

/* The share (0..1) of pixels of the PNG file that are not near white; *w, *h its size. */
static double ink_share(const char *path, int *w, int *h)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		fail_msg("cannot read %s: %s", path, img.message);
	img.format = PNG_FORMAT_GRAY;
	unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(px);
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	size_t n = (size_t)img.width * img.height, dark = 0;
	for (size_t i = 0; i < n; i++)
		dark += px[i] < 200;
	free(px);
	*w = (int)img.width;
	*h = (int)img.height;
	return (double)dark / (double)n;
}

/* The value of pdfinfo's "key:" line (trimmed; free it), or fails the test. */
static char *info_field(const char *info, const char *key)
{
	size_t k = strlen(key);
	for (const char *p = info; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > k && memcmp(p, key, k) == 0 && p[k] == ':') {
			const char *v = p + k + 1;
			while (*v == ' ')
				v++;
			return strndup(v, len - (size_t)(v - p));
		}
		p += len + (nl != NULL);
	}
	fail_msg("pdfinfo has no %s:\n%s", key, info);
	return NULL;
}

/* Fails unless pdfinfo says the file has exactly one page. */
static void one_page(const char *name)
{
	char *info = run("pdfinfo '%s/%s.pdf'", OUT, name);
	char *pages = info_field(info, "Pages");
	assert_string_equal(pages, "1");
	free(pages);
	free(info);
}

static int setup(void **state)
{
	(void)state;
	make_out_dir();
	return 0;
}

static void test_tools(void **state)
{
	(void)state;
	need_tool("pdftotext", "poppler-utils");
	need_tool("pdfinfo", "poppler-utils");
	need_tool("pdffonts", "poppler-utils");
	need_tool("pdftoppm", "poppler-utils");
	need_tool("zbarimg", "zbar-tools");
	need_tool("fc-list", "fontconfig");
	char *fonts = run("fc-list : family");
	if (strstr(fonts, "Noto Serif CJK SC") == NULL ||
	    strstr(fonts, "Tibetan Machine Uni") == NULL)
		fail_msg(
		    "fonts missing: need Noto Serif CJK SC (fonts-noto-cjk) and Tibetan Machine "
		    "Uni (fonts-tibetan-machine); run scripts/deps.sh");
	free(fonts);
}

static void test_texts_extract(void **state)
{
	(void)state;
	struct pdf_certificate c = sample();
	char *text = render_text(&c, "certificate-sample", 1);
	static const char *const WANT[] = {
	    "食品生产许可证",
	    "ཟས་རིགས་ཐོན་སྐྱེད་ཆོག་མཆན།",
	    "Food Production Licence",
	    "SC10654010200017",
	    "拉萨雪域青稞食品有限公司",
	    "生产者名称",
	    "ཐོན་སྐྱེད་པའི་མིང་།",
	    "91540100MA6T1234XK",
	    "旦增卓玛",
	    "西藏自治区拉萨市城关区金珠西路8号",
	    "日常监督管理机构",
	    "西藏自治区市场监督管理局",
	    "2025年3月4日",
	    "སྤྱི་ལོ་༢༠༢༥",
	    "扫码核验",
	    "བཤེར་ནས་ཞིབ་བཤེར།",
	    "12315",
	    "https://jinzhi.example.gov.cn/v/", /* the URL wraps before the number */
	    REGION_BO,
	    HOLDER_BO,
	    ISSUER_BO,
	};
	for (size_t i = 0; i < sizeof WANT / sizeof WANT[0]; i++)
		if (strstr(text, WANT[i]) == NULL) {
			fprintf(stderr, "pdftotext gave:\n%s\n", text);
			fail_msg("pdftotext lacks \"%s\"", WANT[i]);
		}
	free(text);

	one_page("certificate-sample");
	char *info = run("pdfinfo '%s/certificate-sample.pdf'", OUT);
	static const char *const META[][2] = {
	    {"Title", "食品生产许可证 SC10654010200017"},
	    {"Creator", "Jinzhi"},
	    {"Author", "西藏自治区市场监督管理局"},
	    {"Page size", "595.28 x 841.89 pts (A4)"},
	};
	for (size_t i = 0; i < sizeof META / sizeof META[0]; i++) {
		char *v = info_field(info, META[i][0]);
		assert_string_equal(v, META[i][1]);
		free(v);
	}
	free(info);
	/* The fonts are embedded (as subsets): the PDF reads the same without them installed. */
	char *fonts = run("pdffonts '%s/certificate-sample.pdf'", OUT);
	assert_non_null(strstr(fonts, "Tibetan_Machine_Uni"));
	assert_non_null(strstr(fonts, "NotoSerifCJK"));
	assert_null(strstr(fonts, " no  ")); /* every font: emb yes */
	free(fonts);
}

static void test_screenshot(void **state)
{
	(void)state;
	struct pdf_certificate c = sample();
	free(render_text(&c, "certificate-sample", 0));
	free(run("pdftoppm -png -r 60 -singlefile '%s/certificate-sample.pdf' "
	         "'%s/certificate-sample'",
	         OUT, OUT));
	int w, h;
	double ink = ink_share(OUT "/certificate-sample.png", &w, &h);
	/* 595.28 x 841.89 pt at 60 dpi (pdftoppm rounds up) */
	assert_in_range(w, 496, 497);
	assert_in_range(h, 701, 702);
	if (ink < 0.03 || ink > 0.5)
		fail_msg("the screenshot has %.3f of its pixels inked", ink);

	/* The same page as PNG from the renderer, and its QR code reads back. */
	struct buf b = {0};
	assert_int_equal(pdf_certificate_render_png(&c, 150, &b), 0);
	write_file(OUT "/certificate-sample-150.png", &b);
	buf_free(&b);
	double ink2 = ink_share(OUT "/certificate-sample-150.png", &w, &h);
	assert_int_equal(w, 1240);
	assert_int_equal(h, 1754);
	if (ink2 < 0.03 || ink2 > 0.5)
		fail_msg("the PNG has %.3f of its pixels inked", ink2);
	char *qr = run("zbarimg -q --raw '%s/certificate-sample-150.png' 2>/dev/null", OUT);
	char want[256];
	snprintf(want, sizeof want, "%s\n", URL);
	assert_string_equal(qr, want);
	free(qr);
	qr = run("pdftoppm -png -r 150 -singlefile '%s/certificate-sample.pdf' "
	         "'%s/certificate-sample-pdf-150' && zbarimg -q --raw "
	         "'%s/certificate-sample-pdf-150.png' 2>/dev/null",
	         OUT, OUT, OUT);
	assert_string_equal(qr, want);
	free(qr);
}

/* Words of pdftotext -bbox outside the inner border, or 0. */
static int words_outside(const char *html, int *words)
{
	int bad = 0;
	*words = 0;
	for (const char *p = strstr(html, "<word "); p != NULL; p = strstr(p + 1, "<word ")) {
		double x0, y0, x1, y1;
		if (sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0,
		           &x1, &y1) != 4)
			fail_msg("cannot read %.80s", p);
		(*words)++;
		if (x0 < BORDER || y0 < BORDER || x1 > PAGE_W - BORDER || y1 > PAGE_H - BORDER)
			bad++;
	}
	return bad;
}

static void test_long_values(void **state)
{
	(void)state;
	struct buf big = {0};
	for (int i = 0; i < 600; i++)
		buf_puts(&big, "西藏自治区拉萨市城关区金珠西路某某号 ");
	buf_puts(&big, "ENDMARK");
	struct buf tib = {0};
	for (int i = 0; i < 400; i++)
		buf_puts(&tib, "བོད་རང་སྐྱོང་ལྗོངས་ལྷ་ས་གྲོང་ཁྱེར། ");
	buf_puts(&tib, "TIBEND");

	/* One value far too long among short ones. */
	struct pdf_field fields[PDF_FIELDS_MAX];
	memcpy(fields, FIELDS, sizeof FIELDS);
	fields[4].value = big.data;
	struct pdf_certificate c = sample();
	c.fields = fields;
	char *text = render_text(&c, "certificate-long-one", 0);
	assert_null(strstr(text, "ENDMARK"));
	assert_non_null(strstr(text, "…"));
	assert_non_null(strstr(text, "拉萨雪域青稞食品有限公司")); /* the other rows are there */
	assert_non_null(strstr(text, "12315"));
	assert_non_null(strstr(text, "西藏自治区市场监督管理局"));
	free(text);

	/* Every row at the most, each far too long, and long titles and captions. */
	for (int i = 0; i < PDF_FIELDS_MAX; i++) {
		fields[i] = FIELDS[i % (sizeof FIELDS / sizeof FIELDS[0])];
		fields[i].value = i % 2 ? tib.data : big.data;
		fields[i].label_en =
		    "A label in English that is much longer than the column is wide";
	}
	c.nfields = PDF_FIELDS_MAX;
	c.title_zh = big.data;
	c.issuer_zh = big.data;
	c.qr_caption_bo = tib.data;
	c.footer = big.data;
	char *names[] = {"certificate-long-all"};
	text = render_text(&c, names[0], 0);
	assert_null(strstr(text, "ENDMARK"));
	assert_null(strstr(text, "TIBEND"));
	free(text);
	one_page(names[0]);
	char *html = run("pdftotext -bbox '%s/%s.pdf' -", OUT, names[0]);
	int words = 0, bad = words_outside(html, &words);
	if (bad != 0 || words < 20)
		fail_msg("%d of %d words outside the border", bad, words);
	free(html);
	free(run("pdftoppm -png -r 60 -singlefile '%s/%s.pdf' '%s/%s'", OUT, names[0], OUT,
	         names[0]));
	buf_free(&big);
	buf_free(&tib);
}

static void test_plain_text(void **state)
{
	(void)state;
	struct pdf_field fields[] = {
	    {NULL, "名称<b>", NULL, "<b>粗体</b> &amp; <i>x</i>"},
	};
	struct pdf_certificate c = sample();
	c.fields = fields;
	c.nfields = 1;
	char *text = render_text(&c, "certificate-markup", 0);
	assert_non_null(strstr(text, "<b>粗体</b> &amp; <i>x</i>"));
	assert_non_null(strstr(text, "名称<b>"));
	free(text);
}

static void test_refuses(void **state)
{
	(void)state;
	struct buf b = {0};
	struct pdf_certificate c = sample();
	assert_int_equal(pdf_certificate_render(NULL, &b), -1);
	c.title_zh = NULL;
	assert_int_equal(pdf_certificate_render(&c, &b), -1);
	c = sample();
	c.number = "";
	assert_int_equal(pdf_certificate_render(&c, &b), -1);
	c = sample();
	c.issued_on = "2025-02-30";
	assert_int_equal(pdf_certificate_render(&c, &b), -1);
	c = sample();
	c.nfields = PDF_FIELDS_MAX + 1;
	assert_int_equal(pdf_certificate_render(&c, &b), -1);
	c = sample();
	c.nfields = -1;
	assert_int_equal(pdf_certificate_render(&c, &b), -1);
	c = sample();
	struct pdf_field bad[] = {{NULL, "名称", NULL, "ab\xff\xfe"}};
	c.fields = bad;
	c.nfields = 1;
	assert_int_equal(pdf_certificate_render(&c, &b), -1);
	assert_int_equal(pdf_certificate_render_png(&c, 96, &b), -1);
	c = sample();
	c.title_bo = "\xe0\xbd"; /* a cut-off Tibetan letter */
	assert_int_equal(pdf_certificate_render(&c, &b), -1);
	c = sample();
	char url[QR_TEXT_MAX + 2];
	memset(url, 'a', sizeof url - 1);
	url[sizeof url - 1] = '\0';
	c.qr_text = url;
	assert_int_equal(pdf_certificate_render(&c, &b), -1);
	c = sample();
	assert_int_equal(pdf_certificate_render_png(&c, PDF_DPI_MIN - 1, &b), -1);
	assert_int_equal(pdf_certificate_render_png(&c, PDF_DPI_MAX + 1, &b), -1);
	assert_int_equal(b.len, 0);
	/* No QR code and no optional texts is a certificate too. */
	struct pdf_certificate m = {.title_zh = "食品生产许可证",
	                            .number = "SC1",
	                            .issuer_zh = "西藏自治区市场监督管理局",
	                            .issued_on = "2025-03-04"};
	assert_int_equal(pdf_certificate_render(&m, &b), 0);
	assert_memory_equal(b.data, "%PDF-", 5);
	buf_free(&b);
}

/* Two threads at once, each its own certificates; their texts must equal one thread's. */
#define THREAD_DOCS 6

struct job {
	int id;
	int failed;
	struct buf pdf[THREAD_DOCS];
};

static void cert_for(int id, int k, struct pdf_field *fields, char *number, char *holder,
                     struct pdf_certificate *c)
{
	snprintf(number, 32, "SC106540102%05d", id * 100 + k);
	snprintf(holder, 128, "%s 第%d号", HOLDER_BO, id * 100 + k);
	memcpy(fields, FIELDS, sizeof FIELDS);
	fields[2].value = holder;
	*c = sample();
	c->number = number;
	c->fields = fields;
}

static void *job_run(void *arg)
{
	struct job *j = arg;
	for (int k = 0; k < THREAD_DOCS; k++) {
		struct pdf_field fields[sizeof FIELDS / sizeof FIELDS[0]];
		char number[32], holder[128];
		struct pdf_certificate c;
		cert_for(j->id, k, fields, number, holder, &c);
		if (pdf_certificate_render(&c, &j->pdf[k]) != 0)
			j->failed = 1;
	}
	return NULL;
}

static char *pdf_text(const struct buf *pdf, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.pdf", OUT, name);
	write_file(path, pdf);
	return run("pdftotext -enc UTF-8 '%s' -", path);
}

static void test_threads(void **state)
{
	(void)state;
	struct job jobs[2] = {{.id = 1}, {.id = 2}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, job_run, &jobs[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = 0; i < 2; i++) {
		assert_false(jobs[i].failed);
		for (int k = 0; k < THREAD_DOCS; k++) {
			/* The same certificate from this thread alone. */
			struct pdf_field fields[sizeof FIELDS / sizeof FIELDS[0]];
			char number[32], holder[128], name[64];
			struct pdf_certificate c;
			cert_for(jobs[i].id, k, fields, number, holder, &c);
			struct buf ref = {0};
			assert_int_equal(pdf_certificate_render(&c, &ref), 0);
			snprintf(name, sizeof name, "thread-%d-%d", jobs[i].id, k);
			char *got = pdf_text(&jobs[i].pdf[k], name);
			snprintf(name, sizeof name, "thread-%d-%d-ref", jobs[i].id, k);
			char *want = pdf_text(&ref, name);
			assert_string_equal(got, want);
			assert_non_null(strstr(got, number));
			assert_non_null(strstr(got, holder));
			free(got);
			free(want);
			buf_free(&ref);
			buf_free(&jobs[i].pdf[k]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tools),      cmocka_unit_test(test_texts_extract),
	    cmocka_unit_test(test_screenshot), cmocka_unit_test(test_long_values),
	    cmocka_unit_test(test_plain_text), cmocka_unit_test(test_refuses),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

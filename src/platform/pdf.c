/*
 * Documents (see pdf.h): the licence certificate drawn with cairo, its texts laid out and
 * shaped by pango (HarfBuzz underneath, so Tibetan stacks are composed by the font's own
 * rules), written to a PDF surface that streams into a struct buf, or to an image surface
 * saved as PNG.
 *
 * The page, A4 portrait in points: a double border; the title block centred at the top
 * (Tibetan, then the Chinese title large, then English); the number at the right above the
 * table; the table of bilingual labels and values; at the bottom the QR code with its caption
 * on the left and the issuer with the date on the right; an optional footer line.
 *
 * Fitting: every text is a pango layout of a fixed width that wraps (word, else character).
 * The table's fonts shrink in steps until all rows fit (the English labels go last); when even
 * the smallest step does not fit, the tallest values share what the other rows leave, each
 * keeping its label and first line, and are cut at a line end with "…".
 * Every other block has a height limit and is cut the same way, and the table is drawn
 * clipped to its box: nothing leaves the page and there is exactly one page.
 *
 * Fonts and threads: pango font maps are not thread-safe, so each thread keeps its own
 * (pango_cairo_font_map_new) with a context at 72 dpi (a point is a user unit), metrics
 * hinting off (the PNG is laid out exactly as the PDF), and the font families picked from
 * what fontconfig offers; a pthread key frees them when the thread exits.
 */
#include "pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "qr.h"

#define PAGE_W 595.28 /* A4 portrait, points */
#define PAGE_H 841.89

#define BORDER_OUT 18.0 /* inset of the outer (heavy) border line */
#define BORDER_IN  24.0 /* inset of the inner (thin) border line */
#define LEFT       50.0 /* content box */
#define RIGHT      (PAGE_W - 50.0)
#define TOP        50.0
#define BOTTOM     (PAGE_H - 42.0)

#define LABEL_W    168.0 /* width of the table's label column */
#define CELL_PAD_X 8.0
#define CELL_PAD_Y 5.0
#define ROW_EXTRA  10.0 /* at most this much air is added to a row when the table is short */
#define QR_SIZE    78.0 /* side of the QR symbol without its quiet zone */
#define ISSUER_W   236.0
#define VALUE_MAX  8192 /* bytes of a value laid out: more can never be visible */

/* The least line height of Tibetan, a multiple of the font size: room for vowels above and
 * stacked consonants below, whatever font fontconfig falls back to (Tibetan Machine Uni's own
 * line height is about twice its size, and pango never makes a line lower than its font's). */
#define LINE_TIB 1.75
/* Tibetan letters look smaller than Chinese ones at one size: inside a Chinese run they are
 * set this much larger. */
#define TIB_BOOST 1.25

#define COLOR_FRAME 0x8b1a1au /* borders and title: a seal red */
#define COLOR_TEXT  0x1a1a1au
#define COLOR_SOFT  0x5a5a5au
#define COLOR_RULE  0xb8a48cu
#define COLOR_TINT  0xf8f3eau /* the label column's background */

/* The faces texts are set in; each is a family list so that a character the first family
 * lacks (Tibetan in a Chinese value, say) comes from the next. */
enum face {
	FACE_TIB,   /* Tibetan */
	FACE_SERIF, /* Chinese and Latin, serif (宋体-like): titles, values */
	FACE_SANS,  /* Chinese and Latin, sans (黑体-like): labels */
	FACE_COUNT,
};

struct pdf_thread {
	PangoFontMap *map;
	PangoContext *ctx;
	char family[FACE_COUNT][256];
	struct pdf_thread *prev, *next; /* in the list of all threads' states */
};

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static int thread_key_ok;
/* Every live thread's state: what the main thread made stays reachable until the process ends
 * (the key's destructor runs only for threads that exit), so leak checkers see it as kept. */
static struct pdf_thread *threads;
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;

static void thread_state_free(void *p)
{
	struct pdf_thread *t = p;
	pthread_mutex_lock(&threads_lock);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		threads = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&threads_lock);
	g_object_unref(t->ctx);
	g_object_unref(t->map);
	free(t);
}

static void thread_key_make(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_state_free) == 0;
}

/* Copies into out the first of candidates (NULL-terminated) that the font map has, else the
 * last candidate (a generic name fontconfig always resolves). */
static void pick_family(PangoFontFamily **fams, int n, const char *const *candidates, char *out,
                        size_t cap)
{
	const char *pick = NULL;
	for (const char *const *c = candidates; *c != NULL && pick == NULL; c++) {
		for (int i = 0; i < n; i++)
			if (g_ascii_strcasecmp(pango_font_family_get_name(fams[i]), *c) == 0) {
				pick = *c;
				break;
			}
		if (c[1] == NULL && pick == NULL)
			pick = *c;
	}
	snprintf(out, cap, "%s", pick);
}

/* The calling thread's font map, context and families, made on first use; NULL when the
 * thread key cannot be made. */
static struct pdf_thread *thread_state(void)
{
	static const char *const TIB[] = {"Tibetan Machine Uni",
	                                  "Noto Serif Tibetan",
	                                  "Jomolhari",
	                                  "Noto Sans Tibetan",
	                                  "Serif",
	                                  NULL};
	static const char *const SERIF[] = {"Noto Serif CJK SC",
	                                    "Source Han Serif SC",
	                                    "Noto Sans CJK SC",
	                                    "AR PL UMing CN",
	                                    "WenQuanYi Micro Hei",
	                                    "Serif",
	                                    NULL};
	static const char *const SANS[] = {"Noto Sans CJK SC",
	                                   "Source Han Sans SC",
	                                   "WenQuanYi Micro Hei",
	                                   "Noto Serif CJK SC",
	                                   "Sans",
	                                   NULL};
	pthread_once(&thread_once, thread_key_make);
	if (!thread_key_ok)
		return NULL;
	struct pdf_thread *t = pthread_getspecific(thread_key);
	if (t != NULL)
		return t;
	t = xcalloc(1, sizeof *t);
	t->map = pango_cairo_font_map_new();
	t->ctx = pango_font_map_create_context(t->map);
	pango_cairo_context_set_resolution(t->ctx, 72.0);
	cairo_font_options_t *o = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(t->ctx, o);
	cairo_font_options_destroy(o);
	pango_context_set_round_glyph_positions(t->ctx, FALSE);

	PangoFontFamily **fams = NULL;
	int n = 0;
	pango_font_map_list_families(t->map, &fams, &n);
	char tib[96], serif[96], sans[96];
	pick_family(fams, n, TIB, tib, sizeof tib);
	pick_family(fams, n, SERIF, serif, sizeof serif);
	pick_family(fams, n, SANS, sans, sizeof sans);
	g_free(fams);
	snprintf(t->family[FACE_TIB], sizeof t->family[0], "%s,%s", tib, serif);
	snprintf(t->family[FACE_SERIF], sizeof t->family[0], "%s,%s", serif, tib);
	snprintf(t->family[FACE_SANS], sizeof t->family[0], "%s,%s", sans, tib);

	pthread_mutex_lock(&threads_lock);
	t->next = threads;
	if (threads != NULL)
		threads->prev = t;
	threads = t;
	pthread_mutex_unlock(&threads_lock);
	if (pthread_setspecific(thread_key, t) != 0) {
		thread_state_free(t);
		return NULL;
	}
	return t;
}

/* One stretch of a layout's text in one face, size and colour. */
struct run {
	const char *sep;  /* put before the text when some text precedes it ("\n", " ", "") */
	const char *text; /* NULL or "" leaves the run out */
	enum face face;
	double size;    /* points */
	int bold;       /* 1: bold */
	unsigned color; /* 0xRRGGBB */
	double spacing; /* letter spacing, points */
};

#define RUNS_MAX 6

static double layout_height(PangoLayout *l)
{
	int h = 0;
	pango_layout_get_size(l, NULL, &h);
	return (double)h / PANGO_SCALE;
}

/* After the text was cut at byte k (and "…" appended): the attributes that start at or after
 * k go, the ones that reach k reach to the end (so "…" takes the last character's look, and
 * no run boundary falls inside it, which would hand cairo a broken character). */
static void clamp_attrs(PangoLayout *l, guint k)
{
	PangoAttrList *old = pango_layout_get_attributes(l);
	if (old == NULL)
		return;
	PangoAttrList *attrs = pango_attr_list_new();
	GSList *all = pango_attr_list_get_attributes(old);
	for (GSList *p = all; p != NULL; p = p->next) {
		PangoAttribute *a = p->data;
		if (a->start_index >= k && !(k == 0 && a->start_index == 0)) {
			pango_attribute_destroy(a);
			continue;
		}
		if (a->end_index >= k)
			a->end_index = PANGO_ATTR_INDEX_TO_TEXT_END;
		pango_attr_list_insert(attrs, a);
	}
	g_slist_free(all);
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
}

/*
 * Cuts the layout's text so that its height is at most max_h: at the end of the last line
 * that fits, then a character at a time, until the text with "…" appended fits (or only "…"
 * is left).
 */
static void fit_height(PangoLayout *l, double max_h)
{
	if (layout_height(l) <= max_h)
		return;
	char *orig = g_strdup(pango_layout_get_text(l));
	size_t cut = 0;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		if ((double)(r.y + r.height) / PANGO_SCALE > max_h)
			break;
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		cut = (size_t)line->start_index + (size_t)line->length;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);

	GString *s = g_string_new(NULL);
	for (;;) {
		while (cut > 0 && strchr(" \t\r\n", orig[cut - 1]) != NULL)
			cut--;
		g_string_truncate(s, 0);
		g_string_append_len(s, orig, (gssize)cut);
		g_string_append(s, "…");
		pango_layout_set_text(l, s->str, (int)s->len);
		clamp_attrs(l, (guint)cut);
		if (cut == 0 || layout_height(l) <= max_h)
			break;
		cut = (size_t)(g_utf8_find_prev_char(orig, orig + cut) - orig);
	}
	g_string_free(s, TRUE);
	g_free(orig);
}

static void attr_add(PangoAttrList *list, PangoAttribute *a, guint start, guint end)
{
	a->start_index = start;
	a->end_index = end;
	pango_attr_list_insert(list, a);
}

/* 1 if c is a Tibetan letter, sign or mark (the Unicode block U+0F00..U+0FFF). */
static int is_tibetan(gunichar c)
{
	return c >= 0x0f00 && c <= 0x0fff;
}

/* Sets the Tibetan stretches of text[from..to) (inside a Chinese run of size points) in the
 * Tibetan face, TIB_BOOST larger, with a Tibetan line height. The spaces between Tibetan
 * words stay with them. */
static void tibetan_spans(PangoAttrList *attrs, const char *text, guint from, guint to, double size)
{
	guint i = from;
	while (i < to) {
		gunichar c = g_utf8_get_char(text + i);
		if (!is_tibetan(c)) {
			i = (guint)(g_utf8_next_char(text + i) - text);
			continue;
		}
		guint a = i, b = i;
		while (i < to) {
			c = g_utf8_get_char(text + i);
			guint next = (guint)(g_utf8_next_char(text + i) - text);
			if (is_tibetan(c))
				b = next;
			else if (c != ' ')
				break;
			i = next;
		}
		double tsize = size * TIB_BOOST;
		attr_add(attrs, pango_attr_size_new((int)(tsize * PANGO_SCALE + 0.5)), a, b);
		attr_add(attrs, pango_attr_language_new(pango_language_from_string("bo")), a, b);
		attr_add(attrs,
		         pango_attr_line_height_new_absolute((int)(tsize * LINE_TIB * PANGO_SCALE)),
		         a, b);
	}
}

/*
 * A layout of the runs (those with text) in a box width points wide, aligned as align, cut to
 * max_h points high. The texts are set as plain text: nothing in them is markup.
 */
static PangoLayout *compose(struct pdf_thread *t, const struct run *runs, int n, double width,
                            PangoAlignment align, double max_h)
{
	GString *s = g_string_new(NULL);
	guint start[RUNS_MAX];
	int used[RUNS_MAX];
	for (int i = 0; i < n && i < RUNS_MAX; i++) {
		used[i] = runs[i].text != NULL && runs[i].text[0] != '\0';
		if (!used[i])
			continue;
		if (s->len > 0)
			g_string_append(s, runs[i].sep);
		start[i] = (guint)s->len;
		size_t len = strlen(runs[i].text);
		if (len > VALUE_MAX) /* cut at a character boundary */
			len = (size_t)(g_utf8_find_prev_char(runs[i].text,
			                                     runs[i].text + VALUE_MAX + 1) -
			               runs[i].text);
		g_string_append_len(s, runs[i].text, (gssize)len);
	}
	/* A run's attributes reach to the next run's start (the separator between them takes
	 * the earlier run's font); the last run's reach to the end, so an added "…" takes them. */
	PangoAttrList *attrs = pango_attr_list_new();
	int last = -1;
	for (int i = n < RUNS_MAX ? n - 1 : RUNS_MAX - 1; i >= 0; i--) {
		if (!used[i])
			continue;
		const struct run *r = &runs[i];
		guint to = last < 0 ? PANGO_ATTR_INDEX_TO_TEXT_END : start[last];
		attr_add(attrs, pango_attr_family_new(t->family[r->face]), start[i], to);
		attr_add(attrs, pango_attr_size_new((int)(r->size * PANGO_SCALE + 0.5)), start[i],
		         to);
		attr_add(attrs,
		         pango_attr_weight_new(r->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL),
		         start[i], to);
		attr_add(attrs,
		         pango_attr_foreground_new((guint16)(((r->color >> 16) & 0xff) * 257),
		                                   (guint16)(((r->color >> 8) & 0xff) * 257),
		                                   (guint16)((r->color & 0xff) * 257)),
		         start[i], to);
		attr_add(attrs,
		         pango_attr_language_new(
		             pango_language_from_string(r->face == FACE_TIB ? "bo" : "zh-cn")),
		         start[i], to);
		if (r->spacing != 0)
			attr_add(attrs,
			         pango_attr_letter_spacing_new((int)(r->spacing * PANGO_SCALE)),
			         start[i], to);
		if (r->face == FACE_TIB)
			attr_add(attrs,
			         pango_attr_line_height_new_absolute(
			             (int)(r->size * LINE_TIB * PANGO_SCALE)),
			         start[i], to);
		else
			tibetan_spans(attrs, s->str, start[i],
			              to == PANGO_ATTR_INDEX_TO_TEXT_END ? (guint)s->len : to,
			              r->size);
		last = i;
	}
	PangoLayout *l = pango_layout_new(t->ctx);
	pango_layout_set_text(l, s->str, (int)s->len);
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	g_string_free(s, TRUE);
	fit_height(l, max_h);
	return l;
}

static void set_color(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
	                     (rgb & 0xff) / 255.0);
}

/* Draws l with its box's top left corner at x, y; frees it. */
static void show(cairo_t *cr, PangoLayout *l, double x, double y)
{
	set_color(cr, COLOR_TEXT);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

/* "YYYY-MM-DD" as "2025年3月4日" and as "སྤྱི་ལོ་༢༠༢༥ ཟླ་༣ ཚེས་༤" (Tibetan digits). */
static int format_date(const char *iso, char *zh, size_t zh_cap, char *bo, size_t bo_cap)
{
	int32_t day;
	if (iso == NULL || date_parse(iso, strlen(iso), &day) != 0)
		return -1;
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	snprintf(zh, zh_cap, "%d年%d月%d日", y, m, d);
	const int parts[3] = {y, m, d};
	const char *const words[3] = {"སྤྱི་ལོ་", " ཟླ་", " ཚེས་"};
	struct buf b = {0};
	for (int i = 0; i < 3; i++) {
		buf_puts(&b, words[i]);
		char digits[8];
		int nd = snprintf(digits, sizeof digits, "%d", parts[i]);
		for (int k = 0; k < nd; k++) {
			const char tib[3] = {(char)0xe0, (char)0xbc,
			                     (char)(0xa0 + (digits[k] - '0'))};
			buf_append(&b, tib, 3);
		}
	}
	snprintf(bo, bo_cap, "%s", b.data);
	buf_free(&b);
	return 0;
}

/* Fills the QR symbol of text, its dark modules side by side in one path (no seams), with its
 * quiet zone white; the symbol itself (without the zone) has its top left corner at x, y. */
static int draw_qr(cairo_t *cr, const char *text, double x, double y, double size)
{
	struct qr q;
	if (qr_encode(text, strlen(text), QR_LEVEL_M, &q) != 0)
		return -1;
	double m = size / q.width;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x - QR_QUIET_ZONE * m, y - QR_QUIET_ZONE * m,
	                (q.width + 2 * QR_QUIET_ZONE) * m, (q.width + 2 * QR_QUIET_ZONE) * m);
	cairo_fill(cr);
	for (int r = 0; r < q.width; r++) {
		for (int c = 0; c < q.width;) {
			if (!q.modules[r * q.width + c]) {
				c++;
				continue;
			}
			int c0 = c;
			while (c < q.width && q.modules[r * q.width + c])
				c++;
			cairo_rectangle(cr, x + c0 * m, y + r * m, (c - c0) * m, m);
		}
	}
	cairo_antialias_t aa = cairo_get_antialias(cr);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
	set_color(cr, 0x000000);
	cairo_fill(cr);
	cairo_set_antialias(cr, aa);
	qr_free(&q);
	return 0;
}

static void draw_borders(cairo_t *cr)
{
	set_color(cr, COLOR_FRAME);
	cairo_set_line_width(cr, 2.6);
	cairo_rectangle(cr, BORDER_OUT, BORDER_OUT, PAGE_W - 2 * BORDER_OUT,
	                PAGE_H - 2 * BORDER_OUT);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.8);
	cairo_rectangle(cr, BORDER_IN, BORDER_IN, PAGE_W - 2 * BORDER_IN, PAGE_H - 2 * BORDER_IN);
	cairo_stroke(cr);
	/* a small square at each inner corner, between the two lines */
	const double k = (BORDER_IN - BORDER_OUT) / 2 + BORDER_OUT, s = 3.2;
	const double xs[2] = {k, PAGE_W - k}, ys[2] = {k, PAGE_H - k};
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			cairo_rectangle(cr, xs[i] - s, ys[j] - s, 2 * s, 2 * s);
	cairo_fill(cr);
}

/* The table's rows: layouts and heights. */
struct rows {
	PangoLayout *label[PDF_FIELDS_MAX], *value[PDF_FIELDS_MAX];
	double height[PDF_FIELDS_MAX];
	double pad; /* above and below a cell's text */
};

static void rows_free(struct rows *r, int n)
{
	for (int i = 0; i < n; i++) {
		if (r->label[i] != NULL)
			g_object_unref(r->label[i]);
		if (r->value[i] != NULL)
			g_object_unref(r->value[i]);
		r->label[i] = r->value[i] = NULL;
	}
}

static double row_need(const struct rows *r, int i)
{
	double lh = layout_height(r->label[i]), vh = layout_height(r->value[i]);
	return (lh > vh ? lh : vh) + 2 * r->pad;
}

/* The height of the first line of l (a value is never cut below it). */
static double first_line_height(PangoLayout *l)
{
	PangoRectangle r;
	pango_layout_line_get_extents(pango_layout_get_line_readonly(l, 0), NULL, &r);
	return (double)r.height / PANGO_SCALE;
}

/* Lays out the rows at scale s of the normal sizes, with the English labels or not, no value
 * taller than max_h; returns their total height. */
static double rows_make(struct pdf_thread *t, const struct pdf_certificate *c, double s,
                        int english, double max_h, struct rows *r)
{
	const double label_w = LABEL_W - 2 * CELL_PAD_X;
	const double value_w = RIGHT - LEFT - LABEL_W - 2 * CELL_PAD_X;
	double total = 0;
	r->pad = CELL_PAD_Y * s;
	for (int i = 0; i < c->nfields; i++) {
		const struct pdf_field *f = &c->fields[i];
		const struct run label[] = {
		    {"", f->label_bo, FACE_TIB, 11.5 * s, 0, COLOR_TEXT, 0},
		    {"\n", f->label_zh, FACE_SANS, 11 * s, 1, COLOR_TEXT, 1 * s},
		    {"\n", english ? f->label_en : NULL, FACE_SERIF, 7.5 * s, 0, COLOR_SOFT,
		     0.2 * s},
		};
		const struct run value[] = {
		    {"", f->value, FACE_SERIF, 12 * s, 0, COLOR_TEXT, 0},
		};
		r->label[i] = compose(t, label, 3, label_w, PANGO_ALIGN_LEFT, max_h);
		r->value[i] = compose(t, value, 1, value_w, PANGO_ALIGN_LEFT, max_h);
		r->height[i] = row_need(r, i);
		total += r->height[i];
	}
	return total;
}

/*
 * Makes the rows fit avail points: the largest step of TABLE_STEPS at which they fit (the
 * English labels go in the last steps); when none does, the tallest values share what the
 * other rows leave, each keeping at least its first line and its label, and are cut with "…".
 * Returns the total height (more than avail only when even that does not fit: the table is
 * clipped).
 */
static double rows_fit(struct pdf_thread *t, const struct pdf_certificate *c, double avail,
                       struct rows *r)
{
	static const struct {
		double scale;
		int english;
	} STEPS[] = {{1.0, 1}, {0.92, 1}, {0.85, 1}, {0.78, 1}, {0.72, 1}, {0.66, 0}, {0.6, 0}};
	const int nsteps = (int)(sizeof STEPS / sizeof STEPS[0]);
	double total = 0;
	for (int k = 0; k < nsteps; k++) {
		rows_free(r, c->nfields);
		total = rows_make(t, c, STEPS[k].scale, STEPS[k].english, avail, r);
		if (total <= avail)
			return total;
	}
	double floor_h[PDF_FIELDS_MAX], need[PDF_FIELDS_MAX], sum_floor = 0;
	for (int i = 0; i < c->nfields; i++) {
		double lh = layout_height(r->label[i]), fh = first_line_height(r->value[i]);
		floor_h[i] = (lh > fh ? lh : fh) + 2 * r->pad;
		need[i] = r->height[i];
		sum_floor += floor_h[i];
	}
	/* The largest cap such that the rows, each min(need, cap) but at least its floor, fit. */
	double lo = 0, hi = avail;
	for (int it = 0; it < 40 && sum_floor < avail; it++) {
		double cap = (lo + hi) / 2, sum = 0;
		for (int i = 0; i < c->nfields; i++) {
			double h = need[i] < cap ? need[i] : cap;
			sum += h > floor_h[i] ? h : floor_h[i];
		}
		if (sum <= avail)
			lo = cap;
		else
			hi = cap;
	}
	total = 0;
	for (int i = 0; i < c->nfields; i++) {
		if (need[i] > lo) {
			double h = lo > floor_h[i] ? lo : floor_h[i];
			fit_height(r->value[i], h - 2 * r->pad);
			r->height[i] = row_need(r, i);
		}
		total += r->height[i];
	}
	return total;
}

/* Draws the table in the box from y0 to y1; returns the y of its bottom edge. */
static double draw_table(cairo_t *cr, struct pdf_thread *t, const struct pdf_certificate *c,
                         double y0, double y1)
{
	const double avail = y1 - y0;
	struct rows r;
	memset(&r, 0, sizeof r);
	double total = rows_fit(t, c, avail, &r);
	if (total <= avail && c->nfields > 0) {
		double extra = (avail - total) / c->nfields;
		if (extra > ROW_EXTRA)
			extra = ROW_EXTRA;
		for (int i = 0; i < c->nfields; i++)
			r.height[i] += extra;
		total += extra * c->nfields;
	}
	if (total > avail)
		total = avail;
	const double x_split = LEFT + LABEL_W;
	if (c->nfields > 0) {
		cairo_save(cr);
		cairo_rectangle(cr, LEFT, y0, RIGHT - LEFT, total);
		cairo_clip(cr);
		set_color(cr, COLOR_TINT);
		cairo_rectangle(cr, LEFT, y0, LABEL_W, total);
		cairo_fill(cr);
		double y = y0;
		for (int i = 0; i < c->nfields; i++) {
			double h = r.height[i];
			if (i > 0) {
				set_color(cr, COLOR_RULE);
				cairo_set_line_width(cr, 0.5);
				cairo_move_to(cr, LEFT, y);
				cairo_line_to(cr, RIGHT, y);
				cairo_stroke(cr);
			}
			double lh = layout_height(r.label[i]), vh = layout_height(r.value[i]);
			show(cr, r.label[i], LEFT + CELL_PAD_X, y + (h - lh) / 2);
			show(cr, r.value[i], x_split + CELL_PAD_X, y + (h - vh) / 2);
			r.label[i] = r.value[i] = NULL;
			y += h;
		}
		cairo_restore(cr);
		set_color(cr, COLOR_RULE);
		cairo_set_line_width(cr, 0.6);
		cairo_move_to(cr, x_split, y0);
		cairo_line_to(cr, x_split, y0 + total);
		cairo_stroke(cr);
		set_color(cr, COLOR_FRAME);
		cairo_set_line_width(cr, 1.0);
		cairo_rectangle(cr, LEFT, y0, RIGHT - LEFT, total);
		cairo_stroke(cr);
	}
	rows_free(&r, c->nfields);
	return y0 + total;
}

static int draw_page(cairo_t *cr, struct pdf_thread *t, const struct pdf_certificate *c)
{
	char date_zh[64], date_bo[256];
	if (format_date(c->issued_on, date_zh, sizeof date_zh, date_bo, sizeof date_bo) != 0)
		return -1;
	pango_cairo_update_context(cr, t->ctx);
	const double width = RIGHT - LEFT;

	set_color(cr, 0xffffff);
	cairo_paint(cr);
	draw_borders(cr);

	/* Title block: Tibetan, Chinese large, English. */
	const struct run title[] = {
	    {"", c->title_bo, FACE_TIB, 23, 0, COLOR_FRAME, 0},
	    {"\n", c->title_zh, FACE_SERIF, 34, 1, COLOR_FRAME, 6},
	    {"\n", c->title_en, FACE_SERIF, 11, 0, COLOR_SOFT, 2.5},
	};
	PangoLayout *l = compose(t, title, 3, width, PANGO_ALIGN_CENTER, 120);
	double y = TOP;
	double h = layout_height(l);
	show(cr, l, LEFT, y);
	y += h + 8;

	/* The number, right above the table. */
	char *num_zh = c->number_label_zh != NULL && c->number_label_zh[0] != '\0'
	                   ? g_strconcat(c->number_label_zh, "：", NULL)
	                   : NULL;
	const struct run number[] = {
	    {"", c->number_label_bo, FACE_TIB, 12.5, 0, COLOR_TEXT, 0},
	    {" ", num_zh, FACE_SANS, 11, 1, COLOR_TEXT, 0},
	    {num_zh != NULL ? "" : " ", c->number, FACE_SERIF, 13, 1, COLOR_TEXT, 0.5},
	};
	l = compose(t, number, 3, width, PANGO_ALIGN_RIGHT, 28);
	h = layout_height(l);
	show(cr, l, LEFT, y);
	g_free(num_zh);
	y += h + 4;
	const double table_top = y;

	/* Bottom: the footer, then above it the QR with its caption and the issuer. */
	double bottom = BOTTOM;
	if (c->footer != NULL && c->footer[0] != '\0') {
		const struct run footer[] = {{"", c->footer, FACE_SERIF, 8, 0, COLOR_SOFT, 0}};
		l = compose(t, footer, 1, width, PANGO_ALIGN_CENTER, 22);
		h = layout_height(l);
		show(cr, l, LEFT, BOTTOM - h);
		bottom = BOTTOM - h - 6;
	}
	const struct run issuer[] = {
	    {"", c->issuer_bo, FACE_TIB, 14, 0, COLOR_TEXT, 0},
	    {"\n", c->issuer_zh, FACE_SERIF, 15, 1, COLOR_TEXT, 1},
	    {"\n", date_bo, FACE_TIB, 12.5, 0, COLOR_TEXT, 0},
	    {"\n", date_zh, FACE_SERIF, 12.5, 0, COLOR_TEXT, 0.5},
	};
	PangoLayout *li = compose(t, issuer, 4, ISSUER_W, PANGO_ALIGN_CENTER, 130);
	double ih = layout_height(li);
	double block = ih > QR_SIZE ? ih : QR_SIZE;
	PangoLayout *lq = NULL;
	double qh = 0;
	const double qr_caption_w = RIGHT - LEFT - ISSUER_W - QR_SIZE - 24;
	if (c->qr_text != NULL) {
		const struct run caption[] = {
		    {"", c->qr_caption_bo, FACE_TIB, 12.5, 0, COLOR_TEXT, 0},
		    {"\n", c->qr_caption_zh, FACE_SANS, 11, 1, COLOR_TEXT, 1},
		    {"\n", c->qr_text, FACE_SERIF, 7.5, 0, COLOR_SOFT, 0},
		};
		lq = compose(t, caption, 3, qr_caption_w, PANGO_ALIGN_LEFT, QR_SIZE);
		qh = layout_height(lq);
	}
	const double block_top = bottom - block;
	show(cr, li, RIGHT - ISSUER_W, block_top + (block - ih) / 2);
	int rc = 0;
	if (c->qr_text != NULL) {
		double qy = block_top + (block - QR_SIZE) / 2;
		rc = draw_qr(cr, c->qr_text, LEFT, qy, QR_SIZE);
		show(cr, lq, LEFT + QR_SIZE + 14, qy + (QR_SIZE - qh) / 2);
	}

	draw_table(cr, t, c, table_top, block_top - 14);
	return rc;
}

static int text_ok(const char *s, int required)
{
	if (s == NULL)
		return !required;
	if (required && s[0] == '\0')
		return 0;
	return g_utf8_validate(s, -1, NULL);
}

/* 0 when the certificate has what it must have and every text is UTF-8. */
static int check(const struct pdf_certificate *c)
{
	if (c == NULL || !text_ok(c->title_bo, 0) || !text_ok(c->title_zh, 1) ||
	    !text_ok(c->title_en, 0) || !text_ok(c->number_label_bo, 0) ||
	    !text_ok(c->number_label_zh, 0) || !text_ok(c->number, 1) ||
	    !text_ok(c->issuer_bo, 0) || !text_ok(c->issuer_zh, 1) || !text_ok(c->issued_on, 1) ||
	    !text_ok(c->qr_text, 0) || !text_ok(c->qr_caption_bo, 0) ||
	    !text_ok(c->qr_caption_zh, 0) || !text_ok(c->footer, 0))
		return -1;
	if (c->nfields < 0 || c->nfields > PDF_FIELDS_MAX || (c->nfields > 0 && c->fields == NULL))
		return -1;
	for (int i = 0; i < c->nfields; i++) {
		const struct pdf_field *f = &c->fields[i];
		if (!text_ok(f->label_bo, 0) || !text_ok(f->label_zh, 1) ||
		    !text_ok(f->label_en, 0) || !text_ok(f->value, 0))
			return -1;
	}
	if (c->qr_text != NULL && (c->qr_text[0] == '\0' || strlen(c->qr_text) > QR_TEXT_MAX))
		return -1;
	int32_t day;
	if (date_parse(c->issued_on, strlen(c->issued_on), &day) != 0)
		return -1;
	return 0;
}

/*
 * Under AddressSanitizer: what its leak checker must not report at exit. fontconfig keeps
 * pointers inside its patterns as encoded offsets, so the patterns pango's font maps hold
 * look unreachable although they are not; and cairo 1.16 (Debian 12) loses about 770 bytes
 * per CFF font (each Noto CJK face used) when it subsets the fonts in cairo_surface_finish.
 * The stacks the checker records end inside the libraries (built without frame pointers),
 * so only the library can be named; pdf.c's own cairo and pango objects are freed on every
 * path (the unit tests run under the checker).
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PDF_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(PDF_ASAN)
#define PDF_ASAN 1
#endif
#ifdef PDF_ASAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n"
	       "leak:libcairo.so\n";
}
#endif

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
	buf_append(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

int pdf_certificate_render(const struct pdf_certificate *c, struct buf *out)
{
	if (check(c) != 0)
		return -1;
	struct pdf_thread *t = thread_state();
	if (t == NULL)
		return -1;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return -1;
	}
	char *title = g_strconcat(c->title_zh, " ", c->number, NULL);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, c->issuer_zh);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Jinzhi");
	g_free(title);
	cairo_t *cr = cairo_create(s);
	int rc = draw_page(cr, t, c);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_surface_destroy(s);
	return rc;
}

int pdf_certificate_render_png(const struct pdf_certificate *c, int dpi, struct buf *out)
{
	if (dpi < PDF_DPI_MIN || dpi > PDF_DPI_MAX || check(c) != 0)
		return -1;
	struct pdf_thread *t = thread_state();
	if (t == NULL)
		return -1;
	int w = (int)(PAGE_W * dpi / 72.0 + 0.5), h = (int)(PAGE_H * dpi / 72.0 + 0.5);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return -1;
	}
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, dpi / 72.0, dpi / 72.0);
	int rc = draw_page(cr, t, c);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_destroy(cr);
	cairo_surface_flush(s);
	if (rc == 0 && cairo_surface_write_to_png_stream(s, write_buf, out) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_surface_destroy(s);
	return rc;
}

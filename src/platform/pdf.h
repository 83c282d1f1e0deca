/*
 * Documents: a licence certificate drawn on one A4 portrait page with cairo and pango, as PDF
 * (the document that is issued and downloaded) or as PNG (a preview, the tests). Tibetan lines
 * stand above Chinese ones and are shaped by HarfBuzz through pango; English, where given, is
 * a smaller third line. The QR code to the public verification page is drawn from qr.h
 * modules as vector squares.
 *
 * Fonts: Chinese "Noto Serif CJK SC" (falling back to "Noto Sans CJK SC", then any CJK font
 * fontconfig offers), Tibetan "Tibetan Machine Uni" (falling back to "Noto Serif Tibetan",
 * "Jomolhari"); see docs/documents.md for checking them with fc-list.
 *
 * The page: a double border; the title centred (Tibetan, the Chinese title large, English);
 * the number at the right; the fields as a table of bilingual labels and values; at the bottom
 * the QR code with its caption on the left and the issuer with the date on the right.
 *
 * Texts are drawn as plain text (never as pango markup), so nothing in them is interpreted.
 * Every string must be valid UTF-8 (the caller checks); an invalid one makes the render fail.
 * Long texts wrap and, when they still do not fit their box, shrink and finally end with an
 * ellipsis: the certificate is always exactly one page.
 *
 * Thread safety: both functions may be called from several threads at once; each thread
 * keeps its own pango font map (made on first use, freed when the thread exits).
 */
#ifndef JZ_PDF_H
#define JZ_PDF_H

#include "mem.h"

#define PDF_FIELDS_MAX 16 /* rows of the field table that are drawn; more is an error */
#define PDF_DPI_MIN    24 /* the range of pdf_certificate_render_png's dpi */
#define PDF_DPI_MAX    300

/* One row of the certificate's table: a bilingual label and its value. */
struct pdf_field {
	const char *label_bo; /* Tibetan label, e.g. "ཐོན་སྐྱེད་པའི་མིང་།" (may be NULL) */
	const char *label_zh; /* Chinese label, e.g. "生产者名称" (required) */
	const char *label_en; /* English label, drawn small under the others (may be NULL) */
	const char *value;    /* the value; may hold several lines ("\n"); wraps; NULL as "" */
};

/* Everything printed on a certificate. NULL for an optional text leaves its line out. */
struct pdf_certificate {
	const char *title_bo; /* Tibetan title, the first line, e.g. "ཟས་རིགས་ཐོན་སྐྱེད་ཆོག་མཆན།" */
	const char *title_zh; /* Chinese title, large, e.g. "食品生产许可证" (required) */
	const char *title_en; /* English title, small under the Chinese (may be NULL) */
	const char *number_label_bo; /* Tibetan label of the number (may be NULL) */
	const char *number_label_zh; /* Chinese label of the number, e.g. "编号" (may be NULL) */
	const char *number;          /* the licence number, e.g. "SC10654010200017" (required) */
	const char *issuer_bo;       /* the issuing authority in Tibetan (may be NULL) */
	const char *issuer_zh;       /* the issuing authority in Chinese (required) */
	const char *issued_on; /* date of issue, "YYYY-MM-DD" (required); printed under the issuer
	                          as "སྤྱི་ལོ་༢༠༢༥ ཟླ་༣ ཚེས་༤" and "2025年3月4日" */
	const struct pdf_field *fields; /* the table rows, top to bottom */
	int nfields;                    /* 0..PDF_FIELDS_MAX */
	const char *qr_text;            /* URL of the public verification page; NULL: no QR code */
	const char *qr_caption_bo;      /* Tibetan caption beside the QR (may be NULL) */
	const char *qr_caption_zh;      /* Chinese caption beside the QR, e.g. "扫码核验" */
	const char *footer;             /* a small line at the bottom centre (may be NULL) */
};

/*
 * Appends the certificate as a one-page PDF (A4 portrait, fonts embedded as subsets; metadata title
 * = title_zh + number, creator "Jinzhi") to out. Returns 0, or -1 when a required text is missing,
 * a text is not valid UTF-8, nfields is out of range, issued_on is not a date, qr_text cannot be
 * encoded, or cairo fails (out then holds whatever was appended before: the caller discards it).
 */
int pdf_certificate_render(const struct pdf_certificate *c, struct buf *out);

/*
 * Appends the same page as a PNG at dpi dots per inch (PDF_DPI_MIN..PDF_DPI_MAX; 96 gives a
 * 794 x 1123 image). Returns 0 or -1 as pdf_certificate_render (and for a dpi out of range).
 */
int pdf_certificate_render_png(const struct pdf_certificate *c, int dpi, struct buf *out);

#endif

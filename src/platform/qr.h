/*
 * QR codes: text encoded with libqrencode (case kept) and drawn as SVG or PNG with
 * the quiet zone the standard asks for, for pages that are reached by scanning a sticker (the
 * public equipment page; later certificates and licences).
 */
#ifndef JZ_QR_H
#define JZ_QR_H

#include <stddef.h>

#include "mem.h"

#define QR_QUIET_ZONE    4   /* modules of white around the symbol (ISO/IEC 18004) */
#define QR_TEXT_MAX      512 /* bytes of text accepted: a URL, never a document */
#define QR_PNG_SCALE_MAX 20  /* pixels per module */

/* Error correction levels (the share of the symbol that may be lost and still read). */
enum qr_level {
	QR_LEVEL_L, /* 7 % */
	QR_LEVEL_M, /* 15 %: stickers that get scratched */
	QR_LEVEL_Q, /* 25 % */
	QR_LEVEL_H, /* 30 % */
};

/* An encoded symbol. */
struct qr {
	int width;              /* modules per side, without the quiet zone */
	unsigned char *modules; /* width * width bytes, row by row: 1 dark, 0 light (owned) */
};

/*
 * Encodes text[0..n) (n <= QR_TEXT_MAX, no NUL inside) at the smallest version that holds it.
 * Returns 0 with *out (the caller frees it with qr_free), or -1 (too long, NUL inside).
 */
int qr_encode(const char *text, size_t n, enum qr_level level, struct qr *out);

/* Frees what qr_encode gave; the struct may be reused. */
void qr_free(struct qr *q);

/* Modules per side with the quiet zone on both sides. */
int qr_full_width(const struct qr *q);

/*
 * Appends the symbol as a standalone SVG document: one path of the dark modules on a white
 * square, one user unit per module, the quiet zone included, scaled by whoever shows it.
 */
void qr_write_svg(const struct qr *q, struct buf *out);

/*
 * Appends the symbol as a 1-bit greyscale PNG, scale pixels per module (1..QR_PNG_SCALE_MAX),
 * the quiet zone included: a square of qr_full_width(q) * scale pixels. Returns 0, or -1
 * when scale is out of range or libpng fails (out then holds what was appended before).
 */
int qr_write_png(const struct qr *q, int scale, struct buf *out);

#endif

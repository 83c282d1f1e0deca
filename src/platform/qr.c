/*
 * QR codes (see qr.h): libqrencode for the symbol, a hand-written SVG path, libpng for PNG.
 */
#include "qr.h"

#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define QR_SVG_PIXELS 4 /* default display size of an SVG: pixels per module */

int qr_encode(const char *text, size_t n, enum qr_level level, struct qr *out)
{
	static const QRecLevel LEVELS[] = {
	    [QR_LEVEL_L] = QR_ECLEVEL_L,
	    [QR_LEVEL_M] = QR_ECLEVEL_M,
	    [QR_LEVEL_Q] = QR_ECLEVEL_Q,
	    [QR_LEVEL_H] = QR_ECLEVEL_H,
	};
	if (n == 0 || n > QR_TEXT_MAX || memchr(text, '\0', n) != NULL)
		return -1;
	char z[QR_TEXT_MAX + 1];
	memcpy(z, text, n);
	z[n] = '\0';
	/* Case kept (a URL's path is case-sensitive); libqrencode splits the text into the
	 * smallest modes, so the digits of a code go in numeric mode and the rest as bytes. */
	QRcode *code = QRcode_encodeString(z, 0, LEVELS[level], QR_MODE_8, 1);
	if (code == NULL)
		return -1;
	size_t cells = (size_t)code->width * (size_t)code->width;
	out->width = code->width;
	out->modules = xmalloc(cells);
	for (size_t i = 0; i < cells; i++)
		out->modules[i] = code->data[i] & 1; /* bit 0 is the module's colour */
	QRcode_free(code);
	return 0;
}

void qr_free(struct qr *q)
{
	free(q->modules);
	q->modules = NULL;
	q->width = 0;
}

int qr_full_width(const struct qr *q)
{
	return q->width + 2 * QR_QUIET_ZONE;
}

void qr_write_svg(const struct qr *q, struct buf *out)
{
	int full = qr_full_width(q);
	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	           "height=\"%d\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	           "fill=\"#fff\"/><path fill=\"#000\" d=\"",
	           full, full, full * QR_SVG_PIXELS, full * QR_SVG_PIXELS, full, full);
	/* One rectangle per horizontal run of dark modules keeps the path short. */
	for (int y = 0; y < q->width; y++) {
		const unsigned char *row = q->modules + (size_t)y * (size_t)q->width;
		for (int x = 0; x < q->width;) {
			if (!row[x]) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < q->width && row[x + run])
				run++;
			buf_printf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE,
			           run, run);
			x += run;
		}
	}
	buf_puts(out, "\"/></svg>\n");
}

static void png_sink_write(png_structp png, png_bytep data, size_t n)
{
	buf_append(png_get_io_ptr(png), data, n);
}

static void png_sink_flush(png_structp png)
{
	(void)png;
}

int qr_write_png(const struct qr *q, int scale, struct buf *out)
{
	if (scale < 1 || scale > QR_PNG_SCALE_MAX || q->width <= 0)
		return -1;
	int full = qr_full_width(q);
	png_uint_32 px = (png_uint_32)full * (png_uint_32)scale;
	size_t row_bytes = ((size_t)px + 7) / 8;
	unsigned char *row = xmalloc(row_bytes);
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	volatile int rc = -1;
	if (info == NULL)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, out, png_sink_write, png_sink_flush);
	/* One bit per pixel, 1 = white; no filtering: it only costs time on a bilevel image. */
	png_set_IHDR(png, info, px, px, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	             PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_write_info(png, info);
	for (int y = 0; y < full; y++) {
		int my = y - QR_QUIET_ZONE;
		memset(row, 0xff, row_bytes);
		for (int x = 0; x < full; x++) {
			int mx = x - QR_QUIET_ZONE;
			if (my < 0 || my >= q->width || mx < 0 || mx >= q->width ||
			    !q->modules[(size_t)my * (size_t)q->width + (size_t)mx])
				continue;
			for (int k = 0; k < scale; k++) {
				size_t bit = (size_t)x * (size_t)scale + (size_t)k;
				row[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
			}
		}
		for (int k = 0; k < scale; k++)
			png_write_row(png, row);
	}
	png_write_end(png, NULL);
	rc = 0;
out:
	png_destroy_write_struct(&png, &info);
	free(row);
	return rc;
}

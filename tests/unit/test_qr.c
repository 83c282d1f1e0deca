/*
 * Unit tests of QR codes (src/platform/qr.c): what qr_encode refuses, the symbol's size and
 * finder patterns, the SVG's view box and quiet zone, and the PNG's header for each scale and
 * the scales it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/qr.h"

static const char URL[] = "https://tj.example.gov.cn/e/31105401002023060001";

static void test_encode_refuses(void **state)
{
	(void)state;
	struct qr q;
	assert_int_equal(qr_encode("", 0, QR_LEVEL_M, &q), -1);
	assert_int_equal(qr_encode("a\0b", 3, QR_LEVEL_M, &q), -1);
	char *big = malloc(QR_TEXT_MAX + 1);
	memset(big, 'a', QR_TEXT_MAX + 1);
	assert_int_equal(qr_encode(big, QR_TEXT_MAX + 1, QR_LEVEL_M, &q), -1);
	assert_int_equal(qr_encode(big, QR_TEXT_MAX, QR_LEVEL_M, &q), 0);
	qr_free(&q);
	free(big);
}

/* 1 if the 7x7 finder pattern has its top-left corner at (x, y). */
static int finder_at(const struct qr *q, int x, int y)
{
	for (int dy = 0; dy < 7; dy++)
		for (int dx = 0; dx < 7; dx++) {
			int ring = dx == 0 || dy == 0 || dx == 6 || dy == 6;
			int core = dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4;
			int dark =
			    q->modules[(size_t)(y + dy) * (size_t)q->width + (size_t)(x + dx)];
			if (dark != (ring || core))
				return 0;
		}
	return 1;
}

static void test_symbol(void **state)
{
	(void)state;
	struct qr q;
	assert_int_equal(qr_encode(URL, strlen(URL), QR_LEVEL_M, &q), 0);
	/* The URL in byte mode with its 20 digits in numeric mode fits version 3 at level M. */
	assert_int_equal(q.width, 29);
	assert_int_equal(qr_full_width(&q), 29 + 2 * QR_QUIET_ZONE);
	assert_true(finder_at(&q, 0, 0));
	assert_true(finder_at(&q, q.width - 7, 0));
	assert_true(finder_at(&q, 0, q.width - 7));
	assert_false(finder_at(&q, q.width - 7, q.width - 7));
	qr_free(&q);
	assert_null(q.modules);
}

static void test_svg(void **state)
{
	(void)state;
	struct qr q;
	assert_int_equal(qr_encode(URL, strlen(URL), QR_LEVEL_M, &q), 0);
	struct buf b = {0};
	qr_write_svg(&q, &b);
	assert_true(strncmp(b.data, "<svg ", 5) == 0);
	assert_non_null(strstr(b.data, "viewBox=\"0 0 37 37\""));
	/* The first dark run is the top-left finder's top edge, inside the quiet zone. */
	assert_non_null(strstr(b.data, "d=\"M4 4h7v1h-7z"));
	assert_null(strstr(b.data, "M0 "));
	assert_non_null(strstr(b.data, "</svg>"));
	buf_free(&b);
	qr_free(&q);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_png(void **state)
{
	(void)state;
	struct qr q;
	assert_int_equal(qr_encode(URL, strlen(URL), QR_LEVEL_M, &q), 0);
	static const int SCALES[] = {1, 2, 8, QR_PNG_SCALE_MAX};
	for (size_t i = 0; i < sizeof SCALES / sizeof SCALES[0]; i++) {
		struct buf b = {0};
		assert_int_equal(qr_write_png(&q, SCALES[i], &b), 0);
		const unsigned char *p = (const unsigned char *)b.data;
		assert_true(b.len > 33);
		assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
		assert_memory_equal(p + 12, "IHDR", 4);
		assert_int_equal(be32(p + 16), 37u * (uint32_t)SCALES[i]);
		assert_int_equal(be32(p + 20), 37u * (uint32_t)SCALES[i]);
		assert_int_equal(p[24], 1); /* bit depth */
		assert_int_equal(p[25], 0); /* greyscale */
		assert_memory_equal(p + b.len - 8, "IEND", 4);
		buf_free(&b);
	}
	struct buf b = {0};
	assert_int_equal(qr_write_png(&q, 0, &b), -1);
	assert_int_equal(qr_write_png(&q, QR_PNG_SCALE_MAX + 1, &b), -1);
	assert_int_equal(qr_write_png(&q, -3, &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	qr_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_refuses),
	    cmocka_unit_test(test_symbol),
	    cmocka_unit_test(test_svg),
	    cmocka_unit_test(test_png),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Fuzz target for text at the edge (src/platform/textenc.c). utf8_invalid_at must agree with a
 * slow reference decoder; valid UTF-8 must survive UTF-8 -> GB18030 (glibc iconv) -> UTF-8
 * (text_gb18030_to_utf8) unchanged; arbitrary bytes decoded as GB18030 must give valid UTF-8,
 * or fail at an offset before which everything decoded; and text_to_utf8 must keep its contract.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/textenc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_textenc: %s:%d: check failed: %s\n", __FILE__,       \
			        __LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* glibc 2.36 has no GB18030 bytes for 24 code points of the Private Use Area (U+E78D...). */
#define PUA_FIRST 0xE000
#define PUA_LAST  0xF8FF

/*
 * The slow reference decoder: take the length from the lead byte, decode, then reject overlong
 * forms, surrogates and code points above U+10FFFF. Sets *count to the code points decoded.
 */
static ssize_t ref_invalid_at(const unsigned char *s, size_t n, size_t *count)
{
	static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t i = 0;
	*count = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t len = 0;
		if (c < 0x80)
			len = 1;
		else if (c >= 0xC0 && c < 0xE0)
			len = 2;
		else if (c >= 0xE0 && c < 0xF0)
			len = 3;
		else if (c >= 0xF0 && c < 0xF8)
			len = 4;
		if (len == 0 || len > n - i)
			return (ssize_t)i;
		uint32_t cp = len == 1 ? c : c & (0x7Fu >> len);
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return (ssize_t)i;
			cp = cp << 6 | (s[i + k] & 0x3Fu);
		}
		if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return (ssize_t)i;
		i += len;
		(*count)++;
	}
	return -1;
}

/* The code point of the valid UTF-8 sequence at s. */
static uint32_t decode_one(const unsigned char *s)
{
	if (s[0] < 0x80)
		return s[0];
	if (s[0] < 0xE0)
		return (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu);
	if (s[0] < 0xF0)
		return (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
	return (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
}

/* Valid UTF-8 s[0..n) -> GB18030 with iconv -> UTF-8 with text_gb18030_to_utf8 == s. */
static void check_round_trip(const char *s, size_t n)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	CHECK(cd != (iconv_t)-1);
	struct buf gb = {0};
	buf_reserve(&gb, 4 * n);
	char *in = (char *)s;
	size_t in_left = n;
	char *o = gb.data;
	size_t o_left = gb.cap - 1;
	size_t r = iconv(cd, &in, &in_left, &o, &o_left);
	int err = errno;
	iconv_close(cd);
	gb.len = (size_t)(o - gb.data);
	if (r == (size_t)-1) {
		/* Only the unmapped PUA code points may stop the encoder: test the text before. */
		CHECK(err == EILSEQ);
		uint32_t cp = decode_one((const unsigned char *)in);
		CHECK(cp >= PUA_FIRST && cp <= PUA_LAST);
		n = (size_t)(in - s);
	}
	struct buf back = {0};
	size_t bad = SIZE_MAX;
	CHECK(text_gb18030_to_utf8(gb.data, gb.len, &back, &bad) == 0);
	CHECK(back.len == n);
	CHECK(n == 0 || memcmp(back.data, s, n) == 0);
	buf_free(&back);
	buf_free(&gb);
}

/* Arbitrary bytes as GB18030: valid UTF-8 out, or a failure after a clean prefix. */
static void check_gb18030_decode(const char *s, size_t n)
{
	struct buf out = {0};
	size_t bad = SIZE_MAX;
	int rc = text_gb18030_to_utf8(s, n, &out, &bad);
	CHECK(out.data == NULL || out.data[out.len] == '\0');
	CHECK(utf8_invalid_at(out.data, out.len) == -1);
	if (rc != 0) {
		CHECK(rc == -1);
		CHECK(bad < n);
		struct buf prefix = {0};
		size_t bad2 = SIZE_MAX;
		CHECK(text_gb18030_to_utf8(s, bad, &prefix, &bad2) == 0);
		CHECK(prefix.len == out.len);
		CHECK(out.len == 0 || (prefix.data != NULL && out.data != NULL &&
		                       memcmp(prefix.data, out.data, out.len) == 0));
		buf_free(&prefix);
	}
	buf_free(&out);
}

static void check_to_utf8(const char *s, size_t n, ssize_t invalid_at)
{
	static const char bom[] = "\xEF\xBB\xBF";
	int has_bom = n >= 3 && memcmp(s, bom, 3) == 0;
	for (int e = TEXT_ENC_AUTO; e <= TEXT_ENC_GB18030; e++) {
		struct buf scratch = {0};
		const char *text = NULL;
		size_t len = SIZE_MAX;
		enum text_encoding used = TEXT_ENC_AUTO; /* never the answer */
		size_t bad = SIZE_MAX;
		int rc =
		    text_to_utf8(s, n, (enum text_encoding)e, &scratch, &text, &len, &used, &bad);
		if (rc == 0) {
			CHECK(utf8_invalid_at(text, len) == -1);
			CHECK(used == TEXT_ENC_UTF8 || used == TEXT_ENC_GB18030);
			if (used == TEXT_ENC_UTF8) {
				CHECK(e != TEXT_ENC_GB18030);
				CHECK(text == (has_bom ? s + 3 : s) &&
				      len == n - (has_bom ? 3 : 0));
			} else {
				CHECK(e != TEXT_ENC_UTF8);
				CHECK(e == TEXT_ENC_GB18030 || (!has_bom && invalid_at >= 0));
				CHECK(len == 0 || (text >= scratch.data &&
				                   text + len <= scratch.data + scratch.len));
			}
		} else {
			CHECK(rc == -1);
			CHECK(bad < n);
			CHECK(e == TEXT_ENC_GB18030 || invalid_at >= 0);
			if (e == TEXT_ENC_UTF8 || (e == TEXT_ENC_AUTO && has_bom))
				CHECK(bad == (size_t)invalid_at);
		}
		buf_free(&scratch);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t count;
	ssize_t want = ref_invalid_at(data, size, &count);
	ssize_t got = utf8_invalid_at(s, size);
	CHECK(got == want);
	if (got < 0) {
		CHECK(utf8_count(s, size) == count);
		check_round_trip(s, size);
	} else {
		/* Everything before the first bad byte is valid, and counts the same. */
		size_t count_before;
		CHECK(ref_invalid_at(data, (size_t)got, &count_before) == -1);
		CHECK(utf8_count(s, (size_t)got) == count_before);
	}
	check_gb18030_decode(s, size);
	check_to_utf8(s, size, got);
	return 0;
}

/*
 * Unit tests of text at the edge (src/platform/textenc.c): strict UTF-8 validation at every
 * boundary of Table 3-7 of the Unicode Standard and at every position of the word-at-a-time
 * fast path, GB18030 decoding of 1-, 2- and 4-byte sequences (Chinese, Tibetan, beyond the
 * BMP) with the offset of the first bad byte, and the byte order mark and auto-detection rules
 * of text_to_utf8. Expected GB18030 bytes are written out where short and otherwise made with
 * glibc's iconv in the other direction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "platform/textenc.h"

#define S(lit) (lit), (sizeof(lit) - 1) /* a string literal as pointer and length */

/* "中文" in UTF-8 and in GB18030. */
#define ZH_UTF8 "\xE4\xB8\xAD\xE6\x96\x87"
#define ZH_GB   "\xD6\xD0\xCE\xC4"
/* "བོད" (Tibetan: U+0F56 U+0F7C U+0F51), all in GB18030's four-byte area. */
#define BOD_UTF8 "\xE0\xBD\x96\xE0\xBD\xBC\xE0\xBD\x91"
#define BOD_GB   "\x81\x32\xF1\x30\x81\x32\xF4\x38\x81\x32\xF0\x35"

/* Encodes UTF-8 s[0..n) to GB18030 with iconv; the caller frees the result with buf_free. */
static struct buf to_gb18030(const char *s, size_t n)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	struct buf b = {0};
	buf_reserve(&b, 4 * n + 4);
	char *in = (char *)s;
	char *o = b.data;
	size_t in_left = n;
	size_t o_left = b.cap - 1;
	assert_true(iconv(cd, &in, &in_left, &o, &o_left) != (size_t)-1);
	b.len = (size_t)(o - b.data);
	b.data[b.len] = '\0';
	iconv_close(cd);
	return b;
}

/*
 * The slow reference: decode each sequence by its lead byte's length, then check the code
 * point is in range for that length and not a surrogate.
 */
static ssize_t ref_invalid_at(const unsigned char *s, size_t n)
{
	static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t len = c < 0x80                ? 1
		             : c >= 0xC0 && c < 0xE0 ? 2
		             : c >= 0xE0 && c < 0xF0 ? 3
		             : c >= 0xF0 && c < 0xF8 ? 4
		                                     : 0;
		if (len == 0 || i + len > n)
			return (ssize_t)i;
		uint32_t cp = len == 1 ? c : c & (0x7F >> len);
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return (ssize_t)i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return (ssize_t)i;
		i += len;
	}
	return -1;
}

static void test_utf8_valid(void **state)
{
	assert_int_equal(utf8_invalid_at(NULL, 0), -1);
	assert_int_equal(utf8_invalid_at(S("")), -1);
	assert_int_equal(utf8_invalid_at(S("plain ASCII, long enough for the word loop")), -1);
	assert_int_equal(utf8_invalid_at(S("a\0b")), -1);
	assert_int_equal(utf8_invalid_at(S(ZH_UTF8 BOD_UTF8 "\xF0\x9F\x98\x80")), -1);
	assert_int_equal(utf8_invalid_at(S("\x7F")), -1);             /* U+007F */
	assert_int_equal(utf8_invalid_at(S("\xC2\x80")), -1);         /* U+0080 */
	assert_int_equal(utf8_invalid_at(S("\xDF\xBF")), -1);         /* U+07FF */
	assert_int_equal(utf8_invalid_at(S("\xE0\xA0\x80")), -1);     /* U+0800 */
	assert_int_equal(utf8_invalid_at(S("\xED\x9F\xBF")), -1);     /* U+D7FF */
	assert_int_equal(utf8_invalid_at(S("\xEE\x80\x80")), -1);     /* U+E000 */
	assert_int_equal(utf8_invalid_at(S("\xEF\xBF\xBF")), -1);     /* U+FFFF */
	assert_int_equal(utf8_invalid_at(S("\xF0\x90\x80\x80")), -1); /* U+10000 */
	assert_int_equal(utf8_invalid_at(S("\xF4\x8F\xBF\xBF")), -1); /* U+10FFFF */
	assert_int_equal(utf8_invalid_at(S("\xEF\xBB\xBF")), -1);     /* a BOM is valid UTF-8 */
}

static void test_utf8_invalid(void **state)
{
	assert_int_equal(utf8_invalid_at(S("\x80")), 0); /* stray continuation */
	assert_int_equal(utf8_invalid_at(S("\xBF")), 0);
	assert_int_equal(utf8_invalid_at(S("\xC0\x80")), 0);         /* overlong NUL */
	assert_int_equal(utf8_invalid_at(S("\xC1\xBF")), 0);         /* overlong U+007F */
	assert_int_equal(utf8_invalid_at(S("\xE0\x9F\xBF")), 0);     /* overlong U+07FF */
	assert_int_equal(utf8_invalid_at(S("\xE0\x80\xAF")), 0);     /* overlong '/' */
	assert_int_equal(utf8_invalid_at(S("\xED\xA0\x80")), 0);     /* U+D800 */
	assert_int_equal(utf8_invalid_at(S("\xED\xBF\xBF")), 0);     /* U+DFFF */
	assert_int_equal(utf8_invalid_at(S("\xF0\x8F\xBF\xBF")), 0); /* overlong U+FFFF */
	assert_int_equal(utf8_invalid_at(S("\xF4\x90\x80\x80")), 0); /* U+110000 */
	assert_int_equal(utf8_invalid_at(S("\xF5\x80\x80\x80")), 0);
	assert_int_equal(utf8_invalid_at(S("\xF8\x88\x80\x80\x80")), 0);
	assert_int_equal(utf8_invalid_at(S("\xFE")), 0);
	assert_int_equal(utf8_invalid_at(S("\xFF")), 0);
	/* Truncated at the end of input, and cut short by another byte. */
	assert_int_equal(utf8_invalid_at(S("ab\xE4\xB8")), 2);
	assert_int_equal(utf8_invalid_at(S("ab\xC3")), 2);
	assert_int_equal(utf8_invalid_at(S("ab\xF0\x9F\x98")), 2);
	assert_int_equal(utf8_invalid_at(S("\xE4\xB8x\xAD")), 0);
	assert_int_equal(utf8_invalid_at(S("\xE4\xB8\xE4\xB8\xAD")), 0);
	/* The offset is of the first bad sequence, after valid multibyte text. */
	assert_int_equal(utf8_invalid_at(S(ZH_UTF8 "\xFF" ZH_UTF8)), 6);
	assert_int_equal(utf8_invalid_at(S(BOD_UTF8 "\xED\xA0\x80")), 9);
	/* A Latin-1 "é" (E9) followed by ASCII, the commonest mistake in real files. */
	assert_int_equal(utf8_invalid_at(S("caf\xE9 au lait")), 3);
	/* GB18030 "中文" is not UTF-8. */
	assert_int_equal(utf8_invalid_at(S(ZH_GB)), 0);
}

/* A bad byte at every position of a long ASCII run: the fast path must stop exactly there. */
static void test_utf8_fast_path_positions(void **state)
{
	enum { LEN = 80 };
	char s[LEN];
	for (size_t bad = 0; bad < LEN; bad++) {
		for (size_t start = 0; start < 8 && start <= bad; start++) {
			memset(s, 'a', sizeof s);
			s[bad] = (char)0x80;
			assert_int_equal(utf8_invalid_at(s + start, LEN - start),
			                 (ssize_t)(bad - start));
			/* a truncated 3-byte lead at the very end, and a valid one in the middle */
			memset(s, 'a', sizeof s);
			s[bad] = (char)0xE4;
			ssize_t want = bad + 3 <= LEN ? -1 : (ssize_t)(bad - start);
			if (bad + 3 <= LEN) {
				s[bad + 1] = (char)0xB8;
				s[bad + 2] = (char)0xAD;
			}
			assert_int_equal(utf8_invalid_at(s + start, LEN - start), want);
		}
	}
}

/* Every 1- and 2-byte input, and every 3- and 4-byte input on a grid of interesting bytes. */
static void test_utf8_matches_reference(void **state)
{
	unsigned char s[4];
	for (unsigned a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		assert_int_equal(utf8_invalid_at((char *)s, 1), ref_invalid_at(s, 1));
		for (unsigned b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			assert_int_equal(utf8_invalid_at((char *)s, 2), ref_invalid_at(s, 2));
		}
	}
	static const unsigned char grid[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
	                                     0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF4, 0xFF};
	for (unsigned a = 0x80; a < 256; a++) {
		s[0] = (unsigned char)a;
		for (unsigned b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			for (size_t c = 0; c < sizeof grid; c++) {
				s[2] = grid[c];
				assert_int_equal(utf8_invalid_at((char *)s, 3),
				                 ref_invalid_at(s, 3));
				for (size_t d = 0; d < sizeof grid; d++) {
					s[3] = grid[d];
					assert_int_equal(utf8_invalid_at((char *)s, 4),
					                 ref_invalid_at(s, 4));
				}
			}
		}
	}
}

static void test_utf8_count(void **state)
{
	assert_int_equal(utf8_count(S("")), 0);
	assert_int_equal(utf8_count(S("abc")), 3);
	assert_int_equal(utf8_count(S(ZH_UTF8 "abc")), 5);
	assert_int_equal(utf8_count(S(BOD_UTF8)), 3);
	assert_int_equal(utf8_count(S("\xF0\x9F\x98\x80")), 1);
	assert_int_equal(utf8_count(S("a\0b")), 3);
}

/* Decodes GB18030 in[0..n) and checks the result is want[0..nwant). */
static void check_gb(const char *in, size_t n, const char *want, size_t nwant)
{
	struct buf out = {0};
	size_t bad = SIZE_MAX;
	assert_int_equal(text_gb18030_to_utf8(in, n, &out, &bad), 0);
	assert_int_equal(bad, SIZE_MAX);
	assert_int_equal(out.len, nwant);
	if (nwant)
		assert_memory_equal(out.data, want, nwant);
	buf_free(&out);
}

/* Decodes GB18030 in[0..n), expecting a failure at bad_at with good[0..ngood) decoded. */
static void check_gb_bad(const char *in, size_t n, size_t bad_at, const char *good, size_t ngood)
{
	struct buf out = {0};
	size_t bad = SIZE_MAX;
	assert_int_equal(text_gb18030_to_utf8(in, n, &out, &bad), -1);
	assert_int_equal(bad, bad_at);
	assert_int_equal(out.len, ngood);
	if (ngood)
		assert_memory_equal(out.data, good, ngood);
	assert_true(out.data == NULL || out.data[out.len] == '\0');
	buf_free(&out);
}

static void test_gb18030_decode(void **state)
{
	check_gb(S(""), S(""));
	check_gb(S("ASCII, 123"), S("ASCII, 123"));
	check_gb(S(ZH_GB), S(ZH_UTF8));                                   /* two-byte */
	check_gb(S("\xA2\xE3"), S("\xE2\x82\xAC"));                       /* the euro sign */
	check_gb(S("\x81\x30\x81\x30"), S("\xC2\x80"));                   /* U+0080, four-byte */
	check_gb(S("\x84\x31\xA4\x39"), S("\xEF\xBF\xBF"));               /* U+FFFF */
	check_gb(S("\x90\x30\x81\x30"), S("\xF0\x90\x80\x80"));           /* U+10000 */
	check_gb(S("\x94\x39\xFC\x36"), S("\xF0\x9F\x98\x80"));           /* U+1F600 */
	check_gb(S("\xE3\x32\x9A\x35"), S("\xF4\x8F\xBF\xBF"));           /* U+10FFFF */
	check_gb(S(BOD_GB), S(BOD_UTF8));                                 /* Tibetan */
	check_gb(S("a\0" ZH_GB), S("a\0" ZH_UTF8));                       /* NUL passes */
	check_gb(S("\x84\x31\x95\x33" ZH_GB), S("\xEF\xBB\xBF" ZH_UTF8)); /* BOM is kept here */
}

static void test_gb18030_tibetan_and_chinese_via_iconv(void **state)
{
	static const char text[] = "བོད་ལྗོངས་ཁྱད་རིགས་སྒྲིག་ཆས་ཞིབ་བཤེར་ཁང་། 西藏自治区特种设备检验研究院 "
	                           "ཀཁགངཅཆཇཉཏཐདནཔཕབམཙཚཛཝཞཟའཡརལཤསཧཨ ༀ༁༂༃༄༅ "
	                           "€ © é ß ẞ 𠀀 𪚥 😀 \xEF\xBF\xBD";
	struct buf gb = to_gb18030(S(text));
	check_gb(gb.data, gb.len, S(text));
	buf_free(&gb);
}

static void test_gb18030_large_input_chunks(void **state)
{
	/* Several times the conversion chunk, so the output buffer grows many times. */
	enum { REPEAT = 60000 };
	struct buf utf8 = {0};
	struct buf gb = {0};
	for (int i = 0; i < REPEAT; i++) {
		buf_append(&utf8, S(ZH_UTF8 BOD_UTF8 "x"));
		buf_append(&gb, S(ZH_GB BOD_GB "x"));
	}
	check_gb(gb.data, gb.len, utf8.data, utf8.len);
	/* A bad byte far in is reported at its offset, with everything before it decoded. */
	gb.data[gb.len - 1] = (char)0xFF;
	check_gb_bad(gb.data, gb.len, gb.len - 1, utf8.data, utf8.len - 1);
	buf_free(&utf8);
	buf_free(&gb);
}

static void test_gb18030_errors(void **state)
{
	check_gb_bad(S("\x80"), 0, NULL, 0);
	check_gb_bad(S("\xFF"), 0, NULL, 0);
	check_gb_bad(S("ab\xFF"
	               "cd"),
	             2, S("ab"));
	check_gb_bad(S(ZH_GB "\xFF" ZH_GB), 4, S(ZH_UTF8));
	check_gb_bad(S(ZH_GB "\xD6"), 4, S(ZH_UTF8));          /* cut off at the end */
	check_gb_bad(S(ZH_GB "\x81\x30\x81"), 4, S(ZH_UTF8));  /* four-byte cut off */
	check_gb_bad(S("a\x81\x30\x81\x20"), 1, S("a"));       /* bad fourth byte */
	check_gb_bad(S("a\xD6\x7F"), 1, S("a"));               /* bad second byte */
	check_gb_bad(S("\xE3\x32\x9A\x36"), 0, NULL, 0);       /* above U+10FFFF */
	check_gb_bad(S("\xFE\x39\xFE\x39"), 0, NULL, 0);       /* unassigned four-byte */
	check_gb_bad(S("\xE4\xB8\xAD"), 2, S("\xE6\xB6\x93")); /* UTF-8 "中" read as GB18030 */
}

static void test_gb18030_appends(void **state)
{
	struct buf out = {0};
	size_t bad;
	buf_puts(&out, "kept:");
	assert_int_equal(text_gb18030_to_utf8(S(ZH_GB), &out, &bad), 0);
	assert_string_equal(out.data, "kept:" ZH_UTF8);
	buf_free(&out);
}

enum { THREADS = 4, THREAD_ROUNDS = 200 };

static void *decode_many(void *arg)
{
	struct buf *gb = arg;
	for (int i = 0; i < THREAD_ROUNDS; i++) {
		struct buf out = {0};
		size_t bad;
		if (text_gb18030_to_utf8(gb->data, gb->len, &out, &bad) != 0 ||
		    out.len != sizeof(BOD_UTF8 ZH_UTF8) - 1 ||
		    memcmp(out.data, BOD_UTF8 ZH_UTF8, out.len) != 0) {
			buf_free(&out);
			return (void *)1;
		}
		buf_free(&out);
	}
	return NULL;
}

static void test_gb18030_threads(void **state)
{
	struct buf gb = {0};
	buf_append(&gb, S(BOD_GB ZH_GB));
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, decode_many, &gb), 0);
	for (int i = 0; i < THREADS; i++) {
		void *rc;
		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_null(rc);
	}
	buf_free(&gb);
}

static void test_encoding_names(void **state)
{
	static const struct {
		const char *name;
		enum text_encoding enc;
	} cases[] = {
	    {"auto", TEXT_ENC_AUTO},       {"AUTO", TEXT_ENC_AUTO},
	    {"utf-8", TEXT_ENC_UTF8},      {"UTF-8", TEXT_ENC_UTF8},
	    {"utf8", TEXT_ENC_UTF8},       {"Utf8", TEXT_ENC_UTF8},
	    {"gb18030", TEXT_ENC_GB18030}, {"GB18030", TEXT_ENC_GB18030},
	    {"gbk", TEXT_ENC_GB18030},     {"GBK", TEXT_ENC_GB18030},
	    {"gb2312", TEXT_ENC_GB18030},  {"GB2312", TEXT_ENC_GB18030},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* start from an encoding other than the answer */
		enum text_encoding e =
		    cases[i].enc == TEXT_ENC_AUTO ? TEXT_ENC_GB18030 : TEXT_ENC_AUTO;
		assert_int_equal(text_encoding_parse(cases[i].name, &e), 0);
		assert_int_equal(e, cases[i].enc);
	}
	static const char *const bad[] = {"", "latin1", "utf-16", "gb", "utf-8 ", "big5", NULL};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum text_encoding e = TEXT_ENC_UTF8;
		assert_int_equal(text_encoding_parse(bad[i], &e), -1);
		assert_int_equal(e, TEXT_ENC_UTF8); /* untouched on failure */
	}
	assert_string_equal(text_encoding_name(TEXT_ENC_AUTO), "auto");
	assert_string_equal(text_encoding_name(TEXT_ENC_UTF8), "utf-8");
	assert_string_equal(text_encoding_name(TEXT_ENC_GB18030), "gb18030");
	/* Each name parses back to its encoding. */
	for (int e = TEXT_ENC_AUTO; e <= TEXT_ENC_GB18030; e++) {
		enum text_encoding back;
		assert_int_equal(text_encoding_parse(text_encoding_name(e), &back), 0);
		assert_int_equal(back, e);
	}
}

/* The outcome of one text_to_utf8 call. */
struct conv {
	int rc;
	const char *text;
	size_t len;
	enum text_encoding used;
	size_t bad_at;
};

static struct conv convert(const char *s, size_t n, enum text_encoding enc, struct buf *scratch)
{
	/* AUTO is never what text_to_utf8 reports using */
	struct conv c = {.text = NULL, .len = SIZE_MAX, .used = TEXT_ENC_AUTO, .bad_at = SIZE_MAX};
	c.rc = text_to_utf8(s, n, enc, scratch, &c.text, &c.len, &c.used, &c.bad_at);
	return c;
}

static void test_to_utf8_auto(void **state)
{
	struct buf scratch = {0};
	static const char utf8[] = "名称,地址\n" BOD_UTF8;
	struct conv c = convert(S(utf8), TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.used, TEXT_ENC_UTF8);
	assert_ptr_equal(c.text, utf8); /* no copy */
	assert_int_equal(c.len, sizeof utf8 - 1);
	assert_null(scratch.data);

	static const char bom[] = "\xEF\xBB\xBF" ZH_UTF8;
	c = convert(S(bom), TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.used, TEXT_ENC_UTF8);
	assert_ptr_equal(c.text, bom + 3);
	assert_int_equal(c.len, 6);

	/* Invalid UTF-8 after a BOM is an error in UTF-8, not a reason to try GB18030. */
	static const char bom_bad[] = "\xEF\xBB\xBF"
	                              "ab" ZH_GB;
	c = convert(S(bom_bad), TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.bad_at, 5);

	static const char gb[] = "uscc," ZH_GB "\n" BOD_GB;
	c = convert(S(gb), TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.used, TEXT_ENC_GB18030);
	assert_int_equal(c.len, strlen("uscc," ZH_UTF8 "\n" BOD_UTF8));
	assert_memory_equal(c.text, "uscc," ZH_UTF8 "\n" BOD_UTF8, c.len);
	assert_true(c.text >= scratch.data && c.text + c.len <= scratch.data + scratch.len);

	/* ASCII only is UTF-8. */
	c = convert(S("a,b\r\n"), TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.used, TEXT_ENC_UTF8);
	buf_free(&scratch);
}

static void test_to_utf8_auto_neither(void **state)
{
	struct buf scratch = {0};
	/* Bad as UTF-8 at 6 (FF) and as GB18030 at 6 too. */
	struct conv c = convert(S(ZH_UTF8 "\xFF"), TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.bad_at, 6);
	/* Bad as UTF-8 at 0, as GB18030 only at 5: the farther offset is reported. */
	c = convert(S(ZH_GB "x\x80"), TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.bad_at, 5);
	/* Bad as GB18030 at 2 (AD 7F is no GB18030 character), as UTF-8 only at 7. */
	c = convert(S("\xE4\xB8\xAD\x7F"
	              "abc\xC3"),
	            TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.bad_at, 7);
	/* A failed decode leaves nothing behind in scratch. */
	assert_true(scratch.len == 0);
	buf_free(&scratch);
}

static void test_to_utf8_explicit_utf8(void **state)
{
	struct buf scratch = {0};
	static const char bom[] = "\xEF\xBB\xBF"
	                          "a";
	struct conv c = convert(S(bom), TEXT_ENC_UTF8, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.used, TEXT_ENC_UTF8);
	assert_ptr_equal(c.text, bom + 3);
	assert_int_equal(c.len, 1);
	/* The offset of a bad byte counts the BOM: it is an offset in the input. */
	c = convert(S("\xEF\xBB\xBF"
	              "a\xFF"),
	            TEXT_ENC_UTF8, &scratch);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.bad_at, 4);
	/* GB18030 input is not decoded when UTF-8 was asked for. */
	c = convert(S(ZH_GB), TEXT_ENC_UTF8, &scratch);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.bad_at, 0);
	/* Only one BOM is dropped; a second is text (U+FEFF). */
	static const char two[] = "\xEF\xBB\xBF\xEF\xBB\xBF";
	c = convert(S(two), TEXT_ENC_UTF8, &scratch);
	assert_int_equal(c.rc, 0);
	assert_ptr_equal(c.text, two + 3);
	assert_int_equal(c.len, 3);
	assert_null(scratch.data);
	buf_free(&scratch);
}

static void test_to_utf8_explicit_gb18030(void **state)
{
	struct buf scratch = {0};
	struct conv c = convert(S(ZH_GB), TEXT_ENC_GB18030, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.used, TEXT_ENC_GB18030);
	assert_int_equal(c.len, 6);
	assert_memory_equal(c.text, ZH_UTF8, 6);

	/* GB18030's own byte order mark decodes to U+FEFF, which is dropped. */
	c = convert(S("\x84\x31\x95\x33" BOD_GB), TEXT_ENC_GB18030, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.len, sizeof BOD_UTF8 - 1);
	assert_memory_equal(c.text, BOD_UTF8, c.len);

	/* When GB18030 is asked for, text is decoded as GB18030 even if it is valid UTF-8. */
	c = convert(S(ZH_UTF8), TEXT_ENC_GB18030, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.used, TEXT_ENC_GB18030);
	assert_int_equal(c.len, 9);
	assert_memory_equal(c.text, "\xE6\xB6\x93\xEE\x85\x9F\xE6\x9E\x83", 9);

	c = convert(S("ok\xFF"), TEXT_ENC_GB18030, &scratch);
	assert_int_equal(c.rc, -1);
	assert_int_equal(c.bad_at, 2);
	buf_free(&scratch);
}

static void test_to_utf8_scratch_appends(void **state)
{
	/* Decoded text goes after what scratch already holds, which is left alone. */
	struct buf scratch = {0};
	buf_puts(&scratch, "earlier");
	struct conv c = convert(S(ZH_GB), TEXT_ENC_GB18030, &scratch);
	assert_int_equal(c.rc, 0);
	assert_ptr_equal(c.text, scratch.data + 7);
	assert_memory_equal(scratch.data, "earlier" ZH_UTF8, 13);
	buf_free(&scratch);
}

static void test_to_utf8_empty(void **state)
{
	struct buf scratch = {0};
	for (int e = TEXT_ENC_AUTO; e <= TEXT_ENC_GB18030; e++) {
		struct conv c = convert(S(""), (enum text_encoding)e, &scratch);
		assert_int_equal(c.rc, 0);
		assert_int_equal(c.len, 0);
		assert_int_equal(c.used, e == TEXT_ENC_GB18030 ? TEXT_ENC_GB18030 : TEXT_ENC_UTF8);
	}
	struct conv c = convert(S("\xEF\xBB\xBF"), TEXT_ENC_AUTO, &scratch);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.len, 0);
	assert_int_equal(c.used, TEXT_ENC_UTF8);
	buf_free(&scratch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_utf8_invalid),
	    cmocka_unit_test(test_utf8_fast_path_positions),
	    cmocka_unit_test(test_utf8_matches_reference),
	    cmocka_unit_test(test_utf8_count),
	    cmocka_unit_test(test_gb18030_decode),
	    cmocka_unit_test(test_gb18030_tibetan_and_chinese_via_iconv),
	    cmocka_unit_test(test_gb18030_large_input_chunks),
	    cmocka_unit_test(test_gb18030_errors),
	    cmocka_unit_test(test_gb18030_appends),
	    cmocka_unit_test(test_gb18030_threads),
	    cmocka_unit_test(test_encoding_names),
	    cmocka_unit_test(test_to_utf8_auto),
	    cmocka_unit_test(test_to_utf8_auto_neither),
	    cmocka_unit_test(test_to_utf8_explicit_utf8),
	    cmocka_unit_test(test_to_utf8_explicit_gb18030),
	    cmocka_unit_test(test_to_utf8_scratch_appends),
	    cmocka_unit_test(test_to_utf8_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Text at the edge (see textenc.h): a strict UTF-8 validator fast enough to run over whole
 * import files, code point counting, and GB18030 decoding through glibc's iconv. Nothing here
 * repairs text: bad bytes are reported by offset and the caller decides what to tell the user.
 */
#include "textenc.h"

#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* Bytes of UTF-8 iconv may write per call before we grow the buffer again. */
#define TEXT_ICONV_CHUNK (64u * 1024u)

/* The UTF-8 encoding of U+FEFF, the byte order mark. */
static const char UTF8_BOM[] = "\xEF\xBB\xBF";
#define UTF8_BOM_LEN 3

/* The high bit of each of the 8 bytes of a word: set in any byte that is not ASCII. */
#define WORD_HIGH_BITS UINT64_C(0x8080808080808080)
#define WORD_BYTES     8

static inline uint64_t load_word(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w); /* unaligned-safe; compiles to one load */
	return w;
}

static inline int is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Returns the offset of the first non-ASCII byte of p[i..n), or n. */
static inline size_t utf8_skip_ascii(const unsigned char *p, size_t i, size_t n)
{
	/* Two words per step while it lasts: long ASCII runs are common even in Chinese files. */
	while (n - i >= 2 * WORD_BYTES &&
	       ((load_word(p + i) | load_word(p + i + WORD_BYTES)) & WORD_HIGH_BITS) == 0)
		i += 2 * WORD_BYTES;
	while (n - i >= WORD_BYTES && (load_word(p + i) & WORD_HIGH_BITS) == 0)
		i += WORD_BYTES;
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

/*
 * The ranges follow Table 3-7 of the Unicode Standard ("Well-Formed UTF-8 Byte Sequences"):
 * restricting the second byte after E0, ED, F0 and F4 is what rules out overlong forms,
 * surrogates and code points above U+10FFFF without decoding the code point.
 */
ssize_t utf8_invalid_at(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	for (;;) {
		i = utf8_skip_ascii(p, i, n);
		if (i == n)
			return -1;
		unsigned char c = p[i];
		size_t left = n - i;
		unsigned char lo = 0x80; /* range of the second byte */
		unsigned char hi = 0xBF;
		if (c < 0xC2) /* a stray continuation byte, or C0/C1 (always overlong) */
			return (ssize_t)i;
		if (c < 0xE0) {
			if (left < 2 || !is_continuation(p[i + 1]))
				return (ssize_t)i;
			i += 2;
			continue;
		}
		if (c < 0xF0) {
			if (c == 0xE0)
				lo = 0xA0; /* E0 80..9F would be overlong */
			else if (c == 0xED)
				hi = 0x9F; /* ED A0..BF would be surrogates */
			if (left < 3 || p[i + 1] < lo || p[i + 1] > hi ||
			    !is_continuation(p[i + 2]))
				return (ssize_t)i;
			i += 3;
			continue;
		}
		if (c < 0xF5) {
			if (c == 0xF0)
				lo = 0x90; /* F0 80..8F would be overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* F4 90.. would be above U+10FFFF */
			if (left < 4 || p[i + 1] < lo || p[i + 1] > hi ||
			    !is_continuation(p[i + 2]) || !is_continuation(p[i + 3]))
				return (ssize_t)i;
			i += 4;
			continue;
		}
		return (ssize_t)i; /* F5..FF never occur in UTF-8 */
	}
}

size_t utf8_count(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += !is_continuation(p[i]);
	return count;
}

int text_gb18030_to_utf8(const char *s, size_t n, struct buf *out, size_t *bad_at)
{
	/* One descriptor per call: an iconv_t carries conversion state and must not be shared. */
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1) {
		/* glibc always has GB18030; without it nothing can be decoded. */
		*bad_at = 0;
		return -1;
	}
	int rc = 0;
	char *in = (char *)s; /* iconv's prototype is not const-correct; it does not write */
	size_t in_left = n;
	while (in_left > 0) {
		buf_reserve(out, TEXT_ICONV_CHUNK);
		char *o = out->data + out->len;
		size_t o_left = out->cap - out->len - 1; /* keep room for the NUL */
		size_t r = iconv(cd, &in, &in_left, &o, &o_left);
		out->len = (size_t)(o - out->data);
		if (r != (size_t)-1)
			continue;
		if (errno == E2BIG)
			continue;
		/* EILSEQ: invalid sequence; EINVAL: a sequence cut off by the end of input. */
		*bad_at = (size_t)(in - s);
		rc = -1;
		break;
	}
	if (out->data != NULL)
		out->data[out->len] = '\0';
	iconv_close(cd);
	return rc;
}

/* Names a user may give, each with the encoding it means. */
static const struct {
	const char *name;
	enum text_encoding enc;
} TEXT_ENCODING_NAMES[] = {
    {"auto", TEXT_ENC_AUTO},       {"utf-8", TEXT_ENC_UTF8},  {"utf8", TEXT_ENC_UTF8},
    {"gb18030", TEXT_ENC_GB18030}, {"gbk", TEXT_ENC_GB18030}, {"gb2312", TEXT_ENC_GB18030},
};

int text_encoding_parse(const char *name, enum text_encoding *out)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof TEXT_ENCODING_NAMES / sizeof TEXT_ENCODING_NAMES[0]; i++) {
		if (strcasecmp(name, TEXT_ENCODING_NAMES[i].name) == 0) {
			*out = TEXT_ENCODING_NAMES[i].enc;
			return 0;
		}
	}
	return -1;
}

const char *text_encoding_name(enum text_encoding e)
{
	switch (e) {
	case TEXT_ENC_UTF8:
		return "utf-8";
	case TEXT_ENC_GB18030:
		return "gb18030";
	case TEXT_ENC_AUTO:
	default:
		return "auto";
	}
}

static int has_utf8_bom(const char *s, size_t n)
{
	return n >= UTF8_BOM_LEN && memcmp(s, UTF8_BOM, UTF8_BOM_LEN) == 0;
}

/*
 * Decodes s[0..n) as GB18030 onto the end of *scratch. A GB18030 byte order mark (84 31 95 33)
 * decodes to U+FEFF, which is dropped like the UTF-8 one, so the text never starts with it.
 */
static int text_decode_gb18030(const char *s, size_t n, struct buf *scratch, const char **text,
                               size_t *text_len, size_t *bad_at)
{
	size_t start = scratch->len;
	if (text_gb18030_to_utf8(s, n, scratch, bad_at) != 0) {
		scratch->len = start;
		if (scratch->data != NULL)
			scratch->data[start] = '\0';
		return -1;
	}
	if (scratch->len == start) {
		*text = s; /* nothing decoded: any valid pointer will do */
		*text_len = 0;
		return 0;
	}
	if (has_utf8_bom(scratch->data + start, scratch->len - start))
		start += UTF8_BOM_LEN;
	*text = scratch->data + start;
	*text_len = scratch->len - start;
	return 0;
}

/*
 * With AUTO and bytes that are neither valid UTF-8 nor valid GB18030, the offset reported is the
 * farther of the two: the encoding that got further is the likelier one the file was meant in.
 * Decoded GB18030 is appended to *scratch, so text already there stays where it was.
 */
int text_to_utf8(const char *s, size_t n, enum text_encoding enc, struct buf *scratch,
                 const char **text, size_t *text_len, enum text_encoding *used, size_t *bad_at)
{
	assert(n == 0 || s != NULL);
	size_t skip = 0;
	const char *body = s; /* s without its byte order mark */
	if (enc != TEXT_ENC_GB18030 && has_utf8_bom(s, n)) {
		enc = TEXT_ENC_UTF8;
		skip = UTF8_BOM_LEN;
		body += UTF8_BOM_LEN;
	}
	switch (enc) {
	case TEXT_ENC_UTF8: {
		ssize_t bad = utf8_invalid_at(body, n - skip);
		if (bad >= 0) {
			*bad_at = skip + (size_t)bad;
			return -1;
		}
		*text = body;
		*text_len = n - skip;
		*used = TEXT_ENC_UTF8;
		return 0;
	}
	case TEXT_ENC_GB18030:
		if (text_decode_gb18030(s, n, scratch, text, text_len, bad_at) != 0)
			return -1;
		*used = TEXT_ENC_GB18030;
		return 0;
	case TEXT_ENC_AUTO: {
		ssize_t bad = utf8_invalid_at(s, n);
		if (bad < 0) {
			*text = s;
			*text_len = n;
			*used = TEXT_ENC_UTF8;
			return 0;
		}
		size_t gb_bad;
		if (text_decode_gb18030(s, n, scratch, text, text_len, &gb_bad) != 0) {
			*bad_at = gb_bad > (size_t)bad ? gb_bad : (size_t)bad;
			return -1;
		}
		*used = TEXT_ENC_GB18030;
		return 0;
	}
	}
	*bad_at = 0; /* not one of the encodings */
	return -1;
}

int utf8_has_control(const char *s, size_t n, int flags)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t' && (flags & UTF8_ALLOW_TAB))
			continue;
		if ((c == '\n' || c == '\r') && (flags & UTF8_ALLOW_BREAKS))
			continue;
		if (c < 0x20 || c == 0x7f)
			return 1;
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0)
			return 1; /* U+0080-U+009F are C2 80 - C2 9F */
	}
	return 0;
}

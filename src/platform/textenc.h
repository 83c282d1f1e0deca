/*
 * Text at the edge: UTF-8 validation and counting, and decoding of GB18030 (what Chinese
 * spreadsheet programs export) into UTF-8. Everything stored is UTF-8; nothing is repaired
 * silently: invalid input is reported with the byte offset where it goes wrong.
 */
#ifndef JZ_TEXTENC_H
#define JZ_TEXTENC_H

#include <stddef.h>
#include <sys/types.h>

#include "mem.h"

enum text_encoding {
	TEXT_ENC_AUTO = 0, /* UTF-8 if the bytes are valid UTF-8, else GB18030 */
	TEXT_ENC_UTF8,
	TEXT_ENC_GB18030,
};

/*
 * Returns -1 if s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF), else the byte offset of the first byte of the first ill-formed sequence.
 * NUL bytes are valid UTF-8 here; callers that forbid them check separately.
 */
ssize_t utf8_invalid_at(const char *s, size_t n);

enum {
	UTF8_ALLOW_TAB = 1 << 0,    /* TAB is not counted as a control character */
	UTF8_ALLOW_BREAKS = 1 << 1, /* nor are LF and CR */
};

/*
 * 1 if s[0..n) (valid UTF-8) holds a control character: C0 (U+0000-U+001F, less what flags
 * allow), DEL, or C1 (U+0080-U+009F); else 0. The one definition of "no control characters"
 * for every text that comes in.
 */
int utf8_has_control(const char *s, size_t n, int flags);

/* Number of code points in s[0..n), which must be valid UTF-8. */
size_t utf8_count(const char *s, size_t n);

/*
 * Decodes GB18030 bytes s[0..n) into UTF-8 appended to *out. Returns 0 on success; on bytes that
 * are not valid GB18030 returns -1, sets *bad_at to the offset of the first bad byte and
 * leaves *out with what was decoded before it. Uses iconv; safe to call from many threads.
 */
int text_gb18030_to_utf8(const char *s, size_t n, struct buf *out, size_t *bad_at);

/*
 * Parses an encoding name as given by a user ("auto", "utf-8", "utf8", "gb18030", "gbk",
 * "gb2312", case-insensitive; GBK and GB2312 are subsets of GB18030). Returns 0 or -1.
 */
int text_encoding_parse(const char *name, enum text_encoding *out);

/* "auto", "utf-8" or "gb18030". */
const char *text_encoding_name(enum text_encoding e);

/*
 * Brings s[0..n) into UTF-8 by the given encoding: with AUTO, a leading UTF-8 byte order mark or
 * valid UTF-8 means UTF-8, anything else is decoded as GB18030. A leading UTF-8 BOM is dropped.
 * On success returns 0, sets *used to the encoding found and points *text and *text_len either into
 * s (no copy needed) or into *scratch (which the caller frees with buf_free). On failure returns
 * -1 and sets *bad_at to the byte offset (in s) of the first undecodable byte.
 */
int text_to_utf8(const char *s, size_t n, enum text_encoding enc, struct buf *scratch,
                 const char **text, size_t *text_len, enum text_encoding *used, size_t *bad_at);

#endif

/*
 * CSV reader and writer (see csv.h). The reader is zero-copy wherever it can be: unquoted
 * fields, and quoted fields without doubled quotes, point straight into the input; only a
 * quoted field with "" in it is unescaped into the reader's buffer. Unquoted text is scanned
 * a word at a time, quoted text with memchr, because imports run to millions of rows.
 */
#include "csv.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

static const char CSV_ERR_UNTERMINATED[] = "unterminated quoted field";
static const char CSV_ERR_QUOTE_IN_FIELD[] = "quote inside unquoted field";
static const char CSV_ERR_AFTER_QUOTE[] = "text after closing quote";
static const char CSV_ERR_TOO_MANY_FIELDS[] = "too many fields";
static const char CSV_ERR_TOO_LONG[] = "record too long";
static const char CSV_ERR_BARE_CR[] = "bare carriage return";

/* The bytes that end an unquoted field or make it wrong, so the writer quotes fields with them. */
static const unsigned char CSV_SPECIAL[256] = {[','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1};

/* One more than the largest special byte (',' is 0x2C): the word test looks for bytes below it. */
#define CSV_SPECIAL_BOUND 0x2D
#define WORD_BYTES        8
#define WORD_ONES         UINT64_C(0x0101010101010101)
#define WORD_HIGH_BITS    UINT64_C(0x8080808080808080)

/* Bytes of the line terminators. */
#define CSV_CRLF_LEN 2

static inline uint64_t load_word(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/*
 * Returns the first special byte in p[0..lim), or lim. A word holding no byte below
 * CSV_SPECIAL_BOUND is skipped whole (the classic "has a byte less than n" test; it may flag
 * extra bytes above a real one, never miss one), so only words with spaces, punctuation or
 * control bytes are looked at byte by byte.
 */
static const char *csv_scan_unquoted(const char *p, const char *lim)
{
	while (lim - p >= WORD_BYTES) {
		uint64_t w = load_word(p);
		uint64_t low = (w - WORD_ONES * CSV_SPECIAL_BOUND) & ~w & WORD_HIGH_BITS;
		if (low != 0) {
			for (const char *stop = p + WORD_BYTES; p < stop; p++)
				if (CSV_SPECIAL[(unsigned char)*p])
					return p;
			continue;
		}
		p += WORD_BYTES;
	}
	while (p < lim && !CSV_SPECIAL[(unsigned char)*p])
		p++;
	return p;
}

/* Number of LF bytes in p[0..e). */
static size_t csv_count_lf(const char *p, const char *e)
{
	size_t count = 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			break;
		count++;
		p = nl + 1;
	}
	return count;
}

/*
 * Skips empty lines (LF or CRLF alone), counting them. Called after every record as well as
 * before, so that r->line is the line of the record the next csv_read will return: an importer
 * notes r->line before each call to name the line of a record it rejects for its content.
 */
static void csv_skip_empty_lines(struct csv_reader *r)
{
	const char *p = r->p;
	const char *end = r->end;
	for (;;) {
		if (p < end && *p == '\n') {
			p++;
		} else if (end - p >= CSV_CRLF_LEN && p[0] == '\r' && p[1] == '\n') {
			p += CSV_CRLF_LEN;
		} else {
			break;
		}
		r->line++;
	}
	r->p = p;
}

void csv_reader_init(struct csv_reader *r, const char *s, size_t n)
{
	r->p = s;
	r->end = n ? s + n : s; /* NULL + 0 is undefined in C */
	r->line = 1;
	r->record = 0;
	r->unq = (struct buf){0};
	csv_skip_empty_lines(r);
}

void csv_reader_free(struct csv_reader *r)
{
	buf_free(&r->unq);
}

/*
 * How one record is read: [start, lim) is the window the record must end in (CSV_MAX_RECORD
 * bytes, not counting its line break). Fields unescaped into r->unq are noted by offset and get
 * their pointers only when the record is complete, since appending may move r->unq.
 * On an error the reader skips from the point of the error to the next LF; an unterminated
 * quoted field instead runs to the end of input, so nothing after it can be read.
 */
int csv_read(struct csv_reader *r, const struct csv_field **fields, size_t *nfields,
             struct csv_error *err)
{
	csv_skip_empty_lines(r);
	const char *p = r->p;
	const char *end = r->end;
	if (p == end)
		return 0;

	const char *start = p;
	const char *lim = (size_t)(end - start) > CSV_MAX_RECORD ? start + CSV_MAX_RECORD : end;
	struct csv_field *f = r->fields;
	size_t nf = 0;
	size_t nl = 0; /* LFs inside quoted fields of this record so far */
	struct {
		uint16_t field; /* index into r->fields */
		size_t off;     /* where its bytes start in r->unq */
	} unq[CSV_MAX_FIELDS];
	size_t nunq = 0;
	const char *msg;
	const char *bad; /* where the error was seen; recovery skips on from here */

	r->record++;
	for (;;) {
		if (nf == CSV_MAX_FIELDS) {
			msg = CSV_ERR_TOO_MANY_FIELDS;
			bad = p;
			goto fail;
		}
		if (p < end && *p == '"') {
			const char *open = p;
			const char *q = p + 1; /* where to look for the next quote */
			const char *seg = q;   /* start of text not yet copied to r->unq */
			size_t off = SIZE_MAX; /* offset in r->unq once the field is copied */
			const char *e;
			for (;;) {
				e = q < lim ? memchr(q, '"', (size_t)(lim - q)) : NULL;
				if (e == NULL) {
					nl += csv_count_lf(open + 1, lim);
					msg = lim == end ? CSV_ERR_UNTERMINATED : CSV_ERR_TOO_LONG;
					bad = lim;
					goto fail;
				}
				if (e + 1 == end || e[1] != '"')
					break;
				/* A doubled quote: this field must be unescaped after all. */
				if (off == SIZE_MAX) {
					if (nunq == 0)
						buf_reset(&r->unq);
					off = r->unq.len;
				}
				buf_append(&r->unq, seg, (size_t)(e + 1 - seg));
				seg = q = e + 2;
			}
			nl += csv_count_lf(open + 1, e);
			if (off == SIZE_MAX) {
				f[nf].s = open + 1;
				f[nf].n = (size_t)(e - (open + 1));
			} else {
				buf_append(&r->unq, seg, (size_t)(e - seg));
				f[nf].s = NULL; /* set when the record is complete */
				f[nf].n = r->unq.len - off;
				unq[nunq].field = (uint16_t)nf;
				unq[nunq].off = off;
				nunq++;
			}
			nf++;
			p = e + 1;
			if (p == end)
				goto done;
			if (*p == ',') {
				if (p >= lim) {
					msg = CSV_ERR_TOO_LONG;
					bad = p;
					goto fail;
				}
				p++;
				continue;
			}
			if (*p == '\n' || *p == '\r')
				goto line_end;
			msg = CSV_ERR_AFTER_QUOTE;
			bad = p;
			goto fail;
		}

		const char *e = csv_scan_unquoted(p, lim);
		f[nf].s = p;
		f[nf].n = (size_t)(e - p);
		nf++;
		p = e;
		if (p == end)
			goto done;
		if (*p == '\n' || *p == '\r')
			goto line_end;
		if (p == lim) {
			msg = CSV_ERR_TOO_LONG;
			bad = p;
			goto fail;
		}
		if (*p == '"') {
			msg = CSV_ERR_QUOTE_IN_FIELD;
			bad = p;
			goto fail;
		}
		assert(*p == ',');
		p++;
	}

line_end:
	if (*p == '\r') {
		if (end - p < CSV_CRLF_LEN || p[1] != '\n') {
			msg = CSV_ERR_BARE_CR;
			bad = p;
			goto fail;
		}
		p++;
	}
	p++; /* the LF */
	nl++;
done:
	for (size_t i = 0; i < nunq; i++)
		f[unq[i].field].s = r->unq.data + unq[i].off;
	r->p = p;
	r->line += nl;
	csv_skip_empty_lines(r);
	*fields = f;
	*nfields = nf;
	return 1;

fail:
	err->line = r->line;
	err->record = r->record;
	err->message = msg;
	if (bad < end) {
		const char *next = memchr(bad, '\n', (size_t)(end - bad));
		if (next != NULL) {
			nl++;
			bad = next + 1;
		} else {
			bad = end;
		}
	}
	r->p = bad;
	r->line += nl;
	csv_skip_empty_lines(r);
	return -1;
}

/*
 * Leading and trailing spaces are quoted too: many readers (and spreadsheet programs) trim
 * them from unquoted fields, and a record must read back as it was written.
 */
void csv_write_field(struct buf *b, const char *s, size_t n)
{
	int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
	for (size_t i = 0; i < n && !quote; i++)
		quote = CSV_SPECIAL[(unsigned char)s[i]];
	if (!quote) {
		buf_append(b, s, n);
		return;
	}
	buf_reserve(b, n + 2);
	buf_putc(b, '"');
	const char *p = s;
	const char *e = s + n;
	for (;;) {
		const char *qt = memchr(p, '"', (size_t)(e - p));
		if (qt == NULL)
			break;
		buf_append(b, p, (size_t)(qt + 1 - p));
		buf_putc(b, '"');
		p = qt + 1;
	}
	buf_append(b, p, (size_t)(e - p));
	buf_putc(b, '"');
}

/*
 * CSV as in RFC 4180, read from memory and written to a buffer. The reader is strict: a quote
 * inside an unquoted field, text after a closing quote, or a quoted field still open at the end
 * of input are errors that name the line. It recovers after an error by skipping to the next
 * line break, so an importer can report every bad record and go on.
 *
 * Why our own and not libcsv: libcsv's last release is from 2013 and it reports neither where
 * an error is nor which record it spoiled; an importer of legal records must say both.
 */
#ifndef JZ_CSV_H
#define JZ_CSV_H

#include <stddef.h>

#include "mem.h"

#define CSV_MAX_FIELDS 256        /* a record with more fields is an error */
#define CSV_MAX_RECORD (1u << 20) /* bytes in one record; a longer one is an error */

/* One field of the current record; s points into the input or into the reader's storage. */
struct csv_field {
	const char *s; /* not NUL-terminated */
	size_t n;      /* length in bytes */
};

struct csv_reader {
	const char *p;   /* next byte to read */
	const char *end; /* end of the input */
	size_t line;     /* 1-based line number where the next record starts */
	size_t record;   /* 1-based number of the record last returned (the header is 1) */
	struct buf unq;  /* storage for unquoted copies of quoted fields */
	struct csv_field fields[CSV_MAX_FIELDS]; /* fields of the current record */
};

struct csv_error {
	size_t line;         /* line where the bad record starts */
	size_t record;       /* number of the bad record */
	const char *message; /* static English text, e.g. "unterminated quoted field" */
};

/* Starts reading s[0..n), which must stay alive while the reader is used. */
void csv_reader_init(struct csv_reader *r, const char *s, size_t n);
void csv_reader_free(struct csv_reader *r);

/*
 * Reads the next record. Returns 1 and sets *fields (valid until the next call) and *nfields;
 * 0 at the end of input; -1 on a malformed record, with *err filled in, after which the
 * reader has skipped to the next line and may be called again. Accepts LF and CRLF line ends.
 * A line that is entirely empty is skipped, not returned as a record with one empty field.
 */
int csv_read(struct csv_reader *r, const struct csv_field **fields, size_t *nfields,
             struct csv_error *err);

/* Appends s[0..n) to b as one CSV field, quoted when it contains , " CR or LF. */
void csv_write_field(struct buf *b, const char *s, size_t n);

#endif

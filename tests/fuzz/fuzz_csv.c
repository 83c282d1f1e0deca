/*
 * Fuzz target for the CSV reader and writer (src/platform/csv.c). For any input the reader
 * must terminate, advancing on every call; every field it returns must lie in the input or in
 * the reader's own storage; r.line must always be one more than the LFs consumed; and every
 * record it accepts, written back with csv_write_field, must read back as the same fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the process with a message: libFuzzer and the replayer both report the input. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_csv: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static size_t count_lf(const char *p, const char *end)
{
	size_t n = 0;
	for (; p < end; p++)
		n += *p == '\n';
	return n;
}

static int inside(const char *s, size_t n, const char *lo, size_t len)
{
	return lo != NULL && s >= lo && n <= len && (size_t)(s - lo) <= len - n;
}

/* Writes the record out and reads it back; it must come back field for field. */
static void check_round_trip(const struct csv_field *f, size_t nf)
{
	struct buf out = {0};
	if (nf == 1 && f[0].n == 0) {
		buf_puts(&out, "\"\""); /* an empty line would be skipped, not read as one field */
	} else {
		for (size_t i = 0; i < nf; i++) {
			if (i)
				buf_putc(&out, ',');
			csv_write_field(&out, f[i].s, f[i].n);
		}
	}
	buf_puts(&out, "\r\n");
	if (out.len > CSV_MAX_RECORD) { /* quoting may push a record over the limit */
		buf_free(&out);
		return;
	}
	struct csv_reader r;
	csv_reader_init(&r, out.data, out.len);
	const struct csv_field *g;
	size_t ng;
	struct csv_error err;
	CHECK(csv_read(&r, &g, &ng, &err) == 1);
	CHECK(ng == nf);
	for (size_t i = 0; i < nf; i++)
		CHECK(g[i].n == f[i].n && memcmp(g[i].s, f[i].s, f[i].n) == 0);
	CHECK(csv_read(&r, &g, &ng, &err) == 0);
	csv_reader_free(&r);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct csv_reader r;
	csv_reader_init(&r, in, size);
	const char *end = size ? in + size : in;
	size_t lines = 1 + count_lf(in, r.p); /* counted as the reader moves, to stay linear */
	CHECK(r.line == lines);

	/* Every call but the last consumes at least one byte. */
	for (size_t calls = 0;; calls++) {
		CHECK(calls <= size + 1);
		const char *before = r.p;
		size_t line = r.line;
		size_t record = r.record;
		const struct csv_field *f = NULL;
		size_t nf = 0;
		struct csv_error err = {0};
		int rc = csv_read(&r, &f, &nf, &err);
		CHECK(rc == 1 || rc == 0 || rc == -1);
		CHECK(r.p >= before && r.p <= end);
		lines += count_lf(before, r.p);
		CHECK(r.line == lines);
		if (rc == 0) {
			CHECK(r.p == end);
			CHECK(r.record == record);
			break;
		}
		CHECK(r.p > before);
		CHECK(r.record == record + 1);
		if (rc < 0) {
			CHECK(err.message != NULL && err.message[0] != '\0');
			CHECK(err.line == line);
			CHECK(err.record == r.record);
			continue;
		}
		CHECK(f == r.fields);
		CHECK(nf >= 1 && nf <= CSV_MAX_FIELDS);
		size_t total = 0;
		for (size_t i = 0; i < nf; i++) {
			CHECK(inside(f[i].s, f[i].n, in, size) ||
			      inside(f[i].s, f[i].n, r.unq.data, r.unq.len));
			total += f[i].n;
		}
		CHECK(total <= CSV_MAX_RECORD);
		check_round_trip(f, nf);
	}
	csv_reader_free(&r);
	return 0;
}

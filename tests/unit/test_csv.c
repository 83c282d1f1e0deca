/*
 * Unit tests of the CSV reader and writer (src/platform/csv.c): every rule and every error of
 * csv.h, with the line and record numbers an importer reports, and the reader's recovery.
 * Most tests run a whole input through the reader and compare a transcript of what it returned:
 * "<line>#<record>[field][field]" for a record, "E<line>#<record>(<message>)" for an error,
 * separated by spaces, where <line> is r.line before the call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/csv.h"

/* Upper bound on calls per input, so a reader that stopped advancing fails instead of hanging. */
#define TRANSCRIPT_MAX_CALLS 10000

/* Returns the transcript of reading in[0..n); the caller frees it. */
static char *transcript_n(const char *in, size_t n)
{
	struct csv_reader r;
	struct buf out = {0};
	csv_reader_init(&r, in, n);
	for (int calls = 0;; calls++) {
		assert_true(calls < TRANSCRIPT_MAX_CALLS);
		const struct csv_field *f;
		size_t nf = 0;
		struct csv_error err;
		size_t line = r.line;
		int rc = csv_read(&r, &f, &nf, &err);
		if (rc == 0)
			break;
		if (out.len)
			buf_putc(&out, ' ');
		if (rc < 0) {
			assert_int_equal(rc, -1);
			assert_int_equal(err.line, line);
			assert_int_equal(err.record, r.record);
			buf_printf(&out, "E%zu#%zu(%s)", err.line, err.record, err.message);
			continue;
		}
		assert_int_equal(rc, 1);
		assert_true(nf >= 1 && nf <= CSV_MAX_FIELDS);
		buf_printf(&out, "%zu#%zu", line, r.record);
		for (size_t i = 0; i < nf; i++) {
			buf_putc(&out, '[');
			buf_append(&out, f[i].s, f[i].n);
			buf_putc(&out, ']');
		}
	}
	/* The end is sticky. */
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), 0);
	assert_ptr_equal(r.p, r.end);
	csv_reader_free(&r);
	return buf_steal(&out, NULL);
}

static void check(const char *in, const char *expected)
{
	char *got = transcript_n(in, strlen(in));
	assert_string_equal(got, expected);
	free(got);
}

static void test_simple_lf(void **state)
{
	check("a,b,c\n1,2,3\n", "1#1[a][b][c] 2#2[1][2][3]");
	check("x\n", "1#1[x]");
}

static void test_crlf(void **state)
{
	check("a,b\r\n1,2\r\n", "1#1[a][b] 2#2[1][2]");
	check("a,b\r\n1,2\n3,4\r\n", "1#1[a][b] 2#2[1][2] 3#3[3][4]");
}

static void test_final_record_without_newline(void **state)
{
	check("a,b\n1,2", "1#1[a][b] 2#2[1][2]");
	check("\"q\"", "1#1[q]");
	check("a,", "1#1[a][]");
}

static void test_empty_input(void **state)
{
	check("", "");
	check("\n", "");
	check("\r\n\n\r\n", "");
}

static void test_empty_lines_skipped(void **state)
{
	check("\n\na\n\nb\r\n\r\nc\n\n", "3#1[a] 5#2[b] 7#3[c]");
}

static void test_line_is_next_record_after_read(void **state)
{
	/* r.line names the record the next call returns, even across empty lines. */
	const char *in = "\n\nh\n\n\nx\n";
	struct csv_reader r;
	csv_reader_init(&r, in, strlen(in));
	assert_int_equal(r.line, 3);
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(r.line, 6);
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(r.line, 7);
	assert_int_equal(csv_read(&r, &f, &nf, &err), 0);
	csv_reader_free(&r);
}

static void test_empty_fields(void **state)
{
	check(",\n", "1#1[][]");
	check(",a\n", "1#1[][a]");
	check("a,,b\n", "1#1[a][][b]");
	check("\"\"\n", "1#1[]");
	check("\"\",\"\"\n", "1#1[][]");
	check(",,\r\n", "1#1[][][]");
}

static void test_spaces_are_kept(void **state)
{
	check(" a , b \n", "1#1[ a ][ b ]");
	check(" \n", "1#1[ ]");
	check("\" a \"\n", "1#1[ a ]");
}

static void test_quoted_fields(void **state)
{
	check("\"a,b\",c\n", "1#1[a,b][c]");
	check("\"say \"\"hi\"\"\",x\n", "1#1[say \"hi\"][x]");
	check("\"\"\"\"\n", "1#1[\"]");
	check("\"\"\"\"\"\"\n", "1#1[\"\"]");
	check("\"a\"\"\",\"\"\"b\"\n", "1#1[a\"][\"b]");
}

static void test_quoted_line_breaks_count(void **state)
{
	check("\"a\nb\",c\nd\n", "1#1[a\nb][c] 3#2[d]");
	check("\"a\r\nb\r\n\"\r\nd\r\n", "1#1[a\r\nb\r\n] 4#2[d]");
	check("x,\"1\n2\n3\",\"4\n5\"\ny\n", "1#1[x][1\n2\n3][4\n5] 5#2[y]");
	/* A CR alone is ordinary text inside quotes. */
	check("\"a\rb\"\n", "1#1[a\rb]");
}

static void test_multibyte(void **state)
{
	check("统一社会信用代码,名称\n91540100MA6T1234X5,拉萨市电梯有限公司\n",
	      "1#1[统一社会信用代码][名称] 2#2[91540100MA6T1234X5][拉萨市电梯有限公司]");
	check("\"བོད་ལྗོངས་, 拉萨\",\"“引号”\"\"\"\n", "1#1[བོད་ལྗོངས་, 拉萨][“引号”\"]");
	/* GB18030 passes through: , " CR LF never occur inside a GB18030 character. */
	check("\xD6\xD0\xCE\xC4,\x81\x30\x81\x30\n", "1#1[\xD6\xD0\xCE\xC4][\x81\x30\x81\x30]");
}

static void test_bom_is_not_removed(void **state)
{
	/* The reader takes bytes as given: text_to_utf8 drops the byte order mark first. */
	check("\xEF\xBB\xBF"
	      "a,b\n",
	      "1#1[\xEF\xBB\xBF"
	      "a][b]");
}

static void test_nul_bytes(void **state)
{
	static const char in[] = "a\0b,\"c\0\"\n";
	char *got = transcript_n(in, sizeof in - 1);
	static const char expected[] = "1#1[a\0b][c\0]";
	assert_memory_equal(got, expected, sizeof expected);
	free(got);
}

static void test_zero_copy(void **state)
{
	const char *in = "plain,\"quoted\",\"esc\"\"aped\"\n";
	struct csv_reader r;
	csv_reader_init(&r, in, strlen(in));
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(nf, 3);
	assert_ptr_equal(f[0].s, in);
	assert_ptr_equal(f[1].s, in + 7);
	assert_int_equal(f[1].n, 6);
	/* Only the field with a doubled quote is copied, into the reader's storage. */
	assert_true(f[2].s >= r.unq.data && f[2].s + f[2].n <= r.unq.data + r.unq.len);
	assert_memory_equal(f[2].s, "esc\"aped", 8);
	csv_reader_free(&r);
}

/* Many escaped fields in one record make r.unq grow (and move) while the record is read. */
static void test_unescaped_storage_moves(void **state)
{
	enum { NFIELDS = 200, FIELD_BYTES = 1000 };
	struct buf in = {0};
	for (int i = 0; i < NFIELDS; i++) {
		if (i)
			buf_putc(&in, ',');
		buf_putc(&in, '"');
		for (int j = 0; j < FIELD_BYTES; j++)
			buf_puts(&in,
			         j % 10 == 0 ? "\"\"" : (char[]){(char)('a' + (i + j) % 26), 0});
		buf_putc(&in, '"');
	}
	buf_puts(&in, "\nnext\n");
	struct csv_reader r;
	csv_reader_init(&r, in.data, in.len);
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(nf, NFIELDS);
	for (int i = 0; i < NFIELDS; i++) {
		assert_int_equal(f[i].n, FIELD_BYTES);
		assert_true(f[i].s >= r.unq.data && f[i].s + f[i].n <= r.unq.data + r.unq.len);
		for (int j = 0; j < FIELD_BYTES; j++)
			assert_int_equal(f[i].s[j], j % 10 == 0 ? '"' : 'a' + (i + j) % 26);
	}
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(nf, 1);
	assert_memory_equal(f[0].s, "next", 4);
	csv_reader_free(&r);
	buf_free(&in);
}

static void test_error_unterminated(void **state)
{
	check("a\n\"open,b\nc\nd\n", "1#1[a] E2#2(unterminated quoted field)");
	check("\"", "E1#1(unterminated quoted field)");
	check("a,\"b\"\"", "E1#1(unterminated quoted field)");
	check("x\n\n\"abc\"\"\n", "1#1[x] E3#2(unterminated quoted field)");
}

static void test_unterminated_leaves_reader_at_end(void **state)
{
	const char *in = "h\n\"a\nb\nc";
	struct csv_reader r;
	csv_reader_init(&r, in, strlen(in));
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(csv_read(&r, &f, &nf, &err), -1);
	assert_string_equal(err.message, "unterminated quoted field");
	assert_int_equal(err.line, 2);
	assert_ptr_equal(r.p, r.end);
	assert_int_equal(r.line, 4);
	assert_int_equal(csv_read(&r, &f, &nf, &err), 0);
	csv_reader_free(&r);
}

static void test_error_quote_inside_unquoted(void **state)
{
	check("a,b\"c,d\ne,f\n", "E1#1(quote inside unquoted field) 2#2[e][f]");
	check("ab\"\r\nok\r\n", "E1#1(quote inside unquoted field) 2#2[ok]");
	check("x\nab\"", "1#1[x] E2#2(quote inside unquoted field)");
}

static void test_error_text_after_quote(void **state)
{
	check("\"a\"b,c\nd\n", "E1#1(text after closing quote) 2#2[d]");
	check("\"a\" ,c\nd\n", "E1#1(text after closing quote) 2#2[d]");
	check("h\n\"a\"x", "1#1[h] E2#2(text after closing quote)");
}

static void test_error_bare_cr(void **state)
{
	check("a\rb,c\nd\n", "E1#1(bare carriage return) 2#2[d]");
	check("a,b\r", "E1#1(bare carriage return)");
	check("\"a\"\rb\nd\n", "E1#1(bare carriage return) 2#2[d]");
	check("\r\r\nd\n", "E1#1(bare carriage return) 2#2[d]");
}

/* A line of n one-byte fields "0,1,...". */
static void put_fields(struct buf *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		buf_putc(b, (char)('0' + i % 10));
	}
}

static void test_error_too_many_fields(void **state)
{
	struct buf in = {0};
	put_fields(&in, CSV_MAX_FIELDS);
	buf_puts(&in, "\n");
	put_fields(&in, CSV_MAX_FIELDS + 1);
	buf_puts(&in, "\nok\n");
	put_fields(&in, CSV_MAX_FIELDS);
	buf_puts(&in, ",\"quoted\"\n");
	put_fields(&in, CSV_MAX_FIELDS);
	buf_puts(&in, ",");
	struct csv_reader r;
	csv_reader_init(&r, in.data, in.len);
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(nf, CSV_MAX_FIELDS);
	assert_int_equal(csv_read(&r, &f, &nf, &err), -1);
	assert_string_equal(err.message, "too many fields");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.record, 2);
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(nf, 1);
	assert_memory_equal(f[0].s, "ok", 2);
	assert_int_equal(r.record, 3);
	assert_int_equal(csv_read(&r, &f, &nf, &err), -1);
	assert_string_equal(err.message, "too many fields");
	assert_int_equal(err.line, 4);
	/* A trailing comma after CSV_MAX_FIELDS fields starts one field too many. */
	assert_int_equal(csv_read(&r, &f, &nf, &err), -1);
	assert_string_equal(err.message, "too many fields");
	assert_int_equal(err.line, 5);
	assert_int_equal(csv_read(&r, &f, &nf, &err), 0);
	csv_reader_free(&r);
	buf_free(&in);
}

/* Reads in[0..n) expecting exactly: one record of nfields fields, then end of input. */
static void expect_one_record(const char *in, size_t n, size_t nfields)
{
	struct csv_reader r;
	csv_reader_init(&r, in, n);
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(nf, nfields);
	assert_int_equal(csv_read(&r, &f, &nf, &err), 0);
	csv_reader_free(&r);
}

/* Reads in[0..n) expecting "record too long" on line 1, then a record "next" on line 2. */
static void expect_too_long(const char *in, size_t n)
{
	struct csv_reader r;
	csv_reader_init(&r, in, n);
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), -1);
	assert_string_equal(err.message, "record too long");
	assert_int_equal(err.line, 1);
	assert_int_equal(r.line, 2);
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(nf, 1);
	assert_memory_equal(f[0].s, "next", 4);
	assert_int_equal(csv_read(&r, &f, &nf, &err), 0);
	csv_reader_free(&r);
}

static void test_error_record_too_long(void **state)
{
	size_t max = CSV_MAX_RECORD;
	char *in = xmalloc(max + 64);

	/* Exactly CSV_MAX_RECORD bytes before the line break is allowed, with LF or CRLF. */
	memset(in, 'x', max);
	memcpy(in + max, "\r\n", 2);
	expect_one_record(in, max + 2, 1);
	expect_one_record(in, max, 1);
	in[max / 2] = ',';
	expect_one_record(in, max + 2, 2);

	/* One byte more is an error, whatever the byte. */
	memset(in, 'x', max + 1);
	memcpy(in + max + 1, "\nnext\n", 6);
	expect_too_long(in, max + 7);
	in[max] = ',';
	expect_too_long(in, max + 7);
	in[max] = '"';
	expect_too_long(in, max + 7);

	/* Quoted: the closing quote is the last allowed byte, or one too many. */
	memset(in, 'y', max);
	in[0] = '"';
	in[max - 1] = '"';
	memcpy(in + max, "\n", 1);
	expect_one_record(in, max + 1, 1);
	memcpy(in + max, ",\nnext\n", 7);
	expect_too_long(in, max + 7);
	memset(in, 'y', max + 1);
	in[0] = '"';
	in[max] = '"';
	memcpy(in + max + 1, "\nnext\n", 6);
	expect_too_long(in, max + 7);
	/* A doubled quote across the limit. */
	in[max - 1] = '"';
	expect_too_long(in, max + 7);

	/* An unclosed quote with more than CSV_MAX_RECORD after it is reported as too long, and
	 * reading goes on at the line after the limit. */
	memset(in, 'z', max + 1);
	in[0] = '"';
	memcpy(in + max + 1, "\nnext\n", 6);
	expect_too_long(in, max + 7);
	free(in);
}

static void test_recovery_sequence(void **state)
{
	check("id,name\n"
	      "1,ok\n"
	      "2,bad\"quote\n"
	      "\n"
	      "3,\"multi\nline\"\n"
	      "4,\"x\"y\n"
	      "5,cr\rhere\n"
	      "6,\"fine, \"\"really\"\"\"\n",
	      "1#1[id][name] 2#2[1][ok] E3#3(quote inside unquoted field) 5#4[3][multi\nline] "
	      "E7#5(text after closing quote) E8#6(bare carriage return) 9#7[6][fine, \"really\"]");
}

static void test_error_in_multiline_record(void **state)
{
	/* The error names the line where the record starts; recovery skips from the error on. */
	check("\"a\nb\"x,c\nnext\n", "E1#1(text after closing quote) 3#2[next]");
	check("h\n\"a\nb\nc\"\"\"z\nnext\n", "1#1[h] E2#2(text after closing quote) 5#3[next]");
	/* The skip may land inside a later quoted field; each bad line is reported. */
	check("\"a\"x,\"b\nc\"\nok\n",
	      "E1#1(text after closing quote) E2#2(quote inside unquoted field) 3#3[ok]");
}

/* Reads back the CSV in b and checks it is one record equal to want[0..n). */
static void check_round_trip(const char *const *want, size_t n)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, ',');
		csv_write_field(&b, want[i], strlen(want[i]));
	}
	buf_puts(&b, "\r\n");
	struct csv_reader r;
	csv_reader_init(&r, b.data, b.len);
	const struct csv_field *f;
	size_t nf;
	struct csv_error err;
	assert_int_equal(csv_read(&r, &f, &nf, &err), 1);
	assert_int_equal(nf, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(f[i].n, strlen(want[i]));
		assert_memory_equal(f[i].s, want[i], f[i].n);
	}
	assert_int_equal(csv_read(&r, &f, &nf, &err), 0);
	csv_reader_free(&r);
	buf_free(&b);
}

static void check_write(const char *field, const char *expected)
{
	struct buf b = {0};
	buf_puts(&b, "pre|");
	csv_write_field(&b, field, strlen(field));
	assert_int_equal(b.len, strlen(b.data));
	assert_string_equal(b.data + 4, expected);
	buf_free(&b);
}

static void test_write_field(void **state)
{
	check_write("plain", "plain");
	check_write("", "");
	check_write("a,b", "\"a,b\"");
	check_write("say \"hi\"", "\"say \"\"hi\"\"\"");
	check_write("\"", "\"\"\"\"");
	check_write("a\nb", "\"a\nb\"");
	check_write("a\rb", "\"a\rb\"");
	check_write("a\r\nb", "\"a\r\nb\"");
	check_write(" lead", "\" lead\"");
	check_write("trail ", "\"trail \"");
	check_write(" ", "\" \"");
	check_write("in side", "in side");
	check_write("拉萨市", "拉萨市");
	check_write("拉萨, 西藏", "\"拉萨, 西藏\"");
	check_write("a'b;c\td", "a'b;c\td");
}

static void test_write_read_round_trip(void **state)
{
	static const char *const fields[] = {
	    "",
	    "plain",
	    "a,b",
	    "\"",
	    "\"\"",
	    "q\"uo\"te",
	    "line\nbreak",
	    "cr\rlf\r\n",
	    " spaced ",
	    "བོད་ཡིག",
	    "中文，全角逗号",
	    "\"lead",
	    "trail\"",
	    ",",
	    "\n",
	};
	check_round_trip(fields, sizeof fields / sizeof fields[0]);
	static const char *const one[] = {"x"};
	check_round_trip(one, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple_lf),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_final_record_without_newline),
	    cmocka_unit_test(test_empty_input),
	    cmocka_unit_test(test_empty_lines_skipped),
	    cmocka_unit_test(test_line_is_next_record_after_read),
	    cmocka_unit_test(test_empty_fields),
	    cmocka_unit_test(test_spaces_are_kept),
	    cmocka_unit_test(test_quoted_fields),
	    cmocka_unit_test(test_quoted_line_breaks_count),
	    cmocka_unit_test(test_multibyte),
	    cmocka_unit_test(test_bom_is_not_removed),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_zero_copy),
	    cmocka_unit_test(test_unescaped_storage_moves),
	    cmocka_unit_test(test_error_unterminated),
	    cmocka_unit_test(test_unterminated_leaves_reader_at_end),
	    cmocka_unit_test(test_error_quote_inside_unquoted),
	    cmocka_unit_test(test_error_text_after_quote),
	    cmocka_unit_test(test_error_bare_cr),
	    cmocka_unit_test(test_error_too_many_fields),
	    cmocka_unit_test(test_error_record_too_long),
	    cmocka_unit_test(test_recovery_sequence),
	    cmocka_unit_test(test_error_in_multiline_record),
	    cmocka_unit_test(test_write_field),
	    cmocka_unit_test(test_write_read_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

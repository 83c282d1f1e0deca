/*
 * Unit tests of records described by field tables (src/platform/fields.c), driven through the
 * real enterprise table (src/modules/registry/model.c): text input per field type, JSON input
 * with its types, whole-record checks for create and update, and JSON, CSV and JSON Schema
 * output (parsed back with jansson and the CSV reader, never compared by eye).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "modules/registry/model.h"
#include "modules/registry/uscc.h"
#include "platform/csv.h"
#include "platform/fields.h"

#define VALID_CODE "91110000101623741K"

/* A fresh enterprise record and arena per test. */
struct fx {
	struct arena a;
	struct record r;
	struct field_error err;
};

static int fx_setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	record_init(&x->r, &ENTERPRISE_TYPE);
	*state = x;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *x = *state;
	arena_free(&x->a);
	free(x);
	return 0;
}

/* record_set_text of a C string. */
static int set(struct fx *x, int field, const char *s)
{
	memset(&x->err, 0, sizeof x->err);
	return record_set_text(&x->r, &x->a, field, s, strlen(s), &x->err);
}

/* Asserts that s is accepted for field and stored as want (NULL: stored as null). */
static void ok_as(struct fx *x, int field, const char *s, const char *want)
{
	if (set(x, field, s) != 0)
		fail_msg("%s = \"%s\" rejected: %s (%s)", ENTERPRISE_TYPE.fields[field].name, s,
		         x->err.message, x->err.code);
	assert_true(record_has(&x->r, field));
	if (want == NULL)
		assert_null(x->r.v[field]);
	else
		assert_string_equal(x->r.v[field], want);
}

/* Asserts that s[0..n) is rejected for field with the given code (NULL: any). */
static void bad_n(struct fx *x, int field, const char *s, size_t n, const char *code)
{
	memset(&x->err, 0, sizeof x->err);
	if (record_set_text(&x->r, &x->a, field, s, n, &x->err) == 0)
		fail_msg("%s = \"%.*s\" accepted as \"%s\"", ENTERPRISE_TYPE.fields[field].name,
		         (int)n, s, x->r.v[field] ? x->r.v[field] : "(null)");
	assert_non_null(x->err.field);
	assert_string_equal(x->err.field, ENTERPRISE_TYPE.fields[field].name);
	assert_non_null(x->err.code);
	if (code)
		assert_string_equal(x->err.code, code);
	assert_true(strlen(x->err.message) > 0);
}

static void bad(struct fx *x, int field, const char *s, const char *code)
{
	bad_n(x, field, s, strlen(s), code);
}

/* n copies of the UTF-8 character ch. */
static char *repeat(const char *ch, int n)
{
	size_t len = strlen(ch);
	char *s = malloc(len * (size_t)n + 1);
	for (int i = 0; i < n; i++)
		memcpy(s + len * (size_t)i, ch, len);
	s[len * (size_t)n] = '\0';
	return s;
}

/* ---- the table itself ---- */

static void test_table_shape(void **state)
{
	(void)state;
	assert_int_equal(ENTERPRISE_TYPE.nfields, ENT_NFIELDS);
	assert_true(ENT_NFIELDS <= FIELDS_MAX);
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "credit_code", 11), ENT_CREDIT_CODE);
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "version", 7), ENT_VERSION);
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "name_bo", 7), ENT_NAME_BO);
	/* By length, not by NUL: "name" is a prefix of "name_bo". */
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "name_bo", 4), ENT_NAME);
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "nam", 3), -1);
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "Name", 4), -1);
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "", 0), -1);
}

/* A name holding a NUL (a CSV header cell "credit_code\0x") is no field, and the lookup must
 * not read past the end of the shorter field name. */
static void test_find_name_with_nul(void **state)
{
	(void)state;
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "credit_code\0x", 13), -1);
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "name\0\0\0\0", 8), -1);
	assert_int_equal(fields_find(&ENTERPRISE_TYPE, "version\0", 8), -1);
}

/* ---- FT_TEXT ---- */

static void test_text_plain_and_unicode(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_NAME, "ACME Ltd", "ACME Ltd");
	ok_as(x, ENT_NAME, "拉萨市城关区雪域净水有限公司", "拉萨市城关区雪域净水有限公司");
	ok_as(x, ENT_NAME_BO, "ལྷ་ས་གྲོང་ཁྱེར།", "ལྷ་ས་གྲོང་ཁྱེར།");
	ok_as(x, ENT_ADDRESS, "emoji \xF0\x9F\x98\x80 ok", "emoji \xF0\x9F\x98\x80 ok");
	ok_as(x, ENT_NAME, "tab\tinside", "tab\tinside");
}

static void test_text_invalid_utf8(void **state)
{
	struct fx *x = *state;
	bad(x, ENT_NAME, "abc\xff", "invalid_utf8");
	bad(x, ENT_NAME, "\xc0\xaf", "invalid_utf8");         /* overlong '/' */
	bad(x, ENT_NAME, "\xed\xa0\x80", "invalid_utf8");     /* surrogate */
	bad(x, ENT_NAME, "\xe6\x8b", "invalid_utf8");         /* truncated */
	bad(x, ENT_NAME, "\xf4\x90\x80\x80", "invalid_utf8"); /* above U+10FFFF */
	bad(x, ENT_NAME_BO, "\x80", "invalid_utf8");
	/* GB18030 bytes of 拉萨 are not UTF-8. */
	bad(x, ENT_ADDRESS, "\xc0\xad\xc8\xf8", "invalid_utf8");
}

static void test_text_control_characters(void **state)
{
	struct fx *x = *state;
	bad(x, ENT_NAME,
	    "a\x01"
	    "b",
	    "invalid");
	bad(x, ENT_NAME,
	    "a\x1f"
	    "b",
	    "invalid");
	bad(x, ENT_NAME,
	    "a\x7f"
	    "b",
	    "invalid");
	bad(x, ENT_NAME, "a\x1b[31mb", "invalid");
	bad_n(x, ENT_NAME, "a\0b", 3, "invalid");
	/* Line breaks only in multiline fields. */
	bad(x, ENT_NAME, "line1\nline2", "invalid");
	bad(x, ENT_ADDRESS, "line1\r\nline2", "invalid");
	bad(x, ENT_NAME, "a\rb", "invalid");
}

static void test_text_multiline_flag(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_STANDARDS_ADOPTED, "GB 2762-2022\nGB 2763-2021", "GB 2762-2022\nGB 2763-2021");
	ok_as(x, ENT_STANDARDS_ADOPTED, "GB 2762-2022\r\nGB 2763-2021",
	      "GB 2762-2022\r\nGB 2763-2021");
	/* Other control characters stay forbidden there. */
	bad(x, ENT_STANDARDS_ADOPTED,
	    "GB\x0b"
	    "2762",
	    "invalid");
	bad(x, ENT_STANDARDS_ADOPTED, "GB\x7f", "invalid");
}

/* Limits count code points: 60 Chinese characters (180 bytes) fit legal_representative. */
static void test_text_max_chars_chinese(void **state)
{
	struct fx *x = *state;
	char *s60 = repeat("张", 60), *s61 = repeat("张", 61);
	ok_as(x, ENT_LEGAL_REPRESENTATIVE, s60, s60);
	bad(x, ENT_LEGAL_REPRESENTATIVE, s61, "too_long");
	free(s60);
	free(s61);
	char *a60 = repeat("a", 60), *a61 = repeat("a", 61);
	ok_as(x, ENT_LEGAL_REPRESENTATIVE, a60, a60);
	bad(x, ENT_LEGAL_REPRESENTATIVE, a61, "too_long");
	free(a60);
	free(a61);
	/* 200-character names, in 4-byte characters too. */
	char *e200 = repeat("\xF0\xA0\x80\x80", 200), *e201 = repeat("\xF0\xA0\x80\x80", 201);
	ok_as(x, ENT_NAME, e200, e200);
	bad(x, ENT_NAME, e201, "too_long");
	free(e200);
	free(e201);
}

/* Tibetan: every letter, subjoined letter and tsheg is a code point. */
static void test_text_max_chars_tibetan(void **state)
{
	struct fx *x = *state;
	/* "ལྷ་" is 3 code points (ལ, subjoined ཧ, tsheg); 66 of them + "ས" = 199; + "་" = 200. */
	char *base = repeat("ལྷ་", 66);
	char s200[1024], s201[1024];
	snprintf(s200, sizeof s200, "%sས་", base);
	snprintf(s201, sizeof s201, "%sས་།", base);
	ok_as(x, ENT_NAME_BO, s200, s200);
	bad(x, ENT_NAME_BO, s201, "too_long");
	free(base);
}

static void test_text_trimming(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_NAME, "  ACME  ", "ACME");
	ok_as(x, ENT_NAME, "\t ACME \t", "ACME");
	ok_as(x, ENT_NAME, "A  B", "A  B");
	/* Trimmed before the length is counted. */
	char *a60 = repeat("a", 60);
	char padded[80];
	snprintf(padded, sizeof padded, "   %s   ", a60);
	ok_as(x, ENT_LEGAL_REPRESENTATIVE, padded, a60);
	free(a60);
	/* Spaces only: null, where the field trims. */
	ok_as(x, ENT_NAME, "   ", NULL);
	ok_as(x, ENT_NAME, "\t", NULL);
}

/* ---- FT_CODE ---- */

static void test_code_upper_casing(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_CREDIT_CODE, "91110000101623741k", VALID_CODE);
	ok_as(x, ENT_CREDIT_CODE, "91350100m000100y43", "91350100M000100Y43");
	ok_as(x, ENT_CREDIT_CODE, "  " VALID_CODE " ", VALID_CODE);
	/* Fields without FF_UPPER keep their case. */
	ok_as(x, ENT_CONTACT_EMAIL, "Zhaxi@Example.CN", "Zhaxi@Example.CN");
}

static void test_code_spaces_rejected(void **state)
{
	struct fx *x = *state;
	bad(x, ENT_CREDIT_CODE, "9111 000010162374K", "invalid");
	bad(x, ENT_CONTACT_PHONE, "0891 6333333", "invalid");
	bad(x, ENT_CONTACT_EMAIL, "a b@example.cn", "invalid");
	bad(x, ENT_CONTACT_PHONE, "0891\t6333333", "invalid");
}

static void test_code_non_ascii_rejected(void **state)
{
	struct fx *x = *state;
	bad(x, ENT_CONTACT_EMAIL, "张@example.cn", "invalid");
	bad(x, ENT_CONTACT_PHONE, "０８９１６３３３３３３", NULL); /* full-width digits */
	bad_n(x, ENT_CONTACT_PHONE,
	      "0891\0"
	      "6333",
	      9, "invalid");
	bad(x, ENT_CONTACT_PHONE,
	    "0891\x7f"
	    "6333",
	    "invalid");
}

static void test_code_max_chars(void **state)
{
	struct fx *x = *state;
	char *d30 = repeat("1", 30), *d31 = repeat("1", 31);
	ok_as(x, ENT_CONTACT_PHONE, d30, d30);
	bad(x, ENT_CONTACT_PHONE, d31, "too_long");
	free(d30);
	free(d31);
	bad(x, ENT_CREDIT_CODE, VALID_CODE "0", "too_long");
}

static void test_code_validators(void **state)
{
	struct fx *x = *state;
	bad(x, ENT_CREDIT_CODE, "91110000101623741J", "check_failed");
	bad(x, ENT_CREDIT_CODE, "9111000010162374", "check_failed");
	ok_as(x, ENT_CONTACT_PHONE, "+86-891-6333333", "+86-891-6333333");
	bad(x, ENT_CONTACT_PHONE, "86+891", "invalid");
	bad(x, ENT_CONTACT_PHONE, "1234", "invalid");
	bad(x, ENT_CONTACT_PHONE, "(0891)6333333", "invalid");
	ok_as(x, ENT_CONTACT_EMAIL, "a@b.cn", "a@b.cn");
	bad(x, ENT_CONTACT_EMAIL, "a@bcn", "invalid");
	bad(x, ENT_CONTACT_EMAIL, "@b.cn", "invalid");
	bad(x, ENT_CONTACT_EMAIL, "a@", "invalid");
	bad(x, ENT_CONTACT_EMAIL, "a@b@c.cn", "invalid");
}

/* A credit code whose organisation code fails GB 11714 is accepted with a warning. */
static void test_code_warning(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_CREDIT_CODE, VALID_CODE, VALID_CODE);
	assert_null(x->r.warnings[ENT_CREDIT_CODE]);
	/* "91110000101623742" + its check character: inner check should be 1, not 2. */
	char code[19] = "91110000101623742";
	code[17] = uscc_check_char(code);
	code[18] = '\0';
	ok_as(x, ENT_CREDIT_CODE, code, code);
	assert_non_null(x->r.warnings[ENT_CREDIT_CODE]);
	/* A later good value clears the warning. */
	ok_as(x, ENT_CREDIT_CODE, VALID_CODE, VALID_CODE);
	assert_null(x->r.warnings[ENT_CREDIT_CODE]);

	/* Read back from storage (warnings are not kept), the warning is found again. */
	struct record back;
	record_init(&back, x->r.type);
	back.v[ENT_CREDIT_CODE] = code;
	back.warnings[ENT_CREDIT_CODE] = "stale";
	record_recheck_warnings(&back);
	assert_non_null(back.warnings[ENT_CREDIT_CODE]);
	assert_string_not_equal(back.warnings[ENT_CREDIT_CODE], "stale");
	back.v[ENT_CREDIT_CODE] = VALID_CODE;
	record_recheck_warnings(&back);
	assert_null(back.warnings[ENT_CREDIT_CODE]);
}

/* ---- FT_ENUM ---- */

static void test_enum(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_INDUSTRY, "C", "C");
	ok_as(x, ENT_INDUSTRY, "T", "T");
	bad(x, ENT_INDUSTRY, "U", "not_allowed");
	bad(x, ENT_INDUSTRY, "c", "not_allowed");
	bad(x, ENT_INDUSTRY, "CC", "not_allowed");
	ok_as(x, ENT_SIZE, "medium", "medium");
	bad(x, ENT_SIZE, "Medium", "not_allowed");
	bad(x, ENT_SIZE, "medium ", "not_allowed"); /* enums do not trim */
	bad_n(x, ENT_SIZE, "micro\0", 6, "not_allowed");
	ok_as(x, ENT_STATUS, "deregistered", "deregistered");
	bad(x, ENT_STATUS, "closed", "not_allowed");
	ok_as(x, ENT_INSPECTION_CAPABILITY, "partial", "partial");
	bad(x, ENT_METROLOGY_CAPABILITY, "some", "not_allowed");
	/* The message lists the choices. */
	bad(x, ENT_SIZE, "huge", "not_allowed");
	assert_non_null(strstr(x->err.message, "micro, small, medium, large"));
}

/* ---- FT_BOOL ---- */

static void test_bool_accepted_forms(void **state)
{
	struct fx *x = *state;
	const char *yes[] = {"true", "1", "yes", "是", "TRUE", "True", "YES", "Yes"};
	const char *no[] = {"false", "0", "no", "否", "FALSE", "False", "NO", "No"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		ok_as(x, ENT_QMS_CERTIFIED, yes[i], "1");
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		ok_as(x, ENT_QUALITY_MANAGER_TRAINED, no[i], "0");
}

static void test_bool_rejected_forms(void **state)
{
	struct fx *x = *state;
	const char *bads[] = {"2", "-1", "t", "f", "maybe", "truee", "真", "是的", "01", "tRUE"};
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++)
		bad(x, ENT_QMS_CERTIFIED, bads[i], "invalid");
}

/* ---- FT_DATE ---- */

static void test_date_leap_years(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_ESTABLISHED_ON, "2024-02-29", "2024-02-29");
	bad(x, ENT_ESTABLISHED_ON, "2023-02-29", "invalid");
	ok_as(x, ENT_ESTABLISHED_ON, "2000-02-29", "2000-02-29"); /* divisible by 400 */
	bad(x, ENT_ESTABLISHED_ON, "1900-02-29", "invalid");      /* by 100, not 400 */
	bad(x, ENT_ESTABLISHED_ON, "2100-02-29", "invalid");
	bad(x, ENT_ESTABLISHED_ON, "2024-02-30", "invalid");
	ok_as(x, ENT_ESTABLISHED_ON, "2023-02-28", "2023-02-28");
}

static void test_date_month_lengths(void **state)
{
	struct fx *x = *state;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (int m = 1; m <= 12; m++) {
		char s[48];
		snprintf(s, sizeof s, "2023-%02d-%02d", m, mdays[m - 1]);
		ok_as(x, ENT_ESTABLISHED_ON, s, s);
		snprintf(s, sizeof s, "2023-%02d-%02d", m, mdays[m - 1] + 1);
		bad(x, ENT_ESTABLISHED_ON, s, "invalid");
		snprintf(s, sizeof s, "2023-%02d-00", m);
		bad(x, ENT_ESTABLISHED_ON, s, "invalid");
	}
	bad(x, ENT_ESTABLISHED_ON, "2023-00-10", "invalid");
	bad(x, ENT_ESTABLISHED_ON, "2023-13-10", "invalid");
}

static void test_date_1900_limits(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_ESTABLISHED_ON, "1900-01-01", "1900-01-01");
	bad(x, ENT_ESTABLISHED_ON, "1899-12-31", "invalid");
	bad(x, ENT_ESTABLISHED_ON, "0000-01-01", "invalid");
	ok_as(x, ENT_QUALITY_MANAGER_TRAINED_ON, "2199-12-31", "2199-12-31");
	bad(x, ENT_QUALITY_MANAGER_TRAINED_ON, "2200-01-01", "invalid");
}

static void test_date_shape(void **state)
{
	struct fx *x = *state;
	const char *bads[] = {"2024-4-1",    "2024/04/01",  "20240401",       "2024-04-01T00:00",
	                      " 2024-04-01", "2024-04-01 ", "２０２４-04-01", "2024-0a-01",
	                      "+024-04-01",  "2024-04--1",  "2024年4月1日"};
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++)
		bad(x, ENT_ESTABLISHED_ON, bads[i], "invalid");
}

/* ---- FT_INT ---- */

static void test_int_range(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_REGION_CODE, "540102", "540102");
	ok_as(x, ENT_REGION_CODE, "110000", "110000");
	ok_as(x, ENT_REGION_CODE, "829999", "829999");
	bad(x, ENT_REGION_CODE, "109999", "out_of_range");
	bad(x, ENT_REGION_CODE, "830000", "out_of_range");
	bad(x, ENT_REGION_CODE, "0", "out_of_range");
	bad(x, ENT_REGION_CODE, "-540102", "out_of_range");
}

static void test_int_signs_and_shape(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_REGION_CODE, "0540102", "540102"); /* canonical form drops zeros */
	bad(x, ENT_REGION_CODE, "+540102", "invalid");
	bad(x, ENT_REGION_CODE, "-", "invalid");
	bad(x, ENT_REGION_CODE, "--540102", "invalid");
	bad(x, ENT_REGION_CODE, "540102.0", "invalid");
	bad(x, ENT_REGION_CODE, "54 0102", "invalid");
	bad(x, ENT_REGION_CODE, " 540102", "invalid");
	bad(x, ENT_REGION_CODE, "5.4e5", "invalid");
	bad(x, ENT_REGION_CODE, "0x83D06", "invalid");
	bad(x, ENT_REGION_CODE, "５４０１０２", "invalid");
}

static void test_int_overflow_length(void **state)
{
	struct fx *x = *state;
	bad(x, ENT_REGION_CODE, "99999999999999999999", NULL);          /* 20 digits */
	bad(x, ENT_REGION_CODE, "00000000000000540102", NULL);          /* 20 characters */
	bad(x, ENT_REGION_CODE, "-9223372036854775808", NULL);          /* INT64_MIN */
	bad(x, ENT_REGION_CODE, "9223372036854775807", "out_of_range"); /* INT64_MAX */
	bad(x, ENT_REGION_CODE, "-999999999999999999", "out_of_range");
	char *long_s = repeat("9", 4000);
	bad(x, ENT_REGION_CODE, long_s, NULL);
	free(long_s);
}

/* 19 digits above INT64_MAX must be out of range, not wrapped by signed overflow. */
static void test_int_19_digits_above_int64_max(void **state)
{
	struct fx *x = *state;
	bad(x, ENT_REGION_CODE, "9223372036854775808", "out_of_range");
	bad(x, ENT_REGION_CODE, "9999999999999999999", "out_of_range");
}

/* ---- empty and read-only ---- */

static void test_empty_cell_is_null_for_every_type(void **state)
{
	struct fx *x = *state;
	for (int i = 0; i < ENT_NFIELDS; i++) {
		if (ENTERPRISE_TYPE.fields[i].flags & FF_READONLY)
			continue;
		x->r.v[i] = "stale";
		ok_as(x, i, "", NULL);
	}
}

static void test_read_only_text_rejected(void **state)
{
	struct fx *x = *state;
	bad(x, ENT_CREATED_AT, "2024-01-01T00:00:00Z", "read_only");
	bad(x, ENT_VERSION, "1", "read_only");
	bad(x, ENT_UPDATED_AT, "", "read_only");
	assert_false(record_has(&x->r, ENT_VERSION));
}

/* A rejected value leaves the field as it was. */
static void test_rejected_value_does_not_store(void **state)
{
	struct fx *x = *state;
	ok_as(x, ENT_REGION_CODE, "540102", "540102");
	bad(x, ENT_REGION_CODE, "abc", "invalid");
	assert_true(x->r.v[ENT_REGION_CODE] == NULL ||
	            strcmp(x->r.v[ENT_REGION_CODE], "540102") == 0);
}

/* ---- record_from_json ---- */

static int from_json(struct fx *x, const char *text, size_t flags)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | flags, &jerr);
	if (j == NULL)
		fail_msg("test JSON does not parse: %s: %s", text, jerr.text);
	record_init(&x->r, &ENTERPRISE_TYPE);
	memset(&x->err, 0, sizeof x->err);
	int rc = record_from_json(&x->r, &x->a, j, &x->err);
	json_decref(j);
	return rc;
}

static void json_bad(struct fx *x, const char *text, const char *field, const char *code)
{
	if (from_json(x, text, 0) == 0)
		fail_msg("accepted: %s", text);
	if (field) {
		assert_non_null(x->err.field);
		assert_string_equal(x->err.field, field);
	} else {
		assert_null(x->err.field);
	}
	assert_string_equal(x->err.code, code);
	assert_true(strlen(x->err.message) > 0);
}

static void test_json_types_accepted(void **state)
{
	struct fx *x = *state;
	assert_int_equal(from_json(x,
	                           "{\"credit_code\":\"91110000101623741k\",\"name\":\" ACME \","
	                           "\"region_code\":540102,\"industry\":\"C\","
	                           "\"qms_certified\":true,\"quality_manager_trained\":false,"
	                           "\"established_on\":\"2024-02-29\",\"address\":null}",
	                           0),
	                 0);
	assert_string_equal(x->r.v[ENT_CREDIT_CODE], VALID_CODE);
	assert_string_equal(x->r.v[ENT_NAME], "ACME");
	assert_string_equal(x->r.v[ENT_REGION_CODE], "540102");
	assert_string_equal(x->r.v[ENT_INDUSTRY], "C");
	assert_string_equal(x->r.v[ENT_QMS_CERTIFIED], "1");
	assert_string_equal(x->r.v[ENT_QUALITY_MANAGER_TRAINED], "0");
	assert_string_equal(x->r.v[ENT_ESTABLISHED_ON], "2024-02-29");
	assert_true(record_has(&x->r, ENT_ADDRESS));
	assert_null(x->r.v[ENT_ADDRESS]);
	assert_false(record_has(&x->r, ENT_SIZE));
	assert_false(record_has(&x->r, ENT_VERSION));
}

static void test_json_empty_object(void **state)
{
	struct fx *x = *state;
	assert_int_equal(from_json(x, "{}", 0), 0);
	assert_int_equal(x->r.present, 0);
}

static void test_json_null_for_every_writable_field(void **state)
{
	struct fx *x = *state;
	for (int i = 0; i < ENT_NFIELDS; i++) {
		const struct field_spec *f = &ENTERPRISE_TYPE.fields[i];
		if (f->flags & FF_READONLY)
			continue;
		char text[128];
		snprintf(text, sizeof text, "{\"%s\":null}", f->name);
		assert_int_equal(from_json(x, text, 0), 0);
		assert_true(record_has(&x->r, i));
		assert_null(x->r.v[i]);
	}
}

static void test_json_string_where_number_wanted(void **state)
{
	struct fx *x = *state;
	json_bad(x, "{\"region_code\":\"540102\"}", "region_code", "wrong_type");
	json_bad(x, "{\"region_code\":540102.0}", "region_code", "wrong_type");
	json_bad(x, "{\"region_code\":true}", "region_code", "wrong_type");
	json_bad(x, "{\"region_code\":[540102]}", "region_code", "wrong_type");
	json_bad(x, "{\"region_code\":1}", "region_code", "out_of_range");
}

static void test_json_number_where_string_wanted(void **state)
{
	struct fx *x = *state;
	json_bad(x, "{\"name\":5}", "name", "wrong_type");
	json_bad(x, "{\"credit_code\":911100001016237410}", "credit_code", "wrong_type");
	json_bad(x, "{\"established_on\":20240229}", "established_on", "wrong_type");
	json_bad(x, "{\"industry\":{\"a\":1}}", "industry", "wrong_type");
	json_bad(x, "{\"name\":[\"x\"]}", "name", "wrong_type");
}

static void test_json_bool_types(void **state)
{
	struct fx *x = *state;
	json_bad(x, "{\"qms_certified\":\"true\"}", "qms_certified", "wrong_type");
	json_bad(x, "{\"qms_certified\":1}", "qms_certified", "wrong_type");
	json_bad(x, "{\"qms_certified\":\"是\"}", "qms_certified", "wrong_type");
	json_bad(x, "{\"name\":true}", "name", "wrong_type");
}

static void test_json_unknown_field(void **state)
{
	struct fx *x = *state;
	json_bad(x, "{\"name\":\"a\",\"nickname\":\"b\"}", "nickname", "unknown_field");
	json_bad(x, "{\"Name\":\"a\"}", "Name", "unknown_field");
	json_bad(x, "{\"\":\"a\"}", "", "unknown_field");
}

static void test_json_read_only_field(void **state)
{
	struct fx *x = *state;
	json_bad(x, "{\"version\":1}", "version", "read_only");
	json_bad(x, "{\"created_at\":\"2024-01-01T00:00:00Z\"}", "created_at", "read_only");
	json_bad(x, "{\"updated_at\":null}", "updated_at", "read_only");
}

static void test_json_nul_inside_string(void **state)
{
	struct fx *x = *state;
	assert_int_not_equal(from_json(x, "{\"name\":\"AC\\u0000ME\"}", JSON_ALLOW_NUL), 0);
	assert_string_equal(x->err.field, "name");
	assert_string_equal(x->err.code, "invalid");
	assert_int_not_equal(
	    from_json(x, "{\"credit_code\":\"91110000101623741K\\u0000\"}", JSON_ALLOW_NUL), 0);
	assert_string_equal(x->err.field, "credit_code");
	assert_int_not_equal(from_json(x, "{\"size\":\"micro\\u0000\"}", JSON_ALLOW_NUL), 0);
	assert_string_equal(x->err.field, "size");
}

static void test_json_not_an_object(void **state)
{
	struct fx *x = *state;
	json_bad(x, "[1,2]", NULL, "invalid_body");
	json_bad(x, "\"text\"", NULL, "invalid_body");
	json_bad(x, "null", NULL, "invalid_body");
}

/* Values from JSON pass the same checks as text. */
static void test_json_values_validated(void **state)
{
	struct fx *x = *state;
	json_bad(x, "{\"credit_code\":\"91110000101623741J\"}", "credit_code", "check_failed");
	json_bad(x, "{\"established_on\":\"2023-02-29\"}", "established_on", "invalid");
	json_bad(x, "{\"industry\":\"Z\"}", "industry", "not_allowed");
	json_bad(x, "{\"name\":\"a\\nb\"}", "name", "invalid");
	json_bad(x, "{\"name\":\"a\\u0001b\"}", "name", "invalid");
	assert_int_equal(from_json(x, "{\"standards_adopted\":\"a\\nb\"}", 0), 0);
	assert_string_equal(x->r.v[ENT_STANDARDS_ADOPTED], "a\nb");
}

static void test_json_empty_text_is_null(void **state)
{
	struct fx *x = *state;
	assert_int_equal(from_json(x, "{\"name\":\"\",\"address\":\"   \"}", 0), 0);
	assert_true(record_has(&x->r, ENT_NAME));
	assert_null(x->r.v[ENT_NAME]);
	assert_null(x->r.v[ENT_ADDRESS]);
}

static void test_json_int_extremes(void **state)
{
	struct fx *x = *state;
	json_bad(x, "{\"region_code\":9223372036854775807}", "region_code", "out_of_range");
	json_bad(x, "{\"region_code\":-999999999999999999}", "region_code", "out_of_range");
	assert_int_equal(from_json(x, "{\"region_code\":829999}", 0), 0);
}

/* A JSON integer of 20 characters is an integer out of range, not "must be an integer". */
static void test_json_int_20_chars_is_out_of_range(void **state)
{
	struct fx *x = *state;
	json_bad(x, "{\"region_code\":-9223372036854775807}", "region_code", "out_of_range");
	json_bad(x, "{\"region_code\":-1000000000000000000}", "region_code", "out_of_range");
}

/* ---- record_check ---- */

static void fill_required(struct fx *x)
{
	record_init(&x->r, &ENTERPRISE_TYPE);
	ok_as(x, ENT_CREDIT_CODE, VALID_CODE, VALID_CODE);
	ok_as(x, ENT_NAME, "ACME", "ACME");
	ok_as(x, ENT_REGION_CODE, "540102", "540102");
	ok_as(x, ENT_INDUSTRY, "C", "C");
}

static void test_check_create_complete(void **state)
{
	struct fx *x = *state;
	fill_required(x);
	assert_int_equal(record_check(&x->r, 0, &x->err), 0);
}

static void test_check_create_each_required_missing(void **state)
{
	struct fx *x = *state;
	const int required[] = {ENT_CREDIT_CODE, ENT_NAME, ENT_REGION_CODE, ENT_INDUSTRY};
	for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
		int i = required[k];
		assert_true(ENTERPRISE_TYPE.fields[i].flags & FF_REQUIRED);
		/* absent */
		fill_required(x);
		x->r.present &= ~((uint64_t)1 << i);
		x->r.v[i] = NULL;
		assert_int_equal(record_check(&x->r, 0, &x->err), -1);
		assert_string_equal(x->err.field, ENTERPRISE_TYPE.fields[i].name);
		assert_string_equal(x->err.code, "required");
		/* given as null */
		fill_required(x);
		ok_as(x, i, "", NULL);
		assert_int_equal(record_check(&x->r, 0, &x->err), -1);
		assert_string_equal(x->err.field, ENTERPRISE_TYPE.fields[i].name);
	}
	/* No other field is required. */
	int n = 0;
	for (int i = 0; i < ENT_NFIELDS; i++)
		n += (ENTERPRISE_TYPE.fields[i].flags & FF_REQUIRED) != 0;
	assert_int_equal(n, 4);
}

static void test_check_create_allows_immutable(void **state)
{
	struct fx *x = *state;
	fill_required(x);
	assert_true(ENTERPRISE_TYPE.fields[ENT_CREDIT_CODE].flags & FF_IMMUTABLE);
	assert_int_equal(record_check(&x->r, 0, &x->err), 0);
}

static void test_check_update_immutable(void **state)
{
	struct fx *x = *state;
	record_init(&x->r, &ENTERPRISE_TYPE);
	ok_as(x, ENT_CREDIT_CODE, VALID_CODE, VALID_CODE);
	assert_int_equal(record_check(&x->r, 1, &x->err), -1);
	assert_string_equal(x->err.field, "credit_code");
	assert_string_equal(x->err.code, "immutable");
}

static void test_check_update_clearing_required(void **state)
{
	struct fx *x = *state;
	record_init(&x->r, &ENTERPRISE_TYPE);
	ok_as(x, ENT_NAME, "", NULL);
	assert_int_equal(record_check(&x->r, 1, &x->err), -1);
	assert_string_equal(x->err.field, "name");
	assert_string_equal(x->err.code, "required");
	record_init(&x->r, &ENTERPRISE_TYPE);
	ok_as(x, ENT_INDUSTRY, "", NULL);
	assert_int_equal(record_check(&x->r, 1, &x->err), -1);
	assert_string_equal(x->err.field, "industry");
}

static void test_check_update_partial(void **state)
{
	struct fx *x = *state;
	record_init(&x->r, &ENTERPRISE_TYPE);
	assert_int_equal(record_check(&x->r, 1, &x->err), 0); /* empty patch */
	ok_as(x, ENT_ADDRESS, "", NULL);                      /* clearing an optional field */
	ok_as(x, ENT_NAME, "New name", "New name");
	assert_int_equal(record_check(&x->r, 1, &x->err), 0);
}

/* ---- output ---- */

static void test_write_json_escaping(void **state)
{
	struct fx *x = *state;
	record_init(&x->r, &ENTERPRISE_TYPE);
	const char *name = "He said \"hi\" \\ back\\";
	const char *addr = "ctl \x01\x02\x1f tab\t nl\n cr\r del\x7f end";
	const char *bo = "ལྷ་ས་གྲོང་ཁྱེར། 拉萨 \xF0\x9F\x98\x80 /</script>";
	record_set(&x->r, &x->a, ENT_NAME, name, strlen(name));
	record_set(&x->r, &x->a, ENT_ADDRESS, addr, strlen(addr));
	record_set(&x->r, &x->a, ENT_NAME_BO, bo, strlen(bo));
	record_set(&x->r, &x->a, ENT_REGION_CODE, "540102", 6);
	record_set(&x->r, &x->a, ENT_QMS_CERTIFIED, "1", 1);
	record_set(&x->r, &x->a, ENT_QUALITY_MANAGER_TRAINED, "0", 1);
	record_set(&x->r, &x->a, ENT_VERSION, "7", 1);
	record_set(&x->r, &x->a, ENT_CREATED_AT, "2024-01-01T00:00:00Z", 20);
	struct buf out = {0};
	record_write_json(&x->r, &out);
	json_error_t jerr;
	json_t *j = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		fail_msg("output is not JSON (%s): %s", jerr.text, out.data);
	assert_true(json_is_object(j));
	assert_int_equal(json_object_size(j), ENT_NFIELDS);
	assert_string_equal(json_string_value(json_object_get(j, "name")), name);
	assert_string_equal(json_string_value(json_object_get(j, "address")), addr);
	assert_string_equal(json_string_value(json_object_get(j, "name_bo")), bo);
	assert_true(json_is_integer(json_object_get(j, "region_code")));
	assert_int_equal(json_integer_value(json_object_get(j, "region_code")), 540102);
	assert_true(json_is_true(json_object_get(j, "qms_certified")));
	assert_true(json_is_false(json_object_get(j, "quality_manager_trained")));
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 7);
	assert_string_equal(json_string_value(json_object_get(j, "created_at")),
	                    "2024-01-01T00:00:00Z");
	/* Absent fields are null. */
	assert_true(json_is_null(json_object_get(j, "credit_code")));
	assert_true(json_is_null(json_object_get(j, "updated_at")));
	/* UTF-8 is passed through as is, not \u-escaped. */
	assert_non_null(strstr(out.data, "ལྷ་ས་གྲོང་ཁྱེར།"));
	/* Keys in field order. */
	assert_int_equal(strncmp(out.data, "{\"credit_code\":", 15), 0);
	json_decref(j);
	buf_free(&out);
}

static void test_write_json_every_control_char(void **state)
{
	struct fx *x = *state;
	char s[40];
	for (int c = 1; c < 0x20; c++)
		s[c - 1] = (char)c;
	s[31] = '"';
	s[32] = '\\';
	s[33] = '/';
	s[34] = '\0';
	record_init(&x->r, &ENTERPRISE_TYPE);
	record_set(&x->r, &x->a, ENT_ADDRESS, s, strlen(s));
	struct buf out = {0};
	record_write_json(&x->r, &out);
	for (size_t i = 0; i < out.len; i++)
		assert_true((unsigned char)out.data[i] >= 0x20);
	json_t *j = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "address")), s);
	json_decref(j);
	buf_free(&out);
}

static void test_write_json_string_with_nul(void **state)
{
	(void)state;
	struct buf out = {0};
	json_write_string(&out, "a\0b", 3);
	assert_string_equal(out.data, "\"a\\u0000b\"");
	json_t *j = json_loadb(out.data, out.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	assert_non_null(j);
	assert_int_equal(json_string_length(j), 3);
	assert_memory_equal(json_string_value(j), "a\0b", 3);
	json_decref(j);
	buf_free(&out);
}

/* Input through JSON, output as JSON, input again: the same canonical values. */
static void test_json_round_trip(void **state)
{
	struct fx *x = *state;
	assert_int_equal(
	    from_json(x,
	              "{\"credit_code\":\"91350100m000100y43\",\"name\":\"雪域 \\\"净水\\\"\","
	              "\"name_bo\":\"ལྷ་ས་\",\"region_code\":540102,\"industry\":\"C\","
	              "\"qms_certified\":true,\"standards_adopted\":\"GB 1\\r\\nGB 2\","
	              "\"established_on\":\"2020-01-31\"}",
	              0),
	    0);
	struct record first = x->r;
	struct buf out = {0};
	record_write_json(&first, &out);
	json_t *j = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	json_object_del(j, "created_at");
	json_object_del(j, "updated_at");
	json_object_del(j, "version");
	record_init(&x->r, &ENTERPRISE_TYPE);
	assert_int_equal(record_from_json(&x->r, &x->a, j, &x->err), 0);
	for (int i = 0; i < ENT_NFIELDS; i++) {
		if (first.v[i] == NULL)
			assert_null(x->r.v[i]);
		else
			assert_string_equal(x->r.v[i], first.v[i]);
	}
	json_decref(j);
	buf_free(&out);
}

/* Splits one CSV line back into fields with the CSV reader. */
static size_t csv_fields(const char *line, size_t n, char out[][256], size_t max)
{
	struct csv_reader rd;
	csv_reader_init(&rd, line, n);
	const struct csv_field *f;
	size_t nf;
	struct csv_error cerr;
	assert_int_equal(csv_read(&rd, &f, &nf, &cerr), 1);
	assert_true(nf <= max);
	for (size_t i = 0; i < nf; i++) {
		assert_true(f[i].n < 256);
		memcpy(out[i], f[i].s, f[i].n);
		out[i][f[i].n] = '\0';
	}
	assert_int_equal(csv_read(&rd, &f, &nf, &cerr), 0);
	csv_reader_free(&rd);
	return nf;
}

static void test_write_csv_quoting(void **state)
{
	struct fx *x = *state;
	record_init(&x->r, &ENTERPRISE_TYPE);
	const char *name = "ACME, \"Lhasa\" branch";
	const char *std = "GB 1\r\nGB 2\nGB 3";
	record_set(&x->r, &x->a, ENT_CREDIT_CODE, VALID_CODE, 18);
	record_set(&x->r, &x->a, ENT_NAME, name, strlen(name));
	record_set(&x->r, &x->a, ENT_NAME_BO, "ལྷ་ས་", strlen("ལྷ་ས་"));
	record_set(&x->r, &x->a, ENT_STANDARDS_ADOPTED, std, strlen(std));
	record_set(&x->r, &x->a, ENT_REGION_CODE, "540102", 6);
	record_set(&x->r, &x->a, ENT_QMS_CERTIFIED, "1", 1);
	record_set(&x->r, &x->a, ENT_QUALITY_MANAGER_TRAINED, "0", 1);
	struct buf out = {0};
	record_write_csv(&x->r, &out);
	assert_true(out.len >= 2);
	assert_memory_equal(out.data + out.len - 2, "\r\n", 2);
	/* Plain values unquoted, special ones quoted with doubled quotes. */
	const char *head = VALID_CODE ",\"ACME, \"\"Lhasa\"\" branch\",ལྷ་ས་,,,540102,";
	assert_int_equal(strncmp(out.data, head, strlen(head)), 0);
	static char f[ENT_NFIELDS + 1][256];
	size_t nf = csv_fields(out.data, out.len, f, ENT_NFIELDS + 1);
	assert_int_equal(nf, ENT_NFIELDS);
	assert_string_equal(f[ENT_CREDIT_CODE], VALID_CODE);
	assert_string_equal(f[ENT_NAME], name);
	assert_string_equal(f[ENT_STANDARDS_ADOPTED], std);
	assert_string_equal(f[ENT_QMS_CERTIFIED], "true");
	assert_string_equal(f[ENT_QUALITY_MANAGER_TRAINED], "false");
	assert_string_equal(f[ENT_ADDRESS], "");
	assert_string_equal(f[ENT_VERSION], "");
	buf_free(&out);
}

/* What record_write_csv writes, record_set_text reads back to the same values. */
static void test_write_csv_reads_back(void **state)
{
	struct fx *x = *state;
	assert_int_equal(
	    from_json(x,
	              "{\"credit_code\":\"" VALID_CODE "\",\"name\":\"A,B \\\"C\\\"\","
	              "\"region_code\":540102,\"industry\":\"C\",\"qms_certified\":true,"
	              "\"quality_manager_trained\":false,\"standards_adopted\":\"x\\ny\","
	              "\"established_on\":\"2000-02-29\",\"size\":\"small\"}",
	              0),
	    0);
	struct record first = x->r;
	struct buf out = {0};
	record_write_csv(&first, &out);
	static char f[ENT_NFIELDS + 1][256];
	size_t nf = csv_fields(out.data, out.len, f, ENT_NFIELDS + 1);
	assert_int_equal(nf, ENT_NFIELDS);
	record_init(&x->r, &ENTERPRISE_TYPE);
	for (int i = 0; i < ENT_NFIELDS; i++) {
		if (ENTERPRISE_TYPE.fields[i].flags & FF_READONLY)
			continue;
		if (set(x, i, f[i]) != 0)
			fail_msg("%s: %s", ENTERPRISE_TYPE.fields[i].name, x->err.message);
		if (first.v[i] == NULL)
			assert_null(x->r.v[i]);
		else
			assert_string_equal(x->r.v[i], first.v[i]);
	}
	buf_free(&out);
}

static void test_csv_header(void **state)
{
	(void)state;
	struct buf out = {0}, want = {0};
	record_type_write_csv_header(&ENTERPRISE_TYPE, &out);
	for (int i = 0; i < ENT_NFIELDS; i++)
		buf_printf(&want, "%s%s", i ? "," : "", ENTERPRISE_TYPE.fields[i].name);
	buf_puts(&want, "\r\n");
	assert_string_equal(out.data, want.data);
	assert_int_equal(strncmp(out.data, "credit_code,name,name_bo,", 25), 0);
	assert_non_null(strstr(out.data, ",created_at,updated_at,version\r\n"));
	buf_free(&out);
	buf_free(&want);
}

static void check_schema(int mode)
{
	int for_input = mode != SCHEMA_OUTPUT;
	struct buf out = {0};
	record_type_write_schema(&ENTERPRISE_TYPE, &out, mode);
	json_error_t jerr;
	json_t *j = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		fail_msg("schema is not JSON (%s): %s", jerr.text, out.data);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "object");
	assert_true(json_is_false(json_object_get(j, "additionalProperties")));
	json_t *props = json_object_get(j, "properties");
	assert_true(json_is_object(props));
	size_t want = 0;
	for (int i = 0; i < ENT_NFIELDS; i++) {
		const struct field_spec *f = &ENTERPRISE_TYPE.fields[i];
		json_t *p = json_object_get(props, f->name);
		if (for_input && (f->flags & FF_READONLY)) {
			assert_null(p);
			continue;
		}
		want++;
		assert_non_null(p);
		if (f->description)
			assert_string_equal(json_string_value(json_object_get(p, "description")),
			                    f->description);
		if (f->type == FT_ENUM) {
			json_t *e = json_object_get(p, "enum");
			assert_true(json_is_array(e));
			size_t k = 0;
			while (f->choices[k])
				k++;
			/* null is a choice only where the field may be null */
			int nullable = !(f->flags & (FF_REQUIRED | FF_READONLY | FF_NOT_NULL));
			assert_int_equal(json_array_size(e), k + (size_t)nullable);
		}
		if (f->type == FT_INT) {
			assert_int_equal(json_integer_value(json_object_get(p, "minimum")), f->min);
			assert_int_equal(json_integer_value(json_object_get(p, "maximum")), f->max);
		}
		if (f->type == FT_TEXT)
			assert_int_equal(json_integer_value(json_object_get(p, "maxLength")),
			                 f->max_chars);
	}
	/* A record as returned also carries its warnings. */
	assert_int_equal(json_object_size(props), want + (mode == SCHEMA_OUTPUT));
	json_t *req = json_object_get(j, "required");
	if (mode == SCHEMA_PATCH) {
		assert_null(req); /* a change names only what it changes */
	} else {
		assert_true(json_is_array(req));
		assert_int_equal(json_array_size(req), 4);
		assert_string_equal(json_string_value(json_array_get(req, 0)), "credit_code");
	}
	json_decref(j);
	buf_free(&out);
}

static void test_schema_is_json(void **state)
{
	(void)state;
	check_schema(SCHEMA_OUTPUT);
	check_schema(SCHEMA_CREATE);
	check_schema(SCHEMA_PATCH);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_table_shape),
	    T(test_find_name_with_nul),
	    T(test_text_plain_and_unicode),
	    T(test_text_invalid_utf8),
	    T(test_text_control_characters),
	    T(test_text_multiline_flag),
	    T(test_text_max_chars_chinese),
	    T(test_text_max_chars_tibetan),
	    T(test_text_trimming),
	    T(test_code_upper_casing),
	    T(test_code_spaces_rejected),
	    T(test_code_non_ascii_rejected),
	    T(test_code_max_chars),
	    T(test_code_validators),
	    T(test_code_warning),
	    T(test_enum),
	    T(test_bool_accepted_forms),
	    T(test_bool_rejected_forms),
	    T(test_date_leap_years),
	    T(test_date_month_lengths),
	    T(test_date_1900_limits),
	    T(test_date_shape),
	    T(test_int_range),
	    T(test_int_signs_and_shape),
	    T(test_int_overflow_length),
	    T(test_int_19_digits_above_int64_max),
	    T(test_empty_cell_is_null_for_every_type),
	    T(test_read_only_text_rejected),
	    T(test_rejected_value_does_not_store),
	    T(test_json_types_accepted),
	    T(test_json_empty_object),
	    T(test_json_null_for_every_writable_field),
	    T(test_json_string_where_number_wanted),
	    T(test_json_number_where_string_wanted),
	    T(test_json_bool_types),
	    T(test_json_unknown_field),
	    T(test_json_read_only_field),
	    T(test_json_nul_inside_string),
	    T(test_json_not_an_object),
	    T(test_json_values_validated),
	    T(test_json_empty_text_is_null),
	    T(test_json_int_extremes),
	    T(test_json_int_20_chars_is_out_of_range),
	    T(test_check_create_complete),
	    T(test_check_create_each_required_missing),
	    T(test_check_create_allows_immutable),
	    T(test_check_update_immutable),
	    T(test_check_update_clearing_required),
	    T(test_check_update_partial),
	    T(test_write_json_escaping),
	    T(test_write_json_every_control_char),
	    T(test_write_json_string_with_nul),
	    T(test_json_round_trip),
	    T(test_write_csv_quoting),
	    T(test_write_csv_reads_back),
	    T(test_csv_header),
	    T(test_schema_is_json),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

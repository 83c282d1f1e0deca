/*
 * Unit tests of the unified social credit code (GB 32100-2015) and its embedded organisation
 * code (GB 11714), src/modules/registry/uscc.c, against the rules and worked examples of
 * /work/shared/reference/codes.md: valid codes, the check-character arithmetic, every
 * single-character corruption, lengths, the alphabet, the region digits, and the inner check
 * that warns but does not reject.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "modules/registry/uscc.h"

#define ALPHABET "0123456789ABCDEFGHJKLMNPQRTUWXY"

static const char *const VALID[] = {"91110000101623741K", "911101066976941872",
                                    "91350100M000100Y43"};
static const int WEIGHTS[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

static enum uscc_result check_str(const char *s, int *org_ok)
{
	return uscc_check(s, strlen(s), org_ok);
}

/* Builds code17 + its check character into out[19]. */
static void with_check(const char *code17, char out[USCC_LEN + 1])
{
	memcpy(out, code17, 17);
	out[17] = uscc_check_char(code17);
	out[18] = '\0';
}

static void test_valid_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof VALID / sizeof VALID[0]; i++) {
		int org_ok = -1;
		assert_int_equal(check_str(VALID[i], &org_ok), USCC_OK);
		assert_int_equal(org_ok, 1);
		assert_int_equal(check_str(VALID[i], NULL), USCC_OK);
	}
}

static void test_weights_are_powers_of_three(void **state)
{
	(void)state;
	int w = 1;
	for (int i = 0; i < 17; i++) {
		assert_int_equal(WEIGHTS[i], w);
		w = w * 3 % 31;
	}
}

static void test_worked_sum_477_gives_K(void **state)
{
	(void)state;
	const char *code = VALID[0];
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = uscc_char_value(code[i]);
		assert_true(v >= 0);
		sum += v * WEIGHTS[i];
	}
	assert_int_equal(sum, 477);
	assert_int_equal(sum % 31, 12);
	assert_int_equal(31 - sum % 31, 19);
	assert_int_equal(ALPHABET[19], 'K');
	assert_int_equal(uscc_check_char(code), 'K');
}

static void test_check_char_of_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof VALID / sizeof VALID[0]; i++)
		assert_int_equal(uscc_check_char(VALID[i]), VALID[i][17]);
}

/* A sum that is a multiple of 31 gives 31, written 0. */
static void test_check_char_31_maps_to_zero(void **state)
{
	(void)state;
	assert_int_equal(uscc_check_char("00000000000000000"), '0');
	/* Find some code with a nonzero sum that is divisible by 31 and check it too. */
	char c17[18] = "91540000000000000";
	int found = 0;
	for (int a = 0; a < 31 && !found; a++)
		for (int b = 0; b < 31 && !found; b++) {
			c17[15] = ALPHABET[a];
			c17[16] = ALPHABET[b];
			int sum = 0;
			for (int i = 0; i < 17; i++)
				sum += uscc_char_value(c17[i]) * WEIGHTS[i];
			if (sum % 31 == 0) {
				found = 1;
				assert_int_equal(uscc_check_char(c17), '0');
			}
		}
	assert_true(found);
}

static void test_last_char_J_rejected(void **state)
{
	(void)state;
	int org_ok = -1;
	assert_int_equal(check_str("91110000101623741J", &org_ok), USCC_BAD_CHECK);
	assert_int_equal(org_ok, 0);
}

/* Any one character replaced by any other symbol of the alphabet is caught. */
static void test_every_single_change_rejected(void **state)
{
	(void)state;
	int tried = 0;
	for (size_t k = 0; k < sizeof VALID / sizeof VALID[0]; k++) {
		char code[USCC_LEN + 1];
		for (int pos = 0; pos < USCC_LEN; pos++) {
			for (const char *a = ALPHABET; *a; a++) {
				memcpy(code, VALID[k], sizeof code);
				if (code[pos] == *a)
					continue;
				code[pos] = *a;
				enum uscc_result rc = uscc_check(code, USCC_LEN, NULL);
				if (rc == USCC_OK)
					fail_msg("%s (position %d of %s changed) accepted", code,
					         pos + 1, VALID[k]);
				/* Letters in 3-8 are region errors, anything else a check error. */
				if (pos >= 2 && pos < 8 && !(*a >= '0' && *a <= '9'))
					assert_int_equal(rc, USCC_BAD_REGION);
				else
					assert_int_equal(rc, USCC_BAD_CHECK);
				tried++;
			}
		}
	}
	assert_int_equal(tried, 3 * 18 * 30);
}

/* Any character outside the alphabet in any position is a character error. */
static void test_every_foreign_character_rejected(void **state)
{
	(void)state;
	char code[USCC_LEN + 1];
	for (int pos = 0; pos < USCC_LEN; pos++)
		for (int c = 0; c < 256; c++) {
			if (c != 0 && strchr(ALPHABET, c))
				continue;
			memcpy(code, VALID[0], sizeof code);
			code[pos] = (char)c;
			assert_int_equal(uscc_check(code, USCC_LEN, NULL), USCC_BAD_CHARACTER);
		}
}

static void test_length_17_and_19(void **state)
{
	(void)state;
	int org_ok = -1;
	assert_int_equal(uscc_check(VALID[0], 17, &org_ok), USCC_BAD_LENGTH);
	assert_int_equal(org_ok, 0);
	assert_int_equal(check_str("91110000101623741KK", NULL), USCC_BAD_LENGTH);
	assert_int_equal(check_str("9111000010162374", NULL), USCC_BAD_LENGTH);
	assert_int_equal(check_str("", NULL), USCC_BAD_LENGTH);
	assert_int_equal(uscc_check("", 0, NULL), USCC_BAD_LENGTH);
	/* A valid code followed by a space is 19 characters, not trimmed here. */
	assert_int_equal(check_str("91110000101623741K ", NULL), USCC_BAD_LENGTH);
}

/* The length is the n given, not the C string: a prefix of 18 of a longer text is checked. */
static void test_length_is_n(void **state)
{
	(void)state;
	assert_int_equal(uscc_check("91110000101623741KXYZ", 18, NULL), USCC_OK);
}

static void test_forbidden_letters(void **state)
{
	(void)state;
	const char forbidden[] = "IOSVZ";
	for (const char *f = forbidden; *f; f++) {
		assert_int_equal(uscc_char_value(*f), -1);
		/* In the organisation code part (where letters may stand) and as check character.
		 */
		char code[USCC_LEN + 1];
		memcpy(code, VALID[2], sizeof code);
		code[8] = *f;
		assert_int_equal(uscc_check(code, USCC_LEN, NULL), USCC_BAD_CHARACTER);
		memcpy(code, VALID[0], sizeof code);
		code[17] = *f;
		assert_int_equal(uscc_check(code, USCC_LEN, NULL), USCC_BAD_CHARACTER);
	}
}

static void test_lower_case_rejected(void **state)
{
	(void)state;
	assert_int_equal(check_str("91110000101623741k", NULL), USCC_BAD_CHARACTER);
	assert_int_equal(check_str("91350100m000100Y43", NULL), USCC_BAD_CHARACTER);
	assert_int_equal(check_str("91350100M000100y43", NULL), USCC_BAD_CHARACTER);
	for (const char *a = &ALPHABET[10]; *a; a++)
		assert_int_equal(uscc_char_value((char)(*a + 32)), -1);
}

static void test_char_values(void **state)
{
	(void)state;
	for (int i = 0; i < 31; i++)
		assert_int_equal(uscc_char_value(ALPHABET[i]), i);
	assert_int_equal(uscc_char_value('\0'), -1);
	assert_int_equal(uscc_char_value(' '), -1);
	assert_int_equal(uscc_char_value('-'), -1);
	assert_int_equal(uscc_char_value((char)0xE4), -1);
}

/* Positions 3-8 must be digits even when the check character is made to match. */
static void test_region_positions_must_be_digits(void **state)
{
	(void)state;
	for (int pos = 2; pos < 8; pos++) {
		char c17[18], code[USCC_LEN + 1];
		memcpy(c17, VALID[0], 17);
		c17[17] = '\0';
		c17[pos] = 'A';
		with_check(c17, code);
		int org_ok = -1;
		assert_int_equal(check_str(code, &org_ok), USCC_BAD_REGION);
		assert_int_equal(org_ok, 0);
	}
	/* Letters are allowed in positions 1-2 and 9-17. */
	char code[USCC_LEN + 1];
	with_check("Y1540000MA0000000", code);
	assert_int_equal(check_str(code, NULL), USCC_OK);
}

static void test_org_check_char_examples(void **state)
{
	(void)state;
	assert_int_equal(uscc_org_check_char("10162374"), '1');
	assert_int_equal(uscc_org_check_char("69769418"), '7');
	assert_int_equal(uscc_org_check_char("M000100Y"), '4');
	/* Worked by hand: 1*3+0*7+1*9+6*10+2*5+3*8+7*4+4*2 = 142, 142 mod 11 = 10, 11-10 = 1. */
}

static void test_org_check_10_is_X(void **state)
{
	(void)state;
	/* 3*4 (position 7) = 12, 12 mod 11 = 1, 11 - 1 = 10 -> X. */
	assert_int_equal(uscc_org_check_char("00000030"), 'X');
	/* 3*1 + 7*... : "10000001" = 3 + 2 = 5 -> 6. */
	assert_int_equal(uscc_org_check_char("10000001"), '6');
}

static void test_org_check_11_is_0(void **state)
{
	(void)state;
	assert_int_equal(uscc_org_check_char("00000000"), '0');
	/* 'A' = 10 in position 4 (weight 10): 100 mod 11 = 1 -> X; in position 8 (weight 2):
	 * 20 mod 11 = 9 -> 2. "0000000B": 11*2 = 22, mod 11 = 0 -> 11 -> '0'. */
	assert_int_equal(uscc_org_check_char("0000000B"), '0');
	assert_int_equal(uscc_org_check_char("000A0000"), 'X');
	assert_int_equal(uscc_org_check_char("0000000A"), '2');
}

/* GB 11714 letters run A=10 .. Z=35, including those the USCC alphabet lacks. */
static void test_org_check_letter_values(void **state)
{
	(void)state;
	/* Z = 35 at weight 2: 70 mod 11 = 4 -> 7. I = 18 at weight 3: 54 mod 11 = 10 -> 1. */
	assert_int_equal(uscc_org_check_char("0000000Z"), '7');
	assert_int_equal(uscc_org_check_char("I0000000"), '1');
}

static void test_org_check_bad_body(void **state)
{
	(void)state;
	assert_int_equal(uscc_org_check_char("1016237a"), 0);
	assert_int_equal(uscc_org_check_char("1016-374"), 0);
	assert_int_equal(uscc_org_check_char("10162 74"), 0);
}

/* An organisation code of X and of 0 inside a full code passes both checks. */
static void test_org_ok_with_X_and_0(void **state)
{
	(void)state;
	char code[USCC_LEN + 1];
	int org_ok = -1;
	with_check("9154000000000030X", code);
	assert_int_equal(check_str(code, &org_ok), USCC_OK);
	assert_int_equal(org_ok, 1);
	org_ok = -1;
	with_check("91540000000000000", code);
	assert_int_equal(check_str(code, &org_ok), USCC_OK);
	assert_int_equal(org_ok, 1);
}

/* A failing inner check is reported through org_ok, and the code is still valid. */
static void test_org_fail_is_warning_only(void **state)
{
	(void)state;
	char code[USCC_LEN + 1];
	int org_ok = -1;
	with_check("91110000101623742", code); /* inner check should be 1 */
	assert_int_equal(check_str(code, &org_ok), USCC_OK);
	assert_int_equal(org_ok, 0);
	for (const char *a = ALPHABET; *a; a++) {
		char c17[18];
		memcpy(c17, "91110000101623741", 18);
		c17[16] = *a;
		with_check(c17, code);
		org_ok = -1;
		assert_int_equal(check_str(code, &org_ok), USCC_OK);
		assert_int_equal(org_ok, *a == '1');
	}
}

/* org_ok is 0 whenever the code itself fails, whatever the inner code. */
static void test_org_ok_zero_on_failure(void **state)
{
	(void)state;
	int org_ok = -1;
	assert_int_equal(check_str("91110000101623741J", &org_ok), USCC_BAD_CHECK);
	assert_int_equal(org_ok, 0);
	org_ok = -1;
	assert_int_equal(check_str("9111000010162374IK", &org_ok), USCC_BAD_CHARACTER);
	assert_int_equal(org_ok, 0);
}

static void test_result_messages(void **state)
{
	(void)state;
	const enum uscc_result all[] = {USCC_OK, USCC_BAD_LENGTH, USCC_BAD_CHARACTER,
	                                USCC_BAD_REGION, USCC_BAD_CHECK};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		const char *m = uscc_result_message(all[i]);
		assert_non_null(m);
		assert_true(strlen(m) > 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(m, uscc_result_message(all[j]));
	}
	assert_non_null(uscc_result_message((enum uscc_result) - 99));
}

/*
 * uscc_check_char on a body holding a character outside the alphabet must not read outside
 * its table; like uscc_org_check_char it returns 0 for such a body.
 */
static void test_check_char_bad_body(void **state)
{
	(void)state;
	assert_int_equal(uscc_check_char("IIIIIIIIIIIIIIIII"), 0); /* index 57 of a 32-byte table */
	assert_int_equal(uscc_check_char("9111000010162374i"), 0); /* gives 'D' */
	assert_int_equal(uscc_check_char("91110000 01623741"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_examples),
	    cmocka_unit_test(test_weights_are_powers_of_three),
	    cmocka_unit_test(test_worked_sum_477_gives_K),
	    cmocka_unit_test(test_check_char_of_examples),
	    cmocka_unit_test(test_check_char_31_maps_to_zero),
	    cmocka_unit_test(test_last_char_J_rejected),
	    cmocka_unit_test(test_every_single_change_rejected),
	    cmocka_unit_test(test_every_foreign_character_rejected),
	    cmocka_unit_test(test_length_17_and_19),
	    cmocka_unit_test(test_length_is_n),
	    cmocka_unit_test(test_forbidden_letters),
	    cmocka_unit_test(test_lower_case_rejected),
	    cmocka_unit_test(test_char_values),
	    cmocka_unit_test(test_region_positions_must_be_digits),
	    cmocka_unit_test(test_org_check_char_examples),
	    cmocka_unit_test(test_org_check_10_is_X),
	    cmocka_unit_test(test_org_check_11_is_0),
	    cmocka_unit_test(test_org_check_letter_values),
	    cmocka_unit_test(test_org_check_bad_body),
	    cmocka_unit_test(test_org_ok_with_X_and_0),
	    cmocka_unit_test(test_org_fail_is_warning_only),
	    cmocka_unit_test(test_org_ok_zero_on_failure),
	    cmocka_unit_test(test_result_messages),
	    cmocka_unit_test(test_check_char_bad_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

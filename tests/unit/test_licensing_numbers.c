/*
 * Licence numbers: the ISO/IEC 7064 MOD 11-10 check digit worked by hand, SC and XK formats,
 * the province abbreviations, and the per-prefix sequences on a real database (advancing,
 * separate per prefix, skipping a number already taken, used up, rolled back with the
 * transaction).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/licensing/numbers.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "tempdb.h"

/*
 * MOD 11-10 by hand over the 13 digits 101 540102 0001 (category 101, Chengguan district of
 * Lhasa, sequence 1). Start with p = 10; for each digit d: t = (p + d) mod 10, read 0 as 10;
 * p = 2t mod 11.
 *   d=1: (10+1)=11 -> 1;  p = 2
 *   d=0: ( 2+0)= 2 -> 2;  p = 4
 *   d=1: ( 4+1)= 5 -> 5;  p = 10
 *   d=5: (10+5)=15 -> 5;  p = 10
 *   d=4: (10+4)=14 -> 4;  p = 8
 *   d=0: ( 8+0)= 8 -> 8;  p = 16 mod 11 = 5
 *   d=1: ( 5+1)= 6 -> 6;  p = 12 mod 11 = 1
 *   d=0: ( 1+0)= 1 -> 1;  p = 2
 *   d=2: ( 2+2)= 4 -> 4;  p = 8
 *   d=0: ( 8+0)= 8 -> 8;  p = 5
 *   d=0: ( 5+0)= 5 -> 5;  p = 10
 *   d=0: (10+0)=10 -> 0, read as 10; p = 20 mod 11 = 9
 *   d=1: ( 9+1)=10 -> 0, read as 10; p = 9
 * The check digit c makes (p + c) mod 10 = 1: (9 + c) mod 10 = 1, c = 2.
 * So the number is SC + 1015401020001 + 2 = SC10154010200012.
 *
 * A second one, 106 540102 0001... no: 1060540102000 (13 digits) ends with p = 8, so
 * (8 + c) mod 10 = 1 gives c = 3.
 * Cross-check with another user of the same algorithm: the Croatian OIB 69435151530 (a
 * commonly quoted valid example) ends in its MOD 11-10 digit 0.
 */
static void test_mod11_10(void **state)
{
	(void)state;
	assert_int_equal(lc_mod11_10("1015401020001", 13), 2);
	assert_int_equal(lc_mod11_10("1060540102000", 13), 3);
	assert_int_equal(lc_mod11_10("6943515153", 10), 0);
	assert_true(lc_mod11_10_valid("69435151530", 11));
	assert_true(lc_mod11_10_valid("10154010200012", 14));
	assert_false(lc_mod11_10_valid("10154010200013", 14));
	/* Every single-digit change is caught; swaps of unequal neighbours mostly are (a hybrid
	 * system's known weakness): here all but "10" -> "01" at the 7th and 8th digits. */
	char s[] = "10154010200012";
	int missed = -1;
	for (int i = 0; i < 14; i++) {
		char keep = s[i];
		for (char d = '0'; d <= '9'; d++) {
			if (d == keep)
				continue;
			s[i] = d;
			assert_false(lc_mod11_10_valid(s, 14));
		}
		s[i] = keep;
		if (i < 13 && s[i] != s[i + 1]) {
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
			if (lc_mod11_10_valid(s, 14)) {
				assert_int_equal(missed, -1);
				missed = i;
			}
			s[i + 1] = s[i];
			s[i] = t;
		}
	}
	assert_int_equal(missed, 6);
	assert_string_equal(s, "10154010200012");
	assert_int_equal(lc_mod11_10("12a4", 4), -1);
	assert_int_equal(lc_mod11_10("", 0), -1);
	assert_false(lc_mod11_10_valid("5", 1));
}

static void test_formats(void **state)
{
	(void)state;
	char no[LC_LICENCE_NO_MAX];
	assert_int_equal(lc_sc_format("101", 540102, 1, no), 0);
	assert_string_equal(no, "SC10154010200012");
	assert_int_equal(strlen(no), 16);
	assert_int_equal(lc_sc_format("201", 540102, 9999, no), 0);
	assert_memory_equal(no, "SC2015401029999", 15);
	assert_true(lc_mod11_10_valid(no + 2, 14));
	assert_int_equal(lc_sc_format("101", 540102, 0, no), -1);
	assert_int_equal(lc_sc_format("101", 540102, 10000, no), -1);
	assert_int_equal(lc_sc_format("1010", 540102, 1, no), -1);
	assert_int_equal(lc_sc_format("XK13-001", 540102, 1, no), -1);
	assert_int_equal(lc_sc_format("101", 54010, 1, no), -1);

	assert_int_equal(lc_xk_format("XK13-001", 540102, 12, no), 0);
	assert_string_equal(no, "(藏)XK13-001-00012");
	assert_int_equal(lc_xk_format("XK06-001", 110105, 99999, no), 0);
	assert_string_equal(no, "(京)XK06-001-99999");
	assert_int_equal(lc_xk_format("XK06-001", 710000, 1, no), -1); /* not in the table */
	assert_int_equal(lc_xk_format("XK6-001", 540102, 1, no), -1);
	assert_int_equal(lc_xk_format("101", 540102, 1, no), -1);
	assert_int_equal(lc_xk_format("XK06-001", 540102, 100000, no), -1);

	assert_int_equal(lc_number_prefix("food", "101", 540102, no), 0);
	assert_string_equal(no, "SC101540102");
	assert_int_equal(lc_number_prefix("industrial", "XK13-001", 540102, no), 0);
	assert_string_equal(no, "(藏)XK13-001");
	assert_int_equal(lc_number_prefix("food", "XK13-001", 540102, no), -1);
	assert_int_equal(lc_number_prefix("drugs", "101", 540102, no), -1);
}

static void test_provinces(void **state)
{
	(void)state;
	static const struct {
		int code;
		const char *abbr;
	} K[] = {{110000, "京"}, {310115, "沪"}, {440300, "粤"}, {510100, "川"},
	         {540000, "藏"}, {540102, "藏"}, {630100, "青"}, {650000, "新"}};
	for (size_t i = 0; i < sizeof K / sizeof *K; i++)
		assert_string_equal(lc_province_abbr(K[i].code), K[i].abbr);
	/* All 31 mainland provincial divisions, and nothing else. */
	int n = 0;
	for (int p = 10; p <= 99; p++) {
		const char *a = lc_province_abbr(p * 10000);
		if (a) {
			n++;
			assert_int_equal(strlen(a), 3); /* one CJK character in UTF-8 */
		}
	}
	assert_int_equal(n, 31);
	assert_null(lc_province_abbr(710000)); /* Taiwan */
	assert_null(lc_province_abbr(810000)); /* Hong Kong */
	assert_null(lc_province_abbr(99999));
}

static void test_sequences(void **state)
{
	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	struct tempdb t;
	struct db *db;
	assert_int_equal(tempdb_make(&t, "lc_numbers"), 0);
	assert_int_equal(db_open(t.path, DB_OPEN_CREATE, &db), 0);
	assert_int_equal(migrate_run(db, 0, 0), 0);
	struct field_error err = {0};
	char no[LC_LICENCE_NO_MAX];

	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(lc_number_next(db, "food", "101", 540102, no, &err), SVC_OK);
	assert_string_equal(no, "SC10154010200012");
	assert_int_equal(lc_number_next(db, "food", "101", 540102, no, &err), SVC_OK);
	assert_memory_equal(no, "SC1015401020002", 15);
	/* Another prefix has its own sequence. */
	assert_int_equal(lc_number_next(db, "food", "101", 540103, no, &err), SVC_OK);
	assert_memory_equal(no, "SC1015401030001", 15);
	assert_int_equal(lc_number_next(db, "industrial", "XK13-001", 540102, no, &err), SVC_OK);
	assert_string_equal(no, "(藏)XK13-001-00001");
	assert_int_equal(db_commit(db), 0);

	/* A number already held (an imported licence) is skipped. */
	char taken[LC_LICENCE_NO_MAX];
	assert_int_equal(lc_sc_format("101", 540102, 3, taken), 0);
	assert_int_equal(db_begin_write(db), 0);
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO lc_licence (id, licence_no, kind, holder, holder_name, region_code, "
	        "categories, scope_text, site_address, legal_rep, issuer, issued_on, valid_from, "
	        "valid_until, status, application_id, next_check_due, created_at, updated_at) "
	        "VALUES (1, ?, 'food', 'X', 'X', 540102, '101', 's', 'a', 'r', 'i', '2020-01-01', "
	        "'2020-01-01', '2024-12-31', 'valid', 0, '2021-01-01', 'x', 'x')");
	assert_non_null(st);
	db_bind_cstr(st, 1, taken);
	assert_int_equal(db_step(st), DB_DONE);
	db_reset(st);
	assert_int_equal(lc_number_next(db, "food", "101", 540102, no, &err), SVC_OK);
	assert_memory_equal(no, "SC1015401020004", 15);
	assert_int_equal(db_commit(db), 0);

	/* A rolled-back issue hands its number out again. */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(lc_number_next(db, "food", "101", 540102, no, &err), SVC_OK);
	assert_memory_equal(no, "SC1015401020005", 15);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(lc_number_next(db, "food", "101", 540102, no, &err), SVC_OK);
	assert_memory_equal(no, "SC1015401020005", 15);

	/* Used up. */
	assert_int_equal(db_exec(db, "UPDATE lc_number_seq SET next = 10000 WHERE prefix = "
	                             "'SC101540102'"),
	                 0);
	assert_int_equal(lc_number_next(db, "food", "101", 540102, no, &err), SVC_CONFLICT);
	assert_string_equal(err.code, "exhausted");
	/* Nothing can be made. */
	assert_int_equal(lc_number_next(db, "industrial", "101", 540102, no, &err), SVC_INVALID);
	assert_string_equal(err.field, "categories");
	assert_int_equal(db_rollback(db), 0);
	db_close(db);
	tempdb_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mod11_10),
	    cmocka_unit_test(test_formats),
	    cmocka_unit_test(test_provinces),
	    cmocka_unit_test(test_sequences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

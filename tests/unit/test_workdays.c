/*
 * The working-day calendar: deadlines across the 2026 Spring Festival, National Day (with
 * Mid-Autumn) and New Year, each worked out by hand in the comments from the State Council's
 * notice (rest days and make-up working days, see data/holidays.tsv), counting in both
 * directions, years the calendar does not know (weekends only), long spans against a plain
 * day-by-day count, the shipped years as seeded, replacing a year (validation naming the
 * field, nothing written on a bad entry) and a change made through another connection being
 * noticed by the shared calendar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/dates.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/mem.h"
#include "platform/migrate.h"
#include "platform/service.h"
#include "platform/workdays.h"
#include "tempdb.h"

struct fixture {
	struct tempdb tmp;
	struct db *db;
	struct workcal *cal; /* loaded from the migrated (seeded) database */
};

static int32_t D(const char *s)
{
	int32_t d;
	assert_int_equal(date_parse(s, strlen(s), &d), 0);
	return d;
}

static void assert_day(int32_t got, const char *want)
{
	char s[11];
	date_format(got, s);
	assert_string_equal(s, want);
}

static int setup(void **state)
{
	struct fixture *x = xcalloc(1, sizeof *x);
	if (tempdb_make(&x->tmp, "workdays") != 0 ||
	    db_open(x->tmp.path, DB_OPEN_CREATE, &x->db) != 0 || migrate_run(x->db, 0, 0) != 0 ||
	    workcal_load(x->db, &x->cal) != 0)
		return -1;
	workcal_invalidate(); /* the shared calendar may hold another test's database */
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	workcal_free(x->cal);
	db_close(x->db);
	tempdb_remove(&x->tmp);
	free(x);
	return 0;
}

/* The shipped years: 2025 and 2026 known, 2026 verified, 2027 not. */
static void test_seeded(void **state)
{
	struct fixture *x = *state;
	assert_true(workcal_known(x->cal, 2025));
	assert_true(workcal_known(x->cal, 2026));
	assert_false(workcal_known(x->cal, 2027));
	assert_false(workcal_known(x->cal, 1899));
	assert_false(workcal_known(x->cal, 2200));
	struct buf b = {0};
	assert_int_equal(workcal_year_json(x->db, 2026, &b), 0);
	assert_non_null(strstr(b.data, "\"known\":true"));
	assert_non_null(strstr(b.data, "\"verified\":true"));
	assert_non_null(strstr(b.data, "{\"date\":\"2026-02-14\",\"kind\":\"work\""));
	buf_reset(&b);
	assert_int_equal(workcal_year_json(x->db, 2025, &b), 0);
	assert_non_null(strstr(b.data, "\"verified\":false"));
	buf_reset(&b);
	assert_int_equal(workcal_year_json(x->db, 2027, &b), 0);
	assert_string_equal(b.data, "{\"year\":2027,\"known\":false,\"source\":null,\"verified\":"
	                            "false,\"updated_at\":null,\"days\":[]}");
	buf_free(&b);
	assert_string_equal(workcal_holiday(x->cal, D("2026-02-17")), "春节");
	assert_null(workcal_holiday(x->cal, D("2026-02-24")));
}

static void test_is_workday(void **state)
{
	struct workcal *c = ((struct fixture *)*state)->cal;
	assert_true(workcal_is_workday(c, D("2026-02-13")));  /* Fri */
	assert_true(workcal_is_workday(c, D("2026-02-14")));  /* Sat, make-up */
	assert_false(workcal_is_workday(c, D("2026-02-15"))); /* Sun, Spring Festival */
	assert_false(workcal_is_workday(c, D("2026-02-16"))); /* Mon, Spring Festival */
	assert_false(workcal_is_workday(c, D("2026-02-23"))); /* Mon, last rest day */
	assert_true(workcal_is_workday(c, D("2026-02-24")));  /* Tue */
	assert_true(workcal_is_workday(c, D("2026-02-28")));  /* Sat, make-up */
	assert_false(workcal_is_workday(c, D("2026-03-01"))); /* Sun */
	assert_true(workcal_is_workday(c, D("2026-09-20")));  /* Sun, make-up */
	assert_false(workcal_is_workday(c, D("2026-09-25"))); /* Fri, Mid-Autumn */
	assert_false(workcal_is_workday(c, D("2026-10-07"))); /* Wed, National Day */
	assert_true(workcal_is_workday(c, D("2026-10-10")));  /* Sat, make-up */
	assert_false(workcal_is_workday(c, D("2026-01-01"))); /* Thu, New Year */
	assert_true(workcal_is_workday(c, D("2026-01-04")));  /* Sun, make-up */
	assert_false(workcal_is_workday(c, D("2030-01-05"))); /* Sat of an unknown year */
	assert_true(workcal_is_workday(c, D("2030-01-01")));  /* Tue: New Year unknown */
}

static void test_spring_festival(void **state)
{
	struct workcal *c = ((struct fixture *)*state)->cal;
	/* 5 working days after Fri 2026-02-13: Sat 14 (make-up) 1, [Sun 15 .. Mon 23 rest],
	 * Tue 24 2, Wed 25 3, Thu 26 4, Fri 27 5. */
	assert_day(workcal_add(c, D("2026-02-13"), 5), "2026-02-27");
	/* 6: Sat 28 (make-up). 7: [Sun Mar 1 rest] Mon Mar 2. */
	assert_day(workcal_add(c, D("2026-02-13"), 6), "2026-02-28");
	assert_day(workcal_add(c, D("2026-02-13"), 7), "2026-03-02");
	/* 1 working day after Sat 14 (a make-up day, not counted itself): Tue 24. */
	assert_day(workcal_add(c, D("2026-02-14"), 1), "2026-02-24");
	/* 1 working day after Thu 12: Fri 13. 2: Sat 14. */
	assert_day(workcal_add(c, D("2026-02-12"), 1), "2026-02-13");
	assert_day(workcal_add(c, D("2026-02-12"), 2), "2026-02-14");
	/* The decision limit, 20 working days after Fri 2026-02-06: Mon 9 1, Tue 10 2, Wed 11 3,
	 * Thu 12 4, Fri 13 5, Sat 14 6, Tue 24 7, Wed 25 8, Thu 26 9, Fri 27 10, Sat 28 11,
	 * Mon Mar 2 12, Tue 3 13, Wed 4 14, Thu 5 15, Fri 6 16, Mon 9 17, Tue 10 18, Wed 11 19,
	 * Thu 12 20. */
	assert_day(workcal_add(c, D("2026-02-06"), 20), "2026-03-12");
	/* 0 gives the day itself, even a rest day. */
	assert_day(workcal_add(c, D("2026-02-16"), 0), "2026-02-16");
	/* From inside the holiday, Wed 2026-02-18: Tue 24 1, Wed 25 2, Thu 26 3. */
	assert_day(workcal_add(c, D("2026-02-18"), 3), "2026-02-26");
}

static void test_national_day(void **state)
{
	struct workcal *c = ((struct fixture *)*state)->cal;
	/* 5 working days after Wed 2026-09-30: [Thu Oct 1 .. Wed 7 rest] Thu 8 1, Fri 9 2,
	 * Sat 10 (make-up) 3, [Sun 11] Mon 12 4, Tue 13 5. */
	assert_day(workcal_add(c, D("2026-09-30"), 5), "2026-10-13");
	/* 10 working days after Fri 2026-09-18: [Sat 19] Sun 20 (make-up) 1, Mon 21 2, Tue 22 3,
	 * Wed 23 4, Thu 24 5, [Fri 25 .. Sun 27 Mid-Autumn] Mon 28 6, Tue 29 7, Wed 30 8,
	 * [Oct 1 .. 7] Thu 8 9, Fri 9 10. */
	assert_day(workcal_add(c, D("2026-09-18"), 10), "2026-10-09");
	/* 11: Sat Oct 10 (make-up). */
	assert_day(workcal_add(c, D("2026-09-18"), 11), "2026-10-10");
}

static void test_new_year(void **state)
{
	struct workcal *c = ((struct fixture *)*state)->cal;
	/* 3 working days after Wed 2025-12-31: [Thu Jan 1 .. Sat 3 rest] Sun 4 (make-up) 1,
	 * Mon 5 2, Tue 6 3. */
	assert_day(workcal_add(c, D("2025-12-31"), 3), "2026-01-06");
	/* 1 working day after Fri 2026-01-02: Sun 4. */
	assert_day(workcal_add(c, D("2026-01-02"), 1), "2026-01-04");
}

static void test_between(void **state)
{
	struct workcal *c = ((struct fixture *)*state)->cal;
	/* (Fri Feb 13, Fri Feb 27]: Sat 14, Tue 24, Wed 25, Thu 26, Fri 27 = 5; backwards -5. */
	assert_int_equal(workcal_between(c, D("2026-02-13"), D("2026-02-27")), 5);
	assert_int_equal(workcal_between(c, D("2026-02-27"), D("2026-02-13")), -5);
	/* (Sat 14, Mon 23]: every day rests = 0. */
	assert_int_equal(workcal_between(c, D("2026-02-14"), D("2026-02-23")), 0);
	assert_int_equal(workcal_between(c, D("2026-02-13"), D("2026-02-14")), 1);
	assert_int_equal(workcal_between(c, D("2026-02-13"), D("2026-02-13")), 0);
	/* (Wed Sep 30, Tue Oct 13]: Thu 8, Fri 9, Sat 10, Mon 12, Tue 13 = 5. */
	assert_int_equal(workcal_between(c, D("2026-09-30"), D("2026-10-13")), 5);
	assert_int_equal(workcal_between(c, D("2026-10-13"), D("2026-09-30")), -5);
	/* Unknown year, (Tue 2030-01-01, Tue 2030-01-08]: Wed, Thu, Fri, Mon, Tue = 5. */
	assert_int_equal(workcal_between(c, D("2030-01-01"), D("2030-01-08")), 5);
	/* Days before 1970 (negative day numbers): (Mon 1969-12-29, Mon 1970-01-05] = 5. */
	assert_int_equal(workcal_between(c, D("1969-12-29"), D("1970-01-05")), 5);
	assert_int_equal(workcal_between(c, D("1969-12-26"), D("1969-12-29")), 1);
}

static void test_unknown_year(void **state)
{
	struct workcal *c = ((struct fixture *)*state)->cal;
	assert_false(workcal_known(c, 2030));
	/* 5 working days after Tue 2030-01-01 (weekends only): Wed 2 1, Thu 3 2, Fri 4 3,
	 * Mon 7 4, Tue 8 5. */
	assert_day(workcal_add(c, D("2030-01-01"), 5), "2030-01-08");
	/* 1 after Fri 1900-01-05: Mon 1900-01-08. 1 after Fri 2199-12-27: Mon 2199-12-30. */
	assert_day(workcal_add(c, D("1900-01-05"), 1), "1900-01-08");
	assert_day(workcal_add(c, D("2199-12-27"), 1), "2199-12-30");
	assert_null(workcal_holiday(c, D("2030-10-01")));
	/* A NULL calendar is weekends only. */
	assert_day(workcal_add(NULL, D("2026-02-13"), 5), "2026-02-20");
}

/* The closed forms against a day-by-day count: every start in 2024..2027 by steps, n 0..70,
 * and the whole span 1900..2199. */
static void test_against_brute_force(void **state)
{
	struct workcal *c = ((struct fixture *)*state)->cal;
	for (int32_t d = D("2024-11-01"); d < D("2027-03-01"); d += 3) {
		int32_t t = d;
		for (int n = 1; n <= 70; n++) {
			do
				t++;
			while (!workcal_is_workday(c, t));
			assert_int_equal(workcal_add(c, d, n), t);
			assert_int_equal(workcal_between(c, d, t), n);
			assert_int_equal(workcal_between(c, t, d), -n);
		}
	}
	int32_t a = D("1900-01-01"), b = D("2199-12-31");
	int count = 0;
	for (int32_t d = a + 1; d <= b; d++)
		count += workcal_is_workday(c, d);
	assert_int_equal(workcal_between(c, a, b), count);
	/* A few hundred working days: the 300th after 2025-01-01 agrees with the count. */
	int32_t t = workcal_add(c, D("2025-01-01"), 300);
	assert_int_equal(workcal_between(c, D("2025-01-01"), t), 300);
	assert_true(workcal_is_workday(c, t));
	assert_int_equal(workcal_between(c, D("2025-01-01"), t - 1), 299);
}

static int row_count(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare_once(db, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int n = (int)db_col_int64(st, 0);
	db_finalize(st);
	return n;
}

/* A bad entry is named and nothing changes. */
static void expect_invalid(struct db *db, int year, const char *days, const char *source,
                           const char *field, const char *code)
{
	struct field_error err = {0};
	int before = row_count(db, "SELECT count(*) FROM calendar_day");
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(workcal_set_year(db, year, days, source, &err), SVC_INVALID);
	assert_int_equal(row_count(db, "SELECT count(*) FROM calendar_day"), before);
	assert_int_equal(db_rollback(db), 0);
	assert_string_equal(err.field, field);
	assert_string_equal(err.code, code);
}

static void test_set_year(void **state)
{
	struct fixture *x = *state;
	const char *src = "国务院办公厅通知 2026-11";
	/* 2027-02-06 is a Saturday, 2027-02-08 a Monday, 2027-02-01 a Monday. */
	expect_invalid(x->db, 2027, "[{\"date\":\"2027-02-30\",\"kind\":\"rest\"}]", src,
	               "days[0].date", "invalid");
	expect_invalid(x->db, 2027,
	               "[{\"date\":\"2027-02-08\",\"kind\":\"rest\"},{\"date\":\"2026-12-31\","
	               "\"kind\":\"rest\"}]",
	               src, "days[1].date", "out_of_range");
	expect_invalid(x->db, 2027,
	               "[{\"date\":\"2027-02-08\",\"kind\":\"rest\"},{\"date\":\"2027-02-09\","
	               "\"kind\":\"rest\"},{\"date\":\"2027-02-10\",\"kind\":\"holiday\"}]",
	               src, "days[2].kind", "invalid");
	expect_invalid(x->db, 2027,
	               "[{\"date\":\"2027-02-08\",\"kind\":\"rest\"},{\"date\":\"2027-02-08\","
	               "\"kind\":\"rest\"}]",
	               src, "days[1].date", "duplicate");
	expect_invalid(x->db, 2027, "[{\"date\":\"2027-02-01\",\"kind\":\"work\"}]", src,
	               "days[0].kind", "invalid");
	expect_invalid(x->db, 2027, "[{\"date\":\"2027-02-08\",\"kind\":\"rest\",\"x\":1}]", src,
	               "days[0]", "unknown");
	expect_invalid(x->db, 2027, "[{\"kind\":\"rest\"}]", src, "days[0].date", "required");
	expect_invalid(x->db, 2027, "[{\"date\":\"2027-02-08\",\"kind\":\"rest\",\"name\":5}]", src,
	               "days[0].name", "invalid");
	expect_invalid(x->db, 2027, "{}", src, "days", "invalid");
	expect_invalid(x->db, 2027, "[]", "", "source", "required");
	expect_invalid(x->db, 1899, "[]", src, "year", "out_of_range");

	/* A good year: rest Mon 2027-02-08, make-up Sat 2027-02-06. */
	struct field_error err;
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(workcal_set_year(x->db, 2027,
	                                  "[{\"date\":\"2027-02-08\",\"kind\":\"rest\",\"name\":"
	                                  "\"春节\",\"name_en\":\"Spring Festival\"},{\"date\":"
	                                  "\"2027-02-06\",\"kind\":\"work\"}]",
	                                  src, &err),
	                 0);
	assert_int_equal(db_commit(x->db), 0);
	const struct workcal *c = workcal_current(x->db);
	assert_non_null(c);
	assert_true(workcal_known(c, 2027));
	/* 2 working days after Fri 2027-02-05: Sat 6 (make-up) 1, [Sun 7, Mon 8 rest] Tue 9 2. */
	assert_day(workcal_add(c, D("2027-02-05"), 2), "2027-02-09");
	assert_string_equal(workcal_holiday(c, D("2027-02-08")), "春节");
	workcal_release(c);
	/* Replacing the year removes what it had. */
	assert_int_equal(db_begin_write(x->db), 0);
	assert_int_equal(workcal_set_year(x->db, 2027, "[]", src, &err), 0);
	assert_int_equal(db_commit(x->db), 0);
	assert_int_equal(row_count(x->db, "SELECT count(*) FROM calendar_day WHERE year = 2027"),
	                 0);
	c = workcal_current(x->db);
	assert_true(workcal_known(c, 2027));
	assert_day(workcal_add(c, D("2027-02-05"), 2), "2027-02-09"); /* Mon 8 1, Tue 9 2 */
	assert_true(workcal_is_workday(c, D("2027-02-08")));
	workcal_release(c);

	/* The seed leaves a calendar that has years alone. */
	assert_int_equal(db_exec(x->db, "DELETE FROM calendar_day WHERE year = 2026"), 0);
	assert_int_equal(db_exec(x->db, "DELETE FROM calendar_year WHERE year = 2026"), 0);
	assert_int_equal(workcal_seed(x->db), 0);
	assert_int_equal(row_count(x->db, "SELECT count(*) FROM calendar_year WHERE year = 2026"),
	                 0);
}

/* A change made by another process (here: plain SQL through another connection, as the
 * command line would) is seen within a second, without workcal_invalidate. */
static void test_other_connection(void **state)
{
	struct fixture *x = *state;
	const struct workcal *c = workcal_current(x->db);
	assert_false(workcal_known(c, 2028));
	workcal_release(c);
	struct db *other;
	assert_int_equal(db_open(x->tmp.path, 0, &other), 0);
	assert_int_equal(db_exec(other, "BEGIN IMMEDIATE; INSERT INTO calendar_year (year, "
	                                "source, updated_at) VALUES (2028, 'cli', 'now'); UPDATE "
	                                "meta SET value = 'other' WHERE key = "
	                                "'calendar_generation'; COMMIT"),
	                 0);
	db_close(other);
	/* Within the second the shared calendar is not rebuilt... */
	c = workcal_current(x->db);
	assert_false(workcal_known(c, 2028));
	workcal_release(c);
	/* ...after it, the generation is compared and the change is seen. */
	usleep(1100 * 1000);
	c = workcal_current(x->db);
	assert_true(workcal_known(c, 2028));
	workcal_release(c);
}

int main(void)
{
	if (tempdb_load_regions() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_seeded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_is_workday, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_spring_festival, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_national_day, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_new_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_between, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_against_brute_force, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_connection, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

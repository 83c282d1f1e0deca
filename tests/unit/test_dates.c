/*
 * Unit tests of calendar dates as day numbers (src/platform/dates.c): fixed points of the
 * day count, leap years (1900 common, 2000 and 2024 leap, 2100 common), adding months with
 * the month-end clamp, every day of 1900..2199 through the conversions and the text form,
 * the strict parser's rejects, ages in whole years, and today at an offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "platform/dates.h"

/* The day number of s, which must parse. */
static int32_t D(const char *s)
{
	int32_t day = INT32_MIN;
	if (date_parse(s, strlen(s), &day) != 0)
		fail_msg("date_parse refused %s", s);
	return day;
}

static void assert_date(int32_t day, const char *want)
{
	char got[11];
	date_format(day, got);
	assert_string_equal(got, want);
}

static void test_fixed_points(void **state)
{
	(void)state;
	/* Counted by hand (and by Python's datetime): 1970-01-01 is day 0, 2000-01-01 is
	 * 30 years later with 7 leap days = 30 * 365 + 7 = 10957. */
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(date_from_ymd(2000, 1, 1), 10957);
	/* 1900-01-01: 70 years before 1970 with 17 leap days (1904..1968): -(70*365+17). */
	assert_int_equal(date_from_ymd(1900, 1, 1), -25567);
	assert_int_equal(date_from_ymd(2199, 12, 31), 84005);
	assert_int_equal(D("2024-02-29"), 19782);
	int y, m, d;
	date_to_ymd(-25567, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 19000101);
	date_to_ymd(84005, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 21991231);
}

/* The arithmetic holds beyond the years the parser accepts, before year 0 included (where
 * C's division truncates the wrong way and floor division is needed). */
static void test_outside_parser_range(void **state)
{
	(void)state;
	int y, m, d;
	/* Year 0 is a leap year (divisible by 400) in the proleptic Gregorian calendar. */
	assert_int_equal(date_from_ymd(0, 3, 1) - date_from_ymd(0, 2, 28), 2);
	static const int YMD[][3] = {
	    {-1, 12, 31}, {-401, 2, 28}, {0, 1, 1}, {1, 3, 1}, {9999, 12, 31}};
	for (size_t i = 0; i < sizeof YMD / sizeof *YMD; i++) {
		date_to_ymd(date_from_ymd(YMD[i][0], YMD[i][1], YMD[i][2]), &y, &m, &d);
		assert_int_equal(y, YMD[i][0]);
		assert_int_equal(m, YMD[i][1]);
		assert_int_equal(d, YMD[i][2]);
	}
	assert_int_equal(date_from_ymd(0, 1, 1) - date_from_ymd(-1, 12, 31), 1);
	/* Months backwards across year 0. */
	date_to_ymd(date_add_months(date_from_ymd(0, 1, 31), -1), &y, &m, &d);
	assert_int_equal(y, -1);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
}

static void test_leap_years(void **state)
{
	(void)state;
	int32_t day;
	/* 1900: divisible by 100, not by 400: common. */
	assert_int_equal(date_parse("1900-02-29", 10, &day), -1);
	assert_int_equal(D("1900-03-01") - D("1900-02-28"), 1);
	/* 2000: divisible by 400: leap. */
	assert_int_equal(D("2000-03-01") - D("2000-02-28"), 2);
	assert_int_equal(D("2000-02-29") + 1, D("2000-03-01"));
	/* 2024: divisible by 4: leap, 366 days. */
	assert_int_equal(D("2025-01-01") - D("2024-01-01"), 366);
	assert_int_equal(D("2024-01-01") - D("2023-01-01"), 365);
	/* 2100: common again. */
	assert_int_equal(date_parse("2100-02-29", 10, &day), -1);
	assert_int_equal(date_parse("2026-02-29", 10, &day), -1);
}

static void test_add_months_clamps(void **state)
{
	(void)state;
	/* 31 January + 1 month: February has 29 days in 2024, 28 in 2023. */
	assert_date(date_add_months(D("2024-01-31"), 1), "2024-02-29");
	assert_date(date_add_months(D("2023-01-31"), 1), "2023-02-28");
	/* August 31 + 6 months = February, which ends on the 29th in 2024. */
	assert_date(date_add_months(D("2023-08-31"), 6), "2024-02-29");
	assert_date(date_add_months(D("2024-03-31"), -1), "2024-02-29");
	assert_date(date_add_months(D("2024-05-31"), 1), "2024-06-30");
	/* Across years, both ways. */
	assert_date(date_add_months(D("2024-12-15"), 1), "2025-01-15");
	assert_date(date_add_months(D("2024-01-15"), -1), "2023-12-15");
	assert_date(date_add_months(D("2024-12-15"), -12), "2023-12-15");
	assert_date(date_add_months(D("2024-01-15"), -13), "2022-12-15");
	/* A leap day a year on is the 28th; four years on it is the 29th again. */
	assert_date(date_add_months(D("2024-02-29"), 12), "2025-02-28");
	assert_date(date_add_months(D("2024-02-29"), 48), "2028-02-29");
	assert_date(date_add_months(D("2024-02-29"), 0), "2024-02-29");
	assert_date(date_add_months(D("2000-02-29"), 1200), "2100-02-28");
}

static int days_in(int y, int m)
{
	static const int MD[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return MD[m - 1] + (m == 2 && leap);
}

/* Walks a calendar kept by hand beside the day number, through every day of the range. */
static void test_round_trip_every_day(void **state)
{
	(void)state;
	int y = DATE_MIN_YEAR, m = 1, d = 1;
	int32_t day = date_from_ymd(y, m, d);
	long n = 0;
	while (y <= DATE_MAX_YEAR) {
		int gy, gm, gd;
		date_to_ymd(day, &gy, &gm, &gd);
		if (gy != y || gm != m || gd != d)
			fail_msg("day %d gave %d-%d-%d, expected %d-%d-%d", day, gy, gm, gd, y, m,
			         d);
		if (date_from_ymd(y, m, d) != day)
			fail_msg("%d-%d-%d is not day %d", y, m, d, day);
		char text[11], want[40];
		date_format(day, text);
		snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
		if (strcmp(text, want) != 0)
			fail_msg("day %d formatted as %s, expected %s", day, text, want);
		int32_t back = INT32_MIN;
		if (date_parse(text, 10, &back) != 0 || back != day)
			fail_msg("%s did not parse back to %d", text, day);
		day++;
		n++;
		if (++d > days_in(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	/* 300 years with 73 leap days (75 multiples of 4 from 1900 to 2196, less the common
	 * 1900 and 2100): 300 * 365 + 73 = 109573. */
	assert_int_equal(n, 109573);
	assert_int_equal(n, 84005 - (-25567) + 1);
}

static void test_rejects(void **state)
{
	(void)state;
	static const char *const BAD[] = {
	    "2026-02-29",  /* not a leap year */
	    "2026-13-01",  /* no 13th month */
	    "2026-00-10",  /* no month 0 */
	    "2026-04-31",  /* April has 30 days */
	    "2026-01-00",  /* no day 0 */
	    "2026-1-01",   /* month not two digits */
	    "2026-01-1",   /* day not two digits */
	    " 2026-01-01", /* leading space */
	    "2026-01-01 ", /* trailing space */
	    "2026-01-01x", /* trailing text */
	    "2026/01/01",  /* other separators */
	    "20260101",    /* no separators */
	    "+026-01-01",  /* a sign is not a digit */
	    "2026-0a-01",  /* a letter */
	    "2026-01-0:",  /* ':' follows '9': as a digit it would make day 10 */
	    "2026-1/-01",  /* '/' precedes '0': as a digit it would make month 9 */
	    "1899-12-31",  /* before DATE_MIN_YEAR */
	    "2200-01-01",  /* after DATE_MAX_YEAR */
	    "",            /* empty */
	};
	for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
		int32_t day = 12345;
		if (date_parse(BAD[i], strlen(BAD[i]), &day) != -1)
			fail_msg("date_parse accepted \"%s\"", BAD[i]);
		assert_int_equal(day, 12345); /* untouched on failure */
	}
	int32_t day;
	/* n decides, not a NUL: the first 10 bytes of a longer buffer are a date, but the
	 * whole 11 are not. */
	assert_int_equal(date_parse("2026-01-01x", 10, &day), 0);
	assert_int_equal(date_parse("2026-01-01", 9, &day), -1);
	assert_int_equal(date_parse(NULL, 0, &day), -1);
	/* The edges of the range are accepted. */
	assert_int_equal(D("1900-01-01"), -25567);
	assert_int_equal(D("2199-12-31"), 84005);
}

static void test_years_between(void **state)
{
	(void)state;
	/* An elevator put into use on 2020-06-30 is 14 the day before its 15th anniversary
	 * and 15 on it. */
	assert_int_equal(date_years_between(D("2020-06-30"), D("2035-06-29")), 14);
	assert_int_equal(date_years_between(D("2020-06-30"), D("2035-06-30")), 15);
	assert_int_equal(date_years_between(D("2020-06-30"), D("2020-06-30")), 0);
	/* A leap-day start has its anniversary on 1 March in common years. */
	assert_int_equal(date_years_between(D("2020-02-29"), D("2021-02-28")), 0);
	assert_int_equal(date_years_between(D("2020-02-29"), D("2021-03-01")), 1);
	assert_int_equal(date_years_between(D("2020-02-29"), D("2024-02-29")), 4);
	/* Backwards: the same count with a minus sign. */
	assert_int_equal(date_years_between(D("2035-06-30"), D("2020-06-30")), -15);
}

static void test_today_at(void **state)
{
	(void)state;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	int32_t utc = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	int32_t got = date_today_at(0);
	/* The clock may pass midnight between the two readings. */
	assert_true(got == utc || got == utc + 1);
	/* Eight hours east is the same day or the next, never earlier. */
	int32_t china = date_today_at(480);
	assert_true(china == got || china == got + 1);
	/* A full day's offset is exactly a day. */
	assert_int_equal(date_today_at(24 * 60) - date_today_at(0), 1);
	assert_int_equal(date_today_at(0) - date_today_at(-24 * 60), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed_points),
	    cmocka_unit_test(test_outside_parser_range),
	    cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_add_months_clamps),
	    cmocka_unit_test(test_round_trip_every_day),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_years_between),
	    cmocka_unit_test(test_today_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

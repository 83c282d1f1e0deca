/*
 * Calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian), so that date
 * arithmetic is integer arithmetic. Text is always YYYY-MM-DD.
 */
#ifndef JZ_DATES_H
#define JZ_DATES_H

#include <stddef.h>
#include <stdint.h>

#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2199
#define DATE_NONE INT32_MIN /* an absent date (days before 1970 are negative numbers) */

/* Parses exactly YYYY-MM-DD (a real date, year DATE_MIN_YEAR..DATE_MAX_YEAR) from s[0..n).
 * Returns 0 with *day, or -1. */
int date_parse(const char *s, size_t n, int32_t *day);

/* Writes day as YYYY-MM-DD and a NUL into out. */
void date_format(int32_t day, char out[11]);

/* The day number of y-m-d (m 1..12, d 1..31, not checked beyond what the arithmetic needs). */
int32_t date_from_ymd(int y, int m, int d);
/* The year, month and day of a day number. */
void date_to_ymd(int32_t day, int *y, int *m, int *d);

/* day plus months calendar months; a day past the end of the target month becomes its last
 * day (2024-01-31 + 1 month = 2024-02-29). months may be negative. */
int32_t date_add_months(int32_t day, int months);

/* Whole years from `from` to `to` (the age on `to` of something that began on `from`). */
int date_years_between(int32_t from, int32_t to);

/* Today at UTC offset offset_minutes (China: +480). */
int32_t date_today_at(int offset_minutes);

#endif

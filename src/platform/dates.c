/*
 * Calendar dates as day numbers (see dates.h). The conversions are Howard Hinnant's
 * days-from-civil and civil-from-days algorithms, which count in 400-year eras so that every
 * division is of a non-negative number and no table of month lengths is needed beyond one
 * for the last day of a month.
 */
#include "dates.h"

#include <time.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int MDAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return MDAYS[m - 1] + (m == 2 && is_leap(y));
}

/* Floor division for a positive divisor (C's / truncates towards zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && a < 0);
}

int32_t date_from_ymd(int y, int m, int d)
{
	/* Years start in March, so that the leap day is the last day of its year. */
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;                                  /* [0, 399] */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
	return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;                                      /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int date_parse(const char *s, size_t n, int32_t *day)
{
	if (s == NULL || n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int v[3] = {0, 0, 0}, k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 4 || i == 7) {
			k++;
			continue;
		}
		/* Not isdigit: it depends on the locale and would take other digits. */
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v[k] = v[k] * 10 + (s[i] - '0');
	}
	int y = v[0], m = v[1], d = v[2];
	if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
	    d > month_days(y, m))
		return -1;
	*day = date_from_ymd(y, m, d);
	return 0;
}

/* Writes v as exactly width decimal digits (the low ones) at p. */
static void put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void date_format(int32_t day, char out[11])
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	/* Day numbers outside years 0..9999 have no YYYY form; they are clamped rather than
	 * overflowing out. Nothing the parser accepts comes near. */
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = '\0';
}

int32_t date_add_months(int32_t day, int months)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	int64_t total = (int64_t)y * 12 + (m - 1) + months;
	int ny = (int)floor_div(total, 12);
	int nm = (int)(total - (int64_t)ny * 12) + 1;
	int last = month_days(ny, nm);
	return date_from_ymd(ny, nm, d > last ? last : d);
}

int date_years_between(int32_t from, int32_t to)
{
	if (to < from)
		return -date_years_between(to, from);
	int fy, fm, fd, ty, tm, td;
	date_to_ymd(from, &fy, &fm, &fd);
	date_to_ymd(to, &ty, &tm, &td);
	int years = ty - fy;
	/* Not yet the anniversary this year (for 29 February: 1 March in a common year). */
	if (tm < fm || (tm == fm && td < fd))
		years--;
	return years;
}

int32_t date_today_at(int offset_minutes)
{
	int64_t t = (int64_t)time(NULL) + (int64_t)offset_minutes * 60;
	return (int32_t)floor_div(t, 86400);
}

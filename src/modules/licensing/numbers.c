/*
 * Licence numbers: the MOD 11-10 check digit (our stand-in for the unpublished official SC
 * check, see numbers.h), the province abbreviations of XK numbers, formatting, and the
 * per-prefix sequences in lc_number_seq.
 */
#include "numbers.h"

#include <stdio.h>
#include <string.h>

#include "platform/db.h"

int lc_mod11_10(const char *s, size_t n)
{
	if (n == 0)
		return -1;
	int p = 10;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		int t = (p + (s[i] - '0')) % 10;
		if (t == 0)
			t = 10;
		p = (t * 2) % 11;
	}
	/* The check digit c makes (p + c) mod 10 equal 1. */
	return (11 - p) % 10;
}

int lc_mod11_10_valid(const char *s, size_t n)
{
	if (n < 2 || s[n - 1] < '0' || s[n - 1] > '9')
		return 0;
	return lc_mod11_10(s, n - 1) == s[n - 1] - '0';
}

/* The provinces by the first two digits of their GB/T 2260 code, with the one-character
 * abbreviation (简称) in common official use. Guizhou, Yunnan, Sichuan, Shaanxi and Gansu
 * have a second, older abbreviation (黔, 滇, 蜀, 秦, 陇); the first is used here. */
static const struct {
	int code;
	const char *abbr;
} PROVINCES[] = {
    {11, "京"}, {12, "津"}, {13, "冀"}, {14, "晋"}, {15, "蒙"}, {21, "辽"}, {22, "吉"}, {23, "黑"},
    {31, "沪"}, {32, "苏"}, {33, "浙"}, {34, "皖"}, {35, "闽"}, {36, "赣"}, {37, "鲁"}, {41, "豫"},
    {42, "鄂"}, {43, "湘"}, {44, "粤"}, {45, "桂"}, {46, "琼"}, {50, "渝"}, {51, "川"}, {52, "贵"},
    {53, "云"}, {54, "藏"}, {61, "陕"}, {62, "甘"}, {63, "青"}, {64, "宁"}, {65, "新"},
};

const char *lc_province_abbr(int region)
{
	if (region < 100000 || region > 999999)
		return NULL;
	int p = region / 10000;
	for (size_t i = 0; i < sizeof PROVINCES / sizeof *PROVINCES; i++)
		if (PROVINCES[i].code == p)
			return PROVINCES[i].abbr;
	return NULL;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* 1 if category is a 3-digit food code. */
static int food_category(const char *c)
{
	return c && strlen(c) == 3 && all_digits(c, 3);
}

/* 1 if category is "XK" + 2 digits + "-" + 3 digits. */
static int industrial_category(const char *c)
{
	return c && strlen(c) == 8 && c[0] == 'X' && c[1] == 'K' && all_digits(c + 2, 2) &&
	       c[4] == '-' && all_digits(c + 5, 3);
}

int lc_sc_format(const char *category, int region, int seq, char out[LC_LICENCE_NO_MAX])
{
	if (!food_category(category) || region < 100000 || region > 999999 || seq < 1 ||
	    seq > LC_SC_SEQ_MAX)
		return -1;
	char digits[16];
	snprintf(digits, sizeof digits, "%s%06d%04d", category, region, seq);
	int c = lc_mod11_10(digits, 13);
	if (c < 0)
		return -1;
	snprintf(out, LC_LICENCE_NO_MAX, "SC%s%d", digits, c);
	return 0;
}

int lc_xk_format(const char *category, int region, int seq, char out[LC_LICENCE_NO_MAX])
{
	const char *abbr = lc_province_abbr(region);
	if (!industrial_category(category) || abbr == NULL || seq < 1 || seq > LC_XK_SEQ_MAX)
		return -1;
	snprintf(out, LC_LICENCE_NO_MAX, "(%s)%s-%05d", abbr, category, seq);
	return 0;
}

int lc_number_prefix(const char *kind, const char *category, int region,
                     char out[LC_LICENCE_NO_MAX])
{
	if (kind && strcmp(kind, LC_KIND_FOOD) == 0) {
		if (!food_category(category) || region < 100000 || region > 999999)
			return -1;
		snprintf(out, LC_LICENCE_NO_MAX, "SC%s%06d", category, region);
		return 0;
	}
	if (kind && strcmp(kind, LC_KIND_INDUSTRIAL) == 0) {
		const char *abbr = lc_province_abbr(region);
		if (!industrial_category(category) || abbr == NULL)
			return -1;
		snprintf(out, LC_LICENCE_NO_MAX, "(%s)%s", abbr, category);
		return 0;
	}
	return -1;
}

static const char SQL_SEQ_GET[] = "SELECT next FROM lc_number_seq WHERE prefix = ?";
static const char SQL_SEQ_SET[] = "INSERT INTO lc_number_seq (prefix, next) VALUES (?, ?) "
                                  "ON CONFLICT (prefix) DO UPDATE SET next = excluded.next";
static const char SQL_NO_TAKEN[] = "SELECT 1 FROM lc_licence WHERE licence_no = ?";

int lc_number_next(struct db *db, const char *kind, const char *category, int region,
                   char out[LC_LICENCE_NO_MAX], struct field_error *err)
{
	char prefix[LC_LICENCE_NO_MAX];
	if (lc_number_prefix(kind, category, region, prefix) != 0)
		return field_fail(err, "categories", "invalid",
		                  "no licence number can be made for category %s in region %d",
		                  category ? category : "(none)", region),
		       SVC_INVALID;
	int food = strcmp(kind, LC_KIND_FOOD) == 0;
	int max = food ? LC_SC_SEQ_MAX : LC_XK_SEQ_MAX;

	struct db_stmt *st = db_prepare(db, SQL_SEQ_GET);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, prefix);
	int rc = db_step(st);
	int64_t next = rc == DB_ROW ? db_col_int64(st, 0) : 1;
	db_reset(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return SVC_ERROR;

	for (;; next++) {
		if (next < 1 || next > max)
			return field_fail(err, "licence_no", "exhausted",
			                  "the numbers of prefix %s are used up", prefix),
			       SVC_CONFLICT;
		int bad = food ? lc_sc_format(category, region, (int)next, out)
		               : lc_xk_format(category, region, (int)next, out);
		if (bad)
			return SVC_ERROR;
		st = db_prepare(db, SQL_NO_TAKEN);
		if (st == NULL)
			return SVC_ERROR;
		db_bind_cstr(st, 1, out);
		rc = db_step(st);
		db_reset(st);
		if (rc == DB_DONE)
			break;
		if (rc != DB_ROW)
			return SVC_ERROR;
	}
	st = db_prepare(db, SQL_SEQ_SET);
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, prefix);
	db_bind_int64(st, 2, next + 1);
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

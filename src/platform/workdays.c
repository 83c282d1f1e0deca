/*
 * The working-day calendar (see workdays.h). A calendar is the sorted list of the days of
 * known years that differ from "Monday to Friday work" (holiday rest days and make-up working
 * days) with a running sum of how each changes the count of working days, so that counting
 * working days between any two dates is closed-form weekday arithmetic plus two binary
 * searches, whatever the span (1900..2199 and beyond), and the n-th working day after a date
 * is a binary search over that count.
 *
 * The shared calendar (workcal_current) is reference counted under one mutex. A change is
 * noticed in two ways: workcal_invalidate (this process) makes the next use compare the
 * database's meta row 'calendar_generation' with the one the calendar was built from; without
 * it that comparison is made at most once a second, so a change made by another process (the
 * command line, another server on the same file) is seen within a second. The generation is
 * a random token rewritten by every change, not a counter, so two databases never share one.
 * We chose the meta row over PRAGMA data_version because data_version moves with every write
 * to any table and belongs to one connection, while the cache is shared by all threads.
 */
#include "workdays.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "platform/dates.h"
#include "platform/db.h"
#include "platform/embed.h"
#include "platform/fields.h"
#include "platform/mem.h"
#include "platform/scope.h"
#include "platform/service.h"
#include "platform/textenc.h"
#include "platform/tsv.h"

#define NYEARS            (DATE_MAX_YEAR - DATE_MIN_YEAR + 1)
#define GENERATION_MAX    40
#define RECHECK_NS        1000000000ull /* compare the generation at most once a second */
#define HOLIDAYS_TSV      "data/holidays.tsv"
#define HOLIDAYS_HEADER   "year\tdate\tkind\tname\tname_en\tname_bo\tverified\tsource"
#define HOLIDAYS_COLS     8
#define HOLIDAYS_ROWS_MAX 20000

/* A day of a known year that is not simply "weekday works, weekend rests". */
struct workcal_day {
	int32_t day;      /* day number */
	int work;         /* 1: a make-up working day; 0: a rest day */
	const char *name; /* the holiday (owned by the calendar), or NULL */
};

struct workcal {
	unsigned char known[NYEARS];     /* 1 for the years whose table is loaded */
	struct workcal_day *days;        /* sorted by day */
	size_t n;                        /* entries of days */
	int *adj;                        /* n + 1 running sums: adj[i] = change of the count of
	                                    working days made by days[0..i) */
	int refs;                        /* holders of the shared calendar (under cal_lock) */
	char generation[GENERATION_MAX]; /* the meta row it was built from */
};

/* ---- Arithmetic --------------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

/* Day of the week of day, 0 = Monday .. 6 = Sunday (day -3, 1969-12-29, was a Monday). */
static int weekday_of(int32_t day)
{
	int64_t k = (int64_t)day + 3;
	return (int)(k - 7 * floor_div(k, 7));
}

/* Monday-to-Friday days counted from an origin up to and including day, so that the
 * weekdays in (a, b] are weekdays_upto(b) - weekdays_upto(a). */
static int64_t weekdays_upto(int32_t day)
{
	int64_t k = (int64_t)day + 3;
	int64_t q = floor_div(k, 7), r = k - 7 * q;
	return 5 * q + (r < 5 ? r + 1 : 5);
}

/* How many entries of c->days have day <= x. */
static size_t days_upto(const struct workcal *c, int32_t x)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->days[mid].day <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct workcal_day *day_find(const struct workcal *c, int32_t day)
{
	size_t i = days_upto(c, day);
	return i > 0 && c->days[i - 1].day == day ? &c->days[i - 1] : NULL;
}

int workcal_is_workday(const struct workcal *c, int32_t day)
{
	const struct workcal_day *d = c ? day_find(c, day) : NULL;
	if (d)
		return d->work;
	return weekday_of(day) < 5;
}

int workcal_known(const struct workcal *c, int year)
{
	if (c == NULL || year < DATE_MIN_YEAR || year > DATE_MAX_YEAR)
		return 0;
	return c->known[year - DATE_MIN_YEAR];
}

/* Working days in (a, b] for a <= b. */
static int64_t count_up(const struct workcal *c, int32_t a, int32_t b)
{
	int64_t n = weekdays_upto(b) - weekdays_upto(a);
	if (c && c->n)
		n += c->adj[days_upto(c, b)] - c->adj[days_upto(c, a)];
	return n;
}

int workcal_between(const struct workcal *c, int32_t from, int32_t to)
{
	return from <= to ? (int)count_up(c, from, to) : -(int)count_up(c, to, from);
}

int32_t workcal_add(const struct workcal *c, int32_t day, int n)
{
	if (n <= 0)
		return day;
	/* The smallest t with n working days in (day, t]: that t is itself a working day. */
	int64_t lo = day, span = 2 * (int64_t)n + 30, hi = day + span;
	while (count_up(c, day, (int32_t)hi) < n) {
		lo = hi;
		span *= 2;
		hi = day + span;
	}
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (count_up(c, day, (int32_t)mid) >= n)
			hi = mid;
		else
			lo = mid;
	}
	return (int32_t)hi;
}

const char *workcal_holiday(const struct workcal *c, int32_t day)
{
	const struct workcal_day *d = c ? day_find(c, day) : NULL;
	return d && d->name && d->name[0] ? d->name : NULL;
}

/* ---- Loading ------------------------------------------------------------------------------ */

void workcal_free(struct workcal *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		free((char *)c->days[i].name);
	free(c->days);
	free(c->adj);
	free(c);
}

/* The generation token of the calendar tables into out. Returns 0 or a negative db_result. */
static int generation_read(struct db *db, char out[GENERATION_MAX])
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT value FROM meta WHERE key = 'calendar_generation'");
	if (st == NULL)
		return DB_ERROR;
	int rc = db_step(st);
	out[0] = '\0';
	if (rc == DB_ROW)
		snprintf(out, GENERATION_MAX, "%s", db_col_text(st, 0, NULL));
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* Writes a new random generation token: the calendar changed. */
static int generation_bump(struct db *db)
{
	unsigned char rnd[12];
	char hex[2 * sizeof rnd + 1];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	struct db_stmt *st = db_prepare(db, "INSERT INTO meta (key, value) VALUES "
	                                    "('calendar_generation', ?) ON CONFLICT (key) DO "
	                                    "UPDATE SET value = excluded.value");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, hex);
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

int workcal_load(struct db *db, struct workcal **out)
{
	struct workcal *c = xcalloc(1, sizeof *c);
	/* The generation first: a change committed while we read makes it differ next time. */
	int rc = generation_read(db, c->generation);
	if (rc != 0)
		goto fail;
	struct db_stmt *st = db_prepare(db, "SELECT year FROM calendar_year");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t y = db_col_int64(st, 0);
		if (y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR)
			c->known[y - DATE_MIN_YEAR] = 1;
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	st = db_prepare(db, "SELECT d.day, d.kind, d.name FROM calendar_day d JOIN calendar_year "
	                    "y ON y.year = d.year ORDER BY d.day");
	if (st == NULL) {
		rc = DB_ERROR;
		goto fail;
	}
	size_t cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		size_t n;
		const char *s = db_col_text(st, 0, &n);
		int32_t day;
		if (date_parse(s, n, &day) != 0)
			continue; /* the CHECK keeps these out; a bad row cannot move a deadline */
		if (c->n == cap) {
			cap = cap ? 2 * cap : 128;
			c->days = xrealloc(c->days, cap * sizeof *c->days);
		}
		struct workcal_day *d = &c->days[c->n++];
		d->day = day;
		d->work = strcmp(db_col_text(st, 1, NULL), "work") == 0;
		const char *name = db_col_text(st, 2, NULL);
		d->name = name[0] ? xstrdup(name) : NULL;
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	c->adj = xcalloc(c->n + 1, sizeof *c->adj);
	for (size_t i = 0; i < c->n; i++) {
		int weekend = weekday_of(c->days[i].day) >= 5;
		int change = c->days[i].work ? weekend : -!weekend;
		c->adj[i + 1] = c->adj[i] + change;
	}
	*out = c;
	return 0;
fail:
	workcal_free(c);
	return rc < 0 ? rc : DB_ERROR;
}

/* ---- The shared calendar ------------------------------------------------------------------ */

static pthread_mutex_t cal_lock = PTHREAD_MUTEX_INITIALIZER;
static struct workcal *cal_shared;       /* the calendar in use, holding one reference */
static unsigned cal_epoch;               /* bumped by workcal_invalidate */
static unsigned cal_checked_epoch = ~0u; /* the epoch at the last generation check */
static uint64_t cal_checked_ns;          /* when that check was made */

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Drops one reference; cal_lock held. */
static void release_locked(struct workcal *c)
{
	if (--c->refs == 0)
		workcal_free(c);
}

const struct workcal *workcal_current(struct db *db)
{
	uint64_t now = monotonic_ns();
	pthread_mutex_lock(&cal_lock);
	unsigned epoch = cal_epoch;
	if (cal_shared && cal_checked_epoch == epoch && now - cal_checked_ns < RECHECK_NS) {
		struct workcal *c = cal_shared;
		c->refs++;
		pthread_mutex_unlock(&cal_lock);
		return c;
	}
	pthread_mutex_unlock(&cal_lock);

	char gen[GENERATION_MAX];
	if (generation_read(db, gen) != 0)
		return NULL;
	pthread_mutex_lock(&cal_lock);
	if (cal_shared && strcmp(cal_shared->generation, gen) == 0) {
		struct workcal *c = cal_shared;
		c->refs++;
		cal_checked_epoch = epoch;
		cal_checked_ns = now;
		pthread_mutex_unlock(&cal_lock);
		return c;
	}
	pthread_mutex_unlock(&cal_lock);

	struct workcal *fresh;
	if (workcal_load(db, &fresh) != 0)
		return NULL;
	pthread_mutex_lock(&cal_lock);
	if (cal_shared)
		release_locked(cal_shared);
	fresh->refs = 2; /* the cache and the caller */
	cal_shared = fresh;
	cal_checked_epoch = epoch;
	cal_checked_ns = now;
	pthread_mutex_unlock(&cal_lock);
	return fresh;
}

void workcal_release(const struct workcal *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&cal_lock);
	release_locked((struct workcal *)c);
	pthread_mutex_unlock(&cal_lock);
}

void workcal_invalidate(void)
{
	pthread_mutex_lock(&cal_lock);
	cal_epoch++;
	pthread_mutex_unlock(&cal_lock);
}

/* ---- Changing a year ---------------------------------------------------------------------- */

/* The field a failure names ("days[3].date"): per thread, valid until the next failure. */
static _Thread_local char fail_field[64];

static int fail_at(struct field_error *err, int i, const char *member, const char *code,
                   const char *msg)
{
	if (i < 0)
		snprintf(fail_field, sizeof fail_field, "%s", member);
	else if (member)
		snprintf(fail_field, sizeof fail_field, "days[%d].%s", i, member);
	else
		snprintf(fail_field, sizeof fail_field, "days[%d]", i);
	field_fail(err, fail_field, code, "%s: %s", fail_field, msg);
	return SVC_INVALID;
}

/* A name: NULL/absent, or a string of at most WORKCAL_NAME_MAX characters without control
 * characters. Returns 0 or -1. */
static int name_ok(json_t *v)
{
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return -1;
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	return strlen(s) == n && utf8_count(s, n) <= WORKCAL_NAME_MAX && !utf8_has_control(s, n, 0)
	           ? 0
	           : -1;
}

static const char *str_or_empty(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

static int insert_day(struct db *db, const char *date, int year, const char *kind, const char *name,
                      const char *name_en, const char *name_bo)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO calendar_day (day, year, kind, name, "
	                                    "name_en, name_bo) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, date);
	db_bind_int64(st, 2, year);
	db_bind_cstr(st, 3, kind);
	db_bind_cstr(st, 4, name);
	db_bind_cstr(st, 5, name_en);
	db_bind_cstr(st, 6, name_bo);
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

static int year_row_put(struct db *db, int year, const char *source, int verified)
{
	char now[32];
	now_iso(now);
	struct db_stmt *st =
	    db_prepare(db, "INSERT INTO calendar_year (year, source, verified, updated_at) VALUES "
	                   "(?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET source = "
	                   "excluded.source, verified = excluded.verified, updated_at = "
	                   "excluded.updated_at");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, year);
	db_bind_cstr(st, 2, source);
	db_bind_int64(st, 3, verified);
	db_bind_cstr(st, 4, now);
	int rc = db_step(st);
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* Checks the days of year in arr (see workcal_set_year). Returns 0 or SVC_INVALID. */
static int days_check(json_t *arr, int year, struct field_error *err)
{
	static const char *const KEYS[] = {"date", "kind", "name", "name_en", "name_bo", NULL};
	if (!json_is_array(arr))
		return fail_at(err, -1, "days", "invalid", "must be an array of days");
	if (json_array_size(arr) > WORKCAL_DAYS_MAX)
		return fail_at(err, -1, "days", "too_many", "a year has at most 366 days");
	int32_t seen[WORKCAL_DAYS_MAX];
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		int k = (int)i;
		if (!json_is_object(e))
			return fail_at(err, k, NULL, "invalid", "must be an object");
		const char *key;
		json_t *v;
		json_object_foreach(e, key, v)
		{
			int known = 0;
			for (int j = 0; KEYS[j]; j++)
				known |= strcmp(KEYS[j], key) == 0;
			if (!known)
				return fail_at(
				    err, k, NULL, "unknown",
				    "only date, kind, name, name_en and name_bo are allowed");
		}
		json_t *date = json_object_get(e, "date");
		int32_t day;
		if (date == NULL)
			return fail_at(err, k, "date", "required", "the date is required");
		if (!json_is_string(date) ||
		    date_parse(json_string_value(date), json_string_length(date), &day) != 0)
			return fail_at(err, k, "date", "invalid", "must be a date YYYY-MM-DD");
		int y, m, d;
		date_to_ymd(day, &y, &m, &d);
		if (y != year)
			return fail_at(err, k, "date", "out_of_range", "must lie in the year");
		for (size_t j = 0; j < i; j++)
			if (seen[j] == day)
				return fail_at(err, k, "date", "duplicate",
				               "the date is given twice");
		seen[i] = day;
		json_t *kind = json_object_get(e, "kind");
		if (kind == NULL)
			return fail_at(err, k, "kind", "required", "the kind is required");
		const char *ks = json_is_string(kind) ? json_string_value(kind) : "";
		if (strcmp(ks, "rest") != 0 && strcmp(ks, "work") != 0)
			return fail_at(err, k, "kind", "invalid", "must be \"rest\" or \"work\"");
		if (strcmp(ks, "work") == 0 && weekday_of(day) < 5)
			return fail_at(err, k, "kind", "invalid",
			               "a make-up working day falls on a weekend; this date is a "
			               "weekday");
		static const char *const NAMES[] = {"name", "name_en", "name_bo"};
		for (int j = 0; j < 3; j++)
			if (name_ok(json_object_get(e, NAMES[j])) != 0)
				return fail_at(err, k, NAMES[j], "invalid",
				               "must be text of at most 100 characters");
	}
	return 0;
}

int workcal_set_year(struct db *db, int year, const char *days_json, const char *source,
                     struct field_error *err)
{
	if (year < DATE_MIN_YEAR || year > DATE_MAX_YEAR)
		return fail_at(err, -1, "year", "out_of_range", "must be 1900 to 2199");
	size_t sn = source ? strlen(source) : 0;
	if (sn == 0)
		return fail_at(err, -1, "source", "required", "name the notice the days come from");
	if (utf8_invalid_at(source, sn) >= 0 || utf8_has_control(source, sn, 0) ||
	    utf8_count(source, sn) > WORKCAL_SOURCE_MAX)
		return fail_at(err, -1, "source", "invalid",
		               "must be text of at most 300 characters");
	json_error_t je;
	json_t *arr = json_loads(days_json ? days_json : "", JSON_REJECT_DUPLICATES, &je);
	if (arr == NULL)
		return fail_at(err, -1, "days", "invalid", "must be a JSON array of days");
	int rc = days_check(arr, year, err);
	if (rc != 0)
		goto out;
	rc = SVC_ERROR;
	struct db_stmt *st = db_prepare(db, "DELETE FROM calendar_day WHERE year = ?");
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, year);
	int drc = db_step(st);
	db_reset(st);
	if (drc < 0 || year_row_put(db, year, source, 1) != 0)
		goto out;
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		if (insert_day(db, json_string_value(json_object_get(e, "date")), year,
		               json_string_value(json_object_get(e, "kind")),
		               str_or_empty(json_object_get(e, "name")),
		               str_or_empty(json_object_get(e, "name_en")),
		               str_or_empty(json_object_get(e, "name_bo"))) != 0)
			goto out;
	}
	if (generation_bump(db) != 0)
		goto out;
	workcal_invalidate();
	rc = 0;
out:
	json_decref(arr);
	return rc;
}

int workcal_year_json(struct db *db, int year, struct buf *out)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT source, verified, updated_at FROM calendar_year WHERE year = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, year);
	int rc = db_step(st);
	buf_printf(out, "{\"year\":%d,\"known\":%s", year, rc == DB_ROW ? "true" : "false");
	if (rc == DB_ROW) {
		size_t n;
		const char *s = db_col_text(st, 0, &n);
		buf_puts(out, ",\"source\":");
		json_write_string(out, s, n);
		buf_printf(out, ",\"verified\":%s", db_col_int64(st, 1) ? "true" : "false");
		s = db_col_text(st, 2, &n);
		buf_puts(out, ",\"updated_at\":");
		json_write_string(out, s, n);
	} else {
		buf_puts(out, ",\"source\":null,\"verified\":false,\"updated_at\":null");
	}
	db_reset(st);
	if (rc < 0)
		return SVC_ERROR;
	buf_puts(out, ",\"days\":[");
	st = db_prepare(db, "SELECT day, kind, name, name_en, name_bo FROM calendar_day WHERE "
	                    "year = ? ORDER BY day");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, year);
	static const char *const KEYS[] = {"date", "kind", "name", "name_en", "name_bo"};
	int first = 1;
	while ((rc = db_step(st)) == DB_ROW) {
		buf_puts(out, first ? "{" : ",{");
		first = 0;
		for (int i = 0; i < 5; i++) {
			size_t n;
			const char *s = db_col_text(st, i, &n);
			buf_printf(out, "%s\"%s\":", i ? "," : "", KEYS[i]);
			json_write_string(out, s, n);
		}
		buf_putc(out, '}');
	}
	db_reset(st);
	buf_puts(out, "]}");
	return rc < 0 ? SVC_ERROR : 0;
}

/* ---- The shipped years -------------------------------------------------------------------- */

/* Why line i of the holidays file is wrong, or NULL. */
static const char *holiday_line_check(const struct tsv_table *t, size_t i)
{
	const struct tsv_row *r = &t->rows[i];
	if (r->n != HOLIDAYS_COLS)
		return "expected 8 columns";
	char **c = r->cell;
	int64_t year;
	int32_t day;
	if (field_int_parse(c[0], strlen(c[0]), DATE_MIN_YEAR, DATE_MAX_YEAR, &year) != 0)
		return "year must be 1900 to 2199";
	if (date_parse(c[1], strlen(c[1]), &day) != 0)
		return "date must be YYYY-MM-DD";
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	if (y != year)
		return "the date is not in the year";
	if (strcmp(c[2], "rest") != 0 && strcmp(c[2], "work") != 0)
		return "kind must be rest or work";
	if (strcmp(c[2], "work") == 0 && weekday_of(day) < 5)
		return "a make-up working day must fall on a weekend";
	for (int k = 3; k <= 5; k++)
		if (utf8_invalid_at(c[k], strlen(c[k])) >= 0 ||
		    utf8_count(c[k], strlen(c[k])) > WORKCAL_NAME_MAX)
			return "names must be UTF-8 of at most 100 characters";
	if (strcmp(c[6], "yes") != 0 && strcmp(c[6], "no") != 0)
		return "verified must be yes or no";
	if (c[7][0] == '\0' || utf8_invalid_at(c[7], strlen(c[7])) >= 0)
		return "the source is required";
	for (size_t j = 1; j < i; j++) {
		char **o = t->rows[j].cell;
		if (strcmp(o[1], c[1]) == 0)
			return "the date is given twice";
		if (strcmp(o[0], c[0]) == 0 && (strcmp(o[6], c[6]) != 0 || strcmp(o[7], c[7]) != 0))
			return "verified and source must be the same on every line of a year";
	}
	return NULL;
}

int workcal_seed(struct db *db)
{
	const struct embedded_file *f = embed_find(HOLIDAYS_TSV);
	if (f == NULL) {
		fprintf(stderr, "jinzhi: %s is not in this build\n", HOLIDAYS_TSV);
		return -1;
	}
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM calendar_year");
	if (st == NULL || db_step(st) != DB_ROW) {
		if (st)
			db_reset(st);
		return -1;
	}
	int64_t have = db_col_int64(st, 0);
	db_reset(st);
	if (have > 0)
		return 0; /* the calendar belongs to the administrators once it has a year */

	struct tsv_table t;
	tsv_cut(f->data, f->len, &t);
	int rc = -1;
	if (t.n == 0 || t.n - 1 > HOLIDAYS_ROWS_MAX || t.rows[0].n != HOLIDAYS_COLS) {
		fprintf(stderr, "jinzhi: %s: the header must be: %s\n", HOLIDAYS_TSV,
		        HOLIDAYS_HEADER);
		goto out;
	}
	char header[128] = "";
	for (int k = 0; k < t.rows[0].n; k++)
		snprintf(header + strlen(header), sizeof header - strlen(header), "%s%s",
		         k ? "\t" : "", t.rows[0].cell[k]);
	if (strcmp(header, HOLIDAYS_HEADER) != 0) {
		fprintf(stderr, "jinzhi: %s: the header must be: %s\n", HOLIDAYS_TSV,
		        HOLIDAYS_HEADER);
		goto out;
	}
	for (size_t i = 1; i < t.n; i++) {
		const char *why = holiday_line_check(&t, i);
		if (why) {
			fprintf(stderr, "jinzhi: %s line %d: %s\n", HOLIDAYS_TSV, t.rows[i].line,
			        why);
			goto out;
		}
	}
	if (db_begin_write(db) != 0)
		goto out;
	for (size_t i = 1; i < t.n; i++) {
		char **c = t.rows[i].cell;
		int64_t year;
		if (field_int_parse_cstr(c[0], DATE_MIN_YEAR, DATE_MAX_YEAR, &year) != 0) {
			fprintf(stderr, "jinzhi: data/holidays.tsv:%d: year \"%s\" is not a year\n",
			        t.rows[i].line, c[0]);
			goto fail;
		}
		if (year_row_put(db, (int)year, c[7], strcmp(c[6], "yes") == 0) != 0 ||
		    insert_day(db, c[1], (int)year, c[2], c[3], c[4], c[5]) != 0)
			goto fail;
	}
	if (generation_bump(db) != 0 || db_commit(db) != 0)
		goto fail;
	workcal_invalidate();
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "jinzhi: loading %s: %s\n", HOLIDAYS_TSV, db_errmsg(db));
	db_rollback(db);
out:
	tsv_free(&t);
	return rc;
}

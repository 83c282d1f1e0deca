/*
 * The working-day calendar that statutory limits are counted in: weekends are rest days,
 * the State Council's holidays are rest days, and its make-up working days (调休上班) are
 * working days even on a weekend. A year is known when its holiday table has been loaded
 * (data/holidays.tsv ships the years of the reference; administrators add a year through the
 * API when the State Council announces it each November). In a year that is not known only
 * weekends rest, and callers can say so (workcal_known).
 *
 * Periods follow the rule of Chinese law that the day an event happens is not counted: a
 * limit of n working days from day d ends on the n-th working day after d.
 *
 * Days are day numbers (platform/dates.h). The calendar is a value: loaded from the database
 * once, then shared read-only by every thread until a change replaces it (workcal_current).
 */
#ifndef JZ_WORKDAYS_H
#define JZ_WORKDAYS_H

#include <stdint.h>

struct db;
struct buf;
struct field_error;

struct workcal; /* opaque, immutable once built */

#define WORKCAL_DAYS_MAX   366 /* entries of one year's table */
#define WORKCAL_NAME_MAX   100 /* characters of a day's name */
#define WORKCAL_SOURCE_MAX 300 /* characters of a year's source */

/* Builds a calendar from the calendar tables. Returns 0 with *out (freed by workcal_free), or
 * a negative db_result. */
int workcal_load(struct db *db, struct workcal **out);
void workcal_free(struct workcal *c);

/* The calendar every request uses: loaded on first use and again after workcal_invalidate
 * (a change through workcal_set_year, in this process) or when the database says another
 * process changed it (the meta row 'calendar_generation', compared at most once a second).
 * The pointer stays valid until workcal_release. Returns NULL on a db error. Thread-safe.
 * Inside a transaction that changed the calendar, use workcal_load instead: the shared
 * calendar must not be built from what may still be rolled back. */
const struct workcal *workcal_current(struct db *db);
void workcal_release(const struct workcal *c);
/* Makes the next workcal_current compare the database's generation at once (call it after
 * committing a change, so every thread of this process sees it immediately). */
void workcal_invalidate(void);

/* 1 if day is a working day. */
int workcal_is_workday(const struct workcal *c, int32_t day);

/* 1 if the holiday table of year is loaded. */
int workcal_known(const struct workcal *c, int year);

/* The n-th working day after day (n >= 0; n = 0 gives day itself). */
int32_t workcal_add(const struct workcal *c, int32_t day, int n);

/* Working days in (from, to]: how many have passed since from by the end of to; negative
 * (minus the working days in (to, from]) when to is before from. */
int workcal_between(const struct workcal *c, int32_t from, int32_t to);

/* The name of the holiday day belongs to, or NULL. */
const char *workcal_holiday(const struct workcal *c, int32_t day);

/*
 * Replaces the table of one year (an administrator's act, audited by the caller's
 * transaction): days is a JSON array [{"date":"2027-02-06","kind":"rest"|"work","name":"春节"}]
 * (optional "name_en", "name_bo") whose dates all lie in year, each once, a "work" day only
 * on a weekend. Checks every entry (field "days[3].date" on error; err->field points to
 * per-thread storage valid until the next failure in the thread), replaces the year's rows,
 * records source (required) and marks the calendar changed. Must run in a write
 * transaction; nothing is written on SVC_INVALID. Returns 0, SVC_INVALID with *err, or
 * SVC_ERROR.
 */
int workcal_set_year(struct db *db, int year, const char *days_json, const char *source,
                     struct field_error *err);

/* Appends {"year":Y,"known":true|false,"source":"...","verified":B,"updated_at":"...",
 * "days":[{"date","kind","name","name_en","name_bo"}]} for year. Returns 0 or SVC_ERROR. */
int workcal_year_json(struct db *db, int year, struct buf *out);

/* The platform's seed: loads data/holidays.tsv (checked whole first) into a calendar that has
 * no year yet; a calendar with a year belongs to the administrators. Returns 0 or -1. */
int workcal_seed(struct db *db);

#endif

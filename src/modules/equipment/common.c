/*
 * The equipment module's shared pieces: data scope and today's date.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/dates.h"
#include "modules/registry/model.h"
#include "modules/registry/service.h"
#include "platform/db.h"

#define CHINA_UTC_OFFSET_MINUTES 480

int eq_scope_make(const struct actor *who, int region, struct eq_scope *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->entity = who->entity_code;
	sc->n = actor_scope_ranges(who, region, sc->lo, sc->hi);
	return sc->n ? 0 : -1;
}

int eq_visible(const struct actor *who, int region, const char *credit_code)
{
	if (who->entity_code)
		return credit_code && strcmp(who->entity_code, credit_code) == 0;
	return actor_region_in_scope(who, region);
}

void eq_scope_sql(struct buf *sql, const struct eq_scope *sc, const char *col,
                  const char *entity_col)
{
	buf_puts(sql, " AND (");
	for (int i = 0; i < sc->n; i++)
		buf_printf(sql, "%s%s BETWEEN ? AND ?", i ? " OR " : "", col);
	if (sc->n == 0)
		buf_puts(sql, "0");
	buf_putc(sql, ')');
	if (sc->entity)
		buf_printf(sql, " AND %s = ?", entity_col);
}

void eq_scope_bind(struct db_stmt *st, int *i, const struct eq_scope *sc)
{
	for (int k = 0; k < sc->n; k++) {
		db_bind_int64(st, (*i)++, sc->lo[k]);
		db_bind_int64(st, (*i)++, sc->hi[k]);
	}
	if (sc->entity)
		db_bind_cstr(st, (*i)++, sc->entity);
}

int32_t eq_today(void)
{
	return date_today_at(CHINA_UTC_OFFSET_MINUTES);
}

void eq_now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int eq_use_unit(struct db *db, const char *credit_code, struct arena *a, int *region,
                const char **name)
{
	struct actor all = {.name = "equipment", .all_regions = 1};
	struct record r;
	int rc = registry_get(db, &all, credit_code, a, &r);
	if (rc == REG_NOT_FOUND)
		return EQ_NOT_FOUND;
	if (rc != REG_OK)
		return EQ_ERROR;
	if (region)
		*region = (int)eq_int_of(r.v[ENT_REGION_CODE]);
	if (name)
		*name = r.v[ENT_NAME];
	return EQ_OK;
}

void eq_category_prefix(const char *code, char out[5])
{
	size_t n = strnlen(code, 4);
	memcpy(out, code, n);
	while (n > 1 && out[n - 1] == '0')
		n--;
	out[n] = '\0';
}

int32_t eq_day_of(const char *s)
{
	int32_t d;
	return s && date_parse(s, strlen(s), &d) == 0 ? d : EQ_NO_DAY;
}

int eq_is(const char *v, const char *s)
{
	return v && strcmp(v, s) == 0;
}

void eq_set_str(struct record *r, struct arena *a, int i, const char *s)
{
	if (s) {
		record_set(r, a, i, s, strlen(s));
	} else {
		r->v[i] = NULL;
		r->present |= (uint64_t)1 << i;
	}
}

void eq_set_int(struct record *r, struct arena *a, int i, int64_t v)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)v);
	eq_set_str(r, a, i, s);
}

void eq_set_day(struct record *r, struct arena *a, int i, int32_t day)
{
	if (day == EQ_NO_DAY) {
		eq_set_str(r, a, i, NULL);
		return;
	}
	char s[11];
	date_format(day, s);
	eq_set_str(r, a, i, s);
}

int eq_party_check(struct db *db, const struct actor *who, const char *field,
                   const char *credit_code, struct arena *a, int *region, struct field_error *err)
{
	if (who->entity_code && strcmp(who->entity_code, credit_code) != 0)
		return field_fail(err, field, "not_yours",
		                  "an enterprise account records only what is its own"),
		       EQ_INVALID;
	int rc = eq_use_unit(db, credit_code, a, region, NULL);
	if (rc == EQ_NOT_FOUND) {
		char code[40];
		snprintf(code, sizeof code, "unknown_%s", field);
		return field_fail(err, field, arena_strdup(a, code),
		                  "%s %s is not a registered enterprise", field, credit_code),
		       EQ_INVALID;
	}
	if (rc != EQ_OK)
		return EQ_ERROR;
	if (!eq_visible(who, *region, credit_code))
		return field_fail(err, field, "out_of_scope",
		                  "%s %s is registered outside your jurisdiction", field,
		                  credit_code),
		       EQ_INVALID;
	return EQ_OK;
}

const char *const EQ_UNIT_STATUSES[] = {"in_use", "stopped", "scrapped", NULL};
const char *const EQ_CONCLUSION_NAMES[] = {"pass", "conditional", "fail", NULL};

int eq_credit_code_shape(const struct field_spec *f, const char *v, size_t n,
                         struct field_error *err, const char **warning)
{
	(void)v;
	(void)warning;
	if (n != 18)
		return field_fail(err, f->name, "invalid",
		                  "%s must be an 18-character unified social credit code", f->name);
	return 0;
}

int64_t eq_int_of(const char *s)
{
	int64_t v;
	return s && field_int_parse_cstr(s, INT64_MIN + 1, INT64_MAX, &v) == 0 ? v : 0;
}

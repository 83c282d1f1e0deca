/*
 * The equipment module's shared pieces: data scope and today's date.
 */
#include "common.h"

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
		*region = atoi(r.v[ENT_REGION_CODE]);
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

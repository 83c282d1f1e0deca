/*
 * Data scope of queries, and the wall-clock day and time records carry.
 */
#include "scope.h"

#include <string.h>
#include <time.h>

#include "platform/dates.h"
#include "platform/db.h"

#define CHINA_UTC_OFFSET_MINUTES 480

int scope_make(const struct actor *who, int region, struct scope *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->entity = who->entity_code;
	sc->n = actor_scope_ranges(who, region, sc->lo, sc->hi);
	return sc->n ? 0 : -1;
}

int scope_visible(const struct actor *who, int region, const char *credit_code)
{
	if (who->entity_code)
		return credit_code && strcmp(who->entity_code, credit_code) == 0;
	return actor_region_in_scope(who, region);
}

void scope_sql(struct buf *sql, const struct scope *sc, const char *col, const char *entity_col)
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

void scope_bind(struct db_stmt *st, int *i, const struct scope *sc)
{
	for (int k = 0; k < sc->n; k++) {
		db_bind_int64(st, (*i)++, sc->lo[k]);
		db_bind_int64(st, (*i)++, sc->hi[k]);
	}
	if (sc->entity)
		db_bind_cstr(st, (*i)++, sc->entity);
}

int32_t today_china(void)
{
	return date_today_at(CHINA_UTC_OFFSET_MINUTES);
}

void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

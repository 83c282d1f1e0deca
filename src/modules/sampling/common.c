/*
 * The sampling module's shared pieces: the scope of samples and paging.
 */
#include "common.h"

#include <string.h>

#include "platform/db.h"

int sp_scope_make(const struct actor *who, int region, struct sp_scope *s)
{
	int rc = scope_make(who, region, &s->sc);
	s->lab_unit = who->entity_code ? NULL : who->org_unit;
	return rc != 0 && s->lab_unit == NULL ? -1 : 0;
}

void sp_scope_sql(struct buf *sql, const struct sp_scope *s, const char *region_col,
                  const char *producer_col, const char *lab_col, const char *id_col)
{
	buf_puts(sql, " AND ((1");
	scope_sql(sql, &s->sc, region_col, producer_col);
	buf_putc(sql, ')');
	if (s->lab_unit)
		buf_printf(
		    sql,
		    " OR %s IN (SELECT id FROM sp_lab WHERE org_unit = ?) OR %s IN (SELECT "
		    "o.sample_id FROM sp_objection o JOIN sp_lab l ON l.id = o.retest_lab_id "
		    "WHERE l.org_unit = ?)",
		    lab_col, id_col);
	buf_putc(sql, ')');
}

void sp_scope_bind(struct db_stmt *st, int *i, const struct sp_scope *s)
{
	scope_bind(st, i, &s->sc);
	if (s->lab_unit) {
		db_bind_cstr(st, (*i)++, s->lab_unit);
		db_bind_cstr(st, (*i)++, s->lab_unit);
	}
}

int sp_sample_visible(struct db *db, const struct actor *who, int64_t id, int region,
                      const char *producer, int64_t lab_id)
{
	if (scope_visible(who, region, producer))
		return 1;
	if (who->entity_code || who->org_unit == NULL)
		return 0;
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT 1 FROM sp_lab WHERE org_unit = ? AND (id = ? OR id IN (SELECT retest_lab_id "
	    "FROM sp_objection WHERE sample_id = ?))");
	if (st == NULL)
		return 0;
	db_bind_cstr(st, 1, who->org_unit);
	db_bind_int64(st, 2, lab_id);
	db_bind_int64(st, 3, id);
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_ROW;
}

int sp_limit_parse(const char *s, int *limit, struct field_error *err)
{
	int64_t v = SP_PAGE_DEFAULT;
	if (s && field_int_parse_cstr(s, 1, SP_PAGE_MAX, &v) != 0)
		return field_fail(err, "limit", "invalid", "limit must be 1 to %d", SP_PAGE_MAX),
		       SVC_INVALID;
	*limit = (int)v;
	return SVC_OK;
}

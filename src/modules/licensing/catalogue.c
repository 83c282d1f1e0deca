/*
 * The licensing catalogue (see catalogue.h): the categories file checked whole before
 * anything is written, its rows inserted into lc_category, the workflow processes defined
 * from data/flows, and the lookups applications and licences use to check their categories.
 */
#include "catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/db.h"
#include "platform/embed.h"
#include "platform/flow.h"
#include "platform/textenc.h"
#include "platform/tsv.h"

#define CATEGORIES_TSV "data/licensing-categories.tsv"
#define HEADER         "code\tkind\tname_zh\tname_bo\tname_en"
#define NAME_MAX_BYTES 300

enum { CT_CODE, CT_KIND, CT_NAME_ZH, CT_NAME_BO, CT_NAME_EN, CT_NCOLS };

static const char *const FLOW_FILES[] = {"data/flows/licence-food.json",
                                         "data/flows/licence-industrial.json", NULL};

/* ---- The data file ------------------------------------------------------------------------ */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The kind a code's shape says: "food" for 1xx/2xx, "industrial" for XKuu-ppp, else NULL. */
static const char *kind_of_code(const char *s)
{
	if (strlen(s) == 3 && (s[0] == '1' || s[0] == '2') && is_digit(s[1]) && is_digit(s[2]))
		return LC_KIND_FOOD;
	if (strlen(s) == 8 && s[0] == 'X' && s[1] == 'K' && is_digit(s[2]) && is_digit(s[3]) &&
	    s[4] == '-' && is_digit(s[5]) && is_digit(s[6]) && is_digit(s[7]))
		return LC_KIND_INDUSTRIAL;
	return NULL;
}

static int text_valid(const char *s, int required)
{
	size_t n = strlen(s);
	if (n == 0)
		return !required;
	return n <= NAME_MAX_BYTES && utf8_invalid_at(s, n) < 0 && !utf8_has_control(s, n, 0);
}

/* The index of the header row (after the '#' notes), or t->n when there is none. */
static size_t header_row(const struct tsv_table *t)
{
	size_t i = 0;
	while (i < t->n && t->rows[i].n > 0 && t->rows[i].cell[0][0] == '#')
		i++;
	return i;
}

int lc_catalogue_check(const char *data, size_t len, char *why, size_t nwhy)
{
	struct tsv_table t;
	tsv_cut(data, len, &t);
	int rc = -1;
	size_t h = header_row(&t);
	if (h >= t.n) {
		snprintf(why, nwhy, "%s: no header line", CATEGORIES_TSV);
		goto out;
	}
	/* The header joined back: the cells were cut at tabs. */
	char header[128] = "";
	for (int c = 0; c < t.rows[h].n; c++) {
		size_t used = strlen(header);
		snprintf(header + used, sizeof header - used, "%s%s", c ? "\t" : "",
		         t.rows[h].cell[c]);
	}
	if (strcmp(header, HEADER) != 0) {
		snprintf(why, nwhy, "%s line %d: the header must be \"%s\"", CATEGORIES_TSV,
		         t.rows[h].line, HEADER);
		goto out;
	}
	if (t.n - h - 1 == 0) {
		snprintf(why, nwhy, "%s: no categories", CATEGORIES_TSV);
		goto out;
	}
	for (size_t i = h + 1; i < t.n; i++) {
		const struct tsv_row *r = &t.rows[i];
		if (r->n != CT_NCOLS) {
			snprintf(why, nwhy, "%s line %d: %d cells, not %d", CATEGORIES_TSV, r->line,
			         r->n, CT_NCOLS);
			goto out;
		}
		const char *kind = kind_of_code(r->cell[CT_CODE]);
		if (kind == NULL) {
			snprintf(why, nwhy,
			         "%s line %d: code \"%.40s\" is neither a food code (1xx, 2xx) nor "
			         "an industrial one (XKuu-ppp)",
			         CATEGORIES_TSV, r->line, r->cell[CT_CODE]);
			goto out;
		}
		if (strcmp(kind, r->cell[CT_KIND]) != 0) {
			snprintf(why, nwhy, "%s line %d: code %s is of kind %s, not \"%.20s\"",
			         CATEGORIES_TSV, r->line, r->cell[CT_CODE], kind, r->cell[CT_KIND]);
			goto out;
		}
		if (!text_valid(r->cell[CT_NAME_ZH], 1) || !text_valid(r->cell[CT_NAME_BO], 0) ||
		    !text_valid(r->cell[CT_NAME_EN], 1)) {
			snprintf(
			    why, nwhy,
			    "%s line %d: names must be valid UTF-8 of at most %d bytes without "
			    "control characters (name_zh and name_en required)",
			    CATEGORIES_TSV, r->line, NAME_MAX_BYTES);
			goto out;
		}
		for (size_t j = h + 1; j < i; j++)
			if (strcmp(t.rows[j].cell[CT_CODE], r->cell[CT_CODE]) == 0) {
				snprintf(why, nwhy, "%s line %d: code %s again (first on line %d)",
				         CATEGORIES_TSV, r->line, r->cell[CT_CODE], t.rows[j].line);
				goto out;
			}
	}
	rc = 0;
out:
	tsv_free(&t);
	return rc;
}

static int categories_insert(struct db *db, const struct tsv_table *t)
{
	struct db_stmt *st = db_prepare(db, "INSERT OR IGNORE INTO lc_category (code, kind, "
	                                    "name_zh, name_bo, name_en, ord) VALUES (?, ?, ?, ?, "
	                                    "?, ?)");
	if (st == NULL)
		return -1;
	size_t h = header_row(t);
	for (size_t i = h + 1; i < t->n; i++) {
		char **c = t->rows[i].cell;
		db_bind_cstr(st, 1, c[CT_CODE]);
		db_bind_cstr(st, 2, c[CT_KIND]);
		db_bind_cstr(st, 3, c[CT_NAME_ZH]);
		db_bind_cstr(st, 4, c[CT_NAME_BO][0] ? c[CT_NAME_BO] : NULL);
		db_bind_cstr(st, 5, c[CT_NAME_EN]);
		db_bind_int64(st, 6, (int64_t)(i - h));
		int rc = db_step(st);
		db_reset(st);
		if (rc != DB_DONE)
			return -1;
	}
	return 0;
}

int lc_seed(struct db *db)
{
	const struct embedded_file *f = embed_find(CATEGORIES_TSV);
	if (f == NULL) {
		fprintf(stderr, "jinzhi: %s is not in this build\n", CATEGORIES_TSV);
		return -1;
	}
	char why[300];
	if (lc_catalogue_check(f->data, f->len, why, sizeof why) != 0) {
		fprintf(stderr, "jinzhi: %s\n", why);
		return -1;
	}
	struct tsv_table t;
	tsv_cut(f->data, f->len, &t);
	int rc = -1;
	if (db_begin_write(db) != 0)
		goto out;
	if (categories_insert(db, &t) != 0 || db_commit(db) != 0) {
		fprintf(stderr, "jinzhi: seeding the licensing categories: %s\n", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	for (int i = 0; FLOW_FILES[i]; i++) {
		const struct embedded_file *p = embed_find(FLOW_FILES[i]);
		if (p == NULL) {
			fprintf(stderr, "jinzhi: %s is not in this build\n", FLOW_FILES[i]);
			goto out;
		}
		struct field_error err = {0};
		if (flow_define(db, p->data, p->len, &err) != 0) {
			fprintf(stderr, "jinzhi: %s: %s%s%s\n", FLOW_FILES[i],
			        err.field ? err.field : "", err.field ? ": " : "",
			        err.message[0] ? err.message : "cannot be defined");
			goto out;
		}
	}
	rc = 0;
out:
	tsv_free(&t);
	return rc;
}

/* ---- Lookups ------------------------------------------------------------------------------ */

static const char *col_or_null(struct db_stmt *st, int i, struct arena *a)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(a, db_col_text(st, i, NULL));
}

int lc_category_get(struct db *db, const char *code, struct arena *a, struct lc_category *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT code, kind, name_zh, name_bo, name_en, ord "
	                                    "FROM lc_category WHERE code = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, code);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->code = col_or_null(st, 0, a);
		out->kind = col_or_null(st, 1, a);
		out->name_zh = col_or_null(st, 2, a);
		out->name_bo = col_or_null(st, 3, a);
		out->name_en = col_or_null(st, 4, a);
		out->ord = (int)db_col_int64(st, 5);
	}
	db_reset(st);
	return rc == DB_ROW ? SVC_OK : rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int lc_categories_check(struct db *db, const char *kind, const char *const *codes, int n,
                        const char *field, struct arena *a, const char **canonical,
                        struct field_error *err)
{
	if (n <= 0)
		return field_fail(err, field, "required", "%s: give at least one category", field),
		       SVC_INVALID;
	if (n > LC_CATEGORIES_MAX)
		return field_fail(err, field, "too_many", "%s: at most %d categories", field,
		                  LC_CATEGORIES_MAX),
		       SVC_INVALID;
	const char **sorted = arena_alloc(a, sizeof *sorted * (size_t)n);
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		const char *name = arena_printf(a, "%s[%d]", field, i);
		struct lc_category c;
		int rc =
		    codes[i] && codes[i][0] ? lc_category_get(db, codes[i], a, &c) : SVC_NOT_FOUND;
		if (rc == SVC_ERROR)
			return SVC_ERROR;
		if (rc == SVC_NOT_FOUND)
			return field_fail(err, name, "unknown_category", "no category \"%.40s\"",
			                  codes[i] ? codes[i] : ""),
			       SVC_INVALID;
		if (strcmp(c.kind, kind) != 0)
			return field_fail(err, name, "wrong_kind",
			                  "category %s is a %s category, not %s", c.code, c.kind,
			                  kind),
			       SVC_INVALID;
		for (int j = 0; j < i; j++)
			if (strcmp(codes[j], codes[i]) == 0)
				return field_fail(err, name, "duplicate",
				                  "category %s is given twice", c.code),
				       SVC_INVALID;
		sorted[i] = c.code;
		total += strlen(c.code) + 1;
	}
	qsort(sorted, (size_t)n, sizeof *sorted, cmp_str);
	char *s = arena_alloc(a, total);
	s[0] = '\0';
	size_t used = 0;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(sorted[i]);
		if (i)
			s[used++] = ',';
		memcpy(s + used, sorted[i], l);
		used += l;
		s[used] = '\0';
	}
	*canonical = s;
	return SVC_OK;
}

int lc_categories_json(struct db *db, const char *kind, struct buf *out)
{
	struct db_stmt *st =
	    kind ? db_prepare(db, "SELECT code, kind, name_zh, name_bo, name_en FROM lc_category "
	                          "WHERE kind = ? ORDER BY kind, ord, code")
	         : db_prepare(db, "SELECT code, kind, name_zh, name_bo, name_en FROM lc_category "
	                          "ORDER BY kind, ord, code");
	if (st == NULL)
		return SVC_ERROR;
	if (kind)
		db_bind_cstr(st, 1, kind);
	static const char *const KEYS[] = {"code", "kind", "name_zh", "name_bo", "name_en"};
	int rc, n = 0;
	buf_putc(out, '[');
	while ((rc = db_step(st)) == DB_ROW) {
		buf_puts(out, n++ ? ",{" : "{");
		for (int c = 0; c < 5; c++) {
			buf_printf(out, "%s\"%s\":", c ? "," : "", KEYS[c]);
			size_t len;
			const char *v = db_col_text(st, c, &len);
			if (db_col_is_null(st, c))
				buf_puts(out, "null");
			else
				json_write_string(out, v, len);
		}
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

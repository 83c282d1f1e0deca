/*
 * The sampling catalogue and the labs: the seeding of test items and products (with the items
 * tested on each and their limits) from data/sampling-items.tsv and data/sampling-products.tsv
 * compiled into the binary, both checked whole before anything is written; reads of a product
 * with its items; and the labs with their accredited scope (a record-shaped resource, written
 * by administrators). The SQL is in the store functions next to each part.
 */
#include "catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labs.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/embed.h"
#include "platform/textenc.h"
#include "platform/tsv.h"

#define ITEMS_TSV    "data/sampling-items.tsv"
#define PRODUCTS_TSV "data/sampling-products.tsv"

#define ITEMS_HEADER "code\tname_zh\tname_bo\tname_en\tunit\tkind\tsource"
#define PRODUCTS_HEADER                                                                            \
	"product\titem\tname_zh\tname_bo\tname_"                                                   \
	"en\tcategory\tindustry\trisk\tstandards\trule\tlo\t"                                      \
	"hi\texpected\tsource\tnote"
#define ROWS_MAX       5000 /* lines of either file; each has about a hundred */
#define NAME_MAX_BYTES 300  /* a name in any language, a unit, a source or a note */
#define CODE_MAX       40   /* item and product codes */
#define DECIMAL_DIGITS 30   /* digits of a limit */

enum { IT_CODE, IT_NAME_ZH, IT_NAME_BO, IT_NAME_EN, IT_UNIT, IT_KIND, IT_SOURCE, IT_NCOLS };
enum {
	PR_PRODUCT,
	PR_ITEM,
	PR_NAME_ZH,
	PR_NAME_BO,
	PR_NAME_EN,
	PR_CATEGORY,
	PR_INDUSTRY,
	PR_RISK,
	PR_STANDARDS,
	PR_RULE,
	PR_LO,
	PR_HI,
	PR_EXPECTED,
	PR_SOURCE,
	PR_NOTE,
	PR_NCOLS
};

static const char *const CATEGORIES[] = {
    "food", "food_related", "industrial", "consumer", "agricultural_input", "building", NULL};
static const char *const RISKS[] = {"high", "medium", "low", NULL};
static const char *const RULES[] = {"min", "max", "range", "equals", "not_detected", NULL};

/* ---- The data files ----------------------------------------------------------------------- */

static int one_of(const char *const *choices, const char *v)
{
	for (int i = 0; choices[i]; i++)
		if (strcmp(choices[i], v) == 0)
			return 1;
	return 0;
}

/* A code: 1 to CODE_MAX capital letters, digits and underscores, starting with a letter. */
static int code_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > CODE_MAX || !(s[0] >= 'A' && s[0] <= 'Z'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int text_valid(const char *s, int required)
{
	size_t n = strlen(s);
	if (n == 0)
		return !required;
	return n <= NAME_MAX_BYTES && utf8_invalid_at(s, n) < 0 && !utf8_has_control(s, n, 0);
}

int sp_decimal_valid(const char *s)
{
	if (s == NULL)
		return 0;
	const char *p = s + (*s == '-');
	size_t ip = strspn(p, "0123456789");
	if (ip == 0)
		return 0;
	size_t digits = ip;
	p += ip;
	if (*p == '.') {
		size_t fp = strspn(p + 1, "0123456789");
		if (fp == 0)
			return 0;
		digits += fp;
		p += 1 + fp;
	}
	return *p == '\0' && digits <= DECIMAL_DIGITS;
}

/* The integer part of a non-negative decimal without leading zeros, and its fraction part
 * without trailing zeros, as [*ip, *ip + *il) and [*fp, *fp + *fl). */
static void decimal_split(const char *s, const char **ip, size_t *il, const char **fp, size_t *fl)
{
	size_t n = strspn(s, "0123456789");
	*ip = s;
	*il = n;
	while (*il > 0 && **ip == '0') {
		(*ip)++;
		(*il)--;
	}
	*fp = s[n] == '.' ? s + n + 1 : s + n;
	*fl = strspn(*fp, "0123456789");
	while (*fl > 0 && (*fp)[*fl - 1] == '0')
		(*fl)--;
}

/* Compares two non-negative decimals: -1, 0 or 1. */
static int magnitude_cmp(const char *a, const char *b)
{
	const char *ai, *af, *bi, *bf;
	size_t ail, afl, bil, bfl;
	decimal_split(a, &ai, &ail, &af, &afl);
	decimal_split(b, &bi, &bil, &bf, &bfl);
	if (ail != bil)
		return ail < bil ? -1 : 1;
	int c = memcmp(ai, bi, ail);
	if (c)
		return c < 0 ? -1 : 1;
	for (size_t i = 0; i < afl || i < bfl; i++) {
		char x = i < afl ? af[i] : '0', y = i < bfl ? bf[i] : '0';
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

int sp_decimal_cmp(const char *a, const char *b)
{
	int na = a[0] == '-', nb = b[0] == '-';
	int m = magnitude_cmp(a + na, b + nb);
	if (m == 0 && na != nb) {
		/* -0 equals 0 */
		return magnitude_cmp(a + na, "0") == 0 ? 0 : na ? -1 : 1;
	}
	if (na != nb)
		return na ? -1 : 1;
	return na ? -m : m;
}

/* The row of items whose code is s, or NULL. */
static const struct tsv_row *item_row(const struct tsv_table *items, const char *s)
{
	for (size_t i = 1; i < items->n; i++)
		if (strcmp(items->rows[i].cell[IT_CODE], s) == 0)
			return &items->rows[i];
	return NULL;
}

/* 1 if the header of t is header (tab-separated, ncols columns) and t has at most ROWS_MAX
 * lines below it. */
static int header_ok(const struct tsv_table *t, const char *header, int ncols)
{
	if (t->n == 0 || t->n - 1 > ROWS_MAX || t->rows[0].n != ncols)
		return 0;
	const char *p = header;
	for (int i = 0; i < ncols; i++) {
		size_t n = strlen(t->rows[0].cell[i]);
		if (strncmp(p, t->rows[0].cell[i], n) != 0 || (p[n] != '\t' && p[n] != '\0'))
			return 0;
		p += n + (p[n] == '\t');
	}
	return *p == '\0';
}

/* The items file: codes each once, names (zh and en required), kind, a unit only for numeric
 * items, a source. Returns NULL or why line r is wrong. */
static const char *item_line_check(const struct tsv_table *t, size_t i)
{
	const struct tsv_row *r = &t->rows[i];
	if (r->n != IT_NCOLS)
		return "expected 7 columns";
	char **c = r->cell;
	if (!code_valid(c[IT_CODE]))
		return "code must be capital letters, digits and _ (at most 40)";
	for (size_t j = 1; j < i; j++)
		if (strcmp(t->rows[j].cell[IT_CODE], c[IT_CODE]) == 0)
			return "the code is given twice";
	if (!text_valid(c[IT_NAME_ZH], 1) || !text_valid(c[IT_NAME_BO], 0) ||
	    !text_valid(c[IT_NAME_EN], 1) || !text_valid(c[IT_UNIT], 0))
		return "names and unit must be UTF-8 text without control characters (name_zh and "
		       "name_en required)";
	if (strcmp(c[IT_KIND], "numeric") != 0 && strcmp(c[IT_KIND], "qualitative") != 0)
		return "kind must be numeric or qualitative";
	if (strcmp(c[IT_KIND], "qualitative") == 0 && c[IT_UNIT][0])
		return "a qualitative item has no unit";
	if (!text_valid(c[IT_SOURCE], 1))
		return "source is required";
	return NULL;
}

/*
 * A line of the products file. A product line (item empty) gives the product: a new code,
 * names, category, a GB/T 4754 section letter, risk, standards and source; its rule columns
 * are empty. An item line follows its product's lines: a known item not yet listed for it,
 * the rule with the limits it needs (decimal text; range lo <= hi; equals an expected value,
 * for a qualitative item; the numeric rules for numeric items), the standard of the limit
 * (in the standards column) and a source. *product is the index of the current product line.
 * Returns NULL or why the line is wrong.
 */
static const char *product_line_check(const struct tsv_table *t, size_t i,
                                      const struct tsv_table *items, size_t *product, int *nitems)
{
	const struct tsv_row *r = &t->rows[i];
	if (r->n != PR_NCOLS)
		return "expected 15 columns";
	char **c = r->cell;
	if (!text_valid(c[PR_SOURCE], 1) || !text_valid(c[PR_NOTE], 0) ||
	    !text_valid(c[PR_STANDARDS], 1))
		return "standards and source are required, as UTF-8 text; note is optional";
	if (!c[PR_ITEM][0]) {
		if (*product && *nitems == 0)
			return "the product before this line has no items";
		if (!code_valid(c[PR_PRODUCT]))
			return "product must be capital letters, digits and _ (at most 40)";
		for (size_t j = 1; j < i; j++)
			if (!t->rows[j].cell[PR_ITEM][0] &&
			    strcmp(t->rows[j].cell[PR_PRODUCT], c[PR_PRODUCT]) == 0)
				return "the product is given twice";
		if (!text_valid(c[PR_NAME_ZH], 1) || !text_valid(c[PR_NAME_BO], 0) ||
		    !text_valid(c[PR_NAME_EN], 1))
			return "names must be UTF-8 text without control characters (name_zh and "
			       "name_en required)";
		if (!one_of(CATEGORIES, c[PR_CATEGORY]))
			return "category must be food, food_related, industrial, consumer, "
			       "agricultural_input or building";
		if (strlen(c[PR_INDUSTRY]) != 1 || c[PR_INDUSTRY][0] < 'A' ||
		    c[PR_INDUSTRY][0] > 'T')
			return "industry must be a GB/T 4754 section letter A to T";
		if (!one_of(RISKS, c[PR_RISK]))
			return "risk must be high, medium or low";
		if (c[PR_RULE][0] || c[PR_LO][0] || c[PR_HI][0] || c[PR_EXPECTED][0])
			return "a product line has no rule, lo, hi or expected";
		*product = i;
		*nitems = 0;
		return NULL;
	}
	if (*product == 0 || strcmp(t->rows[*product].cell[PR_PRODUCT], c[PR_PRODUCT]) != 0)
		return "an item line must follow the lines of its product";
	if (c[PR_NAME_ZH][0] || c[PR_NAME_BO][0] || c[PR_NAME_EN][0] || c[PR_CATEGORY][0] ||
	    c[PR_INDUSTRY][0] || c[PR_RISK][0])
		return "an item line has no names, category, industry or risk";
	const struct tsv_row *it = item_row(items, c[PR_ITEM]);
	if (it == NULL)
		return "the item is not in " ITEMS_TSV;
	for (size_t j = *product + 1; j < i; j++)
		if (strcmp(t->rows[j].cell[PR_ITEM], c[PR_ITEM]) == 0)
			return "the item is given twice for the product";
	const char *rule = c[PR_RULE], *lo = c[PR_LO], *hi = c[PR_HI], *ex = c[PR_EXPECTED];
	int numeric = strcmp(it->cell[IT_KIND], "numeric") == 0;
	if (!one_of(RULES, rule))
		return "rule must be min, max, range, equals or not_detected";
	if (strcmp(rule, "equals") == 0) {
		if (numeric)
			return "equals is the rule of qualitative items";
		if (!text_valid(ex, 1) || lo[0] || hi[0])
			return "equals needs expected and no lo or hi";
	} else {
		if (!numeric)
			return "a qualitative item is judged by equals";
		if (ex[0])
			return "only equals has an expected value";
		int need_lo = strcmp(rule, "min") == 0 || strcmp(rule, "range") == 0;
		int need_hi = strcmp(rule, "max") == 0 || strcmp(rule, "range") == 0;
		if (need_lo ? !sp_decimal_valid(lo) : lo[0] != '\0')
			return need_lo ? "lo must be a decimal number" : "this rule has no lo";
		if (need_hi ? !sp_decimal_valid(hi) : hi[0] != '\0')
			return need_hi ? "hi must be a decimal number" : "this rule has no hi";
		if (need_lo && need_hi && sp_decimal_cmp(lo, hi) > 0)
			return "lo must not be greater than hi";
	}
	(*nitems)++;
	return NULL;
}

int sp_catalogue_check(const char *items_data, size_t items_len, const char *products_data,
                       size_t products_len, char *why, size_t why_size)
{
	struct tsv_table items, products;
	tsv_cut(items_data, items_len, &items);
	tsv_cut(products_data, products_len, &products);
	int rc = -1;
	const char *file = ITEMS_TSV, *bad = NULL;
	int line = 1;
	if (!header_ok(&items, ITEMS_HEADER, IT_NCOLS)) {
		bad = "the header must be " ITEMS_HEADER " (and at most 5000 lines follow)";
		goto out;
	}
	for (size_t i = 1; i < items.n && !bad; i++)
		if ((bad = item_line_check(&items, i)) != NULL)
			line = items.rows[i].line;
	if (bad)
		goto out;
	file = PRODUCTS_TSV;
	if (!header_ok(&products, PRODUCTS_HEADER, PR_NCOLS)) {
		bad = "the header must be " PRODUCTS_HEADER " (and at most 5000 lines follow)";
		goto out;
	}
	size_t product = 0;
	int nitems = 0;
	for (size_t i = 1; i < products.n && !bad; i++)
		if ((bad = product_line_check(&products, i, &items, &product, &nitems)) != NULL)
			line = products.rows[i].line;
	if (!bad && product == 0)
		bad = "no products";
	else if (!bad && nitems == 0) {
		bad = "the last product has no items";
		line = products.rows[products.n - 1].line;
	}
	if (!bad)
		rc = 0;
out:
	if (bad)
		snprintf(why, why_size, "%s line %d: %s", file, line, bad);
	tsv_free(&items);
	tsv_free(&products);
	return rc;
}

/* Binds cell s as text, NULL when empty. */
static void bind_text_or_null(struct db_stmt *st, int i, const char *s)
{
	if (s[0])
		db_bind_cstr(st, i, s);
	else
		db_bind_null(st, i);
}

static int items_insert(struct db *db, const struct tsv_table *t)
{
	for (size_t i = 1; i < t->n; i++) {
		char **c = t->rows[i].cell;
		struct db_stmt *st =
		    db_prepare(db, "INSERT OR IGNORE INTO sp_test_item (code, name_zh, name_bo, "
		                   "name_en, unit, kind) VALUES (?, ?, ?, ?, ?, ?)");
		if (st == NULL)
			return -1;
		db_bind_cstr(st, 1, c[IT_CODE]);
		db_bind_cstr(st, 2, c[IT_NAME_ZH]);
		bind_text_or_null(st, 3, c[IT_NAME_BO]);
		db_bind_cstr(st, 4, c[IT_NAME_EN]);
		bind_text_or_null(st, 5, c[IT_UNIT]);
		db_bind_cstr(st, 6, c[IT_KIND]);
		int rc = db_step(st);
		db_reset(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The id of product code: DB_ROW with *id, DB_DONE, or an error. */
static int store_product_id(struct db *db, const char *code, int64_t *id)
{
	struct db_stmt *st = db_prepare(db, "SELECT id FROM sp_product WHERE code = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_cstr(st, 1, code);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int64(st, 0);
	db_reset(st);
	return rc;
}

static int products_insert(struct db *db, const struct tsv_table *t)
{
	int64_t id = 0;
	for (size_t i = 1; i < t->n; i++) {
		char **c = t->rows[i].cell;
		struct db_stmt *st;
		if (!c[PR_ITEM][0]) {
			int rc = store_product_id(db, c[PR_PRODUCT], &id);
			if (rc < 0)
				return -1;
			if (rc == DB_ROW)
				continue; /* the administrators' from now on */
			if (db_id_next(db, &id) != 0)
				return -1;
			st = db_prepare(db,
			                "INSERT INTO sp_product (id, code, name_zh, name_bo, "
			                "name_en, category, industry, risk, standards) VALUES (?, "
			                "?, ?, ?, ?, ?, ?, ?, ?)");
			if (st == NULL)
				return -1;
			db_bind_int64(st, 1, id);
			db_bind_cstr(st, 2, c[PR_PRODUCT]);
			db_bind_cstr(st, 3, c[PR_NAME_ZH]);
			bind_text_or_null(st, 4, c[PR_NAME_BO]);
			db_bind_cstr(st, 5, c[PR_NAME_EN]);
			db_bind_cstr(st, 6, c[PR_CATEGORY]);
			db_bind_cstr(st, 7, c[PR_INDUSTRY]);
			db_bind_cstr(st, 8, c[PR_RISK]);
			db_bind_cstr(st, 9, c[PR_STANDARDS]);
		} else {
			st = db_prepare(
			    db, "INSERT OR IGNORE INTO sp_product_item (product_id, "
			        "item_code, rule, lo, hi, expected, standard) VALUES (?, ?, "
			        "?, ?, ?, ?, ?)");
			if (st == NULL)
				return -1;
			db_bind_int64(st, 1, id);
			db_bind_cstr(st, 2, c[PR_ITEM]);
			db_bind_cstr(st, 3, c[PR_RULE]);
			bind_text_or_null(st, 4, c[PR_LO]);
			bind_text_or_null(st, 5, c[PR_HI]);
			bind_text_or_null(st, 6, c[PR_EXPECTED]);
			db_bind_cstr(st, 7, c[PR_STANDARDS]);
		}
		int rc = db_step(st);
		db_reset(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int sp_seed(struct db *db)
{
	const struct embedded_file *itf = embed_find(ITEMS_TSV);
	const struct embedded_file *prf = embed_find(PRODUCTS_TSV);
	if (itf == NULL || prf == NULL) {
		fprintf(stderr, "jinzhi: %s or %s is not in this build\n", ITEMS_TSV, PRODUCTS_TSV);
		return -1;
	}
	char why[300];
	if (sp_catalogue_check(itf->data, itf->len, prf->data, prf->len, why, sizeof why) != 0) {
		fprintf(stderr, "jinzhi: %s\n", why);
		return -1;
	}
	struct tsv_table items, products;
	tsv_cut(itf->data, itf->len, &items);
	tsv_cut(prf->data, prf->len, &products);
	int rc = -1;
	/*
	 * INSERT OR IGNORE, not an upsert: the files give the defaults of a new database and the
	 * rows a release adds; what is in the tables belongs to the administrators from then on.
	 */
	if (db_begin_write(db) != 0)
		goto out;
	if (items_insert(db, &items) != 0 || products_insert(db, &products) != 0 ||
	    db_commit(db) != 0) {
		fprintf(stderr, "jinzhi: seeding the sampling catalogue: %s\n", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	rc = 0;
out:
	tsv_free(&items);
	tsv_free(&products);
	return rc;
}

/* ---- Products ----------------------------------------------------------------------------- */

static const char *col_or_null(struct db_stmt *st, int i, struct arena *a)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(a, db_col_text(st, i, NULL));
}

int sp_product_get(struct db *db, int64_t id, const char *code, struct arena *a,
                   struct sp_product *out)
{
	struct db_stmt *st = code ? db_prepare(db, "SELECT id, code, name_zh, name_bo, name_en, "
	                                           "category, industry, risk, standards FROM "
	                                           "sp_product WHERE code = ?")
	                          : db_prepare(db, "SELECT id, code, name_zh, name_bo, name_en, "
	                                           "category, industry, risk, standards FROM "
	                                           "sp_product WHERE id = ?");
	if (st == NULL)
		return SVC_ERROR;
	if (code)
		db_bind_cstr(st, 1, code);
	else
		db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof *out);
		out->id = db_col_int64(st, 0);
		out->code = col_or_null(st, 1, a);
		out->name_zh = col_or_null(st, 2, a);
		out->name_bo = col_or_null(st, 3, a);
		out->name_en = col_or_null(st, 4, a);
		out->category = col_or_null(st, 5, a);
		out->industry = col_or_null(st, 6, a);
		out->risk = col_or_null(st, 7, a);
		out->standards = col_or_null(st, 8, a);
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
	st = db_prepare(db, "SELECT p.item_code, t.kind, t.unit, p.rule, p.lo, p.hi, p.expected "
	                    "FROM sp_product_item p JOIN sp_test_item t ON t.code = p.item_code "
	                    "WHERE p.product_id = ? ORDER BY p.item_code");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, out->id);
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (out->nitems == cap) {
			cap = cap ? cap * 2 : 16;
			struct sp_product_item *n = arena_alloc(a, (size_t)cap * sizeof *n);
			if (out->nitems)
				memcpy(n, out->items, (size_t)out->nitems * sizeof *n);
			out->items = n;
		}
		struct sp_product_item *it = &out->items[out->nitems++];
		it->item_code = col_or_null(st, 0, a);
		it->kind = col_or_null(st, 1, a);
		it->unit = col_or_null(st, 2, a);
		it->rule = col_or_null(st, 3, a);
		it->lo = col_or_null(st, 4, a);
		it->hi = col_or_null(st, 5, a);
		it->expected = col_or_null(st, 6, a);
	}
	db_reset(st);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

/* ---- Labs --------------------------------------------------------------------------------- */

int sp_lab_info(struct db *db, int64_t id, struct arena *a, struct sp_lab_info *out)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT id, code, name, org_unit, accredited_until FROM sp_lab WHERE id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_int64(st, 0);
		out->code = col_or_null(st, 1, a);
		out->name = col_or_null(st, 2, a);
		out->org_unit = col_or_null(st, 3, a);
		out->accredited_until = record_day_of(db_col_text(st, 4, NULL));
	}
	db_reset(st);
	return rc == DB_ROW ? SVC_OK : rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
}

int sp_lab_covers(struct db *db, int64_t lab_id, const char *item_code)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT 1 FROM sp_lab_scope WHERE lab_id = ? AND item_code = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, lab_id);
	db_bind_cstr(st, 2, item_code);
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : SVC_ERROR;
}

/* ---- Catalogue as JSON -------------------------------------------------------------------- */

/* Appends "name":<column i of st as a JSON string or null>, after a comma unless first. */
static void put_col(struct buf *out, int first, const char *name, struct db_stmt *st, int i)
{
	buf_printf(out, "%s\"%s\":", first ? "" : ",", name);
	if (db_col_is_null(st, i)) {
		buf_puts(out, "null");
		return;
	}
	size_t n;
	const char *s = db_col_text(st, i, &n);
	json_write_string(out, s, n);
}

int sp_items_write_json(struct db *db, struct buf *out)
{
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT code, name_zh, name_bo, name_en, unit, kind FROM sp_test_item ORDER BY code");
	if (st == NULL)
		return SVC_ERROR;
	buf_putc(out, '[');
	int rc, n = 0;
	static const char *const NAMES[] = {"code",    "name_zh", "name_bo",
	                                    "name_en", "unit",    "kind"};
	while ((rc = db_step(st)) == DB_ROW) {
		buf_puts(out, n++ ? ",{" : "{");
		for (int i = 0; i < 6; i++)
			put_col(out, i == 0, NAMES[i], st, i);
		buf_putc(out, '}');
	}
	db_reset(st);
	buf_putc(out, ']');
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int sp_product_write_json(struct db *db, int64_t product_id, struct buf *out)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT id, code, name_zh, name_bo, name_en, category, "
	                   "industry, risk, standards FROM sp_product WHERE id = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, product_id);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		buf_printf(out, "{\"id\":\"%lld\"", (long long)db_col_int64(st, 0));
		static const char *const NAMES[] = {"code",     "name_zh",  "name_bo", "name_en",
		                                    "category", "industry", "risk",    "standards"};
		for (int i = 0; i < 8; i++)
			put_col(out, 0, NAMES[i], st, i + 1);
	}
	db_reset(st);
	if (rc != DB_ROW)
		return SVC_ERROR;
	st = db_prepare(db, "SELECT p.item_code, t.name_zh, t.name_bo, t.name_en, t.kind, t.unit, "
	                    "p.rule, p.lo, p.hi, p.expected, p.standard FROM sp_product_item p "
	                    "JOIN sp_test_item t ON t.code = p.item_code WHERE p.product_id = ? "
	                    "ORDER BY p.item_code");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, product_id);
	buf_puts(out, ",\"items\":[");
	int n = 0;
	static const char *const INAMES[] = {"item_code", "name_zh",  "name_bo", "name_en",
	                                     "kind",      "unit",     "rule",    "lo",
	                                     "hi",        "expected", "standard"};
	while ((rc = db_step(st)) == DB_ROW) {
		buf_puts(out, n++ ? ",{" : "{");
		for (int i = 0; i < 11; i++)
			put_col(out, i == 0, INAMES[i], st, i);
		buf_putc(out, '}');
	}
	db_reset(st);
	buf_puts(out, "]}");
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int sp_products_write_json(struct db *db, const char *category, const char *industry,
                           struct buf *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT id FROM sp_product WHERE (? IS NULL OR "
	                                    "category = ?) AND (? IS NULL OR industry = ?) ORDER "
	                                    "BY code");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, category);
	db_bind_cstr(st, 2, category);
	db_bind_cstr(st, 3, industry);
	db_bind_cstr(st, 4, industry);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n++] = db_col_int64(st, 0);
	}
	db_reset(st);
	buf_putc(out, '[');
	for (size_t i = 0; i < n && rc == DB_DONE; i++) {
		if (i)
			buf_putc(out, ',');
		if (sp_product_write_json(db, ids[i], out) != SVC_OK)
			rc = DB_ERROR;
	}
	buf_putc(out, ']');
	free(ids);
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

/* ---- Labs as records ---------------------------------------------------------------------- */

static const struct field_spec LAB_FIELDS[] = {
    [SL_ID] = {"id", FT_CODE, FF_READONLY, 20, 0, 0, NULL, NULL,
               "Lab id (a 64-bit number, written as a string)"},
    [SL_CODE] = {"code", FT_TEXT, FF_REQUIRED | FF_TRIM, 60, 0, 0, NULL, NULL,
                 "CMA/CNAS certificate number (unique)"},
    [SL_NAME] = {"name", FT_TEXT, FF_REQUIRED | FF_TRIM, 200, 0, 0, NULL, NULL, "Name"},
    [SL_NAME_BO] = {"name_bo", FT_TEXT, FF_TRIM, 200, 0, 0, NULL, NULL, "Name in Tibetan"},
    [SL_REGION_CODE] = {"region_code", FT_INT, FF_REQUIRED, 0, 110000, 829999, NULL, NULL,
                        "Region where the lab is"},
    [SL_ORG_UNIT] = {"org_unit", FT_CODE, FF_TRIM, 60, 0, 0, NULL, NULL,
                     "Code of the accounts org unit whose analysts work here"},
    [SL_ACCREDITED_UNTIL] = {"accredited_until", FT_DATE, FF_REQUIRED, 0, 0, 0, NULL, NULL,
                             "Last day of accreditation: no sample is assigned after it"},
    [SL_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When the record was created (UTC)"},
    [SL_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When the record was last changed (UTC)"},
    [SL_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                    "Version, increased by every change (scope too); also the ETag"},
};

_Static_assert(sizeof LAB_FIELDS / sizeof LAB_FIELDS[0] == SL_NFIELDS,
               "every lab field is described");

const struct record_type SP_LAB_TYPE = {"sampling_lab", LAB_FIELDS, SL_NFIELDS};

#define LAB_SELECT                                                                                 \
	"SELECT id, code, name, name_bo, region_code, org_unit, accredited_until, created_at, "    \
	"updated_at, version FROM sp_lab"
#define LAB_COLS                                                                                   \
	"code, name, name_bo, region_code, org_unit, accredited_until, created_at, updated_at, "   \
	"version"

static int store_lab_read(struct db *db, int64_t id, struct arena *a, struct record *out)
{
	struct db_stmt *st = db_prepare(db, LAB_SELECT " WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	db_bind_int64(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		record_from_row(out, &SP_LAB_TYPE, st, 0, SL_NFIELDS, a);
	db_reset(st);
	return rc;
}

static int store_lab_write(struct db *db, int64_t id, const struct record *r, int insert)
{
	struct db_stmt *st =
	    insert ? db_prepare(db, "INSERT INTO sp_lab (" LAB_COLS ", id) VALUES (?, ?, ?, ?, ?, "
	                            "?, ?, ?, ?, ?)")
	           : db_prepare(db, "UPDATE sp_lab SET (" LAB_COLS ") = (?, ?, ?, ?, ?, ?, ?, ?, "
	                            "?) WHERE id = ?");
	if (st == NULL)
		return DB_ERROR;
	for (int i = SL_CODE; i <= SL_VERSION; i++)
		db_bind_cstr(st, i, r->v[i]);
	db_bind_int64(st, SL_VERSION + 1, id);
	int rc = db_step(st);
	db_reset(st);
	return rc;
}

/* The lab's code must be free and its region known: SVC_OK, SVC_CONFLICT or SVC_INVALID with
 * *err, SVC_ERROR. */
static int lab_check(struct db *db, int64_t id, const struct record *r, struct field_error *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM sp_lab WHERE code = ? AND id <> ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_cstr(st, 1, r->v[SL_CODE]);
	db_bind_int64(st, 2, id);
	int rc = db_step(st);
	db_reset(st);
	if (rc < 0)
		return SVC_ERROR;
	if (rc == DB_ROW)
		return field_fail(err, "code", "taken", "a lab with code %s exists already",
		                  r->v[SL_CODE]),
		       SVC_CONFLICT;
	st = db_prepare(db, "SELECT 1 FROM region WHERE code = ?");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, record_int_of(r->v[SL_REGION_CODE]));
	rc = db_step(st);
	db_reset(st);
	if (rc < 0)
		return SVC_ERROR;
	if (rc != DB_ROW)
		return field_fail(err, "region_code", "unknown_region", "no region %s",
		                  r->v[SL_REGION_CODE]),
		       SVC_INVALID;
	return SVC_OK;
}

int sp_lab_list(struct db *db, int region, struct arena *a, sp_lab_fn fn, void *ctx)
{
	int lo = 0, hi = 999999;
	if (region)
		region_subtree(region, &lo, &hi);
	struct db_stmt *st =
	    db_prepare(db, LAB_SELECT " WHERE region_code BETWEEN ? AND ? ORDER BY code");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, lo);
	db_bind_int64(st, 2, hi);
	/* Collected first: the callback reads each lab's scope on the same connection. */
	struct record *labs = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			struct record *p = arena_alloc(a, cap * sizeof *p);
			if (n)
				memcpy(p, labs, n * sizeof *p);
			labs = p;
		}
		record_from_row(&labs[n++], &SP_LAB_TYPE, st, 0, SL_NFIELDS, a);
	}
	db_reset(st);
	if (rc != DB_DONE)
		return SVC_ERROR;
	for (size_t i = 0; i < n; i++)
		if (fn(ctx, &labs[i]))
			break;
	return SVC_OK;
}

int sp_lab_get(struct db *db, const struct actor *who, int64_t id, struct arena *a,
               struct record *out)
{
	(void)who;
	int rc = store_lab_read(db, id, a, out);
	return rc == DB_ROW ? SVC_OK : rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
}

int sp_lab_create(struct db *db, const struct actor *who, const struct record *in, struct arena *a,
                  struct record *out, struct field_error *err)
{
	if (record_check(in, 0, err) != 0)
		return SVC_INVALID;
	struct record r = *in;
	char now[32];
	now_iso(now);
	record_set_str(&r, a, SL_CREATED_AT, now);
	record_set_str(&r, a, SL_UPDATED_AT, now);
	record_set_str(&r, a, SL_VERSION, "1");
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	int rc = lab_check(db, 0, &r, err);
	if (rc != SVC_OK) {
		db_rollback(db);
		return rc;
	}
	int64_t id;
	char *aj = NULL;
	if (db_id_next(db, &id) != 0)
		goto fail;
	record_set_int(&r, a, SL_ID, id);
	aj = record_to_json(&r);
	if (store_lab_write(db, id, &r, 1) != DB_DONE ||
	    audit_append(db, who, "sampling.lab.create", "sampling_lab", r.v[SL_ID], NULL, aj,
	                 "ok") != 0 ||
	    db_commit(db) != 0)
		goto fail;
	free(aj);
	*out = r;
	return SVC_OK;
fail:
	free(aj);
	db_rollback(db);
	return SVC_ERROR;
}

int sp_lab_update(struct db *db, const struct actor *who, int64_t id, const struct record *patch,
                  int64_t if_version, struct arena *a, struct record *out, struct field_error *err)
{
	if (record_check(patch, 1, err) != 0)
		return SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct record before;
	int rc = store_lab_read(db, id, a, &before);
	if (rc != DB_ROW) {
		db_rollback(db);
		return rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
	}
	int64_t version = record_int_of(before.v[SL_VERSION]);
	if (if_version && if_version != version) {
		db_rollback(db);
		return SVC_STALE;
	}
	struct record r = before;
	if (!record_apply_patch(&r, patch)) {
		db_rollback(db);
		*out = before;
		return SVC_OK;
	}
	for (int i = SL_CODE; i <= SL_ACCREDITED_UNTIL; i++)
		if ((LAB_FIELDS[i].flags & FF_REQUIRED) && r.v[i] == NULL) {
			db_rollback(db);
			return field_fail(err, LAB_FIELDS[i].name, "required", "%s is required",
			                  LAB_FIELDS[i].name),
			       SVC_INVALID;
		}
	rc = lab_check(db, id, &r, err);
	if (rc != SVC_OK) {
		db_rollback(db);
		return rc;
	}
	char now[32];
	now_iso(now);
	record_set_str(&r, a, SL_UPDATED_AT, now);
	record_set_int(&r, a, SL_VERSION, version + 1);
	char *bj = record_to_json(&before), *aj = record_to_json(&r);
	int ok = store_lab_write(db, id, &r, 0) == DB_DONE &&
	         audit_append(db, who, "sampling.lab.update", "sampling_lab", r.v[SL_ID], bj, aj,
	                      "ok") == 0 &&
	         db_commit(db) == 0;
	free(bj);
	free(aj);
	if (!ok) {
		db_rollback(db);
		return SVC_ERROR;
	}
	*out = r;
	return SVC_OK;
}

int sp_lab_scope_write_json(struct db *db, int64_t id, struct buf *out)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT item_code FROM sp_lab_scope WHERE lab_id = ? ORDER BY item_code");
	if (st == NULL)
		return SVC_ERROR;
	db_bind_int64(st, 1, id);
	buf_putc(out, '[');
	int rc, n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		size_t len;
		const char *s = db_col_text(st, 0, &len);
		if (n++)
			buf_putc(out, ',');
		json_write_string(out, s, len);
	}
	db_reset(st);
	buf_putc(out, ']');
	return rc == DB_DONE ? SVC_OK : SVC_ERROR;
}

int sp_lab_scope_set(struct db *db, const struct actor *who, int64_t id, const char *const *items,
                     int n, int64_t if_version, struct field_error *err)
{
	if (n > SP_LAB_SCOPE_MAX)
		return field_fail(err, "items", "too_many", "a scope holds at most %d items",
		                  SP_LAB_SCOPE_MAX),
		       SVC_INVALID;
	if (db_begin_write(db) != 0)
		return SVC_ERROR;
	struct arena a = {0};
	struct record lab;
	struct buf before = {0}, after = {0};
	int svc = SVC_ERROR;
	int rc = store_lab_read(db, id, &a, &lab);
	if (rc != DB_ROW) {
		svc = rc == DB_DONE ? SVC_NOT_FOUND : SVC_ERROR;
		goto out;
	}
	int64_t version = record_int_of(lab.v[SL_VERSION]);
	if (if_version && if_version != version) {
		svc = SVC_STALE;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct db_stmt *st = db_prepare(db, "SELECT 1 FROM sp_test_item WHERE code = ?");
		if (st == NULL)
			goto out;
		db_bind_cstr(st, 1, items[i]);
		rc = db_step(st);
		db_reset(st);
		if (rc < 0)
			goto out;
		if (rc != DB_ROW) {
			field_fail(err, "items", "unknown_item", "no test item %s", items[i]);
			svc = SVC_INVALID;
			goto out;
		}
	}
	if (sp_lab_scope_write_json(db, id, &before) != SVC_OK)
		goto out;
	struct db_stmt *st = db_prepare(db, "DELETE FROM sp_lab_scope WHERE lab_id = ?");
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	db_reset(st);
	for (int i = 0; i < n && rc == DB_DONE; i++) {
		st = db_prepare(
		    db, "INSERT OR IGNORE INTO sp_lab_scope (lab_id, item_code) VALUES (?, ?)");
		if (st == NULL)
			goto out;
		db_bind_int64(st, 1, id);
		db_bind_cstr(st, 2, items[i]);
		rc = db_step(st);
		db_reset(st);
	}
	if (rc != DB_DONE)
		goto out;
	st = db_prepare(db, "UPDATE sp_lab SET version = version + 1, updated_at = ? WHERE id = ?");
	if (st == NULL)
		goto out;
	char now[32];
	now_iso(now);
	db_bind_cstr(st, 1, now);
	db_bind_int64(st, 2, id);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE || sp_lab_scope_write_json(db, id, &after) != SVC_OK ||
	    audit_append(db, who, "sampling.lab.scope", "sampling_lab", lab.v[SL_ID], before.data,
	                 after.data, "ok") != 0 ||
	    db_commit(db) != 0)
		goto out;
	svc = SVC_OK;
out:
	if (svc != SVC_OK)
		db_rollback(db);
	buf_free(&before);
	buf_free(&after);
	arena_free(&a);
	return svc;
}

/*
 * Seeding of the catalogue (eq_category) and the default inspection rules (eq_rule) from the
 * TSV files compiled into the binary. Both files are checked whole before anything is written.
 */
#include "seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/db.h"
#include "platform/embed.h"
#include "platform/fields.h"
#include "platform/mem.h"
#include "platform/textenc.h"
#include "platform/tsv.h"
#include "rules.h"

#define CATEGORIES_TSV "data/equipment-categories.tsv"
#define RULES_TSV      "data/equipment-rules.tsv"

#define CATEGORY_HEADER  "code\tparent\tname_zh\tname_bo\tname_en\tby_batch"
#define CATEGORY_COLUMNS 6
#define CATEGORY_MAX     1000 /* rows in the catalogue file; it has under a hundred */
#define NAME_MAX_BYTES   300  /* a category name in any language */
#define RULE_COLUMNS     11   /* as eq_rules_parse checks them */

enum { CAT_CODE, CAT_PARENT, CAT_NAME_ZH, CAT_NAME_BO, CAT_NAME_EN, CAT_BY_BATCH };

/* A category code: four digits or capital letters (4D00, F000). */
static int code_valid(const char *s)
{
	if (strlen(s) != 4)
		return 0;
	for (int i = 0; i < 4; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

static int name_valid(const char *s, int required)
{
	size_t n = strlen(s);
	if (n == 0)
		return !required;
	return n <= NAME_MAX_BYTES && utf8_invalid_at(s, n) < 0 && !utf8_has_control(s, n, 0);
}

/* The significant part of a code: without its trailing zeros ("2200" -> "22"). */
static size_t code_prefix_len(const char *code)
{
	size_t n = 4;
	while (n > 0 && code[n - 1] == '0')
		n--;
	return n;
}

/*
 * Checks the catalogue: the header, four-character codes each once, a parent that comes
 * earlier in the file and whose code is a prefix of the child's (2210 under 2200), no parent
 * exactly for the top-level codes (x000), names in UTF-8, by_batch 0 or 1. Returns 0 or -1
 * with a message on stderr.
 */
static int categories_check(const struct tsv_table *t)
{
	if (t->n == 0 || t->rows[0].n != CATEGORY_COLUMNS) {
		fprintf(stderr, "jinzhi: %s line 1: the header must be %s\n", CATEGORIES_TSV,
		        CATEGORY_HEADER);
		return -1;
	}
	static const char *const HEADER[CATEGORY_COLUMNS] = {"code",    "parent",  "name_zh",
	                                                     "name_bo", "name_en", "by_batch"};
	for (int i = 0; i < CATEGORY_COLUMNS; i++)
		if (strcmp(t->rows[0].cell[i], HEADER[i]) != 0) {
			fprintf(stderr, "jinzhi: %s line 1: the header must be %s\n",
			        CATEGORIES_TSV, CATEGORY_HEADER);
			return -1;
		}
	if (t->n - 1 > CATEGORY_MAX) {
		fprintf(stderr, "jinzhi: %s: more than %d categories\n", CATEGORIES_TSV,
		        CATEGORY_MAX);
		return -1;
	}
	for (size_t i = 1; i < t->n; i++) {
		const struct tsv_row *r = &t->rows[i];
		const char *why = NULL;
		if (r->n != CATEGORY_COLUMNS) {
			why = "expected 6 columns";
		} else if (!code_valid(r->cell[CAT_CODE])) {
			why = "code must be 4 digits or capital letters";
		} else if (!name_valid(r->cell[CAT_NAME_ZH], 1) ||
		           !name_valid(r->cell[CAT_NAME_BO], 0) ||
		           !name_valid(r->cell[CAT_NAME_EN], 1)) {
			why = "names must be UTF-8 text without control characters (name_zh and "
			      "name_en required)";
		} else if (strcmp(r->cell[CAT_BY_BATCH], "0") != 0 &&
		           strcmp(r->cell[CAT_BY_BATCH], "1") != 0) {
			why = "by_batch must be 0 or 1";
		}
		const char *code = why ? "" : r->cell[CAT_CODE];
		const char *parent = why ? "" : r->cell[CAT_PARENT];
		int top = !why && strcmp(code + 1, "000") == 0;
		if (!why && top && parent[0])
			why = "a top-level code (x000) has no parent";
		if (!why && !top && !parent[0])
			why = "parent is required below the top level";
		int parent_seen = 0;
		for (size_t j = 1; j < i && !why; j++) {
			if (strcmp(t->rows[j].cell[CAT_CODE], code) == 0)
				why = "the code is given twice";
			if (strcmp(t->rows[j].cell[CAT_CODE], parent) == 0)
				parent_seen = 1;
		}
		if (!why && parent[0]) {
			size_t pl = code_prefix_len(parent);
			if (!parent_seen)
				why = "the parent must be a code on an earlier line";
			else if (strcmp(parent, code) == 0 || strncmp(parent, code, pl) != 0)
				why = "the parent's code must be a prefix of the code (2210 under "
				      "2200)";
		}
		if (why) {
			fprintf(stderr, "jinzhi: %s line %d: %s\n", CATEGORIES_TSV, r->line, why);
			return -1;
		}
	}
	return 0;
}

/* 1 if some category of the catalogue starts with prefix. */
static int prefix_known(const struct tsv_table *cats, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 1; i < cats->n; i++)
		if (strncmp(cats->rows[i].cell[CAT_CODE], prefix, n) == 0)
			return 1;
	return 0;
}

/* Binds cell s as text, NULL when empty. */
static void bind_text_or_null(struct db_stmt *st, int i, const char *s)
{
	if (s[0])
		db_bind_cstr(st, i, s);
	else
		db_bind_null(st, i);
}

/* Binds cell s (checked by eq_rules_parse) as an integer, NULL when empty. */
static void bind_int_or_null(struct db_stmt *st, int i, const char *s)
{
	int64_t v;
	if (s[0] && field_int_parse_cstr(s, 0, INT32_MAX, &v) == 0)
		db_bind_int64(st, i, v);
	else
		db_bind_null(st, i);
}

static int categories_insert(struct db *db, const struct tsv_table *t)
{
	for (size_t i = 1; i < t->n; i++) {
		char **c = t->rows[i].cell;
		struct db_stmt *st =
		    db_prepare(db, "INSERT OR IGNORE INTO eq_category (code, parent, name_zh, "
		                   "name_bo, name_en, by_batch) VALUES (?, ?, ?, ?, ?, ?)");
		if (st == NULL)
			return -1;
		db_bind_cstr(st, 1, c[CAT_CODE]);
		bind_text_or_null(st, 2, c[CAT_PARENT]);
		db_bind_cstr(st, 3, c[CAT_NAME_ZH]);
		/* Empty: the console shows the Chinese name. */
		bind_text_or_null(st, 4, c[CAT_NAME_BO]);
		db_bind_cstr(st, 5, c[CAT_NAME_EN]);
		db_bind_int64(st, 6, c[CAT_BY_BATCH][0] == '1');
		int rc = db_step(st);
		db_reset(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int rules_insert(struct db *db, const struct tsv_table *t)
{
	for (size_t i = 1; i < t->n; i++) {
		char **c = t->rows[i].cell;
		struct db_stmt *st = db_prepare(
		    db,
		    "INSERT OR IGNORE INTO eq_rule (category, variant, kind, first_months, "
		    "interval_months, grade_months, count_first, ages, conclusions, basis, note) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		if (st == NULL)
			return -1;
		db_bind_cstr(st, 1, c[0]);
		db_bind_cstr(st, 2, c[1]);
		db_bind_cstr(st, 3, c[2]);
		bind_int_or_null(st, 4, c[3]);
		bind_int_or_null(st, 5, c[4]);
		bind_text_or_null(st, 6, c[5]);
		bind_int_or_null(st, 7, c[6]);
		bind_text_or_null(st, 8, c[7]);
		/* An empty cell means all three, which is also the column's default. */
		db_bind_cstr(st, 9, c[8][0] ? c[8] : "pass,conditional,fail");
		bind_text_or_null(st, 10, c[9]);
		bind_text_or_null(st, 11, c[10]);
		int rc = db_step(st);
		db_reset(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int eq_seed(struct db *db)
{
	const struct embedded_file *cf = embed_find(CATEGORIES_TSV);
	const struct embedded_file *rf = embed_find(RULES_TSV);
	if (cf == NULL || rf == NULL) {
		fprintf(stderr, "jinzhi: %s or %s is not in this build\n", CATEGORIES_TSV,
		        RULES_TSV);
		return -1;
	}
	int rc = -1;
	struct tsv_table cats, rules;
	tsv_cut(cf->data, cf->len, &cats);
	tsv_cut(rf->data, rf->len, &rules);
	if (categories_check(&cats) != 0)
		goto out;
	/* The rules file is checked by the same parser that reads rules back from the table. */
	struct eq_rules parsed;
	char err[256];
	if (eq_rules_parse(rf->data, rf->len, &parsed, err, sizeof err) != 0) {
		fprintf(stderr, "jinzhi: %s %s\n", RULES_TSV, err);
		goto out;
	}
	eq_rules_free(&parsed);
	for (size_t i = 1; i < rules.n; i++)
		if (rules.rows[i].n != RULE_COLUMNS ||
		    !prefix_known(&cats, rules.rows[i].cell[0])) {
			fprintf(stderr, "jinzhi: %s line %d: category %s matches no code of %s\n",
			        RULES_TSV, rules.rows[i].line, rules.rows[i].cell[0],
			        CATEGORIES_TSV);
			goto out;
		}

	/*
	 * INSERT OR IGNORE, not an upsert: the files give the defaults of a new database and
	 * the rows a release adds; a category or rule already in the table belongs to the
	 * administrators from then on, and an upgrade must not undo their edits. (A default
	 * rule they delete comes back at the next start: to switch a rule off, set its kind
	 * to none instead.)
	 */
	if (db_begin_write(db) != 0)
		goto out;
	if (categories_insert(db, &cats) != 0 || rules_insert(db, &rules) != 0 ||
	    db_commit(db) != 0) {
		fprintf(stderr, "jinzhi: seeding equipment categories and rules: %s\n",
		        db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	rc = 0;
out:
	tsv_free(&cats);
	tsv_free(&rules);
	return rc;
}

/*
 * The region tree: seeding from the embedded GB/T 2260 table, loading into memory, lookups.
 */
#include "service.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/db.h"
#include "platform/embed.h"
#include "platform/mem.h"
#include "platform/fields.h"

#define REGIONS_TSV "data/regions-xizang.tsv"

/* The loaded tree. Replaced whole by regions_load; readers see the old or the new. */
struct region_set {
	struct region *items;       /* sorted by code */
	size_t n;                   /* count */
	char *strings;              /* storage of the names */
	struct region_set *retired; /* sets this one replaced, freed at exit */
};

static struct region_set *current;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static enum region_level level_of(int code)
{
	if (code % 10000 == 0)
		return REGION_PROVINCE;
	if (code % 100 == 0)
		return REGION_PREFECTURE;
	return REGION_COUNTY;
}

/* Splits line s (no newline) at tabs into at most max fields. Returns the count. */
static int split_tabs(char *s, char **f, int max)
{
	int n = 0;
	f[n++] = s;
	for (char *p = s; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

int regions_seed(struct db *db)
{
	const struct embedded_file *tsv = embed_find(REGIONS_TSV);
	if (tsv == NULL)
		return -1;
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM region");
	int rc = db_step(st);
	int64_t have = rc == DB_ROW ? db_col_int64(st, 0) : -1;
	db_reset(st);
	if (have != 0)
		return have > 0 ? 0 : -1;
	char *text = xstrndup(tsv->data, tsv->len);
	if (db_begin_write(db) != 0) {
		free(text);
		return -1;
	}
	int lineno = 0, failed = 0;
	for (char *line = strtok(text, "\n"); line && !failed; line = strtok(NULL, "\n")) {
		if (lineno++ == 0)
			continue; /* header */
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		char *f[6] = {0};
		if (split_tabs(line, f, 6) < 5) {
			failed = 1;
			break;
		}
		int64_t code, parent = 0;
		if (field_int_parse_cstr(f[0], 100000, 999999, &code) != 0 ||
		    (f[1][0] && field_int_parse_cstr(f[1], 100000, 999999, &parent) != 0)) {
			fprintf(stderr, "jinzhi: %s line %d: bad region code\n", REGIONS_TSV,
			        lineno);
			failed = 1;
			break;
		}
		st = db_prepare(db, "INSERT INTO region (code, parent, level, name_zh, name_en, "
		                    "name_bo) VALUES (?, ?, ?, ?, ?, ?)");
		db_bind_int64(st, 1, code);
		if (parent)
			db_bind_int64(st, 2, parent);
		else
			db_bind_null(st, 2);
		db_bind_int64(st, 3, level_of((int)code));
		db_bind_cstr(st, 4, f[3]);
		db_bind_cstr(st, 5, f[4]);
		db_bind_cstr(st, 6, f[5] ? f[5] : "");
		failed = db_step(st) < 0;
		db_reset(st);
	}
	free(text);
	if (failed || db_commit(db) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static void set_free(struct region_set *s)
{
	while (s) {
		struct region_set *older = s->retired;
		free(s->items);
		free(s->strings);
		free(s);
		s = older;
	}
}

int regions_load(struct db *db)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT code, coalesce(parent, 0), level, name_zh, name_en, name_bo FROM region "
	        "ORDER BY code");
	if (st == NULL)
		return -1;
	struct region_set *s = xcalloc(1, sizeof *s);
	struct buf names = {0};
	size_t cap = 0;
	/* Names are first stored as offsets, then turned into pointers once the storage is final.
	 */
	size_t(*offs)[3] = NULL;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (s->n == cap) {
			cap = cap ? cap * 2 : 128;
			s->items = xrealloc(s->items, cap * sizeof *s->items);
			offs = xrealloc(offs, cap * sizeof *offs);
		}
		struct region *r = &s->items[s->n];
		r->code = (int)db_col_int64(st, 0);
		r->parent = (int)db_col_int64(st, 1);
		r->level = (enum region_level)db_col_int64(st, 2);
		for (int k = 0; k < 3; k++) {
			size_t n;
			const char *t = db_col_text(st, 3 + k, &n);
			offs[s->n][k] = names.len;
			buf_append(&names, t, n);
			buf_putc(&names, '\0');
		}
		s->n++;
	}
	db_reset(st);
	if (rc < 0) {
		free(offs);
		buf_free(&names);
		set_free(s);
		return -1;
	}
	s->strings = buf_steal(&names, NULL);
	for (size_t i = 0; i < s->n; i++) {
		s->items[i].name_zh = s->strings + offs[i][0];
		s->items[i].name_en = s->strings + offs[i][1];
		s->items[i].name_bo = s->strings + offs[i][2];
	}
	free(offs);
	/* Old sets are freed only at exit: a reader may still hold a pointer into one, and
	 * reloads are rare (an import of another province). */
	pthread_mutex_lock(&load_lock);
	s->retired = __atomic_load_n(&current, __ATOMIC_ACQUIRE);
	__atomic_store_n(&current, s, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&load_lock);
	return 0;
}

static int cmp_code(const void *key, const void *item)
{
	int k = *(const int *)key, c = ((const struct region *)item)->code;
	return (k > c) - (k < c);
}

const struct region *regions_find(int code)
{
	struct region_set *s = __atomic_load_n(&current, __ATOMIC_ACQUIRE);
	if (s == NULL)
		return NULL;
	return bsearch(&code, s->items, s->n, sizeof *s->items, cmp_code);
}

const struct region *regions_all(size_t *n)
{
	struct region_set *s = __atomic_load_n(&current, __ATOMIC_ACQUIRE);
	*n = s ? s->n : 0;
	return s ? s->items : NULL;
}

void regions_free(void)
{
	set_free(__atomic_exchange_n(&current, NULL, __ATOMIC_ACQ_REL));
}

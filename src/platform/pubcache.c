/*
 * The per-worker cache of public answers (see pubcache.h): the thread-local tables, the
 * database state they are checked against, and the direct-mapped lookup.
 */
#include "pubcache.h"

#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "scope.h"

/* State of the database as this connection sees it: the rows this connection has changed, and
 * a number that moves whenever another connection commits. Two statements, not one SELECT
 * from pragma_data_version: that table prepares its PRAGMA anew at every step. */
static const char SQL_CHANGES[] = "SELECT total_changes()";
static const char SQL_DATA_VERSION[] = "PRAGMA data_version";

/* A worker's table of one cache. */
struct pubcache_table {
	unsigned n;                /* entries in e */
	struct pubcache_entry e[]; /* the answers, direct-mapped */
};

/* Frees a worker's table when the worker thread ends. */
static void pubcache_table_free(void *p)
{
	struct pubcache_table *t = p;
	for (unsigned i = 0; i < t->n; i++)
		buf_free(&t->e[i].body);
	free(t);
}

/* The calling worker's table of c, made on first use. */
static struct pubcache_table *pubcache_table_of_thread(struct pubcache *c)
{
	if (!atomic_load_explicit(&c->ready, memory_order_acquire)) {
		pthread_mutex_lock(&c->lock);
		if (!atomic_load_explicit(&c->ready, memory_order_relaxed)) {
			if (pthread_key_create(&c->key, pubcache_table_free) != 0)
				abort();
			atomic_store_explicit(&c->ready, 1, memory_order_release);
		}
		pthread_mutex_unlock(&c->lock);
	}
	struct pubcache_table *t = pthread_getspecific(c->key);
	if (t == NULL) {
		t = xcalloc(1, sizeof *t + c->slots * sizeof t->e[0]);
		t->n = c->slots;
		pthread_setspecific(c->key, t);
	}
	return t;
}

int pubcache_state_read(struct db *db, struct pubcache_state *s)
{
	const char *const SQL[] = {SQL_CHANGES, SQL_DATA_VERSION};
	int64_t *out[] = {&s->changes, &s->data_version};
	for (int i = 0; i < 2; i++) {
		struct db_stmt *st = db_prepare(db, SQL[i]);
		if (st == NULL)
			return -1;
		int rc = db_step(st);
		if (rc == DB_ROW)
			*out[i] = db_col_int64(st, 0);
		db_reset(st);
		if (rc != DB_ROW)
			return -1;
	}
	s->today = today_china();
	return 0;
}

struct pubcache_entry *pubcache_find(struct pubcache *c, int kind, int variant, const char *key,
                                     size_t n, const struct pubcache_state *now, int *hit)
{
	if (n >= PUBCACHE_KEY_MAX)
		abort(); /* a bug: keys are checked well-formed first */
	uint32_t h = page_fnv1a(key, n, PAGE_FNV1A_SEED);
	h = (h ^ (uint32_t)kind) * 16777619u;
	h = (h ^ (uint32_t)variant) * 16777619u;
	struct pubcache_table *t = pubcache_table_of_thread(c);
	struct pubcache_entry *e = &t->e[h % t->n];
	*hit = e->used && e->kind == kind && e->variant == variant &&
	       e->made.changes == now->changes && e->made.data_version == now->data_version &&
	       e->made.today == now->today && e->key_len == n && memcmp(e->key, key, n) == 0;
	if (!*hit) {
		e->used = 0;
		buf_reset(&e->body);
	}
	return e;
}

void pubcache_keep(struct pubcache_entry *e, int kind, int variant, const char *key, size_t n,
                   const struct pubcache_state *now)
{
	e->kind = kind;
	e->variant = variant;
	memcpy(e->key, key, n);
	e->key[n] = '\0';
	e->key_len = n;
	e->made = *now;
	e->used = 1;
}

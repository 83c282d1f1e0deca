/*
 * The per-worker cache of public answers (the equipment page /e/{code}, the licence page
 * /v/{licence_no}): each worker thread keeps the answers it rendered last in a small table,
 * direct-mapped by kind, variant and key, with the state of the database they were rendered
 * from: the connection's own total_changes() and PRAGMA data_version, which moves when any
 * other connection or process commits. An answer is served again only while both are unchanged
 * and it is still the same day in China, so a write anywhere shows on the very next request; a
 * hit costs two tiny cached statements and no allocation.
 *
 * A module declares one `static struct pubcache` (PUBCACHE_INIT(slots)) for its answers; each
 * worker gets its own table of it on first use, freed when the worker ends.
 */
#ifndef JZ_PUBCACHE_H
#define JZ_PUBCACHE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "mem.h"

#define PUBCACHE_KEY_MAX  64 /* bytes of a key, with its NUL */
#define PUBCACHE_ETAG_MAX 40 /* bytes of an ETag, with its NUL */

/* One module's cache: how many answers a worker keeps, and the thread key of their tables. */
struct pubcache {
	unsigned slots;       /* answers each worker keeps (direct-mapped by key) */
	pthread_mutex_t lock; /* guards making the key */
	atomic_int ready;     /* 1 once key is made */
	pthread_key_t key;    /* each worker's table of slots entries */
};

/* A cache whose workers keep n answers each. */
#define PUBCACHE_INIT(n)                                                                           \
	{                                                                                          \
		.slots = (n), .lock = PTHREAD_MUTEX_INITIALIZER                                    \
	}

/* What an answer is checked against: the database as this connection sees it, and the day. */
struct pubcache_state {
	int64_t changes;      /* total_changes() of the connection */
	int64_t data_version; /* PRAGMA data_version */
	int32_t today;        /* the day it is in China */
};

/* One answer kept by a worker, with what it was made from. */
struct pubcache_entry {
	int used;                     /* holds an answer */
	int kind;                     /* its shape (the module's enum) */
	int variant;                  /* a further part of the key (a PNG's scale), else 0 */
	int status;                   /* the answer's HTTP status, the module's to set */
	size_t key_len;               /* bytes of key */
	char key[PUBCACHE_KEY_MAX];   /* what it answers for (a code, a number), NUL-ended */
	struct pubcache_state made;   /* the state it was made at */
	char etag[PUBCACHE_ETAG_MAX]; /* its ETag, the module's to set */
	struct buf body;              /* the answer's bytes */
};

/* Reads the state answers are checked against into *s. Returns 0, or -1 on a database
 * failure. */
int pubcache_state_read(struct db *db, struct pubcache_state *s);

/*
 * The calling worker's entry of c for (kind, variant, key[0..n)), n < PUBCACHE_KEY_MAX.
 * Returns it with *hit 1 when it holds that answer made at state *now; else it is emptied
 * (used 0, body empty) with *hit 0, for the caller to render into (body, etag, status) and
 * then pubcache_keep. The entry belongs to the worker; the caller never frees it.
 */
struct pubcache_entry *pubcache_find(struct pubcache *c, int kind, int variant, const char *key,
                                     size_t n, const struct pubcache_state *now, int *hit);

/* Marks e (from pubcache_find, rendered into) as holding the answer for (kind, variant,
 * key[0..n)) made at state *now. */
void pubcache_keep(struct pubcache_entry *e, int kind, int variant, const char *key, size_t n,
                   const struct pubcache_state *now);

#endif

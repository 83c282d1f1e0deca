/*
 * Memory: allocation wrappers that never return NULL (they abort with a message, as tmux
 * does), a growable byte buffer, and a per-request arena whose allocations are freed together
 * when the request is done.
 */
#ifndef JZ_MEM_H
#define JZ_MEM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer. The bytes are always NUL-terminated (not counted in len). */
struct buf {
	char *data; /* owned; NULL until the first append */
	size_t len; /* bytes used, excluding the trailing NUL */
	size_t cap; /* bytes allocated */
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
/* Frees the bytes; the struct may be reused. */
void buf_free(struct buf *b);
/* Hands the bytes to the caller (who frees them with free()) and empties the buffer. */
char *buf_steal(struct buf *b, size_t *len);

/* A bump allocator of blocks; arena_free releases everything at once. */
struct arena_block;
struct arena {
	struct arena_block *head; /* newest block first */
};

void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);
/* Forgets every allocation but keeps the first block for reuse (for per-row arenas). */
void arena_reset(struct arena *a);

#endif

/*
 * Files compiled into the binary: migrations and reference data (scripts/embed.cmake).
 */
#ifndef JZ_EMBED_H
#define JZ_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *path; /* relative to the source root, e.g. "data/regions-xizang.tsv" */
	const char *data; /* the bytes, followed by a NUL */
	size_t len;       /* length without the NUL */
};

/* Terminated by an entry whose path is NULL. */
extern const struct embedded_file embedded_files[];

/* The embedded file at path, or NULL. */
const struct embedded_file *embed_find(const char *path);

#endif

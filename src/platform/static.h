/*
 * The web console's files, served from memory: a directory tree (the Vite build in web/dist)
 * read once at start into an immutable table, each file with its content type, a strong ETag
 * and its compressed variants (the build's own X.br and X.gz beside X, or gzip made here).
 * The table is only read after loading, so every worker thread may use it without locks, and
 * a request path is only ever looked up in it: no request reaches the file system.
 */
#ifndef JZ_STATIC_H
#define JZ_STATIC_H

#include <stddef.h>

#define STATIC_MAX_FILES     10000       /* regular files under the root, siblings included */
#define STATIC_MAX_BYTES     (64u << 20) /* their total size */
#define STATIC_MAX_DEPTH     16          /* directories below the root */
#define STATIC_MAX_PATH      2048        /* bytes of a request path worth looking up */
#define STATIC_GZIP_MIN      1024        /* smaller files are not worth compressing */
#define STATIC_ASSETS_PREFIX "/assets/"  /* Vite's content-hashed files: cached for a year */

/* Content codings of a file's body. */
enum static_encoding {
	STATIC_IDENTITY, /* the bytes as found */
	STATIC_GZIP,     /* gzip */
	STATIC_BR,       /* brotli (only from the build: made elsewhere, never here) */
	STATIC_ENCODINGS
};

/* One file of the console. */
struct static_file {
	char *path;                                  /* URL path, "/assets/app-3f2a.js" */
	const char *content_type;                    /* Content-Type to send */
	int immutable;                               /* under STATIC_ASSETS_PREFIX */
	int html;                                    /* an HTML page (gets the console's CSP) */
	char etag[STATIC_ENCODINGS][40];             /* per coding: "hex", "hex-gzip", "hex-br" */
	const unsigned char *body[STATIC_ENCODINGS]; /* per coding, NULL when absent */
	size_t len[STATIC_ENCODINGS];                /* per coding */
};

/* The loaded table (opaque); static_site_free releases it. */
struct static_site;

/* Results of static_site_load. */
enum static_load_result {
	STATIC_LOADED = 0,   /* *out is the table */
	STATIC_MISSING = -1, /* the root does not exist: no console, not an error */
	STATIC_FAILED = -2,  /* a cap, a symbolic link leaving the root, or a read error */
};

/*
 * Reads every regular file under root (recursively, dot files skipped) into a new table.
 * Beside X, a file X.br or X.gz becomes the brotli or gzip body of X and is not a file of its
 * own; a compressible file over STATIC_GZIP_MIN without X.gz is gzipped here, the result
 * kept only when smaller. Symbolic links are followed only when they lead to somewhere inside
 * the root. Returns STATIC_LOADED with *out (the caller frees it with static_site_free),
 * STATIC_MISSING, or STATIC_FAILED with a message in err[0..errlen).
 */
int static_site_load(const char *root, struct static_site **out, char *err, size_t errlen);

/* Frees the table and every body; NULL is allowed. */
void static_site_free(struct static_site *s);

/* Totals for the start-up log line: files listed, their bytes, and the bytes sent when every
 * file that has a gzip body is sent gzipped. Any output may be NULL. */
void static_site_stats(const struct static_site *s, size_t *nfiles, size_t *bytes,
                       size_t *gzip_bytes);

/* Results of static_site_lookup. */
enum static_lookup_result {
	STATIC_FOUND,    /* the file itself (or index.html for "/") */
	STATIC_FALLBACK, /* index.html for a client-side route (a last segment without a dot) */
	STATIC_NOT_FOUND,
	STATIC_BAD_PATH, /* not a clean absolute path: "..", ".", "//", "\", control bytes, long */
};

/*
 * Finds what to serve for the (already percent-decoded) request path. On STATIC_FOUND and
 * STATIC_FALLBACK *file is the entry, owned by the table.
 */
enum static_lookup_result static_site_lookup(const struct static_site *s, const char *path,
                                             const struct static_file **file);

/*
 * The content coding to send, given the request's Accept-Encoding (NULL when absent) and the
 * codings the file has (a bit 1 << enum static_encoding for each). Of the compressed codings
 * the file has and the client accepts (q > 0, named or through "*"), the one with the highest
 * q wins, brotli before gzip on a tie; else identity.
 */
enum static_encoding static_encoding_choose(const char *accept_encoding, unsigned available);

/* Content type for a file name, by its extension (case-insensitive);
 * "application/octet-stream" when unknown. *compressible (may be NULL) is set to 1 for text. */
const char *static_content_type(const char *name, int *compressible);

/* 1 if the If-None-Match value names one of f's ETags (of any coding, W/ ignored) or is "*". */
int static_etag_matches(const struct static_file *f, const char *if_none_match);

#endif

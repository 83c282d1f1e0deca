/*
 * The web console's files in memory (see static.h): loading the tree, pairing the build's
 * compressed siblings, gzip at load, the lookup with the single-page-app fallback, and the
 * small pieces of HTTP it needs (Accept-Encoding, If-None-Match, content types).
 */
#include "static.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <zlib.h>

#include "mem.h"

#define STATIC_ETAG_HASH 8 /* bytes of the BLAKE2b hash shown in an ETag (16 hex digits) */

/* A file as read from disk, before siblings are paired. */
struct static_entry {
	char *path;          /* URL path */
	unsigned char *data; /* bytes (malloc'd; moved into the table) */
	size_t len;          /* their length */
	int coding;          /* STATIC_GZIP or STATIC_BR when it is a sibling, else 0 */
	size_t base;         /* the sibling's file, when coding is set */
};

struct static_site {
	struct static_file *files;       /* sorted by path */
	size_t n;                        /* files */
	const struct static_file *index; /* "/index.html", or NULL */
};

/* State of one load. */
struct static_loader {
	const char *root;         /* as configured, for messages */
	char root_real[PATH_MAX]; /* canonical root, for the symbolic-link check */
	size_t root_len;          /* its length */
	struct static_entry *v;   /* files read */
	size_t n, cap;            /* used, allocated */
	size_t bytes;             /* bytes read */
	char *err;                /* message buffer */
	size_t errlen;            /* its size */
};

static const struct {
	const char *ext;  /* extension without the dot */
	const char *type; /* Content-Type */
	int compressible; /* worth gzipping */
} TYPES[] = {
    {"html", "text/html; charset=utf-8", 1},
    {"htm", "text/html; charset=utf-8", 1},
    {"js", "text/javascript; charset=utf-8", 1},
    {"mjs", "text/javascript; charset=utf-8", 1},
    {"css", "text/css; charset=utf-8", 1},
    {"json", "application/json; charset=utf-8", 1},
    {"map", "application/json; charset=utf-8", 1},
    {"webmanifest", "application/manifest+json; charset=utf-8", 1},
    {"txt", "text/plain; charset=utf-8", 1},
    {"svg", "image/svg+xml", 1},
    {"png", "image/png", 0},
    {"jpg", "image/jpeg", 0},
    {"jpeg", "image/jpeg", 0},
    {"ico", "image/x-icon", 0},
    {"woff", "font/woff", 0},
    {"woff2", "font/woff2", 0},
};

const char *static_content_type(const char *name, int *compressible)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');
	if (compressible)
		*compressible = 0;
	if (dot == NULL)
		return "application/octet-stream";
	for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
		if (strcasecmp(dot + 1, TYPES[i].ext) == 0) {
			if (compressible)
				*compressible = TYPES[i].compressible;
			return TYPES[i].type;
		}
	return "application/octet-stream";
}

static int load_fail(struct static_loader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int load_fail(struct static_loader *ld, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads the regular file at disk (st its stat) as URL path url into the loader. */
static int load_file(struct static_loader *ld, const char *disk, const char *url,
                     const struct stat *st)
{
	if (ld->n == STATIC_MAX_FILES)
		return load_fail(ld, "more than %d files under %s", STATIC_MAX_FILES, ld->root);
	if ((uint64_t)st->st_size > STATIC_MAX_BYTES - ld->bytes)
		return load_fail(ld, "the files under %s exceed %u MiB", ld->root,
		                 STATIC_MAX_BYTES >> 20);
	int fd = open(disk, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return load_fail(ld, "cannot open %s: %s", disk, strerror(errno));
	size_t len = (size_t)st->st_size;
	unsigned char *data = xmalloc(len ? len : 1);
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, data + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : 0;
			close(fd);
			free(data);
			return load_fail(ld, "cannot read %s: %s", disk,
			                 e ? strerror(e) : "it shrank while being read");
		}
		got += (size_t)r;
	}
	close(fd);
	if (ld->n == ld->cap) {
		ld->cap = ld->cap ? 2 * ld->cap : 64;
		ld->v = xrealloc(ld->v, ld->cap * sizeof *ld->v);
	}
	ld->v[ld->n++] = (struct static_entry){xstrdup(url), data, len, 0, 0};
	ld->bytes += len;
	return 0;
}

/* Loads the directory disk (URL prefix url, without the trailing slash) and below. */
static int load_dir(struct static_loader *ld, const char *disk, const char *url, int depth)
{
	DIR *d = opendir(disk);
	if (d == NULL)
		return load_fail(ld, "cannot read the directory %s: %s", disk, strerror(errno));
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') /* dot files, and the . and .. entries */
			continue;
		char dpath[PATH_MAX], upath[PATH_MAX];
		if ((size_t)snprintf(dpath, sizeof dpath, "%s/%s", disk, e->d_name) >=
		        sizeof dpath ||
		    (size_t)snprintf(upath, sizeof upath, "%s/%s", url, e->d_name) >=
		        sizeof upath) {
			rc = load_fail(ld, "the path of %s/%s is too long", disk, e->d_name);
			break;
		}
		struct stat st;
		if (lstat(dpath, &st) != 0) {
			rc = load_fail(ld, "cannot read %s: %s", dpath, strerror(errno));
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			char real[PATH_MAX];
			if (realpath(dpath, real) == NULL) {
				rc = load_fail(ld, "the symbolic link %s leads nowhere: %s", dpath,
				               strerror(errno));
				break;
			}
			if (strncmp(real, ld->root_real, ld->root_len) != 0 ||
			    real[ld->root_len] != '/') {
				rc = load_fail(ld,
				               "the symbolic link %s leads outside %s (to %s); "
				               "refusing it",
				               dpath, ld->root, real);
				break;
			}
			if (stat(dpath, &st) != 0) {
				rc = load_fail(ld, "cannot read %s: %s", dpath, strerror(errno));
				break;
			}
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth == STATIC_MAX_DEPTH)
				rc = load_fail(ld, "%s nests deeper than %d directories", dpath,
				               STATIC_MAX_DEPTH);
			else
				rc = load_dir(ld, dpath, upath, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			rc = load_file(ld, dpath, upath, &st);
		}
	}
	if (rc == 0 && errno != 0)
		rc = load_fail(ld, "cannot read the directory %s: %s", disk, strerror(errno));
	closedir(d);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct static_entry *)a)->path,
	              ((const struct static_entry *)b)->path);
}

static int file_cmp(const void *key, const void *f)
{
	return strcmp(key, ((const struct static_file *)f)->path);
}

/* Index of the entry with this path in the sorted v[0..n), or n. */
static size_t entry_find(const struct static_entry *v, size_t n, const char *path, size_t plen)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(v[mid].path, path, plen);
		if (c == 0 && v[mid].path[plen] != '\0')
			c = 1;
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/* gzip of p[0..n) at the best level (mtime 0, so the output depends on the input only), or
 * NULL. The caller frees it. */
static unsigned char *gzip_bytes(const unsigned char *p, size_t n, size_t *out_len)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return NULL;
	uLong cap = deflateBound(&zs, (uLong)n);
	unsigned char *out = xmalloc(cap);
	zs.next_in = (Bytef *)(uintptr_t)p; /* zlib does not write through next_in */
	zs.avail_in = (uInt)n;              /* n <= STATIC_MAX_BYTES */
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	int rc = deflate(&zs, Z_FINISH);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

/* Fills the derived fields of f (its identity body set): type, flags, ETags, gzip. */
static void file_finish(struct static_file *f)
{
	int compressible;
	f->content_type = static_content_type(f->path, &compressible);
	f->immutable = strncmp(f->path, STATIC_ASSETS_PREFIX, strlen(STATIC_ASSETS_PREFIX)) == 0;
	f->html = strncmp(f->content_type, "text/html", 9) == 0;
	unsigned char h[crypto_generichash_BYTES_MIN];
	crypto_generichash(h, sizeof h, f->body[STATIC_IDENTITY], f->len[STATIC_IDENTITY], NULL, 0);
	char hex[2 * STATIC_ETAG_HASH + 1];
	sodium_bin2hex(hex, sizeof hex, h, STATIC_ETAG_HASH);
	snprintf(f->etag[STATIC_IDENTITY], sizeof f->etag[0], "\"%s\"", hex);
	snprintf(f->etag[STATIC_GZIP], sizeof f->etag[0], "\"%s-gzip\"", hex);
	snprintf(f->etag[STATIC_BR], sizeof f->etag[0], "\"%s-br\"", hex);
	if (f->body[STATIC_GZIP] == NULL && compressible &&
	    f->len[STATIC_IDENTITY] > STATIC_GZIP_MIN) {
		size_t n;
		unsigned char *gz =
		    gzip_bytes(f->body[STATIC_IDENTITY], f->len[STATIC_IDENTITY], &n);
		if (gz && n < f->len[STATIC_IDENTITY]) {
			f->body[STATIC_GZIP] = gz;
			f->len[STATIC_GZIP] = n;
		} else {
			free(gz);
		}
	}
}

/* Turns the loader's entries into the table, pairing X.gz and X.br with X. */
static struct static_site *site_build(struct static_loader *ld)
{
	if (ld->n) /* qsort wants an array, even of none */
		qsort(ld->v, ld->n, sizeof *ld->v, entry_cmp);
	for (size_t i = 0; i < ld->n; i++) {
		struct static_entry *e = &ld->v[i];
		size_t plen = strlen(e->path);
		if (plen < 4)
			continue;
		int coding = strcmp(e->path + plen - 3, ".gz") == 0   ? STATIC_GZIP
		             : strcmp(e->path + plen - 3, ".br") == 0 ? STATIC_BR
		                                                      : 0;
		if (coding == 0 || e->path[plen - 4] == '/')
			continue;
		size_t base = entry_find(ld->v, ld->n, e->path, plen - 3);
		if (base < ld->n) {
			e->coding = coding;
			e->base = base;
		}
	}
	/* X.gz.gz beside X.gz beside X: X.gz is a sibling, so X.gz.gz stays a file. */
	for (size_t i = 0; i < ld->n; i++)
		if (ld->v[i].coding && ld->v[ld->v[i].base].coding)
			ld->v[i].coding = 0;

	struct static_site *s = xcalloc(1, sizeof *s);
	size_t *slot = xcalloc(ld->n ? ld->n : 1, sizeof *slot);
	for (size_t i = 0; i < ld->n; i++)
		if (!ld->v[i].coding)
			s->n++;
	s->files = xcalloc(s->n ? s->n : 1, sizeof *s->files);
	size_t k = 0;
	for (size_t i = 0; i < ld->n; i++) {
		struct static_entry *e = &ld->v[i];
		if (e->coding)
			continue;
		slot[i] = k;
		struct static_file *f = &s->files[k++];
		f->path = e->path;
		f->body[STATIC_IDENTITY] = e->data;
		f->len[STATIC_IDENTITY] = e->len;
		e->path = NULL;
		e->data = NULL;
	}
	for (size_t i = 0; i < ld->n; i++) {
		struct static_entry *e = &ld->v[i];
		if (!e->coding)
			continue;
		struct static_file *f = &s->files[slot[e->base]];
		f->body[e->coding] = e->data;
		f->len[e->coding] = e->len;
		e->data = NULL;
	}
	free(slot);
	for (size_t i = 0; i < s->n; i++)
		file_finish(&s->files[i]);
	s->index = bsearch("/index.html", s->files, s->n, sizeof *s->files, file_cmp);
	return s;
}

static void loader_free(struct static_loader *ld)
{
	for (size_t i = 0; i < ld->n; i++) {
		free(ld->v[i].path);
		free(ld->v[i].data);
	}
	free(ld->v);
}

int static_site_load(const char *root, struct static_site **out, char *err, size_t errlen)
{
	struct static_loader ld;
	memset(&ld, 0, sizeof ld);
	ld.root = root;
	ld.err = err;
	ld.errlen = errlen;
	if (errlen)
		err[0] = '\0';
	struct stat st;
	if (stat(root, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return STATIC_MISSING;
		load_fail(&ld, "cannot read %s: %s", root, strerror(errno));
		return STATIC_FAILED;
	}
	if (!S_ISDIR(st.st_mode)) {
		load_fail(&ld, "%s is not a directory", root);
		return STATIC_FAILED;
	}
	if (realpath(root, ld.root_real) == NULL) {
		load_fail(&ld, "cannot resolve %s: %s", root, strerror(errno));
		return STATIC_FAILED;
	}
	ld.root_len = strlen(ld.root_real);
	if (ld.root_len == 1) /* "/": every path lies inside */
		ld.root_len = 0;
	if (load_dir(&ld, root, "", 0) != 0) {
		loader_free(&ld);
		return STATIC_FAILED;
	}
	*out = site_build(&ld);
	loader_free(&ld);
	return STATIC_LOADED;
}

void static_site_free(struct static_site *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].path);
		for (int c = 0; c < STATIC_ENCODINGS; c++)
			free((void *)(uintptr_t)s->files[i].body[c]);
	}
	free(s->files);
	free(s);
}

void static_site_stats(const struct static_site *s, size_t *nfiles, size_t *bytes,
                       size_t *gzip_bytes_out)
{
	size_t b = 0, g = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct static_file *f = &s->files[i];
		b += f->len[STATIC_IDENTITY];
		g += f->body[STATIC_GZIP] ? f->len[STATIC_GZIP] : f->len[STATIC_IDENTITY];
	}
	if (nfiles)
		*nfiles = s->n;
	if (bytes)
		*bytes = b;
	if (gzip_bytes_out)
		*gzip_bytes_out = g;
}

/* 1 if path is absolute, short enough, and free of ".", "..", empty segments (but a trailing
 * slash), backslashes and control bytes. */
static int path_clean(const char *path)
{
	size_t n = strnlen(path, STATIC_MAX_PATH + 1);
	if (n == 0 || n > STATIC_MAX_PATH || path[0] != '/')
		return 0;
	const char *seg = path + 1;
	for (const char *p = path + 1;; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '/' || ch == '\0') {
			size_t len = (size_t)(p - seg);
			if (len == 0 && ch == '/')
				return 0;
			if ((len == 1 && seg[0] == '.') ||
			    (len == 2 && seg[0] == '.' && seg[1] == '.'))
				return 0;
			if (ch == '\0')
				return 1;
			seg = p + 1;
		} else if (ch < 0x20 || ch == 0x7f || ch == '\\') {
			return 0;
		}
	}
}

enum static_lookup_result static_site_lookup(const struct static_site *s, const char *path,
                                             const struct static_file **file)
{
	if (!path_clean(path))
		return STATIC_BAD_PATH;
	if (strcmp(path, "/") == 0) {
		*file = s->index;
		return s->index ? STATIC_FOUND : STATIC_NOT_FOUND;
	}
	const struct static_file *f = bsearch(path, s->files, s->n, sizeof *s->files, file_cmp);
	if (f) {
		*file = f;
		return STATIC_FOUND;
	}
	/* A client-side route (/enterprises/915401.../edit) has no dot in its last segment; a
	 * missing file (/assets/app-old.js, /favicon.ico) does. Nothing under /assets/ is a route.
	 */
	const char *last = strrchr(path, '/') + 1;
	if (strchr(last, '.') || s->index == NULL ||
	    strncmp(path, STATIC_ASSETS_PREFIX, strlen(STATIC_ASSETS_PREFIX)) == 0)
		return STATIC_NOT_FOUND;
	*file = s->index;
	return STATIC_FALLBACK;
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* A qvalue ("0", "0.5", "1.000") in thousandths, or -1 when malformed. */
static int qvalue_parse(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
		scale /= 10;
	}
	return q > 1000 ? -1 : q;
}

/* Trims optional white space around s[0..*n); returns the new start. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_ows(*s)) {
		s++;
		(*n)--;
	}
	while (*n && is_ows(s[*n - 1]))
		(*n)--;
	return s;
}

enum static_encoding static_encoding_choose(const char *accept_encoding, unsigned available)
{
	if (accept_encoding == NULL)
		return STATIC_IDENTITY;
	int q_gzip = -1, q_br = -1, q_star = -1; /* thousandths; -1: not named */
	const char *p = accept_encoding;
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *item = p;
		p += n;
		if (*p == ',')
			p++;
		const char *end = item + n;
		const char *semi = item;
		while (semi < end && *semi != ';')
			semi++;
		size_t nname = (size_t)(semi - item);
		const char *name = trim(item, &nname);
		int q = 1000;
		for (const char *par = semi; par < end;) {
			par++; /* past the ';' */
			const char *pend = par;
			while (pend < end && *pend != ';')
				pend++;
			size_t np = (size_t)(pend - par);
			const char *v = trim(par, &np);
			if (np >= 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
				q = qvalue_parse(v + 2, np - 2);
				if (q < 0)
					q = 0; /* a malformed weight accepts nothing */
			}
			par = pend;
		}
		if (nname == 2 && strncasecmp(name, "br", 2) == 0)
			q_br = q;
		else if ((nname == 4 && strncasecmp(name, "gzip", 4) == 0) ||
		         (nname == 6 && strncasecmp(name, "x-gzip", 6) == 0))
			q_gzip = q;
		else if (nname == 1 && name[0] == '*')
			q_star = q;
	}
	if (q_br < 0)
		q_br = q_star > 0 ? q_star : 0;
	if (q_gzip < 0)
		q_gzip = q_star > 0 ? q_star : 0;
	enum static_encoding best = STATIC_IDENTITY;
	int best_q = 0;
	if ((available & (1u << STATIC_BR)) && q_br > best_q) {
		best = STATIC_BR;
		best_q = q_br;
	}
	if ((available & (1u << STATIC_GZIP)) && q_gzip > best_q)
		best = STATIC_GZIP;
	return best;
}

int static_etag_matches(const struct static_file *f, const char *if_none_match)
{
	const char *p = if_none_match;
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *tag = trim(p, &n);
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
		if (n == 1 && tag[0] == '*')
			return 1;
		if (n >= 2 && tag[0] == 'W' && tag[1] == '/') {
			tag += 2;
			n -= 2;
		}
		for (int c = 0; c < STATIC_ENCODINGS; c++)
			if (f->body[c] && strlen(f->etag[c]) == n &&
			    memcmp(f->etag[c], tag, n) == 0)
				return 1;
	}
	return 0;
}

/*
 * The HTTP server (see http.h): request life cycle on libmicrohttpd, routing, errors, logging,
 * streaming, and the orderly stop on SIGTERM.
 *
 * Life of a request in the access handler: the first call matches the route, checks the
 * headers (a second, conflicting Content-Length; a declared body over the route's limit) and
 * sets the connection context; the calls that follow collect the body; the last one runs the
 * handler and queues the response. Queueing on the first call of a request without a body
 * would lose keep-alive in libmicrohttpd 0.9.x, which cuts throughput about five times.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "fields.h"
#include "router.h"
#include "static.h"

#define HTTP_STREAM_BLOCK       (64u * 1024) /* bytes handed to MHD per streaming call */
#define HTTP_MAX_DB_CONNECTIONS 256          /* worker connections tracked for closing */

/* Per-connection state for one request. */
struct http_ctx {
	struct http_request req; /* what the handler sees */
	int status;              /* status sent, for the log */
	uint64_t bytes;          /* body bytes sent, for the log */
	int reject;              /* an api_error + 1 decided before the body was read */
	const char *reject_msg;  /* its message */
	int route_rc;            /* router result: 0, or 404/405 */
	int is_static;           /* outside /api/ and /e/: answered from the console's files */
	int is_anonymous;        /* a public page: credentials are never looked at */
	int raw_nul;             /* the raw path held %00, which decoding cut short */
	size_t body_seen;        /* body bytes received, kept or not */
};

/* Wrapper handed to MHD for streamed responses. */
struct http_stream {
	int (*fn)(void *ctx, struct buf *out); /* the producer */
	void (*free_fn)(void *ctx);            /* frees ctx */
	void *ctx;                             /* producer state */
	struct buf pending;                    /* produced, not yet sent */
	size_t off;                            /* bytes of pending already sent */
	int done;                              /* producer said it is finished */
	struct http_ctx *owner;                /* for the byte count */
};

static const struct http_config *server_cfg;
static _Thread_local struct db *thread_db;
static struct db *all_dbs[HTTP_MAX_DB_CONNECTIONS];
static size_t n_dbs;
static pthread_mutex_t dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t rid_prefix;
static unsigned in_flight; /* requests begun and not yet completed, for the drain */
static uint64_t rid_counter;
/* The connection context uri_log leaves when a raw path holds %00 (no http_ctx exists yet). */
static char raw_nul_marker;

/* Console responses. The HTML policy lets the console's own scripts, styles (and the inline
 * styles its component library sets), images and fonts load, and nothing from elsewhere. */
static const char CSP_API[] = "default-src 'self'; frame-ancestors 'none'";
static const char CSP_CONSOLE[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
static const char CACHE_IMMUTABLE[] = "public, max-age=31536000, immutable";
static const char CACHE_REVALIDATE[] = "no-cache";

static const struct {
	enum api_error err;
	int status;
} ERROR_STATUS[] = {
    {API_BAD_REQUEST, 400},       {API_UNAUTHORIZED, 401},        {API_FORBIDDEN, 403},
    {API_NOT_FOUND, 404},         {API_METHOD_NOT_ALLOWED, 405},  {API_NOT_ACCEPTABLE, 406},
    {API_CONFLICT, 409},          {API_PRECONDITION_FAILED, 412}, {API_TOO_LARGE, 413},
    {API_UNSUPPORTED_MEDIA, 415}, {API_UNPROCESSABLE, 422},       {API_TOO_MANY, 429},
    {API_INTERNAL, 500},          {API_UNAVAILABLE, 503},
};

static int error_status(enum api_error err)
{
	for (size_t i = 0; i < sizeof ERROR_STATUS / sizeof ERROR_STATUS[0]; i++)
		if (ERROR_STATUS[i].err == err)
			return ERROR_STATUS[i].status;
	return 500;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int http_error(struct http_response *res, enum api_error err, const char *code, const char *field,
               const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	res->status = error_status(err);
	res->content_type = "application/json; charset=utf-8";
	res->stream = NULL;
	buf_reset(&res->body);
	buf_puts(&res->body, "{\"error\":{\"code\":");
	json_write_string(&res->body, code, strlen(code));
	buf_puts(&res->body, ",\"message\":");
	json_write_string(&res->body, msg, strlen(msg));
	buf_puts(&res->body, ",\"field\":");
	if (field)
		json_write_string(&res->body, field, strlen(field));
	else
		buf_puts(&res->body, "null");
	buf_puts(&res->body, "}}");
	return 0;
}

void http_json(struct http_response *res, int status)
{
	res->status = status;
	res->content_type = "application/json; charset=utf-8";
}

const char *http_query(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

int http_is_tls(struct http_request *req)
{
	const char *p = http_header(req, "X-Forwarded-Proto");
	return p && strcasecmp(p, "https") == 0;
}

/* Deepest nesting of arrays and objects in s[0..n), counting only outside strings. */
static int json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return max;
}

json_t *http_body_json(struct http_request *req, struct http_response *res)
{
	const char *ct = http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct && strncasecmp(ct, "application/json", 16) != 0) {
		http_error(res, API_UNSUPPORTED_MEDIA, "unsupported_media_type", NULL,
		           "the body must be application/json");
		return NULL;
	}
	if (req->body.len == 0) {
		http_error(res, API_BAD_REQUEST, "invalid_json", NULL, "the body is empty");
		return NULL;
	}
	if (json_depth(req->body.data, req->body.len) > HTTP_JSON_MAX_DEPTH) {
		http_error(res, API_BAD_REQUEST, "too_deep", NULL,
		           "the body nests deeper than %d levels", HTTP_JSON_MAX_DEPTH);
		return NULL;
	}
	json_error_t jerr;
	json_t *v = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL) {
		/* jansson says: duplicate object key near '"name"'; name the field. */
		const char *field = NULL;
		int dup = json_error_code(&jerr) == json_error_duplicate_key;
		const char *q = dup ? strstr(jerr.text, "near '\"") : NULL;
		if (q) {
			const char *start = q + 7, *end = strstr(start, "\"'");
			if (end)
				field = arena_strndup(&req->arena, start, (size_t)(end - start));
		}
		http_error(res, API_BAD_REQUEST, dup ? "duplicate_key" : "invalid_json", field,
		           "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
		           jerr.line, jerr.column);
		return NULL;
	}
	return v;
}

static struct db *worker_db(void)
{
	if (thread_db)
		return thread_db;
	struct db *db;
	if (db_open(server_cfg->db_path, 0, &db) != 0)
		return NULL;
	pthread_mutex_lock(&dbs_lock);
	if (n_dbs == HTTP_MAX_DB_CONNECTIONS) {
		pthread_mutex_unlock(&dbs_lock);
		db_close(db);
		return NULL;
	}
	all_dbs[n_dbs++] = db;
	pthread_mutex_unlock(&dbs_lock);
	thread_db = db;
	return db;
}

static void add_common_headers(struct MHD_Response *r, struct http_ctx *x, const char *csp)
{
	MHD_add_response_header(r, "X-Request-Id", x->req.request_id);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct http_stream *s = cls;
	(void)pos;
	while (s->off == s->pending.len) {
		if (s->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		buf_reset(&s->pending);
		s->off = 0;
		int rc = s->fn(s->ctx, &s->pending);
		if (rc < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (rc == 0)
			s->done = 1;
	}
	size_t n = s->pending.len - s->off;
	if (n > max)
		n = max;
	memcpy(out, s->pending.data + s->off, n);
	s->off += n;
	s->owner->bytes += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct http_stream *s = cls;
	if (s->free_fn)
		s->free_fn(s->ctx);
	buf_free(&s->pending);
	free(s);
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct http_ctx *x,
                                     struct http_response *res, int close_after)
{
	struct MHD_Response *r;
	if (res->stream) {
		struct http_stream *s = xcalloc(1, sizeof *s);
		s->fn = res->stream;
		s->free_fn = res->stream_free;
		s->ctx = res->stream_ctx;
		s->owner = x;
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, HTTP_STREAM_BLOCK,
		                                      stream_reader, s, stream_free);
	} else {
		size_t len;
		char *body = buf_steal(&res->body, &len);
		x->bytes = len;
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	}
	if (r == NULL)
		return MHD_NO;
	if (res->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
	if (res->etag[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, res->etag);
	if (res->disposition)
		MHD_add_response_header(r, "Content-Disposition", res->disposition);
	if (res->allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, res->allow);
	if (res->set_cookie)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, res->set_cookie);
	/* Responses that depend on who asks must not be cached by anyone in between; a public
	 * page (the same for everyone) says for how long it may be. */
	if (x->req.principal || res->set_cookie)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-store");
	else if (res->caching)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, res->caching);
	if (res->vary)
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, res->vary);
	if (res->retry_after > 0) {
		char secs[16];
		snprintf(secs, sizeof secs, "%d", res->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	}
	if (close_after)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	add_common_headers(r, x, res->csp ? res->csp : CSP_API);
	x->status = res->status;
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Sends an error of a console path (JSON, as the API's). */
static enum MHD_Result static_error(struct MHD_Connection *c, struct http_ctx *x,
                                    enum api_error err, const char *code, const char *msg)
{
	struct http_response res = {0};
	http_error(&res, err, code, NULL, "%s", msg);
	if (err == API_METHOD_NOT_ALLOWED)
		res.allow = "GET, HEAD";
	return send_response(c, x, &res, 0);
}

/*
 * Answers a path outside /api/ from the console's files: no database, no session. The body
 * is the table's own memory (never copied); HEAD gets the same headers and no body.
 */
static enum MHD_Result send_static(struct MHD_Connection *c, struct http_ctx *x)
{
	const char *method = x->req.method;
	int head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0)
		return static_error(c, x, API_METHOD_NOT_ALLOWED, "method_not_allowed",
		                    "only GET and HEAD are allowed outside /api/");
	const struct static_file *f = NULL;
	enum static_lookup_result found =
	    x->raw_nul ? STATIC_BAD_PATH : static_site_lookup(server_cfg->site, x->req.path, &f);
	if (found == STATIC_BAD_PATH)
		return static_error(c, x, API_BAD_REQUEST, "bad_path", "the path is not valid");
	if (found == STATIC_NOT_FOUND)
		return static_error(c, x, API_NOT_FOUND, "not_found", "no such file");
	unsigned available = 0;
	for (int k = STATIC_GZIP; k < STATIC_ENCODINGS; k++)
		if (f->body[k])
			available |= 1u << k;
	enum static_encoding enc = static_encoding_choose(
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING),
	    available);
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	int status = inm && static_etag_matches(f, inm) ? 304 : 200;
	size_t len = status == 200 ? f->len[enc] : 0;
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, status == 200 ? (void *)(uintptr_t)f->body[enc] : (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, f->content_type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, f->etag[enc]);
	if (enc != STATIC_IDENTITY)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
		                        enc == STATIC_BR ? "br" : "gzip");
	if (available)
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	/* The same for everyone, signed in or not: content-hashed assets for a year, the page
	 * itself (and the fallback) checked again each time so a new build is seen at once. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	                        f->immutable ? CACHE_IMMUTABLE : CACHE_REVALIDATE);
	add_common_headers(r, x, f->html ? CSP_CONSOLE : CSP_API);
	x->status = status;
	x->bytes = head ? 0 : len;
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Counts Content-Length headers and notes whether they disagree. */
struct cl_count {
	int n;             /* how many */
	int conflict;      /* values differ */
	const char *first; /* first value */
};

static enum MHD_Result count_cl(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
	struct cl_count *cc = cls;
	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
		return MHD_YES;
	if (cc->n++ == 0)
		cc->first = value;
	else if (value == NULL || cc->first == NULL || strcmp(value, cc->first) != 0)
		cc->conflict = 1;
	return MHD_YES;
}

static void make_request_id(struct http_ctx *x, struct MHD_Connection *c)
{
	const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
	if (given) {
		size_t n = strlen(given), ok = n > 0 && n < sizeof x->req.request_id;
		for (size_t i = 0; ok && i < n; i++) {
			char ch = given[i];
			ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
			     (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_';
		}
		if (ok) {
			memcpy(x->req.request_id, given, n + 1);
			return;
		}
	}
	uint64_t k = __atomic_add_fetch(&rid_counter, 1, __ATOMIC_RELAXED);
	snprintf(x->req.request_id, sizeof x->req.request_id, "%08x%010llx", rid_prefix,
	         (unsigned long long)k);
}

static void client_address(struct http_ctx *x, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	x->req.client_addr[0] = '\0';
	if (ci == NULL || ci->client_addr == NULL)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		          x->req.client_addr, sizeof x->req.client_addr);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          x->req.client_addr, sizeof x->req.client_addr);
}

/*
 * Sees the raw request target before libmicrohttpd decodes it. Decoding turns an encoded NUL
 * (percent, zero, zero) into a string end, so the handler would get a shorter path or query
 * value than the one asked for (a file name "a%00b.png" stored as "a"); a raw target holding
 * one, in the path or in the query, is marked, and the request refused. The return value
 * becomes the connection context of the access handler's first call.
 */
static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	size_t n = strlen(uri);
	for (size_t i = 0; i + 2 < n; i++)
		if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
			return &raw_nul_marker;
	return NULL;
}

/* 1 if path belongs to the API (the router), not to the console. */
static int is_api_path(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

/*
 * 1 if path is one of the public pages (/e/... for the equipment stickers, /s/... for the
 * sampling announcements, /v/... for the verification of licences, and their JSON
 * under /api/v1/public/): routed like the API, but answered the same to everyone, so a
 * public route there runs without authentication and a session cookie the browser sends
 * along costs no database lookup (nor makes the answer private).
 */
static int is_anonymous_path(const char *path)
{
	return strncmp(path, "/e/", 3) == 0 || strncmp(path, "/s/", 3) == 0 ||
	       strncmp(path, "/v/", 3) == 0 || strncmp(path, "/api/v1/public/", 15) == 0;
}

const char *http_public_base_url(void)
{
	return server_cfg && server_cfg->public_base_url ? server_cfg->public_base_url : "";
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *c, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
	(void)cls;
	(void)version;
	struct http_ctx *x = *con_cls;
	if (x == NULL || x == (void *)&raw_nul_marker) {
		int raw_nul = x != NULL;
		x = xcalloc(1, sizeof *x);
		x->raw_nul = raw_nul;
		*con_cls = x;
		__atomic_add_fetch(&in_flight, 1, __ATOMIC_RELAXED);
		x->req.start_ns = now_ns();
		x->req.conn = c;
		x->req.method = method;
		x->req.path = arena_strdup(&x->req.arena, url);
		make_request_id(x, c);
		client_address(x, c);
		const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
		x->is_anonymous = is_anonymous_path(x->req.path);
		x->is_static = server_cfg->site && !is_api_path(x->req.path) && !x->is_anonymous;
		x->route_rc = x->is_static ? 404
		                           : router_match(m, x->req.path, &x->req.route,
		                                          x->req.params, &x->req.arena);
		struct cl_count cc = {0};
		MHD_get_connection_values(c, MHD_HEADER_KIND, count_cl, &cc);
		if (x->raw_nul && !x->is_static) {
			/* A target the decoding cut short at %00 is not the one that was asked for.
			 */
			x->reject = API_BAD_REQUEST + 1;
			x->reject_msg = "the request target holds %00";
		} else if (cc.conflict) {
			x->reject = API_BAD_REQUEST + 1;
			x->reject_msg = "conflicting Content-Length headers";
		} else if (cc.first && (x->route_rc == 0 || x->is_static)) {
			size_t limit = x->route_rc == 0 && x->req.route->body_limit
			                   ? x->req.route->body_limit
			                   : HTTP_BODY_LIMIT_DEFAULT;
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cc.first, &end, 10);
			if (errno || *end || n > limit) {
				/* Answer at once: the body is never read. */
				struct http_response res = {0};
				http_error(&res, API_TOO_LARGE, "too_large", NULL,
				           "the body is larger than the %zu bytes allowed here",
				           limit);
				return send_response(c, x, &res, 1);
			}
		}
		if (x->reject) {
			struct http_response res = {0};
			http_error(&res, (enum api_error)(x->reject - 1), "bad_request", NULL, "%s",
			           x->reject_msg);
			return send_response(c, x, &res, 1);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t limit = (x->route_rc == 0 && x->req.route->body_limit)
		                   ? x->req.route->body_limit
		                   : HTTP_BODY_LIMIT_DEFAULT;
		x->body_seen += *upload_data_size;
		if (!x->reject && x->body_seen > limit) {
			x->reject = API_TOO_LARGE + 1;
			buf_free(&x->req.body);
		}
		if (!x->reject && !x->is_static) /* the console's files take no body */
			buf_append(&x->req.body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}

	if (x->is_static && !x->reject)
		return send_static(c, x);
	struct http_response res = {0};
	res.status = 200;
	int close_after = 0;
	if (x->reject == API_TOO_LARGE + 1) {
		http_error(&res, API_TOO_LARGE, "too_large", NULL,
		           "the body is larger than the bytes allowed here");
		close_after = 1;
	} else if (x->route_rc == 404) {
		http_error(&res, API_NOT_FOUND, "not_found", NULL, "no such resource: %s",
		           x->req.path);
	} else if (x->route_rc == 405) {
		struct buf allow = {0};
		router_allowed(x->req.path, &allow);
		http_error(&res, API_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
		           "%s is not allowed on %s (allowed: %s)", method, x->req.path,
		           allow.data);
		res.allow = arena_strdup(&x->req.arena, allow.data);
		buf_free(&allow);
	} else if ((x->req.db = worker_db()) == NULL) {
		http_error(&res, API_UNAVAILABLE, "database_unavailable", NULL,
		           "the database cannot be opened");
	} else if (!(x->is_anonymous && (x->req.route->flags & ROUTE_PUBLIC)) &&
	           api_authenticate(&x->req, &res) != 0) {
		/* res holds the 401, 403 or 429 */
	} else if (x->req.route->handler(&x->req, &res) != 0) {
		http_error(&res, API_INTERNAL, "internal", NULL,
		           "an internal error occurred (request %s)", x->req.request_id);
	}
	return send_response(c, x, &res, close_after);
}

static void request_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	struct http_ctx *x = *con_cls;
	*con_cls = NULL;
	if (x == NULL || x == (void *)&raw_nul_marker) /* the handler never ran */
		return;
	if (server_cfg->log_requests) {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		char line[1024];
		unsigned long long us = (now_ns() - x->req.start_ns) / 1000;
		int n = snprintf(
		    line, sizeof line,
		    "%04d-%02d-%02dT%02d:%02d:%02dZ rid=%s %s %s %.300s %d %llu %lluus%s\n",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    x->req.request_id, x->req.client_addr, x->req.method, x->req.path, x->status,
		    (unsigned long long)x->bytes, us,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
		if (n > 0)
			(void)!write(2, line,
			             (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
	buf_free(&x->req.body);
	arena_free(&x->req.arena);
	free(x);
	__atomic_sub_fetch(&in_flight, 1, __ATOMIC_RELAXED);
}

int http_serve(const struct http_config *cfg)
{
	server_cfg = cfg;
	if (getrandom(&rid_prefix, sizeof rid_prefix, 0) != sizeof rid_prefix)
		rid_prefix = (uint32_t)getpid();

	struct sockaddr_storage ss = {0};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC;
	socklen_t sslen;
	if (strchr(cfg->listen_host, ':')) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)cfg->port);
		if (inet_pton(AF_INET6, cfg->listen_host, &a6->sin6_addr) != 1)
			goto bad_addr;
		flags |= MHD_USE_IPv6;
		sslen = sizeof *a6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)cfg->port);
		if (inet_pton(AF_INET, cfg->listen_host, &a4->sin_addr) != 1)
			goto bad_addr;
		sslen = sizeof *a4;
	}
	(void)sslen;

	/* Signals are taken by sigwait below, so block them before MHD starts its threads. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, (uint16_t)cfg->port, NULL, NULL, access_handler, NULL, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTION_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONNECTION_TIMEOUT,
	    MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK,
	    uri_log, NULL, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "jinzhi: cannot listen on %s:%d: %s\n", cfg->listen_host, cfg->port,
		        strerror(errno));
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	int port = di ? di->port : cfg->port;
	fprintf(stderr, "jinzhi: listening on %s%s%s:%d with %d threads\n",
	        strchr(cfg->listen_host, ':') ? "[" : "", cfg->listen_host,
	        strchr(cfg->listen_host, ':') ? "]" : "", port, cfg->threads);

	int sig = 0;
	sigwait(&sigs, &sig);
	fprintf(stderr, "jinzhi: signal %d: draining requests\n", sig);
	MHD_quiesce_daemon(d);
	/* Wait for requests in flight, not for idle keep-alive connections: those are closed. */
	for (int i = 0; i < cfg->drain_seconds * 10; i++) {
		if (__atomic_load_n(&in_flight, __ATOMIC_RELAXED) == 0)
			break;
		struct timespec ts = {0, 100000000};
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(d);
	pthread_mutex_lock(&dbs_lock);
	for (size_t i = 0; i < n_dbs; i++)
		db_close(all_dbs[i]);
	n_dbs = 0;
	pthread_mutex_unlock(&dbs_lock);
	fprintf(stderr, "jinzhi: stopped\n");
	return 0;
bad_addr:
	fprintf(stderr, "jinzhi: listen address %s is not a numeric IP address\n",
	        cfg->listen_host);
	return -1;
}

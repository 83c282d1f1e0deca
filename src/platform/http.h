/*
 * The HTTP face: libmicrohttpd with its own thread pool, a routing table per module, request
 * arenas, uniform JSON errors, streamed responses, one log line per request.
 *
 * A handler parses and authorises, calls a service, and shapes the response; it never builds
 * SQL. Every handler runs on an MHD worker thread that owns one database connection
 * (http_request.db), opened on the thread's first request.
 */
#ifndef JZ_HTTP_H
#define JZ_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "mem.h"

#define HTTP_MAX_PATH_PARAMS    4
#define HTTP_BODY_LIMIT_DEFAULT (1u << 20) /* 1 MiB for JSON bodies */
#define HTTP_JSON_MAX_DEPTH     16         /* nesting allowed in request bodies */
#define HTTP_CONNECTION_MEMORY                                                                     \
	(16u * 1024) /* per connection; bounds header size (MHD zeroes it per request) */
#define HTTP_CONNECTION_LIMIT   2048 /* open connections */
#define HTTP_CONNECTION_TIMEOUT 30   /* seconds of idle before a connection is closed */
#define HTTP_QUERY_MAX_VALUE    1024 /* bytes in one query parameter value */

struct db;
struct static_site;
struct http_request;
struct http_response;

/* The API's errors; each maps to one HTTP status in http.c. */
enum api_error {
	API_BAD_REQUEST,         /* 400 malformed or invalid input */
	API_UNAUTHORIZED,        /* 401 */
	API_FORBIDDEN,           /* 403 */
	API_NOT_FOUND,           /* 404 */
	API_METHOD_NOT_ALLOWED,  /* 405 */
	API_NOT_ACCEPTABLE,      /* 406 */
	API_CONFLICT,            /* 409 already exists, or changed meanwhile */
	API_PRECONDITION_FAILED, /* 412 If-Match did not match */
	API_TOO_LARGE,           /* 413 */
	API_UNSUPPORTED_MEDIA,   /* 415 */
	API_UNPROCESSABLE,       /* 422 well-formed but breaks a rule */
	API_TOO_MANY,            /* 429 */
	API_INTERNAL,            /* 500 */
	API_UNAVAILABLE,         /* 503 */
};

typedef int (*http_handler_fn)(struct http_request *req, struct http_response *res);

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,        /* reachable without authentication */
	ROUTE_RAW_BODY = 1 << 1,      /* body is not JSON (CSV upload) */
	ROUTE_SIGNED_IN = 1 << 2,     /* any signed-in account, no particular permission */
	ROUTE_BEFORE_CHANGE = 1 << 3, /* allowed while the password must still be changed */
};

/* Documentation of a query parameter, for the OpenAPI document. */
struct route_param {
	const char *name;        /* parameter name */
	const char *type;        /* "string", "integer", "boolean" */
	const char *description; /* what it does */
};

struct route {
	const char *method;              /* "GET", "POST", "PATCH", ... */
	const char *pattern;             /* "/api/v1/enterprises/{credit_code}" */
	http_handler_fn handler;         /* the handler */
	int flags;                       /* enum route_flags */
	size_t body_limit;               /* bytes; 0 means HTTP_BODY_LIMIT_DEFAULT */
	const char *summary;             /* one line for the OpenAPI document */
	const char *tag;                 /* OpenAPI tag (module) */
	const char *request_schema;      /* component name of the JSON body, or NULL */
	const char *response_schema;     /* component name of the 2xx body, or NULL */
	const struct route_param *query; /* NULL-name-terminated, or NULL */
	int ok_status;                   /* status of success (200, 201) */
	const char *permission;          /* "module:action" required, unless public */
};

/* A module's routing table. */
struct route_table {
	const char *module;         /* e.g. "registry" */
	const struct route *routes; /* terminated by an entry with method NULL */
};

/* All tables, defined in src/modules/api_routes.c. Terminated by module NULL. */
extern const struct route_table *const HTTP_ROUTE_TABLES[];

struct http_request {
	struct arena arena;                       /* freed when the response is done */
	const char *method;                       /* request method */
	const char *path;                         /* path without the query string */
	const struct route *route;                /* matched route */
	const char *params[HTTP_MAX_PATH_PARAMS]; /* {name} segments of the path, in order */
	struct buf body;                          /* the request body */
	struct db *db;                            /* this worker's database connection */
	char request_id[24];                      /* logged and sent as X-Request-Id */
	char client_addr[48];                     /* peer address */
	void *conn;                               /* the MHD connection (for headers and query) */
	uint64_t start_ns;                        /* monotonic time of arrival */
	void *principal;                          /* who is signed in (accounts module), or NULL */
	const char *session_token;                /* the session cookie's value, if any */
};

/* A response: a status, headers and either a body or a streaming producer. */
struct http_response {
	int status;               /* HTTP status */
	const char *content_type; /* e.g. "application/json; charset=utf-8" */
	struct buf body;          /* the body, unless stream is set */
	char etag[72];            /* ETag to send, or "" (room for a quoted SHA-256 hex) */
	const char *disposition;  /* Content-Disposition, or NULL */
	const char *allow;        /* Allow (with a 405), or NULL */
	const char *set_cookie;   /* Set-Cookie, or NULL */
	const char *caching;      /* Cache-Control of an answer public to all, or NULL */
	const char *csp;          /* Content-Security-Policy other than the API's, or NULL */
	const char *vary;         /* Vary (an answer chosen by a request header), or NULL */
	int retry_after;          /* seconds for Retry-After (429, 503), or 0 for none */
	/* Streaming: called with an empty buffer until it returns 1 (more) or 0 (end); a
	 * negative return aborts the response. stream_free releases ctx. */
	int (*stream)(void *ctx, struct buf *out);
	void (*stream_free)(void *ctx);
	void *stream_ctx;
};

/*
 * Authentication and authorisation of a request before its handler runs (defined where the
 * modules are assembled, src/modules/api_routes.c). Returns 0 to go on, or fills res with
 * the error (401, 403, 429) and returns -1.
 */
int api_authenticate(struct http_request *req, struct http_response *res);

/* 1 when the request came over TLS (nginx in front says X-Forwarded-Proto: https). */
int http_is_tls(struct http_request *req);

/* Query parameter by name, or NULL. */
const char *http_query(struct http_request *req, const char *name);
/* Cookie by name, or NULL. */
const char *http_cookie(struct http_request *req, const char *name);
/* Request header by name, or NULL. */
const char *http_header(struct http_request *req, const char *name);

/*
 * Sets res to the error body {"error":{"code","message","field"}} with the status of err.
 * code is a machine code ("invalid", "not_found", ...), field may be NULL. Returns 0 so a
 * handler may `return http_error(...)`.
 */
int http_error(struct http_response *res, enum api_error err, const char *code, const char *field,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Sets res to 200/201 JSON with the given body bytes already in res->body. */
void http_json(struct http_response *res, int status);

/*
 * Parses the request body as one JSON value: UTF-8, no duplicate keys, depth at most
 * HTTP_JSON_MAX_DEPTH. Returns the value (the caller json_decref's it) or NULL with res set
 * to the error.
 */
json_t *http_body_json(struct http_request *req, struct http_response *res);

struct http_config {
	const char *listen_host; /* numeric address to bind */
	int port;                /* port; 0 picks a free one */
	int threads;             /* worker threads */
	const char *db_path;     /* SQLite file each worker opens */
	int log_requests;        /* one line per request on stderr */
	int drain_seconds;       /* how long SIGTERM waits for in-flight requests */
	/* The web console, served for every path outside /api/ (static.h), or NULL: those
	 * paths are then 404 like unknown API paths. */
	const struct static_site *site;
	/* The absolute URL the public reaches the server at (public.base_url), no trailing
	 * slash: links in QR codes are built on it, never on the Host header. */
	const char *public_base_url;
};

/* public_base_url of the configuration being served ("" before http_serve). */
const char *http_public_base_url(void);

/*
 * Serves until SIGTERM or SIGINT (the API under /api/ and the public pages under /e/, /s/ and
 * /v/, the console's files elsewhere), then stops
 * taking connections, waits for the requests in flight (at most drain_seconds) and closes every
 * database connection. Prints "listening on HOST:PORT" once ready. Returns 0 on a clean stop, -1 if
 * it could not start.
 */
int http_serve(const struct http_config *cfg);

#endif

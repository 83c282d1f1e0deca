/*
 * Configuration sources and their checks (see config.h).
 */
#include "config.h"
#include "fields.h"
#include "ratelimit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const struct {
	const char *section, *key, *env, *help;
} KEYS[CK_COUNT] = {
    [CK_LISTEN] = {"server", "listen", "JINZHI_LISTEN", "address:port to listen on"},
    [CK_THREADS] = {"server", "threads", "JINZHI_THREADS", "worker threads"},
    [CK_DRAIN] = {"server", "drain_seconds", "JINZHI_DRAIN_SECONDS",
                  "seconds SIGTERM waits for requests in flight"},
    [CK_DB] = {"database", "path", "JINZHI_DB", "SQLite database file"},
    [CK_DEPLOYMENT] = {"database", "deployment", "JINZHI_DEPLOYMENT",
                       "id prefix of this deployment, fixed at creation"},
    [CK_LOG_REQUESTS] = {"log", "requests", "JINZHI_LOG_REQUESTS",
                         "log one line per request (true/false)"},
    [CK_AUDIT_KEY] = {"audit", "key_file", "JINZHI_AUDIT_KEY_FILE",
                      "secret key of the audit chain; empty: the database path + .audit-key"},
    [CK_WEB_ROOT] = {"web", "root", "JINZHI_WEB_ROOT",
                     "directory of the built web console; empty: serve the API only"},
    [CK_PUBLIC_BASE_URL] = {"public", "base_url", "JINZHI_PUBLIC_BASE_URL",
                            "absolute URL of this server for the public, the base of the "
                            "links in QR codes: http(s)://host[:port][/path]"},
    [CK_PUBLIC_RATE_LIMIT] = {"public", "rate_limit", "JINZHI_PUBLIC_RATE_LIMIT",
                              "requests a minute per client address to the public licence "
                              "verification and list; 0: no limit"},
    [CK_PUBLIC_RATE_BURST] = {"public", "rate_burst", "JINZHI_PUBLIC_RATE_BURST",
                              "requests a client address may make at once before "
                              "public.rate_limit spaces them out"},
    [CK_TRUSTED_PROXIES] = {"server", "trusted_proxies", "JINZHI_TRUSTED_PROXIES",
                            "reverse proxies (addresses or addr/bits, comma separated) whose "
                            "X-Real-IP / X-Forwarded-For give the client's address; empty: "
                            "none"},
    [CK_ATTACHMENTS_DIR] = {"attachments", "dir", "JINZHI_ATTACHMENTS_DIR",
                            "directory of stored attachments (sample photos, forms, reports); "
                            "empty: the database's directory + /attachments"},
};

const char *config_key_name(enum config_key k)
{
	static char names[CK_COUNT][48];
	if (names[k][0] == '\0')
		snprintf(names[k], sizeof names[k], "%s.%s", KEYS[k].section, KEYS[k].key);
	return names[k];
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	/* Twice the cores, at least 4: a worker busy with a password hash (some 70 ms of
	 * Argon2id) or a long export must not leave the others' requests waiting. Measured on 2
	 * cores: 4 workers serve the GET benchmark as fast as 2. */
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	long t = n < 2 ? 4 : 2 * n;
	char threads[16];
	snprintf(threads, sizeof threads, "%ld", t > 64 ? 64 : t);
	config_set(c, CK_LISTEN, "127.0.0.1:8080", "default");
	config_set(c, CK_THREADS, threads, "default");
	config_set(c, CK_DRAIN, "10", "default");
	config_set(c, CK_DB, "jinzhi.db", "default");
	config_set(c, CK_DEPLOYMENT, "0", "default");
	config_set(c, CK_LOG_REQUESTS, "true", "default");
	config_set(c, CK_AUDIT_KEY, "", "default");
	config_set(c, CK_WEB_ROOT, "web/dist", "default");
	config_set(c, CK_PUBLIC_BASE_URL, "http://localhost:8080", "default");
	config_set(c, CK_ATTACHMENTS_DIR, "", "default");
	config_set(c, CK_PUBLIC_RATE_LIMIT, "120", "default");
	config_set(c, CK_PUBLIC_RATE_BURST, "60", "default");
	config_set(c, CK_TRUSTED_PROXIES, "127.0.0.1, ::1", "default");
}

static int bad(enum config_key k, const char *source, const char *value, const char *why)
{
	fprintf(stderr, "jinzhi: configuration %s (from %s) = \"%s\": %s\n", config_key_name(k),
	        source, value, why);
	return -1;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	int64_t v;
	if (field_int_parse_cstr(s, lo, hi, &v) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

static int is_alnum(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/*
 * Checks an absolute URL of the form http(s)://host[:port][/path]: a DNS name or IPv4
 * address (labels of letters, digits and inner hyphens) or a bracketed IPv6 address, a port
 * of 1-65535, a path of unreserved characters, slashes and %XX escapes; no user, query or
 * fragment. Returns NULL, or why it is refused.
 */
static const char *base_url_problem(const char *v)
{
	size_t n = strlen(v);
	if (n > CONFIG_BASE_URL_MAX)
		return "longer than 200 bytes";
	const char *p;
	if (strncmp(v, "http://", 7) == 0)
		p = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		p = v + 8;
	else
		return "must start with http:// or https://";
	const char *host = p;
	if (*p == '[') {
		const char *close = strchr(p, ']');
		char a6[64];
		unsigned char addr[16];
		if (close == NULL || (size_t)(close - p - 1) >= sizeof a6)
			return "the IPv6 address is not closed by ]";
		memcpy(a6, p + 1, (size_t)(close - p - 1));
		a6[close - p - 1] = '\0';
		if (inet_pton(AF_INET6, a6, addr) != 1)
			return "the bracketed host is not an IPv6 address";
		p = close + 1;
	} else {
		size_t label = 0;
		for (; is_alnum(*p) || *p == '-' || *p == '.'; p++) {
			if (*p == '.') {
				if (label == 0 || p[-1] == '-')
					return "a host name label is empty or ends in -";
				label = 0;
			} else {
				if (label == 0 && *p == '-')
					return "a host name label cannot start with -";
				if (++label > 63)
					return "a host name label is longer than 63 characters";
			}
		}
		if (p == host || p[-1] == '.' || p[-1] == '-')
			return "the host name is empty or ends in . or -";
	}
	if (*p == ':') {
		const char *digits = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		int64_t port;
		if (field_int_parse(digits, (size_t)(p - digits), 1, 65535, &port) != 0)
			return "the port must be 1-65535";
	}
	if (*p != '\0' && *p != '/')
		return "the host may be followed only by :port and a /path (no user, query or "
		       "fragment)";
	for (; *p; p++) {
		if (*p == '%') {
			if (!is_hex(p[1]) || !is_hex(p[2]))
				return "a % in the path must start a %XX escape";
			p += 2;
		} else if (!is_alnum(*p) && strchr("-._~/", *p) == NULL) {
			return "the path may hold letters, digits, - . _ ~ / and %XX escapes only";
		}
	}
	return NULL;
}

int config_set(struct config *c, enum config_key k, const char *value, const char *source)
{
	long v;
	switch (k) {
	case CK_LISTEN: {
		const char *colon = strrchr(value, ':');
		if (colon == NULL)
			return bad(k, source, value, "expected address:port");
		const char *host = value;
		size_t hlen = (size_t)(colon - value);
		if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
			host++;
			hlen -= 2;
		}
		if (hlen == 0 || hlen >= sizeof c->listen_host)
			return bad(k, source, value, "the address is empty or too long");
		if (parse_long(colon + 1, 0, 65535, &v) != 0)
			return bad(k, source, value, "the port must be 0-65535");
		char h[sizeof c->listen_host];
		memcpy(h, host, hlen);
		h[hlen] = '\0';
		if (strcmp(h, "localhost") == 0)
			snprintf(h, sizeof h, "%s", "127.0.0.1");
		unsigned char addr[16];
		if (inet_pton(AF_INET, h, addr) != 1 && inet_pton(AF_INET6, h, addr) != 1)
			return bad(k, source, value, "the address must be numeric (IPv4 or IPv6)");
		snprintf(c->listen_host, sizeof c->listen_host, "%s", h);
		c->port = (int)v;
		break;
	}
	case CK_THREADS:
		if (parse_long(value, 1, CONFIG_MAX_THREADS, &v) != 0)
			return bad(k, source, value, "must be an integer from 1 to 256");
		c->threads = (int)v;
		break;
	case CK_DRAIN:
		if (parse_long(value, 0, 3600, &v) != 0)
			return bad(k, source, value, "must be 0-3600 seconds");
		c->drain_seconds = (int)v;
		break;
	case CK_DB:
		if (value[0] == '\0' || strlen(value) >= sizeof c->db_path)
			return bad(k, source, value, "must be a file path");
		snprintf(c->db_path, sizeof c->db_path, "%s", value);
		break;
	case CK_DEPLOYMENT:
		if (parse_long(value, 0, 9223371, &v) != 0)
			return bad(k, source, value,
			           "must be an integer from 1 to 9223371 "
			           "(a GB/T 2260 code such as 540000)");
		c->deployment = v;
		break;
	case CK_AUDIT_KEY:
		if (strlen(value) >= sizeof c->audit_key_file)
			return bad(k, source, value, "the path is too long");
		snprintf(c->audit_key_file, sizeof c->audit_key_file, "%s", value);
		break;
	case CK_WEB_ROOT:
		if (strlen(value) >= sizeof c->web_root)
			return bad(k, source, value, "the path is too long");
		snprintf(c->web_root, sizeof c->web_root, "%s", value);
		break;
	case CK_PUBLIC_BASE_URL: {
		const char *why = base_url_problem(value);
		if (why)
			return bad(k, source, value, why);
		/* Kept without a trailing slash, so that base + "/e/..." has one. */
		size_t n = strlen(value);
		while (n > 0 && value[n - 1] == '/')
			n--;
		snprintf(c->public_base_url, sizeof c->public_base_url, "%.*s", (int)n, value);
		break;
	}
	case CK_ATTACHMENTS_DIR:
		if (strlen(value) >= sizeof c->attachments_dir)
			return bad(k, source, value, "the path is too long");
		snprintf(c->attachments_dir, sizeof c->attachments_dir, "%s", value);
		break;
	case CK_PUBLIC_RATE_LIMIT:
		if (parse_long(value, 0, RATELIMIT_RATE_MAX, &v) != 0)
			return bad(k, source, value, "must be an integer from 0 (off) to 6000000");
		c->public_rate_limit = (int)v;
		break;
	case CK_PUBLIC_RATE_BURST:
		if (parse_long(value, 1, RATELIMIT_BURST_MAX, &v) != 0)
			return bad(k, source, value, "must be an integer from 1 to 100000");
		c->public_rate_burst = (int)v;
		break;
	case CK_TRUSTED_PROXIES: {
		struct ratelimit_proxies p;
		const char *why = NULL;
		if (strlen(value) >= sizeof c->trusted_proxies ||
		    ratelimit_proxies_parse(value, &p, &why) != 0)
			return bad(k, source, value, why ? why : "too long");
		snprintf(c->trusted_proxies, sizeof c->trusted_proxies, "%s", value);
		break;
	}
	case CK_LOG_REQUESTS:
		if (strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0)
			c->log_requests = 1;
		else if (strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0)
			c->log_requests = 0;
		else
			return bad(k, source, value, "must be true or false");
		break;
	default:
		return -1;
	}
	c->source[k] = source;
	return 0;
}

struct ini_ctx {
	struct config *c; /* being filled */
	int failed;       /* a bad key or value was met */
};

static int config_ini_entry(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *x = user;
	for (int k = 0; k < CK_COUNT; k++)
		if (strcmp(KEYS[k].section, section) == 0 && strcmp(KEYS[k].key, name) == 0) {
			if (config_set(x->c, (enum config_key)k, value, "file") != 0)
				x->failed = 1;
			return 1;
		}
	fprintf(stderr, "jinzhi: configuration file: unknown key [%s] %s\n", section, name);
	x->failed = 1;
	return 1;
}

int config_load_file(struct config *c, const char *path)
{
	struct ini_ctx x = {c, 0};
	int rc = ini_parse(path, config_ini_entry, &x);
	if (rc < 0) {
		fprintf(stderr, "jinzhi: cannot read configuration file %s\n", path);
		return -1;
	}
	if (rc > 0) {
		fprintf(stderr, "jinzhi: configuration file %s: syntax error on line %d\n", path,
		        rc);
		return -1;
	}
	snprintf(c->config_file, sizeof c->config_file, "%s", path);
	return x.failed ? -1 : 0;
}

int config_attachments_dir(const struct config *c, char *out, size_t n)
{
	int w;
	if (c->attachments_dir[0]) {
		w = snprintf(out, n, "%s", c->attachments_dir);
	} else {
		/* Beside the database, so that one directory holds all the data to back up. */
		const char *slash = strrchr(c->db_path, '/');
		if (strcmp(c->db_path, ":memory:") == 0 || slash == NULL)
			w = snprintf(out, n, "attachments");
		else if (slash == c->db_path)
			w = snprintf(out, n, "/attachments");
		else
			w = snprintf(out, n, "%.*s/attachments", (int)(slash - c->db_path),
			             c->db_path);
	}
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int config_load_env(struct config *c)
{
	for (int k = 0; k < CK_COUNT; k++) {
		const char *v = getenv(KEYS[k].env);
		if (v && config_set(c, (enum config_key)k, v, "env") != 0)
			return -1;
	}
	return 0;
}

void config_print(const struct config *c, FILE *f)
{
	fprintf(f, "# effective configuration (precedence: flag > env > file > default)\n");
	if (c->config_file[0])
		fprintf(f, "# file: %s\n", c->config_file);
	const char *section = "";
	for (int k = 0; k < CK_COUNT; k++) {
		if (strcmp(section, KEYS[k].section) != 0) {
			section = KEYS[k].section;
			fprintf(f, "[%s]\n", section);
		}
		char val[4200];
		switch (k) {
		case CK_LISTEN:
			snprintf(val, sizeof val, "%s%s%s:%d",
			         strchr(c->listen_host, ':') ? "[" : "", c->listen_host,
			         strchr(c->listen_host, ':') ? "]" : "", c->port);
			break;
		case CK_THREADS:
			snprintf(val, sizeof val, "%d", c->threads);
			break;
		case CK_DRAIN:
			snprintf(val, sizeof val, "%d", c->drain_seconds);
			break;
		case CK_DB:
			snprintf(val, sizeof val, "%s", c->db_path);
			break;
		case CK_DEPLOYMENT:
			snprintf(val, sizeof val, "%lld", (long long)c->deployment);
			break;
		case CK_AUDIT_KEY:
			snprintf(val, sizeof val, "%s", c->audit_key_file);
			break;
		case CK_WEB_ROOT:
			snprintf(val, sizeof val, "%s", c->web_root);
			break;
		case CK_PUBLIC_BASE_URL:
			snprintf(val, sizeof val, "%s", c->public_base_url);
			break;
		case CK_ATTACHMENTS_DIR:
			snprintf(val, sizeof val, "%s", c->attachments_dir);
			break;
		case CK_PUBLIC_RATE_LIMIT:
			snprintf(val, sizeof val, "%d", c->public_rate_limit);
			break;
		case CK_PUBLIC_RATE_BURST:
			snprintf(val, sizeof val, "%d", c->public_rate_burst);
			break;
		case CK_TRUSTED_PROXIES:
			snprintf(val, sizeof val, "%s", c->trusted_proxies);
			break;
		default:
			snprintf(val, sizeof val, "%s", c->log_requests ? "true" : "false");
		}
		fprintf(f, "%s = %s    ; %s (%s; env %s)\n", KEYS[k].key, val, c->source[k],
		        KEYS[k].help, KEYS[k].env);
	}
}

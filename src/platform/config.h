/*
 * Configuration: defaults, then a file (INI, read with inih), then JINZHI_* environment
 * variables, then command-line flags; a later source wins. Every value is checked where it
 * enters and a bad one names its key and source.
 */
#ifndef JZ_CONFIG_H
#define JZ_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_MAX_THREADS  256
#define CONFIG_BASE_URL_MAX 200 /* bytes of public.base_url: it goes into every QR code */

/* Keys, as in the file "[section] key" and the environment JINZHI_SECTION_KEY. */
enum config_key {
	CK_LISTEN,
	CK_THREADS,
	CK_DRAIN,
	CK_TRUSTED_PROXIES,
	CK_DB,
	CK_DEPLOYMENT,
	CK_LOG_REQUESTS,
	CK_AUDIT_KEY,
	CK_WEB_ROOT,
	CK_PUBLIC_BASE_URL,
	CK_PUBLIC_RATE_LIMIT,
	CK_PUBLIC_RATE_BURST,
	CK_ATTACHMENTS_DIR,
	CK_COUNT
};

struct config {
	char listen_host[64];         /* numeric address */
	int port;                     /* 0-65535 */
	int threads;                  /* worker threads */
	int drain_seconds;            /* grace period on SIGTERM */
	char db_path[4096];           /* SQLite file */
	int64_t deployment;           /* id prefix (GB/T 2260 code of the deploying authority) */
	int log_requests;             /* one line per request */
	char config_file[4096];       /* file read, or "" */
	char audit_key_file[4096];    /* the audit key; "" means DB path + ".audit-key" */
	char web_root[4096];          /* directory of the built web console; "" for none */
	const char *source[CK_COUNT]; /* where each key came from, for --print-config */
	/* Absolute URL the public reaches this server at, without a trailing slash: the base of
	 * the links in QR codes (never taken from a request's Host header). */
	char public_base_url[CONFIG_BASE_URL_MAX + 1];
	/* Directory of stored attachments (sampling); "" means the database's directory +
	 * "/attachments" (config_attachments_dir). */
	char attachments_dir[4096];
	/* Public pages' rate limit per client address (licence verification and the public
	 * licence list): requests a minute (0: off) and how many may come at once. */
	int public_rate_limit;
	int public_rate_burst;
	/* Addresses and networks of the reverse proxies whose X-Real-IP / X-Forwarded-For name
	 * the client ("" trusts none); see platform/ratelimit.h. */
	char trusted_proxies[1025];
};

/* Fills c with the defaults. */
void config_defaults(struct config *c);

/* Sets one key from text; source is "default", "file", "env" or "flag". Returns 0 or -1 with
 * a message on stderr naming the key and source. */
int config_set(struct config *c, enum config_key k, const char *value, const char *source);

/* Reads an INI file into c. Returns 0 or -1 (message on stderr). */
int config_load_file(struct config *c, const char *path);

/* Applies JINZHI_* environment variables. Returns 0 or -1. */
int config_load_env(struct config *c);

/* Writes the effective configuration with the source of each value. */
void config_print(const struct config *c, FILE *f);

/* The directory of stored attachments: attachments.dir, or else the directory of the
 * database file followed by "/attachments" ("./attachments" for ":memory:" or a bare file
 * name). Writes it into out (n bytes). Returns 0, or -1 when it does not fit. */
int config_attachments_dir(const struct config *c, char *out, size_t n);

/* Name of key k as "section.key". */
const char *config_key_name(enum config_key k);

#endif

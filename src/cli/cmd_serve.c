/*
 * jinzhi serve: migrate the database, load the web console's files, and serve both until
 * SIGTERM or SIGINT.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "modules/regions/service.h"
#include "modules/sampling/attachments.h"
#include "platform/db.h"
#include "platform/http.h"
#include "platform/ratelimit.h"
#include "platform/static.h"

#define SERVE_MESSAGE_MAX (3 * 4096) /* a load error names up to three paths */

/* Writes size as "812 B", "380 KiB" or "1.2 MiB" into out. */
static void human_size(char *out, size_t n, size_t size)
{
	if (size < 1024)
		snprintf(out, n, "%zu B", size);
	else if (size < 1024 * 1024)
		snprintf(out, n, "%zu KiB", (size + 512) / 1024);
	else
		snprintf(out, n, "%.1f MiB", (double)size / (1024.0 * 1024.0));
}

/*
 * Loads the console from c->web_root into *site (NULL when disabled or absent, which is not
 * an error: the API is served alone). Logs one line either way. Returns 0, or -1 when the
 * directory exists but cannot be served (a cap, a link leaving it, a read error).
 */
static int serve_load_console(const struct config *c, struct static_site **site)
{
	*site = NULL;
	if (c->web_root[0] == '\0') {
		fprintf(stderr, "jinzhi: web console disabled (web.root is empty); serving the API "
		                "only\n");
		return 0;
	}
	char err[SERVE_MESSAGE_MAX];
	int rc = static_site_load(c->web_root, site, err, sizeof err);
	if (rc == STATIC_MISSING) {
		fprintf(stderr,
		        "jinzhi: web console not found at %s (build it: npm --prefix web ci && npm "
		        "--prefix web run build); serving the API only\n",
		        c->web_root);
		return 0;
	}
	if (rc != STATIC_LOADED) {
		fprintf(stderr, "jinzhi: web console: %s\n", err);
		return -1;
	}
	size_t nfiles, bytes, gz;
	char hb[32], hg[32];
	static_site_stats(*site, &nfiles, &bytes, &gz);
	human_size(hb, sizeof hb, bytes);
	human_size(hg, sizeof hg, gz);
	const struct static_file *index = NULL;
	int has_index = static_site_lookup(*site, "/", &index) == STATIC_FOUND;
	fprintf(stderr, "jinzhi: web console: %zu files (%s; %s gzip) from %s%s\n", nfiles, hb, hg,
	        c->web_root, has_index ? "" : " (no index.html: only files by name)");
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	struct config c;
	int rc = cli_config(&argc, argv, &cmd_serve_entry, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	int print = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--print-config") == 0) {
			print = 1;
		} else {
			fprintf(stderr, "jinzhi serve: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (print) {
		config_print(&c, stdout);
		return 0;
	}
	struct db *db;
	if (cli_open_db(&c, 0, &db) != 0)
		return 1;
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM account");
	if (db_step(st) == DB_ROW && db_col_int64(st, 0) == 0)
		fprintf(stderr,
		        "jinzhi: no accounts yet: create the administrator with\n"
		        "  jinzhi user add admin --db %s --name NAME --unit 540000 --role "
		        "sysadmin\n(it prints a one-time password)\n",
		        c.db_path);
	db_reset(st);
	db_close(db); /* workers open their own connections */
	/* Read once here, before the workers start: they only read it (attachments.h). */
	char adir[sizeof c.attachments_dir]; /* the size sp_attachments_set_dir keeps */
	if (config_attachments_dir(&c, adir, sizeof adir) != 0) {
		fprintf(stderr, "jinzhi: attachments.dir is too long\n");
		regions_free();
		return 1;
	}
	sp_attachments_set_dir(adir);
	/* The public pages' limiter, set before the workers start (they only read it). */
	if (ratelimit_public_setup((unsigned)c.public_rate_limit, (unsigned)c.public_rate_burst,
	                           c.trusted_proxies) != 0) {
		regions_free();
		return 1;
	}
	struct static_site *site;
	if (serve_load_console(&c, &site) != 0) {
		ratelimit_public_free();
		regions_free();
		return 1;
	}
	struct http_config hc = {c.listen_host,  c.port,          c.threads, c.db_path,
	                         c.log_requests, c.drain_seconds, site,      c.public_base_url};
	rc = http_serve(&hc);
	ratelimit_public_free();
	static_site_free(site);
	regions_free();
	return rc == 0 ? 0 : 1;
}

const struct cmd_entry cmd_serve_entry = {
    "serve",
    "serve [--db FILE] [--listen ADDR:PORT] [--threads N] [--web-root DIR] [--print-config]",
    "Applies pending migrations, then serves the HTTP API under /api/ and the web console\n"
    "(the files of web.root, default web/dist, read into memory at start) at every other\n"
    "path. Logs one line per request to stderr. SIGTERM or SIGINT stops taking connections,\n"
    "waits for requests in flight (server.drain_seconds) and closes the database.\n"
    "  --print-config   print the effective configuration and where each value came from",
    cmd_serve};

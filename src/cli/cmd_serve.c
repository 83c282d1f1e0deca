/*
 * jinzhi serve: migrate the database and serve the API until SIGTERM or SIGINT.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "modules/regions/service.h"
#include "platform/db.h"
#include "platform/http.h"

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
	struct http_config hc = {c.listen_host, c.port,         c.threads,
	                         c.db_path,     c.log_requests, c.drain_seconds};
	rc = http_serve(&hc);
	regions_free();
	return rc == 0 ? 0 : 1;
}

const struct cmd_entry cmd_serve_entry = {
    "serve", "serve [--db FILE] [--listen ADDR:PORT] [--threads N] [--print-config]",
    "Applies pending migrations, then serves the HTTP API. Logs one line per request to\n"
    "stderr. SIGTERM or SIGINT stops taking connections, waits for requests in flight\n"
    "(server.drain_seconds) and closes the database.\n"
    "  --print-config   print the effective configuration and where each value came from",
    cmd_serve};

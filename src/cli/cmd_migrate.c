/*
 * jinzhi migrate: create or bring the database up to date.
 */
#include <stdio.h>

#include "cli.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "modules/regions/service.h"

static int cmd_migrate(int argc, char **argv)
{
	struct config c;
	int rc = cli_config(&argc, argv, &cmd_migrate_entry, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (argc > 1) {
		fprintf(stderr, "jinzhi migrate: unknown argument %s\n", argv[1]);
		return 2;
	}
	struct db *db;
	if (db_open(c.db_path, DB_OPEN_CREATE, &db) != 0)
		return 1;
	rc = migrate_run(db, c.deployment, 1);
	db_close(db);
	if (rc == 0)
		fprintf(stderr, "jinzhi: %s is up to date\n", c.db_path);
	return rc == 0 ? 0 : 1;
}

const struct cmd_entry cmd_migrate_entry = {
    "migrate", "migrate [--db FILE] [--deployment CODE]",
    "Creates the database if needed and applies every pending migration, each in its own\n"
    "transaction, then loads reference data (regions). --deployment fixes the id prefix of\n"
    "a new database (default 540000); an existing database keeps its own.",
    cmd_migrate};

/*
 * jinzhi backup: a consistent copy of the live database, safe while the server runs.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "platform/audit.h"
#include "platform/db.h"

static int cmd_backup(int argc, char **argv)
{
	struct config c;
	int rc = cli_config(&argc, argv, &cmd_backup_entry, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: jinzhi %s\n", cmd_backup_entry.usage);
		return 2;
	}
	if (access(argv[1], F_OK) == 0) {
		fprintf(stderr, "jinzhi backup: %s exists; choose a new file\n", argv[1]);
		return 1;
	}
	struct db *db;
	if (cli_audit_key(&c, 0) != 0 || db_open(c.db_path, 0, &db) != 0)
		return 1;
	rc = db_backup(db, argv[1]);
	db_close(db);
	if (rc != 0) {
		fprintf(stderr, "jinzhi backup: failed\n");
		return 1;
	}
	/* A backup whose audit chain does not verify is not one to rely on. */
	struct db *copy;
	int64_t bad = 0, n = 0;
	if (db_open(argv[1], DB_OPEN_READONLY, &copy) != 0)
		return 1;
	rc = audit_verify(copy, &bad, &n);
	db_close(copy);
	if (rc != 0) {
		fprintf(stderr,
		        "jinzhi backup: the copy's audit chain does not verify (entry %lld)\n",
		        (long long)bad);
		return 1;
	}
	fprintf(stderr, "jinzhi backup: %s written; audit chain of %lld entries verified\n",
	        argv[1], (long long)n);
	return 0;
}

const struct cmd_entry cmd_backup_entry = {
    "backup", "backup [--db FILE] BACKUP.db",
    "Writes a consistent, compacted copy of the database to BACKUP.db (a new file) while\n"
    "the server keeps running, then verifies the copy's audit chain. Restore by stopping\n"
    "the server and putting the copy in place of the database file (see docs/operations.md).",
    cmd_backup};

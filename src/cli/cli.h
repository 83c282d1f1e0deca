/*
 * Subcommands of the jinzhi binary. Each lives in its own file and exports one const
 * struct cmd_entry; main.c dispatches over the table.
 */
#ifndef JZ_CLI_H
#define JZ_CLI_H

#include "platform/config.h"

struct db;

struct cmd_entry {
	const char *name;                   /* subcommand */
	const char *usage;                  /* one-line synopsis */
	const char *help;                   /* what it does and its options */
	int (*exec)(int argc, char **argv); /* returns the exit status */
};

extern const struct cmd_entry cmd_serve_entry, cmd_migrate_entry, cmd_demo_entry, cmd_import_entry,
    cmd_export_entry, cmd_version_entry, cmd_audit_entry, cmd_backup_entry, cmd_user_entry;

/*
 * Common start of a command: reads --config/--db/--deployment and the other configuration
 * flags (plus JINZHI_* and the file) into *c, leaving other arguments in place for the command.
 * Returns 0, 1 after printing help (for --help), or -1 on a bad value.
 */
int cli_config(int *argc, char **argv, const struct cmd_entry *cmd, struct config *c);

/* Loads the audit key of the configured database (audit.key_file, or the database path with
 * ".audit-key"), creating it if create is set and it does not exist. Returns 0 or -1 with a
 * message. */
int cli_audit_key(const struct config *c, int create);

/* Opens the configured database, creating and migrating it, and loads reference data.
 * Returns 0 and *db (db_close frees it), or -1. */
int cli_open_db(const struct config *c, int bulk, struct db **db);

/* The bytes of a file, mapped or read whole. */
struct cli_file {
	const char *data; /* the bytes */
	size_t len;       /* their length */
	void *map;        /* the mapping, or NULL if read */
	char *owned;      /* the buffer, if read */
};

/* Maps (a regular file) or reads (standard input, "-") the whole of path. Returns 0 or -1
 * with a message; cli_file_close releases it. */
int cli_file_open(const char *path, struct cli_file *f);
void cli_file_close(struct cli_file *f);

#endif

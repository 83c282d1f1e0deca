/*
 * jinzhi: one binary for the whole system. Dispatches to a subcommand (src/cli/).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "modules/accounts/service.h"
#include "platform/db.h"

static const struct cmd_entry *const COMMANDS[] = {
    &cmd_serve_entry, &cmd_migrate_entry, &cmd_demo_entry, &cmd_import_entry,  &cmd_export_entry,
    &cmd_audit_entry, &cmd_backup_entry,  &cmd_user_entry, &cmd_version_entry, NULL,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: jinzhi COMMAND [options]   (jinzhi COMMAND --help for more)\n\n");
	for (const struct cmd_entry *const *c = COMMANDS; *c; c++)
		fprintf(f, "  %s\n", (*c)->usage);
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "jinzhi: libsodium cannot start\n");
		return 1;
	}
	db_global_init();
	acc_init();
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version_entry.exec(1, argv + 1);
	for (const struct cmd_entry *const *c = COMMANDS; *c; c++)
		if (strcmp((*c)->name, argv[1]) == 0)
			return (*c)->exec(argc - 1, argv + 1);
	fprintf(stderr, "jinzhi: unknown command %s\n", argv[1]);
	usage(stderr);
	return 2;
}

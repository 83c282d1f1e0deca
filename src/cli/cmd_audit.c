/*
 * jinzhi audit verify: check the hash chain of the audit log.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "platform/audit.h"
#include "platform/db.h"

static int cmd_audit(int argc, char **argv)
{
	struct config c;
	int rc = cli_config(&argc, argv, &cmd_audit_entry, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: jinzhi %s\n", cmd_audit_entry.usage);
		return 2;
	}
	struct db *db;
	if (cli_audit_key(&c, 0) != 0 || db_open(c.db_path, DB_OPEN_READONLY, &db) != 0)
		return 1;
	int64_t bad = 0, checked = 0;
	rc = audit_verify(db, &bad, &checked);
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "jinzhi: cannot read the audit log\n");
		return 1;
	}
	if (rc > 0) {
		printf("audit log BROKEN at entry %lld (%lld entries read): altered, inserted or "
		       "removed\n",
		       (long long)bad, (long long)checked);
		return 1;
	}
	printf("audit log intact: %lld entries\n", (long long)checked);
	return 0;
}

const struct cmd_entry cmd_audit_entry = {
    "audit", "audit verify [--db FILE]",
    "verify: walks the hash chain of the audit log and names the first entry that was\n"
    "altered, inserted or removed. Exit status 1 if the chain is broken.",
    cmd_audit};

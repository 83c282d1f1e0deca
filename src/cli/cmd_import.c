/*
 * jinzhi import: load enterprises from a CSV file through the same validation as the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "modules/registry/service.h"
#include "platform/db.h"

static int cmd_import(int argc, char **argv)
{
	struct config c;
	int rc = cli_config(&argc, argv, &cmd_import_entry, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	struct registry_import_options opt = {REG_IMPORT_ALL_OR_NOTHING, 0, TEXT_ENC_AUTO};
	const char *kind = NULL, *file = NULL, *report = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0) {
			opt.dry_run = 1;
		} else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
			const char *m = argv[++i];
			if (strcmp(m, "skip_bad_rows") == 0 || strcmp(m, "skip-bad-rows") == 0)
				opt.mode = REG_IMPORT_SKIP_BAD;
			else if (strcmp(m, "all_or_nothing") == 0 ||
			         strcmp(m, "all-or-nothing") == 0)
				opt.mode = REG_IMPORT_ALL_OR_NOTHING;
			else {
				fprintf(stderr, "jinzhi import: --mode is all_or_nothing or "
				                "skip_bad_rows\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
			if (text_encoding_parse(argv[++i], &opt.encoding) != 0) {
				fprintf(stderr,
				        "jinzhi import: --encoding is auto, utf-8 or gb18030\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc) {
			report = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "jinzhi import: unknown option %s\n", argv[i]);
			return 2;
		} else if (kind == NULL) {
			kind = argv[i];
		} else if (file == NULL) {
			file = argv[i];
		} else {
			fprintf(stderr, "jinzhi import: too many arguments\n");
			return 2;
		}
	}
	if (kind == NULL || file == NULL || strcmp(kind, "enterprises") != 0) {
		fprintf(stderr, "usage: jinzhi %s\n", cmd_import_entry.usage);
		return 2;
	}
	struct cli_file in;
	if (cli_file_open(file, &in) != 0)
		return 1;
	struct db *db;
	if (cli_open_db(&c, 1, &db) != 0) {
		cli_file_close(&in);
		return 1;
	}
	struct actor who = {0};
	who.name = "cli";
	who.all_regions = 1;
	struct arena a = {0};
	struct registry_import_report rep;
	/* Alone with the database, write each page once (see db_bulk_journal). */
	int rollback = !opt.dry_run && db_bulk_journal(db, 1);
	rc = registry_import(db, &who, in.data, in.len, &opt, &a, &rep);
	if (rollback && db_bulk_journal(db, 0))
		fprintf(stderr, "jinzhi import: could not switch the database back to WAL mode\n");
	db_close(db);
	cli_file_close(&in);
	if (rc != REG_OK) {
		fprintf(stderr, "jinzhi import: database error; nothing was written\n");
		arena_free(&a);
		return 1;
	}
	struct buf json = {0};
	registry_import_report_json(&rep, &json);
	FILE *rf = report ? fopen(report, "w") : NULL;
	if (report && rf == NULL)
		fprintf(stderr, "jinzhi import: cannot write %s\n", report);
	if (rf) {
		fprintf(rf, "%s\n", json.data);
		fclose(rf);
	}
	if (rep.file_error)
		fprintf(stderr, "jinzhi import: %s\n", rep.file_error);
	else
		fprintf(stderr,
		        "jinzhi import: %s%zu rows (%s): %zu created, %zu updated, %zu unchanged, "
		        "%zu rejected, %zu warnings; %s\n",
		        opt.dry_run ? "dry run, " : "", rep.rows, rep.encoding, rep.created,
		        rep.updated, rep.unchanged, rep.rejected, rep.total_warnings,
		        rep.committed ? "committed" : "nothing written");
	for (size_t i = 0; i < rep.nerrors && i < 20; i++)
		fprintf(stderr, "  row %zu (line %zu) %s: %s\n", rep.errors[i].row,
		        rep.errors[i].line, rep.errors[i].field ? rep.errors[i].field : "-",
		        rep.errors[i].message);
	if (rep.nerrors > 20)
		fprintf(stderr, "  ... %zu more listed in the report (--report FILE)\n",
		        rep.nerrors - 20);
	int status = rep.file_error ||
	                     (rep.rejected && !opt.dry_run && opt.mode == REG_IMPORT_ALL_OR_NOTHING)
	                 ? 1
	                 : 0;
	buf_free(&json);
	arena_free(&a);
	return status;
}

const struct cmd_entry cmd_import_entry = {
    "import",
    "import [--db FILE] enterprises FILE.csv [--dry-run] [--mode all_or_nothing|skip_bad_rows] "
    "[--encoding auto|utf-8|gb18030] [--report REPORT.json]",
    "Imports enterprises from CSV (header of field names or Chinese labels; UTF-8 or\n"
    "GB18030, found automatically). Every row is validated; an existing credit code is\n"
    "updated. all_or_nothing (default) writes nothing if any row is bad; skip_bad_rows\n"
    "writes the good rows. --dry-run validates and counts without writing. FILE may be -.\n"
    "Exit status 1 when nothing could be written because of bad rows or a bad file.",
    cmd_import};

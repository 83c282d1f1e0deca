/*
 * jinzhi export: write enterprises as CSV, the same columns the import reads.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "modules/registry/service.h"
#include "platform/db.h"

struct export_out {
	FILE *f;      /* destination */
	struct buf b; /* pending bytes */
	size_t rows;  /* rows written */
};

static int export_row(void *ctx, const struct record *r)
{
	struct export_out *x = ctx;
	record_write_csv(r, &x->b);
	x->rows++;
	if (x->b.len > (1u << 20)) {
		fwrite(x->b.data, 1, x->b.len, x->f);
		buf_reset(&x->b);
	}
	return 0;
}

static int cmd_export(int argc, char **argv)
{
	struct config c;
	int rc = cli_config(&argc, argv, &cmd_export_entry, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	const char *kind = NULL, *out = NULL, *region = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--region") == 0 && i + 1 < argc)
			region = argv[++i];
		else if (argv[i][0] != '-' && kind == NULL)
			kind = argv[i];
		else {
			fprintf(stderr, "jinzhi export: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (kind == NULL || strcmp(kind, "enterprises") != 0) {
		fprintf(stderr, "usage: jinzhi %s\n", cmd_export_entry.usage);
		return 2;
	}
	struct db *db;
	if (cli_open_db(&c, 0, &db) != 0)
		return 1;
	struct arena a = {0};
	struct registry_filter f;
	struct field_error err;
	if (registry_filter_parse(&f, &a, region, NULL, NULL, NULL, NULL, "id", "1000", NULL,
	                          &err) != REG_OK) {
		fprintf(stderr, "jinzhi export: %s\n", err.message);
		db_close(db);
		return 2;
	}
	struct export_out x = {out ? fopen(out, "wb") : stdout, {0}, 0};
	if (x.f == NULL) {
		fprintf(stderr, "jinzhi export: cannot write %s\n", out);
		db_close(db);
		return 1;
	}
	struct actor who = {0};
	who.name = "cli";
	who.all_regions = 1;
	record_type_write_csv_header(&ENTERPRISE_TYPE, &x.b);
	int status = 0;
	for (;;) {
		const char *next;
		if (registry_list(db, &who, &f, &a, export_row, &x, &next) != REG_OK) {
			status = 1;
			break;
		}
		if (next == NULL || registry_filter_continue(&f, &a, next, &err) != REG_OK)
			break;
	}
	fwrite(x.b.data, 1, x.b.len, x.f);
	buf_free(&x.b);
	if (x.f != stdout && fclose(x.f) != 0)
		status = 1;
	fprintf(stderr, "jinzhi export: %zu enterprises\n", x.rows);
	arena_free(&a);
	db_close(db);
	return status;
}

const struct cmd_entry cmd_export_entry = {
    "export", "export [--db FILE] enterprises [--region CODE] [--out FILE.csv]",
    "Writes enterprises as UTF-8 CSV with the columns the import reads (to standard output\n"
    "unless --out is given), optionally only those in a region's subtree.",
    cmd_export};

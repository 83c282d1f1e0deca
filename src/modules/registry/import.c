/*
 * Bulk import of enterprises from CSV (UTF-8 or GB18030): every row validated as a
 * registration, upsert by credit code, all-or-nothing or skip-bad-rows, dry run, a report of
 * every problem by row and column, all in one write transaction audited row by row.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modules/regions/service.h"
#include "platform/audit.h"
#include "platform/csv.h"
#include "platform/db.h"
#include "service.h"
#include "store.h"

/* Column headings clerks use in Chinese spreadsheets, accepted beside the field names. */
static const struct {
	const char *label;
	int field;
} LABELS_ZH[] = {
	{"统一社会信用代码", ENT_CREDIT_CODE},
	{"企业名称", ENT_NAME},
	{"名称", ENT_NAME},
	{"藏文名称", ENT_NAME_BO},
	{"法定代表人", ENT_LEGAL_REPRESENTATIVE},
	{"住所", ENT_ADDRESS},
	{"地址", ENT_ADDRESS},
	{"行政区划代码", ENT_REGION_CODE},
	{"行业门类", ENT_INDUSTRY},
	{"企业规模", ENT_SIZE},
	{"登记状态", ENT_STATUS},
	{"成立日期", ENT_ESTABLISHED_ON},
	{"联系人", ENT_CONTACT_NAME},
	{"联系电话", ENT_CONTACT_PHONE},
	{"电子邮箱", ENT_CONTACT_EMAIL},
	{"质量管理体系", ENT_QMS_STANDARD},
	{"体系是否认证", ENT_QMS_CERTIFIED},
	{"体系证书编号", ENT_QMS_CERTIFICATE_NO},
	{"认证机构", ENT_QMS_CERTIFICATION_BODY},
	{"采用标准", ENT_STANDARDS_ADOPTED},
	{"出厂检验能力", ENT_INSPECTION_CAPABILITY},
	{"计量保证能力", ENT_METROLOGY_CAPABILITY},
	{"质量负责人是否培训", ENT_QUALITY_MANAGER_TRAINED},
	{"质量负责人培训日期", ENT_QUALITY_MANAGER_TRAINED_ON},
};

/* Credit codes already seen in this file, with the row that had each. */
struct code_set {
	char (*keys)[18]; /* codes, "" for an empty slot */
	size_t *rows;		     /* row of each */
	size_t cap, n;		     /* slots, used */
};

static uint64_t code_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < 18; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void set_grow(struct code_set *cs);

/* Returns the earlier row that had code, or 0 after recording it for row. */
static size_t set_check_add(struct code_set *cs, const char *code, size_t row)
{
	if (cs->n * 2 >= cs->cap)
		set_grow(cs);
	size_t mask = cs->cap - 1, k = code_hash(code) & mask;
	while (cs->keys[k][0]) {
		if (memcmp(cs->keys[k], code, 18) == 0)
			return cs->rows[k];
		k = (k + 1) & mask;
	}
	memcpy(cs->keys[k], code, 18);
	cs->rows[k] = row;
	cs->n++;
	return 0;
}

static void set_grow(struct code_set *cs)
{
	struct code_set old = *cs;
	cs->cap = old.cap ? old.cap * 2 : 1024;
	cs->keys = xcalloc(cs->cap, sizeof *cs->keys);
	cs->rows = xcalloc(cs->cap, sizeof *cs->rows);
	cs->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i][0])
			set_check_add(cs, old.keys[i], old.rows[i]);
	free(old.keys);
	free(old.rows);
}

static void add_issue(struct arena *a, struct registry_import_issue **list, size_t *n,
		      size_t row, size_t line, const char *field, const char *code,
		      const char *message)
{
	if (*n >= REGISTRY_IMPORT_MAX_REPORTED)
		return;
	if (*list == NULL)
		*list = arena_alloc(a, REGISTRY_IMPORT_MAX_REPORTED * sizeof **list);
	struct registry_import_issue *is = &(*list)[(*n)++];
	is->row = row;
	is->line = line;
	is->field = field ? arena_strdup(a, field) : NULL;
	is->code = arena_strdup(a, code);
	is->message = arena_strdup(a, message);
}

static int map_header(const struct csv_field *h, size_t n, int *col_field, struct arena *a,
		      struct registry_import_report *rep)
{
	uint64_t seen = 0;
	for (size_t c = 0; c < n; c++) {
		const char *s = h[c].s;
		size_t len = h[c].n;
		while (len && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		int f = fields_find(&ENTERPRISE_TYPE, s, len);
		for (size_t k = 0; f < 0 && k < sizeof LABELS_ZH / sizeof LABELS_ZH[0]; k++)
			if (strlen(LABELS_ZH[k].label) == len && memcmp(LABELS_ZH[k].label, s, len) == 0)
				f = LABELS_ZH[k].field;
		char *name = arena_strndup(a, s, len);
		if (f < 0) {
			rep->file_error = arena_printf(a, "column \"%s\" is not a field of an enterprise", name);
			rep->file_error_field = name;
			return -1;
		}
		if (seen & ((uint64_t)1 << f)) {
			rep->file_error = arena_printf(a, "column \"%s\" appears twice", name);
			rep->file_error_field = name;
			return -1;
		}
		seen |= (uint64_t)1 << f;
		/* Server-set columns (as in our own export) are read past, not imported. */
		col_field[c] = (ENTERPRISE_TYPE.fields[f].flags & FF_READONLY) ? -1 : f;
	}
	for (int f = 0; f < ENT_NFIELDS; f++)
		if ((ENTERPRISE_TYPE.fields[f].flags & FF_REQUIRED) && !(seen & ((uint64_t)1 << f))) {
			rep->file_error = arena_printf(a, "the required column %s is missing",
						       ENTERPRISE_TYPE.fields[f].name);
			rep->file_error_field = ENTERPRISE_TYPE.fields[f].name;
			return -1;
		}
	return 0;
}

static int same_values(const struct record *a, const struct record *b)
{
	for (int i = 0; i < ENT_CREATED_AT; i++) {
		const char *x = a->v[i], *y = b->v[i];
		if ((x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0))
			return 0;
	}
	return 1;
}

int registry_import(struct db *db, const struct actor *who, const char *s, size_t n,
		    const struct registry_import_options *opt, struct arena *a,
		    struct registry_import_report *rep)
{
	memset(rep, 0, sizeof *rep);
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)s, n);
	sodium_bin2hex(rep->sha256, sizeof rep->sha256, digest, sizeof digest);

	struct buf scratch = {0};
	const char *text;
	size_t len, bad_at;
	enum text_encoding used;
	if (text_to_utf8(s, n, opt->encoding, &scratch, &text, &len, &used, &bad_at) != 0) {
		rep->file_error = arena_printf(
			a, "the file is not %s: undecodable bytes at offset %zu",
			opt->encoding == TEXT_ENC_AUTO ? "UTF-8 or GB18030"
						       : text_encoding_name(opt->encoding),
			bad_at);
		rep->encoding = text_encoding_name(opt->encoding);
		buf_free(&scratch);
		return REG_OK;
	}
	rep->encoding = text_encoding_name(used);

	struct csv_reader rd;
	csv_reader_init(&rd, text, len);
	const struct csv_field *fields;
	size_t nf;
	struct csv_error cerr;
	int col_field[CSV_MAX_FIELDS];
	size_t ncols = 0;
	int rc = csv_read(&rd, &fields, &nf, &cerr);
	if (rc <= 0) {
		rep->file_error = rc == 0 ? "the file is empty: a header line is needed"
					  : arena_printf(a, "the header line is malformed: %s",
							 cerr.message);
		goto done_nowrite;
	}
	ncols = nf;
	if (map_header(fields, nf, col_field, a, rep) != 0)
		goto done_nowrite;

	char now[32], batch[40];
	{
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(batch, sizeof batch, "import-%.16s", rep->sha256);
	}
	struct actor row_actor = *who;
	if (row_actor.request_id == NULL)
		row_actor.request_id = batch;

	if (db_begin_write(db) != 0) {
		csv_reader_free(&rd);
		buf_free(&scratch);
		return REG_ERROR;
	}
	struct code_set seen = {0};
	struct arena row_arena = {0};
	int failed = 0;
	for (;;) {
		size_t line = rd.line;
		rc = csv_read(&rd, &fields, &nf, &cerr);
		if (rc == 0)
			break;
		rep->rows++;
		size_t row = rc < 0 ? cerr.record : rd.record;
		if (rc < 0) {
			rep->rejected++;
			add_issue(a, &rep->errors, &rep->nerrors, row, cerr.line, NULL, "csv",
				  cerr.message);
			continue;
		}
		if (nf != ncols) {
			rep->rejected++;
			char msg[120];
			snprintf(msg, sizeof msg, "the row has %zu fields; the header has %zu", nf,
				 ncols);
			add_issue(a, &rep->errors, &rep->nerrors, row, line, NULL, "field_count",
				  msg);
			continue;
		}
		arena_free(&row_arena);
		struct record r;
		record_init(&r, &ENTERPRISE_TYPE);
		struct field_error ferr;
		int bad = 0;
		for (size_t c = 0; c < nf; c++) {
			if (col_field[c] < 0)
				continue;
			if (record_set_text(&r, &row_arena, col_field[c], fields[c].s, fields[c].n,
					    &ferr) != 0) {
				bad = 1;
				add_issue(a, &rep->errors, &rep->nerrors, row, line, ferr.field,
					  ferr.code, ferr.message);
			}
		}
		if (!bad && r.v[ENT_STATUS] == NULL)
			record_set(&r, &row_arena, ENT_STATUS, "active", 6);
		if (!bad && (record_check(&r, 0, &ferr) != 0 ||
			     registry_rules_check(who, &r, &ferr) != 0)) {
			bad = 1;
			add_issue(a, &rep->errors, &rep->nerrors, row, line, ferr.field, ferr.code,
				  ferr.message);
		}
		if (!bad) {
			size_t first = set_check_add(&seen, r.v[ENT_CREDIT_CODE], row);
			if (first) {
				bad = 1;
				char msg[120];
				snprintf(msg, sizeof msg,
					 "credit_code %s appears again (first at row %zu)",
					 r.v[ENT_CREDIT_CODE], first);
				add_issue(a, &rep->errors, &rep->nerrors, row, line, "credit_code",
					  "duplicate", msg);
			}
		}
		if (bad) {
			rep->rejected++;
			continue;
		}
		if (r.warnings[ENT_CREDIT_CODE]) {
			rep->total_warnings++;
			add_issue(a, &rep->warnings, &rep->nwarnings, row, line, "credit_code",
				  "organisation_code_check", r.warnings[ENT_CREDIT_CODE]);
		}
		if (failed)
			continue; /* keep validating to report every row, write nothing more */

		struct record old;
		int64_t id;
		int g = store_get(db, r.v[ENT_CREDIT_CODE], 0, 999999, &row_arena, &old, &id);
		if (g < 0) {
			failed = 1;
			continue;
		}
		if (g == DB_ROW && !actor_region_in_scope(who, atoi(old.v[ENT_REGION_CODE]))) {
			rep->rejected++;
			add_issue(a, &rep->errors, &rep->nerrors, row, line, "credit_code",
				  "out_of_scope",
				  "this credit code is registered outside your jurisdiction");
			continue;
		}
		if (g == DB_ROW && same_values(&r, &old)) {
			rep->unchanged++;
			continue;
		}
		int w;
		if (g == DB_ROW) {
			char ver[24];
			snprintf(ver, sizeof ver, "%lld", atoll(old.v[ENT_VERSION]) + 1);
			r.v[ENT_CREATED_AT] = old.v[ENT_CREATED_AT];
			record_set(&r, &row_arena, ENT_UPDATED_AT, now, strlen(now));
			record_set(&r, &row_arena, ENT_VERSION, ver, strlen(ver));
			struct buf bj = {0}, aj = {0};
			record_write_json(&old, &bj);
			record_write_json(&r, &aj);
			w = store_update(db, id, &r) == 0 &&
			    audit_append(db, &row_actor, "enterprise.import.update", "enterprise",
					 r.v[ENT_CREDIT_CODE], bj.data, aj.data, "ok") == 0;
			buf_free(&bj);
			buf_free(&aj);
			rep->updated++;
		} else {
			record_set(&r, &row_arena, ENT_CREATED_AT, now, strlen(now));
			record_set(&r, &row_arena, ENT_UPDATED_AT, now, strlen(now));
			record_set(&r, &row_arena, ENT_VERSION, "1", 1);
			/* The row's values are in the imported file, whose hash the batch entry
			 * keeps; the entry names the record and the batch. */
			w = db_id_next(db, &id) == 0 && store_insert(db, id, &r) == 0 &&
			    audit_append(db, &row_actor, "enterprise.import.create", "enterprise",
					 r.v[ENT_CREDIT_CODE], NULL, NULL, "ok") == 0;
			rep->created++;
		}
		if (!w)
			failed = 1;
	}
	arena_free(&row_arena);
	free(seen.keys);
	free(seen.rows);

	int write = !failed && !opt->dry_run &&
		    !(opt->mode == REG_IMPORT_ALL_OR_NOTHING && rep->rejected > 0);
	if (write) {
		char summary[512];
		snprintf(summary, sizeof summary,
			 "{\"batch\":\"%s\",\"sha256\":\"%s\",\"encoding\":\"%s\",\"rows\":%zu,"
			 "\"created\":%zu,\"updated\":%zu,\"unchanged\":%zu,\"rejected\":%zu,"
			 "\"mode\":\"%s\"}",
			 batch, rep->sha256, rep->encoding, rep->rows, rep->created, rep->updated,
			 rep->unchanged, rep->rejected,
			 opt->mode == REG_IMPORT_SKIP_BAD ? "skip_bad_rows" : "all_or_nothing");
		if (audit_append(db, &row_actor, "enterprise.import", "import", batch, NULL, summary,
				 rep->rejected ? "partial" : "ok") != 0 ||
		    db_commit(db) != 0)
			failed = 1;
		else
			rep->committed = 1;
	}
	if (!rep->committed)
		db_rollback(db);
	csv_reader_free(&rd);
	buf_free(&scratch);
	return failed ? REG_ERROR : REG_OK;

done_nowrite:
	csv_reader_free(&rd);
	buf_free(&scratch);
	return REG_OK;
}

static void issues_json(struct buf *out, const struct registry_import_issue *is, size_t n)
{
	buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		buf_printf(out, "{\"row\":%zu,\"line\":%zu,\"field\":", is[i].row, is[i].line);
		if (is[i].field)
			json_write_string(out, is[i].field, strlen(is[i].field));
		else
			buf_puts(out, "null");
		buf_puts(out, ",\"code\":");
		json_write_string(out, is[i].code, strlen(is[i].code));
		buf_puts(out, ",\"message\":");
		json_write_string(out, is[i].message, strlen(is[i].message));
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
}

void registry_import_report_json(const struct registry_import_report *rep, struct buf *out)
{
	buf_printf(out,
		   "{\"encoding\":\"%s\",\"sha256\":\"%s\",\"rows\":%zu,\"created\":%zu,"
		   "\"updated\":%zu,\"unchanged\":%zu,\"rejected\":%zu,\"committed\":%s,"
		   "\"file_error\":",
		   rep->encoding ? rep->encoding : "", rep->sha256, rep->rows, rep->created,
		   rep->updated, rep->unchanged, rep->rejected, rep->committed ? "true" : "false");
	if (rep->file_error) {
		buf_puts(out, "{\"message\":");
		json_write_string(out, rep->file_error, strlen(rep->file_error));
		buf_puts(out, ",\"field\":");
		if (rep->file_error_field)
			json_write_string(out, rep->file_error_field, strlen(rep->file_error_field));
		else
			buf_puts(out, "null");
		buf_putc(out, '}');
	} else {
		buf_puts(out, "null");
	}
	buf_puts(out, ",\"errors\":");
	issues_json(out, rep->errors, rep->nerrors);
	buf_printf(out, ",\"errors_listed\":%zu,\"warnings\":", rep->nerrors);
	issues_json(out, rep->warnings, rep->nwarnings);
	buf_printf(out, ",\"total_warnings\":%zu}", rep->total_warnings);
}

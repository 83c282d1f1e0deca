/*
 * Bulk import of enterprises from CSV (UTF-8 or GB18030): every row validated as a
 * registration, upsert by credit code, all-or-nothing or skip-bad-rows, dry run, a report of
 * every problem by row and column, all in one write transaction. One thread validates while
 * another writes. Each update of an existing record is audited with before and after; the
 * batch's audit entry names the file by hash and every record it created.
 */
#include <pthread.h>
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
#include "uscc.h"

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
	size_t *rows;     /* row of each */
	size_t cap, n;    /* slots, used */
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

static void add_issue(struct arena *a, struct registry_import_issue **list, size_t *n, size_t row,
                      size_t line, const char *field, const char *code, const char *message)
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
			if (strlen(LABELS_ZH[k].label) == len &&
			    memcmp(LABELS_ZH[k].label, s, len) == 0)
				f = LABELS_ZH[k].field;
		char *name = arena_strndup(a, s, len);
		if (f < 0) {
			rep->file_error =
			    arena_printf(a, "column \"%s\" is not a field of an enterprise", name);
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
		if ((ENTERPRISE_TYPE.fields[f].flags & FF_REQUIRED) &&
		    !(seen & ((uint64_t)1 << f))) {
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

#define IMPORT_CHUNK_ROWS    8192  /* rows handed from the validating to the writing thread */
#define IMPORT_QUEUE_MAX     4     /* chunks validated ahead of the writer */
#define IMPORT_BULK_MIN      10000 /* rows from which a load may suspend secondary indexes */
#define IMPORT_BYTES_PER_ROW 150   /* for estimating a file's rows before reading it */

/* Validated rows on their way to the writer. */
struct import_chunk {
	struct buf packed;         /* the rows' values (record_pack) */
	size_t *off;               /* where each row starts in packed */
	size_t *row, *line;        /* each row's record number and line */
	size_t n;                  /* rows */
	struct import_chunk *next; /* queue link */
};

/* State shared by the two threads of an import. */
struct import_job {
	const struct actor *who;            /* the importer, for the rules */
	struct csv_reader *rd;              /* positioned after the header */
	const int *col_field;               /* column -> field, -1 to skip */
	size_t ncols;                       /* columns in the header */
	const char *raw;                    /* the file as given, for the hash */
	size_t raw_len;                     /* its length */
	struct arena *a;                    /* report storage (under lock) */
	struct registry_import_report *rep; /* the report (issues under lock) */
	pthread_mutex_t lock;               /* guards the queue and the report's lists */
	pthread_cond_t cond;                /* queue changed */
	struct import_chunk *head, *tail;   /* validated chunks, oldest first */
	size_t queued;                      /* chunks in the queue */
	int done;                           /* the validator has finished */
	int stop;                           /* the writer gave up: stop validating */
};

enum issue_kind {
	ISSUE_ROW,     /* an error that rejects its row */
	ISSUE_MORE,    /* a further error in a row already rejected */
	ISSUE_WARNING, /* accepted, but worth knowing */
};

static void job_issue(struct import_job *j, enum issue_kind kind, size_t row, size_t line,
                      const char *field, const char *code, const char *message)
{
	pthread_mutex_lock(&j->lock);
	if (kind == ISSUE_WARNING) {
		j->rep->total_warnings++;
		add_issue(j->a, &j->rep->warnings, &j->rep->nwarnings, row, line, field, code,
		          message);
	} else {
		if (kind == ISSUE_ROW) /* read by the writer without the lock */
			__atomic_add_fetch(&j->rep->rejected, 1, __ATOMIC_RELAXED);
		add_issue(j->a, &j->rep->errors, &j->rep->nerrors, row, line, field, code, message);
	}
	pthread_mutex_unlock(&j->lock);
}

/*
 * Reads and validates the next row into *r. Returns 1 for a good row, 0 at the end, -1 for a
 * bad one (reported). *line and *row receive where the record starts and its number.
 */
static int import_row_read(struct import_job *j, struct record *r, struct arena *row_arena,
                           size_t *line, size_t *row)
{
	const struct csv_field *fields;
	size_t nf;
	struct csv_error cerr;
	*line = j->rd->line;
	int rc = csv_read(j->rd, &fields, &nf, &cerr);
	if (rc == 0)
		return 0;
	j->rep->rows++; /* only this thread counts rows */
	*row = rc < 0 ? cerr.record : j->rd->record;
	if (rc < 0) {
		job_issue(j, ISSUE_ROW, *row, cerr.line, NULL, "csv", cerr.message);
		return -1;
	}
	if (nf != j->ncols) {
		char msg[120];
		snprintf(msg, sizeof msg, "the row has %zu fields; the header has %zu", nf,
		         j->ncols);
		job_issue(j, ISSUE_ROW, *row, *line, NULL, "field_count", msg);
		return -1;
	}
	record_init(r, &ENTERPRISE_TYPE);
	struct field_error ferr;
	int bad = 0;
	for (size_t c = 0; c < nf; c++) {
		if (j->col_field[c] < 0)
			continue;
		if (record_set_text_utf8(r, row_arena, j->col_field[c], fields[c].s, fields[c].n,
		                         &ferr) != 0) {
			/* Every bad cell of the row is listed; the row counts once. */
			job_issue(j, bad ? ISSUE_MORE : ISSUE_ROW, *row, *line, ferr.field,
			          ferr.code, ferr.message);
			bad = 1;
		}
	}
	if (!bad &&
	    (record_check(r, 0, &ferr) != 0 || registry_rules_check(j->who, r, &ferr) != 0)) {
		bad = 1;
		job_issue(j, ISSUE_ROW, *row, *line, ferr.field, ferr.code, ferr.message);
	}
	return bad ? -1 : 1;
}

static void chunk_free(struct import_chunk *c)
{
	if (c == NULL)
		return;
	buf_free(&c->packed);
	free(c->off);
	free(c->row);
	free(c->line);
	free(c);
}

/* Hands c to the writer, waiting while the queue is full. Returns 0, or -1 if the writer
 * stopped (c is then freed). */
static int job_put(struct import_job *j, struct import_chunk *c)
{
	pthread_mutex_lock(&j->lock);
	while (j->queued >= IMPORT_QUEUE_MAX && !j->stop)
		pthread_cond_wait(&j->cond, &j->lock);
	if (j->stop) {
		pthread_mutex_unlock(&j->lock);
		chunk_free(c);
		return -1;
	}
	if (j->tail)
		j->tail->next = c;
	else
		j->head = c;
	j->tail = c;
	j->queued++;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
	return 0;
}

/* The next validated chunk, or NULL when the validator is done. */
static struct import_chunk *job_take(struct import_job *j)
{
	pthread_mutex_lock(&j->lock);
	while (j->head == NULL && !j->done)
		pthread_cond_wait(&j->cond, &j->lock);
	struct import_chunk *c = j->head;
	if (c) {
		j->head = c->next;
		if (j->head == NULL)
			j->tail = NULL;
		j->queued--;
		pthread_cond_broadcast(&j->cond);
	}
	pthread_mutex_unlock(&j->lock);
	return c;
}

/* The validating thread: reads, checks and packs rows in chunks, and hashes the file. */
static void *import_validate(void *arg)
{
	struct import_job *j = arg;
	crypto_hash_sha256_state sha;
	crypto_hash_sha256_init(&sha);
	struct code_set seen = {0};
	struct arena row_arena = {0};
	struct import_chunk *c = NULL;
	for (;;) {
		if (c == NULL) {
			c = xcalloc(1, sizeof *c);
			c->off = xmalloc(IMPORT_CHUNK_ROWS * sizeof *c->off);
			c->row = xmalloc(IMPORT_CHUNK_ROWS * sizeof *c->row);
			c->line = xmalloc(IMPORT_CHUNK_ROWS * sizeof *c->line);
		}
		arena_reset(&row_arena);
		struct record r;
		size_t line, row;
		int v = import_row_read(j, &r, &row_arena, &line, &row);
		if (v > 0) {
			size_t first = set_check_add(&seen, r.v[ENT_CREDIT_CODE], row);
			if (first) {
				char msg[120];
				snprintf(msg, sizeof msg,
				         "credit_code %s appears again (first at row %zu)",
				         r.v[ENT_CREDIT_CODE], first);
				job_issue(j, ISSUE_ROW, row, line, "credit_code", "duplicate", msg);
				v = -1;
			}
		}
		if (v > 0) {
			if (r.warnings[ENT_CREDIT_CODE])
				job_issue(j, ISSUE_WARNING, row, line, "credit_code",
				          "organisation_code_check", r.warnings[ENT_CREDIT_CODE]);
			c->off[c->n] = c->packed.len;
			c->row[c->n] = row;
			c->line[c->n] = line;
			record_pack(&r, &c->packed);
			c->n++;
		}
		if ((v == 0 || c->n == IMPORT_CHUNK_ROWS) && c->n > 0) {
			/* The chunk now belongs to the writer (or was freed if it stopped). */
			int stopped = job_put(j, c) != 0;
			c = NULL;
			if (stopped)
				v = 0;
		}
		if (v == 0)
			break;
	}
	chunk_free(c);
	/* The hash of the file as given (not as decoded), done here to overlap with writing. */
	for (size_t hashed = 0; hashed < j->raw_len; hashed += 1u << 20) {
		size_t n = j->raw_len - hashed < (1u << 20) ? j->raw_len - hashed : (1u << 20);
		crypto_hash_sha256_update(&sha, (const unsigned char *)j->raw + hashed, n);
	}
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&sha, digest);
	sodium_bin2hex(j->rep->sha256, sizeof j->rep->sha256, digest, sizeof digest);
	arena_free(&row_arena);
	free(seen.keys);
	free(seen.rows);
	pthread_mutex_lock(&j->lock);
	j->done = 1;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

/* Counts of the writing side, merged into the report at the end. */
struct import_writes {
	size_t created, updated, unchanged; /* rows */
	struct buf created_keys;            /* JSON array body of created credit codes */
	int failed;                         /* a database error */
};

/* Writes (or, in a dry run, classifies) one validated row. */
static void import_write_row(struct db *db, struct import_job *j, const struct actor *row_actor,
                             int dry_run, const char *now, struct record *r, size_t row,
                             size_t line, struct arena *row_arena, struct import_writes *w)
{
	const char *code = r->v[ENT_CREDIT_CODE];
	/* Read before the row becomes a whole record: what the file left out or empty. */
	struct record given = *r;
	if (r->v[ENT_STATUS] == NULL)
		record_set(r, row_arena, ENT_STATUS, "active", 6);
	record_set(r, row_arena, ENT_CREATED_AT, now, strlen(now));
	record_set(r, row_arena, ENT_UPDATED_AT, now, strlen(now));
	record_set(r, row_arena, ENT_VERSION, "1", 1);
	int64_t id;
	if (!dry_run) {
		/* Most rows of a load are new: try the insert, and look the code up only when
		 * the unique index says it is taken. */
		int ins =
		    db_id_next(db, &id) == 0 ? store_insert(db, id, r, row_actor->name) : DB_ERROR;
		if (ins == 0) {
			w->created++;
			buf_puts(&w->created_keys, w->created > 1 ? ",\"" : "\"");
			buf_append(&w->created_keys, code, USCC_LEN);
			buf_putc(&w->created_keys, '"');
			return;
		}
		if (ins != DB_CONSTRAINT) {
			w->failed = 1;
			return;
		}
	}
	struct record old;
	int hidden;
	int g = store_get_scoped(db, code, j->who, row_arena, &old, &id, &hidden);
	if (g == DB_DONE && hidden) {
		job_issue(j, ISSUE_ROW, row, line, "credit_code", "out_of_scope",
		          "this credit code is registered outside your jurisdiction");
		return;
	}
	if (g < 0 || (g == DB_DONE && !dry_run)) {
		w->failed = 1; /* a constraint other than the credit code's failed */
		return;
	}
	if (g == DB_DONE) {
		w->created++; /* not written: a dry run, or an all-or-nothing import gone bad */
		return;
	}
	/* An existing record keeps what the file has no column for; an empty status cell keeps
	 * the status (it cannot be cleared). */
	for (int i = 0; i < ENT_CREATED_AT; i++)
		if (!record_has(&given, i) || (i == ENT_STATUS && given.v[i] == NULL))
			r->v[i] = old.v[i];
	if (same_values(r, &old)) {
		w->unchanged++;
		return;
	}
	/* The merged record must keep the rules the row alone passed (a certificate number
	 * needs the certified flag, which may come from the stored record). */
	struct field_error ferr;
	if (registry_rules_check(j->who, r, &ferr) != 0) {
		job_issue(j, ISSUE_ROW, row, line, ferr.field, ferr.code, ferr.message);
		return;
	}
	int64_t version;
	if (field_int_parse_cstr(old.v[ENT_VERSION], 1, INT32_MAX, &version) != 0) {
		w->failed = 1; /* a stored version is always canonical: the database is damaged */
		return;
	}
	char ver[24];
	snprintf(ver, sizeof ver, "%lld", (long long)version + 1);
	r->v[ENT_CREATED_AT] = old.v[ENT_CREATED_AT];
	record_set(r, row_arena, ENT_VERSION, ver, strlen(ver));
	w->updated++;
	if (dry_run)
		return;
	/* A change to an existing legal record is audited on its own, before and after. */
	struct buf bj = {0}, aj = {0};
	record_write_json(&old, &bj);
	record_write_json(r, &aj);
	if (store_update(db, id, r) != 0 ||
	    audit_append(db, row_actor, "enterprise.import.update", "enterprise", code, bj.data,
	                 aj.data, "ok") != 0)
		w->failed = 1;
	buf_free(&bj);
	buf_free(&aj);
}

int registry_import(struct db *db, const struct actor *who, const char *s, size_t n,
                    const struct registry_import_options *opt, struct arena *a,
                    struct registry_import_report *rep)
{
	memset(rep, 0, sizeof *rep);
	struct buf scratch = {0};
	const char *text;
	size_t len, bad_at;
	enum text_encoding used;
	struct csv_reader rd;
	csv_reader_init(&rd, "", 0);
	if (text_to_utf8(s, n, opt->encoding, &scratch, &text, &len, &used, &bad_at) != 0) {
		rep->file_error =
		    arena_printf(a, "the file is not %s: undecodable bytes at offset %zu",
		                 opt->encoding == TEXT_ENC_AUTO ? "UTF-8 or GB18030"
		                                                : text_encoding_name(opt->encoding),
		                 bad_at);
		rep->encoding = text_encoding_name(opt->encoding);
		goto file_error;
	}
	rep->encoding = text_encoding_name(used);
	csv_reader_init(&rd, text, len);
	const struct csv_field *fields;
	size_t nf;
	struct csv_error cerr;
	int col_field[CSV_MAX_FIELDS];
	int rc = csv_read(&rd, &fields, &nf, &cerr);
	if (rc <= 0) {
		rep->file_error =
		    rc == 0 ? "the file is empty: a header line is needed"
		            : arena_printf(a, "the header line is malformed: %s", cerr.message);
		goto file_error;
	}
	if (map_header(fields, nf, col_field, a, rep) != 0)
		goto file_error;

	char now[32], batch[40];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (db_begin_write(db) != 0) {
		csv_reader_free(&rd);
		buf_free(&scratch);
		return REG_ERROR;
	}
	struct import_writes w = {0};
	/* A load larger than the table suspends its other indexes and builds them once at the
	 * end: far cheaper than a million insertions at random places. */
	char *suspended = NULL;
	int64_t existing = store_count_all(db);
	size_t estimate = n / IMPORT_BYTES_PER_ROW;
	if (existing < 0)
		w.failed = 1;
	else if (!opt->dry_run && estimate >= IMPORT_BULK_MIN && (int64_t)estimate > existing)
		suspended = store_bulk_begin(db, existing == 0);

	/* Validation runs in its own thread, a few chunks ahead of the writing here. */
	struct import_job j = {.who = who,
	                       .rd = &rd,
	                       .col_field = col_field,
	                       .ncols = nf,
	                       .raw = s,
	                       .raw_len = n,
	                       .a = a,
	                       .rep = rep};
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.cond, NULL);
	pthread_t validator;
	int threaded = pthread_create(&validator, NULL, import_validate, &j) == 0;
	if (!threaded)
		import_validate(&j);
	/* Entries of this import carry its batch id (or the request's id, through the API). */
	struct actor row_actor = *who;
	unsigned char rnd[8];
	randombytes_buf(rnd, sizeof rnd);
	memcpy(batch, "import-", 7);
	sodium_bin2hex(batch + 7, sizeof batch - 7, rnd, sizeof rnd);
	if (row_actor.request_id == NULL)
		row_actor.request_id = batch;
	struct arena row_arena = {0};
	struct import_chunk *c;
	while ((c = job_take(&j)) != NULL) {
		for (size_t i = 0; i < c->n && !w.failed; i++) {
			/* Once an all-or-nothing import has a bad row nothing will be kept: the
			 * rest is only counted, as in a dry run, so the report is complete. */
			int dry =
			    opt->dry_run || (opt->mode == REG_IMPORT_ALL_OR_NOTHING &&
			                     __atomic_load_n(&rep->rejected, __ATOMIC_RELAXED) > 0);
			struct record r;
			arena_reset(&row_arena);
			record_unpack(&r, &ENTERPRISE_TYPE, c->packed.data + c->off[i]);
			import_write_row(db, &j, &row_actor, dry, now, &r, c->row[i], c->line[i],
			                 &row_arena, &w);
		}
		chunk_free(c);
		if (w.failed) {
			/* A database error: stop the validator, nothing will be kept. */
			pthread_mutex_lock(&j.lock);
			j.stop = 1;
			pthread_cond_broadcast(&j.cond);
			pthread_mutex_unlock(&j.lock);
		}
	}
	if (threaded)
		pthread_join(validator, NULL);
	pthread_mutex_destroy(&j.lock);
	pthread_cond_destroy(&j.cond);
	arena_free(&row_arena);
	rep->created = w.created;
	rep->updated = w.updated;
	rep->unchanged = w.unchanged;

	int failed = w.failed;
	int write = !failed && !opt->dry_run &&
	            !(opt->mode == REG_IMPORT_ALL_OR_NOTHING && rep->rejected > 0);
	if (write && suspended) {
		failed = store_bulk_end(db, suspended) != 0;
		suspended = NULL;
	}
	free(suspended);
	if (write && !failed) {
		/* One entry for the batch: who, when, the file's hash, and every record it
		 * created (their values are version 1 of each record, and are in that file). */
		struct buf summary = {0};
		buf_printf(&summary,
		           "{\"batch\":\"%s\",\"sha256\":\"%s\",\"encoding\":\"%s\",\"rows\":%zu,"
		           "\"created\":%zu,\"updated\":%zu,\"unchanged\":%zu,\"rejected\":%zu,"
		           "\"mode\":\"%s\",\"created_credit_codes\":[",
		           batch, rep->sha256, rep->encoding, rep->rows, rep->created, rep->updated,
		           rep->unchanged, rep->rejected,
		           opt->mode == REG_IMPORT_SKIP_BAD ? "skip_bad_rows" : "all_or_nothing");
		buf_append(&summary, w.created_keys.data, w.created_keys.len);
		buf_puts(&summary, "]}");
		char key[80];
		snprintf(key, sizeof key, "sha256:%s", rep->sha256);
		if (audit_append(db, &row_actor, "enterprise.import", "import", key, NULL,
		                 summary.data, rep->rejected ? "partial" : "ok") != 0 ||
		    db_commit(db) != 0)
			failed = 1;
		else
			rep->committed = 1;
		buf_free(&summary);
	}
	buf_free(&w.created_keys);
	if (!rep->committed)
		db_rollback(db);
	csv_reader_free(&rd);
	buf_free(&scratch);
	return failed ? REG_ERROR : REG_OK;

file_error : {
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)s, n);
	sodium_bin2hex(rep->sha256, sizeof rep->sha256, digest, sizeof digest);
	csv_reader_free(&rd);
	buf_free(&scratch);
	return REG_OK;
}
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
			json_write_string(out, rep->file_error_field,
			                  strlen(rep->file_error_field));
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

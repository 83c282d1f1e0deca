/*
 * jinzhi demo: a deterministic, realistic population of enterprises for the seven
 * prefectures and their counties, loaded through the importer (so every demo row passes the
 * same validation as real data) or written as CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "modules/accounts/service.h"
#include "modules/equipment/common.h"
#include "modules/equipment/demo.h"
#include "modules/licensing/demo.h"
#include "modules/regions/service.h"
#include "modules/registry/demo.h"
#include "modules/registry/service.h"
#include "modules/sampling/demo.h"
#include "platform/db.h"
#include "platform/fields.h"
#include "platform/files.h"

#define DEMO_SMALL 5000
#define DEMO_LARGE 1000000
#define DEMO_CHUNK 50000 /* rows per import transaction */

/* The parts loaded after the enterprises, each sized by its own option. */
enum demo_part { DEMO_EQUIPMENT, DEMO_SAMPLING, DEMO_LICENSING, DEMO_PARTS };
static const char *const DEMO_PART_OPTIONS[DEMO_PARTS] = {"--equipment", "--sampling",
                                                          "--licensing"};

/* What a part's option says. */
enum demo_size {
	DEMO_AS_SCALE,   /* no option: as --scale */
	DEMO_SMALL_PART, /* small */
	DEMO_LARGE_PART, /* large */
	DEMO_NONE,       /* none: not loaded */
};

/* The part whose option arg is, or -1. */
static int demo_part_option(const char *arg)
{
	for (int p = 0; p < DEMO_PARTS; p++)
		if (strcmp(arg, DEMO_PART_OPTIONS[p]) == 0)
			return p;
	return -1;
}

/* Reads small, large or none into *out. Returns 0, or -1 for another word. */
static int demo_size_parse(const char *s, enum demo_size *out)
{
	static const char *const WORDS[] = {"small", "large", "none"};
	static const enum demo_size SIZES[] = {DEMO_SMALL_PART, DEMO_LARGE_PART, DEMO_NONE};
	for (int i = 0; i < 3; i++)
		if (strcmp(s, WORDS[i]) == 0)
			return *out = SIZES[i], 0;
	return -1;
}

/*
 * Demo accounts, made once (when the database has none): one for each kind of user the
 * system serves, each with a random password printed here and nowhere else.
 */
static int demo_accounts(struct db *db, struct registry_demo *d)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM account");
	int64_t have = db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
	db_reset(st);
	if (have != 0)
		return have > 0 ? 0 : -1;
	struct arena a = {0};
	struct record r;
	record_init(&r, &ENTERPRISE_TYPE);
	registry_demo_enterprise(d, &r, &a, 0);
	const char *firm = arena_strdup(&a, r.v[ENT_CREDIT_CODE]);
	static const struct {
		const char *login, *name, *unit, *role;
		int firm;
	} DEMO[] = {
	    {"admin", "系统管理员", "540000", "sysadmin", 0},
	    {"leader", "自治区局领导", "540000", "leader", 0},
	    {"lhasa", "拉萨市局企业档案管理员", "540100", "registry_officer", 0},
	    {"shigatse", "日喀则市局企业档案管理员", "540200", "registry_officer", 0},
	    {"firm", "企业用户", "540000", "enterprise", 1},
	    {"equipment", "自治区局特种设备监察员", "540000", "equipment_officer", 0},
	    {"sampling", "自治区局监督抽查员", "540000", "sampling_officer", 0},
	    {"sampling.lhasa", "拉萨市局监督抽查员", "540100", "sampling_officer", 0},
	    {"sampling.shigatse", "日喀则市局监督抽查员", "540200", "sampling_officer", 0},
	    {"licensing", "自治区局许可审查员", "540000", "licensing_officer", 0},
	    {"licensing.lhasa", "拉萨市局许可审查员", "540100", "licensing_officer", 0},
	    /* one lab's three people: the analyst, the reviewer and the approver of a report */
	    {"lab1", "产品质量监督检验研究院检验员", "540000-LAB1", "lab_analyst", 0},
	    {"lab2", "产品质量监督检验研究院审核员", "540000-LAB1", "lab_analyst", 0},
	    {"lab3", "产品质量监督检验研究院授权签字人", "540000-LAB1", "lab_analyst", 0},
	};
	struct actor who = {.name = "demo", .all_regions = 1};
	/* The org units of the demo labs (sp_lab.org_unit), where their analysts belong. */
	static const char *const LAB_NAMES[] = {"西藏自治区产品质量监督检验研究院",
	                                        "西藏自治区食品检验检测中心",
	                                        "西藏自治区建材与工业产品检验所"};
	for (int i = 0; SP_DEMO_LAB_UNITS[i]; i++) {
		const char *why = "database error";
		int rc = acc_org_unit_add(db, &who, SP_DEMO_LAB_UNITS[i], LAB_NAMES[i], "lab",
		                          "540000", &why);
		if (rc != ACC_OK && rc != ACC_CONFLICT) {
			fprintf(stderr, "jinzhi demo: org unit %s: %s\n", SP_DEMO_LAB_UNITS[i],
			        why);
			arena_free(&a);
			return -1;
		}
	}
	printf("Demo accounts (passwords are shown only now):\n");
	for (size_t i = 0; i < sizeof DEMO / sizeof DEMO[0]; i++) {
		struct acc_account_spec spec = {.login = DEMO[i].login,
		                                .display_name = DEMO[i].name,
		                                .org_unit = DEMO[i].unit,
		                                .credit_code = DEMO[i].firm ? firm : NULL,
		                                .roles = {DEMO[i].role},
		                                .nroles = 1,
		                                .password = NULL,
		                                .must_change = 0};
		const char *pw, *why = "database error";
		if (acc_account_create(db, &who, &spec, &a, &pw, &why) != ACC_OK) {
			fprintf(stderr, "jinzhi demo: account %s: %s\n", DEMO[i].login, why);
			arena_free(&a);
			return -1;
		}
		printf("  %-17s %s  (%s, %s%s%s)\n", DEMO[i].login, pw, DEMO[i].role, DEMO[i].unit,
		       DEMO[i].firm ? ", enterprise " : "", DEMO[i].firm ? firm : "");
	}
	arena_free(&a);
	return 0;
}

/* Seconds since an unspecified start, for the timing line. */
static double demo_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Special equipment over the enterprises just loaded (nothing when it is there already). */
static int demo_equipment(struct db *db, enum eq_demo_scale scale, uint64_t seed)
{
	struct eq_demo_options o;
	struct eq_demo_report rep;
	eq_demo_options_init(&o, scale, seed, today_china());
	double t0 = demo_clock();
	/* Alone with the database, write each page once (see db_bulk_journal). */
	int rollback = db_bulk_journal(db, 1);
	int rc = eq_demo_load(db, &o, &rep);
	if (rollback && db_bulk_journal(db, 0)) {
		fprintf(stderr, "jinzhi demo: could not switch the database back to WAL mode\n");
		rc = -1;
	}
	if (rc != 0)
		return -1;
	if (rep.already) {
		fprintf(stderr, "jinzhi demo: special equipment already there, left as it is\n");
		return 0;
	}
	fprintf(stderr,
	        "jinzhi demo: %lld special-equipment units (%lld in use, %lld registered, %lld "
	        "overdue) at %lld use units in %lld counties, %lld inspections, %lld defects, "
	        "%lld operators (%lld certified), %lld accidents (%lld closed), %lld cylinder "
	        "batches, %lld campaigns, in %.1f s\n",
	        (long long)rep.units, (long long)rep.in_use, (long long)rep.registered,
	        (long long)rep.overdue, (long long)rep.use_units, (long long)rep.counties,
	        (long long)rep.inspections, (long long)rep.defects, (long long)rep.operators,
	        (long long)rep.certified, (long long)rep.accidents, (long long)rep.closed,
	        (long long)rep.cylinder_batches, (long long)rep.campaigns, demo_clock() - t0);
	return 0;
}

/* Supervision sampling over the enterprises just loaded (nothing when samples exist). */
static int demo_sampling(struct db *db, enum sp_demo_scale scale, uint64_t seed)
{
	struct sp_demo_report rep;
	double t0 = demo_clock();
	int rollback = db_bulk_journal(db, 1);
	int rc = sp_demo_load(db, scale, seed, today_china(), &rep);
	if (rollback && db_bulk_journal(db, 0)) {
		fprintf(stderr, "jinzhi demo: could not switch the database back to WAL mode\n");
		rc = -1;
	}
	if (rc != 0)
		return -1;
	if (rep.already) {
		fprintf(stderr, "jinzhi demo: sampling samples already there, left as they are\n");
		return 0;
	}
	fprintf(
	    stderr,
	    "jinzhi demo: %lld sampling labs, %lld plans with %lld tasks, %lld samples (%lld "
	    "approved, %lld failed), %lld item results, %lld objections (%lld overturned), %lld "
	    "follow-ups, %lld announcements, in %.1f s\n",
	    (long long)rep.labs, (long long)rep.plans, (long long)rep.tasks, (long long)rep.samples,
	    (long long)rep.approved, (long long)rep.failed, (long long)rep.results,
	    (long long)rep.objections, (long long)rep.overturned, (long long)rep.followups,
	    (long long)rep.announcements, demo_clock() - t0);
	return 0;
}

/* Licences, checks and applications over the enterprises just loaded (nothing when licences
 * exist). The applications' papers go to the attachments directory of c. */
static int demo_licensing(struct db *db, const struct config *c, enum lc_demo_scale scale,
                          uint64_t seed)
{
	char adir[4096];
	if (config_attachments_dir(c, adir, sizeof adir) != 0) {
		fprintf(stderr, "jinzhi demo: attachments.dir is too long\n");
		return -1;
	}
	files_set_dir(adir);
	struct lc_demo_report rep;
	double t0 = demo_clock();
	int rollback = db_bulk_journal(db, 1);
	int rc = lc_demo_load(db, scale, seed, today_china(), &rep);
	if (rollback && db_bulk_journal(db, 0)) {
		fprintf(stderr, "jinzhi demo: could not switch the database back to WAL mode\n");
		rc = -1;
	}
	if (rc != 0)
		return -1;
	if (rep.already) {
		fprintf(stderr, "jinzhi demo: licences already there, left as they are\n");
		return 0;
	}
	fprintf(stderr,
	        "jinzhi demo: %lld licences (%lld food, %lld industrial; %lld expired, %lld "
	        "suspended, %lld revoked, %lld cancelled), %lld post-licence checks (%lld "
	        "licences overdue), %lld applications, in %.1f s\n",
	        (long long)rep.licences, (long long)rep.food, (long long)rep.industrial,
	        (long long)rep.expired, (long long)rep.suspended, (long long)rep.revoked,
	        (long long)rep.cancelled, (long long)rep.checks, (long long)rep.overdue,
	        (long long)rep.applications, demo_clock() - t0);
	return 0;
}

static int cmd_demo(int argc, char **argv)
{
	struct config c;
	int rc = cli_config(&argc, argv, &cmd_demo_entry, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	long long count = DEMO_SMALL;
	unsigned long long seed = 1;
	const char *csv = NULL;
	enum demo_size size[DEMO_PARTS] = {DEMO_AS_SCALE, DEMO_AS_SCALE, DEMO_AS_SCALE};
	int scale = EQ_DEMO_SMALL;
	for (int i = 1; i < argc; i++) {
		char *end;
		int part;
		if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
			const char *s = argv[++i];
			if (strcmp(s, "small") == 0)
				count = DEMO_SMALL, scale = EQ_DEMO_SMALL;
			else if (strcmp(s, "large") == 0)
				count = DEMO_LARGE, scale = EQ_DEMO_LARGE;
			else {
				fprintf(stderr, "jinzhi demo: --scale is small or large\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			int64_t v;
			if (field_int_parse_cstr(argv[++i], 1, 100000000, &v) != 0) {
				fprintf(stderr, "jinzhi demo: --count is 1 to 100000000\n");
				return 2;
			}
			count = v;
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = strtoull(argv[++i], &end, 10);
			if (*end) {
				fprintf(stderr, "jinzhi demo: --seed is a number\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
			csv = argv[++i];
		} else if ((part = demo_part_option(argv[i])) >= 0 && i + 1 < argc) {
			if (demo_size_parse(argv[++i], &size[part]) != 0) {
				fprintf(stderr, "jinzhi demo: %s is small, large or none\n",
				        DEMO_PART_OPTIONS[part]);
				return 2;
			}
		} else {
			fprintf(stderr, "jinzhi demo: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	struct db *db = NULL;
	if (csv == NULL) {
		if (cli_open_db(&c, 1, &db) != 0)
			return 1;
	} else {
		/* The region list comes from the same embedded data, through a scratch database. */
		struct config mem = c;
		snprintf(mem.db_path, sizeof mem.db_path, "%s", ":memory:");
		if (cli_open_db(&mem, 0, &db) != 0)
			return 1;
	}
	size_t nregions;
	const struct region *regions = regions_all(&nregions);
	struct registry_demo *d = registry_demo_new(seed, regions, nregions);
	FILE *out = NULL;
	if (csv && (out = strcmp(csv, "-") == 0 ? stdout : fopen(csv, "wb")) == NULL) {
		fprintf(stderr, "jinzhi demo: cannot write %s\n", csv);
		return 1;
	}
	struct actor who = {0};
	who.name = "demo";
	who.all_regions = 1;
	struct registry_import_options opt = {REG_IMPORT_ALL_OR_NOTHING, 0, TEXT_ENC_UTF8};
	struct buf b = {0};
	struct arena a = {0};
	int status = 0;
	size_t created = 0, updated = 0;
	for (long long start = 0; start < count && status == 0; start += DEMO_CHUNK) {
		long long end = start + DEMO_CHUNK < count ? start + DEMO_CHUNK : count;
		buf_reset(&b);
		if (start == 0 || out == NULL)
			record_type_write_csv_header(&ENTERPRISE_TYPE, &b);
		for (long long i = start; i < end; i++) {
			struct record r;
			record_init(&r, &ENTERPRISE_TYPE);
			registry_demo_enterprise(d, &r, &a, (uint64_t)i);
			record_write_csv(&r, &b);
			if ((i & 1023) == 1023)
				arena_free(&a);
		}
		arena_free(&a);
		if (out) {
			if (fwrite(b.data, 1, b.len, out) != b.len)
				status = 1;
			continue;
		}
		struct registry_import_report rep;
		struct arena ra = {0};
		if (registry_import(db, &who, b.data, b.len, &opt, &ra, &rep) != REG_OK ||
		    !rep.committed) {
			fprintf(stderr, "jinzhi demo: import failed: %s\n",
			        rep.file_error ? rep.file_error
			        : rep.nerrors  ? rep.errors[0].message
			                       : "database error");
			status = 1;
		}
		created += rep.created;
		updated += rep.updated + rep.unchanged;
		arena_free(&ra);
	}
	buf_free(&b);
	int large[DEMO_PARTS];
	for (int p = 0; p < DEMO_PARTS; p++)
		large[p] =
		    size[p] == DEMO_AS_SCALE ? scale == EQ_DEMO_LARGE : size[p] == DEMO_LARGE_PART;
	if (status == 0 && out == NULL && size[DEMO_EQUIPMENT] != DEMO_NONE &&
	    demo_equipment(db, large[DEMO_EQUIPMENT] ? EQ_DEMO_LARGE : EQ_DEMO_SMALL, seed) != 0)
		status = 1;
	if (status == 0 && out == NULL && size[DEMO_SAMPLING] != DEMO_NONE &&
	    demo_sampling(db, large[DEMO_SAMPLING] ? SP_DEMO_LARGE : SP_DEMO_SMALL, seed) != 0)
		status = 1;
	if (status == 0 && out == NULL && size[DEMO_LICENSING] != DEMO_NONE &&
	    demo_licensing(db, &c, large[DEMO_LICENSING] ? LC_DEMO_LARGE : LC_DEMO_SMALL, seed) !=
	        0)
		status = 1;
	if (status == 0 && out == NULL && demo_accounts(db, d) != 0)
		status = 1;
	registry_demo_free(d);
	if (out && out != stdout && fclose(out) != 0)
		status = 1;
	db_close(db);
	if (status == 0 && out == NULL)
		fprintf(stderr, "jinzhi demo: %zu enterprises created, %zu already there, in %s\n",
		        created, updated, c.db_path);
	else if (status == 0)
		fprintf(stderr, "jinzhi demo: %lld enterprises written to %s\n", count, csv);
	return status;
}

const struct cmd_entry cmd_demo_entry = {
    "demo",
    "demo [--db FILE] [--scale small|large] [--count N] [--seed N] [--csv FILE] "
    "[--equipment small|large|none] [--sampling small|large|none] "
    "[--licensing small|large|none]",
    "Fills the database with deterministic demo enterprises in the seven prefectures and\n"
    "their counties: small is 5,000, large 1,000,000 (or --count N). The same seed gives\n"
    "the same data; running it again changes nothing. Rows go through the importer's\n"
    "validation. With --csv FILE the rows are written as CSV instead (- for stdout).\n"
    "Then special equipment used by those enterprises, as --scale unless --equipment says\n"
    "otherwise: small is about 3,000 units, large 500,000 units with over 3,000,000\n"
    "inspections (the same seed and day give the same data; skipped when units exist).\n"
    "Then supervision sampling, as --scale unless --sampling says otherwise: small is about\n"
    "3,000 samples over three years, large 175,000 samples with over 1,000,000 item results\n"
    "(skipped when samples exist).\n"
    "Then licensing, as --scale unless --licensing says otherwise: small is about 300\n"
    "licences with their post-licence checks, large 100,000 (the verification benchmark),\n"
    "and in both some two dozen applications at every step of the process (skipped when\n"
    "licences exist).",
    cmd_demo};

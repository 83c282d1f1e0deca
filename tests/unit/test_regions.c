/*
 * Unit tests of the region tree (src/modules/regions/service.c) after migrations have seeded
 * it from the embedded GB/T 2260 data and regions_load has read it: counts, levels, parents,
 * lookups, subtree ranges, and names in Chinese and Tibetan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modules/regions/service.h"
#include "platform/actor.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "platform/textenc.h"

#define NREGIONS 82

static char dir[64], path[128];
static struct db *db;

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/jz_test_regions.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	if (db_open(path, DB_OPEN_CREATE, &db) != 0 || migrate_run(db, 0, 0) != 0 ||
	    regions_load(db) != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	db_close(db);
	regions_free();
	char p[160];
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

static void test_count(void **state)
{
	(void)state;
	size_t n = 0;
	const struct region *all = regions_all(&n);
	assert_non_null(all);
	assert_int_equal(n, NREGIONS);
}

static void test_sorted_and_unique(void **state)
{
	(void)state;
	size_t n;
	const struct region *all = regions_all(&n);
	for (size_t i = 1; i < n; i++)
		assert_true(all[i - 1].code < all[i].code);
}

static void test_levels(void **state)
{
	(void)state;
	size_t n;
	const struct region *all = regions_all(&n);
	int count[4] = {0};
	for (size_t i = 0; i < n; i++) {
		const struct region *r = &all[i];
		assert_true(r->level >= REGION_PROVINCE && r->level <= REGION_COUNTY);
		count[r->level]++;
		if (r->code % 10000 == 0)
			assert_int_equal(r->level, REGION_PROVINCE);
		else if (r->code % 100 == 0)
			assert_int_equal(r->level, REGION_PREFECTURE);
		else
			assert_int_equal(r->level, REGION_COUNTY);
	}
	assert_int_equal(count[REGION_PROVINCE], 1);
	assert_int_equal(count[REGION_PREFECTURE], 7);
	assert_int_equal(count[REGION_COUNTY], 74);
}

static void test_parents(void **state)
{
	(void)state;
	size_t n;
	const struct region *all = regions_all(&n);
	for (size_t i = 0; i < n; i++) {
		const struct region *r = &all[i];
		if (r->level == REGION_PROVINCE) {
			assert_int_equal(r->parent, 0);
			continue;
		}
		const struct region *p = regions_find(r->parent);
		if (p == NULL)
			fail_msg("parent %d of %d is missing", r->parent, r->code);
		assert_int_equal(p->level, r->level - 1);
		if (r->level == REGION_COUNTY)
			assert_int_equal(r->parent, r->code / 100 * 100);
		else
			assert_int_equal(r->parent, r->code / 10000 * 10000);
		/* Every code lies in its parent's subtree range. */
		int lo, hi;
		region_subtree(r->parent, &lo, &hi);
		assert_true(r->code >= lo && r->code <= hi);
	}
}

static void test_find(void **state)
{
	(void)state;
	const struct region *r = regions_find(540000);
	assert_non_null(r);
	assert_string_equal(r->name_zh, "西藏自治区");
	assert_int_equal(r->level, REGION_PROVINCE);
	r = regions_find(540102);
	assert_non_null(r);
	assert_string_equal(r->name_zh, "城关区");
	assert_string_equal(r->name_en, "Chengguan");
	assert_int_equal(r->parent, 540100);
	r = regions_find(540200);
	assert_non_null(r);
	assert_string_equal(r->name_zh, "日喀则市");
	assert_string_equal(r->name_en, "Shigatse");
	/* The first and last entries of the sorted table are found too. */
	size_t n;
	const struct region *all = regions_all(&n);
	assert_ptr_equal(regions_find(all[0].code), &all[0]);
	assert_ptr_equal(regions_find(all[n - 1].code), &all[n - 1]);
}

static void test_find_missing(void **state)
{
	(void)state;
	assert_null(regions_find(0));
	assert_null(regions_find(-540000));
	assert_null(regions_find(540101));
	assert_null(regions_find(540199));
	assert_null(regions_find(110000));
	assert_null(regions_find(549999));
	assert_null(regions_find(999999));
}

static void test_subtree_range_province(void **state)
{
	(void)state;
	int lo, hi;
	region_subtree(540000, &lo, &hi);
	assert_int_equal(lo, 540000);
	assert_int_equal(hi, 549999);
	size_t n;
	const struct region *all = regions_all(&n);
	for (size_t i = 0; i < n; i++)
		assert_true(all[i].code >= lo && all[i].code <= hi);
}

static void test_subtree_range_prefecture(void **state)
{
	(void)state;
	int lo, hi;
	region_subtree(540100, &lo, &hi);
	assert_int_equal(lo, 540100);
	assert_int_equal(hi, 540199);
	region_subtree(542500, &lo, &hi);
	assert_int_equal(lo, 542500);
	assert_int_equal(hi, 542599);
	/* The range holds exactly the prefecture and its counties. */
	size_t n;
	const struct region *all = regions_all(&n);
	region_subtree(540200, &lo, &hi);
	for (size_t i = 0; i < n; i++) {
		int in = all[i].code >= lo && all[i].code <= hi;
		int mine = all[i].code == 540200 || all[i].parent == 540200;
		assert_int_equal(in, mine);
	}
}

static void test_subtree_range_county(void **state)
{
	(void)state;
	int lo, hi;
	region_subtree(540102, &lo, &hi);
	assert_int_equal(lo, 540102);
	assert_int_equal(hi, 540102);
	region_subtree(542527, &lo, &hi);
	assert_int_equal(lo, 542527);
	assert_int_equal(hi, 542527);
}

static void test_ngari_counties(void **state)
{
	(void)state;
	const struct region *ngari = regions_find(542500);
	assert_non_null(ngari);
	assert_string_equal(ngari->name_zh, "阿里地区");
	assert_string_equal(ngari->name_en, "Ngari");
	assert_int_equal(ngari->level, REGION_PREFECTURE);
	assert_int_equal(ngari->parent, 540000);
	size_t n;
	const struct region *all = regions_all(&n);
	int children[8], nc = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i].parent == 542500) {
			assert_true(nc < 8);
			children[nc++] = all[i].code;
		}
	assert_int_equal(nc, 7);
	for (int i = 0; i < 7; i++)
		assert_int_equal(children[i], 542521 + i);
	const char *names[] = {"普兰县", "札达县", "噶尔县", "日土县",
	                       "革吉县", "改则县", "措勤县"};
	for (int i = 0; i < 7; i++) {
		const struct region *c = regions_find(542521 + i);
		assert_non_null(c);
		assert_string_equal(c->name_zh, names[i]);
		assert_int_equal(c->level, REGION_COUNTY);
	}
	assert_null(regions_find(542520));
	assert_null(regions_find(542528));
}

/* Tibetan names: every prefecture and the region have one, in the Tibetan block. */
static void test_tibetan_names_of_prefectures(void **state)
{
	(void)state;
	size_t n;
	const struct region *all = regions_all(&n);
	int seen = 0;
	for (size_t i = 0; i < n; i++) {
		const struct region *r = &all[i];
		assert_non_null(r->name_bo);
		assert_non_null(r->name_zh);
		assert_non_null(r->name_en);
		assert_true(r->name_zh[0] != '\0');
		assert_true(r->name_en[0] != '\0');
		assert_int_equal(utf8_invalid_at(r->name_bo, strlen(r->name_bo)), -1);
		if (r->level == REGION_COUNTY)
			continue;
		seen++;
		if (r->name_bo[0] == '\0')
			fail_msg("%d %s has no Tibetan name", r->code, r->name_zh);
		/* U+0F00-U+0FFF is E0 BC 80 - E0 BF BF; the tsheg U+0F0B separates syllables. */
		assert_int_equal((unsigned char)r->name_bo[0], 0xE0);
		assert_true((unsigned char)r->name_bo[1] >= 0xBC &&
		            (unsigned char)r->name_bo[1] <= 0xBF);
		assert_non_null(strstr(r->name_bo, "\xE0\xBC\x8B"));
	}
	assert_int_equal(seen, 8);
	assert_string_equal(regions_find(540000)->name_bo, "བོད་རང་སྐྱོང་ལྗོངས།");
	assert_string_equal(regions_find(540100)->name_bo, "ལྷ་ས་གྲོང་ཁྱེར།");
	assert_string_equal(regions_find(540200)->name_bo, "གཞིས་ཀ་རྩེ་གྲོང་ཁྱེར།");
	assert_string_equal(regions_find(542500)->name_bo, "མངའ་རིས་ས་ཁུལ།");
}

/* Loading again gives the same tree; seeding again adds nothing. */
static void test_reload(void **state)
{
	(void)state;
	assert_int_equal(regions_seed(db), 0);
	assert_int_equal(regions_load(db), 0);
	size_t n;
	regions_all(&n);
	assert_int_equal(n, NREGIONS);
	assert_non_null(regions_find(542521));
}

/* After regions_free nothing is found; a load brings it back. */
static void test_free_then_load(void **state)
{
	(void)state;
	regions_free();
	size_t n = 99;
	assert_null(regions_all(&n));
	assert_int_equal(n, 0);
	assert_null(regions_find(540000));
	assert_int_equal(regions_load(db), 0);
	assert_non_null(regions_find(540000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_sorted_and_unique),
	    cmocka_unit_test(test_levels),
	    cmocka_unit_test(test_parents),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_find_missing),
	    cmocka_unit_test(test_subtree_range_province),
	    cmocka_unit_test(test_subtree_range_prefecture),
	    cmocka_unit_test(test_subtree_range_county),
	    cmocka_unit_test(test_ngari_counties),
	    cmocka_unit_test(test_tibetan_names_of_prefectures),
	    cmocka_unit_test(test_reload),
	    cmocka_unit_test(test_free_then_load),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/*
 * Demo enterprises (see demo.h). Each record draws from its own small PRNG keyed by the seed
 * and the index, so records are independent of generation order; the credit code's
 * organisation part is a keyed Feistel permutation of the index over the 31 code symbols, so
 * codes look random yet never repeat. Values are built in a stack buffer from word lists and
 * copied into the caller's arena: no allocation per record beyond that arena.
 */
#include "demo.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "platform/mem.h"
#include "uscc.h"

#define DEMO_TEXT_MAX 512     /* bytes of one generated value; ours stay far below */
#define DEMO_HALF     923521u /* 31^4: each Feistel half of the organisation number */
#define DEMO_ROUNDS   4       /* Feistel rounds */
#define DEMO_PICK_MIN 4096    /* least slots of a county pick table */
#define DEMO_GOLDEN   0x9E3779B97F4A7C15ULL

/* clang-format off */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define W(x)     {x, sizeof(x) - 1} /* a demo_word of a string literal */
/* clang-format on */

/* A piece of UTF-8 text with its length in bytes. */
struct demo_word {
	const char *s; /* the bytes (not necessarily NUL-terminated) */
	size_t n;      /* their count */
};

/* A county where enterprises are placed, with the names that go with it. */
struct demo_county {
	char code[7];                /* the six digits of its GB/T 2260 code */
	struct demo_word name;       /* 城关区 */
	struct demo_word short_name; /* 城关; the full name where stripping leaves one char */
	struct demo_word prefecture; /* 拉萨市, or empty where no prefecture is listed */
	struct demo_word prefecture_short; /* 拉萨, or the county's short name */
	struct demo_word roman;            /* lower-case ASCII romanisation, for e-mail addresses */
	const char *area_code;             /* telephone area code ("0891"), or NULL if unknown */
	const char *landline_lead;         /* first digits of local numbers in that area */
	int lhasa; /* 1 for Lhasa's Chengguan, which has its own road names */
};

struct registry_demo {
	uint64_t key;                    /* the seed, mixed */
	uint64_t round_key[DEMO_ROUNDS]; /* Feistel round keys */
	struct demo_county *counties;    /* owned */
	size_t ncounties;                /* count of counties */
	uint16_t *pick_urban;            /* county index by slot, weighted to towns; owned */
	uint16_t *pick_rural;            /* the same weighted to the countryside; owned */
	uint32_t pick_mask;              /* slots - 1 (slots are a power of two) */
	struct demo_word province;       /* 西藏自治区 */
	struct demo_word province_short; /* 西藏 */
	struct arena strings;            /* copies of the names */
};

/* A value being built. */
struct demo_text {
	char b[DEMO_TEXT_MAX]; /* bytes; not NUL-terminated */
	size_t n;              /* bytes used */
};

/* ---- randomness ---------------------------------------------------------------------- */

/* The splitmix64 finaliser: a bijective mix of 64 bits. */
static inline uint64_t demo_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static inline uint64_t demo_next(uint64_t *s)
{
	*s += DEMO_GOLDEN;
	return demo_mix(*s);
}

/* A number in [0, n), n > 0 (multiply-shift; the bias is far below what a demo can show). */
static inline uint32_t demo_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((demo_next(s) >> 32) * n) >> 32);
}

/* 1 with probability per_mille / 1000. */
static inline int demo_chance(uint64_t *s, uint32_t per_mille)
{
	return demo_below(s, 1000) < per_mille;
}

/* An index into weights[0..n) drawn in proportion to the weights (whose sum is > 0). */
static size_t demo_weighted(uint64_t *s, const uint16_t *weights, size_t n)
{
	uint32_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += weights[i];
	uint32_t x = demo_below(s, total);
	for (size_t i = 0; i < n; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

#define PICK(s, list) (&(list)[demo_below((s), (uint32_t)COUNT(list))])

/* ---- text building ------------------------------------------------------------------- */

static inline void demo_add(struct demo_text *t, const char *s, size_t n)
{
	assert(t->n + n <= sizeof t->b);
	memcpy(t->b + t->n, s, n);
	t->n += n;
}

static inline void demo_addw(struct demo_text *t, const struct demo_word *w)
{
	demo_add(t, w->s, w->n);
}

#define demo_addc(t, lit) demo_add((t), (lit), sizeof(lit) - 1)

/* Appends v in decimal, at least width digits (zero-padded). */
static void demo_add_uint(struct demo_text *t, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 || n < width);
	assert(t->n + (size_t)n <= sizeof t->b);
	while (n > 0)
		t->b[t->n++] = tmp[--n];
}

/* Appends n random digits, the first not zero when nonzero_first. */
static void demo_add_digits(struct demo_text *t, uint64_t *s, int n, int nonzero_first)
{
	assert(t->n + (size_t)n <= sizeof t->b);
	for (int i = 0; i < n; i++)
		t->b[t->n++] = (char)((i == 0 && nonzero_first) ? '1' + demo_below(s, 9)
		                                                : '0' + demo_below(s, 10));
}

static inline void demo_set(struct record *r, struct arena *a, int field, const struct demo_text *t)
{
	record_set(r, a, field, t->b, t->n);
}

static inline void demo_set_lit(struct record *r, struct arena *a, int field, const char *s)
{
	record_set(r, a, field, s, strlen(s));
}

/* ---- dates --------------------------------------------------------------------------- */

/* The date of a day number counted from 1970-01-01 (H. Hinnant's civil_from_days). */
static void demo_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Writes day as YYYY-MM-DD into out (no NUL); returns the year. */
static int demo_date(int64_t day, char out[10])
{
	int y, m, d;
	demo_civil_from_days(day, &y, &m, &d);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	return y;
}

/* ---- word lists ---------------------------------------------------------------------- */

/* Two-character trade names (字号). */
static const struct demo_word TRADE_NAMES[] = {
    W("雪域"), W("圣湖"), W("珠峰"), W("高原"), W("天路"), W("吉祥"), W("格桑"), W("藏源"),
    W("雅江"), W("念青"), W("冈仁"), W("纳木"), W("羊湖"), W("雪莲"), W("圣洁"), W("扎西"),
    W("德吉"), W("康桑"), W("宗山"), W("日光"), W("云端"), W("雪山"), W("雄鹰"), W("神山"),
    W("圣域"), W("阳光"), W("天域"), W("藏地"), W("喜马"), W("昆仑"), W("唐古"), W("羌塘"),
    W("雅砻"), W("工布"), W("尼洋"), W("圣地"), W("藏东"), W("藏北"), W("藏南"), W("金珠"),
    W("玛吉"), W("阿玛"), W("宇拓"), W("雪顿"), W("达美"), W("卓越"), W("同德"), W("兴藏"),
    W("德庆"), W("吉安"), W("福瑞"), W("泰和"), W("宏达"), W("华泰"), W("恒通"), W("鑫源"),
    W("金鼎"), W("瑞丰"), W("国祥"), W("中天"), W("天汇"), W("汇通"), W("盛源"), W("宏远"),
    W("祥和"), W("安居"), W("永安"), W("诺布"), W("岗坚"), W("琼穆"), W("朗玛"), W("美朵"),
    W("白玛"), W("雪源"), W("圣泉"), W("拉鲁"), W("八廓"), W("布达"), W("吉曲"), W("年楚"),
};

/* Characters combined in pairs into further trade names. */
static const struct demo_word TRADE_CHARS[] = {
    W("金"), W("瑞"), W("祥"), W("达"), W("康"), W("宏"), W("鑫"), W("源"), W("隆"), W("盛"),
    W("雪"), W("藏"), W("昊"), W("丰"), W("泰"), W("恒"), W("兴"), W("华"), W("荣"), W("安"),
    W("吉"), W("德"), W("嘉"), W("润"), W("通"), W("汇"), W("宇"), W("顺"), W("诚"), W("信"),
    W("和"), W("益"), W("博"), W("天"), W("鹏"), W("腾"), W("海"), W("峰"), W("宁"), W("佳"),
    W("美"), W("福"), W("正"), W("新"), W("永"), W("昌"), W("亿"), W("众"), W("卓"), W("致"),
};

/* Tibetan names as written in Chinese. A full name is usually two: any first, then one of
 * these or, for women mostly, one of TIBETAN_FEMALE. */
static const struct demo_word TIBETAN_NAMES[] = {
    W("扎西"), W("次仁"), W("格桑"), W("达瓦"), W("尼玛"), W("旺堆"), W("普布"), W("边巴"),
    W("拉巴"), W("索朗"), W("平措"), W("多吉"), W("顿珠"), W("罗布"), W("强巴"), W("洛桑"),
    W("贡嘎"), W("白玛"), W("次旦"), W("米玛"), W("巴桑"), W("旦增"), W("群培"), W("益西"),
    W("嘎玛"), W("琼达"), W("仁增"), W("桑珠"), W("加措"), W("丹增"), W("格列"), W("土登"),
    W("朗杰"), W("欧珠"), W("阿旺"), W("晋美"), W("赤列"), W("贡布"), W("坚参"), W("穷达"),
    W("德庆"), W("达娃"), W("次旺"), W("索南"),
};

static const struct demo_word TIBETAN_FEMALE[] = {
    W("卓玛"), W("央金"), W("拉姆"), W("曲珍"), W("德吉"), W("措姆"),
    W("次珍"), W("玉珍"), W("卓嘎"), W("央宗"), W("尼珍"), W("旺姆"),
    W("普赤"), W("仓决"), W("次央"), W("边珍"), W("拉珍"), W("索珍"),
};

static const struct demo_word HAN_SURNAMES[] = {
    W("王"), W("李"), W("张"), W("刘"), W("陈"), W("杨"), W("赵"), W("黄"), W("周"), W("吴"),
    W("徐"), W("孙"), W("胡"), W("朱"), W("高"), W("林"), W("何"), W("郭"), W("马"), W("罗"),
    W("梁"), W("宋"), W("郑"), W("谢"), W("韩"), W("唐"), W("冯"), W("于"), W("董"), W("萧"),
    W("程"), W("曹"), W("袁"), W("邓"), W("许"), W("傅"), W("沈"), W("曾"), W("彭"), W("吕"),
    W("苏"), W("卢"), W("蒋"), W("蔡"), W("贾"), W("丁"), W("魏"), W("薛"), W("叶"), W("阎"),
    W("余"), W("潘"), W("杜"), W("戴"), W("夏"), W("钟"), W("汪"), W("田"), W("任"), W("姜"),
    W("范"), W("方"), W("石"), W("姚"), W("谭"), W("廖"), W("邹"), W("熊"), W("金"), W("陆"),
    W("郝"), W("孔"), W("白"), W("崔"), W("康"), W("毛"), W("邱"), W("秦"), W("江"), W("史"),
    W("顾"), W("侯"), W("邵"), W("孟"), W("龙"), W("万"), W("段"), W("雷"), W("钱"), W("汤"),
    W("尹"), W("黎"), W("易"), W("常"), W("武"), W("乔"), W("贺"), W("赖"), W("龚"), W("文"),
};

static const struct demo_word HAN_GIVEN[] = {
    W("伟"), W("芳"), W("娜"), W("敏"), W("静"), W("丽"), W("强"), W("磊"), W("军"), W("洋"),
    W("勇"), W("艳"), W("杰"), W("涛"), W("明"), W("超"), W("秀"), W("霞"), W("平"), W("刚"),
    W("桂"), W("英"), W("华"), W("建"), W("国"), W("红"), W("玉"), W("兰"), W("文"), W("斌"),
    W("林"), W("辉"), W("鹏"), W("海"), W("波"), W("峰"), W("宇"), W("浩"), W("凯"), W("健"),
    W("俊"), W("帆"), W("晨"), W("瑞"), W("琳"), W("婷"), W("雪"), W("欣"), W("悦"), W("博"),
    W("志"), W("新"), W("春"), W("云"), W("龙"), W("成"), W("东"), W("亮"), W("飞"), W("梅"),
    W("慧"), W("晓"), W("佳"), W("媛"), W("萍"), W("荣"), W("德"), W("永"), W("振"), W("勤"),
};

/* Road names of Lhasa's central district. */
static const struct demo_word LHASA_ROADS[] = {
    W("北京中路"), W("北京东路"), W("北京西路"),   W("江苏路"),   W("金珠中路"), W("金珠西路"),
    W("林廓北路"), W("林廓东路"), W("宇拓路"),     W("朵森格路"), W("娘热路"),   W("纳金路"),
    W("夺底路"),   W("藏大东路"), W("色拉路"),     W("当热中路"), W("八廓街"),   W("德吉北路"),
    W("扎基路"),   W("仙足岛路"), W("罗布林卡路"), W("阳城路"),   W("林廓南路"), W("民族路"),
};

/* Road names found in many towns (several named after the provinces that aid Xizang). */
static const struct demo_word ROADS[] = {
    W("团结路"), W("幸福路"), W("人民路"), W("解放路"), W("建设路"),   W("文化路"), W("迎宾大道"),
    W("雪域路"), W("和平路"), W("友谊路"), W("胜利路"), W("民主路"),   W("滨河路"), W("康桑路"),
    W("吉祥路"), W("扎西路"), W("格桑路"), W("商贸街"), W("新区大道"), W("江北路"), W("江南路"),
    W("体育路"), W("中心街"), W("健康路"), W("上海路"), W("山东路"),   W("广东路"), W("福建路"),
    W("湖南路"), W("浙江路"), W("河北路"), W("北京路"), W("天津路"),   W("江苏路"), W("辽宁路"),
    W("重庆路"), W("吉林路"), W("安徽路"), W("湖北路"), W("黑龙江路"), W("德吉路"), W("318国道"),
};

/* Stems of township and village names. */
static const struct demo_word PLACE_STEMS[] = {
    W("德庆"), W("扎西"), W("曲桑"), W("岗堆"), W("达嘎"), W("帕古"), W("加林"), W("唐古"),
    W("卡如"), W("拉木"), W("日多"), W("嘎玛"), W("雪新"), W("塔玛"), W("邦堆"), W("吉龙"),
    W("江热"), W("热堆"), W("巴嘎"), W("曲果"), W("强钦"), W("加措"), W("孜塘"), W("多庆"),
    W("娘热"), W("白定"), W("通嘎"), W("玉堆"), W("查巴"), W("普松"), W("朗色"), W("热振"),
};

static const char *const MOBILE_PREFIXES[] = {
    "133", "135", "136", "138", "139", "150", "151", "152", "157", "158", "159", "180",
    "181", "182", "183", "187", "188", "189", "177", "178", "199", "198", "191", "173",
};

static const char *const MAIL_DOMAINS[] = {"163.com", "126.com",     "sina.com",
                                           "139.com", "foxmail.com", "yeah.net"};

/* What we know of the prefectures of Xizang: telephone area codes and the leading digits of
 * local numbers, the seat where it is not the lowest-coded county, and how busy the
 * prefecture is relative to others (percent). */
static const struct {
	int prefecture;   /* GB/T 2260 code */
	const char *area; /* area code */
	const char *lead; /* local numbers start so */
	int seat;         /* code of the seat, or 0 for the lowest-coded county */
	int percent;      /* weight of its counties, percent */
} XIZANG_PREFECTURES[] = {
    {540100, "0891", "6", 0, 100},      {540200, "0892", "88", 0, 130},
    {540300, "0895", "48", 0, 110},     {540400, "0894", "58", 0, 100},
    {540500, "0893", "78", 0, 100},     {540600, "0896", "38", 0, 80},
    {542500, "0897", "28", 542523, 40},
};

/* Product standards by kind of product; a firm adopts some lines of one set. */
enum demo_standards {
	STD_NONE,
	STD_SPIRITS,
	STD_DAIRY,
	STD_WATER,
	STD_FOOD,
	STD_MEAT,
	STD_BUILDING,
	STD_TEXTILE,
	STD_CONSTRUCTION,
	STD_CATERING,
	STD_FURNITURE,
	STD_BEVERAGE,
	STD_GRAIN,
	STD_BEER,
	STD_SOLAR,
	STD_FARM,
	STD_AGGREGATE,
	STD_COUNT
};

static const char *const STANDARD_SETS[STD_COUNT][7] = {
    [STD_NONE] = {NULL},
    [STD_SPIRITS] = {"GB 2757-2012", "GB 2760-2014", "GB 7718-2011", "GB 14881-2013", NULL},
    [STD_DAIRY] = {"GB 19301-2010", "GB 19302-2010", "GB 25190-2010", "GB 2760-2014",
                   "GB 7718-2011", NULL},
    [STD_WATER] = {"GB 8537-2018", "GB 19298-2014", "GB 7718-2011", NULL},
    [STD_FOOD] = {"GB 2760-2014", "GB 2761-2017", "GB 2762-2022", "GB 7718-2011", "GB 14881-2013",
                  "GB 28050-2011", NULL},
    [STD_MEAT] = {"GB 2707-2016", "GB 2726-2016", "GB 2760-2014", "GB 7718-2011", NULL},
    [STD_BUILDING] = {"GB 175-2023", "GB/T 14684-2022", "GB/T 14685-2022", "GB/T 14902-2012",
                      "GB/T 25181-2019", NULL},
    [STD_TEXTILE] = {"GB 18401-2010", "GB/T 5296.4-2012", NULL},
    [STD_CONSTRUCTION] = {"GB 50300-2013", "GB 50204-2015", "GB 50202-2018", NULL},
    [STD_CATERING] = {"GB 31654-2021", "GB 2760-2014", NULL},
    [STD_FURNITURE] = {"GB 18584-2001", NULL},
    [STD_BEVERAGE] = {"GB 7101-2022", "GB 2760-2014", "GB 7718-2011", NULL},
    [STD_GRAIN] = {"GB 2715-2016", "GB 2761-2017", "GB 2762-2022", "GB 14881-2013", NULL},
    [STD_BEER] = {"GB 2758-2012", "GB/T 4927-2008", "GB 2760-2014", NULL},
    [STD_SOLAR] = {"GB/T 19964-2012", NULL},
    [STD_FARM] = {"GB 2763-2021", "GB 2762-2022", NULL},
    [STD_AGGREGATE] = {"GB/T 14684-2022", "GB/T 14685-2022", NULL},
};

/* What a company makes or does, as said in its name. */
struct demo_product {
	struct demo_word word;    /* 青稞酒业 */
	struct demo_word factory; /* the same before 厂 (青稞酒), or empty */
	uint8_t standards;        /* enum demo_standards */
	uint8_t food;             /* 1 where GB/T 22000 food safety management may be followed */
};

/* clang-format off */
#define P(w, std)           {W(w), {"", 0}, std, 0} /* a product without works or food */
#define PF(w, f, std, food) {W(w), W(f), std, food}
/* clang-format on */

static const struct demo_product PRODUCTS_A[] = {
    P("牦牛养殖", STD_FARM),   P("农牧", STD_NONE),     P("农牧业开发", STD_NONE),
    P("畜牧业", STD_FARM),     P("青稞种植", STD_FARM), P("生态农业", STD_FARM),
    P("藏香猪养殖", STD_NONE), P("林业", STD_NONE),     P("种养殖", STD_NONE),
    P("蔬菜种植", STD_FARM),   P("藏鸡养殖", STD_NONE), P("农业科技", STD_NONE),
};
static const struct demo_product PRODUCTS_B[] = {
    P("矿业", STD_NONE), P("矿业开发", STD_NONE), P("砂石", STD_AGGREGATE),
    P("石材", STD_NONE), P("锂业", STD_NONE),
};
static const struct demo_product PRODUCTS_C[] = {
    PF("青稞酒业", "青稞酒", STD_SPIRITS, 1),
    PF("藏药制药", "藏药", STD_NONE, 0),
    PF("乳业", "奶制品", STD_DAIRY, 1),
    PF("建材", "建材", STD_BUILDING, 0),
    PF("矿泉水", "矿泉水", STD_WATER, 1),
    PF("食品", "食品", STD_FOOD, 1),
    P("民族手工艺品", STD_NONE),
    PF("藏毯", "藏毯", STD_TEXTILE, 0),
    PF("藏香", "藏香", STD_NONE, 0),
    PF("水泥", "水泥", STD_BUILDING, 0),
    PF("饮用水", "纯净水", STD_WATER, 1),
    PF("牦牛肉制品", "肉食品", STD_MEAT, 1),
    PF("印刷", "印刷", STD_NONE, 0),
    PF("家具", "家具", STD_FURNITURE, 0),
    PF("服饰", "制衣", STD_TEXTILE, 0),
    P("唐卡艺术品", STD_NONE),
    PF("青稞食品", "糌粑", STD_GRAIN, 1),
    PF("啤酒", "啤酒", STD_BEER, 1),
    PF("茶业", "茶叶", STD_BEVERAGE, 1),
    PF("饮品", "饮料", STD_BEVERAGE, 1),
    PF("包装制品", "包装", STD_NONE, 0),
    PF("藏式家具", "藏式家具", STD_FURNITURE, 0),
    PF("商品混凝土", "混凝土", STD_BUILDING, 0),
    P("金银饰品", STD_NONE),
    PF("面粉加工", "面粉", STD_GRAIN, 1),
    PF("预制构件", "预制构件", STD_BUILDING, 0),
};
static const struct demo_product PRODUCTS_D[] = {
    P("水电开发", STD_NONE), P("电力", STD_NONE), P("新能源", STD_SOLAR), P("光伏发电", STD_SOLAR),
    P("燃气", STD_NONE),     P("供水", STD_NONE), P("热力", STD_NONE),    P("地热开发", STD_NONE),
};
static const struct demo_product PRODUCTS_E[] = {
    P("建筑工程", STD_CONSTRUCTION), P("建设工程", STD_CONSTRUCTION),
    P("路桥工程", STD_NONE),         P("建筑安装工程", STD_CONSTRUCTION),
    P("装饰工程", STD_NONE),         P("水利水电工程", STD_NONE),
    P("市政工程", STD_NONE),         P("建筑劳务", STD_NONE),
};
static const struct demo_product PRODUCTS_F[] = {
    P("商贸", STD_NONE),         P("贸易", STD_NONE),     P("药材贸易", STD_NONE),
    P("农畜产品贸易", STD_NONE), P("汽车销售", STD_NONE), P("百货", STD_NONE),
    P("超市", STD_NONE),         P("建材销售", STD_NONE), P("医药", STD_NONE),
    P("石油产品销售", STD_NONE), P("茶叶销售", STD_NONE), P("电器", STD_NONE),
    P("工贸", STD_NONE),         P("土特产品", STD_NONE),
};
static const struct demo_product PRODUCTS_G[] = {
    P("运输", STD_NONE), P("物流", STD_NONE), P("客运", STD_NONE),     P("汽车运输", STD_NONE),
    P("快递", STD_NONE), P("仓储", STD_NONE), P("旅游客运", STD_NONE),
};
static const struct demo_product PRODUCTS_H[] = {
    {W("酒店"), {"", 0}, STD_CATERING, 1},     {W("餐饮"), {"", 0}, STD_CATERING, 1},
    {W("宾馆"), {"", 0}, STD_CATERING, 1},     {W("酒店管理"), {"", 0}, STD_CATERING, 1},
    {W("饮食文化"), {"", 0}, STD_CATERING, 1}, {W("藏餐"), {"", 0}, STD_CATERING, 1},
};
static const struct demo_product PRODUCTS_I[] = {
    P("信息技术", STD_NONE), P("网络科技", STD_NONE), P("通信工程", STD_NONE),
    P("软件", STD_NONE),     P("数据服务", STD_NONE),
};
static const struct demo_product PRODUCTS_J[] = {
    P("投资", STD_NONE),
    P("小额贷款", STD_NONE),
    P("融资担保", STD_NONE),
    P("投资管理", STD_NONE),
};
static const struct demo_product PRODUCTS_K[] = {
    P("房地产开发", STD_NONE),
    P("置业", STD_NONE),
    P("物业管理", STD_NONE),
    P("物业服务", STD_NONE),
};
static const struct demo_product PRODUCTS_L[] = {
    P("商务服务", STD_NONE),     P("文化旅游发展", STD_NONE), P("旅行社", STD_NONE),
    P("广告", STD_NONE),         P("人力资源服务", STD_NONE), P("劳务", STD_NONE),
    P("企业管理咨询", STD_NONE), P("设备租赁", STD_NONE),     P("会展服务", STD_NONE),
};
static const struct demo_product PRODUCTS_M[] = {
    P("科技", STD_NONE), P("勘察设计", STD_NONE), P("检测", STD_NONE),     P("工程咨询", STD_NONE),
    P("测绘", STD_NONE), P("环境科技", STD_NONE), P("生物科技", STD_NONE), P("工程检测", STD_NONE),
};
static const struct demo_product PRODUCTS_N[] = {
    P("环保", STD_NONE), P("园林绿化", STD_NONE), P("生态环境", STD_NONE),
    P("水务", STD_NONE), P("环卫服务", STD_NONE), P("景区管理", STD_NONE),
};
static const struct demo_product PRODUCTS_O[] = {
    P("家政服务", STD_NONE),
    P("汽车维修", STD_NONE),
    P("洗涤服务", STD_NONE),
    P("摄影", STD_NONE),
};
static const struct demo_product PRODUCTS_P[] = {
    P("职业培训", STD_NONE),
    P("教育科技", STD_NONE),
    P("驾驶培训", STD_NONE),
    P("职业技能培训", STD_NONE),
};
static const struct demo_product PRODUCTS_Q[] = {
    P("藏医医院", STD_NONE),
    P("医疗", STD_NONE),
    P("健康管理", STD_NONE),
    P("养老服务", STD_NONE),
};
static const struct demo_product PRODUCTS_R[] = {
    P("文化传媒", STD_NONE), P("文化艺术", STD_NONE), P("影视", STD_NONE),
    P("体育", STD_NONE),     P("文化发展", STD_NONE),
};

/* What an individual business (个体工商户) calls itself. */
static const struct demo_word SHOPS_C[] = {
    W("藏装加工坊"), W("糌粑加工坊"), W("木器加工部"),
    W("银器加工店"), W("藏香加工坊"), W("酸奶坊"),
};
static const struct demo_word SHOPS_F[] = {
    W("商店"),   W("便利店"), W("百货店"), W("超市"),   W("五金店"), W("服装店"), W("建材店"),
    W("茶叶店"), W("藏装店"), W("日杂店"), W("副食店"), W("批发部"), W("手机店"), W("烟酒店"),
};
static const struct demo_word SHOPS_H[] = {
    W("甜茶馆"),   W("餐馆"), W("藏餐馆"), W("川菜馆"), W("面馆"),
    W("家庭旅馆"), W("客栈"), W("饭店"),   W("火锅店"), W("茶馆"),
};
static const struct demo_word SHOPS_O[] = {
    W("汽车修理部"), W("理发店"),       W("洗衣店"), W("维修部"),
    W("照相馆"),     W("摩托车修理部"), W("美发店"),
};
static const struct demo_word SHOPS_A[] = {W("养殖场"), W("种植园"), W("牧场")};
static const struct demo_word SHOPS_G[] = {W("货运部"), W("运输部")};

/* A GB/T 4754-2017 section and how it shows in names. */
struct demo_industry {
	char letter[2];                      /* the section letter as a string */
	uint16_t weight;                     /* companies per thousand */
	uint16_t weight_individual;          /* individual businesses per thousand */
	int productive;                      /* makes or builds things */
	const struct demo_product *products; /* company name words, or NULL */
	size_t nproducts;                    /* their count */
	const struct demo_word *shops;       /* individual business name words, or NULL */
	size_t nshops;                       /* their count */
};

#define LIST(a) a, COUNT(a)

static const struct demo_industry INDUSTRIES[] = {
    {"A", 80, 30, 1, LIST(PRODUCTS_A), LIST(SHOPS_A)},
    {"B", 25, 0, 1, LIST(PRODUCTS_B), NULL, 0},
    {"C", 170, 50, 1, LIST(PRODUCTS_C), LIST(SHOPS_C)},
    {"D", 25, 0, 1, LIST(PRODUCTS_D), NULL, 0},
    {"E", 140, 0, 1, LIST(PRODUCTS_E), NULL, 0},
    {"F", 220, 550, 0, LIST(PRODUCTS_F), LIST(SHOPS_F)},
    {"G", 55, 20, 0, LIST(PRODUCTS_G), LIST(SHOPS_G)},
    {"H", 90, 250, 0, LIST(PRODUCTS_H), LIST(SHOPS_H)},
    {"I", 25, 0, 0, LIST(PRODUCTS_I), NULL, 0},
    {"J", 8, 0, 0, LIST(PRODUCTS_J), NULL, 0},
    {"K", 30, 0, 0, LIST(PRODUCTS_K), NULL, 0},
    {"L", 45, 0, 0, LIST(PRODUCTS_L), NULL, 0},
    {"M", 30, 0, 0, LIST(PRODUCTS_M), NULL, 0},
    {"N", 15, 0, 0, LIST(PRODUCTS_N), NULL, 0},
    {"O", 15, 100, 0, LIST(PRODUCTS_O), LIST(SHOPS_O)},
    {"P", 10, 0, 0, LIST(PRODUCTS_P), NULL, 0},
    {"Q", 7, 0, 0, LIST(PRODUCTS_Q), NULL, 0},
    {"R", 10, 0, 0, LIST(PRODUCTS_R), NULL, 0},
    /* public administration and international organisations are not registered firms */
    {"S", 0, 0, 0, NULL, 0, NULL, 0},
    {"T", 0, 0, 0, NULL, 0, NULL, 0},
};

/* What a farmers' cooperative does. */
struct demo_coop {
	struct demo_word word; /* 牦牛养殖 */
	int industry;          /* index in INDUSTRIES */
	uint8_t standards;     /* enum demo_standards */
};

static const struct demo_coop COOPS[] = {
    {W("牦牛养殖"), 0, STD_FARM},    {W("青稞种植"), 0, STD_FARM},
    {W("藏鸡养殖"), 0, STD_NONE},    {W("藏香猪养殖"), 0, STD_NONE},
    {W("蔬菜种植"), 0, STD_FARM},    {W("绵羊养殖"), 0, STD_NONE},
    {W("农机"), 0, STD_NONE},        {W("种养殖"), 0, STD_NONE},
    {W("饲草种植"), 0, STD_NONE},    {W("奶牛养殖"), 0, STD_FARM},
    {W("马铃薯种植"), 0, STD_FARM},  {W("林下资源"), 0, STD_NONE},
    {W("民族手工艺"), 2, STD_NONE},  {W("奶制品加工"), 2, STD_DAIRY},
    {W("藏毯编织"), 2, STD_TEXTILE}, {W("藏香加工"), 2, STD_NONE},
    {W("糌粑加工"), 2, STD_GRAIN},
};

/* Certification bodies and the digits that start their certificate numbers. */
static const struct {
	const char *name; /* registered name */
	const char *code; /* first digits of its certificate numbers */
	uint16_t weight;  /* share of certificates */
} CERT_BODIES[] = {
    {"中国质量认证中心", "001", 30},          {"方圆标志认证集团有限公司", "002", 20},
    {"北京世标认证中心有限公司", "005", 15},  {"华夏认证中心有限公司", "011", 8},
    {"中国船级社质量认证有限公司", "014", 6}, {"中联认证中心（北京）有限公司", "017", 8},
    {"北京中大华远认证中心", "022", 7},       {"兴原认证中心有限公司", "031", 6},
};

/* ---- the population ------------------------------------------------------------------ */

static struct demo_word demo_copy(struct registry_demo *d, const char *s)
{
	struct demo_word w = {"", 0};
	if (s != NULL) {
		w.n = strlen(s);
		w.s = arena_strndup(&d->strings, s, w.n);
	}
	return w;
}

static size_t demo_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static int demo_ends_with(struct demo_word w, const char *suffix)
{
	size_t n = strlen(suffix);
	return w.n >= n && memcmp(w.s + w.n - n, suffix, n) == 0;
}

/* w without the first of suffixes it ends with, unless fewer than two characters remain. */
static struct demo_word demo_strip(struct demo_word w, const char *const *suffixes)
{
	for (size_t i = 0; suffixes[i]; i++) {
		size_t n = strlen(suffixes[i]);
		if (demo_ends_with(w, suffixes[i])) {
			struct demo_word s = {w.s, w.n - n};
			return demo_chars(s.s, s.n) >= 2 ? s : w;
		}
	}
	return w;
}

/* Lower-case ASCII letters of a romanised name up to its first other character. */
static struct demo_word demo_roman(struct registry_demo *d, const char *en)
{
	char tmp[32];
	size_t n = 0;
	for (; en != NULL && en[n] && n < sizeof tmp - 1; n++) {
		char c = en[n];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z')
			break;
		tmp[n] = c;
	}
	tmp[n] = '\0';
	return demo_copy(d, n ? tmp : "xz");
}

static const struct region *demo_find(const struct region *regions, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (regions[i].code == code)
			return &regions[i];
	return NULL;
}

/* Fills a pick table of d->pick_mask + 1 slots from weights (one per county). */
static void demo_fill_pick(struct registry_demo *d, uint16_t *slots, const uint32_t *weights)
{
	uint64_t total = 0;
	for (size_t i = 0; i < d->ncounties; i++)
		total += weights[i];
	uint64_t nslots = (uint64_t)d->pick_mask + 1, cum = weights[0];
	size_t c = 0;
	for (uint64_t j = 0; j < nslots; j++) {
		/* the county whose share of [0, total) holds the middle of slot j */
		uint64_t target = ((2 * j + 1) * total) / (2 * nslots);
		while (cum <= target && c + 1 < d->ncounties)
			cum += weights[++c];
		slots[j] = (uint16_t)c;
	}
}

struct registry_demo *registry_demo_new(uint64_t seed, const struct region *regions,
                                        size_t nregions)
{
	static const char *const COUNTY_SUFFIXES[] = {"自治县", "县", "区", "市", "旗", NULL};
	static const char *const PREFECTURE_SUFFIXES[] = {"地区", "自治州", "市", "盟", NULL};
	static const char *const PROVINCE_SUFFIXES[] = {"自治区", "省", "市", NULL};

	size_t ncounties = 0;
	for (size_t i = 0; i < nregions; i++)
		ncounties += regions[i].level == REGION_COUNTY;
	if (ncounties == 0 || ncounties > UINT16_MAX)
		return NULL;

	struct registry_demo *d = xcalloc(1, sizeof *d);
	d->key = demo_mix(seed ^ 0x4A494E5A48494445ULL);
	for (int i = 0; i < DEMO_ROUNDS; i++)
		d->round_key[i] = demo_mix(d->key + DEMO_GOLDEN * (uint64_t)(i + 1));
	d->counties = xcalloc(ncounties, sizeof *d->counties);

	/* The capital is the lowest-coded prefecture; a prefecture's seat its lowest-coded county
	 * unless XIZANG_PREFECTURES says otherwise. */
	int capital_prefecture = 0;
	const struct region *province = NULL;
	for (size_t i = 0; i < nregions; i++) {
		if (regions[i].level == REGION_PREFECTURE &&
		    (capital_prefecture == 0 || regions[i].code < capital_prefecture))
			capital_prefecture = regions[i].code;
		if (regions[i].level == REGION_PROVINCE && province == NULL)
			province = &regions[i];
	}
	d->province = demo_copy(d, province ? province->name_zh : NULL);
	d->province_short = demo_strip(d->province, PROVINCE_SUFFIXES);

	uint32_t *urban = xcalloc(ncounties, sizeof *urban);
	uint32_t *rural = xcalloc(ncounties, sizeof *rural);
	for (size_t i = 0; i < nregions; i++) {
		const struct region *g = &regions[i];
		if (g->level != REGION_COUNTY)
			continue;
		struct demo_county *c = &d->counties[d->ncounties];
		const struct region *pref = demo_find(regions, nregions, g->parent);
		if (pref != NULL && pref->level != REGION_PREFECTURE)
			pref = NULL;
		int seat_code = 0, percent = 100;
		for (size_t j = 0; j < COUNT(XIZANG_PREFECTURES); j++)
			if (pref && XIZANG_PREFECTURES[j].prefecture == pref->code) {
				c->area_code = XIZANG_PREFECTURES[j].area;
				c->landline_lead = XIZANG_PREFECTURES[j].lead;
				seat_code = XIZANG_PREFECTURES[j].seat;
				percent = XIZANG_PREFECTURES[j].percent;
			}
		int seat = 1;
		if (seat_code)
			seat = g->code == seat_code;
		else
			for (size_t j = 0; j < nregions; j++)
				if (regions[j].level == REGION_COUNTY &&
				    regions[j].parent == g->parent && regions[j].code < g->code)
					seat = 0;

		snprintf(c->code, sizeof c->code, "%06d", g->code);
		c->name = demo_copy(d, g->name_zh);
		c->short_name = demo_strip(c->name, COUNTY_SUFFIXES);
		c->prefecture = demo_copy(d, pref ? pref->name_zh : NULL);
		c->prefecture_short =
		    pref ? demo_strip(c->prefecture, PREFECTURE_SUFFIXES) : c->short_name;
		c->roman = demo_roman(d, pref ? pref->name_en : g->name_en);
		c->lhasa = g->code == 540102;
		int capital = seat && pref && pref->code == capital_prefecture;

		int town = demo_ends_with(c->name, "区") || demo_ends_with(c->name, "市");
		uint32_t w = town ? 30 : 10;
		if (seat)
			w = 120;
		if (pref && pref->code == capital_prefecture)
			w *= 2;
		w = w * (uint32_t)percent / 100;
		if (capital)
			w = 600;
		urban[d->ncounties] = w;
		rural[d->ncounties] = (town ? 6u : 10u) * (uint32_t)percent / 100 + 1;
		d->ncounties++;
	}

	size_t nslots = DEMO_PICK_MIN;
	while (nslots < 16 * d->ncounties)
		nslots *= 2;
	d->pick_mask = (uint32_t)(nslots - 1);
	d->pick_urban = xcalloc(nslots, sizeof *d->pick_urban);
	d->pick_rural = xcalloc(nslots, sizeof *d->pick_rural);
	demo_fill_pick(d, d->pick_urban, urban);
	demo_fill_pick(d, d->pick_rural, rural);
	free(urban);
	free(rural);
	return d;
}

void registry_demo_free(struct registry_demo *d)
{
	if (d == NULL)
		return;
	arena_free(&d->strings);
	free(d->counties);
	free(d->pick_urban);
	free(d->pick_rural);
	free(d);
}

/* ---- one enterprise ------------------------------------------------------------------ */

static const char USCC_SYMBOLS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* A keyed permutation of [0, 31^8): a Feistel network over two halves of [0, 31^4). */
static uint64_t demo_permute(const struct registry_demo *d, uint64_t x)
{
	uint32_t l = (uint32_t)(x / DEMO_HALF), r = (uint32_t)(x % DEMO_HALF);
	for (int i = 0; i < DEMO_ROUNDS; i++) {
		uint32_t f = (uint32_t)(((demo_mix(r ^ d->round_key[i]) >> 32) * DEMO_HALF) >> 32);
		uint32_t t = l + f;
		if (t >= DEMO_HALF)
			t -= DEMO_HALF;
		l = r;
		r = t;
	}
	return (uint64_t)l * DEMO_HALF + r;
}

/*
 * The 18-character code of enterprise index of kind ('1', '2' or '3') in county: the
 * organisation body is the permuted index, so distinct indexes give distinct codes.
 */
static void demo_credit_code(const struct registry_demo *d, uint64_t *s, uint64_t index, char kind,
                             const char *county, char out[USCC_LEN])
{
	static const char ORG_CHECKS[] = "0123456789X";
	uint64_t v = demo_permute(d, index % REGISTRY_DEMO_UNIQUE_MAX);
	/* 3^(i-1) mod 31 for positions 1-17 (GB 32100). The sum is kept here, from the values
	 * in hand, because a lookup per character in uscc_check_char was a sixth of the time. */
	static const int WEIGHTS[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
	                                29, 25, 13, 8,  24, 10, 30, 28};
	out[0] = '9';
	out[1] = kind;
	memcpy(out + 2, county, 6);
	int sum = 9 * WEIGHTS[0] + (kind - '0') * WEIGHTS[1];
	for (int i = 2; i < 8; i++)
		sum += (out[i] - '0') * WEIGHTS[i];
	for (int i = 7; i >= 0; i--) {
		int x = (int)(v % 31);
		out[8 + i] = USCC_SYMBOLS[x];
		sum += x * WEIGHTS[8 + i];
		v /= 31;
	}
	char check = uscc_org_check_char(out + 8);
	if (demo_chance(s, 10)) {
		/* some codes in circulation fail the inner check */
		const char *p = strchr(ORG_CHECKS, check);
		size_t at = (size_t)(p - ORG_CHECKS);
		check = ORG_CHECKS[(at + 1 + demo_below(s, 10)) % 11];
	}
	out[16] = check;
	sum += (check == 'X' ? 29 : check - '0') * WEIGHTS[16]; /* X is symbol 29 */
	int c18 = 31 - sum % 31;
	out[17] = USCC_SYMBOLS[c18 == 31 ? 0 : c18];
	assert(out[17] == uscc_check_char(out));
}

/* A trade name (字号): two characters. */
static void demo_add_trade(struct demo_text *t, uint64_t *s)
{
	if (demo_chance(s, 450)) {
		demo_addw(t, PICK(s, TRADE_NAMES));
		return;
	}
	uint32_t a = demo_below(s, COUNT(TRADE_CHARS));
	uint32_t b = demo_below(s, COUNT(TRADE_CHARS) - 1);
	demo_addw(t, &TRADE_CHARS[a]);
	demo_addw(t, &TRADE_CHARS[b >= a ? b + 1 : b]);
}

/* A person's name, Tibetan with the given chance (else Han); *first receives its first part
 * (a Tibetan name or a Han surname) and *tibetan which it is. */
static void demo_add_person(struct demo_text *t, uint64_t *s, uint32_t tibetan_per_mille,
                            struct demo_word *first, int *tibetan)
{
	*tibetan = demo_chance(s, tibetan_per_mille);
	if (*tibetan) {
		uint32_t a = demo_below(s, COUNT(TIBETAN_NAMES));
		*first = TIBETAN_NAMES[a];
		if (demo_chance(s, 60)) {
			*first = *PICK(s, TIBETAN_FEMALE); /* a woman's name alone */
			demo_addw(t, first);
			return;
		}
		demo_addw(t, first);
		if (demo_chance(s, 400)) {
			demo_addw(t, PICK(s, TIBETAN_FEMALE));
		} else if (demo_chance(s, 930)) {
			uint32_t b = demo_below(s, COUNT(TIBETAN_NAMES) - 1);
			demo_addw(t, &TIBETAN_NAMES[b >= a ? b + 1 : b]);
		}
		return;
	}
	*first = *PICK(s, HAN_SURNAMES);
	demo_addw(t, first);
	demo_addw(t, PICK(s, HAN_GIVEN));
	if (demo_chance(s, 600))
		demo_addw(t, PICK(s, HAN_GIVEN));
}

/* A rural address part: township and village. */
static void demo_add_village(struct demo_text *t, uint64_t *s)
{
	uint32_t a = demo_below(s, COUNT(PLACE_STEMS));
	uint32_t b = demo_below(s, COUNT(PLACE_STEMS) - 1);
	demo_addw(t, &PLACE_STEMS[a]);
	if (demo_chance(s, 300))
		demo_addc(t, "镇");
	else
		demo_addc(t, "乡");
	demo_addw(t, &PLACE_STEMS[b >= a ? b + 1 : b]);
	demo_addc(t, "村");
	if (demo_chance(s, 400)) {
		demo_add_uint(t, 1 + demo_below(s, 8), 1);
		demo_addc(t, "组");
	}
}

enum demo_kind { KIND_COMPANY, KIND_INDIVIDUAL, KIND_COOP };
enum demo_size { SIZE_MICRO, SIZE_SMALL, SIZE_MEDIUM, SIZE_LARGE };

static const char *const SIZE_NAMES[] = {"micro", "small", "medium", "large"};
static const char *const CAPABILITY_NAMES[] = {"none", "partial", "full"};

/* The first day established_on may take, and the last. */
#define DEMO_FIRST_DAY 5479  /* 1985-01-01 */
#define DEMO_LAST_DAY  20757 /* 2026-10-31 */

/* A capability (0 none, 1 partial, 2 full) for a firm at level 0-4 (size, plus one when it
 * makes or builds things). */
static int demo_capability(uint64_t *s, int level, int shift)
{
	static const uint16_t LEVELS[5][3] = {
	    {850, 130, 20}, {600, 320, 80}, {350, 450, 200}, {150, 500, 350}, {50, 450, 500},
	};
	level -= shift;
	if (level < 0)
		level = 0;
	return (int)demo_weighted(s, LEVELS[level], 3);
}

void registry_demo_enterprise(struct registry_demo *d, struct record *r, struct arena *a,
                              uint64_t index)
{
	static const uint16_t KIND_WEIGHTS[] = {700, 220, 80};
	static const uint16_t SIZE_WEIGHTS[] = {700, 220, 65, 15};
	uint64_t s = demo_mix(d->key ^ demo_mix(index + DEMO_GOLDEN));
	struct demo_text t;

	enum demo_kind kind = (enum demo_kind)demo_weighted(&s, KIND_WEIGHTS, 3);
	const uint16_t *pick = kind == KIND_COOP ? d->pick_rural : d->pick_urban;
	const struct demo_county *c = &d->counties[pick[demo_next(&s) & d->pick_mask]];

	/* industry, and what the firm does within it */
	int industry;
	const struct demo_product *product = NULL;
	const struct demo_coop *coop = NULL;
	const struct demo_word *shop = NULL;
	if (kind == KIND_COOP) {
		coop = PICK(&s, COOPS);
		industry = coop->industry;
	} else {
		uint16_t w[COUNT(INDUSTRIES)];
		for (size_t i = 0; i < COUNT(INDUSTRIES); i++)
			w[i] = kind == KIND_COMPANY ? INDUSTRIES[i].weight
			                            : INDUSTRIES[i].weight_individual;
		industry = (int)demo_weighted(&s, w, COUNT(INDUSTRIES));
		const struct demo_industry *section = &INDUSTRIES[industry];
		if (kind == KIND_COMPANY)
			product = &section->products[demo_below(&s, (uint32_t)section->nproducts)];
		else
			shop = &section->shops[demo_below(&s, (uint32_t)section->nshops)];
	}
	const struct demo_industry *ind = &INDUSTRIES[industry];

	enum demo_size size = SIZE_MICRO;
	if (kind == KIND_COMPANY)
		size = (enum demo_size)demo_weighted(&s, SIZE_WEIGHTS, 4);
	else if (kind == KIND_COOP && demo_chance(&s, 150))
		size = SIZE_SMALL;

	/* established: mostly recent (the maximum of three uniform days), some uniform */
	int64_t span = DEMO_LAST_DAY - DEMO_FIRST_DAY + 1;
	int64_t est = demo_below(&s, (uint32_t)span);
	if (demo_chance(&s, 800)) {
		for (int i = 0; i < 2; i++) {
			int64_t other = demo_below(&s, (uint32_t)span);
			if (other > est)
				est = other;
		}
	}
	est += DEMO_FIRST_DAY;
	char est_text[10];
	int est_year = demo_date(est, est_text);

	/* credit code */
	char code[USCC_LEN];
	demo_credit_code(d, &s, index, (char)('1' + kind), c->code, code);
	record_set(r, a, ENT_CREDIT_CODE, code, USCC_LEN);

	/* legal representative */
	static const uint16_t TIBETAN_BY_KIND[] = {600, 720, 950};
	struct demo_word first;
	int tibetan;
	t.n = 0;
	demo_add_person(&t, &s, TIBETAN_BY_KIND[kind], &first, &tibetan);
	demo_set(r, a, ENT_LEGAL_REPRESENTATIVE, &t);

	/* name */
	t.n = 0;
	if (kind == KIND_COMPANY) {
		struct demo_word place;
		uint32_t u = demo_below(&s, 100);
		if (u < 20 && d->province_short.n)
			place = d->province_short;
		else if (u < 65)
			place = c->prefecture_short;
		else
			place = c->short_name;
		if (demo_chance(&s, 100)) {
			demo_add_trade(&t, &s);
			demo_addc(&t, "（");
			demo_addw(&t, &place);
			demo_addc(&t, "）");
		} else {
			demo_addw(&t, &place);
			demo_add_trade(&t, &s);
		}
		uint32_t form = demo_below(&s, 100);
		if (product->factory.n && form < 20) {
			demo_addw(&t, &product->factory);
			demo_addc(&t, "厂");
		} else {
			demo_addw(&t, &product->word);
			if (size == SIZE_LARGE && form < 50)
				demo_addc(&t, "集团有限公司");
			else if (size >= SIZE_MEDIUM && form < 80)
				demo_addc(&t, "股份有限公司");
			else if (form < 75)
				demo_addc(&t, "有限公司");
			else
				demo_addc(&t, "有限责任公司");
		}
	} else if (kind == KIND_INDIVIDUAL) {
		demo_addw(&t, &c->name);
		if (demo_chance(&s, 400)) {
			demo_addw(&t, &first);
			if (!tibetan)
				demo_addc(&t, "记");
		} else {
			demo_add_trade(&t, &s);
		}
		demo_addw(&t, shop);
	} else {
		demo_addw(&t, demo_chance(&s, 600) ? &c->name : &c->short_name);
		if (demo_chance(&s, 700))
			demo_add_trade(&t, &s);
		else
			demo_addw(&t, PICK(&s, PLACE_STEMS));
		demo_addw(&t, &coop->word);
		if (demo_chance(&s, 400))
			demo_addc(&t, "农牧民专业合作社");
		else
			demo_addc(&t, "专业合作社");
	}
	demo_set(r, a, ENT_NAME, &t);

	/* address */
	t.n = 0;
	demo_addw(&t, &d->province);
	demo_addw(&t, &c->prefecture);
	demo_addw(&t, &c->name);
	if (kind == KIND_COOP || (ind->letter[0] == 'A' && demo_chance(&s, 600))) {
		demo_add_village(&t, &s);
	} else {
		if (ind->productive && ind->letter[0] != 'E' && demo_chance(&s, 250)) {
			demo_addw(&t, &c->short_name);
			demo_addc(&t, "工业园区");
		}
		demo_addw(&t, c->lhasa && demo_chance(&s, 850) ? PICK(&s, LHASA_ROADS)
		                                               : PICK(&s, ROADS));
		uint32_t n =
		    demo_chance(&s, 600) ? 1 + demo_below(&s, 60) : 1 + demo_below(&s, 400);
		demo_add_uint(&t, n, 1);
		demo_addc(&t, "号");
		uint32_t extra = demo_below(&s, 100);
		if (extra < 12) {
			demo_addc(&t, "院");
			demo_add_uint(&t, 1 + demo_below(&s, 12), 1);
			demo_addc(&t, "栋");
		} else if (extra < 20) {
			demo_add_uint(&t, 1 + demo_below(&s, 6), 1);
			demo_addc(&t, "楼");
		}
	}
	demo_set(r, a, ENT_ADDRESS, &t);

	record_set(r, a, ENT_REGION_CODE, c->code, 6);
	record_set(r, a, ENT_INDUSTRY, ind->letter, 1);
	demo_set_lit(r, a, ENT_SIZE, SIZE_NAMES[size]);

	/* status: older firms are more often gone */
	static const uint16_t STATUS_NEW[] = {920, 25, 20, 35};
	static const uint16_t STATUS_OLD[] = {830, 25, 60, 85};
	static const char *const STATUS_NAMES[] = {"active", "suspended", "revoked",
	                                           "deregistered"};
	demo_set_lit(r, a, ENT_STATUS,
	             STATUS_NAMES[demo_weighted(&s, est_year < 2010 ? STATUS_OLD : STATUS_NEW, 4)]);

	record_set(r, a, ENT_ESTABLISHED_ON, est_text, sizeof est_text);

	/* contact */
	if (demo_chance(&s, kind == KIND_COMPANY ? 850 : 600)) {
		t.n = 0;
		if (demo_chance(&s, 350)) {
			struct demo_word ignored;
			int ignored_tibetan;
			demo_add_person(&t, &s, TIBETAN_BY_KIND[kind], &ignored, &ignored_tibetan);
			demo_set(r, a, ENT_CONTACT_NAME, &t);
		} else {
			record_set(r, a, ENT_CONTACT_NAME, r->v[ENT_LEGAL_REPRESENTATIVE],
			           strlen(r->v[ENT_LEGAL_REPRESENTATIVE]));
		}
	}
	if (demo_chance(&s, 900)) {
		t.n = 0;
		int landline = c->area_code && demo_chance(&s, kind == KIND_COMPANY ? 350 : 100);
		if (landline) {
			demo_add(&t, c->area_code, 4);
			demo_addc(&t, "-");
			size_t lead = strlen(c->landline_lead);
			demo_add(&t, c->landline_lead, lead);
			demo_add_digits(&t, &s, 7 - (int)lead, 0);
		} else {
			demo_add(&t, *PICK(&s, MOBILE_PREFIXES), 3);
			demo_add_digits(&t, &s, 8, 0);
		}
		demo_set(r, a, ENT_CONTACT_PHONE, &t);
	}
	if (demo_chance(&s, kind == KIND_COMPANY ? 350 : 80)) {
		t.n = 0;
		if (demo_chance(&s, 450)) {
			demo_add_digits(&t, &s, 6 + (int)demo_below(&s, 5), 1);
			demo_addc(&t, "@qq.com");
		} else {
			if (demo_chance(&s, 500))
				demo_addc(&t, "xz");
			demo_addw(&t, &c->roman);
			if (demo_chance(&s, 500))
				demo_add_uint(&t, (uint64_t)est_year, 4);
			else
				demo_add_digits(&t, &s, 2 + (int)demo_below(&s, 3), 0);
			demo_addc(&t, "@");
			const char *dom = *PICK(&s, MAIL_DOMAINS);
			demo_add(&t, dom, strlen(dom));
		}
		demo_set(r, a, ENT_CONTACT_EMAIL, &t);
	}

	/* quality management system */
	static const uint16_t QMS_BY_SIZE[] = {120, 350, 700, 950};
	uint32_t qms_chance = kind == KIND_COMPANY ? QMS_BY_SIZE[size] : kind == KIND_COOP ? 30 : 0;
	int food = product ? product->food : 0;
	int certified = 0;
	if (qms_chance && demo_chance(&s, qms_chance)) {
		const char *std = "GB/T 19001-2016";
		char letter = 'Q';
		uint32_t u = demo_below(&s, 100);
		if (food && u < 35) {
			std = "GB/T 22000-2006";
			letter = 'F';
		} else if (ind->letter[0] == 'E' && u < 25) {
			std = "GB/T 50430-2017";
		} else if (u >= 96) {
			std = "GB/T 19001-2008";
		}
		demo_set_lit(r, a, ENT_QMS_STANDARD, std);
		certified = est_year <= 2024 && demo_chance(&s, 650);
		if (certified) {
			static const char SIZE_LETTERS[] = "SSML";
			uint16_t w[COUNT(CERT_BODIES)];
			for (size_t i = 0; i < COUNT(CERT_BODIES); i++)
				w[i] = CERT_BODIES[i].weight;
			size_t body = demo_weighted(&s, w, COUNT(CERT_BODIES));
			int from = est_year + 1 > 2023 ? est_year + 1 : 2023;
			int year = from + (int)demo_below(&s, (uint32_t)(2026 - from + 1));
			t.n = 0;
			demo_add(&t, CERT_BODIES[body].code, 3);
			demo_add_digits(&t, &s, 2, 0);
			demo_add_uint(&t, (uint64_t)(year % 100), 2);
			demo_add(&t, &letter, 1);
			demo_add_digits(&t, &s, 5, 0);
			demo_addc(&t, "R");
			demo_add_uint(&t, demo_below(&s, 4), 1);
			demo_add(&t, &SIZE_LETTERS[size], 1);
			demo_addc(&t, "/");
			demo_add(&t, c->code, 2);
			demo_addc(&t, "00");
			demo_set(r, a, ENT_QMS_CERTIFICATE_NO, &t);
			demo_set_lit(r, a, ENT_QMS_CERTIFICATION_BODY, CERT_BODIES[body].name);
		}
	}
	demo_set_lit(r, a, ENT_QMS_CERTIFIED, certified ? "1" : "0");

	/* product standards */
	int std_set = product ? product->standards : coop ? coop->standards : STD_NONE;
	if (kind == KIND_INDIVIDUAL)
		std_set = STD_NONE;
	static const uint16_t STANDARDS_BY_SIZE[] = {450, 650, 850, 950};
	if (std_set != STD_NONE && demo_chance(&s, STANDARDS_BY_SIZE[size])) {
		const char *const *lines = STANDARD_SETS[std_set];
		t.n = 0;
		for (size_t i = 0; lines[i]; i++) {
			if (!demo_chance(&s, 700))
				continue;
			if (t.n)
				demo_addc(&t, "\n");
			demo_add(&t, lines[i], strlen(lines[i]));
		}
		if (t.n == 0)
			demo_add(&t, lines[0], strlen(lines[0]));
		demo_set(r, a, ENT_STANDARDS_ADOPTED, &t);
	}

	/* capabilities */
	if (kind != KIND_INDIVIDUAL || demo_chance(&s, 300)) {
		int level = (int)size + (kind == KIND_COMPANY && ind->productive);
		demo_set_lit(r, a, ENT_INSPECTION_CAPABILITY,
		             CAPABILITY_NAMES[demo_capability(&s, level, 0)]);
		demo_set_lit(r, a, ENT_METROLOGY_CAPABILITY,
		             CAPABILITY_NAMES[demo_capability(&s, level, 1)]);
	}

	/* quality manager training, some day after establishment */
	static const uint16_t TRAINED_BY_SIZE[] = {150, 400, 700, 900};
	uint32_t trained_chance = kind == KIND_COMPANY ? TRAINED_BY_SIZE[size]
	                          : kind == KIND_COOP  ? 200
	                                               : 30;
	int trained = est < DEMO_LAST_DAY && demo_chance(&s, trained_chance);
	demo_set_lit(r, a, ENT_QUALITY_MANAGER_TRAINED, trained ? "1" : "0");
	if (trained) {
		uint32_t gap = (uint32_t)(DEMO_LAST_DAY - est);
		uint32_t x = demo_below(&s, gap), y = demo_below(&s, gap);
		char on[10];
		demo_date(est + 1 + (x > y ? x : y), on);
		record_set(r, a, ENT_QUALITY_MANAGER_TRAINED_ON, on, sizeof on);
	}
}

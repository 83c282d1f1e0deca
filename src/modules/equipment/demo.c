/*
 * Demo special equipment (see demo.h). Units are drawn one by one from a small PRNG keyed by
 * the seed and the unit's number; their use units are the registry's active enterprises,
 * chosen by industry and size (hotels and housing estates get lifts, power and heating plants
 * boilers, builders tower cranes...). Each unit's history is walked forward from the day it
 * was put into use: the rule (eq_rule_find, eq_first_due, eq_next_due, exactly as
 * eq_inspection_add uses them) gives the next due date after every inspection, the
 * inspection is done a little before it (or, now and then, late), a failed unit is inspected
 * again after repair; a few units in use are left with their last due date passed. The only
 * order-dependent parts are the sequence numbers inside codes, so the same seed and the same
 * day give the same database.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/equipment/common.h"
#include "modules/equipment/rules.h"
#include "modules/equipment/tally.h"
#include "modules/regions/service.h"
#include "platform/audit.h"
#include "platform/dates.h"
#include "platform/db.h"
#include "platform/mem.h"

#define DEMO_SMALL_UNITS     3000
#define DEMO_SMALL_OPERATORS 1500
#define DEMO_SMALL_ACCIDENTS 40
#define DEMO_SMALL_BATCHES   200
#define DEMO_LARGE_UNITS     500000
#define DEMO_LARGE_OPERATORS 150000
#define DEMO_LARGE_ACCIDENTS 3000
#define DEMO_LARGE_BATCHES   20000

#define DEMO_YEARS           25 /* units were put into use over the last 25 years */
#define DEMO_ACCIDENT_YEARS  3  /* accidents over the last three years */
#define DEMO_CYLINDER_YEARS  12 /* cylinder batches made over the last twelve years */
#define DEMO_MAX_INSPECTIONS 96 /* periodic inspections of one unit (25 years, re-inspections) */
#define DEMO_MAX_DEFECTS     3  /* defects found by one inspection */
#define DEMO_NINDUSTRIES     20 /* GB/T 4754 sections A..T */
#define DEMO_NCLASSES        5  /* individual business, micro, small, medium, large */
#define DEMO_NBUCKETS        (DEMO_NINDUSTRIES * DEMO_NCLASSES)
#define DEMO_MAX_PREFECTURES 16    /* prefectures of the region list */
#define DEMO_MAX_COUNTIES    256   /* counties with demo enterprises */
#define DEMO_SERIAL_MAX      99999 /* last five digits of a device code */
#define DEMO_SEQUENCE_MAX    9999  /* last four digits of a registration code */
#define DEMO_GOLDEN          0x9E3779B97F4A7C15ULL

/* Per mille chances. */
#define P_REGISTERED   935 /* of units: given a use-registration code */
#define P_LEFT_OVERDUE 50  /* of units in use: the last due inspection not done */
#define P_LATE         90  /* of inspections: done after the due date */
#define P_FAIL         22  /* of inspections: failed */
#define P_CONDITIONAL  70  /* of inspections where the rule allows it: pass with conditions */
#define P_STOPPED      40  /* of units: stopped */
#define P_SCRAPPED_OLD 150 /* of units in use more than fifteen years: scrapped */
#define P_SCRAPPED     10  /* of younger ones */

/* Streams: the tag keeps the draws of unit i apart from those of operator i. */
enum demo_stream { S_UNIT = 1, S_OPERATOR, S_ACCIDENT, S_BATCH, S_STATION, S_PLACE };

/* ---- randomness (splitmix64, as the registry demo) ----------------------------------- */

static inline uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static inline uint64_t next(uint64_t *s)
{
	*s += DEMO_GOLDEN;
	return mix(*s);
}

/* A number in [0, n), n > 0. */
static inline uint32_t below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((next(s) >> 32) * n) >> 32);
}

static inline int chance(uint64_t *s, uint32_t per_mille)
{
	return below(s, 1000) < per_mille;
}

static inline uint64_t stream(uint64_t key, enum demo_stream tag, uint64_t i)
{
	return mix(key ^ mix((uint64_t)tag * DEMO_GOLDEN ^ mix(i + DEMO_GOLDEN)));
}

#define COUNT(a)      (sizeof(a) / sizeof((a)[0]))
#define PICK(s, list) ((list)[below((s), (uint32_t)COUNT(list))])

/* ---- what is made ----------------------------------------------------------------------- */

/* Kinds of equipment with their own users, makers, parameters and words. */
enum demo_group {
	G_BOILER,
	G_VESSEL,
	G_TRUCK, /* mobile vessels: tank trucks, tube trailers */
	G_ELEVATOR,
	G_CRANE,
	G_VEHICLE,
	G_RIDE,
	G_ROPEWAY,
	G_PIPING,
	G_STATION, /* gas filling stations (cylinder batches), not units */
	NGROUPS
};

/* Which industries hold a group's equipment: section letter and weight. */
static const char *const GROUP_INDUSTRIES[NGROUPS] = {
    [G_BOILER] = "C20 D30 H15 Q10 P10 S10 K5 A3 B3 F3 O2",
    [G_VESSEL] = "C25 D20 F15 G8 B8 Q8 H5 E5 A3 M3",
    [G_TRUCK] = "G60 F30 D10",
    [G_ELEVATOR] = "K40 H15 F12 L8 Q12 P8 R4 S10 I3 J4 C3 E2 G3 D2 M3 N3 O3",
    [G_CRANE] = "E40 C25 B15 G10 D5 F5",
    [G_VEHICLE] = "F25 G25 C20 E10 B10 H5 R5",
    [G_RIDE] = "R70 N20 F10",
    [G_ROPEWAY] = "R60 N40",
    [G_PIPING] = "D50 C30 B20",
    [G_STATION] = "D55 F40 G5",
};

/* Weight of an enterprise by class: individual business, micro, small, medium, large. */
static const uint32_t CLASS_WEIGHTS[DEMO_NCLASSES] = {1, 2, 6, 20, 50};

struct demo_category {
	const char *code; /* catalogue code */
	uint16_t weight;  /* units per 10,000 */
	uint8_t group;    /* enum demo_group */
	const char *name; /* product name (stationary vessels: by medium, see VESSELS) */
	const char *models[3];
	const char *variant;   /* the rule variant of every unit of it, or NULL */
	const char *sometimes; /* a variant some units of it carry, or NULL */
};

/* clang-format off */
static const struct demo_category CATEGORIES[] = {
    /* code  weight  group         name (and below: models, variant, occasional variant) */
    {"1100", 800, G_BOILER, "燃气蒸汽锅炉",
     {"WNS2-1.25-Q", "WNS4-1.25-Y.Q", "SZS10-1.25-Q"}, NULL, "power_station"},
    {"1200", 1050, G_BOILER, "燃气热水锅炉",
     {"CWNS1.4-95/70-Y.Q", "WNS2.8-1.0/95/70-Q", "SZS7-1.25/115/70-Q"}, NULL, "power_station"},
    {"1300", 50, G_BOILER, "有机热载体炉",
     {"YQW-1400Q", "YQW-2400Q", "YLW-1900MA"}, NULL, NULL},
    {"2100", 1400, G_VESSEL, NULL,
     {"C-1.0/0.8", "HG-20", "CFL-50/1.77"}, NULL, "nonmetal"},
    {"2220", 200, G_TRUCK, "液化石油气汽车罐车",
     {"HZZ5250GYQ", "CLW5310GYQ", "SLA9400GYQ"}, NULL, NULL},
    {"2230", 60, G_TRUCK, "长管拖车",
     {"HGJ9400GGQ", "JAT9402GGQ", "ZJV9401GGQ"}, NULL, NULL},
    {"2400", 40, G_VESSEL, "医用空气加压氧舱",
     {"YC3210-10", "GY2800-12", "YC2800-8"}, NULL, NULL},
    {"3110", 3900, G_ELEVATOR, "曳引驱动乘客电梯",
     {"3000 MonoSpace", "GeN2-MRL", "NexWay-S"}, NULL, NULL},
    {"3120", 300, G_ELEVATOR, "曳引驱动载货电梯",
     {"THJ2000/0.5-JXW", "TKJ3000/0.5", "THJ1000/1.0"}, NULL, NULL},
    {"3200", 40, G_ELEVATOR, "液压驱动电梯",
     {"YHJ1000/0.4", "YHJ2000/0.3", "YJ630/0.4"}, NULL, NULL},
    {"3310", 400, G_ELEVATOR, "自动扶梯",
     {"TravelMaster 110", "9300AE", "KLT-600"}, NULL, NULL},
    {"3320", 100, G_ELEVATOR, "自动人行道",
     {"iMove", "KLT-800W", "9500AE"}, NULL, NULL},
    {"4100", 380, G_CRANE, "桥式起重机",
     {"QD20/5t-22.5m", "LD10t-16.5m", "QD32/5t-28.5m"}, NULL, "molten"},
    {"4200", 120, G_CRANE, "门式起重机",
     {"MH10t-20m", "MG20/5t-24m", "MH16t-18m"}, NULL, NULL},
    {"4300", 320, G_CRANE, "塔式起重机",
     {"QTZ80(TC6010)", "QTZ63(TC5610)", "QTZ125(TC6015)"}, "tower", NULL},
    {"4400", 120, G_CRANE, "汽车起重机",
     {"QY25K5", "ZLJ5320JQZ50V", "STC250"}, "mobile", NULL},
    {"4800", 180, G_CRANE, "施工升降机",
     {"SC200/200", "SC100/100", "SS100"}, NULL, NULL},
    {"4D00", 80, G_CRANE, "机械式停车设备",
     {"PSH5D", "PJS2D", "PCS10"}, NULL, NULL},
    {"5100", 300, G_VEHICLE, "叉车",
     {"CPCD30", "CPD20", "CPQD25"}, NULL, NULL},
    {"5200", 50, G_VEHICLE, "非公路用旅游观光车",
     {"LT-S14", "LQY142A", "LT-A8"}, NULL, NULL},
    {"6100", 10, G_RIDE, "摩天轮",
     {"MTL42A", "MTL55", "MTL30"}, NULL, NULL},
    {"6200", 8, G_RIDE, "过山车",
     {"HSC-20A", "SLC-689", "HSC-16"}, NULL, NULL},
    {"6400", 8, G_RIDE, "陀螺",
     {"TL-24A", "DF-36", "TL-12"}, NULL, NULL},
    {"6500", 8, G_RIDE, "飞行塔",
     {"FXT-24", "ZKFJ-16", "FXT-36"}, NULL, NULL},
    {"6600", 14, G_RIDE, "转马",
     {"ZM-36A", "ZM-24", "ZM-48"}, NULL, NULL},
    {"8100", 10, G_PIPING, "长输管道",
     {"GA1", "GA2", "GA1"}, NULL, NULL},
    {"8200", 40, G_PIPING, "城镇燃气管道",
     {"GB1", "GB1-IV", "GB2"}, NULL, NULL},
    {"8300", 50, G_PIPING, "工业管道",
     {"GC1", "GC2", "GC3"}, NULL, NULL},
    {"9100", 12, G_ROPEWAY, "客运架空索道",
     {"MPD-1200", "JPD-2380", "MPD-800"}, NULL, NULL},
};
/* clang-format on */
#define NCATEGORIES ((int)COUNT(CATEGORIES))

/* Stationary vessels by what they hold. */
static const struct {
	const char *name, *medium, *klass, *volume, *pressure;
	int major; /* part of a major hazard source, per mille */
} VESSELS[] = {
    {"储气罐", "压缩空气", "I", "2", "0.8", 0},
    {"储气罐", "压缩空气", "II", "6", "1.0", 0},
    {"液化石油气储罐", "液化石油气", "III", "50", "1.77", 300},
    {"液化石油气储罐", "液化石油气", "III", "100", "1.77", 500},
    {"液氧储罐", "氧气", "II", "20", "1.6", 100},
    {"液氮储罐", "氮气", "II", "10", "1.6", 0},
    {"分汽缸", "蒸汽", "I", "0.5", "1.0", 0},
    {"换热器", "热水", "I", "1.2", "1.6", 0},
    {"天然气储罐", "天然气", "III", "60", "1.6", 300},
};

struct demo_maker {
	const char *name;
	uint8_t group;
};

static const struct demo_maker MAKERS[] = {
    {"太原锅炉集团有限公司", G_BOILER},
    {"郑州锅炉股份有限公司", G_BOILER},
    {"双良节能系统股份有限公司", G_BOILER},
    {"四川川润股份有限公司", G_BOILER},
    {"河南省四通锅炉有限公司", G_BOILER},
    {"四川空分设备（集团）有限责任公司", G_VESSEL},
    {"杭氧集团股份有限公司", G_VESSEL},
    {"兰州兰石重型装备股份有限公司", G_VESSEL},
    {"成都深冷液化设备股份有限公司", G_VESSEL},
    {"烟台宏远氧业股份有限公司", G_VESSEL},
    {"湖北三江航天万山特种车辆有限公司", G_TRUCK},
    {"石家庄安瑞科气体机械有限公司", G_TRUCK},
    {"张家港中集圣达因低温装备有限公司", G_TRUCK},
    {"通力电梯有限公司", G_ELEVATOR},
    {"上海三菱电梯有限公司", G_ELEVATOR},
    {"日立电梯（中国）有限公司", G_ELEVATOR},
    {"奥的斯机电电梯有限公司", G_ELEVATOR},
    {"迅达（中国）电梯有限公司", G_ELEVATOR},
    {"蒂升电梯（中国）有限公司", G_ELEVATOR},
    {"康力电梯股份有限公司", G_ELEVATOR},
    {"广州广日电梯工业有限公司", G_ELEVATOR},
    {"河南卫华重型机械股份有限公司", G_CRANE},
    {"纽科伦（新乡）起重机有限公司", G_CRANE},
    {"中联重科股份有限公司", G_CRANE},
    {"徐州重型机械有限公司", G_CRANE},
    {"三一汽车起重机械有限公司", G_CRANE},
    {"广西建工集团建筑机械制造有限责任公司", G_CRANE},
    {"杭叉集团股份有限公司", G_VEHICLE},
    {"安徽合力股份有限公司", G_VEHICLE},
    {"广东绿通新能源电动车科技股份有限公司", G_VEHICLE},
    {"中山市金马科技娱乐设备股份有限公司", G_RIDE},
    {"北京实宝来游乐设备有限公司", G_RIDE},
    {"北京起重运输机械设计研究院有限公司", G_ROPEWAY},
    {"中国化学工程第七建设有限公司", G_PIPING},
    {"中国石油天然气管道局工程有限公司", G_PIPING},
};
#define NMAKERS ((int)COUNT(MAKERS))

static const char *const CYLINDER_MAKERS[] = {"北京天海工业有限公司", "浙江金盾压力容器有限公司",
                                              "宁波明欣化工机械有限责任公司",
                                              "山东永安特种装备有限公司"};

/* Short name on the use-registration certificate, by group. */
static const char *const CERT_CHAR[NGROUPS] = {
    [G_BOILER] = "锅", [G_VESSEL] = "容",  [G_TRUCK] = "容", [G_ELEVATOR] = "梯",
    [G_CRANE] = "起",  [G_VEHICLE] = "车", [G_RIDE] = "游",  [G_ROPEWAY] = "索",
    [G_PIPING] = "管", [G_STATION] = "瓶"};

/* Letters in inspection report numbers, by group. */
static const char *const REPORT_LETTERS[NGROUPS] = {
    [G_BOILER] = "GL", [G_VESSEL] = "RQ",  [G_TRUCK] = "YD", [G_ELEVATOR] = "DT",
    [G_CRANE] = "QZ",  [G_VEHICLE] = "CC", [G_RIDE] = "YL",  [G_ROPEWAY] = "SD",
    [G_PIPING] = "GD", [G_STATION] = "QP"};

/* Where a unit stands, after the county's name. */
static const char *const PLACES[NGROUPS][4] = {
    [G_BOILER] = {"锅炉房", "供热站", "锅炉房", "能源中心"},
    [G_VESSEL] = {"空压站", "储配站", "生产车间", "氧气站"},
    [G_TRUCK] = {"停车场", "储运站", "车队", "停车场"},
    [G_ELEVATOR] = {"1号楼", "综合楼", "住院楼", "商业楼"},
    [G_CRANE] = {"生产车间", "施工工地", "仓储区", "装配车间"},
    [G_VEHICLE] = {"仓库", "物流园", "厂区", "景区"},
    [G_RIDE] = {"游乐园", "主题公园", "游乐园", "文化广场"},
    [G_ROPEWAY] = {"景区", "景区", "景区", "景区"},
    [G_PIPING] = {"厂区", "城区", "园区", "输气站"},
    [G_STATION] = {"充装站", "充装站", "充装站", "充装站"},
};

static const char *const DEFECTS[NGROUPS][4] = {
    [G_BOILER] = {"安全阀未按期校验", "水位表显示不清", "炉墙局部破损", "压力表超期未检定"},
    [G_VESSEL] = {"安全阀未按期校验", "压力表超期未检定", "外表面局部腐蚀", "接地装置失效"},
    [G_TRUCK] = {"紧急切断装置动作不灵", "静电接地带缺失", "罐体标志不清", "安全阀铅封缺失"},
    [G_ELEVATOR] = {"层门自闭装置失效", "轿厢应急照明不亮", "制动器间隙超标", "紧急报警装置失效"},
    [G_CRANE] = {"起重量限制器失效", "钢丝绳断丝超标", "吊钩防脱装置缺失", "限位开关失灵"},
    [G_VEHICLE] = {"制动性能不足", "转向系统间隙过大", "喇叭失效", "护顶架变形"},
    [G_RIDE] = {"安全压杠锁紧失效", "乘客束缚装置磨损", "紧急停止按钮失灵", "安全栅栏破损"},
    [G_ROPEWAY] = {"抱索器检测记录不全", "救援设备不全", "钢丝绳磨损超标", "站台护栏松动"},
    [G_PIPING] = {"管道标识不清", "支吊架松动", "阀门泄漏", "防腐层破损"},
    [G_STATION] = {"", "", "", ""},
};

static const char *const ACCIDENTS[NGROUPS][3] = {
    [G_BOILER] = {"锅炉超压导致安全阀起跳泄漏", "锅炉房燃气泄漏爆燃", "锅炉缺水导致炉管爆裂"},
    [G_VESSEL] = {"储罐阀门泄漏", "压力容器法兰密封失效泄漏", "储气罐爆裂"},
    [G_TRUCK] = {"罐车卸车时软管破裂泄漏", "罐车紧急切断阀失效泄漏", "长管拖车气瓶阀门泄漏"},
    [G_ELEVATOR] = {"电梯困人", "电梯门夹伤乘客", "维修人员在井道内坠落"},
    [G_CRANE] = {"起重机吊物坠落伤人", "塔式起重机起重臂折断", "施工升降机吊笼冲顶"},
    [G_VEHICLE] = {"叉车倒车撞伤人员", "叉车侧翻", "观光车制动失效碰撞"},
    [G_RIDE] = {"游乐设施停机乘客滞留", "游乐设施安全压杠意外打开", "乘客碰伤"},
    [G_ROPEWAY] = {"索道停运乘客滞留", "索道抱索器滑移", "索道站台人员摔伤"},
    [G_PIPING] = {"燃气管道泄漏", "蒸汽管道爆裂烫伤", "管道阀门泄漏"},
    [G_STATION] = {"", "", ""},
};

/* Operator items on the certificate, by group (A: safety management, any group). */
static const char *const ITEMS[NGROUPS] = {
    [G_BOILER] = "G1", [G_VESSEL] = "R1",  [G_TRUCK] = "R2", [G_ELEVATOR] = "T",
    [G_CRANE] = "Q2",  [G_VEHICLE] = "N1", [G_RIDE] = "Y1",  [G_ROPEWAY] = "S2",
    [G_PIPING] = "A",  [G_STATION] = "P"};

static const char *const TIBETAN_NAMES[] = {
    "扎西", "次仁", "格桑", "达瓦", "尼玛", "旺堆", "普布", "边巴", "拉巴", "索朗",
    "平措", "多吉", "顿珠", "罗布", "强巴", "洛桑", "贡嘎", "白玛", "次旦", "米玛",
    "巴桑", "旦增", "卓玛", "央金", "拉姆", "曲珍", "德吉", "措姆", "玉珍", "央宗"};
static const char *const HAN_SURNAMES[] = {"王", "李", "张", "刘", "陈", "杨", "赵",
                                           "黄", "周", "吴", "徐", "孙", "胡", "朱",
                                           "高", "林", "何", "郭", "马", "罗"};
static const char *const HAN_GIVEN[] = {"伟",   "芳",   "敏",   "静",   "强",   "磊",  "军", "洋",
                                        "勇",   "杰",   "涛",   "明",   "超",   "平",  "刚", "华",
                                        "建国", "红梅", "海涛", "志强", "晓燕", "文斌"};
static const char *const TRADES[] = {"雪域", "圣湖", "珠峰", "高原", "天路", "吉祥", "格桑",
                                     "藏源", "雅江", "念青", "宏达", "恒通", "安居", "诺布"};

/* GB/T 2260 prefecture -> the letter of its vehicle plates, also on registration certificates. */
static const struct {
	int code;
	char letter;
} PLATE_LETTERS[] = {{540100, 'A'}, {540300, 'B'}, {540500, 'C'}, {540200, 'D'},
                     {540600, 'E'}, {542500, 'F'}, {540400, 'G'}};

/* ---- state of one load -------------------------------------------------------------------- */

struct demo_firm {
	char code[19];  /* credit code */
	int region;     /* county */
	uint8_t bucket; /* industry * DEMO_NCLASSES + class */
	uint8_t county; /* index into demo.counties */
};

struct demo_prefecture {
	int code;
	char letter;                /* plate letter */
	const char *branch;         /* the regional institute's branch here */
	const char *maintainers[4]; /* elevator maintenance firms here */
	const char *installers[2];
};

/* A unit as the later parts (operators, accidents) need it. */
struct demo_unit_ref {
	int64_t id;
	int32_t firm;
	uint8_t category;
	uint8_t in_use;
};

/* One inspection of the history being walked. */
struct demo_inspection {
	int32_t day;
	int32_t due_before; /* the unit's next_due before it */
	int32_t next;       /* what the rule gave, -1 for none */
	uint8_t periodic;   /* else supervisory (at installation) */
	uint8_t conclusion; /* enum eq_conclusion */
	uint8_t grade;      /* 0: none given */
};

struct demo {
	struct db *db;
	const struct eq_demo_options *o;
	struct eq_demo_report rep;
	struct eq_rules rules;
	const struct eq_rule *rule_of[NCATEGORIES][2]; /* usual variant, the occasional one */
	struct arena strings;
	char now[32];
	int32_t today;
	int today_year;
	uint64_t key;

	struct demo_firm *firms;
	int32_t nfirms;
	int32_t *by_bucket; /* firm indexes grouped by bucket */
	int32_t bucket_start[DEMO_NBUCKETS + 1];
	uint64_t group_cum[NGROUPS][DEMO_NBUCKETS]; /* cumulative weights of the buckets */
	int32_t *by_county;                         /* firm indexes grouped by county */
	int32_t county_start[DEMO_MAX_COUNTIES + 1];
	int counties[DEMO_MAX_COUNTIES];
	int ncounties;
	uint8_t *firm_used;

	struct demo_prefecture prefectures[DEMO_MAX_PREFECTURES];
	int nprefectures;
	const char *institute;

	uint16_t *reg_seq;   /* [category][prefecture][month] */
	int reg_months;      /* months covered by reg_seq */
	int reg_first_month; /* year * 12 + month - 1 of its first month */
	uint32_t *serials;   /* [category][maker][year] */
	int serial_years;
	int serial_first_year;
	int64_t report_seq, cert_seq, batch_seq;

	struct demo_unit_ref *units;
	int64_t nunits;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static void day_text(int32_t day, char out[11])
{
	date_format(day, out);
}

static int year_of(int32_t day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	return y;
}

/* A person's name into out (Tibetan with the given chance). */
static void person(uint64_t *s, uint32_t tibetan_per_mille, char *out, size_t n)
{
	if (chance(s, tibetan_per_mille)) {
		uint32_t a = below(s, (uint32_t)COUNT(TIBETAN_NAMES));
		uint32_t b = below(s, (uint32_t)COUNT(TIBETAN_NAMES) - 1);
		snprintf(out, n, "%s%s", TIBETAN_NAMES[a], TIBETAN_NAMES[b >= a ? b + 1 : b]);
	} else {
		snprintf(out, n, "%s%s", PICK(s, HAN_SURNAMES), PICK(s, HAN_GIVEN));
	}
}

static int step_ok(int rc)
{
	return rc == DB_DONE;
}

/* ---- set-up ----------------------------------------------------------------------------- */

static int class_of(const char *code, const char *size)
{
	if (code[1] == '2')
		return 0; /* individual business */
	if (size == NULL || strcmp(size, "micro") == 0)
		return 1;
	if (strcmp(size, "small") == 0)
		return 2;
	if (strcmp(size, "medium") == 0)
		return 3;
	return 4;
}

static int county_index(struct demo *d, int region)
{
	for (int i = 0; i < d->ncounties; i++)
		if (d->counties[i] == region)
			return i;
	if (d->ncounties == DEMO_MAX_COUNTIES)
		return -1;
	d->counties[d->ncounties] = region;
	return d->ncounties++;
}

/* Reads the active enterprises (in credit-code order, so the result does not depend on the
 * order they were loaded in) and groups them by bucket and by county. */
static int load_firms(struct demo *d)
{
	struct db_stmt *st = db_prepare_once(
	    d->db, "SELECT credit_code, region_code, industry, size FROM enterprise WHERE status = "
	           "'active' ORDER BY credit_code");
	if (st == NULL)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		size_t n;
		const char *code = db_col_text(st, 0, &n);
		const char *industry = db_col_text(st, 2, NULL);
		int region = (int)db_col_int64(st, 1);
		const struct region *r = regions_find(region);
		if (n != 18 || industry[0] < 'A' || industry[0] >= 'A' + DEMO_NINDUSTRIES ||
		    r == NULL || r->level != REGION_COUNTY)
			continue;
		if ((size_t)d->nfirms == cap) {
			cap = cap ? cap * 2 : 4096;
			d->firms = xrealloc(d->firms, cap * sizeof *d->firms);
		}
		struct demo_firm *f = &d->firms[d->nfirms];
		memcpy(f->code, code, 18);
		f->code[18] = '\0';
		f->region = region;
		int cls = class_of(code, db_col_is_null(st, 3) ? NULL : db_col_text(st, 3, NULL));
		f->bucket = (uint8_t)((industry[0] - 'A') * DEMO_NCLASSES + cls);
		int c = county_index(d, region);
		if (c < 0)
			continue;
		f->county = (uint8_t)c;
		d->nfirms++;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return -1;
	if (d->nfirms == 0) {
		fprintf(stderr, "jinzhi demo: no active enterprise in a county to use equipment "
		                "(load the demo enterprises first)\n");
		return -1;
	}
	/* Counting sorts by bucket and by county. */
	int32_t nb[DEMO_NBUCKETS] = {0}, nc[DEMO_MAX_COUNTIES] = {0};
	for (int32_t i = 0; i < d->nfirms; i++) {
		nb[d->firms[i].bucket]++;
		nc[d->firms[i].county]++;
	}
	for (int b = 0; b < DEMO_NBUCKETS; b++)
		d->bucket_start[b + 1] = d->bucket_start[b] + nb[b];
	for (int c = 0; c < d->ncounties; c++)
		d->county_start[c + 1] = d->county_start[c] + nc[c];
	d->by_bucket = xcalloc((size_t)d->nfirms, sizeof *d->by_bucket);
	d->by_county = xcalloc((size_t)d->nfirms, sizeof *d->by_county);
	memset(nb, 0, sizeof nb);
	memset(nc, 0, sizeof nc);
	for (int32_t i = 0; i < d->nfirms; i++) {
		const struct demo_firm *f = &d->firms[i];
		d->by_bucket[d->bucket_start[f->bucket] + nb[f->bucket]++] = i;
		d->by_county[d->county_start[f->county] + nc[f->county]++] = i;
	}
	d->firm_used = xcalloc((size_t)d->nfirms, 1);
	/* Bucket weights per group: firms in it x industry weight x class weight. */
	for (int g = 0; g < NGROUPS; g++) {
		uint32_t iw[DEMO_NINDUSTRIES] = {0};
		for (const char *p = GROUP_INDUSTRIES[g]; *p;) {
			char letter = *p++;
			uint32_t w = (uint32_t)strtoul(p, (char **)&p, 10);
			while (*p == ' ')
				p++;
			iw[letter - 'A'] = w;
		}
		uint64_t sum = 0;
		for (int b = 0; b < DEMO_NBUCKETS; b++) {
			uint64_t nfirms = (uint64_t)(d->bucket_start[b + 1] - d->bucket_start[b]);
			sum += nfirms * iw[b / DEMO_NCLASSES] * CLASS_WEIGHTS[b % DEMO_NCLASSES];
			d->group_cum[g][b] = sum;
		}
	}
	return 0;
}

/* A firm to hold a unit of group g: by the group's industries and the firms' sizes, or any
 * firm where the demo registry has none of those industries. */
static int32_t pick_firm(const struct demo *d, uint64_t *s, int g)
{
	uint64_t total = d->group_cum[g][DEMO_NBUCKETS - 1];
	if (total == 0)
		return d->by_bucket[next(s) % (uint64_t)d->nfirms];
	uint64_t x = next(s) % total;
	int b = 0;
	while (d->group_cum[g][b] <= x)
		b++;
	int32_t n = d->bucket_start[b + 1] - d->bucket_start[b];
	return d->by_bucket[d->bucket_start[b] + (int32_t)(next(s) % (uint64_t)n)];
}

static struct demo_prefecture *prefecture_of(struct demo *d, int county)
{
	int code = county / 100 * 100;
	for (int i = 0; i < d->nprefectures; i++)
		if (d->prefectures[i].code == code)
			return &d->prefectures[i];
	return &d->prefectures[0];
}

/* Short form of a prefecture's name: 拉萨市 -> 拉萨, 阿里地区 -> 阿里. */
static const char *short_name(struct arena *a, const char *name)
{
	size_t n = strlen(name);
	static const char *const SUFFIXES[] = {"地区", "市", "州"};
	for (size_t i = 0; i < COUNT(SUFFIXES); i++) {
		size_t k = strlen(SUFFIXES[i]);
		if (n > k + 3 && strcmp(name + n - k, SUFFIXES[i]) == 0)
			return arena_strndup(a, name, n - k);
	}
	return arena_strdup(a, name);
}

static int setup_places(struct demo *d)
{
	size_t n;
	const struct region *all = regions_all(&n);
	const char *province = "西藏自治区";
	for (size_t i = 0; i < n; i++)
		if (all[i].level == REGION_PROVINCE) {
			province = all[i].name_zh;
			break;
		}
	d->institute = arena_printf(&d->strings, "%s特种设备检验研究院", province);
	for (size_t i = 0; i < n && d->nprefectures < DEMO_MAX_PREFECTURES; i++) {
		if (all[i].level != REGION_PREFECTURE)
			continue;
		struct demo_prefecture *p = &d->prefectures[d->nprefectures++];
		p->code = all[i].code;
		p->letter = 'A';
		for (size_t k = 0; k < COUNT(PLATE_LETTERS); k++)
			if (PLATE_LETTERS[k].code == p->code)
				p->letter = PLATE_LETTERS[k].letter;
		const char *sn = short_name(&d->strings, all[i].name_zh);
		p->branch = arena_printf(&d->strings, "%s%s分院", d->institute, sn);
		uint64_t s = stream(d->key, S_PLACE, (uint64_t)p->code);
		for (int k = 0; k < 4; k++)
			p->maintainers[k] =
			    arena_printf(&d->strings, "%s%s电梯%s有限公司", sn,
			                 TRADES[(k * 5 + below(&s, 5)) % COUNT(TRADES)],
			                 k % 2 ? "工程" : "安装维修");
		p->installers[0] = arena_printf(&d->strings, "%s%s机电设备安装有限公司", sn,
		                                TRADES[below(&s, (uint32_t)COUNT(TRADES))]);
		p->installers[1] = arena_printf(&d->strings, "西藏%s建设工程有限公司",
		                                TRADES[below(&s, (uint32_t)COUNT(TRADES))]);
	}
	if (d->nprefectures == 0) {
		fprintf(stderr, "jinzhi demo: the region list has no prefecture\n");
		return -1;
	}
	return 0;
}

static int setup_rules(struct demo *d)
{
	if (eq_rules_load(d->db, &d->rules) != 0) {
		fprintf(stderr, "jinzhi demo: cannot read the inspection rules\n");
		return -1;
	}
	for (int c = 0; c < NCATEGORIES; c++) {
		d->rule_of[c][0] =
		    eq_rule_find(&d->rules, CATEGORIES[c].code, CATEGORIES[c].variant);
		d->rule_of[c][1] =
		    eq_rule_find(&d->rules, CATEGORIES[c].code, CATEGORIES[c].sometimes);
	}
	return 0;
}

/* ---- units ------------------------------------------------------------------------------ */

static const char SQL_UNIT[] =
    "INSERT INTO eq_unit (id, device_code, reg_code, reg_cert_no, registered_on, category, "
    "variant, name, model, use_unit, region_code, location, manufacturer, manufactured_on, "
    "installer, maintainer, institution, commissioned_on, status, safety_grade, major_hazard, "
    "capacity_tph, pressure_mpa, medium, vessel_class, volume_m3, speed_mps, floors, "
    "rated_load_kg, lifting_t, span_m, length_m, last_inspected_on, last_conclusion, "
    "inspections_done, next_due, created_at, updated_at, version, created_by) VALUES (?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, 'demo')";

static const char SQL_INSPECTION[] =
    "INSERT INTO eq_inspection (id, unit_id, kind, institution, inspector, inspected_on, "
    "conclusion, safety_grade, report_no, next_due, note, created_at, created_by) VALUES (?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo')";

static const char SQL_DEFECT[] =
    "INSERT INTO eq_defect (id, inspection_id, unit_id, description, deadline, rectified_on, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

/* Column numbers of SQL_UNIT. */
enum unit_param {
	U_ID = 1,
	U_DEVICE_CODE,
	U_REG_CODE,
	U_REG_CERT_NO,
	U_REGISTERED_ON,
	U_CATEGORY,
	U_VARIANT,
	U_NAME,
	U_MODEL,
	U_USE_UNIT,
	U_REGION_CODE,
	U_LOCATION,
	U_MANUFACTURER,
	U_MANUFACTURED_ON,
	U_INSTALLER,
	U_MAINTAINER,
	U_INSTITUTION,
	U_COMMISSIONED_ON,
	U_STATUS,
	U_SAFETY_GRADE,
	U_MAJOR_HAZARD,
	U_CAPACITY_TPH,
	U_PRESSURE_MPA,
	U_MEDIUM,
	U_VESSEL_CLASS,
	U_VOLUME_M3,
	U_SPEED_MPS,
	U_FLOORS,
	U_RATED_LOAD_KG,
	U_LIFTING_T,
	U_SPAN_M,
	U_LENGTH_M,
	U_LAST_INSPECTED_ON,
	U_LAST_CONCLUSION,
	U_INSPECTIONS_DONE,
	U_NEXT_DUE,
	U_CREATED_AT,
	U_UPDATED_AT,
	U_VERSION
};

/* Binds the category's parameters (and name and medium where they depend on them). */
static void bind_parameters(struct db_stmt *st, uint64_t *s, int c, const char **name, int *major)
{
	static const char *const CAPACITY[] = {"0.5", "1", "2", "4", "6", "10", "20"};
	static const char *const BOILER_PRESSURE[] = {"0.7", "1.0", "1.25", "1.6", "2.5"};
	static const char *const SPEED[] = {"1.0", "1.5", "1.75", "2.0", "2.5"};
	static const int64_t LOAD[] = {630, 800, 1000, 1050, 1350, 1600};
	static const char *const BRIDGE_T[] = {"5", "10", "16", "20", "32"};
	static const char *const BRIDGE_SPAN[] = {"10.5", "16.5", "22.5", "28.5"};
	const char *code = CATEGORIES[c].code;
	*name = CATEGORIES[c].name;
	*major = 0;
	switch (CATEGORIES[c].group) {
	case G_BOILER:
		db_bind_cstr_static(st, U_CAPACITY_TPH, PICK(s, CAPACITY));
		db_bind_cstr_static(st, U_PRESSURE_MPA, PICK(s, BOILER_PRESSURE));
		db_bind_cstr_static(st, U_MEDIUM,
		                    code[1] == '1'   ? "蒸汽"
		                    : code[1] == '2' ? "热水"
		                                     : "导热油");
		break;
	case G_VESSEL:
		if (code[1] == '4') {
			db_bind_cstr_static(st, U_MEDIUM, "空气");
			db_bind_cstr_static(st, U_PRESSURE_MPA, "0.2");
			db_bind_cstr_static(st, U_VOLUME_M3, "12");
			db_bind_cstr_static(st, U_VESSEL_CLASS, "II");
			break;
		} else {
			uint32_t v = below(s, (uint32_t)COUNT(VESSELS));
			*name = VESSELS[v].name;
			db_bind_cstr_static(st, U_MEDIUM, VESSELS[v].medium);
			db_bind_cstr_static(st, U_VESSEL_CLASS, VESSELS[v].klass);
			db_bind_cstr_static(st, U_VOLUME_M3, VESSELS[v].volume);
			db_bind_cstr_static(st, U_PRESSURE_MPA, VESSELS[v].pressure);
			*major = chance(s, (uint32_t)VESSELS[v].major);
		}
		break;
	case G_TRUCK:
		if (code[2] == '2') {
			db_bind_cstr_static(st, U_MEDIUM, "液化石油气");
			db_bind_cstr_static(st, U_PRESSURE_MPA, "1.77");
			db_bind_cstr_static(st, U_VOLUME_M3, chance(s, 500) ? "35.5" : "23.5");
		} else {
			db_bind_cstr_static(st, U_MEDIUM, "天然气");
			db_bind_cstr_static(st, U_PRESSURE_MPA, "20");
			db_bind_cstr_static(st, U_VOLUME_M3, "22");
		}
		db_bind_cstr_static(st, U_VESSEL_CLASS, "III");
		break;
	case G_ELEVATOR:
		if (code[1] == '3') {
			db_bind_cstr_static(st, U_SPEED_MPS, "0.5");
		} else if (code[1] == '2') {
			db_bind_cstr_static(st, U_SPEED_MPS, "0.4");
			db_bind_int64(st, U_FLOORS, 2 + below(s, 3));
			db_bind_int64(st, U_RATED_LOAD_KG, 1000);
		} else if (code[2] == '2') {
			db_bind_cstr_static(st, U_SPEED_MPS, chance(s, 500) ? "0.5" : "1.0");
			db_bind_int64(st, U_FLOORS, 2 + below(s, 7));
			db_bind_int64(st, U_RATED_LOAD_KG, 1000 + 1000 * below(s, 3));
		} else {
			uint32_t tall = below(s, 100);
			db_bind_cstr_static(st, U_SPEED_MPS,
			                    SPEED[tall < 50   ? 0
			                          : tall < 80 ? 1 + below(s, 2)
			                                      : 3 + below(s, 2)]);
			db_bind_int64(st, U_FLOORS, tall < 50 ? 3 + below(s, 6) : 8 + below(s, 26));
			db_bind_int64(st, U_RATED_LOAD_KG, PICK(s, LOAD));
		}
		break;
	case G_CRANE:
		if (code[1] == '1') {
			db_bind_cstr_static(st, U_LIFTING_T, PICK(s, BRIDGE_T));
			db_bind_cstr_static(st, U_SPAN_M, PICK(s, BRIDGE_SPAN));
		} else if (code[1] == '2') {
			db_bind_cstr_static(st, U_LIFTING_T, chance(s, 500) ? "10" : "16");
			db_bind_cstr_static(st, U_SPAN_M, chance(s, 500) ? "18" : "24");
		} else if (code[1] == '3') {
			db_bind_cstr_static(st, U_LIFTING_T, chance(s, 600) ? "6" : "8");
		} else if (code[1] == '4') {
			db_bind_cstr_static(st, U_LIFTING_T, chance(s, 700) ? "25" : "50");
		} else {
			db_bind_cstr_static(st, U_LIFTING_T, "2");
		}
		break;
	case G_PIPING:
		db_bind_cstr_static(st, U_MEDIUM,
		                    code[1] == '3' && chance(s, 500) ? "蒸汽" : "天然气");
		db_bind_cstr_static(st, U_PRESSURE_MPA,
		                    code[1] == '1'   ? "4.0"
		                    : code[1] == '2' ? "0.4"
		                                     : "1.6");
		db_bind_cstr_static(st, U_LENGTH_M,
		                    code[1] == '1'   ? "12000"
		                    : chance(s, 500) ? "850"
		                                     : "2400");
		*major = code[1] == '1' || chance(s, 100);
		break;
	case G_ROPEWAY:
		db_bind_cstr_static(st, U_LENGTH_M, chance(s, 500) ? "1200" : "2380");
		break;
	case G_VEHICLE:
	case G_RIDE:
	case G_STATION:
	case NGROUPS:
		break;
	}
}

/* A category, in proportion to the weights. */
static int unit_category(uint64_t *s)
{
	uint32_t total = 0;
	for (int c = 0; c < NCATEGORIES; c++)
		total += CATEGORIES[c].weight;
	uint32_t x = below(s, total);
	int c = 0;
	while (x >= CATEGORIES[c].weight)
		x -= CATEGORIES[c++].weight;
	return c;
}

/* 1 if this unit carries its category's occasional variant: power-station boilers at power
 * and heating plants, cranes for molten metal at works and mines, a few non-metallic vessels. */
static int unit_sometimes(uint64_t *s, int c, const struct demo_firm *f)
{
	const char *v = CATEGORIES[c].sometimes;
	char industry = (char)('A' + f->bucket / DEMO_NCLASSES);
	if (v == NULL)
		return 0;
	if (strcmp(v, "power_station") == 0)
		return industry == 'D' && chance(s, 200);
	if (strcmp(v, "molten") == 0)
		return (industry == 'C' || industry == 'B') && chance(s, 60);
	return chance(s, 30);
}

/* A conclusion the rule allows: after a failure mostly a pass. */
static unsigned draw_conclusion(uint64_t *s, const struct eq_rule *rule, int after_failure)
{
	uint32_t u = below(s, 1000);
	int cond = (rule->conclusions & EQ_CONDITIONAL) != 0;
	if (after_failure)
		return cond && u < 150 ? EQ_CONDITIONAL : EQ_PASS;
	if (u < P_FAIL && (rule->conclusions & EQ_FAIL))
		return EQ_FAIL;
	if (cond && u < P_FAIL + P_CONDITIONAL)
		return EQ_CONDITIONAL;
	return EQ_PASS;
}

/* A safety grade for a rule of kind grade: one it may be used at after a failure. */
static int draw_grade(uint64_t *s, const struct eq_rule *rule, int after_failure)
{
	static const uint16_t W[5] = {150, 600, 200, 40, 10};
	for (int tries = 0; tries < 8; tries++) {
		uint32_t x = below(s, 1000), g = 0;
		while (x >= W[g])
			x -= W[g++];
		int grade = (int)g + 1;
		if (!after_failure || rule->grade_months[grade])
			return grade;
	}
	return 2;
}

/*
 * Walks a unit's periodic inspections from the day it was put into use up to the horizon
 * (today, or the day it was stopped). Returns the count in ins[], with *due the next due date
 * after them (-1 when not subject).
 */
static int walk_history(uint64_t *s, const struct eq_rule *rule, int32_t commissioned,
                        int32_t horizon, struct demo_inspection *ins, int32_t *due)
{
	*due = -1;
	if (rule == NULL || eq_first_due(rule, commissioned, due) != 0) {
		*due = -1;
		return 0;
	}
	int n = 0, done = 0, bad = 0;
	int32_t last = commissioned;
	while (n < DEMO_MAX_INSPECTIONS) {
		int32_t day;
		if (bad)
			day = last + 7 + (int32_t)below(s, 50); /* repaired, inspected again */
		else if (chance(s, P_LATE))
			day = *due + 1 + (int32_t)below(s, 120);
		else
			day = *due - (int32_t)below(s, 25);
		if (day <= last)
			day = last + 1;
		if (day > horizon)
			break;
		struct demo_inspection *x = &ins[n];
		x->day = day;
		x->due_before = *due;
		x->periodic = 1;
		x->conclusion = (uint8_t)draw_conclusion(s, rule, bad);
		x->grade = rule->kind == EQ_RULE_GRADE ? (uint8_t)draw_grade(s, rule, bad) : 0;
		struct eq_inspected in = {commissioned, day, x->conclusion, x->grade, ++done};
		const char *why = NULL;
		int32_t nd;
		int k = eq_next_due(rule, &in, &nd, &why);
		if (k < 0) {
			fprintf(stderr, "jinzhi demo: rule %s/%s: %s\n", rule->category,
			        rule->variant, why);
			return -1;
		}
		x->next = k == 0 ? nd : -1;
		n++;
		*due = x->next;
		last = day;
		bad = x->next == day; /* failed, or a grade it may not be used at */
		if (x->next < 0)
			break;
	}
	return n;
}

/* Text of a unit and its inspections while they are bound (room beyond the 18 and 20
 * characters of the codes only for the compiler's worst case). */
struct unit_text {
	char device[32], reg[32], cert[48], registered[11], made[11], since[11], last[11],
	    next_due[11], location[160], inspector[48], report[40], date[11], deadline[11],
	    rectified[11];
};

static int write_defects(struct demo *d, uint64_t *s, int g, int64_t unit_id, int64_t ins_id,
                         int32_t day, struct unit_text *t)
{
	struct db_stmt *st = db_prepare(d->db, SQL_DEFECT);
	if (st == NULL)
		return -1;
	int n = 1 + (int)below(s, DEMO_MAX_DEFECTS);
	uint32_t first = below(s, 4);
	for (int k = 0; k < n; k++) {
		int64_t id;
		if (db_id_next(d->db, &id) != 0)
			return -1;
		int32_t deadline = day + 15 + (int32_t)below(s, 45), rectified = -1;
		if (deadline <= d->today ? chance(s, 920) : chance(s, 300) && day < d->today)
			rectified =
			    day + 1 +
			    (int32_t)below(
			        s, (uint32_t)((deadline <= d->today ? deadline : d->today) - day));
		day_text(deadline, t->deadline);
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, ins_id);
		db_bind_int64(st, 3, unit_id);
		db_bind_cstr_static(st, 4, DEFECTS[g][(first + (uint32_t)k) % 4]);
		db_bind_cstr_static(st, 5, t->deadline);
		if (rectified >= 0) {
			day_text(rectified, t->rectified);
			db_bind_cstr_static(st, 6, t->rectified);
		}
		db_bind_cstr_static(st, 7, d->now);
		int rc = db_step(st);
		db_reset(st);
		if (!step_ok(rc))
			return -1;
		d->rep.defects++;
	}
	return 0;
}

static int write_inspection(struct demo *d, uint64_t *s, int g, int64_t unit_id,
                            const char *institution, const struct demo_inspection *x,
                            struct unit_text *t)
{
	static const char *const CONCLUSION_NAMES[] = {
	    [EQ_PASS] = "pass", [EQ_CONDITIONAL] = "conditional", [EQ_FAIL] = "fail"};
	struct db_stmt *st = db_prepare(d->db, SQL_INSPECTION);
	int64_t id;
	if (st == NULL || db_id_next(d->db, &id) != 0)
		return -1;
	char a[20], b[20];
	person(s, 550, a, sizeof a);
	person(s, 550, b, sizeof b);
	snprintf(t->inspector, sizeof t->inspector, "%s、%s", a, b);
	snprintf(t->report, sizeof t->report, "XZTJ%d-%s%07lld", year_of(x->day), REPORT_LETTERS[g],
	         (long long)++d->report_seq);
	day_text(x->day, t->date);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, unit_id);
	db_bind_cstr_static(st, 3, x->periodic ? "periodic" : "supervisory");
	db_bind_cstr_static(st, 4, institution);
	db_bind_cstr_static(st, 5, t->inspector);
	db_bind_cstr_static(st, 6, t->date);
	db_bind_cstr_static(st, 7, CONCLUSION_NAMES[x->conclusion]);
	if (x->grade)
		db_bind_int64(st, 8, x->grade);
	db_bind_cstr_static(st, 9, t->report);
	if (x->next >= 0) {
		day_text(x->next, t->next_due);
		db_bind_cstr_static(st, 10, t->next_due);
	}
	if (!x->periodic)
		db_bind_cstr_static(st, 11, "安装监督检验");
	else if (x->conclusion == EQ_FAIL)
		db_bind_cstr_static(st, 11, "不合格，停止使用，整改后申请复检");
	db_bind_cstr_static(st, 12, d->now);
	int rc = db_step(st);
	db_reset(st);
	if (!step_ok(rc))
		return -1;
	d->rep.inspections++;
	if (x->conclusion != EQ_PASS && write_defects(d, s, g, unit_id, id, x->day, t) != 0)
		return -1;
	return 0;
}

/* The next sequence number of a registration code (category, office, month). */
static int reg_sequence(struct demo *d, int c, int prefecture, int32_t day)
{
	int y, m, dd;
	date_to_ymd(day, &y, &m, &dd);
	int month = y * 12 + m - 1 - d->reg_first_month;
	if (month < 0 || month >= d->reg_months)
		return -1;
	uint16_t *seq = &d->reg_seq[((size_t)c * DEMO_MAX_PREFECTURES + (size_t)prefecture) *
	                                (size_t)d->reg_months +
	                            (size_t)month];
	if (*seq >= DEMO_SEQUENCE_MAX)
		return -1;
	return ++*seq;
}

/* Rare kinds every demo has a few of, placed after the first unit of each county. */
static const char *const RARE[] = {"9100", "9100", "9100", "6100", "6200", "6600", "5200", "8100"};

static int category_index(const char *code)
{
	for (int c = 0; c < NCATEGORIES; c++)
		if (strcmp(CATEGORIES[c].code, code) == 0)
			return c;
	return 0;
}

static int write_unit(struct demo *d, int64_t i)
{
	uint64_t s = stream(d->key, S_UNIT, (uint64_t)i);
	int c = unit_category(&s);
	if (i >= d->ncounties && i < d->ncounties + (int64_t)COUNT(RARE))
		c = category_index(RARE[i - d->ncounties]);
	const struct demo_category *cat = &CATEGORIES[c];
	int g = cat->group;
	/* Every county first gets a unit, then firms are chosen by industry and size. */
	int32_t fi;
	if (i < d->ncounties) {
		int32_t n = d->county_start[i + 1] - d->county_start[i];
		fi = d->by_county[d->county_start[i] + (int32_t)below(&s, (uint32_t)n)];
	} else {
		fi = pick_firm(d, &s, g);
	}
	const struct demo_firm *f = &d->firms[fi];
	int sometimes = unit_sometimes(&s, c, f);
	const char *variant = sometimes ? cat->sometimes : cat->variant;
	const struct eq_rule *rule = d->rule_of[c][sometimes];
	struct demo_prefecture *pref = prefecture_of(d, f->region);
	int prefecture = (int)(pref - d->prefectures);

	/* Dates: put into use over the last 25 years, made a few months before. */
	int32_t commissioned = d->today - 20 - (int32_t)below(&s, DEMO_YEARS * 365);
	int32_t made = commissioned - 30 - (int32_t)below(&s, 330);
	int age = date_years_between(commissioned, d->today);
	const char *status = "in_use";
	int32_t horizon = d->today;
	if (age >= 1 && chance(&s, age > 15 ? P_SCRAPPED_OLD : P_SCRAPPED))
		status = "scrapped";
	else if (age >= 1 && chance(&s, P_STOPPED))
		status = "stopped";
	if (status[0] != 'i')
		horizon = commissioned + 365 +
		          (int32_t)below(&s, (uint32_t)(d->today - commissioned - 364));
	int in_use = status[0] == 'i';

	struct unit_text t;
	int maker = 0, nmakers = 0;
	for (int k = 0; k < NMAKERS; k++)
		nmakers += MAKERS[k].group == g;
	int pickm = (int)below(&s, (uint32_t)nmakers);
	for (int k = 0; k < NMAKERS; k++)
		if (MAKERS[k].group == g && pickm-- == 0)
			maker = k;
	int made_year = year_of(made);
	uint32_t *serial =
	    &d->serials[((size_t)c * NMAKERS + (size_t)maker) * (size_t)d->serial_years +
	                (size_t)(made_year - d->serial_first_year)];
	if (*serial >= DEMO_SERIAL_MAX) {
		fprintf(stderr,
		        "jinzhi demo: too many units of one maker and year for device codes\n");
		return -1;
	}
	++*serial;
	snprintf(t.device, sizeof t.device, "%s%05d%04d%05u", cat->code, 11001 + maker * 37,
	         made_year, *serial);

	/* Registration: about 93 %, within a month of being put into use. */
	int registered = chance(&s, P_REGISTERED);
	int32_t reg_day = commissioned - 20 + (int32_t)below(&s, 50);
	if (reg_day > d->today)
		reg_day = d->today;
	if (reg_day < made)
		reg_day = made;
	if (registered) {
		int seq = reg_sequence(d, c, prefecture, reg_day);
		if (seq < 0) {
			fprintf(stderr, "jinzhi demo: too many registrations in one month\n");
			return -1;
		}
		int y, m, dd;
		date_to_ymd(reg_day, &y, &m, &dd);
		const char *reg_cat =
		    cat->code[1] >= '0' && cat->code[1] <= '9' ? cat->code : "4000";
		snprintf(t.reg, sizeof t.reg, "%.4s%06d%04d%02d%04d", reg_cat, pref->code, y, m,
		         seq);
		snprintf(t.cert, sizeof t.cert, "%s%c%c藏%c%05d(%02d)", CERT_CHAR[g], cat->code[1],
		         cat->code[2], pref->letter, seq, y % 100);
		day_text(reg_day, t.registered);
	}

	/* History: supervisory inspection at installation, then the rule's. */
	struct demo_inspection ins[DEMO_MAX_INSPECTIONS + 1];
	int n = 0;
	int installed =
	    g == G_BOILER || g == G_ELEVATOR || g == G_CRANE || g == G_RIDE || g == G_ROPEWAY;
	if (installed) {
		int32_t day = commissioned - 3 - (int32_t)below(&s, 25);
		ins[n++] = (struct demo_inspection){day < made ? made : day, -1, -1, 0, EQ_PASS, 0};
	}
	int32_t due;
	int k = walk_history(&s, rule, commissioned, horizon, ins + n, &due);
	if (k < 0)
		return -1;
	/* A few units in use are left with a due inspection not done: back to the latest
	 * inspection whose due date, before it, had already passed today. */
	if (in_use && chance(&s, P_LEFT_OVERDUE)) {
		for (int j = k - 1; j >= 0; j--)
			if (ins[n + j].due_before < d->today) {
				due = ins[n + j].due_before;
				k = j;
				break;
			}
	}
	n += k;

	int64_t id;
	if (db_id_next(d->db, &id) != 0)
		return -1;
	struct db_stmt *st = db_prepare(d->db, SQL_UNIT);
	if (st == NULL)
		return -1;
	const char *name;
	int major;
	bind_parameters(st, &s, c, &name, &major);
	uint32_t place = below(&s, 4);
	const struct region *county = regions_find(f->region);
	if (g == G_ELEVATOR)
		snprintf(t.location, sizeof t.location, "%s%s%u号梯", county->name_zh,
		         PLACES[g][place], 1 + below(&s, 6));
	else
		snprintf(t.location, sizeof t.location, "%s%s", county->name_zh, PLACES[g][place]);
	const char *institution =
	    g == G_ELEVATOR || g == G_CRANE || g == G_VEHICLE || (g == G_BOILER && chance(&s, 600))
	        ? pref->branch
	        : d->institute;
	day_text(made, t.made);
	day_text(commissioned, t.since);
	db_bind_int64(st, U_ID, id);
	db_bind_cstr_static(st, U_DEVICE_CODE, t.device);
	if (registered) {
		db_bind_cstr_static(st, U_REG_CODE, t.reg);
		db_bind_cstr_static(st, U_REG_CERT_NO, t.cert);
		db_bind_cstr_static(st, U_REGISTERED_ON, t.registered);
	}
	db_bind_cstr_static(st, U_CATEGORY, cat->code);
	db_bind_cstr_static(st, U_VARIANT, variant);
	db_bind_cstr_static(st, U_NAME, name);
	db_bind_cstr_static(st, U_MODEL, cat->models[below(&s, 3)]);
	db_bind_cstr_static(st, U_USE_UNIT, f->code);
	db_bind_int64(st, U_REGION_CODE, f->region);
	db_bind_cstr_static(st, U_LOCATION, t.location);
	db_bind_cstr_static(st, U_MANUFACTURER, MAKERS[maker].name);
	db_bind_cstr_static(st, U_MANUFACTURED_ON, t.made);
	if (installed)
		db_bind_cstr_static(st, U_INSTALLER,
		                    g == G_ELEVATOR ? pref->maintainers[below(&s, 4)]
		                                    : pref->installers[below(&s, 2)]);
	if (g == G_ELEVATOR)
		db_bind_cstr_static(st, U_MAINTAINER, pref->maintainers[below(&s, 4)]);
	db_bind_cstr_static(st, U_INSTITUTION, institution);
	db_bind_cstr_static(st, U_COMMISSIONED_ON, t.since);
	db_bind_cstr_static(st, U_STATUS, status);
	int grade = 0;
	for (int j = 0; j < n; j++)
		if (ins[j].grade)
			grade = ins[j].grade;
	if (grade)
		db_bind_int64(st, U_SAFETY_GRADE, grade);
	db_bind_int64(st, U_MAJOR_HAZARD, major);
	if (n > 0) {
		day_text(ins[n - 1].day, t.last);
		db_bind_cstr_static(st, U_LAST_INSPECTED_ON, t.last);
		db_bind_cstr_static(st, U_LAST_CONCLUSION,
		                    eq_conclusion_name(ins[n - 1].conclusion));
	}
	db_bind_int64(st, U_INSPECTIONS_DONE, k);
	if (due >= 0) {
		day_text(due, t.next_due);
		db_bind_cstr_static(st, U_NEXT_DUE, t.next_due);
	}
	db_bind_cstr_static(st, U_CREATED_AT, d->now);
	db_bind_cstr_static(st, U_UPDATED_AT, d->now);
	db_bind_int64(st, U_VERSION, 1 + n);
	int rc = db_step(st);
	db_reset(st);
	if (!step_ok(rc)) {
		fprintf(stderr, "jinzhi demo: unit %s: %s\n", t.device, db_errmsg(d->db));
		return -1;
	}
	for (int j = 0; j < n; j++)
		if (write_inspection(d, &s, g, id, institution, &ins[j], &t) != 0) {
			fprintf(stderr, "jinzhi demo: inspection of %s: %s\n", t.device,
			        db_errmsg(d->db));
			return -1;
		}

	d->units[i] = (struct demo_unit_ref){id, fi, (uint8_t)c, (uint8_t)in_use};
	d->rep.units++;
	d->rep.in_use += in_use;
	d->rep.registered += registered;
	d->rep.overdue += in_use && due >= 0 && due < d->today;
	if (!d->firm_used[fi]) {
		d->firm_used[fi] = 1;
		d->rep.use_units++;
	}
	return 0;
}

/* ---- operators, accidents, cylinders, campaigns --------------------------------------------- */

static int write_operator(struct demo *d, int64_t j)
{
	static const char SQL[] =
	    "INSERT INTO eq_operator (id, name, id_tail, employer, region_code, category, item, "
	    "cert_no, issued_on, valid_until, on_duty, created_at, updated_at) VALUES (?, ?, ?, ?, "
	    "?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)";
	uint64_t s = stream(d->key, S_OPERATOR, (uint64_t)j);
	const struct demo_unit_ref *u = &d->units[next(&s) % (uint64_t)d->nunits];
	const struct demo_firm *f = &d->firms[u->firm];
	const struct demo_category *cat = &CATEGORIES[u->category];
	char top[5] = {cat->code[0], '0', '0', '0', 0};
	char name[24], tail[5], cert[32], issued[11], valid[11];
	person(&s, 700, name, sizeof name);
	snprintf(tail, sizeof tail, "%03u%c", below(&s, 1000),
	         chance(&s, 90) ? 'X' : (char)('0' + below(&s, 10)));
	/* Certificates run four years: most valid, some running out within 60 days, some out. */
	uint32_t u3 = below(&s, 1000);
	int certified = u3 >= 30;
	int32_t until = u3 < 70    ? d->today - 1 - (int32_t)below(&s, 700)
	                : u3 < 120 ? d->today + (int32_t)below(&s, 60)
	                           : d->today + 60 + (int32_t)below(&s, 4 * 365 - 60);
	const struct demo_prefecture *p = prefecture_of(d, f->region);
	int64_t id;
	struct db_stmt *st = db_prepare(d->db, SQL);
	if (st == NULL || db_id_next(d->db, &id) != 0)
		return -1;
	db_bind_int64(st, 1, id);
	db_bind_cstr_static(st, 2, name);
	db_bind_cstr_static(st, 3, tail);
	db_bind_cstr_static(st, 4, f->code);
	db_bind_int64(st, 5, f->region);
	db_bind_cstr_static(st, 6, top);
	db_bind_cstr_static(st, 7, chance(&s, 150) ? "A" : ITEMS[cat->group]);
	if (certified) {
		int32_t from = date_add_months(until + 1, -48);
		snprintf(cert, sizeof cert, "TS%c%d%08lld", p->letter, year_of(from),
		         (long long)++d->cert_seq);
		day_text(from, issued);
		day_text(until, valid);
		db_bind_cstr_static(st, 8, cert);
		db_bind_cstr_static(st, 9, issued);
		db_bind_cstr_static(st, 10, valid);
	}
	db_bind_int64(st, 11, !chance(&s, 50));
	db_bind_cstr_static(st, 12, d->now);
	db_bind_cstr_static(st, 13, d->now);
	int rc = db_step(st);
	db_reset(st);
	if (!step_ok(rc))
		return -1;
	d->rep.operators++;
	d->rep.certified += certified;
	return 0;
}

static int write_accident(struct demo *d, int64_t k)
{
	static const char SQL[] =
	    "INSERT INTO eq_accident (id, unit_id, use_unit, region_code, category, occurred_on, "
	    "reported_on, level, deaths, injuries, loss_yuan, summary, status, cause, "
	    "responsible_handled, measures_done, people_educated, closed_on, created_at, "
	    "updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	uint64_t s = stream(d->key, S_ACCIDENT, (uint64_t)k);
	const struct demo_unit_ref *u = NULL;
	for (int tries = 0; tries < 32 && (u == NULL || !u->in_use); tries++)
		u = &d->units[next(&s) % (uint64_t)d->nunits];
	const struct demo_firm *f = &d->firms[u->firm];
	const struct demo_category *cat = &CATEGORIES[u->category];
	int32_t occurred = d->today - (int32_t)below(&s, DEMO_ACCIDENT_YEARS * 365);
	int32_t reported = occurred + (int32_t)below(&s, 2);
	if (reported > d->today)
		reported = d->today;
	int32_t age = d->today - occurred;
	/* Older accidents are mostly closed; the last two months' mostly still open. */
	uint32_t x = below(&s, 1000);
	const char *status = age > 180  ? (x < 900 ? "closed" : "investigating")
	                     : age > 60 ? (x < 650 ? "closed" : "investigating")
	                                : (x < 150   ? "closed"
	                                   : x < 550 ? "investigating"
	                                             : "reported");
	int32_t closed = occurred + 20 + (int32_t)below(&s, (uint32_t)(age > 200 ? 160 : 40));
	if (status[0] == 'c' && closed > d->today)
		closed = d->today;
	uint32_t lv = below(&s, 1000);
	const char *level = lv < 920 ? "general" : lv < 990 ? "larger" : "major";
	int64_t deaths = lv < 920   ? (chance(&s, 150) ? 1 + below(&s, 2) : 0)
	                 : lv < 990 ? 3 + below(&s, 4)
	                            : 10 + below(&s, 3);
	int64_t injuries = below(&s, 4);
	int64_t loss = 5000 + 1000 * (int64_t)below(&s, lv < 920 ? 200 : 5000);
	char on[11], rep[11], cl[11];
	day_text(occurred, on);
	day_text(reported, rep);
	day_text(closed, cl);
	int64_t id;
	struct db_stmt *st = db_prepare(d->db, SQL);
	if (st == NULL || db_id_next(d->db, &id) != 0)
		return -1;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, u->id);
	db_bind_cstr_static(st, 3, f->code);
	db_bind_int64(st, 4, f->region);
	db_bind_cstr_static(st, 5, cat->code);
	db_bind_cstr_static(st, 6, on);
	db_bind_cstr_static(st, 7, rep);
	db_bind_cstr_static(st, 8, level);
	db_bind_int64(st, 9, deaths);
	db_bind_int64(st, 10, injuries);
	db_bind_int64(st, 11, loss);
	db_bind_cstr_static(st, 12, ACCIDENTS[cat->group][below(&s, 3)]);
	db_bind_cstr_static(st, 13, status);
	if (status[0] != 'r')
		db_bind_cstr_static(st, 14,
		                    "使用单位未落实日常维护保养和安全检查，作业人员违章操作");
	if (status[0] == 'c') {
		db_bind_cstr_static(st, 15, "对使用单位处以罚款，对直接责任人给予行政处分");
		db_bind_cstr_static(st, 16, "设备经整改并检验合格，修订安全管理制度和应急预案");
		db_bind_cstr_static(st, 17, "组织全体作业人员和安全管理人员开展警示教育和培训");
		db_bind_cstr_static(st, 18, cl);
	}
	db_bind_cstr_static(st, 19, d->now);
	db_bind_cstr_static(st, 20, d->now);
	int rc = db_step(st);
	db_reset(st);
	if (!step_ok(rc))
		return -1;
	d->rep.accidents++;
	d->rep.closed += status[0] == 'c';
	return 0;
}

static int write_batch(struct demo *d, int64_t b, const int32_t *stations, int nstations)
{
	static const char SQL[] =
	    "INSERT INTO eq_cylinder_batch (id, station, region_code, category, variant, batch_no, "
	    "spec, quantity, manufacturer, manufactured_on, status, last_inspected_on, "
	    "inspections_done, next_due, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, "
	    "?, ?, ?, ?, ?, ?, ?)";
	static const struct {
		const char *category, *variant, *spec;
		uint16_t weight, qmin, qspan;
	} KINDS[] = {
	    {"2320", "lpg", "YSP-15 液化石油气", 550, 200, 2800},
	    {"2320", "lpg50", "YSP-50 液化石油气", 80, 50, 400},
	    {"2310", "general", "40L 15MPa 氧气", 200, 50, 600},
	    {"2310", "inert", "40L 15MPa 氮气", 100, 50, 400},
	    {"2310", "corrosive", "40L 氯气", 70, 20, 100},
	};
	uint64_t s = stream(d->key, S_BATCH, (uint64_t)b);
	const struct demo_firm *f = &d->firms[stations[below(&s, (uint32_t)nstations)]];
	uint32_t x = below(&s, 1000), kind = 0;
	while (x >= KINDS[kind].weight)
		x -= KINDS[kind++].weight;
	int32_t made = d->today - 30 - (int32_t)below(&s, DEMO_CYLINDER_YEARS * 365);
	int age = date_years_between(made, d->today);
	const char *status = age >= 8 && chance(&s, 700)  ? "scrapped"
	                     : age >= 1 && chance(&s, 30) ? "stopped"
	                                                  : "in_use";
	int32_t horizon = status[0] == 'i'
	                      ? d->today
	                      : made + 365 + (int32_t)below(&s, (uint32_t)(d->today - made - 364));
	/* "general" is the category's default rule (as cylinders.c reads it). */
	const char *variant = KINDS[kind].variant;
	const struct eq_rule *rule = eq_rule_find(&d->rules, KINDS[kind].category,
	                                          strcmp(variant, "general") ? variant : NULL);
	int32_t due = -1, last = -1;
	int done = 0, leave = chance(&s, P_LEFT_OVERDUE);
	if (rule && eq_first_due(rule, made, &due) == 0) {
		for (;;) {
			/* Left overdue: the inspection due within the last year not done. */
			if (leave && due < d->today && due >= d->today - 365)
				break;
			int32_t day = due - (int32_t)below(&s, 20);
			if (day <= last)
				day = last + 1;
			if (day > horizon)
				break;
			struct eq_inspected in = {made, day, EQ_PASS, 0, ++done};
			const char *why = NULL;
			int32_t nd;
			int k = eq_next_due(rule, &in, &nd, &why);
			if (k < 0) {
				fprintf(stderr, "jinzhi demo: cylinder rule %s: %s\n",
				        rule->category, why);
				return -1;
			}
			last = day;
			due = k == 0 ? nd : -1;
			if (due < 0)
				break;
		}
	}
	char batch_no[32], made_t[11], last_t[11], due_t[11];
	snprintf(batch_no, sizeof batch_no, "P%d-%06lld", year_of(made), (long long)++d->batch_seq);
	day_text(made, made_t);
	int64_t id;
	struct db_stmt *st = db_prepare(d->db, SQL);
	if (st == NULL || db_id_next(d->db, &id) != 0)
		return -1;
	db_bind_int64(st, 1, id);
	db_bind_cstr_static(st, 2, f->code);
	db_bind_int64(st, 3, f->region);
	db_bind_cstr_static(st, 4, KINDS[kind].category);
	db_bind_cstr_static(st, 5, KINDS[kind].variant);
	db_bind_cstr_static(st, 6, batch_no);
	db_bind_cstr_static(st, 7, KINDS[kind].spec);
	db_bind_int64(st, 8, KINDS[kind].qmin + below(&s, KINDS[kind].qspan));
	db_bind_cstr_static(st, 9, PICK(&s, CYLINDER_MAKERS));
	db_bind_cstr_static(st, 10, made_t);
	db_bind_cstr_static(st, 11, status);
	if (last >= 0) {
		day_text(last, last_t);
		db_bind_cstr_static(st, 12, last_t);
	}
	db_bind_int64(st, 13, done);
	if (due >= 0) {
		day_text(due, due_t);
		db_bind_cstr_static(st, 14, due_t);
	}
	db_bind_cstr_static(st, 15, d->now);
	db_bind_cstr_static(st, 16, d->now);
	int rc = db_step(st);
	db_reset(st);
	if (!step_ok(rc))
		return -1;
	d->rep.cylinder_batches++;
	return 0;
}

static int write_cylinders(struct demo *d)
{
	if (d->o->cylinder_batches <= 0)
		return 0;
	int nstations = (int)(d->o->cylinder_batches / 5 + 1);
	int32_t *stations = xcalloc((size_t)nstations, sizeof *stations);
	for (int k = 0; k < nstations; k++) {
		uint64_t s = stream(d->key, S_STATION, (uint64_t)k);
		stations[k] = pick_firm(d, &s, G_STATION);
	}
	int rc = 0;
	for (int64_t b = 0; b < d->o->cylinder_batches && rc == 0; b++)
		rc = write_batch(d, b, stations, nstations);
	free(stations);
	return rc;
}

static int write_campaigns(struct demo *d)
{
	static const char SQL[] =
	    "INSERT INTO eq_campaign (id, name, description, region_code, category, variant, "
	    "major_hazard_only, starts_on, ends_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, "
	    "NULL, ?, ?, ?, ?, 'demo')";
	static const struct {
		const char *name, *description, *category;
		int major_only, start_months, months;
	} CAMPAIGNS[] = {
	    /* category is a code or its first characters: "3" is every elevator. */
	    {"液化石油气汽车罐车专项整治",
	     "逐台排查全区液化石油气汽车罐车的登记、定期检验和紧急切断装置。", "2220", 0, -3, 9},
	    {"电梯安全攻坚", "住宅、医院和商场电梯逐台排查，超期未检的限期检验，督促维保单位整改。",
	     "3", 0, -5, 12},
	    {"大型游乐设施安全专项检查",
	     "旅游旺季前全面检查大型游乐设施的安全压杠、束缚装置和应急预案。", "6", 0, -1, 6},
	};
	int y, m, dd;
	date_to_ymd(d->today, &y, &m, &dd);
	int32_t month1 = date_from_ymd(y, m, 1);
	size_t nregion;
	const struct region *all = regions_all(&nregion);
	int province = 540000;
	for (size_t i = 0; i < nregion; i++)
		if (all[i].level == REGION_PROVINCE) {
			province = all[i].code;
			break;
		}
	for (size_t k = 0; k < COUNT(CAMPAIGNS); k++) {
		struct db_stmt *st = db_prepare(d->db, SQL);
		int64_t id;
		if (st == NULL || db_id_next(d->db, &id) != 0)
			return -1;
		char from[11], to[11];
		int32_t start = date_add_months(month1, CAMPAIGNS[k].start_months);
		day_text(start, from);
		day_text(date_add_months(start, CAMPAIGNS[k].months) - 1, to);
		db_bind_int64(st, 1, id);
		db_bind_cstr_static(st, 2, CAMPAIGNS[k].name);
		db_bind_cstr_static(st, 3, CAMPAIGNS[k].description);
		db_bind_int64(st, 4, province);
		db_bind_cstr_static(st, 5, CAMPAIGNS[k].category);
		db_bind_int64(st, 6, CAMPAIGNS[k].major_only);
		db_bind_cstr_static(st, 7, from);
		db_bind_cstr_static(st, 8, to);
		db_bind_cstr_static(st, 9, d->now);
		int rc = db_step(st);
		db_reset(st);
		if (!step_ok(rc))
			return -1;
		d->rep.campaigns++;
	}
	return 0;
}

/* ---- the load --------------------------------------------------------------------------- */

/* The tables written in bulk: their indexes are dropped for the load and built once after. */
static const char *const BULK_TABLES[] = {"eq_unit", "eq_inspection", "eq_defect", "eq_operator"};

/* Drops every index of table (see db_indexes_suspend); returns what to rebuild, or NULL. */
static char *suspend_indexes(struct db *db, const char *table)
{
	struct db_stmt *st = db_prepare_once(
	    db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS "
	        "NOT NULL");
	if (st == NULL)
		return NULL;
	db_bind_cstr(st, 1, table);
	char *names[32];
	int n = 0;
	while (n < 31 && db_step(st) == DB_ROW)
		names[n++] = xstrdup(db_col_text(st, 0, NULL));
	names[n] = NULL;
	db_finalize(st);
	char *saved = n ? db_indexes_suspend(db, table, (const char *const *)names) : NULL;
	for (int i = 0; i < n; i++)
		free(names[i]);
	return saved;
}

/* 1 in *empty when none of the tables the demo fills in bulk has a row (the demo never mixes
 * its rows with others': codes it makes unique could meet a real one). */
static int is_empty(struct db *db, int *empty)
{
	struct db_stmt *st = db_prepare_once(
	    db, "SELECT NOT EXISTS (SELECT 1 FROM eq_unit) AND NOT EXISTS (SELECT 1 FROM "
	        "eq_operator) AND NOT EXISTS (SELECT 1 FROM eq_accident) AND NOT EXISTS (SELECT 1 "
	        "FROM eq_cylinder_batch)");
	if (st == NULL)
		return -1;
	int rc = db_step(st);
	*empty = rc == DB_ROW && db_col_int64(st, 0);
	db_finalize(st);
	return rc == DB_ROW ? 0 : -1;
}

static int write_all(struct demo *d)
{
	d->units = xcalloc((size_t)d->o->units, sizeof *d->units);
	for (int64_t i = 0; i < d->o->units; i++) {
		if (write_unit(d, i) != 0)
			return -1;
		d->nunits = i + 1;
	}
	for (int c = 0; c < d->ncounties; c++)
		d->rep.counties += d->county_start[c + 1] > d->county_start[c];
	for (int64_t j = 0; j < d->o->operators && d->nunits; j++)
		if (write_operator(d, j) != 0)
			return -1;
	for (int64_t k = 0; k < d->o->accidents && d->nunits; k++)
		if (write_accident(d, k) != 0)
			return -1;
	if (write_cylinders(d) != 0 || write_campaigns(d) != 0)
		return -1;
	return 0;
}

void eq_demo_options_init(struct eq_demo_options *o, enum eq_demo_scale scale, uint64_t seed,
                          int32_t today)
{
	memset(o, 0, sizeof *o);
	o->seed = seed;
	o->today = today;
	int large = scale == EQ_DEMO_LARGE;
	o->units = large ? DEMO_LARGE_UNITS : DEMO_SMALL_UNITS;
	o->operators = large ? DEMO_LARGE_OPERATORS : DEMO_SMALL_OPERATORS;
	o->accidents = large ? DEMO_LARGE_ACCIDENTS : DEMO_SMALL_ACCIDENTS;
	o->cylinder_batches = large ? DEMO_LARGE_BATCHES : DEMO_SMALL_BATCHES;
}

static void demo_free(struct demo *d)
{
	eq_rules_free(&d->rules);
	arena_free(&d->strings);
	free(d->firms);
	free(d->by_bucket);
	free(d->by_county);
	free(d->firm_used);
	free(d->reg_seq);
	free(d->serials);
	free(d->units);
}

int eq_demo_load(struct db *db, const struct eq_demo_options *o, struct eq_demo_report *rep)
{
	struct demo *d = xcalloc(1, sizeof *d);
	d->db = db;
	d->o = o;
	d->today = o->today;
	d->today_year = year_of(o->today);
	d->key = mix(o->seed ^ 0x45515549504D454EULL); /* "EQUIPMEN" */
	now_iso(d->now);
	/* Registration months and years of manufacture from 27 years back. */
	d->reg_first_month = (d->today_year - DEMO_YEARS - 2) * 12;
	d->reg_months = (DEMO_YEARS + 3) * 12;
	d->serial_first_year = d->today_year - DEMO_YEARS - 2;
	d->serial_years = DEMO_YEARS + 3;
	d->reg_seq = xcalloc((size_t)NCATEGORIES * DEMO_MAX_PREFECTURES * (size_t)d->reg_months,
	                     sizeof *d->reg_seq);
	d->serials =
	    xcalloc((size_t)NCATEGORIES * NMAKERS * (size_t)d->serial_years, sizeof *d->serials);
	struct actor who = {.name = "demo", .all_regions = 1};
	char *saved[COUNT(BULK_TABLES)] = {0};
	int status = -1, empty = 0, began = 0;

	if (db_begin_write(db) != 0)
		goto out;
	began = 1;
	if (is_empty(db, &empty) != 0)
		goto out;
	if (!empty) {
		d->rep.already = 1;
		status = 0;
		goto out;
	}
	if (setup_rules(d) != 0 || setup_places(d) != 0 || load_firms(d) != 0)
		goto out;
	for (size_t t = 0; t < COUNT(BULK_TABLES); t++)
		saved[t] = suspend_indexes(db, BULK_TABLES[t]);
	if (write_all(d) != 0)
		goto out;
	/* The tallies first: without the indexes each count is one plain scan of its table
	 * (with them SQLite would walk an index and look every row up). */
	if (eq_tally_rebuild(db) != 0) {
		fprintf(stderr, "jinzhi demo: rebuilding the tallies: %s\n", db_errmsg(db));
		goto out;
	}
	for (size_t t = 0; t < COUNT(BULK_TABLES); t++) {
		int rc = db_indexes_restore(db, saved[t]);
		saved[t] = NULL;
		if (rc != 0) {
			fprintf(stderr, "jinzhi demo: rebuilding the indexes of %s: %s\n",
			        BULK_TABLES[t], db_errmsg(db));
			goto out;
		}
	}
	char summary[512];
	snprintf(
	    summary, sizeof summary,
	    "{\"seed\":\"%llu\",\"units\":%lld,\"inspections\":%lld,\"defects\":%lld,"
	    "\"operators\":%lld,\"accidents\":%lld,\"cylinder_batches\":%lld,\"campaigns\":%lld}",
	    (unsigned long long)o->seed, (long long)d->rep.units, (long long)d->rep.inspections,
	    (long long)d->rep.defects, (long long)d->rep.operators, (long long)d->rep.accidents,
	    (long long)d->rep.cylinder_batches, (long long)d->rep.campaigns);
	if (audit_append(db, &who, "equipment.demo.load", "equipment_demo", "demo", NULL, summary,
	                 "ok") != 0 ||
	    db_commit(db) != 0) {
		fprintf(stderr, "jinzhi demo: committing the equipment demo: %s\n", db_errmsg(db));
		goto out;
	}
	began = 0;
	status = 0;
out:
	if (began)
		db_rollback(db);
	for (size_t t = 0; t < COUNT(BULK_TABLES); t++)
		free(saved[t]);
	if (rep)
		*rep = d->rep;
	demo_free(d);
	free(d);
	return status;
}

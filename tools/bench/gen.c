/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * gen.c - see gen.h.
 *
 * Determinism: every draw comes from xoshiro256** seeded through
 * splitmix64 (one stream for the employers, one for the postings, one per
 * query, so query i is made alone), and every number is computed with +,
 * -, *, / and round(), which IEEE 754 rounds the same everywhere: points
 * in a disc by rejection rather than trigonometry, normals as the sum of
 * 12 uniforms, and the one exponential the workload needs (the lognormal
 * pay) as a Taylor series rather than libm's exp(), whose last bit differs
 * between libcs. jm_gen is built with -ffp-contract=off (no fused
 * multiply-adds). Coordinates are rounded to 6 decimals (0.1 m), so they
 * survive the protocol's 12 significant digits exactly.
 *
 * Beyond gen.h's list, a query carries each seeker flag with a small
 * probability, so that the default rule set's boosts fire too.
 *
 * Ownership: the jobs array, their titles and their skill pointer arrays
 * are one allocation (g->jobs); the skill strings are gen_skills' own. The
 * employers array and their names are another (g->employers). So a
 * generated job or employer must never be job_clear'ed or
 * employer_clear'ed: gen_free frees the two blocks.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/bench/gen.h"

#define GEN_NOW		1767225600	/* 2026-01-01 00:00:00 UTC */
#define CENTRE_LAT	30.33		/* the county's centre, N */
#define CENTRE_LON	107.35		/* E */
#define COS_CENTRE	0.8631312622203637	/* cos(30.33 degrees) */
#define KM_PER_DEG	111.19492664455873	/* along a meridian */
#define SITE_KM		3.0		/* employers within this of a town */
#define SEEKER_KM	5.0		/* seekers within this of a town */
#define LN_PAY		8.1886891244442	/* ln 3600 */
#define PAY_SIGMA	0.30
#define JOBS_PER_EMP	20
#define COUNT_LIMIT	10000000	/* the protocol's largest count */
#define TITLE_SLOT	48		/* bytes kept for one title */
#define NAME_SLOT	96		/* bytes kept for one employer name */
#define JOB_SKILLS_MIN	2
#define JOB_SKILLS_MAX	8
#define Q_SKILLS_MAX	6

/* Independent streams of one seed. */
enum { STREAM_EMPLOYERS = 1, STREAM_JOBS = 2, STREAM_QUERY = 3 };

const char *const gen_skills[] = {
	"沟通", "打字", "客服", "包装", "电脑操作", "办公软件", "保洁",
	"分拣", "手工", "按摩", "数据录入", "仓库管理", "电商", "推拿",
	"收银", "缝纫", "文员", "普通话", "质检", "组装", "绿化养护",
	"烹饪", "面点", "洗车", "保安", "快递分拣", "装配", "手语", "竹编",
	"编织", "十字绣", "剪纸", "陶艺", "木工", "电工", "焊接", "维修",
	"家电维修", "手机维修", "美发", "美甲", "摄影", "平面设计",
	"视频剪辑", "直播带货", "网店运营", "短视频运营", "新媒体运营",
	"文案", "翻译", "英语", "会计", "出纳", "统计", "档案管理",
	"前台接待", "电话销售", "销售", "导购", "理货", "库管", "物流",
	"配送", "驾驶", "叉车", "养殖", "种植", "蔬菜种植", "中药材种植",
	"果树栽培", "茶叶加工", "食品加工", "农产品加工", "烘焙",
	"咖啡制作", "茶艺", "调音", "钢琴调律", "音乐", "声乐", "播音",
	"心理咨询", "社工", "康复护理", "养老护理", "育婴", "家政", "护工",
	"保健", "足疗", "中医经络", "针灸", "理疗", "盲文", "读屏软件",
	"Excel", "Word", "WPS", "PPT", "Python", "Java", "JavaScript",
	"前端", "小程序", "网页设计", "UI设计", "3D建模", "CAD制图", "测试",
	"数据标注", "图片审核", "内容审核", "在线客服", "售后", "呼叫中心",
	"物联网", "传感器", "无人机", "植保", "电子组装", "线束加工",
	"电路板焊接", "塑料加工", "服装加工", "制鞋", "皮具制作", "刺绣",
	"蜀绣", "夏布", "竹编工艺", "藤编", "草编", "布艺", "串珠", "折纸",
	"插花", "园艺", "护林", "巡山", "道路养护", "垃圾分类", "停车管理",
	"物业管理", "门卫", "值班", "巡逻", "社区服务", "活动策划",
	"组织协调", "宣传", "写作", "书法", "绘画", "国画", "雕刻", "根雕",
	"石刻", "印刷", "复印", "装订", "打印", "扫描", "数据整理", "表格",
	"报表", "库存盘点", "采购", "招聘", "人事", "培训", "教学", "辅导",
	"手语翻译", "普通话播音", "主持", "演讲", "礼仪", "接待",
	"餐饮服务", "传菜", "洗碗", "切配", "厨师", "面包", "糕点",
	"豆制品加工", "榨菜加工", "牡丹种植", "柚子种植", "水产养殖",
	"生猪养殖", "家禽养殖", "兽医", "农机操作", "电焊", "钳工", "车工",
	"机床操作", "注塑",
};
const size_t gen_nskills = sizeof(gen_skills) / sizeof(gen_skills[0]);

/* Weights of a choice; the index is the value chosen. */
struct weights {
	const unsigned	*w;
	size_t		 n;
};
#define WEIGHTS(a)	{ (a), sizeof(a) / sizeof((a)[0]) }

/* Disability prevalence (China's 2006 sample survey), enum disability. */
static const unsigned w_disability[DIS_COUNT] = { 149, 242, 15, 291, 67, 74,
	163 };
/* Grades 1-4 (index 0 is grade 1). */
static const unsigned w_grade[4] = { 10, 20, 35, 35 };
/* Employer types, enum employer_type. */
static const unsigned w_employer[ET_COUNT] = {
	[ET_AGENCY] = 6, [ET_INSTITUTION] = 10, [ET_SOE] = 8,
	[ET_PRIVATE] = 58, [ET_COMMUNITY] = 10, [ET_SOCIAL_ORG] = 0,
	[ET_SHELTERED_WORKSHOP] = 8 };
/* Employment types by employer type, enum employment. */
static const unsigned w_employment[ET_COUNT][EMP_COUNT] = {
	[ET_AGENCY] = { 30, 0, 50, 0, 0, 20 },
	[ET_INSTITUTION] = { 50, 0, 30, 0, 0, 20 },
	[ET_SOE] = { 80, 10, 0, 0, 0, 10 },
	[ET_PRIVATE] = { 65, 15, 0, 0, 15, 5 },
	[ET_COMMUNITY] = { 0, 30, 60, 0, 10, 0 },
	[ET_SOCIAL_ORG] = { 50, 30, 0, 0, 20, 0 },
	[ET_SHELTERED_WORKSHOP] = { 0, 10, 0, 80, 10, 0 },
};
/* Accommodations, in vocab order (step_free_access ... service_animal). */
static const unsigned w_accom[ACCOM_COUNT] = { 20, 8, 14, 5, 8, 6, 3, 2, 4,
	5, 6, 2, 6, 10, 3, 8, 14, 6, 3, 2 };
/* max_distance_km of a query. */
static const double max_km[] = { 3, 5, 10, 20, 40 };
static const unsigned w_max_km[] = { 15, 25, 30, 20, 10 };
/* Seeker flags, enum seeker_flag, in per-mille. */
static const unsigned flag_pm[FLAG_COUNT] = { 80, 50, 120, 350 };

static const char *const titles[] = {
	"客服专员", "保洁员", "包装工", "分拣员", "数据录入员", "盲人按摩师",
	"推拿师", "仓库管理员", "电商运营", "手工编织工", "文员", "收银员",
	"质检员", "组装工", "绿化工", "公益岗协管员", "社区服务员", "话务员",
	"热线接线员", "配送司机", "面点师", "洗车工", "缝纫工", "竹编艺人",
	"设计助理", "数据标注员", "内容审核员", "护林员", "道路养护工", "门卫",
};
static const unsigned w_title[] = { 8, 8, 8, 8, 6, 4, 3, 5, 4, 4, 6, 5, 4, 6,
	4, 4, 4, 1, 1, 2, 2, 2, 3, 2, 2, 3, 3, 2, 2, 3 };

static const char *const name_words[] = {
	"丰禾", "桂溪", "明月", "牡丹", "金桥", "沙河", "澄溪", "高峰",
	"永安", "新民", "鹤游", "太平", "坪山", "长龙", "黄沙", "白家",
	"周嘉", "普顺", "永平", "三溪", "包家", "杠家", "砚台", "曹回",
};
static const char *const type_suffix[ET_COUNT] = {
	[ET_AGENCY] = "镇人民政府", [ET_INSTITUTION] = "服务中心",
	[ET_SOE] = "建设投资集团有限公司", [ET_PRIVATE] = "科技有限公司",
	[ET_COMMUNITY] = "社区服务站", [ET_SOCIAL_ORG] = "助残服务社",
	[ET_SHELTERED_WORKSHOP] = "辅助性就业基地",
};

/* ---- the PRNG ------------------------------------------------------- */

struct rng {
	uint64_t	s[4];
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Stream (kind, index) of seed: distinct streams are independent. */
static void
rng_seed(struct rng *r, uint64_t seed, uint64_t kind, uint64_t index)
{
	uint64_t a = seed, b = kind * 0x100000001b3ULL + 0x51ed270b27ULL, x;

	x = splitmix64(&a) ^ splitmix64(&b);
	b = index;
	x ^= splitmix64(&b) * 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-high). */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* Uniform in [lo, hi]. */
static int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo + 1));
}

static size_t
rng_pick(struct rng *r, const unsigned *w, size_t n)
{
	uint64_t total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = rng_below(r, total);
	for (i = 0; i < n - 1; i++) {
		if (x < w[i])
			break;
		x -= w[i];
	}
	return i;
}

/* Distinct values drawn by weight, as a bit mask; count <= nonzero. */
static uint32_t
rng_pick_distinct(struct rng *r, const unsigned *w, size_t n, size_t count,
    uint32_t mask)
{
	unsigned left[32];
	size_t have = 0;

	for (size_t i = 0; i < n; i++) {
		left[i] = mask & 1u << i ? 0 : w[i];
		have += mask >> i & 1;
	}
	while (have < count) {
		size_t k = rng_pick(r, left, n);
		mask |= 1u << k;
		left[k] = 0;
		have++;
	}
	return mask;
}

/* Standard normal, approximately: the Irwin-Hall sum of 12 uniforms. */
static double
rng_normal(struct rng *r)
{
	double s = 0;

	for (int i = 0; i < 12; i++)
		s += rng_unit(r);
	return s - 6.0;
}

/* e^x for |x| < 700, with basic operations only (see the top). */
static double
gen_exp(double x)
{
	const double ln2_hi = 0.693147180369123816490;
	const double ln2_lo = 1.90821492927058770002e-10;
	double k = round(x / 0.6931471805599453), r, p = 1;

	r = x - k * ln2_hi - k * ln2_lo;
	for (int n = 20; n >= 1; n--)
		p = 1 + r * p / n;
	return ldexp(p, (int)k);
}

/* Zipf (s = 1) rank in [0, n): the inverse of the cumulative 1/k. */
static size_t
rng_zipf(struct rng *r, size_t n, double harmonic)
{
	double u = rng_unit(r) * harmonic, c = 0;

	for (size_t k = 0; k < n; k++) {
		c += 1.0 / (double)(k + 1);
		if (u < c)
			return k;
	}
	return n - 1;
}

static double
harmonic_of(size_t n)
{
	double h = 0;

	for (size_t k = 0; k < n; k++)
		h += 1.0 / (double)(k + 1);
	return h;
}

/* Draws count distinct skill ranks into out. */
static void
draw_skills(struct rng *r, double harmonic, size_t count, size_t *out)
{
	size_t n = 0;

	while (n < count) {
		size_t k = rng_zipf(r, gen_nskills, harmonic), i;
		for (i = 0; i < n && out[i] != k; i++)
			;
		if (i == n)
			out[n++] = k;
	}
}

static double
round6(double v)
{
	return round(v * 1e6) / 1e6;
}

/* A town, the county seat's subdistricts three times as likely. */
static int
pick_town(struct rng *r, const struct towns *t)
{
	uint64_t total = 0, x;
	size_t i;

	for (i = 0; i < t->n; i++)
		total += strcmp(t->v[i].kind, "subdistrict") == 0 ? 3 : 1;
	x = rng_below(r, total);
	for (i = 0; i < t->n - 1; i++) {
		unsigned w = strcmp(t->v[i].kind, "subdistrict") == 0 ? 3 : 1;
		if (x < w)
			break;
		x -= w;
	}
	return (int)i;
}

/* A point uniformly within km of town (rejection in the square). */
static void
near_town(struct rng *r, const struct town *t, double km, double *lat,
    double *lon)
{
	double dx, dy;

	do {
		dx = 2 * rng_unit(r) - 1;
		dy = 2 * rng_unit(r) - 1;
	} while (dx * dx + dy * dy > 1);
	*lat = round6(t->lat + dy * km / KM_PER_DEG);
	*lon = round6(t->lon + dx * km / (KM_PER_DEG * COS_CENTRE));
}

/* Monthly pay around 3,600, lognormal. */
static double
draw_pay(struct rng *r)
{
	return gen_exp(LN_PAY + PAY_SIGMA * rng_normal(r));
}

/* ---- the data set --------------------------------------------------- */

static int
gen_employers(struct gen *g, size_t n, double *site)
{
	struct rng r;
	char (*names)[NAME_SLOT];

	g->employers = malloc(n * (sizeof(struct employer) + NAME_SLOT));
	if (g->employers == NULL)
		return -1;
	g->nemployers = n;
	names = (char (*)[NAME_SLOT])(void *)(g->employers + n);
	rng_seed(&r, g->seed, STREAM_EMPLOYERS, 0);
	for (size_t i = 0; i < n; i++) {
		struct employer *e = &g->employers[i];
		int town = pick_town(&r, g->towns);
		double pay;

		employer_init(e);
		snprintf(e->id, sizeof(e->id), "e%06zu", i);
		e->type = (int)rng_pick(&r, w_employer, ET_COUNT);
		e->town = town;
		near_town(&r, &g->towns->v[town], SITE_KM, &site[2 * i],
		    &site[2 * i + 1]);
		snprintf(names[i], NAME_SLOT, "%s%s%zu",
		    name_words[rng_below(&r, sizeof(name_words) /
		    sizeof(name_words[0]))], type_suffix[e->type], i);
		e->name = names[i];
		e->headcount = 5 + (int64_t)round(gen_exp(3.7 +
		    rng_normal(&r)));
		if (e->headcount > COUNT_LIMIT)
			e->headcount = COUNT_LIMIT;
		e->disabled_employees = (int64_t)rng_below(&r,
		    (uint64_t)e->headcount / 20 + 2);
		e->severe_disabled_employees = (int64_t)rng_below(&r,
		    (uint64_t)e->disabled_employees / 3 + 1);
		pay = draw_pay(&r);
		e->avg_annual_salary = (int64_t)round(pay * 12 / 100) * 100;
		e->version = 1;
	}
	return 0;
}

static void
gen_job(struct gen *g, struct rng *r, size_t i, const double *site,
    double harmonic, char *title, char **skills)
{
	struct job *j = &g->jobs[i];
	const struct employer *e;
	size_t emp = rng_below(r, g->nemployers), ranks[JOB_SKILLS_MAX], n;
	double pay;

	e = &g->employers[emp];
	job_init(j);
	snprintf(j->id, sizeof(j->id), "j%07zu", i);
	memcpy(j->employer_id, e->id, sizeof(j->employer_id));
	snprintf(title, TITLE_SLOT, "%s %03u",
	    titles[rng_pick(r, w_title, sizeof(w_title) / sizeof(*w_title))],
	    (unsigned)rng_range(r, 1, 999));
	j->title = title;
	j->description = NULL;
	n = (size_t)rng_range(r, JOB_SKILLS_MIN, JOB_SKILLS_MAX);
	draw_skills(r, harmonic, n, ranks);
	for (size_t k = 0; k < n; k++)
		skills[k] = (char *)(uintptr_t)gen_skills[ranks[k]];
	j->skills = skills;
	j->nskills = n;
	j->dis_mask = (uint8_t)rng_pick_distinct(r, w_disability, DIS_COUNT,
	    (size_t)rng_range(r, 1, 4), e->type == ET_SHELTERED_WORKSHOP ?
	    1u << DIS_INTELLECTUAL : 0);
	j->accom_mask = rng_pick_distinct(r, w_accom, ACCOM_COUNT,
	    (size_t)rng_range(r, 0, 4), 0);
	j->employment = (int)rng_pick(r, w_employment[e->type], EMP_COUNT);
	j->has_location = true;
	j->lat = site[2 * emp];
	j->lon = site[2 * emp + 1];
	j->town = e->town;
	j->remote = false;
	pay = draw_pay(r);
	j->has_salary = true;
	j->salary_min = (int64_t)round(pay * 0.85 / 100) * 100;
	j->salary_max = (int64_t)round(pay * 1.2 / 100) * 100;
	if (j->salary_max < j->salary_min)
		j->salary_max = j->salary_min;
	j->openings = rng_range(r, 1, 20);
	j->expires_at = 0;
	j->version = 1;
	j->posted_at = g->now - rng_range(r, 0, 90 * 86400 - 1);
	j->updated_at = j->posted_at;
	j->status = JOB_OPEN;
}

int
gen_dataset(struct gen *g, const struct towns *towns, uint64_t seed,
    size_t njobs)
{
	size_t nemp = njobs / JOBS_PER_EMP + (njobs % JOBS_PER_EMP != 0);
	double *site, harmonic = harmonic_of(gen_nskills);
	char (*title)[TITLE_SLOT];
	char **skills;
	struct rng r;

	memset(g, 0, sizeof(*g));
	if (njobs < 1 || njobs > GEN_JOBS_MAX)
		return -1;	/* and no size below can overflow */
	g->towns = towns;
	g->seed = seed;
	g->now = GEN_NOW;
	if (nemp == 0)
		nemp = 1;
	if (towns->n == 0 ||
	    (site = malloc(2 * nemp * sizeof(*site))) == NULL)
		return -1;
	if (gen_employers(g, nemp, site) == -1)
		goto fail;
	/* One block: the jobs, their skill pointers, their titles. */
	g->jobs = malloc(njobs * (sizeof(struct job) +
	    JOB_SKILLS_MAX * sizeof(char *) + TITLE_SLOT) + 1);
	if (g->jobs == NULL)
		goto fail;
	g->njobs = njobs;
	skills = (char **)(void *)(g->jobs + njobs);
	title = (char (*)[TITLE_SLOT])(void *)(skills + njobs *
	    JOB_SKILLS_MAX);
	rng_seed(&r, seed, STREAM_JOBS, 0);
	for (size_t i = 0; i < njobs; i++)
		gen_job(g, &r, i, site, harmonic, title[i],
		    skills + i * JOB_SKILLS_MAX);
	free(site);
	return 0;
fail:
	free(site);
	gen_free(g);
	return -1;
}

void
gen_free(struct gen *g)
{
	/* Titles, names and skills live in the two blocks (see the top). */
	free(g->jobs);
	free(g->employers);
	g->jobs = NULL;
	g->employers = NULL;
	g->njobs = g->nemployers = 0;
}

/* ---- queries -------------------------------------------------------- */

void
gen_query_borrowed(const struct gen *g, uint64_t seed, uint64_t i,
    struct profile *p, char *skills[SKILLS_MAX], size_t *limit)
{
	size_t ranks[Q_SKILLS_MAX], n;
	struct rng r;
	int town;

	rng_seed(&r, seed, STREAM_QUERY, i);
	profile_init(p);
	town = pick_town(&r, g->towns);
	near_town(&r, &g->towns->v[town], SEEKER_KM, &p->lat, &p->lon);
	p->town = town;
	p->disability = (int)rng_pick(&r, w_disability, DIS_COUNT);
	p->grade = GRADE_MIN + (int)rng_pick(&r, w_grade, 4);
	n = (size_t)rng_range(&r, 1, Q_SKILLS_MAX);
	draw_skills(&r, harmonic_of(gen_nskills), n, ranks);
	for (size_t k = 0; k < n; k++)
		skills[k] = (char *)(uintptr_t)gen_skills[ranks[k]];
	p->skills = skills;
	p->nskills = n;
	p->max_distance_km = max_km[rng_pick(&r, w_max_km,
	    sizeof(w_max_km) / sizeof(*w_max_km))];
	p->needs_mask = 0;
	p->flags_mask = 0;
	for (int f = 0; f < FLAG_COUNT; f++)
		if (rng_below(&r, 1000) < flag_pm[f])
			p->flags_mask |= 1u << f;
	*limit = 10;
}

void
gen_query(const struct gen *g, uint64_t seed, uint64_t i, struct profile *p,
    size_t *limit)
{
	char *borrowed[SKILLS_MAX], **own;

	gen_query_borrowed(g, seed, i, p, borrowed, limit);
	if ((own = calloc(p->nskills, sizeof(*own))) == NULL) {
		p->skills = NULL;
		p->nskills = 0;
		return;
	}
	for (size_t k = 0; k < p->nskills; k++)
		if ((own[k] = strdup(borrowed[k])) == NULL) {
			strv_free(own, k);
			p->skills = NULL;
			p->nskills = 0;
			return;
		}
	p->skills = own;
}

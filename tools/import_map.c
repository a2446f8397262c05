/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * import_map.c - see import_map.h. The tables here are the ones
 * docs/import.md shows: a change to one is a change to the other.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tools/import_map.h"

enum conv {
	C_TEXT,		/* as it is */
	C_INT,		/* a whole number */
	C_NUM,		/* a number */
	C_BOOL,		/* 是/否, yes/no, true/false, 1/0 */
	C_LIST,		/* a list of texts */
	C_DIS,		/* disability types by label or id, or 不限 */
	C_GRADES,	/* grades 1-4, or their labels */
	C_ACC,		/* accommodations by label or id */
	C_ETYPE,	/* an employment type by label or id */
	C_EMPTYPE,	/* an employer type by label or id */
	C_TOWN,		/* a town by name or code */
	C_SALARY,	/* "3000-4500" or "3000" */
	C_DATE,		/* YYYY-MM-DD (or YYYY/M/D) */
	C_UNTIL,	/* a date: the end of that local day, in Unix seconds */
	C_EMPNAME,	/* an employer by its registered name */
	C_LEVEL,	/* 县级/乡镇级 (or the ids) */
	C_KIND,		/* 小学/中学/幼儿园/医院/其他 (or the ids) */
};

/* A word of a sheet and the id it stands for. */
struct word {
	const char	*word, *id;
};

static const struct word levels[] = {
	{ "县级", "county" }, { "县", "county" }, { "county", "county" },
	{ "乡镇级", "township" }, { "乡镇", "township" }, { "街道", "township" },
	{ "township", "township" }, { NULL, NULL }
};

static const struct word kinds[] = {
	{ "小学", "primary_school" }, { "primary_school", "primary_school" },
	{ "中学", "secondary_school" }, { "初中", "secondary_school" },
	{ "高中", "secondary_school" },
	{ "secondary_school", "secondary_school" },
	{ "幼儿园", "kindergarten" }, { "kindergarten", "kindergarten" },
	{ "医院", "hospital" }, { "hospital", "hospital" },
	{ "其他", "other" }, { "other", "other" }, { NULL, NULL }
};

/* The id cell stands for in words, or NULL. */
static const char *
word_id(const struct word *words, const char *cell)
{
	for (size_t i = 0; words[i].word != NULL; i++)
		if (strcmp(words[i].word, cell) == 0)
			return words[i].id;
	return NULL;
}

struct column {
	const char	*field;
	enum conv	 conv;
	const char	*names[5];	/* Chinese headers */
};

#define CONTACT_COLUMNS \
	{ "contact.name", C_TEXT, { "联系人" } }, \
	{ "contact.phone", C_TEXT, { "联系电话", "电话" } }, \
	{ "contact.address", C_TEXT, { "联系地址", "地址" } }, \
	{ "contact.hours", C_TEXT, { "接待时间", "办公时间" } }, \
	{ "contact.url", C_TEXT, { "网址", "报名网址" } }, \
	{ "contact.email", C_TEXT, { "电子邮箱", "邮箱" } }

static const struct column job_columns[] = {
	{ "id", C_TEXT, { "岗位编号", "职位编号" } },
	{ "employer_id", C_TEXT, { "单位编号" } },
	{ "employer_name", C_EMPNAME, { "单位", "单位名称", "用人单位" } },
	{ "title", C_TEXT, { "职位名称", "岗位名称" } },
	{ "description", C_TEXT, { "职位描述", "岗位描述", "岗位职责" } },
	{ "skills", C_LIST, { "技能要求", "技能" } },
	{ "accessible_for", C_DIS, { "适合残疾类别", "残疾类别" } },
	{ "grades", C_GRADES, { "适合残疾等级", "残疾等级" } },
	{ "accommodations", C_ACC, { "无障碍设施", "便利措施", "合理便利" } },
	{ "employment_type", C_ETYPE, { "用工形式", "用工类型" } },
	{ "town", C_TOWN, { "工作乡镇", "乡镇", "所在乡镇" } },
	{ "location.lat", C_NUM, { "纬度" } },
	{ "location.lon", C_NUM, { "经度" } },
	{ "remote", C_BOOL, { "可远程", "远程办公" } },
	{ "salary", C_SALARY, { "月薪", "月薪（元）", "薪资", "工资" } },
	{ "salary.min", C_INT, { "最低月薪" } },
	{ "salary.max", C_INT, { "最高月薪" } },
	{ "openings", C_INT, { "招聘人数", "人数" } },
	{ "expires_at", C_UNTIL, { "有效期至", "下架日期" } },
	CONTACT_COLUMNS,
	{ "apply_by", C_DATE, { "报名截止", "报名截止日期" } },
	{ "how_to_apply", C_TEXT, { "报名方式" } },
};

static const struct column employer_columns[] = {
	{ "id", C_TEXT, { "单位编号" } },
	{ "name", C_TEXT, { "单位名称", "单位" } },
	{ "type", C_EMPTYPE, { "单位类型", "单位性质" } },
	{ "town", C_TOWN, { "所在乡镇", "乡镇" } },
	{ "headcount", C_INT, { "在职职工人数", "职工人数" } },
	{ "disabled_employees", C_INT, { "残疾职工人数", "安排残疾人数" } },
	{ "severe_disabled_employees", C_INT, { "一二级残疾职工人数",
	    "重度残疾职工人数" } },
	{ "avg_annual_salary", C_INT, { "上年职工年平均工资",
	    "职工年平均工资" } },
	{ "establishment", C_INT, { "编制数", "核定编制", "编制人数" } },
	{ "level", C_LEVEL, { "层级", "单位层级" } },
	{ "institution_kind", C_KIND, { "事业单位类别", "机构类别" } },
	{ "pool", C_TEXT, { "统筹组", "统筹单位" } },
	CONTACT_COLUMNS,
};

static const struct column *
table(enum imp_kind kind, size_t *n)
{
	if (kind == IMP_JOBS) {
		*n = sizeof(job_columns) / sizeof(*job_columns);
		return job_columns;
	}
	*n = sizeof(employer_columns) / sizeof(*employer_columns);
	return employer_columns;
}

/* ---- text --------------------------------------------------------------- */

/* The length of the space at s: an ASCII one, or U+3000 (ideographic). */
static size_t
space_at(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		return 1;
	if (strncmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

char *
imp_trim(char *s)
{
	size_t n, len = strlen(s), k;
	char *p = s;

	while ((n = space_at(p)) > 0)
		p += n;
	memmove(s, p, strlen(p) + 1);
	len = strlen(s);
	for (;;) {
		if (len >= 1 && space_at(s + len - 1) == 1)
			k = 1;
		else if (len >= 3 && space_at(s + len - 3) == 3)
			k = 3;
		else
			break;
		len -= k;
		s[len] = '\0';
	}
	return s;
}

/* The length of a list separator at s: 、，,;； or a space, else 0. */
static size_t
separator_at(const char *s)
{
	static const char *const seps[] = { "、", "，", "；", "\xe3\x80\x80",
	    NULL };

	if (*s == ',' || *s == ';' || *s == ' ' || *s == '\t' ||
	    *s == '\n' || *s == '\r')
		return 1;
	for (size_t i = 0; seps[i] != NULL; i++)
		if (strncmp(s, seps[i], strlen(seps[i])) == 0)
			return strlen(seps[i]);
	return 0;
}

json_t *
imp_split(const char *s)
{
	json_t *a = json_array();
	const char *p = s;

	if (a == NULL)
		return NULL;
	while (*p != '\0') {
		const char *start;
		size_t n;

		while ((n = separator_at(p)) > 0)
			p += n;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && separator_at(p) == 0)
			p++;
		if (json_array_append_new(a, json_stringn(start,
		    (size_t)(p - start))) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* A whole number: digits with an optional sign, nothing else. */
static int
whole(const char *s, long long *v)
{
	char *end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int
imp_salary(const char *s, long long *min, long long *max)
{
	static const char *const dashes[] = { "-", "~", "～", "—", "－", "至",
	    NULL };
	char buf[128];
	const char *d = NULL;
	size_t dl = 0;

	for (size_t i = 0; dashes[i] != NULL && d == NULL; i++)
		if ((d = strstr(s, dashes[i])) != NULL)
			dl = strlen(dashes[i]);
	if (d == NULL) {
		snprintf(buf, sizeof(buf), "%s", s);
		if (whole(imp_trim(buf), min) == -1 || *min < 0)
			return -1;
		*max = *min;
		return 0;
	}
	if ((size_t)(d - s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%.*s", (int)(d - s), s);
	if (whole(imp_trim(buf), min) == -1 || *min < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%s", d + dl);
	if (whole(imp_trim(buf), max) == -1 || *max < 0)
		return -1;
	return 0;
}

/* ---- the vocabulary ----------------------------------------------------- */

/*
 * The id of the item of vocab list `list` that cell names: its id, its
 * label, the label before a bracket ("灵活就业" for "灵活就业（新就业
 *形态）", "一级" for "一级（极重度）"), or the label without a last
 * "残疾" ("视力" for "视力残疾"). NULL when none.
 */
static json_t *
vocab_item(json_t *vocab, const char *list, const char *cell)
{
	json_t *items = json_object_get(vocab, list), *it;
	size_t i, n = strlen(cell);

	json_array_foreach(items, i, it) {
		json_t *id = json_object_get(it, "id");
		const char *label = json_string_value(json_object_get(it,
		    "label"));
		char idtext[32];
		const char *cut;

		if (json_is_integer(id))
			snprintf(idtext, sizeof(idtext), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(id));
		else
			snprintf(idtext, sizeof(idtext), "%s",
			    json_string_value(id) ? json_string_value(id) : "");
		if (strcmp(cell, idtext) == 0)
			return id;
		if (label == NULL)
			continue;
		if (strcmp(cell, label) == 0)
			return id;
		if (((cut = strstr(label, "（")) != NULL ||
		    (cut = strchr(label, '(')) != NULL) &&
		    (size_t)(cut - label) == n && strncmp(label, cell, n) == 0)
			return id;
		if (strlen(label) == n + strlen("残疾") &&
		    strncmp(label, cell, n) == 0 &&
		    strcmp(label + n, "残疾") == 0)
			return id;
	}
	return NULL;
}

/* The labels of a list, for a message: "视力残疾, 听力残疾, ...". */
static void
labels(json_t *vocab, const char *list, char *buf, size_t len)
{
	json_t *it;
	size_t i, at = 0;

	buf[0] = '\0';
	json_array_foreach(json_object_get(vocab, list), i, it) {
		const char *l = json_string_value(json_object_get(it, "label"));
		int w;

		if (l == NULL)
			continue;
		w = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", l);
		if (w < 0 || (size_t)w >= len - at) {
			buf[at] = '\0';
			break;
		}
		at += (size_t)w;
	}
}

/* The code of the town cell names: its code, its name, or its name in
 * Latin letters (any case). NULL when none. */
static const char *
town_code(json_t *vocab, const char *cell)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(vocab, "towns"), i, t) {
		const char *code = json_string_value(json_object_get(t, "code"));
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *en = json_string_value(json_object_get(t, "en"));

		if ((code != NULL && strcmp(cell, code) == 0) ||
		    (name != NULL && strcmp(cell, name) == 0) ||
		    (en != NULL && strcasecmp(cell, en) == 0))
			return code;
	}
	return NULL;
}

/* ---- cells -------------------------------------------------------------- */

/* Sets v (taken) at path ("a" or "a.b") of obj. */
static int
set_path(json_t *obj, const char *path, json_t *v)
{
	const char *dot = strchr(path, '.');
	char head[64];
	json_t *sub;

	if (v == NULL)
		return -2;
	if (dot == NULL)
		return json_object_set_new(obj, path, v) == 0 ? 0 : -2;
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	if ((sub = json_object_get(obj, head)) == NULL) {
		if ((sub = json_object()) == NULL ||
		    json_object_set_new(obj, head, sub) == -1) {
			json_decref(v);
			return -2;
		}
	}
	return json_object_set_new(sub, dot + 1, v) == 0 ? 0 : -2;
}

/* A list of vocabulary items (list) from cell, as ids. */
static json_t *
vocab_list(json_t *vocab, const char *list, const char *what,
    const char *cell, bool any, char *why, size_t whylen)
{
	json_t *words = imp_split(cell), *out = json_array(), *w, *id;
	char all[512];
	size_t i;

	if (words == NULL || out == NULL)
		goto fail;
	json_array_foreach(words, i, w) {
		const char *s = json_string_value(w);

		if (any && (strcmp(s, "不限") == 0 || strcmp(s, "any") == 0 ||
		    strcmp(s, "全部") == 0))
			id = json_string("any");
		else if ((id = vocab_item(vocab, list, s)) != NULL)
			json_incref(id);
		else {
			labels(vocab, list, all, sizeof(all));
			snprintf(why, whylen, "\"%s\" is not %s (%s%s)", s, what,
			    all, any ? ", or 不限" : "");
			goto fail;
		}
		if (json_array_append_new(out, id) == -1)
			goto fail;
	}
	json_decref(words);
	return out;
fail:
	json_decref(words);
	json_decref(out);
	return NULL;
}

/* The Unix time at the end of the local day date (YYYY-MM-DD): the next
 * day's midnight. -1 when it is not a date. */
static long long
day_end(const char *date)
{
	struct tm tm;
	int y, m, d;
	char tail;

	if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 &&
	    sscanf(date, "%4d/%2d/%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1 || tm.tm_mday != d)
		return -1;	/* 31 April became 1 May */
	tm.tm_mday = d + 1;
	tm.tm_hour = 0;
	tm.tm_isdst = -1;
	return (long long)mktime(&tm);
}

int
imp_cell(enum imp_kind kind, int col, const char *cell,
    const struct imp_ctx *ctx, json_t *obj, char *why, size_t whylen)
{
	size_t n;
	const struct column *c = &table(kind, &n)[col];
	long long a, b;
	double x;
	char *end, all[512];
	json_t *v, *id;
	const char *s;

	switch (c->conv) {
	case C_TEXT:
		return set_path(obj, c->field, json_string(cell));
	case C_INT:
		if (whole(cell, &a) == -1) {
			snprintf(why, whylen, "\"%s\" is not a whole number",
			    cell);
			return -1;
		}
		return set_path(obj, c->field, json_integer(a));
	case C_NUM:
		errno = 0;
		x = strtod(cell, &end);
		if (errno != 0 || *end != '\0' || end == cell) {
			snprintf(why, whylen, "\"%s\" is not a number", cell);
			return -1;
		}
		return set_path(obj, c->field, json_real(x));
	case C_BOOL:
		if (strcmp(cell, "是") == 0 || strcasecmp(cell, "yes") == 0 ||
		    strcasecmp(cell, "true") == 0 || strcmp(cell, "1") == 0)
			return set_path(obj, c->field, json_true());
		if (strcmp(cell, "否") == 0 || strcasecmp(cell, "no") == 0 ||
		    strcasecmp(cell, "false") == 0 || strcmp(cell, "0") == 0)
			return set_path(obj, c->field, json_false());
		snprintf(why, whylen, "\"%s\" is not 是 or 否", cell);
		return -1;
	case C_LIST:
		return set_path(obj, c->field, imp_split(cell));
	case C_DIS:
		if ((v = vocab_list(ctx->vocab, "disability_types",
		    "a disability type", cell, true, why, whylen)) == NULL)
			return -1;
		return set_path(obj, c->field, v);
	case C_ACC:
		if ((v = vocab_list(ctx->vocab, "accommodations",
		    "an accommodation", cell, false, why, whylen)) == NULL)
			return -1;
		return set_path(obj, c->field, v);
	case C_GRADES:
		/* every grade: the field left out, as a posting open to all */
		if (strcmp(cell, "不限") == 0 || strcmp(cell, "any") == 0 ||
		    strcmp(cell, "全部") == 0)
			return 0;
		if ((v = vocab_list(ctx->vocab, "grades", "a grade", cell,
		    false, why, whylen)) == NULL) {
			/* the labels are long: the message says 1-4 */
			char *bad = strchr(why, '(');
			if (bad != NULL)
				snprintf(bad, whylen - (size_t)(bad - why),
				    "(1 to 4, or 一级 to 四级, or 不限)");
			return -1;
		}
		return set_path(obj, c->field, v);
	case C_ETYPE:
	case C_EMPTYPE:
		s = c->conv == C_ETYPE ? "employment_types" : "employer_types";
		if ((id = vocab_item(ctx->vocab, s, cell)) == NULL) {
			labels(ctx->vocab, s, all, sizeof(all));
			snprintf(why, whylen, "\"%s\" is not %s (%s)", cell,
			    c->conv == C_ETYPE ? "an employment type" :
			    "an employer type", all);
			return -1;
		}
		return set_path(obj, c->field, json_incref(id));
	case C_TOWN:
		if ((s = town_code(ctx->vocab, cell)) == NULL) {
			snprintf(why, whylen, "\"%s\" is not a town's name or "
			    "code (jobmatch call vocab lists them)", cell);
			return -1;
		}
		return set_path(obj, c->field, json_string(s));
	case C_SALARY:
		if (strcmp(cell, "面议") == 0)
			return 0;
		if (imp_salary(cell, &a, &b) == -1) {
			snprintf(why, whylen, "\"%s\" is not a monthly pay in "
			    "yuan, as 3000-4500 or 3000", cell);
			return -1;
		}
		return set_path(obj, c->field, json_pack("{s:I, s:I}", "min",
		    (json_int_t)a, "max", (json_int_t)b));
	case C_DATE:
		if (day_end(cell) == -1) {
			snprintf(why, whylen, "\"%s\" is not a date "
			    "(YYYY-MM-DD)", cell);
			return -1;
		}
		{
			int y, m, d;
			char date[16];

			if (sscanf(cell, "%d-%d-%d", &y, &m, &d) != 3)
				sscanf(cell, "%d/%d/%d", &y, &m, &d);
			snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m,
			    d);
			return set_path(obj, c->field, json_string(date));
		}
	case C_UNTIL:
		if ((a = day_end(cell)) == -1 && whole(cell, &a) == -1) {
			snprintf(why, whylen, "\"%s\" is not a date "
			    "(YYYY-MM-DD)", cell);
			return -1;
		}
		return set_path(obj, c->field, json_integer(a));
	case C_EMPNAME:
		if (ctx->employers == NULL)
			return 0;	/* not looked up (see import.c) */
		v = json_object_get(ctx->employers, cell);
		if (v == NULL) {
			snprintf(why, whylen, "no registered employer is named "
			    "\"%s\"", cell);
			return -1;
		}
		if (json_is_array(v)) {
			snprintf(why, whylen, "%zu registered employers are "
			    "named \"%s\": give 单位编号", json_array_size(v),
			    cell);
			return -1;
		}
		return set_path(obj, "employer_id", json_incref(v));
	case C_LEVEL:
	case C_KIND:
		if ((s = word_id(c->conv == C_LEVEL ? levels : kinds, cell)) ==
		    NULL) {
			snprintf(why, whylen, c->conv == C_LEVEL ?
			    "\"%s\" is not a level (县级 or 乡镇级)" :
			    "\"%s\" is not a kind of institution (小学, 中学, "
			    "幼儿园, 医院 or 其他)", cell);
			return -1;
		}
		return set_path(obj, c->field, json_string(s));
	}
	return -1;
}

/* ---- headers ------------------------------------------------------------ */

int
imp_column(enum imp_kind kind, const char *header)
{
	char h[256];
	size_t n, len;
	const struct column *t = table(kind, &n);

	snprintf(h, sizeof(h), "%s", header);
	imp_trim(h);
	if (h[0] == '*')
		memmove(h, h + 1, strlen(h));
	len = strlen(h);
	if (len > 0 && h[len - 1] == '*')
		h[len - 1] = '\0';
	imp_trim(h);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(h, t[i].field) == 0)
			return (int)i;
		for (size_t k = 0; k < 5 && t[i].names[k] != NULL; k++)
			if (strcmp(h, t[i].names[k]) == 0)
				return (int)i;
	}
	return -1;
}

const char *
imp_field(enum imp_kind kind, int col)
{
	size_t n;

	return table(kind, &n)[col].field;
}

int
imp_column_of_error(enum imp_kind kind, const char *path,
    bool (*given)(int col))
{
	const char *p = path, *prefix = kind == IMP_JOBS ? "job." :
	    "employer.";
	char f[128], *br;
	size_t n, len;
	const struct column *t = table(kind, &n);

	if (strncmp(p, prefix, strlen(prefix)) == 0)
		p += strlen(prefix);
	snprintf(f, sizeof(f), "%s", p);
	if ((br = strchr(f, '[')) != NULL)
		*br = '\0';
	/* the field itself, then the column that holds it whole (salary for
	 * salary.min), then one of its members (salary.min for salary) */
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].field, f) == 0 && given((int)i))
			return (int)i;
	for (size_t i = 0; i < n; i++) {
		len = strlen(t[i].field);
		if (strncmp(f, t[i].field, len) == 0 && f[len] == '.' &&
		    given((int)i))
			return (int)i;
	}
	len = strlen(f);
	for (size_t i = 0; i < n; i++)
		if (strncmp(t[i].field, f, len) == 0 &&
		    t[i].field[len] == '.' && given((int)i))
			return (int)i;
	return -1;
}

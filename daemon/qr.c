/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * qr.c - see qr.h.
 *
 * The text, one line a posting, compact so that five fit one symbol
 * whatever their titles (each cut at QR_TITLE_MAX characters):
 *
 *   1. 盲人保健按摩师 | 甲单位 | 桂溪街道 | 3500-6000元/月 | 编号 emp-a:m-1
 *   1. 盲人保健按摩师 | 甲单位 | 桂溪街道 | 3500-6000 yuan/month | ID emp-a:m-1
 *
 * and, when the posting says how to apply, one more line of what to do
 * next, with the members it has (the effective contact's phone and
 * address, apply_by):
 *
 *      电话 023-74681234 | 地址 桂溪街道… | 截止 2026-06-30
 *      Tel 023-74681234 | Address 桂溪街道… | Apply by 2026-06-30
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <qrencode.h>

#include "daemon/qr.h"
#include "proto/apply.h"
#include "proto/params.h"

#define QUIET	4	/* modules of white around the symbol */

/* Appends to buf at *o, as snprintf; false once it does not fit. */
static bool
put(char *buf, size_t len, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool
put(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= len)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, len - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *o) {
		*o = len;
		return false;
	}
	*o += (size_t)n;
	return true;
}

/* The bytes of s's first max UTF-8 characters. */
static int
utf8_prefix(const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	while (s[i] != '\0' && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	return (int)i;
}

/* The line of what to do next for mj (phone, address, apply_by; those it
 * has), appended; nothing when it has none. False once it does not fit. */
static bool
put_next_step(char *buf, size_t len, size_t *o, const struct mjob *mj,
    bool en)
{
	json_t *a = mj->apply != NULL ? json_loads(mj->apply, 0, NULL) : NULL;
	json_t *c = apply_contact_merge(mj->emp->contact,
	    json_object_get(a, "contact"));
	const char *v[3] = {
		json_string_value(json_object_get(c, "phone")),
		json_string_value(json_object_get(c, "address")),
		json_string_value(json_object_get(a, "apply_by")),
	};
	static const char *const zh[3] = { "电话", "地址", "截止" };
	static const char *const eng[3] = { "Tel", "Address", "Apply by" };
	bool ok = true, first = true;

	for (int i = 0; i < 3 && ok; i++) {
		if (v[i] == NULL)
			continue;
		ok = put(buf, len, o, "%s%s %s", first ? "\n   " : " | ",
		    en ? eng[i] : zh[i], v[i]);
		first = false;
	}
	json_decref(c);
	json_decref(a);
	return ok;
}

int
qr_text(const struct matcher *m, const struct towns *towns, const char *jobs,
    bool en, int64_t now, char *buf, size_t len, char *why, size_t whylen)
{
	const struct mjob *seen[QR_MAX_JOBS];
	size_t n = 0, o = 0;
	const char *p = jobs;

	buf[0] = '\0';
	while (*p != '\0') {
		const char *comma = strchr(p, ','), *colon;
		size_t l = comma != NULL ? (size_t)(comma - p) : strlen(p);
		char emp[ID_MAX + 1], id[ID_MAX + 1];
		const struct mjob *mj;

		colon = memchr(p, ':', l);
		if (colon == NULL || colon == p || colon == p + l - 1 ||
		    (size_t)(colon - p) > ID_MAX ||
		    (size_t)(p + l - colon - 1) > ID_MAX) {
			snprintf(why, whylen, "jobs: expected EMPLOYER:ID, "
			    "separated by commas");
			return -1;
		}
		memcpy(emp, p, (size_t)(colon - p));
		emp[colon - p] = '\0';
		memcpy(id, colon + 1, (size_t)(p + l - colon - 1));
		id[p + l - colon - 1] = '\0';
		/* an employer id holds no ':', a posting's may */
		if (!pv_id_chars(emp, strlen(emp), false) ||
		    !pv_id_chars(id, strlen(id), true)) {
			snprintf(why, whylen, "jobs: expected EMPLOYER:ID, "
			    "separated by commas");
			return -1;
		}
		if (n == QR_MAX_JOBS) {
			snprintf(why, whylen, "jobs: at most %d postings",
			    QR_MAX_JOBS);
			return -1;
		}
		if ((mj = matcher_job(m, emp, id)) == NULL ||
		    (mj->expires_at != 0 && mj->expires_at <= now)) {
			snprintf(why, whylen, "jobs: %s:%s is not an open "
			    "posting", emp, id);
			return -2;
		}
		for (size_t k = 0; k < n; k++)
			if (seen[k] == mj) {
				snprintf(why, whylen, "jobs: %s:%s is named "
				    "twice", emp, id);
				return -1;
			}
		seen[n++] = mj;
		put(buf, len, &o, "%s%zu. %.*s | %s | %s | ", n > 1 ? "\n" : "",
		    n, utf8_prefix(mj->title, QR_TITLE_MAX), mj->title,
		    mj->emp->name != NULL ? mj->emp->name : mj->emp->id,
		    mj->town < 0 ? "-" : en && towns->v[mj->town].roman[0] !=
		    '\0' ? towns->v[mj->town].roman : towns->v[mj->town].name);
		if (!mj->has_salary)
			put(buf, len, &o, "%s", en ? "pay negotiable" : "薪资面议");
		else if (mj->salary_min == mj->salary_max)
			put(buf, len, &o, "%lld%s", (long long)mj->salary_min,
			    en ? " yuan/month" : "元/月");
		else
			put(buf, len, &o, "%lld-%lld%s",
			    (long long)mj->salary_min,
			    (long long)mj->salary_max,
			    en ? " yuan/month" : "元/月");
		if (!put(buf, len, &o, " | %s %s:%s", en ? "ID" : "编号", emp,
		    id) || (mj->apply != NULL || mj->emp->contact != NULL ?
		    !put_next_step(buf, len, &o, mj, en) : false) ||
		    o > QR_TEXT_MAX) {
			snprintf(why, whylen, "the postings' text does not fit "
			    "one QR code (at most %d bytes): choose fewer",
			    QR_TEXT_MAX);
			return -3;
		}
		p += l;
		if (*p == ',')
			p++;
	}
	if (n == 0) {
		snprintf(why, whylen, "jobs: name 1 to %d postings, "
		    "EMPLOYER:ID separated by commas", QR_MAX_JOBS);
		return -1;
	}
	return (int)o;
}

char *
qr_svg(const char *text, size_t *len, char *why, size_t whylen)
{
	QRcode *qr;
	char *svg = NULL;
	size_t cap, o = 0;
	int w, size;

	errno = 0;
	if ((qr = QRcode_encodeData((int)strlen(text),
	    (const unsigned char *)text, 0, QR_ECLEVEL_M)) == NULL) {
		snprintf(why, whylen, errno == ERANGE ? "the text does not "
		    "fit one QR code" : "out of memory");
		return NULL;
	}
	w = qr->width;
	size = w + 2 * QUIET;
	/* a run of dark modules at most every other module of a row */
	cap = 512 + (size_t)w * (size_t)w * 12;
	if ((svg = malloc(cap)) == NULL) {
		snprintf(why, whylen, "out of memory");
		QRcode_free(qr);
		return NULL;
	}
	put(svg, cap, &o, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "shape-rendering=\"crispEdges\" role=\"img\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>"
	    "<path fill=\"#000000\" d=\"", size, size, size * 8, size * 8,
	    size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; ) {
			int run = 0;

			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			if (run > 0)
				put(svg, cap, &o, "M%d %dh%dv1h-%dz", x + QUIET,
				    y + QUIET, run, run);
			x += run > 0 ? run : 1;
		}
	put(svg, cap, &o, "\"/></svg>\n");
	QRcode_free(qr);
	if (o >= cap) {
		snprintf(why, whylen, "out of memory");
		free(svg);
		return NULL;
	}
	*len = o;
	return svg;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * reqs.c - see reqs.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/codec.h"
#include "proto/rpc.h"
#include "tools/bench/reqs.h"

json_t *
reqs_employer_params(const struct gen *g, size_t i)
{
	json_t *doc = codec_employer_encode(&g->employers[i], g->towns);

	return doc != NULL ? json_pack("{s:o}", "employer", doc) : NULL;
}

json_t *
reqs_job_params(const struct gen *g, size_t i)
{
	json_t *doc = codec_job_encode(&g->jobs[i], g->towns);

	return doc != NULL ? json_pack("{s:o}", "job", doc) : NULL;
}

char *
reqs_line(uint64_t id, const char *method, json_t *params, size_t *len)
{
	json_t *req;
	char *line;

	if (params == NULL)
		return NULL;
	if (id != 0)
		req = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id",
		    (json_int_t)id, "method", method, "params", params);
	else
		req = json_pack("{s:s, s:o}", "method", method, "params",
		    params);
	if (req == NULL)
		return NULL;
	line = rpc_dump(req, len);
	json_decref(req);
	return line;
}

/* ---- the match line, by hand ---------------------------------------- */

struct out {
	char	*p, *end;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (n > (size_t)(o->end - o->p))
		n = (size_t)(o->end - o->p);
	memcpy(o->p, s, n);
	o->p += n;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void
put_str(struct out *o, const char *s)
{
	put(o, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			put(o, esc, 2);
		} else if (ch < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
			put(o, esc, 6);
		} else
			put(o, s, 1);
	}
	put(o, "\"", 1);
}

/* The shortest of %.15g-%.17g that reads back as v. */
static void
put_num(struct out *o, double v)
{
	char buf[40];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	puts_(o, buf);
}

static void
put_mask(struct out *o, const char *key, enum vocab_kind kind, uint32_t mask)
{
	size_t n;
	bool first = true;

	if (mask == 0)
		return;
	(void)vocab_entries(kind, &n);
	put(o, ",\"", 2);
	puts_(o, key);
	put(o, "\":[", 3);
	for (size_t i = 0; i < n; i++)
		if (mask & 1u << i) {
			if (!first)
				put(o, ",", 1);
			put_str(o, vocab_id(kind, (int)i));
			first = false;
		}
	put(o, "]", 1);
}

size_t
reqs_match_line(char *buf, uint64_t id, const struct profile *p,
    size_t limit, const struct towns *towns)
{
	struct out o = { buf, buf + MATCH_LINE_MAX - 1 };
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, id);
	puts_(&o, "{\"jsonrpc\":\"2.0\",\"id\":");
	puts_(&o, num);
	puts_(&o, ",\"method\":\"match\",\"params\":{\"profile\":"
	    "{\"disability\":{\"type\":");
	put_str(&o, vocab_id(VOCAB_DISABILITY, p->disability));
	snprintf(num, sizeof(num), ",\"grade\":%d}", p->grade);
	puts_(&o, num);
	puts_(&o, ",\"skills\":[");
	for (size_t i = 0; i < p->nskills; i++) {
		if (i > 0)
			put(&o, ",", 1);
		put_str(&o, p->skills[i]);
	}
	puts_(&o, "],\"location\":{\"lat\":");
	put_num(&o, p->lat);
	puts_(&o, ",\"lon\":");
	put_num(&o, p->lon);
	put(&o, "}", 1);
	if (p->town >= 0) {
		puts_(&o, ",\"town\":");
		put_str(&o, towns->v[p->town].code);
	}
	if (p->max_distance_km > 0) {
		puts_(&o, ",\"max_distance_km\":");
		put_num(&o, p->max_distance_km);
	}
	put_mask(&o, "needs", VOCAB_ACCOMMODATION, p->needs_mask);
	put_mask(&o, "flags", VOCAB_FLAG, p->flags_mask);
	snprintf(num, sizeof(num), "},\"limit\":%zu}}\n", limit);
	puts_(&o, num);
	*o.p = '\0';
	return (size_t)(o.p - buf);
}

/* ---- answers ---------------------------------------------------------- */

static const char *
find(const char *s, size_t len, const char *what)
{
	size_t n = strlen(what);

	if (len < n)
		return NULL;
	for (size_t i = 0; i + n <= len; i++)
		if (s[i] == what[0] && memcmp(s + i, what, n) == 0)
			return s + i;
	return NULL;
}

static int64_t
int_at(const char *s, const char *end, const char **after)
{
	int64_t v = 0;
	bool neg = false;

	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return INT64_MIN;
	while (s < end && *s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	if (after != NULL)
		*after = s;
	return neg ? -v : v;
}

/* The slow path: any well-formed response. */
static int
scan_json(const char *line, size_t len, struct answer *a)
{
	json_t *root = NULL, *e, *id, *took, *cand;
	char err[128];

	if (rpc_parse(line, len, &root, err, sizeof(err)) != 0 ||
	    !json_is_object(root) ||
	    !json_is_integer(id = json_object_get(root, "id"))) {
		json_decref(root);
		return -1;
	}
	a->id = (uint64_t)json_integer_value(id);
	if ((e = json_object_get(root, "error")) != NULL) {
		a->ok = false;
		a->code = (int)json_integer_value(json_object_get(e, "code"));
		snprintf(a->message, sizeof(a->message), "%s",
		    json_string_value(json_object_get(e, "message")) ?
		    json_string_value(json_object_get(e, "message")) : "?");
	} else {
		a->ok = true;
		took = json_object_get(json_object_get(root, "result"),
		    "took_us");
		cand = json_object_get(json_object_get(root, "result"),
		    "candidates");
		if (json_is_integer(took))
			a->took_us = json_integer_value(took);
		if (json_is_integer(cand))
			a->candidates = json_integer_value(cand);
	}
	json_decref(root);
	return 0;
}

int
reqs_scan(const char *line, size_t len, struct answer *a)
{
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":";
	const char *end = line + len, *s, *t;
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->took_us = a->candidates = -1;
	if (len < sizeof(head) || memcmp(line, head, sizeof(head) - 1) != 0 ||
	    (v = int_at(line + sizeof(head) - 1, end, &s)) < 0)
		return scan_json(line, len, a);
	a->id = (uint64_t)v;
	if ((size_t)(end - s) > 10 && memcmp(s, ",\"result\":", 10) == 0) {
		a->ok = true;
		/* A match's result ends with candidates, rules_version and
		 * took_us. */
		t = end - (len > 112 ? 112 : len);
		if ((s = find(t, (size_t)(end - t), "\"took_us\":")) != NULL &&
		    (v = int_at(s + 10, end, NULL)) >= 0)
			a->took_us = v;
		if ((s = find(t, (size_t)(end - t), "\"candidates\":")) !=
		    NULL &&
		    (v = int_at(s + 13, end, NULL)) >= 0)
			a->candidates = v;
		/* not where a match's answer has them (another method's,
		 * or a daemon that orders its members otherwise): read it
		 * whole rather than report nothing */
		if (a->took_us < 0 || a->candidates < 0)
			return scan_json(line, len, a);
		return 0;
	}
	if ((size_t)(end - s) > 17 &&
	    memcmp(s, ",\"error\":{\"code\":", 17) == 0 &&
	    (v = int_at(s + 17, end, &s)) != INT64_MIN) {
		const char *m = find(s, (size_t)(end - s), "\"message\":\"");
		size_t n = 0;
		a->ok = false;
		a->code = (int)v;
		if (m != NULL) {
			m += 11;
			while (m + n < end && m[n] != '"' &&
			    n < sizeof(a->message) - 1)
				n++;
			memcpy(a->message, m, n);
		}
		a->message[n] = '\0';
		return 0;
	}
	return scan_json(line, len, a);
}

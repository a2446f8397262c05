/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * terms.c - see terms.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/terms.h"

/* A skill as posted, in the cache. */
struct terms_raw {
	uint32_t	 refs;		/* open postings listing it */
	int64_t		 id;		/* its canonical id (holding a
					   reference), -1: none, or
					   TERMS_UNKNOWN: not known whole */
};

void
terms_init(struct terms *t)
{
	memset(t, 0, sizeof(*t));
	strmap_init(&t->byname);
	strmap_init(&t->raw);
}

static void
free_raw(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

void
terms_free(struct terms *t)
{
	for (uint32_t i = 0; i < t->nids; i++)
		free(t->v[i].s);
	free(t->v);
	strmap_free(&t->byname);
	strmap_each(&t->raw, free_raw, NULL);
	strmap_free(&t->raw);
	terms_init(t);
}

int64_t
terms_find(const struct terms *t, const char *c)
{
	uintptr_t v = (uintptr_t)strmap_get(&t->byname, c);

	return v != 0 ? (int64_t)(v - 1) : -1;
}

const char *
terms_text(const struct terms *t, uint32_t id)
{
	return t->v[id].s;
}

int64_t
terms_cached(const struct terms *t, const char *raw)
{
	const struct terms_raw *r = strmap_get(&t->raw, raw);

	return r != NULL ? r->id : TERMS_UNKNOWN;
}

/* Takes a reference on canonical term c, interning it when new: its id,
 * or -1 when out of memory. */
static int64_t
term_take(struct terms *t, const char *c)
{
	int64_t found = terms_find(t, c);
	uint32_t id;
	char *s;

	if (found >= 0) {
		t->v[found].refs++;
		return found;
	}
	if (t->free == 0 && t->nids == t->cap) {
		uint32_t ncap = t->cap ? t->cap * 2 : 64;
		struct term *nv;
		if (ncap <= t->cap ||
		    (nv = realloc(t->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		t->v = nv;
		t->cap = ncap;
	}
	id = t->free != 0 ? t->free - 1 : t->nids;
	if ((s = strdup(c)) == NULL)
		return -1;
	if (strmap_put(&t->byname, c, (void *)(uintptr_t)(id + 1)) == -1) {
		free(s);
		return -1;
	}
	if (id == t->nids)
		t->nids++;
	else
		t->free = t->v[id].refs;
	t->v[id].s = s;
	t->v[id].refs = 1;
	t->v[id].postings = 0;
	t->n++;
	return id;
}

/* Drops a reference on term id; the last frees it and its id. */
static void
term_drop(struct terms *t, uint32_t id)
{
	struct term *e = &t->v[id];

	if (--e->refs > 0)
		return;
	(void)strmap_del(&t->byname, e->s);
	free(e->s);
	e->s = NULL;
	e->refs = t->free;
	t->free = id + 1;
	t->n--;
}

/* Drops a posting's reference on raw skill s; the last frees its cache
 * entry (and the entry's reference on its term). */
static void
raw_drop(struct terms *t, const char *s)
{
	struct terms_raw *r = strmap_get(&t->raw, s);

	if (r == NULL || --r->refs > 0)
		return;
	(void)strmap_del(&t->raw, s);
	if (r->id >= 0)
		term_drop(t, (uint32_t)r->id);
	free(r);
}

/*
 * The canonical id of s, a skill as posted, taking a reference on s's
 * cache entry (made when missing) and, when s has a canonical form, on its
 * term: -1 when it has none, -2 when out of memory (nothing taken). Each
 * distinct skill runs the synonyms' patterns once per rule set; a result
 * cut short by a PCRE2 limit or the clock is not remembered.
 */
static int64_t
canon_take(struct terms *t, struct rules *rules, const char *s)
{
	struct terms_raw *r = strmap_get(&t->raw, s);
	uint64_t hits = rules_stats_of(rules)->limit_hits;
	char buf[CANON_MAX];
	const char *c;
	int64_t id;

	if (r == NULL) {
		if ((r = malloc(sizeof(*r))) == NULL)
			return -2;
		r->refs = 0;
		r->id = TERMS_UNKNOWN;
		if (strmap_put(&t->raw, s, r) == -1) {
			free(r);
			return -2;
		}
	}
	r->refs++;
	if (r->id != TERMS_UNKNOWN) {
		if (r->id >= 0)
			t->v[r->id].refs++;
		return r->id;
	}
	c = rules_canon_skill(rules, s, buf, sizeof(buf));
	if (c[0] == '\0')
		id = -1;
	else if ((id = term_take(t, c)) < 0) {
		raw_drop(t, s);
		return -2;
	}
	if (rules_stats_of(rules)->limit_hits == hits &&
	    !rules_deadline_passed(rules)) {
		r->id = id;
		if (id >= 0)
			t->v[id].refs++;	/* the entry's own */
	}
	return id;
}

int
terms_take(struct terms *t, struct rules *rules, char *const *raw,
    size_t nraw, uint32_t **ids, uint16_t *nids)
{
	uint32_t *v = NULL;
	uint16_t n = 0;
	size_t i;

	*ids = NULL;
	*nids = 0;
	if (nraw > 0 && (v = calloc(nraw, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < nraw; i++) {
		int64_t id = canon_take(t, rules, raw[i]);
		bool dup = false;

		if (id == -1)
			continue;
		if (id < 0)
			goto fail;
		for (uint16_t k = 0; k < n; k++)
			dup |= v[k] == (uint32_t)id;
		if (dup)
			term_drop(t, (uint32_t)id);	/* one a posting */
		else {
			v[n++] = (uint32_t)id;
			t->v[id].postings++;
		}
	}
	*ids = v;
	*nids = n;
	return 0;
fail:
	terms_drop(t, raw, i, v, n);
	return -1;
}

void
terms_drop(struct terms *t, char *const *raw, size_t nraw, uint32_t *ids,
    uint16_t nids)
{
	for (size_t i = 0; i < nraw; i++)
		raw_drop(t, raw[i]);
	for (uint16_t k = 0; k < nids; k++) {
		t->v[ids[k]].postings--;
		term_drop(t, ids[k]);
	}
	free(ids);
}

/* Whether hay holds needle (ASCII lower case already), ASCII letters of
 * hay in either case. */
static bool
ci_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return true;
	for (; *hay != '\0'; hay++) {
		size_t i;

		for (i = 0; i < n && hay[i] != '\0'; i++) {
			char c = hay[i];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != needle[i])
				break;
		}
		if (i == n)
			return true;
	}
	return false;
}

/* Whether a goes before b in a suggestion list. */
static bool
suggest_before(const struct term_count *a, const struct term_count *b)
{
	if (a->postings != b->postings)
		return a->postings > b->postings;
	return strcmp(a->term, b->term) < 0;
}

struct suggest {
	const struct terms	*t;
	const char		*needle;	/* lower case */
	struct term_count	*out;
	size_t			 n, max;
};

/* Offers term id to the list, kept sorted and at most max long. */
static void
suggest_offer(struct suggest *sg, uint32_t id)
{
	struct term_count c = { sg->t->v[id].s, sg->t->v[id].postings,
	    sg->t->v[id].s, 0, false };
	size_t i;

	if (c.term == NULL || c.postings == 0 || sg->max == 0)
		return;
	for (i = 0; i < sg->n; i++)
		if (sg->out[i].term == c.term)
			return;
	if (sg->n == sg->max && !suggest_before(&c, &sg->out[sg->n - 1]))
		return;
	if (sg->n < sg->max)
		sg->n++;
	for (i = sg->n - 1; i > 0 && suggest_before(&c, &sg->out[i - 1]); i--)
		sg->out[i] = sg->out[i - 1];
	sg->out[i] = c;
}

static void
suggest_raw(const char *key, void *val, void *arg)
{
	struct suggest *sg = arg;
	const struct terms_raw *r = val;

	if (r->id >= 0 && ci_contains(key, sg->needle))
		suggest_offer(sg, (uint32_t)r->id);
}

/* Gives a term of the list the form key of it when that reads better: one
 * holding the text asked for, then the one most postings list. */
static void
suggest_words(const char *key, void *val, void *arg)
{
	struct suggest *sg = arg;
	const struct terms_raw *r = val;
	bool hit;

	if (r->id < 0 || r->refs == 0)
		return;
	hit = sg->needle[0] != '\0' && ci_contains(key, sg->needle);
	for (size_t i = 0; i < sg->n; i++) {
		struct term_count *c = &sg->out[i];

		if (c->term != sg->t->v[r->id].s)
			continue;
		if (c->text_postings == 0 || hit > c->text_hit ||
		    (hit == c->text_hit && (r->refs > c->text_postings ||
		    (r->refs == c->text_postings &&
		    strcmp(key, c->text) < 0)))) {
			c->text = key;
			c->text_postings = r->refs;
			c->text_hit = hit;
		}
		return;
	}
}

size_t
terms_suggest(const struct terms *t, const char *text,
    struct term_count *out, size_t max)
{
	char needle[CANON_MAX];
	struct suggest sg = { t, needle, out, 0, max };
	size_t i;

	for (i = 0; text[i] != '\0' && i + 1 < sizeof(needle); i++)
		needle[i] = text[i] >= 'A' && text[i] <= 'Z' ?
		    (char)(text[i] - 'A' + 'a') : text[i];
	needle[i] = '\0';
	for (uint32_t id = 0; id < t->nids; id++)
		if (t->v[id].s != NULL && ci_contains(t->v[id].s, needle))
			suggest_offer(&sg, id);
	if (needle[0] != '\0')
		strmap_each(&t->raw, suggest_raw, &sg);
	if (sg.n > 0)
		strmap_each(&t->raw, suggest_words, &sg);
	return sg.n;
}

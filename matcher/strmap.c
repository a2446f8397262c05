/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * strmap.c - see strmap.h.
 */
#include <stdlib.h>
#include <string.h>

#include "matcher/strmap.h"

#define STRMAP_MIN	16		/* slots of a table that has any */

static size_t
hash_str(const struct strmap *m, const char *s)
{
	return (size_t)siphash(&m->key, s, strlen(s));
}

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	strmap_init(m);
}

static struct strmap_slot *
find(const struct strmap *m, const char *key, size_t h)
{
	if (m->n == 0)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct strmap_slot *s = &m->slots[i];
		if (s->key == NULL)
			return NULL;
		if (s->hash == h && strcmp(s->key, key) == 0)
			return s;
	}
}

void *
strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_slot *s;

	if (m->n == 0)
		return NULL;
	s = find(m, key, hash_str(m, key));
	return s != NULL ? s->val : NULL;
}

/* Moves the entries to a table of ncap slots (which holds them); the first
 * table takes the process's key. 0, or -1 when out of memory (then the
 * table is as it was). */
static int
resize(struct strmap *m, size_t ncap)
{
	struct strmap_slot *ns = calloc(ncap, sizeof(*ns));

	if (ns == NULL)
		return -1;
	if (m->cap == 0)
		m->key = siphash_key();
	for (size_t i = 0; i < m->cap; i++) {
		struct strmap_slot *s = &m->slots[i];
		if (s->key == NULL)
			continue;
		size_t j = s->hash & (ncap - 1);
		while (ns[j].key != NULL)
			j = (j + 1) & (ncap - 1);
		ns[j] = *s;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

int
strmap_put(struct strmap *m, const char *key, void *val)
{
	struct strmap_slot *s;
	size_t h;

	/* The key is the table's: make the table before hashing. */
	if (m->cap == 0 && resize(m, STRMAP_MIN) == -1)
		return -1;
	h = hash_str(m, key);
	if ((s = find(m, key, h)) != NULL) {
		s->val = val;
		return 0;
	}
	if ((m->n + 1) * 4 > m->cap * 3 && resize(m, m->cap * 2) == -1)
		return -1;
	size_t i = h & (m->cap - 1);
	while (m->slots[i].key != NULL)
		i = (i + 1) & (m->cap - 1);
	if ((m->slots[i].key = strdup(key)) == NULL)
		return -1;
	m->slots[i].val = val;
	m->slots[i].hash = h;
	m->n++;
	return 0;
}

void *
strmap_del(struct strmap *m, const char *key)
{
	struct strmap_slot *s;
	void *val;

	if (m->n == 0 || (s = find(m, key, hash_str(m, key))) == NULL)
		return NULL;
	val = s->val;
	free(s->key);
	s->key = NULL;
	m->n--;
	/* Backward-shift the following cluster so probes stay unbroken. */
	size_t mask = m->cap - 1, hole = (size_t)(s - m->slots);
	for (size_t i = (hole + 1) & mask; m->slots[i].key != NULL;
	    i = (i + 1) & mask) {
		size_t home = m->slots[i].hash & mask;
		/* Move i into the hole unless its home lies in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			m->slots[hole] = m->slots[i];
			m->slots[i].key = NULL;
			hole = i;
		}
	}
	/* Mostly empty: half the slots (a failure keeps the larger). */
	if (m->cap > STRMAP_MIN && m->n * 8 <= m->cap)
		(void)resize(m, m->cap / 2);
	return val;
}

void
strmap_each(const struct strmap *m,
    void (*fn)(const char *key, void *val, void *arg), void *arg)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL)
			fn(m->slots[i].key, m->slots[i].val, arg);
}

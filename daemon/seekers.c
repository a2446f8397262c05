/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * seekers.c - see seekers.h.
 *
 * The mirror is a map from id to a decoded seeker, each map owning its own
 * copies, so that the current mirror and one being loaded never share a
 * record.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "matcher/strmap.h"
#include "proto/codec.h"

struct seekers {
	struct strmap	 byid;		/* id -> struct seeker, owned */
};

/* ---- the mirror ------------------------------------------------------- */

static struct seekers *
seekers_new(void)
{
	struct seekers *ss = malloc(sizeof(*ss));

	if (ss != NULL)
		strmap_init(&ss->byid);
	return ss;
}

static void
seeker_free(struct seeker *s)
{
	if (s == NULL)
		return;
	seeker_clear(s);
	free(s);
}

static void
free_entry(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	seeker_free(val);
}

void
seekers_free(struct seekers *ss)
{
	if (ss == NULL)
		return;
	strmap_each(&ss->byid, free_entry, NULL);
	strmap_free(&ss->byid);
	free(ss);
}

/* A deep copy of s (the caller owns it), or NULL when out of memory. */
static struct seeker *
seeker_dup(const struct seeker *s)
{
	struct seeker *d = malloc(sizeof(*d));
	size_t n = s->profile.nskills;

	if (d == NULL)
		return NULL;
	*d = *s;
	d->name = d->plan_note = d->certificate_no = NULL;
	d->profile.skills = NULL;
	d->profile.nskills = 0;
	d->training = NULL;
	d->ntraining = 0;
	if ((s->name != NULL && (d->name = strdup(s->name)) == NULL) ||
	    (s->certificate_no != NULL &&
	    (d->certificate_no = strdup(s->certificate_no)) == NULL) ||
	    (s->plan_note != NULL &&
	    (d->plan_note = strdup(s->plan_note)) == NULL))
		goto fail;
	if (s->ntraining > 0) {
		if ((d->training = calloc(s->ntraining,
		    sizeof(*d->training))) == NULL)
			goto fail;
		for (; d->ntraining < s->ntraining; d->ntraining++) {
			struct training *t = &d->training[d->ntraining];
			t->day = s->training[d->ntraining].day;
			if ((t->course = strdup(
			    s->training[d->ntraining].course)) == NULL)
				goto fail;
		}
	}
	if (n > 0) {
		if ((d->profile.skills = calloc(n, sizeof(char *))) == NULL)
			goto fail;
		for (; d->profile.nskills < n; d->profile.nskills++)
			if ((d->profile.skills[d->profile.nskills] =
			    strdup(s->profile.skills[d->profile.nskills])) ==
			    NULL)
				goto fail;
	}
	return d;
fail:
	seeker_free(d);
	return NULL;
}

/* Puts a copy of s into ss (NULL: no such mirror). 0, or -1 (memory). */
static int
mirror_put(struct seekers *ss, const struct seeker *s)
{
	struct seeker *d, *old;

	if (ss == NULL)
		return 0;
	if ((d = seeker_dup(s)) == NULL)
		return -1;
	old = strmap_get(&ss->byid, s->id);
	if (strmap_put(&ss->byid, s->id, d) == -1) {
		seeker_free(d);
		return -1;
	}
	seeker_free(old);
	return 0;
}

static void
mirror_remove(struct seekers *ss, const char *id)
{
	if (ss != NULL)
		seeker_free(strmap_del(&ss->byid, id));
}

void
seekers_remove(const char *id)
{
	mirror_remove(server.seekers, id);
	mirror_remove(server.seekers_loading, id);
}

void
seekers_put(const struct seeker *s)
{
	struct seeker *c;
	int a, b;

	/* s may share strings with the record the first put replaces (and
	 * frees): both put a copy made before */
	if ((c = seeker_dup(s)) == NULL) {
		log_warnx("seekers: out of memory adding a seeker");
		return;
	}
	a = mirror_put(server.seekers, c);
	b = mirror_put(server.seekers_loading, c);
	seeker_free(c);
	if (a == -1 || b == -1)
		log_warnx("seekers: out of memory adding a seeker");
}

struct each_seeker {
	void	(*fn)(const struct seeker *, void *);
	void	 *arg;
};

static void
each_seeker(const char *key, void *val, void *arg)
{
	struct each_seeker *es = arg;

	(void)key;
	es->fn(val, es->arg);
}

void
seekers_each(void (*fn)(const struct seeker *, void *), void *arg)
{
	struct each_seeker es = { fn, arg };

	if (server.seekers != NULL)
		strmap_each(&server.seekers->byid, each_seeker, &es);
}

struct sorted {
	bool			(*keep)(const struct seeker *, void *);
	void			 *arg;
	const struct seeker	**v;
	size_t			 n, cap;
	bool			 oom;
};

static void
sorted_add(const struct seeker *s, void *arg)
{
	struct sorted *l = arg;

	if (l->oom || (l->keep != NULL && !l->keep(s, l->arg)))
		return;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? 2 * l->cap : 64;
		const struct seeker **nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = s;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp((*(const struct seeker *const *)a)->id,
	    (*(const struct seeker *const *)b)->id);
}

int
seekers_sorted(bool (*keep)(const struct seeker *, void *), void *arg,
    const struct seeker ***out, size_t *n)
{
	struct sorted l = { keep, arg, NULL, 0, 0, false };

	seekers_each(sorted_add, &l);
	if (l.oom) {
		free(l.v);
		return -1;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), by_id);
	*out = l.v;
	*n = l.n;
	return 0;
}

const struct seeker *
seekers_find(const char *id)
{
	if (server.seekers == NULL)
		return NULL;
	return strmap_get(&server.seekers->byid, id);
}

size_t
seekers_count(const struct seekers *ss)
{
	return ss != NULL ? ss->byid.n : 0;
}

void
seekers_load_begin(void)
{
	seekers_free(server.seekers_loading);
	if ((server.seekers_loading = seekers_new()) == NULL)
		log_warnx("seekers: out of memory");
}

void
seekers_load(const struct store_rec *rec, void *arg)
{
	struct seeker s;
	struct perr pe;

	(void)arg;
	if (server.seekers_loading == NULL)
		return;
	seeker_init(&s);
	/* The field's path only: a seeker's values are never logged. */
	if (codec_seeker_load(rec->doc, rec->doclen, &server.towns, &s,
	    &pe) == -1)
		log_warnx("seekers: skipping a stored seeker that does not "
		    "validate: %s", pe.field);
	else {
		s.version = rec->version;
		/* What Redis held when it ran this read, after every reply
		 * the new mirror has had: put it as it is. */
		if (mirror_put(server.seekers_loading, &s) == -1)
			log_warnx("seekers: out of memory");
	}
	seeker_clear(&s);
}

void
seekers_load_end(bool complete)
{
	if (server.seekers_loading == NULL)
		return;
	if (!complete) {
		seekers_free(server.seekers_loading);
		server.seekers_loading = NULL;
		return;
	}
	seekers_free(server.seekers);
	server.seekers = server.seekers_loading;
	server.seekers_loading = NULL;
	log_info("seekers: %zu registered", server.seekers->byid.n);
}

void
seekers_apply(const char *id, const struct store_rec *rec)
{
	struct seeker s;
	struct perr pe;

	if (rec == NULL) {
		seekers_remove(id);
		return;
	}
	seeker_init(&s);
	if (codec_seeker_load(rec->doc, rec->doclen, &server.towns, &s,
	    &pe) == -1)
		log_warnx("seekers: skipping a changed seeker that does not "
		    "validate: %s", pe.field);
	else {
		s.version = rec->version;
		seekers_put(&s);
	}
	seeker_clear(&s);
}

int
seekers_town(const struct seeker *s)
{
	const struct profile *p = &s->profile;

	return towns_pick(&server.towns, p->town, p->lat, p->lon);
}


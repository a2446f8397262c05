/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fairs.c - see fairs.h. Each mirror owns its own copies, so that the
 * current mirror and one being loaded never share a record.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/fair_counts.h"
#include "daemon/fairs.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "matcher/strmap.h"

struct fairs {
	struct strmap	 byid;		/* id -> struct mfair, owned */
};

static struct fairs *
fairs_new(void)
{
	struct fairs *fs = malloc(sizeof(*fs));

	if (fs != NULL)
		strmap_init(&fs->byid);
	return fs;
}

static void
mfair_free(struct mfair *mf)
{
	if (mf == NULL)
		return;
	fair_clear(&mf->fair);
	free(mf->employers);
	free(mf);
}

static void
free_entry(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	mfair_free(val);
}

void
fairs_free(struct fairs *fs)
{
	if (fs == NULL)
		return;
	strmap_each(&fs->byid, free_entry, NULL);
	strmap_free(&fs->byid);
	free(fs);
}

/* A deep copy of f as the mirror keeps it, or NULL (memory). */
static struct mfair *
mfair_new(const struct fair *f)
{
	struct mfair *mf = calloc(1, sizeof(*mf));
	size_t n = f->nexhibitors;

	if (mf == NULL)
		return NULL;
	mf->fair = *f;
	mf->fair.name = strdup(f->name);
	mf->fair.venue = strdup(f->venue);
	mf->fair.exhibitors = n > 0 ? malloc(n * sizeof(*f->exhibitors)) :
	    NULL;
	mf->employers = n > 0 ? malloc(n * sizeof(*mf->employers)) : NULL;
	if (mf->fair.name == NULL || mf->fair.venue == NULL ||
	    (n > 0 && (mf->fair.exhibitors == NULL ||
	    mf->employers == NULL))) {
		mfair_free(mf);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		mf->fair.exhibitors[i] = f->exhibitors[i];
		mf->employers[i] = mf->fair.exhibitors[i].employer_id;
	}
	return mf;
}

/* Puts a copy of f into fs (NULL: no such mirror) unless fs holds it at
 * its version or a later one. 0, or -1 (memory). */
static int
mirror_put(struct fairs *fs, const struct fair *f)
{
	struct mfair *mf, *old;

	if (fs == NULL)
		return 0;
	old = strmap_get(&fs->byid, f->id);
	if (old != NULL && old->fair.version >= f->version)
		return 0;
	if ((mf = mfair_new(f)) == NULL)
		return -1;
	if (strmap_put(&fs->byid, f->id, mf) == -1) {
		mfair_free(mf);
		return -1;
	}
	mfair_free(old);
	return 0;
}

const struct mfair *
fairs_find(const char *id)
{
	if (server.fairs == NULL)
		return NULL;
	return strmap_get(&server.fairs->byid, id);
}

const struct exhibitor *
fairs_exhibitor(const struct mfair *mf, const char *employer_id)
{
	for (size_t i = 0; i < mf->fair.nexhibitors; i++)
		if (strcmp(mf->employers[i], employer_id) == 0)
			return &mf->fair.exhibitors[i];
	return NULL;
}

struct each_fair {
	void	(*fn)(const struct mfair *, void *);
	void	 *arg;
};

static void
each_fair(const char *key, void *val, void *arg)
{
	struct each_fair *ef = arg;

	(void)key;
	ef->fn(val, ef->arg);
}

void
fairs_each(void (*fn)(const struct mfair *, void *), void *arg)
{
	struct each_fair ef = { fn, arg };

	if (server.fairs != NULL)
		strmap_each(&server.fairs->byid, each_fair, &ef);
}

void
fairs_put(const struct fair *f)
{
	int a = mirror_put(server.fairs, f);
	int b = mirror_put(server.fairs_loading, f);

	if (a == -1 || b == -1)
		log_warnx("fairs: out of memory adding a fair");
}

/* A stored fair into f (initialised): 0, or -1 after logging the field
 * that did not validate. */
static int
decode(const struct store_rec *rec, struct fair *f, const char *what)
{
	struct perr pe;

	if (codec_fair_load(rec->doc, rec->doclen, &server.towns, f,
	    &pe) == -1) {
		log_warnx("fairs: skipping a %s fair that does not validate: "
		    "%s", what, pe.field);
		return -1;
	}
	f->version = rec->version;
	return 0;
}

void
fairs_load_begin(void)
{
	fairs_free(server.fairs_loading);
	if ((server.fairs_loading = fairs_new()) == NULL)
		log_warnx("fairs: out of memory");
}

void
fairs_load(const struct store_rec *rec, void *arg)
{
	struct fair f;

	(void)arg;
	if (server.fairs_loading == NULL)
		return;
	fair_init(&f);
	if (decode(rec, &f, "stored") == 0 &&
	    mirror_put(server.fairs_loading, &f) == -1)
		log_warnx("fairs: out of memory");
	fair_clear(&f);
}

void
fairs_load_end(bool complete)
{
	if (server.fairs_loading == NULL)
		return;
	if (!complete) {
		fairs_free(server.fairs_loading);
		server.fairs_loading = NULL;
		return;
	}
	fairs_free(server.fairs);
	server.fairs = server.fairs_loading;
	server.fairs_loading = NULL;
	log_info("fairs: %zu", server.fairs->byid.n);
}

void
fairs_count_qr(const char *id)
{
	fair_counts_add(id, "qr", 1);
}

void
fairs_apply(const struct store_rec *rec)
{
	struct fair f;

	fair_init(&f);
	if (decode(rec, &f, "changed") == 0)
		fairs_put(&f);
	fair_clear(&f);
}

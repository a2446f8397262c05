/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fairs.h - the daemon's mirror of the job fairs (fair.get, fair.list and
 * the fair filter of match read it; their methods are in methods/fairs.c).
 * Loaded with the other mirrors through the store's hooks, changed by this
 * daemon's own fair.put as Redis confirms it and by other daemons' through
 * the change stream (fair.put entries). Fairs are never deleted.
 */
#ifndef JM_FAIRS_H
#define JM_FAIRS_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/store.h"
#include "proto/codec_fair.h"

/* A fair as the mirror keeps it. */
struct mfair {
	struct fair	 fair;
	const char	**employers;	/* fair.exhibitors[i].employer_id,
					   for the matcher's filter */
};

struct fairs;		/* a mirror: id -> struct mfair */

void	fairs_free(struct fairs *fs);

/* Fair id in the current mirror, or NULL. Valid until control returns to
 * the event loop. */
const struct mfair *fairs_find(const char *id);
/* The exhibitor of mf that is employer_id, or NULL (a binary search is
 * not possible: exhibitors are in booth order; n is at most
 * FAIR_EXHIBITORS_MAX). */
const struct exhibitor *fairs_exhibitor(const struct mfair *mf,
	    const char *employer_id);
/* Calls fn for every fair of the current mirror, in no order. */
void	fairs_each(void (*fn)(const struct mfair *mf, void *arg), void *arg);

/* The load (store.h's hooks): begin starts a new mirror beside the
 * current one, fairs_load (the load_fair hook) puts each stored fair into
 * it, end swaps it in when the load completed or drops it. */
void	fairs_load_begin(void);
void	fairs_load(const struct store_rec *rec, void *arg);
void	fairs_load_end(bool complete);
/* A fair written by this daemon (f, with its version) or, rec, read after
 * another daemon's write: into both mirrors, unless the one held is as
 * new. */
void	fairs_put(const struct fair *f);
void	fairs_apply(const struct store_rec *rec);

/* A QR code was given to a kiosk at fair id (registered): its counter
 * (fair_counts.h). */
void	fairs_count_qr(const char *id);

#endif

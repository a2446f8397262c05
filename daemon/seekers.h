/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * seekers.h - the daemon's mirror of registered job seekers, which match
 * {seeker_id}, job.candidates, seeker.list and stats.plan read (their
 * methods are in methods/).
 *
 * A seeker's record is personal data. Redis holds it (the system of record)
 * and the mirror a decoded copy; it is never logged (method names and ids
 * only, at debug level) and never written to the change stream. A seeker id
 * is an opaque number the staff assign, never a personal identifier.
 */
#ifndef JM_SEEKERS_H
#define JM_SEEKERS_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/store.h"
#include "matcher/model.h"

struct seekers;		/* a mirror: id -> struct seeker */

/* Frees a mirror and every seeker in it; NULL is fine. */
void	seekers_free(struct seekers *ss);

/* The seeker id in the current mirror (server.seekers), or NULL. Valid
 * until control returns to the event loop. */
const struct seeker *seekers_find(const char *id);
/* How many seekers ss holds; 0 for NULL. */
size_t	seekers_count(const struct seekers *ss);

/*
 * The load of the mirror, called from the store's hooks: begin starts a new
 * mirror (server.seekers_loading) beside the current one, seekers_load (the
 * load_seeker hook itself; arg is unused) puts each stored seeker into it
 * as read (store.h: a load's replies come in order with everything else
 * after its start), and end swaps it in when the load
 * completed or drops it when it did not. This daemon's own writes meanwhile
 * go to both.
 */
void	seekers_load_begin(void);
void	seekers_load(const struct store_rec *rec, void *arg);
void	seekers_load_end(bool complete);
/* Another daemon wrote seeker id: rec is what Redis holds now, NULL when
 * it holds nothing (deleted). Goes to both mirrors. */
void	seekers_apply(const char *id, const struct store_rec *rec);

/* Calls fn for every registered seeker of the mirror, in no order. */
void	seekers_each(void (*fn)(const struct seeker *s, void *arg),
	    void *arg);

/*
 * The registered seekers keep (NULL: every one) keeps, in id order, as a
 * new array in *out (free it) of *n. 0, or -1 when out of memory.
 */
int	seekers_sorted(bool (*keep)(const struct seeker *s, void *arg),
	    void *arg, const struct seeker ***out, size_t *n);

/* Puts a copy of s, written to the store, into the mirrors. */
void	seekers_put(const struct seeker *s);
/* Removes seeker id, deleted from the store, from the mirrors. */
void	seekers_remove(const char *id);

/* The town of a registered seeker: the one given, else the nearest. */
int	seekers_town(const struct seeker *s);

#endif

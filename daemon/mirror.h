/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * mirror.h - the daemon's in-memory copy of what Redis holds (postings,
 * employers; seekers.c keeps the seekers): loaded through the store's
 * hooks, changed by this daemon's own writes as Redis confirms them, and by
 * the writes of other daemons as the change stream reports them.
 *
 * While a load is under way (server.loading), every change goes to both
 * the mirror in use and the one being built.
 */
#ifndef JM_MIRROR_H
#define JM_MIRROR_H

#include "daemon/store.h"
#include "matcher/quota.h"
#include "matcher/model.h"

/* Puts a posting into the mirror (both, while loading); one whose
 * apply_by has passed is taken out instead. */
void	mirror_put_job(const struct job *j);
/* The timer that takes postings out at the end of their apply_by day
 * (each local midnight): 0, or -1 when out of memory. */
int	mirror_start(void);
void	mirror_stop(void);
void	mirror_remove_job(const char *employer_id, const char *id);
void	mirror_put_employer(const struct employer *e);
/* Employer id's roster is ro (its version set): into both mirrors. */
void	mirror_put_roster(const char *id, const struct quota_roster *ro);
/* The store's hooks that keep the mirror in step with Redis. */
extern const struct store_hooks mirror_store_hooks;

#endif

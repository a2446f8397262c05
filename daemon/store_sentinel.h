/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_sentinel.h - the primary found through Redis Sentinel
 * (redis_sentinel, redis_master_name): the sentinels asked in turn where
 * it is, for each new link; a subscription to +switch-master on one
 * sentinel at a time, which moves the links (struct store_up's move) when
 * another primary takes over. Knows nothing of the commands sent on the
 * links.
 */
#ifndef JM_STORE_SENTINEL_H
#define JM_STORE_SENTINEL_H

#include "daemon/store_types.h"

/* Sets up st->sentinel when sentinels are configured; -1 without
 * memory. */
int		 sentinel_init(struct store *st);
/* Subscribes to +switch-master on a sentinel (and keeps doing so). */
void		 sentinel_start(struct store *st);
/* Stopping: no subscription, no question under way. */
void		 sentinel_stop(struct store *st);
void		 sentinel_free(struct store *st);

/*
 * Asks the sentinels, in turn, where the primary is: done is called from
 * the loop with its address (d->port set to its port) or with err saying
 * why none answered (for the log and store_info). d->ask is set while
 * asking; sentinel_cancel forgets the question.
 */
void		 sentinel_ask(struct store *st, struct dial *d,
		    resolve_cb *done);
void		 sentinel_cancel(struct dial *d);

/* Whether a link's ROLE reply r says a primary; if not, why says so
 * ("HOST:PORT named by the sentinels is not a primary (role: R)"), and
 * the next round starts from another sentinel (sentinel_distrust). */
bool		 sentinel_primary(struct store *st, const struct dial *d,
		    const redisReply *r, char *why, size_t len);
/* The address the sentinel d->named_by gave could not be used (refused,
 * not a primary): the next round asks another sentinel first, so that
 * one that lags, cut off from the others, does not hold the links. */
void		 sentinel_distrust(struct store *st, const struct dial *d);
/* The links' server is not the primary (a write answered READONLY):
 * both links move, from the loop. */
void		 sentinel_move_soon(struct store *st, const char *why);

/* Moves of the links the sentinels caused; whether a subscription to
 * +switch-master is up (a sentinel answers). */
uint64_t	 sentinel_moves(const struct store *st);
bool		 sentinel_subscribed(const struct store *st);

#endif

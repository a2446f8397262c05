/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_dial.h - how a link to Redis is set up, the same for the main link
 * (store_link.c) and the tail (store_tail.c): where it connects, when it
 * tries again, its context on the loop, and its authentication. Knows
 * nothing of the commands sent on a link.
 */
#ifndef JM_STORE_DIAL_H
#define JM_STORE_DIAL_H

#include "daemon/store_types.h"

/*
 * The address the next link connects to; NULL when the host name must be
 * looked up first (then done is called with the answer, unless the lookup
 * could not start: d->lookup stays NULL). No new lookup while stopping.
 */
const char	*dial_addr(struct store *st, struct dial *d, resolve_cb *done);
/* Whether the address is being found (a lookup, the sentinels asked). */
bool		 dial_busy(const struct dial *d);
/* Stopping: the lookup or question under way is forgotten. */
void		 dial_cancel(struct dial *d);
/* Arms timer for the next address of the round at once; after the round,
 * after *backoff_ms, which doubles (to BACKOFF_MAX_MS). */
void		 dial_again(struct dial *d, struct event *timer,
		    int *backoff_ms);
/* " to HOST:PORT (ADDRESS)" for a link by host name, for the log; "" for
 * the others, whose address is the configured one. */
const char	*dial_where(const struct store *st, const struct dial *d,
		    char *buf, size_t len);
/* A new context to addr (an address) and d's port, or to the unix
 * socket, on the loop, with TCP keepalive; NULL when it cannot be made
 * (said). */
redisAsyncContext *dial_open(struct store *st, const struct dial *d,
		    const char *addr);
/* Why the main link of this generation failed, for store_info. */
void		 dial_trouble(struct store *st, enum store_trouble what,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Frees a link that did not answer in time, and calls gone when hiredis
 * will not call its disconnect callback (a link still connecting). */
void		 dial_drop(struct store *st, redisAsyncContext *ac,
		    void (*gone)(struct store *));
/* AUTH's arguments, the first command of every link: their number, 0
 * when no password is set. */
int		 dial_auth_argv(const struct config *c, const char *argv[3]);
/* An error that says the link is not authenticated: AUTH's own (is_auth),
 * or NOAUTH or WRONGPASS to any command. */
bool		 dial_auth_error(bool is_auth, const char *s);
/* Redis's words s, for the log: left out should they hold the password. */
const char	*dial_redis_words(const struct store *st, const char *s);

#endif

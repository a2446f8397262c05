/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_life.c - see store.h: a store's life (new, start, quiesce, retry,
 * free) and what it tells of itself. The work is done by the files below
 * it, each using only those below it (store_types.h lists them);
 * store_new tells the main link and the tail what to call in the load
 * above them, and the main link what to call for redis_wait_replicas
 * (struct store_up).
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/store_link.h"
#include "daemon/store_load.h"
#include "daemon/store_sentinel.h"
#include "daemon/store_tail.h"
#include "daemon/store_wait.h"

/* The sentinels name another primary: the links not there go there. */
static void
store_move(struct store *st, bool main, bool tail)
{
	if (st->freeing || st->quiet)
		return;
	if (main)
		link_move(st);
	if (tail)
		tail_move(st);
}

struct store *
store_new(struct event_base *base, const struct config *cfg,
    const struct store_hooks *hooks)
{
	struct store *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	st->base = base;
	st->cfg = cfg;
	st->hooks = *hooks;
	st->up.ready = load_start;
	st->up.down = load_link_down;
	st->up.reload = store_reload;
	st->up.move = store_move;
	st->up.wait = wait_send;
	st->up.hold = wait_hold;
	/* redis HOST:PORT by name: looked up for every new link; the
	 * sentinels' names, and the names they answer, too */
	if (((cfg->redis_socket[0] == '\0' &&
	    !resolve_is_numeric(cfg->redis.host)) || cfg->nsentinels > 0) &&
	    (st->resolver = resolver_new(base)) == NULL) {
		free(st);
		return NULL;
	}
	if (sentinel_init(st) == -1 || link_init(st) == -1) {
		sentinel_free(st);
		resolver_free(st->resolver);
		free(st);
		return NULL;
	}
	if (tail_init(st) == -1) {
		st->freeing = true;
		link_free(st);
		sentinel_free(st);
		resolver_free(st->resolver);
		free(st);
		return NULL;
	}
	return st;
}

void
store_start(struct store *st)
{
	link_connect(st);
	tail_connect(st);
	sentinel_start(st);
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	st->freeing = true;
	link_free(st);
	tail_free(st);
	sentinel_free(st);
	resolver_free(st->resolver);
	free(st);
}

void
store_quiesce(struct store *st)
{
	st->quiet = true;
	st->reload = false;
	/* No new links by name: each lookup ends at the loop's next turn. */
	link_quiesce(st);
	tail_stop(st);
	sentinel_stop(st);
}

size_t
store_pending(const struct store *st)
{
	return st->pending + st->nlate + resolver_busy(st->resolver);
}

void
store_retry(struct store *st)
{
	if (st->freeing || st->quiet)
		return;
	link_retry(st);
	tail_retry(st);
}

void
store_info(const struct store *st, struct store_info *out)
{
	memset(out, 0, sizeof(*out));
	out->connected = store_connected(st);
	out->loaded = st->state == ST_READY;
	out->following = st->tail.up && st->tail.have_pos && !st->tail.lost;
	out->emptied = st->emptied;
	out->run_id = st->run_id;
	out->stream_id = st->tail.id;
	out->stream_lag = st->tail.lag;
	out->changes = st->tail.changes;
	out->loads = st->loads;
	out->loaded_at = st->loaded_at;
	out->pending = store_pending(st);
	out->trouble = st->trouble;
	out->trouble_text = st->trouble_text;
	out->sentinels = st->sentinel != NULL;
	out->sentinel_subscribed = sentinel_subscribed(st);
	out->sentinel_moves = sentinel_moves(st);
}

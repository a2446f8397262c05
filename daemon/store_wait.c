/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_wait.c - redis_wait_replicas N: a write a request waits for
 * (op_type's durable) is confirmed only when N replicas have it.
 *
 * WAIT N redis_wait_timeout_ms is pipelined right behind the write on the
 * main link, so that Redis runs it after the write and counts the replicas
 * that have it. The write and its WAIT point at each other (op's pair)
 * until the write's reply; a write that succeeded then hands its answer
 * to the WAIT (op's held), which gives it when at least N replicas have
 * the write, and "unknown" otherwise: the write is on the primary, and may
 * not survive a failover.
 *
 * The link calls these through struct store_up (store_life.c fills it
 * in); this file sends and answers through store_link.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/store_link.h"
#include "daemon/store_wait.h"

static void	on_wait(struct op *w, redisReply *r);

/* WAIT's reply: the count of replicas that have the write before it. An
 * error (an ACL that refuses WAIT) answers the write "unknown": it ran. */
static const struct op_type wait_type = {
	.reply = on_wait, .error = OE_UNKNOWN };

/* A durable write's success that no WAIT holds. */
static const struct store_res not_confirmed = {
	.status = STORE_UNKNOWN, .error = "not confirmed by the replicas" };

/*
 * Sends WAIT N TIMEOUT behind op and pairs them. A write sent again (EVAL
 * after NOSCRIPT) leaves the WAIT sent behind it the first time, which
 * counts before the EVAL runs. A WAIT that cannot be sent (no memory, a
 * link being torn down) is freed at once, which unpairs it (op_free): op's
 * success then answers "unknown".
 */
void
wait_send(struct store *st, struct op *op)
{
	char n[16], ms[16];
	const char *argv[] = { "WAIT", n, ms };
	struct op *w;

	if (op->pair != NULL) {
		op->pair->pair = NULL;
		op->pair = NULL;
	}
	if ((w = op_new(st, &wait_type, NULL, NULL)) == NULL)
		return;
	snprintf(n, sizeof(n), "%d", st->cfg->redis_wait_replicas);
	snprintf(ms, sizeof(ms), "%d", st->cfg->redis_wait_timeout_ms);
	w->offset = st->cfg->redis_wait_replicas;
	w->pair = op;
	op->pair = w;
	op_send(st, w, NARGS(argv), argv);
}

/* The WAIT holding an answer was not answered in time. */
static void
wait_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct op *w = arg;
	struct store_res res;

	(void)fd;
	(void)ev;
	log_warnx("redis: WAIT not answered within %d ms",
	    w->st->cfg->redis_wait_timeout_ms + w->st->cfg->redis_timeout_ms);
	memset(&res, 0, sizeof(res));
	res.status = STORE_UNKNOWN;
	op_answer(w, &res);
}

/*
 * A durable write that succeeded hands its answer to the WAIT behind it,
 * which answers it when the replicas' count comes (or "unknown" within
 * redis_wait_timeout_ms + redis_timeout_ms). When it cannot (no WAIT was
 * sent, no memory), the write is not confirmed.
 */
const struct store_res *
wait_hold(struct op *op, const struct store_res *res)
{
	struct op *w = op->pair;
	const struct config *c = op->st->cfg;
	int ms = c->redis_wait_timeout_ms + c->redis_timeout_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (w == NULL ||
	    (res->id != NULL && (w->held_id = strdup(res->id)) == NULL) ||
	    (w->timer = evtimer_new(op->st->base, wait_timeout, w)) == NULL)
		return &not_confirmed;
	w->held = *res;
	w->held.id = w->held_id;
	w->held.error = NULL;
	w->cb = op->cb;
	w->arg = op->arg;
	w->pair = NULL;
	op->pair = NULL;
	evtimer_add(w->timer, &tv);
	return NULL;
}

/* The replicas' count for the write whose answer w holds: that answer
 * when at least the N asked for have it, else "unknown". */
static void
on_wait(struct op *w, redisReply *r)
{
	struct store_res res;
	char msg[96];

	if (w->cb == NULL)
		return;		/* the write was answered without it */
	if (r->type == REDIS_REPLY_INTEGER && r->integer >= w->offset) {
		op_answer(w, &w->held);
		return;
	}
	memset(&res, 0, sizeof(res));
	res.status = STORE_UNKNOWN;
	snprintf(msg, sizeof(msg), "confirmed by %lld of %ld replicas",
	    r->type == REDIS_REPLY_INTEGER ? (long long)r->integer : 0LL,
	    w->offset);
	res.error = msg;
	op_answer(w, &res);
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_tail.c - the change stream, followed on a link of its own
 * (store_tail.h): in one transaction the stream's counters and the next
 * entries after the position a load gave, each entry handed to the change
 * hook in order, then a blocking XREAD that waits for more. When entries
 * after the position are gone, the mirror is loaded again
 * (struct store_up). The link is dialled as the main one is
 * (store_dial.h); a command with no reply in time drops it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/store_dial.h"
#include "daemon/store_link.h"
#include "daemon/store_scripts.h"
#include "daemon/store_sentinel.h"
#include "daemon/store_tail.h"

#define TAIL_BATCH	500		/* entries a read of the stream takes */

enum tail_kind { TAIL_AUTH, TAIL_PING, TAIL_SELECT, TAIL_ROLE, TAIL_QUEUED,
	TAIL_READ, TAIL_WAIT };

struct tail_op {
	struct store	*st;
	enum tail_kind	 kind;
	unsigned	 gen, epoch;
};

static void	tail_next(struct store *st);
static void	tail_timeout(evutil_socket_t fd, short ev, void *arg);
static void	tail_went_down(struct store *st);
static void	tail_reconnect_cb(evutil_socket_t fd, short ev, void *arg);

/* Compares two stream ids "ms-seq" as numbers. */
static int
id_cmp(const char *a, const char *b)
{
	unsigned long long am, as = 0, bm, bs = 0;
	char *end;

	am = strtoull(a, &end, 10);
	if (*end == '-')
		as = strtoull(end + 1, NULL, 10);
	bm = strtoull(b, &end, 10);
	if (*end == '-')
		bs = strtoull(end + 1, NULL, 10);
	if (am != bm)
		return am < bm ? -1 : 1;
	return as < bs ? -1 : as > bs;
}

/* The stream's position at the start of a load, its last entry's id
 * (NULL or "": none) and entries-added: the tail starts there, whatever
 * it was doing. */
void
tail_set_pos(struct store *st, const char *last, uint64_t added)
{
	struct tail *t = &st->tail;

	if (last == NULL || last[0] == '\0')
		last = "0-0";
	snprintf(t->id, sizeof(t->id), "%s", last);
	t->added = added;
	t->lag = 0;
	t->have_pos = true;
	t->lost = false;
	t->epoch++;
	tail_next(st);
}

/* The main link dropped: the next load says where to start. */
void
tail_forget_pos(struct store *st)
{
	st->tail.have_pos = false;
}

/* Entries after the position are gone: only a new load can tell the
 * mirror what they did. */
static void
tail_lost(struct store *st, const char *why)
{
	st->tail.lost = true;
	st->up.reload(st, why);
}

static void	on_tail_reply(redisAsyncContext *ac, void *reply,
		    void *privdata);

static int
tail_send(struct store *st, enum tail_kind kind, int argc, const char **argv,
    int timeout_ms)
{
	struct tail *t = &st->tail;
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct tail_op *op;

	if ((op = calloc(1, sizeof(*op))) == NULL) {
		log_warnx("change stream: out of memory");
		return -1;
	}
	op->st = st;
	op->kind = kind;
	op->gen = t->gen;
	op->epoch = t->epoch;
	if (link_command(t->ac, on_tail_reply, op, argc, argv) !=
	    REDIS_OK) {
		free(op);
		return -1;
	}
	t->inflight++;
	event_base_update_cache_time(st->base);
	evtimer_add(t->timer, &tv);
	return 0;
}

/*
 * Reads what follows the position with the stream's counters, in one
 * transaction so that nothing is trimmed between the two. The entries come
 * from a plain XRANGE, not through the script: a script's reply passes
 * through Lua tables, which cost Redis more than the read itself.
 */
static void
tail_next(struct store *st)
{
	struct tail *t = &st->tail;
	int ms = st->cfg->redis_timeout_ms;
	char count[16], key[128], from[STREAM_ID_MAX + 1];
	const char *multi[] = { "MULTI" }, *exec[] = { "EXEC" };
	const char *counters[] = { "EVAL", script_changes, "0",
	    st->cfg->key_prefix };
	const char *range[] = { "XRANGE", key, from, "+", "COUNT", count };

	if (t->ac == NULL || !t->up || t->inflight > 0 || !t->have_pos ||
	    t->lost || (st->redis_major > 0 && st->redis_major < 7) ||
	    st->quiet)
		return;
	snprintf(count, sizeof(count), "%d", TAIL_BATCH);
	snprintf(key, sizeof(key), "%schanges", st->cfg->key_prefix);
	snprintf(from, sizeof(from), "(%s", t->id);
	if (tail_send(st, TAIL_QUEUED, NARGS(multi), multi, ms) == -1 ||
	    tail_send(st, TAIL_QUEUED, NARGS(counters), counters, ms) == -1 ||
	    tail_send(st, TAIL_QUEUED, NARGS(range), range, ms) == -1 ||
	    tail_send(st, TAIL_READ, NARGS(exec), exec, ms) == -1)
		redisAsyncDisconnect(t->ac);	/* not half a transaction */
}

/* Waits (blocking XREAD) until something follows the position. */
static void
tail_wait(struct store *st)
{
	struct tail *t = &st->tail;
	char ms[16], key[128];
	const char *argv[] = { "XREAD", "BLOCK", ms, "COUNT", "1", "STREAMS",
	    key, t->id };

	snprintf(ms, sizeof(ms), "%d", st->cfg->stream_block_ms);
	snprintf(key, sizeof(key), "%schanges", st->cfg->key_prefix);
	tail_send(st, TAIL_WAIT, NARGS(argv), argv,
	    st->cfg->stream_block_ms + st->cfg->redis_timeout_ms);
}

/* Hands one entry [id, [field, value, ...]] to the change hook. */
static void
tail_apply(struct store *st, redisReply *e)
{
	struct store_change ch;
	redisReply *f;
	const char *id;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    (id = reply_str(e->element[0])) == NULL)
		return;
	memset(&ch, 0, sizeof(ch));
	ch.employer_id = ch.id = "";
	f = e->element[1];
	for (size_t i = 0; f->type == REDIS_REPLY_ARRAY &&
	    i + 1 < f->elements; i += 2) {
		const char *k = reply_str(f->element[i]);
		const char *v = reply_str(f->element[i + 1]);
		if (k == NULL || v == NULL)
			continue;
		if (strcmp(k, "op") == 0) {
			if (strcmp(v, "job.post") == 0)
				ch.op = CHANGE_JOB_POST;
			else if (strcmp(v, "job.close") == 0)
				ch.op = CHANGE_JOB_CLOSE;
			else if (strcmp(v, "employer.put") == 0)
				ch.op = CHANGE_EMPLOYER;
			else if (strcmp(v, "seeker.put") == 0)
				ch.op = CHANGE_SEEKER_PUT;
			else if (strcmp(v, "seeker.delete") == 0)
				ch.op = CHANGE_SEEKER_DELETE;
			else if (strcmp(v, "rules.set") == 0)
				ch.op = CHANGE_RULES;
			else if (strcmp(v, "fair.put") == 0)
				ch.op = CHANGE_FAIR;
			else if (strcmp(v, "employer.roster.put") == 0)
				ch.op = CHANGE_ROSTER;
		} else if (strcmp(k, "employer") == 0)
			ch.employer_id = v;
		else if (strcmp(k, "id") == 0)
			ch.id = v;
		else if (strcmp(k, "version") == 0)
			ch.version = strtoll(v, NULL, 10);
	}
	/* employer.put and employer.roster.put name their employer in
	 * "employer" */
	if ((ch.op == CHANGE_EMPLOYER || ch.op == CHANGE_ROSTER) &&
	    ch.id[0] == '\0')
		ch.id = ch.employer_id;
	snprintf(st->tail.id, sizeof(st->tail.id), "%s", id);
	st->tail.added++;
	st->tail.changes++;
	if (st->hooks.change != NULL)
		st->hooks.change(&ch, st->hooks.arg);
}

/* tail_next's answer, EXEC's [script_changes's, XRANGE's]: check that
 * nothing after the position is gone, then apply what came. */
static void
tail_read_done(struct store *st, redisReply *x)
{
	struct tail *t = &st->tail;
	const char *last, *deleted, *first;
	uint64_t added, len;
	redisReply *r, *es;

	if (x->type != REDIS_REPLY_ARRAY || x->elements != 2 ||
	    (r = x->element[0])->type != REDIS_REPLY_ARRAY ||
	    (es = x->element[1])->type != REDIS_REPLY_ARRAY ||
	    r->elements != 5 ||
	    (last = reply_str(r->element[0])) == NULL ||
	    (deleted = reply_str(r->element[2])) == NULL ||
	    (first = reply_str(r->element[3])) == NULL) {
		log_warnx("change stream: unexpected reply; reconnecting");
		redisAsyncDisconnect(t->ac);
		return;
	}
	added = (uint64_t)reply_int(r->element[1]);
	len = (uint64_t)reply_int(r->element[4]);
	if (last[0] == '\0') {
		if (t->added > 0) {
			tail_lost(st, "the change stream is gone (Redis was "
			    "emptied or replaced)");
			return;
		}
	} else if (added < t->added) {
		tail_lost(st, "the change stream started again (Redis was "
		    "emptied or replaced)");
		return;
	} else if (((len == 0 || id_cmp(first, t->id) > 0) &&
	    added - t->added > len) || id_cmp(deleted, t->id) > 0) {
		/*
		 * Trimming removes the oldest entries: when the first left is
		 * past the position, the stream must still hold every entry
		 * added since (a stream trimmed to nothing reports its
		 * first entry as 0-0). XDEL leaves holes anywhere:
		 * max-deleted-entry-id says whether one is past the
		 * position.
		 */
		tail_lost(st, "changes this daemon had not read are gone from "
		    "the stream (trimmed: it fell behind by more than "
		    "stream_maxlen; or deleted)");
		return;
	}
	for (size_t i = 0; i < es->elements; i++) {
		tail_apply(st, es->element[i]);
		if (t->lost || st->freeing)
			return;		/* a hook asked for a reload */
	}
	t->lag = added > t->added ? added - t->added : 0;
	if (es->elements == TAIL_BATCH)
		tail_next(st);
	else
		tail_wait(st);
}

static void
on_tail_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct tail_op *op = privdata;
	struct store *st = op->st;
	struct tail *t = &st->tail;
	redisReply *r = reply;
	enum tail_kind kind = op->kind;
	bool current = op->epoch == t->epoch;
	unsigned gen = op->gen;
	char why[320];

	(void)ac;
	free(op);
	if (st->freeing || gen != t->gen)
		return;
	if (--t->inflight <= 0) {
		t->inflight = 0;
		evtimer_del(t->timer);
	}
	if (r == NULL)
		return;			/* the link went: its callback says */
	if (r->type == REDIS_REPLY_ERROR && t->auth_refused)
		return;			/* said; the link is going */
	if (r->type == REDIS_REPLY_ERROR && dial_auth_error(kind == TAIL_AUTH,
	    r->str)) {
		/* The main link says so once per step of its backoff; this
		 * one only when the main link is up, which is rare. */
		t->auth_refused = true;
		t->dial.next = t->dial.addrs.n;
		if (store_connected(st))
			log_warnx("change stream: authentication refused "
			    "(%s)", dial_redis_words(st, r->str));
		else
			log_debug("change stream: authentication refused "
			    "(%s)", dial_redis_words(st, r->str));
		redisAsyncDisconnect(t->ac);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("change stream: %s; reconnecting", r->str);
		redisAsyncDisconnect(t->ac);
		return;
	}
	switch (kind) {
	case TAIL_ROLE:		/* with sentinels: it must be the primary */
		if (!sentinel_primary(st, &t->dial, r, why, sizeof(why))) {
			log_warnx("change stream: %s", why);
			t->not_primary = true;
			redisAsyncDisconnect(t->ac);
		}
		break;
	case TAIL_PING:
		if (t->not_primary)
			break;
		t->up = true;
		t->backoff_ms = BACKOFF_MIN_MS;
		t->dial.next = t->dial.addrs.n;		/* round over */
		log_info("change stream: following %schanges",
		    st->cfg->key_prefix);
		tail_next(st);
		break;
	case TAIL_AUTH:
	case TAIL_SELECT:
	case TAIL_QUEUED:
		break;
	case TAIL_READ:
		if (current)
			tail_read_done(st, r);
		else
			tail_next(st);
		break;
	case TAIL_WAIT:
		/* Something came, or the wait ended: read it with the
		 * counters (the entries the XREAD saw are read again). */
		tail_next(st);
		break;
	}
}

/* No answer in time: a stalled or half-open link. Start a new one. */
static void
tail_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct store *st = arg;

	(void)fd;
	(void)ev;
	if (st->tail.ac == NULL)
		return;
	log_warnx("change stream: no reply in time; reconnecting");
	dial_drop(st, st->tail.ac, tail_went_down);
}

static void
tail_went_down(struct store *st)
{
	struct tail *t = &st->tail;

	t->ac = NULL;
	t->up = false;
	t->inflight = 0;
	t->gen++;
	evtimer_del(t->timer);
	if (!st->freeing && !st->quiet)
		dial_again(&t->dial, t->reconnect, &t->backoff_ms);
}

static void
on_tail_connect(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;
	char where[384];

	if (status == REDIS_OK || st->freeing)
		return;
	log_debug("change stream: cannot connect%s: %s",
	    dial_where(st, &st->tail.dial, where, sizeof(where)), ac->errstr);
	sentinel_distrust(st, &st->tail.dial);
	tail_went_down(st);
}

static void
on_tail_disconnect(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;

	if (st->freeing)
		return;
	if (st->tail.up && !st->quiet)
		log_warnx("change stream: link lost%s%s",
		    status != REDIS_OK ? ": " : "",
		    status != REDIS_OK ? ac->errstr : "");
	st->tail.dial.next = st->tail.dial.addrs.n;	/* round over */
	tail_went_down(st);
}

static void
tail_reconnect_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	tail_connect(arg);
}

static void
tail_resolved(const struct resolve_result *res, const char *err, void *arg)
{
	struct store *st = arg;
	struct tail *t = &st->tail;

	t->dial.lookup = NULL;
	if (err != NULL && st->sentinel != NULL) {
		log_debug("change stream: %s", err);	/* the main link's */
		tail_went_down(st);
		return;
	}
	if (err != NULL) {
		/* The main link's lookup says so. */
		log_debug("change stream: cannot resolve %s: %s",
		    st->cfg->redis.host, err);
		tail_went_down(st);
		return;
	}
	t->dial.addrs = *res;
	t->dial.next = 0;
	tail_connect(st);
}

void
tail_connect(struct store *st)
{
	struct tail *t = &st->tail;
	const char *ping[] = { "PING" }, *addr, *auth[3];
	char db[16];
	int n;

	if ((addr = dial_addr(st, &t->dial, tail_resolved)) == NULL) {
		if (!dial_busy(&t->dial))
			tail_went_down(st);
		return;
	}
	if ((t->ac = dial_open(st, &t->dial, addr)) == NULL) {
		tail_went_down(st);
		return;
	}
	redisAsyncSetConnectCallback(t->ac, on_tail_connect);
	redisAsyncSetDisconnectCallback(t->ac, on_tail_disconnect);
	t->gen++;
	t->auth_refused = false;
	t->not_primary = false;
	if ((n = dial_auth_argv(st->cfg, auth)) > 0)
		tail_send(st, TAIL_AUTH, n, auth, st->cfg->redis_timeout_ms);
	if (st->cfg->redis_db != 0) {
		const char *argv[] = { "SELECT", db };
		snprintf(db, sizeof(db), "%d", st->cfg->redis_db);
		tail_send(st, TAIL_SELECT, NARGS(argv), argv,
		    st->cfg->redis_timeout_ms);
	}
	if (st->sentinel != NULL) {
		const char *argv[] = { "ROLE" };
		tail_send(st, TAIL_ROLE, NARGS(argv), argv,
		    st->cfg->redis_timeout_ms);
	}
	tail_send(st, TAIL_PING, NARGS(ping), ping,
	    st->cfg->redis_timeout_ms);
}

/* Sets up the tail's part of st; nothing is sent before tail_connect.
 * -1 without memory (what was made is freed again). */
int
tail_init(struct store *st)
{
	struct tail *t = &st->tail;

	t->backoff_ms = BACKOFF_MIN_MS;
	strcpy(t->id, "0-0");
	if ((t->reconnect = evtimer_new(st->base, tail_reconnect_cb, st)) ==
	    NULL ||
	    (t->timer = evtimer_new(st->base, tail_timeout, st)) == NULL) {
		if (t->reconnect != NULL)
			event_free(t->reconnect);
		return -1;
	}
	return 0;
}

/* Frees the tail's part of st (st->freeing is set). */
void
tail_free(struct store *st)
{
	if (st->tail.ac != NULL)
		redisAsyncFree(st->tail.ac);
	dial_cancel(&st->tail.dial);
	event_free(st->tail.reconnect);
	event_free(st->tail.timer);
}

/* Stopping: the stream is no longer followed (a lookup under way ends at
 * the loop's next turn). */
void
tail_stop(struct store *st)
{
	dial_cancel(&st->tail.dial);
	if (st->tail.ac != NULL) {
		redisAsyncContext *ac = st->tail.ac;
		st->tail.ac = NULL;
		redisAsyncFree(ac);
	}
	evtimer_del(st->tail.reconnect);
	evtimer_del(st->tail.timer);
}

/* A link waiting to reconnect tries again now, from the shortest
 * backoff. */
void
tail_retry(struct store *st)
{
	struct tail *t = &st->tail;

	if (t->ac == NULL && !dial_busy(&t->dial) &&
	    evtimer_pending(t->reconnect, NULL)) {
		evtimer_del(t->reconnect);
		t->backoff_ms = BACKOFF_MIN_MS;
		tail_connect(st);
	}
}

/* The sentinels name another primary: the link goes and asks them again
 * at once; the position it holds is checked against the new primary's
 * stream (tail_read_done) as after any reconnect. */
void
tail_move(struct store *st)
{
	struct tail *t = &st->tail;

	t->backoff_ms = 0;
	t->dial.next = t->dial.addrs.n;
	if (t->ac != NULL)
		dial_drop(st, t->ac, tail_went_down);
	else
		tail_retry(st);
}

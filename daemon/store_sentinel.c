/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_sentinel.c - the primary found through Redis Sentinel
 * (store_sentinel.h).
 *
 * A question (struct sentinel_ask, one per link that is dialling) goes to
 * the sentinels in turn, from the one that answered last: a link of its
 * own to each (AUTH with the sentinels' password when set), SENTINEL
 * get-master-addr-by-name, redis_timeout_ms for it all; a sentinel that
 * refuses, is silent, or does not know the name passes the question on.
 * The answer is an address (a host name is looked up, resolve.h) and a
 * port, handed to the link's dial; no answer from any is the link's
 * failure, with the backoff it has.
 *
 * The subscription is a link to one sentinel at a time, SUBSCRIBE
 * +switch-master: a switch of our primary to an address other than a
 * link's moves that link (store_up's move: it drops what it holds and asks
 * again at once). Once subscribed, and every redis_sentinel_check_ms
 * after, it asks where the primary is, from the subscribed sentinel
 * first: a switch may have come while it was not subscribed, and a
 * sentinel that does not answer (hung, stopped) holds a subscription
 * that would never hear one, so the subscription moves to the sentinel
 * that did. A lost subscription goes to the next sentinel, with a
 * backoff of its own. Nothing here blocks: every link is hiredis's
 * asynchronous one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/adapters/libevent.h>

#include "daemon/log.h"
#include "daemon/store_sentinel.h"

struct sentinel_ask {
	struct store		*st;
	struct dial		*d;
	resolve_cb		*done;
	size_t			 first, tried;	/* sentinels asked this round */
	size_t			 idx;		/* the one being asked */
	redisAsyncContext	*ac;
	struct resolve		*lookup;	/* a host name: a sentinel's or
						   the primary's */
	struct event		*timer;		/* this sentinel's time */
	int			 port;		/* the primary's */
	char			 why[512];	/* the sentinels' failures */
};

struct sentinel {
	size_t			 prefer;	/* asked first: the last that
						   answered */
	struct event		*move;		/* moves the links: from the
						   loop */
	/* the subscription */
	redisAsyncContext	*ac;
	size_t			 idx;
	bool			 subscribed;
	struct resolve		*lookup;
	struct event		*reconnect;	/* next try; or its silence */
	int			 backoff_ms;
	struct dial		 check;		/* the question on subscribing,
						   and every check_ms */
	struct event		*poll;		/* asks it: check_ms */
	uint64_t		 check_moves;	/* moves when it was asked */
	uint64_t		 moves;
	/* the move due (s->move pending): every link, or those not at
	 * to:to_port */
	bool			 move_all;
	char			 to[INET6_ADDRSTRLEN];
	int			 to_port;
};

static void	ask_next(struct sentinel_ask *a);
static void	sub_connect(struct store *st);
static void	sub_restart(struct store *st, size_t idx);

static const char *
master_name(const struct store *st)
{
	return st->cfg->redis_master_name;
}

/* "HOST:PORT" of sentinel i, for the log. */
static const char *
sentinel_name(const struct store *st, size_t i, char *buf, size_t len)
{
	const struct hostport *hp = &st->cfg->redis_sentinels[i];

	return hostport_text(buf, len, hp->host, hp->port);
}

/* A link to a sentinel at addr, on the loop, its data owner; AUTH first
 * when the sentinels have a password. NULL when it cannot be made (err
 * says why). */
static redisAsyncContext *
sentinel_open(struct store *st, const char *addr, int port, void *owner,
    redisConnectCallback *on_conn, redisDisconnectCallback *on_disc,
    redisCallbackFn *on_auth, char *err, size_t errlen)
{
	const char *auth[] = { "AUTH", st->cfg->sentinel_password };
	redisAsyncContext *ac = redisAsyncConnect(addr, port);

	snprintf(err, errlen, "out of memory");
	if (ac == NULL || ac->err) {
		if (ac != NULL) {
			snprintf(err, errlen, "%s", ac->errstr);
			redisAsyncFree(ac);
		}
		return NULL;
	}
	ac->data = owner;
	if (redisLibeventAttach(ac, st->base) != REDIS_OK) {
		redisAsyncFree(ac);
		return NULL;
	}
	(void)redisEnableKeepAlive(&ac->c);
	redisAsyncSetConnectCallback(ac, on_conn);
	redisAsyncSetDisconnectCallback(ac, on_disc);
	if (auth[1] != NULL && redisAsyncCommandArgv(ac, on_auth, owner, 2,
	    auth, NULL) != REDIS_OK) {
		ac->data = NULL;
		redisAsyncFree(ac);
		return NULL;
	}
	return ac;
}

/* Frees a link to a sentinel whose callbacks must no longer act. */
static void
sentinel_close(redisAsyncContext *ac)
{
	if (ac == NULL)
		return;
	ac->data = NULL;
	redisAsyncFree(ac);
}

/* ---- the question ---------------------------------------------------- */

static void
ask_free(struct sentinel_ask *a)
{
	sentinel_close(a->ac);
	resolve_cancel(a->lookup);
	event_free(a->timer);
	free(a);
}

/* The round's end: the answer (res) or why none came, to the dial. */
static void
ask_finish(struct sentinel_ask *a, const struct resolve_result *res,
    const char *err)
{
	struct store *st = a->st;
	resolve_cb *done = a->done;

	a->d->ask = NULL;
	if (res != NULL) {
		a->d->port = a->port;
		a->d->named_by = a->idx;
	}
	ask_free(a);
	done(res, err, st);
}

/* Sentinel a->idx did not answer: why, and the next one. */
static void __attribute__((format(printf, 2, 3)))
ask_failed(struct sentinel_ask *a, const char *fmt, ...)
{
	char name[300], msg[200];
	size_t n = strlen(a->why);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_debug("sentinel %s: %s", sentinel_name(a->st, a->idx, name,
	    sizeof(name)), msg);
	snprintf(a->why + n, sizeof(a->why) - n, "%s%s: %s", n > 0 ? "; " :
	    "", name, msg);
	sentinel_close(a->ac);
	a->ac = NULL;
	evtimer_del(a->timer);
	ask_next(a);
}

static void
primary_resolved(const struct resolve_result *res, const char *err,
    void *arg)
{
	struct sentinel_ask *a = arg;
	char msg[400];

	a->lookup = NULL;
	if (res != NULL) {
		ask_finish(a, res, NULL);
		return;
	}
	snprintf(msg, sizeof(msg), "the primary's host name the sentinels "
	    "named for %s was not resolved: %s", master_name(a->st), err);
	ask_finish(a, NULL, msg);
}

/* SENTINEL get-master-addr-by-name's answer: [address, port], or nil. */
static void
ask_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct sentinel_ask *a = privdata;
	struct resolve_result res;
	redisReply *r = reply;
	const char *host;
	char *end;
	long port;

	if (r == NULL || ac->data == NULL)
		return;			/* the link's end says why */
	if (r->type == REDIS_REPLY_ERROR) {
		ask_failed(a, "%s", r->str);
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    (host = reply_str(r->element[0])) == NULL ||
	    reply_str(r->element[1]) == NULL) {
		ask_failed(a, "does not know %s", master_name(a->st));
		return;
	}
	port = strtol(r->element[1]->str, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535 || host[0] == '\0' ||
	    strlen(host) >= (resolve_is_numeric(host) ?
	    sizeof(res.addr[0]) : 254)) {
		ask_failed(a, "named %s at an address that is not one",
		    master_name(a->st));
		return;
	}
	if (a->d != &a->st->sentinel->check)	/* a link's: it answers */
		a->st->sentinel->prefer = a->idx;
	a->port = (int)port;
	evtimer_del(a->timer);
	if (!resolve_is_numeric(host)) {
		/* resolve-hostnames yes: looked up as the redis line's */
		if ((a->lookup = resolve_start(a->st->resolver, host,
		    primary_resolved, a)) == NULL)
			ask_failed(a, "out of memory");
		else {
			sentinel_close(a->ac);
			a->ac = NULL;
		}
		return;
	}
	memset(&res, 0, sizeof(res));
	res.n = 1;
	snprintf(res.addr[0], sizeof(res.addr[0]), "%s", host);
	ask_finish(a, &res, NULL);
}

static void
ask_auth(redisAsyncContext *ac, void *reply, void *privdata)
{
	redisReply *r = reply;

	if (r != NULL && ac->data != NULL && r->type == REDIS_REPLY_ERROR)
		ask_failed(privdata, "refused authentication (check "
		    "redis_sentinel_password_file)");
}

static void
ask_connected(const redisAsyncContext *ac, int status)
{
	if (status != REDIS_OK && ac->data != NULL) {
		struct sentinel_ask *a = ac->data;
		a->ac = NULL;		/* hiredis frees it */
		ask_failed(a, "cannot connect: %s", ac->errstr);
	}
}

static void
ask_gone(const redisAsyncContext *ac, int status)
{
	struct sentinel_ask *a = ac->data;

	if (a == NULL)
		return;
	a->ac = NULL;			/* hiredis frees it */
	ask_failed(a, "connection lost%s%s", status != REDIS_OK ? ": " : "",
	    status != REDIS_OK ? ac->errstr : "");
}

static void
ask_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct sentinel_ask *a = arg;

	(void)fd;
	(void)ev;
	if (a->tried == 0) {		/* the round starts from the loop */
		ask_next(a);
		return;
	}
	ask_failed(a, "no answer within %d ms", a->st->cfg->redis_timeout_ms);
}

/* Sentinel a->idx's address: ask it. */
static void
ask_send(struct sentinel_ask *a, const char *addr)
{
	const struct config *c = a->st->cfg;
	const char *argv[] = { "SENTINEL", "get-master-addr-by-name",
	    c->redis_master_name };
	struct timeval tv = { c->redis_timeout_ms / 1000,
	    (c->redis_timeout_ms % 1000) * 1000 };
	char err[128];

	if ((a->ac = sentinel_open(a->st, addr, c->redis_sentinels[a->idx].port,
	    a, ask_connected, ask_gone, ask_auth, err, sizeof(err))) == NULL) {
		ask_failed(a, "cannot connect: %s", err);
		return;
	}
	if (redisAsyncCommandArgv(a->ac, ask_reply, a, NARGS(argv), argv,
	    NULL) != REDIS_OK) {
		ask_failed(a, "cannot send to it");
		return;
	}
	evtimer_add(a->timer, &tv);
}

static void
sentinel_resolved(const struct resolve_result *res, const char *err,
    void *arg)
{
	struct sentinel_ask *a = arg;

	a->lookup = NULL;
	if (res == NULL)
		ask_failed(a, "not resolved: %s", err);
	else
		ask_send(a, res->addr[0]);
}

/* The next sentinel of the round; none left: no answer. */
static void
ask_next(struct sentinel_ask *a)
{
	const struct config *c = a->st->cfg;
	const char *host;
	char msg[sizeof(a->why) + 200];

	if (a->tried == c->nsentinels || a->st->quiet) {
		snprintf(msg, sizeof(msg), "no sentinel answered for %s: %s",
		    c->redis_master_name, a->why[0] != '\0' ? a->why :
		    "stopping");
		ask_finish(a, NULL, msg);
		return;
	}
	a->idx = (a->first + a->tried++) % c->nsentinels;
	host = c->redis_sentinels[a->idx].host;
	if (resolve_is_numeric(host))
		ask_send(a, host);
	else if ((a->lookup = resolve_start(a->st->resolver, host,
	    sentinel_resolved, a)) == NULL)
		ask_failed(a, "out of memory");
}

/* The question, to sentinel first first, then the others in turn. */
static void
ask_start(struct store *st, struct dial *d, resolve_cb *done, size_t first)
{
	static const struct timeval now = { 0, 0 };
	struct sentinel_ask *a;

	if (d->ask != NULL || st->quiet)
		return;
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->timer = evtimer_new(st->base, ask_timeout, a)) == NULL) {
		free(a);
		log_warnx("sentinel: out of memory");
		return;
	}
	a->st = st;
	a->d = d;
	a->done = done;
	a->first = first;
	d->ask = a;
	evtimer_add(a->timer, &now);	/* answers from the loop, always */
}

void
sentinel_ask(struct store *st, struct dial *d, resolve_cb *done)
{
	ask_start(st, d, done, st->sentinel->prefer);
}

void
sentinel_cancel(struct dial *d)
{
	if (d->ask != NULL) {
		ask_free(d->ask);
		d->ask = NULL;
	}
}

/* ---- the primary's role ---------------------------------------------- */

void
sentinel_distrust(struct store *st, const struct dial *d)
{
	struct sentinel *s = st->sentinel;

	if (s != NULL && s->prefer == d->named_by)
		s->prefer = (d->named_by + 1) % st->cfg->nsentinels;
}

bool
sentinel_primary(struct store *st, const struct dial *d, const redisReply *r,
    char *why, size_t len)
{
	const char *role = NULL;
	char at[INET6_ADDRSTRLEN + 8];

	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0)
		role = reply_str(r->element[0]);
	if (role != NULL && strcmp(role, "master") == 0)
		return true;
	sentinel_distrust(st, d);
	snprintf(why, len, "%s named by the sentinels is not a primary (role: "
	    "%s)", hostport_text(at, sizeof(at), d->at, d->port),
	    role != NULL ? role : "unknown");
	return false;
}

/* ---- moving the links ------------------------------------------------ */

/* Whether the main link is at host:port. */
static bool
main_at(const struct store *st, const char *host, int port)
{
	return st->ac != NULL && strcmp(st->dial.at, host) == 0 &&
	    st->dial.port == port;
}

/* Whether the change stream's link is at host:port. */
static bool
tail_at(const struct store *st, const char *host, int port)
{
	const struct tail *t = &st->tail;

	return t->ac != NULL && strcmp(t->dial.at, host) == 0 &&
	    t->dial.port == port;
}

static void
move_now(evutil_socket_t fd, short ev, void *arg)
{
	struct store *st = arg;
	struct sentinel *s = st->sentinel;
	bool all = s->move_all;

	(void)fd;
	(void)ev;
	s->move_all = false;
	if (st->quiet || st->freeing)
		return;
	s->moves++;
	st->up.move(st, all || !main_at(st, s->to, s->to_port),
	    all || !tail_at(st, s->to, s->to_port));
}

/* Moves the links from the loop: every link (to NULL), or those not at
 * to:port (a link that is down tries at once instead of after its
 * backoff). */
static void
move_soon(struct store *st, const char *to, int port, const char *why)
{
	static const struct timeval now = { 0, 0 };
	struct sentinel *s = st->sentinel;

	if (to == NULL)
		s->move_all = true;
	else {
		snprintf(s->to, sizeof(s->to), "%s", to);
		s->to_port = port;
	}
	if (evtimer_pending(s->move, NULL))
		return;
	log_warnx("redis: %s: asking the sentinels where the primary is",
	    why);
	evtimer_add(s->move, &now);
}

void
sentinel_move_soon(struct store *st, const char *why)
{
	if (st->sentinel != NULL)
		move_soon(st, NULL, 0, why);
}

/* ---- the subscription ------------------------------------------------ */

static void
sub_down(struct store *st)
{
	struct sentinel *s = st->sentinel;
	struct timeval tv = { s->backoff_ms / 1000,
	    (s->backoff_ms % 1000) * 1000 };

	s->ac = NULL;
	s->subscribed = false;
	evtimer_del(s->poll);
	if (st->quiet || st->freeing)
		return;
	s->idx = (s->idx + 1) % st->cfg->nsentinels;
	evtimer_del(s->reconnect);
	evtimer_add(s->reconnect, &tv);
	if ((s->backoff_ms *= 2) > BACKOFF_MAX_MS)
		s->backoff_ms = BACKOFF_MAX_MS;
}

/* The check every redis_sentinel_check_ms while subscribed. */
static void
poll_later(struct store *st)
{
	int ms = st->cfg->redis_sentinel_check_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(st->sentinel->poll, &tv);
}

/* Where the primary is now, after subscribing and every check_ms: a
 * switch may have been missed; and the subscribed sentinel, asked first,
 * must answer, else the subscription goes to the one that did. */
static void
sub_checked(const struct resolve_result *res, const char *err, void *arg)
{
	struct store *st = arg;
	struct sentinel *s = st->sentinel;
	const char *host;
	char why[200], name[300];
	int port = s->check.port;

	if (st->quiet || st->freeing)
		return;
	if (s->subscribed)
		poll_later(st);
	if (res == NULL) {
		log_debug("sentinel: %s", err);
		return;
	}
	host = res->addr[0];
	if (s->subscribed && s->check.named_by != s->idx) {
		log_warnx("sentinel %s: no answer where the primary is; "
		    "following +switch-master on another", sentinel_name(st,
		    s->idx, name, sizeof(name)));
		sub_restart(st, s->check.named_by);
	}
	if (s->moves != s->check_moves)
		return;			/* the links moved since: stale */
	/* a link dialling asks the sentinels itself */
	if ((st->ac == NULL || main_at(st, host, port)) &&
	    (st->tail.ac == NULL || tail_at(st, host, port)))
		return;
	snprintf(why, sizeof(why), "the sentinels name %s port %d for %s",
	    host, port, master_name(st));
	move_soon(st, host, port, why);
}

static void
check_now(struct store *st)
{
	struct sentinel *s = st->sentinel;

	if (s->check.ask != NULL)
		return;
	s->check_moves = s->moves;
	ask_start(st, &s->check, sub_checked, s->idx);
}

static void
poll_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	check_now(arg);
}

/* "name oldip oldport newip newport" */
static void
switched(struct store *st, const char *msg)
{
	char name[MASTER_NAME_MAX + 2], host[256], why[400];
	int port;

	if (sscanf(msg, "%128s %*s %*s %255s %d", name, host, &port) != 3 ||
	    strcmp(name, master_name(st)) != 0 ||
	    strlen(host) >= INET6_ADDRSTRLEN)
		return;
	log_info("sentinel: +switch-master: %s is now at %s port %d", name,
	    host, port);
	if (main_at(st, host, port) && tail_at(st, host, port))
		return;
	st->sentinel->prefer = st->sentinel->idx;	/* it knows */
	snprintf(why, sizeof(why), "the sentinels switched %s to %s port %d",
	    name, host, port);
	move_soon(st, host, port, why);
}

static void
sub_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct store *st = privdata;
	struct sentinel *s = st->sentinel;
	redisReply *r = reply;
	const char *kind;
	char name[300];

	if (r == NULL || ac->data == NULL)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("sentinel %s: %s", sentinel_name(st, s->idx, name,
		    sizeof(name)), r->str);
		redisAsyncDisconnect(ac);
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    (kind = reply_str(r->element[0])) == NULL)
		return;
	if (strcmp(kind, "subscribe") == 0) {
		log_info("sentinel: following +switch-master on %s",
		    sentinel_name(st, s->idx, name, sizeof(name)));
		s->subscribed = true;
		s->backoff_ms = BACKOFF_MIN_MS;
		evtimer_del(s->reconnect);
		evtimer_del(s->poll);
		check_now(st);
	} else if (strcmp(kind, "message") == 0 &&
	    reply_str(r->element[2]) != NULL)
		switched(st, r->element[2]->str);
}

static void
sub_auth(redisAsyncContext *ac, void *reply, void *privdata)
{
	redisReply *r = reply;
	char name[300];

	if (r != NULL && ac->data != NULL && r->type == REDIS_REPLY_ERROR) {
		log_warnx("sentinel %s: authentication refused (check "
		    "redis_sentinel_password_file)", sentinel_name(privdata,
		    ((struct store *)privdata)->sentinel->idx, name,
		    sizeof(name)));
		redisAsyncDisconnect(ac);
	}
}

static void
sub_connected(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;
	char name[300];

	if (status == REDIS_OK || st == NULL)
		return;
	log_debug("sentinel %s: cannot connect: %s", sentinel_name(st,
	    st->sentinel->idx, name, sizeof(name)), ac->errstr);
	sub_down(st);
}

static void
sub_gone(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;
	char name[300];

	if (st == NULL)
		return;
	if (st->sentinel->subscribed)
		log_warnx("sentinel %s: subscription lost%s%s; trying the "
		    "next sentinel", sentinel_name(st, st->sentinel->idx,
		    name, sizeof(name)), status != REDIS_OK ? ": " : "",
		    status != REDIS_OK ? ac->errstr : "");
	sub_down(st);
}

static void
sub_open(struct store *st, const char *addr)
{
	struct sentinel *s = st->sentinel;
	const char *argv[] = { "SUBSCRIBE", "+switch-master" };
	int ms = st->cfg->redis_timeout_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	char err[128], name[300];

	if ((s->ac = sentinel_open(st, addr,
	    st->cfg->redis_sentinels[s->idx].port, st, sub_connected,
	    sub_gone, sub_auth, err, sizeof(err))) == NULL) {
		log_debug("sentinel %s: cannot connect: %s", sentinel_name(st,
		    s->idx, name, sizeof(name)), err);
		sub_down(st);
		return;
	}
	if (redisAsyncCommandArgv(s->ac, sub_reply, st, NARGS(argv), argv,
	    NULL) != REDIS_OK) {
		sentinel_close(s->ac);
		sub_down(st);
		return;
	}
	evtimer_add(s->reconnect, &tv);		/* subscribed by then */
}

static void
sub_resolved(const struct resolve_result *res, const char *err, void *arg)
{
	struct store *st = arg;
	char name[300];

	st->sentinel->lookup = NULL;
	if (res == NULL) {
		log_debug("sentinel %s: not resolved: %s", sentinel_name(st,
		    st->sentinel->idx, name, sizeof(name)), err);
		sub_down(st);
	} else
		sub_open(st, res->addr[0]);
}

static void
sub_connect(struct store *st)
{
	struct sentinel *s = st->sentinel;
	const char *host = st->cfg->redis_sentinels[s->idx].host;

	if (st->quiet || st->freeing)
		return;
	if (resolve_is_numeric(host))
		sub_open(st, host);
	else if ((s->lookup = resolve_start(st->resolver, host, sub_resolved,
	    st)) == NULL)
		sub_down(st);
}

/* The next try; or, while subscribing, a sentinel silent too long. */
static void
sub_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct store *st = arg;
	struct sentinel *s = st->sentinel;
	char name[300];

	(void)fd;
	(void)ev;
	if (s->ac == NULL) {
		sub_connect(st);
		return;
	}
	log_debug("sentinel %s: no answer within %d ms", sentinel_name(st,
	    s->idx, name, sizeof(name)), st->cfg->redis_timeout_ms);
	sentinel_close(s->ac);
	sub_down(st);
}

/* The subscription goes to sentinel idx at once (the one it was on did
 * not answer). */
static void
sub_restart(struct store *st, size_t idx)
{
	struct sentinel *s = st->sentinel;

	sentinel_close(s->ac);
	s->ac = NULL;
	resolve_cancel(s->lookup);
	s->lookup = NULL;
	s->subscribed = false;
	evtimer_del(s->reconnect);
	evtimer_del(s->poll);
	s->idx = idx;
	s->backoff_ms = BACKOFF_MIN_MS;
	sub_connect(st);
}

/* ---- life ------------------------------------------------------------ */

int
sentinel_init(struct store *st)
{
	struct sentinel *s;

	if (st->cfg->nsentinels == 0)
		return 0;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->backoff_ms = BACKOFF_MIN_MS;
	if ((s->move = evtimer_new(st->base, move_now, st)) == NULL ||
	    (s->reconnect = evtimer_new(st->base, sub_timer, st)) == NULL ||
	    (s->poll = evtimer_new(st->base, poll_cb, st)) == NULL) {
		if (s->move != NULL)
			event_free(s->move);
		if (s->reconnect != NULL)
			event_free(s->reconnect);
		free(s);
		return -1;
	}
	st->sentinel = s;
	return 0;
}

void
sentinel_start(struct store *st)
{
	if (st->sentinel != NULL)
		sub_connect(st);
}

void
sentinel_stop(struct store *st)
{
	struct sentinel *s = st->sentinel;

	if (s == NULL)
		return;
	sentinel_close(s->ac);
	s->ac = NULL;
	resolve_cancel(s->lookup);
	s->lookup = NULL;
	sentinel_cancel(&s->check);
	s->subscribed = false;
	evtimer_del(s->reconnect);
	evtimer_del(s->move);
	evtimer_del(s->poll);
}

void
sentinel_free(struct store *st)
{
	struct sentinel *s = st->sentinel;

	if (s == NULL)
		return;
	sentinel_stop(st);
	event_free(s->move);
	event_free(s->reconnect);
	event_free(s->poll);
	free(s);
	st->sentinel = NULL;
}

uint64_t
sentinel_moves(const struct store *st)
{
	return st->sentinel != NULL ? st->sentinel->moves : 0;
}

bool
sentinel_subscribed(const struct store *st)
{
	return st->sentinel != NULL && st->sentinel->subscribed;
}

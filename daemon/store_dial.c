/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_dial.c - how a link to Redis is set up, the same for the main link
 * and the tail (store_dial.h): its address (Redis's host name looked up
 * again for every new link, with resolve.h: hiredis would block on
 * getaddrinfo, so it is given an address; the addresses tried in turn),
 * or, with sentinels, the primary's address and port they name
 * (store_sentinel.h); the backoff between rounds, the context on the
 * loop, AUTH's arguments, what a refusal looks like, and why a link
 * failed (store_info's trouble).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hiredis/adapters/libevent.h>

#include "daemon/log.h"
#include "daemon/store_dial.h"
#include "daemon/store_sentinel.h"

/* " to HOST:PORT (ADDRESS)" for a link by host name, for the log; "" for
 * the others, whose address is the configured one. */
const char *
dial_where(const struct store *st, const struct dial *d, char *buf,
    size_t len)
{
	char at[INET6_ADDRSTRLEN + 8];

	if (st->sentinel != NULL && d->at[0] != '\0')
		snprintf(buf, len, " to %s (named by the sentinels)",
		    hostport_text(at, sizeof(at), d->at, d->port));
	else if (st->resolver == NULL || d->next == 0 ||
	    d->next > d->addrs.n)
		return "";
	else
		snprintf(buf, len, " to %s:%d (%s)", st->cfg->redis.host,
		    st->cfg->redis.port, d->addrs.addr[d->next - 1]);
	return buf;
}

/* Why the link of this generation failed, for store_info. Never holds
 * the password. */
void
dial_trouble(struct store *st, enum store_trouble what, const char *fmt, ...)
{
	va_list ap;

	st->trouble = what;
	st->trouble_gen = st->gen;
	va_start(ap, fmt);
	vsnprintf(st->trouble_text, sizeof(st->trouble_text), fmt, ap);
	va_end(ap);
}

/*
 * Frees a link that did not answer in time. hiredis calls the disconnect
 * callback only for a link whose TCP connect completed; for one still
 * connecting, it calls nothing, so gone() is called here instead.
 */
void
dial_drop(struct store *st, redisAsyncContext *ac,
    void (*gone)(struct store *))
{
	bool connected = (ac->c.flags & REDIS_CONNECTED) != 0;

	redisAsyncFree(ac);		/* calls back every command with NULL */
	if (!connected)
		gone(st);
}

/* Arms a reconnect timer after *backoff_ms, and doubles it (to a cap);
 * 0 (a move to another primary): at once, then the shortest. */
static void
backoff(struct event *timer, int *backoff_ms)
{
	struct timeval tv = { *backoff_ms / 1000, (*backoff_ms % 1000) * 1000 };

	if (evtimer_pending(timer, NULL))
		return;
	evtimer_add(timer, &tv);
	*backoff_ms = *backoff_ms == 0 ? BACKOFF_MIN_MS : *backoff_ms * 2;
	if (*backoff_ms > BACKOFF_MAX_MS)
		*backoff_ms = BACKOFF_MAX_MS;
}

/* The next address of the round at once; after the round, the backoff. */
void
dial_again(struct dial *d, struct event *timer, int *backoff_ms)
{
	static const struct timeval now = { 0, 0 };

	if (d->next < d->addrs.n)
		evtimer_add(timer, &now);
	else
		backoff(timer, backoff_ms);
}

/*
 * The address the next link connects to; NULL when the host name must be
 * looked up first (then done is called with the answer, unless the lookup
 * could not start: d->lookup stays NULL). No new lookup while stopping.
 */
const char *
dial_addr(struct store *st, struct dial *d, resolve_cb *done)
{
	if (st->resolver == NULL) {
		d->port = st->cfg->redis.port;
		return st->cfg->redis.host;
	}
	if (d->next < d->addrs.n) {
		if (st->sentinel == NULL)
			d->port = st->cfg->redis.port;
		snprintf(d->at, sizeof(d->at), "%s", d->addrs.addr[d->next]);
		return d->addrs.addr[d->next++];
	}
	if (st->sentinel != NULL)
		sentinel_ask(st, d, done);
	else if (d->lookup == NULL && !st->quiet)
		d->lookup = resolve_start(st->resolver, st->cfg->redis.host,
		    done, st);
	return NULL;
}

/* Whether the address is being found (a lookup, the sentinels asked). */
bool
dial_busy(const struct dial *d)
{
	return d->lookup != NULL || d->ask != NULL;
}

/* Stopping: the lookup or question under way is forgotten. */
void
dial_cancel(struct dial *d)
{
	resolve_cancel(d->lookup);
	d->lookup = NULL;
	sentinel_cancel(d);
}

/* Sends AUTH, the first command of every link, when a password is set. */
int
dial_auth_argv(const struct config *c, const char *argv[3])
{
	if (c->redis_password == NULL)
		return 0;
	argv[0] = "AUTH";
	if (c->redis_user[0] == '\0') {
		argv[1] = c->redis_password;
		return 2;
	}
	argv[1] = c->redis_user;
	argv[2] = c->redis_password;
	return 3;
}

/* A new link to addr (an address: hiredis would block to look up a
 * name), or to the unix socket. */
redisAsyncContext *
dial_open(struct store *st, const struct dial *d, const char *addr)
{
	const struct config *c = st->cfg;
	redisAsyncContext *ac;

	if (c->redis_socket[0] != '\0')
		ac = redisAsyncConnectUnix(c->redis_socket);
	else
		ac = redisAsyncConnect(addr, d->port);
	if (ac == NULL || ac->err) {
		log_warnx("redis: cannot connect: %s",
		    ac != NULL ? ac->errstr : "out of memory");
		if (ac != NULL)
			redisAsyncFree(ac);
		return NULL;
	}
	ac->data = st;
	if (redisLibeventAttach(ac, st->base) != REDIS_OK) {
		redisAsyncFree(ac);
		return NULL;
	}
	if (c->redis_socket[0] == '\0')
		(void)redisEnableKeepAlive(&ac->c);
	return ac;
}

/* Redis's words, for the log: left out should they ever hold the
 * password. */
const char *
dial_redis_words(const struct store *st, const char *s)
{
	const char *pw = st->cfg->redis_password;

	return pw != NULL && strstr(s, pw) != NULL ? "its answer left out" : s;
}

/* An error that says the link is not authenticated: AUTH's own, or NOAUTH
 * to any command (Redis wants a password and none was sent). */
bool
dial_auth_error(bool is_auth, const char *s)
{
	return is_auth || strncmp(s, "NOAUTH", 6) == 0 ||
	    strncmp(s, "WRONGPASS", 9) == 0;
}

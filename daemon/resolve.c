/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * resolve.c - see resolve.h.
 *
 * evdns_getaddrinfo answers at once, from inside the call, when the name is
 * in /etc/hosts (or is an address); otherwise later, from the loop. Such an
 * answer is kept and handed over by a zero timer, so that a caller is always
 * called back from the loop. A lookup cancelled while evdns holds it ends
 * inside evdns at a later turn of the loop (with EVUTIL_EAI_CANCEL): its
 * struct stays until then, and resolver_busy counts it.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/util.h>

#include "daemon/log.h"
#include "daemon/resolve.h"

struct resolver {
	struct event_base	*base;
	struct evdns_base	*dns;
	size_t			 busy;		/* lookups evdns holds */
};

struct resolve {
	struct resolver		*r;
	resolve_cb		*cb;		/* NULL once cancelled */
	void			*arg;
	struct evdns_getaddrinfo_request *req;
	bool			 in_evdns;	/* its callback is still due */
	bool			 starting;	/* inside evdns_getaddrinfo */
	bool			 answered;	/* at once: see later */
	struct event		*later;		/* hands that answer over */
	int			 err;
	struct resolve_result	 res;
};

/* evdns's warnings (a name server that stopped answering), at debug: the
 * lookup's outcome is what the caller logs. Its chatter about every
 * request is dropped. */
static void
dns_log(int is_warn, const char *msg)
{
	if (is_warn)
		log_debug("dns: %s", msg);
}

bool
resolve_is_numeric(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

struct resolver *
resolver_new(struct event_base *base)
{
	struct resolver *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	evdns_set_log_fn(dns_log);
	r->base = base;
	r->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (r->dns == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
resolver_free(struct resolver *r)
{
	if (r == NULL)
		return;
	evdns_base_free(r->dns, 0);
	free(r);
}

size_t
resolver_busy(const struct resolver *r)
{
	return r != NULL ? r->busy : 0;
}

static void
resolve_free(struct resolve *q)
{
	if (q->later != NULL)
		event_free(q->later);
	free(q);
}

/* Calls the caller back with the answer, after freeing the lookup. */
static void
deliver(struct resolve *q)
{
	struct resolve_result res = q->res;
	resolve_cb *cb = q->cb;
	void *arg = q->arg;
	int err = q->err;

	resolve_free(q);
	if (err != 0)
		cb(NULL, evutil_gai_strerror(err), arg);
	else
		cb(&res, NULL, arg);
}

static void
deliver_later(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	deliver(arg);
}

static void
got(int result, struct evutil_addrinfo *ai, void *arg)
{
	struct resolve *q = arg;
	static const struct timeval now = { 0, 0 };

	q->r->busy--;
	q->in_evdns = false;
	q->req = NULL;
	q->err = result;
	for (struct evutil_addrinfo *p = ai; result == 0 && p != NULL &&
	    q->res.n < RESOLVE_ADDRS_MAX; p = p->ai_next) {
		const void *a;

		if (p->ai_family == AF_INET)
			a = &((struct sockaddr_in *)(void *)p->ai_addr)->
			    sin_addr;
		else if (p->ai_family == AF_INET6)
			a = &((struct sockaddr_in6 *)(void *)p->ai_addr)->
			    sin6_addr;
		else
			continue;
		if (evutil_inet_ntop(p->ai_family, a, q->res.addr[q->res.n],
		    sizeof(q->res.addr[0])) != NULL)
			q->res.n++;
	}
	if (ai != NULL)
		evutil_freeaddrinfo(ai);
	if (q->err == 0 && q->res.n == 0)
		q->err = EVUTIL_EAI_NODATA;
	if (q->cb == NULL) {			/* cancelled */
		resolve_free(q);
		return;
	}
	if (q->starting) {			/* inside evdns_getaddrinfo */
		q->answered = true;
		evtimer_add(q->later, &now);
		return;
	}
	deliver(q);
}

struct resolve *
resolve_start(struct resolver *r, const char *host, resolve_cb *cb,
    void *arg)
{
	struct evutil_addrinfo hints;
	struct evdns_getaddrinfo_request *req;
	struct resolve *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	if ((q->later = evtimer_new(r->base, deliver_later, q)) == NULL) {
		free(q);
		return NULL;
	}
	q->r = r;
	q->cb = cb;
	q->arg = arg;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = PF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_ADDRCONFIG;
	r->busy++;
	q->in_evdns = true;
	q->starting = true;
	req = evdns_getaddrinfo(r->dns, host, NULL, &hints, got, q);
	q->starting = false;
	if (!q->answered)
		q->req = req;
	return q;
}

void
resolve_cancel(struct resolve *q)
{
	if (q == NULL)
		return;
	q->cb = NULL;
	if (q->in_evdns)
		evdns_getaddrinfo_cancel(q->req);	/* got() frees it */
	else
		resolve_free(q);
}

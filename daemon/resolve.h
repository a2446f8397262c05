/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * resolve.h - host names looked up without blocking the event loop, with
 * libevent's evdns: /etc/hosts first, then the name servers and search
 * domains of /etc/resolv.conf. Knows nothing of Redis.
 */
#ifndef JM_RESOLVE_H
#define JM_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include <netinet/in.h>
#include <event2/event.h>

/* Addresses kept of one answer (the first ones, IPv4 before IPv6). */
#define RESOLVE_ADDRS_MAX	8

struct resolve_result {
	size_t	n;
	char	addr[RESOLVE_ADDRS_MAX][INET6_ADDRSTRLEN];	/* numeric */
};

/*
 * One lookup's answer: res with at least one address, or res NULL and err
 * saying why. Both are valid during the call only. Always called from the
 * event loop, never from inside resolve_start.
 */
typedef void resolve_cb(const struct resolve_result *res, const char *err,
    void *arg);

struct resolver;
struct resolve;

/* NULL when out of memory or when libevent cannot set up a resolver. */
struct resolver	*resolver_new(struct event_base *base);
/* Call it once resolver_busy is 0: a lookup evdns still holds is lost. */
void		 resolver_free(struct resolver *r);
/* Starts looking host up; NULL (and no callback) when out of memory. */
struct resolve	*resolve_start(struct resolver *r, const char *host,
		    resolve_cb *cb, void *arg);
/* The lookup's callback will not be called. */
void		 resolve_cancel(struct resolve *q);
/* Lookups started and not yet finished inside evdns, cancelled or not:
 * each ends at a later turn of the loop. */
size_t		 resolver_busy(const struct resolver *r);
/* An IPv4 or IPv6 address literal, which needs no lookup. */
bool		 resolve_is_numeric(const char *host);

#endif

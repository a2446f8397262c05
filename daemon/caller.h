/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * caller.h - whoever sends requests, as the dispatcher sees it: a
 * connection of the line protocol (conn.h) or an exchange of the HTTP
 * gateway (gateway.h). It holds who the caller is (its role, proved by a
 * token), what the failed-hello and rate limits count of it, and the
 * queue of the answers it is owed (req.h); its owner tells the dispatcher
 * through its operations when a request may start and what ending or
 * failing means for it.
 */
#ifndef JM_CALLER_H
#define JM_CALLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/config.h"
#include "daemon/req.h"

/* A token bucket of the request rate (dispatch.c): what may still be
 * asked, and when it was counted (mono_us; 0: never, a full bucket). */
struct rate_bucket {
	double		 tokens;
	int64_t		 at;
};

struct caller;

struct caller_ops {
	/* Whether one more request may start now; reserve > 0: it uses the
	 * store and needs that many bytes for its answer (conn_may_start). */
	bool	(*may_start)(const struct caller *cl, size_t reserve);
	/* No more requests after the answers owed (too many failed
	 * hellos). */
	void	(*end)(struct caller *cl);
	/* hello proved a token: cl->role is the token's now (changed: it was
	 * another before). */
	void	(*authed)(struct caller *cl, bool changed);
	/* Out of memory: the caller goes, unanswered. */
	void	(*fail)(struct caller *cl, const char *why);
};

struct caller {
	uint64_t		 id;		/* its connection's, for logs */
	char			 peer[80];	/* address:port, for logs */
	char			 addr[64];	/* address alone (or "unix"):
						   the failed-hello throttle's
						   key */
	enum role		 role;
	char			 employer_id[ID_MAX + 1];	/* employer */
	char			 fair_id[ID_MAX + 1];	/* a kiosk's fair; ""
						   unbound */
	unsigned char		 token_digest[32];	/* of the token it proved
						   (never the token), checked
						   again by a reload */
	int			 hello_failures;
	struct rate_bucket	*bucket;	/* its request rate; read only
						   while dispatch_line runs */
	bool			 closed;	/* gone: start nothing more */
	struct reqq		 q;		/* answers owed, in order; its
						   owner is the caller */
	const struct caller_ops	*ops;
};

#endif

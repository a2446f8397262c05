/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * dispatch.h - from a request line to its handler.
 *
 * The dispatcher holds the method table (each method's name, the roles
 * that may call it, its handler, how large its answer can be, whether it
 * reads the mirror), checks the envelope (proto/rpc.h), the caller's role
 * and its request rate (per role, per line), throttles failed hellos per
 * address, serves hello, ping and vocab itself, answers the methods that
 * read the mirror with "loading" until it has been loaded once, and
 * starts the requests of a line in order, each when its caller may start
 * it (caller.h), parking the rest of the line in the caller's queue until
 * the caller wakes it. The callers are the line protocol's connections
 * (conn.h) and the HTTP gateway's exchanges (gateway.h), whose body is
 * one line. The handlers by subject are in methods/.
 */
#ifndef JM_DISPATCH_H
#define JM_DISPATCH_H

#include <stddef.h>

#include "daemon/config.h"

/* The longest token hello or an Authorization header may give. */
#define DISPATCH_TOKEN_MAX	256

struct caller;
struct conn_lines;

/* What conn_listen is handed: every connection's lines go here. */
extern const struct conn_lines dispatch_lines;

/* Serves one request line (or HTTP body) of c: parsed, refused whole by
 * the rate limit (c->bucket), or started in order. */
void	dispatch_line(struct caller *c, const char *line, size_t len);
/* Starts c's waiting requests, in order, while c may start them; from
 * the loop, never inside an answer's callback. */
void	dispatch_resume(struct caller *c);
/*
 * Proves token (len bytes) for c as hello does: its address's failed
 * hellos are counted and may pause it. Returns 0 (c has the token's role
 * now), -1 for a token not configured, -2 while c's address is paused
 * (the token is not even checked). Never logs the token.
 */
int	dispatch_authenticate(struct caller *c, const char *token,
	    size_t len);
/* The requests a second a caller of role may make. */
size_t	dispatch_rate_of(enum role role);
/* Takes n requests from c's rate bucket (c->bucket): 0 when they may go,
 * else the milliseconds until they could (nothing taken then). */
int64_t	dispatch_rate_take(struct caller *c, size_t n);

/* The names of the methods in table order (the order of their metrics
 * buckets, metrics_new), at most max of them, into names; returns how
 * many. The names are static. */
size_t	dispatch_method_names(const char **names, size_t max);

/* Frees the table of failed hellos per address (shutdown). */
void	dispatch_free(void);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * dispatch.h - from a request line to its handler.
 *
 * The dispatcher holds the method table (each method's name, the roles
 * that may call it, its handler, how large its answer can be, whether it
 * reads the mirror), checks the envelope (proto/rpc.h), the caller's role
 * and the request rate of its connection (per role, per line), throttles
 * failed hellos per address, serves hello, ping and vocab itself, answers
 * the methods that read the mirror with "loading" until it has been
 * loaded once, and starts the requests of a line in order, each when its
 * connection may start it (conn_may_start), parking the rest of the line
 * in the connection's queue until the connection wakes it. The handlers
 * by subject are in methods/.
 */
#ifndef JM_DISPATCH_H
#define JM_DISPATCH_H

#include <stddef.h>

struct conn_lines;

/* What conn_listen is handed: every connection's lines go here. */
extern const struct conn_lines dispatch_lines;

/* The names of the methods in table order (the order of their metrics
 * buckets, metrics_new), at most max of them, into names; returns how
 * many. The names are static. */
size_t	dispatch_method_names(const char **names, size_t max);

/* Frees the table of failed hellos per address (shutdown). */
void	dispatch_free(void);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * metrics.h - what the daemon counts about itself, for the stats method and
 * for the Prometheus text served on metrics_listen (http.h).
 *
 * Per method of the method table, and in one more bucket, "(invalid)", for
 * lines and batch items that never named a known method (parse errors,
 * invalid requests, unknown methods, lines refused as too long or too
 * slow): calls, errors (answers that carried a JSON-RPC error), errors by
 * code (the codes of the protocol, and one bucket for any other) and a
 * latency histogram from the moment the request was dispatched to the
 * moment its answer was handed to its connection, so a method that waits
 * for Redis includes the round trip. Every call is counted once it is
 * answered (a notification once it is done), and counted in the totals too.
 * Connections: accepted, refused at max_connections, accept paused for lack
 * of descriptors, closed by reason. And the process: the standard
 * process_* metrics of Prometheus's client libraries (CPU time, memory,
 * descriptors, start time), read when /metrics is asked for.
 *
 * Recording is O(1) and allocates nothing. The state hangs off
 * server.metrics; every function here is a no-op while it is NULL (before
 * start-up, after shutdown). Nothing here ever sees a token, a profile or
 * any record: only method names and numbers.
 */
#ifndef JM_METRICS_H
#define JM_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "daemon/hist.h"

struct evbuffer;

/* Entries of the method table that get buckets of their own. */
#define METRICS_METHODS		48
/* The method index of a request that names no known method. */
#define METRICS_INVALID		(-1)
#define METRICS_INVALID_NAME	"(invalid)"
/* The error codes counted one by one (metrics.c has them), and one more
 * bucket for any other code. */
#define METRICS_CODES		12

enum metrics_close {
	MC_DONE,		/* the peer finished, or a refused line */
	MC_IDLE,		/* idle timeout */
	MC_SLOW_READER,		/* the peer did not read its answers */
	MC_SHUTDOWN,		/* the daemon stopped */
	MC_ERROR,		/* socket error, out of memory, anything else */
	MC_COUNT
};

struct metrics_method {
	uint64_t	 calls;
	uint64_t	 errors;
	uint64_t	 by_code[METRICS_CODES];	/* errors by code */
	struct hist	 latency;
};

struct metrics {
	int64_t			 started_us;	/* monotonic */
	const char		*names[METRICS_METHODS];	/* of the
						   methods, static */
	size_t			 nmethods;
	double			 process_start;	/* Unix time, seconds */
	struct metrics_method	 method[METRICS_METHODS];
	struct metrics_method	 invalid;
	uint64_t		 conns_accepted;
	uint64_t		 conns_refused;	/* max_connections, stopping */
	uint64_t		 accept_pauses;	/* out of descriptors */
	uint64_t		 conns_closed[MC_COUNT];
	/* Requests answered in each of the last 60 seconds (a ring indexed
	 * by the monotonic second; at[i] says which second slot i holds). */
	int64_t			 sec_at[60];
	uint64_t		 sec_n[60];
};

/* A fresh set of counters, started now, for the n methods of the method
 * table named by names in table order (static strings; at most
 * METRICS_METHODS are counted); NULL when out of memory. */
struct metrics	*metrics_new(const char *const *names, size_t n);
void		 metrics_free(struct metrics *m);


/*
 * Counts one answered request of method (its index in the method table, or
 * METRICS_INVALID), dispatched at start_us (mono_us), answered with resp
 * (the JSON-RPC response; an error when it carries one, or is NULL: an
 * internal error).
 */
void		 metrics_request(int method, json_t *resp, int64_t start_us);
/* A request answered with error code before it had a method (0 us). */
void		 metrics_invalid(int code);

void		 metrics_conn_accepted(void);
void		 metrics_conn_refused(void);
void		 metrics_accept_paused(void);
/* A connection closed, for why. */
void		 metrics_conn_closed(enum metrics_close why);

/*
 * Whether the daemon is ready to serve (what /healthz answers): the mirror
 * was loaded from Redis at least once and the daemon is not stopping. When
 * it is not, *why (unless why is NULL) is a short static reason.
 */
bool		 metrics_ready(const char **why);

/*
 * Adds to res, the stats method's result object: connections_total,
 * connections_refused, accept_pauses, connections_closed, requests,
 * latency_us, uptime_s and version, and employers and seekers to its mirror
 * object (docs/protocol.md). The stats call being
 * answered is not in the counts yet.
 */
void		 metrics_stats(json_t *res);

/* Appends the Prometheus text exposition (format 0.0.4) of everything the
 * daemon reports to out. Reads /proc/self (never waits on a disk). */
void		 metrics_write(struct evbuffer *out);

/*
 * Appends one metric family of a single sample without labels: its HELP and
 * TYPE lines and "jobmatchd_NAME VALUE". type is "gauge" or "counter" (a
 * counter's name should end in _total). The way to add a number to
 * metrics_write.
 */
void		 metrics_put(struct evbuffer *out, const char *type,
		    const char *name, const char *help, int64_t value);
/* The HELP and TYPE lines of a family whose samples the caller appends
 * (with labels) as "jobmatchd_NAME{...} VALUE\n". */
void		 metrics_family(struct evbuffer *out, const char *type,
		    const char *name, const char *help);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * conn.h - client connections: listeners, newline framing, writing the
 * replies of each connection's queue (req.h) in order, back-pressure.
 *
 * A connection hands each request line to the line handler it was given
 * (conn_listen: the dispatcher), which starts its requests into the
 * connection's queue; the queue tells the connection when replies are
 * ready, and the connection writes them.
 *
 * Back-pressure: a connection is "owed" the bytes of its answers written
 * and not yet read by the peer (its output buffer) and what its queue
 * holds or has reserved for it (reqq_owed): answers done and waiting
 * behind earlier ones, and a reservation for each of its store requests in
 * flight (the most that request's answer can hold). A request is started
 * only while what its connection is owed is below max_output_bytes and,
 * when it uses the store, while fewer than max_store_inflight of the
 * connection's store requests are in flight (conn_may_start); otherwise it
 * waits, with every request after it, and the connection is not read until
 * they could all start. So one client can neither fill the shared Redis
 * link nor make the daemon hold more than max_output_bytes plus one answer
 * on its behalf, whether or not it reads.
 */
#ifndef JM_CONN_H
#define JM_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "daemon/config.h"
#include "daemon/metrics.h"
#include "daemon/req.h"

enum conn_state {
	CONN_OPEN,	/* reading requests */
	CONN_DRAINING,	/* no more reading: close once replies are out */
	CONN_CLOSED	/* on the closed list, freed from the loop */
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	uint64_t		 id;
	struct bufferevent	*bev;
	struct event		*line_timer;	/* a line begun, not finished */
	enum conn_state		 state;
	char			 peer[80];	/* address:port, for logs */
	char			 addr[64];	/* address alone (or "unix") */
	enum role		 role;
	char			 employer_id[ID_MAX + 1];	/* employer */
	unsigned char		 token_digest[32];	/* of the token its hello
						   proved (never the token),
						   checked again by a reload */
	int			 hello_failures;
	size_t			 scanned;	/* input bytes known to hold
						   no newline */
	bool			 paused;	/* not reading: owes too much */
	double			 rate_tokens;	/* requests it may still make */
	int64_t			 rate_at;	/* when they were counted, us */
	struct reqq		 q;		/* replies owed, in order */
	struct event		*wake;		/* resumes it from the loop */
};

/*
 * Where a connection's lines go (the dispatcher). line is called for each
 * request line (len bytes, no line end) while the connection reads;
 * resume, from the loop, when requests of a line that could not start
 * (parked in its queue: wait_root) may start now.
 */
struct conn_lines {
	void	(*line)(struct conn *c, const char *line, size_t len);
	void	(*resume)(struct conn *c);
};

/* Opens the listeners of the config, whose connections hand their lines
 * to lines. Returns 0 or -1 (logged). */
int	conn_listen(const struct conn_lines *lines);
/* Stops accepting. */
void	conn_unlisten(void);
/* Stops reading from every connection; each closes once it has been sent
 * the answers it is owed (shutdown). */
void	conn_drain_all(void);
/* Frees every connection at once (shutdown). */
void	conn_free_all(void);
/*
 * After a reload of the configuration: every connection past hello whose
 * token is no longer configured, or now names another role or employer,
 * stops reading; it is sent the answers it is owed, then a last line
 * (-32001 "token revoked", id null), and is closed.
 */
void	conn_recheck_tokens(void);

/* Arms c's idle timer for its role: anon_idle_timeout_s before hello,
 * idle_timeout_s after. A connection that owes answers is never idle. */
void	conn_set_idle(struct conn *c);

/* Marks c closed and schedules its freeing; safe inside callbacks. why
 * counts it in the metrics, reason says it in the (debug) log. */
void	conn_close(struct conn *c, enum metrics_close why,
	    const char *reason);

/* c reads no more: it closes once it has been sent every answer it is
 * owed. */
void	conn_end(struct conn *c);

/*
 * Whether c may start one more request now: what it is owed is below
 * max_output_bytes and, for a request of a method that uses the store
 * (reserve > 0), fewer than max_store_inflight of its store requests are
 * in flight.
 */
bool	conn_may_start(const struct conn *c, size_t reserve);

#endif

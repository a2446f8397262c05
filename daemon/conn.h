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

#include "daemon/caller.h"
#include "daemon/config.h"
#include "daemon/req.h"

enum conn_state {
	CONN_OPEN,	/* reading requests */
	CONN_DRAINING,	/* no more reading: close once replies are out */
	CONN_CLOSED	/* on the closed list, freed from the loop */
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct caller		 cl;		/* what the dispatcher sees of
						   it: id, peer, role, queue */
	struct bufferevent	*bev;
	struct event		*line_timer;	/* a line begun, not finished */
	enum conn_state		 state;
	size_t			 scanned;	/* input bytes known to hold
						   no newline */
	bool			 paused;	/* not reading: owes too much */
	struct rate_bucket	 rate;		/* its request rate (cl.bucket) */
	struct event		*wake;		/* resumes it from the loop */
};

/*
 * Where a connection's lines go (the dispatcher). line is called for each
 * request line (len bytes, no line end) while the connection reads;
 * resume, from the loop, when requests of a line that could not start
 * (parked in its queue: wait_root) may start now.
 */
struct conn_lines {
	void	(*line)(struct caller *cl, const char *line, size_t len);
	void	(*resume)(struct caller *cl);
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

struct sockaddr;

/* The peer of a socket for the logs (address:port, or "unix") into peer,
 * and its address alone (the failed-hello throttle's key) into addr. */
void	conn_peer_name(const struct sockaddr *sa, char *peer, size_t peerlen,
	    char *addr, size_t addrlen);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * conn.h - client connections: listeners, newline framing, in-order replies.
 *
 * Every request line becomes one slot in its connection's queue; a slot
 * holds the responses of its requests (one, or one per batch item) and is
 * written once all of them are in, and only after every earlier slot. A
 * request (struct req) points to its slot, never to the connection: when the
 * connection closes, its slots are detached and free themselves when their
 * last request answers, so a late Redis reply never touches a freed conn.
 *
 * Back-pressure: every answer is serialised as it comes, and a connection
 * is "owed" the bytes of its answers written and not yet read by the peer
 * (its output buffer), of those done and waiting behind earlier ones, and a
 * reservation for each of its store requests in flight (the most that
 * request's answer can hold). A request is started only while what its
 * connection is owed is below max_output_bytes and, when it uses the store,
 * while fewer than max_store_inflight of the connection's store requests
 * are in flight; otherwise it waits, with every request after it, and the
 * connection is not read until they could all start. So one client can
 * neither fill the shared Redis link nor make the daemon hold more than
 * max_output_bytes plus one answer on its behalf, whether or not it reads.
 */
#ifndef JM_CONN_H
#define JM_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>

#include "daemon/config.h"
#include "daemon/metrics.h"

struct slot;

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
	TAILQ_HEAD(, slot)	 slots;		/* replies owed, in order */
	size_t			 nslots;
	size_t			 held;		/* bytes of answers done and
						   waiting behind others */
	size_t			 reserved;	/* bytes reserved for the
						   answers of store requests
						   in flight */
	size_t			 inflight;	/* store requests in flight */
	/*
	 * The requests of a line that could not start yet (conn_may_start):
	 * wait_root (owned: an array, or the one request) from item
	 * wait_next on, into wait_slot; started in order by
	 * methods_resume when the connection may start them.
	 */
	json_t			*wait_root;
	struct slot		*wait_slot;
	size_t			 wait_next;
	struct event		*wake;		/* resumes it from the loop */
};

/* A request being served. The handler answers it exactly once. */
struct req {
	struct slot	*slot;
	size_t		 index;		/* in the slot's responses */
	json_t		*id;		/* owned; NULL for a notification */
	const char	*method;	/* static name from the method table */
	enum role	 role;		/* the caller, when it asked */
	char		 employer_id[ID_MAX + 1];
	void		*ctx;		/* the handler's state, and its free */
	void		(*ctx_free)(void *);
	bool		 close_after;	/* close the connection after reply */
	size_t		 reserve;	/* a store request in flight: the
					   bytes reserved for its answer */
	int64_t		 start_us;	/* dispatched (mono_us) */
	int		 metric;	/* the method's index in the method
					   table, for metrics.h; -1: none */
	char		*audit;		/* a write's audit line (audit.h) */
};

/* Opens the listeners of the config. Returns 0 or -1 (logged). */
int	conn_listen(void);
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

/*
 * Whether c may start one more request now: what it is owed is below
 * max_output_bytes and, for a request of a method that uses the store
 * (reserve > 0), fewer than max_store_inflight of its store requests are
 * in flight.
 */
bool	conn_may_start(const struct conn *c, size_t reserve);
/* Counts r as one of c's store requests in flight until it answers,
 * reserving reserve bytes (> 0) for its answer. */
void	conn_hold_store(struct conn *c, struct req *r, size_t reserve);

/* A slot of n responses at the tail of c's queue (batch: an array). */
struct slot *slot_new(struct conn *c, size_t n, bool batch);
/* Stores a response that needs no request (an invalid batch item). */
void	slot_put(struct slot *s, size_t index, json_t *resp);
/* Closes the slot for new requests; its line ends once all have answered. */
void	slot_seal(struct slot *s);
/* Seals s with its places from index on left without an answer (their
 * requests will never start: the connection closed). */
void	slot_abandon(struct slot *s, size_t index);
/* A request answering into s at index; id is borrowed (copied). */
struct req *req_new(struct slot *s, size_t index, json_t *id,
	    const struct conn *c);

/* Answers r (resp stolen; NULL = internal error) and frees r. */
void	req_reply(struct req *r, json_t *resp);
void	req_result(struct req *r, json_t *result);
void	req_error(struct req *r, int code, const char *message, json_t *data);

/* The connection r came from, or NULL if it has closed since. */
struct conn *req_conn(const struct req *r);

#endif

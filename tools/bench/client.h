/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * client.h - jobmatch-bench's connections to jobmatchd: a blocking call
 * with a deadline for setting up (hello, rules.get, stats), then
 * pipelined requests on a libevent loop whose answers are handed back in
 * the order the requests were sent (the daemon answers in order).
 *
 * A connection owns a read buffer (bytes received and not yet framed;
 * grows to the longest answer, at most BCONN_LINE_MAX), a write buffer
 * (request lines not yet sent, from woff) and a ring of the requests in
 * flight. Nothing is allocated per request: lines are copied into the
 * write buffer, answers are handed out in place.
 *
 * Errors on a connection (refused, reset, closed by the daemon, an answer
 * with no request) end the program with a message: a benchmark whose
 * connection broke has nothing left to measure.
 */
#ifndef JM_BENCH_CLIENT_H
#define JM_BENCH_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

#define BCONN_LINE_MAX	(64u << 20)	/* longest answer accepted */

struct bconn_pending {
	uint64_t	 id;		/* the request's JSON-RPC id */
	uint64_t	 tag;		/* the caller's: a query, an item */
	uint64_t	 sent_us;	/* bench_now_us() when queued */
};

struct bconn;
/* One answer: the line (len bytes, no newline, not NUL-terminated) of the
 * request p. May queue further requests on c. */
typedef void bconn_answer_fn(struct bconn *c, const struct bconn_pending *p,
	    const char *line, size_t len, uint64_t now_us);

struct bconn {
	int			 fd;
	int			 index;		/* for messages */
	const char		*addr;		/* borrowed */
	struct event		*rev, *wev;
	char			*rbuf;		/* received, unframed:
						   [0, rlen) */
	size_t			 rlen, rcap;
	char			*wbuf;		/* to send: [woff, wlen) */
	size_t			 woff, wlen, wcap;
	struct bconn_pending	*ring;		/* in flight, oldest at head */
	size_t			 head, count, cap;
	uint64_t		 next_id;	/* ids of blocking calls */
	uint64_t		 last_us;	/* the last answer (or the first
						   request after none) */
	bconn_answer_fn		*on_answer;
	void			*arg;
};

/* Monotonic microseconds. */
uint64_t	bench_now_us(void);
/* Prints "jobmatch-bench: ..." and exits with status 2. */
void		bench_die(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* Connects to HOST:PORT within timeout_ms. Returns 0, or -1 with a
 * message in err. */
int		bconn_open(struct bconn *c, const char *addr, int index,
		    int timeout_ms, char *err, size_t errlen);
void		bconn_close(struct bconn *c);

/* Calls method (params borrowed; NULL sends {}) and waits at most timeout_ms
 * for its answer; only while nothing is in flight on the loop. Returns the
 * parsed response (the caller owns it; it may hold "error"), or NULL with
 * a message in err (no answer in time, closed, not JSON). */
json_t		*bconn_call(struct bconn *c, const char *method,
		    json_t *params, int timeout_ms, char *err, size_t errlen);
/* hello with token; 0, or -1 with the daemon's or the link's words. */
int		bconn_hello(struct bconn *c, const char *token, int timeout_ms,
		    char *err, size_t errlen);

/* Puts c on base: answers go to fn. */
void		bconn_attach(struct bconn *c, struct event_base *base,
		    bconn_answer_fn *fn, void *arg);
/* Queues one request line (ending in "\n") whose id is id. It is sent by
 * bconn_flush, or when the read callback that queued it returns. */
void		bconn_send(struct bconn *c, uint64_t id, const char *line,
		    size_t len, uint64_t tag);
void		bconn_flush(struct bconn *c);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * req.h - requests and the queue of replies they owe, in order.
 *
 * A queue (struct reqq) is embedded in whatever reads the requests (a
 * client connection); it knows nothing of sockets. Every request line
 * becomes one slot at its tail; a slot holds the answers of its requests
 * (one, or one per batch item), each serialised as soon as it is in, and
 * the slot at the head hands its answers out in order (reqq_write): a
 * batch's "[", its answers, then "]" and the newline once all are in. A
 * request (struct req) points to its slot, never to its queue's owner:
 * when the owner goes (reqq_detach), its slots are detached and free
 * themselves when their last request answers, so a late Redis reply never
 * touches a freed connection.
 *
 * The queue keeps what back-pressure counts: the bytes of answers done and
 * waiting behind earlier ones (held), a reservation for each store request
 * in flight, the most its answer can hold (reserved, req_reserve), and how
 * many of those are in flight; and the part of a line that could not start
 * yet (wait), parked by the dispatcher.
 *
 * The owner is told through its hooks, which run inside req_reply, so
 * inside a Redis reply's callback: "ready" when the head slot may have
 * answers to write or be complete, "room" when a store request's share is
 * free again. A hook may write and may schedule work on the loop; it never
 * reads a request or starts one, so no answer runs the next request's
 * handler inside its own callback.
 */
#ifndef JM_REQ_H
#define JM_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>

#include "daemon/config.h"

struct evbuffer;
struct perr;
struct slot;
struct store_res;

/* What the owner of a queue is told; owner is reqq_init's. */
struct reqq_hooks {
	/* The head slot may have answers to write (reqq_write), or be
	 * complete. */
	void	(*ready)(void *owner);
	/* A store request answered: its share (req_reserve) is free. */
	void	(*room)(void *owner);
};

struct reqq {
	TAILQ_HEAD(, slot)	 slots;		/* lines owed, in order */
	size_t			 nslots;
	size_t			 held;		/* bytes of answers done and
						   waiting behind others */
	size_t			 reserved;	/* bytes reserved for the
						   answers of store requests
						   in flight */
	size_t			 inflight;	/* store requests in flight */
	/*
	 * The requests of a line that could not all start yet: wait_root
	 * (owned: an array, or the one request) from item wait_next on,
	 * into wait_slot. The dispatcher parks and resumes it; the queue
	 * abandons it when detached.
	 */
	json_t			*wait_root;
	struct slot		*wait_slot;
	size_t			 wait_next;
	bool			 discard;	/* the owner closed: answers
						   are no longer kept */
	uint64_t		 id;		/* the owner's, for the log */
	const struct reqq_hooks	*hooks;
	void			*owner;
};

/* A request being served. The handler answers it exactly once. */
struct req {
	struct slot	*slot;
	size_t		 index;		/* in the slot's responses */
	json_t		*id;		/* owned; NULL for a notification */
	const char	*method;	/* static name from the method table */
	enum role	 role;		/* the caller, when it asked */
	char		 employer_id[ID_MAX + 1];
	char		 fair_id[ID_MAX + 1];	/* a kiosk bound to a fair;
						   "" unbound */
	void		*ctx;		/* the handler's state, and its free */
	void		(*ctx_free)(void *);
	size_t		 reserve;	/* a store request in flight: the
					   bytes reserved for its answer */
	int64_t		 start_us;	/* dispatched (mono_us) */
	int		 metric;	/* the method's index in the method
					   table, for metrics.h; -1: none */
	char		*audit;		/* a write's audit line (audit.h) */
};

/* An empty queue whose owner (id for the log) is told through hooks. */
void	reqq_init(struct reqq *q, const struct reqq_hooks *hooks, void *owner,
	    uint64_t id);
/* The owner goes: the waiting line is abandoned and every slot detached
 * (each frees itself once its last request has answered). */
void	reqq_detach(struct reqq *q);
/*
 * Moves the answers at the head of q that are in, in order, into out
 * (without copying them; NULL: nowhere, the owner closed), and drops the
 * slots that are complete.
 */
void	reqq_write(struct reqq *q, struct evbuffer *out);
/* The bytes q holds or has reserved on its owner's behalf (held +
 * reserved); the owner adds what it has written and not yet sent. */
size_t	reqq_owed(const struct reqq *q);
/* A line answered at once with resp (stolen), at the tail of q: 0, or -1
 * when out of memory (resp freed). */
int	reqq_answer(struct reqq *q, json_t *resp);

/* A slot of n responses at the tail of q (batch: an array); NULL when out
 * of memory. */
struct slot *slot_new(struct reqq *q, size_t n, bool batch);
/* Stores a response that needs no request (an invalid batch item). */
void	slot_put(struct slot *s, size_t index, json_t *resp);
/* Closes the slot for new requests; its line ends once all have answered. */
void	slot_seal(struct slot *s);
/* Seals s with its places from index on left without an answer (their
 * requests will never start: the connection closed). */
void	slot_abandon(struct slot *s, size_t index);

/* A request answering into s at index for a caller of role (employer_id:
 * its employer); id is borrowed (copied). NULL when out of memory. */
struct req *req_new(struct slot *s, size_t index, json_t *id, enum role role,
	    const char *employer_id);
/* The owner of r's queue, or NULL once it has gone. */
void	*req_owner(const struct req *r);
/* Counts r as one of its queue's store requests in flight until it
 * answers, reserving reserve bytes (> 0) for its answer. */
void	req_reserve(struct req *r, size_t reserve);

/* Answers r (resp stolen; NULL = internal error) and frees r. */
void	req_reply(struct req *r, json_t *resp);
void	req_result(struct req *r, json_t *result);
void	req_error(struct req *r, int code, const char *message, json_t *data);
/* Answers -32602 naming e's field. */
void	req_error_params(struct req *r, const struct perr *e);
/* Answers a store failure with the protocol's error; what names the record
 * ("job", "seeker") in "not found". An employer not registered is named
 * job.employer_id; req_error_store_in names the method's own field. */
void	req_error_store(struct req *r, const struct store_res *res,
	    const char *what);
void	req_error_store_in(struct req *r, const struct store_res *res,
	    const char *what, const char *employer_field);
/* Answers -32001 with why. */
void	req_unauthorized(struct req *r, const char *why);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * req.c - see req.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "daemon/audit.h"
#include "daemon/clock.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/req.h"
#include "daemon/store.h"
#include "proto/params.h"
#include "proto/rpc.h"

/* One place of a slot: a response, serialised as soon as it is in. */
struct answer {
	char			*buf;		/* without its newline; NULL:
						   none (a notification) */
	size_t			 len;
	bool			 done;
};

struct slot {
	TAILQ_ENTRY(slot)	 entry;
	struct reqq		*q;		/* NULL once its owner went */
	struct answer		*ans;		/* n places */
	size_t			 n, filled;
	size_t			 sent;		/* places at the head written */
	bool			 batch, sealed;
	bool			 opened;	/* a batch's "[" is written */
};

/* ---- slots ------------------------------------------------------------ */

struct slot *
slot_new(struct reqq *q, size_t n, bool batch)
{
	struct slot *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->ans = calloc(n, sizeof(*s->ans))) == NULL) {
		free(s);
		return NULL;
	}
	s->q = q;
	s->n = n;
	s->batch = batch;
	TAILQ_INSERT_TAIL(&q->slots, s, entry);
	q->nslots++;
	return s;
}

/* Frees s and what it holds (counted out of its queue's held bytes). */
static void
slot_free(struct slot *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->q != NULL)
			s->q->held -= s->ans[i].len;
		free(s->ans[i].buf);
	}
	free(s->ans);
	free(s);
}

static bool
slot_done(const struct slot *s)
{
	return s->sealed && s->filled == s->n;
}

/* Called whenever the slot may have an answer to write or be complete:
 * the owner of the queue is told when it is the slot at the head. */
static void
slot_check(struct slot *s)
{
	if (s->q == NULL) {
		if (slot_done(s))
			slot_free(s);
	} else if (TAILQ_FIRST(&s->q->slots) == s)
		s->q->hooks->ready(s->q->owner);
}

void
slot_put(struct slot *s, size_t index, json_t *resp)
{
	struct answer *a = &s->ans[index];
	char *line;
	size_t len;

	if (resp != NULL && s->q != NULL && !s->q->discard) {
		if ((line = rpc_dump(resp, &len)) != NULL) {
			a->buf = line;
			a->len = len - 1;	/* the newline goes later */
			s->q->held += a->len;
		} else
			log_warnx("conn %llu: cannot serialise a response",
			    (unsigned long long)s->q->id);
	}
	json_decref(resp);
	a->done = true;
	s->filled++;
	slot_check(s);
}

void
slot_seal(struct slot *s)
{
	s->sealed = true;
	slot_check(s);
}

void
slot_abandon(struct slot *s, size_t index)
{
	for (; index < s->n; index++)
		if (!s->ans[index].done) {
			s->ans[index].done = true;
			s->filled++;
		}
	slot_seal(s);
}

/* ---- the queue -------------------------------------------------------- */

void
reqq_init(struct reqq *q, const struct reqq_hooks *hooks, void *owner,
    uint64_t id)
{
	memset(q, 0, sizeof(*q));
	TAILQ_INIT(&q->slots);
	q->hooks = hooks;
	q->owner = owner;
	q->id = id;
}

void
reqq_detach(struct reqq *q)
{
	struct slot *s;

	if (q->wait_root != NULL) {	/* those requests will never start */
		slot_abandon(q->wait_slot, q->wait_next);
		json_decref(q->wait_root);
		q->wait_root = NULL;
	}
	while ((s = TAILQ_FIRST(&q->slots)) != NULL) {
		TAILQ_REMOVE(&q->slots, s, entry);
		q->nslots--;
		s->q = NULL;
		if (slot_done(s))
			slot_free(s);
		/* else: freed by its last request's reply */
	}
}

size_t
reqq_owed(const struct reqq *q)
{
	return q->held + q->reserved;
}

int
reqq_answer(struct reqq *q, json_t *resp)
{
	struct slot *s;

	if ((s = slot_new(q, 1, false)) == NULL) {
		json_decref(resp);
		return -1;
	}
	s->sealed = true;
	slot_put(s, 0, resp);
	return 0;
}

static void
free_answer(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)data);
}

/* Moves answer a into out (without copying it), between before and after
 * (a batch's punctuation, the newline; may be ""). */
static void
write_answer(struct reqq *q, struct evbuffer *out, const char *before,
    struct answer *a, const char *after)
{
	if (before[0] != '\0')
		evbuffer_add(out, before, strlen(before));
	q->held -= a->len;
	if (evbuffer_add_reference(out, a->buf, a->len, free_answer,
	    NULL) == -1) {
		evbuffer_add(out, a->buf, a->len);
		free(a->buf);
	}
	a->buf = NULL;
	a->len = 0;
	if (after[0] != '\0')
		evbuffer_add(out, after, strlen(after));
}

/*
 * Writes the answers of s, the slot at the head of the queue, that are in,
 * in order, up to the first still missing: a batch's answers go out as
 * they come, "[" before the first and "]" and the newline once all are
 * in; a batch of notifications alone writes nothing.
 */
static void
slot_write(struct reqq *q, struct slot *s, struct evbuffer *out)
{
	for (; s->sent < s->n && s->ans[s->sent].done; s->sent++) {
		struct answer *a = &s->ans[s->sent];

		if (a->buf == NULL)
			continue;
		if (s->batch) {
			write_answer(q, out, s->opened ? "," : "[", a, "");
			s->opened = true;
		} else
			write_answer(q, out, "", a, "\n");
	}
	if (s->batch && s->opened && slot_done(s)) {
		evbuffer_add(out, "]\n", 2);
		s->opened = false;
	}
}

void
reqq_write(struct reqq *q, struct evbuffer *out)
{
	struct slot *s;

	while ((s = TAILQ_FIRST(&q->slots)) != NULL) {
		if (out != NULL)
			slot_write(q, s, out);
		if (!slot_done(s))
			break;
		TAILQ_REMOVE(&q->slots, s, entry);
		q->nslots--;
		slot_free(s);
	}
}

/* ---- requests --------------------------------------------------------- */

struct req *
req_new(struct slot *s, size_t index, json_t *id, enum role role,
    const char *employer_id)
{
	struct req *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->slot = s;
	r->index = index;
	r->id = id != NULL ? json_incref(id) : NULL;
	r->role = role;
	memcpy(r->employer_id, employer_id, sizeof(r->employer_id));
	r->start_us = mono_us();
	r->metric = METRICS_INVALID;
	return r;
}

void *
req_owner(const struct req *r)
{
	return r->slot->q != NULL ? r->slot->q->owner : NULL;
}

void
req_reserve(struct req *r, size_t reserve)
{
	struct reqq *q = r->slot->q;

	r->reserve = reserve;
	q->inflight++;
	q->reserved += reserve;
}

void
req_reply(struct req *r, json_t *resp)
{
	struct slot *s = r->slot;
	struct reqq *q = s->q;
	size_t index = r->index;

	metrics_request(r->metric, resp, r->start_us);
	audit_end(r->audit, r->method, resp);
	r->audit = NULL;
	if (r->id == NULL) {		/* a notification: no response */
		json_decref(resp);
		resp = NULL;
	} else if (resp == NULL)
		resp = rpc_error(r->id, RPC_INTERNAL_ERROR, "internal error",
		    NULL);
	if (r->reserve > 0 && q != NULL) {
		/* Its share of the link is free again, and its answer is
		 * counted as itself from here on. */
		q->inflight--;
		q->reserved -= r->reserve;
		q->hooks->room(q->owner);
	}
	if (r->ctx_free != NULL)
		r->ctx_free(r->ctx);
	json_decref(r->id);
	free(r);
	slot_put(s, index, resp);
}

void
req_result(struct req *r, json_t *result)
{
	req_reply(r, result != NULL ? rpc_result(r->id, result) : NULL);
}

void
req_error(struct req *r, int code, const char *message, json_t *data)
{
	req_reply(r, rpc_error(r->id, code, message, data));
}

void
req_error_params(struct req *r, const struct perr *e)
{
	req_reply(r, rpc_error_field(r->id, e->field, e->reason));
}

void
req_unauthorized(struct req *r, const char *why)
{
	req_error(r, RPC_UNAUTHORIZED, why, NULL);
}

void
req_error_store(struct req *r, const struct store_res *res, const char *what)
{
	req_error_store_in(r, res, what, "job.employer_id");
}

void
req_error_store_in(struct req *r, const struct store_res *res,
    const char *what, const char *employer_field)
{
	char msg[256];

	switch (res->status) {
	case STORE_DOWN:
		req_error(r, RPC_STORE_UNAVAILABLE, "store unavailable",
		    json_pack("{s:b}", "applied", 0));
		break;
	case STORE_UNKNOWN:
		/* error: why, when the write ran and the replicas did not
		 * confirm it (redis_wait_replicas) */
		snprintf(msg, sizeof(msg), "store did not confirm in time%s%s",
		    res->error != NULL ? ": " : "",
		    res->error != NULL ? res->error : "");
		req_error(r, RPC_STORE_UNAVAILABLE, msg,
		    json_pack("{s:s}", "applied", "unknown"));
		break;
	case STORE_FAILED:
		snprintf(msg, sizeof(msg), "store refused the request: %s",
		    res->error != NULL ? res->error : "error");
		req_error(r, RPC_STORE_UNAVAILABLE, msg,
		    json_pack("{s:b}", "applied", 0));
		break;
	case STORE_NOT_FOUND:
		snprintf(msg, sizeof(msg), "%s not found", what);
		req_error(r, RPC_NOT_FOUND, msg, NULL);
		break;
	case STORE_NO_EMPLOYER:
		req_error(r, RPC_NOT_FOUND, "employer not registered",
		    json_pack("{s:s}", "field", employer_field));
		break;
	case STORE_CONFLICT:
		req_error(r, RPC_CONFLICT, "version conflict",
		    json_pack("{s:I}", "current_version",
		    (json_int_t)res->version));
		break;
	default:
		req_reply(r, NULL);
		break;
	}
}

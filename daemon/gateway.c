/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * gateway.c - see gateway.h.
 *
 * An exchange holds its evhttp request until it answers. evhttp lets go
 * of a request its connection loses meanwhile (a client that closed, one
 * the listener closed past its deadline), and the exchange learns it from
 * the connection's close callback: a request still on the connection is
 * evhttp's to free then, one it let go of is the exchange's (httpd.c says
 * what of libevent 2.1.12 this relies on).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/caller.h"
#include "daemon/clock.h"
#include "daemon/dispatch.h"
#include "daemon/feed.h"
#include "daemon/gateway.h"
#include "daemon/httpd.h"
#include "daemon/kiosk.h"
#include "daemon/log.h"
#include "daemon/qrpage.h"
#include "daemon/server.h"
#include "matcher/strmap.h"
#include "proto/rpc.h"

#define BUCKETS_MAX	10000	/* rate buckets kept (token, address) */

struct exchange {
	struct caller		 cl;		/* its token's role; its body is
						   one line */
	TAILQ_ENTRY(exchange)	 entry;
	struct httpd		*h;
	struct evhttp_request	*req;		/* NULL once let go of */
	struct evhttp_connection *evcon;	/* NULL once it closed */
	struct evbuffer		*out;		/* answers not sent yet */
	struct event		*wake;		/* progress, from the loop */
	bool			 dispatching;	/* inside the dispatcher */
	bool			 streaming;	/* a chunked answer began */
	bool			 writing;	/* a chunk is not taken yet */
	bool			 end;		/* close the connection after */
	bool			 gone;		/* the connection closed */
	bool			 jsonld;	/* answers a JSON-LD GET */
};

struct gateway {
	struct httpd		*plain, *tls;
	struct kiosk		*files;		/* NULL: none read */
	TAILQ_HEAD(, exchange)	 exchanges;
	size_t			 nexchanges;
	struct strmap		 buckets;	/* "digest addr" -> rate */
};

static void	progress(struct exchange *x);

/* ---- headers ---------------------------------------------------------- */

/* The CORS headers of an answer to req, when http_cors_origin is set: the
 * origin is allowed when req comes from it. */
static void
add_cors(struct evhttp_request *req)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	const char *origin;

	if (server.cfg.http_cors_origin[0] == '\0')
		return;
	evhttp_add_header(oh, "Vary", "Origin");
	origin = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Origin");
	if (origin != NULL && strcmp(origin, server.cfg.http_cors_origin) == 0)
		evhttp_add_header(oh, "Access-Control-Allow-Origin", origin);
}

/* Answers a CORS preflight (OPTIONS) of a path whose method is method. */
static void
preflight(struct httpd *h, struct evhttp_request *req, const char *method)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);

	add_cors(req);
	evhttp_add_header(oh, "Access-Control-Allow-Methods", method);
	evhttp_add_header(oh, "Access-Control-Allow-Headers",
	    "Authorization, Content-Type");
	evhttp_add_header(oh, "Access-Control-Max-Age", "600");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	httpd_send(h, req, 204, "No Content");
}

/* 405 for a path whose methods are allow. */
static void
not_allowed(struct httpd *h, struct evhttp_request *req, const char *allow)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    allow);
	httpd_send_text(h, req, HTTP_BADMETHOD, "Method Not Allowed",
	    "method not allowed\n");
}

/* ---- the rate buckets --------------------------------------------------- */

static void
free_bucket(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

struct stale {
	const char	*keys[64];
	size_t		 n;
	int64_t		 now;
};

/* A bucket untouched for a second is full again, as a new one would be:
 * it can go. */
static void
find_stale(const char *key, void *val, void *arg)
{
	struct stale *st = arg;
	const struct rate_bucket *b = val;

	if (st->n < 64 && st->now - b->at >= 1000000)
		st->keys[st->n++] = key;
}

/* The bucket of key, made when new; NULL when out of memory. */
static struct rate_bucket *
bucket_of(struct gateway *gw, const char *key)
{
	struct rate_bucket *b = strmap_get(&gw->buckets, key);
	struct stale st;

	if (b != NULL)
		return b;
	if (gw->buckets.n >= BUCKETS_MAX) {
		do {
			st.n = 0;
			st.now = mono_us();
			strmap_each(&gw->buckets, find_stale, &st);
			for (size_t i = 0; i < st.n; i++) {
				char k[160];
				snprintf(k, sizeof(k), "%s", st.keys[i]);
				free(strmap_del(&gw->buckets, k));
			}
		} while (st.n == 64);
		if (gw->buckets.n >= BUCKETS_MAX) {	/* all busy: start over */
			strmap_each(&gw->buckets, free_bucket, NULL);
			strmap_free(&gw->buckets);
		}
	}
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if (strmap_put(&gw->buckets, key, b) == -1) {
		free(b);
		return NULL;
	}
	return b;
}

/* ---- exchanges -------------------------------------------------------- */

static struct exchange *
exchange_of(const struct caller *cl)
{
	return (struct exchange *)((char *)cl - offsetof(struct exchange, cl));
}

/* What x is owed: answers held or reserved, not sent yet, and a chunk
 * the client has not taken. */
static size_t
owed(const struct exchange *x)
{
	struct bufferevent *bev;
	size_t n = reqq_owed(&x->cl.q) + evbuffer_get_length(x->out);

	if (x->writing && x->evcon != NULL &&
	    (bev = evhttp_connection_get_bufferevent(x->evcon)) != NULL)
		n += evbuffer_get_length(bufferevent_get_output(bev));
	return n;
}

static bool
x_may_start(const struct caller *cl, size_t reserve)
{
	const struct exchange *x = exchange_of(cl);

	return owed(x) < server.cfg.max_output_bytes && (reserve == 0 ||
	    x->cl.q.inflight < server.cfg.max_store_inflight);
}

static void
x_end(struct caller *cl)
{
	exchange_of(cl)->end = true;
}

static void
x_authed(struct caller *cl, bool changed)
{
	(void)cl;
	(void)changed;
}

static void
x_fail(struct caller *cl, const char *why)
{
	struct exchange *x = exchange_of(cl);

	log_warnx("conn %llu: %s", (unsigned long long)cl->id, why);
	x->end = true;
	cl->closed = true;
}

static const struct caller_ops x_ops = { x_may_start, x_end, x_authed,
	x_fail };

/* The queue's hooks: what is ready goes into out; the rest waits for the
 * loop (never inside an answer's callback). */
static void
x_ready(void *owner)
{
	struct exchange *x = exchange_of(owner);

	reqq_write(&x->cl.q, x->gone ? NULL : x->out);
	if (!x->dispatching)
		event_active(x->wake, EV_TIMEOUT, 0);
}

static void
x_room(void *owner)
{
	struct exchange *x = exchange_of(owner);

	if (!x->dispatching)
		event_active(x->wake, EV_TIMEOUT, 0);
}

static const struct reqq_hooks x_hooks = { x_ready, x_room };

/* x's connection closed (evhttp frees it now): see the top of the file. */
static void
x_closed(struct evhttp_connection *evcon, void *arg)
{
	struct exchange *x = arg;

	(void)evcon;
	x->evcon = NULL;
	x->gone = true;
	x->cl.closed = true;
	if (x->req != NULL && evhttp_request_get_connection(x->req) != NULL)
		x->req = NULL;		/* freed with its connection */
	event_active(x->wake, EV_TIMEOUT, 0);
}

static void
wake_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	progress(arg);
}

static void
exchange_free(struct gateway *gw, struct exchange *x)
{
	TAILQ_REMOVE(&gw->exchanges, x, entry);
	gw->nexchanges--;
	if (x->evcon != NULL)
		evhttp_connection_set_closecb(x->evcon, NULL, NULL);
	if (x->req != NULL && evhttp_request_get_connection(x->req) == NULL)
		evhttp_request_free(x->req);	/* let go of by evhttp */
	x->cl.closed = true;
	reqq_detach(&x->cl.q);
	evbuffer_free(x->out);
	event_free(x->wake);
	free(x);
}

/* A new exchange of req; NULL when out of memory. */
static struct exchange *
exchange_new(struct gateway *gw, struct httpd *h, struct evhttp_request *req,
    const struct httpd_peer *peer)
{
	struct exchange *x = calloc(1, sizeof(*x));

	if (x == NULL || (x->out = evbuffer_new()) == NULL ||
	    (x->wake = event_new(server.base, -1, 0, wake_cb, x)) == NULL) {
		if (x != NULL && x->out != NULL)
			evbuffer_free(x->out);
		free(x);
		return NULL;
	}
	x->cl.id = peer->id;
	memcpy(x->cl.peer, peer->peer, sizeof(x->cl.peer));
	memcpy(x->cl.addr, peer->addr, sizeof(x->cl.addr));
	x->cl.role = ROLE_ANON;
	x->cl.ops = &x_ops;
	reqq_init(&x->cl.q, &x_hooks, &x->cl, peer->id);
	x->h = h;
	x->req = req;
	x->evcon = evhttp_request_get_connection(req);
	evhttp_connection_set_closecb(x->evcon, x_closed, x);
	TAILQ_INSERT_TAIL(&gw->exchanges, x, entry);
	gw->nexchanges++;
	return x;
}

/* The headers of /rpc's answer. */
static void
rpc_headers(struct exchange *x)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(x->req);

	evhttp_add_header(oh, "Content-Type", "application/json");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	add_cors(x->req);
	if (x->end || server.stopping)
		evhttp_add_header(oh, "Connection", "close");
}

/* A chunk of x's answer was taken by the client. */
static void
chunk_taken(struct evhttp_connection *evcon, void *arg)
{
	struct exchange *x = arg;

	(void)evcon;
	x->writing = false;
	event_active(x->wake, EV_TIMEOUT, 0);
}

/* The answer of a JSON-LD GET (its one request's len bytes in x->out):
 * the result as application/ld+json, its next_cursor as a Link; an error
 * as the HTTP status it means. */
static void
finish_jsonld(struct exchange *x, size_t len)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(x->req);
	const char *body = len > 0 ? (const char *)evbuffer_pullup(x->out,
	    (ssize_t)len) : NULL;
	json_t *resp = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
	json_t *res = json_object_get(resp, "result"), *next;
	json_int_t code = json_integer_value(json_object_get(
	    json_object_get(resp, "error"), "code"));
	char *doc, link[2 * ID_MAX + 64];

	if (json_is_object(res)) {
		next = json_object_get(res, "next_cursor");
		if (json_is_string(next)) {
			snprintf(link, sizeof(link), "</jobs.jsonld?after=%s>; "
			    "rel=\"next\"", json_string_value(next));
			evhttp_add_header(oh, "Link", link);
		}
		json_object_del(res, "next_cursor");
		if ((doc = json_dumps(res, JSON_COMPACT)) != NULL) {
			evhttp_add_header(oh, "Content-Type",
			    "application/ld+json");
			evhttp_add_header(oh, "Cache-Control", "no-cache");
			evbuffer_add(evhttp_request_get_output_buffer(x->req),
			    doc, strlen(doc));
			free(doc);
			httpd_send(x->h, x->req, HTTP_OK, "OK");
			json_decref(resp);
			return;
		}
	}
	json_decref(resp);
	if (code == RPC_NOT_FOUND)
		httpd_send_text(x->h, x->req, HTTP_NOTFOUND, "Not Found",
		    "not an open posting\n");
	else if (code == RPC_INVALID_PARAMS)
		httpd_send_text(x->h, x->req, HTTP_BADREQUEST, "Bad Request",
		    "after: expected EMPLOYER:ID\n");
	else if (code == RPC_BUSY)
		httpd_send_text(x->h, x->req, 429, "Too Many Requests",
		    "request rate limit: retry later\n");
	else
		httpd_send_text(x->h, x->req, 503, "Service Unavailable",
		    "not ready or Redis unavailable; retry later\n");
}

/* Every answer is in: the body is what the line protocol would have
 * written, without its newline; a batch of notifications alone is 204. */
static void
finish(struct exchange *x)
{
	struct gateway *gw = server.gateway;
	size_t len = evbuffer_get_length(x->out);
	struct evbuffer_ptr at;
	char last = 0;
	struct evbuffer *body;

	if (len > 0 && evbuffer_ptr_set(x->out, &at, len - 1,
	    EVBUFFER_PTR_SET) == 0 &&
	    evbuffer_copyout_from(x->out, &at, &last, 1) == 1 && last == '\n')
		len--;
	evhttp_connection_set_closecb(x->evcon, NULL, NULL);
	x->evcon = NULL;
	if (x->jsonld) {
		finish_jsonld(x, len);
		x->req = NULL;
		exchange_free(gw, x);
		return;
	}
	if (x->streaming) {
		if ((body = evbuffer_new()) != NULL) {
			evbuffer_remove_buffer(x->out, body, len);
			evhttp_send_reply_chunk(x->req, body);
			evbuffer_free(body);
		}
		evhttp_send_reply_end(x->req);
	} else {
		rpc_headers(x);
		evbuffer_remove_buffer(x->out,
		    evhttp_request_get_output_buffer(x->req), len);
		if (len == 0)
			httpd_send(x->h, x->req, 204, "No Content");
		else
			httpd_send(x->h, x->req, HTTP_OK, "OK");
	}
	x->req = NULL;
	exchange_free(gw, x);
}

/* x holds max_output_bytes and can start nothing more until the client
 * takes them: they go as the start of a chunked answer. */
static void
stream(struct exchange *x)
{
	if (!x->streaming) {
		rpc_headers(x);
		evhttp_send_reply_start(x->req, HTTP_OK, "OK");
		x->streaming = true;
	}
	x->writing = true;
	evhttp_send_reply_chunk_with_cb(x->req, x->out, chunk_taken, x);
}

/* Moves x on, from the loop: its waiting requests start, its answer goes
 * when complete, or in part when what it holds keeps the rest waiting. */
static void
progress(struct exchange *x)
{
	struct reqq *q = &x->cl.q;

	if (x->gone) {
		exchange_free(server.gateway, x);
		return;
	}
	if (q->wait_root != NULL && !x->writing) {
		x->dispatching = true;
		dispatch_resume(&x->cl);
		x->dispatching = false;
	}
	if (x->cl.closed) {
		/* out of memory in the dispatcher: the exchange goes */
		struct gateway *gw = server.gateway;

		evhttp_connection_set_closecb(x->evcon, NULL, NULL);
		x->evcon = NULL;
		if (x->streaming)
			evhttp_send_reply_end(x->req);
		else {
			evhttp_add_header(evhttp_request_get_output_headers(
			    x->req), "Connection", "close");
			httpd_send_text(x->h, x->req, 503,
			    "Service Unavailable", "out of memory\n");
		}
		x->req = NULL;
		exchange_free(gw, x);
		return;
	}
	reqq_write(q, x->out);
	if (q->nslots == 0 && q->wait_root == NULL) {
		finish(x);
		return;
	}
	if (q->wait_root != NULL && q->inflight == 0 && !x->writing &&
	    evbuffer_get_length(x->out) > 0)
		stream(x);
}

/* ---- POST /rpc -------------------------------------------------------- */

/* Whether a Content-Type is JSON: application/json, with parameters. */
static bool
content_is_json(const char *ct)
{
	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, "application/json", 16) != 0)
		return false;
	ct += 16;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * Proves the request's Authorization header for x, as hello does: 0 (no
 * header: anonymous), or the HTTP status refused with, answered already.
 */
/* The key of x's rate bucket: its token (a digest's start) and address,
 * or its address alone without a token. */
static void
bucket_key(const struct exchange *x, char *key, size_t len)
{
	int o = 0;

	if (x->cl.role == ROLE_ANON) {
		snprintf(key, len, "- %s", x->cl.addr);
		return;
	}
	for (int i = 0; i < 8; i++)
		o += snprintf(key + o, len - (size_t)o, "%02x",
		    x->cl.token_digest[i]);
	snprintf(key + o, len - (size_t)o, " %s", x->cl.addr);
}

static int
authorize(struct exchange *x, struct httpd *h, struct evhttp_request *req)
{
	const char *a = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	size_t len;
	int rc;

	if (a == NULL)
		return 0;
	if (strncasecmp(a, "Bearer ", 7) == 0) {
		for (a += 7; *a == ' '; a++)
			;
		for (len = strlen(a); len > 0 && a[len - 1] == ' '; len--)
			;
		rc = len == 0 || len > DISPATCH_TOKEN_MAX ? -1 :
		    dispatch_authenticate(&x->cl, a, len);
	} else
		rc = -3;
	if (rc == 0)
		return 0;
	add_cors(req);
	if (rc == -2) {
		char after[16];

		snprintf(after, sizeof(after), "%d", server.cfg.hello_pause_s);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", after);
		httpd_send_rpc_error(h, req, 429, "Too Many Requests", RPC_BUSY,
		    "too many failed hellos from this address: retry later",
		    json_pack("{s:i}", "retry_after_s",
		    server.cfg.hello_pause_s));
		return 429;
	}
	log_info("conn %llu: %s from %s", (unsigned long long)x->cl.id,
	    rc == -3 ? "an Authorization header that is not Bearer" :
	    "an unknown token", x->cl.peer);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	httpd_send_rpc_error(h, req, 401, "Unauthorized", RPC_UNAUTHORIZED,
	    rc == -3 ? "expected Authorization: Bearer TOKEN" :
	    "invalid token", NULL);
	return 401;
}

static void
serve_rpc(struct gateway *gw, struct httpd *h, struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct httpd_peer peer;
	struct exchange *x;
	char key[160], msg[128];
	const char *body;
	size_t len;

	if (cmd == EVHTTP_REQ_OPTIONS && server.cfg.http_cors_origin[0]) {
		preflight(h, req, "POST");
		return;
	}
	add_cors(req);
	if (cmd != EVHTTP_REQ_POST) {
		not_allowed(h, req, server.cfg.http_cors_origin[0] ?
		    "POST, OPTIONS" : "POST");
		return;
	}
	if (!content_is_json(evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type"))) {
		httpd_send_text(h, req, 415, "Unsupported Media Type",
		    "send the JSON-RPC request as application/json\n");
		return;
	}
	if (httpd_peer_of(h, req, &peer) == -1 ||
	    (x = exchange_new(gw, h, req, &peer)) == NULL) {
		httpd_send_text(h, req, 503, "Service Unavailable",
		    "out of memory\n");
		return;
	}
	if (authorize(x, h, req) != 0) {
		x->req = NULL;
		exchange_free(gw, x);
		return;
	}
	len = evbuffer_get_length(in);
	if (x->cl.role == ROLE_ANON && len > server.cfg.anon_max_line_bytes) {
		snprintf(msg, sizeof(msg), "request body too large (the limit "
		    "without a token is %zu bytes)\n",
		    server.cfg.anon_max_line_bytes);
		x->req = NULL;
		exchange_free(gw, x);
		httpd_send_text(h, req, 413, "Payload Too Large", msg);
		return;
	}
	bucket_key(x, key, sizeof(key));
	body = len > 0 ? (const char *)evbuffer_pullup(in, -1) : "";
	if ((x->cl.bucket = bucket_of(gw, key)) == NULL || body == NULL) {
		x->req = NULL;
		exchange_free(gw, x);
		httpd_send_text(h, req, 503, "Service Unavailable",
		    "out of memory\n");
		return;
	}
	log_debug("conn %llu: POST /rpc from %s", (unsigned long long)x->cl.id,
	    x->cl.peer);
	x->dispatching = true;
	dispatch_line(&x->cl, body, len);
	x->dispatching = false;
	x->cl.bucket = NULL;
	evbuffer_drain(in, len);
	progress(x);
}

/* ---- /qr.svg, /qr.txt -------------------------------------------------- */

/*
 * A QR code of chosen postings (qr.h), for a kiosk or staff token: its
 * text (/qr.txt) or its SVG (/qr.svg), never cached.
 */
static void
serve_qr(struct gateway *gw, struct httpd *h, struct evhttp_request *req,
    bool svg)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	struct httpd_peer peer;
	struct exchange *x;
	char fair[ID_MAX + 1], key[160];
	enum role role;
	int n;

	if (cmd == EVHTTP_REQ_OPTIONS && server.cfg.http_cors_origin[0]) {
		preflight(h, req, "GET");
		return;
	}
	add_cors(req);
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		not_allowed(h, req, server.cfg.http_cors_origin[0] ?
		    "GET, HEAD, OPTIONS" : "GET, HEAD");
		return;
	}
	if (httpd_peer_of(h, req, &peer) == -1 ||
	    (x = exchange_new(gw, h, req, &peer)) == NULL) {
		httpd_send_text(h, req, 503, "Service Unavailable",
		    "out of memory\n");
		return;
	}
	n = authorize(x, h, req);
	if (n == 0 && x->cl.role != ROLE_KIOSK && x->cl.role != ROLE_STAFF) {
		evhttp_add_header(oh, "WWW-Authenticate", "Bearer");
		httpd_send_rpc_error(h, req, 401, "Unauthorized", RPC_UNAUTHORIZED,
		    "a kiosk or staff token is needed", NULL);
		n = 401;
	}
	/* a code is made on the loop: it counts in the request rate of the
	 * token and address, as a request to /rpc does */
	if (n == 0) {
		int64_t wait_ms;

		bucket_key(x, key, sizeof(key));
		if ((x->cl.bucket = bucket_of(gw, key)) == NULL) {
			httpd_send_text(h, req, 503, "Service Unavailable",
			    "out of memory\n");
			n = 503;
		} else if ((wait_ms = dispatch_rate_take(&x->cl, 1)) > 0) {
			char after[16];

			snprintf(after, sizeof(after), "%lld",
			    (long long)(wait_ms + 999) / 1000);
			evhttp_add_header(oh, "Retry-After", after);
			httpd_send_rpc_error(h, req, 429, "Too Many Requests",
			    RPC_BUSY, "request rate limit: retry later",
			    json_pack("{s:I, s:I}", "max_request_rate",
			    (json_int_t)dispatch_rate_of(x->cl.role),
			    "retry_after_ms", (json_int_t)wait_ms));
			n = 429;
		}
		x->cl.bucket = NULL;
	}
	role = x->cl.role;
	memcpy(fair, x->cl.fair_id, sizeof(fair));
	x->req = NULL;
	exchange_free(gw, x);
	if (n != 0)
		return;
	qrpage_answer(h, req, svg, role, fair);
}

/* ---- /jobs.jsonld, /jobs/EMP/ID.jsonld ----------------------------------- */

/*
 * The open postings as schema.org JobPosting JSON-LD, for anyone (they
 * are public): one posting, or a page of them. The request goes through
 * the dispatcher as a kiosk's job.get or job.list would, counted in the
 * rate of the client's address.
 */
static void
serve_jsonld(struct gateway *gw, struct httpd *h, struct evhttp_request *req,
    const char *path)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct httpd_peer peer;
	struct exchange *x;
	char line[512], key[160];
	int rc;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		not_allowed(h, req, "GET, HEAD");
		return;
	}
	if (!server.mirror_loaded) {
		httpd_send_text(h, req, 503, "Service Unavailable",
		    "not ready: loading the mirror from Redis; retry later\n");
		return;
	}
	if ((rc = feed_line(path, uri != NULL ? evhttp_uri_get_query(uri) :
	    NULL, line, sizeof(line))) != 0) {
		if (rc == HTTP_NOTFOUND)
			httpd_send_text(h, req, rc, "Not Found",
			    "not an open posting\n");
		else
			httpd_send_text(h, req, rc, "Bad Request",
			    "after: expected EMPLOYER:ID\n");
		return;
	}
	if (httpd_peer_of(h, req, &peer) == -1 ||
	    (x = exchange_new(gw, h, req, &peer)) == NULL) {
		httpd_send_text(h, req, 503, "Service Unavailable",
		    "out of memory\n");
		return;
	}
	x->cl.role = ROLE_KIOSK;
	x->jsonld = true;
	snprintf(key, sizeof(key), "- %s", x->cl.addr);
	if ((x->cl.bucket = bucket_of(gw, key)) == NULL) {
		x->req = NULL;
		exchange_free(gw, x);
		httpd_send_text(h, req, 503, "Service Unavailable",
		    "out of memory\n");
		return;
	}
	x->dispatching = true;
	dispatch_line(&x->cl, line, strlen(line));
	x->dispatching = false;
	x->cl.bucket = NULL;
	progress(x);
}

/* ---- the kiosk's files ------------------------------------------------- */

static void
serve_file(struct gateway *gw, struct httpd *h, struct evhttp_request *req,
    const char *path)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	const struct kiosk_file *f;
	const char *inm;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		not_allowed(h, req, "GET, HEAD");
		return;
	}
	if ((f = kiosk_find(gw->files, path)) == NULL) {
		httpd_send_text(h, req, HTTP_NOTFOUND, "Not Found",
		    "not found\n");
		return;
	}
	evhttp_add_header(oh, "ETag", f->etag);
	evhttp_add_header(oh, "Cache-Control", "no-cache");
	inm = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "If-None-Match");
	if (inm != NULL && kiosk_etag_matches(inm, f->etag)) {
		httpd_send(h, req, 304, "Not Modified");
		return;
	}
	evhttp_add_header(oh, "Content-Type", f->type);
	evbuffer_add(evhttp_request_get_output_buffer(req), f->data, f->len);
	httpd_send(h, req, HTTP_OK, "OK");
}

/* ---- the listeners ---------------------------------------------------- */

static void
handle(struct httpd *h, struct evhttp_request *req, void *arg)
{
	struct gateway *gw = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;

	if (server.stopping) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		httpd_send_text(h, req, 503, "Service Unavailable",
		    "stopping\n");
		return;
	}
	if (path == NULL || path[0] == '\0')
		path = "/";
	if (strcmp(path, "/rpc") == 0)
		serve_rpc(gw, h, req);
	else if (strcmp(path, "/qr.svg") == 0 || strcmp(path, "/qr.txt") == 0)
		serve_qr(gw, h, req, path[4] == 's');
	else if (strcmp(path, "/jobs.jsonld") == 0 ||
	    strncmp(path, "/jobs/", 6) == 0)
		serve_jsonld(gw, h, req, path);
	else
		serve_file(gw, h, req, path);
}

/* Reads kiosk_dir into gw, keeping what it had when that fails. */
static void
load_files(struct gateway *gw, bool reload)
{
	struct kiosk *k;
	char why[PATH_MAX + 128];

	if ((k = kiosk_load(server.cfg.kiosk_dir, server.cfg.kiosk_max_bytes,
	    why, sizeof(why))) == NULL) {
		log_warnx("kiosk_dir %s: %s; %s", server.cfg.kiosk_dir, why,
		    reload && gw->files != NULL ? "keeping the files read "
		    "before" : "no kiosk page is served");
		return;
	}
	kiosk_free(gw->files);
	gw->files = k;
	log_info("kiosk_dir %s: %zu files", server.cfg.kiosk_dir,
	    kiosk_count(k));
}

static void
log_url(const char *scheme, const struct hostport *hp)
{
	bool v6 = strchr(hp->host, ':') != NULL;

	log_info("gateway on %s://%s%s%s:%d/", scheme, v6 ? "[" : "",
	    hp->host, v6 ? "]" : "", hp->port);
}

int
gateway_start(void)
{
	struct gateway *gw;
	struct httpd_limits lim = {
		.max_conns = server.cfg.http_max_connections,
		.max_headers = server.cfg.http_max_header_bytes,
		.max_body = server.cfg.http_max_body_bytes,
		.timeout_s = server.cfg.http_timeout_s,
		.deadline_s = server.cfg.http_deadline_s,
	};

	if (server.cfg.http_listen.port == 0 &&
	    server.cfg.https_listen.port == 0)
		return 0;
	if ((gw = calloc(1, sizeof(*gw))) == NULL) {
		log_error("gateway: out of memory");
		return -1;
	}
	TAILQ_INIT(&gw->exchanges);
	strmap_init(&gw->buckets);
	server.gateway = gw;
	load_files(gw, false);
	if (server.cfg.http_listen.port != 0) {
		if ((gw->plain = httpd_open("http_listen",
		    &server.cfg.http_listen, NULL, &lim,
		    HTTPD_SECURITY_HEADERS, handle, gw)) == NULL)
			return -1;
		log_url("http", &server.cfg.http_listen);
	}
	if (server.cfg.https_listen.port != 0) {
		if ((gw->tls = httpd_open("https_listen",
		    &server.cfg.https_listen, server.tls_ctx, &lim,
		    HTTPD_SECURITY_HEADERS, handle, gw)) == NULL)
			return -1;
		log_url("https", &server.cfg.https_listen);
	}
	return 0;
}

void
gateway_unlisten(void)
{
	struct gateway *gw = server.gateway;

	if (gw == NULL)
		return;
	httpd_unlisten(gw->plain);
	httpd_unlisten(gw->tls);
}

size_t
gateway_pending(void)
{
	return server.gateway != NULL ? server.gateway->nexchanges : 0;
}

void
gateway_reload(void)
{
	if (server.gateway != NULL)
		load_files(server.gateway, true);
}

void
gateway_stop(void)
{
	struct gateway *gw = server.gateway;
	struct exchange *x;

	if (gw == NULL)
		return;
	while ((x = TAILQ_FIRST(&gw->exchanges)) != NULL)
		exchange_free(gw, x);
	httpd_close(gw->plain);
	httpd_close(gw->tls);
	kiosk_free(gw->files);
	strmap_each(&gw->buckets, free_bucket, NULL);
	strmap_free(&gw->buckets);
	free(gw);
	server.gateway = NULL;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * httpd.c - see httpd.h.
 *
 * Bounds: request headers max_headers bytes, bodies max_body bytes (a
 * longer one is answered 413 by evhttp), about max_headers + max_body +
 * HTTPD_SLACK bytes read ahead of evhttp's parser, timeout_s seconds
 * between two reads or writes (evhttp's timeout, which every byte
 * restarts), and deadline_s seconds for a whole exchange however slowly it
 * trickles: from the accept, or from the previous answer on a kept-alive
 * connection, until the answer is taken. At most max_conns connections at
 * once; more are closed at once, unanswered. libevent 2.1's evhttp has
 * neither bound (evhttp_set_max_connections came in 2.2), so the listener
 * makes each connection's bufferevent itself and keeps an eye on it
 * (struct http_conn). Out of descriptors, it stops accepting for a moment
 * rather than spin.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "daemon/clock.h"
#include "daemon/conn.h"
#include "daemon/httpd.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "proto/rpc.h"
#include "daemon/server.h"

#define HTTPD_SLACK		65536	/* read ahead beyond a request */
#define HTTPD_SWEEP_MS		250
#define HTTPD_LOG_EVERY_S	10
#define HTTPD_PAUSE_MS		100

#define US(s)			((int64_t)(s) * 1000000)

/*
 * One connection of the listener, seen through its bufferevent. evhttp owns
 * the connection; conn_new (evhttp's bevcb) made its bufferevent and took a
 * second reference on it, so that the bufferevent, and its socket (closed by
 * the last reference: BEV_OPT_CLOSE_ON_FREE), outlive evhttp's use of them
 * until conn_forget lets go. What this relies on, as libevent 2.1.12 does it
 * (http.c, bufferevent.c; checked by tests/integration/test_metrics.py and
 * test_gateway.py):
 *  - evhttp_connection_free() ends in bufferevent_free(), which clears all
 *    three callbacks and drops evhttp's reference; with ours held nothing is
 *    freed, and evhttp leaves closing the socket to CLOSE_ON_FREE;
 *  - as long as evhttp holds the connection, its event callback is set (its
 *    read callback tells nothing: evhttp clears it while writing an answer);
 *  - bufferevent_trigger_event() on a bufferevent without deferred callbacks
 *    runs evhttp_error_cb() at once, which for an error frees a server
 *    connection in any state, unanswered (at EOF instead, a request body
 *    without a length would be taken as complete); a request the handler
 *    still holds is let go of by the connection then, and freed when it is
 *    answered (evhttp_send_reply on a request without a connection);
 *  - the last bufferevent_decref() frees in the loop, by finalizers (or in
 *    event_base_free()), never under its caller;
 *  - an answer's status line is one addition to the output buffer
 *    (evhttp_make_header_response), before its headers: out_cb adds the
 *    common headers right behind it, for evhttp's own error pages too.
 */
struct http_conn {
	struct bufferevent	*bev;		/* one reference is ours */
	struct evbuffer_cb_entry *out;		/* out_cb on its output */
	struct httpd		*h;
	uint64_t		 id;
	int64_t			 opened_us;	/* accepted (mono_us) */
	int64_t			 since_us;	/* accepted, or last answered */
	bool			 refused;	/* beyond max_conns */
	struct http_conn	*next;
};

struct httpd {
	char				 name[32];	/* for the logs */
	struct httpd_limits		 lim;
	const char			*headers;	/* on every answer */
	struct ssl_ctx_st		*tls;
	httpd_handler			*fn;
	void				*arg;
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	struct event			*pause;	/* out of descriptors: wait */
	struct event			*sweep;	/* pending while conns is not
						 * empty; made active to close
						 * a refused one at once */
	struct http_conn		*conns;	/* newest first; released ones
						 * until the next sweep */
	unsigned			 n_refused; /* not logged yet */
	unsigned			 n_expired;
	unsigned			 n_flooded;
	int64_t				 logged_us;
	struct httpd			*next;	/* server.httpds */
};

/* True once evhttp freed the connection bev belonged to. */
static bool
conn_released(struct bufferevent *bev)
{
	bufferevent_event_cb eventcb;

	bufferevent_getcb(bev, NULL, NULL, &eventcb, NULL);
	return eventcb == NULL;
}

/* Unlinks *cp, released by evhttp, and drops our reference: the last one,
 * which frees the bufferevent in the loop and closes its socket. */
static void
conn_forget(struct http_conn **cp)
{
	struct http_conn *c = *cp;

	*cp = c->next;
	if (c->out != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(c->bev),
		    c->out);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	bufferevent_decref(c->bev);
	free(c);
}

/* Makes evhttp close and free the connection of a live c as it does on a
 * socket error. Never called from a callback of that connection. */
static void
conn_kill(struct http_conn *c)
{
	bufferevent_trigger_event(c->bev, BEV_EVENT_ERROR | BEV_EVENT_READING,
	    0);
}

/* Logs what the sweeps closed, at most every HTTPD_LOG_EVERY_S seconds
 * (and when the last connection is gone): a flood is one line. */
static void
sweep_log(struct httpd *h, int64_t now)
{
	if (h->n_refused == 0 && h->n_expired == 0 && h->n_flooded == 0)
		return;
	if (h->conns != NULL && now - h->logged_us < US(HTTPD_LOG_EVERY_S))
		return;
	if (h->n_refused > 0)
		log_warnx("%s: refused %u connections: %zu open already",
		    h->name, h->n_refused, h->lim.max_conns);
	if (h->n_expired > 0)
		log_warnx("%s: closed %u connections that took over %d s",
		    h->name, h->n_expired, h->lim.deadline_s);
	if (h->n_flooded > 0)
		log_warnx("%s: closed %u connections that sent over %zu bytes "
		    "ahead", h->name, h->n_flooded, h->lim.max_headers +
		    h->lim.max_body + HTTPD_SLACK);
	h->n_refused = h->n_expired = h->n_flooded = 0;
	h->logged_us = now;
}

/* Why c, not released yet, is to be closed now: a counter of h to add it
 * to, or NULL to keep it. */
static unsigned *
conn_doomed(struct httpd *h, struct http_conn *c, int64_t now)
{
	if (c->refused)
		return &h->n_refused;
	if (now - c->since_us >= US(h->lim.deadline_s))
		return &h->n_expired;
	/* Unparsed input: evhttp reads on while it writes an answer, and
	 * waits for the end of a chunk's size line however long it is. A
	 * request fits in far less (max_headers + max_body). */
	if (evbuffer_get_length(bufferevent_get_input(c->bev)) >
	    h->lim.max_headers + h->lim.max_body + HTTPD_SLACK)
		return &h->n_flooded;
	return NULL;
}

/* Every HTTPD_SWEEP_MS while there are connections, and at once when one
 * is refused: closes the refused ones, those past their deadline and those
 * flooding their input; lets go of those evhttp is done with. */
static void
sweep(evutil_socket_t fd, short ev, void *arg)
{
	struct httpd *h = arg;
	struct http_conn **cp, *c;
	struct timeval tv = { 0, HTTPD_SWEEP_MS * 1000 };
	int64_t now = mono_us();
	unsigned *counter;

	(void)fd;
	(void)ev;
	for (cp = &h->conns; (c = *cp) != NULL; ) {
		if (!conn_released(c->bev) &&
		    (counter = conn_doomed(h, c, now)) != NULL) {
			(*counter)++;
			conn_kill(c);
		}
		if (conn_released(c->bev))
			conn_forget(cp);
		else
			cp = &c->next;
	}
	sweep_log(h, now);
	if (h->conns != NULL)
		evtimer_add(h->sweep, &tv);
}

/*
 * The output buffer of a connection grew: when what was added is the
 * status line of an answer (ours or evhttp's own), the common headers
 * follow it. What this adds comes back here, and is no status line.
 */
static void
out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct http_conn *c = arg;
	struct evbuffer_ptr at;
	char head[8];

	if (info->n_added < sizeof(head) || c->h->headers == NULL ||
	    evbuffer_ptr_set(buf, &at, info->orig_size,
	    EVBUFFER_PTR_SET) == -1 ||
	    evbuffer_copyout_from(buf, &at, head, sizeof(head)) !=
	    (ev_ssize_t)sizeof(head) || memcmp(head, "HTTP/1.", 7) != 0)
		return;
	evbuffer_add(buf, c->h->headers, strlen(c->h->headers));
}

/*
 * evhttp's bevcb, called for each accepted connection before evhttp sets
 * it up (in the listener's callback): the bufferevent of the connection,
 * watched as above. Beyond max_conns live ones, the new one is marked
 * refused and the sweep is made active, to close it as soon as this
 * callback has returned. NULL when out of memory: evhttp then makes a
 * bufferevent of its own, which only evhttp's timeout watches.
 */
static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct httpd *h = arg;
	struct http_conn **cp, *c;
	struct timeval tv = { 0, HTTPD_SWEEP_MS * 1000 };
	size_t live = 0;
	SSL *ssl = NULL;

	for (cp = &h->conns; (c = *cp) != NULL; ) {
		if (conn_released(c->bev)) {
			conn_forget(cp);
		} else {
			live++;
			cp = &c->next;
		}
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto oom;
	if (h->tls != NULL) {
		if ((ssl = SSL_new(h->tls)) == NULL ||
		    (c->bev = bufferevent_openssl_socket_new(base, -1, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE)) == NULL)
			goto oom;
		/* A client that closes without TLS's close_notify ends its
		 * side as at EOF, not with an error. */
		bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	} else if ((c->bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		goto oom;
	c->h = h;
	c->out = evbuffer_add_cb(bufferevent_get_output(c->bev), out_cb, c);
	if (c->out == NULL) {
		bufferevent_free(c->bev);
		goto oom;
	}
	bufferevent_incref(c->bev);
	c->id = ++server.next_conn_id;
	c->opened_us = c->since_us = mono_us();
	c->refused = live >= h->lim.max_conns;
	c->next = h->conns;
	h->conns = c;
	if (c->refused)
		event_active(h->sweep, EV_TIMEOUT, 1);
	else if (!evtimer_pending(h->sweep, NULL))
		evtimer_add(h->sweep, &tv);
	return c->bev;
oom:
	if (c == NULL || c->bev == NULL)
		SSL_free(ssl);
	free(c);
	log_warnx("%s: out of memory", h->name);
	return NULL;
}

/* The watched connection req came on, or NULL. */
static struct http_conn *
conn_of(struct httpd *h, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	struct http_conn *c;

	if (evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return NULL;
	for (c = h->conns; c != NULL && c->bev != bev; c = c->next)
		;
	return c;
}

int
httpd_peer_of(struct httpd *h, struct evhttp_request *req,
    struct httpd_peer *out)
{
	struct http_conn *c = conn_of(h, req);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (c == NULL || getpeername(bufferevent_getfd(c->bev),
	    (struct sockaddr *)&ss, &len) == -1)
		return -1;
	out->id = c->id;
	conn_peer_name((struct sockaddr *)&ss, out->peer, sizeof(out->peer),
	    out->addr, sizeof(out->addr));
	return 0;
}

/* req is being answered: the connection's next exchange starts now. One
 * open for over deadline_s is not kept alive after this answer, so that a
 * client sending requests back to back cannot keep it forever. */
static void
conn_answered(struct httpd *h, struct evhttp_request *req)
{
	struct http_conn *c = conn_of(h, req);
	int64_t now;

	if (c == NULL)
		return;
	now = mono_us();
	c->since_us = now;
	if (now - c->opened_us >= US(h->lim.deadline_s)) {
		/* (and no HTTP/1.0 "Connection: keep-alive" echoed besides) */
		evhttp_remove_header(evhttp_request_get_input_headers(req),
		    "Connection");
		evhttp_remove_header(evhttp_request_get_output_headers(req),
		    "Connection");
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
	}
}

/*
 * For HEAD, the headers alone, with the Content-Length a GET would have:
 * evhttp 2.1 adds none for HEAD yet would send the body after the
 * headers, where a client keeping the connection would read it as the
 * start of the next answer.
 */
void
httpd_send(struct httpd *h, struct evhttp_request *req, int code,
    const char *reason)
{
	struct evbuffer *body = evhttp_request_get_output_buffer(req);
	size_t len = evbuffer_get_length(body);
	char cl[24];

	conn_answered(h, req);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(cl, sizeof(cl), "%zu", len);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Length", cl);
		evbuffer_drain(body, len);
	}
	evhttp_send_reply(req, code, reason, NULL);
}

void
httpd_send_text(struct httpd *h, struct evhttp_request *req, int code,
    const char *reason, const char *text)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);

	evhttp_add_header(oh, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	evbuffer_add(evhttp_request_get_output_buffer(req), text,
	    strlen(text));
	httpd_send(h, req, code, reason);
}

static void
handle(struct evhttp_request *req, void *arg)
{
	struct httpd *h = arg;

	h->fn(h, req, h->arg);
}

static void
accept_resume(evutil_socket_t fd, short ev, void *arg)
{
	struct httpd *h = arg;

	(void)fd;
	(void)ev;
	if (!server.stopping && h->bound != NULL)
		evconnlistener_enable(evhttp_bound_socket_get_listener(
		    h->bound));
}

/* As conn.c does for the protocol's listeners: out of descriptors, pause
 * instead of being called again at once, forever. arg is the listener's
 * own argument, which is evhttp's: ours is the open one whose listener
 * lis is. */
static void
accept_error(struct evconnlistener *lis, void *arg)
{
	struct httpd *h;
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = { 0, HTTPD_PAUSE_MS * 1000 };

	(void)arg;
	for (h = server.httpds; h != NULL && (h->bound == NULL ||
	    evhttp_bound_socket_get_listener(h->bound) != lis); h = h->next)
		;
	if (h == NULL)
		return;
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		log_warn("%s: accept", h->name);
		return;
	}
	if (evtimer_pending(h->pause, NULL))
		return;
	log_warnx("%s: accept: %s: not accepting for %d ms", h->name,
	    evutil_socket_error_to_string(err), HTTPD_PAUSE_MS);
	metrics_accept_paused();
	evconnlistener_disable(lis);
	evtimer_add(h->pause, &tv);
}

/* Frees what httpd_open made of h, listener and connections included. */
static void
httpd_free(struct httpd *h)
{
	if (h->pause != NULL)
		event_free(h->pause);
	if (h->evh != NULL)
		evhttp_free(h->evh);	/* its listener and connections too */
	while (h->conns != NULL)	/* all released now */
		conn_forget(&h->conns);
	if (h->sweep != NULL)
		event_free(h->sweep);
	free(h);
}

struct httpd *
httpd_open(const char *name, const struct hostport *hp,
    struct ssl_ctx_st *tls, const struct httpd_limits *lim,
    const char *headers, httpd_handler *fn, void *arg)
{
	struct httpd *h;

	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->evh = evhttp_new(server.base)) == NULL ||
	    (h->pause = evtimer_new(server.base, accept_resume, h)) == NULL ||
	    (h->sweep = evtimer_new(server.base, sweep, h)) == NULL) {
		log_error("%s: out of memory", name);
		goto fail;
	}
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->lim = *lim;
	h->headers = headers;
	h->tls = tls;
	h->fn = fn;
	h->arg = arg;
	evhttp_set_max_headers_size(h->evh, (ev_ssize_t)lim->max_headers);
	evhttp_set_max_body_size(h->evh, (ev_ssize_t)lim->max_body);
	evhttp_set_timeout(h->evh, lim->timeout_s);
	/* Every method reaches the handler, which answers 405 itself. */
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_bevcb(h->evh, conn_new, h);
	evhttp_set_gencb(h->evh, handle, h);
	h->logged_us = mono_us() - US(HTTPD_LOG_EVERY_S);
	errno = 0;
	if ((h->bound = evhttp_bind_socket_with_handle(h->evh, hp->host,
	    (ev_uint16_t)hp->port)) == NULL) {
		log_error("%s %s:%d: %s", name, hp->host, hp->port,
		    errno != 0 ? strerror(errno) : "cannot listen");
		goto fail;
	}
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(h->bound),
	    accept_error);
	h->next = server.httpds;
	server.httpds = h;
	return h;
fail:
	if (h != NULL)
		httpd_free(h);
	return NULL;
}

void
httpd_unlisten(struct httpd *h)
{
	if (h == NULL || h->bound == NULL)
		return;
	evhttp_del_accept_socket(h->evh, h->bound);
	h->bound = NULL;
}

void
httpd_close(struct httpd *h)
{
	struct httpd **hp;

	if (h == NULL)
		return;
	for (hp = &server.httpds; *hp != NULL && *hp != h; hp = &(*hp)->next)
		;
	if (*hp == h)
		*hp = h->next;
	httpd_free(h);
}

/* Answers code with a JSON-RPC error (id null) as its body. */
void
httpd_send_rpc_error(struct httpd *h, struct evhttp_request *req, int code,
    const char *reason, int rpc_code, const char *message, json_t *data)
{
	json_t *resp = rpc_error(NULL, rpc_code, message, data);
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	char *body;
	size_t len = 0;

	body = resp != NULL ? rpc_dump(resp, &len) : NULL;
	json_decref(resp);
	evhttp_add_header(oh, "Content-Type", "application/json");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	if (body != NULL)	/* without its newline */
		evbuffer_add(evhttp_request_get_output_buffer(req), body,
		    len - 1);
	free(body);
	httpd_send(h, req, code, reason);
}

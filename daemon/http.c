/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * http.c - see http.h.
 *
 * Bounds: request headers HTTP_MAX_HEADERS bytes, bodies HTTP_MAX_BODY
 * bytes (none is read: a longer one is answered 413 by evhttp), about
 * HTTP_MAX_INPUT bytes read ahead of evhttp's parser, HTTP_TIMEOUT_S
 * seconds between two reads or writes (evhttp's timeout, which every byte
 * restarts), and HTTP_DEADLINE_S seconds for a whole exchange however
 * slowly it trickles: from the accept, or from the previous answer on a
 * kept-alive connection, until the answer is taken. At most HTTP_MAX_CONNS
 * connections at once; more are closed at once, unanswered. libevent 2.1's
 * evhttp has neither bound (evhttp_set_max_connections came in 2.2), so the
 * listener makes each connection's bufferevent itself and keeps an eye on
 * it (struct http_conn). Out of descriptors, it stops accepting for a
 * moment rather than spin.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "daemon/clock.h"
#include "daemon/http.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/server.h"

#define HTTP_MAX_HEADERS	8192
#define HTTP_MAX_BODY		1024
#define HTTP_MAX_INPUT		65536	/* unparsed, read ahead */
/* metrics_timeout_s and metrics_max_connections of the config */
#define HTTP_TIMEOUT_S		server.cfg.metrics_timeout_s
#define HTTP_DEADLINE_S		server.cfg.metrics_timeout_s
#define HTTP_MAX_CONNS		server.cfg.metrics_max_connections
#define HTTP_SWEEP_MS		250
#define HTTP_LOG_EVERY_S	10
#define HTTP_PAUSE_MS		100

#define US(s)			((int64_t)(s) * 1000000)

/*
 * One connection of the listener, seen through its bufferevent. evhttp owns
 * the connection; conn_new (evhttp's bevcb) made its bufferevent and took a
 * second reference on it, so that the bufferevent, and its socket (closed by
 * the last reference: BEV_OPT_CLOSE_ON_FREE), outlive evhttp's use of them
 * until conn_forget lets go. What this relies on, as libevent 2.1.12 does it
 * (http.c, bufferevent.c; checked by tests/integration/test_metrics.py):
 *  - evhttp_connection_free() ends in bufferevent_free(), which clears all
 *    three callbacks and drops evhttp's reference; with ours held nothing is
 *    freed, and evhttp leaves closing the socket to CLOSE_ON_FREE;
 *  - as long as evhttp holds the connection, its event callback is set (its
 *    read callback tells nothing: evhttp clears it while writing an answer);
 *  - bufferevent_trigger_event() on a bufferevent without deferred callbacks
 *    runs evhttp_error_cb() at once, which for an error frees a server
 *    connection in any state, unanswered (at EOF instead, a request body
 *    without a length would be taken as complete);
 *  - the last bufferevent_decref() frees in the loop, by finalizers (or in
 *    event_base_free()), never under its caller.
 */
struct http_conn {
	struct bufferevent	*bev;		/* one reference is ours */
	int64_t			 opened_us;	/* accepted (mono_us) */
	int64_t			 since_us;	/* accepted, or last answered */
	bool			 refused;	/* beyond HTTP_MAX_CONNS */
	struct http_conn	*next;
};

struct http {
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

/* Logs what the sweeps closed, at most every HTTP_LOG_EVERY_S seconds
 * (and when the last connection is gone): a flood is one line. */
static void
sweep_log(struct http *h, int64_t now)
{
	if (h->n_refused == 0 && h->n_expired == 0 && h->n_flooded == 0)
		return;
	if (h->conns != NULL && now - h->logged_us < US(HTTP_LOG_EVERY_S))
		return;
	if (h->n_refused > 0)
		log_warnx("metrics_listen: refused %u connections: %zu open "
		    "already", h->n_refused, HTTP_MAX_CONNS);
	if (h->n_expired > 0)
		log_warnx("metrics_listen: closed %u connections that took "
		    "over %d s", h->n_expired, HTTP_DEADLINE_S);
	if (h->n_flooded > 0)
		log_warnx("metrics_listen: closed %u connections that sent "
		    "over %d bytes ahead", h->n_flooded, HTTP_MAX_INPUT);
	h->n_refused = h->n_expired = h->n_flooded = 0;
	h->logged_us = now;
}

/* Why c, not released yet, is to be closed now: a counter of h to add it
 * to, or NULL to keep it. */
static unsigned *
conn_doomed(struct http *h, struct http_conn *c, int64_t now)
{
	if (c->refused)
		return &h->n_refused;
	if (now - c->since_us >= US(HTTP_DEADLINE_S))
		return &h->n_expired;
	/* Unparsed input: evhttp reads on while it writes an answer, and
	 * waits for the end of a chunk's size line however long it is. A
	 * request fits in far less (HTTP_MAX_HEADERS + HTTP_MAX_BODY). */
	if (evbuffer_get_length(bufferevent_get_input(c->bev)) >
	    HTTP_MAX_INPUT)
		return &h->n_flooded;
	return NULL;
}

/* Every HTTP_SWEEP_MS while there are connections, and at once when one is
 * refused: closes the refused ones, those past their deadline and those
 * flooding their input; lets go of those evhttp is done with. */
static void
sweep(evutil_socket_t fd, short ev, void *arg)
{
	struct http *h = arg;
	struct http_conn **cp, *c;
	struct timeval tv = { 0, HTTP_SWEEP_MS * 1000 };
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
 * evhttp's bevcb, called for each accepted connection before evhttp sets
 * it up (in the listener's callback): the bufferevent of the connection,
 * watched as above. Beyond HTTP_MAX_CONNS live ones, the new one is marked
 * refused and the sweep is made active, to close it as soon as this
 * callback has returned. NULL when out of memory: evhttp then makes a
 * bufferevent of its own, which only evhttp's timeout watches.
 */
static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct http_conn **cp, *c;
	struct timeval tv = { 0, HTTP_SWEEP_MS * 1000 };
	size_t live = 0;

	for (cp = &h->conns; (c = *cp) != NULL; ) {
		if (conn_released(c->bev)) {
			conn_forget(cp);
		} else {
			live++;
			cp = &c->next;
		}
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		log_warnx("metrics_listen: out of memory");
		free(c);
		return NULL;
	}
	bufferevent_incref(c->bev);
	c->opened_us = c->since_us = mono_us();
	c->refused = live >= HTTP_MAX_CONNS;
	c->next = h->conns;
	h->conns = c;
	if (c->refused)
		event_active(h->sweep, EV_TIMEOUT, 1);
	else if (!evtimer_pending(h->sweep, NULL))
		evtimer_add(h->sweep, &tv);
	return c->bev;
}

/* req is being answered: the connection's next exchange starts now. One
 * open for over HTTP_DEADLINE_S is not kept alive after this answer, so
 * that a client sending requests back to back cannot keep it forever. */
static void
conn_answered(struct http *h, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	struct http_conn *c;
	int64_t now;

	if (evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL)
		return;
	for (c = h->conns; c != NULL && c->bev != bev; c = c->next)
		;
	if (c == NULL)
		return;
	now = mono_us();
	c->since_us = now;
	if (now - c->opened_us >= US(HTTP_DEADLINE_S)) {
		/* (and no HTTP/1.0 "Connection: keep-alive" echoed besides) */
		evhttp_remove_header(evhttp_request_get_input_headers(req),
		    "Connection");
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
	}
}

/*
 * Sends req's answer, whose body is in its output buffer. For HEAD, the
 * headers alone, with the Content-Length a GET would have: evhttp 2.1 adds
 * none for HEAD yet would send the body after the headers, where a client
 * keeping the connection would read it as the start of the next answer.
 */
static void
send_reply(struct http *h, struct evhttp_request *req, int code,
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

/* Answers code with a one-line text body (none for HEAD). */
static void
reply_text(struct http *h, struct evhttp_request *req, int code,
    const char *reason, const char *text)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);

	evhttp_add_header(oh, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	evbuffer_add(evhttp_request_get_output_buffer(req), text,
	    strlen(text));
	send_reply(h, req, code, reason);
}

static void
serve_metrics(struct http *h, struct evhttp_request *req)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);

	evhttp_add_header(oh, "Content-Type", "text/plain; version=0.0.4; "
	    "charset=utf-8");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	metrics_write(evhttp_request_get_output_buffer(req));
	send_reply(h, req, HTTP_OK, "OK");
}

static void
serve_healthz(struct http *h, struct evhttp_request *req)
{
	const char *why;
	char line[320];		/* why: at most 256 bytes */

	if (metrics_ready(&why)) {
		reply_text(h, req, HTTP_OK, "OK", "ok\n");
		return;
	}
	snprintf(line, sizeof(line), "%s\n", why);
	reply_text(h, req, 503, "Service Unavailable", line);
}

static void
handle(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	bool metrics, healthz;

	metrics = path != NULL && strcmp(path, "/metrics") == 0;
	healthz = path != NULL && strcmp(path, "/healthz") == 0;
	if (!metrics && !healthz) {
		reply_text(h, req, HTTP_NOTFOUND, "Not Found", "not found\n");
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		reply_text(h, req, HTTP_BADMETHOD, "Method Not Allowed",
		    "method not allowed\n");
		return;
	}
	if (metrics)
		serve_metrics(h, req);
	else
		serve_healthz(h, req);
}

static void
accept_resume(evutil_socket_t fd, short ev, void *arg)
{
	struct http *h = arg;

	(void)fd;
	(void)ev;
	if (!server.stopping)
		evconnlistener_enable(evhttp_bound_socket_get_listener(
		    h->bound));
}

/* As conn.c does for the protocol's listeners: out of descriptors, pause
 * instead of being called again at once, forever. arg is the listener's own
 * argument, which is evhttp's: ours is server.http. */
static void
accept_error(struct evconnlistener *lis, void *arg)
{
	struct http *h = server.http;
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = { 0, HTTP_PAUSE_MS * 1000 };

	(void)arg;
	if (h == NULL)
		return;
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		log_warn("metrics_listen: accept");
		return;
	}
	if (evtimer_pending(h->pause, NULL))
		return;
	log_warnx("metrics_listen: accept: %s: not accepting for %d ms",
	    evutil_socket_error_to_string(err), HTTP_PAUSE_MS);
	metrics_accept_paused();
	evconnlistener_disable(lis);
	evtimer_add(h->pause, &tv);
}

int
http_start(void)
{
	const struct hostport *hp = &server.cfg.metrics_listen;
	struct http *h;

	if (hp->port == 0)
		return 0;
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->evh = evhttp_new(server.base)) == NULL ||
	    (h->pause = evtimer_new(server.base, accept_resume, h)) == NULL ||
	    (h->sweep = evtimer_new(server.base, sweep, h)) == NULL) {
		log_error("metrics_listen: out of memory");
		goto fail;
	}
	evhttp_set_max_headers_size(h->evh, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(h->evh, HTTP_MAX_BODY);
	evhttp_set_timeout(h->evh, HTTP_TIMEOUT_S);
	/* Every method reaches handle(), which answers 405 itself. */
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_bevcb(h->evh, conn_new, h);
	evhttp_set_gencb(h->evh, handle, h);
	h->logged_us = mono_us() - US(HTTP_LOG_EVERY_S);
	errno = 0;
	if ((h->bound = evhttp_bind_socket_with_handle(h->evh, hp->host,
	    (ev_uint16_t)hp->port)) == NULL) {
		log_error("metrics_listen %s:%d: %s", hp->host, hp->port,
		    errno != 0 ? strerror(errno) : "cannot listen");
		goto fail;
	}
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(h->bound),
	    accept_error);
	server.http = h;
	log_info("metrics on http://%s%s%s:%d/metrics",
	    strchr(hp->host, ':') != NULL ? "[" : "", hp->host,
	    strchr(hp->host, ':') != NULL ? "]" : "", hp->port);
	return 0;
fail:
	if (h != NULL) {
		if (h->pause != NULL)
			event_free(h->pause);
		if (h->sweep != NULL)
			event_free(h->sweep);
		if (h->evh != NULL)
			evhttp_free(h->evh);
		free(h);
	}
	return -1;
}

void
http_stop(void)
{
	struct http *h = server.http;

	if (h == NULL)
		return;
	server.http = NULL;
	event_free(h->pause);
	evhttp_free(h->evh);		/* its listener and connections too */
	while (h->conns != NULL)	/* all released now */
		conn_forget(&h->conns);
	event_free(h->sweep);
	free(h);
}

/*
 * http.c - see http.h.
 *
 * Bounds: request headers HTTP_MAX_HEADERS bytes, bodies HTTP_MAX_BODY
 * bytes (none is read: a longer one is answered 413 by evhttp), and
 * HTTP_TIMEOUT_S seconds for a connection to send its request and take its
 * answer. libevent 2.1's evhttp has no cap on its connections (that came
 * in 2.2), so the listener is meant for a scraper on a trusted network;
 * out of descriptors, it stops accepting for a moment rather than spin.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "daemon/http.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/server.h"

#define HTTP_MAX_HEADERS	8192
#define HTTP_MAX_BODY		1024
#define HTTP_TIMEOUT_S		10
#define HTTP_PAUSE_MS		100

struct http {
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	struct event			*pause;	/* out of descriptors: wait */
};

/* Answers code with a one-line text body (none for HEAD). */
static void
reply_text(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);

	evhttp_add_header(oh, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	evbuffer_add(evhttp_request_get_output_buffer(req), text,
	    strlen(text));
	evhttp_send_reply(req, code, reason, NULL);
}

static void
serve_metrics(struct evhttp_request *req)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);

	evhttp_add_header(oh, "Content-Type", "text/plain; version=0.0.4; "
	    "charset=utf-8");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	metrics_write(evhttp_request_get_output_buffer(req));
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

static void
serve_healthz(struct evhttp_request *req)
{
	const char *why;
	char line[128];

	if (metrics_ready(&why)) {
		reply_text(req, HTTP_OK, "OK", "ok\n");
		return;
	}
	snprintf(line, sizeof(line), "%s\n", why);
	reply_text(req, 503, "Service Unavailable", line);
}

static void
handle(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	bool metrics, healthz;

	(void)arg;
	metrics = path != NULL && strcmp(path, "/metrics") == 0;
	healthz = path != NULL && strcmp(path, "/healthz") == 0;
	if (!metrics && !healthz) {
		reply_text(req, HTTP_NOTFOUND, "Not Found", "not found\n");
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		reply_text(req, HTTP_BADMETHOD, "Method Not Allowed",
		    "method not allowed\n");
		return;
	}
	if (metrics)
		serve_metrics(req);
	else
		serve_healthz(req);
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
	    (h->pause = evtimer_new(server.base, accept_resume, h)) == NULL) {
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
	evhttp_set_gencb(h->evh, handle, NULL);
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
	free(h);
}

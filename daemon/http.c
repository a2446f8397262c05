/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * http.c - see http.h. The listener is an httpd (httpd.h), which keeps
 * its bounds: request headers HTTP_MAX_HEADERS bytes, bodies
 * HTTP_MAX_BODY bytes (none is read: a longer one is answered 413 by
 * evhttp), metrics_timeout_s of silence and for one exchange,
 * metrics_max_connections at once.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/http.h"
#include "daemon/httpd.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/server.h"

#define HTTP_MAX_HEADERS	8192
#define HTTP_MAX_BODY		1024

static void
serve_metrics(struct httpd *h, struct evhttp_request *req)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);

	evhttp_add_header(oh, "Content-Type", "text/plain; version=0.0.4; "
	    "charset=utf-8");
	evhttp_add_header(oh, "Cache-Control", "no-store");
	metrics_write(evhttp_request_get_output_buffer(req));
	httpd_send(h, req, HTTP_OK, "OK");
}

static void
serve_healthz(struct httpd *h, struct evhttp_request *req)
{
	const char *why;
	char line[320];		/* why: at most 256 bytes */

	if (metrics_ready(&why)) {
		httpd_send_text(h, req, HTTP_OK, "OK", "ok\n");
		return;
	}
	snprintf(line, sizeof(line), "%s\n", why);
	httpd_send_text(h, req, 503, "Service Unavailable", line);
}

static void
handle(struct httpd *h, struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	bool metrics, healthz;

	(void)arg;
	metrics = path != NULL && strcmp(path, "/metrics") == 0;
	healthz = path != NULL && strcmp(path, "/healthz") == 0;
	if (!metrics && !healthz) {
		httpd_send_text(h, req, HTTP_NOTFOUND, "Not Found", "not found\n");
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		httpd_send_text(h, req, HTTP_BADMETHOD, "Method Not Allowed",
		    "method not allowed\n");
		return;
	}
	if (metrics)
		serve_metrics(h, req);
	else
		serve_healthz(h, req);
}

int
http_start(void)
{
	const struct hostport *hp = &server.cfg.metrics_listen;
	struct httpd_limits lim = {
		.max_conns = server.cfg.metrics_max_connections,
		.max_headers = HTTP_MAX_HEADERS,
		.max_body = HTTP_MAX_BODY,
		.timeout_s = server.cfg.metrics_timeout_s,
		.deadline_s = server.cfg.metrics_timeout_s,
	};

	if (hp->port == 0)
		return 0;
	if ((server.http = httpd_open("metrics_listen", hp, NULL, &lim,
	    HTTPD_SECURITY_HEADERS, handle, NULL)) == NULL)
		return -1;
	log_info("metrics on http://%s%s%s:%d/metrics",
	    strchr(hp->host, ':') != NULL ? "[" : "", hp->host,
	    strchr(hp->host, ':') != NULL ? "]" : "", hp->port);
	return 0;
}

void
http_stop(void)
{
	httpd_close(server.http);
	server.http = NULL;
}

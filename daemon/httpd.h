/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * httpd.h - a small HTTP server on the daemon's loop (libevent's evhttp)
 * with the bounds every listener of the daemon keeps: connections at once,
 * header and body bytes, seconds of silence, and a deadline for each
 * exchange however slowly it trickles. Its users are the monitoring
 * listener (http.h) and the HTTP gateway (gateway.h), each with its own
 * routes and limits.
 *
 * Every answer on a listener, evhttp's own error pages (400, 413, ...)
 * included, carries the listener's common headers (security headers),
 * written right after the status line.
 */
#ifndef JM_HTTPD_H
#define JM_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "daemon/config.h"

/*
 * The security headers every answer of the daemon over HTTP carries: no
 * content from elsewhere, no inline script or style, no framing, no
 * sniffing of content types, no referrer.
 */
#define HTTPD_SECURITY_HEADERS						\
	"Content-Security-Policy: default-src 'self'; img-src 'self' data:; " \
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "	\
	"form-action 'self'\r\n"					\
	"X-Content-Type-Options: nosniff\r\n"				\
	"Referrer-Policy: no-referrer\r\n"

struct evhttp_request;
struct httpd;
struct ssl_ctx_st;

struct httpd_limits {
	size_t		 max_conns;	/* at once; more are closed at once */
	size_t		 max_headers;	/* bytes of a request's headers */
	size_t		 max_body;	/* bytes of a request's body */
	int		 timeout_s;	/* silence while reading or writing */
	int		 deadline_s;	/* one exchange, from the accept or
					   the previous answer */
};

/* Who sent a request: its connection's id (the protocol's numbering, for
 * the logs), its peer and its address alone. */
struct httpd_peer {
	uint64_t	 id;
	char		 peer[80];
	char		 addr[64];
};

/* Called for every request the listener parsed; it answers (httpd_send)
 * now or later. */
typedef void httpd_handler(struct httpd *h, struct evhttp_request *req,
	    void *arg);

/*
 * Opens a listener named name (a config key, for the logs) on hp, over
 * TLS with tls when it is not NULL, within lim, whose answers carry
 * headers (static "Name: value\r\n" lines, or NULL) and whose requests go
 * to fn with arg. Returns it, or NULL (logged).
 */
struct httpd	*httpd_open(const char *name, const struct hostport *hp,
		    struct ssl_ctx_st *tls, const struct httpd_limits *lim,
		    const char *headers, httpd_handler *fn, void *arg);
/* Stops accepting (shutdown): the connections open go on; NULL is
 * fine. */
void		 httpd_unlisten(struct httpd *h);
/* Closes the listener and every connection; NULL is fine. A request
 * still held is freed when it is answered. */
void		 httpd_close(struct httpd *h);

/*
 * Sends req's answer, whose body is in its output buffer. For HEAD, the
 * headers alone, with the Content-Length a GET would have. A connection
 * past its deadline is not kept alive after it.
 */
void		 httpd_send(struct httpd *h, struct evhttp_request *req,
		    int code, const char *reason);
/* Answers code with a one-line text body (none for HEAD), not cached. */
void		 httpd_send_text(struct httpd *h, struct evhttp_request *req,
		    int code, const char *reason, const char *text);
/* Answers code (reason) with a JSON-RPC error, id null, as its body:
 * rpc_code, message and data (taken; may be NULL). */
void		 httpd_send_rpc_error(struct httpd *h,
		    struct evhttp_request *req, int code, const char *reason,
		    int rpc_code, const char *message, json_t *data);
/* The connection req came on: 0, or -1 when it is gone. */
int		 httpd_peer_of(struct httpd *h, struct evhttp_request *req,
		    struct httpd_peer *out);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * qrpage.c - the answer of /qr.svg and /qr.txt once the gateway has
 * checked the token: the postings' text (qr.h) or its QR code, never
 * cached, counted in the fair's statistics when a kiosk at a fair made it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/fairs.h"
#include "daemon/httpd.h"
#include "daemon/qr.h"
#include "daemon/qrpage.h"
#include "daemon/server.h"
#include "proto/rpc.h"

void
qrpage_answer(struct httpd *h, struct evhttp_request *req, bool svg,
    enum role role, const char *bound)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	struct evkeyvalq params;
	const char *jobs, *lang, *fairp;
	char text[QR_TEXT_MAX + 64], why[256], fair[ID_MAX + 1];
	int n;

	snprintf(fair, sizeof(fair), "%s", bound);
	TAILQ_INIT(&params);
	if (query == NULL || evhttp_parse_query_str(query, &params) == -1)
		jobs = lang = fairp = NULL;
	else {
		jobs = evhttp_find_header(&params, "jobs");
		lang = evhttp_find_header(&params, "lang");
		fairp = evhttp_find_header(&params, "fair");
	}
	/* The fair whose counter a kiosk's code adds to: its token's, or
	 * the one it names (staff's codes are not counted). */
	if (role != ROLE_KIOSK)
		fair[0] = '\0';
	else if (fairp != NULL && fair[0] != '\0' && strcmp(fairp, fair) != 0) {
		evhttp_clear_headers(&params);
		httpd_send_rpc_error(h, req, 401, "Unauthorized", RPC_UNAUTHORIZED,
		    "this kiosk's token is bound to another fair", NULL);
		return;
	} else if (fairp != NULL && fair[0] == '\0') {
		if (fairs_find(fairp) == NULL) {
			evhttp_clear_headers(&params);
			httpd_send_text(h, req, HTTP_NOTFOUND, "Not Found",
			    "fair: no such fair\n");
			return;
		}
		snprintf(fair, sizeof(fair), "%s", fairp);
	}
	if (fair[0] != '\0' && (cmd != EVHTTP_REQ_GET ||
	    fairs_find(fair) == NULL))
		fair[0] = '\0';
	if (lang != NULL && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
		snprintf(why, sizeof(why), "lang: zh or en");
	if (!server.mirror_loaded) {
		evhttp_clear_headers(&params);
		httpd_send_text(h, req, 503, "Service Unavailable",
		    "not ready: loading the mirror from Redis; retry later\n");
		return;
	}
	n = lang != NULL && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0 ?
	    -1 : qr_text(server.matcher, &server.towns, jobs != NULL ? jobs :
	    "", lang != NULL && strcmp(lang, "en") == 0, (int64_t)time(NULL),
	    text, sizeof(text), why, sizeof(why));
	evhttp_clear_headers(&params);
	if (n >= 0 && svg) {
		size_t len;
		char *doc = qr_svg(text, &len, why, sizeof(why));

		if (doc == NULL)
			n = -3;
		else {
			evhttp_add_header(oh, "Content-Type", "image/svg+xml");
			evhttp_add_header(oh, "Cache-Control", "no-store");
			evbuffer_add(evhttp_request_get_output_buffer(req), doc,
			    len);
			free(doc);
			httpd_send(h, req, HTTP_OK, "OK");
			if (fair[0] != '\0')
				fairs_count_qr(fair);
			return;
		}
	}
	if (n >= 0) {
		evhttp_add_header(oh, "Content-Type",
		    "text/plain; charset=utf-8");
		evhttp_add_header(oh, "Cache-Control", "no-store");
		evbuffer_add(evhttp_request_get_output_buffer(req), text,
		    (size_t)n);
		httpd_send(h, req, HTTP_OK, "OK");
		if (fair[0] != '\0')
			fairs_count_qr(fair);
		return;
	}
	strncat(why, "\n", sizeof(why) - strlen(why) - 1);
	if (n == -2)
		httpd_send_text(h, req, HTTP_NOTFOUND, "Not Found", why);
	else if (n == -3)
		httpd_send_text(h, req, 413, "Payload Too Large", why);
	else
		httpd_send_text(h, req, HTTP_BADREQUEST, "Bad Request", why);
}


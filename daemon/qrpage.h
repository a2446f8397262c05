/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * qrpage.h - /qr.svg and /qr.txt, answered once the token was checked.
 */
#ifndef JM_QRPAGE_H
#define JM_QRPAGE_H

#include <stdbool.h>

#include "daemon/config_types.h"

struct evhttp_request;
struct httpd;

/*
 * Answers req, from a caller of role (kiosk or staff) whose token is bound
 * to fair bound ("" none): the text of the postings its query names
 * (jobs=EMP:ID,...&lang=zh|en[&fair=ID]) or, with svg, their QR code;
 * 400, 404, 413 or 503 with the reason otherwise. A kiosk's code is
 * counted in its fair's statistics.
 */
void	qrpage_answer(struct httpd *h, struct evhttp_request *req, bool svg,
	    enum role role, const char *bound);

#endif

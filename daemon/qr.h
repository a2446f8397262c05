/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * qr.h - what a person takes home from the kiosk: the text of up to
 * QR_MAX_JOBS chosen open postings (title, employer, town, pay, the
 * posting's id, and how to apply: the phone, the address and the last
 * day to apply), in Chinese or English, and that text as a QR code in SVG
 * (libqrencode: error correction M, 8-bit mode, one symbol). The text
 * holds nothing of the person: the daemon keeps no profile, and the page
 * sends posting ids alone.
 */
#ifndef JM_QR_H
#define JM_QR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher/matcher.h"
#include "matcher/towns.h"

#define QR_MAX_JOBS	5
#define QR_TEXT_MAX	2331	/* bytes one symbol holds (version 40,
				   level M, 8-bit mode) */
#define QR_TITLE_MAX	40	/* characters of a title kept */

/*
 * The text of the postings jobs names ("EMP:ID,EMP:ID", 1 to QR_MAX_JOBS
 * distinct open postings of m) in lang (zh or en), into buf (at least
 * QR_TEXT_MAX + 1 bytes). Returns its length; or -1 with why for a list
 * that names no posting or too many, a malformed one or a repeated one,
 * -2 for one that is not open at now (closed, expired: why names it), -3
 * for text too long for one symbol.
 */
int	qr_text(const struct matcher *m, const struct towns *towns,
	    const char *jobs, bool en, int64_t now, char *buf, size_t len,
	    char *why, size_t whylen);
/* The QR code of text as an SVG document (malloc'd, *len bytes), or NULL
 * with why (too long for one symbol, out of memory). */
char	*qr_svg(const char *text, size_t *len, char *why, size_t whylen);

#endif

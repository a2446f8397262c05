/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * frame.c - see frame.h.
 */
#include <string.h>

#include "proto/frame.h"

enum frame_status
frame_next(const char *data, size_t len, size_t max, size_t *linelen,
    size_t *used)
{
	/* A "\r" may stand before the "\n" beyond max: look one further. */
	size_t scan = len < max + 2 ? len : max + 2;
	const char *nl = memchr(data, '\n', scan);
	size_t l;

	if (nl == NULL)
		return len > max + 1 ? FRAME_TOO_LONG : FRAME_PARTIAL;
	l = (size_t)(nl - data);
	*used = l + 1;
	if (l > 0 && data[l - 1] == '\r')
		l--;
	if (l > max)
		return FRAME_TOO_LONG;
	*linelen = l;
	return FRAME_LINE;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * frame.h - newline framing. A message is one line ending in "\n"; a "\r"
 * before it is dropped; empty lines are skipped by the caller.
 */
#ifndef JM_FRAME_H
#define JM_FRAME_H

#include <stddef.h>

enum frame_status {
	FRAME_LINE,	/* a whole line: *linelen bytes at data, *used to drop */
	FRAME_PARTIAL,	/* no newline yet and not over the limit: read more */
	FRAME_TOO_LONG	/* the line is (or will be) longer than max */
};

/*
 * Looks for the first line in data[0..len). max is the longest line
 * accepted, not counting its "\r\n" or "\n". On FRAME_LINE, *linelen is the
 * length without the line end and *used the bytes to consume with it.
 */
enum frame_status frame_next(const char *data, size_t len, size_t max,
	    size_t *linelen, size_t *used);

#endif

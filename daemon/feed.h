/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * feed.h - what the gateway's JSON-LD paths ask for: GET /jobs.jsonld
 * (?after=EMP:ID) is a page of job.list {status: "open", format: "jsonld",
 * limit: jsonld_page_size}, GET /jobs/EMP/ID.jsonld a job.get {format:
 * "jsonld"} of an open posting.
 */
#ifndef JM_FEED_H
#define JM_FEED_H

#include <stddef.h>

/*
 * The one JSON-RPC request (a line) a JSON-LD GET of path with query
 * (NULL: none) makes, into line: 0; 404 (HTTP_NOTFOUND) or 400 when path
 * or query names nothing served. Open postings only: those of the mirror
 * (it holds the open ones whose apply_by has not passed), not expired.
 */
int	feed_line(const char *path, const char *query, char *line, size_t len);

#endif

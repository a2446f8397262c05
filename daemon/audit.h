/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * audit.h - one info line for every write a staff or employer token asks
 * for (and a kiosk's interest.record), in one place: the connection, the method, the caller's role (and
 * employer), the employer and posting it names, and how it ended (the
 * version written, the placement recorded, or the error code). It is
 * written when the answer is given, so it says what the client was told.
 *
 *   conn 7: audit: job.post by employer emp-a: employer emp-a, job p-1: version 3, created
 *   conn 9: audit: rules.set by staff: version 12
 *   conn 9: audit: seeker.put by staff: done
 *   conn 9: audit: seeker.export by staff: 100 rows, personal no
 *
 * A seeker is personal data: a seeker's write names the method and the
 * outcome alone, never the seeker's id or a field, and so does an
 * interest's (interest.record, .update, .delete); a placement names its
 * employer, posting and placement id, never the seeker. A seeker.export
 * (a page of the per-person export) says how many rows it gave and whether
 * they held names and certificate numbers, never a row. Never a token.
 */
#ifndef JM_AUDIT_H
#define JM_AUDIT_H

#include <stdint.h>

#include <jansson.h>

#include "daemon/config.h"

/*
 * The start of the audit line of a request of method with params, by
 * connection conn_id, whose caller is role (employer_id: its employer), as
 * a new string for audit_end; NULL when method writes nothing (or out of
 * memory; also for a dry run, params' dry_run true, which writes
 * nothing). Called once the caller's role may call it.
 */
char	*audit_begin(uint64_t conn_id, enum role role,
	    const char *employer_id, const char *method, json_t *params);
/* Logs line, the audit line of a request of method (NULL: it has none),
 * with the outcome resp (the JSON-RPC response, NULL for an internal
 * error), and frees it. */
void	 audit_end(char *line, const char *method, json_t *resp);

#endif

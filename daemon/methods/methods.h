/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * methods.h - the handlers of the JSON-RPC methods, one file per subject.
 * The dispatcher (dispatch.c) alone calls them, through its method table,
 * once the caller's role may call the method, its params are an object
 * and, for a method that reads the mirror, the mirror has been loaded; it
 * serves hello, ping and vocab itself. A handler checks its params with
 * proto/params.h and proto/codec.h, reads the mirrors or goes through the
 * store, and answers its request exactly once (req.h), now or from the
 * store's callback.
 */
#ifndef JM_METHODS_H
#define JM_METHODS_H

#include <jansson.h>

struct req;

typedef void method_fn(struct req *r, json_t *params);

/* jobs.c: employers and postings, through the store. */
method_fn	m_employer_put, m_employer_get, m_job_post, m_job_get,
		m_job_close, m_job_list;
/* The most postings a job.list page gives (its answer's reservation). */
#define JOB_LIST_LIMIT_MAX	100

/* match.c: match, from the mirror. */
method_fn	m_match;

/* stats.c: stats. */
method_fn	m_stats;

#endif

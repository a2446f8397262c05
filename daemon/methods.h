/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * methods.h - the JSON-RPC methods: envelope handling, roles, and each
 * method's handler. Handlers validate with proto/, match with matcher/ and
 * write through the store.
 */
#ifndef JM_METHODS_H
#define JM_METHODS_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/store.h"

struct conn;

/* Serves one request line (len bytes, no line end) of connection c: its
 * requests start in order while c may start them (conn_may_start); the
 * rest wait on c for methods_resume. */
void	methods_dispatch(struct conn *c, const char *line, size_t len);
/* Starts c's waiting requests, in order, while c may start them. */
void	methods_resume(struct conn *c);

struct perr;
struct req;

/* Answers -32602 naming e's field. */
void	methods_reply_perr(struct req *r, const struct perr *e);
/* Answers a store failure with the protocol's error; what names the record
 * ("job", "seeker") in "not found". */
void	methods_reply_store(struct req *r, const struct store_res *res,
	    const char *what);

/* The name of the i-th method of the method table (its metrics bucket), or
 * NULL past the end. */
const char *methods_name(size_t i);

/* Frees the table of failed hellos per address (shutdown). */
void	methods_free_hello_fails(void);

#endif

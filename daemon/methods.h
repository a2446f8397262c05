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

/* The line handler conn_listen is given. */
extern const struct conn_lines methods_lines;

/* The name of the i-th method of the method table (its metrics bucket), or
 * NULL past the end. */
const char *methods_name(size_t i);

/* Frees the table of failed hellos per address (shutdown). */
void	methods_free_hello_fails(void);

#endif

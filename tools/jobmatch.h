/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * jobmatch.h - what the commands of the jobmatch client share: the one
 * connection to the daemon, its requests and answers, and messages.
 */
#ifndef JM_JOBMATCH_H
#define JM_JOBMATCH_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/* The socket connected to the daemon (blocking). */
extern int client_sock;

/* Prints "jobmatch: " and the message to stderr, and exits 2. */
void	die(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * The request {"jsonrpc": "2.0", "id": id, "method": method, "params":
 * params} (no params when NULL) as one line with its newline; the caller
 * frees it. *len is its length.
 */
char	*request_line(json_int_t id, const char *method, json_t *params,
	    size_t *len);

/*
 * Answers come into one buffer, however long a line is. response_fill
 * reads what the socket holds (flags for recv: MSG_DONTWAIT not to wait):
 * the bytes read, 0 when the daemon closed the connection, or -1 with
 * errno. response_take takes the next whole answer out of the buffer,
 * parsed (the caller owns it), or NULL when none is whole yet; it dies on
 * an answer that is not JSON.
 */
ssize_t	 response_fill(int flags);
json_t	*response_take(void);

/* Prints an error answer's error to stderr: "where: code message (field
 * or reason)". */
void	print_error(const char *where, json_t *err);

/* jobmatch load (load.c) and its help. */
int	cmd_load(int argc, char **argv);
extern const char usage_load[];

#endif

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

/*
 * The sender of jobmatch load (load.c), for any source of requests: many
 * in flight, answered in order, a refused one (the request rate, the
 * daemon loading) sent again after the wait the daemon names, then paced
 * a little under its rate; none dropped. Each request has a number (a
 * line's, a row's), which is its JSON-RPC id.
 */
struct sender {
	const char	*file;		/* named in messages */
	const char	*unit;		/* what a number counts: "line" */
	const char	*resume;	/* the command that takes --from N */
	long		 first;		/* the first number the source gives */
	off_t		 size;		/* the source's bytes, 0: unknown */
	/* The next request: its number, the request line with its newline
	 * (the sender owns and frees it) and its length. 1: one; 0: the
	 * end; -1: a read error (errno); -2: interrupted. */
	int		(*next)(void *arg, long *no, char **req, size_t *len);
	/* How far into the source it has read (for progress), or NULL. */
	off_t		(*pos)(void *arg);
	/* The error answer err of request no: reports it. */
	void		(*failed)(void *arg, long no, json_t *err);
	/* The result of request no, or NULL: what it may say of it. */
	void		(*answered)(void *arg, long no, json_t *result);
	/* The last words: requests sent, answers that were errors, requests
	 * sent again. */
	void		(*summary)(void *arg, long sent, long failed,
			    long resent);
	long		*bad;		/* the source's own failures, shown
					   with progress */
	void		*arg;
};

/* Sends every request of src, then calls its summary; the number of
 * error answers. Exits (2) when the connection breaks or a signal stops
 * it, saying where to resume. */
long	send_requests(const struct sender *src);
/* Before a message to stderr while sending: takes the progress line off
 * the terminal. */
void	sender_note(void);

/* One call, waited for: its result (owned), or it prints the error and
 * exits 1. */
json_t	*call(const char *method, json_t *params);
/* Every row of a paged list method (rows under key, next_cursor), its
 * params (which it changes) given without a cursor; an array (owned). */
json_t	*call_all(const char *method, json_t *params, const char *key);
/* The number in s, for option --name; dies when it is not one. */
long	num_arg(const char *name, const char *s);

/* The role hello answered ("anonymous" without a token), and an
 * employer token's employer id ("" otherwise). */
extern char client_role[16];
extern char client_employer[128];

/* The commands of their own files, and their help. */
int	cmd_load(int argc, char **argv);
extern const char usage_load[];
int	cmd_import(int argc, char **argv);
extern const char usage_import[];
int	cmd_report(int argc, char **argv);
extern const char usage_report[];
int	cmd_export(int argc, char **argv);
extern const char usage_export[];

#endif

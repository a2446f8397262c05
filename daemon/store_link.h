/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_link.h - the main link to Redis and the commands sent on it, for
 * the store's files above it. Nothing here calls a file above it: what
 * the link must tell the load goes through st->up (store_types.h).
 */
#ifndef JM_STORE_LINK_H
#define JM_STORE_LINK_H

#include "daemon/store_types.h"

/*
 * A command to send, of the given type; cb (or NULL, for the link's and
 * the load's own commands) is answered once, never from inside the call
 * that sends it. Never NULL when it has a callback (see store_link.c);
 * without one, NULL when out of memory (the command is dropped).
 */
struct op	*op_new(struct store *st, const struct op_type *type,
		    store_cb *cb, void *arg);
/* Sends argv (argc NUL-terminated strings, at most CMD_ARGS_MAX). */
void		 op_send(struct store *st, struct op *op, int argc,
		    const char **argv);
/* Runs store_scripts[id] with argv[2..argc-1] by EVALSHA (again by EVAL
 * after NOSCRIPT); argv[0] and argv[1] are the link's to fill. */
void		 op_send_script(struct store *st, struct op *op,
		    enum script_id id, int argc, const char **argv);
/* Calls op's callback with res, unless it was already answered. */
void		 op_answer(struct op *op, const struct store_res *res);
/* A command without a callback (offset: op->offset). */
void		 link_send(struct store *st, const struct op_type *type,
		    long offset, int argc, const char **argv);

/* The main link: set up, connect, stop reconnecting by name, reconnect
 * now, free (store_life.c). */
int		 link_init(struct store *st);
void		 link_connect(struct store *st);
void		 link_quiesce(struct store *st);
void		 link_retry(struct store *st);
void		 link_move(struct store *st);
void		 link_free(struct store *st);

/* Formats and sends a command on ac, another link's (the tail's):
 * REDIS_ERR when it was not sent. */
int		 link_command(redisAsyncContext *ac, redisCallbackFn *fn,
		    void *privdata, int argc, const char **argv);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_types.h - what the files of the store share: struct store and
 * its parts, the command in flight (struct op) and how its reply is taken
 * (struct op_type), and the readers of a reply. Included by the store's
 * files only, like hiredis.
 *
 * The files, each above those it uses; none calls a function of a file
 * above it (the link and the tail reach the load, and the link the WAIT
 * of redis_wait_replicas, through struct store_up, which store_new fills
 * in):
 *
 *   store_life.c     the public face: a store's life and what it tells of
 *                    itself (store_new ... store_info)
 *   store_cmds.c     the commands of store.h (store_put_job, ...): the
 *                    command each sends and how its reply is read
 *   store_load.c     loading the mirror (store_reload)
 *   store_tail.c     the change stream, on a link of its own
 *   store_wait.c     redis_wait_replicas: the WAIT sent behind each
 *                    durable write, which holds the write's answer
 *                    until the replicas' count comes
 *   store_link.c     the main link: connecting, AUTH, SELECT, the scripts,
 *                    sending commands, their timers, the answers owed,
 *                    NOSCRIPT; on_reply hands each reply to its op_type
 *   store_dial.c     how a link is set up, for both links: its address
 *                    (host names looked up anew), the backoff, AUTH,
 *                    why a link failed
 *   store_sentinel.c the primary found through Redis Sentinel: the
 *                    sentinels asked for its address, +switch-master
 *   store_scripts.c  the Lua scripts
 */
#ifndef JM_STORE_TYPES_H
#define JM_STORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "daemon/resolve.h"
#include "daemon/store.h"
#include "daemon/store_scripts.h"

#define BACKOFF_MIN_MS	100		/* reconnect: 100 ms, doubling */
#define BACKOFF_MAX_MS	5000		/* to 5 s */
#define STREAM_ID_MAX	48
#define OP_RESERVE	16		/* ops for when malloc fails */
#define CMD_ARGS_MAX	24		/* arguments of one command, at most
					   (a placement's script has 16) */

/* The number of arguments in a command's argv array. */
#define NARGS(argv)	((int)(sizeof(argv) / sizeof((argv)[0])))

/* The main link's: connecting until PING is answered, then loading the
 * mirror (store_load.c) until the load is complete. */
enum store_state { ST_DOWN, ST_CONNECTING, ST_LOADING, ST_READY };

/*
 * Where a link connects. A host name is looked up again for each new link
 * (resolve.h) and its addresses are tried in turn, each at once after the
 * one before it could not be connected to; the round ends when one is, or
 * none was, and the next link looks the name up again. An address or a
 * unix socket (no resolver) is the only one.
 */
struct dial {
	struct resolve		*lookup;	/* under way */
	struct sentinel_ask	*ask;		/* the sentinels asked: under
						   way */
	struct resolve_result	 addrs;		/* this round's */
	size_t			 next;		/* addrs.addr[next] is next */
	int			 port;		/* the sentinels' primary's */
	char			 at[INET6_ADDRSTRLEN];	/* the address
						   dialled last */
	size_t			 named_by;	/* the sentinel that named it */
};

/* The change stream, followed on a link of its own (store_tail.c). */
struct tail {
	redisAsyncContext	*ac;		/* NULL while down */
	bool			 up;		/* PING answered */
	bool			 auth_refused;	/* this link's: said once */
	bool			 not_primary;	/* ROLE said so: going */
	struct dial		 dial;
	int			 inflight;	/* commands sent, not answered */
	struct event		*reconnect;
	struct event		*timer;		/* the command in flight */
	int			 backoff_ms;
	unsigned		 gen;		/* link generation */
	unsigned		 epoch;		/* bumped when a load moves us */
	bool			 have_pos;	/* a load said where to start */
	bool			 lost;		/* waiting for a reload */
	char			 id[STREAM_ID_MAX];	/* last entry applied */
	uint64_t		 added;		/* entries-added at id */
	uint64_t		 lag;
	uint64_t		 changes;
};

struct store;
struct op;

/*
 * What the link and the tail ask of the files above them, set by
 * store_new: the link proved itself (load the mirror), the link went down
 * (loading: during a load), the mirror must be loaded again (why, for the
 * log).
 */
struct store_up {
	void	(*ready)(struct store *st);
	void	(*down)(struct store *st, bool loading);
	void	(*reload)(struct store *st, const char *why);
	/* the sentinels name another primary: the links named (main, tail)
	 * drop what they hold and ask them again at once */
	void	(*move)(struct store *st, bool main, bool tail);
	/* redis_wait_replicas (store_wait.c): op, a durable write, was sent
	 * (again, as EVAL after NOSCRIPT): a WAIT follows it; op succeeded
	 * with res: what to answer now, NULL when its WAIT holds res */
	void	(*wait)(struct store *st, struct op *op);
	const struct store_res *(*hold)(struct op *op,
		    const struct store_res *res);
};

struct store {
	/* store_life.c */
	struct event_base	*base;
	const struct config	*cfg;
	struct store_hooks	 hooks;
	struct store_up		 up;
	bool			 freeing;
	bool			 quiet;		/* stopping: no tail, no reload */
	struct resolver		*resolver;	/* redis by host name, or
						   sentinels; or NULL */
	struct sentinel		*sentinel;	/* store_sentinel.c; NULL:
						   none configured */

	/* store_link.c: the main link */
	redisAsyncContext	*ac;		/* NULL while down */
	enum store_state	 state;		/* the load moves it on */
	struct event		*reconnect;
	int			 backoff_ms;
	unsigned		 gen;		/* connection generation */
	unsigned		 refused_gen;	/* a link that never came up */
	unsigned		 lost_gen;	/* a link being lost: its ops are
					   answered before went_down */
	unsigned		 role_gen;	/* a link whose ROLE said
						   master (sentinels) */
	size_t			 pending;	/* commands owed a reply */
	char			 run_id[48];	/* of the server, "" unknown */
	int			 redis_major;	/* its version; 0 unknown */
	struct event		*connect_timer;	/* the link must prove itself */
	struct dial		 dial;
	unsigned		 auth_refused_gen;	/* a link whose
						   authentication Redis
						   refused: said once */
	enum store_trouble	 trouble;	/* why the last link failed */
	unsigned		 trouble_gen;	/* the link it is of */
	char			 trouble_text[256];
	char			 sha[SC_COUNT][41];	/* of store_scripts[] */
	struct op		*late;		/* not sent: owed STORE_DOWN,
						   oldest first */
	struct op		**late_tail;
	size_t			 nlate;
	struct event		*late_timer;	/* answers them from the loop */
	struct op		*reserve;	/* OP_RESERVE ops, for when
						   malloc fails */
	unsigned		 reserve_used;	/* bit i: reserve[i] in use */

	/* store_load.c (and a record written, store_cmds.c) */
	bool			 reload;	/* load again after this load */
	size_t			 nloaded;	/* records of the load under way */
	bool			 had_data;	/* loaded or written something */
	bool			 emptied;
	uint64_t		 loads;
	int64_t			 loaded_at;

	/* store_tail.c */
	struct tail		 tail;
};

/* What an error reply to a command means: the caller's answer (a
 * request's command), the caller's answer as "unknown" (a WAIT: the write
 * before it ran), a note (logged), a note on one record of a load
 * (logged, the record skipped), or a link that cannot be used (logged,
 * and dropped while connecting or loading). */
enum op_error { OE_ANSWER, OE_UNKNOWN, OE_NOTE, OE_SKIP, OE_FATAL };

/*
 * One kind of command: how its reply is taken. Each is a constant beside
 * the code that sends such commands, which gives it to op_new; on_reply
 * calls its reply function.
 */
struct op_type {
	/* A reply that is not an error; NULL: nothing to do. */
	void		(*reply)(struct op *op, redisReply *r);
	enum op_error	 error;
	bool		 this_link;	/* reply only on the link it was sent
					   on (op->gen current) */
	bool		 auth;		/* AUTH: an error is a refusal */
	bool		 write;		/* a reply after an "unknown" answer
					   means the mirror may differ */
	bool		 durable;	/* a write a request waits for:
					   with redis_wait_replicas, WAIT
					   follows it (store_wait.c) */
};

/* One command in flight. Freed by the hiredis callback, always. */
struct op {
	struct store		*st;
	const struct op_type	*type;
	unsigned		 gen;
	store_cb		*cb;
	void			*arg;
	struct event		*timer;
	bool			 answered;	/* cb was called (timeout) */
	long			 offset;	/* load: position of the batch;
						   SCRIPT LOAD: which script */
	struct script_args	*args;		/* an EVALSHA's, until
						   answered */
	enum script_id		 script;	/* which, for EVAL after
						   NOSCRIPT */
	struct op		*next;		/* in st->late */
	/* redis_wait_replicas: a durable write and the WAIT sent behind
	 * it point at each other until the write's reply; its answer is
	 * then held by the WAIT (held, and held_id its copy of res.id)
	 * until the replicas' count comes. */
	bool			 durable;	/* the write: WAIT was due */
	struct op		*pair;
	struct store_res	 held;
	char			*held_id;
};

static inline int64_t
reply_int(const redisReply *r)
{
	if (r == NULL)
		return 0;
	if (r->type == REDIS_REPLY_INTEGER)
		return r->integer;
	if (r->type == REDIS_REPLY_STRING)
		return strtoll(r->str, NULL, 10);
	return 0;
}

/* "HOST:PORT", or "[V6]:PORT" for an IPv6 address, into buf. */
static inline const char *
hostport_text(char *buf, size_t len, const char *host, int port)
{
	snprintf(buf, len, strchr(host, ':') != NULL ? "[%s]:%d" : "%s:%d",
	    host, port);
	return buf;
}

static inline const char *
reply_str(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_STRING ? r->str : NULL;
}

/* Fills rec from five replies: doc, version, posted_at, updated_at, status.
 * Returns false when the record does not exist. */
static inline bool
fill_rec(struct store_rec *rec, redisReply **e)
{
	memset(rec, 0, sizeof(*rec));
	if (e[0] == NULL || e[0]->type != REDIS_REPLY_STRING)
		return false;
	rec->doc = e[0]->str;
	rec->doclen = e[0]->len;
	rec->version = reply_int(e[1]);
	rec->posted_at = reply_int(e[2]);
	rec->updated_at = reply_int(e[3]);
	rec->closed = reply_str(e[4]) != NULL &&
	    strcmp(reply_str(e[4]), "closed") == 0;
	return true;
}

#endif

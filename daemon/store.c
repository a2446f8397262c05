/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store.c - see store.h.
 *
 * hiredis 0.14 has no timeouts and no reconnect: this module owns the
 * context pointer (NULL while down), a reconnect timer with backoff, and a
 * timer per command. hiredis calls every command's callback exactly once,
 * with a NULL reply when the link drops, and frees the context itself after
 * a failed connect or a disconnect.
 *
 * A command that cannot be sent (no link, a link hiredis is tearing down,
 * no memory) is not answered on the spot: it joins the list of answers
 * owed (struct store's late), which a zero timer answers from the loop, in
 * order. A callback answered on the spot could issue the next command of
 * its queue, be answered on the spot again, and so on down the stack, once
 * per command queued behind it.
 *
 * Every link (the main one, the tail) starts the same way: Redis's host
 * name looked up again (resolve.h; hiredis would block on getaddrinfo, so
 * it is given an address), then AUTH when a password is configured, queued
 * ahead of everything else; a refusal is said once for the link, which is
 * dropped.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <hiredis/adapters/libevent.h>

#include "daemon/log.h"
#include "daemon/resolve.h"
#include "daemon/store.h"
#include "daemon/store_scripts.h"

#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	5000
#define LOAD_BATCH	500
#define TAIL_BATCH	500		/* entries a read of the stream takes */
#define STREAM_ID_MAX	48
#define OP_RESERVE	16		/* ops for when malloc fails */
#define CMD_ARGS_MAX	24		/* arguments of one command, at most
					   (a placement's script has 16) */

/* The number of arguments in a command's argv array. */
#define NARGS(argv)	((int)(sizeof(argv) / sizeof((argv)[0])))

enum store_state { ST_DOWN, ST_CONNECTING, ST_LOADING, ST_READY };

/* The scripts sent on the main link, by their index in scripts[]. */
enum script_id { SC_PUT_EMPLOYER, SC_PUT_JOB, SC_CLOSE_JOB, SC_LIST_JOBS,
	SC_RULES_SET, SC_RULES_HISTORY, SC_PUT_SEEKER, SC_DELETE_SEEKER,
	SC_PLACEMENT, SC_LIST_PLACEMENTS, SC_CHANGES, SC_COUNT };

static const char *const scripts[SC_COUNT] = {
	script_put_employer, script_put_job, script_close_job,
	script_list_jobs, script_rules_set, script_rules_history,
	script_put_seeker, script_delete_seeker, script_placement,
	script_list_placements, script_changes
};

/*
 * Where a link connects. A host name is looked up again for each new link
 * (resolve.h) and its addresses are tried in turn, each at once after the
 * one before it could not be connected to; the round ends when one is, or
 * none was, and the next link looks the name up again. An address or a
 * unix socket (no resolver) is the only one.
 */
struct dial {
	struct resolve		*lookup;	/* under way */
	struct resolve_result	 addrs;		/* this round's */
	size_t			 next;		/* addrs.addr[next] is next */
};

/* The change stream, followed on a link of its own. */
struct tail {
	redisAsyncContext	*ac;		/* NULL while down */
	bool			 up;		/* PING answered */
	bool			 auth_refused;	/* this link's: said once */
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

/*
 * What the link and the tail ask of the load above them, set by store_new:
 * the link proved itself (load the mirror), the link went down (loading:
 * during a load), the mirror must be loaded again (why, for the log).
 */
struct store_up {
	void	(*ready)(struct store *st);
	void	(*down)(struct store *st, bool loading);
	void	(*reload)(struct store *st, const char *why);
};

struct store {
	struct event_base	*base;
	const struct config	*cfg;
	struct store_hooks	 hooks;
	struct store_up		 up;
	redisAsyncContext	*ac;		/* NULL while down */
	enum store_state	 state;
	struct event		*reconnect;
	int			 backoff_ms;
	unsigned		 gen;		/* connection generation */
	unsigned		 refused_gen;	/* a link that never came up */
	bool			 reload;	/* load again after this load */
	bool			 freeing;
	size_t			 pending;	/* commands owed a reply */
	char			 run_id[48];	/* of the server, "" unknown */
	int			 redis_major;	/* its version; 0 unknown */
	struct event		*connect_timer;	/* the link must prove itself */
	struct resolver		*resolver;	/* redis by host name; or NULL */
	struct dial		 dial;
	unsigned		 auth_refused_gen;	/* a link whose
						   authentication Redis
						   refused: said once */
	enum store_trouble	 trouble;	/* why the last link failed */
	unsigned		 trouble_gen;	/* the link it is of */
	char			 trouble_text[256];
	bool			 quiet;		/* stopping: no tail, no reload */
	size_t			 nloaded;	/* records of the load under way */
	bool			 had_data;	/* loaded or written something */
	bool			 emptied;
	uint64_t		 loads;
	int64_t			 loaded_at;
	char			 sha[SC_COUNT][41];	/* of scripts[] */
	struct tail		 tail;
	struct op		*late;		/* not sent: owed STORE_DOWN,
						   oldest first */
	struct op		**late_tail;
	size_t			 nlate;
	struct event		*late_timer;	/* answers them from the loop */
	struct op		*reserve;	/* OP_RESERVE ops, for when
						   malloc fails */
	unsigned		 reserve_used;	/* bit i: reserve[i] in use */
};

struct op;

/* What an error reply to a command means: the caller's answer (a
 * request's command), a note (logged), a note on one record of a load
 * (logged, the record skipped), or a link that cannot be used (logged,
 * and dropped while connecting or loading). */
enum op_error { OE_ANSWER, OE_NOTE, OE_SKIP, OE_FATAL };

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
	struct script_args *args;	/* an EVALSHA's, until answered */
	enum script_id	 script;	/* which, for a retry with EVAL */
	struct op	*next;		/* in st->late */
};

/*
 * A script's arguments after its name, copied once when the command is
 * built and kept until its reply: the command is formatted from them as
 * EVALSHA and, after a NOSCRIPT, again as EVAL (argv[0] and argv[1] are
 * filled for each).
 */
struct script_args {
	int		 argc;
	const char	*argv[CMD_ARGS_MAX];
	size_t		 lens[CMD_ARGS_MAX];
	char		 bytes[];	/* what argv[2..] point into */
};

/* ---- plumbing -------------------------------------------------------- */

static void	schedule_reconnect(struct store *st);
static void	connect_now(struct store *st);
static void	load_start(struct store *st);
static void	load_jobs_from(struct store *st, const char *cursor);
static void	load_seekers_from(struct store *st, const char *after);
static void	send_load(struct store *st, const struct op_type *type,
		    long offset, int argc, const char **argv);
static void	tail_set_pos(struct store *st, const char *last,
		    uint64_t added);
static void	tail_next(struct store *st);
static void	tail_connect(struct store *st);
static redisAsyncContext *open_link(struct store *st, const char *addr);
static void	tail_timeout(evutil_socket_t fd, short ev, void *arg);
static void	tail_went_down(struct store *st);
static void	went_down(struct store *st);
static void	tail_reconnect_cb(evutil_socket_t fd, short ev, void *arg);

static void
op_free(struct op *op)
{
	struct store *st = op->st;

	if (op->timer != NULL)
		event_free(op->timer);
	free(op->args);
	if (op >= st->reserve && op < st->reserve + OP_RESERVE)
		st->reserve_used &= ~(1u << (op - st->reserve));
	else
		free(op);
}

static void
answer(struct op *op, const struct store_res *res)
{
	if (op->answered || op->cb == NULL)
		return;
	op->answered = true;
	if (op->timer != NULL)
		evtimer_del(op->timer);
	op->cb(res, op->arg);
}

static void
answer_status(struct op *op, enum store_status s)
{
	struct store_res res;

	memset(&res, 0, sizeof(res));
	res.status = s;
	answer(op, &res);
}

static void
op_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct op *op = arg;

	(void)fd;
	(void)ev;
	log_warnx("redis: no reply within %d ms", op->st->cfg->redis_timeout_ms);
	answer_status(op, STORE_UNKNOWN);
}

/*
 * op was not sent: it answers STORE_DOWN from the loop, after every answer
 * owed before it, never from inside the call that issued it (store.h).
 */
static void
answer_later(struct store *st, struct op *op)
{
	static const struct timeval now = { 0, 0 };

	if (op->cb == NULL || op->answered) {
		op_free(op);
		return;
	}
	if (op->timer != NULL)
		evtimer_del(op->timer);
	op->next = NULL;
	*st->late_tail = op;
	st->late_tail = &op->next;
	st->nlate++;
	if (!evtimer_pending(st->late_timer, NULL))
		evtimer_add(st->late_timer, &now);
}

/* The answers owed when the timer fired. Those owed meanwhile (a callback
 * issuing a command that cannot be sent either) wait for the next turn of
 * the loop: each turn does a bounded amount of work. */
static void
answer_owed(evutil_socket_t fd, short ev, void *arg)
{
	struct store *st = arg;
	struct op *op, *list = st->late;

	(void)fd;
	(void)ev;
	st->late = NULL;
	st->late_tail = &st->late;
	while ((op = list) != NULL) {
		list = op->next;
		st->nlate--;
		answer_status(op, STORE_DOWN);
		op_free(op);
	}
}

static void	on_reply(redisAsyncContext *ac, void *reply, void *privdata);

/*
 * Formats a command of argc arguments with hiredis: argv[i] is lens[i]
 * bytes long, or NUL-terminated when lens is NULL. The command is the
 * caller's (redisFreeSdsCommand); NULL without memory, or for more than
 * CMD_ARGS_MAX arguments, a bug (asserted; without assertions, the
 * command is not sent and says so).
 */
static sds
cmd_format(int argc, const char **argv, const size_t *lens)
{
	size_t n[CMD_ARGS_MAX];
	sds cmd;

	assert(argc > 0 && argc <= CMD_ARGS_MAX);
	if (argc <= 0 || argc > CMD_ARGS_MAX) {
		log_warnx("redis: a command of %d arguments (%d at most) "
		    "not sent", argc, CMD_ARGS_MAX);
		return NULL;
	}
	if (lens == NULL) {
		for (int i = 0; i < argc; i++)
			n[i] = strlen(argv[i]);
		lens = n;
	}
	if (redisFormatSdsCommandArgv(&cmd, argc, argv, lens) == -1)
		return NULL;
	return cmd;
}

/* Sends cmd and frees it: REDIS_ERR when the link refuses it (it is
 * being torn down). */
static int
cmd_send(redisAsyncContext *ac, redisCallbackFn *fn, void *privdata,
    sds cmd)
{
	int rc = redisAsyncFormattedCommand(ac, fn, privdata, cmd,
	    sdslen(cmd));

	redisFreeSdsCommand(cmd);
	return rc;
}

/* op's command: its script as EVALSHA (op->args), or argv. */
static sds
op_format(struct store *st, struct op *op, int argc, const char **argv)
{
	struct script_args *a = op->args;

	if (a == NULL)
		return cmd_format(argc, argv, NULL);
	a->argv[0] = "EVALSHA";
	a->argv[1] = st->sha[op->script];
	a->lens[0] = strlen(a->argv[0]);
	a->lens[1] = strlen(a->argv[1]);
	return cmd_format(a->argc, a->argv, a->lens);
}

/* Sends a command (op->args when set, else argv); one that cannot be
 * sent answers STORE_DOWN from the loop (answer_later). */
static void
send_argv(struct store *st, struct op *op, int argc, const char **argv)
{
	sds cmd;

	op->gen = st->gen;
	if (st->ac == NULL || st->freeing) {
		answer_later(st, op);
		return;
	}
	if (op->cb != NULL) {
		struct timeval tv = {
			st->cfg->redis_timeout_ms / 1000,
			(st->cfg->redis_timeout_ms % 1000) * 1000
		};
		if ((op->timer = evtimer_new(st->base, op_timeout, op)) == NULL) {
			answer_later(st, op);
			return;
		}
		/* The loop's cached time is stale after a long callback (a
		 * rule set's evaluation): time the command from now. */
		event_base_update_cache_time(st->base);
		evtimer_add(op->timer, &tv);
	}
	/* Refused while hiredis tears the link down (its callbacks for the
	 * commands in flight, which may issue new ones, come first). */
	if ((cmd = op_format(st, op, argc, argv)) == NULL ||
	    cmd_send(st->ac, on_reply, op, cmd) != REDIS_OK) {
		answer_later(st, op);
		return;
	}
	st->pending++;
}

/*
 * Copies a script's arguments argv[2..argc-1] (at most CMD_ARGS_MAX in
 * all: a bug otherwise, asserted). NULL without memory or with too many.
 */
static struct script_args *
script_args_new(int argc, const char **argv)
{
	struct script_args *a;
	size_t len = 0;
	char *p;

	assert(argc >= 2 && argc <= CMD_ARGS_MAX);
	if (argc < 2 || argc > CMD_ARGS_MAX) {
		log_warnx("redis: a script of %d arguments (%d at most) not "
		    "sent", argc, CMD_ARGS_MAX);
		return NULL;
	}
	for (int i = 2; i < argc; i++)
		len += strlen(argv[i]);
	if ((a = malloc(sizeof(*a) + len)) == NULL)
		return NULL;
	a->argc = argc;
	p = a->bytes;
	for (int i = 2; i < argc; i++) {
		a->lens[i] = strlen(argv[i]);
		memcpy(p, argv[i], a->lens[i]);
		a->argv[i] = p;
		p += a->lens[i];
	}
	return a;
}

/*
 * Runs scripts[id] with argv[2..argc-1] (argv[0] and argv[1] are left for
 * the script's name) by EVALSHA: Redis then neither receives the body nor
 * hashes it again for every write. The arguments are kept until the
 * reply, because a Redis that forgot the script (SCRIPT FLUSH) answers
 * NOSCRIPT without running anything, and on_reply then sends the command
 * again as EVAL, which also caches the script for the next ones.
 */
static void
send_script(struct store *st, struct op *op, enum script_id id, int argc,
    const char **argv)
{
	op->script = id;
	if ((op->args = script_args_new(argc, argv)) == NULL) {
		answer_later(st, op);
		return;
	}
	send_argv(st, op, 0, NULL);
}

/*
 * Sends op's script again as EVAL with its body: the same arguments after
 * the first two. Called from on_reply on a NOSCRIPT answer, when nothing
 * of it ran; its reply comes back to on_reply. The arguments go with it:
 * an EVAL is not sent again.
 */
static void
retry_eval(struct store *st, struct op *op)
{
	struct script_args *a = op->args;
	sds cmd;

	a->argv[0] = "EVAL";
	a->argv[1] = scripts[op->script];
	a->lens[0] = strlen(a->argv[0]);
	a->lens[1] = strlen(a->argv[1]);
	cmd = cmd_format(a->argc, a->argv, a->lens);
	free(a);
	op->args = NULL;
	if (cmd == NULL || cmd_send(st->ac, on_reply, op, cmd) != REDIS_OK)
		answer_later(st, op);
	else
		st->pending++;
}

/*
 * A command to send. Never NULL when it has a callback: without memory it
 * is one of the reserve's, so that it too answers from the loop (a command
 * answered on the spot could be issued again on the spot, without end);
 * with the reserve used up too, the daemon cannot keep its promises and
 * exits. The load's steps (no callback) are dropped instead: the link is
 * going down, or the load is tried again with the next one.
 */
static struct op *
op_new(struct store *st, const struct op_type *type, store_cb *cb, void *arg)
{
	struct op *op = calloc(1, sizeof(*op));

	for (int i = 0; op == NULL && cb != NULL && i < OP_RESERVE; i++)
		if ((st->reserve_used & (1u << i)) == 0) {
			st->reserve_used |= 1u << i;
			op = &st->reserve[i];
			memset(op, 0, sizeof(*op));
		}
	if (op == NULL) {
		if (cb != NULL)
			fatalx("out of memory for a Redis command");
		return NULL;
	}
	op->st = st;
	op->type = type;
	op->cb = cb;
	op->arg = arg;
	return op;
}

/* Sends argv (NUL-terminated strings). */
static void
send_strs(struct store *st, struct op *op, int argc, const char **argv)
{
	send_argv(st, op, argc, argv);
}

static int64_t
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

static const char *
reply_str(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_STRING ? r->str : NULL;
}

/* Fills rec from five replies: doc, version, posted_at, updated_at, status.
 * Returns false when the record does not exist. */
static bool
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

/* A write's reply: [version, created] or [version, created, id], a
 * negative version for a refusal. data: a write of records (not rules). */
static void
write_reply(struct op *op, redisReply *r, bool data)
{
	struct store_res res;

	memset(&res, 0, sizeof(res));
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->elements > 3) {
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
		answer(op, &res);
		return;
	}
	if (r->elements == 3)
		res.id = reply_str(r->element[2]);
	res.version = reply_int(r->element[0]);
	res.created = reply_int(r->element[1]) == 1;
	switch (res.version) {
	case -1:
		res.status = STORE_NOT_FOUND;
		res.version = reply_int(r->element[1]);	/* which, if told */
		res.created = false;
		break;
	case -2:
		res.status = STORE_NO_EMPLOYER;
		break;
	case -3:
		res.status = STORE_CONFLICT;
		res.version = reply_int(r->element[1]);
		res.created = false;
		break;
	default:
		res.status = STORE_OK;
		if (data) {
			op->st->had_data = true;
			op->st->emptied = false;
		}
	}
	answer(op, &res);
}

static void
on_write(struct op *op, redisReply *r)
{
	write_reply(op, r, true);
}

static void
on_rules_write(struct op *op, redisReply *r)
{
	write_reply(op, r, false);
}

static void
on_get(struct op *op, redisReply *r)
{
	struct store_res res;
	struct store_rec rec;

	memset(&res, 0, sizeof(res));
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 5) {
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
	} else if (!fill_rec(&rec, r->element))
		res.status = STORE_NOT_FOUND;
	else {
		res.recs = &rec;
		res.nrecs = 1;
	}
	answer(op, &res);
}

static void
on_list(struct op *op, redisReply *r)
{
	struct store_res res;
	size_t n;

	memset(&res, 0, sizeof(res));
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    (r->elements - 1) % 5 != 0) {
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
		answer(op, &res);
		return;
	}
	n = (r->elements - 1) / 5;
	if (n > 0 && (res.recs = calloc(n, sizeof(*res.recs))) == NULL) {
		res.status = STORE_FAILED;
		res.error = "out of memory";
		answer(op, &res);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (fill_rec(&res.recs[res.nrecs], r->element + 1 + i * 5))
			res.nrecs++;
	res.next_cursor = reply_str(r->element[0]);
	if (res.next_cursor != NULL && res.next_cursor[0] == '\0')
		res.next_cursor = NULL;
	answer(op, &res);
	free(res.recs);
}

/* Rule sets: doc, version, time for each. */
static void
on_rules(struct op *op, redisReply *r)
{
	struct store_res res;
	size_t n;

	memset(&res, 0, sizeof(res));
	if (r->type != REDIS_REPLY_ARRAY || r->elements % 3 != 0) {
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
		answer(op, &res);
		return;
	}
	n = r->elements / 3;
	if (n > 0 && (res.recs = calloc(n, sizeof(*res.recs))) == NULL) {
		res.status = STORE_FAILED;
		res.error = "out of memory";
		answer(op, &res);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct store_rec *rec = &res.recs[res.nrecs];
		if (reply_str(r->element[3 * i]) == NULL)
			continue;
		rec->doc = r->element[3 * i]->str;
		rec->doclen = r->element[3 * i]->len;
		rec->version = reply_int(r->element[3 * i + 1]);
		rec->updated_at = reply_int(r->element[3 * i + 2]);
		res.nrecs++;
	}
	answer(op, &res);
	free(res.recs);
}

static const struct op_type T_WRITE = {
	.reply = on_write, .error = OE_ANSWER, .write = true };
static const struct op_type T_RULES_WRITE = {
	.reply = on_rules_write, .error = OE_ANSWER, .write = true };
static const struct op_type T_GET = { .reply = on_get, .error = OE_ANSWER };
static const struct op_type T_LIST = { .reply = on_list, .error = OE_ANSWER };
static const struct op_type T_RULES = {
	.reply = on_rules, .error = OE_ANSWER };

/*
 * INFO server's run_id names one run of one Redis server: a new one after a
 * reconnect means Redis restarted or another server took its place, and
 * what it holds may differ from what the mirror was built from. The mirror
 * is loaded again after every reconnect anyway; this says why in the log.
 */
static void
note_run_id(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	const char *p, *s = reply_str(r);
	char id[sizeof(st->run_id)];
	size_t n;

	if (s == NULL && r->type == REDIS_REPLY_STATUS)
		s = r->str;
	if (s != NULL && (p = strstr(s, "redis_version:")) != NULL) {
		int major = atoi(p + strlen("redis_version:"));
		if (major < 7 && major != st->redis_major)
			log_warnx("redis: version %d: following the change "
			    "stream needs Redis 7 or later; this daemon will "
			    "not see other daemons' writes until its next "
			    "reload", major);
		st->redis_major = major;
	}
	if (s == NULL || (p = strstr(s, "run_id:")) == NULL)
		return;
	p += strlen("run_id:");
	n = strcspn(p, "\r\n");
	if (n == 0 || n >= sizeof(id))
		return;
	memcpy(id, p, n);
	id[n] = '\0';
	if (st->run_id[0] == '\0')
		log_info("redis: server run_id %s", id);
	else if (strcmp(st->run_id, id) != 0)
		log_warnx("redis: a different server run (run_id %s, was %s): "
		    "Redis restarted or was replaced; reloading the mirror "
		    "from what it holds now", id, st->run_id);
	else
		log_info("redis: same server run as before; reloading the "
		    "mirror");
	memcpy(st->run_id, id, n + 1);
}

/* Why the link of this generation failed, for store_info. Never holds
 * the password. */
static void __attribute__((format(printf, 3, 4)))
set_trouble(struct store *st, enum store_trouble what, const char *fmt, ...)
{
	va_list ap;

	st->trouble = what;
	st->trouble_gen = st->gen;
	va_start(ap, fmt);
	vsnprintf(st->trouble_text, sizeof(st->trouble_text), fmt, ap);
	va_end(ap);
}

/* Redis's words, for the log: left out should they ever hold the
 * password. */
static const char *
redis_words(const struct store *st, const char *s)
{
	const char *pw = st->cfg->redis_password;

	return pw != NULL && strstr(s, pw) != NULL ? "its answer left out" : s;
}

/* An error that says the link is not authenticated: AUTH's own, or NOAUTH
 * to any command (Redis wants a password and none was sent). */
static bool
auth_error(bool is_auth, const char *s)
{
	return is_auth || strncmp(s, "NOAUTH", 6) == 0 ||
	    strncmp(s, "WRONGPASS", 9) == 0;
}

/*
 * Redis refused this link's authentication. Said once per link, that is
 * once per step of the reconnect backoff: the link is dropped, and the
 * errors of the commands queued behind AUTH on it are not logged. The
 * next link goes through the same round of addresses again.
 */
static void
auth_refused(struct store *st, const char *err)
{
	const struct config *c = st->cfg;
	const char *words = redis_words(st, err);

	st->auth_refused_gen = st->gen;
	st->dial.next = st->dial.addrs.n;
	set_trouble(st, STORE_TROUBLE_AUTH, "Redis refused authentication: "
	    "%s", words);
	if (c->redis_password == NULL)
		log_warnx("redis: authentication refused (%s): Redis wants "
		    "a password: set redis_password_file (and redis_user for "
		    "an ACL user)", words);
	else if (c->redis_user[0] != '\0')
		log_warnx("redis: authentication refused for user %s "
		    "(%s): check redis_user and the password in "
		    "redis_password_file", c->redis_user, words);
	else
		log_warnx("redis: authentication refused (%s): check the "
		    "password in redis_password_file (and redis_user for an "
		    "ACL user)", words);
	redisAsyncDisconnect(st->ac);
}

static void
on_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct op *op = privdata;
	const struct op_type *t = op->type;
	redisReply *r = reply;
	struct store *st = op->st;

	(void)ac;
	st->pending--;
	if (r == NULL || st->freeing) {		/* link lost, or the context freed */
		/* Nothing queued on a link that never came up was sent. */
		answer_status(op, op->gen == st->refused_gen ? STORE_DOWN :
		    STORE_UNKNOWN);
		op_free(op);
		return;
	}
	/*
	 * Redis forgot the script (SCRIPT FLUSH since connect_now loaded it):
	 * nothing ran; send it again with its body. Even a write answered
	 * "unknown" at its timeout: it may still apply, as with EVAL. What
	 * was sent behind it ran first: later scripts answered NOSCRIPT too
	 * and come back in order (unless another client loaded the scripts
	 * meanwhile), but a plain read (job.get) pipelined right behind a
	 * write may miss it, once, after a flush.
	 */
	if (r->type == REDIS_REPLY_ERROR && op->args != NULL &&
	    strncmp(r->str, "NOSCRIPT", 8) == 0 && op->gen == st->gen) {
		retry_eval(st, op);
		return;
	}
	/*
	 * A write answered "unknown" at its timeout has reached Redis after
	 * all: the mirror may no longer be what Redis holds.
	 */
	if (t->write && op->answered && op->gen == st->gen)
		st->up.reload(st, "a write answered \"unknown\" reached Redis "
		    "after all");
	if (r->type == REDIS_REPLY_ERROR) {
		struct store_res res;
		memset(&res, 0, sizeof(res));
		res.status = STORE_FAILED;
		res.error = r->str;
		if (op->gen == st->gen && st->auth_refused_gen != st->gen &&
		    auth_error(t->auth, r->str))
			auth_refused(st, r->str);
		else if (t->error != OE_ANSWER &&
		    op->gen != st->auth_refused_gen)
			log_warnx("redis: %s%s", r->str, t->error == OE_SKIP ?
			    " (skipping that record)" : "");
		answer(op, &res);
		if (t->error == OE_FATAL && op->gen == st->gen &&
		    (st->state == ST_CONNECTING || st->state == ST_LOADING)) {
			/*
			 * A link that cannot prove itself (a PING answered
			 * -LOADING while Redis reads its data) or a load that
			 * cannot finish: drop the link, retry.
			 */
			redisAsyncDisconnect(st->ac);
		}
		op_free(op);
		return;
	}
	if (t->reply != NULL && (!t->this_link || op->gen == st->gen))
		t->reply(op, r);
	op_free(op);
}

/* ---- loading the mirror ---------------------------------------------- */

static void	on_load_pos(struct op *op, redisReply *r);
static void	on_load_employers(struct op *op, redisReply *r);
static void	on_load_employer(struct op *op, redisReply *r);
static void	on_load_seekers(struct op *op, redisReply *r);
static void	on_load_seeker(struct op *op, redisReply *r);
static void	on_load_jobs(struct op *op, redisReply *r);
static void	on_load_job(struct op *op, redisReply *r);
static void	on_load_end(struct op *op, redisReply *r);

/* The load's steps cannot go on without their reply (OE_FATAL); a
 * record that cannot be read is skipped (OE_SKIP). A reply that comes on
 * a later link is of a load that link started again. */
static const struct op_type T_LOAD_POS = {
	.reply = on_load_pos, .error = OE_FATAL, .this_link = true };
static const struct op_type T_LOAD_EMPLOYERS = {
	.reply = on_load_employers, .error = OE_FATAL, .this_link = true };
static const struct op_type T_LOAD_EMPLOYER = {
	.reply = on_load_employer, .error = OE_SKIP, .this_link = true };
static const struct op_type T_LOAD_SEEKERS = {
	.reply = on_load_seekers, .error = OE_FATAL, .this_link = true };
static const struct op_type T_LOAD_SEEKER = {
	.reply = on_load_seeker, .error = OE_SKIP, .this_link = true };
static const struct op_type T_LOAD_JOBS = {
	.reply = on_load_jobs, .error = OE_FATAL, .this_link = true };
static const struct op_type T_LOAD_JOB = {
	.reply = on_load_job, .error = OE_SKIP, .this_link = true };
static const struct op_type T_LOAD_END = {
	.reply = on_load_end, .error = OE_FATAL, .this_link = true };

static void
send_load(struct store *st, const struct op_type *type, long offset,
    int argc, const char **argv)
{
	struct op *op = op_new(st, type, NULL, NULL);

	if (op == NULL)
		return;
	op->offset = offset;
	send_strs(st, op, argc, argv);
}

static void
load_employers_from(struct store *st, long offset)
{
	char key[128], from[32], to[32];
	const char *argv[] = { "ZRANGE", key, from, to };

	snprintf(key, sizeof(key), "%semployers", st->cfg->key_prefix);
	snprintf(from, sizeof(from), "%ld", offset);
	snprintf(to, sizeof(to), "%ld", offset + LOAD_BATCH - 1);
	send_load(st, &T_LOAD_EMPLOYERS, offset, NARGS(argv), argv);
}

static void
load_jobs_from(struct store *st, const char *cursor)
{
	char key[128], count[16];
	const char *argv[] = { "SSCAN", key, cursor, "COUNT", count };

	snprintf(key, sizeof(key), "%sjobs:open", st->cfg->key_prefix);
	snprintf(count, sizeof(count), "%d", LOAD_BATCH);
	send_load(st, &T_LOAD_JOBS, 0, NARGS(argv), argv);
}

/*
 * A load begins by reading the change stream's position: every write after
 * it is in the stream, so the tail takes over from there, and every write
 * before it is in what the load reads.
 */
static void
load_start(struct store *st)
{
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix };
	struct op *op;

	st->state = ST_LOADING;
	st->nloaded = 0;
	if ((op = op_new(st, &T_LOAD_POS, NULL, NULL)) != NULL)
		send_script(st, op, SC_CHANGES, NARGS(argv), argv);
	load_employers_from(st, 0);
}

/* The main link went down: the next link loads anyway, and its load tells
 * the tail where to start. */
static void
load_link_down(struct store *st, bool loading)
{
	st->reload = false;
	st->tail.have_pos = false;
	if (loading && st->hooks.load_end != NULL)
		st->hooks.load_end(false, st->hooks.arg);
}

/*
 * A load step got a reply of the wrong shape: the load cannot finish on
 * this link, so drop it; the reconnect loads again from the start.
 */
static void
load_failed(struct store *st, const char *what)
{
	log_warnx("redis: unexpected reply while loading %s; reconnecting",
	    what);
	if (st->ac != NULL)
		redisAsyncDisconnect(st->ac);
}

/* script_changes's answer: the stream's position. */
static void
on_load_pos(struct op *op, redisReply *r)
{
	struct store *st = op->st;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 5) {
		load_failed(st, "the change stream's position");
		return;
	}
	/*
	 * The new mirror starts here, not when the load was asked for:
	 * every reply that reaches it from now on (the load's reads, this
	 * daemon's writes, the tail's reads) is of a command Redis ran after
	 * the position, in the order it ran them, and the tail covers every
	 * change after it.
	 */
	if (st->hooks.load_begin != NULL)
		st->hooks.load_begin(st->hooks.arg);
	tail_set_pos(st, reply_str(r->element[0]),
	    (uint64_t)reply_int(r->element[1]));
}

/* A batch of employer ids: the next batch's ids first (see
 * on_load_jobs), then their records. */
static void
on_load_employers(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	char key[256];

	if (r->type != REDIS_REPLY_ARRAY) {
		load_failed(st, "employers");
		return;
	}
	if (r->elements == LOAD_BATCH)
		load_employers_from(st, op->offset + LOAD_BATCH);
	for (size_t i = 0; i < r->elements; i++) {
		const char *argv[] = { "HMGET", key, "doc", "version",
		    "created_at", "updated_at", "status" };
		if (reply_str(r->element[i]) == NULL)
			continue;
		snprintf(key, sizeof(key), "%semployer:%s",
		    st->cfg->key_prefix, r->element[i]->str);
		send_load(st, &T_LOAD_EMPLOYER, 0, NARGS(argv), argv);
	}
	if (r->elements != LOAD_BATCH)
		load_seekers_from(st, NULL);
}

static void
on_load_employer(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	struct store_rec rec;

	if (r->type == REDIS_REPLY_ARRAY && r->elements == 5 &&
	    fill_rec(&rec, r->element) && st->hooks.load_employer) {
		st->nloaded++;
		st->hooks.load_employer(&rec, st->hooks.arg);
	}
}

/*
 * Reads the next batch of seeker ids after member after (NULL: from the
 * start). By value, not by position: a seeker deleted while the mirror
 * loads must not make the next batch skip one.
 */
static void
load_seekers_from(struct store *st, const char *after)
{
	char key[128], from[ID_MAX + 2], count[16];
	const char *argv[] = { "ZRANGEBYLEX", key, from, "+", "LIMIT", "0",
	    count };

	snprintf(key, sizeof(key), "%sseekers", st->cfg->key_prefix);
	if (after != NULL)
		snprintf(from, sizeof(from), "(%s", after);
	else
		snprintf(from, sizeof(from), "-");
	snprintf(count, sizeof(count), "%d", LOAD_BATCH);
	send_load(st, &T_LOAD_SEEKERS, 0, NARGS(argv), argv);
}

/* A batch of seeker ids: their records, then the next batch (or the
 * postings). */
static void
on_load_seekers(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	char key[256];
	const char *last = NULL;

	if (r->type == REDIS_REPLY_ARRAY)
		for (size_t i = 0; i < r->elements; i++) {
			const char *argv[] = { "HMGET", key, "doc", "version",
			    "created_at", "updated_at", "status" };
			if ((last = reply_str(r->element[i])) == NULL)
				continue;
			snprintf(key, sizeof(key), "%sseeker:%s",
			    st->cfg->key_prefix, last);
			send_load(st, &T_LOAD_SEEKER, 0, NARGS(argv), argv);
		}
	if (r->type == REDIS_REPLY_ARRAY && r->elements == LOAD_BATCH &&
	    last != NULL)
		load_seekers_from(st, last);
	else
		load_jobs_from(st, "0");
}

static void
on_load_seeker(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	struct store_rec rec;

	if (r->type == REDIS_REPLY_ARRAY && r->elements == 5 &&
	    fill_rec(&rec, r->element) && st->hooks.load_seeker != NULL) {
		st->nloaded++;
		st->hooks.load_seeker(&rec, st->hooks.arg);
	}
}

/* A batch of open postings' ids (SSCAN): their records, and the end of
 * the load after the last batch. */
static void
on_load_jobs(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	char key[256];
	bool more;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    reply_str(r->element[0]) == NULL ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		load_failed(st, "postings");
		return;
	}
	/*
	 * The next batch's ids are asked for before this batch's records:
	 * their reply then comes ahead of this batch's, so the next batch's
	 * reads are sent while this one is being decoded, and Redis works on
	 * them meanwhile instead of waiting for the daemon (one batch ahead,
	 * no more).
	 */
	more = strcmp(r->element[0]->str, "0") != 0;
	if (more)
		load_jobs_from(st, r->element[0]->str);
	for (size_t i = 0; i < r->element[1]->elements; i++) {
		redisReply *m = r->element[1]->element[i];
		const char *argv[] = { "HMGET", key, "doc", "version",
		    "posted_at", "updated_at", "status" };
		if (reply_str(m) == NULL)
			continue;
		snprintf(key, sizeof(key), "%sjob:%s", st->cfg->key_prefix,
		    m->str);
		send_load(st, &T_LOAD_JOB, 0, NARGS(argv), argv);
	}
	if (!more) {
		const char *argv[] = { "PING" };
		send_load(st, &T_LOAD_END, 0, NARGS(argv), argv);
	}
}

static void
on_load_job(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	struct store_rec rec;

	if (r->type == REDIS_REPLY_ARRAY && r->elements == 5 &&
	    fill_rec(&rec, r->element) && !rec.closed &&
	    st->hooks.load_job) {
		st->nloaded++;
		st->hooks.load_job(&rec, st->hooks.arg);
	}
}

/* The PING after the last batch: every record was read. */
static void
on_load_end(struct op *op, redisReply *r)
{
	struct store *st = op->st;

	(void)r;
	st->state = ST_READY;
	/* Only a link that could load counts as back: one that drops at
	 * every load must not reconnect ten times a second. */
	st->backoff_ms = BACKOFF_MIN_MS;
	st->loads++;
	st->loaded_at = (int64_t)time(NULL);
	log_info("redis: mirror loaded");
	if (st->nloaded == 0 && st->had_data) {
		st->emptied = true;
		log_warnx("redis: EMPTY: Redis holds no employers, postings or "
		    "seekers where there were some. If Redis was replaced or "
		    "lost its data, restore it from a backup; matches now find "
		    "nothing (stats: store.emptied)");
	} else if (st->nloaded > 0) {
		st->had_data = true;
		st->emptied = false;
	}
	if (st->hooks.load_end != NULL)
		st->hooks.load_end(true, st->hooks.arg);
	if (st->reload) {	/* asked for during this load */
		st->reload = false;
		load_start(st);
	}
}

/* ---- connection ------------------------------------------------------ */

static void
went_down(struct store *st)
{
	bool loading = st->state == ST_LOADING;
	bool was_up = loading || st->state == ST_READY;

	st->ac = NULL;
	st->state = ST_DOWN;
	st->gen++;
	st->up.down(st, loading);
	/* Told once per outage; each failed attempt logs its own line. */
	if (was_up && st->hooks.down != NULL)
		st->hooks.down(st->hooks.arg);
	schedule_reconnect(st);
}

/* " to HOST:PORT (ADDRESS)" for a link by host name, for the log; "" for
 * the others, whose address is the configured one. */
static const char *
dial_where(const struct store *st, const struct dial *d, char *buf,
    size_t len)
{
	if (st->resolver == NULL || d->next == 0 || d->next > d->addrs.n)
		return "";
	snprintf(buf, len, " to %s:%d (%s)", st->cfg->redis.host,
	    st->cfg->redis.port, d->addrs.addr[d->next - 1]);
	return buf;
}

static void
on_connect(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;
	char buf[384];
	const char *where;

	if (status == REDIS_OK || st->freeing)
		return;
	where = dial_where(st, &st->dial, buf, sizeof(buf));
	if (st->dial.next < st->dial.addrs.n)
		log_debug("redis: cannot connect%s: %s; trying the next "
		    "address", where, ac->errstr);
	else
		log_warnx("redis: cannot connect%s: %s", where, ac->errstr);
	set_trouble(st, STORE_TROUBLE_UNREACHABLE, "cannot connect%s: %s",
	    where, ac->errstr);
	st->refused_gen = st->gen;
	went_down(st);
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;

	if (st->freeing)
		return;
	if (st->auth_refused_gen == st->gen)
		;			/* auth_refused said why */
	else if (status != REDIS_OK)
		log_warnx("redis: connection lost: %s", ac->errstr);
	else
		log_warnx("redis: disconnected");
	if (st->trouble_gen != st->gen)
		set_trouble(st, STORE_TROUBLE_UNREACHABLE, "%s%s",
		    status != REDIS_OK ? "connection lost: " : "disconnected",
		    status != REDIS_OK ? ac->errstr : "");
	st->dial.next = st->dial.addrs.n;	/* it was reached: round over */
	went_down(st);
}

/*
 * Frees a link that did not answer in time. hiredis calls the disconnect
 * callback only for a link whose TCP connect completed; for one still
 * connecting, it calls nothing, so gone() is called here instead.
 */
static void
drop_link(struct store *st, redisAsyncContext *ac,
    void (*gone)(struct store *))
{
	bool connected = (ac->c.flags & REDIS_CONNECTED) != 0;

	redisAsyncFree(ac);		/* calls back every command with NULL */
	if (!connected)
		gone(st);
}

/* A new link must answer its PING within redis_timeout_ms: a connect that
 * hangs (a host that drops packets) is tried again instead. */
static void
connect_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct store *st = arg;

	(void)fd;
	(void)ev;
	if (st->state != ST_CONNECTING || st->ac == NULL)
		return;
	log_warnx("redis: no answer within %d ms of connecting; trying again",
	    st->cfg->redis_timeout_ms);
	set_trouble(st, STORE_TROUBLE_UNREACHABLE, "no answer within %d ms "
	    "of connecting", st->cfg->redis_timeout_ms);
	if ((st->ac->c.flags & REDIS_CONNECTED) == 0)
		st->refused_gen = st->gen;	/* nothing was sent */
	else
		st->dial.next = st->dial.addrs.n;	/* round over */
	drop_link(st, st->ac, went_down);
}

static void
reconnect_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	connect_now(arg);
}

/* Arms a reconnect timer after *backoff_ms, and doubles it (to a cap). */
static void
backoff(struct event *timer, int *backoff_ms)
{
	struct timeval tv = { *backoff_ms / 1000, (*backoff_ms % 1000) * 1000 };

	if (evtimer_pending(timer, NULL))
		return;
	evtimer_add(timer, &tv);
	*backoff_ms *= 2;
	if (*backoff_ms > BACKOFF_MAX_MS)
		*backoff_ms = BACKOFF_MAX_MS;
}

/* The next address of the round at once; after the round, the backoff. */
static void
dial_again(struct dial *d, struct event *timer, int *backoff_ms)
{
	static const struct timeval now = { 0, 0 };

	if (d->next < d->addrs.n)
		evtimer_add(timer, &now);
	else
		backoff(timer, backoff_ms);
}

static void
schedule_reconnect(struct store *st)
{
	if (!st->freeing)
		dial_again(&st->dial, st->reconnect, &st->backoff_ms);
}

/*
 * The address the next link connects to; NULL when the host name must be
 * looked up first (then done is called with the answer, unless the lookup
 * could not start: d->lookup stays NULL). No new lookup while stopping.
 */
static const char *
dial_addr(struct store *st, struct dial *d, resolve_cb *done)
{
	if (st->resolver == NULL)
		return st->cfg->redis.host;
	if (d->next < d->addrs.n)
		return d->addrs.addr[d->next++];
	if (d->lookup == NULL && !st->quiet)
		d->lookup = resolve_start(st->resolver, st->cfg->redis.host,
		    done, st);
	return NULL;
}

/* Sends AUTH, the first command of every link, when a password is set. */
static int
auth_argv(const struct config *c, const char *argv[3])
{
	if (c->redis_password == NULL)
		return 0;
	argv[0] = "AUTH";
	if (c->redis_user[0] == '\0') {
		argv[1] = c->redis_password;
		return 2;
	}
	argv[1] = c->redis_user;
	argv[2] = c->redis_password;
	return 3;
}

static void
main_resolved(const struct resolve_result *res, const char *err, void *arg)
{
	struct store *st = arg;

	st->dial.lookup = NULL;
	if (err != NULL) {
		log_warnx("redis: cannot resolve %s: %s", st->cfg->redis.host,
		    err);
		set_trouble(st, STORE_TROUBLE_UNRESOLVED, "Redis host name "
		    "not resolved: %s: %s", st->cfg->redis.host, err);
		schedule_reconnect(st);
		return;
	}
	log_debug("redis: %s is %s%s", st->cfg->redis.host, res->addr[0],
	    res->n > 1 ? " (and more: each in turn)" : "");
	st->dial.addrs = *res;
	st->dial.next = 0;
	connect_now(st);
}

/* SCRIPT LOAD's answer is the script's SHA-1, which EVALSHA names. */
static void
script_loaded(struct op *op, redisReply *r)
{
	struct store *st = op->st;

	if (reply_str(r) == NULL || strcmp(r->str, st->sha[op->offset]) != 0)
		log_warnx("redis: SCRIPT LOAD answered %s for %s",
		    reply_str(r) ? r->str : "no name", st->sha[op->offset]);
}

/* A link that cannot authenticate, select its database or answer PING
 * is not used (OE_FATAL). INFO and SCRIPT LOAD may be refused (an ACL):
 * said, and the link goes on. */
static const struct op_type T_AUTH = { .error = OE_FATAL, .auth = true };
static const struct op_type T_SELECT = { .error = OE_FATAL };
static const struct op_type T_SCRIPT = {
	.reply = script_loaded, .error = OE_NOTE };
static const struct op_type T_INFO = {
	.reply = note_run_id, .error = OE_NOTE, .this_link = true };

/* The first reply on a new link: it is up; the mirror is loaded. */
static void
link_proved(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	const char *argv[] = { "INFO", "server" };

	(void)r;
	if (st->state != ST_CONNECTING)
		return;
	log_info("redis: connected");
	evtimer_del(st->connect_timer);
	st->trouble = STORE_TROUBLE_NONE;
	st->trouble_text[0] = '\0';
	st->dial.next = st->dial.addrs.n;	/* round over */
	send_load(st, &T_INFO, 0, NARGS(argv), argv);
	st->up.ready(st);
}

static const struct op_type T_PING = {
	.reply = link_proved, .error = OE_FATAL, .this_link = true };

static void
connect_now(struct store *st)
{
	const struct config *c = st->cfg;
	redisAsyncContext *ac;
	const char *addr, *auth[3];
	char db[16];
	int n;

	if ((addr = dial_addr(st, &st->dial, main_resolved)) == NULL) {
		if (st->dial.lookup == NULL)
			schedule_reconnect(st);
		return;
	}
	if ((ac = open_link(st, addr)) == NULL) {
		schedule_reconnect(st);
		return;
	}
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	st->ac = ac;
	st->gen++;
	st->state = ST_CONNECTING;
	{
		struct timeval tv = { c->redis_timeout_ms / 1000,
		    (c->redis_timeout_ms % 1000) * 1000 };
		evtimer_add(st->connect_timer, &tv);
	}
	if ((n = auth_argv(c, auth)) > 0)
		send_load(st, &T_AUTH, 0, n, auth);
	if (c->redis_db != 0) {
		const char *argv[] = { "SELECT", db };
		snprintf(db, sizeof(db), "%d", c->redis_db);
		send_load(st, &T_SELECT, 0, NARGS(argv), argv);
	}
	/*
	 * Every script is known to Redis before any EVALSHA on this link, so
	 * that only a SCRIPT FLUSH while connected makes one answer NOSCRIPT
	 * (and run after commands sent behind it: see on_reply).
	 */
	for (int i = 0; i < SC_COUNT; i++) {
		const char *argv[] = { "SCRIPT", "LOAD", scripts[i] };
		send_load(st, &T_SCRIPT, i, NARGS(argv), argv);
	}
	/* The first reply proves the link; then the mirror is loaded. */
	const char *ping[] = { "PING" };
	send_load(st, &T_PING, 0, NARGS(ping), ping);
}

/* The hex SHA-1 of each script: the name EVALSHA knows it by. */
static int
script_shas(struct store *st)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	for (int i = 0; i < SC_COUNT; i++) {
		if (EVP_Digest(scripts[i], strlen(scripts[i]), md, &len,
		    EVP_sha1(), NULL) != 1 || len != 20)
			return -1;
		for (unsigned int j = 0; j < len; j++)
			snprintf(st->sha[i] + 2 * j, 3, "%02x", md[j]);
	}
	return 0;
}

struct store *
store_new(struct event_base *base, const struct config *cfg,
    const struct store_hooks *hooks)
{
	struct store *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	st->base = base;
	st->cfg = cfg;
	st->hooks = *hooks;
	st->up.ready = load_start;
	st->up.down = load_link_down;
	st->up.reload = store_reload;
	st->backoff_ms = BACKOFF_MIN_MS;
	st->tail.backoff_ms = BACKOFF_MIN_MS;
	strcpy(st->tail.id, "0-0");
	st->late_tail = &st->late;
	/* redis HOST:PORT by name: looked up for every new link */
	if (cfg->redis_socket[0] == '\0' &&
	    !resolve_is_numeric(cfg->redis.host) &&
	    (st->resolver = resolver_new(base)) == NULL) {
		free(st);
		return NULL;
	}
	if (script_shas(st) == -1 ||
	    (st->reserve = calloc(OP_RESERVE, sizeof(*st->reserve))) == NULL ||
	    (st->reconnect = evtimer_new(base, reconnect_cb, st)) == NULL ||
	    (st->connect_timer = evtimer_new(base, connect_timeout, st)) ==
	    NULL ||
	    (st->tail.reconnect = evtimer_new(base, tail_reconnect_cb,
	    st)) == NULL ||
	    (st->tail.timer = evtimer_new(base, tail_timeout, st)) == NULL ||
	    (st->late_timer = evtimer_new(base, answer_owed, st)) == NULL) {
		if (st->reconnect != NULL)
			event_free(st->reconnect);
		if (st->connect_timer != NULL)
			event_free(st->connect_timer);
		if (st->tail.reconnect != NULL)
			event_free(st->tail.reconnect);
		if (st->tail.timer != NULL)
			event_free(st->tail.timer);
		resolver_free(st->resolver);
		free(st->reserve);
		free(st);
		return NULL;
	}
	return st;
}

void
store_start(struct store *st)
{
	connect_now(st);
	tail_connect(st);
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	st->freeing = true;
	if (st->ac != NULL) {
		redisAsyncContext *ac = st->ac;
		st->ac = NULL;		/* what the callbacks issue: not sent */
		redisAsyncFree(ac);	/* calls back every op with NULL */
	}
	if (st->tail.ac != NULL)
		redisAsyncFree(st->tail.ac);
	resolve_cancel(st->dial.lookup);
	resolve_cancel(st->tail.dial.lookup);
	/* the answers owed, and those their callbacks make owed */
	while (st->late != NULL)
		answer_owed(-1, 0, st);
	event_free(st->reconnect);
	event_free(st->connect_timer);
	event_free(st->tail.reconnect);
	event_free(st->tail.timer);
	event_free(st->late_timer);
	resolver_free(st->resolver);
	free(st->reserve);
	free(st);
}

bool
store_connected(const struct store *st)
{
	return st->state == ST_LOADING || st->state == ST_READY;
}

bool
store_loaded(const struct store *st)
{
	return st->state == ST_READY;
}

/* ---- commands -------------------------------------------------------- */

static void
now_str(char *buf, size_t len)
{
	snprintf(buf, len, "%lld", (long long)time(NULL));
}

void
store_rules_get(struct store *st, store_cb *cb, void *arg)
{
	char key[128];
	struct op *op = op_new(st, &T_GET, cb, arg);
	const char *argv[] = { "HMGET", key, "doc", "version", "updated_at",
	    "updated_at", "status" };

	if (op == NULL)
		return;
	snprintf(key, sizeof(key), "%srules", st->cfg->key_prefix);
	send_strs(st, op, NARGS(argv), argv);
}

void
store_rules_set(struct store *st, const char *doc, int64_t expected_version,
    store_cb *cb, void *arg)
{
	char ev[32], now[32], maxlen[32], hist[32];
	struct op *op = op_new(st, &T_RULES_WRITE, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, doc, ev, now, maxlen, hist };

	if (op == NULL)
		return;
	if (expected_version >= 0)
		snprintf(ev, sizeof(ev), "%" PRId64, expected_version);
	else
		ev[0] = '\0';
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	snprintf(hist, sizeof(hist), "%zu", st->cfg->rules_history);
	send_script(st, op, SC_RULES_SET, NARGS(argv), argv);
}

void
store_rules_history(struct store *st, size_t limit, int64_t only,
    store_cb *cb, void *arg)
{
	char lim[32], one[32];
	struct op *op = op_new(st, &T_RULES, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, lim, one };

	if (op == NULL)
		return;
	snprintf(lim, sizeof(lim), "%zu", limit);
	if (only > 0)
		snprintf(one, sizeof(one), "%" PRId64, only);
	else
		one[0] = '\0';
	send_script(st, op, SC_RULES_HISTORY, NARGS(argv), argv);
}

/* Runs a registry write script (employer, seeker): id, doc, now, maxlen. */
static void
put_record(struct store *st, enum script_id script, const char *id,
    const char *doc, store_cb *cb, void *arg)
{
	char now[32], maxlen[32];
	struct op *op = op_new(st, &T_WRITE, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, id,
	    doc, now, maxlen };

	if (op == NULL)
		return;
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	send_script(st, op, script, NARGS(argv), argv);
}

/* Reads a registry record (prefix KIND:ID). */
static void
get_record(struct store *st, const char *kind, const char *id, store_cb *cb,
    void *arg)
{
	char key[256];
	struct op *op = op_new(st, &T_GET, cb, arg);
	const char *argv[] = { "HMGET", key, "doc", "version", "created_at",
	    "updated_at", "status" };

	if (op == NULL)
		return;
	snprintf(key, sizeof(key), "%s%s:%s", st->cfg->key_prefix, kind, id);
	send_strs(st, op, NARGS(argv), argv);
}

void
store_put_employer(struct store *st, const char *id, const char *doc,
    store_cb *cb, void *arg)
{
	put_record(st, SC_PUT_EMPLOYER, id, doc, cb, arg);
}

void
store_get_employer(struct store *st, const char *id, store_cb *cb, void *arg)
{
	get_record(st, "employer", id, cb, arg);
}

void
store_put_job(struct store *st, const struct job_write *w, store_cb *cb,
    void *arg)
{
	char lat[32], lon[32], ev[32], now[32], maxlen[32];
	struct op *op = op_new(st, &T_WRITE, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, w->employer_id, w->id, w->doc, w->dis,
	    w->town, lat, lon, ev, now, maxlen };

	if (op == NULL)
		return;
	/* Every digit: rounded to 7 decimals, the largest latitude GEOADD
	 * takes (85.05112878) would become one it refuses. */
	snprintf(lat, sizeof(lat), "%.17g", w->lat);
	snprintf(lon, sizeof(lon), "%.17g", w->lon);
	if (w->expected_version >= 0)
		snprintf(ev, sizeof(ev), "%" PRId64, w->expected_version);
	else
		ev[0] = '\0';
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	send_script(st, op, SC_PUT_JOB, NARGS(argv), argv);
}

void
store_close_job(struct store *st, const char *employer_id, const char *id,
    const char *reason, store_cb *cb, void *arg)
{
	char now[32], maxlen[32];
	struct op *op = op_new(st, &T_WRITE, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, employer_id, id, reason, now, maxlen };

	if (op == NULL)
		return;
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	send_script(st, op, SC_CLOSE_JOB, NARGS(argv), argv);
}

void
store_get_job(struct store *st, const char *employer_id, const char *id,
    store_cb *cb, void *arg)
{
	char key[256];
	struct op *op = op_new(st, &T_GET, cb, arg);
	const char *argv[] = { "HMGET", key, "doc", "version", "posted_at",
	    "updated_at", "status" };

	if (op == NULL)
		return;
	snprintf(key, sizeof(key), "%sjob:%s:%s", st->cfg->key_prefix,
	    employer_id, id);
	send_strs(st, op, NARGS(argv), argv);
}

/* One page of postings: what it may cost Redis is job_list_scan postings
 * examined and job_list_bytes of documents read (script_list_jobs). */
void
store_list_jobs(struct store *st, const struct job_list_query *q,
    store_cb *cb, void *arg)
{
	char limit[32], scan[32], bytes[32];
	struct op *op = op_new(st, &T_LIST, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, q->employer_id ? q->employer_id : "",
	    q->cursor ? q->cursor : "", limit, q->town ? q->town : "",
	    q->status ? q->status : "", scan, bytes };

	if (op == NULL)
		return;
	snprintf(limit, sizeof(limit), "%zu", q->limit);
	snprintf(scan, sizeof(scan), "%zu", st->cfg->job_list_scan);
	snprintf(bytes, sizeof(bytes), "%zu", st->cfg->job_list_bytes);
	send_script(st, op, SC_LIST_JOBS, NARGS(argv), argv);
}

/* ---- registered seekers ---------------------------------------------- */

void
store_put_seeker(struct store *st, const char *id, const char *doc,
    store_cb *cb, void *arg)
{
	put_record(st, SC_PUT_SEEKER, id, doc, cb, arg);
}

void
store_get_seeker(struct store *st, const char *id, store_cb *cb, void *arg)
{
	get_record(st, "seeker", id, cb, arg);
}

void
store_delete_seeker(struct store *st, const char *id, store_cb *cb,
    void *arg)
{
	char maxlen[32];
	struct op *op = op_new(st, &T_WRITE, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, id, maxlen };

	if (op == NULL)
		return;
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	send_script(st, op, SC_DELETE_SEEKER, NARGS(argv), argv);
}


/* ---- placements -------------------------------------------------------- */

void
store_record_placement(struct store *st, const struct placement_write *w,
    store_cb *cb, void *arg)
{
	char jv[32], day[32], now[32], maxlen[32];
	struct op *op = op_new(st, &T_WRITE, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, w->hire,
	    w->seeker_id, w->employer_id, w->job_id, jv,
	    w->job_doc != NULL ? w->job_doc : "", w->seeker_doc_read,
	    w->seeker_doc, w->doc, day, now, maxlen };

	if (op == NULL)
		return;
	snprintf(jv, sizeof(jv), "%" PRId64, w->job_version);
	snprintf(day, sizeof(day), "%" PRId64, w->day);
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	send_script(st, op, SC_PLACEMENT, NARGS(argv), argv);
}

void
store_list_placements(struct store *st, int64_t from, int64_t to,
    const char *cursor, size_t limit, store_cb *cb, void *arg)
{
	char f[32], t[32], l[32];
	struct op *op = op_new(st, &T_LIST, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, f, t,
	    cursor != NULL ? cursor : "", l };

	if (op == NULL)
		return;
	snprintf(f, sizeof(f), "%" PRId64, from);
	snprintf(t, sizeof(t), "%" PRId64, to);
	snprintf(l, sizeof(l), "%zu", limit);
	send_script(st, op, SC_LIST_PLACEMENTS, NARGS(argv), argv);
}

/* ---- the change stream ----------------------------------------------- */

enum tail_kind { TAIL_AUTH, TAIL_PING, TAIL_SELECT, TAIL_QUEUED, TAIL_READ,
	TAIL_WAIT };

struct tail_op {
	struct store	*st;
	enum tail_kind	 kind;
	unsigned	 gen, epoch;
};

/* Compares two stream ids "ms-seq" as numbers. */
static int
id_cmp(const char *a, const char *b)
{
	unsigned long long am, as = 0, bm, bs = 0;
	char *end;

	am = strtoull(a, &end, 10);
	if (*end == '-')
		as = strtoull(end + 1, NULL, 10);
	bm = strtoull(b, &end, 10);
	if (*end == '-')
		bs = strtoull(end + 1, NULL, 10);
	if (am != bm)
		return am < bm ? -1 : 1;
	return as < bs ? -1 : as > bs;
}

void
store_reload(struct store *st, const char *why)
{
	if (st->freeing || st->quiet)
		return;
	log_warnx("redis: %s; loading the mirror again", why);
	if (st->state == ST_READY)
		load_start(st);
	else if (st->state == ST_LOADING)
		st->reload = true;
	/* down or connecting: the next link loads anyway */
}

/* The stream's position at the start of a load, its last entry's id
 * (NULL or "": none) and entries-added: the tail starts there, whatever
 * it was doing. */
static void
tail_set_pos(struct store *st, const char *last, uint64_t added)
{
	struct tail *t = &st->tail;

	if (last == NULL || last[0] == '\0')
		last = "0-0";
	snprintf(t->id, sizeof(t->id), "%s", last);
	t->added = added;
	t->lag = 0;
	t->have_pos = true;
	t->lost = false;
	t->epoch++;
	tail_next(st);
}

/* Entries after the position are gone: only a new load can tell the
 * mirror what they did. */
static void
tail_lost(struct store *st, const char *why)
{
	st->tail.lost = true;
	st->up.reload(st, why);
}

static void	on_tail_reply(redisAsyncContext *ac, void *reply,
		    void *privdata);

static int
tail_send(struct store *st, enum tail_kind kind, int argc, const char **argv,
    int timeout_ms)
{
	struct tail *t = &st->tail;
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct tail_op *op;
	sds cmd;

	if ((op = calloc(1, sizeof(*op))) == NULL) {
		log_warnx("change stream: out of memory");
		return -1;
	}
	op->st = st;
	op->kind = kind;
	op->gen = t->gen;
	op->epoch = t->epoch;
	if ((cmd = cmd_format(argc, argv, NULL)) == NULL ||
	    cmd_send(t->ac, on_tail_reply, op, cmd) != REDIS_OK) {
		free(op);
		return -1;
	}
	t->inflight++;
	event_base_update_cache_time(st->base);
	evtimer_add(t->timer, &tv);
	return 0;
}

/*
 * Reads what follows the position with the stream's counters, in one
 * transaction so that nothing is trimmed between the two. The entries come
 * from a plain XRANGE, not through the script: a script's reply passes
 * through Lua tables, which cost Redis more than the read itself.
 */
static void
tail_next(struct store *st)
{
	struct tail *t = &st->tail;
	int ms = st->cfg->redis_timeout_ms;
	char count[16], key[128], from[STREAM_ID_MAX + 1];
	const char *multi[] = { "MULTI" }, *exec[] = { "EXEC" };
	const char *counters[] = { "EVAL", script_changes, "0",
	    st->cfg->key_prefix };
	const char *range[] = { "XRANGE", key, from, "+", "COUNT", count };

	if (t->ac == NULL || !t->up || t->inflight > 0 || !t->have_pos ||
	    t->lost || (st->redis_major > 0 && st->redis_major < 7) ||
	    st->quiet)
		return;
	snprintf(count, sizeof(count), "%d", TAIL_BATCH);
	snprintf(key, sizeof(key), "%schanges", st->cfg->key_prefix);
	snprintf(from, sizeof(from), "(%s", t->id);
	if (tail_send(st, TAIL_QUEUED, NARGS(multi), multi, ms) == -1 ||
	    tail_send(st, TAIL_QUEUED, NARGS(counters), counters, ms) == -1 ||
	    tail_send(st, TAIL_QUEUED, NARGS(range), range, ms) == -1 ||
	    tail_send(st, TAIL_READ, NARGS(exec), exec, ms) == -1)
		redisAsyncDisconnect(t->ac);	/* not half a transaction */
}

/* Waits (blocking XREAD) until something follows the position. */
static void
tail_wait(struct store *st)
{
	struct tail *t = &st->tail;
	char ms[16], key[128];
	const char *argv[] = { "XREAD", "BLOCK", ms, "COUNT", "1", "STREAMS",
	    key, t->id };

	snprintf(ms, sizeof(ms), "%d", st->cfg->stream_block_ms);
	snprintf(key, sizeof(key), "%schanges", st->cfg->key_prefix);
	tail_send(st, TAIL_WAIT, NARGS(argv), argv,
	    st->cfg->stream_block_ms + st->cfg->redis_timeout_ms);
}

/* Hands one entry [id, [field, value, ...]] to the change hook. */
static void
tail_apply(struct store *st, redisReply *e)
{
	struct store_change ch;
	redisReply *f;
	const char *id;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    (id = reply_str(e->element[0])) == NULL)
		return;
	memset(&ch, 0, sizeof(ch));
	ch.employer_id = ch.id = "";
	f = e->element[1];
	for (size_t i = 0; f->type == REDIS_REPLY_ARRAY &&
	    i + 1 < f->elements; i += 2) {
		const char *k = reply_str(f->element[i]);
		const char *v = reply_str(f->element[i + 1]);
		if (k == NULL || v == NULL)
			continue;
		if (strcmp(k, "op") == 0) {
			if (strcmp(v, "job.post") == 0)
				ch.op = CHANGE_JOB_POST;
			else if (strcmp(v, "job.close") == 0)
				ch.op = CHANGE_JOB_CLOSE;
			else if (strcmp(v, "employer.put") == 0)
				ch.op = CHANGE_EMPLOYER;
			else if (strcmp(v, "seeker.put") == 0)
				ch.op = CHANGE_SEEKER_PUT;
			else if (strcmp(v, "seeker.delete") == 0)
				ch.op = CHANGE_SEEKER_DELETE;
			else if (strcmp(v, "rules.set") == 0)
				ch.op = CHANGE_RULES;
		} else if (strcmp(k, "employer") == 0)
			ch.employer_id = v;
		else if (strcmp(k, "id") == 0)
			ch.id = v;
		else if (strcmp(k, "version") == 0)
			ch.version = strtoll(v, NULL, 10);
	}
	/* employer.put names its employer in "employer" */
	if (ch.op == CHANGE_EMPLOYER && ch.id[0] == '\0')
		ch.id = ch.employer_id;
	snprintf(st->tail.id, sizeof(st->tail.id), "%s", id);
	st->tail.added++;
	st->tail.changes++;
	if (st->hooks.change != NULL)
		st->hooks.change(&ch, st->hooks.arg);
}

/* tail_next's answer, EXEC's [script_changes's, XRANGE's]: check that
 * nothing after the position is gone, then apply what came. */
static void
tail_read_done(struct store *st, redisReply *x)
{
	struct tail *t = &st->tail;
	const char *last, *deleted, *first;
	uint64_t added, len;
	redisReply *r, *es;

	if (x->type != REDIS_REPLY_ARRAY || x->elements != 2 ||
	    (r = x->element[0])->type != REDIS_REPLY_ARRAY ||
	    (es = x->element[1])->type != REDIS_REPLY_ARRAY ||
	    r->elements != 5 ||
	    (last = reply_str(r->element[0])) == NULL ||
	    (deleted = reply_str(r->element[2])) == NULL ||
	    (first = reply_str(r->element[3])) == NULL) {
		log_warnx("change stream: unexpected reply; reconnecting");
		redisAsyncDisconnect(t->ac);
		return;
	}
	added = (uint64_t)reply_int(r->element[1]);
	len = (uint64_t)reply_int(r->element[4]);
	if (last[0] == '\0') {
		if (t->added > 0) {
			tail_lost(st, "the change stream is gone (Redis was "
			    "emptied or replaced)");
			return;
		}
	} else if (added < t->added) {
		tail_lost(st, "the change stream started again (Redis was "
		    "emptied or replaced)");
		return;
	} else if (((len == 0 || id_cmp(first, t->id) > 0) &&
	    added - t->added > len) || id_cmp(deleted, t->id) > 0) {
		/*
		 * Trimming removes the oldest entries: when the first left is
		 * past the position, the stream must still hold every entry
		 * added since (a stream trimmed to nothing reports its
		 * first entry as 0-0). XDEL leaves holes anywhere:
		 * max-deleted-entry-id says whether one is past the
		 * position.
		 */
		tail_lost(st, "changes this daemon had not read are gone from "
		    "the stream (trimmed: it fell behind by more than "
		    "stream_maxlen; or deleted)");
		return;
	}
	for (size_t i = 0; i < es->elements; i++) {
		tail_apply(st, es->element[i]);
		if (t->lost || st->freeing)
			return;		/* a hook asked for a reload */
	}
	t->lag = added > t->added ? added - t->added : 0;
	if (es->elements == TAIL_BATCH)
		tail_next(st);
	else
		tail_wait(st);
}

static void
on_tail_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct tail_op *op = privdata;
	struct store *st = op->st;
	struct tail *t = &st->tail;
	redisReply *r = reply;
	enum tail_kind kind = op->kind;
	bool current = op->epoch == t->epoch;
	unsigned gen = op->gen;

	(void)ac;
	free(op);
	if (st->freeing || gen != t->gen)
		return;
	if (--t->inflight <= 0) {
		t->inflight = 0;
		evtimer_del(t->timer);
	}
	if (r == NULL)
		return;			/* the link went: its callback says */
	if (r->type == REDIS_REPLY_ERROR && t->auth_refused)
		return;			/* said; the link is going */
	if (r->type == REDIS_REPLY_ERROR && auth_error(kind == TAIL_AUTH,
	    r->str)) {
		/* The main link says so once per step of its backoff; this
		 * one only when the main link is up, which is rare. */
		t->auth_refused = true;
		t->dial.next = t->dial.addrs.n;
		if (store_connected(st))
			log_warnx("change stream: authentication refused "
			    "(%s)", redis_words(st, r->str));
		else
			log_debug("change stream: authentication refused "
			    "(%s)", redis_words(st, r->str));
		redisAsyncDisconnect(t->ac);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("change stream: %s; reconnecting", r->str);
		redisAsyncDisconnect(t->ac);
		return;
	}
	switch (kind) {
	case TAIL_PING:
		t->up = true;
		t->backoff_ms = BACKOFF_MIN_MS;
		t->dial.next = t->dial.addrs.n;		/* round over */
		log_info("change stream: following %schanges",
		    st->cfg->key_prefix);
		tail_next(st);
		break;
	case TAIL_AUTH:
	case TAIL_SELECT:
	case TAIL_QUEUED:
		break;
	case TAIL_READ:
		if (current)
			tail_read_done(st, r);
		else
			tail_next(st);
		break;
	case TAIL_WAIT:
		/* Something came, or the wait ended: read it with the
		 * counters (the entries the XREAD saw are read again). */
		tail_next(st);
		break;
	}
}

/* No answer in time: a stalled or half-open link. Start a new one. */
static void
tail_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct store *st = arg;

	(void)fd;
	(void)ev;
	if (st->tail.ac == NULL)
		return;
	log_warnx("change stream: no reply in time; reconnecting");
	drop_link(st, st->tail.ac, tail_went_down);
}

static void
tail_went_down(struct store *st)
{
	struct tail *t = &st->tail;

	t->ac = NULL;
	t->up = false;
	t->inflight = 0;
	t->gen++;
	evtimer_del(t->timer);
	if (!st->freeing && !st->quiet)
		dial_again(&t->dial, t->reconnect, &t->backoff_ms);
}

static void
on_tail_connect(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;
	char where[384];

	if (status == REDIS_OK || st->freeing)
		return;
	log_debug("change stream: cannot connect%s: %s",
	    dial_where(st, &st->tail.dial, where, sizeof(where)), ac->errstr);
	tail_went_down(st);
}

static void
on_tail_disconnect(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;

	if (st->freeing)
		return;
	if (st->tail.up && !st->quiet)
		log_warnx("change stream: link lost%s%s",
		    status != REDIS_OK ? ": " : "",
		    status != REDIS_OK ? ac->errstr : "");
	st->tail.dial.next = st->tail.dial.addrs.n;	/* round over */
	tail_went_down(st);
}

static void
tail_reconnect_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	tail_connect(arg);
}

/* A new link to addr (an address: hiredis would block to look up a
 * name), or to the unix socket. */
static redisAsyncContext *
open_link(struct store *st, const char *addr)
{
	const struct config *c = st->cfg;
	redisAsyncContext *ac;

	if (c->redis_socket[0] != '\0')
		ac = redisAsyncConnectUnix(c->redis_socket);
	else
		ac = redisAsyncConnect(addr, c->redis.port);
	if (ac == NULL || ac->err) {
		log_warnx("redis: cannot connect: %s",
		    ac != NULL ? ac->errstr : "out of memory");
		if (ac != NULL)
			redisAsyncFree(ac);
		return NULL;
	}
	ac->data = st;
	if (redisLibeventAttach(ac, st->base) != REDIS_OK) {
		redisAsyncFree(ac);
		return NULL;
	}
	if (c->redis_socket[0] == '\0')
		(void)redisEnableKeepAlive(&ac->c);
	return ac;
}

static void
tail_resolved(const struct resolve_result *res, const char *err, void *arg)
{
	struct store *st = arg;
	struct tail *t = &st->tail;

	t->dial.lookup = NULL;
	if (err != NULL) {
		/* The main link's lookup says so. */
		log_debug("change stream: cannot resolve %s: %s",
		    st->cfg->redis.host, err);
		tail_went_down(st);
		return;
	}
	t->dial.addrs = *res;
	t->dial.next = 0;
	tail_connect(st);
}

static void
tail_connect(struct store *st)
{
	struct tail *t = &st->tail;
	const char *ping[] = { "PING" }, *addr, *auth[3];
	char db[16];
	int n;

	if ((addr = dial_addr(st, &t->dial, tail_resolved)) == NULL) {
		if (t->dial.lookup == NULL)
			tail_went_down(st);
		return;
	}
	if ((t->ac = open_link(st, addr)) == NULL) {
		tail_went_down(st);
		return;
	}
	redisAsyncSetConnectCallback(t->ac, on_tail_connect);
	redisAsyncSetDisconnectCallback(t->ac, on_tail_disconnect);
	t->gen++;
	t->auth_refused = false;
	if ((n = auth_argv(st->cfg, auth)) > 0)
		tail_send(st, TAIL_AUTH, n, auth, st->cfg->redis_timeout_ms);
	if (st->cfg->redis_db != 0) {
		const char *argv[] = { "SELECT", db };
		snprintf(db, sizeof(db), "%d", st->cfg->redis_db);
		tail_send(st, TAIL_SELECT, NARGS(argv), argv, st->cfg->redis_timeout_ms);
	}
	tail_send(st, TAIL_PING, NARGS(ping), ping, st->cfg->redis_timeout_ms);
}

void
store_quiesce(struct store *st)
{
	st->quiet = true;
	st->reload = false;
	/* No new links by name: each lookup ends at the loop's next turn. */
	resolve_cancel(st->dial.lookup);
	st->dial.lookup = NULL;
	resolve_cancel(st->tail.dial.lookup);
	st->tail.dial.lookup = NULL;
	if (st->tail.ac != NULL) {
		redisAsyncContext *ac = st->tail.ac;
		st->tail.ac = NULL;
		redisAsyncFree(ac);
	}
	evtimer_del(st->tail.reconnect);
	evtimer_del(st->tail.timer);
}

size_t
store_pending(const struct store *st)
{
	return st->pending + st->nlate + resolver_busy(st->resolver);
}

void
store_retry(struct store *st)
{
	struct tail *t = &st->tail;

	if (st->freeing || st->quiet)
		return;
	if (st->ac == NULL && st->dial.lookup == NULL &&
	    evtimer_pending(st->reconnect, NULL)) {
		evtimer_del(st->reconnect);
		st->backoff_ms = BACKOFF_MIN_MS;
		connect_now(st);
	}
	if (t->ac == NULL && t->dial.lookup == NULL &&
	    evtimer_pending(t->reconnect, NULL)) {
		evtimer_del(t->reconnect);
		t->backoff_ms = BACKOFF_MIN_MS;
		tail_connect(st);
	}
}

void
store_info(const struct store *st, struct store_info *out)
{
	memset(out, 0, sizeof(*out));
	out->connected = store_connected(st);
	out->loaded = st->state == ST_READY;
	out->following = st->tail.up && st->tail.have_pos && !st->tail.lost;
	out->emptied = st->emptied;
	out->run_id = st->run_id;
	out->stream_id = st->tail.id;
	out->stream_lag = st->tail.lag;
	out->changes = st->tail.changes;
	out->loads = st->loads;
	out->loaded_at = st->loaded_at;
	out->pending = store_pending(st);
	out->trouble = st->trouble;
	out->trouble_text = st->trouble_text;
}

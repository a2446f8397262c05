/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_link.c - the main link to Redis and the commands sent on it
 * (store_link.h).
 *
 * hiredis 0.14 has no timeouts and no reconnect: this file owns the
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
 * Every link (the main one, the tail) starts the same way (store_dial.h),
 * then AUTH when a password is configured, queued ahead of everything
 * else; a refusal is said once for the link, which is dropped.
 *
 * Each command carries its struct op_type, given by the file that sends
 * it; on_reply handles what every command shares (a lost link, NOSCRIPT,
 * an error reply) and hands the rest to the type's reply function.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "daemon/log.h"
#include "daemon/store_dial.h"
#include "daemon/store_link.h"
#include "daemon/store_scripts.h"
#include "daemon/store_sentinel.h"

/*
 * A script's arguments after its name, copied once when the command is
 * built and kept until its reply: the command is formatted from them as
 * EVALSHA and, after a NOSCRIPT, as EVAL (argv[0], argv[1] filled each).
 */
struct script_args {
	int		 argc;
	const char	*argv[CMD_ARGS_MAX];
	size_t		 lens[CMD_ARGS_MAX];
	char		 bytes[];	/* what argv[2..] point into */
};

static void	schedule_reconnect(struct store *st);
static void	went_down(struct store *st);
static void	on_reply(redisAsyncContext *ac, void *reply, void *privdata);

/* ---- plumbing -------------------------------------------------------- */

static void
op_free(struct op *op)
{
	struct store *st = op->st;

	if (op->timer != NULL)
		event_free(op->timer);
	if (op->pair != NULL)		/* a durable write and its WAIT */
		op->pair->pair = NULL;
	free(op->args);
	free(op->held_id);
	if (op >= st->reserve && op < st->reserve + OP_RESERVE)
		st->reserve_used &= ~(1u << (op - st->reserve));
	else
		free(op);
}

void
op_answer(struct op *op, const struct store_res *res)
{
	if (op->answered || op->cb == NULL)
		return;
	/* A durable write's success: NULL when the WAIT behind it holds the
	 * answer (redis_wait_replicas, store_wait.c). */
	if (op->durable && res->status == STORE_OK)
		res = op->st->up.hold(op, res);
	op->answered = true;
	if (op->timer != NULL)
		evtimer_del(op->timer);
	if (res != NULL)
		op->cb(res, op->arg);
}

static void
answer_status(struct op *op, enum store_status s)
{
	struct store_res res;

	memset(&res, 0, sizeof(res));
	res.status = s;
	op_answer(op, &res);
}

static void
op_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct op *op = arg;

	(void)fd;
	(void)ev;
	log_warnx("redis: no reply within %d ms",
	    op->st->cfg->redis_timeout_ms);
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
void
op_send(struct store *st, struct op *op, int argc, const char **argv)
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
	if (op->cb != NULL && op->type->durable &&
	    st->cfg->redis_wait_replicas > 0) {
		op->durable = true;
		st->up.wait(st, op);
	}
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
 * Runs store_scripts[id] with argv[2..argc-1] (argv[0] and argv[1] are
 * left for the script's name) by EVALSHA: Redis then neither receives the
 * body nor hashes it again for every write. The arguments are kept until
 * the reply, because a Redis that forgot the script (SCRIPT FLUSH) answers
 * NOSCRIPT without running anything, and on_reply then sends the command
 * again as EVAL, which also caches the script for the next ones.
 */
void
op_send_script(struct store *st, struct op *op, enum script_id id, int argc,
    const char **argv)
{
	op->script = id;
	if ((op->args = script_args_new(argc, argv)) == NULL) {
		answer_later(st, op);
		return;
	}
	op_send(st, op, 0, NULL);
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
	a->argv[1] = store_scripts[op->script];
	a->lens[0] = strlen(a->argv[0]);
	a->lens[1] = strlen(a->argv[1]);
	cmd = cmd_format(a->argc, a->argv, a->lens);
	free(a);
	op->args = NULL;
	if (cmd == NULL || cmd_send(st->ac, on_reply, op, cmd) != REDIS_OK)
		answer_later(st, op);
	else {
		st->pending++;
		if (op->durable)
			st->up.wait(st, op);	/* a WAIT behind the EVAL */
	}
}

/*
 * A command to send. Never NULL when it has a callback: without memory it
 * is one of the reserve's, so that it too answers from the loop (a command
 * answered on the spot could be issued again on the spot, without end);
 * with the reserve used up too, the daemon cannot keep its promises and
 * exits. The load's steps (no callback) are dropped instead: the link is
 * going down, or the load is tried again with the next one.
 */
struct op *
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

/* Formats and sends a command on ac (the tail's link): REDIS_ERR when it
 * could not be formatted or the link refuses it. */
int
link_command(redisAsyncContext *ac, redisCallbackFn *fn, void *privdata,
    int argc, const char **argv)
{
	sds cmd = cmd_format(argc, argv, NULL);

	return cmd == NULL ? REDIS_ERR : cmd_send(ac, fn, privdata, cmd);
}

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
	const char *words = dial_redis_words(st, err);

	st->auth_refused_gen = st->gen;
	st->dial.next = st->dial.addrs.n;
	dial_trouble(st, STORE_TROUBLE_AUTH, "Redis refused authentication: "
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
		st->lost_gen = op->gen;	/* no reload on it: the next loads */
		/* Nothing queued on a link that never came up was sent. */
		answer_status(op, op->gen == st->refused_gen ? STORE_DOWN :
		    STORE_UNKNOWN);
		op_free(op);
		return;
	}
	/*
	 * Redis forgot the script (SCRIPT FLUSH since link_connect loaded it):
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
		res.status = t->error == OE_UNKNOWN ? STORE_UNKNOWN :
		    STORE_FAILED;
		res.error = r->str;
		if (op->gen == st->gen && st->auth_refused_gen != st->gen &&
		    dial_auth_error(t->auth, r->str))
			auth_refused(st, r->str);
		else if (op->gen == st->gen && st->sentinel != NULL &&
		    strstr(r->str, "READONLY") != NULL)
			/* demoted under us: only sentinels know */
			sentinel_move_soon(st, "a write was answered READONLY");
		else if (t->error != OE_ANSWER && t->error != OE_UNKNOWN &&
		    op->gen != st->auth_refused_gen)
			log_warnx("redis: %s%s", r->str, t->error == OE_SKIP ?
			    " (skipping that record)" : "");
		op_answer(op, &res);
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

void
link_send(struct store *st, const struct op_type *type, long offset,
    int argc, const char **argv)
{
	struct op *op = op_new(st, type, NULL, NULL);

	if (op == NULL)
		return;
	op->offset = offset;
	op_send(st, op, argc, argv);
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
	dial_trouble(st, STORE_TROUBLE_UNREACHABLE, "cannot connect%s: %s",
	    where, ac->errstr);
	sentinel_distrust(st, &st->dial);
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
		dial_trouble(st, STORE_TROUBLE_UNREACHABLE, "%s%s",
		    status != REDIS_OK ? "connection lost: " : "disconnected",
		    status != REDIS_OK ? ac->errstr : "");
	st->dial.next = st->dial.addrs.n;	/* it was reached: round over */
	went_down(st);
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
	dial_trouble(st, STORE_TROUBLE_UNREACHABLE, "no answer within %d ms "
	    "of connecting", st->cfg->redis_timeout_ms);
	if ((st->ac->c.flags & REDIS_CONNECTED) == 0)
		st->refused_gen = st->gen;	/* nothing was sent */
	else
		st->dial.next = st->dial.addrs.n;	/* round over */
	dial_drop(st, st->ac, went_down);
}

static void
reconnect_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	link_connect(arg);
}

static void
schedule_reconnect(struct store *st)
{
	if (!st->freeing)
		dial_again(&st->dial, st->reconnect, &st->backoff_ms);
}

static void
main_resolved(const struct resolve_result *res, const char *err, void *arg)
{
	struct store *st = arg;

	st->dial.lookup = NULL;
	if (err != NULL && st->sentinel != NULL) {
		log_warnx("redis: %s", err);
		dial_trouble(st, STORE_TROUBLE_SENTINEL, "%s", err);
		schedule_reconnect(st);
		return;
	}
	if (err != NULL) {
		log_warnx("redis: cannot resolve %s: %s", st->cfg->redis.host,
		    err);
		dial_trouble(st, STORE_TROUBLE_UNRESOLVED, "Redis host name "
		    "not resolved: %s: %s", st->cfg->redis.host, err);
		schedule_reconnect(st);
		return;
	}
	if (st->sentinel == NULL)
		log_debug("redis: %s is %s%s", st->cfg->redis.host,
		    res->addr[0], res->n > 1 ? " (and more: each in turn)" :
		    "");
	st->dial.addrs = *res;
	st->dial.next = 0;
	link_connect(st);
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
static const struct op_type auth_type = {
	.error = OE_FATAL, .auth = true };
static const struct op_type select_type = {
	.error = OE_FATAL };
static const struct op_type script_load_type = {
	.reply = script_loaded, .error = OE_NOTE };
static const struct op_type info_type = {
	.reply = note_run_id, .error = OE_NOTE, .this_link = true };

/* With sentinels, the server they named must be a primary: else the
 * link goes, and they are asked again after the backoff. */
static void
role_checked(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	char why[320];

	if (sentinel_primary(st, &st->dial, r, why, sizeof(why))) {
		st->role_gen = st->gen;
		return;
	}
	log_warnx("redis: %s; asking the sentinels again", why);
	dial_trouble(st, STORE_TROUBLE_NOT_PRIMARY, "%s", why);
	redisAsyncDisconnect(st->ac);
}

static const struct op_type role_type = {
	.reply = role_checked, .error = OE_FATAL, .this_link = true };

/* The first reply on a new link: it is up; the mirror is loaded. */
static void
link_proved(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	const char *argv[] = { "INFO", "server" };

	(void)r;
	if (st->state != ST_CONNECTING ||
	    (st->sentinel != NULL && st->role_gen != st->gen))
		return;
	log_info("redis: connected");
	evtimer_del(st->connect_timer);
	st->trouble = STORE_TROUBLE_NONE;
	st->trouble_text[0] = '\0';
	st->dial.next = st->dial.addrs.n;	/* round over */
	link_send(st, &info_type, 0, NARGS(argv), argv);
	st->up.ready(st);
}

static const struct op_type ping_type = {
	.reply = link_proved, .error = OE_FATAL, .this_link = true };

void
link_connect(struct store *st)
{
	const struct config *c = st->cfg;
	redisAsyncContext *ac;
	const char *addr, *auth[3];
	char db[16];
	int n;

	if ((addr = dial_addr(st, &st->dial, main_resolved)) == NULL) {
		if (!dial_busy(&st->dial))
			schedule_reconnect(st);
		return;
	}
	if ((ac = dial_open(st, &st->dial, addr)) == NULL) {
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
	if ((n = dial_auth_argv(c, auth)) > 0)
		link_send(st, &auth_type, 0, n, auth);
	if (c->redis_db != 0) {
		const char *argv[] = { "SELECT", db };
		snprintf(db, sizeof(db), "%d", c->redis_db);
		link_send(st, &select_type, 0, NARGS(argv), argv);
	}
	if (st->sentinel != NULL) {
		const char *argv[] = { "ROLE" };
		link_send(st, &role_type, 0, NARGS(argv), argv);
	}
	/*
	 * Every script is known to Redis before any EVALSHA on this link, so
	 * that only a SCRIPT FLUSH while connected makes one answer NOSCRIPT
	 * (and run after commands sent behind it: see on_reply).
	 */
	for (int i = 0; i < SC_COUNT; i++) {
		const char *argv[] = { "SCRIPT", "LOAD", store_scripts[i] };
		link_send(st, &script_load_type, i, NARGS(argv), argv);
	}
	/* The first reply proves the link; then the mirror is loaded. */
	const char *ping[] = { "PING" };
	link_send(st, &ping_type, 0, NARGS(ping), ping);
}

/* The hex SHA-1 of each script: the name EVALSHA knows it by. */
static int
script_shas(struct store *st)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	for (int i = 0; i < SC_COUNT; i++) {
		const char *s = store_scripts[i];
		if (EVP_Digest(s, strlen(s), md, &len, EVP_sha1(),
		    NULL) != 1 || len != 20)
			return -1;
		for (unsigned int j = 0; j < len; j++)
			snprintf(st->sha[i] + 2 * j, 3, "%02x", md[j]);
	}
	return 0;
}

bool
store_connected(const struct store *st)
{
	return st->state == ST_LOADING || st->state == ST_READY;
}

/* Sets up the main link's part of st; nothing is sent before
 * link_connect. -1 without memory (what was made is freed again). */
int
link_init(struct store *st)
{
	st->backoff_ms = BACKOFF_MIN_MS;
	st->late_tail = &st->late;
	if (script_shas(st) == -1 ||
	    (st->reserve = calloc(OP_RESERVE, sizeof(*st->reserve))) == NULL ||
	    (st->reconnect = evtimer_new(st->base, reconnect_cb, st)) ==
	    NULL ||
	    (st->connect_timer = evtimer_new(st->base, connect_timeout,
	    st)) == NULL ||
	    (st->late_timer = evtimer_new(st->base, answer_owed, st)) ==
	    NULL) {
		if (st->reconnect != NULL)
			event_free(st->reconnect);
		if (st->connect_timer != NULL)
			event_free(st->connect_timer);
		free(st->reserve);
		return -1;
	}
	return 0;
}

/* Frees the main link's part of st (st->freeing is set): the context
 * first, which calls back every command in flight, then every answer
 * owed, and those their callbacks make owed. */
void
link_free(struct store *st)
{
	if (st->ac != NULL) {
		redisAsyncContext *ac = st->ac;
		st->ac = NULL;		/* what the callbacks issue: not sent */
		redisAsyncFree(ac);	/* calls back every op with NULL */
	}
	dial_cancel(&st->dial);
	while (st->late != NULL)
		answer_owed(-1, 0, st);
	event_free(st->reconnect);
	event_free(st->connect_timer);
	event_free(st->late_timer);
	free(st->reserve);
}

/* Stopping: no new link by name (the lookup under way ends at the loop's
 * next turn). */
void
link_quiesce(struct store *st)
{
	dial_cancel(&st->dial);
}

/* A link waiting to reconnect tries again now, from the shortest
 * backoff. */
void
link_retry(struct store *st)
{
	if (st->ac == NULL && !dial_busy(&st->dial) &&
	    evtimer_pending(st->reconnect, NULL)) {
		evtimer_del(st->reconnect);
		st->backoff_ms = BACKOFF_MIN_MS;
		link_connect(st);
	}
}

/* The sentinels name another primary: the link goes (what is in flight
 * answers "unknown") and asks them again at once. */
void
link_move(struct store *st)
{
	st->backoff_ms = 0;
	st->dial.next = st->dial.addrs.n;
	if (st->ac != NULL)
		dial_drop(st, st->ac, went_down);
	else
		link_retry(st);
}

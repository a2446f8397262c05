/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_load.c - loading the mirror from Redis (store_load.h): the change
 * stream's position first, then the employers, the seekers, the fairs, the
 * employers' rosters and the open postings in batches, each batch's records
 * read with pipelined HMGETs, handed to the hooks as they come. A load is started when the main link
 * proves itself and whenever the mirror must be loaded again
 * (store_reload): at once, after the load under way, or with the next
 * link.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "daemon/store_link.h"
#include "daemon/store_load.h"
#include "daemon/store_tail.h"

#define LOAD_BATCH	500

static void	load_jobs_from(struct store *st, const char *cursor);
static void	load_ids_from(struct store *st, long kind, const char *after);

static void	on_load_pos(struct op *op, redisReply *r);
static void	on_load_employers(struct op *op, redisReply *r);
static void	on_load_employer(struct op *op, redisReply *r);
static void	on_load_ids(struct op *op, redisReply *r);
static void	on_load_record(struct op *op, redisReply *r);
static void	on_load_jobs(struct op *op, redisReply *r);
static void	on_load_job(struct op *op, redisReply *r);
static void	on_load_end(struct op *op, redisReply *r);

/* The load's steps cannot go on without their reply (OE_FATAL); a
 * record that cannot be read is skipped (OE_SKIP). A reply that comes on
 * a later link is of a load that link started again. */
static const struct op_type load_pos_type = {
	.reply = on_load_pos, .error = OE_FATAL, .this_link = true };
static const struct op_type load_employers_type = {
	.reply = on_load_employers, .error = OE_FATAL, .this_link = true };
static const struct op_type load_employer_type = {
	.reply = on_load_employer, .error = OE_SKIP, .this_link = true };
static const struct op_type load_ids_type = {
	.reply = on_load_ids, .error = OE_FATAL, .this_link = true };
static const struct op_type load_record_type = {
	.reply = on_load_record, .error = OE_SKIP, .this_link = true };

/*
 * The records listed by id in a sorted set, loaded after the employers,
 * one kind after the other in this order, then the postings. An op of
 * theirs carries its kind in op->offset.
 */
enum { K_SEEKERS, K_FAIRS, K_ROSTERS, K_COUNT };
static const struct {
	const char	*index;		/* the sorted set of ids */
	const char	*record;	/* a record's hash: prefix record:ID */
} kinds[K_COUNT] = {
	[K_SEEKERS] = { "seekers", "seeker" },
	[K_FAIRS] = { "fairs", "fair" },
	[K_ROSTERS] = { "rosters", "roster" },	/* by employer id */
};
static const struct op_type load_jobs_type = {
	.reply = on_load_jobs, .error = OE_FATAL, .this_link = true };
static const struct op_type load_job_type = {
	.reply = on_load_job, .error = OE_SKIP, .this_link = true };
static const struct op_type load_end_type = {
	.reply = on_load_end, .error = OE_FATAL, .this_link = true };

static void
load_employers_from(struct store *st, long offset)
{
	char key[128], from[32], to[32];
	const char *argv[] = { "ZRANGE", key, from, to };

	snprintf(key, sizeof(key), "%semployers", st->cfg->key_prefix);
	snprintf(from, sizeof(from), "%ld", offset);
	snprintf(to, sizeof(to), "%ld", offset + LOAD_BATCH - 1);
	link_send(st, &load_employers_type, offset, NARGS(argv), argv);
}

static void
load_jobs_from(struct store *st, const char *cursor)
{
	char key[128], count[16];
	const char *argv[] = { "SSCAN", key, cursor, "COUNT", count };

	snprintf(key, sizeof(key), "%sjobs:open", st->cfg->key_prefix);
	snprintf(count, sizeof(count), "%d", LOAD_BATCH);
	link_send(st, &load_jobs_type, 0, NARGS(argv), argv);
}

/*
 * A load begins by reading the change stream's position: every write after
 * it is in the stream, so the tail takes over from there, and every write
 * before it is in what the load reads.
 */
void
load_start(struct store *st)
{
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix };
	struct op *op;

	st->state = ST_LOADING;
	st->nloaded = 0;
	if ((op = op_new(st, &load_pos_type, NULL, NULL)) != NULL)
		op_send_script(st, op, SC_CHANGES, NARGS(argv), argv);
	load_employers_from(st, 0);
}

/* The main link went down: the next link loads anyway, and its load tells
 * the tail where to start. */
void
load_link_down(struct store *st, bool loading)
{
	st->reload = false;
	tail_forget_pos(st);
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
		link_send(st, &load_employer_type, 0, NARGS(argv), argv);
	}
	if (r->elements != LOAD_BATCH)
		load_ids_from(st, K_SEEKERS, NULL);
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
 * Reads the next batch of ids of kind's sorted set after member after
 * (NULL: from the start). By value, not by position: a seeker deleted
 * while the mirror loads must not make the next batch skip one.
 */
static void
load_ids_from(struct store *st, long kind, const char *after)
{
	char key[128], from[ID_MAX + 2], count[16];
	const char *argv[] = { "ZRANGEBYLEX", key, from, "+", "LIMIT", "0",
	    count };

	snprintf(key, sizeof(key), "%s%s", st->cfg->key_prefix,
	    kinds[kind].index);
	if (after != NULL)
		snprintf(from, sizeof(from), "(%s", after);
	else
		snprintf(from, sizeof(from), "-");
	snprintf(count, sizeof(count), "%d", LOAD_BATCH);
	link_send(st, &load_ids_type, kind, NARGS(argv), argv);
}

/* A batch of ids of kind op->offset: their records, then the next batch,
 * or the next kind (after the last, the postings). */
static void
on_load_ids(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	long kind = op->offset;
	char key[256];
	const char *last = NULL;

	if (r->type != REDIS_REPLY_ARRAY) {
		load_failed(st, kinds[kind].index);
		return;
	}
	for (size_t i = 0; i < r->elements; i++) {
		const char *argv[] = { "HMGET", key, "doc", "version",
		    "created_at", "updated_at", "status" };
		if ((last = reply_str(r->element[i])) == NULL)
			continue;
		snprintf(key, sizeof(key), "%s%s:%s", st->cfg->key_prefix,
		    kinds[kind].record, last);
		link_send(st, &load_record_type, kind, NARGS(argv), argv);
	}
	if (r->elements == LOAD_BATCH && last != NULL)
		load_ids_from(st, kind, last);
	else if (kind + 1 < K_COUNT)
		load_ids_from(st, kind + 1, NULL);
	else
		load_jobs_from(st, "0");
}

/* A seeker's, fair's or roster's record: to its hook. */
static void
on_load_record(struct op *op, redisReply *r)
{
	struct store *st = op->st;
	void (*hook)(const struct store_rec *, void *) =
	    op->offset == K_SEEKERS ? st->hooks.load_seeker :
	    op->offset == K_FAIRS ? st->hooks.load_fair :
	    st->hooks.load_roster;
	struct store_rec rec;

	if (r->type == REDIS_REPLY_ARRAY && r->elements == 5 &&
	    fill_rec(&rec, r->element) && hook != NULL) {
		st->nloaded++;
		hook(&rec, st->hooks.arg);
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
		link_send(st, &load_job_type, 0, NARGS(argv), argv);
	}
	if (!more) {
		const char *argv[] = { "PING" };
		link_send(st, &load_end_type, 0, NARGS(argv), argv);
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

void
store_reload(struct store *st, const char *why)
{
	if (st->freeing || st->quiet)
		return;
	if (st->lost_gen == st->gen && st->state != ST_DOWN) {
		/* a read lost with its link: the next link loads anyway */
		log_debug("redis: %s as the link went; the next link loads "
		    "the mirror", why);
		return;
	}
	log_warnx("redis: %s; loading the mirror again", why);
	if (st->state == ST_READY)
		load_start(st);
	else if (st->state == ST_LOADING)
		st->reload = true;
	/* down or connecting: the next link loads anyway */
}

bool
store_loaded(const struct store *st)
{
	return st->state == ST_READY;
}

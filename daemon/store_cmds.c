/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_cmds.c - the commands of store.h: each builds its command (most
 * run a script of store_scripts.c by EVALSHA) and gives it the op_type
 * whose reply function reads Redis's answer into a struct store_res.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/store_link.h"
#include "daemon/store_scripts.h"

/* ---- replies --------------------------------------------------------- */

/* A write's reply: [version, created] or [version, created, id], a
 * negative version for a refusal. data: a write of records (not rules,
 * not a dry run's checks). */
static void
write_reply(struct op *op, redisReply *r, bool data)
{
	struct store_res res;

	memset(&res, 0, sizeof(res));
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->elements > 3) {
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
		op_answer(op, &res);
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
		res.version = reply_int(r->element[1]);	/* which, if told */
		res.created = false;
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
	op_answer(op, &res);
}

static void
on_write(struct op *op, redisReply *r)
{
	write_reply(op, r, true);
}

/* A dry run's checks: read as a write's reply, but nothing was written,
 * so it tells nothing of the data Redis holds. */
static void
on_check(struct op *op, redisReply *r)
{
	write_reply(op, r, false);
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
	op_answer(op, &res);
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
		op_answer(op, &res);
		return;
	}
	n = (r->elements - 1) / 5;
	if (n > 0 && (res.recs = calloc(n, sizeof(*res.recs))) == NULL) {
		res.status = STORE_FAILED;
		res.error = "out of memory";
		op_answer(op, &res);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (fill_rec(&res.recs[res.nrecs], r->element + 1 + i * 5))
			res.nrecs++;
	res.next_cursor = reply_str(r->element[0]);
	if (res.next_cursor != NULL && res.next_cursor[0] == '\0')
		res.next_cursor = NULL;
	op_answer(op, &res);
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
		op_answer(op, &res);
		return;
	}
	n = r->elements / 3;
	if (n > 0 && (res.recs = calloc(n, sizeof(*res.recs))) == NULL) {
		res.status = STORE_FAILED;
		res.error = "out of memory";
		op_answer(op, &res);
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
	op_answer(op, &res);
	free(res.recs);
}

/* A hash of counters (HGETALL): name, value, ... */
static void
on_counts(struct op *op, redisReply *r)
{
	struct store_res res;
	struct store_count *v = NULL;
	size_t n = 0;

	memset(&res, 0, sizeof(res));
	if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0) {
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
		op_answer(op, &res);
		return;
	}
	if (r->elements > 0 &&
	    (v = calloc(r->elements / 2, sizeof(*v))) == NULL) {
		res.status = STORE_FAILED;
		res.error = "out of memory";
		op_answer(op, &res);
		return;
	}
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		if (reply_str(r->element[i]) == NULL)
			continue;
		v[n].name = r->element[i]->str;
		v[n].value = reply_int(r->element[i + 1]);
		n++;
	}
	res.counts = v;
	res.ncounts = n;
	op_answer(op, &res);
	free(v);
}

/* Every reply answers the request's command, an error reply too
 * (OE_ANSWER). A write's reply that comes after its "unknown" answer
 * makes the mirror load again (.write). */
static const struct op_type write_type = {
	.reply = on_write, .error = OE_ANSWER, .write = true,
	.durable = true };
static const struct op_type rules_write_type = {
	.reply = on_rules_write, .error = OE_ANSWER, .write = true,
	.durable = true };
/* A write's checks alone (store_check_job): its reply is read as a
 * write's, but nothing was written, so a late one changes nothing. */
static const struct op_type check_type = {
	.reply = on_check, .error = OE_ANSWER };
static const struct op_type get_type = {
	.reply = on_get, .error = OE_ANSWER };
static const struct op_type list_type = {
	.reply = on_list, .error = OE_ANSWER };
static const struct op_type rules_type = {
	.reply = on_rules, .error = OE_ANSWER };
static const struct op_type counts_type = {
	.reply = on_counts, .error = OE_ANSWER };
/* A counter's HINCRBY: no one waits for it; a refusal is logged. */
static const struct op_type count_type = { .error = OE_NOTE };

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
	struct op *op = op_new(st, &get_type, cb, arg);
	const char *argv[] = { "HMGET", key, "doc", "version", "updated_at",
	    "updated_at", "status" };

	if (op == NULL)
		return;
	snprintf(key, sizeof(key), "%srules", st->cfg->key_prefix);
	op_send(st, op, NARGS(argv), argv);
}

void
store_rules_set(struct store *st, const char *doc, int64_t expected_version,
    store_cb *cb, void *arg)
{
	char ev[32], now[32], maxlen[32], hist[32];
	struct op *op = op_new(st, &rules_write_type, cb, arg);
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
	op_send_script(st, op, SC_RULES_SET, NARGS(argv), argv);
}

void
store_rules_history(struct store *st, size_t limit, int64_t only,
    store_cb *cb, void *arg)
{
	char lim[32], one[32];
	struct op *op = op_new(st, &rules_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, lim, one };

	if (op == NULL)
		return;
	snprintf(lim, sizeof(lim), "%zu", limit);
	if (only > 0)
		snprintf(one, sizeof(one), "%" PRId64, only);
	else
		one[0] = '\0';
	op_send_script(st, op, SC_RULES_HISTORY, NARGS(argv), argv);
}

/*
 * Runs a record's write script (employer, seeker, fair, roster): ARGV p,
 * id, doc, now, maxlen, the expected version ('' any: -1; the employer's
 * and seeker's scripts take none and ignore it), then extra unless NULL.
 */
static void
put_record(struct store *st, enum script_id script, const char *id,
    const char *doc, int64_t expected_version, const char *extra,
    store_cb *cb, void *arg)
{
	char now[32], maxlen[32], ev[32] = "";
	struct op *op = op_new(st, &write_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, id,
	    doc, now, maxlen, ev, extra };

	if (op == NULL)
		return;
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	if (expected_version >= 0)
		snprintf(ev, sizeof(ev), "%" PRId64, expected_version);
	op_send_script(st, op, script, NARGS(argv) - (extra == NULL), argv);
}

/* Reads a registry record (prefix KIND:ID). */
static void
get_record(struct store *st, const char *kind, const char *id, store_cb *cb,
    void *arg)
{
	char key[256];
	struct op *op = op_new(st, &get_type, cb, arg);
	const char *argv[] = { "HMGET", key, "doc", "version", "created_at",
	    "updated_at", "status" };

	if (op == NULL)
		return;
	snprintf(key, sizeof(key), "%s%s:%s", st->cfg->key_prefix, kind, id);
	op_send(st, op, NARGS(argv), argv);
}

void
store_put_employer(struct store *st, const char *id, const char *doc,
    store_cb *cb, void *arg)
{
	put_record(st, SC_PUT_EMPLOYER, id, doc, -1, NULL, cb, arg);
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
	struct op *op = op_new(st, &write_type, cb, arg);
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
	op_send_script(st, op, SC_PUT_JOB, NARGS(argv), argv);
}

void
store_check_job(struct store *st, const char *employer_id, const char *id,
    int64_t expected_version, store_cb *cb, void *arg)
{
	char ev[32];
	struct op *op = op_new(st, &check_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, employer_id, id, ev };

	if (op == NULL)
		return;
	if (expected_version >= 0)
		snprintf(ev, sizeof(ev), "%" PRId64, expected_version);
	else
		ev[0] = '\0';
	op_send_script(st, op, SC_CHECK_JOB, NARGS(argv), argv);
}

void
store_close_job(struct store *st, const char *employer_id, const char *id,
    const char *reason, store_cb *cb, void *arg)
{
	char now[32], maxlen[32];
	struct op *op = op_new(st, &write_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, employer_id, id, reason, now, maxlen };

	if (op == NULL)
		return;
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	op_send_script(st, op, SC_CLOSE_JOB, NARGS(argv), argv);
}

void
store_get_job(struct store *st, const char *employer_id, const char *id,
    store_cb *cb, void *arg)
{
	char key[256];
	struct op *op = op_new(st, &get_type, cb, arg);
	const char *argv[] = { "HMGET", key, "doc", "version", "posted_at",
	    "updated_at", "status" };

	if (op == NULL)
		return;
	snprintf(key, sizeof(key), "%sjob:%s:%s", st->cfg->key_prefix,
	    employer_id, id);
	op_send(st, op, NARGS(argv), argv);
}

/* One page of postings: what it may cost Redis is job_list_scan postings
 * examined and job_list_bytes of documents read (script_list_jobs). */
void
store_list_jobs(struct store *st, const struct job_list_query *q,
    store_cb *cb, void *arg)
{
	char limit[32], scan[32], bytes[32];
	struct op *op = op_new(st, &list_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, q->employer_id ? q->employer_id : "",
	    q->cursor ? q->cursor : "", limit, q->town ? q->town : "",
	    q->status ? q->status : "", scan, bytes };

	if (op == NULL)
		return;
	snprintf(limit, sizeof(limit), "%zu", q->limit);
	snprintf(scan, sizeof(scan), "%zu", st->cfg->job_list_scan);
	snprintf(bytes, sizeof(bytes), "%zu", st->cfg->job_list_bytes);
	op_send_script(st, op, SC_LIST_JOBS, NARGS(argv), argv);
}

/* ---- registered seekers ---------------------------------------------- */

void
store_put_seeker(struct store *st, const char *id, const char *doc,
    store_cb *cb, void *arg)
{
	put_record(st, SC_PUT_SEEKER, id, doc, -1, NULL, cb, arg);
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
	struct op *op = op_new(st, &write_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0",
	    st->cfg->key_prefix, id, maxlen };

	if (op == NULL)
		return;
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	op_send_script(st, op, SC_DELETE_SEEKER, NARGS(argv), argv);
}

/* ---- placements -------------------------------------------------------- */

void
store_record_placement(struct store *st, const struct placement_write *w,
    store_cb *cb, void *arg)
{
	char jv[32], day[32], now[32], maxlen[32];
	struct op *op = op_new(st, &write_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, w->hire,
	    w->seeker_id, w->employer_id, w->job_id, jv,
	    w->job_doc != NULL ? w->job_doc : "", w->seeker_doc_read,
	    w->seeker_doc, w->doc, day, now, maxlen, w->employment_key,
	    w->employment_doc };

	if (op == NULL)
		return;
	snprintf(jv, sizeof(jv), "%" PRId64, w->job_version);
	snprintf(day, sizeof(day), "%" PRId64, w->day);
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	op_send_script(st, op, SC_PLACEMENT, NARGS(argv), argv);
}


/* ---- employment records and follow-ups --------------------------------- */

void
store_record(struct store *st, const struct record_write *w, store_cb *cb,
    void *arg)
{
	char day[32], now[32], maxlen[32];
	struct op *op = op_new(st, &write_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, w->kind,
	    w->seeker_id, w->key, w->employer_id, w->job_id, w->doc, day, now,
	    maxlen };

	if (op == NULL)
		return;
	snprintf(day, sizeof(day), "%" PRId64, w->day);
	now_str(now, sizeof(now));
	snprintf(maxlen, sizeof(maxlen), "%zu", st->cfg->stream_maxlen);
	op_send_script(st, op, SC_RECORD, NARGS(argv), argv);
}

void
store_list_records(struct store *st, const char *kind, int64_t from,
    int64_t to, const char *cursor, size_t limit, store_cb *cb, void *arg)
{
	char f[32], t[32], l[32], index[32], hash[32];
	struct op *op = op_new(st, &list_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, index,
	    hash, f, t, cursor != NULL ? cursor : "", l };

	if (op == NULL)
		return;
	snprintf(index, sizeof(index), "%ss", kind);
	snprintf(hash, sizeof(hash), "%s:", kind);
	snprintf(f, sizeof(f), "%" PRId64, from);
	snprintf(t, sizeof(t), "%" PRId64, to);
	snprintf(l, sizeof(l), "%zu", limit);
	op_send_script(st, op, SC_LIST_RECORDS, NARGS(argv), argv);
}

/* ---- interests ----------------------------------------------------------- */

/* An interest script's reply: {0, value[, id]}, or a refusal {-1, which}
 * (not found) or {-4, max} (full). */
static void
on_interest(struct op *op, redisReply *r)
{
	struct store_res res;

	memset(&res, 0, sizeof(res));
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->elements > 3) {
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
		op_answer(op, &res);
		return;
	}
	res.version = reply_int(r->element[1]);
	if (r->elements == 3)
		res.id = reply_str(r->element[2]);
	switch (reply_int(r->element[0])) {
	case 0:
		res.status = STORE_OK;
		break;
	case -1:
		res.status = STORE_NOT_FOUND;
		break;
	case -4:
		res.status = STORE_FULL;
		break;
	default:
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
	}
	op_answer(op, &res);
}

/* A page of interests: the cursor, then seven fields for each. */
static void
on_interest_list(struct op *op, redisReply *r)
{
	struct store_res res;
	struct store_interest *in = NULL;
	size_t n;

	memset(&res, 0, sizeof(res));
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    (r->elements - 1) % 7 != 0) {
		res.status = STORE_FAILED;
		res.error = "unexpected reply";
		op_answer(op, &res);
		return;
	}
	n = (r->elements - 1) / 7;
	if (n > 0 && (in = calloc(n, sizeof(*in))) == NULL) {
		res.status = STORE_FAILED;
		res.error = "out of memory";
		op_answer(op, &res);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		redisReply **e = r->element + 1 + i * 7;
		struct store_interest *x = &in[res.ninterests];
		if (reply_str(e[0]) == NULL || reply_str(e[1]) == NULL)
			continue;
		x->id = e[0]->str;
		x->doc = e[1]->str;
		x->doclen = e[1]->len;
		x->status = reply_str(e[2]) != NULL ? e[2]->str : "new";
		x->note = reply_str(e[3]) != NULL ? e[3]->str : "";
		x->notelen = reply_str(e[3]) != NULL ? e[3]->len : 0;
		x->title = reply_str(e[4]) != NULL ? e[4]->str : "";
		x->titlelen = reply_str(e[4]) != NULL ? e[4]->len : 0;
		x->created_at = reply_int(e[5]);
		x->updated_at = reply_int(e[6]);
		res.ninterests++;
	}
	res.interests = in;
	res.next_cursor = reply_str(r->element[0]);
	if (res.next_cursor != NULL && res.next_cursor[0] == '\0')
		res.next_cursor = NULL;
	op_answer(op, &res);
	free(in);
}

/* Interests are not in the mirror: a reply after an "unknown" answer
 * changes nothing there (no .write). */
static const struct op_type interest_type = {
	.reply = on_interest, .error = OE_ANSWER, .durable = true };
/* The retention sweep's erasures: no client waits for them, and a sweep
 * that waited for replicas would hold the link, then take the erase it
 * made for a failure; the next write's WAIT covers them. */
static const struct op_type sweep_type = {
	.reply = on_interest, .error = OE_ANSWER };
static const struct op_type interest_list_type = {
	.reply = on_interest_list, .error = OE_ANSWER };

void
store_record_interest(struct store *st, const struct interest_write *w,
    store_cb *cb, void *arg)
{
	char now[32], max[32];
	struct op *op = op_new(st, &interest_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix,
	    w->employer_id, w->job_id, w->fair, w->doc, w->share ? "1" : "0",
	    now, max, w->today };

	if (op == NULL)
		return;
	snprintf(now, sizeof(now), "%" PRId64, w->now);
	snprintf(max, sizeof(max), "%zu", w->max);
	op_send_script(st, op, SC_INTEREST_RECORD, NARGS(argv), argv);
}

void
store_list_interests(struct store *st, const struct interest_query *q,
    store_cb *cb, void *arg)
{
	char lo[32], hi[32], limit[32];
	struct op *op = op_new(st, &interest_list_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix,
	    q->index, lo, hi, q->cursor != NULL ? q->cursor : "", q->fair,
	    q->status, q->shared ? "1" : "", limit };

	if (op == NULL)
		return;
	snprintf(lo, sizeof(lo), "%" PRId64, q->lo);
	snprintf(hi, sizeof(hi), "%" PRId64, q->hi);
	snprintf(limit, sizeof(limit), "%zu", q->limit);
	op_send_script(st, op, SC_INTEREST_LIST, NARGS(argv), argv);
}

void
store_update_interest(struct store *st, const char *id, const char *status,
    const char *note, int64_t now, int64_t cutoff, store_cb *cb, void *arg)
{
	char at[32], cut[32];
	struct op *op = op_new(st, &interest_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, id,
	    status, note != NULL ? note : "", note != NULL ? "1" : "", at,
	    cut };

	if (op == NULL)
		return;
	snprintf(at, sizeof(at), "%" PRId64, now);
	snprintf(cut, sizeof(cut), "%" PRId64, cutoff);
	op_send_script(st, op, SC_INTEREST_UPDATE, NARGS(argv), argv);
}

void
store_delete_interest(struct store *st, const char *id, store_cb *cb,
    void *arg)
{
	struct op *op = op_new(st, &interest_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, id };

	if (op == NULL)
		return;
	op_send_script(st, op, SC_INTEREST_DELETE, NARGS(argv), argv);
}

void
store_sweep_interests(struct store *st, int64_t cutoff, store_cb *cb,
    void *arg)
{
	char below[32];
	struct op *op = op_new(st, &sweep_type, cb, arg);
	const char *argv[] = { NULL, NULL, "0", st->cfg->key_prefix, below };

	if (op == NULL)
		return;
	if (cutoff < 0)
		cutoff = 0;
	if (cutoff > STORE_INTEREST_TIME_MAX)
		cutoff = STORE_INTEREST_TIME_MAX;
	snprintf(below, sizeof(below), "%" PRId64,
	    cutoff * STORE_INTEREST_SHIFT);
	op_send_script(st, op, SC_INTEREST_SWEEP, NARGS(argv), argv);
}

/* ---- job fairs and employers' rosters ------------------------------------ */

void
store_put_fair(struct store *st, const char *id, const char *doc,
    const char *emps, int64_t expected_version, store_cb *cb, void *arg)
{
	put_record(st, SC_PUT_FAIR, id, doc, expected_version, emps, cb, arg);
}

void
store_get_fair(struct store *st, const char *id, store_cb *cb, void *arg)
{
	get_record(st, "fair", id, cb, arg);
}

void
store_put_roster(struct store *st, const char *id, const char *doc,
    int64_t expected_version, store_cb *cb, void *arg)
{
	put_record(st, SC_PUT_ROSTER, id, doc, expected_version, NULL, cb,
	    arg);
}

void
store_get_roster(struct store *st, const char *id, store_cb *cb, void *arg)
{
	get_record(st, "roster", id, cb, arg);
}

void
store_fair_count(struct store *st, const char *id, const char *const *names,
    const int64_t *by, size_t n)
{
	char key[256], num[32];

	snprintf(key, sizeof(key), "%sfair:%s:stats", st->cfg->key_prefix, id);
	for (size_t i = 0; i < n; i++) {
		const char *argv[] = { "HINCRBY", key, names[i], num };
		snprintf(num, sizeof(num), "%" PRId64, by[i]);
		link_send(st, &count_type, 0, NARGS(argv), argv);
	}
}

void
store_fair_stats(struct store *st, const char *id, store_cb *cb, void *arg)
{
	char key[256];
	struct op *op = op_new(st, &counts_type, cb, arg);
	const char *argv[] = { "HGETALL", key };

	if (op == NULL)
		return;
	snprintf(key, sizeof(key), "%sfair:%s:stats", st->cfg->key_prefix, id);
	op_send(st, op, NARGS(argv), argv);
}

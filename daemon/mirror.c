/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * mirror.c - see mirror.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "daemon/clock.h"
#include "daemon/fairs.h"
#include "daemon/log.h"
#include "daemon/mirror.h"
#include "daemon/ruleset.h"
#include "daemon/sd.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "matcher/date.h"
#include "proto/codec.h"
#include "proto/codec_roster.h"

static struct event	*sweep_ev;	/* at each local midnight */

/*
 * The end of a posting's apply_by (the next local midnight, in unix
 * seconds), 0 when it has none. A posting is not matched from then on,
 * like one that expired.
 */
static int64_t
apply_until(const struct job *j)
{
	char d[DATE_LEN + 1];
	int y, mo, dd;

	if (j->apply_by < 0)
		return 0;
	date_format(j->apply_by, d);
	if (sscanf(d, "%d-%d-%d", &y, &mo, &dd) != 3)
		return 0;
	return local_day_end(y, mo, dd);
}

/* The next local midnight after now. */
static time_t
next_midnight(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday++;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Puts j into m, or takes it out when its apply_by has passed: it is
 * matched no more, and its skills are suggested no more. */
static int
put_job(struct matcher *m, const struct job *j)
{
	struct job c = *j;	/* shallow: the matcher copies what it keeps */

	c.apply_until = apply_until(j);
	if (c.apply_until != 0 && c.apply_until <= (int64_t)time(NULL)) {
		(void)matcher_remove_job(m, j->employer_id, j->id);
		return 0;
	}
	return matcher_put_job(m, &c);
}

void
mirror_put_job(const struct job *j)
{
	int rc = put_job(server.matcher, j);

	/* both mirrors, even when the first is out of memory */
	if (server.loading != NULL && put_job(server.loading, j) == -1)
		rc = -1;
	if (rc == -1)
		log_warnx("mirror: out of memory adding a posting");
}

static void
sweep_arm(void)
{
	time_t now = time(NULL), at = next_midnight(now);
	struct timeval tv = { at > now ? at - now : 1, 0 };

	evtimer_add(sweep_ev, &tv);
}

/* Each local midnight: the postings whose apply_by was the day that ended
 * leave the mirrors (matches had left them out since midnight). */
static void
sweep_cb(evutil_socket_t fd, short ev, void *arg)
{
	int64_t now = (int64_t)time(NULL);
	size_t n;

	(void)fd;
	(void)ev;
	(void)arg;
	n = matcher_drop_applied(server.matcher, now);
	if (server.loading != NULL)
		(void)matcher_drop_applied(server.loading, now);
	if (n > 0)
		log_info("mirror: %zu postings past their apply_by left the "
		    "mirror", n);
	sweep_arm();
}

int
mirror_start(void)
{
	if ((sweep_ev = evtimer_new(server.base, sweep_cb, NULL)) == NULL)
		return -1;
	sweep_arm();
	return 0;
}

void
mirror_stop(void)
{
	if (sweep_ev != NULL)
		event_free(sweep_ev);
	sweep_ev = NULL;
}

void
mirror_put_employer(const struct employer *e)
{
	int rc = matcher_put_employer(server.matcher, e);

	if (server.loading != NULL &&
	    matcher_put_employer(server.loading, e) == -1)
		rc = -1;
	if (rc == -1)
		log_warnx("mirror: out of memory adding an employer");
}

void
mirror_put_roster(const char *id, const struct quota_roster *ro)
{
	int rc = matcher_put_roster(server.matcher, id, ro);

	if (server.loading != NULL &&
	    matcher_put_roster(server.loading, id, ro) == -1)
		rc = -1;
	if (rc == -1)
		log_warnx("mirror: out of memory adding a roster");
}

/*
 * A stored roster into ro (its entries allocated) and its employer's id.
 * Returns 0, or -1 after logging why it was skipped (the field's path
 * only: never a value).
 */
static int
decode_roster(const struct store_rec *rec, char id[ID_MAX + 1],
    struct quota_roster *ro)
{
	struct perr pe;

	if (codec_roster_load(rec->doc, rec->doclen, id, ro, &pe) == -1) {
		log_warnx("mirror: skipping a stored roster that does not "
		    "validate: %s", pe.field);
		return -1;
	}
	ro->version = rec->version;
	return 0;
}

/*
 * Decodes a stored record into e or j (initialised). Returns 0, or -1 after
 * logging why it was skipped (the field's path only: never a value).
 */
static int
decode_employer(const struct store_rec *rec, struct employer *e)
{
	struct perr pe;

	if (codec_employer_load(rec->doc, rec->doclen, &server.towns, e,
	    &pe) == -1) {
		log_warnx("mirror: skipping a stored employer that does not "
		    "validate: %s", pe.field);
		return -1;
	}
	e->version = rec->version;
	return 0;
}

static int
decode_job(const struct store_rec *rec, struct job *j)
{
	struct perr pe;

	if (codec_job_load(rec->doc, rec->doclen, &server.towns, j,
	    &pe) == -1) {
		log_warnx("mirror: skipping a stored posting that does not "
		    "validate: %s", pe.field);
		return -1;
	}
	j->version = rec->version;
	j->status = JOB_OPEN;
	return 0;
}

static void
load_begin(void *arg)
{
	(void)arg;
	matcher_free(server.loading);
	server.loading = matcher_new(&server.towns, server.rules);
	if (server.loading == NULL)
		log_warnx("mirror: out of memory");
	seekers_load_begin();
	fairs_load_begin();
}

static void
load_employer(const struct store_rec *rec, void *arg)
{
	struct employer e;

	(void)arg;
	if (server.loading == NULL)
		return;
	employer_init(&e);
	if (decode_employer(rec, &e) == 0 &&
	    matcher_put_employer(server.loading, &e) == -1)
		log_warnx("mirror: out of memory");
	employer_clear(&e);
}

static void
load_roster(const struct store_rec *rec, void *arg)
{
	struct quota_roster ro;
	char id[ID_MAX + 1];

	(void)arg;
	if (server.loading == NULL || decode_roster(rec, id, &ro) == -1)
		return;
	if (matcher_put_roster(server.loading, id, &ro) == -1)
		log_warnx("mirror: out of memory");
	free(ro.v);
}

static void
load_job(const struct store_rec *rec, void *arg)
{
	struct job j;

	(void)arg;
	if (server.loading == NULL)
		return;
	job_init(&j);
	/* What Redis held when it ran this read, which is after every
	 * reply the new mirror has had (store.h): put it as it is. */
	if (decode_job(rec, &j) == 0 && put_job(server.loading, &j) == -1)
		log_warnx("mirror: out of memory");
	job_clear(&j);
}

static void
load_end(bool complete, void *arg)
{
	(void)arg;
	seekers_load_end(complete);
	fairs_load_end(complete);
	if (server.loading == NULL)
		return;
	if (!complete) {
		log_warnx("mirror: load interrupted; matching goes on from "
		    "the previous mirror (%zu postings)",
		    matcher_njobs(server.matcher));
		matcher_free(server.loading);
		server.loading = NULL;
		return;
	}
	matcher_free(server.matcher);
	server.matcher = server.loading;
	server.loading = NULL;
	server.mirror_loaded = true;
	log_info("mirror: %zu open postings", matcher_njobs(server.matcher));
	/* systemd: ready once the mirror holds what Redis holds */
	sd_notifyf("READY=1\nSTATUS=serving %zu open postings",
	    matcher_njobs(server.matcher));
	ruleset_poll_now();
}

static void
store_down(void *arg)
{
	(void)arg;
	log_warnx("store: down; writes fail with -32004, matches go on from "
	    "the mirror (%zu postings)", matcher_njobs(server.matcher));
	sd_notifyf("STATUS=Redis down: matching from the mirror (%zu "
	    "postings), writes refused", matcher_njobs(server.matcher));
}

void
mirror_remove_job(const char *employer_id, const char *id)
{
	(void)matcher_remove_job(server.matcher, employer_id, id);
	if (server.loading != NULL)
		(void)matcher_remove_job(server.loading, employer_id, id);
}

/* ---- other daemons' writes -------------------------------------------- */

/*
 * A change names a record; what it holds now is read on the store's main
 * link and put into the mirror as it is. Replies on that link come in the
 * order Redis ran the commands, so a record read after this daemon's own
 * write is at least as new as that write, and the mirror always ends as
 * the last reply left it.
 */
struct fetch {
	char	employer_id[ID_MAX + 1];
	char	id[ID_MAX + 1];
};

static struct fetch *
fetch_new(const struct store_change *ch)
{
	struct fetch *f;

	if (strlen(ch->employer_id) > ID_MAX || strlen(ch->id) > ID_MAX ||
	    (f = malloc(sizeof(*f))) == NULL)
		return NULL;
	strcpy(f->employer_id, ch->employer_id);
	strcpy(f->id, ch->id);
	return f;
}

/* A record could not be read: the mirror may miss a change. */
static bool
fetch_failed(const struct store_res *res)
{
	if (res->status == STORE_OK || res->status == STORE_NOT_FOUND)
		return false;
	if (res->status != STORE_DOWN)	/* down: the next link reloads */
		store_reload(server.store, "a changed record could not be "
		    "read");
	return true;
}

static void
job_fetched(const struct store_res *res, void *arg)
{
	struct fetch *f = arg;
	const struct store_rec *rec = res->nrecs > 0 ? &res->recs[0] : NULL;
	const struct mjob *have;
	struct job j;

	if (fetch_failed(res))
		goto out;
	if (rec == NULL || rec->closed) {
		mirror_remove_job(f->employer_id, f->id);
		goto out;
	}
	/*
	 * The tail often reads this daemon's own write before the write's
	 * reply was handled: that reply came first on this link, so the
	 * mirror already holds what was read.
	 */
	have = matcher_job(server.matcher, f->employer_id, f->id);
	if (have != NULL && have->version >= rec->version)
		goto out;
	job_init(&j);
	if (decode_job(rec, &j) == 0)
		mirror_put_job(&j);
	job_clear(&j);
out:
	free(f);
}

static void
employer_fetched(const struct store_res *res, void *arg)
{
	struct employer e;

	free(arg);
	if (fetch_failed(res) || res->nrecs == 0)
		return;
	employer_init(&e);
	if (decode_employer(&res->recs[0], &e) == 0)
		mirror_put_employer(&e);
	employer_clear(&e);
}

static void
seeker_fetched(const struct store_res *res, void *arg)
{
	struct fetch *f = arg;

	if (!fetch_failed(res))
		seekers_apply(f->id, res->nrecs > 0 ? &res->recs[0] : NULL);
	free(f);
}

static void
roster_fetched(const struct store_res *res, void *arg)
{
	struct quota_roster ro;
	char id[ID_MAX + 1];

	free(arg);
	if (fetch_failed(res) || res->nrecs == 0 ||
	    decode_roster(&res->recs[0], id, &ro) == -1)
		return;
	mirror_put_roster(id, &ro);
	free(ro.v);
}

static void
fair_fetched(const struct store_res *res, void *arg)
{
	free(arg);
	if (fetch_failed(res) || res->nrecs == 0)
		return;
	fairs_apply(&res->recs[0]);
}

static void
on_change(const struct store_change *ch, void *arg)
{
	const struct mjob *have;
	struct fetch *f;

	(void)arg;
	if (ch->op == CHANGE_RULES) {
		if (ch->version != rules_version(server.rules))
			ruleset_poll_now();
		return;
	}
	if (ch->op == CHANGE_OTHER || ch->id[0] == '\0')
		return;
	if (ch->op == CHANGE_JOB_POST || ch->op == CHANGE_JOB_CLOSE) {
		/* This daemon's own write, or one it has already read. */
		have = matcher_job(server.matcher, ch->employer_id, ch->id);
		if (have != NULL && have->version >= ch->version)
			return;
	}
	if (ch->op == CHANGE_FAIR) {
		const struct mfair *mf = fairs_find(ch->id);
		if (mf != NULL && mf->fair.version >= ch->version)
			return;
	}
	if (ch->op == CHANGE_ROSTER) {
		const struct memployer *me = matcher_employer(server.matcher,
		    ch->id);
		if (me != NULL && me->roster != NULL &&
		    me->roster->version >= ch->version)
			return;
	}
	if ((f = fetch_new(ch)) == NULL) {
		store_reload(server.store, "out of memory following a change");
		return;
	}
	switch (ch->op) {
	case CHANGE_JOB_POST:
	case CHANGE_JOB_CLOSE:
		store_get_job(server.store, f->employer_id, f->id, job_fetched,
		    f);
		break;
	case CHANGE_EMPLOYER:
		store_get_employer(server.store, f->id, employer_fetched, f);
		break;
	case CHANGE_FAIR:
		store_get_fair(server.store, f->id, fair_fetched, f);
		break;
	case CHANGE_ROSTER:
		store_get_roster(server.store, f->id, roster_fetched, f);
		break;
	default:
		store_get_seeker(server.store, f->id, seeker_fetched, f);
		break;
	}
}

const struct store_hooks mirror_store_hooks = {
	.load_begin = load_begin,
	.load_employer = load_employer,
	.load_seeker = seekers_load,
	.load_fair = fairs_load,
	.load_roster = load_roster,
	.load_job = load_job,
	.load_end = load_end,
	.down = store_down,
	.change = on_change,
};

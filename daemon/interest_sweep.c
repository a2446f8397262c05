/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * interest_sweep.c - see interest_sweep.h.
 */
#include <stdbool.h>
#include <time.h>

#include <event2/event.h>

#include "daemon/interest_sweep.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "daemon/store.h"

static struct event	*timer;
static bool		 stopped;
static bool		 running;	/* a call is at Redis */
static int		 calls;		/* of this run */
static long long	 erased;	/* by this run */

int64_t
interest_cutoff(int64_t now)
{
	return now - (int64_t)server.cfg.interest_retention_days * 86400;
}

/* The next run, interest_sweep_s from now (read each time: SIGHUP may
 * change it), or a second from now when a run stopped at its bound with
 * more left to erase. */
static void
schedule_in(int s)
{
	struct timeval tv = { s, 0 };

	if (!stopped && timer != NULL)
		evtimer_add(timer, &tv);
}

static void
schedule(void)
{
	schedule_in(server.cfg.interest_sweep_s);
}

static void
swept(const struct store_res *res, void *arg)
{
	(void)arg;
	running = false;
	if (stopped)
		return;
	if (res->status == STORE_OK) {
		erased += res->version;
		if (res->version >= STORE_INTEREST_SWEEP &&
		    ++calls < INTEREST_SWEEP_CALLS) {
			running = true;
			store_sweep_interests(server.store,
			    interest_cutoff((int64_t)time(NULL)), swept, NULL);
			return;
		}
		if (res->version >= STORE_INTEREST_SWEEP) {
			/* more past retention than a run erases: go on in
			 * a second, not a whole interval later */
			log_info("interests: %lld past retention (%d days) "
			    "erased, more left: going on in 1 s", erased,
			    server.cfg.interest_retention_days);
			schedule_in(1);
			return;
		}
	} else
		log_warnx("interests: the sweep of those past retention "
		    "failed (Redis %s); trying again in %d s",
		    res->status == STORE_DOWN ? "down" : res->status ==
		    STORE_UNKNOWN ? "did not answer" : "refused it",
		    server.cfg.interest_sweep_s);
	if (erased > 0)
		log_info("interests: %lld past retention (%d days) erased",
		    erased, server.cfg.interest_retention_days);
	schedule();
}

static void
run(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	if (stopped || running)
		return;
	if (!store_connected(server.store)) {
		schedule();
		return;
	}
	calls = 0;
	erased = 0;
	running = true;
	store_sweep_interests(server.store,
	    interest_cutoff((int64_t)time(NULL)), swept, NULL);
}

void
interest_sweep_start(void)
{
	if ((timer = evtimer_new(server.base, run, NULL)) == NULL)
		fatalx("out of memory");
	schedule();
}

void
interest_sweep_stop(void)
{
	stopped = true;
	if (timer != NULL) {
		event_free(timer);
		timer = NULL;
	}
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fair_counts.c - see fair_counts.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "daemon/fair_counts.h"
#include "daemon/log.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "matcher/model.h"
#include "matcher/strmap.h"

/* What was added to one counter and not sent yet. */
struct count {
	char		 fair[ID_MAX + 1];
	char		 field[64];
	int64_t		 by;
};

static struct strmap	 pending;	/* "FAIR FIELD" -> struct count */
static bool		 inited;
static struct event	*timer;		/* armed while something waits */

static void
on_timer(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	fair_counts_flush();
}

void
fair_counts_add(const char *fair, const char *field, int64_t by)
{
	char key[ID_MAX + 1 + 64 + 1];
	struct count *c;

	if (!inited) {
		strmap_init(&pending);
		inited = true;
	}
	if (strlen(fair) > ID_MAX || strlen(field) >= sizeof(c->field))
		return;
	snprintf(key, sizeof(key), "%s %s", fair, field);
	if ((c = strmap_get(&pending, key)) == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    strmap_put(&pending, key, c) == -1) {
			free(c);	/* out of memory: this one is lost */
			return;
		}
		memcpy(c->fair, fair, strlen(fair) + 1);
		memcpy(c->field, field, strlen(field) + 1);
	}
	c->by += by;
	if (timer == NULL &&
	    (timer = evtimer_new(server.base, on_timer, NULL)) == NULL)
		return;		/* sent with the next flush */
	if (!evtimer_pending(timer, NULL)) {
		struct timeval tv = { 1, 0 };
		evtimer_add(timer, &tv);
	}
}

static void
send_one(const char *key, void *val, void *arg)
{
	struct count *c = val;
	const char *names[] = { c->field };

	(void)key;
	(void)arg;
	store_fair_count(server.store, c->fair, names, &c->by, 1);
	free(c);
}

void
fair_counts_flush(void)
{
	if (!inited)
		return;
	if (timer != NULL)
		evtimer_del(timer);
	strmap_each(&pending, send_one, NULL);
	strmap_free(&pending);		/* empty again */
}

static void
free_one(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

void
fair_counts_free(void)
{
	if (timer != NULL) {
		event_free(timer);
		timer = NULL;
	}
	if (!inited)
		return;
	strmap_each(&pending, free_one, NULL);
	strmap_free(&pending);
	inited = false;
}

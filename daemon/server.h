/*
 * server.h - the daemon's one mutable global.
 */
#ifndef JM_SERVER_H
#define JM_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "daemon/config.h"
#include "matcher/matcher.h"
#include "matcher/rules.h"
#include "matcher/towns.h"

struct conn;
TAILQ_HEAD(conn_list, conn);

struct server {
	struct event_base	*base;
	struct config		 cfg;
	struct towns		 towns;
	struct regex_limits	 regex;
	struct rules		*rules;		/* used by both mirrors */
	struct matcher		*matcher;	/* what matches read */
	struct matcher		*loading;	/* being rebuilt, or NULL */
	struct store		*store;
	struct evconnlistener	*tcp, *unix_lis;
	struct conn_list	 conns;		/* open or draining */
	struct conn_list	 closed;	/* to free from the loop */
	struct event		*reaper;
	size_t			 nconns;
	uint64_t		 next_conn_id;
	struct event		*sig_int, *sig_term, *sig_hup;
	bool			 stopping;
};

extern struct server server;

#endif

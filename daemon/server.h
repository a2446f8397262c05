/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
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
#include "matcher/strmap.h"
#include "matcher/towns.h"

struct conn;
struct conn_lines;
struct gateway;
struct httpd;
struct metrics;
struct seekers;
struct fairs;
TAILQ_HEAD(conn_list, conn);

struct server {
	struct event_base	*base;
	struct config		 cfg;
	struct towns		 towns;
	struct rules		*rules;		/* used by both mirrors */
	char			*rules_doc;	/* its JSON, as stored */
	char			*rules_file_doc;	/* rules_file as last read,
						   or the built-in rules */
	bool			 rules_polling;	/* a look is under way */
	bool			 rules_poll_again;	/* and another after it */
	int64_t			 rules_refused;	/* a stored version we refused */
	bool			 rules_local_only;	/* SIGHUP installed the
						   file while Redis was down:
						   Redis's version wins when
						   it is back */
	struct rules_stats	 regex_past;	/* of rule sets replaced */
	struct matcher		*matcher;	/* what matches read */
	struct matcher		*loading;	/* being rebuilt, or NULL */
	bool			 mirror_loaded;	/* a load completed once: until
						   then the mirror holds only
						   what was written since the
						   start, and the methods that
						   read it answer "loading" */
	struct seekers		*seekers;	/* registered seekers */
	struct seekers		*seekers_loading;	/* being rebuilt */
	struct fairs		*fairs;		/* job fairs */
	struct fairs		*fairs_loading;	/* being rebuilt */
	struct store		*store;
	struct evconnlistener	*tcp, *unix_lis, *tls;
	bool			 passed_sockets;	/* socket activation */
	struct ssl_ctx_st	*tls_ctx;	/* with listen_tls */
	const struct conn_lines	*lines;		/* where connections' lines
						   go (conn_listen) */
	struct conn_list	 conns;		/* open or draining */
	struct conn_list	 closed;	/* to free from the loop */
	struct event		*reaper;
	struct event		*accept_pause;	/* out of descriptors: wait */
	struct strmap		 hello_fails;	/* address -> struct hello_fail */
	size_t			 nconns;
	uint64_t		 next_conn_id;
	struct event		*sig_int, *sig_term, *sig_hup;
	bool			 stopping;
	struct metrics		*metrics;	/* see metrics.h */
	struct httpd		*http;		/* metrics_listen, or NULL */
	struct gateway		*gateway;	/* http_listen, https_listen */
	struct httpd		*httpds;	/* every HTTP listener open */
};

extern struct server server;

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * config.h - the configuration file: one "key value..." per line, "#"
 * comments, unknown keys refused. Parsed into a fresh struct that is only
 * used once it validated whole. Each key is declared once, in the table of
 * config_keys.c; config.c reads, defaults, reloads and lists by it.
 */
#ifndef JM_CONFIG_H
#define JM_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "matcher/model.h"
#include "matcher/quota.h"
#include "matcher/rules.h"

enum role { ROLE_ANON, ROLE_KIOSK, ROLE_EMPLOYER, ROLE_STAFF, ROLE_COUNT };
#define ROLE_BIT(r) (1u << (r))

struct token {
	enum role	 role;
	char		 employer_id[ID_MAX + 1];	/* employer role */
	unsigned char	 digest[32];			/* SHA-256 */
};

/* Representational bounds of the Redis credentials. */
#define REDIS_USER_MAX		255
#define REDIS_PASSWORD_MAX	4096

struct hostport {
	char	host[256];
	int	port;
};

/* A key the configuration file gave, and on which line. */
struct config_line {
	const char	*key;				/* the table's name */
	int		 line;
};

struct config {
	char		 file[PATH_MAX];	/* the file it was read from */
	struct config_line *lines;		/* the keys it gave, but token */
	size_t		 nlines;
	struct hostport	 listen;
	struct hostport	 listen_tls;		/* port 0: no TLS listener */
	struct hostport	 metrics_listen;	/* HTTP /metrics; port 0: none */
	size_t		 metrics_max_connections;
	int		 metrics_timeout_s;	/* silence, and one exchange */
	char		 tls_cert[PATH_MAX];
	char		 tls_key[PATH_MAX];
	char		 tls_ca[PATH_MAX];	/* "": no client certificates */
	char		 unix_socket[108];
	struct hostport	 redis;
	char		 redis_socket[108];	/* "redis /path" instead */
	int		 redis_db;
	char		 redis_user[REDIS_USER_MAX + 1];	/* "": none */
	char		*redis_password;	/* redis_password_file's; NULL:
						   no AUTH. Never logged */
	char		 key_prefix[64];
	size_t		 max_line_bytes;
	size_t		 anon_max_line_bytes;
	size_t		 max_batch;
	size_t		 max_connections;
	bool		 reuseport;		/* SO_REUSEPORT on TCP listeners */
	int		 redis_timeout_ms;
	size_t		 stream_maxlen;
	size_t		 rules_history;		/* versions kept in Redis */
	int		 stream_block_ms;	/* one blocking XREAD */
	int		 shutdown_timeout_s;	/* SIGTERM waits that long */
	int		 max_hello_failures;
	int		 hello_fail_limit;	/* per address, then a pause */
	int		 hello_pause_s;
	int		 idle_timeout_s;	/* after hello */
	int		 line_timeout_s;	/* a whole line, from its first byte */
	size_t		 max_pending;		/* lines owed per conn */
	size_t		 max_request_rate;	/* per conn, per second:
						   anonymous and kiosk */
	size_t		 staff_max_request_rate;	/* staff */
	size_t		 employer_max_request_rate;	/* employers */
	size_t		 max_output_bytes;	/* answers owed per conn */
	size_t		 max_store_inflight;	/* store requests per conn */
	size_t		 job_list_scan;		/* postings one job.list
						   examines */
	size_t		 job_list_bytes;	/* documents one job.list
						   reads */
	int		 anon_idle_timeout_s;	/* before hello */
	struct token	*tokens;
	size_t		 ntokens;
	char		 rules_file[PATH_MAX];
	char		 towns_file[PATH_MAX];
	struct regex_limits regex;		/* regex_* keys */
	struct quota_rules quota;		/* quota_* keys */
	struct plan_targets {			/* plan_* keys: stats.plan */
		int64_t	 jobs;			/* new jobs in a period */
		int64_t	 trained;		/* people trained */
		uint32_t graduate_rate;		/* ppm of graduates employed */
	}		 plan;
	int		 log_level;
	unsigned	 log_repeat_burst;	/* one message's lines in */
	unsigned	 log_repeat_interval_s;	/* this; 0: no limit */
};

/*
 * The configuration file read when none is given (-c), and the directory of
 * the data files: both from the install prefix (CMakeLists.txt).
 */
#define CONFIG_FILE_DEFAULT	JM_CONFIG_FILE
#define CONFIG_DATADIR		JM_DATADIR

/* Fills c with the defaults. */
void	config_defaults(struct config *c);
/*
 * Reads file into c (which config_defaults prepared). Returns 0, or -1 with
 * "file:line: reason" in err. A key given twice is an error naming both
 * lines, except the keys that make a list (token).
 */
int	config_load(struct config *c, const char *file, char *err,
	    size_t errlen);
void	config_free(struct config *c);
/*
 * A message about a file the configuration names: "FILE:LINE: key path:
 * reason", with the line that gave key, or "FILE: key path (the default):
 * reason" when no line did. Written into err.
 */
void	config_path_error(const struct config *c, const char *key,
	    const char *path, const char *reason, char *err, size_t errlen);
/*
 * SIGHUP: makes next (a config that loaded whole) the one in use, except
 * for the keys that only a restart can change (marked RESTART in
 * config.c's table: listeners, Redis address, database and prefix, TLS
 * files, towns, metrics_*, regex limits), which keep their values with a
 * warning for each that differs. next is emptied. The Redis credentials
 * (redis_user, the password read from redis_password_file) change: the
 * store uses them for its next links.
 */
void	config_reload(struct config *cur, struct config *next);
/*
 * --list-config-keys: one line per key, tab-separated: the key, its kind,
 * its range ("MIN to MAX", or "-"), its default as a line would give it
 * ("-": none), "reload" or "restart" (whether SIGHUP applies it), "once" or
 * "repeats", and a line of help. A first line, starting with '#', names
 * the columns.
 */
void	config_list_keys(FILE *fp);

const char *role_name(enum role r);

#endif

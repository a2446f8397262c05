/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * config_types.h - struct config, the settings the daemon runs with, and
 * the types it holds. Apart from config.h so that the table of the keys
 * (config_keys.c), which fills it, and the reader that uses the table
 * (config.c) depend one way.
 */
#ifndef JM_CONFIG_TYPES_H
#define JM_CONFIG_TYPES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher/model.h"
#include "matcher/quota.h"
#include "matcher/rules.h"

enum role { ROLE_ANON, ROLE_KIOSK, ROLE_EMPLOYER, ROLE_STAFF, ROLE_COUNT };
#define ROLE_BIT(r) (1u << (r))

struct token {
	enum role	 role;
	char		 employer_id[ID_MAX + 1];	/* employer role */
	char		 fair_id[ID_MAX + 1];	/* a kiosk bound to a fair
						   (kiosk@FAIR); "" unbound */
	unsigned char	 digest[32];			/* SHA-256 */
};

/* Representational bounds of the Redis credentials. */
#define REDIS_USER_MAX		255
#define REDIS_PASSWORD_MAX	4096

struct hostport {
	char	host[256];
	int	port;
};

/* The most redis_sentinel lines: a representational bound (a deployment
 * runs three or five sentinels). */
#define SENTINELS_MAX		16
#define MASTER_NAME_MAX		127

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
	struct hostport	 http_listen;		/* the HTTP gateway; port 0:
						   none */
	struct hostport	 https_listen;		/* the same over TLS */
	size_t		 http_max_connections;	/* each listener's */
	size_t		 http_max_header_bytes;
	size_t		 http_max_body_bytes;
	int		 http_timeout_s;	/* silence */
	int		 http_deadline_s;	/* one exchange */
	char		 http_cors_origin[256];	/* "": no CORS */
	char		 kiosk_dir[PATH_MAX];
	size_t		 kiosk_max_bytes;	/* kiosk_dir's files in all */
	size_t		 jsonld_page_size;	/* postings a /jobs.jsonld
						   page gives at most */
	char		 jsonld_region[128];	/* addressRegion in JSON-LD */
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
	struct hostport	 redis_sentinels[SENTINELS_MAX];	/* asked for
						   the primary, in turn */
	size_t		 nsentinels;		/* 0: the redis line's Redis */
	char		 redis_master_name[MASTER_NAME_MAX + 1];
	char		*sentinel_password;	/* the sentinels' own; NULL: no
						   AUTH. Never logged */
	int		 redis_sentinel_check_ms;	/* asks it again */
	char		 key_prefix[64];
	size_t		 max_line_bytes;
	size_t		 anon_max_line_bytes;
	size_t		 max_batch;
	size_t		 max_connections;
	bool		 reuseport;		/* SO_REUSEPORT on TCP listeners */
	int		 redis_timeout_ms;
	int		 redis_wait_replicas;	/* WAIT after a write; 0 off */
	int		 redis_wait_timeout_ms;
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
	int		 roster_max_entries;	/* employer.roster.put */
	struct plan_targets {			/* plan_* keys: stats.plan */
		int64_t	 jobs;			/* new jobs in a period */
		int64_t	 trained;		/* people trained */
		uint32_t graduate_rate;		/* ppm of graduates employed */
		int64_t	 from, to;		/* the plan's period, days */
		int	 followup_days;		/* between follow-ups */
		int	 subsidy_days;		/* the subsidy's window */
	}		 plan;
	int		 interest_retention_days;	/* then erased */
	int		 interest_sweep_s;	/* between two sweeps */
	size_t		 interest_max_records;	/* stored at most */
	bool		 export_personal;	/* seeker.export gives names
						   and certificate numbers */
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

#endif

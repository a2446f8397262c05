/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * config_keys.c - the configuration's keys, each declared once in the
 * table config_keys[]: what its value is, the field of struct config it
 * sets, its range, its default, whether SIGHUP applies it, a line of help.
 * A key whose value no kind reads has its own reader below, named in its
 * row. config.c reads files, gives defaults, reloads and lists by the
 * table.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config_types.h"
#include "daemon/config_keys.h"
#include "daemon/confval.h"
#include "daemon/log.h"
#include "matcher/date.h"
#include "matcher/quota.h"
#include "matcher/vocab.h"

static config_setter set_redis, set_password, set_sentinel, set_token, set_log_level,
    set_cors_origin,
    set_exempt_types, set_reduction_tiers, set_reduction_from,
    set_reduction_until, set_plan_day, set_working_age;

#define FIELD(f)	.off = offsetof(struct config, f),		\
			.len = sizeof(((struct config *)0)->f)
/* Fields first to last, adjacent in struct config. */
#define SPAN(first, last) .off = offsetof(struct config, first),	\
			.len = offsetof(struct config, last) +		\
			    sizeof(((struct config *)0)->last) -	\
			    offsetof(struct config, first)

#define BOOL_KEY(n, f, d, fl, h) { .name = n, .kind = K_BOOL, FIELD(f),	\
	.def = d, .flags = fl, .nargs = 1, .help = h }
#define INT_KEY(n, f, lo, hi, d, fl, h) { .name = n, .kind = K_INT,	\
	FIELD(f), .min = lo, .max = hi, .def = d, .flags = fl, .nargs = 1, \
	.help = h }
#define SIZE_KEY(n, f, lo, hi, d, fl, h) { .name = n, .kind = K_SIZE,	\
	FIELD(f), .min = lo, .max = hi, .def = d, .flags = fl, .nargs = 1, \
	.help = h }
#define COUNT_KEY(n, f, lo, hi, d, fl, h) { .name = n, .kind = K_COUNT, \
	FIELD(f), .min = lo, .max = hi, .def = d, .flags = fl, .nargs = 1, \
	.help = h }
#define FRACTION_KEY(n, f, lo, d, fl, hn, h) { .name = n,		\
	.kind = K_FRACTION, FIELD(f), .min = lo, .max = QUOTA_PPM,	\
	.def = d, .flags = fl, .nargs = 1, .hint = hn, .help = h }
#define STRING_KEY(n, f, d, fl, hn, h) { .name = n, .kind = K_STRING,	\
	FIELD(f), .def = d, .flags = fl, .nargs = 1, .hint = hn, .help = h }
#define PATH_KEY(n, f, d, fl, hn, h) { .name = n, .kind = K_PATH,	\
	FIELD(f), .def = d, .flags = fl, .nargs = 1, .hint = hn, .help = h }
#define HOSTPORT_KEY(n, f, d, fl, h) { .name = n, .kind = K_HOSTPORT,	\
	FIELD(f), .def = d, .flags = fl, .nargs = 1, .help = h }
#define FUNC_KEY(n, fn, na, fm, fld, d, fl, h) { .name = n,		\
	.kind = K_FUNC, fld, .def = d, .flags = fl, .nargs = na, .set = fn, \
	.form = fm, .help = h }

/* The key redis sets both. */
_Static_assert(offsetof(struct config, redis_socket) ==
    offsetof(struct config, redis) + sizeof(struct hostport),
    "redis_socket follows redis");

/*
 * Every key, in the order man/jobmatchd.conf.5 documents them
 * (tests/check_man.sh holds the page to this table's keys, ranges,
 * defaults and RESTART marks, through jobmatchd --list-config-keys).
 * A new key is a row: the macro of its kind, its field, its range, its
 * default as a line would give it (NULL: none), RELOAD or RESTART, and a
 * line of help; a value no kind reads gets a FUNC_KEY and a reader below.
 * Then its item in man/jobmatchd.conf.5 (docs/design.md, "Adding a
 * configuration key").
 */
const struct config_key config_keys[] = {
	/* Listeners */
	HOSTPORT_KEY("listen", listen, "127.0.0.1:7474", RESTART,
	    "the TCP listener"),
	BOOL_KEY("reuseport", reuseport, "no", RESTART,
	    "SO_REUSEPORT on the TCP listeners"),
	PATH_KEY("unix_socket", unix_socket, NULL, RESTART,
	    "path empty or too long",
	    "also listen on a unix stream socket at this path"),
	HOSTPORT_KEY("listen_tls", listen_tls, NULL, RESTART,
	    "also serve the protocol over TLS on this address"),
	PATH_KEY("tls_cert", tls_cert, NULL, RESTART, NULL,
	    "the TLS listener's certificate chain, PEM"),
	PATH_KEY("tls_key", tls_key, NULL, RESTART, NULL,
	    "the TLS listener's private key, PEM"),
	PATH_KEY("tls_ca", tls_ca, NULL, RESTART, NULL,
	    "CA certificates that TLS clients' certificates must be signed by"),
	HOSTPORT_KEY("metrics_listen", metrics_listen, NULL, RESTART,
	    "the HTTP listener of /metrics and /healthz"),
	INT_KEY("metrics_max_connections", metrics_max_connections, 1, 100000,
	    "64", RESTART, "connections the HTTP listener serves at once"),
	INT_KEY("metrics_timeout_s", metrics_timeout_s, 1, 3600, "10",
	    RESTART, "seconds of silence, and of one exchange, over HTTP"),

	/* The HTTP gateway and the kiosk page */
	HOSTPORT_KEY("http_listen", http_listen, NULL, RESTART,
	    "the HTTP gateway: POST /rpc, the kiosk page, /qr.svg"),
	HOSTPORT_KEY("https_listen", https_listen, NULL, RESTART,
	    "the same over TLS (tls_cert, tls_key, tls_ca)"),
	INT_KEY("http_max_connections", http_max_connections, 1, 100000,
	    "256", RESTART, "connections each HTTP gateway listener serves at "
	    "once"),
	SIZE_KEY("http_max_header_bytes", http_max_header_bytes, 1024,
	    1024u * 1024, "8k", RESTART, "the most bytes of a request's "
	    "headers"),
	SIZE_KEY("http_max_body_bytes", http_max_body_bytes, 256,
	    1024u * 1024 * 1024, "1M", RESTART,
	    "the largest POST /rpc body"),
	INT_KEY("http_timeout_s", http_timeout_s, 1, 3600, "30", RESTART,
	    "seconds of silence on a gateway connection"),
	INT_KEY("http_deadline_s", http_deadline_s, 1, 3600, "60", RESTART,
	    "seconds one gateway exchange may take in all"),
	FUNC_KEY("http_cors_origin", set_cors_origin, 1, "origin",
	    FIELD(http_cors_origin), NULL, RELOAD,
	    "the one web origin allowed to call /rpc and /qr.* (CORS)"),
	PATH_KEY("kiosk_dir", kiosk_dir, CONFIG_DATADIR "/kiosk", RELOAD,
	    NULL, "the kiosk page's files, served by the gateway"),
	SIZE_KEY("kiosk_max_bytes", kiosk_max_bytes, 65536,
	    1024u * 1024 * 1024, "32M", RELOAD,
	    "the most bytes of kiosk_dir's files in all"),
	INT_KEY("jsonld_page_size", jsonld_page_size, 1, 100, "50", RELOAD,
	    "postings one GET /jobs.jsonld page gives at most"),
	STRING_KEY("jsonld_region", jsonld_region, "Chongqing", RELOAD,
	    "region", "the region (addressRegion) of the postings' "
	    "places in JSON-LD"),

	/* Redis */
	FUNC_KEY("redis", set_redis, 1, "host:port|path",
	    SPAN(redis, redis_socket), "127.0.0.1:6379", RESTART,
	    "Redis: HOST:PORT, [V6]:PORT or the path of its unix socket"),
	STRING_KEY("redis_user", redis_user, NULL, RELOAD,
	    "longer than 255 bytes",
	    "the Redis ACL user to authenticate as (next link)"),
	FUNC_KEY("redis_password_file", set_password, 1, "secret file",
	    FIELD(redis_password), NULL, RELOAD,
	    "the file holding the Redis password (read again on SIGHUP)"),
	FUNC_KEY("redis_sentinel", set_sentinel, 1, "host:port",
	    SPAN(redis_sentinels, nsentinels), NULL, RESTART | REPEATS,
	    "a Redis Sentinel asked for the primary; one a line"),
	STRING_KEY("redis_master_name", redis_master_name, NULL, RESTART,
	    "name longer than 127 bytes",
	    "the primary's name the sentinels monitor"),
	FUNC_KEY("redis_sentinel_password_file", set_password, 1,
	    "secret file", FIELD(sentinel_password), NULL, RELOAD,
	    "a file holding the sentinels' password (AUTH)"),
	INT_KEY("redis_sentinel_check_ms", redis_sentinel_check_ms, 100,
	    3600000, "5000", RELOAD, "milliseconds between asking the "
	    "subscribed sentinel where the primary is"),
	INT_KEY("redis_db", redis_db, 0, 15, "0", RESTART,
	    "the Redis database"),
	STRING_KEY("key_prefix", key_prefix, "jm:", RESTART,
	    "empty or longer than 63 bytes", "the prefix of every Redis key"),
	INT_KEY("redis_timeout_ms", redis_timeout_ms, 10, 600000, "2000",
	    RELOAD, "milliseconds a Redis command may take"),
	INT_KEY("redis_wait_replicas", redis_wait_replicas, 0, 1000, "0",
	    RELOAD, "replicas that must have a write before it is "
	    "acknowledged (WAIT; 0: off)"),
	/* at most half redis_timeout_ms's largest: it must stay below it */
	INT_KEY("redis_wait_timeout_ms", redis_wait_timeout_ms, 1, 300000,
	    "1000", RELOAD, "milliseconds WAIT waits for the replicas "
	    "(below redis_timeout_ms)"),
	INT_KEY("stream_maxlen", stream_maxlen, 100, 100000000, "100000",
	    RELOAD, "the change stream's approximate length (MAXLEN ~)"),
	INT_KEY("stream_block_ms", stream_block_ms, 100, 600000, "5000",
	    RELOAD, "milliseconds one blocking XREAD of the stream waits"),
	INT_KEY("job_list_scan", job_list_scan, 1, 100000, "200", RELOAD,
	    "postings one job.list call examines at most"),
	SIZE_KEY("job_list_bytes", job_list_bytes, 4096, 64u * 1024 * 1024,
	    "256k", RELOAD, "documents one job.list page holds at most"),
	INT_KEY("rules_history", rules_history, 1, 100000, "50", RELOAD,
	    "rule-set versions kept in Redis"),

	/* Limits */
	SIZE_KEY("max_line_bytes", max_line_bytes, 256, 1024u * 1024 * 1024,
	    "1M", RELOAD, "the longest request line after hello"),
	SIZE_KEY("anon_max_line_bytes", anon_max_line_bytes, 256,
	    1024u * 1024 * 1024, "4096", RELOAD,
	    "the longest request line before hello"),
	INT_KEY("max_batch", max_batch, 1, 100000, "100", RELOAD,
	    "the most requests in one batch"),
	INT_KEY("max_connections", max_connections, 1, 1000000, "1024",
	    RELOAD, "connections served at once"),
	INT_KEY("max_pending", max_pending, 1, 1000000, "1024", RELOAD,
	    "lines owed answers on one connection before it is not read"),
	SIZE_KEY("max_output_bytes", max_output_bytes, 4096,
	    1024u * 1024 * 1024, "4M", RELOAD,
	    "what one connection may be owed before it is not read"),
	INT_KEY("max_store_inflight", max_store_inflight, 1, 100000, "16",
	    RELOAD, "requests of one connection at Redis at once"),
	INT_KEY("max_request_rate", max_request_rate, 1, 10000000, "10000",
	    RELOAD, "requests a second of a kiosk, or before hello"),
	INT_KEY("staff_max_request_rate", staff_max_request_rate, 1, 10000000,
	    "100000", RELOAD, "requests a second of a staff connection"),
	INT_KEY("employer_max_request_rate", employer_max_request_rate, 1,
	    10000000, "100000", RELOAD,
	    "requests a second of an employer's connection"),
	INT_KEY("max_hello_failures", max_hello_failures, 1, 100, "3", RELOAD,
	    "wrong tokens on one connection before it is closed"),
	INT_KEY("hello_fail_limit", hello_fail_limit, 1, 100000, "10", RELOAD,
	    "wrong tokens from one address before its hellos pause"),
	INT_KEY("hello_pause_s", hello_pause_s, 1, 86400, "60", RELOAD,
	    "seconds an address's hellos are paused"),

	/* Timeouts */
	INT_KEY("anon_idle_timeout_s", anon_idle_timeout_s, 1, 86400, "10",
	    RELOAD, "seconds of silence that close a connection before hello"),
	INT_KEY("idle_timeout_s", idle_timeout_s, 1, 86400, "300", RELOAD,
	    "the same after hello"),
	INT_KEY("line_timeout_s", line_timeout_s, 1, 86400, "30", RELOAD,
	    "seconds a line may take from its first byte to its end"),
	INT_KEY("shutdown_timeout_s", shutdown_timeout_s, 0, 3600, "10",
	    RELOAD, "seconds SIGTERM waits for the requests in flight"),

	/* Tokens */
	FUNC_KEY("token", set_token, 2, "role digest", SPAN(tokens, ntokens),
	    NULL, RELOAD | REPEATS,
	    "ROLE DIGEST: a token's role and SHA-256 digest; one a line"),

	/* Data files */
	PATH_KEY("towns_file", towns_file, CONFIG_DATADIR "/towns.tsv",
	    RESTART, NULL, "the county's towns, TSV"),
	PATH_KEY("rules_file", rules_file, NULL, RELOAD, NULL,
	    "the scoring rule set, JSON (default: the shipped one)"),

	/* Regular expressions: the rule set in use was compiled with them. */
	INT_KEY("regex_match_limit", regex.match_limit, 100, 100000000,
	    "10000", RESTART, "PCRE2's match limit"),
	INT_KEY("regex_depth_limit", regex.depth_limit, 10, 10000000, "1000",
	    RESTART, "PCRE2's depth limit (interpreter)"),
	INT_KEY("regex_heap_limit_kb", regex.heap_limit_kb, 64, 1048576,
	    "1024", RESTART, "PCRE2's heap limit, KiB"),
	INT_KEY("regex_jit_stack_kb", regex.jit_stack_kb, 32, 65536, "256",
	    RESTART, "the largest JIT stack, KiB"),
	INT_KEY("regex_max_pattern", regex.max_pattern_len, 16, 65536, "1024",
	    RESTART, "the longest pattern, bytes"),
	INT_KEY("regex_max_parens", regex.max_parens, 1, 250, "32", RESTART,
	    "the deepest parenthesis nesting of a pattern"),
	INT_KEY("regex_max_subject", regex.max_subject_len, 16, 1048576, "512",
	    RESTART, "bytes of a text a pattern runs on"),
	INT_KEY("regex_budget", regex.budget, 1, 10000000, "1000", RESTART,
	    "pattern runs one request may spend on the seeker's fields"),
	INT_KEY("regex_time_us", regex.time_us, 100, 10000000, "20000",
	    RESTART, "microseconds one request's patterns may take"),
	INT_KEY("regex_install_ms", regex.install_ms, 10, 600000, "2000",
	    RESTART, "milliseconds a new rule set may take over all postings"),

	/* Employment quota (docs/quota.md) */
	FRACTION_KEY("quota_ratio", quota.ratio, 1, "0.015", RELOAD,
	    "expected a decimal above 0, at most 1, with at most 6 decimals "
	    "(0.015 is 1.5 %)", "the share of the headcount to employ"),
	COUNT_KEY("quota_local_avg_salary", quota.local_avg_salary, 0,
	    MONEY_MAX, "0", RELOAD,
	    "the local average annual salary, yuan; 0: no cap"),
	COUNT_KEY("quota_salary_cap_multiple", quota.salary_cap_multiple, 1,
	    100, "2", RELOAD, "local average salaries the salary base is "
	    "capped at"),
	FUNC_KEY("quota_exempt_types", set_exempt_types, -1, "list",
	    FIELD(quota.exempt_types), "soe private sheltered_workshop",
	    RELOAD, "employer types a small enterprise is of, or none"),
	COUNT_KEY("quota_exempt_headcount", quota.exempt_headcount, 0,
	    COUNT_MAX, "30", RELOAD, "the largest headcount of an exempt "
	    "enterprise"),
	FUNC_KEY("quota_reduction_tiers", set_reduction_tiers, -1, "list",
	    SPAN(quota.tiers, quota.ntiers), "0.01:0.5 0:0.9", RELOAD,
	    "MIN:PAY reduced-payment tiers, or none"),
	FUNC_KEY("quota_reduction_from", set_reduction_from, 1, "date",
	    FIELD(quota.reduction_from), "2020-01-01", RELOAD,
	    "the first day the tiers apply, YYYY-MM-DD"),
	FUNC_KEY("quota_reduction_until", set_reduction_until, 1, "date",
	    FIELD(quota.reduction_until), "2027-12-31", RELOAD,
	    "the last day the tiers apply, YYYY-MM-DD"),
	FRACTION_KEY("quota_late_fee_rate", quota.late_fee_rate, 0, "0.005",
	    RELOAD, "expected a fraction a day from 0 to 1, with at most 6 "
	    "decimals (0.005 is 0.5 %)", "the late fee a day"),
	COUNT_KEY("quota_agency_min_staff", quota.agency_min_staff, 0,
	    COUNT_MAX, "50", RELOAD,
	    "agencies this large must employ a disabled person"),
	COUNT_KEY("quota_institution_min_staff", quota.institution_min_staff,
	    0, COUNT_MAX, "67", RELOAD,
	    "the same for public institutions"),
	COUNT_KEY("quota_min_wage", quota.min_wage, 0, MONEY_MAX, "2100",
	    RELOAD, "the local minimum monthly wage, yuan: a roster entry "
	    "paid less does not count"),
	INT_KEY("roster_max_entries", roster_max_entries, 1, 100000, "2000",
	    RELOAD, "entries of one employer's roster at most"),

	/* Working age (the quota's roster; the plan's figures) */
	FUNC_KEY("working_age_male", set_working_age, 1, "range",
	    FIELD(quota.age[QS_MALE]), "16-59",
	    RELOAD, "MIN-MAX: a man's working age, in the year, inclusive"),
	FUNC_KEY("working_age_female", set_working_age, 1, "range",
	    FIELD(quota.age[QS_FEMALE]),
	    "16-54", RELOAD,
	    "MIN-MAX: a woman's working age, in the year, inclusive"),

	/* The plan's period and targets (stats.plan, docs/plan.md) */
	FUNC_KEY("plan_from", set_plan_day, 1, "date", FIELD(plan.from),
	    "2022-01-01", RELOAD, "the plan period's first day, YYYY-MM-DD"),
	FUNC_KEY("plan_to", set_plan_day, 1, "date", FIELD(plan.to),
	    "2024-12-31", RELOAD, "the plan period's last day, YYYY-MM-DD"),
	COUNT_KEY("plan_jobs_target", plan.jobs, 0, COUNT_MAX, "300", RELOAD,
	    "persons newly employed over the plan's period"),
	COUNT_KEY("plan_trained_target", plan.trained, 0, COUNT_MAX, "60",
	    RELOAD, "persons trained over the plan's period"),
	FRACTION_KEY("plan_graduate_rate", plan.graduate_rate, 0, "0.9",
	    RELOAD, NULL, "the share of registered graduates employed"),
	INT_KEY("followup_interval_days", plan.followup_days, 1, 3650, "90",
	    RELOAD, "days after employment or a follow-up a visit is due"),
	INT_KEY("subsidy_window_days", plan.subsidy_days, 1, 3650, "365",
	    RELOAD, "days from employment a low-income subsidy lasts"),

	/* Interests (interest.record): personal data kept for a while */
	INT_KEY("interest_retention_days", interest_retention_days, 1, 36500,
	    "180", RELOAD, "days an interest is kept before it is erased"),
	INT_KEY("interest_sweep_s", interest_sweep_s, 1, 86400, "3600",
	    RELOAD, "seconds between two sweeps of expired interests"),
	INT_KEY("interest_max_records", interest_max_records, 1, 100000000,
	    "100000", RELOAD, "interests stored at most; more are refused"),

	/* The per-person export (seeker.export): personal data */
	BOOL_KEY("export_personal", export_personal, "no", RELOAD,
	    "seeker.export gives names and certificate numbers"),

	/* Logging */
	FUNC_KEY("log_level", set_log_level, 1, "enum", FIELD(log_level),
	    "info", RELOAD, "the least severe messages logged: debug, info, "
	    "warn or error"),
	INT_KEY("log_repeat_burst", log_repeat_burst, 0, 1000000, "5", RELOAD,
	    "lines of one repeated message an interval; 0: all"),
	INT_KEY("log_repeat_interval_s", log_repeat_interval_s, 1, 86400,
	    "30", RELOAD, "the interval of log_repeat_burst, seconds"),
};

const size_t config_nkeys = sizeof(config_keys) / sizeof(*config_keys);

/* "KEY: msg" into why; -1. */
static int
refuse(const char *key, const char *msg, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: %s", key, msg);
	return -1;
}

/* Forgets a password, leaving no copy in freed memory. */
static void
password_free(char **pw)
{
	if (*pw != NULL) {
		explicit_bzero(*pw, strlen(*pw));
		free(*pw);
		*pw = NULL;
	}
}

/*
 * Reads a password (key's) from path into *out (malloc'd). The file must
 * be a regular file that others cannot read or write and its group cannot
 * write (0600, 0400, 0640, 0440: a group the daemon is in may read it);
 * one line, whose end of line is dropped. Returns 0, or -1 with why.
 */
static int
read_password(const char *key, const char *path, char **out, char *why,
    size_t whylen)
{
	char buf[REDIS_PASSWORD_MAX + 3];
	struct stat sb;
	size_t n = 0;
	ssize_t got;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "%s: %s: %s", key, path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(why, whylen, "%s: %s: %s", key, path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, whylen, "%s: %s: not a "
		    "regular file", key, path);
		goto out;
	}
	if ((sb.st_mode & 037) != 0) {
		snprintf(why, whylen, "%s: %s: mode %04o "
		    "lets %s; make it 0600 or 0640 (chmod)", key, path,
		    (unsigned)(sb.st_mode & 07777), (sb.st_mode & 07) != 0 ?
		    "other users at it" : "its group write it");
		goto out;
	}
	while (n < sizeof(buf) &&
	    (got = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (got == -1) {
			if (errno == EINTR)
				continue;
			snprintf(why, whylen, "%s: %s: %s",
			    key, path, strerror(errno));
			goto out;
		}
		n += (size_t)got;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n == 0)
		snprintf(why, whylen, "%s: %s: empty", key, path);
	else if (n > REDIS_PASSWORD_MAX)
		snprintf(why, whylen, "%s: %s: longer than "
		    "%d bytes", key, path, REDIS_PASSWORD_MAX);
	else if (memchr(buf, '\0', n) != NULL ||
	    memchr(buf, '\n', n) != NULL || memchr(buf, '\r', n) != NULL)
		snprintf(why, whylen, "%s: %s: more than "
		    "one line, or a NUL byte", key, path);
	else if ((*out = malloc(n + 1)) == NULL)
		snprintf(why, whylen, "out of memory");
	else {
		memcpy(*out, buf, n);
		(*out)[n] = '\0';
		rc = 0;
	}
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

/* The readers of the K_FUNC keys. */

static int
set_redis(struct config *c, char **argv, int argc, char *why, size_t whylen)
{
	(void)argc;
	if (argv[1][0] == '/') {
		if (confval_copy(c->redis_socket, sizeof(c->redis_socket),
		    argv[1]))
			return refuse(argv[0], "path too long", why, whylen);
	} else if (confval_hostport(argv[1], c->redis.host,
	    sizeof(c->redis.host), &c->redis.port) == -1 ||
	    !confval_host(c->redis.host))
		return refuse(argv[0], "expected HOST:PORT ([IPv6]:PORT) or a "
		    "unix socket path", why, whylen);
	else
		c->redis_socket[0] = '\0';	/* the last line wins */
	return 0;
}

/* redis_password_file, or redis_sentinel_password_file */
static int
set_password(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	char **to = strcmp(argv[0], "redis_password_file") == 0 ?
	    &c->redis_password : &c->sentinel_password;
	char *pw = NULL;

	(void)argc;
	if (read_password(argv[0], argv[1], &pw, why, whylen) == -1)
		return -1;
	password_free(to);
	*to = pw;
	return 0;
}

/* redis_sentinel HOST:PORT, one a line: at most SENTINELS_MAX, each
 * once. */
static int
set_sentinel(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	struct hostport hp;

	(void)argc;
	memset(&hp, 0, sizeof(hp));
	if (confval_hostport(argv[1], hp.host, sizeof(hp.host),
	    &hp.port) == -1 || !confval_host(hp.host))
		return refuse(argv[0], "expected HOST:PORT ([IPv6]:PORT)", why,
		    whylen);
	for (size_t i = 0; i < c->nsentinels; i++)
		if (strcmp(c->redis_sentinels[i].host, hp.host) == 0 &&
		    c->redis_sentinels[i].port == hp.port)
			return refuse(argv[0], "the same sentinel is given "
			    "twice", why, whylen);
	if (c->nsentinels == SENTINELS_MAX) {
		snprintf(why, whylen, "%s: more than %d sentinels", argv[0],
		    SENTINELS_MAX);
		return -1;
	}
	c->redis_sentinels[c->nsentinels++] = hp;
	return 0;
}

/* token ROLE DIGEST: kiosk, kiosk@FAIR, staff or employer:ID, and 64 hex
 * digits. */
static int
set_token(struct config *c, char **argv, int argc, char *why, size_t whylen)
{
	const char *who = argv[1], *hex = argv[2];
	struct token t, *nt;

	(void)argc;
	memset(&t, 0, sizeof(t));
	if (strcmp(who, "kiosk") == 0)
		t.role = ROLE_KIOSK;
	else if (strncmp(who, "kiosk@", 6) == 0) {
		if (!confval_employer_id(who + 6, ID_MAX)) {
			snprintf(why, whylen, "bad fair id in '%s'", who);
			return -1;
		}
		t.role = ROLE_KIOSK;
		strcpy(t.fair_id, who + 6);
	} else if (strcmp(who, "staff") == 0)
		t.role = ROLE_STAFF;
	else if (strncmp(who, "employer:", 9) == 0) {
		if (!confval_employer_id(who + 9, ID_MAX)) {
			snprintf(why, whylen, "bad employer id in '%s'", who);
			return -1;
		}
		t.role = ROLE_EMPLOYER;
		strcpy(t.employer_id, who + 9);
	} else {
		snprintf(why, whylen, "token role must be kiosk, staff, "
		    "employer:ID or kiosk@FAIR");
		return -1;
	}
	if (confval_hex32(hex, t.digest) == -1) {
		snprintf(why, whylen, "token digest must be 64 hex digits "
		    "(SHA-256; see 'jobmatch hash-token')");
		return -1;
	}
	for (size_t i = 0; i < c->ntokens; i++)
		if (memcmp(c->tokens[i].digest, t.digest, 32) == 0) {
			snprintf(why, whylen, "the same token is configured "
			    "twice");
			return -1;
		}
	if ((nt = realloc(c->tokens, (c->ntokens + 1) * sizeof(*nt))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	c->tokens = nt;
	c->tokens[c->ntokens++] = t;
	return 0;
}

/* An origin as browsers send it: http:// or https://, a host of letters,
 * digits, dots and dashes (or an address in brackets), an optional port;
 * no path, no "*". */
static int
set_cors_origin(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	const char *o = argv[1], *h;
	size_t n = strlen(o);

	(void)argc;
	if (strncmp(o, "https://", 8) == 0)
		h = o + 8;
	else if (strncmp(o, "http://", 7) == 0)
		h = o + 7;
	else
		h = NULL;
	for (const char *p = h; p != NULL && *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-:[]", *p) != NULL))
			h = NULL;
	if (h == NULL || *h == '\0' || n >= sizeof(c->http_cors_origin))
		return refuse(argv[0], "expected an origin such as "
		    "https://kiosk.example.org or http://127.0.0.1:8080 (a "
		    "scheme, a host, a port; no path)", why, whylen);
	memcpy(c->http_cors_origin, o, n + 1);
	return 0;
}

static int
set_log_level(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	(void)argc;
	if ((c->log_level = log_level_parse(argv[1])) < 0)
		return refuse(argv[0], "expected debug, info, warn or error",
		    why, whylen);
	return 0;
}

static int
set_exempt_types(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	struct quota_rules *q = &c->quota;

	if (argc < 2)
		return refuse(argv[0], "expected employer types, or none", why,
		    whylen);
	q->exempt_types = 0;
	if (argc == 2 && strcmp(argv[1], "none") == 0)
		return 0;
	for (int i = 1; i < argc; i++) {
		int t = vocab_lookup(VOCAB_EMPLOYER, argv[i]);

		if (t < 0) {
			snprintf(why, whylen, "%s: '%s' is not an employer "
			    "type", argv[0], argv[i]);
			return -1;
		}
		q->exempt_types |= 1u << t;
	}
	return 0;
}

/* What involves quota_ratio too is checked once the file is read. */
static int
set_reduction_tiers(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	struct quota_rules *q = &c->quota;

	if (argc < 2)
		return refuse(argv[0], "expected MIN_RATIO:PAY_FRACTION pairs, "
		    "or none", why, whylen);
	q->ntiers = 0;
	if (argc == 2 && strcmp(argv[1], "none") == 0)
		return 0;
	if (argc - 1 > QUOTA_TIERS_MAX) {
		snprintf(why, whylen, "%s: at most %d tiers", argv[0],
		    QUOTA_TIERS_MAX);
		return -1;
	}
	for (int i = 1; i < argc; i++) {
		struct quota_tier *t = &q->tiers[i - 1];
		char *colon = strchr(argv[i], ':');
		bool ok = colon != NULL;

		if (ok) {
			*colon = '\0';
			ok = quota_parse_ppm(argv[i], QUOTA_PPM - 1,
			    &t->min_ratio) == 0 &&
			    quota_parse_ppm(colon + 1, QUOTA_PPM, &t->pay) == 0;
			*colon = ':';
		}
		if (!ok) {
			snprintf(why, whylen, "%s: expected MIN_RATIO:"
			    "PAY_FRACTION, decimals from 0 to 1 (e.g. "
			    "0.01:0.5), not '%s'", argv[0], argv[i]);
			return -1;
		}
	}
	q->ntiers = (size_t)(argc - 1);
	return 0;
}

static int
set_reduction_from(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	(void)argc;
	if (date_parse(argv[1], &c->quota.reduction_from) == -1)
		return refuse(argv[0], "expected a date YYYY-MM-DD from 1970 "
		    "to 9999", why, whylen);
	return 0;
}

/* working_age_male, working_age_female: MIN-MAX, whole years. */
static int
set_working_age(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	int sex = strcmp(argv[0], "working_age_male") == 0 ? QS_MALE :
	    QS_FEMALE;
	long lo, hi;
	char *end;

	(void)argc;
	if (argv[1][0] < '0' || argv[1][0] > '9')
		goto bad;
	lo = strtol(argv[1], &end, 10);
	if (*end != '-' || end[1] < '0' || end[1] > '9')
		goto bad;
	hi = strtol(end + 1, &end, 10);
	if (*end != '\0' || lo > hi || hi > QUOTA_AGE_MAX)
		goto bad;
	c->quota.age[sex].min = (int)lo;
	c->quota.age[sex].max = (int)hi;
	return 0;
bad:
	snprintf(why, whylen, "%s: expected MIN-MAX, whole years from 0 to "
	    "%d with MIN <= MAX (e.g. 16-59)", argv[0], QUOTA_AGE_MAX);
	return -1;
}

static int
set_reduction_until(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	(void)argc;
	if (date_parse(argv[1], &c->quota.reduction_until) == -1)
		return refuse(argv[0], "expected a date YYYY-MM-DD from 1970 "
		    "to 9999", why, whylen);
	return 0;
}

/* plan_from or plan_to; that from is not after to is checked once the
 * file is read. */
static int
set_plan_day(struct config *c, char **argv, int argc, char *why,
    size_t whylen)
{
	(void)argc;
	if (date_parse(argv[1], strcmp(argv[0], "plan_from") == 0 ?
	    &c->plan.from : &c->plan.to) == -1)
		return refuse(argv[0], "expected a date YYYY-MM-DD from 1970 "
		    "to 9999", why, whylen);
	return 0;
}

void
config_keys_free(struct config *c)
{
	free(c->tokens);
	c->tokens = NULL;
	c->ntokens = 0;
	password_free(&c->redis_password);
	password_free(&c->sentinel_password);
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * config.c - see config.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/confval.h"
#include "daemon/log.h"

static const char *role_names[ROLE_COUNT] = {
	"anonymous", "kiosk", "employer", "staff"
};

const char *
role_name(enum role r)
{
	return role_names[r];
}

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->listen.host, "127.0.0.1");
	c->listen.port = 7474;
	strcpy(c->redis.host, "127.0.0.1");
	c->redis.port = 6379;
	strcpy(c->key_prefix, "jm:");
	c->max_line_bytes = 1024 * 1024;
	c->anon_max_line_bytes = 4096;
	c->max_batch = 100;
	c->max_connections = 1024;
	c->redis_timeout_ms = 2000;
	c->stream_maxlen = 100000;
	c->rules_history = 50;
	c->stream_block_ms = 5000;
	c->shutdown_timeout_s = 10;
	c->metrics_max_connections = 64;
	c->metrics_timeout_s = 10;
	c->max_hello_failures = 3;
	c->hello_fail_limit = 10;
	c->hello_pause_s = 60;
	c->idle_timeout_s = 300;
	c->line_timeout_s = 30;
	c->max_pending = 1024;
	c->max_request_rate = 10000;
	c->staff_max_request_rate = 100000;
	c->employer_max_request_rate = 100000;
	c->max_output_bytes = 4 * 1024 * 1024;
	c->max_store_inflight = 16;
	c->job_list_scan = 200;
	c->job_list_bytes = 256 * 1024;
	c->anon_idle_timeout_s = 10;
	snprintf(c->towns_file, sizeof(c->towns_file), "%s",
	    CONFIG_DATADIR "/towns.tsv");
	regex_limits_defaults(&c->regex);
	quota_rules_defaults(&c->quota);
	c->plan.jobs = 300;
	c->plan.trained = 60;
	c->plan.graduate_rate = 900000;
	c->log_level = LOG_INFO;
	c->log_repeat_burst = 5;
	c->log_repeat_interval_s = 30;
}

/* Forgets the password, leaving no copy in freed memory. */
static void
password_free(struct config *c)
{
	if (c->redis_password != NULL) {
		explicit_bzero(c->redis_password, strlen(c->redis_password));
		free(c->redis_password);
		c->redis_password = NULL;
	}
}

void
config_free(struct config *c)
{
	free(c->tokens);
	c->tokens = NULL;
	c->ntokens = 0;
	for (size_t i = 0; i < c->nlines; i++)
		free(c->lines[i].key);
	free(c->lines);
	c->lines = NULL;
	c->nlines = 0;
	password_free(c);
}

/* The line that gave key, or 0. */
static int
config_line_of(const struct config *c, const char *key)
{
	for (size_t i = 0; i < c->nlines; i++)
		if (strcmp(c->lines[i].key, key) == 0)
			return c->lines[i].line;
	return 0;
}

void
config_path_error(const struct config *c, const char *key, const char *path,
    const char *reason, char *err, size_t errlen)
{
	int line = config_line_of(c, key);

	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s %s: %s", c->file, line, key,
		    path, reason);
	else
		snprintf(err, errlen, "%s: %s %s (the default): %s", c->file,
		    key, path, reason);
}

/* The keys that may be given on several lines, each adding to a list. */
static bool
key_repeats(const char *k)
{
	static const char *const lists[] = { "token" };

	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		if (strcmp(k, lists[i]) == 0)
			return true;
	return false;
}

/*
 * Notes that line lineno gave key k; -1 with why when an earlier line gave
 * it already (a key that does not make a list takes one line).
 */
static int
note_line(struct config *c, const char *k, int lineno, char *why,
    size_t whylen)
{
	struct config_line *nl;
	int first;

	if (key_repeats(k))
		return 0;
	if ((first = config_line_of(c, k)) > 0) {
		snprintf(why, whylen, "%s is given again: line %d gave it "
		    "already (only token lines may repeat)", k, first);
		return -1;
	}
	if ((nl = realloc(c->lines, (c->nlines + 1) * sizeof(*nl))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	c->lines = nl;
	if ((nl[c->nlines].key = strdup(k)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	nl[c->nlines++].line = lineno;
	return 0;
}

/* HOST:PORT or [V6]:PORT into hp. */
static int
parse_hostport(const char *s, struct hostport *hp)
{
	return confval_hostport(s, hp->host, sizeof(hp->host), &hp->port);
}

static int
add_token(struct config *c, const char *who, const char *hex, char *why,
    size_t whylen)
{
	struct token t, *nt;

	memset(&t, 0, sizeof(t));
	if (strcmp(who, "kiosk") == 0)
		t.role = ROLE_KIOSK;
	else if (strcmp(who, "staff") == 0)
		t.role = ROLE_STAFF;
	else if (strncmp(who, "employer:", 9) == 0) {
		if (!confval_employer_id(who + 9, ID_MAX)) {
			snprintf(why, whylen, "bad employer id in '%s'", who);
			return -1;
		}
		t.role = ROLE_EMPLOYER;
		strcpy(t.employer_id, who + 9);
	} else {
		snprintf(why, whylen, "token role must be kiosk, staff or "
		    "employer:ID");
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

/*
 * Reads the Redis password from path into *out (malloc'd). The file must
 * be a regular file that others cannot read or write and its group cannot
 * write (0600, 0400, 0640, 0440: a group the daemon is in may read it);
 * one line, whose end of line is dropped. Returns 0, or -1 with why.
 */
static int
read_password(const char *path, char **out, char *why, size_t whylen)
{
	char buf[REDIS_PASSWORD_MAX + 3];
	struct stat sb;
	size_t n = 0;
	ssize_t got;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "redis_password_file: %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(why, whylen, "redis_password_file: %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, whylen, "redis_password_file: %s: not a "
		    "regular file", path);
		goto out;
	}
	if ((sb.st_mode & 037) != 0) {
		snprintf(why, whylen, "redis_password_file: %s: mode %04o "
		    "lets %s; make it 0600 or 0640 (chmod)", path,
		    (unsigned)(sb.st_mode & 07777), (sb.st_mode & 07) != 0 ?
		    "other users at it" : "its group write it");
		goto out;
	}
	while (n < sizeof(buf) &&
	    (got = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (got == -1) {
			if (errno == EINTR)
				continue;
			snprintf(why, whylen, "redis_password_file: %s: %s",
			    path, strerror(errno));
			goto out;
		}
		n += (size_t)got;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n == 0)
		snprintf(why, whylen, "redis_password_file: %s: empty", path);
	else if (n > REDIS_PASSWORD_MAX)
		snprintf(why, whylen, "redis_password_file: %s: longer than "
		    "%d bytes", path, REDIS_PASSWORD_MAX);
	else if (memchr(buf, '\0', n) != NULL ||
	    memchr(buf, '\n', n) != NULL || memchr(buf, '\r', n) != NULL)
		snprintf(why, whylen, "redis_password_file: %s: more than "
		    "one line, or a NUL byte", path);
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

static int
copy_str(char *dst, size_t dstlen, const char *s)
{
	if (strlen(s) == 0 || strlen(s) >= dstlen)
		return -1;
	strcpy(dst, s);
	return 0;
}

/* For apply() and apply_quota(): k is the key, argv its words. */
#define NEED(count) do {						\
	if (argc != (count) + 1) {					\
		snprintf(why, whylen, "'%s' takes %d value%s", k,	\
		    (count), (count) == 1 ? "" : "s");			\
		return -1;						\
	}								\
} while (0)
#define BAD(msg) do { snprintf(why, whylen, "%s: %s", k, msg); return -1; } \
	while (0)

/* A target of the plan that is not a count from 0 to COUNT_MAX. */
static int
count_bad(const char *k, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: expected a whole number from 0 to %lld",
	    k, (long long)COUNT_MAX);
	return -1;
}

/*
 * Applies one quota_* directive (docs/quota.md); returns 0 or -1 with why
 * filled. What involves two keys is checked once the file is read.
 */
static int
apply_quota(struct quota_rules *q, char **argv, int argc, char *why,
    size_t whylen)
{
	static const struct {
		const char	*key;
		size_t		 off;
		int64_t		 min, max;
	} qk[] = {
#define QK(name, field, lo, hi) \
	{ name, offsetof(struct quota_rules, field), lo, hi }
		QK("quota_local_avg_salary", local_avg_salary, 0, MONEY_MAX),
		QK("quota_salary_cap_multiple", salary_cap_multiple, 1, 100),
		QK("quota_exempt_headcount", exempt_headcount, 0, COUNT_MAX),
		QK("quota_agency_min_staff", agency_min_staff, 0, COUNT_MAX),
		QK("quota_institution_min_staff", institution_min_staff, 0,
		    COUNT_MAX),
#undef QK
	};
	const char *k = argv[0];

	for (size_t i = 0; i < sizeof(qk) / sizeof(*qk); i++) {
		if (strcmp(k, qk[i].key) != 0)
			continue;
		NEED(1);
		if (confval_num(argv[1], qk[i].min, qk[i].max,
		    (int64_t *)(void *)((char *)q + qk[i].off)) == -1) {
			snprintf(why, whylen, "%s: expected a whole number "
			    "from %lld to %lld", k, (long long)qk[i].min,
			    (long long)qk[i].max);
			return -1;
		}
		return 0;
	}
	if (strcmp(k, "quota_ratio") == 0) {
		NEED(1);
		if (quota_parse_ppm(argv[1], QUOTA_PPM, &q->ratio) == -1 ||
		    q->ratio == 0)
			BAD("expected a decimal above 0, at most 1, with at "
			    "most 6 decimals (0.015 is 1.5 %)");
	} else if (strcmp(k, "quota_late_fee_rate") == 0) {
		NEED(1);
		if (quota_parse_ppm(argv[1], QUOTA_PPM, &q->late_fee_rate) ==
		    -1)
			BAD("expected a fraction a day from 0 to 1, with at "
			    "most 6 decimals (0.005 is 0.5 %)");
	} else if (strcmp(k, "quota_reduction_until") == 0) {
		NEED(1);
		if (date_parse(argv[1], &q->reduction_until) == -1)
			BAD("expected a date YYYY-MM-DD from 1970 to 9999");
	} else if (strcmp(k, "quota_exempt_types") == 0) {
		if (argc < 2)
			BAD("expected employer types, or none");
		q->exempt_types = 0;
		if (argc == 2 && strcmp(argv[1], "none") == 0)
			return 0;
		for (int i = 1; i < argc; i++) {
			int t = vocab_lookup(VOCAB_EMPLOYER, argv[i]);

			if (t < 0) {
				snprintf(why, whylen, "%s: '%s' is not an "
				    "employer type", k, argv[i]);
				return -1;
			}
			q->exempt_types |= 1u << t;
		}
	} else if (strcmp(k, "quota_reduction_tiers") == 0) {
		if (argc < 2)
			BAD("expected MIN_RATIO:PAY_FRACTION pairs, or none");
		q->ntiers = 0;
		if (argc == 2 && strcmp(argv[1], "none") == 0)
			return 0;
		if (argc - 1 > QUOTA_TIERS_MAX) {
			snprintf(why, whylen, "%s: at most %d tiers", k,
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
				    quota_parse_ppm(colon + 1, QUOTA_PPM,
				    &t->pay) == 0;
				*colon = ':';
			}
			if (!ok) {
				snprintf(why, whylen, "%s: expected MIN_RATIO:"
				    "PAY_FRACTION, decimals from 0 to 1 (e.g. "
				    "0.01:0.5), not '%s'", k, argv[i]);
				return -1;
			}
		}
		q->ntiers = (size_t)(argc - 1);
	} else {
		snprintf(why, whylen, "unknown key '%s'", k);
		return -1;
	}
	return 0;
}

/* Applies one directive; returns 0 or -1 with why filled. */
static int
apply(struct config *c, char **argv, int argc, char *why, size_t whylen)
{
	const char *k = argv[0];
	size_t n;

	if (strcmp(k, "listen") == 0) {
		NEED(1);
		if (parse_hostport(argv[1], &c->listen) == -1)
			BAD("expected HOST:PORT");
	} else if (strcmp(k, "listen_tls") == 0) {
		NEED(1);
		if (parse_hostport(argv[1], &c->listen_tls) == -1)
			BAD("expected HOST:PORT");
	} else if (strcmp(k, "metrics_listen") == 0) {
		NEED(1);
		if (parse_hostport(argv[1], &c->metrics_listen) == -1)
			BAD("expected HOST:PORT");
	} else if (strcmp(k, "metrics_max_connections") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 100000,
		    &c->metrics_max_connections) == -1)
			BAD("expected 1 to 100000");
	} else if (strcmp(k, "metrics_timeout_s") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 3600, &n) == -1)
			BAD("expected 1 to 3600");
		c->metrics_timeout_s = (int)n;
	} else if (strcmp(k, "tls_cert") == 0) {
		NEED(1);
		if (copy_str(c->tls_cert, sizeof(c->tls_cert), argv[1]))
			BAD("path too long");
	} else if (strcmp(k, "tls_key") == 0) {
		NEED(1);
		if (copy_str(c->tls_key, sizeof(c->tls_key), argv[1]))
			BAD("path too long");
	} else if (strcmp(k, "tls_ca") == 0) {
		NEED(1);
		if (copy_str(c->tls_ca, sizeof(c->tls_ca), argv[1]))
			BAD("path too long");
	} else if (strcmp(k, "unix_socket") == 0) {
		NEED(1);
		if (copy_str(c->unix_socket, sizeof(c->unix_socket), argv[1]))
			BAD("path empty or too long");
	} else if (strcmp(k, "redis") == 0) {
		NEED(1);
		if (argv[1][0] == '/') {
			if (copy_str(c->redis_socket, sizeof(c->redis_socket),
			    argv[1]))
				BAD("path too long");
		} else if (parse_hostport(argv[1], &c->redis) == -1 ||
		    !confval_host(c->redis.host))
			BAD("expected HOST:PORT ([IPv6]:PORT) or a unix socket "
			    "path");
		else
			c->redis_socket[0] = '\0';	/* the last line wins */
	} else if (strcmp(k, "redis_user") == 0) {
		NEED(1);
		if (copy_str(c->redis_user, sizeof(c->redis_user), argv[1]))
			BAD("longer than 255 bytes");
	} else if (strcmp(k, "redis_password_file") == 0) {
		char *pw = NULL;

		NEED(1);
		if (read_password(argv[1], &pw, why, whylen) == -1)
			return -1;
		password_free(c);
		c->redis_password = pw;
	} else if (strcmp(k, "redis_db") == 0) {
		NEED(1);
		if (confval_size(argv[1], 0, 15, &n) == -1)
			BAD("expected 0 to 15");
		c->redis_db = (int)n;
	} else if (strcmp(k, "key_prefix") == 0) {
		NEED(1);
		if (copy_str(c->key_prefix, sizeof(c->key_prefix), argv[1]))
			BAD("empty or longer than 63 bytes");
	} else if (strcmp(k, "max_line_bytes") == 0) {
		NEED(1);
		if (confval_size(argv[1], 256, 1024u * 1024 * 1024,
		    &c->max_line_bytes) == -1)
			BAD("expected 256 to 1G (bytes; suffix k, M or G)");
	} else if (strcmp(k, "anon_max_line_bytes") == 0) {
		NEED(1);
		if (confval_size(argv[1], 256, 1024u * 1024 * 1024,
		    &c->anon_max_line_bytes) == -1)
			BAD("expected 256 to 1G (bytes; suffix k, M or G)");
	} else if (strcmp(k, "max_batch") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 100000, &c->max_batch) == -1)
			BAD("expected 1 to 100000");
	} else if (strcmp(k, "reuseport") == 0) {
		NEED(1);
		if (strcmp(argv[1], "yes") == 0)
			c->reuseport = true;
		else if (strcmp(argv[1], "no") == 0)
			c->reuseport = false;
		else
			BAD("expected yes or no");
	} else if (strcmp(k, "max_connections") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 1000000, &c->max_connections) ==
		    -1)
			BAD("expected 1 to 1000000");
	} else if (strcmp(k, "redis_timeout_ms") == 0) {
		NEED(1);
		if (confval_size(argv[1], 10, 600000, &n) == -1)
			BAD("expected 10 to 600000");
		c->redis_timeout_ms = (int)n;
	} else if (strcmp(k, "stream_maxlen") == 0) {
		NEED(1);
		if (confval_size(argv[1], 100, 100000000, &c->stream_maxlen) ==
		    -1)
			BAD("expected 100 to 100000000");
	} else if (strcmp(k, "rules_history") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 100000, &c->rules_history) == -1)
			BAD("expected 1 to 100000");
	} else if (strcmp(k, "stream_block_ms") == 0) {
		NEED(1);
		if (confval_size(argv[1], 100, 600000, &n) == -1)
			BAD("expected 100 to 600000");
		c->stream_block_ms = (int)n;
	} else if (strcmp(k, "shutdown_timeout_s") == 0) {
		NEED(1);
		if (confval_size(argv[1], 0, 3600, &n) == -1)
			BAD("expected 0 to 3600");
		c->shutdown_timeout_s = (int)n;
	} else if (strcmp(k, "max_request_rate") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 10000000, &c->max_request_rate) ==
		    -1)
			BAD("expected 1 to 10000000");
	} else if (strcmp(k, "staff_max_request_rate") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 10000000,
		    &c->staff_max_request_rate) == -1)
			BAD("expected 1 to 10000000");
	} else if (strcmp(k, "employer_max_request_rate") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 10000000,
		    &c->employer_max_request_rate) == -1)
			BAD("expected 1 to 10000000");
	} else if (strcmp(k, "max_pending") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 1000000, &c->max_pending) == -1)
			BAD("expected 1 to 1000000");
	} else if (strcmp(k, "max_output_bytes") == 0) {
		NEED(1);
		if (confval_size(argv[1], 4096, 1024u * 1024 * 1024,
		    &c->max_output_bytes) == -1)
			BAD("expected 4k to 1G (bytes; suffix k, M or G)");
	} else if (strcmp(k, "max_store_inflight") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 100000, &c->max_store_inflight) ==
		    -1)
			BAD("expected 1 to 100000");
	} else if (strcmp(k, "job_list_scan") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 100000, &c->job_list_scan) == -1)
			BAD("expected 1 to 100000");
	} else if (strcmp(k, "job_list_bytes") == 0) {
		NEED(1);
		if (confval_size(argv[1], 4096, 64u * 1024 * 1024,
		    &c->job_list_bytes) == -1)
			BAD("expected 4k to 64M (bytes; suffix k, M or G)");
	} else if (strcmp(k, "line_timeout_s") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 86400, &n) == -1)
			BAD("expected 1 to 86400");
		c->line_timeout_s = (int)n;
	} else if (strcmp(k, "idle_timeout_s") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 86400, &n) == -1)
			BAD("expected 1 to 86400");
		c->idle_timeout_s = (int)n;
	} else if (strcmp(k, "anon_idle_timeout_s") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 86400, &n) == -1)
			BAD("expected 1 to 86400");
		c->anon_idle_timeout_s = (int)n;
	} else if (strcmp(k, "hello_fail_limit") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 100000, &n) == -1)
			BAD("expected 1 to 100000");
		c->hello_fail_limit = (int)n;
	} else if (strcmp(k, "hello_pause_s") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 86400, &n) == -1)
			BAD("expected 1 to 86400");
		c->hello_pause_s = (int)n;
	} else if (strcmp(k, "max_hello_failures") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 100, &n) == -1)
			BAD("expected 1 to 100");
		c->max_hello_failures = (int)n;
	} else if (strncmp(k, "regex_", 6) == 0) {
		static const struct {
			const char	*key;
			size_t		 off, min, max;
		} rk[] = {
#define RK(name, field, lo, hi) \
	{ name, offsetof(struct regex_limits, field), lo, hi }
			RK("regex_match_limit", match_limit, 100, 100000000),
			RK("regex_depth_limit", depth_limit, 10, 10000000),
			RK("regex_heap_limit_kb", heap_limit_kb, 64, 1048576),
			RK("regex_jit_stack_kb", jit_stack_kb, 32, 65536),
			RK("regex_max_pattern", max_pattern_len, 16, 65536),
			RK("regex_max_parens", max_parens, 1, 250),
			RK("regex_max_subject", max_subject_len, 16, 1048576),
			RK("regex_budget", budget, 1, 10000000),
			RK("regex_time_us", time_us, 100, 10000000),
			RK("regex_install_ms", install_ms, 10, 600000),
#undef RK
		};
		size_t i;
		for (i = 0; i < sizeof(rk) / sizeof(*rk); i++)
			if (strcmp(k, rk[i].key) == 0)
				break;
		if (i == sizeof(rk) / sizeof(*rk)) {
			snprintf(why, whylen, "unknown key '%s'", k);
			return -1;
		}
		NEED(1);
		if (confval_size(argv[1], rk[i].min, rk[i].max, &n) == -1) {
			snprintf(why, whylen, "%s: expected %zu to %zu", k,
			    rk[i].min, rk[i].max);
			return -1;
		}
		*(uint32_t *)(void *)((char *)&c->regex + rk[i].off) =
		    (uint32_t)n;
	} else if (strncmp(k, "quota_", 6) == 0) {
		return apply_quota(&c->quota, argv, argc, why, whylen);
	} else if (strcmp(k, "plan_jobs_target") == 0) {
		NEED(1);
		if (confval_num(argv[1], 0, COUNT_MAX, &c->plan.jobs) == -1)
			return count_bad(k, why, whylen);
	} else if (strcmp(k, "plan_trained_target") == 0) {
		NEED(1);
		if (confval_num(argv[1], 0, COUNT_MAX, &c->plan.trained) == -1)
			return count_bad(k, why, whylen);
	} else if (strcmp(k, "plan_graduate_rate") == 0) {
		NEED(1);
		if (quota_parse_ppm(argv[1], QUOTA_PPM,
		    &c->plan.graduate_rate) == -1)
			BAD("expected a fraction from 0 to 1");
	} else if (strcmp(k, "token") == 0) {
		NEED(2);
		return add_token(c, argv[1], argv[2], why, whylen);
	} else if (strcmp(k, "rules_file") == 0) {
		NEED(1);
		if (copy_str(c->rules_file, sizeof(c->rules_file), argv[1]))
			BAD("path too long");
	} else if (strcmp(k, "towns_file") == 0) {
		NEED(1);
		if (copy_str(c->towns_file, sizeof(c->towns_file), argv[1]))
			BAD("path too long");
	} else if (strcmp(k, "log_level") == 0) {
		NEED(1);
		if ((c->log_level = log_level_parse(argv[1])) < 0)
			BAD("expected debug, info, warn or error");
	} else if (strcmp(k, "log_repeat_burst") == 0) {
		NEED(1);
		if (confval_size(argv[1], 0, 1000000, &n) == -1)
			BAD("expected 0 to 1000000");
		c->log_repeat_burst = (unsigned)n;
	} else if (strcmp(k, "log_repeat_interval_s") == 0) {
		NEED(1);
		if (confval_size(argv[1], 1, 86400, &n) == -1)
			BAD("expected 1 to 86400");
		c->log_repeat_interval_s = (unsigned)n;
	} else {
		snprintf(why, whylen, "unknown key '%s'", k);
		return -1;
	}
	return 0;
#undef NEED
#undef BAD
}

int
config_load(struct config *c, const char *file, char *err, size_t errlen)
{
	char line[4096], why[256], *argv[8];
	FILE *fp;
	int lineno = 0, rc = 0;

	if (copy_str(c->file, sizeof(c->file), file) == -1) {
		snprintf(err, errlen, "%s: path empty or too long", file);
		return -1;
	}
	if ((fp = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		int argc = 0;
		char *p, *save = NULL;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errlen, "%s:%d: line too long", file,
			    lineno);
			rc = -1;
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = strtok_r(line, " \t\r\n", &save); p != NULL &&
		    argc < 8; p = strtok_r(NULL, " \t\r\n", &save))
			argv[argc++] = p;
		if (argc == 0)
			continue;
		if (p != NULL) {
			snprintf(err, errlen, "%s:%d: more than %d words", file,
			    lineno, argc);
			rc = -1;
			break;
		}
		if (apply(c, argv, argc, why, sizeof(why)) == -1 ||
		    note_line(c, argv[0], lineno, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", file, lineno, why);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && quota_rules_check(&c->quota, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", file, why);
		rc = -1;
	}
	if (rc == 0 && c->redis_user[0] != '\0' &&
	    c->redis_password == NULL) {
		snprintf(err, errlen, "%s: redis_user needs "
		    "redis_password_file", file);
		rc = -1;
	}
	if (rc == 0 && c->listen_tls.port != 0 &&
	    (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0')) {
		snprintf(err, errlen, "%s: listen_tls needs tls_cert and "
		    "tls_key", file);
		rc = -1;
	}
	fclose(fp);
	return rc;
}

/* A field that only a restart changes: keep cur's, and say so. */
#define KEEP(field, name) do {						\
	if (memcmp(&next->field, &cur->field, sizeof(cur->field)) != 0) \
		log_warnx("config: %s changed: restart to apply it", name); \
	memcpy(&next->field, &cur->field, sizeof(cur->field));		\
} while (0)

void
config_reload(struct config *cur, struct config *next)
{
	KEEP(listen, "listen");
	KEEP(listen_tls, "listen_tls");
	KEEP(reuseport, "reuseport");
	KEEP(tls_cert, "tls_cert");
	KEEP(tls_key, "tls_key");
	KEEP(tls_ca, "tls_ca");
	KEEP(unix_socket, "unix_socket");
	KEEP(redis, "redis");
	KEEP(redis_socket, "redis");
	KEEP(redis_db, "redis_db");
	KEEP(key_prefix, "key_prefix");
	KEEP(towns_file, "towns_file");
	KEEP(metrics_listen, "metrics_listen");
	KEEP(metrics_max_connections, "metrics_max_connections");
	KEEP(metrics_timeout_s, "metrics_timeout_s");
	/* The active rule set was compiled and is run with these. */
	next->regex.clock_us = cur->regex.clock_us;
	KEEP(regex, "a regex_* limit");
	config_free(cur);
	*cur = *next;
	next->tokens = NULL;
	next->ntokens = 0;
	next->lines = NULL;
	next->nlines = 0;
	next->redis_password = NULL;
}

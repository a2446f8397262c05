/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * metrics.c - see metrics.h.
 */
#include <sys/resource.h>

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "daemon/clock.h"
#include "daemon/metrics.h"
#include "daemon/seekers.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/rpc.h"

#define PREFIX	"jobmatchd_"

/* The codes of METRICS_CODES in order; the last bucket is any other. */
static const int codes[METRICS_CODES - 1] = {
	RPC_PARSE_ERROR, RPC_INVALID_REQUEST, RPC_METHOD_NOT_FOUND,
	RPC_INVALID_PARAMS, RPC_INTERNAL_ERROR, RPC_UNAUTHORIZED,
	RPC_NOT_FOUND, RPC_CONFLICT, RPC_STORE_UNAVAILABLE, RPC_BUSY,
	RPC_RULE_ERROR,
};

/* The quantiles reported, in per mille, and their names in stats. */
static const struct {
	unsigned	 permille;
	const char	*name;
} quantiles[] = {
	{ 500, "50" }, { 900, "90" }, { 990, "99" }, { 999, "999" },
};

/*
 * The "le" bounds of the Prometheus histogram, in us: 25 us doubling up to
 * 104.8576 s. Each is 25 << k, an exact bucket bound of hist.h (25 lies in
 * [HIST_SUB, 2 * HIST_SUB)), so the cumulative counts are exact.
 */
#define LE_FIRST_US	25
#define LE_COUNT	23

static const char *const close_names[MC_COUNT] = {
	"done", "idle", "slow_reader", "shutdown", "error",
};

/*
 * When this process started, in Unix seconds: /proc/self/stat gives it in
 * clock ticks since boot, which CLOCK_BOOTTIME counts from (so /proc/stat,
 * which systemd's ProcSubset=pid hides, is not needed). Now if unknown.
 */
static double
process_start(void)
{
	struct timespec real, boot;
	char buf[1024], *p;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *fp;
	size_t n = 0;
	int field;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	if ((fp = fopen("/proc/self/stat", "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	/* after the command's ")" come fields 3, 4, ...: starttime is 22 */
	if (hz <= 0 || (p = strrchr(buf, ')')) == NULL)
		return (double)real.tv_sec;
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %llu", &ticks) != 1)
		return (double)real.tv_sec;
	return (double)real.tv_sec + (double)real.tv_nsec / 1e9 -
	    ((double)boot.tv_sec + (double)boot.tv_nsec / 1e9) +
	    (double)ticks / (double)hz;
}

struct metrics *
metrics_new(const char *const *names, size_t n)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m != NULL) {
		m->started_us = mono_us();
		m->process_start = process_start();
		for (; m->nmethods < n && m->nmethods < METRICS_METHODS;
		    m->nmethods++)
			m->names[m->nmethods] = names[m->nmethods];
	}
	return m;
}

void
metrics_free(struct metrics *m)
{
	free(m);
}


/* ---- recording ------------------------------------------------------- */

/* The bucket of error code in by_code. */
static size_t
code_index(int code)
{
	size_t i;

	for (i = 0; i < METRICS_CODES - 1; i++)
		if (codes[i] == code)
			break;
	return i;
}

/* Counts a call; code is its error code, 0 for none. */
static void
count(struct metrics_method *mm, int code, uint64_t us)
{
	mm->calls++;
	if (code != 0) {
		mm->errors++;
		mm->by_code[code_index(code)]++;
	}
	hist_add(&mm->latency, us);
}

void
metrics_request(int method, json_t *resp, int64_t start_us)
{
	struct metrics *m = server.metrics;
	int64_t took, now, sec;
	json_t *err = json_object_get(resp, "error");
	int code = 0;

	if (m == NULL)
		return;
	if (resp == NULL)
		code = RPC_INTERNAL_ERROR;
	else if (err != NULL) {
		json_t *c = json_object_get(err, "code");
		code = json_is_integer(c) && json_integer_value(c) != 0 &&
		    json_integer_value(c) >= INT32_MIN &&
		    json_integer_value(c) <= INT32_MAX ?
		    (int)json_integer_value(c) : RPC_INTERNAL_ERROR;
	}
	now = mono_us();
	took = now - start_us;
	if (took < 0)
		took = 0;
	sec = now / 1000000;
	if (m->sec_at[sec % 60] != sec) {
		m->sec_at[sec % 60] = sec;
		m->sec_n[sec % 60] = 0;
	}
	m->sec_n[sec % 60]++;
	if (method >= 0 && method < METRICS_METHODS)
		count(&m->method[method], code, (uint64_t)took);
	else
		count(&m->invalid, code, (uint64_t)took);
}

void
metrics_invalid(int code)
{
	struct metrics *m = server.metrics;

	if (m == NULL)
		return;
	count(&m->invalid, code != 0 ? code : RPC_INTERNAL_ERROR, 0);
}

void
metrics_conn_accepted(void)
{
	if (server.metrics != NULL)
		server.metrics->conns_accepted++;
}

void
metrics_conn_refused(void)
{
	if (server.metrics != NULL)
		server.metrics->conns_refused++;
}

void
metrics_accept_paused(void)
{
	if (server.metrics != NULL)
		server.metrics->accept_pauses++;
}

void
metrics_conn_closed(enum metrics_close why)
{
	if (server.metrics != NULL)
		server.metrics->conns_closed[why]++;
}

bool
metrics_ready(const char **why)
{
	struct store_info si;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (server.stopping) {
		*why = "stopping";
		return false;
	}
	if (server.store == NULL) {
		*why = "starting";
		return false;
	}
	store_info(server.store, &si);
	if (si.loads == 0) {
		if (si.connected)
			*why = "loading the mirror from Redis";
		else if (si.trouble == STORE_TROUBLE_AUTH ||
		    si.trouble == STORE_TROUBLE_UNRESOLVED ||
		    si.trouble == STORE_TROUBLE_SENTINEL ||
		    si.trouble == STORE_TROUBLE_NOT_PRIMARY)
			*why = si.trouble_text;	/* the operator's to fix */
		else
			*why = "Redis not reached yet: nothing loaded";
		return false;
	}
	return true;
}

/* ---- stats ------------------------------------------------------------ */

static int64_t
uptime_s(const struct metrics *m)
{
	return (mono_us() - m->started_us) / 1000000;
}

/* Requests a second over the last minute (over the uptime, if shorter),
 * the current second included. */
static double
rate_1m(const struct metrics *m)
{
	int64_t now = mono_us(), sec = now / 1000000;
	double span = (double)(now - m->started_us) / 1e6;
	uint64_t n = 0;

	for (int i = 0; i < 60; i++)
		if (m->sec_at[i] > sec - 60 && m->sec_at[i] <= sec)
			n += m->sec_n[i];
	if (span > 60.0)
		span = 60.0;
	if (span < 1.0)
		span = 1.0;
	return (double)n / span;
}

/* The process's resident set (Linux: /proc/self/statm), or 0. */
static uint64_t
rss_bytes(void)
{
	unsigned long long size, resident;
	FILE *fp = fopen("/proc/self/statm", "r");
	int n;

	if (fp == NULL)
		return 0;
	n = fscanf(fp, "%llu %llu", &size, &resident);
	fclose(fp);
	if (n != 2)
		return 0;
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void
set_int(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* {calls, errors, p50_us, p90_us, p99_us, p999_us} */
static json_t *
method_json(const struct metrics_method *mm)
{
	json_t *o = json_object();
	char key[16];

	if (o == NULL)
		return NULL;
	set_int(o, "calls", mm->calls);
	set_int(o, "errors", mm->errors);
	for (size_t i = 0; i < sizeof(quantiles) / sizeof(*quantiles); i++) {
		snprintf(key, sizeof(key), "p%s_us", quantiles[i].name);
		set_int(o, key, hist_quantile(&mm->latency,
		    quantiles[i].permille));
	}
	return o;
}

/* Every request, whatever its method: the sum of the buckets. */
static void
totals(const struct metrics *m, struct metrics_method *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i <= METRICS_METHODS; i++) {
		const struct metrics_method *x = i < METRICS_METHODS ?
		    &m->method[i] : &m->invalid;
		t->calls += x->calls;
		t->errors += x->errors;
		hist_merge(&t->latency, &x->latency);
	}
}

void
metrics_stats(json_t *res)
{
	const struct metrics *m = server.metrics;
	struct metrics_method total;
	json_t *mirror, *closed, *req, *by, *lat;
	char key[16];

	if (m == NULL || res == NULL)
		return;
	totals(m, &total);
	if ((mirror = json_object_get(res, "mirror")) != NULL) {
		set_int(mirror, "employers",
		    matcher_nemployers(server.matcher));
		set_int(mirror, "seekers", seekers_count(server.seekers));
	}
	set_int(res, "connections_total", m->conns_accepted);
	set_int(res, "connections_refused", m->conns_refused);
	set_int(res, "accept_pauses", m->accept_pauses);
	if ((closed = json_object()) != NULL) {
		for (int i = 0; i < MC_COUNT; i++)
			set_int(closed, close_names[i], m->conns_closed[i]);
		json_object_set_new(res, "connections_closed", closed);
	}
	req = json_object();
	by = json_object();
	if (req != NULL && by != NULL) {
		set_int(req, "total", total.calls);
		set_int(req, "errors", total.errors);
		json_object_set_new(req, "rate_1m",
		    json_real((double)(int64_t)(rate_1m(m) * 100) / 100));
		for (size_t i = 0; i < m->nmethods; i++)
			json_object_set_new(by, m->names[i],
			    method_json(&m->method[i]));
		json_object_set_new(by, METRICS_INVALID_NAME,
		    method_json(&m->invalid));
		json_object_set(req, "by_method", by);
		json_object_set(res, "requests", req);
	}
	json_decref(by);
	json_decref(req);
	if ((lat = json_object()) != NULL) {
		for (size_t i = 0; i < sizeof(quantiles) / sizeof(*quantiles);
		    i++) {
			snprintf(key, sizeof(key), "p%s", quantiles[i].name);
			set_int(lat, key, hist_quantile(&total.latency,
			    quantiles[i].permille));
		}
		json_object_set_new(res, "latency_us", lat);
	}
	set_int(res, "uptime_s", (uint64_t)uptime_s(m));
	json_object_set_new(res, "memory", json_pack("{s:I}", "rss_bytes",
	    (json_int_t)rss_bytes()));
	json_object_set_new(res, "version", json_string(JM_VERSION));
}

/* ---- Prometheus text -------------------------------------------------- */

/* us as a decimal number of seconds, without trailing zeros. */
static void
fmt_seconds(char *buf, size_t len, uint64_t us)
{
	size_t n;

	snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, us / 1000000,
	    us % 1000000);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

void
metrics_family(struct evbuffer *out, const char *type, const char *name,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX
	    "%s %s\n", name, help, name, type);
}

void
metrics_put(struct evbuffer *out, const char *type, const char *name,
    const char *help, int64_t value)
{
	metrics_family(out, type, name, help);
	evbuffer_add_printf(out, PREFIX "%s %" PRId64 "\n", name, value);
}

/* Bucket i of n + 1: the methods in table order, then "(invalid)". */
static const struct metrics_method *
bucket(const struct metrics *m, size_t i, size_t n, const char **name)
{
	*name = i < n ? m->names[i] : METRICS_INVALID_NAME;
	return i < n ? &m->method[i] : &m->invalid;
}

static void
write_requests(struct evbuffer *out, const struct metrics *m)
{
	size_t n = m->nmethods;
	char le[32], sum[32];
	const char *name;

	metrics_family(out, "counter", "requests_total",
	    "Requests answered, by method (batch items one by one).");
	for (size_t i = 0; i <= n; i++) {
		const struct metrics_method *mm = bucket(m, i, n, &name);
		evbuffer_add_printf(out, PREFIX "requests_total{method=\"%s\"} %"
		    PRIu64 "\n", name, mm->calls);
	}
	metrics_family(out, "counter", "request_errors_total",
	    "Requests answered with a JSON-RPC error, by method and code.");
	for (size_t i = 0; i <= n; i++) {
		const struct metrics_method *mm = bucket(m, i, n, &name);

		for (size_t k = 0; k < METRICS_CODES; k++) {
			char code[16];

			if (k < METRICS_CODES - 1)
				snprintf(code, sizeof(code), "%d", codes[k]);
			else
				snprintf(code, sizeof(code), "other");
			evbuffer_add_printf(out, PREFIX "request_errors_total{"
			    "method=\"%s\",code=\"%s\"} %" PRIu64 "\n",
			    name, code, mm->by_code[k]);
		}
	}
	metrics_family(out, "histogram", "request_duration_seconds",
	    "Time from dispatch to answer, Redis round trips included.");
	for (size_t i = 0; i <= n; i++) {
		const struct metrics_method *mm = bucket(m, i, n, &name);

		for (int k = 0; k < LE_COUNT; k++) {
			uint64_t bound = (uint64_t)LE_FIRST_US << k;
			fmt_seconds(le, sizeof(le), bound);
			evbuffer_add_printf(out, PREFIX
			    "request_duration_seconds_bucket{method=\"%s\","
			    "le=\"%s\"} %" PRIu64 "\n", name, le,
			    hist_count_below(&mm->latency, bound));
		}
		fmt_seconds(sum, sizeof(sum), mm->latency.sum_us);
		evbuffer_add_printf(out, PREFIX
		    "request_duration_seconds_bucket{method=\"%s\","
		    "le=\"+Inf\"} %" PRIu64 "\n"
		    PREFIX "request_duration_seconds_sum{method=\"%s\"} %s\n"
		    PREFIX "request_duration_seconds_count{method=\"%s\"} %"
		    PRIu64 "\n", name, mm->latency.count, name, sum, name,
		    mm->latency.count);
	}
}

/* Redis and the change stream (store_info). */
static void
write_store(struct evbuffer *out)
{
	struct store_info si;

	if (server.store == NULL)
		return;
	store_info(server.store, &si);
	metrics_put(out, "gauge", "redis_following",
	    "1 while the change stream is being followed.", si.following);
	metrics_put(out, "gauge", "redis_emptied",
	    "1 when Redis was found empty where it held records before "
	    "(replaced or lost its data; see the log).", si.emptied);
	metrics_put(out, "gauge", "redis_pending",
	    "Redis commands sent and not answered yet.",
	    (int64_t)si.pending);
	metrics_put(out, "gauge", "stream_lag",
	    "Change-stream entries not applied yet, at the last read.",
	    (int64_t)si.stream_lag);
	metrics_put(out, "counter", "stream_changes_total",
	    "Change-stream entries applied.", (int64_t)si.changes);
	metrics_put(out, "counter", "mirror_loads_total",
	    "Complete loads of the mirror from Redis.", (int64_t)si.loads);
	metrics_put(out, "gauge", "mirror_loaded_timestamp_seconds",
	    "Unix time of the last complete load of the mirror.",
	    si.loaded_at);
	if (!si.sentinels)
		return;
	metrics_put(out, "gauge", "sentinel_subscribed",
	    "1 while +switch-master is followed on a sentinel.",
	    si.sentinel_subscribed);
	metrics_put(out, "counter", "sentinel_moves_total",
	    "Moves of the Redis links to the primary the sentinels name.",
	    (int64_t)si.sentinel_moves);
}

/* Open descriptors: the entries of /proc/self/fd but the one reading it;
 * -1 when it cannot be read. */
static int64_t
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int64_t n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d))
			n++;
	closedir(d);
	return n;
}

/* One sample of a family named as is (no jobmatchd_ prefix). */
static void
put_std(struct evbuffer *out, const char *type, const char *name,
    const char *help, const char *value)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %s\n",
	    name, help, name, type, name, value);
}

/*
 * The process_* metrics every Prometheus client library exports, with
 * their names and meanings, so that the usual dashboards and alerts
 * apply. /proc/self is the kernel's memory: reading it never waits.
 */
static void
write_process(struct evbuffer *out, const struct metrics *m)
{
	unsigned long long size = 0, resident = 0;
	long page = sysconf(_SC_PAGESIZE);
	struct rusage ru;
	struct rlimit rl;
	char v[64];
	int64_t fds;
	FILE *fp;

	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		snprintf(v, sizeof(v), "%.6f", (double)(ru.ru_utime.tv_sec +
		    ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec +
		    ru.ru_stime.tv_usec) / 1e6);
		put_std(out, "counter", "process_cpu_seconds_total",
		    "Total user and system CPU time spent in seconds.", v);
	}
	if ((fp = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(fp, "%llu %llu", &size, &resident) == 2 &&
		    page > 0) {
			snprintf(v, sizeof(v), "%llu",
			    resident * (unsigned long long)page);
			put_std(out, "gauge", "process_resident_memory_bytes",
			    "Resident memory size in bytes.", v);
			snprintf(v, sizeof(v), "%llu",
			    size * (unsigned long long)page);
			put_std(out, "gauge", "process_virtual_memory_bytes",
			    "Virtual memory size in bytes.", v);
		}
		fclose(fp);
	}
	if ((fds = open_fds()) >= 0) {
		snprintf(v, sizeof(v), "%" PRId64, fds);
		put_std(out, "gauge", "process_open_fds",
		    "Number of open file descriptors.", v);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur !=
	    RLIM_INFINITY) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)rl.rlim_cur);
		put_std(out, "gauge", "process_max_fds",
		    "Maximum number of open file descriptors.", v);
	}
	snprintf(v, sizeof(v), "%.3f", m->process_start);
	put_std(out, "gauge", "process_start_time_seconds",
	    "Start time of the process since unix epoch in seconds.", v);
}

void
metrics_write(struct evbuffer *out)
{
	const struct metrics *m = server.metrics;
	const struct rules_stats *rs;

	if (m == NULL)
		return;
	metrics_family(out, "gauge", "build_info",
	    "The running version; always 1.");
	evbuffer_add_printf(out, PREFIX "build_info{version=\"%s\"} 1\n",
	    JM_VERSION);
	metrics_put(out, "gauge", "uptime_seconds",
	    "Seconds since the daemon started.", uptime_s(m));

	metrics_put(out, "gauge", "connections",
	    "Client connections open now.", (int64_t)server.nconns);
	metrics_put(out, "counter", "connections_accepted_total",
	    "Client connections accepted.", (int64_t)m->conns_accepted);
	metrics_put(out, "counter", "connections_refused_total",
	    "Client connections refused at max_connections or while stopping.",
	    (int64_t)m->conns_refused);
	metrics_put(out, "counter", "accept_pauses_total",
	    "Times accepting paused for lack of file descriptors.",
	    (int64_t)m->accept_pauses);
	metrics_family(out, "counter", "connections_closed_total",
	    "Client connections closed, by reason.");
	for (int i = 0; i < MC_COUNT; i++)
		evbuffer_add_printf(out, PREFIX "connections_closed_total{"
		    "reason=\"%s\"} %" PRIu64 "\n", close_names[i],
		    m->conns_closed[i]);

	write_requests(out, m);

	metrics_put(out, "gauge", "mirror_postings",
	    "Open postings in the mirror matches read.",
	    (int64_t)matcher_njobs(server.matcher));
	metrics_put(out, "gauge", "mirror_employers",
	    "Registered employers in the mirror.",
	    (int64_t)matcher_nemployers(server.matcher));
	metrics_put(out, "gauge", "mirror_seekers",
	    "Registered job seekers in the mirror.",
	    (int64_t)seekers_count(server.seekers));
	metrics_put(out, "gauge", "mirror_reloading",
	    "1 while the mirror is being loaded again from Redis.",
	    server.loading != NULL);
	metrics_put(out, "gauge", "ready",
	    "1 when /healthz answers 200: the mirror was loaded from Redis "
	    "at least once and the daemon is not stopping.",
	    metrics_ready(NULL));

	rs = rules_stats_of(server.rules);
	metrics_put(out, "gauge", "rules_version",
	    "Version of the rule set in use.",
	    (int64_t)rules_version(server.rules));
	metrics_put(out, "gauge", "rules",
	    "Rules in the rule set in use.",
	    (int64_t)rules_spec_of(server.rules)->nrules);
	metrics_put(out, "counter", "regex_runs_total",
	    "Pattern runs of the rules.",
	    (int64_t)(rs->matches + server.regex_past.matches));
	metrics_put(out, "counter", "regex_limit_hits_total",
	    "Pattern runs stopped by a PCRE2 limit.",
	    (int64_t)(rs->limit_hits + server.regex_past.limit_hits));
	metrics_put(out, "counter", "regex_budget_spent_total",
	    "Requests whose pattern budget ran out.",
	    (int64_t)(rs->budget_out + server.regex_past.budget_out));

	metrics_put(out, "gauge", "redis_connected",
	    "1 while the link to Redis is up.",
	    store_connected(server.store));
	metrics_put(out, "gauge", "redis_loaded",
	    "1 while the link is up and the mirror was loaded over it.",
	    store_loaded(server.store));
	write_store(out);
	write_process(out, m);
}

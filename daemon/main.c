/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * main.c - jobmatchd: options, configuration, start-up and shutdown.
 */
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "daemon/clock.h"
#include "daemon/conn.h"
#include "daemon/dispatch.h"
#include "daemon/fair_counts.h"
#include "daemon/fairs.h"
#include "daemon/gateway.h"
#include "daemon/http.h"
#include "daemon/interest_sweep.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/mirror.h"
#include "daemon/ruleset.h"
#include "daemon/seekers.h"
#include "daemon/sd.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "daemon/tls.h"
#include "matcher/siphash.h"
#include "proto/codec.h"

#define FILE_MAX (16 * 1024 * 1024)

struct server server;

/* The usage: on stdout with status 0 when asked for (--help), else on
 * stderr with status 2. */
static noreturn void
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: jobmatchd [-n | --check-config] [-c FILE]\n"
	    "       jobmatchd --version | --help | --list-config-keys\n");
	if (fp == stdout)
		fprintf(fp, "\n"
		    "  -c, --config FILE   the configuration file (default: "
		    "%s)\n"
		    "  -n, --check-config  check the configuration, the towns "
		    "and the rules, then exit\n"
		    "  -V, --version       print the version and exit\n"
		    "  -h, --help          print this help and exit\n"
		    "  --list-config-keys  print every configuration key, its "
		    "range, default and\n"
		    "                      whether SIGHUP applies it, and exit\n"
		    "\nThe default towns_file: %s/towns.tsv\n"
		    "The default kiosk_dir: %s/kiosk\n"
		    "See jobmatchd(8) and jobmatchd.conf(5).\n",
		    CONFIG_FILE_DEFAULT, CONFIG_DATADIR, CONFIG_DATADIR);
	exit(status);
}

/*
 * Reads a whole file into a new buffer. Returns it, or NULL with the reason
 * in why.
 */
static char *
read_file(const char *path, size_t *len, char *why, size_t whylen)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (fp == NULL) {
		snprintf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			char *nb;
			cap = cap ? cap * 2 : 65536;
			if (cap > FILE_MAX || (nb = realloc(buf, cap)) == NULL) {
				snprintf(why, whylen, "too large");
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		snprintf(why, whylen, "%s", strerror(errno));
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

/* The towns file; an error names it and the configuration line. */
static int
load_towns(struct towns *t, const struct config *c, char *err,
    size_t errlen)
{
	char why[256];
	size_t len;
	char *buf = read_file(c->towns_file, &len, why, sizeof(why));
	int rc = -1;

	if (buf != NULL)
		rc = towns_parse(t, buf, len, why, sizeof(why));
	if (rc == -1)
		config_path_error(c, "towns_file", c->towns_file, why, err,
		    errlen);
	free(buf);
	return rc;
}

/*
 * The key of every hash table a client can fill (matcher/siphash.h), new
 * at every start and never shown: keys chosen to collide under one key do
 * not under another. From getrandom(2), or /dev/urandom where a sandbox
 * refuses the system call; without either the daemon does not start.
 */
static void
hash_key_init(void)
{
	unsigned char key[SIPHASH_KEY_LEN];
	size_t got = 0;
	ssize_t n;
	int fd;

	while (got < sizeof(key)) {
		if ((n = getrandom(key + got, sizeof(key) - got, 0)) > 0)
			got += (size_t)n;
		else if (n == 0 || errno != EINTR)
			break;
	}
	if (got < sizeof(key) &&
	    (fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		while (got < sizeof(key)) {
			if ((n = read(fd, key + got, sizeof(key) - got)) > 0)
				got += (size_t)n;
			else if (n == 0 || errno != EINTR)
				break;
		}
		close(fd);
	}
	if (got < sizeof(key))
		fatal("no random bytes for the hash tables' key");
	siphash_set_key(key);
}

/* The clock that bounds the rules' pattern time. */
static uint64_t
clock_us(void)
{
	return (uint64_t)mono_us();
}

/* ---- lifecycle ------------------------------------------------------- */

#define SHUTDOWN_CHECK_MS	20

static const char	*config_path;
static struct event	*shutdown_timer, *watchdog_timer;
static uint64_t		 shutdown_deadline;

/*
 * Stopping: every connection is drained (no more reading, answers still
 * owed are sent) and Redis's outstanding replies are awaited, for at most
 * shutdown_timeout_s; then the loop ends.
 */
static void
shutdown_check(evutil_socket_t fd, short ev, void *arg)
{
	struct timeval tv = { 0, SHUTDOWN_CHECK_MS * 1000 };
	size_t pending = store_pending(server.store);
	size_t exchanges = gateway_pending();

	(void)fd;
	(void)ev;
	(void)arg;
	if (server.nconns == 0 && pending == 0 && exchanges == 0) {
		log_info("shutdown: every request answered");
		event_base_loopexit(server.base, NULL);
		return;
	}
	if (clock_us() >= shutdown_deadline) {
		log_warnx("shutdown: %zu connections and %zu HTTP exchanges "
		    "still owed answers and %zu Redis replies outstanding after "
		    "%d s; exiting anyway", server.nconns, exchanges, pending,
		    server.cfg.shutdown_timeout_s);
		event_base_loopexit(server.base, NULL);
		return;
	}
	sd_notifyf("STATUS=stopping: %zu connections owed answers, %zu Redis "
	    "replies outstanding", server.nconns, pending);
	evtimer_add(shutdown_timer, &tv);
}

static void
on_stop(evutil_socket_t sig, short ev, void *arg)
{
	(void)ev;
	(void)arg;
	if (server.stopping) {
		log_warnx("signal %d again: exiting now", (int)sig);
		exit(1);
	}
	log_info("signal %d: shutting down: no new connections; finishing "
	    "the requests in flight (at most %d s)", (int)sig,
	    server.cfg.shutdown_timeout_s);
	sd_notifyf("STOPPING=1\nSTATUS=stopping");
	server.stopping = true;
	conn_unlisten();
	gateway_unlisten();
	conn_drain_all();		/* /healthz answers 503 meanwhile */
	store_quiesce(server.store);	/* no more tail reads or reloads */
	fair_counts_flush();		/* the fairs' counts not sent yet */
	interest_sweep_stop();
	shutdown_deadline = clock_us() +
	    (uint64_t)server.cfg.shutdown_timeout_s * 1000000;
	shutdown_check(-1, 0, NULL);
}

/* SIGHUP: the configuration's reloadable parts, then the rules file. */
static void
on_hup(evutil_socket_t sig, short ev, void *arg)
{
	struct config next;
	char err[512];

	(void)sig;
	(void)ev;
	(void)arg;
	if (server.stopping)
		return;
	sd_notifyf("RELOADING=1\nSTATUS=reloading the configuration");
	config_defaults(&next);
	if (config_load(&next, config_path, err, sizeof(err)) == -1) {
		log_warnx("SIGHUP: %s; keeping the configuration in use", err);
		config_free(&next);
	} else {
		config_reload(&server.cfg, &next);
		log_set_level((enum log_level)server.cfg.log_level);
		log_set_repeat(server.cfg.log_repeat_burst,
		    server.cfg.log_repeat_interval_s);
		log_info("SIGHUP: configuration reloaded (%zu tokens)",
		    server.cfg.ntokens);
		conn_recheck_tokens();
		gateway_reload();
		store_retry(server.store);	/* new credentials, at once */
	}
	log_info("SIGHUP: reloading the rules file");
	ruleset_reload_file();
	if (store_loaded(server.store))
		sd_notifyf("READY=1\nSTATUS=serving %zu open postings",
		    matcher_njobs(server.matcher));
	else
		sd_notifyf("STATUS=waiting for Redis");
}

static void
watchdog_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	sd_notifyf("WATCHDOG=1");
}

/* Pings systemd's watchdog at half its interval, from the loop: a loop
 * that stops turning stops the pings. */
static void
watchdog_start(void)
{
	uint64_t usec = sd_watchdog_usec() / 2;
	struct timeval tv = { (time_t)(usec / 1000000),
	    (suseconds_t)(usec % 1000000) };

	if (usec == 0)
		return;
	if ((watchdog_timer = event_new(server.base, -1, EV_PERSIST,
	    watchdog_cb, NULL)) == NULL)
		fatalx("out of memory");
	event_add(watchdog_timer, &tv);
	sd_notifyf("WATCHDOG=1");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "list-config-keys", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = NULL, *methods[METRICS_METHODS];
	struct rules *rules;
	char err[512], *rules_doc;
	bool check = false;
	size_t nmethods;
	int ch;

	while ((ch = getopt_long(argc, argv, "c:nhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'V':
			printf("jobmatchd %s\n", JM_VERSION);
			return 0;
		case 'h':
			usage(stdout, 0);
		case 'K':
			config_list_keys(stdout);
			return 0;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (file == NULL)
		file = CONFIG_FILE_DEFAULT;
	config_path = file;

	hash_key_init();
	config_defaults(&server.cfg);
	if (config_load(&server.cfg, file, err, sizeof(err)) == -1) {
		fprintf(stderr, "jobmatchd: %s\n", err);
		config_free(&server.cfg);
		return 1;
	}
	if (load_towns(&server.towns, &server.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "jobmatchd: %s\n", err);
		return 1;
	}
	server.cfg.regex.clock_us = clock_us;
	if (ruleset_load_file(&rules, &rules_doc, err, sizeof(err)) == -1) {
		fprintf(stderr, "jobmatchd: %s\n", err);
		return 1;
	}
	if ((server.cfg.listen_tls.port != 0 ||
	    server.cfg.https_listen.port != 0) &&
	    (server.tls_ctx = tls_ctx_new(&server.cfg, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "jobmatchd: %s\n", err);
		return 1;
	}
	if (check) {
		printf("jobmatchd: %s: configuration OK\n", file);
		tls_ctx_free(server.tls_ctx);
		rules_free(rules);
		free(rules_doc);
		towns_free(&server.towns);
		config_free(&server.cfg);
		return 0;
	}
	log_set_level((enum log_level)server.cfg.log_level);
	log_set_repeat(server.cfg.log_repeat_burst,
	    server.cfg.log_repeat_interval_s);
	if (server.cfg.ntokens == 0)
		log_warnx("no tokens configured: only hello and ping can be "
		    "called");

	signal(SIGPIPE, SIG_IGN);
	if ((server.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	log_start(server.base);
	nmethods = dispatch_method_names(methods, METRICS_METHODS);
	if ((server.metrics = metrics_new(methods, nmethods)) == NULL)
		fatalx("out of memory");
	if ((server.matcher = matcher_new(&server.towns, rules)) == NULL)
		fatalx("out of memory");
	ruleset_start(rules, rules_doc);
	if (conn_listen(&dispatch_lines) == -1 || http_start() == -1 ||
	    gateway_start() == -1)
		return 1;
	server.sig_int = evsignal_new(server.base, SIGINT, on_stop, NULL);
	server.sig_term = evsignal_new(server.base, SIGTERM, on_stop, NULL);
	server.sig_hup = evsignal_new(server.base, SIGHUP, on_hup, NULL);
	if (server.sig_int == NULL || server.sig_term == NULL ||
	    server.sig_hup == NULL)
		fatalx("cannot set up signals");
	evsignal_add(server.sig_int, NULL);
	evsignal_add(server.sig_term, NULL);
	evsignal_add(server.sig_hup, NULL);
	if ((shutdown_timer = evtimer_new(server.base, shutdown_check,
	    NULL)) == NULL)
		fatalx("out of memory");
	watchdog_start();
	if (mirror_start() == -1)
		fatalx("out of memory");
	sd_notifyf("STATUS=connecting to Redis");

	if ((server.store = store_new(server.base, &server.cfg,
	    &mirror_store_hooks)) == NULL)
		fatalx("out of memory");
	store_start(server.store);
	interest_sweep_start();
	log_info("jobmatchd %s started with %s", JM_VERSION, file);

	event_base_dispatch(server.base);

	event_free(shutdown_timer);
	interest_sweep_stop();
	fair_counts_free();
	mirror_stop();
	if (watchdog_timer != NULL)
		event_free(watchdog_timer);

	conn_unlisten();
	http_stop();
	gateway_stop();
	conn_free_all();
	dispatch_free();
	store_free(server.store);
	matcher_free(server.loading);
	matcher_free(server.matcher);
	seekers_free(server.seekers_loading);
	seekers_free(server.seekers);
	fairs_free(server.fairs_loading);
	fairs_free(server.fairs);
	ruleset_stop();
	event_free(server.sig_int);
	event_free(server.sig_term);
	event_free(server.sig_hup);
	log_stop();
	event_base_free(server.base);
	tls_ctx_free(server.tls_ctx);
	towns_free(&server.towns);
	config_free(&server.cfg);
	metrics_free(server.metrics);
	server.metrics = NULL;
	log_info("stopped");
	return 0;
}

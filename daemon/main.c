/*
 * main.c - jobmatchd: options, configuration, start-up and shutdown.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "daemon/conn.h"
#include "daemon/log.h"
#include "daemon/methods.h"
#include "daemon/server.h"
#include "daemon/store.h"
#include "proto/codec.h"

#define FILE_MAX (16 * 1024 * 1024)

struct server server;

static void
usage(void)
{
	fprintf(stderr, "usage: jobmatchd [-n | --check-config] -c FILE\n"
	    "       jobmatchd --version\n");
	exit(2);
}

/* Reads a whole file into a new buffer. Returns it, or NULL with err. */
static char *
read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			char *nb;
			cap = cap ? cap * 2 : 65536;
			if (cap > FILE_MAX || (nb = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "%s: too large", path);
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
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

static int
load_towns(struct towns *t, const char *path, char *err, size_t errlen)
{
	char why[256];
	size_t len;
	char *buf = read_file(path, &len, err, errlen);
	int rc;

	if (buf == NULL)
		return -1;
	if ((rc = towns_parse(t, buf, len, why, sizeof(why))) == -1)
		snprintf(err, errlen, "%s: %s", path, why);
	free(buf);
	return rc;
}

/*
 * Loads the rule set of the config (the built-in defaults when no
 * rules_file is set) and compiles it. Returns it, or NULL with err.
 */
static struct rules *
load_rules(const struct config *c, const struct regex_limits *lim, char *err,
    size_t errlen)
{
	struct rules_spec spec;
	struct rules *r = NULL;
	struct perr pe;
	json_error_t je;
	json_t *doc;
	char why[256];

	rules_spec_defaults(&spec);
	if (c->rules_file[0] != '\0') {
		doc = json_load_file(c->rules_file, JSON_REJECT_DUPLICATES, &je);
		if (doc == NULL) {
			snprintf(err, errlen, "%s:%d: %s", c->rules_file,
			    je.line, je.text);
			return NULL;
		}
		if (codec_rules_decode(doc, &spec, &pe) == -1) {
			snprintf(err, errlen, "%s: %s: %s", c->rules_file,
			    pe.field[0] ? pe.field : "(top)", pe.reason);
			json_decref(doc);
			rules_spec_clear(&spec);
			return NULL;
		}
		json_decref(doc);
	}
	if (rules_compile(&r, &spec, lim, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", c->rules_file[0] ?
		    c->rules_file : "rules", why);
		rules_spec_clear(&spec);
		return NULL;
	}
	return r;
}

static void
regex_limits_of(const struct config *c, struct regex_limits *lim)
{
	(void)c;
	lim->match_limit = 100000;
	lim->depth_limit = 1000;
	lim->max_pattern_len = 4096;
	lim->max_subject_len = 1024;
}

static void
on_stop(evutil_socket_t sig, short ev, void *arg)
{
	(void)ev;
	(void)arg;
	if (server.stopping) {
		log_warnx("second signal: exiting now");
		exit(1);
	}
	log_info("signal %d: shutting down", (int)sig);
	server.stopping = true;
	conn_unlisten();
	event_base_loopexit(server.base, NULL);
}

static void
on_hup(evutil_socket_t sig, short ev, void *arg)
{
	char err[512];
	struct rules *r;

	(void)sig;
	(void)ev;
	(void)arg;
	if ((r = load_rules(&server.cfg, &server.regex, err, sizeof(err))) ==
	    NULL) {
		log_warnx("SIGHUP: rules not reloaded: %s", err);
		return;
	}
	if (matcher_set_rules(server.matcher, r) == -1 ||
	    (server.loading != NULL &&
	    matcher_set_rules(server.loading, r) == -1)) {
		/* Out of memory: go back to the rules in use. */
		(void)matcher_set_rules(server.matcher, server.rules);
		rules_free(r);
		log_warnx("SIGHUP: rules not reloaded: out of memory");
		return;
	}
	rules_free(server.rules);
	server.rules = r;
	log_info("SIGHUP: rules reloaded (version %lld)",
	    (long long)rules_spec_of(r)->version);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = NULL;
	char err[512];
	bool check = false;
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
		default:
			usage();
		}
	}
	if (file == NULL || optind != argc)
		usage();

	config_defaults(&server.cfg);
	if (config_load(&server.cfg, file, err, sizeof(err)) == -1 ||
	    load_towns(&server.towns, server.cfg.towns_file, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "jobmatchd: %s\n", err);
		return 1;
	}
	regex_limits_of(&server.cfg, &server.regex);
	if ((server.rules = load_rules(&server.cfg, &server.regex, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "jobmatchd: %s\n", err);
		return 1;
	}
	if (check) {
		printf("jobmatchd: %s: configuration OK\n", file);
		rules_free(server.rules);
		towns_free(&server.towns);
		config_free(&server.cfg);
		return 0;
	}
	log_set_level((enum log_level)server.cfg.log_level);
	if (server.cfg.ntokens == 0)
		log_warnx("no tokens configured: only hello and ping can be "
		    "called");

	signal(SIGPIPE, SIG_IGN);
	if ((server.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if ((server.matcher = matcher_new(&server.towns, server.rules)) ==
	    NULL)
		fatalx("out of memory");
	if (conn_listen() == -1)
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

	if ((server.store = store_new(server.base, &server.cfg,
	    &methods_store_hooks)) == NULL)
		fatalx("out of memory");
	store_start(server.store);
	log_info("jobmatchd %s started", JM_VERSION);

	event_base_dispatch(server.base);

	conn_unlisten();
	conn_free_all();
	store_free(server.store);
	matcher_free(server.loading);
	matcher_free(server.matcher);
	rules_free(server.rules);
	event_free(server.sig_int);
	event_free(server.sig_term);
	event_free(server.sig_hup);
	event_base_free(server.base);
	towns_free(&server.towns);
	config_free(&server.cfg);
	log_info("stopped");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * config.c - see config.h. Reads a file, gives the defaults, reloads and
 * lists the keys by the table of config_keys.c, which declares each key
 * once.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
#include "daemon/config_keys.h"
#include "daemon/confval.h"
#include "daemon/log.h"
#include "matcher/quota.h"

static const char *const kind_names[] = {
	"bool", "int", "size", "count", "fraction", "string", "path",
	"host:port", NULL
};
_Static_assert(sizeof(kind_names) / sizeof(*kind_names) == K_FUNC + 1,
    "a name for every kind");

static const char *role_names[ROLE_COUNT] = {
	"anonymous", "kiosk", "employer", "staff"
};

const char *
role_name(enum role r)
{
	return role_names[r];
}

/* A field of 4 or 8 bytes (int, unsigned, uint32_t, size_t) set to v. */
static void
store_uint(void *field, size_t len, unsigned long long v)
{
	if (len == sizeof(uint32_t)) {
		uint32_t u = (uint32_t)v;
		memcpy(field, &u, sizeof(u));
	} else {
		uint64_t u = v;
		memcpy(field, &u, sizeof(u));
	}
}

/* The message for a value k does not take; -1. */
static int
refuse_value(const struct config_key *k, char *why, size_t whylen)
{
	char lo[24], hi[24];

	if (k->hint != NULL) {
		snprintf(why, whylen, "%s: %s", k->name, k->hint);
		return -1;
	}
	switch (k->kind) {
	case K_BOOL:
		snprintf(why, whylen, "%s: expected yes or no", k->name);
		break;
	case K_INT:
		snprintf(why, whylen, "%s: expected %lld to %lld", k->name,
		    k->min, k->max);
		break;
	case K_SIZE:
		confval_format_size((unsigned long long)k->min, lo, sizeof(lo));
		confval_format_size((unsigned long long)k->max, hi, sizeof(hi));
		snprintf(why, whylen, "%s: expected %s to %s (bytes; suffix k, "
		    "M or G)", k->name, lo, hi);
		break;
	case K_COUNT:
		snprintf(why, whylen, "%s: expected a whole number from %lld "
		    "to %lld", k->name, k->min, k->max);
		break;
	case K_FRACTION:
		snprintf(why, whylen, "%s: expected a fraction from 0 to 1",
		    k->name);
		break;
	case K_STRING:
		snprintf(why, whylen, "%s: longer than %zu bytes", k->name,
		    k->len - 1);
		break;
	case K_PATH:
		snprintf(why, whylen, "%s: path too long", k->name);
		break;
	case K_HOSTPORT:
		snprintf(why, whylen, "%s: expected HOST:PORT", k->name);
		break;
	case K_FUNC:		/* its reader wrote why */
		break;
	}
	return -1;
}

/* Gives key k the words argv[1..argc-1]; 0, or -1 with why. */
static int
key_set(struct config *c, const struct config_key *k, char **argv, int argc,
    char *why, size_t whylen)
{
	void *field = (char *)c + k->off;
	struct hostport *hp = field;
	size_t n;
	int64_t v;
	uint32_t ppm;
	bool ok = false;

	if (k->nargs >= 0 && argc != k->nargs + 1) {
		snprintf(why, whylen, "'%s' takes %d value%s", k->name,
		    k->nargs, k->nargs == 1 ? "" : "s");
		return -1;
	}
	switch (k->kind) {
	case K_FUNC:
		return k->set(c, argv, argc, why, whylen);
	case K_BOOL:
		if ((ok = strcmp(argv[1], "yes") == 0 ||
		    strcmp(argv[1], "no") == 0))
			*(bool *)field = strcmp(argv[1], "yes") == 0;
		break;
	case K_INT:
	case K_SIZE:
		if ((ok = confval_size(argv[1], (size_t)k->min, (size_t)k->max,
		    &n) == 0))
			store_uint(field, k->len, n);
		break;
	case K_COUNT:
		if ((ok = confval_num(argv[1], k->min, k->max, &v) == 0))
			memcpy(field, &v, sizeof(v));
		break;
	case K_FRACTION:
		if ((ok = quota_parse_ppm(argv[1], QUOTA_PPM, &ppm) == 0 &&
		    ppm >= k->min))
			memcpy(field, &ppm, sizeof(ppm));
		break;
	case K_STRING:
	case K_PATH:
		ok = confval_copy(field, k->len, argv[1]) == 0;
		break;
	case K_HOSTPORT:
		ok = confval_hostport(argv[1], hp->host, sizeof(hp->host),
		    &hp->port) == 0;
		break;
	}
	return ok ? 0 : refuse_value(k, why, whylen);
}

/* Whether k's field is of a size its kind writes (a row of the table that
 * names the wrong field is stopped at the first start). */
static bool
key_fits(const struct config_key *k)
{
	switch (k->kind) {
	case K_BOOL:
		return k->len == sizeof(bool);
	case K_INT:
	case K_SIZE:
		return k->len == sizeof(uint32_t) || k->len == sizeof(uint64_t);
	case K_COUNT:
		return k->len == sizeof(int64_t);
	case K_FRACTION:
		return k->len == sizeof(uint32_t);
	case K_HOSTPORT:
		return k->len == sizeof(struct hostport);
	case K_STRING:
	case K_PATH:
		return k->len > 1;
	case K_FUNC:
		return k->set != NULL;
	}
	return false;
}

static const struct config_key *
key_find(const char *name)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

void
config_defaults(struct config *c)
{
	char words[PATH_MAX], why[256], *argv[8], *p, *save = NULL;
	int argc;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];

		if (!key_fits(k))
			fatalx("config: %s: its field is not what a %s key "
			    "sets", k->name, k->kind == K_FUNC ? "special" :
			    kind_names[k->kind]);
		if (k->def == NULL)
			continue;
		if ((size_t)snprintf(words, sizeof(words), "%s", k->def) >=
		    sizeof(words))
			fatalx("config: the default of %s is too long",
			    k->name);
		argv[0] = (char *)k->name;
		argc = 1;
		if (k->nargs == 1)	/* one word, even a path with blanks */
			argv[argc++] = words;
		else
			for (p = strtok_r(words, " ", &save); p != NULL &&
			    argc < 8; p = strtok_r(NULL, " ", &save))
				argv[argc++] = p;
		if (key_set(c, k, argv, argc, why, sizeof(why)) == -1)
			fatalx("config: the default of %s: %s", k->name, why);
	}
}

void
config_free(struct config *c)
{
	config_keys_free(c);
	free(c->lines);
	c->lines = NULL;
	c->nlines = 0;
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

/*
 * Notes that line lineno gave key k; -1 with why when an earlier line gave
 * it already (a key that does not make a list takes one line).
 */
static int
note_line(struct config *c, const struct config_key *k, int lineno, char *why,
    size_t whylen)
{
	struct config_line *nl;
	int first;

	if (k->flags & REPEATS)
		return 0;
	if ((first = config_line_of(c, k->name)) > 0) {
		snprintf(why, whylen, "%s is given again: line %d gave it "
		    "already (only token and redis_sentinel lines may repeat)", k->name, first);
		return -1;
	}
	if ((nl = realloc(c->lines, (c->nlines + 1) * sizeof(*nl))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	c->lines = nl;
	nl[c->nlines].key = k->name;
	nl[c->nlines++].line = lineno;
	return 0;
}

/* One line's words, argv[0] the key; 0, or -1 with why. */
static int
config_line(struct config *c, char **argv, int argc, int lineno, char *why,
    size_t whylen)
{
	const struct config_key *k = key_find(argv[0]);

	if (k == NULL) {
		snprintf(why, whylen, "unknown key '%s'", argv[0]);
		return -1;
	}
	if (key_set(c, k, argv, argc, why, whylen) == -1)
		return -1;
	return note_line(c, k, lineno, why, whylen);
}

/*
 * With sentinels, they name the primary: a redis line as well is refused,
 * so that which Redis is used is never in doubt (its default is not
 * used). The name goes with the sentinels, and their password with them.
 */
static int
sentinel_check(const struct config *c, char *err, size_t errlen)
{
	const char *why = NULL;

	if (c->nsentinels > 0 && c->redis_master_name[0] == '\0')
		why = "redis_sentinel needs redis_master_name";
	else if (c->nsentinels == 0 && c->redis_master_name[0] != '\0')
		why = "redis_master_name needs redis_sentinel";
	else if (c->nsentinels == 0 && c->sentinel_password != NULL)
		why = "redis_sentinel_password_file needs redis_sentinel";
	else if (c->nsentinels > 0 && config_line_of(c, "redis") > 0)
		why = "redis and redis_sentinel are both given: the sentinels "
		    "name the primary; remove the redis line";
	if (why == NULL)
		return 0;
	snprintf(err, errlen, "%s: %s", c->file, why);
	return -1;
}

int
config_load(struct config *c, const char *file, char *err, size_t errlen)
{
	char line[4096], why[256], *argv[8];
	FILE *fp;
	int lineno = 0, rc = 0;

	if (confval_copy(c->file, sizeof(c->file), file) == -1) {
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
		if (config_line(c, argv, argc, lineno, why, sizeof(why)) ==
		    -1) {
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
	/* a WAIT holds the link: one as long as a command's own timeout
	 * would answer every write behind it "unknown" */
	if (rc == 0 && c->redis_wait_replicas > 0 &&
	    c->redis_wait_timeout_ms >= c->redis_timeout_ms) {
		snprintf(err, errlen, "%s: redis_wait_timeout_ms (%d) must be "
		    "below redis_timeout_ms (%d) when redis_wait_replicas is "
		    "set", file, c->redis_wait_timeout_ms, c->redis_timeout_ms);
		rc = -1;
	}
	if (rc == 0 && c->plan.from > c->plan.to) {
		snprintf(err, errlen, "%s: plan_from is after plan_to", file);
		rc = -1;
	}
	if (rc == 0)
		rc = sentinel_check(c, err, errlen);
	if (rc == 0 && c->redis_user[0] != '\0' &&
	    c->redis_password == NULL) {
		snprintf(err, errlen, "%s: redis_user needs "
		    "redis_password_file", file);
		rc = -1;
	}
	if (rc == 0 && (c->listen_tls.port != 0 || c->https_listen.port != 0)
	    && (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0')) {
		snprintf(err, errlen, "%s: %s needs tls_cert and tls_key", file,
		    c->listen_tls.port != 0 ? "listen_tls" : "https_listen");
		rc = -1;
	}
	fclose(fp);
	return rc;
}

void
config_reload(struct config *cur, struct config *next)
{
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];
		const char *was = (const char *)cur + k->off;
		char *now = (char *)next + k->off;

		if (!(k->flags & RESTART))
			continue;
		if (memcmp(now, was, k->len) != 0)
			log_warnx("config: %s changed: restart to apply it",
			    k->name);
		memcpy(now, was, k->len);
	}
	/* The active rule set was compiled and is run with this clock. */
	next->regex.clock_us = cur->regex.clock_us;
	config_free(cur);
	*cur = *next;
	next->tokens = NULL;
	next->ntokens = 0;
	next->lines = NULL;
	next->nlines = 0;
	next->redis_password = NULL;
	next->sentinel_password = NULL;
}

void
config_list_keys(FILE *fp)
{
	char lo[24], hi[24];

	fprintf(fp, "# key\tkind\trange\tdefault\tSIGHUP\tlines\thelp\n");
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];

		switch (k->kind) {
		case K_SIZE:
			confval_format_size((unsigned long long)k->min, lo,
			    sizeof(lo));
			confval_format_size((unsigned long long)k->max, hi,
			    sizeof(hi));
			break;
		case K_INT:
		case K_COUNT:
			snprintf(lo, sizeof(lo), "%lld", k->min);
			snprintf(hi, sizeof(hi), "%lld", k->max);
			break;
		default:
			lo[0] = '\0';
			break;
		}
		fprintf(fp, "%s\t%s\t%s%s%s\t%s\t%s\t%s\t%s\n", k->name,
		    k->kind == K_FUNC ? k->form : kind_names[k->kind],
		    lo[0] != '\0' ? lo : "-",
		    lo[0] != '\0' ? " to " : "", lo[0] != '\0' ? hi : "",
		    k->def != NULL ? k->def : "-",
		    k->flags & RESTART ? "restart" : "reload",
		    k->flags & REPEATS ? "repeats" : "once", k->help);
	}
}

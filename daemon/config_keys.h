/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * config_keys.h - the table of the configuration's keys, config_keys.c:
 * every key declared once, with what config.c needs to read it from a
 * line, give it its default, tell whether SIGHUP applies it and list it.
 * Only config.c and config_keys.c include it.
 */
#ifndef JM_CONFIG_KEYS_H
#define JM_CONFIG_KEYS_H

#include <stddef.h>

#include "daemon/config_types.h"

/* What a key's value is, and so how its words are read. */
enum config_kind {
	K_BOOL,		/* yes or no */
	K_INT,		/* min to max; a suffix k, M or G multiplies */
	K_SIZE,		/* the same, bytes: its message names the suffixes */
	K_COUNT,	/* min to max, plain decimal, into an int64_t */
	K_FRACTION,	/* 0 to 1 with at most 6 decimals, into ppm, >= min */
	K_STRING,	/* one word, into a char array */
	K_PATH,		/* the same, a file's path */
	K_HOSTPORT,	/* HOST:PORT or [V6]:PORT, into a struct hostport */
	K_FUNC,		/* read by the key's own function */
};

/* A key's own reader: argv[0] is the key, argv[1..argc-1] its words. */
typedef int config_setter(struct config *c, char **argv, int argc, char *why,
    size_t whylen);

#define RELOAD	0x0	/* SIGHUP applies it */
#define RESTART	0x1	/* only a restart does: SIGHUP logs a change */
#define REPEATS	0x2	/* each line adds to a list; others take one line */

struct config_key {
	const char	*name;
	enum config_kind kind;
	size_t		 off, len;	/* the field it sets in struct config:
					   all of it, config_reload compares
					   it for a RESTART key */
	long long	 min, max;	/* K_INT, K_SIZE, K_COUNT; K_FRACTION:
					   min, in ppm */
	const char	*def;		/* the default, as a line would give
					   it; NULL: none (zero) */
	unsigned	 flags;		/* RELOAD or RESTART, REPEATS */
	int		 nargs;		/* words after the key; -1: any,
					   which set checks */
	config_setter	*set;		/* K_FUNC */
	const char	*form;		/* K_FUNC: its kind, for the listing */
	const char	*hint;		/* what a bad value is told, when not
					   the kind's own message */
	const char	*help;		/* one line: --list-config-keys */
};

/* Every key, and how many. */
extern const struct config_key config_keys[];
extern const size_t config_nkeys;

/* Frees what the special keys' readers allocated (tokens, password). */
void	config_keys_free(struct config *c);

#endif

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

#include <stdio.h>

#include "daemon/config_types.h"

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

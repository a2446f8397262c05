/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * ruleset.h - the active rule set of the daemon: where it comes from (the
 * rules_file, the shipped rules compiled in, or Redis, which every daemon
 * sharing it follows) and how it is replaced. The rules.* methods are in
 * methods/rules.c.
 */
#ifndef JM_RULESET_H
#define JM_RULESET_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "matcher/rules.h"

/*
 * Loads the configured rules_file (without one, the shipped rule set
 * compiled in) and compiles it. Returns 0, or -1 with a message naming the file, rule, field and
 * pattern offset. At start-up only; the result is installed by
 * ruleset_start.
 */
int	ruleset_load_file(struct rules **out, char **doc, char *err,
	    size_t errlen);
/* Installs the start-up rule set and starts following Redis. */
void	ruleset_start(struct rules *r, char *doc);
/* Frees the active rule set (shutdown). */
void	ruleset_stop(void);
/* SIGHUP: the rules_file again, if it changed, for every daemon. */
void	ruleset_reload_file(void);
/* Looks at Redis now (the link came up, the mirror was loaded). */
void	ruleset_poll_now(void);

/*
 * Decodes and compiles a rule set document. Returns the rule set, or NULL
 * with a message and the error's data ({rule?, field, offset?, reason}) in
 * *data (owned by the caller).
 */
struct rules *ruleset_compile(json_t *doc, char *msg, size_t msglen,
	    json_t **data);
/*
 * Makes r (with its document, copied) the rule set every match uses from
 * now as version, or frees it. Returns 0; -1 out of memory, -2 when
 * evaluating its patterns on the mirror's postings took longer than
 * regex_install_ms: the rules in use stay, and version is not tried again.
 */
int	ruleset_install(struct rules *r, const char *doc, int64_t version);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * ruleset.h - the active rule set of the daemon: where it comes from (the
 * rules_file, the shipped rules compiled in, or Redis, which every daemon
 * sharing it follows), how it is replaced, and the rules.* methods.
 */
#ifndef JM_RULESET_H
#define JM_RULESET_H

#include <jansson.h>

#include "matcher/rules.h"

struct req;

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

void	m_rules_get(struct req *r, json_t *params);
void	m_rules_set(struct req *r, json_t *params);
void	m_rules_validate(struct req *r, json_t *params);
void	m_rules_explain(struct req *r, json_t *params);
void	m_rules_history(struct req *r, json_t *params);
void	m_rules_rollback(struct req *r, json_t *params);

#endif

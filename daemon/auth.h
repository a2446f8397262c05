/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * auth.h - tokens: SHA-256 digests compared in constant time.
 */
#ifndef JM_AUTH_H
#define JM_AUTH_H

#include <stddef.h>

#include "daemon/config.h"

/*
 * Finds the configured token whose digest is SHA-256(token). Every
 * configured digest is compared, in constant time, whatever matches.
 * Returns the token or NULL.
 */
const struct token *auth_find(const struct config *c, const char *token,
	    size_t len);

/* What a reloaded configuration says of a token a connection proved. */
enum auth_recheck {
	AUTH_KEPT,	/* still configured, for the same role, employer and
			   fair */
	AUTH_REMOVED,	/* no longer configured */
	AUTH_CHANGED	/* configured for another role, employer or fair (a
			   kiosk bound, unbound or bound to another) */
};

/*
 * Checks the token whose digest a connection keeps from its hello, and the
 * role (and employer, and fair) it was given then, against the configuration c.
 */
enum auth_recheck auth_recheck(const struct config *c,
	    const unsigned char digest[32], enum role role,
	    const char *employer_id, const char *fair_id);

#endif

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

#endif

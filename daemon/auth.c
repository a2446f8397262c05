/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * auth.c - see auth.h.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "daemon/auth.h"

/* The configured token with this digest, or NULL; every digest is
 * compared, in constant time. */
static const struct token *
find_digest(const struct config *c, const unsigned char md[32])
{
	const struct token *found = NULL;

	for (size_t i = 0; i < c->ntokens; i++)
		if (CRYPTO_memcmp(md, c->tokens[i].digest, 32) == 0)
			found = &c->tokens[i];
	return found;
}

const struct token *
auth_find(const struct config *c, const char *token, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const struct token *found;

	if (EVP_Digest(token, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return NULL;
	found = find_digest(c, md);
	OPENSSL_cleanse(md, sizeof(md));
	return found;
}

enum auth_recheck
auth_recheck(const struct config *c, const unsigned char digest[32],
    enum role role, const char *employer_id, const char *fair_id)
{
	const struct token *t = find_digest(c, digest);

	if (t == NULL)
		return AUTH_REMOVED;
	if (t->role != role || (role == ROLE_EMPLOYER &&
	    strcmp(t->employer_id, employer_id) != 0) ||
	    strcmp(t->fair_id, fair_id) != 0)
		return AUTH_CHANGED;
	return AUTH_KEPT;
}

/*
 * auth.c - see auth.h.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "daemon/auth.h"

const struct token *
auth_find(const struct config *c, const char *token, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const struct token *found = NULL;

	if (EVP_Digest(token, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return NULL;
	for (size_t i = 0; i < c->ntokens; i++)
		if (CRYPTO_memcmp(md, c->tokens[i].digest, 32) == 0)
			found = &c->tokens[i];
	OPENSSL_cleanse(md, sizeof(md));
	return found;
}

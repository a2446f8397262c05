/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * tls.c - see tls.h.
 */
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "daemon/tls.h"

/* OpenSSL's reason, with the configuration line that named path. */
static void
ssl_error(const struct config *c, char *err, size_t errlen, const char *what,
    const char *path)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	config_path_error(c, what, path, buf, err, errlen);
}

struct ssl_ctx_st *
tls_ctx_new(const struct config *c, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL) {
		snprintf(err, errlen, "TLS: out of memory");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(ctx, c->tls_cert) != 1) {
		ssl_error(c, err, errlen, "tls_cert", c->tls_cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, c->tls_key, SSL_FILETYPE_PEM) !=
	    1 || SSL_CTX_check_private_key(ctx) != 1) {
		ssl_error(c, err, errlen, "tls_key", c->tls_key);
		goto fail;
	}
	if (c->tls_ca[0] != '\0') {
		if (SSL_CTX_load_verify_locations(ctx, c->tls_ca, NULL) != 1) {
			ssl_error(c, err, errlen, "tls_ca", c->tls_ca);
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

void
tls_ctx_free(struct ssl_ctx_st *ctx)
{
	SSL_CTX_free(ctx);
}

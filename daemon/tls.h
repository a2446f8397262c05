/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * tls.h - the optional TLS listener's context (OpenSSL).
 */
#ifndef JM_TLS_H
#define JM_TLS_H

#include <stddef.h>

#include "daemon/config.h"

struct ssl_ctx_st;

/*
 * A server context from tls_cert and tls_key (TLS 1.2 or later), which
 * also requires and verifies client certificates when tls_ca is set.
 * Returns it, or NULL with a message in err.
 */
struct ssl_ctx_st *tls_ctx_new(const struct config *c, char *err,
	    size_t errlen);
void	tls_ctx_free(struct ssl_ctx_st *ctx);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * gateway.h - the HTTP gateway (http_listen, https_listen): the protocol
 * for kiosks and HR systems that speak HTTP, and the kiosk page.
 *
 *   POST /rpc     one JSON-RPC request or a batch, answered by the same
 *                 dispatcher as a line of the protocol, with the same
 *                 bytes; the token as "Authorization: Bearer TOKEN"
 *   GET|HEAD /…   the kiosk page's files (kiosk.h)
 *   GET /qr.svg, /qr.txt   a QR code of chosen postings (qr.h)
 *
 * Each POST /rpc is an exchange: a caller (caller.h) whose role is its
 * token's, whose body is one line, and whose answers are collected in
 * order and sent as the answer's body. Its requests start as a
 * connection's do: while what it is owed is below max_output_bytes and
 * fewer than max_store_inflight of its store requests are in flight; when
 * it cannot start more for what it holds, what it has is sent as the
 * start of a chunked answer, and it goes on once the client took that.
 *
 * The request rate is counted per token and client address (a bucket for
 * each: one kiosk behind its address, or one HR system), not per TCP
 * connection, which an HTTP client opens and closes as it likes. A token
 * is checked on every request, against the configuration in use: one a
 * reload removed is refused at once.
 */
#ifndef JM_GATEWAY_H
#define JM_GATEWAY_H

#include <stddef.h>

/* Opens http_listen and https_listen when configured and reads
 * kiosk_dir. Returns 0, or -1 (logged). */
int	gateway_start(void);
/* No new connections (shutdown); exchanges under way are answered. */
void	gateway_unlisten(void);
/* Exchanges still owed answers. */
size_t	gateway_pending(void);
/* After SIGHUP: reads kiosk_dir again (keeps the files it had when that
 * fails). */
void	gateway_reload(void);
/* Closes everything; answers still owed are dropped. */
void	gateway_stop(void);

#endif

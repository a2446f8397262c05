/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * http.h - the monitoring listener (metrics_listen): a small HTTP server on
 * the daemon's loop, libevent's evhttp, with two read-only pages:
 *
 *   /metrics   the Prometheus text exposition (format 0.0.4) of metrics.h
 *   /healthz   200 "ok" once the mirror was loaded from Redis and while
 *              the daemon is not stopping; else 503 with the reason
 *
 * GET and HEAD only (405 otherwise), 404 for any other path. It serves
 * numbers and method names, never a record, a profile or a token; there is
 * no authentication, so bind it to loopback or a monitoring network. A
 * client gets 10 s for each exchange and shares 64 connections with the
 * others (see http.c): a slow one cannot hold the listener or the daemon's
 * descriptors.
 */
#ifndef JM_HTTP_H
#define JM_HTTP_H

/* Opens metrics_listen when it is configured. Returns 0 (also when it is
 * not), or -1 (logged). */
int	http_start(void);
/* Closes the listener and every HTTP connection; safe to call twice. */
void	http_stop(void);

#endif

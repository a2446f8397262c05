/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * confval.h - the words of a configuration line: sizes, numbers, addresses,
 * digests. Pure: no I/O, no knowledge of which key a word belongs to; each
 * returns 0, or -1 for a word it does not take, and leaves the message to
 * the caller (config.c, whose table says what each key expects).
 */
#ifndef JM_CONFVAL_H
#define JM_CONFVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* s, not empty, into dst of dstlen bytes with its NUL. */
int	confval_copy(char *dst, size_t dstlen, const char *s);
/*
 * A decimal from min to max, with an optional suffix k, M or G (either
 * case: times 1024, 1024^2, 1024^3). No sign.
 */
int	confval_size(const char *s, size_t min, size_t max, size_t *out);
/* A plain decimal integer from min to max (no sign, no suffix). */
int	confval_num(const char *s, long long min, long long max, int64_t *out);
/*
 * HOST:PORT, or [V6]:PORT: the host (without brackets, not empty) into
 * host, of hostlen bytes with its NUL, and a port from 1 to 65535.
 */
int	confval_hostport(const char *s, char *host, size_t hostlen, int *port);
/* An address, or a name of letters, digits, '-', '_' and dots (RFC 1123,
 * with '_' as some resolvers allow), at most 253 bytes. */
bool	confval_host(const char *h);
/* 64 hexadecimal digits, either case, into 32 bytes. */
int	confval_hex32(const char *s, unsigned char out[32]);
/* An employer id: 1 to max bytes of letters, digits, '.', '_' and '-'. */
bool	confval_employer_id(const char *s, size_t max);
/*
 * v as a size is written in a configuration file and in its messages:
 * "1G", "64M", "4k", or plain digits when no suffix divides it.
 */
void	confval_format_size(unsigned long long v, char *buf, size_t len);

#endif

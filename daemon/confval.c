/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * confval.c - see confval.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/confval.h"

int
confval_copy(char *dst, size_t dstlen, const char *s)
{
	if (strlen(s) == 0 || strlen(s) >= dstlen)
		return -1;
	strcpy(dst, s);
	return 0;
}

int
confval_size(const char *s, size_t min, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift;

	if (s[0] == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {		/* a suffix: times 1024, 1024^2, 1024^3 */
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	default: shift = 0; break;
	}
	if (shift > 0) {
		if (v > ULLONG_MAX >> shift)
			return -1;
		v <<= shift;
		end++;
	}
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = (size_t)v;
	return 0;
}

int
confval_num(const char *s, long long min, long long max, int64_t *out)
{
	char *end;
	long long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
confval_hostport(const char *s, char *host, size_t hostlen, int *port)
{
	const char *colon;
	char *end;
	size_t hl;
	long p;

	if (s[0] == '[') {		/* [v6]:port */
		const char *rb = strchr(s, ']');
		if (rb == NULL || rb[1] != ':')
			return -1;
		hl = (size_t)(rb - s - 1);
		if (hl == 0 || hl >= hostlen)
			return -1;
		memcpy(host, s + 1, hl);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		hl = (size_t)(colon - s);
		if (hl == 0 || hl >= hostlen)
			return -1;
		memcpy(host, s, hl);
	}
	host[hl] = '\0';
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || p < 1 ||
	    p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

static bool
numeric_host(const char *h)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, h, buf) == 1 ||
	    inet_pton(AF_INET6, h, buf) == 1;
}

bool
confval_host(const char *h)
{
	size_t n = strlen(h);

	if (numeric_host(h))
		return true;
	if (n == 0 || n > 253 || h[0] == '.' || h[0] == '-')
		return false;
	for (; *h != '\0'; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		    (*h >= '0' && *h <= '9') || *h == '-' || *h == '_' ||
		    *h == '.'))
			return false;
	return true;
}

int
confval_hex32(const char *s, unsigned char out[32])
{
	if (strlen(s) != 64)
		return -1;
	for (int i = 0; i < 32; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char ch = s[2 * i + k];
			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= (unsigned)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				v |= (unsigned)(ch - 'a' + 10);
			else if (ch >= 'A' && ch <= 'F')
				v |= (unsigned)(ch - 'A' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

bool
confval_employer_id(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		    *s == '-'))
			return false;
	return true;
}

void
confval_format_size(unsigned long long v, char *buf, size_t len)
{
	static const struct {
		unsigned	 shift;
		char		 suffix;
	} units[] = { { 30, 'G' }, { 20, 'M' }, { 10, 'k' } };

	for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++)
		if (v != 0 && v % (1ull << units[i].shift) == 0) {
			snprintf(buf, len, "%llu%c", v >> units[i].shift,
			    units[i].suffix);
			return;
		}
	snprintf(buf, len, "%llu", v);
}

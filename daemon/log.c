/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * log.c - see log.h. One line per message: "LEVEL message".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"

static enum log_level threshold = LOG_INFO;
static const char *names[] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level level)
{
	threshold = level;
}

int
log_level_parse(const char *s)
{
	for (int i = 0; i <= LOG_ERROR; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void
vlog(enum log_level level, const char *errstr, const char *fmt, va_list ap)
{
	char msg[1024];

	if (level < threshold)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errstr != NULL)
		fprintf(stderr, "%s %s: %s\n", names[level], msg, errstr);
	else
		fprintf(stderr, "%s %s\n", names[level], msg);
	fflush(stderr);
}

#define LOGFN(name, level, witherr)					\
void									\
name(const char *fmt, ...)						\
{									\
	const char *es = (witherr) ? strerror(errno) : NULL;		\
	va_list ap;							\
	va_start(ap, fmt);						\
	vlog(level, es, fmt, ap);					\
	va_end(ap);							\
}

LOGFN(log_debug, LOG_DEBUG, 0)
LOGFN(log_info, LOG_INFO, 0)
LOGFN(log_warn, LOG_WARN, 1)
LOGFN(log_warnx, LOG_WARN, 0)
LOGFN(log_error, LOG_ERROR, 0)

void
fatal(const char *fmt, ...)
{
	const char *es = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	threshold = LOG_DEBUG;
	vlog(LOG_ERROR, es, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	threshold = LOG_DEBUG;
	vlog(LOG_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * log.h - logging to stderr (journald collects it). Never pass a token or a
 * person's profile to these.
 */
#ifndef JM_LOG_H
#define JM_LOG_H

#include <stdnoreturn.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void	log_set_level(enum log_level level);
/* The level named by s ("debug", "info", "warn", "error"), or -1. */
int	log_level_parse(const char *s);

void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends strerror(errno); log_warnx does not. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
noreturn void fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

#endif

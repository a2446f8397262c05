/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * log.h - logging to stderr (journald collects it). Never pass a token or a
 * person's profile to these.
 *
 * A line is "TIME LEVEL message": TIME is the local time in RFC 3339 with
 * milliseconds and the offset from UTC (2026-12-06T21:12:45.123+08:00),
 * LEVEL one of debug, info, warn, error. When stderr is the journal's
 * stream (JOURNAL_STREAM names its device and inode, systemd.exec(5)), a
 * line is "<N>message" instead, N the syslog priority of sd-daemon(3)
 * (<7> debug, <6> info, <4> warn, <3> error): journald keeps the time and
 * the priority itself. A control character of a message is written as
 * \xNN, so that one message is always one line.
 *
 * The same warning or error (the same level and text) written more than
 * the repeat burst times within the repeat interval is held back: the
 * interval's end (a timer on the loop) writes it once more with the count,
 * "... (repeated 83 more times in 30 s)". Different messages never hold
 * each other back; debug and info lines are never held.
 */
#ifndef JM_LOG_H
#define JM_LOG_H

#include <stdnoreturn.h>

struct event_base;

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void	log_set_level(enum log_level level);
/* The level named by s ("debug", "info", "warn", "error"), or -1. */
int	log_level_parse(const char *s);
/*
 * The repeat limit (log_repeat_burst, log_repeat_interval_s): at most
 * burst lines of one message in interval_s seconds; burst 0 turns it off.
 */
void	log_set_repeat(unsigned burst, unsigned interval_s);
/*
 * The repeat limit needs the loop to write its counts: log_start gives it
 * base (until then every line is written), log_stop writes the counts
 * still owed and lets go of it (before base is freed).
 */
void	log_start(struct event_base *base);
void	log_stop(void);

void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends strerror(errno); log_warnx does not. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error, never held back; then exit(1). */
noreturn void fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
noreturn void fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

#endif

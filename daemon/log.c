/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * log.c - see log.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/clock.h"
#include "daemon/log.h"

/* The longest message written; a longer one is cut. */
#define MSG_MAX		1024
/* Messages whose repeats are counted at once; when every slot is in use
 * within its interval, another message is written without being counted
 * (never held back for want of a slot). */
#define REPEAT_SLOTS	64

static enum log_level threshold = LOG_INFO;
static const char *names[] = { "debug", "info", "warn", "error" };
/* sd-daemon(3): SD_DEBUG, SD_INFO, SD_WARNING, SD_ERR */
static const char *prio[] = { "<7>", "<6>", "<4>", "<3>" };

static int journal = -1;	/* stderr is the journal's; -1: not known */

/* One message being counted: its interval opened at since_us, shown lines
 * were written in it and held more were not. hash 0 is a free slot. */
struct repeat {
	uint64_t	 hash;
	enum log_level	 level;
	int64_t		 since_us;
	unsigned	 shown;
	uint64_t	 held;
	char		 text[MSG_MAX];
};

static struct repeat	 repeats[REPEAT_SLOTS];
static unsigned		 repeat_burst = 5;
static int64_t		 repeat_us = 30 * 1000000;
static struct event	*repeat_timer;	/* NULL before log_start */

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

/*
 * Whether stderr is the journal's stream: JOURNAL_STREAM holds the device
 * and inode of the stream systemd connected, and stderr must be that one
 * (a child's stderr redirected elsewhere keeps the variable).
 */
static bool
is_journal(void)
{
	const char *s = getenv("JOURNAL_STREAM");
	uintmax_t dev, ino;
	struct stat st;
	char tail;

	if (s == NULL || sscanf(s, "%ju:%ju%c", &dev, &ino, &tail) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) == -1)
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

/* "2026-12-06T21:12:45.123+08:00": local time, RFC 3339. */
static void
timestamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	long off;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (localtime_r(&ts.tv_sec, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(buf + n, len - n, ".%03ld%c%02ld:%02ld",
	    (long)(ts.tv_nsec / 1000000), off < 0 ? '-' : '+',
	    labs(off) / 60, labs(off) % 60);
}

/* Writes one line of level holding text (already made safe). */
static void
emit(enum log_level level, const char *text)
{
	char line[MSG_MAX + 64], ts[48];
	int n;

	if (journal == -1) {
		tzset();
		journal = is_journal();
	}
	if (journal)
		n = snprintf(line, sizeof(line), "%s%s\n", prio[level], text);
	else {
		timestamp(ts, sizeof(ts));
		n = snprintf(line, sizeof(line), "%s %s %s\n", ts,
		    names[level], text);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	fwrite(line, 1, (size_t)n, stderr);
	fflush(stderr);
}

/* Copies src into dst (size len), a control character as \xNN. */
static void
make_safe(char *dst, size_t len, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *src != '\0'; src++) {
		unsigned char ch = (unsigned char)*src;

		if (ch < 0x20 || ch == 0x7f) {
			if (o + 4 >= len)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
		} else {
			if (o + 1 >= len)
				break;
			dst[o++] = (char)ch;
		}
	}
	dst[o] = '\0';
}

/* ---- the repeat limit ------------------------------------------------- */

static uint64_t
hash_text(enum log_level level, const char *s)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)level;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h != 0 ? h : 1;
}

/* Writes the count of what slot rp held back, if anything, and frees it. */
static void
repeat_flush(struct repeat *rp, int64_t now)
{
	char line[MSG_MAX + 64];
	int64_t s;

	if (rp->held > 0) {
		s = (now - rp->since_us + 999999) / 1000000;
		snprintf(line, sizeof(line), "%s (repeated %" PRIu64 " more "
		    "time%s in %" PRId64 " s)", rp->text, rp->held,
		    rp->held == 1 ? "" : "s", s > 0 ? s : 1);
		emit(rp->level, line);
	}
	rp->hash = 0;
}

/* Arms the timer for the first interval to end that held lines back. */
static void
repeat_arm(int64_t now)
{
	int64_t first = INT64_MAX, wait;
	struct timeval tv;

	if (repeat_timer == NULL)
		return;
	for (size_t i = 0; i < REPEAT_SLOTS; i++)
		if (repeats[i].hash != 0 && repeats[i].held > 0 &&
		    repeats[i].since_us + repeat_us < first)
			first = repeats[i].since_us + repeat_us;
	if (first == INT64_MAX) {
		evtimer_del(repeat_timer);
		return;
	}
	wait = first > now ? first - now : 0;
	tv.tv_sec = (time_t)(wait / 1000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000);
	evtimer_add(repeat_timer, &tv);
}

static void
repeat_tick(evutil_socket_t fd, short ev, void *arg)
{
	int64_t now = mono_us();

	(void)fd;
	(void)ev;
	(void)arg;
	for (size_t i = 0; i < REPEAT_SLOTS; i++)
		if (repeats[i].hash != 0 &&
		    now - repeats[i].since_us >= repeat_us)
			repeat_flush(&repeats[i], now);
	repeat_arm(now);
}

/*
 * Whether text at level is to be written now (true) or held back and
 * counted (false).
 */
static bool
repeat_allows(enum log_level level, const char *text)
{
	uint64_t h = hash_text(level, text);
	int64_t now = mono_us();
	struct repeat *rp = NULL, *spare = NULL;

	if (repeat_timer == NULL || repeat_burst == 0 || level < LOG_WARN)
		return true;
	for (size_t i = 0; i < REPEAT_SLOTS; i++) {
		struct repeat *x = &repeats[i];

		if (x->hash == h && x->level == level &&
		    strcmp(x->text, text) == 0) {
			rp = x;
			break;
		}
		if (spare == NULL && (x->hash == 0 ||
		    (x->held == 0 && now - x->since_us >= repeat_us)))
			spare = x;
	}
	if (rp != NULL && now - rp->since_us >= repeat_us) {
		repeat_flush(rp, now);		/* its interval is over */
		spare = rp;
		rp = NULL;
	}
	if (rp == NULL) {
		if (spare == NULL)
			return true;		/* every slot is counting */
		spare->hash = h;
		spare->level = level;
		spare->since_us = now;
		spare->shown = 1;
		spare->held = 0;
		snprintf(spare->text, sizeof(spare->text), "%s", text);
		return true;
	}
	if (rp->shown < repeat_burst) {
		rp->shown++;
		return true;
	}
	if (rp->held++ == 0)
		repeat_arm(now);
	return false;
}

/* Writes every count still owed. */
static void
repeat_flush_all(void)
{
	int64_t now = mono_us();

	for (size_t i = 0; i < REPEAT_SLOTS; i++)
		if (repeats[i].hash != 0)
			repeat_flush(&repeats[i], now);
}

void
log_set_repeat(unsigned burst, unsigned interval_s)
{
	if (burst == 0)
		repeat_flush_all();
	repeat_burst = burst;
	repeat_us = (int64_t)(interval_s > 0 ? interval_s : 1) * 1000000;
	repeat_arm(mono_us());
}

void
log_start(struct event_base *base)
{
	if (repeat_timer == NULL)
		repeat_timer = evtimer_new(base, repeat_tick, NULL);
}

void
log_stop(void)
{
	repeat_flush_all();
	if (repeat_timer != NULL)
		event_free(repeat_timer);
	repeat_timer = NULL;
}

/* ---- writing ---------------------------------------------------------- */

static void
vlog(enum log_level level, const char *errstr, const char *fmt, va_list ap)
{
	char msg[MSG_MAX], safe[MSG_MAX];
	int n;

	if (level < threshold)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errstr != NULL && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", errstr);
	make_safe(safe, sizeof(safe), msg);
	if (repeat_allows(level, safe))
		emit(level, safe);
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
	repeat_flush_all();
	repeat_burst = 0;
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
	repeat_flush_all();
	repeat_burst = 0;
	vlog(LOG_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

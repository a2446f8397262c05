/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * load.c - jobmatch load: every line of a file, {"method": ..., "params":
 * ...}, sent as a request, many in flight, none dropped. The sender
 * (send_requests) serves jobmatch import too, whose requests are the rows
 * of a spreadsheet (import.c).
 *
 * The daemon answers in order and starts the requests of a connection in
 * order, as its share of Redis allows (docs/protocol.md, "Framing"); up to
 * WINDOW requests are in flight, enough to keep that share busy. A request
 * the daemon asks to send later (-32005, its request rate; -32004 with
 * reason "loading") is sent again: no new line is sent once one was
 * refused, the answers of those in flight are read, then, after the wait
 * the daemon named, the refused lines go first, in order, with those that
 * failed after them (a posting may have failed only because its employer's
 * line was refused), and the load goes on at a little under the daemon's
 * rate. A line that was applied while an earlier one waited is said so,
 * since it then came first.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "proto/rpc.h"
#include "tools/jobmatch.h"

#define WINDOW		64	/* requests in flight */
#define WAIT_MS		100	/* a refusal that names no wait */
#define WAIT_MAX_MS	60000	/* the longest wait taken from an answer */
#define LOADING_MAX_MS	5000	/* "loading" again and again: the longest */
#define PACE		0.9	/* of the daemon's rate, once it refused */
#define PROGRESS_US	250000	/* between two progress lines */

const char usage_load[] =
"usage: jobmatch [OPTIONS] load [--from N] FILE\n"
"Sends every line of FILE (- for standard input), each {\"method\": ...,\n"
"\"params\": ...}, as a request, many in flight, and reports each line\n"
"that failed as FILE:LINE: CODE MESSAGE. A line the daemon asks to send\n"
"later (-32005: its request rate; -32004: not loaded yet) is sent again\n"
"after the wait it names, in order: no line is dropped. Progress goes to\n"
"standard error when it is a terminal. If the connection breaks or the\n"
"load is interrupted, it says the line to go on from.\n"
"  --from N  start at line N of FILE (the lines before it are skipped)\n";

/* A request of one line: sent, or to send again. */
struct line {
	long	 lineno;
	char	*req;		/* with its newline, owned */
	size_t	 len;
};

/* Lines in order, first in first out. */
struct queue {
	struct line	*v;
	size_t		 head, n, cap;
};

/* The file jobmatch load reads. */
static struct {
	const char	*file;
	FILE		*fp;
	long		 from;		/* the first line to send */
	long		 lineno;	/* lines read */
} F;

static struct {
	const struct sender *src;
	long		 last;		/* the number of the last request
					   taken from the source */
	bool		 eof;
	struct queue	 flight;	/* sent, answer not read yet */
	struct queue	 again;		/* to send again, before new lines */
	char		*out;		/* bytes to send: out[outoff..outlen) */
	size_t		 outoff, outlen, outcap;
	long		 sent, failed, resent;	/* failed: answers */
	bool		 waiting;	/* a line was refused: send nothing
					   until the answers are in, then
					   wait wait_ms */
	long		 refused;	/* the first line refused of them */
	int64_t		 wait_ms, wait_until;
	double		 pace;		/* lines a second; 0: no pacing */
	int64_t		 next_us;	/* the next line, when paced */
	bool		 tty;		/* progress on stderr */
	bool		 shown;		/* a progress line is on screen */
	int64_t		 started, shown_at;
	bool		 told_loading;
	int64_t		 loading_ms;	/* the wait for "loading": doubles
					   from one wait to the next while
					   it lasts */
	bool		 loading_again;	/* a "loading" in this wait */
} L;

static volatile sig_atomic_t stop_signal;

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* ---- queues ----------------------------------------------------------- */

static void
queue_push(struct queue *q, struct line ln)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct line *v = malloc(cap * sizeof(*v));

		if (v == NULL)
			die("out of memory");
		for (size_t i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = v;
		q->head = 0;
		q->cap = cap;
	}
	q->v[(q->head + q->n++) % q->cap] = ln;
}

static struct line
queue_pop(struct queue *q)
{
	struct line ln = q->v[q->head];

	q->head = (q->head + 1) % q->cap;
	q->n--;
	return ln;
}

/* ---- progress and the end ---------------------------------------------- */

static void
progress_clear(void)
{
	if (L.shown)
		fputs("\r\033[K", stderr);
	L.shown = false;
}

/* A progress line on a terminal, at most every PROGRESS_US unless forced. */
static void
progress(bool force)
{
	int64_t now = now_us();
	double secs = (double)(now - L.started) / 1e6;
	long answered = L.sent - L.flight.n - L.again.n;
	char pct[16] = "";

	if (!L.tty || (!force && now - L.shown_at < PROGRESS_US))
		return;
	L.shown_at = now;
	if (L.src->size > 0 && L.src->pos != NULL) {
		off_t at = L.src->pos(L.src->arg);
		snprintf(pct, sizeof(pct), " %3d%%", at < 0 ? 0 :
		    (int)(at * 100 / L.src->size));
	}
	fprintf(stderr, "\r%s:%s %s %ld, %ld answered, %ld failed, "
	    "%.0f/s%s\033[K", L.src->file, pct, L.src->unit, L.last, answered,
	    L.failed + *L.src->bad,
	    secs > 0 ? (double)answered / secs : 0.0,
	    L.waiting ? ", waiting as the daemon asked" : "");
	L.shown = true;
}

/* The first line not answered yet: everything before it was. */
static long
resume_line(void)
{
	long n = L.last + 1;

	if (L.flight.n > 0 && L.flight.v[L.flight.head].lineno < n)
		n = L.flight.v[L.flight.head].lineno;
	if (L.again.n > 0 && L.again.v[L.again.head].lineno < n)
		n = L.again.v[L.again.head].lineno;
	return n;
}

static void
summary(void)
{
	progress_clear();
	L.src->summary(L.src->arg, L.sent, L.failed, L.resent);
	fflush(stdout);
}

/* The load cannot go on (why): says where to resume, and exits (2, or
 * by the signal that stopped it). */
static void __attribute__((noreturn))
give_up(const char *why)
{
	long n = resume_line();

	summary();
	fprintf(stderr, "jobmatch: %s: %s; every %s before %s %ld was "
	    "answered: resume with 'jobmatch %s --from %ld %s'\n",
	    L.src->file, why, L.src->unit, L.src->unit, n, L.src->resume, n,
	    L.src->file);
	if (stop_signal != 0) {
		signal(stop_signal, SIG_DFL);
		raise(stop_signal);
	}
	exit(2);
}

/* A send or receive failed (errno). */
static void __attribute__((noreturn))
broken(void)
{
	char why[256];

	snprintf(why, sizeof(why), "the connection to the daemon broke (%s)",
	    strerror(errno));
	give_up(why);
}

/* ---- sending ---------------------------------------------------------- */

static void
out_add(const struct line *ln)
{
	if (L.outoff == L.outlen)
		L.outoff = L.outlen = 0;
	if (L.outlen + ln->len > L.outcap) {
		size_t cap = L.outcap ? L.outcap : 65536;
		char *p;

		while (cap < L.outlen + ln->len)
			cap *= 2;
		if ((p = realloc(L.out, cap)) == NULL)
			die("out of memory");
		L.out = p;
		L.outcap = cap;
	}
	memcpy(L.out + L.outlen, ln->req, ln->len);
	L.outlen += ln->len;
}

/* Sends what the socket takes without waiting. */
static void
out_flush(void)
{
	while (L.outoff < L.outlen) {
		ssize_t n = send(client_sock, L.out + L.outoff,
		    L.outlen - L.outoff, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			broken();
		}
		L.outoff += (size_t)n;
	}
}

/* The next request of the source into ln; false at its end (or when a
 * signal came). */
static bool
next_line(struct line *ln)
{
	int rc = L.src->next(L.src->arg, &ln->lineno, &ln->req, &ln->len);

	if (rc == -1)
		give_up(strerror(errno));
	if (rc <= 0) {
		if (rc == 0)
			L.eof = true;
		return false;
	}
	L.last = ln->lineno;
	L.sent++;
	return true;
}

void
sender_note(void)
{
	progress_clear();
}

/* Sends lines (again, then new) while the window, the pace and a refusal
 * allow. */
static void
fill(void)
{
	while (!L.waiting && L.flight.n < WINDOW) {
		int64_t now = now_us();
		struct line ln;

		if (L.pace > 0 && now < L.next_us)
			break;
		if (L.again.n > 0)
			ln = queue_pop(&L.again);
		else if (L.eof || !next_line(&ln))
			break;
		out_add(&ln);
		queue_push(&L.flight, ln);
		if (L.pace > 0)
			L.next_us = (now > L.next_us ? now : L.next_us) +
			    (int64_t)(1e6 / L.pace);
	}
	out_flush();
}

/* ---- answers ---------------------------------------------------------- */

/*
 * Whether err asks for the request to be sent later: -32005 (the rate
 * limit; its data names the wait and the rate) or -32004 with reason
 * "loading" (the daemon has not loaded its mirror yet). Sets *wait_ms,
 * and *rate when the daemon named it.
 */
static bool
later(json_t *err, int64_t *wait_ms, double *rate)
{
	json_t *data = json_object_get(err, "data");
	json_int_t code = json_integer_value(json_object_get(err, "code"));
	json_t *ms = json_object_get(data, "retry_after_ms");
	json_t *s = json_object_get(data, "retry_after_s");
	const char *reason = json_string_value(json_object_get(data,
	    "reason"));

	*wait_ms = WAIT_MS;
	*rate = 0;
	if (code == RPC_STORE_UNAVAILABLE && reason != NULL &&
	    strcmp(reason, "loading") == 0) {
		if (!L.told_loading) {
			progress_clear();
			fprintf(stderr, "%s: the daemon has not loaded its "
			    "mirror yet: waiting\n", L.src->file);
			L.told_loading = true;
		}
		if (L.loading_ms < WAIT_MS)
			L.loading_ms = WAIT_MS;
		*wait_ms = L.loading_ms;
		L.loading_again = true;
		return true;
	}
	if (code != RPC_BUSY)
		return false;
	if (json_integer_value(ms) > 0)
		*wait_ms = json_integer_value(ms);
	else if (json_integer_value(s) > 0)
		*wait_ms = json_integer_value(s) * 1000;
	if (*wait_ms > WAIT_MAX_MS)
		*wait_ms = WAIT_MAX_MS;
	*rate = (double)json_integer_value(json_object_get(data,
	    "max_request_rate"));
	return true;
}

static void
answer(json_t *resp)
{
	json_t *err = json_object_get(resp, "error");
	json_t *id = json_object_get(resp, "id");
	struct line ln;
	int64_t wait_ms;
	double rate;

	if (L.flight.n == 0)
		die("an answer to no request");
	ln = queue_pop(&L.flight);
	/* An id null answers the line in its place (e.g. "line too long",
	 * after which the daemon closes the connection). */
	if (!json_is_null(id) && json_integer_value(id) != ln.lineno)
		die("%s:%ld: answered out of order", L.src->file, ln.lineno);
	if (err != NULL && later(err, &wait_ms, &rate)) {
		if (!L.waiting) {
			L.waiting = true;
			L.refused = ln.lineno;
			L.wait_ms = 0;
		}
		if (wait_ms > L.wait_ms)
			L.wait_ms = wait_ms;
		if (rate > 0)
			L.pace = PACE * rate;
		queue_push(&L.again, ln);
		L.resent++;
		return;
	}
	if (err != NULL && L.waiting) {
		/* It may have failed for want of the refused line before it:
		 * it goes again after that one. */
		queue_push(&L.again, ln);
		L.resent++;
		return;
	}
	L.loading_ms = 0;
	if (err != NULL) {
		progress_clear();
		L.src->failed(L.src->arg, ln.lineno, err);
		L.failed++;
	} else if (L.waiting) {
		progress_clear();
		fprintf(stderr, "%s:%ld: applied before %s %ld, which the "
		    "daemon asked to send again later\n", L.src->file,
		    ln.lineno, L.src->unit, L.refused);
	}
	if (err == NULL && L.src->answered != NULL) {
		progress_clear();
		L.src->answered(L.src->arg, ln.lineno, json_object_get(resp,
		    "result"));
	}
	free(ln.req);
}

/* ---- the command ------------------------------------------------------ */

/* Waits for the socket (or until the pace, a wait or progress is due). */
static void
wait_io(void)
{
	struct pollfd pfd = { client_sock, POLLIN, 0 };
	int64_t now = now_us(), until = -1;
	int timeout = -1;
	ssize_t n;
	json_t *resp;

	if (L.outoff < L.outlen)
		pfd.events |= POLLOUT;
	if (L.waiting && L.flight.n == 0)
		until = L.wait_until;
	else if (L.pace > 0 && L.flight.n < WINDOW && !L.waiting &&
	    (L.again.n > 0 || !L.eof))
		until = L.next_us;
	if (until >= 0)
		timeout = until > now ? (int)((until - now + 999) / 1000) : 0;
	if (L.tty && (timeout < 0 || timeout > PROGRESS_US / 1000))
		timeout = PROGRESS_US / 1000;
	if (poll(&pfd, 1, timeout) == -1) {
		if (errno == EINTR)
			return;
		die("poll: %s", strerror(errno));
	}
	if (pfd.revents & POLLOUT)
		out_flush();
	if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
		n = response_fill(MSG_DONTWAIT);
		if (n == 0)
			give_up("the daemon closed the connection");
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			broken();
		while ((resp = response_take()) != NULL) {
			answer(resp);
			json_decref(resp);
		}
	}
}

long
send_requests(const struct sender *src)
{
	struct sigaction sa;

	L.src = src;
	L.last = src->first - 1;
	L.tty = isatty(STDERR_FILENO) == 1;
	L.started = now_us();

	/* Interrupted, it says where to resume (no restart: poll returns). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	progress(true);
	for (;;) {
		if (stop_signal != 0)
			give_up("interrupted");
		fill();
		if (stop_signal != 0)
			continue;
		if (L.flight.n == 0 && L.waiting) {
			int64_t now = now_us();

			if (L.wait_until == 0) {
				L.wait_until = now + L.wait_ms * 1000;
				if (L.loading_again && (L.loading_ms *= 2) >
				    LOADING_MAX_MS)
					L.loading_ms = LOADING_MAX_MS;
				L.loading_again = false;
			}
			if (now >= L.wait_until) {
				L.waiting = false;
				L.wait_until = 0;
				L.next_us = now;
				continue;
			}
		} else if (L.flight.n == 0 && L.again.n == 0 && L.eof &&
		    L.outoff == L.outlen)
			break;
		wait_io();
		progress(false);
	}
	progress(true);
	summary();
	free(L.flight.v);
	free(L.again.v);
	free(L.out);
	return L.failed;
}

/* ---- jobmatch load ---------------------------------------------------- */

/* The next line of the file that is a request. A line that is not one is
 * reported and counted bad (arg). */
static int
load_next(void *arg, long *no, char **req, size_t *len)
{
	static char *buf;
	static size_t cap;
	long *bad = arg;

	for (;;) {
		json_t *o, *method;
		json_error_t je;
		ssize_t n;

		errno = 0;
		if ((n = getline(&buf, &cap, F.fp)) == -1) {
			if (errno == EINTR) {
				clearerr(F.fp);
				return -2;
			}
			if (ferror(F.fp))
				return -1;
			free(buf);
			buf = NULL;
			return 0;
		}
		if (++F.lineno < F.from)
			continue;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		if (n == 0)
			continue;
		o = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &je);
		method = json_object_get(o, "method");
		if (o == NULL || !json_is_string(method)) {
			sender_note();
			fprintf(stderr, "%s:%ld: %s\n", F.file, F.lineno,
			    o == NULL ? je.text :
			    "expected {\"method\": ..., \"params\": ...}");
			(*bad)++;
			json_decref(o);
			continue;
		}
		*no = F.lineno;
		*req = request_line(F.lineno, json_string_value(method),
		    json_object_get(o, "params"), len);
		json_decref(o);
		return 1;
	}
}

static off_t
load_pos(void *arg)
{
	(void)arg;
	return ftello(F.fp);
}

static void
load_failed(void *arg, long no, json_t *err)
{
	char where[512];

	(void)arg;
	snprintf(where, sizeof(where), "%s:%ld", F.file, no);
	print_error(where, err);
}

static void
load_summary(void *arg, long sent, long failed, long resent)
{
	long *bad = arg;

	printf("%s: %ld request%s, %ld failed", F.file, sent,
	    sent == 1 ? "" : "s", failed + *bad);
	if (resent > 0)
		printf(", %ld sent again as the daemon asked", resent);
	printf("\n");
}

int
cmd_load(int argc, char **argv)
{
	struct sender src;
	struct stat st;
	long bad = 0, failed;

	F.from = 1;
	while (argc > 0 && argv[0][0] == '-' && argv[0][1] != '\0') {
		char *end;

		if (strcmp(argv[0], "--") == 0) {
			argc--;
			argv++;
			break;
		}
		if (strcmp(argv[0], "--from") != 0 || argc < 2)
			die("load: unknown option '%s' (see jobmatch load "
			    "--help)", argv[0]);
		errno = 0;
		F.from = strtol(argv[1], &end, 10);
		if (errno != 0 || end == argv[1] || *end != '\0' || F.from < 1)
			die("load: --from: expected a line number from 1");
		argc -= 2;
		argv += 2;
	}
	if (argc != 1)
		die("load: expected one FILE (see jobmatch load --help)");
	F.file = argv[0];
	if (strcmp(F.file, "-") == 0)
		F.fp = stdin;
	else if ((F.fp = fopen(F.file, "r")) == NULL)
		die("%s: %s", F.file, strerror(errno));
	memset(&src, 0, sizeof(src));
	src.file = F.file;
	src.unit = "line";
	src.resume = "load";
	src.first = F.from;
	if (fstat(fileno(F.fp), &st) == 0 && S_ISREG(st.st_mode))
		src.size = st.st_size;
	src.next = load_next;
	src.pos = load_pos;
	src.failed = load_failed;
	src.summary = load_summary;
	src.bad = &bad;
	src.arg = &bad;
	failed = send_requests(&src);
	if (F.fp != stdin)
		fclose(F.fp);
	return failed + bad > 0 ? 1 : 0;
}

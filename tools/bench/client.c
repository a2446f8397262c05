/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * client.c - see client.h.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto/frame.h"
#include "proto/rpc.h"
#include "tools/bench/client.h"

#define RBUF_INITIAL	(256u << 10)
#define READ_MIN	(64u << 10)	/* free space wanted before a read */

uint64_t
bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
bench_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "jobmatch-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		bench_die("out of memory");
	return p;
}

/* Splits "host:port" or "[v6]:port". */
static int
split_addr(const char *addr, char *host, size_t hostlen, const char **port)
{
	const char *colon = strrchr(addr, ':');
	size_t n;

	if (colon == NULL || colon[1] == '\0')
		return -1;
	n = (size_t)(colon - addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	}
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, addr, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

static int
connect_one(const struct addrinfo *ai, int timeout_ms, int *fdp)
{
	struct pollfd pfd;
	socklen_t sl = sizeof(int);
	int fd, one = 1, soerr = 0;

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS) {
			soerr = errno;
			close(fd);
			return soerr;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, timeout_ms) != 1) {
			close(fd);
			return ETIMEDOUT;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
		    soerr != 0) {
			close(fd);
			return soerr ? soerr : errno;
		}
	}
	/* Requests are small: never hold one back for Nagle. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*fdp = fd;
	return 0;
}

int
bconn_open(struct bconn *c, const char *addr, int index, int timeout_ms,
    char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char host[256];
	const char *port;
	int rc, last = ECONNREFUSED;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->index = index;
	c->addr = addr;
	c->next_id = 1;
	if (split_addr(addr, host, sizeof(host), &port) == -1) {
		snprintf(err, errlen, "%s: expected HOST:PORT", addr);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && c->fd == -1; ai = ai->ai_next)
		if ((rc = connect_one(ai, timeout_ms, &c->fd)) != 0)
			last = rc;
	freeaddrinfo(res);
	if (c->fd == -1) {
		snprintf(err, errlen, "cannot connect to %s: %s%s", addr,
		    strerror(last), last == ECONNREFUSED ?
		    " (is jobmatchd running there?)" : "");
		return -1;
	}
	c->rcap = RBUF_INITIAL;
	c->rbuf = xrealloc(NULL, c->rcap);
	c->wcap = 64u << 10;
	c->wbuf = xrealloc(NULL, c->wcap);
	c->cap = 64;
	c->ring = xrealloc(NULL, c->cap * sizeof(*c->ring));
	return 0;
}

void
bconn_close(struct bconn *c)
{
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->wev != NULL)
		event_free(c->wev);
	if (c->fd != -1)
		close(c->fd);
	free(c->rbuf);
	free(c->wbuf);
	free(c->ring);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void
wbuf_add(struct bconn *c, const char *line, size_t len)
{
	if (c->woff > 0 && c->woff == c->wlen)
		c->woff = c->wlen = 0;
	if (c->wlen + len > c->wcap) {
		if (c->woff > 0) {
			memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
			c->wlen -= c->woff;
			c->woff = 0;
		}
		while (c->wlen + len > c->wcap)
			c->wcap *= 2;
		c->wbuf = xrealloc(c->wbuf, c->wcap);
	}
	memcpy(c->wbuf + c->wlen, line, len);
	c->wlen += len;
}

/* Sends what it can; returns 0, or an errno. */
static int
write_some(struct bconn *c)
{
	while (c->woff < c->wlen) {
		ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
			    errno;
		}
		c->woff += (size_t)n;
	}
	c->woff = c->wlen = 0;
	return 0;
}

/* Reads what is there; returns bytes read, 0 at EOF, -1 with errno
 * (EAGAIN: nothing now). */
static ssize_t
read_some(struct bconn *c, size_t *space)
{
	ssize_t n;

	if (c->rcap - c->rlen < READ_MIN) {
		if (c->rcap >= BCONN_LINE_MAX + READ_MIN)
			bench_die("%s: connection %d: an answer longer than "
			    "%u bytes", c->addr, c->index, BCONN_LINE_MAX);
		c->rcap *= 2;
		c->rbuf = xrealloc(c->rbuf, c->rcap);
	}
	*space = c->rcap - c->rlen;
	do
		n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		c->rlen += (size_t)n;
	return n;
}

json_t *
bconn_call(struct bconn *c, const char *method, json_t *params,
    int timeout_ms, char *err, size_t errlen)
{
	uint64_t deadline = bench_now_us() + (uint64_t)timeout_ms * 1000u;
	json_t *req, *resp = NULL;
	size_t len, linelen, used, space;
	char *line, perr[256];
	int rc;

	if (c->count > 0)
		bench_die("bconn_call with requests in flight");
	req = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id",
	    (json_int_t)c->next_id++, "method", method);
	if (req == NULL || (params != NULL ?
	    json_object_set(req, "params", params) :
	    json_object_set_new(req, "params", json_object())) == -1 ||
	    (line = rpc_dump(req, &len)) == NULL)
		bench_die("out of memory");
	json_decref(req);
	wbuf_add(c, line, len);
	free(line);
	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		uint64_t now = bench_now_us();
		enum frame_status fs;
		ssize_t n;

		if ((rc = write_some(c)) != 0) {
			snprintf(err, errlen, "%s: %s: %s", c->addr, method,
			    strerror(rc));
			return NULL;
		}
		fs = frame_next(c->rbuf, c->rlen, BCONN_LINE_MAX, &linelen,
		    &used);
		if (fs == FRAME_LINE && linelen == 0) {
			memmove(c->rbuf, c->rbuf + used, c->rlen - used);
			c->rlen -= used;
			continue;
		}
		if (fs == FRAME_LINE)
			break;
		if (fs == FRAME_TOO_LONG) {
			snprintf(err, errlen, "%s: %s: answer too long",
			    c->addr, method);
			return NULL;
		}
		if (now >= deadline) {
			snprintf(err, errlen, "%s: %s: no answer within %d ms",
			    c->addr, method, timeout_ms);
			return NULL;
		}
		if (c->woff < c->wlen)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, (int)((deadline - now + 999) / 1000)) == -1 &&
		    errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return NULL;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if ((n = read_some(c, &space)) == 0) {
			snprintf(err, errlen, "%s: %s: the server closed the "
			    "connection", c->addr, method);
			return NULL;
		}
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
			snprintf(err, errlen, "%s: %s: %s", c->addr, method,
			    strerror(errno));
			return NULL;
		}
	}
	if (rpc_parse(c->rbuf, linelen, &resp, perr, sizeof(perr)) != 0 ||
	    !json_is_object(resp)) {
		snprintf(err, errlen, "%s: %s: the answer is not a JSON "
		    "object: %s", c->addr, method, perr);
		json_decref(resp);
		resp = NULL;
	}
	memmove(c->rbuf, c->rbuf + used, c->rlen - used);
	c->rlen -= used;
	return resp;
}

int
bconn_hello(struct bconn *c, const char *token, int timeout_ms, char *err,
    size_t errlen)
{
	json_t *p = json_pack("{s:s}", "token", token), *resp, *e;

	if (p == NULL)
		bench_die("out of memory");
	resp = bconn_call(c, "hello", p, timeout_ms, err, errlen);
	json_decref(p);
	if (resp == NULL)
		return -1;
	if ((e = json_object_get(resp, "error")) != NULL) {
		int code = (int)json_integer_value(json_object_get(e, "code"));
		snprintf(err, errlen, "%s: hello refused: %d %s%s", c->addr,
		    code, json_string_value(json_object_get(e, "message")),
		    code == RPC_BUSY ? " (the daemon is at max_connections, "
		    "or pauses hellos from this address)" : code ==
		    RPC_UNAUTHORIZED ? " (wrong token?)" : "");
		json_decref(resp);
		return -1;
	}
	json_decref(resp);
	return 0;
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct bconn *c = arg;
	size_t pos = 0, linelen, used, space;
	enum frame_status fs;
	ssize_t n;

	(void)fd;
	(void)what;
	for (;;) {
		if ((n = read_some(c, &space)) == 0)
			bench_die("%s: connection %d: the server closed the "
			    "connection with %zu request%s in flight", c->addr,
			    c->index, c->count, c->count == 1 ? "" : "s");
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			bench_die("%s: connection %d: %s", c->addr, c->index,
			    strerror(errno));
		}
		while ((fs = frame_next(c->rbuf + pos, c->rlen - pos,
		    BCONN_LINE_MAX, &linelen, &used)) == FRAME_LINE) {
			struct bconn_pending p;
			const char *line = c->rbuf + pos;
			uint64_t now = bench_now_us();

			pos += used;
			if (linelen == 0)
				continue;
			if (c->count == 0)
				bench_die("%s: connection %d: an answer to no "
				    "request: %.200s", c->addr, c->index, line);
			p = c->ring[c->head];
			c->head = (c->head + 1) % c->cap;
			c->count--;
			c->last_us = now;
			c->on_answer(c, &p, line, linelen, now);
		}
		if (fs == FRAME_TOO_LONG)
			bench_die("%s: connection %d: an answer longer than %u "
			    "bytes", c->addr, c->index, BCONN_LINE_MAX);
		memmove(c->rbuf, c->rbuf + pos, c->rlen - pos);
		c->rlen -= pos;
		pos = 0;
		if ((size_t)n < space)	/* the socket is drained */
			break;
	}
	bconn_flush(c);
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	bconn_flush(arg);
}

void
bconn_attach(struct bconn *c, struct event_base *base, bconn_answer_fn *fn,
    void *arg)
{
	c->on_answer = fn;
	c->arg = arg;
	c->rev = event_new(base, c->fd, EV_READ | EV_PERSIST, on_read, c);
	c->wev = event_new(base, c->fd, EV_WRITE, on_write, c);
	if (c->rev == NULL || c->wev == NULL || event_add(c->rev, NULL) == -1)
		bench_die("libevent: cannot watch connection %d", c->index);
	/* Answers to blocking calls were all consumed; anything left is an
	 * answer that came with nothing asked. */
	if (c->rlen > 0)
		bench_die("%s: connection %d: unexpected data", c->addr,
		    c->index);
}

void
bconn_send(struct bconn *c, uint64_t id, const char *line, size_t len,
    uint64_t tag)
{
	uint64_t now = bench_now_us();

	if (c->count == c->cap) {
		struct bconn_pending *nr = xrealloc(NULL, 2 * c->cap *
		    sizeof(*nr));
		for (size_t i = 0; i < c->count; i++)
			nr[i] = c->ring[(c->head + i) % c->cap];
		free(c->ring);
		c->ring = nr;
		c->head = 0;
		c->cap *= 2;
	}
	if (c->count == 0)
		c->last_us = now;	/* the timeout counts from here */
	c->ring[(c->head + c->count) % c->cap] = (struct bconn_pending){
		.id = id, .tag = tag, .sent_us = now };
	c->count++;
	wbuf_add(c, line, len);
}

void
bconn_flush(struct bconn *c)
{
	int rc;

	if (c->woff == c->wlen)
		return;
	if ((rc = write_some(c)) != 0)
		bench_die("%s: connection %d: %s", c->addr, c->index,
		    strerror(rc));
	if (c->woff < c->wlen && !event_pending(c->wev, EV_WRITE, NULL))
		event_add(c->wev, NULL);
}

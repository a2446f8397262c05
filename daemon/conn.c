/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * conn.c - see conn.h.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "daemon/auth.h"
#include "daemon/conn.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/sd.h"
#include "daemon/server.h"
#include "proto/frame.h"
#include "proto/rpc.h"

static void	conn_close(struct conn *c, enum metrics_close why,
		    const char *reason);
static void	conn_flush(struct conn *c);
static void	conn_wake(struct conn *c);
static void	read_cb(struct bufferevent *bev, void *arg);

/* ---- back-pressure --------------------------------------------------- */

/* The bytes c is owed: see conn.h. */
static size_t
owed(const struct conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev)) +
	    reqq_owed(&c->cl.q);
}

/* The connection a caller is (every caller of conn.c's is one). */
static struct conn *
conn_of(const struct caller *cl)
{
	return (struct conn *)((char *)cl - offsetof(struct conn, cl));
}

/*
 * Whether c may start one more request now: what it is owed is below
 * max_output_bytes and, for a request of a method that uses the store
 * (reserve > 0), fewer than max_store_inflight of its store requests are
 * in flight.
 */
static bool
conn_may_start(const struct conn *c, size_t reserve)
{
	return owed(c) < server.cfg.max_output_bytes &&
	    (reserve == 0 || c->cl.q.inflight < server.cfg.max_store_inflight);
}

/*
 * Whether c must not read more: max_pending lines owed, max_output_bytes
 * owed, or requests of a line still waiting to start. A client that
 * pipelines without reading is then held back by TCP instead of by the
 * daemon's memory.
 */
static bool
backlogged(const struct conn *c)
{
	return c->cl.q.wait_root != NULL ||
	    c->cl.q.nslots >= server.cfg.max_pending ||
	    owed(c) >= server.cfg.max_output_bytes;
}

/*
 * Resumes c from the loop, never inside the callback that made room: its
 * waiting requests first, then reading. Only when one of them can go on
 * now: a wake that finds nothing to do must not wake again (a draining
 * connection that once paused would spin the loop).
 */
static void
conn_wake(struct conn *c)
{
	if (c->state == CONN_CLOSED)
		return;
	if (c->cl.q.wait_root != NULL ? conn_may_start(c, 1) :
	    c->state == CONN_OPEN && c->paused && !backlogged(c))
		event_active(c->wake, EV_TIMEOUT, 0);
}

static void
wake_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)ev;
	if (c->state == CONN_CLOSED)
		return;
	if (c->cl.q.wait_root != NULL) {
		server.lines->resume(&c->cl);
		if (c->cl.q.wait_root != NULL || c->state == CONN_CLOSED)
			return;
	}
	if (c->state == CONN_OPEN && c->paused && !backlogged(c)) {
		c->paused = false;
		bufferevent_enable(c->bev, EV_READ);
		/* Lines already buffered get no new read event. */
		read_cb(c->bev, c);
	} else if (c->state == CONN_DRAINING)
		conn_flush(c);
}

/* ---- output ---------------------------------------------------------- */

static void
maybe_finish(struct conn *c)
{
	if (c->state == CONN_DRAINING && c->cl.q.nslots == 0 &&
	    c->cl.q.wait_root == NULL &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_close(c, MC_DONE, "done");
}

/* Writes every answer that is in at the head of the queue, in order, and
 * drops the slots that are complete. */
static void
conn_flush(struct conn *c)
{
	reqq_write(&c->cl.q, c->state != CONN_CLOSED ?
	    bufferevent_get_output(c->bev) : NULL);
	if (c->state == CONN_DRAINING)
		bufferevent_disable(c->bev, EV_READ);
	maybe_finish(c);
	conn_wake(c);
}

/* The queue's hooks (req.h): they write what is ready and schedule the
 * wake, never read or start a request. */
static void
queue_ready(void *owner)
{
	conn_flush(conn_of(owner));
}

static void
queue_room(void *owner)
{
	conn_wake(conn_of(owner));
}

static const struct reqq_hooks queue_hooks = { queue_ready, queue_room };

static void	conn_set_idle(struct conn *c);

/* What the dispatcher asks of a connection (caller.h). */
static bool
caller_may_start(const struct caller *cl, size_t reserve)
{
	return conn_may_start(conn_of(cl), reserve);
}

/* c reads no more: it closes once it has been sent every answer it is
 * owed. */
static void
caller_end(struct caller *cl)
{
	struct conn *c = conn_of(cl);

	if (c->state == CONN_OPEN)
		c->state = CONN_DRAINING;
}

/* Its idle timer follows its role; a new role gets a full bucket of its
 * rate. */
static void
caller_authed(struct caller *cl, bool changed)
{
	struct conn *c = conn_of(cl);

	if (changed)
		c->rate.at = 0;
	conn_set_idle(c);
}

static void
caller_fail(struct caller *cl, const char *why)
{
	conn_close(conn_of(cl), MC_ERROR, why);
}

static const struct caller_ops caller_ops = { caller_may_start, caller_end,
	caller_authed, caller_fail };

/* ---- input ----------------------------------------------------------- */

/* Stops reading from c; sends last (stolen) after what is owed, then
 * closes. */
static void
end_with(struct conn *c, json_t *last)
{
	c->state = CONN_DRAINING;
	if (c->line_timer != NULL)
		evtimer_del(c->line_timer);
	if (reqq_answer(&c->cl.q, last) == -1)
		conn_close(c, MC_ERROR, "out of memory");
}

/* Answers -32600 with msg (id null) after what is owed, then closes. */
static void
refuse_line(struct conn *c, const char *msg)
{
	log_info("conn %llu: %s; closing", (unsigned long long)c->cl.id, msg);
	metrics_invalid(RPC_INVALID_REQUEST);
	end_with(c, rpc_error(NULL, RPC_INVALID_REQUEST, msg, NULL));
}

static void
line_too_long(struct conn *c, size_t max)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "line too long (the limit is %zu bytes)",
	    max);
	refuse_line(c, msg);
}

/* A line begun line_timeout_s ago is still not finished (a client that
 * drips a byte at a time would never trip the idle timer). */
static void
line_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct conn *c = arg;
	char msg[96];

	(void)fd;
	(void)ev;
	if (c->state != CONN_OPEN)
		return;
	snprintf(msg, sizeof(msg), "line not finished within %d s",
	    server.cfg.line_timeout_s);
	refuse_line(c, msg);
	conn_flush(c);
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	bool consumed = false;

	while (c->state == CONN_OPEN) {
		size_t len = evbuffer_get_length(in), max, linelen, used;
		struct evbuffer_ptr start, nl;
		const char *data;

		if (backlogged(c)) {
			c->paused = true;
			bufferevent_disable(c->bev, EV_READ);
			break;
		}
		if (len == 0)
			break;
		max = c->cl.role == ROLE_ANON ? server.cfg.anon_max_line_bytes :
		    server.cfg.max_line_bytes;
		evbuffer_ptr_set(in, &start, c->scanned, EVBUFFER_PTR_SET);
		nl = evbuffer_search(in, "\n", 1, &start);
		if (nl.pos < 0) {
			c->scanned = len;
			if (len > max + 1)
				line_too_long(c, max);
			break;
		}
		c->scanned = 0;
		data = (const char *)evbuffer_pullup(in, nl.pos + 1);
		if (data == NULL) {
			conn_close(c, MC_ERROR, "out of memory");
			return;
		}
		if (frame_next(data, (size_t)nl.pos + 1, max, &linelen,
		    &used) != FRAME_LINE) {
			line_too_long(c, max);
			break;
		}
		if (linelen > 0)
			server.lines->line(&c->cl, data, linelen);
		evbuffer_drain(in, used);
		consumed = true;
	}
	/* A line's clock starts at its first byte: the line left over, if
	 * any, is a new one when a line was just taken. */
	if (c->state == CONN_OPEN) {
		if (consumed || c->paused || evbuffer_get_length(in) == 0)
			evtimer_del(c->line_timer);
		if (!c->paused && evbuffer_get_length(in) > 0 &&
		    !evtimer_pending(c->line_timer, NULL)) {
			struct timeval tv = { server.cfg.line_timeout_s, 0 };
			evtimer_add(c->line_timer, &tv);
		}
	}
	if (c->state == CONN_DRAINING)
		conn_flush(c);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	maybe_finish(arg);
	conn_wake(arg);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_EOF) {
		/* The peer sent all it will: answer what it asked, then go.
		 * (Reading is off while the connection is paused, so the end
		 * is seen only once every line before it was taken.) */
		if (c->state == CONN_OPEN) {
			read_cb(c->bev, c);
			if (c->state == CONN_OPEN)
				c->state = CONN_DRAINING;
		}
		conn_flush(c);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_WRITING)) {
		conn_close(c, MC_SLOW_READER, "the peer does not read its answers");
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING)) {
		/* Quiet while it waits for our answers is not idle. */
		if (c->cl.q.nslots > 0 && c->state == CONN_OPEN) {
			bufferevent_enable(c->bev, EV_READ);
			return;
		}
		log_debug("conn %llu: idle", (unsigned long long)c->cl.id);
		conn_close(c, MC_IDLE, "idle");
		return;
	}
	if (what & BEV_EVENT_ERROR)
		conn_close(c, MC_ERROR, evutil_socket_error_to_string(
		    EVUTIL_SOCKET_ERROR()));
}

/* Arms c's idle timer for its role: anon_idle_timeout_s before hello,
 * idle_timeout_s after. A connection that owes answers is never idle. */
static void
conn_set_idle(struct conn *c)
{
	struct timeval tv = { c->cl.role == ROLE_ANON ?
	    server.cfg.anon_idle_timeout_s : server.cfg.idle_timeout_s, 0 };

	/* Reading: silence; writing: answers the peer does not take. */
	bufferevent_set_timeouts(c->bev, &tv, &tv);
}

/* ---- lifecycle ------------------------------------------------------- */

static void
conn_free(struct conn *c)
{
	reqq_detach(&c->cl.q);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	if (c->line_timer != NULL)
		event_free(c->line_timer);
	if (c->wake != NULL)
		event_free(c->wake);
	free(c);
}

/* Marks c closed and schedules its freeing; safe inside callbacks. why
 * counts it in the metrics, reason says it in the (debug) log. */
static void
conn_close(struct conn *c, enum metrics_close why, const char *reason)
{
	if (c->state == CONN_CLOSED)
		return;
	log_debug("conn %llu: closed: %s", (unsigned long long)c->cl.id,
	    reason);
	metrics_conn_closed(why);
	c->state = CONN_CLOSED;
	c->cl.closed = true;
	c->cl.q.discard = true;
	evtimer_del(c->line_timer);
	event_del(c->wake);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	TAILQ_REMOVE(&server.conns, c, entry);
	server.nconns--;
	TAILQ_INSERT_TAIL(&server.closed, c, entry);
	event_active(server.reaper, EV_TIMEOUT, 0);
}

static void
reap_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn *c;

	(void)fd;
	(void)ev;
	(void)arg;
	while ((c = TAILQ_FIRST(&server.closed)) != NULL) {
		TAILQ_REMOVE(&server.closed, c, entry);
		conn_free(c);
	}
}

void
conn_drain_all(void)
{
	struct conn *c, *next;

	for (c = TAILQ_FIRST(&server.conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->state == CONN_OPEN)
			c->state = CONN_DRAINING;
		if (c->line_timer != NULL)
			evtimer_del(c->line_timer);
		conn_flush(c);		/* stops reading; closes when done */
	}
}

void
conn_recheck_tokens(void)
{
	struct conn *c, *next;

	for (c = TAILQ_FIRST(&server.conns); c != NULL; c = next) {
		enum auth_recheck how;

		next = TAILQ_NEXT(c, entry);
		if (c->state != CONN_OPEN || c->cl.role == ROLE_ANON)
			continue;
		how = auth_recheck(&server.cfg, c->cl.token_digest, c->cl.role,
		    c->cl.employer_id, c->cl.fair_id);
		if (how == AUTH_KEPT)
			continue;
		log_info("conn %llu: %s (%s%s%s): its token %s; closing",
		    (unsigned long long)c->cl.id, c->cl.peer,
		    role_name(c->cl.role),
		    c->cl.role == ROLE_EMPLOYER ? " " : "",
		    c->cl.role == ROLE_EMPLOYER ? c->cl.employer_id : "",
		    how == AUTH_REMOVED ? "is no longer configured" :
		    "now names another role, employer or fair");
		/* Requests read before the reload are still answered, under
		 * the role they were read with; this line comes after them. */
		end_with(c, rpc_error(NULL, RPC_UNAUTHORIZED, "token revoked",
		    json_pack("{s:s}", "reason", how == AUTH_REMOVED ?
		    "removed" : "changed")));
	}
}

void
conn_free_all(void)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&server.conns)) != NULL)
		conn_close(c, MC_SHUTDOWN, "shutdown");
	reap_cb(-1, 0, NULL);
	if (server.reaper != NULL) {
		event_free(server.reaper);
		server.reaper = NULL;
	}
}

void
conn_peer_name(const struct sockaddr *sa, char *peer, size_t peerlen,
    char *addr, size_t addrlen)
{
	char host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(peer, peerlen, "%s:%u", host, ntohs(in->sin_port));
		snprintf(addr, addrlen, "%s", host);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(peer, peerlen, "[%s]:%u", host, ntohs(in6->sin6_port));
		snprintf(addr, addrlen, "[%s]", host);
	} else {
		snprintf(peer, peerlen, "unix");
		snprintf(addr, addrlen, "unix");
	}
}

static void
accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct conn *c;

	(void)lis;
	(void)salen;
	if (server.stopping || server.nconns >= server.cfg.max_connections) {
		static const char busy[] = "{\"jsonrpc\":\"2.0\",\"id\":null,"
		    "\"error\":{\"code\":-32005,\"message\":"
		    "\"too many connections\"}}\n";
		ssize_t w = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
		(void)w;
		metrics_conn_refused();
		evutil_closesocket(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	c->cl.id = ++server.next_conn_id;
	c->cl.role = ROLE_ANON;
	c->cl.bucket = &c->rate;
	c->cl.ops = &caller_ops;
	reqq_init(&c->cl.q, &queue_hooks, &c->cl, c->cl.id);
	conn_peer_name(sa, c->cl.peer, sizeof(c->cl.peer), c->cl.addr,
	    sizeof(c->cl.addr));
	/* Replies are whole lines: send them now, not after a delayed ACK. */
	if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	}
	if (arg != NULL) {		/* the TLS listener */
		SSL *ssl = SSL_new(arg);
		c->bev = ssl == NULL ? NULL : bufferevent_openssl_socket_new(
		    server.base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
		    BEV_OPT_CLOSE_ON_FREE);
		if (c->bev == NULL && ssl != NULL)
			SSL_free(ssl);
	} else
		c->bev = bufferevent_socket_new(server.base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	c->line_timer = evtimer_new(server.base, line_timeout, c);
	c->wake = event_new(server.base, -1, 0, wake_cb, c);
	if (c->bev == NULL || c->line_timer == NULL || c->wake == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			evutil_closesocket(fd);
		if (c->line_timer != NULL)
			event_free(c->line_timer);
		if (c->wake != NULL)
			event_free(c->wake);
		free(c);
		return;
	}
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	conn_set_idle(c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&server.conns, c, entry);
	server.nconns++;
	metrics_conn_accepted();
	log_debug("conn %llu: accepted from %s", (unsigned long long)c->cl.id,
	    c->cl.peer);
}

/*
 * Out of file descriptors, a listener would report the same error at once
 * on every turn of the loop: stop accepting for ACCEPT_PAUSE_MS instead of
 * spinning, and let the kernel's backlog hold the callers meanwhile.
 */
#define ACCEPT_PAUSE_MS	100

static void
accept_resume(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	if (server.stopping)
		return;
	if (server.tcp != NULL)
		evconnlistener_enable(server.tcp);
	if (server.tls != NULL)
		evconnlistener_enable(server.tls);
	if (server.unix_lis != NULL)
		evconnlistener_enable(server.unix_lis);
}

static void
accept_error_cb(struct evconnlistener *lis, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = { 0, ACCEPT_PAUSE_MS * 1000 };

	(void)lis;
	(void)arg;
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		log_warn("accept");
		return;
	}
	if (evtimer_pending(server.accept_pause, NULL))
		return;
	log_warnx("accept: %s: not accepting for %d ms",
	    evutil_socket_error_to_string(err), ACCEPT_PAUSE_MS);
	metrics_accept_paused();
	if (server.tcp != NULL)
		evconnlistener_disable(server.tcp);
	if (server.tls != NULL)
		evconnlistener_disable(server.tls);
	if (server.unix_lis != NULL)
		evconnlistener_disable(server.unix_lis);
	evtimer_add(server.accept_pause, &tv);
}

static struct evconnlistener *
listen_tcp(const struct hostport *hp, void *tls)
{
	struct evutil_addrinfo hints, *ai = NULL;
	struct evconnlistener *lis;
	char port[16];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_PASSIVE;
	snprintf(port, sizeof(port), "%d", hp->port);
	if ((rc = evutil_getaddrinfo(hp->host, port, &hints, &ai)) != 0) {
		log_error("listen %s:%d: %s", hp->host, hp->port,
		    evutil_gai_strerror(rc));
		return NULL;
	}
	lis = evconnlistener_new_bind(server.base, accept_cb, tls,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC |
	    (server.cfg.reuseport ? LEV_OPT_REUSEABLE_PORT : 0),
	    512, ai->ai_addr, (int)ai->ai_addrlen);
	evutil_freeaddrinfo(ai);
	if (lis == NULL)
		log_error("listen %s:%d: %s", hp->host, hp->port,
		    strerror(errno));
	return lis;
}

static struct evconnlistener *
listen_unix(const char *path)
{
	struct sockaddr_un sun;
	struct evconnlistener *lis;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_error("unix_socket %s: path too long", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	(void)unlink(path);		/* a stale socket from a past run */
	lis = evconnlistener_new_bind(server.base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 64,
	    (struct sockaddr *)&sun, sizeof(sun));
	if (lis == NULL) {
		char msg[PATH_MAX + 256];

		config_path_error(&server.cfg, "unix_socket", path,
		    strerror(errno), msg, sizeof(msg));
		log_error("%s", msg);
		return NULL;
	}
	(void)chmod(path, 0660);
	return lis;
}

/*
 * Sockets passed by socket activation (systemd's jobmatchd.socket) replace
 * listen and unix_socket: a unix socket becomes the unix listener, an
 * inet one named "tls" (FileDescriptorName=tls) the TLS listener, any
 * other inet one the plain listener.
 */
static int
listen_passed(const struct sd_fd *fds, int n)
{
	for (int i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct evconnlistener **slot, *lis;
		void *tls = NULL;
		const char *kind;

		if (getsockname(fds[i].fd, (struct sockaddr *)&ss, &len) == -1) {
			log_error("passed socket %d: %s", fds[i].fd,
			    strerror(errno));
			return -1;
		}
		evutil_make_socket_nonblocking(fds[i].fd);
		if (ss.ss_family == AF_UNIX) {
			slot = &server.unix_lis;
			kind = "unix";
		} else if (strcmp(fds[i].name, "tls") == 0) {
			if (server.tls_ctx == NULL) {
				log_error("passed socket %d is named tls but "
				    "tls_cert and tls_key are not set",
				    fds[i].fd);
				return -1;
			}
			slot = &server.tls;
			tls = server.tls_ctx;
			kind = "TLS";
		} else {
			slot = &server.tcp;
			kind = "TCP";
		}
		if (*slot != NULL) {
			log_error("more than one passed %s socket", kind);
			return -1;
		}
		lis = evconnlistener_new(server.base, accept_cb, tls,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1,
		    fds[i].fd);
		if (lis == NULL) {
			log_error("passed socket %d: %s", fds[i].fd,
			    strerror(errno));
			return -1;
		}
		evconnlistener_set_error_cb(lis, accept_error_cb);
		*slot = lis;
		log_info("listening on a passed %s socket (fd %d)", kind,
		    fds[i].fd);
	}
	server.passed_sockets = true;
	return 0;
}

int
conn_listen(const struct conn_lines *lines)
{
	struct sd_fd fds[SD_MAX_FDS];
	int n;

	server.lines = lines;
	TAILQ_INIT(&server.conns);
	TAILQ_INIT(&server.closed);
	if ((server.reaper = event_new(server.base, -1, 0, reap_cb, NULL)) ==
	    NULL || (server.accept_pause = evtimer_new(server.base,
	    accept_resume, NULL)) == NULL)
		return -1;
	if ((n = sd_listen_fds(fds, SD_MAX_FDS)) > 0)
		return listen_passed(fds, n);
	if ((server.tcp = listen_tcp(&server.cfg.listen, NULL)) == NULL)
		return -1;
	evconnlistener_set_error_cb(server.tcp, accept_error_cb);
	log_info("listening on %s:%d", server.cfg.listen.host,
	    server.cfg.listen.port);
	if (server.cfg.listen_tls.port != 0) {
		if ((server.tls = listen_tcp(&server.cfg.listen_tls,
		    server.tls_ctx)) == NULL)
			return -1;
		evconnlistener_set_error_cb(server.tls, accept_error_cb);
		log_info("listening on %s:%d (TLS%s)",
		    server.cfg.listen_tls.host, server.cfg.listen_tls.port,
		    server.cfg.tls_ca[0] ? ", client certificates" : "");
	}
	if (server.cfg.unix_socket[0] != '\0') {
		if ((server.unix_lis = listen_unix(server.cfg.unix_socket)) ==
		    NULL)
			return -1;
		evconnlistener_set_error_cb(server.unix_lis, accept_error_cb);
		log_info("listening on %s", server.cfg.unix_socket);
	}
	return 0;
}

void
conn_unlisten(void)
{
	if (server.accept_pause != NULL) {
		event_free(server.accept_pause);
		server.accept_pause = NULL;
	}
	if (server.tcp != NULL)
		evconnlistener_free(server.tcp);
	if (server.tls != NULL)
		evconnlistener_free(server.tls);
	if (server.unix_lis != NULL) {
		evconnlistener_free(server.unix_lis);
		if (!server.passed_sockets)	/* else systemd's to remove */
			(void)unlink(server.cfg.unix_socket);
	}
	server.tcp = server.unix_lis = server.tls = NULL;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * sd.c - see sd.h. The protocol is documented in sd_notify(3) and
 * sd_listen_fds(3); it is small enough not to need libsystemd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/sd.h"

int
sd_notifyf(const char *fmt, ...)
{
	struct sockaddr_un sun;
	const char *path = getenv("NOTIFY_SOCKET");
	char msg[512];
	socklen_t len;
	va_list ap;
	ssize_t n;
	int fd, saved;

	if (path == NULL || path[0] == '\0')
		return 0;
	if ((path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0';		/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	saved = errno;
	close(fd);
	errno = saved;
	return n == -1 ? -1 : 1;
}

/* An environment variable naming this process, or none. */
static int
for_us(const char *pidvar)
{
	const char *s = getenv(pidvar);
	char *end;
	long pid;

	if (s == NULL)
		return -1;		/* not given */
	errno = 0;
	pid = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || pid != (long)getpid())
		return 0;
	return 1;
}

uint64_t
sd_watchdog_usec(void)
{
	const char *s = getenv("WATCHDOG_USEC");
	unsigned long long v;
	char *end;

	if (s == NULL || for_us("WATCHDOG_PID") == 0)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s)
		return 0;
	return (uint64_t)v;
}

int
sd_listen_fds(struct sd_fd *fds, int max)
{
	const char *s = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	char *end;
	long n;
	int i;

	if (s == NULL || for_us("LISTEN_PID") != 1)
		return 0;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0)
		n = 0;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + i;
		size_t len = 0;

		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		fds[i].fd = fd;
		fds[i].name[0] = '\0';
		if (names != NULL) {
			len = strcspn(names, ":");
			if (len < sizeof(fds[i].name)) {
				memcpy(fds[i].name, names, len);
				fds[i].name[len] = '\0';
			}
			names = names[len] == ':' ? names + len + 1 : NULL;
		}
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)n;
}

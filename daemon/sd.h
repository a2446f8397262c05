/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * sd.h - the two parts of systemd's service protocol the daemon speaks,
 * without libsystemd: notifications to $NOTIFY_SOCKET (READY=1, STATUS=,
 * WATCHDOG=1, RELOADING=1, STOPPING=1) and sockets passed by socket
 * activation ($LISTEN_FDS). Both do nothing when the daemon was not started
 * that way.
 */
#ifndef JM_SD_H
#define JM_SD_H

#include <stddef.h>
#include <stdint.h>

#define SD_LISTEN_FDS_START	3
#define SD_MAX_FDS		16

/* Sends one notification ("KEY=value" lines). 1 sent, 0 not asked for
 * ($NOTIFY_SOCKET unset), -1 error. */
int	sd_notifyf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* The watchdog interval systemd asked for ($WATCHDOG_USEC), or 0. */
uint64_t sd_watchdog_usec(void);

struct sd_fd {
	int	 fd;
	char	 name[64];	/* FileDescriptorName=, or "" */
};

/*
 * The sockets passed to this process (at most max), marked close-on-exec;
 * the variables are removed from the environment. Returns how many
 * (0: none were passed).
 */
int	sd_listen_fds(struct sd_fd *fds, int max);

#endif

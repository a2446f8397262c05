/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * kiosk.h - the kiosk page's static files (kiosk_dir), which the HTTP
 * gateway serves: read whole into memory at start and on every reload, so
 * that serving one never waits on a disk, and looked up by name, so that
 * nothing outside the folder can be named at all.
 *
 * What is read: every regular file under the folder whose name does not
 * start with a dot, at most KIOSK_MAX_DEPTH folders deep and
 * KIOSK_MAX_FILES files, kiosk_max_bytes in all. A symbolic link is never
 * followed (each name is opened relative to its folder with O_NOFOLLOW),
 * so a link is not served, whether it points inside or out.
 */
#ifndef JM_KIOSK_H
#define JM_KIOSK_H

#include <stddef.h>

#define KIOSK_MAX_FILES	4096		/* files read from kiosk_dir */
#define KIOSK_MAX_DEPTH	8		/* folders below kiosk_dir */
#define KIOSK_NAME_MAX	512		/* bytes of a file's path in it */

struct kiosk_file {
	char		*name;		/* "index.html", "js/app.js" */
	char		*data;
	size_t		 len;
	const char	*type;		/* Content-Type, by its extension */
	char		 etag[24];	/* "\"" 16 hex digits "\"" */
};

struct kiosk;

/* Reads the files under dir, max_bytes of them in all. Returns them, or
 * NULL with the reason in why. */
struct kiosk	*kiosk_load(const char *dir, size_t max_bytes, char *why,
		    size_t whylen);
void		 kiosk_free(struct kiosk *k);
/* How many files k holds (0 for NULL). */
size_t		 kiosk_count(const struct kiosk *k);

/*
 * The file a request's path names (path as the request line has it,
 * without its query: "/", "/js/app.js", percent-escapes allowed), or
 * NULL. "/" is index.html. A path whose decoded form holds "." or ".."
 * segments, an empty segment, an encoded slash, a backslash or a control
 * byte names nothing.
 */
const struct kiosk_file *kiosk_find(const struct kiosk *k, const char *path);

/* Whether an If-None-Match header (value inm) matches etag. */
int		 kiosk_etag_matches(const char *inm, const char *etag);

#endif

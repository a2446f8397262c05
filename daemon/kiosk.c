/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * kiosk.c - see kiosk.h.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "daemon/kiosk.h"
#include "matcher/strmap.h"

struct kiosk {
	struct strmap		 byname;	/* name -> struct kiosk_file */
	struct kiosk_file	*files;
	size_t			 n, cap;
	size_t			 bytes;
	size_t			 max_bytes;
};

/* Content types by extension; any other is served as bytes. */
static const struct {
	const char	*ext;
	const char	*type;
} types[] = {
	{ ".html",	"text/html; charset=utf-8" },
	{ ".css",	"text/css; charset=utf-8" },
	{ ".js",	"text/javascript; charset=utf-8" },
	{ ".mjs",	"text/javascript; charset=utf-8" },
	{ ".json",	"application/json" },
	{ ".svg",	"image/svg+xml" },
	{ ".png",	"image/png" },
	{ ".jpg",	"image/jpeg" },
	{ ".webp",	"image/webp" },
	{ ".woff2",	"font/woff2" },
	{ ".ico",	"image/x-icon" },
	{ ".txt",	"text/plain; charset=utf-8" },
	{ ".webmanifest", "application/manifest+json" },
};

static const char *
type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(*types);
	    i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

void
kiosk_free(struct kiosk *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++) {
		free(k->files[i].name);
		free(k->files[i].data);
	}
	free(k->files);
	strmap_free(&k->byname);
	free(k);
}

size_t
kiosk_count(const struct kiosk *k)
{
	return k != NULL ? k->n : 0;
}

/* Reads the regular file open as fd, named name, into k; closes fd. */
static int
add_file(struct kiosk *k, int fd, const struct stat *sb, const char *name,
    char *why, size_t whylen)
{
	struct kiosk_file *f;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t got = 0;
	ssize_t n;
	char *data;

	if (k->n == KIOSK_MAX_FILES) {
		snprintf(why, whylen, "more than %d files", KIOSK_MAX_FILES);
		close(fd);
		return -1;
	}
	if ((size_t)sb->st_size > k->max_bytes - k->bytes) {
		snprintf(why, whylen, "more than %zu bytes in all "
		    "(kiosk_max_bytes)", k->max_bytes);
		close(fd);
		return -1;
	}
	if ((data = malloc((size_t)sb->st_size + 1)) == NULL) {
		snprintf(why, whylen, "out of memory");
		close(fd);
		return -1;
	}
	while (got < (size_t)sb->st_size &&
	    (n = read(fd, data + got, (size_t)sb->st_size - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(why, whylen, "%s: %s", name, strerror(errno));
			free(data);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 32;
		struct kiosk_file *nf = realloc(k->files, cap * sizeof(*nf));
		if (nf == NULL) {
			snprintf(why, whylen, "out of memory");
			free(data);
			return -1;
		}
		k->files = nf;
		k->cap = cap;
	}
	f = &k->files[k->n];
	memset(f, 0, sizeof(*f));
	if ((f->name = strdup(name)) == NULL) {
		snprintf(why, whylen, "out of memory");
		free(data);
		return -1;
	}
	f->data = data;
	f->len = got;
	f->type = type_of(name);
	if (EVP_Digest(data, got, md, &mdlen, EVP_sha256(), NULL) != 1)
		mdlen = 0;
	snprintf(f->etag, sizeof(f->etag), "\"");
	for (unsigned i = 0; i < 8 && i < mdlen; i++)
		snprintf(f->etag + 1 + 2 * i, sizeof(f->etag) - 1 - 2 * i,
		    "%02x", md[i]);
	snprintf(f->etag + strlen(f->etag), sizeof(f->etag) -
	    strlen(f->etag), "\"");
	k->n++;
	k->bytes += got;
	return 0;
}

/*
 * Reads the folder open as dfd (closed here), whose path in the kiosk is
 * prefix ("" or "js/"), depth folders below the top.
 */
static int
walk(struct kiosk *k, int dfd, const char *prefix, int depth, char *why,
    size_t whylen)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		snprintf(why, whylen, "%s: %s", prefix[0] ? prefix : ".",
		    strerror(errno));
		close(dfd);
		return -1;
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		char name[KIOSK_NAME_MAX];
		struct stat sb;
		int fd;

		if (de->d_name[0] == '.' || strchr(de->d_name, '\\') != NULL)
			continue;
		if ((size_t)snprintf(name, sizeof(name), "%s%s", prefix,
		    de->d_name) >= sizeof(name) - 1)
			continue;
		/* a symbolic link fails here (ELOOP): not served */
		if ((fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK)) == -1)
			continue;
		if (fstat(fd, &sb) == -1) {
			close(fd);
			continue;
		}
		if (S_ISREG(sb.st_mode))
			rc = add_file(k, fd, &sb, name, why, whylen);
		else if (S_ISDIR(sb.st_mode) && depth < KIOSK_MAX_DEPTH) {
			strcat(name, "/");
			rc = walk(k, fd, name, depth + 1, why, whylen);
		} else
			close(fd);
	}
	if (rc == 0 && errno != 0) {
		snprintf(why, whylen, "%s: %s", prefix[0] ? prefix : ".",
		    strerror(errno));
		rc = -1;
	}
	closedir(d);
	return rc;
}

struct kiosk *
kiosk_load(const char *dir, size_t max_bytes, char *why, size_t whylen)
{
	struct kiosk *k;
	int fd;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	strmap_init(&k->byname);
	k->max_bytes = max_bytes;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		kiosk_free(k);
		return NULL;
	}
	if (walk(k, fd, "", 0, why, whylen) == -1)
		goto fail;
	for (size_t i = 0; i < k->n; i++)
		if (strmap_put(&k->byname, k->files[i].name,
		    &k->files[i]) == -1) {
			snprintf(why, whylen, "out of memory");
			goto fail;
		}
	return k;
fail:
	kiosk_free(k);
	return NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The name path names: percent-decoded into buf, without its leading
 * "/"; -1 when it is no name of a file in the folder (see kiosk.h).
 */
static int
path_name(const char *path, char *buf, size_t len)
{
	size_t o = 0, seg = 0;

	if (path[0] != '/')
		return -1;
	if (path[1] == '\0') {
		snprintf(buf, len, "index.html");
		return 0;
	}
	for (const char *p = path + 1; *p != '\0'; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
			if (lo < 0)
				return -1;
			c = hi * 16 + lo;
			p += 2;
			if (c == '/')		/* an encoded slash */
				return -1;
		} else if (c == '/') {
			/* an empty, "." or ".." segment */
			if (o == seg || (o - seg == 1 && buf[seg] == '.') ||
			    (o - seg == 2 && buf[seg] == '.' &&
			    buf[seg + 1] == '.'))
				return -1;
			if (o + 1 >= len)
				return -1;
			buf[o++] = '/';
			seg = o;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == '\\' || o + 1 >= len)
			return -1;
		buf[o++] = (char)c;
	}
	if (o == seg || (o - seg == 1 && buf[seg] == '.') ||
	    (o - seg == 2 && buf[seg] == '.' && buf[seg + 1] == '.'))
		return -1;
	buf[o] = '\0';
	return 0;
}

const struct kiosk_file *
kiosk_find(const struct kiosk *k, const char *path)
{
	char name[KIOSK_NAME_MAX];

	if (k == NULL || path_name(path, name, sizeof(name)) == -1)
		return NULL;
	return strmap_get(&k->byname, name);
}

int
kiosk_etag_matches(const char *inm, const char *etag)
{
	size_t elen = strlen(etag);

	for (const char *p = inm; *p != '\0'; ) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, elen) == 0 &&
		    (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' ' ||
		    p[elen] == '\t'))
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

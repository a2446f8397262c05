/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * feed.c - see feed.h.
 */
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon/feed.h"
#include "daemon/server.h"
#include "proto/params.h"

int
feed_line(const char *path, const char *query, char *line, size_t len)
{
	const char *after = NULL;
	struct evkeyvalq params;
	const struct mjob *mj;
	int rc = 0;

	if (strcmp(path, "/jobs.jsonld") == 0) {
		TAILQ_INIT(&params);
		if (query != NULL && evhttp_parse_query_str(query, &params) == 0)
			after = evhttp_find_header(&params, "after");
		if (after != NULL && (after[0] == '\0' ||
		    strlen(after) > 2 * ID_MAX + 1 || strchr(after, ':') == NULL ||
		    !pv_id_chars(after, strlen(after), true)))
			rc = HTTP_BADREQUEST;
		else
			snprintf(line, len, "{\"jsonrpc\":\"2.0\",\"id\":1,"
			    "\"method\":\"job.list\",\"params\":{\"status\":"
			    "\"open\",\"format\":\"jsonld\",\"limit\":%zu%s%s%s}}",
			    server.cfg.jsonld_page_size, after != NULL ?
			    ",\"cursor\":\"" : "", after != NULL ? after : "",
			    after != NULL ? "\"" : "");
		evhttp_clear_headers(&params);
		return rc;
	}
	{
		const char *emp = path + 6, *slash = strchr(emp, '/'), *id;
		size_t elen, ilen;
		char e[ID_MAX + 1], i[ID_MAX + 1];

		if (slash == NULL)
			return HTTP_NOTFOUND;
		id = slash + 1;
		elen = (size_t)(slash - emp);
		ilen = strlen(id);
		if (ilen <= 7 || strcmp(id + ilen - 7, ".jsonld") != 0)
			return HTTP_NOTFOUND;
		ilen -= 7;
		if (elen == 0 || elen > ID_MAX || ilen == 0 || ilen > ID_MAX ||
		    !pv_id_chars(emp, elen, false) ||
		    !pv_id_chars(id, ilen, true))
			return HTTP_NOTFOUND;
		memcpy(e, emp, elen);
		e[elen] = '\0';
		memcpy(i, id, ilen);
		i[ilen] = '\0';
		mj = matcher_job(server.matcher, e, i);
		if (mj == NULL || (mj->expires_at != 0 &&
		    mj->expires_at <= (int64_t)time(NULL)))
			return HTTP_NOTFOUND;
		snprintf(line, len, "{\"jsonrpc\":\"2.0\",\"id\":1,"
		    "\"method\":\"job.get\",\"params\":{\"id\":\"%s\","
		    "\"employer_id\":\"%s\",\"format\":\"jsonld\"}}", i, e);
	}
	return 0;
}


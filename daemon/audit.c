/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * audit.c - see audit.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/audit.h"
#include "daemon/log.h"
#include "proto/params.h"
#include "proto/rpc.h"

/* The writes, and where their params name the employer and the posting
 * ("job.id": member id of member job; NULL: not named). */
static const struct {
	const char	*method;
	const char	*employer;
	const char	*job;
} writes[] = {
	{ "employer.put",	"employer.id",		NULL },
	{ "job.post",		"job.employer_id",	"job.id" },
	{ "job.close",		"employer_id",		"id" },
	{ "placement.record",	"employer_id",		"job_id" },
	{ "rules.set",		NULL,			NULL },
	{ "rules.rollback",	NULL,			NULL },
	{ "seeker.put",		NULL,			NULL },
	{ "seeker.delete",	NULL,			NULL },
	{ "interest.record",	NULL,			NULL },
	{ "interest.update",	NULL,			NULL },
	{ "interest.delete",	NULL,			NULL },
	{ "fair.put",		NULL,			NULL },
	{ "employment.record",	NULL,			NULL },
	{ "followup.record",	NULL,			NULL },
	{ "employer.roster.put", "employer_id",		NULL },
};

/* A person's data: the line names the method and its outcome alone. */
static bool
personal(const char *method)
{
	return strncmp(method, "seeker.", 7) == 0 ||
	    strncmp(method, "interest.", 9) == 0 ||
	    strncmp(method, "employment.", 11) == 0 ||
	    strncmp(method, "followup.", 9) == 0;
}

/* The id at path ("a" or "a.b") of params, or NULL when it is missing or
 * not a well-formed id (the method refuses it; the line gives the error). */
static const char *
id_at(json_t *params, const char *path)
{
	const char *dot = strchr(path, '.');
	json_t *v = params;
	char head[32];
	const char *s;

	if (dot != NULL) {
		snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
		v = json_object_get(v, head);
		path = dot + 1;
	}
	v = json_object_get(v, path);
	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	if (s[0] == '\0' || strlen(s) > ID_MAX ||
	    !pv_id_chars(s, strlen(s), false))
		return NULL;
	return s;
}

char *
audit_begin(uint64_t conn_id, enum role role, const char *employer_id,
    const char *method, json_t *params)
{
	const char *emp = NULL, *job = NULL;
	char who[16 + ID_MAX], line[128 + 3 * ID_MAX];
	size_t i, n = sizeof(writes) / sizeof(*writes);

	for (i = 0; i < n; i++)
		if (strcmp(writes[i].method, method) == 0)
			break;
	/* a dry run (job.post, employer.put) writes nothing */
	if (i == n || json_is_true(json_object_get(params, "dry_run")))
		return NULL;
	if (writes[i].employer != NULL)
		emp = id_at(params, writes[i].employer);
	if (writes[i].job != NULL)
		job = id_at(params, writes[i].job);
	if (role == ROLE_EMPLOYER)
		snprintf(who, sizeof(who), "employer %s", employer_id);
	else
		snprintf(who, sizeof(who), "%s", role_name(role));
	snprintf(line, sizeof(line), "conn %llu: audit: %s by %s%s%s%s%s%s",
	    (unsigned long long)conn_id, method, who,
	    emp != NULL || job != NULL ? ": " : "",
	    emp != NULL ? "employer " : "", emp != NULL ? emp : "",
	    emp != NULL && job != NULL ? ", job " : job != NULL ? "job " : "",
	    job != NULL ? job : "");
	return strdup(line);
}

/* The integer member key of o, or -1. */
static long long
int_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

void
audit_end(char *line, const char *method, json_t *resp)
{
	json_t *res, *err, *data, *applied;
	char out[128];
	long long v;

	if (line == NULL)
		return;
	res = json_object_get(resp, "result");
	err = json_object_get(resp, "error");
	if (res != NULL && err == NULL) {
		if (personal(method))
			snprintf(out, sizeof(out), "done");
		else if (strcmp(method, "placement.record") == 0)
			snprintf(out, sizeof(out), "placement %s%s",
			    json_is_string(json_object_get(res, "id")) ?
			    json_string_value(json_object_get(res, "id")) : "?",
			    json_is_true(json_object_get(res, "created")) ?
			    ", created" : ", recorded before");
		else
			snprintf(out, sizeof(out), "version %lld%s",
			    int_of(res, "version"),
			    json_is_true(json_object_get(res, "created")) ?
			    ", created" : "");
	} else {
		data = json_object_get(err, "data");
		applied = json_object_get(data, "applied");
		v = int_of(data, "version");
		snprintf(out, sizeof(out), "error %lld%s", err != NULL ?
		    int_of(err, "code") : (long long)RPC_INTERNAL_ERROR,
		    json_is_true(applied) ? ", applied" :
		    json_is_false(applied) ? ", not applied" :
		    json_is_string(applied) ? ", applied unknown" : "");
		if (json_is_true(applied) && v >= 0 && !personal(method))
			snprintf(out + strlen(out), sizeof(out) - strlen(out),
			    " as version %lld", v);
	}
	log_info("%s: %s", line, out);
	free(line);
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec_load.c - a document the daemon stored (its JSON text) read back
 * into its record, as codec.c decodes a client's: a posting in the plain
 * form the daemon writes without a JSON tree (codec_scan.c), anything else
 * through jansson (see codec.h).
 */
#include "proto/codec.h"

/* A stored document's JSON, or NULL with e on "(JSON)". */
static json_t *
load_doc(const char *buf, size_t len, struct perr *e)
{
	json_t *o = json_loadb(buf, len, 0, NULL);

	if (o == NULL)
		pv_fail(e, "", "(JSON)", "not JSON");
	return o;
}

int
codec_job_load(const char *buf, size_t len, const struct towns *towns,
    struct job *j, struct perr *e)
{
	json_t *o;
	int rc;

	if (codec_job_scan(buf, len, towns, j) == 0)
		return 0;
	job_clear(j);
	if ((o = load_doc(buf, len, e)) == NULL)
		return -1;
	rc = codec_job_decode(o, "job", towns, j, e);
	json_decref(o);
	return rc;
}

int
codec_employer_load(const char *buf, size_t len, const struct towns *towns,
    struct employer *emp, struct perr *e)
{
	json_t *o;
	int rc;

	if ((o = load_doc(buf, len, e)) == NULL)
		return -1;
	rc = codec_employer_decode(o, "employer", towns, emp, e);
	json_decref(o);
	return rc;
}

int
codec_seeker_load(const char *buf, size_t len, const struct towns *towns,
    struct seeker *s, struct perr *e)
{
	json_t *o;
	int rc;

	if ((o = load_doc(buf, len, e)) == NULL)
		return -1;
	rc = codec_seeker_decode(o, "seeker", towns, s, e);
	json_decref(o);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec_roster.h - an employer's roster of disabled employees
 * (employer.roster.put's entries, as stored) and its JSON. The entries are
 * matcher/quota.h's; what counts of them is quota.c's. Pure.
 */
#ifndef JM_CODEC_ROSTER_H
#define JM_CODEC_ROSTER_H

#include <stddef.h>

#include <jansson.h>

#include "matcher/model.h"
#include "matcher/quota.h"
#include "proto/params.h"

#define ROSTER_BIRTH_YEAR_MIN	1900

/*
 * Reads the array member key of obj (at path) into ro->v and ro->n: at
 * most max entries, birth years from 1900 to this_year, no seeker id
 * twice. 0, or -1 with e naming the first bad field
 * ("entries[3].grade"); ro holds nothing then. Free with free(ro->v).
 */
int	codec_roster_decode(json_t *obj, const char *path, const char *key,
	    size_t max, int this_year, struct quota_roster *ro,
	    struct perr *e);

/* The entries of ro as a JSON array, each as sent; NULL without memory. */
json_t	*codec_roster_encode(const struct quota_roster *ro);

/*
 * The stored document: {"employer_id", "entries"}. codec_roster_doc makes
 * it; codec_roster_load reads it back (with no bound on the entries but
 * what a stored document holds) into employer_id and ro.
 */
json_t	*codec_roster_doc(const char *employer_id,
	    const struct quota_roster *ro);
int	codec_roster_load(const char *buf, size_t len,
	    char employer_id[ID_MAX + 1], struct quota_roster *ro,
	    struct perr *e);

#endif

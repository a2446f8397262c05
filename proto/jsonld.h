/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * jsonld.h - a stored posting as a schema.org JobPosting (JSON-LD), for
 * the county's website and national job platforms. Pure: the caller gives
 * the times already written in its local time zone.
 */
#ifndef JM_JSONLD_H
#define JM_JSONLD_H

#include <stdbool.h>

#include <jansson.h>

#include "matcher/towns.h"

#define JSONLD_CONTEXT	"https://schema.org"

struct jsonld_posting {
	json_t			*doc;		/* the posting as stored */
	const char		*employer_name;	/* NULL: its id stands */
	json_t			*contact;	/* effective, or NULL */
	const struct towns	*towns;
	const char		*region;	/* addressRegion, or "" */
	const char		*date_posted;	/* ISO 8601 */
	const char		*valid_through;	/* ISO 8601, or NULL */
};

/*
 * The JobPosting of in (borrowed), with "@context" when context (a
 * document of its own; not within an @graph). A new object, or NULL when
 * out of memory or when doc is not a posting as stored.
 */
json_t	*jsonld_posting(const struct jsonld_posting *in, bool context);
/* A document of postings: {"@context", "@graph": items}; items (an
 * array of jsonld_posting's without context) is stolen. */
json_t	*jsonld_graph(json_t *items);

#endif

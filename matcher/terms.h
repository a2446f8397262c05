/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * terms.h - a mirror's interned skills. A posting's skills are
 * canonicalised by the rule set's synonyms, and each canonical form (a
 * term) gets a small integer, its id, so that coverage compares integers;
 * the canonical form of each skill as posted is cached, so that the
 * synonyms' patterns run once per distinct skill, not once per posting.
 *
 * Both follow the open postings, whatever the history: a posting takes a
 * reference on each of its skills (as posted and canonical) when it enters
 * the mirror and drops them when it leaves. A term no posting uses is
 * freed and its id handed out again, and so is a cached skill no posting
 * lists. Ids therefore stay below the most terms in use at once (the index
 * keeps ids below 65,536 inline: grid.h), and the table of ids, 16 bytes
 * an id, keeps its largest size.
 *
 * No I/O; the rule set's pattern clock and limits decide, as for any
 * pattern run, whether a result is whole enough to cache.
 */
#ifndef JM_TERMS_H
#define JM_TERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher/rules.h"
#include "matcher/strmap.h"

#define TERMS_UNKNOWN	(-2)	/* terms_cached: not in the cache */
#define CANON_MAX	512	/* bytes of a canonical form, with its NUL */

struct term {
	char		*s;		/* NULL: the id is free */
	uint32_t	 refs;		/* or, for a free id, the next free
					   id + 1 (0: none) */
	uint32_t	 postings;	/* open postings that list it */
};

struct terms {
	struct strmap	 byname;	/* canonical -> id + 1 */
	struct strmap	 raw;		/* as posted -> struct terms_raw */
	struct term	*v;		/* by id */
	uint32_t	 nids;		/* ids handed out: v[0, nids) */
	uint32_t	 cap;
	uint32_t	 n;		/* terms in use */
	uint32_t	 free;		/* the last freed id + 1, 0: none */
};

void	terms_init(struct terms *t);
void	terms_free(struct terms *t);

/* The id of canonical term c, or -1 when no posting has it. */
int64_t	terms_find(const struct terms *t, const char *c);
/* The canonical form of id (one in use). */
const char *terms_text(const struct terms *t, uint32_t id);
/* The id of the canonical form of raw, a skill as some posting lists it,
 * when cached (-1: it has none); TERMS_UNKNOWN otherwise. */
int64_t	terms_cached(const struct terms *t, const char *raw);

/*
 * Derives the canonical, distinct ids of the nraw skills at raw (as
 * posted) under r's synonyms into *ids (a new array the caller owns, NULL
 * when there are none) and *nids, taking a reference on each of them and
 * on each raw skill. Returns 0, or -1 when out of memory (then nothing is
 * taken).
 */
int	terms_take(struct terms *t, struct rules *r, char *const *raw,
	    size_t nraw, uint32_t **ids, uint16_t *nids);
/* Drops what terms_take took, and frees ids. */
void	terms_drop(struct terms *t, char *const *raw, size_t nraw,
	    uint32_t *ids, uint16_t nids);

/*
 * A term and the open postings that list it, and the words a person would
 * read for it: the form postings list it in (a synonyms' term such as
 * "massage" is listed as 推拿).
 */
struct term_count {
	const char	*term;		/* borrowed from the terms */
	uint32_t	 postings;
	const char	*text;		/* borrowed: the form most listed,
					   one holding the text asked for
					   first; the term when none */
	uint32_t	 text_postings;	/* postings listing it that way */
	bool		 text_hit;	/* it holds the text asked for */
};

/*
 * The terms in use that contain text (ASCII letters in either case; ""
 * matches all), or whose skill as some posting lists it does: at most max
 * of them into out, the most listed first, then by their bytes, each with
 * its words (struct term_count). Returns how many. One pass over the terms
 * and two over the skills as posted, keeping the best max as it goes: no
 * allocation.
 */
size_t	terms_suggest(const struct terms *t, const char *text,
	    struct term_count *out, size_t max);

#endif

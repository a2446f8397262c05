/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fixture.h - what the matcher's unit tests (test_matcher, test_rules,
 * test_flags, test_codec, test_index, test_tables) each built for
 * themselves: a county's towns from TSV text, JSON text written with '
 * for ", a rule set decoded from its JSON document (and the check that the
 * decoder refuses one), a rule set compiled from its document or the
 * shipped one, a mirror of the two, its employers, a posting from JSON
 * over a plain default, a hit of a result by id, and a seeded random
 * stream. Each test keeps its own data (its towns, rule sets, postings
 * and seekers) and its own checks; only the building, and the checks
 * that several tests made alike, are here. A failure ends the test, as
 * cmocka's fail_msg does; the set-up helpers return -1 instead, as a
 * set-up must.
 *
 * Include after <cmocka.h>.
 */
#ifndef JM_TESTS_FIXTURE_H
#define JM_TESTS_FIXTURE_H

#include <stdint.h>

#include <jansson.h>

#include "matcher/matcher.h"
#include "proto/codec.h"

/* Parses the towns of the TSV text tsv into t. 0, or -1 (said on
 * stderr). */
int		 fixture_towns(struct towns *t, const char *tsv);

/* The rule-set document doc (JSON text) decoded and compiled under lim
 * (the defaults when NULL), as the daemon builds one; fails the test when
 * it is refused. */
struct rules	*fixture_rules(const char *doc, const struct regex_limits *lim);

/* JSON text written with ' for " (none of the tests needs a '), any
 * value, in a new json_t; bad JSON or a key given twice fails the test. */
json_t		*fixture_json(const char *s);

/* Decodes the rule-set document s (' for ") over the defaults into spec,
 * as codec_rules_decode: 0, or -1 with the error in e. */
int		 fixture_decode(const char *s, struct rules_spec *spec,
		    struct perr *e);

/* The rule-set document s (' for ") must be refused by the decoder,
 * naming field, with a reason, which is reason when that is not NULL. */
void		 fixture_refused(const char *s, const char *field,
		    const char *reason);

/* The shipped rule set, data/rules.default.json (below JM_SOURCE_DIR),
 * decoded and compiled under the default limits; fails the test when it
 * is unreadable or refused. */
struct rules	*fixture_default_rules(void);

/* A mirror under rules of the towns of tsv (parsed into t), in *m. 0, or
 * -1 when the towns are refused or memory is short. */
int		 fixture_mirror(struct towns *t, const char *tsv,
		    struct rules *rules, struct matcher **m);
/* Frees what fixture_mirror made (not the rule set). */
void		 fixture_mirror_free(struct towns *t, struct matcher *m);

/* Puts employer id, named name, of type (enum employer_type), in the
 * first town. */
void		 fixture_employer(struct matcher *m, const char *id,
		    const char *name, int type);

/*
 * Puts a posting: a plain full-time post of employer e1 at (lat, lon),
 * open to any disability, overridden by the members of the JSON object
 * over (taken: its reference is dropped); a town without a location
 * stands for the town's centre. text names the posting in a failure.
 */
void		 fixture_put(struct matcher *m, const struct towns *t,
		    double lat, double lon, json_t *over, const char *text);

/* The hit of posting id in res, which must be there. */
const struct match_hit *fixture_hit(const struct match_result *res,
		    const char *id);

/* The next number of the splitmix64 stream at *s, and one in [0, 1). */
uint64_t	 fixture_rnd(uint64_t *s);
double		 fixture_unif(uint64_t *s);

#endif

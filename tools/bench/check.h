/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * check.h - jobmatch-bench --check: the brute-force reference of every
 * match. A matcher of the tool's own (matcher_new with the towns and the
 * daemon's rule set, compiled with the default regex limits as the daemon
 * compiles a rule-set document) is fed every generated employer and
 * posting through the very request line the daemon was sent (parsed and
 * decoded by proto/ as the daemon does), and answers each match line with
 * matcher_match_scan. The daemon's top results must be the same postings
 * in the same order with the same scores (to 1e-6).
 */
#ifndef JM_BENCH_CHECK_H
#define JM_BENCH_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "tools/bench/gen.h"

struct check;

/* Builds the reference from g and a rules.get result ({rules, version}).
 * Returns NULL with a message in err. */
struct check	*check_new(const struct gen *g, json_t *rules_result,
		    char *err, size_t errlen);
void		 check_free(struct check *ck);

/*
 * Compares the daemon's answer line to match request line req (both
 * without their newline). Returns 0 when they agree, 1 when they differ
 * (what differs is in diff), -1 when the request or the answer cannot be
 * read (why is in diff).
 */
int		 check_answer(struct check *ck, const char *req, size_t reqlen,
		    const char *ans, size_t anslen, char *diff, size_t difflen);

/* Answers whose candidates count differed from the reference's (not a
 * failure: the protocol leaves room for an index that prunes). */
uint64_t	 check_candidates_differ(const struct check *ck);

#endif

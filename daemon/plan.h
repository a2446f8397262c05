/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * plan.h - the county plan's numbers: where employers stand against the
 * disability employment quota (employer.quota, employer.list), hires
 * (placement.record, placement.list) and the plan's progress (stats.plan).
 * Staff only; the quota's formula is matcher/quota.c's (docs/quota.md).
 */
#ifndef JM_PLAN_H
#define JM_PLAN_H

#include <jansson.h>

struct perr;
struct req;

void	m_employer_quota(struct req *r, json_t *params);
void	m_employer_list(struct req *r, json_t *params);
/*
 * The optional period params from and to (YYYY-MM-DD) into *from and *to,
 * left alone when absent; from after to is refused. 0, or -1 with e set.
 */
int	plan_period(json_t *params, int64_t *from, int64_t *to,
	    struct perr *e);

void	m_placement_record(struct req *r, json_t *params);
void	m_placement_list(struct req *r, json_t *params);
void	m_stats_plan(struct req *r, json_t *params);

#endif

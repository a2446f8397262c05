/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_wait.h - redis_wait_replicas (store_wait.c): the WAIT sent behind
 * each durable write, which holds the write's answer until the replicas'
 * count comes. For store_life.c, which gives these to the main link
 * (struct store_up).
 */
#ifndef JM_STORE_WAIT_H
#define JM_STORE_WAIT_H

struct op;
struct store;
struct store_res;

/* op, a durable write, was just sent (or sent again, as EVAL after
 * NOSCRIPT): a WAIT follows it on the link. */
void			 wait_send(struct store *st, struct op *op);
/* op, a durable write, succeeded with res: NULL when the WAIT behind it
 * holds res and answers it; else the answer to give now. */
const struct store_res	*wait_hold(struct op *op, const struct store_res *res);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_load.h - loading the mirror (store_load.c), for store_life.c, which
 * gives these to the main link (struct store_up). store_reload and
 * store_loaded are in store.h.
 */
#ifndef JM_STORE_LOAD_H
#define JM_STORE_LOAD_H

#include <stdbool.h>

struct store;

/* The main link proved itself: a load from the start. */
void	load_start(struct store *st);
/* The main link went down (loading: during a load, which ends
 * incomplete). */
void	load_link_down(struct store *st, bool loading);

#endif

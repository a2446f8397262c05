/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_tail.h - following the change stream (store_tail.c): its life,
 * for store_life.c; where it starts, for the load.
 */
#ifndef JM_STORE_TAIL_H
#define JM_STORE_TAIL_H

#include <stdint.h>

struct store;

/* Set up, connect, stop following (stopping), reconnect now, free. */
int	tail_init(struct store *st);
void	tail_connect(struct store *st);
void	tail_stop(struct store *st);
void	tail_retry(struct store *st);
void	tail_move(struct store *st);
void	tail_free(struct store *st);

/* A load read the stream's position: its last entry's id (NULL or "":
 * none) and entries-added. The tail follows from there. */
void	tail_set_pos(struct store *st, const char *last, uint64_t added);
/* The main link dropped: the tail waits for the next load's position. */
void	tail_forget_pos(struct store *st);

#endif

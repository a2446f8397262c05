/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * args.h - the benchmarks' command-line numbers, checked alike by
 * jobmatch-bench and jobmatch-rsbench (each says what is wrong in its own
 * name).
 */
#ifndef JM_BENCH_ARGS_H
#define JM_BENCH_ARGS_H

#include <stdint.h>

/* s as a whole number from lo to hi (no sign, nothing after): 0, or -1. */
int	bench_arg_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* s as seconds from 0 to 1e6: 0, or -1. */
int	bench_arg_secs(const char *s, double *out);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * rules_default.h - the shipped rule set, data/rules.default.json, compiled
 * into the daemon (the build generates its definition with
 * cmake/embed.cmake): the rules in force when no rules_file is given.
 */
#ifndef JM_RULES_DEFAULT_H
#define JM_RULES_DEFAULT_H

#include <stddef.h>

/* The file's bytes, then a NUL that rules_default_json_len does not count. */
extern const unsigned char	rules_default_json[];
extern const size_t		rules_default_json_len;

#endif

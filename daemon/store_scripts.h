/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_scripts.h - the Lua scripts store.c runs (by EVALSHA; see send_script).
 */
#ifndef JM_STORE_SCRIPTS_H
#define JM_STORE_SCRIPTS_H

extern const char script_put_employer[];
extern const char script_put_job[];
extern const char script_close_job[];
extern const char script_list_jobs[];
extern const char script_rules_set[];
extern const char script_rules_history[];
extern const char script_put_seeker[];
extern const char script_delete_seeker[];
extern const char script_placement[];
extern const char script_list_placements[];
extern const char script_changes[];

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * store_scripts.h - the Lua scripts the store runs (by EVALSHA on the main
 * link; see op_send_script in store_link.h).
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
extern const char script_record[];
extern const char script_list_records[];
extern const char script_changes[];
extern const char script_interest_record[];
extern const char script_interest_list[];
extern const char script_interest_update[];
extern const char script_interest_delete[];
extern const char script_interest_sweep[];
extern const char script_put_fair[];
extern const char script_check_job[];
extern const char script_put_roster[];

/* The scripts by their index in store_scripts[]: each new link loads them
 * all (SCRIPT LOAD), in this order. */
enum script_id { SC_PUT_EMPLOYER, SC_PUT_JOB, SC_CLOSE_JOB, SC_LIST_JOBS,
	SC_RULES_SET, SC_RULES_HISTORY, SC_PUT_SEEKER, SC_DELETE_SEEKER,
	SC_PLACEMENT, SC_CHANGES, SC_INTEREST_RECORD,
	SC_INTEREST_LIST, SC_INTEREST_UPDATE, SC_INTEREST_DELETE,
	SC_INTEREST_SWEEP, SC_PUT_FAIR, SC_CHECK_JOB, SC_RECORD,
	SC_LIST_RECORDS, SC_PUT_ROSTER, SC_COUNT };

extern const char *const store_scripts[SC_COUNT];

#endif

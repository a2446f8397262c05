/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * vocab.h - the fixed identifiers of the protocol (disability types, grades,
 * accommodations, employment types, employer types, seeker flags, what a
 * seeker chooses to avoid) with their
 * Chinese labels. Identifiers are indexes into static tables, so that sets of
 * them fit in bitmasks.
 */
#ifndef JM_VOCAB_H
#define JM_VOCAB_H

#include <stddef.h>
#include <stdint.h>

enum vocab_kind {
	VOCAB_DISABILITY,
	VOCAB_GRADE,
	VOCAB_ACCOMMODATION,
	VOCAB_EMPLOYMENT,
	VOCAB_EMPLOYER,
	VOCAB_FLAG,
	VOCAB_EMPLOYMENT_FORM,
	VOCAB_FOLLOWUP_OUTCOME,
	VOCAB_AVOID,
	VOCAB_NKINDS
};

enum disability { DIS_VISUAL, DIS_HEARING, DIS_SPEECH, DIS_PHYSICAL,
	DIS_INTELLECTUAL, DIS_MENTAL, DIS_MULTIPLE, DIS_COUNT };
#define DIS_ALL_MASK ((uint8_t)((1u << DIS_COUNT) - 1))

enum employment { EMP_FULL_TIME, EMP_PART_TIME, EMP_PUBLIC_WELFARE,
	EMP_SHELTERED, EMP_FLEXIBLE, EMP_INTERNSHIP, EMP_COUNT };

enum employer_type { ET_AGENCY, ET_INSTITUTION, ET_SOE, ET_PRIVATE,
	ET_COMMUNITY, ET_SOCIAL_ORG, ET_SHELTERED_WORKSHOP, ET_COUNT };

enum seeker_flag { FLAG_GRADUATE, FLAG_ZERO_EMPLOYMENT, FLAG_LOW_INCOME,
	FLAG_RURAL, FLAG_COUNT };

/* The forms of work an employment record records (employment.record). */
enum employment_form { FORM_EMPLOYER, FORM_PUBLIC_WELFARE, FORM_SHELTERED,
	FORM_SELF_EMPLOYED, FORM_FLEXIBLE, FORM_FARMING, FORM_STALL,
	FORM_COUNT };

/* What a follow-up visit found (followup.record). */
enum followup_outcome { FU_IN_WORK, FU_CHANGED_WORK, FU_LOST_WORK,
	FU_AT_RISK, FU_COUNT };

/* What a seeker may choose not to be offered (the profile's avoid): a
 * choice, not an accommodation; the rules decide what it leaves out. */
enum avoid { AVOID_VOICE_PHONE, AVOID_COUNT };

#define ACCOM_COUNT 20
#define GRADE_MIN 1
#define GRADE_MAX 4

struct vocab_entry {
	const char	*id;
	const char	*label;
};

/* The entries of one kind, in identifier order; *n receives the count. */
const struct vocab_entry *vocab_entries(enum vocab_kind kind, size_t *n);

/* The index of identifier id in kind, or -1 when it is not a member. */
int vocab_lookup(enum vocab_kind kind, const char *id);

/* The identifier of index i in kind (i must be valid). */
const char *vocab_id(enum vocab_kind kind, int i);

/* Machine name of a kind ("disability_types", ...), as vocab answers it. */
const char *vocab_kind_name(enum vocab_kind kind);

#endif

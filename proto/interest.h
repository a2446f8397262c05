/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * interest.h - the params of the interest.* methods (a person's consented
 * request to be contacted about a posting): checked, and the stored
 * document made. An interest is personal data: no reason given here ever
 * holds a value it was given (a name, a phone number), only what is wrong
 * with it.
 */
#ifndef JM_INTEREST_H
#define JM_INTEREST_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct perr;

#define INTEREST_NAME_MAX	50	/* characters of person.name */
#define INTEREST_NOTE_MAX	500	/* characters of a follow-up note */
/* An interest's id: the decimal digits of a number from 1 to 2^53 - 1
 * (a Redis counter a script reads exactly). */
#define INTEREST_ID_MAX		16

enum interest_status { IST_NEW, IST_CONTACTED, IST_INTERVIEW, IST_HIRED,
	IST_DECLINED, IST_COUNT };

/* The status's name ("new", ...); s < IST_COUNT. */
const char	*interest_status_name(enum interest_status s);
/* The status named name, or -1. */
int		 interest_status_lookup(const char *name);

/* interest.record's params, borrowed from the params object. */
struct interest_rec {
	const char	*job_id, *employer_id;
	const char	*fair;		/* NULL: none */
	const char	*name, *phone;
	uint32_t	 needs;		/* accommodations, a vocabulary mask */
	bool		 share;		/* consent.share_with_employer */
};

/*
 * Checks interest.record's params {job: {id, employer_id}, fair?, person:
 * {name, phone}, consent: {contact, share_with_employer}, needs?} into
 * *out; the consent first, so that a request without it is refused as
 * such whatever else it holds. 0, or -1 with e naming the field.
 */
int	 interest_decode(json_t *params, struct interest_rec *out,
	    struct perr *e);
/* The document stored for rec: {job: {id, employer_id}, fair, person:
 * {name, phone}, needs, consent: {contact, share_with_employer}}, needs in
 * vocabulary order, fair null when none. New reference; NULL: no memory. */
json_t	*interest_doc(const struct interest_rec *rec);

/* The id at key of params (required): 0, or -1 with e set. */
int	 interest_id(json_t *params, const char *key, const char **id,
	    struct perr *e);

#endif

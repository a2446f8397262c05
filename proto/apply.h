/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * apply.h - how to apply for a posting: its contact (name, phone,
 * address, hours, url, email), apply_by and how_to_apply, and an
 * employer's default contact, which its postings inherit member by member.
 *
 * What was given is kept as one compact JSON object text (struct job's
 * apply, struct employer's contact), so that the mirror holds one string
 * a posting, and only for postings that say how to apply.
 */
#ifndef JM_APPLY_H
#define JM_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "proto/params.h"

#define CONTACT_NAME_MAX	100	/* characters */
#define CONTACT_PHONE_MAX	32	/* characters */
#define CONTACT_PHONE_DIGITS_MIN 5
#define CONTACT_PHONE_DIGITS_MAX 20
#define CONTACT_ADDRESS_MAX	200	/* characters */
#define CONTACT_HOURS_MAX	100	/* characters */
#define CONTACT_URL_MAX		500	/* bytes */
#define CONTACT_EMAIL_MAX	254	/* bytes */
#define HOW_TO_APPLY_MAX	1000	/* characters */
#define APPLY_BY_MIN		"2000-01-01"
#define APPLY_BY_MAX		"2099-12-31"

/*
 * obj's "contact" (optional) checked under path, as its compact JSON text
 * into *out (malloc'd; NULL when absent or null). 0, or -1 with e filled.
 */
int	 apply_contact_decode(json_t *obj, const char *path, char **out,
	    struct perr *e);
/*
 * A posting's contact, apply_by and how_to_apply (each optional) checked
 * under path: one compact JSON object text of those given into *out
 * (NULL when none), the day number of apply_by into *apply_by (left alone
 * when absent). 0, or -1 with e filled.
 */
int	 apply_job_decode(json_t *obj, const char *path, char **out,
	    int64_t *apply_by, struct perr *e);
/* Sets the members of text (an object text of apply_*_decode) on o. 0, or
 * -1 when text is not an object. */
int	 apply_into(json_t *o, const char *text);
/*
 * The effective contact: the members of emp (an employer's contact text,
 * or NULL) with those of own (a posting's contact object, or NULL) over
 * them. A new object, or NULL when neither has a contact.
 */
json_t	*apply_contact_merge(const char *emp, json_t *own);

/* One member's check (s: NUL-terminated): NULL, or why it is refused. */
const char *apply_phone_why(const char *s);
const char *apply_url_why(const char *s);
const char *apply_email_why(const char *s);

#endif

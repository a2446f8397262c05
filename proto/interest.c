/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * interest.c - see interest.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/model.h"
#include "matcher/vocab.h"
#include "proto/apply.h"
#include "proto/interest.h"
#include "proto/params.h"

static const char *const status_names[IST_COUNT] = {
	"new", "contacted", "interview", "hired", "declined"
};

const char *
interest_status_name(enum interest_status s)
{
	return status_names[s];
}

int
interest_status_lookup(const char *name)
{
	for (int i = 0; i < IST_COUNT; i++)
		if (strcmp(name, status_names[i]) == 0)
			return i;
	return -1;
}

/* Whether s holds a control character (C0 or DEL). */
static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* consent: {contact: true, share_with_employer: bool}. */
static int
decode_consent(json_t *params, struct interest_rec *out, struct perr *e)
{
	static const char *const keys[] = { "contact", "share_with_employer",
	    NULL };
	json_t *c = json_object_get(params, "consent");

	if (c == NULL || json_is_null(c))
		return pv_fail(e, "consent", "contact", "the person must "
		    "consent to be contacted (true)");
	if (pv_object(c, "consent", keys, e) == -1)
		return -1;
	if (!json_is_true(json_object_get(c, "contact")))
		return pv_fail(e, "consent", "contact", "the person must "
		    "consent to be contacted (true)");
	if (!json_is_boolean(json_object_get(c, "share_with_employer")))
		return pv_fail(e, "consent", "share_with_employer", "is "
		    "required: true or false, as the person chose");
	out->share = json_is_true(json_object_get(c, "share_with_employer"));
	return 0;
}

/* person: {name, phone}. Neither value is ever named in a reason. */
static int
decode_person(json_t *params, struct interest_rec *out, struct perr *e)
{
	static const char *const keys[] = { "name", "phone", NULL };
	json_t *p = json_object_get(params, "person"), *ph;

	if (p == NULL || json_is_null(p))
		return pv_fail(e, "", "person", "is required");
	if (pv_object(p, "person", keys, e) == -1 ||
	    pv_str(p, "person", "name", true, INTEREST_NAME_MAX, &out->name,
	    e) == -1)
		return -1;
	if (has_control(out->name))
		return pv_fail(e, "person", "name", "must not hold control "
		    "characters");
	ph = json_object_get(p, "phone");
	if (ph == NULL || json_is_null(ph))
		return pv_fail(e, "person", "phone", "is required");
	if (!json_is_string(ph))
		return pv_fail(e, "person", "phone", "must be a string");
	/* as a posting's contact.phone (apply.c), and refused in the same
	 * words whatever is wrong: the number is never repeated back */
	if (json_string_length(ph) == 0 ||
	    json_string_length(ph) > CONTACT_PHONE_MAX ||
	    strlen(json_string_value(ph)) != json_string_length(ph) ||
	    apply_phone_why(json_string_value(ph)) != NULL)
		return pv_fail(e, "person", "phone", "must be 1 to %d "
		    "characters of digits, spaces and + - ( ), with %d to %d "
		    "digits", CONTACT_PHONE_MAX, CONTACT_PHONE_DIGITS_MIN,
		    CONTACT_PHONE_DIGITS_MAX);
	out->phone = json_string_value(ph);
	return 0;
}

int
interest_decode(json_t *params, struct interest_rec *out, struct perr *e)
{
	static const char *const keys[] = { "job", "fair", "person",
	    "consent", "needs", NULL };
	static const char *const job_keys[] = { "id", "employer_id", NULL };
	json_t *job;

	memset(out, 0, sizeof(*out));
	if (pv_object(params, "", keys, e) == -1 ||
	    decode_consent(params, out, e) == -1)
		return -1;
	job = json_object_get(params, "job");
	if (job == NULL || json_is_null(job))
		return pv_fail(e, "", "job", "is required");
	if (pv_object(job, "job", job_keys, e) == -1 ||
	    pv_id(job, "job", "id", true, true, &out->job_id, e) == -1 ||
	    pv_id(job, "job", "employer_id", true, false, &out->employer_id,
	    e) == -1 ||
	    pv_id(params, "", "fair", false, false, &out->fair, e) == -1 ||
	    decode_person(params, out, e) == -1 ||
	    pv_enum_list(params, "", "needs", false, VOCAB_ACCOMMODATION,
	    ACCOM_COUNT, &out->needs, NULL, e) == -1)
		return -1;
	return 0;
}

json_t *
interest_doc(const struct interest_rec *rec)
{
	json_t *needs = json_array();

	for (int i = 0; needs != NULL && i < ACCOM_COUNT; i++)
		if (rec->needs & (1u << i) && json_array_append_new(needs,
		    json_string(vocab_id(VOCAB_ACCOMMODATION, i))) == -1) {
			json_decref(needs);
			return NULL;
		}
	if (needs == NULL)
		return NULL;
	return json_pack("{s:{s:s, s:s}, s:s?, s:{s:s, s:s}, s:o, "
	    "s:{s:b, s:b}}", "job", "id", rec->job_id, "employer_id",
	    rec->employer_id, "fair", rec->fair, "person", "name", rec->name,
	    "phone", rec->phone, "needs", needs, "consent", "contact", 1,
	    "share_with_employer", rec->share);
}

int
interest_id(json_t *params, const char *key, const char **id,
    struct perr *e)
{
	const char *s = NULL;

	if (pv_str(params, "", key, true, INTEREST_ID_MAX, &s, e) == -1)
		return -1;
	if (s[0] == '\0' || s[0] == '0' ||
	    strspn(s, "0123456789") != strlen(s) ||
	    strtoull(s, NULL, 10) > (unsigned long long)INT_EXACT_MAX)
		return pv_fail(e, "", key, "not the id of an interest");
	*id = s;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * apply.c - see apply.h.
 */
#include <stdlib.h>
#include <string.h>

#include "matcher/date.h"
#include "proto/apply.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

const char *
apply_phone_why(const char *s)
{
	size_t digits = 0;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (strchr(" +-()", *p) == NULL)
			return "may only hold digits, spaces and + - ( )";
	}
	if (digits < CONTACT_PHONE_DIGITS_MIN ||
	    digits > CONTACT_PHONE_DIGITS_MAX)
		return "must hold " STR(CONTACT_PHONE_DIGITS_MIN) " to "
		    STR(CONTACT_PHONE_DIGITS_MAX) " digits";
	return NULL;
}

/* Whether s holds a space or a control byte. */
static bool
has_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return true;
	return false;
}

const char *
apply_url_why(const char *s)
{
	size_t skip;

	if (strncmp(s, "https://", 8) == 0)
		skip = 8;
	else if (strncmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return "must start with http:// or https://";
	if (s[skip] == '\0' || s[skip] == '/')
		return "must name a host";
	if (has_blank(s))
		return "must hold no space or control character";
	return NULL;
}

const char *
apply_email_why(const char *s)
{
	const char *at = strchr(s, '@');

	if (has_blank(s))
		return "must hold no space or control character";
	if (at == NULL || strchr(at + 1, '@') != NULL || at == s)
		return "must be an address with one @";
	if (strchr(at + 1, '.') == NULL || at[1] == '.' ||
	    s[strlen(s) - 1] == '.')
		return "must have a dot in its domain";
	return NULL;
}

/* One text member of a contact: 1 to max characters (bytes when bytes),
 * then its own check. */
static int
member(json_t *c, const char *path, const char *key, size_t max, bool bytes,
    const char *(*check)(const char *), struct perr *e)
{
	json_t *v = json_object_get(c, key);
	const char *s = NULL, *why;

	if (pv_str(c, path, key, false, max, &s, e) == -1)
		return -1;
	if (v == NULL || json_is_null(v))
		return 0;
	if (s[0] == '\0')
		return pv_fail(e, path, key, "must not be empty");
	if (bytes && json_string_length(v) > max)
		return pv_fail(e, path, key, "at most %zu bytes", max);
	if (check != NULL && (why = check(s)) != NULL)
		return pv_fail(e, path, key, "%s", why);
	return 0;
}

/* Checks obj's contact object; *c is it (NULL when absent or null). */
static int
contact_check(json_t *obj, const char *path, json_t **c, struct perr *e)
{
	static const char *const keys[] = { "name", "phone", "address",
	    "hours", "url", "email", NULL };
	char sub[PATH_MAX_LEN];

	*c = json_object_get(obj, "contact");
	if (*c == NULL || json_is_null(*c)) {
		*c = NULL;
		return 0;
	}
	pv_join(sub, path, "contact");
	if (!json_is_object(*c))
		return pv_fail(e, path, "contact", "must be an object");
	if (pv_object(*c, sub, keys, e) == -1 ||
	    member(*c, sub, "name", CONTACT_NAME_MAX, false, NULL, e) == -1 ||
	    member(*c, sub, "phone", CONTACT_PHONE_MAX, false,
	    apply_phone_why, e) == -1 ||
	    member(*c, sub, "address", CONTACT_ADDRESS_MAX, false, NULL,
	    e) == -1 ||
	    member(*c, sub, "hours", CONTACT_HOURS_MAX, false, NULL, e) == -1 ||
	    member(*c, sub, "url", CONTACT_URL_MAX, true, apply_url_why,
	    e) == -1 ||
	    member(*c, sub, "email", CONTACT_EMAIL_MAX, true, apply_email_why,
	    e) == -1)
		return -1;
	return 0;
}

/* A copy of c without its null members: what is kept. */
static json_t *
contact_copy(json_t *c)
{
	json_t *o = json_object(), *v;
	const char *k;

	json_object_foreach(c, k, v)
		if (o != NULL && !json_is_null(v))
			json_object_set(o, k, v);
	return o;
}

int
apply_contact_decode(json_t *obj, const char *path, char **out,
    struct perr *e)
{
	json_t *c, *copy;

	*out = NULL;
	if (contact_check(obj, path, &c, e) == -1)
		return -1;
	if (c == NULL)
		return 0;
	copy = contact_copy(c);
	*out = copy != NULL ? json_dumps(copy, JSON_COMPACT) : NULL;
	json_decref(copy);
	if (*out == NULL)
		return pv_fail(e, path, "contact", "out of memory");
	return 0;
}

int
apply_job_decode(json_t *obj, const char *path, char **out,
    int64_t *apply_by, struct perr *e)
{
	json_t *c, *o, *v;
	const char *how = NULL, *by = NULL;
	int64_t day = -1, lo, hi;

	*out = NULL;
	if (contact_check(obj, path, &c, e) == -1 ||
	    pv_date(obj, path, "apply_by", false, &day, e) == -1 ||
	    pv_str(obj, path, "how_to_apply", false, HOW_TO_APPLY_MAX, &how,
	    e) == -1)
		return -1;
	(void)date_parse(APPLY_BY_MIN, &lo);
	(void)date_parse(APPLY_BY_MAX, &hi);
	if (day != -1 && (day < lo || day > hi))
		return pv_fail(e, path, "apply_by", "must be a date from "
		    APPLY_BY_MIN " to " APPLY_BY_MAX);
	if (how != NULL && how[0] == '\0')
		return pv_fail(e, path, "how_to_apply", "must not be empty");
	if (day != -1) {
		*apply_by = day;
		by = json_string_value(json_object_get(obj, "apply_by"));
	}
	if (c == NULL && by == NULL && how == NULL)
		return 0;
	if ((o = json_object()) == NULL)
		return pv_fail(e, path, "contact", "out of memory");
	if (c != NULL && (v = contact_copy(c)) != NULL)
		json_object_set_new(o, "contact", v);
	if (by != NULL)
		json_object_set_new(o, "apply_by", json_string(by));
	if (how != NULL)
		json_object_set_new(o, "how_to_apply", json_string(how));
	*out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (*out == NULL)
		return pv_fail(e, path, "contact", "out of memory");
	return 0;
}

int
apply_into(json_t *o, const char *text)
{
	json_t *a = json_loads(text, 0, NULL);

	if (a == NULL || !json_is_object(a) || json_object_update(o, a) == -1) {
		json_decref(a);
		return -1;
	}
	json_decref(a);
	return 0;
}

json_t *
apply_contact_merge(const char *emp, json_t *own)
{
	json_t *o = emp != NULL ? json_loads(emp, 0, NULL) : NULL;

	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	if (own == NULL || !json_is_object(own))
		return o;
	if (o == NULL)
		return json_deep_copy(own);
	json_object_update(o, own);
	return o;
}

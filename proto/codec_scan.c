/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * codec_scan.c - a stored posting's JSON text read straight into a struct
 * job, without a JSON tree: see codec_job_scan in codec.h.
 *
 * json_loadb builds a tree of allocated values (a hash table per object, a
 * copy of every string) only for codec_job_decode to copy what it needs out
 * of it; at start-up that is most of the cost of loading a million
 * postings. This reader takes the plain form the daemon itself stores
 * (no escapes, no nulls, each field once) and gives up on anything else:
 * a give-up is not an error, the caller then decodes the general way,
 * which also says why a document does not validate. So every check here
 * only has to be at least as strict as codec_job_decode's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proto/codec.h"

#define SCAN_NUM_MAX	32	/* characters of a number we read */
#define SCAN_WORD_MAX	64	/* bytes of a vocabulary word or town code */

struct scan {
	const char	*p, *end;
};

/* A string's bytes, inside the document (not NUL-terminated). */
struct span {
	const char	*s;
	size_t		 n;
};

static void
ws(struct scan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' ||
	    *sc->p == '\n' || *sc->p == '\r'))
		sc->p++;
}

/* Consumes c after white space. */
static bool
eat(struct scan *sc, char c)
{
	ws(sc);
	if (sc->p >= sc->end || *sc->p != c)
		return false;
	sc->p++;
	return true;
}

/* A string without escapes or control characters, valid UTF-8 of at most
 * maxchars characters (NUL included in what utf8_count refuses). */
static bool
str(struct scan *sc, size_t maxchars, struct span *out)
{
	const char *s;
	long n;

	if (!eat(sc, '"'))
		return false;
	for (s = sc->p; sc->p < sc->end && *sc->p != '"'; sc->p++)
		if (*sc->p == '\\' || (unsigned char)*sc->p < 0x20)
			return false;
	if (sc->p >= sc->end)
		return false;
	out->s = s;
	out->n = (size_t)(sc->p - s);
	sc->p++;
	n = utf8_count(out->s, out->n);
	return n >= 0 && (size_t)n <= maxchars;
}

/* A short string copied into buf (size SCAN_WORD_MAX + 1). */
static bool
word(struct scan *sc, size_t maxchars, char *buf)
{
	struct span sp;

	if (!str(sc, maxchars, &sp) || sp.n > SCAN_WORD_MAX)
		return false;
	memcpy(buf, sp.s, sp.n);
	buf[sp.n] = '\0';
	return true;
}

/*
 * A JSON number; *isint when it has neither fraction nor exponent (jansson
 * makes an integer of it then, a real otherwise). Longer numbers than an
 * integer or a coordinate needs are given up.
 */
static bool
num(struct scan *sc, char *buf, bool *isint)
{
	const char *s;
	size_t n;

	ws(sc);
	s = sc->p;
	*isint = true;
	if (sc->p < sc->end && *sc->p == '-')
		sc->p++;
	if (sc->p < sc->end && *sc->p == '0')
		sc->p++;
	else if (sc->p < sc->end && *sc->p >= '1' && *sc->p <= '9')
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
			sc->p++;
	else
		return false;
	if (sc->p < sc->end && *sc->p == '.') {
		*isint = false;
		if (++sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
			return false;
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
			sc->p++;
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		*isint = false;
		if (++sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (sc->p >= sc->end || *sc->p < '0' || *sc->p > '9')
			return false;
		while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
			sc->p++;
	}
	if ((n = (size_t)(sc->p - s)) >= SCAN_NUM_MAX)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

/* An integer from min to max (15 digits at most: no overflow). */
static bool
integer(struct scan *sc, int64_t min, int64_t max, int64_t *out)
{
	char buf[SCAN_NUM_MAX];
	bool isint;
	long long v;

	if (!num(sc, buf, &isint) || !isint || strlen(buf) > 15)
		return false;
	v = strtoll(buf, NULL, 10);
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* A number from -lim to lim, as pv_num reads it: an integer converted. */
static bool
real(struct scan *sc, double lim, double *out)
{
	char buf[SCAN_NUM_MAX];
	bool isint;
	double d;

	if (!num(sc, buf, &isint))
		return false;
	if (isint) {
		if (strlen(buf) > 15)
			return false;
		d = (double)strtoll(buf, NULL, 10);
	} else
		d = strtod(buf, NULL);
	if (!isfinite(d) || d < -lim || d > lim)
		return false;
	*out = d;
	return true;
}

/* An object's next key: true with the key, false at its end or on a
 * malformed document (*bad). */
static bool
next_key(struct scan *sc, bool *first, struct span *key, bool *bad)
{
	if (!*first && !eat(sc, ',')) {
		*bad = !eat(sc, '}');
		return false;
	}
	if (*first && eat(sc, '}'))
		return false;
	*first = false;
	if (!str(sc, SIZE_MAX, key) || !eat(sc, ':')) {
		*bad = true;
		return false;
	}
	return true;
}

static bool
key_is(const struct span *k, const char *name)
{
	return strncmp(name, k->s, k->n) == 0 && name[k->n] == '\0';
}

/* An array's next item: true before one, false at its end or on a
 * malformed document (*bad). */
static bool
next_item(struct scan *sc, size_t i, bool *bad)
{
	if (i > 0 && !eat(sc, ',')) {
		*bad = !eat(sc, ']');
		return false;
	}
	if (i == 0) {
		ws(sc);
		if (sc->p < sc->end && *sc->p == ']') {
			sc->p++;
			return false;
		}
	}
	return true;
}

static bool
skills(struct scan *sc, struct job *j)
{
	struct span sp[SKILLS_MAX];
	bool bad = false;
	size_t i, n;

	if (!eat(sc, '['))
		return false;
	for (n = 0; next_item(sc, n, &bad); n++)
		if (n == SKILLS_MAX || !str(sc, SKILL_MAX, &sp[n]))
			return false;
	if (bad)
		return false;
	if (n == 0)
		return true;
	if ((j->skills = calloc(n, sizeof(*j->skills))) == NULL)
		return false;
	j->nskills = n;		/* job_clear frees what was copied */
	for (i = 0; i < n; i++)
		if ((j->skills[i] = strndup(sp[i].s, sp[i].n)) == NULL)
			return false;
	return true;
}

/* accessible_for, or accommodations when dis is false. */
static bool
enum_list(struct scan *sc, bool dis, struct job *j)
{
	char w[SCAN_WORD_MAX + 1];
	bool bad = false, any = false;
	size_t i;
	int k;

	if (!eat(sc, '['))
		return false;
	for (i = 0; next_item(sc, i, &bad); i++) {
		if (i == (dis ? DIS_COUNT : ACCOM_COUNT) ||
		    !word(sc, SCAN_WORD_MAX, w))
			return false;
		if (dis && strcmp(w, "any") == 0) {
			any = true;
			continue;
		}
		if ((k = vocab_lookup(dis ? VOCAB_DISABILITY :
		    VOCAB_ACCOMMODATION, w)) < 0)
			return false;
		if (dis)
			j->dis_mask |= (uint8_t)(1u << k);
		else
			j->accom_mask |= 1u << k;
	}
	if (bad || (dis && (i == 0 || (any && i != 1))))
		return false;
	if (dis)
		j->dis_any = any;
	return true;
}

static bool
grades(struct scan *sc, struct job *j)
{
	bool bad = false;
	size_t i;
	int64_t g;

	if (!eat(sc, '['))
		return false;
	for (i = 0; next_item(sc, i, &bad); i++) {
		if (i == GRADE_MAX || !integer(sc, GRADE_MIN, GRADE_MAX, &g))
			return false;
		j->grades_mask |= (uint8_t)(1u << g);
	}
	return !bad && i > 0;
}

/* {"lat": .., "lon": ..}, both required. */
static bool
location(struct scan *sc, struct job *j)
{
	struct span k;
	bool first = true, bad = false, lat = false, lon = false;

	if (!eat(sc, '{'))
		return false;
	while (next_key(sc, &first, &k, &bad)) {
		if (key_is(&k, "lat") && !lat && real(sc, GEO_LAT_MAX, &j->lat))
			lat = true;
		else if (key_is(&k, "lon") && !lon && real(sc, 180, &j->lon))
			lon = true;
		else
			return false;
	}
	j->has_location = true;
	return !bad && lat && lon;
}

/* {"min": .., "max": ..}, both required, min <= max. */
static bool
salary(struct scan *sc, struct job *j)
{
	struct span k;
	bool first = true, bad = false, min = false, max = false;

	if (!eat(sc, '{'))
		return false;
	while (next_key(sc, &first, &k, &bad)) {
		if (key_is(&k, "min") && !min &&
		    integer(sc, 0, MONEY_MAX, &j->salary_min))
			min = true;
		else if (key_is(&k, "max") && !max &&
		    integer(sc, 0, MONEY_MAX, &j->salary_max))
			max = true;
		else
			return false;
	}
	j->has_salary = true;
	return !bad && min && max && j->salary_min <= j->salary_max;
}

/* The fields of a posting, in codec_job_decode's list. */
enum { F_ID, F_EMP, F_TITLE, F_DESC, F_SKILLS, F_DIS, F_GRADES, F_ACCOM,
	F_ETYPE, F_LOC, F_TOWN, F_REMOTE, F_SALARY, F_OPENINGS, F_EXPIRES,
	F_COUNT };
static const char *const fields[F_COUNT] = { "id", "employer_id", "title",
	"description", "skills", "accessible_for", "grades", "accommodations",
	"employment_type", "location", "town", "remote", "salary",
	"openings", "expires_at" };

static bool
field(struct scan *sc, int f, const struct towns *towns, struct job *j)
{
	char w[SCAN_WORD_MAX + 1];
	struct span sp;

	switch (f) {
	case F_ID:
	case F_EMP:
		if (!str(sc, ID_MAX, &sp) || sp.n == 0 || sp.n > ID_MAX ||
		    !pv_id_chars(sp.s, sp.n, f == F_ID))
			return false;
		memcpy(f == F_ID ? j->id : j->employer_id, sp.s, sp.n);
		(f == F_ID ? j->id : j->employer_id)[sp.n] = '\0';
		return true;
	case F_TITLE:
	case F_DESC:
		if (!str(sc, f == F_TITLE ? TITLE_MAX : DESC_MAX, &sp) ||
		    (f == F_TITLE && sp.n == 0))
			return false;
		return (*(f == F_TITLE ? &j->title : &j->description) =
		    strndup(sp.s, sp.n)) != NULL;
	case F_SKILLS:
		return skills(sc, j);
	case F_DIS:
	case F_ACCOM:
		return enum_list(sc, f == F_DIS, j);
	case F_GRADES:
		return grades(sc, j);
	case F_ETYPE:
		return word(sc, 32, w) && w[0] != '\0' &&
		    (j->employment = vocab_lookup(VOCAB_EMPLOYMENT, w)) >= 0;
	case F_LOC:
		return location(sc, j);
	case F_TOWN:
		return word(sc, TOWN_CODE_MAX, w) &&
		    (j->town = towns_find(towns, w)) >= 0;
	case F_REMOTE:
		ws(sc);
		if ((size_t)(sc->end - sc->p) >= 4 &&
		    memcmp(sc->p, "true", 4) == 0) {
			j->remote = true;
			sc->p += 4;
		} else if ((size_t)(sc->end - sc->p) >= 5 &&
		    memcmp(sc->p, "false", 5) == 0) {
			j->remote = false;
			sc->p += 5;
		} else
			return false;
		return true;
	case F_SALARY:
		return salary(sc, j);
	case F_OPENINGS:
		return integer(sc, 1, OPENINGS_MAX, &j->openings);
	default:
		return integer(sc, TIME_MIN, TIME_MAX, &j->expires_at);
	}
}

int
codec_job_scan(const char *buf, size_t len, const struct towns *towns,
    struct job *j)
{
	struct scan sc = { buf, buf + len };
	struct span k;
	uint32_t seen = 0;
	bool first = true, bad = false;
	int f = 0, tried;

	if (!eat(&sc, '{'))
		return 1;
	while (next_key(&sc, &first, &k, &bad)) {
		/* from the field after the last: the stored order is ours */
		for (tried = 0; tried < F_COUNT && !key_is(&k, fields[f]);
		    tried++)
			f = (f + 1) % F_COUNT;
		if (tried == F_COUNT || (seen & 1u << f) ||
		    !field(&sc, f, towns, j))
			return 1;
		seen |= 1u << f;
		f = (f + 1) % F_COUNT;
	}
	ws(&sc);
	if (bad || sc.p != sc.end)
		return 1;
	if (!(seen & 1u << F_ID) || !(seen & 1u << F_EMP) ||
	    !(seen & 1u << F_TITLE) || !(seen & 1u << F_DIS) ||
	    !(seen & 1u << F_ETYPE) ||
	    (!(seen & 1u << F_LOC) && !(seen & 1u << F_TOWN)))
		return 1;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * model.h - the domain records as plain C data: postings, employers, a
 * seeker's profile and the filters of a match. proto/ fills them from JSON;
 * the matcher indexes and scores them.
 */
#ifndef JM_MODEL_H
#define JM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matcher/vocab.h"

#define ID_MAX		64	/* bytes of a job or employer id */
#define TITLE_MAX	200	/* characters of a title or a name */
#define DESC_MAX	8000	/* characters of a description */
#define SKILLS_MAX	50	/* skills of a posting or a profile */
#define SKILL_MAX	64	/* characters of one skill */
#define OPENINGS_MAX	10000
#define MONEY_MAX	100000000LL	/* yuan */
#define COUNT_MAX	10000000LL	/* staff, employees */

enum job_status { JOB_OPEN, JOB_CLOSED };

struct job {
	char		 id[ID_MAX + 1];
	char		 employer_id[ID_MAX + 1];
	char		*title;
	char		*description;		/* may be NULL */
	char		**skills;
	size_t		 nskills;
	uint8_t		 dis_mask;		/* 1 << enum disability */
	bool		 dis_any;		/* accessible_for ["any"] */
	uint8_t		 grades_mask;		/* 1 << grade; 0 = all */
	uint32_t	 accom_mask;		/* 1 << accommodation */
	int		 employment;		/* enum employment */
	bool		 has_location;
	double		 lat, lon;
	int		 town;			/* index in towns, or -1 */
	bool		 remote;
	bool		 has_salary;
	int64_t		 salary_min, salary_max;
	int64_t		 openings;
	int64_t		 expires_at;		/* unix seconds; 0 = never */
	/* How to apply (proto/apply.h): contact, apply_by and how_to_apply
	 * as one compact JSON object text, NULL when none was given. */
	char		*apply;
	int64_t		 apply_by;		/* day number; -1 = none */
	int64_t		 apply_until;		/* unix seconds the daemon
						   derives from apply_by (the
						   next local midnight); 0 */
	/* Kept by the store, not given by clients. */
	int64_t		 version;
	int64_t		 posted_at, updated_at;
	enum job_status	 status;
};

struct employer {
	char		 id[ID_MAX + 1];
	char		*name;
	int		 type;			/* enum employer_type */
	int		 town;			/* index in towns */
	int64_t		 headcount;		/* -1 = not given */
	int64_t		 disabled_employees;
	int64_t		 severe_disabled_employees;
	int64_t		 avg_annual_salary;
	/* the "at least one" rule (quota.h): -1 / "" when not given */
	int64_t		 establishment;		/* posts established */
	int		 level;			/* enum quota_level */
	int		 institution_kind;	/* enum quota_kind */
	char		 pool[ID_MAX + 1];	/* a township's pool */
	char		*contact;		/* compact JSON object text of
						   its default contact; NULL */
	int64_t		 version;
};

struct profile {
	int		 disability;		/* enum disability */
	int		 grade;			/* 1..4 */
	char		**skills;
	size_t		 nskills;
	double		 lat, lon;
	int		 town;			/* index in towns, or -1 */
	double		 max_distance_km;	/* 0 = the rules' default */
	uint32_t	 needs_mask;		/* accommodations required */
	uint32_t	 flags_mask;		/* 1 << enum seeker_flag */
};

struct filters {
	uint32_t	 employment_mask;	/* 0 = any */
	uint32_t	 employer_mask;		/* 0 = any */
	int64_t		 min_salary;		/* when has_min_salary */
	bool		 has_min_salary;	/* given (0 too): postings
						 * without salary are out */
	/* With has_employers: only the postings of these employers (a
	 * fair's exhibitors; none at all when nemployers is 0). The ids are
	 * borrowed for the call. */
	const char *const *employers;
	size_t		 nemployers;
	bool		 has_employers;
};

#define SEEKER_NAME_MAX	100	/* characters of a seeker's name */
#define PLAN_NOTE_MAX	2000	/* characters of a one-person-one-plan note */
#define TRAININGS_MAX	20	/* courses on one seeker's record */
#define COURSE_MAX	100	/* characters of a course's name */

/* Where a registered seeker stands. */
enum seeker_status { SST_SEEKING, SST_EMPLOYED, SST_NOT_SEEKING, SST_COUNT };

/* The plan's four services ("four ones"): information checked, ability
 * assessed, needs registered, a service given. */
enum service { SVC_INFO_CHECKED, SVC_ASSESSED, SVC_REGISTERED, SVC_SERVED,
	SVC_COUNT };

/* A seeker's sex, when given (the working age differs). */
enum sex { SEX_UNKNOWN, SEX_MALE, SEX_FEMALE };
#define BIRTH_YEAR_MIN	1900	/* the latest is this year: the daemon's */

struct training {
	char		*course;
	int64_t		 day;			/* when it was taken */
};

/* A registered job seeker: personal data, never logged. The id is an opaque
 * number the staff assign, never a personal identifier. Besides the
 * profile a match reads, the service record of the county plan. Dates are
 * day numbers (matcher/date.h), -1 when there is none. */
struct seeker {
	char		 id[ID_MAX + 1];
	char		*name;			/* may be NULL */
	struct profile	 profile;
	int		 status;		/* enum seeker_status */
	int64_t		 service[SVC_COUNT];	/* when each was first given */
	char		*plan_note;		/* may be NULL */
	struct training	*training;
	size_t		 ntraining;
	int64_t		 employed_since;
	int		 birth_year;		/* 0: not given */
	int		 sex;			/* enum sex */
	int64_t		 version;		/* kept by the store */
};

void	job_init(struct job *j);
void	job_clear(struct job *j);		/* frees what j owns */
void	employer_init(struct employer *e);
void	employer_clear(struct employer *e);
void	profile_init(struct profile *p);
void	profile_clear(struct profile *p);
void	seeker_init(struct seeker *s);
void	seeker_clear(struct seeker *s);

/* Frees an array of n strings and the array. */
void	strv_free(char **v, size_t n);

/* Number of code points in valid UTF-8 text s of len bytes, or -1 when s is
 * not valid UTF-8 (overlong forms, surrogates and NUL are refused). */
long	utf8_count(const char *s, size_t len);

/* Great-circle distance in km (haversine, mean earth radius). */
#define GEO_EARTH_R_KM	6371.0088	/* the mean radius geo_distance_km uses */
double	geo_distance_km(double lat1, double lon1, double lat2, double lon2);
/* The unit vector of a place: cos lat cos lon, cos lat sin lon, sin lat. */
void	geo_unit(double lat, double lon, double u[3]);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * rules.h - the scoring rule set: component weights, distance decay, skill
 * synonyms and the staff's rules, each a name, a condition ("when") over the
 * seeker's and the posting's fields and an action: exclude, require, or a
 * boost added to the score.
 *
 * A rule set is described by a plain struct rules_spec (proto/ fills it from
 * JSON), then compiled once into a struct rules: every PCRE2 pattern in UTF
 * and UCP mode, JIT when available, bounded by struct regex_limits and
 * probed with hostile subjects before the rule set is accepted. The matcher
 * uses a compiled rule set until the next version replaces it.
 *
 * Cost model: a condition on the posting alone is evaluated once per posting
 * and rule-set version (rules_eval_job); conditions on the seeker once per
 * request (rules_eval_seeker), within a budget of pattern matches; only the
 * distance is tested per candidate.
 */
#ifndef JM_RULES_H
#define JM_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RULES_MAX	128		/* rules in one rule set */
#define RULE_WORDS	(RULES_MAX / 64)
#define CONDS_MAX	16		/* conditions in one rule */
#define RULE_NAME_MAX	64

enum decay_shape { DECAY_EXP, DECAY_LINEAR, DECAY_GAUSS };
enum rule_action { RULE_BOOST, RULE_EXCLUDE, RULE_REQUIRE };
enum field_side { SIDE_SEEKER, SIDE_JOB, SIDE_PAIR };
enum field_kind {
	FK_TEXT,	/* a pattern, against a text or any item of a list */
	FK_ENUM,	/* allowed values; matches if the value (or any item of
			   a list) is one of them */
	FK_NUMBER,	/* {min, max}, inclusive, either optional */
};
/* Where an enumeration's values come from: a vocab_kind, or these. */
#define FV_TOWN_KIND	100	/* county subdistrict town township */
#define FV_BOOL		101	/* true false */

struct rule_field {
	const char	*name;		/* "seeker.disability.type" */
	int		 side;		/* enum field_side */
	int		 kind;		/* enum field_kind */
	int		 values;	/* enum: vocab_kind or FV_*; else -1 */
};

/* The fields a condition may name; NULL-terminated by name. */
extern const struct rule_field rule_fields[];
/* The index of a field in rule_fields, or -1. */
int	rules_field_lookup(const char *name);
/* The index of an FV_TOWN_KIND or FV_BOOL value, or -1. */
int	rules_value_lookup(int values, const char *id);

struct synonym_spec {
	char	*term;		/* canonical term */
	char	*pattern;	/* PCRE2, matched against a normalised skill */
};

struct cond_spec {
	int	 field;			/* index in rule_fields */
	char	*pattern;		/* FK_TEXT */
	uint32_t mask;			/* FK_ENUM: 1 << value */
	bool	 has_min, has_max;	/* FK_NUMBER */
	double	 min, max;
};

/* The most bytes of a rule's label in one language. */
#define RULE_LABEL_MAX	200

/* A flag: a posting whose title or description the pattern finds is
 * shown to staff (and its employer) as making a demand of applicants
 * that the reason explains (a discriminatory one, such as "身体健康").
 * Flagging never hides a posting. */
#define FLAGS_MAX	32		/* flags in one rule set */
#define FLAG_REASON_MAX	500		/* characters of a reason, one language */
struct flag_spec {
	char	*name;			/* as a rule's name */
	char	*pattern;		/* PCRE2, searched in title, description */
	char	*reason_zh, *reason_en;
};

struct rule_spec {
	char			*name;
	char			*label_zh;	/* plain words for people, or */
	char			*label_en;	/* NULL: none (both or none) */
	int			 action;	/* enum rule_action */
	double			 boost;		/* RULE_BOOST */
	struct cond_spec	*conds;
	size_t			 nconds;
};

struct rules_spec {
	char			*description;	/* may be NULL */
	double			 w_skills, w_distance;
	int			 shape;		/* enum decay_shape */
	double			 scale_km;	/* decay scale, > 0 */
	double			 max_km;	/* default max distance, > 0 */
	struct synonym_spec	*syn;
	size_t			 nsyn;
	struct rule_spec	*rules;
	size_t			 nrules;
	struct flag_spec	*flags;
	size_t			 nflags;
};

/* Bounds on every pattern and every match (from the config). */
struct regex_limits {
	uint32_t	match_limit;		/* pcre2_set_match_limit */
	uint32_t	depth_limit;		/* interpreter only */
	uint32_t	heap_limit_kb;		/* pcre2_set_heap_limit */
	uint32_t	jit_stack_kb;		/* largest JIT stack */
	uint32_t	max_pattern_len;	/* bytes of a pattern */
	uint32_t	max_parens;		/* parenthesis nesting */
	uint32_t	max_subject_len;	/* bytes of a subject tried */
	uint32_t	budget;			/* pattern matches per request */
	uint32_t	time_us;		/* pattern time per request */
	uint32_t	install_ms;		/* evaluating a new rule set */
	/* The clock that bounds pattern time, in microseconds; NULL: none.
	 * The matcher reads no clock it is not given. */
	uint64_t	(*clock_us)(void);
};
void	regex_limits_defaults(struct regex_limits *lim);

/* Why a rule set was refused. */
struct rules_error {
	char	rule[RULE_NAME_MAX + 32];	/* "rules[3] (name)" or "" */
	char	field[96];			/* "when.job.title" */
	long	offset;				/* in the pattern, or -1 */
	char	reason[200];
};

struct rules;

void	rules_spec_defaults(struct rules_spec *s);
void	rules_spec_clear(struct rules_spec *s);

/*
 * Compiles spec and probes every pattern. On success the new rule set takes
 * ownership of what spec holds (spec is left empty) and 0 is returned; on
 * error spec is untouched, err says which rule, field and pattern offset
 * failed, and -1 is returned.
 */
int	rules_compile(struct rules **out, struct rules_spec *spec,
	    const struct regex_limits *lim, struct rules_error *err);
void	rules_free(struct rules *r);

const struct rules_spec *rules_spec_of(const struct rules *r);

/* The version the store gave this rule set (0 for one not stored). */
int64_t	rules_version(const struct rules *r);
void	rules_set_version(struct rules *r, int64_t version);

/*
 * Writes the canonical form of skill into buf: trimmed, ASCII lower case,
 * inner white space folded to one space, then replaced by the term of the
 * first synonym whose pattern matches. Returns buf.
 */
const char *rules_canon_skill(struct rules *r, const char *skill, char *buf,
	    size_t buflen);

/* The same, paying each synonym's pattern run from *budget (a request's);
 * with the budget spent the skill keeps its normalised form. */
const char *rules_canon_skill_budget(struct rules *r, const char *skill,
	    char *buf, size_t buflen, uint32_t *budget);

/* The distance component in [0, 1] for a distance in km. */
double	rules_distance_score(const struct rules *r, double km);

/* The values a condition is tested against (matcher/subject.c fills
 * them). */
struct rule_subject {
	const char	*text;		/* FK_TEXT, single */
	const char	*const *list;	/* FK_TEXT, several */
	size_t		 nlist;
	uint32_t	 bits;		/* FK_ENUM: 1 << each value */
	double		 num;		/* FK_NUMBER */
	bool		 present;	/* absent numbers and texts never match */
};
typedef void rule_subject_fn(int field, const void *obj,
	    struct rule_subject *out);

/* Sets bit i of out for every rule whose conditions on the posting hold
 * (a rule without any is set). */
void	rules_eval_job(struct rules *r, rule_subject_fn *fn, const void *job,
	    uint64_t out[RULE_WORDS]);

/* The same for the seeker's conditions, counting pattern matches against
 * *budget; a pattern tried with no budget left counts as not matching. */
void	rules_eval_seeker(struct rules *r, rule_subject_fn *fn,
	    const void *seeker, uint64_t out[RULE_WORDS], uint32_t *budget);

/* The flags whose pattern finds title or description (either may be
 * NULL), as bits: 1 << the flag's index in the spec. A pattern run that
 * hits a limit or the deadline (rules_deadline) counts as not finding. */
uint32_t rules_flag_text(struct rules *r, const char *title,
	    const char *description);

/* Whether rule i's conditions on the pair (the distance) hold. */
bool	rules_eval_pair(const struct rules *r, size_t i, double distance_km);

/* Whether rule i has conditions on the seeker, on the posting. */
bool	rules_has_side(const struct rules *r, size_t i, int side);

/* The first condition of rule i on this side that fails, for explain:
 * its field name, or NULL when all hold. Uses no budget. */
const char *rules_failed_cond(struct rules *r, size_t i, int side,
	    rule_subject_fn *fn, const void *obj, double distance_km);

/*
 * Bounds the pattern time of what follows to budget_us from now (0: lifts
 * the bound). Every pattern run is compiled with automatic callouts that
 * look at the clock, so even a pattern that never reaches a PCRE2 limit
 * stops at the deadline; from then on pattern runs count as not matching
 * (limit_hits, then budget_out). Without a clock this does nothing.
 */
void	rules_deadline(struct rules *r, uint64_t budget_us);
/* Whether the current deadline has passed. */
bool	rules_deadline_passed(const struct rules *r);
/* The limits the rule set was compiled with. */
const struct regex_limits *rules_limits(const struct rules *r);

struct rules_stats {
	uint64_t	limit_hits;	/* matches stopped by a PCRE2 limit */
	uint64_t	budget_out;	/* patterns skipped: budget spent */
	uint64_t	matches;	/* pattern matches run */
};
const struct rules_stats *rules_stats_of(const struct rules *r);

#endif

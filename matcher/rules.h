/*
 * rules.h - the scoring rule set: component weights, distance decay and skill
 * synonyms (PCRE2 patterns). A rule set is described by a plain struct
 * rules_spec (proto/ fills it from JSON), then compiled once into a struct
 * rules that the matcher uses until the next version replaces it.
 */
#ifndef JM_RULES_H
#define JM_RULES_H

#include <stddef.h>
#include <stdint.h>

enum decay_shape { DECAY_EXP, DECAY_LINEAR, DECAY_GAUSS };

struct synonym_spec {
	char	*term;		/* canonical term */
	char	*pattern;	/* PCRE2, matched against a normalised skill */
};

struct rules_spec {
	int64_t			 version;
	double			 w_skills, w_distance, w_policy;
	int			 shape;		/* enum decay_shape */
	double			 scale_km;	/* decay scale, > 0 */
	double			 max_km;	/* default max distance, > 0 */
	struct synonym_spec	*syn;
	size_t			 nsyn;
};

/* Bounds on every pattern and every match (from the config). */
struct regex_limits {
	uint32_t	match_limit;
	uint32_t	depth_limit;
	uint32_t	max_pattern_len;
	uint32_t	max_subject_len;	/* bytes of a subject tried */
};

struct rules;

void	rules_spec_defaults(struct rules_spec *s);
void	rules_spec_clear(struct rules_spec *s);

/*
 * Compiles spec. On success the new rule set takes ownership of what spec
 * holds (spec is left empty) and 0 is returned; on error spec is untouched,
 * err says which synonym and pattern offset failed, and -1 is returned.
 */
int	rules_compile(struct rules **out, struct rules_spec *spec,
	    const struct regex_limits *lim, char *err, size_t errlen);
void	rules_free(struct rules *r);

const struct rules_spec *rules_spec_of(const struct rules *r);

/*
 * Writes the canonical form of skill into buf: trimmed, ASCII lower case,
 * inner white space folded to one space, then replaced by the term of the
 * first synonym whose pattern matches. Returns buf.
 */
const char *rules_canon_skill(struct rules *r, const char *skill, char *buf,
	    size_t buflen);

/* The distance component in [0, 1] for a distance in km. */
double	rules_distance_score(const struct rules *r, double km);

/* Number of pattern matches that hit a PCRE2 limit, since compile. */
uint64_t rules_limit_hits(const struct rules *r);

#endif

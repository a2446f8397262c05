/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fuzz_proto.c - libFuzzer target for the protocol: bytes in, responses
 * out. The input is cut into lines as a connection cuts them; each line is
 * parsed and checked as a request (or a batch), its params go through the
 * decoder of every method that takes a record (postings, employers,
 * seekers, matches, fairs, rosters, interests), what decodes is encoded
 * again (a fair and a roster also read back as stored), and every
 * response is serialised. Each line is also read as a
 * stored posting, by the load's reader and by the general decoder.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "matcher/model.h"
#include "matcher/towns.h"
#include "matcher/quota.h"
#include "proto/codec.h"
#include "proto/codec_fair.h"
#include "proto/codec_roster.h"
#include "proto/frame.h"
#include "proto/interest.h"
#include "proto/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char towns_tsv[] =
    "code\tname\tkind\tlat\tlon\n"
    "500231001000\t桂溪街道\tsubdistrict\t30.3336\t107.3455\n"
    "500231101000\t新民镇\ttown\t30.3976\t107.3895\n";
static struct towns towns;

static void
respond(json_t *resp)
{
	size_t len;
	char *line = rpc_dump(resp, &len);

	free(line);
	json_decref(resp);
}

static void fairs(json_t *p);

static void
params(json_t *p)
{
	struct match_params mp;
	struct job j;
	struct employer e;
	struct seeker s;
	struct perr pe;

	codec_match_init(&mp);
	(void)codec_match_decode(p, &towns, &mp, &pe);
	codec_match_clear(&mp);
	job_init(&j);
	if (codec_job_decode(json_object_get(p, "job"), "job", &towns, &j,
	    &pe) == 0)
		json_decref(codec_job_encode(&j, &towns));
	job_clear(&j);
	employer_init(&e);
	if (codec_employer_decode(json_object_get(p, "employer"), "employer",
	    &towns, &e, &pe) == 0)
		json_decref(codec_employer_encode(&e, &towns));
	employer_clear(&e);
	seeker_init(&s);
	if (codec_seeker_decode(json_object_get(p, "seeker"), "seeker",
	    &towns, &s, &pe) == 0)
		json_decref(codec_seeker_encode(&s, &towns));
	seeker_clear(&s);
	fairs(p);
}

/* A fair, a roster and an interest: decoded, encoded, and a fair and a
 * roster read back as stored must give what was encoded. */
static void
fairs(json_t *p)
{
	struct fair f, g;
	struct quota_roster ro, back;
	struct interest_rec in;
	struct perr pe;
	char emp[ID_MAX + 1], *text;
	json_t *doc;

	fair_init(&f);
	if (codec_fair_decode(json_object_get(p, "fair"), "fair", &towns, &f,
	    &pe) == 0 && (doc = codec_fair_encode(&f, &towns)) != NULL) {
		text = json_dumps(doc, JSON_COMPACT);
		fair_init(&g);
		if (text != NULL && codec_fair_load(text, strlen(text), &towns,
		    &g, &pe) != 0)
			abort();	/* what was stored must load */
		fair_clear(&g);
		free(text);
		json_decref(doc);
	}
	fair_clear(&f);
	memset(&ro, 0, sizeof(ro));
	if (codec_roster_decode(p, "", "entries", 2000, 2026, &ro, &pe) == 0 &&
	    (doc = codec_roster_doc("emp", &ro)) != NULL) {
		text = json_dumps(doc, JSON_COMPACT);
		memset(&back, 0, sizeof(back));
		if (text != NULL && codec_roster_load(text, strlen(text), emp,
		    &back, &pe) != 0)
			abort();
		if (text != NULL && back.n != ro.n)
			abort();
		free(back.v);
		free(text);
		json_decref(doc);
	}
	free(ro.v);
	if (interest_decode(p, &in, &pe) == 0)
		json_decref(interest_doc(&in));
}

static void
one(json_t *req)
{
	struct rpc_req r;

	rpc_check(req, &r);
	if (r.error != 0) {
		respond(rpc_error(r.id, r.error, r.message, NULL));
		return;
	}
	if (r.params != NULL && json_is_object(r.params))
		params(r.params);
	respond(rpc_result(r.id, json_string(r.method)));
}

/*
 * A line as a stored posting: whatever codec_job_scan accepts, json_loadb
 * and codec_job_decode must accept too, with the same record.
 */
static void
stored_job(const char *p, size_t len)
{
	struct job a, b;
	struct perr pe;
	json_t *o, *ea, *eb;

	job_init(&a);
	job_init(&b);
	if (codec_job_scan(p, len, &towns, &a) == 0) {
		if ((o = json_loadb(p, len, 0, NULL)) == NULL ||
		    codec_job_decode(o, "job", &towns, &b, &pe) == -1 ||
		    strcmp(a.id, b.id) != 0 || strcmp(a.title, b.title) != 0 ||
		    a.nskills != b.nskills || a.dis_mask != b.dis_mask ||
		    a.dis_any != b.dis_any || a.accom_mask != b.accom_mask ||
		    a.grades_mask != b.grades_mask || a.town != b.town ||
		    memcmp(&a.lat, &b.lat, sizeof(a.lat)) != 0 ||
		    memcmp(&a.lon, &b.lon, sizeof(a.lon)) != 0 ||
		    a.openings != b.openings || a.expires_at != b.expires_at ||
		    a.salary_min != b.salary_min || a.remote != b.remote)
			abort();
		/* and every other field: the records encode alike */
		ea = codec_job_encode(&a, &towns);
		eb = codec_job_encode(&b, &towns);
		if (ea == NULL || eb == NULL || !json_equal(ea, eb))
			abort();
		json_decref(ea);
		json_decref(eb);
		json_decref(o);
	}
	job_clear(&a);
	job_clear(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t len, used;
	char err[256];

	if (towns.n == 0 && towns_parse(&towns, towns_tsv,
	    sizeof(towns_tsv) - 1, err, sizeof(err)) == -1)
		return 0;
	while (size > 0) {
		json_t *root;
		enum frame_status st = frame_next(p, size, 65536, &len, &used);

		if (st == FRAME_TOO_LONG) {
			respond(rpc_error(NULL, RPC_INVALID_REQUEST, "too long",
			    NULL));
			break;
		}
		if (st == FRAME_PARTIAL) {
			len = size;	/* the last line, without its newline */
			used = size;
		}
		if (len > 0) {
			stored_job(p, len);
			if (rpc_parse(p, len, &root, err, sizeof(err)) != 0)
				respond(rpc_error(NULL, RPC_PARSE_ERROR, err,
				    NULL));
			else if (json_is_array(root)) {
				size_t i;
				json_t *v;
				json_array_foreach(root, i, v)
					one(v);
				json_decref(root);
			} else {
				one(root);
				json_decref(root);
			}
		}
		p += used;
		size -= used;
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * fuzz_rules.c - libFuzzer target for rule-set validation: a JSON document
 * in, decoded, compiled and probed under the default limits (no clock, so
 * only PCRE2's own limits bound a probe), then freed.
 */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "matcher/rules.h"
#include "proto/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct regex_limits lim;
	struct rules_spec spec;
	struct rules_error err;
	struct rules *r = NULL;
	struct perr pe;
	json_t *doc;

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL);
	if (doc == NULL)
		return 0;
	regex_limits_defaults(&lim);
	rules_spec_defaults(&spec);
	if (codec_rules_decode(doc, &spec, &pe) == 0 &&
	    rules_compile(&r, &spec, &lim, &err) == 0)
		rules_free(r);
	rules_spec_clear(&spec);
	json_decref(doc);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * rpc.c - see rpc.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/model.h"
#include "proto/rpc.h"

int
rpc_parse(const char *line, size_t len, json_t **root, char *err,
    size_t errlen)
{
	json_error_t je;

	*root = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
	    &je);
	if (*root == NULL) {
		snprintf(err, errlen, "parse error at byte %d: %s",
		    je.position, je.text);
		/* jansson quotes the input near the error, maybe half a
		 * character of it: keep the message valid UTF-8. */
		if (utf8_count(err, strlen(err)) < 0)
			for (char *p = err; *p != '\0'; p++)
				if ((unsigned char)*p >= 0x80)
					*p = '?';
		return RPC_PARSE_ERROR;
	}
	return 0;
}

static bool
id_usable(const json_t *id)
{
	return json_is_string(id) || json_is_number(id) || json_is_null(id);
}

void
rpc_check(json_t *req, struct rpc_req *r)
{
	const char *key;
	json_t *v, *id;

	memset(r, 0, sizeof(*r));
	r->error = RPC_INVALID_REQUEST;
	if (!json_is_object(req)) {
		r->message = "a request must be a JSON object";
		return;
	}
	id = json_object_get(req, "id");
	if (id != NULL && id_usable(id))
		r->id = id;
	json_object_foreach(req, key, v) {
		if (strcmp(key, "jsonrpc") != 0 && strcmp(key, "id") != 0 &&
		    strcmp(key, "method") != 0 && strcmp(key, "params") != 0) {
			r->message = "unknown member in request";
			return;
		}
	}
	if ((v = json_object_get(req, "jsonrpc")) == NULL ||
	    !json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0) {
		r->message = "jsonrpc must be \"2.0\"";
		return;
	}
	if (id != NULL && !id_usable(id)) {
		r->message = "id must be a string, a number or null";
		return;
	}
	if ((v = json_object_get(req, "method")) == NULL ||
	    !json_is_string(v)) {
		r->message = "method must be a string";
		return;
	}
	r->method = json_string_value(v);
	if ((v = json_object_get(req, "params")) != NULL) {
		if (!json_is_object(v) && !json_is_array(v)) {
			r->message = "params must be an object";
			return;
		}
		r->params = v;
	}
	r->error = 0;
	r->message = NULL;
}

static json_t *
response(json_t *id)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "jsonrpc", json_string("2.0"));
	json_object_set(o, "id", id != NULL ? id : json_null());
	return o;
}

json_t *
rpc_result(json_t *id, json_t *result)
{
	json_t *o = response(id);

	if (o == NULL) {
		json_decref(result);
		return NULL;
	}
	json_object_set_new(o, "result", result != NULL ? result : json_null());
	return o;
}

json_t *
rpc_error(json_t *id, int code, const char *message, json_t *data)
{
	json_t *o = response(id), *e;

	if (o == NULL || (e = json_object()) == NULL) {
		json_decref(o);
		json_decref(data);
		return NULL;
	}
	json_object_set_new(e, "code", json_integer(code));
	/* A message that is not valid UTF-8 must not vanish from the reply. */
	if (json_object_set_new(e, "message", json_string(message)) == -1)
		json_object_set_new(e, "message", json_string("error"));
	if (data != NULL)
		json_object_set_new(e, "data", data);
	json_object_set_new(o, "error", e);
	return o;
}

json_t *
rpc_error_field(json_t *id, const char *field, const char *reason)
{
	char msg[320];

	snprintf(msg, sizeof(msg), "invalid params: %s: %s", field, reason);
	return rpc_error(id, RPC_INVALID_PARAMS, msg,
	    json_pack("{s:s, s:s}", "field", field, "reason", reason));
}

/* Whether resp (a response or a batch of them) echoes a non-integer id. */
static bool
has_real_id(const json_t *resp)
{
	size_t i;
	json_t *v;

	if (!json_is_array(resp))
		return json_is_real(json_object_get(resp, "id"));
	json_array_foreach(resp, i, v)
		if (json_is_real(json_object_get(v, "id")))
			return true;
	return false;
}

char *
rpc_dump(const json_t *resp, size_t *len)
{
	/*
	 * Twelve significant digits print scores and coordinates as people
	 * expect (0.966, not 0.96599999999999997). A fractional id must come
	 * back as the same number, which takes all 17.
	 */
	size_t flags = JSON_COMPACT |
	    JSON_REAL_PRECISION(has_real_id(resp) ? 17 : 12);
	size_t n = json_dumpb(resp, NULL, 0, flags);
	char *buf;

	if (n == 0 || (buf = malloc(n + 1)) == NULL)
		return NULL;
	if (json_dumpb(resp, buf, n, flags) != n) {
		free(buf);
		return NULL;
	}
	buf[n] = '\n';
	*len = n + 1;
	return buf;
}

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_rpc.c - proto/rpc.h: parsing a line, the JSON-RPC 2.0 envelope and
 * the shape of responses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "matcher/model.h"
#include "proto/rpc.h"

/* Parses a NUL-terminated JSON text that the test knows to be valid. */
static json_t *
load(const char *s)
{
	json_error_t je;
	json_t *v = json_loads(s, JSON_DECODE_ANY, &je);

	if (v == NULL)
		fail_msg("bad test JSON %s: %s", s, je.text);
	return v;
}

/* rpc_parse on a C string; returns the code and leaves *root. */
static int
parse(const char *s, json_t **root, char *err, size_t errlen)
{
	return rpc_parse(s, strlen(s), root, err, errlen);
}

static void
test_parse_valid(void **state)
{
	char err[200] = "";
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"method\":\"ping\"}", &root, err, sizeof(err)), 0);
	assert_true(json_is_object(root));
	assert_string_equal(json_string_value(json_object_get(root, "method")),
	    "ping");
	assert_int_equal(json_integer_value(json_object_get(root, "id")), 1);
	assert_string_equal(err, "");
	json_decref(root);

	/* Only len bytes are read: what follows is not part of the line. */
	assert_int_equal(rpc_parse("[1,2]garbage", 5, &root, err, sizeof(err)),
	    0);
	assert_true(json_is_array(root));
	assert_int_equal(json_array_size(root), 2);
	json_decref(root);
}

static void
test_parse_scalars(void **state)
{
	char err[200];
	json_t *root = NULL;

	(void)state;
	assert_int_equal(parse("42", &root, err, sizeof(err)), 0);
	assert_true(json_is_integer(root));
	assert_int_equal(json_integer_value(root), 42);
	json_decref(root);
	assert_int_equal(parse("\"x\"", &root, err, sizeof(err)), 0);
	assert_string_equal(json_string_value(root), "x");
	json_decref(root);
	assert_int_equal(parse("null", &root, err, sizeof(err)), 0);
	assert_true(json_is_null(root));
	json_decref(root);
}

static void
test_parse_errors(void **state)
{
	static const char *bad[] = {
		"", "{", "{\"a\":}", "{\"a\":1} x", "{} {}", "[1,]", "nul",
		"{'a':1}", "\"\xff\"",
	};
	char err[200];
	json_t *root;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		root = (json_t *)&root;
		err[0] = '\0';
		assert_int_equal(parse(bad[i], &root, err, sizeof(err)),
		    RPC_PARSE_ERROR);
		assert_null(root);
		assert_memory_equal(err, "parse error at byte ", 20);
	}
}

/* jansson quotes the input near an error, maybe half a character of it;
 * the message stays valid UTF-8, and an error never loses its message. */
static void
test_parse_error_message_utf8(void **state)
{
	static const char in[] = "[\"\\\xf0\x9f\x8c\x80\"]";
	char err[256];
	json_t *root, *resp;

	(void)state;
	assert_int_equal(rpc_parse(in, sizeof(in) - 1, &root, err, sizeof(err)),
	    RPC_PARSE_ERROR);
	assert_true(utf8_count(err, strlen(err)) > 0);
	resp = rpc_error(NULL, RPC_PARSE_ERROR, err, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    resp, "error"), "message")), err);
	json_decref(resp);
	resp = rpc_error(NULL, RPC_PARSE_ERROR, "bad \xf0", NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    resp, "error"), "message")), "error");
	json_decref(resp);
}

static void
test_parse_trailing_garbage(void **state)
{
	char err[200];
	json_t *root;

	(void)state;
	assert_int_equal(parse("{\"id\":1}}", &root, err, sizeof(err)),
	    RPC_PARSE_ERROR);
	assert_null(root);
	assert_non_null(strstr(err, "end of file expected"));
}

static void
test_parse_nul(void **state)
{
	static const char trailing[] = "{\"a\":1}\0";
	static const char instring[] = "{\"a\":\"x\0y\"}";
	static const char escaped[] = "{\"a\":\"x\\u0000y\"}";
	char err[200];
	json_t *root;

	(void)state;
	assert_int_equal(rpc_parse(trailing, sizeof(trailing) - 1, &root, err,
	    sizeof(err)), RPC_PARSE_ERROR);
	assert_null(root);
	assert_int_equal(rpc_parse(instring, sizeof(instring) - 1, &root, err,
	    sizeof(err)), RPC_PARSE_ERROR);
	assert_null(root);
	/* An escaped NUL would cut strings short in C: refused too. */
	assert_int_equal(rpc_parse(escaped, sizeof(escaped) - 1, &root, err,
	    sizeof(err)), RPC_PARSE_ERROR);
	assert_null(root);
}

static void
test_parse_duplicate_keys(void **state)
{
	char err[200];
	json_t *root;

	(void)state;
	assert_int_equal(parse("{\"id\":1,\"method\":\"a\",\"id\":2}", &root,
	    err, sizeof(err)), RPC_PARSE_ERROR);
	assert_null(root);
	assert_non_null(strstr(err, "duplicate"));
	/* Nested objects too. */
	assert_int_equal(parse("{\"params\":{\"x\":1,\"x\":1}}", &root, err,
	    sizeof(err)), RPC_PARSE_ERROR);
	assert_null(root);
}

/* Checks the request text s and returns r (pointers borrowed from *keep). */
static struct rpc_req
check(const char *s, json_t **keep)
{
	struct rpc_req r;

	*keep = load(s);
	memset(&r, 0x5a, sizeof(r));
	rpc_check(*keep, &r);
	return r;
}

/* s must be refused with message msg; id_kept: r.id is the request's id. */
static void
assert_invalid(const char *s, bool id_kept, const char *msg)
{
	json_t *req;
	struct rpc_req r = check(s, &req);

	assert_int_equal(r.error, RPC_INVALID_REQUEST);
	assert_string_equal(r.message, msg);
	assert_null(r.params);
	if (id_kept)
		assert_ptr_equal(r.id, json_object_get(req, "id"));
	else
		assert_null(r.id);
	json_decref(req);
}

static void
test_check_valid(void **state)
{
	json_t *req;
	struct rpc_req r;

	(void)state;
	r = check("{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"match\","
	    "\"params\":{\"limit\":3}}", &req);
	assert_int_equal(r.error, 0);
	assert_null(r.message);
	assert_string_equal(r.method, "match");
	assert_ptr_equal(r.id, json_object_get(req, "id"));
	assert_string_equal(json_string_value(r.id), "a-1");
	assert_ptr_equal(r.params, json_object_get(req, "params"));
	json_decref(req);

	/* params is optional. */
	r = check("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}", &req);
	assert_int_equal(r.error, 0);
	assert_null(r.params);
	assert_int_equal(json_integer_value(r.id), 7);
	json_decref(req);

	/* A real id is usable too. */
	r = check("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", &req);
	assert_int_equal(r.error, 0);
	assert_true(json_is_real(r.id));
	json_decref(req);
}

#define E_OBJECT	"a request must be a JSON object"
#define E_JSONRPC	"jsonrpc must be \"2.0\""
#define E_ID		"id must be a string, a number or null"
#define E_METHOD	"method must be a string"
#define E_PARAMS	"params must be an object"

static void
test_check_not_object(void **state)
{
	(void)state;
	assert_invalid("[1]", false, E_OBJECT);
	assert_invalid("42", false, E_OBJECT);
	assert_invalid("\"ping\"", false, E_OBJECT);
	assert_invalid("null", false, E_OBJECT);
}

static void
test_check_jsonrpc(void **state)
{
	(void)state;
	assert_invalid("{\"id\":1,\"method\":\"ping\"}", true, E_JSONRPC);
	assert_invalid("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
	    true, E_JSONRPC);
	assert_invalid("{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
	    true, E_JSONRPC);
	assert_invalid("{\"jsonrpc\":null,\"id\":1,\"method\":\"ping\"}",
	    true, E_JSONRPC);
	assert_invalid("{\"jsonrpc\":\"2.0 \",\"id\":1,\"method\":\"ping\"}",
	    true, E_JSONRPC);
}

static void
test_check_bad_id(void **state)
{
	(void)state;
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
	    false, E_ID);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
	    false, E_ID);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
	    false, E_ID);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":false,\"method\":\"ping\"}",
	    false, E_ID);
	/* A bad id wins over a missing method: still no usable id. */
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":{}}", false, E_ID);
}

static void
test_check_method(void **state)
{
	(void)state;
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":1}", true, E_METHOD);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", true,
	    E_METHOD);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":null}", true,
	    E_METHOD);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":[\"a\"]}",
	    true, E_METHOD);
	/* Without an id, an invalid request still has no usable id. */
	assert_invalid("{\"jsonrpc\":\"2.0\",\"method\":5}", false, E_METHOD);
}

static void
test_check_params(void **state)
{
	json_t *req;
	struct rpc_req r;

	(void)state;
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\","
	    "\"params\":\"x\"}", true, E_PARAMS);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\","
	    "\"params\":3}", true, E_PARAMS);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\","
	    "\"params\":true}", true, E_PARAMS);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\","
	    "\"params\":null}", true, E_PARAMS);

	/* An array passes the envelope; the method answers -32602. */
	r = check("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\","
	    "\"params\":[1,2]}", &req);
	assert_int_equal(r.error, 0);
	assert_true(json_is_array(r.params));
	assert_int_equal(json_array_size(r.params), 2);
	json_decref(req);
}

static void
test_check_unknown_member(void **state)
{
	json_t *req;
	struct rpc_req r;

	(void)state;
	r = check("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"a\",\"extra\":1}",
	    &req);
	assert_int_equal(r.error, RPC_INVALID_REQUEST);
	assert_string_equal(r.message, "unknown member in request");
	assert_int_equal(json_integer_value(r.id), 3);
	json_decref(req);
	assert_invalid("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"Params\":{}}",
	    false, "unknown member in request");
}

static void
test_check_notification(void **state)
{
	json_t *req;
	struct rpc_req r;

	(void)state;
	r = check("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":{}}",
	    &req);
	assert_int_equal(r.error, 0);
	assert_null(r.id);
	assert_null(r.message);
	assert_string_equal(r.method, "ping");
	assert_true(json_is_object(r.params));
	json_decref(req);
}

static void
test_check_id_null(void **state)
{
	json_t *req;
	struct rpc_req r;

	(void)state;
	/* An explicit null id is a request, not a notification. */
	r = check("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
	    &req);
	assert_int_equal(r.error, 0);
	assert_non_null(r.id);
	assert_true(json_is_null(r.id));
	json_decref(req);
}

/* Dumps v (stolen) and compares with want, which ends in "\n". */
static void
assert_dump(json_t *v, const char *want)
{
	size_t len = 0;
	char *s;

	assert_non_null(v);
	s = rpc_dump(v, &len);
	assert_non_null(s);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(s, want, len);
	free(s);
	json_decref(v);
}

static void
test_result_shape(void **state)
{
	json_t *id = json_integer(7), *r;

	(void)state;
	r = rpc_result(id, json_pack("{s:b}", "pong", 1));
	assert_string_equal(json_string_value(json_object_get(r, "jsonrpc")),
	    "2.0");
	assert_ptr_equal(json_object_get(r, "id"), id);
	assert_true(json_is_true(json_object_get(json_object_get(r, "result"),
	    "pong")));
	assert_null(json_object_get(r, "error"));
	assert_int_equal(json_object_size(r), 3);
	/* The id is borrowed: the response holds its own reference. */
	assert_int_equal(id->refcount, 2);
	json_decref(r);
	assert_int_equal(id->refcount, 1);
	json_decref(id);

	assert_dump(rpc_result(NULL, NULL),
	    "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":null}\n");
	id = json_string("q-9");
	assert_dump(rpc_result(id, json_integer(1)),
	    "{\"jsonrpc\":\"2.0\",\"id\":\"q-9\",\"result\":1}\n");
	json_decref(id);
}

static void
test_error_shape(void **state)
{
	json_t *id = json_string("x"), *r, *e;

	(void)state;
	r = rpc_error(id, RPC_METHOD_NOT_FOUND, "method not found", NULL);
	assert_string_equal(json_string_value(json_object_get(r, "jsonrpc")),
	    "2.0");
	assert_string_equal(json_string_value(json_object_get(r, "id")), "x");
	assert_null(json_object_get(r, "result"));
	e = json_object_get(r, "error");
	assert_int_equal(json_integer_value(json_object_get(e, "code")),
	    -32601);
	assert_string_equal(json_string_value(json_object_get(e, "message")),
	    "method not found");
	assert_null(json_object_get(e, "data"));
	assert_int_equal(json_object_size(e), 2);
	json_decref(r);
	json_decref(id);

	assert_dump(rpc_error(NULL, RPC_PARSE_ERROR, "parse error",
	    json_pack("{s:b}", "applied", 0)),
	    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
	    "\"message\":\"parse error\",\"data\":{\"applied\":false}}}\n");
}

static void
test_error_field_shape(void **state)
{
	json_t *id = json_integer(12), *r, *e, *d;

	(void)state;
	r = rpc_error_field(id, "profile.location.lat",
	    "must be from -90 to 90");
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 12);
	e = json_object_get(r, "error");
	assert_int_equal(json_integer_value(json_object_get(e, "code")),
	    RPC_INVALID_PARAMS);
	assert_string_equal(json_string_value(json_object_get(e, "message")),
	    "invalid params: profile.location.lat: must be from -90 to 90");
	d = json_object_get(e, "data");
	assert_int_equal(json_object_size(d), 2);
	assert_string_equal(json_string_value(json_object_get(d, "field")),
	    "profile.location.lat");
	assert_string_equal(json_string_value(json_object_get(d, "reason")),
	    "must be from -90 to 90");
	json_decref(r);
	json_decref(id);
}

static void
test_dump(void **state)
{
	json_t *id = json_integer(1), *arr;
	size_t len = 0;
	char *s;

	(void)state;
	/* Compact, UTF-8 as is, one "\n" at the end. */
	assert_dump(rpc_result(id, json_pack("{s:s, s:[i,i]}", "title",
	    "盲人按摩师", "a", 1, 2)),
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"title\":"
	    "\"盲人按摩师\",\"a\":[1,2]}}\n");
	/* Scores print with 12 digits; a fractional id keeps all of its. */
	assert_dump(rpc_result(id, json_pack("{s:f}", "score", 0.966)),
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"score\":0.966}}\n");
	{
		json_t *rid = json_real(3.141592653589793), *back;
		json_t *resp = rpc_result(rid, json_null());
		char *line = rpc_dump(resp, &len);

		assert_non_null(line);
		back = json_loadb(line, len, 0, NULL);
		assert_non_null(back);
		assert_true(json_real_value(json_object_get(back, "id")) ==
		    3.141592653589793);
		json_decref(back);
		json_decref(resp);
		json_decref(rid);
		free(line);
	}
	/* A string holding a newline is escaped: still one line. */
	arr = json_pack("{s:s}", "m", "a\nb");
	s = rpc_dump(arr, &len);
	assert_non_null(s);
	assert_int_equal(len, strlen("{\"m\":\"a\\nb\"}\n"));
	assert_memory_equal(s, "{\"m\":\"a\\nb\"}\n", len);
	assert_null(memchr(s, '\n', len - 1));
	free(s);
	json_decref(arr);
	/* A batch of responses is one line too. */
	arr = json_array();
	json_array_append_new(arr, rpc_result(id, json_true()));
	json_array_append_new(arr, rpc_error(NULL, RPC_INVALID_REQUEST,
	    "invalid", NULL));
	assert_dump(arr, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true},"
	    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
	    "\"message\":\"invalid\"}}]\n");
	json_decref(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_scalars),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_error_message_utf8),
		cmocka_unit_test(test_parse_trailing_garbage),
		cmocka_unit_test(test_parse_nul),
		cmocka_unit_test(test_parse_duplicate_keys),
		cmocka_unit_test(test_check_valid),
		cmocka_unit_test(test_check_not_object),
		cmocka_unit_test(test_check_jsonrpc),
		cmocka_unit_test(test_check_bad_id),
		cmocka_unit_test(test_check_method),
		cmocka_unit_test(test_check_params),
		cmocka_unit_test(test_check_unknown_member),
		cmocka_unit_test(test_check_notification),
		cmocka_unit_test(test_check_id_null),
		cmocka_unit_test(test_result_shape),
		cmocka_unit_test(test_error_shape),
		cmocka_unit_test(test_error_field_shape),
		cmocka_unit_test(test_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

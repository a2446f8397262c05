/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * rpc.h - the JSON-RPC 2.0 envelope: parsing a line into requests and
 * building responses. Pure: no I/O.
 */
#ifndef JM_RPC_H
#define JM_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define RPC_PARSE_ERROR		-32700
#define RPC_INVALID_REQUEST	-32600
#define RPC_METHOD_NOT_FOUND	-32601
#define RPC_INVALID_PARAMS	-32602
#define RPC_INTERNAL_ERROR	-32603
#define RPC_UNAUTHORIZED	-32001
#define RPC_NOT_FOUND		-32002
#define RPC_CONFLICT		-32003
#define RPC_STORE_UNAVAILABLE	-32004
#define RPC_BUSY		-32005
#define RPC_RULE_ERROR		-32006

/* One request of a line (or of a batch), checked against the envelope. */
struct rpc_req {
	json_t		*id;		/* borrowed; NULL for a notification */
	const char	*method;	/* borrowed */
	json_t		*params;	/* borrowed; NULL when absent */
	int		 error;		/* 0, or the code to answer with */
	const char	*message;	/* why, when error != 0 */
};

/*
 * Parses one line (len bytes, NUL bytes allowed and refused) into *root,
 * which the caller must json_decref. Returns 0, or RPC_PARSE_ERROR with a
 * message in err (then *root is NULL). Duplicate object keys are a parse
 * error.
 */
int	rpc_parse(const char *line, size_t len, json_t **root, char *err,
	    size_t errlen);

/*
 * Checks one request object against the envelope and fills r. When the
 * request is invalid, r->error is RPC_INVALID_REQUEST and r->id is the
 * request's id if it was usable (else NULL: answer with id null); such a
 * request is always answered, even without an id.
 */
void	rpc_check(json_t *req, struct rpc_req *r);

/* Responses. id is borrowed (NULL = null); result and data are stolen. */
json_t	*rpc_result(json_t *id, json_t *result);
json_t	*rpc_error(json_t *id, int code, const char *message, json_t *data);

/* Error response for invalid params: data {field, reason}. */
json_t	*rpc_error_field(json_t *id, const char *field, const char *reason);

/*
 * Serialises a response (or an array of them) as one line ending in "\n".
 * Returns a malloc'd string and its length in *len, or NULL.
 */
char	*rpc_dump(const json_t *resp, size_t *len);

#endif

/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_frame.c - proto/frame.h: newline framing and the line limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "proto/frame.h"

#define SENTINEL ((size_t)0xdeadbeef)

/* Runs frame_next on the first len bytes of s. */
static enum frame_status
next(const char *s, size_t len, size_t max, size_t *linelen, size_t *used)
{
	*linelen = *used = SENTINEL;
	return frame_next(s, len, max, linelen, used);
}

/* A buffer of n bytes of 'x' followed by tail (tlen bytes). Caller frees. */
static char *
filled(size_t n, const char *tail, size_t tlen)
{
	char *b = malloc(n + tlen + 1);

	assert_non_null(b);
	memset(b, 'x', n);
	memcpy(b + n, tail, tlen);
	b[n + tlen] = '\0';
	return b;
}

static void
test_lf(void **state)
{
	size_t ll, used;

	(void)state;
	assert_int_equal(next("hello\n", 6, 100, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 5);
	assert_int_equal(used, 6);
}

static void
test_crlf(void **state)
{
	size_t ll, used;

	(void)state;
	assert_int_equal(next("hello\r\n", 7, 100, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 5);
	assert_int_equal(used, 7);
}

static void
test_empty_lines(void **state)
{
	size_t ll, used;

	(void)state;
	assert_int_equal(next("\n", 1, 100, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 0);
	assert_int_equal(used, 1);
	assert_int_equal(next("\r\n", 2, 100, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 0);
	assert_int_equal(used, 2);
	/* An empty line with max 0 is still within the limit. */
	assert_int_equal(next("\r\nabc", 5, 0, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 0);
	assert_int_equal(used, 2);
}

static void
test_nothing_yet(void **state)
{
	size_t ll, used;

	(void)state;
	assert_int_equal(next("", 0, 100, &ll, &used), FRAME_PARTIAL);
	assert_int_equal(ll, SENTINEL);
	assert_int_equal(used, SENTINEL);
}

static void
test_exactly_max_lf(void **state)
{
	char *b = filled(16, "\n", 1);
	size_t ll, used;

	(void)state;
	assert_int_equal(next(b, 17, 16, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 16);
	assert_int_equal(used, 17);
	free(b);
}

static void
test_exactly_max_crlf(void **state)
{
	char *b = filled(16, "\r\n", 2);
	size_t ll, used;

	(void)state;
	assert_int_equal(next(b, 18, 16, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 16);
	assert_int_equal(used, 18);
	free(b);
}

static void
test_max_plus_one(void **state)
{
	char *lf = filled(17, "\n", 1), *crlf = filled(17, "\r\n", 2);
	size_t ll, used;

	(void)state;
	assert_int_equal(next(lf, 18, 16, &ll, &used), FRAME_TOO_LONG);
	assert_int_equal(ll, SENTINEL);
	assert_int_equal(next(crlf, 19, 16, &ll, &used), FRAME_TOO_LONG);
	assert_int_equal(ll, SENTINEL);
	/* A much longer line with its newline in the buffer. */
	free(lf);
	lf = filled(100, "\n", 1);
	assert_int_equal(next(lf, 101, 16, &ll, &used), FRAME_TOO_LONG);
	free(lf);
	free(crlf);
}

static void
test_partial_below_limit(void **state)
{
	char *b = filled(15, "", 0);
	size_t ll, used;

	(void)state;
	assert_int_equal(next(b, 15, 16, &ll, &used), FRAME_PARTIAL);
	assert_int_equal(ll, SENTINEL);
	assert_int_equal(used, SENTINEL);
	/* A "\r" waiting for its "\n" is partial too. */
	assert_int_equal(next("abc\r", 4, 16, &ll, &used), FRAME_PARTIAL);
	free(b);
}

static void
test_partial_at_limit(void **state)
{
	char *b = filled(16, "", 0);
	size_t ll, used;

	(void)state;
	assert_int_equal(next(b, 16, 16, &ll, &used), FRAME_PARTIAL);
	free(b);
	/* max bytes and a "\r": the "\n" may still come. */
	b = filled(16, "\r", 1);
	assert_int_equal(next(b, 17, 16, &ll, &used), FRAME_PARTIAL);
	assert_int_equal(ll, SENTINEL);
	/* ... and when it comes, the line is accepted. */
	free(b);
	b = filled(16, "\r\n", 2);
	assert_int_equal(next(b, 18, 16, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 16);
	free(b);
}

static void
test_partial_above_limit(void **state)
{
	char *b = filled(18, "", 0);
	size_t ll, used;

	(void)state;
	/* len > max + 1 without a newline can never become a valid line. */
	assert_int_equal(next(b, 18, 16, &ll, &used), FRAME_TOO_LONG);
	assert_int_equal(next(b, 18, 0, &ll, &used), FRAME_TOO_LONG);
	free(b);
	b = filled(16, "\r\r", 2);
	assert_int_equal(next(b, 18, 16, &ll, &used), FRAME_TOO_LONG);
	free(b);
	/* A newline beyond max + 2 bytes is not looked for. */
	b = filled(40, "\n", 1);
	assert_int_equal(next(b, 41, 16, &ll, &used), FRAME_TOO_LONG);
	free(b);
}

static void
test_several_lines(void **state)
{
	const char buf[] = "one\ntwo\r\n\nthree";
	const char *p = buf;
	size_t left = sizeof(buf) - 1, ll, used;

	(void)state;
	assert_int_equal(next(p, left, 10, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 3);
	assert_int_equal(used, 4);
	assert_memory_equal(p, "one", 3);
	p += used;
	left -= used;
	assert_int_equal(next(p, left, 10, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 3);
	assert_int_equal(used, 5);
	assert_memory_equal(p, "two", 3);
	p += used;
	left -= used;
	assert_int_equal(next(p, left, 10, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 0);
	assert_int_equal(used, 1);
	p += used;
	left -= used;
	assert_int_equal(left, 5);
	assert_int_equal(next(p, left, 10, &ll, &used), FRAME_PARTIAL);
}

static void
test_nul_inside(void **state)
{
	const char buf[] = "a\0b\0\n";
	size_t ll, used;

	(void)state;
	assert_int_equal(next(buf, sizeof(buf) - 1, 10, &ll, &used),
	    FRAME_LINE);
	assert_int_equal(ll, 4);
	assert_int_equal(used, 5);
	assert_memory_equal(buf, "a\0b\0", 4);
}

static void
test_lone_cr(void **state)
{
	size_t ll, used;

	(void)state;
	/* Only a "\r" right before the "\n" is dropped. */
	assert_int_equal(next("a\rb\n", 4, 10, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 3);
	assert_int_equal(used, 4);
	assert_int_equal(next("a\r\r\n", 4, 10, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 2);
	assert_int_equal(used, 4);
	assert_int_equal(next("\rab\n", 4, 10, &ll, &used), FRAME_LINE);
	assert_int_equal(ll, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lf),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_empty_lines),
		cmocka_unit_test(test_nothing_yet),
		cmocka_unit_test(test_exactly_max_lf),
		cmocka_unit_test(test_exactly_max_crlf),
		cmocka_unit_test(test_max_plus_one),
		cmocka_unit_test(test_partial_below_limit),
		cmocka_unit_test(test_partial_at_limit),
		cmocka_unit_test(test_partial_above_limit),
		cmocka_unit_test(test_several_lines),
		cmocka_unit_test(test_nul_inside),
		cmocka_unit_test(test_lone_cr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

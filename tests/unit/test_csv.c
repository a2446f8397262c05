/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * test_csv.c - tools/csv.h: RFC 4180 records, their spreadsheet row
 * numbers, malformed records and what comes after them, and cells written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/csv.h"

/* Reads every record of in into one line of text each: "ROW:a|b|c", or
 * "ROW:! why" for a malformed one. */
static char *
dump(const char *in, size_t len)
{
	struct csv c;
	struct csv_record r;
	char err[CSV_ERR_MAX], *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	int rc;

	assert_non_null(f);
	csv_init(&c, in, len);
	while ((rc = csv_next(&c, &r, err, sizeof(err))) != 0) {
		assert_true(rc == 1 || rc == -1);
		if (rc == -1) {
			fprintf(f, "%ld:! %s\n", r.row, err);
			continue;
		}
		fprintf(f, "%ld:", r.row);
		for (size_t i = 0; i < r.n; i++) {
			assert_int_equal(strlen(r.cells[i]), r.lens[i]);
			fprintf(f, "%s%s", i ? "|" : "", r.cells[i]);
		}
		fputc('\n', f);
	}
	csv_free(&c);
	fclose(f);
	return out;
}

static void
check(const char *in, const char *want)
{
	char *got = dump(in, strlen(in));

	assert_string_equal(got, want);
	free(got);
}

static void
test_plain(void **state)
{
	(void)state;
	check("", "");
	check("a,b,c", "1:a|b|c\n");
	check("a,b,c\n", "1:a|b|c\n");
	check("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
	check("a,b\rc,d\r", "1:a|b\n2:c|d\n");
	check("a,,\n,\n", "1:a||\n2:|\n");
	/* a blank line is a row of one empty cell */
	check("h\n\nx\n", "1:h\n2:\n3:x\n");
	/* spaces are kept: the caller trims */
	check(" a , b \n", "1: a | b \n");
}

static void
test_quoted(void **state)
{
	(void)state;
	check("\"a,b\",\"say \"\"hi\"\"\"\n", "1:a,b|say \"hi\"\n");
	check("\"\",x\n", "1:|x\n");
	/* a line end in a cell does not start a row; CRLF in it is LF */
	check("h1,h2\r\n\"one\r\ntwo\",x\r\nnext,y\r\n",
	    "1:h1|h2\n2:one\ntwo|x\n3:next|y\n");
	check("\"a\nb\nc\"\nz\n", "1:a\nb\nc\n2:z\n");
	check("\"last\"", "1:last\n");
	/* UTF-8 and GB18030 bytes pass as they are */
	check("\xe8\x81\x8c\xe4\xbd\x8d,\xd6\xb0\xce\xbb\n",
	    "1:\xe8\x81\x8c\xe4\xbd\x8d|\xd6\xb0\xce\xbb\n");
}

static void
test_malformed(void **state)
{
	(void)state;
	/* each goes past its line, and the rows after it keep their numbers */
	check("h\nab\"c,d\nok\n",
	    "1:h\n2:! a quote inside cell 1, which does not start with one "
	    "(quote the cell and write the quote twice)\n3:ok\n");
	check("h\n\"ab\"c,d\nok\n",
	    "1:h\n2:! text after the closing quote of cell 1 (a quote in a "
	    "cell is written twice)\n3:ok\n");
	check("h\nx,\"never closed\nmore\n",
	    "1:h\n2:! the quote that opens a cell here (byte 5 of the file) "
	    "is never closed\n");
}

static void
test_nul_kept(void **state)
{
	struct csv c;
	struct csv_record r;
	char err[CSV_ERR_MAX];
	static const char in[] = "a\0b,c\n";

	(void)state;
	csv_init(&c, in, sizeof(in) - 1);
	assert_int_equal(csv_next(&c, &r, err, sizeof(err)), 1);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.lens[0], 3);
	assert_memory_equal(r.cells[0], "a\0b", 3);
	assert_int_equal(csv_next(&c, &r, err, sizeof(err)), 0);
	csv_free(&c);
}

static void
test_many_cells(void **state)
{
	char in[4096], *got, want[8192];
	size_t n = 0, w;

	(void)state;
	w = (size_t)snprintf(want, sizeof(want), "1:");
	for (int i = 0; i < 500; i++) {
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%s%d",
		    i ? "," : "", i);
		w += (size_t)snprintf(want + w, sizeof(want) - w, "%s%d",
		    i ? "|" : "", i);
	}
	snprintf(want + w, sizeof(want) - w, "\n");
	got = dump(in, n);
	assert_string_equal(got, want);
	free(got);
}

static void
test_write(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	csv_write_cell(f, "plain");
	fputc('|', f);
	csv_write_cell(f, "a,b");
	fputc('|', f);
	csv_write_cell(f, "say \"hi\"");
	fputc('|', f);
	csv_write_cell(f, "=1+1");
	fputc('|', f);
	csv_write_cell(f, "-3,x");
	fputc('|', f);
	csv_write_cell(f, "two\nlines");
	fclose(f);
	assert_string_equal(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|'=1+1|"
	    "\"'-3,x\"|\"two\nlines\"");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_nul_kept),
		cmocka_unit_test(test_many_cells),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

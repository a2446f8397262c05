/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * import.c - jobmatch import: a spreadsheet's employers or postings, saved
 * as CSV, sent to the daemon (docs/import.md).
 *
 * The file is read whole, its encoding found (UTF-8 with or without a
 * BOM, or GB18030/GBK through iconv), and its records read by csv.c; the
 * header (row 1) names the columns (import_map.c). Every row is made into
 * a request first, each bad cell reported as FILE:ROW: COLUMN: reason
 * with the spreadsheet's row numbers; then the good rows are sent by
 * load.c's sender (paced, and sent again when the daemon asks), and an
 * error answer is reported the same way, at the column its field came
 * from.
 */
#include <sys/stat.h>

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/csv.h"
#include "tools/import_map.h"
#include "tools/jobmatch.h"

/* The largest file read: a representational bound (the file is held in
 * memory with the requests made of it), far above any office's sheet. */
#define IMPORT_FILE_MAX	(256L * 1024 * 1024)

const char usage_import[] =
"usage: jobmatch [OPTIONS] import [--dry-run] [--kind employers|jobs]\n"
"           [--encoding auto|utf-8|gb18030] [--from ROW] FILE.csv\n"
"Sends the employers (employer.put) or postings (job.post) of a\n"
"spreadsheet saved as CSV, one a row, the header naming the columns in\n"
"Chinese or as the fields (docs/import.md). Each bad row is reported as\n"
"FILE:ROW: COLUMN: reason (rows numbered as the spreadsheet shows them,\n"
"the header being row 1); every good row is sent. Exit status 1 when a\n"
"row failed.\n"
"  --dry-run    the daemon checks each row (the employer registered too)\n"
"               and writes nothing\n"
"  --kind K     employers or jobs (default: jobs when a column is the\n"
"               posting's title, else employers)\n"
"  --encoding E the file's (default auto: a BOM or valid UTF-8 is UTF-8,\n"
"               else GB18030, which GBK is part of)\n"
"  --from ROW   skip the rows before ROW (to resume an import)\n";

enum enc { ENC_AUTO, ENC_UTF8, ENC_GB18030 };

/* A row made into a request. */
struct req_row {
	long	 row;
	char	*req;
	size_t	 len;
};

static struct {
	const char	*file;
	enum imp_kind	 kind;
	enum enc	 enc;
	bool		 dry;
	long		 from;
	iconv_t		 cd;		/* GB18030 -> UTF-8 */
	char		**headers;	/* UTF-8, as written (trimmed) */
	int		*cols;		/* the column of each: -1 none */
	size_t		 ncols;
	struct req_row	*rows;
	size_t		 nrows, cap, next;
	long		 read;		/* rows read (blank ones aside) */
	long		 bad;		/* rows reported here */
	size_t		 total;		/* the file's bytes */
} I;

/* ---- encodings ---------------------------------------------------------- */

/* The length of the UTF-8 character at s (n bytes left), or 0 when it is
 * not one (overlong, a surrogate, past U+10FFFF, cut short, NUL). */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len, i;

	if (s[0] == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/*
 * auto: UTF-8 when the bytes are UTF-8, or when the characters of more
 * than one byte that are UTF-8 outnumber the bytes that are not eight to
 * one (a UTF-8 sheet with a few bad bytes, which are then reported where
 * they are); else GB18030 (Chinese text in GB18030 is almost never UTF-8).
 */
static enum enc
guess(const unsigned char *s, size_t n)
{
	size_t good = 0, bad = 0, i = 0, k;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_char(s + i, n - i)) == 0) {
			bad++;
			i++;
		} else {
			good++;
			i += k;
		}
	}
	return bad == 0 || good > 8 * bad ? ENC_UTF8 : ENC_GB18030;
}

/*
 * A cell's bytes as UTF-8 into *out (owned): 0; -1 with why when they are
 * not of the file's encoding.
 */
static int
decode(const char *s, size_t n, char **out, char *why, size_t whylen)
{
	if (I.enc == ENC_UTF8) {
		for (size_t i = 0, k; i < n; i += k)
			if ((k = utf8_char((const unsigned char *)s + i,
			    n - i)) == 0) {
				snprintf(why, whylen, "%s at byte %zu of the "
				    "cell", s[i] == 0 ? "a NUL byte" :
				    "bytes that are not UTF-8", i + 1);
				return -1;
			}
		if ((*out = strndup(s, n)) == NULL)
			die("out of memory");
		return 0;
	}
	{
		size_t cap = 4 * n + 1, inleft = n, outleft = cap - 1;
		char *in = (char *)s, *buf = malloc(cap), *o = buf;

		if (buf == NULL)
			die("out of memory");
		iconv(I.cd, NULL, NULL, NULL, NULL);
		if (memchr(s, 0, n) != NULL ||
		    iconv(I.cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
			size_t at = memchr(s, 0, n) != NULL ?
			    (size_t)((const char *)memchr(s, 0, n) - s) :
			    (size_t)(in - s);
			snprintf(why, whylen, "%s at byte %zu of the cell",
			    s[at] == 0 ? "a NUL byte" :
			    "bytes that are not GB18030", at + 1);
			free(buf);
			return -1;
		}
		*o = '\0';
		*out = buf;
		return 0;
	}
}

/* ---- reports ------------------------------------------------------------ */

static void
report(long row, const char *column, const char *why)
{
	fprintf(stderr, "%s:%ld: %s: %s\n", I.file, row, column, why);
}

/* The header of the file's column of table column col, or NULL when the
 * file has none. */
static const char *
header_of(int col)
{
	for (size_t i = 0; i < I.ncols; i++)
		if (I.cols[i] == col)
			return I.headers[i];
	return NULL;
}

/* The header to name for the daemon's error path: the column the field
 * came from, or the path itself. */
static bool
everything(int col)
{
	(void)col;
	return true;
}

static bool
given(int col)
{
	return header_of(col) != NULL;
}

static const char *
column_named(const char *path)
{
	int col = imp_column_of_error(I.kind, path, given);
	const char *h = col >= 0 ? header_of(col) : NULL;

	/* an employer given by name */
	if (h == NULL && I.kind == IMP_JOBS &&
	    imp_column_of_error(I.kind, path, everything) ==
	    imp_column(I.kind, "employer_id"))
		h = header_of(imp_column(I.kind, "employer_name"));
	return h != NULL ? h : path;
}

/* An error answer of row no (the sender's). */
static void
row_failed(void *arg, long no, json_t *err)
{
	json_t *data = json_object_get(err, "data");
	const char *field = json_string_value(json_object_get(data, "field"));
	const char *reason = json_string_value(json_object_get(data,
	    "reason"));
	const char *msg = json_string_value(json_object_get(err, "message"));

	(void)arg;
	if (field != NULL)
		report(no, column_named(field), reason != NULL ? reason :
		    msg != NULL ? msg : "refused");
	else
		fprintf(stderr, "%s:%ld: %s (%d)\n", I.file, no,
		    msg != NULL ? msg : "refused",
		    (int)json_integer_value(json_object_get(err, "code")));
}

/* A posting the rule set flags (a demand that shuts disabled people out,
 * such as 身体健康): written, and said, so that the office can reword it. */
static void
row_answered(void *arg, long no, json_t *result)
{
	json_t *f;
	size_t i;

	(void)arg;
	json_array_foreach(json_object_get(result, "flags"), i, f) {
		const char *zh = json_string_value(json_object_get(
		    json_object_get(f, "reason"), "zh"));
		const char *name = json_string_value(json_object_get(f,
		    "name"));

		fprintf(stderr, "%s:%ld: flagged %s: %s\n", I.file, no,
		    name != NULL ? name : "?", zh != NULL ? zh : "");
	}
}

static void
summary(void *arg, long sent, long failed, long resent)
{
	(void)arg;
	printf("%s: %ld row%s (%s), %ld sent, %ld failed", I.file, I.read,
	    I.read == 1 ? "" : "s", I.enc == ENC_UTF8 ? "UTF-8" : "GB18030",
	    sent, failed + I.bad);
	if (resent > 0)
		printf(", %ld sent again as the daemon asked", resent);
	if (I.dry)
		printf("; a dry run: nothing was written");
	printf("\n");
}

static int
next_row(void *arg, long *no, char **req, size_t *len)
{
	(void)arg;
	if (I.next == I.nrows)
		return 0;
	*no = I.rows[I.next].row;
	*req = I.rows[I.next].req;
	*len = I.rows[I.next].len;
	I.next++;
	return 1;
}

/* ---- rows --------------------------------------------------------------- */

/* Reads the header: its columns, each known and given once. */
static int
read_header(const struct csv_record *r)
{
	char why[IMP_WHY_MAX];
	int bad = 0;

	I.ncols = r->n;
	if ((I.headers = calloc(r->n, sizeof(*I.headers))) == NULL ||
	    (I.cols = calloc(r->n, sizeof(*I.cols))) == NULL)
		die("out of memory");
	for (size_t i = 0; i < r->n; i++) {
		char *h;

		I.cols[i] = -1;
		if (decode(r->cells[i], r->lens[i], &h, why, sizeof(why)) ==
		    -1) {
			char col[32];
			snprintf(col, sizeof(col), "column %zu", i + 1);
			report(1, col, why);
			I.headers[i] = strdup("?");
			bad++;
			continue;
		}
		I.headers[i] = imp_trim(h);
	}
	return bad;
}

static int
map_header(void)
{
	int bad = 0;

	for (size_t i = 0; i < I.ncols; i++) {
		if (strcmp(I.headers[i], "?") == 0 || I.headers[i][0] == '\0')
			continue;	/* reported, or no header */
		if ((I.cols[i] = imp_column(I.kind, I.headers[i])) == -1) {
			report(1, I.headers[i], I.kind == IMP_JOBS ?
			    "not a column of postings (docs/import.md lists "
			    "them)" : "not a column of employers "
			    "(docs/import.md lists them)");
			bad++;
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (I.cols[k] == I.cols[i]) {
				char why[IMP_WHY_MAX];
				snprintf(why, sizeof(why), "the same field as "
				    "column %zu (%s)", k + 1, I.headers[k]);
				report(1, I.headers[i], why);
				bad++;
				break;
			}
	}
	return bad;
}

/* The registered employers by name (staff's employer.list): name -> id,
 * or -> [ids] when several share it. */
static json_t *
employers_by_name(void)
{
	json_t *p = json_object(), *all, *e, *byname = json_object();
	size_t i;

	all = call_all("employer.list", p, "employers");
	json_decref(p);
	json_array_foreach(all, i, e) {
		const char *name = json_string_value(json_object_get(e,
		    "name"));
		json_t *id = json_object_get(e, "id"), *had;

		if (name == NULL || id == NULL)
			continue;
		if ((had = json_object_get(byname, name)) == NULL)
			json_object_set(byname, name, id);
		else if (json_is_array(had))
			json_array_append(had, id);
		else
			json_object_set_new(byname, name, json_pack("[O, O]",
			    had, id));
	}
	json_decref(all);
	return byname;
}

/* Makes row r into a request, or reports what is wrong with it. */
static void
take_row(const struct csv_record *r, const struct imp_ctx *ctx)
{
	json_t *obj, *params;
	char why[IMP_WHY_MAX];
	bool blank = true, bad = false;

	for (size_t i = 0; i < r->n && blank; i++)
		for (size_t k = 0; k < r->lens[i] && blank; k++)
			if (r->cells[i][k] != ' ' && r->cells[i][k] != '\t')
				blank = false;
	if (blank)
		return;		/* an empty row of the sheet */
	I.read++;
	if (r->n < I.ncols) {
		snprintf(why, sizeof(why), "missing: the row has %zu cell%s, "
		    "the header %zu", r->n, r->n == 1 ? "" : "s", I.ncols);
		report(r->row, I.headers[r->n], why);
		I.bad++;
		return;
	}
	for (size_t i = I.ncols; i < r->n; i++)
		if (r->lens[i] > 0) {
			char col[32];
			snprintf(col, sizeof(col), "column %zu", i + 1);
			report(r->row, col, "a cell past the header's last "
			    "column");
			I.bad++;
			return;
		}
	if ((obj = json_object()) == NULL)
		die("out of memory");
	for (size_t i = 0; i < I.ncols; i++) {
		char *text;
		int rc;

		if (r->lens[i] == 0)
			continue;
		if (decode(r->cells[i], r->lens[i], &text, why,
		    sizeof(why)) == -1) {
			report(r->row, I.headers[i], why);
			bad = true;
			continue;
		}
		imp_trim(text);
		if (text[0] == '\0') {
			free(text);
			continue;
		}
		if (I.cols[i] < 0) {
			report(r->row, I.headers[i][0] != '\0' ?
			    I.headers[i] : "(no header)",
			    "a value in a column with no header");
			bad = true;
		} else if ((rc = imp_cell(I.kind, I.cols[i], text, ctx, obj,
		    why, sizeof(why))) != 0) {
			if (rc == -2)
				die("out of memory");
			report(r->row, I.headers[i], why);
			bad = true;
		}
		free(text);
	}
	if (bad) {
		I.bad++;
		json_decref(obj);
		return;
	}
	/* an employer's token posts for its employer */
	if (I.kind == IMP_JOBS && client_employer[0] != '\0' &&
	    json_object_get(obj, "employer_id") == NULL)
		json_object_set_new(obj, "employer_id",
		    json_string(client_employer));
	params = json_pack("{s:o}", I.kind == IMP_JOBS ? "job" : "employer",
	    obj);
	if (params == NULL)
		die("out of memory");
	if (I.dry)
		json_object_set_new(params, "dry_run", json_true());
	if (I.nrows == I.cap) {
		I.cap = I.cap ? 2 * I.cap : 64;
		if ((I.rows = realloc(I.rows, I.cap * sizeof(*I.rows))) ==
		    NULL)
			die("out of memory");
	}
	I.rows[I.nrows].row = r->row;
	I.rows[I.nrows].req = request_line(r->row, I.kind == IMP_JOBS ?
	    "job.post" : "employer.put", params, &I.rows[I.nrows].len);
	I.nrows++;
	json_decref(params);
}

/* ---- the command -------------------------------------------------------- */

/* The whole file (at most IMPORT_FILE_MAX bytes); *len its length. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			if ((buf = realloc(buf, cap + 1)) == NULL)
				die("out of memory");
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > (size_t)IMPORT_FILE_MAX)
			die("%s: larger than %ld MiB: split it", path,
			    IMPORT_FILE_MAX >> 20);
	} while (got > 0);
	if (ferror(f))
		die("%s: %s", path, strerror(errno));
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
cmd_import(int argc, char **argv)
{
	const char *kind = NULL, *enc = "auto";
	struct imp_ctx ctx = { NULL, NULL };
	struct csv c;
	struct csv_record r;
	struct sender src;
	char err[CSV_ERR_MAX], *buf;
	const char *data;
	size_t len;
	long failed = 0;
	int rc, bad;

	I.from = 1;
	while (argc > 0 && argv[0][0] == '-' && argv[0][1] != '\0') {
		if (strcmp(argv[0], "--") == 0) {
			argc--;
			argv++;
			break;
		}
		if (strcmp(argv[0], "--dry-run") == 0) {
			I.dry = true;
			argc--;
			argv++;
			continue;
		}
		if (argc < 2)
			die("import: unknown option '%s' (see jobmatch import "
			    "--help)", argv[0]);
		if (strcmp(argv[0], "--kind") == 0)
			kind = argv[1];
		else if (strcmp(argv[0], "--encoding") == 0)
			enc = argv[1];
		else if (strcmp(argv[0], "--from") == 0) {
			if ((I.from = num_arg("from", argv[1])) < 1)
				die("import: --from: a row number from 1");
		} else
			die("import: unknown option '%s' (see jobmatch import "
			    "--help)", argv[0]);
		argc -= 2;
		argv += 2;
	}
	if (argc != 1)
		die("import: expected one FILE (see jobmatch import --help)");
	if (kind != NULL && strcmp(kind, "jobs") != 0 &&
	    strcmp(kind, "employers") != 0)
		die("import: --kind is employers or jobs");
	if (strcmp(enc, "auto") == 0)
		I.enc = ENC_AUTO;
	else if (strcmp(enc, "utf-8") == 0 || strcmp(enc, "utf8") == 0)
		I.enc = ENC_UTF8;
	else if (strcmp(enc, "gb18030") == 0 || strcmp(enc, "gbk") == 0)
		I.enc = ENC_GB18030;
	else
		die("import: --encoding is auto, utf-8 or gb18030");
	I.file = argv[0];
	buf = slurp(I.file, &len);
	data = buf;
	if (len >= 2 && ((unsigned char)buf[0] == 0xff ||
	    (unsigned char)buf[0] == 0xfe) && ((unsigned char)buf[1] ^
	    (unsigned char)buf[0]) == 0x01)
		die("%s: UTF-16 text: save the sheet as \"CSV UTF-8\" or as "
		    "CSV", I.file);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 &&
	    I.enc != ENC_GB18030) {
		data += 3;
		len -= 3;
		I.enc = ENC_UTF8;
	}
	if (I.enc == ENC_AUTO)
		I.enc = guess((const unsigned char *)data, len);
	if (I.enc == ENC_GB18030 &&
	    (I.cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		die("iconv cannot read GB18030: %s", strerror(errno));

	csv_init(&c, data, len);
	if ((rc = csv_next(&c, &r, err, sizeof(err))) <= 0) {
		if (rc == -2)
			die("out of memory");
		die("%s: %s", I.file, rc == 0 ? "empty: no header row" : err);
	}
	bad = read_header(&r);
	if (kind != NULL)
		I.kind = strcmp(kind, "jobs") == 0 ? IMP_JOBS : IMP_EMPLOYERS;
	else {
		I.kind = IMP_EMPLOYERS;
		for (size_t i = 0; i < I.ncols; i++)
			if (imp_column(IMP_JOBS, I.headers[i]) ==
			    imp_column(IMP_JOBS, "title"))
				I.kind = IMP_JOBS;
	}
	bad += map_header();
	if (bad > 0) {
		fprintf(stderr, "%s: nothing sent: the header has %d bad "
		    "column%s\n", I.file, bad, bad == 1 ? "" : "s");
		csv_free(&c);
		I.bad++;	/* the exit status */
		goto out;
	}

	ctx.vocab = call("vocab", NULL);
	if (I.kind == IMP_JOBS && header_of(imp_column(IMP_JOBS,
	    "employer_name")) != NULL) {
		if (strcmp(client_role, "staff") == 0)
			ctx.employers = employers_by_name();
		else
			fprintf(stderr, "%s: %s: the names are not looked up "
			    "with an employer's token: its rows are its own "
			    "postings\n", I.file, header_of(imp_column(
			    IMP_JOBS, "employer_name")));
	}

	while ((rc = csv_next(&c, &r, err, sizeof(err))) != 0) {
		if (rc == -2)
			die("out of memory");
		if (r.row < I.from)
			continue;
		if (rc == -1) {
			I.read++;
			I.bad++;
			report(r.row, r.cell >= 1 && r.cell <= I.ncols ?
			    I.headers[r.cell - 1] : "CSV", err);
			continue;
		}
		take_row(&r, &ctx);
	}
	csv_free(&c);

	memset(&src, 0, sizeof(src));
	src.file = I.file;
	src.unit = "row";
	src.resume = "import";
	src.first = I.from > 2 ? I.from : 2;	/* row 1 is the header */
	src.next = next_row;
	src.failed = row_failed;
	src.answered = row_answered;
	src.summary = summary;
	src.bad = &I.bad;
	failed = send_requests(&src);
out:
	if (I.cd != NULL && I.cd != (iconv_t)-1)
		iconv_close(I.cd);
	for (size_t i = 0; i < I.ncols; i++)
		free(I.headers[i]);
	free(I.headers);
	free(I.cols);
	free(I.rows);
	free(buf);
	json_decref(ctx.vocab);
	json_decref(ctx.employers);
	return failed + I.bad > 0 ? 1 : 0;
}

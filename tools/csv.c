/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * csv.c - see csv.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/csv.h"

void
csv_init(struct csv *c, const char *buf, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->buf = buf;
	c->len = len;
	c->row = 1;
}

void
csv_free(struct csv *c)
{
	free(c->text);
	free(c->start);
	free(c->cell_len);
	free(c->cellp);
	memset(c, 0, sizeof(*c));
}

static int
text_add(struct csv *c, const char *p, size_t n)
{
	if (c->textlen + n + 1 > c->textcap) {
		size_t cap = c->textcap ? c->textcap : 256;
		char *t;

		while (cap < c->textlen + n + 1)
			cap *= 2;
		if ((t = realloc(c->text, cap)) == NULL)
			return -1;
		c->text = t;
		c->textcap = cap;
	}
	memcpy(c->text + c->textlen, p, n);
	c->textlen += n;
	return 0;
}

/* Ends the cell begun at c->text + begin. */
static int
cell_end(struct csv *c, size_t begin)
{
	if (c->ncells == c->cellcap) {
		size_t cap = c->cellcap ? 2 * c->cellcap : 16;
		size_t *s = realloc(c->start, cap * sizeof(*s));
		size_t *l;
		const char **p;

		if (s == NULL)
			return -1;
		c->start = s;
		if ((l = realloc(c->cell_len, cap * sizeof(*l))) == NULL)
			return -1;
		c->cell_len = l;
		if ((p = realloc(c->cellp, cap * sizeof(*p))) == NULL)
			return -1;
		c->cellp = p;
		c->cellcap = cap;
	}
	c->start[c->ncells] = begin;
	c->cell_len[c->ncells] = c->textlen - begin;
	c->ncells++;
	/* the NUL after it */
	if (text_add(c, "", 1) == -1)
		return -1;
	return 0;
}

/* Past the end of the line at or after off (a line end of a quoted cell
 * counts: the reader has lost track of the quotes). */
static void
skip_line(struct csv *c)
{
	while (c->off < c->len && c->buf[c->off] != '\n' &&
	    c->buf[c->off] != '\r')
		c->off++;
	if (c->off < c->len && c->buf[c->off] == '\r')
		c->off++;
	if (c->off < c->len && c->buf[c->off] == '\n')
		c->off++;
}

/* Whether off is at a line end; if so, goes past it. */
static bool
line_end(struct csv *c)
{
	if (c->off >= c->len)
		return true;
	if (c->buf[c->off] == '\n') {
		c->off++;
		return true;
	}
	if (c->buf[c->off] == '\r') {
		c->off++;
		if (c->off < c->len && c->buf[c->off] == '\n')
			c->off++;
		return true;
	}
	return false;
}

int
csv_next(struct csv *c, struct csv_record *rec, char *err, size_t errlen)
{
	const char *b = c->buf;

	memset(rec, 0, sizeof(*rec));
	if (c->off >= c->len)
		return 0;
	rec->row = c->row++;
	c->textlen = 0;
	c->ncells = 0;
	for (;;) {
		size_t begin = c->textlen;

		if (c->off < c->len && b[c->off] == '"') {
			size_t opened = c->off++;

			for (;;) {
				const char *q = memchr(b + c->off, '"',
				    c->len - c->off);
				size_t upto = q != NULL ? (size_t)(q - b) :
				    c->len;

				/* the text before the quote, CRLF as LF */
				for (size_t i = c->off; i < upto; i++) {
					if (b[i] == '\r' && i + 1 < upto &&
					    b[i + 1] == '\n')
						continue;
					if (text_add(c, b + i, 1) == -1)
						return -2;
				}
				if (q == NULL) {
					snprintf(err, errlen, "the quote that "
					    "opens a cell here (byte %zu of "
					    "the file) is never closed",
					    opened + 1);
					c->off = c->len;
					rec->cell = c->ncells + 1;
					return -1;
				}
				c->off = upto + 1;
				if (c->off < c->len && b[c->off] == '"') {
					if (text_add(c, "\"", 1) == -1)
						return -2;
					c->off++;
					continue;
				}
				break;
			}
			if (c->off < c->len && b[c->off] != ',' &&
			    b[c->off] != '\n' && b[c->off] != '\r') {
				snprintf(err, errlen, "text after the closing "
				    "quote of cell %zu (a quote in a cell is "
				    "written twice)", c->ncells + 1);
				rec->cell = c->ncells + 1;
				skip_line(c);
				return -1;
			}
		} else {
			size_t i = c->off;

			while (i < c->len && b[i] != ',' && b[i] != '\n' &&
			    b[i] != '\r' && b[i] != '"')
				i++;
			if (i < c->len && b[i] == '"') {
				snprintf(err, errlen, "a quote inside cell %zu, "
				    "which does not start with one (quote the "
				    "cell and write the quote twice)",
				    c->ncells + 1);
				rec->cell = c->ncells + 1;
				skip_line(c);
				return -1;
			}
			if (text_add(c, b + c->off, i - c->off) == -1)
				return -2;
			c->off = i;
		}
		if (cell_end(c, begin) == -1)
			return -2;
		if (c->off < c->len && b[c->off] == ',') {
			c->off++;
			continue;
		}
		line_end(c);
		break;
	}
	/* the cells' pointers, now that text no longer moves */
	for (size_t i = 0; i < c->ncells; i++)
		c->cellp[i] = c->text + c->start[i];
	rec->cells = c->cellp;
	rec->lens = c->cell_len;
	rec->n = c->ncells;
	return 1;
}

void
csv_write_cell(FILE *f, const char *s)
{
	bool formula = s[0] != '\0' && strchr("=+-@", s[0]) != NULL;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		fprintf(f, "%s%s", formula ? "'" : "", s);
		return;
	}
	fprintf(f, "\"%s", formula ? "'" : "");
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

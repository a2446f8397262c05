/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * csv.h - RFC 4180 CSV, read from bytes in memory and written to a
 * stream. Pure: no I/O but the stream it is given, no encoding (a cell is
 * the bytes between its delimiters, which are ASCII and never a byte of a
 * UTF-8 or GB18030 character's tail).
 *
 * A record ends at CRLF, LF or a lone CR (spreadsheets write each), or at
 * the end of the input; a quoted cell may hold commas, quotes (doubled)
 * and line ends, a CRLF in it read as LF. Records are numbered from 1 as a
 * spreadsheet numbers its rows: a cell's line end does not start a row.
 */
#ifndef JM_CSV_H
#define JM_CSV_H

#include <stdio.h>
#include <stddef.h>

/* A reader over buf[0..len), which must outlive it. */
struct csv {
	const char	*buf;
	size_t		 len, off;
	long		 row;		/* the number of the next record */
	char		*text;		/* the record's cells, each followed by
					   a NUL: text + start[i] */
	size_t		 textlen, textcap;
	size_t		*start, *cell_len;
	const char	**cellp;	/* text + start[i] */
	size_t		 ncells, cellcap;
};

/* A record read: cells[i] (NUL-terminated; a NUL byte in the input is
 * kept, lens[i] counts it) for i < n, valid until the next csv_next. */
struct csv_record {
	long		 row;
	size_t		 cell;		/* a malformed record's bad cell, from 1 */
	size_t		 n;
	const char	*const *cells;
	const size_t	*lens;
};

#define CSV_ERR_MAX	160

void	csv_init(struct csv *c, const char *buf, size_t len);
/*
 * The next record into rec: 1; 0 at the end of the input; -1 when the
 * record is malformed (a quote inside an unquoted cell, text after a
 * closing quote, a quote never closed): err says why, rec->row is its
 * row, and the reader has gone past it (to the end of its line, or of the
 * input for a quote never closed); -2 out of memory.
 */
int	csv_next(struct csv *c, struct csv_record *rec, char *err,
	    size_t errlen);
void	csv_free(struct csv *c);

/* Writes s as one cell: quoted when it holds a comma, a quote or a line
 * end; text a spreadsheet would take for a formula (=, +, -, @ first)
 * gets a leading apostrophe. */
void	csv_write_cell(FILE *f, const char *s);

#endif

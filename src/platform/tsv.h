/*
 * Tab-separated data files as the modules ship them (data/NAME.tsv, embedded): a header line,
 * then one record a line, cells separated by tabs, no quoting. The whole file is copied and
 * cut in place into NUL-terminated cells, so a checker can name the line of every cell.
 */
#ifndef JZ_TSV_H
#define JZ_TSV_H

#include <stddef.h>

/* One line of a TSV file cut into NUL-terminated cells (in the table's copy). */
struct tsv_row {
	int line;    /* 1-based line number in the file */
	char **cell; /* the cells */
	int n;       /* how many */
};

/* A TSV file cut into rows: text is a copy of the file, modified in place. */
struct tsv_table {
	char *text;
	struct tsv_row *rows; /* rows[0] is the header; empty lines are left out */
	size_t n;
};

/* Cuts data[0..len) into lines (LF or CRLF) and the lines into cells at tabs, into *t. */
void tsv_cut(const char *data, size_t len, struct tsv_table *t);

/* Frees what tsv_cut allocated. */
void tsv_free(struct tsv_table *t);

#endif

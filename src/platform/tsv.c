/*
 * TSV data files cut into rows and cells (see tsv.h). Memory: one copy of the file, one array
 * of rows and one array of cell pointers a row, all from xmalloc (which aborts on failure).
 */
#include "tsv.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

void tsv_free(struct tsv_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->rows[i].cell);
	free(t->rows);
	free(t->text);
}

void tsv_cut(const char *data, size_t len, struct tsv_table *t)
{
	memset(t, 0, sizeof *t);
	t->text = xstrndup(data, len);
	size_t cap = 0;
	int line = 0;
	for (char *p = t->text; p && *p;) {
		char *lf = strchr(p, '\n');
		if (lf)
			*lf = '\0';
		line++;
		size_t n = strlen(p);
		if (n && p[n - 1] == '\r')
			p[--n] = '\0';
		if (n) {
			if (t->n == cap) {
				cap = cap ? cap * 2 : 64;
				t->rows = xrealloc(t->rows, cap * sizeof *t->rows);
			}
			struct tsv_row *r = &t->rows[t->n++];
			r->line = line;
			r->n = 1;
			for (char *q = p; *q; q++)
				r->n += *q == '\t';
			r->cell = xcalloc((size_t)r->n, sizeof *r->cell);
			int k = 0;
			r->cell[k++] = p;
			for (char *q = p; *q; q++)
				if (*q == '\t') {
					*q = '\0';
					r->cell[k++] = q + 1;
				}
		}
		p = lf ? lf + 1 : NULL;
	}
}

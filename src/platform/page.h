/*
 * Small HTML pages for the public (the equipment unit's page /e/{code}, a sampling
 * announcement's page /s/{number}): HTML escaping, texts in the three languages of the pages
 * (Chinese, Tibetan, English), the page's head, its Content-Security-Policy, and the
 * conditional GET (ETag, If-None-Match, 304) every public answer uses.
 */
#ifndef JZ_PAGE_H
#define JZ_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "mem.h"

#define PAGE_FNV1A_SEED 2166136261u /* the offset basis of 32-bit FNV-1a */

/* A label, value or paragraph in the pages' three languages. */
struct page_tri {
	const char *zh, *bo, *en;
};

/* Appends s (NULL as "") with &, <, >, " and ' escaped. */
void page_escape(struct buf *out, const char *s);

/* Appends "zh<span lang=bo>bo</span><span lang=en>en</span>" (the spans shown as lines). */
void page_tri_block(struct buf *out, const struct page_tri *t);

/* Appends "zh · <span lang=bo>bo</span> · en" on one line, of the parts that are not NULL. */
void page_tri_inline(struct buf *out, const char *zh, const char *bo, const char *en);

/* Appends "zh<br><span lang=bo>bo</span><br>en": the three on lines of their own. */
void page_tri_lines(struct buf *out, const struct page_tri *t);

/*
 * Appends the page's start up to and including "<main><h1>": doctype, charset, viewport
 * (with noindex a robots "noindex" too), the title "title code" (code may be NULL), and the
 * style sheet style inline.
 */
void page_head(struct buf *out, const char *title, const char *code, const char *style,
               int noindex);

/*
 * Writes to out (cap bytes) the Content-Security-Policy of a page that uses its inline style
 * sheet style and nothing else: no script, no frame, no form, no other base.
 */
void page_csp(const char *style, char *out, size_t cap);

/* 32-bit FNV-1a of p[0..n) continued from h (PAGE_FNV1A_SEED to begin). */
uint32_t page_fnv1a(const void *p, size_t n, uint32_t h);

/* 1 if an If-None-Match value (a list of tags, W/ allowed, or *) names etag. */
int page_etag_listed(const char *if_none_match, const char *etag);

/*
 * The conditional GET: sets res->etag to etag, then, when the request's If-None-Match names
 * it, empties the body, sets status 304 and returns 1; else sets status 200 and returns 0.
 */
int page_not_modified(struct http_request *req, struct http_response *res, const char *etag);

#endif

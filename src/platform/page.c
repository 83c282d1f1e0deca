/*
 * Public HTML pages' shared pieces (see page.h). Everything here writes bytes into a buffer
 * and reads nothing but its arguments and the request's If-None-Match header.
 */
#include "page.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

void page_escape(struct buf *out, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++) {
		switch (*p) {
		case '&':
			buf_puts(out, "&amp;");
			break;
		case '<':
			buf_puts(out, "&lt;");
			break;
		case '>':
			buf_puts(out, "&gt;");
			break;
		case '"':
			buf_puts(out, "&quot;");
			break;
		case '\'':
			buf_puts(out, "&#39;");
			break;
		default:
			buf_putc(out, *p);
		}
	}
}

void page_tri_block(struct buf *out, const struct page_tri *t)
{
	page_escape(out, t->zh);
	buf_puts(out, "<span lang=\"bo\">");
	page_escape(out, t->bo);
	buf_puts(out, "</span><span lang=\"en\">");
	page_escape(out, t->en);
	buf_puts(out, "</span>");
}

void page_tri_inline(struct buf *out, const char *zh, const char *bo, const char *en)
{
	int n = 0;
	if (zh) {
		page_escape(out, zh);
		n++;
	}
	if (bo) {
		buf_puts(out, n++ ? " · <span lang=\"bo\">" : "<span lang=\"bo\">");
		page_escape(out, bo);
		buf_puts(out, "</span>");
	}
	if (en) {
		buf_puts(out, n++ ? " · " : "");
		page_escape(out, en);
	}
}

void page_tri_lines(struct buf *out, const struct page_tri *t)
{
	page_escape(out, t->zh);
	buf_puts(out, "<br><span lang=\"bo\">");
	page_escape(out, t->bo);
	buf_puts(out, "</span><br>");
	page_escape(out, t->en);
}

void page_head(struct buf *out, const char *title, const char *code, const char *style, int noindex)
{
	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	              "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
	if (noindex)
		buf_puts(out, "<meta name=\"robots\" content=\"noindex\">");
	buf_puts(out, "<title>");
	page_escape(out, title);
	if (code) {
		buf_putc(out, ' ');
		page_escape(out, code);
	}
	buf_puts(out, "</title><style>");
	buf_puts(out, style);
	buf_puts(out, "</style></head><body><main><h1>");
}

void page_csp(const char *style, char *out, size_t cap)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
	                                   sodium_base64_VARIANT_ORIGINAL)];
	crypto_hash_sha256(digest, (const unsigned char *)style, strlen(style));
	sodium_bin2base64(b64, sizeof b64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, cap,
	         "default-src 'none'; style-src 'sha256-%s'; frame-ancestors 'none'; "
	         "base-uri 'none'; form-action 'none'",
	         b64);
}

uint32_t page_fnv1a(const void *p, size_t n, uint32_t h)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

int page_etag_listed(const char *if_none_match, const char *etag)
{
	size_t n = strlen(etag);
	for (const char *p = if_none_match; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && memcmp(p, etag, n) == 0)
			return 1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

int page_not_modified(struct http_request *req, struct http_response *res, const char *etag)
{
	if (etag != res->etag)
		snprintf(res->etag, sizeof res->etag, "%s", etag);
	const char *inm = http_header(req, "If-None-Match");
	if (inm && page_etag_listed(inm, res->etag)) {
		buf_reset(&res->body);
		res->status = 304;
		return 1;
	}
	res->status = 200;
	return 0;
}

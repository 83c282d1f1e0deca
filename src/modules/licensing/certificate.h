/*
 * The certificate of a licence as the platform's document renderer draws it (platform/pdf.h):
 * the bilingual title of the licence's kind ("食品生产许可证" or "全国工业产品生产许可证" with
 * the Tibetan above), the number, the holder, credit code, legal representative, production
 * address, the categories (Chinese names) and scope, the validity, the issuing bureau, and a
 * QR code of the public verification page <public.base_url>/v/<licence_no>. A certificate of
 * a licence that is not valid says its status in the footer.
 *
 * The Tibetan texts are in one table in certificate.c; they await review by a native reader
 * (docs/licensing.md).
 */
#ifndef JZ_LICENSING_CERTIFICATE_H
#define JZ_LICENSING_CERTIFICATE_H

#include <stdint.h>

#include "modules/licensing/licences.h"
#include "platform/pdf.h"

struct db;

/* A certificate and the storage of its rows. */
struct lc_certificate {
	struct pdf_certificate pdf;
	struct pdf_field fields[PDF_FIELDS_MAX];
};

/* The verification address of a licence number: base_url + "/v/" + the number with every
 * byte outside [A-Za-z0-9()-] percent-encoded ("/v/(%E8%97%8F)XK13-001-00001"), in a. */
const char *lc_verify_url(const char *base_url, const char *licence_no, struct arena *a);

/* Fills out for licence l as read on today (category names from lc_category; strings in a).
 * base_url is public.base_url. SVC_OK or SVC_ERROR. */
int lc_certificate_build(struct db *db, const struct lc_licence *l, const char *base_url,
                         int32_t today, struct arena *a, struct lc_certificate *out);

/* Renders licence id (which who must be able to see: else SVC_NOT_FOUND) as PDF into pdf;
 * *licence_no (in a) names it. SVC_OK, SVC_NOT_FOUND or SVC_ERROR. */
int lc_certificate_pdf(struct db *db, const struct actor *who, int64_t id, const char *base_url,
                       int32_t today, struct arena *a, struct buf *pdf, const char **licence_no);

#endif

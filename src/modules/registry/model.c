/*
 * The enterprise field table: names, types, limits and checks of every field of a legal
 * entity and its quality file.
 */
#include "model.h"

#include <string.h>

#include "uscc.h"

static const char *const INDUSTRIES[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K",
                                         "L", "M", "N", "O", "P", "Q", "R", "S", "T", NULL};
static const char *const SIZES[] = {"micro", "small", "medium", "large", NULL};
static const char *const STATUSES[] = {"active", "suspended", "revoked", "deregistered", NULL};
static const char *const CAPABILITIES[] = {"none", "partial", "full", NULL};

static int credit_code_validate(const struct field_spec *f, const char *v, size_t n,
                                struct field_error *err, const char **warning)
{
	int org_ok;
	enum uscc_result rc = uscc_check(v, n, &org_ok);
	if (rc != USCC_OK)
		return field_fail(err, f->name, "check_failed", "%s: %s", f->name,
		                  uscc_result_message(rc));
	if (!org_ok)
		*warning = "the embedded organisation code (positions 9-17) fails its GB 11714 "
		           "check; accepted, as some codes in circulation do";
	return 0;
}

static int phone_validate(const struct field_spec *f, const char *v, size_t n,
                          struct field_error *err, const char **warning)
{
	int digits = 0;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (!(c == '-' || (c == '+' && i == 0)))
			return field_fail(err, f->name, "invalid",
			                  "%s may hold digits, a leading + and hyphens only",
			                  f->name);
	}
	if (digits < 5)
		return field_fail(err, f->name, "invalid", "%s is too short to be a phone number",
		                  f->name);
	return 0;
}

static int email_validate(const struct field_spec *f, const char *v, size_t n,
                          struct field_error *err, const char **warning)
{
	const char *at = memchr(v, '@', n);
	if (at == NULL || at == v || at == v + n - 1 ||
	    memchr(at + 1, '@', n - (size_t)(at - v) - 1) ||
	    memchr(at + 1, '.', n - (size_t)(at - v) - 1) == NULL)
		return field_fail(err, f->name, "invalid", "%s is not an e-mail address", f->name);
	return 0;
}

static const struct field_spec ENTERPRISE_FIELDS[] = {
    [ENT_CREDIT_CODE] = {"credit_code", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_TRIM | FF_UPPER,
                         18, 0, 0, NULL, credit_code_validate,
                         "Unified social credit code (GB 32100), 18 characters"},
    [ENT_NAME] = {"name", FT_TEXT, FF_REQUIRED | FF_TRIM, 200, 0, 0, NULL, NULL, "Registered name"},
    [ENT_NAME_BO] = {"name_bo", FT_TEXT, FF_TRIM, 200, 0, 0, NULL, NULL,
                     "Registered name in Tibetan"},
    [ENT_LEGAL_REPRESENTATIVE] = {"legal_representative", FT_TEXT, FF_TRIM, 60, 0, 0, NULL, NULL,
                                  "Legal representative"},
    [ENT_ADDRESS] = {"address", FT_TEXT, FF_TRIM, 300, 0, 0, NULL, NULL,
                     "Address of the registered seat"},
    [ENT_REGION_CODE] = {"region_code", FT_INT, FF_REQUIRED, 0, 110000, 829999, NULL, NULL,
                         "GB/T 2260 code of the region the entity belongs to"},
    [ENT_INDUSTRY] = {"industry", FT_ENUM, FF_REQUIRED, 0, 0, 0, INDUSTRIES, NULL,
                      "GB/T 4754-2017 section (A-T)"},
    [ENT_SIZE] = {"size", FT_ENUM, 0, 0, 0, 0, SIZES, NULL, "Enterprise size"},
    [ENT_STATUS] = {"status", FT_ENUM, FF_NOT_NULL, 0, 0, 0, STATUSES, NULL,
                    "Registration status; active when not given"},
    [ENT_ESTABLISHED_ON] = {"established_on", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                            "Date of establishment"},
    [ENT_CONTACT_NAME] = {"contact_name", FT_TEXT, FF_TRIM, 60, 0, 0, NULL, NULL, "Contact person"},
    [ENT_CONTACT_PHONE] = {"contact_phone", FT_CODE, FF_TRIM, 30, 0, 0, NULL, phone_validate,
                           "Contact telephone"},
    [ENT_CONTACT_EMAIL] = {"contact_email", FT_CODE, FF_TRIM, 120, 0, 0, NULL, email_validate,
                           "Contact e-mail"},
    [ENT_QMS_STANDARD] = {"qms_standard", FT_TEXT, FF_TRIM, 100, 0, 0, NULL, NULL,
                          "Quality management system followed, e.g. GB/T 19001-2016"},
    [ENT_QMS_CERTIFIED] = {"qms_certified", FT_BOOL, 0, 0, 0, 0, NULL, NULL,
                           "Whether the quality management system is certified"},
    [ENT_QMS_CERTIFICATE_NO] = {"qms_certificate_no", FT_TEXT, FF_TRIM, 60, 0, 0, NULL, NULL,
                                "Certificate number of the quality management system"},
    [ENT_QMS_CERTIFICATION_BODY] = {"qms_certification_body", FT_TEXT, FF_TRIM, 100, 0, 0, NULL,
                                    NULL, "Certification body"},
    [ENT_STANDARDS_ADOPTED] = {"standards_adopted", FT_TEXT, FF_TRIM | FF_MULTILINE, 2000, 0, 0,
                               NULL, NULL, "Product standards adopted, one per line"},
    [ENT_INSPECTION_CAPABILITY] = {"inspection_capability", FT_ENUM, 0, 0, 0, 0, CAPABILITIES, NULL,
                                   "Factory inspection capability"},
    [ENT_METROLOGY_CAPABILITY] = {"metrology_capability", FT_ENUM, 0, 0, 0, 0, CAPABILITIES, NULL,
                                  "Metrology capability"},
    [ENT_QUALITY_MANAGER_TRAINED] = {"quality_manager_trained", FT_BOOL, 0, 0, 0, 0, NULL, NULL,
                                     "Whether the quality manager is trained"},
    [ENT_QUALITY_MANAGER_TRAINED_ON] = {"quality_manager_trained_on", FT_DATE, 0, 0, 0, 0, NULL,
                                        NULL, "When the quality manager was trained"},
    [ENT_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                        "When the record was created (UTC)"},
    [ENT_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                        "When the record was last changed (UTC)"},
    [ENT_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                     "Version, increased by every change; also the ETag"},
};

_Static_assert(sizeof ENTERPRISE_FIELDS / sizeof ENTERPRISE_FIELDS[0] == ENT_NFIELDS,
               "every enterprise field is described");

const struct record_type ENTERPRISE_TYPE = {"enterprise", ENTERPRISE_FIELDS, ENT_NFIELDS};

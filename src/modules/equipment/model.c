/*
 * The equipment unit's field table.
 */
#include "model.h"

#include <string.h>

#include "modules/equipment/common.h"

static const char *const VESSEL_CLASSES[] = {"I", "II", "III", NULL};
static const char *const VARIANTS[] = {"power_station", "nonmetal", "tower", "mobile", "molten",
                                       "corrosive",     "inert",    "lpg",   "lpg50",  NULL};

/* Device code: 4-digit variety (the category code: digits and, for a few, a letter), then
 * 5-digit manufacturer, 4-digit year, 5-digit serial. */
static int device_code_validate(const struct field_spec *f, const char *v, size_t n,
                                struct field_error *err, const char **warning)
{
	if (n != 18)
		return field_fail(err, f->name, "invalid", "%s must be 18 characters", f->name);
	for (size_t i = 0; i < 18; i++) {
		int ok = (v[i] >= '0' && v[i] <= '9') || (i < 4 && v[i] >= 'A' && v[i] <= 'Z');
		if (!ok)
			return field_fail(
			    err, f->name, "invalid",
			    "%s: character %zu must be a digit (the first four may be "
			    "letters)",
			    f->name, i + 1);
	}
	int year = (v[9] - '0') * 1000 + (v[10] - '0') * 100 + (v[11] - '0') * 10 + (v[12] - '0');
	if (year < 1950 || year > 2199)
		return field_fail(err, f->name, "invalid",
		                  "%s: characters 10-13 must be the year of manufacture", f->name);
	return 0;
}

/* Use-registration code: 4-digit category + 6-digit division code of the registering office +
 * YYYYMM + 4-digit sequence. The cross-checks with the unit (category, region) are in units.c. */
static int reg_code_validate(const struct field_spec *f, const char *v, size_t n,
                             struct field_error *err, const char **warning)
{
	if (n != 20)
		return field_fail(err, f->name, "invalid", "%s must be 20 digits", f->name);
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return field_fail(err, f->name, "invalid", "%s must be 20 digits", f->name);
	int month = (v[14] - '0') * 10 + (v[15] - '0');
	if (month < 1 || month > 12)
		return field_fail(err, f->name, "invalid",
		                  "%s: digits 11-16 must be the year and month of registration",
		                  f->name);
	return 0;
}

static int category_validate(const struct field_spec *f, const char *v, size_t n,
                             struct field_error *err, const char **warning)
{
	if (n != 4)
		return field_fail(err, f->name, "invalid",
		                  "%s must be a 4-character catalogue code", f->name);
	return 0;
}

/* A positive decimal with at most three places, as written on a nameplate: 1.6, 0.75, 10. */
static int decimal_validate(const struct field_spec *f, const char *v, size_t n,
                            struct field_error *err, const char **warning)
{
	size_t i = 0, digits = 0, places = 0;
	while (i < n && v[i] >= '0' && v[i] <= '9')
		i++, digits++;
	if (i < n && v[i] == '.') {
		i++;
		while (i < n && v[i] >= '0' && v[i] <= '9')
			i++, places++;
		if (places == 0)
			i = n + 1;
	}
	if (i != n || digits == 0 || digits > 7 || places > 3)
		return field_fail(err, f->name, "invalid",
		                  "%s must be a decimal number such as 1.6 (at most 3 places)",
		                  f->name);
	return 0;
}

static const struct field_spec UNIT_FIELDS[] = {
    [EU_DEVICE_CODE] = {"device_code", FT_CODE, FF_REQUIRED | FF_IMMUTABLE | FF_TRIM | FF_UPPER, 18,
                        0, 0, NULL, device_code_validate,
                        "Device code (18 characters: variety, manufacturer, year, serial)"},
    [EU_REG_CODE] = {"reg_code", FT_CODE, FF_TRIM, 20, 0, 0, NULL, reg_code_validate,
                     "Use-registration code (20 digits: category, registering office's division "
                     "code, YYYYMM, sequence); the key of the public page"},
    [EU_REG_CERT_NO] = {"reg_cert_no", FT_TEXT, FF_TRIM, 40, 0, 0, NULL, NULL,
                        "Number of the use-registration certificate"},
    [EU_REGISTERED_ON] = {"registered_on", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                          "Date of use registration"},
    [EU_CATEGORY] = {"category", FT_CODE, FF_REQUIRED | FF_TRIM | FF_UPPER, 4, 0, 0, NULL,
                     category_validate, "Catalogue code (AQSIQ 2014 No. 114), e.g. 3110"},
    [EU_VARIANT] = {"variant", FT_ENUM, 0, 0, 0, 0, VARIANTS, NULL,
                    "Which inspection rule of the category applies, where it has several"},
    [EU_NAME] = {"name", FT_TEXT, FF_REQUIRED | FF_TRIM, 100, 0, 0, NULL, NULL, "Product name"},
    [EU_MODEL] = {"model", FT_TEXT, FF_TRIM, 60, 0, 0, NULL, NULL, "Model"},
    [EU_USE_UNIT] = {"use_unit", FT_CODE, FF_REQUIRED | FF_TRIM | FF_UPPER, 18, 0, 0, NULL,
                     field_credit_code_shape,
                     "Credit code of the use unit (a registered enterprise)"},
    [EU_REGION_CODE] = {"region_code", FT_INT, FF_REQUIRED, 0, 110000, 829999, NULL, NULL,
                        "GB/T 2260 code of the county where the unit stands"},
    [EU_LOCATION] = {"location", FT_TEXT, FF_TRIM, 200, 0, 0, NULL, NULL, "Where it stands"},
    [EU_MANUFACTURER] = {"manufacturer", FT_TEXT, FF_TRIM, 100, 0, 0, NULL, NULL, "Manufacturer"},
    [EU_MANUFACTURED_ON] = {"manufactured_on", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                            "Date of manufacture"},
    [EU_INSTALLER] = {"installer", FT_TEXT, FF_TRIM, 100, 0, 0, NULL, NULL, "Installer"},
    [EU_MAINTAINER] = {"maintainer", FT_TEXT, FF_TRIM, 100, 0, 0, NULL, NULL,
                       "Maintenance unit (elevators)"},
    [EU_INSTITUTION] = {"institution", FT_TEXT, FF_TRIM, 100, 0, 0, NULL, NULL,
                        "Inspection institution in charge of its periodic inspections"},
    [EU_COMMISSIONED_ON] = {"commissioned_on", FT_DATE, 0, 0, 0, 0, NULL, NULL,
                            "Date put into use; required while in use"},
    [EU_STATUS] = {"status", FT_ENUM, FF_NOT_NULL, 0, 0, 0, EQ_UNIT_STATUSES, NULL,
                   "in_use (default), stopped or scrapped"},
    [EU_SAFETY_GRADE] = {"safety_grade", FT_INT, 0, 0, 1, 5, NULL, NULL,
                         "Safety grade 1-5 (vessels, piping); set by inspections"},
    [EU_MAJOR_HAZARD] = {"major_hazard", FT_BOOL, FF_NOT_NULL, 0, 0, 0, NULL, NULL,
                         "Part of a major hazard source"},
    [EU_CAPACITY_TPH] = {"capacity_tph", FT_CODE, FF_TRIM, 12, 0, 0, NULL, decimal_validate,
                         "Boilers: rated evaporation, t/h"},
    [EU_PRESSURE_MPA] = {"pressure_mpa", FT_CODE, FF_TRIM, 12, 0, 0, NULL, decimal_validate,
                         "Boilers, vessels, piping: design pressure, MPa"},
    [EU_MEDIUM] = {"medium", FT_TEXT, FF_TRIM, 60, 0, 0, NULL, NULL, "Vessels, piping: medium"},
    [EU_VESSEL_CLASS] = {"vessel_class", FT_ENUM, 0, 0, 0, 0, VESSEL_CLASSES, NULL,
                         "Vessels: class I, II or III"},
    [EU_VOLUME_M3] = {"volume_m3", FT_CODE, FF_TRIM, 12, 0, 0, NULL, decimal_validate,
                      "Vessels: volume, m³"},
    [EU_SPEED_MPS] = {"speed_mps", FT_CODE, FF_TRIM, 12, 0, 0, NULL, decimal_validate,
                      "Elevators: rated speed, m/s"},
    [EU_FLOORS] = {"floors", FT_INT, 0, 0, 2, 300, NULL, NULL, "Elevators: stops"},
    [EU_RATED_LOAD_KG] = {"rated_load_kg", FT_INT, 0, 0, 1, 100000, NULL, NULL,
                          "Elevators: rated load, kg"},
    [EU_LIFTING_T] = {"lifting_t", FT_CODE, FF_TRIM, 12, 0, 0, NULL, decimal_validate,
                      "Cranes: rated lifting capacity, t"},
    [EU_SPAN_M] = {"span_m", FT_CODE, FF_TRIM, 12, 0, 0, NULL, decimal_validate, "Cranes: span, m"},
    [EU_LENGTH_M] = {"length_m", FT_CODE, FF_TRIM, 12, 0, 0, NULL, decimal_validate,
                     "Piping, ropeways: length, m"},
    [EU_LAST_INSPECTED_ON] = {"last_inspected_on", FT_DATE, FF_READONLY, 0, 0, 0, NULL, NULL,
                              "Date of the last inspection"},
    [EU_LAST_CONCLUSION] = {"last_conclusion", FT_ENUM, FF_READONLY, 0, 0, 0, EQ_CONCLUSION_NAMES,
                            NULL, "Its conclusion"},
    [EU_INSPECTIONS_DONE] = {"inspections_done", FT_INT, FF_READONLY, 0, 0, INT32_MAX, NULL, NULL,
                             "Inspections recorded"},
    [EU_NEXT_DUE] = {"next_due", FT_DATE, FF_READONLY, 0, 0, 0, NULL, NULL,
                     "Next periodic inspection due (null: not subject or not in use)"},
    [EU_CREATED_AT] = {"created_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When the record was created (UTC)"},
    [EU_UPDATED_AT] = {"updated_at", FT_STAMP, FF_READONLY, 0, 0, 0, NULL, NULL,
                       "When the record was last changed (UTC)"},
    [EU_VERSION] = {"version", FT_INT, FF_READONLY, 0, 1, INT32_MAX, NULL, NULL,
                    "Version, increased by every change; also the ETag"},
};

_Static_assert(sizeof UNIT_FIELDS / sizeof UNIT_FIELDS[0] == EU_NFIELDS,
               "every unit field is described");

const struct record_type UNIT_TYPE = {"equipment_unit", UNIT_FIELDS, EU_NFIELDS};

const char *unit_field_categories(int field)
{
	switch (field) {
	case EU_CAPACITY_TPH:
		return "1";
	case EU_PRESSURE_MPA:
	case EU_MEDIUM:
		return "128";
	case EU_VESSEL_CLASS:
	case EU_VOLUME_M3:
		return "2";
	case EU_SPEED_MPS:
	case EU_FLOORS:
	case EU_RATED_LOAD_KG:
		return "3";
	case EU_LIFTING_T:
	case EU_SPAN_M:
		return "4";
	case EU_LENGTH_M:
		return "89";
	default:
		return NULL;
	}
}

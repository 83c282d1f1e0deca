/*
 * The equipment unit record: one boiler, vessel, elevator, crane, ride, ropeway, vehicle or
 * pipeline, keyed by its device code. The field table in model.c is the single description
 * used for validation, storage, JSON, CSV and the OpenAPI schema; the enum indexes it and
 * follows the column order of eq_unit.
 */
#ifndef JZ_EQUIPMENT_MODEL_H
#define JZ_EQUIPMENT_MODEL_H

#include "platform/fields.h"

enum unit_field {
	EU_DEVICE_CODE,       /* 18 characters: variety, manufacturer, year, serial */
	EU_REG_CODE,          /* use-registration code, 20 digits, once registered */
	EU_REG_CERT_NO,       /* number of the use-registration certificate */
	EU_REGISTERED_ON,     /* date of use registration */
	EU_CATEGORY,          /* catalogue code, 4 characters */
	EU_VARIANT,           /* rule variant (tower, molten, nonmetal, power_station...) */
	EU_NAME,              /* product name */
	EU_MODEL,             /* model */
	EU_USE_UNIT,          /* credit code of the use unit (registry) */
	EU_REGION_CODE,       /* county where it stands */
	EU_LOCATION,          /* where in that county */
	EU_MANUFACTURER,      /* manufacturer */
	EU_MANUFACTURED_ON,   /* date of manufacture */
	EU_INSTALLER,         /* installer */
	EU_MAINTAINER,        /* maintenance unit (elevators) */
	EU_INSTITUTION,       /* inspection institution in charge */
	EU_COMMISSIONED_ON,   /* date put into use */
	EU_STATUS,            /* in_use, stopped, scrapped */
	EU_SAFETY_GRADE,      /* 1..5 (vessels, piping), from the last inspection */
	EU_MAJOR_HAZARD,      /* part of a major hazard source */
	EU_CAPACITY_TPH,      /* boilers: rated evaporation, t/h (or MW) */
	EU_PRESSURE_MPA,      /* boilers, vessels, piping: design pressure */
	EU_MEDIUM,            /* vessels, piping: medium */
	EU_VESSEL_CLASS,      /* vessels: I, II, III */
	EU_VOLUME_M3,         /* vessels: volume */
	EU_SPEED_MPS,         /* elevators: rated speed */
	EU_FLOORS,            /* elevators: stops */
	EU_RATED_LOAD_KG,     /* elevators: rated load */
	EU_LIFTING_T,         /* cranes: rated lifting capacity */
	EU_SPAN_M,            /* cranes: span */
	EU_LENGTH_M,          /* piping, ropeways: length */
	EU_LAST_INSPECTED_ON, /* set by inspections */
	EU_LAST_CONCLUSION,
	EU_INSPECTIONS_DONE,
	EU_NEXT_DUE,
	EU_CREATED_AT,
	EU_UPDATED_AT,
	EU_VERSION,
	EU_NFIELDS
};

extern const struct record_type UNIT_TYPE;

/* The top-level categories (first character of the code, then 000) for which a parameter
 * field applies, as a string of first characters ("1", "28"...); NULL for common fields. */
const char *unit_field_categories(int field);

#endif

/*
 * The enterprise record: a legal entity keyed by its unified social credit code, with its
 * quality file (plan section 2.1). The field table in model.c is the single description used
 * for validation, storage, JSON, CSV and the OpenAPI schema; the enum below indexes it.
 */
#ifndef JZ_REGISTRY_MODEL_H
#define JZ_REGISTRY_MODEL_H

#include "platform/fields.h"

enum enterprise_field {
	ENT_CREDIT_CODE,             /* 18-character unified social credit code; the public key */
	ENT_NAME,                    /* registered name (Chinese) */
	ENT_NAME_BO,                 /* name in Tibetan, where registered */
	ENT_LEGAL_REPRESENTATIVE,    /* legal representative */
	ENT_ADDRESS,                 /* address of the registered seat */
	ENT_REGION_CODE,             /* GB/T 2260 code of the county (or higher) it belongs to */
	ENT_INDUSTRY,                /* GB/T 4754 section letter A-T */
	ENT_SIZE,                    /* micro, small, medium, large */
	ENT_STATUS,                  /* active, suspended, revoked, deregistered */
	ENT_ESTABLISHED_ON,          /* date of establishment */
	ENT_CONTACT_NAME,            /* contact person */
	ENT_CONTACT_PHONE,           /* contact telephone */
	ENT_CONTACT_EMAIL,           /* contact e-mail */
	ENT_QMS_STANDARD,            /* quality management system followed, e.g. GB/T 19001-2016 */
	ENT_QMS_CERTIFIED,           /* whether that system is certified */
	ENT_QMS_CERTIFICATE_NO,      /* certificate number */
	ENT_QMS_CERTIFICATION_BODY,  /* who certified it */
	ENT_STANDARDS_ADOPTED,       /* product standards adopted, one per line */
	ENT_INSPECTION_CAPABILITY,   /* factory inspection capability: none, partial, full */
	ENT_METROLOGY_CAPABILITY,    /* metrology capability: none, partial, full */
	ENT_QUALITY_MANAGER_TRAINED, /* whether the quality manager is trained */
	ENT_QUALITY_MANAGER_TRAINED_ON, /* when the training was completed */
	ENT_CREATED_AT,                 /* server time of creation */
	ENT_UPDATED_AT,                 /* server time of the last change */
	ENT_VERSION,                    /* increases with every change; the ETag */
	ENT_NFIELDS
};

extern const struct record_type ENTERPRISE_TYPE;

#endif

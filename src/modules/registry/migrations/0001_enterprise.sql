-- Legal entities and their quality files. Columns follow the field table in model.c.
CREATE TABLE enterprise (
  id INTEGER PRIMARY KEY,
  credit_code TEXT NOT NULL CHECK (length(credit_code) = 18),
  name TEXT NOT NULL,
  name_bo TEXT,
  legal_representative TEXT,
  address TEXT,
  region_code INTEGER NOT NULL REFERENCES region (code),
  industry TEXT NOT NULL,
  size TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  established_on TEXT,
  contact_name TEXT,
  contact_phone TEXT,
  contact_email TEXT,
  qms_standard TEXT,
  qms_certified INTEGER,
  qms_certificate_no TEXT,
  qms_certification_body TEXT,
  standards_adopted TEXT,
  inspection_capability TEXT,
  metrology_capability TEXT,
  quality_manager_trained INTEGER,
  quality_manager_trained_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
-- A named index rather than a column constraint, so that a load into an empty table can
-- build it once at the end (see store_bulk_begin).
CREATE UNIQUE INDEX enterprise_credit_code ON enterprise (credit_code);
CREATE INDEX enterprise_region ON enterprise (region_code, id);
CREATE INDEX enterprise_name ON enterprise (name, id);

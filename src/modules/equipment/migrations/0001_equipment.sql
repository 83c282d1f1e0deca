-- Special equipment (plan section 2.8): the catalogue and inspection rules (reference data the
-- module seeds and administrators may edit), units, inspections and defects, gas-cylinder
-- batches, operators, accidents, campaigns, and the live tallies behind the four rates.

-- The catalogue of 2014 (AQSIQ No. 114): four characters, a top-level category ending in 000.
CREATE TABLE eq_category (
  code TEXT PRIMARY KEY CHECK (length(code) = 4),
  parent TEXT,               -- the next level up, NULL for a top-level category
  name_zh TEXT NOT NULL,
  name_bo TEXT,
  name_en TEXT NOT NULL,
  by_batch INTEGER NOT NULL DEFAULT 0  -- 1: counted by filling station and batch (cylinders)
);

-- Periodic-inspection rules: the longest category prefix matching a unit, then its variant.
CREATE TABLE eq_rule (
  id INTEGER PRIMARY KEY,
  category TEXT NOT NULL,    -- a category code or a prefix of one ("31" = every 31xx)
  variant TEXT NOT NULL DEFAULT '',  -- '' for the default rule of the prefix
  kind TEXT NOT NULL CHECK (kind IN ('fixed', 'grade', 'age', 'count', 'none')),
  first_months INTEGER,      -- first inspection after commissioning
  interval_months INTEGER,   -- then every so many months (fixed, count after its first runs)
  grade_months TEXT,         -- kind grade: "1:72,2:72,3:36,4:36" (a missing grade may not be used)
  ages TEXT,                 -- kind age: years of age inspected, "1,4,7,9,11,13,15" (then interval)
  count_first INTEGER,       -- kind count: inspections at first_interval before interval_months
  conclusions TEXT NOT NULL DEFAULT 'pass,conditional,fail',
  basis TEXT,                -- the regulation it comes from
  note TEXT,
  updated_at TEXT,
  updated_by TEXT,
  UNIQUE (category, variant)
);

CREATE TABLE eq_unit (
  id INTEGER PRIMARY KEY,
  device_code TEXT NOT NULL,
  reg_code TEXT,
  reg_cert_no TEXT,
  registered_on TEXT,
  category TEXT NOT NULL REFERENCES eq_category (code),
  variant TEXT,
  name TEXT NOT NULL,
  model TEXT,
  use_unit TEXT NOT NULL,
  region_code INTEGER NOT NULL REFERENCES region (code),
  location TEXT,
  manufacturer TEXT,
  manufactured_on TEXT,
  installer TEXT,
  maintainer TEXT,
  institution TEXT,
  commissioned_on TEXT,
  status TEXT NOT NULL CHECK (status IN ('in_use', 'stopped', 'scrapped')),
  safety_grade INTEGER CHECK (safety_grade BETWEEN 1 AND 5),
  major_hazard INTEGER NOT NULL DEFAULT 0,
  capacity_tph TEXT,
  pressure_mpa TEXT,
  medium TEXT,
  vessel_class TEXT,
  volume_m3 TEXT,
  speed_mps TEXT,
  floors INTEGER,
  rated_load_kg INTEGER,
  lifting_t TEXT,
  span_m TEXT,
  length_m TEXT,
  last_inspected_on TEXT,
  last_conclusion TEXT,
  inspections_done INTEGER NOT NULL DEFAULT 0,
  next_due TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_by TEXT
);
CREATE UNIQUE INDEX eq_unit_device_code ON eq_unit (device_code);
CREATE UNIQUE INDEX eq_unit_reg_code ON eq_unit (reg_code) WHERE reg_code IS NOT NULL;
CREATE INDEX eq_unit_region ON eq_unit (region_code, id);
CREATE INDEX eq_unit_use_unit ON eq_unit (use_unit, id);
CREATE INDEX eq_unit_due ON eq_unit (next_due, region_code) WHERE status = 'in_use';
CREATE INDEX eq_unit_institution ON eq_unit (institution, next_due) WHERE status = 'in_use';

CREATE TABLE eq_inspection (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES eq_unit (id),
  kind TEXT NOT NULL CHECK (kind IN ('periodic', 'supervisory', 'acceptance')),
  institution TEXT NOT NULL,
  inspector TEXT NOT NULL,
  inspected_on TEXT NOT NULL,
  conclusion TEXT NOT NULL CHECK (conclusion IN ('pass', 'conditional', 'fail')),
  safety_grade INTEGER CHECK (safety_grade BETWEEN 1 AND 5),
  report_no TEXT,
  next_due TEXT,             -- what the rule gave from this inspection
  note TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT
);
CREATE INDEX eq_inspection_unit ON eq_inspection (unit_id, inspected_on);

CREATE TABLE eq_defect (
  id INTEGER PRIMARY KEY,
  inspection_id INTEGER NOT NULL REFERENCES eq_inspection (id),
  unit_id INTEGER NOT NULL REFERENCES eq_unit (id),
  description TEXT NOT NULL,
  deadline TEXT NOT NULL,
  rectified_on TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX eq_defect_unit ON eq_defect (unit_id);
CREATE INDEX eq_defect_open ON eq_defect (deadline) WHERE rectified_on IS NULL;

-- Gas cylinders are counted by filling station and batch, not one by one.
CREATE TABLE eq_cylinder_batch (
  id INTEGER PRIMARY KEY,
  station TEXT NOT NULL,     -- credit code of the filling station
  region_code INTEGER NOT NULL REFERENCES region (code),
  category TEXT NOT NULL REFERENCES eq_category (code),
  variant TEXT,              -- the rule variant: corrosive, general, inert, lpg, lpg50
  batch_no TEXT NOT NULL,
  spec TEXT,                 -- e.g. YSP-15
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  manufacturer TEXT,
  manufactured_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'in_use' CHECK (status IN ('in_use', 'stopped', 'scrapped')),
  last_inspected_on TEXT,
  inspections_done INTEGER NOT NULL DEFAULT 0,
  next_due TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (station, batch_no)
);
CREATE INDEX eq_cylinder_region ON eq_cylinder_batch (region_code, next_due);

-- Operators on duty at a use unit, with their certificate where they hold one. Only the last
-- four characters of the identity card are kept: nothing more is needed to tell two people
-- of the same name apart on a list.
CREATE TABLE eq_operator (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  id_tail TEXT,
  employer TEXT NOT NULL,
  region_code INTEGER NOT NULL REFERENCES region (code),
  category TEXT NOT NULL REFERENCES eq_category (code),  -- top-level category operated
  item TEXT,                 -- operator item code on the certificate, e.g. G1, R1, T, Q1
  cert_no TEXT,
  issued_on TEXT,
  valid_until TEXT,
  on_duty INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  CHECK ((cert_no IS NULL) = (valid_until IS NULL))
);
CREATE UNIQUE INDEX eq_operator_cert ON eq_operator (cert_no) WHERE cert_no IS NOT NULL;
CREATE INDEX eq_operator_employer ON eq_operator (employer, id);
CREATE INDEX eq_operator_valid ON eq_operator (valid_until, region_code) WHERE on_duty = 1;

-- Accidents, closed only with all four "don't let go" elements recorded.
CREATE TABLE eq_accident (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER REFERENCES eq_unit (id),
  use_unit TEXT NOT NULL,
  region_code INTEGER NOT NULL REFERENCES region (code),
  category TEXT NOT NULL REFERENCES eq_category (code),
  occurred_on TEXT NOT NULL,
  reported_on TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('general', 'larger', 'major', 'especially_major')),
  deaths INTEGER NOT NULL DEFAULT 0,
  injuries INTEGER NOT NULL DEFAULT 0,
  loss_yuan INTEGER NOT NULL DEFAULT 0,
  summary TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('reported', 'investigating', 'closed')),
  cause TEXT,
  responsible_handled TEXT,
  measures_done TEXT,
  people_educated TEXT,
  closed_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  CHECK (status <> 'closed' OR (cause IS NOT NULL AND responsible_handled IS NOT NULL AND
                                measures_done IS NOT NULL AND people_educated IS NOT NULL AND
                                closed_on IS NOT NULL))
);
CREATE INDEX eq_accident_region ON eq_accident (region_code, occurred_on);

-- Campaigns: a named set of targets (units matching a filter) with progress.
CREATE TABLE eq_campaign (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  region_code INTEGER NOT NULL REFERENCES region (code),
  category TEXT NOT NULL,    -- category code or prefix of the targets
  variant TEXT,              -- only this rule variant, or NULL
  major_hazard_only INTEGER NOT NULL DEFAULT 0,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT
);

-- Live tallies behind the four rates, changed in the same transaction as the rows they count
-- (tally.c), so a dashboard reads a few hundred rows and is exact at every moment.
-- Plain counts per county and top-level category: in_use, registered, subject (to periodic
-- inspection), on_duty, certified.
CREATE TABLE eq_tally (
  kind TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  category TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, region_code, category)
) WITHOUT ROWID;
-- Counts by date (due: next inspection due; expires: certificate valid until; accident,
-- closed: accidents by the day they occurred), kept per day and per month so that "how many
-- before day D" reads the months before D's month and the days of D's month.
CREATE TABLE eq_tally_day (
  kind TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  category TEXT NOT NULL,
  day INTEGER NOT NULL,      -- YYYYMMDD
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, day, region_code, category)
) WITHOUT ROWID;
CREATE TABLE eq_tally_month (
  kind TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  category TEXT NOT NULL,
  month INTEGER NOT NULL,    -- YYYYMM
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, month, region_code, category)
) WITHOUT ROWID;

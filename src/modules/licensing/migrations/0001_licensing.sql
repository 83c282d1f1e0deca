-- Online licensing (行政许可): industrial product production licences and food production
-- licences. An application is a case of the platform's workflow engine (flow_case) with the
-- licence-specific record here; a licence is what a granted application issues. Rules and
-- limits: docs/licensing.md and docs/design/licensing.md.

-- What a licence can cover: the food categories (SC numbers carry the 3-digit code) and the
-- industrial product catalogue. Seeded from data/licensing-categories.tsv.
CREATE TABLE lc_category (
  code TEXT PRIMARY KEY,                  -- '101' (grain products), '201' (additives), 'XK13'...
  kind TEXT NOT NULL CHECK (kind IN ('food', 'industrial')),
  name_zh TEXT NOT NULL,
  name_bo TEXT,
  name_en TEXT NOT NULL,
  ord INTEGER NOT NULL
);

-- An application for a new licence, a change, a renewal or a cancellation.
CREATE TABLE lc_application (
  id INTEGER PRIMARY KEY,
  application_no TEXT NOT NULL UNIQUE,    -- 'SQ2026-5401-000123'
  kind TEXT NOT NULL CHECK (kind IN ('food', 'industrial')),
  purpose TEXT NOT NULL CHECK (purpose IN ('new', 'change', 'renewal', 'cancel')),
  licence_id INTEGER REFERENCES lc_licence (id), -- change, renewal, cancel: the licence concerned
  applicant TEXT NOT NULL,                -- credit code of the legal entity
  applicant_name TEXT NOT NULL,           -- as registered when submitted
  region_code INTEGER NOT NULL,           -- the producer's (the registry's)
  categories TEXT NOT NULL,               -- category codes, ',' separated, sorted
  scope_text TEXT NOT NULL,               -- the products applied for, as the applicant words them
  site_address TEXT NOT NULL,             -- production address
  legal_rep TEXT NOT NULL,
  contact TEXT,
  phone TEXT,
  reason TEXT,                            -- change / cancel: what and why
  case_id INTEGER,                        -- the workflow case (flow_case.id), once submitted
  status TEXT NOT NULL,                   -- mirrors the case's step ('draft' before submission)
  missing TEXT,                           -- the one-time notice of everything missing
  onsite_on TEXT,                         -- on-site verification: date
  onsite_team TEXT,                       -- verifiers' names
  onsite_findings TEXT,
  onsite_result TEXT CHECK (onsite_result IN ('pass', 'fail')),
  decision TEXT CHECK (decision IN ('grant', 'refuse')),
  decision_reason TEXT,
  decided_on TEXT,
  decided_by TEXT,
  submitted_on TEXT,
  accepted_on TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX lc_application_applicant ON lc_application (applicant, id);
CREATE INDEX lc_application_region ON lc_application (region_code, status, id);

-- Attachments of an application (content-addressed files in attachments.dir, as sampling's).
CREATE TABLE lc_attachment (
  id INTEGER PRIMARY KEY,
  application_id INTEGER NOT NULL REFERENCES lc_application (id),
  kind TEXT NOT NULL,                     -- 'business_licence', 'site_plan', 'process_flow', ...
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);
CREATE INDEX lc_attachment_application ON lc_attachment (application_id);

-- A licence as issued. The public verification page reads this table only.
CREATE TABLE lc_licence (
  id INTEGER PRIMARY KEY,
  licence_no TEXT NOT NULL UNIQUE,        -- 'SC10154010200017' or '(藏)XK13-001-00012'
  kind TEXT NOT NULL CHECK (kind IN ('food', 'industrial')),
  holder TEXT NOT NULL,                   -- credit code
  holder_name TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  categories TEXT NOT NULL,               -- category codes, ',' separated
  scope_text TEXT NOT NULL,
  site_address TEXT NOT NULL,
  legal_rep TEXT NOT NULL,
  issuer TEXT NOT NULL,                   -- the bureau's name as printed ("西藏自治区市场监督管理局")
  issued_on TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked', 'cancelled',
                                          'replaced')),
  status_reason TEXT,
  status_on TEXT,
  application_id INTEGER NOT NULL,        -- the application that issued it
  replaces_id INTEGER REFERENCES lc_licence (id), -- a change or renewal: the licence it replaced
  last_check_on TEXT,                     -- the newest post-licence check
  next_check_due TEXT NOT NULL,           -- when the next post-licence check is due
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX lc_licence_holder ON lc_licence (holder, id);
CREATE INDEX lc_licence_region ON lc_licence (region_code, status, kind);
CREATE INDEX lc_licence_due ON lc_licence (status, next_check_due);

-- Sequences of licence numbers: one per (kind, prefix) so numbers never repeat.
CREATE TABLE lc_number_seq (
  prefix TEXT PRIMARY KEY,                -- 'SC101540102' or '(藏)XK13-001'
  next INTEGER NOT NULL
);

-- Post-licence supervision: checks of licensed producers and their findings.
CREATE TABLE lc_check (
  id INTEGER PRIMARY KEY,
  licence_id INTEGER NOT NULL REFERENCES lc_licence (id),
  region_code INTEGER NOT NULL,
  checked_on TEXT NOT NULL,
  inspectors TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('conforming', 'rectify', 'nonconforming')),
  findings TEXT NOT NULL,
  rectify_by TEXT,                        -- rectify: the deadline
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX lc_check_licence ON lc_check (licence_id, checked_on);

-- The categories a licence covers, one row each, for counts by category (kept with the
-- licence's status and region in the same transaction that changes the licence).
CREATE TABLE lc_licence_category (
  licence_id INTEGER NOT NULL REFERENCES lc_licence (id),
  category TEXT NOT NULL REFERENCES lc_category (code),
  region_code INTEGER NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (licence_id, category)
);
CREATE INDEX lc_licence_category_count ON lc_licence_category (status, category, region_code);

-- Org units, accounts, roles and their permissions, sessions and API tokens.

-- The administration as a tree: bureaus, county offices, testing institutions and labs.
CREATE TABLE org_unit (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,            -- public key: "540200" for a bureau, "540000-LAB1" ...
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('bureau', 'office', 'institution', 'lab')),
  region_code INTEGER NOT NULL REFERENCES region (code),
  parent_id INTEGER REFERENCES org_unit (id)
);

CREATE TABLE account (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,           -- stored lower-case
  display_name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('staff', 'enterprise')),
  org_unit_id INTEGER NOT NULL REFERENCES org_unit (id),
  credit_code TEXT,                     -- the legal entity of an enterprise account
  password_hash TEXT NOT NULL,          -- Argon2id, libsodium's string form
  must_change_password INTEGER NOT NULL DEFAULT 1,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  password_changed_at TEXT,
  CHECK ((kind = 'enterprise') = (credit_code IS NOT NULL))
);

-- scope: all; units (role_unit rows); unit_and_below; unit; own (records one created);
-- entity (an enterprise account's own legal entity).
CREATE TABLE role (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  builtin INTEGER NOT NULL DEFAULT 0,
  scope TEXT NOT NULL CHECK (scope IN ('all', 'units', 'unit_and_below', 'unit', 'own', 'entity'))
);

CREATE TABLE role_permission (
  role_id INTEGER NOT NULL REFERENCES role (id) ON DELETE CASCADE,
  module TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('read', 'write', 'approve', 'publish', 'export', 'admin')),
  PRIMARY KEY (role_id, module, action)
);

CREATE TABLE role_unit (
  role_id INTEGER NOT NULL REFERENCES role (id) ON DELETE CASCADE,
  org_unit_id INTEGER NOT NULL REFERENCES org_unit (id),
  PRIMARY KEY (role_id, org_unit_id)
);

CREATE TABLE account_role (
  account_id INTEGER NOT NULL REFERENCES account (id),
  role_id INTEGER NOT NULL REFERENCES role (id),
  PRIMARY KEY (account_id, role_id)
);

-- Console sessions; the cookie holds a random token, the table only its hash.
CREATE TABLE session (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES account (id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,          -- unix seconds
  last_seen_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  client_addr TEXT
);
CREATE INDEX session_account ON session (account_id);

-- Tokens of machine clients: shown once, stored hashed, scoped, expiring, revocable.
CREATE TABLE api_token (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES account (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,                 -- "registry:read registry:write"
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER
);

-- Built-in roles. Modules: registry equipment sampling licensing food trace standards
-- metrology certification enforcement quality reports documents accounts audit.
INSERT INTO role (id, name, label, builtin, scope) VALUES
  (1, 'sysadmin', '系统管理员 System administrator', 1, 'all'),
  (2, 'leader', '局领导 Bureau leader', 1, 'unit_and_below'),
  (3, 'registry_officer', '企业档案管理员 Registry officer', 1, 'unit_and_below'),
  (4, 'equipment_officer', '特种设备监察员 Special equipment officer', 1, 'unit_and_below'),
  (5, 'sampling_officer', '监督抽查员 Supervision sampling officer', 1, 'unit_and_below'),
  (6, 'licensing_officer', '许可审查员 Licensing officer', 1, 'unit_and_below'),
  (7, 'food_officer', '食品监管员 Food safety officer', 1, 'unit_and_below'),
  (8, 'metrology_officer', '计量监管员 Metrology officer', 1, 'unit_and_below'),
  (9, 'standards_officer', '标准化管理员 Standards officer', 1, 'unit_and_below'),
  (10, 'certification_officer', '认证监管员 Certification officer', 1, 'unit_and_below'),
  (11, 'enforcement_officer', '稽查执法员 Enforcement officer', 1, 'unit_and_below'),
  (12, 'lab_analyst', '检验员 Lab analyst', 1, 'unit'),
  (13, 'enterprise', '企业用户 Enterprise user', 1, 'entity');

WITH m(module) AS (VALUES ('registry'), ('equipment'), ('sampling'), ('licensing'), ('food'),
    ('trace'), ('standards'), ('metrology'), ('certification'), ('enforcement'), ('quality'),
    ('reports'), ('documents'), ('accounts'), ('audit')),
  a(action) AS (VALUES ('read'), ('write'), ('approve'), ('publish'), ('export'), ('admin'))
INSERT INTO role_permission (role_id, module, action)
  SELECT 1, module, action FROM m, a
  UNION ALL SELECT 2, module, 'read' FROM m
  UNION ALL SELECT 2, module, 'export' FROM m WHERE module NOT IN ('accounts', 'audit');

INSERT INTO role_permission (role_id, module, action) VALUES
  (3, 'registry', 'read'), (3, 'registry', 'write'), (3, 'registry', 'export'),
  (4, 'equipment', 'read'), (4, 'equipment', 'write'), (4, 'equipment', 'export'), (4, 'registry', 'read'),
  (5, 'sampling', 'read'), (5, 'sampling', 'write'), (5, 'sampling', 'export'), (5, 'registry', 'read'),
  (6, 'licensing', 'read'), (6, 'licensing', 'write'), (6, 'licensing', 'export'), (6, 'registry', 'read'),
  (7, 'food', 'read'), (7, 'food', 'write'), (7, 'food', 'export'), (7, 'trace', 'read'), (7, 'registry', 'read'),
  (8, 'metrology', 'read'), (8, 'metrology', 'write'), (8, 'metrology', 'export'), (8, 'registry', 'read'),
  (9, 'standards', 'read'), (9, 'standards', 'write'), (9, 'standards', 'export'), (9, 'registry', 'read'),
  (10, 'certification', 'read'), (10, 'certification', 'write'), (10, 'certification', 'export'), (10, 'registry', 'read'),
  (11, 'enforcement', 'read'), (11, 'enforcement', 'write'), (11, 'enforcement', 'export'), (11, 'registry', 'read'),
  (12, 'sampling', 'read'), (12, 'sampling', 'write'),
  (13, 'registry', 'read');

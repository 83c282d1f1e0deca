-- The platform's own tables: deployment identity, the id sequence and the audit log.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row. Ids are deployment * 10^12 + next_local (see db.h).
CREATE TABLE id_sequence (
  deployment INTEGER NOT NULL CHECK (deployment BETWEEN 1 AND 9223371),
  next_local INTEGER NOT NULL CHECK (next_local >= 1)
);

-- Every write, in order. hash = H(prev_hash || canonical entry); see audit.c.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  org_unit TEXT,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_key TEXT,
  before_json TEXT,
  after_json TEXT,
  request_id TEXT,
  client_addr TEXT,
  outcome TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_key, id);

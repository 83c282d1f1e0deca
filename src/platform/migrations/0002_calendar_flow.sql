-- The working-day calendar (platform/workdays.h) and the workflow engine (platform/flow.h).
-- Dates are TEXT 'YYYY-MM-DD' (they sort as dates); ids come from db_id_next.

-- A year is known when it has a row here: its holidays and make-up working days are loaded.
CREATE TABLE calendar_year (
  year INTEGER PRIMARY KEY CHECK (year BETWEEN 1900 AND 2199),
  source TEXT NOT NULL,                      -- the notice the table comes from
  verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)), -- checked against the notice
  updated_at TEXT NOT NULL
);

-- The days of a known year that differ from "Monday to Friday work": rest days of a holiday
-- (a rest day on a weekend only names it) and make-up working days (调休上班).
CREATE TABLE calendar_day (
  day TEXT PRIMARY KEY CHECK (length(day) = 10),
  year INTEGER NOT NULL REFERENCES calendar_year (year) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('rest', 'work')),
  name TEXT NOT NULL DEFAULT '',             -- the holiday, in Chinese as the notice names it
  name_en TEXT NOT NULL DEFAULT '',
  name_bo TEXT NOT NULL DEFAULT ''
);
CREATE INDEX calendar_day_year ON calendar_day (year);

-- Changed (to a new random token) by every change of the calendar tables, so that a server
-- notices a change made by another process (workdays.c).
INSERT INTO meta (key, value) VALUES ('calendar_generation', 'initial');

-- Process definitions (JSON), one row per version; a new version only when the text changed.
CREATE TABLE flow_process (
  code TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  definition TEXT NOT NULL,
  digest TEXT NOT NULL,                      -- hex SHA-256 of definition
  created_at TEXT NOT NULL,
  PRIMARY KEY (code, version)
);

-- Cases. Stage fields describe the clock of the current stage; deadline is kept up to date
-- for open running cases (NULL when paused, closed or outside a stage) so queues sort on it.
CREATE TABLE flow_case (
  id INTEGER PRIMARY KEY,
  process TEXT NOT NULL,
  version INTEGER NOT NULL,
  subject TEXT NOT NULL,                     -- the caller's record, "module.thing:id"
  region_code INTEGER NOT NULL,              -- for data scope
  entity_code TEXT,                          -- the legal entity (applicant), or NULL
  step TEXT NOT NULL,
  stage TEXT,                                -- NULL when the step has no stage
  stage_start TEXT,                          -- the day the stage's clock started
  stage_limit INTEGER,                       -- the stage's limit, without extension
  extended INTEGER NOT NULL DEFAULT 0,       -- working days of extension granted
  stopped_days INTEGER NOT NULL DEFAULT 0,   -- working days stopped in this stage, closed stops
  paused_since TEXT,                         -- the current stop began on this day
  pause_reason TEXT,
  deadline TEXT,                             -- running: the stage's last working day
  frozen_deadline TEXT,                      -- paused: the deadline as it stood when it stopped
  closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  FOREIGN KEY (process, version) REFERENCES flow_process (code, version)
);
CREATE INDEX flow_case_queue ON flow_case (closed, deadline);
CREATE INDEX flow_case_subject ON flow_case (subject);

-- What happened to a case, in order (start and every transition).
CREATE TABLE flow_event (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES flow_case (id),
  at TEXT NOT NULL,                          -- ISO 8601 UTC
  day TEXT NOT NULL,                         -- the working day it counts on (China time)
  actor TEXT NOT NULL,
  action TEXT NOT NULL,                      -- "start" or a transition's action
  from_step TEXT,
  to_step TEXT NOT NULL,
  note TEXT,
  clock TEXT                                 -- "started", "stopped", "resumed", "extended"
                                             -- (comma-separated when several), or NULL
);
CREATE INDEX flow_event_case ON flow_event (case_id, id);

-- Clock stops: from_day to to_day (NULL while it lasts), days = working days in (from, to].
CREATE TABLE flow_stop (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES flow_case (id),
  stage TEXT NOT NULL,
  reason TEXT NOT NULL,
  from_day TEXT NOT NULL,
  to_day TEXT,
  days INTEGER
);
CREATE INDEX flow_stop_case ON flow_stop (case_id, id);

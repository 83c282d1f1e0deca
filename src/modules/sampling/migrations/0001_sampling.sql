-- Supervision sampling (监督抽查): the product catalogue and its test items, labs and their
-- accredited scope, annual plans and their tasks, verifiable double-random draws, samples with
-- attachments, item results and verdicts, objections and re-tests, follow-up of failures,
-- announcements, and the tallies the statistics read.

-- Test items: what a lab measures or observes. Limits are per product (sp_product_item).
CREATE TABLE sp_test_item (
  code TEXT PRIMARY KEY,                  -- 'PB', 'AFLATOXIN_B1', 'LABEL'
  name_zh TEXT NOT NULL,
  name_bo TEXT,
  name_en TEXT NOT NULL,
  unit TEXT,                              -- 'mg/kg'; NULL for a qualitative item
  kind TEXT NOT NULL CHECK (kind IN ('numeric', 'qualitative'))
);

-- The product catalogue of supervision sampling.
CREATE TABLE sp_product (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,              -- 'RICE', 'TSAMPA'
  name_zh TEXT NOT NULL,
  name_bo TEXT,
  name_en TEXT NOT NULL,
  category TEXT NOT NULL,                 -- food, food_related, industrial, consumer, agricultural_input, building
  industry TEXT NOT NULL,                 -- GB/T 4754 section of its producers (the registry's industry)
  risk TEXT NOT NULL CHECK (risk IN ('high', 'medium', 'low')),
  standards TEXT NOT NULL                 -- product standards, '; '-separated
);

-- The items tested on a product and how each is judged. Limits are decimal text, compared
-- exactly (never as floating point).
CREATE TABLE sp_product_item (
  product_id INTEGER NOT NULL REFERENCES sp_product (id),
  item_code TEXT NOT NULL REFERENCES sp_test_item (code),
  rule TEXT NOT NULL CHECK (rule IN ('min', 'max', 'range', 'equals', 'not_detected')),
  lo TEXT,                                -- min and range: the least value that passes
  hi TEXT,                                -- max and range: the greatest value that passes
  expected TEXT,                          -- equals: the value (qualitative) that passes
  standard TEXT NOT NULL,                 -- where the limit comes from ('GB 2762-2022')
  PRIMARY KEY (product_id, item_code)
);

-- Testing laboratories (inspection institutions) and the test items they are accredited for.
CREATE TABLE sp_lab (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,              -- CMA/CNAS certificate number
  name TEXT NOT NULL,
  name_bo TEXT,
  region_code INTEGER NOT NULL REFERENCES region (code),
  org_unit TEXT,                          -- accounts org unit whose analysts work here
  accredited_until TEXT NOT NULL,         -- YYYY-MM-DD: no assignment after this day
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE sp_lab_scope (
  lab_id INTEGER NOT NULL REFERENCES sp_lab (id),
  item_code TEXT NOT NULL REFERENCES sp_test_item (code),
  PRIMARY KEY (lab_id, item_code)
);

-- Annual plans and the tasks derived from them (a product in a prefecture or county, with the
-- number of samples planned).
CREATE TABLE sp_plan (
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2199),
  title TEXT NOT NULL,
  region_code INTEGER NOT NULL REFERENCES region (code),  -- the planning authority's region
  budget_yuan INTEGER NOT NULL DEFAULT 0 CHECK (budget_yuan >= 0),
  weighted INTEGER NOT NULL DEFAULT 0,    -- 1: producer draws weighted by risk
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'closed')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE sp_plan_lab (
  plan_id INTEGER NOT NULL REFERENCES sp_plan (id),
  lab_id INTEGER NOT NULL REFERENCES sp_lab (id),
  PRIMARY KEY (plan_id, lab_id)
);
CREATE TABLE sp_task (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES sp_plan (id),
  product_id INTEGER NOT NULL REFERENCES sp_product (id),
  region_code INTEGER NOT NULL REFERENCES region (code),  -- where producers are drawn
  planned INTEGER NOT NULL CHECK (planned > 0),
  UNIQUE (plan_id, product_id, region_code)
);
CREATE INDEX sp_task_region ON sp_task (region_code);

-- Draws. Prepared: the candidates and eligible inspectors are frozen (inputs) and the hash
-- of a secret seed is published (commitment). Drawn: a witness value is given, the seed is
-- revealed and the result computed from inputs, seed and witness alone (see draw.c).
CREATE TABLE sp_draw (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES sp_task (id),
  region_code INTEGER NOT NULL,           -- the task's, for scope
  count INTEGER NOT NULL CHECK (count > 0),
  inspectors_each INTEGER NOT NULL CHECK (inspectors_each BETWEEN 1 AND 5),
  commitment TEXT NOT NULL,               -- hex SHA-256 of the seed
  seed TEXT NOT NULL,                     -- hex of 32 random bytes; public once drawn
  witness TEXT,                           -- the public value given at the draw
  inputs TEXT NOT NULL,                   -- canonical JSON, public from preparation
  result TEXT,                            -- canonical JSON, public once drawn
  status TEXT NOT NULL CHECK (status IN ('prepared', 'drawn', 'cancelled')),
  prepared_by TEXT NOT NULL,
  prepared_at TEXT NOT NULL,
  drawn_by TEXT,
  drawn_at TEXT
);
CREATE INDEX sp_draw_task ON sp_draw (task_id);

-- Samples: one product sampled at one producer.
CREATE TABLE sp_sample (
  id INTEGER PRIMARY KEY,
  sample_no TEXT NOT NULL UNIQUE,         -- 'CC2026-5401-000123'
  task_id INTEGER NOT NULL REFERENCES sp_task (id),
  draw_id INTEGER REFERENCES sp_draw (id),
  product_id INTEGER NOT NULL REFERENCES sp_product (id),
  producer TEXT NOT NULL,                 -- credit code
  region_code INTEGER NOT NULL,           -- the producer's
  industry TEXT NOT NULL,                 -- the producer's, when sampled
  brand TEXT,
  specification TEXT,
  batch TEXT,
  production_date TEXT,
  quantity_sampled INTEGER NOT NULL,
  quantity_reserve INTEGER NOT NULL,
  quantity_unit TEXT NOT NULL,
  seal_no TEXT,
  samplers TEXT NOT NULL,
  place TEXT NOT NULL,
  sampled_on TEXT NOT NULL,
  year INTEGER NOT NULL,                  -- of sampled_on
  quarter INTEGER NOT NULL,               -- of sampled_on
  producer_response TEXT CHECK (producer_response IN ('confirmed', 'refused')),
  refusal_reason TEXT,
  lab_id INTEGER REFERENCES sp_lab (id),
  received_on TEXT,
  status TEXT NOT NULL CHECK (status IN ('sampled', 'refused', 'testing', 'submitted',
                                          'reviewed', 'approved')),
  verdict TEXT CHECK (verdict IN ('pass', 'fail')),       -- of the original test
  final_verdict TEXT CHECK (final_verdict IN ('pass', 'fail')), -- once approved (re-test may change it)
  analyst TEXT,
  reviewer TEXT,
  approver TEXT,
  approved_on TEXT,
  notified_on TEXT,                       -- the producer received the result
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sp_sample_region ON sp_sample (region_code, sampled_on);
CREATE INDEX sp_sample_producer ON sp_sample (producer, product_id, sampled_on);
CREATE INDEX sp_sample_task ON sp_sample (task_id);
CREATE INDEX sp_sample_status ON sp_sample (status, region_code);

-- Item results: round 0 is the original test, round 1 the re-test of the reserve sample.
CREATE TABLE sp_result (
  sample_id INTEGER NOT NULL REFERENCES sp_sample (id),
  round INTEGER NOT NULL CHECK (round IN (0, 1)),
  item_code TEXT NOT NULL REFERENCES sp_test_item (code),
  value TEXT NOT NULL,                    -- decimal text, 'ND' (not detected) or a word
  judgement TEXT NOT NULL CHECK (judgement IN ('pass', 'fail')),
  analyst TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  PRIMARY KEY (sample_id, round, item_code)
);

-- Photos, the signed sampling form, reports: the bytes on disk under their SHA-256.
CREATE TABLE sp_attachment (
  id INTEGER PRIMARY KEY,
  sample_id INTEGER NOT NULL REFERENCES sp_sample (id),
  kind TEXT NOT NULL CHECK (kind IN ('photo', 'form', 'report', 'other')),
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);
CREATE INDEX sp_attachment_sample ON sp_attachment (sample_id);

-- An objection to a result and its re-test.
CREATE TABLE sp_objection (
  id INTEGER PRIMARY KEY,
  sample_id INTEGER NOT NULL UNIQUE REFERENCES sp_sample (id),
  filed_on TEXT NOT NULL,
  reason TEXT NOT NULL,
  filed_by TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('filed', 'rejected', 'retesting', 'decided')),
  decision_note TEXT,
  decided_by TEXT,
  retest_lab_id INTEGER REFERENCES sp_lab (id),
  outcome TEXT CHECK (outcome IN ('confirmed', 'overturned')),
  cost_borne_by TEXT CHECK (cost_borne_by IN ('applicant', 'authority')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

-- Follow-up of a failed sample: rectification order, re-inspection, announcement, second
-- re-inspection, suspension (SAMR Order No. 18).
CREATE TABLE sp_followup (
  id INTEGER PRIMARY KEY,
  sample_id INTEGER NOT NULL UNIQUE REFERENCES sp_sample (id),
  region_code INTEGER NOT NULL,
  producer TEXT NOT NULL,
  order_no TEXT NOT NULL,
  ordered_on TEXT NOT NULL,
  rectify_by TEXT NOT NULL,
  recheck_by TEXT NOT NULL,
  rectified_on TEXT,
  recheck_on TEXT,
  recheck_verdict TEXT CHECK (recheck_verdict IN ('pass', 'fail')),
  announced_on TEXT,
  second_from TEXT,
  second_by TEXT,
  second_on TEXT,
  second_verdict TEXT CHECK (second_verdict IN ('pass', 'fail')),
  stage TEXT NOT NULL CHECK (stage IN ('ordered', 'rectified', 'announced', 'suspended',
                                       'closed')),
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sp_followup_stage ON sp_followup (stage, region_code);

-- Announcements of results, approved and published by an officer; the samples are fixed when
-- it is approved.
CREATE TABLE sp_announcement (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,            -- '2026-001'
  title TEXT NOT NULL,
  region_code INTEGER NOT NULL,
  product_id INTEGER REFERENCES sp_product (id),
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'published')),
  created_by TEXT NOT NULL,
  approved_by TEXT,
  published_by TEXT,
  published_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE sp_announcement_sample (
  announcement_id INTEGER NOT NULL REFERENCES sp_announcement (id),
  sample_id INTEGER NOT NULL REFERENCES sp_sample (id),
  PRIMARY KEY (announcement_id, sample_id)
);

-- Tallies of final verdicts, moved in the same transaction as every change of a sample's
-- final verdict, so that statistics are exact without a nightly rebuild.
CREATE TABLE sp_tally (
  year INTEGER NOT NULL,
  quarter INTEGER NOT NULL,
  region_code INTEGER NOT NULL,           -- the producer's county
  product_id INTEGER NOT NULL,
  industry TEXT NOT NULL,
  samples INTEGER NOT NULL,
  passed INTEGER NOT NULL,
  PRIMARY KEY (year, quarter, region_code, product_id, industry)
) WITHOUT ROWID;
CREATE TABLE sp_item_tally (
  year INTEGER NOT NULL,
  quarter INTEGER NOT NULL,
  region_code INTEGER NOT NULL,
  product_id INTEGER NOT NULL,
  item_code TEXT NOT NULL,
  tested INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  PRIMARY KEY (year, quarter, region_code, product_id, item_code)
) WITHOUT ROWID;

-- Which inspector went to which producer, written by each draw: the "recent visit" that a
-- later draw avoids.
CREATE TABLE sp_visit (
  inspector TEXT NOT NULL,                -- account login
  producer TEXT NOT NULL,                 -- credit code
  draw_id INTEGER NOT NULL REFERENCES sp_draw (id),
  visited_on TEXT NOT NULL,               -- day of the draw
  PRIMARY KEY (inspector, producer, draw_id)
);
CREATE INDEX sp_visit_producer ON sp_visit (producer, visited_on);

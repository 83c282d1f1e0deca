-- GB/T 2260 administrative divisions. Seeded from data/regions-*.tsv by regions_seed.
CREATE TABLE region (
  code INTEGER PRIMARY KEY CHECK (code BETWEEN 110000 AND 829999),
  parent INTEGER REFERENCES region (code),
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  name_bo TEXT NOT NULL DEFAULT ''
);

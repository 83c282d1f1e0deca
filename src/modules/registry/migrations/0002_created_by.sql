-- Who registered each record, for roles whose scope is "what I created". Records loaded by
-- the command line or the demo belong to no account, so the index leaves them out (and a
-- bulk load does not have to build it).
ALTER TABLE enterprise ADD COLUMN created_by TEXT;
CREATE INDEX enterprise_created_by ON enterprise (created_by, id)
  WHERE created_by NOT IN ('cli', 'demo');

-- Who registered each record, for roles whose scope is "what I created".
ALTER TABLE enterprise ADD COLUMN created_by TEXT;
CREATE INDEX enterprise_created_by ON enterprise (created_by, id);

-- Online licensing (docs/design/licensing.md, "API"): a bureau leader approves (grants,
-- refuses, extends the decision limit, suspends, restores and revokes licences); an
-- enterprise reads its own applications and licences and writes its own applications
-- (drafts, attachments, submission, supplements, withdrawal), its own entity only, which the
-- licensing store enforces. Licensing officers have read, write and export already.
INSERT OR IGNORE INTO role_permission (role_id, module, action) VALUES
  (2, 'licensing', 'approve'),
  (13, 'licensing', 'read'), (13, 'licensing', 'write');
